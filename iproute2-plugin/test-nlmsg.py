#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Netlink helper for test-args.sh and selftests/mapctl/args.sh; mape link
attributes as key=value words.

  test-nlmsg.py decode STRACE_LOG
      Finds the RTM_NEWLINK that ip sent in an `strace -e write=FD` log and
      prints `FLAGS ifindex=N ifname=NAME` on one line and the IFLA_INFO_DATA
      of kind mape on the next, sorted by attribute type, e.g.
      `role=0 br_addr=2001:db8::1 hoplimit=64`. Prints NONE if ip sent none.

  test-nlmsg.py decode-raw FILE
      The same, from a file of the netlink messages themselves, one after
      the other (fake_genl.so's $FAKE_RTNL_LOG of what mapctl sent).

  test-nlmsg.py types FILE
      The types of the messages of such a file on one line, e.g.
      `GETLINK NEWLINK`; nothing for a missing or empty file.

  test-nlmsg.py fake OUT NAME IFINDEX KEY=VALUE... [-- NAME IFINDEX ...]
      Writes RTM_NEWLINK messages of kind mape with those attributes (same
      words as decode prints) to OUT, for test-fakedump.so.
"""
import ipaddress
import re
import struct
import sys

RTM_NEWLINK = 16
RTM_TYPES = {16: "NEWLINK", 17: "DELLINK", 18: "GETLINK"}
NLM_F = {0x100: "REPLACE", 0x200: "EXCL", 0x400: "CREATE", 0x800: "APPEND"}
IFLA_IFNAME, IFLA_MTU, IFLA_TXQLEN, IFLA_LINKINFO = 3, 4, 13, 18
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
NLA_TYPE_MASK = 0x3FFF

# include/uapi/linux/mape.h: IFLA_MAPE_* -> (word, encoding)
MAPE_ATTRS = {
    1: ("role", "u8"),
    2: ("br_addr", "in6"),
    3: ("eu_prefix", "in6"),
    4: ("eu_prefix_len", "u8"),
    5: ("ifid", "u8"),
    6: ("link", "u32"),
    7: ("hoplimit", "u8"),
    8: ("tclass", "u16"),
    9: ("encap_limit", "u16"),
    10: ("mtu", "u32"),
    11: ("mtu_v6", "u32"),
    12: ("frag_mode", "u8"),
    13: ("v4_reassembly", "u8"),
    14: ("frag_id", "u8"),
    15: ("frag_max_entries", "u32"),
    16: ("frag_max_held", "u32"),
    17: ("frag_timeout", "u32"),
    18: ("napt", "u8"),
    19: ("mode", "u8"),
    20: ("dmr", "in6"),
    21: ("dmr_len", "u8"),
    22: ("icmp_src", "in4"),
}
SIZES = {"u8": 1, "u16": 2, "u32": 4, "in4": 4, "in6": 16}
FMT = {"u8": "=B", "u16": "=H", "u32": "=I"}


def attrs(buf):
    off = 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from("=HH", buf, off)
        if alen < 4 or off + alen > len(buf):
            raise ValueError("malformed attribute at %d" % off)
        yield atype & NLA_TYPE_MASK, buf[off + 4:off + alen]
        off += (alen + 3) & ~3


def decode_mape(data):
    words = []
    for atype, payload in sorted(attrs(data), key=lambda a: a[0]):
        if atype not in MAPE_ATTRS:
            words.append("attr%d=%s" % (atype, payload.hex()))
            continue
        name, enc = MAPE_ATTRS[atype]
        if len(payload) != SIZES[enc]:
            words.append("%s=BADLEN(%d)" % (name, len(payload)))
        elif enc == "in6":
            words.append("%s=%s" % (name, ipaddress.IPv6Address(payload)))
        elif enc == "in4":
            words.append("%s=%s" % (name, ipaddress.IPv4Address(payload)))
        else:
            words.append("%s=%d" % (name, struct.unpack(FMT[enc], payload)[0]))
    return " ".join(words)


def sent_buffers(log):
    """Yield the bytes of each buffer strace hexdumped."""
    buf = None
    for line in open(log, encoding="utf-8", errors="replace"):
        m = re.match(r"\s*\|\s*([0-9a-f]{5,})\s+((?:[0-9a-f]{2}\s+)+)", line)
        if m:
            if buf is None:
                buf = bytearray()
            buf += bytes.fromhex("".join(m.group(2).split()[:16]))
            continue
        if buf is not None:
            yield bytes(buf)
            buf = None
    if buf is not None:
        yield bytes(buf)


def raw_messages(path):
    """Yield each netlink message of a file of them, if it exists."""
    try:
        data = open(path, "rb").read()
    except FileNotFoundError:
        return
    off = 0
    while off + 16 <= len(data):
        nlen = struct.unpack_from("=I", data, off)[0]
        if nlen < 16 or off + nlen > len(data):
            raise ValueError("malformed message at %d" % off)
        yield data[off:off + nlen]
        off += (nlen + 3) & ~3


def types(path):
    print(" ".join(RTM_TYPES.get(struct.unpack_from("=H", m, 4)[0], "?")
                   for m in raw_messages(path)))
    return 0


def decode(buffers):
    for buf in buffers:
        if len(buf) < 32:
            continue
        nlen, ntype, nflags = struct.unpack_from("=IHH", buf, 0)
        if ntype != RTM_NEWLINK:
            continue
        ifindex = struct.unpack_from("=i", buf, 20)[0]
        flags = "|".join(v for k, v in sorted(NLM_F.items()) if nflags & k)
        head = ["%s ifindex=%d" % (flags or "-", ifindex)]
        data = None
        for atype, payload in attrs(buf[32:nlen]):
            if atype == IFLA_IFNAME:
                head.append("ifname=" + payload.rstrip(b"\0").decode())
            elif atype == IFLA_LINKINFO:
                for itype, ipayload in attrs(payload):
                    if itype == IFLA_INFO_DATA:
                        data = ipayload
        print(" ".join(head))
        print(decode_mape(data) if data is not None else "")
        return 0
    print("NONE")
    return 0


def nla(atype, payload):
    raw = struct.pack("=HH", 4 + len(payload), atype) + payload
    return raw + b"\0" * (-len(raw) % 4)


def fake_link(name, ifindex, words):
    by_name = {v[0]: (k, v[1]) for k, v in MAPE_ATTRS.items()}
    data = b""
    for word in words:
        key, value = word.split("=", 1)
        atype, enc = by_name[key]
        if enc == "in6":
            payload = ipaddress.IPv6Address(value).packed
        elif enc == "in4":
            payload = ipaddress.IPv4Address(value).packed
        else:
            payload = struct.pack(FMT[enc], int(value, 0))
        data += nla(atype, payload)
    info = nla(IFLA_INFO_KIND, b"mape\0") + nla(IFLA_INFO_DATA, data)
    body = (nla(IFLA_IFNAME, name.encode() + b"\0") +
            nla(IFLA_MTU, struct.pack("=I", 1460)) +
            nla(IFLA_TXQLEN, struct.pack("=I", 1000)) +
            nla(IFLA_LINKINFO, info))
    # ifinfomsg: AF_UNSPEC, ARPHRD_TUNNEL6, IFF_POINTOPOINT | IFF_NOARP
    ifi = struct.pack("=BxHiII", 0, 769, ifindex, 0x90, 0)
    hdr = struct.pack("=IHHII", 16 + len(ifi) + len(body), RTM_NEWLINK,
                      0x2, 0, 0)  # NLM_F_MULTI; seq and pid set by the shim
    return hdr + ifi + body


def fake(out, args):
    msgs = b""
    groups, cur = [], []
    for a in args + ["--"]:
        if a == "--":
            if cur:
                groups.append(cur)
            cur = []
        else:
            cur.append(a)
    for g in groups:
        msgs += fake_link(g[0], int(g[1]), g[2:])
    with open(out, "wb") as f:
        f.write(msgs)
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "decode":
        return decode(sent_buffers(argv[2]))
    if len(argv) >= 3 and argv[1] == "decode-raw":
        return decode(raw_messages(argv[2]))
    if len(argv) >= 3 and argv[1] == "types":
        return types(argv[2])
    if len(argv) >= 5 and argv[1] == "fake":
        return fake(argv[2], argv[3:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
