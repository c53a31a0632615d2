#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the VM, load mape.ko, create a device, and show the two
# MAP domains of the source documents (shared/seeds) through mapctl calc,
# with their addressing mistakes corrected (RFC 7597 wins):
#
#  Juniper MX: ipv4-prefix 67.91.205.0/24 and softwire-address 3001:db8:ffff::1
#    are not documentation addresses; its CE address 2001:db8:ce:29c::435b:cd02:9c
#    ignores the EA bits after the /56. Here: 198.51.100.0/24 (the prefix its
#    own step 7 names), BR 2001:db8:ffff::1, and the CE address computed.
#  SONiC: the PSID is left-padded in the interface ID (RFC 7597 section 6),
#    not right-padded (0xAC stays 0x00AC); its BR address
#    2001:db8:1012:1234::10 lies inside the rule prefix 2001:db8:1012::/48,
#    in the end-user prefix of the CE 192.0.2.18 PSID 0x34.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
exec "$top/selftests/vm/run" --timeout 600 -- "$top/scripts/demo-guest.sh"
