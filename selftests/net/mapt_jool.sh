#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MAP-T (RFC 7599) interoperability with a foreign translator: Debian's
# Jool in SIIT mode (RFC 7915), built by scripts/jool.sh for the running
# kernel, for the cases without port sharing. A CE whose EA bits hold
# only the IPv4 suffix (PSID length 0) owns a whole IPv4 address, and its
# MAP address (RFC 7599 section 5.2, RFC 7597 section 6) is then a plain
# explicit address mapping (RFC 7757) of that address: Jool's EAMT entry,
# beside pool6 = the DMR (RFC 6052 /64), is all a stateless translator
# needs to stand in for either end.
#
#  1. Jool as the BR, mape CEs:
#     [srv] .2 -- 203.0.113.0/24 -- .1 [br] Jool SIIT, pool6 = DMR,
#                                       |   EAMT 192.0.2.18 <-> ce1's
#                                    [core]      192.0.2.19 <-> ce2's
#                                     /    \
#                                 [ce1]    [ce2]  mape0 role ce mode t
#  2. The same namespaces turned around, mape as the BR, Jool as a CE:
#     br's Jool makes way for mape0 role br mode t; ce2's mape0 for Jool,
#     pool6 = DMR, EAMT 192.0.2.19 <-> its MAP address, and a host [h4]
#     with 192.0.2.19 behind it. (Namespaces are slow to make in the VM.)
#
# Domain: rule-ipv6 2001:db8:200::/48 rule-ipv4 192.0.2.0/24 ea-len 8,
# DMR 2001:db8:ffff::/64; end-user prefix 2001:db8:200:XX00::/56 for
# 192.0.2.XX (hex). Traffic each way: ping, UDP, TCP 1 MiB both ways, UDP
# datagrams in fragments, ICMP errors and traceroute through both
# translators; mape's and Jool's counters say the packets were translated.

dir=$(dirname "$0")
source "$dir/../lib.sh"
MAPE_MODE=t
source "$dir/topo.sh"
require traceroute tcpdump

JRULE="rule-ipv6 2001:db8:200::/48 rule-ipv4 192.0.2.0/24 ea-len 8"
declare -A J_EU=([ce1]=2001:db8:200:1200::/56 [ce2]=2001:db8:200:1300::/56)
declare -A J_V4=([ce1]=192.0.2.18 [ce2]=192.0.2.19)
declare -A J_NET=([ce1]=11 [ce2]=12)

KVER=$(uname -r)
JOOL_DIR=${MAPE_CACHE:-$HOME/.cache/mape}/jool/$KVER
if [ ! -f "$JOOL_DIR/jool_siit.ko" ] || [ ! -x "$JOOL_DIR/jool_siit" ]; then
	log_test "$ksft_skip" "Jool SIIT for $KVER: not built (scripts/jool.sh)"
	exit "$ksft_skip"
fi

tmp=$(mktemp -d)
pids=
jool_loaded=
cleanup()
{
	# shellcheck disable=SC2086 # a list of pids
	kill $pids 2>/dev/null
	wait 2>/dev/null
	ip netns del h4 2>/dev/null
	topo_cleanup
	# Jool's instances go with their namespaces.
	[ -z "$jool_loaded" ] || rmmod jool_siit jool_common
	rm -rf "$tmp"
}
trap cleanup EXIT

# jool NS ARG...: the userspace tool of the module's version in NS.
jool() { ip netns exec "$1" "$JOOL_DIR/jool_siit" "${@:2}"; }
# jstat NS COUNTER: one of Jool's counters (JSTAT_SUCCESS...) in NS.
jstat()
{
	jool "$1" stats display --all --csv | awk -F, -v k="$2" '$1 == k {print $2}'
}
declare -A JSNAP
jsnap() { JSNAP[$1]=$(jstat "$1" JSTAT_SUCCESS); }
jdelta() { echo $(( $(jstat "$1" JSTAT_SUCCESS) - ${JSNAP[$1]} )); }
# Sum of the drop counters of NS's mape0.
drops()
{
	ip netns exec "$1" mapctl -j stats dev mape0 |
		jq '.[0] | [to_entries[] | select(.key | test("^(decap_spoof|decap_wrong_dst|unsupported_protocol|no_rule|port_set|no_route|v4_fragment_drops|v6_fragment_drops|header_errors|xlat_.*)$")) | .value] | add'
}
# hops NS DST: the addresses traceroute lists, by UDP from NS to DST.
hops()
{
	ip netns exec "$1" traceroute -n -U -p 33434 -q 1 -w 2 -m 6 "$2" 2>/dev/null |
		awk 'NR > 1 {print $2}' | paste -sd' '
}

jool_load()
{
	local ko dep

	# Its kernel dependencies (x_tables for 4.1.9) come from the image.
	for ko in jool_common jool_siit; do
		for dep in $(modinfo -F depends "$JOOL_DIR/$ko.ko" | tr , ' '); do
			case $dep in jool*) ;; *) modprobe "$dep" || return 1 ;; esac
		done
		insmod "$JOOL_DIR/$ko.ko" || return 1
	done
	jool_loaded=1
}

# jool_xlat NS: a Jool SIIT instance in NS, pool6 = the DMR; IPv6 errors
# from routers without an IPv4 address come from RFC 7600's 192.0.0.8, as
# mape's do with icmp-src 192.0.0.8 (mape_icmp: its RFC 6791 source).
jool_xlat()
{
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 &&
	jool "$1" instance add --netfilter --pool6 "$DMR" &&
	jool "$1" global update rfc6791v4-prefix 192.0.0.8/32
}

# traffic WHO NS ADDR JOOL MAPE: ping, UDP, TCP both ways and fragments
# between NS and the server, ADDR NS's IPv4 address; JOOL and MAPE the
# namespaces of the two translators on the way, whose counters must show
# each echo translated once.
traffic()
{
	local who=$1 ns=$2 addr=$3 jns=$4 mns=$5 out

	stats_snapshot "$mns"
	jsnap "$jns"
	out=$(ip netns exec "$ns" ping -c 2 -i 0.2 -W 2 $SRV 2>&1)
	log_test $? "$who: ping srv" "$out"
	out=$(ip netns exec srv ping -c 2 -i 0.2 -W 2 "$addr" 2>&1)
	log_test $? "srv: ping $who ($addr)" "$out"
	check_eq "$mns (mape): 4 echoes translated out, 4 in" \
		"$(delta "$mns" encaps)/$(delta "$mns" decaps)" 4/4
	check_eq "$jns (Jool): 8 translated" "$(jdelta "$jns")" 8
	out=$(ip netns exec "$ns" python3 "$dir/udp_echo.py" client $SRV 7001 40000 10)
	log_test $? "$who: 10 UDP datagrams echoed by srv ($out)"
	out=$(ip netns exec "$ns" python3 "$dir/tcp_blob.py" get $SRV 7002 0 1048576)
	log_test $? "$who: TCP, 1 MiB from srv ($out)"
	out=$(ip netns exec "$ns" python3 "$dir/tcp_blob.py" put $SRV 7002 0 1048576)
	log_test $? "$who: TCP, 1 MiB to srv ($out)"
	out=$(ip netns exec "$ns" python3 "$dir/fragments.py" echo $SRV 7003 \
		40001 1500 4000 16000)
	log_test $? "$who <-> srv: UDP 1500, 4000, 16000 bytes, DF clear ($out)"
}

# The server's ends of traffic().
servers()
{
	ip netns exec srv python3 "$dir/udp_echo.py" server 7001 &
	pids+=" $!"
	ip netns exec srv python3 "$dir/tcp_blob.py" serve 7002 &
	pids+=" $!"
	ip netns exec srv python3 "$dir/udp_echo.py" server 7003 nodf &
	pids+=" $!"
}

check "Jool SIIT $(cat "$JOOL_DIR/version") for $KVER loaded" jool_load || exit 1
check_eq "jool_siit of the module's version" \
	"$("$JOOL_DIR/jool_siit" --version)" \
	"$(modinfo -F version "$JOOL_DIR/jool_siit.ko")"

# --- 1. Jool as the BR ------------------------------------------------------
TOPO_NS="srv br core ce1 ce2"
build_jool_br()
{
	local ce map6

	topo_core && jool_xlat br || return 1
	for ce in ce1 ce2; do
		topo_ce_wan $ce "${J_NET[$ce]}" "${J_EU[$ce]}" &&
		topo_mape $ce ce "$JRULE" end-user-prefix "${J_EU[$ce]}" \
			icmp-src 192.0.0.8 ||
			return 1
		ip -n $ce addr add "${J_V4[$ce]}/32" dev mape0
		ip -n $ce route add default dev mape0 src "${J_V4[$ce]}"
		map6=$(ce_map_addr $ce)
		jool br eamt add "${J_V4[$ce]}" "$map6/128" || return 1
	done
}
check "Jool BR (pool6 $DMR), mape CEs ce1, ce2 (PSID length 0)" build_jool_br || exit 1
check_eq "ce1's MAP address: RFC 7599 5.2's, the IPv4 address in it" \
	"$(ce_map_addr ce1)" 2001:db8:200:1200:0:c000:212:0
servers
ip netns exec core tcpdump -n -l -i to-br 'ip6 and ip6[6] == 44' \
	>"$tmp/wire1" 2>/dev/null &
pids+=" $!"
sleep 1

d0=$(( $(drops ce1) + $(drops ce2) ))
traffic ce1 ce1 "${J_V4[ce1]}" br ce1
# Each way at least the 4 echoes, 10 datagrams and 1 MiB of TCP in GSO
# packets of at most 64 KiB (16): the floor, whatever GSO and GRO merge.
check "ce1 (mape): UDP and TCP translated too" \
	test "$(delta ce1 encaps)" -ge 30 -a "$(delta ce1 decaps)" -ge 30
stats_snapshot ce2
out=$(ip netns exec ce2 ping -c 2 -i 0.2 -W 2 $SRV 2>&1)
log_test $? "ce2: ping srv" "$out"
check_eq "ce2: 2 translated out, 2 in" "$(delta ce2 encaps)/$(delta ce2 decaps)" 2/2
sleep 0.5
check "core: IPv6 fragments from and to ce1 crossed Jool's link" \
	test "$(grep -c 'frag (' "$tmp/wire1")" -ge 10

# ICMP errors: TTL expiry at each hop, and the closed port's unreachable
# at the end. srv -> ce1: Jool's own IPv4 hop, core's and ce1's IPv6
# forwarding (ICMPv6 errors Jool translates from 192.0.0.8), ce1.
# ce1 -> srv: core (mape CE's 192.0.0.8), Jool's own IPv6 hop, srv.
check_eq "srv: traceroute to ce1 through Jool and mape" \
	"$(hops srv "${J_V4[ce1]}")" "203.0.113.1 192.0.0.8 192.0.0.8 ${J_V4[ce1]}"
check_eq "ce1: traceroute to srv through mape and Jool" \
	"$(hops ce1 $SRV)" "192.0.0.8 192.0.0.8 $SRV"

# ce1 to ce2: Jool turns it around (EAM hairpinning, RFC 7757).
stats_snapshot ce1 ce2
out=$(ip netns exec ce1 ping -c 2 -i 0.2 -W 2 "${J_V4[ce2]}" 2>&1)
log_test $? "ce1: ping ce2 through Jool" "$out"
check_eq "ce2: 2 translated in, 2 out" "$(delta ce2 decaps)/$(delta ce2 encaps)" 2/2
check_eq "ce1, ce2: no packet dropped" "$(( $(drops ce1) + $(drops ce2) ))" "$d0"

# --- 2. mape as the BR, Jool as a CE ---------------------------------------
build_jool_ce()
{
	local map6

	map6=$(ce_map_addr ce2)
	jool br instance remove &&
	topo_mape br br "" icmp-src 192.0.0.8 || return 1
	ip -n br route add 192.0.2.0/24 dev mape0
	# shellcheck disable=SC2086 # a rule is keywords
	ip netns exec br mapctl rule add dev mape0 bmr $JRULE || return 1

	ip -n ce2 link del mape0 && jool_xlat ce2 &&
	jool ce2 eamt add "${J_V4[ce2]}" "$map6/128" || return 1
	ip netns add h4 && ip -n h4 link set lo up &&
	ip -n ce2 link add to-h4 type veth peer name eth0 netns h4 || return 1
	ip -n ce2 addr add 198.51.100.1/32 dev to-h4
	ip -n ce2 link set to-h4 up
	ip -n ce2 route add "${J_V4[ce2]}/32" dev to-h4
	ip -n h4 addr add "${J_V4[ce2]}/32" dev eth0
	ip -n h4 link set eth0 up
	ip -n h4 route add 198.51.100.1/32 dev eth0
	ip -n h4 route add default via 198.51.100.1
}
check "mape BR; ce2 Jool (EAMT ${J_V4[ce2]} <-> its MAP address), h4 behind" \
	build_jool_ce || exit 1
ip netns exec core tcpdump -n -l -i to-ce2 'ip6 and ip6[6] == 44' \
	>"$tmp/wire2" 2>/dev/null &
pids+=" $!"
sleep 1

d0=$(drops br)
traffic h4 h4 "${J_V4[ce2]}" ce2 br
check "br (mape): UDP and TCP translated too" \
	test "$(delta br encaps)" -ge 30 -a "$(delta br decaps)" -ge 30
sleep 0.5
check "core: IPv6 fragments from and to Jool crossed to mape" \
	test "$(grep -c 'frag (' "$tmp/wire2")" -ge 10

# srv -> h4: br's IPv4 forwarding, core's IPv6 forwarding and Jool's own
# IPv6 hop (mape's translation from 192.0.0.8, RFC 6791), then h4.
check_eq "srv: traceroute to h4 through mape and Jool" \
	"$(hops srv "${J_V4[ce2]}")" "203.0.113.1 192.0.0.8 192.0.0.8 ${J_V4[ce2]}"
# h4 -> srv: Jool's own IPv4 hop, then core's and br's IPv6 forwarding
# (the mape BR routes into mape0 as an IPv6 router first), both ICMPv6
# errors translated by Jool from 192.0.0.8, then srv.
check_eq "h4: traceroute to srv through Jool and mape" \
	"$(hops h4 $SRV)" "198.51.100.1 192.0.0.8 192.0.0.8 $SRV"
check_eq "br: no packet dropped" "$(drops br)" "$d0"

ksft_exit
