/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Body sources. Nothing is held in memory per response: file bytes are read
 * and pattern bytes generated only when the stack has room for them, since
 * rte_tlsoff_send() copies what it takes.
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "body.h"

static void
body_init(struct body *b, enum body_kind kind, uint64_t len)
{
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->len = len;
	b->fd = -1;
}

void
body_set_mem(struct body *b, const char *data, size_t len)
{
	body_init(b, BODY_MEM, len);
	b->mem = data;
}

void
body_set_file(struct body *b, int fd, uint64_t len)
{
	body_init(b, BODY_FILE, len);
	b->fd = fd;
}

void
body_set_pattern(struct body *b, uint64_t len)
{
	body_init(b, BODY_PATTERN, len);
}

uint64_t
body_splitmix64(uint64_t x)
{
	uint64_t z = (x + 1) * UINT64_C(0x9E3779B97F4A7C15);

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

void
body_pattern_fill(uint64_t off, void *dst, size_t n)
{
	uint8_t *p = dst;

	while (n > 0) {
		uint64_t word = rte_cpu_to_le_64(body_splitmix64(off / 8));
		size_t skip = off % 8;
		size_t k = RTE_MIN(8 - skip, n);

		memcpy(p, (const uint8_t *)&word + skip, k);
		p += k;
		off += k;
		n -= k;
	}
}

static ssize_t
file_read(int fd, uint64_t off, void *dst, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = pread(fd, (uint8_t *)dst + done, n - done,
			(off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		/* Short of Content-Length: the response cannot be finished. */
		if (r <= 0)
			return -EIO;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

ssize_t
body_read(struct body *b, void *dst, size_t n)
{
	n = (size_t)RTE_MIN((uint64_t)n, body_left(b));
	switch (b->kind) {
	case BODY_MEM:
		memcpy(dst, b->mem + b->off, n);
		return (ssize_t)n;
	case BODY_FILE:
		return file_read(b->fd, b->off, dst, n);
	case BODY_PATTERN:
		body_pattern_fill(b->off, dst, n);
		return (ssize_t)n;
	default:
		return 0;
	}
}

void
body_release(struct body *b)
{
	if (b->kind == BODY_FILE && b->fd >= 0)
		close(b->fd);
	body_init(b, BODY_NONE, 0);
}
