# SPDX-License-Identifier: GPL-2.0
"""RTM_NEWLINK of kind mape straight to the kernel, for the selftests that
must get past the range checks of ip's plugin and of mapctl to see what
the kernel itself refuses, and the kernel's answer with its extack
message. Imported by frag_options.py and control.sh (PYTHONPATH)."""
import socket
import struct

NLA_F_NESTED = 0x8000
NLMSG_ERROR = 2
RTM_NEWLINK = 16
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLM_F_EXCL, NLM_F_CREATE = 0x200, 0x400
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
IFLA_IFNAME, IFLA_LINKINFO = 3, 18
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
SOL_NETLINK, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 270, 10, 11
NLMSGERR_ATTR_MSG = 1


def nla(atype, payload):
    """One attribute, padded to 4 bytes."""
    n = 4 + len(payload)
    return struct.pack("=HH", n, atype) + payload + b"\0" * (-n % 4)


def rtnl_socket():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                      socket.NETLINK_ROUTE)
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    # The error need not quote the request: the extack follows at once.
    s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    return s


def newlink(s, data, ifindex=0, ifname=None, create=False):
    """Send one RTM_NEWLINK of kind mape whose IFLA_INFO_DATA holds the
    encoded attributes DATA, to IFINDEX or IFNAME; CREATE adds the device
    (NLM_F_CREATE | NLM_F_EXCL). Returns (errno, extack message), errno 0
    when the kernel took it; RuntimeError when the reply is no ack."""
    info = nla(IFLA_INFO_KIND, b"mape\0") + \
        nla(IFLA_INFO_DATA | NLA_F_NESTED, data)
    body = struct.pack("=BxHiII", 0, 0, ifindex, 0, 0)
    if ifname is not None:
        body += nla(IFLA_IFNAME, ifname.encode() + b"\0")
    body += nla(IFLA_LINKINFO | NLA_F_NESTED, info)
    flags = NLM_F_REQUEST | NLM_F_ACK
    if create:
        flags |= NLM_F_CREATE | NLM_F_EXCL
    msg = struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK, flags, 1, 0)
    s.send(msg + body)
    resp = s.recv(65536)
    rlen, rtype, rflags = struct.unpack_from("=IHH", resp, 0)
    if rtype != NLMSG_ERROR:
        raise RuntimeError("unexpected reply type %d" % rtype)
    err = -struct.unpack_from("=i", resp, 16)[0]
    # struct nlmsgerr: the error, then the request's header, or all of it
    # when not capped; the extack attributes after that.
    off = 20 + (16 if rflags & NLM_F_CAPPED else 16 + len(body))
    end = min(rlen, len(resp))
    text = ""
    while rflags & NLM_F_ACK_TLVS and off + 4 <= end:
        alen, atype = struct.unpack_from("=HH", resp, off)
        if alen < 4:
            break
        if atype == NLMSGERR_ATTR_MSG:
            text = resp[off + 4:off + alen].rstrip(b"\0").decode()
        off += (alen + 3) & ~3
    return err, text
