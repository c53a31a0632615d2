// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink to the mape module, and rtnetlink for its links. See
 * netlink.h.
 *
 * The pipeline: a request is appended to a send buffer and to a ring of
 * pending requests {seq, batch line, command}. The buffer goes out in one
 * send() when it is full, when the ring is full, or when someone waits.
 * The kernel runs every message of a send() before send() returns and
 * queues one ack per message on this socket, in order; an ack that finds
 * the receive buffer full is dropped, and the next recv() fails ENOBUFS.
 * So the ring (the window) holds no more requests than the receive buffer
 * holds acks, and each ack pops the ring's oldest request: a sequence
 * number that skips one means a lost ack.
 */

#define _GNU_SOURCE	/* recvmmsg(), vasprintf() */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mapctl.h"
#include "netlink.h"

#define WINDOW_MAX	256
#define ACK_TRUESIZE	2048		/* receive buffer per ack, generously */
#define RCVBUF_WANT	(4 << 20)
#define SNDBUF_WANT	(1 << 20)
#define SEND_MAX	(64 << 10)
#define RECV_VLEN	64
#define RECV_SLOT	4096		/* an ack, extack message included */
#define QUERY_BUF	(64 << 10)	/* dumps come in up to 32 KiB */
#define REQUEST_MAX	1024		/* a rule add is ~120 bytes */

struct pending {
	u32 seq;
	unsigned int line;
	const char *what;
};

static struct {
	struct nl_sock *sk;
	int fd;
	int family;
	u32 port;
	u32 seq;
	bool pipelined;
	unsigned int window;
	size_t send_max;

	/* Requests without an ack, oldest first; the last `unsent` of them
	 * are still in buf.
	 */
	struct pending ring[WINDOW_MAX];
	unsigned int head, count, unsent;
	size_t len;
	char buf[SEND_MAX] __attribute__((aligned(NLMSG_ALIGNTO)));

	/* The first failure stops the pipeline; the requests already sent
	 * behind it still run, and are counted for the user.
	 */
	bool failed;
	unsigned int failed_line;
	unsigned int behind, behind_ok, behind_first, behind_last;
} nl;

/* The rtnetlink socket, for links: queries only, no pipeline. */
static struct {
	struct nl_sock *sk;
	int fd;
	u32 port;
	u32 seq;
} rt;

static struct pending *ring_at(unsigned int i)
{
	return &nl.ring[(nl.head + i) % WINDOW_MAX];
}

static void ring_pop(void)
{
	nl.head = (nl.head + 1) % WINDOW_MAX;
	nl.count--;
}

static void drop_unsent(void)
{
	nl.count -= nl.unsent;
	nl.unsent = 0;
	nl.len = 0;
}

/* An error about request p, or about the current command when p is NULL. */
static void fail(const struct pending *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(const struct pending *p, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		msg = NULL;
	if (p) {
		mapctl_err_line(p->line, "%s", msg ? msg : "out of memory");
		nl.failed = true;
		nl.failed_line = p->line;
	} else {
		mapctl_err("%s", msg ? msg : "out of memory");
	}
	free(msg);
}

/*
 * A socket of protocol ("a generic netlink" socket, for messages) whose
 * errors carry extack messages without the request echoed back; NULL
 * after saying why.
 */
static struct nl_sock *sock_open(int protocol, const char *what)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1, err, fd;

	if (!sk) {
		mapctl_err("out of memory");
		return NULL;
	}
	err = nl_connect(sk, protocol);
	if (err < 0) {
		mapctl_err("cannot open %s socket: %s", what, nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	/* Older kernels lack these; their errors just come without text. */
	fd = nl_socket_get_fd(sk);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return sk;
}

static bool nl_open(void)
{
	socklen_t sl;
	int size, err;

	if (nl.sk)
		return true;
	nl.sk = sock_open(NETLINK_GENERIC, "a generic netlink");
	if (!nl.sk)
		return false;
	err = genl_ctrl_resolve(nl.sk, MAPE_GENL_NAME);
	if (err == -NLE_OBJ_NOTFOUND) {
		mapctl_err("the mape kernel module is not loaded (generic netlink family %s not found)",
			   MAPE_GENL_NAME);
		goto free;
	}
	if (err < 0) {
		mapctl_err("cannot resolve the generic netlink family %s: %s",
			   MAPE_GENL_NAME, nl_geterror(err));
		goto free;
	}
	nl.family = err;
	nl.fd = nl_socket_get_fd(nl.sk);
	nl.port = nl_socket_get_local_port(nl.sk);
	nl.seq = nl_socket_use_seq(nl.sk);

	/* Beyond net.core.rmem_max with CAP_NET_ADMIN, else up to it. */
	size = RCVBUF_WANT;
	if (setsockopt(nl.fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(nl.fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	size = SNDBUF_WANT;
	if (setsockopt(nl.fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(nl.fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));

	sl = sizeof(size);
	if (getsockopt(nl.fd, SOL_SOCKET, SO_RCVBUF, &size, &sl))
		size = 0;
	nl.window = size / ACK_TRUESIZE;
	if (nl.window < 1)
		nl.window = 1;
	if (nl.window > WINDOW_MAX)
		nl.window = WINDOW_MAX;
	sl = sizeof(size);
	if (getsockopt(nl.fd, SOL_SOCKET, SO_SNDBUF, &size, &sl))
		size = 0;
	/* netlink_sendmsg() refuses more than sk_sndbuf - 32 bytes. */
	nl.send_max = size > 4096 + 32 ? (size_t)size - 32 : 4096;
	if (nl.send_max > SEND_MAX)
		nl.send_max = SEND_MAX;
	return true;

free:
	nl_socket_free(nl.sk);
	nl.sk = NULL;
	return false;
}

void mapctl_nl_close(void)
{
	if (rt.sk) {
		nl_socket_free(rt.sk);
		rt.sk = NULL;
	}
	if (!nl.sk)
		return;
	mapctl_nl_drain();
	nl_socket_free(nl.sk);
	nl.sk = NULL;
}

struct nl_msg *mapctl_nl_msg(u8 cmd, int flags)
{
	struct nl_msg *msg;

	if (!nl_open())
		return NULL;
	/* Requests are small; libnl's default is a page, zeroed. */
	msg = nlmsg_alloc_size(REQUEST_MAX);
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl.family, 0,
				 flags | NLM_F_REQUEST, cmd,
				 MAPE_GENL_VERSION)) {
		nlmsg_free(msg);
		mapctl_err("out of memory");
		return NULL;
	}
	return msg;
}

/* Names for NLMSGERR_ATTR_MISS_TYPE: only MAPE_A_RULE nests are sent. */
static const char *const attr_names[MAPE_A_MAX + 1] = {
	[MAPE_A_IFINDEX] = "MAPE_A_IFINDEX",
	[MAPE_A_IFNAME] = "MAPE_A_IFNAME",
	[MAPE_A_ROLE] = "MAPE_A_ROLE",
	[MAPE_A_IFID] = "MAPE_A_IFID",
	[MAPE_A_BR_ADDR] = "MAPE_A_BR_ADDR",
	[MAPE_A_RULE] = "MAPE_A_RULE",
	[MAPE_A_RULE_COUNT] = "MAPE_A_RULE_COUNT",
	[MAPE_A_CE] = "MAPE_A_CE",
	[MAPE_A_LOOKUP_IPV4] = "MAPE_A_LOOKUP_IPV4",
	[MAPE_A_LOOKUP_PORT] = "MAPE_A_LOOKUP_PORT",
	[MAPE_A_LOOKUP_IPV6] = "MAPE_A_LOOKUP_IPV6",
	[MAPE_A_STATS] = "MAPE_A_STATS",
	[MAPE_A_MODE] = "MAPE_A_MODE",
	[MAPE_A_DMR] = "MAPE_A_DMR",
	[MAPE_A_DMR_LEN] = "MAPE_A_DMR_LEN",
	[MAPE_A_ICMP_SRC] = "MAPE_A_ICMP_SRC",
};

static const char *const rule_attr_names[MAPE_RULE_A_MAX + 1] = {
	[MAPE_RULE_A_TYPE] = "MAPE_RULE_A_TYPE",
	[MAPE_RULE_A_PREFIX6] = "MAPE_RULE_A_PREFIX6",
	[MAPE_RULE_A_PREFIX6_LEN] = "MAPE_RULE_A_PREFIX6_LEN",
	[MAPE_RULE_A_PREFIX4] = "MAPE_RULE_A_PREFIX4",
	[MAPE_RULE_A_PREFIX4_LEN] = "MAPE_RULE_A_PREFIX4_LEN",
	[MAPE_RULE_A_EA_LEN] = "MAPE_RULE_A_EA_LEN",
	[MAPE_RULE_A_PSID_OFFSET] = "MAPE_RULE_A_PSID_OFFSET",
	[MAPE_RULE_A_PSID_LEN] = "MAPE_RULE_A_PSID_LEN",
	[MAPE_RULE_A_PSID] = "MAPE_RULE_A_PSID",
};

static const char *missing_name(struct nlattr **tb, bool genl, char buf[32])
{
	u32 type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);

	/* Names for the mape family's attributes, numbers for rtnetlink's. */
	if (genl && tb[NLMSGERR_ATTR_MISS_NEST]) {
		if (type <= MAPE_RULE_A_MAX && rule_attr_names[type])
			return rule_attr_names[type];
	} else if (genl && type <= MAPE_A_MAX && attr_names[type]) {
		return attr_names[type];
	}
	snprintf(buf, 32, "%u", type);
	return buf;
}

static const struct nla_policy ext_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	[NLMSGERR_ATTR_MISS_TYPE] = { .type = NLA_U32 },
	[NLMSGERR_ATTR_MISS_NEST] = { .type = NLA_U32 },
};

/*
 * The answer to a request: error 0 or a negative errno from an NLMSG_ERROR
 * or NLMSG_DONE h, whose extack attributes follow `off` bytes of payload;
 * genl: from the mape family, else rtnetlink.
 * Prints the error, or the kernel's warning on success; returns error.
 */
static int answer(const struct pending *p, const char *what, int error,
		  struct nlmsghdr *h, size_t off, bool genl)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	const char *msg = NULL;
	char buf[32];
	int len = nlmsg_datalen(h) - (int)NLMSG_ALIGN(off);

	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && len > 0 &&
	    nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(h) + NLMSG_ALIGN(off)),
		      len, ext_policy) >= 0 && tb[NLMSGERR_ATTR_MSG])
		msg = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
	if (error > 0)
		error = -error;
	if (!error) {
		if (msg && !nl.failed) {
			if (p)
				mapctl_err_line(p->line, "%s: warning: %s",
						what, msg);
			else
				mapctl_err("%s: warning: %s", what, msg);
		}
		return 0;
	}
	if (msg && *msg)
		fail(p, "%s: %s (%s)", what, msg, strerror(-error));
	else if (tb[NLMSGERR_ATTR_MISS_TYPE])
		fail(p, "%s: missing attribute %s (%s)", what,
		     missing_name(tb, genl, buf), strerror(-error));
	else
		fail(p, "%s: %s", what, strerror(-error));
	return error;
}

/* Where the extack attributes of an NLMSG_ERROR start: after the request
 * echoed back, unless NETLINK_CAP_ACK capped it.
 */
static size_t ack_tlv_offset(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = nlmsg_data(h);
	size_t off = sizeof(*e);

	if (!(h->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	return off;
}

static void behind(const struct pending *p, bool ok)
{
	if (!nl.behind++)
		nl.behind_first = p->line;
	nl.behind_last = p->line;
	nl.behind_ok += ok;
}

/* A message on the socket while requests of the pipeline are in flight. */
static void pipeline_ack(struct nlmsghdr *h)
{
	unsigned int sent = nl.count - nl.unsent;
	struct nlmsgerr *e;
	struct pending *p;
	int32_t d;

	/* Replies to requests that only needed an ack are dropped. */
	if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_pid != nl.port || !sent)
		return;
	d = (int32_t)(h->nlmsg_seq - ring_at(0)->seq);
	if (d < 0 || (u32)d >= sent)
		return;
	if (d > 0) {
		p = ring_at(0);
		if (!nl.failed)
			fail(p, "%s: the kernel's answer was lost; lines from here on may or may not have run",
			     p->what);
		while (d-- > 0)
			ring_pop();
	}
	p = ring_at(0);
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
		if (!nl.failed)
			fail(p, "%s: truncated answer from the kernel", p->what);
	} else {
		bool was_failed = nl.failed;

		e = nlmsg_data(h);
		if (was_failed)
			behind(p, !e->error);
		else
			answer(p, p->what, e->error, h, ack_tlv_offset(h),
			       true);
	}
	ring_pop();
}

static bool flush_send(void)
{
	ssize_t n;

	if (!nl.len)
		return true;
	do
		n = send(nl.fd, nl.buf, nl.len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		const struct pending *p = ring_at(nl.count - nl.unsent);

		fail(p, "%s: sending to the kernel: %s", p->what,
		     strerror(errno));
		drop_unsent();
		return false;
	}
	nl.unsent = 0;
	nl.len = 0;
	return true;
}

/*
 * Read acks: wait for one, then take whatever else is queued. After a
 * receive error nothing more can be matched: the ring is emptied.
 */
static bool recv_acks(void)
{
	static char slots[RECV_VLEN][RECV_SLOT]
		__attribute__((aligned(NLMSG_ALIGNTO)));
	static struct mmsghdr msgs[RECV_VLEN];
	static struct iovec iov[RECV_VLEN];
	int flags = MSG_WAITFORONE, i, n;

	if (!iov[0].iov_base) {
		for (i = 0; i < RECV_VLEN; i++) {
			iov[i].iov_base = slots[i];
			iov[i].iov_len = RECV_SLOT;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
	}
	do {
		n = recvmmsg(nl.fd, msgs, RECV_VLEN, flags, NULL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && flags == MSG_DONTWAIT)
			return true;
		if (n < 0) {
			const struct pending *p = ring_at(0);

			if (errno == ENOBUFS)
				fail(p, "%s: the kernel's answers overflowed the receive buffer; lines from here on may or may not have run",
				     p->what);
			else
				fail(p, "%s: receiving from the kernel: %s",
				     p->what, strerror(errno));
			nl.count = 0;
			nl.unsent = 0;
			nl.len = 0;
			return false;
		}
		for (i = 0; i < n; i++) {
			struct nlmsghdr *h = (struct nlmsghdr *)slots[i];
			int len = msgs[i].msg_len;

			for (; nlmsg_ok(h, len); h = nlmsg_next(h, &len))
				pipeline_ack(h);
		}
		flags = MSG_DONTWAIT;
	} while ((n < 0 || n == RECV_VLEN) && nl.count > nl.unsent);
	return true;
}

void mapctl_nl_pipeline(bool on)
{
	nl.pipelined = on;
}

bool mapctl_nl_drain(void)
{
	static bool noted;

	if (!nl.sk)
		return true;
	if (nl.failed)
		drop_unsent();
	else
		flush_send();
	while (nl.count > nl.unsent)
		if (!recv_acks())
			break;
	if (!nl.failed)
		return true;
	drop_unsent();
	if (nl.behind && !noted) {
		noted = true;
		mapctl_err_line(0, "lines %u-%u were already in flight when line %u failed; %u of them succeeded",
				nl.behind_first, nl.behind_last,
				nl.failed_line, nl.behind_ok);
	}
	return false;
}

void mapctl_nl_recover(void)
{
	if (nl.pipelined || !nl.failed)
		return;
	/* Without a pipeline the failed request was the only one. */
	drop_unsent();
	nl.failed = false;
	nl.failed_line = 0;
	nl.behind = nl.behind_ok = 0;
}

bool mapctl_nl_submit(struct nl_msg *msg, const char *what)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct pending *p;
	size_t len = NLMSG_ALIGN(h->nlmsg_len);

	if (nl.failed)
		goto free;
	if (len > nl.send_max) {
		mapctl_err("%s: request too large", what);
		goto free;
	}
	if (nl.len + len > nl.send_max && !flush_send())
		goto free;
	while (nl.count >= nl.window) {
		if (!flush_send() || !recv_acks() || nl.failed)
			goto free;
	}
	h->nlmsg_flags |= NLM_F_ACK;
	h->nlmsg_seq = ++nl.seq;
	memcpy(nl.buf + nl.len, h, h->nlmsg_len);
	memset(nl.buf + nl.len + h->nlmsg_len, 0, len - h->nlmsg_len);
	nl.len += len;
	p = ring_at(nl.count++);
	nl.unsent++;
	p->seq = h->nlmsg_seq;
	p->line = mapctl_opts.line;
	p->what = what;
	nlmsg_free(msg);
	return nl.pipelined || mapctl_nl_drain();

free:
	nlmsg_free(msg);
	return false;
}

static const struct nla_policy attr_policy[MAPE_A_MAX + 1] = {
	[MAPE_A_IFINDEX] = { .type = NLA_U32 },
	[MAPE_A_IFNAME] = { .type = NLA_STRING },
	[MAPE_A_ROLE] = { .type = NLA_U8 },
	[MAPE_A_IFID] = { .type = NLA_U8 },
	[MAPE_A_BR_ADDR] = { .minlen = sizeof(struct in6_addr) },
	[MAPE_A_RULE] = { .type = NLA_NESTED },
	[MAPE_A_RULE_COUNT] = { .type = NLA_U32 },
	[MAPE_A_CE] = { .type = NLA_NESTED },
	[MAPE_A_LOOKUP_IPV4] = { .type = NLA_U32 },
	[MAPE_A_LOOKUP_PORT] = { .type = NLA_U16 },
	[MAPE_A_LOOKUP_IPV6] = { .minlen = sizeof(struct in6_addr) },
	[MAPE_A_STATS] = { .type = NLA_NESTED },
	[MAPE_A_MODE] = { .type = NLA_U8 },
	[MAPE_A_DMR] = { .minlen = sizeof(struct in6_addr) },
	[MAPE_A_DMR_LEN] = { .type = NLA_U8 },
	[MAPE_A_ICMP_SRC] = { .minlen = sizeof(struct in_addr) },
};

/*
 * One message of a query's answer; true when it ends the answer. After
 * one() failed the rest is read, not looked at.
 */
static bool query_msg(struct nlmsghdr *h, const char *what, bool genl,
		      mapctl_rtnl_reply one, void *arg, bool *ok)
{
	int error;

	switch (h->nlmsg_type) {
	case NLMSG_ERROR:
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
			mapctl_err("%s: truncated answer from the kernel", what);
			*ok = false;
			return true;
		}
		error = ((struct nlmsgerr *)nlmsg_data(h))->error;
		if (answer(NULL, what, error, h, ack_tlv_offset(h), genl))
			*ok = false;
		return true;
	case NLMSG_DONE:
		error = 0;
		if (nlmsg_datalen(h) >= (int)sizeof(int))
			memcpy(&error, nlmsg_data(h), sizeof(int));
		if (answer(NULL, what, error, h, sizeof(int), genl))
			*ok = false;
		return true;
	case NLMSG_NOOP:
	case NLMSG_OVERRUN:
		return false;
	}
	if (*ok && one && !one(h, arg))
		*ok = false;
	return false;
}

/*
 * Takes msg: sends it on fd, the socket of port, and reads its answer,
 * one() for each message that is not control (genl_answer() adapts the
 * mape family's). A do asks for an ack: every answer ends with a control
 * message. (NLM_F_EXCL of a create is one of NLM_F_DUMP's two bits.)
 */
static bool query(int fd, u32 port, u32 *seqp, bool genl, struct nl_msg *msg,
		  const char *what, mapctl_rtnl_reply one, void *arg)
{
	static char buf[QUERY_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = nlmsg_hdr(msg);
	bool ok = true, done = false, intr = false;
	ssize_t n;
	int len;
	u32 seq;

	if ((h->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		h->nlmsg_flags |= NLM_F_ACK;
	seq = h->nlmsg_seq = ++*seqp;
	do
		n = send(fd, h, h->nlmsg_len, 0);
	while (n < 0 && errno == EINTR);
	nlmsg_free(msg);
	if (n < 0) {
		mapctl_err("%s: sending to the kernel: %s", what,
			   strerror(errno));
		return false;
	}
	while (!done) {
		n = recv(fd, buf, sizeof(buf), MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			mapctl_err("%s: receiving from the kernel: %s", what,
				   strerror(errno));
			return false;
		}
		if ((size_t)n > sizeof(buf)) {
			mapctl_err("%s: a reply of %zd bytes was truncated", what,
				   n);
			return false;
		}
		len = n;
		for (h = (struct nlmsghdr *)buf; !done && nlmsg_ok(h, len);
		     h = nlmsg_next(h, &len)) {
			if (h->nlmsg_pid != port || h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			done = query_msg(h, what, genl, one, arg, &ok);
		}
	}
	if (intr && ok)
		mapctl_err("%s: warning: the kernel's tables changed during the dump; it may have missed or repeated entries",
			   what);
	return ok;
}

struct genl_query {
	const char *what;
	mapctl_nl_reply reply;
	void *arg;
};

static bool genl_answer(struct nlmsghdr *h, void *arg)
{
	const struct genl_query *q = arg;
	struct nlattr *tb[MAPE_A_MAX + 1];

	if (h->nlmsg_type != nl.family)
		return true;
	if (genlmsg_parse(h, 0, tb, MAPE_A_MAX, attr_policy) < 0) {
		mapctl_err("%s: malformed reply from the kernel", q->what);
		return false;
	}
	return q->reply(tb, q->arg);
}

bool mapctl_nl_query(struct nl_msg *msg, const char *what,
		     mapctl_nl_reply reply, void *arg)
{
	struct genl_query q = { .what = what, .reply = reply, .arg = arg };

	if (!mapctl_nl_drain()) {
		nlmsg_free(msg);
		return false;
	}
	return query(nl.fd, nl.port, &nl.seq, true, msg, what, genl_answer,
		     &q);
}

static bool rt_open(void)
{
	if (rt.sk)
		return true;
	rt.sk = sock_open(NETLINK_ROUTE, "an rtnetlink");
	if (!rt.sk)
		return false;
	rt.fd = nl_socket_get_fd(rt.sk);
	rt.port = nl_socket_get_local_port(rt.sk);
	rt.seq = nl_socket_use_seq(rt.sk);
	return true;
}

struct nl_msg *mapctl_rtnl_msg(int type, int flags, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_size(REQUEST_MAX);

	if (!msg || !nlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0,
			       flags | NLM_F_REQUEST) ||
	    nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		mapctl_err("out of memory");
		return NULL;
	}
	return msg;
}

bool mapctl_rtnl_query(struct nl_msg *msg, const char *what,
		       mapctl_rtnl_reply reply, void *arg)
{
	/* After the mape family's requests of the batch lines before. */
	if (!mapctl_nl_drain() || !rt_open()) {
		nlmsg_free(msg);
		return false;
	}
	return query(rt.fd, rt.port, &rt.seq, false, msg, what, reply, arg);
}

static const struct nla_policy rule_policy[MAPE_RULE_A_MAX + 1] = {
	[MAPE_RULE_A_TYPE] = { .type = NLA_U8 },
	[MAPE_RULE_A_PREFIX6] = { .minlen = sizeof(struct in6_addr) },
	[MAPE_RULE_A_PREFIX6_LEN] = { .type = NLA_U8 },
	[MAPE_RULE_A_PREFIX4] = { .type = NLA_U32 },
	[MAPE_RULE_A_PREFIX4_LEN] = { .type = NLA_U8 },
	[MAPE_RULE_A_EA_LEN] = { .type = NLA_U8 },
	[MAPE_RULE_A_PSID_OFFSET] = { .type = NLA_U8 },
	[MAPE_RULE_A_PSID_LEN] = { .type = NLA_U8 },
	[MAPE_RULE_A_PSID] = { .type = NLA_U16 },
};

bool mapctl_nl_get_rule(struct nlattr *nest, u8 *type, struct mape_rule *r)
{
	struct nlattr *tb[MAPE_RULE_A_MAX + 1];

	if (!nest || nla_parse_nested(tb, MAPE_RULE_A_MAX, nest, rule_policy) ||
	    !tb[MAPE_RULE_A_PREFIX6] || !tb[MAPE_RULE_A_PREFIX6_LEN] ||
	    !tb[MAPE_RULE_A_PREFIX4] || !tb[MAPE_RULE_A_PREFIX4_LEN] ||
	    !tb[MAPE_RULE_A_EA_LEN])
		return false;
	memset(r, 0, sizeof(*r));
	*type = tb[MAPE_RULE_A_TYPE] ? nla_get_u8(tb[MAPE_RULE_A_TYPE]) : 0;
	memcpy(&r->prefix6, nla_data(tb[MAPE_RULE_A_PREFIX6]),
	       sizeof(r->prefix6));
	r->prefix6_len = nla_get_u8(tb[MAPE_RULE_A_PREFIX6_LEN]);
	r->prefix4 = nla_get_u32(tb[MAPE_RULE_A_PREFIX4]);
	r->prefix4_len = nla_get_u8(tb[MAPE_RULE_A_PREFIX4_LEN]);
	r->ea_len = nla_get_u8(tb[MAPE_RULE_A_EA_LEN]);
	r->psid_offset = tb[MAPE_RULE_A_PSID_OFFSET] ?
			 nla_get_u8(tb[MAPE_RULE_A_PSID_OFFSET]) :
			 MAPE_PSID_OFFSET_DEFAULT;
	if (tb[MAPE_RULE_A_PSID_LEN]) {
		r->psid_len = nla_get_u8(tb[MAPE_RULE_A_PSID_LEN]);
	} else {
		/* Not sent: derived from the EA bits, as the kernel does. */
		struct mape_rule d = *r;

		if (!mape_rule_validate(&d, NULL))
			r->psid_len = d.psid_len;
	}
	r->flags = MAPE_RULE_PSID_LEN;
	/* A PSID is the rule's own only without EA bits (example 5). */
	if (!r->ea_len && r->psid_len) {
		r->flags |= MAPE_RULE_PSID;
		if (tb[MAPE_RULE_A_PSID])
			r->psid = nla_get_u16(tb[MAPE_RULE_A_PSID]);
	}
	return true;
}

static const struct nla_policy ce_policy[MAPE_CE_A_MAX + 1] = {
	[MAPE_CE_A_IPV4] = { .type = NLA_U32 },
	[MAPE_CE_A_IPV4_LEN] = { .type = NLA_U8 },
	[MAPE_CE_A_PSID] = { .type = NLA_U16 },
	[MAPE_CE_A_PSID_LEN] = { .type = NLA_U8 },
	[MAPE_CE_A_PSID_OFFSET] = { .type = NLA_U8 },
	[MAPE_CE_A_EA_BITS] = { .type = NLA_U64 },
	[MAPE_CE_A_EA_LEN] = { .type = NLA_U8 },
	[MAPE_CE_A_EU_PREFIX] = { .minlen = sizeof(struct in6_addr) },
	[MAPE_CE_A_EU_PREFIX_LEN] = { .type = NLA_U8 },
	[MAPE_CE_A_ADDR6] = { .minlen = sizeof(struct in6_addr) },
	[MAPE_CE_A_EXACT] = { .type = NLA_U8 },
};

bool mapctl_nl_get_ce(struct nlattr *nest, struct mape_ce *ce, bool *exact)
{
	struct nlattr *tb[MAPE_CE_A_MAX + 1];

	if (!nest || nla_parse_nested(tb, MAPE_CE_A_MAX, nest, ce_policy) ||
	    !tb[MAPE_CE_A_IPV4] || !tb[MAPE_CE_A_ADDR6])
		return false;
	memset(ce, 0, sizeof(*ce));
	ce->ip4 = nla_get_u32(tb[MAPE_CE_A_IPV4]);
	ce->ip4_len = tb[MAPE_CE_A_IPV4_LEN] ?
		      nla_get_u8(tb[MAPE_CE_A_IPV4_LEN]) : 32;
	if (tb[MAPE_CE_A_PSID])
		ce->ports.psid = nla_get_u16(tb[MAPE_CE_A_PSID]);
	if (tb[MAPE_CE_A_PSID_LEN])
		ce->ports.len = nla_get_u8(tb[MAPE_CE_A_PSID_LEN]);
	ce->ports.offset = tb[MAPE_CE_A_PSID_OFFSET] ?
			   nla_get_u8(tb[MAPE_CE_A_PSID_OFFSET]) :
			   MAPE_PSID_OFFSET_DEFAULT;
	if (tb[MAPE_CE_A_EA_BITS])
		ce->ea_bits = nla_get_u64(tb[MAPE_CE_A_EA_BITS]);
	if (tb[MAPE_CE_A_EA_LEN])
		ce->ea_len = nla_get_u8(tb[MAPE_CE_A_EA_LEN]);
	if (tb[MAPE_CE_A_EU_PREFIX])
		memcpy(&ce->eu_prefix, nla_data(tb[MAPE_CE_A_EU_PREFIX]),
		       sizeof(ce->eu_prefix));
	if (tb[MAPE_CE_A_EU_PREFIX_LEN])
		ce->eu_len = nla_get_u8(tb[MAPE_CE_A_EU_PREFIX_LEN]);
	memcpy(&ce->addr, nla_data(tb[MAPE_CE_A_ADDR6]), sizeof(ce->addr));
	/* The port set arithmetic needs these in range. */
	if (ce->ip4_len > 32 || ce->ports.offset > 16 ||
	    ce->ports.len > 16 - ce->ports.offset || ce->eu_len > 128)
		return false;
	if (exact)
		*exact = tb[MAPE_CE_A_EXACT] &&
			 nla_get_u8(tb[MAPE_CE_A_EXACT]);
	return true;
}

const char *mapctl_nl_dev(struct nlattr **tb)
{
	static char name[IF_NAMESIZE + 16];
	static u32 cached;
	u32 ifindex;

	if (tb[MAPE_A_IFNAME])
		return nla_get_string(tb[MAPE_A_IFNAME]);
	if (!tb[MAPE_A_IFINDEX])
		return "?";
	/* A dump of a million rules names one device a million times. */
	ifindex = nla_get_u32(tb[MAPE_A_IFINDEX]);
	if (ifindex != cached) {
		cached = ifindex;
		if (!if_indextoname(ifindex, name))
			snprintf(name, sizeof(name), "if%u", ifindex);
	}
	return name;
}

int mapctl_nl_per_dev(int argc, char *argv[], u8 cmd, const char *what,
		      mapctl_nl_reply reply, void *arg)
{
	struct keyword kw[] = { { .name = "dev" } };
	const char *dev;
	struct nl_msg *msg;

	if (!parse_keywords(argc, argv, kw, ARRAY_SIZE(kw)) ||
	    (kw[0].value && !parse_dev(kw[0].name, kw[0].value)))
		return -1;
	dev = kw[0].value;
	msg = mapctl_nl_msg(cmd, dev ? 0 : NLM_F_DUMP);
	if (!msg)
		return 0;
	if (dev && nla_put_string(msg, MAPE_A_IFNAME, dev)) {
		nlmsg_free(msg);
		mapctl_err("%s: request too large", what);
		return 0;
	}
	return mapctl_nl_query(msg, what, reply, arg);
}
