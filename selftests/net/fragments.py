#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""IPv4 fragments for fragments.sh.

  fragments.py echo ADDR PORT SPORT SIZE...
      send one UDP datagram of each SIZE from SPORT, DF clear, each echoed
      back whole (udp_echo.py server); prints SIZE:ok|lost each, exit 0
      when all came back.

  fragments.py craft < LINES
      one line a command (scapy loads slowly in the VM: one process sends
      all); OSRC "-" sends bare IPv4 through a raw socket instead of
      IPv4-in-IPv6:

      dgram OSRC ODST ISRC IDST SPORT DPORT SIZE ID ORDER
          a UDP datagram of SIZE bytes cut into 1400-byte fragments, sent
          in ORDER: rev (last first), rand (seeded shuffle) or a comma list
          of fragment indexes, each optionally @OUTER_SRC to send it from
          another outer source. Prints "held N": the non-first fragments
          sent before the first.
      flood OSRC ODST ISRC IDST N ID0
          N non-first fragments (offset 1400, MF), IDs ID0, ID0 + 1...
"""
import logging
import random
import socket
import sys


def echo(addr, port, sport, sizes):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: fragment, DF clear
    s.setsockopt(socket.IPPROTO_IP, 10, 0)
    s.bind(("0.0.0.0", sport))
    s.settimeout(3)
    res, ok = [], True
    for size in sizes:
        msg = bytes((i * 7 + size) & 0xff for i in range(size))
        s.sendto(msg, (addr, port))
        try:
            got = s.recvfrom(65535)[0] == msg
        except socket.timeout:
            got = False
        res.append("%d:%s" % (size, "ok" if got else "lost"))
        ok = ok and got
    print(" ".join(res))
    return 0 if ok else 1


def craft():
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.all import IP, IPv6, UDP, Raw, fragment, send  # noqa: E402

    raw = None

    def emit(osrc, odst, frags):
        nonlocal raw
        if osrc == "-":
            if raw is None:
                raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
            for f in frags:
                raw.sendto(bytes(f), (f.dst, 0))
        else:
            send([IPv6(src=osrc, dst=odst, nh=4) / f for f in frags], verbose=False)

    rng = random.Random(7597)
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        if f[0] == "dgram":
            osrc, odst, isrc, idst = f[1:5]
            sport, dport, size, ident = map(int, f[5:9])
            order = f[9]
            pkt = IP(src=isrc, dst=idst, id=ident, flags=0) / \
                UDP(sport=sport, dport=dport) / Raw(bytes(size))
            frags = fragment(pkt, fragsize=1400)
            idx = list(range(len(frags)))
            if order == "rev":
                plan = [(i, osrc) for i in reversed(idx)]
            elif order == "rand":
                rng.shuffle(idx)
                plan = [(i, osrc) for i in idx]
            else:
                plan = []
                for item in order.split(","):
                    i, _, src = item.partition("@")
                    plan.append((int(i), src or osrc))
            print("held %d" % [i for i, _ in plan].index(0))
            # Consecutive fragments from one source go in one batch.
            batch, bsrc = [], None
            for i, src in plan:
                if batch and src != bsrc:
                    emit(bsrc, odst, batch)
                    batch = []
                batch.append(frags[i])
                bsrc = src
            emit(bsrc, odst, batch)
        elif f[0] == "flood":
            osrc, odst, isrc, idst = f[1:5]
            n, id0 = int(f[5]), int(f[6])
            emit(osrc, odst, [IP(src=isrc, dst=idst, id=id0 + i, flags="MF",
                                 frag=1400 // 8, proto=17) / Raw(bytes(64))
                              for i in range(n)])
        else:
            sys.exit("unknown command " + f[0])
    sys.stdout.flush()
    return 0


if sys.argv[1] == "echo":
    sys.exit(echo(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                  [int(x) for x in sys.argv[5:]]))
sys.exit(craft())
