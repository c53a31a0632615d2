#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/kunit.sh [SERIES] [kunit.py run ARGS...]
#
# Run mape's KUnit suites on UML, built from Debian's linux-source-SERIES
# (scripts/kernels.sh; 6.1 when not given).
#
# kernel/ is linked into the cached source tree as drivers/net/mape, so the
# module's own Kbuild and Kconfig are what KUnit builds. The source tree and
# the build directory live in $MAPE_CACHE: a rerun is incremental. One run
# per source tree at a time (the link is the tree's): others wait.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/kernels.sh"
CACHE=${MAPE_CACHE:-$HOME/.cache/mape}
series=6.1
if [ $# -gt 0 ] && [[ " $MAPE_SERIES " == *" $1 "* ]]; then
	series=$1
	shift
fi
SRC=$CACHE/linux-source-$series
# 6.1's build directory kept its first name.
BUILD=$CACHE/uml
[ "$series" = 6.1 ] || BUILD=$CACHE/uml-$series

[ -f "$SRC/Makefile" ] || "$top/scripts/deps.sh"

exec 9>"$SRC.lock"
flock 9
ln -sfn "$top/kernel" "$SRC/drivers/net/mape"
grep -q 'drivers/net/mape/Kconfig' "$SRC/drivers/net/Kconfig" ||
	sed -i '/^endif # NETDEVICES/i source "drivers/net/mape/Kconfig"' \
		"$SRC/drivers/net/Kconfig"
grep -q 'CONFIG_MAPE' "$SRC/drivers/net/Makefile" ||
	echo 'obj-$(CONFIG_MAPE) += mape/' >> "$SRC/drivers/net/Makefile"

cd "$SRC"
./tools/testing/kunit/kunit.py run \
	--kunitconfig="$top/kernel/.kunitconfig" \
	--build_dir="$BUILD" --jobs="$(nproc)" --timeout=900 "$@"
