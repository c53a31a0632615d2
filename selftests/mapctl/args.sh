#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mapctl's kernel commands (rule, show, lookup, stats, link) and batches
# on the host, no module needed:
#
#   - help, and every wrong argument refused before anything is sent (the
#     message names the token; with the module absent a correct command
#     gets the "not loaded" message instead, so the order is visible);
#   - batch files: comments, blank lines, line numbers, stop at the first
#     error;
#   - against fake_genl.so, a stand-in for the genl family LD_PRELOADed
#     into mapctl: extack messages, pipelined batches (errors matched to
#     their line by sequence number, requests in flight behind an error,
#     receive buffer overrun), dumps over several datagrams, text that
#     pastes back, JSON keys and escaping, unknown counters;
#   - mapctl link against its rtnetlink half (fake_rtnl.c): every wrong
#     argument refused with nothing sent, kernel errors, what add and set
#     send compared with what ip and the plugin send for the same words
#     (strace, as iproute2-plugin/test-args.sh does), and show compared
#     with `ip [-j] -d link show` of the same links (test-fakedump.so).
#
# Usage: [MAPCTL=path/to/mapctl] args.sh [-v]
# Exit: 0 all passed, 1 a test failed, 4 skipped (no mapctl or no jq).

dir=$(cd "$(dirname "$0")" && pwd)
source "$dir/../lib.sh"
test_fmt='TEST: %-66s  [%s]\n'
top=$(cd "$dir/../.." && pwd)
MAPCTL=${MAPCTL:-$top/tools/mapctl/mapctl}
VERBOSE=0
[ "$1" = "-v" ] && VERBOSE=1

require "$MAPCTL" jq

tmp=$(mktemp -d)
cleanup()
{
	rm -rf "$tmp"
}
trap cleanup EXIT

# run ARGS...: run mapctl; sets $out (stdout), $err (stderr), $rc, $cmd.
# $FAKE set: with fake_genl.so preloaded.
run()
{
	cmd="mapctl $*"
	if [ -n "$FAKE" ]; then
		LD_PRELOAD=$FAKE "$MAPCTL" "$@" >"$tmp/out" 2>"$tmp/err"
	else
		"$MAPCTL" "$@" >"$tmp/out" 2>"$tmp/err"
	fi
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# batch TEXT: run TEXT as "mapctl [-j] -b -" (BATCH_OPTS), same variables.
batch()
{
	printf '%s\n' "$1" >"$tmp/batch"
	run $BATCH_OPTS -b "$tmp/batch"
	cmd="mapctl $BATCH_OPTS -b <<< '$1'"
}

# expect_error WHAT MESSAGE ARGS...: exit 1, nothing on stdout, exactly one
# line on stderr, the whole of it "mapctl: MESSAGE".
expect_error()
{
	local what=$1 want="mapctl: $2" ok=0

	shift 2
	run "$@"
	[ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$err" = "$want" ] || ok=1
	log_test $ok "$what" "$cmd" "exit $rc, stdout '$out'" \
		"stderr '$err'" "want   '$want'"
}

# expect_batch_error WHAT TEXT MESSAGE...: the batch exits 1 and stderr is
# exactly the MESSAGE lines, each with "mapctl: " in front.
expect_batch_error()
{
	local what=$1 text=$2 want ok=0

	shift 2
	want=$(printf 'mapctl: %s\n' "$@")
	batch "$text"
	[ "$rc" -eq 1 ] && [ "$err" = "$want" ] || ok=1
	log_test $ok "$what" "$cmd" "exit $rc, stderr:" "$err" "want:" "$want"
}

# expect_ok WHAT: the last command exited 0 without a word on stderr.
expect_ok()
{
	[ "$rc" -eq 0 ] && [ -z "$err" ]
	log_test $? "$1" "$cmd" "exit $rc, stderr '$err'"
}

# expect_jq WHAT FILTER EXPECTED: jq -c FILTER on the last stdout.
expect_jq()
{
	local got

	got=$(jq -c "$2" <<<"$out" 2>&1)
	[ "$rc" -eq 0 ] && [ "$got" = "$3" ]
	log_test $? "$1" "$cmd" "exit $rc: $err" "$2: got $got, want $3"
}

NOT_LOADED="the mape kernel module is not loaded (generic netlink family mape not found)"
R1="rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/24 ea-len 16"
R5="rule-ipv6 2001:db8:12:3400::/56 rule-ipv4 192.0.2.1/32 ea-len 0"

## Help: stdout, exit 0.
for c in rule show lookup stats link; do
	run $c help
	[ $rc -eq 0 ] && [[ "$out" == Usage:* ]] && [ -z "$err" ]
	log_test $? "help: mapctl $c help" "$cmd: exit $rc, $err"
	run help $c
	[ $rc -eq 0 ] && [[ "$out" == Usage:* ]]
	log_test $? "help: mapctl help $c" "$cmd: exit $rc"
done
run rule add help
[ $rc -eq 0 ] && grep -q 'bmr+fmr' <<<"$out"
log_test $? "help: mapctl rule add help names bmr+fmr" "$cmd: exit $rc"
run help
[ $rc -eq 0 ] && grep -q -- '-b, --batch FILE' <<<"$out" && grep -q '^  lookup' <<<"$out" &&
	grep -q '^  link ' <<<"$out"
log_test $? "help: mapctl help lists -b and the new commands" "$cmd: exit $rc"
run rule
[ $rc -eq 1 ] && [ -z "$out" ] && [[ "$err" == Usage:* ]]
log_test $? "help: mapctl rule alone: usage on stderr, exit 1" "$cmd: exit $rc"

## Wrong arguments: refused before anything is sent.
expect_error "rule: unknown subcommand" \
	"rule frob: unknown command (add, del, show or flush)" rule frob
expect_error "rule add: unknown keyword" "unknown keyword 'ea_len'" \
	rule add dev m0 bmr rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/24 ea_len 16
expect_error "rule add: duplicate keyword" "duplicate keyword 'ea-len'" \
	rule add dev m0 bmr $R1 ea-len 16
expect_error "rule add: duplicate type" "duplicate keyword 'bmr'" \
	rule add dev m0 bmr bmr $R1
expect_error "rule add: missing value" "psid-len: missing value" \
	rule add dev m0 bmr $R1 psid-len
expect_error "rule add: no dev" "dev is missing" rule add bmr $R1
expect_error "rule add: dev too long" \
	"dev abcdefghijklmnop: a device name is 1..15 characters" \
	rule add dev abcdefghijklmnop bmr $R1
expect_error "rule add: dev with a slash" "dev a/b: not a valid device name" \
	rule add dev a/b bmr $R1
expect_error "rule add: no type" "the rule type is missing: bmr, fmr or bmr+fmr" \
	rule add dev m0 $R1
expect_error "rule add: bmr and fmr" "bmr and fmr exclude each other (bmr+fmr is both)" \
	rule add dev m0 bmr fmr $R1
expect_error "rule add: type as a value" "unknown keyword 'type'" \
	rule add dev m0 type bmr $R1
expect_error "rule add: no rule-ipv4" "rule-ipv4 is missing" \
	rule add dev m0 fmr rule-ipv6 2001:db8::/40 ea-len 16
expect_error "rule add: no ea-len" "ea-len is missing" \
	rule add dev m0 fmr rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/24
expect_error "rule add: bad IPv6 prefix" "rule-ipv6 2001:db8::: invalid IPv6 prefix" \
	rule add dev m0 bmr rule-ipv6 2001:db8:: rule-ipv4 192.0.2.0/24 ea-len 16
expect_error "rule add: /33" "rule-ipv4 192.0.2.0/33: invalid IPv4 prefix" \
	rule add dev m0 bmr rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/33 ea-len 16
expect_error "rule add: host bits (mape_rule_validate)" \
	"rule-ipv4 192.0.2.1/24: rule IPv4 prefix has bits set beyond its length" \
	rule add dev m0 bmr rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.1/24 ea-len 16
expect_error "rule add: ea-len 49" "ea-len 49: EA-bits length must be 0..48" \
	rule add dev m0 bmr rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/24 ea-len 49
expect_error "rule add: ea-len 256" "ea-len 256: must be 0..255" \
	rule add dev m0 bmr rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/24 ea-len 256
expect_error "rule add: psid-len against the EA bits" \
	"rule-ipv4 192.0.2.0/24 ea-len 16 psid-len 9: PSID length must equal EA-bits length minus IPv4 suffix bits" \
	rule add dev m0 bmr $R1 psid-len 9
expect_error "rule add: psid with EA bits" \
	"ea-len 16 psid 3: an explicit PSID needs EA-bits length 0 (the EA bits carry it)" \
	rule add dev m0 bmr $R1 psid 3
expect_error "rule add: psid-len without psid, ea-len 0" \
	"ea-len 0 psid-len 8: a PSID length with EA-bits length 0 needs an explicit PSID" \
	rule add dev m0 bmr $R5 psid-len 8
expect_error "rule add: psid 0x100 in 8 bits" \
	"psid-len 8 psid 0x100: PSID does not fit in the PSID length" \
	rule add dev m0 bmr $R5 psid-len 8 psid 0x100
expect_error "rule add: psid-offset 11 + psid-len 8" \
	"rule-ipv4 192.0.2.0/24 ea-len 16 psid-offset 11: PSID offset plus PSID length exceeds 16" \
	rule add dev m0 bmr $R1 psid-offset 11
expect_error "rule add: psid not a number" "psid 0x2g: invalid number" \
	rule add dev m0 bmr $R5 psid-len 8 psid 0x2g
expect_error "rule del: no dev" "dev is missing" rule del rule-ipv4 192.0.2.0/24
expect_error "rule del: no rule-ipv4" "rule-ipv4 is missing" rule del dev m0
expect_error "rule del: rule-ipv6 not taken" "unknown keyword 'rule-ipv6'" \
	rule del dev m0 rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/24
expect_error "rule del: host bits" \
	"rule-ipv4 192.0.2.1/24: rule IPv4 prefix has bits set beyond its length" \
	rule del dev m0 rule-ipv4 192.0.2.1/24
expect_error "rule del: an address, not a prefix" \
	"rule-ipv4 192.0.2.1: invalid IPv4 prefix" rule del dev m0 rule-ipv4 192.0.2.1
expect_error "rule flush: no dev" "dev is missing" rule flush
expect_error "rule flush: stray word" "unknown keyword 'm0'" rule flush dev m0 m0
expect_error "rule show: dev without a name" "dev: missing value" rule show dev
expect_error "rule show: unknown keyword" "unknown keyword 'all'" rule show all
expect_error "show: unknown keyword" "unknown keyword 'm0'" show m0
expect_error "show: empty dev" "dev : a device name is 1..15 characters" show dev ""
expect_error "stats: unknown keyword" "unknown keyword '-s'" stats -s
expect_error "lookup: no dev" "dev is missing" lookup ipv4 192.0.2.18 port 1232
expect_error "lookup: ipv4 and ipv6" "ipv4 and ipv6 exclude each other" \
	lookup dev m0 ipv4 192.0.2.18 port 1232 ipv6 2001:db8::1
expect_error "lookup: neither" "ipv4 or ipv6 is missing" lookup dev m0
expect_error "lookup: ipv4 without port" "ipv4 192.0.2.18: port is missing" \
	lookup dev m0 ipv4 192.0.2.18
expect_error "lookup: port with ipv6" "port 80: only valid with ipv4" \
	lookup dev m0 ipv6 2001:db8::1 port 80
expect_error "lookup: port 65536" "port 65536: must be 0..65535" \
	lookup dev m0 ipv4 192.0.2.18 port 65536
expect_error "lookup: a prefix for ipv6" "ipv6 2001:db8::/64: invalid IPv6 address" \
	lookup dev m0 ipv6 2001:db8::/64
expect_error "lookup: bad ipv4" "ipv4 192.0.2: invalid IPv4 address" \
	lookup dev m0 ipv4 192.0.2 port 1
run -x show
[ $rc -eq 1 ] && [ -z "$out" ] && [ "$(head -1 <<<"$err")" = "mapctl: unknown option '-x'" ] &&
	[ "$(sed -n 2p <<<"$err" | cut -c1-6)" = "Usage:" ]
log_test $? "global: unknown option, then the usage" "$cmd: exit $rc" "$err"
expect_error "global: -b without a file" "-b: missing file name" -b
expect_error "global: -b and a command" \
	"-b x: unexpected argument 'show' (commands go in the file)" -b x show
expect_error "global: -b unreadable" "-b $tmp/none: No such file or directory" \
	-b "$tmp/none"

## The module absent: correct commands get one clear message.
if [ -d /sys/module/mape ]; then
	log_test "$ksft_skip" "module absent: the mape module is loaded here"
else
	expect_error "module absent: rule add" "$NOT_LOADED" rule add dev m0 bmr $R1
	expect_error "module absent: rule show" "$NOT_LOADED" rule show
	expect_error "module absent: -j show" "$NOT_LOADED" -j show
	expect_error "module absent: stats dev m0" "$NOT_LOADED" stats dev m0
	expect_error "module absent: lookup" "$NOT_LOADED" \
		lookup dev m0 ipv6 2001:db8:12:3400:0:c000:212:34
	expect_batch_error "module absent: batch names the first kernel line" \
		"calc $R1 ipv4 192.0.2.18 port 1232
rule add dev m0 bmr $R1" "line 2: $NOT_LOADED"
fi

## Batch parsing.
batch "# a comment

   calc $R1 ipv4 192.0.2.18 port 1232   # trailing comment
	help calc"
[ $rc -eq 0 ] && grep -q '^ce-ipv6 *2001:db8:12:3400:0:c000:212:34$' <<<"$out" &&
	grep -q '^Usage:' <<<"$out"
log_test $? "batch: comments, blank lines, indentation, calc and help run" \
	"$cmd" "exit $rc: $err"
BATCH_OPTS=-j batch "calc $R1 ipv4 192.0.2.18 port 1232
calc $R1 ipv4 192.0.2.19 port 1232"
expect_jq "batch -j: one JSON document per command" '.ipv4' '"192.0.2.18"
"192.0.2.19"'
expect_batch_error "batch: stops at the first error, names its line" \
	"calc $R1 ipv4 192.0.2.18 port 1232
# two

calc $R1 ipv4 192.0.2.18 port 80
calc $R1 ipv4 192.0.2.18 port 1232" \
	"line 4: port 80: in no port set (psid-offset 6 excludes ports 0-1023)"
[ "$(grep -c '^ce-ipv6' <<<"$out")" = 1 ]
log_test $? "batch: nothing runs after the failing line" "$out"
expect_batch_error "batch: unknown command" "frob" \
	"line 1: unknown command 'frob' (try 'mapctl help')"
expect_batch_error "batch: a leading mapctl is a mistake" "mapctl rule show" \
	"line 1: unknown command 'mapctl' (try 'mapctl help')"
expect_batch_error "batch: options do not go on lines" "-j rule show" \
	"line 1: unknown command '-j' (try 'mapctl help')"
expect_batch_error "batch: a command alone says where its help is" "calc" \
	"line 1: calc: arguments missing (see 'mapctl calc help')"
expect_batch_error "batch: argument errors carry the line" \
	"
rule add dev m0 bmr $R1 psid 3" \
	"line 2: ea-len 16 psid 3: an explicit PSID needs EA-bits length 0 (the EA bits carry it)"
printf 'calc %s ipv4 192.0.2.18 port 1232\n' "$R1" | "$MAPCTL" -b - >/dev/null 2>&1
log_test $? "batch: - reads standard input"
batch ""
expect_ok "batch: an empty file succeeds"

## Against the fake genl family.
FAKE=
read -ra NL_CFLAGS <<<"$(pkg-config --cflags libnl-genl-3.0 2>/dev/null)"
if command -v cc >/dev/null &&
   cc -shared -fPIC -o "$tmp/fake_genl.so" -I"$top/include/uapi" \
	-I"$top/kernel" -I"$top/tools/mapctl" "${NL_CFLAGS[@]}" \
	"$dir/fake_genl.c" "$dir/fake_rtnl.c" "$top/kernel/mapping.c" -ldl \
	2>"$tmp/cc.log"; then
	FAKE=$tmp/fake_genl.so
else
	log_test "$ksft_skip" "fake genl family: cannot build fake_genl.so (no cc?)"
fi

if [ -n "$FAKE" ]; then
	# Kernel errors: the extack message, then the errno string.
	expect_error "fake: unknown device" "rule flush: no such device (No such device)" \
		rule flush dev nosuch
	expect_error "fake: dump of an unknown device" \
		"rule show: no such mape device (No such device)" rule show dev nosuch
	expect_error "fake: -j and an error before any reply print nothing" \
		"stats: no such device (No such device)" -j stats dev nosuch
	run rule show
	expect_ok "fake: an empty dump"
	run -j rule show
	expect_jq "fake: an empty dump is [] under -j" . '[]'
	expect_error "fake: rule del of no rule" \
		"rule del: no rule for this IPv4 prefix (No such file or directory)" \
		rule del dev m0 rule-ipv4 192.0.2.0/24
	expect_error "fake: lookup without rules" \
		"lookup: no rule matches (No such file or directory)" \
		lookup dev br0 ipv4 192.0.2.18 port 1232

	SETUP="rule add dev m0 bmr $R1
rule add dev m0 fmr rule-ipv6 2001:db8:100::/40 rule-ipv4 198.51.100.0/24 ea-len 16 psid-offset 4
rule add dev br0 bmr+fmr $R5 psid-len 8 psid 0x20
rule add dev br0 fmr $R1"
	batch "$SETUP
rule show"
	want="dev m0 bmr $R1 psid-offset 6 psid-len 8
dev m0 fmr rule-ipv6 2001:db8:100::/40 rule-ipv4 198.51.100.0/24 ea-len 16 psid-offset 4 psid-len 8
dev br0 bmr+fmr $R5 psid-offset 6 psid-len 8 psid 0x20
dev br0 fmr $R1 psid-offset 6 psid-len 8"
	[ $rc -eq 0 ] && [ "$out" = "$want" ]
	log_test $? "fake: rule show prints rule add's keywords" "$cmd" \
		"exit $rc: $err" "got:" "$out" "want:" "$want"
	shown=$out
	batch "$(sed 's/^/rule add /' <<<"$shown")
rule show"
	[ $rc -eq 0 ] && [ "$out" = "$shown" ]
	log_test $? "fake: rule show output pastes back into rule add" "$cmd" \
		"exit $rc: $err" "$out"
	batch "$SETUP
rule add dev m0 fmr $R1
rule show dev m0"
	[ $rc -eq 0 ] && [ "$(head -1 <<<"$out")" = "dev m0 bmr+fmr $R1 psid-offset 6 psid-len 8" ]
	log_test $? "fake: adding fmr to a bmr shows bmr+fmr" "$cmd" "exit $rc: $err" "$out"

	BATCH_OPTS=-j batch "$SETUP
rule show"
	expect_jq "fake: -j rule show: keys" '.[0] | keys_unsorted' \
		'["dev","type","rule_ipv6","rule_ipv4","ea_len","psid_offset","psid_len"]'
	expect_jq "fake: -j rule show: type lists" '[.[].type]' \
		'[["bmr"],["fmr"],["bmr","fmr"],["fmr"]]'
	expect_jq "fake: -j rule show: psid only when provisioned" \
		'[.[] | .psid]' '[null,null,32,null]'
	expect_jq "fake: -j rule show: values" \
		'.[0] | [.dev, .rule_ipv6, .rule_ipv4, .ea_len, .psid_offset, .psid_len]' \
		'["m0","2001:db8::/40","192.0.2.0/24",16,6,8]'

	BATCH_OPTS=-j batch "$SETUP
show"
	expect_jq "fake: -j show: one object per device" '[.[].dev]' \
		'["m0","br0","a\"b\\c"]'
	expect_jq "fake: -j show: device keys" '.[0] | keys_unsorted' \
		'["dev","ifindex","role","ifid","br_addr","rules","bmr","ce"]'
	expect_jq "fake: -j show: role, ifid, br_addr, rules" \
		'[.[] | [.role, .ifid, .br_addr, .rules]]' \
		'[["ce","rfc","2001:db8:ffff::1",2],["br","draft03","2001:db8:ffff::1",2],["br","rfc","2001:db8:ffff::1",0]]'
	expect_jq "fake: -j show: ce has calc's keys" '.[0].ce | keys_unsorted' \
		'["ipv4","psid","psid_len","psid_offset","ea_bits","ea_len","end_user_prefix","ce_ipv6","port_count","ports"]'
	expect_jq "fake: -j show: the CE of RFC 7597 example 1" \
		'.[0].ce | [.ipv4, .psid, .ce_ipv6, .port_count, .ports[0], .ports[-1]]' \
		'["192.0.2.18",52,"2001:db8:12:3400:0:c000:212:34",252,[1232,1235],[64720,64723]]'
	expect_jq "fake: -j show: no ce for a BR" '[.[1].ce, .[2].ce]' '[null,null]'

	batch "$SETUP
show dev m0"
	[ $rc -eq 0 ] &&
		grep -q '^bmr  *rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/24$' <<<"$out" &&
		grep -q '^  *ea-len 16 psid-offset 6 psid-len 8$' <<<"$out" &&
		grep -q '^ipv4 *192.0.2.18$' <<<"$out" &&
		grep -q '^psid *0x34 (52)$' <<<"$out" &&
		grep -q '^ports *252 in 63 ranges$' <<<"$out" &&
		grep -q '^ *1232-1235, 2256-2259, ' <<<"$out" &&
		[ "$(tail -1 <<<"$out")" = "needs: ip -6 addr add 2001:db8:12:3400:0:c000:212:34/128 dev m0" ] &&
		[ "$(awk '{ if (length > n) n = length } END { print n }' <<<"$out")" -le 80 ]
	log_test $? "fake: show of a CE: ports like calc, ends with the ip command" \
		"$cmd" "exit $rc: $err" "$out"
	run show
	[ $rc -eq 0 ] && grep -q "^needs: a BMR: mapctl rule add dev m0 bmr " <<<"$out" &&
		grep -q "^needs: ip -6 addr add 2001:db8:ffff::1/128 dev br0$" <<<"$out" &&
		grep -q "^needs: ip -6 addr add 2001:db8:ffff::1/128 dev 'a\"b\\\\c'$" <<<"$out" &&
		[ "$(grep -c '^$' <<<"$out")" = 2 ]
	log_test $? "fake: show: needs lines of a CE without BMR and of BRs, quoted" \
		"$cmd" "exit $rc: $err" "$out"

	BATCH_OPTS=-j batch "$SETUP
lookup dev m0 ipv4 192.0.2.18 port 1232
lookup dev m0 ipv6 2001:db8:12:3400:0:c000:212:34
lookup dev m0 ipv6 2001:db8:12:3400::1
lookup dev br0 ipv4 192.0.2.1 port 1153"
	expect_jq "fake: -j lookup ipv4: the CE" \
		'select(.exact == null) | [.rule.type, .rule.rule_ipv4, .ipv4, .psid, .psid_len, .ce_ipv6, .end_user_prefix]' \
		'[["bmr"],"192.0.2.0/24","192.0.2.18",52,8,"2001:db8:12:3400:0:c000:212:34","2001:db8:12:3400::/56"]
[["bmr","fmr"],"192.0.2.1/32","192.0.2.1",32,8,"2001:db8:12:3400:c0:2:100:2000","2001:db8:12:3400::/56"]'
	expect_jq "fake: -j lookup ipv6: exact or not" \
		'select(.exact != null) | [.ipv4, .psid, .exact]' \
		'["192.0.2.18",52,true]
["192.0.2.18",52,false]'
	expect_batch_error "fake: lookup of a port in no port set" \
		"$SETUP
lookup dev m0 ipv4 192.0.2.18 port 80" \
		"line 5: lookup: the port belongs to no CE of the rule (Numerical result out of range)"

	run -j stats
	expect_jq "fake: -j stats: counters in enum order, unknown as counter_N" \
		'.[0] | keys_unsorted' \
		'["dev","ifindex","encaps","encap_bytes","decaps","decap_bytes","decap_spoof","decap_wrong_dst","icmp_encap_errors","icmp_decap_errors","unsupported_protocol","v6_mtu_errors","no_rule","port_set","no_route","v4_fragment_drops","v4_reassembled","v6_reassembled","v6_fragment_drops","header_errors","v4_fragments_released","v4_fragment_expiries","v4_fragment_overflows","icmp_relayed","v6_fragmented","v4_fragmented","napt_translations","napt_exhausted","v4_segmented","tx_not_ipv4","xlat_untranslatable","xlat_udp_zero_checksum","xlat_source_route","xlat_ext_header","xlat_icmp_fragments","counter_33"]'
	BATCH_OPTS=-j batch "stats
stats dev br0"
	expect_jq "fake: -j stats: values, the pad attribute skipped" \
		'[.[] | [.dev, .encaps, .no_route, .header_errors, .counter_33]]' \
		'[["m0",1005,13005,18005,42],["br0",1006,13006,18006,42],["a\"b\\c",1007,13007,18007,42]]
[["br0",1006,13006,18006,42]]'
	run stats dev m0
	[ $rc -eq 0 ] && [ "$(head -1 <<<"$out")" = "dev m0" ] &&
		[ "$(sed -n 2p <<<"$out" | tr -s ' ')" = "encaps 1005" ] &&
		[ "$(sed -n '$p' <<<"$out" | tr -s ' ')" = "counter_33 42" ] &&
		[ "$(wc -l <<<"$out")" = 35 ]
	log_test $? "fake: stats: name value lines" "$cmd" "exit $rc: $err" "$out"

	# An error in the middle of a dump comes in NLMSG_DONE.
	FAKE_GENL_DUMP_ERROR=1 batch "$SETUP
rule show"
	[ $rc -eq 1 ] && [ "$out" = "dev m0 bmr $R1 psid-offset 6 psid-len 8" ] &&
		[ "$err" = "mapctl: line 5: rule show: the dump broke off (Input/output error)" ]
	log_test $? "fake: a dump that breaks off: what came, then its error" \
		"exit $rc" "$out" "$err"
	FAKE_GENL_DUMP_ERROR=1 BATCH_OPTS=-j batch "$SETUP
rule show"
	[ $rc -eq 1 ] && [ "$(jq -c '[.[].rule_ipv4]' <<<"$out")" = '["192.0.2.0/24"]' ]
	log_test $? "fake: (under -j the list is closed: valid JSON)" "exit $rc" "$out"

	# JSON escaping: a device name with a quote and a backslash.
	run -j stats dev 'a"b\c'
	expect_jq "fake: JSON escapes a device name" '.[0].dev' '"a\"b\\c"'
	[ "$(jq -r '.[0].dev' <<<"$out")" = 'a"b\c' ]
	log_test $? "fake: the escaped name reads back exactly" "$out"

	# Pipelined batches: errors come back by sequence number.
	seq 1 1000 | awk '{ printf "rule add dev br0 fmr rule-ipv6 2001:db8:%x::/48 rule-ipv4 10.%d.%d.0/24 ea-len 8\n", $1, $1 / 256, $1 % 256 }' \
		>"$tmp/rules"
	sed -n 300p "$tmp/rules" | sed 's/$/ psid-offset 4/' >"$tmp/dup"
	{ head -699 "$tmp/rules"; cat "$tmp/dup"; tail -n +700 "$tmp/rules"; } >"$tmp/b"
	run -b "$tmp/b"
	[ $rc -eq 1 ] && [ -z "$out" ] &&
		[ "$(head -1 <<<"$err")" = "mapctl: line 700: rule add: a rule for this IPv4 prefix exists (File exists)" ] &&
		[[ "$(sed -n 2p <<<"$err")" =~ ^mapctl:\ lines\ 701-[0-9]+\ were\ already\ in\ flight\ when\ line\ 700\ failed\;\ [0-9]+\ of\ them\ succeeded$ ]] &&
		[ "$(wc -l <<<"$err")" = 2 ]
	log_test $? "fake: pipelined batch names the failing line 700, counts those behind" \
		"exit $rc" "$err"

	# A later line's own error loses to an earlier line still in flight.
	expect_batch_error "fake: an earlier kernel error wins over a later bad line" \
		"rule add dev m0 bmr $R1
rule add dev m0 bmr rule-ipv6 2001:db8::/41 rule-ipv4 192.0.2.0/24 ea-len 16
rule add dev m0 bmr rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/33 ea-len 16" \
		"line 2: rule add: a rule for this IPv4 prefix exists (File exists)"
	expect_batch_error "fake: a bad line after good ones in flight is named" \
		"rule add dev m0 bmr $R1
rule add dev br0 fmr $R1
rule add dev m0 fmr rule-ipv6 2001:db8::/40 rule-ipv4 192.0.2.0/33 ea-len 16
rule show" \
		"line 3: rule-ipv4 192.0.2.0/33: invalid IPv4 prefix"
	expect_batch_error "fake: a query waits for the requests before it" \
		"rule add dev m0 bmr $R1
rule add dev m0 bmr $R1 psid-offset 4
show dev m0" \
		"line 2: rule add: a rule for this IPv4 prefix exists (File exists)"
	[ -z "$out" ]
	log_test $? "fake: (and does not run)" "$out"
	expect_batch_error "fake: an error at the last line is reported at the end" \
		"rule add dev m0 bmr $R1
rule flush dev m0
rule del dev m0 rule-ipv4 192.0.2.0/24" \
		"line 3: rule del: no rule for this IPv4 prefix (No such file or directory)"
	run -b "$tmp/rules"
	expect_ok "fake: 1000 rules pipelined"

	# 100000 rules through one pipelined batch, then one streamed dump.
	seq 0 99999 | awk '{ printf "rule add dev br0 fmr rule-ipv6 2001:db8:%x:%x::/64 rule-ipv4 10.%d.%d.%d/32 ea-len 0\n", $1 / 65536, $1 % 65536, $1 / 65536, $1 / 256 % 256, $1 % 256 }' \
		>"$tmp/100k"
	echo "rule show dev br0" >>"$tmp/100k"
	start=$(date +%s%N)
	run -b "$tmp/100k"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ $rc -eq 0 ] && [ "$(wc -l <<<"$out")" = 100000 ] &&
		[ "$(tail -1 <<<"$out")" = "dev br0 fmr rule-ipv6 2001:db8:1:869f::/64 rule-ipv4 10.1.134.159/32 ea-len 0 psid-offset 6 psid-len 0" ]
	log_test $? "fake: 100000 rules added and dumped back (${ms} ms)" "exit $rc: $err"

	# Receive buffer overrun: acks dropped, said so, exit 1.
	head -300 "$tmp/rules" >"$tmp/300"
	FAKE_GENL_RCVBUF=100 run -b "$tmp/300"
	[ $rc -eq 1 ] && [[ "$err" == "mapctl: line "*": rule add: the kernel's answers overflowed the receive buffer; lines from here on may or may not have run" ]]
	log_test $? "fake: receive buffer overrun is an error" "exit $rc: $err"

	FAKE_GENL_ABSENT=1 run show
	[ $rc -eq 1 ] && [ "$err" = "mapctl: $NOT_LOADED" ]
	log_test $? "fake: family absent" "exit $rc: $err"
fi

## mapctl link, against the rtnetlink half of the fake.
nlmsg=$top/iproute2-plugin/test-nlmsg.py
plugin=$top/iproute2-plugin
run link
[ $rc -eq 1 ] && [ -z "$out" ] && [[ "$err" == Usage:* ]]
log_test $? "link: mapctl link alone: usage on stderr, exit 1" "$cmd: exit $rc"
run link help
[ $rc -eq 0 ] && grep -q '^KEYWORDS := role {ce|br} br-addr ADDR' <<<"$out" &&
	grep -q '^Where:' <<<"$out" && grep -qF '[ napt {on|off} ]' <<<"$out"
log_test $? "link: help has the plugin's keyword grammar" "$cmd: exit $rc"

# The links of the fake, as the plugin's test writes them for ip.
LINKS="mapetest0 4242 role=0 br_addr=2001:db8::1 eu_prefix=2001:db8:12:3400:: eu_prefix_len=56 ifid=0 link=1 hoplimit=64 tclass=256 encap_limit=256
-- mapetest1 4243 role=1 br_addr=2001:db8::ff ifid=1 link=0 hoplimit=255 tclass=46 encap_limit=0
-- mapetest2 4244
-- mapetest3 4245 role=0 br_addr=2001:db8::1 mtu_v6=0 frag_mode=0 v4_reassembly=0 frag_id=1 frag_max_entries=4096 frag_max_held=1024 frag_timeout=5000 napt=1
-- mapetest4 4246 role=1 br_addr=2001:db8::ff mtu_v6=1400 frag_mode=1 v4_reassembly=1 frag_id=0 frag_max_entries=1 frag_max_held=0 frag_timeout=60000 napt=0
-- mapetest5 4247 role=7 ifid=9 link=999 frag_mode=2 v4_reassembly=7 frag_id=3 napt=5 tclass=0 encap_limit=3 frag_max_entries=1048576"
# shellcheck disable=SC2086 # the attribute lists are words on purpose
if [ -n "$FAKE" ] && python3 "$nlmsg" fake "$tmp/links.nlmsg" $LINKS; then
	export FAKE_RTNL_LINKS=$tmp/links.nlmsg
else
	FAKE=
	log_test "$ksft_skip" "link: fake links (no fake_genl.so, or test-nlmsg.py failed)"
fi

# sent: what the last run sent, as "test-nlmsg.py types" words.
sent()
{
	[ ! -e "$tmp/rtnl.log" ] || python3 "$nlmsg" types "$tmp/rtnl.log"
}

# run_logged ARGS...: run, with the rtnetlink requests in $tmp/rtnl.log.
run_logged()
{
	rm -f "$tmp/rtnl.log"
	FAKE_RTNL_LOG=$tmp/rtnl.log run "$@"
}

# expect_unsent WHAT MESSAGE ARGS...: as expect_error, and not a single
# request was sent.
expect_unsent()
{
	local what=$1 want="mapctl: $2" ok=0

	shift 2
	run_logged "$@"
	[ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$err" = "$want" ] &&
		[ ! -e "$tmp/rtnl.log" ] || ok=1
	log_test $ok "$what" "$cmd" "exit $rc, stdout '$out'" \
		"stderr '$err'" "want   '$want'" "sent: $(sent)"
}

# expect_sent WHAT MESSAGE TYPES ARGS...: as expect_error (kernel errors),
# and the requests sent were TYPES.
expect_sent()
{
	local what=$1 want="mapctl: $2" types=$3 ok=0

	shift 3
	run_logged "$@"
	[ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$err" = "$want" ] &&
		[ "$(sent)" = "$types" ] || ok=1
	log_test $ok "$what" "$cmd" "exit $rc, stdout '$out'" \
		"stderr '$err'" "want   '$want'" "sent: $(sent), want $types"
}

if [ -n "$FAKE" ]; then
	expect_unsent "link: unknown subcommand" \
		"link frob: unknown command (add, set, del or show)" link frob
	for c in add set del; do
		expect_unsent "link $c: no name" "link $c: the device name is missing" \
			link $c
		expect_unsent "link $c: name too long" \
			"link $c abcdefghijklmnop: a device name is 1..15 characters" \
			link $c abcdefghijklmnop
		expect_unsent "link $c: name with a slash" \
			"link $c a/b: not a valid device name" link $c a/b
	done
	expect_unsent "link del: a keyword" "unknown keyword 'hoplimit'" \
		link del mapetest0 hoplimit 3
	expect_unsent "link show: two names" "unknown keyword 'm1'" \
		link show m0 m1
	expect_unsent "link show: empty name" \
		"link show : a device name is 1..15 characters" link show ""
	# Every wrong keyword and value, for add and for set alike: mapctl's
	# words for the plugin's checks, before anything is sent (set does not
	# even look the device up).
	while IFS='|' read -r args msg; do
		for c in add set; do
			# shellcheck disable=SC2086 # args are words
			expect_unsent "link $c: $args" "$msg" link $c mapetest0 $args
		done
	done <<'EOF'
role|role: missing value
role ce br-addr 2001:db8::1 hoplimit|hoplimit: missing value
role xx|role xx: role is "ce" or "br"
role CE|role CE: role is "ce" or "br"
role ce br-addr 2001:db8::1 role br|duplicate keyword 'role'
tclass 1 tclass inherit|duplicate keyword 'tclass'
br-addr 192.0.2.1|br-addr 192.0.2.1: br-addr is an IPv6 address
br-addr 2001:db8::g|br-addr 2001:db8::g: br-addr is an IPv6 address
end-user-prefix 2001:db8:12:3401::/56|end-user-prefix 2001:db8:12:3401::/56: host bits set beyond /56 (the prefix is 2001:db8:12:3400::/56)
end-user-prefix 2001:db8:12:3458::/60|end-user-prefix 2001:db8:12:3458::/60: host bits set beyond /60 (the prefix is 2001:db8:12:3450::/60)
end-user-prefix 2001:db8:12:3400::|end-user-prefix 2001:db8:12:3400::: end-user-prefix needs a length: IPV6_ADDRESS/LEN
end-user-prefix 2001:db8::/129|end-user-prefix 2001:db8::/129: end-user-prefix is IPV6_ADDRESS/LEN, LEN 0..128
end-user-prefix 192.0.2.0/24|end-user-prefix 192.0.2.0/24: end-user-prefix is IPV6_ADDRESS/LEN, LEN 0..128
ifid draft3|ifid draft3: ifid is "rfc" or "draft03"
dev nosuch0|dev nosuch0: no such device
hoplimit 0|hoplimit 0: hoplimit is 1..255
hoplimit 256|hoplimit 256: hoplimit is 1..255
hoplimit -1|hoplimit -1: hoplimit is 1..255
tclass 300|tclass 300: tclass is "inherit" or 0..255 (0x00..0xff)
tclass 010|tclass 010: tclass is "inherit" or 0..255 (0x00..0xff)
tclass 0x|tclass 0x: tclass is "inherit" or 0..255 (0x00..0xff)
encaplimit 256|encaplimit 256: encaplimit is "none" or 0..255
encaplimit inherit|encaplimit inherit: encaplimit is "none" or 0..255
mtu 4294967296|mtu 4294967296: mtu is a number of bytes
mtu 1500b|mtu 1500b: mtu is a number of bytes
mtu-v6 1279|mtu-v6 1279: mtu-v6 is "none" or 1280..65535
mtu-v6 0|mtu-v6 0: mtu-v6 is "none" or 1280..65535
frag both|frag both: frag is "outer" or "inner"
v4-reassembly 1|v4-reassembly 1: v4-reassembly is "on" or "off"
frag-id random|frag-id random: frag-id is "psid" or "keep"
frag-entries 0|frag-entries 0: frag-entries is 1..1048576
frag-entries 4k|frag-entries 4k: frag-entries is 1..1048576
frag-held 1048577|frag-held 1048577: frag-held is 0..1048576
frag-timeout 60001|frag-timeout 60001: frag-timeout is 1..60000 (ms)
napt yes|napt yes: napt is "on" or "off"
frag-entry 8|unknown keyword 'frag-entry'
role ce bogus 1|unknown keyword 'bogus'
EOF

	run_logged link add m0 role ce help
	[ $rc -eq 0 ] && [[ "$out" == Usage:* ]] && [ -z "$err" ] &&
		[ ! -e "$tmp/rtnl.log" ]
	log_test $? "link add: help among the keywords: usage, nothing sent" \
		"$cmd: exit $rc, $err"

	# Kernel errors: the extack message, or the errno string alone.
	expect_sent "link: add of an existing device" \
		"link add mapetest1: File exists" NEWLINK \
		link add mapetest1 role br br-addr 2001:db8::1
	expect_sent "link: the kernel's required attributes, with extack" \
		"link add m9: role (ce or br) is required (Invalid argument)" \
		NEWLINK link add m9 br-addr 2001:db8::1
	expect_sent "link: immutable role, with extack" \
		"link set mapetest0: role cannot be changed; delete and recreate the device (Operation not supported)" \
		"GETLINK NEWLINK" link set mapetest0 role br
	expect_sent "link: set of a device of another kind" \
		"link set dummy0: not a mape device (kind dummy)" GETLINK \
		link set dummy0 hoplimit 9
	expect_sent "link: del of a device of another kind" \
		"link del dummy0: not a mape device (kind dummy)" GETLINK \
		link del dummy0
	expect_sent "link: del of a device without kind" \
		"link del lo: not a mape device" GETLINK link del lo
	expect_sent "link: del of no device" "link del nosuch: No such device" \
		GETLINK link del nosuch
	expect_sent "link: show of no device" "link show nosuch: No such device" \
		GETLINK link show nosuch
	expect_sent "link: -j show of another kind prints nothing" \
		"link show dummy0: not a mape device (kind dummy)" GETLINK \
		-j link show dummy0

	# show: the mape links only, as link add arguments.
	run_logged link show
	want="mapetest0 role ce br-addr 2001:db8::1 end-user-prefix 2001:db8:12:3400::/56 ifid rfc dev lo hoplimit 64 tclass inherit encaplimit none
mapetest1 role br br-addr 2001:db8::ff ifid draft03 hoplimit 255 tclass 0x2e encaplimit 0
mapetest2
mapetest3 role ce br-addr 2001:db8::1 mtu-v6 none frag outer v4-reassembly off frag-id psid napt on frag-entries 4096 frag-held 1024 frag-timeout 5000
mapetest4 role br br-addr 2001:db8::ff mtu-v6 1400 frag inner v4-reassembly on frag-id keep napt off frag-entries 1 frag-held 0 frag-timeout 60000
mapetest5 role 7 ifid 9 dev if999 tclass 0x00 encaplimit 3 frag 2 v4-reassembly 7 frag-id 3 napt 5 frag-entries 1048576"
	[ $rc -eq 0 ] && [ -z "$err" ] && [ "$out" = "$want" ] &&
		[ "$(sent)" = GETLINK ]
	log_test $? "link show: every mape device, one line each, others left out" \
		"$cmd: exit $rc, $err" "got:" "$out" "want:" "$want"
	run link show mapetest1
	[ $rc -eq 0 ] && [ "$out" = "$(sed -n 2p <<<"$want")" ]
	log_test $? "link show NAME: that device" "$cmd: exit $rc, $err" "$out"
	run -j link show
	expect_jq "link -j show: ip's members" '.[0] | keys_unsorted' \
		'["ifindex","ifname","mtu","operstate","linkinfo"]'
	expect_jq "link -j show: ifindex, ifname, mtu, operstate" \
		'[.[] | [.ifindex, .ifname, .mtu, .operstate]] | .[0:2]' \
		'[[4242,"mapetest0",1460,"DOWN"],[4243,"mapetest1",1460,"DOWN"]]'
	expect_jq "link -j show: the plugin's keys and types" '.[0].linkinfo' \
		'{"info_kind":"mape","info_data":{"role":"ce","br_addr":"2001:db8::1","end_user_prefix":"2001:db8:12:3400::/56","ifid":"rfc","link":"lo","hoplimit":64,"tclass":"inherit","encaplimit":"none"}}'
	expect_jq "link -j show: no attributes, an empty info_data" \
		'.[2].linkinfo.info_data' '{}'
	run -j link show mapetest4
	expect_jq "link -j show NAME: a list of one" \
		'[length, .[0].linkinfo.info_data.mtu_v6, .[0].linkinfo.info_data.frag]' \
		'[1,1400,"inner"]'

	# add, set, del and show in one batch; what each sent.
	rm -f "$tmp/rtnl.log"
	FAKE_RTNL_LOG=$tmp/rtnl.log batch "link add m1 role ce br-addr 2001:db8::1 end-user-prefix 2001:db8:12:3400::/56 dev lo
link set m1 hoplimit 9 tclass 0x20 napt on
link show m1
link del m1
link show m1"
	[ $rc -eq 1 ] &&
		[ "$out" = "m1 role ce br-addr 2001:db8::1 end-user-prefix 2001:db8:12:3400::/56 ifid rfc dev lo hoplimit 9 tclass 0x20 encaplimit none mtu-v6 none frag outer v4-reassembly off frag-id keep napt on frag-entries 4096 frag-held 1024 frag-timeout 5000" ] &&
		[ "$err" = "mapctl: line 5: link show m1: No such device" ] &&
		[ "$(sent)" = "NEWLINK GETLINK NEWLINK GETLINK GETLINK DELLINK GETLINK" ]
	log_test $? "link: add, set, show, del in a batch, one after the other" \
		"$cmd: exit $rc" "$out" "$err" "sent: $(sent)"
	expect_batch_error "link: waits for the rule requests before it" \
		"rule add dev m0 bmr $R1
rule add dev m0 bmr $R1 psid-offset 4
link show" "line 2: rule add: a rule for this IPv4 prefix exists (File exists)"
	[ -z "$out" ]
	log_test $? "link: (and does not run)" "$out"

	# What show prints pastes back onto link add, to the same device.
	batch "link add m1 role ce br-addr 2001:db8::1 end-user-prefix 2001:db8:12:3400::/56 ifid draft03 dev lo hoplimit 32 tclass 46 encaplimit 4 mtu-v6 1400 frag inner v4-reassembly on frag-id psid frag-entries 8 frag-held 4 frag-timeout 1000 napt on
link show m1"
	shown=${out#m1 }
	batch "link add m2 $shown
link show m2"
	[ $rc -eq 0 ] && [ -n "$shown" ] && [ "${out#m2 }" = "$shown" ]
	log_test $? "link show output pastes back onto link add" "$cmd" \
		"exit $rc: $err" "m1: $shown" "$out"
fi

# What ip sends with the plugin for ARGS (strace, as test-args.sh does).
ip_sent()
{
	IP_LIB_DIR=$plugin strace -qq -o "$tmp/strace" -e trace=sendmsg \
		-e write=3,4,5,6,7,8,9 -e inject=sendmsg:error=EPERM \
		ip "$@" >/dev/null 2>&1
	python3 "$nlmsg" decode "$tmp/strace"
}

# What mapctl ARGS sends, decoded the same way.
mapctl_sent()
{
	run_logged "$@"
	python3 "$nlmsg" decode-raw "$tmp/rtnl.log"
}

if [ -z "$FAKE" ]; then
	:
elif ! command -v ip >/dev/null || ! command -v strace >/dev/null ||
     [ ! -f "$plugin/link_mape.so" ]; then
	log_test "$ksft_skip" "link: the plugin's requests and output (no ip, strace or link_mape.so)"
else
	# add: the same request, head (flags, ifindex, name) and data.
	while IFS='|' read -r what args; do
		# shellcheck disable=SC2086 # args are words
		ip_sent link add m0 type mape $args >"$tmp/ip"
		# shellcheck disable=SC2086
		mapctl_sent link add m0 $args >"$tmp/mapctl"
		cmp -s "$tmp/ip" "$tmp/mapctl" && grep -q '^EXCL|CREATE ' "$tmp/ip"
		log_test $? "link add sends what ip link add sends: $what" \
			"ip:" "$(cat "$tmp/ip")" "mapctl:" "$(cat "$tmp/mapctl")"
	done <<'EOF'
role and br-addr|role ce br-addr 2001:db8::1
every keyword|role ce br-addr 2001:db8::1 end-user-prefix 2001:db8:12:3400::/56 ifid draft03 dev lo hoplimit 32 tclass 46 encaplimit 4 mtu 1400 mtu-v6 1400 frag inner v4-reassembly on frag-id psid frag-entries 8 frag-held 4 frag-timeout 1000 napt on
the other words, backwards|napt off frag-timeout 60000 frag-held 0 frag-entries 1 frag-id keep v4-reassembly off frag outer mtu-v6 none encaplimit none tclass inherit ifid rfc br-addr 2001:db8::ff role br
hex and bounds|tclass 0x2E mtu-v6 0x500 frag-entries 0x100 hoplimit 255 encaplimit 0 mtu 0 end-user-prefix ::/0
the other bounds|end-user-prefix 2001:db8::1:2/128 tclass 0 mtu-v6 65535 frag-entries 1048576 frag-held 1048576 frag-timeout 1
EOF
	# set: the same data, on the device found.
	ip_sent link set lo type mape br-addr 2001:db8::2 tclass inherit \
		frag-id keep frag-entries 64 >"$tmp/ip"
	mapctl_sent link set mapetest0 br-addr 2001:db8::2 tclass inherit \
		frag-id keep frag-entries 64 >"$tmp/mapctl"
	[ "$(sed -n 2p "$tmp/ip")" = "$(sed -n 2p "$tmp/mapctl")" ] &&
		[ "$(head -1 "$tmp/mapctl")" = "- ifindex=4242" ] &&
		[ "$(sent)" = "GETLINK NEWLINK" ]
	log_test $? "link set sends what ip link set sends, to the index found" \
		"ip:" "$(cat "$tmp/ip")" "mapctl:" "$(cat "$tmp/mapctl")"

	# show: the same keywords and JSON as ip -d link show of the same links.
	if cc -O2 -shared -fPIC -o "$tmp/fakedump.so" "$plugin/test-fakedump.c" \
	      -ldl 2>"$tmp/cc.log"; then
		ip_show()
		{
			IP_LIB_DIR=$plugin MAPE_FAKE_NLMSG=$tmp/links.nlmsg \
				LD_PRELOAD=$tmp/fakedump.so ip "$@" link show
		}
		# NAME KEYWORDS lines from ip -d's "N: NAME: ..." and "mape ..."
		ip_show -d | awk '
			/^[0-9]+:/ { name = $2; sub(/:$/, "", name); next }
			$1 == "mape" { sub(/^ *mape ?/, ""); sub(/ *$/, "");
				       print name ($0 == "" ? "" : " " $0) }' \
			>"$tmp/ip"
		run link show
		[ "$out" = "$(cat "$tmp/ip")" ]
		log_test $? "link show prints what ip -d link show prints" \
			"ip:" "$(cat "$tmp/ip")" "mapctl:" "$out"
		filter='[.[] | select(.linkinfo.info_kind == "mape") | {ifindex, ifname, mtu, linkinfo}]'
		ip_show -d -j | jq -c "$filter" >"$tmp/ip"
		run -j link show
		[ "$(jq -c "$filter" <<<"$out")" = "$(cat "$tmp/ip")" ]
		log_test $? "link -j show: what ip -j -d link show has, the same jq" \
			"ip:" "$(cat "$tmp/ip")" "mapctl:" "$out"

		# And what show prints pastes back onto ip link add too.
		run link show mapetest3
		# shellcheck disable=SC2086 # keywords are words
		ip_sent link add m1 type mape ${out#mapetest3 } >"$tmp/ip"
		# shellcheck disable=SC2086
		mapctl_sent link add m1 ${out#mapetest3 } >"$tmp/mapctl"
		cmp -s "$tmp/ip" "$tmp/mapctl" &&
			[ "$(sed -n 2p "$tmp/ip")" = "role=0 br_addr=2001:db8::1 mtu_v6=0 frag_mode=0 v4_reassembly=0 frag_id=1 frag_max_entries=4096 frag_max_held=1024 frag_timeout=5000 napt=1" ]
		log_test $? "link show output pastes onto ip link add: same attributes" \
			"ip:" "$(cat "$tmp/ip")" "mapctl:" "$(cat "$tmp/mapctl")"
	else
		log_test "$ksft_skip" "link: ip -d link show of fake links (cannot build test-fakedump.so)"
	fi
fi

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
