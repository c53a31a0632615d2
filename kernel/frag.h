/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual reassembly of IPv4 fragments (RFC 7597 section 8.3.2): only the
 * first fragment of a datagram carries the port that selects a CE or that
 * anti-spoofing checks, so its decision is remembered for the fragments
 * that follow. Fragments are routed, never reassembled.
 */
#ifndef _MAPE_FRAG_H
#define _MAPE_FRAG_H

#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

/* Transmit and receive decisions are kept apart: a BR hairpins. */
enum mape_frag_dir {
	MAPE_FRAG_TX,
	MAPE_FRAG_RX,
};

/*
 * One IPv4 datagram (RFC 791), compared as its first MAPE_FRAG_KEY_LEN
 * bytes (no padding), and the bytes of it this fragment carries, which
 * tell the cache when the datagram is complete.
 */
struct mape_frag_key {
	__be32 saddr;
	__be32 daddr;
	__be16 id;
	u8 protocol;
	u8 dir;			/* enum mape_frag_dir */
	u32 start;		/* payload bytes [start, end): not compared */
	u32 end;
	bool last;		/* MF clear */
};

#define MAPE_FRAG_KEY_LEN	offsetof(struct mape_frag_key, start)

enum mape_frag_verdict {
	MAPE_FRAG_FOUND,	/* *addr is the first fragment's decision */
	MAPE_FRAG_HELD,		/* the cache took the skb until its first */
	MAPE_FRAG_MISS,		/* no decision, and holding was not asked */
	MAPE_FRAG_SPOOF,	/* the datagram is bound to another source */
	MAPE_FRAG_FULL,		/* no room to hold it (counted as overflow) */
};

/* skb->cb of a held fragment. */
struct mape_frag_cb {
	struct in6_addr src;	/* bound lookups: the outer source */
	u32 start;		/* its key's bytes, counted when it passes */
	u32 end;
	bool last;
	u8 dsfield;		/* free for the holder (rcv.c: outer DS) */
};

#define MAPE_FRAG_CB(skb) ((struct mape_frag_cb *)(skb)->cb)

/* Fragments one datagram may hold while its first fragment is missing. */
#define MAPE_FRAG_HELD_PER_ENTRY	64

/* Counted by the cache itself, under its lock. */
struct mape_frag_stats {
	u64 expired;		/* entries that expired holding fragments */
	u64 expired_frags;	/* the fragments they held, dropped */
	u64 overflow;		/* a fragment not recorded or held: full */
};

/*
 * A fixed hash table of entries, all under one BH-safe spinlock (the data
 * path runs in softirq or with BH disabled). An entry goes once its
 * datagram is complete (the first fragment came, and as many bytes as
 * the last one ends at), else timeout jiffies from its creation or from
 * its first fragment: lookups skip (and free) expired ones, the gc work
 * frees the rest and reschedules itself while entries remain. (A router
 * fragmenting a bulk flow makes thousands of datagrams a second: waiting
 * for the timeout alone filled any limit.) Limits start as the module parameters and
 * change per device (mape_frag_set_limits); KUnit sets them directly.
 *
 * Memory: entries and held fragments are allocated in softirq, where no
 * memory cgroup can be charged, so besides the per-device counts every
 * cache of a namespace draws on one budget of bytes (*mem, at most
 * mem_max: the frag_ns_max_bytes module parameter), which devices made
 * in the namespace cannot multiply.
 */
struct mape_frag_cache {
	spinlock_t lock;			/* everything below but limits */
	struct hlist_head *buckets;
	unsigned int entries;		/* under lock */
	unsigned int held;		/* fragments held, under lock */
	unsigned int max_entries;	/* limits: under lock */
	unsigned int max_held;
	unsigned long timeout;		/* jiffies */
	unsigned int timeout_ms;	/* as set */
	u32 seed;
	struct mape_frag_stats stats;	/* under lock */
	struct delayed_work gc;
	atomic_long_t *mem;		/* the namespace's bytes in use */
	long mem_max;
};

struct mape_frag_limits {
	unsigned int max_entries;
	unsigned int max_held;
	unsigned int timeout_ms;
};

/* The module parameters: every new device's limits. */
void mape_frag_default_limits(struct mape_frag_limits *l);

/* Per-device limits (IFLA_MAPE_FRAG_*), under the cache's lock. */
void mape_frag_get_limits(struct mape_frag_cache *fc,
			  struct mape_frag_limits *l);
void mape_frag_set_limits(struct mape_frag_cache *fc,
			  const struct mape_frag_limits *l);

void mape_frag_key_init(struct mape_frag_key *key, const struct iphdr *iph,
			enum mape_frag_dir dir);

/* mem: the namespace's budget, shared by its devices. */
int mape_frag_init(struct mape_frag_cache *fc, atomic_long_t *mem);
/* No caller may remain: cancels the gc and frees every entry and skb. */
void mape_frag_destroy(struct mape_frag_cache *fc);

/*
 * A first fragment passed with decision addr: remember it and hand back
 * the fragments held for it, in arrival order, on ok (and, when bound, on
 * bad those whose outer source was not addr). The lists are the caller's,
 * initialised, and filled without their locks. False when the cache is
 * full (counted as overflow): the first fragment still goes, the others
 * will find nothing.
 */
bool mape_frag_record(struct mape_frag_cache *fc,
		      const struct mape_frag_key *key,
		      const struct in6_addr *addr, bool bound,
		      struct sk_buff_head *ok, struct sk_buff_head *bad);

/*
 * A non-first fragment. src non-NULL binds: the recorded decision must
 * equal it (MAPE_FRAG_SPOOF otherwise), and a held skb remembers it. With
 * hold, a fragment whose first has not come is held (MAPE_FRAG_HELD, the
 * cache owns the skb and its cb) or, without room, MAPE_FRAG_FULL. Every
 * other verdict leaves the skb to the caller.
 */
enum mape_frag_verdict mape_frag_lookup(struct mape_frag_cache *fc,
					const struct mape_frag_key *key,
					const struct in6_addr *src, bool hold,
					struct in6_addr *addr,
					struct sk_buff *skb);

/* Free expired entries now (what the gc work does). */
void mape_frag_expire(struct mape_frag_cache *fc);
void mape_frag_stats_read(struct mape_frag_cache *fc,
			  struct mape_frag_stats *st);

#endif /* _MAPE_FRAG_H */
