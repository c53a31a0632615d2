// SPDX-License-Identifier: GPL-2.0
/*
 * mapctl rule: the mapping rules of a device (MAPE_CMD_RULE_*). Rules are
 * checked with mapping.c before they are sent, and printed back with the
 * keywords rule add takes.
 */

#include "mapfmt.h"
#include "netlink.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s rule add dev NAME TYPE RULE [psid P]\n"
		"       %s rule del dev NAME rule-ipv4 PFX\n"
		"       %s [-j] rule show [dev NAME]\n"
		"       %s rule flush dev NAME\n"
		"Where: TYPE := bmr | fmr | bmr+fmr\n"
		"       RULE := rule-ipv6 PFX rule-ipv4 PFX ea-len N\n"
		"               [psid-offset A] [psid-len K]\n"
		"       ea-len      EA-bits length, 0..48\n"
		"       psid-offset PSID offset a, 0..16 (default 6)\n"
		"       psid-len    PSID length k; derived from the rule when\n"
		"                   ea-len > 0, provisioned with psid when ea-len is 0\n"
		"       psid        the provisioned PSID, with ea-len 0 and psid-len\n"
		"A rule is known by its rule-ipv4 prefix; adding the other type to a\n"
		"rule with the same parameters makes it bmr+fmr. 'rule show' prints\n"
		"each rule as 'rule add' arguments.\n",
		PROG_NAME, PROG_NAME, PROG_NAME, PROG_NAME);
}

/* RULE keywords first, for parse_rule(). */
enum {
	A_PSID = RULE_KW_N,
	A_DEV,
	A_BMR,
	A_FMR,
	A_BOTH,
	A_MAX
};

static bool has_dev(const struct keyword *dev)
{
	if (!dev->value) {
		mapctl_err("dev is missing");
		return false;
	}
	return parse_dev(dev->name, dev->value);
}

static int add(int argc, char *argv[])
{
	struct keyword kw[A_MAX] = {
		[RULE_KW_IPV6] = { .name = "rule-ipv6" },
		[RULE_KW_IPV4] = { .name = "rule-ipv4" },
		[RULE_KW_EA] = { .name = "ea-len" },
		[RULE_KW_OFFSET] = { .name = "psid-offset" },
		[RULE_KW_PSIDLEN] = { .name = "psid-len" },
		[A_PSID] = { .name = "psid" },
		[A_DEV] = { .name = "dev" },
		[A_BMR] = { .name = "bmr", .flag = true },
		[A_FMR] = { .name = "fmr", .flag = true },
		[A_BOTH] = { .name = "bmr+fmr", .flag = true },
	};
	struct mape_rule r, check;
	struct nlattr *nest;
	struct nl_msg *msg;
	struct netlink_ext_ack ext = { ._msg = "" };
	const char *type_kw = NULL;
	u8 type = 0;
	u32 psid;
	int k;

	if (!parse_keywords(argc, argv, kw, A_MAX))
		return 1;
	for (k = A_BMR; k <= A_BOTH; k++) {
		if (!kw[k].value)
			continue;
		if (type_kw) {
			mapctl_err("%s and %s exclude each other (bmr+fmr is both)",
				   type_kw, kw[k].name);
			return 1;
		}
		type_kw = kw[k].name;
		is_rule_type(type_kw, &type);
	}
	if (!has_dev(&kw[A_DEV]))
		return 1;
	if (!type_kw) {
		mapctl_err("the rule type is missing: bmr, fmr or bmr+fmr");
		return 1;
	}
	for (k = RULE_KW_IPV6; k <= RULE_KW_EA; k++) {
		if (!kw[k].value) {
			mapctl_err("%s is missing", kw[k].name);
			return 1;
		}
	}
	if (!parse_rule(kw, &r))
		return 1;
	if (kw[A_PSID].value) {
		if (!parse_number(kw[A_PSID].name, kw[A_PSID].value,
				  UINT16_MAX, &psid))
			return 1;
		r.psid = psid;
		r.flags |= MAPE_RULE_PSID;
	}
	check = r;
	if (mape_rule_validate(&check, &ext)) {
		rule_error(kw, A_MAX, ext._msg);
		return 1;
	}

	msg = mapctl_nl_msg(MAPE_CMD_RULE_ADD, 0);
	if (!msg)
		return 1;
	/* Only what the user typed, psid-offset always (its default). */
	if (nla_put_string(msg, MAPE_A_IFNAME, kw[A_DEV].value))
		goto too_large;
	nest = nla_nest_start(msg, MAPE_A_RULE);
	if (!nest ||
	    nla_put_u8(msg, MAPE_RULE_A_TYPE, type) ||
	    nla_put(msg, MAPE_RULE_A_PREFIX6, sizeof(r.prefix6), &r.prefix6) ||
	    nla_put_u8(msg, MAPE_RULE_A_PREFIX6_LEN, r.prefix6_len) ||
	    nla_put_u32(msg, MAPE_RULE_A_PREFIX4, r.prefix4) ||
	    nla_put_u8(msg, MAPE_RULE_A_PREFIX4_LEN, r.prefix4_len) ||
	    nla_put_u8(msg, MAPE_RULE_A_EA_LEN, r.ea_len) ||
	    nla_put_u8(msg, MAPE_RULE_A_PSID_OFFSET, r.psid_offset) ||
	    ((r.flags & MAPE_RULE_PSID_LEN) &&
	     nla_put_u8(msg, MAPE_RULE_A_PSID_LEN, r.psid_len)) ||
	    ((r.flags & MAPE_RULE_PSID) &&
	     nla_put_u16(msg, MAPE_RULE_A_PSID, r.psid)) ||
	    nla_nest_end(msg, nest))
		goto too_large;
	return !mapctl_nl_submit(msg, "rule add");

too_large:
	nlmsg_free(msg);
	mapctl_err("rule add: request too large");
	return 1;
}

static int del(int argc, char *argv[])
{
	struct keyword kw[] = {
		{ .name = "dev" },
		{ .name = "rule-ipv4" },
	};
	struct nlattr *nest;
	struct nl_msg *msg;
	struct in_addr p4;
	u8 len;

	if (!parse_keywords(argc, argv, kw, ARRAY_SIZE(kw)) ||
	    !has_dev(&kw[0]))
		return 1;
	if (!kw[1].value) {
		mapctl_err("rule-ipv4 is missing");
		return 1;
	}
	if (!parse_ipv4_prefix(kw[1].name, kw[1].value, &p4, &len))
		return 1;
	if (len < 32 && ntohl(p4.s_addr) & (~0U >> len)) {
		rule_error(kw, ARRAY_SIZE(kw),
			   "rule IPv4 prefix has bits set beyond its length");
		return 1;
	}

	msg = mapctl_nl_msg(MAPE_CMD_RULE_DEL, 0);
	if (!msg)
		return 1;
	if (nla_put_string(msg, MAPE_A_IFNAME, kw[0].value))
		goto too_large;
	nest = nla_nest_start(msg, MAPE_A_RULE);
	if (!nest ||
	    nla_put_u32(msg, MAPE_RULE_A_PREFIX4, p4.s_addr) ||
	    nla_put_u8(msg, MAPE_RULE_A_PREFIX4_LEN, len) ||
	    nla_nest_end(msg, nest))
		goto too_large;
	return !mapctl_nl_submit(msg, "rule del");

too_large:
	nlmsg_free(msg);
	mapctl_err("rule del: request too large");
	return 1;
}

static int flush(int argc, char *argv[])
{
	struct keyword kw[] = { { .name = "dev" } };
	struct nl_msg *msg;

	if (!parse_keywords(argc, argv, kw, ARRAY_SIZE(kw)) ||
	    !has_dev(&kw[0]))
		return 1;
	msg = mapctl_nl_msg(MAPE_CMD_RULE_FLUSH, 0);
	if (!msg)
		return 1;
	if (nla_put_string(msg, MAPE_A_IFNAME, kw[0].value)) {
		nlmsg_free(msg);
		mapctl_err("rule flush: request too large");
		return 1;
	}
	return !mapctl_nl_submit(msg, "rule flush");
}

/* One rule of the dump, printed as it arrives: a dump can be huge. */
static bool show_one(struct nlattr **tb, void *arg)
{
	struct json_list *l = arg;
	struct mape_rule r;
	struct json *j;
	u8 type;

	if (!mapctl_nl_get_rule(tb[MAPE_A_RULE], &type, &r)) {
		mapctl_err("rule show: malformed rule from the kernel");
		return false;
	}
	if (mapctl_opts.json) {
		j = json_list_item(l);
		json_object(j, NULL);
		json_string(j, "dev", mapctl_nl_dev(tb));
		json_rule_type(j, type);
		json_rule_members(j, &r);
		json_end(j);
		return true;
	}
	printf("dev %s ", mapctl_nl_dev(tb));
	print_rule(type, &r);
	putchar('\n');
	return true;
}

static int show(int argc, char *argv[])
{
	struct keyword kw[] = { { .name = "dev" } };
	struct json_list l = { .open = false };
	struct nl_msg *msg;
	bool ok;

	if (!parse_keywords(argc, argv, kw, ARRAY_SIZE(kw)) ||
	    (kw[0].value && !parse_dev(kw[0].name, kw[0].value)))
		return 1;
	msg = mapctl_nl_msg(MAPE_CMD_RULE_GET, NLM_F_DUMP);
	if (!msg)
		return 1;
	if (kw[0].value && nla_put_string(msg, MAPE_A_IFNAME, kw[0].value)) {
		nlmsg_free(msg);
		mapctl_err("rule show: request too large");
		return 1;
	}
	ok = mapctl_nl_query(msg, "rule show", show_one, &l);
	if (mapctl_opts.json)
		json_list_finish(&l, ok);
	return !ok;
}

int rule_main(int argc, char *argv[])
{
	static const struct subcommand cmds[] = {
		{ "add", add },
		{ "del", del },
		{ "show", show },
		{ "flush", flush },
	};

	return run_subcommand(argc, argv, cmds, ARRAY_SIZE(cmds), usage);
}
