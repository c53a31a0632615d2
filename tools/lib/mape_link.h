/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The keywords of a mape link, one codec for both front ends: the ip
 * plugin (iproute2-plugin/link_mape.c) and `mapctl link`. It parses
 * "keyword value ..." into IFLA_MAPE_* attributes and prints a device's
 * attributes back as the same keywords, so that what either tool prints
 * pastes back onto either.
 *
 * Only libc: the front end hands in how an attribute is appended to its
 * request and how a value is printed (text and JSON), and reports a parse
 * error in its own words. Nothing here exits or writes to stderr.
 */
#ifndef MAPE_LINK_H
#define MAPE_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <linux/mape.h>

/* Appends one attribute to the request: 0, or -1 after saying why. */
struct mape_link_writer {
	int (*put)(void *ctx, int type, const void *data, int len);
	void *ctx;
};

enum mape_link_status {
	MAPE_LINK_OK,
	MAPE_LINK_HELP,		/* "help" where a keyword goes */
	MAPE_LINK_UNKNOWN,	/* token is no keyword */
	MAPE_LINK_INCOMPLETE,	/* keyword (token) is the last word */
	MAPE_LINK_DUPLICATE,	/* keyword again, token its second value */
	MAPE_LINK_INVALID,	/* token is no value of keyword: msg says why */
	MAPE_LINK_NODEV,	/* dev token: no such device */
	MAPE_LINK_WRITE,	/* the writer failed and said why */
};

/* Where parsing stopped; the strings point into argv. */
struct mape_link_error {
	const char *keyword;
	const char *token;
	char msg[128];
};

/*
 * Parses argv[0..argc) as keyword-value pairs, in any order, each keyword
 * at most once, and writes the attributes of each pair as it is read:
 * only those typed, the kernel owns defaults and required attributes.
 * Stops at the first error; the request then holds part of the arguments
 * and must not be sent.
 */
enum mape_link_status mape_link_parse(int argc, char *const argv[],
				      const struct mape_link_writer *w,
				      struct mape_link_error *err);

/* A device's attributes by IFLA_MAPE_* type; data NULL when absent. */
struct mape_link_attr {
	const void *data;
	size_t len;
};

/*
 * How one value is printed: key is its JSON member name, fmt its text
 * with one conversion (%s, or %u and the like for uint) and a trailing
 * blank; inet6 marks an IPv6 address or prefix.
 */
struct mape_link_printer {
	void (*string)(void *ctx, const char *key, const char *fmt,
		       const char *value, bool inet6);
	void (*uint)(void *ctx, const char *key, const char *fmt,
		     unsigned int value);
	void *ctx;
};

/*
 * Prints the attributes present, as the keywords mape_link_parse() takes,
 * in a fixed order; values without a word (a newer kernel's) as numbers.
 */
void mape_link_print(const struct mape_link_attr a[IFLA_MAPE_MAX + 1],
		     const struct mape_link_printer *p);

/*
 * The keyword grammar, from "role" on (continuation lines start with two
 * tabs), then a blank line and the "Where:" block.
 */
void mape_link_usage(FILE *f);

#endif /* MAPE_LINK_H */
