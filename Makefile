# SPDX-License-Identifier: GPL-2.0
# mape: MAP-E (RFC 7597) for Linux. See README.
#
#   make          build kernel/mape.ko, tools/mapctl/mapctl, iproute2-plugin/link_mape.so
#   make deps     install every Debian package building, testing and the demo need
#   make check    style gates, KUnit on UML, selftests in the VM; ends "N passed, N failed"
#   make check-debug  the VM selftests on a KASAN/kmemleak/lockdep/UBSAN kernel
#   make demo     boot the VM, create a device, show the seed domains
#   make install  module (+ depmod), mapctl, the ip plugin, man pages

MAPE_CACHE ?= $(HOME)/.cache/mape
export MAPE_CACHE

# The default kernel is the one the VM boots: Debian's linux-headers-amd64,
# not `uname -r` (the build host need not run a Debian kernel).
KVER ?= $(shell dpkg-query -W -f='$${Depends}' linux-headers-amd64 2>/dev/null | \
	sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
KDIR ?= /lib/modules/$(KVER)/build
export KVER KDIR

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
IP_LIB_DIR ?= /usr/lib/$(shell gcc -print-multiarch 2>/dev/null)/ip
DESTDIR ?=

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR)/kernel CONFIG_MAPE=m CONFIG_MAPE_NAT=m

.PHONY: all modules mapctl plugin deps check check-all kunit style selftests demo \
	install clean need-deps bench check-debug

all: modules mapctl plugin

# Install what is missing before building, so each target works alone on a
# fresh machine.
need-deps:
	@scripts/deps.sh

deps: need-deps

modules: need-deps
	$(KMAKE) modules

mapctl: need-deps
	$(MAKE) -C tools/mapctl

plugin:
	$(MAKE) -C iproute2-plugin

check: all
	@scripts/check.sh

# make check, then the newest kernel of Debian's archive (trixie-backports,
# sid): built in a chroot of its suite, every VM selftest on it.
check-all: all
	@MAPE_CHECK_ALL=1 scripts/check.sh

# The VM selftests on the debug kernel (scripts/debug-kernel.sh builds it
# once into $(MAPE_CACHE)/kimg-debug, and mape against it), then the guest
# kernel log by kind of report and kmemleak; ends "N passed, N failed".
check-debug: mapctl plugin
	@scripts/debug-kernel.sh check

kunit: need-deps
	scripts/kunit.sh

style: need-deps
	scripts/style.sh

selftests: all
	selftests/vm/run --timeout 1200 -- selftests/run_vm_tests

demo: all
	@scripts/demo.sh

# Benchmarks in the VM; Documentation/performance.rst. init_on_alloc=0 keeps
# pktgen ahead of the device under test, 4 GiB hold a million rules.
bench: all
	MAPE_VM_MEM=$${MAPE_VM_MEM:-4096} MAPE_VM_APPEND="init_on_alloc=0 $$MAPE_VM_APPEND" \
		selftests/vm/run --timeout 3600 -- bench/run-guest.sh $(BENCH_ARGS)

# The fuzzers (selftests/fuzz/README): netlink messages and packets in the
# VM, the full run; make check runs a short one. FUZZ_ARGS="--seed N"
# repeats a run.
.PHONY: fuzz fuzzers
fuzzers:
	$(MAKE) -C selftests/fuzz

fuzz: all fuzzers
	selftests/vm/run --timeout 3600 -- selftests/fuzz/run.sh --full $(FUZZ_ARGS)

# The dhcpcd hook (tools/dhcpcd/README) goes where Debian's runner looks,
# whatever PREFIX; an edited settings file is kept.
install: all
	$(KMAKE) INSTALL_MOD_PATH=$(DESTDIR) modules_install
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	install -D -m 0755 tools/mapctl/mapctl $(DESTDIR)$(SBINDIR)/mapctl
	install -D -m 0644 iproute2-plugin/link_mape.so $(DESTDIR)$(IP_LIB_DIR)/link_mape.so
	install -D -m 0644 Documentation/man/mapctl.8 $(DESTDIR)$(MANDIR)/man8/mapctl.8
	install -D -m 0644 Documentation/man/ip-link-mape.8 $(DESTDIR)$(MANDIR)/man8/ip-link-mape.8
	install -D -m 0644 tools/dhcpcd/60-mape $(DESTDIR)/usr/lib/dhcpcd/dhcpcd-hooks/60-mape
	[ -e $(DESTDIR)/etc/default/mape-dhcpcd ] || \
		install -D -m 0644 tools/dhcpcd/mape-dhcpcd.default $(DESTDIR)/etc/default/mape-dhcpcd
	install -D -m 0644 tools/dhcpcd/dhcpcd.conf.example \
		$(DESTDIR)$(PREFIX)/share/doc/mape/dhcpcd.conf.example

clean:
	-$(KMAKE) clean
	$(MAKE) -C tools/mapctl clean
	$(MAKE) -C iproute2-plugin clean
	$(MAKE) -C selftests/fuzz clean
