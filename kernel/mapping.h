/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 7597 address and port arithmetic, sections 5 and 6.
 *
 * Pure functions on values: no skb, no locks, no allocation. The same file
 * is compiled into mape.ko and into mapctl; the userspace build supplies the
 * few kernel types through mape_user.h.
 *
 * Vocabulary (RFC 7597 section 5):
 *   r  rule IPv6 prefix length      p  IPv4 suffix bits = 32 - rule IPv4 len
 *   o  EA-bits length               k  PSID length, q in the RFC
 *   a  PSID offset                  m  16 - a - k, contiguous port bits
 *
 * Functions that can fail return 0 or -EINVAL and, on failure, leave in
 * extack (which may be NULL) a message naming the broken constraint; the
 * caller adds the value.
 */
#ifndef _MAPE_MAPPING_H
#define _MAPE_MAPPING_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/in6.h>

struct netlink_ext_ack;
#else
#include "mape_user.h"
#endif

#include <linux/mape.h>

#define MAPE_PSID_OFFSET_DEFAULT	6
#define MAPE_EA_LEN_MAX			48

/* struct mape_rule.flags */
#define MAPE_RULE_PSID_LEN	0x1	/* psid_len was given, not derived */
#define MAPE_RULE_PSID		0x2	/* psid was given (EA-bits length 0) */

/*
 * A mapping rule (BMR or FMR). Filled by the user, then completed by
 * mape_rule_validate(): after that psid_len always holds k.
 */
struct mape_rule {
	struct in6_addr prefix6;
	__be32 prefix4;
	u8 prefix6_len;
	u8 prefix4_len;
	u8 ea_len;
	u8 psid_offset;
	u8 psid_len;
	u8 flags;
	u16 psid;
};

/* A port set, RFC 7597 section 5.1: offset a, PSID length k, the PSID. */
struct mape_portset {
	u8 offset;
	u8 len;
	u16 psid;
};

/*
 * Everything a CE is given by its rule: its IPv4 address (ip4_len 32) or
 * prefix, its port set, and its MAP IPv6 address inside its end-user prefix.
 */
struct mape_ce {
	__be32 ip4;
	u8 ip4_len;
	u8 ea_len;
	u8 eu_len;
	struct mape_portset ports;
	u64 ea_bits;
	struct in6_addr eu_prefix;
	struct in6_addr addr;
};

int mape_rule_validate(struct mape_rule *r, struct netlink_ext_ack *extack);

/* k for the rule: bits of PSID carried by the EA bits or provisioned. */
static inline bool mape_rule_shares(const struct mape_rule *r)
{
	return r->psid_len > 0;
}

/* CE side (RFC 7597 section 5.2): from the end-user prefix to everything. */
int mape_ce_from_prefix(const struct mape_rule *r, const struct in6_addr *eu,
			u8 eu_len, enum mape_ifid ifid, struct mape_ce *ce,
			struct netlink_ext_ack *extack);

/* BR or FMR side (section 5.3): the CE owning an IPv4 address and PSID. */
int mape_ce_from_ipv4(const struct mape_rule *r, __be32 addr, u16 psid,
		      enum mape_ifid ifid, struct mape_ce *ce,
		      struct netlink_ext_ack *extack);

/*
 * Data path form of mape_ce_from_ipv4(): the MAP IPv6 address of the CE
 * owning (addr, port). Returns false when the port belongs to no CE of this
 * rule (a port whose A field is 0, or another PSID than a provisioned one).
 * addr must lie inside the rule's IPv4 prefix.
 */
bool mape_rule_map4(const struct mape_rule *r, __be32 addr, u16 port,
		    enum mape_ifid ifid, struct in6_addr *out);

/*
 * The same with addr itself in the interface identifier where the rule
 * gives a CE an IPv4 prefix: MAP-T names each address of the prefix (RFC
 * 7599 section 5.1), MAP-E the CE (the prefix, zero-padded).
 */
bool mape_rule_map4_own(const struct mape_rule *r, __be32 addr, u16 port,
			enum mape_ifid ifid, struct in6_addr *out);

/*
 * Reverse (anti-spoofing, lookups): the IPv4 address or prefix and PSID a
 * MAP IPv6 address inside the rule's IPv6 prefix stands for. *exact tells
 * whether the address is the canonical MAP address of that CE (interface
 * ID included).
 */
int mape_rule_map6(const struct mape_rule *r, const struct in6_addr *addr,
		   enum mape_ifid ifid, struct mape_ce *ce, bool *exact,
		   struct netlink_ext_ack *extack);

/* Port sets. */
u16 mape_port_psid(const struct mape_portset *ps, u16 port);
/* Exported for the NAPT module mape_nat. */
bool mape_port_in_set(const struct mape_portset *ps, u16 port);
unsigned int mape_portset_nranges(const struct mape_portset *ps);
void mape_portset_range(const struct mape_portset *ps, unsigned int i,
			u16 *first, u16 *last);
u32 mape_portset_count(const struct mape_portset *ps);
u16 mape_portset_port(const struct mape_portset *ps, u32 i);

/*
 * IPv4-embedded IPv6 addresses (RFC 6052 section 2.2), for a MAP-T Default
 * Mapping Rule: prefix lengths 32, 40, 48, 56, 64 and 96 only; -EINVAL for
 * any other. Embedding zeroes the u octet and the suffix.
 */
bool mape_6052_len_ok(u8 len);
int mape_6052_embed(const struct in6_addr *prefix, u8 len, __be32 addr,
		    struct in6_addr *out);
int mape_6052_extract(const struct in6_addr *addr, u8 len, __be32 *out);

/*
 * The IPv4 address a MAP address carries in its interface identifier (RFC
 * 7597 section 6, or the draft-03 layout): what a MAP-T translator reads
 * from a CE's address, to be checked against the rules by the caller.
 */
__be32 mape_iid_ipv4(const struct in6_addr *addr, enum mape_ifid ifid);

/*
 * RFC 7597 section 8.3.3: an IPv4 identifier inside the CE's PSID-derived
 * set: id's low bits fill the A and j fields around the PSID.
 */
u16 mape_psid_frag_id(const struct mape_portset *ps, u16 id);

/* Prefix helpers shared with the rule table. */
bool mape_ipv6_prefix_match(const struct in6_addr *a, const struct in6_addr *p,
			    u8 len);
bool mape_ipv4_prefix_match(__be32 a, __be32 p, u8 len);

/* The netmask of an IPv4 prefix length 0..32, host order. */
static inline u32 mape_mask4(unsigned int len)
{
	return len ? ~0U << (32 - len) : 0;
}

#endif /* _MAPE_MAPPING_H */
