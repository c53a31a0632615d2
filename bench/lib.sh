# SPDX-License-Identifier: GPL-2.0
# Helpers every section of the benchmarks uses: namespaces, the raw
# results, the mape BR and CE (mode e and mode t) and their ip6tnl
# baselines. Sourced by run-guest.sh, after its options.

# --quick's TEST lines come from the selftests' printer: one format for
# every line make check counts.
source "$dir/../selftests/lib.sh"

# The domain is the selftests' (topo.sh); the CE of every benchmark is
# its ce1.
source "$dir/../selftests/net/topo.sh"
BR=$BR_ADDR
# ce1's MAP address: the ip6tnl twins need it where no mape0 derives it.
CE1=2001:db8:112:3400:0:c000:212:34
CE1_EU=${CE_EU[ce1]}
CE4=${CE_V4[ce1]}
CEPORT=$(port_of ce1 20 1)			# a port of the CE's set
CERANGE=$(port_of ce1 1 0)-$(port_of ce1 1 3)	# the first range of that set
LAN4=198.51.100.2				# a LAN host behind the CE
LANPORT=40000					# its port, outside the set
SRVPORT=9
# The server as mode t names it in the domain: embedded in the DMR
# (RFC 6052 section 2.2; topo.sh's DMR is a /64: u octet, then the address).
SRV6=$(IFS=. read -r a b c d <<<"$SRV"
	printf '%s:0:%x:%x:%x:0' "${DMR%%::*}" $a $(((b << 8) | c)) $((d << 8)))

W=/tmp/mape-bench
RAW=${MAPE_BENCH_RAW:-$W/raw}
declare -A HOLD MAC
NSLIST=()

say() { printf '%s\n' "$*"; }
now() { echo "$EPOCHREALTIME"; }

die() { echo "run-guest.sh: $*" >&2; exit 1; }

cleanup()
{
	local ns
	[ -n "${HOLD[bgen]:-}" ] &&
		ip netns exec bgen sh -c 'echo stop > /proc/net/pktgen/pgctrl' 2>/dev/null
	for ns in "${!HOLD[@]}"; do
		kill "${HOLD[$ns]}" 2>/dev/null
	done
	for ns in "${NSLIST[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	wait 2>/dev/null
}

# A namespace with lo up and a process living in it: /proc/PID/net/dev reads
# its counters without entering it.
ns_add()
{
	ip netns add "$1" || die "ip netns add $1"
	NSLIST+=("$1")
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	ip netns exec "$1" sleep 1000000 &
	HOLD[$1]=$!
}

br_add() # NAME: a mape BR with the domain's rule
{
	local n=$1
	ip -n "$n" link add mape0 type mape role br br-addr $BR || return 1
	ip -n "$n" addr add $BR/128 dev mape0 nodad
	ip -n "$n" link set mape0 up
	ip -n "$n" route replace 192.0.2.0/24 dev mape0
	ip netns exec "$n" mapctl rule add dev mape0 bmr $RULE
}

# ce_add NAME [ADDR4]: a mape CE with ce1's prefix. ADDR4 goes on mape0
# only where the CE itself ends or translates IPv4 (TCP, NAPT): in m-ce
# the decapsulated packets must go on to the sink.
ce_add()
{
	local n=$1
	ip -n "$n" link add mape0 type mape role ce br-addr $BR \
		end-user-prefix $CE1_EU || return 1
	ip netns exec "$n" mapctl rule add dev mape0 bmr $RULE || return 1
	ip -n "$n" addr add $CE1/128 dev mape0 nodad
	[ -z "${2:-}" ] || ip -n "$n" addr add "$2" dev mape0
	ip -n "$n" link set mape0 up
}

# brt_add NAME and cet_add NAME [ADDR4]: br_add and ce_add in mode t. A
# mode t device receives by route: the DMR's on the BR, ce1's MAP address
# on the CE, through IPv6 forwarding.
brt_add()
{
	local n=$1
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$n" link add mape0 type mape role br mode t dmr $DMR || return 1
	ip -n "$n" link set mape0 up
	ip -n "$n" route replace $DMR dev mape0
	ip -n "$n" route replace 192.0.2.0/24 dev mape0
	ip netns exec "$n" mapctl rule add dev mape0 bmr $RULE
}

cet_add()
{
	local n=$1
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$n" link add mape0 type mape role ce mode t dmr $DMR \
		end-user-prefix $CE1_EU || return 1
	ip netns exec "$n" mapctl rule add dev mape0 bmr $RULE || return 1
	[ -z "${2:-}" ] || ip -n "$n" addr add "$2" dev mape0
	ip -n "$n" link set mape0 up
	ip -n "$n" route replace $CE1/128 dev mape0
}

# tnl_add NAME LOCAL REMOTE [ADDR4]: the ip6tnl baseline of a mape BR or
# CE: LOCAL its MAP or BR address, ADDR4 as for ce_add.
tnl_add()
{
	ip -n "$1" link add t6 type ip6tnl mode ipip6 local "$2" remote "$3" \
		encaplimit none tclass inherit hoplimit 64 || return 1
	ip -n "$1" addr add "$2/128" dev t6 nodad
	[ -z "${4:-}" ] || ip -n "$1" addr add "$4" dev t6
	ip -n "$1" link set t6 up
}

raw() { echo "$1" >> "$RAW"; echo "# raw $1"; }

# NS: mape0's non-zero drop counters, "name=value ..." (not tx_not_ipv4:
# the kernel's own IPv6 chatter on the device, not the traffic measured).
mape_errors()
{
	ip netns exec "$1" mapctl -j stats dev mape0 |
		jq -r '.[0] | to_entries | map(select((.value | type) == "number" and
			.value != 0 and (.key | test("encaps|decaps|bytes|ifindex|napt_|tx_not_ipv4") | not))) |
			map("\(.key)=\(.value)") | join(" ")'
}
