// SPDX-License-Identifier: GPL-2.0
/*
 * The rtnetlink half of fake_genl.so: the links mapctl link sees, created,
 * changed, shown and deleted as the kernel and kernel/device.c do it, with
 * their extack messages for what the tests provoke. Nothing is checked
 * that mapctl checks itself: the tests are about what mapctl sends.
 *
 * Links (state lives as long as the process: use mapctl -b):
 *   lo        ifindex 1, no kind
 *   dummy0    ifindex 3, kind dummy
 * then those of the file $FAKE_RTNL_LINKS, RTM_NEWLINK messages as
 * iproute2-plugin/test-nlmsg.py fake writes them, their mape attributes
 * kept exactly (shown as given). A mape link created here gets the
 * kernel's defaults for what was not sent. Dumps are not filtered by
 * kind, as on a kernel without the mape module: mapctl must filter.
 *
 * $FAKE_RTNL_LOG: each request is appended to that file as it came, for
 * test-nlmsg.py decode-raw and types.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/mape.h>
#include <linux/rtnetlink.h>

#include "fake.h"

#define LINKS_MAX	32
#define ATTR_MAX	16	/* bytes of the largest mape attribute */

struct link {
	bool used;
	int ifindex;
	char name[IFNAMSIZ];
	char kind[16];		/* "": none */
	u32 mtu;
	u8 operstate;
	bool has_data;
	struct {
		u16 len;	/* 0: absent */
		u8 data[ATTR_MAX];
	} data[IFLA_MAPE_MAX + 1];
};

static struct link links[LINKS_MAX];
static int next_ifindex = 100;
static bool loaded;

/* The request being answered: its attributes, linkinfo and mape data. */
static struct nlattr *tb[IFLA_MAX + 1];
static struct nlattr *info[IFLA_INFO_MAX + 1];
static struct nlattr *data[IFLA_MAPE_MAX + 1];

static void parse_req(struct nlmsghdr *h)
{
	size_t hdr = NLMSG_LENGTH(sizeof(struct ifinfomsg));

	parse(tb, IFLA_MAX, (char *)h + NLMSG_ALIGN(hdr),
	      h->nlmsg_len - NLMSG_ALIGN(hdr));
	memset(info, 0, sizeof(info));
	memset(data, 0, sizeof(data));
	if (tb[IFLA_LINKINFO])
		parse(info, IFLA_INFO_MAX, DATA(tb[IFLA_LINKINFO]),
		      tb[IFLA_LINKINFO]->nla_len - NLA_HDRLEN);
	if (info[IFLA_INFO_DATA])
		parse(data, IFLA_MAPE_MAX, DATA(info[IFLA_INFO_DATA]),
		      info[IFLA_INFO_DATA]->nla_len - NLA_HDRLEN);
}

static const char *kind_of_req(void)
{
	return info[IFLA_INFO_KIND] ? DATA(info[IFLA_INFO_KIND]) : "";
}

static struct link *new_link(int ifindex, const char *name, const char *kind,
			     u32 mtu, u8 operstate)
{
	struct link *l;

	for (l = links; l < links + LINKS_MAX; l++) {
		if (l->used)
			continue;
		memset(l, 0, sizeof(*l));
		l->used = true;
		l->ifindex = ifindex;
		snprintf(l->name, sizeof(l->name), "%s", name);
		snprintf(l->kind, sizeof(l->kind), "%s", kind);
		l->mtu = mtu;
		l->operstate = operstate;
		return l;
	}
	return NULL;
}

static void set_attr(struct link *l, int type, const void *v, size_t len)
{
	if (len > ATTR_MAX)
		len = ATTR_MAX;
	l->data[type].len = len;
	memcpy(l->data[type].data, v, len);
	l->has_data = true;
}

/* The request's mape data into l: IFLA_MAPE_MTU is the device's MTU. */
static void set_data(struct link *l)
{
	int type;

	l->has_data = true;
	for (type = 1; type <= IFLA_MAPE_MAX; type++) {
		if (!data[type])
			continue;
		if (type == IFLA_MAPE_MTU)
			l->mtu = GET(u32, data[type]);
		else
			set_attr(l, type, DATA(data[type]),
				 data[type]->nla_len - NLA_HDRLEN);
	}
}

static void load(void)
{
	static char buf[65536] __attribute__((aligned(8)));
	const char *path = getenv("FAKE_RTNL_LINKS");
	struct nlmsghdr *h;
	struct link *l;
	FILE *f;
	int left;

	loaded = true;
	new_link(1, "lo", "", 65536, IF_OPER_UNKNOWN);
	new_link(3, "dummy0", "dummy", 1500, IF_OPER_DOWN);
	if (!path || !(f = fopen(path, "rb")))
		return;
	left = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, left);
	     h = NLMSG_NEXT(h, left)) {
		parse_req(h);
		if (!tb[IFLA_IFNAME])
			continue;
		l = new_link(((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index,
			     DATA(tb[IFLA_IFNAME]), kind_of_req(),
			     tb[IFLA_MTU] ? GET(u32, tb[IFLA_MTU]) : 1460,
			     IF_OPER_DOWN);
		if (l && info[IFLA_INFO_DATA])
			set_data(l);
	}
}

static void log_request(const struct nlmsghdr *h)
{
	static const char pad[NLMSG_ALIGNTO];
	const char *path = getenv("FAKE_RTNL_LOG");
	FILE *f;

	if (!path || !(f = fopen(path, "ab")))
		return;
	fwrite(h, 1, h->nlmsg_len, f);
	fwrite(pad, 1, NLMSG_ALIGN(h->nlmsg_len) - h->nlmsg_len, f);
	fclose(f);
}

/* The link a request names, by index or else by name. */
static struct link *find(const struct nlmsghdr *h)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	struct link *l;

	for (l = links; l < links + LINKS_MAX; l++) {
		if (!l->used)
			continue;
		if (ifi->ifi_index > 0 ? l->ifindex == ifi->ifi_index :
		    tb[IFLA_IFNAME] && !strcmp(DATA(tb[IFLA_IFNAME]), l->name))
			return l;
	}
	return NULL;
}

static void put_link(const struct nlmsghdr *req, const struct link *l,
		     u16 flags)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_type = l->kind[0] ? ARPHRD_TUNNEL6 : ARPHRD_LOOPBACK,
		.ifi_index = l->ifindex,
		.ifi_flags = IFF_POINTOPOINT | IFF_NOARP,
	};
	size_t nest, nest_data;
	int type;

	msg_start(req, RTM_NEWLINK, flags);
	put(&ifi, sizeof(ifi));
	attr(IFLA_IFNAME, l->name, strlen(l->name) + 1);
	attr_u32(IFLA_MTU, l->mtu);
	attr_u8(IFLA_OPERSTATE, l->operstate);
	if (l->kind[0]) {
		nest = nest_start(IFLA_LINKINFO);
		attr(IFLA_INFO_KIND, l->kind, strlen(l->kind) + 1);
		if (l->has_data) {
			nest_data = nest_start(IFLA_INFO_DATA);
			for (type = 1; type <= IFLA_MAPE_MAX; type++)
				if (l->data[type].len)
					attr(type, l->data[type].data,
					     l->data[type].len);
			nest_end(nest_data);
		}
		nest_end(nest);
	}
	msg_end();
}

static void getlink(const struct nlmsghdr *h)
{
	struct link *l;

	if ((h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
		for (l = links; l < links + LINKS_MAX; l++) {
			if (!l->used)
				continue;
			put_link(h, l, NLM_F_MULTI);
			batch_add();
		}
		batch_flush();
		return done(h, 0, NULL);
	}
	l = find(h);
	if (!l)
		return ack(h, -ENODEV, NULL);
	put_link(h, l, 0);
	queue(out, out_len);
	ack(h, 0, NULL);
}

/* An attribute of the request that differs from the link's. */
static bool changes(const struct link *l, int type)
{
	return data[type] && l->data[type].len &&
	       memcmp(DATA(data[type]), l->data[type].data,
		      l->data[type].len);
}

static void changelink(const struct nlmsghdr *h, struct link *l)
{
	if (!info[IFLA_INFO_DATA])
		return ack(h, 0, NULL);
	if (strcmp(kind_of_req(), l->kind) || strcmp(l->kind, "mape"))
		return ack(h, -EOPNOTSUPP, NULL);
	if (changes(l, IFLA_MAPE_ROLE))
		return ack(h, -EOPNOTSUPP,
			   "role cannot be changed; delete and recreate the device");
	if (changes(l, IFLA_MAPE_IFID))
		return ack(h, -EOPNOTSUPP,
			   "ifid cannot be changed; delete and recreate the device");
	set_data(l);
	ack(h, 0, NULL);
}

/* kernel/device.c's mape_fill_info() of a new device. */
static void defaults(struct link *l)
{
	static const u32 u32s[][2] = {
		{ IFLA_MAPE_LINK, 0 }, { IFLA_MAPE_MTU_V6, 0 },
		{ IFLA_MAPE_FRAG_MAX_ENTRIES, 4096 },
		{ IFLA_MAPE_FRAG_MAX_HELD, 1024 },
		{ IFLA_MAPE_FRAG_TIMEOUT, 5000 },
	};
	static const u8 u8s[][2] = {
		{ IFLA_MAPE_IFID, MAPE_IFID_RFC }, { IFLA_MAPE_HOPLIMIT, 64 },
		{ IFLA_MAPE_FRAG_MODE, MAPE_FRAG_OUTER },
		{ IFLA_MAPE_V4_REASSEMBLY, 0 }, { IFLA_MAPE_FRAG_ID, 0 },
		{ IFLA_MAPE_NAPT, 0 },
	};
	u16 none = MAPE_TCLASS_INHERIT;
	size_t i;

	for (i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++)
		set_attr(l, u32s[i][0], &u32s[i][1], sizeof(u32));
	for (i = 0; i < sizeof(u8s) / sizeof(u8s[0]); i++)
		set_attr(l, u8s[i][0], &u8s[i][1], sizeof(u8));
	set_attr(l, IFLA_MAPE_TCLASS, &none, sizeof(none));
	none = MAPE_ENCAP_LIMIT_NONE;
	set_attr(l, IFLA_MAPE_ENCAP_LIMIT, &none, sizeof(none));
}

static void newlink(const struct nlmsghdr *h)
{
	struct link *l = find(h);

	if (l && (h->nlmsg_flags & NLM_F_EXCL))
		return ack(h, -EEXIST, NULL);
	if (l)
		return changelink(h, l);
	if (!(h->nlmsg_flags & NLM_F_CREATE))
		return ack(h, -ENODEV, NULL);
	if (strcmp(kind_of_req(), "mape"))
		return ack(h, -EOPNOTSUPP, "Unknown device type");
	if (!data[IFLA_MAPE_ROLE])
		return ack(h, -EINVAL, "role (ce or br) is required");
	if (!data[IFLA_MAPE_BR_ADDR])
		return ack(h, -EINVAL, "br-addr is required");
	if (!tb[IFLA_IFNAME])
		return ack(h, -EINVAL, NULL);
	l = new_link(next_ifindex++, DATA(tb[IFLA_IFNAME]), "mape", 1460,
		     IF_OPER_DOWN);
	if (!l)
		return ack(h, -ENOBUFS, NULL);
	defaults(l);
	set_data(l);
	ack(h, 0, NULL);
}

static void dellink(const struct nlmsghdr *h)
{
	struct link *l = find(h);

	if (!l)
		return ack(h, -ENODEV, NULL);
	l->used = false;
	ack(h, 0, NULL);
}

void fake_rtnl_request(struct nlmsghdr *h)
{
	if (!loaded)
		load();
	log_request(h);
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return ack(h, -EINVAL, NULL);
	parse_req(h);
	switch (h->nlmsg_type) {
	case RTM_GETLINK:
		return getlink(h);
	case RTM_NEWLINK:
		return newlink(h);
	case RTM_DELLINK:
		return dellink(h);
	}
	ack(h, -EOPNOTSUPP, NULL);
}
