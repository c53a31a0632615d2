#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Byte-level checks of mode t against the RFCs, for mapt_rfc.sh.

Runs in the tester namespace, which holds the far end of every link of
the BR and the CE (b4/b6: the BR's IPv4 and IPv6 sides, c4/c6: the CE's),
and speaks raw Ethernet there: each case sends one frame into a
translator and reads what leaves the other side. Expected values come from
the RFC texts (cited per case), never from the product. Prints one line a
check: "ok|fail<TAB>what<TAB>detail".
"""
import logging
import socket
import struct
import sys
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (ICMP, IP, TCP, UDP, Ether, ICMPv6DestUnreach,  # noqa: E402
                       ICMPv6EchoRequest, ICMPv6PacketTooBig,
                       ICMPv6ParamProblem, ICMPv6TimeExceeded, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, Raw)

MAC = {p: sys.argv[i + 1] for i, p in enumerate(("b4", "b6", "c4", "c6"))}
PEER = {p: sys.argv[i + 5] for i, p in enumerate(("b4", "b6", "c4", "c6"))}

# RFC 7599 appendix A, examples 1-3: the CE's MAP address (example 1), the
# IPv4 host 10.2.3.4 in the DMR 2001:db8:ffff::/64 (examples 2 and 3).
CE6 = "2001:db8:12:3400:0:c000:212:34"
CE4 = "192.0.2.18"
H4 = "10.2.3.4"
H4_6 = "2001:db8:ffff:0:a:203:400:0"
SPORT = 1232		# PSID 0x34, offset 6: ports 1232-1235 ... (example 1)
SRV = "203.0.113.2"
ROUTER6 = "2001:db8:fe00:2::1"	# the CE's IPv6 next hop: no IPv4 form


def dmr64(v4):
    """RFC 6052 section 2.2, /64: the u octet (bits 64-71) zero, then
    the 32 bits of the IPv4 address, then zeros."""
    b = bytes.fromhex("20010db8ffff0000") + bytes(1) + \
        socket.inet_aton(v4) + bytes(3)
    return socket.inet_ntop(socket.AF_INET6, b)


SRV6 = dmr64(SRV)
H4_6_CALC = dmr64(H4)

socks = {}
for port in MAC:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((port, 0))
    s.setblocking(False)
    socks[port] = s


def drain(port):
    while True:
        try:
            socks[port].recv(65535)
        except BlockingIOError:
            return


def cksum(data):
    """RFC 1071 sum, folded; 0xffff over data holding a valid checksum."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


class V6:
    """An IPv6 packet from its bytes; ext: the extension headers skipped
    (HBH 0, routing 43, fragment 44, destination options 60)."""

    def __init__(self, b):
        w, self.plen, self.nh, self.hlim = struct.unpack("!IHBB", b[:8])
        self.tc = (w >> 20) & 0xff
        self.fl = w & 0xfffff
        self.src = socket.inet_ntop(socket.AF_INET6, b[8:24])
        self.dst = socket.inet_ntop(socket.AF_INET6, b[24:40])
        self.raw = b
        self.frag = None
        nh, off = self.nh, 40
        while nh in (0, 43, 44, 60):
            if nh == 44:
                fo, ident = struct.unpack("!HI", b[off + 2:off + 8])
                self.frag = (ident, fo >> 3, fo & 1)
                nh, off = b[off], off + 8
            else:
                nh, off = b[off], off + 8 * (b[off + 1] + 1)
        self.proto, self.l4 = nh, b[off:40 + self.plen]

    def l4_ok(self):
        """RFC 8200 section 8.1 pseudo-header checksum."""
        ph = self.raw[8:40] + struct.pack("!IxxxB", len(self.l4), self.proto)
        return cksum(ph + self.l4) == 0xffff


class V4:
    def __init__(self, b):
        (vi, self.tos, self.tlen, self.id, fo, self.ttl, self.proto,
         _) = struct.unpack("!BBHHHBBH", b[:12])
        self.ihl = (vi & 15) * 4
        self.df, self.mf, self.off = fo >> 14 & 1, fo >> 13 & 1, fo & 0x1fff
        self.src = socket.inet_ntoa(b[12:16])
        self.dst = socket.inet_ntoa(b[16:20])
        self.raw = b
        self.hdr_ok = cksum(b[:self.ihl]) == 0xffff
        self.l4 = b[self.ihl:self.tlen]

    def l4_ok(self):
        """RFC 768/793 pseudo-header checksum; ICMP has none (RFC 792)."""
        if self.proto == 1:
            return cksum(self.l4) == 0xffff
        ph = self.raw[12:20] + struct.pack("!xBH", self.proto, len(self.l4))
        return cksum(ph + self.l4) == 0xffff


def xchg(into, frame, out, pred=lambda p: True, wait=2.0):
    """Send frame on port into; the first IP packet leaving at port out
    (as V4 or V6) that pred accepts, else None."""
    drain(out)
    socks[into].send(bytes(Ether(src=MAC[into], dst=PEER[into]) / frame))
    end = time.time() + wait
    while time.time() < end:
        try:
            b, addr = socks[out].recvfrom(65535)
        except BlockingIOError:
            time.sleep(0.005)
            continue
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        et = struct.unpack("!H", b[12:14])[0]
        if et == 0x86dd:
            p = V6(b[14:])
        elif et == 0x0800:
            p = V4(b[14:])
        else:
            continue
        if pred(p):
            return p
    return None


def result(ok, what, detail=""):
    print("%s\t%s\t%s" % ("ok" if ok else "fail", what, detail), flush=True)


def expect(what, got, want):
    result(got == want, what, "got %r, want %r" % (got, want))


def fields(what, p, want):
    """Check p's attributes against want {name: value} as one line."""
    if p is None:
        result(False, what, "nothing came out")
        return False
    got = {k: getattr(p, k) for k in want}
    bad = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
    result(not bad, what, " ".join("%s=%r want %r" % (k, g, w)
                                  for k, (g, w) in bad.items()))
    return not bad


def is6(p):
    return isinstance(p, V6)


def is4(p):
    return isinstance(p, V4)


def udp_ports(l4):
    return struct.unpack("!HH", l4[:4])


# ---- RFC 7599 appendix A (and RFC 7597 appendix A example 1, which gives
# the same BMR and the same CE address 2001:db8:12:3400:0:c000:212:34).
expect("RFC 6052 2.2: 10.2.3.4 in the /64 DMR is appendix A's address",
       H4_6_CALC, H4_6)

# Example 2 (BR): 10.2.3.4:80 -> 192.0.2.18:1232, TCP.
p = xchg("b4", IP(src=H4, dst=CE4) / TCP(sport=80, dport=SPORT, flags="S"),
         "b6", is6)
fields("RFC 7599 A ex.2: BR, IPv6 source = 2001:db8:ffff:0:a:203:400::",
       p, {"src": H4_6})
fields("RFC 7599 A ex.2: BR, IPv6 destination = CE 2001:db8:12:3400:0:c000:212:34",
       p, {"dst": CE6})
expect("RFC 7599 A ex.2: BR, TCP ports 80 -> 1232",
       p and udp_ports(p.l4), (80, SPORT))
result(p is not None and p.l4_ok(), "RFC 7915 4.5: BR, TCP checksum valid")

# Example 3 (CE, DMR): 192.0.2.18:1232 -> 10.2.3.4:80.
p = xchg("c4", IP(src=CE4, dst=H4) / TCP(sport=SPORT, dport=80, flags="S"),
         "c6", is6)
fields("RFC 7599 A ex.3: CE, source = its MAP address (ex.1)", p,
       {"src": CE6})
fields("RFC 7599 A ex.3: CE, destination = 10.2.3.4 in the DMR", p,
       {"dst": H4_6})
result(p is not None and p.l4_ok(), "RFC 7915 4.5: CE, TCP checksum valid")

# The reverse directions of examples 2 and 3.
p = xchg("b6", IPv6(src=CE6, dst=H4_6) / TCP(sport=SPORT, dport=80),
         "b4", is4)
fields("RFC 7599 A ex.2 reversed: BR, 192.0.2.18 -> 10.2.3.4", p,
       {"src": CE4, "dst": H4})
p = xchg("c6", IPv6(src=H4_6, dst=CE6) / TCP(sport=80, dport=SPORT),
         "c4", is4)
fields("RFC 7599 A ex.3 reversed: CE, 10.2.3.4 -> 192.0.2.18", p,
       {"src": H4, "dst": CE4})
result(p is not None and p.l4_ok() and p.hdr_ok,
       "RFC 7915 5.1/5.5: CE, IPv4 header and TCP checksums valid")

# ---- RFC 7915 section 4.1: IPv4 -> IPv6 header, at the BR.
pay = Raw(bytes(range(100)))
sid = b"\x01\x01\x88\x04\x12\x34\x00\x00"  # NOP NOP Stream ID, EOL (RFC 791)
v4 = IP(src=SRV, dst=CE4, tos=0xb8, ttl=64, id=0x1234, flags="DF",
        options=[Raw(sid)]) / UDP(sport=53, dport=SPORT) / pay
p = xchg("b4", v4, "b6", lambda p: is6(p) and p.proto == 17)
fields("RFC 7915 4.1: BR, TC = TOS, flow label 0, hop limit = TTL - 1",
       p, {"tc": 0xb8, "fl": 0, "hlim": 63})
fields("RFC 7915 4.1: BR, options dropped: next header 17, no frag header",
       p, {"nh": 17, "frag": None})
fields("RFC 7915 4.1: BR, payload length = total length - IHL*4",
       p, {"plen": len(v4) - 28})
fields("RFC 7915 4.1/RFC 6052: BR, addresses", p,
       {"src": SRV6, "dst": CE6})
result(p is not None and p.l4_ok(), "RFC 7915 4.5: BR, UDP checksum valid")
expect("RFC 7915 4: BR, UDP payload unchanged",
       p and p.l4[8:], bytes(range(100)))

# DF clear, not fragmented: no Fragment Header (RFC 7915 section 4).
p = xchg("b4", IP(src=SRV, dst=CE4, ttl=9) / UDP(sport=53, dport=SPORT) / pay,
         "b6", lambda p: is6(p) and p.proto == 17)
fields("RFC 7915 4: BR, DF clear, unfragmented: no Fragment Header", p,
       {"nh": 17, "frag": None, "hlim": 8})

# An IPv4 fragment pair: Fragment Header, ID's low 16 bits, M, offset.
dgram = bytes(IP(src=SRV, dst=CE4) / UDP(sport=53, dport=SPORT) /
              Raw(bytes(200)))[20:]
f1 = IP(src=SRV, dst=CE4, id=0xabcd, flags="MF", proto=17) / Raw(dgram[:96])
f2 = IP(src=SRV, dst=CE4, id=0xabcd, frag=12, proto=17) / Raw(dgram[96:])
p = xchg("b4", f1, "b6", lambda p: is6(p) and p.frag)
fields("RFC 7915 4.1: BR, first fragment: Fragment Header id/offset/M",
       p, {"frag": (0xabcd, 0, 1), "proto": 17, "plen": 96 + 8})
p2 = xchg("b4", f2, "b6", lambda p: is6(p) and p.frag)
fields("RFC 7915 4.1: BR, last fragment: id, offset 12 (96 bytes), M 0",
       p2, {"frag": (0xabcd, 12, 0), "proto": 17, "plen": len(dgram) - 96 + 8})
if p and p2:
    whole = p.l4 + p2.l4
    ph = p.raw[8:40] + struct.pack("!IxxxB", len(whole), 17)
    result(cksum(ph + whole) == 0xffff,
           "RFC 7915 4.5: BR, UDP checksum of the fragmented datagram valid")
else:
    result(False, "RFC 7915 4.5: BR, UDP checksum of the fragmented datagram valid",
           "fragments missing")

# RFC 7915 4.5: UDP zero checksum computed when unfragmented...
z = IP(src=SRV, dst=CE4) / UDP(sport=53, dport=SPORT, chksum=0) / pay
p = xchg("b4", z, "b6", lambda p: is6(p) and p.proto == 17)
result(p is not None and p.l4_ok() and p.l4[6:8] != b"\0\0",
       "RFC 7915 4.5: BR, UDP zero checksum computed",
       p and "checksum %s" % p.l4[6:8].hex())
# ... and a first fragment with zero checksum dropped.
zd = bytearray(dgram)
zd[6:8] = b"\0\0"
p = xchg("b4", IP(src=SRV, dst=CE4, id=0x5a5a, flags="MF", proto=17) /
         Raw(bytes(zd[:96])), "b6", lambda p: is6(p) and p.proto == 17,
         wait=0.5)
result(p is None, "RFC 7915 4.5: BR, first fragment with zero UDP checksum dropped")

# Echo request 8 -> 128 (RFC 7915 4.2), ICMPv6 checksum with pseudo-header.
p = xchg("b4", IP(src=SRV, dst=CE4, ttl=20) /
         ICMP(type=8, id=SPORT + 1, seq=7) / Raw(b"ping" * 8),
         "b6", lambda p: is6(p) and p.proto == 58)
fields("RFC 7915 4.1: BR, ICMP: next header 58, hop limit 19", p,
       {"nh": 58, "hlim": 19})
expect("RFC 7915 4.2: BR, echo request 8/0 -> 128/0, id, seq, data",
       p and p.l4[:2] + p.l4[4:], bytes([128, 0]) +
       struct.pack("!HH", SPORT + 1, 7) + b"ping" * 8)
result(p is not None and p.l4_ok(), "RFC 7915 4.2: BR, ICMPv6 checksum valid")


# ---- RFC 7915 sections 4.2/4.3: ICMPv4 errors -> ICMPv6, at the BR. The
# server reports on a datagram 192.0.2.18:1232 -> 203.0.113.2:53 of the CE.
inner4 = bytes(IP(src=CE4, dst=SRV, ttl=61, id=99) /
               UDP(sport=SPORT, dport=53) / Raw(b"q" * 40))


def err4(icmp, inner=inner4, ttl=64):
    return IP(src=SRV, dst=CE4, ttl=ttl) / icmp / Raw(inner)


def icmp6_of(p):
    """(type, code, 4 bytes after the checksum) of an ICMPv6 message."""
    return p.l4[0], p.l4[1], struct.unpack("!I", p.l4[4:8])[0]


def want6(what, icmp, typ, code, word=0):
    p = xchg("b4", err4(icmp), "b6", lambda p: is6(p) and p.proto == 58)
    if p is None:
        result(False, what, "nothing came out")
        return None
    expect(what, icmp6_of(p), (typ, code, word))
    return p


p = want6("RFC 7915 4.2: 3/3 port unreachable -> 1/4",
          ICMP(type=3, code=3), 1, 4)
if p:
    fields("RFC 7915 4.2: BR, error from 203.0.113.2 to the CE, hop limit 63",
           p, {"src": SRV6, "dst": CE6, "hlim": 63})
    result(p.l4_ok(), "RFC 7915 4.2: BR, ICMPv6 error checksum valid")
    q = V6(p.l4[8:])
    fields("RFC 7915 4.3: BR, inner packet translated, its TTL untouched",
           q, {"src": CE6, "dst": SRV6, "hlim": 61, "nh": 17,
               "plen": len(inner4) - 20})
    expect("RFC 7915 4.3: BR, inner UDP ports and data unchanged",
           q.raw[40:], inner4[20:])
    expect("RFC 7915 4.3: BR, outer payload length follows the inner",
           p.plen, 8 + 40 + len(inner4) - 20)
for c, t6, c6 in ((0, 1, 0), (1, 1, 0), (5, 1, 0), (6, 1, 0), (9, 1, 1),
                  (10, 1, 1), (11, 1, 0), (13, 1, 1), (15, 1, 1)):
    want6("RFC 7915 4.2: 3/%d -> %d/%d" % (c, t6, c6),
          ICMP(type=3, code=c), t6, c6)
want6("RFC 7915 4.2: 3/2 protocol unreachable -> 4/1 pointer 6",
      ICMP(type=3, code=2), 4, 1, 6)
want6("RFC 7915 4.2: 3/4 MTU 1300 -> packet too big 1320 (+20)",
      ICMP(type=3, code=4, nexthopmtu=1300), 2, 0, 1320)
want6("RFC 7915 5 (4.2): 3/4 MTU 1000 -> packet too big 1280, never lower",
      ICMP(type=3, code=4, nexthopmtu=1000), 2, 0, 1280)
want6("RFC 7915 4.2: 11/0 time exceeded -> 3/0", ICMP(type=11, code=0), 3, 0)
want6("RFC 7915 4.2: 11/1 -> 3/1", ICMP(type=11, code=1), 3, 1)
# Figure 3: IPv4 pointer -> IPv6 pointer.
for p4, p6 in ((0, 0), (1, 1), (2, 4), (3, 4), (8, 7), (9, 6), (12, 8),
               (15, 8), (16, 24), (19, 24)):
    want6("RFC 7915 4.2 fig.3: 12/0 pointer %d -> 4/0 pointer %d" % (p4, p6),
          ICMP(type=12, code=0, ptr=p4), 4, 0, p6)
want6("RFC 7915 4.2: 12/2 bad length pointer 2 -> 4/0 pointer 4",
      ICMP(type=12, code=2, ptr=2), 4, 0, 4)
# Silently dropped (RFC 7915 4.2): 3/14, source quench, redirect, 12/1,
# timestamp, information request, pointer on the ID (fig.3: n/a).
for icmp, name in ((ICMP(type=3, code=14), "3/14"), (ICMP(type=4), "4/0"),
                   (ICMP(type=5, code=1), "5/1"), (ICMP(type=12, code=1), "12/1"),
                   (ICMP(type=12, code=0, ptr=4), "12/0 pointer 4"),
                   (ICMP(type=13, id=SPORT), "13 timestamp"),
                   (ICMP(type=15, id=SPORT), "15 info request")):
    p = xchg("b4", err4(icmp) if icmp.type not in (13, 15) else
             IP(src=SRV, dst=CE4) / icmp,
             "b6", lambda p: is6(p) and p.proto == 58, wait=0.3)
    result(p is None, "RFC 7915 4.2: BR, %s silently dropped" % name,
           p and "came out as %d/%d" % icmp6_of(p)[:2])

# RFC 1812 4.3.2.3 / RFC 4443 2.4(c): a big error stays within 1280 bytes.
big4 = bytes(IP(src=CE4, dst=SRV, ttl=61) / UDP(sport=SPORT, dport=53) /
             Raw(bytes(1400)))
p = xchg("b4", err4(ICMP(type=3, code=3), big4), "b6",
         lambda p: is6(p) and p.proto == 58)
result(p is not None and 40 + p.plen <= 1280 and p.l4_ok(),
       "RFC 4443 2.4(c): BR, translated error cut to 1280 bytes, checksum ok",
       p and "%d bytes" % (40 + p.plen))

# ---- RFC 7915 section 5.1: IPv6 -> IPv4 header, at the BR.
u6 = IPv6(src=CE6, dst=SRV6, tc=0xb8, fl=0x12345, hlim=64) / \
    UDP(sport=SPORT, dport=53) / pay
p = xchg("b6", u6, "b4", lambda p: is4(p) and p.proto == 17)
fields("RFC 7915 5.1: BR, TOS = TC, TTL = hop limit - 1, IHL 5", p,
       {"tos": 0xb8, "ttl": 63, "ihl": 20, "proto": 17})
fields("RFC 7915 5.1: BR, total length = payload length + 20, DF 0 (<=1260)",
       p, {"tlen": len(u6) - 40 + 20, "df": 0, "mf": 0, "off": 0})
fields("RFC 7915 5.1: BR, addresses", p, {"src": CE4, "dst": SRV})
result(p is not None and p.hdr_ok and p.l4_ok(),
       "RFC 7915 5.1/5.5: BR, IPv4 header and UDP checksums valid")
for size, df in ((1260, 0), (1261, 1)):
    p = xchg("b6", IPv6(src=CE6, dst=SRV6) / UDP(sport=SPORT, dport=53) /
             Raw(bytes(size - 28)), "b4", lambda p: is4(p) and p.proto == 17)
    fields("RFC 7915 5: BR, a %d-byte IPv4 packet has DF %d" % (size, df), p,
           {"tlen": size, "df": df})

# Extension headers skipped (RFC 7915 5.1, "Protocol" and "Total Length").
x6 = IPv6(src=CE6, dst=SRV6) / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / \
    IPv6ExtHdrRouting(segleft=0) / UDP(sport=SPORT, dport=53) / pay
p = xchg("b6", x6, "b4", lambda p: is4(p) and p.proto == 17)
fields("RFC 7915 5.1: BR, HBH/DestOpt/Routing(segleft 0) skipped", p,
       {"proto": 17, "tlen": 20 + 8 + 100, "ihl": 20})
# Routing header with segments left: parameter problem at Segments Left.
r6 = IPv6(src=CE6, dst=SRV6) / IPv6ExtHdrRouting(
    segleft=1, addresses=["2001:db8:fe00:1::9"]) / UDP(sport=SPORT, dport=53)
p = xchg("b6", r6, "b6", lambda p: is6(p) and p.proto == 58 and p.dst == CE6)
expect("RFC 7915 5.1: BR, routing header segleft 1 -> ICMPv6 4/0 pointer 43",
       p and icmp6_of(p), (4, 0, 43))
result(xchg("b6", r6, "b4", is4, wait=0.3) is None,
       "RFC 7915 5.1: BR, routing header segleft 1 not translated")

# Fragment Header -> IPv4 fragment (RFC 7915 5.1.1).
d6 = bytes(IPv6(src=CE6, dst=SRV6) / UDP(sport=SPORT, dport=53) /
           Raw(bytes(200)))[40:]
g1 = IPv6(src=CE6, dst=SRV6) / IPv6ExtHdrFragment(
    id=0x1234abcd, m=1, offset=0, nh=17) / Raw(d6[:96])
g2 = IPv6(src=CE6, dst=SRV6) / IPv6ExtHdrFragment(
    id=0x1234abcd, m=0, offset=12, nh=17) / Raw(d6[96:])
p = xchg("b6", g1, "b4", lambda p: is4(p) and p.proto == 17)
fields("RFC 7915 5.1.1: BR, first fragment: ID low 16 bits, MF 1, DF 0",
       p, {"id": 0xabcd, "mf": 1, "df": 0, "off": 0, "tlen": 20 + 96})
p2 = xchg("b6", g2, "b4", lambda p: is4(p) and p.proto == 17)
fields("RFC 7915 5.1.1: BR, last fragment: same ID, offset 12, MF 0", p2,
       {"id": 0xabcd, "mf": 0, "df": 0, "off": 12,
        "tlen": 20 + len(d6) - 96})
ok = bool(p and p2)
if ok:
    ph = p.raw[12:20] + struct.pack("!xBH", 17, len(d6))
    ok = cksum(ph + p.l4 + p2.l4) == 0xffff
result(ok, "RFC 7915 5.5: BR, UDP checksum of the fragmented datagram valid")

# Echo request 128 -> 8.
p = xchg("b6", IPv6(src=CE6, dst=SRV6, hlim=30) /
         ICMPv6EchoRequest(id=SPORT + 2, seq=3, data=b"pong" * 4),
         "b4", lambda p: is4(p) and p.proto == 1)
expect("RFC 7915 5.2: BR, echo request 128/0 -> 8/0, id, seq, data",
       p and p.l4[:2] + p.l4[4:], bytes([8, 0]) +
       struct.pack("!HH", SPORT + 2, 3) + b"pong" * 4)
result(p is not None and p.l4_ok() and p.ttl == 29,
       "RFC 7915 5.2: BR, ICMP checksum valid (no pseudo-header), TTL 29")

# ---- RFC 7915 sections 5.2/5.3: ICMPv6 errors -> ICMPv4, at the BR. The
# CE reports on a datagram 203.0.113.2:53 -> its 1232.
inner6 = bytes(IPv6(src=SRV6, dst=CE6, hlim=61) /
               UDP(sport=53, dport=SPORT) / Raw(b"r" * 40))


def icmp4_of(p):
    return p.l4[0], p.l4[1], struct.unpack("!I", p.l4[4:8])[0]


def want4(what, icmp, typ, code, word=0, inner=inner6):
    p = xchg("b6", IPv6(src=CE6, dst=SRV6) / icmp / Raw(inner), "b4",
             lambda p: is4(p) and p.proto == 1)
    if p is None:
        result(False, what, "nothing came out")
        return None
    expect(what, icmp4_of(p), (typ, code, word))
    return p


p = want4("RFC 7915 5.2: 1/4 port unreachable -> 3/3",
          ICMPv6DestUnreach(code=4), 3, 3)
if p:
    fields("RFC 7915 5.2: BR, error from the CE to 203.0.113.2, TTL 63", p,
           {"src": CE4, "dst": SRV, "ttl": 63})
    result(p.hdr_ok and p.l4_ok(), "RFC 7915 5.2: BR, ICMP checksums valid")
    q = V4(p.l4[8:])
    fields("RFC 7915 5.3: BR, inner packet translated, its hop limit untouched",
           q, {"src": SRV, "dst": CE4, "ttl": 61, "proto": 17,
               "tlen": len(inner6) - 40 + 20, "hdr_ok": True})
    expect("RFC 7915 5.3: BR, inner UDP ports and data unchanged",
           q.raw[20:], inner6[40:])
for c, t4, c4 in ((0, 3, 1), (1, 3, 10), (2, 3, 1), (3, 3, 1)):
    want4("RFC 7915 5.2: 1/%d -> %d/%d" % (c, t4, c4),
          ICMPv6DestUnreach(code=c), t4, c4)
want4("RFC 7915 5.2: packet too big 1400 -> 3/4 MTU 1380 (-20)",
      ICMPv6PacketTooBig(mtu=1400), 3, 4, 1380)
want4("RFC 7915 5.2: 3/0 time exceeded -> 11/0", ICMPv6TimeExceeded(code=0),
      11, 0)
want4("RFC 7915 5.2: 3/1 -> 11/1", ICMPv6TimeExceeded(code=1), 11, 1)
want4("RFC 7915 5.2: 4/1 unrecognized next header -> 3/2",
      ICMPv6ParamProblem(code=1, ptr=6), 3, 2)
# Figure 6: IPv6 pointer -> IPv4 pointer (the pointer is the first octet).
for p6, p4 in ((0, 0), (1, 1), (4, 2), (5, 2), (6, 9), (7, 8), (8, 12),
               (23, 12), (24, 16), (39, 16)):
    want4("RFC 7915 5.2 fig.6: 4/0 pointer %d -> 12/0 pointer %d" % (p6, p4),
          ICMPv6ParamProblem(code=0, ptr=p6), 12, 0, p4 << 24)
for icmp, name in ((ICMPv6ParamProblem(code=0, ptr=2), "4/0 pointer 2"),
                   (ICMPv6ParamProblem(code=0, ptr=40), "4/0 pointer 40"),
                   (ICMPv6ParamProblem(code=2, ptr=40), "4/2"),
                   (ICMPv6DestUnreach(code=5), "1/5")):
    p = xchg("b6", IPv6(src=CE6, dst=SRV6) / icmp / Raw(inner6), "b4",
             lambda p: is4(p) and p.proto == 1, wait=0.3)
    result(p is None, "RFC 7915 5.2: BR, %s silently dropped" % name,
           p and "came out as %d/%d" % icmp4_of(p)[:2])
big6 = bytes(IPv6(src=SRV6, dst=CE6, hlim=61) / UDP(sport=53, dport=SPORT) /
             Raw(bytes(1000)))
p = xchg("b6", IPv6(src=CE6, dst=SRV6) / ICMPv6DestUnreach(code=4) /
         Raw(big6), "b4", lambda p: is4(p) and p.proto == 1)
result(p is not None and p.tlen <= 576 and p.hdr_ok and p.l4_ok(),
       "RFC 1812 4.3.2.3: BR, translated error cut to 576 bytes, checksums ok",
       p and "%d bytes" % p.tlen)

# ---- At the CE: both directions of the header rules, its errors.
p = xchg("c4", IP(src=CE4, dst=SRV, tos=0x28, ttl=64) /
         UDP(sport=SPORT, dport=53) / pay, "c6",
         lambda p: is6(p) and p.proto == 17)
fields("RFC 7915 4.1: CE, TC = TOS, flow label 0, hop limit = TTL - 1", p,
       {"tc": 0x28, "fl": 0, "hlim": 63, "src": CE6, "dst": SRV6,
        "plen": 108})
result(p is not None and p.l4_ok(), "RFC 7915 4.5: CE, UDP checksum valid")
p = xchg("c6", IPv6(src=SRV6, dst=CE6, tc=0x28, fl=7, hlim=64) /
         UDP(sport=53, dport=SPORT) / pay, "c4",
         lambda p: is4(p) and p.proto == 17)
fields("RFC 7915 5.1: CE, TOS = TC, TTL = hop limit - 1, length, DF 0", p,
       {"tos": 0x28, "ttl": 63, "tlen": 128, "df": 0, "src": SRV, "dst": CE4})
result(p is not None and p.hdr_ok and p.l4_ok(),
       "RFC 7915 5.1/5.5: CE, IPv4 header and UDP checksums valid")
p = xchg("c4", IP(src=CE4, dst=SRV) / ICMP(type=8, id=SPORT, seq=1) /
         Raw(b"abcd"), "c6", lambda p: is6(p) and p.proto == 58)
expect("RFC 7915 4.2: CE, echo request 8 -> 128, id, seq",
       p and p.l4[:2] + p.l4[4:], bytes([128, 0]) +
       struct.pack("!HH", SPORT, 1) + b"abcd")
result(p is not None and p.l4_ok(), "RFC 7915 4.2: CE, ICMPv6 checksum valid")
# The server's packet too big about the CE's datagram.
ci6 = bytes(IPv6(src=CE6, dst=SRV6, hlim=62) / UDP(sport=SPORT, dport=53) /
            Raw(b"s" * 40))
p = xchg("c6", IPv6(src=SRV6, dst=CE6) / ICMPv6PacketTooBig(mtu=1350) /
         Raw(ci6), "c4", lambda p: is4(p) and p.proto == 1)
if p:
    expect("RFC 7915 5.2: CE, packet too big 1350 -> 3/4 MTU 1330",
           icmp4_of(p), (3, 4, 1330))
    fields("RFC 7915 5.3: CE, the inner datagram translated", V4(p.l4[8:]),
           {"src": CE4, "dst": SRV, "ttl": 62, "tlen": 20 + 48})
    result(p.hdr_ok and p.l4_ok(), "RFC 7915 5.2: CE, ICMP checksums valid")
else:
    result(False, "RFC 7915 5.2: CE, packet too big translated", "nothing came out")
# A router of the IPv6 domain, with no IPv4 form: RFC 6791 source, the
# CE's icmp-src, 192.0.0.8 (RFC 7600).
p = xchg("c6", IPv6(src=ROUTER6, dst=CE6) / ICMPv6TimeExceeded(code=0) /
         Raw(ci6), "c4", lambda p: is4(p) and p.proto == 1)
fields("RFC 6791/7600: CE, time exceeded from a router, from 192.0.0.8", p,
       {"src": "192.0.0.8", "dst": CE4})
# The host behind the CE reports on the server's datagram.
ci4 = bytes(IP(src=SRV, dst=CE4, ttl=60) / UDP(sport=53, dport=SPORT) /
            Raw(b"t" * 40))
p = xchg("c4", IP(src=CE4, dst=SRV) / ICMP(type=3, code=3) / Raw(ci4), "c6",
         lambda p: is6(p) and p.proto == 58)
if p:
    expect("RFC 7915 4.2: CE, 3/3 -> 1/4", icmp6_of(p), (1, 4, 0))
    fields("RFC 7915 4.3: CE, the inner datagram translated", V6(p.l4[8:]),
           {"src": SRV6, "dst": CE6, "hlim": 60, "plen": 48})
    result(p.l4_ok(), "RFC 7915 4.2: CE, ICMPv6 checksum valid")
else:
    result(False, "RFC 7915 4.2: CE, port unreachable translated",
           "nothing came out")
