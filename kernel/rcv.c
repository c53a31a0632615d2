// SPDX-License-Identifier: GPL-2.0
/*
 * Decapsulation with anti-spoofing (RFC 7597 section 8).
 *
 * mape sits in the kernel's IPv4-in-IPv6 handler chain (tunnel6), ahead of
 * ip6tnl: it claims only packets addressed to a mape device's local
 * address and returns every other packet untouched, so ip6tnl devices keep
 * working beside it. Handlers run under rcu_read_lock().
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/inetdevice.h>
#include <net/ipv6_frag.h>
#include <linux/ip.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/ipv6.h>
#include <net/xfrm.h>

#include "device.h"
#include "packet.h"
#include "xlat_addr.h"
#include "xlat_pkt.h"

/*
 * Ahead of ip6_vti (0) and ip6tnl (1): mape looks first, and only at its
 * own addresses.
 */
#define MAPE_TUNNEL6_PRIORITY	-1

static int rx_drop(struct mape_dev *md, struct sk_buff *skb, enum mape_stat s)
{
	mape_stat_inc(md, s);
	DEV_STATS_INC(md->dev, rx_errors);
	if (s == MAPE_STAT_HEADER_ERRORS)
		DEV_STATS_INC(md->dev, rx_length_errors);
	kfree_skb_reason(skb, mape_stat_drop_reason(s));
	return 0;
}

/* The CE's port; 0 when the CE shares no ports. */
static int rx_ce_port(const struct mape_rule *r, struct sk_buff *skb,
		      enum mape_ce_end end, u16 *port)
{
	*port = 0;
	if (!r->psid_len)
		return 0;
	return mape_ipv4_ce_port(skb, end, port);
}

/*
 * What a receive check decides. A drop names its counter (which also
 * gives its drop reason) in the check's *why.
 */
enum rx_verdict {
	RX_PASS,
	RX_DROP,
	RX_NEEDS_FIRST,		/* a non-first fragment: the cache judges */
	RX_HELD,		/* the cache holds it until its first */
};

static enum rx_verdict rx_reject(enum mape_stat s, enum mape_stat *why)
{
	*why = s;
	return RX_DROP;
}

/*
 * Section 8.1: the outer source must be exactly the MAP address of the CE
 * that owns the inner source address and port. The rule is the one for
 * the inner source, found as transmit finds it: a packet passes exactly
 * when its answer would go back to the same outer address, and the data
 * path needs only the IPv4 lookup. types says which rules qualify (any on
 * a BR, FMRs on a CE). A fragment without a port needs its first; *first
 * tells a first fragment whose port passed.
 */
static enum rx_verdict check_source(struct mape_dev *md,
				    const struct mape_params *p,
				    struct sk_buff *skb,
				    const struct in6_addr *src, u8 types,
				    bool *first, enum mape_stat *why)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct mape_rule_entry *e;
	struct in6_addr expect;
	u16 port;
	int ret;

	e = mape_rules_lookup4(&md->rules, iph->saddr);
	if (!e || !(READ_ONCE(e->type) & types))
		return rx_reject(MAPE_STAT_DECAP_SPOOF, why);
	ret = rx_ce_port(&e->rule, skb, MAPE_CE_IS_SRC, &port);
	if (ret == -EAGAIN)
		return RX_NEEDS_FIRST;
	if (ret)
		return rx_reject(mape_ce_port_error(ret), why);
	if (!mape_dev_map4(p, &e->rule, iph->saddr, port, &expect) ||
	    !ipv6_addr_equal(&expect, src))
		return rx_reject(MAPE_STAT_DECAP_SPOOF, why);
	*first = e->rule.psid_len && (iph->frag_off & htons(IP_MF));
	return RX_PASS;
}

/*
 * A CE accepts from its BR (in mode T: from the DMR), recognised before
 * any rule is decoded (the BR address may lie inside a rule prefix), or
 * from a peer CE under an FMR; and only for its own address and ports.
 */
static enum rx_verdict check_ce_dst(const struct mape_params *p,
				    struct sk_buff *skb,
				    enum rx_verdict source, enum mape_stat *why);

static enum rx_verdict check_ce(struct mape_dev *md,
				const struct mape_params *p,
				struct sk_buff *skb, const struct in6_addr *src,
				bool *first, enum mape_stat *why)
{
	enum rx_verdict source = RX_PASS;

	if (p->cfg.mode == MAPE_MODE_T ? !mape_t_from_dmr(p, src) :
					 !ipv6_addr_equal(src, &p->cfg.br_addr)) {
		source = check_source(md, p, skb, src, MAPE_RULE_FMR, first,
				      why);
		if (source == RX_DROP)
			return source;
	}
	return check_ce_dst(p, skb, source, why);
}

/* A CE takes its own address and ports only; source: the verdict so far. */
static enum rx_verdict check_ce_dst(const struct mape_params *p,
				    struct sk_buff *skb,
				    enum rx_verdict source, enum mape_stat *why)
{
	const struct iphdr *iph = ip_hdr(skb);
	u16 port;
	int ret;

	if (!mape_ipv4_prefix_match(iph->daddr, p->ce.ip4, p->ce.ip4_len))
		return rx_reject(MAPE_STAT_DECAP_WRONG_DST, why);
	if (!p->ce.ports.len)
		return source;
	ret = mape_ipv4_ce_port(skb, MAPE_CE_IS_DST, &port);
	/* A later fragment has no port: the IPv4 reassembly that follows
	 * needs its first fragment, which was checked.
	 */
	if (ret == -EAGAIN)
		return source;
	if (ret)
		return rx_reject(mape_ce_port_error(ret), why);
	if (!mape_port_in_set(&p->ce.ports, port))
		return rx_reject(MAPE_STAT_PORT_SET, why);
	return source;
}

/*
 * RFC 7597 section 8.3.2, receive: a non-first fragment on a shared
 * address is accepted only from the outer source its first fragment came
 * from; before its first it waits.
 */
static enum rx_verdict frag_check(struct mape_dev *md, struct sk_buff *skb,
				  const struct in6_addr *src, u8 outer_ds,
				  enum mape_stat *why)
{
	struct mape_frag_key key;
	struct in6_addr first;

	mape_frag_key_init(&key, ip_hdr(skb), MAPE_FRAG_RX);
	/* Held for seconds: keep no route nor device but our own. */
	skb_dst_drop(skb);
	skb->dev = md->dev;
	MAPE_FRAG_CB(skb)->dsfield = outer_ds;
	switch (mape_frag_lookup(&md->frags, &key, src, true, &first, skb)) {
	case MAPE_FRAG_FOUND:
		mape_stat_inc(md, MAPE_STAT_V4_REASSEMBLED);
		return RX_PASS;
	case MAPE_FRAG_HELD:
		return RX_HELD;
	case MAPE_FRAG_SPOOF:
		return rx_reject(MAPE_STAT_DECAP_SPOOF, why);
	default:
		return rx_reject(MAPE_STAT_V4_FRAG_DROPS, why);
	}
}

/* Decapsulate an accepted packet and hand it to the IPv4 stack. */
static int deliver(struct mape_dev *md, struct sk_buff *skb, u8 outer_ds)
{
	/* Clears the IPv6-tunnel GSO bits of a packet that came in whole. */
	if (iptunnel_pull_header(skb, 0, htons(ETH_P_IP), false))
		return rx_drop(md, skb, MAPE_STAT_HEADER_ERRORS);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	__skb_tunnel_rx(skb, md->dev, md->net);
	/* RFC 6040: a CE mark on the outer header reaches the inner one. */
	if (INET_ECN_decapsulate(skb, outer_ds, ipv4_get_dsfield(ip_hdr(skb))) > 1) {
		DEV_STATS_INC(md->dev, rx_frame_errors);
		return rx_drop(md, skb, MAPE_STAT_HEADER_ERRORS);
	}
	mape_stat_inc(md, MAPE_STAT_DECAPS);
	mape_stat_add(md, MAPE_STAT_DECAP_BYTES, skb->len);
	dev_sw_netstats_rx_add(md->dev, skb->len);
	gro_cells_receive(&md->gro_cells, skb);
	return 0;
}

/*
 * A first fragment passed: record its outer source, deliver it, then the
 * fragments held for it that came from the same source.
 */
static int deliver_first(struct mape_dev *md, struct sk_buff *skb,
			 const struct in6_addr *src, u8 outer_ds)
{
	struct sk_buff_head ok, bad;
	struct mape_frag_key key;
	struct sk_buff *h;

	__skb_queue_head_init(&ok);
	__skb_queue_head_init(&bad);
	mape_frag_key_init(&key, ip_hdr(skb), MAPE_FRAG_RX);
	mape_frag_record(&md->frags, &key, src, true, &ok, &bad);
	deliver(md, skb, outer_ds);
	while ((h = __skb_dequeue(&ok))) {
		mape_stat_inc(md, MAPE_STAT_V4_FRAG_RELEASED);
		mape_stat_inc(md, MAPE_STAT_V4_REASSEMBLED);
		deliver(md, h, MAPE_FRAG_CB(h)->dsfield);
	}
	while ((h = __skb_dequeue(&bad)))
		rx_drop(md, h, MAPE_STAT_DECAP_SPOOF);
	return 0;
}

static int mape_rcv(struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	const struct mape_params *p;
	struct in6_addr src;
	const struct iphdr *iph;
	struct mape_dev *md;
	enum mape_stat why;
	enum rx_verdict v;
	bool first = false;
	u16 outer_nh;
	u8 outer_ds;

	md = mape_dev_find_local(dev_net(skb->dev), &ip6h->daddr, &p);
	if (!md)
		return -EINVAL;		/* not ours: the next handler's */
	src = ip6h->saddr;
	outer_ds = ipv6_get_dsfield(ip6h);
	/* Outer fragments were reassembled by the IPv6 layer before any
	 * tunnel handler saw them (RFC 2473 section 7): count them here,
	 * where they become ours.
	 */
	if (IP6CB(skb)->flags & IP6SKB_FRAGMENTED)
		mape_stat_inc(md, MAPE_STAT_V6_REASSEMBLED);

	if (!xfrm6_policy_check(NULL, XFRM_POLICY_IN, skb))
		return rx_drop(md, skb, MAPE_STAT_DECAP_SPOOF);

	/* tunnel6 pulled the inner IPv4 header's first 20 bytes. */
	outer_nh = skb->network_header;
	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	iph = ip_hdr(skb);
	if (iph->version != 4 || iph->ihl < 5 ||
	    !pskb_may_pull(skb, iph->ihl * 4))
		return rx_drop(md, skb, MAPE_STAT_HEADER_ERRORS);

	if (p->cfg.role == MAPE_ROLE_BR)
		v = check_source(md, p, skb, &src,
				 MAPE_RULE_BMR | MAPE_RULE_FMR, &first, &why);
	else
		v = check_ce(md, p, skb, &src, &first, &why);
	if (v == RX_NEEDS_FIRST) {
		/* The cache may have taken the skb, or dropped its route and
		 * changed its device: a later fragment is dropped without an
		 * ICMPv6, which only a packet with its port can earn.
		 */
		v = frag_check(md, skb, &src, outer_ds, &why);
		if (v == RX_HELD)
			return 0;
	} else if (v == RX_DROP && why == MAPE_STAT_DECAP_SPOOF &&
		   p->cfg.role == MAPE_ROLE_BR) {
		/* RFC 7597 section 8.1: tell the source its address failed
		 * the BR's ingress policy.
		 */
		skb->network_header = outer_nh;
		__skb_push(skb, -skb_network_offset(skb));
		icmpv6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_POLICY_FAIL, 0);
	}
	if (v == RX_DROP)
		return rx_drop(md, skb, why);
	if (first)
		return deliver_first(md, skb, &src, outer_ds);
	return deliver(md, skb, outer_ds);
}

/* RFC 7600 section 4.8: 192.0.0.8, the IPv4 dummy address. */
#define MAPE_RFC7600_DUMMY	0xc0000008

/*
 * RFC 6791: the IPv4 source of an ICMPv6 error from a router of the IPv6
 * domain, which has no IPv4 name. The configured one, else the device's
 * own as IPv4 would pick it to answer d4 (an address of the device, else
 * of the host), else the dummy. The device accepts local sources
 * (device.c's accept_local()).
 */
static __be32 icmp_source(const struct mape_dev *md,
			  const struct mape_params *p, __be32 d4)
{
	__be32 s4 = p->cfg.icmp_src;

	if (!s4)
		s4 = inet_select_addr(md->dev, d4, RT_SCOPE_UNIVERSE);
	return s4 ?: htonl(MAPE_RFC7600_DUMMY);
}

#if IS_ENABLED(CONFIG_NF_DEFRAG_IPV6)
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

/*
 * nf_ct_frag6_gather() keys its queues by user, as ip_defrag() does (see
 * MAPE_DEFRAG_USER in xmit.c): the last of the bridge conntrack range.
 */
#define MAPE_DEFRAG6_USER	__IP6_DEFRAG_CONNTRACK_BRIDGE_IN

/*
 * Mode T translates ICMPv6 only whole: the ICMPv4 checksum must lose the
 * pseudo-header, whose length only the whole message has (RFC 7915
 * section 5.2). Its fragments are gathered with the queues, limits and
 * timeouts of netfilter's IPv6 defragmentation (per namespace, bounded);
 * a queue that times out with its first fragment sends the source a
 * time exceeded, as the destination's would. The reassembled packet,
 * parsed again into v6, replaces skb; -EINPROGRESS when it is queued
 * (skb taken), another error when it is dropped.
 */
static int reasm6(struct mape_dev *md, struct sk_buff *skb,
		  struct mape_xlat_v6 *v6)
{
	int err;

	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	err = nf_ct_frag6_gather(md->net, skb, MAPE_DEFRAG6_USER);
	if (err)
		return err;
	if (mape_xlat_v6_parse(skb, v6) != MAPE_XLAT_OK || v6->frag)
		return -EINVAL;
	return 0;
}
#else
static int reasm6(struct mape_dev *md, struct sk_buff *skb,
		  struct mape_xlat_v6 *v6)
{
	return -EOPNOTSUPP;
}
#endif

/* An ICMPv6 error message, whole (not in fragments). */
static bool icmp6_error(const struct sk_buff *skb,
			const struct mape_xlat_v6 *v6)
{
	u8 _type;
	const u8 *type;

	if (v6->proto != IPPROTO_ICMPV6 || v6->frag)
		return false;
	type = skb_header_pointer(skb, v6->off, sizeof(_type), &_type);
	return type && !(*type & ICMPV6_INFOMSG_MASK);
}

/*
 * Mode T, RFC 7599 section 5: IPv6 from the domain, routed into the
 * device, is translated and then passes the checks of mode E on what it
 * became: the source must be the MAP address of the CE owning its IPv4
 * source and port (a BR's CEs, a CE's FMR peers) or, on a CE, come from
 * the DMR; a CE takes only its own address and ports. The device's
 * transmit runs under rcu_read_lock_bh(); the rule table needs
 * rcu_read_lock() too.
 */
bool mape_t_rcv(struct mape_dev *md, struct sk_buff *skb)
{
	struct mape_xlat_args args = {};
	const struct mape_params *p;
	const struct ipv6hdr *ip6h;
	struct mape_t_names names;
	struct in6_addr src, dst;
	struct mape_xlat_v6 v6;
	enum mape_xlat_ret ret;
	enum mape_stat why;
	enum rx_verdict v;
	bool first = false, anon = false, ce;
	struct iphdr *iph;
	__be32 s4, d4;
	u8 ds;

	rcu_read_lock();
	p = rcu_dereference(md->params);
	if (p->cfg.mode != MAPE_MODE_T)
		goto not_ours;
	skb_reset_network_header(skb);
	if (!pskb_network_may_pull(skb, sizeof(*ip6h)))
		goto bad;
	ip6h = ipv6_hdr(skb);
	/* The device's own neighbour discovery and MLD. */
	if ((ipv6_addr_type(&ip6h->daddr) &
	     (IPV6_ADDR_MULTICAST | IPV6_ADDR_LINKLOCAL)) ||
	    (ipv6_addr_type(&ip6h->saddr) & IPV6_ADDR_LINKLOCAL))
		goto not_ours;
	/* This host's own IPv6 may come in too, and turns around into
	 * IPv4 input: its socket must not travel with it (loopback's rule).
	 */
	skb_orphan(skb);
	if (!ip6h->payload_len ||
	    skb->len < sizeof(*ip6h) + ntohs(ip6h->payload_len) ||
	    pskb_trim_rcsum(skb, sizeof(*ip6h) + ntohs(ip6h->payload_len)))
		goto bad;
	ip6h = ipv6_hdr(skb);
	ret = mape_xlat_v6_parse(skb, &v6);
	if (ret == MAPE_XLAT_EXTHDR)
		icmpv6_send(skb, ICMPV6_PARAMPROB, ICMPV6_HDR_FIELD,
			    v6.pointer);
	if (ret != MAPE_XLAT_OK) {
		rx_drop(md, skb, mape_xlat_stat(ret));
		goto out;
	}
	if (v6.frag && v6.proto == IPPROTO_ICMPV6) {
		int err;

		args.frag_id = v6.fh.identification;
		err = reasm6(md, skb, &v6);

		if (err == -EINPROGRESS)
			goto out;
		if (err) {
			rx_drop(md, skb, err == -EOPNOTSUPP ?
				MAPE_STAT_XLAT_ICMP_FRAGMENTS :
				MAPE_STAT_V6_FRAG_DROPS);
			goto out;
		}
		args.reassembled = true;
		mape_stat_inc(md, MAPE_STAT_V6_REASSEMBLED);
		ip6h = ipv6_hdr(skb);
	}
	src = ip6h->saddr;
	dst = ip6h->daddr;
	ds = ipv6_get_dsfield(ip6h);
	ce = p->cfg.role == MAPE_ROLE_CE;
	mape_t_names_init(&names, md, p);
	if (!mape_t_to4(&names, &dst, ce, &d4)) {
		rx_drop(md, skb, MAPE_STAT_DECAP_WRONG_DST);
		goto out;
	}
	if (!mape_t_to4(&names, &src, !ce, &s4)) {
		/* An ICMPv6 error from a router of the IPv6 domain. Anyone
		 * on the path may send one (as in mode E); what it quotes
		 * must be named by this device for its translation to
		 * succeed.
		 */
		if (!icmp6_error(skb, &v6)) {
			rx_drop(md, skb, MAPE_STAT_DECAP_SPOOF);
			goto out;
		}
		s4 = icmp_source(md, p, d4);
		anon = true;
	} else if (ce && inet_addr_type_dev_table(md->net, md->dev, s4) ==
		   RTN_LOCAL) {
		/* The martian check the device's accept_local turned off,
		 * kept for what the domain names: a CE's sources are the
		 * world behind the DMR and its FMR peers, never itself.
		 * A BR's are its CEs, which rules place outside the host.
		 */
		rx_drop(md, skb, MAPE_STAT_DECAP_SPOOF);
		goto out;
	}
	args.map = &names.map;
	args.near_is_dst = ce;
	ret = mape_xlat_6to4(md->net, skb, &v6, s4, d4, &args);
	if (ret != MAPE_XLAT_OK) {
		rx_drop(md, skb, mape_xlat_stat(ret));
		goto out;
	}
	/* RFC 7915 section 5.1: once per translator. ip6_forward took one
	 * off the hop limit on the way in, ip_forward takes one off the TTL
	 * on the way out: give one back.
	 */
	iph = ip_hdr(skb);
	if (iph->ttl < 255) {
		iph->ttl++;
		ip_send_check(iph);
	}

	if (anon)
		v = ce ? check_ce_dst(p, skb, RX_PASS, &why) : RX_PASS;
	else if (ce)
		v = check_ce(md, p, skb, &src, &first, &why);
	else
		v = check_source(md, p, skb, &src,
				 MAPE_RULE_BMR | MAPE_RULE_FMR, &first, &why);
	if (v == RX_NEEDS_FIRST) {
		v = frag_check(md, skb, &src, ds, &why);
		if (v == RX_HELD)
			goto out;
	} else if (v == RX_DROP && why == MAPE_STAT_DECAP_SPOOF && !ce &&
		   mape_xlat_4to6(skb, &src, &dst, &args) == MAPE_XLAT_OK) {
		/* RFC 7597 section 8.1, which RFC 7599 keeps: tell the
		 * source, quoting its packet as it came (translated back).
		 */
		icmpv6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_POLICY_FAIL, 0);
	}
	if (v == RX_DROP)
		rx_drop(md, skb, why);
	else if (first)
		deliver_first(md, skb, &src, ds);
	else
		deliver(md, skb, ds);
out:
	rcu_read_unlock();
	return true;
bad:
	rx_drop(md, skb, MAPE_STAT_HEADER_ERRORS);
	goto out;
not_ours:
	rcu_read_unlock();
	return false;
}

/*
 * Did this device send the embedded packet? Its IPv6 destination must be
 * where the device maps the IPv4 one: a CE's own IPv4 source, a BR's rule
 * for the IPv4 destination. Keeps forged ICMPv6 from making us send ICMPv4
 * about packets we never carried.
 */
static bool relay_ours(struct mape_dev *md, const struct mape_params *p,
		       struct sk_buff *skb, const struct in6_addr *daddr)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct mape_rule_entry *e;
	struct in6_addr expect;
	u16 port = 0;
	int ret;

	if (p->cfg.role == MAPE_ROLE_CE) {
		if (!mape_ipv4_prefix_match(iph->saddr, p->ce.ip4,
					    p->ce.ip4_len))
			return false;
		if (ipv6_addr_equal(daddr, &p->cfg.br_addr))
			return true;
	}
	e = mape_rules_lookup4(&md->rules, iph->daddr);
	if (!e)
		return false;
	if (e->rule.psid_len) {
		ret = mape_ipv4_ce_port(skb, MAPE_CE_IS_DST, &port);
		/* No port to be sure of: the rule's prefix must match. */
		if (ret)
			return ipv6_prefix_equal(daddr, &e->rule.prefix6,
						 e->rule.prefix6_len);
	}
	return mape_rule_map4(&e->rule, iph->daddr, port, p->cfg.ifid,
			      &expect) && ipv6_addr_equal(&expect, daddr);
}

/*
 * Route the embedded IPv4 packet as if it were arriving again, so that
 * icmp_send() answers its source from the right address; the route must
 * lead into this device, as the original did.
 */
static bool relay_route(struct mape_dev *md, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct net *net = md->net;
	struct flowi4 fl4;
	struct rtable *rt;

	rt = ip_route_output_ports(net, &fl4, NULL, iph->saddr, 0, 0, 0,
				   IPPROTO_IPIP, RT_TOS(iph->tos), 0);
	if (IS_ERR(rt))
		return false;
	skb->dev = rt->dst.dev;
	if (rt->rt_flags & RTCF_LOCAL) {
		/* Sent by this host: its output route. */
		ip_rt_put(rt);
		rt = ip_route_output_ports(net, &fl4, NULL, iph->daddr,
					   iph->saddr, 0, 0, IPPROTO_IPIP,
					   RT_TOS(iph->tos), 0);
		if (IS_ERR(rt))
			return false;
		skb_dst_set(skb, &rt->dst);
	} else {
		ip_rt_put(rt);
		if (ip_route_input(skb, iph->daddr, iph->saddr, ip4h_dscp(iph),
				   skb->dev))
			return false;
	}
	return skb_dst(skb)->dev == md->dev;
}

/*
 * ICMPv6 errors about packets a mape device sent (their source is ours):
 * Packet Too Big lowers the IPv6 path MTU, and every error goes on to the
 * IPv4 sender (RFC 2473 section 8). Returning 0 ends the handler chain.
 */
static int mape_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
		    u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;
	struct net *net = dev_net(skb->dev);
	const struct mape_params *p;
	struct in6_addr daddr;
	struct sk_buff *skb2;
	struct mape_dev *md;
	u8 type4, code4;
	u32 info4;

	md = mape_dev_find_local(net, &ip6h->saddr, &p);
	if (!md)
		return -ENOENT;
	daddr = ip6h->daddr;
	if (type == ICMPV6_PKT_TOOBIG)
		ip6_update_pmtu(skb, net, info, 0, 0, sock_net_uid(net, NULL));
	if (!mape_icmp6_to_icmp4(type, code, ntohl(info), offset, &type4,
				 &code4, &info4))
		return 0;
	if (!pskb_may_pull(skb, offset + sizeof(struct iphdr)))
		goto bad;
	skb2 = skb_clone(skb, GFP_ATOMIC);
	if (!skb2)
		return 0;
	/* The IPv6 layer's control block and route mean nothing to IPv4. */
	memset(IPCB(skb2), 0, sizeof(*IPCB(skb2)));
	skb_dst_drop(skb2);
	skb_pull(skb2, offset);
	skb_reset_network_header(skb2);
	if (ip_hdr(skb2)->version != 4 || ip_hdr(skb2)->ihl < 5 ||
	    !pskb_network_may_pull(skb2, ip_hdr(skb2)->ihl * 4) ||
	    !relay_ours(md, p, skb2, &daddr) || !relay_route(md, skb2)) {
		kfree_skb(skb2);
		goto bad;
	}
	if (type4 == ICMP_DEST_UNREACH && code4 == ICMP_FRAG_NEEDED &&
	    info4 < dst_mtu(skb_dst(skb2)))
		skb_dst_update_pmtu_no_confirm(skb2, info4);
	icmp_send(skb2, type4, code4, htonl(info4));
	consume_skb(skb2);
	mape_stat_inc(md, MAPE_STAT_ICMP_RELAYED);
	return 0;

bad:
	mape_stat_inc(md, MAPE_STAT_ICMP_DECAP_ERRORS);
	return 0;
}

static struct xfrm6_tunnel mape_handler __read_mostly = {
	.handler	= mape_rcv,
	.err_handler	= mape_err,
	.priority	= MAPE_TUNNEL6_PRIORITY,
};

int __init mape_rcv_init(void)
{
	return xfrm6_tunnel_register(&mape_handler, AF_INET);
}

void mape_rcv_uninit(void)
{
	xfrm6_tunnel_deregister(&mape_handler, AF_INET);
}
