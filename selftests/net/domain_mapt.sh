#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The domain of domain.sh in MAP-T (RFC 7599): the same BR, CEs, traffic
# and counters, translated instead of encapsulated, with the DMR in place
# of the BR address; domain.sh adds what is seen on the wire.
MAPE_MODE=t exec "$(dirname "$0")/domain.sh"
