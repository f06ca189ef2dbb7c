/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * TLS records encrypted by the offload device. Each key epoch that goes to
 * the device gets a device context, kept in a slot until every byte of the
 * epoch is acknowledged. The send queue is marked where an epoch starts,
 * so no segment mixes epochs (or device bytes with the bytes before them);
 * each segment is tagged with its epoch's context (an mbuf dynamic field).
 * The device finds records and their bytes through rte_tlsoff_flow_record()
 * and rte_tlsoff_flow_spans() when it has to resync.
 */

#include <errno.h>
#include <string.h>

#include <rte_mbuf.h>

#include "rte_tlsoff_driver.h"
#include "tls.h"
#include "../stack/stack.h"
#include "../stack/tlsoff_log.h"
#include "../tcp/tcp.h"

_Static_assert((int)RTE_TLSOFF_CIPHER_AES_128_GCM ==
	(int)TLSOFF_CIPHER_AES_128_GCM &&
	(int)RTE_TLSOFF_CIPHER_AES_256_GCM == (int)TLSOFF_CIPHER_AES_256_GCM &&
	(int)RTE_TLSOFF_CIPHER_CHACHA20_POLY1305 ==
	(int)TLSOFF_CIPHER_CHACHA20_POLY1305, "cipher numbering");

/*
 * Start a device epoch for the keys now in @t (version, cipher, IV, next
 * record number) and @key, beginning at the end of the send queue.
 * 0, -ENOTSUP (no device, or it cannot take these), -ENOSPC, or the
 * device's error; nothing changes on failure.
 */
int
tlsoff_tls_nic_epoch(struct tlsoff_tls *t, const uint8_t *key,
		unsigned int key_len)
{
	struct tlsoff_stack *s = t->stack;
	struct tlsoff_conn *c = t->conn;
	struct rte_tlsoff_tls_keys keys;
	unsigned int slot;
	void *ctx = NULL;
	int rc;

	if (s->off == NULL)
		return -ENOTSUP;
	if (!s->off->supports(s->off_dev, t->version, t->cipher))
		return -ENOTSUP;
	for (slot = 0; slot < TLS_EPOCH_SLOTS; slot++)
		if (t->ep[slot].dev_ctx == NULL)
			break;
	if (slot == TLS_EPOCH_SLOTS)
		return -ENOSPC;
	memset(&keys, 0, sizeof(keys));
	keys.version = t->version;
	keys.cipher = t->cipher;
	keys.key_len = (uint8_t)key_len;
	memcpy(keys.key, key, key_len);
	memcpy(keys.salt, t->iv, sizeof(keys.salt));
	if (t->version == TLS_V13)
		memcpy(keys.iv, t->iv + 4, sizeof(keys.iv));
	keys.rec_seq = t->seq;
	keys.start_tcp_seq = c->sq.end_seq;
	rc = s->off->ctx_create(s->off_dev, &keys, t, &ctx);
	tlsoff_wipe(&keys, sizeof(keys));
	if (rc != 0)
		return rc;
	if (!t->nic) {
		t->nic = true;
		t->first_slot = (uint8_t)slot;
		t->first_live = true;
		t->nic_start_seq = c->sq.end_seq;
		TLSOFF_STAT_INC(s, tls, nic_handoffs);
	}
	/* The device's bytes start a segment of their own. */
	tlsoff_sndq_mark_eor(&c->sq);
	c->flags |= TF_EOR;
	t->ep[slot].dev_ctx = ctx;
	t->ep[slot].start_seq = c->sq.end_seq;
	t->ep[slot].closed = false;
	t->cur_slot = (uint8_t)slot;
	t->epoch_start_seq = c->sq.end_seq;
	t->mode = RTE_TLSOFF_TLS_NIC;
	return 0;
}

/* The current epoch ends at the end of the send queue (a key change). */
void
tlsoff_tls_nic_close_epoch(struct tlsoff_tls *t)
{
	struct tlsoff_conn *c = t->conn;

	if (t->cur_slot != TLS_SLOT_SW) {
		struct tlsoff_tls_epoch *e = &t->ep[t->cur_slot];

		e->closed = true;
		e->end_seq = c->sq.end_seq;
		t->closed_epochs++;
	}
	tlsoff_sndq_mark_eor(&c->sq);
	c->flags |= TF_EOR;
	t->cur_slot = TLS_SLOT_SW;
	t->epoch_start_seq = c->sq.end_seq;
	tlsoff_tls_nic_acked(t, c->snd_una);
}

static void
retire(struct tlsoff_tls *t, unsigned int slot)
{
	struct tlsoff_stack *s = t->stack;
	struct tlsoff_tls_epoch *e = &t->ep[slot];

	/* Frames still waiting for the device must not reach it. */
	tlsoff_tx_purge_ctx(s, e->dev_ctx);
	s->off->ctx_destroy(s->off_dev, e->dev_ctx);
	e->dev_ctx = NULL;
	if (e->closed)
		t->closed_epochs--;
	e->closed = false;
	if (slot == t->first_slot)
		t->first_live = false;
	TLSOFF_STAT_INC(s, tls, nic_epochs_retired);
}

/* Epochs that ended and are wholly acknowledged give their context back. */
void
tlsoff_tls_nic_acked(struct tlsoff_tls *t, uint32_t snd_una)
{
	unsigned int i;

	if (t->closed_epochs == 0)
		return;
	for (i = 0; i < TLS_EPOCH_SLOTS; i++) {
		const struct tlsoff_tls_epoch *e = &t->ep[i];

		if (e->dev_ctx != NULL && e->closed &&
		    seq_leq(e->end_seq, snd_una))
			retire(t, i);
	}
}

void
tlsoff_tls_nic_release(struct tlsoff_tls *t)
{
	unsigned int i;

	for (i = 0; i < TLS_EPOCH_SLOTS; i++)
		if (t->ep[i].dev_ctx != NULL)
			retire(t, i);
	t->nic = false;
	t->cur_slot = TLS_SLOT_SW;
	t->first_live = false;
	t->closed_epochs = 0;
}

/* The record holding @seq, or NULL (wrap-safe: offsets from the oldest). */
static const struct tlsoff_tls_rec *
rec_find(const struct tlsoff_tls *t, uint32_t seq)
{
	uint32_t lo = t->ring_head, hi = t->ring_tail, base, off;
	const struct tlsoff_tls_rec *r;

	if (lo == hi)
		return NULL;
	base = t->ring[lo & t->ring_mask].tcp_seq;
	off = seq - base;
	r = &t->ring[(hi - 1) & t->ring_mask];
	if (off >= r->tcp_seq + r->len - base)
		return NULL;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t->ring[mid & t->ring_mask].tcp_seq - base <= off)
			lo = mid;
		else
			hi = mid;
	}
	r = &t->ring[lo & t->ring_mask];
	return off - (r->tcp_seq - base) < r->len ? r : NULL;
}

/* The device slot whose context a segment from @seq belongs to. */
static unsigned int
slot_of(const struct tlsoff_tls *t, uint32_t seq)
{
	const struct tlsoff_tls_rec *r;

	if (seq_geq(seq, t->epoch_start_seq))
		return t->cur_slot;
	if (seq_lt(seq, t->nic_start_seq))
		/* Before the device's records: it sends them as they are. */
		return t->first_live ? t->first_slot : TLS_SLOT_SW;
	r = rec_find(t, seq);
	return r != NULL ? r->slot : TLS_SLOT_SW;
}

void
tlsoff_tls_on_xmit(struct tlsoff_tls *t, struct rte_mbuf *m, uint32_t seq,
		uint32_t len)
{
	struct rte_tlsoff_tx_meta *meta;
	unsigned int slot;

	if (!t->nic)
		return;
	slot = slot_of(t, seq);
	if (slot == TLS_SLOT_SW || t->ep[slot].dev_ctx == NULL)
		return;
	meta = RTE_MBUF_DYNFIELD(m, rte_tlsoff_tx_meta_offset,
			struct rte_tlsoff_tx_meta *);
	meta->ctx = t->ep[slot].dev_ctx;
	meta->tcp_seq = seq;
	meta->payload_len = len;
	m->ol_flags |= rte_tlsoff_tx_meta_flag;
}

enum rte_tlsoff_lookup
rte_tlsoff_flow_record(void *flow, uint32_t seq, struct rte_tlsoff_record *rec)
{
	const struct tlsoff_tls *t = flow;
	const struct tlsoff_tls_rec *r;

	if (t == NULL || rec == NULL || !t->nic)
		return RTE_TLSOFF_LOOKUP_GONE;
	if (seq_lt(seq, t->nic_start_seq))
		return RTE_TLSOFF_LOOKUP_BEFORE;
	r = rec_find(t, seq);
	if (r == NULL || r->slot == TLS_SLOT_SW)
		return RTE_TLSOFF_LOOKUP_GONE;
	rec->tcp_seq = r->tcp_seq;
	rec->len = r->len;
	rec->rec_seq = r->rec_seq;
	rec->dev_ctx = t->ep[r->slot].dev_ctx;
	return RTE_TLSOFF_LOOKUP_FOUND;
}

uint32_t
rte_tlsoff_flow_start_seq(void *flow)
{
	const struct tlsoff_tls *t = flow;

	return t != NULL ? t->nic_start_seq : 0;
}

int
rte_tlsoff_flow_spans(void *flow, uint32_t seq, uint32_t len,
		struct rte_tlsoff_span *spans, unsigned int max)
{
	struct tlsoff_tls *t = flow;
	struct tlsoff_sndq *q;
	unsigned int n = 0;
	uint32_t idx, lo, hi, base;

	if (t == NULL || t->conn == NULL || (spans == NULL && max > 0))
		return -EINVAL;
	q = &t->conn->sq;
	if (len == 0)
		return 0;
	if (q->head == q->tail)
		return -ENOENT;
	/*
	 * A record's first bytes may be acknowledged already while the
	 * buffer holding them is still queued: search from the oldest
	 * buffer, not from SND.UNA.
	 */
	lo = q->head;
	hi = q->tail;
	base = q->ring[lo & q->mask].seq;
	if (seq - base >= q->end_seq - base || len > q->end_seq - seq)
		return -ENOENT;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (q->ring[mid & q->mask].seq - base <= seq - base)
			lo = mid;
		else
			hi = mid;
	}
	idx = lo;
	while (len > 0) {
		const struct tlsoff_sndq_chunk *c = &q->ring[idx++ & q->mask];
		uint32_t off = seq - c->seq;
		uint32_t k = RTE_MIN(len, c->len - off);

		if (n == max)
			return -ENOSPC;
		spans[n].m = c->m;
		spans[n].addr = rte_pktmbuf_mtod_offset(c->m, const uint8_t *, off);
		spans[n].len = k;
		n++;
		seq += k;
		len -= k;
	}
	return (int)n;
}
