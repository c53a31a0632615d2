/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MAPE_DEVICE_H
#define _MAPE_DEVICE_H

#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>

#include "frag.h"
#include "mapping.h"
#include "rules.h"

/* The device's configuration, as a value: changelink copies, edits,
 * validates and swaps it in.
 */
struct mape_config {
	struct in6_addr br_addr;
	struct in6_addr eu_prefix;
	u8 eu_len;
	bool has_eu;
	u8 role;		/* enum mape_role */
	u8 mode;		/* enum mape_mode */
	struct in6_addr dmr;	/* mode T: the Default Mapping Rule */
	u8 dmr_len;
	__be32 icmp_src;	/* mode T: RFC 6791 source, 0 for the own */
	u8 ifid;		/* enum mape_ifid */
	u8 hoplimit;
	u16 tclass;		/* 0..255 or MAPE_TCLASS_INHERIT */
	u16 encap_limit;	/* 0..255 or MAPE_ENCAP_LIMIT_NONE */
	u32 link;
	u32 mtu_v6;		/* cap on outer packets, 0 for none */
	u8 frag_mode;		/* enum mape_frag_mode */
	bool v4_reasm;		/* full IPv4 reassembly before encap */
	bool frag_id;		/* CE: IPv4 IDs into the PSID set */
	bool napt;		/* CE: NAPT44 through mape_nat */
};

/*
 * What the data path reads: the configuration and, for a CE, what its BMR
 * gives it. Immutable once published; replaced as a whole under
 * mape_dev.lock and freed after a grace period.
 */
struct mape_params {
	struct mape_config cfg;
	bool has_bmr;		/* a CE's BMR, a copy of the table's */
	struct mape_rule bmr;
	bool ce_valid;		/* a CE with a BMR covering its prefix */
	struct mape_ce ce;
	/* The local IPv6 address tunnel packets arrive at: the BR address
	 * on a BR, the MAP address on a CE (all zero until it has one).
	 */
	struct in6_addr local;
	/* The route to the BR, valid for exactly these addresses: a new
	 * params starts with an empty cache, so no route computed for an
	 * older configuration survives a change.
	 */
	struct dst_cache dst_cache;
	struct rcu_head rcu;
};

struct mape_pcpu_stats {
	u64 v[__MAPE_STAT_MAX];
	struct u64_stats_sync syncp;
};

/*
 * One MAP domain. Owned by its netdevice: the rule table and the rest are
 * released in the priv_destructor, after the last reference to the device
 * is gone, so a genetlink request holding a reference never sees them
 * freed.
 */
struct mape_dev {
	struct net_device *dev;
	struct net *net;
	struct list_head list;		/* in mape_net.devs, under RTNL; RCU */
	struct mape_params __rcu *params;
	struct mutex lock;		/* serialises params and BMR changes */
	struct mape_rules rules;
	struct mape_pcpu_stats __percpu *stats;
	struct gro_cells gro_cells;
	struct mape_frag_cache frags;	/* virtual reassembly, own lock */
	bool init_done;			/* ndo_init ran: it owns params */
	/* The MTU follows the underlay until someone sets one; both under
	 * RTNL. mtu_following tells our own dev_set_mtu() from theirs.
	 */
	bool mtu_auto;
	bool mtu_following;
	bool napt_attached;		/* counted in its netns (napt.c), RTNL */
};

/*
 * The data path counts in softirq or with BHs disabled; a caller from
 * anywhere else would race with it on this CPU's counters.
 */
static inline void mape_stat_add(struct mape_dev *md, enum mape_stat s, u64 n)
{
	struct mape_pcpu_stats *st;

	lockdep_assert_in_softirq();
	st = get_cpu_ptr(md->stats);

	u64_stats_update_begin(&st->syncp);
	st->v[s] += n;
	u64_stats_update_end(&st->syncp);
	put_cpu_ptr(md->stats);
}

static inline void mape_stat_inc(struct mape_dev *md, enum mape_stat s)
{
	mape_stat_add(md, s, 1);
}

void mape_stats_read(struct mape_dev *md, u64 *out);

/* The core's drop reason for a packet counted under s (kfree_skb_reason). */
enum skb_drop_reason mape_stat_drop_reason(enum mape_stat s);

/*
 * The running device whose local address is addr, and the params it was
 * matched with (*pp). Caller holds rcu_read_lock().
 */
struct mape_dev *mape_dev_find_local(struct net *net,
				     const struct in6_addr *addr,
				     const struct mape_params **pp);

/* A reference-counted mape device by index or name, or an ERR_PTR. */
struct mape_dev *mape_dev_get(struct net *net, int ifindex, const char *name);
void mape_dev_put(struct mape_dev *md);
bool mape_dev_is_mape(const struct net_device *dev);

/*
 * Rule changes, each whole or not at all. A rule added must have passed
 * mape_rule_validate(). A CE's BMR is its params' too: adding one fails on
 * a CE that has another, or when it does not cover the end-user prefix;
 * deleting or flushing it forgets it first. Each takes its own locks.
 */
int mape_dev_rule_add(struct mape_dev *md, const struct mape_rule *r,
		      u8 type, struct netlink_ext_ack *extack);
int mape_dev_rule_del(struct mape_dev *md, __be32 prefix4, u8 len,
		      struct netlink_ext_ack *extack);
int mape_dev_rule_flush(struct mape_dev *md, struct netlink_ext_ack *extack);

static inline struct mape_params *mape_params_locked(struct mape_dev *md)
{
	return rcu_dereference_protected(md->params,
					 lockdep_is_held(&md->lock));
}

int mape_device_init(void);
void mape_device_uninit(void);

/* The outer header, and the encapsulation limit option it may carry. */
#define MAPE_HLEN	(sizeof(struct ipv6hdr))
#define MAPE_ENCLIM_LEN	8

/*
 * What the device's MTU loses to the IPv6 one: the outer header in mode
 * E. Nothing in mode T, whose device also takes in the IPv6 packets it
 * translates: its transmit keeps the IPv4 limit itself.
 */
static inline unsigned int mape_encap_overhead(const struct mape_config *cfg)
{
	if (cfg->mode == MAPE_MODE_T)
		return 0;
	return MAPE_HLEN +
	       (cfg->encap_limit != MAPE_ENCAP_LIMIT_NONE ? MAPE_ENCLIM_LEN : 0);
}

/*
 * The MAP address of (addr, port) under rule r as the device's mode names
 * it (mape_rule_map4_own() in mode T).
 */
static inline bool mape_dev_map4(const struct mape_params *p,
				 const struct mape_rule *r, __be32 addr,
				 u16 port, struct in6_addr *out)
{
	if (p->cfg.mode == MAPE_MODE_T)
		return mape_rule_map4_own(r, addr, port, p->cfg.ifid, out);
	return mape_rule_map4(r, addr, port, p->cfg.ifid, out);
}

/* xmit.c and rcv.c */
netdev_tx_t mape_xmit(struct sk_buff *skb, struct net_device *dev);
/*
 * Mode T: IPv6 routed into the device leaves it as IPv4 (rcv.c). False,
 * the skb untouched: not a mode T device, or not a packet from the domain
 * (IPv6 chatter of the device's own).
 */
bool mape_t_rcv(struct mape_dev *md, struct sk_buff *skb);
int mape_rcv_init(void);
void mape_rcv_uninit(void);

#endif /* _MAPE_DEVICE_H */
