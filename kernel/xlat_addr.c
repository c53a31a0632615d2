// SPDX-License-Identifier: GPL-2.0
/*
 * MAP-T's addresses. See xlat_addr.h.
 */

#include <net/ipv6.h>

#include "xlat_addr.h"

bool mape_t_from_dmr(const struct mape_params *p, const struct in6_addr *a)
{
	return ipv6_prefix_equal(a, &p->cfg.dmr, p->cfg.dmr_len);
}

/* A CE's own IPv4 address (or one of its prefix) as its MAP address. */
static bool ce_own6(const struct mape_params *p, __be32 a,
		    struct in6_addr *out)
{
	if (!p->ce_valid ||
	    !mape_ipv4_prefix_match(a, p->ce.ip4, p->ce.ip4_len))
		return false;
	if (p->ce.ip4_len == 32) {
		*out = p->ce.addr;
		return true;
	}
	/* Section 5.1: a CE holding a prefix has the packet's own
	 * address in the interface identifier.
	 */
	return mape_rule_map4_own(&p->bmr, a, 0, p->cfg.ifid, out);
}

bool mape_t_to6(const struct mape_t_names *n, __be32 a, u16 port, bool near,
		struct in6_addr *out)
{
	const struct mape_params *p = n->p;
	struct mape_rule_entry *e;

	if (near && p->cfg.role == MAPE_ROLE_CE)
		return ce_own6(p, a, out);
	e = mape_rules_lookup4(&n->md->rules, a);
	if (near)	/* a BR's CE */
		return e && mape_rule_map4_own(&e->rule, a, port, p->cfg.ifid,
						    out);
	/* Section 5.2: a CE's peer under an FMR, when its port is known. */
	if (p->cfg.role == MAPE_ROLE_CE && e &&
	    (READ_ONCE(e->type) & MAPE_RULE_FMR) &&
	    (port || !e->rule.psid_len) &&
	    mape_rule_map4_own(&e->rule, a, port, p->cfg.ifid, out))
		return true;
	return !mape_6052_embed(&p->cfg.dmr, p->cfg.dmr_len, a, out);
}

bool mape_t_to4(const struct mape_t_names *n, const struct in6_addr *a,
		bool near, __be32 *out)
{
	const struct mape_params *p = n->p;
	struct in6_addr own;

	struct mape_rule_entry *e;

	if (!near && mape_t_from_dmr(p, a))
		return !mape_6052_extract(a, p->cfg.dmr_len, out);
	if (!near && p->cfg.role == MAPE_ROLE_BR)
		return false;
	*out = mape_iid_ipv4(a, p->cfg.ifid);
	if (!near || p->cfg.role == MAPE_ROLE_BR) {
		/* A CE of the domain: inside a rule (an FMR, for a CE's
		 * peer); its IPv4 address and port are checked later.
		 */
		e = mape_rules_lookup6(&n->md->rules, a);
		return e && (near || (READ_ONCE(e->type) & MAPE_RULE_FMR));
	}
	/* Only this CE's own address is near on a CE. */
	return ce_own6(p, *out, &own) && ipv6_addr_equal(&own, a);
}

static bool map_to6(const struct mape_xlat_map *m, __be32 a, u16 port,
		    bool near, struct in6_addr *out)
{
	return mape_t_to6(container_of(m, struct mape_t_names, map), a, port,
			  near, out);
}

static bool map_to4(const struct mape_xlat_map *m, const struct in6_addr *a,
		    bool near, __be32 *out)
{
	return mape_t_to4(container_of(m, struct mape_t_names, map), a, near,
			  out);
}

void mape_t_names_init(struct mape_t_names *n, struct mape_dev *md,
		       const struct mape_params *p)
{
	n->map.to6 = map_to6;
	n->map.to4 = map_to4;
	n->md = md;
	n->p = p;
}
