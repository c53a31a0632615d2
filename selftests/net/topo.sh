# SPDX-License-Identifier: GPL-2.0
# A MAP-E domain in network namespaces, shared by the selftests (sourced).
#
#                      203.0.113.0/24
#   [srv] .2 ------------------------ .1 [br]  mape0: role br
#                                         |     br-addr 2001:db8:ffff::1
#                                         | 2001:db8:f0:1::/64 (IPv6 only)
#                                      [core]  IPv6 router
#                 2001:db8:f0:11::/64 /   |   \ 2001:db8:f0:13::/64
#                                    /    |    \
#                               [ce1]   [ce2]   [ce3]   mape0: role ce
#
# Domain rule (BMR on the CEs, rule on the BR), RFC 7597 example 1's shape:
#   rule-ipv6 2001:db8:100::/40 rule-ipv4 192.0.2.0/24 ea-len 16 psid-offset 6
#   ce1 end-user prefix 2001:db8:112:3400::/56 -> 192.0.2.18 PSID 0x34
#   ce2 end-user prefix 2001:db8:112:3500::/56 -> 192.0.2.18 PSID 0x35
#   ce3 end-user prefix 2001:db8:113:100::/56  -> 192.0.2.19 PSID 0x01
# With PSID length 8 and offset 6 a CE's ports are
#   (A << 10) | (PSID << 2) | j   for A in 1..63, j in 0..3.

# Every script built on this file gets namespace names of its own run.
ns_per_run

TOPO_NS="srv br core ce1 ce2 ce3"
BR_ADDR=2001:db8:ffff::1
# MAPE_MODE=t builds the same domain in MAP-T: the BR address becomes the
# DMR's prefix (RFC 7599 appendix A's), routed to the BR as the address
# was, and each device receives by route instead of at an address.
MODE=${MAPE_MODE:-e}
DMR=2001:db8:ffff::/64
RULE="rule-ipv6 2001:db8:100::/40 rule-ipv4 192.0.2.0/24 ea-len 16 psid-offset 6"
SRV=203.0.113.2

declare -A CE_EU=([ce1]=2001:db8:112:3400::/56 [ce2]=2001:db8:112:3500::/56
		  [ce3]=2001:db8:113:100::/56)
declare -A CE_V4=([ce1]=192.0.2.18 [ce2]=192.0.2.18 [ce3]=192.0.2.19)
declare -A CE_PSID=([ce1]=0x34 [ce2]=0x35 [ce3]=0x01)
declare -A CE_NET=([ce1]=11 [ce2]=12 [ce3]=13)

# port_of CE A J: the J-th port of range A of a CE's set.
port_of()
{
	echo $(( ($2 << 10) | (${CE_PSID[$1]} << 2) | $3 ))
}

topo_cleanup()
{
	local ns
	for ns in $TOPO_NS; do
		ip netns del "$ns" 2>/dev/null
	done
}

# ce_map_addr CE: the CE's MAP IPv6 address as the kernel derives it.
ce_map_addr()
{
	ip netns exec "$1" mapctl -j show dev mape0 | jq -r '.[0].ce.ce_ipv6'
}

# topo_ce_wan CE N PREFIX: CE's link to core on 2001:db8:f0:N::/64, core
# routing the end-user PREFIX to it.
topo_ce_wan()
{
	ip -n "$1" link add wan type veth peer name "to-$1" netns core || return 1
	ip -n "$1" addr add "2001:db8:f0:$2::2/64" dev wan nodad
	ip -n "$1" link set wan up
	ip -n "$1" route add default via "2001:db8:f0:$2::1"
	ip -n core addr add "2001:db8:f0:$2::1/64" dev "to-$1" nodad
	ip -n core link set "to-$1" up
	ip -n core route add "$3" via "2001:db8:f0:$2::2"
}

# topo_lan [CE LAN]: namespace LAN (lan), a host behind CE (ce1):
# 198.51.100.2/30 on its eth0, CE's to-lan 198.51.100.1 its default
# gateway; CE forwards. The caller deletes LAN (topo_cleanup does not know
# it).
topo_lan()
{
	local ce=${1:-ce1} lan=${2:-lan}

	ip netns add "$lan" || return 1
	ip -n "$lan" link set lo up
	ip -n "$ce" link add to-lan type veth peer name eth0 netns "$lan" ||
		return 1
	ip -n "$ce" addr add 198.51.100.1/30 dev to-lan
	ip -n "$ce" link set to-lan up
	ip -n "$lan" addr add 198.51.100.2/30 dev eth0
	ip -n "$lan" link set eth0 up
	ip -n "$lan" route add default via 198.51.100.1
	ip netns exec "$ce" sysctl -qw net.ipv4.ip_forward=1
}

# topo_core: the namespaces of TOPO_NS, srv behind br on 203.0.113.0/24
# (srv routes 192.0.2.0/24 to br), br's IPv6 side on core, and core's
# route to the BR address: everything but the BR's mape0 and the CEs.
topo_core()
{
	local ns

	for ns in $TOPO_NS; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
	done
	ip netns exec core sysctl -qw net.ipv6.conf.all.forwarding=1
	ip netns exec br sysctl -qw net.ipv4.ip_forward=1

	ip -n srv link add eth0 type veth peer name v4 netns br
	ip -n srv addr add $SRV/24 dev eth0
	ip -n srv link set eth0 up
	ip -n srv route add 192.0.2.0/24 via 203.0.113.1
	ip -n br addr add 203.0.113.1/24 dev v4
	ip -n br link set v4 up

	ip -n br link add wan type veth peer name to-br netns core
	ip -n br addr add 2001:db8:f0:1::2/64 dev wan nodad
	ip -n br link set wan up
	ip -n br route add default via 2001:db8:f0:1::1
	ip -n core addr add 2001:db8:f0:1::1/64 dev to-br nodad
	ip -n core link set to-br up
	if [ "$MODE" = t ]; then
		ip -n core route add $DMR via 2001:db8:f0:1::2
	else
		ip -n core route add $BR_ADDR/128 via 2001:db8:f0:1::2
	fi
}

# topo_mape NS ROLE BMR [KEYWORD...]: NS's mape0 in MODE, up and
# reachable: at its address in mode e (the BR address, or a CE's MAP
# address once its BMR is in), by route in mode t (the DMR, or the MAP
# address: the /64 of them when the CE holds an IPv4 prefix, each address
# of which names itself in the interface identifier). BMR: a CE's rule.
topo_mape()
{
	local ns=$1 role=$2 bmr=$3 addr

	shift 3
	if [ "$MODE" = t ]; then
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1
		ip -n "$ns" link add mape0 type mape role "$role" mode t \
			dmr $DMR "$@" || return 1
	else
		ip -n "$ns" link add mape0 type mape role "$role" \
			br-addr $BR_ADDR "$@" || return 1
	fi
	# shellcheck disable=SC2086 # a rule is keywords
	[ "$role" = br ] || ip netns exec "$ns" mapctl rule add dev mape0 bmr $bmr ||
		return 1
	ip -n "$ns" link set mape0 up
	if [ "$role" = br ]; then
		addr=$BR_ADDR/128
		[ "$MODE" = t ] && addr=$DMR
	elif [ "$MODE" = t ] && ip netns exec "$ns" mapctl -j show dev mape0 |
			jq -e '.[0].ce.ipv4 | contains("/")' >/dev/null; then
		addr=$(ce_map_addr "$ns")/64
	else
		addr=$(ce_map_addr "$ns")/128
	fi
	if [ "$MODE" = t ]; then
		ip -n "$ns" route add "$addr" dev mape0
	else
		ip -n "$ns" addr add "$addr" dev mape0 nodad
	fi
}

topo_setup()
{
	local ifid=${1:-rfc} ce n

	topo_core || return 1

	topo_mape br br "" ifid "$ifid" || return 1
	ip -n br route add 192.0.2.0/24 dev mape0
	ip netns exec br mapctl rule add dev mape0 bmr $RULE || return 1

	for ce in ce1 ce2 ce3; do
		topo_ce_wan $ce ${CE_NET[$ce]} "${CE_EU[$ce]}" || return 1
		topo_mape $ce ce "$RULE" end-user-prefix "${CE_EU[$ce]}" \
			ifid "$ifid" || return 1
		ip -n $ce addr add "${CE_V4[$ce]}/32" dev mape0
		ip -n $ce route add default dev mape0 src "${CE_V4[$ce]}"
	done
}

# mstat NS COUNTER: a mape0 counter from mapctl stats.
mstat()
{
	ip netns exec "$1" mapctl -j stats dev mape0 | jq ".[0].$2"
}

# stats_snapshot NS...: remember every counter of each namespace's mape0.
declare -A SNAP
stats_snapshot()
{
	local ns
	for ns in "$@"; do
		SNAP[$ns]=$(ip netns exec "$ns" mapctl -j stats dev mape0)
	done
}

# delta NS COUNTER: change of a counter since stats_snapshot.
delta()
{
	echo $(( $(mstat "$1" "$2") - $(jq ".[0].$2" <<<"${SNAP[$1]}") ))
}
