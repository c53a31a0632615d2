#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run mape's KUnit suites on UML, built from Debian's linux-source-6.1.
#
# kernel/ is linked into the cached source tree as drivers/net/mape, so the
# module's own Kbuild and Kconfig are what KUnit builds. The source tree and
# the build directory live in $MAPE_CACHE: a rerun is incremental.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${MAPE_CACHE:-$HOME/.cache/mape}
SRC=$CACHE/linux-source-6.1
BUILD=$CACHE/uml

[ -f "$SRC/Makefile" ] || "$top/scripts/deps.sh"

ln -sfn "$top/kernel" "$SRC/drivers/net/mape"
grep -q 'drivers/net/mape/Kconfig' "$SRC/drivers/net/Kconfig" ||
	sed -i '/^endif # NETDEVICES/i source "drivers/net/mape/Kconfig"' \
		"$SRC/drivers/net/Kconfig"
grep -q 'CONFIG_MAPE' "$SRC/drivers/net/Makefile" ||
	echo 'obj-$(CONFIG_MAPE) += mape/' >> "$SRC/drivers/net/Makefile"

cd "$SRC"
exec ./tools/testing/kunit/kunit.py run \
	--kunitconfig="$top/kernel/.kunitconfig" \
	--build_dir="$BUILD" --jobs="$(nproc)" --timeout=900 "$@"
