#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: warning-free build, style gates, mapctl tests on the host,
# KUnit on UML, selftests, a short run of the fuzzers and a tiny run of the
# benchmarks in the VM. Every check prints one TEST line; the
# last line of output is "N passed, N failed, N skipped".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
source "$top/scripts/steps.sh"

build()
{
	local out
	out=$({ make -s -C "$top" clean >/dev/null 2>&1; make -s -C "$top" all; } 2>&1)
	if grep -Eq 'warning:|error:|Error [0-9]' <<<"$out"; then
		printf '%s\n' "$out"
		tline "build warning-free (module, mapctl, plugin)" FAIL
	else
		tline "build warning-free (module, mapctl, plugin)" " OK "
	fi
}

# kunit.py's own result lines become TEST lines.
kunit()
{
	local out rc
	out=$(scripts/kunit.sh 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[[0-9:]+\] ' | tail -n 80
	printf '%s\n' "$out" | sed -nE \
		-e 's/^\[[0-9:]+\] +\[PASSED\] (.*)/TEST: KUnit \1\t[ OK ]/p' \
		-e 's/^\[[0-9:]+\] +\[FAILED\] (.*)/TEST: KUnit \1\t[FAIL]/p' \
		-e 's/^\[[0-9:]+\] +\[SKIPPED\] (.*)/TEST: KUnit \1\t[SKIP]/p'
	if [ $rc -ne 0 ] && ! grep -q '\[FAILED\]' <<<"$out"; then
		printf '%s\n' "$out" | tail -n 40
		tline "KUnit build and run on UML" FAIL
	fi
}

step "build" build
step "style" scripts/style.sh
step "mapctl on the host" selftests/mapctl/calc.sh
step "mapctl commands on the host" selftests/mapctl/args.sh
step "ip plugin on the host" iproute2-plugin/test-args.sh
step "KUnit (UML, KASAN, lockdep)" kunit
step "selftests in the VM" selftests/vm/run --timeout 1500 -- selftests/run_vm_tests
# The fuzzers, short: netlink messages and packets in the VM (make fuzz
# runs the full ones). Built here, where warnings are looked for.
fuzz()
{
	local out
	out=$(make -s -C "$top/selftests/fuzz" clean all 2>&1)
	if grep -Eq 'warning:|error:|Error [0-9]' <<<"$out"; then
		printf '%s\n' "$out"
		tline "fuzzers build warning-free" FAIL
		return 1
	fi
	tline "fuzzers build warning-free" " OK "
	selftests/vm/run --timeout 900 -- selftests/fuzz/run.sh --short
}
step "fuzzers, short (VM)" fuzz

# The benchmarks, tiny (a few hundred packets, 1k rules): their code keeps
# working. No timing is asserted; make bench measures.
step "benchmarks, quick (VM)" selftests/vm/run --timeout 900 -- bench/run-guest.sh --quick

steps_summary
