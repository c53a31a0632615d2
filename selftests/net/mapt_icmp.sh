#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MAP-T (RFC 7599) ICMP through the domain of topo.sh in mode t: ICMPv6
# errors from routers of the IPv6 domain, which have no IPv4 name, reach
# the IPv4 end translated (RFC 7915 section 5.2) from RFC 7600's dummy
# address 192.0.0.8 (RFC 6791): time exceeded to a CE's ping with a small TTL,
# Packet Too Big as "fragmentation needed" with 20 bytes less, towards the
# server through the BR and towards a CE's own socket; traceroute through
# both translators. Runs in the VM.
#
#   [srv] ---- [br] ==to-br== [core] ==to-ce1== [ce1]

dir=$(dirname "$0")
source "$dir/../lib.sh"
MAPE_MODE=t
source "$dir/topo.sh"
require traceroute

cleanup() { topo_cleanup; }
trap cleanup EXIT

# sendbig NS DST PORT SPORT: one 1448-byte UDP datagram with DF set.
sendbig()
{
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 2)  # IP_MTU_DISCOVER: IP_PMTUDISC_DO
s.bind(("", int(sys.argv[3])))
try:
    s.sendto(b"x" * 1420, (sys.argv[1], int(sys.argv[2])))
except OSError:
    pass' "$2" "$3" "$4"
}

# route_mtu NS DST: the IPv4 path MTU NS has learned for DST, or "none".
route_mtu()
{
	ip -n "$1" route get "$2" | sed -n 's/.* mtu \([0-9]*\).*/\1/p' |
		grep . || echo none
}

check "domain built (mode t)" topo_setup || exit 1

# Time exceeded: ce1's TTL 2 lasts through core and ends at br's IPv6
# forwarding, whose ICMPv6 comes from an address outside the domain.
id=$(port_of ce1 6 1)
stats_snapshot ce1
out=$(ip netns exec ce1 ping -c 1 -t 2 -W 2 -e "$id" $SRV 2>&1)
check_eq "ce1: ping with TTL 2: time exceeded, from 192.0.0.8" \
	"$(grep -o 'From [0-9.]* icmp_seq=1 Time to live exceeded' <<<"$out")" \
	"From 192.0.0.8 icmp_seq=1 Time to live exceeded"
check_eq "ce1: the ICMPv6 error translated in (1 decap)" "$(delta ce1 decaps)" 1

# traceroute from the server to ce1, by UDP to a port of ce1's set: the
# BR's own IPv4 hop, then core and ce1's IPv6 forwarding, whose time
# exceeded errors come back through the BR from 192.0.0.8, then ce1. Each
# translator takes one off once (RFC 7915 section 5.1).
check_eq "srv: traceroute to ce1 through both translators" \
	"$(ip netns exec srv traceroute -n -U -p "$(port_of ce1 7 2)" -q 1 \
		-w 2 -m 6 "${CE_V4[ce1]}" 2>/dev/null |
		awk 'NR > 1 {print $2}' | paste -sd' ')" \
	"203.0.113.1 192.0.0.8 192.0.0.8 ${CE_V4[ce1]}"

# Packet Too Big towards the server: core's link to ce1 is 1400 bytes.
ip -n core link set to-ce1 mtu 1400
ip -n ce1 link set wan mtu 1400
stats_snapshot br
sendbig srv "${CE_V4[ce1]}" "$(port_of ce1 8 0)" 5000
sleep 1
check_eq "srv: fragmentation needed, 1400 - 20, learned for ce1's address" \
	"$(route_mtu srv "${CE_V4[ce1]}")" 1380
check_eq "br: the Packet Too Big translated (1 decap)" "$(delta br decaps)" 1

# And towards ce1's own socket: core's link to br is 1400 bytes now.
ip -n core link set to-ce1 mtu 1500
ip -n ce1 link set wan mtu 1500
ip -n core link set to-br mtu 1400
ip -n br link set wan mtu 1400
sendbig ce1 $SRV 9 "$(port_of ce1 8 1)"
sleep 1
check_eq "ce1: fragmentation needed, 1380, learned for the server" \
	"$(route_mtu ce1 $SRV)" 1380

ksft_exit
