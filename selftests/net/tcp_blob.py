#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""TCP helper for the selftests: serves FILE to every connection, several
at once (a thread each), until killed.

  tcp_blob.py PORT FILE
"""
import socket
import sys
import threading

port, path = int(sys.argv[1]), sys.argv[2]
with open(path, "rb") as f:
    blob = f.read()


def serve(conn):
    with conn:
        conn.sendall(blob)
        conn.shutdown(socket.SHUT_WR)


s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port))
s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
