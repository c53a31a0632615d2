#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mapctl ce up/down against the kernel: a CE built in one step from
# odhcp6c's rule text or option 94's hex and the delegated prefix (the
# device's keywords, its rules, IFF_UP, and what mapctl show then reports
# equal to what ce up printed); replaced, not duplicated, by a second up;
# never half-configured: a bad link keyword leaves the old device as it
# was, a rule the kernel refuses and napt without mape_nat leave no device;
# ce down idempotent and blind to devices of other kinds.
#
#   [ netns mape-ce ]  dummy0 (underlay), m0 (mape ce), d0 (dummy)

dir=$(dirname "$0")
source "$dir/../lib.sh"
ns_per_run
top=$(cd "$dir/../.." && pwd)

NS=mape-ce
nat_loaded=
cleanup()
{
	ip -n $NS link del m0 2>/dev/null
	[ -n "$nat_loaded" ] && rmmod mape_nat
	ip netns del $NS 2>/dev/null
}
trap cleanup EXIT

m() { ip netns exec $NS mapctl "$@"; }
ipn() { ip -n $NS "$@"; }
ndev() { ipn -o link show type mape | wc -l; }

ONE='type=map-e,ealen=16,prefix4len=24,prefix6len=40,ipv4prefix=192.0.2.0,ipv6prefix=2001:db8:ff00::,offset=6,psidlen=8,psid=13312,br=2001:db8:ffff::1, '
TWO='fmr,type=map-e,ealen=16,prefix4len=24,prefix6len=40,ipv4prefix=192.0.2.0,ipv6prefix=2001:db8:ff00::,offset=6,psidlen=8,psid=13312,br=2001:db8:ffff::1,br=2001:db8:ffff::2, type=map-e,ealen=12,prefix4len=24,prefix6len=44,ipv4prefix=198.51.100.0,ipv6prefix=2001:db8:ee00::,br=2001:db8:ffff::1,br=2001:db8:ffff::2, '
HEX=00590015011018c00002002820010db8ff005d000406083400005a001020010db8ffff00000000000000000001
PD=2001:db8:ff12:3400::/56

check "netns and underlay" sh -c "ip netns add $NS && ip -n $NS link add dummy0 type dummy &&
	ip -n $NS link set dummy0 up && ip -n $NS link add d0 type dummy" || exit 1

# 1. One rule, odhcp6c's text.
out=$(m ce up m0 rules "$ONE" end-user-prefix $PD dev dummy0 mtu 1400 hoplimit 32)
log_test $? "ce up: one rule"
check_eq "  the device's keywords" "$(m link show m0 | cut -d' ' -f1-13)" \
	"m0 role ce br-addr 2001:db8:ffff::1 end-user-prefix $PD ifid rfc dev dummy0 hoplimit 32"
check_eq "  its MTU" "$(m -j link show m0 | jq '.[0].mtu')" 1400
check_eq "  its rules" "$(m rule show dev m0)" \
	"dev m0 bmr rule-ipv6 2001:db8:ff00::/40 rule-ipv4 192.0.2.0/24 ea-len 16 psid-offset 6 psid-len 8"
check_eq "  up" "$(ipn -j link show m0 | jq -r '.[0].flags | index("UP") != null')" true
show=$(m -j show dev m0)
check_eq "  printed = what the kernel derived" \
	"$(eval "$out"; echo "$device $ipv4 $psid $ce_ipv6 $port_count")" \
	"m0 $(jq -r '.[0].ce | "\(.ipv4) \(.psid) \(.ce_ipv6) \(.port_count)"' <<<"$show")"

# 2. A second up replaces it: FMR, two BRs (the first is used), hex.
check "ce up again: two rules, one fmr" m ce up m0 rules "$TWO" end-user-prefix $PD
check_eq "  one device" "$(ndev)" 1
check_eq "  bmr+fmr" "$(m rule show dev m0 | cut -d' ' -f3-7)" \
	"bmr+fmr rule-ipv6 2001:db8:ff00::/40 rule-ipv4 192.0.2.0/24"
check "ce up from option 94's hex, /44 rule, legacymap" \
	m ce up m0 s46 $HEX end-user-prefix $PD legacymap
check_eq "  draft03" "$(m -j link show m0 | jq -r '.[0].linkinfo.info_data.ifid')" draft03
check_eq "  the rule's own offset kept under legacymap" \
	"$(m rule show dev m0 | grep -o 'psid-offset [0-9]*')" "psid-offset 6"
check "ce up: the /44 rule for another PD" \
	m ce up m0 rules "$TWO" end-user-prefix 2001:db8:ee01:2300::/56
check_eq "  end-user prefix changed, one device" \
	"$(ndev) $(m -j link show m0 | jq -r '.[0].linkinfo.info_data.end_user_prefix')" \
	"1 2001:db8:ee01:2300::/56"
check_eq "  the /40 FMR beside the /44 BMR" "$(m rule show dev m0 | cut -d' ' -f3,7 | sort)" \
	"bmr 198.51.100.0/24
fmr 192.0.2.0/24"

# MAP-T: odhcp6c's MAPT text, then option 95's hex, each a mode t CE with
# the container's DMR, and the route it needs printed as mapctl show has it.
T1='type=map-t,ealen=16,prefix4len=24,prefix6len=40,ipv4prefix=192.0.2.0,ipv6prefix=2001:db8:ff00::,offset=6,psidlen=8,psid=13312,dmr=2001:db8:ffff::/64, '
HEXT=00590015001018c00002002820010db8ff005d000406083400005b00094020010db8ffff0000
out=$(m ce up m0 rules "$T1" end-user-prefix $PD)
log_test $? "ce up: MAP-T rule (MAPT text)"
check_eq "  one device: mode t, the DMR, no BR" \
	"$(ndev) $(m -j link show m0 | jq -r '.[0].linkinfo.info_data | "\(.mode) \(.dmr) \(.br_addr)"')" \
	"1 t 2001:db8:ffff::/64 null"
check_eq "  ipv6_route is mapctl show's needs line" \
	"needs: ip -6 route add $(eval "$out"; echo "$ipv6_route") dev m0" \
	"$(m show dev m0 | grep '^needs:')"
check "ce up: option 95's hex" m ce up m0 s46-mapt $HEXT end-user-prefix $PD
check_eq "  the BMR, mode t" \
	"$(m rule show dev m0 | cut -d' ' -f3-7) $(m -j link show m0 | jq -r '.[0].linkinfo.info_data.mode')" \
	"bmr rule-ipv6 2001:db8:ff00::/40 rule-ipv4 192.0.2.0/24 t"
check "ce up: MAP-E again over the mode t device (replaced)" \
	m ce up m0 rules "$ONE" end-user-prefix $PD
check_eq "  mode e, the BR" \
	"$(ndev) $(m -j link show m0 | jq -r '.[0].linkinfo.info_data | "\(.mode // "e") \(.br_addr)"')" \
	"1 e 2001:db8:ffff::1"

# EA-bits length 0: the PSID provisioned (left-aligned in the text), so
# rule add carries every keyword: psid-len and psid too.
check "ce up: ealen 0, provisioned PSID 3/4" m ce up m0 \
	rules 'type=map-e,ealen=0,prefix4len=32,prefix6len=56,ipv4prefix=192.0.2.9,ipv6prefix=2001:db8:ff12:3400::,offset=4,psidlen=4,psid=12288,br=2001:db8:ffff::1' \
	end-user-prefix $PD
check_eq "  the rule as given" "$(m rule show dev m0)" \
	"dev m0 bmr rule-ipv6 2001:db8:ff12:3400::/56 rule-ipv4 192.0.2.9/32 ea-len 0 psid-offset 4 psid-len 4 psid 0x3"

# 3. Never half-configured.
before=$(m link show m0; m rule show dev m0)
check_fail "bad link keyword: refused" "^mapctl: dev nosuch: no such device$" \
	m ce up m0 rules "$ONE" end-user-prefix $PD dev nosuch
check_eq "  the old device untouched" "$(m link show m0; m rule show dev m0)" "$before"
check_fail "bad rules: exit 2" "rules: rule 1" m ce up m0 rules "${ONE/ealen=16/ealen=x}" end-user-prefix $PD
check_eq "  the old device untouched" "$(m link show m0; m rule show dev m0)" "$before"
m ce up m0 rules "$ONE" end-user-prefix 2001:db8:dd00::/56 >/dev/null 2>&1
check_eq "no match: exit 3, old device untouched" "$? $(m link show m0; m rule show dev m0)" "3 $before"
if lsmod | grep -q '^mape_nat '; then
	log_test $ksft_skip "napt without mape_nat: nothing left"
else
	check_fail "napt without mape_nat: refused" "napt needs the mape_nat module" \
		m ce up m0 rules "$ONE" end-user-prefix $PD napt on
	check_eq "  no device left" "$(ndev)" 0
fi
# Two FMRs with one rule-ipv4 prefix: the kernel refuses the second.
DUP="fmr,type=map-e,ealen=17,prefix4len=24,prefix6len=40,ipv4prefix=192.0.2.0,ipv6prefix=2001:db8:ff00::,br=2001:db8:ffff::1 ${TWO%% *}"
check_fail "a rule the kernel refuses" "rule add" \
	m ce up m0 rules "$DUP" end-user-prefix 2001:db8:ff12:3400::/57
check_eq "  no device left" "$(ndev)" 0

modprobe nf_nat && insmod "$top/kernel/mape_nat.ko" 2>/dev/null && nat_loaded=1
check "napt on with mape_nat" m ce up m0 rules "$ONE" end-user-prefix $PD napt on
check_eq "  napt on" "$(m -j link show m0 | jq -r '.[0].linkinfo.info_data.napt')" on

# 4. down.
check "ce down" m ce down m0
check_eq "  gone" "$(ndev)" 0
check "ce down again: nothing to do" m ce down m0
check_fail "ce up over a dummy of that name: refused" "File exists" \
	m ce up d0 rules "$ONE" end-user-prefix $PD
check "ce down of a dummy: not a mape device, left" m ce down d0
check "  the dummy is still there" ipn link show d0

ksft_exit
