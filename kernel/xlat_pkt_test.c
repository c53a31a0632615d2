// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for MAP-T packet translation (RFC 7915) on real skbs. The
 * expected fields are the RFC's: section 4.1 and 5.1 headers, 4.5 and 5.5
 * checksums (verified afresh over the translated bytes), 4.2 and 5.2 ICMP
 * errors with their quoted packet, RFC 4884 lengths and the size caps.
 */

#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/dsfield.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "xlat_pkt.h"

#define S4	htonl(0xc0000201)	/* 192.0.2.1 */
#define D4	htonl(0xc6336402)	/* 198.51.100.2 */

/* Near ends in 2001:db8:1::/96, far ones in 64:ff9b::/96 (RFC 6052). */
static const struct in6_addr near_pfx = {
	.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 } };
static const struct in6_addr far_pfx = {
	.s6_addr = { 0, 0x64, 0xff, 0x9b } };

static u16 seen_port[2];

static bool t_to6(const struct mape_xlat_map *m, __be32 a, u16 port,
		  bool near, struct in6_addr *out)
{
	*out = near ? near_pfx : far_pfx;
	out->s6_addr32[3] = a;
	seen_port[near] = port;
	return true;
}

static bool t_to4(const struct mape_xlat_map *m, const struct in6_addr *a,
		  bool near, __be32 *out)
{
	if (!ipv6_prefix_equal(a, near ? &near_pfx : &far_pfx, 96))
		return false;
	*out = a->s6_addr32[3];
	return true;
}

static const struct mape_xlat_map tmap = { .to6 = t_to6, .to4 = t_to4 };

static void addr6(struct in6_addr *a, bool near, __be32 v4)
{
	*a = near ? near_pfx : far_pfx;
	a->s6_addr32[3] = v4;
}

/* An IPv4 packet S4 -> D4 around l4 (optlen bytes of options first). */
static struct sk_buff *pkt4(struct kunit *test, u8 proto, u16 frag_off,
			    const void *opt, unsigned int optlen,
			    const void *l4, unsigned int len)
{
	struct sk_buff *skb = alloc_skb(128 + 60 + len, GFP_KERNEL);
	struct iphdr *iph;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 128);
	iph = skb_put_zero(skb, sizeof(*iph) + optlen);
	iph->version = 4;
	iph->ihl = (sizeof(*iph) + optlen) / 4;
	iph->tos = 0x28;
	iph->tot_len = htons(sizeof(*iph) + optlen + len);
	iph->id = htons(0xabcd);
	iph->frag_off = htons(frag_off);
	iph->ttl = 61;
	iph->protocol = proto;
	iph->saddr = S4;
	iph->daddr = D4;
	memcpy(iph + 1, opt, optlen);
	ip_send_check(iph);
	skb_put_data(skb, l4, len);
	skb_reset_network_header(skb);
	skb->protocol = htons(ETH_P_IP);
	return skb;
}

/* A UDP datagram of n payload bytes, its checksum over the given ends. */
static unsigned int udp4(u8 *buf, unsigned int n, bool csum)
{
	struct udphdr *uh = (struct udphdr *)buf;
	unsigned int i, len = sizeof(*uh) + n;

	uh->source = htons(1234);
	uh->dest = htons(53);
	uh->len = htons(len);
	uh->check = 0;
	for (i = 0; i < n; i++)
		buf[sizeof(*uh) + i] = i * 7;
	if (csum)
		uh->check = csum_tcpudp_magic(S4, D4, len, IPPROTO_UDP,
					      csum_partial(buf, len, 0));
	return len;
}

/* The upper layer at off verifies over the IPv6 pseudo-header. */
static bool csum6_ok(struct sk_buff *skb, unsigned int off, u8 proto)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int len = skb->len - off;

	return !csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len, proto,
				skb_checksum(skb, off, len, 0));
}

static bool csum4_ok(struct sk_buff *skb, unsigned int off, u8 proto)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int len = skb->len - off;
	__wsum sum = skb_checksum(skb, off, len, 0);

	if (proto == IPPROTO_ICMP)
		return !csum_fold(sum);
	return !csum_tcpudp_magic(iph->saddr, iph->daddr, len, proto, sum);
}

static struct mape_xlat_args args(bool near_is_dst)
{
	return (struct mape_xlat_args){ .map = &tmap,
					.near_is_dst = near_is_dst };
}

/* Section 4.1 and 4.5, then 5.1 and 5.5 back: a UDP datagram. */
static void xlat_pkt_udp(struct kunit *test)
{
	struct mape_xlat_args a = args(false);
	struct in6_addr s6, d6;
	struct mape_xlat_v6 v6;
	struct ipv6hdr *ip6h;
	struct iphdr *iph;
	struct sk_buff *skb;
	u8 l4[108];
	unsigned int len = udp4(l4, 100, true);

	addr6(&s6, true, S4);
	addr6(&d6, false, D4);
	skb = pkt4(test, IPPROTO_UDP, 0, NULL, 0, l4, len);
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	ip6h = ipv6_hdr(skb);
	KUNIT_EXPECT_EQ(test, skb->len, 40 + len);
	KUNIT_EXPECT_EQ(test, skb->protocol, htons(ETH_P_IPV6));
	KUNIT_EXPECT_EQ(test, (int)ip6h->version, 6);
	KUNIT_EXPECT_EQ(test, ipv6_get_dsfield(ip6h), 0x28);
	KUNIT_EXPECT_EQ(test, ip6_flowlabel(ip6h), 0);
	KUNIT_EXPECT_EQ(test, ntohs(ip6h->payload_len), len);
	KUNIT_EXPECT_EQ(test, ip6h->nexthdr, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, ip6h->hop_limit, 61);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6h->saddr, &s6));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6h->daddr, &d6));
	KUNIT_EXPECT_EQ(test, skb_transport_offset(skb), 40);
	KUNIT_EXPECT_TRUE(test, csum6_ok(skb, 40, IPPROTO_UDP));
	KUNIT_EXPECT_EQ(test, memcmp(skb->data + 40 + 8, l4 + 8, 100), 0);

	/* And back: DF clear at this size, so an identification. */
	KUNIT_ASSERT_EQ(test, mape_xlat_v6_parse(skb, &v6), MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, v6.proto, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, v6.off, 40);
	KUNIT_EXPECT_FALSE(test, v6.frag);
	KUNIT_ASSERT_EQ(test, mape_xlat_6to4(&init_net, skb, &v6, S4, D4, &a),
			MAPE_XLAT_OK);
	iph = ip_hdr(skb);
	KUNIT_EXPECT_EQ(test, skb->len, 20 + len);
	KUNIT_EXPECT_EQ(test, skb->protocol, htons(ETH_P_IP));
	KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len), 20 + len);
	KUNIT_EXPECT_EQ(test, iph->frag_off, 0);
	KUNIT_EXPECT_EQ(test, iph->ttl, 61);
	KUNIT_EXPECT_EQ(test, iph->tos, 0x28);
	KUNIT_EXPECT_EQ(test, ip_fast_csum(iph, iph->ihl), 0);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data + 20, l4, len), 0);
	kfree_skb(skb);

	/* Section 4.5: a checksum of 0 is computed when whole... */
	len = udp4(l4, 100, false);
	skb = pkt4(test, IPPROTO_UDP, 0, NULL, 0, l4, len);
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	KUNIT_EXPECT_NE(test, udp_hdr(skb)->check, 0);
	KUNIT_EXPECT_TRUE(test, csum6_ok(skb, 40, IPPROTO_UDP));
	/* ...and IPv6 has no UDP without one (RFC 8200 section 8.1). */
	udp_hdr(skb)->check = 0;
	KUNIT_ASSERT_EQ(test, mape_xlat_v6_parse(skb, &v6), MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, mape_xlat_6to4(&init_net, skb, &v6, S4, D4, &a),
			MAPE_XLAT_UDP_ZERO);
	kfree_skb(skb);
	/* A first fragment cannot have one computed. */
	skb = pkt4(test, IPPROTO_UDP, IP_MF, NULL, 0, l4, len);
	KUNIT_EXPECT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a),
			MAPE_XLAT_UDP_ZERO);
	kfree_skb(skb);
}

/* Fragments: the Fragment header of section 4.1, and back (5.1). */
static void xlat_pkt_frag(struct kunit *test)
{
	struct mape_xlat_args a = args(false);
	struct in6_addr s6, d6;
	struct mape_xlat_v6 v6;
	struct frag_hdr *fh;
	struct sk_buff *skb;
	struct iphdr *iph;
	u8 l4[64];
	unsigned int len = udp4(l4, 56, true);

	addr6(&s6, true, S4);
	addr6(&d6, false, D4);
	/* A first fragment: M, offset 0; its UDP checksum still adjusted. */
	skb = pkt4(test, IPPROTO_UDP, IP_MF, NULL, 0, l4, len);
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	fh = (struct frag_hdr *)(ipv6_hdr(skb) + 1);
	KUNIT_EXPECT_EQ(test, ipv6_hdr(skb)->nexthdr, NEXTHDR_FRAGMENT);
	KUNIT_EXPECT_EQ(test, ntohs(ipv6_hdr(skb)->payload_len), 8 + len);
	KUNIT_EXPECT_EQ(test, fh->nexthdr, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, ntohs(fh->frag_off), IP6_MF);
	KUNIT_EXPECT_EQ(test, ntohl(fh->identification), 0xabcd);
	KUNIT_EXPECT_EQ(test, skb_transport_offset(skb), 48);
	KUNIT_EXPECT_TRUE(test, csum6_ok(skb, 48, IPPROTO_UDP));
	KUNIT_ASSERT_EQ(test, mape_xlat_v6_parse(skb, &v6), MAPE_XLAT_OK);
	KUNIT_EXPECT_TRUE(test, v6.frag);
	KUNIT_EXPECT_EQ(test, v6.off, 48);
	KUNIT_ASSERT_EQ(test, mape_xlat_6to4(&init_net, skb, &v6, S4, D4, &a),
			MAPE_XLAT_OK);
	iph = ip_hdr(skb);
	KUNIT_EXPECT_EQ(test, iph->frag_off, htons(IP_MF));
	KUNIT_EXPECT_EQ(test, iph->id, htons(0xabcd));
	KUNIT_EXPECT_EQ(test, memcmp(skb->data + 20, l4, len), 0);
	kfree_skb(skb);

	/* A last fragment at 1480 bytes: untouched upper layer. */
	skb = pkt4(test, IPPROTO_UDP, 185, NULL, 0, l4, len);
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	fh = (struct frag_hdr *)(ipv6_hdr(skb) + 1);
	KUNIT_EXPECT_EQ(test, ntohs(fh->frag_off), 1480);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data + 48, l4, len), 0);
	KUNIT_ASSERT_EQ(test, mape_xlat_v6_parse(skb, &v6), MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, v6.off, 48);
	kfree_skb(skb);

	/* ICMP in fragments needs the whole message for its checksum. */
	skb = pkt4(test, IPPROTO_ICMP, IP_MF, NULL, 0, l4, len);
	KUNIT_EXPECT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a),
			MAPE_XLAT_FRAG_ICMP);
	kfree_skb(skb);
}

/* Section 4.1: options are left behind, a source route refused. */
static void xlat_pkt_options(struct kunit *test)
{
	static const u8 ra[4] = { IPOPT_RA, 4, 0, 0 };
	static const u8 lsrr[8] = { IPOPT_NOOP, IPOPT_LSRR, 7, 4,
				    198, 51, 100, 9 };
	static const u8 bad[4] = { 68, 9, 0, 0 };	/* longer than room */
	struct mape_xlat_args a = args(false);
	struct in6_addr s6, d6;
	struct sk_buff *skb;
	u8 l4[28];
	unsigned int len = udp4(l4, 20, true);

	addr6(&s6, true, S4);
	addr6(&d6, false, D4);
	skb = pkt4(test, IPPROTO_UDP, 0, ra, sizeof(ra), l4, len);
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, skb->len, 40 + len);
	KUNIT_EXPECT_EQ(test, ntohs(ipv6_hdr(skb)->payload_len), len);
	KUNIT_EXPECT_TRUE(test, csum6_ok(skb, 40, IPPROTO_UDP));
	kfree_skb(skb);
	skb = pkt4(test, IPPROTO_UDP, 0, lsrr, sizeof(lsrr), l4, len);
	KUNIT_EXPECT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a),
			MAPE_XLAT_SRCROUTE);
	kfree_skb(skb);
	skb = pkt4(test, IPPROTO_UDP, 0, bad, sizeof(bad), l4, len);
	KUNIT_EXPECT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a),
			MAPE_XLAT_BAD);
	kfree_skb(skb);
}

/*
 * TCP sent by this host (CHECKSUM_PARTIAL, GSO): the field holds the
 * pseudo-header's sum; the GSO type follows the network protocol.
 */
static void xlat_pkt_tcp_partial(struct kunit *test)
{
	struct mape_xlat_args a = args(false);
	struct in6_addr s6, d6;
	struct mape_xlat_v6 v6;
	struct sk_buff *skb;
	struct tcphdr th = { .source = htons(40000), .dest = htons(80),
			     .doff = 5 };
	static u8 l4[20 + 1000];
	unsigned int len = sizeof(l4);

	addr6(&s6, true, S4);
	addr6(&d6, false, D4);
	th.check = ~csum_tcpudp_magic(S4, D4, len, IPPROTO_TCP, 0);
	memcpy(l4, &th, sizeof(th));
	skb = pkt4(test, IPPROTO_TCP, IP_DF, NULL, 0, l4, len);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + 20;
	skb->csum_offset = offsetof(struct tcphdr, check);
	skb_shinfo(skb)->gso_size = 500;
	skb_shinfo(skb)->gso_segs = 2;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4 | SKB_GSO_TCP_FIXEDID;
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, tcp_hdr(skb)->check,
			(__sum16)~csum_ipv6_magic(&s6, &d6, len, IPPROTO_TCP,
						  0));
	KUNIT_EXPECT_EQ(test, skb_checksum_start_offset(skb), 40);
	KUNIT_EXPECT_EQ(test, skb_shinfo(skb)->gso_type, SKB_GSO_TCPV6);
	KUNIT_ASSERT_EQ(test, mape_xlat_v6_parse(skb, &v6), MAPE_XLAT_OK);
	KUNIT_ASSERT_EQ(test, mape_xlat_6to4(&init_net, skb, &v6, S4, D4, &a),
			MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, tcp_hdr(skb)->check, th.check);
	KUNIT_EXPECT_EQ(test, skb_checksum_start_offset(skb), 20);
	KUNIT_EXPECT_EQ(test, skb_shinfo(skb)->gso_type, SKB_GSO_TCPV4);
	/* Section 5.1 judges each packet: segments of 540 bytes, DF clear. */
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->frag_off, 0);
	kfree_skb(skb);

	/* Segments of 1300 bytes and more: DF. */
	skb = pkt4(test, IPPROTO_TCP, IP_DF, NULL, 0, l4, len);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + 20;
	skb->csum_offset = offsetof(struct tcphdr, check);
	skb_shinfo(skb)->gso_size = 1260;
	skb_shinfo(skb)->gso_segs = 1;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	KUNIT_ASSERT_EQ(test, mape_xlat_v6_parse(skb, &v6), MAPE_XLAT_OK);
	KUNIT_ASSERT_EQ(test, mape_xlat_6to4(&init_net, skb, &v6, S4, D4, &a),
			MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->frag_off, htons(IP_DF));
	kfree_skb(skb);
}

/* Echo both ways: types 8/0 and 128/129, ICMPv6's pseudo-header. */
static void xlat_pkt_echo(struct kunit *test)
{
	struct mape_xlat_args a = args(false);
	struct icmphdr ih = { .type = ICMP_ECHO, .un.echo.id = htons(0x4d2),
			      .un.echo.sequence = htons(7) };
	struct in6_addr s6, d6;
	struct mape_xlat_v6 v6;
	struct sk_buff *skb;
	u8 l4[8 + 56];
	int i;

	addr6(&s6, true, S4);
	addr6(&d6, false, D4);
	memcpy(l4, &ih, sizeof(ih));
	for (i = 8; i < sizeof(l4); i++)
		l4[i] = i;
	((struct icmphdr *)l4)->checksum = ip_compute_csum(l4, sizeof(l4));
	skb = pkt4(test, IPPROTO_ICMP, 0, NULL, 0, l4, sizeof(l4));
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, ipv6_hdr(skb)->nexthdr, IPPROTO_ICMPV6);
	KUNIT_EXPECT_EQ(test, icmp6_hdr(skb)->icmp6_type, ICMPV6_ECHO_REQUEST);
	KUNIT_EXPECT_EQ(test, icmp6_hdr(skb)->icmp6_identifier, htons(0x4d2));
	KUNIT_EXPECT_TRUE(test, csum6_ok(skb, 40, IPPROTO_ICMPV6));
	icmp6_hdr(skb)->icmp6_type = ICMPV6_ECHO_REPLY;
	icmp6_hdr(skb)->icmp6_cksum = 0;
	icmp6_hdr(skb)->icmp6_cksum =
		csum_ipv6_magic(&s6, &d6, sizeof(l4), IPPROTO_ICMPV6,
				skb_checksum(skb, 40, sizeof(l4), 0));
	KUNIT_ASSERT_EQ(test, mape_xlat_v6_parse(skb, &v6), MAPE_XLAT_OK);
	KUNIT_ASSERT_EQ(test, mape_xlat_6to4(&init_net, skb, &v6, S4, D4, &a),
			MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->protocol, IPPROTO_ICMP);
	KUNIT_EXPECT_EQ(test, icmp_hdr(skb)->type, ICMP_ECHOREPLY);
	KUNIT_EXPECT_TRUE(test, csum4_ok(skb, 20, IPPROTO_ICMP));
	KUNIT_EXPECT_EQ(test, memcmp(skb->data + 28, l4 + 8, 56), 0);
	kfree_skb(skb);

	/* Obsolete messages have no translation: address mask request. */
	l4[0] = ICMP_ADDRESS;
	skb = pkt4(test, IPPROTO_ICMP, 0, NULL, 0, l4, sizeof(l4));
	KUNIT_EXPECT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a),
			MAPE_XLAT_NO_XLAT);
	kfree_skb(skb);
}

/*
 * A big echo: ICMP is translated only whole (sections 4.2 and 5.2, the
 * ICMPv6 checksum covers its length), a fragment of it not at all; a
 * message reassembled from IPv6 fragments may be cut again as IPv4 (DF
 * clear, their identification kept), one that came whole above 1260
 * bytes may not (section 5.1).
 */
static void xlat_pkt_echo_big(struct kunit *test)
{
	static u8 l4[2000];
	struct mape_xlat_args a = args(false);
	struct icmphdr *ih = (struct icmphdr *)l4;
	struct in6_addr s6, d6;
	struct mape_xlat_v6 v6;
	struct sk_buff *skb;
	int i, pass;

	addr6(&s6, true, S4);
	addr6(&d6, false, D4);
	for (i = 0; i < sizeof(l4); i++)
		l4[i] = i * 13;
	ih->type = ICMP_ECHO;
	ih->code = 0;
	ih->checksum = 0;
	ih->checksum = ip_compute_csum(l4, sizeof(l4));

	skb = pkt4(test, IPPROTO_ICMP, IP_MF, NULL, 0, l4, 1480);
	KUNIT_EXPECT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a),
			MAPE_XLAT_FRAG_ICMP);
	kfree_skb(skb);

	for (pass = 0; pass < 2; pass++) {
		skb = pkt4(test, IPPROTO_ICMP, 0, NULL, 0, l4, sizeof(l4));
		KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a),
				MAPE_XLAT_OK);
		KUNIT_EXPECT_EQ(test, ntohs(ipv6_hdr(skb)->payload_len),
				sizeof(l4));
		KUNIT_EXPECT_TRUE(test, csum6_ok(skb, 40, IPPROTO_ICMPV6));
		a.reassembled = pass;
		a.frag_id = htonl(0xabcd1234);
		KUNIT_ASSERT_EQ(test, mape_xlat_v6_parse(skb, &v6),
				MAPE_XLAT_OK);
		KUNIT_ASSERT_EQ(test, mape_xlat_6to4(&init_net, skb, &v6, S4,
						     D4, &a), MAPE_XLAT_OK);
		KUNIT_EXPECT_EQ(test, icmp_hdr(skb)->type, ICMP_ECHO);
		KUNIT_EXPECT_TRUE(test, csum4_ok(skb, 20, IPPROTO_ICMP));
		KUNIT_EXPECT_EQ(test, ip_hdr(skb)->frag_off,
				pass ? 0 : htons(IP_DF));
		if (pass)
			KUNIT_EXPECT_EQ(test, ip_hdr(skb)->id, htons(0x1234));
		KUNIT_EXPECT_EQ(test, ip_fast_csum(skb->data, 5), 0);
		KUNIT_EXPECT_EQ(test, memcmp(skb->data + 28, l4 + 8,
					     sizeof(l4) - 8), 0);
		kfree_skb(skb);
	}
}

/*
 * An ICMPv4 error, n bytes of quoted UDP payload, at the BR towards a
 * CE: the error comes from a far router (R4) about the CE's datagram, so
 * the quote's source is near.
 */
#define R4	htonl(0xcb007101)	/* 203.0.113.1 */

static struct sk_buff *err4(struct kunit *test, u8 type, u8 code, u32 word,
			    unsigned int n, unsigned int ext)
{
	static u8 buf[8 + 20 + 8 + 1400 + 64];
	struct icmphdr *ih = (struct icmphdr *)buf;
	struct iphdr *q = (struct iphdr *)(ih + 1);
	unsigned int len = 8 + 20 + 8 + n + ext;
	struct sk_buff *skb;

	memset(buf, 0, sizeof(buf));
	ih->type = type;
	ih->code = code;
	ih->un.gateway = htonl(word);
	q->version = 4;
	q->ihl = 5;
	q->tot_len = htons(20 + 8 + 1000);
	q->id = htons(0x77);
	q->ttl = 1;
	q->protocol = IPPROTO_UDP;
	q->saddr = D4;		/* the CE */
	q->daddr = S4;		/* a host behind R4 */
	ip_send_check(q);
	udp4((u8 *)(q + 1), n, false);
	memset((u8 *)(q + 1) + 8 + n, 0xee, ext);
	ih->checksum = ip_compute_csum(buf, len);
	skb = pkt4(test, IPPROTO_ICMP, 0, NULL, 0, buf, len);
	ip_hdr(skb)->saddr = R4;
	ip_send_check(ip_hdr(skb));
	return skb;
}

/* Section 4.2: errors, their quoted packet, MTUs, RFC 4884, the cap. */
static void xlat_pkt_err4to6(struct kunit *test)
{
	struct mape_xlat_args a = args(true);
	struct in6_addr s6, d6, q6;
	struct ipv6hdr *q;
	struct icmp6hdr *ih6;
	struct sk_buff *skb;

	addr6(&s6, false, R4);
	addr6(&d6, true, D4);
	/* Time exceeded in transit, 100 bytes of the datagram quoted. */
	skb = err4(test, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0, 100, 0);
	memset(seen_port, 0, sizeof(seen_port));
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, skb->len, 40 + 8 + 40 + 8 + 100);
	KUNIT_EXPECT_EQ(test, ntohs(ipv6_hdr(skb)->payload_len),
			8 + 40 + 8 + 100);
	KUNIT_EXPECT_EQ(test, ipv6_hdr(skb)->hop_limit, 61);
	ih6 = icmp6_hdr(skb);
	KUNIT_EXPECT_EQ(test, ih6->icmp6_type, ICMPV6_TIME_EXCEED);
	KUNIT_EXPECT_EQ(test, ih6->icmp6_code, ICMPV6_EXC_HOPLIMIT);
	KUNIT_EXPECT_TRUE(test, csum6_ok(skb, 40, IPPROTO_ICMPV6));
	q = (struct ipv6hdr *)(ih6 + 1);
	KUNIT_EXPECT_EQ(test, (int)q->version, 6);
	/* The quote's hop limit is its TTL, untouched; its length is the
	 * datagram's, not the quote's.
	 */
	KUNIT_EXPECT_EQ(test, q->hop_limit, 1);
	KUNIT_EXPECT_EQ(test, ntohs(q->payload_len), 1008);
	KUNIT_EXPECT_EQ(test, q->nexthdr, IPPROTO_UDP);
	addr6(&q6, true, D4);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&q->saddr, &q6));
	addr6(&q6, false, S4);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&q->daddr, &q6));
	KUNIT_EXPECT_EQ(test, seen_port[1], 1234);	/* the CE's */
	KUNIT_EXPECT_EQ(test, seen_port[0], 53);
	kfree_skb(skb);

	/* Fragmentation needed, MTU 1400: Packet Too Big, 1420. */
	skb = err4(test, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1400, 8, 0);
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	ih6 = icmp6_hdr(skb);
	KUNIT_EXPECT_EQ(test, ih6->icmp6_type, ICMPV6_PKT_TOOBIG);
	KUNIT_EXPECT_EQ(test, ntohl(ih6->icmp6_mtu), 1420);
	KUNIT_EXPECT_TRUE(test, csum6_ok(skb, 40, IPPROTO_ICMPV6));
	kfree_skb(skb);

	/* Parameter problem at the TTL (8): pointer 7, the hop limit. */
	skb = err4(test, ICMP_PARAMETERPROB, 0, 8 << 24, 8, 0);
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	ih6 = icmp6_hdr(skb);
	KUNIT_EXPECT_EQ(test, ih6->icmp6_type, ICMPV6_PARAMPROB);
	KUNIT_EXPECT_EQ(test, ntohl(ih6->icmp6_pointer), 7);
	kfree_skb(skb);

	/* RFC 4884: 32 words (128 bytes) of datagram, 16 of extension.
	 * Translated, 148 bytes pad to 152: 19 words of 8.
	 */
	skb = err4(test, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 32 << 16,
		   100, 16);
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	ih6 = icmp6_hdr(skb);
	KUNIT_EXPECT_EQ(test, ih6->icmp6_type, ICMPV6_DEST_UNREACH);
	KUNIT_EXPECT_EQ(test, ih6->icmp6_code, ICMPV6_PORT_UNREACH);
	KUNIT_EXPECT_EQ(test, ih6->icmp6_dataun.un_data8[0], 19);
	KUNIT_EXPECT_EQ(test, skb->len, 40 + 8 + 152 + 16);
	KUNIT_EXPECT_EQ(test, skb->data[40 + 8 + 152], 0xee);
	KUNIT_EXPECT_EQ(test, skb->data[40 + 8 + 151], 0);
	KUNIT_EXPECT_TRUE(test, csum6_ok(skb, 40, IPPROTO_ICMPV6));
	kfree_skb(skb);

	/* A long quote is cut so that the error fits 1280 bytes. */
	skb = err4(test, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, 1400, 0);
	KUNIT_ASSERT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a), MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, skb->len, 1280);
	KUNIT_EXPECT_TRUE(test, csum6_ok(skb, 40, IPPROTO_ICMPV6));
	kfree_skb(skb);

	/* A quote too short for an IPv4 header: malformed. */
	skb = err4(test, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, 0, 0);
	__skb_trim(skb, 20 + 8 + 12);
	KUNIT_EXPECT_EQ(test, mape_xlat_4to6(skb, &s6, &d6, &a),
			MAPE_XLAT_BAD);
	kfree_skb(skb);
}

/* Section 5.1: extension headers skipped, or a parameter problem. */
static void xlat_pkt_exthdr(struct kunit *test)
{
	struct mape_xlat_args a = args(false);
	struct mape_xlat_v6 v6;
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	u8 *e;
	u8 l4[28];
	unsigned int len = udp4(l4, 20, true);

	skb = alloc_skb(256, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	ip6h = skb_put_zero(skb, sizeof(*ip6h));
	ip6h->version = 6;
	ip6h->nexthdr = NEXTHDR_HOP;
	ip6h->hop_limit = 9;
	ip6h->payload_len = htons(8 + 8 + len);
	addr6(&ip6h->saddr, true, S4);
	addr6(&ip6h->daddr, false, D4);
	e = skb_put_zero(skb, 8);		/* hop-by-hop, PadN */
	e[0] = NEXTHDR_ROUTING;
	e[2] = IPV6_TLV_PADN;
	e[3] = 4;
	e = skb_put_zero(skb, 8);		/* routing, type 0 */
	e[0] = IPPROTO_UDP;
	e[3] = 1;				/* segments left */
	skb_put_data(skb, l4, len);
	skb_reset_network_header(skb);
	skb->protocol = htons(ETH_P_IPV6);
	KUNIT_EXPECT_EQ(test, mape_xlat_v6_parse(skb, &v6), MAPE_XLAT_EXTHDR);
	KUNIT_EXPECT_EQ(test, v6.pointer, 40 + 8 + 3);

	/* No segments left: skipped, as the hop-by-hop header is. The UDP
	 * checksum was made for IPv4; it must come out right for it.
	 */
	e[3] = 0;
	((struct udphdr *)(e + 8))->check = 0;
	((struct udphdr *)(e + 8))->check =
		csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len, IPPROTO_UDP,
				csum_partial(e + 8, len, 0));
	KUNIT_ASSERT_EQ(test, mape_xlat_v6_parse(skb, &v6), MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, v6.proto, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, v6.off, 56);
	KUNIT_ASSERT_EQ(test, mape_xlat_6to4(&init_net, skb, &v6, S4, D4, &a),
			MAPE_XLAT_OK);
	KUNIT_EXPECT_EQ(test, skb->len, 20 + len);
	KUNIT_EXPECT_EQ(test, ntohs(ip_hdr(skb)->tot_len), 20 + len);
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->ttl, 9);
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->protocol, IPPROTO_UDP);
	KUNIT_EXPECT_TRUE(test, csum4_ok(skb, 20, IPPROTO_UDP));
	KUNIT_EXPECT_EQ(test, udp_hdr(skb)->check,
			((struct udphdr *)l4)->check);
	kfree_skb(skb);
}

/*
 * Section 5.2: a Packet Too Big from a far router (R4) to the near end
 * (D4) about a datagram D4 sent, and its quoted IPv6 packet.
 */
static void xlat_pkt_err6to4(struct kunit *test)
{
	struct mape_xlat_args a = args(true);
	struct mape_xlat_v6 v6;
	struct ipv6hdr *ip6h, *q;
	struct icmp6hdr *ih6;
	struct sk_buff *skb;
	struct iphdr *qi;

	skb = alloc_skb(1500, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	ip6h = skb_put_zero(skb, sizeof(*ip6h));
	ip6h->version = 6;
	ip6h->nexthdr = IPPROTO_ICMPV6;
	ip6h->hop_limit = 50;
	addr6(&ip6h->saddr, false, R4);
	addr6(&ip6h->daddr, true, D4);
	ih6 = skb_put_zero(skb, sizeof(*ih6));
	ih6->icmp6_type = ICMPV6_PKT_TOOBIG;
	ih6->icmp6_mtu = htonl(1300);
	q = skb_put_zero(skb, sizeof(*q));
	q->version = 6;
	q->nexthdr = IPPROTO_UDP;
	q->hop_limit = 3;
	q->payload_len = htons(1400);
	addr6(&q->saddr, true, D4);
	addr6(&q->daddr, false, S4);
	udp4(skb_put_zero(skb, 8 + 600), 600, false);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ih6->icmp6_cksum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
					   skb->len - 40, IPPROTO_ICMPV6,
					   csum_partial(ih6, skb->len - 40, 0));
	skb_reset_network_header(skb);
	skb->protocol = htons(ETH_P_IPV6);

	KUNIT_ASSERT_EQ(test, mape_xlat_v6_parse(skb, &v6), MAPE_XLAT_OK);
	KUNIT_ASSERT_EQ(test, mape_xlat_6to4(&init_net, skb, &v6, R4, D4, &a),
			MAPE_XLAT_OK);
	/* 576 bytes at most; MTU 1300 - 20. */
	KUNIT_EXPECT_EQ(test, skb->len, 576);
	KUNIT_EXPECT_EQ(test, ntohs(ip_hdr(skb)->tot_len), 576);
	KUNIT_EXPECT_EQ(test, ip_fast_csum(ip_hdr(skb), 5), 0);
	KUNIT_EXPECT_EQ(test, icmp_hdr(skb)->type, ICMP_DEST_UNREACH);
	KUNIT_EXPECT_EQ(test, icmp_hdr(skb)->code, ICMP_FRAG_NEEDED);
	KUNIT_EXPECT_EQ(test, ntohs(icmp_hdr(skb)->un.frag.mtu), 1280);
	KUNIT_EXPECT_TRUE(test, csum4_ok(skb, 20, IPPROTO_ICMP));
	qi = (struct iphdr *)(skb->data + 28);
	KUNIT_EXPECT_EQ(test, (int)qi->version, 4);
	KUNIT_EXPECT_EQ(test, ntohs(qi->tot_len), 1420);
	KUNIT_EXPECT_EQ(test, qi->ttl, 3);
	KUNIT_EXPECT_EQ(test, qi->protocol, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, qi->saddr, D4);
	KUNIT_EXPECT_EQ(test, qi->daddr, S4);
	KUNIT_EXPECT_EQ(test, ip_fast_csum(qi, 5), 0);
	KUNIT_EXPECT_EQ(test, ((struct udphdr *)(qi + 1))->source, htons(1234));
	kfree_skb(skb);
}

static struct kunit_case xlat_pkt_cases[] = {
	KUNIT_CASE(xlat_pkt_udp),
	KUNIT_CASE(xlat_pkt_frag),
	KUNIT_CASE(xlat_pkt_options),
	KUNIT_CASE(xlat_pkt_tcp_partial),
	KUNIT_CASE(xlat_pkt_echo),
	KUNIT_CASE(xlat_pkt_echo_big),
	KUNIT_CASE(xlat_pkt_err4to6),
	KUNIT_CASE(xlat_pkt_exthdr),
	KUNIT_CASE(xlat_pkt_err6to4),
	{}
};

static struct kunit_suite xlat_pkt_suite = {
	.name = "mape_xlat_pkt",
	.test_cases = xlat_pkt_cases,
};

kunit_test_suite(xlat_pkt_suite);
