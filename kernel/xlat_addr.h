/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MAP-T's addresses (RFC 7599 section 5): the IPv6 address that names an
 * IPv4 end of a packet on this device, and back. The near end is inside
 * the domain the device serves: a CE's own address, or the CE a BR
 * serves, named by the rules; the far end is outside (RFC 6052 in the
 * DMR) or, on a CE, a peer CE under an FMR.
 */
#ifndef _MAPE_XLAT_ADDR_H
#define _MAPE_XLAT_ADDR_H

#include "device.h"
#include "xlat_pkt.h"

/*
 * The naming for xlat_pkt.c, of one device with one params. Lives on the
 * stack of the packet's path; caller holds rcu_read_lock().
 */
struct mape_t_names {
	struct mape_xlat_map map;
	struct mape_dev *md;
	const struct mape_params *p;
};

void mape_t_names_init(struct mape_t_names *n, struct mape_dev *md,
		       const struct mape_params *p);

/*
 * The IPv6 address of IPv4 address a with port (0: none), and the IPv4
 * address an IPv6 one names. False: the device has no such name. A near
 * address read back is checked only as far as it is this CE's own; a
 * BR's caller checks the source against the rules and its port.
 */
bool mape_t_to6(const struct mape_t_names *n, __be32 a, u16 port, bool near,
		struct in6_addr *out);
bool mape_t_to4(const struct mape_t_names *n, const struct in6_addr *a,
		bool near, __be32 *out);

/* An IPv6 source in the DMR: from outside the domain. */
bool mape_t_from_dmr(const struct mape_params *p, const struct in6_addr *a);

#endif /* _MAPE_XLAT_ADDR_H */
