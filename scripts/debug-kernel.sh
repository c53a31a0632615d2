#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/debug-kernel.sh [build|module|env|check]
#
# The debug kernel the VM selftests (and fuzzers) can boot instead of
# Debian's: the same 6.1 source (linux-source-6.1), x86_64_defconfig plus
# selftests/vm/debug.config (KASAN, kmemleak, lockdep, UBSAN, DEBUG_NET, ...).
#
#   build   (default) build the kernel if its inputs changed, and install it
#           into $MAPE_CACHE/kimg-debug (boot/, lib/modules/VER/)
#   module  also build mape.ko and mape_nat.ko against it, in a copy of
#           kernel/ and include/ under $MAPE_CACHE/debug-6.1/mape (Kbuild
#           writes into the M= directory: the tree's own build stays as is)
#   env     module, then print the variables that make selftests/vm/run
#           boot it:  eval "$(scripts/debug-kernel.sh env)"
#   check   module, then every VM selftest and a short fuzzer run on it,
#           each followed by a look at its kernel log:
#           TEST lines and "N passed, N failed, N skipped" (make check-debug)
#
# Only the first build is slow: the build directory is kept, keyed by the
# source version (a new one starts afresh) and by debug.config (a change
# reconfigures and rebuilds what it touches).  Builds run under nice -n 10
# (VM tests running alongside come first) with MAPE_DEBUG_JOBS (2) jobs.
#
# Environment: MAPE_CACHE (~/.cache/mape), MAPE_DEBUG_JOBS,
# MAPE_DEBUG_TIMEOUT (check: seconds for the whole VM suite, 10800),
# MAPE_DEBUG_BENCH=1 (check: bench/run-guest.sh --quick on it as well).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd -P)
source "$top/scripts/kernels.sh"
CACHE=${MAPE_CACHE:-$HOME/.cache/mape}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd -P)
SHARED=$CACHE/linux-source-6.1
D=$CACHE/debug-6.1
SRC=$D/src
BUILD=$D/build
KIMG=$CACHE/kimg-debug
MOD=$D/mape
FRAG=$top/selftests/vm/debug.config
JOBS=${MAPE_DEBUG_JOBS:-2}
# Part of the cache key: bump it when the way the kernel is configured or
# installed below changes.
RECIPE="x86_64_defconfig + debug.config, v1"

msg() { echo "debug-kernel: $*" >&2; }
die() { msg "$*"; exit 1; }

cmd=${1:-build}
case $cmd in
build | module | env | check) ;;
-h | --help) sed -n '4,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
*) die "unknown command '$cmd' (build, module, env or check)" ;;
esac

# The nice'd kernel make, out of tree.
kmake() { nice -n 10 make -C "$SRC" O="$BUILD" LOCALVERSION= "$@"; }

# --- the source: a private view of linux-source-6.1 --------------------------
# scripts/kunit.sh links kernel/ into the shared tree as drivers/net/mape and
# edits drivers/net/Kconfig and Makefile to reach it, and may do so while we
# build.  So the debug kernel is built from a tree of hard links to the
# shared one (seconds, no space), in which those two files are private,
# unedited copies and drivers/net/mape does not exist: CONFIG_MAPE cannot
# appear, and nothing kunit.sh does later can reach this build.
prepare_source() {
	local ver
	[ -f "$SHARED/Makefile" ] || MAPE_CACHE=$CACHE "$top/scripts/deps.sh" >&2
	ver="$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)"
	ver+=" $(make -s -C "$SHARED" kernelversion 2>/dev/null)"
	if [ -f "$SRC/.mape-src" ] && [ "$(cat "$SRC/.mape-src")" = "$ver" ]; then
		return
	fi
	# A new source: objects of the old one would look up to date (the
	# tarball's timestamps are older than them), so start afresh.
	msg "preparing the source tree $SRC ($ver)"
	rm -rf "$SRC" "$BUILD" "$KIMG"
	mkdir -p "$D"
	cp -al "$SHARED" "$SRC.tmp" 2>/dev/null || {
		rm -rf "$SRC.tmp"
		cp -a "$SHARED" "$SRC.tmp"
	}
	rm -f "$SRC.tmp/drivers/net/mape"
	# sed to a new file, then mv: the shared tree's inodes stay untouched.
	sed '\|drivers/net/mape/Kconfig|d' "$SHARED/drivers/net/Kconfig" >"$SRC.tmp/Kconfig.new"
	mv "$SRC.tmp/Kconfig.new" "$SRC.tmp/drivers/net/Kconfig"
	sed '/CONFIG_MAPE/d' "$SHARED/drivers/net/Makefile" >"$SRC.tmp/Makefile.new"
	mv "$SRC.tmp/Makefile.new" "$SRC.tmp/drivers/net/Makefile"
	echo "$ver" >"$SRC.tmp/.mape-src"
	mv "$SRC.tmp" "$SRC"
}

# --- configure, build, install ------------------------------------------------
# Every line of the fragment must hold in the final .config: olddefconfig
# silently drops a symbol that was renamed or whose dependencies are unmet.
verify_config() {
	local line sym val bad=0
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			grep -qxF -- "$line" "$BUILD/.config" || {
				msg "config: wanted $line, got: $(grep -E "^(# )?${BASH_REMATCH[1]}[= ]" "$BUILD/.config" || echo unset)"
				bad=1
			}
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			sym=${BASH_REMATCH[1]}
			val=$(grep -E "^$sym=" "$BUILD/.config" || true)
			[ -z "$val" ] || { msg "config: wanted $sym unset, got $val"; bad=1; }
		fi
	done <"$FRAG"
	return $bad
}

build_kernel() {
	local key ver t0 log=$D/build.log
	prepare_source
	key=$({ echo "$RECIPE"; cat "$SRC/.mape-src" "$FRAG"; } | sha256sum | cut -c1-16)
	if [ -f "$KIMG/.mape-key" ] && [ "$(cat "$KIMG/.mape-key")" = "$key" ] &&
		[ -f "$BUILD/Module.symvers" ]; then
		return
	fi
	mkdir -p "$BUILD"
	t0=$SECONDS
	msg "building the debug kernel in $BUILD (nice, -j$JOBS; log: $log)"
	{
		kmake x86_64_defconfig &&
			"$SRC/scripts/kconfig/merge_config.sh" -m -O "$BUILD" "$BUILD/.config" "$FRAG" &&
			kmake olddefconfig
	} >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "configuring failed"; }
	verify_config || die "$FRAG does not hold in $BUILD/.config (see above)"
	kmake -j"$JOBS" all >>"$log" 2>&1 || {
		grep -E 'error|Error' "$log" | tail -n 30 >&2
		die "the kernel build failed (log: $log)"
	}
	ver=$(kmake -s kernelrelease)
	# Installed beside the old image, then swapped in: a VM booting the old
	# one meanwhile keeps its files.
	rm -rf "$KIMG.new" "$KIMG.old"
	mkdir -p "$KIMG.new/boot"
	# (The vmlinux with its symbols, for scripts/decode_stacktrace.sh, is
	# lib/modules/VER/build/vmlinux.)
	cp "$BUILD/arch/x86/boot/bzImage" "$KIMG.new/boot/vmlinuz-$ver"
	cp "$BUILD/System.map" "$KIMG.new/boot/System.map-$ver"
	cp "$BUILD/.config" "$KIMG.new/boot/config-$ver"
	kmake INSTALL_MOD_PATH="$KIMG.new" modules_install >>"$log" 2>&1 ||
		die "modules_install failed (log: $log)"
	echo "$key" >"$KIMG.new/.mape-key"
	[ ! -d "$KIMG" ] || mv "$KIMG" "$KIMG.old"
	mv "$KIMG.new" "$KIMG"
	rm -rf "$KIMG.old"
	msg "installed $ver into $KIMG ($((SECONDS - t0)) s)"
}

kernel_release() {
	local v=("$KIMG"/lib/modules/*)
	if [ ${#v[@]} != 1 ] || [ ! -d "${v[0]}" ]; then
		die "no single kernel in $KIMG/lib/modules"
	fi
	echo "${v[0]##*/}"
}

# --- mape for it ----------------------------------------------------------------
# Copy kernel/ and include/ sources (not the tree's build products), only
# files whose content changed, so the rebuild stays incremental; files gone
# from the tree go from the copy.  -g: mape's own frames in a report can be
# decoded to lines (scripts/decode_stacktrace.sh), at no cost to the kernel.
build_module() {
	local out
	out=$(renice -n 10 "$BASHPID" >/dev/null
		module_build "$top" "$BUILD" "$MOD" KCFLAGS=-g -j"$JOBS" 2>&1) || {
		printf '%s\n' "$out" >&2
		return 1
	}
	MODULE_OUT=$out
}

# MAPE_VM_APPEND: built in, the dummy driver makes a dummy0 at boot, which
# Debian's (a module) does not, and the tests create their own.
env_lines() {
	printf 'KVER=%q\n' "$(kernel_release)"
	printf 'MAPE_VM_KIMG=%q\n' "$KIMG"
	printf 'MAPE_VM_KO_DIR=%q\n' "$MOD/kernel"
	printf 'MAPE_VM_APPEND=%q\n' "dummy.numdummies=0 ${MAPE_VM_APPEND:-}"
	echo 'export KVER MAPE_VM_KIMG MAPE_VM_KO_DIR MAPE_VM_APPEND'
}

# One build at a time (two check-debug runs, a fuzzer): the others wait.
exec 9>"$CACHE/debug-6.1.lock"
flock 9

if [ "$cmd" != check ]; then
	build_kernel
	[ "$cmd" = build ] && { echo "$KIMG"; exit 0; }
	build_module || die "building mape against the debug kernel failed"
	[ "$cmd" = module ] && { echo "$MOD/kernel"; exit 0; }
	env_lines
	exit 0
fi

# --- check ----------------------------------------------------------------------
source "$top/scripts/steps.sh"

kernel_step() {
	build_kernel && test_line "debug kernel $(kernel_release) built" " OK "
}

module_step() {
	if ! build_module; then
		test_line "mape builds against the debug kernel" FAIL
		return 1
	fi
	if grep -Eq 'warning:|error:' <<<"$MODULE_OUT"; then
		printf '%s\n' "$MODULE_OUT"
		test_line "mape builds against the debug kernel, warning-free" FAIL
	else
		test_line "mape builds against the debug kernel, warning-free" " OK "
	fi
}

# What a debug kernel reports, by kind; each kind is one check on the
# guest's kernel log (the runner has already failed the run on any of
# them, and printed the first).
KASAN_PAT='BUG: KASAN'
UBSAN_PAT='UBSAN:'
LOCK_PAT='possible circular locking|possible recursive locking|inconsistent lock state'
LOCK_PAT+='|suspicious RCU usage|bad unlock balance|held lock freed|lock held when returning'
LOCK_PAT+='|DEBUG_LOCKS_WARN_ON|sleeping function called from invalid context'
LOCK_PAT+='|scheduling while atomic|lockdep is turned off|BUG: MAX_LOCK'
LOCK_PAT+='|ODEBUG: .*object type'
OTHER_PAT='Oops|BUG:|WARNING:|general protection fault|refcount_t|Kernel panic'
OTHER_PAT+='|soft lockup|hard LOCKUP|blocked for more than|rcu.*detected stalls'
OTHER_PAT+='|unregister_netdevice: waiting for|list_(add|del) corruption'
# shellcheck disable=SC2034 # read as ${!pat}
LEAK_PAT='unreferenced object'

klog_checks() { # WHAT LOGDIR
	local what=$1 k=$2/kmsg.log kind pat
	[ -s "$k" ] || k=$2/console.log
	if [ ! -s "$k" ]; then
		test_line "$what: guest kernel log captured" FAIL
		return
	fi
	# Less the known kernel bugs outside mape, as the runner checks it.
	"$top/selftests/vm/known-splats" <"$k" >"$2/kmsg.checked" 2>/dev/null
	k=$2/kmsg.checked
	for kind in KASAN UBSAN LOCK OTHER LEAK; do
		pat=${kind}_PAT
		# OTHER: what the others do not claim (their reports say BUG: or
		# WARNING: too).
		if grep -aE "${!pat}" "$k" |
			if [ $kind = OTHER ]; then
				grep -avE "$KASAN_PAT|$UBSAN_PAT|$LOCK_PAT"
			else
				cat
			fi | grep -q .; then
			test_line "$what: $(kind_name $kind)" FAIL
		else
			test_line "$what: $(kind_name $kind)" " OK "
		fi
	done
}

kind_name() {
	case $1 in
	KASAN) echo "no KASAN report" ;;
	UBSAN) echo "no UBSAN report" ;;
	LOCK) echo "no lockdep, RCU, atomic-sleep, debugobjects report" ;;
	OTHER) echo "no other WARNING, BUG, oops, refcount, stall" ;;
	LEAK) echo "kmemleak: no unreferenced object" ;;
	esac
}

vm_step() { # NAME TIMEOUT CMD...
	local name=$1 timeout=$2 logs=$D/logs/$1 rc=0
	shift 2
	rm -rf "$logs"
	mkdir -p "$logs"
	(
		eval "$(env_lines)"
		# About 10x slower than Debian's kernel: each script gets as long.
		# KASAN's shadow and kmemleak's metadata: more memory. Loading
		# control.sh's 600000 rules alone took more than 20 minutes:
		# 100000 still make a flush outlast a changelink. Timers the
		# tests set (fragment entries) run 4x longer (lib.sh tscale).
		# Per-packet costs grow most: the matrix's TCP ratio (net/
		# matrix.sh, k_tcp) gets more room.
		MAPE_VM_MEM=${MAPE_VM_MEM:-4096} \
		MAPE_TEST_TIMEOUT=${MAPE_TEST_TIMEOUT:-9000} MAPE_VM_LOGS=$logs \
		CTL_FLUSH_RULES=${CTL_FLUSH_RULES:-100000} \
		MAPE_TIME_SCALE=${MAPE_TIME_SCALE:-4} \
		MAPE_TCP_RATIO=${MAPE_TCP_RATIO:-20} \
		MAPE_VM_ENV="CTL_FLUSH_RULES ${MAPE_VM_ENV:-}" \
			exec "$top/selftests/vm/run" --timeout "$timeout" -- "$@"
	) || rc=$?
	klog_checks "debug kernel, $name" "$logs"
	msg "guest logs of '$name': $logs"
	return $rc
}

fuzz_step() {
	make -s -C "$top/selftests/fuzz" || return 1
	vm_step fuzz 7200 selftests/fuzz/run.sh --short
}

cd "$top"
step "debug kernel" kernel_step
step "mape for the debug kernel" module_step
# The VM runs need no lock: let other builds proceed.
exec 9>&-
if steps_failed; then
	msg "no debug kernel or module: the VM runs are skipped"
else
	step "selftests in the VM (debug kernel)" \
		vm_step selftests "${MAPE_DEBUG_TIMEOUT:-10800}" selftests/run_vm_tests
	# The fuzzers, short, where KASAN and kmemleak watch what they reach.
	step "fuzzers, short (VM, debug kernel)" fuzz_step
	# The benchmarks' code paths (pktgen, tc, NAT) too, on request.
	if [ "${MAPE_DEBUG_BENCH:-0}" = 1 ]; then
		step "benchmarks, quick (VM, debug kernel)" \
			vm_step bench 3600 bench/run-guest.sh --quick
	fi
fi

steps_summary
