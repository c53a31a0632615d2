#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# napt.sh on a MAP-T domain: mape_nat's NAPT44 over the port set works on
# a mode t CE unchanged (ports and echo identifiers from the whole set,
# CEs holding a prefix or a set with system ports), the translated source
# naming each address of a CE's prefix.
MAPE_MODE=t exec "$(dirname "$0")/napt.sh"
