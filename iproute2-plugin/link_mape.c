// SPDX-License-Identifier: GPL-2.0
/*
 * link_mape.so: teaches `ip link` the "mape" link kind.
 *
 * ip dlopens this file from $IP_LIB_DIR and looks up mape_link_util.
 * parse_opt sends only the attributes typed (the kernel owns defaults,
 * required and immutable attributes); print_opt prints the same keywords,
 * so `ip -d link show` output pastes back onto `ip link add`.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <linux/mape.h>

#include "iplink_abi.h"

#define MAPE_DEFAULT_HOPLIMIT	64
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

static void mape_print_help(struct link_util *lu, int argc, char **argv,
			    FILE *f)
{
	fprintf(f,
		"Usage: ... %s role {ce|br} br-addr ADDR [ end-user-prefix PREFIX ]\n"
		"		[ ifid {rfc|draft03} ] [ dev UNDERLAY ] [ hoplimit HLIM ]\n"
		"		[ tclass TCLASS ] [ encaplimit ELIM ] [ mtu MTU ]\n"
		"		[ mtu-v6 MTU6 ] [ frag {outer|inner} ]\n"
		"		[ v4-reassembly {on|off} ] [ frag-id {psid|keep} ]\n"
		"		[ frag-entries N ] [ frag-held N ] [ frag-timeout MS ]\n"
		"		[ napt {on|off} ]\n"
		"\n"
		"Where:	ADDR	:= IPV6_ADDRESS (on a CE the BR's, on a BR its own)\n"
		"	PREFIX	:= IPV6_ADDRESS/LEN, host bits zero (CE only)\n"
		"	HLIM	:= 1..255 (default %d)\n"
		"	TCLASS	:= { inherit | 0..255 | 0x00..0xff } (default inherit)\n"
		"	ELIM	:= { none | 0..255 } (default none)\n"
		"	MTU	:= bytes (default: the underlay's MTU - 40, 48 with\n"
		"		   an encaplimit; it follows the underlay until set)\n"
		"	MTU6	:= { none | 1280..65535 }: cap on outer packets\n"
		"	frag: DF-clear packets too big for the IPv6 path: outer\n"
		"		fragments (default) or IPv4 fragments, each encapsulated\n"
		"	frag-id psid: a CE's IPv4 IDs inside its port set\n"
		"	napt on: a CE's NAPT44 into its whole port set (mape_nat)\n"
		"	N	:= 0..1048576 (entries 1..), MS := 1..60000: virtual\n"
		"		   reassembly limits (default: the module's)\n"
		"	ifid defaults to rfc; role and ifid cannot change later.\n",
		lu->id, MAPE_DEFAULT_HOPLIMIT);
}

/*
 * Decimal or 0x-prefixed hex in min..max, nothing else: no sign, no blanks,
 * and no leading zero, which would read as octal to strtoul(base 0) and as
 * decimal here (ip's own tunnels even read a bare tclass as hex).
 */
static bool parse_uint(const char *arg, unsigned long min, unsigned long max,
		       unsigned long *val)
{
	const char *digits = "0123456789";
	unsigned long v;
	char *end;
	int base = 10;

	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) {
		arg += 2;
		base = 16;
		digits = "0123456789abcdefABCDEF";
	}
	if (!*arg || arg[strspn(arg, digits)] ||
	    (base == 10 && arg[0] == '0' && arg[1]))
		return false;
	errno = 0;
	v = strtoul(arg, &end, base);
	if (errno || v < min || v > max)
		return false;
	*val = v;
	return true;
}

static int add_role(struct nlmsghdr *n, const char *arg)
{
	__u8 role;

	if (!strcmp(arg, "ce"))
		role = MAPE_ROLE_CE;
	else if (!strcmp(arg, "br"))
		role = MAPE_ROLE_BR;
	else
		invarg("role is \"ce\" or \"br\"", arg);
	return addattr8(n, IPLINK_REQ_MAXLEN, IFLA_MAPE_ROLE, role);
}

static int add_br_addr(struct nlmsghdr *n, const char *arg)
{
	struct in6_addr addr;

	if (inet_pton(AF_INET6, arg, &addr) != 1)
		invarg("br-addr is an IPv6 address", arg);
	return addattr_l(n, IPLINK_REQ_MAXLEN, IFLA_MAPE_BR_ADDR, &addr,
			 sizeof(addr));
}

static int add_eu_prefix(struct nlmsghdr *n, const char *arg)
{
	char buf[INET6_ADDRSTRLEN + 5], msg[128], *slash;
	struct in6_addr addr, masked;
	unsigned long len;
	int i;

	if (strlen(arg) >= sizeof(buf))
		invarg("end-user-prefix is IPV6_ADDRESS/LEN, LEN 0..128", arg);
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (!slash)
		invarg("end-user-prefix needs a length: IPV6_ADDRESS/LEN", arg);
	*slash = '\0';
	if (inet_pton(AF_INET6, buf, &addr) != 1 ||
	    !parse_uint(slash + 1, 0, 128, &len))
		invarg("end-user-prefix is IPV6_ADDRESS/LEN, LEN 0..128", arg);

	masked = addr;
	for (i = 0; i < 16; i++) {
		int keep = (int)len - 8 * i;

		if (keep <= 0)
			masked.s6_addr[i] = 0;
		else if (keep < 8)
			masked.s6_addr[i] &= 0xff << (8 - keep);
	}
	if (memcmp(&masked, &addr, sizeof(addr))) {
		inet_ntop(AF_INET6, &masked, buf, sizeof(buf));
		snprintf(msg, sizeof(msg),
			 "host bits set beyond /%lu (the prefix is %s/%lu)",
			 len, buf, len);
		invarg(msg, arg);
	}

	if (addattr_l(n, IPLINK_REQ_MAXLEN, IFLA_MAPE_EU_PREFIX, &addr,
		      sizeof(addr)))
		return -1;
	return addattr8(n, IPLINK_REQ_MAXLEN, IFLA_MAPE_EU_PREFIX_LEN, len);
}

static int add_ifid(struct nlmsghdr *n, const char *arg)
{
	__u8 ifid;

	if (!strcmp(arg, "rfc"))
		ifid = MAPE_IFID_RFC;
	else if (!strcmp(arg, "draft03"))
		ifid = MAPE_IFID_DRAFT03;
	else
		invarg("ifid is \"rfc\" or \"draft03\"", arg);
	return addattr8(n, IPLINK_REQ_MAXLEN, IFLA_MAPE_IFID, ifid);
}

static int add_link(struct nlmsghdr *n, const char *arg)
{
	unsigned int ifindex = if_nametoindex(arg);

	if (!ifindex)
		exit(nodev(arg));
	return addattr32(n, IPLINK_REQ_MAXLEN, IFLA_MAPE_LINK, ifindex);
}

static int add_hoplimit(struct nlmsghdr *n, const char *arg)
{
	unsigned long v;

	if (!parse_uint(arg, 1, 255, &v))
		invarg("hoplimit is 1..255", arg);
	return addattr8(n, IPLINK_REQ_MAXLEN, IFLA_MAPE_HOPLIMIT, v);
}

static int add_tclass(struct nlmsghdr *n, const char *arg)
{
	unsigned long v = MAPE_TCLASS_INHERIT;

	if (strcmp(arg, "inherit") && !parse_uint(arg, 0, 255, &v))
		invarg("tclass is \"inherit\" or 0..255 (0x00..0xff)", arg);
	return addattr16(n, IPLINK_REQ_MAXLEN, IFLA_MAPE_TCLASS, v);
}

static int add_encap_limit(struct nlmsghdr *n, const char *arg)
{
	unsigned long v = MAPE_ENCAP_LIMIT_NONE;

	if (strcmp(arg, "none") && !parse_uint(arg, 0, 255, &v))
		invarg("encaplimit is \"none\" or 0..255", arg);
	return addattr16(n, IPLINK_REQ_MAXLEN, IFLA_MAPE_ENCAP_LIMIT, v);
}

static int add_mtu(struct nlmsghdr *n, const char *arg)
{
	unsigned long v;

	if (!parse_uint(arg, 0, 0xffffffffUL, &v))
		invarg("mtu is a number of bytes", arg);
	return addattr32(n, IPLINK_REQ_MAXLEN, IFLA_MAPE_MTU, v);
}

static int add_mtu_v6(struct nlmsghdr *n, const char *arg)
{
	unsigned long v = 0;

	if (strcmp(arg, "none") && !parse_uint(arg, 1280, 65535, &v))
		invarg("mtu-v6 is \"none\" or 1280..65535", arg);
	return addattr32(n, IPLINK_REQ_MAXLEN, IFLA_MAPE_MTU_V6, v);
}

/* A keyword taking one of two words, sent as 0 or 1. */
static int add_choice(struct nlmsghdr *n, int type, const char *arg,
		      const char *w0, const char *w1, const char *msg)
{
	if (strcmp(arg, w0) && strcmp(arg, w1))
		invarg(msg, arg);
	return addattr8(n, IPLINK_REQ_MAXLEN, type, !strcmp(arg, w1));
}

static int add_frag_mode(struct nlmsghdr *n, const char *arg)
{
	return add_choice(n, IFLA_MAPE_FRAG_MODE, arg, "outer", "inner",
			  "frag is \"outer\" or \"inner\"");
}

static int add_v4_reasm(struct nlmsghdr *n, const char *arg)
{
	return add_choice(n, IFLA_MAPE_V4_REASSEMBLY, arg, "off", "on",
			  "v4-reassembly is \"on\" or \"off\"");
}

static int add_frag_id(struct nlmsghdr *n, const char *arg)
{
	return add_choice(n, IFLA_MAPE_FRAG_ID, arg, "keep", "psid",
			  "frag-id is \"psid\" or \"keep\"");
}

static int add_napt(struct nlmsghdr *n, const char *arg)
{
	return add_choice(n, IFLA_MAPE_NAPT, arg, "off", "on",
			  "napt is \"on\" or \"off\"");
}

/* A keyword taking a number in min..max, sent as a u32. */
static int add_u32(struct nlmsghdr *n, int type, const char *arg,
		   unsigned long min, unsigned long max, const char *msg)
{
	unsigned long v;

	if (!parse_uint(arg, min, max, &v))
		invarg(msg, arg);
	return addattr32(n, IPLINK_REQ_MAXLEN, type, v);
}

static int add_frag_entries(struct nlmsghdr *n, const char *arg)
{
	return add_u32(n, IFLA_MAPE_FRAG_MAX_ENTRIES, arg, 1, 1 << 20, "frag-entries is 1..1048576");
}

static int add_frag_held(struct nlmsghdr *n, const char *arg)
{
	return add_u32(n, IFLA_MAPE_FRAG_MAX_HELD, arg, 0, 1 << 20, "frag-held is 0..1048576");
}

static int add_frag_timeout(struct nlmsghdr *n, const char *arg)
{
	return add_u32(n, IFLA_MAPE_FRAG_TIMEOUT, arg, 1, 60000, "frag-timeout is 1..60000 (ms)");
}

/* Every keyword takes one value and owns one bit of the duplicate mask. */
static const struct {
	const char *keyword;
	int (*add)(struct nlmsghdr *n, const char *arg);
} mape_keywords[] = {
	{ "role",		add_role },
	{ "br-addr",		add_br_addr },
	{ "end-user-prefix",	add_eu_prefix },
	{ "ifid",		add_ifid },
	{ "dev",		add_link },
	{ "hoplimit",		add_hoplimit },
	{ "tclass",		add_tclass },
	{ "encaplimit",		add_encap_limit },
	{ "mtu",		add_mtu },
	{ "mtu-v6",		add_mtu_v6 },
	{ "frag",		add_frag_mode },
	{ "v4-reassembly",	add_v4_reasm },
	{ "frag-id",		add_frag_id },
	{ "frag-entries",	add_frag_entries },
	{ "frag-held",		add_frag_held },
	{ "frag-timeout",	add_frag_timeout },
	{ "napt",		add_napt },
};

static int mape_parse_opt(struct link_util *lu, int argc, char **argv,
			  struct nlmsghdr *n)
{
	unsigned int seen = 0, i;

	for (; argc > 0; argc--, argv++) {
		const char *key = *argv;

		if (!strcmp(key, "help")) {
			mape_print_help(lu, argc, argv, stdout);
			return -1;
		}
		for (i = 0; i < ARRAY_SIZE(mape_keywords); i++)
			if (!strcmp(key, mape_keywords[i].keyword))
				break;
		if (i == ARRAY_SIZE(mape_keywords)) {
			fprintf(stderr, "mape: unknown option \"%s\"\n", key);
			mape_print_help(lu, argc, argv, stderr);
			return -1;
		}

		argv++;
		if (--argc <= 0)
			incomplete_command();
		if (seen & (1U << i))
			duparg(key, *argv);
		seen |= 1U << i;
		if (mape_keywords[i].add(n, *argv))
			return -1;
	}
	return 0;
}

static const struct rtattr *attr_of(struct rtattr *tb[], int type,
				    size_t size)
{
	if (!tb[type] || RTA_PAYLOAD(tb[type]) < size)
		return NULL;
	return tb[type];
}

static unsigned int attr_u8(const struct rtattr *rta)
{
	return *(const __u8 *)RTA_DATA(rta);
}

static unsigned int attr_u16(const struct rtattr *rta)
{
	return *(const __u16 *)RTA_DATA(rta);
}

static unsigned int attr_u32(const struct rtattr *rta)
{
	return *(const __u32 *)RTA_DATA(rta);
}

/* A keyword whose u8 value names one of two words; a number otherwise. */
static void print_word(struct rtattr *tb[], int type, const char *key,
		       const char *fmt_word, const char *fmt_num,
		       const char *const words[2])
{
	const struct rtattr *rta = attr_of(tb, type, sizeof(__u8));
	unsigned int v;

	if (!rta)
		return;
	v = attr_u8(rta);
	if (v < 2)
		print_color_string(PRINT_ANY, COLOR_NONE, key, fmt_word,
				   words[v]);
	else
		print_color_uint(PRINT_ANY, COLOR_NONE, key, fmt_num, v);
}

static void print_u32(struct rtattr *tb[], int type, const char *key,
		      const char *fmt)
{
	const struct rtattr *rta = attr_of(tb, type, sizeof(__u32));

	if (rta)
		print_color_uint(PRINT_ANY, COLOR_NONE, key, fmt, attr_u32(rta));
}

static void mape_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	static const char *const roles[2] = {
		[MAPE_ROLE_CE] = "ce", [MAPE_ROLE_BR] = "br",
	};
	static const char *const ifids[2] = {
		[MAPE_IFID_RFC] = "rfc", [MAPE_IFID_DRAFT03] = "draft03",
	};
	static const char *const frag_modes[2] = {
		[MAPE_FRAG_OUTER] = "outer", [MAPE_FRAG_INNER] = "inner",
	};
	static const char *const on_off[2] = { "off", "on" };
	static const char *const frag_ids[2] = { "keep", "psid" };
	char buf[INET6_ADDRSTRLEN + 4], name[IF_NAMESIZE];
	const struct rtattr *rta, *len;
	unsigned int v;

	if (!tb)
		return;

	print_word(tb, IFLA_MAPE_ROLE, "role", "role %s ", "role %u ", roles);

	rta = attr_of(tb, IFLA_MAPE_BR_ADDR, sizeof(struct in6_addr));
	if (rta && inet_ntop(AF_INET6, RTA_DATA(rta), buf, sizeof(buf)))
		print_color_string(PRINT_ANY, COLOR_INET6, "br_addr",
				   "br-addr %s ", buf);

	rta = attr_of(tb, IFLA_MAPE_EU_PREFIX, sizeof(struct in6_addr));
	len = attr_of(tb, IFLA_MAPE_EU_PREFIX_LEN, sizeof(__u8));
	if (rta && len &&
	    inet_ntop(AF_INET6, RTA_DATA(rta), buf, sizeof(buf))) {
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%u",
			 attr_u8(len));
		print_color_string(PRINT_ANY, COLOR_INET6, "end_user_prefix",
				   "end-user-prefix %s ", buf);
	}

	print_word(tb, IFLA_MAPE_IFID, "ifid", "ifid %s ", "ifid %u ", ifids);

	rta = attr_of(tb, IFLA_MAPE_LINK, sizeof(__u32));
	if (rta && (v = attr_u32(rta))) {
		/* The underlay may be in another netns: name it as ip does. */
		if (!if_indextoname(v, name))
			snprintf(name, sizeof(name), "if%u", v);
		print_color_string(PRINT_ANY, COLOR_NONE, "link", "dev %s ",
				   name);
	}

	rta = attr_of(tb, IFLA_MAPE_HOPLIMIT, sizeof(__u8));
	if (rta)
		print_color_uint(PRINT_ANY, COLOR_NONE, "hoplimit",
				 "hoplimit %u ", attr_u8(rta));

	rta = attr_of(tb, IFLA_MAPE_TCLASS, sizeof(__u16));
	if (rta && attr_u16(rta) == MAPE_TCLASS_INHERIT)
		print_color_string(PRINT_ANY, COLOR_NONE, "tclass",
				   "tclass %s ", "inherit");
	else if (rta)
		print_color_uint(PRINT_ANY, COLOR_NONE, "tclass",
				 "tclass 0x%02x ", attr_u16(rta));

	rta = attr_of(tb, IFLA_MAPE_ENCAP_LIMIT, sizeof(__u16));
	if (rta && attr_u16(rta) == MAPE_ENCAP_LIMIT_NONE)
		print_color_string(PRINT_ANY, COLOR_NONE, "encaplimit",
				   "encaplimit %s ", "none");
	else if (rta)
		print_color_uint(PRINT_ANY, COLOR_NONE, "encaplimit",
				 "encaplimit %u ", attr_u16(rta));

	rta = attr_of(tb, IFLA_MAPE_MTU_V6, sizeof(__u32));
	if (rta && !attr_u32(rta))
		print_color_string(PRINT_ANY, COLOR_NONE, "mtu_v6",
				   "mtu-v6 %s ", "none");
	else if (rta)
		print_color_uint(PRINT_ANY, COLOR_NONE, "mtu_v6", "mtu-v6 %u ",
				 attr_u32(rta));
	print_word(tb, IFLA_MAPE_FRAG_MODE, "frag", "frag %s ", "frag %u ",
		   frag_modes);
	print_word(tb, IFLA_MAPE_V4_REASSEMBLY, "v4_reassembly",
		   "v4-reassembly %s ", "v4-reassembly %u ", on_off);
	print_word(tb, IFLA_MAPE_FRAG_ID, "frag_id", "frag-id %s ",
		   "frag-id %u ", frag_ids);
	print_word(tb, IFLA_MAPE_NAPT, "napt", "napt %s ", "napt %u ", on_off);
	print_u32(tb, IFLA_MAPE_FRAG_MAX_ENTRIES, "frag_entries",
		  "frag-entries %u ");
	print_u32(tb, IFLA_MAPE_FRAG_MAX_HELD, "frag_held", "frag-held %u ");
	print_u32(tb, IFLA_MAPE_FRAG_TIMEOUT, "frag_timeout",
		  "frag-timeout %u ");
}

struct link_util mape_link_util = {
	.id		= "mape",
	.maxattr	= IFLA_MAPE_MAX,
	.parse_opt	= mape_parse_opt,
	.print_opt	= mape_print_opt,
	.print_help	= mape_print_help,
};
