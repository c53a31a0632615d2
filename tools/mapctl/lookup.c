// SPDX-License-Identifier: GPL-2.0
/*
 * mapctl lookup: ask the kernel which rule and CE an IPv4 address and port,
 * or an IPv6 address, map to (MAPE_CMD_LOOKUP): the device's own rule
 * table answers, not mapping.c alone as in calc.
 */

#include <string.h>

#include "mapfmt.h"
#include "netlink.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j] lookup dev NAME ipv4 ADDR port N\n"
		"       %s [-j] lookup dev NAME ipv6 ADDR\n"
		"With ipv4 and port: the CE owning them, by its MAP IPv6 address.\n"
		"With ipv6: the IPv4 address and PSID a MAP IPv6 address stands\n"
		"for, and whether it is exactly that CE's MAP address.\n",
		PROG_NAME, PROG_NAME);
}

enum { K_DEV, K_IPV4, K_PORT, K_IPV6, K_MAX };

struct lookup {
	struct keyword kw[K_MAX];
	struct in_addr ipv4;
	u32 port;
	struct in6_addr ipv6;
	bool answered;
};

static bool parse(struct lookup *l, int argc, char *argv[])
{
	struct keyword *kw = l->kw;

	if (!parse_keywords(argc, argv, kw, K_MAX))
		return false;
	if (!kw[K_DEV].value) {
		mapctl_err("dev is missing");
		return false;
	}
	if (!parse_dev(kw[K_DEV].name, kw[K_DEV].value))
		return false;
	if (kw[K_IPV4].value && kw[K_IPV6].value) {
		mapctl_err("ipv4 and ipv6 exclude each other");
		return false;
	}
	if (!kw[K_IPV4].value && !kw[K_IPV6].value) {
		mapctl_err("ipv4 or ipv6 is missing");
		return false;
	}
	if (kw[K_IPV6].value) {
		if (kw[K_PORT].value) {
			mapctl_err("port %s: only valid with ipv4",
				   kw[K_PORT].value);
			return false;
		}
		return parse_ipv6(kw[K_IPV6].name, kw[K_IPV6].value, &l->ipv6);
	}
	if (!parse_ipv4(kw[K_IPV4].name, kw[K_IPV4].value, &l->ipv4))
		return false;
	if (!kw[K_PORT].value) {
		mapctl_err("ipv4 %s: port is missing", kw[K_IPV4].value);
		return false;
	}
	return parse_number(kw[K_PORT].name, kw[K_PORT].value, UINT16_MAX,
			    &l->port);
}

static bool reply(struct nlattr **tb, void *arg)
{
	struct lookup *l = arg;
	bool v6 = l->kw[K_IPV6].value, exact = false;
	char bt[RULE_TYPE_STRLEN];
	struct mape_rule r;
	struct mape_ce ce;
	struct json j;
	u8 type;

	if (!mapctl_nl_get_rule(tb[MAPE_A_RULE], &type, &r) ||
	    !mapctl_nl_get_ce(tb[MAPE_A_CE], &ce, &exact)) {
		mapctl_err("lookup: malformed reply from the kernel");
		return false;
	}
	if (l->answered)
		return true;
	l->answered = true;
	if (mapctl_opts.json) {
		json_init(&j, stdout);
		json_object(&j, NULL);
		json_object(&j, "rule");
		json_rule_type(&j, type);
		json_rule_members(&j, &r);
		json_end(&j);
		json_ce_members(&j, &ce);
		if (v6)
			json_bool(&j, "exact", exact);
		json_finish(&j);
		return true;
	}
	print_rule_block("rule", &r);
	printf("%-*s%s\n", TEXT_INDENT, "type", format_rule_type(type, bt));
	print_ce(&ce);
	print_ports(&ce.ports);
	if (v6)
		printf("%-*s%s\n", TEXT_INDENT, "exact",
		       exact ? "yes" : "no, not the CE's own MAP address");
	return true;
}

int lookup_main(int argc, char *argv[])
{
	struct lookup l = {
		.kw = {
			[K_DEV] = { .name = "dev" },
			[K_IPV4] = { .name = "ipv4" },
			[K_PORT] = { .name = "port" },
			[K_IPV6] = { .name = "ipv6" },
		},
	};
	struct nl_msg *msg;
	int err;

	if (argc == 2 && is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (argc < 2) {
		usage_error("lookup", usage);
		return 1;
	}
	if (!parse(&l, argc - 1, argv + 1))
		return 1;
	msg = mapctl_nl_msg(MAPE_CMD_LOOKUP, 0);
	if (!msg)
		return 1;
	err = nla_put_string(msg, MAPE_A_IFNAME, l.kw[K_DEV].value);
	if (l.kw[K_IPV6].value)
		err = err ?: nla_put(msg, MAPE_A_LOOKUP_IPV6, sizeof(l.ipv6),
				     &l.ipv6);
	else
		err = err ?: nla_put_u32(msg, MAPE_A_LOOKUP_IPV4,
					 l.ipv4.s_addr) ?:
		      nla_put_u16(msg, MAPE_A_LOOKUP_PORT, l.port);
	if (err) {
		nlmsg_free(msg);
		mapctl_err("lookup: request too large");
		return 1;
	}
	if (!mapctl_nl_query(msg, "lookup", reply, &l))
		return 1;
	if (!l.answered) {
		mapctl_err("lookup: the kernel acknowledged without an answer");
		return 1;
	}
	return 0;
}
