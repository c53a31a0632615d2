#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""TCP helpers for the selftests.

  tcp_blob.py PORT FILE
      serve FILE to every connection, several at once (a thread each),
      until killed.

  tcp_blob.py serve PORT
      a bulk server for get and put below, a thread a connection, until
      killed.
  tcp_blob.py get|put ADDR PORT SPORT BYTES [df|nodf [TIMEOUT]]
      one bulk transfer of BYTES random bytes from (get) or to (put) such
      a server, from SPORT (0: any), within TIMEOUT seconds (60). df
      leaves path MTU discovery to the kernel's default (DF set); nodf
      sends with DF clear (IP_PMTUDISC_DONT), on both ends. Each end
      hashes what it sent or received (sha256). Prints "ok BYTES SHA256
      MS", MS the milliseconds from connect to the last byte (get) or to
      the server's hash (put), or "fail REASON MS"; exit 0 for ok.

The bulk protocol: the client sends "get BYTES df|nodf\\n" or "put ...";
for get the server sends BYTES bytes and their 32-byte sha256 digest, for
put it reads to EOF and answers "BYTES HEXDIGEST\\n". The client closes
with SO_LINGER, so that once it reports, its last packets have arrived.
"""
import hashlib
import os
import socket
import struct
import sys
import threading
import time

IP_MTU_DISCOVER, IP_PMTUDISC_DONT = 10, 0


def set_df(s, mode):
    """nodf: DF clear (IP_PMTUDISC_DONT); df: the kernel's default."""
    if mode == "nodf":
        s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT)


def recv_all(s):
    parts = []
    while True:
        b = s.recv(1 << 16)
        if not b:
            return b"".join(parts)
        parts.append(b)


def bulk_conn(conn):
    """Serve one get or put connection (the server side)."""
    with conn:
        line = b""
        while not line.endswith(b"\n") and len(line) < 64:
            b = conn.recv(1)
            if not b:
                return
            line += b
        op, n, mode = line.decode().split()
        n = int(n)
        set_df(conn, mode)
        if op == "get":
            data = os.urandom(n)
            conn.sendall(data + hashlib.sha256(data).digest())
            conn.shutdown(socket.SHUT_WR)
            recv_all(conn)
        else:
            h, got = hashlib.sha256(), 0
            while True:
                b = conn.recv(1 << 16)
                if not b:
                    break
                h.update(b)
                got += len(b)
            conn.sendall(b"%d %s\n" % (got, h.hexdigest().encode()))


def listen(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(16)
    return s


def serve(s, handler):
    """Accept on listening socket s forever, handler(conn) in a thread."""
    while True:
        c, _ = s.accept()
        threading.Thread(target=handler, args=(c,), daemon=True).start()


def bulk_client(op, addr, port, sport, n, mode="df", timeout=60.0):
    """One get or put; returns (ok, text) as described above."""
    t0 = time.monotonic()
    ms = lambda: int((time.monotonic() - t0) * 1000)  # noqa: E731
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 5))
        set_df(s, mode)
        s.settimeout(timeout)
        if sport:
            s.bind(("0.0.0.0", sport))
        s.connect((addr, port))
        s.sendall(b"%s %d %s\n" % (op.encode(), n, mode.encode()))
        if op == "get":
            data = recv_all(s)
            t = ms()
            body, digest = data[:n], data[n:]
            sha = hashlib.sha256(body).hexdigest()
            if len(data) != n + 32 or bytes.fromhex(sha) != digest:
                return False, "fail got %d of %d bytes + digest, sha256 %s %d" \
                    % (len(data), n + 32, "differs" if len(data) == n + 32
                       else "-", t)
        else:
            data = os.urandom(n)
            sha = hashlib.sha256(data).hexdigest()
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            reply = recv_all(s).decode().split()
            t = ms()
            if reply != [str(n), sha]:
                return False, "fail server got %s, sent %d %s %d" % (
                    " ".join(reply) or "nothing", n, sha[:16], t)
        s.close()
        return True, "ok %d %s %d" % (n, sha, t)
    except OSError as e:
        return False, "fail %s %d" % (e.strerror or type(e).__name__, ms())
    finally:
        s.close()


def blob_server(port, path):
    with open(path, "rb") as f:
        blob = f.read()

    def send_blob(conn):
        with conn:
            conn.sendall(blob)
            conn.shutdown(socket.SHUT_WR)

    serve(listen(port), send_blob)


def main(argv):
    if argv[1] == "serve":
        serve(listen(int(argv[2])), bulk_conn)
    elif argv[1] in ("get", "put"):
        ok, text = bulk_client(argv[1], argv[2], int(argv[3]), int(argv[4]),
                               int(argv[5]), *argv[6:7],
                               *[float(x) for x in argv[7:8]])
        print(text)
        return 0 if ok else 1
    elif argv[1:] and argv[1].isdigit():
        blob_server(int(argv[1]), argv[2])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
