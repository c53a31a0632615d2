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
PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev kmod cpio xz-utils lz4
	pkg-config libnl-3-dev libnl-genl-3-dev
	linux-headers-amd64 linux-source-6.1 sparse python3
	qemu-system-x86 busybox-static
	iproute2 iputils-ping python3-scapy tcpdump iperf3 nftables conntrack
	ethtool netcat-openbsd jq strace socat linux-perf
)

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

# The VM boots the kernel whose headers linux-headers-amd64 pulls in.
KVER=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
	sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
IMG=$CACHE/kimg
if [ ! -f "$IMG/boot/vmlinuz-$KVER" ] || [ ! -f "$IMG/lib/modules/$KVER/modules.dep" ]; then
	echo "deps: unpacking linux-image-$KVER into $IMG"
	mkdir -p "$CACHE/debs"
	(cd "$CACHE/debs" && apt-get download "linux-image-$KVER" >/dev/null 2>&1 ||
		(cd /tmp && apt-get download "linux-image-$KVER" && mv /tmp/linux-image-"$KVER"_*.deb "$CACHE/debs/"))
	rm -rf "$IMG"
	mkdir -p "$IMG"
	dpkg -x "$CACHE"/debs/linux-image-"$KVER"_*.deb "$IMG"
	depmod -b "$IMG" "$KVER"
fi

# The kernel source tree: checkpatch and the UML KUnit build use it.
SRC=$CACHE/linux-source-6.1
if [ ! -f "$SRC/Makefile" ]; then
	echo "deps: extracting linux-source-6.1 into $CACHE"
	mkdir -p "$CACHE"
	tar -C "$CACHE" -xf /usr/src/linux-source-6.1.tar.xz
fi
