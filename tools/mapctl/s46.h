/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two forms in which a CE is handed its MAP-E or MAP-T rules by
 * DHCPv6 (RFC 7598): the payload of OPTION_S46_CONT_MAPE (94) or
 * OPTION_S46_CONT_MAPT (95) as hex, which is what dhcpcd passes its hooks,
 * and the text odhcp6c makes of it for its scripts (variables MAPE and
 * MAPT), which OpenWrt's `rule` option also holds.
 * Parsing only: which rule applies is the caller's business (ce.c).
 */
#ifndef MAPCTL_S46_H
#define MAPCTL_S46_H

#include "mapfmt.h"

/* More rules than any domain hands one CE; bounds what is allocated. */
#define S46_RULES_MAX	1024

/*
 * One S46 rule. In r, prefix6/prefix6_len and prefix4/prefix4_len are
 * always set; ea_len, psid_offset and psid_len only where the has_ flag
 * says so: their defaults depend on the end-user prefix and on legacymap.
 * psid is as carried: left-aligned in 16 bits (RFC 7598 section 4.5), as
 * odhcp6c prints it.
 */
struct s46_rule {
	struct mape_rule r;
	bool fmr;
	bool has_ea, has_offset, has_psid_len, has_psid;
	u16 psid;
	struct in6_addr br;	/* the first BR given; has_br */
	bool has_br;
	unsigned int n_br;
};

/*
 * One container's rules. A MAP-T container (mapt) has exactly one DMR
 * (RFC 7598 section 5.2), checked here: an RFC 6052 length, no bit set
 * beyond it. Its rules have no BR.
 */
struct s46_rules {
	struct s46_rule *v;
	unsigned int n;
	bool mapt;
	struct in6_addr dmr;
	u8 dmr_len;
};

/*
 * rules: odhcp6c's text, rules separated by blanks, each a comma-separated
 * list of [fmr,]type=map-e,ealen=N,prefix4len=N,prefix6len=N,
 * ipv4prefix=A,ipv6prefix=P,[offset=N,psidlen=N,psid=N,]br=B[,br=B...]
 * or, all of them type=map-t, the same with dmr=P/L for the br keys (the
 * container's one DMR, repeated in every rule).
 * hex: the payload (its sub-options) of option 94, or of option 95 when
 * mapt, hex digits only.
 * Both return false after printing what is wrong and where, and free
 * nothing the caller must free; on success the caller calls s46_free().
 */
bool s46_parse_text(const char *rules, struct s46_rules *out);
bool s46_parse_hex(const char *hex, bool mapt, struct s46_rules *out);
void s46_free(struct s46_rules *rules);

#endif /* MAPCTL_S46_H */
