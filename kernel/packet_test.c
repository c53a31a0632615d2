// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the CE's port read from real IPv4 packets (linear and paged), and
 * the ICMPv6 to ICMPv4 error mapping of the relay.
 */

#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>

#include "packet.h"

#define SPORT	1234
#define DPORT	5678

/* An IPv4 header of protocol proto at the skb's network header. */
static struct iphdr *put_ip(struct sk_buff *skb, u8 proto, __be16 frag_off)
{
	struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));

	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = proto;
	iph->frag_off = frag_off;
	iph->saddr = htonl(0xc0000212);
	iph->daddr = htonl(0xcb007102);
	return iph;
}

static struct sk_buff *new_skb(struct kunit *test)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_network_header(skb);
	return skb;
}

static int port(struct sk_buff *skb, enum mape_ce_end end)
{
	u16 p = 0;
	int ret = mape_ipv4_ce_port(skb, end, &p);

	return ret ? ret : p;
}

static void packet_udp_tcp(struct kunit *test)
{
	static const u8 protos[] = { IPPROTO_UDP, IPPROTO_TCP, IPPROTO_SCTP,
				     IPPROTO_DCCP, IPPROTO_UDPLITE };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		struct sk_buff *skb = new_skb(test);
		__be16 *ports;

		put_ip(skb, protos[i], 0);
		ports = skb_put_zero(skb, 20);
		ports[0] = htons(SPORT);
		ports[1] = htons(DPORT);
		KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_SRC), SPORT);
		KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_DST), DPORT);
		kfree_skb(skb);
	}
}

static void packet_fragments(struct kunit *test)
{
	struct sk_buff *skb = new_skb(test);
	struct udphdr *uh;

	/* A first fragment has its ports; a later one has none. */
	put_ip(skb, IPPROTO_UDP, htons(IP_MF));
	uh = skb_put_zero(skb, sizeof(*uh));
	uh->source = htons(SPORT);
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_SRC), SPORT);
	ip_hdr(skb)->frag_off = htons(IP_MF | 185);
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_SRC), -EAGAIN);
	ip_hdr(skb)->frag_off = htons(185);
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_DST), -EAGAIN);
	kfree_skb(skb);
}

static void packet_bad(struct kunit *test)
{
	struct sk_buff *skb = new_skb(test);

	/* Truncated: no ports after the header. */
	put_ip(skb, IPPROTO_TCP, 0);
	skb_put_zero(skb, 2);
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_SRC), -EINVAL);
	/* No ports at all. */
	ip_hdr(skb)->protocol = IPPROTO_GRE;
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_SRC), -EPROTONOSUPPORT);
	/* An IHL below 5. */
	ip_hdr(skb)->protocol = IPPROTO_UDP;
	ip_hdr(skb)->ihl = 4;
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_SRC), -EINVAL);
	kfree_skb(skb);

	/* Shorter than an IPv4 header. */
	skb = new_skb(test);
	skb_put_zero(skb, 12);
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_SRC), -EINVAL);
	kfree_skb(skb);
}

static void packet_icmp(struct kunit *test)
{
	struct sk_buff *skb = new_skb(test);
	struct icmphdr *ih, *ih2;
	struct udphdr *uh;

	/* Echo: the identifier, whichever end. */
	put_ip(skb, IPPROTO_ICMP, 0);
	ih = skb_put_zero(skb, sizeof(*ih));
	ih->type = ICMP_ECHO;
	ih->un.echo.id = htons(0x5171);
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_SRC), 0x5171);
	ih->type = ICMP_ECHOREPLY;
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_DST), 0x5171);
	kfree_skb(skb);

	/*
	 * An error to the CE quotes a packet the CE sent: the CE's port is
	 * the quoted source port (and the quoted destination port when the
	 * CE sent the error).
	 */
	skb = new_skb(test);
	put_ip(skb, IPPROTO_ICMP, 0);
	ih = skb_put_zero(skb, sizeof(*ih));
	ih->type = ICMP_DEST_UNREACH;
	ih->code = ICMP_PORT_UNREACH;
	put_ip(skb, IPPROTO_UDP, 0);
	uh = skb_put_zero(skb, sizeof(*uh));
	uh->source = htons(SPORT);
	uh->dest = htons(DPORT);
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_DST), SPORT);
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_SRC), DPORT);
	kfree_skb(skb);

	/* An error quoting an error goes no deeper; an unknown type has
	 * no port.
	 */
	skb = new_skb(test);
	put_ip(skb, IPPROTO_ICMP, 0);
	ih = skb_put_zero(skb, sizeof(*ih));
	ih->type = ICMP_TIME_EXCEEDED;
	put_ip(skb, IPPROTO_ICMP, 0);
	ih2 = skb_put_zero(skb, sizeof(*ih2));
	ih2->type = ICMP_DEST_UNREACH;
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_DST), -EPROTONOSUPPORT);
	ih2->type = ICMP_ECHO;
	ih2->un.echo.id = htons(77);
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_DST), 77);
	ih->type = 42;
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_DST), -EPROTONOSUPPORT);
	kfree_skb(skb);

	/* An error quoting less than the ports. */
	skb = new_skb(test);
	put_ip(skb, IPPROTO_ICMP, 0);
	ih = skb_put_zero(skb, sizeof(*ih));
	ih->type = ICMP_DEST_UNREACH;
	put_ip(skb, IPPROTO_UDP, 0);
	skb_put_zero(skb, 3);
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_DST), -EINVAL);
	kfree_skb(skb);
}

/* Ports in a page fragment, as after GRO or a paged receive. */
static void packet_paged(struct kunit *test)
{
	struct sk_buff *skb = new_skb(test);
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	__be16 *ports;

	KUNIT_ASSERT_NOT_NULL(test, page);
	put_ip(skb, IPPROTO_UDP, 0);
	ports = page_address(page);
	ports[0] = htons(SPORT);
	ports[1] = htons(DPORT);
	skb_add_rx_frag(skb, 0, page, 0, 8, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, skb_headlen(skb), sizeof(struct iphdr));
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_SRC), SPORT);
	KUNIT_EXPECT_EQ(test, port(skb, MAPE_CE_IS_DST), DPORT);
	kfree_skb(skb);
}

/* RFC 2473 section 8 relay, RFC 7915 section 5.2 codes. */
/* The counter for each way mape_ipv4_ce_port() can fail, in rcv and xmit. */
static void packet_ce_port_error(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mape_ce_port_error(-EAGAIN), MAPE_STAT_V4_FRAG_DROPS);
	KUNIT_EXPECT_EQ(test, mape_ce_port_error(-EPROTONOSUPPORT),
			MAPE_STAT_UNSUPP_PROTO);
	KUNIT_EXPECT_EQ(test, mape_ce_port_error(-EINVAL), MAPE_STAT_HEADER_ERRORS);
}

static void packet_icmp6_to_icmp4(struct kunit *test)
{
	static const struct {
		u8 type, code;
		u32 info;
		unsigned int hlen;
		bool relay;
		u8 type4, code4;
		u32 info4;
	} cases[] = {
		{ ICMPV6_PKT_TOOBIG, 0, 1400, 40, true,
		  ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1360 },
		{ ICMPV6_PKT_TOOBIG, 0, 1400, 48, true,
		  ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1352 },
		/* Below the IPv6 minimum: treated as 1280. */
		{ ICMPV6_PKT_TOOBIG, 0, 600, 40, true,
		  ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1240 },
		/* The ICMPv4 field has 16 bits: a jumbo MTU is capped. */
		{ ICMPV6_PKT_TOOBIG, 0, 70000, 40, true,
		  ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 65535 },
		{ ICMPV6_PKT_TOOBIG, 0, 0xffffffff, 48, true,
		  ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 65535 },
		{ ICMPV6_PKT_TOOBIG, 0, 65575, 40, true,
		  ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 65535 },
		{ ICMPV6_DEST_UNREACH, ICMPV6_NOROUTE, 0, 40, true,
		  ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0 },
		{ ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0, 40, true,
		  ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0 },
		{ ICMPV6_DEST_UNREACH, ICMPV6_NOT_NEIGHBOUR, 0, 40, true,
		  ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0 },
		{ ICMPV6_DEST_UNREACH, ICMPV6_ADM_PROHIBITED, 0, 40, true,
		  ICMP_DEST_UNREACH, ICMP_HOST_ANO, 0 },
		{ ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0, 40, true,
		  ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0 },
		{ ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT, 0, 40, true,
		  ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0 },
		{ ICMPV6_TIME_EXCEED, ICMPV6_EXC_FRAGTIME, 0, 40, true,
		  ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0 },
		{ ICMPV6_PARAMPROB, ICMPV6_HDR_FIELD, 42, 48, true,
		  ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0 },
		{ ICMPV6_ECHO_REQUEST, 0, 0, 40, false },
		{ ICMPV6_ECHO_REPLY, 0, 0, 40, false },
		{ 100, 0, 0, 40, false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u8 t = 0xff, c = 0xff;
		u32 info = 0xffffffff;
		bool r = mape_icmp6_to_icmp4(cases[i].type, cases[i].code,
					     cases[i].info, cases[i].hlen,
					     &t, &c, &info);

		KUNIT_EXPECT_EQ_MSG(test, r, cases[i].relay, "case %u", i);
		if (!r || !cases[i].relay)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, t, cases[i].type4, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c, cases[i].code4, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, info, cases[i].info4, "case %u", i);
	}
}

static struct kunit_case packet_cases[] = {
	KUNIT_CASE(packet_udp_tcp),
	KUNIT_CASE(packet_fragments),
	KUNIT_CASE(packet_bad),
	KUNIT_CASE(packet_icmp),
	KUNIT_CASE(packet_paged),
	KUNIT_CASE(packet_icmp6_to_icmp4),
	KUNIT_CASE(packet_ce_port_error),
	{}
};

static struct kunit_suite packet_suite = {
	.name = "mape_packet",
	.test_cases = packet_cases,
};

kunit_test_suite(packet_suite);
