// SPDX-License-Identifier: GPL-2.0
/*
 * MAP-E and MAP-T rules as DHCPv6 delivers them (RFC 7598): the payload of
 * OPTION_S46_CONT_MAPE or OPTION_S46_CONT_MAPT, and odhcp6c's text form
 * of it. All end in the same struct s46_rules, so that everything after
 * parsing is shared.
 *
 * Everything here comes from outside (an ISP's DHCPv6 server, a router's
 * configuration): each field is checked for range and each length against
 * what is left, and every refusal names the rule and the token or the byte
 * offset.
 */

#include <stdlib.h>
#include <string.h>

#include "s46.h"

/* RFC 7598 option codes. */
#define S46_OPT_RULE		89
#define S46_OPT_BR		90
#define S46_OPT_DMR		91
#define S46_OPT_PORTPARAMS	93

/* S46_RULE flags, section 4.1: F is the least significant bit. */
#define S46_RULE_F		0x01

static struct s46_rule *add_rule(struct s46_rules *out, const char *what)
{
	struct s46_rule *v;

	if (out->n == S46_RULES_MAX) {
		mapctl_err("%s: more than %u rules", what, S46_RULES_MAX);
		return NULL;
	}
	v = realloc(out->v, (out->n + 1) * sizeof(*v));
	if (!v) {
		mapctl_err("%s: out of memory", what);
		return NULL;
	}
	out->v = v;
	memset(&v[out->n], 0, sizeof(v[out->n]));
	return &v[out->n++];
}

void s46_free(struct s46_rules *rules)
{
	free(rules->v);
	rules->v = NULL;
	rules->n = 0;
}

/* Decimal digits only, as odhcp6c prints them; false past max. */
static bool decimal(const char *s, unsigned int max, unsigned int *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

/*
 * A DMR mape can use: an RFC 6052 length (section 2.2), no bit set beyond
 * it. NULL, or why not.
 */
static const char *dmr_problem(const struct in6_addr *dmr, unsigned int len)
{
	unsigned int i;

	if (len > 128 || !mape_6052_len_ok(len))
		return "its length is none of RFC 6052's 32, 40, 48, 56, 64, 96";
	for (i = len; i < 128; i++)
		if (dmr->s6_addr[i / 8] & (0x80 >> (i % 8)))
			return "bits set beyond its length";
	return NULL;
}

/*
 * The text form, one rule. Keys come in any order, each once but br;
 * blank items (the trailing comma odhcp6c writes) are skipped.
 */
enum {
	T_TYPE, T_EALEN, T_PREFIX4LEN, T_PREFIX6LEN, T_IPV4PREFIX,
	T_IPV6PREFIX, T_OFFSET, T_PSIDLEN, T_PSID, T_BR, T_DMR, T_N
};

static const struct {
	const char *key;
	unsigned int max;	/* numbers; 0: not a number */
} text_keys[T_N] = {
	[T_TYPE] = { "type" },
	[T_EALEN] = { "ealen", MAPE_EA_LEN_MAX },
	[T_PREFIX4LEN] = { "prefix4len", 32 },
	[T_PREFIX6LEN] = { "prefix6len", 128 },
	[T_IPV4PREFIX] = { "ipv4prefix" },
	[T_IPV6PREFIX] = { "ipv6prefix" },
	[T_OFFSET] = { "offset", 16 },
	[T_PSIDLEN] = { "psidlen", 16 },
	[T_PSID] = { "psid", 0xffff },
	[T_BR] = { "br" },
	[T_DMR] = { "dmr" },
};

struct text_rule {
	unsigned int index;
	const char *item;	/* for messages */
	bool seen[T_N];
	unsigned int num[T_N];
	int len4, len6;		/* a /LEN on the prefix itself, else -1 */
	bool mapt;		/* type=map-t */
	struct in6_addr dmr;
	int dmr_len;
	const char *dmr_item;
};

static bool text_error(const struct text_rule *t, const char *why)
{
	mapctl_err("rules: rule %u: '%s': %s", t->index, t->item, why);
	return false;
}

/* ADDR or ADDR/LEN into buf (host bits as given); len -1 without /. */
static bool text_prefix(struct text_rule *t, int family, const char *s,
			void *buf, int *len)
{
	unsigned int max = family == AF_INET ? 32 : 128, v;
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	*len = -1;
	if (n >= sizeof(addr))
		return text_error(t, "not an address");
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(family, addr, buf) != 1)
		return text_error(t, family == AF_INET ?
				  "not an IPv4 address" : "not an IPv6 address");
	if (slash) {
		if (!decimal(slash + 1, max, &v))
			return text_error(t, "bad prefix length");
		*len = v;
	}
	return true;
}

/* The prefix length: from its key, or from /LEN, both agreeing. */
static bool text_len(struct text_rule *t, int key, int len, u8 *out)
{
	if (t->seen[key] && len >= 0 && (unsigned int)len != t->num[key]) {
		t->item = text_keys[key].key;
		return text_error(t, "differs from the prefix's own /length");
	}
	if (t->seen[key])
		*out = t->num[key];
	else
		*out = len;
	return true;
}

static bool text_item(struct text_rule *t, char *item, struct s46_rule *r)
{
	char *eq = strchr(item, '=');
	const char *value, *why;
	unsigned int k;

	t->item = item;
	if (!strcmp(item, "fmr")) {
		if (r->fmr)
			return text_error(t, "given twice");
		r->fmr = true;
		return true;
	}
	if (!eq)
		return text_error(t, "not fmr nor key=value");
	*eq = '\0';
	value = eq + 1;
	for (k = 0; k < T_N; k++)
		if (!strcmp(item, text_keys[k].key))
			break;
	*eq = '=';
	if (k == T_N)
		return text_error(t, "unknown key");
	if (t->seen[k] && k == T_DMR)
		return text_error(t, "a second DMR: a MAP-T container has exactly one (RFC 7598 section 5.2)");
	if (t->seen[k] && k != T_BR)
		return text_error(t, "key given twice");
	t->seen[k] = true;
	if (text_keys[k].max) {
		if (!decimal(value, text_keys[k].max, &t->num[k])) {
			mapctl_err("rules: rule %u: '%s': must be a decimal number 0..%u",
				   t->index, item, text_keys[k].max);
			return false;
		}
		return true;
	}
	switch (k) {
	case T_TYPE:
		if (!strcmp(value, "map-e"))
			return true;
		t->mapt = !strcmp(value, "map-t");
		if (t->mapt)
			return true;
		if (!strcmp(value, "lw4o6"))
			return text_error(t, "not supported: mape does MAP-E and MAP-T");
		return text_error(t, "unknown type");
	case T_IPV4PREFIX:
		return text_prefix(t, AF_INET, value, &r->r.prefix4, &t->len4);
	case T_IPV6PREFIX:
		return text_prefix(t, AF_INET6, value, &r->r.prefix6, &t->len6);
	case T_BR:
		if (r->n_br++)
			return true;
		if (inet_pton(AF_INET6, value, &r->br) != 1)
			return text_error(t, "not an IPv6 address");
		r->has_br = true;
		return true;
	case T_DMR:
		t->dmr_item = item;
		if (!text_prefix(t, AF_INET6, value, &t->dmr, &t->dmr_len))
			return false;
		if (t->dmr_len < 0)
			return text_error(t, "the DMR needs its /length");
		why = dmr_problem(&t->dmr, t->dmr_len);
		return why ? text_error(t, why) : true;
	default:
		return text_error(t, "unknown key");
	}
}

/*
 * The rule's type and DMR against the container's, which the first rule
 * set: one container's rules are all of its type and name its one DMR.
 */
static bool text_container(struct text_rule *t, struct s46_rules *out)
{
	t->item = "";
	if (t->mapt && t->seen[T_BR])
		return text_error(t, "br is MAP-E's; a map-t rule has a dmr");
	if (!t->mapt && t->seen[T_DMR]) {
		t->item = t->dmr_item;
		return text_error(t, "a MAP-T key: the rule needs type=map-t");
	}
	if (t->mapt && !t->seen[T_DMR])
		return text_error(t, "dmr is missing (a map-t rule)");
	if (t->index == 1) {
		out->mapt = t->mapt;
		out->dmr = t->dmr;
		out->dmr_len = t->dmr_len;
		return true;
	}
	if (t->mapt != out->mapt)
		return text_error(t, t->mapt ?
				  "type=map-t beside rule 1's map-e: one container's rules only" :
				  "type=map-e beside rule 1's map-t: one container's rules only");
	if (t->mapt && (t->dmr_len != out->dmr_len ||
			memcmp(&t->dmr, &out->dmr, sizeof(t->dmr)))) {
		t->item = t->dmr_item;
		return text_error(t, "not rule 1's DMR: a MAP-T container has exactly one (RFC 7598 section 5.2)");
	}
	return true;
}

static bool text_rule(unsigned int index, char *s, struct s46_rules *out)
{
	struct text_rule t = { .index = index, .item = s };
	struct s46_rule *r = &out->v[index - 1];
	char *item, *save = NULL;

	for (item = strtok_r(s, ",", &save); item;
	     item = strtok_r(NULL, ",", &save))
		if (!text_item(&t, item, r))
			return false;
	t.item = "";
	if (!t.seen[T_IPV6PREFIX])
		return text_error(&t, "ipv6prefix is missing");
	if (!t.seen[T_IPV4PREFIX])
		return text_error(&t, "ipv4prefix is missing");
	if (!t.seen[T_PREFIX6LEN] && t.len6 < 0)
		return text_error(&t, "prefix6len is missing");
	if (!text_len(&t, T_PREFIX6LEN, t.len6, &r->r.prefix6_len))
		return false;
	/* prefix4len may be left out: a /32 (map.sh's default). */
	if (!t.seen[T_PREFIX4LEN] && t.len4 < 0)
		r->r.prefix4_len = 32;
	else if (!text_len(&t, T_PREFIX4LEN, t.len4, &r->r.prefix4_len))
		return false;
	if (!text_container(&t, out))
		return false;
	r->has_ea = t.seen[T_EALEN];
	r->r.ea_len = t.num[T_EALEN];
	r->has_offset = t.seen[T_OFFSET];
	r->r.psid_offset = t.num[T_OFFSET];
	/*
	 * psidlen=0 is odhcp6c's print of an S46_PORTPARAMS with PSID-len 0,
	 * which says nothing of the PSID: as in the binary form, only the
	 * offset counts then.
	 */
	r->has_psid_len = t.seen[T_PSIDLEN] && t.num[T_PSIDLEN];
	r->r.psid_len = t.num[T_PSIDLEN];
	r->has_psid = t.seen[T_PSID] &&
		      (r->has_psid_len || !t.seen[T_PSIDLEN]);
	r->psid = t.num[T_PSID];
	return true;
}

bool s46_parse_text(const char *rules, struct s46_rules *out)
{
	char *copy, *tok, *save = NULL;
	struct s46_rule *r;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	copy = strdup(rules);
	if (!copy) {
		mapctl_err("rules: out of memory");
		return false;
	}
	for (tok = strtok_r(copy, " \t\n", &save); tok && ok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		r = add_rule(out, "rules");
		ok = r && text_rule(out->n, tok, out);
	}
	free(copy);
	if (ok && !out->n) {
		mapctl_err("rules: no rule given");
		ok = false;
	}
	if (!ok)
		s46_free(out);
	return ok;
}

/* The binary form: option 94's payload, RFC 7598 sections 4.1-4.5. */

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static unsigned int get16(const u8 *p)
{
	return p[0] << 8 | p[1];
}

static bool hex_error(const char *src, size_t at, const char *why)
{
	mapctl_err("%s: byte %zu: %s", src, at, why);
	return false;
}

/* S46_PORTPARAMS inside a rule (section 4.5). */
static bool hex_portparams(const char *src, const u8 *p, size_t len,
			   size_t at, struct s46_rule *r)
{
	if (len != 4)
		return hex_error(src, at, "S46_PORTPARAMS (93) must be 4 bytes long");
	if (r->has_offset)
		return hex_error(src, at, "S46_PORTPARAMS (93) twice in one rule");
	if (p[0] > 16)
		return hex_error(src, at, "S46_PORTPARAMS offset must be 0..16");
	if (p[1] > 16)
		return hex_error(src, at, "S46_PORTPARAMS PSID-len must be 0..16");
	r->has_offset = true;
	r->r.psid_offset = p[0];
	/* A PSID-len of 0 says nothing of the PSID: only the offset counts. */
	r->has_psid_len = p[1] > 0;
	r->r.psid_len = p[1];
	r->has_psid = p[1] > 0;
	r->psid = get16(p + 2);
	return true;
}

/* S46_RULE (section 4.1); at is p's offset in the payload. */
static bool hex_rule(const char *src, const u8 *p, size_t len, size_t at,
		     struct s46_rule *r)
{
	size_t plen, off;
	unsigned int code, olen;

	if (len < 8)
		return hex_error(src, at, "S46_RULE (89) shorter than its 8 fixed bytes");
	r->fmr = p[0] & S46_RULE_F;
	r->has_ea = true;
	r->r.ea_len = p[1];
	r->r.prefix4_len = p[2];
	memcpy(&r->r.prefix4, p + 3, 4);
	r->r.prefix6_len = p[7];
	if (r->r.ea_len > MAPE_EA_LEN_MAX)
		return hex_error(src, at + 1, "S46_RULE EA-len must be 0..48");
	if (r->r.prefix4_len > 32)
		return hex_error(src, at + 2, "S46_RULE prefix4-len must be 0..32");
	if (r->r.prefix6_len > 128)
		return hex_error(src, at + 7, "S46_RULE prefix6-len must be 0..128");
	plen = (r->r.prefix6_len + 7) / 8;
	if (len < 8 + plen)
		return hex_error(src, at, "S46_RULE (89) shorter than its prefix6-len");
	memcpy(&r->r.prefix6, p + 8, plen);
	for (off = 8 + plen; off < len; off += 4 + olen) {
		if (len - off < 4)
			return hex_error(src, at + off, "truncated option header in S46_RULE");
		code = get16(p + off);
		olen = get16(p + off + 2);
		if (olen > len - off - 4)
			return hex_error(src, at + off, "option overruns its S46_RULE");
		/* Options the rule may carry that mape does not use: skipped. */
		if (code == S46_OPT_PORTPARAMS &&
		    !hex_portparams(src, p + off + 4, olen, at + off, r))
			return false;
	}
	return true;
}

/*
 * S46_DMR (section 4.3): dmr-prefix6-len, then the prefix in as few bytes
 * as hold it, padded with zero bits. at is the option's offset.
 */
static bool hex_dmr(const char *src, const u8 *p, size_t len, size_t at,
		    struct s46_rules *out)
{
	const char *why;
	char msg[96];

	if (len < 1)
		return hex_error(src, at, "S46_DMR (91) without its dmr-prefix6-len");
	if (p[0] > 128)
		return hex_error(src, at + 4, "S46_DMR dmr-prefix6-len must be 0..128");
	if (len != 1 + (p[0] + 7U) / 8) {
		snprintf(msg, sizeof(msg),
			 "S46_DMR (91) of dmr-prefix6-len %u must be %u bytes long, not %zu",
			 p[0], 1 + (p[0] + 7U) / 8, len);
		return hex_error(src, at, msg);
	}
	memset(&out->dmr, 0, sizeof(out->dmr));
	memcpy(&out->dmr, p + 1, len - 1);
	out->dmr_len = p[0];
	why = dmr_problem(&out->dmr, out->dmr_len);
	if (why) {
		snprintf(msg, sizeof(msg), "S46_DMR /%u: %s", p[0], why);
		return hex_error(src, at, msg);
	}
	return true;
}

bool s46_parse_hex(const char *hex, bool mapt, struct s46_rules *out)
{
	const char *src = mapt ? "s46-mapt" : "s46";
	size_t n = strlen(hex), len = n / 2, off, i;
	unsigned int code, olen, n_br = 0, n_dmr = 0;
	struct in6_addr br;
	struct s46_rule *r;
	bool ok = true;
	u8 *p;

	memset(out, 0, sizeof(*out));
	out->mapt = mapt;
	if (!n || n % 2)
		return hex_error(src, 0, "the payload must be a non-empty, even number of hex digits");
	if (len > 0xffff)
		return hex_error(src, 0, "longer than a DHCPv6 option");
	p = malloc(len);
	if (!p) {
		mapctl_err("%s: out of memory", src);
		return false;
	}
	for (i = 0; i < len; i++) {
		int hi = hexdigit(hex[2 * i]), lo = hexdigit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			ok = hex_error(src, i, "not a hex digit");
			goto out;
		}
		p[i] = hi << 4 | lo;
	}
	for (off = 0; off < len && ok; off += 4 + olen) {
		if (len - off < 4) {
			ok = hex_error(src, off, "truncated option header");
			break;
		}
		code = get16(p + off);
		olen = get16(p + off + 2);
		if (olen > len - off - 4) {
			ok = hex_error(src, off, "option overruns the payload");
			break;
		}
		if (code == S46_OPT_RULE) {
			r = add_rule(out, src);
			ok = r && hex_rule(src, p + off + 4, olen, off + 4, r);
		} else if (code == S46_OPT_BR && !mapt) {
			if (olen != 16)
				ok = hex_error(src, off, "S46_BR (90) must be 16 bytes long");
			else if (!n_br++)
				memcpy(&br, p + off + 4, 16);
		} else if (code == S46_OPT_DMR && mapt) {
			if (n_dmr++)
				ok = hex_error(src, off, "a second S46_DMR (91): a MAP-T container has exactly one (RFC 7598 section 5.2)");
			else
				ok = hex_dmr(src, p + off + 4, olen, off, out);
		}
		/* Other options are not this container's: skipped. */
	}
	if (ok && !out->n)
		ok = hex_error(src, len, "no S46_RULE (89) in the option");
	if (ok && mapt && !n_dmr)
		ok = hex_error(src, len, "no S46_DMR (91) in the option: a MAP-T container has exactly one (RFC 7598 section 5.2)");
	/* The BRs are the container's, every rule's (section 4.2). */
	for (i = 0; ok && i < out->n; i++) {
		out->v[i].has_br = n_br > 0;
		out->v[i].n_br = n_br;
		if (n_br)
			out->v[i].br = br;
	}
out:
	free(p);
	if (!ok)
		s46_free(out);
	return ok;
}
