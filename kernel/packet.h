/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transport identifier that selects a CE, from an IPv4 packet.
 */
#ifndef _MAPE_PACKET_H
#define _MAPE_PACKET_H

#include <linux/skbuff.h>
#include <linux/mape.h>

/*
 * Which end of the packet the CE is. The CE's port is the source port of
 * what a CE sends and the destination port of what it receives; for ICMP
 * echo it is the identifier either way; for an ICMP error it is the port
 * of the CE's end of the embedded packet (RFC 7597 section 8, and the
 * Juniper and SONiC behaviour).
 */
enum mape_ce_end {
	MAPE_CE_IS_SRC,
	MAPE_CE_IS_DST,
};

/*
 * Read the CE's port from the IPv4 packet at skb_network_header().
 * Returns 0 and *port; -EAGAIN for a non-first fragment (no port);
 * -EPROTONOSUPPORT for a protocol without ports; -EINVAL when truncated.
 */
int mape_ipv4_ce_port(const struct sk_buff *skb, enum mape_ce_end end,
		      u16 *port);

/* The counter of a packet whose port mape_ipv4_ce_port() could not give. */
enum mape_stat mape_ce_port_error(int err);

/*
 * The ICMPv4 error (type, code, next-hop MTU) relayed for an ICMPv6 error
 * about a tunnel packet whose tunnel headers were hlen bytes; false when
 * the ICMPv6 message is not an error to relay.
 */
bool mape_icmp6_to_icmp4(u8 type, u8 code, u32 info, unsigned int hlen,
			 u8 *type4, u8 *code4, u32 *info4);

#endif /* _MAPE_PACKET_H */
