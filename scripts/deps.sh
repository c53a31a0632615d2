#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package that building, testing and the demo need,
# and unpack the Debian kernel image the VM boots into the cache.
# Idempotent and non-interactive: a second run does nothing.
#
# Environment: MAPE_CACHE (default ~/.cache/mape).
set -euo pipefail

CACHE=${MAPE_CACHE:-$HOME/.cache/mape}
source "$(dirname "$0")/kernels.sh"
PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev kmod cpio xz-utils lz4 zstd
	pkg-config libnl-3-dev libnl-genl-3-dev sparse python3
	qemu-system-x86 busybox-static
	iproute2 procps iputils-ping traceroute python3-scapy tcpdump iperf3 nftables conntrack
	ethtool netcat-openbsd jq strace socat linux-perf dkms debootstrap
	kea-dhcp6-server dhcpcd-base
)

# Each kernel's headers (the module's build) and source (KUnit on UML).
for series in $MAPE_SERIES; do
	PKGS+=("$(series_headers "$series")" "linux-source-$series")
done

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends "${missing[@]}"
fi

# The VM boots each kernel whose headers are installed: its Debian image,
# unpacked into $CACHE/kimg (boot/vmlinuz-VER, lib/modules/VER).
IMG=$CACHE/kimg
for series in $MAPE_SERIES; do
	KVER=$(series_release "$series")
	[ -f "$IMG/boot/vmlinuz-$KVER" ] && [ -f "$IMG/lib/modules/$KVER/modules.dep" ] &&
		continue
	echo "deps: unpacking linux-image-$KVER into $IMG"
	mkdir -p "$CACHE/debs" "$IMG"
	(cd "$CACHE/debs" && apt-get download "linux-image-$KVER" >/dev/null 2>&1 ||
		(cd /tmp && apt-get download "linux-image-$KVER" && mv /tmp/linux-image-"$KVER"_*.deb "$CACHE/debs/"))
	rm -rf "$IMG/lib/modules/$KVER"
	dpkg -x "$CACHE"/debs/linux-image-"$KVER"_*.deb "$IMG"
	depmod -b "$IMG" "$KVER"
done

# Each kernel's source tree: checkpatch and the UML KUnit builds use them.
for series in $MAPE_SERIES; do
	SRC=$CACHE/linux-source-$series
	[ -f "$SRC/Makefile" ] && continue
	echo "deps: extracting linux-source-$series into $CACHE"
	mkdir -p "$CACHE"
	tar -C "$CACHE" -xf "/usr/src/linux-source-$series.tar.xz"
done

# The QEMU the VM runs: bookworm-backports', unpacked into $CACHE/qemu
# (scripts/qemu.sh says why Debian 12's 7.2 is not enough).
MAPE_CACHE=$CACHE "$(dirname "$0")/qemu.sh" >/dev/null
