/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * libFuzzer target for the NIC model's parsers: command mailboxes (every
 * opcode, object create/modify/destroy) and send-queue WQEs, as the
 * driver would hand them over, plus the driver's own posting functions
 * fed with fuzzed arguments. The input is a script of records (op, length,
 * bytes). WQEs are written into the ring at the producer position, either
 * raw or built from fuzzed fields, with data segments that point into a
 * registered buffer (whose bytes, frames and TLS records, the fuzzer also
 * writes) or anywhere; after each doorbell the driver reaps completions
 * and recovers from error completions, as it does in service. The model
 * must answer every mailbox and complete or reject every WQE without
 * crashing, hanging or reading outside what a data segment names in
 * registered memory.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "harness.h"
#include "mlx5_drv.h"
#include "model/model.h"
#include "tlsoff_mlx5.h"

#define BUF_SIZE (64u * 1024u)

static struct mlx5_drv *D;
static const struct rte_tlsoff_offload_ops *OPS;
static struct rte_mempool *pool;
static uint8_t *buf;                 /* registered: WQE data comes from here */
static uint32_t buf_lkey;
static struct mlx5_tls_ctx *ctx[4];

static void
tap(void *arg, struct rte_mbuf *const *pkts, uint16_t n)
{
	(void)arg;
	(void)pkts;
	(void)n;
}

static void
setup(void)
{
	struct rte_tlsoff_offload_conf oc;
	struct tlsoff_mlx5_args a;
	void *dev;

	if (th_eal_setup("fuzz_model") != 0)
		abort();
	pool = rte_pktmbuf_pool_create("fzm", 1024, 0, 0, 4096, SOCKET_ID_ANY);
	buf = rte_malloc("fzm_buf", BUF_SIZE, 64);
	memset(&oc, 0, sizeof(oc));
	oc.type = RTE_TLSOFF_OFFLOAD_MLX5_MODEL;
	oc.sq_size = 256;
	oc.tap = tap;
	memset(&a, 0, sizeof(a));
	a.name = "fz";
	a.conf = &oc;
	a.socket_id = SOCKET_ID_ANY;
	a.mtu = 1500;
	a.max_contexts = 8;
	a.pools[a.nb_pools++] = pool;
	if (pool == NULL || buf == NULL ||
	    tlsoff_mlx5_open(&a, true, &OPS, &dev) != 0)
		abort();
	D = dev;
	if (mlx5_mr_register(&D->dev, buf, BUF_SIZE) != 0)
		abort();
	buf_lkey = mlx5_mr_lookup(&D->dev, buf, 1);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

/* DS unit @k of the WQE at WQEBB @start, across the ring end. */
static uint8_t *
ds_unit(uint32_t start, unsigned int k)
{
	struct mlx5_txq *q = &D->txq;
	uint32_t units = (q->mask + 1) * (MLX5_WQEBB / MLX5_DS);

	return q->hw.wq + ((start * 4 + k) & (units - 1)) * MLX5_DS;
}

/* Queue @ds units at the producer position and ring (no mbuf held). */
static void
commit_raw(unsigned int ds)
{
	struct mlx5_txq *q = &D->txq;
	unsigned int bbs = (ds * MLX5_DS + MLX5_WQEBB - 1) / MLX5_WQEBB;
	uint32_t slot = q->pi & q->mask;

	q->elts[slot] = NULL;
	q->bbs[slot] = (uint8_t)bbs;
	q->last_wqe = q->pi;
	q->pi += bbs;
	mlx5_txq_doorbell(q);
	mlx5_txq_complete(D);
}

/* Make room the way the driver does: reap, and give up if stuck. */
static bool
room(unsigned int bbs)
{
	if (mlx5_txq_room(&D->txq) < bbs)
		mlx5_txq_complete(D);
	return mlx5_txq_room(&D->txq) >= bbs && !D->txq.error;
}

/* A WQE of raw bytes; the index field may be set right. */
static void
op_raw_wqe(const uint8_t *p, size_t n)
{
	unsigned int ds, k;
	uint8_t unit[MLX5_DS];

	if (n < 2)
		return;
	ds = 1 + p[0] % 63;
	if (!room((ds * MLX5_DS + MLX5_WQEBB - 1) / MLX5_WQEBB))
		return;
	for (k = 0; k < ds; k++) {
		memset(unit, 0, sizeof(unit));
		if (2 + k * MLX5_DS < n)
			memcpy(unit, p + 2 + k * MLX5_DS,
				RTE_MIN((size_t)MLX5_DS, n - 2 - k * MLX5_DS));
		memcpy(ds_unit(D->txq.pi, k), unit, MLX5_DS);
	}
	if (p[1] & 1) {
		/* index and ds count as the hardware expects them */
		struct mlx5_wqe_ctrl *c = (struct mlx5_wqe_ctrl *)ds_unit(
				D->txq.pi, 0);
		uint32_t v = rte_be_to_cpu_32(c->opmod_idx_opcode);

		c->opmod_idx_opcode = rte_cpu_to_be_32((v & 0xff0000ffu) |
			(D->txq.pi & 0xffff) << 8);
		c->qpn_ds = rte_cpu_to_be_32(D->txq.hw.sqn << 8 | ds);
	}
	if (p[1] & 2) {
		/* data segments point into the registered buffer */
		for (k = 1; k < ds; k++) {
			struct mlx5_wqe_data *d =
				(struct mlx5_wqe_data *)ds_unit(D->txq.pi, k);
			uint32_t off = rte_be_to_cpu_32(d->addr) % BUF_SIZE;
			uint32_t len = rte_be_to_cpu_32(d->byte_count) %
				(BUF_SIZE - off + 1);

			if (!(p[1] & (4 << (k % 4))))
				continue;
			d->addr = rte_cpu_to_be_64((uint64_t)(uintptr_t)(buf + off));
			d->lkey = rte_cpu_to_be_32(buf_lkey);
			d->byte_count = rte_cpu_to_be_32(len);
		}
	}
	commit_raw(ds);
}

/* The driver's own posting functions with fuzzed arguments. */
static void
op_driver(const uint8_t *p, size_t n)
{
	struct mlx5_tls_ctx *c;
	uint32_t off, len;

	if (n < 12)
		return;
	c = ctx[p[1] % RTE_DIM(ctx)];
	off = rd32(p + 4) % BUF_SIZE;
	len = rd32(p + 8) % (BUF_SIZE - off + 1);
	if (!room(MLX5_WQE_MAX_BBS))
		return;
	switch (p[0] % 6) {
	case 0:
		if (c != NULL)
			mlx5_post_static(&D->txq, c, rd32(p + 4), p[2] & 1);
		break;
	case 1:
		mlx5_post_progress(&D->txq, c != NULL && !(p[2] & 2) ?
			c->tisn : rd32(p + 4) & 0xffffff, p[2] & 1);
		break;
	case 2:
		mlx5_post_nop(&D->txq, p[2] & 1);
		break;
	case 3:
		mlx5_post_dump(&D->txq, c != NULL ? c->tisn : 0, buf + off,
			len, (p[2] & 2) ? rd32(p + 4) : buf_lkey, NULL, p[2] & 1);
		break;
	case 4: {
		/* A frame from the buffer: headers and payload as fuzzed. */
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint32_t k = RTE_MAX(RTE_MIN(len, 3800u), 1u);
		uint8_t *d;

		if (m == NULL)
			return;
		d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)k);
		if (d == NULL) {
			rte_pktmbuf_free(m);
			return;
		}
		memcpy(d, buf + off, RTE_MIN(k, BUF_SIZE - off));
		m->l2_len = 14;
		m->l3_len = 20;
		m->l4_len = 20;
		m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
			RTE_MBUF_F_TX_TCP_CKSUM;
		if (p[2] & 4) {
			m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
			m->tso_segsz = (uint16_t)(1 + rd32(p + 8) % 1500);
		}
		mlx5_send_frame(D, m, c != NULL && (p[2] & 8) ? c->tisn : 0);
		break;
	}
	case 5:
		if (c != NULL) {
			mlx5_tls_ctx_destroy(D, c);
			ctx[p[1] % RTE_DIM(ctx)] = NULL;
		} else {
			struct rte_tlsoff_tls_keys k;

			memset(&k, 0, sizeof(k));
			k.version = (p[2] & 1) ? 0x0304 : 0x0303;
			k.key_len = (p[2] & 2) ? 32 : 16;
			memcpy(k.key, p + 4, 8);
			k.rec_seq = rd32(p + 8);
			if (mlx5_tls_ctx_create(D, &k, NULL, &c) == 0)
				ctx[p[1] % RTE_DIM(ctx)] = c;
		}
		break;
	}
	mlx5_txq_doorbell(&D->txq);
	mlx5_txq_complete(D);
	mlx5_tls_reap(D);
}

/* A command mailbox, through the backend as the driver sends them. */
static void
op_command(const uint8_t *p, size_t n)
{
	static uint8_t in[4200], out[4200];
	size_t inlen, outlen;
	void *obj = NULL;

	if (n < 3)
		return;
	inlen = RTE_MIN(n - 3, sizeof(in));
	outlen = ((size_t)p[1] << 8 | p[2]) % (sizeof(out) + 1);
	memset(in, 0, sizeof(in));
	memcpy(in, p + 3, inlen);
	switch (p[0] % 3) {
	case 0:
		D->dev.ops->cmd(&D->dev, in, inlen, out, outlen);
		break;
	case 1:
		if (D->dev.ops->obj_create(&D->dev, in, inlen, out, outlen,
				&obj) == 0 && obj != NULL &&
		    out[MLX5_CMD_OUT_STATUS] == 0)
			D->dev.ops->obj_destroy(&D->dev, obj);
		break;
	case 2:
		/* MODIFY against the driver's own DEK bulk */
		if (D->nb_bulks > 0)
			D->dev.ops->obj_modify(&D->dev, D->bulks[0].obj, in,
				inlen, out, outlen);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;

	if (D == NULL)
		setup();
	while (i + 2 <= size) {
		uint8_t op = data[i];
		size_t len = RTE_MIN((size_t)data[i + 1] * 8, size - i - 2);
		const uint8_t *p = data + i + 2;

		i += 2 + len;
		switch (op % 4) {
		case 0:
			/* bytes for the registered buffer */
			if (len > 4) {
				uint32_t off = rd32(p) % BUF_SIZE;

				memcpy(buf + off, p + 4, RTE_MIN(len - 4,
					(size_t)(BUF_SIZE - off)));
			}
			break;
		case 1:
			op_raw_wqe(p, len);
			break;
		case 2:
			op_driver(p, len);
			break;
		case 3:
			op_command(p, len);
			break;
		}
	}
	/* Leave the queue drained for the next input. */
	mlx5_txq_complete(D);
	return 0;
}
