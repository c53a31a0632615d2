#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""IPv4 fragments for fragments.sh.

  fragments.py echo ADDR PORT SPORT [df] SIZE...
      send one UDP datagram of each SIZE from SPORT, DF clear (or, with
      df, set: IP_PMTUDISC_DO), each echoed back whole (udp_echo.py
      server); prints SIZE:ok|lost each, exit 0 when all came back.

  fragments.py rawecho SRC ADDR PORT SPORT SIZE in|rev|ORDER [FRAGSIZE]
      without scapy: one UDP datagram of SIZE bytes from SRC:SPORT, cut
      into fragments of FRAGSIZE bytes (1400) with DF clear, sent through
      a raw socket in order, in reverse (the first one last) or in ORDER
      (a comma list of fragment indexes), echoed back whole to a socket on
      SPORT; prints SIZE:ok|lost, exit 0 when it came back.

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
import struct
import sys

from frag_options import ip4


def payload(size):
    return bytes((i * 7 + size) & 0xff for i in range(size))


def wait_echo(s, msg):
    """The next datagram on s (within its timeout) is msg."""
    try:
        return s.recvfrom(65535)[0] == msg
    except socket.timeout:
        return False


def echo_sizes(addr, port, sport, sizes, df=False, timeout=3):
    """Returns (ok, "SIZE:ok|lost ...")."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: fragment, DF clear; _DO: DF set
    s.setsockopt(socket.IPPROTO_IP, 10, 2 if df else 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", sport))
    s.settimeout(timeout)
    res, ok = [], True
    with s:
        for size in sizes:
            msg = payload(size)
            s.sendto(msg, (addr, port))
            got = wait_echo(s, msg)
            res.append("%d:%s" % (size, "ok" if got else "lost"))
            ok = ok and got
    return ok, " ".join(res)


def echo(addr, port, sport, sizes):
    df = sizes[:1] == ["df"]
    ok, text = echo_sizes(addr, port, sport,
                          [int(x) for x in sizes[df:]], df)
    print(text)
    return 0 if ok else 1


def udp_csum(src, dst, udp):
    data = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, socket.IPPROTO_UDP, len(udp)) + udp
    data += b"\0" * (len(data) & 1)
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff or 0xffff


def raw_echo(src, addr, port, sport, size, order, fragsize=1400, ident=None,
             timeout=3):
    """Returns (ok, "SIZE:ok|lost")."""
    fragsize &= ~7
    msg = payload(size)
    udp = struct.pack("!HHHH", sport, port, 8 + size, 0) + msg
    udp = udp[:6] + struct.pack("!H", udp_csum(src, addr, udp)) + udp[8:]
    ident = random.randrange(1 << 16) if ident is None else ident
    frags = [ip4(src, addr, ident,
                 (off // 8) | (0x2000 if off + fragsize < len(udp) else 0),
                 udp[off:off + fragsize])
             for off in range(0, len(udp), fragsize)]
    if order == "in":
        idx = range(len(frags))
    elif order == "rev":
        idx = reversed(range(len(frags)))
    else:
        idx = [int(i) for i in order.split(",")]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", sport))
    s.settimeout(timeout)
    with s, socket.socket(socket.AF_INET, socket.SOCK_RAW,
                          socket.IPPROTO_RAW) as r:
        for i in idx:
            r.sendto(frags[i], (addr, 0))
        got = wait_echo(s, msg)
    return got, "%d:%s" % (size, "ok" if got else "lost")


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


if __name__ == "__main__":
    if sys.argv[1] == "echo":
        sys.exit(echo(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                      sys.argv[5:]))
    if sys.argv[1] == "rawecho":
        ok, text = raw_echo(sys.argv[2], sys.argv[3], int(sys.argv[4]),
                            int(sys.argv[5]), int(sys.argv[6]), sys.argv[7],
                            *[int(x) for x in sys.argv[8:9]])
        print(text)
        sys.exit(0 if ok else 1)
    sys.exit(craft())
