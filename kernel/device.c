// SPDX-License-Identifier: GPL-2.0
/*
 * The mape netdevice: configuration, netdev ops, rtnl_link_ops, per-netns
 * device list.
 *
 * Reads top-down: config → params → netdev ops → policy → validate →
 * newlink/changelink → fill_info → pernet → init.
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ip6_tunnel.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "device.h"
#include "napt.h"

struct mape_net {
	struct list_head devs;		/* under RTNL, read under RCU */
	atomic_long_t frag_mem;		/* the fragment caches' budget */
};

static unsigned int mape_net_id __read_mostly;
static struct rtnl_link_ops mape_link_ops;

/* A CE with napt on counts in its namespace's NAPT users. RTNL. */
static int napt_get(struct mape_dev *md, struct netlink_ext_ack *extack)
{
	int ret;

	if (md->napt_attached)
		return 0;
	ret = mape_napt_attach(md->net, extack);
	if (!ret)
		md->napt_attached = true;
	return ret;
}

static void napt_put(struct mape_dev *md)
{
	if (!md->napt_attached)
		return;
	md->napt_attached = false;
	mape_napt_detach(md->net);
}

bool mape_napt_get(const struct net_device *dev, struct mape_napt *n)
{
	const struct mape_params *p;
	struct mape_dev *md;

	if (!dev || dev->rtnl_link_ops != &mape_link_ops)
		return false;
	md = netdev_priv(dev);
	p = rcu_dereference(md->params);
	if (!p->cfg.napt || !p->ce_valid)
		return false;
	n->ip4 = p->ce.ip4;
	n->ip4_len = p->ce.ip4_len;
	n->ports = p->ce.ports;
	return true;
}
EXPORT_SYMBOL_GPL(mape_napt_get);

/*
 * POST_ROUTING runs with BHs enabled for locally sent traffic: the per-cpu
 * counters are shared with the data path in softirq, so keep it out.
 */
void mape_napt_count(const struct net_device *dev, enum mape_stat s)
{
	if (dev->rtnl_link_ops != &mape_link_ops ||
	    (s != MAPE_STAT_NAPT_TRANSLATIONS && s != MAPE_STAT_NAPT_EXHAUSTED))
		return;
	local_bh_disable();
	mape_stat_inc(netdev_priv(dev), s);
	local_bh_enable();
}
EXPORT_SYMBOL_GPL(mape_napt_count);

#define MAPE_FEATURES	(NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA | \
			 NETIF_F_GSO_SOFTWARE | NETIF_F_HW_CSUM)

/*
 * Fill what the BMR and the end-user prefix give a CE, and the local
 * address tunnel packets arrive at.
 */
static int params_derive(struct mape_params *p, struct netlink_ext_ack *extack)
{
	struct mape_config *cfg = &p->cfg;

	p->ce_valid = false;
	memset(&p->ce, 0, sizeof(p->ce));
	memset(&p->local, 0, sizeof(p->local));
	if (cfg->role == MAPE_ROLE_BR) {
		/* Mode T receives by route, at no address of its own. */
		if (cfg->mode == MAPE_MODE_E)
			p->local = cfg->br_addr;
		return 0;
	}
	if (!p->has_bmr || !cfg->has_eu)
		return 0;
	if (mape_ce_from_prefix(&p->bmr, &cfg->eu_prefix, cfg->eu_len,
				cfg->ifid, &p->ce, extack))
		return -EINVAL;
	p->ce_valid = true;
	if (cfg->mode == MAPE_MODE_E)
		p->local = p->ce.addr;
	return 0;
}

/* A copy of old (or zeroed params), with an empty route cache. */
static struct mape_params *params_alloc(const struct mape_params *old)
{
	struct mape_params *p;

	p = old ? kmemdup(old, sizeof(*p), GFP_KERNEL_ACCOUNT) :
		  kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return NULL;
	if (dst_cache_init(&p->dst_cache, GFP_KERNEL_ACCOUNT)) {
		kfree(p);
		return NULL;
	}
	return p;
}

static void params_free(struct mape_params *p)
{
	if (!p)
		return;
	dst_cache_destroy(&p->dst_cache);
	kfree(p);
}

static void params_free_rcu(struct rcu_head *head)
{
	params_free(container_of(head, struct mape_params, rcu));
}

static void params_publish(struct mape_dev *md, struct mape_params *p)
{
	struct mape_params *old = mape_params_locked(md);

	rcu_assign_pointer(md->params, p);
	call_rcu(&old->rcu, params_free_rcu);
}

/*
 * Publish a CE's BMR (or none) and re-derive what it gives the CE; fails,
 * changing nothing, when the BMR does not cover the end-user prefix.
 */
static int set_bmr(struct mape_dev *md, const struct mape_rule *bmr,
		   struct netlink_ext_ack *extack)
{
	struct mape_params *p;
	int ret;

	lockdep_assert_held(&md->lock);
	p = params_alloc(mape_params_locked(md));
	if (!p)
		return -ENOMEM;
	p->has_bmr = !!bmr;
	if (bmr)
		p->bmr = *bmr;
	ret = params_derive(p, extack);
	if (ret) {
		params_free(p);
		return ret;
	}
	params_publish(md, p);
	return 0;
}

/*
 * Rule changes. Only a CE's params depend on its rules (the BMR): its rule
 * changes take md->lock, which changelink takes under RTNL. A BR's take the
 * table's lock alone, so that a million rules never keep RTNL waiting. The
 * role never changes.
 */
static bool rules_lock_ce(struct mape_dev *md)
{
	bool ce;

	rcu_read_lock();
	ce = rcu_dereference(md->params)->cfg.role == MAPE_ROLE_CE;
	rcu_read_unlock();
	if (ce)
		mutex_lock(&md->lock);
	return ce;
}

static void rules_unlock_ce(struct mape_dev *md, bool ce)
{
	if (ce)
		mutex_unlock(&md->lock);
}

static bool is_bmr(const struct mape_params *p, __be32 prefix4, u8 len)
{
	return p->has_bmr && p->bmr.prefix4 == prefix4 &&
	       p->bmr.prefix4_len == len;
}

int mape_dev_rule_add(struct mape_dev *md, const struct mape_rule *r,
		      u8 type, struct netlink_ext_ack *extack)
{
	struct mape_rule_entry *e;
	struct mape_params *p;
	bool merged, ce;
	int ret;

	ce = rules_lock_ce(md);
	p = ce ? mape_params_locked(md) : NULL;
	if ((type & MAPE_RULE_BMR) && ce && p->has_bmr &&
	    !is_bmr(p, r->prefix4, r->prefix4_len)) {
		NL_SET_ERR_MSG(extack, "this CE has a BMR already");
		ret = -EEXIST;
		goto out;
	}
	mutex_lock(&md->rules.lock);
	ret = mape_rules_add(&md->rules, r, type, &e, &merged, extack);
	mutex_unlock(&md->rules.lock);
	if (ret || !(type & MAPE_RULE_BMR) || !ce)
		goto out;
	ret = set_bmr(md, &e->rule, extack);
	if (ret) {
		/* Undo: the rule may not stay without its BMR role. */
		mutex_lock(&md->rules.lock);
		if (merged)
			WRITE_ONCE(e->type, e->type & ~MAPE_RULE_BMR);
		else
			mape_rules_free(mape_rules_del(&md->rules, r->prefix4,
						       r->prefix4_len));
		mutex_unlock(&md->rules.lock);
	}
out:
	rules_unlock_ce(md, ce);
	return ret;
}

int mape_dev_rule_del(struct mape_dev *md, __be32 prefix4, u8 len,
		      struct netlink_ext_ack *extack)
{
	struct mape_rule_entry *e;
	bool ce;
	int ret = 0;

	ce = rules_lock_ce(md);
	mutex_lock(&md->rules.lock);
	e = mape_rules_find(&md->rules, prefix4, len);
	mutex_unlock(&md->rules.lock);
	if (!e) {
		NL_SET_ERR_MSG(extack, "no rule for this IPv4 prefix");
		ret = -ENOENT;
		goto out;
	}
	/* Forget the BMR first: the only step that can fail. */
	if (ce && is_bmr(mape_params_locked(md), prefix4, len)) {
		ret = set_bmr(md, NULL, extack);
		if (ret)
			goto out;
	}
	mutex_lock(&md->rules.lock);
	mape_rules_free(mape_rules_del(&md->rules, prefix4, len));
	mutex_unlock(&md->rules.lock);
out:
	rules_unlock_ce(md, ce);
	return ret;
}

/*
 * In batches, every lock dropped between them: a BMR added meanwhile is
 * forgotten by the next batch before its rule goes.
 */
int mape_dev_rule_flush(struct mape_dev *md, struct netlink_ext_ack *extack)
{
	bool more = true, ce;
	int ret = 0;

	while (more && !ret) {
		ce = rules_lock_ce(md);
		if (ce && mape_params_locked(md)->has_bmr)
			ret = set_bmr(md, NULL, extack);
		if (!ret) {
			mutex_lock(&md->rules.lock);
			more = mape_rules_flush(&md->rules, MAPE_RULES_BATCH);
			mutex_unlock(&md->rules.lock);
		}
		rules_unlock_ce(md, ce);
		cond_resched();
	}
	return ret;
}

void mape_stats_read(struct mape_dev *md, u64 *out)
{
	unsigned int cpu, i, start;

	struct mape_frag_stats fs;

	memset(out, 0, sizeof(u64) * __MAPE_STAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct mape_pcpu_stats *st = per_cpu_ptr(md->stats, cpu);
		u64 v[__MAPE_STAT_MAX];

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			memcpy(v, st->v, sizeof(v));
		} while (u64_stats_fetch_retry(&st->syncp, start));
		for (i = 0; i < __MAPE_STAT_MAX; i++)
			out[i] += v[i];
	}
	/* The cache counts what it decides alone (expiry, overflow). */
	mape_frag_stats_read(&md->frags, &fs);
	out[MAPE_STAT_V4_FRAG_DROPS] += fs.expired_frags;
	out[MAPE_STAT_V4_FRAG_EXPIRED] += fs.expired;
	out[MAPE_STAT_V4_FRAG_OVERFLOW] += fs.overflow;
}

/*
 * What kfree_skb tracing (the skb:kfree_skb tracepoint, perf, dropwatch)
 * reports for a drop mape counts: the counters say how many, the reason
 * says which one a traced packet met. A module outside the tree cannot
 * register drop reasons of its own (enum skb_drop_reason_subsys is closed),
 * so each counter names the nearest core reason 6.1 already has, and
 * NOT_SPECIFIED where none is near.
 */
static const enum skb_drop_reason mape_drop_reasons[__MAPE_STAT_MAX] = {
	[MAPE_STAT_DECAP_SPOOF]		= SKB_DROP_REASON_IP_RPFILTER,
	[MAPE_STAT_DECAP_WRONG_DST]	= SKB_DROP_REASON_OTHERHOST,
	[MAPE_STAT_UNSUPP_PROTO]	= SKB_DROP_REASON_IP_NOPROTO,
	[MAPE_STAT_V6_MTU_ERRORS]	= SKB_DROP_REASON_PKT_TOO_BIG,
	[MAPE_STAT_NO_RULE]		= SKB_DROP_REASON_IP_OUTNOROUTES,
	[MAPE_STAT_NO_ROUTE]		= SKB_DROP_REASON_IP_OUTNOROUTES,
	[MAPE_STAT_HEADER_ERRORS]	= SKB_DROP_REASON_IP_INHDR,
	[MAPE_STAT_TX_NOT_IPV4]		= SKB_DROP_REASON_UNHANDLED_PROTO,
};

enum skb_drop_reason mape_stat_drop_reason(enum mape_stat s)
{
	if (s < __MAPE_STAT_MAX && mape_drop_reasons[s])
		return mape_drop_reasons[s];
	return SKB_DROP_REASON_NOT_SPECIFIED;
}

struct mape_dev *mape_dev_find_local(struct net *net,
				     const struct in6_addr *addr,
				     const struct mape_params **pp)
{
	struct mape_net *mn = net_generic(net, mape_net_id);
	struct mape_dev *md;

	list_for_each_entry_rcu(md, &mn->devs, list) {
		const struct mape_params *p = rcu_dereference(md->params);

		if (p->cfg.mode == MAPE_MODE_E &&
		    ipv6_addr_equal(&p->local, addr) &&
		    (p->cfg.role == MAPE_ROLE_BR || p->ce_valid) &&
		    netif_running(md->dev)) {
			*pp = p;
			return md;
		}
	}
	return NULL;
}

/* Another device of the namespace already receives at this BR address. */
static bool br_addr_taken(struct net *net, const struct mape_dev *self,
			  const struct in6_addr *addr)
{
	struct mape_net *mn = net_generic(net, mape_net_id);
	struct mape_dev *md;
	bool taken = false;

	ASSERT_RTNL();
	/* RTNL keeps the list; a rule change may replace params under
	 * the device's own lock: read them under RCU.
	 */
	rcu_read_lock();
	list_for_each_entry(md, &mn->devs, list) {
		const struct mape_params *p = rcu_dereference(md->params);

		if (md != self && p->cfg.role == MAPE_ROLE_BR &&
		    p->cfg.mode == MAPE_MODE_E &&
		    ipv6_addr_equal(&p->cfg.br_addr, addr)) {
			taken = true;
			break;
		}
	}
	rcu_read_unlock();
	return taken;
}

bool mape_dev_is_mape(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &mape_link_ops;
}

struct mape_dev *mape_dev_get(struct net *net, int ifindex, const char *name)
{
	struct net_device *dev;

	if (ifindex)
		dev = dev_get_by_index(net, ifindex);
	else if (name)
		dev = dev_get_by_name(net, name);
	else
		return ERR_PTR(-EINVAL);
	if (!dev)
		return ERR_PTR(-ENODEV);
	if (!mape_dev_is_mape(dev)) {
		dev_put(dev);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}

void mape_dev_put(struct mape_dev *md)
{
	dev_put(md->dev);
}

static atomic_long_t *ns_frag_mem(struct net *net)
{
	struct mape_net *mn = net_generic(net, mape_net_id);

	return &mn->frag_mem;
}

/*
 * On success the destructor owns md->params and everything here; on
 * failure (or when registration fails before this runs) newlink frees
 * params.
 */
static int mape_dev_init(struct net_device *dev)
{
	struct mape_dev *md = netdev_priv(dev);
	int ret;

	ret = mape_tstats_alloc(dev);
	if (ret)
		return ret;
	md->stats = __netdev_alloc_pcpu_stats(struct mape_pcpu_stats,
					      GFP_KERNEL_ACCOUNT);
	if (!md->stats) {
		ret = -ENOMEM;
		goto err_tstats;
	}
	ret = gro_cells_init(&md->gro_cells, dev);
	if (ret)
		goto err_stats;
	ret = mape_rules_init(&md->rules);
	if (ret)
		goto err_gro;
	ret = mape_frag_init(&md->frags, ns_frag_mem(md->net));
	if (ret)
		goto err_rules;
	md->init_done = true;
	return 0;

err_rules:
	mape_rules_destroy(&md->rules);
err_gro:
	gro_cells_destroy(&md->gro_cells);
err_stats:
	free_percpu(md->stats);
err_tstats:
	mape_tstats_free(dev);
	return ret;
}

static void mape_dev_uninit(struct net_device *dev)
{
	struct mape_dev *md = netdev_priv(dev);

	napt_put(md);
	/* unregister_netdevice_many() waits a grace period after this. */
	list_del_rcu(&md->list);
	gro_cells_destroy(&md->gro_cells);
}

/* Runs once the last reference is gone: no reader or writer remains. */
static void mape_dev_destruct(struct net_device *dev)
{
	struct mape_dev *md = netdev_priv(dev);

	mape_frag_destroy(&md->frags);
	mape_rules_destroy(&md->rules);
	params_free(rcu_dereference_protected(md->params, true));
	free_percpu(md->stats);
	mape_tstats_free(dev);
	mutex_destroy(&md->lock);
}

static int mape_change_mtu(struct net_device *dev, int new_mtu)
{
	struct mape_dev *md = netdev_priv(dev);

	/* Someone chose this MTU: stop following the underlay. */
	if (!md->mtu_following)
		md->mtu_auto = false;
	dev->mtu = new_mtu;
	return 0;
}

static const struct net_device_ops mape_netdev_ops = {
	.ndo_init		= mape_dev_init,
	.ndo_uninit		= mape_dev_uninit,
	.ndo_start_xmit		= mape_xmit,
	.ndo_change_mtu		= mape_change_mtu,
	.ndo_get_stats64	= dev_get_tstats64,
};

static void mape_setup(struct net_device *dev)
{
	dev->netdev_ops = &mape_netdev_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = mape_dev_destruct;
	mape_tstats_setup(dev);
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_NOARP | IFF_POINTOPOINT;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->addr_len = 0;
	dev->hard_header_len = 0;
	/* Room for the outer header on an Ethernet-like underlay; encap()
	 * raises it for one that needs more. Asking for LL_MAX_HEADER here
	 * made ip_forward() copy nearly every packet to make the room.
	 */
	dev->needed_headroom = MAPE_HLEN + MAPE_ENCLIM_LEN + ETH_HLEN;
	dev->mtu = ETH_DATA_LEN - MAPE_HLEN;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = IP6_MAX_MTU - MAPE_HLEN - MAPE_ENCLIM_LEN;
	/* Rules and addresses belong to one namespace. */
	mape_set_lltx_netns_local(dev);
	dev->features |= MAPE_FEATURES;
	dev->hw_features |= MAPE_FEATURES;
	netif_keep_dst(dev);
}

static struct netlink_range_validation frag_entries_range = {
	.min = 1, .max = 1 << 20,
};

static struct netlink_range_validation frag_held_range = {
	.max = 1 << 20,
};

static struct netlink_range_validation frag_timeout_range = {
	.min = 1, .max = 60000,
};

static const struct nla_policy mape_policy[IFLA_MAPE_MAX + 1] = {
	[IFLA_MAPE_UNSPEC]	  = { .strict_start_type = IFLA_MAPE_ROLE },
	[IFLA_MAPE_ROLE]	  = NLA_POLICY_MAX(NLA_U8, MAPE_ROLE_BR),
	[IFLA_MAPE_BR_ADDR]	  = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_MAPE_EU_PREFIX]	  = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_MAPE_EU_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[IFLA_MAPE_IFID]	  = NLA_POLICY_MAX(NLA_U8, MAPE_IFID_DRAFT03),
	[IFLA_MAPE_LINK]	  = { .type = NLA_U32 },
	[IFLA_MAPE_HOPLIMIT]	  = NLA_POLICY_MIN(NLA_U8, 1),
	[IFLA_MAPE_TCLASS]	  = NLA_POLICY_MAX(NLA_U16, MAPE_TCLASS_INHERIT),
	[IFLA_MAPE_ENCAP_LIMIT]	  = NLA_POLICY_MAX(NLA_U16, MAPE_ENCAP_LIMIT_NONE),
	[IFLA_MAPE_MTU]		  = { .type = NLA_U32 },
	[IFLA_MAPE_MTU_V6]	  = { .type = NLA_U32 },
	[IFLA_MAPE_FRAG_MODE]	  = NLA_POLICY_MAX(NLA_U8, MAPE_FRAG_INNER),
	[IFLA_MAPE_V4_REASSEMBLY] = NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_MAPE_FRAG_ID]	  = NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_MAPE_FRAG_MAX_ENTRIES] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &frag_entries_range),
	[IFLA_MAPE_FRAG_MAX_HELD] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &frag_held_range),
	[IFLA_MAPE_FRAG_TIMEOUT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &frag_timeout_range),
	[IFLA_MAPE_NAPT]	  = NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_MAPE_MODE]	  = NLA_POLICY_MAX(NLA_U8, MAPE_MODE_T),
	[IFLA_MAPE_DMR]		  = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_MAPE_DMR_LEN]	  = NLA_POLICY_MAX(NLA_U8, 96),
	[IFLA_MAPE_ICMP_SRC]	  = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
};

static int mape_validate(struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	if (!data)
		return 0;
	if (!!data[IFLA_MAPE_EU_PREFIX] != !!data[IFLA_MAPE_EU_PREFIX_LEN]) {
		NL_SET_ERR_MSG(extack,
			       "end-user prefix and its length go together");
		return -EINVAL;
	}
	if (!!data[IFLA_MAPE_DMR] != !!data[IFLA_MAPE_DMR_LEN]) {
		NL_SET_ERR_MSG(extack, "dmr and its length go together");
		return -EINVAL;
	}
	if (data[IFLA_MAPE_DMR]) {
		struct in6_addr a = nla_get_in6_addr(data[IFLA_MAPE_DMR]), m;
		u8 len = nla_get_u8(data[IFLA_MAPE_DMR_LEN]);

		if (!mape_6052_len_ok(len)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_DMR_LEN],
					    "dmr length is one of RFC 6052's: 32, 40, 48, 56, 64, 96");
			return -EINVAL;
		}
		ipv6_addr_prefix(&m, &a, len);
		if (!ipv6_addr_equal(&m, &a)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_DMR],
					    "dmr has bits set beyond its length");
			return -EINVAL;
		}
	}
	if (data[IFLA_MAPE_ICMP_SRC]) {
		__be32 a = nla_get_in_addr(data[IFLA_MAPE_ICMP_SRC]);

		if (a && (ipv4_is_multicast(a) || ipv4_is_lbcast(a) ||
			  ipv4_is_loopback(a) || ipv4_is_zeronet(a))) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_ICMP_SRC],
					    "icmp-src must be a unicast IPv4 address (or 0.0.0.0 for the device's own)");
			return -EINVAL;
		}
	}
	if (data[IFLA_MAPE_BR_ADDR]) {
		struct in6_addr a = nla_get_in6_addr(data[IFLA_MAPE_BR_ADDR]);
		int type = ipv6_addr_type(&a);

		if (type == IPV6_ADDR_ANY || (type & (IPV6_ADDR_MULTICAST |
				IPV6_ADDR_LOOPBACK | IPV6_ADDR_LINKLOCAL |
				IPV6_ADDR_MAPPED))) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_BR_ADDR],
					    "BR address must be a global unicast IPv6 address");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Apply the mutable attributes present in data to cfg. Role and ifid are
 * only taken at creation (changelink refuses a different value).
 */
static int config_parse(struct net *net, struct mape_config *cfg,
			struct nlattr *data[], struct netlink_ext_ack *extack)
{
	/* Each mode has its way out of the domain (RFC 7599 section 5.3). */
	if (data[IFLA_MAPE_BR_ADDR] && cfg->mode == MAPE_MODE_T) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_BR_ADDR],
				    "br-addr belongs to mode e; mode t has a dmr");
		return -EINVAL;
	}
	if (data[IFLA_MAPE_DMR] && cfg->mode == MAPE_MODE_E) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_DMR],
				    "dmr belongs to mode t");
		return -EINVAL;
	}
	if (data[IFLA_MAPE_ICMP_SRC] && cfg->mode == MAPE_MODE_E) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_ICMP_SRC],
				    "icmp-src belongs to mode t; mode e carries ICMPv4 unchanged");
		return -EINVAL;
	}
	if (data[IFLA_MAPE_ICMP_SRC])
		cfg->icmp_src = nla_get_in_addr(data[IFLA_MAPE_ICMP_SRC]);
	if (data[IFLA_MAPE_BR_ADDR])
		cfg->br_addr = nla_get_in6_addr(data[IFLA_MAPE_BR_ADDR]);
	if (data[IFLA_MAPE_DMR]) {
		cfg->dmr = nla_get_in6_addr(data[IFLA_MAPE_DMR]);
		cfg->dmr_len = nla_get_u8(data[IFLA_MAPE_DMR_LEN]);
	}
	if (data[IFLA_MAPE_EU_PREFIX]) {
		struct in6_addr m;

		cfg->eu_prefix = nla_get_in6_addr(data[IFLA_MAPE_EU_PREFIX]);
		cfg->eu_len = nla_get_u8(data[IFLA_MAPE_EU_PREFIX_LEN]);
		cfg->has_eu = true;
		ipv6_addr_prefix(&m, &cfg->eu_prefix, cfg->eu_len);
		if (!ipv6_addr_equal(&m, &cfg->eu_prefix)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_EU_PREFIX],
					    "end-user prefix has bits set beyond its length");
			return -EINVAL;
		}
	}
	if (data[IFLA_MAPE_LINK]) {
		cfg->link = nla_get_u32(data[IFLA_MAPE_LINK]);
		if (cfg->link && !__dev_get_by_index(net, cfg->link)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_LINK],
					    "underlay device does not exist");
			return -ENODEV;
		}
	}
	if (data[IFLA_MAPE_HOPLIMIT])
		cfg->hoplimit = nla_get_u8(data[IFLA_MAPE_HOPLIMIT]);
	if (data[IFLA_MAPE_TCLASS])
		cfg->tclass = nla_get_u16(data[IFLA_MAPE_TCLASS]);
	if (data[IFLA_MAPE_ENCAP_LIMIT])
		cfg->encap_limit = nla_get_u16(data[IFLA_MAPE_ENCAP_LIMIT]);
	if (data[IFLA_MAPE_MTU_V6]) {
		cfg->mtu_v6 = nla_get_u32(data[IFLA_MAPE_MTU_V6]);
		if (cfg->mtu_v6 &&
		    (cfg->mtu_v6 < IPV6_MIN_MTU || cfg->mtu_v6 > IPV6_MAXPLEN)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_MTU_V6],
					    "mtu-v6 is 0 (none) or 1280..65535");
			return -EINVAL;
		}
	}
	if (data[IFLA_MAPE_FRAG_MODE])
		cfg->frag_mode = nla_get_u8(data[IFLA_MAPE_FRAG_MODE]);
	if (data[IFLA_MAPE_V4_REASSEMBLY])
		cfg->v4_reasm = nla_get_u8(data[IFLA_MAPE_V4_REASSEMBLY]);
	if (data[IFLA_MAPE_NAPT]) {
		cfg->napt = nla_get_u8(data[IFLA_MAPE_NAPT]);
		if (cfg->napt && cfg->role == MAPE_ROLE_BR) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_NAPT],
					    "napt is a CE option");
			return -EINVAL;
		}
	}
	if (data[IFLA_MAPE_FRAG_ID]) {
		cfg->frag_id = nla_get_u8(data[IFLA_MAPE_FRAG_ID]);
		if (cfg->frag_id && cfg->role == MAPE_ROLE_BR) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_FRAG_ID],
					    "frag-id psid is a CE option");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The virtual reassembly limits present in data; the others unchanged.
 * The root of a namespace another user namespace owns may lower them but
 * not raise them above the host's (the module parameters): a warning
 * says so.
 */
static void frag_limits(struct mape_dev *md, struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	struct mape_frag_limits l, host;

	mape_frag_get_limits(&md->frags, &l);
	if (data[IFLA_MAPE_FRAG_MAX_ENTRIES])
		l.max_entries = nla_get_u32(data[IFLA_MAPE_FRAG_MAX_ENTRIES]);
	if (data[IFLA_MAPE_FRAG_MAX_HELD])
		l.max_held = nla_get_u32(data[IFLA_MAPE_FRAG_MAX_HELD]);
	if (data[IFLA_MAPE_FRAG_TIMEOUT])
		l.timeout_ms = nla_get_u32(data[IFLA_MAPE_FRAG_TIMEOUT]);
	mape_frag_default_limits(&host);
	if (md->net->user_ns != &init_user_ns &&
	    (l.max_entries > host.max_entries || l.max_held > host.max_held ||
	     l.timeout_ms > host.timeout_ms)) {
		l.max_entries = min(l.max_entries, host.max_entries);
		l.max_held = min(l.max_held, host.max_held);
		l.timeout_ms = min(l.timeout_ms, host.timeout_ms);
		NL_SET_ERR_MSG(extack,
			       "fragment limits above the host's need the initial user namespace: lowered to them");
	}
	mape_frag_set_limits(&md->frags, &l);
}

/*
 * Whether mtu-v6 gives the device its MTU. Mode t's device carries the
 * translated IPv6 in as well as out (it is routed into the device), and
 * what arrived has crossed the path whatever mtu-v6 says of the other way:
 * refusing it (a Packet Too Big from IPv6 forwarding) would make the cap
 * of what this end sends a cap on what the other sends, which mode e's
 * receive has never been. Its MTU follows the underlay; translate() keeps
 * mtu-v6 packet by packet.
 */
static bool mtu_v6_sets_mtu(const struct mape_config *cfg)
{
	return cfg->mtu_v6 && cfg->mode != MAPE_MODE_T;
}

/*
 * The MTU the underlay gives: the mtu-v6 cap (mode e), else the LINK device,
 * else the IPv6 MTU of the device a CE's route to its BR leaves by, else
 * Ethernet's 1500 bytes; less the tunnel's header. Not that route's path
 * MTU: a Packet Too Big (anyone on the path can send one) lowers it for a
 * while and for one destination, which xmit honours packet by packet;
 * followed, it once left the device below 1280 bytes, where IPv6 takes
 * the MAP address off it for good.
 */
static unsigned int underlay_mtu(struct net *net, const struct mape_config *cfg)
{
	unsigned int mtu = ETH_DATA_LEN;

	if (mtu_v6_sets_mtu(cfg)) {
		mtu = cfg->mtu_v6;
	} else if (cfg->link) {
		struct net_device *link = __dev_get_by_index(net, cfg->link);

		if (link)
			mtu = link->mtu;
	} else if (cfg->role == MAPE_ROLE_CE) {
		struct flowi6 fl6 = {
			.daddr = cfg->mode == MAPE_MODE_T ? cfg->dmr :
							    cfg->br_addr,
		};
		struct dst_entry *dst = ip6_route_output(net, NULL, &fl6);

		if (!dst->error && dst->dev) {
			struct inet6_dev *idev = __in6_dev_get(dst->dev);

			mtu = idev ? READ_ONCE(idev->cnf.mtu6) : dst->dev->mtu;
		}
		dst_release(dst);
	}
	return mtu > mape_encap_overhead(cfg) ? mtu - mape_encap_overhead(cfg) : 0;
}

/* Set the MTU the underlay gives, if the device still follows it. */
static void mtu_follow(struct mape_dev *md, const struct mape_config *cfg)
{
	struct net_device *dev = md->dev;
	unsigned int mtu;

	ASSERT_RTNL();
	if (!md->mtu_auto)
		return;
	mtu = underlay_mtu(dev_net(dev), cfg);
	if (!mtu || mtu == dev->mtu)
		return;
	md->mtu_following = true;
	dev_set_mtu(dev, clamp_t(int, mtu, dev->min_mtu, dev->max_mtu));
	md->mtu_following = false;
}

/* IFLA_MAPE_MTU, in range, or 0 when absent. */
static int get_mtu(struct net_device *dev, struct nlattr *data[], u32 *mtu,
		   struct netlink_ext_ack *extack)
{
	*mtu = 0;
	if (!data[IFLA_MAPE_MTU])
		return 0;
	*mtu = nla_get_u32(data[IFLA_MAPE_MTU]);
	if (*mtu < dev->min_mtu || *mtu > dev->max_mtu) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_MTU],
				    "MTU out of range (68..65527)");
		return -EINVAL;
	}
	return 0;
}

/*
 * Mode T: ICMPv6 errors from routers of the domain come out of the device
 * with an IPv4 source of this host's by default (RFC 6791, see
 * IFLA_MAPE_ICMP_SRC); IPv4 input drops a local source arriving from a
 * device unless that device accepts local sources. Set once, as a default
 * the administrator may turn off (net.ipv4.conf.DEV.accept_local). A CE
 * keeps the martian check for what it receives (rcv.c). RTNL.
 */
static void accept_local(struct net_device *dev)
{
	struct in_device *in_dev = __in_dev_get_rtnl(dev);

	if (in_dev)
		IN_DEV_CONF_SET(in_dev, ACCEPT_LOCAL, 1);
}

static int mape_dev_newlink(struct net *net, struct net_device *dev,
			    struct nlattr *tb[], struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	struct mape_net *mn = net_generic(net, mape_net_id);
	struct mape_dev *md = netdev_priv(dev);
	struct mape_params *p;
	u8 mode;
	u32 mtu;
	int ret;

	if (!data || !data[IFLA_MAPE_ROLE]) {
		NL_SET_ERR_MSG(extack, "role (ce or br) is required");
		return -EINVAL;
	}
	mode = data[IFLA_MAPE_MODE] ? nla_get_u8(data[IFLA_MAPE_MODE]) :
				      MAPE_MODE_E;
	if (mode == MAPE_MODE_E && !data[IFLA_MAPE_BR_ADDR]) {
		NL_SET_ERR_MSG(extack, "br-addr is required");
		return -EINVAL;
	}
	if (mode == MAPE_MODE_T && !data[IFLA_MAPE_DMR]) {
		NL_SET_ERR_MSG(extack, "mode t requires a dmr");
		return -EINVAL;
	}
	if (!net_eq(net, dev_net(dev))) {
		NL_SET_ERR_MSG(extack,
			       "create the device in the namespace of its underlay");
		return -EINVAL;
	}
	ret = get_mtu(dev, data, &mtu, extack);
	if (ret)
		return ret;
	p = params_alloc(NULL);
	if (!p)
		return -ENOMEM;
	p->cfg.role = nla_get_u8(data[IFLA_MAPE_ROLE]);
	p->cfg.mode = mode;
	p->cfg.ifid = data[IFLA_MAPE_IFID] ? nla_get_u8(data[IFLA_MAPE_IFID]) :
					     MAPE_IFID_RFC;
	p->cfg.hoplimit = 64;
	p->cfg.tclass = MAPE_TCLASS_INHERIT;
	p->cfg.encap_limit = MAPE_ENCAP_LIMIT_NONE;
	ret = config_parse(net, &p->cfg, data, extack);
	if (!ret && p->cfg.role == MAPE_ROLE_BR && p->cfg.has_eu) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_EU_PREFIX],
				    "a BR has no end-user prefix");
		ret = -EINVAL;
	}
	if (!ret && p->cfg.role == MAPE_ROLE_BR &&
	    br_addr_taken(net, NULL, &p->cfg.br_addr)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_BR_ADDR],
				    "another mape device has this BR address");
		ret = -EADDRINUSE;
	}
	if (ret) {
		params_free(p);
		return ret;
	}
	params_derive(p, NULL);

	md->dev = dev;
	md->net = net;
	INIT_LIST_HEAD(&md->list);
	mutex_init(&md->lock);
	RCU_INIT_POINTER(md->params, p);

	if (mtu) {
		dev->mtu = mtu;
	} else if (!tb[IFLA_MTU]) {
		md->mtu_auto = true;
		mtu = underlay_mtu(net, &p->cfg);
		dev->mtu = clamp_t(int, mtu, dev->min_mtu, dev->max_mtu);
	}

	/* Before registering: nothing may fail after it. */
	if (p->cfg.napt) {
		ret = napt_get(md, extack);
		if (ret) {
			params_free(p);
			return ret;
		}
	}
	ret = register_netdevice(dev);
	if (ret) {
		/* ndo_uninit put it if ndo_init had run. */
		napt_put(md);
		/* After ndo_init the destructor has freed p already. */
		if (!md->init_done)
			params_free(p);
		return ret;
	}
	frag_limits(md, data, extack);
	if (p->cfg.mode == MAPE_MODE_T)
		accept_local(dev);
	list_add_tail_rcu(&md->list, &mn->devs);
	return 0;
}

/* The op, in this kernel's form (compat.h). */
#ifdef MAPE_HAVE_NEWLINK_PARAMS
static int mape_newlink(struct net_device *dev,
			struct rtnl_newlink_params *params,
			struct netlink_ext_ack *extack)
{
	return mape_dev_newlink(rtnl_newlink_link_net(params), dev,
				params->tb, params->data, extack);
}
#else
static int mape_newlink(struct net *net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	return mape_dev_newlink(net, dev, tb, data, extack);
}
#endif

static int mape_changelink(struct net_device *dev, struct nlattr *tb[],
			   struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	struct mape_dev *md = netdev_priv(dev);
	struct mape_params *old, *p;
	int ret = 0;
	u32 mtu;

	if (!data)
		return 0;
	mutex_lock(&md->lock);
	old = mape_params_locked(md);
	if (data[IFLA_MAPE_ROLE] &&
	    nla_get_u8(data[IFLA_MAPE_ROLE]) != old->cfg.role) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_ROLE],
				    "role cannot be changed; delete and recreate the device");
		ret = -EOPNOTSUPP;
		goto out;
	}
	if (data[IFLA_MAPE_MODE] &&
	    nla_get_u8(data[IFLA_MAPE_MODE]) != old->cfg.mode) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_MODE],
				    "mode cannot be changed; delete and recreate the device");
		ret = -EOPNOTSUPP;
		goto out;
	}
	if (data[IFLA_MAPE_IFID] &&
	    nla_get_u8(data[IFLA_MAPE_IFID]) != old->cfg.ifid) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_IFID],
				    "ifid cannot be changed; delete and recreate the device");
		ret = -EOPNOTSUPP;
		goto out;
	}
	if (old->cfg.role == MAPE_ROLE_BR && data[IFLA_MAPE_EU_PREFIX]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_EU_PREFIX],
				    "a BR has no end-user prefix");
		ret = -EINVAL;
		goto out;
	}
	p = params_alloc(old);
	if (!p) {
		ret = -ENOMEM;
		goto out;
	}
	ret = get_mtu(dev, data, &mtu, extack);
	if (!ret)
		ret = config_parse(dev_net(dev), &p->cfg, data, extack);
	if (!ret && p->cfg.role == MAPE_ROLE_BR &&
	    br_addr_taken(dev_net(dev), md, &p->cfg.br_addr)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_BR_ADDR],
				    "another mape device has this BR address");
		ret = -EADDRINUSE;
	}
	if (!ret && params_derive(p, NULL)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MAPE_EU_PREFIX],
				    "end-user prefix is not inside the BMR; delete the BMR first");
		ret = -EINVAL;
	}
	if (!ret && p->cfg.napt)
		ret = napt_get(md, extack);
	if (!ret && mtu)
		ret = dev_set_mtu(dev, mtu);
	if (ret) {
		if (p->cfg.napt && !old->cfg.napt)
			napt_put(md);
		params_free(p);
		goto out;
	}
	if (!p->cfg.napt)
		napt_put(md);
	/* Pinned even when equal to the current MTU (no ndo call then). */
	if (mtu)
		md->mtu_auto = false;
	frag_limits(md, data, extack);
	params_publish(md, p);
	/* A new link, BR or mtu-v6 may give another MTU. */
	mtu_follow(md, &p->cfg);
out:
	mutex_unlock(&md->lock);
	return ret;
}

static size_t mape_get_size(const struct net_device *dev)
{
	return nla_total_size(1) +			/* ROLE */
	       nla_total_size(sizeof(struct in6_addr)) +	/* BR_ADDR */
	       nla_total_size(sizeof(struct in6_addr)) +	/* EU_PREFIX */
	       nla_total_size(1) +			/* EU_PREFIX_LEN */
	       nla_total_size(1) +			/* IFID */
	       nla_total_size(4) +			/* LINK */
	       nla_total_size(1) +			/* HOPLIMIT */
	       nla_total_size(2) +			/* TCLASS */
	       nla_total_size(2) +			/* ENCAP_LIMIT */
	       nla_total_size(4) +			/* MTU_V6 */
	       nla_total_size(1) +			/* FRAG_MODE */
	       nla_total_size(1) +			/* V4_REASSEMBLY */
	       nla_total_size(1) +			/* FRAG_ID */
	       nla_total_size(1) +			/* NAPT */
	       nla_total_size(1) +			/* MODE */
	       nla_total_size(sizeof(struct in6_addr)) +	/* DMR */
	       nla_total_size(1) +			/* DMR_LEN */
	       nla_total_size(4) +			/* ICMP_SRC */
	       nla_total_size(4) * 3;		/* FRAG_MAX_*, TIMEOUT */
}

static int mape_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct mape_dev *md = netdev_priv(dev);
	struct mape_frag_limits l;
	struct mape_config c;
	const struct mape_config *cfg = &c;

	/* Rule changes replace params without RTNL: copy under RCU. */
	rcu_read_lock();
	c = rcu_dereference(md->params)->cfg;
	rcu_read_unlock();

	if (nla_put_u8(skb, IFLA_MAPE_ROLE, cfg->role) ||
	    nla_put_u8(skb, IFLA_MAPE_MODE, cfg->mode) ||
	    nla_put_u8(skb, IFLA_MAPE_IFID, cfg->ifid) ||
	    nla_put_u32(skb, IFLA_MAPE_LINK, cfg->link) ||
	    nla_put_u8(skb, IFLA_MAPE_HOPLIMIT, cfg->hoplimit) ||
	    nla_put_u16(skb, IFLA_MAPE_TCLASS, cfg->tclass) ||
	    nla_put_u16(skb, IFLA_MAPE_ENCAP_LIMIT, cfg->encap_limit) ||
	    nla_put_u32(skb, IFLA_MAPE_MTU_V6, cfg->mtu_v6) ||
	    nla_put_u8(skb, IFLA_MAPE_FRAG_MODE, cfg->frag_mode) ||
	    nla_put_u8(skb, IFLA_MAPE_V4_REASSEMBLY, cfg->v4_reasm) ||
	    nla_put_u8(skb, IFLA_MAPE_FRAG_ID, cfg->frag_id) ||
	    nla_put_u8(skb, IFLA_MAPE_NAPT, cfg->napt))
		return -EMSGSIZE;
	mape_frag_get_limits(&md->frags, &l);
	if (nla_put_u32(skb, IFLA_MAPE_FRAG_MAX_ENTRIES, l.max_entries) ||
	    nla_put_u32(skb, IFLA_MAPE_FRAG_MAX_HELD, l.max_held) ||
	    nla_put_u32(skb, IFLA_MAPE_FRAG_TIMEOUT, l.timeout_ms))
		return -EMSGSIZE;
	if (cfg->mode == MAPE_MODE_E ?
	    nla_put_in6_addr(skb, IFLA_MAPE_BR_ADDR, &cfg->br_addr) :
	    nla_put_in6_addr(skb, IFLA_MAPE_DMR, &cfg->dmr) ||
	    nla_put_u8(skb, IFLA_MAPE_DMR_LEN, cfg->dmr_len) ||
	    nla_put_in_addr(skb, IFLA_MAPE_ICMP_SRC, cfg->icmp_src))
		return -EMSGSIZE;
	if (cfg->has_eu &&
	    (nla_put_in6_addr(skb, IFLA_MAPE_EU_PREFIX, &cfg->eu_prefix) ||
	     nla_put_u8(skb, IFLA_MAPE_EU_PREFIX_LEN, cfg->eu_len)))
		return -EMSGSIZE;
	return 0;
}

/*
 * The LINK device is going away: forget it, or a device created later
 * with its index would become the underlay. RTNL.
 */
static void link_gone(struct mape_dev *md)
{
	struct mape_params *p;

	mutex_lock(&md->lock);
	p = params_alloc(mape_params_locked(md));
	/* Without memory for a copy the index stays, naming no device:
	 * routes through it fail (counted as no_route) until one is created
	 * with that index on purpose (ifindexes are otherwise not reused).
	 */
	if (p) {
		p->cfg.link = 0;
		params_publish(md, p);
	}
	mutex_unlock(&md->lock);
}

/*
 * An underlay changed its MTU: the devices following it (through their
 * LINK, or a CE's route to its BR, which any device may carry) follow.
 * One that goes away stops being anyone's LINK.
 */
static int mape_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct mape_net *mn;
	struct mape_dev *md;

	if ((event != NETDEV_CHANGEMTU && event != NETDEV_UNREGISTER) ||
	    mape_dev_is_mape(dev))
		return NOTIFY_DONE;
	mn = net_generic(dev_net(dev), mape_net_id);
	list_for_each_entry(md, &mn->devs, list) {
		struct mape_config cfg;

		/* Params may be replaced by a rule change (not under RTNL);
		 * mtu_follow() sleeps: a copy.
		 */
		rcu_read_lock();
		cfg = rcu_dereference(md->params)->cfg;
		rcu_read_unlock();
		if (event == NETDEV_UNREGISTER) {
			if (cfg.link == dev->ifindex)
				link_gone(md);
		} else if (cfg.link == dev->ifindex ||
			   (!cfg.link && !mtu_v6_sets_mtu(&cfg) &&
			    cfg.role == MAPE_ROLE_CE)) {
			mtu_follow(md, &cfg);
		}
	}
	return NOTIFY_DONE;
}

/* After addrconf's: the IPv6 MTU a CE follows is the one it just set. */
static struct notifier_block mape_notifier = {
	.notifier_call = mape_netdev_event,
	.priority = ADDRCONF_NOTIFY_PRIORITY - 1,
};

static struct rtnl_link_ops mape_link_ops __read_mostly = {
	.kind		= "mape",
	.maxtype	= IFLA_MAPE_MAX,
	.policy		= mape_policy,
	.priv_size	= sizeof(struct mape_dev),
	.setup		= mape_setup,
	.validate	= mape_validate,
	.newlink	= mape_newlink,
	.changelink	= mape_changelink,
	.get_size	= mape_get_size,
	.fill_info	= mape_fill_info,
};

static int __net_init mape_net_init(struct net *net)
{
	struct mape_net *mn = net_generic(net, mape_net_id);

	INIT_LIST_HEAD(&mn->devs);
	atomic_long_set(&mn->frag_mem, 0);
	return 0;
}

static void __net_exit mape_net_exit_batch(struct list_head *net_list)
{
	struct mape_dev *md, *tmp;
	struct net *net;
	LIST_HEAD(list);

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list) {
		struct mape_net *mn = net_generic(net, mape_net_id);

		list_for_each_entry_safe(md, tmp, &mn->devs, list)
			unregister_netdevice_queue(md->dev, &list);
	}
	unregister_netdevice_many(&list);
	rtnl_unlock();
	/* The devices are destroyed: their caches gave every byte back. */
	list_for_each_entry(net, net_list, exit_list)
		WARN_ON_ONCE(atomic_long_read(ns_frag_mem(net)));
}

static struct pernet_operations mape_net_ops = {
	.init = mape_net_init,
	.exit_batch = mape_net_exit_batch,
	.id = &mape_net_id,
	.size = sizeof(struct mape_net),
};

int __init mape_device_init(void)
{
	int ret;

	ret = register_pernet_device(&mape_net_ops);
	if (ret)
		return ret;
	ret = register_netdevice_notifier(&mape_notifier);
	if (ret)
		goto err_pernet;
	ret = rtnl_link_register(&mape_link_ops);
	if (ret)
		goto err_notifier;
	return 0;

err_notifier:
	unregister_netdevice_notifier(&mape_notifier);
err_pernet:
	unregister_pernet_device(&mape_net_ops);
	return ret;
}

void mape_device_uninit(void)
{
	rtnl_link_unregister(&mape_link_ops);
	unregister_netdevice_notifier(&mape_notifier);
	unregister_pernet_device(&mape_net_ops);
}

MODULE_ALIAS_RTNL_LINK("mape");
