#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mapctl ce plan on the host, no kernel needed: the RFC 7598 rules as
# odhcp6c prints them (MAPE, PSID left-aligned, every BR repeated in every
# rule, trailing ", ") and as dhcpcd hands over option 94 (hex), the BMR
# picked by longest match over one or several delegated prefixes, the
# defaults of map.sh's options (ealen from the prefix, legacymap), and
# every kind of bad input refused with exit 2 (the source) or 3 (no
# match), a message naming the rule and token or the byte, and nothing on
# stdout. The CE it computes is compared with mapctl calc's.
#
# Usage: [MAPCTL=path/to/mapctl] ce.sh
# Exit: 0 all passed, 1 a test failed, 4 skipped (no mapctl or no jq).

dir=$(cd "$(dirname "$0")" && pwd)
source "$dir/../lib.sh"
MAPCTL=${MAPCTL:-$dir/../../tools/mapctl/mapctl}

require "$MAPCTL" jq

# The strings odhcp6c printed for Kea's option 94 (one rule; two rules, the
# first with F set, and two BRs), byte for byte.
ONE='type=map-e,ealen=16,prefix4len=24,prefix6len=40,ipv4prefix=192.0.2.0,ipv6prefix=2001:db8:ff00::,offset=6,psidlen=8,psid=13312,br=2001:db8:ffff::1, '
TWO='fmr,type=map-e,ealen=16,prefix4len=24,prefix6len=40,ipv4prefix=192.0.2.0,ipv6prefix=2001:db8:ff00::,offset=6,psidlen=8,psid=13312,br=2001:db8:ffff::1,br=2001:db8:ffff::2, type=map-e,ealen=12,prefix4len=24,prefix6len=44,ipv4prefix=198.51.100.0,ipv6prefix=2001:db8:ee00::,br=2001:db8:ffff::1,br=2001:db8:ffff::2, '
# dhcpcd's new_dhcp6_mape_raw for the first rule of TWO and one BR.
HEX=00590015011018c00002002820010db8ff005d000406083400005a001020010db8ffff00000000000000000001
PD=2001:db8:ff12:3400::/56
CALC_RULE="rule-ipv6 2001:db8:ff00::/40 rule-ipv4 192.0.2.0/24 ea-len 16"

# plan ARGS...: mapctl -j ce plan; $out, $rc, $err.
plan()
{
	local errf

	errf=$(mktemp)
	out=$("$MAPCTL" -j ce plan "$@" 2>"$errf")
	rc=$?
	err=$(cat "$errf")
	rm -f "$errf"
}

# want WHAT FILTER VALUE: jq -c FILTER of the last plan.
want()
{
	local got

	got=$(jq -c "$2" <<<"$out" 2>&1)
	[ "$rc" -eq 0 ] && [ "$got" = "$3" ] ||
		printf '    exit %d: %s\n    %s: got %s, want %s\n' "$rc" "$err" "$2" "$got" "$3"
	log_test $([ "$rc" -eq 0 ] && [ "$got" = "$3" ]; echo $?) "$1"
}

# refused WHAT STATUS PATTERN ARGS...: exit STATUS, nothing on stdout, one
# message line matching PATTERN.
refused()
{
	local what=$1 status=$2 pat=$3 ok=1

	shift 3
	plan "$@"
	[ "$rc" -eq "$status" ] && [ -z "$out" ] &&
		[ "$(wc -l <<<"$err")" -eq 1 ] && grep -Eq -- "$pat" <<<"$err" && ok=0
	[ $ok -eq 0 ] || printf '    ce plan %s\n    exit %d (want %d), stdout "%s": %s\n    want: %s\n' \
		"$*" "$rc" "$status" "$out" "$err" "$pat"
	log_test $ok "$what"
}

# The same CE as calc computes it, member for member.
same_as_calc()
{
	local what=$1 c p

	shift
	c=$("$MAPCTL" -j calc "$@" | jq -Sc 'del(.rule, .ifid)')
	[ "$rc" -eq 0 ] && [ -n "$c" ] || c="calc failed or plan exit $rc: $err"
	p=$(jq -Sc '{ipv4, psid, psid_len, psid_offset, ea_bits, ea_len,
		end_user_prefix, ce_ipv6, port_count, ports}' <<<"$out")
	check_eq "$what" "$p" "$c"
}

plan rules "$ONE" end-user-prefix $PD
want "odhcp6c, one rule: BR" .br_addr '"2001:db8:ffff::1"'
want "odhcp6c, one rule: BMR (psidlen 8 kept)" '.bmr' \
	'{"rule_ipv6":"2001:db8:ff00::/40","rule_ipv4":"192.0.2.0/24","ea_len":16,"psid_offset":6,"psid_len":8}'
want "odhcp6c, one rule: no FMR" '.fmrs' '[]'
same_as_calc "odhcp6c, one rule: the CE is calc's" $CALC_RULE end-user-prefix $PD
text=$("$MAPCTL" ce plan rules "$ONE" end-user-prefix $PD)
check_eq "text form: shell assignments" \
	"$(eval "$text"; echo "$ipv4/$ipv4_len $psid $ce_ipv6 ${ports%% *} $fmr_count")" \
	"192.0.2.18/32 52 2001:db8:ff12:3400:0:c000:212:34 1232-1235 0"

plan rules "$TWO" end-user-prefix $PD
want "two rules: the /40 is the BMR for its PD" .bmr.rule_ipv4 '"192.0.2.0/24"'
want "two rules: fmr flag makes it an FMR" '[.fmrs[].rule_ipv4]' '["192.0.2.0/24"]'
want "two rules: the first of two BRs" .br_addr '"2001:db8:ffff::1"'
plan rules "$TWO" end-user-prefix 2001:db8:ee01:2300::/56
want "two rules: the /44 is the BMR for its PD" .bmr.rule_ipv4 '"198.51.100.0/24"'
want "two rules: the /44's CE (EA 0x123)" '[.ipv4, .psid, .psid_len, .ce_ipv6]' \
	'["198.51.100.18",3,4,"2001:db8:ee01:2300:0:c633:6412:3"]'
plan rules "$TWO" end-user-prefix 2001:db8:dd00::/56 end-user-prefix 2001:db8:ee00:4560::/60 \
	end-user-prefix $PD
want "several PDs: the first one a rule matches" .end_user_prefix '"2001:db8:ee00:4560::/60"'

# Longest match (RFC 7597 section 5): a /48 inside the /40 wins.
LONG='type=map-e,ealen=8,prefix4len=24,prefix6len=48,ipv4prefix=203.0.113.0,ipv6prefix=2001:db8:ff12::,br=2001:db8:ffff::9,'
plan rules "$ONE $LONG" end-user-prefix $PD
want "longest rule prefix is the BMR" '[.bmr.rule_ipv4, .br_addr, .ipv4]' \
	'["203.0.113.0/24","2001:db8:ffff::9","203.0.113.52"]'
plan rules "$LONG $ONE" end-user-prefix $PD
want "longest match whatever the order" .bmr.rule_ipv4 '"203.0.113.0/24"'

plan s46 $HEX end-user-prefix $PD
want "option 94 hex: same rule as the text" '[.bmr, .fmrs, .br_addr]' \
	"$(plan rules "${TWO%% *}" end-user-prefix $PD; jq -c '[.bmr, .fmrs, .br_addr]' <<<"$out")"
plan s46 "${HEX^^}" end-user-prefix $PD
want "option 94 hex: upper case" .ipv4 '"192.0.2.18"'
# Unknown options in the container and in the rule are skipped.
plan s46 "00ff00000059001d${HEX:8:42}00ee0004deadbeef${HEX:50}" end-user-prefix $PD
want "option 94 hex: unknown options skipped" '[.ipv4, .psid]' '["192.0.2.18",52]'

# A /64 end-user prefix: 20 EA bits after a /44.
plan rules 'type=map-e,ealen=20,prefix4len=24,prefix6len=44,ipv4prefix=192.0.2.0,ipv6prefix=2001:db8:ff00::,offset=4,br=2001:db8:ffff::1' \
	end-user-prefix 2001:db8:ff01:2345::/64
same_as_calc "/64 end-user prefix: the CE is calc's" \
	rule-ipv6 2001:db8:ff00::/44 rule-ipv4 192.0.2.0/24 ea-len 20 psid-offset 4 end-user-prefix 2001:db8:ff01:2345::/64
# map.sh's static options leave ealen out: the PD's bits after the rule.
plan rules 'type=map-e,prefix6len=40,ipv4prefix=192.0.2.0,prefix4len=24,ipv6prefix=2001:db8:ff00::,br=2001:db8:ffff::1' \
	end-user-prefix $PD
want "ealen left out: pdlen - prefix6len" .bmr.ea_len 16
plan rules 'type=map-e,ealen=16,prefix6len=40,ipv4prefix=192.0.2.0/24,ipv6prefix=2001:db8:ff00::/40,br=2001:db8:ffff::1' \
	end-user-prefix $PD
want "prefixes with /len" .bmr.rule_ipv4 '"192.0.2.0/24"'
# legacymap: draft-03 interface id and PSID offset 4 (a rule's offset wins).
plan rules "${ONE/offset=6,/}" end-user-prefix $PD legacymap
same_as_calc "legacymap: offset 4, draft-03 ifid" \
	$CALC_RULE psid-offset 4 ifid draft03 end-user-prefix $PD
want "legacymap: ifid" .ifid '"draft03"'
plan rules "$ONE" end-user-prefix $PD legacymap
want "legacymap: the rule's own offset kept" .psid_offset 6
# EA-bits length 0: the PSID is provisioned, left-aligned on the wire.
plan rules 'type=map-e,ealen=0,prefix4len=32,prefix6len=56,ipv4prefix=192.0.2.9,ipv6prefix=2001:db8:ff12:3400::,offset=4,psidlen=4,psid=12288,br=2001:db8:ffff::1' \
	end-user-prefix $PD
want "ealen 0: left-aligned psid 12288/4 is PSID 3" '[.bmr.psid, .psid, .ipv4]' '[3,3,"192.0.2.9"]'
plan s46 00590017000020c00002093820010db8ff1234005d000404043000005a001020010db8ffff00000000000000000001 end-user-prefix $PD
want "ealen 0 from option 94" '[.psid, .psid_len, .psid_offset, .ipv4]' '[3,4,4,"192.0.2.9"]'

refused "no end-user prefix: exit 3" 3 "end-user-prefix is missing" rules "$ONE"
refused "no rule matches: exit 3" 3 "no rule matches end-user-prefix 2001:db8:dd00::/56" \
	rules "$ONE" end-user-prefix 2001:db8:dd00::/56
refused "PD shorter than rule + EA bits: exit 3" 3 "rule 1 and end-user-prefix 2001:db8:ff00::/48: .*shorter" \
	rules "$ONE" end-user-prefix 2001:db8:ff00::/48
refused "unknown key" 2 "rule 1: 'colour=red': unknown key" rules "${ONE/br=/colour=red,br=}" end-user-prefix $PD
refused "not a number" 2 "rule 1: 'ealen=x': must be a decimal number 0..48" rules "${ONE/ealen=16/ealen=x}" end-user-prefix $PD
refused "number out of range" 2 "'prefix4len=33': must be a decimal number 0..32" rules "${ONE/prefix4len=24/prefix4len=33}" end-user-prefix $PD
refused "key twice" 2 "'ealen=8': key given twice" rules "${ONE/offset/ealen=8,offset}" end-user-prefix $PD
refused "lw4o6 rule" 2 "'type=lw4o6': not supported" rules "${ONE/map-e/lw4o6}" end-user-prefix $PD
refused "dmr key in a map-e rule" 2 "'dmr=2001:db8::/64': a MAP-T key: the rule needs type=map-t" \
	rules "${ONE/br=/dmr=2001:db8::/64,br=}" end-user-prefix $PD
refused "br key in a map-t rule" 2 "rule 1: '': br is MAP-E's" rules "${ONE/map-e/map-t}" end-user-prefix $PD
refused "bad BR" 2 "'br=2001:db8::g': not an IPv6 address" rules "${ONE/br=2001:db8:ffff::1/br=2001:db8::g}" end-user-prefix $PD
refused "no BR" 2 "rule 1: br is missing" rules "${ONE/br=2001:db8:ffff::1,/}" end-user-prefix $PD
refused "no ipv6prefix" 2 "rule 1: '': ipv6prefix is missing" rules "${ONE/ipv6prefix=2001:db8:ff00::,/}" end-user-prefix $PD
refused "prefix and /len disagree" 2 "prefix6len.*differs" rules "${ONE/ff00::,/ff00::\/48,}" end-user-prefix $PD
plan rules "${TWO/198.51.100.0/198.51.100.1}" end-user-prefix $PD
want "a bad rule that is neither BMR nor FMR: not used, not refused" .bmr.rule_ipv4 '"192.0.2.0/24"'
refused "... the same rule as the BMR" 2 "rule 2: rule IPv4 prefix has bits" \
	rules "${TWO/198.51.100.0/198.51.100.1}" end-user-prefix 2001:db8:ee01:2300::/56
BADFMR="${TWO#* }"
refused "a bad FMR, the BMR fine" 2 "rule 2: rule IPv4 prefix has bits" \
	rules "$ONE fmr,${BADFMR/198.51.100.0/198.51.100.1}" end-user-prefix $PD
refused "psid not left-aligned" 2 "psid 3 has bits beyond psidlen 4 .*PSID 0 is 0" \
	rules 'type=map-e,ealen=0,prefix4len=32,prefix6len=56,ipv4prefix=192.0.2.9,ipv6prefix=2001:db8:ff12:3400::,psidlen=4,psid=3,br=2001:db8:ffff::1' end-user-prefix $PD
plan rules "${ONE/psidlen=8,psid=13312/psidlen=0,psid=0}" end-user-prefix $PD
want "psidlen=0 (odhcp6c's PSID-len 0): the PSID length from the EA bits" \
	'[.psid_len, .psid, .psid_offset]' '[8,52,6]'
refused "fmr without ealen" 2 "rule 1: an fmr needs ealen" rules "fmr,${ONE/ealen=16,/}" end-user-prefix $PD
refused "EA bits past 48" 2 "rule 1: .*EA-bits" rules "${ONE/ealen=16/ealen=40}" end-user-prefix 2001:db8:ff00::/80
refused "no rules" 2 "rules: no rule given" rules "  " end-user-prefix $PD
refused "hex: odd length" 2 "s46: byte 0: .*even number" s46 "${HEX}0" end-user-prefix $PD
refused "hex: not a digit" 2 "s46: byte 2: not a hex digit" s46 "0059x0${HEX:6}" end-user-prefix $PD
refused "hex: truncated header" 2 "s46: byte 45: truncated option header" s46 "${HEX}005a" end-user-prefix $PD
refused "hex: option overruns" 2 "s46: byte 0: option overruns" s46 "00590099${HEX:8}" end-user-prefix $PD
refused "hex: rule shorter than its prefix" 2 "shorter than its prefix6-len" s46 "00590009011018c000020028ff" end-user-prefix $PD
refused "hex: rule prefix6-len 129" 2 "byte 11: S46_RULE prefix6-len" s46 "00590008011018c000020081" end-user-prefix $PD
refused "hex: portparams length" 2 "S46_PORTPARAMS \\(93\\) must be 4" s46 "00590014011018c00002002820010db8ff005d0003060834${HEX:58}" end-user-prefix $PD
refused "hex: BR length" 2 "S46_BR \\(90\\) must be 16" s46 "${HEX:0:50}005a000420010db8" end-user-prefix $PD
refused "hex: no rule" 2 "no S46_RULE" s46 "${HEX:50}" end-user-prefix $PD
refused "two sources" 1 "rules and s46: one source" rules "$ONE" s46 $HEX end-user-prefix $PD
refused "link keywords only with up" 1 "unknown keyword 'napt'" rules "$ONE" end-user-prefix $PD napt on
many=$(for i in $(seq 1025); do printf 'ipv6prefix=2001:db8::,prefix6len=32,ipv4prefix=192.0.2.1 '; done)
refused "more than 1024 rules" 2 "more than 1024 rules" rules "$many" end-user-prefix $PD
check_fail "ce up: ifid is the rules' (legacymap)" "ifid: set by mapctl ce" \
	"$MAPCTL" ce up m0 rules "$ONE" end-user-prefix $PD ifid draft03
check_fail "ce up: br-addr is the rules'" "br-addr: set by mapctl ce" \
	"$MAPCTL" ce up m0 rules "$ONE" end-user-prefix $PD br-addr 2001:db8::1
check_fail "ce down: bad name" "not a valid device name" "$MAPCTL" ce down a/b

# MAP-T (RFC 7599): odhcp6c's MAPT text, every rule of a container with
# its one DMR (RFC 7598 section 4.3), and dhcpcd's option 95 as hex: a
# mode t CE, the DMR for a BR, the route a mode t device needs.
T1='type=map-t,ealen=16,prefix4len=24,prefix6len=40,ipv4prefix=192.0.2.0,ipv6prefix=2001:db8:ff00::,offset=6,psidlen=8,psid=13312,dmr=2001:db8:ffff::/64, '
T2="$T1 fmr,${T1/ff00::/ee00::} type=map-t,ealen=2,prefix4len=28,prefix6len=60,ipv4prefix=203.0.113.16,ipv6prefix=2001:db8:dd00:10::,dmr=2001:db8:ffff::/64, "
# Option 95: T1's rule (F clear) and S46_DMR 2001:db8:ffff::/64 (91, length
# 9: the prefix length, then 8 bytes).
HEXT=00590015001018c00002002820010db8ff005d000406083400 DMR=005b00094020010db8ffff0000
plan rules "$T1" end-user-prefix $PD
want "MAPT text: mode t, the DMR, no BR" '[.mode, .dmr, .br_addr]' '["t","2001:db8:ffff::/64",null]'
want "MAPT text: the route into the device: the MAP address /128" .ipv6_route \
	'"2001:db8:ff12:3400:0:c000:212:34/128"'
same_as_calc "MAPT text: the CE is calc's" $CALC_RULE psid-len 8 end-user-prefix $PD
text=$("$MAPCTL" ce plan rules "$T1" end-user-prefix $PD)
check_eq "MAPT text form: shell assignments" \
	"$(eval "$text"; echo "$mode $dmr ${br_addr-none} $ipv4 $ipv6_route")" \
	"t 2001:db8:ffff::/64 none 192.0.2.18 2001:db8:ff12:3400:0:c000:212:34/128"
check_eq "MAP-E text form: mode e, no ipv6_route" \
	"$(eval "$("$MAPCTL" ce plan rules "$ONE" end-user-prefix $PD)"; echo "$mode ${ipv6_route-none}")" "e none"
plan rules "$T2" end-user-prefix $PD
want "MAPT text, two rules: the FMR, the BMR of the PD" '[.bmr.rule_ipv6, [.fmrs[].rule_ipv6]]' \
	'["2001:db8:ff00::/40",["2001:db8:ee00::/40"]]'
# A CE holding an IPv4 prefix: 2 EA bits after the /60 rule in a /62 PD,
# all of them IPv4 suffix of the /28: a /30.
plan rules "$T2" end-user-prefix 2001:db8:dd00:10::/62
want "MAPT: a CE holding an IPv4 prefix routes its /64" '[.ipv4, .ipv6_route]' \
	'["203.0.113.16/30","2001:db8:dd00:10::/64"]'
plan s46-mapt "$HEXT$DMR" end-user-prefix $PD
want "option 95 hex: the same CE as the text" '[.mode, .dmr, .bmr, .ipv4, .psid, .ipv6_route]' \
	"$(plan rules "$T1" end-user-prefix $PD; jq -c '[.mode, .dmr, .bmr, .ipv4, .psid, .ipv6_route]' <<<"$out")"
plan s46-mapt "${DMR}005a001020010db8ffff00000000000000000001$HEXT" end-user-prefix $PD
want "option 95 hex: DMR first, an S46_BR skipped" '[.dmr, .br_addr]' '["2001:db8:ffff::/64",null]'
plan s46-mapt "${HEXT}005b00052020010db8" end-user-prefix $PD
want "option 95 hex: a /32 DMR in 4 bytes" .dmr '"2001:db8::/32"'
refused "option 95: no DMR" 2 "s46-mapt: byte 25: no S46_DMR \\(91\\) in the option: a MAP-T container has exactly one" \
	s46-mapt "$HEXT" end-user-prefix $PD
refused "option 95: two DMRs" 2 "s46-mapt: byte 38: a second S46_DMR \\(91\\)" \
	s46-mapt "$HEXT$DMR${DMR/ffff/fffe}" end-user-prefix $PD
refused "option 95: DMR shorter than its length says" 2 "S46_DMR \\(91\\) of dmr-prefix6-len 64 must be 9 bytes long, not 8" \
	s46-mapt "${HEXT}005b00084020010db8ffff00" end-user-prefix $PD
refused "option 95: DMR longer than its length says" 2 "must be 5 bytes long, not 9" \
	s46-mapt "${HEXT}005b00092020010db8ffff0000" end-user-prefix $PD
refused "option 95: DMR without its length byte" 2 "S46_DMR \\(91\\) without its dmr-prefix6-len" \
	s46-mapt "${HEXT}005b0000" end-user-prefix $PD
refused "option 95: DMR length 129" 2 "byte 29: S46_DMR dmr-prefix6-len must be 0..128" \
	s46-mapt "${HEXT}005b000181" end-user-prefix $PD
refused "option 95: DMR /60, no RFC 6052 length" 2 "S46_DMR /60: its length is none of RFC 6052's" \
	s46-mapt "${HEXT}005b00093c20010db8ffff0000" end-user-prefix $PD
refused "option 95: a /33 DMR (its padding bits would be host bits)" 2 "S46_DMR /33: its length is none" \
	s46-mapt "${HEXT}005b00062120010db880" end-user-prefix $PD
refused "option 94's payload as option 95: no DMR" 2 "s46-mapt: .*no S46_DMR" s46-mapt $HEX end-user-prefix $PD
refused "option 95's payload as option 94: no BR" 2 "s46: rule 1: br is missing" s46 "$HEXT$DMR" end-user-prefix $PD
refused "MAPT text: no dmr" 2 "rule 1: '': dmr is missing" rules "${T1/dmr=2001:db8:ffff::\/64,/}" end-user-prefix $PD
refused "MAPT text: two DMRs in a rule" 2 "'dmr=2001:db8:fffe::/64': a second DMR" \
	rules "${T1% }dmr=2001:db8:fffe::/64," end-user-prefix $PD
refused "MAPT text: another DMR in rule 2" 2 "rule 2: 'dmr=2001:db8:fffe::/64': not rule 1's DMR" \
	rules "$T1 ${T1/ffff::/fffe::}" end-user-prefix $PD
refused "MAPT text: map-e and map-t rules mixed" 2 "rule 2: '': type=map-e beside rule 1's map-t" \
	rules "$T1 $ONE" end-user-prefix $PD
refused "MAPT text: dmr host bits" 2 "'dmr=2001:db8:ffff::1/64': bits set beyond its length" \
	rules "${T1/ffff::\/64/ffff::1\/64}" end-user-prefix $PD
refused "MAPT text: dmr /60" 2 "'dmr=2001:db8:ffff::/60': its length is none of RFC 6052's" \
	rules "${T1/::\/64/::\/60}" end-user-prefix $PD
refused "MAPT text: dmr without /length" 2 "'dmr=2001:db8:ffff::': the DMR needs its /length" \
	rules "${T1/::\/64/::}" end-user-prefix $PD
refused "two sources: s46 and s46-mapt" 1 "s46 and s46-mapt: one source" s46 $HEX s46-mapt "$HEXT$DMR" end-user-prefix $PD
check_fail "ce up: dmr is the rules'" "dmr: set by mapctl ce" \
	"$MAPCTL" ce up m0 rules "$T1" end-user-prefix $PD dmr 2001:db8::/64
check_fail "ce up: mode is the rules'" "mode: set by mapctl ce" \
	"$MAPCTL" ce up m0 rules "$T1" end-user-prefix $PD mode t

# Option 94 payloads damaged at random (fixed seed): each one a clean
# refusal or a plan, never a crash.
RANDOM=7
bad=
for i in $(seq 400); do
	h=$HEX$HEX
	case $((i % 4)) in
	0) h=${h:0:$((RANDOM % ${#h} & ~1))} ;;
	*) p=$((RANDOM % ${#h}))
	   h=${h:0:p}$(printf '%x' $((RANDOM % 16)))${h:p+1} ;;
	esac
	"$MAPCTL" ce plan s46 "$h" end-user-prefix $PD >/dev/null 2>&1
	rc=$?
	[ $rc -le 3 ] && [ $rc -ne 1 ] || { bad="$h exit $rc"; break; }
done
check_eq "400 damaged option 94 payloads: exit 0, 2 or 3" "$bad" ""

echo "$npass passed, $nfail failed"
ksft_exit
