#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tearing down under traffic: rules flushed and re-added while packets use
# them; a CE's namespace deleted while packets flow to and from it; then,
# with three domains and eight mape devices in five namespaces (rules
# loaded, traffic through each domain), `rmmod mape`: every device
# vanishes, the kernel log stays clean; the module goes back in (so the
# runner's final rmmod works) and a fresh device comes and goes.
#
# Domain 1 (topo.sh), traffic: ce1 -> srv and srv -> ce1 (ping -i 0.01),
# ce2 -> srv (ping -f), ce3 -> srv (UDP echo, continuously).
#
#                      203.0.113.0/24
#   [srv] .2 ------------------------ .1 [br]  mape0: role br
#                                         |
#                                      [core]  IPv6 router
#                                     /   |   \
#                               [ce1]   [ce2]   [ce3]   mape0: role ce
#                              deleted
#                             under traffic
#
# Domains 2 and 3, added once ce1 is gone, two devices a namespace:
#
#   [d2br] lo 203.0.113.100, .101          [d2ce]
#     mape0 br 2001:db8:2::1 ----------------- mape0 ce 198.51.100.18 PSID 0x34
#       198.51.100.0/24, +500 FMRs    wan        2001:db8:212:3400::/56
#     mape1 br 2001:db8:3::1 ----------------- mape1 ce 100.64.0.18 PSID 0x34
#       100.64.0.0/24           2001:db8:2:1::/64  2001:db8:312:3400::/56
#
#   [init netns] mapet0 br, 300 FMRs, idle

dir=$(dirname "$0")
source "$dir/../lib.sh"
source "$dir/topo.sh"

tree=$(cd "$dir/../.." && pwd)
MARK="mape-selftest: teardown.sh $$ start"
D2_RULE="rule-ipv6 2001:db8:200::/40 rule-ipv4 198.51.100.0/24 ea-len 16"
D3_RULE="rule-ipv6 2001:db8:300::/40 rule-ipv4 100.64.0.0/24 ea-len 16"
tmp=$(mktemp -d)

mape_loaded() { grep -q '^mape ' /proc/modules; }

cleanup()
{
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	ip netns del d2br 2>/dev/null
	ip netns del d2ce 2>/dev/null
	topo_cleanup
	if mape_loaded; then
		ip link del mapet0 2>/dev/null
		ip link del mapet1 2>/dev/null
	else
		insmod "$tree/kernel/mape.ko"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

[ -r "$tree/kernel/mape.ko" ] || { echo "no $tree/kernel/mape.ko"; exit $ksft_skip; }
mape_loaded || { echo "mape is not loaded"; exit $ksft_skip; }
echo "$MARK" > /dev/kmsg

# The mape devices of every namespace, one "netns/name" a line.
mape_devs()
{
	local ns
	for ns in "" $(ip netns list | awk '{print $1}'); do
		ip ${ns:+-n "$ns"} -d -j link show |
			jq -r --arg ns "${ns:-init}" \
				'.[] | select(.linkinfo.info_kind == "mape") | "\($ns)/\(.ifname)"'
	done
}
# What the kernel logged since this script began that the runner would
# call a failure.
kernel_trouble()
{
	dmesg | sed -n "/$MARK/,\$p" |
		grep -E 'WARNING|BUG|Oops|Call Trace|general protection|refcount_t|unregister_netdevice: waiting|KASAN|UBSAN|lockdep|hung task|stall'
}
# grows NS COUNTER WHAT: the counter of NS's mape0 increases within 2 s.
grows()
{
	local a b i
	a=$(mstat "$1" "$2")
	for i in 1 2 3 4; do
		sleep 0.5
		b=$(mstat "$1" "$2")
		[ "$b" -gt "$a" ] && break
	done
	[ "$b" -gt "$a" ] || printf '    %s %s stayed at %s\n' "$1" "$2" "$a"
	log_test $(( b <= a )) "$3"
}
# n_rules FILE DEV N: a batch of N FMRs for DEV, away from every domain.
n_rules()
{
	awk -v dev="$2" -v n="$3" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "rule add dev %s fmr rule-ipv6 2001:%x:%x00::/40 rule-ipv4 10.%d.%d.0/24 ea-len 16\n",
				dev, 4096 + int(i / 256), i % 256, int(i / 256), i % 256
	}' > "$1"
}

check "domain 1 built (topo.sh)" topo_setup || exit 1

# --- traffic through domain 1 ----------------------------------------------
echo "# [${SECONDS}s] traffic through domain 1"
ip netns exec srv python3 "$dir/udp_echo.py" server 5001 &
ip netns exec ce1 ping -q -i 0.01 -e "$(port_of ce1 5 1)" $SRV >/dev/null 2>&1 &
ce1_ping=$!
ip netns exec srv ping -q -i 0.01 -e "$(port_of ce1 6 2)" "${CE_V4[ce1]}" >/dev/null 2>&1 &
ip netns exec ce2 ping -q -f -e "$(port_of ce2 5 1)" $SRV >/dev/null 2>&1 &
ip netns exec ce3 python3 "$dir/udp_echo.py" client $SRV 5001 "$(port_of ce3 8 0)" 100000000 \
	>/dev/null 2>&1 &
sleep 2
grows ce1 decaps "traffic: ce1 receives"
grows ce2 decaps "traffic: ce2 receives (ping -f)"
grows ce3 decaps "traffic: ce3 receives (UDP)"
grows br encaps "traffic: br encapsulates"

# --- rules replaced under traffic --------------------------------------------
echo "# [${SECONDS}s] rules flushed and added back under traffic"
# The data path reads the rule table under RCU: flush and re-add while
# packets use it, on the BR and on a CE (which loses its BMR meanwhile).
replace_rules()
{
	for _ in 1 2 3; do
		ip netns exec br mapctl rule flush dev mape0 &&
		ip netns exec br mapctl rule add dev mape0 bmr $RULE &&
		ip netns exec ce2 mapctl rule flush dev mape0 &&
		ip netns exec ce2 mapctl rule add dev mape0 bmr $RULE || return 1
	done
}
check "br and ce2: rule flush + rule add, 3 times" replace_rules
grows ce2 decaps "ce2 receives again"
grows ce3 decaps "ce3 receives again"

# --- a CE namespace deleted under traffic ----------------------------------
echo "# [${SECONDS}s] a CE namespace deleted under traffic"
# ce1's own ping keeps the namespace alive; killing it drops the last
# reference while srv's echo requests keep arriving and ce1 keeps answering
# them from softirq.
check "ip netns del ce1" ip netns del ce1
kill $ce1_ping
gone=1
for _ in $(seq 50); do
	ip -n core link show to-ce1 >/dev/null 2>&1 || { gone=0; break; }
	sleep 0.2
done
log_test $gone "ce1's namespace dismantled (its veth peer in core is gone)"
TOPO_NS=${TOPO_NS/ce1 /}
sleep 1
grows ce2 decaps "ce2 unaffected"
grows ce3 decaps "ce3 unaffected"
grows br encaps "br still encapsulates (for ce2, ce3 and the vanished ce1)"
check_eq "kernel log clean after the namespace went" "$(kernel_trouble)" ""

# --- two more domains, two devices in each namespace -----------------------
echo "# [${SECONDS}s] two more domains, two devices in each namespace"
build_d23()
{
	local ns
	for ns in d2br d2ce; do
		ip netns add $ns || return 1
		ip -n $ns link set lo up
	done
	ip -n d2br link add wan type veth peer name wan netns d2ce
	ip -n d2br addr add 2001:db8:2:1::1/64 dev wan nodad
	ip -n d2ce addr add 2001:db8:2:1::2/64 dev wan nodad
	ip -n d2br link set wan up
	ip -n d2ce link set wan up
	ip -n d2ce route add default via 2001:db8:2:1::1
	ip -n d2br addr add 203.0.113.100/32 dev lo
	ip -n d2br addr add 203.0.113.101/32 dev lo

	# Domain 2 on mape0, domain 3 on mape1.
	set -- mape0 2001:db8:2::1 "$D2_RULE" 198.51.100 2001:db8:212:3400::/56 203.0.113.100 \
	       mape1 2001:db8:3::1 "$D3_RULE" 100.64.0 2001:db8:312:3400::/56 203.0.113.101
	while [ $# -gt 0 ]; do
		local dev=$1 br=$2 rule=$3 v4=$4 eu=$5 srv=$6 ce6
		shift 6
		ip -n d2br link add $dev type mape role br br-addr $br || return 1
		ip -n d2br addr add $br/128 dev $dev nodad
		ip -n d2br link set $dev up
		ip -n d2br route add $v4.0/24 dev $dev
		ip -n d2br route add $eu via 2001:db8:2:1::2
		ip netns exec d2br mapctl rule add dev $dev bmr $rule || return 1

		ip -n d2ce link add $dev type mape role ce br-addr $br end-user-prefix $eu || return 1
		ip netns exec d2ce mapctl rule add dev $dev bmr $rule || return 1
		ce6=$(ip netns exec d2ce mapctl -j show dev $dev | jq -r '.[0].ce.ce_ipv6')
		ip -n d2ce addr add $ce6/128 dev $dev nodad
		ip -n d2ce addr add $v4.18/32 dev $dev
		ip -n d2ce link set $dev up
		ip -n d2ce route add $srv/32 dev $dev src $v4.18
	done
}
check "domains 2 and 3: d2br and d2ce, mape0 and mape1 in each" build_d23
n_rules "$tmp/d2.batch" mape0 500
check "d2br mape0: 500 more FMRs" ip netns exec d2br mapctl -b "$tmp/d2.batch"
check "init netns: mapet0, an idle BR" \
	ip link add mapet0 type mape role br br-addr 2001:db8:9::1
n_rules "$tmp/t0.batch" mapet0 300
check "mapet0: 300 FMRs" mapctl -b "$tmp/t0.batch"

id=$(( (7 << 10) | (0x34 << 2) ))
ip netns exec d2ce ping -q -i 0.01 -e $id 203.0.113.100 >/dev/null 2>&1 &
ip netns exec d2ce ping -q -i 0.01 -e $((id + 1)) 203.0.113.101 >/dev/null 2>&1 &
sleep 1
grows d2ce decaps "domain 2: d2ce mape0 receives"
a=$(ip netns exec d2ce mapctl -j stats dev mape1 | jq '.[0].decaps')
sleep 1
b=$(ip netns exec d2ce mapctl -j stats dev mape1 | jq '.[0].decaps')
log_test $(( b <= a )) "domain 3: d2ce mape1 receives ($a -> $b)"
grows ce2 decaps "domain 1 still flows"

mape_devs > "$tmp/before"
check_eq "8 mape devices in 5 namespaces" "$(sort "$tmp/before" | tr '\n' ' ')" \
	"br/mape0 ce2/mape0 ce3/mape0 d2br/mape0 d2br/mape1 d2ce/mape0 d2ce/mape1 init/mapet0 "

# --- rmmod under traffic -----------------------------------------------------
echo "# [${SECONDS}s] rmmod under traffic"
rmmod mape > "$tmp/rmmod" 2>&1 &
rm_pid=$!
done_rm=1
for _ in $(seq 120); do
	kill -0 $rm_pid 2>/dev/null || { done_rm=0; break; }
	sleep 0.5
done
if [ $done_rm -ne 0 ]; then
	log_test 1 "rmmod mape returns within 60 s"
	dmesg | tail -40
	exit 1
fi
wait $rm_pid
rc=$?
[ $rc -eq 0 ] || cat "$tmp/rmmod"
log_test $rc "rmmod mape under traffic"
mape_loaded
log_test $((!$?)) "module gone from /proc/modules"
check_eq "no mape device left in any namespace" "$(mape_devs | tr '\n' ' ')" ""
check_fail "mapctl: the module is not loaded" "module is not loaded" mapctl show
check_eq "d2br: the underlay stays, with its address" \
	"$(ip -n d2br -j addr show dev wan | jq -r '.[0].addr_info[] | select(.scope == "global") | .local')" \
	2001:db8:2:1::1
sleep 1
check_eq "kernel log: no WARNING, BUG, leak after rmmod" "$(kernel_trouble)" ""
kernel_trouble | head -40

# --- back in ---------------------------------------------------------------
echo "# [${SECONDS}s] back in"
check "insmod $tree/kernel/mape.ko" insmod "$tree/kernel/mape.ko"
check "fresh CE device" ip link add mapet1 type mape role ce \
	br-addr $BR_ADDR end-user-prefix 2001:db8:112:3400::/56
check "  takes its BMR" mapctl rule add dev mapet1 bmr $RULE
check_eq "  and derives its address" \
	"$(mapctl -j show dev mapet1 | jq -r '.[0].ce.ipv4')" 192.0.2.18
check "  and goes" ip link del mapet1
check_eq "no mape device left" "$(mape_devs | tr '\n' ' ')" ""
check_eq "kernel log clean at the end" "$(kernel_trouble)" ""

ksft_exit
