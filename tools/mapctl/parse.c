// SPDX-License-Identifier: GPL-2.0
/*
 * Argument parsers and address formatting shared by the subcommands.
 */

#include <net/if.h>
#include <string.h>

#include "mapctl.h"

bool parse_keywords(int argc, char *argv[], struct keyword *kw, size_t n)
{
	int i;
	size_t k;

	for (k = 0; k < n; k++)
		kw[k].value = NULL;
	for (i = 0; i < argc; i++) {
		for (k = 0; k < n; k++)
			if (!strcmp(argv[i], kw[k].name))
				break;
		if (k == n) {
			mapctl_err("unknown keyword '%s'", argv[i]);
			return false;
		}
		if (kw[k].value) {
			mapctl_err("duplicate keyword '%s'", argv[i]);
			return false;
		}
		if (kw[k].flag) {
			kw[k].value = kw[k].name;
			continue;
		}
		if (i + 1 == argc) {
			mapctl_err("%s: missing value", argv[i]);
			return false;
		}
		kw[k].value = argv[++i];
	}
	return true;
}

bool parse_dev(const char *kw, const char *s)
{
	if (!*s || strlen(s) >= IFNAMSIZ) {
		mapctl_err("%s %s: a device name is 1..%u characters", kw, s,
			   IFNAMSIZ - 1);
		return false;
	}
	/* The kernel's dev_valid_name(). */
	if (strpbrk(s, "/: \t\n\v\f\r") || !strcmp(s, ".") ||
	    !strcmp(s, "..")) {
		mapctl_err("%s %s: not a valid device name", kw, s);
		return false;
	}
	return true;
}

static int digit(char c, unsigned int base)
{
	unsigned int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < base ? (int)d : -1;
}

/* Strict: digits only, no sign or blanks; false on overflow past max. */
static bool number(const char *s, unsigned int base, uint64_t max,
		   uint64_t *out)
{
	uint64_t v = 0;
	int d;

	if (!*s)
		return false;
	for (; *s; s++) {
		d = digit(*s, base);
		if (d < 0)
			return false;
		v = v * base + d;
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

bool parse_number(const char *kw, const char *s, uint32_t max, uint32_t *out)
{
	unsigned int base = 10;
	const char *digits = s;
	uint64_t v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
	}
	if (!number(digits, base, UINT64_MAX / 16, &v)) {
		mapctl_err("%s %s: invalid number", kw, s);
		return false;
	}
	if (v > max) {
		mapctl_err("%s %s: must be 0..%u", kw, s, max);
		return false;
	}
	*out = v;
	return true;
}

bool parse_ipv4(const char *kw, const char *s, struct in_addr *out)
{
	if (inet_pton(AF_INET, s, out) != 1) {
		mapctl_err("%s %s: invalid IPv4 address", kw, s);
		return false;
	}
	return true;
}

bool parse_ipv6(const char *kw, const char *s, struct in6_addr *out)
{
	if (inet_pton(AF_INET6, s, out) != 1) {
		mapctl_err("%s %s: invalid IPv6 address", kw, s);
		return false;
	}
	return true;
}

/* Split "ADDR/LEN" and parse both halves; false on any malformation. */
static bool prefix(int af, const char *s, void *addr, unsigned int max,
		   uint8_t *len)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n;
	uint64_t l;

	if (!slash)
		return false;
	n = slash - s;
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(af, buf, addr) != 1)
		return false;
	if (strlen(slash + 1) > 3 || !number(slash + 1, 10, max, &l))
		return false;
	*len = l;
	return true;
}

bool parse_ipv4_prefix(const char *kw, const char *s, struct in_addr *out,
		       uint8_t *len)
{
	if (!prefix(AF_INET, s, out, 32, len)) {
		mapctl_err("%s %s: invalid IPv4 prefix", kw, s);
		return false;
	}
	return true;
}

bool parse_ipv6_prefix(const char *kw, const char *s, struct in6_addr *out,
		       uint8_t *len)
{
	if (!prefix(AF_INET6, s, out, 128, len)) {
		mapctl_err("%s %s: invalid IPv6 prefix", kw, s);
		return false;
	}
	return true;
}

const char *format_ipv4(const struct in_addr *a, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, a, buf, INET_ADDRSTRLEN);
}

const char *format_ipv6(const struct in6_addr *a, char buf[INET6_ADDRSTRLEN])
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

const char *format_ipv4_prefix(const struct in_addr *a, unsigned int len,
			       char buf[PREFIX4_STRLEN])
{
	inet_ntop(AF_INET, a, buf, INET_ADDRSTRLEN);
	sprintf(buf + strlen(buf), "/%u", len);
	return buf;
}

const char *format_ipv6_prefix(const struct in6_addr *a, unsigned int len,
			       char buf[PREFIX6_STRLEN])
{
	inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
	sprintf(buf + strlen(buf), "/%u", len);
	return buf;
}
