/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* Receive queue: byte ring with out-of-order ranges. */

#include <string.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "tcp_rcvq.h"
#include "tcp_seq.h"

void
tlsoff_rcvq_init(struct tlsoff_rcvq *q, uint8_t *buf, uint32_t size)
{
	q->buf = buf;
	q->mask = size - 1;
	q->head = 0;
	q->len = 0;
	q->nooo = 0;
	q->recent = 0;
}

/* Copy @n bytes of @m from @off into the ring at free-running position @pos. */
static void
ring_write(struct tlsoff_rcvq *q, uint32_t pos, const struct rte_mbuf *m,
		uint32_t off, uint32_t n)
{
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (n > 0 && m != NULL) {
		uint32_t from_seg = RTE_MIN(n, (uint32_t)m->data_len - off);
		const uint8_t *src = rte_pktmbuf_mtod_offset(m, const uint8_t *,
				off);

		while (from_seg > 0) {
			uint32_t p = pos & q->mask;
			uint32_t k = RTE_MIN(from_seg, q->mask + 1 - p);

			memcpy(q->buf + p, src, k);
			src += k;
			pos += k;
			from_seg -= k;
			n -= k;
		}
		off = 0;
		m = m->next;
	}
}

/* Remember [start, end) as held; false when there is no room for it. */
static bool
ooo_add(struct tlsoff_rcvq *q, uint32_t start, uint32_t end)
{
	struct tlsoff_seq_range *r = q->ooo;
	unsigned int i = 0, j;

	while (i < q->nooo && seq_lt(r[i].end, start))
		i++;
	if (i < q->nooo && seq_leq(r[i].start, end)) {
		/* Overlaps or touches r[i]: grow it and swallow followers. */
		r[i].start = seq_min(r[i].start, start);
		r[i].end = seq_max(r[i].end, end);
		j = i + 1;
		while (j < q->nooo && seq_leq(r[j].start, r[i].end)) {
			r[i].end = seq_max(r[i].end, r[j].end);
			j++;
		}
		if (j > i + 1) {
			memmove(&r[i + 1], &r[j], (q->nooo - j) * sizeof(*r));
			q->nooo -= j - i - 1;
		}
		q->recent = i;
		return true;
	}
	if (q->nooo == TLSOFF_OOO_MAX)
		return false;
	memmove(&r[i + 1], &r[i], (q->nooo - i) * sizeof(*r));
	r[i].start = start;
	r[i].end = end;
	q->nooo++;
	q->recent = i;
	return true;
}

uint32_t
tlsoff_rcvq_store(struct tlsoff_rcvq *q, uint32_t rcv_nxt, uint32_t seq,
		const struct rte_mbuf *m, uint32_t off, uint32_t len,
		bool *dropped)
{
	uint32_t adv, end;

	*dropped = false;
	if (len == 0)
		return 0;
	if (seq != rcv_nxt) {
		if (!ooo_add(q, seq, seq + len)) {
			*dropped = true;
			return 0;
		}
		ring_write(q, q->head + q->len + (seq - rcv_nxt), m, off, len);
		return 0;
	}
	ring_write(q, q->head + q->len, m, off, len);
	end = seq + len;
	/* Pull in held ranges that now continue the stream. */
	while (q->nooo > 0 && seq_leq(q->ooo[0].start, end)) {
		end = seq_max(end, q->ooo[0].end);
		memmove(&q->ooo[0], &q->ooo[1], (q->nooo - 1) * sizeof(q->ooo[0]));
		q->nooo--;
	}
	q->recent = 0;
	adv = end - rcv_nxt;
	q->len += adv;
	return adv;
}

uint32_t
tlsoff_rcvq_read(struct tlsoff_rcvq *q, void *buf, uint32_t n)
{
	uint8_t *dst = buf;
	uint32_t done = 0;

	n = RTE_MIN(n, q->len);
	while (done < n) {
		uint32_t p = q->head & q->mask;
		uint32_t k = RTE_MIN(n - done, q->mask + 1 - p);

		memcpy(dst + done, q->buf + p, k);
		done += k;
		q->head += k;
	}
	q->len -= n;
	return n;
}

unsigned int
tlsoff_rcvq_sack_blocks(const struct tlsoff_rcvq *q,
		struct tlsoff_seq_range *out, unsigned int max)
{
	unsigned int i, n = 0;

	if (q->nooo == 0 || max == 0)
		return 0;
	out[n++] = q->ooo[q->recent < q->nooo ? q->recent : 0];
	for (i = 0; i < q->nooo && n < max; i++)
		if (q->ooo[i].start != out[0].start)
			out[n++] = q->ooo[i];
	return n;
}
