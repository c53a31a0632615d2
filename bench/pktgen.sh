# SPDX-License-Identifier: GPL-2.0
# The packet-rate machinery of the pps, scale and napt sections: the
# device-under-test namespaces, pktgen and the measurement. Sourced by
# run-guest.sh.
#
# Packet-rate topology: one namespace per device under test, each fed by its
# own veth from the generator namespace and ending in a dummy "sink0".
#
#   [bgen] pktgen (CPU 0) --g-NAME==in--> [NAME] (RPS: CPU 1) --> sink0

# tc in the generator's namespace. Through ip rather than tc -n: where
# topo.sh names the namespaces per run (lib.sh's ns_per_run), only ip
# knows their names.
gtc() { ip netns exec bgen tc "$@"; }

dut_add() # NAME
{
	local n=$1 f
	ns_add "$n"
	ip -n bgen link add "g-$n" type veth peer name in netns "$n"
	ip -n bgen link set "g-$n" up
	gtc qdisc add dev "g-$n" clsact
	ip -n "$n" link set in up
	# No IPv6 address on the sink: it sends nothing of its own (RS, MLD).
	ip -n "$n" link add sink0 type dummy
	ip -n "$n" link set sink0 addrgenmode none
	ip -n "$n" link set sink0 up
	ip netns exec "$n" sh -c 'echo 2 > /sys/class/net/in/queues/rx-0/rps_cpus &&
		sysctl -qw net.ipv4.conf.in.rp_filter=0' || die "$n: RPS"
	read -r _ _ f _ < <(ip -n "$n" -br link show dev in)
	MAC[$n]=$f
}

# The sink's tx packets in namespace $1.
sink_tx()
{
	local name x tp
	while read -r name x x x x x x x x x tp x; do
		if [ "$name" = sink0: ]; then
			echo "$tp"
			return
		fi
	done < "/proc/${HOLD[$1]}/net/dev"
	echo 0
}

# Packets CPU 1 took in (/proc/net/softnet_stat, its line, first field):
# the count of a run whose packets all end in drops.
cpu1_in()
{
	local f
	{ read -r _; read -r f _; } < /proc/net/softnet_stat
	echo $((16#$f))
}

# done_pkts NAME TEST: the count a run of TEST in NAME is measured by.
done_pkts()
{
	if [ "$2" = nat-full ]; then
		cpu1_in
	else
		sink_tx "$1"
	fi
}

# CPU 1's idle time, in USER_HZ.
idle1()
{
	local c x idle
	while read -r c x x x idle x; do
		if [ "$c" = cpu1 ]; then
			echo "$idle"
			return
		fi
	done < /proc/stat
}

ip4sum() # 16-bit words of an IPv4 header without its checksum
{
	local s=0 w
	for w; do s=$((s + w)); done
	while ((s >> 16)); do s=$(((s & 0xffff) + (s >> 16))); done
	echo $((~s & 0xffff))
}

hex4() { local a b c d; IFS=. read -r a b c d <<<"$1"; printf '0x%02x%02x%02x%02x' $a $b $c $d; }

# pedit keys writing the IPv4 + UDP header of length L from SRC:SP to
# DST:DP at offset OFF of the network header (TTL 64, ID 0, no checksum).
v4keys() # OFF L SRC SP DST DP
{
	local o=$1 l=$2 s d c
	s=$(hex4 "$3")
	d=$(hex4 "$5")
	c=$(ip4sum 0x4500 "$l" 0 0 0x4011 $((s >> 16)) $((s & 0xffff)) \
		$((d >> 16)) $((d & 0xffff)))
	printf 'munge offset %d u32 set 0x4500%04x ' $o "$l"
	printf 'munge offset %d u32 set 0 ' $((o + 4))
	printf 'munge offset %d u32 set 0x4011%04x ' $((o + 8)) "$c"
	printf 'munge offset %d u32 set %s ' $((o + 12)) "$s"
	printf 'munge offset %d u32 set %s ' $((o + 16)) "$d"
	printf 'munge offset %d u32 set 0x%04x%04x ' $((o + 20)) "$4" "$6"
	printf 'munge offset %d u32 set 0x%04x0000 ' $((o + 24)) $(($2 - 20))
}

# pg_setup NAME TEST VARIANT LEN [COUNT]: point pktgen at g-NAME with the
# packets of TEST (br-enc, br-dec, ce-enc, ce-dec) for VARIANT (fwd gets
# the IPv4 packet the tunnel carries). Decapsulation traffic is pktgen's
# IPv6/UDP packet turned into IPv6/IPv4/UDP on the generator's side (tc
# egress pedit on g-NAME, CPU 0); fwd's packet in a decapsulation test goes
# through the same rewrite, so both cost the generator the same. Mode t
# (mapt, mapt-N) takes pktgen's IPv6/UDP as it is, between the CE's MAP
# address and the server's DMR address: the same IPv4 packet, translated.
# Its UDP has a checksum: IPv6 has no UDP without one, and a translator
# adjusts a checksum but computes a missing one over the whole datagram
# (RFC 7915 section 4.5), which real traffic seldom asks. The veth's
# checksum offload leaves it partial: pktgen computes nothing.
pg_setup()
{
	local n=$1 test=$2 var=$3 l=$4 count=${5:-0}
	local pg=/proc/${HOLD[bgen]}/net/pktgen f s4 d4 sp dp s6 d6
	local dev=g-$n far6=$BR t=0
	case $var in mapt|mapt-*) t=1; far6=$SRV6 ;; esac
	case $test in
	br-enc|ce-dec) s4=$SRV; sp=$SRVPORT; d4=$CE4; dp=$CEPORT; s6=$far6; d6=$CE1 ;;
	br-dec|ce-enc) s4=$CE4; sp=$CEPORT; d4=$SRV; dp=$SRVPORT; s6=$CE1; d6=$far6 ;;
	nat-*) s4=$LAN4; sp=$LANPORT; d4=$SRV; dp=$SRVPORT ;;
	esac

	gtc filter del dev $dev egress 2>/dev/null
	# Each NAT run starts from an empty connection table.
	[ "${test%-*}" != nat ] || ip netns exec "$n" conntrack -F >/dev/null 2>&1
	if [ "${test#*-}" = dec ] && [ $t = 0 ]; then
		if [ "$var" = fwd ]; then
			# shellcheck disable=SC2046
			gtc filter add dev $dev egress protocol ip pref 1 \
				matchall action pedit $(v4keys 0 "$l" $s4 $sp $d4 $dp) \
				pipe || return 1
		else
			# shellcheck disable=SC2046
			gtc filter add dev $dev egress protocol ipv6 pref 1 \
				matchall action pedit munge offset 6 u8 set 4 \
				$(v4keys 40 "$l" $s4 $sp $d4 $dp) pipe || return 1
		fi
	fi

	echo rem_device_all > $pg/kpktgend_0 || return 1
	echo "add_device $dev" > $pg/kpktgend_0 || return 1
	f=$pg/$dev
	echo "count $count" > $f
	echo "delay 0" > $f
	echo "xmit_mode queue_xmit" > $f
	echo "flag NO_TIMESTAMP" > $f
	[ "$RATE" = 0 ] || echo "ratep $RATE" > $f
	echo "dst_mac ${MAC[$n]}" > $f
	if [ "${test#*-}" = dec ] && [ $t = 1 ]; then
		echo "pkt_size $((l + 34))" > $f
		echo "src6 $s6" > $f
		echo "dst6 $d6" > $f
		echo "udp_src_min $sp" > $f
		echo "udp_src_max $sp" > $f
		echo "udp_dst_min $dp" > $f
		echo "udp_dst_max $dp" > $f
	elif [ "${test#*-}" = dec ] && [ "$var" != fwd ]; then
		echo "pkt_size $((l + 54))" > $f
		echo "src6 $s6" > $f
		echo "dst6 $d6" > $f
	else
		echo "pkt_size $((l + 14))" > $f
		echo "src_min $s4" > $f
		echo "src_max $s4" > $f
		echo "dst $d4" > $f
		echo "udp_src_min $sp" > $f
		echo "udp_src_max $sp" > $f
		echo "udp_dst_min $dp" > $f
		echo "udp_dst_max $dp" > $f
	fi
	[ $t = 0 ] || echo "flag UDPCSUM" > $f
	if [ "$test" = nat-new ]; then
		# Every packet a new flow: a random LAN host, source and
		# destination port (2^46 tuples: a repeat is rare).
		echo "src_min ${LAN4%.*}.1" > $f
		echo "src_max ${LAN4%.*}.254" > $f
		echo "udp_src_min 1024" > $f
		echo "udp_src_max 65535" > $f
		echo "udp_dst_min 1" > $f
		echo "udp_dst_max 65535" > $f
		echo "flag IPSRC_RND" > $f
		echo "flag UDPSRC_RND" > $f
		echo "flag UDPDST_RND" > $f
	elif [ "$test" = nat-full ]; then
		# New flows from one host to one server port: the set fills.
		echo "udp_src_min 1024" > $f
		echo "udp_src_max 65535" > $f
		echo "flag UDPSRC_RND" > $f
	fi
	return 0
}

pg_start() { ip netns exec bgen sh -c 'echo start > /proc/net/pktgen/pgctrl' 2>/dev/null & PGJOB=$!; }
pg_stop() { ip netns exec bgen sh -c 'echo stop > /proc/net/pktgen/pgctrl'; wait $PGJOB; }

# The rate pktgen offered, from its result line.
pg_offered()
{
	local line
	while read -r line; do
		case $line in
		*pps*) echo "${line%%pps*}"; return ;;
		esac
	done < "/proc/${HOLD[bgen]}/net/pktgen/g-$1"
	echo 0
}

# measure NAME TEST VARIANT LEN ROUND: one packet-rate run; appends a raw
# line "pps TEST/LEN VARIANT ROUND rate delivered busy offered".
measure()
{
	local n=$1 test=$2 var=$3 l=$4 round=$5 a b i0 i1 t0 t1 off
	pg_setup "$n" "$test" "$var" "$l" || die "pktgen setup $n $test"
	pg_start
	sleep $WARM
	a=$(done_pkts "$n" "$test"); i0=$(idle1); t0=$(now)
	if [ -n "${PROF:-}" ]; then
		perf record -C "${PROFCPU:-1}" -g -o "$PROF" -- sleep "$TIME" >/dev/null 2>&1
	else
		sleep "$TIME"
	fi
	b=$(done_pkts "$n" "$test"); i1=$(idle1); t1=$(now)
	pg_stop
	off=$(pg_offered "$n")
	raw "$(awk -v t="$test/$l" -v v="$var" -v r="$round" -v a="$a" -v b="$b" \
		-v t0="$t0" -v t1="$t1" -v i0="$i0" -v i1="$i1" -v off="$off" 'BEGIN {
		w = t1 - t0; busy = w - (i1 - i0) / 100
		if (busy < 0.01 * w) busy = 0.01 * w
		printf "pps %s %s %d %.0f %.0f %.3f %d", t, v, r, (b - a) / busy,
			(b - a) / w, busy / w, off }')"
}

# quick_run NAME TEST VARIANT LEN: COUNT packets must all reach the sink.
quick_run()
{
	local n=$1 test=$2 var=$3 l=$4 a b i
	pg_setup "$n" "$test" "$var" "$l" $COUNT || return 1
	a=$(done_pkts "$n" "$test")
	ip netns exec bgen sh -c 'echo start > /proc/net/pktgen/pgctrl'
	for i in 1 2 3 4 5 6 7 8 9 10; do
		b=$(done_pkts "$n" "$test")
		[ $((b - a)) -ge $COUNT ] && break
		sleep 0.2
	done
	raw "pps $test/$l $var 1 0 $((b - a)) 0 $COUNT"
	# CPU 1's intake may include a stray packet of its own.
	[ "$test" = nat-full ] && [ $((b - a)) -ge $COUNT ] && return 0
	[ $((b - a)) -eq $COUNT ] ||
		{ echo "    $var $test/$l: $((b - a)) of $COUNT packets delivered"; return 1; }
}

# rounds TEST LEN NAME:VARIANT...: REPS interleaved rounds, the order
# rotating by one each round.
rounds()
{
	local test=$1 l=$2 r i k nv
	shift 2
	local dut=("$@")
	nv=${#dut[@]}
	for ((r = 1; r <= REPS; r++)); do
		for ((i = 0; i < nv; i++)); do
			k=${dut[$(((i + r - 1) % nv))]}
			measure "${k%%:*}" "$test" "${k#*:}" "$l" "$r"
		done
	done
}
