#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS on the host, as a user's kernel upgrade uses it: the tree as a DKMS
# package (dkms.conf), added, built and installed for each kernel of
# scripts/kernels.sh whose headers are installed, then removed. Nothing is
# loaded. Runs as root (dkms writes /usr/src, /var/lib/dkms and
# /lib/modules/RELEASE/updates); a private version number keeps a user's
# own mape package out of the way.
#
# Exit: 0 all passed, 1 a test failed, 4 skipped (not root, no dkms).

dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/.." && pwd)
source "$dir/lib.sh"
source "$top/scripts/kernels.sh"

if [ "$(id -u)" != 0 ] || ! command -v dkms >/dev/null; then
	echo "SKIP: needs root and dkms (make deps)"
	exit $ksft_skip
fi

VER=0.0.0selftest$$
SRC=/usr/src/mape-$VER

cleanup()
{
	dkms remove -m mape -v "$VER" --all >/dev/null 2>&1
	rm -rf "$SRC"
}
trap cleanup EXIT

# The package's sources: what dkms.conf's MAKE needs, as a release would
# ship them.
mkdir -p "$SRC"
cp -r "$top/kernel" "$top/include" "$SRC/"
rm -f "$SRC"/kernel/*.o "$SRC"/kernel/*.ko "$SRC"/kernel/*.mod* "$SRC"/kernel/.*.cmd
sed "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$VER\"/" "$top/dkms.conf" >"$SRC/dkms.conf"

check "dkms add" dkms add -m mape -v "$VER"

for series in $MAPE_SERIES; do
	rel=$(series_release "$series")
	if [ -z "$rel" ] || [ ! -d "/lib/modules/$rel/build" ]; then
		log_test $ksft_skip "[$series] no headers installed"
		continue
	fi
	check "[$series] dkms build for $rel" dkms build -m mape -v "$VER" -k "$rel"
	check "[$series] dkms install for $rel" dkms install -m mape -v "$VER" -k "$rel" --force
	for m in mape mape_nat; do
		ko=$(ls "/lib/modules/$rel/updates/dkms/$m.ko"* 2>/dev/null | head -n1)
		check_eq "[$series] $m installed for $rel, found by modinfo -k" \
			"$(modinfo -k "$rel" -F vermagic "$m" 2>/dev/null | cut -d' ' -f1) ${ko:+present}" \
			"$rel present"
	done
	check_eq "[$series] dkms status: installed" \
		"$(dkms status -m mape -v "$VER" -k "$rel" 2>/dev/null | sed -n 's/.*: //p')" installed
done

check "dkms remove" dkms remove -m mape -v "$VER" --all
for series in $MAPE_SERIES; do
	rel=$(series_release "$series")
	[ -n "$rel" ] || continue
	check_eq "[$series] nothing left in /lib/modules/$rel/updates/dkms" \
		"$(ls "/lib/modules/$rel/updates/dkms/" 2>/dev/null | grep -c '^mape')" 0
done

ksft_exit
