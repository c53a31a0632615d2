// SPDX-License-Identifier: GPL-2.0
/*
 * Rules and CEs as mapctl reads and writes them. See mapfmt.h.
 */

#include <stdlib.h>
#include <string.h>

#include "mapfmt.h"

const char *const rule_kw_names[RULE_KW_N] = {
	[RULE_KW_IPV6] = "rule-ipv6",
	[RULE_KW_IPV4] = "rule-ipv4",
	[RULE_KW_EA] = "ea-len",
	[RULE_KW_OFFSET] = "psid-offset",
	[RULE_KW_PSIDLEN] = "psid-len",
};

bool parse_rule(const struct keyword kw[RULE_KW_N], struct mape_rule *r)
{
	struct in_addr p4;
	u32 n;

	memset(r, 0, sizeof(*r));
	if (!parse_ipv6_prefix(kw[RULE_KW_IPV6].name, kw[RULE_KW_IPV6].value,
			       &r->prefix6, &r->prefix6_len))
		return false;
	if (!parse_ipv4_prefix(kw[RULE_KW_IPV4].name, kw[RULE_KW_IPV4].value,
			       &p4, &r->prefix4_len))
		return false;
	r->prefix4 = p4.s_addr;
	if (!parse_number(kw[RULE_KW_EA].name, kw[RULE_KW_EA].value, UINT8_MAX,
			  &n))
		return false;
	r->ea_len = n;
	r->psid_offset = MAPE_PSID_OFFSET_DEFAULT;
	if (kw[RULE_KW_OFFSET].value) {
		if (!parse_number(kw[RULE_KW_OFFSET].name,
				  kw[RULE_KW_OFFSET].value, UINT8_MAX, &n))
			return false;
		r->psid_offset = n;
	}
	if (kw[RULE_KW_PSIDLEN].value) {
		if (!parse_number(kw[RULE_KW_PSIDLEN].name,
				  kw[RULE_KW_PSIDLEN].value, UINT8_MAX, &n))
			return false;
		r->psid_len = n;
		r->flags |= MAPE_RULE_PSID_LEN;
	}
	return true;
}

static const struct {
	const char *name;
	u8 type;
} rule_types[] = {
	{ "bmr", MAPE_RULE_BMR },
	{ "fmr", MAPE_RULE_FMR },
	{ "bmr+fmr", MAPE_RULE_BMR | MAPE_RULE_FMR },
};

bool is_rule_type(const char *s, u8 *type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rule_types); i++) {
		if (!strcmp(s, rule_types[i].name)) {
			*type = rule_types[i].type;
			return true;
		}
	}
	return false;
}

const char *format_rule_type(u8 type, char buf[RULE_TYPE_STRLEN])
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rule_types); i++)
		if (type == rule_types[i].type)
			return rule_types[i].name;
	/* From a newer kernel: keep what is known, show the rest. */
	snprintf(buf, RULE_TYPE_STRLEN, "%s%s0x%x",
		 type & MAPE_RULE_BMR ? "bmr+" : "",
		 type & MAPE_RULE_FMR ? "fmr+" : "",
		 type & ~(MAPE_RULE_BMR | MAPE_RULE_FMR));
	return buf;
}

/* Words of mapping.c's messages and the arguments they are about. */
static const struct {
	const char *words;
	const char *names[2];
} about[] = {
	{ "rule IPv6 prefix", { "rule-ipv6" } },
	{ "rule IPv4 prefix", { "rule-ipv4" } },
	{ "IPv4 suffix", { "rule-ipv4" } },
	{ "EA-bits length", { "ea-len" } },
	{ "EA bits", { "ea-len" } },
	{ "PSID offset", { "psid-offset" } },
	{ "PSID length", { "psid-len" } },
	{ "a PSID with", { "psid-len" } },
	{ "explicit PSID", { "psid" } },
	{ "PSID does not fit", { "psid" } },
	{ "provisioned PSID", { "psid" } },
	{ "end-user prefix", { "end-user-prefix" } },
	{ "IPv4 address", { "ipv4" } },
};

/* An argument the user left out stands for the ones it derives from. */
static const struct {
	const char *absent;
	const char *names[2];
} derived[] = {
	{ "psid-len", { "rule-ipv4", "ea-len" } },
	{ "psid", { "port" } },
};

static const char *const rule_fallback[] = { "rule-ipv6", "rule-ipv4", "ea-len" };

static void mark(const struct keyword *kw, size_t n, const char *name,
		 unsigned int *keys)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (name && !strcmp(kw[k].name, name))
			*keys |= 1U << k;
}

void rule_error(const struct keyword *kw, size_t n, const char *why)
{
	unsigned int keys = 0, printed;
	char *args = NULL;
	size_t i, k, len;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(about); i++) {
		if (strstr(why, about[i].words)) {
			mark(kw, n, about[i].names[0], &keys);
			mark(kw, n, about[i].names[1], &keys);
		}
	}
	for (i = 0; i < ARRAY_SIZE(derived); i++) {
		unsigned int self = 0;

		mark(kw, n, derived[i].absent, &self);
		for (k = 0; k < n; k++)
			if ((keys & self & (1U << k)) && !kw[k].value)
				break;
		if (k < n) {
			mark(kw, n, derived[i].names[0], &keys);
			mark(kw, n, derived[i].names[1], &keys);
		}
	}
	printed = 0;
	for (k = 0; k < n; k++)
		if (kw[k].value && (keys & (1U << k)))
			printed |= 1U << k;
	if (!printed) {
		for (i = 0; i < ARRAY_SIZE(rule_fallback); i++)
			mark(kw, n, rule_fallback[i], &printed);
		for (k = 0; k < n; k++)
			if (!kw[k].value)
				printed &= ~(1U << k);
	}

	f = open_memstream(&args, &len);
	if (!f) {
		mapctl_err("%s", why);
		return;
	}
	for (k = 0, i = 0; k < n; k++)
		if (printed & (1U << k))
			fprintf(f, "%s%s %s", i++ ? " " : "", kw[k].name,
				kw[k].value);
	fclose(f);
	if (*args)
		mapctl_err("%s: %s", args, why);
	else
		mapctl_err("%s", why);
	free(args);
}

const char *format_ce_ipv4(const struct mape_ce *ce, char buf[PREFIX4_STRLEN])
{
	struct in_addr a = { .s_addr = ce->ip4 };

	if (ce->ip4_len == 32)
		return format_ipv4(&a, buf);
	return format_ipv4_prefix(&a, ce->ip4_len, buf);
}

void print_rule(u8 type, const struct mape_rule *r)
{
	struct in_addr p4 = { .s_addr = r->prefix4 };
	char b4[PREFIX4_STRLEN], b6[PREFIX6_STRLEN], bt[RULE_TYPE_STRLEN];

	printf("%s rule-ipv6 %s", format_rule_type(type, bt),
	       format_ipv6_prefix(&r->prefix6, r->prefix6_len, b6));
	printf(" rule-ipv4 %s ea-len %u psid-offset %u psid-len %u",
	       format_ipv4_prefix(&p4, r->prefix4_len, b4), r->ea_len,
	       r->psid_offset, r->psid_len);
	if (r->flags & MAPE_RULE_PSID)
		printf(" psid 0x%x", r->psid);
}

void print_rule_block(const char *label, const struct mape_rule *r)
{
	struct in_addr p4 = { .s_addr = r->prefix4 };
	char b4[PREFIX4_STRLEN], b6[PREFIX6_STRLEN];

	printf("%-*srule-ipv6 %s", TEXT_INDENT, label,
	       format_ipv6_prefix(&r->prefix6, r->prefix6_len, b6));
	printf(" rule-ipv4 %s\n", format_ipv4_prefix(&p4, r->prefix4_len, b4));
	printf("%*sea-len %u psid-offset %u psid-len %u", TEXT_INDENT, "",
	       r->ea_len, r->psid_offset, r->psid_len);
	if (r->flags & MAPE_RULE_PSID)
		printf(" psid 0x%x", r->psid);
	putchar('\n');
}

void print_ce(const struct mape_ce *ce)
{
	char b4[PREFIX4_STRLEN], b6[PREFIX6_STRLEN];

	printf("%-*s%s\n", TEXT_INDENT, "ipv4", format_ce_ipv4(ce, b4));
	printf("%-*s0x%x (%u)\n", TEXT_INDENT, "psid", ce->ports.psid,
	       ce->ports.psid);
	printf("%-*s%u\n", TEXT_INDENT, "psid-len", ce->ports.len);
	printf("%-*s%u\n", TEXT_INDENT, "psid-offset", ce->ports.offset);
	printf("%-*s0x%llx (%u bits)\n", TEXT_INDENT, "ea-bits",
	       (unsigned long long)ce->ea_bits, ce->ea_len);
	printf("%-*s%s\n", TEXT_INDENT, "end-user-prefix",
	       format_ipv6_prefix(&ce->eu_prefix, ce->eu_len, b6));
	printf("%-*s%s\n", TEXT_INDENT, "ce-ipv6", format_ipv6(&ce->addr, b6));
}

#define WIDTH	80

/* "a-b, c-d, ..." wrapped under the value column. */
static void print_ranges(const struct mape_portset *ps)
{
	unsigned int i, n = mape_portset_nranges(ps);
	int col = TEXT_INDENT, w;
	char item[16];
	u16 first, last;

	for (i = 0; i < n; i++) {
		mape_portset_range(ps, i, &first, &last);
		if (first == last)
			w = snprintf(item, sizeof(item), "%u", first);
		else
			w = snprintf(item, sizeof(item), "%u-%u", first, last);
		if (i && col + 2 + w + 1 > WIDTH) {
			printf(",\n%*s", TEXT_INDENT, "");
			col = TEXT_INDENT;
		} else if (i) {
			fputs(", ", stdout);
			col += 2;
		}
		fputs(item, stdout);
		col += w;
	}
	putchar('\n');
}

void print_ports(const struct mape_portset *ps)
{
	unsigned int n = mape_portset_nranges(ps);

	printf("%-*s%u in %u range%s\n", TEXT_INDENT, "ports",
	       mape_portset_count(ps), n, n == 1 ? "" : "s");
	printf("%*s", TEXT_INDENT, "");
	print_ranges(ps);
}

void json_rule_members(struct json *j, const struct mape_rule *r)
{
	struct in_addr p4 = { .s_addr = r->prefix4 };
	char b4[PREFIX4_STRLEN], b6[PREFIX6_STRLEN];

	json_string(j, "rule_ipv6",
		    format_ipv6_prefix(&r->prefix6, r->prefix6_len, b6));
	json_string(j, "rule_ipv4",
		    format_ipv4_prefix(&p4, r->prefix4_len, b4));
	json_uint(j, "ea_len", r->ea_len);
	json_uint(j, "psid_offset", r->psid_offset);
	json_uint(j, "psid_len", r->psid_len);
	if (r->flags & MAPE_RULE_PSID)
		json_uint(j, "psid", r->psid);
}

void json_rule_type(struct json *j, u8 type)
{
	char buf[8];
	unsigned int bit;

	json_array(j, "type");
	if (type & MAPE_RULE_BMR)
		json_string(j, NULL, "bmr");
	if (type & MAPE_RULE_FMR)
		json_string(j, NULL, "fmr");
	for (bit = 4; bit <= 0x80; bit <<= 1) {
		if (type & bit) {
			snprintf(buf, sizeof(buf), "0x%x", bit);
			json_string(j, NULL, buf);
		}
	}
	json_end(j);
}

void json_ce_members(struct json *j, const struct mape_ce *ce)
{
	char b4[PREFIX4_STRLEN], b6[PREFIX6_STRLEN];
	unsigned int i, n = mape_portset_nranges(&ce->ports);
	u16 first, last;

	json_string(j, "ipv4", format_ce_ipv4(ce, b4));
	json_uint(j, "psid", ce->ports.psid);
	json_uint(j, "psid_len", ce->ports.len);
	json_uint(j, "psid_offset", ce->ports.offset);
	json_uint(j, "ea_bits", ce->ea_bits);
	json_uint(j, "ea_len", ce->ea_len);
	json_string(j, "end_user_prefix",
		    format_ipv6_prefix(&ce->eu_prefix, ce->eu_len, b6));
	json_string(j, "ce_ipv6", format_ipv6(&ce->addr, b6));
	json_uint(j, "port_count", mape_portset_count(&ce->ports));
	json_array(j, "ports");
	for (i = 0; i < n; i++) {
		mape_portset_range(&ce->ports, i, &first, &last);
		json_array(j, NULL);
		json_uint(j, NULL, first);
		json_uint(j, NULL, last);
		json_end(j);
	}
	json_end(j);
}
