// SPDX-License-Identifier: GPL-2.0
/*
 * MAP-T packet translation (RFC 7915). See xlat_pkt.h.
 *
 * Headers are swapped in front of a transport header that stays where it
 * is in the buffer, so csum_start, the transport offset and GSO keep
 * pointing at it; only the pseudo-header's part of TCP and UDP checksums
 * changes. ICMP errors, whose quoted packet changes size, are rebuilt.
 * No locks: everything here belongs to the skb the caller owns.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "compat.h"
#include "xlat.h"
#include "xlat_pkt.h"

/* More extension headers than a real packet carries: malformed. */
#define XLAT_MAX_EXT		8

/* The size caps of a translated ICMP error (RFC 7915 4.2, 5.2). */
#define XLAT_ERR6_MAX		IPV6_MIN_MTU
#define XLAT_ERR4_MAX		576

/* What an IPv4 header gains as an IPv6 one. */
#define XLAT_HDR_GROWTH		(sizeof(struct ipv6hdr) - sizeof(struct iphdr))

/* RFC 4884: an original datagram followed by extensions is this long. */
#define XLAT_4884_MIN		128

static enum mape_xlat_ret v6_walk(const struct sk_buff *skb,
				  unsigned int start, struct mape_xlat_v6 *v6)
{
	unsigned int off = start + sizeof(struct ipv6hdr);
	const struct ipv6hdr *h;
	struct ipv6hdr _h;
	int n;
	u8 nh;

	h = skb_header_pointer(skb, start, sizeof(_h), &_h);
	if (!h)
		return MAPE_XLAT_BAD;
	nh = h->nexthdr;
	v6->frag = false;
	for (n = 0; n < XLAT_MAX_EXT; n++) {
		const u8 *e;
		u8 _e[4];

		switch (nh) {
		case NEXTHDR_HOP:
		case NEXTHDR_DEST:
		case NEXTHDR_ROUTING:
			e = skb_header_pointer(skb, off, sizeof(_e), _e);
			if (!e)
				return MAPE_XLAT_BAD;
			if (nh == NEXTHDR_ROUTING && e[3]) {
				v6->pointer = off - start + 3;
				return MAPE_XLAT_EXTHDR;
			}
			nh = e[0];
			off += (e[1] + 1) * 8;
			continue;
		case NEXTHDR_FRAGMENT:
			if (v6->frag ||
			    skb_copy_bits(skb, off, &v6->fh, sizeof(v6->fh)))
				return MAPE_XLAT_BAD;
			v6->frag = true;
			nh = v6->fh.nexthdr;
			off += sizeof(v6->fh);
			if (v6->fh.frag_off & htons(IP6_OFFSET))
				goto upper;
			continue;
		}
		goto upper;
	}
	return MAPE_XLAT_BAD;
upper:
	if (off > skb->len)
		return MAPE_XLAT_BAD;
	v6->proto = nh;
	v6->off = off - start;
	return MAPE_XLAT_OK;
}

enum mape_xlat_ret mape_xlat_v6_parse(const struct sk_buff *skb,
				      struct mape_xlat_v6 *v6)
{
	return v6_walk(skb, 0, v6);
}

static bool v6_first(const struct mape_xlat_v6 *v6)
{
	return !v6->frag || !(v6->fh.frag_off & htons(IP6_OFFSET));
}

/*
 * The port (or echo identifier) of one end of a quoted packet, from the
 * len bytes of its upper layer at l4; 0 when it has none.
 */
static u16 quote_port(const u8 *l4, unsigned int len, u8 proto, bool src)
{
	unsigned int at = src ? 0 : 2;

	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		return len >= 4 ? l4[at] << 8 | l4[at + 1] : 0;
	case IPPROTO_ICMP:
		if (len >= 6 && (l4[0] == ICMP_ECHO || l4[0] == ICMP_ECHOREPLY))
			return l4[4] << 8 | l4[5];
		return 0;
	case IPPROTO_ICMPV6:
		if (len >= 6 && (l4[0] == ICMPV6_ECHO_REQUEST ||
				 l4[0] == ICMPV6_ECHO_REPLY))
			return l4[4] << 8 | l4[5];
		return 0;
	}
	return 0;
}

/* -1: malformed options; 1: a loose or strict source route (4.1). */
static int has_srcroute(const struct iphdr *iph)
{
	const u8 *opt = (const u8 *)(iph + 1);
	unsigned int len = iph->ihl * 4 - sizeof(*iph), i = 0;

	while (i < len) {
		if (opt[i] == IPOPT_END)
			return 0;
		if (opt[i] == IPOPT_NOOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
			return -1;
		if (opt[i] == IPOPT_LSRR || opt[i] == IPOPT_SSRR)
			return 1;
		i += opt[i + 1];
	}
	return 0;
}

/*
 * The content of skb (linear, writable) becomes the len bytes at buf, a
 * packet of protocol (ETH_P_*) whose network header is hlen bytes; buf is
 * freed either way.
 */
static enum mape_xlat_ret set_content(struct sk_buff *skb, void *buf,
				      unsigned int len, unsigned int hlen,
				      u16 protocol)
{
	int err = 0;

	if (len > skb->len) {
		unsigned int need = len - skb->len;

		if (skb_tailroom(skb) < need)
			err = pskb_expand_head(skb, 0,
					       need - skb_tailroom(skb),
					       GFP_ATOMIC);
		if (!err)
			__skb_put(skb, need);
	} else {
		__skb_trim(skb, len);
	}
	if (!err) {
		memcpy(skb->data, buf, len);
		skb->ip_summed = CHECKSUM_NONE;
		skb_reset_network_header(skb);
		skb_set_transport_header(skb, hlen);
		skb->protocol = htons(protocol);
	}
	kfree(buf);
	return err ? MAPE_XLAT_NOMEM : MAPE_XLAT_OK;
}

/* GSO types name the network protocol: keep them right for segmentation. */
static void gso_to(struct sk_buff *skb, bool v6)
{
	struct skb_shared_info *sh = skb_shinfo(skb);

	if (!skb_is_gso(skb))
		return;
	if (v6 && (sh->gso_type & SKB_GSO_TCPV4)) {
		sh->gso_type &= ~(SKB_GSO_TCPV4 | SKB_GSO_TCP_FIXEDID);
		sh->gso_type |= SKB_GSO_TCPV6;
	} else if (!v6 && (sh->gso_type & SKB_GSO_TCPV6)) {
		sh->gso_type &= ~SKB_GSO_TCPV6;
		sh->gso_type |= SKB_GSO_TCPV4;
	}
}

/*
 * The pseudo-header's change in a TCP or UDP checksum at off (diff as
 * mape_xlat_pseudo4to6() gives it). udp: a result of 0 is sent as 0xffff.
 */
static void l4_csum(struct sk_buff *skb, unsigned int off, __wsum diff,
		    bool udp)
{
	__sum16 *sum = (__sum16 *)(skb->data + off);

	inet_proto_csum_replace_by_diff(sum, skb, diff, true, false);
	if (udp && skb->ip_summed != CHECKSUM_PARTIAL && !*sum)
		*sum = CSUM_MANGLED_0;
}

/* An ICMPv6 message's checksum, the IPv6 header in front of it. */
static void icmp6_csum(struct sk_buff *skb, unsigned int off)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct icmp6hdr *ih = (struct icmp6hdr *)(skb->data + off);
	unsigned int len = skb->len - off;

	ih->icmp6_cksum = 0;
	ih->icmp6_cksum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
					  IPPROTO_ICMPV6,
					  skb_checksum(skb, off, len, 0));
	skb->ip_summed = CHECKSUM_NONE;
}

static void icmp4_csum(struct sk_buff *skb, unsigned int off)
{
	struct icmphdr *ih = (struct icmphdr *)(skb->data + off);

	ih->checksum = 0;
	ih->checksum = csum_fold(skb_checksum(skb, off, skb->len - off, 0));
	skb->ip_summed = CHECKSUM_NONE;
}

/* Where a translated error's quote goes (RFC 4884). */
struct quote {
	unsigned int orig;	/* bytes of original datagram, in */
	unsigned int ext;	/* bytes of extensions after it, kept */
	unsigned int pad;	/* the original datagram's room, out */
};

/*
 * The quote of qlen bytes whose length field says len bytes (0: no
 * extension follows) are the original datagram, its header ihl bytes in
 * and ohl out; unit: the translated length field's (0: the message has
 * none); room: what the size cap leaves. Extensions stay when they fit
 * and have a length field to go with, the original datagram padded to
 * the unit and RFC 4884's 128 bytes. False: len does not fit the quote.
 */
static bool quote_layout(unsigned int qlen, unsigned int len,
			 unsigned int ihl, unsigned int ohl, unsigned int unit,
			 unsigned int room, struct quote *q)
{
	unsigned int olen;

	q->orig = qlen;
	q->ext = 0;
	if (len) {
		if (len < ihl || len > qlen)
			return false;
		q->orig = len;
		q->ext = qlen - len;
	}
	olen = q->orig - ihl + ohl;
	if (q->ext && unit) {
		q->pad = max_t(unsigned int, round_up(olen, unit),
			       XLAT_4884_MIN);
		if (q->pad + q->ext <= room)
			return true;
	}
	q->ext = 0;
	q->pad = min(olen, room);
	return true;
}

/*
 * An ICMPv4 error into ICMPv6 (section 4.2): its type, code and field in
 * out, its quoted IPv4 packet translated (one level: the quote's own
 * ICMP errors are not), the whole capped at 1280 bytes.
 */
static enum mape_xlat_ret err4to6(struct sk_buff *skb, const struct iphdr *iph,
				  const struct in6_addr *saddr,
				  const struct in6_addr *daddr,
				  struct mape_icmp *out,
				  const struct mape_xlat_args *args)
{
	unsigned int ihl = iph->ihl * 4, qoff = ihl + sizeof(struct icmphdr);
	unsigned int qlen, iihl, ihlen6, copy, total;
	const struct icmphdr *ih;
	const struct iphdr *in;
	struct in6_addr is6, id6;
	struct ipv6hdr *ip6h, *qh;
	struct quote q;
	struct icmp6hdr *ih6;
	bool ifrag, ifirst;
	const u8 *l4;
	u8 len4, *buf;

	if (skb_linearize(skb))
		return MAPE_XLAT_NOMEM;
	ih = (const struct icmphdr *)(skb->data + ihl);
	in = (const struct iphdr *)(skb->data + qoff);
	qlen = skb->len - qoff;
	if (qlen < sizeof(*in) || in->version != 4 || in->ihl < 5 ||
	    in->ihl * 4 > qlen || ntohs(in->tot_len) < in->ihl * 4)
		return MAPE_XLAT_BAD;
	iihl = in->ihl * 4;
	ifrag = ip_is_fragment(in);
	ifirst = !(in->frag_off & htons(IP_OFFSET));
	ihlen6 = sizeof(*qh) + (ifrag ? sizeof(struct frag_hdr) : 0);
	l4 = (const u8 *)in + iihl;
	if (!args->map->to6(args->map, in->saddr,
			    ifirst ? quote_port(l4, qlen - iihl, in->protocol,
						true) : 0,
			    args->near_is_dst, &is6) ||
	    !args->map->to6(args->map, in->daddr,
			    ifirst ? quote_port(l4, qlen - iihl, in->protocol,
						false) : 0,
			    !args->near_is_dst, &id6))
		return MAPE_XLAT_NO_XLAT;
	if (out->type == ICMPV6_PKT_TOOBIG)
		out->param = mape_xlat_mtu4to6(out->param, ntohs(in->tot_len),
					       args->mtu6, args->mtu4);

	/* RFC 4884: the length of the original datagram, in 32-bit words,
	 * in the second byte of destination unreachable, time exceeded and
	 * parameter problem; 0 when no extension follows.
	 */
	len4 = (ih->type == ICMP_DEST_UNREACH ||
		ih->type == ICMP_TIME_EXCEEDED ||
		ih->type == ICMP_PARAMETERPROB) ? ((const u8 *)ih)[5] : 0;
	if (!quote_layout(qlen, len4 * 4, iihl, ihlen6,
			  out->type == ICMPV6_DEST_UNREACH ||
			  out->type == ICMPV6_TIME_EXCEED ? 8 : 0,
			  XLAT_ERR6_MAX - sizeof(*ip6h) - sizeof(*ih6), &q))
		return MAPE_XLAT_BAD;
	total = sizeof(*ip6h) + sizeof(*ih6) + q.pad + q.ext;

	buf = kzalloc(total, GFP_ATOMIC);
	if (!buf)
		return MAPE_XLAT_NOMEM;
	ip6h = (struct ipv6hdr *)buf;
	ih6 = (struct icmp6hdr *)(ip6h + 1);
	qh = (struct ipv6hdr *)(ih6 + 1);
	mape_xlat_hdr4to6(iph, total - sizeof(*ip6h), saddr, daddr, ip6h, NULL);
	ih6->icmp6_type = out->type;
	ih6->icmp6_code = out->code;
	ih6->icmp6_dataun.un_data32[0] = htonl(out->param);
	if (q.ext)
		ih6->icmp6_dataun.un_data8[0] = q.pad / 8;
	/* The quote keeps its hop limit: a translator changes it once, in
	 * the packet it forwards.
	 */
	mape_xlat_hdr4to6(in, ntohs(in->tot_len) - iihl, &is6, &id6, qh,
			  ifrag ? (struct frag_hdr *)(qh + 1) : NULL);
	copy = min(q.orig - iihl, q.pad - ihlen6);
	memcpy((u8 *)qh + ihlen6, l4, copy);
	if (ifirst && in->protocol == IPPROTO_ICMP && copy) {
		u8 *t = (u8 *)qh + ihlen6;

		if (*t == ICMP_ECHO)
			*t = ICMPV6_ECHO_REQUEST;
		else if (*t == ICMP_ECHOREPLY)
			*t = ICMPV6_ECHO_REPLY;
	}
	if (q.ext)
		memcpy((u8 *)qh + q.pad, (const u8 *)in + q.orig, q.ext);
	ih6->icmp6_cksum = csum_ipv6_magic(saddr, daddr, total - sizeof(*ip6h),
					   IPPROTO_ICMPV6,
					   csum_partial(ih6,
							total - sizeof(*ip6h),
							0));
	return set_content(skb, buf, total, sizeof(*ip6h), ETH_P_IPV6);
}

/* An ICMPv4 message whose type has a translation, in place or rebuilt. */
static enum mape_xlat_ret icmp4to6(struct sk_buff *skb, const struct iphdr *iph,
				   struct mape_icmp *out,
				   const struct in6_addr *saddr,
				   const struct in6_addr *daddr,
				   const struct mape_xlat_args *args)
{
	unsigned int ihl = iph->ihl * 4;
	struct icmphdr *ih = (struct icmphdr *)(skb->data + ihl);
	struct mape_icmp in = { .type = ih->type, .code = ih->code };

	if (ih->type == ICMP_PARAMETERPROB)
		in.param = ((u8 *)ih)[4];
	else if (ih->type == ICMP_DEST_UNREACH && ih->code == ICMP_FRAG_NEEDED)
		in.param = ntohs(ih->un.frag.mtu);
	if (!mape_xlat_icmp4to6(&in, out))
		return MAPE_XLAT_NO_XLAT;
	if (out->type & ICMPV6_INFOMSG_MASK) {
		ih->type = out->type;
		ih->code = out->code;
		return MAPE_XLAT_OK;
	}
	return err4to6(skb, iph, saddr, daddr, out, args);
}

enum mape_xlat_ret mape_xlat_4to6(struct sk_buff *skb,
				  const struct in6_addr *saddr,
				  const struct in6_addr *daddr,
				  const struct mape_xlat_args *args)
{
	struct iphdr iph = *ip_hdr(skb);
	unsigned int ihl = iph.ihl * 4, hlen, l4len = 0;
	bool frag = ip_is_fragment(&iph);
	bool first = !(iph.frag_off & htons(IP_OFFSET));
	struct mape_icmp icmp;
	struct ipv6hdr *ip6h;
	enum mape_xlat_ret ret;
	__wsum diff;

	if (ihl > sizeof(iph)) {
		int sr = has_srcroute(ip_hdr(skb));

		if (sr)
			return sr < 0 ? MAPE_XLAT_BAD : MAPE_XLAT_SRCROUTE;
	}
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	if (first) {
		switch (iph.protocol) {
		case IPPROTO_TCP:
			l4len = sizeof(struct tcphdr);
			break;
		case IPPROTO_UDP:
			l4len = sizeof(struct udphdr);
			break;
		case IPPROTO_ICMP:
			if (frag)
				return MAPE_XLAT_FRAG_ICMP;
			l4len = sizeof(struct icmphdr);
			break;
		}
	}
	if (l4len && (!pskb_may_pull(skb, ihl + l4len) ||
		      skb_ensure_writable(skb, ihl + l4len)))
		return MAPE_XLAT_BAD;

	diff = mape_xlat_pseudo4to6(iph.saddr, iph.daddr, saddr, daddr);
	switch (l4len ? iph.protocol : 0) {
	case IPPROTO_TCP:
		l4_csum(skb, ihl + offsetof(struct tcphdr, check), diff, false);
		break;
	case IPPROTO_UDP: {
		struct udphdr *uh = (struct udphdr *)(skb->data + ihl);

		if (uh->check || skb->ip_summed == CHECKSUM_PARTIAL) {
			l4_csum(skb, ihl + offsetof(struct udphdr, check), diff,
				true);
			break;
		}
		/* Section 4.5: IPv6 has no UDP without a checksum. Only a
		 * whole datagram lets one be computed.
		 */
		if (frag)
			return MAPE_XLAT_UDP_ZERO;
		uh->check = csum_ipv6_magic(saddr, daddr, skb->len - ihl,
					    IPPROTO_UDP,
					    skb_checksum(skb, ihl,
							 skb->len - ihl, 0));
		if (!uh->check)
			uh->check = CSUM_MANGLED_0;
		break;
	}
	case IPPROTO_ICMP:
		ret = icmp4to6(skb, &iph, &icmp, saddr, daddr, args);
		if (ret != MAPE_XLAT_OK || !(icmp.type & ICMPV6_INFOMSG_MASK))
			return ret;
		break;
	}

	hlen = sizeof(*ip6h) + (frag ? sizeof(struct frag_hdr) : 0);
	if (skb_cow_head(skb, hlen))
		return MAPE_XLAT_NOMEM;
	__skb_pull(skb, ihl);
	ip6h = skb_push(skb, hlen);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, hlen);
	mape_xlat_hdr4to6(&iph, ntohs(iph.tot_len) - ihl, saddr, daddr, ip6h,
			  frag ? (struct frag_hdr *)(ip6h + 1) : NULL);
	skb->protocol = htons(ETH_P_IPV6);
	gso_to(skb, true);
	if (l4len && iph.protocol == IPPROTO_ICMP)
		icmp6_csum(skb, hlen);
	return MAPE_XLAT_OK;
}

/*
 * An ICMPv6 error into ICMPv4 (section 5.2), its quoted IPv6 packet
 * translated (one level), the whole capped at 576 bytes.
 */
static enum mape_xlat_ret err6to4(struct net *net, struct sk_buff *skb,
				  const struct ipv6hdr *ip6h, unsigned int off,
				  __be32 saddr, __be32 daddr,
				  struct mape_icmp *out,
				  const struct mape_xlat_args *args)
{
	unsigned int qoff = off + sizeof(struct icmp6hdr);
	unsigned int qlen, copy, total;
	struct mape_xlat_v6 iv6;
	const struct ipv6hdr *in;
	struct quote q;
	struct iphdr *iph, *qh;
	struct icmphdr *ih;
	__be32 is4, id4;
	const u8 *l4;
	u8 len6, *buf;

	if (skb_linearize(skb))
		return MAPE_XLAT_NOMEM;
	if (v6_walk(skb, qoff, &iv6) != MAPE_XLAT_OK)
		return MAPE_XLAT_NO_XLAT;
	in = (const struct ipv6hdr *)(skb->data + qoff);
	qlen = skb->len - qoff;
	if (ntohs(in->payload_len) < iv6.off - sizeof(*in))
		return MAPE_XLAT_BAD;
	l4 = (const u8 *)in + iv6.off;
	if (!args->map->to4(args->map, &in->saddr, args->near_is_dst, &is4) ||
	    !args->map->to4(args->map, &in->daddr, !args->near_is_dst, &id4))
		return MAPE_XLAT_NO_XLAT;
	if (out->type == ICMP_DEST_UNREACH && out->code == ICMP_FRAG_NEEDED)
		out->param = mape_xlat_mtu6to4(out->param, iv6.frag, args->mtu4,
					       args->mtu6);

	/* RFC 4884: in 64-bit words, in the first byte of destination
	 * unreachable and time exceeded.
	 */
	len6 = (skb->data[off] == ICMPV6_DEST_UNREACH ||
		skb->data[off] == ICMPV6_TIME_EXCEED) ? skb->data[off + 4] : 0;
	if (!quote_layout(qlen, len6 * 8, iv6.off, sizeof(*qh),
			  out->type == ICMP_DEST_UNREACH ||
			  out->type == ICMP_TIME_EXCEEDED ||
			  out->type == ICMP_PARAMETERPROB ? 4 : 0,
			  XLAT_ERR4_MAX - sizeof(*iph) - sizeof(*ih), &q))
		return MAPE_XLAT_BAD;
	total = sizeof(*iph) + sizeof(*ih) + q.pad + q.ext;

	buf = kzalloc(total, GFP_ATOMIC);
	if (!buf)
		return MAPE_XLAT_NOMEM;
	iph = (struct iphdr *)buf;
	ih = (struct icmphdr *)(iph + 1);
	qh = (struct iphdr *)(ih + 1);
	mape_xlat_hdr6to4(ip6h, IPPROTO_ICMPV6, total - sizeof(*iph), NULL,
			  saddr, daddr, iph);
	if (!(iph->frag_off & htons(IP_DF))) {
		__ip_select_ident(net, iph, 1);
		ip_send_check(iph);
	}
	ih->type = out->type;
	ih->code = out->code;
	if (out->type == ICMP_PARAMETERPROB)
		((u8 *)ih)[4] = out->param;
	else if (out->type == ICMP_DEST_UNREACH &&
		 out->code == ICMP_FRAG_NEEDED)
		ih->un.frag.mtu = htons(out->param);
	if (q.ext)
		((u8 *)ih)[5] = q.pad / 4;
	mape_xlat_hdr6to4(in, iv6.proto,
			  ntohs(in->payload_len) - (iv6.off - sizeof(*in)),
			  iv6.frag ? &iv6.fh : NULL, is4, id4, qh);
	copy = min(q.orig - iv6.off, q.pad - (unsigned int)sizeof(*qh));
	memcpy(qh + 1, l4, copy);
	if (v6_first(&iv6) && iv6.proto == IPPROTO_ICMPV6 && copy) {
		u8 *t = (u8 *)(qh + 1);

		if (*t == ICMPV6_ECHO_REQUEST)
			*t = ICMP_ECHO;
		else if (*t == ICMPV6_ECHO_REPLY)
			*t = ICMP_ECHOREPLY;
	}
	if (q.ext)
		memcpy((u8 *)qh + q.pad, (const u8 *)in + q.orig, q.ext);
	ih->checksum = ip_compute_csum(ih, total - sizeof(*iph));
	return set_content(skb, buf, total, sizeof(*iph), ETH_P_IP);
}

/* An ICMPv6 message whose type has a translation, in place or rebuilt. */
static enum mape_xlat_ret icmp6to4(struct net *net, struct sk_buff *skb,
				   const struct ipv6hdr *ip6h, unsigned int off,
				   struct mape_icmp *out, __be32 saddr,
				   __be32 daddr,
				   const struct mape_xlat_args *args)
{
	struct icmp6hdr *ih = (struct icmp6hdr *)(skb->data + off);
	struct mape_icmp in = { .type = ih->icmp6_type,
				.code = ih->icmp6_code };

	if (ih->icmp6_type == ICMPV6_PARAMPROB ||
	    ih->icmp6_type == ICMPV6_PKT_TOOBIG)
		in.param = ntohl(ih->icmp6_dataun.un_data32[0]);
	if (!mape_xlat_icmp6to4(&in, out))
		return MAPE_XLAT_NO_XLAT;
	if (ih->icmp6_type & ICMPV6_INFOMSG_MASK) {
		ih->icmp6_type = out->type;
		ih->icmp6_code = out->code;
		return MAPE_XLAT_OK;
	}
	return err6to4(net, skb, ip6h, off, saddr, daddr, out, args);
}

enum mape_xlat_ret mape_xlat_6to4(struct net *net, struct sk_buff *skb,
				  const struct mape_xlat_v6 *v6, __be32 saddr,
				  __be32 daddr, const struct mape_xlat_args *args)
{
	struct ipv6hdr ip6h = *ipv6_hdr(skb);
	unsigned int off = v6->off, l4len = 0;
	bool first = v6_first(v6);
	struct mape_icmp icmp;
	enum mape_xlat_ret ret;
	struct iphdr *iph;
	__wsum diff;

	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	if (first) {
		switch (v6->proto) {
		case IPPROTO_TCP:
			l4len = sizeof(struct tcphdr);
			break;
		case IPPROTO_UDP:
			l4len = sizeof(struct udphdr);
			break;
		case IPPROTO_ICMPV6:
			if (v6->frag)
				return MAPE_XLAT_FRAG_ICMP;
			l4len = sizeof(struct icmp6hdr);
			break;
		}
	}
	if (l4len && (!pskb_may_pull(skb, off + l4len) ||
		      skb_ensure_writable(skb, off + l4len)))
		return MAPE_XLAT_BAD;

	diff = csum_sub(0, mape_xlat_pseudo4to6(saddr, daddr, &ip6h.saddr,
						&ip6h.daddr));
	switch (l4len ? v6->proto : 0) {
	case IPPROTO_TCP:
		l4_csum(skb, off + offsetof(struct tcphdr, check), diff, false);
		break;
	case IPPROTO_UDP:
		/* RFC 8200 section 8.1: IPv6 UDP always has a checksum. */
		if (!((struct udphdr *)(skb->data + off))->check &&
		    skb->ip_summed != CHECKSUM_PARTIAL)
			return MAPE_XLAT_UDP_ZERO;
		l4_csum(skb, off + offsetof(struct udphdr, check), diff, true);
		break;
	case IPPROTO_ICMPV6:
		ret = icmp6to4(net, skb, &ip6h, off, &icmp, saddr, daddr, args);
		/* An error was rebuilt whole. */
		if (ret != MAPE_XLAT_OK || skb->protocol == htons(ETH_P_IP))
			return ret;
		break;
	}

	if (skb_cow_head(skb, sizeof(*iph)))
		return MAPE_XLAT_NOMEM;
	__skb_pull(skb, off);
	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, sizeof(*iph));
	mape_xlat_hdr6to4(&ip6h, v6->proto, skb->len - sizeof(*iph),
			  v6->frag ? &v6->fh : NULL, saddr, daddr, iph);
	if (!v6->frag) {
		unsigned int df_above = IPV6_MIN_MTU - XLAT_HDR_GROWTH;

		/* Section 5.1's DF rule is about the packets that leave:
		 * a super-packet's segments.
		 */
		if (args->reassembled) {
			/* IPv4 may cut it again: its pieces keep the
			 * identification its fragments had, the low 16
			 * bits as for any fragment (section 5.1), the
			 * source's choice (a CE's frag-id).
			 */
			iph->frag_off = 0;
			iph->id = htons(ntohl(args->frag_id) & 0xffff);
		} else {
			if (skb_is_gso(skb))
				iph->frag_off =
					skb_gso_validate_network_len(skb,
								     df_above) ?
					0 : htons(IP_DF);
			if (!iph->frag_off)
				__ip_select_ident(net, iph,
						  skb_is_gso(skb) ?
						  skb_shinfo(skb)->gso_segs : 1);
		}
		ip_send_check(iph);
	}
	skb->protocol = htons(ETH_P_IP);
	gso_to(skb, false);
	if (l4len && v6->proto == IPPROTO_ICMPV6)
		icmp4_csum(skb, sizeof(*iph));
	return MAPE_XLAT_OK;
}

enum mape_stat mape_xlat_stat(enum mape_xlat_ret ret)
{
	switch (ret) {
	case MAPE_XLAT_NO_XLAT:
		return MAPE_STAT_XLAT_UNTRANSLATABLE;
	case MAPE_XLAT_UDP_ZERO:
		return MAPE_STAT_XLAT_UDP_ZERO_CSUM;
	case MAPE_XLAT_SRCROUTE:
		return MAPE_STAT_XLAT_SOURCE_ROUTE;
	case MAPE_XLAT_EXTHDR:
		return MAPE_STAT_XLAT_EXT_HEADER;
	case MAPE_XLAT_FRAG_ICMP:
		return MAPE_STAT_XLAT_ICMP_FRAGMENTS;
	default:
		return MAPE_STAT_HEADER_ERRORS;
	}
}
