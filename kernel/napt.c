// SPDX-License-Identifier: GPL-2.0
/*
 * NAPT44, mape.ko's half (see napt.h): the netfilter half's registration
 * and its attachment to namespaces, and the port search. It knows no
 * device: the CE's view for NAPT (mape_napt_get(), mape_napt_count()) is
 * the device's, in device.c.
 */

#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "napt.h"

struct napt_net {
	unsigned int devs;		/* CE devices with napt on, RTNL */
};

static unsigned int napt_net_id __read_mostly;

/* The netfilter half, if loaded; RTNL. */
static const struct mape_napt_ops *napt_ops;

int mape_napt_register(const struct mape_napt_ops *ops)
{
	int ret = 0;

	rtnl_lock();
	if (napt_ops)
		ret = -EBUSY;
	else
		napt_ops = ops;
	rtnl_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(mape_napt_register);

/* No namespace is attached: each holds a reference on ops->owner. */
void mape_napt_unregister(const struct mape_napt_ops *ops)
{
	rtnl_lock();
	if (napt_ops == ops)
		napt_ops = NULL;
	rtnl_unlock();
}
EXPORT_SYMBOL_GPL(mape_napt_unregister);

/* One more user in net: the first attaches the netfilter half. */
int mape_napt_attach(struct net *net, struct netlink_ext_ack *extack)
{
	struct napt_net *nn = net_generic(net, napt_net_id);
	int ret;

	ASSERT_RTNL();
	if (!nn->devs) {
		if (!napt_ops || !try_module_get(napt_ops->owner)) {
			NL_SET_ERR_MSG(extack,
				       "napt needs the mape_nat module (modprobe mape_nat)");
			return -EOPNOTSUPP;
		}
		ret = napt_ops->attach(net);
		if (ret) {
			module_put(napt_ops->owner);
			NL_SET_ERR_MSG(extack, "cannot attach NAT to this namespace");
			return ret;
		}
	}
	nn->devs++;
	return 0;
}

void mape_napt_detach(struct net *net)
{
	struct napt_net *nn = net_generic(net, napt_net_id);

	ASSERT_RTNL();
	if (!--nn->devs) {
		/* Attached means loaded: the reference kept it so. */
		napt_ops->detach(net);
		module_put(napt_ops->owner);
	}
}

static u32 gcd32(u32 a, u32 b)
{
	while (b) {
		u32 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * A free port of the set for a new NAPT mapping: at most
 * MAPE_PORT_SEARCH_MAX candidates, visited from a random start with a
 * random stride coprime to the set's size, so that successive searches
 * spread over every range and a crowded set does not make them walk the
 * same busy stretch. Ports below min are passed over; used() says whether
 * a port is taken. Returns 0 and *port, or -ENOSPC when every candidate
 * tried was below min or taken (the caller counts it and drops: never a
 * port outside the set).
 */
int mape_port_search(const struct mape_portset *ps, u32 rnd1, u32 rnd2,
		     u16 min, bool (*used)(u16 port, void *arg), void *arg,
		     u16 *port)
{
	u32 n = mape_portset_count(ps), tries, i, step;

	if (!n)
		return -ENOSPC;
	tries = n < MAPE_PORT_SEARCH_MAX ? n : MAPE_PORT_SEARCH_MAX;
	i = rnd1 % n;
	step = n > 1 ? 1 + rnd2 % (n - 1) : 1;
	while (gcd32(step, n) != 1)
		step++;
	while (tries--) {
		u16 p = mape_portset_port(ps, i);

		if (p >= min && !used(p, arg)) {
			*port = p;
			return 0;
		}
		i = (i + step) % n;
	}
	return -ENOSPC;
}
EXPORT_SYMBOL_GPL(mape_port_search);

/*
 * Port 0 is no source port. Ports 1-1023 are in a set only when its
 * offset a is 0 (section 5.1 keeps them out for any a > 0); they are the
 * system ports, so a connection gets one only when it came from one (as
 * netfilter's NAT keeps a port's class) or when the set has no other.
 */
u16 mape_port_search_min(const struct mape_portset *ps, u16 orig)
{
	u32 n = mape_portset_count(ps);

	if ((orig && orig < 1024) || !n || mape_portset_port(ps, n - 1) < 1024)
		return 1;
	return 1024;
}
EXPORT_SYMBOL_GPL(mape_port_search_min);

/*
 * Registered before the devices' own pernet operations, so that a dying
 * namespace's devices are gone (and detached) before its count is freed.
 */
static struct pernet_operations napt_net_ops = {
	.id	= &napt_net_id,
	.size	= sizeof(struct napt_net),
};

int __init mape_napt_init(void)
{
	return register_pernet_subsys(&napt_net_ops);
}

void mape_napt_uninit(void)
{
	unregister_pernet_subsys(&napt_net_ops);
}
