// SPDX-License-Identifier: GPL-2.0
/*
 * The MAP rule table. See rules.h for the structure and the locking.
 */

#include <linux/jhash.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "rules.h"

static struct kmem_cache *rule_cache;

struct key4 {
	__be32 addr;
	u8 len;
};

struct key6 {
	const struct in6_addr *addr;
	u8 len;
};

static u32 hash4(__be32 addr, u8 len, u32 seed)
{
	return jhash_2words((__force u32)addr, len, seed);
}

static u32 hash6(const struct in6_addr *a, u8 len, u32 seed)
{
	return jhash2((const u32 *)a->s6_addr32, 4, seed ^ len);
}

static u32 key4_hash(const void *data, u32 len, u32 seed)
{
	const struct key4 *k = data;

	return hash4(k->addr, k->len, seed);
}

static u32 obj4_hash(const void *data, u32 len, u32 seed)
{
	const struct mape_rule_entry *e = data;

	return hash4(e->rule.prefix4, e->rule.prefix4_len, seed);
}

static int obj4_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct mape_rule_entry *e = obj;
	const struct key4 *k = arg->key;

	return !(e->rule.prefix4 == k->addr && e->rule.prefix4_len == k->len);
}

static u32 key6_hash(const void *data, u32 len, u32 seed)
{
	const struct key6 *k = data;

	return hash6(k->addr, k->len, seed);
}

static u32 obj6_hash(const void *data, u32 len, u32 seed)
{
	const struct mape_rule_entry *e = data;

	return hash6(&e->rule.prefix6, e->rule.prefix6_len, seed);
}

static int obj6_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct mape_rule_entry *e = obj;
	const struct key6 *k = arg->key;

	/* Both sides are masked to their length. */
	return !(e->rule.prefix6_len == k->len &&
		 ipv6_addr_equal(&e->rule.prefix6, k->addr));
}

static const struct rhashtable_params params4 = {
	.head_offset = offsetof(struct mape_rule_entry, node4),
	.key_len = sizeof(struct key4),
	.hashfn = key4_hash,
	.obj_hashfn = obj4_hash,
	.obj_cmpfn = obj4_cmp,
	.automatic_shrinking = true,
};

static const struct rhashtable_params params6 = {
	.head_offset = offsetof(struct mape_rule_entry, node6),
	.key_len = sizeof(struct key6),
	.hashfn = key6_hash,
	.obj_hashfn = obj6_hash,
	.obj_cmpfn = obj6_cmp,
	.automatic_shrinking = true,
};

int mape_rules_init(struct mape_rules *t)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->idx16_min = MAPE_IDX16_MIN;
	mutex_init(&t->lock);
	xa_init_flags(&t->ids, XA_FLAGS_ALLOC | XA_FLAGS_ACCOUNT);
	ret = rhashtable_init(&t->t4, &params4);
	if (ret)
		return ret;
	ret = rhashtable_init(&t->t6, &params6);
	if (ret)
		rhashtable_destroy(&t->t4);
	return ret;
}

static void free_entry(void *ptr, void *arg)
{
	kmem_cache_free(rule_cache, ptr);
}

void mape_rules_destroy(struct mape_rules *t)
{
	kvfree(rcu_dereference_protected(t->idx16, true));
	rhashtable_destroy(&t->t6);
	rhashtable_free_and_destroy(&t->t4, free_entry, NULL);
	xa_destroy(&t->ids);
	mutex_destroy(&t->lock);
}

static bool same_rule(const struct mape_rule *a, const struct mape_rule *b)
{
	return ipv6_addr_equal(&a->prefix6, &b->prefix6) &&
	       a->prefix6_len == b->prefix6_len && a->prefix4 == b->prefix4 &&
	       a->prefix4_len == b->prefix4_len && a->ea_len == b->ea_len &&
	       a->psid_offset == b->psid_offset && a->psid_len == b->psid_len &&
	       a->psid == b->psid;
}

struct mape_rule_entry *mape_rules_find(struct mape_rules *t, __be32 prefix,
					u8 len)
{
	struct key4 k = { .addr = prefix, .len = len };

	return rhashtable_lookup_fast(&t->t4, &k, params4);
}

static u32 long_rules(const struct mape_rules *t)
{
	u32 n = 0;
	int len;

	for (len = 16; len <= 32; len++)
		n += t->count4[len];
	return n;
}

static void idx16_free_rcu(struct rcu_head *head)
{
	kvfree(container_of(head, struct mape_idx16, rcu));
}

/*
 * Record a rule's length; a racing reader may miss the rule being added,
 * as with lens4. The /20 word is written before the /16 word that says
 * to read it.
 */
static void idx16_set(struct mape_idx16 *idx, __be32 prefix, u8 len)
{
	u32 h = ntohl(prefix), *l = &idx->lens[h >> 16];

	if (len > 24)
		WRITE_ONCE(idx->sub[h >> 12], idx->sub[h >> 12] | BIT(len - 25));
	/* Release: a reader that sees the length sees the /20 word. */
	smp_store_release(l, *l | BIT(len - 16));
}

/*
 * (Re)build the index from the table, or drop it when the table became
 * small. A walk under the lock sees every entry (a concurrent resize only
 * repeats some). Failing to allocate keeps the old index, which is exact
 * or a superset: still correct.
 */
static void idx16_build(struct mape_rules *t)
{
	struct mape_idx16 *old = rcu_dereference_protected(t->idx16,
					lockdep_is_held(&t->lock));
	struct mape_idx16 *idx = NULL;
	struct mape_rule_entry *e;
	unsigned long id;

	if (long_rules(t) >= t->idx16_min) {
		idx = kvzalloc(sizeof(*idx), GFP_KERNEL_ACCOUNT);
		if (!idx)
			return;
		xa_for_each(&t->ids, id, e) {
			if (e->rule.prefix4_len >= 16)
				idx16_set(idx, e->rule.prefix4,
					  e->rule.prefix4_len);
			/* Millions of rules: others may run meanwhile. */
			if (!(id % 1024))
				cond_resched();
		}
	}
	rcu_assign_pointer(t->idx16, idx);
	t->idx16_stale = 0;
	if (old)
		call_rcu(&old->rcu, idx16_free_rcu);
}

static void idx16_add(struct mape_rules *t, const struct mape_rule *r)
{
	struct mape_idx16 *idx = rcu_dereference_protected(t->idx16,
					lockdep_is_held(&t->lock));

	if (r->prefix4_len < 16)
		return;
	if (idx)
		idx16_set(idx, r->prefix4, r->prefix4_len);
	else if (long_rules(t) == t->idx16_min)
		idx16_build(t);
}

static void idx16_del(struct mape_rules *t, const struct mape_rule *r)
{
	if (r->prefix4_len < 16 || !rcu_access_pointer(t->idx16))
		return;
	if (++t->idx16_stale > t->count / 2 ||
	    long_rules(t) < t->idx16_min / 2)
		idx16_build(t);
}

int mape_rules_add(struct mape_rules *t, const struct mape_rule *r, u8 type,
		   struct mape_rule_entry **out, bool *merged,
		   struct netlink_ext_ack *extack)
{
	struct mape_rule_entry *e;
	struct key4 k4;
	struct key6 k6;
	int ret;

	lockdep_assert_held(&t->lock);
	*merged = false;
	e = mape_rules_find(t, r->prefix4, r->prefix4_len);
	if (e) {
		if (!same_rule(&e->rule, r) || (e->type & type) == type) {
			NL_SET_ERR_MSG(extack, "a rule for this IPv4 prefix exists");
			return -EEXIST;
		}
		/* Only ever gains a bit: readers see either value. */
		WRITE_ONCE(e->type, e->type | type);
		WRITE_ONCE(t->gen, t->gen + 1);
		*merged = true;
		*out = e;
		return 0;
	}
	if (t->count >= MAPE_RULES_MAX) {
		NL_SET_ERR_MSG(extack, "too many rules on this device");
		return -ENOSPC;
	}
	e = kmem_cache_zalloc(rule_cache, GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	e->rule = *r;
	e->type = type;
	k4.addr = r->prefix4;
	k4.len = r->prefix4_len;
	k6.addr = &e->rule.prefix6;
	k6.len = r->prefix6_len;
	ret = rhashtable_lookup_insert_key(&t->t6, &k6, &e->node6, params6);
	if (ret) {
		if (ret == -EEXIST)
			NL_SET_ERR_MSG(extack, "a rule with this IPv6 prefix exists");
		else
			NL_SET_ERR_MSG(extack, "cannot grow the rule table");
		goto err_free;
	}
	ret = rhashtable_lookup_insert_key(&t->t4, &k4, &e->node4, params4);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot grow the rule table");
		goto err_del6;
	}
	ret = xa_alloc_cyclic(&t->ids, &e->id, e, xa_limit_32b, &t->next_id,
			      GFP_KERNEL);
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "cannot grow the rule table");
		goto err_del4;
	}
	if (!t->count4[r->prefix4_len]++)
		set_bit(r->prefix4_len, t->lens4);
	if (!t->count6[r->prefix6_len]++)
		set_bit(r->prefix6_len, t->lens6);
	WRITE_ONCE(t->count, t->count + 1);
	WRITE_ONCE(t->gen, t->gen + 1);
	idx16_add(t, r);
	*out = e;
	return 0;

err_del4:
	rhashtable_remove_fast(&t->t4, &e->node4, params4);
err_del6:
	rhashtable_remove_fast(&t->t6, &e->node6, params6);
	mape_rules_free(e);
	return ret;
err_free:
	kmem_cache_free(rule_cache, e);
	return ret;
}

static void unlink_entry(struct mape_rules *t, struct mape_rule_entry *e)
{
	rhashtable_remove_fast(&t->t4, &e->node4, params4);
	rhashtable_remove_fast(&t->t6, &e->node6, params6);
	xa_erase(&t->ids, e->id);
	if (!--t->count4[e->rule.prefix4_len])
		clear_bit(e->rule.prefix4_len, t->lens4);
	if (!--t->count6[e->rule.prefix6_len])
		clear_bit(e->rule.prefix6_len, t->lens6);
	WRITE_ONCE(t->count, t->count - 1);
	WRITE_ONCE(t->gen, t->gen + 1);
}

struct mape_rule_entry *mape_rules_del(struct mape_rules *t, __be32 prefix,
				       u8 len)
{
	struct mape_rule_entry *e;

	lockdep_assert_held(&t->lock);
	e = mape_rules_find(t, prefix, len);
	if (e) {
		unlink_entry(t, e);
		idx16_del(t, &e->rule);
	}
	return e;
}

static void free_rcu(struct rcu_head *head)
{
	kmem_cache_free(rule_cache,
			container_of(head, struct mape_rule_entry, rcu));
}

void mape_rules_free(struct mape_rule_entry *e)
{
	call_rcu(&e->rcu, free_rcu);
}

bool mape_rules_flush(struct mape_rules *t, unsigned int max)
{
	struct mape_rule_entry *e;
	unsigned int n = 0;
	unsigned long id;

	lockdep_assert_held(&t->lock);
	/* Entries removed here are freed after a grace period. */
	xa_for_each(&t->ids, id, e) {
		unlink_entry(t, e);
		mape_rules_free(e);
		if (++n == max)
			break;
	}
	/* The index is a superset meanwhile: still right, and dropped at
	 * the end.
	 */
	if (t->count)
		return true;
	idx16_build(t);
	return false;
}

/* The lengths 16..32 of lens4, bit len - 16. */
static unsigned long long_lens(const unsigned long *lens4)
{
#if BITS_PER_LONG == 64
	return (lens4[0] >> 16) & GENMASK(16, 0);
#else
	return (lens4[0] >> 16) | ((lens4[1] & 1) << 16);
#endif
}

static struct mape_rule_entry *probe4(struct mape_rules *t, __be32 addr,
				      int len)
{
	struct key4 k = {
		.addr = addr & cpu_to_be32(mape_mask4(len)),
		.len = len,
	};

	return rhashtable_lookup(&t->t4, &k, params4);
}

struct mape_rule_entry *mape_rules_lookup4(struct mape_rules *t, __be32 addr)
{
	const struct mape_idx16 *idx = rcu_dereference_check(t->idx16,
					lockdep_is_held(&t->lock));
	struct mape_rule_entry *e;
	unsigned long lens;
	int len;

	/* Lengths 16..32: those near addr when indexed. */
	if (idx) {
		u32 h = ntohl(addr);

		/* Pairs with idx16_set(): the /20 word is there. */
		lens = smp_load_acquire(&idx->lens[h >> 16]);
		if (lens >> 9)
			lens = (lens & GENMASK(8, 0)) |
			       (unsigned long)READ_ONCE(idx->sub[h >> 12]) << 9;
	} else {
		lens = long_lens(t->lens4);
	}
	while (lens) {
		len = __fls(lens);
		e = probe4(t, addr, len + 16);
		if (e)
			return e;
		__clear_bit(len, &lens);
	}
	lens = READ_ONCE(t->lens4[0]) & GENMASK(15, 0);
	while (lens) {
		len = __fls(lens);
		e = probe4(t, addr, len);
		if (e)
			return e;
		__clear_bit(len, &lens);
	}
	return NULL;
}

struct mape_rule_entry *mape_rules_lookup6(struct mape_rules *t,
					   const struct in6_addr *addr)
{
	struct mape_rule_entry *e;
	struct in6_addr masked;
	struct key6 k = { .addr = &masked };
	int len;

	for (len = 128; len >= 0; len--) {
		if (!test_bit(len, t->lens6))
			continue;
		ipv6_addr_prefix(&masked, addr, len);
		k.len = len;
		e = rhashtable_lookup(&t->t6, &k, params6);
		if (e)
			return e;
	}
	return NULL;
}

struct mape_rule_entry *mape_rules_next(struct mape_rules *t,
					unsigned long *id)
{
	return xa_find(&t->ids, id, U32_MAX, XA_PRESENT);
}

int __init mape_rules_module_init(void)
{
	rule_cache = KMEM_CACHE(mape_rule_entry, SLAB_ACCOUNT);
	return rule_cache ? 0 : -ENOMEM;
}

void mape_rules_module_exit(void)
{
	/* Entries are freed by call_rcu(): wait for the callbacks. */
	rcu_barrier();
	kmem_cache_destroy(rule_cache);
}
