// SPDX-License-Identifier: GPL-2.0
/*
 * Ports of IPv4 packets, read without pulling: skb_header_pointer copies
 * the few bytes needed when they are not in the linear part.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <linux/skbuff.h>

#include "packet.h"

static bool is_icmp_query(u8 type)
{
	switch (type) {
	case ICMP_ECHO:
	case ICMP_ECHOREPLY:
	case ICMP_TIMESTAMP:
	case ICMP_TIMESTAMPREPLY:
	case ICMP_INFO_REQUEST:
	case ICMP_INFO_REPLY:
	case ICMP_ADDRESS:
	case ICMP_ADDRESSREPLY:
		return true;
	}
	return false;
}

static bool is_icmp_error(u8 type)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return true;
	}
	return false;
}

static bool has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

/*
 * The port at offset off for an IPv4 header iph found at nhoff: src or dst
 * port of a TCP/UDP-like header, or the identifier of an ICMP query.
 * Embedded says whether this is the packet quoted in an ICMP error (no
 * further nesting then).
 */
static int port_at(const struct sk_buff *skb, unsigned int nhoff,
		   bool want_src, bool embedded, u16 *port)
{
	struct iphdr _iph;
	const struct iphdr *iph;
	unsigned int thoff;
	__be16 _ports[2];
	const __be16 *ports;
	struct icmphdr _ih;
	const struct icmphdr *ih;

	iph = skb_header_pointer(skb, nhoff, sizeof(_iph), &_iph);
	if (!iph || iph->ihl < 5)
		return -EINVAL;
	if (iph->frag_off & htons(IP_OFFSET))
		return -EAGAIN;
	thoff = nhoff + iph->ihl * 4;

	if (has_ports(iph->protocol)) {
		ports = skb_header_pointer(skb, thoff, sizeof(_ports), _ports);
		if (!ports)
			return -EINVAL;
		*port = ntohs(ports[want_src ? 0 : 1]);
		return 0;
	}
	if (iph->protocol != IPPROTO_ICMP)
		return -EPROTONOSUPPORT;
	/* A quoted packet carries at least 8 bytes of its ICMP header. */
	ih = skb_header_pointer(skb, thoff, sizeof(_ih), &_ih);
	if (!ih)
		return -EINVAL;
	if (is_icmp_query(ih->type)) {
		*port = ntohs(ih->un.echo.id);
		return 0;
	}
	if (!embedded && is_icmp_error(ih->type))
		/* The quoted packet travelled the other way. */
		return port_at(skb, thoff + sizeof(*ih), !want_src, true, port);
	return -EPROTONOSUPPORT;
}

int mape_ipv4_ce_port(const struct sk_buff *skb, enum mape_ce_end end,
		      u16 *port)
{
	return port_at(skb, skb_network_offset(skb), end == MAPE_CE_IS_SRC,
		       false, port);
}

enum mape_stat mape_ce_port_error(int err)
{
	switch (err) {
	case -EAGAIN:
		return MAPE_STAT_V4_FRAG_DROPS;
	case -EPROTONOSUPPORT:
		return MAPE_STAT_UNSUPP_PROTO;
	default:
		return MAPE_STAT_HEADER_ERRORS;
	}
}

/*
 * The ICMPv4 error to relay for an ICMPv6 error (RFC 2473 section 8: the
 * tunnel entry point reports to the original packet's source), with the
 * type and code RFC 7915 section 5.2 maps each ICMPv6 one to. hlen is the
 * tunnel header the error's packet carried. False: nothing to relay.
 */
bool mape_icmp6_to_icmp4(u8 type, u8 code, u32 info, unsigned int hlen,
			 u8 *type4, u8 *code4, u32 *info4)
{
	*info4 = 0;
	switch (type) {
	case ICMPV6_DEST_UNREACH:
		*type4 = ICMP_DEST_UNREACH;
		*code4 = code == ICMPV6_ADM_PROHIBITED ? ICMP_HOST_ANO :
			 code == ICMPV6_PORT_UNREACH ? ICMP_PORT_UNREACH :
			 ICMP_HOST_UNREACH;
		return true;
	case ICMPV6_PKT_TOOBIG:
		/* The IPv4 MTU is what is left of the IPv6 one. */
		*type4 = ICMP_DEST_UNREACH;
		*code4 = ICMP_FRAG_NEEDED;
		info = max_t(u32, info, IPV6_MIN_MTU);
		/* RFC 1191: the next-hop MTU is the low 16 bits of the
		 * field; the high ones are unused and must stay zero.
		 */
		*info4 = min_t(u32, info - hlen, 0xffff);
		return true;
	case ICMPV6_TIME_EXCEED:
		*type4 = ICMP_TIME_EXCEEDED;
		*code4 = code == ICMPV6_EXC_FRAGTIME ? ICMP_EXC_FRAGTIME :
			 ICMP_EXC_TTL;
		return true;
	case ICMPV6_PARAMPROB:
		/* About the tunnel header (an exhausted encapsulation limit,
		 * RFC 2473 section 8.1): the IPv4 host cannot fix it.
		 */
		*type4 = ICMP_DEST_UNREACH;
		*code4 = ICMP_HOST_UNREACH;
		return true;
	}
	return false;
}
