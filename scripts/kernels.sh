# SPDX-License-Identifier: GPL-2.0
# Sourced: the kernels mape is built and tested on, and how to build the
# module for one of them outside the tree (scripts/deps.sh, kunit.sh,
# check.sh, debug-kernel.sh, selftests/vm/run).
#
# A series names a kernel the way Debian 12 ships it: its headers come from
# a metapackage whose Depends names the versioned package (the release the
# VM boots and the module is built for), its source from linux-source-SERIES.
#   6.1   Debian 12's own kernel (linux-headers-amd64)
#   6.12  Debian 12's security suite (linux-headers-6.12-amd64), the kernel
#         of OpenWrt 25.12, Debian 13 and current Ubuntu

MAPE_SERIES="6.1 6.12"

# series_headers SERIES: the metapackage of its headers.
series_headers()
{
	case $1 in
	6.1) echo linux-headers-amd64 ;;
	*) echo "linux-headers-$1-amd64" ;;
	esac
}

# series_release SERIES: the release its headers are for (6.1.0-57-amd64),
# or nothing when they are not installed.
series_release()
{
	dpkg-query -W -f='${Depends}' "$(series_headers "$1")" 2>/dev/null |
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p'
}

# module_sync TOP OUT: kernel/ and include/ of the tree TOP mirrored into
# OUT (sources only, stale files removed, unchanged ones left alone so
# Kbuild rebuilds only what changed): Kbuild writes into the M= directory,
# and one tree can then have a module built for several kernels.
module_sync()
{
	local top=$1 out=$2 d f
	for d in kernel include; do
		mkdir -p "$out/$d"
		(cd "$out/$d" && find . -type f \( -name '*.[ch]' -o -name Kbuild -o \
			-name Kconfig -o -name Makefile \) ! -name '*.mod.c' -print) |
			while read -r f; do
				[ -e "$top/$d/$f" ] || rm -f "$out/$d/$f"
			done
		(cd "$top/$d" && find . -type f \( -name '*.[ch]' -o -name Kbuild -o \
			-name Kconfig -o -name Makefile \) ! -name '*.mod.c' -print) |
			while read -r f; do
				cmp -s "$top/$d/$f" "$out/$d/$f" 2>/dev/null && continue
				mkdir -p "$(dirname "$out/$d/$f")"
				cp "$top/$d/$f" "$out/$d/$f"
			done
	done
}

# module_build TOP KDIR OUT [MAKE ARGS...]: mape.ko and mape_nat.ko of the
# tree TOP for the kernel build directory KDIR, in OUT/kernel.
module_build()
{
	local top=$1 kdir=$2 out=$3
	shift 3
	module_sync "$top" "$out" &&
	make -C "$kdir" M="$out/kernel" CONFIG_MAPE=m CONFIG_MAPE_NAT=m "$@" modules
}
