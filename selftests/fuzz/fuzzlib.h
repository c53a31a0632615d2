/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the fuzzers: a seeded PRNG whose state for message (or packet)
 * i of stream w is a function of (seed, w, i) alone, so that any one of
 * them can be rebuilt without replaying the others; interesting values;
 * a hex dump.
 */
#ifndef FUZZLIB_H
#define FUZZLIB_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct rng {
	uint64_t s;
};

static inline uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The generator of item i of stream w under seed. */
static inline void rng_init(struct rng *r, uint64_t seed, uint64_t w,
			    uint64_t i)
{
	uint64_t s = seed ^ (w * 0xd1342543de82ef95ULL);

	s = splitmix64(&s) ^ i;
	r->s = splitmix64(&s);
}

static inline uint64_t rnd64(struct rng *r)
{
	return splitmix64(&r->s);
}

/* 0..n-1 (0 when n is 0) */
static inline uint32_t rnd(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd64(r) % n) : 0;
}

/* lo..hi inclusive */
static inline uint32_t rnd_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + rnd(r, hi - lo + 1);
}

/* true with probability pct percent */
static inline int chance(struct rng *r, unsigned int pct)
{
	return rnd(r, 100) < pct;
}

static inline void rnd_bytes(struct rng *r, void *p, size_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = (uint8_t)rnd64(r);
}

/* A boundary value for an integer of width bytes (1, 2, 4 or 8). */
static inline uint64_t interesting(struct rng *r, unsigned int width)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 17, 20, 24, 31, 32, 33, 40,
		47, 48, 49, 56, 63, 64, 65, 127, 128, 129, 254, 255, 256, 257,
		1279, 1280, 1281, 1499, 1500, 4096, 32767, 32768, 65534, 65535,
		65536, 1048576, 1048577, 60000, 60001, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff,
	};
	uint64_t x = v[rnd(r, sizeof(v) / sizeof(v[0]))];

	if (chance(r, 10))
		x = rnd64(r);
	if (width < 8)
		x &= (1ULL << (8 * width)) - 1;
	return x;
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void hexdump(FILE *f, const char *pfx, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			fprintf(f, "%s%04zx:", pfx, i);
		fprintf(f, " %02x", b[i]);
		if (i % 16 == 15 || i + 1 == n)
			fputc('\n', f);
	}
}

#endif /* FUZZLIB_H */
