# SPDX-License-Identifier: GPL-2.0
# Section napt, sourced by run-guest.sh.
#
# NAPT44 on the CE: mape_nat (napt on) against nftables masquerade into the
# first range of the same set, each on its own copy of m-ce's device with
# the CE's address on it, fed and sunk as the packet-rate runs are:
#
#   n-napt  napt on: ports from the whole set, chosen by mape_nat
#   n-nft   napt off; nft: oifname "mape0" meta l4proto { tcp, udp } masquerade to :$CERANGE
#
# nat-new: every packet opens a new UDP flow (random LAN host and ports):
#          the rate is new connections per second of CPU 1, each costing a
#          conntrack entry, the NAT lookup and a translation.
# nat-est: one flow, its mapping made by the first packet: per-packet cost
#          of an established translation.
# nat-full: new flows from one LAN host to one server port, so the set
#          (252 ports; nft's range: 4) is full after the first ones and
#          every later flow is refused: the cost of a refusal, mape_nat
#          having searched the whole set. Counted at CPU 1's intake.
# The connection table is flushed before every run.

napt_add() # NAME napt|nft
{
	local n=$1
	dut_add "$n"
	ip -n "$n" route add $CE4/32 dev sink0
	ip -n "$n" -6 route add $BR/128 dev sink0
	ce_add "$n" $CE4/32 || return 1
	ip -n "$n" route add default dev mape0
	if [ "$2" = napt ]; then
		ip -n "$n" link set mape0 type mape napt on
	else
		ip netns exec "$n" nft -f - <<-EOF
		table ip bench {
			chain post {
				type nat hook postrouting priority srcnat;
				oifname "mape0" meta l4proto { tcp, udp } masquerade to :$CERANGE
			}
		}
		EOF
	fi
}

run_napt()
{
	local test ok a b c d e n x y want
	say "## NAPT44: mape_nat (napt on) vs nft masquerade to :$CERANGE, 64 B UDP"
	if [ ! -d /sys/module/mape_nat ]; then
		modprobe nf_nat || die "modprobe nf_nat"
		modprobe mape_nat 2>/dev/null || insmod "$dir/../kernel/mape_nat.ko" ||
			die "mape_nat.ko does not load"
	fi
	# Room for the flows of a run (global: writable in the initial
	# namespace only); the buckets keep the chains as short as a big
	# machine's default.
	sysctl -qw net.netfilter.nf_conntrack_buckets=262144 \
		net.netfilter.nf_conntrack_max=2097152 || die "conntrack sysctls"
	[ -n "${HOLD[bgen]:-}" ] || ns_add bgen
	napt_add n-napt napt || die "n-napt: mape CE with napt"
	napt_add n-nft nft || die "n-nft: mape CE with nft masquerade"
	for test in nat-new nat-est nat-full; do
		if [ $QUICK = 1 ]; then
			a=$(mstat n-napt napt_translations)
			x=$(mstat n-napt napt_exhausted)
			ok=0
			quick_run n-napt $test napt 64 || ok=1
			quick_run n-nft $test nft 64 || ok=1
			b=$(mstat n-napt napt_translations)
			y=$(mstat n-napt napt_exhausted)
			c=$(ip netns exec n-napt conntrack -C)
			d=$(ip netns exec n-nft conntrack -C)
			# translations, napt's connections, nft's connections
			case $test in
			nat-new) want="$COUNT $COUNT $COUNT" ;;
			nat-est) want="1 1 1" ;;
			nat-full) want="252 252 4" ;;
			esac
			log_test $ok "bench napt $test (napt, nft masquerade) runs"
			[ "$((b - a)) $c $d" = "$want" ] ||
				say "    $test: $((b - a)) translations, $c/$d connections, want $want"
			log_test "$([ "$((b - a)) $c $d" = "$want" ]; echo $?)" \
				"bench napt $test: translations and connections exact"
			# A source port pktgen repeats is a packet of a flow.
			[ $test = nat-full ] && log_test "$([ $((y - x)) -ge $((COUNT - 252 - 10)) ] &&
				[ $((y - x)) -le $((COUNT - 252)) ]; echo $?)" \
				"bench napt nat-full: refusals counted ($((y - x)))"
			continue
		fi
		say "# $test 64 B"
		rounds $test 64 n-napt:napt n-nft:nft
	done
	for n in n-napt n-nft; do
		e=$(mape_errors $n)
		[ -z "$e" ] || say "# warning: $n: mape dropped packets: $e"
		[ $QUICK = 1 ] && log_test "$([ -z "$e" ]; echo $?)" \
			"bench napt $n: no drops (ports inside the set)"
	done
	ip netns exec n-napt conntrack -F >/dev/null 2>&1
	ip netns exec n-nft conntrack -F >/dev/null 2>&1
	ip -n n-napt link set mape0 type mape napt off
}
