#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MAP-T (RFC 7599) ICMP through the domain of topo.sh in mode t: ICMPv6
# errors from routers of the IPv6 domain, which have no IPv4 name, reach
# the IPv4 end translated (RFC 7915 section 5.2) from the device's RFC 6791
# source (its own address by default, icmp-src, RFC 7600's 192.0.0.8 as
# one): time exceeded to a CE's ping with a small TTL,
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
# Every probe here expects its error: no host's rate limit may eat one
# (ce1's port unreachables to the server's traceroutes were seen to).
for ns in srv br core ce1; do
	ip netns exec $ns sysctl -qw net.ipv4.icmp_ratelimit=0 \
		net.ipv6.icmp.ratelimit=0
done

# ttl2 ICMP_ID: the source of the time exceeded ce1's ping to the server
# with TTL 2 gets: it lasts through core and ends at br's IPv6
# forwarding, whose ICMPv6 comes from an address outside the domain.
ttl2()
{
	ip netns exec ce1 ping -c 1 -t 2 -W 2 -e "$1" $SRV 2>&1 |
		sed -n 's/^From \([0-9.]*\) icmp_seq=1 Time to live exceeded$/\1/p'
}

# trace: the hops of a traceroute from the server to ce1, by UDP to a
# port of ce1's set: the BR's own IPv4 hop, then core and ce1's IPv6
# forwarding, whose time exceeded errors come back through the BR, then
# ce1. Each translator takes one off once (RFC 7915 section 5.1).
trace()
{
	ip netns exec srv traceroute -n -U -p "$(port_of ce1 7 2)" -q 1 \
		-w 2 -m 6 "${CE_V4[ce1]}" 2>/dev/null |
		awk 'NR > 1 {print $2}' | paste -sd' '
}

stats_snapshot ce1
check_eq "ce1: ping with TTL 2: time exceeded from the device's own address" \
	"$(ttl2 "$(port_of ce1 6 1)")" "${CE_V4[ce1]}"
check_eq "ce1: the ICMPv6 error translated in (1 decap)" "$(delta ce1 decaps)" 1
check "ce1: icmp-src 192.0.0.8 (RFC 7600's dummy)" \
	ip -n ce1 link set mape0 type mape icmp-src 192.0.0.8
check_eq "ce1: time exceeded from 192.0.0.8 then" \
	"$(ttl2 "$(port_of ce1 6 2)")" 192.0.0.8

check_eq "srv: traceroute to ce1 through both translators: the BR's own address" \
	"$(trace)" "203.0.113.1 203.0.113.1 203.0.113.1 ${CE_V4[ce1]}"
check "br: icmp-src 198.51.100.1, an address not the host's" \
	ip -n br link set mape0 type mape icmp-src 198.51.100.1
check_eq "srv: traceroute: the domain's routers from 198.51.100.1" \
	"$(trace)" "203.0.113.1 198.51.100.1 198.51.100.1 ${CE_V4[ce1]}"
check "br: accept_local off" \
	ip netns exec br sysctl -qw net.ipv4.conf.mape0.accept_local=0
check "br: icmp-src auto again" ip -n br link set mape0 type mape icmp-src auto
check_eq "srv: traceroute: then the host's own source is a martian, dropped" \
	"$(trace)" "203.0.113.1 * * ${CE_V4[ce1]}"
ip netns exec br sysctl -qw net.ipv4.conf.mape0.accept_local=1

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
