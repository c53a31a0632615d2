#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Helpers for frag_options.sh, without scapy (it loads slowly in the VM).

  frag_options.py sink PORT N SECONDS
      print "ready", then the size of each UDP datagram received on PORT,
      until N came or SECONDS passed; exit 0 when N came.

  frag_options.py send ADDR PORT SPORT SIZE...
      send one UDP datagram of each SIZE, DF clear, and wait for nothing.

  frag_options.py raw SRC DST LINE...
      send bare IPv4 fragments through a raw socket, in a burst (one
      process, no scapy: a frag-timeout of 1 s is long enough for it):
        flood:N:ID0             N non-first fragments (offset 1400, MF,
                                UDP, 64 bytes), IDs ID0, ID0 + 1...
        first:N:ID0:SPORT:DPORT N first fragments (MF) of 3000-byte UDP
                                datagrams, IDs ID0, ID0 + 1...

  frag_options.py capture IFACE SRC
      print "ready", then "ID OFFSET MF" for every IPv4 fragment from SRC
      seen on IFACE, in or out (AF_PACKET: on the way out, as the stack
      hands it to the device, before the device's transmit routine),
      until killed.

  frag_options.py idcheck PSID|keep BEFORE AFTER
      of the fragments captured in AFTER print "N/M", N of the M having
      ((id >> 2) & 0xff) == PSID (RFC 7597 8.3.3 with offset 6 and PSID
      length 8; for keep, N = M), then "same" when they are those of
      BEFORE with each identification rewritten into PSID's set,
      (A << 10) | (PSID << 2) | j, or unchanged for keep (as multisets
      of (id, offset, MF)), else both lists.

  frag_options.py setlink IFNAME TYPE=VALUE... [-- TYPE=VALUE...]...
      one RTM_NEWLINK per group on a mape device with raw IFLA_MAPE_*
      attributes (u8 for types 13 and 14, u32 otherwise), bypassing ip's
      plugin; print "ok" or "errno N: EXTACK" for each, one a line.
"""
import os
import socket
import struct
import sys

import mapenl

OFFSET, PSID_LEN = 6, 8
M = 16 - OFFSET - PSID_LEN


def sink(port, n, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    s.settimeout(seconds)
    print("ready", flush=True)
    got = 0
    try:
        while got < n:
            print(len(s.recvfrom(65535)[0]), flush=True)
            got += 1
    except socket.timeout:
        pass
    return 0 if got == n else 1


def send(addr, port, sport, sizes):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_PMTUDISC_DONT: DF clear
    s.bind(("0.0.0.0", sport))
    for size in sizes:
        s.sendto(bytes(size), (addr, port))
    return 0


def ip4(src, dst, ident, frag, payload):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                      frag, 64, socket.IPPROTO_UDP, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return hdr[:10] + struct.pack("!H", ~s & 0xffff) + hdr[12:] + payload


def raw(src, dst, lines):
    pkts = []
    for line in lines:
        f = line.split(":")
        n, id0 = int(f[1]), int(f[2])
        for i in range(n):
            if f[0] == "flood":
                pkts.append(ip4(src, dst, id0 + i, 0x2000 | 1400 // 8,
                                bytes(64)))
            elif f[0] == "first":
                udp = struct.pack("!HHHH", int(f[3]), int(f[4]), 3008, 0)
                pkts.append(ip4(src, dst, id0 + i, 0x2000, udp + bytes(1392)))
            else:
                sys.exit("unknown: " + line)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for p in pkts:
        s.sendto(p, (dst, 0))
    return 0


def capture(iface, src):
    # ETH_P_ALL: protocol taps of a device do not see what it sends.
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(3))
    s.bind((iface, 3))
    want = socket.inet_aton(src)
    print("ready", flush=True)
    while True:
        pkt = s.recv(65535)
        if len(pkt) < 20 or pkt[0] >> 4 != 4 or pkt[12:16] != want:
            continue
        ident, frag = struct.unpack_from("!HH", pkt, 4)
        if frag & 0x3fff:
            print("%d %d %d" % (ident, (frag & 0x1fff) * 8, frag >> 13 & 1),
                  flush=True)


def read_capture(path):
    frags = []
    for line in open(path):
        f = line.split()
        if len(f) == 3:
            frags.append(tuple(int(x) for x in f))
    return frags


def psid_id(psid, ident):
    j = ident & ((1 << M) - 1)
    a = (ident >> M) & ((1 << OFFSET) - 1)
    return (a << (16 - OFFSET)) | (psid << M) | j


def idcheck(psid, before, after):
    b = read_capture(before)
    a = read_capture(after)
    if psid == "keep":
        ok = len(a)
    else:
        psid = int(psid, 0)
        ok = sum(1 for i, _, _ in a if (i >> M) & 0xff == psid)
        b = [(psid_id(psid, i), o, mf) for i, o, mf in b]
    same = "same" if sorted(a) == sorted(b) else \
        "want %s got %s" % (sorted(b), sorted(a))
    print("%d/%d %s" % (ok, len(a), same))
    return 0


def newlink(s, ifindex, words):
    data = b""
    for w in words:
        t, v = (int(x, 0) for x in w.split("="))
        data += mapenl.nla(t, struct.pack("=B" if t in (13, 14) else "=I", v))
    try:
        err, text = mapenl.newlink(s, data, ifindex=ifindex)
    except RuntimeError as e:
        return str(e)
    if not err:
        return "ok"
    return "errno %d: %s (%s)" % (err, os.strerror(err), text)


def setlink(ifname, args):
    s = mapenl.rtnl_socket()
    ifindex = socket.if_nametoindex(ifname)
    group = []
    for a in args + ["--"]:
        if a != "--":
            group.append(a)
        elif group:
            print(newlink(s, ifindex, group))
            group = []
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "sink":
        return sink(int(argv[2]), int(argv[3]), float(argv[4]))
    if cmd == "send":
        return send(argv[2], int(argv[3]), int(argv[4]),
                    [int(x) for x in argv[5:]])
    if cmd == "raw":
        return raw(argv[2], argv[3], argv[4:])
    if cmd == "capture":
        return capture(argv[2], argv[3])
    if cmd == "idcheck":
        return idcheck(argv[2], argv[3], argv[4])
    if cmd == "setlink":
        return setlink(argv[2], argv[3:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
