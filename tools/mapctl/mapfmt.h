/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rules and CEs as mapctl reads and writes them: the RULE keywords shared
 * by calc and rule add, the arguments behind a mapping.c message, and the
 * text and JSON forms shared by calc, rule, show and lookup.
 */
#ifndef MAPFMT_H
#define MAPFMT_H

#include "mapctl.h"
#include "mapping.h"

/* Column of the values in the text output of calc, show and lookup. */
#define TEXT_INDENT	17

/*
 * The RULE keywords. A subcommand's keyword table starts with them, in
 * this order, so that parse_rule() can take the table.
 */
enum {
	RULE_KW_IPV6,
	RULE_KW_IPV4,
	RULE_KW_EA,
	RULE_KW_OFFSET,
	RULE_KW_PSIDLEN,
	RULE_KW_N
};

extern const char *const rule_kw_names[RULE_KW_N];

/*
 * rule-ipv6, rule-ipv4 and ea-len (present: the caller checks) and the
 * optional psid-offset (default 6) and psid-len into *r, which is zeroed
 * first. A given psid-len sets MAPE_RULE_PSID_LEN. No validation.
 */
bool parse_rule(const struct keyword kw[RULE_KW_N], struct mape_rule *r);

/* MAPE_RULE_BMR | MAPE_RULE_FMR as "bmr", "fmr" or "bmr+fmr". */
bool is_rule_type(const char *s, u8 *type);
#define RULE_TYPE_STRLEN	32
const char *format_rule_type(u8 type, char buf[RULE_TYPE_STRLEN]);

/*
 * mapping.c's messages name a constraint, not a value: print one error line
 * "KW VALUE [KW VALUE...]: why" naming the arguments among kw[] (at most 32)
 * that the constraint is about, found from the words it uses.
 */
void rule_error(const struct keyword *kw, size_t n, const char *why);

/* The CE's IPv4 address, or ADDRESS/LEN for an IPv4 prefix. */
const char *format_ce_ipv4(const struct mape_ce *ce, char buf[PREFIX4_STRLEN]);

/*
 * Text. print_rule() writes a rule as the arguments of rule add, type
 * first, without a newline; print_rule_block() the same without the type,
 * on two lines under a label; print_ce() the CE's lines from ipv4 to
 * ce-ipv6; print_ports() the port set, compact ranges wrapped under the
 * values.
 */
void print_rule(u8 type, const struct mape_rule *r);
void print_rule_block(const char *label, const struct mape_rule *r);
void print_ce(const struct mape_ce *ce);
void print_ports(const struct mape_portset *ps);

/*
 * JSON members of the current object: rule_ipv6 .. psid (psid only for a
 * provisioned PSID, MAPE_RULE_PSID); "type" as a list of names; the CE's
 * ipv4 .. ports, the keys of calc.
 */
void json_rule_members(struct json *j, const struct mape_rule *r);
void json_rule_type(struct json *j, u8 type);
void json_ce_members(struct json *j, const struct mape_ce *ce);

#endif /* MAPFMT_H */
