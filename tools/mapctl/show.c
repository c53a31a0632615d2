// SPDX-License-Identifier: GPL-2.0
/*
 * mapctl show: MAP domains as the kernel sees them (MAPE_CMD_DOMAIN_GET),
 * and what each device still needs from the administrator: the kernel
 * takes tunnel packets only for a local IPv6 address.
 */

#include <ifaddrs.h>
#include <string.h>

#include "mapfmt.h"
#include "netlink.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j] show [dev NAME]\n"
		"Prints each MAP device: role, interface-ID format, BR address,\n"
		"number of rules and, for a CE with a BMR, its IPv4 address or\n"
		"prefix, PSID, ports and MAP IPv6 address; then the local IPv6\n"
		"address the device needs, as an ip command.\n",
		PROG_NAME);
}

static const char *role_name(struct nlattr *a, char buf[16])
{
	u8 role = nla_get_u8(a);

	if (role == MAPE_ROLE_CE)
		return "ce";
	if (role == MAPE_ROLE_BR)
		return "br";
	snprintf(buf, 16, "%u", role);
	return buf;
}

static const char *mode_name(struct nlattr *a, char buf[16])
{
	u8 mode = nla_get_u8(a);

	if (mode == MAPE_MODE_E)
		return "e";
	if (mode == MAPE_MODE_T)
		return "t";
	snprintf(buf, 16, "%u", mode);
	return buf;
}

/* "PREFIX/LEN" of mode T's DMR; false in mode E. */
static bool dmr_text(struct nlattr **tb, char out[INET6_ADDRSTRLEN + 4])
{
	char b6[INET6_ADDRSTRLEN];
	struct in6_addr a;

	if (!tb[MAPE_A_DMR] || !tb[MAPE_A_DMR_LEN])
		return false;
	memcpy(&a, nla_data(tb[MAPE_A_DMR]), sizeof(a));
	snprintf(out, INET6_ADDRSTRLEN + 4, "%s/%u", format_ipv6(&a, b6),
		 nla_get_u8(tb[MAPE_A_DMR_LEN]));
	return true;
}

/* RFC 6791's source of mode T: an address, or "auto" for 0.0.0.0. */
static const char *icmp_src_text(struct nlattr *a, char buf[INET6_ADDRSTRLEN])
{
	struct in_addr v4;

	memcpy(&v4, nla_data(a), sizeof(v4));
	if (!v4.s_addr)
		return "auto";
	return inet_ntop(AF_INET, &v4, buf, INET6_ADDRSTRLEN) ?: "?";
}

static const char *ifid_name(struct nlattr *a, char buf[16])
{
	u8 ifid = nla_get_u8(a);

	if (ifid == MAPE_IFID_RFC)
		return "rfc";
	if (ifid == MAPE_IFID_DRAFT03)
		return "draft03";
	snprintf(buf, 16, "%u", ifid);
	return buf;
}

/* Whether dev already has a as an address. */
static bool has_address(const char *dev, const struct in6_addr *a)
{
	struct ifaddrs *list, *i;
	bool found = false;

	if (getifaddrs(&list))
		return false;
	for (i = list; i && !found; i = i->ifa_next)
		found = i->ifa_addr && i->ifa_addr->sa_family == AF_INET6 &&
			!strcmp(i->ifa_name, dev) &&
			!memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr,
				a, sizeof(*a));
	freeifaddrs(list);
	return found;
}

/* s as one shell word: the needs line is a command to paste. */
static void print_shell_word(const char *s)
{
	static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz"
				    "0123456789@%+=,._-";

	if (*s && !s[strspn(s, plain)]) {
		fputs(s, stdout);
		return;
	}
	putchar('\'');
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*s);
	}
	putchar('\'');
}

static void needs_address(const char *dev, const struct in6_addr *a)
{
	char b6[INET6_ADDRSTRLEN];

	printf("needs: ip -6 addr add %s/128 dev ", format_ipv6(a, b6));
	print_shell_word(dev);
	puts(has_address(dev, a) ? "  # present" : "");
}

/*
 * Mode T receives by route, at no address of its own (which would take
 * the translated traffic away to local sockets): a CE its MAP address, a
 * BR the DMR.
 */
static void needs_route(const char *dev, const char *prefix)
{
	printf("needs: ip -6 route add %s dev ", prefix);
	print_shell_word(dev);
	putchar('\n');
}

/* Where the devices of one show go. */
struct out {
	bool json;
	struct json_list l;
	unsigned int devices;
};

static void text(struct nlattr **tb, const struct mape_rule *bmr,
		 bool have_ce, const struct mape_ce *ce)
{
	const char *dev = mapctl_nl_dev(tb);
	char b6[INET6_ADDRSTRLEN], buf[16], dmr[INET6_ADDRSTRLEN + 4];
	bool mode_t = dmr_text(tb, dmr);
	struct in6_addr br;

	printf("%-*s%s\n", TEXT_INDENT, "dev", dev);
	if (tb[MAPE_A_IFINDEX])
		printf("%-*s%u\n", TEXT_INDENT, "ifindex",
		       nla_get_u32(tb[MAPE_A_IFINDEX]));
	if (tb[MAPE_A_ROLE])
		printf("%-*s%s\n", TEXT_INDENT, "role",
		       role_name(tb[MAPE_A_ROLE], buf));
	if (tb[MAPE_A_MODE])
		printf("%-*s%s\n", TEXT_INDENT, "mode",
		       mode_name(tb[MAPE_A_MODE], buf));
	if (tb[MAPE_A_IFID])
		printf("%-*s%s\n", TEXT_INDENT, "ifid",
		       ifid_name(tb[MAPE_A_IFID], buf));
	if (mode_t)
		printf("%-*s%s\n", TEXT_INDENT, "dmr", dmr);
	if (tb[MAPE_A_ICMP_SRC])
		printf("%-*s%s\n", TEXT_INDENT, "icmp-src",
		       icmp_src_text(tb[MAPE_A_ICMP_SRC], b6));
	if (tb[MAPE_A_BR_ADDR]) {
		memcpy(&br, nla_data(tb[MAPE_A_BR_ADDR]), sizeof(br));
		printf("%-*s%s\n", TEXT_INDENT, "br-addr",
		       format_ipv6(&br, b6));
	}
	if (tb[MAPE_A_RULE_COUNT])
		printf("%-*s%u\n", TEXT_INDENT, "rules",
		       nla_get_u32(tb[MAPE_A_RULE_COUNT]));
	if (bmr)
		print_rule_block("bmr", bmr);
	if (have_ce) {
		print_ce(ce);
		print_ports(&ce->ports);
	}

	if (!tb[MAPE_A_ROLE])
		return;
	if (nla_get_u8(tb[MAPE_A_ROLE]) == MAPE_ROLE_BR && mode_t)
		needs_route(dev, dmr);
	else if (nla_get_u8(tb[MAPE_A_ROLE]) == MAPE_ROLE_BR &&
		 tb[MAPE_A_BR_ADDR])
		needs_address(dev, &br);
	else if (nla_get_u8(tb[MAPE_A_ROLE]) != MAPE_ROLE_CE)
		return;
	else if (have_ce && mode_t) {
		/* Holding a prefix, each of its addresses is named in the
		 * interface identifier: the route takes them all.
		 */
		snprintf(dmr, sizeof(dmr), "%s/%u",
			 format_ipv6(&ce->addr, b6),
			 ce->ip4_len < 32 ? 64 : 128);
		needs_route(dev, dmr);
	}
	else if (have_ce)
		needs_address(dev, &ce->addr);
	else
		printf("needs: a BMR: %s rule add dev %s bmr rule-ipv6 PFX rule-ipv4 PFX ea-len N\n",
		       PROG_NAME, dev);
}

static void json(struct json *j, struct nlattr **tb, const struct mape_rule *bmr,
		 u8 bmr_type, bool have_ce, const struct mape_ce *ce)
{
	char b6[INET6_ADDRSTRLEN], buf[16], dmr[INET6_ADDRSTRLEN + 4];
	struct in6_addr br;

	json_object(j, NULL);
	json_string(j, "dev", mapctl_nl_dev(tb));
	if (tb[MAPE_A_IFINDEX])
		json_uint(j, "ifindex", nla_get_u32(tb[MAPE_A_IFINDEX]));
	if (tb[MAPE_A_ROLE])
		json_string(j, "role", role_name(tb[MAPE_A_ROLE], buf));
	if (tb[MAPE_A_MODE])
		json_string(j, "mode", mode_name(tb[MAPE_A_MODE], buf));
	if (tb[MAPE_A_IFID])
		json_string(j, "ifid", ifid_name(tb[MAPE_A_IFID], buf));
	if (dmr_text(tb, dmr))
		json_string(j, "dmr", dmr);
	if (tb[MAPE_A_ICMP_SRC])
		json_string(j, "icmp_src",
			    icmp_src_text(tb[MAPE_A_ICMP_SRC], b6));
	if (tb[MAPE_A_BR_ADDR]) {
		memcpy(&br, nla_data(tb[MAPE_A_BR_ADDR]), sizeof(br));
		json_string(j, "br_addr", format_ipv6(&br, b6));
	}
	if (tb[MAPE_A_RULE_COUNT])
		json_uint(j, "rules", nla_get_u32(tb[MAPE_A_RULE_COUNT]));
	if (bmr) {
		json_object(j, "bmr");
		json_rule_type(j, bmr_type);
		json_rule_members(j, bmr);
		json_end(j);
	}
	if (have_ce) {
		json_object(j, "ce");
		json_ce_members(j, ce);
		json_end(j);
	}
	json_end(j);
}

static bool show_one(struct nlattr **tb, void *arg)
{
	struct out *o = arg;
	struct mape_rule rule, *bmr = NULL;
	struct mape_ce ce;
	bool have_ce = tb[MAPE_A_CE];
	u8 type = 0;

	/* The BMR comes along; the uapi does not promise it. */
	if (tb[MAPE_A_RULE]) {
		if (!mapctl_nl_get_rule(tb[MAPE_A_RULE], &type, &rule)) {
			mapctl_err("show: malformed BMR from the kernel");
			return false;
		}
		bmr = &rule;
	}
	if (have_ce && !mapctl_nl_get_ce(tb[MAPE_A_CE], &ce, NULL)) {
		mapctl_err("show: malformed CE from the kernel");
		return false;
	}
	if (o->json) {
		json(json_list_item(&o->l), tb, bmr, type, have_ce, &ce);
	} else {
		if (o->devices)
			putchar('\n');
		text(tb, bmr, have_ce, &ce);
	}
	o->devices++;
	return true;
}

int show_main(int argc, char *argv[])
{
	struct out o = { .json = mapctl_opts.json };
	int ok;

	if (argc == 2 && is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	ok = mapctl_nl_per_dev(argc - 1, argv + 1, MAPE_CMD_DOMAIN_GET, "show",
			       show_one, &o);
	if (ok < 0)
		return 1;
	if (o.json)
		json_list_finish(&o.l, ok);
	return !ok;
}
