/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mape: MAP-E, Mapping of Address and Port with Encapsulation (RFC 7597).
 *
 * One mape netdevice is one MAP domain in one role:
 *
 *   CE  customer edge: owns one IPv4 address (or prefix) and a port set,
 *       derived from its end-user IPv6 prefix by the BMR; sends to the BR,
 *       or straight to peer CEs covered by an FMR.
 *   BR  border relay: stateless, serves every CE of its rules.
 *
 * Link attributes (rtnetlink, IFLA_INFO_DATA of kind "mape")
 * ----------------------------------------------------------
 *
 *   IFLA_MAPE_ROLE          u8, enum mape_role. Required. Immutable.
 *   IFLA_MAPE_BR_ADDR       16 bytes, IPv6. Required in mode E, refused
 *                           in mode T (IFLA_MAPE_DMR). On a CE the BR's
 *                           address (the rule for destinations outside the
 *                           domain); on a BR its own softwire address.
 *   IFLA_MAPE_EU_PREFIX     16 bytes, IPv6; CE only: the end-user
 *   IFLA_MAPE_EU_PREFIX_LEN u8 (0..128)     prefix (delegated prefix).
 *   IFLA_MAPE_IFID          u8, enum mape_ifid, default MAPE_IFID_RFC.
 *                           Immutable.
 *   IFLA_MAPE_LINK          u32 ifindex of the underlay, 0 for any.
 *   IFLA_MAPE_HOPLIMIT      u8 1..255, default 64.
 *   IFLA_MAPE_TCLASS        u16: 0..255 a fixed traffic class, or
 *                           MAPE_TCLASS_INHERIT (default): DSCP and ECN
 *                           copied from the IPv4 header (RFC 6040 on decap).
 *   IFLA_MAPE_ENCAP_LIMIT   u16: 0..255 adds an RFC 2473 encapsulation
 *                           limit option, MAPE_ENCAP_LIMIT_NONE (default)
 *                           adds none.
 *   IFLA_MAPE_MTU           u32, write-only: sets the device's IPv4 MTU like
 *                           IFLA_MTU. Kept for the `mtu` option of
 *                           `ip link add ... type mape` (and mapctl link),
 *                           whose link plugin can only add attributes
 *                           inside IFLA_INFO_DATA; other senders use
 *                           IFLA_MTU (and never both). Without either,
 *                           the MTU follows the underlay:
 *                           the LINK device's, or a CE's route to the BR,
 *                           or MTU_V6, minus the outer header (40 bytes,
 *                           48 with an encapsulation limit), and keeps
 *                           following the LINK device's MTU changes.
 *   IFLA_MAPE_MTU_V6        u32: 0 (default) the IPv6 path MTU alone
 *                           limits the outer packets; 1280..65535 caps them
 *                           too (Juniper's mtu-v6).
 *   IFLA_MAPE_FRAG_MODE     u8, enum mape_frag_mode: what a packet with DF
 *                           clear that is too big for the IPv6 path
 *                           becomes. Default MAPE_FRAG_OUTER.
 *   IFLA_MAPE_V4_REASSEMBLY u8 0/1: reassemble IPv4 fragments completely
 *                           before encapsulating them (Juniper's
 *                           v4-reassembly) instead of virtual reassembly
 *                           (RFC 7597 section 8.3.2), the default.
 *   IFLA_MAPE_FRAG_ID       u8 0/1, CE only: rewrite the IPv4 identifier
 *                           of packets with DF clear into the CE's
 *                           PSID-derived set (RFC 7597 section 8.3.3).
 *   IFLA_MAPE_NAPT          u8 0/1, CE only: source-translate IPv4 leaving
 *                           through the device to the CE's address, ports
 *                           and ICMP identifiers from its whole port set,
 *                           through conntrack NAT (needs the mape_nat
 *                           module).
 *   IFLA_MAPE_FRAG_MAX_ENTRIES u32 1..1048576: IPv4 datagrams the virtual
 *                           reassembly cache tracks;
 *   IFLA_MAPE_FRAG_MAX_HELD u32 0..1048576: fragments it holds until their
 *                           first fragment;
 *   IFLA_MAPE_FRAG_TIMEOUT  u32 ms 1..60000: how long an entry lives. The
 *                           three default to the module parameters
 *                           frag_max_entries, frag_max_held and
 *                           frag_timeout_ms (4096, 1024, 5000) when the
 *                           device is created; in a namespace another
 *                           user namespace owns, the parameters are also
 *                           their ceiling (the host's bound on what such
 *                           a namespace's root can make a device hold).
 *
 *   IFLA_MAPE_MODE          u8, enum mape_mode, default MAPE_MODE_E.
 *                           Immutable. In mode T there is no BR address:
 *   IFLA_MAPE_DMR           16 bytes, IPv6; mode T only, and required
 *   IFLA_MAPE_DMR_LEN       u8: 32, 40, 48, 56, 64 or 96: the Default
 *                           Mapping Rule's prefix (RFC 7599 section 5.3),
 *                           in which IPv4 addresses outside the domain
 *                           are embedded as RFC 6052 says (bits 64-71,
 *                           the u octet, zero).
 *   IFLA_MAPE_ICMP_SRC      4 bytes, IPv4; mode T only, mutable: the
 *                           source of ICMPv6 errors translated from
 *                           routers of the domain, which have no IPv4
 *                           name (RFC 6791). 0.0.0.0, the default, takes
 *                           the device's own: an address of the device,
 *                           else of the host, else RFC 7600's 192.0.0.8.
 *                           A mode T device is created with its
 *                           accept_local on, or IPv4 input would drop the
 *                           host's own address as a martian source.
 *
 * All but the immutable ones change with RTM_NEWLINK on an existing device
 * (ip link set ... type mape ...); the device MTU is IFLA_MTU.
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
 * bits. The format applies to the whole domain.
 *
 * Generic netlink family "mape", version 1
 * ----------------------------------------
 *
 * Every command names its device by MAPE_A_IFINDEX or MAPE_A_IFNAME, in the
 * requester's network namespace, and needs CAP_NET_ADMIN there except the
 * GET commands.
 *
 *   MAPE_CMD_RULE_ADD    MAPE_A_RULE (nested, MAPE_RULE_A_*): TYPE,
 *                        PREFIX6 + PREFIX6_LEN, PREFIX4 + PREFIX4_LEN,
 *                        EA_LEN required; PSID_OFFSET (default 6), PSID_LEN,
 *                        PSID optional. A rule is keyed by its IPv4 prefix:
 *                        adding the other type to an existing rule with the
 *                        same parameters makes it both (a BMR that is also
 *                        an FMR, RFC 7598's F flag); different parameters
 *                        are -EEXIST. A CE takes one BMR, which must contain
 *                        its end-user prefix.
 *   MAPE_CMD_RULE_DEL    MAPE_A_RULE with PREFIX4 + PREFIX4_LEN. -ENOENT.
 *   MAPE_CMD_RULE_FLUSH  removes every rule.
 *   MAPE_CMD_RULE_GET    dump: one message per rule, MAPE_A_IFINDEX and
 *                        MAPE_A_RULE; without a device, every mape device of
 *                        the namespace.
 *   MAPE_CMD_DOMAIN_GET  do or dump: MAPE_A_IFINDEX, MAPE_A_IFNAME,
 *                        MAPE_A_ROLE, MAPE_A_MODE, MAPE_A_IFID,
 *                        MAPE_A_BR_ADDR (mode E) or MAPE_A_DMR and
 *                        MAPE_A_DMR_LEN and MAPE_A_ICMP_SRC (mode T),
 *                        MAPE_A_RULE_COUNT and, for a CE with a BMR,
 *                        MAPE_A_CE (nested MAPE_CE_A_*: the CE's own IPv4
 *                        address or prefix, PSID, port set, end-user prefix
 *                        and MAP IPv6 address, the one the device needs as
 *                        a local address).
 *   MAPE_CMD_LOOKUP      do: MAPE_A_LOOKUP_IPV4 + MAPE_A_LOOKUP_PORT, or
 *                        MAPE_A_LOOKUP_IPV6. Replies with MAPE_A_RULE (the
 *                        rule matched) and MAPE_A_CE (the CE it designates;
 *                        MAPE_CE_A_EXACT tells, for an IPv6 lookup, whether
 *                        the address is that CE's canonical MAP address).
 *                        -ENOENT when no rule matches, -ERANGE when the
 *                        port belongs to no CE.
 *   MAPE_CMD_STATS_GET   do or dump: MAPE_A_IFINDEX, MAPE_A_IFNAME,
 *                        MAPE_A_STATS (nested, one u64 per enum
 *                        mape_stat, attribute type = index + 1;
 *                        MAPE_STATS_A_PAD pads them where needed).
 *
 * Errors carry an extack message naming the attribute at fault.
 */
#ifndef _UAPI_LINUX_MAPE_H
#define _UAPI_LINUX_MAPE_H

#define MAPE_GENL_NAME		"mape"
#define MAPE_GENL_VERSION	1

enum mape_ifid {
	MAPE_IFID_RFC = 0,
	MAPE_IFID_DRAFT03 = 1,
};

enum mape_role {
	MAPE_ROLE_CE = 0,
	MAPE_ROLE_BR = 1,
};

/* MAP-E (RFC 7597): IPv4 in IPv6; MAP-T (RFC 7599): IPv4 translated. */
enum mape_mode {
	MAPE_MODE_E = 0,
	MAPE_MODE_T = 1,
};

/* RFC 2473 section 7.2: fragment the outer IPv6 packet (the tunnel's
 * own fragmentation), or fragment the IPv4 packet before encapsulating
 * each piece, so that no IPv6 fragment crosses the domain.
 */
enum mape_frag_mode {
	MAPE_FRAG_OUTER = 0,
	MAPE_FRAG_INNER = 1,
};

#define MAPE_TCLASS_INHERIT	256
#define MAPE_ENCAP_LIMIT_NONE	256

enum {
	IFLA_MAPE_UNSPEC,
	IFLA_MAPE_ROLE,
	IFLA_MAPE_BR_ADDR,
	IFLA_MAPE_EU_PREFIX,
	IFLA_MAPE_EU_PREFIX_LEN,
	IFLA_MAPE_IFID,
	IFLA_MAPE_LINK,
	IFLA_MAPE_HOPLIMIT,
	IFLA_MAPE_TCLASS,
	IFLA_MAPE_ENCAP_LIMIT,
	IFLA_MAPE_MTU,
	IFLA_MAPE_MTU_V6,
	IFLA_MAPE_FRAG_MODE,
	IFLA_MAPE_V4_REASSEMBLY,
	IFLA_MAPE_FRAG_ID,
	IFLA_MAPE_FRAG_MAX_ENTRIES,
	IFLA_MAPE_FRAG_MAX_HELD,
	IFLA_MAPE_FRAG_TIMEOUT,
	IFLA_MAPE_NAPT,
	IFLA_MAPE_MODE,
	IFLA_MAPE_DMR,
	IFLA_MAPE_DMR_LEN,
	IFLA_MAPE_ICMP_SRC,
	__IFLA_MAPE_MAX
};

#define IFLA_MAPE_MAX (__IFLA_MAPE_MAX - 1)

enum mape_cmd {
	MAPE_CMD_UNSPEC,
	MAPE_CMD_RULE_ADD,
	MAPE_CMD_RULE_DEL,
	MAPE_CMD_RULE_FLUSH,
	MAPE_CMD_RULE_GET,
	MAPE_CMD_DOMAIN_GET,
	MAPE_CMD_LOOKUP,
	MAPE_CMD_STATS_GET,
	__MAPE_CMD_MAX
};

#define MAPE_CMD_MAX (__MAPE_CMD_MAX - 1)

enum mape_attr {
	MAPE_A_UNSPEC,
	MAPE_A_IFINDEX,		/* u32 */
	MAPE_A_IFNAME,		/* string */
	MAPE_A_ROLE,		/* u8, enum mape_role */
	MAPE_A_IFID,		/* u8, enum mape_ifid */
	MAPE_A_BR_ADDR,		/* 16 bytes */
	MAPE_A_RULE,		/* nested, MAPE_RULE_A_* */
	MAPE_A_RULE_COUNT,	/* u32 */
	MAPE_A_CE,		/* nested, MAPE_CE_A_* */
	MAPE_A_LOOKUP_IPV4,	/* be32 */
	MAPE_A_LOOKUP_PORT,	/* u16 */
	MAPE_A_LOOKUP_IPV6,	/* 16 bytes */
	MAPE_A_STATS,		/* nested, u64 per enum mape_stat */
	MAPE_A_PAD,
	MAPE_A_MODE,		/* u8, enum mape_mode */
	MAPE_A_DMR,		/* 16 bytes, mode T */
	MAPE_A_DMR_LEN,		/* u8, mode T */
	MAPE_A_ICMP_SRC,	/* be32, mode T; 0: the device's own */
	__MAPE_A_MAX
};

#define MAPE_A_MAX (__MAPE_A_MAX - 1)

/* MAPE_RULE_A_TYPE flags */
#define MAPE_RULE_BMR	0x1
#define MAPE_RULE_FMR	0x2

enum mape_rule_attr {
	MAPE_RULE_A_UNSPEC,
	MAPE_RULE_A_TYPE,	/* u8, MAPE_RULE_BMR | MAPE_RULE_FMR */
	MAPE_RULE_A_PREFIX6,	/* 16 bytes */
	MAPE_RULE_A_PREFIX6_LEN, /* u8 */
	MAPE_RULE_A_PREFIX4,	/* be32 */
	MAPE_RULE_A_PREFIX4_LEN, /* u8 */
	MAPE_RULE_A_EA_LEN,	/* u8 */
	MAPE_RULE_A_PSID_OFFSET, /* u8 */
	MAPE_RULE_A_PSID_LEN,	/* u8 */
	MAPE_RULE_A_PSID,	/* u16 */
	__MAPE_RULE_A_MAX
};

#define MAPE_RULE_A_MAX (__MAPE_RULE_A_MAX - 1)

enum mape_ce_attr {
	MAPE_CE_A_UNSPEC,
	MAPE_CE_A_IPV4,		/* be32 */
	MAPE_CE_A_IPV4_LEN,	/* u8, 32 for an address */
	MAPE_CE_A_PSID,		/* u16 */
	MAPE_CE_A_PSID_LEN,	/* u8 */
	MAPE_CE_A_PSID_OFFSET,	/* u8 */
	MAPE_CE_A_EA_BITS,	/* u64 */
	MAPE_CE_A_EA_LEN,	/* u8 */
	MAPE_CE_A_EU_PREFIX,	/* 16 bytes */
	MAPE_CE_A_EU_PREFIX_LEN, /* u8 */
	MAPE_CE_A_ADDR6,	/* 16 bytes: the MAP IPv6 address */
	MAPE_CE_A_EXACT,	/* u8 */
	MAPE_CE_A_PAD,
	__MAPE_CE_A_MAX
};

#define MAPE_CE_A_MAX (__MAPE_CE_A_MAX - 1)

/*
 * Per-reason counters, named after the Juniper MX list. Each is a packet
 * count unless it ends in _BYTES.
 */
enum mape_stat {
	MAPE_STAT_ENCAPS,		/* IPv4 packets sent in IPv6 */
	MAPE_STAT_ENCAP_BYTES,
	MAPE_STAT_DECAPS,		/* IPv4 packets received from IPv6 */
	MAPE_STAT_DECAP_BYTES,
	MAPE_STAT_DECAP_SPOOF,		/* outer source not the inner one's CE */
	MAPE_STAT_DECAP_WRONG_DST,	/* inner destination not this CE's */
	MAPE_STAT_ICMP_ENCAP_ERRORS,	/* ICMPv4 errors sent to IPv4 senders */
	MAPE_STAT_ICMP_DECAP_ERRORS,	/* ICMP errors dropped on decap */
	MAPE_STAT_UNSUPP_PROTO,		/* no port to check or route by */
	MAPE_STAT_V6_MTU_ERRORS,	/* too big for the IPv6 path */
	MAPE_STAT_NO_RULE,		/* no rule (BR) or no CE for the port */
	MAPE_STAT_PORT_SET,		/* port outside the CE's port set */
	MAPE_STAT_NO_ROUTE,		/* no IPv6 route for the outer packet */
	MAPE_STAT_V4_FRAG_DROPS,	/* IPv4 fragments whose first fragment
					 * never came (or was not recorded)
					 */
	MAPE_STAT_V4_REASSEMBLED,	/* non-first fragments sent or accepted
					 * on their first one's decision; with
					 * v4-reassembly, datagrams reassembled
					 * before encapsulation
					 */
	MAPE_STAT_V6_REASSEMBLED,	/* packets that arrived as outer IPv6
					 * fragments, reassembled by the kernel;
					 * mode T: ICMPv6 messages reassembled
					 * to be translated
					 */
	MAPE_STAT_V6_FRAG_DROPS,	/* mode T: ICMPv6 fragments that could
					 * not be queued or reassembled. Mode E
					 * never: the IPv6 layer reassembles
					 * outer fragments before mape sees
					 * them and counts its own failures
					 * (Ip6ReasmFails)
					 */
	MAPE_STAT_HEADER_ERRORS,	/* truncated or malformed inner packet */
	MAPE_STAT_V4_FRAG_RELEASED,	/* fragments held until their first */
	MAPE_STAT_V4_FRAG_EXPIRED,	/* datagrams expired holding fragments */
	MAPE_STAT_V4_FRAG_OVERFLOW,	/* fragments the full cache could not
					 * record or hold
					 */
	MAPE_STAT_ICMP_RELAYED,		/* ICMPv6 errors about our packets
					 * relayed as ICMPv4 to the sender
					 */
	MAPE_STAT_V6_FRAGMENTED,	/* packets sent as outer IPv6
					 * fragments (DF clear, too big)
					 */
	MAPE_STAT_V4_FRAGMENTED,	/* packets fragmented as IPv4 before
					 * encapsulation (frag-inner)
					 */
	MAPE_STAT_NAPT_TRANSLATIONS,	/* connections given a port of the set */
	MAPE_STAT_NAPT_EXHAUSTED,	/* new connections dropped: no free
					 * port in the set
					 */
	MAPE_STAT_V4_SEGMENTED,		/* super-packets (GSO) cut into their
					 * segments before encapsulation: DF
					 * clear and too big, or frag-id
					 */
	MAPE_STAT_TX_NOT_IPV4,		/* packets sent to the device that
					 * are not IPv4 (IPv6 neighbour or
					 * multicast chatter): dropped, also
					 * counted as tx_dropped
					 */
	/* Mode T (RFC 7915), packets not translated: */
	MAPE_STAT_XLAT_UNTRANSLATABLE,	/* ICMP messages the tables of
					 * sections 4.2 and 5.2 drop, or an
					 * error whose quoted packet has no
					 * name in the domain
					 */
	MAPE_STAT_XLAT_UDP_ZERO_CSUM,	/* UDP checksum 0: an IPv4 fragment
					 * (4.5), or any from IPv6
					 */
	MAPE_STAT_XLAT_SOURCE_ROUTE,	/* IPv4 with a source route option
					 * (4.1): ICMP sent
					 */
	MAPE_STAT_XLAT_EXT_HEADER,	/* IPv6 routing header with segments
					 * left (5.1): ICMPv6 sent
					 */
	MAPE_STAT_XLAT_ICMP_FRAGMENTS,	/* ICMP messages in fragments, whose
					 * checksum needs the whole message
					 */
	__MAPE_STAT_MAX
};

#define MAPE_STAT_MAX (__MAPE_STAT_MAX - 1)
#define MAPE_STATS_A_PAD 0	/* padding inside MAPE_A_STATS */

/*
 * The counters' names, an initializer for a string array indexed by enum
 * mape_stat: mapctl prints them, and its JSON keys are these.
 */
#define MAPE_STAT_NAMES {						\
	[MAPE_STAT_ENCAPS] = "encaps",					\
	[MAPE_STAT_ENCAP_BYTES] = "encap_bytes",			\
	[MAPE_STAT_DECAPS] = "decaps",					\
	[MAPE_STAT_DECAP_BYTES] = "decap_bytes",			\
	[MAPE_STAT_DECAP_SPOOF] = "decap_spoof",			\
	[MAPE_STAT_DECAP_WRONG_DST] = "decap_wrong_dst",		\
	[MAPE_STAT_ICMP_ENCAP_ERRORS] = "icmp_encap_errors",		\
	[MAPE_STAT_ICMP_DECAP_ERRORS] = "icmp_decap_errors",		\
	[MAPE_STAT_UNSUPP_PROTO] = "unsupported_protocol",		\
	[MAPE_STAT_V6_MTU_ERRORS] = "v6_mtu_errors",			\
	[MAPE_STAT_NO_RULE] = "no_rule",				\
	[MAPE_STAT_PORT_SET] = "port_set",				\
	[MAPE_STAT_NO_ROUTE] = "no_route",				\
	[MAPE_STAT_V4_FRAG_DROPS] = "v4_fragment_drops",		\
	[MAPE_STAT_V4_REASSEMBLED] = "v4_reassembled",			\
	[MAPE_STAT_V6_REASSEMBLED] = "v6_reassembled",			\
	[MAPE_STAT_V6_FRAG_DROPS] = "v6_fragment_drops",		\
	[MAPE_STAT_HEADER_ERRORS] = "header_errors",			\
	[MAPE_STAT_V4_FRAG_RELEASED] = "v4_fragments_released",		\
	[MAPE_STAT_V4_FRAG_EXPIRED] = "v4_fragment_expiries",		\
	[MAPE_STAT_V4_FRAG_OVERFLOW] = "v4_fragment_overflows",		\
	[MAPE_STAT_ICMP_RELAYED] = "icmp_relayed",			\
	[MAPE_STAT_V6_FRAGMENTED] = "v6_fragmented",			\
	[MAPE_STAT_V4_FRAGMENTED] = "v4_fragmented",			\
	[MAPE_STAT_NAPT_TRANSLATIONS] = "napt_translations",		\
	[MAPE_STAT_NAPT_EXHAUSTED] = "napt_exhausted",			\
	[MAPE_STAT_V4_SEGMENTED] = "v4_segmented",			\
	[MAPE_STAT_TX_NOT_IPV4] = "tx_not_ipv4",			\
	[MAPE_STAT_XLAT_UNTRANSLATABLE] = "xlat_untranslatable",	\
	[MAPE_STAT_XLAT_UDP_ZERO_CSUM] = "xlat_udp_zero_checksum",	\
	[MAPE_STAT_XLAT_SOURCE_ROUTE] = "xlat_source_route",		\
	[MAPE_STAT_XLAT_EXT_HEADER] = "xlat_ext_header",		\
	[MAPE_STAT_XLAT_ICMP_FRAGMENTS] = "xlat_icmp_fragments",	\
}

#endif /* _UAPI_LINUX_MAPE_H */
