// SPDX-License-Identifier: GPL-2.0
/*
 * The mape netdevice: netdev ops, rtnl_link_ops.
 */

#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/rtnetlink.h>
#include <linux/module.h>

#include "device.h"

static netdev_tx_t mape_xmit(struct sk_buff *skb, struct net_device *dev)
{
	/* No rules yet: every packet is a counted drop. */
	dev_core_stats_tx_dropped_inc(dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int mape_dev_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
	return 0;
}

static void mape_dev_uninit(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static const struct net_device_ops mape_netdev_ops = {
	.ndo_init		= mape_dev_init,
	.ndo_uninit		= mape_dev_uninit,
	.ndo_start_xmit		= mape_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

static void mape_setup(struct net_device *dev)
{
	dev->netdev_ops = &mape_netdev_ops;
	dev->needs_free_netdev = true;
	dev->type = ARPHRD_TUNNEL6;
	dev->flags = IFF_NOARP | IFF_POINTOPOINT;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->features |= NETIF_F_LLTX;
	dev->addr_len = 0;
	dev->hard_header_len = 0;
	dev->needed_headroom = sizeof(struct ipv6hdr) + LL_MAX_HEADER;
	dev->mtu = ETH_DATA_LEN - sizeof(struct ipv6hdr);
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - sizeof(struct ipv6hdr);
}

static struct rtnl_link_ops mape_link_ops __read_mostly = {
	.kind		= "mape",
	.priv_size	= sizeof(struct mape_dev),
	.setup		= mape_setup,
};

int __init mape_device_init(void)
{
	return rtnl_link_register(&mape_link_ops);
}

void mape_device_uninit(void)
{
	rtnl_link_unregister(&mape_link_ops);
}
MODULE_ALIAS_RTNL_LINK("mape");
