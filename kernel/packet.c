// SPDX-License-Identifier: GPL-2.0
/*
 * Ports of IPv4 packets, read without pulling: skb_header_pointer copies
 * the few bytes needed when they are not in the linear part.
 */

#include <linux/icmp.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <net/ip.h>
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
