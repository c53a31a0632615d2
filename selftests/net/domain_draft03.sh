#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The domain of domain.sh with draft-03 interface identifiers (8 zero bits,
# IPv4, PSID, 8 zero bits), as Juniper's version-03 and Japanese ISPs use:
# address forming, anti-spoofing and lookups all follow the device's ifid.
MAPE_IFID=draft03 exec "$(dirname "$0")/domain.sh"
