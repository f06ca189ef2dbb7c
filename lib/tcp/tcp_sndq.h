/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Send queue: the bytes of a connection from SND.UNA to the end of what the
 * application queued, as a ring of mbuf segments ("chunks") mapped to TCP
 * sequence numbers. Segments reference chunk bytes through indirect mbufs,
 * so payload is never copied on the way out, and a chunk is freed only once
 * all of its bytes are acknowledged: retransmissions send the same bytes.
 */

#ifndef TLSOFF_TCP_SNDQ_H
#define TLSOFF_TCP_SNDQ_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

struct tlsoff_sndq_chunk {
	struct rte_mbuf *m;   /* one segment (next == NULL), owned by the queue */
	uint32_t seq;         /* sequence number of its first byte */
	uint32_t len;         /* bytes; fixed once a later chunk exists */
	bool eor;             /* a segment never runs past its end */
};

struct tlsoff_sndq {
	struct tlsoff_sndq_chunk *ring;
	uint32_t mask;        /* ring size - 1 */
	uint32_t head;        /* free-running index of the oldest chunk */
	uint32_t tail;        /* free-running index after the newest chunk */
	uint32_t una;         /* first unacknowledged byte */
	uint32_t end_seq;     /* sequence number after the last queued byte */
	uint32_t hint;        /* index of the last lookup */
	bool tail_appendable; /* newest chunk is a copy buffer with room */
	/* tlsoff_sndq_reserve(): where the reserved bytes go */
	struct rte_mbuf *spare; /* a buffer taken, not yet queued */
	bool res_new;         /* the reservation is in the spare buffer */
};

void tlsoff_sndq_init(struct tlsoff_sndq *q, struct tlsoff_sndq_chunk *ring,
		uint32_t nb_chunks, uint32_t isn_next);

static inline uint32_t
tlsoff_sndq_count(const struct tlsoff_sndq *q)
{
	return q->tail - q->head;
}

static inline uint32_t
tlsoff_sndq_free_slots(const struct tlsoff_sndq *q)
{
	return q->mask + 1 - tlsoff_sndq_count(q);
}

/* Bytes queued and not yet acknowledged. */
static inline uint32_t
tlsoff_sndq_bytes(const struct tlsoff_sndq *q)
{
	return q->end_seq - q->una;
}

/*
 * Copy up to @len bytes into buffers from @pool (filling the newest chunk's
 * tailroom first). Returns the bytes taken; fewer than @len when the ring or
 * the pool ran out.
 */
uint32_t tlsoff_sndq_append_copy(struct tlsoff_sndq *q,
		struct rte_mempool *pool, const void *data, uint32_t len);

/*
 * Contiguous room for @len bytes at the end of the queue: the newest
 * buffer's tailroom if it is appendable, else a new buffer from @pool
 * whose byte @align_off will sit on a cache line. Nothing is queued until
 * tlsoff_sndq_commit(); a new buffer is kept for the next call if the
 * caller gives up. NULL when there is no free chunk slot, or no buffer
 * (*@no_mem), or @len does not fit a buffer.
 */
uint8_t *tlsoff_sndq_reserve(struct tlsoff_sndq *q, struct rte_mempool *pool,
		uint32_t len, uint16_t align_off, bool *no_mem);
/* Queue the @len bytes written at the last reservation. */
void tlsoff_sndq_commit(struct tlsoff_sndq *q, uint32_t len);

/*
 * Take every segment of chain @m. All or nothing: -ENOSPC (not enough ring
 * slots) leaves @m with the caller.
 */
int tlsoff_sndq_append_chain(struct tlsoff_sndq *q, struct rte_mbuf *m);

/*
 * A segment must not run past the bytes queued so far (TLS: the device's
 * key epoch changes there). Later bytes start a new chunk.
 */
void tlsoff_sndq_mark_eor(struct tlsoff_sndq *q);

/*
 * Of @len bytes from @seq, those that lie in at most @pieces buffers (a
 * device's limit on the pieces of one frame).
 */
uint32_t tlsoff_sndq_piece_limit(struct tlsoff_sndq *q, uint32_t seq,
		uint32_t len, unsigned int pieces);

/* Of @len bytes from @seq, those a segment may carry without crossing a mark. */
uint32_t tlsoff_sndq_seg_limit(struct tlsoff_sndq *q, uint32_t seq,
		uint32_t len);

/*
 * Release every chunk wholly below @ack. Returns the number freed; *@freed_pool
 * is set when one came from @copy_pool.
 */
uint32_t tlsoff_sndq_release(struct tlsoff_sndq *q, uint32_t ack,
		const struct rte_mempool *copy_pool, bool *freed_pool);

/* Free everything (teardown). */
void tlsoff_sndq_purge(struct tlsoff_sndq *q);

/* Index of the chunk holding @seq, which must be in [una, end_seq). */
uint32_t tlsoff_sndq_find(struct tlsoff_sndq *q, uint32_t seq);

/*
 * Append to @tail references to bytes [seq, seq + len), each a new indirect
 * mbuf from @ind_pool. Returns the last mbuf of the chain, or NULL (with
 * everything allocated here freed and @tail unchanged) when the pool is
 * empty. The caller fixes pkt_len/nb_segs of the head.
 */
struct rte_mbuf *tlsoff_sndq_attach(struct tlsoff_sndq *q, uint32_t seq,
		uint32_t len, struct rte_mbuf *tail, struct rte_mempool *ind_pool,
		uint16_t *nb_segs);

/* Copy bytes [seq, seq + len) to @dst (ports without multi-segment tx). */
void tlsoff_sndq_copy_out(struct tlsoff_sndq *q, uint32_t seq, uint32_t len,
		uint8_t *dst);

#endif /* TLSOFF_TCP_SNDQ_H */
