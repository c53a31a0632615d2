# SPDX-License-Identifier: GPL-2.0
# Section pps, sourced by run-guest.sh.
#
# Packet rates of mape against ip6tnl and plain IPv4 forwarding, one
# namespace per device under test (pktgen.sh):
#
# fwd      plain IPv4 forwarding
# m-br     mape BR, the domain of selftests/net/topo.sh (CE1 = its ce1)
# t-br     ip6tnl mode ipip6, local the BR address, remote CE1
# m-ce     mape CE with CE1's end-user prefix
# t-ce     ip6tnl mode ipip6, local CE1's MAP address, remote the BR
# mt-br    mape BR in mode t (translation), the DMR of topo.sh
# mt-ce    mape CE in mode t with CE1's end-user prefix
# s-N      mape BR with N rules (rule scaling)

setup_pps()
{
	local n
	ns_add bgen
	for n in fwd m-br t-br m-ce t-ce mt-br mt-ce; do
		dut_add $n
	done
	ip -n fwd route add 192.0.2.0/24 dev sink0
	ip -n fwd route add 203.0.113.0/24 dev sink0

	for n in m-br t-br mt-br; do
		ip -n $n route add 203.0.113.0/24 dev sink0
		ip -n $n -6 route add 2001:db8:100::/40 dev sink0
	done
	br_add m-br || die "m-br: mape BR"
	brt_add mt-br || die "mt-br: mape BR, mode t"
	tnl_add t-br $BR $CE1 || die "t-br: ip6tnl"
	ip -n t-br route add 192.0.2.0/24 dev t6

	for n in m-ce t-ce; do
		ip -n $n route add $CE4/32 dev sink0
		ip -n $n -6 route add $BR/128 dev sink0
	done
	ce_add m-ce || die "m-ce: mape CE"
	ip -n m-ce route add default dev mape0
	tnl_add t-ce $CE1 $BR || die "t-ce: ip6tnl"
	ip -n t-ce route add default dev t6

	ip -n mt-ce route add $CE4/32 dev sink0
	ip -n mt-ce -6 route add $DMR dev sink0
	cet_add mt-ce || die "mt-ce: mape CE, mode t"
	ip -n mt-ce route add default dev mape0
}

run_pps()
{
	local test l ok role var
	say "## packet rates: mape (mode e, mode t) vs ip6tnl vs IPv4 forwarding (pktgen, CPU 1 = DUT)"
	for test in br-enc br-dec ce-enc ce-dec; do
		role=${test%-*}
		for l in 64 1400; do
			if [ $QUICK = 1 ]; then
				ok=0
				for var in mape ip6tnl fwd; do
					case $var in
					mape) n=m-$role ;; ip6tnl) n=t-$role ;; fwd) n=fwd ;;
					esac
					quick_run $n $test $var $l || ok=1
				done
				log_test $ok "bench pps $test $l B (mape, ip6tnl, fwd) runs"
				quick_run mt-$role $test mapt $l
				log_test $? "bench pps $test $l B (mape mode t) runs"
				continue
			fi
			say "# $test $l B"
			rounds $test $l m-$role:mape t-$role:ip6tnl fwd:fwd mt-$role:mapt
		done
	done
	for n in m-br m-ce mt-br mt-ce; do
		e=$(mape_errors $n)
		[ -z "$e" ] || say "# warning: $n: mape dropped packets: $e"
		[ $QUICK = 1 ] && log_test "$([ -z "$e" ]; echo $?)" "bench pps $n: no mape drops"
	done
}
