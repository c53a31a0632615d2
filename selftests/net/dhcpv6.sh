#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A CE provisioned by real DHCPv6: Kea (kea-dhcp6) sends a MAP-E domain's
# option 94 (RFC 7598) and a delegated /56, dhcpcd receives them and runs
# the real dhcpcd-run-hooks, which sources tools/dhcpcd/60-mape; the hook
# builds mape0 with `mapctl ce up`, napt on. A LAN host then reaches the
# server behind the BR with TCP, UDP and ping, from ports of every range of
# the CE's set. Then the domain's rules change on the server and a rebind
# reconfigures the CE; option 94 going away, rules matching no prefix and
# the release each take the device away again. Between those, the server
# switches to MAP-T (option 95, a rule and the DMR): the hook builds a
# mode t CE, which the same LAN traffic crosses through a mode t BR, and
# both options at once take it away with the reason logged.
#
#   [srv] -- [br] -- [core] -- ce1, ce2, ce3 (topo.sh, static)
#             mapt0: role br mode t, DMR 2001:db8:64::/64
#                      |  kea-dhcp6 on to-dce, 2001:db8:f0:14::1/64
#                      |
#                    [dce] dhcpcd on wan, 2001:db8:f0:14::2/64
#                      |  mape0 from the hook; to-lan 198.51.100.1/30
#                    [dlan] 198.51.100.2/30
#
# The delegated prefix is always 2001:db8:1ab:cd00::/56 (a one-prefix pool).
# Option 94 carries, besides two BRs (2001:db8:ffff::1 first):
#   phase 1: FMR 2001:db8:300::/40 -> 192.0.2.240/28 (listed first, F set,
#              matches no prefix here: an FMR only)
#            the domain's rule 2001:db8:100::/40 -> 192.0.2.0/24 ea-len 16
#              offset 6 (topo.sh's): BMR, 192.0.2.171 PSID 0xcd/8, 252 ports
#              in 63 ranges
#   phase 2: the same, and 2001:db8:1a0::/44 -> 192.0.2.224/28 ea-len 12
#              offset 4, the longer match: BMR, 192.0.2.235 PSID 0xcd/8,
#              240 ports in 15 ranges
#   MAP-T:   option 95: 2001:db8:1a0::/44 -> 198.51.100.224/28 ea-len 12
#              offset 4 (phase 2's shape), DMR 2001:db8:64::/64: a mode t
#              CE, 198.51.100.235 PSID 0xcd/8
# The BR holds both BMRs, mapt0 the MAP-T rule. dhcpcd's state, Kea's leases and every log are
# in a temporary directory; the hooks directory and /var/lib/dhcpcd are
# tmpfs mounts in dhcpcd's own mount namespace.

dir=$(dirname "$0")
source "$dir/../lib.sh"
source "$dir/topo.sh"
top=$(cd "$dir/../.." && pwd)

require kea-dhcp6 dhcpcd nsenter python3 jq
RUNNER=/usr/lib/dhcpcd/dhcpcd-run-hooks
[ -x $RUNNER ] || { echo "SKIP: no $RUNNER"; exit $ksft_skip; }

PD=2001:db8:1ab:cd00::/56
RULE1="rule-ipv6 2001:db8:100::/40 rule-ipv4 192.0.2.0/24 ea-len 16 psid-offset 6"
RULE2="rule-ipv6 2001:db8:1a0::/44 rule-ipv4 192.0.2.224/28 ea-len 12 psid-offset 4"
RULET="rule-ipv6 2001:db8:1a0::/44 rule-ipv4 198.51.100.224/28 ea-len 12 psid-offset 4"
DMRT=2001:db8:64::/64

tmp=$(mktemp -d)
# Kea's pid and lock files go there too (not /run/kea).
export KEA_PIDFILE_DIR=$tmp KEA_LOCKFILE_DIR=$tmp
kea_pid=
dhcpcd_pid=
srv_pid=
nat_loaded=
cleanup()
{
	local p
	for p in $dhcpcd_pid $kea_pid $srv_pid; do
		kill "$p" 2>/dev/null
	done
	for p in $dhcpcd_pid $kea_pid $srv_pid; do
		wait "$p" 2>/dev/null
	done
	topo_cleanup
	ip netns del dce 2>/dev/null
	ip netns del dlan 2>/dev/null
	[ -n "$nat_loaded" ] && rmmod mape_nat 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# s46_hex ITEM...: the payload of OPTION_S46_CONT_MAPE (94), as Kea takes
# it with "csv-format": false (Kea 2.2 sends only the first of several
# s46-rule or s46-br entries given as CSV). An ITEM is
#   br=IPV6                        S46_BR (90, RFC 7598 section 4.2)
#   dmr=IPV6/LEN                   S46_DMR (91, 4.3)
#   FLAGS,EA,IPV4/LEN,IPV6/LEN[,OFFSET,PSIDLEN,PSID]
#                                  S46_RULE (89, 4.1), with S46_PORTPARAMS
#                                  (93, 4.5) inside it when OFFSET is given;
#                                  PSID right-aligned here, left-aligned on
#                                  the wire
s46_hex()
{
	python3 - "$@" <<'EOF'
import ipaddress
import sys

def opt(code, data):
    return code.to_bytes(2, "big") + len(data).to_bytes(2, "big") + data

out = b""
for item in sys.argv[1:]:
    if item.startswith("br="):
        out += opt(90, ipaddress.IPv6Address(item[3:]).packed)
        continue
    if item.startswith("dmr="):
        d = ipaddress.IPv6Network(item[4:])
        out += opt(91, bytes([d.prefixlen]) +
                   d.network_address.packed[:(d.prefixlen + 7) // 8])
        continue
    f = item.split(",")
    v4 = ipaddress.IPv4Network(f[2])
    v6 = ipaddress.IPv6Network(f[3])
    rule = bytes([int(f[0]), int(f[1]), v4.prefixlen]) + v4.network_address.packed
    rule += bytes([v6.prefixlen]) + v6.network_address.packed[:(v6.prefixlen + 7) // 8]
    if len(f) > 4:
        k, psid = int(f[5]), int(f[6])
        left = psid << (16 - k) if k else 0
        rule += opt(93, bytes([int(f[4]), k]) + left.to_bytes(2, "big"))
    out += opt(89, rule)
print(out.hex())
EOF
}

BRS="br=2001:db8:ffff::1 br=2001:db8:ffff::2"
FMR="1,12,192.0.2.240/28,2001:db8:300::/40"
HEX1=$(s46_hex "$FMR" "0,16,192.0.2.0/24,2001:db8:100::/40,6,0,0" $BRS)
HEX2=$(s46_hex "$FMR" "0,16,192.0.2.0/24,2001:db8:100::/40,6,0,0" \
	"0,12,192.0.2.224/28,2001:db8:1a0::/44,4,0,0" $BRS)
HEX_NOMATCH=$(s46_hex "$FMR" $BRS)
# Option 95 (S46_CONT_MAPT): the rule and the DMR.
HEXT=$(s46_hex "0,12,198.51.100.224/28,2001:db8:1a0::/44,4,0,0" dmr=$DMRT)
# The encoder against RFC 7598's layouts, by hand: S46_RULE 89 of 13 bytes
# (flags 01, ea-len 12, prefix4-len 28, 192.0.2.240, prefix6-len 40,
# 5 bytes of prefix), S46_BR 90 of 16.
check_eq "s46_hex: option layouts of RFC 7598" "$HEX_NOMATCH" \
	0059000d010c1cc00002f02820010db803005a001020010db8ffff00000000000000000001005a001020010db8ffff00000000000000000002
# S46_DMR 91 of 9 bytes: prefix6-len 64, the 8 bytes of the /64.
check_eq "s46_hex: S46_DMR's layout" "$(s46_hex dmr=$DMRT)" 005b00094020010db800640000

# kea_conf [HEX [HEXT]]: Kea's configuration, option 94 with HEX (none
# when empty), option 95 with HEXT (none without).
kea_conf()
{
	local opt=

	[ -n "$1" ] && opt="{ \"name\": \"s46-cont-mape\", \"csv-format\": false, \"data\": \"$1\" }"
	[ -n "$2" ] && opt="$opt${opt:+, }{ \"name\": \"s46-cont-mapt\", \"csv-format\": false, \"data\": \"$2\" }"
	cat >"$tmp/kea.conf.new" <<EOF
{ "Dhcp6": {
  "interfaces-config": { "interfaces": [ "to-dce" ] },
  "lease-database": { "type": "memfile", "persist": true,
    "name": "$tmp/kea-leases6.csv", "lfc-interval": 0 },
  "server-id": { "type": "LL", "htype": 1, "identifier": "02aabbccddee",
    "persist": false },
  "preferred-lifetime": 3000, "valid-lifetime": 4000,
  "renew-timer": 1000, "rebind-timer": 2000,
  "subnet6": [ { "subnet": "2001:db8:f0:14::/64", "interface": "to-dce",
    "pd-pools": [ { "prefix": "2001:db8:1ab:cd00::", "prefix-len": 56,
                    "delegated-len": 56 } ],
    "option-data": [ $opt ] } ]
} }
EOF
	mv "$tmp/kea.conf.new" "$tmp/kea.conf"
}

# wait_until SECONDS CMD...: until CMD succeeds; false if it never did.
wait_until()
{
	local end=$((SECONDS + $(tscale "$1")))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

# In dce: what the hook made. ce_field KEY: of mapctl show's CE.
ce_field() { ip netns exec dce mapctl -j show dev mape0 | jq -r ".[0].ce.$1"; }
has_addr()
{
	local j

	j=$(ip -n dce -j addr show dev mape0 2>/dev/null) &&
		jq -e --arg a "$1" 'any(.[0].addr_info[]; .local == $a)' <<<"$j" >/dev/null
}
no_mape0() { ! ip -n dce link show dev mape0; }
ifindex() { ip -n dce -j link show dev mape0 | jq -r '.[0].ifindex'; }
# hook_ran REASON N: the tracing hook after 60-mape saw REASON N times.
hook_ran() { [ "$(grep -cx "$1" "$tmp/reasons" 2>/dev/null)" -ge "$2" ]; }
nruns() { grep -cx "$1" "$tmp/reasons" 2>/dev/null; }

# dhcpcd_ctl ARG...: dhcpcd's control commands (-n rebind, -N renew, -k
# release) reach the daemon through its socket in its mount namespace.
# The same -6 and -f as the daemon's, or they would look for another
# socket (and start a second dhcpcd).
dhcpcd_ctl()
{
	nsenter -t "$dhcpcd_pid" -m -n dhcpcd -6 -f "$tmp/dhcpcd.conf" "$@" wan
}

# lease_has HEX: dhcpcd -U shows option 94 as HEX.
lease_has() { dhcpcd_ctl -U 2>&1 | grep -q "mape_raw=.\?$1"; }

# kea_reload HEX [HEXT]: new options 94 and 95 on the server (SIGHUP: Kea
# rereads its file), then a rebind, whose REPLY brings them.
kea_reload()
{
	local n

	n=$(grep -c DHCP6_DYNAMIC_RECONFIGURATION_SUCCESS "$tmp/kea.log")
	kea_conf "$1" "$2"
	kill -HUP "$kea_pid"
	wait_until 20 sh -c "[ \$(grep -c DHCP6_DYNAMIC_RECONFIGURATION_SUCCESS '$tmp/kea.log') -gt $n ]" ||
		return 1
	dhcpcd_ctl -n
}

# check_ce WHAT RULE IPV4 PSID_HEX: mapctl show of the hook's mape0 against
# mapctl calc of RULE and the delegated prefix, and the addresses and
# route the hook added.
check_ce()
{
	local what=$1 rule=$2 calc got want

	calc=$(mapctl -j calc $rule end-user-prefix $PD)
	want=$(jq -r '"\(.ipv4) \(.psid) \(.psid_len) \(.psid_offset) \(.port_count) \(.ce_ipv6)"' <<<"$calc")
	got=$(ip netns exec dce mapctl -j show dev mape0 |
		jq -r '.[0].ce | "\(.ipv4) \(.psid) \(.psid_len) \(.psid_offset) \(.port_count) \(.ce_ipv6)"')
	check_eq "$what: mape0 is mapctl calc's CE" "$got" "$want"
	check_eq "$what: $3 PSID $4" "$(jq -r '"\(.ipv4) \(.psid)"' <<<"$calc")" "$3 $(($4))"
	check "$what: ce_ipv6/128 on mape0" has_addr "$(jq -r .ce_ipv6 <<<"$calc")"
	check "$what: $3/32 on mape0" has_addr "$3"
	check_eq "$what: default route via mape0 from $3" \
		"$(ip -n dce -j route show default | jq -r '.[] | "\(.dev) \(.prefsrc)"')" "mape0 $3"
	check_eq "$what: BR is the first of the two" \
		"$(ip netns exec dce mapctl -j show dev mape0 | jq -r '.[0].br_addr')" 2001:db8:ffff::1
	check_eq "$what: BMR $rule" \
		"$(ip netns exec dce mapctl -j show dev mape0 |
			jq -r '.[0].bmr | "rule-ipv6 \(.rule_ipv6) rule-ipv4 \(.rule_ipv4) ea-len \(.ea_len) psid-offset \(.psid_offset)"')" \
		"$rule"
}

# traffic WHAT IPV4 PSID_LEN OFFSET UDPPORT TCPPORT NPORTS NRANGES: from
# dlan, NPORTS UDP flows at once (so the NAPT must use every port of the
# set, every range with it), 20 TCP connections and a ping; the server
# sees them all from IPV4, in the set, in every range.
traffic()
{
	local what=$1 out

	out=$(ip netns exec dlan python3 "$dir/napt_flows.py" udp $SRV "$5" "$7" 0 20)
	check_eq "$what: $7 UDP flows at once (the whole set) echoed" "$out" "$7/$7 echoed"
	out=$(ip netns exec dlan python3 "$dir/napt_flows.py" tcp $SRV "$6" 20 0)
	check_eq "$what: 20 TCP connections" "$out" "20/20 connected"
	check "$what: ping the server" ip netns exec dlan ping -c 2 -i 0.3 -W 3 $SRV
	out=$(python3 "$dir/napt_flows.py" check "$tmp/log" "$2" "$3" "$4" "$5")
	check_eq "$what: server: UDP ports of the set, every range" \
		"$(tr '\n' ' ' <<<"$out")" \
		"flows $7 distinct $7 nobody 0 psid 0xcd flows $7 ranges $8/$8 "
	out=$(python3 "$dir/napt_flows.py" check "$tmp/log" "$2" "$3" "$4" "$6")
	check_eq "$what: server: TCP from ports of the set" \
		"$(sed -n 1p <<<"$out") $(sed -n 2p <<<"$out" | cut -d' ' -f1-4)" \
		"flows 20 distinct 20 nobody 0 psid 0xcd flows 20"
}

# 1. The domain (topo.sh), the BR with the phase 2 BMR too, the DHCP CE's
# uplink (core routes the delegated prefix to it) and its LAN host.
check "domain built" topo_setup || exit 1
check "br: the phase 2 rule" ip netns exec br mapctl rule add dev mape0 bmr $RULE2
# mapt_br: beside it the MAP-T BR, receiving the DMR by route (with IPv6
# forwarding), and srv's route to its IPv4 side.
mapt_br()
{
	ip netns exec br sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n br link add mapt0 type mape role br mode t dmr $DMRT || return 1
	ip netns exec br mapctl rule add dev mapt0 bmr $RULET || return 1
	ip -n br link set mapt0 up
	ip -n br route add $DMRT dev mapt0
	ip -n br route add 198.51.100.224/28 dev mapt0
	ip -n core route add $DMRT via 2001:db8:f0:1::2
	ip -n srv route add 198.51.100.224/28 via 203.0.113.1
}
check "br: the MAP-T BR mapt0" mapt_br
ip netns add dce || exit 1
ip -n dce link set lo up
# dhcpcd and Kea talk from link-local addresses: no DAD wait.
for ns in dce core; do
	ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
done
check "dce: uplink to core, $PD routed to it" topo_ce_wan dce 14 $PD
topo_lan dce dlan || exit 1
if [ ! -d /sys/module/mape_nat ]; then
	modprobe nf_nat && insmod "$top/kernel/mape_nat.ko" && nat_loaded=1
fi
check "mape_nat loaded" test -d /sys/module/mape_nat

# 2. Kea in core, on to-dce.
kea_conf "$HEX1"
check "kea: configuration accepted (kea-dhcp6 -t)" \
	ip netns exec core kea-dhcp6 -t "$tmp/kea.conf"
ip netns exec core kea-dhcp6 -c "$tmp/kea.conf" >"$tmp/kea.log" 2>&1 &
kea_pid=$!
check "kea: started" wait_until 30 grep -q DHCP6_STARTED "$tmp/kea.log"

# 3. dhcpcd in dce, with Debian's hook runner, whose hooks directory is
# this tree's hook and a tracer after it.
cat >"$tmp/mape-dhcpcd" <<EOF
MAPE_INTERFACES="wan"
MAPE_LINK_OPTIONS="hoplimit 32"
EOF
cat >"$tmp/dhcpcd.conf" <<EOF
# As tools/dhcpcd/dhcpcd.conf.example, with Debian's "persistent", and: no
# IPv4, no RA in this lab.
persistent
ipv6only
noipv6rs
define6 94 binhex mape_raw
define6 95 binhex mapt_raw
env mape_config=$tmp/mape-dhcpcd
interface wan
	ia_pd 1
	option dhcp6_mape_raw
	option dhcp6_mapt_raw
EOF
mkdir "$tmp/hooks"
cp "$top/tools/dhcpcd/60-mape" "$tmp/hooks/"
cat >"$tmp/hooks/99-trace" <<EOF
echo "\$reason" >>"$tmp/reasons"
EOF
# start_dhcpcd: in the foreground (-B) of its own mount namespace, where
# /var/lib/dhcpcd (lease, DUID) and /run/dhcpcd (pid file, control socket,
# the hooks' state) are tmpfs mounts and the hooks directory is ours.
start_dhcpcd()
{
	ip netns exec dce unshare -m sh -c "
		mount -t tmpfs tmpfs /var/lib/dhcpcd &&
		mkdir -p /run/dhcpcd && mount -t tmpfs tmpfs /run/dhcpcd &&
		mount --bind '$tmp/hooks' /usr/lib/dhcpcd/dhcpcd-hooks &&
		exec dhcpcd -6 -B -d -f '$tmp/dhcpcd.conf' wan" >>"$tmp/dhcpcd.log" 2>&1 &
	dhcpcd_pid=$!
}
start_dhcpcd
ip netns exec srv python3 "$dir/napt_flows.py" server "$tmp/log" 7000,7001 7100,7101 &
srv_pid=$!

# 4. Bound: the CE of phase 1.
check "dhcpcd: BOUND6, the hook built mape0" wait_until 60 has_addr 192.0.2.171
if ! has_addr 192.0.2.171 >/dev/null 2>&1; then
	sed 's/^/    /' "$tmp/dhcpcd.log" | tail -n 30
	exit 1
fi
check_eq "dhcpcd: the delegated prefix" \
	"$(sed -n 's/.*delegated prefix //p' "$tmp/dhcpcd.log" | head -n 1)" $PD
check_ce "phase 1" "$RULE1" 192.0.2.171 0xcd
check_eq "phase 1: the FMR (flag F) beside the BMR, the non-matching rule no BMR" \
	"$(ip netns exec dce mapctl -j rule show dev mape0 |
		jq -r '[.[] | "\(.type | join("+")) \(.rule_ipv6)"] | sort | join(", ")')" \
	"bmr 2001:db8:100::/40, fmr 2001:db8:300::/40"
check_eq "phase 1: napt on, MAPE_LINK_OPTIONS applied" \
	"$(ip -n dce -d -j link show dev mape0 | jq -r '.[0].linkinfo.info_data | "\(.napt) \(.hoplimit)"')" \
	"on 32"
check "dhcpcd -U (README's troubleshooting): option 94 as hex" lease_has "$HEX1"
traffic "phase 1" 192.0.2.171 8 6 7000 7100 252 63

# 5. A renewal with the same rules and prefix changes nothing: same device,
# the NAPT's mappings kept (the TCP connections above, in TIME_WAIT for
# two minutes).
ct_tcp() { ip netns exec dce conntrack -L -p tcp -q "$1" 2>/dev/null | grep -c .; }
idx=$(ifindex)
nct=$(ct_tcp 192.0.2.171)
n=$(nruns RENEW6)
dhcpcd_ctl -N >/dev/null 2>&1
check "renew: dhcpcd ran the hooks (RENEW6)" wait_until 30 hook_ran RENEW6 $((n + 1))
check_eq "renew: mape0 untouched (same ifindex)" "$(ifindex)" "$idx"
check "renew: the $nct NAPT mappings kept" \
	test "$(ct_tcp 192.0.2.171)" -eq "$nct" -a "$nct" -eq 20

# 6. The rules change on the server: at the rebind the hook rebuilds the
# CE from the longer BMR, and the old address's mappings go.
check "kea: phase 2 rules loaded, dhcpcd rebinding" kea_reload "$HEX2"
check "rebind: mape0 rebuilt with 192.0.2.235" wait_until 30 has_addr 192.0.2.235
check_ce "phase 2" "$RULE2" 192.0.2.235 0xcd
check "phase 2: a new device" test "$(ifindex)" != "$idx"
check "phase 2: no address of phase 1 left" eval '! has_addr 192.0.2.171'
check_eq "phase 2: no NAPT mapping to 192.0.2.171 left" \
	"$(ip netns exec dce conntrack -L -q 192.0.2.171 2>/dev/null | grep -c .)" 0
traffic "phase 2" 192.0.2.235 8 4 7001 7101 240 15

# 7. Option 94 gone from the lease: the device goes.
n=$(nruns REBIND6)
check "kea: no option 94, dhcpcd rebinding" kea_reload ""
check "no option 94: mape0 removed" wait_until 30 no_mape0
check "no option 94: the lease itself stays (REBIND6)" \
	wait_until 10 hook_ran REBIND6 $((n + 1))

# 8. Rules that match no delegated prefix: no device, and the hook says
# why with mapctl's own words in dhcpcd's log.
n=$(nruns REBIND6)
check "kea: rules for another prefix, dhcpcd rebinding" kea_reload "$HEX_NOMATCH"
check "no matching rule: the hook ran" wait_until 30 hook_ran REBIND6 $((n + 1))
check "no matching rule: no mape0" no_mape0
check "no matching rule: logged, with mapctl's message" \
	grep -q "mape: no MAP-E rule matches the delegated prefix .*no rule matches end-user-prefix $PD" "$tmp/dhcpcd.log"

# 9. MAP-T: option 95 in place of 94. The hook builds a mode t CE that
# receives by route, and the LAN's traffic crosses it and mapt0.
n=$(nruns REBIND6)
check "kea: option 95 (MAP-T), dhcpcd rebinding" kea_reload "" "$HEXT"
check "MAP-T: mape0 built with 198.51.100.235" wait_until 30 has_addr 198.51.100.235
show=$(ip netns exec dce mapctl -j show dev mape0)
calc=$(mapctl -j calc $RULET end-user-prefix $PD)
check_eq "MAP-T: mode t, the DMR, no BR" \
	"$(jq -r '.[0] | "\(.mode) \(.dmr) \(.br_addr)"' <<<"$show")" "t $DMRT null"
check_eq "MAP-T: mape0 is mapctl calc's CE" \
	"$(jq -r '.[0].ce | "\(.ipv4) \(.psid) \(.psid_len) \(.psid_offset) \(.ce_ipv6)"' <<<"$show")" \
	"$(jq -r '"\(.ipv4) \(.psid) \(.psid_len) \(.psid_offset) \(.ce_ipv6)"' <<<"$calc")"
check_eq "MAP-T: the route mapctl show asks for, no IPv6 address" \
	"$(ip -n dce -6 route show dev mape0 | grep -c "^$(jq -r .ce_ipv6 <<<"$calc") ") $(ip -n dce -6 addr show dev mape0 scope global | grep -c inet6)" \
	"1 0"
check_eq "MAP-T: IPv6 forwarding enabled, said so" \
	"$(ip netns exec dce sysctl -n net.ipv6.conf.all.forwarding) $(grep -c 'IPv6 forwarding enabled' "$tmp/dhcpcd.log")" "1 1"
check_eq "MAP-T: default route via mape0" \
	"$(ip -n dce -j route show default | jq -r '.[] | "\(.dev) \(.prefsrc)"')" "mape0 198.51.100.235"
check "dhcpcd -U: option 95 as hex" eval 'dhcpcd_ctl -U 2>&1 | grep -q "mapt_raw=.\?$HEXT"'
stats_snapshot br
traffic "MAP-T" 198.51.100.235 8 4 7001 7101 240 15
check "MAP-T: translated by mapt0, not encapsulated by mape0" \
	test "$(ip -n br -s -j link show mapt0 | jq '.[0].stats64.rx.packets')" -gt 240 -a \
	"$(delta br decaps)" -eq 0
wait_until 30 hook_ran REBIND6 $((n + 1))

# Options 94 and 95 at once: which one RFC 7598 leaves open; the hook
# takes neither and says why.
n=$(nruns REBIND6)
check "kea: options 94 and 95 both, dhcpcd rebinding" kea_reload "$HEX2" "$HEXT"
check "both options: mape0 removed" wait_until 30 no_mape0
# The hook removes the device first, then logs.
check "both options: logged" wait_until 10 \
	grep -q "mape: the lease carries both option 94 (MAP-E) and option 95 (MAP-T)" "$tmp/dhcpcd.log"
wait_until 30 hook_ran REBIND6 $((n + 1))

# 10. Back, then the release: the device goes with the lease.
n=$(nruns REBIND6)
check "kea: phase 2 rules again, dhcpcd rebinding" kea_reload "$HEX2"
check "rebind: mape0 back" wait_until 30 has_addr 192.0.2.235
# Released once the hooks are done with the rebind (a release in the
# middle of one is dhcpcd's STOPPED alone).
wait_until 30 hook_ran REBIND6 $((n + 1))
dhcpcd_ctl -k >/dev/null 2>&1
check "release: dhcpcd ran the hooks (RELEASE6)" wait_until 30 hook_ran RELEASE6 1
check "release: mape0 removed" wait_until 10 no_mape0
check "release: the default route went with it" \
	test -z "$(ip -n dce -4 route show default)"
wait "$dhcpcd_pid"

# 11. dhcpcd once more: a new lease (BOUND6) brings the CE back; dhcpcd
# stopping (SIGTERM) takes it away. With "persistent" dhcpcd keeps the
# lease's addresses and runs no STOP6, only STOPPED.
start_dhcpcd
check "restart: BOUND6, mape0 back" wait_until 60 has_addr 192.0.2.235
check "restart: bound through BOUND6" wait_until 10 hook_ran BOUND6 2
kill "$dhcpcd_pid"
check "stop: dhcpcd ran the hooks (STOPPED)" wait_until 30 hook_ran STOPPED 2
check "stop: mape0 removed" wait_until 10 no_mape0
wait "$dhcpcd_pid"

if [ "$nfail" -ne 0 ]; then
	echo "# dhcpcd's log (tail):"
	tail -n 40 "$tmp/dhcpcd.log" | sed 's/^/    /'
fi
ksft_exit
