#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""UDP helper for the selftests.

  udp_echo.py server PORT [nodf]          echo every datagram back, forever
                                          (nodf: with DF clear)
  udp_echo.py client ADDR PORT SPORT N    send N datagrams from SPORT, each
                                          echoed; exit 0 when all came back
"""
import socket
import sys


def echo_socket(port, nodf=False):
    """A bound socket for echo_loop()."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if nodf:
        # IP_MTU_DISCOVER = IP_PMTUDISC_DONT
        s.setsockopt(socket.IPPROTO_IP, 10, 0)
    s.bind(("0.0.0.0", port))
    return s


def echo_loop(s):
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)


def client(addr, port, sport, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", sport))
    s.settimeout(3)
    ok = 0
    for i in range(n):
        msg = b"mape %d" % i
        s.sendto(msg, (addr, port))
        try:
            data, _ = s.recvfrom(65535)
            ok += data == msg
        except socket.timeout:
            pass
    print("%d/%d echoed" % (ok, n))
    return 0 if ok == n else 1


if __name__ == "__main__":
    if sys.argv[1] == "server":
        echo_loop(echo_socket(int(sys.argv[2]), sys.argv[3:] == ["nodf"]))
    sys.exit(client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                    int(sys.argv[5])))
