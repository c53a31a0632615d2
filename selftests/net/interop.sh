#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interoperability with a CE made of stock Linux parts only, the way
# OpenWrt's "map" protocol builds one: an ip6tnl device (mode ipip6, local =
# the CE's MAP IPv6 address from `mapctl calc`, remote = the BR) and
# nftables SNAT of a private LAN into ONE contiguous range of the CE's port
# set (4 ports: psid-offset 6, PSID length 8). It talks through the mape BR
# of topo.sh: ICMP echo, UDP and TCP from the LAN host to the server, an
# inbound port forward reached by a mape CE through the BR (hairpin), an
# ICMP error routed back by the port it quotes; exact BR counters. Packets
# whose source port is outside the CE's set (a second, misconfigured SNAT
# rule; the CE itself with a wrong source port) are dropped by the BR as
# decap_spoof and reach nobody.
#
#                      203.0.113.0/24
#   [srv] .2 ------------------------ .1 [br]  mape0: role br
#                                         |     br-addr 2001:db8:ffff::1
#                                         | 2001:db8:f0:1::/64
#                                      [core]  IPv6 router
#                f0:11::/64 /  f0:12 |  \ f0:13::/64  \ 2001:db8:f0:14::/64
#                      [ce1]      [ce2]   [ce3]        [owrt]  stock Linux CE
#                 mape CEs of topo.sh; ce3 is           wan  2001:db8:f0:14::2
#                 192.0.2.19 PSID 0x01                       + MAP address
#                                                       map-wan  ip6tnl ipip6
#                                                            192.0.2.19/32
#   end-user prefix 2001:db8:113:200::/56                nft snat 10.0.0.0/24
#   -> 192.0.2.19 PSID 0x02, MAP address                   to 192.0.2.19:5128-5131
#      2001:db8:113:200:0:c000:213:2                    lan  10.0.0.1/24
#                                                             |
#                                                         [lan] 10.0.0.2/24
#                                                               (+ 10.0.0.3)

dir=$(dirname "$0")
source "$dir/../lib.sh"
source "$dir/topo.sh"

OWRT_EU=2001:db8:113:200::/56
tmp=$(mktemp -d)

cleanup()
{
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	ip netns del owrt 2>/dev/null
	ip netns del lan 2>/dev/null
	topo_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT

# Counter of the ip6tnl device (rx.packets, tx.packets, ...).
tnl() { ip -n owrt -j -s link show map-wan | jq ".[0].stats64.$1"; }
# Sum of the BR's drop counters.
br_drops()
{
	ip netns exec br mapctl -j stats dev mape0 |
		jq '.[0] | [to_entries[] | select(.key | test("^(decap_spoof|decap_wrong_dst|unsupported_protocol|v6_mtu_errors|no_rule|port_set|no_route|v4_fragment_drops|header_errors)$")) | .value] | add'
}
# The translated source port (or ICMP id) of the LAN host's conntrack
# entries of a protocol, as seen in the reply tuple: one per line.
nat_ports()
{
	local key=dport

	[ "$1" = icmp ] && key=id
	ip netns exec owrt conntrack -L -p "$1" -s "$2" 2>/dev/null |
		grep -o "$key=[0-9]*" | sed -n '2~2s/.*=//p'
}
# in_range LO HI VALUE...: every value within [LO, HI], and at least one.
in_range()
{
	local lo=$1 hi=$2 v
	shift 2
	[ $# -gt 0 ] || return 1
	for v in "$@"; do
		[ "$v" -ge "$lo" ] && [ "$v" -le "$hi" ] || return 1
	done
}

check "mape domain built (topo.sh)" topo_setup || exit 1

# What the rule gives the stock CE: computed, not written down.
calc=$(mapctl -j calc $RULE end-user-prefix $OWRT_EU)
MAP6=$(jq -r .ce_ipv6 <<<"$calc")
OWRT_V4=$(jq -r .ipv4 <<<"$calc")
OWRT_PSID=$(jq -r .psid <<<"$calc")
# Range A=5 of the set for the LAN, A=6 for a port forward.
LO=$(jq '.ports[4][0]' <<<"$calc")
HI=$(jq '.ports[4][1]' <<<"$calc")
FWD=$(jq '.ports[5][1]' <<<"$calc")
check_eq "mapctl calc: $OWRT_EU -> $OWRT_V4 PSID $OWRT_PSID, ports $LO-$HI" \
	"$OWRT_V4/$OWRT_PSID/$MAP6/$LO-$HI" "192.0.2.19/2/2001:db8:113:200:0:c000:213:2/5128-5131"

# The stock CE, as OpenWrt's map.sh sets it up.
build_owrt()
{
	ip netns add owrt && ip netns add lan || return 1
	ip -n owrt link set lo up
	ip -n lan link set lo up
	ip netns exec owrt sysctl -qw net.ipv4.ip_forward=1

	ip -n owrt link add wan type veth peer name to-owrt netns core
	ip -n owrt addr add 2001:db8:f0:14::2/64 dev wan nodad
	ip -n owrt addr add "$MAP6/128" dev wan nodad
	ip -n owrt link set wan up
	ip -n owrt route add default via 2001:db8:f0:14::1
	ip -n core addr add 2001:db8:f0:14::1/64 dev to-owrt nodad
	ip -n core link set to-owrt up
	ip -n core route add $OWRT_EU via 2001:db8:f0:14::2

	ip -n owrt link add map-wan type ip6tnl mode ipip6 local "$MAP6" \
		remote $BR_ADDR encaplimit none dev wan || return 1
	ip netns exec owrt sysctl -qw net.ipv6.conf.map-wan.disable_ipv6=1
	ip -n owrt addr add "$OWRT_V4/32" dev map-wan
	ip -n owrt link set map-wan up
	ip -n owrt route add default dev map-wan

	ip -n owrt link add lan type veth peer name eth0 netns lan
	ip -n owrt addr add 10.0.0.1/24 dev lan
	ip -n owrt link set lan up
	ip -n lan addr add 10.0.0.2/24 dev eth0
	ip -n lan addr add 10.0.0.3/24 dev eth0
	ip -n lan link set eth0 up
	ip -n lan route add default via 10.0.0.1

	# SNAT of the LAN into one range of the port set, for every protocol
	# with ports (ICMP echo: the identifier); local traffic is left alone.
	ip netns exec owrt nft -f - <<-EOF
	table ip mapnat {
		chain srcnat {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "map-wan" ip saddr 10.0.0.0/24 meta l4proto { tcp, udp, icmp } snat to $OWRT_V4:$LO-$HI
		}
		chain dstnat {
			type nat hook prerouting priority dstnat; policy accept;
			iifname "map-wan" udp dport $FWD dnat to 10.0.0.2:7000
		}
	}
	table inet mapmss {
		chain mssfix {
			type filter hook forward priority mangle; policy accept;
			oifname "map-wan" tcp flags syn tcp option maxseg size set rt mtu
		}
	}
	EOF
}
check "stock CE: ip6tnl local $MAP6 + nft snat to $OWRT_V4:$LO-$HI" build_owrt || exit 1
check_eq "ip6tnl MTU 1500 - 40 (no encapsulation limit)" \
	"$(ip -n owrt -j link show map-wan | jq '.[0].mtu')" 1460
check_eq "BR looks up the stock CE's address the same way" \
	"$(ip netns exec br mapctl -j lookup dev mape0 ipv4 $OWRT_V4 port $LO | jq -r .ce_ipv6)" "$MAP6"

ip netns exec srv python3 "$dir/udp_echo.py" server 5001 &
ip netns exec srv sh -c "while :; do nc -l -p 5002 > $tmp/up.\$\$ || break; mv $tmp/up.\$\$ $tmp/up; done" &
head -c 1000000 /dev/urandom > "$tmp/blob"
ip netns exec srv python3 "$dir/tcp_blob.py" 5003 "$tmp/blob" &
ip netns exec lan python3 "$dir/udp_echo.py" server 7000 &
sleep 1

# ICMP echo: the identifier is translated into the range.
stats_snapshot br ce3
tx0=$(tnl tx.packets) rx0=$(tnl rx.packets)
check "lan: ping the server through the stock CE" \
	ip netns exec lan ping -c 4 -i 0.2 -W 2 -I 10.0.0.2 $SRV
check_eq "br: 4 decaps, 4 encaps" "$(delta br decaps)/$(delta br encaps)" 4/4
check_eq "ip6tnl: 4 sent, 4 received" \
	"$(( $(tnl tx.packets) - tx0 ))/$(( $(tnl rx.packets) - rx0 ))" 4/4
ids=$(nat_ports icmp 10.0.0.2)
in_range "$LO" "$HI" $ids
log_test $? "conntrack: echo identifier translated into $LO-$HI ($(echo $ids))"
check_eq "ce3 (same IPv4, PSID 1) saw none of it" "$(delta ce3 decaps)" 0

# UDP: 10 datagrams echoed, exact on the BR and the tunnel.
stats_snapshot br ce3
tx0=$(tnl tx.packets) rx0=$(tnl rx.packets)
out=$(ip netns exec lan python3 "$dir/udp_echo.py" client $SRV 5001 40000 10)
log_test $? "lan: 10 UDP datagrams echoed by the server ($out)"
check_eq "br: 10 decaps, 10 encaps" "$(delta br decaps)/$(delta br encaps)" 10/10
check_eq "ip6tnl: 10 sent, 10 received" \
	"$(( $(tnl tx.packets) - tx0 ))/$(( $(tnl rx.packets) - rx0 ))" 10/10
check_eq "br: decap bytes = 10 x (20 + 8 + 6)" "$(delta br decap_bytes)" 340
ports=$(nat_ports udp 10.0.0.2)
in_range "$LO" "$HI" $ports
log_test $? "conntrack: UDP source port 40000 translated into $LO-$HI ($(echo $ports))"
check_eq "ce3 saw none of it" "$(delta ce3 decaps)" 0

# An ICMP error from the server (port unreachable) goes back to the stock
# CE by the translated source port of the datagram it quotes, and
# conntrack hands it to the LAN host with the quote translated back.
nicmp() { ip netns exec lan nstat -az IcmpInDestUnreachs | awk '/IcmpInDestUnreachs/ {print $2}'; }
stats_snapshot br
rx0=$(tnl rx.packets)
in0=$(nicmp)
echo unreachable | ip netns exec lan nc -u -w 1 -p 41000 $SRV 5999 >/dev/null 2>&1
check_eq "br: a datagram to a closed port in, the ICMP error out" \
	"$(delta br decaps)/$(delta br encaps)/$(delta br icmp_decap_errors)" 1/1/0
check_eq "ip6tnl: the ICMP error received" "$(( $(tnl rx.packets) - rx0 ))" 1
check_eq "lan: the ICMP destination unreachable delivered" "$(( $(nicmp) - in0 ))" 1

# TCP both ways, 1 MB each, checksums; no drop anywhere.
stats_snapshot br
drops0=$(br_drops)
tnl0=$(ip -n owrt -j -s link show map-wan | jq -c '.[0].stats64')
ip netns exec lan nc -w 10 $SRV 5003 > "$tmp/down" < /dev/null
check_eq "lan: 1 MB TCP download intact" \
	"$(sha256sum < "$tmp/down")" "$(sha256sum < "$tmp/blob")"
rm -f "$tmp/up"
ip netns exec lan nc -N -w 10 $SRV 5002 < "$tmp/blob"
for _ in $(seq 20); do [ -f "$tmp/up" ] && break; sleep 0.25; done
check_eq "lan: 1 MB TCP upload intact" \
	"$(sha256sum < "$tmp/up" 2>/dev/null)" "$(sha256sum < "$tmp/blob")"
ports=$(nat_ports tcp 10.0.0.2)
in_range "$LO" "$HI" $ports
log_test $? "conntrack: TCP source ports translated into $LO-$HI ($(echo $ports))"
check_eq "br: no packet of the TCP flows dropped" "$(br_drops)" "$drops0"
# Packet for packet (GSO packets count once on both ends): what the tunnel
# sent the BR decapsulated, what the BR encapsulated the tunnel received.
tnl1=$(ip -n owrt -j -s link show map-wan | jq -c '.[0].stats64')
tnl_delta() { echo $(( $(jq ".$1" <<<"$tnl1") - $(jq ".$1" <<<"$tnl0") )); }
check_eq "br decaps/bytes = ip6tnl tx packets/bytes" \
	"$(delta br decaps)/$(delta br decap_bytes)" "$(tnl_delta tx.packets)/$(tnl_delta tx.bytes)"
check_eq "br encaps/bytes = ip6tnl rx packets/bytes" \
	"$(delta br encaps)/$(delta br encap_bytes)" "$(tnl_delta rx.packets)/$(tnl_delta rx.bytes)"

# Inbound: a port of the set forwarded to the LAN; a mape CE reaches it
# through the BR (no FMR on ce1: hairpin).
stats_snapshot br ce1
out=$(ip netns exec ce1 python3 "$dir/udp_echo.py" client $OWRT_V4 "$FWD" "$(port_of ce1 9 1)" 3)
log_test $? "ce1 (mape) -> $OWRT_V4:$FWD forwarded to lan:7000 ($out)"
check_eq "br: 3 requests + 3 replies decapsulated and encapsulated" \
	"$(delta br decaps)/$(delta br encaps)" 6/6
check_eq "ce1: 3 encaps, 3 decaps" "$(delta ce1 encaps)/$(delta ce1 decaps)" 3/3

# A second SNAT rule, misconfigured with the range of ce3's set: the BR
# drops what it translates, counted as spoofing.
check "nft: 10.0.0.3 translated into ce3's range $(port_of ce3 5 0)-$(port_of ce3 5 3)" \
	ip netns exec owrt nft insert rule ip mapnat srcnat oifname map-wan \
	ip saddr 10.0.0.3 meta l4proto icmp \
	snat to "$OWRT_V4:$(port_of ce3 5 0)-$(port_of ce3 5 3)"
stats_snapshot br ce3
srv_in0=$(ip netns exec srv nstat -az IcmpInEchos | awk '/IcmpInEchos/ {print $2}')
tx0=$(tnl tx.packets)
ip netns exec lan ping -c 3 -i 0.2 -W 1 -I 10.0.0.3 $SRV >/dev/null 2>&1
check_eq "ip6tnl: 3 sent" "$(( $(tnl tx.packets) - tx0 ))" 3
ids=$(nat_ports icmp 10.0.0.3)
in_range "$(port_of ce3 5 0)" "$(port_of ce3 5 3)" $ids
log_test $? "conntrack: identifier in ce3's range ($(echo $ids))"
check_eq "br: 3 decap_spoof" "$(delta br decap_spoof)" 3
check_eq "br: nothing decapsulated" "$(delta br decaps)" 0
check_eq "srv: no echo request arrived" \
	"$(ip netns exec srv nstat -az IcmpInEchos | awk '/IcmpInEchos/ {print $2}')" "$srv_in0"
check_eq "ce3: nothing" "$(delta ce3 decaps)" 0

# The stock CE itself, not translated: a source port of ce3's set, then
# one outside every set (A = 0).
stats_snapshot br
tx0=$(tnl tx.packets)
for sport in "$(port_of ce3 7 2)" 80; do
	echo spoof | ip netns exec owrt nc -u -w 1 -p "$sport" $SRV 5001 >/dev/null 2>&1
done
check_eq "ip6tnl: 2 datagrams sent from the CE itself" "$(( $(tnl tx.packets) - tx0 ))" 2
check_eq "br: both dropped as decap_spoof" "$(delta br decap_spoof)" 2
check_eq "br: nothing decapsulated, nothing sent back" \
	"$(delta br decaps)/$(delta br encaps)" 0/0

# And a source port of its own set from the CE itself works.
own=$(jq '.ports[6][0]' <<<"$calc")
out=$(ip netns exec owrt python3 "$dir/udp_echo.py" client $SRV 5001 "$own" 2)
log_test $? "stock CE itself from port $own of its set ($out)"

# Datagrams larger than the tunnel MTU (1460) travel as IPv4 fragments, of
# which only the first carries a port. RFC 7597 8.3.2 (after RFC 6346
# 5.3.3): the BR routes the others by its first fragment's decision
# (virtual reassembly, fragments.sh tests it in depth).
reasm() { ip netns exec "$1" nstat -az IpReasmOKs | awk '/IpReasmOKs/ {print $2}'; }
stats_snapshot br
r0=$(reasm srv)
head -c 3000 /dev/zero | ip netns exec lan nc -u -w 1 -p 42000 $SRV 5998 >/dev/null 2>&1
n=$(( $(reasm srv) - r0 ))
[ "$n" -eq 1 ] || printf '    srv reassembled %s datagrams; br: %s decaps, %s v4_fragment_drops\n' \
	"$n" "$(delta br decaps)" "$(delta br v4_fragment_drops)"
log_test $(( n != 1 )) "lan -> srv: a 3000-byte UDP datagram (IPv4 fragments) arrives"
stats_snapshot br
r0=$(reasm lan)
head -c 3000 /dev/zero | ip netns exec srv nc -u -w 1 -p 5997 $OWRT_V4 "$FWD" >/dev/null 2>&1
n=$(( $(reasm lan) - r0 ))
[ "$n" -eq 1 ] || printf '    lan reassembled %s datagrams; br: %s encaps, %s v4_fragment_drops\n' \
	"$n" "$(delta br encaps)" "$(delta br v4_fragment_drops)"
log_test $(( n != 1 )) "srv -> lan: a 3000-byte UDP datagram (IPv4 fragments) arrives (RFC 7597 8.3.2)"

ksft_exit
