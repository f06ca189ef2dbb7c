/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Response bodies: where the bytes come from (a constant string, a file,
 * or the /bytes/N pattern) and how far they have been queued.
 */

#ifndef SENDER_BODY_H
#define SENDER_BODY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Largest /bytes/N. */
#define BODY_PATTERN_MAX (1ull << 40)

enum body_kind {
	BODY_NONE,
	BODY_MEM,      /* constant bytes, e.g. an error page */
	BODY_FILE,     /* a file, read with pread() as send space allows */
	BODY_PATTERN,  /* the /bytes/N pattern, generated as space allows */
};

struct body {
	enum body_kind kind;
	uint64_t off;        /* next byte to queue */
	uint64_t len;        /* bytes in all */
	const char *mem;     /* BODY_MEM */
	int fd;              /* BODY_FILE; owned, closed by body_release() */
};

void body_set_mem(struct body *b, const char *data, size_t len);
/* Takes ownership of @fd. */
void body_set_file(struct body *b, int fd, uint64_t len);
void body_set_pattern(struct body *b, uint64_t len);

static inline uint64_t
body_left(const struct body *b)
{
	return b->len - b->off;
}

/*
 * Copy up to @n bytes (and no more than are left) from the current offset
 * to @dst, without consuming them: the caller advances b->off by what the
 * stack took. Returns the count, or -EIO if the file shrank or failed.
 */
ssize_t body_read(struct body *b, void *dst, size_t n);

/* Close what the body holds; the body becomes BODY_NONE. */
void body_release(struct body *b);

/*
 * The /bytes/N pattern: byte i is byte (i % 8), little-endian, of
 * splitmix64(i / 8), where
 *   z = (x + 1) * 0x9E3779B97F4A7C15
 *   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
 *   z = (z ^ (z >> 27)) * 0x94D049BB133111EB
 *   splitmix64(x) = z ^ (z >> 31)           (all mod 2^64)
 */
uint64_t body_splitmix64(uint64_t x);
void body_pattern_fill(uint64_t off, void *dst, size_t n);

#endif /* SENDER_BODY_H */
