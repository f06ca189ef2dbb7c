/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The model's send queue: after a doorbell it reads WQEs from the ring
 * memory the driver wrote (wrapping at the ring end as the hardware does),
 * checks them as strictly as the hardware would, runs them (params into the
 * TIS's TLS engine, DUMP bytes through it, SEND frames through it and onto
 * the wire with checksums recomputed), and writes CQEs: requested ones, and
 * an error CQE for a malformed WQE, after which the queue is in error and
 * flushes everything behind it until the driver resets it.
 */

#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "model_priv.h"
#include "../mlx5_prm.h"

/* Memory a data segment points at, if registered under its lkey. */
const void *
mm_mem(const struct mlx5_model *m, uint64_t addr, uint32_t lkey,
		uint32_t len)
{
	unsigned int i;

	for (i = 0; i < MM_MAX_MR; i++) {
		const struct mm_mr *r = &m->mr[i];

		if (r->used && r->lkey == lkey && addr >= r->start &&
		    addr + len <= r->end && addr + len >= addr)
			return (const void *)(uintptr_t)addr;
	}
	return NULL;
}

/* Copy @n DS units of the WQE at WQEBB @idx, across the ring end. */
static void
read_wqe(const struct mm_sq *sq, uint32_t idx, uint8_t *buf, unsigned int n)
{
	uint32_t ring = sq->hw.wqe_cnt * MLX5_WQEBB;
	uint32_t off = (idx & (sq->hw.wqe_cnt - 1)) * MLX5_WQEBB;
	uint32_t len = n * MLX5_DS;
	uint32_t first = RTE_MIN(len, ring - off);

	memcpy(buf, sq->hw.wq + off, first);
	if (first < len)
		memcpy(buf + first, sq->hw.wq, len - first);
}

static void
write_cqe(struct mlx5_model *m, struct mm_sq *sq, uint8_t opcode,
		uint16_t wqe_counter, uint8_t wqe_opcode, uint8_t syndrome,
		uint8_t vendor)
{
	uint32_t mask = sq->hw.cqe_cnt - 1;
	uint8_t *cqe = sq->hw.cq + (sq->cq_pi & mask) * MLX5_CQE_SIZE;
	uint8_t owner = (uint8_t)((sq->cq_pi / sq->hw.cqe_cnt) & 1);

	memset(cqe, 0, MLX5_CQE_SIZE - 1);
	mlx5_put_be32(cqe + MLX5_CQE_SOP_QPN,
		(uint32_t)wqe_opcode << 24 | (sq->hw.sqn & 0xffffff));
	mlx5_put_be16(cqe + MLX5_CQE_WQE_COUNTER, wqe_counter);
	if (opcode == MLX5_CQE_REQ_ERR) {
		cqe[MLX5_CQE_SYNDROME] = syndrome;
		cqe[MLX5_CQE_VENDOR_SYNDROME] = vendor;
		m->st.error_cqes++;
		m->st.last_error_syndrome = syndrome;
		m->st.last_vendor_syndrome = vendor;
	}
	/* The owner byte last: the driver polls it. */
	rte_wmb();
	cqe[MLX5_CQE_OP_OWN] = (uint8_t)(opcode << 4 | owner);
	sq->cq_pi++;
	m->st.cqes++;
}

/* A frame for the wire; flushed in bursts. */
static void
wire_put(struct mlx5_model *m, struct rte_mbuf *f)
{
	m->out[m->nb_out++] = f;
	if (m->nb_out == RTE_DIM(m->out))
		mm_flush_wire(m);
}

void
mm_flush_wire(struct mlx5_model *m)
{
	uint16_t sent = 0;

	while (sent < m->nb_out) {
		uint16_t n = m->conf.wire != NULL ?
			m->conf.wire(m->conf.wire_ctx, m->out + sent,
				(uint16_t)(m->nb_out - sent)) :
			rte_eth_tx_burst(m->conf.port_id, m->conf.queue_id,
				m->out + sent, (uint16_t)(m->nb_out - sent));
		if (n == 0)
			break;
		sent += n;
	}
	/* A link that takes nothing loses the rest (counted), as a wire. */
	while (sent < m->nb_out) {
		rte_pktmbuf_free(m->out[sent++]);
		m->st.wire_drops++;
	}
	m->nb_out = 0;
}

static uint16_t
fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Eth/IPv4/TCP: where the TCP payload is. False if not such a frame. */
static bool
parse_frame(const uint8_t *f, uint32_t len, uint32_t *l3, uint32_t *l4,
		uint32_t *pay, uint32_t *pay_len)
{
	uint32_t ihl, tot, doff;

	if (len < 14 + 20 + 20 || f[12] != 0x08 || f[13] != 0x00)
		return false;
	ihl = (uint32_t)(f[14] & 0xf) * 4;
	tot = (uint32_t)f[16] << 8 | f[17];
	if ((f[14] >> 4) != 4 || ihl < 20 || f[23] != IPPROTO_TCP ||
	    14 + tot > len || tot < ihl + 20)
		return false;
	doff = (uint32_t)(f[14 + ihl + 12] >> 4) * 4;
	if (doff < 20 || ihl + doff > tot)
		return false;
	*l3 = 14;
	*l4 = 14 + ihl;
	*pay = 14 + ihl + doff;
	*pay_len = tot - ihl - doff;
	return true;
}

static void
fill_checksums(uint8_t *f, uint32_t len, uint8_t cs_flags)
{
	uint32_t l3 = 14, l4, pay, plen, ihl, tot, sum;
	bool tcp;

	/* Any IPv4 frame gets its header checksum; TCP its L4 one too. */
	if (len < 34 || f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4)
		return;
	ihl = (uint32_t)(f[14] & 0xf) * 4;
	if (ihl < 20 || 14 + ihl > len)
		return;
	tcp = parse_frame(f, len, &l3, &l4, &pay, &plen);
	tot = (uint32_t)f[16] << 8 | f[17];
	/* rte_raw_cksum sums words as they lie in memory; store likewise. */
	if (cs_flags & MLX5_ETH_L3_CSUM) {
		uint16_t c;

		f[l3 + 10] = 0;
		f[l3 + 11] = 0;
		c = (uint16_t)~fold(rte_raw_cksum(f + l3, ihl));
		memcpy(f + l3 + 10, &c, 2);
	}
	if ((cs_flags & MLX5_ETH_L4_CSUM) && tcp) {
		uint16_t c, l4len = (uint16_t)(tot - ihl);

		f[l4 + 16] = 0;
		f[l4 + 17] = 0;
		sum = rte_raw_cksum(f + l3 + 12, 8);
		sum += rte_cpu_to_be_16(IPPROTO_TCP) + rte_cpu_to_be_16(l4len);
		sum += rte_raw_cksum(f + l4, l4len);
		c = (uint16_t)~fold(sum);
		memcpy(f + l4 + 16, &c, 2);
	}
}

/* The TIS a WQE names (ctrl dword 3 = tisn << 8), or NULL. */
static struct mm_tis *
tis_of(struct mlx5_model *m, uint32_t tisn)
{
	if (tisn == 0 || tisn >= MM_MAX_TIS || !m->tis[tisn].allocated)
		return NULL;
	return &m->tis[tisn];
}

/*
 * Fences (fact sheet 2.9): a TIS whose params changed may be used only
 * after a fence; params for a TIS that carried traffic must be fenced.
 */
static void
fence_seen(struct mlx5_model *m)
{
	unsigned int i;

	m->st.fences++;
	for (i = 1; i < MM_MAX_TIS; i++)
		m->tis[i].need_fence = false;
}

struct mm_wqe {
	uint8_t b[MLX5_WQE_MAX_BBS * MLX5_WQEBB];
	uint8_t opcode, opmod, fence, ce;
	uint16_t index;
	unsigned int ds, bbs;
	uint32_t tisn;
};

static int
run_static(struct mlx5_model *m, const struct mm_wqe *w)
{
	const struct mlx5_wqe_umr_ctrl *u =
		(const struct mlx5_wqe_umr_ctrl *)(w->b + 16);
	struct mm_tis *t = tis_of(m, w->tisn);
	static const uint8_t zero[64];
	int rc;

	if (w->opmod != MLX5_OPMOD_TLS_TIS_STATIC_PARAMS ||
	    w->ds != MLX5_STATIC_PARAMS_DS)
		return MLX5_MODEL_VS_BAD_DS;
	if (u->flags != MLX5_UMR_INLINE ||
	    rte_be_to_cpu_16(u->bsf_octowords) != 4 ||
	    memcmp(w->b + 64, zero, 64) != 0)
		return MLX5_MODEL_VS_BAD_PARAMS;
	if (t == NULL || !t->tls_en)
		return MLX5_MODEL_VS_UNKNOWN_TIS;
	if (t->has_traffic && !w->fence)
		return MLX5_MODEL_VS_NO_FENCE;
	rc = mm_tls_set_static(m, t, w->b + 128);
	if (rc != 0)
		return rc;
	m->st.static_params++;
	t->has_traffic = false;
	t->need_fence = true;
	return 0;
}

static int
run_progress(struct mlx5_model *m, const struct mm_wqe *w)
{
	const struct mlx5_tls_progress_params *pp =
		(const struct mlx5_tls_progress_params *)(w->b + 16);
	struct mm_tis *t;

	if (w->opmod != MLX5_OPMOD_TLS_TIS_PROGRESS_PARAMS ||
	    w->ds != MLX5_PROGRESS_PARAMS_DS)
		return MLX5_MODEL_VS_BAD_DS;
	/* SET_PSV names the TIS in the params, not shifted. */
	t = tis_of(m, rte_be_to_cpu_32(pp->tis_tir_num) & 0xffffff);
	if (t == NULL || !t->tls_en)
		return MLX5_MODEL_VS_UNKNOWN_TIS;
	if (!t->tls.static_ok)
		return MLX5_MODEL_VS_NO_CONTEXT;
	/* TX writes tracker START: anything else is not for transmit. */
	if ((pp->state >> 6) != 0)
		return MLX5_MODEL_VS_BAD_PARAMS;
	if (t->has_traffic && !w->fence)
		return MLX5_MODEL_VS_NO_FENCE;
	mm_tls_reset(&t->tls);
	m->st.progress_params++;
	t->has_traffic = false;
	t->need_fence = true;
	return 0;
}

static int
use_tis(struct mlx5_model *m, const struct mm_wqe *w, struct mm_tis **tp)
{
	struct mm_tis *t = tis_of(m, w->tisn);

	if (t == NULL || !t->tls_en)
		return MLX5_MODEL_VS_UNKNOWN_TIS;
	if (t->need_fence)
		return MLX5_MODEL_VS_NO_FENCE;
	if (!t->tls.static_ok || !t->tls.progress_ok)
		return MLX5_MODEL_VS_NO_CONTEXT;
	t->has_traffic = true;
	*tp = t;
	return 0;
}

static int
run_dump(struct mlx5_model *m, const struct mm_wqe *w)
{
	const struct mlx5_wqe_data *d = (const struct mlx5_wqe_data *)(w->b + 16);
	uint32_t len = rte_be_to_cpu_32(d->byte_count);
	const void *src;
	struct mm_tis *t;
	int rc;

	if (w->ds != MLX5_DUMP_DS)
		return MLX5_MODEL_VS_BAD_DS;
	if (len == 0)
		return MLX5_MODEL_VS_ZERO_DUMP;
	/* hw_mtu: the MTU plus Ethernet header, VLAN and FCS (fact sheet 2.6). */
	if (len > (uint32_t)m->conf.mtu + 22u)
		return MLX5_MODEL_VS_DUMP_TOO_LONG;
	rc = use_tis(m, w, &t);
	if (rc != 0)
		return rc;
	src = mm_mem(m, rte_be_to_cpu_64(d->addr), rte_be_to_cpu_32(d->lkey),
		len);
	if (src == NULL)
		return MLX5_MODEL_VS_BAD_LKEY;
	rc = mm_tls_feed(m, &t->tls, src, NULL, len);
	if (rc == 0)
		m->st.dump_bytes += len;
	return rc;
}

/* One wire frame of @len bytes from @src (headers already final). */
static int
emit(struct mlx5_model *m, struct mm_tis *t, const uint8_t *src,
		uint32_t len, uint8_t cs_flags)
{
	uint32_t l3, l4, pay, plen;
	struct rte_mbuf *f;
	uint8_t *p;
	int rc;

	if (len > (uint32_t)m->conf.mtu + 14u)
		return MLX5_MODEL_VS_BAD_FRAME;
	f = rte_pktmbuf_alloc(m->frame_pool);
	if (f == NULL) {
		m->st.wire_drops++;
		return 0;   /* the wire lost it; the WQE itself was fine */
	}
	p = rte_pktmbuf_mtod(f, uint8_t *);
	if (t != NULL) {
		if (!parse_frame(src, len, &l3, &l4, &pay, &plen)) {
			rte_pktmbuf_free(f);
			return MLX5_MODEL_VS_BAD_FRAME;
		}
		/* The payload continues the TIS's stream: encrypt on the copy. */
		memcpy(p, src, pay);
		rc = mm_tls_feed(m, &t->tls, src + pay, p + pay, plen);
		if (rc != 0) {
			rte_pktmbuf_free(f);
			return rc;
		}
		m->st.tls_payload_bytes += plen;
	} else {
		memcpy(p, src, len);
	}
	f->data_len = (uint16_t)len;
	f->pkt_len = len;
	fill_checksums(p, len, cs_flags);
	m->st.frames++;
	m->st.frame_bytes += len;
	wire_put(m, f);
	return 0;
}

/*
 * SEND: the frame is the inline headers and the data segments. LSO: that
 * is one large TCP segment which the device cuts into pieces of eth.mss
 * payload bytes, each with a copy of the headers: IPv4 total length and
 * ID (+1 per piece), TCP sequence advanced, FIN and PSH only on the last
 * piece; checksums per piece.
 */
static int
run_send(struct mlx5_model *m, const struct mm_wqe *w)
{
	const struct mlx5_wqe_eth *eth = (const struct mlx5_wqe_eth *)(w->b + 16);
	uint32_t ihs = rte_be_to_cpu_16(eth->inline_hdr_sz);
	uint32_t mss = rte_be_to_cpu_16(eth->mss);
	bool lso = w->opcode == MLX5_OPC_LSO;
	uint32_t seg_off, len, l3, l4, pay, plen, off, seq, id;
	struct mm_tis *t = NULL;
	uint8_t *p = m->scratch;
	unsigned int i;
	int rc = 0;

	/* ctrl + eth, the inline bytes past the eth segment, data segments. */
	seg_off = 32 + RTE_ALIGN_CEIL(ihs > MLX5_ETH_INLINE_START ?
		ihs - MLX5_ETH_INLINE_START : 0, MLX5_DS);
	if (w->ds < 2 || seg_off > w->ds * MLX5_DS || ihs == 0 ||
	    ((w->ds * MLX5_DS - seg_off) % MLX5_DS) != 0)
		return MLX5_MODEL_VS_BAD_DS;
	if (w->tisn != 0) {
		rc = use_tis(m, w, &t);
		if (rc != 0)
			return rc;
	}
	len = RTE_MIN(ihs, (uint32_t)MLX5_ETH_INLINE_START);
	memcpy(p, eth->inline_hdr_start, len);
	if (ihs > len)
		memcpy(p + len, w->b + 32, ihs - len);
	len = ihs;
	for (i = seg_off; i < w->ds * MLX5_DS; i += MLX5_DS) {
		const struct mlx5_wqe_data *d =
			(const struct mlx5_wqe_data *)(w->b + i);
		uint32_t n = rte_be_to_cpu_32(d->byte_count);
		const void *src = mm_mem(m, rte_be_to_cpu_64(d->addr),
				rte_be_to_cpu_32(d->lkey), n);

		if (n == 0)
			continue;
		if (src == NULL)
			return MLX5_MODEL_VS_BAD_LKEY;
		if (len + n > MM_LSO_MAX)
			return MLX5_MODEL_VS_BAD_FRAME;
		memcpy(p + len, src, n);
		len += n;
	}
	if (!lso)
		return emit(m, t, p, len, eth->cs_flags);
	/* LSO: all headers inline, an MSS, a TCP frame. */
	if (mss == 0 || !parse_frame(p, UINT32_MAX, &l3, &l4, &pay, &plen) ||
	    ihs != pay || !(eth->cs_flags & MLX5_ETH_L4_CSUM))
		return MLX5_MODEL_VS_BAD_FRAME;
	plen = len - pay;
	seq = (uint32_t)p[l4 + 4] << 24 | (uint32_t)p[l4 + 5] << 16 |
		(uint32_t)p[l4 + 6] << 8 | p[l4 + 7];
	id = (uint32_t)p[l3 + 4] << 8 | p[l3 + 5];
	for (off = 0; off < plen || (off == 0 && plen == 0); off += mss) {
		uint32_t n = RTE_MIN(mss, plen - off);
		bool last = off + n >= plen;
		uint8_t *h = m->seg;
		uint16_t tot = (uint16_t)(pay - l3 + n);

		memcpy(h, p, pay);
		memcpy(h + pay, p + pay + off, n);
		h[l3 + 2] = (uint8_t)(tot >> 8);
		h[l3 + 3] = (uint8_t)tot;
		h[l3 + 4] = (uint8_t)(id >> 8);
		h[l3 + 5] = (uint8_t)id;
		mlx5_put_be32(h + l4 + 4, seq + off);
		if (!last)
			h[l4 + 13] &= (uint8_t)~0x09;   /* FIN, PSH */
		rc = emit(m, t, h, pay + n, eth->cs_flags);
		if (rc != 0)
			return rc;
		id++;
		if (plen == 0)
			break;
	}
	return 0;
}

static bool
decode(struct mm_sq *sq, struct mm_wqe *w)
{
	const struct mlx5_wqe_ctrl *c = (const struct mlx5_wqe_ctrl *)
		(sq->hw.wq + (sq->ci & (sq->hw.wqe_cnt - 1)) * MLX5_WQEBB);
	uint32_t oio = rte_be_to_cpu_32(c->opmod_idx_opcode);

	w->opcode = (uint8_t)oio;
	w->index = (uint16_t)(oio >> 8);
	w->opmod = (uint8_t)(oio >> 24);
	w->ds = rte_be_to_cpu_32(c->qpn_ds) & MLX5_DS_MASK;
	w->fence = (c->fm_ce_se & 0xe0) != 0;
	w->ce = (c->fm_ce_se & 0x0c) == MLX5_WQE_CTRL_CQ_UPDATE;
	w->tisn = rte_be_to_cpu_32(c->tis_tir_num) >> 8;
	w->bbs = RTE_MAX(1u, (w->ds * MLX5_DS + MLX5_WQEBB - 1) / MLX5_WQEBB);
	if (w->ds == 0 || w->bbs > MLX5_WQE_MAX_BBS)
		return false;
	read_wqe(sq, sq->ci, w->b, w->ds);
	return true;
}

unsigned int
mm_sq_run(struct mlx5_model *m, struct mm_sq *sq)
{
	uint32_t pi = rte_be_to_cpu_32(*sq->hw.sq_dbrec) & 0xffff;
	struct mm_wqe w;
	unsigned int n = 0;

	rte_rmb();
	while ((sq->ci & 0xffff) != pi) {
		int rc = 0;

		/* WQEBBs the producer has handed over from here. */
		uint16_t avail = (uint16_t)(pi - (sq->ci & 0xffff));

		if (sq->error) {
			/* In error: every WQE behind the bad one is flushed. */
			if (!decode(sq, &w) || w.bbs > avail) {
				sq->ci++;
				continue;
			}
			write_cqe(m, sq, MLX5_CQE_REQ_ERR, w.index, w.opcode,
				MLX5_CQE_SYND_WR_FLUSH_ERR, 0);
			m->st.flushed_wqes++;
			sq->ci += w.bbs;
			continue;
		}
		if (!decode(sq, &w)) {
			rc = MLX5_MODEL_VS_BAD_DS;
			w.bbs = 1;
		} else if (w.bbs > avail) {
			/* Its ds count runs past what was posted. */
			rc = MLX5_MODEL_VS_BAD_DS;
			w.bbs = avail;
		} else if (w.index != (uint16_t)sq->ci) {
			rc = MLX5_MODEL_VS_BAD_INDEX;
		} else {
			if (w.fence)
				fence_seen(m);
			switch (w.opcode) {
			case MLX5_OPC_NOP:
				rc = w.ds >= 1 ? 0 : MLX5_MODEL_VS_BAD_DS;
				break;
			case MLX5_OPC_UMR:
				rc = run_static(m, &w);
				break;
			case MLX5_OPC_SET_PSV:
				rc = run_progress(m, &w);
				break;
			case MLX5_OPC_DUMP:
				rc = run_dump(m, &w);
				break;
			case MLX5_OPC_SEND:
			case MLX5_OPC_LSO:
				rc = run_send(m, &w);
				break;
			default:
				rc = MLX5_MODEL_VS_BAD_OPCODE;
				break;
			}
		}
		m->st.wqes++;
		n++;
		if (rc != 0) {
			uint8_t synd = rc == MLX5_MODEL_VS_ZERO_DUMP ||
				rc == MLX5_MODEL_VS_BAD_FRAME ?
				MLX5_CQE_SYND_LOCAL_LENGTH_ERR :
				rc == MLX5_MODEL_VS_BAD_LKEY ?
				MLX5_CQE_SYND_LOCAL_PROT_ERR :
				MLX5_CQE_SYND_LOCAL_QP_OP_ERR;

			write_cqe(m, sq, MLX5_CQE_REQ_ERR, w.index, w.opcode,
				synd, (uint8_t)rc);
			sq->error = true;
		} else if (w.ce) {
			write_cqe(m, sq, MLX5_CQE_REQ, w.index, w.opcode, 0, 0);
		}
		sq->ci += w.bbs;
	}
	mm_flush_wire(m);
	return n;
}
