// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for the mape generic netlink family, for testing mapctl on a
 * host without the module: LD_PRELOAD it into mapctl. It resolves the
 * family "mape" itself and answers every send() on a netlink socket from a
 * queue that recv() and recvmmsg() read, the way kernel/netlink.c answers:
 * acks with extack messages, dumps spread over several datagrams and ended
 * by NLMSG_DONE, replies with the same attributes. Rules are checked with
 * kernel/mapping.c, as the kernel does.
 *
 * Devices (state lives as long as the process: use mapctl -b):
 *   m0        ifindex 5, CE, ifid rfc, end-user prefix 2001:db8:12:3400::/56
 *   br0       ifindex 6, BR, ifid draft03
 *   a"b\c     ifindex 7, BR (a name that needs JSON escaping)
 * BR address 2001:db8:ffff::1 on all. Counters: (index + 1) * 1000 +
 * ifindex, a zero-length pad attribute of type MAPE_A_PAD before counter
 * 13, and an unknown counter of type 19 (value 42).
 *
 * Environment:
 *   FAKE_GENL_ABSENT=1   the family does not exist
 *   FAKE_GENL_NOSTORE=1  rule add only acks (for timing mapctl alone)
 *   FAKE_GENL_RCVBUF=N   drop answers beyond N queued, then fail the next
 *                        receive with ENOBUFS, like a full receive buffer
 *   FAKE_GENL_DUMP_ERROR=1  rule dumps end after one rule with -EIO and an
 *                        extack message in NLMSG_DONE
 *
 * Requests on an rtnetlink socket go to fake_rtnl.c, which answers them
 * with these helpers (fake.h), on a queue of that socket's own.
 *
 * Build: cc -shared -fPIC -I<tree>/include/uapi -I<tree>/kernel
 *        -I<tree>/tools/mapctl $(pkg-config --cflags libnl-genl-3.0)
 *        fake_genl.c fake_rtnl.c <tree>/kernel/mapping.c -o fake_genl.so -ldl
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fake.h"
#include "mapping.h"

#define FAMILY	0x4d

struct dgram {
	struct dgram *next;
	size_t len;
	char data[];
};

/* Answers waiting for recv(): one queue per socket protocol. */
struct answers {
	struct dgram *head, **tail;
	unsigned int queued;
	bool overrun;
};

static struct answers genl_answers = { .tail = &genl_answers.head };
static struct answers rtnl_answers = { .tail = &rtnl_answers.head };
/* The queue of the socket whose request is being answered. */
static struct answers *answers = &genl_answers;

struct dev {
	const char *name;
	int ifindex;
	u8 role, ifid;
	struct in6_addr eu;
	u8 eu_len;
	bool has_bmr;
	struct mape_ce ce;
};

static struct dev devs[] = {
	{ .name = "m0", .ifindex = 5, .role = MAPE_ROLE_CE,
	  .ifid = MAPE_IFID_RFC, .eu_len = 56,
	  .eu = { { { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x12, 0x34 } } } },
	{ .name = "br0", .ifindex = 6, .role = MAPE_ROLE_BR,
	  .ifid = MAPE_IFID_DRAFT03 },
	{ .name = "a\"b\\c", .ifindex = 7, .role = MAPE_ROLE_BR,
	  .ifid = MAPE_IFID_RFC },
};

static const struct in6_addr br_addr = { { {
	0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } };

struct rule {
	struct dev *dev;
	bool used;		/* else deleted, left in place */
	u8 type;
	struct mape_rule r;
};

/* Rules in the order added; a hash of their indexes by IPv4 prefix. */
static struct rule *rules;
static size_t nrules, cap;
static int *slots;
static size_t nslots;

char out[65536] __attribute__((aligned(8)));
size_t out_len;

void queue(const void *data, size_t len)
{
	const char *env = getenv("FAKE_GENL_RCVBUF");
	struct answers *q = answers;
	struct dgram *d;

	if (env && q->queued >= strtoul(env, NULL, 0)) {
		q->overrun = true;
		return;
	}
	d = malloc(sizeof(*d) + len);
	if (!d)
		abort();
	d->next = NULL;
	d->len = len;
	memcpy(d->data, data, len);
	*q->tail = d;
	q->tail = &d->next;
	q->queued++;
}

static struct dgram *dequeue(struct answers *q)
{
	struct dgram *d = q->head;

	if (d) {
		q->head = d->next;
		if (!q->head)
			q->tail = &q->head;
		q->queued--;
	}
	return d;
}

void *put(const void *data, size_t len)
{
	void *p = out + out_len;

	memcpy(p, data, len);
	memset((char *)p + len, 0, NLMSG_ALIGN(len) - len);
	out_len += NLMSG_ALIGN(len);
	return p;
}

void attr(u16 type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + len, .nla_type = type };

	put(&a, sizeof(a));
	if (len)
		put(data, len);
}

void attr_u8(u16 type, u8 v) { attr(type, &v, 1); }
static void attr_u16(u16 type, u16 v) { attr(type, &v, 2); }
void attr_u32(u16 type, u32 v) { attr(type, &v, 4); }
static void attr_u64(u16 type, u64 v) { attr(type, &v, 8); }

size_t nest_start(u16 type)
{
	size_t at = out_len;

	attr(type | NLA_F_NESTED, NULL, 0);
	return at;
}

void nest_end(size_t at)
{
	((struct nlattr *)(out + at))->nla_len = out_len - at;
}

void msg_start(const struct nlmsghdr *req, u16 type, u16 flags)
{
	struct nlmsghdr h = {
		.nlmsg_type = type, .nlmsg_flags = flags,
		.nlmsg_seq = req->nlmsg_seq, .nlmsg_pid = req->nlmsg_pid,
	};
	struct genlmsghdr g = { .cmd = 0, .version = MAPE_GENL_VERSION };

	out_len = 0;
	put(&h, sizeof(h));
	if (type == FAMILY)
		put(&g, sizeof(g));
}

void msg_end(void)
{
	((struct nlmsghdr *)out)->nlmsg_len = out_len;
}

void ack(const struct nlmsghdr *req, int error, const char *msg)
{
	struct nlmsgerr e = { .error = error, .msg = *req };

	if (!error && !(req->nlmsg_flags & NLM_F_ACK))
		return;
	msg_start(req, NLMSG_ERROR, NLM_F_CAPPED | (msg ? NLM_F_ACK_TLVS : 0));
	put(&e, sizeof(e));
	if (msg)
		attr(NLMSGERR_ATTR_MSG, msg, strlen(msg) + 1);
	msg_end();
	queue(out, out_len);
}

/* The end of a dump: its error, and then the extack message, if any. */
void done(const struct nlmsghdr *req, int error, const char *msg)
{
	msg_start(req, NLMSG_DONE, NLM_F_MULTI | (msg ? NLM_F_ACK_TLVS : 0));
	put(&error, sizeof(error));
	if (msg)
		attr(NLMSGERR_ATTR_MSG, msg, strlen(msg) + 1);
	msg_end();
	queue(out, out_len);
}

/* Dumps pack up to 3 messages a datagram, to test that path. */
static char batch[65536] __attribute__((aligned(8)));
static size_t batch_len, batch_n;

void batch_add(void)
{
	memcpy(batch + batch_len, out, out_len);
	batch_len += out_len;
	if (++batch_n == 3) {
		queue(batch, batch_len);
		batch_len = 0;
		batch_n = 0;
	}
}

void batch_flush(void)
{
	if (batch_len)
		queue(batch, batch_len);
	batch_len = 0;
	batch_n = 0;
}

static struct nlattr *tb[MAPE_A_MAX + 1];
static struct nlattr *rtb[MAPE_RULE_A_MAX + 1];

void parse(struct nlattr **t, int max, void *data, int len)
{
	struct nlattr *a;

	memset(t, 0, (max + 1) * sizeof(*t));
	for (a = data; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	     a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) <= max)
			t[a->nla_type & NLA_TYPE_MASK] = a;
}

static struct dev *find_dev(void)
{
	size_t i;

	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (tb[MAPE_A_IFINDEX] &&
		    GET(u32, tb[MAPE_A_IFINDEX]) == (u32)devs[i].ifindex)
			return &devs[i];
		if (!tb[MAPE_A_IFINDEX] && tb[MAPE_A_IFNAME] &&
		    !strcmp(DATA(tb[MAPE_A_IFNAME]), devs[i].name))
			return &devs[i];
	}
	return NULL;
}

static void put_dev(const struct dev *d)
{
	attr_u32(MAPE_A_IFINDEX, d->ifindex);
	attr(MAPE_A_IFNAME, d->name, strlen(d->name) + 1);
}

static void put_rule(const struct rule *r)
{
	size_t n = nest_start(MAPE_A_RULE);

	attr_u8(MAPE_RULE_A_TYPE, r->type);
	attr(MAPE_RULE_A_PREFIX6, &r->r.prefix6, 16);
	attr_u8(MAPE_RULE_A_PREFIX6_LEN, r->r.prefix6_len);
	attr_u32(MAPE_RULE_A_PREFIX4, r->r.prefix4);
	attr_u8(MAPE_RULE_A_PREFIX4_LEN, r->r.prefix4_len);
	attr_u8(MAPE_RULE_A_EA_LEN, r->r.ea_len);
	attr_u8(MAPE_RULE_A_PSID_OFFSET, r->r.psid_offset);
	attr_u8(MAPE_RULE_A_PSID_LEN, r->r.psid_len);
	if (r->r.flags & MAPE_RULE_PSID)
		attr_u16(MAPE_RULE_A_PSID, r->r.psid);
	nest_end(n);
}

static void put_ce(const struct mape_ce *ce, int exact)
{
	size_t n = nest_start(MAPE_A_CE);

	attr_u32(MAPE_CE_A_IPV4, ce->ip4);
	attr_u8(MAPE_CE_A_IPV4_LEN, ce->ip4_len);
	attr_u16(MAPE_CE_A_PSID, ce->ports.psid);
	attr_u8(MAPE_CE_A_PSID_LEN, ce->ports.len);
	attr_u8(MAPE_CE_A_PSID_OFFSET, ce->ports.offset);
	attr_u64(MAPE_CE_A_EA_BITS, ce->ea_bits);
	attr_u8(MAPE_CE_A_EA_LEN, ce->ea_len);
	attr(MAPE_CE_A_EU_PREFIX, &ce->eu_prefix, 16);
	attr_u8(MAPE_CE_A_EU_PREFIX_LEN, ce->eu_len);
	attr(MAPE_CE_A_ADDR6, &ce->addr, 16);
	if (exact >= 0)
		attr_u8(MAPE_CE_A_EXACT, exact);
	nest_end(n);
}

static size_t slot_of(const struct dev *d, __be32 p4, u8 len)
{
	u64 h = ((u64)p4 << 16 | (u64)len << 8 | d->ifindex) *
		0x9e3779b97f4a7c15ull;

	return (h >> 32) & (nslots - 1);
}

static struct rule *find_rule(const struct dev *d, __be32 p4, u8 len)
{
	size_t i;

	if (!nslots)
		return NULL;
	for (i = slot_of(d, p4, len); slots[i] >= 0; i = (i + 1) & (nslots - 1)) {
		struct rule *e = &rules[slots[i]];

		if (e->used && e->dev == d && e->r.prefix4 == p4 &&
		    e->r.prefix4_len == len)
			return e;
	}
	return NULL;
}

static void index_rule(size_t n)
{
	size_t i = slot_of(rules[n].dev, rules[n].r.prefix4,
			   rules[n].r.prefix4_len);

	while (slots[i] >= 0)
		i = (i + 1) & (nslots - 1);
	slots[i] = n;
}

static void append_rule(const struct rule *n)
{
	size_t i;

	if (nrules == cap) {
		cap = cap * 2 + 16;
		rules = realloc(rules, cap * sizeof(*rules));
		if (!rules)
			abort();
	}
	rules[nrules++] = *n;
	if (nrules * 2 > nslots) {
		nslots = nslots ? nslots * 4 : 1024;
		free(slots);
		slots = malloc(nslots * sizeof(*slots));
		if (!slots)
			abort();
		memset(slots, 0xff, nslots * sizeof(*slots));
		for (i = 0; i < nrules; i++)
			if (rules[i].used)
				index_rule(i);
	} else {
		index_rule(nrules - 1);
	}
}

static void rule_add(const struct nlmsghdr *h, struct dev *d)
{
	struct rule n = { .dev = d, .used = true }, *e;
	struct netlink_ext_ack ext = { NULL };

	if (getenv("FAKE_GENL_NOSTORE"))
		return ack(h, 0, NULL);
	parse(rtb, MAPE_RULE_A_MAX, DATA(tb[MAPE_A_RULE]),
	      tb[MAPE_A_RULE]->nla_len - NLA_HDRLEN);
	if (!rtb[MAPE_RULE_A_TYPE] || !rtb[MAPE_RULE_A_PREFIX6] ||
	    !rtb[MAPE_RULE_A_PREFIX6_LEN] || !rtb[MAPE_RULE_A_PREFIX4] ||
	    !rtb[MAPE_RULE_A_PREFIX4_LEN] || !rtb[MAPE_RULE_A_EA_LEN])
		return ack(h, -EINVAL, "a rule needs type, IPv6 prefix and EA-bits length");
	n.type = GET(u8, rtb[MAPE_RULE_A_TYPE]);
	memcpy(&n.r.prefix6, DATA(rtb[MAPE_RULE_A_PREFIX6]), 16);
	n.r.prefix6_len = GET(u8, rtb[MAPE_RULE_A_PREFIX6_LEN]);
	n.r.prefix4 = GET(u32, rtb[MAPE_RULE_A_PREFIX4]);
	n.r.prefix4_len = GET(u8, rtb[MAPE_RULE_A_PREFIX4_LEN]);
	n.r.ea_len = GET(u8, rtb[MAPE_RULE_A_EA_LEN]);
	n.r.psid_offset = rtb[MAPE_RULE_A_PSID_OFFSET] ?
			  GET(u8, rtb[MAPE_RULE_A_PSID_OFFSET]) : 6;
	if (rtb[MAPE_RULE_A_PSID_LEN]) {
		n.r.psid_len = GET(u8, rtb[MAPE_RULE_A_PSID_LEN]);
		n.r.flags |= MAPE_RULE_PSID_LEN;
	}
	if (rtb[MAPE_RULE_A_PSID]) {
		n.r.psid = GET(u16, rtb[MAPE_RULE_A_PSID]);
		n.r.flags |= MAPE_RULE_PSID;
	}
	if (mape_rule_validate(&n.r, &ext))
		return ack(h, -EINVAL, ext._msg);
	e = find_rule(d, n.r.prefix4, n.r.prefix4_len);
	if (e) {
		if (e->r.prefix6_len != n.r.prefix6_len ||
		    memcmp(&e->r.prefix6, &n.r.prefix6, 16) ||
		    e->r.ea_len != n.r.ea_len ||
		    e->r.psid_offset != n.r.psid_offset ||
		    e->r.psid_len != n.r.psid_len || e->r.psid != n.r.psid)
			return ack(h, -EEXIST, "a rule for this IPv4 prefix exists");
		e->type |= n.type;
		return ack(h, 0, NULL);
	}
	if ((n.type & MAPE_RULE_BMR) && d->role == MAPE_ROLE_CE) {
		if (d->has_bmr)
			return ack(h, -EEXIST, "this CE has a BMR already");
		if (mape_ce_from_prefix(&n.r, &d->eu, d->eu_len, d->ifid,
					&d->ce, &ext))
			return ack(h, -EINVAL, ext._msg);
		d->has_bmr = true;
	}
	append_rule(&n);
	ack(h, 0, NULL);
}

static void rule_del(const struct nlmsghdr *h, struct dev *d)
{
	struct rule *e;

	parse(rtb, MAPE_RULE_A_MAX, DATA(tb[MAPE_A_RULE]),
	      tb[MAPE_A_RULE]->nla_len - NLA_HDRLEN);
	if (!rtb[MAPE_RULE_A_PREFIX4] || !rtb[MAPE_RULE_A_PREFIX4_LEN])
		return ack(h, -EINVAL, "missing rule IPv4 prefix");
	e = find_rule(d, GET(u32, rtb[MAPE_RULE_A_PREFIX4]),
		      GET(u8, rtb[MAPE_RULE_A_PREFIX4_LEN]));
	if (!e)
		return ack(h, -ENOENT, "no rule for this IPv4 prefix");
	if (e->type & MAPE_RULE_BMR)
		d->has_bmr = false;
	e->used = false;
	ack(h, 0, NULL);
}

static void rule_flush(const struct nlmsghdr *h, struct dev *d)
{
	size_t i;

	for (i = 0; i < nrules; i++)
		if (rules[i].dev == d)
			rules[i].used = false;
	d->has_bmr = false;
	ack(h, 0, NULL);
}

static bool all_or(const struct dev *want, const struct dev *d)
{
	return !want || want == d;
}

static void rule_get(const struct nlmsghdr *h, struct dev *want)
{
	size_t i, k;

	for (k = 0; k < sizeof(devs) / sizeof(devs[0]); k++) {
		if (!all_or(want, &devs[k]))
			continue;
		for (i = 0; i < nrules; i++) {
			if (!rules[i].used || rules[i].dev != &devs[k])
				continue;
			msg_start(h, FAMILY, NLM_F_MULTI);
			put_dev(rules[i].dev);
			put_rule(&rules[i]);
			msg_end();
			batch_add();
			if (getenv("FAKE_GENL_DUMP_ERROR")) {
				batch_flush();
				return done(h, -EIO, "the dump broke off");
			}
		}
	}
	batch_flush();
	done(h, 0, NULL);
}

static void domain(const struct nlmsghdr *h, struct dev *d, u16 flags)
{
	size_t i, count = 0;

	for (i = 0; i < nrules; i++)
		count += rules[i].used && rules[i].dev == d;
	msg_start(h, FAMILY, flags);
	put_dev(d);
	attr_u8(MAPE_A_ROLE, d->role);
	attr_u8(MAPE_A_IFID, d->ifid);
	attr(MAPE_A_BR_ADDR, &br_addr, 16);
	attr_u32(MAPE_A_RULE_COUNT, count);
	if (d->has_bmr) {
		for (i = 0; i < nrules; i++) {
			if (rules[i].used && rules[i].dev == d &&
			    (rules[i].type & MAPE_RULE_BMR)) {
				struct rule bmr = rules[i];

				bmr.type = MAPE_RULE_BMR;
				put_rule(&bmr);
			}
		}
		put_ce(&d->ce, -1);
	}
	msg_end();
}

static void stats(const struct nlmsghdr *h, struct dev *d, u16 flags)
{
	struct nlattr pad = { .nla_len = NLA_HDRLEN, .nla_type = MAPE_A_PAD };
	size_t n;
	int i;

	msg_start(h, FAMILY, flags);
	put_dev(d);
	n = nest_start(MAPE_A_STATS);
	for (i = 0; i < __MAPE_STAT_MAX; i++) {
		if (i + 1 == MAPE_A_PAD)
			put(&pad, sizeof(pad));
		attr_u64(i + 1, (u64)(i + 1) * 1000 + d->ifindex);
	}
	attr_u64(__MAPE_STAT_MAX + 1, 42);
	nest_end(n);
	msg_end();
}

/* Longest-prefix match, IPv4 or IPv6 side. */
static struct rule *match(const struct dev *d, const __be32 *a4,
			  const struct in6_addr *a6)
{
	struct rule *best = NULL;
	size_t i;

	for (i = 0; i < nrules; i++) {
		const struct mape_rule *r = &rules[i].r;

		if (!rules[i].used || rules[i].dev != d)
			continue;
		if (a4 ? !mape_ipv4_prefix_match(*a4, r->prefix4, r->prefix4_len) :
			 !mape_ipv6_prefix_match(a6, &r->prefix6, r->prefix6_len))
			continue;
		if (!best || (a4 ? r->prefix4_len > best->r.prefix4_len :
				   r->prefix6_len > best->r.prefix6_len))
			best = &rules[i];
	}
	return best;
}

static void lookup(const struct nlmsghdr *h, struct dev *d)
{
	struct netlink_ext_ack ext = { NULL };
	struct mape_ce ce;
	struct rule *e;
	int exact = -1;
	bool ex;

	if (!!tb[MAPE_A_LOOKUP_IPV4] == !!tb[MAPE_A_LOOKUP_IPV6])
		return ack(h, -EINVAL, "look up an IPv4 address and port, or an IPv6 address");
	if (tb[MAPE_A_LOOKUP_IPV4]) {
		__be32 a = GET(u32, tb[MAPE_A_LOOKUP_IPV4]);
		u16 port = tb[MAPE_A_LOOKUP_PORT] ?
			   GET(u16, tb[MAPE_A_LOOKUP_PORT]) : 0;
		struct mape_portset ps;

		e = match(d, &a, NULL);
		if (!e)
			return ack(h, -ENOENT, "no rule matches");
		ps.offset = e->r.psid_offset;
		ps.len = e->r.psid_len;
		if (!mape_rule_map4(&e->r, a, port, d->ifid, &ce.addr))
			return ack(h, -ERANGE, "the port belongs to no CE of the rule");
		if (mape_ce_from_ipv4(&e->r, a, mape_port_psid(&ps, port),
				      d->ifid, &ce, &ext))
			return ack(h, -EINVAL, ext._msg);
	} else {
		struct in6_addr a;

		memcpy(&a, DATA(tb[MAPE_A_LOOKUP_IPV6]), 16);
		e = match(d, NULL, &a);
		if (!e)
			return ack(h, -ENOENT, "no rule matches");
		if (mape_rule_map6(&e->r, &a, d->ifid, &ce, &ex, &ext))
			return ack(h, -EINVAL, ext._msg);
		exact = ex;
	}
	msg_start(h, FAMILY, 0);
	put_dev(d);
	put_rule(e);
	put_ce(&ce, exact);
	msg_end();
	queue(out, out_len);
	ack(h, 0, NULL);
}

static void request(struct nlmsghdr *h)
{
	struct genlmsghdr *g = NLMSG_DATA(h);
	bool dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	struct dev *d;
	size_t i;

	if (h->nlmsg_type != FAMILY || h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return ack(h, -EOPNOTSUPP, NULL);
	parse(tb, MAPE_A_MAX, (char *)g + GENL_HDRLEN,
	      h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
	d = find_dev();
	if (!d && (!dump || tb[MAPE_A_IFINDEX] || tb[MAPE_A_IFNAME]))
		return ack(h, tb[MAPE_A_IFINDEX] || tb[MAPE_A_IFNAME] ?
			   -ENODEV : -EINVAL,
			   dump ? "no such mape device" :
			   tb[MAPE_A_IFINDEX] || tb[MAPE_A_IFNAME] ?
			   "no such device" : "no device given");
	switch (g->cmd) {
	case MAPE_CMD_RULE_ADD:
		if (!tb[MAPE_A_RULE])
			return ack(h, -EINVAL, "missing rule");
		return rule_add(h, d);
	case MAPE_CMD_RULE_DEL:
		if (!tb[MAPE_A_RULE])
			return ack(h, -EINVAL, "missing rule");
		return rule_del(h, d);
	case MAPE_CMD_RULE_FLUSH:
		return rule_flush(h, d);
	case MAPE_CMD_RULE_GET:
		if (!dump)
			return ack(h, -EOPNOTSUPP, NULL);
		return rule_get(h, d);
	case MAPE_CMD_DOMAIN_GET:
	case MAPE_CMD_STATS_GET:
		if (!dump) {
			(g->cmd == MAPE_CMD_STATS_GET ? stats : domain)(h, d, 0);
			queue(out, out_len);
			return ack(h, 0, NULL);
		}
		for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
			if (!all_or(d, &devs[i]))
				continue;
			(g->cmd == MAPE_CMD_STATS_GET ? stats : domain)(h, &devs[i],
									NLM_F_MULTI);
			batch_add();
		}
		batch_flush();
		return done(h, 0, NULL);
	case MAPE_CMD_LOOKUP:
		return lookup(h, d);
	}
	ack(h, -EOPNOTSUPP, NULL);
}

static bool is_netlink(int fd)
{
	socklen_t l = sizeof(int);
	int domain;

	return !getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &l) &&
	       domain == AF_NETLINK;
}

static bool is_rtnl(int fd)
{
	socklen_t l = sizeof(int);
	int protocol;

	return !getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &l) &&
	       protocol == NETLINK_ROUTE;
}

static struct answers *answers_of(int fd)
{
	return is_rtnl(fd) ? &rtnl_answers : &genl_answers;
}

int genl_ctrl_resolve(void *sk, const char *name)
{
	(void)sk;
	if (getenv("FAKE_GENL_ABSENT") || strcmp(name, MAPE_GENL_NAME))
		return -NLE_OBJ_NOTFOUND;
	return FAMILY;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	static ssize_t (*real)(int, const void *, size_t, int);
	static char copy[1 << 20] __attribute__((aligned(8)));
	struct nlmsghdr *h = (struct nlmsghdr *)copy;
	struct sockaddr_nl sa = { .nl_pid = 0 };
	socklen_t sl = sizeof(sa);
	bool rtnl;
	int left;

	if (!is_netlink(fd)) {
		if (!real)
			real = (ssize_t (*)(int, const void *, size_t, int))
			       dlsym(RTLD_NEXT, "send");
		return real(fd, buf, len, flags);
	}
	if (len > sizeof(copy)) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(copy, buf, len);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	answers = answers_of(fd);
	rtnl = answers == &rtnl_answers;
	for (left = len; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		h->nlmsg_pid = sa.nl_pid;
		if (rtnl)
			fake_rtnl_request(h);
		else
			request(h);
	}
	return len;
}

static ssize_t take(struct answers *q, void *buf, size_t len, int flags)
{
	struct dgram *d;
	size_t n;

	if (q->overrun) {
		q->overrun = false;
		errno = ENOBUFS;
		return -1;
	}
	d = dequeue(q);
	if (!d) {
		errno = EAGAIN;
		return -1;
	}
	n = d->len < len ? d->len : len;
	memcpy(buf, d->data, n);
	n = (flags & MSG_TRUNC) ? d->len : n;
	free(d);
	return n;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	static ssize_t (*real)(int, void *, size_t, int);

	if (!is_netlink(fd)) {
		if (!real)
			real = (ssize_t (*)(int, void *, size_t, int))
			       dlsym(RTLD_NEXT, "recv");
		return real(fd, buf, len, flags);
	}
	return take(answers_of(fd), buf, len, flags);
}

int recvmmsg(int fd, struct mmsghdr *msgs, unsigned int vlen, int flags,
	     struct timespec *timeout)
{
	static int (*real)(int, struct mmsghdr *, unsigned int, int,
			   struct timespec *);
	struct answers *q;
	unsigned int i;
	ssize_t n;

	if (!is_netlink(fd)) {
		if (!real)
			real = (int (*)(int, struct mmsghdr *, unsigned int, int,
					struct timespec *))
			       dlsym(RTLD_NEXT, "recvmmsg");
		return real(fd, msgs, vlen, flags, timeout);
	}
	q = answers_of(fd);
	for (i = 0; i < vlen; i++) {
		n = take(q, msgs[i].msg_hdr.msg_iov[0].iov_base,
			 msgs[i].msg_hdr.msg_iov[0].iov_len, 0);
		if (n < 0)
			return i ? (int)i : -1;
		msgs[i].msg_len = n;
	}
	return i;
}
