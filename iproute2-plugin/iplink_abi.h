/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of iproute2's plugin ABI that link_mape.so uses: the layout of
 * struct link_util and the helpers `ip` exports to the plugins it dlopens
 * (it is linked with -rdynamic). Matches iproute2 6.1; `ip` looks up the
 * symbol "<kind>_link_util" in $IP_LIB_DIR/link_<kind>.so.
 *
 * Every function below must appear in `nm -D /usr/sbin/ip`; iproute2's
 * print_string() and friends are static inlines there, so the plugin calls
 * the exported print_color_*() with COLOR_NONE instead. All print_color_*()
 * write to stdout (or the JSON writer), never to the FILE * handed to
 * print_opt.
 */
#ifndef MAPE_IPLINK_ABI_H
#define MAPE_IPLINK_ABI_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n);
	void (*print_opt)(struct link_util *lu, FILE *f, struct rtattr *tb[]);
	void (*print_xstats)(struct link_util *lu, FILE *f, struct rtattr *xs);
	void (*print_help)(struct link_util *lu, int argc, char **argv,
			   FILE *f);
	int (*parse_ifla_xstats)(struct link_util *lu, int argc, char **argv);
	int (*print_ifla_xstats)(struct nlmsghdr *n, void *arg);
};

/*
 * ip builds the request in a struct iplink_req, whose attribute buffer is
 * 1024 bytes; its own link files pass that as maxlen, and so do we.
 */
#define IPLINK_REQ_MAXLEN 1024

/* include/json_print.h */
enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = 4,
};

/* include/color.h */
enum color_attr {
	COLOR_IFNAME,
	COLOR_MAC,
	COLOR_INET,
	COLOR_INET6,
	COLOR_OPERSTATE_UP,
	COLOR_OPERSTATE_DOWN,
	COLOR_NONE
};

/* lib/libnetlink.c: 0, or -1 after a message when maxlen would overflow. */
int addattr_l(struct nlmsghdr *n, int maxlen, int type, const void *data,
	      int alen);
int addattr8(struct nlmsghdr *n, int maxlen, int type, __u8 data);
int addattr16(struct nlmsghdr *n, int maxlen, int type, __u16 data);
int addattr32(struct nlmsghdr *n, int maxlen, int type, __u32 data);

/* lib/utils.c: print "Error: ..." to stderr and exit(-1). */
void incomplete_command(void) __attribute__((noreturn));
void invarg(const char *msg, const char *arg) __attribute__((noreturn));
void duparg(const char *key, const char *arg) __attribute__((noreturn));
/* Prints `Cannot find device "DEV"` and returns -1. */
int nodev(const char *dev);

/* lib/json_print.c */
int print_color_string(enum output_type t, enum color_attr color,
		       const char *key, const char *fmt, const char *value);
int print_color_uint(enum output_type t, enum color_attr color,
		     const char *key, const char *fmt, unsigned int value);

#endif /* MAPE_IPLINK_ABI_H */
