#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fuzzers, inside the VM (selftests/vm/run -- selftests/fuzz/run.sh):
#
#   run.sh [--short|--full] [--seed N] [--nl N] [--pkt N] [--no-nl] [--no-pkt]
#
# 1. Netlink: nlfuzz in four namespaces of the topo.sh domain at once
#    (genl "mape" and rtnetlink kind "mape"), while pings cross the domain,
#    ce2's mape0 and a second BR device are deleted and recreated in a loop.
# 2. Packets: pktfuzz into the BR and into ce1 from every side (IPv6 to the
#    tunnel address, ICMPv6 errors, IPv4 routed in, IPv4 and GSO
#    super-packets written into the device) under six option combinations.
#    Then the same domain in mode t (MAP-T): IPv6 as a translator sends it
#    (extension headers, Fragment headers, ICMPv6 errors quoting
#    translated packets) routed into the BR and ce1, whose ndo_start_xmit
#    hands it to mape_t_rcv (counted as xmit), and IPv4 into them, under
#    two combinations.
#    (Super-packets from a packet socket are untrusted, SKB_GSO_DODGY: the
#    core segments them before the device, so mape meets their mutated
#    segments; whole super-packets from the stack are the matrix's.)
#    After each, every packet that entered mape (counted by kprobes on its
#    entry points) must be found in exactly one outcome counter of a
#    device; after all, good traffic must still flow, and no memory may be
#    left behind.
#
# --short (make check): 2*10^4 messages, 10^5 packets. --full (make fuzz):
# 3*10^5 messages, 10^6 packets. Packets are shared by every combination
# of both modes. The seed is printed; --seed repeats a run
# (selftests/fuzz/README).

dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/../.." && pwd)
source "$dir/../lib.sh"
source "$dir/../net/topo.sh"

SEED=${FUZZ_SEED:-$(( $(date +%s) % 1000000 ))}
NL=${FUZZ_NL:-}
PKT=${FUZZ_PKT:-}
mode=short
do_nl=1
do_pkt=1
while [ $# -gt 0 ]; do
	case $1 in
	--short) mode=short ;;
	--full) mode=full ;;
	--seed) SEED=$2; shift ;;
	--nl) NL=$2; shift ;;
	--pkt) PKT=$2; shift ;;
	--no-nl) do_nl=0 ;;
	--no-pkt) do_pkt=0 ;;
	*) echo "usage: $0 [--short|--full] [--seed N] [--nl N] [--pkt N] [--no-nl] [--no-pkt]" >&2
	   exit 2 ;;
	esac
	shift
done
if [ "$mode" = full ]; then
	NL=${NL:-300000}
	PKT=${PKT:-1000000}
	NL_TIME=$(tscale 2400)
else
	NL=${NL:-20000}
	PKT=${PKT:-100000}
	NL_TIME=$(tscale 240)
fi

NLFUZZ=$dir/nlfuzz
PKTFUZZ=$dir/pktfuzz
T=/sys/kernel/tracing
tmp=$(mktemp -d)
pids=
stop=$tmp/stop

echo "# fuzz: seed $SEED, $mode run: $NL netlink messages, $PKT packets"
echo "# fuzz: repeat with: selftests/vm/run -- selftests/fuzz/run.sh --$mode --seed $SEED"

if [ ! -x "$NLFUZZ" ] || [ ! -x "$PKTFUZZ" ]; then
	echo "# fuzz: build the fuzzers first: make -C selftests/fuzz"
	log_test 1 "fuzzers built"
	exit 1
fi

kprobes_off()
{
	[ -d $T/events/mapefz ] || return 0
	local e
	for e in $T/events/mapefz/*/; do
		e=${e%/}
		echo 0 >"$e/enable"
		grep -v '^#' "$e/trigger" 2>/dev/null | while read -r t; do
			echo "!${t%% *}" >"$e/trigger" 2>/dev/null
		done
	done
	for e in $T/events/mapefz/*/; do
		e=${e%/}
		echo "-:mapefz/${e##*/}" >>$T/kprobe_events 2>/dev/null
	done
}

cleanup()
{
	touch "$stop"
	[ -n "$pids" ] && kill $pids 2>/dev/null
	wait 2>/dev/null
	topo_cleanup
	ip netns del lan 2>/dev/null
	kprobes_off
	rm -rf "$tmp"
}
trap cleanup EXIT

# Every namespace settles within a few seconds: reassembly queues, the
# devices' fragment caches (frag-timeout 500 ms) and ICMP errors.
ns_tune()
{
	local ns
	for ns in "$@"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.ipfrag_time=1 \
			net.ipv6.ip6frag_time=1 2>/dev/null
	done
}

mac() { ip -n "$1" -j link show dev "$2" | jq -r '.[0].address'; }

# ---- 1. netlink ----------------------------------------------------------

# A loop that deletes and recreates ce2's mape0 and a second BR device
# with 64 rules, until $stop exists; counts its rounds in $tmp/churn.
churn()
{
	local ce2_map=$1 n=0 i
	{
		for i in $(seq 0 63); do
			printf 'rule add dev mape9 fmr rule-ipv6 2001:db8:9:%x00::/56 rule-ipv4 198.51.100.%d/32 ea-len 8 psid-offset 6\n' "$i" "$i"
		done
	} >"$tmp/rules9"
	while [ ! -e "$stop" ]; do
		ip -n ce2 link del mape0 2>/dev/null
		ip -n ce2 link add mape0 type mape role ce br-addr $BR_ADDR \
			end-user-prefix "${CE_EU[ce2]}" 2>/dev/null
		ip netns exec ce2 mapctl rule add dev mape0 bmr $RULE 2>/dev/null
		ip -n ce2 addr add "$ce2_map/128" dev mape0 nodad 2>/dev/null
		ip -n ce2 addr add 192.0.2.18/32 dev mape0 2>/dev/null
		ip -n ce2 link set mape0 up 2>/dev/null
		ip -n ce2 route add default dev mape0 src 192.0.2.18 2>/dev/null
		ip -n br link add mape9 type mape role br br-addr 2001:db8:fffe::1 2>/dev/null
		ip netns exec br mapctl -b "$tmp/rules9" >/dev/null 2>&1
		ip -n br link set mape9 up 2>/dev/null
		sleep 0.2
		ip -n br link del mape9 2>/dev/null
		n=$((n + 1))
		echo $n >"$tmp/churn"
	done
}

nl_phase()
{
	local ce2_map i f out sent=0 bad=0 add=0 create=0 change=0 dumps=0 rc
	local per=$(( (NL + 7) / 8 )) t0=$SECONDS

	check "netlink: domain built" topo_setup || return 1
	ns_tune $TOPO_NS
	# 256 more rules on the BR: a rule dump takes many rounds.
	for i in $(seq 0 255); do
		printf 'rule add dev mape0 fmr rule-ipv6 2001:db8:200:%x00::/56 rule-ipv4 198.51.100.%d/32 ea-len 8 psid-offset 6\n' "$i" "$i"
	done >"$tmp/rules"
	check "netlink: 256 more rules on the BR" ip netns exec br mapctl -b "$tmp/rules"
	ce2_map=$(ce_map_addr ce2)

	# Traffic through the devices the whole time: echo identifiers and
	# ports of each CE's set; big pings become fragments.
	ip netns exec ce1 ping -q -i 0.02 -e "$(port_of ce1 3 0)" $SRV >/dev/null 2>&1 &
	pids+=" $!"
	ip netns exec ce1 ping -q -i 0.1 -s 3000 -e "$(port_of ce1 3 1)" $SRV >/dev/null 2>&1 &
	pids+=" $!"
	ip netns exec srv ping -q -i 0.02 -e "$(port_of ce3 4 1)" 192.0.2.19 >/dev/null 2>&1 &
	pids+=" $!"
	ip netns exec ce2 ping -q -i 0.05 -e "$(port_of ce2 3 2)" $SRV >/dev/null 2>&1 &
	pids+=" $!"
	churn "$ce2_map" &
	local churn_pid=$!

	# 8 workers: 3 in br, 2 in ce1, 2 in ce2 (whose mape0 the loop
	# recreates), 1 in core (no mape device but its own).
	ip netns exec br "$NLFUZZ" -s "$SEED" -n $((3 * per)) -w 3 -m genl,dump,rtnl \
		-d mape0,mape9 -p fzb -t $NL_TIME >"$tmp/nl.br" 2>&1 &
	local p1=$!
	ip netns exec ce1 "$NLFUZZ" -s $((SEED + 1)) -n $((2 * per)) -w 2 -m mix,dump \
		-d mape0 -p fzc -t $NL_TIME >"$tmp/nl.ce1" 2>&1 &
	local p2=$!
	ip netns exec ce2 "$NLFUZZ" -s $((SEED + 2)) -n $((2 * per)) -w 2 -m genl,rtnl \
		-d mape0 -p fzd -t $NL_TIME >"$tmp/nl.ce2" 2>&1 &
	local p3=$!
	ip netns exec core "$NLFUZZ" -s $((SEED + 3)) -n "$per" -w 1 -m rtnl \
		-p fze -t $NL_TIME >"$tmp/nl.core" 2>&1 &
	local p4=$!
	rc=0
	wait $p1 || rc=1
	wait $p2 || rc=1
	wait $p3 || rc=1
	wait $p4 || rc=1
	touch "$stop"
	wait $churn_pid
	kill $pids 2>/dev/null
	wait $pids 2>/dev/null
	pids=
	for f in br ce1 ce2 core; do
		sed "s/^/    [$f] /" "$tmp/nl.$f"
		out=$(grep '^NLFUZZ ' "$tmp/nl.$f")
		sent=$((sent + $(sed -n 's/.* sent=\([0-9]*\).*/\1/p' <<<"$out")))
		add=$((add + $(sed -n 's/.* rule_add_ok=\([0-9]*\).*/\1/p' <<<"$out")))
		create=$((create + $(sed -n 's/.* create_ok=\([0-9]*\).*/\1/p' <<<"$out")))
		change=$((change + $(sed -n 's/.* change_ok=\([0-9]*\).*/\1/p' <<<"$out")))
		dumps=$((dumps + $(sed -n 's/.* dumps_done=\([0-9]*\).*/\1/p' <<<"$out")))
		bad=$((bad + $(sed -n 's/.* malformed=\([0-9]*\).*/\1/p' <<<"$out")))
	done
	echo "# netlink fuzz: $sent messages in $((SECONDS - t0)) s (seed $SEED..$((SEED + 3))), device churn rounds: $(cat "$tmp/churn" 2>/dev/null)"
	log_test $rc "netlink: $sent messages, no fuzzer process died"
	check_eq "netlink: replies well-formed" "$bad" 0
	log_test $(( add == 0 || create == 0 || change == 0 || dumps == 0 )) \
		"netlink: deep paths reached (rule adds $add, links $create+$change, dumps $dumps)"
	log_test $(( sent * 2 < NL )) "netlink: at least half the $NL messages sent"
	check "netlink: the device churn ran" test -s "$tmp/churn"
	rm -f "$stop"
	topo_cleanup
}

# ---- 2. packets ---------------------------------------------------------

DEVNS="br ce1 ce2 ce3"

# after_call KO FUNCTION: where KO's first call of FUNCTION returns to, as
# SYMBOL+0xOFFSET, for a kprobe reading its return value in %ax.
after_call()
{
	local line fn base addr
	line=$(objdump -dr --no-show-raw-insn "$1" 2>/dev/null | awk -v f="$2" '
		/^[0-9a-f]+ <[^>]+>:$/ { fn = $2; base = $1 }
		want && /^ *[0-9a-f]+:/ { a = $1; sub(":", "", a); print fn, base, a; exit }
		$0 ~ "R_X86_64_PLT32[ \t]+" f "-" { want = 1 }')
	[ -n "$line" ] || return 1
	read -r fn base addr <<<"$line"
	fn=${fn#<}
	fn=${fn%>:}
	printf '%s+0x%x' "$fn" $((16#$addr - 16#$base))
}

# The kprobes that count what enters mape: rcv and err by return value
# (0: the packet was a device's), xmit, frag_piece and segment_next (each
# an IPv4 packet to transmit), the ICMPv6 to ICMPv4 mapping by its verdict (false:
# an error mape does not relay), and ip_defrag and nf_ct_frag6_gather (mode
# t's ICMPv6 in fragments) as mape calls them (the instruction after the
# call, by return value: -EINPROGRESS, a fragment held).
kprobes_on()
{
	local ko=$top/kernel/mape.ko
	kprobes_off
	{
		echo 'r128:mapefz/rcv mape_rcv ret=$retval:s32'
		echo 'p:mapefz/xmit mape_xmit'
		echo 'p:mapefz/piece frag_piece'
		echo 'p:mapefz/seg segment_next'
		echo 'r128:mapefz/errret mape_err ret=$retval:s32'
		echo 'r128:mapefz/relay mape_icmp6_to_icmp4 ret=$retval:u8'
	} >>$T/kprobe_events || return 1
	DFRET=$(after_call "$ko" ip_defrag) &&
		{ echo "p:mapefz/dfret $DFRET ret=%ax:s32" >>$T/kprobe_events ||
		  DFRET=; }
	DF6RET=$(after_call "$ko" nf_ct_frag6_gather) &&
		{ echo "p:mapefz/df6ret $DF6RET ret=%ax:s32" >>$T/kprobe_events ||
		  DF6RET=; }
	echo 'hist:keys=ret' >$T/events/mapefz/rcv/trigger &&
	echo 'hist:keys=ret' >$T/events/mapefz/errret/trigger &&
	echo 'hist:keys=ret' >$T/events/mapefz/relay/trigger || return 1
	[ -z "$DFRET" ] || echo 'hist:keys=ret' >$T/events/mapefz/dfret/trigger
	[ -z "$DF6RET" ] || echo 'hist:keys=ret' >$T/events/mapefz/df6ret/trigger
	# Armed, not enabled: kprobe_profile counts their hits, nothing is
	# written to the trace buffer.
	echo 'hist:keys=common_type' >$T/events/mapefz/xmit/trigger &&
	echo 'hist:keys=common_type' >$T/events/mapefz/piece/trigger &&
	echo 'hist:keys=common_type' >$T/events/mapefz/seg/trigger
}

# The kprobe counts as name=value lines, in one awk run: hits of the
# histograms by key, hits and misses from kprobe_profile. s32 keys print
# as u64 (-EINPROGRESS is 2^64 - 115).
kp_snapshot()
{
	awk '
	FILENAME ~ /kprobe_profile$/ { hits[$1] = $2; miss[$1] = $3; next }
	/^\{/ {
		ev = FILENAME; sub(/\/hist$/, "", ev); sub(/.*\//, "", ev)
		k = $0; sub(/^\{ *[a-z_]+: */, "", k); sub(/ *\}.*/, "", k)
		n = $0; sub(/.*hitcount: */, "", n)
		tot[ev] += n
		if (k == "0") zero[ev] += n
		if (k == "-115" || k == "18446744073709551501") inprog[ev] += n
	}
	END {
		printf "rcv_ours=%d\nxmit=%d\npiece=%d\nseg=%d\n", zero["rcv"], hits["xmit"], hits["piece"], hits["seg"]
		printf "err_ours=%d\nerr_norelay=%d\ndf_queued=%d\n", zero["errret"], zero["relay"], inprog["dfret"]
		printf "df6_queued=%d\n", inprog["df6ret"]
		printf "missed=%d\n", miss["rcv"] + miss["errret"] + miss["relay"]
		# A hit the histogram did not see would make the counts wrong.
		printf "lost=%d\n", hits["rcv"] - tot["rcv"] + hits["errret"] - tot["errret"] + hits["relay"] - tot["relay"]
	}' $T/events/mapefz/*/hist $T/kprobe_profile
}

# Every device's counters (mapctl stats and the link's), summed over the
# devices, then the kprobe counts, as name=value lines. Read again while
# the kprobe counts moved meanwhile.
snapshot()
{
	local k1 k2 d i ns
	for i in 1 2 3 4 5; do
		k1=$(kp_snapshot)
		d=$(for ns in $DEVNS; do
			ip netns exec "$ns" mapctl -j stats dev mape0
			ip -n "$ns" -j -s link show dev mape0
		done | jq -r -s '
			[range(0; length; 2) as $i | .[$i][0] + {
				tx_dropped: .[$i + 1][0].stats64.tx.dropped,
				rx_errors: .[$i + 1][0].stats64.rx.errors,
				tx_errors: .[$i + 1][0].stats64.tx.errors}] |
			reduce .[] as $d ({}; reduce ($d | to_entries[] |
				select(.value | type == "number")) as $e (.;
				.[$e.key] += $e.value)) | to_entries[] |
			"\(.key)=\(.value)"')
		k2=$(kp_snapshot)
		[ "$k1" = "$k2" ] && break
		sleep 1
	done
	printf '%s\n%s\n' "$d" "$k1"
}

# load ARRAY SNAPSHOT: into an associative array, without a process.
load()
{
	local -n arr=$1
	local k v
	arr=()
	while IFS== read -r k v; do
		[ -n "$k" ] && arr[$k]=$v
	done <<<"$2"
}

# Mode t's translation failures: each a drop with its reason.
XLAT="xlat_untranslatable xlat_udp_zero_checksum xlat_source_route
	xlat_ext_header xlat_icmp_fragments"
# Counters a packet ends in: delivered, sent, cut into pieces or segments
# (each counted again), dropped for a reason, or handed to the IPv4 or
# (mode t's ICMPv6) the IPv6 reassembly.
OUTCOMES="decaps encaps v4_fragmented v4_segmented decap_spoof decap_wrong_dst
	unsupported_protocol v6_mtu_errors no_rule port_set no_route
	v4_fragment_drops v6_fragment_drops header_errors tx_not_ipv4
	df_queued df6_queued $XLAT"
DROPS="decap_spoof decap_wrong_dst unsupported_protocol v6_mtu_errors
	no_rule port_set no_route v4_fragment_drops v6_fragment_drops
	header_errors $XLAT"
NOTES="v4_reassembled v4_fragments_released v4_fragment_expiries
	v4_fragment_overflows v6_reassembled v6_fragmented icmp_encap_errors
	icmp_relayed icmp_decap_errors napt_translations napt_exhausted tx_dropped"

# account NAME BEFORE AFTER: the invariants over one window.
account()
{
	local what=$1 c d in out=0 line="" notes="" err_in err_out reasons=0 errs
	local -A A B
	load A "$2"
	load B "$3"
	dl() { echo $(( ${B[$1]:-0} - ${A[$1]:-0} )); }
	# What the core refused on the way into a device (its tx_dropped;
	# CORE_DROPS, what the senders saw of it) never entered mape.
	in=$(( $(dl rcv_ours) + $(dl xmit) + $(dl piece) + $(dl seg) ))
	for c in $OUTCOMES; do
		d=$(( ${B[$c]:-0} - ${A[$c]:-0} ))
		out=$((out + d))
		[ "$d" -ne 0 ] && line+=" $c=$d"
	done
	for c in $NOTES; do
		d=$(( ${B[$c]:-0} - ${A[$c]:-0} ))
		[ "$d" -ne 0 ] && notes+=" $c=$d"
	done
	echo "    $what: in: rcv $(dl rcv_ours) xmit $(dl xmit) pieces $(dl piece) segments $(dl seg) (refused by the core: ${CORE_DROPS:-0} seen by senders); out:$line"
	echo "    also:$notes"
	check_eq "$what: every packet into mape in one outcome ($in)" "$out" "$in"
	err_in=$(dl err_ours)
	err_out=$(( $(dl icmp_relayed) + $(dl icmp_decap_errors) + $(dl err_norelay) ))
	check_eq "$what: every ICMPv6 error for mape relayed or counted ($err_in)" \
		"$err_out" "$err_in"
	# drop() counts the device's rx or tx errors with the reason; only
	# held fragments that expire (v4_fragment_drops) are counted without.
	for c in $DROPS; do
		reasons=$((reasons + ${B[$c]:-0} - ${A[$c]:-0}))
	done
	errs=$(( $(dl rx_errors) + $(dl tx_errors) ))
	log_test $(( reasons < errs )) \
		"$what: drop reasons ($reasons) cover rx+tx errors ($errs)"
	check_eq "$what: kprobes missed no packet" "${B[missed]:-0}/${B[lost]:-0}" 0/0
}

# The slab objects that would hold a leak, and free memory: skbuffs,
# kmalloc bytes, MemAvailable (KiB).
mem_snapshot()
{
	local c
	for c in /sys/kernel/slab/skbuff_head_cache /sys/kernel/slab/kmalloc-*; do
		echo 1 >"$c/shrink" 2>/dev/null
	done
	awk '/^skbuff_(head|fclone)_cache / { s += $2 }
		/^(dma-)?kmalloc/ { k += $2 * $4 }
		END { printf "%d %d ", s, k / 1024 }' /proc/slabinfo
	awk '/^MemAvailable/ { print $2 }' /proc/meminfo
}

# The settings of combination N for a BR and for a CE (ip link set ... type
# mape), and whether the CEs get the FMR.
COMBOS=${FUZZ_COMBOS:-6}
combo()
{
	local base="frag-timeout 500"
	case $1 in
	1) BR_OPTS="$base"
	   CE_OPTS="$base"
	   NAME="defaults" ;;
	2) BR_OPTS="$base frag inner mtu-v6 1330"
	   CE_OPTS="$BR_OPTS frag-id psid"
	   NAME="frag inner, mtu-v6 1330, frag-id psid" ;;
	3) BR_OPTS="$base frag outer mtu-v6 none v4-reassembly on encaplimit 4"
	   CE_OPTS="$BR_OPTS frag-id keep"
	   NAME="v4-reassembly, encaplimit 4" ;;
	4) BR_OPTS="$base frag inner v4-reassembly on encaplimit 0 mtu-v6 1400"
	   CE_OPTS="$BR_OPTS frag-id psid"
	   NAME="frag inner, v4-reassembly, encaplimit 0, mtu-v6 1400, frag-id, FMR" ;;
	5) BR_OPTS="$base frag outer v4-reassembly off encaplimit none mtu-v6 1360"
	   CE_OPTS="$BR_OPTS frag-id keep napt on"
	   NAME="napt, mtu-v6 1360, FMR" ;;
	6) BR_OPTS="$base frag inner v4-reassembly on encaplimit 1 mtu-v6 1330 hoplimit 2 tclass 0"
	   CE_OPTS="$BR_OPTS frag-id psid napt on"
	   NAME="everything: frag inner, v4-reassembly, frag-id, napt, encaplimit 1, mtu-v6 1330, hoplimit 2, FMR" ;;
	esac
	[ "$1" -ge 4 ]
}

# The same for mode t: translation reads no frag, encaplimit, hoplimit
# nor tclass (selftests/net/matrix.sh says why).
TCOMBOS=2
combo_t()
{
	local base="frag-timeout 500"
	case $1 in
	1) BR_OPTS="$base"
	   CE_OPTS="$base"
	   NAME="defaults" ;;
	2) BR_OPTS="$base v4-reassembly on mtu-v6 1330"
	   CE_OPTS="$BR_OPTS frag-id psid napt on"
	   NAME="v4-reassembly, mtu-v6 1330, frag-id, napt, FMR" ;;
	esac
	[ "$1" -ge 2 ]
}

# send NS ARGS...: one pktfuzz in NS, unless FUZZ_CLASSES (a list of
# CLASS or CLASS/ROLE: rx6/br, tx4gso, ...) leaves its -k CLASS -R ROLE out.
send()
{
	local ns=$1 cls role a prev=
	shift
	for a in "$@"; do
		[ "$prev" = -k ] && cls=$a
		[ "$prev" = -R ] && role=$a
		prev=$a
	done
	if [ -n "${FUZZ_CLASSES:-}" ] &&
		[[ " $FUZZ_CLASSES " != *" $cls "* && " $FUZZ_CLASSES " != *" $cls/$role "* ]]; then
		return 0
	fi
	ip netns exec "$ns" "$PKTFUZZ" "$@"
}

# pkt_phase e|t: the domain in that mode, its combinations, the checks.
pkt_phase()
{
	local c k n mem0 mem1 before after t0=$SECONDS total=0 fmr=0
	local ce_args=() ce lan_mac br_v4 br_wan ce1_wan per mtus
	local P=packets ncombos=$COMBOS combo_fn=combo seed0=$SEED want mt=()
	local gsodf gsoname

	MODE=$1
	if [ "$MODE" = t ]; then
		P="packets, mode t" ncombos=$TCOMBOS combo_fn=combo_t
		seed0=$((SEED + 100)) mt=(-T $DMR)
		gsodf="v4-reassembly off mtu-v6 1330"
		gsoname="frag-id psid, mtu-v6 1330"
	else
		gsodf="frag inner v4-reassembly off mtu-v6 1330"
		gsoname="frag inner, frag-id psid, mtu-v6 1330"
	fi
	sleep 2
	mem0=$(mem_snapshot)
	check "$P: domain built" topo_setup || return 1
	# A LAN behind ce1: 198.51.100.0/30. Its packets may carry ce1's own
	# address (without napt that is what a CE sends).
	check "$P: a LAN host behind ce1" topo_lan || return 1
	ip netns exec ce1 sysctl -qw \
		net.ipv4.conf.to-lan.accept_local=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.to-lan.rp_filter=0
	ns_tune $TOPO_NS lan
	for ce in ce1 ce2 ce3; do
		ce_args+=(-E "$(ce_map_addr $ce)/${CE_V4[$ce]}/${CE_PSID[$ce]}")
	done
	br_wan=$(mac br wan)
	ce1_wan=$(mac ce1 wan)
	br_v4=$(mac br v4)
	lan_mac=$(mac ce1 to-lan)
	if ! kprobes_on; then
		log_test 1 "$P: kprobes on mape's entry points"
		return 1
	fi
	[ -n "$DFRET" ] || echo "# no call to ip_defrag found in mape.ko: v4-reassembly fragments unaccounted"
	[ -n "$DF6RET" ] || echo "# no call to nf_ct_frag6_gather found in mape.ko: mode t's ICMPv6 fragments unaccounted"
	# 10 senders a combination, and super-packets without DF at the end
	# of each mode: PKT shared by both.
	per=$(( (PKT + (COMBOS + TCOMBOS) * 10 + 3) /
		((COMBOS + TCOMBOS) * 10 + 4) ))
	want=$(( per * (ncombos * 10 + 2) ))

	for c in $(seq 1 $ncombos); do
		if $combo_fn "$c" && [ $fmr = 0 ]; then
			for ce in ce1 ce2 ce3; do
				ip netns exec $ce mapctl rule add dev mape0 fmr $RULE
			done
			fmr=1
		fi
		check "$P $c: set $NAME" sh -c "ip -n br link set mape0 type mape $BR_OPTS &&
			for ns in ce1 ce2 ce3; do ip -n \$ns link set mape0 type mape $CE_OPTS || exit 1; done"
		sleep 1
		echo "# [${SECONDS}s] combo $c set"
		before=$(snapshot)
		echo "# [${SECONDS}s] snapshot"
		k=$((seed0 + c))
		local common=(-B $BR_ADDR "${mt[@]}" "${ce_args[@]}" -S $SRV -P 6,8 -s $k -n $per)
		echo "# combo $c seed $k: pktfuzz ${common[*]} with"
		printf '#   %s\n' "core: -k rx6 -R br -i to-br -m $br_wan" \
			"core: -k rx6 -R ce -i to-ce1 -m $ce1_wan" \
			"core: -k icmp6 -R br -i to-br -m $br_wan" \
			"core: -k icmp6 -R ce -i to-ce1 -m $ce1_wan -G 2001:db8:f0:11::1" \
			"srv: -k tx4 -R br -i eth0 -m $br_v4" \
			"lan: -k tx4 -R ce -i eth0 -m $lan_mac -L 198.51.100.2" \
			"br: -k tx4raw -R br -i mape0" \
			"ce1: -k tx4raw -R ce -i mape0 -L 198.51.100.2" \
			"br: -k tx4gso -R br -i mape0 -F" \
			"ce1: -k tx4gso -R ce -i mape0 -L 198.51.100.2 -F"
		{
			send core "${common[@]}" -k rx6 -R br -i to-br -m "$br_wan" &
			send core "${common[@]}" -k rx6 -R ce -i to-ce1 -m "$ce1_wan" &
			send core "${common[@]}" -k icmp6 -R br -i to-br -m "$br_wan" &
			send core "${common[@]}" -k icmp6 -R ce -i to-ce1 -m "$ce1_wan" \
				-G 2001:db8:f0:11::1 &
			send srv "${common[@]}" -k tx4 -R br -i eth0 -m "$br_v4" &
			send lan "${common[@]}" -k tx4 -R ce -i eth0 -m "$lan_mac" \
				-L 198.51.100.2 &
			send br "${common[@]}" -k tx4raw -R br -i mape0 &
			send ce1 "${common[@]}" -k tx4raw -R ce -i mape0 \
				-L 198.51.100.2 &
			# Super-packets with DF set: each of their segments
			# passes whole or is refused (exact accounting).
			send br "${common[@]}" -k tx4gso -R br -i mape0 -F &
			send ce1 "${common[@]}" -k tx4gso -R ce -i mape0 \
				-L 198.51.100.2 -F &
			wait
		} >"$tmp/pkt.$c" 2>&1
		echo "# [${SECONDS}s] sent"
		sed 's/^/    /' "$tmp/pkt.$c" | grep -v '^    PKTFUZZ'
		n=$(awk -F'[= ]' '/^PKTFUZZ / { s += $3 } END { print s + 0 }' "$tmp/pkt.$c")
		CORE_DROPS=$(awk -F'[= ]' '/^PKTFUZZ / { s += $9 } END { print s + 0 }' "$tmp/pkt.$c")
		total=$((total + ${n:-0}))
		# Held fragments expire (500 ms), reassembly queues (1 s).
		sleep "$(tscale 3)"
		after=$(snapshot)
		echo "# [${SECONDS}s] snapshot"
		account "$P $c ($n sent)" "$before" "$after"
		# The device must still be there and carry packets.
		check "$P $c: ce1 still reaches the server" \
			ip netns exec ce1 ping -c 1 -W 5 -e "$(port_of ce1 2 0)" $SRV
		mtus=$(for ns in $DEVNS; do ip -n $ns -j link show dev mape0 | jq '.[0].mtu'; done | sort -n | head -n1)
		log_test $(( mtus < 1280 )) \
			"$P $c: no device below an MTU of 1280, where IPv6 leaves it (lowest $mtus)"
	done
	# Super-packets with DF clear, into CEs with frag-id psid and a BR
	# cutting their segments for frag inner.
	c=$((ncombos + 1))
	k=$((seed0 + c))
	check "$P $c: set $gsoname" sh -c "
		ip -n br link set mape0 type mape $gsodf &&
		for ns in ce1 ce2 ce3; do ip -n \$ns link set mape0 type mape \
			$gsodf frag-id psid napt off || exit 1; done"
	sleep 1
	before=$(snapshot)
	local common=(-B $BR_ADDR "${mt[@]}" "${ce_args[@]}" -S $SRV -P 6,8 -s $k -n "$per")
	echo "# super-packets, DF clear, seed $k: pktfuzz ${common[*]} with"
	printf '#   %s\n' "br: -k tx4gso -R br -i mape0" "ce1: -k tx4gso -R ce -i mape0"
	{
		ip netns exec br "$PKTFUZZ" "${common[@]}" -k tx4gso -R br -i mape0 &
		ip netns exec ce1 "$PKTFUZZ" "${common[@]}" -k tx4gso -R ce -i mape0 &
		wait
	} >"$tmp/pkt.$c" 2>&1
	sed 's/^/    /' "$tmp/pkt.$c" | grep -v '^    PKTFUZZ'
	n=$(awk -F'[= ]' '/^PKTFUZZ / { s += $3 } END { print s + 0 }' "$tmp/pkt.$c")
	CORE_DROPS=$(awk -F'[= ]' '/^PKTFUZZ / { s += $9 } END { print s + 0 }' "$tmp/pkt.$c")
	total=$((total + ${n:-0}))
	sleep "$(tscale 3)"
	after=$(snapshot)
	account "$P $c ($n super-packets)" "$before" "$after"
	check "$P $c: ce1 still reaches the server" \
		ip netns exec ce1 ping -c 1 -W 5 -e "$(port_of ce1 2 0)" $SRV

	echo "# packet fuzz, mode $MODE: $total packets in $((SECONDS - t0)) s (seeds $((seed0 + 1))..$((seed0 + ncombos + 1)))"
	log_test $(( total < want )) "$P: $total sent (at least $want)"

	# Good traffic afterwards, with the defaults back.
	for ns in br ce1 ce2 ce3; do
		ip -n $ns link set mape0 type mape frag outer v4-reassembly off \
			encaplimit none mtu-v6 none hoplimit 64 tclass inherit
	done
	for ns in ce1 ce2 ce3; do
		ip -n $ns link set mape0 type mape frag-id keep napt off
	done
	check "$P, after: ce1 pings the server" \
		ip netns exec ce1 ping -c 3 -i 0.2 -W 5 -e "$(port_of ce1 2 1)" $SRV
	check "$P, after: the server pings ce3" \
		ip netns exec srv ping -c 3 -i 0.2 -W 5 -e "$(port_of ce3 2 1)" 192.0.2.19
	head -c 200000 /dev/urandom >"$tmp/blob"
	ip netns exec srv python3 "$top/selftests/net/tcp_blob.py" 8080 "$tmp/blob" &
	pids+=" $!"
	sleep "$(tscale 3)"
	ip netns exec ce1 timeout 60 nc -d -p "$(port_of ce1 9 2)" $SRV 8080 >"$tmp/got" 2>/dev/null
	check "$P, after: 200 kB over TCP from the server to ce1" cmp -s "$tmp/blob" "$tmp/got"
	kill $pids 2>/dev/null
	wait $pids 2>/dev/null
	pids=

	# Nothing left behind once the devices are gone.
	kprobes_off
	topo_cleanup
	ip netns del lan
	sleep 5
	mem1=$(mem_snapshot)
	echo "# memory before/after: skbuffs, kmalloc KiB, MemAvailable KiB: $mem0 / $mem1"
	read -r s0 k0 a0 <<<"$mem0"
	read -r s1 k1 a1 <<<"$mem1"
	log_test $(( s1 - s0 > 1000 )) "$P, after: skbuffs back ($s0 -> $s1, bound +1000)"
	log_test $(( k1 - k0 > 16384 )) "$P, after: kmalloc memory back ($k0 -> $k1 KiB, bound +16 MiB)"
	log_test $(( a0 - a1 > 65536 )) "$P, after: MemAvailable back ($a0 -> $a1 KiB, bound -64 MiB)"
}

# The CE's NAPT companion: napt on attaches to and detaches from
# namespaces while devices come and go.
if [ ! -d /sys/module/mape_nat ]; then
	modprobe nf_nat && insmod "$top/kernel/mape_nat.ko"
fi
check "mape_nat loaded" test -d /sys/module/mape_nat
# Room in the receive backlogs for senders faster than the receivers.
sysctl -qw net.core.netdev_max_backlog=10000
[ $do_nl = 1 ] && nl_phase
if [ $do_pkt = 1 ]; then
	pkt_phase e
	pkt_phase t
fi
ksft_exit
