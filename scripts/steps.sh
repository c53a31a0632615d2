# SPDX-License-Identifier: GPL-2.0
# Sourced by scripts/check.sh and scripts/debug-kernel.sh: groups of checks
# that each print TEST lines, collected in $STEPS_LOG, and the summary line
# "N passed, N failed, N skipped" that ends make check's output.

source "$(dirname "${BASH_SOURCE[0]}")/../selftests/lib.sh"

STEPS_LOG=$(mktemp)
STEPS_TAILS=$(mktemp)
trap 'rm -f "$STEPS_LOG" "$STEPS_TAILS"' EXIT

# step NAME CMD...: run one group of checks. A group that fails without
# saying which check failed (a crash, an oops, a timeout) counts as a failed
# check of its own.
step()
{
	local name=$1 out rc
	shift
	echo "## $name"
	out=$(mktemp)
	# A failed group must not end a caller that runs under errexit
	# (scripts/debug-kernel.sh) before the later groups and the summary.
	rc=0
	"$@" 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ] && ! grep -q '^TEST: .*\[FAIL\]' "$out"; then
		test_line "$name (exit $rc)" FAIL | tee -a "$out"
		{
			echo "## $name: the last lines of its output"
			tail -n 25 "$out"
		} >>"$STEPS_TAILS"
	fi
	cat "$out" >>"$STEPS_LOG"
	rm -f "$out"
}

# labelled LABEL CMD...: CMD's TEST lines say LABEL first ("TEST: [6.12] ..."),
# the kernel they ran on.
labelled()
{
	local label=$1
	shift
	"$@" 2>&1 | sed -u "s/^TEST: /TEST: [$label] /"
	return "${PIPESTATUS[0]}"
}

# steps_failed: whether a step so far printed a failed check.
steps_failed()
{
	grep -q '^TEST: .*\[FAIL\]' "$STEPS_LOG"
}

# steps_summary: the failed checks again, and the end of the output of
# each step that failed without naming a check (a CI log may keep only
# its tail), then the last line; true when nothing failed.
steps_summary()
{
	local pass fail skip
	if steps_failed; then
		echo "## failed"
		grep '^TEST: .*\[FAIL\]' "$STEPS_LOG"
		cat "$STEPS_TAILS"
	fi
	pass=$(grep -c '^TEST: .*\[ OK \]' "$STEPS_LOG")
	fail=$(grep -c '^TEST: .*\[FAIL\]' "$STEPS_LOG")
	skip=$(grep -c '^TEST: .*\[SKIP\]' "$STEPS_LOG")
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
}
