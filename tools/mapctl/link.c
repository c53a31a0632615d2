// SPDX-License-Identifier: GPL-2.0
/*
 * mapctl link: create, change, delete and show mape devices over
 * rtnetlink, for routers whose ip cannot load the plugin. The keywords,
 * their checks and their printed form are the plugin's own
 * (tools/lib/mape_link.c); show prints each device as the arguments of
 * link add, and under -j as `ip -j -d link show` does.
 */

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

#include "mape_link.h"
#include "mapctl.h"
#include "netlink.h"

/* "link del " and a device name. */
#define WHAT_LEN	(16 + IFNAMSIZ)

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s link add NAME KEYWORDS\n"
		"       %s link set NAME KEYWORDS\n"
		"       %s link del NAME\n"
		"       %s [-j] link show [NAME]\n"
		"\n"
		"KEYWORDS := ",
		PROG_NAME, PROG_NAME, PROG_NAME, PROG_NAME);
	mape_link_usage(f);
	fprintf(f,
		"\n"
		"The keywords are those of ip link ... type mape (ip-link-mape(8));\n"
		"add and set send only the ones given, set and del refuse a device\n"
		"of another kind. show prints each mape device, or NAME, on a line\n"
		"of its own: NAME KEYWORDS, the arguments of link add.\n");
}

static int put_attr(void *msg, int type, const void *data, int len)
{
	if (nla_put(msg, type, len, data) >= 0)
		return 0;
	mapctl_err("link: request too large");
	return -1;
}

/*
 * IFLA_LINKINFO of kind mape, its data the keywords of argv: 0, 1 when
 * argv asked for help (printed), -1 after an error.
 */
static int put_linkinfo(struct nl_msg *msg, int argc, char *argv[])
{
	const struct mape_link_writer w = { .put = put_attr, .ctx = msg };
	struct mape_link_error err;
	struct nlattr *info, *data;

	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (!info || nla_put_string(msg, IFLA_INFO_KIND, "mape") < 0)
		goto too_large;
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	if (!data)
		goto too_large;
	switch (mape_link_parse(argc, argv, &w, &err)) {
	case MAPE_LINK_OK:
		break;
	case MAPE_LINK_HELP:
		usage(stdout);
		return 1;
	case MAPE_LINK_UNKNOWN:
		mapctl_err("unknown keyword '%s'", err.token);
		return -1;
	case MAPE_LINK_INCOMPLETE:
		mapctl_err("%s: missing value", err.token);
		return -1;
	case MAPE_LINK_DUPLICATE:
		mapctl_err("duplicate keyword '%s'", err.keyword);
		return -1;
	case MAPE_LINK_INVALID:
		mapctl_err("%s %s: %s", err.keyword, err.token, err.msg);
		return -1;
	case MAPE_LINK_NODEV:
		mapctl_err("%s %s: no such device", err.keyword, err.token);
		return -1;
	case MAPE_LINK_WRITE:
		return -1;
	}
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return 0;

too_large:
	mapctl_err("link: request too large");
	return -1;
}

/* What the link commands need of an RTM_NEWLINK. */
struct link {
	int ifindex;
	const char *name;
	struct nlattr *mtu, *operstate;
	const char *kind;	/* NULL: no IFLA_INFO_KIND */
	struct mape_link_attr data[IFLA_MAPE_MAX + 1];
};

static const struct nla_policy link_policy[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = { .type = NLA_STRING },
	[IFLA_MTU] = { .type = NLA_U32 },
	[IFLA_OPERSTATE] = { .type = NLA_U8 },
	[IFLA_LINKINFO] = { .type = NLA_NESTED },
};

static const struct nla_policy info_policy[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = { .type = NLA_STRING },
	[IFLA_INFO_DATA] = { .type = NLA_NESTED },
};

static bool is_mape(const struct link *l)
{
	return l->kind && !strcmp(l->kind, "mape");
}

/* False when h, an RTM_NEWLINK, is malformed. */
static bool parse_link(struct nlmsghdr *h, struct link *l)
{
	struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1], *a;
	int rem;

	memset(l, 0, sizeof(*l));
	if (nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX,
			link_policy) < 0 || !tb[IFLA_IFNAME])
		return false;
	l->ifindex = ((struct ifinfomsg *)nlmsg_data(h))->ifi_index;
	l->name = nla_get_string(tb[IFLA_IFNAME]);
	l->mtu = tb[IFLA_MTU];
	l->operstate = tb[IFLA_OPERSTATE];
	if (!tb[IFLA_LINKINFO])
		return true;
	if (nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO],
			     info_policy) < 0)
		return false;
	if (info[IFLA_INFO_KIND])
		l->kind = nla_get_string(info[IFLA_INFO_KIND]);
	if (!is_mape(l) || !info[IFLA_INFO_DATA])
		return true;
	nla_for_each_nested(a, info[IFLA_INFO_DATA], rem) {
		if (nla_type(a) > 0 && nla_type(a) <= IFLA_MAPE_MAX) {
			l->data[nla_type(a)].data = nla_data(a);
			l->data[nla_type(a)].len = nla_len(a);
		}
	}
	return true;
}

static void not_mape(const char *what, const struct link *l)
{
	if (l->kind)
		mapctl_err("%s: not a mape device (kind %s)", what, l->kind);
	else
		mapctl_err("%s: not a mape device", what);
}

/* RTM_GETLINK of one device, or a dump of the mape devices. */
static struct nl_msg *getlink(const char *name)
{
	struct nl_msg *msg;
	struct nlattr *info;

	msg = mapctl_rtnl_msg(RTM_GETLINK, name ? 0 : NLM_F_DUMP, 0);
	if (!msg)
		return NULL;
	if (name) {
		if (nla_put_string(msg, IFLA_IFNAME, name) < 0)
			goto too_large;
		return msg;
	}
	/* The kernel filters by kind when it knows it; so do we, below. */
	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (!info || nla_put_string(msg, IFLA_INFO_KIND, "mape") < 0)
		goto too_large;
	nla_nest_end(msg, info);
	return msg;

too_large:
	nlmsg_free(msg);
	mapctl_err("link: request too large");
	return NULL;
}

/* Text: one "keyword value" of a line, without the trailing blank. */
static void text_piece(const char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == ' ')
		n--;
	printf(" %.*s", (int)n, s);
}

static void text_string(void *ctx, const char *key, const char *fmt,
			const char *value, bool inet6)
{
	char piece[128];

	(void)ctx;
	(void)key;
	(void)inet6;
	snprintf(piece, sizeof(piece), fmt, value);
	text_piece(piece);
}

static void text_uint(void *ctx, const char *key, const char *fmt,
		      unsigned int value)
{
	char piece[64];

	(void)ctx;
	(void)key;
	snprintf(piece, sizeof(piece), fmt, value);
	text_piece(piece);
}

static void json_str(void *j, const char *key, const char *fmt,
		     const char *value, bool inet6)
{
	(void)fmt;
	(void)inet6;
	json_string(j, key, value);
}

static void json_num(void *j, const char *key, const char *fmt,
		     unsigned int value)
{
	(void)fmt;
	json_uint(j, key, value);
}

/* IF_OPER_* (RFC 2863), as ip names them. */
static const char *const operstates[] = {
	"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING",
	"DORMANT", "UP",
};

/* The members of `ip -j -d link show` that matter here, in its order. */
static void json_link(struct json *j, const struct link *l)
{
	const struct mape_link_printer p = {
		.string = json_str, .uint = json_num, .ctx = j,
	};
	unsigned int state;

	json_object(j, NULL);
	json_uint(j, "ifindex", l->ifindex);
	json_string(j, "ifname", l->name);
	if (l->mtu)
		json_uint(j, "mtu", nla_get_u32(l->mtu));
	if (l->operstate) {
		state = nla_get_u8(l->operstate);
		if (state < ARRAY_SIZE(operstates))
			json_string(j, "operstate", operstates[state]);
		else
			json_uint(j, "operstate", state);
	}
	json_object(j, "linkinfo");
	json_string(j, "info_kind", "mape");
	json_object(j, "info_data");
	mape_link_print(l->data, &p);
	json_end(j);
	json_end(j);
	json_end(j);
}

/*
 * A query of every mape device, or of name, which must be one: each
 * printed if print is set; the index of the last one kept.
 */
struct links {
	const char *what;
	const char *name;
	bool print;
	int ifindex;
	struct json_list l;
};

static bool link_one(struct nlmsghdr *h, void *arg)
{
	static const struct mape_link_printer text = {
		.string = text_string, .uint = text_uint,
	};
	struct links *q = arg;
	struct link l;

	if (h->nlmsg_type != RTM_NEWLINK)
		return true;
	if (!parse_link(h, &l)) {
		mapctl_err("%s: malformed reply from the kernel", q->what);
		return false;
	}
	if (!is_mape(&l)) {
		if (!q->name)
			return true;
		not_mape(q->what, &l);
		return false;
	}
	q->ifindex = l.ifindex;
	if (!q->print)
		return true;
	if (mapctl_opts.json) {
		json_link(json_list_item(&q->l), &l);
	} else {
		fputs(l.name, stdout);
		mape_link_print(l.data, &text);
		putchar('\n');
	}
	return true;
}

/* The ifindex of the mape device name, or 0 after saying why. */
static int find_mape(const char *what, const char *name)
{
	struct links q = { .what = what, .name = name };
	struct nl_msg *msg = getlink(name);

	if (!msg || !mapctl_rtnl_query(msg, what, link_one, &q))
		return 0;
	if (!q.ifindex)
		mapctl_err("%s: the kernel did not answer with the device",
			   what);
	return q.ifindex;
}

/*
 * NAME, the first argument of add, set and del, checked; what names the
 * command and the device for messages.
 */
static bool name_arg(const char *cmd, int argc, char *argv[],
		     char what[WHAT_LEN])
{
	snprintf(what, WHAT_LEN, "link %s", cmd);
	if (!argc) {
		mapctl_err("%s: the device name is missing", what);
		return false;
	}
	if (!parse_dev(what, argv[0]))
		return false;
	snprintf(what, WHAT_LEN, "link %s %s", cmd, argv[0]);
	return true;
}

/*
 * The RTM_NEWLINK of add and set, NAME and every keyword checked; NULL
 * when there is nothing to send, *status then the exit status (0 after
 * help). add names the device, set finds it afterwards.
 */
static struct nl_msg *newlink(const char *cmd, int flags, int argc,
			      char *argv[], char what[WHAT_LEN], int *status)
{
	struct nl_msg *msg;
	int ret;

	*status = 1;
	if (!name_arg(cmd, argc, argv, what))
		return NULL;
	msg = mapctl_rtnl_msg(RTM_NEWLINK, flags, 0);
	if (!msg)
		return NULL;
	if ((flags & NLM_F_CREATE) &&
	    nla_put_string(msg, IFLA_IFNAME, argv[0]) < 0) {
		nlmsg_free(msg);
		mapctl_err("link: request too large");
		return NULL;
	}
	ret = put_linkinfo(msg, argc - 1, argv + 1);
	if (ret) {
		nlmsg_free(msg);
		*status = ret < 0;
		return NULL;
	}
	return msg;
}

/* For mapctl ce, which builds a device from these commands. */

/* A dump of the mape devices: the index of the one called name. */
struct named {
	const char *name;
	int ifindex;
};

static bool named_one(struct nlmsghdr *h, void *arg)
{
	struct named *q = arg;
	struct link l;

	if (h->nlmsg_type != RTM_NEWLINK)
		return true;
	if (!parse_link(h, &l)) {
		mapctl_err("link: malformed reply from the kernel");
		return false;
	}
	if (is_mape(&l) && !strcmp(l.name, q->name))
		q->ifindex = l.ifindex;
	return true;
}

int link_find_mape(const char *name)
{
	struct named q = { .name = name };
	struct nl_msg *msg = getlink(NULL);

	if (!msg || !mapctl_rtnl_query(msg, "link show", named_one, &q))
		return -1;
	return q.ifindex;
}

/* Into a request that is never sent: the keywords' own messages. */
bool link_check_keywords(int argc, char *argv[])
{
	struct nl_msg *msg = mapctl_rtnl_msg(RTM_NEWLINK, 0, 0);
	int ret;

	if (!msg)
		return false;
	ret = put_linkinfo(msg, argc, argv);
	nlmsg_free(msg);
	if (ret > 0)
		mapctl_err("help is no link keyword here");
	return !ret;
}

bool link_set_up(const char *name)
{
	char what[WHAT_LEN];
	struct ifinfomsg *ifi;
	struct nl_msg *msg;

	snprintf(what, WHAT_LEN, "link set %s up", name);
	msg = mapctl_rtnl_msg(RTM_NEWLINK, 0, 0);
	if (!msg)
		return false;
	ifi = nlmsg_data(nlmsg_hdr(msg));
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (nla_put_string(msg, IFLA_IFNAME, name) < 0) {
		nlmsg_free(msg);
		mapctl_err("link: request too large");
		return false;
	}
	return mapctl_rtnl_query(msg, what, NULL, NULL);
}

static int add(int argc, char *argv[])
{
	char what[WHAT_LEN];
	struct nl_msg *msg;
	int status;

	msg = newlink("add", NLM_F_CREATE | NLM_F_EXCL, argc, argv, what,
		      &status);
	if (!msg)
		return status;
	return !mapctl_rtnl_query(msg, what, NULL, NULL);
}

static int set(int argc, char *argv[])
{
	char what[WHAT_LEN];
	struct ifinfomsg *ifi;
	struct nl_msg *msg;
	int status;

	msg = newlink("set", 0, argc, argv, what, &status);
	if (!msg)
		return status;
	ifi = nlmsg_data(nlmsg_hdr(msg));
	ifi->ifi_index = find_mape(what, argv[0]);
	if (!ifi->ifi_index) {
		nlmsg_free(msg);
		return 1;
	}
	return !mapctl_rtnl_query(msg, what, NULL, NULL);
}

static int del(int argc, char *argv[])
{
	char what[WHAT_LEN];
	struct nl_msg *msg;
	int ifindex;

	if (!name_arg("del", argc, argv, what))
		return 1;
	if (argc > 1) {
		mapctl_err("unknown keyword '%s'", argv[1]);
		return 1;
	}
	/* By index: the device found to be a mape one, nothing else. */
	ifindex = find_mape(what, argv[0]);
	if (!ifindex)
		return 1;
	msg = mapctl_rtnl_msg(RTM_DELLINK, 0, ifindex);
	if (!msg)
		return 1;
	return !mapctl_rtnl_query(msg, what, NULL, NULL);
}

static int show(int argc, char *argv[])
{
	struct links q = { .what = "link show", .print = true };
	char what[WHAT_LEN];
	struct nl_msg *msg;
	bool ok;

	if (argc > 1) {
		mapctl_err("unknown keyword '%s'", argv[1]);
		return 1;
	}
	if (argc && !name_arg("show", argc, argv, what))
		return 1;
	if (argc) {
		q.what = what;
		q.name = argv[0];
	}
	msg = getlink(q.name);
	if (!msg)
		return 1;
	ok = mapctl_rtnl_query(msg, q.what, link_one, &q);
	if (mapctl_opts.json)
		json_list_finish(&q.l, ok);
	return !ok;
}

int link_main(int argc, char *argv[])
{
	static const struct subcommand cmds[] = {
		{ "add", add },
		{ "set", set },
		{ "del", del },
		{ "show", show },
	};

	return run_subcommand(argc, argv, cmds, ARRAY_SIZE(cmds), usage);
}
