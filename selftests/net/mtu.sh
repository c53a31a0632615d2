#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MTU and ICMP errors through the domain: the device MTU follows the
# underlay; ICMPv6 errors from a router of the IPv6 domain reach the IPv4
# sender as the matching ICMPv4 error (RFC 2473 section 8), Packet Too Big
# as "fragmentation needed" with the tunnel's MTU; TCP completes over a
# smaller underlay MTU by path MTU discovery through that relay; DF-clear
# packets too big for the path are fragmented outside (RFC 2473 7.2) or
# inside (frag inner); outer IPv6 fragments are reassembled and counted.
#
#   [srv] ---- [br] ==to-br== [core] ==to-ce1== [ce1]   (core: the router
#                                                         with small links)

dir=$(dirname "$0")
source "$dir/../lib.sh"
source "$dir/topo.sh"

tmp=$(mktemp -d)
pids=
cleanup()
{
	[ -n "$pids" ] && kill $pids 2>/dev/null
	topo_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
check "domain built" topo_setup || exit 1
# ICMP rate limits would make the counts below depend on timing.
ip netns exec br sysctl -qw net.ipv4.icmp_ratelimit=0
ip netns exec core sysctl -qw net.ipv6.icmp.ratelimit=0
ip netns exec ce1 sysctl -qw net.ipv4.icmp_ratelimit=0

CE1=$(ce_map_addr ce1)
mtu_of() { ip -n "$1" -j link show dev "$2" | jq '.[0].mtu'; }
P1=$(port_of ce1 7 1)		# a port of ce1's set
# icmp NS ADDR PORT SPORT SIZE [df|nodf]: the ICMP error the sender gets.
icmp() { ip netns exec "$1" python3 "$dir/icmp_err.py" "${@:2}"; }

# 1. The device MTU follows the underlay.
check_eq "ce1: mape0 MTU from the route to the BR (1500 - 40)" "$(mtu_of ce1 mape0)" 1460
ip -n ce1 link set wan mtu 1400
check_eq "ce1: follows its underlay down to 1400 - 40" "$(mtu_of ce1 mape0)" 1360
ip -n ce1 link set wan mtu 1500
check_eq "ce1: and back up" "$(mtu_of ce1 mape0)" 1460
ip -n br link add m2 type mape role br br-addr 2001:db8:ffff::2 dev wan encaplimit 4
check_eq "br: with dev and an encaplimit, 1500 - 48" "$(mtu_of br m2)" 1452
ip -n br link set wan mtu 1480
check_eq "br: follows its dev" "$(mtu_of br m2)" 1432
ip -n br link set m2 mtu 1300
ip -n br link set wan mtu 1500
check_eq "br: an MTU set by hand stays" "$(mtu_of br m2)" 1300
ip -n br link add m3 type mape role br br-addr 2001:db8:ffff::3 mtu-v6 1400
check_eq "br: mtu-v6 1400 gives 1360" "$(mtu_of br m3)" 1360
check_eq "br: ip -d shows it back" \
	"$(ip -n br -d -j link show dev m3 | jq -r '.[0].linkinfo.info_data | "\(.mtu_v6) \(.frag) \(.v4_reassembly) \(.frag_entries)"')" \
	"1400 outer off 4096"
check_fail "br: mtu-v6 below 1280 refused" "mtu-v6" ip -n br link set m3 type mape mtu-v6 1000
# With no dev and no mtu-v6, a BR's underlay is 1500 bytes.
ip -n br link set m3 type mape mtu-v6 none
check_eq "br: mtu-v6 none: back to 1500 - 40" "$(mtu_of br m3)" 1460
ip -n br link set m3 type mape encaplimit 4
check_eq "br: an encaplimit: 1500 - 48" "$(mtu_of br m3)" 1452
ip -n br link del m2
ip -n br link del m3

# A link in the middle with a smaller MTU at both ends (veth drops what is
# bigger than its peer's MTU): the first hop is fine, the core answers
# Packet Too Big. link_mtu NS DEV PEER_NS PEER_DEV MTU.
link_mtu() { ip -n "$1" link set "$2" mtu "$5"; ip -n "$3" link set "$4" mtu "$5"; }

# 2. Packet Too Big from the core, BR to CE: the server learns 1400 - 40.
link_mtu core to-ce1 ce1 wan 1400
check_eq "ce1: mape0 follows its 1400-byte wan" "$(mtu_of ce1 mape0)" 1360
stats_snapshot br
out=$(icmp srv 192.0.2.18 "$P1" 9000 1420 df)
check_eq "srv -> ce1, 1448 B with DF: the server hears" "$out" "icmp 3 4 1360 203.0.113.1"
check_eq "br: one ICMPv6 error relayed" "$(delta br icmp_relayed)" 1
check "br: IPv6 path MTU to ce1 lowered" \
	sh -c "ip -n br -6 route get $CE1 | grep -q 'mtu 1400'"
stats_snapshot br
out=$(icmp srv 192.0.2.18 "$P1" 9000 1420 df)
check_eq "srv -> ce1 again: now the BR answers itself" "$out" "icmp 3 4 1360 203.0.113.1"
check_eq "br: counted as an MTU error, nothing relayed" \
	"$(delta br v6_mtu_errors)/$(delta br icmp_relayed)" 1/0

# 3. The same, CE to BR: the CE's own socket learns it.
link_mtu core to-ce1 ce1 wan 1500
link_mtu core to-br br wan 1400
stats_snapshot ce1
out=$(icmp ce1 $SRV 9 "$P1" 1420 df)
check_eq "ce1 -> srv, 1448 B with DF: ce1's socket hears" "${out% *}" "icmp 3 4 1360"
check_eq "ce1: one ICMPv6 error relayed" "$(delta ce1 icmp_relayed)" 1
check "ce1: IPv4 path MTU to srv is 1360" \
	sh -c "ip -n ce1 route get $SRV | grep -q 'mtu 1360'"
# The device follows its underlay's MTU, not a path MTU learned from a
# Packet Too Big (anyone on the path may send one; at 1280 it would take
# mape0 below IPv6's minimum, and the MAP address off it): an MTU event
# now leaves mape0 where wan puts it.
check "ce1: IPv6 path MTU to the BR learned (1400)" \
	sh -c "ip -n ce1 -6 route get $BR_ADDR | grep -q 'mtu 1400'"
ip -n ce1 link add mtuev type dummy
ip -n ce1 link set mtuev mtu 1400
check_eq "ce1: an MTU event after it: mape0 stays at wan's 1500 - 40" \
	"$(mtu_of ce1 mape0)" 1460
ip -n ce1 link del mtuev

# 4. TCP both ways over a 1400-byte link between core and ce1: the
# server's 1460-byte segments need path MTU discovery through the BR's
# relay; ce1's follow its device MTU.
link_mtu core to-br br wan 1500
link_mtu core to-ce1 ce1 wan 1400
# Pinned above the path, so that ce1 offers an MSS the path cannot carry.
ip -n ce1 link set mape0 type mape mtu 1460
ip -n ce1 route flush cache
ip -n srv route flush cache; ip -n ce1 route flush cache
ip -n br -6 route flush cache
head -c 1000000 /dev/urandom > "$tmp/blob"
ip netns exec srv python3 "$dir/tcp_blob.py" 5003 "$tmp/blob" &
pids+=" $!"
ip netns exec ce1 python3 "$dir/tcp_blob.py" "$(port_of ce1 8 2)" "$tmp/blob" &
pids+=" $!"
listening srv tcp 5003 && listening ce1 tcp "$(port_of ce1 8 2)"
stats_snapshot br
ip netns exec ce1 timeout 60 nc -p "$(port_of ce1 40 0)" $SRV 5003 > "$tmp/d1" < /dev/null
check_eq "ce1 <- srv: 1 MB TCP over the 1400-byte core intact" \
	"$(sha256sum < "$tmp/d1")" "$(sha256sum < "$tmp/blob")"
ip netns exec srv timeout 60 nc 192.0.2.18 "$(port_of ce1 8 2)" > "$tmp/d2" < /dev/null
check_eq "srv <- ce1: 1 MB TCP the other way intact" \
	"$(sha256sum < "$tmp/d2")" "$(sha256sum < "$tmp/blob")"
check "br: Packet Too Big relayed to the server on the way" \
	test "$(delta br icmp_relayed)" -ge 1

# 5. DF clear, too big for the path: outer fragments by default. The
# senders must not know the path MTU, or they would fragment first.
ip netns exec ce1 python3 "$dir/udp_echo.py" server "$P1" nodf &
pids+=" $!"
listening ce1 udp "$P1"
ip -n srv route flush cache; ip -n ce1 route flush cache
stats_snapshot br ce1
out=$(ip netns exec srv python3 "$dir/fragments.py" echo 192.0.2.18 "$P1" 9001 1400 2>&1)
log_test $? "srv <-> ce1: 1400 B UDP, DF clear, over a 1360 path ($out)"
check_eq "br: sent as outer IPv6 fragments" "$(delta br v6_fragmented)" 1
check_eq "ce1: the kernel reassembled them before mape" "$(delta ce1 v6_reassembled)" 1
check_eq "ce1: its answer went as outer fragments too" "$(delta ce1 v6_fragmented)" 1
check_eq "br: and was reassembled" "$(delta br v6_reassembled)" 1

# ... or inner (IPv4) fragments: no IPv6 fragment crosses.
ip -n br link set mape0 type mape frag inner
ip -n ce1 link set mape0 type mape frag inner
ip -n srv route flush cache; ip -n ce1 route flush cache
stats_snapshot br ce1
out=$(ip netns exec srv python3 "$dir/fragments.py" echo 192.0.2.18 "$P1" 9001 1400 2>&1)
log_test $? "frag inner: the same datagram crosses ($out)"
check_eq "br: fragmented as IPv4, once" "$(delta br v4_fragmented)/$(delta br v6_fragmented)" 1/0
check_eq "br: two encapsulated fragments" "$(delta br encaps)" 2
check_eq "ce1: no outer fragment came" "$(delta ce1 v6_reassembled)" 0
check_eq "ce1: answered in IPv4 fragments" "$(delta ce1 v4_fragmented)/$(delta ce1 encaps)" 1/2
check_eq "br: no outer fragment came back" "$(delta br v6_reassembled)" 0

# mtu-v6 caps the outer packets below the path: 1320 - 40 = 1280 left.
# The device MTU is pinned, or it would follow mtu-v6 down to 1280 and
# the IPv4 layer would fragment first.
ip -n br link set mape0 type mape mtu 1460
ip -n br link set mape0 type mape frag outer mtu-v6 1320
ip -n ce1 link set mape0 type mape frag outer
check_eq "br: an MTU set by hand does not follow mtu-v6" "$(mtu_of br mape0)" 1460
ip -n srv route flush cache; ip -n ce1 route flush cache
stats_snapshot br
out=$(ip netns exec srv python3 "$dir/fragments.py" echo 192.0.2.18 "$P1" 9001 1300 2>&1)
log_test $? "mtu-v6 1320: 1300 B UDP crosses in outer fragments ($out)"
check_eq "br: fragmented for mtu-v6" "$(delta br v6_fragmented)" 1
out=$(icmp srv 192.0.2.18 "$P1" 9002 1300 df)
check_eq "br: with DF, the server hears mtu-v6 - 40" "$out" "icmp 3 4 1280 203.0.113.1"
ip -n br link set mape0 type mape mtu-v6 none

# 6. Time Exceeded and Destination Unreachable from the core.
ip -n br link set mape0 type mape hoplimit 1
out=$(icmp srv 192.0.2.18 "$P1" 9003 100 nodf)
check_eq "hop limit exhausted in the core: ICMPv4 time exceeded" "$out" "icmp 11 0 0 203.0.113.1"
ip -n br link set mape0 type mape hoplimit 64
# PSID 0x77 is nobody's: the core has no route to its MAP address.
stats_snapshot br
out=$(icmp srv 192.0.2.18 $(( (7 << 10) | (0x77 << 2) )) 9004 100 nodf)
check_eq "no route in the core: ICMPv4 host unreachable" "$out" "icmp 3 1 0 203.0.113.1"
check_eq "br: both relayed" "$(delta br icmp_relayed)" 1

# 7. A forged Packet Too Big about a packet the BR never sent (its inner
# destination is ce3's address, its outer one ce1's) is not relayed.
stats_snapshot br
ip netns exec core python3 - "$CE1" <<'EOF'
import logging
import sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IPv6, ICMPv6PacketTooBig, IP, UDP, send, conf
conf.verb = 0
inner = IPv6(src="2001:db8:ffff::1", dst=sys.argv[1], hlim=63) / \
    IP(src="203.0.113.2", dst="192.0.2.19", flags="DF") / UDP(sport=9, dport=1234) / (b"x" * 100)
send(IPv6(src="2001:db8:f0:1::1", dst="2001:db8:ffff::1") /
     ICMPv6PacketTooBig(mtu=1280) / inner, iface="to-br")
EOF
sleep 0.5
check_eq "forged PTB: dropped, counted, not relayed" \
	"$(delta br icmp_decap_errors)/$(delta br icmp_relayed)" 1/0

# 8. A Packet Too Big with an MTU beyond 16 bits (a jumbogram path, or a
# lie) about a packet the BR did send: the server hears Fragmentation
# Needed with 65535, the most its 16-bit field holds, and the unused half
# of the word zero (RFC 1191).
stats_snapshot br
ip netns exec srv python3 - >"$tmp/fragneeded" <<'EOF' &
import socket
import struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
# The sender first imports scapy: 5-15 s under TCG, more on a busy host.
s.settimeout(90)
print("ready", flush=True)
while True:
    pkt = s.recv(2048)
    icmp = pkt[(pkt[0] & 15) * 4:]
    if icmp[0] == 3 and icmp[1] == 4:
        print("unused %d mtu %d" % struct.unpack_from("!HH", icmp, 4))
        break
EOF
listener=$!
for _ in $(seq 100); do grep -q ready "$tmp/fragneeded" && break; sleep 0.1; done
ip netns exec core python3 - "$CE1" "$P1" <<'EOF'
import logging
import sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IPv6, ICMPv6PacketTooBig, IP, UDP, send, conf
conf.verb = 0
inner = IPv6(src="2001:db8:ffff::1", dst=sys.argv[1], hlim=63) / \
    IP(src="203.0.113.2", dst="192.0.2.18", flags="DF") / \
    UDP(sport=9, dport=int(sys.argv[2])) / (b"x" * 100)
send(IPv6(src="2001:db8:f0:1::1", dst="2001:db8:ffff::1") /
     ICMPv6PacketTooBig(mtu=70000) / inner, iface="to-br")
EOF
wait $listener
check_eq "PTB of 70000: relayed as Fragmentation Needed, MTU 65535" \
	"$(sed -n 2p "$tmp/fragneeded")/$(delta br icmp_relayed)" "unused 0 mtu 65535/1"

ksft_exit
