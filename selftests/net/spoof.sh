#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Anti-spoofing (RFC 7597 section 8.1) with crafted packets from an
# attacker in the IPv6 underlay (the core router): each is dropped, counted
# under its reason, and nothing reaches the IPv4 side.
#
#   [srv] ---- [br] ---- [core: scapy sends forged IPv4-in-IPv6] ---- [ce1] [ce2] [ce3]

dir=$(dirname "$0")
source "$dir/../lib.sh"
source "$dir/topo.sh"

trap topo_cleanup EXIT
check "domain built" topo_setup || exit 1

CE1=$(ce_map_addr ce1)
CE3=$(ce_map_addr ce3)
rx() { ip -n "$1" -j -s link show "$2" | jq '.[0].stats64.rx.packets'; }
# IPv4 packets the server took in (its link also carries IPv6 chatter).
srv_in() { ip netns exec srv nstat -az IpInReceives | awk '/IpInReceives/ {print $2}'; }

# The server holds ce1's lone first fragment below for the whole test: its
# "reassembly time exceeded" would reach ce1 as one more decapsulation
# when a slow (debug) kernel takes longer than the default 30 s.
ip netns exec srv sysctl -qw net.ipv4.ipfrag_time=600
srv_rx=$(srv_in)
ce1_rx=$(rx ce1 mape0)
stats_snapshot br ce1
drop_reasons_start

ip netns exec core python3 "$dir/spoof.py" <<EOF
udp $CE1 $BR_ADDR 192.0.2.19 $SRV $(port_of ce3 5 0) 53
udp $CE1 $BR_ADDR 192.0.2.18 $SRV $(port_of ce2 5 0) 53
udp 2001:db8:f0:1::1 $BR_ADDR 192.0.2.18 $SRV $(port_of ce1 5 0) 53
gre $CE1 $BR_ADDR 192.0.2.18 $SRV
short $CE1 $BR_ADDR 192.0.2.18 $SRV
udp $BR_ADDR $CE1 $SRV 192.0.2.19 53 $(port_of ce1 5 0)
udp $BR_ADDR $CE1 $SRV 192.0.2.18 53 $(port_of ce2 5 0)
udp $CE3 $CE1 192.0.2.19 192.0.2.18 $(port_of ce3 5 0) $(port_of ce1 5 0)
udp 2001:db8:f0:1::1 $CE1 $SRV 192.0.2.18 53 $(port_of ce1 5 0)
EOF
log_test $? "forged packets sent (scapy)"

# To the BR: an inner source of another CE (ce3) from ce1's address; an
# inner source port of ce2's set from ce1's address; an outer source
# outside every rule.
check_eq "br: 3 spoofed sources dropped" "$(delta br decap_spoof)" 3
check_eq "br: a protocol without ports on a shared address" \
	"$(delta br unsupported_protocol)" 1
check_eq "br: a truncated inner header" "$(delta br header_errors)" 1
check_eq "br: nothing decapsulated" "$(delta br decaps)" 0
check_eq "srv: nothing delivered" "$(srv_in)" "$srv_rx"

# To ce1: an inner destination not its address; a port outside its set;
# a peer CE without an FMR; a source neither the BR nor a CE.
check_eq "ce1: inner destination not its address" "$(delta ce1 decap_wrong_dst)" 1
check_eq "ce1: inner destination port outside its set" "$(delta ce1 port_set)" 1
check_eq "ce1: a peer without FMR, an unknown source" "$(delta ce1 decap_spoof)" 2
check_eq "ce1: nothing decapsulated" "$(delta ce1 decaps)" 0
check_eq "ce1: nothing delivered" "$(rx ce1 mape0)" "$ce1_rx"
check_eq "ce1: 4 rx errors" "$(ip -n ce1 -j -s link show mape0 | jq '.[0].stats64.rx.errors')" 4

# What a drop monitor (dropwatch, perf, the skb:kfree_skb tracepoint) is
# told for each, apart from the IPv6 chatter the devices refuse
# (UNHANDLED_PROTO): the core's reason nearest to each counter, and no
# packet freed as dropped that was not. The BR's ICMPv6 errors about the
# spoofed packets reach ce1, which refuses to relay them
# (icmp_decap_errors, NOT_SPECIFIED like port_set); how many the BR sends
# is up to its ICMPv6 rate limit.
unspec=$(( $(delta ce1 port_set) + $(delta ce1 icmp_decap_errors) + $(delta br icmp_decap_errors) ))
check_eq "drop reasons: spoofed, no ports, header, not ours, the rest" \
	"$(drop_reasons | grep -v UNHANDLED_PROTO | tr '\n' ' ')" \
	"IP_INHDR 1 IP_NOPROTO 1 IP_RPFILTER 5 NOT_SPECIFIED $unspec OTHERHOST 1 "

# RFC 7597 section 8.1 policy failures earn an ICMPv6 error, a first
# fragment's too (it carries the port); a later fragment bound to another
# CE's first one (section 8.3.2) is dropped as spoofed without one.
icmp6_unreach() { ip netns exec br nstat -az Icmp6OutDestUnreachs | awk '/Icmp6/ {print $2}'; }
p1=$(port_of ce1 6 1)
stats_snapshot br
u0=$(icmp6_unreach)
ip netns exec core python3 "$dir/spoof.py" <<EOF
first $CE1 $BR_ADDR 192.0.2.18 $SRV $p1 53 4242
later $CE3 $BR_ADDR 192.0.2.18 $SRV 0 0 4242
EOF
log_test $? "ce1's first fragment, a later one from ce3's address (scapy)"
check_eq "br: the first decapsulated, the later one dropped as spoofed" \
	"$(delta br decaps)/$(delta br decap_spoof)" 1/1
check_eq "br: no ICMPv6 error for the fragment" "$(( $(icmp6_unreach) - u0 ))" 0
echo "first $CE3 $BR_ADDR 192.0.2.18 $SRV $p1 53 4243" |
	ip netns exec core python3 "$dir/spoof.py"
check_eq "br: a spoofed first fragment (it has its port) earns one" \
	"$(delta br decap_spoof)/$(( $(icmp6_unreach) - u0 ))" 2/1

# The genuine article still passes.
echo "udp $BR_ADDR $CE1 $SRV 192.0.2.18 53 $(port_of ce1 5 0)" |
	ip netns exec core python3 "$dir/spoof.py"
check_eq "ce1: a genuine packet from the BR is decapsulated" "$(delta ce1 decaps)" 1

ksft_exit
