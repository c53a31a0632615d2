#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mape devices through mapctl link alone, as on a router whose ip cannot
# load the plugin: created with every keyword, shown back in text and JSON
# exactly as ip -d link show (with the plugin) shows the same device,
# changed, refused with the kernel's extack text and nothing changed,
# pasted back from show onto mapctl link add and onto ip link add, saved
# and restored through a batch, deleted; a device of another kind is never
# deleted.
#
#   [ netns mape-link ]
#     dummy0, dummy1 (underlays)   l0 (mape br)   l1 (mape ce)   l9 (copies)

dir=$(dirname "$0")
source "$dir/../lib.sh"
ns_per_run
top=$(cd "$dir/../.." && pwd)

NS=mape-link
P=/sys/module/mape/parameters
tmp=$(mktemp -d)
nat_loaded=
cleanup()
{
	# mape_nat stays in use until its last napt device is gone.
	ip -n $NS link del l1 2>/dev/null
	[ -n "$nat_loaded" ] && rmmod mape_nat
	ip netns del $NS 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

m() { ip netns exec $NS mapctl "$@"; }
ipn() { ip -n $NS "$@"; }
# The info_data of a device as mapctl -j link show and ip -j -d link show
# print it; its keywords as mapctl link show and ip -d link show print them.
mdata() { m -j link show "$1" | jq -c '.[0].linkinfo.info_data'; }
idata() { ipn -j -d link show dev "$1" | jq -c '.[0].linkinfo.info_data'; }
mkw() { m link show "$1" | sed "s/^$1 //"; }
ikw()
{
	ipn -d link show dev "$1" | sed -n 's/^ *mape //p' |
		sed -E 's/ (addrgenmode|numtxqueues) .*//; s/ +$//'
}
# ifname, ifindex, mtu and operstate from a -j link show.
head4() { jq -c '.[0] | [.ifname, .ifindex, .mtu, .operstate]'; }

check "netns" ip netns add $NS || exit 1

# 1. A BR with the kernel's defaults.
frag="$(cat $P/frag_max_entries) $(cat $P/frag_max_held) $(cat $P/frag_timeout_ms)"
read -r entries held timeout <<<"$frag"
check "link add: a BR" m link add l0 role br br-addr 2001:db8:ffff::1
check_eq "  -j: the kernel's defaults" "$(mdata l0)" \
	"{\"role\":\"br\",\"br_addr\":\"2001:db8:ffff::1\",\"ifid\":\"rfc\",\"hoplimit\":64,\"tclass\":\"inherit\",\"encaplimit\":\"none\",\"mtu_v6\":\"none\",\"frag\":\"outer\",\"v4_reassembly\":\"off\",\"frag_id\":\"keep\",\"napt\":\"off\",\"frag_entries\":$entries,\"frag_held\":$held,\"frag_timeout\":$timeout}"
check_eq "  -j: info_data as ip -j -d link show" "$(mdata l0)" "$(idata l0)"
check_eq "  -j: members in ip's order" \
	"$(m -j link show l0 | jq -c '.[0] | keys_unsorted')" \
	'["ifindex","ifname","mtu","operstate","linkinfo"]'
check_eq "  -j: ifname, ifindex, mtu, operstate as ip -j link show" \
	"$(m -j link show l0 | head4)" "$(ipn -j link show dev l0 | head4)"
check_eq "  MTU 1500 - 40" "$(m -j link show l0 | jq '.[0].mtu')" 1460
check_eq "  text: NAME and the keywords" "$(m link show l0)" \
	"l0 role br br-addr 2001:db8:ffff::1 ifid rfc hoplimit 64 tclass inherit encaplimit none mtu-v6 none frag outer v4-reassembly off frag-id keep napt off frag-entries $entries frag-held $held frag-timeout $timeout"
check_eq "  text: the keywords of ip -d link show" "$(mkw l0)" "$(ikw l0)"

# 2. A CE with every keyword but napt on (section 5).
check "dummy underlays" sh -c "ip -n $NS link add dummy0 mtu 9000 type dummy &&
	ip -n $NS link add dummy1 type dummy"
check "link add: a CE with every keyword" m link add l1 role ce \
	br-addr 2001:db8:ffff::1 end-user-prefix 2001:db8:12:3400::/56 \
	ifid draft03 dev dummy0 hoplimit 32 tclass 0x20 encaplimit 4 \
	mtu 1300 mtu-v6 1400 frag inner v4-reassembly on frag-id psid \
	frag-entries 8 frag-held 4 frag-timeout 1000 napt off
check_eq "  -j: every one shown back" "$(mdata l1)" \
	'{"role":"ce","br_addr":"2001:db8:ffff::1","end_user_prefix":"2001:db8:12:3400::/56","ifid":"draft03","link":"dummy0","hoplimit":32,"tclass":32,"encaplimit":4,"mtu_v6":1400,"frag":"inner","v4_reassembly":"on","frag_id":"psid","napt":"off","frag_entries":8,"frag_held":4,"frag_timeout":1000}'
check_eq "  -j: info_data as ip -j -d link show" "$(mdata l1)" "$(idata l1)"
check_eq "  text: the keywords of ip -d link show" "$(mkw l1)" "$(ikw l1)"
check_eq "  mtu 1300: the device's MTU" "$(m -j link show l1 | jq '.[0].mtu')" 1300
check_eq "  -j: ifname, ifindex, mtu, operstate as ip -j link show" \
	"$(m -j link show l1 | head4)" "$(ipn -j link show dev l1 | head4)"

# 3. What show prints pastes back: onto mapctl link add, onto ip link add
# (the plugin), and as a batch that deletes and restores every device.
kw=$(mkw l1)
# shellcheck disable=SC2086 # the keywords are words
check "link show output pastes back onto mapctl link add" m link add l9 $kw
check_eq "  the same device" "$(mdata l9)" "$(mdata l1)"
check "  deleted" m link del l9
# shellcheck disable=SC2086
check "link show output pastes back onto ip link add ... type mape" \
	ipn link add l9 type mape $kw
check_eq "  the same device" "$(mdata l9)" "$(mdata l1)"
check "  deleted" m link del l9
m link show >"$tmp/all"
check_eq "link show: every mape device, one line each, nothing else" \
	"$(cut -d' ' -f1 "$tmp/all" | paste -sd' ')" "l0 l1"
before=$(m -j link show | jq -c '[.[] | [.ifname, .linkinfo]]')
{
	echo "link del l0"
	echo "link del l1"
	sed 's/^/link add /' "$tmp/all"
} >"$tmp/batch"
check "a batch deletes them and adds them back from link show" \
	m -b "$tmp/batch"
check_eq "  the same devices" \
	"$(m -j link show | jq -c '[.[] | [.ifname, .linkinfo]]')" "$before"

# 4. Changes; refusals, with the kernel's extack text, change nothing.
check "link set: every mutable keyword" m link set l1 hoplimit 9 \
	tclass inherit encaplimit none br-addr 2001:db8:eeee::1 \
	end-user-prefix 2001:db8:12:3500::/56 dev dummy1 mtu-v6 none \
	frag outer v4-reassembly off frag-id keep frag-entries 64 \
	frag-held 0 frag-timeout 60000
check_eq "  changed" "$(mdata l1)" \
	'{"role":"ce","br_addr":"2001:db8:eeee::1","end_user_prefix":"2001:db8:12:3500::/56","ifid":"draft03","link":"dummy1","hoplimit":9,"tclass":"inherit","encaplimit":"none","mtu_v6":"none","frag":"outer","v4_reassembly":"off","frag_id":"keep","napt":"off","frag_entries":64,"frag_held":0,"frag_timeout":60000}'
check_eq "  as ip -j -d link show" "$(mdata l1)" "$(idata l1)"
check "link set: mtu" m link set l1 mtu 1400
check_eq "  MTU 1400" "$(ipn -j link show dev l1 | jq '.[0].mtu')" 1400
check "link set: the same role again is fine" m link set l1 role ce

before=$(mdata l1)
check_fail "role is immutable: the kernel's message" \
	'^mapctl: link set l1: role cannot be changed; delete and recreate the device \(Operation not supported\)$' \
	m link set l1 role br
check_fail "ifid is immutable: the kernel's message" \
	'^mapctl: link set l1: ifid cannot be changed; delete and recreate the device \(Operation not supported\)$' \
	m link set l1 ifid rfc
check_fail "mtu 40: the kernel's message" \
	'^mapctl: link set l1: MTU out of range \(68\.\.65527\) \(Invalid argument\)$' \
	m link set l1 mtu 40
check_fail "a BR has no end-user prefix" \
	'^mapctl: link set l0: a BR has no end-user prefix \(Invalid argument\)$' \
	m link set l0 end-user-prefix 2001:db8::/56
check_fail "frag-id psid is a CE option" \
	'^mapctl: link set l0: frag-id psid is a CE option \(Invalid argument\)$' \
	m link set l0 frag-id psid
check_fail "hoplimit 0: refused by mapctl" '^mapctl: hoplimit 0: hoplimit is 1\.\.255$' \
	m link set l1 hoplimit 0
check_fail "unknown underlay: refused by mapctl" \
	'^mapctl: dev nosuchdev: no such device$' m link set l1 dev nosuchdev
check_fail "duplicate keyword: refused by mapctl" \
	"^mapctl: duplicate keyword 'hoplimit'$" m link set l1 hoplimit 3 hoplimit 4
check_eq "refused changes left the device as it was" "$(mdata l1)" "$before"

check_fail "role is required: the kernel's message" \
	'^mapctl: link add l9: role \(ce or br\) is required \(Invalid argument\)$' \
	m link add l9 br-addr 2001:db8::1
check_fail "br-addr is required: the kernel's message" \
	'^mapctl: link add l9: br-addr is required \(Invalid argument\)$' \
	m link add l9 role ce
check_fail "br-addr must be global unicast: the kernel's message" \
	'^mapctl: link add l9: BR address must be a global unicast IPv6 address \(Invalid argument\)$' \
	m link add l9 role br br-addr ff02::1
check_fail "a second BR with the same address" \
	'^mapctl: link add l9: another mape device has this BR address \(Address already in use\)$' \
	m link add l9 role br br-addr 2001:db8:ffff::1
check_fail "a BR has no end-user prefix (add)" \
	'^mapctl: link add l9: a BR has no end-user prefix \(Invalid argument\)$' \
	m link add l9 role br br-addr 2001:db8::9 end-user-prefix 2001:db8::/56
# The kernel's own errors of rtnetlink may gain a message some day.
check_fail "add of an existing name" '^mapctl: link add l1: .*File exists' \
	m link add l1 role ce br-addr 2001:db8::1
check_fail "unknown keyword: refused by mapctl" "^mapctl: unknown keyword 'bogus'$" \
	m link add l9 role br br-addr 2001:db8::9 bogus 1
check_fail "no device left behind by the refused adds" \
	'^mapctl: link show l9: .*No such device' m link show l9

# 5. napt: the kernel's message without mape_nat, then on and off.
if [ ! -d /sys/module/mape_nat ]; then
	check_fail "napt on without mape_nat: the kernel's message" \
		'^mapctl: link set l1: napt needs the mape_nat module \(modprobe mape_nat\) \(Operation not supported\)$' \
		m link set l1 napt on
	modprobe nf_nat && insmod "$top/kernel/mape_nat.ko" && nat_loaded=1
fi
check "link set: napt on" m link set l1 napt on
check_eq "  shown on, as ip shows it" \
	"$(mdata l1 | jq -r .napt) $(idata l1 | jq -r .napt)" "on on"
check_fail "napt on a BR: the kernel's message" \
	'^mapctl: link set l0: napt is a CE option \(Invalid argument\)$' \
	m link set l0 napt on
check "link set: napt off" m link set l1 napt off
check_eq "  shown off" "$(mdata l1 | jq -r .napt)" off

# 6. Other kinds: never changed, never deleted.
check_fail "link del of a dummy: refused" \
	'^mapctl: link del dummy0: not a mape device \(kind dummy\)$' \
	m link del dummy0
check "  dummy0 still there" ipn link show dev dummy0
check_fail "link del of lo: refused" '^mapctl: link del lo: not a mape device$' \
	m link del lo
check_fail "link set of a dummy: refused" \
	'^mapctl: link set dummy0: not a mape device \(kind dummy\)$' \
	m link set dummy0 hoplimit 3
check_fail "link show of a dummy: refused" \
	'^mapctl: link show dummy0: not a mape device \(kind dummy\)$' \
	m link show dummy0
check_eq "  -j: nothing on stdout" "$(m -j link show dummy0 2>/dev/null)" ""

# 7. Deletion.
check "link del: the BR" m link del l0
check "link del: the CE" m link del l1
check_fail "link del of a deleted device" '^mapctl: link del l0: .*No such device' \
	m link del l0
check_eq "link show without mape devices: nothing" "$(m link show)" ""
check_eq "link -j show without mape devices: []" "$(m -j link show)" "[]"
check_eq "  the dummies are still there" \
	"$(ipn -j link show type dummy | jq -c '[.[].ifname]')" '["dummy0","dummy1"]'

ksft_exit
