/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* Send queue: chunk ring, sequence lookup, release on ACK, zero-copy attach. */

#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "tcp_seq.h"
#include "tcp_sndq.h"

static inline struct tlsoff_sndq_chunk *
chunk_at(const struct tlsoff_sndq *q, uint32_t idx)
{
	return &q->ring[idx & q->mask];
}

static void push_chunk(struct tlsoff_sndq *q, struct rte_mbuf *m,
		uint32_t len);

void
tlsoff_sndq_init(struct tlsoff_sndq *q, struct tlsoff_sndq_chunk *ring,
		uint32_t nb_chunks, uint32_t isn_next)
{
	q->ring = ring;
	q->mask = nb_chunks - 1;
	q->head = 0;
	q->tail = 0;
	q->hint = 0;
	q->una = isn_next;
	q->end_seq = isn_next;
	q->tail_appendable = false;
	q->spare = NULL;
	q->res_new = false;
}

uint8_t *
tlsoff_sndq_reserve(struct tlsoff_sndq *q, struct rte_mempool *pool,
		uint32_t len, uint16_t align_off, bool *no_mem)
{
	struct rte_mbuf *m;

	*no_mem = false;
	if (q->tail_appendable) {
		m = chunk_at(q, q->tail - 1)->m;
		if (rte_pktmbuf_tailroom(m) >= len) {
			q->res_new = false;
			return rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len);
		}
	}
	if (tlsoff_sndq_free_slots(q) == 0)
		return NULL;
	if (q->spare == NULL) {
		q->spare = rte_pktmbuf_alloc(pool);
		if (q->spare == NULL) {
			*no_mem = true;
			return NULL;
		}
	}
	m = q->spare;
	m->data_off = (uint16_t)(RTE_PKTMBUF_HEADROOM -
		RTE_MIN(align_off, (uint16_t)RTE_PKTMBUF_HEADROOM));
	if (rte_pktmbuf_tailroom(m) < len)
		return NULL;
	q->res_new = true;
	return rte_pktmbuf_mtod(m, uint8_t *);
}

void
tlsoff_sndq_commit(struct tlsoff_sndq *q, uint32_t len)
{
	struct tlsoff_sndq_chunk *c;
	struct rte_mbuf *m;

	if (q->res_new) {
		m = q->spare;
		q->spare = NULL;
		q->res_new = false;
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
		push_chunk(q, m, len);
		q->tail_appendable = true;
		return;
	}
	/* Behind bytes already sent: segments carry their own lengths. */
	c = chunk_at(q, q->tail - 1);
	c->m->data_len = (uint16_t)(c->m->data_len + len);
	c->m->pkt_len += len;
	c->len += len;
	q->end_seq += len;
}

static void
push_chunk(struct tlsoff_sndq *q, struct rte_mbuf *m, uint32_t len)
{
	struct tlsoff_sndq_chunk *c = chunk_at(q, q->tail++);

	c->m = m;
	c->seq = q->end_seq;
	c->len = len;
	c->eor = false;
	q->end_seq += len;
}

void
tlsoff_sndq_mark_eor(struct tlsoff_sndq *q)
{
	if (q->head != q->tail)
		chunk_at(q, q->tail - 1)->eor = true;
	q->tail_appendable = false;
}

uint32_t
tlsoff_sndq_piece_limit(struct tlsoff_sndq *q, uint32_t seq, uint32_t len,
		unsigned int pieces)
{
	uint32_t idx, n = 0;

	if (len == 0 || !seq_in(seq, q->una, q->end_seq))
		return len;
	idx = tlsoff_sndq_find(q, seq);
	while (n < len && pieces-- > 0 && idx != q->tail) {
		const struct tlsoff_sndq_chunk *c = chunk_at(q, idx++);

		n = c->seq + c->len - seq;
	}
	return RTE_MIN(n, len);
}

uint32_t
tlsoff_sndq_seg_limit(struct tlsoff_sndq *q, uint32_t seq, uint32_t len)
{
	uint32_t idx, n = 0;

	if (len == 0 || !seq_in(seq, q->una, q->end_seq))
		return len;
	idx = tlsoff_sndq_find(q, seq);
	while (n < len && idx != q->tail) {
		const struct tlsoff_sndq_chunk *c = chunk_at(q, idx++);

		n = c->seq + c->len - seq;
		if (c->eor)
			break;
	}
	return RTE_MIN(n, len);
}

uint32_t
tlsoff_sndq_append_copy(struct tlsoff_sndq *q, struct rte_mempool *pool,
		const void *data, uint32_t len)
{
	const uint8_t *p = data;
	uint32_t done = 0;

	while (done < len) {
		struct tlsoff_sndq_chunk *c;
		struct rte_mbuf *m;
		uint32_t room, n;

		if (!q->tail_appendable) {
			if (tlsoff_sndq_free_slots(q) == 0)
				break;
			m = rte_pktmbuf_alloc(pool);
			if (m == NULL)
				break;
			push_chunk(q, m, 0);
			q->tail_appendable = true;
		}
		c = chunk_at(q, q->tail - 1);
		m = c->m;
		room = rte_pktmbuf_tailroom(m);
		n = RTE_MIN(room, len - done);
		/*
		 * Appending behind bytes already sent is safe: segments in
		 * flight carry their own offset and length.
		 */
		rte_memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len),
				p + done, n);
		m->data_len += n;
		m->pkt_len += n;
		c->len += n;
		q->end_seq += n;
		done += n;
		if (rte_pktmbuf_tailroom(m) == 0)
			q->tail_appendable = false;
	}
	return done;
}

int
tlsoff_sndq_append_chain(struct tlsoff_sndq *q, struct rte_mbuf *m)
{
	struct rte_mbuf *seg, *next;

	if (m->nb_segs > tlsoff_sndq_free_slots(q))
		return -ENOSPC;
	for (seg = m; seg != NULL; seg = next) {
		next = seg->next;
		if (seg->data_len == 0) {
			seg->next = NULL;
			seg->nb_segs = 1;
			rte_pktmbuf_free_seg(seg);
			continue;
		}
		/* Each segment becomes a stand-alone mbuf owned by a chunk. */
		seg->next = NULL;
		seg->nb_segs = 1;
		seg->pkt_len = seg->data_len;
		push_chunk(q, seg, seg->data_len);
	}
	q->tail_appendable = false;
	return 0;
}

uint32_t
tlsoff_sndq_release(struct tlsoff_sndq *q, uint32_t ack,
		const struct rte_mempool *copy_pool, bool *freed_pool)
{
	uint32_t n = 0;

	if (seq_lt(ack, q->una) || seq_gt(ack, q->end_seq))
		return 0;
	while (q->head != q->tail) {
		struct tlsoff_sndq_chunk *c = chunk_at(q, q->head);

		if (seq_gt(c->seq + c->len, ack))
			break;
		if (c->m->pool == copy_pool)
			*freed_pool = true;
		rte_pktmbuf_free_seg(c->m);
		c->m = NULL;
		q->head++;
		n++;
	}
	if (q->head == q->tail)
		q->tail_appendable = false;
	q->una = ack;
	if ((int32_t)(q->hint - q->head) < 0)
		q->hint = q->head;
	return n;
}

void
tlsoff_sndq_purge(struct tlsoff_sndq *q)
{
	if (q->spare != NULL) {
		rte_pktmbuf_free(q->spare);
		q->spare = NULL;
	}
	while (q->head != q->tail) {
		struct tlsoff_sndq_chunk *c = chunk_at(q, q->head++);

		rte_pktmbuf_free_seg(c->m);
		c->m = NULL;
	}
	q->una = q->end_seq;
	q->tail_appendable = false;
}

uint32_t
tlsoff_sndq_find(struct tlsoff_sndq *q, uint32_t seq)
{
	uint32_t lo = q->head, hi = q->tail, h = q->hint;

	/* Sequential output asks for the hinted chunk or the next one. */
	if (h - q->head < tlsoff_sndq_count(q)) {
		const struct tlsoff_sndq_chunk *c = chunk_at(q, h);

		if (seq_in(seq, c->seq, c->seq + c->len))
			return h;
		if (h + 1 != q->tail) {
			c = chunk_at(q, h + 1);
			if (seq_in(seq, c->seq, c->seq + c->len)) {
				q->hint = h + 1;
				return h + 1;
			}
		}
	}
	/* Binary search on offsets from the head: wrap-safe. */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (chunk_at(q, mid)->seq - q->una <= seq - q->una)
			lo = mid;
		else
			hi = mid;
	}
	q->hint = lo;
	return lo;
}

struct rte_mbuf *
tlsoff_sndq_attach(struct tlsoff_sndq *q, uint32_t seq, uint32_t len,
		struct rte_mbuf *tail, struct rte_mempool *ind_pool,
		uint16_t *nb_segs)
{
	struct rte_mbuf *first = NULL, *last = tail;
	uint32_t idx = tlsoff_sndq_find(q, seq);
	uint16_t segs = 0;

	while (len > 0) {
		const struct tlsoff_sndq_chunk *c = chunk_at(q, idx++);
		uint32_t off = seq - c->seq;
		uint32_t n = RTE_MIN(len, c->len - off);
		struct rte_mbuf *mi = rte_pktmbuf_alloc(ind_pool);

		if (unlikely(mi == NULL)) {
			if (first != NULL)
				rte_pktmbuf_free(first);
			tail->next = NULL;
			return NULL;
		}
		rte_pktmbuf_attach(mi, c->m);
		mi->data_off = c->m->data_off + off;
		mi->data_len = n;
		mi->pkt_len = n;
		if (first == NULL)
			first = mi;
		last->next = mi;
		last = mi;
		seq += n;
		len -= n;
		segs++;
	}
	*nb_segs = segs;
	return last;
}

void
tlsoff_sndq_copy_out(struct tlsoff_sndq *q, uint32_t seq, uint32_t len,
		uint8_t *dst)
{
	uint32_t idx = tlsoff_sndq_find(q, seq);

	while (len > 0) {
		const struct tlsoff_sndq_chunk *c = chunk_at(q, idx++);
		uint32_t off = seq - c->seq;
		uint32_t n = RTE_MIN(len, c->len - off);

		rte_memcpy(dst, rte_pktmbuf_mtod_offset(c->m, uint8_t *, off), n);
		dst += n;
		seq += n;
		len -= n;
	}
}
