#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The OpenWrt package's recipe (openwrt/mape/Makefile) run on this host,
# without an OpenWrt SDK: a stub TOPDIR gives the Makefile the few parts of
# OpenWrt's rules.mk, kernel.mk and package.mk it uses (KERNEL_MAKE,
# MAKE_VARS, MAKE_FLAGS, Build/Compile/Default, KernelPackage, BuildPackage),
# with the host's gcc as the target toolchain and a staging directory that
# holds libnl the way OpenWrt's libnl package stages it
# (usr/include/libnl3, usr/lib, usr/lib/pkgconfig). Then, for each kernel
# of scripts/kernels.sh whose Debian headers are installed, the Makefile's
# own Build/Prepare, Build/Compile and Package/*/install run, and:
#
#   - the package version agrees with dkms.conf and is valid for opkg and apk;
#   - Build/Prepare copies sources only (no object of the tree);
#   - the kernel build and the mapctl build are free of warnings;
#   - each module is built for that kernel and each .ko another needs is a
#     DEPENDS of its package (tunnel6 -> kmod-iptunnel6, ...);
#   - mapctl builds both with OpenWrt's pkg-config and without any, and
#     each library it links is a DEPENDS of package mapctl;
#   - each file a package installs exists (the handler's: SKIP while
#     openwrt/mape/files is not there).
#
# Cross-compilation, musl and big-endian targets are not covered.
#
# Usage: openwrt/test-build.sh [-v]
# Exit: 0 all passed, 1 a test failed, 4 skipped (no kernel headers, no gcc).

dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/.." && pwd)
source "$top/selftests/lib.sh"
test_fmt='TEST: %-66s  [%s]\n'
pkgdir=$dir/mape
VERBOSE=0
[ "$1" = "-v" ] && VERBOSE=1

require gcc make pkg-config readelf modinfo

. "$top/scripts/kernels.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mape-owrt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- the stub OpenWrt tree ---------------------------------------------------
# Only what openwrt/mape/Makefile uses; the names and the shape of each
# definition are OpenWrt's, the values the host's.
stub=$tmp/topdir
staging=$stub/staging_dir/target
mkdir -p "$stub/include" "$staging/usr/include" "$staging/usr/lib/pkgconfig" \
	"$stub/staging_dir/host/bin"

# libnl as OpenWrt's package/libs/libnl stages it, pointing at the host's.
multiarch=$(gcc -print-multiarch)
ln -s /usr/include/libnl3 "$staging/usr/include/libnl3"
for lib in libnl-3 libnl-genl-3; do
	ln -s "/usr/lib/$multiarch/$lib.so" "$staging/usr/lib/$lib.so"
done
cat >"$staging/usr/lib/pkgconfig/libnl-3.0.pc" <<'EOF'
prefix=/usr
exec_prefix=${prefix}
libdir=${exec_prefix}/lib
includedir=${prefix}/include

Name: libnl
Description: Convenience library for netlink sockets
Version: 3.12.0
Libs: -L${libdir} -lnl-3
Cflags: -I${includedir}/libnl3
EOF
cat >"$staging/usr/lib/pkgconfig/libnl-genl-3.0.pc" <<'EOF'
prefix=/usr
exec_prefix=${prefix}
libdir=${exec_prefix}/lib
includedir=${prefix}/include

Name: libnl-genl
Description: Generic Netlink Library
Version: 3.12.0
Requires: libnl-3.0
Libs: -L${libdir} -lnl-genl-3
Cflags: -I${includedir}/libnl3
EOF
# OpenWrt's pkg-config wrapper (tools/pkgconf): prefix moved into staging.
cat >"$stub/staging_dir/host/bin/pkg-config" <<EOF
#!/bin/sh
PKG_CONFIG_LIBDIR=$staging/usr/lib/pkgconfig exec pkg-config \\
	--define-variable=prefix=$staging/usr \\
	--define-variable=exec_prefix=$staging/usr "\$@"
EOF
chmod +x "$stub/staging_dir/host/bin/pkg-config"

cat >"$stub/rules.mk" <<'EOF'
INCLUDE_DIR:=$(TOPDIR)/include
BUILD_DIR:=$(TOPDIR)/build_dir/target
STAGING_DIR:=$(TOPDIR)/staging_dir/target
STAGING_DIR_HOST:=$(TOPDIR)/staging_dir/host
PKG_CONFIG?=$(STAGING_DIR_HOST)/bin/pkg-config
export PKG_CONFIG
TARGET_CFLAGS:=-Os -pipe
TARGET_CPPFLAGS:=-I$(STAGING_DIR)/usr/include
TARGET_LDFLAGS:=-L$(STAGING_DIR)/usr/lib
TARGET_CC:=gcc
TARGET_CONFIGURE_OPTS = AR="gcc-ar" CC="$(TARGET_CC)" GCC="$(TARGET_CC)" \
	RANLIB="gcc-ranlib" STRIP=strip
INSTALL_BIN:=install -m0755
INSTALL_DIR:=install -d -m0755
INSTALL_DATA:=install -m0644
CP:=cp -fpR
EOF

cat >"$stub/include/kernel.mk" <<'EOF'
LINUX_DIR:=/lib/modules/$(KVER)/build
LINUX_VERSION:=$(KVER)
KERNEL_BUILD_DIR:=$(BUILD_DIR)/linux-$(KVER)
KERNEL_MAKE = $(MAKE) -C $(LINUX_DIR)
AutoProbe=$(1)
AutoLoad=$(2)
EOF

# package.mk: the build steps as OpenWrt runs them (PKG_BUILD_DIR made
# anew, Build/Prepare, Build/Compile), and one install-NAME target per
# package into $(IDIR)/NAME, the kmods' FILES into lib/modules/KVER.
cat >"$stub/include/package.mk" <<'EOF'
PKG_JOBS:=-j2
MAKE_VARS = \
	CFLAGS="$(TARGET_CFLAGS) $(EXTRA_CFLAGS) $(TARGET_CPPFLAGS) $(EXTRA_CPPFLAGS)" \
	CXXFLAGS="$(TARGET_CXXFLAGS) $(EXTRA_CXXFLAGS) $(TARGET_CPPFLAGS) $(EXTRA_CPPFLAGS)" \
	LDFLAGS="$(TARGET_LDFLAGS) $(EXTRA_LDFLAGS)"
MAKE_FLAGS = $(TARGET_CONFIGURE_OPTS) CROSS="" ARCH="x86_64"
MAKE_PATH = .

define Build/Compile/Default
	+$(MAKE_VARS) \
	$(MAKE) $(PKG_JOBS) -C $(PKG_BUILD_DIR)/$(MAKE_PATH) \
		$(MAKE_FLAGS) \
		$(1);
endef

define KernelPackage
$(eval $(KernelPackage/$(1)))
KMODS+=kmod-$(1)
KMOD_FILES_kmod-$(1):=$(FILES)
KMOD_AUTOLOAD_kmod-$(1):=$(AUTOLOAD)
DEPENDS_kmod-$(1):=$(DEPENDS)
endef

define BuildPackage
$(eval $(Package/$(1)))
PKGS+=$(1)
DEPENDS_$(1):=$(DEPENDS)
endef

.PHONY: prepare compile compile-default info
prepare:
	rm -rf $(PKG_BUILD_DIR)
	mkdir -p $(PKG_BUILD_DIR)
	$(Build/Prepare)
compile:
	$(Build/Compile)
compile-default:
	$(call Build/Compile/Default)
info:
	@echo "PKG_BUILD_DIR=$(PKG_BUILD_DIR)"
	@echo "PKG_VERSION=$(PKG_VERSION)"
	@echo "PKG_RELEASE=$(PKG_RELEASE)"
	@$(foreach p,$(KMODS),echo "FILES $(p) $(KMOD_FILES_$(p))";)
	@$(foreach p,$(KMODS),echo "AUTOLOAD $(p) $(KMOD_AUTOLOAD_$(p))";)
	@$(foreach p,$(KMODS) $(PKGS),echo "DEPENDS $(p) $(DEPENDS_$(p))";)
install-kmod-%:
	install -d $(IDIR)/kmod-$*/lib/modules/$(KVER)
	install -m0644 $(KMOD_FILES_kmod-$*) $(IDIR)/kmod-$*/lib/modules/$(KVER)/
install-%:
	mkdir -p $(IDIR)/$*
	$(call Package/$*/install,$(IDIR)/$*)
EOF

# pmake ARGS...: make in the package directory against the stub.
pmake()
{
	make --no-print-directory -C "$pkgdir" TOPDIR="$stub" \
		IDIR="$tmp/ipkg" "$@"
}

# warnings FILE: the compiler's warnings in a build log (and pkg-config's
# complaints), for a failure detail.
warnings()
{
	grep -E 'warning:|[Ee]rror|not found' "$1" | head -20
}

# --- version -------------------------------------------------------------------
info=$(pmake KVER=none info 2>&1)
ver=$(sed -n 's/^PKG_VERSION=//p' <<<"$info")
rel=$(sed -n 's/^PKG_RELEASE=//p' <<<"$info")
dkms=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
[ -n "$ver" ] && [ "$ver" = "$dkms" ]
log_test $? "version: PKG_VERSION $ver is dkms.conf's" "dkms.conf: $dkms" "$info"
[[ $ver =~ ^[0-9]+(\.[0-9]+)*$ ]] && [[ $rel =~ ^[1-9][0-9]*$ ]]
log_test $? "version: $ver-r$rel valid for opkg and apk"

# kmod_for MODULE: the OpenWrt package that ships a module a .ko needs.
kmod_for()
{
	case $1 in
	mape) echo kmod-mape ;;
	tunnel6) echo kmod-iptunnel6 ;;
	nf_nat) echo kmod-nf-nat ;;
	nf_conntrack) echo kmod-nf-conntrack ;;
	nf_defrag_ipv4) echo kmod-nf-conntrack ;;
	nf_defrag_ipv6) echo kmod-nf-conntrack6 ;;
	*) echo "unknown:$1" ;;
	esac
}

# lib_pkg SONAME: the OpenWrt package that ships a shared library.
lib_pkg()
{
	case $1 in
	libnl-3.so.*) echo libnl-core ;;
	libnl-genl-3.so.*) echo libnl-genl ;;
	libc.so.*) echo libc ;;
	*) echo "unknown:$1" ;;
	esac
}

# has_dep PKG DEP: DEP (+DEP or @DEP) is in the DEPENDS of PKG.
has_dep()
{
	local deps

	[ "$2" = libc ] && return 0
	deps=$(sed -n "s/^DEPENDS $1 //p" <<<"$info")
	grep -Eq -- "(^| )[+@]?$2( |$)" <<<"$deps"
}

ran=0
for series in $MAPE_SERIES; do
	rel_k=$(series_release "$series")
	if [ -z "$rel_k" ] || [ ! -d "/lib/modules/$rel_k/build" ]; then
		log_test $ksft_skip "[$series] package build (headers not installed)"
		continue
	fi
	ran=1
	k() { pmake KVER="$rel_k" "$@"; }
	info=$(k info 2>&1)
	bdir=$(sed -n 's/^PKG_BUILD_DIR=//p' <<<"$info")
	log=$tmp/build-$series.log

	k prepare >"$log" 2>&1
	rc=$?
	stale=$(cd "$bdir" 2>/dev/null && find . \( -name '*.o' -o -name '*.ko' -o \
		-name '*.mod.c' -o -name '.*.cmd' -o -type f -name mapctl \) -print)
	[ $rc -eq 0 ] && [ -z "$stale" ] && [ -f "$bdir/kernel/Kbuild" ] &&
		[ -f "$bdir/include/uapi/linux/mape.h" ] &&
		[ -f "$bdir/tools/mapctl/Makefile" ] && [ -f "$bdir/tools/lib/mape_link.c" ]
	log_test $? "[$series] Build/Prepare: the tree's sources, no objects" \
		"exit $rc" ${stale:+"copied: $stale"} "$(tail -5 "$log")"

	k compile >"$log" 2>&1
	rc=$?
	w=$(warnings "$log")
	[ $rc -eq 0 ] && [ -z "$w" ]
	log_test $? "[$series] Build/Compile: kernel modules and mapctl, no warning" \
		"exit $rc" "$w" "$(tail -5 "$log")"

	# Each module: built for this kernel, its needs among DEPENDS.
	for kmod in $(sed -n 's/^FILES \([^ ]*\) .*/\1/p' <<<"$info"); do
		files=$(sed -n "s/^FILES $kmod //p" <<<"$info")
		ok=0
		detail=()
		for f in $files; do
			if [ ! -f "$f" ]; then
				ok=1
				detail+=("missing: $f")
				continue
			fi
			vm=$(modinfo -F vermagic "$f" | cut -d' ' -f1)
			if [ "$vm" != "$rel_k" ]; then
				ok=1
				detail+=("$f: vermagic $vm")
			fi
			for m in $(modinfo -F depends "$f" | tr ',' ' '); do
				d=$(kmod_for "$m")
				has_dep "$kmod" "$d" && continue
				ok=1
				detail+=("$(basename "$f") needs $m: $d not in DEPENDS")
			done
			name=$(basename "$f" .ko)
			if ! grep -q "^AUTOLOAD $kmod .*\\b$name\\b" <<<"$info"; then
				ok=1
				detail+=("AUTOLOAD does not name $name")
			fi
		done
		log_test $ok "[$series] $kmod: FILES built, DEPENDS cover modinfo" \
			"${detail[@]}" "$(grep "^DEPENDS $kmod " <<<"$info")"
		rm -rf "$tmp/ipkg"
		pmake KVER="$rel_k" "install-$kmod" >"$log" 2>&1
		[ -n "$(find "$tmp/ipkg/$kmod/lib/modules/$rel_k" -name '*.ko' 2>/dev/null)" ]
		log_test $? "[$series] $kmod installs its modules" "$(tail -5 "$log")"
	done
done

if [ $ran = 0 ]; then
	echo "SKIP: no kernel headers of scripts/kernels.sh installed (make deps)"
	exit $ksft_skip
fi

# --- mapctl --------------------------------------------------------------------
# The last kernel's build directory holds mapctl; check its libraries
# against DEPENDS, then build it again with no pkg-config at all.
mapctl=$bdir/tools/mapctl/mapctl
ok=0
detail=()
if [ -x "$mapctl" ]; then
	for so in $(readelf -d "$mapctl" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
		d=$(lib_pkg "$so")
		has_dep mapctl "$d" && continue
		ok=1
		detail+=("needs $so: $d not in DEPENDS")
	done
else
	ok=1
	detail+=("no $mapctl")
fi
log_test $ok "mapctl: DEPENDS cover the libraries it links" "${detail[@]}" \
	"$(grep '^DEPENDS mapctl ' <<<"$info")"

log=$tmp/mapctl-nopc.log
make -s -C "$bdir/tools/mapctl" clean >/dev/null 2>&1
pmake KVER="$rel_k" PKG_CONFIG=false compile-default >"$log" 2>&1
rc=$?
w=$(warnings "$log")
[ $rc -eq 0 ] && [ -z "$w" ] && [ -x "$mapctl" ]
log_test $? "mapctl: builds with the Makefile's flags alone (no pkg-config)" \
	"exit $rc" "$w" "$(tail -5 "$log")"

rm -rf "$tmp/ipkg"
log=$tmp/install-mapctl.log
pmake KVER="$rel_k" install-mapctl >"$log" 2>&1
[ -x "$tmp/ipkg/mapctl/usr/sbin/mapctl" ] &&
	"$tmp/ipkg/mapctl/usr/sbin/mapctl" calc rule-ipv6 2001:db8:100::/40 \
		rule-ipv4 192.0.2.0/24 ea-len 16 \
		end-user-prefix 2001:db8:112:3400::/56 >"$log" 2>&1
log_test $? "mapctl installs /usr/sbin/mapctl, which runs (calc)" "$(tail -5 "$log")"

# --- the handler package ---------------------------------------------------------
files=$(sed -n '/^define Package\/mape\/install/,/^endef/p' "$pkgdir/Makefile" |
	grep -o '\./files/[^ ]*')
if [ ! -d "$pkgdir/files" ]; then
	log_test $ksft_skip "mape: installs the handler's files (no openwrt/mape/files yet)"
else
	detail=()
	for f in $files; do
		[ -f "$pkgdir/$f" ] || detail+=("missing: openwrt/mape/${f#./}")
	done
	rm -rf "$tmp/ipkg"
	log=$tmp/install-mape.log
	pmake KVER="$rel_k" install-mape >"$log" 2>&1 || detail+=("$(tail -5 "$log")")
	for f in lib/netifd/proto/mape.sh; do
		[ -x "$tmp/ipkg/mape/$f" ] || detail+=("not installed executable: /$f")
	done
	[ ${#detail[@]} -eq 0 ]
	log_test $? "mape: installs the handler's files" "${detail[@]}"
	if [ -f "$pkgdir/files/README" ]; then
		detail=()
		for f in $(cd "$tmp/ipkg/mape" 2>/dev/null && find . -type f | sed 's/^\.//'); do
			grep -qF -- "$f" "$pkgdir/files/README" || detail+=("$f not in files/README")
		done
		[ ${#detail[@]} -eq 0 ]
		log_test $? "mape: each installed path is the one files/README lists" \
			"${detail[@]}"
	fi
fi

echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
