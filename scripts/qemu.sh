#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/qemu.sh: the QEMU selftests/vm/run boots its guests with,
# unpacked into $MAPE_CACHE/qemu/VERSION ($MAPE_CACHE/qemu/current links
# it). make deps runs it.
#
# Why not Debian 12's own: QEMU 7.2's multi-threaded TCG can run code one
# vCPU translated while another vCPU is rewriting it (fixed in QEMU 8.1,
# "accel/tcg: Always lock pages before translation"). Linux rewrites its
# own code whenever a static key flips (jump labels, text_poke_bp through
# an int3), so guests oopsed now and then at "int3" in code that had just
# been patched: at boot in enqueue_timer, in a test in fnhe_hashfun (the
# first PMTU exception flips net_get_random_once's key). bookworm-backports
# carries a newer QEMU built for Debian 12; its packages (qemu-system-x86,
# -common, -data and the seabios it wants) are read with a private apt
# state under $MAPE_CACHE/qemu/apt and unpacked, nothing is installed: the
# machine's sources and packages stay as they are, the libraries are
# Debian 12's. Without it vm/run falls back to the system's QEMU with
# single-threaded TCG (correct, slower).
#
# Idempotent: a version already unpacked is not fetched again. Prints the
# path of the qemu-system-x86_64 binary.
#
# Environment: MAPE_CACHE (~/.cache/mape), MAPE_QEMU_SUITE
# (bookworm-backports), MAPE_QEMU_MIRROR (http://deb.debian.org/debian).
set -euo pipefail

CACHE=${MAPE_CACHE:-$HOME/.cache/mape}
Q=$CACHE/qemu
SUITE=${MAPE_QEMU_SUITE:-bookworm-backports}
MIRROR=${MAPE_QEMU_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
PKGS=(qemu-system-x86 qemu-system-common qemu-system-data seabios)

msg() { echo "qemu: $*" >&2; }

# qapt CMD ARG...: apt-get or apt-cache reading SUITE alone, from a state
# of its own.
qapt()
{
	local d=$Q/apt/$SUITE cmd=$1
	shift
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts"
	[ -f "$d/sources.list" ] ||
		echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$d/sources.list"
	# APT::Sandbox::User: apt's own user cannot write into root's cache.
	"$cmd" -o APT::Sandbox::User=root \
		-o Dir::State="$d" -o Dir::State::Lists="$d/lists" \
		-o Dir::State::status=/var/lib/dpkg/status \
		-o Dir::Etc::sourcelist="$d/sources.list" \
		-o Dir::Etc::sourceparts="$d/parts" \
		-o Dir::Etc::preferencesparts="$d/parts" \
		-o Dir::Cache="$d/cache" "$@"
}

mkdir -p "$Q"
exec 9>"$Q/lock"
flock 9
if [ -x "$Q/current/usr/bin/qemu-system-x86_64" ] &&
   [ -z "${MAPE_QEMU_REFRESH:-}" ]; then
	echo "$Q/current/usr/bin/qemu-system-x86_64"
	exit 0
fi
qapt apt-get -q update >&2
ver=$(qapt apt-cache madison qemu-system-x86 2>/dev/null |
	awk -F' *[|] *' 'NR == 1 {print $2}')
[ -n "$ver" ] || { msg "no qemu-system-x86 in $SUITE"; exit 1; }
dir=$Q/${ver//[:~]/_}
if [ ! -x "$dir/usr/bin/qemu-system-x86_64" ]; then
	debs=$(mktemp -d "$Q/debs.XXXXXX")
	trap 'rm -rf "$debs"' EXIT
	(cd "$debs" && qapt apt-get -q download "${PKGS[@]}" >&2)
	rm -rf "$dir.tmp"
	for deb in "$debs"/*.deb; do
		dpkg-deb -x "$deb" "$dir.tmp"
	done
	"$dir.tmp/usr/bin/qemu-system-x86_64" --version >&2 ||
		{ msg "the unpacked QEMU does not run"; rm -rf "$dir.tmp"; exit 1; }
	mv "$dir.tmp" "$dir"
	msg "QEMU $ver unpacked into $dir"
fi
ln -sfn "${dir##*/}" "$Q/current"
echo "$Q/current/usr/bin/qemu-system-x86_64"
