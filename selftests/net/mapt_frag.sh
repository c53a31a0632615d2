#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MAP-T (RFC 7599) fragments through the domain of topo.sh in mode t: UDP
# datagrams of 1500, 4000 and 16000 bytes, DF clear, echoed between each
# CE and the server. IPv4 fragments cross as IPv6 ones with a Fragment
# header (RFC 7915 sections 4.1, 5.1; identification's low 16 bits, M,
# offset); the non-first ones, without a port, follow their first fragment
# on both roles (virtual reassembly, as in mode e); the receiving hosts
# reassemble. ICMP echo of 4000 and 9000 bytes both ways: ICMP is
# translated only whole (its ICMPv6 checksum covers the message's length,
# RFC 7915 sections 4.2, 5.2), so each translator reassembles the IPv4 or
# IPv6 fragments it receives and the translated message leaves in
# fragments again. Out of order, the first fragment last: IPv4 fragments
# into each translator (raw sockets) and IPv6 ones from the core (scapy),
# UDP and ICMP. Runs in the VM.

dir=$(dirname "$0")
source "$dir/../lib.sh"
MAPE_MODE=t
source "$dir/topo.sh"

tmp=$(mktemp -d)
pids=
cleanup()
{
	# shellcheck disable=SC2086 # a list of pids
	kill $pids 2>/dev/null
	topo_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT

check "domain built (mode t)" topo_setup || exit 1

ip netns exec srv python3 "$dir/udp_echo.py" server 7000 nodf &
pids+=" $!"
sleep 1
ip netns exec core timeout 60 tcpdump -n -l -i to-ce1 \
	'ip6 and ip6[6] == 44' > "$tmp/wire" 2>/dev/null &
pids+=" $!"
sleep 1
stats_snapshot br ce1 ce2 ce3
for ce in ce1 ce2 ce3; do
	out=$(ip netns exec $ce python3 "$dir/fragments.py" echo $SRV 7000 \
		"$(port_of $ce 5 1)" 1500 4000 16000)
	log_test $? "$ce <-> srv: UDP 1500, 4000, 16000 bytes, DF clear ($out)"
done
# 1500, 4000 and 16000 bytes leave a CE as 2 + 3 + 12 IPv4 fragments
# (mape0's MTU is the wan's 1500), each then small enough with its
# Fragment header; the server's echo comes as 2 + 3 + 11 for its own 1500,
# which fit through the BR as they are.
check "br: the non-first fragments followed their first" \
	test "$(delta br v4_reassembled)" -ge $((3 * (14 + 13)))
check_eq "CEs and BR: nothing dropped as spoofed or for the port set" \
	"$(for ce in ce1 ce2 ce3 br; do echo "$(delta $ce decap_spoof)$(delta $ce port_set)"; done | paste -sd' ')" \
	"00 00 00 00"
sleep 1
check "core: IPv6 Fragment headers to and from ce1" \
	test "$(grep -c 'frag (' "$tmp/wire")" -ge 20

# bigping NS DST ID SIZE: one echo of SIZE bytes, DF clear, answered.
bigping()
{
	ip netns exec "$1" ping -q -c 1 -W 3 -M dont -e "$3" -s "$4" "$2" \
		>/dev/null 2>&1
}

stats_snapshot br ce1
j=0
for size in 4000 9000; do
	check "ce1 -> srv: ping of $size bytes, fragmented both ways" \
		bigping ce1 $SRV "$(port_of ce1 9 $j)" "$size"
	check "srv -> ce1: ping of $size bytes, fragmented both ways" \
		bigping srv "${CE_V4[ce1]}" "$(port_of ce1 10 $j)" "$size"
	j=$((j + 1))
done
check_eq "br and ce1: each echo reassembled from IPv4 (v4_reassembled)" \
	"$(delta br v4_reassembled) $(delta ce1 v4_reassembled)" "4 4"
check_eq "br and ce1: and from IPv6 (v6_reassembled)" \
	"$(delta br v6_reassembled) $(delta ce1 v6_reassembled)" "4 4"
check_eq "br and ce1: translated whole, cut by IPv6 (v6_fragmented)" \
	"$(delta br v6_fragmented) $(delta ce1 v6_fragmented)" "4 4"
check_eq "br and ce1: no ICMP fragment refused, none lost" \
	"$(delta br xlat_icmp_fragments)$(delta ce1 xlat_icmp_fragments) $(delta br v6_fragment_drops)$(delta ce1 v6_fragment_drops)" \
	"00 00"

# nstat_of NS COUNTER: a SNMP counter of NS, absolute.
nstat_of()
{
	ip netns exec "$1" nstat -az "$2" | awk -v c="$2" '$1 == c {print $2}'
}

# Out of order, the first fragment last. IPv4: the server to a listener
# on ce1, ce1 to the server's, each echoed back.
ip netns exec ce1 python3 "$dir/udp_echo.py" server "$(port_of ce1 11 3)" nodf &
pids+=" $!"
sleep 1
stats_snapshot br ce1
out=$(ip netns exec srv python3 "$dir/fragments.py" rawecho $SRV \
	"${CE_V4[ce1]}" "$(port_of ce1 11 3)" 7100 4000 rev)
log_test $? "srv -> ce1: UDP 4000 bytes in IPv4 fragments, first last ($out)"
out=$(ip netns exec ce1 python3 "$dir/fragments.py" rawecho "${CE_V4[ce1]}" \
	$SRV 7000 "$(port_of ce1 11 2)" 4000 rev)
log_test $? "ce1 -> srv: UDP 4000 bytes in IPv4 fragments, first last ($out)"
# A CE translates every fragment as it comes, to the DMR; the BR needs
# the first one's port, IPv4 from the server to find the CE, IPv6 from ce1
# to check its source.
check_eq "br: each way the 2 later fragments waited for their first one" \
	"$(delta br v4_fragments_released)" 4

# IPv6 from the core: UDP to the server's echo and to a port of ce1's
# without a listener, an ICMPv6 echo to the server.
CE1=$(ce_map_addr ce1)
SRV6=2001:db8:ffff:0:cb:71:200:0	# 203.0.113.2 in the DMR (RFC 6052, /64)
stats_snapshot br ce1
u0=$(nstat_of srv UdpInDatagrams)
e0=$(nstat_of srv IcmpInEchos)
n0=$(nstat_of ce1 UdpNoPorts)
ip netns exec core python3 "$dir/spoof.py" <<EOF
t-udp-rev $CE1 $SRV6 - - $(port_of ce1 12 0) 7000 3000
t-echo-rev $CE1 $SRV6 - - $(port_of ce1 12 1) 1 3000
t-udp-rev $SRV6 $CE1 - - 53 $(port_of ce1 12 2) 3000
EOF
log_test $? "core: IPv6 fragments sent first last (scapy)"
sleep 1
check_eq "srv: the UDP datagram and the echo request arrived whole" \
	"$(( $(nstat_of srv UdpInDatagrams) - u0 )) $(( $(nstat_of srv IcmpInEchos) - e0 ))" \
	"1 1"
check_eq "ce1: its UDP datagram arrived whole, and the server's echo (no listener)" \
	"$(( $(nstat_of ce1 UdpNoPorts) - n0 ))" 2
check_eq "br: the echo gathered (v6_reassembled), UDP fragments released" \
	"$(delta br v6_reassembled) $(test "$(delta br v4_fragments_released)" -ge 2 && echo ok)" \
	"1 ok"

ksft_exit
