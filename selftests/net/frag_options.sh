#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fragment options of a mape device, with packets crossing each:
#
#   v4-reassembly on   a BR (or CE) reassembles IPv4 fragments completely
#                      (the kernel's ip_defrag, within net.ipv4.ipfrag_*)
#                      before encapsulating them: one v4_reassembled per
#                      datagram, nothing in the virtual reassembly cache.
#   frag-id psid       a CE rewrites the IPv4 identification of what it
#                      sends with DF clear into its PSID's set (RFC 7597
#                      8.3.3): (A << 10) | (PSID << 2) | j here (offset 6,
#                      PSID length 8), so ce1 and ce2, both 192.0.2.18,
#                      never send a host fragments with the same ID.
#   frag-entries, frag-held, frag-timeout
#                      the virtual reassembly cache's limits, per device,
#                      within the namespace's budget of bytes
#                      (frag_ns_max_bytes).
#
#   [srv] ---- [br] ---- [core] ---- [ce1] [ce2] [ce3]
#     raw IPv4 fragments (fragments.py craft, frag_options.py raw)
#
# The module parameters are set before the domain is built: the devices
# start with the test's limits (64 entries, 32 held, 1.5 s), so that the
# cache entries of one section are gone 1.5 s after it (the gc sweeps
# every 0.75 s).

dir=$(dirname "$0")
source "$dir/../lib.sh"
source "$dir/topo.sh"

P=/sys/module/mape/parameters
old_entries=$(cat $P/frag_max_entries)
old_held=$(cat $P/frag_max_held)
old_timeout=$(cat $P/frag_timeout_ms)
old_budget=$(cat $P/frag_ns_max_bytes)
tmp=$(mktemp -d)
pids=
cleanup()
{
	[ -n "$pids" ] && kill $pids 2>/dev/null
	topo_cleanup
	echo "$old_entries" > $P/frag_max_entries
	echo "$old_held" > $P/frag_max_held
	echo "$old_timeout" > $P/frag_timeout_ms
	echo "$old_budget" > $P/frag_ns_max_bytes
	ip netns del fbudget 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
echo 64 > $P/frag_max_entries
echo 32 > $P/frag_max_held
echo 1500 > $P/frag_timeout_ms
check "domain built" topo_setup || exit 1

helper() { python3 "$dir/frag_options.py" "$@"; }
# deltas NS COUNTER...: "D1/D2/...", each counter's change since
# stats_snapshot, from one mapctl call.
deltas()
{
	local ns=$1
	shift
	ip netns exec "$ns" mapctl -j stats dev mape0 |
		jq -r --argjson old "${SNAP[$ns]}" '.[0] as $new |
			[$ARGS.positional[] | $new[.] - $old[0][.]] |
			map(tostring) | join("/")' --args "$@"
}
# info NS KEY...: "V1/V2/..." from mape0's linkinfo.info_data
# (ip -j -d link show).
info()
{
	local ns=$1
	shift
	ip -n "$ns" -j -d link show dev mape0 |
		jq -r '.[0].linkinfo.info_data as $d |
			[$ARGS.positional[] | $d[.] | tostring] | join("/")' \
			--args "$@"
}
# snmp NS COUNTER...: the values of nstat counters of a namespace.
snmp()
{
	local ns=$1
	shift
	ip netns exec "$ns" nstat -az "$@" |
		awk -v keys="$*" '{v[$1] = $2}
			END {n = split(keys, k, " ")
			     for (i = 1; i <= n; i++)
				printf "%s ", (k[i] in v) ? v[k[i]] : "missing"}'
}
# wait_ready FILE: a background helper printed "ready" there (20 s at most).
wait_ready()
{
	local i
	for i in $(seq 200); do
		grep -qx ready "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# wait_udp NS PORT: something listens on UDP PORT in NS (20 s at most).
wait_udp()
{
	local i
	for i in $(seq 200); do
		[ -n "$(ip netns exec "$1" ss -Hlun "sport = :$2")" ] && return 0
		sleep 0.1
	done
	return 1
}

check_eq "br: limits default to the module parameters at creation" \
	"$(info br frag_entries frag_held frag_timeout)" 64/32/1500
check_eq "br: v4-reassembly off, frag-id keep by default" \
	"$(info br v4_reassembly frag_id)" off/keep

#
# 1. v4-reassembly on the BR. The server's datagrams of 4000 and 16000
# bytes leave it as 3 + 11 fragments of 1500 bytes, which the BR cuts
# again for its 1460-byte mape0 (5 + 21) on their way in: each datagram
# is reassembled there once and encapsulated whole, as one IPv6 packet
# fragmented on the outside (v6_fragmented) that ce1 reassembles
# (v6_reassembled). The way back is virtual reassembly, as without the
# option: ce1's echoes come as 3 + 12 fragments, whose 2 + 11 non-first
# ones the BR counts in v4_reassembled too.
#
check "br: v4-reassembly on" \
	ip -n br link set mape0 type mape v4-reassembly on
check_eq "br: ip -j -d link show says v4_reassembly on" \
	"$(info br v4_reassembly)" on
ip netns exec br sysctl -qw net.ipv4.ipfrag_time=1

p1=$(port_of ce1 5 1)
ip netns exec ce1 python3 "$dir/udp_echo.py" server "$p1" nodf &
pids+=" $!"
wait_udp ce1 "$p1"
stats_snapshot br ce1
out=$(ip netns exec srv python3 "$dir/fragments.py" echo 192.0.2.18 "$p1" \
	7001 4000 16000)
log_test $? "srv <-> ce1: UDP 4000, 16000 bytes, DF clear, in order ($out)"
check_eq "br: 2 datagrams reassembled, each encapsulated whole" \
	"$(deltas br encaps v6_fragmented)" 2/2
check_eq "br: v4_reassembled 2 (those) + 13 (echoes, virtual)" \
	"$(deltas br v4_reassembled)" 15
check_eq "br: the echoes' 3 + 12 fragments decapsulated" \
	"$(deltas br decaps)" 15
check_eq "br: nothing held, released, overflowing or dropped" \
	"$(deltas br v4_fragments_released v4_fragment_overflows v4_fragment_drops)" \
	0/0/0
check_eq "ce1: both arrived as outer fragments, reassembled by IPv6" \
	"$(deltas ce1 v6_reassembled decaps)" 2/2

# On a CE too: ce1's stack cuts its datagrams for mape0 (1460 bytes),
# mape0 puts them back together and sends each whole, fragmented outside;
# the BR, still reassembling, does the same with the server's echoes.
ip netns exec srv python3 "$dir/udp_echo.py" server 7000 &
pids+=" $!"
wait_udp srv 7000
check "ce1: v4-reassembly on" \
	ip -n ce1 link set mape0 type mape v4-reassembly on
stats_snapshot br ce1
out=$(ip netns exec ce1 python3 "$dir/fragments.py" echo $SRV 7000 \
	"$(port_of ce1 7 0)" 4000 16000)
log_test $? "ce1 <-> srv: UDP 4000, 16000 bytes, DF clear ($out)"
check_eq "ce1: 2 datagrams reassembled, sent whole, fragmented outside" \
	"$(deltas ce1 v4_reassembled encaps v6_fragmented)" 2/2/2
check_eq "br: they came whole (decaps, v6_reassembled)" \
	"$(deltas br decaps v6_reassembled)" 2/2
check_eq "br: the 2 echoes reassembled, sent whole" \
	"$(deltas br v4_reassembled encaps)" 2/2
check_eq "ce1: and came whole" "$(deltas ce1 decaps v6_reassembled)" 2/2
check_eq "br, ce1: no drops" \
	"$(deltas br v4_fragment_drops)/$(deltas ce1 v4_fragment_drops)" 0/0
check "ce1: v4-reassembly off" \
	ip -n ce1 link set mape0 type mape v4-reassembly off
check_eq "ce1: ip -j -d link show says v4_reassembly off" \
	"$(info ce1 v4_reassembly)" off

# Out of order from the server's side: the first fragment comes last
# (4000 bytes) or anywhere (16000), to a sink on ce1 (nothing comes back),
# then 100 lone non-first fragments that belong to nothing.
p2=$(port_of ce1 6 2)
ip netns exec ce1 python3 "$dir/frag_options.py" sink "$p2" 2 60 \
	>"$tmp/sink" &
sink=$!
wait_ready "$tmp/sink"
stats_snapshot br ce1
read -r ok0 timeout0 fails0 < <(snmp br IpReasmOKs IpReasmTimeout IpReasmFails)
ip netns exec srv python3 "$dir/fragments.py" craft >/dev/null <<EOF
dgram - - $SRV 192.0.2.18 5999 $p2 4000 24601 rev
dgram - - $SRV 192.0.2.18 5999 $p2 16000 24602 rand
flood - - $SRV 192.0.2.18 100 30000
EOF
log_test $? "2 datagrams in reverse and random order, 100 lone fragments"
wait $sink
log_test $? "ce1: both datagrams received"
got=$(sed 1d "$tmp/sink" | sort -n | tr '\n' ' ')
check_eq "ce1: of 4000 and 16000 bytes" "$got" "4000 16000 "
check_eq "br: v4_reassembled 1 per datagram, each encapsulated whole" \
	"$(deltas br v4_reassembled encaps)" 2/2
read -r ok1 timeout1 fails1 < <(snmp br IpReasmOKs IpReasmTimeout IpReasmFails)
check_eq "br: the kernel reassembled them (IpReasmOKs)" $((ok1 - ok0)) 2
check_eq "br: nothing held, released, overflowing, dropped, expired" \
	"$(deltas br v4_fragments_released v4_fragment_overflows v4_fragment_drops v4_fragment_expiries)" \
	0/0/0/0
check_eq "ce1: both arrived whole" "$(deltas ce1 v6_reassembled decaps)" 2/2
# net.ipv4.ipfrag_time is 1 s in br's namespace.
sleep 2
read -r ok1 timeout1 fails1 < <(snmp br IpReasmOKs IpReasmTimeout IpReasmFails)
check_eq "br: the 100 lone ones timed out in ip_defrag (IpReasmTimeout)" \
	$((timeout1 - timeout0)) 100
check_eq "br: and failed (IpReasmFails)" $((fails1 - fails0)) 100
check_eq "br: mape counted none of them (drops, overflows, expiries)" \
	"$(deltas br v4_fragment_drops v4_fragment_overflows v4_fragment_expiries v4_reassembled)" \
	0/0/0/2

# 3 first fragments whose datagrams never complete: the queue times out
# with its first fragment, and a router says nothing (RFC 792 leaves the
# reassembly timeout to the destination host).
read -r timeout0 texc0 < <(snmp br IpReasmTimeout IcmpOutTimeExcds)
ip netns exec srv python3 "$dir/frag_options.py" raw $SRV 192.0.2.18 \
	"first:3:42000:5997:$p2"
log_test $? "3 first fragments alone (raw)"
sleep 2
read -r timeout1 texc1 < <(snmp br IpReasmTimeout IcmpOutTimeExcds)
check_eq "br: they timed out in ip_defrag, no time exceeded sent" \
	"$((timeout1 - timeout0))/$((texc1 - texc0))" 3/0

# A forwarded fragment reaches ip_defrag with ip_forward's IPCB in
# skb->cb; one the BR cut again for its mape0 MTU carried
# IPSKB_FRAG_COMPLETE, which skipped ip_frag_too_far for it, so once the
# source's inet_peer counter passed net.ipv4.ipfrag_max_dist (here after
# the 100 lone fragments, with ordinary traffic after 64 datagrams) every
# such datagram was purged. mape clears the IPCB first: this must cross.
stats_snapshot br
read -r ok0 timeout0 fails0 < <(snmp br IpReasmOKs IpReasmTimeout IpReasmFails)
out=$(ip netns exec srv python3 "$dir/fragments.py" echo 192.0.2.18 "$p1" 7003 4000)
rc=$?
read -r ok1 timeout1 fails1 < <(snmp br IpReasmOKs IpReasmTimeout IpReasmFails)
[ $rc -eq 0 ] || printf '    br: IpReasmOKs +%d, IpReasmFails +%d, of which %d timed out\n' \
	$((ok1 - ok0)) $((fails1 - fails0)) $((timeout1 - timeout0))
log_test $rc "srv <-> ce1 after the lone fragments (ipfrag_max_dist 64): 4000 bytes ($out)"
ip netns exec br sysctl -qw net.ipv4.ipfrag_max_dist=0
out=$(ip netns exec srv python3 "$dir/fragments.py" echo 192.0.2.18 "$p1" \
	7004 4000)
log_test $? "... and with net.ipv4.ipfrag_max_dist 0 on br ($out)"
ip netns exec br sysctl -qw net.ipv4.ipfrag_max_dist=64

# The kernel's limits apply: no memory for fragments at all (the high
# threshold 0) drops each of the 5 fragments of a 4000-byte datagram.
ip netns exec br sysctl -qw net.ipv4.ipfrag_low_thresh=0
ip netns exec br sysctl -qw net.ipv4.ipfrag_high_thresh=0
stats_snapshot br
tx_errors=$(link_stat br mape0 tx.errors)
ip netns exec srv python3 "$dir/frag_options.py" send 192.0.2.18 "$p2" \
	7002 4000
log_test $? "srv -> ce1: 4000 bytes, net.ipv4.ipfrag_high_thresh 0 on br"
sleep 0.5
check_eq "br: its 5 fragments dropped (v4_fragment_drops, tx_errors)" \
	"$(deltas br v4_fragment_drops)/$(( $(link_stat br mape0 tx.errors) - tx_errors ))" \
	5/5
check_eq "br: nothing reassembled nor sent" \
	"$(deltas br v4_reassembled encaps)" 0/0
ip netns exec br sysctl -qw net.ipv4.ipfrag_high_thresh=4194304
ip netns exec br sysctl -qw net.ipv4.ipfrag_low_thresh=3145728

check "br: v4-reassembly off" \
	ip -n br link set mape0 type mape v4-reassembly off
check_eq "br: ip -j -d link show says v4_reassembly off" \
	"$(info br v4_reassembly)" off

#
# 2. frag-id psid on ce1 and ce2, which share 192.0.2.18. Each sends 3
# datagrams of 4000 bytes with DF clear (3 fragments each) to the
# server's echo server (port 7000); the fragments are captured leaving
# the CE's mape0 (as its stack made them, before the device rewrites
# them) and arriving at the server.
#
# send_captured CE TAG: CE echoes 3 x 4000 bytes with the server while
# both capture; $tmp/TAG.ce and $tmp/TAG.srv get the fragments.
send_captured()
{
	local ce=$1 tag=$2 cap1 cap2 out rc

	ip netns exec "$ce" python3 "$dir/frag_options.py" capture mape0 \
		192.0.2.18 >"$tmp/$tag.ce" &
	cap1=$!
	ip netns exec srv python3 "$dir/frag_options.py" capture eth0 \
		192.0.2.18 >"$tmp/$tag.srv" &
	cap2=$!
	wait_ready "$tmp/$tag.ce" && wait_ready "$tmp/$tag.srv"
	out=$(ip netns exec "$ce" python3 "$dir/fragments.py" echo $SRV 7000 \
		"$(port_of "$ce" 9 3)" 4000 4000 4000)
	rc=$?
	sleep 0.2
	kill $cap1 $cap2
	wait $cap1 $cap2 2>/dev/null
	log_test $rc "$ce <-> srv: 3 x 4000 bytes, DF clear ($out)"
}

for ce in ce1 ce2; do
	check "$ce: frag-id psid" \
		ip -n $ce link set mape0 type mape frag-id psid
	check_eq "$ce: ip -j -d link show says frag_id psid" \
		"$(info $ce frag_id)" psid
done
for ce in ce1 ce2; do
	psid=${CE_PSID[$ce]}
	send_captured $ce $ce
	# (A << 10) | (PSID << 2) | j of the ID the CE's stack gave.
	check_eq "srv: $ce's 9 fragments have PSID $psid in their ID" \
		"$(helper idcheck "$psid" "$tmp/$ce.ce" "$tmp/$ce.srv")" \
		"9/9 same"
done

check "ce1: frag-id keep" ip -n ce1 link set mape0 type mape frag-id keep
check_eq "ce1: ip -j -d link show says frag_id keep" \
	"$(info ce1 frag_id)" keep
send_captured ce1 keep
check_eq "srv: ce1's 9 fragments arrive with the IDs its stack gave" \
	"$(helper idcheck keep "$tmp/keep.ce" "$tmp/keep.srv")" "9/9 same"

check_fail "br: frag-id psid refused (ip link set)" 'frag-id' \
	ip -n br link set mape0 type mape frag-id psid
check_fail "br: frag-id psid refused (ip link add)" 'frag-id' \
	ip -n br link add mape1 type mape role br br-addr 2001:db8:ffff::2 \
	frag-id psid
check "br: frag-id keep accepted" \
	ip -n br link set mape0 type mape frag-id keep
check_eq "br: still frag_id keep" "$(info br frag_id)" keep

#
# 3. The BR's virtual reassembly limits: 8 entries, 4 fragments held,
# 1 s. From the server, in one burst: 50 non-first fragments that belong
# to nothing; the first 4 are held (4 entries), the 46 others find the
# held fragments at their limit. Then 6 first fragments of other
# datagrams, each wanting an entry for its decision: 4 get one (8 in
# all), 2 are sent on unrecorded (overflows too). After 1 s the 4 held
# expire with their entries (the gc sweeps every 0.5 s).
#
sleep 2.5	# the entries of section 2 (1.5 s) are gone
check "br: frag-entries 8 frag-held 4 frag-timeout 1000" \
	ip -n br link set mape0 type mape frag-entries 8 frag-held 4 \
	frag-timeout 1000
check_eq "br: ip -j -d link show says entries 8, held 4, timeout 1000" \
	"$(info br frag_entries frag_held frag_timeout)" 8/4/1000
ip -n br -d link show dev mape0 |
	grep -q 'frag-entries 8 frag-held 4 frag-timeout 1000'
log_test $? "br: ip -d link show prints them as keywords"

stats_snapshot br
ip netns exec srv python3 "$dir/frag_options.py" raw $SRV 192.0.2.18 \
	flood:50:40000 "first:6:41000:5998:$p2"
log_test $? "50 unmatched non-first fragments, 6 first fragments (raw)"
sleep 2.5
check_eq "br: overflows 46 over frag-held + 2 over frag-entries" \
	"$(deltas br v4_fragment_overflows)" 48
check_eq "br: the 4 held expired; drops 46 + 4; none released" \
	"$(deltas br v4_fragment_expiries v4_fragment_drops v4_fragments_released)" \
	4/50/0
check_eq "br: the 6 first fragments sent on to ce1" \
	"$(deltas br encaps)" 6

# A complete datagram frees its entry at once, not at its timeout: 24
# datagrams of 3 fragments each cross the 8-entry cache within 1 s
# (a bulk flow a router fragments makes thousands a second).
sleep 1.5	# the 4 entries of the first fragments above are gone
stats_snapshot br
out=$(ip netns exec srv python3 "$dir/fragments.py" echo 192.0.2.18 "$p1" \
	7002 $(printf '4000 %.0s' $(seq 24)))
log_test $? "srv <-> ce1: 24 datagrams of 4000 bytes through 8 entries"
check_eq "br: their non-first fragments followed, none overflowed" \
	"$(deltas br v4_reassembled v4_fragment_overflows v4_fragment_drops)" \
	144/0/0

check_fail "plugin refuses frag-entries 0" '"0" is wrong: frag-entries' \
	ip -n br link set mape0 type mape frag-entries 0
check_fail "plugin refuses frag-timeout 70000" \
	'"70000" is wrong: frag-timeout' \
	ip -n br link set mape0 type mape frag-timeout 70000
check_fail "plugin refuses frag-held 1048577" \
	'"1048577" is wrong: frag-held' \
	ip -n br link set mape0 type mape frag-held 1048577
check_fail "plugin refuses frag-timeout 0" '"0" is wrong: frag-timeout' \
	ip -n br link set mape0 type mape frag-timeout 0

# The kernel's own policy, without the plugin: IFLA_MAPE_FRAG_MAX_ENTRIES
# is 15, _HELD 16, _TIMEOUT 17, V4_REASSEMBLY 13.
bad=(15=0 15=1048577 16=1048577 17=0 17=60001 13=2)
mapfile -t res < <(ip netns exec br python3 "$dir/frag_options.py" setlink \
	mape0 15=0 -- 15=1048577 -- 16=1048577 -- 17=0 -- 17=60001 -- 13=2 \
	-- 15=1048576 16=0 17=60000)
for i in "${!bad[@]}"; do
	rc=0
	[[ ${res[i]} =~ ^errno\ (22|34): ]] ||
		{ rc=1; printf '    got "%s"\n' "${res[i]}"; }
	log_test $rc "kernel refuses attribute ${bad[i]} (${res[i]%%:*})"
done
check_eq "kernel takes the bounds 1048576, 0, 60000" "${res[6]}" ok
check_eq "br: limits 1048576/0/60000, nothing else taken" \
	"$(info br frag_entries frag_held frag_timeout)" 1048576/0/60000

#
# 4. The namespace's budget: a BR created while frag_ns_max_bytes is
# 32768 holds far fewer than its frag-held 1000 lone fragments (each
# costs its skb's truesize and an entry), counts the rest as overflows,
# and once they expire has the whole budget back. Sent locally, through
# its route, from a namespace of its own.
#
echo 32768 > $P/frag_ns_max_bytes
budget_br()
{
	ip netns add fbudget || return 1
	ip -n fbudget link add mape0 type mape role br br-addr $BR_ADDR \
		frag-entries 1000 frag-held 1000 frag-timeout 1000 || return 1
	ip -n fbudget link set mape0 up
	ip -n fbudget route add 192.0.2.0/24 dev mape0
	ip netns exec fbudget mapctl rule add dev mape0 bmr $RULE
}
check "fbudget: a BR, frag-held 1000, 32 KiB budget" budget_br
held=()
for round in 1 2; do
	stats_snapshot fbudget
	ip netns exec fbudget python3 "$dir/frag_options.py" raw $SRV \
		192.0.2.18 flood:200:$((43000 + round * 1000))
	over=$(deltas fbudget v4_fragment_overflows)
	held+=($((200 - over)))
	check "fbudget: round $round: 200 lone fragments, $over over budget" \
		test "$over" -ge 100 -a "$over" -lt 200
	sleep 2.5	# frag-timeout 1 s; the gc sweeps every 0.5 s
	check_eq "fbudget: round $round: the ${held[-1]} held expired" \
		"$(deltas fbudget v4_fragment_expiries)" "${held[-1]}"
done
check_eq "fbudget: the budget came back whole (as many held again)" \
	"${held[1]}" "${held[0]}"

ksft_exit
