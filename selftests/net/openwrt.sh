#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The OpenWrt package: netifd's protocol handler mape
# (openwrt/mape/files/mape.sh) run under a stand-in of netifd's shell API
# (selftests/openwrt: jshn, netifd-proto.sh, ubus, netifd), with all below
# it real: mapctl ce, the kernel, the addresses and routes it asks netifd
# for applied in the CE's namespace, traffic through the domain. Then
# odhcp6c's hook, driven with odhcp6c's environment, adding the interface
# that the handler brings up.
#
#                      203.0.113.0/24
#   [srv] .2 ------------------------ .1 [br]  mape0: role br, 2001:db8:ffff::1
#                                         |      R1 and R2 (ifid rfc)
#                                         |    mapel: role br, 2001:db8:ffff::2
#                                         |      R3 (ifid draft03)
#                                         |    mapt0: role br mode t, DMR
#                                         |      2001:db8:64::/64, RT
#                                      [core]
#                                         | 2001:db8:f0:11::/64
#   [lan] .2 --- 198.51.100.0/30 --- .1 [ce1]  wan: netifd's "wan6" (dhcpv6,
#                                               the stand-in's status), with
#                                               the delegated prefix; the
#                                               handler's mape-<section>
#
#   R1 2001:db8:100::/40 -> 192.0.2.0/24  ea-len 16 offset 6 (topo.sh's)
#   R2 2001:db8:200::/48 -> 198.51.100.0/25   ea-len 16 offset 6 (for /64 PDs)
#   R3 2001:db8:300::/40 -> 198.51.100.128/25 ea-len 16 offset 4 (legacymap)
#   RT 2001:db8:400::/44 -> 192.0.2.224/28 ea-len 12 offset 4 (MAP-T; R1's
#      CEs there are not used)
# MAPE_VERBOSE=1: the handlers' log (what netifd would log) at the end.
#
# shellcheck source-path=SCRIPTDIR disable=SC2086,SC2317
# (addresses and rules are words; functions run through check and trap)

dir=$(dirname "$0")
source "$dir/../lib.sh"
source "$dir/topo.sh"
top=$(cd "$dir/../.." && pwd)
OW=$(cd "$dir/../openwrt" && pwd)

# shellcheck disable=SC2034 # topo_cleanup's
TOPO_NS="srv br core ce1 lan"
BR2=2001:db8:ffff::2
R2="rule-ipv6 2001:db8:200::/48 rule-ipv4 198.51.100.0/25 ea-len 16 psid-offset 6"
R3="rule-ipv6 2001:db8:300::/40 rule-ipv4 198.51.100.128/25 ea-len 16 psid-offset 4"
RT="rule-ipv6 2001:db8:400::/44 rule-ipv4 192.0.2.224/28 ea-len 12 psid-offset 4"
DMRT=2001:db8:64::/64
PDT=2001:db8:40b:cd00::/56
PD56=2001:db8:112:3400::/56
PD56B=2001:db8:112:3500::/56
IF=wan6_4
DEV=mape-$IF

tmp=$(mktemp -d)
pids=
nat_loaded=
netifd_pid=
cleanup()
{
	[ -n "$pids" ] && kill $pids 2>/dev/null
	if [ -n "$netifd_pid" ]; then
		[ -n "$MAPE_VERBOSE" ] && nf log
		nf quit
		wait $netifd_pid
	fi
	wait 2>/dev/null
	topo_cleanup
	[ -n "$nat_loaded" ] && rmmod mape_nat
	rm -rf "$tmp"
}
trap cleanup EXIT

export MAPE_OWRT_DIR=$OW MAPE_OWRT_STATE=$tmp/state MAPE_OWRT_ROOT=$tmp/root
export PATH=$OW:$PATH
# netifd (the stand-in) runs in the CE, and so its handlers.
nf() { nfctl "$@"; }
calls() { cat "$tmp/state/calls"; }
ncalls() { wc -l <"$tmp/state/calls"; }
# calls_since N: the ubus calls after the N-th, compact JSON a line.
calls_since() { tail -n +$(($1 + 1)) "$tmp/state/calls"; }
ndev() { ip -n ce1 -o link show type mape | wc -l; }
ce_show() { ip netns exec ce1 mapctl -j show dev $DEV | jq -r ".[0].ce | $1"; }
v4default() { ip -n ce1 -j -4 route show default | jq -r '.[] | "\(.dst) \(.dev)"'; }
addrs()
{
	ip -n ce1 -j addr show dev $DEV | jq -r \
		'[.[0].addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"] | join(" ")'
}
# wan6 PD...: the dhcpv6 interface wan6, up on device wan, holding the
# delegated prefixes PD (none: no PD).
wan6()
{
	local p pds=
	for p in "$@"; do
		pds+="${pds:+,}{\"address\":\"${p%/*}\",\"mask\":${p#*/},\"preferred\":3000,\"valid\":4000,\"class\":\"wan6\",\"assigned\":{}}"
	done
	nf set wan6 "{\"proto\":\"dhcpv6\",\"up\":true,\"available\":true,\"autostart\":true,\"l3_device\":\"wan\",\"device\":\"wan\",\"ipv6-prefix\":[$pds],\"ipv6-address\":[{\"address\":\"2001:db8:f0:11::2\",\"mask\":64}],\"data\":{\"zone\":\"wan\"}}"
}

domain()
{
	# lan is topo_lan's, below.
	TOPO_NS="srv br core ce1" topo_core || return 1
	ip -n srv route add 198.51.100.0/24 via 203.0.113.1
	ip -n core route add $BR2/128 via 2001:db8:f0:1::2

	ip -n br link add mape0 type mape role br br-addr $BR_ADDR || return 1
	ip -n br addr add $BR_ADDR/128 dev mape0 nodad
	ip -n br link set mape0 up
	ip -n br route add 192.0.2.0/24 dev mape0
	ip -n br route add 198.51.100.0/25 dev mape0
	ip netns exec br mapctl rule add dev mape0 bmr $RULE || return 1
	ip netns exec br mapctl rule add dev mape0 bmr $R2 || return 1
	ip -n br link add mapel type mape role br br-addr $BR2 ifid draft03 ||
		return 1
	ip -n br addr add $BR2/128 dev mapel nodad
	ip -n br link set mapel up
	ip -n br route add 198.51.100.128/25 dev mapel
	ip netns exec br mapctl rule add dev mapel bmr $R3 || return 1
	# The MAP-T BR receives by route, which takes IPv6 forwarding.
	ip netns exec br sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n br link add mapt0 type mape role br mode t dmr $DMRT || return 1
	ip -n br link set mapt0 up
	ip -n br route add $DMRT dev mapt0
	ip -n br route add 192.0.2.224/28 dev mapt0
	ip netns exec br mapctl rule add dev mapt0 bmr $RT || return 1
	ip -n core route add $DMRT via 2001:db8:f0:1::2

	topo_ce_wan ce1 11 2001:db8:100::/40 || return 1
	ip -n core route add 2001:db8:200::/48 via 2001:db8:f0:11::2
	ip -n core route add 2001:db8:300::/40 via 2001:db8:f0:11::2
	ip -n core route add 2001:db8:400::/44 via 2001:db8:f0:11::2
	topo_lan
}
check "domain built" domain || exit 1
if [ ! -d /sys/module/mape_nat ]; then
	modprobe nf_nat && insmod "$top/kernel/mape_nat.ko" && nat_loaded=1
fi
check "mape_nat loaded" test -d /sys/module/mape_nat

# The handler where netifd has it, beside the stand-in's netifd-proto.sh.
mkdir -p "$tmp/root/lib/netifd/proto" "$tmp/state"
cp "$top/openwrt/mape/files/mape.sh" "$tmp/root/lib/netifd/proto/"
cp "$OW/netifd-proto.sh" "$tmp/root/lib/netifd/"
ip netns exec ce1 netifd &
netifd_pid=$!
for _ in $(seq 50); do
	[ -p "$tmp/state/bus" ] && break
	sleep 0.2
done

# 1. The declaration netifd reads at startup ('' dump).
check "netifd: handlers read" nf init
check_eq "mape.sh '' dump: the declaration" "$(nf dump)" \
	'{ "name": "mape", "config": [ [ "rule", 3 ], [ "maptype", 3 ], [ "peeraddr", 3 ], [ "ipaddr", 3 ], [ "ip4prefixlen", 5 ], [ "ip6prefix", 3 ], [ "ip6prefixlen", 5 ], [ "ealen", 5 ], [ "psidlen", 5 ], [ "psid", 5 ], [ "offset", 5 ], [ "legacymap", 7 ], [ "tunlink", 3 ], [ "mtu", 5 ], [ "ttl", 5 ], [ "encaplimit", 3 ], [ "zone", 3 ], [ "napt", 7 ], [ "_prefsig", 3 ] ], "no-device": true, "no-device-config": false, "no-proto-task": false, "available": true, "renew-handler": false, "restart-handler": false, "lasterror": false, "teardown-on-l3-link-down": false }'

# 2. A static configuration in map.sh's terms, on a /56 PD; "-1" and
# "x" are what netifd would drop (napt stays on by default).
wan6 $PD56
STATIC=(proto=mape tunlink=wan6 "peeraddr=$BR_ADDR" ipaddr=192.0.2.0
	ip4prefixlen=24 ip6prefix=2001:db8:100:: ip6prefixlen=40 ealen=16
	offset=6 zone=wan napt=x)
nf config $IF "${STATIC[@]}"
n0=$(ncalls)
check_eq "static: up" "$(nf up $IF)" "$IF: up"
check_eq "  the config JSON netifd passed: ints as ints, napt dropped" \
	"$(jq -c '.interfaces["'$IF'"]._config' "$tmp/state/state.json")" \
	'{"proto":"mape","zone":"wan","peeraddr":"2001:db8:ffff::1","ipaddr":"192.0.2.0","ip4prefixlen":24,"ip6prefix":"2001:db8:100::","ip6prefixlen":40,"ealen":16,"offset":6,"tunlink":"wan6"}'
echo "# ubus calls of the handler, static configuration:"
calls_since "$n0" | sed 's/^/#   /'
check_eq "  ubus: host dependency on wan6, wan6's status, one update" \
	"$(calls_since "$n0" | jq -r '"\(.object) \(.method) \(.msg.action // "")"' | paste -sd' ')" \
	"network.interface notify_proto 6 network.interface.wan6 status  network.interface notify_proto 0"
check_eq "  the update, as netifd-proto.sh sends it" \
	"$(calls_since "$n0" | jq -c 'select(.msg.action == 0) | .msg')" \
	'{"action":0,"ifname":"mape-wan6_4","link-up":true,"data":{"zone":"wan"},"keep":false,"ipaddr":[{"ipaddr":"192.0.2.18","mask":"32"}],"ip6addr":[{"ipaddr":"2001:db8:112:3400:0:c000:212:34","mask":"128"}],"routes":[{"target":"0.0.0.0","netmask":"0"}],"interface":"wan6_4"}'
check_eq "  the device: one, a CE of the PD, napt on, map.sh's MTU" \
	"$(ndev) $(ip netns exec ce1 mapctl link show $DEV | grep -o 'role ce br-addr [^ ]* end-user-prefix [^ ]* ifid [^ ]*\|napt [a-z]*' | paste -sd' ') $(ip -n ce1 -j link show $DEV | jq '.[0].mtu')" \
	"1 role ce br-addr 2001:db8:ffff::1 end-user-prefix $PD56 ifid rfc napt on 1280"
check_eq "  the rule: R1 as BMR" \
	"$(ip netns exec ce1 mapctl rule show dev $DEV | cut -d' ' -f1-11)" \
	"dev $DEV bmr $RULE"
check_eq "  the addresses netifd applied" "$(addrs)" \
	"192.0.2.18/32 2001:db8:112:3400:0:c000:212:34/128"
check_eq "  the default route" "$(v4default)" "default $DEV"
check "  the CE pings the server" ip netns exec ce1 ping -c 2 -i 0.2 -W 2 $SRV

# Traffic from the LAN: 230 UDP flows and 20 TCP connections at once hold
# 250 of the set's 252 ports, so every one of its 63 ranges shows.
ip netns exec srv python3 "$dir/napt_flows.py" server "$tmp/log" 7000 7100 &
pids+=" $!"
sleep 1
ip netns exec lan python3 "$dir/napt_flows.py" udp $SRV 7000 230 6 >"$tmp/udp" 2>&1 &
u=$!
sleep 0.5
ip netns exec lan python3 "$dir/napt_flows.py" tcp $SRV 7100 20 3 >"$tmp/tcp" 2>&1
wait $u
check_eq "  LAN: UDP flows and TCP connections through the CE's NAPT" \
	"$(cat "$tmp/udp" "$tmp/tcp" | paste -sd' ')" "230/230 echoed 20/20 connected"
out=$(python3 "$dir/napt_flows.py" check "$tmp/log" 192.0.2.18 8 6)
check_eq "  server: 250 flows from 192.0.2.18, from every range of PSID 0x34" \
	"$(grep -v '^flows' <<<"$out")" "psid 0x34 flows 250 ranges 63/63"
check_eq "  server: no flow from outside the set" "$(head -n 1 <<<"$out")" \
	"flows 250 distinct 250 nobody 0"
check "  LAN: ping the server" ip netns exec lan ping -c 2 -i 0.2 -W 2 $SRV

# 3. ifdown, ifup, reload.
check_eq "ifdown: down" "$(nf down $IF)" "$IF: down autostart off"
check_eq "  no device, nothing of its left" "$(ndev) $(v4default)" "0 "
n0=$(ncalls)
check_eq "ifup: up" "$(nf ifup $IF)" "$IF: up"
check_eq "  one device, the same addresses" "$(ndev) $(addrs)" \
	"1 192.0.2.18/32 2001:db8:112:3400:0:c000:212:34/128"
n0=$(ncalls)
nf reload
check_eq "reload, nothing changed: no call, one device" "$(ncalls) $(ndev)" "$n0 1"
nf config $IF "${STATIC[@]}" mtu=1400 ttl=32
check_eq "reload, mtu and ttl changed: set up again" "$(nf reload)" "$IF: up"
check_eq "  one device, MTU 1400, hoplimit 32" \
	"$(ndev) $(ip -n ce1 -j -d link show $DEV | jq -r '.[0] | "\(.mtu) \(.linkinfo.info_data.hoplimit)"')" \
	"1 1400 32"
check "  traffic" ip netns exec lan ping -c 2 -i 0.2 -W 2 $SRV

# 4. The delegated prefix renumbered: wan6 goes down and comes back with
# another prefix; the dependency takes the mape interface along.
check_eq "wan6 down: the mape interface down with it" "$(wan6 $PD56 >/dev/null;
	nf set wan6 '{"proto":"dhcpv6","up":false}')" "$IF: down"
check_eq "  no device" "$(ndev)" 0
check_eq "wan6 up with $PD56B: the mape interface up again" "$(wan6 $PD56B)" "$IF: up"
check_eq "  one device, the new prefix's addresses" "$(ndev) $(addrs)" \
	"1 192.0.2.18/32 2001:db8:112:3500:0:c000:212:35/128"
check_eq "  PSID 0x35" "$(ce_show '.psid')" 53
check "  traffic" ip netns exec lan ping -c 2 -i 0.2 -W 2 $SRV

# 5. A /64 PD (R2, 2001:db8:200::/48).
wan6 2001:db8:200:1234::/64 >/dev/null
nf config $IF proto=mape tunlink=wan6 peeraddr=$BR_ADDR ipaddr=198.51.100.0 \
	ip4prefixlen=25 ip6prefix=2001:db8:200:: ip6prefixlen=48 ealen=16
check_eq "/64 PD: set up again" "$(nf ifup $IF)" "$IF: up"
check_eq "  one device, 198.51.100.9 PSID 0x34" "$(ndev) $(addrs) $(ce_show .psid)" \
	"1 198.51.100.9/32 2001:db8:200:1234:0:c633:6409:34/128 52"
check "  traffic" ip netns exec lan ping -c 2 -i 0.2 -W 2 $SRV

# 6. legacymap (R3, the BR with draft-03 interface identifiers): offset 4
# by default, the IPv4 address and PSID one byte to the left in the IID.
wan6 2001:db8:312:3400::/56 >/dev/null
nf config $IF proto=mape tunlink=wan6 peeraddr=$BR2 ipaddr=198.51.100.128 \
	ip4prefixlen=25 ip6prefix=2001:db8:300:: ip6prefixlen=40 ealen=16 \
	legacymap=1
check_eq "legacymap: up" "$(nf ifup $IF)" "$IF: up"
check_eq "  draft-03 /128, offset 4" \
	"$(addrs) $(ce_show '"\(.psid_offset) \(.ports[0][0])-\(.ports[0][1]) \(.port_count)"')" \
	"198.51.100.137/32 2001:db8:312:3400:c6:3364:8900:3400/128 4 4512-4519 120"
: >"$tmp/log"
out=$(ip netns exec lan python3 "$dir/napt_flows.py" udp $SRV 7000 30 0)
check_eq "  30 UDP flows through the draft-03 BR" "$out" "30/30 echoed"
check_eq "  server: all from PSID 0x34's set with offset 4" \
	"$(python3 "$dir/napt_flows.py" check "$tmp/log" 198.51.100.137 9 4 | cut -d' ' -f1-4 | paste -sd' ')" \
	"flows 30 distinct 30 psid 0x34 flows 30"

# 7. rule: odhcp6c's MAPE text. Three rules (the first and the third
# flagged fmr), two BRs each, psid left-aligned; on the /56 PD R1's rule
# is the BMR (bmr+fmr), the third an FMR, the first BR used.
MAPE3="fmr,type=map-e,ealen=16,prefix4len=24,prefix6len=40,ipv4prefix=192.0.2.0,ipv6prefix=2001:db8:100::,offset=6,psidlen=8,psid=13312,br=$BR_ADDR,br=2001:db8:ffff::3, type=map-e,ealen=16,prefix4len=25,prefix6len=48,ipv4prefix=198.51.100.0,ipv6prefix=2001:db8:200::,offset=6,psidlen=9,psid=6656,br=$BR_ADDR,br=2001:db8:ffff::3, fmr,type=map-e,ealen=12,prefix4len=28,prefix6len=44,ipv4prefix=198.51.100.128,ipv6prefix=2001:db8:ee00::,br=$BR_ADDR,br=2001:db8:ffff::3, "
wan6 $PD56 >/dev/null
nf config $IF proto=mape tunlink=wan6 "rule=$MAPE3"
check_eq "rule, three rules as odhcp6c prints them: up" "$(nf ifup $IF)" "$IF: up"
check_eq "  BMR R1 (bmr+fmr), FMR the third, BR the first" \
	"$(ip netns exec ce1 mapctl rule show dev $DEV | cut -d' ' -f3-7 | sort | paste -sd';') $(ip netns exec ce1 mapctl -j link show $DEV | jq -r '.[0].linkinfo.info_data.br_addr')" \
	"bmr+fmr rule-ipv6 2001:db8:100::/40 rule-ipv4 192.0.2.0/24;fmr rule-ipv6 2001:db8:ee00::/44 rule-ipv4 198.51.100.128/28 $BR_ADDR"
check_eq "  the addresses" "$(addrs)" "192.0.2.18/32 2001:db8:112:3400:0:c000:212:34/128"
check "  traffic" ip netns exec lan ping -c 2 -i 0.2 -W 2 $SRV
# 8. Errors: the code, no restart, nothing left (a device was up before).
# expect_error WHAT CODE: ifup fails with CODE after one setup, no device.
expect_error()
{
	local out
	out=$(nf ifup $IF)
	check_eq "$1: $2, no restart" "$out" "$IF: down errors $2 autostart off"
	check_eq "  one attempt, no device left" \
		"$(jq -r '.interfaces["'$IF'"]._attempts' "$tmp/state/state.json") $(ndev)" "1 0"
}
check_eq "(a device up before the errors)" "$(ndev)" 1
wan6 >/dev/null
nf config $IF "${STATIC[@]}"
expect_error "no PD on tunlink" MISSING_PD
wan6 2001:db8:999:100::/56 >/dev/null
expect_error "a PD no rule covers" NO_MATCHING_PD
wan6 $PD56 >/dev/null
nf config $IF proto=mape tunlink=wan6 "rule=type=map-e,ealen=16,prefix4len=24,bogus"
expect_error "a bad rule string" INVALID_MAP_RULE
nf config $IF "${STATIC[@]}" peeraddr=
expect_error "no peeraddr (no BR)" INVALID_MAP_RULE
nf config $IF "${STATIC[@]}" maptype=map-t
expect_error "maptype map-t, peeraddr a BR address, not a DMR prefix" INVALID_MAP_RULE
nf config $IF proto=mape tunlink=wan6 maptype=map-e "rule=${MAPE3//map-e/map-t}"
expect_error "maptype map-e, map-t rules" INVALID_MAP_RULE
nf config $IF "${STATIC[@]}" maptype=lw4o6
expect_error "maptype lw4o6" UNSUPPORTED_TYPE
check_eq "  ifstatus shows the error" \
	"$(jq -c '.interfaces["'$IF'"].errors' "$tmp/state/state.json")" \
	'[{"subsystem":"mape","code":"UNSUPPORTED_TYPE"}]'
check_eq "ifdown after a failed setup: the error stays" "$(nf down $IF)" \
	"$IF: down errors UNSUPPORTED_TYPE autostart off"

# 9. A rule string with ea-len 0: the PSID is the rule's, left-aligned (13312 = 0x34 << 8).
nf config $IF proto=mape tunlink=wan6 \
	"rule=type=map-e,ealen=0,prefix4len=32,prefix6len=56,ipv4prefix=192.0.2.250,ipv6prefix=2001:db8:112:3400::,offset=6,psidlen=8,psid=13312,br=$BR_ADDR, "
check_eq "rule with ea-len 0: up" "$(nf ifup $IF)" "$IF: up"
check_eq "  PSID 0x34 from psid=13312, its ports" \
	"$(addrs) $(ce_show '"\(.psid) \(.ports[0][0])-\(.ports[0][1])"')" \
	"192.0.2.250/32 2001:db8:112:3400:0:c000:2fa:34/128 52 1232-1235"

# 10. maptype map-t in map.sh's terms (peeraddr the DMR): a mode t
# device that receives by route, which netifd adds, and IPv6 forwarding.
fwd() { ip netns exec ce1 cat /proc/sys/net/ipv6/conf/all/forwarding; }
# routes6: the destinations routed into the device, link-local aside.
routes6() { ip -n ce1 -6 route show dev $DEV | grep -v '^fe80' | cut -d' ' -f1; }
check_eq "(IPv6 forwarding off in the CE before)" "$(fwd)" 0
wan6 $PDT >/dev/null
nf config $IF proto=mape tunlink=wan6 maptype=map-t peeraddr=$DMRT \
	ipaddr=192.0.2.224 ip4prefixlen=28 ip6prefix=2001:db8:400:: \
	ip6prefixlen=44 ealen=12 offset=4 zone=wan
n0=$(ncalls)
check_eq "map-t: up" "$(nf ifup $IF)" "$IF: up"
TADDR=2001:db8:40b:cd00:0:c000:2eb:cd
check_eq "  the update: the IPv4 address, a /128 route for the MAP address, no IPv6 address" \
	"$(calls_since "$n0" | jq -c 'select(.msg.action == 0) | .msg | [.ipaddr, .ip6addr, .routes6]' | tail -n 1)" \
	"[[{\"ipaddr\":\"192.0.2.235\",\"mask\":\"32\"}],null,[{\"target\":\"$TADDR\",\"netmask\":\"128\"}]]"
check_eq "  the device: mode t, the DMR, MAP-T's BMR" \
	"$(ndev) $(ip netns exec ce1 mapctl link show $DEV | grep -o 'role ce mode t dmr [^ ]*') $(ip netns exec ce1 mapctl rule show dev $DEV | cut -d' ' -f3-11)" \
	"1 role ce mode t dmr $DMRT bmr $RT"
check_eq "  netifd applied the route, no global IPv6 address" \
	"$(routes6) $(addrs)" "$TADDR 192.0.2.235/32"
check_eq "  mapctl show's needs line is that route" \
	"$(ip netns exec ce1 mapctl show dev $DEV | grep '^needs:')" "needs: ip -6 route add $TADDR/128 dev $DEV"
check_eq "  IPv6 forwarding turned on" "$(fwd)" 1
: >"$tmp/log"
rx0=$(ip -n br -j -s link show mapt0 | jq '.[0].stats64.rx.packets')
out=$(ip netns exec lan python3 "$dir/napt_flows.py" udp $SRV 7000 30 0)
check_eq "  30 UDP flows from the LAN through the mode t CE and BR" "$out" "30/30 echoed"
check_eq "  server: all from 192.0.2.235, PSID 0xcd's set (offset 4)" \
	"$(python3 "$dir/napt_flows.py" check "$tmp/log" 192.0.2.235 8 4 | sed 's/ ranges.*//' | paste -sd' ')" \
	"flows 30 distinct 30 nobody 0 psid 0xcd flows 30"
check "  translated by mapt0" \
	test "$(ip -n br -j -s link show mapt0 | jq '.[0].stats64.rx.packets')" -ge $((rx0 + 30))
check "  LAN: ping the server" ip netns exec lan ping -c 2 -i 0.2 -W 2 $SRV

# 11. odhcp6c: its state script (dhcpv6.script's tail: /etc/odhcp6c.user
# runs each file of /etc/odhcp6c.user.d with "$@") and the hook, with
# odhcp6c's arguments and environment.
mkdir -p "$tmp/etc/odhcp6c.user.d"
cp "$top/openwrt/mape/files/odhcp6c-mape.sh" "$tmp/etc/odhcp6c.user.d/mape.sh"
cat >"$tmp/dhcpv6.script" <<EOF
#!/bin/sh
[ -z "\$2" ] && exit 1
. "$tmp/root/lib/netifd/netifd-proto.sh"
# (the stock script's own work for wan6 is the stand-in's status)
for f in "$tmp"/etc/odhcp6c.user.d/*; do
	[ -f "\$f" ] && ( . "\$f" "\$@" )
done
exit 0
EOF
# odhcp6c STATE [PREFIXES]: run the state script as odhcp6c does.
odhcp6c()
{
	ip netns exec ce1 env -i PATH="$PATH" MAPE_OWRT_DIR="$OW" \
		MAPE_OWRT_STATE="$tmp/state" INTERFACE=wan6 ZONE=wan \
		MAPE="${MAPE_TEXT-$MAPE3}" MAPT="$MAPT_TEXT" \
		PREFIXES="${2:-$PD56,3000,4000,1000,2000}" \
		ADDRESSES="2001:db8:f0:11::2/128,3000,4000,1000,2000" \
		RA_ROUTES="::/0,fe80::1,1800,1024" \
		busybox sh "$tmp/dhcpv6.script" wan "$1"
}
nf down $IF >/dev/null
# First the text odhcp6c printed for Kea's option 94 (two rules, the
# first flagged F, two BRs), on a PD of its first rule. (The lab's second
# rule was 198.51.100.0/20, host bits set, which mapctl refuses; here it
# is the /20 that holds it.)
KEA='fmr,type=map-e,ealen=16,prefix4len=24,prefix6len=40,ipv4prefix=192.0.2.0,ipv6prefix=2001:db8:ff00::,offset=6,psidlen=8,psid=13312,br=2001:db8:ffff::1,br=2001:db8:ffff::2, type=map-e,ealen=12,prefix4len=20,prefix6len=44,ipv4prefix=198.51.96.0,ipv6prefix=2001:db8:ee00::,br=2001:db8:ffff::1,br=2001:db8:ffff::2, '
wan6 2001:db8:ff12:3400::/56 >/dev/null
MAPE_TEXT=$KEA odhcp6c bound "2001:db8:ff12:3400::/56,3000,4000,1000,2000"
check_eq "odhcp6c bound, Kea's option 94: the handler brings it up" \
	"$(nf dynamic)" "$IF: up"
check_eq "  BMR the first rule (bmr+fmr), its addresses" \
	"$(ip netns exec ce1 mapctl rule show dev $DEV | cut -d' ' -f3-7) $(addrs)" \
	"bmr+fmr rule-ipv6 2001:db8:ff00::/40 rule-ipv4 192.0.2.0/24 192.0.2.18/32 2001:db8:ff12:3400:0:c000:212:34/128"
MAPE_TEXT=$KEA odhcp6c stopped
check_eq "  odhcp6c stopped: removed" "$(nf dynamic) $(ndev)" "$IF: removed 0"

# Then this domain's three rules, with traffic.
wan6 $PD56 >/dev/null
n0=$(ncalls)
odhcp6c bound
check_eq "odhcp6c bound: add_dynamic, proto mape, rule \$MAPE" \
	"$(calls_since "$n0" | jq -c 'select(.method == "add_dynamic") | .msg')" \
	"$(jq -nc --arg r "$MAPE3" '{name:"wan6_4",ifname:"@wan6",proto:"mape",rule:$r,tunlink:"wan6",_prefsig:" 2001:db8:112:3400::/56",zone:"wan"}')"
check_eq "  netifd adds it, the handler brings it up" "$(nf dynamic)" "$IF: up"
check_eq "  one device, the BMR's addresses, zone wan" \
	"$(ndev) $(addrs) $(jq -r '.interfaces["'$IF'"].data.zone' "$tmp/state/state.json")" \
	"1 192.0.2.18/32 2001:db8:112:3400:0:c000:212:34/128 wan"
check "  traffic" ip netns exec lan ping -c 2 -i 0.2 -W 2 $SRV
odhcp6c updated
check_eq "odhcp6c updated, the same: netifd leaves it" "$(nf dynamic)" "$IF: unchanged"
wan6 $PD56B >/dev/null
odhcp6c updated "$PD56B,3000,4000,1000,2000"
check_eq "odhcp6c updated, prefix renumbered: set up again" "$(nf dynamic)" "$IF: up"
check_eq "  one device, the new addresses" "$(ndev) $(addrs)" \
	"1 192.0.2.18/32 2001:db8:112:3500:0:c000:212:35/128"
check "  traffic" ip netns exec lan ping -c 2 -i 0.2 -W 2 $SRV
odhcp6c stopped
check_eq "odhcp6c stopped: the interface removed, no device" \
	"$(nf dynamic) $(ndev)" "$IF: removed 0"

# MAPT, as odhcp6c prints option 95: a rule and, in it, the DMR.
MAPT1="type=map-t,ealen=12,prefix4len=28,prefix6len=44,ipv4prefix=192.0.2.224,ipv6prefix=2001:db8:400::,offset=4,psidlen=0,psid=0,dmr=$DMRT, "
wan6 $PDT >/dev/null
n0=$(ncalls)
MAPE_TEXT= MAPT_TEXT=$MAPT1 odhcp6c bound "$PDT,3000,4000,1000,2000"
check_eq "odhcp6c bound, MAPT: add_dynamic, maptype map-t, rule \$MAPT" \
	"$(calls_since "$n0" | jq -c 'select(.method == "add_dynamic") | .msg | [.proto, .maptype, .rule]')" \
	"$(jq -nc --arg r "$MAPT1" '["mape","map-t",$r]')"
check_eq "  netifd adds it, the handler brings it up: mode t, the route" \
	"$(nf dynamic) $(ip netns exec ce1 mapctl -j show dev $DEV | jq -r '.[0].mode') $(routes6)" \
	"$IF: up t $TADDR"
check "  traffic" ip netns exec lan ping -c 2 -i 0.2 -W 2 $SRV
out=$(MAPT_TEXT=$MAPT1 odhcp6c updated "$PDT,3000,4000,1000,2000" 2>&1)
check_eq "odhcp6c updated, MAPE and MAPT both: removed, said why" \
	"$(nf dynamic) $(ndev) $out" \
	"$IF: removed 0 mape: wan6: the server sent both option 94 (MAP-E) and 95 (MAP-T): request only the one to use (reqopts)"

ksft_exit
