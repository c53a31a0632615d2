// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the fragment cache on its own: keys and addresses in,
 * decisions and held skbs out, no netdevice.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "frag.h"

static void key(struct mape_frag_key *k, u16 id, enum mape_frag_dir dir)
{
	memset(k, 0, sizeof(*k));
	k->saddr = htonl(0xcb007102);	/* 203.0.113.2 */
	k->daddr = htonl(0xc0000212);	/* 192.0.2.18 */
	k->id = htons(id);
	k->protocol = IPPROTO_UDP;
	k->dir = dir;
}

static void addr(struct in6_addr *a, u8 last)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr32[0] = htonl(0x20010db8);
	a->s6_addr[15] = last;
}

static struct sk_buff *frag_skb(struct kunit *test, u32 n)
{
	struct sk_buff *skb = alloc_skb(64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb->mark = n;
	return skb;
}

/* A cache of its own namespace budget, or of mem's. */
static struct mape_frag_cache *cache_of(struct kunit *test, atomic_long_t *mem)
{
	struct mape_frag_cache *fc = kunit_kzalloc(test, sizeof(*fc),
						   GFP_KERNEL);

	if (!mem)
		mem = kunit_kzalloc(test, sizeof(*mem), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fc);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	KUNIT_ASSERT_EQ(test, mape_frag_init(fc, mem), 0);
	fc->max_entries = 8;
	fc->max_held = 8;
	fc->timeout = 60 * HZ;
	return fc;
}

static struct mape_frag_cache *cache(struct kunit *test)
{
	return cache_of(test, NULL);
}

/*
 * The namespace budget: two caches share it; one that fills it leaves
 * the other nothing to hold (overflow), whatever their own counts allow;
 * what a first fragment releases, or an expiry, is given back; empty
 * caches owe nothing.
 */
static void frag_ns_budget(struct kunit *test)
{
	atomic_long_t *mem = kunit_kzalloc(test, sizeof(*mem), GFP_KERNEL);
	struct mape_frag_cache *a, *b;
	struct sk_buff_head ok, bad;
	struct mape_frag_key k;
	struct in6_addr got, src;
	struct sk_buff *skb;
	unsigned int n;

	KUNIT_ASSERT_NOT_NULL(test, mem);
	a = cache_of(test, mem);
	b = cache_of(test, mem);
	for (n = 0; n < 2; n++) {
		struct mape_frag_cache *fc = n ? b : a;

		fc->max_entries = 1000;
		fc->max_held = 1000;
		fc->mem_max = 16 << 10;
	}
	__skb_queue_head_init(&ok);
	__skb_queue_head_init(&bad);
	addr(&src, 1);
	for (n = 0; n < 1000; n++) {
		key(&k, n, MAPE_FRAG_RX);
		skb = frag_skb(test, n);
		if (mape_frag_lookup(a, &k, &src, true, &got, skb) !=
		    MAPE_FRAG_HELD) {
			kfree_skb(skb);
			break;
		}
	}
	KUNIT_EXPECT_GT(test, n, 0U);
	KUNIT_EXPECT_LT(test, n, 1000U);
	KUNIT_EXPECT_LE(test, atomic_long_read(mem), 16L << 10);
	KUNIT_EXPECT_EQ(test, a->stats.overflow, 1ULL);

	key(&k, 5000, MAPE_FRAG_RX);
	skb = frag_skb(test, 5000);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(b, &k, &src, true, &got, skb),
			MAPE_FRAG_FULL);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, b->stats.overflow, 1ULL);

	/* The first fragments of two datagrams of A take theirs back. */
	for (n = 0; n < 2; n++) {
		key(&k, n, MAPE_FRAG_RX);
		KUNIT_EXPECT_TRUE(test, mape_frag_record(a, &k, &src, true,
							 &ok, &bad));
	}
	KUNIT_EXPECT_EQ(test, skb_queue_len(&ok), 2U);
	__skb_queue_purge(&ok);
	key(&k, 5000, MAPE_FRAG_RX);
	skb = frag_skb(test, 5000);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(b, &k, &src, true, &got, skb),
			MAPE_FRAG_HELD);

	mape_frag_destroy(a);
	mape_frag_destroy(b);
	KUNIT_EXPECT_EQ(test, atomic_long_read(mem), 0L);
}

static void frag_record_lookup(struct kunit *test)
{
	struct mape_frag_cache *fc = cache(test);
	struct sk_buff_head ok, bad;
	struct mape_frag_key k, other;
	struct in6_addr a, got;

	__skb_queue_head_init(&ok);
	__skb_queue_head_init(&bad);
	key(&k, 1, MAPE_FRAG_TX);
	addr(&a, 1);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, false, &got, NULL),
			MAPE_FRAG_MISS);
	KUNIT_EXPECT_TRUE(test, mape_frag_record(fc, &k, &a, false, &ok, &bad));
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, false, &got, NULL),
			MAPE_FRAG_FOUND);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&got, &a));
	/* Another ID, or the same datagram the other way, knows nothing. */
	key(&other, 2, MAPE_FRAG_TX);
	KUNIT_EXPECT_EQ(test,
			mape_frag_lookup(fc, &other, NULL, false, &got, NULL),
			MAPE_FRAG_MISS);
	key(&other, 1, MAPE_FRAG_RX);
	KUNIT_EXPECT_EQ(test,
			mape_frag_lookup(fc, &other, NULL, false, &got, NULL),
			MAPE_FRAG_MISS);
	KUNIT_EXPECT_EQ(test, fc->entries, 1U);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&ok));
	mape_frag_destroy(fc);
}

static void frag_held_in_order(struct kunit *test)
{
	struct mape_frag_cache *fc = cache(test);
	struct sk_buff_head ok, bad;
	struct mape_frag_key k;
	struct in6_addr a, got;
	struct sk_buff *skb;
	u32 i;

	__skb_queue_head_init(&ok);
	__skb_queue_head_init(&bad);
	key(&k, 7, MAPE_FRAG_TX);
	addr(&a, 7);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, true, &got,
						       frag_skb(test, i)),
				MAPE_FRAG_HELD);
	KUNIT_EXPECT_EQ(test, fc->held, 5U);
	KUNIT_EXPECT_EQ(test, fc->entries, 1U);
	KUNIT_EXPECT_TRUE(test, mape_frag_record(fc, &k, &a, false, &ok, &bad));
	KUNIT_EXPECT_EQ(test, fc->held, 0U);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&ok), 5U);
	for (i = 0; (skb = __skb_dequeue(&ok)); i++) {
		KUNIT_EXPECT_EQ(test, skb->mark, i);
		kfree_skb(skb);
	}
	/* Once known, a fragment is not held but sent the same way. */
	skb = frag_skb(test, 9);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, true, &got, skb),
			MAPE_FRAG_FOUND);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&got, &a));
	kfree_skb(skb);
	mape_frag_destroy(fc);
}

static void frag_outer_source(struct kunit *test)
{
	struct mape_frag_cache *fc = cache(test);
	struct sk_buff_head ok, bad;
	struct in6_addr ce1, ce2, got;
	struct mape_frag_key k;
	struct sk_buff *skb;

	__skb_queue_head_init(&ok);
	__skb_queue_head_init(&bad);
	key(&k, 3, MAPE_FRAG_RX);
	addr(&ce1, 1);
	addr(&ce2, 2);
	/* Before the first: one from each source waits. */
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, &ce2, true, &got,
					       frag_skb(test, 1)),
			MAPE_FRAG_HELD);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, &ce1, true, &got,
					       frag_skb(test, 2)),
			MAPE_FRAG_HELD);
	KUNIT_EXPECT_TRUE(test, mape_frag_record(fc, &k, &ce1, true, &ok, &bad));
	KUNIT_ASSERT_EQ(test, skb_queue_len(&ok), 1U);
	KUNIT_ASSERT_EQ(test, skb_queue_len(&bad), 1U);
	KUNIT_EXPECT_EQ(test, skb_peek(&ok)->mark, 2U);
	KUNIT_EXPECT_EQ(test, skb_peek(&bad)->mark, 1U);
	__skb_queue_purge(&ok);
	__skb_queue_purge(&bad);
	/* After: only the first fragment's source is accepted. */
	skb = frag_skb(test, 3);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, &ce2, true, &got, skb),
			MAPE_FRAG_SPOOF);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, &ce1, true, &got, skb),
			MAPE_FRAG_FOUND);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, fc->held, 0U);
	mape_frag_destroy(fc);
}

static void frag_overflow(struct kunit *test)
{
	struct mape_frag_cache *fc = cache(test);
	struct mape_frag_stats st;
	struct sk_buff_head ok, bad;
	struct mape_frag_key k;
	struct in6_addr a, got;
	struct sk_buff *skb;
	u16 id;

	__skb_queue_head_init(&ok);
	__skb_queue_head_init(&bad);
	addr(&a, 1);
	fc->max_entries = 4;
	fc->max_held = 3;
	/* Three held fragments of three datagrams fill the held budget. */
	for (id = 0; id < 3; id++) {
		key(&k, id, MAPE_FRAG_RX);
		KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, &a, true, &got,
						       frag_skb(test, id)),
				MAPE_FRAG_HELD);
	}
	key(&k, 3, MAPE_FRAG_RX);
	skb = frag_skb(test, 3);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, &a, true, &got, skb),
			MAPE_FRAG_FULL);
	/* A first fragment takes the last entry, the next finds none. */
	KUNIT_EXPECT_TRUE(test, mape_frag_record(fc, &k, &a, true, &ok, &bad));
	key(&k, 4, MAPE_FRAG_RX);
	KUNIT_EXPECT_FALSE(test, mape_frag_record(fc, &k, &a, true, &ok, &bad));
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, &a, true, &got, skb),
			MAPE_FRAG_FULL);
	KUNIT_EXPECT_EQ(test, fc->entries, 4U);
	mape_frag_stats_read(fc, &st);
	KUNIT_EXPECT_EQ(test, st.overflow, 3ULL);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&ok));

	/* One datagram holds at most MAPE_FRAG_HELD_PER_ENTRY. */
	mape_frag_destroy(fc);
	fc = cache(test);
	fc->max_held = 2 * MAPE_FRAG_HELD_PER_ENTRY;
	key(&k, 5, MAPE_FRAG_TX);
	for (id = 0; id < MAPE_FRAG_HELD_PER_ENTRY; id++)
		KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, true, &got,
						       frag_skb(test, id)),
				MAPE_FRAG_HELD);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, true, &got, skb),
			MAPE_FRAG_FULL);
	kfree_skb(skb);
	/* Destroy frees what is held. */
	mape_frag_destroy(fc);
}

static void frag_expiry(struct kunit *test)
{
	struct mape_frag_cache *fc = cache(test);
	struct mape_frag_stats st;
	struct sk_buff_head ok, bad;
	struct mape_frag_key k, k2;
	struct in6_addr a, got;

	__skb_queue_head_init(&ok);
	__skb_queue_head_init(&bad);
	addr(&a, 1);
	fc->timeout = 2;
	key(&k, 1, MAPE_FRAG_TX);
	key(&k2, 2, MAPE_FRAG_TX);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, true, &got,
					       frag_skb(test, 1)),
			MAPE_FRAG_HELD);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, true, &got,
					       frag_skb(test, 2)),
			MAPE_FRAG_HELD);
	KUNIT_EXPECT_TRUE(test, mape_frag_record(fc, &k2, &a, false, &ok, &bad));
	msleep(jiffies_to_msecs(fc->timeout) + 20);
	/* Expired: not found any more, whether the gc ran or not. */
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k2, NULL, false, &got, NULL),
			MAPE_FRAG_MISS);
	mape_frag_expire(fc);
	KUNIT_EXPECT_EQ(test, fc->entries, 0U);
	KUNIT_EXPECT_EQ(test, fc->held, 0U);
	mape_frag_stats_read(fc, &st);
	KUNIT_EXPECT_EQ(test, st.expired, 1ULL);
	KUNIT_EXPECT_EQ(test, st.expired_frags, 2ULL);
	KUNIT_EXPECT_EQ(test, st.overflow, 0ULL);
	mape_frag_destroy(fc);
}

/* The key of fragment [off, off + len) of datagram 5, MF set unless last. */
static void frag_key(struct mape_frag_key *k, u16 off, u16 len, bool last)
{
	struct iphdr iph = {
		.ihl = 5,
		.version = 4,
		.tot_len = htons(20 + len),
		.id = htons(5),
		.frag_off = htons(off >> 3 | (last ? 0 : IP_MF)),
		.protocol = IPPROTO_UDP,
		.saddr = htonl(0xcb007102),
		.daddr = htonl(0xc0000212),
	};

	mape_frag_key_init(k, &iph, MAPE_FRAG_TX);
}

/*
 * A datagram's entry goes as soon as it is complete, whichever order its
 * fragments came in: the first and as many bytes as the last ends at.
 */
static void frag_complete(struct kunit *test)
{
	struct mape_frag_cache *fc = cache(test);
	struct sk_buff_head ok, bad;
	struct mape_frag_key k;
	struct in6_addr a, got;
	struct sk_buff *skb;

	__skb_queue_head_init(&ok);
	__skb_queue_head_init(&bad);
	addr(&a, 5);
	frag_key(&k, 1480, 520, true);
	KUNIT_EXPECT_EQ(test, k.start, 1480U);
	KUNIT_EXPECT_EQ(test, k.end, 2000U);
	KUNIT_EXPECT_TRUE(test, k.last);

	/* In order: first, middle, last. */
	frag_key(&k, 0, 1000, false);
	KUNIT_EXPECT_TRUE(test, mape_frag_record(fc, &k, &a, false, &ok, &bad));
	frag_key(&k, 1000, 480, false);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, false, &got, NULL),
			MAPE_FRAG_FOUND);
	KUNIT_EXPECT_EQ(test, fc->entries, 1U);
	frag_key(&k, 1480, 520, true);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, false, &got, NULL),
			MAPE_FRAG_FOUND);
	KUNIT_EXPECT_EQ(test, fc->entries, 0U);
	/* What comes after has nothing to follow. */
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, false, &got, NULL),
			MAPE_FRAG_MISS);

	/* Last first: held, then complete with the first. */
	skb = frag_skb(test, 1);
	frag_key(&k, 1480, 520, true);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, true, &got, skb),
			MAPE_FRAG_HELD);
	frag_key(&k, 1000, 480, false);
	skb = frag_skb(test, 2);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, true, &got, skb),
			MAPE_FRAG_HELD);
	frag_key(&k, 0, 1000, false);
	KUNIT_EXPECT_TRUE(test, mape_frag_record(fc, &k, &a, false, &ok, &bad));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&ok), 2U);
	KUNIT_EXPECT_EQ(test, fc->entries, 0U);
	KUNIT_EXPECT_EQ(test, fc->held, 0U);
	__skb_queue_purge(&ok);

	/* A hole keeps it: the last alone does not complete it. */
	frag_key(&k, 0, 1000, false);
	KUNIT_EXPECT_TRUE(test, mape_frag_record(fc, &k, &a, false, &ok, &bad));
	frag_key(&k, 1480, 520, true);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, NULL, false, &got, NULL),
			MAPE_FRAG_FOUND);
	KUNIT_EXPECT_EQ(test, fc->entries, 1U);
	mape_frag_destroy(fc);
	KUNIT_EXPECT_EQ(test, atomic_long_read(fc->mem), 0L);
}

/*
 * Fragments from other outer sources, held before the first, are dropped
 * as spoofed when it comes and do not count towards the datagram: the
 * genuine ones still find its decision (RFC 7597 section 8.3.2).
 */
static void frag_spoof_incomplete(struct kunit *test)
{
	struct mape_frag_cache *fc = cache(test);
	struct sk_buff_head ok, bad;
	struct in6_addr ce1, ce2, far, got;
	struct mape_frag_key k;
	struct sk_buff *skb;

	__skb_queue_head_init(&ok);
	__skb_queue_head_init(&bad);
	addr(&ce1, 1);
	addr(&ce2, 2);
	addr(&far, 9);
	frag_key(&k, 2000, 1000, true);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, &ce2, true, &got,
					       frag_skb(test, 1)),
			MAPE_FRAG_HELD);
	frag_key(&k, 1000, 1000, false);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, &far, true, &got,
					       frag_skb(test, 2)),
			MAPE_FRAG_HELD);
	frag_key(&k, 0, 1000, false);
	KUNIT_EXPECT_TRUE(test, mape_frag_record(fc, &k, &ce1, true, &ok, &bad));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&ok), 0U);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&bad), 2U);
	__skb_queue_purge(&bad);
	/* Their bytes would have completed it: it must still be there. */
	KUNIT_EXPECT_EQ(test, fc->entries, 1U);
	skb = frag_skb(test, 3);
	frag_key(&k, 1000, 1000, false);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, &ce2, true, &got, skb),
			MAPE_FRAG_SPOOF);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, &ce1, true, &got, skb),
			MAPE_FRAG_FOUND);
	KUNIT_EXPECT_EQ(test, fc->entries, 1U);
	frag_key(&k, 2000, 1000, true);
	KUNIT_EXPECT_EQ(test, mape_frag_lookup(fc, &k, &ce1, true, &got, skb),
			MAPE_FRAG_FOUND);
	KUNIT_EXPECT_EQ(test, fc->entries, 0U);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, fc->held, 0U);
	mape_frag_destroy(fc);
}

static struct kunit_case frag_cases[] = {
	KUNIT_CASE(frag_record_lookup),
	KUNIT_CASE(frag_held_in_order),
	KUNIT_CASE(frag_outer_source),
	KUNIT_CASE(frag_overflow),
	KUNIT_CASE(frag_expiry),
	KUNIT_CASE(frag_ns_budget),
	KUNIT_CASE(frag_complete),
	KUNIT_CASE(frag_spoof_incomplete),
	{}
};

static struct kunit_suite frag_suite = {
	.name = "mape_frag",
	.test_cases = frag_cases,
};

kunit_test_suite(frag_suite);
