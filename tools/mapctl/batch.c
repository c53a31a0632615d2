// SPDX-License-Identifier: GPL-2.0
/*
 * mapctl -b FILE: one command a line, without the leading "mapctl", like
 * ip -batch. Blank lines and comments (from a word starting with '#') are
 * skipped; the first failing line stops the batch and is named.
 *
 * rule add, del and flush are pipelined (see netlink.h): their errors come
 * back while later lines are being read. So a line's own errors are held
 * back until the requests still in flight before it are acknowledged: if
 * one of those failed, that earlier line is the one reported.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mapctl.h"
#include "netlink.h"

#define BLANKS	" \t\r\n\v\f"

/* Split line in place into (*argv)[0..argc); -1 when out of memory. */
static int split(char *line, char ***argv, size_t *cap)
{
	char **grown;
	int argc = 0;

	for (;;) {
		line += strspn(line, BLANKS);
		if (!*line || *line == '#')
			break;
		if ((size_t)argc + 2 > *cap) {
			grown = realloc(*argv, (*cap * 2 + 16) * sizeof(**argv));
			if (!grown)
				return -1;
			*argv = grown;
			*cap = *cap * 2 + 16;
		}
		(*argv)[argc++] = line;
		line += strcspn(line, BLANKS);
		if (*line)
			*line++ = '\0';
	}
	if (*argv)
		(*argv)[argc] = NULL;
	return argc;
}

int batch_main(const char *file)
{
	char *line = NULL, **argv = NULL;
	size_t len = 0, cap = 0;
	unsigned int lineno = 0;
	FILE *f = stdin;
	bool earlier;
	int argc, ret = 0;

	if (strcmp(file, "-")) {
		f = fopen(file, "r");
		if (!f) {
			mapctl_err("-b %s: %s", file, strerror(errno));
			return 1;
		}
	}
	mapctl_nl_pipeline(true);
	while (getline(&line, &len, f) >= 0) {
		mapctl_opts.line = ++lineno;
		argc = split(line, &argv, &cap);
		if (argc < 0) {
			mapctl_err("out of memory");
			ret = 1;
			break;
		}
		if (!argc)
			continue;
		mapctl_err_hold();
		if (!mapctl_run(argc, argv)) {
			mapctl_err_release(true);
			continue;
		}
		earlier = !mapctl_nl_drain();
		if (!mapctl_err_release(!earlier) && !earlier)
			mapctl_err("%s failed", argv[0]);
		ret = 1;
		break;
	}
	mapctl_opts.line = 0;
	if (!ret && ferror(f)) {
		mapctl_err("-b %s: %s", file, strerror(errno));
		ret = 1;
	}
	if (!ret && !mapctl_nl_drain())
		ret = 1;
	mapctl_nl_pipeline(false);
	free(argv);
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}
