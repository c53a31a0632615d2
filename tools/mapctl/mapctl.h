/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the mapctl subcommands share: the subcommand entry points, global
 * options, diagnostics, argument parsers and the JSON writer.
 *
 * Every parser returns false after printing one line on stderr that names
 * the keyword and the token it could not use; the subcommand then exits 1.
 * Nothing is sent to the kernel before every argument has been parsed.
 */
#ifndef MAPCTL_H
#define MAPCTL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROG_NAME "mapctl"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Global options, set by main() before the subcommand runs. */
struct mapctl_opts {
	bool json;		/* -j: one JSON document on stdout per command */
	unsigned int line;	/* -b: the batch line being run, else 0 */
};

extern struct mapctl_opts mapctl_opts;

/*
 * Subcommands. argv[0] is the subcommand's name; argv[1] of "help", "-h"
 * or "--help" prints the subcommand's usage on stdout and returns 0.
 * The return value is the exit status.
 */
int calc_main(int argc, char *argv[]);
int rule_main(int argc, char *argv[]);
int show_main(int argc, char *argv[]);
int lookup_main(int argc, char *argv[]);
int stats_main(int argc, char *argv[]);
int link_main(int argc, char *argv[]);

int ce_main(int argc, char *argv[]);

/*
 * What mapctl ce builds on, beside link_main() and rule_main() themselves.
 * link_find_mape(): the ifindex of mape device name, 0 when there is none,
 * -1 after an error. link_check_keywords(): the link keywords checked as
 * link add would, nothing sent. link_set_up(): IFF_UP on device name.
 */
int link_find_mape(const char *name);
bool link_check_keywords(int argc, char *argv[]);
bool link_set_up(const char *name);

/* One command line without the program name, as main() runs it. */
int mapctl_run(int argc, char *argv[]);

/* -b FILE: run FILE ("-" for stdin) one line at a time. */
int batch_main(const char *file);

/*
 * "mapctl: " + message + newline on stderr; in batch mode "mapctl: line N: "
 * + message. mapctl_err_line() names a line of its own (0: none), for an
 * error the kernel reports after later lines have been read.
 *
 * Between mapctl_err_hold() and mapctl_err_release() messages are kept
 * back; release prints them, or drops them when print is false. The batch
 * uses this to print the error of an earlier line instead, when requests
 * still in flight turn out to have failed first.
 */
void mapctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mapctl_err_line(unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mapctl_err_hold(void);
/* Returns whether any message had been held. */
bool mapctl_err_release(bool print);

/* True when arg asks for help: "help", "-h" or "--help". */
bool is_help(const char *arg);

/*
 * A command made of subcommands (rule, link): argv[1] names the one to run
 * with the arguments after it. Help and a missing subcommand as for any
 * command; "CMD SUB help" prints the command's usage too.
 */
struct subcommand {
	const char *name;
	int (*run)(int argc, char *argv[]);
};

int run_subcommand(int argc, char *argv[], const struct subcommand *subs,
		   size_t n, void (*usage)(FILE *f));

/*
 * A command run without its arguments: the usage on stderr, or in a batch
 * one error line that points at the help.
 */
void usage_error(const char *cmd, void (*usage)(FILE *f));

/*
 * Keyword arguments: "kw value kw value ...", any order, each keyword at
 * most once. parse_keywords() fills in .value (NULL when absent; .name for
 * a flag keyword that is present) and rejects unknown keywords, duplicates
 * and a keyword missing its value.
 */
struct keyword {
	const char *name;
	bool flag;		/* takes no value */
	const char *value;
};

bool parse_keywords(int argc, char *argv[], struct keyword *kw, size_t n);

/* A device name: 1..15 bytes (IFNAMSIZ - 1). */
bool parse_dev(const char *kw, const char *s);

/* Decimal or 0x hexadecimal, 0..max. */
bool parse_number(const char *kw, const char *s, uint32_t max, uint32_t *out);

/* Addresses; prefixes are ADDR/LEN with LEN decimal. Host bits are kept. */
bool parse_ipv4(const char *kw, const char *s, struct in_addr *out);
bool parse_ipv6(const char *kw, const char *s, struct in6_addr *out);
bool parse_ipv4_prefix(const char *kw, const char *s, struct in_addr *out,
		       uint8_t *len);
bool parse_ipv6_prefix(const char *kw, const char *s, struct in6_addr *out,
		       uint8_t *len);

/* Canonical (inet_ntop) text; the buffers are the caller's. */
#define PREFIX4_STRLEN	(INET_ADDRSTRLEN + 3)
#define PREFIX6_STRLEN	(INET6_ADDRSTRLEN + 4)
const char *format_ipv4(const struct in_addr *a, char buf[INET_ADDRSTRLEN]);
const char *format_ipv6(const struct in6_addr *a,
			char buf[INET6_ADDRSTRLEN]);
const char *format_ipv4_prefix(const struct in_addr *a, unsigned int len,
			       char buf[PREFIX4_STRLEN]);
const char *format_ipv6_prefix(const struct in6_addr *a, unsigned int len,
			       char buf[PREFIX6_STRLEN]);

/*
 * A minimal streaming JSON writer, compact output. key is the member name
 * inside an object and must be NULL at the top level and inside arrays.
 * json_end() closes the innermost object or array; json_finish() ends the
 * document with a newline.
 */
#define JSON_MAX_DEPTH	16

struct json {
	FILE *f;
	unsigned int depth;
	bool comma[JSON_MAX_DEPTH];
	char close[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f);
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
void json_end(struct json *j);
void json_string(struct json *j, const char *key, const char *s);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
void json_finish(struct json *j);

/*
 * A top-level list of kernel replies, opened by the first item: a query
 * that fails before any reply prints nothing, one that succeeds without
 * replies prints [].
 */
struct json_list {
	struct json j;
	bool open;
};

struct json *json_list_item(struct json_list *l);
void json_list_finish(struct json_list *l, bool ok);

#endif /* MAPCTL_H */
