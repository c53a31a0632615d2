// SPDX-License-Identifier: GPL-2.0
/*
 * pktfuzz: malformed and mutated packets into a mape device, from
 * templates of what the device would accept, through an AF_PACKET socket.
 *
 *   pktfuzz -k CLASS -R ROLE -i IFACE [-m DSTMAC] -B BR6 -E CE [-E CE...]
 *           [-U N] -S SRV4 [-L LAN4] [-G ROUTER6] [-P OFFSET,LEN]
 *           [-T DMR/LEN] [-s SEED] [-n PACKETS] [-t SECONDS] [-x ITEM]
 *           [-F] [-v]
 *
 * CLASS, what is sent on IFACE:
 *   rx6     Ethernet + IPv6 to the device's tunnel address: outer
 *           extension headers, outer fragments (any order, overlapping,
 *           missing), inner IPv4 truncated, bad IHL, bad total length,
 *           options, fragments in any order, bad checksums, ICMP errors
 *           quoting crafted packets
 *   icmp6   Ethernet + ICMPv6 errors to the device's address quoting what
 *           it would have sent, crafted and mutated
 *   tx4     Ethernet + IPv4 routed into the device (same mutations)
 *   tx4raw  IPv4 (mostly) written straight into the device (IFACE is the
 *           mape device: a packet socket of type SOCK_DGRAM)
 *   tx4gso  TCP and UDP super-packets written into the device with a
 *           virtio_net_hdr (GSO), its fields mutated now and then; -F keeps
 *           DF set on all of them
 * With -T (mode t, RFC 7599: the domain's DMR), rx6 and icmp6 carry what
 * a translator would have made of those IPv4 packets (RFC 7915 section 4):
 * IPv6 routed into the device from a CE's MAP address or an address of
 * the DMR, with the transport header (ICMPv6 for ICMP, the quoted packet
 * translated too), extension headers and Fragment headers (the datagram
 * cut as IPv6 would), and ICMPv6 errors quote such a packet; -B is unused.
 * ROLE: br or ce, the role of the device the packets are for. CE is
 * IPV6/IPV4/PSID of a CE of the domain (ce 0 is the one under test for
 * the ce role, or -U N); the rule's PSID offset and length are -P.
 *
 * Item i (one packet, or a series: fragments of one datagram) is built
 * from a generator seeded with (SEED, class and role, i) alone: -x ITEM
 * prints item ITEM and sends it, nothing else.
 *
 * Prints "PKTFUZZ sent=N items=N errors=N" at the end.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>

#include "fuzzlib.h"

#ifndef PACKET_QDISC_BYPASS
#define PACKET_QDISC_BYPASS 20
#endif
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

#define MAXFRAMES	80
#define FRAMELEN	1514	/* an Ethernet frame on a 1500-byte link */
#define BUFLEN		9000

enum { K_RX6, K_ICMP6, K_TX4, K_TX4RAW, K_TX4GSO };
enum { ROLE_BR, ROLE_CE };

struct ce {
	uint8_t a6[16];
	uint32_t a4;		/* host order */
	uint16_t psid;
};

static struct {
	int cls, role;
	const char *ifname;
	int ifindex;
	unsigned int mtu;
	uint8_t dmac[6], smac[6];
	uint8_t br6[16], router6[16];
	uint8_t dmr[16];
	unsigned int dmr_len;	/* 0: mode e */
	struct ce ce[8];
	int nce, me;
	uint32_t srv4, lan4;
	unsigned int off, len;
	bool gso_df;
	uint64_t seed;
	uint64_t count;
	double secs;
	long show;
	int verbose;
} C = {
	.off = 6, .len = 8, .show = -1,
};

/* The frames of one item. */
struct frames {
	int n;
	size_t len[MAXFRAMES];
	uint8_t b[MAXFRAMES][BUFLEN];
};

/* ---- checksums ------------------------------------------------------ */

static uint32_t sum16(const void *p, size_t n, uint32_t s)
{
	const uint8_t *b = p;

	while (n > 1) {
		s += (uint32_t)b[0] << 8 | b[1];
		b += 2;
		n -= 2;
	}
	if (n)
		s += (uint32_t)b[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* IPv4 header checksum over ihl words, bounded by len. */
static void v4_csum(uint8_t *p, size_t len)
{
	size_t hl = (size_t)(p[0] & 0xf) * 4;

	if (hl < 20 || hl > len)
		hl = len < 20 ? len : 20;
	p[10] = p[11] = 0;
	put16(p + 10, fold(sum16(p, hl, 0)));
}

/* UDP, TCP and ICMP checksums of a whole, unfragmented packet. */
static void l4_csum(uint8_t *p, size_t len)
{
	size_t hl = (size_t)(p[0] & 0xf) * 4, l4;
	uint32_t s;
	uint8_t proto = p[9];
	int at;

	if (hl < 20 || hl >= len || (get16(p + 6) & 0x3fff))
		return;
	l4 = len - hl;
	at = proto == IPPROTO_UDP ? 6 : proto == IPPROTO_TCP ? 16 :
	     proto == IPPROTO_ICMP ? 2 : -1;
	if (at < 0 || (size_t)at + 2 > l4)
		return;
	p[hl + at] = p[hl + at + 1] = 0;
	s = 0;
	if (proto != IPPROTO_ICMP) {
		s = sum16(p + 12, 8, 0);
		s += proto + (uint32_t)l4;
	}
	s = sum16(p + hl, l4, s);
	put16(p + hl + at, fold(s));
}

static void icmp6_csum(uint8_t *ip6, size_t len)
{
	size_t l4 = len - 40;
	uint8_t *ic = ip6 + 40;
	uint32_t s;

	ic[2] = ic[3] = 0;
	s = sum16(ip6 + 8, 32, 0);
	s += (uint32_t)l4 + IPPROTO_ICMPV6;
	s = sum16(ic, l4, s);
	put16(ic + 2, fold(s));
}

/* ---- address pools --------------------------------------------------- */

static uint16_t port_in_set(struct rng *r, const struct ce *c)
{
	unsigned int a_bits = C.off, m_bits = 16 - C.off - C.len;
	uint32_t a = a_bits ? rnd_range(r, 1, (1U << a_bits) - 1) : 0;
	uint32_t j = rnd(r, 1U << m_bits);

	return (uint16_t)(a << (16 - a_bits) | (uint32_t)c->psid << m_bits | j);
}

static uint16_t any_port(struct rng *r, const struct ce *c)
{
	if (c && chance(r, 75))
		return port_in_set(r, c);
	return chance(r, 50) ? (uint16_t)interesting(r, 2) :
			       (uint16_t)rnd(r, 65536);
}

static uint32_t pool4(struct rng *r)
{
	static const uint32_t v[] = {
		0xc0000200, 0xc00002ff, 0xcb007101, 0x00000000, 0xffffffff,
		0xe0000001, 0x7f000001, 0xc6336401, 0xc6336402,
	};
	uint32_t c = rnd(r, 5);

	if (c == 0)
		return C.ce[rnd(r, C.nce)].a4;
	if (c == 1)
		return C.srv4;
	if (c == 2)
		return 0xc0000200 | rnd(r, 256);
	return v[rnd(r, sizeof(v) / sizeof(v[0]))];
}

static void pool6(struct rng *r, uint8_t *a)
{
	static const char *const v[] = {
		"2001:db8:ffff::2", "::1", "::", "ff02::1", "fe80::1",
		"2001:db8:f0:1::1", "::ffff:192.0.2.18",
	};

	switch (rnd(r, 6)) {
	case 0:
		memcpy(a, C.br6, 16);
		break;
	case 1:
		memcpy(a, C.ce[rnd(r, C.nce)].a6, 16);
		break;
	case 2:	/* somewhere in the rule's IPv6 prefix */
		inet_pton(AF_INET6, "2001:db8:100::", a);
		rnd_bytes(r, a + 5, 11);
		break;
	case 3:
		/* a CE address with the PSID or IPv4 part off by a bit */
		memcpy(a, C.ce[rnd(r, C.nce)].a6, 16);
		a[rnd_range(r, 8, 15)] ^= (uint8_t)(1 << rnd(r, 8));
		break;
	default:
		inet_pton(AF_INET6, v[rnd(r, sizeof(v) / sizeof(v[0]))], a);
	}
}

/* ---- IPv4 templates -------------------------------------------------- */

enum kind { KD_UDP, KD_TCP, KD_ECHO, KD_ICMPERR, KD_OTHER, KD_PORTS,
	    KD_ICMPMISC, KD_NKINDS };

static size_t v4_options(struct rng *r, uint8_t *o)
{
	size_t n = 0, want = 4 * rnd_range(r, 1, 10);

	while (n < want) {
		switch (rnd(r, 6)) {
		case 0:
			o[n++] = 1;		/* NOP */
			break;
		case 1:				/* record route */
			if (n + 7 > want)
				goto pad;
			o[n] = 7; o[n + 1] = 7; o[n + 2] = 4;
			memset(o + n + 3, 0, 4);
			n += 7;
			break;
		case 2:				/* router alert */
			if (n + 4 > want)
				goto pad;
			o[n] = 148; o[n + 1] = 4; o[n + 2] = 0; o[n + 3] = 0;
			n += 4;
			break;
		case 3:				/* timestamp */
			if (n + 8 > want)
				goto pad;
			o[n] = 68; o[n + 1] = 8; o[n + 2] = 5; o[n + 3] = 0;
			memset(o + n + 4, 0, 4);
			n += 8;
			break;
		case 4:				/* garbage */
			o[n++] = (uint8_t)rnd64(r);
			break;
		default:
			o[n++] = 0;		/* EOL */
		}
	}
pad:
	while (n < want)
		o[n++] = chance(r, 50) ? 1 : 0;
	return want;
}

/*
 * A well-formed IPv4 packet of the given kind into p (at most max bytes).
 * CE-facing ports: sport and dport as given. An ICMP error quotes the
 * packet that came the other way (addresses and ports swapped).
 */
static size_t build_v4(struct rng *r, uint8_t *p, size_t max, uint32_t src,
		       uint32_t dst, uint16_t sport, uint16_t dport,
		       enum kind kind, size_t pay, bool df, bool quoted)
{
	size_t hl = 20, len;
	uint8_t *l4;

	if (chance(r, 8) && !quoted)
		hl += v4_options(r, p + 20);
	l4 = p + hl;
	switch (kind) {
	case KD_UDP:
	case KD_PORTS:
		len = 8;
		put16(l4, sport);
		put16(l4 + 2, dport);
		put16(l4 + 4, (uint16_t)(8 + pay));
		p[9] = kind == KD_UDP ? IPPROTO_UDP :
		       (uint8_t[]){ IPPROTO_SCTP, IPPROTO_DCCP,
				    IPPROTO_UDPLITE }[rnd(r, 3)];
		if (kind == KD_PORTS) {
			len = 16;
			memset(l4 + 4, 0, 12);
		}
		break;
	case KD_TCP:
		len = 20;
		memset(l4, 0, 20);
		put16(l4, sport);
		put16(l4 + 2, dport);
		put32(l4 + 4, (uint32_t)rnd64(r));
		l4[12] = 5 << 4;
		l4[13] = (uint8_t[]){ 0x02, 0x10, 0x18, 0x11, 0x04, 0x12 }[rnd(r, 6)];
		put16(l4 + 14, 65535);
		p[9] = IPPROTO_TCP;
		break;
	case KD_ECHO:
		len = 8;
		l4[0] = chance(r, 50) ? 8 : 0;
		if (chance(r, 10))
			l4[0] = (uint8_t[]){ 13, 14, 15, 16, 17, 18 }[rnd(r, 6)];
		l4[1] = 0;
		put16(l4 + 4, sport);
		put16(l4 + 6, (uint16_t)rnd(r, 65536));
		p[9] = IPPROTO_ICMP;
		break;
	case KD_ICMPERR: {
		size_t q;

		l4[0] = (uint8_t[]){ 3, 11, 12, 4, 5 }[rnd(r, 5)];
		l4[1] = (uint8_t)rnd(r, 16);
		memset(l4 + 2, 0, 6);
		if (l4[0] == 3 && l4[1] == 4)
			put16(l4 + 6, (uint16_t)rnd_range(r, 68, 1500));
		p[9] = IPPROTO_ICMP;
		if (quoted) {
			len = 8;
			break;
		}
		/* The quoted packet went from dst to src. */
		q = build_v4(r, l4 + 8, max - hl - 8, dst, src, dport, sport,
			     (enum kind)rnd(r, 3), rnd(r, 64), chance(r, 50),
			     true);
		if (chance(r, 60) && q > 28)
			q = 28 + rnd(r, q - 28 + 1);	/* as quoted: cut */
		len = 8 + q;
		pay = 0;
		break;
	}
	case KD_ICMPMISC:
		len = 8;
		l4[0] = (uint8_t)rnd(r, 256);
		l4[1] = (uint8_t)rnd(r, 256);
		memset(l4 + 2, 0, 6);
		p[9] = IPPROTO_ICMP;
		break;
	default:
		len = 4;
		memset(l4, 0, 4);
		p[9] = (uint8_t[]){ IPPROTO_GRE, IPPROTO_ESP, IPPROTO_IPV6, 4,
				    255, 0, 50, 103 }[rnd(r, 8)];
		break;
	}
	if (hl + len + pay > max)
		pay = max > hl + len ? max - hl - len : 0;
	if (hl + len > max)
		len = max - hl;
	rnd_bytes(r, l4 + len, pay);
	len += hl + pay;
	p[0] = (uint8_t)(0x40 | hl / 4);
	p[1] = chance(r, 80) ? 0 : (uint8_t)rnd(r, 256);	/* DSCP, ECN */
	put16(p + 2, (uint16_t)len);
	put16(p + 4, (uint16_t)rnd(r, 65536));
	put16(p + 6, df ? 0x4000 : 0);
	p[8] = chance(r, 90) ? 64 : (uint8_t)rnd(r, 3);
	put32(p + 12, src);
	put32(p + 16, dst);
	l4_csum(p, len);
	v4_csum(p, len);
	return len;
}

/*
 * Mutations of an IPv4 packet in place; returns the new length. The
 * header checksum is recomputed afterwards most of the time, so that
 * the IPv4 layer lets the packet reach the device.
 */
static size_t mutate_v4(struct rng *r, uint8_t *p, size_t len, size_t max)
{
	unsigned int k = rnd_range(r, 1, 3);
	bool fix = chance(r, 75);

	while (k--) {
		size_t hl = (size_t)(p[0] & 0xf) * 4;

		switch (rnd(r, 16)) {
		case 0:
			p[0] = (uint8_t)((p[0] & 0x0f) | rnd(r, 16) << 4);
			break;
		case 1:	/* IHL */
			p[0] = (uint8_t)((p[0] & 0xf0) | rnd(r, 16));
			break;
		case 2:	/* total length */
			put16(p + 2, chance(r, 50) ? (uint16_t)interesting(r, 2) :
				     (uint16_t)(len + rnd(r, 41) - 20));
			break;
		case 3:	/* fragment fields */
			put16(p + 6, chance(r, 50) ? (uint16_t)rnd(r, 65536) :
				     (uint16_t)((rnd(r, 8) << 13) | rnd(r, 8)));
			break;
		case 4:
			p[9] = (uint8_t)(chance(r, 50) ? rnd(r, 256) :
				(uint8_t[]){ 1, 6, 17, 33, 132, 136, 47 }[rnd(r, 7)]);
			break;
		case 5:
			p[8] = (uint8_t)rnd(r, 3);
			break;
		case 6:
			put32(p + 12, pool4(r));
			break;
		case 7:
			put32(p + 16, pool4(r));
			break;
		case 8:	/* ports or ICMP identifier */
			if (hl >= 20 && hl + 4 <= len)
				put16(p + hl + 2 * rnd(r, 3),
				      any_port(r, &C.ce[rnd(r, C.nce)]));
			break;
		case 9:	/* truncated */
			len = rnd(r, len + 1);
			break;
		case 10:	/* a byte of the transport header or quote */
			if (len > 20)
				p[rnd_range(r, 20, len - 1)] ^=
					(uint8_t)(1 << rnd(r, 8));
			break;
		case 11:	/* the quoted packet's header */
			if (p[9] == IPPROTO_ICMP && hl >= 20 && hl + 28 <= len) {
				uint8_t *q = p + hl + 8;

				switch (rnd(r, 5)) {
				case 0: q[0] = (uint8_t)(0x40 | rnd(r, 16)); break;
				case 1: q[9] = (uint8_t)rnd(r, 256); break;
				case 2: put16(q + 6, (uint16_t)rnd(r, 65536)); break;
				case 3: len = hl + 8 + rnd(r, 24); break;
				default: q[0] = (uint8_t)rnd(r, 256);
				}
			}
			break;
		case 12:	/* ICMP type and code */
			if (hl >= 20 && hl + 2 <= len && p[9] == IPPROTO_ICMP) {
				p[hl] = (uint8_t)(chance(r, 50) ? rnd(r, 20) :
						  rnd(r, 256));
				p[hl + 1] = (uint8_t)rnd(r, 16);
			}
			break;
		case 13:	/* bytes added at the end */
			if (len + 64 <= max) {
				size_t n = rnd(r, 64);

				rnd_bytes(r, p + len, n);
				len += n;
			}
			break;
		case 14:	/* TOS, ECN */
			p[1] = (uint8_t)rnd(r, 256);
			break;
		default:	/* anything */
			if (len)
				p[rnd(r, len)] = (uint8_t)rnd64(r);
		}
	}
	if (fix && len >= 20)
		v4_csum(p, len);
	return len;
}

/*
 * A datagram cut into fragments (offsets in 8-byte units), in some order,
 * with duplicates, overlaps and gaps. Fragments go to out[]; returns
 * their number.
 */
static int fragment_v4(struct rng *r, const uint8_t *d, size_t len,
		       uint8_t (*out)[BUFLEN], size_t *olen, int max,
		       size_t maxfrag)
{
	size_t hl = (size_t)(d[0] & 0xf) * 4, pay, at = 0;
	size_t cuts[MAXFRAMES + 1];
	int n = 0, i, order[MAXFRAMES], m;

	if (hl < 20 || hl >= len)
		return 0;
	pay = len - hl;
	/* Cut points, multiples of 8 but the end. */
	cuts[n++] = 0;
	while (at < pay && n < max - 2) {
		size_t step = 8 * rnd_range(r, 1, (uint32_t)((maxfrag - hl) / 8));

		if (chance(r, 30))
			step = 8 * rnd_range(r, 1, 4);	/* tiny */
		at += step;
		if (at >= pay)
			break;
		cuts[n++] = at;
	}
	cuts[n] = pay;
	m = n;
	for (i = 0; i < m; i++)
		order[i] = i;
	switch (rnd(r, 4)) {
	case 0:		/* in order */
		break;
	case 1:		/* reversed */
		for (i = 0; i < m; i++)
			order[i] = m - 1 - i;
		break;
	default:	/* shuffled */
		for (i = m - 1; i > 0; i--) {
			int j = (int)rnd(r, i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
	}
	if (chance(r, 15) && m > 1)	/* one lost */
		order[rnd(r, m)] = order[0];
	if (chance(r, 15) && m < max) {	/* one twice */
		int j = (int)rnd(r, m);

		order[m++] = order[j];
	}
	for (i = 0; i < m; i++) {
		int f = order[i];
		size_t s = cuts[f], e = cuts[f + 1];
		uint8_t *o = out[i];
		uint16_t fo;

		if (chance(r, 5) && e + 8 <= pay)
			e += 8;				/* overlap */
		memcpy(o, d, hl);
		memcpy(o + hl, d + hl + s, e - s);
		fo = (uint16_t)((get16(d + 6) & 0x4000) | (s / 8));
		if (e < pay || chance(r, 3))
			fo |= 0x2000;			/* MF */
		put16(o + 6, fo);
		put16(o + 2, (uint16_t)(hl + e - s));
		v4_csum(o, hl + e - s);
		olen[i] = hl + e - s;
	}
	return m;
}

/* ---- the inner packets an item consists of ---------------------------- */

struct endpoints {
	uint32_t src, dst;
	uint16_t sport, dport;
};

/* Who talks to whom, as the device under test would see it. */
static void endpoints(struct rng *r, struct endpoints *e, const struct ce **peer,
		      bool *from_peer)
{
	const struct ce *me = &C.ce[C.me];
	const struct ce *c = &C.ce[rnd(r, C.nce)];

	*from_peer = false;
	*peer = c;
	if (C.role == ROLE_BR) {
		/* from a CE to the server, or to another CE (hairpin) */
		e->src = c->a4;
		e->sport = chance(r, 85) ? port_in_set(r, c) : any_port(r, NULL);
		if (chance(r, 75)) {
			e->dst = C.srv4;
			e->dport = any_port(r, NULL);
		} else {
			const struct ce *d = &C.ce[rnd(r, C.nce)];

			e->dst = d->a4;
			e->dport = port_in_set(r, d);
		}
	} else {
		/* to the CE under test, from the server or a peer CE */
		e->dst = me->a4;
		e->dport = chance(r, 85) ? port_in_set(r, me) : any_port(r, NULL);
		if (chance(r, 80) || C.nce < 2) {
			e->src = C.srv4;
			e->sport = any_port(r, NULL);
		} else {
			*peer = &C.ce[rnd_range(r, 1, C.nce - 1)];
			*from_peer = true;
			e->src = (*peer)->a4;
			e->sport = port_in_set(r, *peer);
		}
	}
	if (chance(r, 5))
		e->src = pool4(r);
	if (chance(r, 5))
		e->dst = pool4(r);
}

/* What the device sends (tx4, and the quote of icmp6). */
static void endpoints_tx(struct rng *r, struct endpoints *e)
{
	const struct ce *me = &C.ce[C.me];

	if (C.role == ROLE_BR) {
		const struct ce *c = &C.ce[rnd(r, C.nce)];

		e->src = C.srv4;
		e->sport = any_port(r, NULL);
		e->dst = chance(r, 80) ? c->a4 : 0xc0000200 | rnd(r, 256);
		e->dport = chance(r, 80) ? port_in_set(r, c) : any_port(r, NULL);
	} else {
		e->src = chance(r, 70) || !C.lan4 ? me->a4 : C.lan4;
		e->sport = chance(r, 80) ? port_in_set(r, me) : any_port(r, NULL);
		if (chance(r, 75)) {
			e->dst = C.srv4;
			e->dport = any_port(r, NULL);
		} else {
			const struct ce *c = &C.ce[rnd(r, C.nce)];

			e->dst = c->a4;
			e->dport = port_in_set(r, c);
		}
	}
	if (chance(r, 4))
		e->src = pool4(r);
	if (chance(r, 4))
		e->dst = pool4(r);
}

/*
 * The IPv4 packets of one item into f (without outer headers). maxlen
 * bounds each; big datagrams are sent as fragments.
 */
static void inner_item(struct rng *r, const struct endpoints *e,
		       struct frames *f, size_t maxlen)
{
	static uint8_t d[BUFLEN];
	enum kind kind;
	size_t len, pay;
	bool df = chance(r, 50);
	uint32_t c = rnd(r, 100);

	kind = c < 35 ? KD_UDP : c < 55 ? KD_TCP : c < 65 ? KD_ECHO :
	       c < 80 ? KD_ICMPERR : c < 87 ? KD_PORTS : c < 92 ? KD_ICMPMISC :
	       KD_OTHER;
	pay = chance(r, 70) ? rnd(r, 200) : rnd(r, 1500);
	if (chance(r, 12)) {
		/* a datagram sent as fragments */
		pay = rnd_range(r, 16, 4000);
		len = build_v4(r, d, sizeof(d), e->src, e->dst, e->sport,
			       e->dport, kind, pay, false, false);
		f->n = fragment_v4(r, d, len, f->b, f->len, 40, maxlen);
		if (f->n && chance(r, 30)) {
			int i = (int)rnd(r, f->n);

			f->len[i] = mutate_v4(r, f->b[i], f->len[i], maxlen);
		}
		if (f->n)
			return;
	}
	len = build_v4(r, f->b[0], maxlen, e->src, e->dst, e->sport, e->dport,
		       kind, pay, df, false);
	if (chance(r, 45))
		len = mutate_v4(r, f->b[0], len, maxlen);
	f->len[0] = len;
	f->n = 1;
}

/* ---- outer headers -------------------------------------------------- */

static size_t eth(uint8_t *p, uint16_t proto)
{
	memcpy(p, C.dmac, 6);
	memcpy(p + 6, C.smac, 6);
	put16(p + 12, proto);
	return 14;
}

static void ip6_hdr(struct rng *r, uint8_t *p, size_t plen, uint8_t nh,
		    const uint8_t *src, const uint8_t *dst)
{
	uint32_t v = 6U << 28;

	if (chance(r, 20))
		v |= (uint32_t)rnd(r, 256) << 20;	/* traffic class */
	if (chance(r, 30))
		v |= rnd(r, 1 << 20);			/* flow label */
	put32(p, v);
	put16(p + 4, (uint16_t)plen);
	p[6] = nh;
	p[7] = chance(r, 95) ? 64 : (uint8_t)rnd(r, 3);
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
}

/* Extension headers before next: returns their length; *first gets the
 * next-header value that leads into them.
 */
static size_t ext_headers(struct rng *r, uint8_t *p, uint8_t next,
			  uint8_t *first, bool enclim)
{
	size_t n = 0;
	int k = enclim ? 0 : (int)rnd_range(r, 1, 3), i;
	uint8_t types[4];
	int nt = 0;

	if (chance(r, 40) || enclim)
		types[nt++] = 0;		/* hop-by-hop: first */
	for (i = 0; i < k && nt < 3; i++)
		types[nt++] = (uint8_t[]){ 60, 43, 44, 60 }[rnd(r, 4)];
	if (enclim) {
		nt = 0;
		types[nt++] = 60;
	}
	*first = nt ? types[0] : next;
	for (i = 0; i < nt; i++) {
		uint8_t nh = i + 1 < nt ? types[i + 1] : next;
		uint8_t *h = p + n;

		h[0] = nh;
		switch (types[i]) {
		case 44:		/* fragment header, atomic */
			h[1] = 0;
			put16(h + 2, chance(r, 80) ? 0 : (uint16_t)rnd(r, 65536) & ~1);
			put32(h + 4, (uint32_t)rnd64(r));
			n += 8;
			break;
		case 43:		/* routing header, nothing left */
			h[1] = 0;
			h[2] = (uint8_t[]){ 0, 2, 4, 3 }[rnd(r, 4)];
			h[3] = chance(r, 85) ? 0 : 1;
			memset(h + 4, 0, 4);
			n += 8;
			break;
		default: {		/* options: PadN, encapsulation limit, junk */
			size_t words = enclim ? 1 : rnd_range(r, 1, 3), o = 2;

			h[1] = (uint8_t)(words - 1);
			memset(h + 2, 0, words * 8 - 2);
			if (types[i] == 60 && (enclim || chance(r, 40))) {
				h[o] = 4;	/* tunnel encapsulation limit */
				h[o + 1] = 1;
				h[o + 2] = enclim ? (uint8_t)rnd(r, 3) :
					   (uint8_t)rnd(r, 256);
				o += 3;
			}
			if (chance(r, 20) && o + 4 <= words * 8) {
				h[o] = (uint8_t)rnd(r, 256);	/* unknown */
				h[o + 1] = (uint8_t)rnd(r, 3);
				o += 2 + h[o + 1];
			}
			if (o < words * 8) {
				size_t pad = words * 8 - o;

				if (pad == 1) {
					h[o] = 0;	/* Pad1 */
				} else {
					h[o] = 1;	/* PadN */
					h[o + 1] = (uint8_t)(pad - 2);
				}
			}
			n += words * 8;
		}
		}
	}
	return n;
}

/*
 * An inner IPv4 packet in IPv6 to the device: into frames from index *fi,
 * several when the outer packet is fragmented.
 */
static void wrap_rx6(struct rng *r, struct frames *f, int *fi,
		     const uint8_t *in, size_t inlen, const uint8_t *src,
		     const uint8_t *dst, uint8_t nh)
{
	static uint8_t pl[BUFLEN];
	size_t ext = 0, plen;
	uint8_t first = nh;
	uint8_t *p;

	if (*fi >= MAXFRAMES)
		return;
	if (chance(r, 20))
		ext = ext_headers(r, pl, nh, &first, false);
	if (ext + inlen > sizeof(pl))
		inlen = sizeof(pl) - ext;
	memcpy(pl + ext, in, inlen);
	plen = ext + inlen;
	if (chance(r, 2))
		first = (uint8_t)rnd(r, 256);

	if ((plen > FRAMELEN - 14 - 40 || chance(r, 8)) && plen > 16 &&
	    first != 0) {
		/* Outer fragments: 8-byte pieces of the fragmentable part. */
		uint32_t id = (uint32_t)rnd64(r);
		size_t at = 0, cuts[16];
		int n = 0, i, order[16], m;

		while (at < plen && n < 15) {
			size_t step = 8 * rnd_range(r, 1, 1448 / 8);

			if (chance(r, 40))
				step = 8 * rnd_range(r, 1, 20);
			cuts[n++] = at;
			at += step;
		}
		cuts[n] = plen;
		m = n;
		for (i = 0; i < m; i++)
			order[i] = i;
		if (chance(r, 50))
			for (i = m - 1; i > 0; i--) {
				int j = (int)rnd(r, i + 1), t = order[i];

				order[i] = order[j];
				order[j] = t;
			}
		if (chance(r, 10) && m > 1)
			order[rnd(r, m)] = order[0];	/* one lost, one twice */
		for (i = 0; i < m && *fi < MAXFRAMES; i++) {
			size_t s = cuts[order[i]], e = cuts[order[i] + 1];
			uint8_t *fh;

			if (e > s + 1448)
				e = s + 1448;
			if (chance(r, 4) && e + 8 <= plen)
				e += 8;		/* overlap: the datagram dies */
			p = f->b[*fi];
			p += eth(p, ETH_P_IPV6);
			ip6_hdr(r, p, 8 + e - s, 44, src, dst);
			fh = p + 40;
			fh[0] = first;
			fh[1] = 0;
			put16(fh + 2, (uint16_t)(s | (order[i] + 1 < n ? 1 : 0)));
			put32(fh + 4, id);
			memcpy(fh + 8, pl + s, e - s);
			f->len[(*fi)++] = 14 + 48 + e - s;
		}
		return;
	}
	if (plen > FRAMELEN - 14 - 40)
		plen = FRAMELEN - 14 - 40;
	p = f->b[*fi];
	p += eth(p, ETH_P_IPV6);
	ip6_hdr(r, p, plen, first, src, dst);
	memcpy(p + 40, pl, plen);
	f->len[*fi] = 14 + 40 + plen;
	if (chance(r, 4)) {
		/* payload length that disagrees: trimmed or refused */
		put16(p + 4, (uint16_t)(chance(r, 50) ? rnd(r, plen + 1) :
					plen + rnd(r, 64)));
	}
	if (chance(r, 3))	/* the outer header or extensions, anywhere */
		p[rnd(r, 40 + ext)] ^= (uint8_t)(1 << rnd(r, 8));
	(*fi)++;
}

/* ---- items per class ------------------------------------------------ */

static const uint8_t *local6(void)
{
	return C.role == ROLE_BR ? C.br6 : C.ce[C.me].a6;
}

static void item_rx6(struct rng *r, struct frames *out)
{
	static struct frames in;
	struct endpoints e;
	const struct ce *peer;
	bool from_peer;
	uint8_t src[16], dst[16];
	int i, fi = 0;

	endpoints(r, &e, &peer, &from_peer);
	if (C.role == ROLE_BR)
		memcpy(src, peer->a6, 16);
	else
		memcpy(src, from_peer ? peer->a6 : C.br6, 16);
	memcpy(dst, local6(), 16);
	if (chance(r, 8))
		pool6(r, src);
	if (chance(r, 3))
		pool6(r, dst);
	inner_item(r, &e, &in, 1400);
	for (i = 0; i < in.n; i++)
		wrap_rx6(r, out, &fi, in.b[i], in.len[i], src, dst, 4);
	out->n = fi;
}

static void item_icmp6(struct rng *r, struct frames *out)
{
	static uint8_t q[BUFLEN];
	static struct frames in;
	struct endpoints e;
	uint8_t *p = out->b[0], *ic, qdst[16], src[16];
	size_t ql, inl, ext = 0, room;
	uint8_t type, code, first = 4;
	uint32_t info = 0, c = rnd(r, 100);
	bool ours_only = false;

	/* The packet the device would have sent, as quoted. */
	endpoints_tx(r, &e);
	inner_item(r, &e, &in, 1200);
	inl = in.len[0];
	if (C.role == ROLE_BR)
		memcpy(qdst, C.ce[rnd(r, C.nce)].a6, 16);
	else
		memcpy(qdst, chance(r, 85) ? C.br6 : C.ce[rnd(r, C.nce)].a6, 16);
	if (chance(r, 10))
		pool6(r, qdst);

	if (c < 30) {
		type = 1;
		code = (uint8_t)rnd(r, 8);
	} else if (c < 60) {
		type = 2;
		code = 0;
		info = chance(r, 70) ? rnd_range(r, 1280, 1500) :
		       (uint32_t)interesting(r, 4);
	} else if (c < 75) {
		type = 3;
		code = (uint8_t)rnd(r, 2);
	} else if (c < 90) {
		type = 4;
		code = (uint8_t)rnd(r, 4);
		info = rnd(r, 80);
	} else {
		/* Errors mape does not relay: always about our packet, so
		 * that the check can count them as seen.
		 */
		type = (uint8_t)(chance(r, 20) ? 0 : rnd_range(r, 5, 127));
		code = (uint8_t)rnd(r, 256);
		ours_only = true;
	}

	/* Quoted IPv6 header [+ encapsulation limit option] + IPv4. */
	if (chance(r, 20))
		ext = ext_headers(r, q + 40, 4, &first, true);
	room = 1280 - 40 - 8 - 40 - ext;
	if (inl > room)
		inl = room;
	if (!ours_only && chance(r, 25))
		inl = rnd(r, inl + 1);		/* cut anywhere */
	memcpy(q + 40 + ext, in.b[0], inl);
	ip6_hdr(r, q, ext + in.len[0], first, local6(), qdst);
	q[7] = 64;
	if (!ours_only && chance(r, 5))
		pool6(r, q + 8);		/* not our packet */
	ql = 40 + ext + inl;

	/* From a router on the way, or a CE. */
	if (chance(r, 70))
		memcpy(src, C.router6, 16);
	else
		pool6(r, src);
	p += eth(p, ETH_P_IPV6);
	ip6_hdr(r, p, 8 + ql, IPPROTO_ICMPV6, src, local6());
	p[7] = 255;
	ic = p + 40;
	ic[0] = type;
	ic[1] = code;
	put32(ic + 4, info);
	memcpy(ic + 8, q, ql);
	icmp6_csum(p, 40 + 8 + ql);
	if (chance(r, 3))
		ic[2] ^= 0xff;				/* bad checksum */
	out->len[0] = 14 + 40 + 8 + ql;
	out->n = 1;
}

/* ---- mode t: what a translator makes of the IPv4 packets ------------ */

/* RFC 6052 section 2.2: a in the DMR, around the u octet (bits 64-71). */
static void embed6052(uint32_t a, uint8_t *out)
{
	unsigned int at = C.dmr_len / 8, i;

	memcpy(out, C.dmr, 16);
	for (i = 0; i < 4; i++, at++) {
		if (at == 8)
			at++;
		out[at] = (uint8_t)(a >> (24 - 8 * i));
	}
}

/* The IPv6 name of (a, port): the MAP address of the CE owning it, else
 * the DMR's.
 */
static void name6(uint32_t a, uint16_t port, uint8_t *out)
{
	unsigned int m_bits = 16 - C.off - C.len;
	int i;

	for (i = 0; i < C.nce; i++) {
		if (C.ce[i].a4 == a &&
		    ((port >> m_bits) & ((1U << C.len) - 1)) == C.ce[i].psid) {
			memcpy(out, C.ce[i].a6, 16);
			return;
		}
	}
	embed6052(a, out);
}

static void l4_csum6(uint8_t *l4, size_t len, uint8_t proto,
		     const uint8_t *s6, const uint8_t *d6)
{
	int at = proto == IPPROTO_UDP ? 6 : proto == IPPROTO_TCP ? 16 :
		 proto == IPPROTO_ICMPV6 ? 2 : -1;
	uint32_t s;

	if (at < 0 || (size_t)at + 2 > len)
		return;
	l4[at] = l4[at + 1] = 0;
	s = sum16(s6, 16, 0);
	s = sum16(d6, 16, s);
	s += (uint32_t)len + proto;
	s = sum16(l4, len, s);
	put16(l4 + at, fold(s));
}

/* ICMPv4 type and code as ICMPv6 (RFC 7915 section 4.2, the common ones;
 * the rest left as they are, for the device to refuse).
 */
static void icmp_type6(struct rng *r, uint8_t *ic)
{
	switch (ic[0]) {
	case 8: ic[0] = 128; ic[1] = 0; break;
	case 0: ic[0] = 129; ic[1] = 0; break;
	case 3:
		if (ic[1] == 4) {
			ic[0] = 2;
			put32(ic + 4, get16(ic + 6) + 20U);
		} else {
			ic[0] = 1;
			ic[1] = ic[1] == 3 ? 4 : ic[1] == 9 || ic[1] == 10 ||
				ic[1] == 13 ? 1 : 0;
		}
		break;
	case 11: ic[0] = 3; break;
	case 12: ic[0] = 4; ic[1] = 0; break;
	default:
		if (chance(r, 50))
			ic[0] = (uint8_t)rnd(r, 256);
	}
}

/*
 * The transport part of IPv4 packet p (len bytes) as translated into o,
 * for an IPv6 packet from s6 to d6; returns its length, *nh the next
 * header. An ICMP error's quoted packet becomes an IPv6 one, its
 * addresses named the other way round.
 */
static size_t xlat_l4(struct rng *r, const uint8_t *p, size_t len,
		      uint8_t *o, size_t max, const uint8_t *s6,
		      const uint8_t *d6, uint8_t *nh)
{
	size_t hl = (size_t)(p[0] & 0xf) * 4, n;

	if (hl < 20 || hl > len)
		hl = len < 20 ? len : 20;
	n = len - hl;
	if (n > max)
		n = max;
	memcpy(o, p + hl, n);
	*nh = p[9] == IPPROTO_ICMP ? IPPROTO_ICMPV6 : p[9];
	if (*nh == IPPROTO_ICMPV6 && n >= 8) {
		bool err = o[0] == 3 || o[0] == 11 || o[0] == 12;

		icmp_type6(r, o);
		if (err && n >= 8 + 20 && n - 8 + 20 <= max - 8) {
			/* 20 bytes more: the quoted header as IPv6 */
			const uint8_t *q = p + hl + 8;
			size_t qhl = (size_t)(q[0] & 0xf) * 4, ql = n - 8;
			uint8_t *q6 = o + 8;

			if (qhl < 20 || qhl > ql)
				qhl = 20;
			memmove(q6 + 40, q + qhl, ql - qhl);
			put32(q6, 6U << 28 | (uint32_t)q[1] << 20);
			put16(q6 + 4, (uint16_t)(get16(q + 2) > qhl ?
						 get16(q + 2) - qhl : 0));
			q6[6] = q[9] == IPPROTO_ICMP ? IPPROTO_ICMPV6 : q[9];
			q6[7] = q[8];
			name6(get32(q + 12), ql >= qhl + 2 ? get16(q + qhl) : 0,
			      q6 + 8);
			name6(get32(q + 16), ql >= qhl + 4 ?
			      get16(q + qhl + 2) : 0, q6 + 24);
			if (q6[6] == IPPROTO_ICMPV6 && ql - qhl >= 1)
				icmp_type6(r, q6 + 40);
			n = 8 + 40 + ql - qhl;
		}
	}
	if (chance(r, 92))
		l4_csum6(o, n, *nh, s6, d6);
	return n;
}

/* IPv6 into the translating device: item_rx6's traffic, translated. */
static void item_rx6t(struct rng *r, struct frames *out)
{
	static uint8_t d[BUFLEN], l4[BUFLEN];
	struct endpoints e;
	const struct ce *peer;
	bool from_peer;
	uint8_t src[16], dst[16], nh;
	uint32_t c = rnd(r, 100);
	enum kind kind;
	size_t len, n;
	int fi = 0;

	endpoints(r, &e, &peer, &from_peer);
	if (C.role == ROLE_BR) {
		memcpy(src, peer->a6, 16);
		embed6052(e.dst, dst);
	} else {
		if (from_peer)
			memcpy(src, peer->a6, 16);
		else
			embed6052(e.src, src);
		memcpy(dst, C.ce[C.me].a6, 16);
	}
	if (chance(r, 8))
		pool6(r, src);
	if (chance(r, 3))
		pool6(r, dst);
	kind = c < 35 ? KD_UDP : c < 55 ? KD_TCP : c < 65 ? KD_ECHO :
	       c < 80 ? KD_ICMPERR : c < 87 ? KD_PORTS : c < 92 ? KD_ICMPMISC :
	       KD_OTHER;
	/* Big ones leave as IPv6 fragments (wrap_rx6). */
	len = build_v4(r, d, sizeof(d), e.src, e.dst, e.sport, e.dport, kind,
		       chance(r, 12) ? rnd_range(r, 16, 4000) :
		       chance(r, 70) ? rnd(r, 200) : rnd(r, 1500),
		       chance(r, 50), false);
	if (chance(r, 30))
		len = mutate_v4(r, d, len, sizeof(d));
	n = xlat_l4(r, d, len, l4, sizeof(l4) - 64, src, dst, &nh);
	wrap_rx6(r, out, &fi, l4, n, src, dst, nh);
	out->n = fi;
}

/* ICMPv6 errors about what the translating device sent. */
static void item_icmp6t(struct rng *r, struct frames *out)
{
	static uint8_t d[BUFLEN], l4[BUFLEN];
	struct endpoints e;
	uint8_t *p = out->b[0], *ic, *q, src[16], qs[16], qd[16], nh, first;
	size_t len, ql, ext = 0;
	uint32_t c = rnd(r, 100);

	endpoints_tx(r, &e);
	len = build_v4(r, d, 1200, e.src, e.dst, e.sport, e.dport,
		       (enum kind)rnd(r, 4), chance(r, 70) ? rnd(r, 200) :
		       rnd(r, 1100), chance(r, 50), false);
	/* The quoted packet, from the device's name for its source. */
	if (C.role == ROLE_BR)
		embed6052(e.src, qs);
	else
		memcpy(qs, C.ce[C.me].a6, 16);
	name6(e.dst, e.dport, qd);
	if (chance(r, 10))
		pool6(r, qd);
	ql = xlat_l4(r, d, len, l4, 1280 - 48 - 40 - 24, qs, qd, &nh);
	p += eth(p, ETH_P_IPV6);
	ic = p + 40;
	q = ic + 8;
	first = nh;
	if (chance(r, 15))
		ext = ext_headers(r, q + 40, nh, &first, false);
	memcpy(q + 40 + ext, l4, ql);
	ip6_hdr(r, q, ext + ql, first, qs, qd);
	ql += 40 + ext;
	if (chance(r, 25))
		ql = rnd(r, ql + 1);		/* cut anywhere */

	/* From a router on the way, a host behind the DMR, or anyone. */
	if (c < 70)
		memcpy(src, C.router6, 16);
	else if (c < 85)
		embed6052(pool4(r), src);
	else
		pool6(r, src);
	ip6_hdr(r, p, 8 + ql, IPPROTO_ICMPV6, src, qs);
	p[7] = 255;
	ic[0] = chance(r, 90) ? (uint8_t)rnd_range(r, 1, 4) :
		(uint8_t)rnd(r, 256);
	ic[1] = (uint8_t)rnd(r, 8);
	memset(ic + 4, 0, 4);
	if (ic[0] == 2)
		put32(ic + 4, chance(r, 70) ? rnd_range(r, 1280, 1500) :
			      (uint32_t)interesting(r, 4));
	else if (ic[0] == 4)
		put32(ic + 4, rnd(r, 80));
	icmp6_csum(p, 40 + 8 + ql);
	if (chance(r, 3))
		ic[2] ^= 0xff;				/* bad checksum */
	out->len[0] = 14 + 40 + 8 + ql;
	out->n = 1;
}

static void item_tx4(struct rng *r, struct frames *out, bool raw)
{
	static struct frames in;
	struct endpoints e;
	int i;
	/* A socket refuses more than the MTU. */
	size_t maxlen = C.mtu;

	endpoints_tx(r, &e);
	inner_item(r, &e, &in, maxlen);
	for (i = 0; i < in.n; i++) {
		uint8_t *p = out->b[i];

		if (raw) {
			memcpy(p, in.b[i], in.len[i]);
			out->len[i] = in.len[i];
		} else {
			memcpy(p + eth(p, ETH_P_IP), in.b[i], in.len[i]);
			out->len[i] = 14 + in.len[i];
		}
	}
	out->n = in.n;
}

/* One super-packet: a virtio_net_hdr, then TCP or UDP in IPv4. */
static void item_gso(struct rng *r, struct frames *out)
{
	struct virtio_net_hdr vh;
	struct endpoints e;
	uint8_t *p = out->b[0] + sizeof(vh);
	bool tcp = chance(r, 70), df = C.gso_df || chance(r, 50);
	size_t len, hl, pay = rnd_range(r, 1, 12000);

	endpoints_tx(r, &e);
	len = build_v4(r, p, BUFLEN - sizeof(vh), e.src, e.dst, e.sport,
		       e.dport, tcp ? KD_TCP : KD_UDP, pay, df, false);
	hl = (size_t)(p[0] & 0xf) * 4;
	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.gso_type = tcp ? VIRTIO_NET_HDR_GSO_TCPV4 :
		      chance(r, 50) ? VIRTIO_NET_HDR_GSO_UDP_L4 :
				      VIRTIO_NET_HDR_GSO_UDP;
	vh.hdr_len = (uint16_t)(hl + (tcp ? 20 : 8));
	vh.gso_size = (uint16_t)(chance(r, 85) ? rnd_range(r, 536, 1420) :
				 interesting(r, 2));
	vh.csum_start = (uint16_t)hl;
	vh.csum_offset = tcp ? 16 : 6;
	if (chance(r, 20)) {
		switch (rnd(r, 6)) {
		case 0: vh.flags = (uint8_t)rnd(r, 256); break;
		case 1: vh.gso_type = (uint8_t)rnd(r, 256); break;
		case 2: vh.hdr_len = (uint16_t)interesting(r, 2); break;
		case 3: vh.csum_start = (uint16_t)interesting(r, 2); break;
		case 4: vh.csum_offset = (uint16_t)interesting(r, 2); break;
		default: vh.gso_type |= VIRTIO_NET_HDR_GSO_ECN;
		}
	}
	if (chance(r, 15))
		len = mutate_v4(r, p, len, BUFLEN - sizeof(vh));
	memcpy(out->b[0], &vh, sizeof(vh));
	out->len[0] = sizeof(vh) + len;
	out->n = 1;
}

static void item(uint64_t i, struct frames *f)
{
	struct rng r;

	rng_init(&r, C.seed, (uint64_t)C.cls << 8 | (uint64_t)C.role, i);
	f->n = 0;
	switch (C.cls) {
	case K_RX6:
		if (C.dmr_len)
			item_rx6t(&r, f);
		else
			item_rx6(&r, f);
		break;
	case K_ICMP6:
		if (C.dmr_len)
			item_icmp6t(&r, f);
		else
			item_icmp6(&r, f);
		break;
	case K_TX4: item_tx4(&r, f, false); break;
	case K_TX4RAW: item_tx4(&r, f, true); break;
	default: item_gso(&r, f);
	}
}

/* ---- sending --------------------------------------------------------- */

/* The class writes into the mape device itself. */
static bool to_device(void)
{
	return C.cls == K_TX4RAW || C.cls == K_TX4GSO;
}

static int open_sock(void)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr;
	/* A virtio_net_hdr needs SOCK_RAW: on a mape device, no link header. */
	int type = C.cls == K_TX4RAW ? SOCK_DGRAM : SOCK_RAW;
	int fd = socket(AF_PACKET, type, 0), one = 1;

	if (fd < 0) {
		perror("socket(AF_PACKET)");
		exit(1);
	}
	C.ifindex = if_nametoindex(C.ifname);
	if (!C.ifindex) {
		fprintf(stderr, "pktfuzz: no interface %s\n", C.ifname);
		exit(1);
	}
	sll.sll_ifindex = C.ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("bind(AF_PACKET)");
		exit(1);
	}
	/*
	 * Into a veth, straight to its driver, as a NIC's frames would
	 * leave. Into the mape device, through dev_queue_xmit as the IPv4
	 * stack's packets go: it segments in software the super-packets
	 * the device does not take whole (the bypass would drop them), and
	 * what it refuses (a malformed GSO header) fails the send with
	 * ENOMEM, counted by the core as the device's tx_dropped.
	 */
	if (!to_device())
		setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
			   sizeof(one));
	if (C.cls == K_TX4GSO &&
	    setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one))) {
		perror("PACKET_VNET_HDR");
		exit(1);
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", C.ifname);
	if (type == SOCK_RAW && !ioctl(fd, SIOCGIFHWADDR, &ifr))
		memcpy(C.smac, ifr.ifr_hwaddr.sa_data, 6);
	C.mtu = 1500;
	if (!ioctl(fd, SIOCGIFMTU, &ifr) && ifr.ifr_mtu >= 68 &&
	    ifr.ifr_mtu < 1500)
		C.mtu = (unsigned int)ifr.ifr_mtu;
	return fd;
}

/* 0 when sent; the errno otherwise. */
static int send_frame(int fd, struct rng *r, const uint8_t *p, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = C.ifindex,
		.sll_protocol = htons(ETH_P_IP),
	};

	if (C.cls == K_TX4RAW && chance(r, 3))
		sll.sll_protocol = htons(chance(r, 50) ? ETH_P_IPV6 :
					 (uint16_t)rnd(r, 65536));
	if (sendto(fd, p, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return errno;
	return 0;
}

static int parse_mac(const char *s, uint8_t *m)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2],
		      &m[3], &m[4], &m[5]) == 6 ? 0 : -1;
}

static uint32_t parse4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "pktfuzz: bad IPv4 address %s\n", s);
		exit(2);
	}
	return ntohl(a.s_addr);
}

static void parse6(const char *s, uint8_t *a)
{
	if (inet_pton(AF_INET6, s, a) != 1) {
		fprintf(stderr, "pktfuzz: bad IPv6 address %s\n", s);
		exit(2);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pktfuzz -k rx6|icmp6|tx4|tx4raw|tx4gso -R br|ce -i IFACE [-m DSTMAC]\n"
		"               -B BR6 -E IPV6/IPV4/PSID [-E ...] [-U N] -S SRV4\n"
		"               [-L LAN4] [-G ROUTER6] [-P OFFSET,LEN] [-T DMR/LEN]\n"
		"               [-s SEED] [-n PACKETS] [-t SECONDS] [-x ITEM] [-F] [-v]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct frames f;
	uint64_t sent = 0, items = 0, errs = 0, i;
	uint64_t errno_count[4] = { 0 };
	uint64_t core_drops = 0;
	int other = 0;
	double t0;
	int c, fd;

	C.seed = (uint64_t)time(NULL);
	parse6("2001:db8:f0:1::1", C.router6);
	while ((c = getopt(argc, argv, "k:R:i:m:B:E:U:S:L:G:P:T:s:n:t:x:vFh")) != -1) {
		switch (c) {
		case 'k':
			C.cls = !strcmp(optarg, "rx6") ? K_RX6 :
				!strcmp(optarg, "icmp6") ? K_ICMP6 :
				!strcmp(optarg, "tx4") ? K_TX4 :
				!strcmp(optarg, "tx4raw") ? K_TX4RAW :
				!strcmp(optarg, "tx4gso") ? K_TX4GSO : -1;
			if (C.cls < 0)
				usage();
			break;
		case 'R':
			C.role = !strcmp(optarg, "ce") ? ROLE_CE : ROLE_BR;
			break;
		case 'i': C.ifname = optarg; break;
		case 'm':
			if (parse_mac(optarg, C.dmac))
				usage();
			break;
		case 'B': parse6(optarg, C.br6); break;
		case 'E': {
			char a6[64], a4[32];
			unsigned int psid;

			if (C.nce >= 8 ||
			    sscanf(optarg, "%63[^/]/%31[^/]/%i", a6, a4,
				   (int *)&psid) != 3)
				usage();
			parse6(a6, C.ce[C.nce].a6);
			C.ce[C.nce].a4 = parse4(a4);
			C.ce[C.nce].psid = (uint16_t)psid;
			C.nce++;
			break;
		}
		case 'U': C.me = atoi(optarg); break;
		case 'S': C.srv4 = parse4(optarg); break;
		case 'L': C.lan4 = parse4(optarg); break;
		case 'G': parse6(optarg, C.router6); break;
		case 'P':
			if (sscanf(optarg, "%u,%u", &C.off, &C.len) != 2 ||
			    C.off + C.len > 16)
				usage();
			break;
		case 'T': {
			char a6[64];

			if (sscanf(optarg, "%63[^/]/%u", a6, &C.dmr_len) != 2 ||
			    C.dmr_len < 32 || C.dmr_len > 96 || C.dmr_len % 8 ||
			    (C.dmr_len > 64 && C.dmr_len != 96))
				usage();
			parse6(a6, C.dmr);
			break;
		}
		case 's': C.seed = strtoull(optarg, NULL, 0); break;
		case 'n': C.count = strtoull(optarg, NULL, 0); break;
		case 't': C.secs = atof(optarg); break;
		case 'x': C.show = atol(optarg); break;
		case 'v': C.verbose++; break;
		case 'F': C.gso_df = true; break;
		default: usage();
		}
	}
	if (!C.ifname || !C.nce || C.me >= C.nce || !C.srv4)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open_sock();

	if (C.show >= 0) {
		struct rng r;
		int k;

		item((uint64_t)C.show, &f);
		rng_init(&r, C.seed ^ 0x5e4d, 0, (uint64_t)C.show);
		printf("pktfuzz: seed %llu item %ld: %d frame(s)\n",
		       (unsigned long long)C.seed, C.show, f.n);
		for (k = 0; k < f.n; k++) {
			int e = send_frame(fd, &r, f.b[k], f.len[k]);

			printf(" frame %d, %zu bytes%s%s\n", k, f.len[k],
			       e ? ", not sent: " : "", e ? strerror(e) : "");
			hexdump(stdout, "  ", f.b[k], f.len[k]);
		}
		return 0;
	}

	t0 = now_s();
	/* COUNT packets sent; a socket refusing everything ends it too. */
	for (i = 0; sent < C.count && errs < C.count; i++) {
		struct rng r;
		int k;

		if (C.secs && i % 256 == 0 && now_s() - t0 > C.secs)
			break;
		item(i, &f);
		rng_init(&r, C.seed ^ 0x5e4d, 0, i);
		items++;
		for (k = 0; k < f.n; k++) {
			int e, tries = 0;

			/* The peer's backlog is full: let it drain. */
			while ((e = send_frame(fd, &r, f.b[k], f.len[k])) == ENOBUFS &&
			       !to_device() && tries++ < 200)
				usleep(200);
			if (!e) {
				sent++;
				continue;
			}
			errs++;
			/* Refused by the core on the way into the device: its
			 * tx_dropped, mape never saw it.
			 */
			if (to_device() && (e == ENOMEM || e == ENOBUFS))
				core_drops++;
			errno_count[e == EMSGSIZE ? 0 : e == ENETDOWN ? 1 :
				    e == ENOBUFS ? 2 : 3]++;
			if (e != EMSGSIZE && e != ENETDOWN && e != ENOBUFS)
				other = e;
			if (C.verbose)
				fprintf(stderr, "pktfuzz: item %llu frame %d: %s\n",
					(unsigned long long)i, k, strerror(e));
		}
	}
	printf("pktfuzz: seed %llu %s: %llu packets sent (%llu items) in %.1f s, %llu refused by the socket (EMSGSIZE %llu, ENETDOWN %llu, ENOBUFS %llu, other %llu%s%s)\n",
	       (unsigned long long)C.seed, C.ifname, (unsigned long long)sent,
	       (unsigned long long)items, now_s() - t0,
	       (unsigned long long)errs, (unsigned long long)errno_count[0],
	       (unsigned long long)errno_count[1],
	       (unsigned long long)errno_count[2],
	       (unsigned long long)errno_count[3], other ? ": " : "",
	       other ? strerror(other) : "");
	printf("PKTFUZZ sent=%llu items=%llu errors=%llu core_drops=%llu\n",
	       (unsigned long long)sent, (unsigned long long)items,
	       (unsigned long long)errs, (unsigned long long)core_drops);
	return 0;
}
