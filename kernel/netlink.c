// SPDX-License-Identifier: GPL-2.0
/*
 * The "mape" generic netlink family; the API is documented in
 * include/uapi/linux/mape.h.
 *
 * Commands run in parallel (parallel_ops): each takes a reference on its
 * device and, to change rules, the device's mutexes; never RTNL nor the
 * global genl_mutex, so loading or flushing a million rules stalls
 * nothing else.
 */

#include <net/genetlink.h>

#include "compat.h"
#include "device.h"
#include "netlink.h"

static struct genl_family mape_genl_family;

static const struct nla_policy rule_policy[MAPE_RULE_A_MAX + 1] = {
	[MAPE_RULE_A_TYPE]	  = NLA_POLICY_RANGE(NLA_U8, 1,
						     MAPE_RULE_BMR | MAPE_RULE_FMR),
	[MAPE_RULE_A_PREFIX6]	  = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[MAPE_RULE_A_PREFIX6_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[MAPE_RULE_A_PREFIX4]	  = { .type = NLA_BE32 },
	[MAPE_RULE_A_PREFIX4_LEN] = NLA_POLICY_MAX(NLA_U8, 32),
	[MAPE_RULE_A_EA_LEN]	  = NLA_POLICY_MAX(NLA_U8, MAPE_EA_LEN_MAX),
	[MAPE_RULE_A_PSID_OFFSET] = NLA_POLICY_MAX(NLA_U8, 16),
	[MAPE_RULE_A_PSID_LEN]	  = NLA_POLICY_MAX(NLA_U8, 16),
	[MAPE_RULE_A_PSID]	  = { .type = NLA_U16 },
};

static const struct nla_policy mape_policy[MAPE_A_MAX + 1] = {
	[MAPE_A_IFINDEX]	= { .type = NLA_U32 },
	[MAPE_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[MAPE_A_RULE]		= NLA_POLICY_NESTED(rule_policy),
	[MAPE_A_LOOKUP_IPV4]	= { .type = NLA_BE32 },
	[MAPE_A_LOOKUP_PORT]	= { .type = NLA_U16 },
	[MAPE_A_LOOKUP_IPV6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

static struct mape_dev *get_dev(struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct mape_dev *md;

	md = mape_dev_get(genl_info_net(info),
			  attrs[MAPE_A_IFINDEX] ?
			  nla_get_u32(attrs[MAPE_A_IFINDEX]) : 0,
			  attrs[MAPE_A_IFNAME] ?
			  nla_data(attrs[MAPE_A_IFNAME]) : NULL);
	if (IS_ERR(md)) {
		switch (PTR_ERR(md)) {
		case -EINVAL:
			NL_SET_ERR_MSG(info->extack, "no device given");
			break;
		case -ENODEV:
			NL_SET_ERR_MSG(info->extack, "no such device");
			break;
		default:
			NL_SET_ERR_MSG(info->extack, "not a mape device");
		}
	}
	return md;
}

/* Parse MAPE_A_RULE, validated; the IPv4 key alone when !full. */
static int parse_rule(struct genl_info *info, struct mape_rule *r, u8 *type,
		      bool full)
{
	struct nlattr *tb[MAPE_RULE_A_MAX + 1];
	struct nlattr *nest = info->attrs[MAPE_A_RULE];
	int ret;

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "missing rule");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, MAPE_RULE_A_MAX, nest, rule_policy,
			       info->extack);
	if (ret)
		return ret;
	if (!tb[MAPE_RULE_A_PREFIX4] || !tb[MAPE_RULE_A_PREFIX4_LEN]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "missing rule IPv4 prefix");
		return -EINVAL;
	}
	memset(r, 0, sizeof(*r));
	r->prefix4 = nla_get_be32(tb[MAPE_RULE_A_PREFIX4]);
	r->prefix4_len = nla_get_u8(tb[MAPE_RULE_A_PREFIX4_LEN]);
	if (!full)
		return 0;
	if (!tb[MAPE_RULE_A_TYPE] || !tb[MAPE_RULE_A_PREFIX6] ||
	    !tb[MAPE_RULE_A_PREFIX6_LEN] || !tb[MAPE_RULE_A_EA_LEN]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "a rule needs type, IPv6 prefix and EA-bits length");
		return -EINVAL;
	}
	*type = nla_get_u8(tb[MAPE_RULE_A_TYPE]);
	r->prefix6 = nla_get_in6_addr(tb[MAPE_RULE_A_PREFIX6]);
	r->prefix6_len = nla_get_u8(tb[MAPE_RULE_A_PREFIX6_LEN]);
	r->ea_len = nla_get_u8(tb[MAPE_RULE_A_EA_LEN]);
	r->psid_offset = tb[MAPE_RULE_A_PSID_OFFSET] ?
			 nla_get_u8(tb[MAPE_RULE_A_PSID_OFFSET]) :
			 MAPE_PSID_OFFSET_DEFAULT;
	if (tb[MAPE_RULE_A_PSID_LEN]) {
		r->psid_len = nla_get_u8(tb[MAPE_RULE_A_PSID_LEN]);
		r->flags |= MAPE_RULE_PSID_LEN;
	}
	if (tb[MAPE_RULE_A_PSID]) {
		r->psid = nla_get_u16(tb[MAPE_RULE_A_PSID]);
		r->flags |= MAPE_RULE_PSID;
	}
	ret = mape_rule_validate(r, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, nest);
	return ret;
}

static int put_rule(struct sk_buff *skb, const struct mape_rule *r, u8 type)
{
	struct nlattr *nest = nla_nest_start(skb, MAPE_A_RULE);

	if (!nest ||
	    nla_put_u8(skb, MAPE_RULE_A_TYPE, type) ||
	    nla_put_in6_addr(skb, MAPE_RULE_A_PREFIX6, &r->prefix6) ||
	    nla_put_u8(skb, MAPE_RULE_A_PREFIX6_LEN, r->prefix6_len) ||
	    nla_put_be32(skb, MAPE_RULE_A_PREFIX4, r->prefix4) ||
	    nla_put_u8(skb, MAPE_RULE_A_PREFIX4_LEN, r->prefix4_len) ||
	    nla_put_u8(skb, MAPE_RULE_A_EA_LEN, r->ea_len) ||
	    nla_put_u8(skb, MAPE_RULE_A_PSID_OFFSET, r->psid_offset) ||
	    nla_put_u8(skb, MAPE_RULE_A_PSID_LEN, r->psid_len) ||
	    ((r->flags & MAPE_RULE_PSID) &&
	     nla_put_u16(skb, MAPE_RULE_A_PSID, r->psid)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_ce(struct sk_buff *skb, const struct mape_ce *ce, int exact)
{
	struct nlattr *nest = nla_nest_start(skb, MAPE_A_CE);

	if (!nest ||
	    nla_put_be32(skb, MAPE_CE_A_IPV4, ce->ip4) ||
	    nla_put_u8(skb, MAPE_CE_A_IPV4_LEN, ce->ip4_len) ||
	    nla_put_u16(skb, MAPE_CE_A_PSID, ce->ports.psid) ||
	    nla_put_u8(skb, MAPE_CE_A_PSID_LEN, ce->ports.len) ||
	    nla_put_u8(skb, MAPE_CE_A_PSID_OFFSET, ce->ports.offset) ||
	    nla_put_u64_64bit(skb, MAPE_CE_A_EA_BITS, ce->ea_bits,
			      MAPE_CE_A_PAD) ||
	    nla_put_u8(skb, MAPE_CE_A_EA_LEN, ce->ea_len) ||
	    nla_put_in6_addr(skb, MAPE_CE_A_EU_PREFIX, &ce->eu_prefix) ||
	    nla_put_u8(skb, MAPE_CE_A_EU_PREFIX_LEN, ce->eu_len) ||
	    nla_put_in6_addr(skb, MAPE_CE_A_ADDR6, &ce->addr) ||
	    (exact >= 0 && nla_put_u8(skb, MAPE_CE_A_EXACT, exact)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_dev(struct sk_buff *skb, const struct mape_dev *md)
{
	if (nla_put_u32(skb, MAPE_A_IFINDEX, md->dev->ifindex) ||
	    nla_put_string(skb, MAPE_A_IFNAME, md->dev->name))
		return -EMSGSIZE;
	return 0;
}

static int rule_add(struct sk_buff *skb, struct genl_info *info)
{
	struct mape_dev *md;
	struct mape_rule r;
	u8 type;
	int ret;

	ret = parse_rule(info, &r, &type, true);
	if (ret)
		return ret;
	md = get_dev(info);
	if (IS_ERR(md))
		return PTR_ERR(md);
	ret = mape_dev_rule_add(md, &r, type, info->extack);
	mape_dev_put(md);
	return ret;
}

static int rule_del(struct sk_buff *skb, struct genl_info *info)
{
	struct mape_dev *md;
	struct mape_rule r;
	int ret;

	ret = parse_rule(info, &r, NULL, false);
	if (ret)
		return ret;
	md = get_dev(info);
	if (IS_ERR(md))
		return PTR_ERR(md);
	ret = mape_dev_rule_del(md, r.prefix4, r.prefix4_len, info->extack);
	mape_dev_put(md);
	return ret;
}

static int rule_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct mape_dev *md = get_dev(info);
	int ret;

	if (IS_ERR(md))
		return PTR_ERR(md);
	ret = mape_dev_rule_flush(md, info->extack);
	mape_dev_put(md);
	return ret;
}

/*
 * Dump state, in cb->args[0]. The device asked for, if any, is resolved in
 * the first dumpit call rather than in .start: only dumpit errors reach
 * the requester with their extack message on 6.1. Between calls a dump
 * holds no reference: it names its place by ifindex and, in a rule dump,
 * the next rule id, and finds both again, so a reader that stalls keeps
 * no device from going away.
 */
struct dump_ctx {
	int ifindex;			/* next device to dump */
	bool one;			/* only the device asked for */
	bool done;
	bool resolved;
	u32 req_ifindex;
	char req_name[IFNAMSIZ];
	/* RULE_GET, within the device at ifindex: */
	unsigned long rule_id;		/* the next rule to dump */
	int rules_of;			/* the device rule_id and gen are of */
	u32 gen;			/* its table's generation at the start */
	bool changed;			/* it changed since: NLM_F_DUMP_INTR */
};

static int dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = mape_dump_attrs(cb);
	struct dump_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->ifindex = 1;
	if (attrs[MAPE_A_IFINDEX])
		ctx->req_ifindex = nla_get_u32(attrs[MAPE_A_IFINDEX]);
	if (attrs[MAPE_A_IFNAME])
		nla_strscpy(ctx->req_name, attrs[MAPE_A_IFNAME], IFNAMSIZ);
	ctx->one = ctx->req_ifindex || ctx->req_name[0];
	cb->args[0] = (long)ctx;
	return 0;
}

/* First call: find the device asked for. */
static int dump_resolve(struct netlink_callback *cb, struct dump_ctx *ctx)
{
	struct mape_dev *md;

	if (ctx->resolved || !ctx->one)
		return 0;
	ctx->resolved = true;
	md = mape_dev_get(sock_net(cb->skb->sk), ctx->req_ifindex,
			  ctx->req_name[0] ? ctx->req_name : NULL);
	if (IS_ERR(md)) {
		if (PTR_ERR(md) == -ENODEV)
			NL_SET_ERR_MSG(cb->extack, "no such device");
		else
			NL_SET_ERR_MSG(cb->extack, "not a mape device");
		return PTR_ERR(md);
	}
	ctx->ifindex = md->dev->ifindex;
	mape_dev_put(md);
	return 0;
}

static int dump_done(struct netlink_callback *cb)
{
	kfree((void *)cb->args[0]);
	return 0;
}

/* The next mape device at or after ctx->ifindex, referenced, or NULL. */
static struct mape_dev *next_dev(struct net *net, struct dump_ctx *ctx)
{
	struct net_device *dev, *best = NULL;

	if (ctx->done)
		return NULL;
	rcu_read_lock();
	if (ctx->one) {
		best = dev_get_by_index_rcu(net, ctx->ifindex);
		if (best && !mape_dev_is_mape(best))
			best = NULL;
	} else {
		for_each_netdev_rcu(net, dev)
			if (mape_dev_is_mape(dev) && dev->ifindex >= ctx->ifindex &&
			    (!best || dev->ifindex < best->ifindex))
				best = dev;
	}
	if (best)
		dev_hold(best);
	rcu_read_unlock();
	return best ? netdev_priv(best) : NULL;
}

/* The device just dumped is complete. */
static void dev_done(struct dump_ctx *ctx, struct mape_dev *md)
{
	ctx->ifindex = md->dev->ifindex + 1;
	if (ctx->one)
		ctx->done = true;
}

static void *msg_start(struct sk_buff *skb, struct netlink_callback *cb,
		       u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &mape_genl_family, NLM_F_MULTI, cmd);
}

/*
 * The rules of md from ctx->rule_id on, until skb is full (-EMSGSIZE).
 * Messages are marked interrupted once the table changed since this
 * device's dump began: a rule may have been missed (cb->seq stays 1 for a
 * consistent dump, whichever devices it covers).
 */
static int dump_rules(struct sk_buff *skb, struct netlink_callback *cb,
		      struct dump_ctx *ctx, struct mape_dev *md)
{
	struct mape_rule_entry *e;
	int ret = 0;
	void *hdr;

	if (ctx->rules_of != md->dev->ifindex) {
		ctx->rules_of = md->dev->ifindex;
		ctx->rule_id = 0;
		ctx->gen = READ_ONCE(md->rules.gen);
		ctx->changed = false;
	}
	if (READ_ONCE(md->rules.gen) != ctx->gen)
		ctx->changed = true;
	cb->seq = ctx->changed ? 2 : 1;
	rcu_read_lock();
	while ((e = mape_rules_next(&md->rules, &ctx->rule_id))) {
		hdr = msg_start(skb, cb, MAPE_CMD_RULE_GET);
		if (!hdr || put_dev(skb, md) ||
		    put_rule(skb, &e->rule, READ_ONCE(e->type))) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			ret = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		genlmsg_end(skb, hdr);
		ctx->rule_id++;
	}
	rcu_read_unlock();
	return ret;
}

static int fill_domain(struct sk_buff *skb, struct mape_dev *md, u32 portid,
		       u32 seq, int flags)
{
	const struct mape_params *p;
	void *hdr;
	int ret = -EMSGSIZE;

	hdr = genlmsg_put(skb, portid, seq, &mape_genl_family, flags,
			  MAPE_CMD_DOMAIN_GET);
	if (!hdr)
		return -EMSGSIZE;
	rcu_read_lock();
	p = rcu_dereference(md->params);
	if (put_dev(skb, md) ||
	    nla_put_u8(skb, MAPE_A_ROLE, p->cfg.role) ||
	    nla_put_u8(skb, MAPE_A_MODE, p->cfg.mode) ||
	    nla_put_u8(skb, MAPE_A_IFID, p->cfg.ifid) ||
	    (p->cfg.mode == MAPE_MODE_E ?
	     nla_put_in6_addr(skb, MAPE_A_BR_ADDR, &p->cfg.br_addr) :
	     nla_put_in6_addr(skb, MAPE_A_DMR, &p->cfg.dmr) ||
	     nla_put_u8(skb, MAPE_A_DMR_LEN, p->cfg.dmr_len) ||
	     nla_put_in_addr(skb, MAPE_A_ICMP_SRC, p->cfg.icmp_src)) ||
	    nla_put_u32(skb, MAPE_A_RULE_COUNT, READ_ONCE(md->rules.count)) ||
	    (p->has_bmr && put_rule(skb, &p->bmr, MAPE_RULE_BMR)) ||
	    (p->ce_valid && put_ce(skb, &p->ce, -1)))
		goto err;
	rcu_read_unlock();
	genlmsg_end(skb, hdr);
	return 0;
err:
	rcu_read_unlock();
	genlmsg_cancel(skb, hdr);
	return ret;
}

static int fill_stats(struct sk_buff *skb, struct mape_dev *md, u32 portid,
		      u32 seq, int flags)
{
	u64 v[__MAPE_STAT_MAX];
	struct nlattr *nest;
	void *hdr;
	int i;

	hdr = genlmsg_put(skb, portid, seq, &mape_genl_family, flags,
			  MAPE_CMD_STATS_GET);
	if (!hdr)
		return -EMSGSIZE;
	mape_stats_read(md, v);
	if (put_dev(skb, md))
		goto err;
	nest = nla_nest_start(skb, MAPE_A_STATS);
	if (!nest)
		goto err;
	for (i = 0; i < __MAPE_STAT_MAX; i++)
		if (nla_put_u64_64bit(skb, i + 1, v[i], MAPE_STATS_A_PAD))
			goto err;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
err:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

typedef int (*fill_fn)(struct sk_buff *skb, struct mape_dev *md, u32 portid,
		       u32 seq, int flags);

static int doit_fill(struct genl_info *info, fill_fn fill)
{
	struct mape_dev *md = get_dev(info);
	struct sk_buff *msg;
	int ret;

	if (IS_ERR(md))
		return PTR_ERR(md);
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	ret = fill(msg, md, info->snd_portid, info->snd_seq, 0);
	if (ret) {
		nlmsg_free(msg);
		goto out;
	}
	ret = genlmsg_reply(msg, info);
out:
	mape_dev_put(md);
	return ret;
}

/*
 * Every device asked for, each filled whole by fill, or without fill with
 * its rules: a rule dump that fills the skb goes on from its next rule.
 */
static int dumpit_fill(struct sk_buff *skb, struct netlink_callback *cb,
		       fill_fn fill)
{
	struct dump_ctx *ctx = (struct dump_ctx *)cb->args[0];
	struct net *net = sock_net(cb->skb->sk);
	struct mape_dev *md;
	int ret;

	ret = dump_resolve(cb, ctx);
	if (ret)
		return ret;
	while ((md = next_dev(net, ctx))) {
		if (fill)
			ret = fill(skb, md, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI);
		else
			ret = dump_rules(skb, cb, ctx, md);
		if (!ret)
			dev_done(ctx, md);
		mape_dev_put(md);
		if (ret)
			break;		/* full: this device again next call */
	}
	return skb->len;
}

static int rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dumpit_fill(skb, cb, NULL);
}

static int domain_get(struct sk_buff *skb, struct genl_info *info)
{
	return doit_fill(info, fill_domain);
}

static int domain_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dumpit_fill(skb, cb, fill_domain);
}

static int stats_get(struct sk_buff *skb, struct genl_info *info)
{
	return doit_fill(info, fill_stats);
}

static int stats_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dumpit_fill(skb, cb, fill_stats);
}

static int lookup(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	const struct mape_params *p;
	struct mape_rule_entry *e;
	struct mape_rule rule;
	struct sk_buff *msg;
	struct mape_dev *md;
	struct mape_ce ce;
	int exact = -1;
	u8 type;
	void *hdr;
	int ret;

	if (!!attrs[MAPE_A_LOOKUP_IPV4] == !!attrs[MAPE_A_LOOKUP_IPV6]) {
		NL_SET_ERR_MSG(info->extack,
			       "look up an IPv4 address and port, or an IPv6 address");
		return -EINVAL;
	}
	md = get_dev(info);
	if (IS_ERR(md))
		return PTR_ERR(md);

	rcu_read_lock();
	p = rcu_dereference(md->params);
	if (attrs[MAPE_A_LOOKUP_IPV4]) {
		__be32 a = nla_get_be32(attrs[MAPE_A_LOOKUP_IPV4]);
		u16 port = attrs[MAPE_A_LOOKUP_PORT] ?
			   nla_get_u16(attrs[MAPE_A_LOOKUP_PORT]) : 0;
		struct mape_portset ps;

		e = mape_rules_lookup4(&md->rules, a);
		if (e) {
			rule = e->rule;
			type = READ_ONCE(e->type);
			ps.offset = rule.psid_offset;
			ps.len = rule.psid_len;
			ps.psid = mape_port_psid(&ps, port);
			ret = -ERANGE;
			if (mape_rule_map4(&rule, a, port, p->cfg.ifid, &ce.addr))
				ret = mape_ce_from_ipv4(&rule, a, ps.psid,
							p->cfg.ifid, &ce,
							info->extack);
		}
	} else {
		struct in6_addr a = nla_get_in6_addr(attrs[MAPE_A_LOOKUP_IPV6]);
		bool ex;

		e = mape_rules_lookup6(&md->rules, &a);
		if (e) {
			rule = e->rule;
			type = READ_ONCE(e->type);
			ret = mape_rule_map6(&rule, &a, p->cfg.ifid, &ce, &ex,
					     info->extack);
			exact = ex;
		}
	}
	rcu_read_unlock();
	if (!e) {
		NL_SET_ERR_MSG(info->extack, "no rule matches");
		ret = -ENOENT;
		goto out;
	}
	if (ret == -ERANGE) {
		NL_SET_ERR_MSG(info->extack, "the port belongs to no CE of the rule");
		goto out;
	}
	if (ret)
		goto out;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	hdr = genlmsg_put_reply(msg, info, &mape_genl_family, 0,
				MAPE_CMD_LOOKUP);
	if (!hdr || put_dev(msg, md) || put_rule(msg, &rule, type) ||
	    put_ce(msg, &ce, exact)) {
		nlmsg_free(msg);
		ret = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	mape_dev_put(md);
	return ret;
}

static const struct genl_ops mape_genl_ops[] = {
	{
		.cmd = MAPE_CMD_RULE_ADD,
		.doit = rule_add,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = MAPE_CMD_RULE_DEL,
		.doit = rule_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = MAPE_CMD_RULE_FLUSH,
		.doit = rule_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = MAPE_CMD_RULE_GET,
		.start = dump_start,
		.dumpit = rule_dump,
		.done = dump_done,
	}, {
		.cmd = MAPE_CMD_DOMAIN_GET,
		.doit = domain_get,
		.start = dump_start,
		.dumpit = domain_dump,
		.done = dump_done,
	}, {
		.cmd = MAPE_CMD_LOOKUP,
		.doit = lookup,
	}, {
		.cmd = MAPE_CMD_STATS_GET,
		.doit = stats_get,
		.start = dump_start,
		.dumpit = stats_dump,
		.done = dump_done,
	},
};

static struct genl_family mape_genl_family __ro_after_init = {
	.name		= MAPE_GENL_NAME,
	.version	= MAPE_GENL_VERSION,
	.maxattr	= MAPE_A_MAX,
	.policy		= mape_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= mape_genl_ops,
	.n_ops		= ARRAY_SIZE(mape_genl_ops),
	.parallel_ops	= true,
};

int __init mape_genl_init(void)
{
	return genl_register_family(&mape_genl_family);
}

void mape_genl_uninit(void)
{
	genl_unregister_family(&mape_genl_family);
}
