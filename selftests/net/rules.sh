#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mapctl and the rule table in the kernel: rule add/del/show/flush round
# trips on a CE and a BR ("rule show" pastes back into "mapctl -b"), bmr
# then fmr of the same rule giving one bmr+fmr rule, the "needs:" line of
# "mapctl show"; bad input of every kind refused with a message naming the
# problem, a non-zero exit, and nothing changed (mapctl -j rule show,
# mapctl -j show and ip -d link compared before and after); 1000 FMRs
# batch-loaded on a BR, looked up and flushed.
#
#   [ netns mape-rules ]   no traffic, devices only (the script runs in it):
#     ce0  mape ce  end-user-prefix 2001:db8:112:3400::/56
#     ce1  mape ce  end-user-prefix 2001:db8:112:3400::/56 (BMR errors)
#     br0  mape br  br-addr 2001:db8:ffff::1
#     big0 mape br  br-addr 2001:db8:fffe::1 (1000 rules)
#     lo             not a mape device

dir=$(dirname "$0")
source "$dir/../lib.sh"
ns_per_run
source "$dir/topo.sh"	# RULE, BR_ADDR

NS=mape-rules
# The tests run inside the namespace: one "ip netns exec" costs more than
# the command it runs in the VM.
if [ "$1" != --in-netns ]; then
	cleanup() { ip netns del $NS 2>/dev/null; }
	trap cleanup EXIT
	ip netns add $NS || exit $ksft_skip
	ip netns exec $NS "$0" --in-netns
	exit
fi

EU=2001:db8:112:3400::/56
CE_ADDR=2001:db8:112:3400:0:c000:212:34	# RFC 7597 example 1's shape
# Other rules, each of another kind.
FMR_B="rule-ipv6 2001:db8:200::/40 rule-ipv4 198.51.100.0/24 ea-len 18 psid-offset 4"
FMR_C="rule-ipv6 2001:db8:300:100::/56 rule-ipv4 203.0.113.7/32 ea-len 0 psid-len 6 psid 0x2a"
FMR_D="rule-ipv6 2001:db8:400::/40 rule-ipv4 10.0.0.0/8 ea-len 8 psid-offset 0"
FMR_E="rule-ipv6 2001:db8:500::/48 rule-ipv4 100.64.0.0/16 ea-len 0"
tmp=$(mktemp -d)

cleanup()
{
	local d
	for d in ce0 ce1 br0 big0; do
		ip link del $d 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

m() { mapctl "$@"; }
sorted() { m "$@" | sort; }

# Everything a failed command must leave alone.
state()
{
	printf 'rule show\nshow\n' | mapctl -j -b -
	ip -d -j addr show
}

# bad WHAT PATTERN CMD...: CMD fails, says what is wrong (PATTERN, an
# extended regex), and changes nothing.
bad()
{
	local what=$1 pat=$2 before after out rc ok=0
	shift 2

	before=$(state)
	out=$("$@" 2>&1)
	rc=$?
	after=$(state)
	if [ $rc -eq 0 ]; then
		printf '    %s\n    -> exit 0 (want non-zero): %s\n' "$*" "$out"
		ok=1
	elif ! grep -Eq -- "$pat" <<<"$out"; then
		printf '    %s\n    -> exit %d: %s\n    expected a message matching: %s\n' \
			"$*" "$rc" "$out" "$pat"
		ok=1
	fi
	if [ "$before" != "$after" ]; then
		printf '    %s\n    -> changed the state:\n' "$*"
		diff <(echo "$before") <(echo "$after") | sed 's/^/    /'
		ok=1
	fi
	log_test $ok "$what"
	[ $ok -eq 0 ] && printf '    %s\n' "$out" | head -2
}

ip link set lo up
check "CE device ce0" ip link add ce0 type mape role ce \
	br-addr $BR_ADDR end-user-prefix $EU
check "CE device ce1" ip link add ce1 type mape role ce \
	br-addr $BR_ADDR end-user-prefix $EU
check "BR device br0" ip link add br0 type mape role br br-addr $BR_ADDR
check "BR device big0" ip link add big0 type mape role br br-addr 2001:db8:fffe::1

# --- the needs: line before anything else ----------------------------------
check_eq "show, CE without a BMR: needs a BMR first" \
	"$(m show dev ce0 | tail -1)" \
	"needs: a BMR: mapctl rule add dev ce0 bmr rule-ipv6 PFX rule-ipv4 PFX ea-len N"
check_eq "show, BR: needs its BR address" "$(m show dev br0 | tail -1)" \
	"needs: ip -6 addr add $BR_ADDR/128 dev br0"

# --- CE: add, bmr + fmr, show, flush, paste back ---------------------------
check "ce0: rule add bmr (the domain rule)" m rule add dev ce0 bmr $RULE
check_eq "ce0: rule show, psid-len filled in" "$(m rule show dev ce0)" \
	"dev ce0 bmr $RULE psid-len 8"
check_eq "ce0: show: IPv4 address and PSID from the BMR" \
	"$(m -j show dev ce0 | jq -r '.[0].ce | "\(.ipv4) \(.psid) \(.ce_ipv6)"')" \
	"192.0.2.18 52 $CE_ADDR"
check_eq "show, CE: needs its MAP address" "$(m show dev ce0 | tail -1)" \
	"needs: ip -6 addr add $CE_ADDR/128 dev ce0"
line=$(m show dev ce0 | tail -1)
check "the needs: line runs as it stands" sh -c "${line#needs: }"
check_eq "  and then says # present" "$(m show dev ce0 | tail -1)" \
	"needs: ip -6 addr add $CE_ADDR/128 dev ce0  # present"

check "ce0: rule add fmr, same parameters" m rule add dev ce0 fmr $RULE
check_eq "ce0: one rule, shown as bmr+fmr" "$(m rule show dev ce0)" \
	"dev ce0 bmr+fmr $RULE psid-len 8"
check_eq "ce0: -j type [bmr, fmr], 1 rule" \
	"$(m -j rule show dev ce0 | jq -c '[length, .[0].type]')/$(m -j show dev ce0 | jq '.[0].rules')" \
	'[1,["bmr","fmr"]]/1'
for r in "$FMR_B" "$FMR_C" "$FMR_D" "$FMR_E"; do
	check "ce0: rule add fmr ${r%% rule-ipv4*}" m rule add dev ce0 fmr $r
done
check_eq "ce0: 5 rules" "$(m rule show dev ce0 | wc -l)/$(m -j show dev ce0 | jq '.[0].rules')" 5/5
check_eq "ce0: provisioned PSID shown in hex" \
	"$(m rule show dev ce0 | grep -c 'rule-ipv4 203.0.113.7/32 ea-len 0 psid-offset 6 psid-len 6 psid 0x2a$')" 1

m rule show dev ce0 > "$tmp/ce0.rules"
m -j rule show dev ce0 | jq -S 'sort_by(.rule_ipv4)' > "$tmp/ce0.json"
m -j show dev ce0 > "$tmp/ce0.show"
check "ce0: rule flush" m rule flush dev ce0
check_eq "ce0: no rule left (text, -j, show)" \
	"$(m rule show dev ce0 | wc -l)/$(m -j rule show dev ce0)/$(m -j show dev ce0 | jq -c '.[0] | [.rules, has("bmr"), has("ce")]')" \
	'0/[]/[0,false,false]'
sed 's/^/rule add /' "$tmp/ce0.rules" > "$tmp/ce0.batch"
check "ce0: rule show output pasted back with mapctl -b" m -b "$tmp/ce0.batch"
check_eq "ce0: the same rules again" "$(sorted rule show dev ce0)" "$(sort "$tmp/ce0.rules")"
check_eq "ce0: the same rules again (-j)" \
	"$(m -j rule show dev ce0 | jq -S 'sort_by(.rule_ipv4)')" "$(cat "$tmp/ce0.json")"
check_eq "ce0: the same domain again (show -j)" "$(m -j show dev ce0)" "$(cat "$tmp/ce0.show")"

check "ce0: rule del of an FMR" m rule del dev ce0 rule-ipv4 198.51.100.0/24
check_eq "ce0: 4 rules, that one gone" \
	"$(m rule show dev ce0 | wc -l)/$(m rule show dev ce0 | grep -c 198.51.100)" 4/0
check "ce0: rule del of the BMR+FMR" m rule del dev ce0 rule-ipv4 192.0.2.0/24
check_eq "ce0: no BMR left, no CE address" \
	"$(m -j show dev ce0 | jq -c '.[0] | [.rules, has("bmr"), has("ce")]')" '[3,false,false]'
check "ce0: the BMR back" m rule add dev ce0 bmr+fmr $RULE

# --- BR: the same ----------------------------------------------------------
check "br0: rule add bmr" m rule add dev br0 bmr $RULE
check "br0: rule add fmr, same parameters" m rule add dev br0 fmr $RULE
check_eq "br0: one rule, bmr+fmr" "$(m rule show dev br0)" "dev br0 bmr+fmr $RULE psid-len 8"
for r in "$FMR_B" "$FMR_C" "$FMR_D" "$FMR_E"; do
	check "br0: rule add fmr ${r%% rule-ipv4*}" m rule add dev br0 fmr $r
done
m rule show dev br0 > "$tmp/br0.rules"
m -j show dev br0 > "$tmp/br0.show"
check_eq "rule show without dev: both devices" \
	"$(m rule show | wc -l)" 9
check "br0: rule flush" m rule flush dev br0
check_eq "br0: empty" "$(m rule show dev br0 | wc -l)/$(m -j show dev br0 | jq '.[0].rules')" 0/0
check "br0: pasted back from standard input (-b -)" \
	sh -c "sed 's/^/rule add /' '$tmp/br0.rules' | mapctl -b -"
check_eq "br0: the same rules again" "$(sorted rule show dev br0)" "$(sort "$tmp/br0.rules")"
check_eq "br0: the same domain again (show -j)" "$(m -j show dev br0)" "$(cat "$tmp/br0.show")"
check_eq "br0: lookup 192.0.2.18 port 1232 -> the CE of ce0" \
	"$(m -j lookup dev br0 ipv4 192.0.2.18 port 1232 | jq -r .ce_ipv6)" "$CE_ADDR"
check_eq "br0: lookup of the CE's address -> 192.0.2.18 PSID 0x34, exact" \
	"$(m -j lookup dev br0 ipv6 $CE_ADDR | jq -c '[.ipv4, .psid, .exact]')" '["192.0.2.18",52,true]'

# --- bad input: refused, named, nothing changed ----------------------------
echo "# bad input (each: non-zero exit, message, state unchanged)"
R6=rule-ipv6
bad "ea-len 49" "ea-len.*49|EA-bits length" \
	m rule add dev br0 fmr $R6 2001:db8:600::/40 rule-ipv4 198.18.0.0/24 ea-len 49
bad "psid-len inconsistent with ea-len (16 - 8 = 8, not 7)" "PSID length|psid-len" \
	m rule add dev br0 fmr $R6 2001:db8:600::/40 rule-ipv4 198.18.0.0/24 ea-len 16 psid-len 7
bad "psid-offset + psid-len > 16" "exceeds 16|psid-offset" \
	m rule add dev br0 fmr $R6 2001:db8:600::/40 rule-ipv4 198.18.0.0/24 ea-len 16 psid-offset 9
bad "host bits in rule-ipv4" "rule-ipv4.*(bits set beyond|host bits)|IPv4 prefix has bits" \
	m rule add dev br0 fmr $R6 2001:db8:600::/40 rule-ipv4 198.18.0.1/24 ea-len 16
bad "host bits in rule-ipv6" "rule-ipv6.*(bits set beyond|host bits)|IPv6 prefix has bits" \
	m rule add dev br0 fmr $R6 2001:db8:600::1/40 rule-ipv4 198.18.0.0/24 ea-len 16
bad "rule-ipv6 length + ea-len > 128" "exceeds 128|ea-len" \
	m rule add dev br0 fmr $R6 2001:db8:600::/120 rule-ipv4 198.18.0.0/24 ea-len 16
bad "psid without ea-len 0" "explicit PSID|psid" \
	m rule add dev br0 fmr $R6 2001:db8:600::/40 rule-ipv4 198.18.0.0/24 ea-len 16 psid 3
bad "duplicate IPv4 prefix, different parameters" "rule for this IPv4 prefix exists" \
	m rule add dev br0 fmr $R6 2001:db8:600::/40 rule-ipv4 192.0.2.0/24 ea-len 16
bad "the same rule and type again" "rule for this IPv4 prefix exists" \
	m rule add dev br0 fmr $RULE
bad "bmr+fmr of a rule that is bmr+fmr" "rule for this IPv4 prefix exists" \
	m rule add dev ce0 bmr+fmr $RULE
bad "a second rule with the same IPv6 prefix" "rule with this IPv6 prefix exists" \
	m rule add dev br0 fmr $R6 2001:db8:100::/40 rule-ipv4 198.18.0.0/24 ea-len 16
bad "a second BMR on a CE (fresh prefix)" "CE has a BMR already" \
	m rule add dev ce0 bmr $R6 2001:db8:600::/40 rule-ipv4 198.18.0.0/24 ea-len 16
bad "a second BMR on a CE (one of its FMRs)" "CE has a BMR already" \
	m rule add dev ce0 bmr $FMR_D
bad "a BMR without the CE's end-user prefix" "end-user prefix is not inside" \
	m rule add dev ce1 bmr $FMR_D
check "ce1: that rule as an FMR is fine" m rule add dev ce1 fmr $FMR_D
bad "  and then as its BMR: refused, stays an FMR" "end-user prefix is not inside" \
	m rule add dev ce1 bmr $FMR_D
check_eq "  ce1: still one FMR, no BMR" \
	"$(m rule show dev ce1 | cut -d' ' -f1-3)/$(m -j show dev ce1 | jq -c '.[0] | [.rules, has("bmr")]')" \
	"dev ce1 fmr/[1,false]"
bad "a BMR whose EA bits go past the end-user prefix" "shorter than" \
	m rule add dev ce1 bmr $R6 2001:db8:100::/40 rule-ipv4 192.0.2.0/24 ea-len 24 psid-offset 0
bad "rule del of an absent prefix" "no rule for this IPv4 prefix" \
	m rule del dev br0 rule-ipv4 198.18.0.0/24
bad "rule del of a prefix that only contains a rule" "no rule for this IPv4 prefix" \
	m rule del dev br0 rule-ipv4 192.0.2.0/25
for cmd in "rule add dev DEV fmr $FMR_B" "rule del dev DEV rule-ipv4 192.0.2.0/24" \
	   "rule flush dev DEV" "rule show dev DEV" "show dev DEV" "stats dev DEV" \
	   "lookup dev DEV ipv4 192.0.2.18 port 1232"; do
	bad "unknown device: ${cmd%% dev*}" "no such device" m ${cmd//DEV/nosuch0}
	bad "not a mape device (lo): ${cmd%% dev*}" "not a mape device" m ${cmd//DEV/lo}
done
bad "lookup ipv4 without a rule" "no rule matches" \
	m lookup dev br0 ipv4 198.18.0.1 port 5000
bad "lookup ipv6 without a rule" "no rule matches" \
	m lookup dev br0 ipv6 2001:db8:f00::1
bad "lookup ipv4 on a device without rules" "no rule matches" \
	m lookup dev big0 ipv4 192.0.2.18 port 1232
bad "lookup ipv4, port 80 (A = 0, excluded with offset 6)" "port belongs to no CE|port 80" \
	m lookup dev br0 ipv4 192.0.2.18 port 80
bad "lookup ipv4, port 1023 (A = 0)" "port belongs to no CE|port 1023" \
	m lookup dev ce0 ipv4 192.0.2.18 port 1023
bad "ip link set: end-user prefix outside the BMR" "not inside the BMR" \
	ip link set ce0 type mape end-user-prefix 2001:db8:600:3400::/56
bad "ip link set: end-user prefix too short for the BMR" "not inside the BMR" \
	ip link set ce0 type mape end-user-prefix 2001:db8:112::/48
printf 'rule add dev br0 fmr %s\nrule add dev br0 fmr %s\n' \
	"$R6 2001:db8:600::/40 rule-ipv4 198.18.0.0/24 ea-len 16" \
	"$R6 2001:db8:100::/40 rule-ipv4 198.19.0.0/24 ea-len 16" > "$tmp/bad.batch"
check_fail "a batch stops at its failing line and names it" \
	"line 2: .*IPv6 prefix exists" m -b "$tmp/bad.batch"
check_eq "  the line before it ran" "$(m rule show dev br0 | grep -c 198.18.0.0/24)" 1
check "  and is removed again" m rule del dev br0 rule-ipv4 198.18.0.0/24
check_eq "ce0: still its BMR, address and rules" "$(m -j show dev ce0 | jq -c '.[0] | [.rules, .ce.ipv4]')" \
	'[4,"192.0.2.18"]'

# --- 1000 FMRs on a BR -----------------------------------------------------
awk 'BEGIN {
	for (i = 0; i < 1000; i++)
		printf "rule add dev big0 fmr rule-ipv6 2001:%x:%x00::/40 rule-ipv4 10.%d.%d.0/24 ea-len 16\n",
			4096 + int(i / 256), i % 256, int(i / 256), i % 256
}' > "$tmp/big.batch"
t0=$(date +%s%N)
check "big0: 1000 FMRs batch-loaded" m -b "$tmp/big.batch"
t1=$(date +%s%N)
echo "    (loaded in $(( (t1 - t0) / 1000000 )) ms)"
check_eq "big0: show -j counts 1000 rules" "$(m -j show dev big0 | jq '.[0].rules')" 1000
check_eq "big0: rule show prints 1000 lines" "$(m rule show dev big0 | wc -l)" 1000
check_eq "big0: rule show -j lists 1000 distinct prefixes" \
	"$(m -j rule show dev big0 | jq '[.[].rule_ipv4] | unique | length')" 1000
check_eq "rule show without dev: big0's and the others'" \
	"$(m rule show | wc -l)" $((1000 + 4 + 1 + 5))
for i in 0 1 257 600 999; do
	a=$((i / 256)) b=$((i % 256))
	r6=$(printf '2001:%x:%x00::/40' $((4096 + a)) $b)
	want=$(mapctl -j calc rule-ipv6 "$r6" rule-ipv4 "10.$a.$b.0/24" ea-len 16 \
		ipv4 "10.$a.$b.77" port 40000 | jq -r .ce_ipv6)
	got=$(m -j lookup dev big0 ipv4 "10.$a.$b.77" port 40000)
	check_eq "big0: lookup 10.$a.$b.77 port 40000 hits rule $i" \
		"$(jq -r '"\(.rule.rule_ipv4) \(.ce_ipv6)"' <<<"$got")" "10.$a.$b.0/24 $want"
	check_eq "big0: and back from $want" \
		"$(m -j lookup dev big0 ipv6 "$want" | jq -r '"\(.ipv4) \(.exact)"')" "10.$a.$b.77 true"
done
bad "big0: lookup outside all 1000" "no rule matches" \
	m lookup dev big0 ipv4 10.3.232.1 port 40000
check "big0: rule flush" m rule flush dev big0
check_eq "big0: 0 rules (show -j, rule show)" \
	"$(m -j show dev big0 | jq '.[0].rules')/$(m rule show dev big0 | wc -l)" 0/0
check_eq "the other devices kept theirs" "$(m rule show | wc -l)" 10

ksft_exit
