// SPDX-License-Identifier: GPL-2.0
/*
 * Encapsulation: IPv4 in, IPv6 out (RFC 7597 sections 7 and 8, RFC 2473).
 *
 * Lockless: ndo_start_xmit runs under rcu_read_lock_bh() with NETIF_F_LLTX;
 * everything read here is RCU-published or per-cpu.
 */

#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/dst_metadata.h>
#include <net/dsfield.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ip6_tunnel.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>

#include "compat.h"
#include "device.h"
#include "packet.h"
#include "xlat_addr.h"
#include "xlat_pkt.h"

/* RFC 2473 section 4.1.1: the encapsulation limit destination option,
 * padded to 8 bytes with a PadN option.
 */
struct enclim_hdr {
	u8 nexthdr;
	u8 hdrlen;
	u8 type;
	u8 len;
	u8 limit;
	u8 pad_type;
	u8 pad_len;
	u8 pad;
};

/*
 * ip_defrag() keys its queues by user. A queue that times out makes the
 * IPv4 layer send "reassembly time exceeded" unless its user is one of
 * those frag_expire_skip_icmp() knows to be a middlebox: RFC 792 leaves
 * that message to the destination host, and mape is a router on the way.
 * The kernel has no user of ours (upstream would add IP_DEFRAG_MAPE to
 * that list), so mape takes the last value of the bridge conntrack range,
 * which bridge netfilter uses for zone 65535: a bridge's reassembly
 * completes before the packet moves on, so the two never share a live
 * queue.
 */
#define MAPE_DEFRAG_USER	__IP_DEFRAG_CONNTRACK_BRIDGE_IN

static void tx_drop(struct mape_dev *md, struct sk_buff *skb, enum mape_stat s)
{
	mape_stat_inc(md, s);
	DEV_STATS_INC(md->dev, tx_errors);
	kfree_skb_reason(skb, mape_stat_drop_reason(s));
}

/* DF set, too big for the IPv6 path: the IPv4 sender learns mtu. */
static void frag_needed(struct mape_dev *md, struct sk_buff *skb,
			unsigned int mtu)
{
	icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
	mape_stat_inc(md, MAPE_STAT_ICMP_ENCAP_ERRORS);
	tx_drop(md, skb, MAPE_STAT_V6_MTU_ERRORS);
}

/* Tell the IPv4 sender, then drop (RFC 7597 section 7: no rule). */
static void no_ce(struct mape_dev *md, struct sk_buff *skb, enum mape_stat s)
{
	icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	mape_stat_inc(md, MAPE_STAT_ICMP_ENCAP_ERRORS);
	tx_drop(md, skb, s);
}

static struct dst_entry *route(struct mape_dev *md, struct dst_cache *cache,
			       struct flowi6 *fl6)
{
	struct dst_entry *dst = NULL;

	if (cache)
		dst = dst_cache_get_ip6(cache, &fl6->saddr);
	if (dst)
		return dst;
	dst = ip6_route_output(md->net, NULL, fl6);
	if (dst->error) {
		dst_release(dst);
		return NULL;
	}
	dst = xfrm_lookup(md->net, dst, flowi6_to_flowi(fl6), NULL, 0);
	if (IS_ERR(dst))
		return NULL;
	if (cache)
		dst_cache_set_ip6(cache, dst, &fl6->saddr);
	return dst;
}

/*
 * The IPv6 route of a packet into the domain; NULL, the skb dropped and
 * counted, when there is none or it leads back into this device.
 */
static struct dst_entry *route_out(struct mape_dev *md,
				   struct dst_cache *cache, struct flowi6 *fl6,
				   struct sk_buff *skb)
{
	struct net_device *dev = md->dev;
	struct dst_entry *dst = route(md, cache, fl6);

	if (!dst) {
		DEV_STATS_INC(dev, tx_carrier_errors);
		tx_drop(md, skb, MAPE_STAT_NO_ROUTE);
		return NULL;
	}
	if (dst->dev == dev) {
		dst_release(dst);
		net_warn_ratelimited("%s: the IPv6 route leads back into it\n",
				     dev->name);
		DEV_STATS_INC(dev, collisions);
		tx_drop(md, skb, MAPE_STAT_NO_ROUTE);
		return NULL;
	}
	return dst;
}

static int frag_inner(struct mape_dev *md, struct mape_params *p,
		      struct sk_buff *skb, const struct in6_addr *saddr,
		      const struct in6_addr *daddr, unsigned int mtu);

static int encap(struct mape_dev *md, struct mape_params *p,
		 struct sk_buff *skb, const struct in6_addr *saddr,
		 const struct in6_addr *daddr);
static int send6(struct mape_dev *md, struct mape_params *p,
		 struct sk_buff *skb, const struct in6_addr *saddr,
		 const struct in6_addr *daddr);
static void xmit_ce(struct mape_dev *md, struct mape_params *p,
		    struct sk_buff *skb);

/*
 * One segment of a super-packet cut by segment(), on its way again as a
 * packet of its own: encapsulated to daddr, or (NULL) through the CE's
 * transmit path. A function of its own so that tracing can count what
 * enters mape this way (selftests/fuzz), as it counts frag_piece().
 */
static noinline void segment_next(struct mape_dev *md, struct mape_params *p,
				  struct sk_buff *seg,
				  const struct in6_addr *saddr,
				  const struct in6_addr *daddr)
{
	skb_mark_not_on_list(seg);
	if (daddr)
		send6(md, p, seg, saddr, daddr);
	else
		xmit_ce(md, p, seg);
}

/*
 * Software GSO, for a super-packet that cannot leave as one: its segments
 * need fragmenting, or an identifier each (frag-id). The IPv6 layer would
 * otherwise fragment (or refuse) the whole super-packet. The super-packet
 * ends counted (v4_segmented, or dropped); each segment goes on through
 * segment_next().
 */
static void segment(struct mape_dev *md, struct mape_params *p,
		    struct sk_buff *skb, const struct in6_addr *saddr,
		    const struct in6_addr *daddr)
{
	struct sk_buff *segs = skb_gso_segment(skb, 0), *next;

	if (IS_ERR_OR_NULL(segs)) {
		tx_drop(md, skb, MAPE_STAT_HEADER_ERRORS);
		return;
	}
	mape_stat_inc(md, MAPE_STAT_V4_SEGMENTED);
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next)
		segment_next(md, p, skb, saddr, daddr);
}

/*
 * frag-inner needs the IPv4 route a packet came with; a fragment the BR
 * held for its first lost it. Route it again, out of this device.
 */
static bool inner_route(struct mape_dev *md, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct flowi4 fl4 = {
		.flowi4_oif = md->dev->ifindex,
		.flowi4_proto = iph->protocol,
		.daddr = iph->daddr,
	};
	struct rtable *rt;

	if (skb_valid_dst(skb))
		return true;
	rt = ip_route_output_key(md->net, &fl4);
	if (IS_ERR(rt))
		return false;
	skb_dst_set(skb, &rt->dst);
	return true;
}

static int encap(struct mape_dev *md, struct mape_params *p,
		 struct sk_buff *skb, const struct in6_addr *saddr,
		 const struct in6_addr *daddr)
{
	const struct mape_config *cfg = &p->cfg;
	struct net_device *dev = md->dev;
	const struct iphdr *iph = ip_hdr(skb);
	bool enclim = cfg->encap_limit != MAPE_ENCAP_LIMIT_NONE;
	unsigned int hlen = sizeof(struct ipv6hdr) +
			    (enclim ? sizeof(struct enclim_hdr) : 0);
	struct flowi6 fl6 = {
		.flowi6_oif = cfg->link,
		.flowi6_proto = IPPROTO_IPIP,
		.flowi6_mark = skb->mark,
		.flowi6_uid = sock_net_uid(md->net, NULL),
		.daddr = *daddr,
		.saddr = *saddr,
	};
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	unsigned int mtu, max_headroom, frag_max = 0;
	u8 dsfield, inner_tos = iph->tos;
	u8 proto = IPPROTO_IPIP;
	int len, err;
	bool df;

	dsfield = cfg->tclass == MAPE_TCLASS_INHERIT ? inner_tos : cfg->tclass;
	dsfield = INET_ECN_encapsulate(dsfield, inner_tos);

	/* Only the route to the BR has one destination worth caching, and
	 * only while nothing else (a mark) can select another route. The
	 * traffic class is left out of the route key for the same reason.
	 */
	dst = route_out(md, ipv6_addr_equal(daddr, &cfg->br_addr) && !skb->mark ?
			&p->dst_cache : NULL, &fl6, skb);
	if (!dst)
		return -ENETUNREACH;

	mtu = dst_mtu(dst);
	if (cfg->mtu_v6 && cfg->mtu_v6 < mtu) {
		/* mtu-v6 caps the outer packets below the path's MTU; the
		 * IPv6 layer's fragmentation honours frag_max_size.
		 */
		mtu = cfg->mtu_v6;
		frag_max = mtu;
	}
	mtu = mtu > hlen + IPV4_MIN_MTU ? mtu - hlen : IPV4_MIN_MTU;
	if (skb_valid_dst(skb))
		skb_dst_update_pmtu_no_confirm(skb, mtu);
	df = iph->frag_off & htons(IP_DF);
	if (skb_is_gso(skb) ? !skb_gso_validate_network_len(skb, mtu) :
			      skb->len > mtu) {
		if (df) {
			dst_release(dst);
			frag_needed(md, skb, mtu);
			return -EMSGSIZE;
		}
		/* DF clear: each segment is fragmented as if sent alone. */
		if (skb_is_gso(skb)) {
			dst_release(dst);
			segment(md, p, skb, saddr, daddr);
			return 0;
		}
		/* RFC 2473 section 7.2 fragments the outer packet; frag-inner
		 * fragments the IPv4 one instead, as a router would.
		 */
		if (cfg->frag_mode == MAPE_FRAG_INNER && inner_route(md, skb)) {
			dst_release(dst);
			return frag_inner(md, p, skb, saddr, daddr, mtu);
		}
		mape_stat_inc(md, MAPE_STAT_V6_FRAGMENTED);
	} else if (skb_is_gso(skb)) {
		/* Its segments fit: frag_max_size would make the IPv6 layer
		 * fragment the super-packet as a whole.
		 */
		frag_max = 0;
	}

	max_headroom = LL_RESERVED_SPACE(dst->dev) + hlen + dst->header_len;
	if (max_headroom > READ_ONCE(dev->needed_headroom))
		WRITE_ONCE(dev->needed_headroom, max_headroom);
	if (skb_cow_head(skb, max_headroom)) {
		dst_release(dst);
		tx_drop(md, skb, MAPE_STAT_HEADER_ERRORS);
		return -ENOMEM;
	}

	len = skb->len;
	skb_scrub_packet(skb, false);
	/* DF clear: the outer packet may be fragmented (RFC 2473 7.2). */
	skb->ignore_df = !df;
	skb_dst_set(skb, dst);
	if (iptunnel_handle_offloads(skb, SKB_GSO_IPXIP6)) {
		tx_drop(md, skb, MAPE_STAT_HEADER_ERRORS);
		return -EINVAL;
	}
	skb_set_inner_ipproto(skb, IPPROTO_IPIP);

	if (enclim) {
		struct enclim_hdr *eh = skb_push(skb, sizeof(*eh));

		eh->nexthdr = IPPROTO_IPIP;
		eh->hdrlen = 0;
		eh->type = IPV6_TLV_TNL_ENCAP_LIMIT;
		eh->len = 1;
		eh->limit = cfg->encap_limit;
		eh->pad_type = IPV6_TLV_PADN;
		eh->pad_len = 1;
		eh->pad = 0;
		proto = NEXTHDR_DEST;
	}
	skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, dsfield,
		     ip6_make_flowlabel(md->net, skb, 0, true, &fl6));
	ip6h->hop_limit = cfg->hoplimit;
	ip6h->nexthdr = proto;
	ip6h->saddr = *saddr;
	ip6h->daddr = *daddr;
	skb->protocol = htons(ETH_P_IPV6);

	mape_stat_inc(md, MAPE_STAT_ENCAPS);
	mape_stat_add(md, MAPE_STAT_ENCAP_BYTES, len);
	/* ip6tunnel_xmit() less its clearing of frag_max_size. */
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	IP6CB(skb)->frag_max_size = frag_max;
	err = ip6_local_out(md->net, NULL, skb);
	iptunnel_xmit_stats(dev, net_xmit_eval(err) ? -1 : len);
	return 0;
}

/*
 * A whole translated ICMP message bigger than the path (mape_xmit()
 * reassembled it; the ICMPv6 checksum covers all of it) leaves in IPv6
 * fragments cut here rather than by the IPv6 layer, whose identification
 * would be a random one: RFC 7915 section 4.1 has a translator's carry
 * the IPv4 identification in their low 16 bits, which frag-id psid keeps
 * in a CE's set. The translated packet skb (route set, IPv6 header at
 * data) is consumed; mtu is the IPv6 packet's limit.
 */
static void xlat_fragment(struct mape_dev *md, struct sk_buff *skb,
			  unsigned int mtu, __be16 id)
{
	struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct net_device *out = skb_dst(skb)->dev;
	struct ip6_frag_state state;
	struct sk_buff *frag;

	ip6_frag_init(skb, sizeof(*ip6h),
		      (mtu - sizeof(*ip6h) - sizeof(struct frag_hdr)) & ~7,
		      out->needed_tailroom, LL_RESERVED_SPACE(out),
		      &ip6h->nexthdr, ip6h->nexthdr, htonl(ntohs(id)), &state);
	while (state.left > 0) {
		frag = ip6_frag_next(skb, &state);
		if (IS_ERR(frag)) {
			tx_drop(md, skb, MAPE_STAT_HEADER_ERRORS);
			return;
		}
		ip6_local_out(md->net, NULL, frag);
	}
	consume_skb(skb);
}

/*
 * Mode T (RFC 7599 section 5): the IPv4 packet becomes an IPv6 one to
 * daddr, from the address naming its source (a CE's own, or the DMR's on
 * a BR), through the same route, MTU, segmentation and IPv4 fragmentation
 * as encapsulation. The device's MTU is the IPv6 one (translated IPv6
 * arrives through it too): the IPv4 limit, 20 bytes less, is kept here.
 */
static int translate(struct mape_dev *md, struct mape_params *p,
		     struct sk_buff *skb, const struct in6_addr *daddr)
{
	const struct mape_config *cfg = &p->cfg;
	struct net_device *dev = md->dev;
	const struct iphdr *iph = ip_hdr(skb);
	bool df = iph->frag_off & htons(IP_DF);
	__be16 id = iph->id;
	unsigned int grow = sizeof(struct ipv6hdr) - sizeof(*iph) +
			    (ip_is_fragment(iph) ? sizeof(struct frag_hdr) : 0);
	struct mape_xlat_args args = {
		.near_is_dst = cfg->role == MAPE_ROLE_BR,
	};
	struct mape_t_names names;
	struct flowi6 fl6 = {
		.flowi6_oif = cfg->link,
		.flowi6_proto = iph->protocol == IPPROTO_ICMP ? IPPROTO_ICMPV6 :
							       iph->protocol,
		.flowi6_mark = skb->mark,
		.flowi6_uid = sock_net_uid(md->net, NULL),
		.daddr = *daddr,
	};
	enum mape_xlat_ret ret;
	struct dst_entry *dst;
	unsigned int mtu;
	bool v6_frag = false;
	int len, err;

	mape_t_names_init(&names, md, p);
	args.map = &names.map;
	if (!mape_t_to6(&names, iph->saddr, 0, cfg->role == MAPE_ROLE_CE,
			&fl6.saddr)) {
		tx_drop(md, skb, MAPE_STAT_PORT_SET);
		return -EINVAL;
	}
	/* Destinations vary (the DMR embeds each): no route cache. */
	dst = route_out(md, NULL, &fl6, skb);
	if (!dst)
		return -ENETUNREACH;
	mtu = dst_mtu(dst);
	if (cfg->mtu_v6 && cfg->mtu_v6 < mtu)
		mtu = cfg->mtu_v6;
	args.mtu6 = mtu;
	/* What an IPv4 packet may be: 20 bytes less, and a fragment 28. */
	mtu = mtu > grow + IPV4_MIN_MTU ? mtu - grow : IPV4_MIN_MTU;
	if (skb_is_gso(skb) ? !skb_gso_validate_network_len(skb, mtu) :
			      skb->len > mtu) {
		if (df) {
			dst_release(dst);
			frag_needed(md, skb, mtu);
			return -EMSGSIZE;
		}
		if (skb_is_gso(skb)) {
			dst_release(dst);
			segment(md, p, skb, NULL, daddr);
			return 0;
		}
		/* Section 5.1 of RFC 7915 leaves IPv6 fragmentation to the
		 * source; a DF-clear IPv4 packet is cut as IPv4 and each
		 * piece, a fragment, leaves with a Fragment header. Not
		 * ICMP, whose ICMPv6 checksum covers the whole message and
		 * its length (section 4.2): mape_xmit() reassembled it, and
		 * the IPv6 layer cuts it once translated.
		 */
		if (iph->protocol != IPPROTO_ICMP) {
			dst_release(dst);
			if (!inner_route(md, skb)) {
				tx_drop(md, skb, MAPE_STAT_NO_ROUTE);
				return -ENETUNREACH;
			}
			return frag_inner(md, p, skb, NULL, daddr,
					  mtu - (ip_is_fragment(iph) ? 0 :
						 sizeof(struct frag_hdr)));
		}
		v6_frag = true;
	}
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + grow +
			 dst->header_len)) {
		dst_release(dst);
		tx_drop(md, skb, MAPE_STAT_HEADER_ERRORS);
		return -ENOMEM;
	}
	len = skb->len;
	/* Before the scrub: an ICMP error needs the packet's IPv4 route. */
	ret = mape_xlat_4to6(skb, &fl6.saddr, daddr, &args);
	if (ret != MAPE_XLAT_OK) {
		dst_release(dst);
		if (ret == MAPE_XLAT_SRCROUTE) {
			icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_SR_FAILED, 0);
			mape_stat_inc(md, MAPE_STAT_ICMP_ENCAP_ERRORS);
		}
		tx_drop(md, skb, mape_xlat_stat(ret));
		return -EINVAL;
	}
	skb_scrub_packet(skb, false);
	skb_dst_set(skb, dst);
	mape_stat_inc(md, MAPE_STAT_ENCAPS);
	mape_stat_add(md, MAPE_STAT_ENCAP_BYTES, len);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	if (v6_frag) {
		mape_stat_inc(md, MAPE_STAT_V6_FRAGMENTED);
		iptunnel_xmit_stats(dev, len);
		xlat_fragment(md, skb, args.mtu6, id);
		return 0;
	}
	err = ip6_local_out(md->net, NULL, skb);
	iptunnel_xmit_stats(dev, net_xmit_eval(err) ? -1 : len);
	return 0;
}

/* An IPv4 packet into the domain, as the device's mode has it. */
static int send6(struct mape_dev *md, struct mape_params *p,
		 struct sk_buff *skb, const struct in6_addr *saddr,
		 const struct in6_addr *daddr)
{
	if (p->cfg.mode == MAPE_MODE_T)
		return translate(md, p, skb, daddr);
	return encap(md, p, skb, saddr, daddr);
}

/*
 * frag-inner: the IPv4 packet is cut to the tunnel's MTU and each piece
 * encapsulated, as the IPv4 router it stands for would. ip_do_fragment()
 * calls back with only the piece, so the rest travels in a per-cpu slot;
 * BHs are off in xmit, and a nested use (a piece re-entering through
 * another mape device) saves and restores it.
 */
struct frag_ctx {
	struct mape_dev *md;
	struct mape_params *p;
	const struct in6_addr *saddr;
	const struct in6_addr *daddr;
};

static DEFINE_PER_CPU(struct frag_ctx *, frag_ctx);

static int frag_piece(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	struct frag_ctx *c = __this_cpu_read(frag_ctx);

	return send6(c->md, c->p, skb, c->saddr, c->daddr);
}

static int frag_inner(struct mape_dev *md, struct mape_params *p,
		      struct sk_buff *skb, const struct in6_addr *saddr,
		      const struct in6_addr *daddr, unsigned int mtu)
{
	struct frag_ctx c = { md, p, saddr, daddr }, *prev;
	int err;

	mape_stat_inc(md, MAPE_STAT_V4_FRAGMENTED);
	/* Whatever the IPv4 layer left in cb; its options are not
	 * re-parsed, so every piece carries the first one's.
	 */
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	IPCB(skb)->frag_max_size = mtu;
	prev = __this_cpu_read(frag_ctx);
	__this_cpu_write(frag_ctx, &c);
	/* Each piece's drop, if any, was counted by encap(). */
	err = ip_do_fragment(md->net, skb->sk, skb, frag_piece);
	__this_cpu_write(frag_ctx, prev);
	return err;
}

/* The CE's port of the packet, or the reason there is none. */
static bool tx_ce_port(struct mape_dev *md, struct sk_buff *skb,
		       enum mape_ce_end end, u16 *port)
{
	int err = mape_ipv4_ce_port(skb, end, port);

	if (!err)
		return true;
	tx_drop(md, skb, mape_ce_port_error(err));
	return false;
}

/*
 * RFC 7597 section 8.3.2, transmit: a first fragment whose port chose the
 * CE records the choice and is sent, then the fragments held for it.
 */
static void frag_record(struct mape_dev *md, struct mape_params *p,
			struct sk_buff *skb, const struct in6_addr *saddr,
			const struct in6_addr *daddr)
{
	struct sk_buff_head held;
	struct mape_frag_key key;
	struct sk_buff *h;

	__skb_queue_head_init(&held);
	mape_frag_key_init(&key, ip_hdr(skb), MAPE_FRAG_TX);
	mape_frag_record(&md->frags, &key, daddr, false, &held, NULL);
	send6(md, p, skb, saddr, daddr);
	while ((h = __skb_dequeue(&held))) {
		mape_stat_inc(md, MAPE_STAT_V4_FRAG_RELEASED);
		mape_stat_inc(md, MAPE_STAT_V4_REASSEMBLED);
		send6(md, p, h, saddr, daddr);
	}
}

/* A CE's non-first fragment follows its first to an FMR peer, if known. */
static bool ce_frag_peer(struct mape_dev *md, struct sk_buff *skb,
			 struct in6_addr *peer)
{
	struct mape_frag_key key;

	mape_frag_key_init(&key, ip_hdr(skb), MAPE_FRAG_TX);
	if (mape_frag_lookup(&md->frags, &key, NULL, false, peer, skb) !=
	    MAPE_FRAG_FOUND)
		return false;
	mape_stat_inc(md, MAPE_STAT_V4_REASSEMBLED);
	return true;
}

/*
 * A BR's non-first fragment for a shared address goes where its first
 * went; it waits for a first that has not come yet.
 */
static void br_frag(struct mape_dev *md, struct mape_params *p,
		    struct sk_buff *skb)
{
	struct mape_frag_key key;
	struct in6_addr daddr;

	mape_frag_key_init(&key, ip_hdr(skb), MAPE_FRAG_TX);
	/* Held for seconds: keep no route nor device but our own. */
	skb_dst_drop(skb);
	switch (mape_frag_lookup(&md->frags, &key, NULL, true, &daddr, skb)) {
	case MAPE_FRAG_FOUND:
		mape_stat_inc(md, MAPE_STAT_V4_REASSEMBLED);
		send6(md, p, skb, &p->cfg.br_addr, &daddr);
		break;
	case MAPE_FRAG_HELD:
		break;
	default:
		tx_drop(md, skb, MAPE_STAT_V4_FRAG_DROPS);
	}
}

/*
 * RFC 7597 section 8.3.3: a CE sharing its address keeps the identifiers
 * of what may be fragmented (DF clear) inside its own set, so its
 * fragments never meet those of a CE on the same address at the host
 * reassembling them. The rewrite is a function of the identifier alone:
 * every fragment of a datagram gets the same one, without state.
 */
static bool frag_id(struct mape_dev *md, struct mape_params *p,
		    struct sk_buff *skb)
{
	__be16 id = ip_hdr(skb)->id;
	__be16 nid = htons(mape_psid_frag_id(&p->ce.ports, ntohs(id)));
	struct iphdr *iph;

	if (nid == id)
		return true;
	if (skb_ensure_writable(skb, skb_network_offset(skb) + sizeof(*iph))) {
		tx_drop(md, skb, MAPE_STAT_HEADER_ERRORS);
		return false;
	}
	iph = ip_hdr(skb);
	csum_replace2(&iph->check, id, nid);
	iph->id = nid;
	return true;
}

/*
 * RFC 7597 section 7.1: the source must be the CE's own address and port;
 * a destination covered by an FMR goes straight to that CE (mesh), any
 * other to the BR.
 */
static void xmit_ce(struct mape_dev *md, struct mape_params *p,
		    struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct in6_addr *daddr = &p->cfg.br_addr;
	struct mape_rule_entry *e;
	struct in6_addr peer, dmr;
	u16 port;

	if (!p->ce_valid) {
		tx_drop(md, skb, MAPE_STAT_NO_RULE);
		return;
	}
	if (!mape_ipv4_prefix_match(iph->saddr, p->ce.ip4, p->ce.ip4_len)) {
		tx_drop(md, skb, MAPE_STAT_PORT_SET);
		return;
	}
	if (p->ce.ports.len) {
		/* Non-first fragments carry no port: they follow the first. */
		if (!(iph->frag_off & htons(IP_OFFSET))) {
			if (!tx_ce_port(md, skb, MAPE_CE_IS_SRC, &port))
				return;
			if (!mape_port_in_set(&p->ce.ports, port)) {
				tx_drop(md, skb, MAPE_STAT_PORT_SET);
				return;
			}
		}
		if (p->cfg.frag_id && !(iph->frag_off & htons(IP_DF))) {
			/* The segmenter would number the segments on from
			 * the first one's identifier, out of the set.
			 */
			if (skb_is_gso(skb)) {
				segment(md, p, skb, NULL, NULL);
				return;
			}
			if (!frag_id(md, p, skb))
				return;
			iph = ip_hdr(skb);
		}
	}

	/* RFC 7599 section 5.3: outside the domain, through the DMR. */
	if (p->cfg.mode == MAPE_MODE_T) {
		mape_6052_embed(&p->cfg.dmr, p->cfg.dmr_len, iph->daddr, &dmr);
		daddr = &dmr;
	}
	e = mape_rules_lookup4(&md->rules, iph->daddr);
	if (e && (READ_ONCE(e->type) & MAPE_RULE_FMR)) {
		if (e->rule.psid_len) {
			int ret = mape_ipv4_ce_port(skb, MAPE_CE_IS_DST, &port);

			/* Without a port the BR, which sees all, decides. */
			if (ret == -EAGAIN) {
				if (ce_frag_peer(md, skb, &peer))
					daddr = &peer;
			} else if (!ret && mape_dev_map4(p, &e->rule,
							 iph->daddr, port,
							 &peer)) {
				daddr = &peer;
				if (iph->frag_off & htons(IP_MF)) {
					frag_record(md, p, skb, &p->ce.addr,
						    daddr);
					return;
				}
			}
		} else if (mape_dev_map4(p, &e->rule, iph->daddr, 0, &peer)) {
			daddr = &peer;
		}
	}
	send6(md, p, skb, &p->ce.addr, daddr);
}

/*
 * RFC 7597 section 7.2 (BR, from the IPv4 Internet into the domain): the
 * destination address and port select the CE.
 */
static void xmit_br(struct mape_dev *md, struct mape_params *p,
		    struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct mape_rule_entry *e;
	struct in6_addr daddr;
	u16 port = 0;

	e = mape_rules_lookup4(&md->rules, iph->daddr);
	if (!e) {
		no_ce(md, skb, MAPE_STAT_NO_RULE);
		return;
	}
	if (e->rule.psid_len) {
		if (iph->frag_off & htons(IP_OFFSET)) {
			br_frag(md, p, skb);
			return;
		}
		if (!tx_ce_port(md, skb, MAPE_CE_IS_DST, &port))
			return;
	}
	if (!mape_dev_map4(p, &e->rule, iph->daddr, port, &daddr)) {
		no_ce(md, skb, MAPE_STAT_NO_RULE);
		return;
	}
	if (e->rule.psid_len && (iph->frag_off & htons(IP_MF)))
		frag_record(md, p, skb, &p->cfg.br_addr, &daddr);
	else
		send6(md, p, skb, &p->cfg.br_addr, &daddr);
}

netdev_tx_t mape_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct mape_dev *md = netdev_priv(dev);
	const struct iphdr *iph;
	struct mape_params *p;

	if (skb->protocol == htons(ETH_P_IPV6) && mape_t_rcv(md, skb))
		return NETDEV_TX_OK;
	if (skb->protocol != htons(ETH_P_IP)) {
		/* IPv6 neighbour and multicast chatter on the device itself:
		 * not a MAP-E error. Counted apart from what the core
		 * drops on the way in (tx_dropped too).
		 */
		mape_stat_inc(md, MAPE_STAT_TX_NOT_IPV4);
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb_reason(skb, SKB_DROP_REASON_UNHANDLED_PROTO);
		return NETDEV_TX_OK;
	}
	skb_reset_network_header(skb);
	if (!pskb_network_may_pull(skb, sizeof(*iph)))
		goto bad;
	iph = ip_hdr(skb);
	if (iph->version != 4 || iph->ihl < 5 ||
	    !pskb_network_may_pull(skb, iph->ihl * 4))
		goto bad;
	/* The pull may have moved the header. */
	iph = ip_hdr(skb);

	/* Not every caller holds rcu_read_lock() besides the _bh one (a
	 * qdisc run from net_tx_action, AF_PACKET): the rule table needs it.
	 */
	rcu_read_lock();
	p = rcu_dereference(md->params);
	if (ip_is_fragment(iph) &&
	    (p->cfg.v4_reasm || (p->cfg.mode == MAPE_MODE_T &&
				 iph->protocol == IPPROTO_ICMP))) {
		/* v4-reassembly: only whole datagrams go on. The IPv4
		 * layer's queues, limits (ipfrag_*) and timeouts apply.
		 * Mode T translates ICMP only whole (RFC 7915 section 4.2:
		 * the ICMPv6 checksum covers the message's length).
		 */
		int err;

		/* ip_forward's IPCB is stale here: a fragment it cut again
		 * carries IPSKB_FRAG_COMPLETE, which would skip the queue's
		 * ipfrag_max_dist check for it and purge the datagram.
		 */
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		err = ip_defrag(md->net, skb, MAPE_DEFRAG_USER);

		if (err) {
			if (err != -EINPROGRESS) {
				mape_stat_inc(md, MAPE_STAT_V4_FRAG_DROPS);
				DEV_STATS_INC(dev, tx_errors);
			}
			goto out;
		}
		mape_stat_inc(md, MAPE_STAT_V4_REASSEMBLED);
	}
	if (p->cfg.role == MAPE_ROLE_BR)
		xmit_br(md, p, skb);
	else
		xmit_ce(md, p, skb);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;

bad:
	tx_drop(md, skb, MAPE_STAT_HEADER_ERRORS);
	return NETDEV_TX_OK;
}
