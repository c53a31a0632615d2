#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest half of make demo (see demo.sh). Runs inside the VM.
set -uo pipefail
cd "$(dirname "$0")/../selftests/net" || exit 1
source ../lib.sh
source topo.sh
trap topo_cleanup EXIT

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "== kernel $(uname -r), $(lsmod | grep -w '^mape' | awk '{print $1}') loaded"
cat <<'TXT'

== A MAP-E domain in namespaces (selftests/net/topo.sh):

    [srv] 203.0.113.2 ---- [br] mape0 role br br-addr 2001:db8:ffff::1
                             |
                          [core]  IPv6-only underlay
                         /   |   \
                    [ce1]  [ce2]  [ce3]   mape0 role ce
             192.0.2.18  192.0.2.18  192.0.2.19
              PSID 0x34   PSID 0x35   PSID 0x01
TXT
topo_setup || exit 1

say ip -n ce1 -d link show mape0
say ip netns exec ce1 mapctl show dev mape0
say ip netns exec br mapctl show dev mape0
say ip netns exec br mapctl rule show

echo
echo "== ping from ce1 and ce2 (same IPv4 address) with identifiers of their sets"
say ip netns exec ce1 ping -c 2 -i 0.3 -e "$(port_of ce1 5 1)" $SRV
say ip netns exec ce2 ping -c 2 -i 0.3 -e "$(port_of ce2 5 1)" $SRV
echo
echo "== an identifier outside ce1's set never leaves it"
say ip netns exec ce1 ping -c 1 -W 1 -e "$(port_of ce2 5 1)" $SRV
say ip netns exec br mapctl lookup dev mape0 ipv4 192.0.2.18 port "$(port_of ce2 5 1)"
say ip netns exec ce1 mapctl stats dev mape0
say ip netns exec br mapctl stats dev mape0

echo
echo "== Juniper MX MAP-E domain (seed), corrected: 198.51.100.0/24, BR 2001:db8:ffff::1"
say mapctl calc rule-ipv6 2001:db8:ce:ab00::/56 rule-ipv4 198.51.100.0/24 \
	ea-len 16 psid-offset 6 psid-len 8 ipv4 198.51.100.2 port 6600
echo
echo "== SONiC MAP-E domain (seed): the CE whose prefix holds the seed's BR address"
say mapctl calc rule-ipv6 2001:db8:1012::/48 rule-ipv4 192.0.2.0/24 \
	ea-len 16 psid-len 8 psid-offset 4 end-user-prefix 2001:db8:1012:1234::/64
echo
echo "== RFC 7597 Appendix A, example 1, as JSON"
say mapctl -j calc rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/24 ea-len 16 \
	end-user-prefix 2001:db8:12:3400::/56
