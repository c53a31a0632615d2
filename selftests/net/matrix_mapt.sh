#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The option x traffic matrix of matrix.sh in MAP-T (RFC 7599): the same
# traffic through the options translation reads (matrix.sh's header says
# which and why), over the domain of domain_mapt.sh.
MAPE_MODE=t exec "$(dirname "$0")/matrix.sh"
