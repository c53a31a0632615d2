# SPDX-License-Identifier: GPL-2.0
# Shared helpers for mape's selftests (sourced, kselftest style), and the
# one TEST line printer of the tree: the host tests (tools/, openwrt/,
# iproute2-plugin/), scripts/ and bench/ source it too, by its path from
# the top of the tree, so that every log has one format. Bash only.
#
# Each check prints "TEST: <what>  [ OK ]" / "[FAIL]" / "[SKIP]"; a script
# exits 0 when all passed, 1 when one failed, 4 (ksft skip) when it could
# not run at all.

ksft_skip=4
nfail=0
npass=0
nskip=0
# -v of a script that takes it; not read from the environment.
VERBOSE=0

# Computed here: a script may cd after sourcing this file by a relative path.
selftests_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ns_per_run: from here on, the namespaces this script and what it runs
# name (ip -n ce1, ip netns add br, veth ... netns core) are NAME-SUFFIX
# to the kernel, the suffix this run's, so that two runs on one machine
# neither collide nor delete each other's; scripts, TEST lines and `ip
# netns list` keep NAME. netns/ip does it; see there. A script run by one
# that called it (ip netns exec "$NS" "$0") keeps its suffix.
ns_per_run()
{
	[ -z "${MAPE_NS_SUFFIX:-}" ] || return 0
	# Without the wrapper, which a parent may have put on PATH: the real
	# ip is what the wrapper runs.
	PATH=${PATH//"$selftests_dir/netns:"/}
	MAPE_REAL_IP=$(command -v ip) || return 1
	MAPE_NS_SUFFIX=$(mktemp -u XXXXXX)
	PATH=$selftests_dir/netns:$PATH
	export MAPE_NS_SUFFIX MAPE_REAL_IP PATH
}

# require CMD... : skip the whole script (exit $ksft_skip) unless each is
# an installed command or, given with a slash, a built program; the line
# names the first that is missing.
require()
{
	local c

	for c in "$@"; do
		case $c in
		*/*) [ -x "$c" ] && continue
		     echo "SKIP: $c is not built" ;;
		*) command -v "$c" >/dev/null && continue
		   echo "SKIP: $c is not installed (scripts/deps.sh)" ;;
		esac
		exit "$ksft_skip"
	done
}

# MAPE_TIME_SCALE=N: timers the tests set and the waits that match them
# are N times longer, for a slow (debug) kernel where sending a few
# packets with scapy can outlast a 5 s timer. tscale SECONDS|MS prints
# the scaled value.
tscale()
{
	echo $(( $1 * ${MAPE_TIME_SCALE:-1} ))
}

# listening NS tcp|udp PORT: wait (up to 20 s) until a socket of NS listens
# on PORT: a server started in the background takes its time (python3
# under TCG, more on a loaded host); a fixed sleep loses the first packets.
listening()
{
	local i opt=-Hltn

	[ "$2" = udp ] && opt=-Hlun
	for i in $(seq 200); do
		ip netns exec "$1" ss $opt "sport = :$3" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# The layout of a TEST line. A script may widen the name's column (the
# host tests of mapctl and the plugin name whole command lines); the line
# must still start with "TEST: " and end with the bracketed result, the
# form scripts/steps.sh counts.
test_fmt='TEST: %-60s[%s]\n'

# test_line WHAT RESULT: print one line, RESULT " OK ", FAIL or SKIP,
# without counting it (for callers that count lines in a log).
test_line()
{
	# shellcheck disable=SC2059
	printf "$test_fmt" "$1" "$2"
}

# log_test RC WHAT [DETAIL...]: one check, counted: RC 0 passed,
# $ksft_skip skipped, any other failed. The DETAIL lines follow it when it
# did not pass, or always with VERBOSE=1, so a log explains a failure
# without a second run.
log_test()
{
	local rc=$1 what=$2 line

	shift 2
	if [ "$rc" -eq 0 ]; then
		test_line "$what" " OK "
		npass=$((npass + 1))
	elif [ "$rc" -eq "$ksft_skip" ]; then
		test_line "$what" SKIP
		nskip=$((nskip + 1))
	else
		test_line "$what" FAIL
		nfail=$((nfail + 1))
	fi
	if [ "$rc" -ne 0 ] || [ "$VERBOSE" = 1 ]; then
		for line in "$@"; do
			printf '    %s\n' "$line"
		done
	fi
	return 0
}

# check WHAT CMD...: the command must succeed.
check()
{
	local what=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ $rc -eq 0 ] || printf '    %s\n    -> exit %d: %s\n' "$*" "$rc" "$out"
	log_test $((rc != 0)) "$what"
}

# check_fail WHAT PATTERN CMD...: the command must fail, and its message
# must match PATTERN (an extended regex).
check_fail()
{
	local what=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -Eq -- "$pat" <<<"$out"; then
		log_test 0 "$what"
	else
		printf '    %s\n    -> exit %d: %s\n    expected failure matching: %s\n' \
			"$*" "$rc" "$out" "$pat"
		log_test 1 "$what"
	fi
}

# check_eq WHAT GOT WANT
check_eq()
{
	[ "$2" = "$3" ] || printf '    got "%s", want "%s"\n' "$2" "$3"
	log_test $([ "$2" = "$3" ]; echo $?) "$1"
}

# Counter of a link from `ip -j -s link` (e.g. tx.dropped); ns optional.
link_stat()
{
	local ns=$1 dev=$2 key=$3

	ip ${ns:+-n "$ns"} -j -s link show dev "$dev" |
		python3 -c "import json,sys; s=json.load(sys.stdin)[0]['stats64']; print(s['${key%%.*}']['${key#*.}'])"
}

# Why mape freed the packets it freed: drop_reasons_start arms a histogram
# of the skb:kfree_skb tracepoint by call site and reason; drop_reasons
# prints "REASON COUNT", one line per reason, for the call sites in mape
# since then, and disarms it. The tracepoint is global: only mape's own
# call sites are counted.
DROP_EVENT=/sys/kernel/tracing/events/skb/kfree_skb
drop_reasons_start()
{
	echo '!hist:keys=location.sym,reason' >$DROP_EVENT/trigger 2>/dev/null
	echo 'hist:keys=location.sym,reason' >$DROP_EVENT/trigger
}

drop_reasons()
{
	# The format names the reasons' values: { 2, "NOT_SPECIFIED" }, ...
	{
		grep -o '{ [0-9]*, "[A-Z0-9_]*" }' $DROP_EVENT/format | tr -d '{},"'
		echo --
		grep '\[mape\]' $DROP_EVENT/hist
	} | awk '
		$1 == "--" { hist = 1; next }
		!hist { name[$1] = $2; next }
		match($0, /reason: *[0-9]+/) {
			r = substr($0, RSTART, RLENGTH); sub(/reason: */, "", r)
			h = $0; sub(/.*hitcount: */, "", h)
			c[r in name ? name[r] : r] += h + 0
		}
		END { for (r in c) print r, c[r] }' | sort
	echo '!hist:keys=location.sym,reason' >$DROP_EVENT/trigger
}

ksft_exit()
{
	[ "$nfail" -eq 0 ] && exit 0
	exit 1
}
