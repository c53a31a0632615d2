/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule table of one MAP domain: longest-prefix match on the IPv4 side
 * (the data path: the rule of a destination, or of an inner source on
 * receive) and on the IPv6 side (mapctl lookup ipv6, and the uniqueness
 * of IPv6 prefixes).
 *
 * Each side is one hash table keyed by (prefix, length) plus a bitmap of
 * the lengths in use; a lookup probes the lengths present, longest first,
 * so it costs at most one probe per distinct length (33 for IPv4, 129 for
 * IPv6) whatever the number of rules. A rule is keyed by its IPv4 prefix;
 * two rules may not share an IPv6 prefix either, or the reverse mapping
 * would be ambiguous.
 *
 * The data path only looks up IPv4 addresses (both directions, see
 * rcv.c). Big tables add an index of the lengths present near each
 * address, so that a lookup probes only those: the lengths 16..32 under
 * each /16 and the lengths 25..32 under each /20. With a million random
 * rules of mixed lengths a lookup then costs one or two probes instead of
 * up to 17. The index (1.25 MiB) is built when MAPE_IDX16_MIN rules of
 * those lengths exist (dropped below half that), and kept exact but for
 * deleted lengths, which cost a wasted probe until the index is rebuilt,
 * once the deletions since the last build outnumber half the rules.
 *
 * Locking: updates hold rules->lock (a mutex); lookups run under
 * rcu_read_lock() without locks. Entries and replaced indexes are freed
 * after a grace period.
 */
#ifndef _MAPE_RULES_H
#define _MAPE_RULES_H

#include <linux/bits.h>
#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "mapping.h"

struct mape_rule_entry {
	struct rhash_head node4;
	struct rhash_head node6;
	struct mape_rule rule;
	u32 id;				/* its index in mape_rules.ids */
	u8 type;			/* MAPE_RULE_BMR | MAPE_RULE_FMR */
	struct rcu_head rcu;
};

#define MAPE_RULES_MAX	BIT(23)
#define MAPE_IDX16_MIN	1024

/*
 * lens[x]: the lengths 16..32 present under the /16 x, bit len - 16.
 * sub[y]: the lengths 25..32 present under the /20 y, bit len - 25.
 */
struct mape_idx16 {
	struct rcu_head rcu;
	u32 lens[1 << 16];
	u8 sub[1 << 20];
};

struct mape_rules {
	struct rhashtable t4;
	struct rhashtable t6;
	/* Prefix lengths present; read locklessly, a racing reader may miss
	 * a rule being added, which is the same as arriving a bit earlier.
	 */
	DECLARE_BITMAP(lens4, 33);
	DECLARE_BITMAP(lens6, 129);
	u32 count4[33];			/* under lock */
	u32 count6[129];		/* under lock */
	u32 count;			/* under lock; read with READ_ONCE */
	struct mape_idx16 __rcu *idx16;	/* big tables only */
	u32 idx16_stale;		/* deletions since built, under lock */
	u32 idx16_min;			/* MAPE_IDX16_MIN; KUnit lowers it */
	/*
	 * Every entry by an id given in order of creation (wrapping at
	 * 2^32): a dump resumes from the next id after a pause, holding
	 * nothing. gen changes with every addition or removal, so that a
	 * dump can tell it may have missed one.
	 */
	struct xarray ids;
	u32 next_id;			/* under lock */
	u32 gen;			/* under lock; read with READ_ONCE */
	struct mutex lock;
};

int mape_rules_init(struct mape_rules *t);
/* Frees every entry at once: no reader or writer may be left. */
void mape_rules_destroy(struct mape_rules *t);

/*
 * Insert a validated rule. On an existing IPv4 prefix with identical
 * parameters the types are merged and *merged is set. Caller holds lock.
 */
int mape_rules_add(struct mape_rules *t, const struct mape_rule *r, u8 type,
		   struct mape_rule_entry **out, bool *merged,
		   struct netlink_ext_ack *extack);
/* Remove the rule of an IPv4 prefix; returns it, to be freed by the caller
 * with mape_rules_free() (after any use under the lock). Caller holds lock.
 */
struct mape_rule_entry *mape_rules_del(struct mape_rules *t, __be32 prefix,
				       u8 len);
void mape_rules_free(struct mape_rule_entry *e);
/*
 * Remove up to max rules (a flush of millions is done in batches, the
 * locks dropped between them); true while rules remain. Caller holds lock.
 */
#define MAPE_RULES_BATCH	4096
bool mape_rules_flush(struct mape_rules *t, unsigned int max);
struct mape_rule_entry *mape_rules_find(struct mape_rules *t, __be32 prefix,
					u8 len);

/* Longest-prefix match; caller holds rcu_read_lock() or lock. */
struct mape_rule_entry *mape_rules_lookup4(struct mape_rules *t, __be32 addr);
struct mape_rule_entry *mape_rules_lookup6(struct mape_rules *t,
					   const struct in6_addr *addr);

/*
 * Dump iterator: the entry with the lowest id at or after *id, which is
 * set to its id; NULL after the last. Caller holds rcu_read_lock() (the
 * entry stays valid until it drops it) or lock.
 */
struct mape_rule_entry *mape_rules_next(struct mape_rules *t,
					unsigned long *id);

int mape_rules_module_init(void);
void mape_rules_module_exit(void);

#endif /* _MAPE_RULES_H */
