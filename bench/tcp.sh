# SPDX-License-Identifier: GPL-2.0
# Section tcp, sourced by run-guest.sh.
#
# TCP: one flow from a CE to a server behind the BR, mape (mode e and mode
# t) and ip6tnl side by side. iperf3 runs its server in the CE (it sends, -R) on a port of the
# CE's set, so the flow's source port is the CE's; TSO/GSO on everywhere.
#
#   [tc-X] CE, iperf3 -s (CPU 0) --wan==wan-- [tb-X] BR --v4==eth0-- [ts-X] iperf3 -c -R (CPU 1)
#
# The addresses are topo.sh's, but not its topo_core: its core router
# would put one more forwarding hop into the path measured, and its
# namespaces hold one domain where mape and ip6tnl run side by side.

tcp_add() # X=m|t|mt (mape, ip6tnl, mape mode t)
{
	local x=$1 c=tc-$1 b=tb-$1 s=ts-$1
	ns_add $c; ns_add $b; ns_add $s
	ip -n $s link add eth0 type veth peer name v4 netns $b
	ip -n $s addr add $SRV/24 dev eth0
	ip -n $s link set eth0 up
	ip -n $s route add 192.0.2.0/24 via 203.0.113.1
	ip -n $b addr add 203.0.113.1/24 dev v4
	ip -n $b link set v4 up
	ip -n $c link add wan type veth peer name wan netns $b
	ip -n $c addr add 2001:db8:f0:11::2/64 dev wan nodad
	ip -n $c link set wan up
	if [ $x = mt ]; then
		ip -n $c -6 route add $DMR via 2001:db8:f0:11::1
	else
		ip -n $c -6 route add $BR/128 via 2001:db8:f0:11::1
	fi
	ip -n $b addr add 2001:db8:f0:11::1/64 dev wan nodad
	ip -n $b link set wan up
	ip -n $b -6 route add 2001:db8:100::/40 via 2001:db8:f0:11::2
	if [ $x = m ]; then
		br_add $b || return 1
		ce_add $c $CE4/32 || return 1
		ip -n $c route add default dev mape0 src $CE4
		ip netns exec $c ethtool -K mape0 tso on gso on sg on >/dev/null 2>&1
	elif [ $x = mt ]; then
		brt_add $b || return 1
		cet_add $c $CE4/32 || return 1
		ip -n $c route add default dev mape0 src $CE4
		ip netns exec $c ethtool -K mape0 tso on gso on sg on >/dev/null 2>&1
	else
		tnl_add $b $BR $CE1 || return 1
		ip -n $b route add 192.0.2.0/24 dev t6
		tnl_add $c $CE1 $BR $CE4/32 || return 1
		ip -n $c route add default dev t6 src $CE4
		ip netns exec $c ethtool -K t6 tso on gso on sg on >/dev/null 2>&1
	fi
	ip netns exec $c ethtool -K wan tso on gso on sg on >/dev/null 2>&1
	ip netns exec $c taskset -c 0 iperf3 -s -p $CEPORT -D -1 >/dev/null 2>&1
}

tcp_run() # X ROUND SECONDS
{
	local x=$1 out bps i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ip netns exec tc-$x ss -Hltn "sport = :$CEPORT" | grep -q . && break
		ip netns exec tc-$x taskset -c 0 iperf3 -s -p $CEPORT -D -1 >/dev/null 2>&1
		sleep 0.3
	done
	out=$(ip netns exec ts-$x taskset -c 1 iperf3 -c $CE4 -p $CEPORT -R -J \
		-t "$3" -O 1 2>&1)
	bps=$(jq '.end.sum_received.bits_per_second // 0' <<<"$out" 2>/dev/null)
	[ -n "$bps" ] || bps=0
	case $x in m) v=mape ;; t) v=ip6tnl ;; mt) v=mapt ;; esac
	raw "tcp 1flow $v $2 $(printf '%.0f' "$bps")"
	[ "${bps%.*}" -gt 0 ] || { echo "    iperf3 ($v): ${out:0:400}"; return 1; }
}

run_tcp()
{
	local r i x ok=0 okt=0 secs=4 xs=(m t mt)
	say "## TCP: one flow CE -> server behind the BR, mape (mode e, mode t) vs ip6tnl (iperf3)"
	tcp_add m || die "TCP topology (mape)"
	tcp_add t || die "TCP topology (ip6tnl)"
	tcp_add mt || die "TCP topology (mape, mode t)"
	[ $QUICK = 1 ] && secs=2
	sleep 1
	# The order rotates by one each round, as in the packet rates.
	for ((r = 1; r <= REPS; r++)); do
		for ((i = 0; i < ${#xs[@]}; i++)); do
			x=${xs[$(((i + r - 1) % ${#xs[@]}))]}
			if [ $x = mt ]; then
				tcp_run $x $r $secs || okt=1
			else
				tcp_run $x $r $secs || ok=1
			fi
		done
	done
	[ $QUICK = 1 ] && log_test $ok "bench tcp (mape, ip6tnl, iperf3) runs"
	[ $QUICK = 1 ] && log_test $okt "bench tcp (mape mode t, iperf3) runs"
}
