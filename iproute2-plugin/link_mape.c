// SPDX-License-Identifier: GPL-2.0
/*
 * link_mape.so: teaches `ip link` the "mape" link kind.
 *
 * ip dlopens this file from $IP_LIB_DIR and looks up mape_link_util.
 */

#include <stdio.h>
#include <string.h>

#include "iplink_abi.h"

static void mape_print_help(struct link_util *lu, int argc, char **argv,
			    FILE *f)
{
	fprintf(f, "Usage: ... mape\n");
}

static int mape_parse_opt(struct link_util *lu, int argc, char **argv,
			  struct nlmsghdr *n)
{
	if (argc > 0) {
		if (!strcmp(*argv, "help")) {
			mape_print_help(lu, argc, argv, stdout);
			return -1;
		}
		fprintf(stderr, "mape: unknown option \"%s\"\n", *argv);
		mape_print_help(lu, argc, argv, stderr);
		return -1;
	}
	return 0;
}

static void mape_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
}

struct link_util mape_link_util = {
	.id		= "mape",
	.maxattr	= 0,
	.parse_opt	= mape_parse_opt,
	.print_opt	= mape_print_opt,
	.print_help	= mape_print_help,
};
