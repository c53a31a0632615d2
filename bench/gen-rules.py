#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Random MAP rules for the rule-scaling benchmark.

    gen-rules.py N SEED DEV [--routes FILE TABLE ROUTEDEV]

Prints N lines for `mapctl -b`: "rule add dev DEV bmr rule-ipv6 P6/r
rule-ipv4 P4/l ea-len o psid-offset 6", with random IPv4 prefixes of mixed
lengths (/16../32) and random IPv6 prefixes (/24../56, inside 2000::/3), all
distinct, valid (r + o <= 64, PSID length 0..8) and clear of the benchmark's
own addresses (inside 192.0.2.0/24, 203.0.113.0/24, 2001:db8::/32), so the
rule the traffic hits stays the longest match; its /16 holds random rules
like any other. With --routes, also writes the
same IPv4 prefixes to FILE as `ip -batch` lines ("route add P4/l dev
ROUTEDEV table TABLE"): the baseline table of the same size.
"""
import random
import sys


def main():
    args = sys.argv[1:]
    routes = None
    if len(args) == 7 and args[3] == "--routes":
        routes = (open(args[4], "w"), args[5], args[6])
        args = args[:3]
    if len(args) != 3:
        sys.exit(__doc__)
    n, seed, dev = int(args[0]), int(args[1]), args[2]
    rnd = random.Random(seed)
    getbits = rnd.getrandbits
    randint = rnd.randint
    seen4, seen6 = set(), set()
    out, rout = [], []
    write = out.append
    db8 = 0x20010db8
    while len(out) < n:
        l4 = randint(16, 32)
        p4 = getbits(32) & ((0xffffffff << (32 - l4)) & 0xffffffff)
        # The benchmark's rule (192.0.2.0/24) must stay the longest match
        # for its traffic, and the server's /24 stays clear; 192.0.0.0/16
        # itself gets its share of random rules, so that the traffic's /16
        # is as crowded as any.
        if (l4 >= 24 and (p4 >> 8) == 0xc00002) or (p4 >> 8) == 0xcb0071 \
                or p4 >> 24 in (0, 127) or p4 >= 0xe0000000:
            continue
        k4 = p4 << 6 | l4
        if k4 in seen4:
            continue
        k = randint(0, 8)
        ea = 32 - l4 + k
        r = randint(24, max(24, min(56, 64 - ea)))
        # The top 64 bits of a global unicast prefix, masked to r bits.
        p6 = (0x2 << 61 | getbits(61)) & ((0xffffffffffffffff << (64 - r)) & 0xffffffffffffffff)
        if p6 >> 32 == db8:
            continue
        k6 = p6 << 7 | r
        if k6 in seen6:
            continue
        seen4.add(k4)
        seen6.add(k6)
        a4 = "%d.%d.%d.%d" % (p4 >> 24, p4 >> 16 & 255, p4 >> 8 & 255, p4 & 255)
        if routes:
            rout.append("route add %s/%d dev %s table %s\n" % (a4, l4, routes[2], routes[1]))
        a6 = "%x:%x:%x:%x::" % (p6 >> 48, p6 >> 32 & 0xffff, p6 >> 16 & 0xffff, p6 & 0xffff)
        write("rule add dev %s bmr rule-ipv6 %s/%d rule-ipv4 %s/%d ea-len %d psid-offset 6\n"
              % (dev, a6, r, a4, l4, ea))
        if len(out) >= 4096:
            sys.stdout.write("".join(out))
            n -= len(out)
            out.clear()
            if routes:
                routes[0].write("".join(rout))
                rout.clear()
    sys.stdout.write("".join(out))
    if routes:
        routes[0].write("".join(rout))
        routes[0].close()


main()
