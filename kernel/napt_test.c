// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for NAPT's port search over a PSID set and its memory of
 * full sets.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "napt.h"

/* A "used" callback over a bitmap of taken ports; counts its calls. */
struct taken {
	unsigned long *map;
	unsigned int calls;
};

static bool taken_used(u16 port, void *arg)
{
	struct taken *t = arg;

	t->calls++;
	return test_bit(port, t->map);
}

static int search(const struct mape_portset *ps, struct taken *t, u16 *port)
{
	return mape_port_search(ps, get_random_u32(), get_random_u32(), 1,
				taken_used, t, port);
}

/*
 * Offset 0 puts system ports, and port 0, in the sets of the lowest
 * PSIDs: port 0 is never chosen, 1-1023 only for a connection from a
 * system port or when the set has no other.
 */
static void napt_port_search_low(struct kunit *test)
{
	static const struct {
		struct mape_portset ps;
		u16 orig, min;
	} cases[] = {
		{ { .offset = 0, .len = 4, .psid = 0 }, 40000, 1024 },
		{ { .offset = 0, .len = 4, .psid = 0 }, 0, 1024 },
		{ { .offset = 0, .len = 4, .psid = 0 }, 80, 1 },
		{ { .offset = 0, .len = 6, .psid = 0 }, 40000, 1 },	/* 0-1023 */
		{ { .offset = 0, .len = 8, .psid = 0 }, 5000, 1 },	/* 0-255 */
		{ { .offset = 6, .len = 8, .psid = 0x34 }, 40000, 1024 },
		{ { .offset = 6, .len = 8, .psid = 0x34 }, 53, 1 },
	};
	unsigned long *map = kunit_kzalloc(test, BITS_TO_LONGS(65536) *
					   sizeof(long), GFP_KERNEL);
	struct taken t = { .map = map };
	unsigned int c, i;
	u16 port, min;

	KUNIT_ASSERT_NOT_NULL(test, map);
	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		const struct mape_portset *ps = &cases[c].ps;
		u32 n = mape_portset_count(ps);

		min = mape_port_search_min(ps, cases[c].orig);
		KUNIT_EXPECT_EQ(test, min, cases[c].min);
		/* Take every port the search will give: none below min. */
		bitmap_zero(map, 65536);
		for (i = 0; i < n; i++) {
			if (mape_port_search(ps, get_random_u32(),
					     get_random_u32(), min, taken_used,
					     &t, &port))
				break;
			KUNIT_EXPECT_GE(test, port, min);
			KUNIT_EXPECT_TRUE(test, mape_port_in_set(ps, port));
			__set_bit(port, map);
		}
		/* Exactly the set's ports from min on were handed out. */
		for (i = 0; i < n; i++) {
			port = mape_portset_port(ps, i);
			KUNIT_EXPECT_EQ(test, !!test_bit(port, map), port >= min);
		}
	}
}

/*
 * The NAPT port search: the i-th port enumeration covers exactly the set;
 * a search returns only free ports of the set, finds the last free port
 * of a nearly full set (the stride visits every port), gives -ENOSPC on a
 * full one after at most MAPE_PORT_SEARCH_MAX tries, and successive
 * searches from random seeds spread over all ranges.
 */
static void napt_port_search(struct kunit *test)
{
	static const struct mape_portset sets[] = {
		{ .offset = 6, .len = 8, .psid = 0x34 },	/* 252 ports */
		{ .offset = 6, .len = 4, .psid = 0x3 },		/* 4032 */
		{ .offset = 0, .len = 6, .psid = 0x2a },	/* 1024, a = 0 */
		{ .offset = 4, .len = 12, .psid = 0xabc },	/* 15 */
	};
	unsigned long *map = kunit_kzalloc(test, BITS_TO_LONGS(65536) *
					   sizeof(long), GFP_KERNEL);
	struct taken t = { .map = map };
	unsigned int s, i;

	KUNIT_ASSERT_NOT_NULL(test, map);
	for (s = 0; s < ARRAY_SIZE(sets); s++) {
		const struct mape_portset *ps = &sets[s];
		u32 n = mape_portset_count(ps);
		unsigned int ranges = mape_portset_nranges(ps);
		unsigned long *seen_ranges;
		u16 port, last;

		/* The enumeration is the set, each port once. */
		bitmap_zero(map, 65536);
		for (i = 0; i < n; i++) {
			port = mape_portset_port(ps, i);
			KUNIT_ASSERT_TRUE(test, mape_port_in_set(ps, port));
			KUNIT_ASSERT_FALSE(test, test_and_set_bit(port, map));
		}
		KUNIT_EXPECT_EQ(test, bitmap_weight(map, 65536), n);

		/* Fill it by searching: every result free and in the set. */
		bitmap_zero(map, 65536);
		for (i = 0; i < n - 1; i++) {
			KUNIT_ASSERT_EQ(test, search(ps, &t, &port), 0);
			KUNIT_ASSERT_TRUE(test, mape_port_in_set(ps, port));
			KUNIT_ASSERT_FALSE(test, test_and_set_bit(port, map));
		}
		/* One port left: found whatever the seeds. */
		for (i = 0; i < n; i++) {
			last = mape_portset_port(ps, i);
			if (!test_bit(last, map))
				break;
		}
		for (i = 0; i < 20; i++) {
			KUNIT_EXPECT_EQ(test, search(ps, &t, &port), 0);
			KUNIT_EXPECT_EQ(test, port, last);
		}
		/* Full: -ENOSPC, after a bounded number of tries. */
		__set_bit(last, map);
		t.calls = 0;
		KUNIT_EXPECT_EQ(test, search(ps, &t, &port), -ENOSPC);
		KUNIT_EXPECT_LE(test, t.calls, min_t(u32, n, MAPE_PORT_SEARCH_MAX));

		/* Spread: 50 searches per range in an empty set hit every
		 * range.
		 */
		bitmap_zero(map, 65536);
		seen_ranges = kunit_kzalloc(test, BITS_TO_LONGS(65536) *
					    sizeof(long), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, seen_ranges);
		for (i = 0; i < 50 * ranges; i++) {
			KUNIT_ASSERT_EQ(test, search(ps, &t, &port), 0);
			__set_bit(ps->offset ? port >> (16 - ps->offset) : 0,
				  seen_ranges);
		}
		KUNIT_EXPECT_EQ(test, bitmap_weight(seen_ranges, 65536), ranges);
	}

	/* A set bigger than the bound: a full one costs exactly the bound. */
	{
		const struct mape_portset big = { .offset = 6, .len = 2,
						  .psid = 1 };
		u16 port;

		KUNIT_EXPECT_GT(test, mape_portset_count(&big),
				(u32)MAPE_PORT_SEARCH_MAX);
		bitmap_fill(map, 65536);
		t.calls = 0;
		KUNIT_EXPECT_EQ(test, search(&big, &t, &port), -ENOSPC);
		KUNIT_EXPECT_EQ(test, t.calls, MAPE_PORT_SEARCH_MAX);
	}
}

/*
 * The NAPT full-set memory: a failed search's destination is refused for
 * MAPE_NAPT_FULL_MS and no longer; a slot holds one destination (the last
 * written), others and the empty key 0 never hit; jiffies wrap.
 */
static void napt_full(struct kunit *test)
{
	struct mape_napt_full f[MAPE_NAPT_FULL_SLOTS] = {};
	unsigned long w = msecs_to_jiffies(MAPE_NAPT_FULL_MS);
	unsigned long t0;
	unsigned int i;

	KUNIT_ASSERT_GT(test, w, 0UL);
	for (i = 0; i < 2; i++) {
		/* Second round: a window that spans the jiffies wrap. */
		t0 = i ? ULONG_MAX - w / 2 : 1000;
		memset(f, 0, sizeof(f));
		KUNIT_EXPECT_FALSE(test, mape_napt_full_hit(f, 0x1234, t0));
		KUNIT_EXPECT_FALSE(test, mape_napt_full_hit(f, 0, t0));
		mape_napt_full_set(f, 0x1234, t0);
		KUNIT_EXPECT_TRUE(test, mape_napt_full_hit(f, 0x1234, t0));
		KUNIT_EXPECT_TRUE(test, mape_napt_full_hit(f, 0x1234, t0 + w - 1));
		KUNIT_EXPECT_FALSE(test, mape_napt_full_hit(f, 0x1234, t0 + w));
		KUNIT_EXPECT_FALSE(test, mape_napt_full_hit(f, 0x1234, t0 + 10 * w));
		/* Same slot, another key: the newer one owns it. */
		mape_napt_full_set(f, 0x1234 + MAPE_NAPT_FULL_SLOTS, t0);
		KUNIT_EXPECT_FALSE(test, mape_napt_full_hit(f, 0x1234, t0));
		KUNIT_EXPECT_TRUE(test, mape_napt_full_hit(f, 0x1234 + MAPE_NAPT_FULL_SLOTS, t0));
		/* Another slot is untouched. */
		KUNIT_EXPECT_FALSE(test, mape_napt_full_hit(f, 0x1235, t0));
	}
}

static struct kunit_case napt_cases[] = {
	KUNIT_CASE(napt_port_search),
	KUNIT_CASE(napt_port_search_low),
	KUNIT_CASE(napt_full),
	{}
};

static struct kunit_suite napt_suite = {
	.name = "mape_napt",
	.test_cases = napt_cases,
};

kunit_test_suite(napt_suite);
