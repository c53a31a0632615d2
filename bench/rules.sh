# SPDX-License-Identifier: GPL-2.0
# Section rules, sourced by run-guest.sh.
#
# Rules: load, dump and memory of the largest rule set, against the same
# number of IPv4 routes loaded with ip -batch and dumped with ip route show.

meminfo_kb() # the kernel's unreclaimable memory: SUnreclaim + VmallocUsed + Percpu
{
	local k v u s=0
	while read -r k v u; do
		case $k in
		SUnreclaim:|VmallocUsed:|Percpu:) s=$((s + v)) ;;
		esac
	done < /proc/meminfo
	echo $s
}

# The mape_rule_entry cache (SLUB; it may be merged with others of its
# size): object size, slot size, objects per slab, pages per slab.
slab_line()
{
	local d=/sys/kernel/slab/mape_rule_entry o s n order
	read -r o < $d/object_size && read -r s < $d/slab_size &&
		read -r n < $d/objs_per_slab && read -r order < $d/order ||
		{ echo "0 0 0 0"; return; }
	echo "$o $s $n $((1 << order))"
}

rules_files()
{
	local nmax=$1 t0 t1
	mkdir -p $W
	rm -f $W/routes.*
	t0=$(now)
	python3 "$dir/gen-rules.py" $((nmax - 1)) "$SEED" mape0 \
		--routes $W/routes 100 rt0 > $W/rules || die "gen-rules"
	# ip -batch grows by kilobytes a line (iproute2 6.1): 100k lines a
	# process keep it in bounds.
	split -l 100000 -d -a 3 $W/routes $W/routes. && rm $W/routes
	t1=$(now)
	say "# generated $((nmax - 1)) random rules and routes in $(awk -v a=$t0 -v b=$t1 'BEGIN{printf "%.1f", b-a}') s"
}

# Load the largest set into a fresh BR in s-NMAX; raw "load mapctl ROUND
# seconds rules bytes-per-rule".
load_mapctl() # NMAX ROUND
{
	local n=s-$1 m0 m1 t0 t1 cnt
	ip -n $n link del mape0 2>/dev/null
	br_add $n || die "$n: mape BR"
	sleep 1
	m0=$(meminfo_kb)
	t0=$(now)
	ip netns exec $n mapctl -b $W/rules || die "mapctl -b failed"
	t1=$(now)
	sleep 2
	m1=$(meminfo_kb)
	cnt=$(ip netns exec $n mapctl -j show dev mape0 | jq '.[0].rules')
	[ "$cnt" = "$1" ] || die "$n: $cnt rules loaded, want $1"
	raw "$(awk -v r=$2 -v t0=$t0 -v t1=$t1 -v n=$1 -v m0=$m0 -v m1=$m1 'BEGIN {
		printf "load mapctl %d %.3f %d %.1f", r, t1 - t0, n, (m1 - m0) * 1024 / n }')"
}

load_ip() # NMAX ROUND
{
	local m0 m1 t0 t1
	ip -n rt link del rt0 2>/dev/null
	ip -n rt link add rt0 type dummy
	ip -n rt link set rt0 up
	sleep 1
	m0=$(meminfo_kb)
	t0=$(now)
	ip netns exec rt sh -c "for f in $W/routes.*; do ip -batch \$f || exit 1; done" ||
		die "ip -batch failed"
	t1=$(now)
	sleep 2
	m1=$(meminfo_kb)
	raw "$(awk -v r=$2 -v t0=$t0 -v t1=$t1 -v n=$1 -v m0=$m0 -v m1=$m1 'BEGIN {
		printf "load ip %d %.3f %d %.1f", r, t1 - t0, n, (m1 - m0) * 1024 / n }')"
}

dump_mapctl() # NMAX ROUND
{
	local t0 t1
	t0=$(now)
	ip netns exec s-$1 mapctl rule show dev mape0 > /dev/null || die "rule show failed"
	t1=$(now)
	raw "$(awk -v r=$2 -v t0=$t0 -v t1=$t1 -v n=$1 'BEGIN {
		printf "dump mapctl %d %.3f %d", r, t1 - t0, n }')"
}

dump_ip() # NMAX ROUND
{
	local t0 t1
	t0=$(now)
	ip -n rt route show table 100 > /dev/null || die "ip route show failed"
	t1=$(now)
	raw "$(awk -v r=$2 -v t0=$t0 -v t1=$t1 -v n=$1 'BEGIN {
		printf "dump ip %d %.3f %d", r, t1 - t0, n }')"
}

# alternate WHAT NMAX: WHAT_mapctl and WHAT_ip for REPS rounds, the one
# that goes first alternating.
alternate()
{
	local r
	for ((r = 1; r <= REPS; r++)); do
		if ((r % 2)); then
			"$1_mapctl" "$2" $r; "$1_ip" "$2" $r
		else
			"$1_ip" "$2" $r; "$1_mapctl" "$2" $r
		fi
	done
}

run_rules()
{
	local nmax=${RULES##*,} r lines slab
	say "## rules: load with mapctl -b, dump, memory ($nmax rules; baseline: as many IPv4 routes, ip -batch)"
	rules_files "$nmax"
	[ -n "${HOLD[s-$nmax]:-}" ] || dut_add s-$nmax
	ns_add rt
	alternate load "$nmax"
	slab=$(slab_line)
	raw "slab $slab"
	alternate dump "$nmax"
	if [ $QUICK = 1 ]; then
		lines=$(ip netns exec s-$nmax mapctl rule show dev mape0 | wc -l)
		log_test "$([ "$lines" = "$nmax" ]; echo $?)" \
			"bench rules: load $nmax with mapctl -b, dump them ($lines)"
		set -- $slab
		log_test "$([ "$1" -gt 0 ]; echo $?)" \
			"bench rules: memory accounting (mape_rule_entry $1 B)"
	fi
	ip -n rt link del rt0
}
