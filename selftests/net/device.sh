#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The mape device through ip and the plugin: every attribute shown back with
# the keywords that create it, mutable ones changed, immutable ones and bad
# input refused with a clear message and nothing changed; drops counted;
# devices in several namespaces, namespace teardown and deletion clean.
#
#   [ root netns ]                     [ netns mape-dev-a ]
#     m0 (mape br)  m1 (mape ce)         m2 (mape ce, deleted with the netns)

source "$(dirname "$0")/../lib.sh"
ns_per_run

NS=mape-dev-a
cleanup()
{
	ip link del m0 2>/dev/null
	ip link del m1 2>/dev/null
	ip link del dummy0 2>/dev/null
	ip netns del $NS 2>/dev/null
}
trap cleanup EXIT

info() { ip -j -d link show "$1" | jq -c ".[0].linkinfo.info_data"; }

check "BR device" ip link add m0 type mape role br br-addr 2001:db8:ffff::1
check_eq "  defaults shown" "$(info m0)" \
	'{"role":"br","br_addr":"2001:db8:ffff::1","ifid":"rfc","hoplimit":64,"tclass":"inherit","encaplimit":"none","mtu_v6":"none","frag":"outer","v4_reassembly":"off","frag_id":"keep","napt":"off","frag_entries":4096,"frag_held":1024,"frag_timeout":5000}'
check_eq "  MTU 1500 - 40" "$(ip -j link show m0 | jq '.[0].mtu')" 1460

check "dummy underlay with MTU 9000" ip link add dummy0 mtu 9000 type dummy
check "CE device with every option" ip link add m1 type mape role ce \
	br-addr 2001:db8:ffff::1 end-user-prefix 2001:db8:12:3400::/56 \
	ifid draft03 dev dummy0 hoplimit 32 tclass 0x20 encaplimit 4
check_eq "  all shown back" "$(info m1)" \
	'{"role":"ce","br_addr":"2001:db8:ffff::1","end_user_prefix":"2001:db8:12:3400::/56","ifid":"draft03","link":"dummy0","hoplimit":32,"tclass":32,"encaplimit":4,"mtu_v6":"none","frag":"outer","v4_reassembly":"off","frag_id":"keep","napt":"off","frag_entries":4096,"frag_held":1024,"frag_timeout":5000}'
check_eq "  MTU follows the underlay: 9000 - 40 - 8" \
	"$(ip -j link show m1 | jq '.[0].mtu')" 8952
# The text form pastes back as arguments.
args=$(ip -d link show m1 | sed -n 's/^ *mape //p' | sed 's/ addrgenmode.*//')
check "ip -d link show output pastes back into ip link add" \
	ip link add m9 type mape $args
check_eq "  and gives the same device" "$(info m9)" "$(info m1)"
ip link del m9

check "mutable attributes change" ip link set m1 type mape hoplimit 9 \
	tclass inherit encaplimit none br-addr 2001:db8:eeee::1 \
	end-user-prefix 2001:db8:12:3500::/56
check_eq "  changed" "$(info m1 | jq -c '[.hoplimit,.tclass,.encaplimit,.br_addr,.end_user_prefix]')" \
	'[9,"inherit","none","2001:db8:eeee::1","2001:db8:12:3500::/56"]'
check "mtu through the plugin" ip link set m1 type mape mtu 1400
check_eq "  MTU 1400" "$(ip -j link show m1 | jq '.[0].mtu')" 1400
before=$(info m1)
check_fail "role is immutable" "role cannot be changed" ip link set m1 type mape role br
check_fail "ifid is immutable" "ifid cannot be changed" ip link set m1 type mape ifid rfc
check_fail "mode is immutable" "mode cannot be changed" \
	ip link set m1 type mape mode t
check "same role again is fine" ip link set m1 type mape role ce
check_fail "a BR has no end-user prefix" "BR has no end-user prefix" \
	ip link set m0 type mape end-user-prefix 2001:db8::/56
check_fail "end-user prefix with host bits" "bits set beyond|host bits" \
	ip link set m1 type mape end-user-prefix 2001:db8:12:3401::/56
check_fail "hoplimit 0" "hoplimit" ip link set m1 type mape hoplimit 0
check_fail "tclass 300" "tclass" ip link set m1 type mape tclass 300
check_fail "mtu 40" "mtu|MTU" ip link set m1 type mape mtu 40
check_fail "unknown underlay" "nosuchdev" ip link set m1 type mape dev nosuchdev
check_eq "refused changes left the device as it was" "$(info m1)" "$before"

check_fail "role is required" "role" ip link add m9 type mape br-addr 2001:db8::1
check_fail "br-addr is required" "br-addr is required" ip link add m9 type mape role ce
check_eq "mapctl show: mode e by default" \
	"$(mapctl -j show dev m1 | jq -r '.[0].mode')" e
check_fail "dmr belongs to mode t" "dmr belongs to mode t" \
	ip link add m9 type mape role br br-addr 2001:db8::1 dmr 64:ff9b::/96
check_fail "mode t requires a dmr" "mode t requires a dmr" \
	ip link add m9 type mape role br mode t
check_fail "br-addr belongs to mode e" "br-addr belongs to mode e" \
	ip link add m9 type mape role br mode t dmr 2001:db8:64::/96 \
	br-addr 2001:db8::1
check "mode t device (MAP-T), its DMR" \
	ip link add t0 type mape role ce mode t dmr 2001:db8:64::/96
check_eq "  shown back" "$(info t0 | jq -c '[.role, .mode, .dmr, .br_addr]')" \
	'["ce","t","2001:db8:64::/96",null]'
check "  the DMR changes" ip link set t0 type mape dmr 2001:db8:46::/48
check_eq "  changed" "$(info t0 | jq -r .dmr)" 2001:db8:46::/48
check_fail "  mode is immutable there too" "mode cannot be changed" \
	ip link set t0 type mape mode e
check_fail "  and takes no br-addr" "br-addr belongs to mode e" \
	ip link set t0 type mape br-addr 2001:db8::1
check_eq "  mapctl show: mode t, the DMR" \
	"$(mapctl -j show dev t0 | jq -r '.[0] | "\(.mode) \(.dmr)"')" \
	"t 2001:db8:46::/48"
check_eq "  MTU: the underlay's, no header to leave room for" \
	"$(ip -j link show t0 | jq '.[0].mtu')" 1500
check_eq "  icmp-src auto by default (RFC 6791: the device's own)" \
	"$(info t0 | jq -r .icmp_src)" auto
check_eq "  and accept_local on, for the host's own address as that source" \
	"$(sysctl -n net.ipv4.conf.t0.accept_local)" 1
check "  icmp-src changes" ip link set t0 type mape icmp-src 198.51.100.7
check_eq "  changed, in ip and mapctl show" \
	"$(info t0 | jq -r .icmp_src) $(mapctl -j show dev t0 | jq -r '.[0].icmp_src')" \
	"198.51.100.7 198.51.100.7"
check "  and back to auto" ip link set t0 type mape icmp-src auto
check_eq "  auto again" "$(info t0 | jq -r .icmp_src)" auto
check_fail "  icmp-src must be unicast" "icmp-src must be a unicast" \
	ip link set t0 type mape icmp-src 224.0.0.1
check_fail "  icmp-src not loopback" "icmp-src must be a unicast" \
	ip link set t0 type mape icmp-src 127.0.0.1
ip link del t0
check_fail "icmp-src belongs to mode t" "icmp-src belongs to mode t" \
	ip link add m9 type mape role br br-addr 2001:db8::1 icmp-src 192.0.2.1
check_eq "mode e: accept_local left alone" \
	"$(sysctl -n net.ipv4.conf.m1.accept_local)" 0
check_fail "br-addr must be unicast" "global unicast" \
	ip link add m9 type mape role br br-addr ff02::1
check_fail "unknown option is refused, naming it" 'unknown option "bogus"' \
	ip link add m9 type mape role br br-addr 2001:db8::1 bogus
check_fail "duplicate keyword" "duplicate|Duplicate" \
	ip link add m9 type mape role br role br br-addr 2001:db8::1
check_fail "no device left behind by the refused adds" 'does not exist' \
	ip link show m9

# Without rules, each packet sent is dropped and counted, exactly.
ip link set m1 up
ip addr add 192.0.2.1/32 dev m1
ip route add 198.51.100.0/24 dev m1
before=$(mapctl -j stats dev m1 | jq '.[0].no_rule')
ping -c 3 -i 0.2 -W 1 198.51.100.7 >/dev/null 2>&1
check_eq "3 pings without a BMR: 3 no-rule drops" \
	"$(( $(mapctl -j stats dev m1 | jq '.[0].no_rule') - before ))" 3
check_eq "  and 3 tx errors" "$(ip -j -s link show m1 | jq '.[0].stats64.tx.errors')" 3

check "a device in another netns" ip netns add $NS
check "  created there" ip -n $NS link add m2 type mape role ce br-addr 2001:db8::1
check "  up" ip -n $NS link set m2 up
check_fail "  cannot move between namespaces" "." ip -n $NS link set m2 netns 1
check "netns teardown with the device in it" ip netns del $NS
check "devices deleted" sh -c "ip link del m0 && ip link del m1"

ksft_exit
