#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send one UDP datagram and report the ICMP error it earns, as the IPv4
sender sees it (IP_RECVERR on the socket).

  icmp_err.py ADDR PORT SPORT SIZE [df|nodf]

SIZE is the UDP payload. Prints "icmp TYPE CODE INFO OFFENDER" for an ICMP
error, "local ERRNO MTU" when the kernel refused to send (a known path MTU
below the datagram with DF), or "none" after 3 s; exits 0 for an ICMP error,
1 otherwise.
"""
import errno
import select
import socket
import struct
import sys

IP_MTU_DISCOVER, IP_PMTUDISC_DONT, IP_PMTUDISC_PROBE = 10, 0, 3
IP_RECVERR, IP_MTU = 11, 14
SO_EE_ORIGIN_ICMP = 2


def icmp_err(addr, port, sport, size, df=True, timeout=3):
    """Returns (ok, text): the line above and whether it is an ICMP error."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", sport))
        s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
        # PROBE: DF set, yet the kernel sends whatever the size (it still
        # learns the path MTU); DONT: DF clear.
        s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER,
                     IP_PMTUDISC_PROBE if df else IP_PMTUDISC_DONT)
        s.connect((addr, port))
        try:
            s.send(b"m" * size)
        except OSError as e:
            return False, "local %s %d" % (
                errno.errorcode.get(e.errno, e.errno),
                s.getsockopt(socket.IPPROTO_IP, IP_MTU))

        p = select.poll()
        p.register(s, select.POLLERR)
        if not p.poll(timeout * 1000):
            return False, "none"
        _, anc, _, _ = s.recvmsg(65535, 512, socket.MSG_ERRQUEUE)
    for level, typ, data in anc:
        if level != socket.IPPROTO_IP or typ != IP_RECVERR:
            continue
        ee_errno, origin, itype, icode, _, info, _ = \
            struct.unpack_from("=IBBBBII", data)
        offender = socket.inet_ntoa(data[20:24]) if len(data) >= 24 else "?"
        if origin == SO_EE_ORIGIN_ICMP:
            return True, "icmp %d %d %d %s" % (itype, icode, info, offender)
        return False, "local %s %d" % (errno.errorcode.get(ee_errno, ee_errno),
                                       info)
    return False, "none"


if __name__ == "__main__":
    ok, text = icmp_err(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                        int(sys.argv[4]),
                        len(sys.argv) < 6 or sys.argv[5] == "df")
    print(text)
    sys.exit(0 if ok else 1)
