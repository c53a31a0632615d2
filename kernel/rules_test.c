// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the rule table, against a deliberately naive model: a
 * flat array searched linearly. Random inserts, deletes and lookups from
 * a printed seed; the table must agree with the model at every step and
 * end empty.
 */

#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/netlink.h>
#include <net/ipv6.h>

#include "rules.h"

#define NRULES	1500
#define NOPS	20000

struct model {
	struct mape_rule r;
	u8 type;
	bool present;
};

static u32 rnd(struct rnd_state *rs, u32 n)
{
	return prandom_u32_state(rs) % n;
}

static void random_prefixes(struct rnd_state *rs, struct mape_rule *r)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	/* Mostly the lengths a BR serves, some anywhere. */
	r->prefix4_len = rnd(rs, 4) ? 16 + rnd(rs, 17) : rnd(rs, 33);
	r->prefix4 = cpu_to_be32(prandom_u32_state(rs) &
				 (r->prefix4_len ? ~0U << (32 - r->prefix4_len) : 0));
	r->prefix6_len = rnd(rs, 4) ? 32 + rnd(rs, 33) : rnd(rs, 129);
	for (i = 0; i < 4; i++)
		r->prefix6.s6_addr32[i] = (__force __be32)prandom_u32_state(rs);
	/* Share a /24 most of the time, so prefixes nest. */
	if (rnd(rs, 2))
		r->prefix6.s6_addr32[0] = htonl(0x20010db8);
	ipv6_addr_prefix(&r->prefix6, &r->prefix6, r->prefix6_len);
	r->ea_len = rnd(rs, 20);
}

static struct model *model_find4(struct model *m, unsigned int n, __be32 a)
{
	struct model *best = NULL;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (m[i].present &&
		    mape_ipv4_prefix_match(a, m[i].r.prefix4, m[i].r.prefix4_len) &&
		    (!best || m[i].r.prefix4_len > best->r.prefix4_len))
			best = &m[i];
	return best;
}

static struct model *model_find6(struct model *m, unsigned int n,
				 const struct in6_addr *a)
{
	struct model *best = NULL;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (m[i].present &&
		    mape_ipv6_prefix_match(a, &m[i].r.prefix6, m[i].r.prefix6_len) &&
		    (!best || m[i].r.prefix6_len > best->r.prefix6_len))
			best = &m[i];
	return best;
}

static bool clash(struct model *m, unsigned int n, const struct mape_rule *r)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (m[i].present &&
		    ((m[i].r.prefix4 == r->prefix4 &&
		      m[i].r.prefix4_len == r->prefix4_len) ||
		     (m[i].r.prefix6_len == r->prefix6_len &&
		      ipv6_addr_equal(&m[i].r.prefix6, &r->prefix6))))
			return true;
	return false;
}

static void random_vs_model(struct kunit *test, u32 idx16_min)
{
	struct mape_rules *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct model *m = kunit_kcalloc(test, NRULES, sizeof(*m), GFP_KERNEL);
	u64 seed = get_random_u64();
	unsigned int n = 0, i, op, errors = 0, builds = 0;
	const void *idx = NULL;
	struct rnd_state rs;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, m);
	kunit_info(test, "seed %llu\n", seed);
	prandom_seed_state(&rs, seed);
	KUNIT_ASSERT_EQ(test, mape_rules_init(t), 0);
	t->idx16_min = idx16_min;

	for (op = 0; op < NOPS; op++) {
		unsigned int what = rnd(&rs, 10);
		struct mape_rule_entry *e;
		struct netlink_ext_ack ext = {};
		struct model *x;
		bool merged;

		if (rcu_access_pointer(t->idx16) != idx) {
			idx = rcu_access_pointer(t->idx16);
			builds += !!idx;
		}

		if (what < 3 && n < NRULES) {
			struct mape_rule r;
			int ret, want;

			random_prefixes(&rs, &r);
			want = clash(m, n, &r) ? -EEXIST : 0;
			mutex_lock(&t->lock);
			ret = mape_rules_add(t, &r, MAPE_RULE_FMR, &e, &merged,
					     &ext);
			mutex_unlock(&t->lock);
			if (ret != want)
				errors++;
			if (!ret) {
				m[n].r = r;
				m[n].type = MAPE_RULE_FMR;
				m[n++].present = true;
			}
		} else if (what < 4 && n) {
			x = &m[rnd(&rs, n)];
			if (!x->present)
				continue;
			mutex_lock(&t->lock);
			e = mape_rules_del(t, x->r.prefix4, x->r.prefix4_len);
			mutex_unlock(&t->lock);
			if (!!e != x->present ||
			    (e && !ipv6_addr_equal(&e->rule.prefix6, &x->r.prefix6)))
				errors++;
			if (e)
				mape_rules_free(e);
			x->present = false;
		} else if (what < 7) {
			__be32 a = (__force __be32)prandom_u32_state(&rs);

			/* Half the probes land inside a known prefix. */
			if (n && rnd(&rs, 2)) {
				u32 host;

				x = &m[rnd(&rs, n)];
				host = x->r.prefix4_len ?
				       ~(~0U << (32 - x->r.prefix4_len)) : ~0U;
				a = x->r.prefix4 | (a & cpu_to_be32(host));
			}
			x = model_find4(m, n, a);
			rcu_read_lock();
			e = mape_rules_lookup4(t, a);
			if ((!e != !x) ||
			    (e && (e->rule.prefix4 != x->r.prefix4 ||
				   e->rule.prefix4_len != x->r.prefix4_len)))
				errors++;
			rcu_read_unlock();
		} else {
			struct in6_addr a;

			for (i = 0; i < 4; i++)
				a.s6_addr32[i] = (__force __be32)prandom_u32_state(&rs);
			if (n && rnd(&rs, 4)) {
				struct in6_addr low = a;

				x = &m[rnd(&rs, n)];
				ipv6_addr_prefix(&a, &x->r.prefix6, x->r.prefix6_len);
				for (i = x->r.prefix6_len; i < 128; i++)
					if (low.s6_addr[i / 8] & (0x80 >> (i % 8)))
						a.s6_addr[i / 8] |= 0x80 >> (i % 8);
			}
			x = model_find6(m, n, &a);
			rcu_read_lock();
			e = mape_rules_lookup6(t, &a);
			if ((!e != !x) ||
			    (e && (e->rule.prefix6_len != x->r.prefix6_len ||
				   e->rule.prefix4 != x->r.prefix4)))
				errors++;
			rcu_read_unlock();
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, errors, 0, "table and model disagree (seed %llu)",
			    seed);

	/* Remove what is left; the table must end empty. */
	mutex_lock(&t->lock);
	for (i = 0; i < n; i++) {
		struct mape_rule_entry *e;

		if (!m[i].present)
			continue;
		e = mape_rules_del(t, m[i].r.prefix4, m[i].r.prefix4_len);
		KUNIT_EXPECT_NOT_NULL(test, e);
		if (e)
			mape_rules_free(e);
	}
	KUNIT_EXPECT_EQ(test, t->count, 0);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(t->lens4, 33));
	KUNIT_EXPECT_TRUE(test, bitmap_empty(t->lens6, 129));
	mutex_unlock(&t->lock);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->t4.nelems), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->t6.nelems), 0);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(t->idx16));
	if (idx16_min < NRULES / 2)
		KUNIT_EXPECT_GT(test, builds, 1U);
	synchronize_rcu();
	mape_rules_destroy(t);
}

static void rules_random_vs_model(struct kunit *test)
{
	random_vs_model(test, MAPE_IDX16_MIN);
}

/*
 * The same with the /16 index from a few rules on: built, kept up by
 * inserts, rebuilt after deletions (stale lengths), dropped when small.
 */
static void rules_random_indexed(struct kunit *test)
{
	random_vs_model(test, 16);
}

/* A BMR and an FMR with identical parameters are one rule of both types. */
static void rules_merge_and_flush(struct kunit *test)
{
	struct mape_rules *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct mape_rule r = { .prefix6_len = 40, .prefix4_len = 24,
			       .ea_len = 16, .psid_offset = 6, .psid_len = 8 };
	struct mape_rule_entry *e, *e2;
	struct netlink_ext_ack ext = {};
	bool merged;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, mape_rules_init(t), 0);
	r.prefix6.s6_addr32[0] = htonl(0x20010db8);
	r.prefix4 = htonl(0xc0000200);
	mutex_lock(&t->lock);
	KUNIT_EXPECT_EQ(test, mape_rules_add(t, &r, MAPE_RULE_BMR, &e, &merged,
					     &ext), 0);
	KUNIT_EXPECT_FALSE(test, merged);
	KUNIT_EXPECT_EQ(test, mape_rules_add(t, &r, MAPE_RULE_FMR, &e2, &merged,
					     &ext), 0);
	KUNIT_EXPECT_TRUE(test, merged);
	KUNIT_EXPECT_PTR_EQ(test, e, e2);
	KUNIT_EXPECT_EQ(test, e->type, MAPE_RULE_BMR | MAPE_RULE_FMR);
	KUNIT_EXPECT_EQ(test, mape_rules_add(t, &r, MAPE_RULE_FMR, &e2, &merged,
					     &ext), -EEXIST);
	r.ea_len = 15;
	KUNIT_EXPECT_EQ(test, mape_rules_add(t, &r, MAPE_RULE_FMR, &e2, &merged,
					     &ext), -EEXIST);
	KUNIT_EXPECT_EQ(test, t->count, 1);

	/* Enough rules to make the tables resize, then flush them all. */
	for (i = 1; i < 3000; i++) {
		r.prefix4 = htonl(0x0a000000 + (i << 8));
		r.prefix6.s6_addr32[1] = htonl(i << 8);
		KUNIT_EXPECT_EQ(test, mape_rules_add(t, &r, MAPE_RULE_FMR, &e2,
						     &merged, &ext), 0);
	}
	KUNIT_EXPECT_EQ(test, t->count, 3000);

	/* The dump iterator sees each rule once, in order of creation,
	 * and resumes from an id alone, even past a removed entry.
	 */
	{
		unsigned long id = 0, prev = 0;
		unsigned int seen = 0;
		u32 gen = READ_ONCE(t->gen);

		while ((e2 = mape_rules_next(t, &id))) {
			KUNIT_EXPECT_TRUE(test, !seen || id > prev);
			KUNIT_EXPECT_EQ(test, e2->id, (u32)id);
			prev = id++;
			/* The next one, id 1000, goes before it is seen. */
			if (++seen == 1000) {
				__be32 next = htonl(0x0a000000 + (1000 << 8));

				mape_rules_free(mape_rules_del(t, next, 24));
			}
		}
		KUNIT_EXPECT_EQ(test, seen, 2999);
		KUNIT_EXPECT_NE(test, READ_ONCE(t->gen), gen);
	}

	/* In batches: true while rules remain. */
	i = 0;
	while (mape_rules_flush(t, 1000))
		i++;
	KUNIT_EXPECT_EQ(test, i, 2);
	KUNIT_EXPECT_EQ(test, t->count, 0);
	KUNIT_EXPECT_PTR_EQ(test, mape_rules_next(t, &(unsigned long){ 0 }),
			    NULL);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(t->lens4, 33));
	mutex_unlock(&t->lock);
	synchronize_rcu();
	mape_rules_destroy(t);
}

static struct kunit_case rules_cases[] = {
	KUNIT_CASE(rules_random_vs_model),
	KUNIT_CASE(rules_random_indexed),
	KUNIT_CASE(rules_merge_and_flush),
	{}
};

static struct kunit_suite rules_suite = {
	.name = "mape_rules",
	.test_cases = rules_cases,
};

kunit_test_suite(rules_suite);
