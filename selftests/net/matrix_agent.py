#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""One host of matrix.sh, kept running: python starts slowly in the VM,
and the matrix sends a few hundred kinds of traffic.

  matrix_agent.py UDP_DF UDP_NODF TCP

serves UDP echo on UDP_DF (the kernel's default path MTU discovery) and
UDP_NODF (DF clear), and bulk TCP (tcp_blob.py serve) on TCP; prints
"ready", then runs one command a line from stdin and answers each with one
line that starts with "ok" or "fail":

  udp ADDR PORT SPORT df|nodf SIZE...   echo each SIZE (fragments.py echo)
  raw SRC ADDR PORT SPORT SIZE in|rev FRAGSIZE
                                        a datagram as bare fragments, in
                                        order or last first, echoed back
                                        (fragments.py rawecho)
  ping ADDR ID df|nodf SIZE COUNT       ICMP echo, identifier ID, payload
                                        SIZE random bytes, checked
  icmperr ADDR PORT SPORT SIZE df|nodf  "ok " and the line of icmp_err.py
  tcp get|put ADDR PORT SPORT BYTES df|nodf TIMEOUT
                                        one bulk transfer (tcp_blob.py)
  flush                                 forget the path MTUs learned
                                        (ip route flush cache, IPv4, IPv6)
  stats DEV|- MIB...                    "ok NAME=VALUE...": the counters
                                        of mapctl -j stats dev DEV (from
                                        one mapctl -b, kept); for each
                                        link IF, IF/rxe, IF/rxd, IF/txe,
                                        IF/txd (errors, drops: ip -s
                                        link); the MIB counters named
                                        (nstat's names)
  run CMD...                            run CMD, "ok" or "fail" and its
                                        output on one line
  kmsg                                  "ok" if the kernel logged no
                                        warning, oops... since the last
                                        kmsg, else "fail" and the lines
  idwatch IFACE SRC MASK VALUE [all|fragments]
                                        count the DF-clear IPv4 packets
                                        (or only the fragments) from SRC
                                        on IFACE, and those whose
                                        identification & MASK != VALUE
  idcount                               "ok bad B of N" since the last one
  idstop                                stop watching
"""
import ctypes
import errno
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

import fragments
import icmp_err
import tcp_blob
import udp_echo

# What selftests/vm/run fails a run for, in the kernel log.
SPLAT = re.compile(
    r"Oops|BUG:|WARNING:|KASAN|UBSAN|kernel BUG|general protection fault|"
    r"possible circular locking|suspicious RCU usage|inconsistent lock "
    r"state|possible recursive locking|Call Trace|soft lockup|hard LOCKUP|"
    r"refcount_t|Kernel panic|unregister_netdevice: waiting for|"
    r"blocked for more than|rcu.*detected stalls|unreferenced object")

IP_MTU_DISCOVER, IP_PMTUDISC_DONT, IP_PMTUDISC_DO = 10, 0, 2


def inet_csum(data):
    data += b"\0" * (len(data) & 1)
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ping(addr, ident, mode, size, count, timeout=2.0):
    ok = 0
    with socket.socket(socket.AF_INET, socket.SOCK_RAW,
                       socket.IPPROTO_ICMP) as s:
        s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER,
                     IP_PMTUDISC_DO if mode == "df" else IP_PMTUDISC_DONT)
        for seq in range(1, count + 1):
            data = os.urandom(size)
            hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
            csum = inet_csum(hdr + data)
            s.sendto(hdr[:2] + struct.pack("!H", csum) + hdr[4:] + data,
                     (addr, 0))
            end = time.monotonic() + timeout
            while time.monotonic() < end:
                s.settimeout(max(end - time.monotonic(), 0.01))
                try:
                    pkt = s.recv(65535)
                except socket.timeout:
                    break
                icmp = pkt[(pkt[0] & 15) * 4:]
                if icmp[:1] == b"\0" and icmp[4:8] == hdr[4:8] and \
                        icmp[8:] == data:
                    ok += 1
                    break
    return ok == count, "%d/%d echoed" % (ok, count)


class Kmsg:
    def __init__(self):
        self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.fd, 0, os.SEEK_END)

    def check(self):
        bad = []
        while True:
            try:
                rec = os.read(self.fd, 8192)
            except BlockingIOError:
                break
            except OSError as e:
                if e.errno == errno.EPIPE:  # overwritten: read on
                    continue
                raise
            line = rec.decode(errors="replace").split(";", 1)[-1]
            line = line.split("\n", 1)[0]
            if SPLAT.search(line):
                bad.append(line)
        if bad:
            return False, "%d lines: %s" % (len(bad), " | ".join(bad[:4]))
        return True, "clean"


class IdWatch:
    """DF-clear IPv4 packets (or fragments only) from one source, and
    their identifications, through a packet socket whose filter passes
    only those."""

    def __init__(self, iface, src, mask, value, frags_only):
        self.mask, self.value = mask, value
        self.n, self.bad, self.ids = 0, 0, []
        self.lock = threading.Lock()
        saddr = struct.unpack("!I", socket.inet_aton(src))[0]
        # ld [12]; jeq saddr; ldh [6]; jset DF -> drop;
        # [jset MF|offset, else drop;] ret 64; ret 0
        insns = [(0x20, 0, 0, 12), (0x15, 0, 3, saddr), (0x28, 0, 0, 6),
                 (0x45, 1, 0, 0x4000), (0x06, 0, 0, 64), (0x06, 0, 0, 0)]
        if frags_only:
            insns = [(0x20, 0, 0, 12), (0x15, 0, 4, saddr),
                     (0x28, 0, 0, 6), (0x45, 2, 0, 0x4000),
                     (0x45, 0, 1, 0x3fff), (0x06, 0, 0, 64),
                     (0x06, 0, 0, 0)]
        self.prog = ctypes.create_string_buffer(
            b"".join(struct.pack("HBBI", *i) for i in insns))
        fprog = struct.pack("HL", len(insns), ctypes.addressof(self.prog))
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
        self.s.setsockopt(socket.SOL_SOCKET, 26, fprog)  # SO_ATTACH_FILTER
        self.s.bind((iface, 0x0800))
        self.s.settimeout(0.2)
        self.stopped = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopped:
            try:
                pkt = self.s.recv(64)
            except socket.timeout:
                continue
            ident = struct.unpack_from("!H", pkt, 4)[0]
            with self.lock:
                self.n += 1
                if ident & self.mask != self.value:
                    self.bad += 1
                    if len(self.ids) < 8:
                        self.ids.append("0x%04x" % ident)

    def count(self):
        # What is still queued on the socket counts too.
        time.sleep(0.2)
        with self.lock:
            text = "bad %d of %d%s" % (self.bad, self.n, (
                " (" + " ".join(self.ids) + ")") if self.ids else "")
            self.n, self.bad, self.ids = 0, 0, []
        return True, text

    def stop(self):
        self.stopped = True
        self.thread.join()
        self.s.close()


class Mapctl:
    """mapctl -j -b -, line-buffered: one JSON line a command, without a
    process each."""

    def __init__(self):
        self.p = None

    def run(self, line):
        if self.p is None or self.p.poll() is not None:
            self.p = subprocess.Popen(
                ["stdbuf", "-oL", "mapctl", "-j", "-b", "-"], text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE)
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        out = self.p.stdout.readline()
        if not out:  # a failed line ends the batch
            err = self.p.stderr.read().strip()
            self.p.wait()
            self.p = None
            raise RuntimeError("mapctl %s: %s" % (line, err))
        return json.loads(out)


class Agent:
    def __init__(self):
        self.kmsg = None
        self.idwatch = None
        self.mapctl = Mapctl()

    def cmd_udp(self, addr, port, sport, mode, *sizes):
        return fragments.echo_sizes(addr, int(port), int(sport),
                                    [int(x) for x in sizes], mode == "df")

    def cmd_raw(self, src, addr, port, sport, size, order, fragsize):
        return fragments.raw_echo(src, addr, int(port), int(sport),
                                  int(size), order, int(fragsize))

    def cmd_ping(self, addr, ident, mode, size, count):
        return ping(addr, int(ident), mode, int(size), int(count))

    def cmd_icmperr(self, addr, port, sport, size, mode):
        return True, icmp_err.icmp_err(addr, int(port), int(sport),
                                       int(size), mode == "df")[1]

    def cmd_tcp(self, op, addr, port, sport, n, mode, timeout):
        ok, text = tcp_blob.bulk_client(op, addr, int(port), int(sport),
                                        int(n), mode, float(timeout))
        # Its last packets (a FIN's ACK) are on their way: let them
        # arrive before the counters are read.
        time.sleep(0.1)
        return ok, text[text.index(" ") + 1:]

    def cmd_flush(self):
        with open("/proc/sys/net/ipv4/route/flush", "w") as f:
            f.write("1\n")
        return self.cmd_run("ip", "-6", "route", "flush", "cache")

    def cmd_run(self, *argv):
        r = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, check=False)
        return r.returncode == 0, " | ".join(r.stdout.strip().split("\n"))

    def cmd_stats(self, dev, *mibs):
        out = []
        if dev != "-":
            stats = self.mapctl.run("stats dev " + dev)[0]
            out += ["%s=%s" % kv for kv in stats.items()
                    if kv[0] not in ("dev", "ifindex")]
        with open("/proc/self/net/dev") as f:
            for line in f.readlines()[2:]:
                name, v = line.split(":", 1)
                v = v.split()
                out += ["%s/%s=%s" % (name.strip(), k, v[i]) for k, i in
                        (("rxe", 2), ("rxd", 3), ("txe", 10), ("txd", 11))]
        mib = {}
        for name in ("snmp", "netstat"):
            with open("/proc/self/net/" + name) as f:
                lines = f.read().splitlines()
            for names, vals in zip(lines[::2], lines[1::2]):
                group, names = names.split(":", 1)
                mib.update(zip((group + n for n in names.split()),
                               vals.split(":", 1)[1].split()))
        with open("/proc/self/net/snmp6") as f:
            mib.update(line.split() for line in f if line.strip())
        out += ["%s=%s" % (m, mib[m]) for m in mibs]
        return True, " ".join(out)

    def cmd_kmsg(self):
        if self.kmsg is None:
            self.kmsg = Kmsg()
        return self.kmsg.check()

    def cmd_idwatch(self, iface, src, mask, value, what="all"):
        self.idwatch = IdWatch(iface, src, int(mask, 0), int(value, 0),
                               what == "fragments")
        return True, "watching"

    def cmd_idcount(self):
        return self.idwatch.count()

    def cmd_idstop(self):
        self.idwatch.stop()
        self.idwatch = None
        return True, "stopped"

    def run(self, line):
        words = line.split()
        try:
            ok, text = getattr(self, "cmd_" + words[0])(*words[1:])
        except Exception as e:  # one line back, whatever happened
            ok, text = False, "%s: %s" % (type(e).__name__, e)
        return "%s %s" % ("ok" if ok else "fail", text)


def main(argv):
    udp_df, udp_nodf, tcp = (int(x) for x in argv[1:4])
    for s in (udp_echo.echo_socket(udp_df),
              udp_echo.echo_socket(udp_nodf, True)):
        threading.Thread(target=udp_echo.echo_loop, args=(s,),
                         daemon=True).start()
    threading.Thread(target=tcp_blob.serve, daemon=True,
                     args=(tcp_blob.listen(tcp), tcp_blob.bulk_conn)).start()
    agent = Agent()
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip():
            print(agent.run(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
