// SPDX-License-Identifier: GPL-2.0
/*
 * mapctl stats: the per-reason counters of MAP devices (MAPE_CMD_STATS_GET),
 * named after enum mape_stat. A counter this mapctl does not know, from a
 * newer kernel, is shown as counter_N, N its enum mape_stat index.
 */

#include <inttypes.h>
#include <string.h>

#include "mapctl.h"
#include "netlink.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j] stats [dev NAME]\n"
		"Prints the per-reason counters of each MAP device, or of one,\n"
		"one 'name value' line each.\n",
		PROG_NAME);
}

static const char *const names[] = MAPE_STAT_NAMES;

/* Every counter has a name: a new enum mape_stat needs one in MAPE_STAT_NAMES. */
_Static_assert(ARRAY_SIZE(names) == __MAPE_STAT_MAX, "a counter has no name");

struct out {
	bool json;
	struct json_list l;
	unsigned int devices;
};

static bool stats_one(struct nlattr **tb, void *arg)
{
	struct out *o = arg;
	struct json *j = o->json ? json_list_item(&o->l) : NULL;
	struct nlattr *a;
	char buf[32];
	const char *name;
	unsigned int i;
	int rem;

	if (j) {
		json_object(j, NULL);
		json_string(j, "dev", mapctl_nl_dev(tb));
		if (tb[MAPE_A_IFINDEX])
			json_uint(j, "ifindex",
				  nla_get_u32(tb[MAPE_A_IFINDEX]));
	} else {
		if (o->devices)
			putchar('\n');
		printf("dev %s\n", mapctl_nl_dev(tb));
	}
	o->devices++;
	if (tb[MAPE_A_STATS]) {
		nla_for_each_nested(a, tb[MAPE_A_STATS], rem) {
			/* Skip padding, whatever its type: only u64s count. */
			if (nla_len(a) != sizeof(uint64_t) || !nla_type(a))
				continue;
			i = nla_type(a) - 1;
			if (i < ARRAY_SIZE(names)) {
				name = names[i];
			} else {
				snprintf(buf, sizeof(buf), "counter_%u", i);
				name = buf;
			}
			if (j)
				json_uint(j, name, nla_get_u64(a));
			else
				printf("%-21s %" PRIu64 "\n", name,
				       (uint64_t)nla_get_u64(a));
		}
	}
	if (j)
		json_end(j);
	return true;
}

int stats_main(int argc, char *argv[])
{
	struct out o = { .json = mapctl_opts.json };
	int ok;

	if (argc == 2 && is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	ok = mapctl_nl_per_dev(argc - 1, argv + 1, MAPE_CMD_STATS_GET, "stats",
			       stats_one, &o);
	if (ok < 0)
		return 1;
	if (o.json)
		json_list_finish(&o.l, ok);
	return !ok;
}
