#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A whole MAP-E domain: a BR, three CEs (two sharing one IPv4 address by
# port set), an IPv4 server behind the BR and an IPv6-only underlay.
# ICMP echo, UDP and TCP from each CE to the server and back, exact
# counters on both ends; CE to CE by hairpin through the BR, then directly
# through an FMR. Runs in the VM. MAPE_IFID=draft03 runs the same domain
# with draft-03 interface identifiers.
#
#                      203.0.113.0/24
#   [srv] .2 ------------------------ .1 [br]  mape0: role br
#                                         |     br-addr 2001:db8:ffff::1
#                                      [core]  IPv6-only router
#                                     /   |   \
#                               [ce1]   [ce2]   [ce3]   mape0: role ce
#                        192.0.2.18   192.0.2.18   192.0.2.19
#                        PSID 0x34    PSID 0x35    PSID 0x01

dir=$(dirname "$0")
source "$dir/../lib.sh"
source "$dir/topo.sh"

IFID=${MAPE_IFID:-rfc}
tmp=$(mktemp -d)
cleanup()
{
	topo_cleanup
	kill $(jobs -p) 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

check "domain built (ifid $IFID)" topo_setup "$IFID" || exit 1
for ce in ce1 ce2 ce3; do
	check_eq "$ce: derived IPv4 address" \
		"$(ip netns exec $ce mapctl -j show dev mape0 | jq -r '.[0].ce.ipv4')" "${CE_V4[$ce]}"
	check_eq "$ce: derived PSID" \
		"$(ip netns exec $ce mapctl -j show dev mape0 | jq -r '.[0].ce.psid')" \
		"$((CE_PSID[$ce]))"
done

ip netns exec srv python3 "$dir/udp_echo.py" server 5001 &
ip netns exec srv sh -c "while :; do nc -l -p 5002 > $tmp/up.\$\$ || break; mv $tmp/up.\$\$ $tmp/up; done" &
head -c 1000000 /dev/urandom > "$tmp/blob"
ip netns exec srv python3 "$dir/tcp_blob.py" 5003 "$tmp/blob" &
sleep 1

# ICMP echo: identifiers from the CE's set; counters exact on both ends.
for ce in ce1 ce2 ce3; do
	id=$(port_of $ce 5 1)
	stats_snapshot $ce br
	check "$ce: ping the server, identifier $id" \
		ip netns exec $ce ping -c 4 -i 0.2 -W 2 -e "$id" $SRV
	check_eq "$ce: 4 encaps" "$(delta $ce encaps)" 4
	check_eq "$ce: 4 decaps" "$(delta $ce decaps)" 4
	check_eq "br: 4 decaps from $ce" "$(delta br decaps)" 4
	check_eq "br: 4 encaps to $ce" "$(delta br encaps)" 4
	check_eq "$ce: encap bytes = 4 x 84" "$(delta $ce encap_bytes)" 336
done

# Mode t: what crosses the core is IPv6 of RFC 7599 section 5: ce1's MAP
# address to the server's address in the DMR (RFC 6052, /64: the u octet
# zero, then 203.0.113.2), ICMPv6 echo with ce1's identifier.
if [ "$MODE" = t ]; then
	check_eq "br, ce1: mode t, the DMR shown" \
		"$(for ns in br ce1; do ip netns exec $ns mapctl -j show dev mape0 |
			jq -r '.[0] | "\(.mode) \(.dmr)"'; done | paste -sd,)" \
		"t 2001:db8:ffff::/64,t 2001:db8:ffff::/64"
	check_eq "br, ce1: mapctl show's needs: the routes they receive by" \
		"$(for ns in br ce1; do ip netns exec $ns mapctl show dev mape0 |
			grep '^needs:'; done | paste -sd,)" \
		"needs: ip -6 route add $DMR dev mape0,needs: ip -6 route add $(ce_map_addr ce1)/128 dev mape0"
	id=$(port_of ce1 5 2)
	ip netns exec core timeout 10 tcpdump -n -l -i to-ce1 -c 4 \
		'icmp6 and (ip6[40] == 128 or ip6[40] == 129)' \
		> "$tmp/wire" 2>/dev/null &
	sleep 1
	ip netns exec ce1 ping -c 2 -i 0.2 -W 2 -e "$id" $SRV >/dev/null
	wait $!
	check_eq "core: ICMPv6 echo, ce1's MAP address <-> the server in the DMR" \
		"$(sed -n 's/^[0-9:.]* IP6 \([^ ]*\) > \([^:]*:[^ ]*\): ICMP6, echo \([a-z]*\), id \([0-9]*\).*/\1 \2 \3 \4/p' "$tmp/wire" | sort -u | paste -sd,)" \
		"2001:db8:112:3400:0:c000:212:34 2001:db8:ffff:0:cb:71:200:0 request $id,2001:db8:ffff:0:cb:71:200:0 2001:db8:112:3400:0:c000:212:34 reply $id"
fi

# An identifier outside the set never leaves the CE.
stats_snapshot ce1 br
ip netns exec ce1 ping -c 2 -i 0.2 -W 1 -e "$(port_of ce2 5 1)" $SRV >/dev/null 2>&1
check_eq "ce1: identifier of ce2's set dropped twice" "$(delta ce1 port_set)" 2
check_eq "ce1: nothing encapsulated" "$(delta ce1 encaps)" 0
check_eq "br: nothing received" "$(delta br decaps)" 0

# UDP: each CE from a port of its set; both sharing CEs at the same time.
stats_snapshot ce1 ce2 br
ip netns exec ce1 python3 "$dir/udp_echo.py" client $SRV 5001 "$(port_of ce1 20 3)" 10 > "$tmp/u1" &
p1=$!
ip netns exec ce2 python3 "$dir/udp_echo.py" client $SRV 5001 "$(port_of ce2 20 3)" 10 > "$tmp/u2" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
log_test $r1 "ce1: 10 UDP datagrams echoed ($(cat "$tmp/u1"))"
log_test $r2 "ce2: 10 UDP datagrams echoed, same IPv4, other PSID ($(cat "$tmp/u2"))"
check_eq "ce1: 10 decaps, none of ce2's" "$(delta ce1 decaps)" 10
check_eq "ce2: 10 decaps, none of ce1's" "$(delta ce2 decaps)" 10
check_eq "br: 20 encaps" "$(delta br encaps)" 20
out=$(ip netns exec ce3 python3 "$dir/udp_echo.py" client $SRV 5001 "$(port_of ce3 63 0)" 5)
log_test $? "ce3: 5 UDP datagrams echoed ($out)"

# TCP, checksum compared, both directions, at the same time from the two
# CEs sharing 192.0.2.18.
for ce in ce1 ce3; do
	rm -f "$tmp/up"
	ip netns exec $ce nc -N -p "$(port_of $ce 30 2)" $SRV 5002 < "$tmp/blob"
	for _ in 1 2 3 4 5 6 7 8 9 10; do [ -f "$tmp/up" ] && break; sleep 0.5; done
	check_eq "$ce: 1 MB TCP upload intact" \
		"$(sha256sum < "$tmp/up" 2>/dev/null)" "$(sha256sum < "$tmp/blob")"
done
ip netns exec ce1 nc -p "$(port_of ce1 40 0)" $SRV 5003 > "$tmp/d1" < /dev/null &
p1=$!
ip netns exec ce2 nc -p "$(port_of ce2 40 0)" $SRV 5003 > "$tmp/d2" < /dev/null &
p2=$!
wait $p1 $p2
check_eq "ce1: 1 MB TCP download intact" "$(sha256sum < "$tmp/d1")" "$(sha256sum < "$tmp/blob")"
check_eq "ce2: 1 MB TCP download intact, concurrently" \
	"$(sha256sum < "$tmp/d2")" "$(sha256sum < "$tmp/blob")"

# ip -s link counts what mapctl counts.
check_eq "br: ip -s link tx packets = encaps" \
	"$(ip -n br -j -s link show mape0 | jq '.[0].stats64.tx.packets')" "$(mstat br encaps)"
check_eq "br: ip -s link rx packets = decaps" \
	"$(ip -n br -j -s link show mape0 | jq '.[0].stats64.rx.packets')" "$(mstat br decaps)"

# CE to CE without an FMR: hairpin through the BR. UDP between ports of
# each CE's set (an echo identifier of ce1's set would select a CE of the
# 192.0.2.19 address other than ce3).
ce3_port=$(port_of ce3 12 1)
ip netns exec ce3 python3 "$dir/udp_echo.py" server "$ce3_port" &
sleep 1
stats_snapshot ce1 ce3 br
check "ce1 -> ce3 by hairpin through the BR" ip netns exec ce1 \
	python3 "$dir/udp_echo.py" client "${CE_V4[ce3]}" "$ce3_port" "$(port_of ce1 7 0)" 3
check_eq "br: 3 requests + 3 replies decapsulated" "$(delta br decaps)" 6
check_eq "br: and encapsulated again" "$(delta br encaps)" 6

# With the BMR also an FMR, CEs talk directly: the BR sees nothing.
for ce in ce1 ce3; do
	check "$ce: BMR made an FMR too" ip netns exec $ce mapctl rule add dev mape0 fmr $RULE
done
check_eq "rule show lists bmr and fmr" \
	"$(ip netns exec ce1 mapctl -j rule show dev mape0 | jq -c '.[0].type')" '["bmr","fmr"]'
stats_snapshot ce1 ce3 br
check "ce1 -> ce3 directly through the FMR" ip netns exec ce1 \
	python3 "$dir/udp_echo.py" client "${CE_V4[ce3]}" "$ce3_port" "$(port_of ce1 7 0)" 3
check_eq "br: counters unchanged" "$(delta br decaps)/$(delta br encaps)" 0/0
check_eq "ce3: 3 decaps from its peer, 3 encaps back" \
	"$(delta ce3 decaps)/$(delta ce3 encaps)" 3/3
check_eq "ce1: 3 encaps, 3 decaps" "$(delta ce1 encaps)/$(delta ce1 decaps)" 3/3
# The server is outside every FMR: still through the BR.
stats_snapshot br
check "ce1 -> server still via the BR" \
	ip netns exec ce1 ping -c 1 -W 2 -e "$(port_of ce1 9 3)" $SRV
check_eq "br: 1 decap" "$(delta br decaps)" 1

# Lookups agree with the data path.
check_eq "lookup ipv4 192.0.2.18 port of ce2 -> ce2's address" \
	"$(ip netns exec br mapctl -j lookup dev mape0 ipv4 192.0.2.18 port "$(port_of ce2 3 3)" | jq -r .ce_ipv6)" \
	"$(ce_map_addr ce2)"
check_eq "lookup ipv6 of ce3 -> 192.0.2.19" \
	"$(ip netns exec br mapctl -j lookup dev mape0 ipv6 "$(ce_map_addr ce3)" | jq -r .ipv4)" 192.0.2.19

ksft_exit
