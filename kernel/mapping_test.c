// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the RFC 7597 arithmetic: every example of Appendix A,
 * each invalid rule rejected, and properties over random valid rules.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/inet.h>
#include <linux/netlink.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "mapping.h"

static struct in6_addr a6(const char *s)
{
	struct in6_addr a = {};

	WARN_ON(in6_pton(s, -1, a.s6_addr, -1, NULL) != 1);
	return a;
}

static __be32 a4(const char *s)
{
	__be32 a = 0;

	WARN_ON(in4_pton(s, -1, (u8 *)&a, -1, NULL) != 1);
	return a;
}

static struct mape_rule rule(const char *p6, u8 l6, const char *p4, u8 l4,
			     u8 ea)
{
	struct mape_rule r = {
		.prefix6 = a6(p6),
		.prefix6_len = l6,
		.prefix4 = a4(p4),
		.prefix4_len = l4,
		.ea_len = ea,
		.psid_offset = MAPE_PSID_OFFSET_DEFAULT,
	};
	return r;
}

static void expect_addr6(struct kunit *test, const struct in6_addr *got,
			 const char *want)
{
	struct in6_addr w = a6(want);

	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(got, &w, sizeof(w)),
			      "got %pI6c, want %s", got, want);
}

#define EXPECT_ADDR6(test, got, want) expect_addr6(test, &(got), want)

static void expect_valid(struct kunit *test, struct mape_rule *r)
{
	struct netlink_ext_ack ext = {};

	KUNIT_ASSERT_EQ_MSG(test, mape_rule_validate(r, &ext), 0, "%s", ext._msg);
}

/* Appendix A, example 1: the CE derives everything from its prefix. */
static void mapping_rfc_example1(struct kunit *test)
{
	struct mape_rule r = rule("2001:db8::", 40, "192.0.2.0", 24, 16);
	struct in6_addr eu = a6("2001:db8:12:3400::");
	struct mape_ce ce;
	struct netlink_ext_ack ext = {};
	u16 first, last;

	expect_valid(test, &r);
	KUNIT_EXPECT_EQ(test, r.psid_len, 8);
	KUNIT_ASSERT_EQ(test, mape_ce_from_prefix(&r, &eu, 56, MAPE_IFID_RFC,
						  &ce, &ext), 0);
	KUNIT_EXPECT_EQ(test, ce.ip4, a4("192.0.2.18"));
	KUNIT_EXPECT_EQ(test, ce.ip4_len, 32);
	KUNIT_EXPECT_EQ(test, ce.ports.psid, 0x34);
	KUNIT_EXPECT_EQ(test, ce.ea_bits, 0x1234);
	EXPECT_ADDR6(test, ce.addr, "2001:db8:12:3400:0:c000:212:34");
	KUNIT_EXPECT_EQ(test, mape_portset_nranges(&ce.ports), 63);
	KUNIT_EXPECT_EQ(test, mape_portset_count(&ce.ports), 252);
	mape_portset_range(&ce.ports, 0, &first, &last);
	KUNIT_EXPECT_EQ(test, first, 1232);
	KUNIT_EXPECT_EQ(test, last, 1235);
	mape_portset_range(&ce.ports, 1, &first, &last);
	KUNIT_EXPECT_EQ(test, first, 2256);
	KUNIT_EXPECT_EQ(test, last, 2259);
	mape_portset_range(&ce.ports, 62, &first, &last);
	KUNIT_EXPECT_EQ(test, first, 64720);
	KUNIT_EXPECT_EQ(test, last, 64723);
}

/* Examples 2 and 3: a BR, or a CE through an FMR, finds the CE. */
static void mapping_rfc_example2_3(struct kunit *test)
{
	struct mape_rule r = rule("2001:db8::", 40, "192.0.2.0", 24, 16);
	struct in6_addr out;
	struct mape_ce ce;
	struct netlink_ext_ack ext = {};
	bool exact;

	expect_valid(test, &r);
	KUNIT_ASSERT_TRUE(test, mape_rule_map4(&r, a4("192.0.2.18"), 1232,
					       MAPE_IFID_RFC, &out));
	EXPECT_ADDR6(test, out, "2001:db8:12:3400:0:c000:212:34");
	KUNIT_ASSERT_TRUE(test, mape_rule_map4(&r, a4("192.0.2.18"), 64723,
					       MAPE_IFID_RFC, &out));
	EXPECT_ADDR6(test, out, "2001:db8:12:3400:0:c000:212:34");
	KUNIT_ASSERT_EQ(test, mape_ce_from_ipv4(&r, a4("192.0.2.18"), 0x34,
						MAPE_IFID_RFC, &ce, &ext), 0);
	EXPECT_ADDR6(test, ce.eu_prefix, "2001:db8:12:3400::");
	KUNIT_EXPECT_EQ(test, ce.eu_len, 56);

	/* And back, as the anti-spoofing check needs it. */
	out = a6("2001:db8:12:3400:0:c000:212:34");
	KUNIT_ASSERT_EQ(test, mape_rule_map6(&r, &out, MAPE_IFID_RFC, &ce,
					     &exact, &ext), 0);
	KUNIT_EXPECT_EQ(test, ce.ip4, a4("192.0.2.18"));
	KUNIT_EXPECT_EQ(test, ce.ports.psid, 0x34);
	KUNIT_EXPECT_TRUE(test, exact);
	out = a6("2001:db8:12:3400:0:c000:212:35");
	KUNIT_ASSERT_EQ(test, mape_rule_map6(&r, &out, MAPE_IFID_RFC, &ce,
					     &exact, &ext), 0);
	KUNIT_EXPECT_FALSE(test, exact);

	/* Ports whose A field is 0 belong to no CE (section 5.1). */
	KUNIT_EXPECT_FALSE(test, mape_rule_map4(&r, a4("192.0.2.18"), 80,
						MAPE_IFID_RFC, &out));
}

/* Example 4: no EA bits and no sharing. */
static void mapping_rfc_example4(struct kunit *test)
{
	struct mape_rule r = rule("2001:db8:12:3400::", 56, "192.0.2.1", 32, 0);
	struct in6_addr eu = a6("2001:db8:12:3400::"), out;
	struct mape_ce ce;
	struct netlink_ext_ack ext = {};

	expect_valid(test, &r);
	KUNIT_ASSERT_EQ(test, mape_ce_from_prefix(&r, &eu, 56, MAPE_IFID_RFC,
						  &ce, &ext), 0);
	KUNIT_EXPECT_EQ(test, ce.ip4, a4("192.0.2.1"));
	KUNIT_EXPECT_EQ(test, ce.ports.len, 0);
	KUNIT_EXPECT_EQ(test, mape_portset_count(&ce.ports), 65536);
	EXPECT_ADDR6(test, ce.addr, "2001:db8:12:3400:0:c000:201:0");
	KUNIT_ASSERT_TRUE(test, mape_rule_map4(&r, a4("192.0.2.1"), 7,
					       MAPE_IFID_RFC, &out));
	EXPECT_ADDR6(test, out, "2001:db8:12:3400:0:c000:201:0");
}

/* Example 5: no EA bits, the PSID provisioned explicitly. */
static void mapping_rfc_example5(struct kunit *test)
{
	struct mape_rule r = rule("2001:db8:12:3400::", 56, "192.0.2.1", 32, 0);
	struct in6_addr eu = a6("2001:db8:12:3400::"), out;
	struct mape_ce ce;
	struct netlink_ext_ack ext = {};
	u16 first, last;

	r.flags = MAPE_RULE_PSID_LEN | MAPE_RULE_PSID;
	r.psid_len = 8;
	r.psid = 0x20;
	expect_valid(test, &r);
	KUNIT_ASSERT_EQ(test, mape_ce_from_prefix(&r, &eu, 56, MAPE_IFID_RFC,
						  &ce, &ext), 0);
	KUNIT_EXPECT_EQ(test, ce.ports.psid, 0x20);
	mape_portset_range(&ce.ports, 0, &first, &last);
	KUNIT_EXPECT_EQ(test, first, 1152);
	KUNIT_EXPECT_EQ(test, last, 1155);
	mape_portset_range(&ce.ports, 62, &first, &last);
	KUNIT_EXPECT_EQ(test, first, 64640);
	KUNIT_EXPECT_EQ(test, last, 64643);
	EXPECT_ADDR6(test, ce.addr, "2001:db8:12:3400:0:c000:201:20");
	KUNIT_ASSERT_TRUE(test, mape_rule_map4(&r, a4("192.0.2.1"), 1153,
					       MAPE_IFID_RFC, &out));
	EXPECT_ADDR6(test, out, "2001:db8:12:3400:0:c000:201:20");
	/* Another PSID's port does not reach this CE. */
	KUNIT_EXPECT_FALSE(test, mape_rule_map4(&r, a4("192.0.2.1"), 1232,
						MAPE_IFID_RFC, &out));
}

static void mapping_draft03(struct kunit *test)
{
	struct mape_rule r = rule("2001:db8::", 40, "192.0.2.0", 24, 16);
	struct in6_addr eu = a6("2001:db8:12:3400::"), out;
	struct mape_ce ce;
	struct netlink_ext_ack ext = {};
	bool exact;

	expect_valid(test, &r);
	KUNIT_ASSERT_EQ(test, mape_ce_from_prefix(&r, &eu, 56, MAPE_IFID_DRAFT03,
						  &ce, &ext), 0);
	EXPECT_ADDR6(test, ce.addr, "2001:db8:12:3400:c0:2:1200:3400");
	KUNIT_ASSERT_TRUE(test, mape_rule_map4(&r, a4("192.0.2.18"), 1232,
					       MAPE_IFID_DRAFT03, &out));
	EXPECT_ADDR6(test, out, "2001:db8:12:3400:c0:2:1200:3400");
	KUNIT_ASSERT_EQ(test, mape_rule_map6(&r, &out, MAPE_IFID_DRAFT03, &ce,
					     &exact, &ext), 0);
	KUNIT_EXPECT_TRUE(test, exact);
	/* The RFC form of the same CE is not its draft-03 address. */
	KUNIT_ASSERT_EQ(test, mape_rule_map6(&r, &out, MAPE_IFID_RFC, &ce,
					     &exact, &ext), 0);
	KUNIT_EXPECT_FALSE(test, exact);
}

/* Fewer EA bits than IPv4 suffix bits: the CE gets a prefix. */
static void mapping_ipv4_prefix(struct kunit *test)
{
	struct mape_rule r = rule("2001:db8::", 32, "192.0.2.0", 24, 4);
	struct in6_addr eu = a6("2001:db8:a000::"), out;
	struct mape_ce ce;
	struct netlink_ext_ack ext = {};

	expect_valid(test, &r);
	KUNIT_ASSERT_EQ(test, mape_ce_from_prefix(&r, &eu, 36, MAPE_IFID_RFC,
						  &ce, &ext), 0);
	KUNIT_EXPECT_EQ(test, ce.ip4, a4("192.0.2.160"));
	KUNIT_EXPECT_EQ(test, ce.ip4_len, 28);
	KUNIT_EXPECT_EQ(test, mape_portset_count(&ce.ports), 65536);
	EXPECT_ADDR6(test, ce.addr, "2001:db8:a000:0:0:c000:2a0:0");
	/* Any address of the /28 maps to the CE, with the padded prefix. */
	KUNIT_ASSERT_TRUE(test, mape_rule_map4(&r, a4("192.0.2.171"), 80,
					       MAPE_IFID_RFC, &out));
	EXPECT_ADDR6(test, out, "2001:db8:a000:0:0:c000:2a0:0");
	/* MAP-T names the address itself (RFC 7599 section 5.1): the same
	 * CE prefix, 192.0.2.171 in the interface identifier.
	 */
	KUNIT_ASSERT_TRUE(test, mape_rule_map4_own(&r, a4("192.0.2.171"), 80,
						   MAPE_IFID_RFC, &out));
	EXPECT_ADDR6(test, out, "2001:db8:a000:0:0:c000:2ab:0");
	KUNIT_EXPECT_EQ(test, mape_iid_ipv4(&out, MAPE_IFID_RFC),
			a4("192.0.2.171"));
}

/* A /0 rule without EA bits: the CE gets all of IPv4 (no shift by 32). */
static void mapping_ipv4_all(struct kunit *test)
{
	struct mape_rule r = rule("2001:db8::", 32, "0.0.0.0", 0, 0);
	struct in6_addr out;
	struct mape_ce ce;
	struct netlink_ext_ack ext = {};

	expect_valid(test, &r);
	KUNIT_ASSERT_EQ(test, mape_ce_from_ipv4(&r, a4("10.1.2.3"), 0,
						MAPE_IFID_RFC, &ce, &ext), 0);
	KUNIT_EXPECT_EQ(test, ce.ip4, 0);
	KUNIT_EXPECT_EQ(test, ce.ip4_len, 0);
	KUNIT_EXPECT_EQ(test, ce.ea_bits, 0);
	EXPECT_ADDR6(test, ce.addr, "2001:db8::");
	KUNIT_ASSERT_TRUE(test, mape_rule_map4(&r, a4("10.1.2.3"), 80,
					       MAPE_IFID_RFC, &out));
	EXPECT_ADDR6(test, out, "2001:db8::");
}

/* An end-user prefix longer than /64 overrides interface-ID bits. */
static void mapping_long_prefix(struct kunit *test)
{
	struct mape_rule r = rule("2001:db8:ce:ab00::", 56, "198.51.100.0", 24, 16);
	struct in6_addr out;
	struct mape_ce ce;
	struct netlink_ext_ack ext = {};

	expect_valid(test, &r);
	KUNIT_ASSERT_TRUE(test, mape_rule_map4(&r, a4("198.51.100.2"), 6600,
					       MAPE_IFID_RFC, &out));
	EXPECT_ADDR6(test, out, "2001:db8:ce:ab02:7200:c633:6402:72");
	KUNIT_ASSERT_EQ(test, mape_ce_from_prefix(&r, &out, 72, MAPE_IFID_RFC,
						  &ce, &ext), 0);
	KUNIT_EXPECT_EQ(test, ce.ports.psid, 0x72);
	EXPECT_ADDR6(test, ce.addr, "2001:db8:ce:ab02:7200:c633:6402:72");
	EXPECT_ADDR6(test, ce.eu_prefix, "2001:db8:ce:ab02:7200::");
}

struct bad_rule {
	const char *name;
	struct mape_rule r;
};

static void mapping_invalid_rules(struct kunit *test)
{
	struct mape_rule ok = rule("2001:db8::", 40, "192.0.2.0", 24, 16);
	struct bad_rule bad[12];
	unsigned int i = 0, j;

	bad[i].name = "IPv6 length 129";
	bad[i].r = ok; bad[i++].r.prefix6_len = 129;
	bad[i].name = "IPv4 length 33";
	bad[i].r = ok; bad[i++].r.prefix4_len = 33;
	bad[i].name = "EA length 49";
	bad[i].r = ok; bad[i++].r.ea_len = 49;
	bad[i].name = "IPv6 length + EA > 128";
	bad[i].r = rule("2001:db8::", 96, "0.0.0.0", 0, 48);
	bad[i++].r.psid_offset = 0;
	bad[i].name = "PSID offset 17";
	bad[i].r = ok; bad[i++].r.psid_offset = 17;
	bad[i].name = "offset + PSID length > 16";
	bad[i].r = ok; bad[i++].r.psid_offset = 9;
	bad[i].name = "PSID length inconsistent with EA bits";
	bad[i].r = ok; bad[i].r.flags = MAPE_RULE_PSID_LEN;
	bad[i++].r.psid_len = 9;
	bad[i].name = "IPv6 host bits";
	bad[i].r = ok; bad[i++].r.prefix6 = a6("2001:db8:0:1::");
	bad[i].name = "IPv4 host bits";
	bad[i].r = ok; bad[i++].r.prefix4 = a4("192.0.2.1");
	bad[i].name = "EA bits beyond suffix + 16";
	bad[i].r = ok; bad[i].r.psid_offset = 0; bad[i++].r.ea_len = 25;
	bad[i].name = "PSID too wide";
	bad[i].r = rule("2001:db8::", 56, "192.0.2.1", 32, 0);
	bad[i].r.flags = MAPE_RULE_PSID_LEN | MAPE_RULE_PSID;
	bad[i].r.psid_len = 8;
	bad[i++].r.psid = 0x100;
	bad[i].name = "explicit PSID with EA bits";
	bad[i].r = ok; bad[i].r.flags = MAPE_RULE_PSID;
	bad[i++].r.psid = 1;

	for (j = 0; j < i; j++) {
		struct netlink_ext_ack ext = {};

		KUNIT_EXPECT_EQ_MSG(test, mape_rule_validate(&bad[j].r, &ext),
				    -EINVAL, "%s accepted", bad[j].name);
		KUNIT_EXPECT_NOT_NULL_MSG(test, ext._msg, "%s: no message",
					  bad[j].name);
	}
}

static void mapping_invalid_prefix(struct kunit *test)
{
	struct mape_rule r = rule("2001:db8::", 40, "192.0.2.0", 24, 16);
	struct in6_addr eu;
	struct mape_ce ce;
	struct netlink_ext_ack ext = {};

	expect_valid(test, &r);
	eu = a6("2001:db8:12::");
	KUNIT_EXPECT_EQ(test, mape_ce_from_prefix(&r, &eu, 48, MAPE_IFID_RFC,
						  &ce, &ext), -EINVAL);
	eu = a6("2001:db9:12:3400::");
	KUNIT_EXPECT_EQ(test, mape_ce_from_prefix(&r, &eu, 56, MAPE_IFID_RFC,
						  &ce, &ext), -EINVAL);
	KUNIT_EXPECT_EQ(test, mape_ce_from_prefix(&r, &eu, 129, MAPE_IFID_RFC,
						  &ce, &ext), -EINVAL);
	KUNIT_EXPECT_EQ(test, mape_ce_from_ipv4(&r, a4("198.51.100.1"), 1,
						MAPE_IFID_RFC, &ce, &ext),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mape_ce_from_ipv4(&r, a4("192.0.2.1"), 0x100,
						MAPE_IFID_RFC, &ce, &ext),
			-EINVAL);
}

/* A random valid rule; the seed is printed so a failure can be replayed. */
static struct mape_rule random_rule(struct rnd_state *rs)
{
	struct mape_rule r = {};
	unsigned int p, k, i;

	r.prefix4_len = prandom_u32_state(rs) % 33;
	p = 32 - r.prefix4_len;
	r.psid_offset = prandom_u32_state(rs) % 17;
	k = prandom_u32_state(rs) % (17 - r.psid_offset);
	if (prandom_u32_state(rs) % 4 == 0)
		r.ea_len = prandom_u32_state(rs) % (p + 1);	/* prefix CE */
	else
		r.ea_len = min(p + k, (unsigned int)MAPE_EA_LEN_MAX);
	r.prefix6_len = prandom_u32_state(rs) % (129 - r.ea_len);
	for (i = 0; i < 4; i++)
		r.prefix6.s6_addr32[i] = (__force __be32)prandom_u32_state(rs);
	for (i = 0; i < 16; i++) {
		int keep = (int)r.prefix6_len - (int)i * 8;

		if (keep <= 0)
			r.prefix6.s6_addr[i] = 0;
		else if (keep < 8)
			r.prefix6.s6_addr[i] &= 0xff << (8 - keep);
	}
	r.prefix4 = cpu_to_be32(prandom_u32_state(rs) &
				(r.prefix4_len ? ~0U << p : 0));
	return r;
}

/*
 * CE-side and BR-side derivations agree: for a random end-user prefix of a
 * random rule, every probed port of the CE's set maps back to the CE's own
 * address, and the address maps back to the CE's IPv4 and PSID.
 */
static void mapping_roundtrip(struct kunit *test)
{
	u64 seed = get_random_u64();
	struct rnd_state rs;
	unsigned int n;

	kunit_info(test, "seed %llu\n", seed);
	prandom_seed_state(&rs, seed);
	for (n = 0; n < 2000; n++) {
		struct mape_rule r = random_rule(&rs);
		enum mape_ifid ifid = prandom_u32_state(&rs) & 1;
		struct in6_addr eu = r.prefix6, out;
		struct mape_ce ce, back;
		struct netlink_ext_ack ext = {};
		unsigned int i, bit;
		u16 first, last, port;
		bool exact, mapped;
		u8 eu_len;

		KUNIT_ASSERT_EQ_MSG(test, mape_rule_validate(&r, &ext), 0,
				    "rule %u: %s", n, ext._msg);
		for (i = 0; i < r.ea_len; i++) {
			bit = r.prefix6_len + i;
			if (prandom_u32_state(&rs) & 1)
				eu.s6_addr[bit / 8] |= 0x80 >> (bit % 8);
		}
		eu_len = r.prefix6_len + r.ea_len;
		KUNIT_ASSERT_EQ(test, mape_ce_from_prefix(&r, &eu, eu_len, ifid,
							  &ce, &ext), 0);
		KUNIT_ASSERT_TRUE(test, mape_ipv4_prefix_match(ce.ip4, r.prefix4,
							       r.prefix4_len));

		i = prandom_u32_state(&rs) % mape_portset_nranges(&ce.ports);
		mape_portset_range(&ce.ports, i, &first, &last);
		port = first + prandom_u32_state(&rs) % (last - first + 1);
		KUNIT_ASSERT_TRUE(test, mape_port_in_set(&ce.ports, port));
		mapped = mape_rule_map4(&r, ce.ip4, port, ifid, &out);
		KUNIT_ASSERT_TRUE_MSG(test, mapped, "rule %u port %u", n, port);
		KUNIT_ASSERT_TRUE_MSG(test, !memcmp(&out, &ce.addr, 16),
				      "rule %u: CE %pI6c, BR %pI6c", n,
				      &ce.addr, &out);

		KUNIT_ASSERT_EQ(test, mape_rule_map6(&r, &ce.addr, ifid, &back,
						     &exact, &ext), 0);
		KUNIT_ASSERT_TRUE(test, exact);
		KUNIT_ASSERT_EQ(test, back.ip4, ce.ip4);
		KUNIT_ASSERT_EQ(test, back.ip4_len, ce.ip4_len);
		KUNIT_ASSERT_EQ(test, back.ports.psid, ce.ports.psid);
	}
}

/* Ports of every PSID's set, marked in seen; returns ports seen twice. */
static unsigned int mark_all_sets(unsigned long *seen, unsigned int a,
				  unsigned int k, u32 *total)
{
	struct mape_portset ps = { .offset = a, .len = k };
	unsigned int psid, i, errors = 0;
	u16 first, last;
	u32 port;

	*total = 0;
	for (psid = 0; psid < (1U << k); psid++) {
		ps.psid = psid;
		for (i = 0; i < mape_portset_nranges(&ps); i++) {
			mape_portset_range(&ps, i, &first, &last);
			/* Plain checks: an assertion per port is slow. */
			for (port = first; port <= last; port++)
				if (__test_and_set_bit(port, seen) ||
				    !mape_port_in_set(&ps, port))
					errors++;
		}
		*total += mape_portset_count(&ps);
	}
	return errors;
}

/*
 * The port sets of all PSIDs partition the usable port space: each port
 * whose A field is non-zero (all ports when a = 0) is in exactly one set.
 */
static void mapping_partition(struct kunit *test)
{
	unsigned long *seen = kunit_kzalloc(test, BITS_TO_LONGS(65536) *
					    sizeof(long), GFP_KERNEL);
	unsigned int a, k, errors;
	u32 total, usable;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (a = 0; a <= 16; a++) {
		for (k = 0; a + k <= 16; k += (a + k < 12) ? 3 : 1) {
			bitmap_zero(seen, 65536);
			errors = mark_all_sets(seen, a, k, &total);
			usable = (k && a) ? 65536 - (65536 >> a) : 65536;
			KUNIT_EXPECT_EQ_MSG(test, errors, 0,
					    "a=%u k=%u: ports twice or outside",
					    a, k);
			KUNIT_EXPECT_EQ_MSG(test, total, usable, "a=%u k=%u", a, k);
			KUNIT_EXPECT_EQ_MSG(test, bitmap_weight(seen, 65536),
					    usable, "a=%u k=%u", a, k);
		}
	}
}

/*
 * Fragment identifiers in the PSID set (RFC 7597 section 8.3.3): always
 * inside the CE's set, so sets of CEs sharing an address never meet; the
 * same identifier always gives the same result; one-to-one over 2^(16-k)
 * consecutive identifiers; without port sharing nothing changes.
 */
static void mapping_frag_id(struct kunit *test)
{
	static const struct mape_portset sets[] = {
		{ .offset = 6, .len = 8, .psid = 0x34 },
		{ .offset = 6, .len = 8, .psid = 0x35 },
		{ .offset = 0, .len = 4, .psid = 0xf },
		{ .offset = 4, .len = 12, .psid = 0xabc },
		{ .offset = 10, .len = 6, .psid = 0 },
	};
	static unsigned long seen[BITS_TO_LONGS(65536)];
	struct mape_portset none = { .offset = 6 };
	unsigned int i, id, n;

	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		const struct mape_portset *ps = &sets[i];
		u16 base = 0xffff - (1U << (16 - ps->len)) / 2;

		for (id = 0; id < 65536; id++) {
			u16 nid = mape_psid_frag_id(ps, id);

			KUNIT_ASSERT_EQ(test, mape_port_psid(ps, nid), ps->psid);
			KUNIT_ASSERT_EQ(test, mape_psid_frag_id(ps, id), nid);
		}
		/* 2^(16-k) consecutive ones, wrapping, all distinct. */
		bitmap_zero(seen, 65536);
		for (n = 0; n < 1U << (16 - ps->len); n++)
			__set_bit(mape_psid_frag_id(ps, (u16)(base + n)), seen);
		KUNIT_EXPECT_EQ(test, bitmap_weight(seen, 65536),
				1U << (16 - ps->len));
	}
	for (id = 0; id < 65536; id += 97)
		KUNIT_EXPECT_EQ(test, mape_psid_frag_id(&none, id), id);
	/* Two CEs of one address: disjoint. */
	KUNIT_EXPECT_NE(test, mape_psid_frag_id(&sets[0], 1234),
			mape_psid_frag_id(&sets[1], 1234));
}

/* RFC 6052 section 2.4: 192.0.2.33 under each prefix length. */
/*
 * The IPv4 address in a MAP address's interface identifier: RFC 7597
 * appendix A, example 1's CE, 2001:db8:12:3400:0:c000:212:34 (192.0.2.18,
 * PSID 0x34), and the same CE in draft-03's layout.
 */
static void mapping_iid_ipv4(struct kunit *test)
{
	static const struct in6_addr rfc = { .s6_addr = {
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x12, 0x34, 0x00,
		0x00, 0x00, 0xc0, 0x00, 0x02, 0x12, 0x00, 0x34 } };
	static const struct in6_addr draft = { .s6_addr = {
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x12, 0x34, 0x00,
		0x00, 0xc0, 0x00, 0x02, 0x12, 0x00, 0x34, 0x00 } };

	KUNIT_EXPECT_EQ(test, mape_iid_ipv4(&rfc, MAPE_IFID_RFC),
			htonl(0xc0000212));
	KUNIT_EXPECT_EQ(test, mape_iid_ipv4(&draft, MAPE_IFID_DRAFT03),
			htonl(0xc0000212));
	KUNIT_EXPECT_NE(test, mape_iid_ipv4(&rfc, MAPE_IFID_DRAFT03),
			htonl(0xc0000212));
}

static void mapping_rfc6052(struct kunit *test)
{
	static const struct {
		const char *prefix;
		u8 len;
		const char *addr;
	} cases[] = {
		{ "2001:db8::", 32, "2001:db8:c000:221::" },
		{ "2001:db8:100::", 40, "2001:db8:1c0:2:21::" },
		{ "2001:db8:122::", 48, "2001:db8:122:c000:2:2100::" },
		{ "2001:db8:122:300::", 56, "2001:db8:122:3c0:0:221::" },
		{ "2001:db8:122:344::", 64, "2001:db8:122:344:c0:2:2100:0" },
		{ "2001:db8:122:344::", 96, "2001:db8:122:344::c000:221" },
		{ "64:ff9b::", 96, "64:ff9b::c000:221" },
	};
	static const u8 bad[] = { 0, 24, 33, 72, 80, 88, 104, 128 };
	struct in6_addr p, want, got;
	unsigned int i;
	__be32 v4;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		p = a6(cases[i].prefix);
		want = a6(cases[i].addr);
		KUNIT_ASSERT_EQ(test, mape_6052_embed(&p, cases[i].len,
						      a4("192.0.2.33"), &got), 0);
		KUNIT_EXPECT_TRUE_MSG(test, ipv6_addr_equal(&got, &want),
				      "/%u: %pI6c", cases[i].len, &got);
		v4 = 0;
		KUNIT_ASSERT_EQ(test, mape_6052_extract(&want, cases[i].len,
							&v4), 0);
		KUNIT_EXPECT_EQ(test, v4, a4("192.0.2.33"));
	}
	/* The u octet and the suffix are not the address's. */
	want = a6("2001:db8:122:344:ffc0:2:2100:ffff");
	KUNIT_ASSERT_EQ(test, mape_6052_extract(&want, 64, &v4), 0);
	KUNIT_EXPECT_EQ(test, v4, a4("192.0.2.33"));
	/* Prefix bits past the length are not carried over. */
	p = a6("2001:db8:ffff:ffff::");
	KUNIT_ASSERT_EQ(test, mape_6052_embed(&p, 32, a4("192.0.2.33"), &got),
			0);
	want = a6("2001:db8:c000:221::");
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&got, &want));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_FALSE(test, mape_6052_len_ok(bad[i]));
		KUNIT_EXPECT_EQ(test, mape_6052_embed(&p, bad[i], v4, &got),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, mape_6052_extract(&p, bad[i], &v4),
				-EINVAL);
	}
}

static struct kunit_case mapping_cases[] = {
	KUNIT_CASE(mapping_rfc_example1),
	KUNIT_CASE(mapping_rfc_example2_3),
	KUNIT_CASE(mapping_rfc_example4),
	KUNIT_CASE(mapping_rfc_example5),
	KUNIT_CASE(mapping_draft03),
	KUNIT_CASE(mapping_ipv4_prefix),
	KUNIT_CASE(mapping_ipv4_all),
	KUNIT_CASE(mapping_long_prefix),
	KUNIT_CASE(mapping_invalid_rules),
	KUNIT_CASE(mapping_invalid_prefix),
	KUNIT_CASE(mapping_roundtrip),
	KUNIT_CASE(mapping_partition),
	KUNIT_CASE(mapping_frag_id),
	KUNIT_CASE(mapping_rfc6052),
	KUNIT_CASE(mapping_iid_ipv4),
	{}
};

static struct kunit_suite mapping_suite = {
	.name = "mape_mapping",
	.test_cases = mapping_cases,
};

kunit_test_suite(mapping_suite);
