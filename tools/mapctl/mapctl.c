// SPDX-License-Identifier: GPL-2.0
/*
 * mapctl: MAP-E (RFC 7597) calculator and control tool.
 *
 * Only the global options, the diagnostics and the table of subcommands
 * live here; each subcommand is in its own file.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapctl.h"
#include "netlink.h"

struct mapctl_opts mapctl_opts;

static const struct {
	const char *name;
	int (*main)(int argc, char *argv[]);
	const char *summary;
} subcommands[] = {
	{ "calc", calc_main, "compute a CE's IPv4 address, PSID, ports and MAP IPv6 address" },
	{ "rule", rule_main, "add, delete, list or flush the mapping rules of a device" },
	{ "show", show_main, "show MAP domains as the kernel sees them" },
	{ "lookup", lookup_main, "find the CE of an IPv4 address and port, or of an IPv6 address" },
	{ "stats", stats_main, "show the per-reason counters of MAP devices" },
	{ "link", link_main, "add, change, delete or show mape devices (as ip link)" },
	{ "ce", ce_main, "a CE from DHCPv6's MAP-E rules and its delegated prefix" },
};

/* Messages kept back by mapctl_err_hold(), one after the other. */
static bool holding;
static char *held;
static size_t held_len, held_size;

static void keep(const char *fmt, va_list ap)
{
	va_list aq;
	size_t need;
	char *grown;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	need = held_len + n + 1;
	if (need > held_size) {
		grown = realloc(held, need * 2);
		if (!grown)
			return;
		held = grown;
		held_size = need * 2;
	}
	vsnprintf(held + held_len, n + 1, fmt, ap);
	held_len += n;
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (holding)
		keep(fmt, ap);
	else
		vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void verr(unsigned int line, const char *fmt, va_list ap)
{
	emit(PROG_NAME ": ");
	if (line)
		emit("line %u: ", line);
	if (holding)
		keep(fmt, ap);
	else
		vfprintf(stderr, fmt, ap);
	emit("\n");
}

void mapctl_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(mapctl_opts.line, fmt, ap);
	va_end(ap);
}

void mapctl_err_line(unsigned int line, const char *fmt, ...)
{
	bool was = holding;
	va_list ap;

	/* Never held: it is the error that wins over the held ones. */
	holding = false;
	va_start(ap, fmt);
	verr(line, fmt, ap);
	va_end(ap);
	holding = was;
}

/* Cheap: a batch holds around every line, a million times. */
void mapctl_err_hold(void)
{
	holding = true;
}

bool mapctl_err_release(bool print)
{
	bool any = held_len > 0;

	holding = false;
	if (print && any)
		fwrite(held, 1, held_len, stderr);
	held_len = 0;
	return any;
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

void usage_error(const char *cmd, void (*usage)(FILE *f))
{
	if (mapctl_opts.line)
		mapctl_err("%s: arguments missing (see '%s %s help')", cmd,
			   PROG_NAME, cmd);
	else
		usage(stderr);
}

int run_subcommand(int argc, char *argv[], const struct subcommand *subs,
		   size_t n, void (*usage)(FILE *f))
{
	char names[128];
	size_t i, len = 0;

	if (argc == 2 && is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (argc < 2) {
		usage_error(argv[0], usage);
		return 1;
	}
	if (argc == 3 && is_help(argv[2])) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 2, argv + 2);
	/* "add, del, show or flush" */
	names[0] = '\0';
	for (i = 0; i < n && len < sizeof(names); i++)
		len += snprintf(names + len, sizeof(names) - len, "%s%s",
				!i ? "" : i + 1 < n ? ", " : " or ",
				subs[i].name);
	mapctl_err("%s %s: unknown command (%s)", argv[0], argv[1], names);
	return 1;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s [-j] COMMAND [ARGS...]\n"
		   "       %s [-j] -b FILE\n"
		   "       %s help [COMMAND]\n"
		   "Options:\n"
		   "  -j, --json         print JSON instead of text\n"
		   "  -b, --batch FILE   run the commands of FILE, one a line\n"
		   "                     (\"-\" for standard input)\n"
		   "  -h, --help         print this help\n"
		   "Commands:\n", PROG_NAME, PROG_NAME, PROG_NAME);
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

int mapctl_run(int argc, char *argv[])
{
	if (!strcmp(argv[0], "help")) {
		char *sub_argv[] = { argv[1], "help", NULL };

		if (argc == 1) {
			usage(stdout);
			return 0;
		}
		return run(argv[1], 2, sub_argv);
	}
	return run(argv[0], argc, argv);
}

int main(int argc, char *argv[])
{
	const char *batch = NULL;
	int i, ret;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			mapctl_opts.json = true;
		} else if (!strcmp(argv[i], "-b") ||
			   !strcmp(argv[i], "--batch")) {
			if (i + 1 == argc) {
				mapctl_err("%s: missing file name", argv[i]);
				return 1;
			}
			if (batch) {
				mapctl_err("duplicate option '%s'", argv[i]);
				return 1;
			}
			batch = argv[++i];
		} else if (is_help(argv[i])) {
			usage(stdout);
			return 0;
		} else {
			mapctl_err("unknown option '%s'", argv[i]);
			usage(stderr);
			return 1;
		}
	}
	if (batch) {
		if (i < argc) {
			mapctl_err("-b %s: unexpected argument '%s' (commands go in the file)",
				   batch, argv[i]);
			return 1;
		}
		ret = batch_main(batch);
	} else if (i == argc) {
		usage(stderr);
		return 1;
	} else {
		ret = mapctl_run(argc - i, argv + i);
	}
	mapctl_nl_close();
	if (fflush(stdout) && !ret) {
		mapctl_err("writing the output failed");
		ret = 1;
	}
	return ret;
}
