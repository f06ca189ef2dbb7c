/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The driver's send queue: WQEs written straight into the ring (a WQE may
 * run past the ring end and continue at its start, as the device reads
 * it), the doorbell, and completions. Every WQE remembers the mbuf to free
 * when it completes; a completion is asked for every MLX5_CQE_EVERY WQEs
 * and on the last WQE of each doorbell, so everything completes. After an
 * error completion the queue drains (the device flushes what follows),
 * is reset, and every TLS context is re-established before its next use.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "mlx5_drv.h"
#include "mlx5_log.h"

/* ---- pure builders ---- */

static void
ctrl(uint8_t *w, uint8_t opmod, uint16_t idx, uint8_t opcode, uint32_t sqn,
		unsigned int ds, bool fence, uint32_t tis_field)
{
	struct mlx5_wqe_ctrl *c = (struct mlx5_wqe_ctrl *)w;

	c->opmod_idx_opcode = rte_cpu_to_be_32((uint32_t)opmod << 24 |
		(uint32_t)idx << 8 | opcode);
	c->qpn_ds = rte_cpu_to_be_32(sqn << 8 | ds);
	c->signature = 0;
	c->rsvd[0] = 0;
	c->rsvd[1] = 0;
	c->fm_ce_se = fence ? MLX5_FENCE_INITIATOR_SMALL : 0;
	c->tis_tir_num = rte_cpu_to_be_32(tis_field);
}

void
mlx5_build_static(uint8_t wqe[192], uint16_t idx, uint32_t sqn, uint32_t tisn,
		uint32_t dek, uint16_t version, const uint8_t salt[4],
		const uint8_t iv[8], uint64_t rec_seq, bool fence)
{
	struct mlx5_wqe_umr_ctrl *u = (struct mlx5_wqe_umr_ctrl *)(wqe + 16);
	struct mlx5_tls_static_params *p =
		(struct mlx5_tls_static_params *)(wqe + 128);
	unsigned int ver = version == 0x0304 ? MLX5_TLS_VERSION_13 :
		MLX5_TLS_VERSION_12;

	memset(wqe, 0, 192);
	ctrl(wqe, MLX5_OPMOD_TLS_TIS_STATIC_PARAMS, idx, MLX5_OPC_UMR, sqn,
		MLX5_STATIC_PARAMS_DS, fence, tisn << 8);
	u->flags = MLX5_UMR_INLINE;
	u->bsf_octowords = rte_cpu_to_be_16(sizeof(*p) / 16);
	/* wqe + 64: the mkey context, unused for TLS: zero. */
	p->ctx0[0] = (uint8_t)(2u << 6 | ver << 2 | 1u);   /* const_2, ver, const_1 */
	p->ctx0[3] = MLX5_ENC_STANDARD_TLS;
	mlx5_put_be64(p->initial_record_number, rec_seq);
	memcpy(p->gcm_iv, salt, 4);
	if (ver == MLX5_TLS_VERSION_13)
		memcpy(p->implicit_iv, iv, 8);
	p->dek_index[0] = (uint8_t)(dek >> 16);
	p->dek_index[1] = (uint8_t)(dek >> 8);
	p->dek_index[2] = (uint8_t)dek;
}

void
mlx5_build_progress(uint8_t wqe[32], uint16_t idx, uint32_t sqn, uint32_t tisn,
		bool fence)
{
	struct mlx5_tls_progress_params *p =
		(struct mlx5_tls_progress_params *)(wqe + 16);

	memset(wqe, 0, 32);
	/* SET_PSV names the TIS in its params, not in the ctrl segment. */
	ctrl(wqe, MLX5_OPMOD_TLS_TIS_PROGRESS_PARAMS, idx, MLX5_OPC_SET_PSV,
		sqn, MLX5_PROGRESS_PARAMS_DS, fence, 0);
	p->tis_tir_num = rte_cpu_to_be_32(tisn);
	/* next_record_tcp_sn 0, tracker START, auth NO_OFFLOAD: zero. */
}

void
mlx5_build_nop(uint8_t wqe[16], uint16_t idx, uint32_t sqn, bool fence)
{
	ctrl(wqe, 0, idx, MLX5_OPC_NOP, sqn, MLX5_NOP_DS, fence, 0);
}

void
mlx5_build_dump(uint8_t wqe[32], uint16_t idx, uint32_t sqn, uint32_t tisn,
		uint64_t addr, uint32_t len, uint32_t lkey, bool fence)
{
	struct mlx5_wqe_data *d = (struct mlx5_wqe_data *)(wqe + 16);

	ctrl(wqe, 0, idx, MLX5_OPC_DUMP, sqn, MLX5_DUMP_DS, fence, tisn << 8);
	d->byte_count = rte_cpu_to_be_32(len);
	d->lkey = rte_cpu_to_be_32(lkey);
	d->addr = rte_cpu_to_be_64(addr);
}

/* ---- the ring ---- */

/* DS unit @k of the WQE starting at WQEBB @start, across the ring end. */
static inline uint8_t *
ds_at(const struct mlx5_txq *q, uint32_t start, unsigned int k)
{
	uint32_t unit = (start * (MLX5_WQEBB / MLX5_DS) + k) &
		((q->mask + 1) * (MLX5_WQEBB / MLX5_DS) - 1);

	return q->hw.wq + unit * MLX5_DS;
}

/* Finish the WQE at q->pi of @ds units: bookkeeping and the pointer. */
static inline unsigned int
commit(struct mlx5_txq *q, unsigned int ds, struct rte_mbuf *hold)
{
	unsigned int bbs = (ds * MLX5_DS + MLX5_WQEBB - 1) / MLX5_WQEBB;
	uint32_t slot = q->pi & q->mask;

	q->elts[slot] = hold;
	q->bbs[slot] = (uint8_t)bbs;
	q->last_wqe = q->pi;
	if (++q->since_cqe >= MLX5_CQE_EVERY) {
		((struct mlx5_wqe_ctrl *)ds_at(q, q->pi, 0))->fm_ce_se |=
			MLX5_WQE_CTRL_CQ_UPDATE;
		q->since_cqe = 0;
	}
	q->pi += bbs;
	return bbs;
}

/* Copy a WQE built elsewhere into the ring, 16 bytes at a time. */
static unsigned int
put(struct mlx5_txq *q, const uint8_t *wqe, unsigned int ds,
		struct rte_mbuf *hold)
{
	unsigned int k;

	for (k = 0; k < ds; k++)
		memcpy(ds_at(q, q->pi, k), wqe + k * MLX5_DS, MLX5_DS);
	return commit(q, ds, hold);
}

unsigned int
mlx5_post_static(struct mlx5_txq *q, const struct mlx5_tls_ctx *c,
		uint64_t rec_seq, bool fence)
{
	uint8_t w[192];

	mlx5_build_static(w, (uint16_t)q->pi, q->hw.sqn, c->tisn, c->dek_id,
		c->version, c->salt, c->iv, rec_seq, fence);
	return put(q, w, MLX5_STATIC_PARAMS_DS, NULL);
}

unsigned int
mlx5_post_progress(struct mlx5_txq *q, uint32_t tisn, bool fence)
{
	uint8_t w[32];

	mlx5_build_progress(w, (uint16_t)q->pi, q->hw.sqn, tisn, fence);
	return put(q, w, MLX5_PROGRESS_PARAMS_DS, NULL);
}

unsigned int
mlx5_post_nop(struct mlx5_txq *q, bool fence)
{
	uint8_t w[16];

	mlx5_build_nop(w, (uint16_t)q->pi, q->hw.sqn, fence);
	return put(q, w, MLX5_NOP_DS, NULL);
}

unsigned int
mlx5_post_dump(struct mlx5_txq *q, uint32_t tisn, const void *addr,
		uint32_t len, uint32_t lkey, struct rte_mbuf *hold, bool fence)
{
	uint8_t w[32];

	mlx5_build_dump(w, (uint16_t)q->pi, q->hw.sqn, tisn,
		(uint64_t)(uintptr_t)addr, len, lkey, fence);
	return put(q, w, MLX5_DUMP_DS, hold);
}

/* Bytes inlined from the frame's first segment. */
static inline uint32_t
inline_len(const struct rte_mbuf *m)
{
	uint32_t hdr = (uint32_t)m->l2_len + m->l3_len + m->l4_len;

	if ((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) != 0 && hdr > 0 &&
	    hdr <= m->data_len)
		return hdr;
	return RTE_MIN((uint32_t)m->data_len, MLX5_INLINE_MAX);
}

static inline unsigned int
send_ds(const struct rte_mbuf *m, uint32_t ihs, unsigned int *dsegs)
{
	const struct rte_mbuf *s;
	unsigned int n = m->data_len > ihs ? 1 : 0;

	for (s = m->next; s != NULL; s = s->next)
		if (s->data_len > 0)
			n++;
	*dsegs = n;
	/* ctrl, eth (2 inline bytes), the rest of the inline headers. */
	return 2 + (ihs > MLX5_ETH_INLINE_START ?
		(ihs - MLX5_ETH_INLINE_START + MLX5_DS - 1) / MLX5_DS : 0) + n;
}

unsigned int
mlx5_send_bbs(const struct rte_mbuf *m)
{
	unsigned int dsegs, ds = send_ds(m, inline_len(m), &dsegs);

	if (m->data_len == 0 || dsegs > MLX5_MAX_DSEGS || ds > MLX5_DS_MASK)
		return 0;
	return (ds * MLX5_DS + MLX5_WQEBB - 1) / MLX5_WQEBB;
}

/* ---- memory the device reads ---- */

struct reg_arg {
	struct mlx5_drv *d;
	int rc;
};

static void
chunk_reg(struct rte_mempool *mp, void *opaque,
		struct rte_mempool_memhdr *memhdr, unsigned int idx)
{
	struct reg_arg *a = opaque;
	int rc;

	(void)mp;
	(void)idx;
	rc = mlx5_mr_register(&a->d->dev, memhdr->addr, memhdr->len);
	if (rc != 0 && a->rc == 0)
		a->rc = rc;
}

int
mlx5_register_pool(struct mlx5_drv *d, struct rte_mempool *mp)
{
	struct reg_arg a = { .d = d, .rc = 0 };

	rte_mempool_mem_iter(mp, chunk_reg, &a);
	if (a.rc != 0)
		MLX5_LOG(WARNING, "%s: cannot register mempool %s for the "
			"device: %s", d->name, mp->name, strerror(-a.rc));
	return a.rc;
}

uint32_t
mlx5_lkey(struct mlx5_drv *d, const struct rte_mbuf *m, const void *addr,
		uint32_t len)
{
	struct mlx5_txq *q = &d->txq;
	const struct mlx5_mr *r = &d->dev.mr[q->last_mr];
	uintptr_t a = (uintptr_t)addr;
	uint32_t lkey;
	unsigned int i;

	if (likely(q->last_mr < d->dev.nb_mr && a >= r->start &&
		   a + len <= r->end))
		return r->lkey;
	for (i = 0; i < d->dev.nb_mr; i++) {
		r = &d->dev.mr[i];
		if (a >= r->start && a + len <= r->end) {
			q->last_mr = i;
			return r->lkey;
		}
	}
	/* A pool not seen yet: register all of it, once. */
	if (RTE_MBUF_HAS_EXTBUF(m))
		return UINT32_MAX;
	m = rte_mbuf_from_indirect((struct rte_mbuf *)(uintptr_t)m);
	if (RTE_MBUF_HAS_EXTBUF(m) || m->pool == NULL ||
	    mlx5_register_pool(d, m->pool) != 0)
		return UINT32_MAX;
	lkey = mlx5_mr_lookup(&d->dev, addr, len);
	return lkey;
}

/*
 * The Ethernet SEND WQE, written in place: ctrl, eth segment with the
 * headers inline, then one data segment per remaining piece. The caller
 * checked the room (mlx5_send_bbs). 0, with nothing committed, when some
 * memory of the frame is not readable by the device.
 */
unsigned int
mlx5_post_send(struct mlx5_drv *d, struct rte_mbuf *m, uint32_t tisn)
{
	struct mlx5_txq *q = &d->txq;
	uint32_t ihs = inline_len(m), start = q->pi;
	const uint8_t *hdr = rte_pktmbuf_mtod(m, const uint8_t *);
	struct mlx5_wqe_eth *eth;
	const struct rte_mbuf *s;
	unsigned int dsegs, ds = send_ds(m, ihs, &dsegs), k, done;
	uint8_t cs = 0;

	/* A TSO frame is one LSO WQE: the device cuts it at eth.mss. */
	ctrl(ds_at(q, start, 0), 0, (uint16_t)start,
		(m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ? MLX5_OPC_LSO :
		MLX5_OPC_SEND, q->hw.sqn, ds, false, tisn << 8);
	eth = (struct mlx5_wqe_eth *)ds_at(q, start, 1);
	if (m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM)
		cs |= MLX5_ETH_L3_CSUM;
	if ((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) != 0)
		cs |= MLX5_ETH_L4_CSUM;
	eth->swp_offs = 0;
	eth->cs_flags = cs;
	eth->swp_flags = 0;
	eth->mss = (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ?
		rte_cpu_to_be_16(m->tso_segsz) : 0;
	eth->flow_table_metadata = 0;
	eth->inline_hdr_sz = rte_cpu_to_be_16((uint16_t)ihs);
	memcpy(eth->inline_hdr_start, hdr, RTE_MIN(ihs, MLX5_ETH_INLINE_START));
	/* The rest of the inline bytes, 16 per DS unit. */
	k = 2;
	for (done = MLX5_ETH_INLINE_START; done < ihs; done += MLX5_DS) {
		uint8_t *p = ds_at(q, start, k++);
		uint32_t n = RTE_MIN(MLX5_DS, ihs - done);

		memcpy(p, hdr + done, n);
		if (n < MLX5_DS)
			memset(p + n, 0, MLX5_DS - n);
	}
	if (m->data_len > ihs) {
		struct mlx5_wqe_data *dseg = (struct mlx5_wqe_data *)ds_at(q,
				start, k++);
		uint32_t n = m->data_len - ihs;

		uint32_t lkey = mlx5_lkey(d, m, hdr + ihs, n);

		if (lkey == UINT32_MAX)
			return 0;
		dseg->byte_count = rte_cpu_to_be_32(n);
		dseg->lkey = rte_cpu_to_be_32(lkey);
		dseg->addr = rte_cpu_to_be_64((uint64_t)(uintptr_t)(hdr + ihs));
	}
	for (s = m->next; s != NULL; s = s->next) {
		struct mlx5_wqe_data *dseg;
		const void *a = rte_pktmbuf_mtod(s, const void *);

		if (s->data_len == 0)
			continue;
		uint32_t lkey = mlx5_lkey(d, s, a, s->data_len);

		if (lkey == UINT32_MAX)
			return 0;   /* nothing is committed: the caller copies */
		dseg = (struct mlx5_wqe_data *)ds_at(q, start, k++);
		dseg->byte_count = rte_cpu_to_be_32(s->data_len);
		dseg->lkey = rte_cpu_to_be_32(lkey);
		dseg->addr = rte_cpu_to_be_64((uint64_t)(uintptr_t)a);
	}
	RTE_ASSERT(k == ds);
	if (dsegs == 0) {
		/* All inline: the device needs nothing of the mbuf. */
		rte_pktmbuf_free(m);
		m = NULL;
	}
	return commit(q, ds, m);
}

void
mlx5_txq_doorbell(struct mlx5_txq *q)
{
	struct mlx5_wqe_ctrl *c;

	if (q->pi == q->db_pi)
		return;
	/* The last WQE of the burst asks for a completion. */
	c = (struct mlx5_wqe_ctrl *)ds_at(q, q->last_wqe, 0);
	if (!(c->fm_ce_se & MLX5_WQE_CTRL_CQ_UPDATE)) {
		c->fm_ce_se |= MLX5_WQE_CTRL_CQ_UPDATE;
		q->since_cqe = 0;
	}
	rte_io_wmb();
	*q->hw.sq_dbrec = rte_cpu_to_be_32(q->pi & 0xffff);
	rte_wmb();
	q->db_pi = q->pi;
	q->dev->ops->doorbell(q->dev, &q->hw, c);
}

/* ---- completions ---- */

/* Free the WQEs from q->ci through the one at index @wqe_counter. */
static void
complete_upto(struct mlx5_txq *q, uint16_t wqe_counter)
{
	while (q->ci != q->pi) {
		uint32_t slot = q->ci & q->mask;
		bool last = (uint16_t)q->ci == wqe_counter;
		struct rte_mbuf *m = q->elts[slot];

		if (m != NULL) {
			rte_pktmbuf_free(m);
			q->elts[slot] = NULL;
		}
		q->ci += q->bbs[slot];
		if (last)
			break;
	}
}

static void
recover(struct mlx5_drv *d)
{
	struct mlx5_txq *q = &d->txq;
	int rc;

	/* Everything was completed or flushed: start the queue over. */
	rc = d->dev.ops->txq_reset(&d->dev, &q->hw);
	if (rc != 0) {
		MLX5_LOG(ERR, "%s: send queue reset failed: %s", d->name,
			strerror(-rc));
		return;
	}
	/* The send queue starts over at 0; the completion queue carries on. */
	q->pi = q->ci = q->db_pi = q->last_wqe = 0;
	q->since_cqe = 0;
	q->error = false;
	/* Every TLS context's device state is gone with the queue. */
	q->gen++;
	MLX5_LOG(NOTICE, "%s: send queue recovered after an error completion",
		d->name);
}

void
mlx5_txq_complete(struct mlx5_drv *d)
{
	struct mlx5_txq *q = &d->txq;
	uint32_t cmask = q->hw.cqe_cnt - 1;
	bool any = false;

	for (;;) {
		const uint8_t *cqe = q->hw.cq + (q->cq_ci & cmask) * MLX5_CQE_SIZE;
		uint8_t op_own = cqe[MLX5_CQE_OP_OWN];
		uint8_t opcode = op_own >> 4;
		uint16_t counter;

		if ((op_own & MLX5_CQE_OWNER_MASK) !=
		    ((q->cq_ci / q->hw.cqe_cnt) & 1) ||
		    opcode == MLX5_CQE_INVALID)
			break;
		rte_io_rmb();
		counter = mlx5_get_be16(cqe + MLX5_CQE_WQE_COUNTER);
		if (opcode == MLX5_CQE_REQ_ERR &&
		    cqe[MLX5_CQE_SYNDROME] != MLX5_CQE_SYND_WR_FLUSH_ERR) {
			q->st->cqe_errors++;
			q->error = true;
			MLX5_LOG(ERR, "%s: error completion: WQE %u opcode 0x%02x "
				"syndrome 0x%02x vendor 0x%02x", d->name,
				counter, cqe[MLX5_CQE_SOP_QPN],
				cqe[MLX5_CQE_SYNDROME],
				cqe[MLX5_CQE_VENDOR_SYNDROME]);
		}
		q->cq_ci++;
		any = true;
		complete_upto(q, counter);
	}
	if (any) {
		rte_io_wmb();
		*q->hw.cq_dbrec = rte_cpu_to_be_32(q->cq_ci & 0xffffff);
	}
	if (q->error && q->ci == q->pi)
		recover(d);
}

static unsigned int bounce_seq;

int
mlx5_txq_setup(struct mlx5_drv *d, unsigned int log_wqebbs, int socket)
{
	struct mlx5_txq *q = &d->txq;
	char name[RTE_MEMPOOL_NAMESIZE];
	int rc;

	memset(q, 0, sizeof(*q));
	q->dev = &d->dev;
	q->st = &d->st;
	rc = d->dev.ops->txq_create(&d->dev, &q->hw, log_wqebbs);
	if (rc != 0) {
		MLX5_LOG(ERR, "%s: send queue of %u WQEBBs: %s", d->name,
			1u << log_wqebbs, strerror(-rc));
		return rc;
	}
	q->mask = q->hw.wqe_cnt - 1;
	q->elts = rte_zmalloc_socket("mlx5_elts",
		sizeof(*q->elts) * q->hw.wqe_cnt, 64, socket);
	q->bbs = rte_zmalloc_socket("mlx5_bbs", q->hw.wqe_cnt, 64, socket);
	snprintf(name, sizeof(name), "mlx5_bounce_%u", bounce_seq++);
	/* Frames the device cannot read where they are are copied here. */
	q->bounce_pool = rte_pktmbuf_pool_create(name, 1024, 64, 0,
		RTE_MAX(2048u, (unsigned int)d->mtu + 14u) +
		RTE_PKTMBUF_HEADROOM, socket);
	if (q->elts == NULL || q->bbs == NULL || q->bounce_pool == NULL ||
	    mlx5_register_pool(d, q->bounce_pool) != 0) {
		mlx5_txq_teardown(d);
		return -ENOMEM;
	}
	return 0;
}

void
mlx5_txq_teardown(struct mlx5_drv *d)
{
	struct mlx5_txq *q = &d->txq;
	uint32_t i;

	if (q->hw.wq != NULL) {
		mlx5_txq_complete(d);
		/* What never completed is freed now: the queue is going. */
		if (q->elts != NULL)
			for (i = 0; i <= q->mask; i++)
				if (q->elts[i] != NULL)
					rte_pktmbuf_free(q->elts[i]);
		d->dev.ops->txq_destroy(&d->dev, &q->hw);
		q->hw.wq = NULL;
	}
	rte_free(q->elts);
	rte_free(q->bbs);
	q->elts = NULL;
	q->bbs = NULL;
	if (q->bounce_pool != NULL) {
		rte_mempool_free(q->bounce_pool);
		q->bounce_pool = NULL;
	}
}
