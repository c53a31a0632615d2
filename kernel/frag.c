// SPDX-License-Identifier: GPL-2.0
/*
 * The per-device fragment cache for virtual reassembly: keys and decisions
 * in, decisions and held skbs out. No packet parsing beyond the key.
 */

#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "frag.h"

#define FRAG_HASH_BITS	10

/*
 * The host's: every new device's limits, and the most a device may have in
 * a namespace that another user namespace owns, whose root sets the
 * per-device attributes. An upstream driver would make these sysctls of
 * the initial namespace; they are module parameters here, documented in
 * ip-link-mape(8), which administrators and the selftests set.
 */
static unsigned int frag_max_entries __read_mostly = 4096;
module_param(frag_max_entries, uint, 0644);
MODULE_PARM_DESC(frag_max_entries,
		 "IPv4 datagrams a device tracks for fragments (default 4096)");

static unsigned int frag_max_held __read_mostly = 1024;
module_param(frag_max_held, uint, 0644);
MODULE_PARM_DESC(frag_max_held,
		 "Fragments a device holds until their first fragment (default 1024)");

static unsigned int frag_timeout_ms __read_mostly = 5000;
module_param(frag_timeout_ms, uint, 0644);
MODULE_PARM_DESC(frag_timeout_ms,
		 "Lifetime of a datagram's fragment entry, ms (default 5000)");

/* No device attribute has this one: it bounds a namespace's devices. */
static unsigned long frag_ns_max_bytes __read_mostly = 4 << 20;
module_param(frag_ns_max_bytes, ulong, 0644);
MODULE_PARM_DESC(frag_ns_max_bytes,
		 "Bytes of fragments held and entries in a namespace (default 4 MiB)");

struct entry {
	struct hlist_node node;
	struct mape_frag_key key;
	unsigned long expires;
	bool known;			/* the first fragment came */
	u32 seen;			/* payload bytes passed or held */
	u32 total;			/* the datagram's, once the last came */
	struct in6_addr addr;		/* its decision */
	struct sk_buff_head held;	/* unlocked: fc->lock */
};

static struct hlist_head *bucket(struct mape_frag_cache *fc,
				 const struct mape_frag_key *k)
{
	u32 h = jhash_3words((__force u32)k->saddr, (__force u32)k->daddr,
			     (__force u32)k->id | k->protocol << 16 |
			     k->dir << 24, fc->seed);

	return &fc->buckets[hash_32(h, FRAG_HASH_BITS)];
}

void mape_frag_key_init(struct mape_frag_key *key, const struct iphdr *iph,
			enum mape_frag_dir dir)
{
	key->saddr = iph->saddr;
	key->daddr = iph->daddr;
	key->id = iph->id;
	key->protocol = iph->protocol;
	key->dir = dir;
	key->start = (ntohs(iph->frag_off) & IP_OFFSET) << 3;
	key->end = key->start +
		   max_t(int, ntohs(iph->tot_len) - iph->ihl * 4, 0);
	key->last = !(iph->frag_off & htons(IP_MF));
}

/*
 * Count k's bytes for e; true when e's datagram is complete. Only
 * fragments that pass on e's decision count: a spoofed one (another
 * outer source) must not end the entry under the genuine ones. Duplicates
 * or overlaps of genuine ones may end it early: fragments after that find
 * nothing and are dropped as they would be after an expiry.
 */
static bool datagram_done(struct entry *e, const struct mape_frag_key *k)
{
	e->seen += k->end - k->start;
	if (k->last)
		e->total = k->end;
	return e->known && e->total && e->seen >= e->total;
}

/* Take n bytes of the namespace's budget, if it has them. */
static bool charge(struct mape_frag_cache *fc, long n)
{
	if (atomic_long_add_return(n, fc->mem) <= fc->mem_max)
		return true;
	atomic_long_sub(n, fc->mem);
	return false;
}

static void uncharge(struct mape_frag_cache *fc, long n)
{
	atomic_long_sub(n, fc->mem);
}

/* Move e's held fragments to list, giving back what they cost. */
static void held_splice(struct mape_frag_cache *fc, struct entry *e,
			struct sk_buff_head *list)
{
	struct sk_buff *skb;
	long bytes = 0;

	skb_queue_walk(&e->held, skb)
		bytes += skb->truesize;
	uncharge(fc, bytes);
	fc->held -= skb_queue_len(&e->held);
	skb_queue_splice_tail_init(&e->held, list);
}

/* Unlink e; its held fragments go to dead. Caller holds fc->lock. */
static void entry_free(struct mape_frag_cache *fc, struct entry *e,
		       struct sk_buff_head *dead)
{
	unsigned int n = skb_queue_len(&e->held);

	if (n) {
		fc->stats.expired++;
		fc->stats.expired_frags += n;
		held_splice(fc, e, dead);
	}
	hlist_del(&e->node);
	fc->entries--;
	kfree(e);
	uncharge(fc, sizeof(*e));
}

/* The live entry for k, freeing expired ones of its bucket on the way. */
static struct entry *find(struct mape_frag_cache *fc,
			  const struct mape_frag_key *k,
			  struct sk_buff_head *dead)
{
	struct hlist_head *h = bucket(fc, k);
	struct hlist_node *tmp;
	struct entry *e, *found = NULL;

	hlist_for_each_entry_safe(e, tmp, h, node) {
		if (time_after_eq(jiffies, e->expires))
			entry_free(fc, e, dead);
		else if (!memcmp(&e->key, k, MAPE_FRAG_KEY_LEN))
			found = e;
	}
	return found;
}

static struct entry *create(struct mape_frag_cache *fc,
			    const struct mape_frag_key *k)
{
	struct entry *e;

	if (fc->entries >= fc->max_entries || !charge(fc, sizeof(*e)))
		return NULL;
	e = kmalloc(sizeof(*e), GFP_ATOMIC);
	if (!e) {
		uncharge(fc, sizeof(*e));
		return NULL;
	}
	e->key = *k;
	e->expires = jiffies + fc->timeout;
	e->known = false;
	e->seen = 0;
	e->total = 0;
	__skb_queue_head_init(&e->held);
	hlist_add_head(&e->node, bucket(fc, k));
	fc->entries++;
	return e;
}

static unsigned long gc_interval(const struct mape_frag_cache *fc)
{
	/* Unlocked: a limit change racing with this only moves one run. */
	return clamp_t(unsigned long, READ_ONCE(fc->timeout) / 2, HZ / 10,
		       5 * HZ);
}

/* After unlocking: start the gc if this made the cache non-empty. */
static void gc_kick(struct mape_frag_cache *fc, bool first)
{
	if (first)
		queue_delayed_work(system_power_efficient_wq, &fc->gc,
				   gc_interval(fc));
}

bool mape_frag_record(struct mape_frag_cache *fc,
		      const struct mape_frag_key *key,
		      const struct in6_addr *addr, bool bound,
		      struct sk_buff_head *ok, struct sk_buff_head *bad)
{
	struct sk_buff_head dead, held;
	struct mape_frag_key k;
	struct sk_buff *skb;
	struct entry *e;
	bool kick = false, done;

	__skb_queue_head_init(&dead);
	__skb_queue_head_init(&held);
	spin_lock_bh(&fc->lock);
	e = find(fc, key, &dead);
	if (!e) {
		e = create(fc, key);
		kick = e && fc->entries == 1;
	}
	if (!e) {
		fc->stats.overflow++;
		spin_unlock_bh(&fc->lock);
		__skb_queue_purge(&dead);
		return false;
	}
	e->known = true;
	e->addr = *addr;
	e->expires = jiffies + fc->timeout;
	held_splice(fc, e, &held);
	done = datagram_done(e, key);
	/* Sorted under the lock (at most MAPE_FRAG_HELD_PER_ENTRY): what
	 * passes counts towards the datagram.
	 */
	while ((skb = __skb_dequeue(&held))) {
		if (bound && !ipv6_addr_equal(&MAPE_FRAG_CB(skb)->src, addr)) {
			__skb_queue_tail(bad, skb);
			continue;
		}
		k.start = MAPE_FRAG_CB(skb)->start;
		k.end = MAPE_FRAG_CB(skb)->end;
		k.last = MAPE_FRAG_CB(skb)->last;
		done = datagram_done(e, &k);
		__skb_queue_tail(ok, skb);
	}
	if (done)
		entry_free(fc, e, &dead);
	spin_unlock_bh(&fc->lock);
	gc_kick(fc, kick);
	__skb_queue_purge(&dead);
	return true;
}

enum mape_frag_verdict mape_frag_lookup(struct mape_frag_cache *fc,
					const struct mape_frag_key *key,
					const struct in6_addr *src, bool hold,
					struct in6_addr *addr,
					struct sk_buff *skb)
{
	enum mape_frag_verdict v = MAPE_FRAG_MISS;
	struct sk_buff_head dead;
	struct entry *e;
	bool kick = false;

	__skb_queue_head_init(&dead);
	spin_lock_bh(&fc->lock);
	e = find(fc, key, &dead);
	if (e && e->known) {
		*addr = e->addr;
		if (src && !ipv6_addr_equal(src, addr)) {
			v = MAPE_FRAG_SPOOF;
			goto out;
		}
		v = MAPE_FRAG_FOUND;
		if (datagram_done(e, key))
			entry_free(fc, e, &dead);
		goto out;
	}
	if (!hold)
		goto out;
	v = MAPE_FRAG_FULL;
	if (fc->held >= fc->max_held ||
	    (e && skb_queue_len(&e->held) >= MAPE_FRAG_HELD_PER_ENTRY) ||
	    !charge(fc, skb->truesize)) {
		fc->stats.overflow++;
		goto out;
	}
	if (!e) {
		e = create(fc, key);
		if (!e) {
			uncharge(fc, skb->truesize);
			fc->stats.overflow++;
			goto out;
		}
		kick = fc->entries == 1;
	}
	if (src)
		MAPE_FRAG_CB(skb)->src = *src;
	MAPE_FRAG_CB(skb)->start = key->start;
	MAPE_FRAG_CB(skb)->end = key->end;
	MAPE_FRAG_CB(skb)->last = key->last;
	__skb_queue_tail(&e->held, skb);
	fc->held++;
	v = MAPE_FRAG_HELD;
out:
	spin_unlock_bh(&fc->lock);
	gc_kick(fc, kick);
	__skb_queue_purge(&dead);
	return v;
}

void mape_frag_expire(struct mape_frag_cache *fc)
{
	struct sk_buff_head dead;
	struct hlist_node *tmp;
	struct entry *e;
	unsigned int i;

	__skb_queue_head_init(&dead);
	/* One bucket at a time: BHs wait for at most one chain. */
	for (i = 0; i < 1U << FRAG_HASH_BITS; i++) {
		spin_lock_bh(&fc->lock);
		hlist_for_each_entry_safe(e, tmp, &fc->buckets[i], node)
			if (time_after_eq(jiffies, e->expires))
				entry_free(fc, e, &dead);
		spin_unlock_bh(&fc->lock);
	}
	__skb_queue_purge(&dead);
}

static void gc_work(struct work_struct *work)
{
	struct mape_frag_cache *fc = container_of(to_delayed_work(work),
						  struct mape_frag_cache, gc);
	bool again;

	mape_frag_expire(fc);
	/* An insert that makes the cache non-empty after this check kicks
	 * the work itself.
	 */
	spin_lock_bh(&fc->lock);
	again = fc->entries;
	spin_unlock_bh(&fc->lock);
	if (again)
		queue_delayed_work(system_power_efficient_wq, &fc->gc,
				   gc_interval(fc));
}

void mape_frag_stats_read(struct mape_frag_cache *fc,
			  struct mape_frag_stats *st)
{
	spin_lock_bh(&fc->lock);
	*st = fc->stats;
	spin_unlock_bh(&fc->lock);
}

void mape_frag_get_limits(struct mape_frag_cache *fc,
			  struct mape_frag_limits *l)
{
	spin_lock_bh(&fc->lock);
	l->max_entries = fc->max_entries;
	l->max_held = fc->max_held;
	l->timeout_ms = fc->timeout_ms;
	spin_unlock_bh(&fc->lock);
}

/*
 * Lower limits apply to what comes next: entries and fragments over them
 * stay until they expire or their datagram completes.
 */
void mape_frag_set_limits(struct mape_frag_cache *fc,
			  const struct mape_frag_limits *l)
{
	spin_lock_bh(&fc->lock);
	fc->max_entries = l->max_entries;
	fc->max_held = l->max_held;
	fc->timeout_ms = l->timeout_ms;
	WRITE_ONCE(fc->timeout, max(msecs_to_jiffies(l->timeout_ms), 1UL));
	spin_unlock_bh(&fc->lock);
}

void mape_frag_default_limits(struct mape_frag_limits *l)
{
	l->max_entries = READ_ONCE(frag_max_entries);
	l->max_held = READ_ONCE(frag_max_held);
	l->timeout_ms = READ_ONCE(frag_timeout_ms);
}

int mape_frag_init(struct mape_frag_cache *fc, atomic_long_t *mem)
{
	BUILD_BUG_ON(sizeof(struct mape_frag_cb) >
		     sizeof_field(struct sk_buff, cb));
	memset(fc, 0, sizeof(*fc));
	fc->buckets = kcalloc(1U << FRAG_HASH_BITS, sizeof(*fc->buckets),
			      GFP_KERNEL_ACCOUNT);
	if (!fc->buckets)
		return -ENOMEM;
	spin_lock_init(&fc->lock);
	fc->max_entries = READ_ONCE(frag_max_entries);
	fc->max_held = READ_ONCE(frag_max_held);
	fc->timeout_ms = READ_ONCE(frag_timeout_ms);
	fc->timeout = max(msecs_to_jiffies(fc->timeout_ms), 1UL);
	fc->seed = get_random_u32();
	fc->mem = mem;
	fc->mem_max = min_t(unsigned long, READ_ONCE(frag_ns_max_bytes),
			    LONG_MAX);
	INIT_DELAYED_WORK(&fc->gc, gc_work);
	return 0;
}

void mape_frag_destroy(struct mape_frag_cache *fc)
{
	struct sk_buff_head dead;
	struct hlist_node *tmp;
	struct entry *e;
	unsigned int i;

	cancel_delayed_work_sync(&fc->gc);
	__skb_queue_head_init(&dead);
	spin_lock_bh(&fc->lock);
	for (i = 0; i < 1U << FRAG_HASH_BITS; i++)
		hlist_for_each_entry_safe(e, tmp, &fc->buckets[i], node)
			entry_free(fc, e, &dead);
	spin_unlock_bh(&fc->lock);
	__skb_queue_purge(&dead);
	kfree(fc->buckets);
	fc->buckets = NULL;
}
