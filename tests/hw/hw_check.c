/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Hardware check for a ConnectX-6 Dx / ConnectX-7: the things only a real
 * device can tell us. Query its capabilities, set up one TLS context (TIS
 * and DEK through DevX), post the params WQEs and a TLS record frame on the
 * driver's own send queue, then a resync (static + progress + fence +
 * DUMP of the record prefix) and the rest of the record, and check that
 * the firmware accepted every command and completed every WQE without an
 * error completion. Frames leave the port to a locally administered MAC in
 * 198.18.0.0/15 (benchmarking range). Prints TAP; without a device, one
 * reported skip.
 *
 *   hw_check [EAL args] -- [--ib-dev mlx5_0]
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

#include "mlx5_drv.h"
#include "tlsoff_mlx5.h"

static int failures;
static unsigned int n_test;

static void
report(bool ok, const char *what, const char *why)
{
	n_test++;
	if (!ok)
		failures++;
	printf("%s %u - %s%s%s\n", ok ? "ok" : "not ok", n_test, what,
		why ? ": " : "", why ? why : "");
}

/* Wait for the queue to complete everything posted; false on an error. */
static bool
drain(struct mlx5_drv *d)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz();
	uint64_t errors = d->st.cqe_errors;

	while (d->txq.ci != d->txq.pi && rte_get_timer_cycles() < end)
		mlx5_txq_complete(d);
	return d->txq.ci == d->txq.pi && d->st.cqe_errors == errors;
}

/* An Eth/IPv4/TCP frame carrying @len bytes of @payload. */
static struct rte_mbuf *
frame(struct rte_mempool *mp, uint32_t seq, const uint8_t *payload,
		uint32_t len)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0x7f, 0x01 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0x7f, 0x02 };
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(54 + len));
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, 54);
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	p[12] = 0x08;
	p[14] = 0x45;
	mlx5_put_be16(p + 16, (uint16_t)(40 + len));
	p[22] = 64;
	p[23] = 6;
	mlx5_put_be32(p + 26, 0xc6120002);   /* 198.18.0.2 */
	mlx5_put_be32(p + 30, 0xc6120001);   /* 198.18.0.1 */
	mlx5_put_be16(p + 34, 443);
	mlx5_put_be16(p + 36, 40000);
	mlx5_put_be32(p + 38, seq);
	p[46] = 5 << 4;
	p[47] = 0x18;
	mlx5_put_be16(p + 48, 65535);
	memcpy(p + 54, payload, len);
	m->l2_len = 14;
	m->l3_len = 20;
	m->l4_len = 20;
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
		RTE_MBUF_F_TX_TCP_CKSUM;
	return m;
}

int
main(int argc, char **argv)
{
	struct rte_tlsoff_offload_conf oc;
	const struct rte_tlsoff_offload_ops *ops;
	struct rte_tlsoff_tls_keys keys;
	struct tlsoff_mlx5_args a;
	struct mlx5_tls_ctx *c = NULL;
	struct rte_mempool *mp;
	struct mlx5_drv *d;
	const char *ib_dev = NULL;
	uint8_t rec[5 + 8 + 1000 + 16];
	char why[160];
	void *dev;
	int rc, i;

	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		printf("Bail out! EAL init failed\n");
		return 1;
	}
	argc -= rc;
	argv += rc;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--ib-dev") == 0 && i + 1 < argc)
			ib_dev = argv[++i];
	if (!tlsoff_mlx5_hw_present(ib_dev, UINT16_MAX, why, sizeof(why))) {
		printf("1..1\nok 1 - ConnectX TLS TX hardware check # SKIP no "
			"device: %s\n", why);
		rte_eal_cleanup();
		return 0;
	}
	printf("1..6\n");
	mp = rte_pktmbuf_pool_create("hwc", 512, 0, 0, 4096, SOCKET_ID_ANY);
	memset(&oc, 0, sizeof(oc));
	oc.type = RTE_TLSOFF_OFFLOAD_MLX5;
	oc.ib_dev = ib_dev;
	oc.sq_size = 1024;
	memset(&a, 0, sizeof(a));
	a.name = "hwcheck";
	a.port_id = UINT16_MAX;      /* no DPDK port: any TLS-capable device */
	a.conf = &oc;
	a.socket_id = SOCKET_ID_ANY;
	a.mtu = 1500;
	a.max_contexts = 16;
	a.pools[a.nb_pools++] = mp;
	rc = mp == NULL ? -ENOMEM : tlsoff_mlx5_open(&a, false, &ops, &dev);
	report(rc == 0, "open the device: PD, caps, transport domain, send "
		"queue, TIS batch, DEK bulk", rc ? strerror(-rc) : NULL);
	if (rc != 0)
		goto out;
	d = dev;
	printf("# caps: tls_tx %d dek %d sync_dek %d log_dek_max_alloc %u "
		"TLS1.2 %d/%d TLS1.3 %d/%d\n", d->dev.caps.tls_tx,
		d->dev.caps.dek_obj, d->dev.caps.sync_dek,
		d->dev.caps.log_dek_max_alloc, d->dev.caps.tls12_128,
		d->dev.caps.tls12_256, d->dev.caps.tls13_128,
		d->dev.caps.tls13_256);
	report(d->dev.caps.tls12_128 || d->dev.caps.tls13_128,
		"AES-128-GCM TLS offload advertised", NULL);

	memset(&keys, 0, sizeof(keys));
	keys.version = d->dev.caps.tls12_128 ? 0x0303 : 0x0304;
	keys.cipher = RTE_TLSOFF_CIPHER_AES_128_GCM;
	keys.key_len = 16;
	for (i = 0; i < 16; i++)
		keys.key[i] = (uint8_t)(i * 7 + 1);
	memcpy(keys.salt, "\xa1\xa2\xa3\xa4", 4);
	keys.rec_seq = 5;
	keys.start_tcp_seq = 1000;
	rc = mlx5_tls_ctx_create(d, &keys, NULL, &c);
	report(rc == 0, "one TLS context (DEK MODIFY from the bulk)",
		rc ? strerror(-rc) : NULL);
	if (rc != 0)
		goto close;

	/* A TLS 1.2 record as the library frames it for the device. */
	memset(rec, 0x5a, sizeof(rec));
	rec[0] = 23;
	rec[1] = 3;
	rec[2] = 3;
	mlx5_put_be16(rec + 3, sizeof(rec) - 5);
	mlx5_put_be64(rec + 5, 5);
	mlx5_post_static(&d->txq, c, 5, false);
	mlx5_post_progress(&d->txq, c->tisn, true);
	mlx5_post_nop(&d->txq, true);
	mlx5_send_frame(d, frame(mp, 1000, rec, sizeof(rec)), c->tisn);
	mlx5_txq_doorbell(&d->txq);
	report(drain(d), "params, fence and a record frame complete", NULL);

	/* Resync into the record: params again, DUMP the prefix, the rest. */
	{
		uint32_t cut = 600;
		struct rte_mbuf *hold = frame(mp, 0, rec, cut);

		mlx5_post_progress(&d->txq, c->tisn, true);
		mlx5_post_nop(&d->txq, true);
		mlx5_post_dump(&d->txq, c->tisn,
			rte_pktmbuf_mtod_offset(hold, uint8_t *, 54), cut,
			mlx5_lkey(d, hold, rte_pktmbuf_mtod_offset(hold,
				uint8_t *, 54), cut), hold, false);
		mlx5_send_frame(d, frame(mp, 1000 + cut, rec + cut,
			sizeof(rec) - cut), c->tisn);
		mlx5_txq_doorbell(&d->txq);
		report(drain(d), "resync: progress, fence, DUMP, the rest "
			"complete", NULL);
	}
	mlx5_tls_ctx_destroy(d, c);
close:
	ops->close(dev);
	report(true, "close: contexts and queue released", NULL);
out:
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return failures ? 1 : 0;
}
