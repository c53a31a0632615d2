#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Style gates on kernel/: checkpatch (--no-tree --strict, from the kernel
# source tarball), then for each kernel of scripts/kernels.sh a build of
# the module in $MAPE_CACHE/build/RELEASE (the one the VM tests load)
# with sparse (C=2). Each prints a TEST line; any report from either tool,
# or a compiler warning, fails it.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/kernels.sh"
source "$top/selftests/lib.sh"
CACHE=${MAPE_CACHE:-$HOME/.cache/mape}
SRC=$CACHE/linux-source-6.1

out=$(cd "$top" && "$SRC/scripts/checkpatch.pl" --no-tree --strict --terse \
	--show-types -f $(ls kernel/*.c kernel/*.h | grep -v "\.mod\.c$") include/uapi/linux/mape.h 2>&1 |
	grep -v '^total: 0 errors, 0 warnings')
if [ -z "$out" ]; then
	log_test 0 "checkpatch --strict on kernel/"
else
	printf '%s\n' "$out"
	log_test 1 "checkpatch --strict on kernel/"
fi

# Sparse only sees files that compile, and warnings only show when a file
# is compiled: every object is built again.
for series in $MAPE_SERIES; do
	kver=$(series_release "$series")
	what="warning-free, sparse (C=2) on kernel/ for $series ($kver)"
	out=$(rm -rf "$CACHE/build/$kver" &&
		module_build "$top" "/lib/modules/$kver/build" "$CACHE/build/$kver" \
			C=2 CHECK=sparse -j"$(nproc)" 2>&1)
	if [ $? -eq 0 ] && ! grep -Eq 'warning|error' <<<"$out"; then
		log_test 0 "$what"
	else
		grep -E 'warning|error|Error' <<<"$out"
		log_test 1 "$what"
	fi
done
ksft_exit
