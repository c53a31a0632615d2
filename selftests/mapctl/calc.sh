#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mapctl calc on the host, no kernel needed: the RFC 7597 Appendix A
# examples, the interface-ID formats, CEs with an IPv4 prefix or an
# end-user prefix longer than /64, rejected input, and a round trip
# (end-user prefix -> IPv4 address + port -> the same CE) over rules drawn
# from a fixed seed.
#
# Usage: [MAPCTL=path/to/mapctl] calc.sh [-v]
# Exit: 0 all passed, 1 a test failed, 4 skipped (no mapctl or no jq).

dir=$(cd "$(dirname "$0")" && pwd)
source "$dir/../lib.sh"
test_fmt='TEST: %-66s  [%s]\n'
MAPCTL=${MAPCTL:-$dir/../../tools/mapctl/mapctl}
VERBOSE=0
[ "$1" = "-v" ] && VERBOSE=1

require "$MAPCTL" jq

# calc ARGS...: run "mapctl -j calc ARGS"; sets $out (stdout), $err, $rc, $cmd.
calc()
{
	local errf

	errf=$(mktemp)
	cmd="mapctl -j calc $*"
	out=$("$MAPCTL" -j calc "$@" 2>"$errf")
	rc=$?
	err=$(cat "$errf")
	rm -f "$errf"
}

# expect WHAT FILTER EXPECTED: jq -c FILTER on the last calc output.
expect()
{
	local what=$1 filter=$2 want=$3 got

	got=$(jq -c "$filter" <<<"$out" 2>&1)
	[ "$rc" -eq 0 ] && [ "$got" = "$want" ]
	log_test $? "$what" "$cmd" "exit $rc: $err" "$filter: got $got, want $want"
}

# expect_error WHAT TOKEN ARGS...: exit 1, nothing on stdout, and one
# "mapctl: " line on stderr naming TOKEN.
expect_error()
{
	local what=$1 token=$2 ok=0

	shift 2
	calc "$@"
	[ "$rc" -eq 1 ] || ok=1
	[ -z "$out" ] || ok=1
	[[ "$err" == "mapctl: "* ]] || ok=1
	[[ "$err" == *"$token"* ]] || ok=1
	[ "$(wc -l <<<"$err")" -eq 1 ] || ok=1
	log_test $ok "error: $what" "$cmd" "exit $rc, stdout '$out'" \
		"stderr '$err', want '$token'"
}

EX1_RULE="rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/24 ea-len 16"
EX1_CE6="2001:db8:12:3400:0:c000:212:34"

# RFC 7597 Appendix A, example 1: the CE's view, psid-offset 6 by default.
calc $EX1_RULE end-user-prefix 2001:db8:0012:3400::/56
expect "example 1: one JSON object" '[type, (.|length > 0)]' '["object",true]'
expect "example 1: ipv4" .ipv4 '"192.0.2.18"'
expect "example 1: psid 0x34" .psid 52
expect "example 1: psid_len, psid_offset" '[.psid_len, .psid_offset]' '[8,6]'
expect "example 1: ea_bits, ea_len" '[.ea_bits, .ea_len]' '[4660,16]'
expect "example 1: end_user_prefix" .end_user_prefix '"2001:db8:12:3400::/56"'
expect "example 1: ce_ipv6" .ce_ipv6 "\"$EX1_CE6\""
expect "example 1: first port ranges" '.ports[0:2]' '[[1232,1235],[2256,2259]]'
expect "example 1: last port range" '.ports[-1]' '[64720,64723]'
expect "example 1: 63 ranges, 252 ports" '[(.ports|length), .port_count]' '[63,252]'
expect "example 1: port_count is the sum of the ranges" \
	'[.port_count == ([.ports[] | .[1] - .[0] + 1] | add)]' '[true]'
expect "example 1: rule object" \
	'.rule | [.rule_ipv6, .rule_ipv4, .ea_len, .psid_offset, .psid_len]' \
	'["2001:db8::/40","192.0.2.0/24",16,6,8]'
expect "example 1: ifid rfc" .ifid '"rfc"'

# Examples 2 and 3: the BR's and an FMR's view of the same CE.
calc $EX1_RULE ipv4 192.0.2.18 port 1232
expect "examples 2/3: ce_ipv6 from ipv4 + port" .ce_ipv6 "\"$EX1_CE6\""
expect "examples 2/3: end_user_prefix" .end_user_prefix '"2001:db8:12:3400::/56"'
expect "examples 2/3: psid from port 1232" '[.psid, .port, .port_in_set]' '[52,1232,true]'
calc $EX1_RULE ipv4 192.0.2.18 psid 0x34
expect "examples 2/3: ce_ipv6 from ipv4 + psid" .ce_ipv6 "\"$EX1_CE6\""
calc $EX1_RULE psid 0x34 ipv4 192.0.2.18 port 64723
expect "examples 2/3: port and psid that agree" .ce_ipv6 "\"$EX1_CE6\""

# Example 4: no EA bits, a full IPv4 address, no port sharing.
EX4_RULE="rule-ipv6 2001:db8:0012:3400::/56 rule-ipv4 192.0.2.1/32 ea-len 0"
calc $EX4_RULE end-user-prefix 2001:db8:0012:3400::/56
expect "example 4: ipv4" .ipv4 '"192.0.2.1"'
expect "example 4: all ports" '[.ports, .port_count]' '[[[0,65535]],65536]'
expect "example 4: psid 0, psid_len 0" '[.psid, .psid_len]' '[0,0]'
expect "example 4: ce_ipv6" .ce_ipv6 '"2001:db8:12:3400:0:c000:201:0"'
calc $EX4_RULE ipv4 192.0.2.1
expect "example 4: ipv4 mode without port or psid" .ce_ipv6 '"2001:db8:12:3400:0:c000:201:0"'

# Example 5: no EA bits, a PSID provisioned apart.
calc $EX4_RULE psid-len 8 psid 0x20 end-user-prefix 2001:db8:0012:3400::/56
expect "example 5: psid 0x20, psid_len 8" '[.psid, .psid_len]' '[32,8]'
expect "example 5: first port range" '.ports[0]' '[1152,1155]'
expect "example 5: last port range" '.ports[-1]' '[64640,64643]'
expect "example 5: ce_ipv6" .ce_ipv6 '"2001:db8:12:3400:0:c000:201:20"'
expect "example 5: provisioned psid in rule" '.rule.psid' 32
calc $EX4_RULE psid-len 8 psid 0x20 ipv4 192.0.2.1 port 1153
expect "example 5: ipv4 mode with a port of the set" .ce_ipv6 '"2001:db8:12:3400:0:c000:201:20"'

# draft-ietf-softwire-map-03 interface ID: 8 zero bits | IPv4 | PSID | 8
# zero bits = 00c0 0002 1200 3400. (The brief's "c0:0:212:3400" does not
# match that layout; see the report.)
calc $EX1_RULE ifid draft03 end-user-prefix 2001:db8:0012:3400::/56
expect "ifid draft03: ce_ipv6" .ce_ipv6 '"2001:db8:12:3400:c0:2:1200:3400"'
expect "ifid draft03: ifid" .ifid '"draft03"'
calc $EX1_RULE ifid draft03 ipv4 192.0.2.18 port 1232
expect "ifid draft03: ipv4 mode agrees" .ce_ipv6 '"2001:db8:12:3400:c0:2:1200:3400"'

# Fewer EA bits than IPv4 suffix bits: the CE gets an IPv4 prefix.
calc rule-ipv4 192.0.2.0/24 ea-len 4 rule-ipv6 2001:db8::/32 end-user-prefix 2001:db8:a000::/36
expect "CE IPv4 prefix: ipv4" .ipv4 '"192.0.2.160/28"'
expect "CE IPv4 prefix: all ports" .ports '[[0,65535]]'
calc rule-ipv4 192.0.2.0/24 ea-len 4 rule-ipv6 2001:db8::/32 ipv4 192.0.2.171
expect "CE IPv4 prefix: any address of it maps back" \
	'[.ipv4, .end_user_prefix]' '["192.0.2.160/28","2001:db8:a000::/36"]'

# An end-user prefix longer than /64 overrides the first IID byte.
calc rule-ipv6 2001:db8:ce:ab00::/56 rule-ipv4 198.51.100.0/24 ea-len 16 psid-len 8 \
	ipv4 198.51.100.2 port 6600
expect "/72 end-user prefix: psid 0x72" .psid 114
expect "/72 end-user prefix: end_user_prefix" .end_user_prefix '"2001:db8:ce:ab02:7200::/72"'
expect "/72 end-user prefix: ce_ipv6" .ce_ipv6 '"2001:db8:ce:ab02:7200:c633:6402:72"'

# Numbers in hex, keywords in any order.
calc end-user-prefix 2001:db8:12:3400::/56 ea-len 0x10 psid-offset 0x6 \
	rule-ipv4 192.0.2.0/24 psid 52 rule-ipv6 2001:db8::/40
expect "keywords in any order, hex numbers" .ce_ipv6 "\"$EX1_CE6\""

# Rejected input: exit 1, the bad token named on stderr.
expect_error "ea-len 49" "ea-len 49" \
	rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/24 ea-len 49 ipv4 192.0.2.18 psid 1
expect_error "psid-offset 17" "psid-offset 17" $EX1_RULE psid-offset 17 ipv4 192.0.2.18 psid 1
expect_error "psid-len 9 against the EA bits" "psid-len 9" \
	$EX1_RULE psid-len 9 end-user-prefix 2001:db8:12:3400::/56
expect_error "rule-ipv6 ::/129" "rule-ipv6 ::/129" \
	rule-ipv6 ::/129 rule-ipv4 192.0.2.0/24 ea-len 16 ipv4 192.0.2.18 psid 1
expect_error "rule-ipv4 192.0.2.0/33" "rule-ipv4 192.0.2.0/33" \
	rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/33 ea-len 16 ipv4 192.0.2.18 psid 1
expect_error "rule-ipv4 host bits" "rule-ipv4 192.0.2.1/24" \
	rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.1/24 ea-len 16 ipv4 192.0.2.18 psid 1
expect_error "rule-ipv6 host bits" "rule-ipv6 2001:db8::1/40" \
	rule-ipv6 2001:db8::1/40 rule-ipv4 192.0.2.0/24 ea-len 16 ipv4 192.0.2.18 psid 1
expect_error "end-user-prefix outside the rule" "end-user-prefix 2001:db9:12:3400::/56" \
	$EX1_RULE end-user-prefix 2001:db9:12:3400::/56
expect_error "end-user-prefix too short" "end-user-prefix 2001:db8:12::/48" \
	$EX1_RULE end-user-prefix 2001:db8:12::/48
expect_error "end-user-prefix host bits" "end-user-prefix 2001:db8:12:3400::1/56" \
	$EX1_RULE end-user-prefix 2001:db8:12:3400::1/56
expect_error "psid 0x300 with psid-len 8, ea-len 0" "psid 0x300" \
	$EX4_RULE psid-len 8 psid 0x300 end-user-prefix 2001:db8:12:3400::/56
expect_error "psid-len 8, ea-len 0, no psid" "psid-len 8" \
	$EX4_RULE psid-len 8 end-user-prefix 2001:db8:12:3400::/56
expect_error "psid with ea-len 0, no psid-len" "psid 0x20" \
	$EX4_RULE psid 0x20 end-user-prefix 2001:db8:12:3400::/56
expect_error "psid against the end-user prefix" "psid 0x35" \
	$EX1_RULE psid 0x35 end-user-prefix 2001:db8:12:3400::/56
expect_error "port 80 in the excluded A=0 range" "port 80" $EX1_RULE ipv4 192.0.2.18 port 80
expect_error "port and psid disagree" "port 1232" $EX1_RULE ipv4 192.0.2.18 port 1232 psid 0x35
expect_error "port not in the provisioned PSID" "port 1232" \
	$EX4_RULE psid-len 8 psid 0x20 ipv4 192.0.2.1 port 1232
expect_error "ipv4 mode, sharing, no port or psid" "ipv4 mode needs port or psid" \
	$EX1_RULE ipv4 192.0.2.18
expect_error "ipv4 outside the rule" "ipv4 192.0.3.18" $EX1_RULE ipv4 192.0.3.18 psid 1
expect_error "psid 0x100 with psid-len 8" "psid 0x100" $EX1_RULE ipv4 192.0.2.18 psid 0x100
expect_error "unknown keyword" "unknown keyword 'foo'" $EX1_RULE foo 1 ipv4 192.0.2.18 psid 1
expect_error "duplicate keyword" "duplicate keyword 'ea-len'" \
	$EX1_RULE ea-len 16 ipv4 192.0.2.18 psid 1
expect_error "missing value" "psid" $EX1_RULE ipv4 192.0.2.18 psid
expect_error "ipv4 300.1.1.1" "ipv4 300.1.1.1" $EX1_RULE ipv4 300.1.1.1 psid 1
expect_error "rule-ipv4 missing" "rule-ipv4 is missing" \
	rule-ipv6 2001:db8::/40 ea-len 16 ipv4 192.0.2.18 psid 1
expect_error "no end-user-prefix nor ipv4" "end-user-prefix or ipv4" $EX1_RULE
expect_error "end-user-prefix and ipv4 together" "end-user-prefix and ipv4" \
	$EX1_RULE end-user-prefix 2001:db8:12:3400::/56 ipv4 192.0.2.18
expect_error "port without ipv4" "port 1232" \
	$EX1_RULE end-user-prefix 2001:db8:12:3400::/56 port 1232
expect_error "port 65536" "port 65536" $EX1_RULE ipv4 192.0.2.18 port 65536
expect_error "not a number" "ea-len 0x1g" \
	rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/24 ea-len 0x1g ipv4 192.0.2.18
expect_error "ifid other" "ifid rfc6052" $EX1_RULE ifid rfc6052 ipv4 192.0.2.18 psid 1

# Usage and exit codes.
"$MAPCTL" help >/dev/null 2>&1
log_test $? "usage: mapctl help exits 0"
"$MAPCTL" -h | grep -q '^Usage:'
log_test $? "usage: mapctl -h prints usage on stdout"
"$MAPCTL" calc help | grep -q 'end-user-prefix'
log_test $? "usage: mapctl calc help"
"$MAPCTL" help calc | grep -q 'end-user-prefix'
log_test $? "usage: mapctl help calc"
"$MAPCTL" >/dev/null 2>&1
[ $? -eq 1 ] && [ -z "$("$MAPCTL" 2>/dev/null)" ] && "$MAPCTL" 2>&1 | grep -q '^Usage:'
log_test $? "usage: no arguments, usage on stderr, exit 1"
"$MAPCTL" frobnicate >/dev/null 2>&1
[ $? -eq 1 ]
log_test $? "usage: unknown command exits 1"

# Text output: the same numbers, lines within 80 columns.
text=$("$MAPCTL" calc $EX1_RULE ipv4 192.0.2.18 port 1232)
rc=$?
[ $rc -eq 0 ] && grep -q "192.0.2.18" <<<"$text" && grep -q "0x34 (52)" <<<"$text" &&
	grep -q "$EX1_CE6" <<<"$text" && grep -q "1232-1235, 2256-2259" <<<"$text" &&
	grep -q "64720-64723" <<<"$text" && grep -q "63 ranges" <<<"$text" &&
	grep -q "1232 is in the port set" <<<"$text" &&
	[ "$(awk '{ if (length > n) n = length } END { print n }' <<<"$text")" -le 80 ]
log_test $? "text output: example 1 values, lines <= 80 columns" "$text"

# Round trip over rules drawn from a fixed seed: a CE's end-user prefix
# gives its IPv4 address and ports; each of a few of those ports, with the
# address, must give back the same CE. Needs python3 for 128-bit prefixes.
gen_rules()
{
	python3 - <<'EOF'
import ipaddress, random

rnd = random.Random(7597)
for _ in range(16):
    while True:
        r6 = rnd.choice([24, 32, 36, 40, 44, 48, 52, 56, 60, 64, 72, 80])
        r4 = rnd.randint(8, 32)
        ea = rnd.randint(0, min(48, 128 - r6))
        k = max(ea - (32 - r4), 0)
        off = rnd.choice([0, 4, 6, 6, 6, 8])
        if k <= 16 and off + k <= 16:
            break
    p6 = rnd.getrandbits(r6) << (128 - r6)
    p4 = rnd.getrandbits(r4) << (32 - r4)
    eu = p6 | (rnd.getrandbits(ea) << (128 - r6 - ea) if ea else 0)
    print(f"rule-ipv6 {ipaddress.IPv6Address(p6)}/{r6}"
          f" rule-ipv4 {ipaddress.IPv4Address(p4)}/{r4} ea-len {ea}"
          f" psid-offset {off} ifid {rnd.choice(['rfc', 'draft03'])}"
          f"|{ipaddress.IPv6Address(eu)}/{r6 + ea}")
EOF
}

if ! command -v python3 >/dev/null || ! rules=$(gen_rules 2>/dev/null); then
	log_test "$ksft_skip" "round trip (no python3)"
else
	while IFS='|' read -r rule eu; do
		calc $rule end-user-prefix "$eu"
		if [ "$rc" -ne 0 ]; then
			log_test 1 "round trip: $rule" "$cmd" "$err"
			continue
		fi
		ce6=$(jq -r .ce_ipv6 <<<"$out")
		ip4=$(jq -r '.ipv4 | split("/")[0]' <<<"$out")
		ports=$(jq -r '.ports | [.[0][0], .[0][1], .[length / 2 | floor][0] + 1,
				.[-1][1]] | map(tostring) | join(" ")' <<<"$out")
		detail=("$cmd" "ce_ipv6 $ce6, ipv4 $ip4, ports $ports")
		ok=0
		for port in $ports; do
			calc $rule ipv4 "$ip4" port "$port"
			got=$(jq -r .ce_ipv6 <<<"$out" 2>/dev/null)
			if [ "$rc" -ne 0 ] || [ "$got" != "$ce6" ]; then
				ok=1
				detail+=("$cmd: exit $rc $err, ce_ipv6 $got")
			fi
		done
		log_test $ok "round trip: $rule" "${detail[@]}"
	done <<<"$rules"
fi

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
