#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAPT44 on CEs (napt on, the mape_nat module): LAN hosts behind ce1 and
# ce2, which share 192.0.2.18 (PSIDs 0x34 and 0x35, 252 ports each), reach
# the server behind the BR through conntrack NAT with ports and ICMP
# identifiers from their own sets. Checked from the server's side.
#
#   [lan1] .2 --- .1 [ce1] \                       (198.51.100.0/30)
#   [lan2] .6 --- .5 [ce1]  >-- [core] -- [br] -- [srv]
#   [lan3] .10 -- .9 [ce2] /                       (198.51.100.8/30)

dir=$(dirname "$0")
source "$dir/../lib.sh"
source "$dir/topo.sh"
top=$(cd "$dir/../.." && pwd)

tmp=$(mktemp -d)
pids=
cleanup()
{
	[ -n "$pids" ] && kill $pids 2>/dev/null
	topo_cleanup
	for ns in lan1 lan2 lan3 lan-ce4 ce4 lan-ce5 ce5; do
		ip netns del $ns 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
check "domain built" topo_setup || exit 1

# lan_add NS CE HOST_ADDR CE_ADDR: a LAN host behind a CE, on a /30.
lan_add()
{
	ip netns add "$1" || return 1
	ip -n "$1" link set lo up
	ip -n "$2" link add "to-$1" type veth peer name eth0 netns "$1"
	ip -n "$2" addr add "$4/30" dev "to-$1"
	ip -n "$2" link set "to-$1" up
	ip -n "$1" addr add "$3/30" dev eth0
	ip -n "$1" link set eth0 up
	ip -n "$1" route add default via "$4"
	ip netns exec "$2" sysctl -qw net.ipv4.ip_forward=1
}
check "LAN hosts" sh -c "$(declare -f lan_add); lan_add lan1 ce1 198.51.100.2 198.51.100.1 &&
	lan_add lan2 ce1 198.51.100.6 198.51.100.5 &&
	lan_add lan3 ce2 198.51.100.10 198.51.100.9"

# 1. Turning it on.
if [ ! -d /sys/module/mape_nat ]; then
	check_fail "napt without mape_nat: refused, naming the module" \
		"mape_nat" ip -n ce1 link set mape0 type mape napt on
	modprobe nf_nat && insmod "$top/kernel/mape_nat.ko"
fi
check "mape_nat loaded" test -d /sys/module/mape_nat
check_fail "napt on a BR: refused" "CE option" ip -n br link set mape0 type mape napt on
check "ce1: napt on" ip -n ce1 link set mape0 type mape napt on
check "ce2: napt on" ip -n ce2 link set mape0 type mape napt on
check_eq "ce1: ip -d shows it" \
	"$(ip -n ce1 -d -j link show dev mape0 | jq -r '.[0].linkinfo.info_data.napt')" on
check_fail "rmmod mape_nat while in use: refused" "in use" rmmod mape_nat
check "mapctl show lists ce1's ports" \
	sh -c "ip netns exec ce1 mapctl show dev mape0 | grep -q '1232-1235'"

U="7000 7001 7002 7003 7004"
ip netns exec srv python3 "$dir/napt_flows.py" server "$tmp/log" \
	"${U// /,},7009" 7100,7101 &
pids+=" $!"
sleep 1

# 2. Concurrently: 1000 UDP flows and 300 TCP connections from lan1 and
# lan2 (ce1), 200 UDP flows from lan3 (ce2). Each UDP destination port
# gets 200 flows of ce1's 252 ports: the search must find the free ones.
stats_snapshot ce1 ce2
n=0
for host in lan1 lan2; do
	for p in $U; do
		ip netns exec $host python3 "$dir/napt_flows.py" udp $SRV "$p" 100 20 \
			> "$tmp/c$n" 2>&1 &
		n=$((n + 1))
	done
done
ip netns exec lan1 python3 "$dir/napt_flows.py" tcp $SRV 7100 150 20 > "$tmp/c$n" 2>&1 &
n=$((n + 1))
ip netns exec lan2 python3 "$dir/napt_flows.py" tcp $SRV 7101 150 20 > "$tmp/c$n" 2>&1 &
n=$((n + 1))
ip netns exec lan3 python3 "$dir/napt_flows.py" udp $SRV 7000 200 20 > "$tmp/c$n" 2>&1 &
n=$((n + 1))
# All of them hold their flows 20 s after their own last one: look then.
for _ in $(seq 60); do
	[ "$(cat "$tmp"/c* 2>/dev/null | grep -c .)" -ge $n ] && break
	sleep 1
done
check_eq "every client got all its flows through" \
	"$(cat "$tmp"/c* | sort | uniq -c | sed 's/^ *//' | tr '\n' ' ')" \
	"10 100/100 echoed 2 150/150 connected 1 200/200 echoed "
check_eq "ce1: conntrack -L shows the 1000 UDP mappings" \
	"$(ip netns exec ce1 conntrack -L -p udp 2>/dev/null |
		grep -c 'src=198.51.100.[26] dst=203.0.113.2 .* src=203.0.113.2 dst=192.0.2.18')" 1000
out=$(python3 "$dir/napt_flows.py" check "$tmp/log" 192.0.2.18 8 6)
check_eq "server: 1500 flows from 192.0.2.18, all distinct, none from no set" \
	"$(head -n 1 <<<"$out")" "flows 1500 distinct 1500 nobody 0"
check_eq "server: ce1's 1300 all in its set, in all 63 ranges" \
	"$(grep 'psid 0x34' <<<"$out")" "psid 0x34 flows 1300 ranges 63/63"
check_eq "server: ce2's 200 all in its own set" \
	"$(grep 'psid 0x35' <<<"$out" | cut -d' ' -f1-4)" "psid 0x35 flows 200"
check_eq "server: no other PSID" "$(grep -c psid <<<"$out")" 2
check_eq "ce1: 1300 translations counted" "$(delta ce1 napt_translations)" 1300
check_eq "ce2: 200" "$(delta ce2 napt_translations)" 200
check_eq "ce1: nothing dropped for the port set" \
	"$(delta ce1 port_set)/$(delta ce1 napt_exhausted)" 0/0
wait_clients() { for _ in $(seq 40); do pgrep -f napt_flows.py.udp >/dev/null || pgrep -f napt_flows.py.tcp >/dev/null || return 0; sleep 1; done; }
wait_clients

# 3. ping through the shared address: identifiers from each CE's set.
for host in lan1 lan2 lan3; do
	check "$host: ping the server" ip netns exec $host ping -c 3 -i 0.2 -W 2 $SRV
done
check "ce1: the echo mappings are in conntrack, identifiers from the set" \
	sh -c "ip netns exec ce1 conntrack -L -p icmp 2>/dev/null | grep -q 'dst=192.0.2.18 type=0 code=0 id='"

# 4. Exhaustion: 260 flows to one server port, 252 ports in the set. The
# short UDP timeouts let the mappings end soon after.
ip netns exec ce1 conntrack -F >/dev/null 2>&1
ip netns exec ce1 sysctl -qw net.netfilter.nf_conntrack_udp_timeout=10 \
	net.netfilter.nf_conntrack_udp_timeout_stream=10
stats_snapshot ce1
out=$(ip netns exec lan1 python3 "$dir/napt_flows.py" udp $SRV 7009 260 0 5)
check_eq "260 flows to one port: the 252 of the set get through" "$out" "252/260 echoed"
check "ce1: the 8 others counted as exhaustion (and their retries)" \
	test "$(delta ce1 napt_exhausted)" -ge 8
check_eq "ce1: 252 translations" "$(delta ce1 napt_translations)" 252
check_eq "server: 252 distinct ports of ce1's set on that port" \
	"$(python3 "$dir/napt_flows.py" check "$tmp/log" 192.0.2.18 8 6 7009 | tr '\n' ' ')" \
	"flows 252 distinct 252 nobody 0 psid 0x34 flows 252 ranges 63/63 "
sleep 12
out=$(ip netns exec lan1 python3 "$dir/napt_flows.py" udp $SRV 7009 20 0)
check_eq "once the mappings time out, new flows get through again" "$out" "20/20 echoed"

# 5. Port forwarding: a port of ce1's set to a LAN server, with nftables.
FWD=$(port_of ce1 50 1)
head -c 200000 /dev/urandom > "$tmp/blob"
ip netns exec lan2 python3 "$dir/tcp_blob.py" 8080 "$tmp/blob" &
pids+=" $!"
ip netns exec ce1 nft -f - <<EOF
table ip mapefwd {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname "mape0" tcp dport $FWD dnat to 198.51.100.6:8080
	}
}
EOF
sleep 0.5
ip netns exec srv timeout 30 nc 192.0.2.18 "$FWD" < /dev/null > "$tmp/got"
check_eq "srv -> 192.0.2.18:$FWD forwarded to lan2:8080" \
	"$(sha256sum < "$tmp/got")" "$(sha256sum < "$tmp/blob")"

# 5b. A masquerade for the same device, as a router's firewall has for
# its WAN zone (OpenWrt's fw4), loaded after napt was turned on: netfilter
# runs the later of two equal-priority NAT lookups first, so mape_nat must
# come before the srcnat priority, or the masquerade picks ports outside
# the set and mape drops them.
ip netns exec ce1 nft -f - <<EOF
table ip wanmasq {
	chain srcnat {
		type nat hook postrouting priority srcnat;
		oifname "mape0" masquerade
	}
}
EOF
stats_snapshot ce1
out=$(ip netns exec lan1 python3 "$dir/napt_flows.py" udp $SRV 7003 50 0)
check_eq "a WAN masquerade loaded later: mape_nat still maps first" \
	"$out $(delta ce1 napt_translations) $(delta ce1 port_set)" "50/50 echoed 50 0"
ip netns exec ce1 nft delete table ip wanmasq

# 6. A CE with an IPv4 prefix of its own and no port sharing (EA bits
# shorter than 32 - r, RFC 7597 section 5.2): ce4 gets 192.0.2.148/30 and
# every port, and its LAN is translated into the whole prefix, by the NAT
# core's own choice (ports below 1024 too).
RULE4="rule-ipv6 2001:db8:200::/52 rule-ipv4 192.0.2.128/26 ea-len 4 psid-offset 6"
# napt_ce CE N EU RULE ADDR BASE: a CE of RULE (end-user prefix EU, uplink
# 2001:db8:f0:N::/64) holding ADDR (an address or a prefix), napt on, and
# behind it lan-CE, 12 hosts 198.51.100.BASE+2..13 on a /28 (the CE is
# .BASE+1).
napt_ce()
{
	local ce=$1 lan=lan-$1 a

	ip netns add "$ce" && ip netns add "$lan" || return 1
	ip -n "$ce" link set lo up
	ip -n "$lan" link set lo up
	topo_ce_wan "$ce" "$2" "$3" || return 1
	ip netns exec br mapctl rule add dev mape0 bmr $4 || return 1
	topo_mape "$ce" ce "$4" end-user-prefix "$3" || return 1
	ip -n "$ce" addr add "$5" dev mape0
	ip -n "$ce" route add default dev mape0
	ip -n "$ce" link set mape0 type mape napt on || return 1
	ip netns exec "$ce" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$ce" link add to-lan type veth peer name eth0 netns "$lan"
	ip -n "$ce" addr add "198.51.100.$(($6 + 1))/28" dev to-lan
	ip -n "$ce" link set to-lan up
	for a in $(seq $(($6 + 2)) $(($6 + 13))); do
		ip -n "$lan" addr add "198.51.100.$a/28" dev eth0 || return 1
	done
	ip -n "$lan" link set eth0 up
	ip -n "$lan" route add default via "198.51.100.$(($6 + 1))"
}
# lan_hosts BASE: the 12 LAN addresses of napt_ce, comma-separated.
lan_hosts() { seq -s, -f 198.51.100.%g $(($1 + 2)) $(($1 + 13)); }
check "ce4: a CE with 192.0.2.148/30, napt on" \
	napt_ce ce4 14 2001:db8:200:500::/56 "$RULE4" 192.0.2.148/30 16
check_eq "ce4: mapctl show: the prefix, every port" \
	"$(ip netns exec ce4 mapctl -j show dev mape0 | jq -r '.[0].ce | "\(.ipv4) \(.port_count)"' 2>&1)" \
	"192.0.2.148/30 65536"
stats_snapshot ce4
out=$(ip netns exec lan-ce4 python3 "$dir/napt_flows.py" udpfrom $SRV 7001 \
	"$(lan_hosts 16)" 1000)
check_eq "12 LAN hosts, all from port 1000: all echoed" "$out" "12/12 echoed"
flows=$(grep ' 7001$' "$tmp/log" | grep ' 192\.0\.2\.1\(4[89]\|5[01]\) ')
check_eq "server: 12 distinct flows from 192.0.2.148/30" \
	"$(cut -d' ' -f2,3 <<<"$flows" | sort -u | grep -c .)" 12
check "server: more than one address of the prefix in use" \
	test "$(cut -d' ' -f2 <<<"$flows" | sort -u | grep -c .)" -ge 2
check "server: ports below 1024 in use (no PSID: every port)" \
	test "$(awk '$3 < 1024' <<<"$flows" | grep -c .)" -ge 1
check_eq "ce4: 12 translations, no port-set or exhaustion drop" \
	"$(delta ce4 napt_translations)/$(delta ce4 port_set)/$(delta ce4 napt_exhausted)" 12/0/0

# 7. PSID offset 0 (RFC 7597 section 5.1 allows it): ce5's set, PSID 0 of
# length 4, is ports 0-4095, system ports and port 0 among them. A
# connection from an ordinary port gets one of 1024-4095, never port 0 nor
# a system port; one from a system port of the set keeps it; the CE's own
# traffic (NAT at POST_ROUTING with BHs enabled) is translated alike.
RULE5="rule-ipv6 2001:db8:300::/40 rule-ipv4 192.0.2.160/28 ea-len 8 psid-offset 0"
check "ce5: 192.0.2.161 PSID 0 of a rule with offset 0, napt on" \
	napt_ce ce5 15 2001:db8:310::/48 "$RULE5" 192.0.2.161/32 32
check_eq "ce5: mapctl show: PSID 0, ports 0-4095" \
	"$(ip netns exec ce5 mapctl -j show dev mape0 | jq -r '.[0].ce | "\(.ipv4) \(.psid) \(.port_count)"' 2>&1)" \
	"192.0.2.161 0 4096"
stats_snapshot ce5
out=$(ip netns exec lan-ce5 python3 "$dir/napt_flows.py" udpfrom $SRV 7002 \
	"$(lan_hosts 32)" 40000)
check_eq "12 LAN hosts from port 40000: all echoed" "$out" "12/12 echoed"
out=$(ip netns exec lan-ce5 python3 "$dir/napt_flows.py" udpfrom $SRV 7003 \
	198.51.100.34 1000)
check_eq "a LAN host from port 1000: echoed" "$out" "1/1 echoed"
out=$(ip netns exec ce5 python3 "$dir/napt_flows.py" udp $SRV 7004 12 0)
check_eq "ce5 itself, 12 flows: all echoed" "$out" "12/12 echoed"
ports=$(awk '$2 == "192.0.2.161" && $4 ~ /^700[24]$/ {print $3}' "$tmp/log")
check_eq "server: 24 flows from 192.0.2.161, all from 1024-4095" \
	"$(grep -c . <<<"$ports")/$(awk '$1 >= 1024 && $1 < 4096' <<<"$ports" | grep -c .)" \
	24/24
check_eq "server: the one from port 1000 kept it" \
	"$(awk '$2 == "192.0.2.161" && $4 == 7003 {print $3}' "$tmp/log")" 1000
check_eq "ce5: 25 translations, no port-set or exhaustion drop" \
	"$(delta ce5 napt_translations)/$(delta ce5 port_set)/$(delta ce5 napt_exhausted)" 25/0/0

# 8. Off again: the namespace detaches, the module may go.
check "ce1, ce2, ce4, ce5: napt off" sh -c "ip -n ce1 link set mape0 type mape napt off &&
	ip -n ce2 link set mape0 type mape napt off &&
	ip -n ce4 link set mape0 type mape napt off &&
	ip -n ce5 link set mape0 type mape napt off"
check "rmmod mape_nat once unused" rmmod mape_nat

ksft_exit
