/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Receive queue: a byte ring sized at setup. In-order bytes wait there for
 * the application; out-of-order bytes are written at their place ahead of
 * RCV.NXT and remembered as a few ranges, which also feed the SACK blocks
 * we send (RFC 2018).
 */

#ifndef TLSOFF_TCP_RCVQ_H
#define TLSOFF_TCP_RCVQ_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#define TLSOFF_OOO_MAX 4u

struct tlsoff_seq_range {
	uint32_t start;
	uint32_t end;   /* exclusive */
};

struct tlsoff_rcvq {
	uint8_t *buf;
	uint32_t mask;      /* size - 1 */
	uint32_t head;      /* free-running read position */
	uint32_t len;       /* in-order bytes waiting to be read */
	uint8_t nooo;
	uint8_t recent;     /* index of the range that changed last */
	struct tlsoff_seq_range ooo[TLSOFF_OOO_MAX]; /* ascending, disjoint */
};

void tlsoff_rcvq_init(struct tlsoff_rcvq *q, uint8_t *buf, uint32_t size);

/* Bytes that can still be placed after RCV.NXT. */
static inline uint32_t
tlsoff_rcvq_space(const struct tlsoff_rcvq *q)
{
	return q->mask + 1 - q->len;
}

/*
 * Place @len bytes of @m at @off, sequence @seq, with @seq >= @rcv_nxt and
 * the end within tlsoff_rcvq_space(). Returns how far RCV.NXT advances.
 * An out-of-order piece that cannot be remembered sets *@dropped.
 */
uint32_t tlsoff_rcvq_store(struct tlsoff_rcvq *q, uint32_t rcv_nxt,
		uint32_t seq, const struct rte_mbuf *m, uint32_t off,
		uint32_t len, bool *dropped);

/* Copy out up to @n in-order bytes; returns the count. */
uint32_t tlsoff_rcvq_read(struct tlsoff_rcvq *q, void *buf, uint32_t n);

/* SACK blocks describing held out-of-order data, most recent first. */
unsigned int tlsoff_rcvq_sack_blocks(const struct tlsoff_rcvq *q,
		struct tlsoff_seq_range *out, unsigned int max);

#endif /* TLSOFF_TCP_RCVQ_H */
