/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one file that talks to the kernel: generic netlink family "mape"
 * (include/uapi/linux/mape.h), through libnl-genl-3 for the socket, the
 * family and the attributes, and plain send/recv for the traffic; and
 * rtnetlink for the mape links, on a socket of its own.
 *
 * One socket and one resolved family per process, opened by the first
 * mapctl_nl_msg(). Requests answered by an acknowledgement only (rule add,
 * del, flush) go through mapctl_nl_submit(): it waits for the ack, unless
 * the pipeline is on (mapctl -b), where it queues the request and returns;
 * acks are then matched to requests by sequence number, so a failure still
 * names its batch line. Requests with replies go through mapctl_nl_query(),
 * which first waits for every queued request.
 *
 * Every function prints its own error, "what: extack message (errno
 * string)", and returns false or NULL. An error reported for a queued
 * request stops the pipeline: later requests are refused.
 */
#ifndef MAPCTL_NETLINK_H
#define MAPCTL_NETLINK_H

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "mapping.h"

/* A request for the mape family; the caller adds attributes. */
struct nl_msg *mapctl_nl_msg(u8 cmd, int flags);

/* Takes msg. Queued in a pipeline: true means sent or queued, not done. */
bool mapctl_nl_submit(struct nl_msg *msg, const char *what);

/*
 * Takes msg. A dump (NLM_F_DUMP) or a do; reply() runs for each reply
 * message as it arrives, with its attributes in tb[0..MAPE_A_MAX]; false
 * from reply() (after printing why) fails the query once the kernel is done.
 */
typedef bool (*mapctl_nl_reply)(struct nlattr **tb, void *arg);
bool mapctl_nl_query(struct nl_msg *msg, const char *what,
		     mapctl_nl_reply reply, void *arg);

/*
 * The "CMD [dev NAME]" commands (show, stats): a do for one device, a dump
 * of all without dev; argv is the command's arguments after its name.
 * Returns -1 on bad arguments (already reported), else what
 * mapctl_nl_query() returned.
 */
int mapctl_nl_per_dev(int argc, char *argv[], u8 cmd, const char *what,
		      mapctl_nl_reply reply, void *arg);

/*
 * Pipelining for -b. drain() sends what is queued and reads every
 * outstanding ack; false when one of them (or any before) failed.
 */
void mapctl_nl_pipeline(bool on);
bool mapctl_nl_drain(void);
void mapctl_nl_close(void);

/*
 * Outside a batch, lets requests go again after one failed, for a command
 * that cleans up after its own failure (mapctl ce up). A batch stays
 * stopped.
 */
void mapctl_nl_recover(void);

/*
 * rtnetlink, for mapctl link. mapctl_rtnl_msg() is a request of type
 * RTM_*LINK with its struct ifinfomsg; it opens nothing. The query takes
 * msg: it waits for the mape family's requests still in flight (earlier
 * batch lines), opens the socket on first use, sends, and runs reply(),
 * if not NULL, for each message of the answer that is not control. The
 * errors are reported as for the mape family.
 */
struct nl_msg *mapctl_rtnl_msg(int type, int flags, int ifindex);
typedef bool (*mapctl_rtnl_reply)(struct nlmsghdr *h, void *arg);
bool mapctl_rtnl_query(struct nl_msg *msg, const char *what,
		       mapctl_rtnl_reply reply, void *arg);

/* Reply attributes: MAPE_A_RULE and MAPE_A_CE nests; false if malformed. */
bool mapctl_nl_get_rule(struct nlattr *nest, u8 *type, struct mape_rule *r);
bool mapctl_nl_get_ce(struct nlattr *nest, struct mape_ce *ce, bool *exact);

/* The device a reply is about: MAPE_A_IFNAME, or the ifindex's name. */
const char *mapctl_nl_dev(struct nlattr **tb);

#endif /* MAPCTL_NETLINK_H */
