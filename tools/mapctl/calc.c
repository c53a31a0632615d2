// SPDX-License-Identifier: GPL-2.0
/*
 * mapctl calc: what a mapping rule gives one CE (RFC 7597 sections 5, 6),
 * from its end-user prefix (the CE's view) or from an IPv4 address and a
 * port or PSID (the BR's and FMR's view). No kernel involved: this runs
 * kernel/mapping.c, the same arithmetic the module uses.
 */

#include <string.h>

#include "mapfmt.h"

/* The RULE keywords first, for parse_rule(). */
enum {
	K_RULE6 = RULE_KW_IPV6,
	K_RULE4 = RULE_KW_IPV4,
	K_EA = RULE_KW_EA,
	K_OFFSET = RULE_KW_OFFSET,
	K_PSIDLEN = RULE_KW_PSIDLEN,
	K_PSID = RULE_KW_N,
	K_IFID,
	K_EU,
	K_IPV4,
	K_PORT,
	K_MAX
};

struct calc {
	struct keyword kw[K_MAX];
	struct mape_rule rule;
	enum mape_ifid ifid;
	struct in6_addr eu;
	u8 eu_len;
	struct in_addr ipv4;
	u32 psid;
	u32 port;
	struct mape_ce ce;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j] calc RULE [psid P] [ifid rfc|draft03] end-user-prefix PFX\n"
		"       %s [-j] calc RULE [psid P] [ifid rfc|draft03] ipv4 ADDR [port N]\n"
		"Where: RULE := rule-ipv6 PFX rule-ipv4 PFX ea-len N\n"
		"               [psid-offset A] [psid-len K]\n"
		"       ea-len      EA-bits length, 0..48\n"
		"       psid-offset PSID offset a, 0..16 (default 6)\n"
		"       psid-len    PSID length k; derived from the rule when\n"
		"                   ea-len > 0, provisioned with psid when ea-len is 0\n"
		"       psid        the CE's PSID: provisioned when ea-len is 0, else\n"
		"                   checked against (end-user-prefix) or selecting\n"
		"                   (ipv4) the PSID carried by the EA bits\n"
		"       ifid        interface-identifier format (default rfc)\n"
		"       port        a port of the CE; gives its PSID\n"
		"Numbers are decimal or 0x hexadecimal. Keywords come in any order.\n",
		PROG_NAME, PROG_NAME);
}

static bool has(const struct calc *c, int k)
{
	return c->kw[k].value;
}

static void core_error(const struct calc *c, const char *why)
{
	rule_error(c->kw, K_MAX, why);
}

static bool eu_host_bits(const struct in6_addr *a, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		unsigned int keep = len >= 8 * (i + 1) ? 8 :
				    len > 8 * i ? len - 8 * i : 0;

		if (a->s6_addr[i] & (0xff >> keep))
			return true;
	}
	return false;
}

static bool parse(struct calc *c, int argc, char *argv[])
{
	static const char *const names[K_MAX] = {
		[K_RULE6] = "rule-ipv6", [K_RULE4] = "rule-ipv4",
		[K_EA] = "ea-len", [K_OFFSET] = "psid-offset",
		[K_PSIDLEN] = "psid-len", [K_PSID] = "psid",
		[K_IFID] = "ifid", [K_EU] = "end-user-prefix",
		[K_IPV4] = "ipv4", [K_PORT] = "port",
	};
	struct keyword *kw = c->kw;
	struct mape_rule *r = &c->rule;
	int k;

	for (k = 0; k < K_MAX; k++)
		kw[k].name = names[k];
	if (!parse_keywords(argc, argv, kw, K_MAX))
		return false;

	for (k = K_RULE6; k <= K_EA; k++) {
		if (!has(c, k)) {
			mapctl_err("%s is missing", kw[k].name);
			return false;
		}
	}
	if (has(c, K_EU) && has(c, K_IPV4)) {
		mapctl_err("end-user-prefix and ipv4 exclude each other");
		return false;
	}
	if (!has(c, K_EU) && !has(c, K_IPV4)) {
		mapctl_err("end-user-prefix or ipv4 is missing");
		return false;
	}
	if (has(c, K_PORT) && !has(c, K_IPV4)) {
		mapctl_err("port %s: only valid with ipv4", kw[K_PORT].value);
		return false;
	}

	if (!parse_rule(kw, r))
		return false;
	if (has(c, K_PSID)) {
		if (!parse_number(kw[K_PSID].name, kw[K_PSID].value,
				  UINT16_MAX, &c->psid))
			return false;
		/* With EA bits the PSID is the CE's, not the rule's. */
		if (!r->ea_len) {
			if (!has(c, K_PSIDLEN)) {
				mapctl_err("psid %s: with ea-len 0 a psid needs psid-len",
					   kw[K_PSID].value);
				return false;
			}
			r->psid = c->psid;
			r->flags |= MAPE_RULE_PSID;
		}
	}
	c->ifid = MAPE_IFID_RFC;
	if (has(c, K_IFID)) {
		if (!strcmp(kw[K_IFID].value, "draft03")) {
			c->ifid = MAPE_IFID_DRAFT03;
		} else if (strcmp(kw[K_IFID].value, "rfc")) {
			mapctl_err("ifid %s: must be rfc or draft03",
				   kw[K_IFID].value);
			return false;
		}
	}
	if (has(c, K_EU)) {
		if (!parse_ipv6_prefix(kw[K_EU].name, kw[K_EU].value, &c->eu,
				       &c->eu_len))
			return false;
		if (eu_host_bits(&c->eu, c->eu_len)) {
			mapctl_err("end-user-prefix %s: bits set beyond the prefix length",
				   kw[K_EU].value);
			return false;
		}
	}
	if (has(c, K_IPV4) &&
	    !parse_ipv4(kw[K_IPV4].name, kw[K_IPV4].value, &c->ipv4))
		return false;
	if (has(c, K_PORT) &&
	    !parse_number(kw[K_PORT].name, kw[K_PORT].value, UINT16_MAX,
			  &c->port))
		return false;
	return true;
}

/* The PSID of the CE asked for in ipv4 mode. */
static bool ipv4_psid(struct calc *c, u16 *psid)
{
	const struct mape_rule *r = &c->rule;
	struct mape_portset ps = {
		.offset = r->psid_offset,
		.len = r->psid_len,
	};

	if (has(c, K_PORT)) {
		ps.psid = mape_port_psid(&ps, c->port);
		if (!mape_port_in_set(&ps, c->port)) {
			mapctl_err("port %s: in no port set (psid-offset %u excludes ports 0-%u)",
				   c->kw[K_PORT].value, r->psid_offset,
				   (1U << (16 - r->psid_offset)) - 1);
			return false;
		}
		if (has(c, K_PSID) && mape_rule_shares(r) &&
		    ps.psid != c->psid) {
			mapctl_err("port %s: in PSID 0x%x, not psid %s",
				   c->kw[K_PORT].value, ps.psid,
				   c->kw[K_PSID].value);
			return false;
		}
		/* Without sharing a psid other than 0 fails in the core. */
		*psid = has(c, K_PSID) ? c->psid : ps.psid;
		return true;
	}
	if (has(c, K_PSID)) {
		*psid = c->psid;
		return true;
	}
	if (mape_rule_shares(r)) {
		mapctl_err("ipv4 mode needs port or psid (the rule shares addresses, psid-len %u)",
			   r->psid_len);
		return false;
	}
	*psid = 0;
	return true;
}

static bool compute(struct calc *c)
{
	struct netlink_ext_ack ext = { ._msg = "" };
	u16 psid;

	if (mape_rule_validate(&c->rule, &ext)) {
		core_error(c, ext._msg);
		return false;
	}
	if (has(c, K_EU)) {
		if (mape_ce_from_prefix(&c->rule, &c->eu, c->eu_len, c->ifid,
					&c->ce, &ext)) {
			core_error(c, ext._msg);
			return false;
		}
		if (has(c, K_PSID) && c->rule.ea_len &&
		    c->psid != c->ce.ports.psid) {
			mapctl_err("psid %s: end-user-prefix %s carries PSID 0x%x",
				   c->kw[K_PSID].value, c->kw[K_EU].value,
				   c->ce.ports.psid);
			return false;
		}
		return true;
	}
	if (!ipv4_psid(c, &psid))
		return false;
	if (mape_ce_from_ipv4(&c->rule, c->ipv4.s_addr, psid, c->ifid,
			      &c->ce, &ext)) {
		core_error(c, ext._msg);
		return false;
	}
	return true;
}

static const char *ifid_name(enum mape_ifid ifid)
{
	return ifid == MAPE_IFID_DRAFT03 ? "draft03" : "rfc";
}

static void print_json(const struct calc *c)
{
	struct json j;

	json_init(&j, stdout);
	json_object(&j, NULL);
	json_object(&j, "rule");
	json_rule_members(&j, &c->rule);
	json_end(&j);
	json_string(&j, "ifid", ifid_name(c->ifid));
	json_ce_members(&j, &c->ce);
	if (has(c, K_PORT)) {
		json_uint(&j, "port", c->port);
		json_bool(&j, "port_in_set",
			  mape_port_in_set(&c->ce.ports, c->port));
	}
	json_finish(&j);
}

#define INDENT	TEXT_INDENT

static void print_text(const struct calc *c)
{
	const struct mape_ce *ce = &c->ce;

	/* The rule as calc arguments, psid-len filled in. */
	print_rule_block("rule", &c->rule);
	print_ce(ce);
	printf("%-*s%s\n", INDENT, "ifid", ifid_name(c->ifid));
	print_ports(&ce->ports);
	if (has(c, K_PORT))
		printf("%-*s%u is %sin the port set\n", INDENT, "port",
		       c->port,
		       mape_port_in_set(&ce->ports, c->port) ? "" : "not ");
}

int calc_main(int argc, char *argv[])
{
	struct calc c;

	if (argc == 2 && is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (argc < 2) {
		usage_error("calc", usage);
		return 1;
	}
	memset(&c, 0, sizeof(c));
	if (!parse(&c, argc - 1, argv + 1) || !compute(&c))
		return 1;
	if (mapctl_opts.json)
		print_json(&c);
	else
		print_text(&c);
	return 0;
}
