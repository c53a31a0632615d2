#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The control plane under stress and at its limits:
#  - a rule dump stalled by its reader (20000 rules, a pipe nobody reads)
#    holds no device: `ip link del` of that device completes, the device
#    goes, the stalled mapctl ends when killed, the kernel log stays clean
#    (no "unregister_netdevice: waiting for");
#  - a rule table changed between two calls of a dump marks it
#    NLM_F_DUMP_INTR: mapctl warns that the kernel's tables changed;
#  - mtu-v6 is 1280..65535: 65536 and 1279 refused naming mtu-v6, by the
#    plugin and, sent past it as raw RTM_NEWLINK, by the kernel, with no
#    device left behind; 1280 and 65535 accepted;
#  - a LINK device that goes away is forgotten: "link" no longer shown,
#    and a device created later with its ifindex neither becomes the
#    underlay nor has its MTU followed;
#  - fragment limits above the module's (frag-entries, frag-held,
#    frag-timeout) are lowered to them, with a warning, in a namespace a
#    user namespace owns (unshare -Ur -n), at creation and changelink;
#    lower ones are kept; the initial user namespace keeps any;
#  - `mapctl rule flush` of CTL_FLUSH_RULES (default 600000) rules on a BR
#    does not hold up a changelink of that device: the changelink started
#    once the flush is under way ends before the flush does.
#
#   [ netns mape-ctl ]  devices only, no traffic (the script runs in it):
#     st0   mape br  2001:db8:fff1::1   20000 rules: interrupted, stalled dump
#     big0  mape br  2001:db8:fff2::1   CTL_FLUSH_RULES rules, flushed
#     mtu0  mape br  2001:db8:fff3::1   mtu-v6 range
#     lk0   mape br  2001:db8:fff4::1   dev ctl-d0 (dummy), then deleted
#     fr0   mape br  2001:db8:fff5::1   fragment limits, initial user ns
#   [ unshare -Ur -n ]  (a user namespace of its own, and its netns)
#     fr0   mape br  2001:db8:fff5::1   fragment limits, clamped

# shellcheck disable=SC2317 # functions run by the traps, or after the
# re-exec into the namespace below, look unreachable to shellcheck.

dir=$(dirname "$0")
source "$dir/../lib.sh"
ns_per_run

NS=mape-ctl
# The tests run inside the namespace: one "ip netns exec" costs more than
# the command it runs in the VM.
if [ "$1" != --in-netns ]; then
	cleanup() { ip netns del "$NS" 2>/dev/null; }
	trap cleanup EXIT
	ip netns add "$NS" || exit "$ksft_skip"
	ip netns exec "$NS" "$0" --in-netns
	exit
fi

FLUSH_RULES=${CTL_FLUSH_RULES:-600000}
STALL_RULES=20000
tmp=$(mktemp -d)
script_start=$(date +%s.%N)

cleanup()
{
	local d

	jobs -p | xargs -r kill 2>/dev/null
	wait 2>/dev/null
	for d in st0 big0 mtu0 mtu1 lk0 fr0 ctl-d0 ctl-d1; do
		ip link del "$d" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

grep -q '^mape ' /proc/modules || { echo "mape is not loaded"; exit "$ksft_skip"; }
ip link set lo up

info() { ip -d -j link show "$1" | jq -c '.[0].linkinfo.info_data'; }
now() { date +%s.%N; }
# elapsed FROM [TO]: seconds, 2 decimals.
elapsed() { awk -v a="$1" -v b="${2:-$(now)}" 'BEGIN { printf "%.2f", b - a }'; }
# before A B: A < B (two date +%s.%N)
before() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
rules_of() { mapctl -j show dev "$1" | jq '.[0].rules'; }
# The same, without jq: quicker to start under TCG.
rules_now()
{
	local k v

	while read -r k v; do
		[ "$k" = rules ] && echo "$v"
	done < <(mapctl show dev "$1")
}

# load DEV N: N host FMRs (/32 and /64, ea-len 0) through one mapctl -b.
load()
{
	awk -v dev="$1" -v n="$2" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "rule add dev %s fmr rule-ipv6 2001:db8:%x:%x::/64 rule-ipv4 10.%d.%d.%d/32 ea-len 0\n",
				dev, i / 65536, i % 65536, i / 65536, int(i / 256) % 256, i % 256
	}' >"$tmp/$1.batch"
	mapctl -b "$tmp/$1.batch"
}

# What the kernel logged since MARK that the VM runner calls a failure.
kmark() { echo "mape-selftest: control.sh $$ mark $1" >/dev/kmsg; }
kernel_trouble()
{
	dmesg | sed -n "/mape-selftest: control.sh $$ mark $1\$/,\$p" |
		grep -E 'WARNING|BUG|Oops|Call Trace|general protection|refcount_t|unregister_netdevice: waiting|KASAN|UBSAN|lockdep|hung task|rcu.*stall'
}

# until_ok SECONDS CMD...: CMD succeeds within SECONDS, tried every 0.1 s
# (by the clock: a fork costs more than 0.1 s under TCG).
until_ok()
{
	local end=$((${EPOCHREALTIME//[!0-9]/} + $1 * 1000000))

	shift
	until "$@"; do
		[ "${EPOCHREALTIME//[!0-9]/}" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# in_syscall PID NR: PID is blocked in system call NR (x86_64: 1 write).
in_syscall()
{
	local nr

	read -r nr _ <"/proc/$1/syscall" 2>/dev/null && [ "$nr" = "$2" ]
}

# ended PID: PID has exited.
ended() { ! kill -0 "$1" 2>/dev/null; }

# nl_link {add|set} NAME [ATTR=VALUE...]: an RTM_NEWLINK of kind mape
# straight to the kernel, past the plugin's own range checks (role=br
# br_addr=... mtu_v6=N); prints the kernel's error and its extack message,
# exits 1 when refused.
nl_link()
{
	PYTHONPATH=$dir python3 - "$@" <<-'EOF'
	import ipaddress, os, struct, sys
	from mapenl import nla, newlink, rtnl_socket

	ATTRS = {"role": (1, "B"), "br_addr": (2, "in6"), "mtu_v6": (11, "I")}

	op, name = sys.argv[1], sys.argv[2]
	data = b""
	for kv in sys.argv[3:]:
	    k, v = kv.split("=", 1)
	    t, f = ATTRS[k]
	    data += nla(t, ipaddress.IPv6Address(v).packed if f == "in6"
	                else struct.pack("=" + f, int(v)))
	try:
	    err, text = newlink(rtnl_socket(), data, ifname=name,
	                        create=op == "add")
	except RuntimeError as e:
	    sys.exit(str(e))
	print("%s: %s" % (os.strerror(err) if err else "ok", text))
	sys.exit(1 if err else 0)
	EOF
}

# --- 1. an interrupted dump is marked ----------------------------------------
check "st0: BR device" ip link add st0 type mape role br br-addr 2001:db8:fff1::1
t=$(now)
check "st0: $STALL_RULES rules loaded with mapctl -b" load st0 $STALL_RULES
echo "    ($(elapsed "$t") s)"
check_eq "st0: all there" "$(rules_of st0)" $STALL_RULES

# The reader takes one line (the dump has begun: the table's generation is
# taken), then nothing until told: mapctl stalls on the full pipe, the
# kernel between two dump calls. A rule added then must mark the dump.
interrupted_dump()
{
	local i ok=1 err

	for i in 1 2 3; do
		rm -f "$tmp/started" "$tmp/go"
		mapctl rule show dev st0 2>"$tmp/intr.err" | {
			IFS= read -r _
			: >"$tmp/started"
			while [ ! -e "$tmp/go" ]; do sleep 0.05; done
			cat >/dev/null
		} &
		until_ok 10 test -e "$tmp/started"
		mapctl rule add dev st0 fmr rule-ipv6 2001:db8:ff00::/64 \
			rule-ipv4 10.255.0.1/32 ea-len 0
		: >"$tmp/go"
		wait
		mapctl rule del dev st0 rule-ipv4 10.255.0.1/32
		err=$(cat "$tmp/intr.err")
		if grep -q "rule show: warning: the kernel's tables changed during the dump" <<<"$err"; then
			ok=0
			break
		fi
		printf '    attempt %d: no warning; stderr: "%s"\n' "$i" "$err"
	done
	[ $ok -eq 0 ] && printf '    %s (attempt %d)\n' "$err" "$i"
	log_test $ok "st0: a rule added during a dump: mapctl warns it was interrupted"
}
interrupted_dump
check_eq "st0: the rule added and deleted again" "$(rules_of st0)" $STALL_RULES

# --- 2. a stalled dump pins no device ----------------------------------------
kmark 1
mkfifo "$tmp/stall"
# shellcheck disable=SC2217 # the reader that never reads
sleep 60 <"$tmp/stall" &
reader=$!
mapctl rule show dev st0 >"$tmp/stall" 2>"$tmp/stall.err" &
dumper=$!
until_ok 20 in_syscall $dumper 1
log_test $? "st0: mapctl rule show stalled on its full pipe (blocked in write)"

t=$(now)
timeout 15 ip link del st0 2>"$tmp/del.err" &
deleter=$!
until_ok 16 ended $deleter
rc=$?
[ $rc -eq 0 ] || printf '    ip link del still waiting after %s s\n' "$(elapsed "$t")"
[ $rc -eq 0 ] && printf '    (%s s)\n' "$(elapsed "$t")"
log_test $rc "st0: ip link del while the dump is stalled completes"
check_fail "st0: the device is gone" "does not exist" ip link show st0
# Release the dump (the old kernel's ip link del only ends then).
kill $dumper 2>/dev/null
until_ok 10 ended $dumper
log_test $? "st0: the stalled mapctl ends when killed"
kill $reader 2>/dev/null
wait $deleter
rc=$?
[ $rc -eq 0 ] || printf '    ip link del: exit %d: %s\n' $rc "$(cat "$tmp/del.err")"
log_test $rc "st0: ip link del exit 0"
wait 2>/dev/null
trouble=$(kernel_trouble 1)
[ -z "$trouble" ] || printf '    %s\n' "$trouble" | head -5
log_test "$([ -z "$trouble" ]; echo $?)" "st0: kernel log clean (no waiting for the device, no warning)"

# --- 3. mtu-v6 1280..65535 ---------------------------------------------------
BR3=(type mape role br br-addr 2001:db8:fff3::1)
check_fail "mtu-v6 65536 refused (plugin)" "mtu-v6" ip link add mtu0 "${BR3[@]}" mtu-v6 65536
check_fail "mtu-v6 65536 refused (kernel)" "mtu-v6" \
	nl_link add mtu0 role=1 br_addr=2001:db8:fff3::1 mtu_v6=65536
check_fail "  and no device created" "does not exist" ip link show mtu0
ip link del mtu0 2>/dev/null	# (one wrongly created)
check_fail "mtu-v6 1279 refused (plugin)" "mtu-v6" ip link add mtu0 "${BR3[@]}" mtu-v6 1279
check_fail "mtu-v6 1279 refused (kernel)" "mtu-v6" \
	nl_link add mtu0 role=1 br_addr=2001:db8:fff3::1 mtu_v6=1279
check_fail "  and no device created" "does not exist" ip link show mtu0
ip link del mtu0 2>/dev/null	# (one wrongly created)
check "mtu-v6 65535 accepted" ip link add mtu0 "${BR3[@]}" mtu-v6 65535
check_eq "  shown" "$(info mtu0 | jq '.mtu_v6')" 65535
ip link del mtu0
check "mtu-v6 1280 accepted" ip link add mtu0 "${BR3[@]}" mtu-v6 1280
check_eq "  shown" "$(info mtu0 | jq '.mtu_v6')" 1280
check_fail "changelink to mtu-v6 65536 refused (kernel)" "mtu-v6" \
	nl_link set mtu0 mtu_v6=65536
check_eq "  mtu-v6 unchanged" "$(info mtu0 | jq '.mtu_v6')" 1280
check "changelink to mtu-v6 65535 (kernel)" nl_link set mtu0 mtu_v6=65535
check_eq "  shown" "$(info mtu0 | jq '.mtu_v6')" 65535
ip link del mtu0

# --- 4. LINK forgotten when its device goes ----------------------------------
check "dummy ctl-d0" ip link add ctl-d0 type dummy
idx=$(ip -j link show ctl-d0 | jq '.[0].ifindex')
check "lk0: BR device over dev ctl-d0" ip link add lk0 type mape role br \
	br-addr 2001:db8:fff4::1 dev ctl-d0
check_eq "lk0: link shown" "$(info lk0 | jq -r '.link')" ctl-d0
mtu=$(ip -j link show lk0 | jq '.[0].mtu')
check "ctl-d0 deleted" ip link del ctl-d0
check_eq "lk0: no link any more" "$(info lk0 | jq -c 'has("link")')" false
check "a new dummy ctl-d1 with ctl-d0's ifindex $idx" \
	ip link add ctl-d1 index "$idx" type dummy
check_eq "  ifindex reused" "$(ip -j link show ctl-d1 | jq '.[0].ifindex')" "$idx"
check_eq "lk0: still no link" "$(info lk0 | jq -c '.link // "none"')" '"none"'
check "ctl-d1 MTU 9000" ip link set ctl-d1 mtu 9000
check_eq "lk0: its MTU does not follow ctl-d1" "$(ip -j link show lk0 | jq '.[0].mtu')" "$mtu"
ip link del lk0
ip link del ctl-d1

# --- 5. fragment limits in a user namespace ----------------------------------
par=/sys/module/mape/parameters
read -r def_e <$par/frag_max_entries
read -r def_h <$par/frag_max_held
read -r def_t <$par/frag_timeout_ms
hi_e=$((def_e * 2)) hi_h=$((def_h * 2)) hi_t=$((def_t * 2))
limits() { jq -c '.[0].linkinfo.info_data | [.frag_entries, .frag_held, .frag_timeout]'; }
FR="fr0 type mape role br br-addr 2001:db8:fff5::1"
LIMIT_MSG="fragment limits above the host's need the initial user namespace: lowered to them"

# userns SCRIPT: SCRIPT run by sh in a new user namespace (root mapped to
# root) and a network namespace it owns; stdout and stderr together.
userns() { unshare --user --map-root-user --net sh -c "$1" 2>&1; }

# shellcheck disable=SC2086 # $FR: several words
check "init userns: limits above the module's" \
	ip link add $FR frag-entries $hi_e frag-held $hi_h frag-timeout $hi_t
check_eq "  kept as given, no warning" \
	"$(ip -d -j link show fr0 | limits)/$(ip link set fr0 type mape frag-held $hi_h 2>&1)" \
	"[$hi_e,$hi_h,$hi_t]/"
ip link del fr0

if ! userns true >/dev/null; then
	log_test "$ksft_skip" "user namespaces: unshare -Ur -n fails"
else
	out=$(userns "ip link add $FR frag-entries $hi_e frag-held $hi_h frag-timeout $hi_t; echo rc=\$?")
	check_eq "userns: limits above the module's: created" "$(grep -c '^rc=0$' <<<"$out")" 1
	check_eq "  with a warning on stderr" \
		"$(grep -c "^Warning: $LIMIT_MSG" <<<"$out")" 1
	out=$(userns "ip link add $FR frag-entries $hi_e frag-held $hi_h frag-timeout $hi_t 2>/dev/null; ip -d -j link show fr0")
	check_eq "  lowered to the module's" "$(limits <<<"$out")" "[$def_e,$def_h,$def_t]"

	out=$(userns "ip link add $FR frag-entries $hi_e 2>/dev/null; ip -d -j link show fr0")
	check_eq "userns: frag-entries alone above: lowered" "$(limits <<<"$out")" "[$def_e,$def_h,$def_t]"

	lo_e=$((def_e / 4)) lo_h=$((def_h / 4)) lo_t=$((def_t / 4))
	out=$(userns "ip link add $FR frag-entries $lo_e frag-held $lo_h frag-timeout $lo_t; echo rc=\$?; ip -d -j link show fr0")
	check_eq "userns: limits below the module's: no warning" \
		"$(grep -c -e Warning -e '^rc=[1-9]' <<<"$out")" 0
	check_eq "  kept as given" "$(grep -v '^rc=' <<<"$out" | limits)" "[$lo_e,$lo_h,$lo_t]"

	out=$(userns "ip link add $FR frag-entries $lo_e 2>/dev/null &&
		ip link set fr0 type mape frag-held $hi_h; echo rc=\$?; ip -d -j link show fr0")
	check_eq "userns: changelink raising frag-held: done, with the warning" \
		"$(grep -c -e "^Warning: $LIMIT_MSG" -e '^rc=0$' <<<"$out")" 2
	check_eq "  frag-held lowered, frag-entries kept" \
		"$(grep -v -e '^rc=' -e '^Warning' <<<"$out" | limits)" "[$lo_e,$def_h,$def_t]"
fi

# --- 6. a long flush does not hold up changelink ------------------------------
check "big0: BR device" ip link add big0 type mape role br br-addr 2001:db8:fff2::1
t=$(now)
check "big0: $FLUSH_RULES rules loaded with mapctl -b" load big0 "$FLUSH_RULES"
echo "    ($(elapsed "$t") s)"
check_eq "big0: all there" "$(rules_of big0)" "$FLUSH_RULES"

flush_start=$(now)
{ mapctl rule flush dev big0; now >"$tmp/flush.end"; } &
flusher=$!
# Under way: rules already gone (the old kernel held the device's lock
# from here to the end).
flush_begun() { n=$(rules_now big0); [ "${n:-$FLUSH_RULES}" -lt "$FLUSH_RULES" ]; }
until_ok 20 flush_begun
cl_start=$(now)
ip link set big0 type mape hoplimit 9
cl_rc=$?
cl_end=$(now)
wait $flusher
flush_end=$(cat "$tmp/flush.end")
printf '    flush %s s (%s rules left when the changelink began), changelink %s s, ended %s s before the flush\n' \
	"$(elapsed "$flush_start" "$flush_end")" "$n" \
	"$(elapsed "$cl_start" "$cl_end")" "$(elapsed "$cl_end" "$flush_end")"
check_eq "big0: changelink during the flush succeeds" "$cl_rc" 0
[ "$n" -gt 0 ] || echo "    the flush was over before the changelink: raise CTL_FLUSH_RULES"
before "$cl_end" "$flush_end" && [ "$n" -gt 0 ] && [ "$n" -lt "$FLUSH_RULES" ]
log_test $? "big0: changelink begun during the flush ends before the flush"
check_eq "big0: hoplimit 9, no rule left" "$(info big0 | jq '.hoplimit')/$(rules_of big0)" 9/0
ip link del big0

echo "control.sh: $(elapsed "$script_start") s"
ksft_exit
