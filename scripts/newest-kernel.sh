#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/newest-kernel.sh [find|prepare|module|env|check]
#
# The newest kernel Debian's archive reaches, beyond the series make check
# covers (scripts/kernels.sh): the highest linux-headers-amd64 of the
# suites in SUITES below (released kernels; experimental's release
# candidates are left out). Its headers need the compiler and C library of
# their own suite, so the module is built in a minimal chroot of that suite
# (debootstrap) under $MAPE_CACHE/newest; the VM boots its Debian image with
# the host's userland, like the other kernels.
#
#   find     print the release (7.3.4+deb13-amd64) and the suite it is in
#   prepare  the chroot with the headers, and the image unpacked into
#            $MAPE_CACHE/newest/kimg (boot/vmlinuz-VER, lib/modules/VER)
#   module   prepare, then mape.ko and mape_nat.ko built in the chroot
#            (root/build/kernel), warning-free or failing
#   env      module, then the variables that make selftests/vm/run boot
#            it:  eval "$(scripts/newest-kernel.sh env)"
#   check    (default) module, then every VM selftest on it: TEST lines
#            labelled with the release, for make check-all (check.sh)
#
# The machine's apt sources stay unchanged: the suites are read with a
# private apt state directory. A newer kernel in the archive is picked up
# on the next run (its chroot and image are fetched again).
#
# Environment: MAPE_CACHE (~/.cache/mape), MAPE_NEWEST_SUITES.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd -P)
source "$top/scripts/kernels.sh"
source "$top/scripts/steps.sh"
CACHE=${MAPE_CACHE:-$HOME/.cache/mape}
mkdir -p "$CACHE/newest"
CACHE=$(cd "$CACHE" && pwd -P)
N=$CACHE/newest
MIRROR=http://deb.debian.org/debian
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# The suites whose kernels count, each with the base suite of its chroot.
SUITES=${MAPE_NEWEST_SUITES:-"trixie:trixie trixie-backports:trixie sid:sid"}

msg() { echo "newest-kernel: $*" >&2; }
die() { msg "$*"; exit 1; }

# apt-get/apt-cache reading only $N/apt: the suites' package lists.
APTOPTS=(-o "Dir::State=$N/apt/state" -o "Dir::Cache=$N/apt/cache"
	-o "Dir::Etc::SourceList=$N/apt/sources.list"
	-o "Dir::Etc::SourceParts=/nonexistent"
	-o "Dir::State::status=$N/apt/state/status"
	-o "APT::Get::List-Cleanup=0" -o "APT::Sandbox::User=root")

apt_lists()
{
	local s
	mkdir -p "$N/apt/state/lists/partial" "$N/apt/cache/archives/partial"
	: >"$N/apt/state/status"
	for s in $SUITES; do
		echo "deb [signed-by=$KEYRING] $MIRROR ${s%%:*} main"
	done >"$N/apt/sources.list"
	# Refreshed at most once an hour.
	if [ -z "$(find "$N/apt/state/lists" -maxdepth 1 -name '*Packages*' -mmin -60 2>/dev/null)" ]; then
		apt-get "${APTOPTS[@]}" -qq update >&2 || die "apt-get update of $SUITES failed"
	fi
}

# find: RELEASE SUITE BASE of the highest linux-headers-amd64.
find_newest()
{
	local best='' ver suite s rel
	apt_lists
	while read -r ver suite; do
		if [ -z "$best" ] || dpkg --compare-versions "$ver" gt "${best%% *}"; then
			best="$ver $suite"
		fi
	done < <(apt-cache "${APTOPTS[@]}" madison linux-headers-amd64 |
		awk -F' *[|] *' '{ split($3, a, " "); split(a[2], b, "/"); print $2, b[1] }')
	[ -n "$best" ] || die "no linux-headers-amd64 in $SUITES"
	ver=${best%% *}
	suite=${best#* }
	rel=$(apt-cache "${APTOPTS[@]}" show "linux-headers-amd64=$ver" |
		sed -n 's/^Depends:.*linux-headers-\([^ ,]*\) .*/\1/p' | head -n1)
	[ -n "$rel" ] || die "linux-headers-amd64 $ver names no versioned headers"
	for s in $SUITES; do
		[ "${s%%:*}" = "$suite" ] && echo "$rel $suite ${s#*:}" && return
	done
	die "suite $suite of $ver is not in $SUITES"
}

read -r REL SUITE BASE < <(find_newest) || exit 1
ROOT=$N/root-$BASE
KIMG=$N/kimg

in_root() { # CMD...: with /proc (objtool reads it) mounted for the run
	local rc=0
	mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
	chroot "$ROOT" "$@" || rc=$?
	umount "$ROOT/proc" 2>/dev/null || true
	return $rc
}

prepare()
{
	local t d
	if [ ! -x "$ROOT/usr/bin/make" ]; then
		msg "debootstrap $BASE into $ROOT"
		command -v debootstrap >/dev/null ||
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
				--no-install-recommends debootstrap >&2
		rm -rf "$ROOT"
		debootstrap --variant=minbase \
			--include=make,gcc,libc6-dev,bc,kmod,libelf-dev,ca-certificates \
			"$BASE" "$ROOT" "$MIRROR" >"$N/debootstrap.log" 2>&1 ||
			{ tail -n 20 "$N/debootstrap.log" >&2; die "debootstrap $BASE failed"; }
	fi
	if [ ! -d "$ROOT/usr/src/linux-headers-$REL" ]; then
		msg "linux-headers-$REL from $SUITE into the chroot"
		echo "deb $MIRROR $SUITE main" >"$ROOT/etc/apt/sources.list.d/mape-newest.list"
		in_root apt-get -qq update >&2
		in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "linux-headers-$REL" >&2 ||
			die "installing linux-headers-$REL failed"
	fi
	if [ ! -f "$KIMG/boot/vmlinuz-$REL" ] || [ ! -f "$KIMG/lib/modules/$REL/modules.dep" ]; then
		msg "unpacking the image of $REL into $KIMG"
		rm -rf "$KIMG"
		mkdir -p "$KIMG" "$N/debs"
		t=$(mktemp -d "$ROOT/tmp/debs.XXXXXX")
		# Up to 7.2 one package, linux-image-REL (boot/, lib/modules/);
		# since, the image, its modules and its lists are split, all
		# under usr/lib/modules/REL.
		if ! in_root sh -c "cd ${t#"$ROOT"} && apt-get -qq download \
			linux-binary-$REL linux-modules-$REL linux-base-$REL" >/dev/null 2>&1; then
			in_root sh -c "cd ${t#"$ROOT"} && apt-get -qq download linux-image-$REL" >&2 ||
				die "cannot download the image of $REL"
		fi
		for d in "$t"/*.deb; do
			dpkg -x "$d" "$KIMG"
		done
		rm -rf "$t"
		if [ -d "$KIMG/usr/lib/modules/$REL" ]; then
			mkdir -p "$KIMG/boot" "$KIMG/lib/modules"
			[ ! -f "$KIMG/usr/lib/modules/$REL/vmlinuz" ] ||
				mv "$KIMG/usr/lib/modules/$REL/vmlinuz" "$KIMG/boot/vmlinuz-$REL"
			mv "$KIMG/usr/lib/modules/$REL" "$KIMG/lib/modules/$REL"
		fi
		[ -f "$KIMG/boot/vmlinuz-$REL" ] || die "no kernel image in the packages of $REL"
		depmod -b "$KIMG" "$REL"
	fi
}

# module: warnings fail it, as on the other kernels (scripts/style.sh).
module()
{
	local out
	prepare
	module_sync "$top" "$ROOT/build"
	out=$(in_root make -C "/usr/src/linux-headers-$REL" M=/build/kernel \
		CONFIG_MAPE=m CONFIG_MAPE_NAT=m -j"$(nproc)" modules 2>&1) || {
		printf '%s\n' "$out" >&2
		die "building mape for $REL failed"
	}
	if grep -E 'warning:|error:' <<<"$out" | grep -v 'Skipping BTF' >&2; then
		die "building mape for $REL: warnings"
	fi
}

env_vars()
{
	printf 'export KVER=%q MAPE_VM_KIMG=%q MAPE_VM_KO_DIR=%q\n' \
		"$REL" "$KIMG" "$ROOT/build/kernel"
}

case ${1:-check} in
find)
	echo "$REL $SUITE"
	;;
prepare)
	prepare
	;;
module)
	module
	;;
env)
	module >&2
	env_vars
	;;
check)
	# TEST lines for scripts/check.sh (make check-all), which counts them.
	label="newest $REL"
	if module; then
		test_line "[$label] build warning-free ($SUITE)" " OK "
	else
		test_line "[$label] build warning-free ($SUITE)" FAIL
		exit 1
	fi
	eval "$(env_vars)"
	labelled "$label" "$top/selftests/vm/run" --timeout 2400 -- \
		"$top/selftests/run_vm_tests"
	;;
*)
	echo "usage: $0 [find|prepare|module|env|check]" >&2
	exit 2
	;;
esac
