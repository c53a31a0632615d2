#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: warning-free build, style gates, mapctl tests on the host,
# then on each kernel of scripts/kernels.sh (6.1, 6.12): KUnit on UML,
# selftests, a short run of the fuzzers and a tiny run of the benchmarks in
# the VM. Every check prints one TEST line; the
# last line of output is "N passed, N failed, N skipped".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
source "$top/scripts/steps.sh"
source "$top/scripts/kernels.sh"
CACHE=${MAPE_CACHE:-$HOME/.cache/mape}

build()
{
	local out
	out=$({ make -s -C "$top" clean >/dev/null 2>&1; make -s -C "$top" all; } 2>&1)
	if grep -Eq 'warning:|error:|Error [0-9]' <<<"$out"; then
		printf '%s\n' "$out"
		test_line "build warning-free (module, mapctl, plugin)" FAIL
	else
		test_line "build warning-free (module, mapctl, plugin)" " OK "
	fi
}

# kunit SERIES: kunit.py's own result lines become TEST lines.
kunit()
{
	local out rc
	out=$(scripts/kunit.sh "$1" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[[0-9:]+\] ' | tail -n 80
	printf '%s\n' "$out" | sed -nE \
		-e 's/^\[[0-9:]+\] +\[PASSED\] (.*)/TEST: KUnit \1\t[ OK ]/p' \
		-e 's/^\[[0-9:]+\] +\[FAILED\] (.*)/TEST: KUnit \1\t[FAIL]/p' \
		-e 's/^\[[0-9:]+\] +\[SKIPPED\] (.*)/TEST: KUnit \1\t[SKIP]/p'
	if [ $rc -ne 0 ] && ! grep -q '\[FAILED\]' <<<"$out"; then
		printf '%s\n' "$out" | tail -n 40
		test_line "KUnit build and run on UML" FAIL
	fi
}

fuzzers()
{
	local out
	out=$(make -s -C "$top/selftests/fuzz" clean all 2>&1)
	if grep -Eq 'warning:|error:|Error [0-9]' <<<"$out"; then
		printf '%s\n' "$out"
		test_line "fuzzers build warning-free" FAIL
		return 1
	fi
	test_line "fuzzers build warning-free" " OK "
}

# vm SERIES ARGS...: selftests/vm/run booting that kernel, with the module
# style.sh built for it.
vm()
{
	local kver
	kver=$(series_release "$1")
	shift
	KVER=$kver MAPE_VM_KO_DIR=$CACHE/build/$kver/kernel selftests/vm/run "$@"
}

step "build" build
step "style (checkpatch; warnings and sparse on each kernel)" scripts/style.sh
step "mapctl on the host" selftests/mapctl/calc.sh
step "mapctl ce: DHCPv6 rules and BMR selection on the host" selftests/mapctl/ce.sh
step "mapctl commands on the host" selftests/mapctl/args.sh
step "ip plugin on the host" iproute2-plugin/test-args.sh
step "DKMS build and install on the host (nothing loaded)" selftests/dkms.sh
step "OpenWrt package recipe on the host (no SDK)" openwrt/test-build.sh
step "dhcpcd hook on the host" tools/dhcpcd/test-hook.sh
step "fuzzers built" fuzzers
# Debian's Jool SIIT for each VM kernel, the foreign translator of
# net/mapt_jool.sh (cached; minutes only the first time).
step "Jool SIIT for the VM kernels (scripts/jool.sh)" scripts/jool.sh
# Every kernel in turn; its TEST lines start with its series ([6.12]).
for series in $MAPE_SERIES; do
	kver=$(series_release "$series")
	step "KUnit (UML from linux-source-$series, KASAN, lockdep)" \
		labelled "$series" kunit "$series"
	step "selftests in the VM ($kver)" \
		labelled "$series" vm "$series" --timeout 2400 -- selftests/run_vm_tests
	# The fuzzers, short: netlink messages and packets (make fuzz runs
	# the full ones).
	step "fuzzers, short (VM, $kver)" \
		labelled "$series" vm "$series" --timeout 900 -- selftests/fuzz/run.sh --short
	# The benchmarks, tiny (a few hundred packets, 1k rules): their code
	# keeps working. No timing is asserted; make bench measures.
	step "benchmarks, quick (VM, $kver)" \
		labelled "$series" vm "$series" --timeout 900 -- bench/run-guest.sh --quick
done

# make check-all: the newest kernel Debian's archive reaches as well
# (scripts/newest-kernel.sh: built in a chroot of its suite, VM selftests).
if [ "${MAPE_CHECK_ALL:-0}" = 1 ]; then
	step "the newest Debian kernel: build and VM selftests" \
		scripts/newest-kernel.sh check
fi

steps_summary
