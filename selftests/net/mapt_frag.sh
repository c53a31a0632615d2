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
# fragments again. Runs in the VM.

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

ksft_exit
