/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NAPT44 of a CE over its whole port set. RFC 7597 section 5.1 gives a
 * CE 2^a - 1 port ranges, which a NAT rule's single contiguous range
 * cannot express, so mape chooses the ports itself.
 *
 * In two halves. mape.ko keeps what depends on the device: the CE's
 * address and set and its NAPT counters (device.c), the port search over
 * a set and the attachment of the netfilter half to a namespace while
 * that namespace has a CE device with napt on (napt.c). The netfilter half is the module
 * mape_nat (mape_nat.c), so that mape.ko does not need netfilter; this
 * header is all it sees of mape.
 */
#ifndef _MAPE_NAPT_H
#define _MAPE_NAPT_H

#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/types.h>

#include "mapping.h"

struct module;
struct net;
struct net_device;
struct netlink_ext_ack;

/*
 * The netfilter half registers these. mape.ko attaches it to a namespace
 * at the namespace's first CE device with napt on and detaches it at the
 * last one going (RTNL held), and holds a reference on its module
 * meanwhile.
 */
struct mape_napt_ops {
	struct module *owner;
	int (*attach)(struct net *net);
	void (*detach)(struct net *net);
};

int mape_napt_register(const struct mape_napt_ops *ops);
void mape_napt_unregister(const struct mape_napt_ops *ops);

/* What NAPT needs of a CE device with napt on; caller holds RCU. */
struct mape_napt {
	__be32 ip4;
	u8 ip4_len;
	struct mape_portset ports;
};

bool mape_napt_get(const struct net_device *dev, struct mape_napt *n);
/* Counts napt_translations or napt_exhausted on a mape device. */
void mape_napt_count(const struct net_device *dev, enum mape_stat s);

/*
 * Candidates a port search tries before calling the set exhausted: every
 * port of any set of PSID length 4 or more (offset 6); a bigger set is
 * searched this far, so it may be called full with a few ports free.
 */
#define MAPE_PORT_SEARCH_MAX	4096
int mape_port_search(const struct mape_portset *ps, u32 rnd1, u32 rnd2,
		     u16 min, bool (*used)(u16 port, void *arg), void *arg,
		     u16 *port);
/* The min of a search for a connection from port orig. */
u16 mape_port_search_min(const struct mape_portset *ps, u16 orig);

/*
 * The memory of destinations whose port set was just found full.
 *
 * A search of a full set tries every port of it (mape_port_search()),
 * and each packet of a refused connection comes back for another one: a
 * LAN host (a resolver asking one server, a flood) could make every packet
 * cost a few hundred conntrack lookups, thousands for a short PSID. So a
 * failed search is remembered by its destination for MAPE_NAPT_FULL_MS,
 * and new connections to it meanwhile are refused (and counted) without a
 * search: at most one search per destination and window, the cost of a
 * refusal otherwise one hash probe. A port freed within the window waits
 * for its end, 100 ms at most.
 *
 * The slots are read and written locklessly from the NAT hook on any CPU:
 * a stale or torn slot is a hint off by one decision (a search made, or a
 * connection refused, that would not have been), never a wrong port.
 */
#define MAPE_NAPT_FULL_SLOTS	64	/* a power of two */
#define MAPE_NAPT_FULL_MS	100

struct mape_napt_full {
	u32 key;		/* a hash of the destination; 0: empty */
	unsigned long until;	/* jiffies */
};

static inline bool mape_napt_full_hit(const struct mape_napt_full *f, u32 key,
				      unsigned long now)
{
	const struct mape_napt_full *s = &f[key & (MAPE_NAPT_FULL_SLOTS - 1)];

	return key && READ_ONCE(s->key) == key &&
	       time_before(now, READ_ONCE(s->until));
}

static inline void mape_napt_full_set(struct mape_napt_full *f, u32 key,
				      unsigned long now)
{
	struct mape_napt_full *s = &f[key & (MAPE_NAPT_FULL_SLOTS - 1)];

	WRITE_ONCE(s->until, now + msecs_to_jiffies(MAPE_NAPT_FULL_MS));
	WRITE_ONCE(s->key, key);
}

/*
 * mape.ko's side: a CE device's napt on and off in net, RTNL held (the
 * device remembers whether it counts).
 */
int mape_napt_attach(struct net *net, struct netlink_ext_ack *extack);
void mape_napt_detach(struct net *net);
int mape_napt_init(void);
void mape_napt_uninit(void);

#endif /* _MAPE_NAPT_H */
