#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MAP-T anti-spoofing (RFC 7599 section 5, with RFC 7597 section 8.1's
# checks) with crafted IPv6 from an attacker in the underlay (the core
# router): a source port outside the set its address names, an interface
# identifier naming another IPv4 address, a source in no rule are dropped
# and counted on the BR, which tells the source (ICMPv6 1/5); a CE drops
# what is not for its ports, comes from a CE without an FMR, or names its
# own IPv4 address as the source (its accept_local is on). A genuine
# datagram passes. Runs in the VM.

dir=$(dirname "$0")
source "$dir/../lib.sh"
MAPE_MODE=t
source "$dir/topo.sh"
trap topo_cleanup EXIT

check "domain built (mode t)" topo_setup || exit 1
CE1=$(ce_map_addr ce1)
CE3=$(ce_map_addr ce3)
# The server in the DMR (RFC 6052, /64): 203.0.113.2 after the u octet.
SRV6=2001:db8:ffff:0:cb:71:200:0
# ce1's own IPv4 address (192.0.2.18) in the DMR, as a source.
CE1_SELF6=2001:db8:ffff:0:c0:2:1200:0
# ce1's prefix, the interface identifier naming 192.0.2.19 instead.
CE1_AS_19=2001:db8:112:3400:0:c000:213:34
icmp6_unreach() { ip netns exec br nstat -az Icmp6OutDestUnreachs | awk '/Icmp6/ {print $2}'; }

stats_snapshot br ce1
u0=$(icmp6_unreach)
ip netns exec core python3 "$dir/spoof.py" <<EOF
t-udp $CE1 $SRV6 - - $(port_of ce2 5 0) 53
t-udp $CE1_AS_19 $SRV6 - - $(port_of ce1 5 0) 53
t-udp 2001:db8:f0:1::1 $SRV6 - - $(port_of ce1 5 0) 53
t-udp $SRV6 $CE1 - - 53 $(port_of ce2 5 0)
t-udp $CE3 $CE1 - - $(port_of ce3 5 0) $(port_of ce1 5 0)
t-udp $CE1_SELF6 $CE1 - - 53 $(port_of ce1 5 0)
EOF
log_test $? "forged packets sent (scapy)"
check_eq "br: a port of ce2's set, another IPv4 in the interface id, no rule" \
	"$(delta br decap_spoof)" 3
check "br: told the source (ICMPv6 destination unreachable, policy)" \
	test "$(( $(icmp6_unreach) - u0 ))" -ge 1
check_eq "br: nothing translated" "$(delta br decaps)" 0
check_eq "ce1: a port outside its set" "$(delta ce1 port_set)" 1
check_eq "ce1: a peer without an FMR, its own address from the DMR" \
	"$(delta ce1 decap_spoof)" 2
check_eq "ce1: nothing translated" "$(delta ce1 decaps)" 0

# The genuine article passes.
stats_snapshot br ce1
ip netns exec core python3 "$dir/spoof.py" <<EOF
t-udp $CE1 $SRV6 - - $(port_of ce1 5 0) 53
t-udp $SRV6 $CE1 - - 53 $(port_of ce1 5 0)
EOF
# Each is translated, and so is the port unreachable that the other end
# (no one listens) sends back through the domain.
check_eq "br, ce1: a genuine datagram each, and the other's ICMP error" \
	"$(delta br decaps)/$(delta ce1 decaps)" 2/2

ksft_exit
