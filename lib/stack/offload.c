/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The TLS offload device under a stack instance: choosing and opening it,
 * the per-frame metadata (an mbuf dynamic field) through which the stack
 * tells it which key epoch a frame's bytes belong to, and the services
 * around it (purging queued frames of a context that goes away, its name,
 * its asynchronous work).
 */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "rte_tlsoff.h"
#include "rte_tlsoff_driver.h"
#include "stack.h"
#include "tlsoff_log.h"
#include "tlsoff_mlx5.h"

int rte_tlsoff_tx_meta_offset = -1;
uint64_t rte_tlsoff_tx_meta_flag;

static int
meta_register(void)
{
	static const struct rte_mbuf_dynfield field = {
		.name = RTE_TLSOFF_TX_META_NAME,
		.size = sizeof(struct rte_tlsoff_tx_meta),
		.align = __alignof__(struct rte_tlsoff_tx_meta),
	};
	static const struct rte_mbuf_dynflag flag = {
		.name = RTE_TLSOFF_TX_META_FLAG_NAME,
	};
	int off, bit;

	if (rte_tlsoff_tx_meta_flag != 0)
		return 0;
	off = rte_mbuf_dynfield_register(&field);
	if (off < 0)
		return -rte_errno;
	bit = rte_mbuf_dynflag_register(&flag);
	if (bit < 0)
		return -rte_errno;
	rte_tlsoff_tx_meta_offset = off;
	rte_tlsoff_tx_meta_flag = 1ull << bit;
	return 0;
}

static uint16_t
offload_tx(void *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	struct tlsoff_stack *s = ctx;

	return s->off->tx_burst(s->off_dev, pkts, n);
}

int
tlsoff_offload_open(struct tlsoff_stack *s)
{
	const struct rte_tlsoff_offload_conf *oc = &s->conf.offload;
	struct tlsoff_mlx5_args a;
	char why[128] = "";
	bool model;
	int rc;

	switch (oc->type) {
	case RTE_TLSOFF_OFFLOAD_SW:
		return 0;
	case RTE_TLSOFF_OFFLOAD_AUTO:
		model = !tlsoff_mlx5_hw_present(oc->ib_dev, s->conf.port_id,
			why, sizeof(why));
		if (model)
			TLSOFF_LOG(NOTICE, "stack %s: no ConnectX with TLS TX (%s); "
				"using the NIC model", s->name, why);
		break;
	case RTE_TLSOFF_OFFLOAD_MLX5:
		if (!tlsoff_mlx5_hw_present(oc->ib_dev, s->conf.port_id, why,
				sizeof(why))) {
			TLSOFF_LOG(ERR, "stack %s: conf.offload.type MLX5: no "
				"ConnectX with TLS TX: %s", s->name, why);
			return -ENODEV;
		}
		model = false;
		break;
	case RTE_TLSOFF_OFFLOAD_MLX5_MODEL:
		model = true;
		break;
	default:
		TLSOFF_LOG(ERR, "stack %s: conf.offload.type %d is not a known "
			"device", s->name, (int)oc->type);
		return -EINVAL;
	}
	rc = meta_register();
	if (rc != 0) {
		TLSOFF_LOG(ERR, "stack %s: mbuf dynamic field for the offload: %s",
			s->name, rte_strerror(-rc));
		return rc;
	}
	memset(&a, 0, sizeof(a));
	a.name = s->name;
	a.conf = oc;
	a.port_id = s->conf.port_id;
	a.queue_id = s->conf.tx_queue;
	a.socket_id = s->conf.socket_id;
	a.mtu = s->mtu;
	a.max_contexts = oc->max_contexts ? oc->max_contexts :
		2 * s->conf.tls_conns;
	a.pools[a.nb_pools++] = s->hdr_pool;
	a.pools[a.nb_pools++] = s->sndbuf_pool;
	rc = tlsoff_mlx5_open(&a, model, &s->off, &s->off_dev);
	if (rc != 0) {
		s->off = NULL;
		s->off_dev = NULL;
		return rc;
	}
	/*
	 * The device computes checksums (after encrypting) and reads payload
	 * where it lies: the stack never does either in software for it.
	 */
	s->tx_cksum_offload = true;
	s->tx_multiseg = true;
	/*
	 * The device cuts large segments (TSO), unless the test loss
	 * injector runs: it drops whole frames before the device, and a
	 * 44-segment hole per drop is not the loss a test asks for.
	 */
	if (s->drop_threshold == 0 && s->off->tso_max_segs > 0) {
		s->tso_max = s->off->tso_max;
		s->tso_max_segs = s->off->tso_max_segs;
	}
	s->io.tx_burst = offload_tx;
	TLSOFF_LOG(INFO, "stack %s: TLS offload device %s", s->name,
		s->off->name);
	return 0;
}

void
tlsoff_offload_close(struct tlsoff_stack *s)
{
	if (s->off == NULL)
		return;
	s->off->close(s->off_dev);
	s->off = NULL;
	s->off_dev = NULL;
}

void
tlsoff_tx_purge_ctx(struct tlsoff_stack *s, const void *ctx)
{
	uint32_t i, k = 0;

	for (i = 0; i < s->txbuf_n; i++) {
		struct rte_mbuf *m = s->txbuf[i];
		const struct rte_tlsoff_tx_meta *meta = rte_tlsoff_tx_meta(m);

		if (meta != NULL && meta->ctx == ctx) {
			rte_pktmbuf_free(m);
			TLSOFF_STAT_INC(s, eth, tx_purged);
			continue;
		}
		s->txbuf[k++] = m;
	}
	s->txbuf_n = k;
}

const char *
rte_tlsoff_offload_name(const struct rte_tlsoff_stack *stack)
{
	const struct tlsoff_stack *s = (const struct tlsoff_stack *)stack;

	if (s == NULL)
		return NULL;
	return s->off != NULL ? s->off->name : "sw";
}

int
rte_tlsoff_offload_run(struct rte_tlsoff_stack *stack)
{
	struct tlsoff_stack *s = tlsoff_stack(stack);

	if (s == NULL || s->off == NULL || s->off->run == NULL ||
	    !(s->conf.offload.flags & RTE_TLSOFF_OFFLOAD_F_ASYNC))
		return -EINVAL;
	return (int)s->off->run(s->off_dev);
}
