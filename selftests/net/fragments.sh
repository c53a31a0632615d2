#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv4 fragments through the domain (RFC 7597 section 8.3.2): only the
# first fragment carries the port that selects a CE (BR and FMR transmit)
# or that anti-spoofing checks (BR and FMR receive); the others follow its
# decision by virtual reassembly, wait for it when they come first, and
# are bound to the outer source it came from.
#
#   [srv] ---- [br] ---- [core] ---- [ce1] [ce2] [ce3]
#     |                    |
#     raw IPv4 fragments   scapy: forged IPv4-in-IPv6 fragments
#
# The device caches are made small for the test (mape.frag_max_entries=64,
# read when a device is created); entries live 5 s (frag_timeout_ms) and
# the gc sweeps every 2.5 s (both scaled by MAPE_TIME_SCALE).

dir=$(dirname "$0")
source "$dir/../lib.sh"
source "$dir/topo.sh"

P=/sys/module/mape/parameters
old_entries=$(cat $P/frag_max_entries)
old_timeout=$(cat $P/frag_timeout_ms)
pids=
cleanup()
{
	[ -n "$pids" ] && kill $pids 2>/dev/null
	topo_cleanup
	echo "$old_entries" > $P/frag_max_entries
	echo "$old_timeout" > $P/frag_timeout_ms
}
trap cleanup EXIT
echo 64 > $P/frag_max_entries
echo "$(tscale 5000)" > $P/frag_timeout_ms
check "domain built" topo_setup || exit 1

CE1=$(ce_map_addr ce1)
CE2=$(ce_map_addr ce2)
CE3=$(ce_map_addr ce3)
FOREIGN=2001:db8:f0:1::1
reasm() { ip netns exec "$1" nstat -az IpReasmOKs | awk '/IpReasmOKs/ {print $2}'; }

# 1. Real datagrams both ways, in order. A CE's 1460-byte MTU cuts 1500,
# 4000 and 16000 bytes of UDP into 2 + 3 + 12 fragments; the server's
# 1500 into 2 + 3 + 11, which the BR cuts again to 3 + 5 + 21 for its own
# 1460. Every one but the first of each datagram follows its first.
ip netns exec srv python3 "$dir/udp_echo.py" server 7000 &
pids+=" $!"
sleep 1
stats_snapshot br ce1 ce2 ce3
for ce in ce1 ce2 ce3; do
	out=$(ip netns exec $ce python3 "$dir/fragments.py" echo $SRV 7000 \
		"$(port_of $ce 5 1)" 1500 4000 16000)
	log_test $? "$ce <-> srv: UDP 1500, 4000, 16000 bytes, DF clear ($out)"
done
check_eq "br: 3 x (14 up + 26 down) non-first fragments followed their first" \
	"$(delta br v4_reassembled)" 120
check_eq "br: that is every fragment but the 18 first ones" \
	"$(( $(delta br decaps) + $(delta br encaps) - 18 ))" 120
check_eq "br: none dropped, none held" \
	"$(delta br v4_fragment_drops)/$(delta br v4_fragments_released)" 0/0
check_eq "ce1: its BR needs no cache" "$(delta ce1 v4_reassembled)" 0

# 2. CE to CE through an FMR: both ends route and check by the cache.
for ce in ce1 ce3; do
	check "$ce: BMR made an FMR too" ip netns exec $ce mapctl rule add dev mape0 fmr $RULE
done
ce3_port=$(port_of ce3 12 1)
ip netns exec ce3 python3 "$dir/udp_echo.py" server "$ce3_port" &
pids+=" $!"
sleep 1
stats_snapshot br ce1 ce3
out=$(ip netns exec ce1 python3 "$dir/fragments.py" echo "${CE_V4[ce3]}" \
	"$ce3_port" "$(port_of ce1 7 0)" 1500 4000 16000)
log_test $? "ce1 <-> ce3 through the FMR: UDP 1500, 4000, 16000 bytes ($out)"
check_eq "br: saw nothing" "$(delta br decaps)/$(delta br encaps)" 0/0
check_eq "ce1: 14 sent, 14 accepted on their first fragment's decision" \
	"$(delta ce1 v4_reassembled)" 28
check_eq "ce3: 14 accepted, 14 sent" "$(delta ce3 v4_reassembled)" 28
check_eq "ce1, ce3: nothing dropped" \
	"$(delta ce1 v4_fragment_drops)/$(delta ce3 v4_fragment_drops)" 0/0

# 3. Out of order, forged in the underlay as ce1 (to the BR) and from the
# server's side (bare IPv4 to ce1): the first fragment comes last or
# anywhere; those before it wait and are released behind it.
stats_snapshot br
r_srv=$(reasm srv)
r_ce1=$(reasm ce1)
sp=$(port_of ce1 5 2)
held=$(ip netns exec core python3 "$dir/fragments.py" craft <<EOF
dgram $CE1 $BR_ADDR 192.0.2.18 $SRV $sp 5999 4000 20481 rev
dgram $CE1 $BR_ADDR 192.0.2.18 $SRV $sp 5999 16000 20482 rand
EOF
) && held+=$'\n'$(ip netns exec srv python3 "$dir/fragments.py" craft <<EOF
dgram - - $SRV 192.0.2.18 5999 $sp 4000 24577 rev
dgram - - $SRV 192.0.2.18 5999 $sp 16000 24578 rand
EOF
)
log_test $? "fragments sent in reverse and random order (scapy, raw)"
held=$(awk '{n += $2} END {print n}' <<<"$held")
check_eq "srv: both datagrams from ce1 reassembled" "$(( $(reasm srv) - r_srv ))" 2
check_eq "ce1: both datagrams from srv reassembled" "$(( $(reasm ce1) - r_ce1 ))" 2
check_eq "br: $held fragments held until their first, then released" \
	"$(delta br v4_fragments_released)" "$held"
check_eq "br: 2 x (2 + 11) non-first fragments, each way" \
	"$(delta br v4_reassembled)" 26
check_eq "br: nothing dropped" "$(delta br v4_fragment_drops)" 0

# 4. Spoofed fragments: ce1's datagram of 3 fragments, its non-first
# fragments also sent from ce2 (same IPv4 address, other port set), before
# and after the first, and from outside every rule. Only ce1's pass.
stats_snapshot br ce3
r_srv=$(reasm srv)
r_ce3=$(reasm ce3)
ip netns exec core python3 "$dir/fragments.py" craft >/dev/null <<EOF
dgram $CE1 $BR_ADDR 192.0.2.18 $SRV $sp 5999 3000 20483 2@$CE2,1@$FOREIGN,0,1@$CE2,2,1
dgram $CE1 $CE3 192.0.2.18 192.0.2.19 $sp $(port_of ce3 12 2) 3000 20484 0,1@$CE2,2,1
EOF
log_test $? "spoofed fragments sent (scapy)"
check_eq "br: 3 spoofed fragments dropped (held, from outside, after)" \
	"$(delta br decap_spoof)" 3
check_eq "br: ce1's 3 fragments decapsulated, 2 on the first's decision" \
	"$(delta br decaps)/$(delta br v4_reassembled)" 3/2
check_eq "srv: the datagram reassembled" "$(( $(reasm srv) - r_srv ))" 1
check_eq "ce3 (FMR peer of ce1): ce2's fragment of it dropped" \
	"$(delta ce3 decap_spoof)" 1
check_eq "ce3: ce1's 3 fragments decapsulated" "$(delta ce3 decaps)" 3
check_eq "ce3: the datagram reassembled" "$(( $(reasm ce3) - r_ce3 ))" 1

# 5. A flood of non-first fragments that belong to nothing: 64 entries
# hold one each, the other 136 find the cache full; the 64 expire. The
# entries of the datagrams above are gone first.
sleep "$(tscale 8)"
stats_snapshot br
ip netns exec core python3 "$dir/fragments.py" craft <<EOF
flood $CE1 $BR_ADDR 192.0.2.18 $SRV 200 32768
EOF
log_test $? "200 unmatched non-first fragments sent (scapy)"
check_eq "br: 136 found the cache full (64 entries)" \
	"$(delta br v4_fragment_overflows)/$(delta br v4_fragment_drops)" 136/136
sleep "$(tscale 8)"
check_eq "br: the 64 held expired and were dropped" \
	"$(delta br v4_fragment_expiries)/$(delta br v4_fragment_drops)" 64/200
check_eq "br: nothing decapsulated" "$(delta br decaps)" 0

ksft_exit
