#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The mape device itself: creation through ip and the plugin, attributes
# shown back, drops counted, netns teardown and deletion clean. Runs in the
# VM (selftests/vm/run) with mape.ko loaded.
#
#   [ root netns ]          [ netns mape-dev-a ]
#     m0 (mape)                m1 (mape)
#     m2 (mape, deleted)       (netns deleted with the device in it)

source "$(dirname "$0")/../lib.sh"

NS=mape-dev-a
cleanup()
{
	ip link del m0 2>/dev/null
	ip netns del $NS 2>/dev/null
}
trap cleanup EXIT

check "ip link add m0 type mape" ip link add m0 type mape
check_eq "ip -d link show names the kind" \
	"$(ip -j -d link show m0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["linkinfo"]["info_kind"])')" mape
check "device comes up" ip link set m0 up
check "an IPv4 address on it" ip addr add 192.0.2.1/32 dev m0
check "a route through it" ip route add 198.51.100.0/24 dev m0

# No rule yet: each packet sent is dropped and counted, exactly.
before=$(link_stat "" m0 tx.dropped)
ping -c 3 -i 0.2 -W 1 198.51.100.7 >/dev/null 2>&1
after=$(link_stat "" m0 tx.dropped)
check_eq "3 pings make 3 counted tx drops" "$((after - before))" 3

check_fail "unknown option is refused, naming it" 'unknown option "bogus"' \
	ip link add m9 type mape bogus
check_fail "no device left behind by the refused add" 'does not exist' \
	ip link show m9

check "a device in another netns" ip netns add $NS
check "  created there" ip -n $NS link add m1 type mape
check "  up" ip -n $NS link set m1 up
check "netns teardown with the device in it" ip netns del $NS
check "second device" ip link add m2 type mape
check "  deleted" ip link del m2
check "first device deleted" ip link del m0

ksft_exit
