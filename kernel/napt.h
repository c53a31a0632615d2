/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NAPT: the memory of destinations whose port set was just found full.
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
#ifndef _MAPE_NAPT_H
#define _MAPE_NAPT_H

#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/types.h>

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

#endif /* _MAPE_NAPT_H */
