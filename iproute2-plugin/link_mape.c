// SPDX-License-Identifier: GPL-2.0
/*
 * link_mape.so: teaches `ip link` the "mape" link kind.
 *
 * ip dlopens this file from $IP_LIB_DIR and looks up mape_link_util.
 * The keywords are tools/lib/mape_link.c's, shared with mapctl link; this
 * file adapts them to ip: attributes through addattr_l(), values through
 * print_color_*(), errors through invarg() and friends, which exit.
 * parse_opt sends only the attributes typed (the kernel owns defaults,
 * required and immutable attributes); print_opt prints the same keywords,
 * so `ip -d link show` output pastes back onto `ip link add`.
 */

#include <stdlib.h>

#include "iplink_abi.h"
#include "mape_link.h"

static void mape_print_help(struct link_util *lu, int argc, char **argv,
			    FILE *f)
{
	fprintf(f, "Usage: ... %s ", lu->id);
	mape_link_usage(f);
}

static int put_attr(void *n, int type, const void *data, int len)
{
	return addattr_l(n, IPLINK_REQ_MAXLEN, type, data, len);
}

static int mape_parse_opt(struct link_util *lu, int argc, char **argv,
			  struct nlmsghdr *n)
{
	const struct mape_link_writer w = { .put = put_attr, .ctx = n };
	struct mape_link_error err;

	switch (mape_link_parse(argc, argv, &w, &err)) {
	case MAPE_LINK_OK:
		return 0;
	case MAPE_LINK_HELP:
		mape_print_help(lu, argc, argv, stdout);
		return -1;
	case MAPE_LINK_UNKNOWN:
		fprintf(stderr, "mape: unknown option \"%s\"\n", err.token);
		mape_print_help(lu, argc, argv, stderr);
		return -1;
	case MAPE_LINK_INCOMPLETE:
		incomplete_command();
	case MAPE_LINK_DUPLICATE:
		duparg(err.keyword, err.token);
	case MAPE_LINK_INVALID:
		invarg(err.msg, err.token);
	case MAPE_LINK_NODEV:
		exit(nodev(err.token));
	case MAPE_LINK_WRITE:
		break;
	}
	return -1;
}

static void print_string(void *ctx, const char *key, const char *fmt,
			 const char *value, bool inet6)
{
	print_color_string(PRINT_ANY, inet6 ? COLOR_INET6 : COLOR_NONE, key,
			   fmt, value);
}

static void print_uint(void *ctx, const char *key, const char *fmt,
		       unsigned int value)
{
	print_color_uint(PRINT_ANY, COLOR_NONE, key, fmt, value);
}

static void mape_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	static const struct mape_link_printer p = {
		.string = print_string, .uint = print_uint,
	};
	struct mape_link_attr a[IFLA_MAPE_MAX + 1] = { { NULL, 0 } };
	int type;

	if (!tb)
		return;
	for (type = 1; type <= IFLA_MAPE_MAX; type++) {
		if (tb[type]) {
			a[type].data = RTA_DATA(tb[type]);
			a[type].len = RTA_PAYLOAD(tb[type]);
		}
	}
	mape_link_print(a, &p);
}

struct link_util mape_link_util = {
	.id		= "mape",
	.maxattr	= IFLA_MAPE_MAX,
	.parse_opt	= mape_parse_opt,
	.print_opt	= mape_print_opt,
	.print_help	= mape_print_help,
};
