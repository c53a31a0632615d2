# SPDX-License-Identifier: GPL-2.0
# Section scale, sourced by run-guest.sh.
#
# Rule scaling: BR encapsulation and decapsulation (64 B) with N rules, N =
# each of --rules, in s-N; the largest set is the one run_rules loaded.
# The same in mode t, in st-N with the same rules: its BR finds the rule of
# a translated packet's source by its IPv6 address, where mode e looks up
# IPv4 only.

# rules_held NS N: NS's mape0 holds N rules, or the run dies.
rules_held()
{
	local e
	e=$(ip netns exec "$1" mapctl -j show dev mape0 | jq '.[0].rules')
	[ "$e" = "$2" ] || die "$1: $e rules, want $2"
}

# load_rules NS N: N - 1 rules of $W/rules into NS's mape0 beside its BMR.
load_rules()
{
	[ "$2" -gt 1 ] || return 0
	head -n $(($2 - 1)) $W/rules | ip netns exec "$1" mapctl -b - ||
		die "$1: mapctl -b"
}

run_scale()
{
	local nmax=${RULES##*,} n l list=() listt=() ok e
	say "## rule scaling: mape BR (mode e, mode t) with ${RULES//,/, } rules"
	[ -s $W/rules ] || rules_files "$nmax"
	for n in ${RULES//,/ }; do
		[ -n "${HOLD[s-$n]:-}" ] || dut_add s-$n
		ip -n s-$n route add 203.0.113.0/24 dev sink0
		ip -n s-$n -6 route add 2001:db8:100::/40 dev sink0
		if ! ip netns exec s-$n mapctl -j show dev mape0 >/dev/null 2>&1; then
			br_add s-$n || die "s-$n: mape BR"
			load_rules s-$n "$n"
		fi
		rules_held s-$n "$n"
		list+=("s-$n:$n")
	done
	for n in ${RULES//,/ }; do
		dut_add st-$n
		ip -n st-$n route add 203.0.113.0/24 dev sink0
		ip -n st-$n -6 route add 2001:db8:100::/40 dev sink0
		brt_add st-$n || die "st-$n: mape BR, mode t"
		load_rules st-$n "$n"
		rules_held st-$n "$n"
		listt+=("st-$n:mapt-$n")
	done
	for test in br-enc br-dec; do
		if [ $QUICK = 1 ]; then
			ok=0
			for n in ${RULES//,/ }; do
				quick_run s-$n $test $n 64 || ok=1
			done
			log_test $ok "bench rule scaling $test (${RULES//,/, } rules) runs"
			ok=0
			for n in ${RULES//,/ }; do
				quick_run st-$n $test mapt-$n 64 || ok=1
			done
			log_test $ok "bench rule scaling $test mode t (${RULES//,/, } rules) runs"
			continue
		fi
		say "# $test 64 B"
		rounds $test 64 "${list[@]}"
		say "# $test 64 B, mode t"
		rounds $test 64 "${listt[@]}"
	done
	for n in ${RULES//,/ }; do
		e=$(mape_errors st-$n)
		[ -z "$e" ] || say "# warning: st-$n: mape dropped packets: $e"
		[ $QUICK = 1 ] && log_test "$([ -z "$e" ]; echo $?)" "bench rule scaling st-$n: no mape drops"
	done
	return 0
}
