#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mape benchmarks. Runs as root inside the VM (make bench:
# selftests/vm/run -- bench/run-guest.sh), or on any Linux machine with
# mape.ko, pktgen, ip6_tunnel and iperf3 (then the figures are absolute).
# Method and latest results: Documentation/performance.rst.
#
#   run-guest.sh [--quick] [--reps N] [--time S] [--sections LIST]
#                [--rules LIST] [--seed N]
#
#   --quick      every benchmark once, tiny (300 packets, 1k rules, a 1 s
#                TCP flow), prints "TEST: bench ... runs [ OK ]" lines; for
#                make check
#   --reps N     repetitions of every measurement (5), interleaved with its
#                baselines, the order rotating from one round to the next
#   --time S     measurement window of a packet-rate run (2 s)
#   --sections   comma-separated subset of pps,rules,scale,tcp,napt (all)
#   --rules LIST rule counts of the scaling benchmark (1,1000,100000,1000000);
#                the largest is also the one loaded, dumped and weighed
#   --seed N     seed of the random rules (7597)
#   --rate PPS   offered load of the packet-rate runs (0: as fast as
#                pktgen goes)
#
# MAPE_BENCH_KO=PATH replaces the loaded mape.ko by PATH first (to measure a
# candidate fix against the same baselines); MAPE_BENCH_RAW=FILE keeps the
# raw results (one line per run; they are also printed with a "# raw" prefix).
#
# The DUT is CPU 1: pktgen's thread runs on CPU 0 and sends through a veth
# whose peer, in the DUT's namespace, steers every packet to CPU 1 with RPS;
# the DUT forwards it (encapsulating, decapsulating, translating or plain
# IPv4) to a dummy device, whose tx counter is the far end. A packet rate
# is the packets delivered per second of CPU 1's non-idle time: the rate
# one CPU sustains, independent of the generator's speed.

set -u
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QUICK=0
REPS=5
TIME=2
SECTIONS=pps,rules,scale,tcp,napt
RULES=1,1000,100000,1000000
SEED=7597
RATE=0
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--reps) REPS=$2; shift ;;
	--time) TIME=$2; shift ;;
	--sections) SECTIONS=$2; shift ;;
	--rules) RULES=$2; shift ;;
	--seed) SEED=$2; shift ;;
	--rate) RATE=$2; shift ;;
	-h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "run-guest.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
if [ $QUICK = 1 ]; then
	REPS=1
	RULES=1,1000
fi
COUNT=300			# packets of a --quick run
WARM=0.5			# seconds before a window opens

# Each section in its own file (its topology and run_SECTION), on the
# helpers of lib.sh and pktgen.sh; they read the options above.
for f in lib pktgen pps rules scale tcp napt; do
	# shellcheck source=/dev/null
	source "$dir/$f.sh"
done
trap cleanup EXIT

[ "$(id -u)" = 0 ] || die "must run as root (in the VM: make bench)"
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs (CPU 0 generates, CPU 1 forwards)"
for m in pktgen dummy veth ip6_tunnel sch_ingress cls_matchall act_pedit; do
	modprobe $m || die "modprobe $m"
done
if [ -n "${MAPE_BENCH_KO:-}" ]; then
	rmmod mape 2>/dev/null
	insmod "$MAPE_BENCH_KO" || die "insmod $MAPE_BENCH_KO"
	say "# using $MAPE_BENCH_KO"
fi
lsmod | grep -q '^mape ' || modprobe mape || die "mape.ko is not loaded"
for c in mapctl iperf3 jq tc ethtool python3; do
	command -v $c >/dev/null || die "$c not found"
done
# The driver stays off the DUT's CPU.
taskset -p 1 $$ >/dev/null
mkdir -p $W
[ -n "${MAPE_BENCH_RAW:-}" ] || : > "$RAW"
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
say "# $(uname -r), $(getconf _NPROCESSORS_ONLN) CPUs ($model), $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB"
say "# reps $REPS, window ${TIME}s, rules $RULES, seed $SEED$([ $QUICK = 1 ] && echo ', quick')"
ioa=default
case " $(cat /proc/cmdline) " in *" init_on_alloc=0 "*) ioa=0 ;; *" init_on_alloc=1 "*) ioa=1 ;; esac
[ $ioa = 0 ] || say "# init_on_alloc is not 0: pktgen zeroes every buffer and may not keep up with the DUT (runs below 90% busy are marked)"
raw "info $(date -u +%FT%TZ) kernel=$(uname -r) cpu=${model// /_} reps=$REPS time=$TIME quick=$QUICK init_on_alloc=$ioa"
t_start=$(now)

case ,$SECTIONS, in *,pps,*|*,rules,*|*,scale,*) setup_pps ;; esac
case ,$SECTIONS, in *,pps,*) run_pps ;; esac
case ,$SECTIONS, in *,rules,*) run_rules ;; esac
case ,$SECTIONS, in *,scale,*) run_scale ;; esac
case ,$SECTIONS, in *,tcp,*) run_tcp ;; esac
case ,$SECTIONS, in *,napt,*) run_napt ;; esac

say "# bench took $(awk -v a=$t_start -v b=$(now) 'BEGIN {printf "%.0f", b - a}') s"
python3 "$dir/report.py" "$RAW" || nfail=$((nfail + 1))
if [ $QUICK = 1 ]; then
	log_test "$([ -s "$RAW" ]; echo $?)" "bench report printed"
	[ $nfail -eq 0 ]
fi
