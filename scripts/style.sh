#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Style gates on kernel/: checkpatch (--no-tree --strict, from the kernel
# source tarball) and sparse (C=2). Each prints a TEST line; any report
# from either tool fails it.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${MAPE_CACHE:-$HOME/.cache/mape}
SRC=$CACHE/linux-source-6.1
KVER=${KVER:-$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
	sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')}
KDIR=${KDIR:-/lib/modules/$KVER/build}
rc=0

out=$(cd "$top" && "$SRC/scripts/checkpatch.pl" --no-tree --strict --terse \
	--show-types -f $(ls kernel/*.c kernel/*.h | grep -v "\.mod\.c$") include/uapi/linux/mape.h 2>&1 |
	grep -v '^total: 0 errors, 0 warnings')
if [ -z "$out" ]; then
	printf 'TEST: %-60s[ OK ]\n' "checkpatch --strict on kernel/"
else
	printf '%s\n' "$out"
	printf 'TEST: %-60s[FAIL]\n' "checkpatch --strict on kernel/"
	rc=1
fi

# Sparse only sees files that compile: force a rebuild of every object.
out=$(make -s -C "$KDIR" M="$top/kernel" CONFIG_MAPE=m CONFIG_MAPE_NAT=m C=2 CHECK=sparse \
	modules 2>&1 | grep -E 'warning|error' )
if [ -z "$out" ]; then
	printf 'TEST: %-60s[ OK ]\n' "sparse (C=2) on kernel/"
else
	printf '%s\n' "$out"
	printf 'TEST: %-60s[FAIL]\n' "sparse (C=2) on kernel/"
	rc=1
fi
exit $rc
