// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the RFC 7915 tables and MTU arithmetic. The expected
 * values are the RFC's (sections 4.2 and 5.2, figures 3 and 6), written
 * out here rather than derived from the code.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/random.h>
#include <net/checksum.h>
#include <net/dsfield.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "xlat.h"

struct row {
	u8 type, code;
	u32 param;
	u8 type_out, code_out;
	u32 param_out;
};

/* Section 4.2: every ICMPv4 type and code with a translation. */
static const struct row rows4to6[] = {
	{ 8, 0, 0, 128, 0, 0 },		/* echo request */
	{ 0, 0, 0, 129, 0, 0 },		/* echo reply */
	{ 3, 0, 0, 1, 0, 0 },		/* net unreachable: no route */
	{ 3, 1, 0, 1, 0, 0 },		/* host unreachable */
	{ 3, 2, 0, 4, 1, 6 },		/* protocol: next header, ptr 6 */
	{ 3, 3, 0, 1, 4, 0 },		/* port unreachable */
	{ 3, 4, 1400, 2, 0, 1400 },	/* frag needed: packet too big */
	{ 3, 5, 0, 1, 0, 0 },		/* source route failed */
	{ 3, 6, 0, 1, 0, 0 },
	{ 3, 7, 0, 1, 0, 0 },
	{ 3, 8, 0, 1, 0, 0 },
	{ 3, 9, 0, 1, 1, 0 },		/* administratively prohibited */
	{ 3, 10, 0, 1, 1, 0 },
	{ 3, 11, 0, 1, 0, 0 },
	{ 3, 12, 0, 1, 0, 0 },
	{ 3, 13, 0, 1, 1, 0 },
	{ 3, 15, 0, 1, 1, 0 },		/* precedence cutoff */
	{ 11, 0, 0, 3, 0, 0 },		/* time exceeded, code kept */
	{ 11, 1, 0, 3, 1, 0 },
};

/* Section 5.2: every ICMPv6 type and code with a translation. */
static const struct row rows6to4[] = {
	{ 128, 0, 0, 8, 0, 0 },
	{ 129, 0, 0, 0, 0, 0 },
	{ 1, 0, 0, 3, 1, 0 },		/* no route: host unreachable */
	{ 1, 1, 0, 3, 10, 0 },		/* prohibited: host prohibited */
	{ 1, 2, 0, 3, 1, 0 },		/* beyond scope */
	{ 1, 3, 0, 3, 1, 0 },		/* address unreachable */
	{ 1, 4, 0, 3, 3, 0 },		/* port unreachable */
	{ 2, 0, 1400, 3, 4, 1400 },	/* packet too big: frag needed */
	{ 3, 0, 0, 11, 0, 0 },
	{ 3, 1, 0, 11, 1, 0 },
	{ 4, 1, 0, 3, 2, 0 },		/* next header: protocol unreachable */
};

/* A pointer range of figure 3 or 6 and where it points in the other header. */
struct ptr {
	u8 first, last, out;
};

/* Figure 3: what an ICMPv4 pointer has in the IPv6 header. */
static const struct ptr fig3[] = {
	{ 0, 0, 0 },		/* version/IHL */
	{ 1, 1, 1 },		/* type of service */
	{ 2, 3, 4 },		/* total length */
	{ 8, 8, 7 },		/* time to live */
	{ 9, 9, 6 },		/* protocol */
	{ 12, 15, 8 },		/* source address */
	{ 16, 19, 24 },		/* destination address */
};

/* Figure 6: what an ICMPv6 pointer has in the IPv4 header. */
static const struct ptr fig6[] = {
	{ 0, 0, 0 },		/* version/traffic class */
	{ 1, 1, 1 },		/* traffic class/flow label */
	{ 4, 5, 2 },		/* payload length */
	{ 6, 6, 9 },		/* next header */
	{ 7, 7, 8 },		/* hop limit */
	{ 8, 23, 12 },		/* source address */
	{ 24, 39, 16 },		/* destination address */
};

static int fig(const struct ptr *f, unsigned int n, u32 p)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (p >= f[i].first && p <= f[i].last)
			return f[i].out;
	return -1;
}

static const struct row *find(const struct row *rows, unsigned int n,
			      unsigned int type, unsigned int code, u32 param)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (rows[i].type == type && rows[i].code == code &&
		    rows[i].param == param)
			return &rows[i];
	return NULL;
}

/*
 * Every type and code, a too-big message with the rows' MTU: translated
 * exactly as the table says, and dropped when the table has no row. The
 * Parameter Problem codes with a pointer (pp_codes) are left to the
 * figure: every pointer up to 64 translated as it says, or dropped.
 */
static void check_all(struct kunit *test, const struct row *rows,
		      unsigned int n, u8 pp, u32 pp_codes, u8 pp_out,
		      const struct ptr *f, unsigned int nf, u8 big,
		      u8 big_code,
		      bool (*xlat)(const struct mape_icmp *,
				   struct mape_icmp *))
{
	unsigned int type, code;
	u32 param, last;

	for (type = 0; type < 256; type++) {
		for (code = 0; code < 256; code++) {
			bool by_fig = type == pp && code < 32 &&
				      (pp_codes & BIT(code));

			last = by_fig ? 64 : 0;
			for (param = 0; param <= last; param++) {
				struct mape_icmp in = { type, code, param };
				struct mape_icmp out;
				const struct row *r = NULL;
				int want = -1;
				bool ok;

				if (type == big && code == big_code)
					in.param = 1400;
				if (by_fig)
					want = fig(f, nf, param);
				else
					r = find(rows, n, type, code, in.param);
				ok = xlat(&in, &out);
				KUNIT_EXPECT_EQ_MSG(test, ok, r || want >= 0,
						    "type %u code %u param %u",
						    type, code, in.param);
				if (!ok)
					continue;
				if (by_fig) {
					KUNIT_EXPECT_EQ(test, out.type, pp_out);
					KUNIT_EXPECT_EQ(test, out.code, 0);
					KUNIT_EXPECT_EQ(test, out.param, want);
					continue;
				}
				if (!r)
					continue;
				KUNIT_EXPECT_EQ(test, out.type, r->type_out);
				KUNIT_EXPECT_EQ(test, out.code, r->code_out);
				KUNIT_EXPECT_EQ(test, out.param, r->param_out);
			}
		}
	}
}

static void xlat_icmp4to6(struct kunit *test)
{
	/* Parameter Problem codes 0 (pointer) and 2 (bad length). */
	check_all(test, rows4to6, ARRAY_SIZE(rows4to6), ICMP_PARAMETERPROB,
		  BIT(0) | BIT(2), ICMPV6_PARAMPROB, fig3, ARRAY_SIZE(fig3),
		  ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mape_xlat_icmp4to6);
}

static void xlat_icmp6to4(struct kunit *test)
{
	/* Parameter Problem code 0, erroneous header field. */
	check_all(test, rows6to4, ARRAY_SIZE(rows6to4), ICMPV6_PARAMPROB,
		  BIT(0), ICMP_PARAMETERPROB, fig6, ARRAY_SIZE(fig6),
		  ICMPV6_PKT_TOOBIG, 0, mape_xlat_icmp6to4);
}

static void xlat_mtu(struct kunit *test)
{
	/* +20, capped by the next hops, never under 1280. */
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu4to6(1400, 1500, 0, 0), 1420);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu4to6(1400, 1500, 1410, 0), 1410);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu4to6(1400, 1500, 0, 1300), 1320);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu4to6(576, 1500, 0, 0), 1280);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu4to6(68, 1500, 0, 0), 1280);
	/* 0: the greatest RFC 1191 plateau below the total length. */
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu4to6(0, 1500, 0, 0), 1492 + 20);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu4to6(0, 4000, 0, 0), 2002 + 20);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu4to6(0, 65535, 0, 0), 32000 + 20);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu4to6(0, 1400, 0, 0), 1280);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu4to6(0, 0, 0, 0), 1280);

	/* -20, or -28 with a Fragment header; capped; no underflow. */
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu6to4(1500, false, 0, 0), 1480);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu6to4(1500, true, 0, 0), 1472);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu6to4(1500, false, 1400, 0), 1400);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu6to4(1500, false, 0, 1450), 1430);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu6to4(1280, false, 0, 0), 1260);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu6to4(0, false, 0, 0), 1260);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu6to4(10, true, 0, 0), 1252);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu6to4(0, false, 0, 10), 1260);
	KUNIT_EXPECT_EQ(test, mape_xlat_mtu6to4(0xffffffff, false, 0, 0),
			0xffff);
}

static struct in6_addr addr6(u32 a, u32 b, u32 c, u32 d)
{
	struct in6_addr x;

	x.s6_addr32[0] = htonl(a);
	x.s6_addr32[1] = htonl(b);
	x.s6_addr32[2] = htonl(c);
	x.s6_addr32[3] = htonl(d);
	return x;
}

static bool same_csum(__sum16 a, __sum16 b)
{
	/* 0 and 0xffff are the same one's-complement number. */
	return a == b || ((a == 0 || a == CSUM_MANGLED_0) &&
			  (b == 0 || b == CSUM_MANGLED_0));
}

/*
 * Random TCP/UDP payloads and addresses: the IPv4 checksum moved by the
 * difference is the one computed afresh over the IPv6 pseudo-header, and
 * back; an ICMP echo's checksum gains and loses ICMPv6's pseudo-header
 * with its type.
 */
static void xlat_csum(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, 1500, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < 500; i++) {
		u32 len = 8 + get_random_u32_below(1400);
		__be32 s4 = (__force __be32)get_random_u32();
		__be32 d4 = (__force __be32)get_random_u32();
		struct in6_addr s6 = addr6(0x20010db8, get_random_u32(),
					   get_random_u32(), get_random_u32());
		struct in6_addr d6 = addr6(0x20010db8, get_random_u32(),
					   get_random_u32(), get_random_u32());
		u8 proto = i & 1 ? IPPROTO_UDP : IPPROTO_TCP;
		__sum16 c4, c6, c;
		__wsum data, diff;

		get_random_bytes(buf, len);
		data = csum_partial(buf, len, 0);
		c4 = csum_tcpudp_magic(s4, d4, len, proto, data);
		c6 = csum_ipv6_magic(&s6, &d6, len, proto, data);
		diff = mape_xlat_pseudo4to6(s4, d4, &s6, &d6);
		c = c4;
		csum_replace_by_diff(&c, diff);
		KUNIT_EXPECT_TRUE(test, same_csum(c, c6));
		c = c6;
		csum_replace_by_diff(&c, csum_sub(0, diff));
		KUNIT_EXPECT_TRUE(test, same_csum(c, c4));

		/* An echo request: type 8 becomes 128, and back. */
		buf[0] = ICMP_ECHO;
		buf[1] = 0;
		c4 = csum_fold(csum_partial(buf, len, 0));
		buf[0] = ICMPV6_ECHO_REQUEST;
		c6 = csum_ipv6_magic(&s6, &d6, len, IPPROTO_ICMPV6,
				     csum_partial(buf, len, 0));
		c = c4;
		csum_replace2(&c, htons(ICMP_ECHO << 8),
			      htons(ICMPV6_ECHO_REQUEST << 8));
		csum_replace_by_diff(&c, mape_xlat_pseudo_icmp6(&s6, &d6, len));
		KUNIT_EXPECT_TRUE(test, same_csum(c, c6));
		c = c6;
		diff = mape_xlat_pseudo_icmp6(&s6, &d6, len);
		csum_replace_by_diff(&c, csum_sub(0, diff));
		csum_replace2(&c, htons(ICMPV6_ECHO_REQUEST << 8),
			      htons(ICMP_ECHO << 8));
		KUNIT_EXPECT_TRUE(test, same_csum(c, c4));
	}
}

/* Section 4.1 and 5.1, field by field, and the fragment fields both ways. */
static void xlat_headers(struct kunit *test)
{
	struct in6_addr s6 = addr6(0x20010db8, 0x12, 0x34, 0x5678);
	struct in6_addr d6 = addr6(0x20010db8, 0x9a, 0, 0xc0000221);
	struct iphdr iph = {
		.version = 4, .ihl = 6, .tos = 0xb9, .ttl = 63,
		.protocol = IPPROTO_ICMP, .id = htons(0xbeef),
		.frag_off = htons(IP_DF),
		.saddr = htonl(0xc0000212), .daddr = htonl(0xc6336401),
	};
	struct ipv6hdr ip6h;
	struct frag_hdr fh;
	struct iphdr back;

	/* Not a fragment: no Fragment header, options left behind. */
	mape_xlat_hdr4to6(&iph, 1000, &s6, &d6, &ip6h, NULL);
	KUNIT_EXPECT_EQ(test, (int)ip6h.version, 6);
	KUNIT_EXPECT_EQ(test, ipv6_get_dsfield(&ip6h), 0xb9);
	KUNIT_EXPECT_EQ(test, ip6_flowlabel(&ip6h), 0);
	KUNIT_EXPECT_EQ(test, ntohs(ip6h.payload_len), 1000);
	KUNIT_EXPECT_EQ(test, ip6h.nexthdr, IPPROTO_ICMPV6);
	KUNIT_EXPECT_EQ(test, ip6h.hop_limit, 63);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6h.saddr, &s6));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6h.daddr, &d6));

	/* Back: DF above 1260 bytes, not at 1260; ICMP again. */
	mape_xlat_hdr6to4(&ip6h, IPPROTO_ICMPV6, 1000, NULL, iph.saddr,
			  iph.daddr, &back);
	KUNIT_EXPECT_EQ(test, (int)back.version, 4);
	KUNIT_EXPECT_EQ(test, (int)back.ihl, 5);
	KUNIT_EXPECT_EQ(test, back.tos, 0xb9);
	KUNIT_EXPECT_EQ(test, ntohs(back.tot_len), 1020);
	KUNIT_EXPECT_EQ(test, back.protocol, IPPROTO_ICMP);
	KUNIT_EXPECT_EQ(test, back.ttl, 63);
	KUNIT_EXPECT_EQ(test, back.frag_off, 0);
	KUNIT_EXPECT_EQ(test, back.saddr, iph.saddr);
	KUNIT_EXPECT_EQ(test, back.daddr, iph.daddr);
	KUNIT_EXPECT_EQ(test, ip_fast_csum(&back, back.ihl), 0);
	mape_xlat_hdr6to4(&ip6h, IPPROTO_UDP, 1240, NULL, iph.saddr,
			  iph.daddr, &back);
	KUNIT_EXPECT_EQ(test, back.frag_off, 0);
	KUNIT_EXPECT_EQ(test, back.protocol, IPPROTO_UDP);
	mape_xlat_hdr6to4(&ip6h, IPPROTO_UDP, 1241, NULL, iph.saddr,
			  iph.daddr, &back);
	KUNIT_EXPECT_EQ(test, back.frag_off, htons(IP_DF));

	/* A middle fragment: offset 185 (1480 bytes), MF. */
	iph.protocol = IPPROTO_UDP;
	iph.frag_off = htons(IP_MF | 185);
	mape_xlat_hdr4to6(&iph, 1480, &s6, &d6, &ip6h, &fh);
	KUNIT_EXPECT_EQ(test, ntohs(ip6h.payload_len), 1488);
	KUNIT_EXPECT_EQ(test, ip6h.nexthdr, NEXTHDR_FRAGMENT);
	KUNIT_EXPECT_EQ(test, fh.nexthdr, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, fh.reserved, 0);
	KUNIT_EXPECT_EQ(test, ntohs(fh.frag_off), 185 << 3 | IP6_MF);
	KUNIT_EXPECT_EQ(test, ntohl(fh.identification), 0xbeef);
	mape_xlat_hdr6to4(&ip6h, IPPROTO_UDP, 1480, &fh, iph.saddr,
			  iph.daddr, &back);
	KUNIT_EXPECT_EQ(test, back.frag_off, htons(IP_MF | 185));
	KUNIT_EXPECT_EQ(test, back.id, htons(0xbeef));
	/* The last one: no M, and IPv6's high identification bits go. */
	fh.frag_off = htons(370 << 3);
	fh.identification = htonl(0x1234beef);
	mape_xlat_hdr6to4(&ip6h, IPPROTO_UDP, 20, &fh, iph.saddr, iph.daddr,
			  &back);
	KUNIT_EXPECT_EQ(test, back.frag_off, htons(370));
	KUNIT_EXPECT_EQ(test, back.id, htons(0xbeef));
	KUNIT_EXPECT_EQ(test, ip_fast_csum(&back, back.ihl), 0);
}

static struct kunit_case xlat_cases[] = {
	KUNIT_CASE(xlat_icmp4to6),
	KUNIT_CASE(xlat_icmp6to4),
	KUNIT_CASE(xlat_mtu),
	KUNIT_CASE(xlat_csum),
	KUNIT_CASE(xlat_headers),
	{}
};

static struct kunit_suite xlat_suite = {
	.name = "mape_xlat",
	.test_cases = xlat_cases,
};

kunit_test_suite(xlat_suite);
