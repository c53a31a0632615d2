/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MAP-T (RFC 7599) header translation between IPv4 and IPv6 (RFC 7915):
 * the parts that are arithmetic on header fields, with no skb.
 */
#ifndef _MAPE_XLAT_H
#define _MAPE_XLAT_H

#include <linux/in6.h>
#include <linux/types.h>

struct frag_hdr;
struct iphdr;
struct ipv6hdr;

/*
 * An ICMP message's type, code and the one field translation rewrites:
 * the pointer of a Parameter Problem, the MTU of a Packet Too Big or a
 * Fragmentation Needed, else 0.
 */
struct mape_icmp {
	u8 type;
	u8 code;
	u32 param;
};

/*
 * RFC 7915 section 4.2 (ICMPv4 to ICMPv6) and section 5.2 (ICMPv6 to
 * ICMPv4): the translated type, code and pointer. False: the message has
 * no translation and is dropped silently (single-hop and obsolete
 * messages, codes the tables leave out, pointers to fields the other
 * header lacks). The MTU is left as it is: mape_xlat_mtu4to6() and
 * mape_xlat_mtu6to4() need the routes.
 */
bool mape_xlat_icmp4to6(const struct mape_icmp *in, struct mape_icmp *out);
bool mape_xlat_icmp6to4(const struct mape_icmp *in, struct mape_icmp *out);

/*
 * The MTU a Packet Too Big carries for a Fragmentation Needed with mtu4
 * (RFC 7915 section 4.2): mtu4 + 20, but no more than the IPv6 and IPv4
 * next hops allow (0: not known), never under IPv6's 1280. An mtu4 of 0
 * (a router before RFC 1191) is the greatest RFC 1191 plateau below the
 * quoted packet's total length.
 */
u32 mape_xlat_mtu4to6(u32 mtu4, u16 tot_len, u32 mtu6_next, u32 mtu4_next);

/*
 * The MTU a Fragmentation Needed carries for a Packet Too Big with mtu6
 * (section 5.2): mtu6 less the header difference (28 bytes when the
 * quoted packet had a Fragment header), capped by the next hops (0: not
 * known). An mtu6 under 1280 counts as 1280 (RFC 8200 section 5), so
 * nothing underflows; the result fits the 16 bits of the field.
 */
u32 mape_xlat_mtu6to4(u32 mtu6, bool frag_hdr, u32 mtu4_next,
		      u32 mtu6_next);

/*
 * RFC 7915 section 4.1: the IPv6 header (and, for a fragment, the
 * Fragment header, fh non-NULL) of an IPv4 header whose options are left
 * behind. payload is the IPv4 payload's length; the hop limit is the TTL
 * as it stands (the caller decrements it, once per translator); ICMP
 * becomes ICMPv6. The traffic class is the TOS, the flow label 0.
 */
void mape_xlat_hdr4to6(const struct iphdr *iph, u16 payload,
		       const struct in6_addr *saddr,
		       const struct in6_addr *daddr, struct ipv6hdr *ip6h,
		       struct frag_hdr *fh);

/*
 * Section 5.1: the IPv4 header of an IPv6 packet whose upper layer is
 * proto (ICMPv6 becomes ICMP) after payload bytes of it, past any
 * extension headers; fh is its Fragment header or NULL. Without one, DF
 * is set when the IPv4 packet is bigger than 1260 bytes (a smaller one
 * may be fragmented on the IPv4 side and still fit 1280 when translated
 * back) and the identification is left 0 for the caller to choose. The
 * header checksum is filled.
 */
void mape_xlat_hdr6to4(const struct ipv6hdr *ip6h, u8 proto, u16 payload,
		       const struct frag_hdr *fh, __be32 saddr, __be32 daddr,
		       struct iphdr *iph);

/*
 * Checksums (RFC 7915 sections 4.5 and 5.5): what a TCP or UDP checksum
 * gains when the pseudo-header's IPv4 addresses become IPv6 ones (the
 * length and protocol stay), to apply with csum_replace_by_diff(); the
 * reverse is its negation, csum_sub(0, diff). ICMPv4 has no pseudo-header
 * and ICMPv6 has one: mape_xlat_pseudo_icmp6() is what an ICMPv6
 * checksum holds of it, added or removed the same way.
 */
__wsum mape_xlat_pseudo4to6(__be32 s4, __be32 d4, const struct in6_addr *s6,
			    const struct in6_addr *d6);
__wsum mape_xlat_pseudo_icmp6(const struct in6_addr *s6,
			      const struct in6_addr *d6, u32 len);

#endif /* _MAPE_XLAT_H */
