// SPDX-License-Identifier: GPL-2.0
/*
 * The mape link keywords: parse, print, usage. See mape_link.h.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "mape_link.h"

#define DEFAULT_HOPLIMIT	64
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

void mape_link_usage(FILE *f)
{
	fprintf(f,
		"role {ce|br} br-addr ADDR [ end-user-prefix PREFIX ]\n"
		"	| role {ce|br} mode t dmr DMR [ end-user-prefix PREFIX ]\n"
		"		[ icmp-src { auto | IPV4_ADDRESS } ]\n"
		"		[ ifid {rfc|draft03} ] [ dev UNDERLAY ] [ hoplimit HLIM ]\n"
		"		[ tclass TCLASS ] [ encaplimit ELIM ] [ mtu MTU ]\n"
		"		[ mtu-v6 MTU6 ] [ frag {outer|inner} ]\n"
		"		[ v4-reassembly {on|off} ] [ frag-id {psid|keep} ]\n"
		"		[ frag-entries N ] [ frag-held N ] [ frag-timeout MS ]\n"
		"		[ napt {on|off} ]\n"
		"\n"
		"Where:	ADDR	:= IPV6_ADDRESS (on a CE the BR's, on a BR its own)\n"
		"	PREFIX	:= IPV6_ADDRESS/LEN, host bits zero (CE only)\n"
		"	mode e	:= MAP-E, encapsulation (default); mode t := MAP-T,\n"
		"		   translation, IPv4 outside the domain in the DMR\n"
		"	DMR	:= IPV6_ADDRESS/LEN, LEN one of RFC 6052's:\n"
		"		   32, 40, 48, 56, 64, 96\n"
		"	icmp-src: source of ICMP errors from the IPv6 domain's\n"
		"		   routers (RFC 6791); auto: the device's own (default)\n"
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
		"	ifid defaults to rfc; role, mode and ifid cannot change later.\n",
		DEFAULT_HOPLIMIT);
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

static enum mape_link_status invalid(struct mape_link_error *err,
				     const char *msg)
{
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return MAPE_LINK_INVALID;
}

static enum mape_link_status put(const struct mape_link_writer *w, int type,
				 const void *data, int len)
{
	return w->put(w->ctx, type, data, len) ? MAPE_LINK_WRITE : MAPE_LINK_OK;
}

static enum mape_link_status put_u8(const struct mape_link_writer *w,
				    int type, uint8_t v)
{
	return put(w, type, &v, sizeof(v));
}

static enum mape_link_status put_u16(const struct mape_link_writer *w,
				     int type, uint16_t v)
{
	return put(w, type, &v, sizeof(v));
}

static enum mape_link_status put_u32(const struct mape_link_writer *w,
				     int type, uint32_t v)
{
	return put(w, type, &v, sizeof(v));
}

/* A keyword with a parser of its own. */
typedef enum mape_link_status (*add_fn)(const struct mape_link_writer *w,
					const char *arg,
					struct mape_link_error *err);

static enum mape_link_status add_br_addr(const struct mape_link_writer *w,
					 const char *arg,
					 struct mape_link_error *err)
{
	struct in6_addr addr;

	if (inet_pton(AF_INET6, arg, &addr) != 1)
		return invalid(err, "br-addr is an IPv6 address");
	return put(w, IFLA_MAPE_BR_ADDR, &addr, sizeof(addr));
}

/*
 * IPV6_ADDRESS/LEN for keyword name, LEN 0..128, no bit set beyond LEN;
 * the caller checks LEN further.
 */
static enum mape_link_status parse_prefix(const char *name, const char *arg,
					  struct in6_addr *addr,
					  unsigned long *len,
					  struct mape_link_error *err)
{
	char buf[INET6_ADDRSTRLEN + 5], *slash;
	struct in6_addr masked;
	int i;

	if (strlen(arg) >= sizeof(buf))
		goto syntax;
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (!slash) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s needs a length: IPV6_ADDRESS/LEN", name);
		return MAPE_LINK_INVALID;
	}
	*slash = '\0';
	if (inet_pton(AF_INET6, buf, addr) != 1 ||
	    !parse_uint(slash + 1, 0, 128, len))
		goto syntax;

	masked = *addr;
	for (i = 0; i < 16; i++) {
		int keep = (int)*len - 8 * i;

		if (keep <= 0)
			masked.s6_addr[i] = 0;
		else if (keep < 8)
			masked.s6_addr[i] &= 0xff << (8 - keep);
	}
	if (memcmp(&masked, addr, sizeof(*addr))) {
		inet_ntop(AF_INET6, &masked, buf, sizeof(buf));
		snprintf(err->msg, sizeof(err->msg),
			 "host bits set beyond /%lu (the prefix is %s/%lu)",
			 *len, buf, *len);
		return MAPE_LINK_INVALID;
	}
	return MAPE_LINK_OK;
syntax:
	snprintf(err->msg, sizeof(err->msg),
		 "%s is IPV6_ADDRESS/LEN, LEN 0..128", name);
	return MAPE_LINK_INVALID;
}

/* A prefix as two attributes: its address (type) and length (len_type). */
static enum mape_link_status put_prefix(const struct mape_link_writer *w,
					int type, int len_type,
					const struct in6_addr *addr,
					unsigned long len)
{
	enum mape_link_status st = put(w, type, addr, sizeof(*addr));

	if (st != MAPE_LINK_OK)
		return st;
	return put_u8(w, len_type, len);
}

static enum mape_link_status add_eu_prefix(const struct mape_link_writer *w,
					   const char *arg,
					   struct mape_link_error *err)
{
	struct in6_addr addr;
	enum mape_link_status st;
	unsigned long len;

	st = parse_prefix("end-user-prefix", arg, &addr, &len, err);
	if (st != MAPE_LINK_OK)
		return st;
	return put_prefix(w, IFLA_MAPE_EU_PREFIX, IFLA_MAPE_EU_PREFIX_LEN,
			  &addr, len);
}

/* RFC 6052 section 2.2: the prefix lengths an IPv4 address embeds in. */
static enum mape_link_status add_dmr(const struct mape_link_writer *w,
				     const char *arg,
				     struct mape_link_error *err)
{
	struct in6_addr addr;
	enum mape_link_status st;
	unsigned long len;

	st = parse_prefix("dmr", arg, &addr, &len, err);
	if (st != MAPE_LINK_OK)
		return st;
	if (len != 32 && len != 40 && len != 48 && len != 56 && len != 64 &&
	    len != 96)
		return invalid(err,
			       "dmr length is 32, 40, 48, 56, 64 or 96 (RFC 6052)");
	return put_prefix(w, IFLA_MAPE_DMR, IFLA_MAPE_DMR_LEN, &addr, len);
}

/*
 * RFC 6791's source; "auto" sends 0.0.0.0, the device's own. The kernel
 * refuses what cannot be a unicast source.
 */
static enum mape_link_status add_icmp_src(const struct mape_link_writer *w,
					  const char *arg,
					  struct mape_link_error *err)
{
	struct in_addr addr = { 0 };

	if (strcmp(arg, "auto") && inet_pton(AF_INET, arg, &addr) != 1)
		return invalid(err,
			       "icmp-src is \"auto\" or an IPv4 address");
	return put(w, IFLA_MAPE_ICMP_SRC, &addr, sizeof(addr));
}

static enum mape_link_status add_link(const struct mape_link_writer *w,
				      const char *arg,
				      struct mape_link_error *err)
{
	unsigned int ifindex = if_nametoindex(arg);

	(void)err;
	if (!ifindex)
		return MAPE_LINK_NODEV;
	return put_u32(w, IFLA_MAPE_LINK, ifindex);
}

static enum mape_link_status add_hoplimit(const struct mape_link_writer *w,
					  const char *arg,
					  struct mape_link_error *err)
{
	unsigned long v;

	if (!parse_uint(arg, 1, 255, &v))
		return invalid(err, "hoplimit is 1..255");
	return put_u8(w, IFLA_MAPE_HOPLIMIT, v);
}

static enum mape_link_status add_tclass(const struct mape_link_writer *w,
					const char *arg,
					struct mape_link_error *err)
{
	unsigned long v = MAPE_TCLASS_INHERIT;

	if (strcmp(arg, "inherit") && !parse_uint(arg, 0, 255, &v))
		return invalid(err,
			       "tclass is \"inherit\" or 0..255 (0x00..0xff)");
	return put_u16(w, IFLA_MAPE_TCLASS, v);
}

static enum mape_link_status add_encap_limit(const struct mape_link_writer *w,
					     const char *arg,
					     struct mape_link_error *err)
{
	unsigned long v = MAPE_ENCAP_LIMIT_NONE;

	if (strcmp(arg, "none") && !parse_uint(arg, 0, 255, &v))
		return invalid(err, "encaplimit is \"none\" or 0..255");
	return put_u16(w, IFLA_MAPE_ENCAP_LIMIT, v);
}

static enum mape_link_status add_mtu_v6(const struct mape_link_writer *w,
					const char *arg,
					struct mape_link_error *err)
{
	unsigned long v = 0;

	if (strcmp(arg, "none") && !parse_uint(arg, 1280, 65535, &v))
		return invalid(err, "mtu-v6 is \"none\" or 1280..65535");
	return put_u32(w, IFLA_MAPE_MTU_V6, v);
}

/*
 * Every keyword takes one value and owns one bit of the duplicate mask.
 * Without a parser of its own it takes one of two words, sent as a u8 0
 * for words[0] and 1 for words[1] (the enums of mape.h), or a number in
 * min..max sent as a u32; msg says which.
 */
static const struct keyword {
	const char *keyword;
	add_fn add;
	int type;
	const char *words[2];
	unsigned long min, max;
	const char *msg;
} keywords[] = {
	{ .keyword = "role", .type = IFLA_MAPE_ROLE, .words = { "ce", "br" },
	  .msg = "role is \"ce\" or \"br\"" },
	{ .keyword = "mode", .type = IFLA_MAPE_MODE, .words = { "e", "t" },
	  .msg = "mode is \"e\" (MAP-E) or \"t\" (MAP-T)" },
	{ .keyword = "br-addr", .add = add_br_addr },
	{ .keyword = "dmr", .add = add_dmr },
	{ .keyword = "icmp-src", .add = add_icmp_src },
	{ .keyword = "end-user-prefix", .add = add_eu_prefix },
	{ .keyword = "ifid", .type = IFLA_MAPE_IFID,
	  .words = { "rfc", "draft03" },
	  .msg = "ifid is \"rfc\" or \"draft03\"" },
	{ .keyword = "dev", .add = add_link },
	{ .keyword = "hoplimit", .add = add_hoplimit },
	{ .keyword = "tclass", .add = add_tclass },
	{ .keyword = "encaplimit", .add = add_encap_limit },
	{ .keyword = "mtu", .type = IFLA_MAPE_MTU, .max = 0xffffffffUL,
	  .msg = "mtu is a number of bytes" },
	{ .keyword = "mtu-v6", .add = add_mtu_v6 },
	{ .keyword = "frag", .type = IFLA_MAPE_FRAG_MODE,
	  .words = { "outer", "inner" },
	  .msg = "frag is \"outer\" or \"inner\"" },
	{ .keyword = "v4-reassembly", .type = IFLA_MAPE_V4_REASSEMBLY,
	  .words = { "off", "on" },
	  .msg = "v4-reassembly is \"on\" or \"off\"" },
	{ .keyword = "frag-id", .type = IFLA_MAPE_FRAG_ID,
	  .words = { "keep", "psid" },
	  .msg = "frag-id is \"psid\" or \"keep\"" },
	{ .keyword = "frag-entries", .type = IFLA_MAPE_FRAG_MAX_ENTRIES,
	  .min = 1, .max = 1 << 20, .msg = "frag-entries is 1..1048576" },
	{ .keyword = "frag-held", .type = IFLA_MAPE_FRAG_MAX_HELD,
	  .min = 0, .max = 1 << 20, .msg = "frag-held is 0..1048576" },
	{ .keyword = "frag-timeout", .type = IFLA_MAPE_FRAG_TIMEOUT,
	  .min = 1, .max = 60000, .msg = "frag-timeout is 1..60000 (ms)" },
	{ .keyword = "napt", .type = IFLA_MAPE_NAPT, .words = { "off", "on" },
	  .msg = "napt is \"on\" or \"off\"" },
};

static enum mape_link_status add(const struct mape_link_writer *w,
				 const struct keyword *k, const char *arg,
				 struct mape_link_error *err)
{
	unsigned long v;

	if (k->add)
		return k->add(w, arg, err);
	if (k->words[0]) {
		if (strcmp(arg, k->words[0]) && strcmp(arg, k->words[1]))
			return invalid(err, k->msg);
		return put_u8(w, k->type, !strcmp(arg, k->words[1]));
	}
	if (!parse_uint(arg, k->min, k->max, &v))
		return invalid(err, k->msg);
	return put_u32(w, k->type, v);
}

enum mape_link_status mape_link_parse(int argc, char *const argv[],
				      const struct mape_link_writer *w,
				      struct mape_link_error *err)
{
	enum mape_link_status st;
	unsigned int seen = 0, i;

	err->keyword = NULL;
	err->msg[0] = '\0';
	for (; argc > 0; argc--, argv++) {
		err->token = *argv;
		if (!strcmp(*argv, "help"))
			return MAPE_LINK_HELP;
		for (i = 0; i < ARRAY_SIZE(keywords); i++)
			if (!strcmp(*argv, keywords[i].keyword))
				break;
		if (i == ARRAY_SIZE(keywords))
			return MAPE_LINK_UNKNOWN;
		err->keyword = *argv;

		argv++;
		if (--argc <= 0)
			return MAPE_LINK_INCOMPLETE;
		err->token = *argv;
		if (seen & (1U << i))
			return MAPE_LINK_DUPLICATE;
		seen |= 1U << i;
		st = add(w, &keywords[i], *argv, err);
		if (st != MAPE_LINK_OK)
			return st;
	}
	return MAPE_LINK_OK;
}

static const struct mape_link_attr *attr_of(const struct mape_link_attr a[],
					    int type, size_t size)
{
	if (!a[type].data || a[type].len < size)
		return NULL;
	return &a[type];
}

static unsigned int attr_u8(const struct mape_link_attr *a)
{
	return *(const uint8_t *)a->data;
}

static unsigned int attr_u16(const struct mape_link_attr *a)
{
	uint16_t v;

	memcpy(&v, a->data, sizeof(v));
	return v;
}

static unsigned int attr_u32(const struct mape_link_attr *a)
{
	uint32_t v;

	memcpy(&v, a->data, sizeof(v));
	return v;
}

/* The word of keywords[] that value v of attribute type stands for. */
static const char *word_of(int type, unsigned int v)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keywords); i++)
		if (keywords[i].type == type && keywords[i].words[0])
			return v < 2 ? keywords[i].words[v] : NULL;
	return NULL;
}

/* A keyword whose u8 value names one of its two words; a number otherwise. */
static void print_word(const struct mape_link_printer *p,
		       const struct mape_link_attr a[], int type,
		       const char *key, const char *fmt_word,
		       const char *fmt_num)
{
	const struct mape_link_attr *at = attr_of(a, type, sizeof(uint8_t));
	const char *word;

	if (!at)
		return;
	word = word_of(type, attr_u8(at));
	if (word)
		p->string(p->ctx, key, fmt_word, word, false);
	else
		p->uint(p->ctx, key, fmt_num, attr_u8(at));
}

/* A u16 or u32 (size) whose value none names a word; a number otherwise. */
static void print_none(const struct mape_link_printer *p,
		       const struct mape_link_attr a[], int type, size_t size,
		       unsigned int none, const char *key, const char *fmt_word,
		       const char *word, const char *fmt_num)
{
	const struct mape_link_attr *at = attr_of(a, type, size);
	unsigned int v;

	if (!at)
		return;
	v = size == sizeof(uint16_t) ? attr_u16(at) : attr_u32(at);
	if (v == none)
		p->string(p->ctx, key, fmt_word, word, false);
	else
		p->uint(p->ctx, key, fmt_num, v);
}

static void print_u32(const struct mape_link_printer *p,
		      const struct mape_link_attr a[], int type,
		      const char *key, const char *fmt)
{
	const struct mape_link_attr *at = attr_of(a, type, sizeof(uint32_t));

	if (at)
		p->uint(p->ctx, key, fmt, attr_u32(at));
}

void mape_link_print(const struct mape_link_attr a[IFLA_MAPE_MAX + 1],
		     const struct mape_link_printer *p)
{
	char buf[INET6_ADDRSTRLEN + 4], name[IF_NAMESIZE];
	const struct mape_link_attr *at, *len;
	unsigned int v;

	print_word(p, a, IFLA_MAPE_ROLE, "role", "role %s ", "role %u ");
	/* Mode E, the default, is left out: outputs from before MAP-T
	 * stay as they were, and paste back the same.
	 */
	at = attr_of(a, IFLA_MAPE_MODE, sizeof(uint8_t));
	if (at && attr_u8(at) != MAPE_MODE_E)
		print_word(p, a, IFLA_MAPE_MODE, "mode", "mode %s ",
			   "mode %u ");

	at = attr_of(a, IFLA_MAPE_BR_ADDR, sizeof(struct in6_addr));
	if (at && inet_ntop(AF_INET6, at->data, buf, sizeof(buf)))
		p->string(p->ctx, "br_addr", "br-addr %s ", buf, true);

	at = attr_of(a, IFLA_MAPE_DMR, sizeof(struct in6_addr));
	len = attr_of(a, IFLA_MAPE_DMR_LEN, sizeof(uint8_t));
	if (at && len && inet_ntop(AF_INET6, at->data, buf, sizeof(buf))) {
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%u",
			 attr_u8(len));
		p->string(p->ctx, "dmr", "dmr %s ", buf, true);
	}
	at = attr_of(a, IFLA_MAPE_ICMP_SRC, sizeof(struct in_addr));
	if (at) {
		if (!memcmp(at->data, "\0\0\0\0", 4))
			p->string(p->ctx, "icmp_src", "icmp-src %s ", "auto",
				  false);
		else if (inet_ntop(AF_INET, at->data, buf, sizeof(buf)))
			p->string(p->ctx, "icmp_src", "icmp-src %s ", buf,
				  true);
	}

	at = attr_of(a, IFLA_MAPE_EU_PREFIX, sizeof(struct in6_addr));
	len = attr_of(a, IFLA_MAPE_EU_PREFIX_LEN, sizeof(uint8_t));
	if (at && len && inet_ntop(AF_INET6, at->data, buf, sizeof(buf))) {
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%u",
			 attr_u8(len));
		p->string(p->ctx, "end_user_prefix", "end-user-prefix %s ",
			  buf, true);
	}

	print_word(p, a, IFLA_MAPE_IFID, "ifid", "ifid %s ", "ifid %u ");

	at = attr_of(a, IFLA_MAPE_LINK, sizeof(uint32_t));
	if (at && (v = attr_u32(at))) {
		/* The underlay may be in another netns: name it as ip does. */
		if (!if_indextoname(v, name))
			snprintf(name, sizeof(name), "if%u", v);
		p->string(p->ctx, "link", "dev %s ", name, false);
	}

	at = attr_of(a, IFLA_MAPE_HOPLIMIT, sizeof(uint8_t));
	if (at)
		p->uint(p->ctx, "hoplimit", "hoplimit %u ", attr_u8(at));

	print_none(p, a, IFLA_MAPE_TCLASS, sizeof(uint16_t),
		   MAPE_TCLASS_INHERIT, "tclass", "tclass %s ", "inherit",
		   "tclass 0x%02x ");
	print_none(p, a, IFLA_MAPE_ENCAP_LIMIT, sizeof(uint16_t),
		   MAPE_ENCAP_LIMIT_NONE, "encaplimit", "encaplimit %s ",
		   "none", "encaplimit %u ");
	print_none(p, a, IFLA_MAPE_MTU_V6, sizeof(uint32_t), 0, "mtu_v6",
		   "mtu-v6 %s ", "none", "mtu-v6 %u ");

	print_word(p, a, IFLA_MAPE_FRAG_MODE, "frag", "frag %s ", "frag %u ");
	print_word(p, a, IFLA_MAPE_V4_REASSEMBLY, "v4_reassembly",
		   "v4-reassembly %s ", "v4-reassembly %u ");
	print_word(p, a, IFLA_MAPE_FRAG_ID, "frag_id", "frag-id %s ",
		   "frag-id %u ");
	print_word(p, a, IFLA_MAPE_NAPT, "napt", "napt %s ", "napt %u ");
	print_u32(p, a, IFLA_MAPE_FRAG_MAX_ENTRIES, "frag_entries",
		  "frag-entries %u ");
	print_u32(p, a, IFLA_MAPE_FRAG_MAX_HELD, "frag_held", "frag-held %u ");
	print_u32(p, a, IFLA_MAPE_FRAG_TIMEOUT, "frag_timeout",
		  "frag-timeout %u ");
}
