// SPDX-License-Identifier: GPL-2.0
/*
 * mapctl: MAP-E (RFC 7597) calculator and control tool.
 *
 * Only the global options and the table of subcommands live here; each
 * subcommand is in its own file.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mapctl.h"

struct mapctl_opts mapctl_opts;

static const struct {
	const char *name;
	int (*main)(int argc, char *argv[]);
	const char *summary;
} subcommands[] = {
	{ "calc", calc_main, "compute a CE's IPv4 address, PSID, ports and MAP IPv6 address" },
};

void mapctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s [-j] COMMAND [ARGS...]\n"
		   "       %s help [COMMAND]\n"
		   "Options:\n"
		   "  -j, --json   print one JSON object instead of text\n"
		   "  -h, --help   print this help\n"
		   "Commands:\n", PROG_NAME, PROG_NAME);
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(f, "  %-6s %s\n", subcommands[i].name,
			subcommands[i].summary);
	fprintf(f, "Run '%s COMMAND help' for the arguments of a command.\n",
		PROG_NAME);
}

static int run(const char *name, int argc, char *argv[])
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(name, subcommands[i].name))
			return subcommands[i].main(argc, argv);
	mapctl_err("unknown command '%s' (try '%s help')", name, PROG_NAME);
	return 1;
}

int main(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			mapctl_opts.json = true;
		} else if (is_help(argv[i])) {
			usage(stdout);
			return 0;
		} else {
			mapctl_err("unknown option '%s'", argv[i]);
			usage(stderr);
			return 1;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[i], "help")) {
		char *sub_argv[] = { argv[i + 1], "help", NULL };

		if (i + 1 == argc) {
			usage(stdout);
			return 0;
		}
		return run(argv[i + 1], 2, sub_argv);
	}
	return run(argv[i], argc - i, argv + i);
}
