#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Mode t byte by byte against the RFCs: crafted packets (scapy) into a
# BR and a CE built with RFC 7599 appendix A's rules, what leaves the other
# side compared field by field with what RFC 7599 appendix A, RFC 7915
# sections 4 and 5, RFC 6052 and RFC 6791 say (mapt_rfc.py, which holds
# the expectations and cites them). Runs in the VM.
#
#      b4 +---------+ b6                  c6 +---------+ c4
#   [t]---| v4  br wan|---[t]          [t]---|wan  ce lan|---[t]
#         +---------+                        +---------+
#   203.0.113.0/24  2001:db8:fe00:1::/64   2001:db8:fe00:2::/64  198.51.100.0/24
#
# One tester namespace, t, holds the far end of all four links and speaks
# raw Ethernet on them; the translators reach it through permanent
# neighbour entries, so nothing but the packets under test crosses.
#
# The rules are appendix A's exactly: BMR/FMR 2001:db8::/40, 192.0.2.0/24,
# EA-bits 16, PSID offset 6; DMR 2001:db8:ffff::/64; the CE's end-user
# prefix 2001:db8:12:3400::/56 (192.0.2.18, PSID 0x34). The CE routes
# 192.0.2.18 on to its LAN so that its IPv4 side can be watched. 10.2.3.4,
# appendix A's IPv4 host, is the one address here outside the
# documentation ranges: the RFC's text is the oracle.

dir=$(cd "$(dirname "$0")" && pwd)
source "$dir/../lib.sh"
ns_per_run
require python3 jq

NS="t br ce"
cleanup()
{
	local ns
	for ns in $NS; do
		ip netns del "$ns" 2>/dev/null
	done
}
trap cleanup EXIT

DMR=2001:db8:ffff::/64
RULE="rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/24 ea-len 16 psid-offset 6"
# Tester side, translator side of each link.
declare -A TMAC=([b4]=02:00:00:00:01:04 [b6]=02:00:00:00:01:06
		 [c4]=02:00:00:00:02:04 [c6]=02:00:00:00:02:06)
declare -A XMAC=([b4]=02:00:00:00:11:04 [b6]=02:00:00:00:11:06
		 [c4]=02:00:00:00:12:04 [c6]=02:00:00:00:12:06)

# link NS DEV PORT: NS's DEV to t's PORT, with the fixed MACs, t's end
# without IPv6 (no neighbour discovery or MLD of its own).
link()
{
	ip -n "$1" link add "$2" address "${XMAC[$3]}" type veth peer name "$3" \
		address "${TMAC[$3]}" netns t || return 1
	ip netns exec t sysctl -qw "net.ipv6.conf.$3.disable_ipv6=1"
	ip -n t link set "$3" up
	ip -n "$1" link set "$2" up
}

setup()
{
	local ns

	for ns in $NS; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
	done
	for ns in br ce; do
		ip netns exec $ns sysctl -qw net.ipv4.ip_forward=1
		ip netns exec $ns sysctl -qw net.ipv6.conf.all.forwarding=1
	done
	link br v4 b4 && link br wan b6 && link ce wan c6 && link ce lan c4 ||
		return 1

	ip -n br addr add 203.0.113.1/24 dev v4
	ip -n br neigh add 203.0.113.2 lladdr "${TMAC[b4]}" dev v4 nud permanent
	ip -n br route add 10.2.3.4/32 via 203.0.113.2
	ip -n br addr add 2001:db8:fe00:1::2/64 dev wan nodad
	ip -n br neigh add 2001:db8:fe00:1::1 lladdr "${TMAC[b6]}" dev wan \
		nud permanent
	ip -n br route add 2001:db8::/40 via 2001:db8:fe00:1::1
	ip -n br link add mape0 type mape role br mode t dmr $DMR || return 1
	# shellcheck disable=SC2086 # a rule is keywords
	ip netns exec br mapctl rule add dev mape0 bmr $RULE || return 1
	ip -n br link set mape0 up
	ip -n br route add $DMR dev mape0
	ip -n br route add 192.0.2.0/24 dev mape0

	ip -n ce addr add 2001:db8:fe00:2::2/64 dev wan nodad
	ip -n ce neigh add 2001:db8:fe00:2::1 lladdr "${TMAC[c6]}" dev wan \
		nud permanent
	ip -n ce route add default via 2001:db8:fe00:2::1
	# RFC 6791's source set to RFC 7600's dummy address (the default,
	# the device's own, is mapt_icmp.sh's).
	ip -n ce link add mape0 type mape role ce mode t dmr $DMR \
		end-user-prefix 2001:db8:12:3400::/56 icmp-src 192.0.0.8 ||
		return 1
	# shellcheck disable=SC2086
	ip netns exec ce mapctl rule add dev mape0 bmr $RULE || return 1
	ip -n ce link set mape0 up
	ip -n ce route add "$(ip netns exec ce mapctl -j show dev mape0 |
		jq -r '.[0].ce.ce_ipv6')/128" dev mape0 || return 1
	ip -n ce route add default dev mape0
	ip -n ce addr add 198.51.100.1/24 dev lan
	ip -n ce neigh add 198.51.100.2 lladdr "${TMAC[c4]}" dev lan nud permanent
	ip -n ce route add 192.0.2.18/32 via 198.51.100.2
}

check "BR and CE built with RFC 7599 appendix A's rules" setup || exit 1
# RFC 7599 appendix A example 1 (and RFC 7597 appendix A example 1): the
# CE's IPv4 address, PSID and MAP address from its prefix and the BMR.
check_eq "RFC 7599 A ex.1: CE 192.0.2.18, PSID 0x34, 2001:db8:12:3400:0:c000:212:34" \
	"$(ip netns exec ce mapctl -j show dev mape0 |
		jq -r '.[0].ce | "\(.ipv4) \(.psid) \(.ce_ipv6)"')" \
	"192.0.2.18 52 2001:db8:12:3400:0:c000:212:34"

start=$SECONDS
# shellcheck disable=SC2046 # the MACs are words
out=$(ip netns exec t python3 "$dir/mapt_rfc.py" \
	$(for p in b4 b6 c4 c6; do echo "${TMAC[$p]}"; done) \
	$(for p in b4 b6 c4 c6; do echo "${XMAC[$p]}"; done) 2>&1)
rc=$?
while IFS=$'\t' read -r res what detail; do
	case $res in
	ok) log_test 0 "$what" ;;
	fail) log_test 1 "$what" "$detail" ;;
	*) printf '    %s\n' "$res $what $detail" ;;
	esac
done <<<"$out"
log_test $rc "scapy ran to the end ($((SECONDS - start)) s)"

ksft_exit
