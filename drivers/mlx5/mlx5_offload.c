/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The mlx5 driver as a librte_tlsoff offload device: opening a ConnectX
 * (DevX) or the NIC model, the ops table the stack drives (contexts,
 * transmit, completions, counters) and closing.
 */

#include <errno.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "mlx5_drv.h"
#include "mlx5_log.h"
#include "model/model.h"
#include "tlsoff_mlx5.h"

RTE_LOG_REGISTER(mlx5_tlsoff_logtype, tlsoff.mlx5, NOTICE);

#ifdef TLSOFF_HAVE_MLX5_DEVX
int mlx5_devx_open(struct mlx5_dev *d, const char *ib_dev, const char *pci);
bool mlx5_devx_probe(const char *ib_dev, const char *pci, char *why,
		size_t why_len);
#endif

static bool
drv_supports(void *dev, uint16_t version, uint8_t cipher)
{
	const struct mlx5_caps *c = &((struct mlx5_drv *)dev)->dev.caps;

	if (cipher == RTE_TLSOFF_CIPHER_AES_128_GCM)
		return version == 0x0303 ? c->tls12_128 : c->tls13_128;
	if (cipher == RTE_TLSOFF_CIPHER_AES_256_GCM)
		return version == 0x0303 ? c->tls12_256 : c->tls13_256;
	return false;   /* ChaCha20-Poly1305: not in the device */
}

static int
drv_ctx_create(void *dev, const struct rte_tlsoff_tls_keys *keys, void *flow,
		void **ctx)
{
	struct mlx5_tls_ctx *c;
	int rc;

	if (keys->key_len != 16 && keys->key_len != 32)
		return -EINVAL;
	rc = mlx5_tls_ctx_create(dev, keys, flow, &c);
	if (rc == 0)
		*ctx = c;
	return rc;
}

static void
drv_ctx_destroy(void *dev, void *ctx)
{
	mlx5_tls_ctx_destroy(dev, ctx);
}

static uint16_t
drv_tx_burst(void *dev, struct rte_mbuf **pkts, uint16_t n)
{
	struct mlx5_drv *d = dev;
	uint16_t i;

	/* Ring room first: completions free it (and end an error drain). */
	if (mlx5_txq_room(&d->txq) < (d->txq.mask + 1) / 4 || d->txq.error)
		mlx5_txq_complete(d);
	if (unlikely(d->txq.error)) {
		d->st.tx_ring_full++;
		return 0;   /* draining after an error: the stack holds on */
	}
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_tlsoff_tx_meta *meta = rte_tlsoff_tx_meta(m);
		int rc;

		if (meta != NULL) {
			rc = mlx5_tls_xmit(d, m, meta);
		} else {
			rc = mlx5_send_frame(d, m, 0);
			if (rc == 1)
				d->st.plain_packets++;
		}
		if (rc == 0) {
			/* Full: the rest waits, in order. */
			d->st.tx_ring_full++;
			break;
		}
	}
	mlx5_txq_doorbell(&d->txq);
	return i;
}

static void
drv_poll(void *dev)
{
	struct mlx5_drv *d = dev;

	mlx5_txq_complete(d);
	mlx5_tls_reap(d);
	mlx5_tls_refill(d);
}

static void
drv_stats_get(void *dev, struct rte_tlsoff_offload_stats *st)
{
	struct mlx5_drv *d = dev;

	*st = d->st;
	st->fw_commands = d->dev.fw_commands;
}

static void
drv_stats_reset(void *dev)
{
	struct mlx5_drv *d = dev;

	memset(&d->st, 0, sizeof(d->st));
	d->dev.fw_commands = 0;
}

static unsigned int
drv_run(void *dev)
{
	struct mlx5_drv *d = dev;

	return d->model != NULL ? mlx5_model_run(d->model) : 0;
}

static void drv_close(void *dev);

/* TCP payload per LSO WQE: 44 x 1448, below the 64 KiB IP length. */
#define MLX5_TSO_MAX 64000u

static const struct rte_tlsoff_offload_ops mlx5_ops = {
	.name = "mlx5",
	.stats_prefix = "mlx5",
	.tso_max = MLX5_TSO_MAX,
	.tso_max_segs = MLX5_MAX_DSEGS,
	.supports = drv_supports,
	.ctx_create = drv_ctx_create,
	.ctx_destroy = drv_ctx_destroy,
	.tx_burst = drv_tx_burst,
	.poll = drv_poll,
	.stats_get = drv_stats_get,
	.stats_reset = drv_stats_reset,
	.run = NULL,
	.close = drv_close,
};

static const struct rte_tlsoff_offload_ops mlx5_model_ops = {
	.name = "mlx5-model",
	.stats_prefix = "mlx5",
	.tso_max = MLX5_TSO_MAX,
	.tso_max_segs = MLX5_MAX_DSEGS,
	.supports = drv_supports,
	.ctx_create = drv_ctx_create,
	.ctx_destroy = drv_ctx_destroy,
	.tx_burst = drv_tx_burst,
	.poll = drv_poll,
	.stats_get = drv_stats_get,
	.stats_reset = drv_stats_reset,
	.run = drv_run,
	.close = drv_close,
};

/* The model's wire: the tap sees each frame, then the port sends it. */
static uint16_t
model_wire(void *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	struct mlx5_drv *d = ctx;

	if (d->tap != NULL)
		d->tap(d->tap_arg, pkts, n);
	return rte_eth_tx_burst(d->port_id, d->queue_id, pkts, n);
}

static void
drv_close(void *dev)
{
	struct mlx5_drv *d = dev;
	unsigned int spin;

	if (d == NULL)
		return;
	/* Let the device finish what it was given (the model: run it). */
	for (spin = 0; spin < 1000 && d->txq.hw.wq != NULL &&
	     d->txq.ci != d->txq.pi; spin++) {
		if (d->model != NULL && (d->flags & RTE_TLSOFF_OFFLOAD_F_ASYNC))
			mlx5_model_run(d->model);
		mlx5_txq_complete(d);
		if (d->txq.ci != d->txq.pi)
			rte_delay_us_block(100);
	}
	mlx5_tls_reap(d);
	mlx5_tls_teardown(d);
	mlx5_txq_teardown(d);
	mlx5_mr_release_all(&d->dev);
	if (d->dev.td_obj != NULL)
		mlx5_destroy_obj(&d->dev, d->dev.td_obj);
	if (d->dev.ops != NULL && d->dev.ops->close != NULL)
		d->dev.ops->close(&d->dev);
	if (d->model != NULL)
		mlx5_model_free(d->model);
	rte_free(d);
}

/*
 * The PCI address of a DPDK port, or NULL (a vdev: no ConnectX behind it).
 * UINT16_MAX: no port (the hardware check), no constraint.
 */
static const char *
port_pci(uint16_t port_id, bool *vdev)
{
	struct rte_eth_dev_info info;

	*vdev = false;
	if (port_id == UINT16_MAX || rte_eth_dev_info_get(port_id, &info) != 0 ||
	    info.device == NULL)
		return NULL;
	if (strcmp(rte_bus_name(rte_dev_bus(info.device)), "pci") != 0) {
		*vdev = true;
		return NULL;
	}
	return rte_dev_name(info.device);
}

bool
tlsoff_mlx5_hw_present(const char *ib_dev, uint16_t port_id, char *why,
		size_t why_len)
{
#ifdef TLSOFF_HAVE_MLX5_DEVX
	bool vdev;
	const char *pci = port_pci(port_id, &vdev);

	/* A ConnectX sends on its own wire: only for a port on it. */
	if (ib_dev == NULL && vdev) {
		snprintf(why, why_len, "port %u is not a PCI device (name a "
			"ConnectX with conf.offload.ib_dev)", port_id);
		return false;
	}
	return mlx5_devx_probe(ib_dev, pci, why, why_len);
#else
	(void)ib_dev;
	(void)port_id;
	snprintf(why, why_len, "built without rdma-core (meson -Dmlx5)");
	return false;
#endif
}

int
tlsoff_mlx5_open(const struct tlsoff_mlx5_args *a, bool model,
		const struct rte_tlsoff_offload_ops **ops, void **dev)
{
	const struct rte_tlsoff_offload_conf *oc = a->conf;
	uint32_t sq = oc->sq_size ? oc->sq_size : 8192;
	struct mlx5_drv *d;
	unsigned int log_sq, i;
	int rc;

	d = rte_zmalloc_socket("mlx5_drv", sizeof(*d), 64, a->socket_id);
	if (d == NULL)
		return -ENOMEM;
	snprintf(d->name, sizeof(d->name), "%s/%s", a->name,
		model ? "mlx5-model" : "mlx5");
	d->flags = oc->flags;
	d->mtu = a->mtu;
	/* One DUMP covers at most one MTU of record bytes (fact sheet 2.6). */
	d->dump_max = a->mtu;
	d->tap = oc->tap;
	d->tap_arg = oc->tap_arg;
	d->port_id = a->port_id;
	d->queue_id = a->queue_id;
	if (model) {
		struct mlx5_model_conf mc;

		memset(&mc, 0, sizeof(mc));
		mc.port_id = a->port_id;
		mc.queue_id = a->queue_id;
		mc.wire = model_wire;
		mc.wire_ctx = d;
		mc.socket_id = a->socket_id;
		mc.mtu = a->mtu;
		mc.async = (oc->flags & RTE_TLSOFF_OFFLOAD_F_ASYNC) != 0;
		d->model = mlx5_model_create(&mc);
		if (d->model == NULL) {
			MLX5_LOG(ERR, "%s: cannot create the NIC model", d->name);
			rte_free(d);
			return -ENOMEM;
		}
		mlx5_model_attach(&d->dev, d->model);
		*ops = &mlx5_model_ops;
	} else {
#ifdef TLSOFF_HAVE_MLX5_DEVX
		bool vdev;

		rc = mlx5_devx_open(&d->dev, oc->ib_dev,
			oc->ib_dev == NULL ? port_pci(a->port_id, &vdev) : NULL);
		if (rc != 0) {
			rte_free(d);
			return rc;
		}
		*ops = &mlx5_ops;
#else
		rte_free(d);
		return -ENODEV;
#endif
	}
	rc = d->dev.ops->pd_alloc(&d->dev, &d->dev.pdn);
	if (rc == 0)
		rc = mlx5_query_caps(&d->dev);
	if (rc == 0 && (!d->dev.caps.tls_tx || !d->dev.caps.dek_obj)) {
		MLX5_LOG(ERR, "%s: the device has no TLS TX offload "
			"(tls_tx %d, DEK objects %d)", d->name,
			d->dev.caps.tls_tx, d->dev.caps.dek_obj);
		rc = -ENOTSUP;
	}
	if (rc == 0 && d->dev.caps.wrapped_crypto) {
		MLX5_LOG(ERR, "%s: the device only takes wrapped keys "
			"(crypto login); not supported", d->name);
		rc = -ENOTSUP;
	}
	if (rc == 0)
		rc = mlx5_alloc_td(&d->dev);
	for (log_sq = 0; (1u << log_sq) < sq; log_sq++)
		;
	if (rc == 0)
		rc = mlx5_txq_setup(d, log_sq, a->socket_id);
	for (i = 0; rc == 0 && i < a->nb_pools; i++)
		rc = mlx5_register_pool(d, a->pools[i]);
	if (rc == 0)
		rc = mlx5_tls_setup(d, a->max_contexts);
	if (rc != 0) {
		MLX5_LOG(ERR, "%s: setup failed: %s", d->name, strerror(-rc));
		drv_close(d);
		return rc;
	}
	MLX5_LOG(INFO, "%s: ready: sq %u WQEBBs, %u contexts (%u TIS now), "
		"DEK bulks of %u, TLS 1.2 %d/%d 1.3 %d/%d (AES-128/256)",
		d->name, sq, d->max_ctx, d->nb_tis, 1u << d->log_bulk,
		d->dev.caps.tls12_128, d->dev.caps.tls12_256,
		d->dev.caps.tls13_128, d->dev.caps.tls13_256);
	*dev = d;
	return 0;
}
