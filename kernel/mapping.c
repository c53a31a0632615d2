// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 7597 address and port arithmetic. See mapping.h.
 *
 * IPv6 addresses are handled as two host-order 64-bit halves so that EA
 * bits (up to 48 of them, at any offset) are a shift and a mask; nothing
 * here needs 128-bit integers, which 32-bit routers lack.
 */

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/netlink.h>
#include <linux/string.h>
#endif

#include "mapping.h"

struct u128 {
	u64 hi, lo;
};

static struct u128 addr_load(const struct in6_addr *a)
{
	struct u128 v;

	v.hi = (u64)be32_to_cpu(a->s6_addr32[0]) << 32 | be32_to_cpu(a->s6_addr32[1]);
	v.lo = (u64)be32_to_cpu(a->s6_addr32[2]) << 32 | be32_to_cpu(a->s6_addr32[3]);
	return v;
}

static void addr_store(struct in6_addr *a, struct u128 v)
{
	a->s6_addr32[0] = cpu_to_be32(v.hi >> 32);
	a->s6_addr32[1] = cpu_to_be32((u32)v.hi);
	a->s6_addr32[2] = cpu_to_be32(v.lo >> 32);
	a->s6_addr32[3] = cpu_to_be32((u32)v.lo);
}

/* The len (0..64) bits starting at bit off (0 = most significant). */
static u64 bits_get(struct u128 v, unsigned int off, unsigned int len)
{
	u64 top;

	if (!len)
		return 0;
	if (!off)
		top = v.hi;
	else if (off < 64)
		top = v.hi << off | v.lo >> (64 - off);
	else
		top = v.lo << (off - 64);
	return top >> (64 - len);
}

/* OR the low len (0..64) bits of val in at bit off; off + len <= 128. */
static struct u128 bits_or(struct u128 v, unsigned int off, unsigned int len,
			   u64 val)
{
	u64 top;

	if (!len)
		return v;
	top = val << (64 - len);
	if (!off) {
		v.hi |= top;
	} else if (off < 64) {
		v.hi |= top >> off;
		v.lo |= top << (64 - off);
	} else {
		v.lo |= top >> (off - 64);
	}
	return v;
}

/* Keep the first len (0..128) bits. */
static struct u128 bits_prefix(struct u128 v, unsigned int len)
{
	if (len == 0) {
		v.hi = 0;
		v.lo = 0;
	} else if (len < 64) {
		v.hi &= ~0ULL << (64 - len);
		v.lo = 0;
	} else if (len == 64) {
		v.lo = 0;
	} else if (len < 128) {
		v.lo &= ~0ULL << (128 - len);
	}
	return v;
}

bool mape_ipv6_prefix_match(const struct in6_addr *a, const struct in6_addr *p,
			    u8 len)
{
	struct u128 x = bits_prefix(addr_load(a), len);
	struct u128 y = bits_prefix(addr_load(p), len);

	return x.hi == y.hi && x.lo == y.lo;
}

bool mape_ipv4_prefix_match(__be32 a, __be32 p, u8 len)
{
	return !((be32_to_cpu(a) ^ be32_to_cpu(p)) & mape_mask4(len));
}

int mape_rule_validate(struct mape_rule *r, struct netlink_ext_ack *extack)
{
	unsigned int p, k;

	if (r->prefix6_len > 128) {
		NL_SET_ERR_MSG(extack, "rule IPv6 prefix length must be 0..128");
		return -EINVAL;
	}
	if (r->prefix4_len > 32) {
		NL_SET_ERR_MSG(extack, "rule IPv4 prefix length must be 0..32");
		return -EINVAL;
	}
	{
		struct u128 v = addr_load(&r->prefix6);
		struct u128 m = bits_prefix(v, r->prefix6_len);

		if (v.hi != m.hi || v.lo != m.lo) {
			NL_SET_ERR_MSG(extack, "rule IPv6 prefix has bits set beyond its length");
			return -EINVAL;
		}
	}
	if (be32_to_cpu(r->prefix4) & ~mape_mask4(r->prefix4_len)) {
		NL_SET_ERR_MSG(extack, "rule IPv4 prefix has bits set beyond its length");
		return -EINVAL;
	}
	if (r->ea_len > MAPE_EA_LEN_MAX) {
		NL_SET_ERR_MSG(extack, "EA-bits length must be 0..48");
		return -EINVAL;
	}
	if (r->prefix6_len + r->ea_len > 128) {
		NL_SET_ERR_MSG(extack, "rule IPv6 prefix length plus EA-bits length exceeds 128");
		return -EINVAL;
	}
	if (r->psid_offset > 16) {
		NL_SET_ERR_MSG(extack, "PSID offset must be 0..16");
		return -EINVAL;
	}

	p = 32 - r->prefix4_len;
	if (r->ea_len == 0 && (r->flags & MAPE_RULE_PSID_LEN)) {
		/* RFC 7597 Appendix A, example 5: PSID provisioned apart. */
		k = r->psid_len;
		if (k > 16) {
			NL_SET_ERR_MSG(extack, "PSID length must be 0..16");
			return -EINVAL;
		}
		if (k && r->prefix4_len != 32) {
			NL_SET_ERR_MSG(extack,
				       "a PSID with EA-bits length 0 needs a /32 rule IPv4 prefix");
			return -EINVAL;
		}
		if (k && !(r->flags & MAPE_RULE_PSID)) {
			NL_SET_ERR_MSG(extack,
				       "a PSID length with EA-bits length 0 needs an explicit PSID");
			return -EINVAL;
		}
	} else {
		k = r->ea_len > p ? r->ea_len - p : 0;
		if (k > 16) {
			NL_SET_ERR_MSG(extack,
				       "EA-bits length exceeds the IPv4 suffix bits plus a 16-bit PSID");
			return -EINVAL;
		}
		if ((r->flags & MAPE_RULE_PSID_LEN) && r->psid_len != k) {
			NL_SET_ERR_MSG(extack,
				       "PSID length must equal EA-bits length minus IPv4 suffix bits");
			return -EINVAL;
		}
		if ((r->flags & MAPE_RULE_PSID) && r->ea_len) {
			NL_SET_ERR_MSG(extack,
				       "an explicit PSID needs EA-bits length 0 (the EA bits carry it)");
			return -EINVAL;
		}
		if (r->flags & MAPE_RULE_PSID) {
			NL_SET_ERR_MSG(extack, "an explicit PSID needs a PSID length");
			return -EINVAL;
		}
	}
	if (r->psid_offset + k > 16) {
		NL_SET_ERR_MSG(extack, "PSID offset plus PSID length exceeds 16");
		return -EINVAL;
	}
	if ((r->flags & MAPE_RULE_PSID) && (u32)r->psid >> k) {
		NL_SET_ERR_MSG(extack, "PSID does not fit in the PSID length");
		return -EINVAL;
	}
	r->psid_len = k;
	if (!(r->flags & MAPE_RULE_PSID))
		r->psid = 0;
	return 0;
}

static u64 iid(u32 ip4, u16 psid, enum mape_ifid ifid)
{
	if (ifid == MAPE_IFID_DRAFT03)
		return (u64)ip4 << 24 | (u64)psid << 8;
	return (u64)ip4 << 16 | psid;
}

/*
 * RFC 7597 section 6: end-user prefix, subnet ID 0, interface ID; an
 * end-user prefix longer than 64 bits wins over the interface-ID bits.
 */
static void ce_addr(struct in6_addr *out, struct u128 eu, u8 eu_len, u32 ip4,
		    u16 psid, enum mape_ifid ifid)
{
	struct u128 v = bits_prefix(eu, eu_len);
	u64 id = iid(ip4, psid, ifid);

	if (eu_len >= 128)
		id = 0;
	else if (eu_len > 64)
		id &= ~0ULL >> (eu_len - 64);
	v.lo |= id;
	addr_store(out, v);
}

/* Split EA bits into IPv4 address or prefix and PSID (section 5.2). */
static void ea_split(const struct mape_rule *r, u64 ea, struct mape_ce *ce)
{
	unsigned int p = 32 - r->prefix4_len;
	u32 base = be32_to_cpu(r->prefix4);
	u32 suffix;

	ce->ea_bits = ea;
	ce->ea_len = r->ea_len;
	ce->ports.offset = r->psid_offset;
	ce->ports.len = r->psid_len;
	if (r->ea_len >= p) {
		suffix = p ? (u32)(ea >> r->psid_len) : 0;
		ce->ip4 = cpu_to_be32(base | suffix);
		ce->ip4_len = 32;
		ce->ports.psid = r->ea_len ? ea & ((1U << r->psid_len) - 1) : r->psid;
	} else {
		/* Fewer EA bits than suffix bits: the CE gets a prefix. */
		suffix = r->ea_len ? (u32)ea << (p - r->ea_len) : 0;
		ce->ip4 = cpu_to_be32(base | suffix);
		ce->ip4_len = r->prefix4_len + r->ea_len;
		ce->ports.psid = 0;
	}
}

int mape_ce_from_prefix(const struct mape_rule *r, const struct in6_addr *eu,
			u8 eu_len, enum mape_ifid ifid, struct mape_ce *ce,
			struct netlink_ext_ack *extack)
{
	struct u128 v = addr_load(eu);

	if (eu_len > 128) {
		NL_SET_ERR_MSG(extack, "end-user prefix length must be 0..128");
		return -EINVAL;
	}
	if (eu_len < r->prefix6_len + r->ea_len) {
		NL_SET_ERR_MSG(extack,
			       "end-user prefix is shorter than the rule IPv6 prefix plus the EA bits");
		return -EINVAL;
	}
	if (!mape_ipv6_prefix_match(eu, &r->prefix6, r->prefix6_len)) {
		NL_SET_ERR_MSG(extack, "end-user prefix is not inside the rule IPv6 prefix");
		return -EINVAL;
	}
	ea_split(r, bits_get(v, r->prefix6_len, r->ea_len), ce);
	ce->eu_len = eu_len;
	addr_store(&ce->eu_prefix, bits_prefix(v, eu_len));
	ce_addr(&ce->addr, v, eu_len, be32_to_cpu(ce->ip4), ce->ports.psid, ifid);
	return 0;
}

/* EA bits of the CE owning addr and psid; the caller checked both. */
static u64 ea_of(const struct mape_rule *r, u32 addr, u16 psid)
{
	unsigned int p = 32 - r->prefix4_len;
	u32 suffix = addr & ~mape_mask4(r->prefix4_len);

	if (r->ea_len >= p)
		return (u64)suffix << r->psid_len | (r->ea_len ? psid : 0);
	/* p - ea_len is 32 for a /0 rule without EA bits: no shift by 32. */
	return r->ea_len ? suffix >> (p - r->ea_len) : 0;
}

static void ce_from_ea(const struct mape_rule *r, u64 ea, enum mape_ifid ifid,
		       struct mape_ce *ce)
{
	struct u128 eu = bits_or(addr_load(&r->prefix6), r->prefix6_len,
				 r->ea_len, ea);

	ea_split(r, ea, ce);
	ce->eu_len = r->prefix6_len + r->ea_len;
	addr_store(&ce->eu_prefix, eu);
	ce_addr(&ce->addr, eu, ce->eu_len, be32_to_cpu(ce->ip4), ce->ports.psid,
		ifid);
}

int mape_ce_from_ipv4(const struct mape_rule *r, __be32 addr, u16 psid,
		      enum mape_ifid ifid, struct mape_ce *ce,
		      struct netlink_ext_ack *extack)
{
	if (!mape_ipv4_prefix_match(addr, r->prefix4, r->prefix4_len)) {
		NL_SET_ERR_MSG(extack, "IPv4 address is not inside the rule IPv4 prefix");
		return -EINVAL;
	}
	if ((u32)psid >> r->psid_len) {
		NL_SET_ERR_MSG(extack, "PSID does not fit in the PSID length");
		return -EINVAL;
	}
	if (r->ea_len == 0 && psid != r->psid) {
		NL_SET_ERR_MSG(extack, "PSID is not the rule's provisioned PSID");
		return -EINVAL;
	}
	ce_from_ea(r, ea_of(r, be32_to_cpu(addr), psid), ifid, ce);
	return 0;
}

static bool map4(const struct mape_rule *r, __be32 addr, u16 port,
		 enum mape_ifid ifid, bool own, struct in6_addr *out)
{
	u32 a = be32_to_cpu(addr);
	unsigned int p = 32 - r->prefix4_len;
	u16 psid = 0;
	u64 ea;

	if (r->psid_len) {
		struct mape_portset ps = {
			.offset = r->psid_offset,
			.len = r->psid_len,
		};

		psid = mape_port_psid(&ps, port);
		ps.psid = psid;
		if (!mape_port_in_set(&ps, port))
			return false;
		if (!r->ea_len && psid != r->psid)
			return false;
	}
	ea = ea_of(r, a, psid);
	if (r->ea_len < p && !own)
		a &= mape_mask4(r->prefix4_len + r->ea_len);
	ce_addr(out, bits_or(addr_load(&r->prefix6), r->prefix6_len, r->ea_len, ea),
		r->prefix6_len + r->ea_len, a, psid, ifid);
	return true;
}

bool mape_rule_map4(const struct mape_rule *r, __be32 addr, u16 port,
		    enum mape_ifid ifid, struct in6_addr *out)
{
	return map4(r, addr, port, ifid, false, out);
}

bool mape_rule_map4_own(const struct mape_rule *r, __be32 addr, u16 port,
			enum mape_ifid ifid, struct in6_addr *out)
{
	return map4(r, addr, port, ifid, true, out);
}

int mape_rule_map6(const struct mape_rule *r, const struct in6_addr *addr,
		   enum mape_ifid ifid, struct mape_ce *ce, bool *exact,
		   struct netlink_ext_ack *extack)
{
	if (!mape_ipv6_prefix_match(addr, &r->prefix6, r->prefix6_len)) {
		NL_SET_ERR_MSG(extack, "IPv6 address is not inside the rule IPv6 prefix");
		return -EINVAL;
	}
	ce_from_ea(r, bits_get(addr_load(addr), r->prefix6_len, r->ea_len),
		   ifid, ce);
	*exact = !memcmp(&ce->addr, addr, sizeof(*addr));
	return 0;
}

static unsigned int m_bits(const struct mape_portset *ps)
{
	return 16 - ps->offset - ps->len;
}

u16 mape_port_psid(const struct mape_portset *ps, u16 port)
{
	if (!ps->len)
		return 0;
	return (port >> m_bits(ps)) & ((1U << ps->len) - 1);
}

bool mape_port_in_set(const struct mape_portset *ps, u16 port)
{
	if (!ps->len)
		return true;
	/* Section 5.1: with a > 0, ports whose A field is 0 belong to nobody. */
	if (ps->offset && !(port >> (16 - ps->offset)))
		return false;
	return mape_port_psid(ps, port) == ps->psid;
}
EXPORT_SYMBOL_GPL(mape_port_in_set);

/*
 * The identifiers of a CE sharing its address have the port set's shape:
 * A (offset bits) | PSID (len bits) | j (the rest). The low 16 - len bits
 * of id, j first then A, fill the free fields, so the mapping is the same
 * for every fragment of a datagram (stateless) and one-to-one over any
 * 2^(16 - len) consecutive identifiers. Unlike ports, A = 0 is allowed.
 */
u16 mape_psid_frag_id(const struct mape_portset *ps, u16 id)
{
	unsigned int m = 16 - ps->offset - ps->len;
	u32 j, a;

	if (!ps->len)
		return id;
	j = id & ((1U << m) - 1);
	a = (id >> m) & ((1U << ps->offset) - 1);
	return (a << (16 - ps->offset)) | ((u32)ps->psid << m) | j;
}

unsigned int mape_portset_nranges(const struct mape_portset *ps)
{
	if (!ps->len || !ps->offset)
		return 1;
	return (1U << ps->offset) - 1;
}

/* Range i of the set, in increasing port order. */
void mape_portset_range(const struct mape_portset *ps, unsigned int i,
			u16 *first, u16 *last)
{
	unsigned int m = m_bits(ps);
	u32 base;

	if (!ps->len) {
		*first = 0;
		*last = 0xffff;
		return;
	}
	base = ps->offset ? (i + 1) << (16 - ps->offset) : 0;
	base |= (u32)ps->psid << m;
	*first = base;
	*last = base + (1U << m) - 1;
}

u32 mape_portset_count(const struct mape_portset *ps)
{
	return mape_portset_nranges(ps) << (ps->len ? m_bits(ps) : 16);
}

/* The i-th port of the set (i < mape_portset_count()). */
u16 mape_portset_port(const struct mape_portset *ps, u32 i)
{
	unsigned int m = ps->len ? m_bits(ps) : 16;
	u16 first, last;

	mape_portset_range(ps, i >> m, &first, &last);
	return first + (i & ((1U << m) - 1));
}

bool mape_6052_len_ok(u8 len)
{
	return len == 32 || len == 40 || len == 48 || len == 56 || len == 64 ||
	       len == 96;
}

/*
 * RFC 6052 section 2.2: the IPv4 address follows the prefix, its bytes
 * stepping over bits 64-71 (the u octet), which stay zero, as does the
 * suffix after it.
 */
int mape_6052_embed(const struct in6_addr *prefix, u8 len, __be32 addr,
		    struct in6_addr *out)
{
	const u8 *v4 = (const u8 *)&addr;
	unsigned int i, j = len / 8;

	if (!mape_6052_len_ok(len))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(out->s6_addr, prefix->s6_addr, j);
	for (i = 0; i < 4; i++, j++) {
		if (j == 8)
			j++;
		out->s6_addr[j] = v4[i];
	}
	return 0;
}

/* The IPv4 address inside addr; the u octet and the suffix are not read. */
__be32 mape_iid_ipv4(const struct in6_addr *addr, enum mape_ifid ifid)
{
	/* 16 zero bits, or 8, after the 64-bit prefix part. */
	unsigned int at = ifid == MAPE_IFID_DRAFT03 ? 9 : 10;
	__be32 v;

	memcpy(&v, &addr->s6_addr[at], sizeof(v));
	return v;
}

int mape_6052_extract(const struct in6_addr *addr, u8 len, __be32 *out)
{
	u8 *v4 = (u8 *)out;
	unsigned int i, j = len / 8;

	if (!mape_6052_len_ok(len))
		return -EINVAL;
	for (i = 0; i < 4; i++, j++) {
		if (j == 8)
			j++;
		v4[i] = addr->s6_addr[j];
	}
	return 0;
}
