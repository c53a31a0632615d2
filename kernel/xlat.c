// SPDX-License-Identifier: GPL-2.0
/*
 * MAP-T header translation arithmetic (RFC 7915). See xlat.h.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/kernel.h>
#include <net/checksum.h>
#include <net/dsfield.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "xlat.h"

/* Figure 3: a pointer into the IPv4 header, into the IPv6 one; -1: n/a. */
static int ptr4to6(u32 p)
{
	if (p <= 1)
		return p;		/* version/IHL, TOS */
	if (p <= 3)
		return 4;		/* total length: payload length */
	if (p == 8)
		return 7;		/* TTL: hop limit */
	if (p == 9)
		return 6;		/* protocol: next header */
	if (p >= 12 && p <= 15)
		return 8;		/* source address */
	if (p >= 16 && p <= 19)
		return 24;		/* destination address */
	return -1;			/* ID, flags, offset, checksum */
}

/* Figure 6: a pointer into the IPv6 header, into the IPv4 one. */
static int ptr6to4(u32 p)
{
	if (p <= 1)
		return p;		/* version/traffic class */
	if (p == 4 || p == 5)
		return 2;		/* payload length: total length */
	if (p == 6)
		return 9;		/* next header: protocol */
	if (p == 7)
		return 8;		/* hop limit: TTL */
	if (p >= 8 && p <= 23)
		return 12;		/* source address */
	if (p >= 24 && p <= 39)
		return 16;		/* destination address */
	return -1;			/* flow label, beyond the header */
}

/* Section 4.2, Destination Unreachable: the ICMPv6 code; -1: drop. */
static int unreach4to6(u8 code)
{
	switch (code) {
	case ICMP_NET_UNREACH:
	case ICMP_HOST_UNREACH:
	case ICMP_SR_FAILED:
	case ICMP_NET_UNKNOWN:
	case ICMP_HOST_UNKNOWN:
	case ICMP_HOST_ISOLATED:
	case ICMP_NET_UNR_TOS:
	case ICMP_HOST_UNR_TOS:
		return ICMPV6_NOROUTE;
	case ICMP_PORT_UNREACH:
		return ICMPV6_PORT_UNREACH;
	case ICMP_NET_ANO:
	case ICMP_HOST_ANO:
	case ICMP_PKT_FILTERED:
	case ICMP_PREC_CUTOFF:
		return ICMPV6_ADM_PROHIBITED;
	}
	return -1;			/* 14 (precedence violation), unknown */
}

bool mape_xlat_icmp4to6(const struct mape_icmp *in, struct mape_icmp *out)
{
	int v;

	out->param = 0;
	out->code = 0;
	switch (in->type) {
	case ICMP_ECHO:
		out->type = ICMPV6_ECHO_REQUEST;
		return !in->code;
	case ICMP_ECHOREPLY:
		out->type = ICMPV6_ECHO_REPLY;
		return !in->code;
	case ICMP_DEST_UNREACH:
		if (in->code == ICMP_PROT_UNREACH) {
			out->type = ICMPV6_PARAMPROB;
			out->code = ICMPV6_UNK_NEXTHDR;
			out->param = offsetof(struct ipv6hdr, nexthdr);
			return true;
		}
		if (in->code == ICMP_FRAG_NEEDED) {
			out->type = ICMPV6_PKT_TOOBIG;
			out->param = in->param;
			return true;
		}
		v = unreach4to6(in->code);
		out->type = ICMPV6_DEST_UNREACH;
		out->code = v;
		return v >= 0;
	case ICMP_TIME_EXCEEDED:
		out->type = ICMPV6_TIME_EXCEED;
		out->code = in->code;
		return in->code <= ICMP_EXC_FRAGTIME;
	case ICMP_PARAMETERPROB:
		/* Code 1, a missing required option: dropped. */
		if (in->code != 0 && in->code != 2)
			return false;
		v = ptr4to6(in->param);
		out->type = ICMPV6_PARAMPROB;
		out->code = ICMPV6_HDR_FIELD;
		out->param = v;
		return v >= 0;
	}
	/* Single-hop (redirect, router discovery) and obsolete ones. */
	return false;
}

bool mape_xlat_icmp6to4(const struct mape_icmp *in, struct mape_icmp *out)
{
	int v;

	out->param = 0;
	out->code = 0;
	switch (in->type) {
	case ICMPV6_ECHO_REQUEST:
		out->type = ICMP_ECHO;
		return !in->code;
	case ICMPV6_ECHO_REPLY:
		out->type = ICMP_ECHOREPLY;
		return !in->code;
	case ICMPV6_DEST_UNREACH:
		out->type = ICMP_DEST_UNREACH;
		switch (in->code) {
		case ICMPV6_NOROUTE:
		case ICMPV6_NOT_NEIGHBOUR:
		case ICMPV6_ADDR_UNREACH:
			out->code = ICMP_HOST_UNREACH;
			return true;
		case ICMPV6_ADM_PROHIBITED:
			out->code = ICMP_HOST_ANO;
			return true;
		case ICMPV6_PORT_UNREACH:
			out->code = ICMP_PORT_UNREACH;
			return true;
		}
		return false;
	case ICMPV6_PKT_TOOBIG:
		out->type = ICMP_DEST_UNREACH;
		out->code = ICMP_FRAG_NEEDED;
		out->param = in->param;
		return !in->code;
	case ICMPV6_TIME_EXCEED:
		out->type = ICMP_TIME_EXCEEDED;
		out->code = in->code;
		return in->code <= ICMPV6_EXC_FRAGTIME;
	case ICMPV6_PARAMPROB:
		if (in->code == ICMPV6_UNK_NEXTHDR) {
			out->type = ICMP_DEST_UNREACH;
			out->code = ICMP_PROT_UNREACH;
			return true;
		}
		if (in->code != ICMPV6_HDR_FIELD)
			return false;	/* an unknown option, and the rest */
		v = ptr6to4(in->param);
		out->type = ICMP_PARAMETERPROB;
		out->param = v;
		return v >= 0;
	}
	/* MLD, neighbour discovery and unknown informational ones. */
	return false;
}

/* RFC 1191 section 7, the plateaus above IPv6's minimum. */
static const u16 plateaus[] = { 65535, 32000, 17914, 8166, 4352, 2002, 1492 };

u32 mape_xlat_mtu4to6(u32 mtu4, u16 tot_len, u32 mtu6_next, u32 mtu4_next)
{
	u32 mtu = IPV6_MIN_MTU;
	unsigned int i;

	if (!mtu4) {
		for (i = 0; i < ARRAY_SIZE(plateaus); i++) {
			if (plateaus[i] < tot_len) {
				mtu4 = plateaus[i];
				break;
			}
		}
	}
	if (mtu4) {
		mtu = mtu4 + sizeof(struct ipv6hdr) - sizeof(struct iphdr);
		if (mtu6_next)
			mtu = min(mtu, mtu6_next);
		if (mtu4_next)
			mtu = min(mtu, mtu4_next + (u32)(sizeof(struct ipv6hdr) -
							 sizeof(struct iphdr)));
	}
	return max_t(u32, mtu, IPV6_MIN_MTU);
}

u32 mape_xlat_mtu6to4(u32 mtu6, bool frag_hdr, u32 mtu4_next,
		      u32 mtu6_next)
{
	u32 diff = sizeof(struct ipv6hdr) - sizeof(struct iphdr) +
		   (frag_hdr ? sizeof(struct frag_hdr) : 0);
	u32 mtu;

	mtu = max_t(u32, mtu6, IPV6_MIN_MTU) - diff;
	if (mtu4_next)
		mtu = min(mtu, mtu4_next);
	if (mtu6_next)
		mtu = min(mtu, max_t(u32, mtu6_next, IPV6_MIN_MTU) - diff);
	return min_t(u32, mtu, 0xffff);
}

__wsum mape_xlat_pseudo4to6(__be32 s4, __be32 d4, const struct in6_addr *s6,
			    const struct in6_addr *d6)
{
	__wsum diff = csum_partial(s6, sizeof(*s6), 0);

	diff = csum_partial(d6, sizeof(*d6), diff);
	diff = csum_sub(diff, (__force __wsum)s4);
	return csum_sub(diff, (__force __wsum)d4);
}

__wsum mape_xlat_pseudo_icmp6(const struct in6_addr *s6,
			      const struct in6_addr *d6, u32 len)
{
	/* The magic sum of no data is the complement of the header's. */
	return csum_unfold(~csum_ipv6_magic(s6, d6, len, IPPROTO_ICMPV6, 0));
}

void mape_xlat_hdr4to6(const struct iphdr *iph, u16 payload,
		       const struct in6_addr *saddr,
		       const struct in6_addr *daddr, struct ipv6hdr *ip6h,
		       struct frag_hdr *fh)
{
	u8 proto = iph->protocol == IPPROTO_ICMP ? IPPROTO_ICMPV6 :
						   iph->protocol;

	ip6_flow_hdr(ip6h, iph->tos, 0);
	ip6h->payload_len = htons(payload + (fh ? sizeof(*fh) : 0));
	ip6h->nexthdr = fh ? NEXTHDR_FRAGMENT : proto;
	ip6h->hop_limit = iph->ttl;
	ip6h->saddr = *saddr;
	ip6h->daddr = *daddr;
	if (!fh)
		return;
	fh->nexthdr = proto;
	fh->reserved = 0;
	/* 8-byte units either way; M is IPv6's lowest bit. */
	fh->frag_off = htons((ntohs(iph->frag_off) & IP_OFFSET) << 3 |
			     (iph->frag_off & htons(IP_MF) ? IP6_MF : 0));
	fh->identification = htonl(ntohs(iph->id));
}

void mape_xlat_hdr6to4(const struct ipv6hdr *ip6h, u8 proto, u16 payload,
		       const struct frag_hdr *fh, __be32 saddr, __be32 daddr,
		       struct iphdr *iph)
{
	u16 len = sizeof(*iph) + payload;

	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = ipv6_get_dsfield(ip6h);
	iph->tot_len = htons(len);
	iph->ttl = ip6h->hop_limit;
	iph->protocol = proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : proto;
	iph->saddr = saddr;
	iph->daddr = daddr;
	if (fh) {
		u16 off = ntohs(fh->frag_off);

		iph->id = htons(ntohl(fh->identification) & 0xffff);
		iph->frag_off = htons((off >> 3) |
				      (off & IP6_MF ? IP_MF : 0));
	} else {
		iph->id = 0;
		iph->frag_off = len > IPV6_MIN_MTU - (sizeof(struct ipv6hdr) -
						      sizeof(*iph)) ?
				htons(IP_DF) : 0;
	}
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
}
