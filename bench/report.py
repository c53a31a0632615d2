#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The table of `make bench`, from the raw lines of bench/run-guest.sh.

    report.py RAW-FILE

Raw lines (one per run):
    info DATE kernel=... cpu=... reps=N time=S quick=0|1
    pps TEST/LEN VARIANT ROUND rate delivered busy offered
    load mapctl|ip ROUND seconds count bytes-per-entry
    dump mapctl|ip ROUND seconds count
    slab objsize slotsize objsperslab pagesperslab
    tcp 1flow VARIANT ROUND bits-per-second

pps lines of the NAPT runs have TEST nat-new/64 (a new flow per packet) or
nat-est/64 (one flow) or nat-full/64 (new flows to one server port, the
set full: counted at CPU 1's intake), and VARIANT napt (mape_nat) or nft
(masquerade). VARIANT mape is mode e, mapt mode t (a decapsulation test
is then the translation of IPv6 into IPv4), ip6tnl and fwd the baselines;
a tcp line's VARIANT is one of mape, mapt, ip6tnl.

Every figure is the median over the rounds, with the spread (min-max); a
ratio is the ratio of the medians, and its spread the min-max of the
ratios within each round (the runs of one round are back to back).
"""
import statistics
import sys
from collections import defaultdict

TESTS = {"br-enc": "BR encap", "br-dec": "BR decap",
         "ce-enc": "CE encap", "ce-dec": "CE decap"}
TESTS_T = {"br-enc": "BR mode t 4->6", "br-dec": "BR mode t 6->4",
           "ce-enc": "CE mode t 4->6", "ce-dec": "CE mode t 6->4"}


def med(v):
    return statistics.median(v) if v else 0.0


def si(x, unit=""):
    for f, p in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= f:
            return "%.3g%s%s" % (x / f, p, unit)
    return "%.3g%s" % (x, unit)


def spread(v, fmt):
    if len(v) < 2:
        return ""
    return "%s-%s" % (fmt(min(v)), fmt(max(v)))


def ratios(a, b):
    """Per-round ratios a/b of two {round: value} maps."""
    return [a[r] / b[r] for r in sorted(a) if r in b and b[r]]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    pps = defaultdict(dict)     # (test, variant) -> {round: rate}
    ppsd = defaultdict(list)    # (test, variant) -> [(delivered, busy, offered)]
    load = defaultdict(dict)
    loadmem = defaultdict(list)
    dump = defaultdict(dict)
    tcp = defaultdict(dict)
    count = {}
    slab = None
    info = ""
    for line in open(sys.argv[1]):
        f = line.split()
        if not f:
            continue
        if f[0] == "info":
            info = " ".join(f[1:])
        elif f[0] == "pps":
            pps[(f[1], f[2])][int(f[3])] = float(f[4])
            ppsd[(f[1], f[2])].append((float(f[5]), float(f[6]), float(f[7])))
        elif f[0] == "load":
            load[f[1]][int(f[2])] = float(f[3])
            count[f[1]] = int(f[4])
            loadmem[f[1]].append(float(f[5]))
        elif f[0] == "dump":
            dump[f[1]][int(f[2])] = float(f[3])
            count[f[1]] = int(f[4])
        elif f[0] == "slab":
            slab = [int(x) for x in f[1:5]]
        elif f[0] == "tcp":
            tcp[f[2]][int(f[3])] = float(f[4])
    tcg = "TCG" in info
    quick = "quick=1" in info

    rows = []

    def row(fig, a, b, r, rr, target, met):
        rows.append((fig, a, b, r, rr, target, "" if quick else met))

    def cmp_row(fig, am, bm, fmt, target_ratio, higher=True, note=""):
        """mape map am vs baseline map bm, both {round: value}."""
        a, b = list(am.values()), list(bm.values())
        ma, mb = med(a), med(b)
        r = ma / mb if mb else 0.0
        rr = ratios(am, bm)
        if target_ratio is None:
            t, met = "", ""
        else:
            t = (">= %.1fx" if higher else "<= %.1fx") % target_ratio
            met = "yes" if (r >= target_ratio if higher else r <= target_ratio) else "NO"
        bare = lambda x: fmt(x).split()[0]
        row(fig, "%s (%s)" % (fmt(ma), spread(a, bare)),
            "%s (%s)" % (fmt(mb), spread(b, bare)),
            "%.2fx" % r, spread(rr, lambda x: "%.2f" % x), t, met + note)

    def busy(test, var):
        return med([x[1] for x in ppsd.get((test, var), [])])

    def usec(x):
        return "%.2f us" % (x / 1000)

    marked = []

    # 1. Packet rates.
    for test in TESTS:
        for size in ("64", "1400"):
            key = "%s/%s" % (test, size)
            m = pps.get((key, "mape"))
            if not m:
                continue
            name = "%s %s B pps/CPU" % (TESTS[test], size)
            note = ""
            if not quick and min(busy(key, "mape"), busy(key, "ip6tnl") or 1) < 0.9:
                note = " *"
                marked.append(key)
            if pps.get((key, "ip6tnl")):
                cmp_row(name + " vs ip6tnl", m, pps[(key, "ip6tnl")], si, 0.9, note=note)
            if pps.get((key, "fwd")):
                cmp_row(name + " vs IPv4 fwd", m, pps[(key, "fwd")], si, None)
        for size in ("64", "1400"):
            # Mode t: the same IPv4 packet, translated instead of carried.
            key = "%s/%s" % (test, size)
            t = pps.get((key, "mapt"))
            if not t:
                continue
            name = "%s %s B pps/CPU" % (TESTS_T[test], size)
            note = ""
            if not quick and min(busy(key, "mapt"), busy(key, "mape") or 1) < 0.9:
                note = " *"
                marked.append(key + " mapt")
            if pps.get((key, "mape")):
                cmp_row(name + " vs mode e", t, pps[(key, "mape")], si, None, note=note)
            if pps.get((key, "fwd")):
                cmp_row(name + " vs IPv4 fwd", t, pps[(key, "fwd")], si, None)

    # 2. Rule scaling: per-packet time with N rules relative to 1 rule.
    counts = sorted({int(v) for (t, v) in pps if v.isdigit()})
    if counts and counts[0] == 1:
        nmax = counts[-1]
        for test in ("br-enc/64", "br-dec/64"):
            one = pps.get((test, "1"), {})
            for n in counts[1:]:
                big = pps.get((test, str(n)), {})
                if not one or not big:
                    continue
                # time per packet = 1 / rate: ratio of times = rate(1) / rate(N)
                cmp_row("%s: time/pkt, %s rules vs 1" % (TESTS[test[:6]] + " 64 B", si(n)),
                        {r: 1e9 / v for r, v in big.items() if v},
                        {r: 1e9 / v for r, v in one.items() if v}, usec,
                        1.2 if n == nmax else None, higher=False)
        # The same BRs in mode t (variants mapt-N), no target of their own.
        for test in ("br-enc/64", "br-dec/64"):
            one = pps.get((test, "mapt-1"), {})
            for n in counts[1:]:
                big = pps.get((test, "mapt-%d" % n), {})
                if not one or not big:
                    continue
                cmp_row("%s: time/pkt, %s rules vs 1" % (TESTS_T[test[:6]] + " 64 B", si(n)),
                        {r: 1e9 / v for r, v in big.items() if v},
                        {r: 1e9 / v for r, v in one.items() if v}, usec,
                        None, higher=False)
            # Mode t against mode e at the largest count.
            big, bige = pps.get((test, "mapt-%d" % nmax), {}), pps.get((test, str(nmax)), {})
            if nmax > 1 and big and bige:
                cmp_row("%s: time/pkt, %s rules, vs mode e" % (TESTS_T[test[:6]] + " 64 B",
                                                                si(nmax)),
                        {r: 1e9 / v for r, v in big.items() if v},
                        {r: 1e9 / v for r, v in bige.items() if v}, usec,
                        None, higher=False)

    # 3. Rules: memory, load, dump.
    if loadmem.get("mapctl"):
        a, b = loadmem["mapctl"], loadmem.get("ip", [])
        ma, mb = med(a), med(b)
        row("kernel memory per rule (%s rules) vs per route" % si(count["mapctl"]),
            "%.0f B (%s)" % (ma, spread(a, lambda x: "%.0f" % x)),
            "%.0f B (%s)" % (mb, spread(b, lambda x: "%.0f" % x)) if b else "",
            "%.2fx" % (ma / mb) if mb else "", "", "<= 128 B",
            "yes" if ma <= 128 else "NO")
    if slab and slab[2]:
        row("  of which the mape_rule_entry object", "%d B (%.0f B in its slab)"
            % (slab[0], slab[3] * 4096.0 / slab[2]), "", "", "", "", "")
    if load.get("mapctl"):
        n = count["mapctl"]
        am = {r: n / t for r, t in load["mapctl"].items()}
        bm = {r: n / t for r, t in load.get("ip", {}).items()}
        a, b = list(am.values()), list(bm.values())
        ma = med(a)
        met = "yes" if ma >= 100000 else ("NO (TCG: absolute)" if tcg else "NO")
        row("load %s rules: mapctl -b vs ip -batch routes, /s" % si(n),
            "%s (%s)" % (si(ma), spread(a, si)), "%s (%s)" % (si(med(b)), spread(b, si)),
            "%.2fx" % (ma / med(b)) if b else "", spread(ratios(am, bm), lambda x: "%.2f" % x),
            ">= 100k/s", met)
        row("  load time, s", "%.2f" % med(list(load["mapctl"].values())),
            "%.2f" % med(list(load.get("ip", {}).values())), "", "", "", "")
    if dump.get("mapctl"):
        n = count["mapctl"]
        am = {r: n / t for r, t in dump["mapctl"].items()}
        bm = {r: n / t for r, t in dump.get("ip", {}).items()}
        a, b = list(am.values()), list(bm.values())
        row("dump %s rules: mapctl rule show vs ip route show, /s" % si(n),
            "%s (%s)" % (si(med(a)), spread(a, si)), "%s (%s)" % (si(med(b)), spread(b, si)),
            "%.2fx" % (med(a) / med(b)) if b else "",
            spread(ratios(am, bm), lambda x: "%.2f" % x), "", "")
        td = med(list(dump["mapctl"].values()))
        tl = med(list(load["mapctl"].values())) if load.get("mapctl") else 0
        row("  dump time vs load time (1M: 10 s at 100k/s)", "%.2f s" % td,
            "%.2f s" % tl, "%.2fx" % (td / tl) if tl else "", "", "<= 1.0x",
            ("yes" if td <= tl else "NO") if tl else "")

    # 4. TCP.
    if tcp.get("mape"):
        cmp_row("TCP 1 flow CE->BR, bit/s, vs ip6tnl", tcp["mape"], tcp.get("ip6tnl", {}),
                si, 0.9)
    if tcp.get("mapt"):
        for base, what in (("mape", "mode e"), ("ip6tnl", "ip6tnl")):
            if tcp.get(base):
                cmp_row("TCP 1 flow CE->BR mode t, bit/s, vs " + what, tcp["mapt"],
                        tcp[base], si, None)

    # 5. NAPT44: CPU time per new connection and per packet, mape_nat
    # against nft masquerade on the same CE device.
    for test, what, target in (
            ("nat-new/64", "NAPT: CPU time per new UDP flow", 1.1),
            ("nat-est/64", "NAPT: CPU time per packet of a flow", 1.1),
            ("nat-full/64", "NAPT: CPU time per refused flow, set full", None)):
        m, b = pps.get((test, "napt")), pps.get((test, "nft"))
        if not m or not b:
            continue
        note = ""
        if not quick and min(busy(test, "napt"), busy(test, "nft")) < 0.9:
            note = " *"
            marked.append(test)
        cmp_row(what + " vs nft masquerade",
                {r: 1e9 / v for r, v in m.items() if v},
                {r: 1e9 / v for r, v in b.items() if v}, usec, target,
                higher=False, note=note)

    head = ("figure", "mape (min-max)", "baseline (min-max)", "ratio",
            "ratio range", "target", "met")
    w = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    line = "  ".join("-" * x for x in w)
    print()
    print("mape benchmark%s: %s" % (" (quick: the figures mean nothing)" if quick else "", info))
    if tcg:
        print("QEMU TCG: absolute figures are ~10x below native; compare ratios.")
    print(line)
    print("  ".join(str(h).ljust(w[i]) for i, h in enumerate(head)))
    print(line)
    for r in rows:
        print("  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)).rstrip())
    print(line)
    if marked:
        print("* the DUT's CPU was below 90%% busy in %s: pktgen did not keep up, and"
              " the packets/s of CPU time of a half-idle CPU include its wake-ups"
              % ", ".join(marked))

    # Details of the packet-rate runs: what was offered, what arrived, how
    # busy the DUT's CPU was.
    if ppsd and not quick:
        print()
        print("packet-rate runs (medians): pps/CPU = delivered / busy fraction of CPU 1")
        print("  %-14s %-11s %10s %10s %10s %6s" % ("test", "variant", "pps/CPU",
                                                  "delivered", "offered", "busy"))
        for (test, var) in sorted(pps, key=lambda k: (k[0], k[1])):
            d = ppsd[(test, var)]
            print("  %-14s %-11s %10s %10s %10s %5.0f%%" % (
                test, var, si(med(list(pps[(test, var)].values()))),
                si(med([x[0] for x in d])), si(med([x[2] for x in d])),
                100 * med([x[1] for x in d])))
    return 0


sys.exit(main())
