#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest half of make demo (see demo.sh). Runs inside the VM.
set -euo pipefail

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "== kernel $(uname -r), mape.ko loaded:"
lsmod | grep -w '^mape'

say ip link add m0 type mape
say ip -d link show m0
say ip link del m0

echo
echo "== Juniper MX MAP-E domain (seed), corrected"
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
