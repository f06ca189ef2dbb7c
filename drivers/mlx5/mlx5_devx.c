/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The rdma-core backend: a real ConnectX through mlx5dv/DevX.
 *
 * Commands go through mlx5dv_devx_general_cmd (capabilities, SYNC_CRYPTO)
 * and mlx5dv_devx_obj_create/_modify/_destroy (transport domain, TIS, DEK),
 * with exactly the mailboxes the model takes. The send queue is a verbs
 * RAW_PACKET QP whose ring, doorbell record and BlueFlame register the
 * driver takes over through mlx5dv_init_obj, as libxlio does (fact sheet
 * 1.4): each WQE names its TIS in the control segment. Memory the device
 * reads is registered with ibv_reg_mr; the lkeys go into data segments.
 *
 * Built when meson finds libibverbs and libmlx5; used only when a device
 * answers QUERY_HCA_CAP with tls_tx. Not exercised on the development
 * machines (no ConnectX): devtools/hw-check.sh runs it on one.
 */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <infiniband/mlx5dv.h>
#include <infiniband/verbs.h>

#include <rte_io.h>
#include <rte_malloc.h>

#include "mlx5_dev.h"
#include "mlx5_log.h"
#include "mlx5_prm.h"

int mlx5_devx_open(struct mlx5_dev *d, const char *ib_dev, const char *pci);
bool mlx5_devx_probe(const char *ib_dev, const char *pci, char *why,
		size_t why_len);

struct devx {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	uint8_t port;
};

struct devx_txq {
	struct ibv_cq *cq;
	struct ibv_qp *qp;
	void *bf_reg;
};

static struct devx *
dx(struct mlx5_dev *d)
{
	return d->priv;
}

/*
 * DevX reports a command the firmware failed as an error (EREMOTEIO) with
 * the output filled in: that is a delivered command; its status tells.
 */
static int
delivered(int rc, const void *out, size_t outlen)
{
	if (rc == 0)
		return 0;
	if (outlen >= 8 && ((const uint8_t *)out)[MLX5_CMD_OUT_STATUS] != 0)
		return 0;
	return -(rc > 0 ? rc : errno ? errno : EIO);
}

static int
dx_cmd(struct mlx5_dev *d, const void *in, size_t inlen, void *out,
		size_t outlen)
{
	int rc = mlx5dv_devx_general_cmd(dx(d)->ctx, in, inlen, out, outlen);

	return delivered(rc, out, outlen);
}

static int
dx_obj_create(struct mlx5_dev *d, const void *in, size_t inlen, void *out,
		size_t outlen, void **obj)
{
	struct mlx5dv_devx_obj *o;

	o = mlx5dv_devx_obj_create(dx(d)->ctx, in, inlen, out, outlen);
	*obj = o;
	return o != NULL ? 0 : delivered(errno ? errno : EIO, out, outlen);
}

static int
dx_obj_modify(struct mlx5_dev *d, void *obj, const void *in, size_t inlen,
		void *out, size_t outlen)
{
	(void)d;
	return delivered(mlx5dv_devx_obj_modify(obj, in, inlen, out, outlen),
		out, outlen);
}

static int
dx_obj_destroy(struct mlx5_dev *d, void *obj)
{
	(void)d;
	return -mlx5dv_devx_obj_destroy(obj);
}

static int
dx_pd_alloc(struct mlx5_dev *d, uint32_t *pdn)
{
	struct devx *x = dx(d);
	struct mlx5dv_pd dv_pd;
	struct mlx5dv_obj obj;

	x->pd = ibv_alloc_pd(x->ctx);
	if (x->pd == NULL)
		return -(errno ? errno : ENOMEM);
	memset(&obj, 0, sizeof(obj));
	obj.pd.in = x->pd;
	obj.pd.out = &dv_pd;
	if (mlx5dv_init_obj(&obj, MLX5DV_OBJ_PD) != 0)
		return -EIO;
	*pdn = dv_pd.pdn;
	return 0;
}

static int
dx_mr_reg(struct mlx5_dev *d, void *addr, size_t len, uint32_t *lkey,
		void **mr)
{
	struct ibv_mr *m = ibv_reg_mr(dx(d)->pd, addr, len,
			IBV_ACCESS_LOCAL_WRITE);

	if (m == NULL)
		return -(errno ? errno : ENOMEM);
	*lkey = m->lkey;
	*mr = m;
	return 0;
}

static void
dx_mr_dereg(struct mlx5_dev *d, void *mr)
{
	(void)d;
	ibv_dereg_mr(mr);
}

static int
qp_to_rts(struct devx *x, struct ibv_qp *qp)
{
	struct ibv_qp_attr a;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_INIT;
	a.port_num = x->port;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PORT) != 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE) != 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE) != 0)
		return -errno;
	return 0;
}

static int
dx_txq_create(struct mlx5_dev *d, struct mlx5_txq_hw *hw,
		unsigned int log_wqe_cnt)
{
	struct devx *x = dx(d);
	struct devx_txq *t = rte_zmalloc("mlx5_devx_txq", sizeof(*t), 0);
	struct ibv_qp_init_attr qa;
	struct mlx5dv_qp dv_qp;
	struct mlx5dv_cq dv_cq;
	struct mlx5dv_obj obj;
	int rc;

	if (t == NULL)
		return -ENOMEM;
	t->cq = ibv_create_cq(x->ctx, 1 << log_wqe_cnt, NULL, NULL, 0);
	if (t->cq == NULL) {
		rc = -(errno ? errno : ENOMEM);
		goto fail;
	}
	memset(&qa, 0, sizeof(qa));
	qa.send_cq = t->cq;
	qa.recv_cq = t->cq;
	qa.qp_type = IBV_QPT_RAW_PACKET;
	qa.cap.max_send_wr = 1u << log_wqe_cnt;
	qa.cap.max_send_sge = 1;
	qa.cap.max_inline_data = 256;
	qa.sq_sig_all = 0;
	t->qp = ibv_create_qp(x->pd, &qa);
	if (t->qp == NULL) {
		rc = -(errno ? errno : ENOMEM);
		MLX5_LOG(ERR, "RAW_PACKET QP: %s (needs CAP_NET_RAW)",
			strerror(-rc));
		goto fail;
	}
	rc = qp_to_rts(x, t->qp);
	if (rc != 0)
		goto fail;
	memset(&obj, 0, sizeof(obj));
	obj.qp.in = t->qp;
	obj.qp.out = &dv_qp;
	obj.cq.in = t->cq;
	obj.cq.out = &dv_cq;
	dv_qp.comp_mask = MLX5DV_QP_MASK_RAW_QP_HANDLES;
	if (mlx5dv_init_obj(&obj, MLX5DV_OBJ_QP | MLX5DV_OBJ_CQ) != 0 ||
	    dv_cq.cqe_size != MLX5_CQE_SIZE || dv_qp.sq.stride != MLX5_WQEBB) {
		rc = -ENOTSUP;
		goto fail;
	}
	hw->wq = dv_qp.sq.buf;
	hw->wqe_cnt = dv_qp.sq.wqe_cnt;
	hw->sq_dbrec = (volatile uint32_t *)&dv_qp.dbrec[MLX5_SND_DBR];
	hw->cq = dv_cq.buf;
	hw->cqe_cnt = dv_cq.cqe_cnt;
	hw->cq_dbrec = (volatile uint32_t *)dv_cq.dbrec;
	hw->sqn = dv_qp.sqn ? dv_qp.sqn : t->qp->qp_num;
	hw->priv = t;
	t->bf_reg = dv_qp.bf.reg;
	return 0;
fail:
	if (t->qp != NULL)
		ibv_destroy_qp(t->qp);
	if (t->cq != NULL)
		ibv_destroy_cq(t->cq);
	rte_free(t);
	return rc;
}

static void
dx_txq_destroy(struct mlx5_dev *d, struct mlx5_txq_hw *hw)
{
	struct devx_txq *t = hw->priv;

	(void)d;
	ibv_destroy_qp(t->qp);
	ibv_destroy_cq(t->cq);
	rte_free(t);
}

static int
dx_txq_reset(struct mlx5_dev *d, struct mlx5_txq_hw *hw)
{
	struct devx_txq *t = hw->priv;
	struct ibv_qp_attr a;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RESET;
	if (ibv_modify_qp(t->qp, &a, IBV_QP_STATE) != 0)
		return -errno;
	*hw->sq_dbrec = 0;
	return qp_to_rts(dx(d), t->qp);
}

static void
dx_doorbell(struct mlx5_dev *d, struct mlx5_txq_hw *hw, const void *ctrl)
{
	struct devx_txq *t = hw->priv;
	uint64_t v;

	(void)d;
	/* The doorbell record is written; ring with the WQE's first 8 bytes. */
	memcpy(&v, ctrl, sizeof(v));
	rte_write64_relaxed(v, t->bf_reg);
	rte_wmb();
}

static void
dx_close(struct mlx5_dev *d)
{
	struct devx *x = dx(d);

	if (x == NULL)
		return;
	if (x->pd != NULL)
		ibv_dealloc_pd(x->pd);
	if (x->ctx != NULL)
		ibv_close_device(x->ctx);
	rte_free(x);
	d->priv = NULL;
}

static const struct mlx5_backend_ops devx_ops = {
	.name = "devx",
	.close = dx_close,
	.cmd = dx_cmd,
	.obj_create = dx_obj_create,
	.obj_modify = dx_obj_modify,
	.obj_destroy = dx_obj_destroy,
	.pd_alloc = dx_pd_alloc,
	.mr_reg = dx_mr_reg,
	.mr_dereg = dx_mr_dereg,
	.txq_create = dx_txq_create,
	.txq_destroy = dx_txq_destroy,
	.txq_reset = dx_txq_reset,
	.doorbell = dx_doorbell,
};

/* Ask a device whether it has TLS TX (general caps, current values). */
static bool
has_tls_tx(struct ibv_context *ctx)
{
	uint8_t in[MLX5_QUERY_HCA_CAP_IN_LEN];
	static uint8_t out[MLX5_QUERY_HCA_CAP_OUT_LEN];

	memset(in, 0, sizeof(in));
	mlx5_put_be16(in + MLX5_CMD_IN_OPCODE, MLX5_CMD_QUERY_HCA_CAP);
	mlx5_put_be16(in + MLX5_CMD_IN_OP_MOD,
		MLX5_HCA_CAP_OP_MOD(MLX5_CAP_GENERAL, 1));
	if (mlx5dv_devx_general_cmd(ctx, in, sizeof(in), out, sizeof(out)) != 0 ||
	    out[MLX5_CMD_OUT_STATUS] != 0)
		return false;
	return MLX5_PRM_GET(out + MLX5_HCA_CAP_OUT_CAP, MLX5_GCAP_TLS_TX) != 0;
}

/* The PCI address of an RDMA device (its sysfs "device" link). */
static bool
pci_of(struct ibv_device *dev, char *out, size_t len)
{
	char link[PATH_MAX], real[PATH_MAX];
	const char *base;

	snprintf(link, sizeof(link), "%s/device", dev->ibdev_path);
	if (realpath(link, real) == NULL)
		return false;
	base = strrchr(real, '/');
	base = base != NULL ? base + 1 : real;
	if (strlen(base) >= len)
		return false;
	memcpy(out, base, strlen(base) + 1);
	return true;
}

/*
 * Open the named device; else the one behind PCI address @pci (the DPDK
 * port's, so that frames leave where the stack receives); else, with
 * neither, the first mlx5 device with TLS TX.
 */
static struct ibv_context *
find(const char *ib_dev, const char *pci, char *why, size_t why_len)
{
	struct mlx5dv_context_attr attr = { .flags = MLX5DV_CONTEXT_FLAGS_DEVX };
	struct ibv_device **list;
	struct ibv_context *found = NULL;
	int n = 0, i, mlx5 = 0;

	list = ibv_get_device_list(&n);
	if (list == NULL || n == 0) {
		snprintf(why, why_len, "no RDMA devices");
		if (list != NULL)
			ibv_free_device_list(list);
		return NULL;
	}
	if (ib_dev != NULL)
		snprintf(why, why_len, "no RDMA device named %s", ib_dev);
	else if (pci != NULL)
		snprintf(why, why_len, "no mlx5 RDMA device at PCI %s (the "
			"port's)", pci);
	else
		snprintf(why, why_len, "no mlx5 device with DevX");
	for (i = 0; i < n && found == NULL; i++) {
		struct ibv_context *ctx;
		char addr[64];

		if (ib_dev != NULL && strcmp(ibv_get_device_name(list[i]),
				ib_dev) != 0)
			continue;
		if (ib_dev == NULL && pci != NULL &&
		    (!pci_of(list[i], addr, sizeof(addr)) ||
		     strcmp(addr, pci) != 0))
			continue;
		if (!mlx5dv_is_supported(list[i]))
			continue;
		mlx5++;
		ctx = mlx5dv_open_device(list[i], &attr);
		if (ctx == NULL) {
			snprintf(why, why_len, "%s: DevX open failed: %s",
				ibv_get_device_name(list[i]), strerror(errno));
			continue;
		}
		if (!has_tls_tx(ctx)) {
			snprintf(why, why_len, "%s: no tls_tx capability",
				ibv_get_device_name(list[i]));
			ibv_close_device(ctx);
			continue;
		}
		found = ctx;
	}
	ibv_free_device_list(list);
	return found;
}

bool
mlx5_devx_probe(const char *ib_dev, const char *pci, char *why,
		size_t why_len)
{
	struct ibv_context *ctx = find(ib_dev, pci, why, why_len);

	if (ctx == NULL)
		return false;
	ibv_close_device(ctx);
	return true;
}

int
mlx5_devx_open(struct mlx5_dev *d, const char *ib_dev, const char *pci)
{
	char why[128];
	struct devx *x;

	x = rte_zmalloc("mlx5_devx", sizeof(*x), 0);
	if (x == NULL)
		return -ENOMEM;
	x->ctx = find(ib_dev, pci, why, sizeof(why));
	if (x->ctx == NULL) {
		MLX5_LOG(ERR, "no ConnectX with TLS TX: %s", why);
		rte_free(x);
		return -ENODEV;
	}
	x->port = 1;
	memset(d, 0, sizeof(*d));
	d->ops = &devx_ops;
	d->priv = x;
	d->kind = "mlx5";
	MLX5_LOG(INFO, "using %s", ibv_get_device_name(x->ctx->device));
	return 0;
}
