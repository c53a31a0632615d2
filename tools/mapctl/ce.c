// SPDX-License-Identifier: GPL-2.0
/*
 * mapctl ce: a CE from what DHCPv6 or a router's configuration hands it
 * (RFC 7598 rules, the delegated prefix), in one step: a MAP-E CE from a
 * MAP-E container, a MAP-T CE (mode t) from a MAP-T one. plan picks the
 * BMR and computes the CE, up also builds the device, down removes it. The
 * OpenWrt protocol handler and the dhcpcd hook both run this, so that the
 * rule selection and the arithmetic live here and in mapping.c only.
 *
 * up is all or nothing: it builds the device with the link and rule
 * commands themselves and deletes it again when any step fails, so a
 * caller never sees a half-configured device.
 */

#include <string.h>

#include "netlink.h"
#include "s46.h"

/* Exit statuses beside 0 and 1; the shells turn them into error codes. */
#define CE_BAD_SOURCE	2	/* INVALID_MAP_RULE */
#define CE_NO_MATCH	3	/* NO_MATCHING_PD */

#define CE_EU_MAX	16
#define CE_LINK_ARGS	64

/* The draft-03 defaults map.sh calls legacymap (draft-ietf-softwire-map-03). */
#define LEGACY_PSID_OFFSET	4

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j] ce plan SOURCE end-user-prefix PFX... [legacymap]\n"
		"       %s [-j] ce up NAME SOURCE end-user-prefix PFX... [legacymap]\n"
		"                  [LINK KEYWORDS]\n"
		"       %s ce down NAME\n"
		"Where: SOURCE := rules 'RULE [RULE...]' | s46 HEX | s46-mapt HEX\n"
		"       RULE   odhcp6c's text of one S46 rule (MAPE, MAPT variables):\n"
		"              [fmr,]type=map-e,ealen=N,prefix4len=N,prefix6len=N,\n"
		"              ipv4prefix=A,ipv6prefix=P,[offset=N,psidlen=N,psid=N,]\n"
		"              br=B[,br=B...]; psid is left-aligned (RFC 7598 4.5);\n"
		"              or (MAPT) type=map-t and dmr=PFX/LEN for the brs\n"
		"       HEX    the payload of DHCPv6 option 94 (S46_CONT_MAPE), or\n"
		"              with s46-mapt of option 95 (S46_CONT_MAPT)\n"
		"       end-user-prefix  a delegated prefix; repeat for several\n"
		"       legacymap  draft-03 interface identifiers, PSID offset 4\n"
		"                  unless a rule gives one\n"
		"       LINK KEYWORDS  those of mapctl link add but role, mode,\n"
		"                  br-addr, dmr, end-user-prefix and ifid (mtu,\n"
		"                  napt, ...)\n"
		"The BMR is the longest rule matching the first end-user prefix any\n"
		"rule matches; fmr rules are FMRs. MAP-T rules make a mode t CE\n"
		"with the DMR. up replaces a mape device NAME, adds the rules and\n"
		"sets it up; addresses and routes are the caller's (ipv6_route:\n"
		"what mode t routes into the device). Both print shell\n"
		"assignments (-j: JSON). Exit 2: SOURCE is invalid; 3: no rule\n"
		"matches an end-user prefix.\n",
		PROG_NAME, PROG_NAME, PROG_NAME);
}

struct ce {
	const char *source_kw;		/* "rules", "s46" or "s46-mapt" */
	const char *source;
	struct in6_addr eu[CE_EU_MAX];
	u8 eu_len[CE_EU_MAX];
	const char *eu_arg[CE_EU_MAX];
	unsigned int n_eu;
	bool legacy;
	char *link_args[CE_LINK_ARGS];
	int n_link;

	struct s46_rules rules;
	struct s46_rule *bmr;
	unsigned int eu_index;		/* of the BMR's end-user prefix */
	unsigned int n_fmr;
	struct mape_ce ce;
};

/* Link keywords that come from the source, never from the caller. */
static const char *const owned[] = {
	"role", "mode", "br-addr", "dmr", "end-user-prefix", "ifid",
};

static bool parse(struct ce *c, int argc, char *argv[], bool link_ok)
{
	const char *kw;
	unsigned int k;
	int i;

	for (i = 0; i < argc; i++) {
		kw = argv[i];
		if (!strcmp(kw, "legacymap")) {
			if (c->legacy) {
				mapctl_err("duplicate keyword '%s'", kw);
				return false;
			}
			c->legacy = true;
			continue;
		}
		if (i + 1 == argc) {
			mapctl_err("%s: missing value", kw);
			return false;
		}
		if (!strcmp(kw, "rules") || !strcmp(kw, "s46") ||
		    !strcmp(kw, "s46-mapt")) {
			if (c->source_kw) {
				mapctl_err("%s and %s: one source of rules only",
					   c->source_kw, kw);
				return false;
			}
			c->source_kw = kw;
			c->source = argv[++i];
		} else if (!strcmp(kw, "end-user-prefix")) {
			if (c->n_eu == CE_EU_MAX) {
				mapctl_err("%s: at most %u", kw, CE_EU_MAX);
				return false;
			}
			if (!parse_ipv6_prefix(kw, argv[i + 1], &c->eu[c->n_eu],
					       &c->eu_len[c->n_eu]))
				return false;
			c->eu_arg[c->n_eu++] = argv[++i];
		} else {
			for (k = 0; k < ARRAY_SIZE(owned); k++) {
				if (!strcmp(kw, owned[k])) {
					mapctl_err("%s: set by mapctl ce from the rules%s",
						   kw, strcmp(kw, "ifid") ? "" :
						   " (legacymap: draft03)");
					return false;
				}
			}
			if (!link_ok) {
				mapctl_err("unknown keyword '%s'", kw);
				return false;
			}
			if (c->n_link + 2 > CE_LINK_ARGS) {
				mapctl_err("%s: too many link keywords", kw);
				return false;
			}
			c->link_args[c->n_link++] = argv[i];
			c->link_args[c->n_link++] = argv[++i];
		}
	}
	if (!c->source_kw) {
		mapctl_err("the rules are missing: rules 'RULE...', s46 HEX or s46-mapt HEX");
		return false;
	}
	return true;
}

static bool rule_covers(const struct mape_rule *r, const struct in6_addr *eu,
			u8 eu_len)
{
	return eu_len >= r->prefix6_len &&
	       mape_ipv6_prefix_match(eu, &r->prefix6, r->prefix6_len);
}

/*
 * The defaults a rule takes from its context (RFC 7597 section 5: the
 * EA-bits fill the end-user prefix after the rule prefix unless given),
 * then mapping.c's checks. eu_len is 0 for an FMR.
 */
static int complete(struct ce *c, struct s46_rule *s, u8 eu_len)
{
	struct mape_rule *r = &s->r;
	unsigned int n = s - c->rules.v + 1;
	struct netlink_ext_ack ext = { ._msg = "" };

	if (!s->has_ea && !eu_len) {
		mapctl_err("%s: rule %u: an fmr needs ealen", c->source_kw, n);
		return CE_BAD_SOURCE;
	}
	if (!s->has_ea)
		r->ea_len = eu_len - r->prefix6_len > MAPE_EA_LEN_MAX ?
			    MAPE_EA_LEN_MAX + 1 : eu_len - r->prefix6_len;
	if (!s->has_offset)
		r->psid_offset = c->legacy ? LEGACY_PSID_OFFSET :
			MAPE_PSID_OFFSET_DEFAULT;
	r->flags = 0;
	if (s->has_psid_len)
		r->flags |= MAPE_RULE_PSID_LEN;
	/* Provisioned apart only without EA bits (section 5.2). */
	if (s->has_psid && !r->ea_len) {
		if (!s->has_psid_len) {
			mapctl_err("%s: rule %u: psid needs psidlen", c->source_kw, n);
			return CE_BAD_SOURCE;
		}
		if (r->psid_len < 16 && (s->psid & (0xffff >> r->psid_len))) {
			mapctl_err("%s: rule %u: psid %u has bits beyond psidlen %u (it is left-aligned: PSID %u is %u)",
				   c->source_kw, n, s->psid, r->psid_len,
				   s->psid >> (16 - r->psid_len),
				   (s->psid >> (16 - r->psid_len)) << (16 - r->psid_len));
			return CE_BAD_SOURCE;
		}
		r->psid = r->psid_len ? s->psid >> (16 - r->psid_len) : 0;
		r->flags |= MAPE_RULE_PSID;
	}
	if (mape_rule_validate(r, &ext)) {
		mapctl_err("%s: rule %u: %s", c->source_kw, n, ext._msg);
		return CE_BAD_SOURCE;
	}
	return 0;
}

/* The BMR, the CE it gives and the FMRs: 0 or an exit status. */
static int plan(struct ce *c)
{
	struct netlink_ext_ack ext = { ._msg = "" };
	struct s46_rule *s;
	unsigned int i, e;
	int ret;

	if (!strcmp(c->source_kw, "rules") ?
	    !s46_parse_text(c->source, &c->rules) :
	    !s46_parse_hex(c->source, !strcmp(c->source_kw, "s46-mapt"),
			   &c->rules))
		return CE_BAD_SOURCE;
	/*
	 * Every FMR is installed, so a bad one is refused even when the BMR
	 * would do. A rule that is neither (the BMRs of other CEs of the
	 * domain, RFC 7598 section 4.1) is checked only if it is the BMR.
	 */
	for (i = 0; i < c->rules.n; i++) {
		s = &c->rules.v[i];
		if (s->fmr && (ret = complete(c, s, 0)))
			return ret;
	}
	if (!c->n_eu) {
		mapctl_err("end-user-prefix is missing");
		return CE_NO_MATCH;
	}
	for (e = 0; e < c->n_eu && !c->bmr; e++) {
		for (i = 0; i < c->rules.n; i++) {
			s = &c->rules.v[i];
			if (rule_covers(&s->r, &c->eu[e], c->eu_len[e]) &&
			    (!c->bmr || s->r.prefix6_len > c->bmr->r.prefix6_len))
				c->bmr = s;
		}
		c->eu_index = e;
	}
	if (!c->bmr) {
		mapctl_err("no rule matches end-user-prefix %s%s",
			   c->eu_arg[0], c->n_eu > 1 ? " nor the others" : "");
		return CE_NO_MATCH;
	}
	i = c->bmr - c->rules.v + 1;
	ret = complete(c, c->bmr, c->eu_len[c->eu_index]);
	if (ret)
		return ret;
	if (!c->rules.mapt && !c->bmr->has_br) {
		mapctl_err("%s: rule %u: br is missing", c->source_kw, i);
		return CE_BAD_SOURCE;
	}
	if (mape_ce_from_prefix(&c->bmr->r, &c->eu[c->eu_index],
				c->eu_len[c->eu_index],
				c->legacy ? MAPE_IFID_DRAFT03 : MAPE_IFID_RFC,
				&c->ce, &ext)) {
		mapctl_err("%s: rule %u and end-user-prefix %s: %s",
			   c->source_kw, i, c->eu_arg[c->eu_index], ext._msg);
		return CE_NO_MATCH;
	}
	for (i = 0; i < c->rules.n; i++)
		c->n_fmr += c->rules.v[i].fmr;
	return 0;
}

/*
 * "rule add dev NAME TYPE" and RULE with psid-len and psid: 17 words and
 * the NULL; their text lives in the buffers.
 */
#define RULE_ARGC	18
struct rule_args {
	char *argv[RULE_ARGC];
	int argc;
	char b6[PREFIX6_STRLEN], b4[PREFIX4_STRLEN];
	char ea[4], off[4], k[4], psid[8];
};

static void rule_args(struct rule_args *a, const char *dev,
		      const struct s46_rule *s, bool bmr)
{
	const struct mape_rule *r = &s->r;
	struct in_addr p4 = { .s_addr = r->prefix4 };
	int n = 0;

	a->argv[n++] = "rule";
	a->argv[n++] = "add";
	if (dev) {
		a->argv[n++] = "dev";
		a->argv[n++] = (char *)dev;
		a->argv[n++] = !bmr ? "fmr" : s->fmr ? "bmr+fmr" : "bmr";
	}
	a->argv[n++] = "rule-ipv6";
	a->argv[n++] = (char *)format_ipv6_prefix(&r->prefix6, r->prefix6_len,
						  a->b6);
	a->argv[n++] = "rule-ipv4";
	a->argv[n++] = (char *)format_ipv4_prefix(&p4, r->prefix4_len, a->b4);
	snprintf(a->ea, sizeof(a->ea), "%u", r->ea_len);
	snprintf(a->off, sizeof(a->off), "%u", r->psid_offset);
	a->argv[n++] = "ea-len";
	a->argv[n++] = a->ea;
	a->argv[n++] = "psid-offset";
	a->argv[n++] = a->off;
	if (r->flags & MAPE_RULE_PSID_LEN) {
		snprintf(a->k, sizeof(a->k), "%u", r->psid_len);
		a->argv[n++] = "psid-len";
		a->argv[n++] = a->k;
	}
	if (r->flags & MAPE_RULE_PSID) {
		snprintf(a->psid, sizeof(a->psid), "%u", r->psid);
		a->argv[n++] = "psid";
		a->argv[n++] = a->psid;
	}
	a->argv[n] = NULL;
	a->argc = n;
}

/*
 * What a mode t CE routes into its device, which receives at no address
 * of its own: its MAP address, or the /64 of them when it holds an IPv4
 * prefix (each address names itself in the interface identifier).
 */
static const char *route6(const struct ce *c, char buf[PREFIX6_STRLEN])
{
	struct in6_addr a = c->ce.addr;

	if (c->ce.ip4_len == 32)
		return format_ipv6_prefix(&a, 128, buf);
	memset(&a.s6_addr[8], 0, 8);
	return format_ipv6_prefix(&a, 64, buf);
}

static void print_text(const struct ce *c, const char *dev)
{
	const struct mape_ce *ce = &c->ce;
	struct in_addr a = { .s_addr = ce->ip4 };
	char b4[INET_ADDRSTRLEN], b6[PREFIX6_STRLEN];
	unsigned int i, n = mape_portset_nranges(&ce->ports);
	struct rule_args ra;
	u16 first, last;

	if (dev)
		printf("device=%s\n", dev);
	if (c->rules.mapt)
		printf("mode=t\ndmr=%s\n",
		       format_ipv6_prefix(&c->rules.dmr, c->rules.dmr_len, b6));
	else
		printf("mode=e\nbr_addr=%s\n", format_ipv6(&c->bmr->br, b6));
	printf("end_user_prefix=%s\n",
	       format_ipv6_prefix(&ce->eu_prefix, ce->eu_len, b6));
	printf("ifid=%s\n", c->legacy ? "draft03" : "rfc");
	rule_args(&ra, NULL, c->bmr, true);
	printf("bmr=");
	for (i = 2; i < (unsigned int)ra.argc; i++)
		printf("%s%s", i > 2 ? " " : "'", ra.argv[i]);
	printf("'\nfmr_count=%u\n", c->n_fmr);
	printf("ipv4=%s\nipv4_len=%u\n", format_ipv4(&a, b4), ce->ip4_len);
	printf("ce_ipv6=%s\n", format_ipv6(&ce->addr, b6));
	if (c->rules.mapt)
		printf("ipv6_route=%s\n", route6(c, b6));
	printf("psid=%u\npsid_len=%u\npsid_offset=%u\n", ce->ports.psid,
	       ce->ports.len, ce->ports.offset);
	printf("port_count=%u\nports=", mape_portset_count(&ce->ports));
	/* A CE of whole addresses has every port: no list. */
	putchar('\'');
	for (i = 0; ce->ports.len && i < n; i++) {
		mape_portset_range(&ce->ports, i, &first, &last);
		printf("%s%u-%u", i ? " " : "", first, last);
	}
	printf("'\n");
}

static void print_json(const struct ce *c, const char *dev)
{
	struct in_addr a = { .s_addr = c->ce.ip4 };
	char b4[INET_ADDRSTRLEN], b6[PREFIX6_STRLEN];
	unsigned int i;
	struct json j;

	json_init(&j, stdout);
	json_object(&j, NULL);
	if (dev)
		json_string(&j, "device", dev);
	json_string(&j, "mode", c->rules.mapt ? "t" : "e");
	if (c->rules.mapt)
		json_string(&j, "dmr", format_ipv6_prefix(&c->rules.dmr,
							  c->rules.dmr_len, b6));
	else
		json_string(&j, "br_addr", format_ipv6(&c->bmr->br, b6));
	json_string(&j, "ifid", c->legacy ? "draft03" : "rfc");
	json_object(&j, "bmr");
	json_rule_members(&j, &c->bmr->r);
	json_end(&j);
	json_array(&j, "fmrs");
	for (i = 0; i < c->rules.n; i++) {
		if (!c->rules.v[i].fmr)
			continue;
		json_object(&j, NULL);
		json_rule_members(&j, &c->rules.v[i].r);
		json_end(&j);
	}
	json_end(&j);
	/* calc's members; ipv4 is ADDRESS/LEN there for a prefix. */
	json_ce_members(&j, &c->ce);
	json_string(&j, "ipv4_address", format_ipv4(&a, b4));
	json_uint(&j, "ipv4_len", c->ce.ip4_len);
	if (c->rules.mapt)
		json_string(&j, "ipv6_route", route6(c, b6));
	json_finish(&j);
}

static int link_cmd(const char *cmd, const char *dev, int argc, char *argv[])
{
	char *args[3 + CE_LINK_ARGS] = { "link", (char *)cmd, (char *)dev };
	int i;

	for (i = 0; i < argc; i++)
		args[3 + i] = argv[i];
	return link_main(3 + argc, args);
}

static int ce_down(const char *dev)
{
	int ifindex = link_find_mape(dev);

	if (ifindex <= 0)
		return ifindex < 0;
	return link_cmd("del", dev, 0, NULL);
}

/* The device of plan c: created, its rules added, set up; or nothing. */
static int ce_up(struct ce *c, const char *dev)
{
	char b6[PREFIX6_STRLEN], eu[PREFIX6_STRLEN];
	char *args[10 + CE_LINK_ARGS];
	struct rule_args ra;
	unsigned int i;
	int n = 0;

	if (!link_check_keywords(c->n_link, c->link_args))
		return 1;
	args[n++] = "role";
	args[n++] = "ce";
	if (c->rules.mapt) {
		args[n++] = "mode";
		args[n++] = "t";
		args[n++] = "dmr";
		args[n++] = (char *)format_ipv6_prefix(&c->rules.dmr,
						       c->rules.dmr_len, b6);
	} else {
		args[n++] = "br-addr";
		args[n++] = (char *)format_ipv6(&c->bmr->br, b6);
	}
	args[n++] = "end-user-prefix";
	args[n++] = (char *)format_ipv6_prefix(&c->eu[c->eu_index],
					       c->eu_len[c->eu_index], eu);
	if (c->legacy) {
		args[n++] = "ifid";
		args[n++] = "draft03";
	}
	memcpy(args + n, c->link_args, c->n_link * sizeof(*args));
	n += c->n_link;
	/* Replaced, not changed: what the old rules left behind goes too. */
	if (ce_down(dev))
		return 1;
	if (link_cmd("add", dev, n, args))
		return 1;
	rule_args(&ra, dev, c->bmr, true);
	if (rule_main(ra.argc, ra.argv))
		goto undo;
	for (i = 0; i < c->rules.n; i++) {
		if (!c->rules.v[i].fmr || &c->rules.v[i] == c->bmr)
			continue;
		rule_args(&ra, dev, &c->rules.v[i], false);
		if (rule_main(ra.argc, ra.argv))
			goto undo;
	}
	if (link_set_up(dev))
		return 0;
undo:
	mapctl_nl_recover();
	link_cmd("del", dev, 0, NULL);
	return 1;
}

int ce_main(int argc, char *argv[])
{
	const char *dev = NULL;
	struct ce c;
	bool up;
	int ret;

	if (argc == 2 && is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (argc < 2) {
		usage_error("ce", usage);
		return 1;
	}
	if (argc == 3 && is_help(argv[2])) {
		usage(stdout);
		return 0;
	}
	memset(&c, 0, sizeof(c));
	if (!strcmp(argv[1], "down")) {
		if (argc < 3) {
			mapctl_err("ce down: the device name is missing");
			return 1;
		}
		if (argc > 3) {
			mapctl_err("ce down: unknown keyword '%s'", argv[3]);
			return 1;
		}
		return parse_dev("ce down", argv[2]) ? ce_down(argv[2]) : 1;
	}
	up = !strcmp(argv[1], "up");
	if (!up && strcmp(argv[1], "plan")) {
		mapctl_err("ce %s: unknown command (plan, up or down)", argv[1]);
		return 1;
	}
	argc -= 2;
	argv += 2;
	if (up) {
		if (!argc) {
			mapctl_err("ce up: the device name is missing");
			return 1;
		}
		if (!parse_dev("ce up", argv[0]))
			return 1;
		dev = argv[0];
		argc--;
		argv++;
	}
	if (!parse(&c, argc, argv, up))
		return 1;
	ret = plan(&c);
	if (!ret && up)
		ret = ce_up(&c, dev);
	if (!ret) {
		if (mapctl_opts.json)
			print_json(&c, dev);
		else
			print_text(&c, dev);
	}
	s46_free(&c.rules);
	return ret;
}
