/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What changed between the kernels mape builds against (Debian's 6.1 and
 * 6.12, and those between): one shim per change, each saying which kernel
 * changed what. Kbuild finds each change in the kernel's headers
 * (MAPE_HAVE_*), not by version: stable updates backport some of them.
 * Nothing else in kernel/ depends on the kernel's version.
 */
#ifndef _MAPE_COMPAT_H
#define _MAPE_COMPAT_H

#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

/*
 * 6.4 moved skb_gso_segment() and skb_gso_validate_network_len() out of
 * netdevice.h and skbuff.h into net/gso.h.
 */
#ifdef MAPE_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

/*
 * 6.12 turned NETIF_F_LLTX and NETIF_F_NETNS_LOCAL, which were never
 * features one could toggle, into the device's lltx and netns_local bits;
 * 6.13 renamed netns_local netns_immutable, and 6.12's stable updates took
 * the rename too (6.12.117 has it).
 */
static inline void mape_set_lltx_netns_local(struct net_device *dev)
{
#ifdef MAPE_HAVE_DEV_LLTX
	dev->lltx = true;
#ifdef MAPE_HAVE_NETNS_IMMUTABLE
	dev->netns_immutable = true;
#else
	dev->netns_local = true;
#endif
#else
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
#endif
}

/*
 * 6.7 (and 6.1's stable updates: Debian's 6.1 has it) lets the core
 * allocate and free a device's per-cpu stats of the pcpu_stat_type it
 * names; 6.12's iptunnel_xmit_stats() counts only into stats of that
 * type, with a WARN otherwise. Before that the driver allocates them.
 */
static inline void mape_tstats_setup(struct net_device *dev)
{
#ifdef MAPE_HAVE_PCPU_STAT_TYPE
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
#endif
}

static inline int mape_tstats_alloc(struct net_device *dev)
{
#ifndef MAPE_HAVE_PCPU_STAT_TYPE
	dev->tstats = __netdev_alloc_pcpu_stats(struct pcpu_sw_netstats,
						GFP_KERNEL_ACCOUNT);
	if (!dev->tstats)
		return -ENOMEM;
#endif
	return 0;
}

static inline void mape_tstats_free(struct net_device *dev)
{
#ifndef MAPE_HAVE_PCPU_STAT_TYPE
	free_percpu(dev->tstats);
#endif
}

/*
 * 6.2 gave dumps a struct genl_info of their own (genl_dumpit_info's
 * info), where the parsed attributes now live.
 */
static inline struct nlattr **mape_dump_attrs(struct netlink_callback *cb)
{
#ifdef MAPE_HAVE_GENL_DUMP_INFO
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * 6.15 passes rtnl_link_ops.newlink its namespaces and attributes in a
 * struct rtnl_newlink_params (MAPE_HAVE_NEWLINK_PARAMS): device.c's op
 * takes either form, the only shim that has to be a function of its own.
 */

#endif /* _MAPE_COMPAT_H */
