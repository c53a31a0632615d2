// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: random and mutated netlink messages to mape's generic netlink
 * family and to rtnetlink (RTM_NEWLINK/SETLINK/DELLINK/GETLINK of kind
 * "mape"), from several worker processes at once.
 *
 *   nlfuzz [-s SEED] [-n COUNT] [-w WORKERS] [-m MODE[,MODE...]]
 *          [-d DEV[,DEV...]] [-p PREFIX] [-t SECONDS] [-v]
 *          [-x W:I] [-r W:FIRST:LAST]
 *
 * Every message is built from a generator seeded with (SEED, worker,
 * index) alone: -x W:I rebuilds message I of worker W, prints it and sends
 * it; -r replays a range of one worker. Messages start from valid requests
 * built here (so that the deep paths are reached) and are then mutated at
 * build time (attributes left out, repeated, of the wrong width or out of
 * range, unknown ones added) and/or afterwards (types, lengths, bits,
 * truncation, nesting, header fields), or are random.
 *
 * MODE: genl, rtnl, dump (genl with dumps abandoned and sockets closed
 * halfway) or mix; workers take them in turn. DEVs are the devices of the
 * namespace to aim at (by name and index); PREFIX names the devices rtnl
 * workers create and delete (PREFIX0..PREFIX7).
 *
 * Exit: 0; 1 when a worker died of a signal (the message it was sending is
 * printed), a reply was malformed, or the family is missing.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/mape.h>

#include "fuzzlib.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

#define MAXMSG		4096
#define MAXWORKERS	16
#define MAXTARGETS	16
#define RXBUF		(64 * 1024)

enum mode { M_GENL, M_RTNL, M_DUMP, M_MIX, M_NMODES };
static const char *const mode_names[] = { "genl", "rtnl", "dump", "mix" };

/* What a message was, for the summary. */
enum cls {
	C_G_UNSPEC, C_G_RULE_ADD, C_G_RULE_DEL, C_G_RULE_FLUSH, C_G_RULE_GET,
	C_G_DOMAIN_GET, C_G_LOOKUP, C_G_STATS_GET, C_G_UNKNOWN,
	C_G_DOMAIN_DUMP, C_G_STATS_DUMP, C_G_RANDOM,
	C_R_CREATE, C_R_CHANGE, C_R_SET, C_R_DEL, C_R_GET, C_R_DUMP,
	C_R_RANDOM, NCLS
};
static const char *const cls_names[NCLS] = {
	"genl UNSPEC", "genl RULE_ADD", "genl RULE_DEL", "genl RULE_FLUSH",
	"genl RULE_GET dump", "genl DOMAIN_GET", "genl LOOKUP",
	"genl STATS_GET", "genl unknown cmd", "genl DOMAIN_GET dump",
	"genl STATS_GET dump", "genl random",
	"rtnl NEWLINK create", "rtnl NEWLINK change", "rtnl SETLINK",
	"rtnl DELLINK", "rtnl GETLINK", "rtnl GETLINK dump", "rtnl random",
};

enum res { RS_OK, RS_EINVAL, RS_ENOENT, RS_ENODEV, RS_EOPNOTSUPP, RS_EEXIST,
	   RS_ERANGE, RS_EBUSY, RS_OTHER, RS_NONE, NRES };
static const char *const res_names[NRES] = {
	"ok", "EINVAL", "ENOENT", "ENODEV", "EOPNOTSUPP", "EEXIST", "ERANGE",
	"EBUSY", "other", "noreply",
};

/* Per worker, in memory shared with the parent. */
struct shared {
	volatile uint64_t cur;		/* index of the message in flight */
	volatile uint32_t curlen;
	uint8_t curmsg[MAXMSG + 512];
	uint64_t sent;
	uint64_t res[NCLS][NRES];
	uint64_t dumps_done, dumps_abandoned, dumps_closed, dump_msgs;
	uint64_t malformed;
	double secs;
};

struct msg {
	uint8_t b[MAXMSG + 512];
	size_t len;
	size_t hdrlen;		/* netlink + family header */
	enum cls cls;
	bool genl;
	bool dump;
	int dump_action;	/* 0 complete, 1 abandon, 2 close */
};

/* Build context: the generator and how much to break. */
struct gen {
	struct rng *r;
	int lvl;		/* 0 valid, 1 build-time mutations, 2 also after */
};

struct worker {
	int id;
	enum mode mode;
	uint64_t seed;
	int gsock, rsock;
	int qsock;		/* rtnetlink, for our own lookups */
	uint16_t fam;
	uint32_t seq;
	int ntg;
	char tgname[MAXTARGETS][IFNAMSIZ];
	int tgidx[MAXTARGETS];
	struct shared *sh;
	uint8_t rx[RXBUF];
	int reported;
};

static uint64_t opt_seed;
static uint64_t opt_count = 1000;
static int opt_workers = 1;
static enum mode opt_modes[M_NMODES * 4];
static int opt_nmodes;
static char opt_devs[MAXTARGETS][IFNAMSIZ];
static int opt_ndevs;
static const char *opt_prefix = "fz";
static double opt_time;
static int opt_verbose;

/* ---- message construction ------------------------------------------- */

static void *put(struct msg *m, uint16_t type, const void *d, size_t n)
{
	struct nlattr *a;
	size_t tot = NLA_ALIGN(NLA_HDRLEN + n);

	if (m->len + tot > MAXMSG)
		return NULL;
	a = (struct nlattr *)(m->b + m->len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + n;
	memset((uint8_t *)a + NLA_HDRLEN, 0, tot - NLA_HDRLEN);
	if (d && n)
		memcpy((uint8_t *)a + NLA_HDRLEN, d, n);
	m->len += tot;
	return a;
}

static size_t nest_start(struct msg *m, uint16_t type)
{
	size_t off = m->len;

	put(m, type | NLA_F_NESTED, NULL, 0);
	return off;
}

static void nest_end(struct msg *m, size_t off)
{
	struct nlattr *a = (struct nlattr *)(m->b + off);

	if (off + NLA_HDRLEN <= m->len)
		a->nla_len = m->len - off;
}

/*
 * An integer attribute of width bytes, host order (or network order when
 * be). At lvl > 0 it may be left out, repeated, given another width or
 * an out-of-range value.
 */
static void put_int(struct gen *g, struct msg *m, uint16_t type,
		    unsigned int width, uint64_t val, bool be)
{
	static const unsigned int widths[] = { 0, 1, 2, 3, 4, 5, 8, 16, 17 };
	uint8_t buf[32];
	unsigned int w = width, i, reps = 1;

	if (g->lvl) {
		if (chance(g->r, 4))
			return;
		if (chance(g->r, 4))
			reps = 2;
	}
	while (reps--) {
		uint64_t v = val;

		if (g->lvl && chance(g->r, 8))
			v = interesting(g->r, width);
		w = width;
		if (g->lvl && chance(g->r, 3))
			w = widths[rnd(g->r, sizeof(widths) / sizeof(widths[0]))];
		memset(buf, 0, sizeof(buf));
		for (i = 0; i < width && i < 8; i++) {
			unsigned int pos = be ? width - 1 - i : i;

			buf[pos] = (uint8_t)(v >> (8 * i));
		}
		if (w > width)
			rnd_bytes(g->r, buf + width, w - width);
		put(m, type, buf, w);
	}
}

/* A byte string attribute (addresses), same treatment. */
static void put_bytes(struct gen *g, struct msg *m, uint16_t type,
		      const void *d, size_t n)
{
	uint8_t buf[40];
	size_t w = n;

	if (g->lvl && chance(g->r, 4))
		return;
	memcpy(buf, d, n);
	if (g->lvl && chance(g->r, 4))
		w = rnd(g->r, sizeof(buf));
	if (w > n)
		rnd_bytes(g->r, buf + n, w - n);
	if (g->lvl && chance(g->r, 4))
		buf[rnd(g->r, n)] ^= (uint8_t)(1 << rnd(g->r, 8));
	put(m, type, buf, w);
	if (g->lvl && chance(g->r, 3))
		put(m, type, buf, w);
}

/* Unknown or misplaced attributes, sometimes nested garbage. */
static void put_junk(struct gen *g, struct msg *m, unsigned int maxtype)
{
	uint8_t buf[64];
	unsigned int n = rnd(g->r, 3) + 1;

	while (n--) {
		uint16_t t = rnd(g->r, maxtype + 4);
		size_t len = rnd(g->r, sizeof(buf));

		if (chance(g->r, 20)) {
			size_t nest = nest_start(m, t);
			unsigned int k = rnd(g->r, 4);

			while (k--) {
				len = rnd(g->r, 20);
				rnd_bytes(g->r, buf, len);
				put(m, rnd(g->r, 20), buf, len);
			}
			nest_end(m, nest);
			continue;
		}
		if (chance(g->r, 10))
			t |= NLA_F_NET_BYTEORDER;
		rnd_bytes(g->r, buf, len);
		put(m, t, buf, len);
	}
}

static void nl_hdr(struct msg *m, uint16_t type, uint16_t flags, uint32_t seq,
		   size_t famhdr)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->b;

	memset(m->b, 0, NLMSG_HDRLEN + famhdr);
	nh->nlmsg_type = type;
	nh->nlmsg_flags = flags;
	nh->nlmsg_seq = seq;
	m->len = NLMSG_HDRLEN + NLMSG_ALIGN(famhdr);
	m->hdrlen = m->len;
}

static void finish(struct msg *m)
{
	((struct nlmsghdr *)m->b)->nlmsg_len = m->len;
}

/* ---- targets and addresses ------------------------------------------ */

/*
 * The index of a device, 0 if none: RTM_GETLINK, not if_nametoindex(),
 * whose ioctl asks modprobe for a module named after a missing device
 * (a process spawned per lookup).
 */
static int ifindex_of(int fd, const char *name)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		uint8_t attrs[32];
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint8_t buf[8192];
	struct nlattr *a;
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	size_t n = strlen(name) + 1;
	ssize_t len;

	if (n > IFNAMSIZ)
		return 0;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	a = (struct nlattr *)req.attrs;
	a->nla_type = IFLA_IFNAME;
	a->nla_len = NLA_HDRLEN + n;
	memcpy(a + 1, name, n);
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi)) + NLA_ALIGN(a->nla_len);
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return 0;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < (ssize_t)NLMSG_LENGTH(sizeof(struct ifinfomsg)) ||
	    nh->nlmsg_type != RTM_NEWLINK)
		return 0;
	return ((struct ifinfomsg *)NLMSG_DATA(nh))->ifi_index;
}

static void refresh_targets(struct worker *w)
{
	int i;

	for (i = 0; i < w->ntg; i++)
		w->tgidx[i] = ifindex_of(w->qsock, w->tgname[i]);
}

static void ip6(uint8_t *a, const char *s)
{
	inet_pton(AF_INET6, s, a);
}

static const char *const br_addrs[] = {
	"2001:db8:ffff::1", "2001:db8:ffff::2", "2001:db8:fffe::1",
	"2001:db8:100::1", "2001:db8:f0:1::1", "::1", "::", "ff02::1",
	"fe80::1", "::ffff:192.0.2.1", "2001:db8:ffff::3",
};

static const char *const eu_prefixes[] = {
	"2001:db8:112:3400::", "2001:db8:112:3500::", "2001:db8:113:100::",
	"2001:db8:100::", "2001:db8:1ff:ff00::", "2001:db8:112:3401::",
};

static const char *const lookup6[] = {
	"2001:db8:112:3400:0:c000:212:34", "2001:db8:112:3500:0:c000:212:35",
	"2001:db8:113:100:0:c000:213:1", "2001:db8:100::", "2001:db8:1ff::1",
	"2001:db8:ffff::1", "::",
};

/* MAPE_A_IFINDEX and/or MAPE_A_IFNAME, mostly for a real target. */
static void put_dev(struct gen *g, struct worker *w, struct msg *m)
{
	int t = w->ntg ? (int)rnd(g->r, w->ntg) : -1;
	uint32_t c = rnd(g->r, 100);
	char name[40];

	if (t >= 0 && c < 50) {
		put_int(g, m, MAPE_A_IFINDEX, 4, (uint32_t)w->tgidx[t], false);
	} else if (t >= 0 && c < 75) {
		put(m, MAPE_A_IFNAME, w->tgname[t], strlen(w->tgname[t]) + 1);
	} else if (t >= 0 && c < 82) {
		put_int(g, m, MAPE_A_IFINDEX, 4, (uint32_t)w->tgidx[t], false);
		t = rnd(g->r, w->ntg);
		put(m, MAPE_A_IFNAME, w->tgname[t], strlen(w->tgname[t]) + 1);
	} else if (c < 87) {
		/* no device */
	} else if (c < 91) {
		put_int(g, m, MAPE_A_IFINDEX, 4,
			chance(g->r, 50) ? 1 : rnd(g->r, 64), false);
	} else if (c < 94) {
		put(m, MAPE_A_IFNAME, "lo", 3);
	} else {
		size_t n = rnd(g->r, sizeof(name));

		rnd_bytes(g->r, name, n);
		if (chance(g->r, 50) && n)
			name[n - 1] = 0;
		put(m, MAPE_A_IFNAME, name, n);
	}
}

/* ---- genl ------------------------------------------------------------ */

struct rulegen {
	uint8_t type;
	uint8_t p6[16];
	uint8_t p6len;
	uint32_t p4;		/* host order */
	uint8_t p4len, ea, off, psidlen;
	uint16_t psid;
	bool has_off, has_psidlen, has_psid;
};

static void mask6(uint8_t *a, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (len >= 8) {
			len -= 8;
			continue;
		}
		a[i] &= (uint8_t)(0xff << (8 - len));
		len = 0;
	}
}

static void gen_rule(struct rng *r, struct rulegen *ru)
{
	static const uint32_t bases[] = { 0xc0000200, 0xc6336400, 0xcb007100 };
	unsigned int p, k;

	memset(ru, 0, sizeof(*ru));
	ru->type = rnd_range(r, 1, 3);
	if (chance(r, 35)) {
		/* The domain's rule (topo.sh), or a neighbour of it. */
		ip6(ru->p6, "2001:db8:100::");
		ru->p6len = 40;
		ru->p4 = 0xc0000200;
		ru->p4len = 24;
		ru->ea = 16;
		ru->off = 6;
		ru->has_off = chance(r, 80);
		if (chance(r, 20))
			ru->ea = rnd_range(r, 8, 24);
		return;
	}
	ru->p4len = rnd_range(r, 24, 32);
	ru->p4 = bases[rnd(r, 3)] | (rnd64(r) & 0xff);
	if (ru->p4len < 32)
		ru->p4 &= ~((1U << (32 - ru->p4len)) - 1);
	p = 32 - ru->p4len;
	k = rnd(r, 17);
	ru->ea = p + k;
	ru->off = rnd(r, 17 - k);
	ru->has_off = chance(r, 70);
	if (chance(r, 40)) {
		ru->has_psidlen = true;
		ru->psidlen = k;
	}
	if (chance(r, 10) && ru->p4len == 32) {
		/* EA-bits length 0, PSID provisioned apart */
		ru->ea = 0;
		ru->has_psidlen = true;
		ru->psidlen = rnd(r, 17);
		ru->has_psid = true;
		ru->psid = rnd(r, 1U << ru->psidlen);
	}
	ru->p6len = rnd_range(r, 32, 128 - ru->ea);
	ip6(ru->p6, "2001:db8::");
	rnd_bytes(r, ru->p6 + 4, 12);
	mask6(ru->p6, ru->p6len);
}

static void put_rule(struct gen *g, struct msg *m, const struct rulegen *ru,
		     bool full)
{
	size_t nest = nest_start(m, MAPE_A_RULE);

	if (g->lvl && chance(g->r, 5))
		((struct nlattr *)(m->b + nest))->nla_type &= ~NLA_F_NESTED;
	if (full) {
		put_int(g, m, MAPE_RULE_A_TYPE, 1, ru->type, false);
		put_bytes(g, m, MAPE_RULE_A_PREFIX6, ru->p6, 16);
		put_int(g, m, MAPE_RULE_A_PREFIX6_LEN, 1, ru->p6len, false);
	}
	put_int(g, m, MAPE_RULE_A_PREFIX4, 4, ru->p4, true);
	put_int(g, m, MAPE_RULE_A_PREFIX4_LEN, 1, ru->p4len, false);
	if (full) {
		put_int(g, m, MAPE_RULE_A_EA_LEN, 1, ru->ea, false);
		if (ru->has_off || (g->lvl && chance(g->r, 10)))
			put_int(g, m, MAPE_RULE_A_PSID_OFFSET, 1, ru->off, false);
		if (ru->has_psidlen || (g->lvl && chance(g->r, 10)))
			put_int(g, m, MAPE_RULE_A_PSID_LEN, 1, ru->psidlen,
				false);
		if (ru->has_psid || (g->lvl && chance(g->r, 10)))
			put_int(g, m, MAPE_RULE_A_PSID, 2, ru->psid, false);
	}
	if (g->lvl && chance(g->r, 10))
		put_junk(g, m, MAPE_RULE_A_MAX);
	nest_end(m, nest);
}

static void build_genl(struct gen *g, struct worker *w, struct msg *m,
		       uint32_t seq)
{
	struct rng *r = g->r;
	struct genlmsghdr *gh;
	struct rulegen ru;
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	uint8_t cmd;
	uint32_t c = rnd(r, 100);
	bool dumpmode = w->mode == M_DUMP;

	m->genl = true;
	m->dump = false;
	if (dumpmode)
		c = rnd_range(r, 35, 99);
	if (c < 22)
		cmd = MAPE_CMD_RULE_ADD;
	else if (c < 30)
		cmd = MAPE_CMD_RULE_DEL;
	else if (c < 33)
		cmd = MAPE_CMD_RULE_FLUSH;
	else if (c < 48)
		cmd = MAPE_CMD_RULE_GET;
	else if (c < 62)
		cmd = MAPE_CMD_DOMAIN_GET;
	else if (c < 77)
		cmd = MAPE_CMD_LOOKUP;
	else if (c < 95)
		cmd = MAPE_CMD_STATS_GET;
	else
		cmd = chance(r, 30) ? MAPE_CMD_UNSPEC :
		      (uint8_t)rnd_range(r, MAPE_CMD_MAX + 1, 255);
	m->cls = cmd <= MAPE_CMD_MAX ? (enum cls)cmd : C_G_UNKNOWN;
	if (cmd == MAPE_CMD_RULE_GET ||
	    ((cmd == MAPE_CMD_DOMAIN_GET || cmd == MAPE_CMD_STATS_GET) &&
	     chance(r, dumpmode ? 70 : 40))) {
		m->dump = true;
		flags = NLM_F_REQUEST | NLM_F_DUMP;
		if (cmd == MAPE_CMD_DOMAIN_GET)
			m->cls = C_G_DOMAIN_DUMP;
		else if (cmd == MAPE_CMD_STATS_GET)
			m->cls = C_G_STATS_DUMP;
		m->dump_action = 0;
		if (chance(r, dumpmode ? 60 : 20))
			m->dump_action = rnd_range(r, 1, 2);
	}
	if (g->lvl && chance(r, 5)) {
		flags ^= 1 << rnd(r, 12);
		m->dump = flags & NLM_F_DUMP;
	}
	nl_hdr(m, w->fam, flags, seq, GENL_HDRLEN);
	gh = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);
	gh->cmd = cmd;
	gh->version = MAPE_GENL_VERSION;
	if (g->lvl && chance(r, 5))
		gh->version = rnd(r, 256);
	if (g->lvl && chance(r, 3))
		gh->reserved = rnd(r, 65536);

	/* Dumps without a device cover every device of the namespace. */
	if (!m->dump || chance(r, 60))
		put_dev(g, w, m);
	switch (cmd) {
	case MAPE_CMD_RULE_ADD:
		gen_rule(r, &ru);
		put_rule(g, m, &ru, true);
		break;
	case MAPE_CMD_RULE_DEL:
		gen_rule(r, &ru);
		put_rule(g, m, &ru, chance(r, 30));
		break;
	case MAPE_CMD_LOOKUP: {
		uint32_t a = 0xc0000200 | rnd(r, 256);
		uint8_t a6[16];
		int which = rnd(r, 10);

		if (which < 5 || which == 9) {
			if (chance(r, 10))
				a = (uint32_t)rnd64(r);
			put_int(g, m, MAPE_A_LOOKUP_IPV4, 4, a, true);
			if (chance(r, 85))
				put_int(g, m, MAPE_A_LOOKUP_PORT, 2,
					rnd(r, 65536), false);
		}
		if (which >= 5) {
			ip6(a6, lookup6[rnd(r, sizeof(lookup6) /
					       sizeof(lookup6[0]))]);
			if (chance(r, 30))
				rnd_bytes(r, a6 + 6, 10);
			put_bytes(g, m, MAPE_A_LOOKUP_IPV6, a6, 16);
		}
		break;
	}
	default:
		break;
	}
	/* Attributes that belong to other commands, or to nothing. */
	if (g->lvl && chance(r, 15)) {
		gen_rule(r, &ru);
		put_rule(g, m, &ru, true);
	}
	if (g->lvl && chance(r, 15))
		put_junk(g, m, MAPE_A_MAX);
	finish(m);
}

/* ---- rtnetlink ------------------------------------------------------- */

static void put_mape_data(struct gen *g, struct msg *m, bool create)
{
	struct rng *r = g->r;
	uint8_t a[16];
	int role = chance(r, 50) ? MAPE_ROLE_CE : MAPE_ROLE_BR;
	bool xlat = chance(r, 25);	/* mode t */
	size_t nest;

	nest = nest_start(m, IFLA_INFO_DATA);
	if (g->lvl && chance(r, 5))
		((struct nlattr *)(m->b + nest))->nla_type &= ~NLA_F_NESTED;
	if (create ? chance(r, 95) : chance(r, 10))
		put_int(g, m, IFLA_MAPE_ROLE, 1, role, false);
	/* Mode t: a DMR instead of the BR address, mostly of an RFC 6052
	 * length and without host bits.
	 */
	if (xlat || chance(r, 5))
		put_int(g, m, IFLA_MAPE_MODE, 1, xlat ? 1 : rnd(r, 3), false);
	if (xlat ? chance(r, 90) : chance(r, 5)) {
		static const uint8_t lens[] = { 32, 40, 48, 56, 64, 96 };
		unsigned int len = chance(r, 85) ? lens[rnd(r, 6)] : rnd(r, 129);

		ip6(a, "2001:db8:ffff::");
		if (chance(r, 10))
			rnd_bytes(r, a + 4, 12);
		put_bytes(g, m, IFLA_MAPE_DMR, a, 16);
		if (chance(r, 95))
			put_int(g, m, IFLA_MAPE_DMR_LEN, 1, len, false);
	}
	if (xlat ? chance(r, 5) : create ? chance(r, 95) : chance(r, 25)) {
		ip6(a, br_addrs[rnd(r, sizeof(br_addrs) / sizeof(br_addrs[0]))]);
		if (chance(r, 10))
			rnd_bytes(r, a + 4, 12);
		put_bytes(g, m, IFLA_MAPE_BR_ADDR, a, 16);
	}
	if ((role == MAPE_ROLE_CE && create) ? chance(r, 70) : chance(r, 15)) {
		unsigned int len = chance(r, 70) ? 56 : rnd(r, 129);

		ip6(a, eu_prefixes[rnd(r, sizeof(eu_prefixes) /
					  sizeof(eu_prefixes[0]))]);
		if (chance(r, 15))
			rnd_bytes(r, a + 4, 12);
		if (chance(r, 80))
			mask6(a, len);
		put_bytes(g, m, IFLA_MAPE_EU_PREFIX, a, 16);
		put_int(g, m, IFLA_MAPE_EU_PREFIX_LEN, 1, len, false);
	}
	if (chance(r, 30))
		put_int(g, m, IFLA_MAPE_IFID, 1, rnd(r, 2), false);
	if (chance(r, 15))
		put_int(g, m, IFLA_MAPE_LINK, 4,
			chance(r, 50) ? 0 : rnd_range(r, 1, 40), false);
	if (chance(r, 20))
		put_int(g, m, IFLA_MAPE_HOPLIMIT, 1, rnd_range(r, 1, 255), false);
	if (chance(r, 20))
		put_int(g, m, IFLA_MAPE_TCLASS, 2,
			chance(r, 30) ? MAPE_TCLASS_INHERIT : rnd(r, 256), false);
	if (chance(r, 20))
		put_int(g, m, IFLA_MAPE_ENCAP_LIMIT, 2,
			chance(r, 30) ? MAPE_ENCAP_LIMIT_NONE : rnd(r, 256),
			false);
	if (chance(r, 15))
		put_int(g, m, IFLA_MAPE_MTU, 4, rnd_range(r, 68, 65527), false);
	if (chance(r, 15))
		put_int(g, m, IFLA_MAPE_MTU_V6, 4,
			chance(r, 30) ? 0 : rnd_range(r, 1280, 65535), false);
	if (chance(r, 20))
		put_int(g, m, IFLA_MAPE_FRAG_MODE, 1, rnd(r, 2), false);
	if (chance(r, 20))
		put_int(g, m, IFLA_MAPE_V4_REASSEMBLY, 1, rnd(r, 2), false);
	if (chance(r, 20))
		put_int(g, m, IFLA_MAPE_FRAG_ID, 1, rnd(r, 2), false);
	if (chance(r, 10))
		put_int(g, m, IFLA_MAPE_FRAG_MAX_ENTRIES, 4,
			rnd_range(r, 1, 8192), false);
	if (chance(r, 10))
		put_int(g, m, IFLA_MAPE_FRAG_MAX_HELD, 4, rnd(r, 4096), false);
	if (chance(r, 10))
		put_int(g, m, IFLA_MAPE_FRAG_TIMEOUT, 4,
			rnd_range(r, 1, 60000), false);
	if (chance(r, 10))
		put_int(g, m, IFLA_MAPE_NAPT, 1, rnd(r, 2), false);
	if (g->lvl && chance(r, 15))
		put_junk(g, m, IFLA_MAPE_MAX);
	nest_end(m, nest);
}

static void put_linkinfo(struct gen *g, struct msg *m, bool create)
{
	static const char *const kinds[] = { "mape", "map", "mapex", "" };
	struct rng *r = g->r;
	size_t nest = nest_start(m, IFLA_LINKINFO);
	bool data_first = g->lvl && chance(r, 5);

	if (data_first)
		put_mape_data(g, m, create);
	if (!g->lvl || chance(r, 95)) {
		/* An unknown kind costs a modprobe run: rarely. */
		if (g->lvl && chance(r, 1))
			put(m, IFLA_INFO_KIND, kinds[rnd(r, 4)],
			    rnd(r, 6));
		else
			put(m, IFLA_INFO_KIND, "mape",
			    chance(r, 90) ? 5 : 4);
	}
	if (!data_first && (!g->lvl || chance(r, 95)))
		put_mape_data(g, m, create);
	if (g->lvl && chance(r, 5))
		put_mape_data(g, m, create);
	if (g->lvl && chance(r, 5))
		put_junk(g, m, IFLA_INFO_MAX);
	nest_end(m, nest);
}

static void build_rtnl(struct gen *g, struct worker *w, struct msg *m,
		       uint32_t seq)
{
	struct rng *r = g->r;
	struct ifinfomsg *ifi;
	uint32_t c = rnd(r, 100);
	uint16_t type, flags = NLM_F_REQUEST | NLM_F_ACK;
	char name[IFNAMSIZ];
	int t = w->ntg ? (int)rnd(r, w->ntg) : -1;
	bool by_index = false, create = false, linkinfo = true;

	m->genl = false;
	m->dump = false;
	snprintf(name, sizeof(name), "%s%u", opt_prefix, rnd(r, 8));
	if (c < 32) {
		type = RTM_NEWLINK;
		flags |= NLM_F_CREATE | NLM_F_EXCL;
		m->cls = C_R_CREATE;
		create = true;
	} else if (c < 62) {
		type = RTM_NEWLINK;
		m->cls = C_R_CHANGE;
		if (t >= 0 && chance(r, 60)) {
			snprintf(name, sizeof(name), "%s", w->tgname[t]);
			by_index = chance(r, 50);
		}
	} else if (c < 70) {
		type = RTM_SETLINK;
		m->cls = C_R_SET;
		if (t >= 0 && chance(r, 60))
			snprintf(name, sizeof(name), "%s", w->tgname[t]);
	} else if (c < 84) {
		type = RTM_DELLINK;
		m->cls = C_R_DEL;
		linkinfo = chance(r, 10);
	} else if (c < 93) {
		type = RTM_GETLINK;
		m->cls = C_R_GET;
		linkinfo = false;
		if (t >= 0 && chance(r, 70)) {
			snprintf(name, sizeof(name), "%s", w->tgname[t]);
			by_index = chance(r, 50);
		}
	} else {
		type = RTM_GETLINK;
		flags = NLM_F_REQUEST | NLM_F_DUMP;
		m->cls = C_R_DUMP;
		m->dump = true;
		m->dump_action = chance(r, 30) ? rnd_range(r, 1, 2) : 0;
		linkinfo = chance(r, 50);
	}
	if (g->lvl && chance(r, 5))
		flags ^= 1 << rnd(r, 12);
	nl_hdr(m, type, flags, seq, sizeof(*ifi));
	ifi = (struct ifinfomsg *)(m->b + NLMSG_HDRLEN);
	if (by_index)
		ifi->ifi_index = w->tgidx[t];
	if (create && chance(r, 30)) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if (g->lvl && chance(r, 5))
		ifi->ifi_index = (int)interesting(r, 4);
	if (g->lvl && chance(r, 3))
		ifi->ifi_family = rnd(r, 32);
	if (!by_index && !m->dump)
		put(m, IFLA_IFNAME, name, strlen(name) + 1);
	if (chance(r, 8))
		put_int(g, m, IFLA_MTU, 4, rnd_range(r, 60, 65600), false);
	if (m->dump && chance(r, 50))
		put_int(g, m, IFLA_EXT_MASK, 4, rnd(r, 64), false);
	if (g->lvl && chance(r, 2))
		/* Another namespace: mape refuses to be created there. */
		put_int(g, m, IFLA_NET_NS_PID, 4, 1, false);
	if (linkinfo)
		put_linkinfo(g, m, create);
	if (g->lvl && chance(r, 10))
		put_junk(g, m, IFLA_MAX);
	finish(m);
}

/* ---- mutation after the fact ---------------------------------------- */

/* Offsets of the top-level attributes, as far as they parse. */
static int attr_offsets(const struct msg *m, size_t *off, int max)
{
	size_t o = m->hdrlen;
	int n = 0;

	while (o + NLA_HDRLEN <= m->len && n < max) {
		const struct nlattr *a = (const void *)(m->b + o);

		if (a->nla_len < NLA_HDRLEN || o + a->nla_len > m->len)
			break;
		off[n++] = o;
		o += NLA_ALIGN(a->nla_len);
	}
	return n;
}

/* Offsets of every attribute, descending into anything that parses. */
static int all_attrs(const struct msg *m, size_t start, size_t end,
		     size_t *off, int n, int max, int depth)
{
	size_t o = start;

	while (o + NLA_HDRLEN <= end && n < max) {
		const struct nlattr *a = (const void *)(m->b + o);

		if (a->nla_len < NLA_HDRLEN || o + a->nla_len > end)
			break;
		off[n++] = o;
		if (depth < 3 && a->nla_len >= 2 * NLA_HDRLEN)
			n = all_attrs(m, o + NLA_HDRLEN, o + a->nla_len, off,
				      n, max, depth + 1);
		o += NLA_ALIGN(a->nla_len);
	}
	return n;
}

static void mutate(struct rng *r, struct msg *m)
{
	unsigned int k = rnd_range(r, 1, 4);
	size_t off[128];
	int n;

	while (k--) {
		struct nlattr *a;
		size_t o;

		n = all_attrs(m, m->hdrlen, m->len, off, 0, 128, 0);
		switch (rnd(r, 12)) {
		case 0:	/* a bit anywhere after the netlink header */
			if (m->len > NLMSG_HDRLEN)
				m->b[rnd_range(r, NLMSG_HDRLEN, m->len - 1)] ^=
					(uint8_t)(1 << rnd(r, 8));
			break;
		case 1:	/* a byte to a boundary value */
			if (m->len > NLMSG_HDRLEN)
				m->b[rnd_range(r, NLMSG_HDRLEN, m->len - 1)] =
					(uint8_t)interesting(r, 1);
			break;
		case 2:	/* an attribute's type */
			if (!n)
				break;
			a = (void *)(m->b + off[rnd(r, n)]);
			a->nla_type = chance(r, 50) ?
				      (a->nla_type & ~NLA_TYPE_MASK) | rnd(r, 24) :
				      (uint16_t)(a->nla_type ^ (1 << rnd(r, 16)));
			break;
		case 3:	/* an attribute's length */
			if (!n)
				break;
			a = (void *)(m->b + off[rnd(r, n)]);
			a->nla_len = chance(r, 50) ? (uint16_t)interesting(r, 2) :
				     (uint16_t)(a->nla_len + (int)rnd(r, 9) - 4);
			break;
		case 4:	/* an attribute's value */
			if (!n)
				break;
			a = (void *)(m->b + off[rnd(r, n)]);
			if (a->nla_len > NLA_HDRLEN) {
				unsigned int len = a->nla_len - NLA_HDRLEN;
				uint64_t v = interesting(r, len < 8 ? len : 8);

				memcpy((uint8_t *)a + NLA_HDRLEN, &v,
				       len < 8 ? len : 8);
			}
			break;
		case 5: { /* a top-level attribute repeated */
			int nt = attr_offsets(m, off, 128);

			if (!nt)
				break;
			o = off[rnd(r, nt)];
			a = (void *)(m->b + o);
			if (m->len + NLA_ALIGN(a->nla_len) <= MAXMSG) {
				memcpy(m->b + m->len, a, NLA_ALIGN(a->nla_len));
				m->len += NLA_ALIGN(a->nla_len);
			}
			break;
		}
		case 6: { /* a top-level attribute removed */
			int nt = attr_offsets(m, off, 128);
			size_t l;

			if (!nt)
				break;
			o = off[rnd(r, nt)];
			l = NLA_ALIGN(((struct nlattr *)(m->b + o))->nla_len);
			if (o + l > m->len)
				l = m->len - o;
			memmove(m->b + o, m->b + o + l, m->len - o - l);
			m->len -= l;
			break;
		}
		case 7: { /* a top-level attribute wrapped in a nest */
			int nt = attr_offsets(m, off, 128);
			size_t l;

			if (!nt || m->len + NLA_HDRLEN > MAXMSG)
				break;
			o = off[rnd(r, nt)];
			l = NLA_ALIGN(((struct nlattr *)(m->b + o))->nla_len);
			memmove(m->b + o + NLA_HDRLEN, m->b + o, m->len - o);
			a = (void *)(m->b + o);
			a->nla_type = rnd(r, 16) | (chance(r, 70) ? NLA_F_NESTED : 0);
			a->nla_len = NLA_HDRLEN + l;
			m->len += NLA_HDRLEN;
			break;
		}
		case 8:	/* truncated */
			m->len = rnd_range(r, 0, m->len);
			break;
		case 9:	/* garbage appended: a partial second message */
			if (m->len + 64 <= MAXMSG) {
				size_t l = rnd(r, 64);

				rnd_bytes(r, m->b + m->len, l);
				m->len += l;
			}
			break;
		case 10: /* the family header */
			if (m->hdrlen > NLMSG_HDRLEN)
				m->b[rnd_range(r, NLMSG_HDRLEN, m->hdrlen - 1)] =
					(uint8_t)rnd64(r);
			break;
		case 11: /* nlmsg_len disagrees with what is sent */
			finish(m);
			((struct nlmsghdr *)m->b)->nlmsg_len =
				chance(r, 50) ? (uint32_t)interesting(r, 4) :
				(uint32_t)(m->len + rnd(r, 17) - 8);
			return;
		}
		finish(m);
	}
}

/* Random bytes after a plausible header. */
static void build_random(struct rng *r, struct worker *w, struct msg *m,
			 uint32_t seq, bool genl)
{
	size_t famhdr = genl ? GENL_HDRLEN : sizeof(struct ifinfomsg);
	uint16_t type = genl ? w->fam :
			(uint16_t)rnd_range(r, RTM_NEWLINK, RTM_GETLINK);

	m->genl = genl;
	m->dump = false;
	m->cls = genl ? C_G_RANDOM : C_R_RANDOM;
	nl_hdr(m, type, NLM_F_REQUEST | (rnd(r, 0x1000) & ~NLM_F_DUMP), seq,
	       famhdr);
	rnd_bytes(r, m->b + NLMSG_HDRLEN, famhdr);
	if (genl && chance(r, 80))
		m->b[NLMSG_HDRLEN] = rnd(r, MAPE_CMD_MAX + 3);
	if (!genl && chance(r, 80)) {
		/* Keep ifi_index small: an existing device now and then. */
		struct ifinfomsg *ifi = (void *)(m->b + NLMSG_HDRLEN);

		ifi->ifi_index = rnd(r, 16);
		ifi->ifi_flags &= ~(IFF_UP);
	}
	if (chance(r, 50)) {
		size_t l = rnd(r, 512);

		rnd_bytes(r, m->b + m->len, l);
		m->len += l;
	} else {
		struct gen g = { r, 2 };

		put_junk(&g, m, genl ? MAPE_A_MAX : IFLA_MAX);
		if (!genl && chance(r, 60)) {
			size_t nest = nest_start(m, IFLA_LINKINFO);

			put(m, IFLA_INFO_KIND, "mape", 5);
			put_junk(&g, m, IFLA_INFO_MAX);
			nest_end(m, nest);
		}
	}
	finish(m);
}

/* Message i of worker w. */
static void build(struct worker *w, uint64_t i, struct msg *m)
{
	struct rng r;
	struct gen g = { &r, 0 };
	enum mode mode = w->mode;
	uint32_t c;
	bool genl;

	rng_init(&r, w->seed, w->id, i);
	if (mode == M_MIX)
		mode = chance(&r, 50) ? M_GENL : M_RTNL;
	genl = mode != M_RTNL;
	c = rnd(&r, 100);
	if (c < 8) {
		build_random(&r, w, m, w->seq, genl);
		return;
	}
	g.lvl = c < 30 ? 0 : c < 70 ? 1 : 2;
	if (genl)
		build_genl(&g, w, m, w->seq);
	else
		build_rtnl(&g, w, m, w->seq);
	if (g.lvl == 2)
		mutate(&r, m);
}

/* ---- sockets and replies --------------------------------------------- */

static int nl_open(int proto, struct rng *r)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, buf;

	if (fd < 0) {
		perror("socket(AF_NETLINK)");
		exit(1);
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("bind(AF_NETLINK)");
		exit(1);
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (r && chance(r, 30))
		setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one,
			   sizeof(one));
	if (r && chance(r, 20))
		setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* A small buffer makes dumps take many rounds. */
	buf = r ? (int)rnd_range(r, 2048, 256 * 1024) : 256 * 1024;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	return fd;
}

static enum res errno_res(int e)
{
	switch (e) {
	case 0: return RS_OK;
	case EINVAL: return RS_EINVAL;
	case ENOENT: return RS_ENOENT;
	case ENODEV: return RS_ENODEV;
	case EOPNOTSUPP: return RS_EOPNOTSUPP;
	case EEXIST: return RS_EEXIST;
	case ERANGE: return RS_ERANGE;
	case EBUSY: return RS_EBUSY;
	}
	return RS_OTHER;
}

static void malformed(struct worker *w, const char *why, const void *p,
		      size_t n)
{
	w->sh->malformed++;
	if (w->reported++ < 5) {
		fprintf(stderr, "nlfuzz: worker %d message %llu: malformed reply: %s\n",
			w->id, (unsigned long long)w->sh->cur, why);
		hexdump(stderr, "  reply ", p, n < 256 ? n : 256);
	}
}

/* Attributes must tile [p, p + n) exactly. */
static bool attrs_ok(const uint8_t *p, size_t n)
{
	size_t o = 0;

	while (o + NLA_HDRLEN <= n) {
		const struct nlattr *a = (const void *)(p + o);

		if (a->nla_len < NLA_HDRLEN || o + a->nla_len > n)
			return false;
		o += NLA_ALIGN(a->nla_len);
	}
	return o >= n && o - n < NLA_ALIGNTO;
}

/*
 * Walk one datagram: check its shape, note the outcome of request seq.
 * *state: 0 nothing yet, 1 data seen, 2 ended (error, ack or done).
 */
static void parse_reply(struct worker *w, const uint8_t *buf, ssize_t len,
			uint32_t seq, int *err, int *state, uint64_t *nmsgs)
{
	const struct nlmsghdr *nh = (const void *)buf;
	ssize_t left = len;

	for (; NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left)) {
		bool ours = nh->nlmsg_seq == seq;

		(*nmsgs)++;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
				malformed(w, "short NLMSG_ERROR", nh, nh->nlmsg_len);
				continue;
			}
			if (e->error > 0 || e->error < -4095)
				malformed(w, "bad error code", nh, nh->nlmsg_len);
			if (ours) {
				*err = -e->error;
				*state = 2;
			}
		} else if (nh->nlmsg_type == NLMSG_DONE) {
			if (ours)
				*state = 2;
		} else if (nh->nlmsg_type == w->fam && w->fam) {
			if (nh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
			    !attrs_ok((const uint8_t *)NLMSG_DATA(nh) + GENL_HDRLEN,
				      nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)))
				malformed(w, "genl reply attributes", nh,
					  nh->nlmsg_len);
			if (ours && *state == 0)
				*state = 1;
		} else if (nh->nlmsg_type == RTM_NEWLINK) {
			size_t h = NLMSG_LENGTH(sizeof(struct ifinfomsg));

			if (nh->nlmsg_len < h ||
			    !attrs_ok((const uint8_t *)nh + NLMSG_ALIGN(h),
				      nh->nlmsg_len - NLMSG_ALIGN(h)))
				malformed(w, "RTM_NEWLINK reply attributes", nh,
					  nh->nlmsg_len);
			if (ours && *state == 0)
				*state = 1;
		}
	}
	if (left > 0)
		malformed(w, "trailing bytes in a datagram", buf, len);
}

/* One datagram, waiting up to ms; 0 when none came. */
static ssize_t recv_one(struct worker *w, int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (ms && poll(&pfd, 1, ms) <= 0)
		return 0;
	n = recv(fd, w->rx, sizeof(w->rx), MSG_DONTWAIT);
	if (n < 0)
		return errno == ENOBUFS ? -1 : 0;
	return n;
}

static void reopen(struct worker *w, bool genl, struct rng *r)
{
	if (genl) {
		close(w->gsock);
		w->gsock = nl_open(NETLINK_GENERIC, r);
	} else {
		close(w->rsock);
		w->rsock = nl_open(NETLINK_ROUTE, r);
	}
}

/* Send m and deal with what comes back. Returns the errno, -1 for none. */
static int exchange(struct worker *w, struct msg *m, uint64_t i)
{
	int fd = m->genl ? w->gsock : w->rsock;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int err = 0, state = 0, rounds = 0, limit;
	uint64_t nmsgs = 0;
	struct rng r;
	ssize_t n;

	rng_init(&r, w->seed ^ 0x5eed, w->id, i);
	if (sendto(fd, m->b, m->len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return errno;
	w->sh->sent++;
	if (!m->dump) {
		/* Requests run inside sendto: everything is queued now. */
		while ((n = recv_one(w, fd, 0)) != 0) {
			if (n > 0)
				parse_reply(w, w->rx, n, w->seq, &err, &state,
					    &nmsgs);
		}
		return state == 2 ? err : state == 1 ? 0 : -1;
	}
	/* A dump: read it through, or part of it and walk away. */
	limit = m->dump_action ? (int)rnd(&r, 3) : 100000;
	while (state != 2 && rounds < limit) {
		/* Each batch is made inside recv (the first inside sendto):
		 * an empty queue means the request was ignored, or the dump
		 * ended with an error that recv reported.
		 */
		n = recv_one(w, fd, 0);
		if (n == 0)
			n = recv_one(w, fd, 20);
		if (n == 0)
			break;
		rounds++;
		if (n > 0)
			parse_reply(w, w->rx, n, w->seq, &err, &state, &nmsgs);
	}
	w->sh->dump_msgs += nmsgs;
	if (state == 2) {
		w->sh->dumps_done++;
		return err;
	}
	if (m->dump_action == 2) {
		w->sh->dumps_closed++;
		reopen(w, m->genl, &r);
	} else {
		w->sh->dumps_abandoned++;
	}
	return state == 1 ? 0 : -1;
}

static uint16_t genl_family(void)
{
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		uint8_t attrs[64];
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint8_t buf[8192];
	struct nlattr *a;
	struct nlmsghdr *nh;
	int fd = nl_open(NETLINK_GENERIC, NULL);
	ssize_t n;
	uint16_t fam = 0;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = GENL_ID_CTRL;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.gh.cmd = CTRL_CMD_GETFAMILY;
	req.gh.version = 1;
	a = (struct nlattr *)req.attrs;
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(MAPE_GENL_NAME);
	memcpy(a + 1, MAPE_GENL_NAME, sizeof(MAPE_GENL_NAME));
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		goto out;
	n = recv(fd, buf, sizeof(buf), 0);
	nh = (struct nlmsghdr *)buf;
	if (n < (ssize_t)NLMSG_LENGTH(GENL_HDRLEN) || nh->nlmsg_type != GENL_ID_CTRL)
		goto out;
	for (a = (struct nlattr *)((uint8_t *)NLMSG_DATA(nh) + GENL_HDRLEN);
	     (uint8_t *)a + NLA_HDRLEN <= buf + n && a->nla_len >= NLA_HDRLEN;
	     a = (struct nlattr *)((uint8_t *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			memcpy(&fam, a + 1, 2);
out:
	close(fd);
	return fam;
}

/* ---- workers --------------------------------------------------------- */

static void worker_init(struct worker *w, int id, struct shared *sh)
{
	struct rng r;
	int i;

	memset(w, 0, sizeof(*w));
	w->id = id;
	w->mode = opt_modes[id % opt_nmodes];
	w->seed = opt_seed;
	w->sh = sh;
	w->fam = genl_family();
	rng_init(&r, opt_seed ^ 0x50c, id, 0);
	w->gsock = nl_open(NETLINK_GENERIC, &r);
	w->rsock = nl_open(NETLINK_ROUTE, &r);
	w->qsock = nl_open(NETLINK_ROUTE, NULL);
	w->ntg = opt_ndevs;
	for (i = 0; i < opt_ndevs; i++)
		snprintf(w->tgname[i], IFNAMSIZ, "%s", opt_devs[i]);
	/* The devices rtnl workers make are targets too. */
	for (i = 0; i < 4 && w->ntg < MAXTARGETS; i++)
		snprintf(w->tgname[w->ntg++], IFNAMSIZ, "%s%d", opt_prefix, i);
	refresh_targets(w);
}

static void run_worker(int id, struct shared *sh, uint64_t first,
		       uint64_t last)
{
	struct worker *w = calloc(1, sizeof(*w));
	struct msg *m = calloc(1, sizeof(*m));
	double t0 = now_s();
	uint64_t i;

	if (!w || !m)
		exit(1);
	worker_init(w, id, sh);
	if (!w->fam) {
		fprintf(stderr, "nlfuzz: no generic netlink family \"mape\"\n");
		exit(1);
	}
	for (i = first; i < last; i++) {
		int e;

		if (i % 32 == 0) {
			refresh_targets(w);
			if (opt_time && now_s() - t0 > opt_time)
				break;
		}
		w->seq++;
		build(w, i, m);
		sh->cur = i;
		sh->curlen = m->len;
		memcpy(sh->curmsg, m->b, m->len);
		e = exchange(w, m, i);
		sh->res[m->cls][e < 0 ? RS_NONE : errno_res(e)]++;
		if (opt_verbose > 1)
			fprintf(stderr, "w%d #%llu %s len %zu -> %d\n", id,
				(unsigned long long)i, cls_names[m->cls],
				m->len, e);
	}
	sh->secs = now_s() - t0;
	exit(0);
}

/* -x W:I: print message I of worker W, send it, show the outcome. */
static int show_one(int id, uint64_t i)
{
	struct shared *sh = calloc(1, sizeof(*sh));
	struct worker *w = calloc(1, sizeof(*w));
	struct msg *m = calloc(1, sizeof(*m));
	int e;

	if (!sh || !w || !m)
		return 1;
	worker_init(w, id, sh);
	w->seq = 1;
	build(w, i, m);
	printf("nlfuzz: seed %llu worker %d (%s) message %llu: %s, %zu bytes%s\n",
	       (unsigned long long)opt_seed, id, mode_names[w->mode],
	       (unsigned long long)i, cls_names[m->cls], m->len,
	       m->dump ? ", dump" : "");
	hexdump(stdout, "  ", m->b, m->len);
	e = exchange(w, m, i);
	printf("nlfuzz: outcome: %s (%d)\n", e < 0 ? "no reply" :
	       e ? strerror(e) : "ok", e);
	return sh->malformed ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nlfuzz [-s SEED] [-n COUNT] [-w WORKERS] [-m MODE[,MODE...]]\n"
		"              [-d DEV[,DEV...]] [-p PREFIX] [-t SECONDS] [-v]\n"
		"              [-x W:I] [-r W:FIRST:LAST]\n"
		"MODE: genl rtnl dump mix\n");
	exit(2);
}

static void parse_list(char *s, void (*fn)(const char *))
{
	char *tok, *save = NULL;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		fn(tok);
}

static void add_mode(const char *s)
{
	int i;

	for (i = 0; i < M_NMODES; i++)
		if (!strcmp(s, mode_names[i]) &&
		    opt_nmodes < (int)(sizeof(opt_modes) / sizeof(opt_modes[0]))) {
			opt_modes[opt_nmodes++] = i;
			return;
		}
	usage();
}

static void add_dev(const char *s)
{
	if (opt_ndevs < MAXTARGETS - 4)
		snprintf(opt_devs[opt_ndevs++], IFNAMSIZ, "%s", s);
}

/* s to the comma-separated list in buf, if it fits. */
static void append(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf), l = strlen(s);

	if (n + 1 + l + 1 > size)
		return;
	if (n)
		buf[n++] = ',';
	memcpy(buf + n, s, l + 1);
}

int main(int argc, char **argv)
{
	struct shared *sh;
	int c, i, fail = 0, xw = -1;
	unsigned long long xi = 0, rf = 0, rl = 0;
	bool replay = false;
	char modes_arg[128] = "", devs_arg[256] = "";
	pid_t pids[MAXWORKERS];
	uint64_t tot_sent = 0, tot_res[NCLS][NRES];
	uint64_t dd = 0, da = 0, dc = 0, dm = 0, mal = 0;
	double secs = 0;

	opt_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
	while ((c = getopt(argc, argv, "s:n:w:m:d:p:t:x:r:vh")) != -1) {
		switch (c) {
		case 's': opt_seed = strtoull(optarg, NULL, 0); break;
		case 'n': opt_count = strtoull(optarg, NULL, 0); break;
		case 'w': opt_workers = atoi(optarg); break;
		case 'm': parse_list(optarg, add_mode); break;
		case 'd': parse_list(optarg, add_dev); break;
		case 'p': opt_prefix = optarg; break;
		case 't': opt_time = atof(optarg); break;
		case 'v': opt_verbose++; break;
		case 'x':
			if (sscanf(optarg, "%d:%llu", &xw, &xi) != 2)
				usage();
			break;
		case 'r':
			if (sscanf(optarg, "%d:%llu:%llu", &xw, &rf, &rl) != 3)
				usage();
			replay = true;
			break;
		default: usage();
		}
	}
	if (opt_workers < 1 || opt_workers > MAXWORKERS)
		usage();
	if (!opt_nmodes)
		add_mode("mix");
	for (i = 0; i < opt_nmodes; i++)
		append(modes_arg, sizeof(modes_arg), mode_names[opt_modes[i]]);
	for (i = 0; i < opt_ndevs; i++)
		append(devs_arg, sizeof(devs_arg), opt_devs[i]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (xw >= 0 && !replay)
		return show_one(xw, xi);

	sh = mmap(NULL, sizeof(*sh) * MAXWORKERS, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(sh, 0, sizeof(*sh) * MAXWORKERS);
	if (replay) {
		opt_workers = 1;
		printf("nlfuzz: seed %llu: replaying worker %d messages %llu..%llu\n",
		       (unsigned long long)opt_seed, xw, rf, rl);
	} else {
		printf("nlfuzz: seed %llu, %llu messages, %d workers\n",
		       (unsigned long long)opt_seed,
		       (unsigned long long)opt_count, opt_workers);
	}
	for (i = 0; i < opt_workers; i++) {
		uint64_t per = opt_count / opt_workers +
			       ((uint64_t)i < opt_count % opt_workers);

		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 1;
		}
		if (!pids[i]) {
			if (replay)
				run_worker(xw, &sh[0], rf, rl + 1);
			run_worker(i, &sh[i], 0, per);
		}
	}
	for (i = 0; i < opt_workers; i++) {
		int st, id = replay ? xw : i;

		waitpid(pids[i], &st, 0);
		if (WIFSIGNALED(st)) {
			fprintf(stderr,
				"nlfuzz: worker %d (%s) killed by signal %d sending message %llu (seed %llu); to send it again, in the same namespace: nlfuzz -s %llu -m %s%s%s -p %s -x %d:%llu\n",
				id, mode_names[opt_modes[id % opt_nmodes]],
				WTERMSIG(st), (unsigned long long)sh[i].cur,
				(unsigned long long)opt_seed,
				(unsigned long long)opt_seed, modes_arg,
				opt_ndevs ? " -d " : "", devs_arg, opt_prefix,
				id, (unsigned long long)sh[i].cur);
			hexdump(stderr, "  ", sh[i].curmsg, sh[i].curlen);
			fail = 1;
		} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "nlfuzz: worker %d failed\n", id);
			fail = 1;
		}
	}

	memset(tot_res, 0, sizeof(tot_res));
	for (i = 0; i < opt_workers; i++) {
		int k, r;

		tot_sent += sh[i].sent;
		dd += sh[i].dumps_done;
		da += sh[i].dumps_abandoned;
		dc += sh[i].dumps_closed;
		dm += sh[i].dump_msgs;
		mal += sh[i].malformed;
		if (sh[i].secs > secs)
			secs = sh[i].secs;
		for (k = 0; k < NCLS; k++)
			for (r = 0; r < NRES; r++)
				tot_res[k][r] += sh[i].res[k][r];
	}
	for (i = 0; i < NCLS; i++) {
		uint64_t t = 0;
		int r;

		for (r = 0; r < NRES; r++)
			t += tot_res[i][r];
		if (!t)
			continue;
		printf("  %-22s %7llu:", cls_names[i], (unsigned long long)t);
		for (r = 0; r < NRES; r++)
			if (tot_res[i][r])
				printf(" %s %llu", res_names[r],
				       (unsigned long long)tot_res[i][r]);
		printf("\n");
	}
	printf("nlfuzz: seed %llu: %llu messages sent in %.1f s; dumps: %llu read through (%llu messages), %llu abandoned, %llu closed halfway; %llu malformed replies\n",
	       (unsigned long long)opt_seed, (unsigned long long)tot_sent, secs,
	       (unsigned long long)dd, (unsigned long long)dm,
	       (unsigned long long)da, (unsigned long long)dc,
	       (unsigned long long)mal);
	/* Machine-readable, for the driver script. */
	printf("NLFUZZ sent=%llu rule_add_ok=%llu create_ok=%llu change_ok=%llu dumps_done=%llu malformed=%llu failed=%d\n",
	       (unsigned long long)tot_sent,
	       (unsigned long long)tot_res[C_G_RULE_ADD][RS_OK],
	       (unsigned long long)tot_res[C_R_CREATE][RS_OK],
	       (unsigned long long)tot_res[C_R_CHANGE][RS_OK],
	       (unsigned long long)dd, (unsigned long long)mal, fail);
	return fail || mal;
}
