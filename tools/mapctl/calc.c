// SPDX-License-Identifier: GPL-2.0
/*
 * mapctl calc: what a mapping rule gives one CE (RFC 7597 sections 5, 6),
 * from its end-user prefix (the CE's view) or from an IPv4 address and a
 * port or PSID (the BR's and FMR's view). No kernel involved: this runs
 * kernel/mapping.c, the same arithmetic the module uses.
 */

#include <string.h>

#include "mapctl.h"
#include "mapping.h"

enum {
	K_RULE6,
	K_RULE4,
	K_EA,
	K_OFFSET,
	K_PSIDLEN,
	K_PSID,
	K_IFID,
	K_EU,
	K_IPV4,
	K_PORT,
	K_MAX
};

#define BIT(k)	(1U << (k))

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

/*
 * mapping.c's messages name the constraint, not the value; print the
 * arguments the constraint is about, found from the words it uses.
 */
static void core_error(const struct calc *c, const char *why)
{
	static const struct {
		const char *words;
		unsigned int keys;
	} about[] = {
		{ "rule IPv6 prefix", BIT(K_RULE6) },
		{ "rule IPv4 prefix", BIT(K_RULE4) },
		{ "IPv4 suffix", BIT(K_RULE4) },
		{ "EA-bits length", BIT(K_EA) },
		{ "EA bits", BIT(K_EA) },
		{ "PSID offset", BIT(K_OFFSET) },
		{ "PSID length", BIT(K_PSIDLEN) },
		{ "a PSID with", BIT(K_PSIDLEN) },
		{ "explicit PSID", BIT(K_PSID) },
		{ "PSID does not fit", BIT(K_PSID) },
		{ "provisioned PSID", BIT(K_PSID) },
		{ "end-user prefix", BIT(K_EU) },
		{ "IPv4 address", BIT(K_IPV4) },
	};
	unsigned int keys = 0, printed = 0;
	size_t i;
	int k;

	for (i = 0; i < ARRAY_SIZE(about); i++)
		if (strstr(why, about[i].words))
			keys |= about[i].keys;
	/* A derived PSID length comes from the rule IPv4 prefix and ea-len. */
	if ((keys & BIT(K_PSIDLEN)) && !has(c, K_PSIDLEN))
		keys |= BIT(K_RULE4) | BIT(K_EA);
	if ((keys & BIT(K_PSID)) && !has(c, K_PSID))
		keys |= BIT(K_PORT);
	for (k = 0; k < K_MAX; k++)
		if (has(c, k) && (keys & BIT(k)))
			printed |= BIT(k);
	if (!printed)
		printed = BIT(K_RULE6) | BIT(K_RULE4) | BIT(K_EA);

	fputs(PROG_NAME ": ", stderr);
	for (k = 0, i = 0; k < K_MAX; k++)
		if (printed & BIT(k))
			fprintf(stderr, "%s%s %s", i++ ? " " : "",
				c->kw[k].name, c->kw[k].value);
	fprintf(stderr, ": %s\n", why);
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
	struct in_addr p4;
	u32 n;
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

	memset(r, 0, sizeof(*r));
	if (!parse_ipv6_prefix(kw[K_RULE6].name, kw[K_RULE6].value,
			       &r->prefix6, &r->prefix6_len))
		return false;
	if (!parse_ipv4_prefix(kw[K_RULE4].name, kw[K_RULE4].value, &p4,
			       &r->prefix4_len))
		return false;
	r->prefix4 = p4.s_addr;
	if (!parse_number(kw[K_EA].name, kw[K_EA].value, UINT8_MAX, &n))
		return false;
	r->ea_len = n;
	r->psid_offset = MAPE_PSID_OFFSET_DEFAULT;
	if (has(c, K_OFFSET)) {
		if (!parse_number(kw[K_OFFSET].name, kw[K_OFFSET].value,
				  UINT8_MAX, &n))
			return false;
		r->psid_offset = n;
	}
	if (has(c, K_PSIDLEN)) {
		if (!parse_number(kw[K_PSIDLEN].name, kw[K_PSIDLEN].value,
				  UINT8_MAX, &n))
			return false;
		r->psid_len = n;
		r->flags |= MAPE_RULE_PSID_LEN;
	}
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
	const char *why = "";
	u16 psid;

	if (mape_rule_validate(&c->rule, &why)) {
		core_error(c, why);
		return false;
	}
	if (has(c, K_EU)) {
		if (mape_ce_from_prefix(&c->rule, &c->eu, c->eu_len, c->ifid,
					&c->ce, &why)) {
			core_error(c, why);
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
			      &c->ce, &why)) {
		core_error(c, why);
		return false;
	}
	return true;
}

static const char *ifid_name(enum mape_ifid ifid)
{
	return ifid == MAPE_IFID_DRAFT03 ? "draft03" : "rfc";
}

static const char *ce_ipv4(const struct mape_ce *ce, char buf[PREFIX4_STRLEN])
{
	struct in_addr a = { .s_addr = ce->ip4 };

	if (ce->ip4_len == 32)
		return format_ipv4(&a, buf);
	return format_ipv4_prefix(&a, ce->ip4_len, buf);
}

static void print_json(const struct calc *c)
{
	const struct mape_rule *r = &c->rule;
	const struct mape_ce *ce = &c->ce;
	struct in_addr p4 = { .s_addr = r->prefix4 };
	char b4[PREFIX4_STRLEN], b6[PREFIX6_STRLEN];
	unsigned int i, n = mape_portset_nranges(&ce->ports);
	struct json j;
	u16 first, last;

	json_init(&j, stdout);
	json_object(&j, NULL);
	json_object(&j, "rule");
	json_string(&j, "rule_ipv6",
		    format_ipv6_prefix(&r->prefix6, r->prefix6_len, b6));
	json_string(&j, "rule_ipv4",
		    format_ipv4_prefix(&p4, r->prefix4_len, b4));
	json_uint(&j, "ea_len", r->ea_len);
	json_uint(&j, "psid_offset", r->psid_offset);
	json_uint(&j, "psid_len", r->psid_len);
	if (r->flags & MAPE_RULE_PSID)
		json_uint(&j, "psid", r->psid);
	json_end(&j);
	json_string(&j, "ifid", ifid_name(c->ifid));
	json_string(&j, "ipv4", ce_ipv4(ce, b4));
	json_uint(&j, "psid", ce->ports.psid);
	json_uint(&j, "psid_len", ce->ports.len);
	json_uint(&j, "psid_offset", ce->ports.offset);
	json_uint(&j, "ea_bits", ce->ea_bits);
	json_uint(&j, "ea_len", ce->ea_len);
	json_string(&j, "end_user_prefix",
		    format_ipv6_prefix(&ce->eu_prefix, ce->eu_len, b6));
	json_string(&j, "ce_ipv6", format_ipv6(&ce->addr, b6));
	json_uint(&j, "port_count", mape_portset_count(&ce->ports));
	json_array(&j, "ports");
	for (i = 0; i < n; i++) {
		mape_portset_range(&ce->ports, i, &first, &last);
		json_array(&j, NULL);
		json_uint(&j, NULL, first);
		json_uint(&j, NULL, last);
		json_end(&j);
	}
	json_end(&j);
	if (has(c, K_PORT)) {
		json_uint(&j, "port", c->port);
		json_bool(&j, "port_in_set",
			  mape_port_in_set(&ce->ports, c->port));
	}
	json_finish(&j);
}

#define INDENT	17
#define WIDTH	80

/* "a-b, c-d, ..." wrapped under the value column. */
static void print_ranges(const struct mape_portset *ps)
{
	unsigned int i, n = mape_portset_nranges(ps);
	int col = INDENT, w;
	char item[16];
	u16 first, last;

	for (i = 0; i < n; i++) {
		mape_portset_range(ps, i, &first, &last);
		if (first == last)
			w = snprintf(item, sizeof(item), "%u", first);
		else
			w = snprintf(item, sizeof(item), "%u-%u", first, last);
		if (i && col + 2 + w + 1 > WIDTH) {
			printf(",\n%*s", INDENT, "");
			col = INDENT;
		} else if (i) {
			fputs(", ", stdout);
			col += 2;
		}
		fputs(item, stdout);
		col += w;
	}
	putchar('\n');
}

static void print_text(const struct calc *c)
{
	const struct mape_rule *r = &c->rule;
	const struct mape_ce *ce = &c->ce;
	struct in_addr p4 = { .s_addr = r->prefix4 };
	char b4[PREFIX4_STRLEN], b6[PREFIX6_STRLEN];
	unsigned int n = mape_portset_nranges(&ce->ports);

	/* The rule as calc arguments, psid-len filled in. */
	printf("%-*srule-ipv6 %s", INDENT, "rule",
	       format_ipv6_prefix(&r->prefix6, r->prefix6_len, b6));
	printf(" rule-ipv4 %s\n", format_ipv4_prefix(&p4, r->prefix4_len, b4));
	printf("%*sea-len %u psid-offset %u psid-len %u", INDENT, "",
	       r->ea_len, r->psid_offset, r->psid_len);
	if (r->flags & MAPE_RULE_PSID)
		printf(" psid 0x%x", r->psid);
	putchar('\n');
	printf("%-*s%s\n", INDENT, "ipv4", ce_ipv4(ce, b4));
	printf("%-*s0x%x (%u)\n", INDENT, "psid", ce->ports.psid,
	       ce->ports.psid);
	printf("%-*s%u\n", INDENT, "psid-len", ce->ports.len);
	printf("%-*s%u\n", INDENT, "psid-offset", ce->ports.offset);
	printf("%-*s0x%llx (%u bits)\n", INDENT, "ea-bits",
	       (unsigned long long)ce->ea_bits, ce->ea_len);
	printf("%-*s%s\n", INDENT, "end-user-prefix",
	       format_ipv6_prefix(&ce->eu_prefix, ce->eu_len, b6));
	printf("%-*s%s\n", INDENT, "ce-ipv6", format_ipv6(&ce->addr, b6));
	printf("%-*s%s\n", INDENT, "ifid", ifid_name(c->ifid));
	printf("%-*s%u in %u range%s\n", INDENT, "ports",
	       mape_portset_count(&ce->ports), n, n == 1 ? "" : "s");
	printf("%*s", INDENT, "");
	print_ranges(&ce->ports);
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
		usage(stderr);
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
