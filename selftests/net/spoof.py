#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send crafted IPv4-in-IPv6 packets for spoof.sh (scapy, layer 3).

Reads one packet a line from stdin (scapy loads slowly in the VM, so one
process sends them all):

  CASE OUTER_SRC OUTER_DST INNER_SRC INNER_DST [SPORT DPORT]

CASE: udp (a UDP datagram), gre (a protocol without ports), short (an
IPv4 header cut short).
"""
import logging
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import GRE, IP, IPv6, UDP, Raw, send  # noqa: E402

for line in sys.stdin:
    f = line.split()
    if not f:
        continue
    case, osrc, odst, isrc, idst = f[:5]
    sport, dport = (int(f[5]), int(f[6])) if len(f) > 6 else (0, 0)
    outer = IPv6(src=osrc, dst=odst, nh=4)
    if case == "udp":
        pkt = outer / IP(src=isrc, dst=idst) / UDP(sport=sport, dport=dport) / Raw(b"x")
    elif case == "gre":
        pkt = outer / IP(src=isrc, dst=idst) / GRE() / Raw(b"x")
    elif case == "short":
        pkt = outer / Raw(bytes(IP(src=isrc, dst=idst, ihl=15))[:20] + b"\0" * 4)
    else:
        sys.exit("unknown case " + case)
    send(pkt, verbose=False)
