/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The model as a device backend: creation, the backend operations the
 * driver calls (commands, objects, PD, memory registration, queues,
 * doorbell), and the run loop for the asynchronous mode where the model
 * works on its own lcore like a NIC beside the CPU.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "model_priv.h"
#include "../mlx5_prm.h"

static unsigned int model_seq;

struct mlx5_model *
mlx5_model_create(const struct mlx5_model_conf *conf)
{
	struct mlx5_model *m = rte_zmalloc("mlx5_model", sizeof(*m), 64);
	unsigned int log_dek = conf->log_max_dek ? conf->log_max_dek : 14;
	char name[RTE_MEMPOOL_NAMESIZE];

	if (m == NULL)
		return NULL;
	m->conf = *conf;
	rte_spinlock_init(&m->lock);
	if (m->conf.mtu == 0)
		m->conf.mtu = 1500;
	m->nb_dek = 1u << log_dek;
	m->tis = rte_zmalloc("mlx5_model_tis", sizeof(*m->tis) * MM_MAX_TIS, 64);
	m->dek = rte_zmalloc("mlx5_model_dek", sizeof(*m->dek) * m->nb_dek, 64);
	snprintf(name, sizeof(name), "mm_frames_%u", model_seq++);
	m->frame_pool = rte_pktmbuf_pool_create(name, 4096, 256, 0,
		RTE_MAX(2048u, (unsigned int)m->conf.mtu + 14u) +
		RTE_PKTMBUF_HEADROOM, conf->socket_id);
	m->scratch = rte_malloc("mm_scratch", MM_LSO_MAX, 64);
	m->seg = rte_malloc("mm_seg", MM_FRAME_MAX + 64, 64);
	m->aes128 = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
	m->aes256 = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	if (m->tis == NULL || m->dek == NULL || m->frame_pool == NULL ||
	    m->scratch == NULL || m->seg == NULL ||
	    m->aes128 == NULL || m->aes256 == NULL) {
		mlx5_model_free(m);
		return NULL;
	}
	return m;
}

void
mlx5_model_free(struct mlx5_model *m)
{
	unsigned int i;

	if (m == NULL)
		return;
	for (i = 0; i < MM_MAX_SQ; i++) {
		if (m->sq[i].used) {
			rte_free(m->sq[i].hw.wq);
			rte_free(m->sq[i].hw.cq);
		}
	}
	if (m->tis != NULL)
		for (i = 0; i < MM_MAX_TIS; i++)
			EVP_CIPHER_CTX_free(m->tis[i].tls.ctx);
	mm_flush_wire(m);
	rte_mempool_free(m->frame_pool);
	EVP_CIPHER_free(m->aes128);
	EVP_CIPHER_free(m->aes256);
	if (m->dek != NULL)
		memset(m->dek, 0, sizeof(*m->dek) * m->nb_dek);
	rte_free(m->dek);
	rte_free(m->tis);
	rte_free(m->scratch);
	rte_free(m->seg);
	rte_free(m);
}

void
mlx5_model_stats_get(const struct mlx5_model *m, struct mlx5_model_stats *st)
{
	*st = m->st;
}

unsigned int
mlx5_model_run(struct mlx5_model *m)
{
	unsigned int i, n = 0;

	rte_spinlock_lock(&m->lock);
	for (i = 0; i < MM_MAX_SQ; i++)
		if (m->sq[i].used)
			n += mm_sq_run(m, &m->sq[i]);
	rte_spinlock_unlock(&m->lock);
	return n;
}

/* ---- backend operations ---- */

static struct mlx5_model *
model_of(struct mlx5_dev *d)
{
	return d->priv;
}

static void
mb_close(struct mlx5_dev *d)
{
	d->priv = NULL;
}

/*
 * Commands and queue processing may run on different lcores (async mode):
 * the model serialises them, as the device's firmware would.
 */
static int
mb_cmd(struct mlx5_dev *d, const void *in, size_t inlen, void *out,
		size_t outlen)
{
	struct mlx5_model *m = model_of(d);
	int rc;

	rte_spinlock_lock(&m->lock);
	rc = mm_cmd(m, in, inlen, out, outlen);
	rte_spinlock_unlock(&m->lock);
	return rc;
}

static int
mb_obj_create(struct mlx5_dev *d, const void *in, size_t inlen, void *out,
		size_t outlen, void **obj)
{
	struct mlx5_model *m = model_of(d);
	int rc;

	rte_spinlock_lock(&m->lock);
	rc = mm_obj_create(m, in, inlen, out, outlen, (struct mm_obj **)obj);
	rte_spinlock_unlock(&m->lock);
	return rc;
}

static int
mb_obj_modify(struct mlx5_dev *d, void *obj, const void *in, size_t inlen,
		void *out, size_t outlen)
{
	struct mlx5_model *m = model_of(d);
	int rc;

	rte_spinlock_lock(&m->lock);
	rc = mm_obj_modify(m, obj, in, inlen, out, outlen);
	rte_spinlock_unlock(&m->lock);
	return rc;
}

static int
mb_obj_destroy(struct mlx5_dev *d, void *obj)
{
	struct mlx5_model *m = model_of(d);

	rte_spinlock_lock(&m->lock);
	mm_obj_destroy(m, obj);
	rte_spinlock_unlock(&m->lock);
	return 0;
}

static int
mb_pd_alloc(struct mlx5_dev *d, uint32_t *pdn)
{
	struct mlx5_model *m = model_of(d);

	m->pdn = 0x17;
	m->pd_given = true;
	*pdn = m->pdn;
	return 0;
}

static int
mb_mr_reg(struct mlx5_dev *d, void *addr, size_t len, uint32_t *lkey,
		void **mr)
{
	struct mlx5_model *m = model_of(d);
	unsigned int i;

	for (i = 0; i < MM_MAX_MR; i++) {
		if (m->mr[i].used)
			continue;
		m->mr[i].used = true;
		m->mr[i].start = (uintptr_t)addr;
		m->mr[i].end = (uintptr_t)addr + len;
		m->mr[i].lkey = 0x1000 + i * 0x101;
		*lkey = m->mr[i].lkey;
		*mr = &m->mr[i];
		return 0;
	}
	return -ENOSPC;
}

static void
mb_mr_dereg(struct mlx5_dev *d, void *mr)
{
	(void)d;
	((struct mm_mr *)mr)->used = false;
}

static int
mb_txq_create(struct mlx5_dev *d, struct mlx5_txq_hw *hw,
		unsigned int log_wqe_cnt)
{
	struct mlx5_model *m = model_of(d);
	struct mm_sq *sq = NULL;
	unsigned int i;

	for (i = 0; i < MM_MAX_SQ; i++) {
		if (!m->sq[i].used) {
			sq = &m->sq[i];
			break;
		}
	}
	if (sq == NULL || log_wqe_cnt > 15)
		return -ENOSPC;
	memset(sq, 0, sizeof(*sq));
	hw->wqe_cnt = 1u << log_wqe_cnt;
	hw->cqe_cnt = hw->wqe_cnt;
	hw->wq = rte_zmalloc("mm_wq", hw->wqe_cnt * MLX5_WQEBB + 64, 4096);
	hw->cq = rte_zmalloc("mm_cq", hw->cqe_cnt * MLX5_CQE_SIZE, 4096);
	if (hw->wq == NULL || hw->cq == NULL) {
		rte_free(hw->wq);
		rte_free(hw->cq);
		return -ENOMEM;
	}
	/* Doorbell records: two 32-bit words after the ring. */
	hw->sq_dbrec = (volatile uint32_t *)(hw->wq + hw->wqe_cnt * MLX5_WQEBB);
	hw->cq_dbrec = hw->sq_dbrec + 1;
	for (i = 0; i < hw->cqe_cnt; i++)
		hw->cq[i * MLX5_CQE_SIZE + MLX5_CQE_OP_OWN] =
			MLX5_CQE_INVALID << 4 | MLX5_CQE_OWNER_MASK;
	hw->sqn = 0x100 + (uint32_t)(sq - m->sq);
	hw->priv = sq;
	sq->hw = *hw;
	sq->used = true;
	return 0;
}

static void
mb_txq_destroy(struct mlx5_dev *d, struct mlx5_txq_hw *hw)
{
	struct mm_sq *sq = hw->priv;

	(void)d;
	rte_free(hw->wq);
	rte_free(hw->cq);
	memset(sq, 0, sizeof(*sq));
}

static int
mb_txq_reset(struct mlx5_dev *d, struct mlx5_txq_hw *hw)
{
	struct mm_sq *sq = hw->priv;

	/* As a QP reset: the SQ starts over at 0, its CQ carries on. */
	rte_spinlock_lock(&model_of(d)->lock);
	sq->error = false;
	sq->ci = 0;
	*hw->sq_dbrec = 0;
	rte_spinlock_unlock(&model_of(d)->lock);
	return 0;
}

static void
mb_doorbell(struct mlx5_dev *d, struct mlx5_txq_hw *hw, const void *ctrl)
{
	struct mlx5_model *m = model_of(d);

	(void)ctrl;
	if (!m->conf.async) {
		rte_spinlock_lock(&m->lock);
		mm_sq_run(m, hw->priv);
		rte_spinlock_unlock(&m->lock);
	}
}

const struct mlx5_backend_ops mlx5_model_backend_ops = {
	.name = "model",
	.close = mb_close,
	.cmd = mb_cmd,
	.obj_create = mb_obj_create,
	.obj_modify = mb_obj_modify,
	.obj_destroy = mb_obj_destroy,
	.pd_alloc = mb_pd_alloc,
	.mr_reg = mb_mr_reg,
	.mr_dereg = mb_mr_dereg,
	.txq_create = mb_txq_create,
	.txq_destroy = mb_txq_destroy,
	.txq_reset = mb_txq_reset,
	.doorbell = mb_doorbell,
};

int
mlx5_model_attach(struct mlx5_dev *d, struct mlx5_model *m)
{
	memset(d, 0, sizeof(*d));
	d->ops = &mlx5_model_backend_ops;
	d->priv = m;
	d->kind = "mlx5-model";
	return 0;
}
