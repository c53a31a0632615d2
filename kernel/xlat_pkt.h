/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MAP-T (RFC 7599): an IPv4 packet into IPv6 and back (RFC 7915), in its
 * skb. The device chooses the addresses and checks them (rules, port
 * sets); this file rewrites the headers, the checksums, ICMP and the
 * packet an ICMP error quotes.
 */
#ifndef _MAPE_XLAT_PKT_H
#define _MAPE_XLAT_PKT_H

#include <linux/in6.h>
#include <linux/mape.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>

/*
 * How the device names the two ends of the packet an ICMP error quotes,
 * which travelled the other way. near: the end in the MAP domain the
 * device serves (a CE's own address, or the CE a BR sends to); the other
 * is the far end (behind the DMR, or an FMR peer). port is that end's port
 * or ICMP identifier, 0 when the quote has none. False: no name; the error
 * is not translated.
 */
struct mape_xlat_map {
	bool (*to6)(const struct mape_xlat_map *m, __be32 addr, u16 port,
		    bool near, struct in6_addr *out);
	bool (*to4)(const struct mape_xlat_map *m, const struct in6_addr *addr,
		    bool near, __be32 *out);
};

/* Why a packet was not translated. */
enum mape_xlat_ret {
	MAPE_XLAT_OK,
	MAPE_XLAT_NO_XLAT,	/* ICMP without a translation (4.2, 5.2) */
	MAPE_XLAT_BAD,		/* malformed or truncated */
	MAPE_XLAT_SRCROUTE,	/* IPv4 source route: ICMP 3/5 (4.1) */
	MAPE_XLAT_EXTHDR,	/* routing header with segments left:
				 * parameter problem at pointer (5.1)
				 */
	MAPE_XLAT_UDP_ZERO,	/* UDP checksum 0 in a fragment (4.5); any
				 * UDP checksum 0 from IPv6 (RFC 8200 8.1)
				 */
	MAPE_XLAT_FRAG_ICMP,	/* ICMP in fragments: reassemble first */
	MAPE_XLAT_NOMEM,
};

/* An IPv6 packet's layout past its fixed header. */
struct mape_xlat_v6 {
	u8 proto;		/* the upper layer */
	u16 off;		/* where it starts, from the IPv6 header */
	bool frag;		/* a Fragment header, copied to fh */
	struct frag_hdr fh;
	u32 pointer;		/* MAPE_XLAT_EXTHDR: the offending field */
};

struct mape_xlat_args {
	const struct mape_xlat_map *map;
	/* Which end of the packet is near (see mape_xlat_map). */
	bool near_is_dst;
	/* Next-hop MTUs for Packet Too Big and Fragmentation Needed; 0 when
	 * not known.
	 */
	u32 mtu4;
	u32 mtu6;
	/* 6to4: the packet came in fragments, reassembled here; its IPv4
	 * form may be cut again (DF clear) and takes their identification,
	 * frag_id.
	 */
	bool reassembled;
	__be32 frag_id;
};

/*
 * Parse the extension headers of the IPv6 packet at skb->data (RFC 7915
 * section 5.1): Hop-by-Hop, Destination Options and Routing headers with
 * no segments left are skipped, a Fragment header is noted, and whatever
 * follows is the upper layer (a non-first fragment's is not looked at).
 */
enum mape_xlat_ret mape_xlat_v6_parse(const struct sk_buff *skb,
				      struct mape_xlat_v6 *v6);

/*
 * The IPv4 packet at skb->data (its header pulled and checked, the skb
 * trimmed to tot_len) becomes an IPv6 one from saddr to daddr at
 * skb->data, network and transport headers set. The hop limit is the TTL
 * as it stands: the caller decrements, once per translator. On failure
 * the caller drops the skb.
 */
enum mape_xlat_ret mape_xlat_4to6(struct sk_buff *skb,
				  const struct in6_addr *saddr,
				  const struct in6_addr *daddr,
				  const struct mape_xlat_args *args);

/*
 * The IPv6 packet at skb->data, parsed into v6 (the skb trimmed to its
 * payload length), becomes an IPv4 one from saddr to daddr. A packet that
 * may be fragmented on the way (no Fragment header, DF clear) draws its
 * identification from net.
 */
enum mape_xlat_ret mape_xlat_6to4(struct net *net, struct sk_buff *skb,
				  const struct mape_xlat_v6 *v6, __be32 saddr,
				  __be32 daddr, const struct mape_xlat_args *args);

/* The device's counter of a packet not translated for ret. */
enum mape_stat mape_xlat_stat(enum mape_xlat_ret ret);

#endif /* _MAPE_XLAT_PKT_H */
