/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Plain HTTP: bytes go to and come from the stack as they are. Also the
 * response helpers both modes share.
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "io.h"

void
io_resp_advance(struct sender_conn *c, size_t n)
{
	struct sender_response *r = &c->resp;
	size_t k = RTE_MIN(n, (size_t)(r->head_len - r->head_off));

	r->head_off += (uint16_t)k;
	r->body.off += n - k;
	c->srv->stats.bytes_sent += n - k;
}

uint64_t
io_resp_left(const struct sender_conn *c)
{
	const struct sender_response *r = &c->resp;

	return (uint64_t)(r->head_len - r->head_off) + body_left(&r->body);
}

ssize_t
io_resp_gather(struct sender_conn *c, size_t n)
{
	struct sender_response *r = &c->resp;
	uint8_t *dst = c->srv->scratch;
	size_t k;
	ssize_t b;

	n = (size_t)RTE_MIN((uint64_t)RTE_MIN(n, sizeof(c->srv->scratch)),
		io_resp_left(c));
	k = RTE_MIN(n, (size_t)(r->head_len - r->head_off));
	memcpy(dst, r->head + r->head_off, k);
	if (k == n)
		return (ssize_t)n;
	b = body_read(&r->body, dst + k, n - k);
	return b < 0 ? b : (ssize_t)k + b;
}

static ssize_t
plain_recv(struct sender_conn *c, void *buf, size_t len)
{
	return rte_tlsoff_recv(c->tc, buf, len);
}

/*
 * Bytes to offer the stack next. With no space, one byte anyway: only a
 * refused send arms RTE_TLSOFF_EV_WRITABLE.
 */
static size_t
plain_chunk(const struct sender_conn *c)
{
	size_t space = rte_tlsoff_send_space(c->tc);

	return RTE_MIN(RTE_MAX(space, (size_t)1), sizeof(c->srv->scratch));
}

static int
plain_push(struct sender_conn *c)
{
	struct sender_response *r = &c->resp;
	ssize_t n;

	while (r->head_off < r->head_len) {
		n = rte_tlsoff_send(c->tc, r->head + r->head_off,
			r->head_len - r->head_off);
		if (n < 0)
			return (int)n;
		r->head_off += (uint16_t)n;
	}
	while (body_left(&r->body) > 0) {
		n = io_resp_gather(c, plain_chunk(c));
		if (n < 0)
			return (int)n;
		n = rte_tlsoff_send(c->tc, c->srv->scratch, (size_t)n);
		if (n < 0)
			return (int)n;
		io_resp_advance(c, (size_t)n);
	}
	return 0;
}

const struct conn_io conn_io_plain = {
	.name = "plain",
	.recv = plain_recv,
	.push = plain_push,
};
