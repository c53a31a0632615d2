/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mape: MAP-E, Mapping of Address and Port with Encapsulation (RFC 7597).
 *
 * One mape netdevice is one MAP domain in one role. It is created through
 * rtnetlink with the link kind "mape" (ip link add NAME type mape ...).
 *
 * Interface-identifier formats (RFC 7597 section 6 and the earlier
 * draft-ietf-softwire-map-03 that some deployments still use):
 *
 *   MAPE_IFID_RFC      16 zero bits | IPv4 address (32) | PSID (16)
 *   MAPE_IFID_DRAFT03   8 zero bits | IPv4 address (32) | PSID (16) | 8 zero bits
 *
 * In both, an IPv4 prefix is right-padded with zeros to 32 bits, the PSID
 * is left-padded with zeros to 16 bits and is 0 without port sharing, and
 * an end-user prefix longer than 64 bits overrides the leading interface-ID
 * bits.
 */
#ifndef _UAPI_LINUX_MAPE_H
#define _UAPI_LINUX_MAPE_H

enum mape_ifid {
	MAPE_IFID_RFC = 0,
	MAPE_IFID_DRAFT03 = 1,
};

enum mape_role {
	MAPE_ROLE_CE = 0,
	MAPE_ROLE_BR = 1,
};

#endif /* _UAPI_LINUX_MAPE_H */
