#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of link_mape.so; no mape module needed, nothing reaches
# the kernel:
#
#   ip link add/set ... type mape ARGS
#        |  sendmsg(RTM_NEWLINK) fails with an injected EPERM (strace)
#        +--> strace -e write= hexdump --> test-nlmsg.py decode --> key=value
#
#   test-nlmsg.py fake --> RTM_NEWLINK file --> test-fakedump.so (LD_PRELOAD)
#        +--> spliced into ip's link dump --> ip [-j] -d link show --> print_opt
#
# Every bad argument must fail before ip sends anything. Needs ip (iproute2
# 6.1 ABI), strace, python3, cc; IP=/path/to/ip overrides the ip used.
# Exit 0 all passed, 1 some failed, 4 skipped.

set -u

dir=$(cd "$(dirname "$0")" && pwd)
source "$dir/../selftests/lib.sh"
test_fmt='TEST: %-64s  [%s]\n'
man_page=$dir/../Documentation/man/ip-link-mape.8
IP=${IP:-ip}
export IP_LIB_DIR=$dir
unset LD_PRELOAD MAPE_FAKE_NLMSG

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for tool in "$IP" strace python3 cc make nm; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool not found"
		exit $ksft_skip
	fi
done

# Runs ip under strace with every sendmsg failing; leaves ip's exit status
# in $rc, its output in $tmp/out and $tmp/err, and what it tried to send in
# $tmp/head (NLM_F flags, ifindex, ifname) and $tmp/data (mape attributes).
run_ip()
{
	strace -qq -o "$tmp/strace" -e trace=sendmsg -e write=3,4,5,6,7,8,9 \
		-e inject=sendmsg:error=EPERM "$IP" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	python3 "$dir/test-nlmsg.py" decode "$tmp/strace" >"$tmp/decoded"
	sed -n 1p "$tmp/decoded" >"$tmp/head"
	sed -n 2p "$tmp/decoded" >"$tmp/data"
}

# check_add DESC EXPECTED ARGS...: `ip link add m0 type mape ARGS` sends a
# create request whose IFLA_INFO_DATA decodes to exactly EXPECTED.
check_add()
{
	local desc=$1 expected=$2

	shift 2
	run_ip link add m0 type mape "$@"
	if ! grep -q '^EXCL|CREATE ' "$tmp/head"; then
		log_test 1 "$desc" "no create request sent: $(cat "$tmp/err")"
	elif [ "$(cat "$tmp/data")" != "$expected" ]; then
		log_test 1 "$desc" "sent \"$(cat "$tmp/data")\", want \"$expected\""
	else
		log_test 0 "$desc"
	fi
}

# check_bad DESC STDERR_ERE ARGS...: ip fails, says STDERR_ERE, sends nothing.
check_bad()
{
	local desc=$1 pattern=$2

	shift 2
	run_ip link add m0 type mape "$@"
	if [ "$rc" -eq 0 ]; then
		log_test 1 "$desc" "exit status 0"
	elif [ "$(cat "$tmp/head")" != NONE ]; then
		log_test 1 "$desc" "sent a request: $(cat "$tmp/data")"
	elif ! grep -qE -- "$pattern" "$tmp/err"; then
		log_test 1 "$desc" "stderr \"$(head -1 "$tmp/err")\" !~ /$pattern/"
	else
		log_test 0 "$desc"
	fi
}

#
# Build
#
out=$(make -s -B -C "$dir" CFLAGS="-O2 -g -Werror" link_mape.so 2>&1)
log_test $? "plugin builds with -Wall -Wextra -Werror" "$out"
[ -n "$out" ] && log_test 1 "plugin builds silently" "$out"

# Undefined, unversioned (not libc) symbols must all be defined by ip.
missing=$(comm -23 \
	<(nm -D --undefined-only "$dir/link_mape.so" |
	  awk '$1 == "U" && $2 !~ /@/ {print $2}' | sort) \
	<(nm -D --defined-only "$(command -v "$IP")" | awk '{print $3}' | sort))
[ -z "$missing" ]
log_test $? "plugin uses only symbols ip exports" "missing: $missing"

nm -D --defined-only "$dir/link_mape.so" | grep -q ' D mape_link_util$'
log_test $? "plugin exports mape_link_util"

#
# What parse_opt sends
#
lo_index=$(cat /sys/class/net/lo/ifindex 2>/dev/null || echo 1)

check_add "CE: role and br-addr only" \
	"role=0 br_addr=2001:db8::1" \
	role ce br-addr 2001:db8::1
check_add "BR: role and br-addr only" \
	"role=1 br_addr=2001:db8:ffff::1" \
	role br br-addr 2001:db8:ffff::1
check_add "every keyword" \
	"role=0 br_addr=2001:db8::1 eu_prefix=2001:db8:12:3400:: eu_prefix_len=56 ifid=1 link=$lo_index hoplimit=32 tclass=46 encap_limit=4 mtu=1400" \
	role ce br-addr 2001:db8::1 end-user-prefix 2001:db8:12:3400::/56 \
	ifid draft03 dev lo hoplimit 32 tclass 46 encaplimit 4 mtu 1400
check_add "keywords in any order" \
	"role=1 br_addr=2001:db8::1 hoplimit=9" \
	hoplimit 9 br-addr 2001:db8::1 role br
check_add "end-user-prefix /0" "eu_prefix=:: eu_prefix_len=0" \
	end-user-prefix ::/0
check_add "end-user-prefix /64" \
	"eu_prefix=2001:db8:12:3456:: eu_prefix_len=64" \
	end-user-prefix 2001:db8:12:3456::/64
check_add "end-user-prefix /60 (host bits in a nibble)" \
	"eu_prefix=2001:db8:12:3450:: eu_prefix_len=60" \
	end-user-prefix 2001:db8:12:3450::/60
check_add "end-user-prefix /128" \
	"eu_prefix=2001:db8::1:2 eu_prefix_len=128" \
	end-user-prefix 2001:db8::1:2/128
check_add "MAP-T CE: mode t and a dmr" \
	"role=0 eu_prefix=2001:db8:12:3400:: eu_prefix_len=56 mode=1 dmr=64:ff9b:: dmr_len=96" \
	role ce mode t dmr 64:ff9b::/96 end-user-prefix 2001:db8:12:3400::/56
check_add "mode e" "mode=0" mode e
check_add "icmp-src ADDRESS (RFC 6791)" "icmp_src=198.51.100.1" \
	icmp-src 198.51.100.1
check_add "icmp-src auto: 0.0.0.0, the device's own" "icmp_src=0.0.0.0" \
	icmp-src auto
check_add "dmr /32" "dmr=2001:db8:: dmr_len=32" dmr 2001:db8::/32
check_add "dmr /64" "dmr=2001:db8:122:300:: dmr_len=64" \
	dmr 2001:db8:122:300::/64
check_add "ifid rfc" "ifid=0" ifid rfc
check_add "ifid draft03" "ifid=1" ifid draft03
check_add "hoplimit 1" "hoplimit=1" hoplimit 1
check_add "hoplimit 255" "hoplimit=255" hoplimit 255
check_add "tclass inherit" "tclass=256" tclass inherit
check_add "tclass 0" "tclass=0" tclass 0
check_add "tclass 255" "tclass=255" tclass 255
check_add "tclass 0x2E is hex" "tclass=46" tclass 0x2E
check_add "encaplimit none" "encap_limit=256" encaplimit none
check_add "encaplimit 0" "encap_limit=0" encaplimit 0
check_add "encaplimit 255" "encap_limit=255" encaplimit 255
check_add "mtu 1280" "mtu=1280" mtu 1280
check_add "every fragment keyword, in any order" \
	"mtu_v6=1400 frag_mode=1 v4_reassembly=1 frag_id=1 frag_max_entries=8 frag_max_held=4 frag_timeout=1000" \
	frag-timeout 1000 frag-held 4 frag-entries 8 frag-id psid \
	v4-reassembly on frag inner mtu-v6 1400
check_add "mtu-v6 none is 0" "mtu_v6=0" mtu-v6 none
check_add "mtu-v6 1280" "mtu_v6=1280" mtu-v6 1280
check_add "mtu-v6 65535" "mtu_v6=65535" mtu-v6 65535
check_add "mtu-v6 0x500 is hex" "mtu_v6=1280" mtu-v6 0x500
check_add "frag outer" "frag_mode=0" frag outer
check_add "frag inner" "frag_mode=1" frag inner
check_add "v4-reassembly off" "v4_reassembly=0" v4-reassembly off
check_add "v4-reassembly on" "v4_reassembly=1" v4-reassembly on
check_add "frag-id keep" "frag_id=0" frag-id keep
check_add "napt on" "napt=1" napt on
check_add "napt off" "napt=0" napt off
check_add "frag-id psid" "frag_id=1" frag-id psid
check_add "frag-entries 1" "frag_max_entries=1" frag-entries 1
check_add "frag-entries 1048576" "frag_max_entries=1048576" \
	frag-entries 1048576
check_add "frag-entries 0x100 is hex" "frag_max_entries=256" \
	frag-entries 0x100
check_add "frag-held 0" "frag_max_held=0" frag-held 0
check_add "frag-held 1048576" "frag_max_held=1048576" frag-held 1048576
check_add "frag-timeout 1" "frag_timeout=1" frag-timeout 1
check_add "frag-timeout 60000" "frag_timeout=60000" frag-timeout 60000

run_ip link set lo type mape br-addr 2001:db8::2 tclass inherit
[ "$(cat "$tmp/head")" = "- ifindex=$lo_index" ] &&
	[ "$(cat "$tmp/data")" = "br_addr=2001:db8::2 tclass=256" ]
log_test $? "ip link set sends a change without NLM_F_CREATE" \
	"$(cat "$tmp/decoded")"

run_ip link set lo type mape frag-id keep frag-entries 64 v4-reassembly off
[ "$(cat "$tmp/head")" = "- ifindex=$lo_index" ] &&
	[ "$(cat "$tmp/data")" = "v4_reassembly=0 frag_id=0 frag_max_entries=64" ]
log_test $? "ip link set sends the fragment keywords given, no others" \
	"$(cat "$tmp/decoded")"

#
# What parse_opt refuses, before sending anything
#
check_bad "role missing its value" 'Command line is not complete' role
check_bad "hoplimit missing its value" 'Command line is not complete' \
	role ce br-addr 2001:db8::1 hoplimit
check_bad "role xx" '"xx" is wrong: role is "ce" or "br"' role xx
check_bad "role CE (keywords are exact)" '"CE" is wrong' role CE
check_bad "duplicate role" 'duplicate "role": "br" is the second value' \
	role ce br-addr 2001:db8::1 role br
check_bad "duplicate tclass" 'duplicate "tclass"' tclass 1 tclass inherit
check_bad "br-addr IPv4" '"192.0.2.1" is wrong: br-addr is an IPv6 address' \
	role ce br-addr 192.0.2.1
check_bad "br-addr garbage" '"2001:db8::g" is wrong' br-addr 2001:db8::g
check_bad "end-user-prefix host bits" \
	'host bits set beyond /56 \(the prefix is 2001:db8:12:3400::/56\)' \
	end-user-prefix 2001:db8:12:3401::/56
check_bad "end-user-prefix host bits in a nibble" \
	'host bits set beyond /60 \(the prefix is 2001:db8:12:3450::/60\)' \
	end-user-prefix 2001:db8:12:3458::/60
check_bad "end-user-prefix without length" 'needs a length' \
	end-user-prefix 2001:db8:12:3400::
check_bad "end-user-prefix /129" 'LEN 0..128' end-user-prefix 2001:db8::/129
check_bad "end-user-prefix /" 'LEN 0..128' end-user-prefix 2001:db8::/
check_bad "end-user-prefix IPv4" 'IPV6_ADDRESS/LEN' \
	end-user-prefix 192.0.2.0/24
check_bad "ifid draft3" '"draft3" is wrong: ifid is "rfc" or "draft03"' \
	ifid draft3
check_bad "mode x" '"x" is wrong: mode is "e" \(MAP-E\) or "t" \(MAP-T\)' \
	mode x
check_bad "dmr /33 (not an RFC 6052 length)" \
	'"64:ff9b::/33" is wrong: dmr length is 32, 40, 48, 56, 64 or 96' \
	mode t dmr 64:ff9b::/33
check_bad "dmr /128" 'dmr length is 32, 40, 48, 56, 64 or 96' dmr 64:ff9b::/128
check_bad "dmr host bits" \
	'host bits set beyond /96 \(the prefix is 64:ff9b::/96\)' \
	dmr 64:ff9b::1/96
check_bad "dmr without length" 'dmr needs a length' dmr 64:ff9b::
check_bad "icmp-src IPv6" \
	'"2001:db8::1" is wrong: icmp-src is "auto" or an IPv4 address' \
	icmp-src 2001:db8::1
check_bad "icmp-src prefix" 'icmp-src is "auto" or an IPv4 address' \
	icmp-src 198.51.100.0/24
check_bad "duplicate icmp-src" 'duplicate "icmp-src"' \
	icmp-src auto icmp-src 198.51.100.1
check_bad "dmr IPv4" 'dmr is IPV6_ADDRESS/LEN' dmr 192.0.2.0/24
check_bad "duplicate dmr" 'duplicate "dmr"' \
	dmr 64:ff9b::/96 dmr 2001:db8::/32
check_bad "dev unknown" 'Cannot find device "nosuch0"' dev nosuch0
check_bad "hoplimit 0" '"0" is wrong: hoplimit is 1..255' hoplimit 0
check_bad "hoplimit 256" '"256" is wrong: hoplimit is 1..255' hoplimit 256
check_bad "hoplimit -1" '"-1" is wrong' hoplimit -1
check_bad "hoplimit ' 64'" '" 64" is wrong' hoplimit " 64"
check_bad "tclass 300" '"300" is wrong: tclass is "inherit" or 0..255' \
	tclass 300
check_bad "tclass 0x100" '"0x100" is wrong' tclass 0x100
check_bad "tclass 010 (octal or decimal?)" '"010" is wrong' tclass 010
check_bad "tclass 0x" '"0x" is wrong' tclass 0x
check_bad "encaplimit 256" '"256" is wrong: encaplimit is "none" or 0..255' \
	encaplimit 256
check_bad "encaplimit inherit" '"inherit" is wrong' encaplimit inherit
check_bad "mtu 4294967296" '"4294967296" is wrong: mtu' mtu 4294967296
check_bad "mtu 1500b" '"1500b" is wrong' mtu 1500b
check_bad "mtu-v6 1279" '"1279" is wrong: mtu-v6 is "none" or 1280..65535' \
	mtu-v6 1279
check_bad "mtu-v6 65536" '"65536" is wrong: mtu-v6' mtu-v6 65536
check_bad "mtu-v6 0 (none is the word)" '"0" is wrong: mtu-v6' mtu-v6 0
check_bad "mtu-v6 auto" '"auto" is wrong: mtu-v6' mtu-v6 auto
check_bad "frag both" '"both" is wrong: frag is "outer" or "inner"' frag both
check_bad "frag OUTER (keywords are exact)" '"OUTER" is wrong: frag' frag OUTER
check_bad "napt yes" '"yes" is wrong: napt is "on" or "off"' napt yes
check_bad "v4-reassembly 1" \
	'"1" is wrong: v4-reassembly is "on" or "off"' v4-reassembly 1
check_bad "v4-reassembly yes" '"yes" is wrong: v4-reassembly' \
	v4-reassembly yes
check_bad "frag-id random" '"random" is wrong: frag-id is "psid" or "keep"' \
	frag-id random
check_bad "frag-id on" '"on" is wrong: frag-id' frag-id on
check_bad "frag-entries 0" '"0" is wrong: frag-entries is 1..1048576' \
	frag-entries 0
check_bad "frag-entries 1048577" '"1048577" is wrong: frag-entries' \
	frag-entries 1048577
check_bad "frag-entries -1" '"-1" is wrong: frag-entries' frag-entries -1
check_bad "frag-entries 010 (octal or decimal?)" '"010" is wrong: frag-entries' \
	frag-entries 010
check_bad "frag-entries 4k" '"4k" is wrong: frag-entries' frag-entries 4k
check_bad "frag-held 1048577" '"1048577" is wrong: frag-held is 0..1048576' \
	frag-held 1048577
check_bad "frag-held -1" '"-1" is wrong: frag-held' frag-held -1
check_bad "frag-timeout 0" '"0" is wrong: frag-timeout is 1..60000 \(ms\)' \
	frag-timeout 0
check_bad "frag-timeout 60001" '"60001" is wrong: frag-timeout' \
	frag-timeout 60001
check_bad "frag-timeout 70000" '"70000" is wrong: frag-timeout' \
	frag-timeout 70000
check_bad "frag-timeout 1s" '"1s" is wrong: frag-timeout' frag-timeout 1s
check_bad "frag-timeout missing its value" 'Command line is not complete' \
	role ce br-addr 2001:db8::1 frag-timeout
check_bad "duplicate mtu-v6" 'duplicate "mtu-v6": "1400" is the second value' \
	mtu-v6 none mtu-v6 1400
check_bad "duplicate frag" 'duplicate "frag": "inner" is the second value' \
	frag outer frag inner
check_bad "duplicate v4-reassembly" 'duplicate "v4-reassembly": "on"' \
	v4-reassembly on v4-reassembly on
check_bad "duplicate frag-id" 'duplicate "frag-id": "keep"' \
	frag-id psid frag-id keep
check_bad "duplicate frag-entries" 'duplicate "frag-entries": "9"' \
	frag-entries 8 frag-held 4 frag-entries 9
check_bad "duplicate frag-held" 'duplicate "frag-held": "4"' \
	frag-held 4 frag-held 4
check_bad "duplicate frag-timeout" 'duplicate "frag-timeout": "2000"' \
	frag-timeout 1000 frag-timeout 2000
check_bad "frag-entry (not a keyword)" 'unknown option "frag-entry"' \
	frag-entry 8
check_bad "v4reassembly (not a keyword)" 'unknown option "v4reassembly"' \
	v4reassembly on
check_bad "unknown keyword" '^mape: unknown option "bogus"$' \
	role ce bogus 1
check_bad "unknown keyword (prefix of one)" 'unknown option "rol"' rol ce
grep -q '^Usage: ... mape role {ce|br} br-addr ADDR' "$tmp/err"
log_test $? "unknown keyword prints the usage to stderr"

run_ip link add m0 type mape help
grep -q '^Usage: ... mape role {ce|br} br-addr ADDR' "$tmp/out" &&
	grep -q '^Where:' "$tmp/out" && [ "$(cat "$tmp/head")" = NONE ]
log_test $? "help prints the usage to stdout and sends nothing"
missing=
for word in "mtu-v6 MTU6" "frag {outer|inner}" "v4-reassembly {on|off}" \
	    "frag-id {psid|keep}" "frag-entries N" "frag-held N" \
	    "frag-timeout MS"; do
	grep -qF "[ $word ]" "$tmp/out" || missing+=" [$word]"
done
[ -z "$missing" ]
log_test $? "help lists the fragment keywords" "missing:$missing"

#
# What print_opt prints, and that it pastes back
#
ce_attrs="role=0 br_addr=2001:db8::1 eu_prefix=2001:db8:12:3400:: eu_prefix_len=56 ifid=0 link=$lo_index hoplimit=64 tclass=256 encap_limit=256"
ce_text="role ce br-addr 2001:db8::1 end-user-prefix 2001:db8:12:3400::/56 ifid rfc dev lo hoplimit 64 tclass inherit encaplimit none"
ce_json='{"role": "ce", "br_addr": "2001:db8::1", "end_user_prefix": "2001:db8:12:3400::/56", "ifid": "rfc", "link": "lo", "hoplimit": 64, "tclass": "inherit", "encaplimit": "none"}'
br_attrs="role=1 br_addr=2001:db8::ff ifid=1 link=0 hoplimit=255 tclass=46 encap_limit=0 mode=0"
br_text="role br br-addr 2001:db8::ff ifid draft03 hoplimit 255 tclass 0x2e encaplimit 0"
br_json='{"role": "br", "br_addr": "2001:db8::ff", "ifid": "draft03", "hoplimit": 255, "tclass": 46, "encaplimit": 0}'
# The fragment attributes: every word, and bounds.
ce3_attrs="role=0 br_addr=2001:db8::1 mtu_v6=0 frag_mode=0 v4_reassembly=0 frag_id=1 frag_max_entries=4096 frag_max_held=1024 frag_timeout=5000"
ce3_text="role ce br-addr 2001:db8::1 mtu-v6 none frag outer v4-reassembly off frag-id psid frag-entries 4096 frag-held 1024 frag-timeout 5000"
ce3_json='{"role": "ce", "br_addr": "2001:db8::1", "mtu_v6": "none", "frag": "outer", "v4_reassembly": "off", "frag_id": "psid", "frag_entries": 4096, "frag_held": 1024, "frag_timeout": 5000}'
br4_attrs="role=1 br_addr=2001:db8::ff mtu_v6=1400 frag_mode=1 v4_reassembly=1 frag_id=0 frag_max_entries=1 frag_max_held=0 frag_timeout=60000"
br4_text="role br br-addr 2001:db8::ff mtu-v6 1400 frag inner v4-reassembly on frag-id keep frag-entries 1 frag-held 0 frag-timeout 60000"
br4_json='{"role": "br", "br_addr": "2001:db8::ff", "mtu_v6": 1400, "frag": "inner", "v4_reassembly": "on", "frag_id": "keep", "frag_entries": 1, "frag_held": 0, "frag_timeout": 60000}'
# Values this plugin has no word for (a newer kernel's) show as numbers.
odd_attrs="frag_mode=2 v4_reassembly=7 frag_id=3 frag_max_entries=1048576 frag_timeout=1"
odd_text="frag 2 v4-reassembly 7 frag-id 3 frag-entries 1048576 frag-timeout 1"
# Mode T: the DMR instead of a BR address. Mode E, the default, unsaid.
t_attrs="role=1 ifid=0 mode=1 dmr=2001:db8:122:300:: dmr_len=64 icmp_src=198.51.100.1"
t_text="role br mode t dmr 2001:db8:122:300::/64 icmp-src 198.51.100.1 ifid rfc"
t_json='{"role": "br", "mode": "t", "dmr": "2001:db8:122:300::/64", "icmp_src": "198.51.100.1", "ifid": "rfc"}'
t2_attrs="role=0 mode=1 dmr=64:ff9b:: dmr_len=96 icmp_src=0.0.0.0"
t2_text="role ce mode t dmr 64:ff9b::/96 icmp-src auto"

# shellcheck disable=SC2086 # the attribute lists are words on purpose
if ! out=$(cc -O2 -Wall -Wextra -Werror -shared -fPIC \
	   -o "$tmp/fakedump.so" "$dir/test-fakedump.c" -ldl 2>&1) ||
   ! python3 "$dir/test-nlmsg.py" fake "$tmp/fake.nlmsg" \
	mapetest0 4242 $ce_attrs -- mapetest1 4243 $br_attrs -- \
	mapetest2 4244 -- mapetest3 4245 $ce3_attrs -- \
	mapetest4 4246 $br4_attrs -- mapetest5 4247 $odd_attrs -- \
	mapetest6 4248 $t_attrs -- mapetest7 4249 $t2_attrs; then
	log_test 1 "build the fake link dump" "$out"
else
	show()
	{
		MAPE_FAKE_NLMSG=$tmp/fake.nlmsg LD_PRELOAD=$tmp/fakedump.so \
			"$IP" "$@" link show
	}
	# The kind line after "N: NAME:", without "mape " and trailing blanks.
	text_of()
	{
		show -d | awk -v name="$1:" '
			$2 == name { found = 1; next }
			found && $1 == "mape" { sub(/^ *mape ?/, ""); sub(/ *$/, "");
						print; exit }
			/^[0-9]+:/ { found = 0 }'
	}
	json_of()
	{
		show -d -j | python3 -c '
import json, sys
for link in json.load(sys.stdin):
    if link["ifname"] == sys.argv[1]:
        print(json.dumps(link["linkinfo"]["info_data"]))' "$1"
	}

	got=$(text_of mapetest0)
	[ "$got" = "$ce_text" ]
	log_test $? "ip -d link show: CE, every attribute" "got \"$got\""
	got=$(text_of mapetest1)
	[ "$got" = "$br_text" ]
	log_test $? "ip -d link show: BR, no prefix, dev 0 omitted" "got \"$got\""
	got=$(text_of mapetest2)
	[ -z "$got" ] && show -d | grep -q '^ *mape *$'
	log_test $? "ip -d link show: no attributes, just the kind" "got \"$got\""
	got=$(json_of mapetest0)
	[ "$got" = "$ce_json" ]
	log_test $? "ip -j -d link show: CE keys and types" "got $got"
	got=$(json_of mapetest1)
	[ "$got" = "$br_json" ]
	log_test $? "ip -j -d link show: BR keys and types" "got $got"

	# shellcheck disable=SC2046 # split the printed options into words
	run_ip link add m1 type mape $(text_of mapetest0)
	[ "$(cat "$tmp/data")" = "$ce_attrs" ]
	log_test $? "CE output pastes back to the same attributes" \
		"sent \"$(cat "$tmp/data")\""
	# shellcheck disable=SC2046
	run_ip link add m1 type mape $(text_of mapetest1)
	b=${br_attrs/ link=0/}
	[ "$(cat "$tmp/data")" = "${b/ mode=0/}" ]
	log_test $? "BR output pastes back to the same attributes" \
		"sent \"$(cat "$tmp/data")\""

	got=$(text_of mapetest3)
	[ "$got" = "$ce3_text" ]
	log_test $? "ip -d link show: mtu-v6 none, frag outer, off, psid, limits" \
		"got \"$got\""
	got=$(text_of mapetest4)
	[ "$got" = "$br4_text" ]
	log_test $? "ip -d link show: mtu-v6 N, frag inner, on, keep, bounds" \
		"got \"$got\""
	got=$(text_of mapetest5)
	[ "$got" = "$odd_text" ]
	log_test $? "ip -d link show: unknown values as numbers" "got \"$got\""
	got=$(text_of mapetest6)
	[ "$got" = "$t_text" ]
	log_test $? "ip -d link show: mode t and its dmr" "got \"$got\""
	got=$(json_of mapetest6)
	[ "$got" = "$t_json" ]
	log_test $? "ip -j -d link show: mode and dmr keys" "got $got"
	# shellcheck disable=SC2046
	run_ip link add m1 type mape $(text_of mapetest6)
	[ "$(cat "$tmp/data")" = "$t_attrs" ]
	log_test $? "mode t dmr ... pastes back the same" \
		"sent \"$(cat "$tmp/data")\""
	got=$(text_of mapetest7)
	[ "$got" = "$t2_text" ]
	log_test $? "ip -d link show: icmp-src auto" "got \"$got\""
	# shellcheck disable=SC2046
	run_ip link add m1 type mape $(text_of mapetest7)
	[ "$(cat "$tmp/data")" = "$t2_attrs" ]
	log_test $? "mode t ... icmp-src auto pastes back the same" \
		"sent \"$(cat "$tmp/data")\""
	got=$(json_of mapetest3)
	[ "$got" = "$ce3_json" ]
	log_test $? "ip -j -d link show: fragment keys and types (words)" \
		"got $got"
	got=$(json_of mapetest4)
	[ "$got" = "$br4_json" ]
	log_test $? "ip -j -d link show: fragment keys and types (numbers)" \
		"got $got"

	# shellcheck disable=SC2046
	run_ip link add m1 type mape $(text_of mapetest3)
	[ "$(cat "$tmp/data")" = "$ce3_attrs" ]
	log_test $? "mtu-v6 none ... frag-id psid pastes back the same" \
		"sent \"$(cat "$tmp/data")\""
	# shellcheck disable=SC2046
	run_ip link add m1 type mape $(text_of mapetest4)
	[ "$(cat "$tmp/data")" = "$br4_attrs" ]
	log_test $? "mtu-v6 1400 ... frag-timeout 60000 pastes back the same" \
		"sent \"$(cat "$tmp/data")\""
fi

#
# The manual page
#
if command -v man >/dev/null && [ -f "$man_page" ]; then
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man_page" 2>&1 \
		>/dev/null)
	[ -z "$out" ]
	log_test $? "ip-link-mape.8 renders without warnings" "$out"
fi

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
