/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What fake_genl.c, the netlink stand-in, lends fake_rtnl.c: building an
 * answer in out[] and queueing it for the socket whose request is being
 * answered. Hidden: a preloaded library must not lend these names to the
 * program it is loaded into.
 */
#ifndef FAKE_H
#define FAKE_H

#include <linux/netlink.h>
#include <stddef.h>

#include "mape_user.h"

#pragma GCC visibility push(hidden)

#define DATA(a)		((void *)((char *)(a) + NLA_HDRLEN))
#define GET(type, a)	(*(type *)DATA(a))

/* Attributes of data[0..len) by type into t[0..max], NULL when absent. */
void parse(struct nlattr **t, int max, void *data, int len);

/*
 * The message being built: msg_start() a reply to req, then its parts,
 * then msg_end() sets its length.
 */
extern char out[65536];
extern size_t out_len;
void msg_start(const struct nlmsghdr *req, u16 type, u16 flags);
void *put(const void *data, size_t len);
void attr(u16 type, const void *data, size_t len);
void attr_u8(u16 type, u8 v);
void attr_u32(u16 type, u32 v);
size_t nest_start(u16 type);
void nest_end(size_t at);
void msg_end(void);

/* A datagram for recv(); batch_add() packs the messages of a dump. */
void queue(const void *data, size_t len);
void batch_add(void);
void batch_flush(void);

/* NLMSG_ERROR (none for 0 unless NLM_F_ACK) and NLMSG_DONE; msg: extack. */
void ack(const struct nlmsghdr *req, int error, const char *msg);
void done(const struct nlmsghdr *req, int error, const char *msg);

/* fake_rtnl.c: answers one request of an rtnetlink socket. */
void fake_rtnl_request(struct nlmsghdr *h);

#pragma GCC visibility pop

#endif /* FAKE_H */
