/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types and helpers kernel/mapping.c needs, for building it
 * into mapctl.
 */
#ifndef MAPE_USER_H
#define MAPE_USER_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef uint32_t __be32;

/* Kernel exports mean nothing in mapctl. */
#define EXPORT_SYMBOL_GPL(sym) _Static_assert(1, #sym)
#define be32_to_cpu(x) ntohl(x)
#define cpu_to_be32(x) htonl(x)

/*
 * Where the kernel's rule checks leave their message (the kernel's own
 * struct has more; these checks only set the message).
 */
struct netlink_ext_ack {
	const char *_msg;
};

#define NL_SET_ERR_MSG(extack, msg) do {			\
	struct netlink_ext_ack *__extack = (extack);		\
								\
	if (__extack)						\
		__extack->_msg = (msg);				\
} while (0)

#endif /* MAPE_USER_H */
