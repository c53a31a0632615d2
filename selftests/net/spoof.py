#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send crafted IPv4-in-IPv6 packets for spoof.sh (scapy, layer 3).

Reads one packet a line from stdin (scapy loads slowly in the VM, so one
process sends them all):

  CASE OUTER_SRC OUTER_DST INNER_SRC INNER_DST [SPORT DPORT [ID]]

CASE: udp (a UDP datagram), gre (a protocol without ports), short (an
IPv4 header cut short), first (the first fragment of UDP datagram ID, 64
bytes of its 136), later (its second and last fragment, no ports); t-udp
(MAP-T: a UDP datagram in IPv6 alone, the INNER addresses unused, "-");
t-udp-rev and t-echo-rev (MAP-T: a UDP datagram, or an ICMPv6 echo
request with SPORT as its identifier, of ID bytes, in IPv6 fragments of
at most 1280 bytes sent last first).
"""
import logging
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (GRE, ICMPv6EchoRequest, IP, IPv6,  # noqa: E402
                       IPv6ExtHdrFragment, UDP, Raw, fragment6, send)

for line in sys.stdin:
    f = line.split()
    if not f:
        continue
    case, osrc, odst, isrc, idst = f[:5]
    sport, dport = (int(f[5]), int(f[6])) if len(f) > 6 else (0, 0)
    ident = int(f[7]) if len(f) > 7 else 1
    outer = IPv6(src=osrc, dst=odst, nh=4)
    if case in ("t-udp-rev", "t-echo-rev"):
        if case == "t-udp-rev":
            l4 = UDP(sport=sport, dport=dport) / Raw(bytes(ident))
        else:
            l4 = ICMPv6EchoRequest(id=sport, seq=dport, data=bytes(ident))
        whole = IPv6(src=osrc, dst=odst) / IPv6ExtHdrFragment(id=0x5eed) / l4
        send(list(reversed(fragment6(whole, 1280))), verbose=False)
        continue
    if case == "t-udp":
        pkt = IPv6(src=osrc, dst=odst) / UDP(sport=sport, dport=dport) / Raw(b"x")
    elif case == "first":
        udp = bytes(UDP(sport=sport, dport=dport, len=136) / Raw(bytes(56)))
        pkt = outer / IP(src=isrc, dst=idst, id=ident, flags="MF", proto=17) / Raw(udp)
    elif case == "later":
        pkt = outer / IP(src=isrc, dst=idst, id=ident, frag=8, proto=17) / Raw(bytes(72))
    elif case == "udp":
        pkt = outer / IP(src=isrc, dst=idst) / UDP(sport=sport, dport=dport) / Raw(b"x")
    elif case == "gre":
        pkt = outer / IP(src=isrc, dst=idst) / GRE() / Raw(b"x")
    elif case == "short":
        pkt = outer / Raw(bytes(IP(src=isrc, dst=idst, ihl=15))[:20] + b"\0" * 4)
    else:
        sys.exit("unknown case " + case)
    send(pkt, verbose=False)
