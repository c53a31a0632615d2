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

if sys.argv[1] == "server":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if sys.argv[3:] == ["nodf"]:
        # IP_MTU_DISCOVER = IP_PMTUDISC_DONT
        s.setsockopt(socket.IPPROTO_IP, 10, 0)
    s.bind(("0.0.0.0", int(sys.argv[2])))
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)
else:
    addr, port = sys.argv[2], int(sys.argv[3])
    sport, n = int(sys.argv[4]), int(sys.argv[5])
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
    sys.exit(0 if ok == n else 1)
