// SPDX-License-Identifier: GPL-2.0
/*
 * mape_nat: NAPT44 for mape CE devices with "napt on".
 *
 * A CE shares its IPv4 address with other CEs and owns only the ports of
 * its PSID (RFC 7597 section 5.1): a set of 2^a - 1 ranges, which a NAT
 * rule's single contiguous port range cannot express. This module plugs
 * into netfilter's NAT core as nft's nat chains do (a lookup function at
 * NF_INET_POST_ROUTING, registered with nf_nat_ipv4_register_fn()), so
 * conntrack does the rest as users know
 * it: return traffic, related ICMP errors, helpers, timeouts and
 * conntrack -L. For a new connection leaving through such a device it
 * chooses the source port (or ICMP identifier) itself, by a bounded,
 * randomised search of the whole set (mape_port_search()), and hands
 * conntrack that single port; a set with no free port drops the packet
 * and counts napt_exhausted. A CE with an IPv4 prefix or address of its
 * own (no PSID) is translated to the prefix with every port, by conntrack.
 *
 * mape.ko attaches this module to a namespace while the namespace has a
 * CE device with napt on, and holds a reference on it meanwhile, so the
 * NAT hooks (and conntrack) cost nothing where NAPT is not used. Hooks
 * run under rcu_read_lock(), which mape_napt_get() needs.
 */

#include <linux/icmp.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_nat.h>

#include "napt.h"

struct nat_net {
	struct nf_hook_ops *ops;	/* while attached, RTNL */
	u32 seed;			/* of the full-set keys */
	/* Destinations of a full set: lockless, see napt.h. */
	struct mape_napt_full full[MAPE_NAPT_FULL_SLOTS];
};

static unsigned int nat_net_id __read_mostly;

/* A candidate mapping: the original tuple with the CE's source. */
struct candidate {
	struct nf_conntrack_tuple t;
	const struct nf_conn *ct;
};

/*
 * Taken when the reply of the candidate is some other connection's reply
 * tuple, the test the NAT core itself makes (conntrack hashes replies).
 */
static bool port_used(u16 port, void *arg)
{
	struct candidate *c = arg;
	struct nf_conntrack_tuple reply;

	/* .all overlays the TCP/UDP/SCTP/DCCP port and the ICMP id. */
	c->t.src.u.all = htons(port);
	nf_ct_invert_tuple(&reply, &c->t);
	return nf_conntrack_tuple_taken(&reply, c->ct);
}

static bool has_port(const struct nf_conntrack_tuple *t)
{
	switch (t->dst.protonum) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
	case IPPROTO_ICMP:	/* queries only: errors are RELATED */
		return true;
	}
	return false;
}

static unsigned int mape_nat_fn(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct nf_nat_range2 range = { .flags = NF_NAT_RANGE_MAP_IPS };
	enum ip_conntrack_info ctinfo;
	struct candidate c;
	struct mape_napt n;
	struct nf_conn *ct;
	u16 port, min;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || !mape_napt_get(state->out, &n))
		return NF_ACCEPT;
	range.min_addr.ip = n.ip4;
	/* The CE's address, or every address of its prefix. */
	range.max_addr.ip = n.ip4 |
		(n.ip4_len >= 32 ? 0 : htonl(~0U >> n.ip4_len));
	if (!n.ports.len)
		goto setup;

	c.t = ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	c.ct = ct;
	/* No port to share the address by: mape drops and counts it. */
	if (!has_port(&c.t))
		return NF_ACCEPT;
	c.t.src.u3.ip = n.ip4;
	/* The original port when the set has it free, else a search. */
	port = ntohs(ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.src.u.all);
	min = mape_port_search_min(&n.ports, port);
	if (port < min || !mape_port_in_set(&n.ports, port) ||
	    port_used(port, &c)) {
		struct nat_net *nn = net_generic(state->net, nat_net_id);
		u32 key = jhash_3words((__force u32)c.t.dst.u3.ip,
				       (__force u32)c.t.dst.u.all << 8 |
				       c.t.dst.protonum,
				       state->out->ifindex, nn->seed) ?: 1;

		/* Only a search that fails opens a window, no refusal. */
		if (mape_napt_full_hit(nn->full, key, jiffies))
			goto exhausted;
		if (mape_port_search(&n.ports, get_random_u32(),
				     get_random_u32(), min, port_used, &c,
				     &port)) {
			mape_napt_full_set(nn->full, key, jiffies);
			goto exhausted;
		}
	}
	range.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
	range.min_proto.all = htons(port);
	range.max_proto.all = htons(port);
setup:
	if (nf_nat_setup_info(ct, &range, NF_NAT_MANIP_SRC) != NF_ACCEPT)
		return NF_DROP;
	mape_napt_count(state->out, MAPE_STAT_NAPT_TRANSLATIONS);
	return NF_ACCEPT;

exhausted:
	mape_napt_count(state->out, MAPE_STAT_NAPT_EXHAUSTED);
	return NF_DROP;
}

/*
 * One below srcnat: the NAT core runs the first lookup that binds, and of
 * lookups of equal priority the one registered last. A router's zone
 * masquerade (OpenWrt's fw4) for the same device, reloaded after napt was
 * turned on, would otherwise bind first with a port outside the set, and
 * mape would drop the flow. Devices without napt are left to the others.
 */
static const struct nf_hook_ops nat_hook = {
	.hook		= mape_nat_fn,
	.pf		= NFPROTO_IPV4,
	.hooknum	= NF_INET_POST_ROUTING,
	.priority	= NF_IP_PRI_NAT_SRC - 1,
};

static int nat_attach(struct net *net)
{
	struct nat_net *nn = net_generic(net, nat_net_id);
	struct nf_hook_ops *ops;
	int ret;

	ops = kmemdup(&nat_hook, sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	/* NAT needs conntrack running in the namespace. */
	ret = nf_ct_netns_get(net, NFPROTO_IPV4);
	if (ret)
		goto err_free;
	ret = nf_nat_ipv4_register_fn(net, ops);
	if (ret)
		goto err_ct;
	nn->ops = ops;
	return 0;

err_ct:
	nf_ct_netns_put(net, NFPROTO_IPV4);
err_free:
	kfree(ops);
	return ret;
}

static void nat_detach(struct net *net)
{
	struct nat_net *nn = net_generic(net, nat_net_id);

	nf_nat_ipv4_unregister_fn(net, nn->ops);
	nf_ct_netns_put(net, NFPROTO_IPV4);
	/* A hook may still be running on another CPU. */
	synchronize_net();
	kfree(nn->ops);
	nn->ops = NULL;
}

static const struct mape_napt_ops nat_ops = {
	.owner	= THIS_MODULE,
	.attach	= nat_attach,
	.detach	= nat_detach,
};

static int __net_init nat_net_init(struct net *net)
{
	struct nat_net *nn = net_generic(net, nat_net_id);

	nn->seed = get_random_u32();
	return 0;
}

static struct pernet_operations nat_net_ops = {
	.init	= nat_net_init,
	.id	= &nat_net_id,
	.size	= sizeof(struct nat_net),
};

static int __init mape_nat_init(void)
{
	int ret;

	ret = register_pernet_subsys(&nat_net_ops);
	if (ret)
		return ret;
	ret = mape_napt_register(&nat_ops);
	if (ret)
		unregister_pernet_subsys(&nat_net_ops);
	return ret;
}

static void __exit mape_nat_exit(void)
{
	/* Unloadable only while no namespace is attached. */
	mape_napt_unregister(&nat_ops);
	unregister_pernet_subsys(&nat_net_ops);
}

module_init(mape_nat_init);
module_exit(mape_nat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("MAP-E CE NAPT44 into the PSID port set, through conntrack NAT");
