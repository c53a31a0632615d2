#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the dhcpcd hook 60-mape: no kernel, no dhcpcd. The
# hook is sourced by dash from a small runner shaped like
# dhcpcd-run-hooks (its syslog(), $state_dir, the environment dhcpcd
# sets), with stand-ins for mapctl, ip, conntrack and modprobe on PATH
# that record each call and fail on demand. Checked: the commands the
# hook runs for each lease event, that every failure deletes the device
# again and says why, that a renewal with the same rules touches nothing,
# and that the hook never ends the runner's shell nor leaves names in it.
# (selftests/net/dhcpv6.sh runs the hook for real, with Kea and dhcpcd.)
#
# Exit 0 all passed, 1 some failed, 4 skipped (no dash).

set -u

dir=$(cd "$(dirname "$0")" && pwd)
source "$dir/../../selftests/lib.sh"
command -v dash >/dev/null || { echo "SKIP: no dash"; exit "$ksft_skip"; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/bin" "$T/state"

HEX=00590015011018c00002002820010db8ff005d000406083400005a001020010db8ffff00000000000000000001
HEX2=00590015011018c00002002820010db8fe005d000406083400005a001020010db8ffff00000000000000000001

HEXT=00590015011018c00002002820010db8ff005d000406083400005b00094020010db8ffff0000

# mapctl: "ce up" prints $T/plan (default: the CE of HEX, or of HEXT in
# mode t for s46-mapt), or fails with the status in $T/mapctl.rc; "ce
# down" succeeds.
cat >"$T/bin/mapctl" <<EOF
#!/bin/sh
echo "mapctl \$*" >>"$T/calls"
if [ "\$1 \$2 \$4" = "ce up s46-mapt" ] && [ ! -f "$T/plan" ] && [ ! -f "$T/mapctl.rc" ]; then
	cat <<PLAN
device=\$3
mode=t
dmr=2001:db8:ffff::/64
end_user_prefix=2001:db8:ff12:3400::/56
ifid=rfc
ipv4=192.0.2.18
ipv4_len=32
ce_ipv6=2001:db8:ff12:3400:0:c000:212:34
ipv6_route=2001:db8:ff12:3400:0:c000:212:34/128
psid=52
psid_len=8
port_count=252
PLAN
elif [ "\$1 \$2" = "ce up" ]; then
	if [ -f "$T/mapctl.rc" ]; then
		echo "mapctl: no rule matches end-user-prefix \$7" >&2
		exit \$(cat "$T/mapctl.rc")
	fi
	if [ -f "$T/plan" ]; then cat "$T/plan"; else cat <<PLAN
device=\$3
br_addr=2001:db8:ffff::1
end_user_prefix=2001:db8:ff12:3400::/56
ifid=rfc
bmr='rule-ipv6 2001:db8:ff00::/40 rule-ipv4 192.0.2.0/24 ea-len 16 psid-offset 6'
fmr_count=1
ipv4=192.0.2.18
ipv4_len=32
ce_ipv6=2001:db8:ff12:3400:0:c000:212:34
psid=52
psid_len=8
psid_offset=6
port_count=252
ports='1232-1235 2256-2259'
PLAN
	fi
fi
exit 0
EOF
# ip: fails (status 2, with a message) when its arguments contain the
# words in $T/ip.fail; "link show" succeeds unless $T/nolink exists.
cat >"$T/bin/ip" <<EOF
#!/bin/sh
echo "ip \$*" >>"$T/calls"
case "\$*" in *"link show"*) [ ! -f "$T/nolink" ]; exit ;; esac
if [ -f "$T/ip.fail" ] && case "\$*" in *"\$(cat "$T/ip.fail")"*) true ;; *) false ;; esac; then
	echo "RTNETLINK answers: File exists" >&2
	exit 2
fi
EOF
printf '#!/bin/sh\necho "conntrack $*" >>"%s/calls"\n' "$T" >"$T/bin/conntrack"
# sysctl: IPv6 forwarding is $T/fwd (0 without); -w of it records and
# sets it, or fails when $T/fwd.fail exists.
cat >"$T/bin/sysctl" <<EOF
#!/bin/sh
echo "sysctl \$*" >>"$T/calls"
case "\$*" in
"-n net.ipv6.conf.all.forwarding") cat "$T/fwd" 2>/dev/null || echo 0 ;;
"-qw net.ipv6.conf.all.forwarding=1")
	[ ! -f "$T/fwd.fail" ] || { echo "sysctl: permission denied" >&2; exit 1; }
	echo 1 >"$T/fwd" ;;
*) exit 1 ;;
esac
EOF
# modprobe: recorded apart (whether it runs depends on the host's modules).
printf '#!/bin/sh\necho "modprobe $*" >>"%s/modprobe"\n' "$T" >"$T/bin/modprobe"
chmod +x "$T"/bin/*

cat >"$T/conf" <<'EOF'
MAPE_LINK_OPTIONS="hoplimit 32"
EOF

# run REASON [VAR=VALUE...]: the hook for one event of interface wan, in
# dash, as dhcpcd-run-hooks sources it; the runner's own output follows.
# $said: everything printed; the calls are in $T/calls.
run()
{
	local reason=$1
	shift
	: >"$T/calls"
	said=$(env -i PATH="$T/bin:/usr/bin:/bin" interface=wan reason="$reason" \
		protocol=dhcp6 mape_config="$T/conf" "$@" dash -c '
		state_dir='"$T"'/state
		syslog() { lvl=$1; shift; echo "$lvl: $interface: $*"; }
		. '"$dir"'/60-mape
		echo "runner: went on"
		for v in device ipv4 ce_ipv6 psid ports bmr mode dmr ipv6_route; do
			eval "[ -z \"\${$v+x}\" ]" || echo "runner: $v leaked"
		done' 2>&1)
}
calls() { cat "$T/calls"; }
LEASE=("new_dhcp6_mape_raw=$HEX" new_dhcp6_ia_pd1_iaid=00000001
       new_dhcp6_ia_pd1_prefix1=2001:db8:ff12:3400:: new_dhcp6_ia_pd1_prefix1_length=56)

# 1. A lease: mapctl builds, the hook adds the addresses and the route.
run BOUND6 "${LEASE[@]}"
check_eq "BOUND6: the commands" "$(calls)" "mapctl ce up mape0 s46 $HEX end-user-prefix 2001:db8:ff12:3400::/56 napt on hoplimit 32
ip -6 addr add 2001:db8:ff12:3400:0:c000:212:34/128 dev mape0 nodad
ip -4 addr add 192.0.2.18/32 dev mape0
ip -4 route replace default dev mape0 src 192.0.2.18"
check_eq "BOUND6: logged, the runner went on, no name leaked" "$said" \
	"info: wan: mape: mape0 up: 192.0.2.18 PSID 52/8 (252 ports), BR 2001:db8:ffff::1
runner: went on"
check "BOUND6: state kept" test -s "$T/state/mape/wan" -a -s "$T/state/mape/wan.sig"
if [ ! -d /sys/module/mape_nat ]; then
	check_eq "BOUND6, napt on: mape_nat loaded" "$(cat "$T/modprobe")" "modprobe -q mape_nat"
fi

# 2. Renewals: the same lease touches nothing; a missing device, a new
# prefix (a second one too), new rules or new settings rebuild.
run RENEW6 "${LEASE[@]}"
check_eq "RENEW6, same lease: only a look at the device" "$(calls)" "ip link show dev mape0"
touch "$T/nolink"
run REBIND6 "${LEASE[@]}"
check "REBIND6, device gone meanwhile: rebuilt" grep -q "^mapctl ce up" "$T/calls"
rm "$T/nolink"
run REBIND6 "${LEASE[@]}" new_dhcp6_ia_pd2_iaid=00000002 \
	new_dhcp6_ia_pd2_prefix1=2001:db8:ff99:100:: new_dhcp6_ia_pd2_prefix1_length=56 \
	new_dhcp6_ia_pd1_prefix2=2001:db8:ff77:: new_dhcp6_ia_pd1_prefix2_length=48
check_eq "REBIND6, more prefixes: all given, in dhcpcd's order" "$(head -n 1 "$T/calls")" \
	"mapctl ce up mape0 s46 $HEX end-user-prefix 2001:db8:ff12:3400::/56 end-user-prefix 2001:db8:ff77::/48 end-user-prefix 2001:db8:ff99:100::/56 napt on hoplimit 32"
echo 'MAPE_NAPT=off' >>"$T/conf"
run RENEW6 "${LEASE[@]}"
check "RENEW6, settings changed: rebuilt with them" grep -q "^mapctl ce up .* napt off hoplimit 32$" "$T/calls"
sed -i /MAPE_NAPT/d "$T/conf"
cat >"$T/plan" <<'EOF'
device=mape0
br_addr=2001:db8:ffff::1
ipv4=192.0.2.99
ipv4_len=32
ce_ipv6=2001:db8:fe12:3400:0:c000:263:34
psid=52
psid_len=8
port_count=252
EOF
run REBIND6 "${LEASE[@]/$HEX/$HEX2}"
check_eq "REBIND6, new rules, new address: rebuilt, old mappings flushed" \
	"$(grep -c '^mapctl ce up' "$T/calls") $(grep '^conntrack' "$T/calls")" \
	"1 conntrack -D -q 192.0.2.18"

# 3. Failures: the device is deleted again, the reason logged.
echo "route replace" >"$T/ip.fail"
run REBIND6 "${LEASE[@]}"
check_eq "route fails: device deleted, no state" \
	"$(grep ^mapctl "$T/calls" | tail -n 1) $(ls "$T/state/mape")" "mapctl ce down mape0 "
check "route fails: ip's message logged" \
	grep -q "^err: wan: mape: mape0: default route: RTNETLINK answers: File exists" <<<"$said"
echo "addr add 192" >"$T/ip.fail"
run BOUND6 "${LEASE[@]}"
check_eq "IPv4 address fails: device deleted" "$(grep ^mapctl "$T/calls" | tail -n 1)" "mapctl ce down mape0"
rm "$T/ip.fail" "$T/plan"
echo 3 >"$T/mapctl.rc"
run BOUND6 "${LEASE[@]}"
check_eq "no rule matches: mapctl's message logged" "$said" \
	"err: wan: mape: no MAP-E rule matches the delegated prefix (end-user-prefix 2001:db8:ff12:3400::/56): mapctl: no rule matches end-user-prefix 2001:db8:ff12:3400::/56
runner: went on"
check "no rule matches: no address added" eval '! grep -q "^ip" "$T/calls"'
echo 2 >"$T/mapctl.rc"
run BOUND6 "${LEASE[@]}"
check "invalid rules: said so" grep -q "MAP-E rules are invalid" <<<"$said"
rm "$T/mapctl.rc"
run BOUND6 new_dhcp6_mape_raw=$HEX
check "no delegated prefix: ia_pd named, nothing built" \
	eval 'grep -q "add ia_pd" <<<"$said" && ! grep -q "ce up" "$T/calls"'
run BOUND6 "${LEASE[@]/$HEX/0059zz}"
check "option 94 not hex: define6 named" grep -q 'define6 94 binhex' <<<"$said"

# 4. The lease ends, or option 94 goes: down, once.
run BOUND6 "${LEASE[@]}"
run REBIND6 new_dhcp6_ia_pd1_iaid=00000001 new_dhcp6_ia_pd1_prefix1=2001:db8:ff12:3400:: \
	new_dhcp6_ia_pd1_prefix1_length=56
check_eq "REBIND6 without option 94: device deleted" "$(calls)" \
	"mapctl ce down mape0
conntrack -D -q 192.0.2.18"
for r in RELEASE6 EXPIRE6 STOP6 NOCARRIER DEPARTED STOPPED PREINIT; do
	run BOUND6 "${LEASE[@]}"
	run $r
	check_eq "$r: device deleted" "$(head -n 1 "$T/calls")" "mapctl ce down mape0"
	run $r
	check_eq "$r again: nothing to do" "$(calls)" ""
done
run TIMEOUT6 "${LEASE[@]}"
check_eq "TIMEOUT6, CARRIER, ROUTERADVERT...: ignored" "$(calls)" ""

# 5. Settings.
echo 'MAPE_INTERFACES="eth1 eth2"' >>"$T/conf"
run BOUND6 "${LEASE[@]}"
check_eq "MAPE_INTERFACES without wan: nothing done" "$(calls)" ""
sed -i 's/eth2/wan/' "$T/conf"
run BOUND6 "${LEASE[@]}"
check "MAPE_INTERFACES with wan: built" grep -q "^mapctl ce up" "$T/calls"
printf 'MAPE_DEVICE=mape1\nMAPE_LEGACYMAP=yes\nMAPE_ROUTE_METRIC=50\nMAPE_LINK_OPTIONS="mtu *"\n' >>"$T/conf"
run RENEW6 "${LEASE[@]}"
check_eq "device renamed: the old one deleted, words passed as written" "$(calls)" \
	"mapctl ce down mape0
mapctl ce up mape1 s46 $HEX end-user-prefix 2001:db8:ff12:3400::/56 legacymap napt on mtu *
ip -6 addr add 2001:db8:ff12:3400:0:c000:212:34/128 dev mape1 nodad
ip -4 addr add 192.0.2.18/32 dev mape1
ip -4 route replace default dev mape1 src 192.0.2.18 metric 50"
printf 'MAPE_DEFAULT_ROUTE=no\n' >>"$T/conf"
run BOUND6 "${LEASE[@]/$HEX/$HEX2}"
check "MAPE_DEFAULT_ROUTE=no: no route" eval '! grep -q route "$T/calls"'
run STOPPED
echo 'MAPE_NAPT=maybe' >"$T/conf"
run BOUND6 "${LEASE[@]}"
check_eq "a bad setting: refused, nothing done" "$said $(calls)" \
	"err: wan: mape: MAPE_NAPT must be on or off, not 'maybe'
runner: went on "
echo 'MAPE_DEVICE="mape0' >"$T/conf"
run BOUND6 "${LEASE[@]}"
check_eq "a file that is not sh: refused, the runner goes on" "$said $(calls)" \
	"err: wan: mape: $T/conf: not valid sh, ignored
runner: went on "

# 6. MAP-T: option 95 (define6 95 binhex mapt_raw), a mode t device that
# receives by route, with IPv6 forwarding on.
: >"$T/conf"
rm -f "$T/fwd"
run STOPPED
LEASET=("new_dhcp6_mapt_raw=$HEXT" "${LEASE[@]:1}")
run BOUND6 "${LEASET[@]}"
check_eq "MAP-T BOUND6: the commands" "$(calls)" "mapctl ce up mape0 s46-mapt $HEXT end-user-prefix 2001:db8:ff12:3400::/56 napt on
sysctl -n net.ipv6.conf.all.forwarding
sysctl -qw net.ipv6.conf.all.forwarding=1
ip -6 route replace 2001:db8:ff12:3400:0:c000:212:34/128 dev mape0
ip -4 addr add 192.0.2.18/32 dev mape0
ip -4 route replace default dev mape0 src 192.0.2.18"
check_eq "MAP-T BOUND6: logged, the DMR named, no name leaked" "$said" \
	"info: wan: mape: IPv6 forwarding enabled (net.ipv6.conf.all.forwarding=1): a MAP-T device receives by route
info: wan: mape: mape0 up: 192.0.2.18 PSID 52/8 (252 ports), DMR 2001:db8:ffff::/64
runner: went on"
run RENEW6 "${LEASET[@]}"
check_eq "MAP-T RENEW6, same lease: only a look at the device" "$(calls)" "ip link show dev mape0"
touch "$T/nolink"
run REBIND6 "${LEASET[@]}"
rm "$T/nolink"
check_eq "MAP-T rebuilt, forwarding already on: only read" \
	"$(grep -c '^mapctl ce up' "$T/calls") $(grep ^sysctl "$T/calls")" "1 sysctl -n net.ipv6.conf.all.forwarding"
run REBIND6 "${LEASE[@]}"
check "option 95 replaced by 94: rebuilt as MAP-E" grep -q "^mapctl ce up mape0 s46 $HEX" "$T/calls"
run REBIND6 "${LEASET[@]}" "new_dhcp6_mape_raw=$HEX"
check_eq "options 94 and 95 both: the device goes, why logged" "$(head -n 1 "$T/calls") $said" \
	"mapctl ce down mape0 info: wan: mape: mape0 removed (options 94 and 95 in the lease)
err: wan: mape: the lease carries both option 94 (MAP-E) and option 95 (MAP-T): request only the one to use (dhcpcd.conf: option dhcp6_mape_raw or option dhcp6_mapt_raw)
runner: went on"
run BOUND6 "${LEASET[@]}" "new_dhcp6_mape_raw=$HEX"
check_eq "options 94 and 95 both, nothing built: nothing done" "$(calls)" ""
rm -f "$T/fwd"
touch "$T/fwd.fail"
run BOUND6 "${LEASET[@]}"
check "MAP-T, forwarding cannot be enabled: device deleted, said why" \
	eval 'grep -q "^mapctl ce down mape0" "$T/calls" && grep -q "IPv6 forwarding, which MAP-T needs: sysctl: permission denied" <<<"$said"'
rm "$T/fwd.fail"
echo "route replace 2001" >"$T/ip.fail"
run BOUND6 "${LEASET[@]}"
check_eq "MAP-T, the route fails: device deleted" "$(grep ^mapctl "$T/calls" | tail -n 1)" "mapctl ce down mape0"
check "MAP-T, the route fails: ip's message logged" \
	grep -q "^err: wan: mape: mape0: route 2001:db8:ff12:3400:0:c000:212:34/128: RTNETLINK" <<<"$said"
rm "$T/ip.fail"
echo 2 >"$T/mapctl.rc"
run BOUND6 "${LEASET[@]}"
check "MAP-T, invalid rules: said so" grep -q "MAP-T rules are invalid" <<<"$said"
rm "$T/mapctl.rc"
run BOUND6 "${LEASET[@]/$HEXT/005bzz}"
check "option 95 not hex: define6 95 named" grep -q 'define6 95 binhex mapt_raw' <<<"$said"
run STOPPED

# 7. Two interfaces, one device name: the second is refused, the first's
# device stays.
: >"$T/conf"
run BOUND6 "${LEASE[@]}"
: >"$T/calls"
said=$(env -i PATH="$T/bin:/usr/bin:/bin" interface=wan2 reason=BOUND6 \
	mape_config="$T/conf" "${LEASE[@]}" dash -c '
	state_dir='"$T"'/state
	syslog() { lvl=$1; shift; echo "$lvl: $interface: $*"; }
	. '"$dir"'/60-mape' 2>&1)
check_eq "second interface, same device: refused, first's untouched" "$said $(calls)" \
	"err: wan2: mape: mape0 is already wan's MAP-E device; give each interface its own MAPE_DEVICE "

ksft_exit
