#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/jool.sh [KVER...]: Debian's Jool (SIIT), the foreign translator
# of selftests/net/mapt_jool.sh, built for each kernel the VM boots (by
# default those of scripts/kernels.sh) into $MAPE_CACHE/jool/KVER:
#   jool_common.ko jool_siit.ko   the modules (nothing is loaded here)
#   jool_siit                     the userspace tool of the same version
#   version                       the Debian package version
# Each kernel takes the first suite of JOOL_SUITES whose jool-dkms builds
# against its headers: Debian 12's own, else a newer one (4.1.9 does not
# build for 6.12's genetlink). The packages are read with a private apt
# state under $MAPE_CACHE/jool/apt: the machine's sources stay as they are.
# One TEST line a kernel (a step of make check). Idempotent: a kernel
# already built, or a version that failed for it (jool/KVER/failed-VERSION,
# the build log), is not tried again.
#
# Environment: MAPE_CACHE (~/.cache/mape), JOOL_SUITES ("bookworm trixie"),
# JOOL_MIRROR (http://deb.debian.org/debian).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/kernels.sh"
source "$top/selftests/lib.sh"
CACHE=${MAPE_CACHE:-$HOME/.cache/mape}
JOOL=$CACHE/jool
SUITES=${JOOL_SUITES:-bookworm trixie}
MIRROR=${JOOL_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

msg() { echo "jool: $*" >&2; }

# japt SUITE CMD ARG...: apt-get or apt-cache reading SUITE alone, from a
# state of its own.
japt()
{
	local suite=$1 d=$JOOL/apt/$1 cmd=$2
	shift 2
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts"
	[ -f "$d/sources.list" ] ||
		echo "deb [signed-by=$KEYRING] $MIRROR $suite main" >"$d/sources.list"
	"$cmd" -o Dir::State="$d" -o Dir::State::Lists="$d/lists" \
		-o Dir::State::status=/var/lib/dpkg/status \
		-o Dir::Etc::sourcelist="$d/sources.list" \
		-o Dir::Etc::sourceparts="$d/parts" \
		-o Dir::Etc::preferencesparts="$d/parts" \
		-o Dir::Cache="$d/cache" "$@"
}

# fetch SUITE: jool-dkms and jool-tools of SUITE unpacked into
# $JOOL/pkg/VERSION (once); prints VERSION.
fetch()
{
	local suite=$1 ver debs deb
	compgen -G "$JOOL/apt/$suite/lists/*_Packages*" >/dev/null ||
		japt "$suite" apt-get -q update >&2 || return 1
	ver=$(japt "$suite" apt-cache madison jool-dkms 2>/dev/null |
		awk -F' *[|] *' 'NR == 1 {print $2}')
	[ -n "$ver" ] || { msg "no jool-dkms in $suite"; return 1; }
	if [ ! -x "$JOOL/pkg/$ver/usr/bin/jool_siit" ]; then
		debs=$(mktemp -d "$JOOL/debs.XXXXXX")
		(cd "$debs" && japt "$suite" apt-get -q download \
			"jool-dkms=$ver" "jool-tools=$ver" >&2) || { rm -rf "$debs"; return 1; }
		rm -rf "$JOOL/pkg/$ver.tmp"
		for deb in "$debs"/*.deb; do
			dpkg-deb -x "$deb" "$JOOL/pkg/$ver.tmp"
		done
		rm -rf "$debs" "$JOOL/pkg/$ver"
		mv "$JOOL/pkg/$ver.tmp" "$JOOL/pkg/$ver"
	fi
	echo "$ver"
}

# build KVER VERSION: the SIIT modules of VERSION for KVER into $JOOL/KVER.
build()
{
	local kver=$1 ver=$2 kdir=/lib/modules/$1/build out=$JOOL/$1 src b t0
	src=$(echo "$JOOL/pkg/$ver"/usr/src/jool*/)
	b=$JOOL/build/$kver-$ver
	rm -rf "$b"
	mkdir -p "$b" "$out"
	cp -r "$src/." "$b"
	msg "$kver: building jool $ver"
	t0=$SECONDS
	# The NAT64 module is not needed: common and siit only.
	if ! { make -C "$kdir" M="$b/src/mod/common" -j"$(nproc)" modules &&
		make -C "$kdir" M="$b/src/mod/siit" -j"$(nproc)" modules; } \
		>"$out/failed-$ver" 2>&1; then
		msg "$kver: jool $ver does not build ($out/failed-$ver):"
		grep -m3 'error:' "$out/failed-$ver" >&2 || tail -n3 "$out/failed-$ver" >&2
		rm -rf "$b"
		return 1
	fi
	rm -f "$out/failed-$ver"
	cp "$b/src/mod/common/jool_common.ko" "$b/src/mod/siit/jool_siit.ko" "$out/"
	# As modules_install INSTALL_MOD_STRIP=1 would: 20 MB less to read
	# over the VM's 9p.
	strip --strip-debug "$out"/jool_*.ko
	cp "$JOOL/pkg/$ver/usr/bin/jool_siit" "$out/"
	echo "$ver" >"$out/version"
	rm -rf "$b"
	msg "$kver: jool $ver built in $((SECONDS - t0)) s"
}

kvers=("$@")
if [ ${#kvers[@]} -eq 0 ]; then
	for series in $MAPE_SERIES; do
		kver=$(series_release "$series")
		[ -n "$kver" ] && kvers+=("$kver")
	done
fi
mkdir -p "$JOOL/pkg"
rc=0
for kver in "${kvers[@]}"; do
	out=$JOOL/$kver
	if [ -f "$out/version" ] && [ -f "$out/jool_siit.ko" ] &&
		[ -x "$out/jool_siit" ]; then
		test_line "Jool SIIT $(cat "$out/version") for $kver (built before)" " OK "
		continue
	fi
	if [ ! -d "/lib/modules/$kver/build" ]; then
		test_line "Jool SIIT for $kver: no headers" FAIL
		rc=1
		continue
	fi
	done_=
	for suite in $SUITES; do
		ver=$(fetch "$suite") || continue
		[ -f "$out/failed-$ver" ] && continue
		if build "$kver" "$ver"; then
			done_=1
			break
		fi
	done
	if [ -n "$done_" ]; then
		test_line "Jool SIIT $ver for $kver built" " OK "
	else
		test_line "Jool SIIT for $kver: none of $SUITES builds" FAIL
		rc=1
	fi
done
exit $rc
