/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * TLS contexts and the TLS transmit path.
 *
 * A context is a TIS with tls_en and a DEK. TISes are created in batches
 * and recycled (a recycled TIS just gets new params); DEKs come from bulk
 * allocations and take a connection's key with one MODIFY. A freed DEK id
 * may take a new key only after SYNC_CRYPTO (the device caches keys it
 * used), so freed ids wait on a dirty list and one SYNC_CRYPTO cleans them
 * all when the free list runs dry (fact sheet 1.2). A destroyed context
 * goes back only once the send queue has completed its last WQE.
 *
 * Transmit (fact sheet 4): a frame that continues its context's stream is
 * sent with the TIS. Otherwise the context is resynced: the record holding
 * the frame's first byte is found; static params (only if the record
 * number changed), progress params and a fence NOP reset the engine to the
 * start of that record; DUMP WQEs replay the record's bytes before the
 * frame; then the frame goes. A frame a little ahead of the stream (the
 * frames before it were lost before reaching the device) only needs the
 * gap replayed. Frames wholly before the first offloaded record go without
 * the TIS (skip); frames that cannot be resynced are dropped, never sent
 * in the clear.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "mlx5_drv.h"
#include "mlx5_log.h"

static inline bool
seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* ---- pools ---- */

static int
tis_batch(struct mlx5_drv *d, unsigned int n)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < n && d->nb_tis < d->max_ctx; i++) {
		struct mlx5_tls_ctx *c = &d->ctxs[d->nb_tis];

		rc = mlx5_create_tis(&d->dev, &c->tisn, &c->tis_obj);
		if (rc != 0)
			break;
		c->dek_id = UINT32_MAX;
		c->next = d->free_ctx;
		d->free_ctx = c;
		d->nb_tis++;
	}
	return i > 0 ? 0 : rc;
}

static int
dek_bulk(struct mlx5_drv *d)
{
	struct mlx5_dek_bulk *b;
	uint32_t i;
	int rc;

	if (d->nb_bulks == MLX5_MAX_DEK_BULKS ||
	    d->nb_bulks * (1u << d->log_bulk) >= d->dek_cap)
		return -ENOSPC;
	b = &d->bulks[d->nb_bulks];
	rc = mlx5_create_deks(&d->dev, d->log_bulk, &b->base, &b->obj);
	if (rc != 0)
		return rc;
	b->count = 1u << d->log_bulk;
	for (i = 0; i < b->count && d->nb_dek_free < d->dek_cap; i++)
		d->dek_free[d->nb_dek_free++] = d->nb_bulks << 24 | i;
	d->nb_bulks++;
	return 0;
}

/* A DEK id ready for a key: free, or cleaned by SYNC_CRYPTO, or new. */
static int
dek_get(struct mlx5_drv *d, uint32_t *ref, bool *cmd)
{
	int rc;

	if (d->nb_dek_free == 0 && d->nb_dek_dirty > 0) {
		rc = mlx5_sync_crypto(&d->dev);
		if (rc != 0)
			return rc;
		memcpy(d->dek_free, d->dek_dirty,
			d->nb_dek_dirty * sizeof(*d->dek_free));
		d->nb_dek_free = d->nb_dek_dirty;
		d->nb_dek_dirty = 0;
		*cmd = true;
	}
	if (d->nb_dek_free == 0) {
		rc = dek_bulk(d);
		if (rc != 0)
			return rc;
		*cmd = true;
	}
	*ref = d->dek_free[--d->nb_dek_free];
	return 0;
}

int
mlx5_tls_setup(struct mlx5_drv *d, uint32_t max_ctx)
{
	const struct mlx5_caps *cp = &d->dev.caps;
	unsigned int log_max = cp->log_dek_max_alloc ? cp->log_dek_max_alloc : 0;
	int rc;

	d->max_ctx = max_ctx;
	d->ctxs = rte_zmalloc("mlx5_tls_ctx", sizeof(*d->ctxs) * max_ctx, 64);
	/* Bulks of up to 4096 DEKs, as Linux allocates them. */
	d->log_bulk = RTE_MIN(12u, log_max);
	while (d->log_bulk > 0 && (1u << (d->log_bulk - 1)) >= max_ctx)
		d->log_bulk--;
	d->dek_cap = RTE_MIN((uint32_t)MLX5_MAX_DEK_BULKS << d->log_bulk,
		RTE_MAX(max_ctx, 1u << d->log_bulk));
	if (cp->log_max_dek > 0 && d->dek_cap > (1u << cp->log_max_dek))
		d->dek_cap = 1u << cp->log_max_dek;
	d->dek_free = rte_malloc("mlx5_dek_free",
		sizeof(uint32_t) * d->dek_cap, 0);
	d->dek_dirty = rte_malloc("mlx5_dek_dirty",
		sizeof(uint32_t) * d->dek_cap, 0);
	if (d->ctxs == NULL || d->dek_free == NULL || d->dek_dirty == NULL)
		return -ENOMEM;
	/* The first TIS batch and DEK bulk: connection setup needs neither. */
	rc = tis_batch(d, RTE_MIN(max_ctx, MLX5_TIS_BATCH));
	if (rc == 0)
		rc = dek_bulk(d);
	return rc;
}

void
mlx5_tls_teardown(struct mlx5_drv *d)
{
	uint32_t i;

	if (d->ctxs != NULL)
		for (i = 0; i < d->nb_tis; i++)
			mlx5_destroy_obj(&d->dev, d->ctxs[i].tis_obj);
	for (i = 0; i < d->nb_bulks; i++)
		mlx5_destroy_obj(&d->dev, d->bulks[i].obj);
	d->nb_bulks = 0;
	d->nb_tis = 0;
	rte_free(d->ctxs);
	rte_free(d->dek_free);
	rte_free(d->dek_dirty);
	d->ctxs = NULL;
	d->dek_free = NULL;
	d->dek_dirty = NULL;
}

void
mlx5_tls_refill(struct mlx5_drv *d)
{
	/* Keep TISes ahead of demand, a batch at a time. */
	if (d->free_ctx == NULL && d->nb_tis < d->max_ctx)
		tis_batch(d, MLX5_TIS_BATCH);
}

int
mlx5_tls_ctx_create(struct mlx5_drv *d, const struct rte_tlsoff_tls_keys *k,
		void *flow, struct mlx5_tls_ctx **out)
{
	struct mlx5_tls_ctx *c;
	const struct mlx5_dek_bulk *b;
	uint32_t ref;
	bool cmd = false;
	int rc;

	mlx5_tls_reap(d);
	if (d->free_ctx == NULL) {
		/* The pool ran dry between refills: one more batch. */
		rc = tis_batch(d, MLX5_TIS_BATCH);
		if (rc != 0 || d->free_ctx == NULL) {
			d->st.ctx_no_resource++;
			return -ENOSPC;
		}
		cmd = true;
	}
	rc = dek_get(d, &ref, &cmd);
	if (rc != 0) {
		d->st.ctx_no_resource++;
		return rc == -ENOSPC ? -ENOSPC : rc;
	}
	b = &d->bulks[ref >> 24];
	rc = mlx5_modify_dek(&d->dev, b->obj, b->base, ref & 0xffffff, k->key,
		k->key_len);
	if (rc != 0) {
		/* The id never took the key: it stays clean. */
		d->dek_free[d->nb_dek_free++] = ref;
		d->st.ctx_no_resource++;
		return rc;
	}
	c = d->free_ctx;
	d->free_ctx = c->next;
	c->next = NULL;
	c->dek_id = b->base + (ref & 0xffffff);
	c->dek_bulk = (uint16_t)(ref >> 24);
	c->flow = flow;
	c->version = k->version;
	c->key_len = k->key_len;
	memcpy(c->salt, k->salt, sizeof(c->salt));
	memcpy(c->iv, k->iv, sizeof(c->iv));
	c->static_rec = k->rec_seq;
	c->start_seq = k->start_tcp_seq;
	c->expected_seq = k->start_tcp_seq;
	c->need_params = true;
	c->live = true;
	d->st.ctx_created++;
	if (!cmd)
		d->st.pool_hits++;
	*out = c;
	return 0;
}

void
mlx5_tls_ctx_destroy(struct mlx5_drv *d, struct mlx5_tls_ctx *c)
{
	c->live = false;
	c->flow = NULL;
	memset(c->salt, 0, sizeof(c->salt));
	memset(c->iv, 0, sizeof(c->iv));
	/* Back to the pools once the queue is past its last WQE. */
	c->retire_pi = d->txq.pi;
	c->gen = d->txq.gen;
	c->next = NULL;
	if (d->retiring_tail != NULL)
		d->retiring_tail->next = c;
	else
		d->retiring = c;
	d->retiring_tail = c;
	d->st.ctx_destroyed++;
}

void
mlx5_tls_reap(struct mlx5_drv *d)
{
	const struct mlx5_txq *q = &d->txq;

	while (d->retiring != NULL) {
		struct mlx5_tls_ctx *c = d->retiring;

		/* After a queue reset nothing of the old queue is in flight. */
		if ((int32_t)(q->ci - c->retire_pi) < 0 && c->gen == q->gen)
			break;
		d->retiring = c->next;
		if (d->retiring == NULL)
			d->retiring_tail = NULL;
		/* Its key is wiped in the device when the id is reused. */
		d->dek_dirty[d->nb_dek_dirty++] = (uint32_t)c->dek_bulk << 24 |
			(c->dek_id - d->bulks[c->dek_bulk].base);
		c->dek_id = UINT32_MAX;
		c->next = d->free_ctx;
		d->free_ctx = c;
	}
}

/* ---- transmit ---- */

/* Copy a frame into one buffer the device can read (counted). */
static struct rte_mbuf *
bounce(struct mlx5_drv *d, struct rte_mbuf *m)
{
	struct rte_mbuf *b = rte_pktmbuf_alloc(d->txq.bounce_pool);
	const void *src;
	uint8_t *p;

	if (b == NULL || m->pkt_len > rte_pktmbuf_tailroom(b)) {
		rte_pktmbuf_free(b);
		return NULL;
	}
	p = (uint8_t *)rte_pktmbuf_append(b, (uint16_t)m->pkt_len);
	src = rte_pktmbuf_read(m, 0, m->pkt_len, p);
	if (src != p)
		memcpy(p, src, m->pkt_len);
	b->ol_flags = m->ol_flags;
	b->l2_len = m->l2_len;
	b->l3_len = m->l3_len;
	b->l4_len = m->l4_len;
	d->st.bounce_copies++;
	return b;
}

/*
 * Post @m as a SEND with @tisn. 1 posted (or dropped when it cannot be
 * copied either), 0 when the queue is full (nothing changed).
 */
int
mlx5_send_frame(struct mlx5_drv *d, struct rte_mbuf *m, uint32_t tisn)
{
	unsigned int bbs = mlx5_send_bbs(m);
	struct rte_mbuf *b;

	if (bbs != 0) {
		if (mlx5_txq_room(&d->txq) < bbs)
			return 0;
		if (mlx5_post_send(d, m, tisn) != 0)
			return 1;
	}
	/* Too many pieces, or memory the device cannot read: one copy. */
	if (mlx5_txq_room(&d->txq) < MLX5_WQE_MAX_BBS)
		return 0;
	b = bounce(d, m);
	if (b == NULL || mlx5_post_send(d, b, tisn) == 0) {
		rte_pktmbuf_free(b);
		rte_pktmbuf_free(m);
		d->st.drop_no_sync++;
		return 1;
	}
	rte_pktmbuf_free(m);
	return 1;
}

/* WQEBBs to replay @len bytes in DUMPs (one per MTU piece of each span). */
static unsigned int
dump_count(const struct mlx5_drv *d, const struct rte_tlsoff_span *sp,
		int n)
{
	unsigned int k = 0;
	int i;

	for (i = 0; i < n; i++)
		k += (sp[i].len + d->dump_max - 1) / d->dump_max;
	return k;
}

static void
post_dumps(struct mlx5_drv *d, const struct mlx5_tls_ctx *c,
		const struct rte_tlsoff_span *sp, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		const uint8_t *a = sp[i].addr;
		uint32_t left = sp[i].len;

		while (left > 0) {
			uint32_t k = RTE_MIN(left, d->dump_max);
			struct rte_mbuf *hold =
				(struct rte_mbuf *)(uintptr_t)sp[i].m;

			/* The bytes stay until this DUMP completes. */
			rte_mbuf_refcnt_update(hold, 1);
			mlx5_post_dump(&d->txq, c->tisn, a, k,
				mlx5_lkey(d, sp[i].m, a, k), hold, false);
			d->st.dump_wqes++;
			d->st.dump_bytes += k;
			a += k;
			left -= k;
		}
	}
}

/* Do the spans lie in memory the device reads? (They are the stack's.) */
static bool
spans_readable(struct mlx5_drv *d, const struct rte_tlsoff_span *sp, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (mlx5_lkey(d, sp[i].m, sp[i].addr, sp[i].len) == UINT32_MAX)
			return false;
	return true;
}

static int
drop(struct mlx5_drv *d, struct rte_mbuf *m)
{
	rte_pktmbuf_free(m);
	d->st.drop_no_sync++;
	return 1;
}

static void
sent(struct mlx5_drv *d, struct mlx5_tls_ctx *c, uint32_t seq, uint32_t len,
		uint16_t tso_segsz)
{
	c->expected_seq = seq + len;
	c->tis_used = true;
	/* Wire packets, as Linux counts them (gso_segs). */
	d->st.encrypted_packets += tso_segsz ?
		(len + tso_segsz - 1) / tso_segsz : 1;
	d->st.encrypted_bytes += len;
}

/*
 * The frames before @m were lost before the device saw them: replay the
 * gap [expected, seq) and carry on, no params needed (FreeBSD does the
 * same when the frame continues the record the NIC is in). -1 when the
 * gap cannot be replayed that way.
 */
static int
gap_replay(struct mlx5_drv *d, struct mlx5_tls_ctx *c, struct rte_mbuf *m,
		uint32_t seq, uint32_t len, uint16_t segsz)
{
	struct rte_tlsoff_span sp[MLX5_MAX_SPANS];
	uint32_t gap = seq - c->expected_seq;
	unsigned int need;
	int n;

	n = rte_tlsoff_flow_spans(c->flow, c->expected_seq, gap, sp,
		MLX5_MAX_SPANS);
	if (n <= 0 || !spans_readable(d, sp, n))
		return -1;
	need = dump_count(d, sp, n) + mlx5_send_bbs(m);
	if (mlx5_send_bbs(m) == 0)
		return -1;
	if (mlx5_txq_room(&d->txq) < need)
		return 0;
	post_dumps(d, c, sp, n);
	d->st.resyncs++;
	/* The engine is at @seq now, whatever happens to the frame. */
	c->expected_seq = seq;
	if (mlx5_send_frame(d, m, c->tisn) == 0)
		return 0;
	sent(d, c, seq, len, segsz);
	return 1;
}

int
mlx5_tls_xmit(struct mlx5_drv *d, struct rte_mbuf *m,
		const struct rte_tlsoff_tx_meta *meta)
{
	struct mlx5_tls_ctx *c = meta->ctx;
	struct rte_tlsoff_span sp[MLX5_MAX_SPANS];
	struct rte_tlsoff_record rec;
	uint32_t seq = meta->tcp_seq, len = meta->payload_len, prefix;
	bool fresh = c->need_params || c->gen != d->txq.gen;
	/* Read now: the frame may be freed once it is posted. */
	uint16_t segsz = (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ?
		m->tso_segsz : 0;
	bool post_static;
	unsigned int need;
	int n = 0, rc;

	if (unlikely(!c->live))
		return drop(d, m);

	if (likely(!fresh && seq == c->expected_seq)) {
		if (mlx5_send_frame(d, m, c->tisn) == 0)
			return 0;
		sent(d, c, seq, len, segsz);
		return 1;
	}
	if (!fresh) {
		d->st.ooo_packets++;
		if (d->flags & RTE_TLSOFF_OFFLOAD_F_TEST_NO_RESYNC) {
			/* Test only: carry on as if nothing happened. */
			if (mlx5_send_frame(d, m, c->tisn) == 0)
				return 0;
			sent(d, c, seq, len, segsz);
			return 1;
		}
	}
	switch (rte_tlsoff_flow_record(c->flow, seq, &rec)) {
	case RTE_TLSOFF_LOOKUP_BEFORE:
		/* Bytes from before the offload (e.g. the handshake). */
		if ((int32_t)(seq + len - rte_tlsoff_flow_start_seq(c->flow)) > 0)
			return drop(d, m);   /* straddles the start */
		if (mlx5_send_frame(d, m, 0) == 0)
			return 0;
		d->st.skip_no_sync++;
		return 1;
	case RTE_TLSOFF_LOOKUP_GONE:
		return drop(d, m);
	case RTE_TLSOFF_LOOKUP_FOUND:
		break;
	}
	if (rec.dev_ctx != c || mlx5_send_bbs(m) == 0)
		return drop(d, m);
	prefix = seq - rec.tcp_seq;
	/*
	 * A frame ahead of the stream: replaying the gap needs no params;
	 * worth it when the gap is shorter than the record prefix a full
	 * resync would replay.
	 */
	if (!fresh && seq_after(seq, c->expected_seq) &&
	    seq - c->expected_seq <= RTE_MIN(prefix, MLX5_GAP_MAX)) {
		rc = gap_replay(d, c, m, seq, len, segsz);
		if (rc >= 0)
			return rc;
	}
	if (prefix > 0) {
		n = rte_tlsoff_flow_spans(c->flow, rec.tcp_seq, prefix, sp,
			MLX5_MAX_SPANS);
		if (n <= 0 || !spans_readable(d, sp, n))
			return drop(d, m);
	}
	post_static = fresh || rec.rec_seq != c->static_rec;
	need = (post_static ? MLX5_STATIC_PARAMS_BBS : 0) + 1 + 1 +
		dump_count(d, sp, n) + mlx5_send_bbs(m);
	if (mlx5_txq_room(&d->txq) < need)
		return 0;
	/*
	 * Linux's order: static (fenced when the TIS may still be busy),
	 * progress (fenced when static was skipped), a fence NOP between
	 * the new context and its first use, DUMPs, the frame.
	 */
	if (post_static)
		mlx5_post_static(&d->txq, c, rec.rec_seq, c->tis_used);
	mlx5_post_progress(&d->txq, c->tisn, !post_static && c->tis_used);
	mlx5_post_nop(&d->txq, true);
	post_dumps(d, c, sp, n);
	c->static_rec = rec.rec_seq;
	c->need_params = false;
	c->gen = d->txq.gen;
	c->tis_used = true;
	if (!fresh)
		d->st.resyncs++;
	/* The engine is at @seq now, whatever happens to the frame. */
	c->expected_seq = seq;
	if (mlx5_send_frame(d, m, c->tisn) == 0)
		return 0;
	sent(d, c, seq, len, segsz);
	return 1;
}
