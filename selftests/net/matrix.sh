#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Option x traffic matrix: every device option that changes the data path,
# set on the CE or on the BR (the default on the other end), crossed with
# every kind of traffic: UDP small and fragmented, DF set and clear; IPv4
# fragments in order and last first; ICMP echo, small and fragmented; ICMP
# errors (port unreachable, fragmentation needed) both ways; bulk TCP up
# and down, DF set and clear, from senders with TSO/GSO on, so that
# super-packets reach the devices. One TEST line per (option, role,
# traffic) cell; each checks
#   - the data: every echo and byte back intact (sha256 at both ends of
#     the TCP transfers);
#   - the counters: what one end encapsulated the other decapsulated
#     (packets and bytes), no drop counter of mapctl stats, of the links
#     (ip -s link: mape0, the veths) or of the IP layers (Ip6FragFails, ...)
#     rising unless the traffic asks for it;
#   - the kernel log: no warning, oops, ... (the VM fails the whole run for
#     one; here the cell that made it is named);
#   - what the option promises: frag inner, no outer IPv6 fragment from
#     the device; frag-id psid, no DF-clear packet reaching the server with
#     an identification outside the CE's PSID set;
#   - bulk TCP not more than 5x slower than the same transfer with every
#     option at its default, measured first, in the same run
#     (MAPE_TCP_RATIO: the debug kernel allows more, see k_tcp).
#
#   [lan] .2 ---- .1 (napt cells only, 198.51.100.0/30)
#                    \
#   [srv] ---- [br] ==== [core] ==== [ce1]      (ce2, ce3 of topo.sh idle)
#   203.0.113.2    mape0 role br      mape0 role ce, 192.0.2.18 PSID 0x34
#   eth0: TSO/GSO  v4: TSO/GSO off    mape0: TSO/GSO
#
# srv, br, ce1 (and lan) each run one matrix_agent.py: echo and bulk
# servers, the traffic the shell asks for, mapctl stats. The IPv6 underlay
# is 1500 bytes everywhere. The BR's link to the server segments in
# software, as a NIC would, so that the server sees the segments'
# identifications. Cells that pin mape0's MTU come after those that need
# it to follow mtu-v6 or an encaplimit (an MTU set by hand stays).
#
# MAPE_MODE=t (matrix_mapt.sh) runs the matrix over the same domain in
# MAP-T: "encapsulated" and "decapsulated" are the packets translated
# (encaps, decaps), and only the options translation reads are crossed
# with the traffic (kernel/xmit.c translate(), kernel/rcv.c mape_t_rcv()):
#   - mtu-v6: applies to what the device sends, IPv4 packets 20 bytes
#     less (28, fragments); the device's MTU is the IPv6 one of the
#     underlay, not mtu-v6's: translated IPv6 is routed in through it, and
#     what crossed the path is taken whatever this end's cap;
#   - v4-reassembly, frag-id psid, napt, ifid: apply as in mode e. The
#     identification of a DF-clear packet crosses the domain only in a
#     Fragment header (RFC 7915 section 5.1 has the translator choose
#     the others'): frag-id psid is checked on fragments;
#   - frag outer|inner: mode t always cuts the IPv4 packet (RFC 7915
#     section 5.1 leaves IPv6 fragmentation to the source), ICMP aside
#     (translated whole, then cut with the IPv4 identification); the
#     pinned-MTU cells stay, without the keyword, for that cut;
#   - encaplimit, tclass, hoplimit: no encapsulation header to set; the
#     translated header takes TOS and TTL from the packet (RFC 7915
#     sections 4.1, 5.1): not crossed;
#   - icmp-src: names ICMPv6 errors from routers of the IPv6 domain,
#     which none of this traffic meets (mapt_icmp.sh tests it).
# make check runs 8 of its 13 option cells (about 3 minutes under TCG);
# MAPE_MATRIX_FULL=1 runs all: mtu-v6 9000 on both ends, v4-reassembly
# and the pinned MTU on the CE, frag-id psid alone are the extra ones.

dir=$(dirname "$0")
source "$dir/../lib.sh"
source "$dir/topo.sh"
top=$(cd "$dir/../.." && pwd)

for cmd in python3 mapctl ethtool; do
	command -v $cmd >/dev/null || { echo "SKIP: no $cmd"; exit $ksft_skip; }
done
[ -d /sys/module/mape ] || { echo "SKIP: mape not loaded"; exit $ksft_skip; }

tmp=$(mktemp -d)
declare -A AGIN AGOUT APID
nat_loaded=
cleanup()
{
	domain_down
	if [ -n "$nat_loaded" ]; then
		rmmod mape_nat
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

MB=$((4 << 20))			# bytes of each TCP transfer
UNDERLAY=1500			# the IPv6 links' MTU
# What mode e adds to an IPv4 packet (the IPv6 header; the device's MTU
# is the IPv4 one), what mode t adds (20 bytes; its MTU is the IPv6 one).
HLEN=40 GROW=0 XMIT=encapsulated RECV=decapsulated
[ "$MODE" = t ] && HLEN=0 GROW=20 XMIT=translated RECV=translated
# The agents' ports: UDP echo (the kernel's path MTU discovery; DF clear),
# bulk TCP; and one nobody listens on. ce1's are of its port set.
U_DF=7000 U_NODF=7001 T_PORT=7100 CLOSED=7999
CE_U_DF=$(port_of ce1 60 0)
CE_U_NODF=$(port_of ce1 60 1)
CE_T=$(port_of ce1 60 2)
CE_CLOSED=$(port_of ce1 61 0)
CE_ID_MASK=$(( 0xff << 2 ))	# frag-id psid: PSID length 8, offset 6
# frag-id psid: which DF-clear packets from ce1 the server checks, and the
# kinds of traffic that must show it some.
IDWHAT=all IDKINDS='DF clear|fragments|unreachable'
[ "$MODE" = t ] && IDWHAT=fragments IDKINDS=fragments

# --- the agents ---------------------------------------------------------

# agent_start NS UDP_DF UDP_NODF TCP: matrix_agent.py in NS, talking
# through two FIFOs.
agent_start()
{
	local ns=$1 in out line
	mkfifo "$tmp/$ns.in" "$tmp/$ns.out"
	ip netns exec "$ns" python3 "$dir/matrix_agent.py" "${@:2}" \
		<"$tmp/$ns.in" >"$tmp/$ns.out" 2>"$tmp/$ns.err" &
	APID[$ns]=$!
	exec {in}>"$tmp/$ns.in" {out}<"$tmp/$ns.out"
	AGIN[$ns]=$in
	AGOUT[$ns]=$out
	read -t 120 -r -u "$out" line && [ "$line" = ready ] ||
		{ cat "$tmp/$ns.err"; return 1; }
}

agent_stop()
{
	local ns=$1 fd

	[ -n "${APID[$ns]}" ] || return 0
	fd=${AGIN[$ns]}
	exec {fd}>&-
	fd=${AGOUT[$ns]}
	exec {fd}<&-
	kill "${APID[$ns]}" 2>/dev/null
	wait "${APID[$ns]}" 2>/dev/null
	unset "APID[$ns]"
	rm -f "$tmp/$ns.in" "$tmp/$ns.out"
}

# ask NS CMD...: one command to NS's agent; its answer in ANSWER.
ask()
{
	local ns=$1 t=60
	shift
	[ "$1" = tcp ] && t=$(( ${8%.*} + 30 ))
	echo "$*" >&"${AGIN[$ns]}"
	answer "$ns" $t
}

# ask_all "NS..." CMD...: the same command to several agents at once; an
# answer other than ok is printed.
ask_all()
{
	local ns
	for ns in $1; do
		echo "${*:2}" >&"${AGIN[$ns]}"
	done
	for ns in $1; do
		answer $ns
		[[ $ANSWER == ok* ]] || echo "    $ns: ${*:2}: $ANSWER"
	done
}

# answer NS [TIMEOUT]: the answer to the command sent last to NS's agent.
answer()
{
	read -t "${2:-60}" -r -u "${AGOUT[$1]}" ANSWER ||
		ANSWER="fail no answer from $1's agent in ${2:-60} s"
}

# domain_up IFID: topo.sh's domain, the offloads, the agents.
domain_up()
{
	local ns

	topo_setup "$1" || return 1
	for ns in srv br core ce1; do
		# ICMP errors are what some cells test: no rate limits.
		ip netns exec $ns sysctl -qw net.ipv4.icmp_ratelimit=0 \
			net.ipv6.icmp.ratelimit=0 || return 1
	done
	# A host drops a datagram whose fragments come more than 64 others
	# from the same source apart (ipfrag_max_dist), as two CPUs
	# interleaving one stream of fragments may make them: not mape's
	# doing, off where the traffic ends.
	for ns in srv ce1; do
		ip netns exec $ns sysctl -qw net.ipv4.ipfrag_max_dist=0 ||
			return 1
	done
	ip netns exec srv ethtool -K eth0 tso on gso on || return 1
	ip netns exec ce1 ethtool -K mape0 tso on gso on || return 1
	ip netns exec br ethtool -K v4 tso off gso off || return 1
	for ns in srv br core; do
		agent_start $ns $U_DF $U_NODF $T_PORT || return 1
	done
	agent_start ce1 "$CE_U_DF" "$CE_U_NODF" "$CE_T" || return 1
	ask ce1 kmsg		# from here on
}

domain_down()
{
	local ns
	for ns in "${!APID[@]}"; do
		agent_stop "$ns"
	done
	topo_cleanup
	ip netns del lan 2>/dev/null
}

# lan_up: a host behind ce1, for napt: its own offloads, its agent.
lan_up()
{
	topo_lan || return 1
	ip netns exec lan sysctl -qw net.ipv4.ipfrag_max_dist=0
	ip netns exec lan ethtool -K eth0 tso on gso on || return 1
	if [ ! -d /sys/module/mape_nat ]; then
		modprobe nf_nat && insmod "$top/kernel/mape_nat.ko" || return 1
		nat_loaded=1
	fi
	agent_start lan $U_DF $U_NODF $T_PORT
}

# --- counters -----------------------------------------------------------

# C: the counters now, P: before, D: the difference, each keyed NS:NAME,
# NAME a mapctl stats counter, IF/rxe|rxd|txe|txd (errors, drops of a
# link) or an IP MIB counter of SNMP.
declare -A C P D
SNMP="Ip6FragFails Ip6ReasmFails Ip6ReasmTimeout Ip6InDiscards Ip6OutDiscards
      IpFragFails IpReasmFails IpReasmTimeout IpInDiscards IpOutDiscards
      IpExtReasmOverlaps"
BAD="decap_spoof decap_wrong_dst icmp_encap_errors icmp_decap_errors
     unsupported_protocol v6_mtu_errors no_rule port_set no_route
     v4_fragment_drops v6_fragment_drops header_errors v4_fragment_expiries
     v4_fragment_overflows napt_exhausted xlat_untranslatable
     xlat_udp_zero_checksum xlat_source_route xlat_ext_header
     xlat_icmp_fragments $SNMP"

# snap: every counter now; D what changed since the last snap. The agents
# read them, all at once: processes start slowly in the VM (topo.sh's
# stats_snapshot costs an ip netns exec and a jq a counter).
snap()
{
	local ns k dev

	for k in "${!C[@]}"; do
		P[$k]=${C[$k]}
	done
	for ns in br ce1 core; do
		dev=mape0
		[ $ns = core ] && dev=-
		echo stats $dev $SNMP >&"${AGIN[$ns]}"
	done
	for ns in br ce1 core; do
		answer $ns
		[[ $ANSWER == ok* ]] || echo "    $ns: stats: $ANSWER"
		for k in ${ANSWER#ok }; do
			C[$ns:${k%%=*}]=${k#*=}
		done
	done
	for k in "${!C[@]}"; do
		D[$k]=$(( ${C[$k]} - ${P[$k]:-${C[$k]}} ))
	done
}

# --- traffic kinds ------------------------------------------------------
# Each kind sends its traffic through the agents, adds what went wrong to
# errs and what it saw to seen; ALLOW lists the counters it may raise, by
# ALLOW_MAX at most; CROSS=0 when no packet need cross the tunnel.

CLI=ce1 CLI_ADDR=192.0.2.18 SPI=0
# next_sport: SP, a source port (or echo identifier) for the client side:
# of ce1's set, or any behind the NAT.
next_sport()
{
	SPI=$(( SPI % 200 + 1 ))
	if [ $CLI = lan ]; then
		SP=$(( 20000 + SPI ))
	else
		SP=$(( ((SPI / 4 + 1) << 10) | (CE_PSID[ce1] << 2) | (SPI % 4) ))
	fi
}

# traffic NS CMD...: the agent must answer ok.
traffic()
{
	ask "$@"
	seen+="${seen:+; }$1 ${ANSWER#ok }"
	[[ $ANSWER == ok* ]] || errs+=("$1 $2: $ANSWER")
}

# expect NS REGEX CMD...: the agent's answer must match.
expect()
{
	local ns=$1 re=$2
	shift 2
	ask $ns "$@"
	seen+="${seen:+; }$ns ${ANSWER#ok }"
	[[ ${ANSWER#ok } =~ $re ]] || errs+=("$ns $1: got '$ANSWER', want /$re/")
}

k_udp()			# df|nodf SIZE...
{
	local port=$U_NODF

	[ "$1" = df ] && port=$U_DF
	next_sport
	traffic $CLI udp $SRV $port $SP "$@"
}

# Fragments of 4000 bytes as big as the sender's link allows, so that the
# tunnel fragments them again where it is narrower: from the client side
# to the server and from the server to ce1.
k_frags()		# in|rev
{
	next_sport
	traffic $CLI raw $CLI_ADDR $SRV $U_NODF $SP 4000 "$1" $CLI_FRAG
	traffic srv raw $SRV 192.0.2.18 "$CE_U_NODF" 7200 4000 "$1" 1480
}

k_ping()		# df|nodf SIZE COUNT
{
	next_sport
	traffic $CLI ping $SRV $SP "$@"
}

k_unreach()
{
	next_sport
	expect $CLI "^icmp 3 3 0 $SRV\$" icmperr $SRV $CLOSED $SP 100 df
	expect srv '^icmp 3 3 0 192\.0\.2\.18$' icmperr 192.0.2.18 \
		"$CE_CLOSED" 7201 100 df
}

# The counters of a packet refused for its size with DF: by the IPv4
# layer (forwarding into mape0) or by mape0 (too big for the tunnel).
TOOBIG="v6_mtu_errors icmp_encap_errors mape0/txe IpFragFails"

# One byte over the tunnel's MTU at each end, with DF: the sender hears
# that MTU (or, on ce1 itself, is refused by its route's).
k_toobig()
{
	ALLOW=$TOOBIG ALLOW_MAX=1 CROSS=0
	next_sport
	expect $CLI "^(icmp 3 4 $T_UP |local EMSGSIZE $T_UP\$)" icmperr $SRV \
		$U_NODF $SP $(( T_UP + 1 - 28 )) df
	expect srv "^icmp 3 4 $T_DOWN 203\.0\.113\.1\$" icmperr 192.0.2.18 \
		"$CE_U_NODF" 7202 $(( T_DOWN + 1 - 28 )) df
}

# Bulk TCP, get (down) or put (up), from the client side. The first cell
# (every option at its default) measures BASE; later ones may take up to
# RATIO times that (of at least 500 ms), tried twice. On Debian's 6.1,
# 6.12 and 7.3 every cell measured 1.4x its default or less. The debug
# kernel (KASAN, kmemleak, lockdep) multiplies the cost of each packet:
# cells whose path moves every packet alone (fragmented over mtu-v6 or
# an encaplimit, or forwarded from the LAN host behind napt) took 7x to
# 11x a default that moves GSO super-packets whole, so
# scripts/debug-kernel.sh sets MAPE_TCP_RATIO=20: there the check catches
# a stalled flow only.
RATIO=${MAPE_TCP_RATIO:-5}
declare -A BASE
k_tcp()			# get|put df|nodf
{
	local key=$1.$2 base=${BASE[$1.$2]} limit=60000 ms

	# With DF, path MTU discovery: a few packets refused, no more.
	[ "$2" = df ] && ALLOW=$TOOBIG ALLOW_MAX=16
	[ -n "$base" ] && limit=$(( RATIO * (base > 500 ? base : 500) ))
	for _ in 1 2; do
		next_sport
		ask $CLI tcp "$1" $SRV $T_PORT $SP $MB "$2" $(( limit / 1000 + 3 ))
		seen+="${seen:+; }$ANSWER"
		if [[ $ANSWER != ok* ]]; then
			errs+=("tcp $1 $2: $ANSWER (limit $limit ms)")
			return
		fi
		ms=${ANSWER##* }
		echo "#   tcp $1 $2: $ms ms (default ${base:-$ms} ms)"
		if [ -z "$base" ]; then
			BASE[$key]=$ms
			return
		fi
		[ "$ms" -le "$limit" ] && return
	done
	errs+=("tcp $1 $2: $ms ms, over ${RATIO}x the default's $base ms (twice)")
}

KINDS=(
	"udp 100 B, DF set|k_udp df 100 100 100"
	"udp 100 B, DF clear|k_udp nodf 100 100 100"
	"udp 3000 + 8000 B, DF clear: fragments|k_udp nodf 3000 8000"
	"fragments in order (raw), both ways|k_frags in"
	"fragments last first (raw), both ways|k_frags rev"
	"ping 56 B, DF set|k_ping df 56 3"
	"ping 4000 B, DF clear: fragments|k_ping nodf 4000 2"
	"tcp up, DF clear|k_tcp put nodf"
	"tcp down, DF clear|k_tcp get nodf"
	"tcp up, DF set|k_tcp put df"
	"tcp down, DF set|k_tcp get df"
	"icmp port unreachable, both ways|k_unreach"
	"icmp fragmentation needed, both ways|k_toobig"
)

# --- cells --------------------------------------------------------------

# tmtu NS: MTU (mape0's) and TMTU (the IPv4 packets its tunnel carries
# whole: less when mtu-v6 or an encaplimit leave less of the underlay; in
# mode t what is left of the IPv6 packet for the IPv4 one).
tmtu()
{
	local out v6=$UNDERLAY hl=$((HLEN + GROW))

	ask "$1" run ip -d -o link show dev mape0
	out=$ANSWER
	[[ $out =~ \ mtu\ ([0-9]+) ]] && MTU=${BASH_REMATCH[1]}
	[[ $out =~ mtu-v6\ ([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -lt $v6 ] &&
		v6=${BASH_REMATCH[1]}
	[[ $out =~ encaplimit\ [0-9] ]] && [ "$MODE" = e ] && hl=48
	TMTU=$(( v6 - hl < MTU ? v6 - hl : MTU ))
}

# check_kind LABEL "NAME|FUNCTION ARGS": one TEST line.
check_kind()
{
	local name=${2%%|*} k n v
	local -a errs=()

	seen='' ALLOW='' ALLOW_MAX=0 CROSS=1
	${2#*|}
	snap
	# What one end sent into the tunnel, the other took out of it.
	for k in ce1:br br:ce1; do
		[ "${D[${k%:*}:encaps]}/${D[${k%:*}:encap_bytes]}" = \
		  "${D[${k#*:}:decaps]}/${D[${k#*:}:decap_bytes]}" ] ||
			errs+=("${k%:*} $XMIT ${D[${k%:*}:encaps]} packets (${D[${k%:*}:encap_bytes]} B), ${k#*:} $RECV ${D[${k#*:}:decaps]} (${D[${k#*:}:decap_bytes]} B)")
	done
	[ $CROSS = 0 ] ||
		{ [ "${D[ce1:encaps]}" -gt 0 ] && [ "${D[br:encaps]}" -gt 0 ]; } ||
		errs+=("no packet crossed one way: ce1 ${D[ce1:encaps]}, br ${D[br:encaps]} $XMIT")
	# mape0's tx_dropped counts the IPv6 chatter (MLD) of the device
	# itself, not traffic: left out.
	for k in "${!D[@]}"; do
		n=${k#*:}
		v=${D[$k]}
		[ "$v" = 0 ] || [ "$n" = mape0/txd ] && continue
		[[ $n == */* || " ${BAD//[[:space:]]/ } " == *" $n "* ]] ||
			continue
		[[ " $ALLOW " == *" $n "* ]] && [ "$v" -le "$ALLOW_MAX" ] ||
			errs+=("${k%%:*}: $n +$v")
	done
	if [[ $CELL_OPTS == *"frag inner"* ]]; then
		[ "${D[$DUT:v6_fragmented]}/${D[$PEER:v6_reassembled]}" = 0/0 ] ||
			errs+=("frag inner, yet $DUT sent ${D[$DUT:v6_fragmented]} packets in outer fragments ($PEER reassembled ${D[$PEER:v6_reassembled]})")
	fi
	if [[ $CELL_OPTS == *"frag-id psid"* ]]; then
		# Kinds with DF-clear packets from ce1 must have shown some.
		ask srv idcount
		seen+="; srv ${ANSWER#ok }"
		[[ $ANSWER == "ok bad 0 of "* ]] ||
			errs+=("srv: DF-clear packets from 192.0.2.18 with an identification outside PSID ${CE_PSID[ce1]}'s set: ${ANSWER#ok }")
		[[ $name =~ $IDKINDS ]] &&
			[[ $ANSWER == "ok bad 0 of 0" ]] &&
			errs+=("srv: no DF-clear packet from 192.0.2.18 seen")
	fi
	ask ce1 kmsg
	[[ $ANSWER == ok* ]] || errs+=("kernel log: ${ANSWER#fail }")
	if [ ${#errs[@]} -gt 0 ]; then
		printf '    %s\n' "traffic: $seen" "${errs[@]}"
		ncells_failed=$((ncells_failed + 1))
	fi
	log_test $(( ${#errs[@]} > 0 )) "$1: $name"
	ncells=$((ncells + 1))
}

# The default of each option a cell sets, to put back after it. An MTU
# set by hand stays (what the device had: 1460, 1500 in mode t).
declare -A DEFAULT=([mtu-v6]=none [frag]=outer [v4-reassembly]=off
		    [frag-id]=keep [encaplimit]=none [tclass]=inherit
		    [hoplimit]=64 [napt]=off)

# want_mtu OPTS: the MTU mape0 should have with OPTS: the one set, or
# what mtu-v6 (or the underlay; in mode t always the underlay) leaves,
# less 40 bytes, 48 with an encaplimit (nothing in mode t).
want_mtu()
{
	local -a w
	local i v6=$UNDERLAY hl=$HLEN pinned=

	read -ra w <<<"${1//;/ }"
	for i in "${!w[@]}"; do
		case ${w[i]} in
		mtu) pinned=${w[i + 1]} ;;
		mtu-v6) [ "$MODE" = t ] || v6=${w[i + 1]/none/$UNDERLAY} ;;
		encaplimit) [ "$MODE" = t ] && continue
			    hl=48; [ "${w[i + 1]}" = none ] && hl=40 ;;
		esac
	done
	WANT=${pinned:-$(( v6 - hl ))}
}

# cell LABEL ce|br|- OPTS: OPTS (ip link set ... type mape words, steps
# separated by ";") on ce1's or the BR's mape0, every kind of traffic, the
# options put back.
cell()
{
	local label=$1 step w k ns reset='' t0=$SECONDS
	local -a steps words

	DUT='' PEER='' CELL_OPTS=$3
	case $2 in
	ce) DUT=ce1 PEER=br ;;
	br) DUT=br PEER=ce1 ;;
	esac
	[ -n "$DUT" ] && label+=" @$2"
	IFS=';' read -ra steps <<<"$3"
	for step in "${steps[@]}"; do
		[ -n "${step// /}" ] || continue
		ask $DUT run ip link set mape0 type mape $step
		if [[ $ANSWER != ok* ]]; then
			printf '    %s\n' "$ANSWER"
			log_test 1 "$label: ip link set mape0 type mape $step"
			return
		fi
		read -ra words <<<"$step"
		for w in "${!words[@]}"; do
			[ -n "${DEFAULT[${words[w]}]}" ] &&
				[[ " $reset " != *" ${words[w]} "* ]] &&
				reset+=" ${words[w]} ${DEFAULT[${words[w]}]}"
		done
	done
	# Nothing learned in an earlier cell: path MTUs (IPv4, IPv6).
	ask_all "srv br ce1 ${CLI/ce1/}" flush
	tmtu br
	T_DOWN=$TMTU
	[ "$DUT" = br ] && want_mtu "$3" &&
		check_eq "$label: mape0 MTU" "$MTU" "$WANT"
	tmtu ce1
	T_UP=$TMTU
	[ "$DUT" = ce1 ] && want_mtu "$3" &&
		check_eq "$label: mape0 MTU" "$MTU" "$WANT"
	# The biggest fragment ce1 can send itself (lan: its 1500-byte link).
	CLI_FRAG=1480
	[ $CLI = ce1 ] && CLI_FRAG=$(( ((MTU < 1500 ? MTU : 1500) - 20) & ~7 ))
	echo "# $label: tunnel MTU ce1 $T_UP, br $T_DOWN"
	[[ $CELL_OPTS == *"frag-id psid"* ]] &&
		ask srv idwatch eth0 192.0.2.18 $CE_ID_MASK \
			$(( CE_PSID[ce1] << 2 )) $IDWHAT
	snap
	for k in "${KINDS[@]}"; do
		check_kind "$label" "$k"
	done
	[[ $CELL_OPTS == *"frag-id psid"* ]] && ask srv idstop
	if [ -n "$reset" ]; then
		ask $DUT run ip link set mape0 type mape $reset
		[[ $ANSWER == ok* ]] || { printf '    %s\n' "$ANSWER"
			log_test 1 "$label: options back to defaults"; }
		# The MTU comes back too. If not, through an mtu-v6 that gives
		# it, for the cells after this one.
		tmtu $DUT
		if [ "$MTU" != $((UNDERLAY - HLEN)) ]; then
			check_eq "$label: options back, mape0 MTU" "$MTU" \
				$((UNDERLAY - HLEN))
			ask $DUT run ip link set mape0 type mape mtu-v6 $UNDERLAY
			ask $DUT run ip link set mape0 type mape mtu-v6 none
		fi
	fi
	ncells_opt=$((ncells_opt + 1))
	echo "# $label: $((SECONDS - t0)) s"
}

# --- the matrix ---------------------------------------------------------

# setup WHAT FUNCTION ARGS: check, in this shell (agents, arrays).
setup()
{
	local what=$1 rc
	shift
	"$@"
	rc=$?
	log_test $((rc != 0)) "$what"
	return $rc
}

ncells=0
ncells_opt=0
ncells_failed=0
# MTU above what mtu-v6 leaves: mape cuts
PINNED="mtu $((UNDERLAY - HLEN)) mtu-v6 1320"
IN_MODE=
[ "$MODE" = t ] && IN_MODE=" (mode t)"
setup "domain built$IN_MODE" domain_up rfc || exit 1

# tcell: a cell of the mode t matrix that make check leaves out.
tcell()
{
	[ -n "$MAPE_MATRIX_FULL" ] && cell "$@"
}

cell "defaults" - ""
for role in ce br; do
	cell "mtu-v6 1400" $role "mtu-v6 1400"
	if [ "$MODE" = t ]; then
		tcell "mtu-v6 9000 (over the path)" $role "mtu-v6 9000"
		if [ $role = br ]; then
			cell "v4-reassembly on" $role "v4-reassembly on"
		else
			tcell "v4-reassembly on" $role "v4-reassembly on"
		fi
		continue
	fi
	cell "mtu-v6 9000 (over the path)" $role "mtu-v6 9000"
	cell "encaplimit 4" $role "encaplimit 4"
	cell "encaplimit none (from 4)" $role "encaplimit 4; encaplimit none"
	cell "tclass 0x2e" $role "tclass 0x2e"
	cell "tclass inherit (from 0x2e)" $role "tclass 0x2e; tclass inherit"
	cell "hoplimit 2" $role "hoplimit 2"
	cell "v4-reassembly on" $role "v4-reassembly on"
done
if [ "$MODE" = t ]; then
	tcell "frag-id psid" ce "frag-id psid"
else
	cell "frag-id psid" ce "frag-id psid"
fi
for role in ce br; do
	if [ "$MODE" = t ]; then
		if [ $role = br ]; then
			cell "$PINNED" $role "$PINNED"
		else
			tcell "$PINNED" $role "$PINNED"
		fi
		continue
	fi
	cell "frag outer, $PINNED" $role "$PINNED frag outer"
	cell "frag inner, $PINNED" $role "$PINNED frag inner"
done
if [ "$MODE" = t ]; then
	cell "frag-id psid, $PINNED" ce "$PINNED frag-id psid"
else
	cell "frag-id psid, frag inner, $PINNED" ce \
		"$PINNED frag inner frag-id psid"
fi

setup "lan host behind ce1, mape_nat" lan_up &&
	CLI=lan CLI_ADDR=198.51.100.2 cell "napt on" ce "napt on"
agent_stop lan

# ifid is fixed at creation and domain-wide: a domain of its own.
domain_down
if setup "draft-03 domain built$IN_MODE" domain_up draft03; then
	# 8 zero bits, 192.0.2.18, PSID 0x34, 8 zero bits (ip-link-mape(8)).
	check_eq "draft-03: ce1's MAP address" "$(ce_map_addr ce1)" \
		2001:db8:112:3400:c0:2:1200:3400
	cell "ifid draft03 (both ends)" - ""
fi

echo "# matrix$IN_MODE: $ncells_opt option cells x ${#KINDS[@]} kinds of traffic:" \
	"$ncells cells run, $ncells_failed failed; ${SECONDS}s"
ksft_exit
