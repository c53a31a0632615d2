#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Many concurrent flows through a NAPT CE, and what the server saw.

  napt_flows.py server LOG UDPPORT,... TCPPORT,...
      echo UDP datagrams and accept TCP connections on those ports,
      appending "proto peer_ip peer_port local_port" to LOG for each new
      flow; forever
  napt_flows.py udp ADDR PORT N HOLD [WAIT]
      N UDP sockets, one datagram each, every one echoed (within WAIT
      seconds, 20); then keep them open HOLD seconds (so flows of several
      clients overlap); prints "N/N echoed", exit 0 when all were
  napt_flows.py udpfrom ADDR PORT SRC,... SPORT
      as udp, one flow from each SRC address, all from port SPORT
  napt_flows.py tcp ADDR PORT N HOLD
      N TCP connections held open HOLD seconds; prints "N/N connected"
  napt_flows.py check LOG ADDR PSID_LEN OFFSET [LOCAL_PORT]
      of the flows from ADDR (to LOCAL_PORT if given): how many, how many
      distinct (proto, peer port, local port), how many from ports of no
      PSID (A = 0); then per PSID seen, its flows and how many of the
      2^OFFSET - 1 ranges they used:
      "flows N distinct N nobody N" and "psid 0xNN flows N ranges N/M"
"""
import resource
import select
import socket
import sys
import time


def server(log, udp_ports, tcp_ports):
    out = open(log, "a", buffering=1)
    socks = {}
    for p in udp_ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", p))
        socks[s.fileno()] = ("udp", s, p)
    for p in tcp_ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", p))
        s.listen(1024)
        socks[s.fileno()] = ("tcp", s, p)
    seen = set()
    held = []
    poll = select.poll()
    for fd in socks:
        poll.register(fd, select.POLLIN)
    while True:
        for fd, _ in poll.poll():
            proto, s, port = socks[fd]
            if proto == "udp":
                data, peer = s.recvfrom(65535)
                s.sendto(data, peer)
                if (peer, port) not in seen:
                    seen.add((peer, port))
                    out.write("udp %s %d %d\n" % (peer[0], peer[1], port))
            else:
                c, peer = s.accept()
                held.append(c)
                out.write("tcp %s %d %d\n" % (peer[0], peer[1], port))


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, min(max(hard, n + 64), 1 << 20))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))


def udp(addr, port, n, hold, wait=20.0, binds=None):
    raise_nofile(n)
    socks = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if binds:
            s.bind(binds[i])
        s.connect((addr, port))
        s.send(b"flow %d" % i)
        socks.append(s)
    pending = {s.fileno(): s for s in socks}
    poll = select.poll()
    for fd in pending:
        poll.register(fd, select.POLLIN)
    deadline = time.time() + wait
    ok = 0
    resent = time.time()
    while pending and time.time() < deadline:
        for fd, _ in poll.poll(500):
            s = pending.pop(fd, None)
            if s is None:
                continue
            poll.unregister(fd)
            try:
                s.recv(100)
                ok += 1
            except OSError:
                pass
        # A datagram lost to a full queue (TCG is slow): ask again.
        if time.time() - resent > 3:
            resent = time.time()
            for s in pending.values():
                s.send(b"again")
    print("%d/%d echoed" % (ok, n))
    sys.stdout.flush()
    time.sleep(hold)
    return ok == n


def tcp(addr, port, n, hold):
    raise_nofile(n)
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(20)
        try:
            s.connect((addr, port))
            socks.append(s)
        except OSError:
            s.close()
    print("%d/%d connected" % (len(socks), n))
    sys.stdout.flush()
    time.sleep(hold)
    return len(socks) == n


def check(log, addr, psid_len, offset, local=None):
    m = 16 - offset - psid_len
    flows = [line.split() for line in open(log)]
    flows = [f for f in flows if f[1] == addr and (local is None or int(f[3]) == local)]
    distinct = {(f[0], f[2], f[3]) for f in flows}
    nobody = 0
    per = {}
    for f in flows:
        p = int(f[2])
        a = p >> (16 - offset)
        if a == 0:
            nobody += 1
            continue
        e = per.setdefault((p >> m) & ((1 << psid_len) - 1), [0, set()])
        e[0] += 1
        e[1].add(a)
    print("flows %d distinct %d nobody %d" % (len(flows), len(distinct), nobody))
    for psid in sorted(per):
        print("psid 0x%02x flows %d ranges %d/%d"
              % (psid, per[psid][0], len(per[psid][1]), (1 << offset) - 1))


cmd = sys.argv[1]
if cmd == "server":
    server(sys.argv[2], [int(p) for p in sys.argv[3].split(",") if p],
           [int(p) for p in sys.argv[4].split(",") if p])
elif cmd in ("udp", "tcp"):
    fn = udp if cmd == "udp" else tcp
    extra = [float(sys.argv[6])] if cmd == "udp" and len(sys.argv) > 6 else []
    sys.exit(0 if fn(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                     float(sys.argv[5]), *extra) else 1)
elif cmd == "udpfrom":
    srcs = [(a, int(sys.argv[5])) for a in sys.argv[4].split(",")]
    sys.exit(0 if udp(sys.argv[2], int(sys.argv[3]), len(srcs), 0, 20.0, srcs) else 1)
elif cmd == "check":
    check(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]),
          int(sys.argv[6]) if len(sys.argv) > 6 else None)
else:
    sys.exit(__doc__)
