// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD helper for test-args.sh: lets `ip -d link show` print mape
 * links without a mape kernel module.
 *
 * The netlink messages in the file $MAPE_FAKE_NLMSG (RTM_NEWLINK, as
 * test-nlmsg.py writes them) are spliced into the first netlink datagram
 * that carries an NLMSG_DONE, just before it, with the DONE's sequence
 * number and port id so ip's dump filter takes them for its own. ip reads
 * each datagram twice (MSG_PEEK | MSG_TRUNC for the size, then for real),
 * so the splice is repeated until a read without MSG_PEEK consumes it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

static char fake[16384], in[65536], out[65536 + 16384];
static size_t fake_len;
static int state; /* 0: not loaded, 1: armed, 2: done */

static void load(void)
{
	const char *path = getenv("MAPE_FAKE_NLMSG");
	FILE *f;

	state = 2;
	if (!path || !(f = fopen(path, "rb")))
		return;
	fake_len = fread(fake, 1, sizeof(fake), f);
	fclose(f);
	if (fake_len)
		state = 1;
}

/* Offset of the first NLMSG_DONE in buf, or -1. */
static long find_done(const char *buf, size_t len)
{
	const struct nlmsghdr *h = (const void *)buf;
	size_t left = len;

	for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left))
		if (h->nlmsg_type == NLMSG_DONE)
			return (const char *)h - buf;
	return -1;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, struct msghdr *, int);
	struct iovec iov = { in, sizeof(in) };
	struct msghdr m = *msg;
	const struct nlmsghdr *done;
	struct nlmsghdr *h;
	size_t left, total, copied;
	ssize_t len;
	long off;

	if (!real)
		real = (ssize_t (*)(int, struct msghdr *, int))
			dlsym(RTLD_NEXT, "recvmsg");
	if (!state)
		load();
	if (state != 1 || msg->msg_iovlen != 1)
		return real(fd, msg, flags);

	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	len = real(fd, &m, flags & ~MSG_TRUNC);
	if (len <= 0 || (off = find_done(in, len)) < 0) {
		/* Not the end of a dump: hand the datagram over unchanged. */
		if (len > 0)
			goto copy_plain;
		return len;
	}

	done = (const void *)(in + off);
	memcpy(out, in, off);
	memcpy(out + off, fake, fake_len);
	for (h = (void *)(out + off), left = fake_len; NLMSG_OK(h, left);
	     h = NLMSG_NEXT(h, left)) {
		h->nlmsg_seq = done->nlmsg_seq;
		h->nlmsg_pid = done->nlmsg_pid;
	}
	memcpy(out + off + fake_len, in + off, len - off);
	total = len + fake_len;
	if (!(flags & MSG_PEEK))
		state = 2;
	goto copy_out;

copy_plain:
	memcpy(out, in, len);
	total = len;
copy_out:
	copied = total < msg->msg_iov[0].iov_len ? total
						  : msg->msg_iov[0].iov_len;
	if (copied)
		memcpy(msg->msg_iov[0].iov_base, out, copied);
	msg->msg_namelen = m.msg_namelen;
	msg->msg_controllen = m.msg_controllen;
	msg->msg_flags = m.msg_flags | (copied < total ? MSG_TRUNC : 0);
	return (flags & MSG_TRUNC) ? (ssize_t)total : (ssize_t)copied;
}
