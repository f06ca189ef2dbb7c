/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * TLS records encrypted by the offload device (the mlx5 driver on the NIC
 * model), end to end inside one process: a real OpenSSL client reads what
 * the model put on its wire, and the records are opened again by the
 * test's own keys. Retransmissions must be byte-identical to the first
 * copies (so every resync must land exactly), loss before the device and
 * on the link, key updates with one context per epoch, the resync corner
 * cases (before the first offloaded record, straddling it, acknowledged
 * records), context exhaustion, and the test switch that disables resync
 * (which a correct client must notice).
 */

#include <errno.h>
#include <string.h>

#include <openssl/ssl.h>

#include <rte_errno.h>

#include "tls_peer.h"
#include "tls/tls.h"
#include "mlx5_drv.h"
#include "tlsoff_mlx5.h"

static bool
start_nic(struct th *t, struct tp *p, int version, const char *cipher)
{
	t->conf.sndbuf = 4u << 20;
	t->conf.offload.type = RTE_TLSOFF_OFFLOAD_MLX5_MODEL;
	th_start(t);
	if (t->s->off == NULL) {
		TH_CHECK(t, false, "no offload device");
		return false;
	}
	if (!tp_setup(p, t, version, cipher))
		return false;
	return tp_handshake(p);
}

static uint64_t
dstat(struct th *t, const char *name)
{
	return th_stat(t, name);
}

static void
nic_matrix(struct th *t, int version, const char *cipher)
{
	struct rte_tlsoff_tls_info info;
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	if (!start_nic(t, &p, version, cipher))
		goto out;
	TH_CHECK(t, strcmp(rte_tlsoff_offload_name(t->st), "mlx5-model") == 0);
	TH_EQ(t, rte_tlsoff_tls_get_info(t->c, &info), 0);
	TH_EQ(t, info.mode, RTE_TLSOFF_TLS_NIC);
	TH_CHECK(t, info.engine != NULL &&
		strcmp(info.engine, "mlx5-model") == 0);
	TH_CHECK(t, tp_transfer(&p, 300000));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_EQ(t, rec.data, 19);
	TH_EQ(t, th_stat(t, "tls.nic_handoffs"), 1);
	TH_EQ(t, th_stat(t, "tls.nic_records"), th_stat(t, "tls.records"));
	TH_CHECK(t, dstat(t, "mlx5.encrypted_packets") > 0);
	/* Every record byte went through the engine, none twice. */
	TH_CHECK(t, dstat(t, "mlx5.encrypted_bytes") >= 300000 + 19 * 17,
		"%" PRIu64, dstat(t, "mlx5.encrypted_bytes"));
	TH_EQ(t, dstat(t, "mlx5.ctx_created"), 1);
	/* Large segments went to the device whole (TSO) and came out cut. */
	TH_CHECK(t, th_stat(t, "tcp.tso_frames") > 0);
	TH_CHECK(t, dstat(t, "mlx5.encrypted_packets") >
		th_stat(t, "tcp.tso_frames"));
	TH_EQ(t, dstat(t, "mlx5.drop_no_sync"), 0);
	TH_EQ(t, dstat(t, "mlx5.cqe_errors"), 0);
	/* Steady state: the context came from the pools, one key MODIFY. */
	TH_EQ(t, dstat(t, "mlx5.pool_hits"), 1);
out:
	tp_free(&p);
}

static void test_nic_13_128(struct th *t) { nic_matrix(t, TLS1_3_VERSION, "aes128gcm"); }
static void test_nic_13_256(struct th *t) { nic_matrix(t, TLS1_3_VERSION, "aes256gcm"); }
static void test_nic_12_128(struct th *t) { nic_matrix(t, TLS1_2_VERSION, "aes128gcm"); }
static void test_nic_12_256(struct th *t) { nic_matrix(t, TLS1_2_VERSION, "aes256gcm"); }

/* ChaCha20 is not in the device: that connection is sealed in software. */
static void
test_chacha_fallback(struct th *t)
{
	struct rte_tlsoff_tls_info info;
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	if (!start_nic(t, &p, TLS1_3_VERSION, "chacha20"))
		goto out;
	TH_EQ(t, rte_tlsoff_tls_get_info(t->c, &info), 0);
	TH_EQ(t, info.mode, RTE_TLSOFF_TLS_SW);
	TH_EQ(t, th_stat(t, "tls.nic_fallbacks"), 1);
	TH_CHECK(t, tp_transfer(&p, 100000));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_EQ(t, dstat(t, "mlx5.encrypted_packets"), 0);
	TH_CHECK(t, dstat(t, "mlx5.plain_packets") > 0);
out:
	tp_free(&p);
}

/* The app asks for software sealing on one connection: it gets it. */
static void
test_software_by_request(struct th *t)
{
	struct rte_tlsoff_tls_info info;
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	p.tls_flags = RTE_TLSOFF_TLS_F_SOFTWARE;
	if (!start_nic(t, &p, TLS1_2_VERSION, "aes128gcm"))
		goto out;
	TH_EQ(t, rte_tlsoff_tls_get_info(t->c, &info), 0);
	TH_EQ(t, info.mode, RTE_TLSOFF_TLS_SW);
	TH_EQ(t, th_stat(t, "tls.nic_fallbacks"), 0);
	TH_CHECK(t, tp_transfer(&p, 100000));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_EQ(t, dstat(t, "mlx5.encrypted_packets"), 0);
	TH_EQ(t, dstat(t, "mlx5.ctx_created"), 0);
out:
	tp_free(&p);
}

/*
 * The port is a vdev (net_ring): no ConnectX sends for it. AUTO says so and
 * takes the NIC model; MLX5, which must have the hardware, is refused.
 */
static void
test_auto_on_a_vdev(struct th *t)
{
	struct rte_tlsoff_stack_conf conf;
	struct tp_records rec = { 0 };
	char why[160] = "";
	struct tp p;

	memset(&p, 0, sizeof(p));
	TH_CHECK(t, !tlsoff_mlx5_hw_present(NULL, t->conf.port_id, why,
		sizeof(why)));
	/* Built with rdma-core, the port is the reason; else the build. */
	TH_CHECK(t, strstr(why, "is not a PCI device") != NULL ||
		strstr(why, "without rdma-core") != NULL, "%s", why);
	conf = t->conf;
	conf.offload.type = RTE_TLSOFF_OFFLOAD_MLX5;
	TH_CHECK(t, rte_tlsoff_stack_create("nomlx5", &conf) == NULL &&
		rte_errno == ENODEV);
	t->conf.offload.type = RTE_TLSOFF_OFFLOAD_AUTO;
	th_start(t);
	TH_CHECK(t, strcmp(rte_tlsoff_offload_name(t->st), "mlx5-model") == 0,
		"%s", rte_tlsoff_offload_name(t->st));
	if (!tp_setup(&p, t, TLS1_3_VERSION, "aes128gcm") || !tp_handshake(&p))
		goto out;
	TH_CHECK(t, tp_transfer(&p, 50000));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_CHECK(t, dstat(t, "mlx5.encrypted_packets") > 0);
out:
	tp_free(&p);
}

/* Segments lost on the link: resyncs replay record prefixes exactly. */
static void
lossy(struct th *t, int version, const char *cipher, uint32_t permille)
{
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	if (!start_nic(t, &p, version, cipher))
		goto out;
	p.loss_permille = permille;
	TH_CHECK(t, tp_transfer(&p, 1500000));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_CHECK(t, th_stat(t, "tcp.retransmits") > 0, "nothing was lost");
	TH_CHECK(t, p.rexmit_checked > 0);
	TH_CHECK(t, dstat(t, "mlx5.ooo_packets") > 0);
	TH_CHECK(t, dstat(t, "mlx5.resyncs") > 0);
	TH_CHECK(t, dstat(t, "mlx5.dump_bytes") > 0);
	TH_CHECK(t, dstat(t, "mlx5.dump_wqes") > 0);
	TH_EQ(t, dstat(t, "mlx5.drop_no_sync"), 0);
	TH_EQ(t, dstat(t, "mlx5.cqe_errors"), 0);
	printf("# %" PRIu64 " retransmits, %u checked identical, %" PRIu64
		" resyncs, %" PRIu64 " DUMP bytes in %" PRIu64 " WQEs\n",
		th_stat(t, "tcp.retransmits"), p.rexmit_checked,
		dstat(t, "mlx5.resyncs"), dstat(t, "mlx5.dump_bytes"),
		dstat(t, "mlx5.dump_wqes"));
out:
	tp_free(&p);
}

static void test_loss_13(struct th *t) { lossy(t, TLS1_3_VERSION, "aes128gcm", 50); }
static void test_loss_12(struct th *t) { lossy(t, TLS1_2_VERSION, "aes256gcm", 50); }

/*
 * Loss before the device (the stack's injector): the device sees a gap
 * and replays it; later the retransmission needs a full resync.
 */
static void
test_loss_before_device(struct th *t)
{
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	t->conf.drop_rate = 0.03;
	t->conf.drop_seed = 7;
	if (!start_nic(t, &p, TLS1_3_VERSION, "aes256gcm"))
		goto out;
	TH_CHECK(t, tp_transfer(&p, 1500000));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_CHECK(t, th_stat(t, "tcp.injected_drops") > 0);
	TH_CHECK(t, dstat(t, "mlx5.resyncs") > 0);
	TH_CHECK(t, dstat(t, "mlx5.dump_bytes") > 0);
	TH_EQ(t, dstat(t, "mlx5.drop_no_sync"), 0);
out:
	tp_free(&p);
}

/*
 * A full send queue pushes back: the device takes what fits, the caller
 * keeps the rest, and the frames reach the wire in the order given.
 */
static void
test_ring_full(struct th *t)
{
	struct rte_mbuf *pkts[400];
	struct th_seg seg;
	uint16_t taken = 0, n;
	unsigned int i, rounds = 0;

	t->conf.offload.type = RTE_TLSOFF_OFFLOAD_MLX5_MODEL;
	t->conf.offload.sq_size = 256;
	t->conf.offload.flags = RTE_TLSOFF_OFFLOAD_F_ASYNC;
	th_start(t);
	for (i = 0; i < RTE_DIM(pkts); i++) {
		uint8_t data[64];

		memset(data, 0, sizeof(data));
		data[0] = (uint8_t)(i >> 8);
		data[1] = (uint8_t)i;
		pkts[i] = rte_pktmbuf_alloc(t->pool);
		pkts[i]->data_len = (uint16_t)th_frame_build(t,
			rte_pktmbuf_mtod(pkts[i], uint8_t *), 0x18,
			1000 + 64 * i, 0, data, sizeof(data), NULL);
		pkts[i]->pkt_len = pkts[i]->data_len;
	}
	/* The "NIC" is held: the ring fills and refuses the rest. */
	t->nic_hold = true;
	n = t->s->off->tx_burst(t->s->off_dev, pkts, RTE_DIM(pkts));
	TH_CHECK(t, n > 0 && n < RTE_DIM(pkts), "took %u of %zu", n,
		RTE_DIM(pkts));
	TH_CHECK(t, dstat(t, "mlx5.tx_ring_full") > 0);
	taken = n;
	while (taken < RTE_DIM(pkts) && rounds++ < 100) {
		rte_tlsoff_offload_run(t->st);
		t->s->off->poll(t->s->off_dev);
		taken += t->s->off->tx_burst(t->s->off_dev, pkts + taken,
			(uint16_t)(RTE_DIM(pkts) - taken));
	}
	rte_tlsoff_offload_run(t->st);
	TH_EQ(t, taken, RTE_DIM(pkts));
	/* In order on the wire, each once. */
	for (i = 0; i < RTE_DIM(pkts); i++) {
		if (!th_pop(t, &seg)) {
			TH_CHECK(t, false, "frame %u missing", i);
			break;
		}
		TH_CHECK(t, seg.len == 64 && seg.data[0] == (uint8_t)(i >> 8) &&
			seg.data[1] == (uint8_t)i, "frame %u out of order", i);
	}
	TH_EQ(t, th_pending(t), 0);
	TH_EQ(t, dstat(t, "mlx5.cqe_errors"), 0);
}

/* A small send queue under loss: resyncs still fit, all in order. */
static void
test_small_ring_loss(struct th *t)
{
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	t->conf.offload.sq_size = 256;
	if (!start_nic(t, &p, TLS1_3_VERSION, "aes128gcm"))
		goto out;
	p.loss_permille = 30;
	TH_CHECK(t, tp_transfer(&p, 2000000));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_CHECK(t, dstat(t, "mlx5.resyncs") > 0);
	TH_EQ(t, dstat(t, "mlx5.drop_no_sync"), 0);
	TH_EQ(t, dstat(t, "mlx5.cqe_errors"), 0);
out:
	tp_free(&p);
}

/* Key updates: an epoch per key, each its own context, retired when acked. */
static void
test_key_updates(struct th *t)
{
	struct tp_records rec = { 0 };
	unsigned int i;
	struct tp p;

	memset(&p, 0, sizeof(p));
	t->conf.tls_key_update_records = 5;
	if (!start_nic(t, &p, TLS1_3_VERSION, "aes128gcm"))
		goto out;
	p.loss_permille = 20;
	/* In steps, so that old epochs are acknowledged and retired. */
	for (i = 0; i < 10; i++)
		TH_CHECK(t, tp_transfer(&p, 4 * 16384));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_CHECK(t, rec.key_updates >= 7, "%u key updates", rec.key_updates);
	TH_EQ(t, th_stat(t, "tls.nic_fallbacks"), 0);
	TH_EQ(t, dstat(t, "mlx5.ctx_created"), 1 + rec.key_updates);
	/* All acknowledged: only the current epoch's context is left. */
	TH_EQ(t, dstat(t, "mlx5.ctx_destroyed"), rec.key_updates);
	TH_EQ(t, th_stat(t, "tls.nic_epochs_retired"), rec.key_updates);
	/* The connection goes: its last context too. */
	rte_tlsoff_abort(t->c);
	t->c = NULL;
	th_run(t);
	TH_EQ(t, dstat(t, "mlx5.ctx_destroyed"), dstat(t, "mlx5.ctx_created"));
out:
	tp_free(&p);
}

/* The library on the client side, its records on the NIC, under loss. */
static void
test_client_side_nic(struct th *t)
{
	struct rte_tlsoff_tls_info info;
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	p.client_mode = true;
	t->conf.sndbuf = 4u << 20;
	t->conf.offload.type = RTE_TLSOFF_OFFLOAD_MLX5_MODEL;
	th_start(t);
	if (!tp_setup(&p, t, TLS1_3_VERSION, "aes128gcm") || !tp_handshake(&p))
		goto out;
	TH_EQ(t, rte_tlsoff_tls_get_info(t->c, &info), 0);
	TH_EQ(t, info.mode, RTE_TLSOFF_TLS_NIC);
	p.loss_permille = 30;
	TH_CHECK(t, tp_transfer(&p, 1000000));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_CHECK(t, dstat(t, "mlx5.resyncs") > 0);
	TH_EQ(t, dstat(t, "mlx5.drop_no_sync"), 0);
out:
	tp_free(&p);
}

/* An app-initiated key update on the NIC path: a new context, in step. */
static void
test_app_key_update_nic(struct th *t)
{
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	if (!start_nic(t, &p, TLS1_3_VERSION, "aes128gcm"))
		goto out;
	p.loss_permille = 20;
	TH_CHECK(t, tp_transfer(&p, 300000));
	TH_EQ(t, SSL_key_update(p.server, SSL_KEY_UPDATE_NOT_REQUESTED), 1);
	TH_CHECK(t, tp_transfer(&p, 300000));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_EQ(t, rec.key_updates, 1);
	TH_EQ(t, dstat(t, "mlx5.ctx_created"), 2);
	TH_EQ(t, th_stat(t, "tls.nic_fallbacks"), 0);
	TH_EQ(t, dstat(t, "mlx5.drop_no_sync"), 0);
out:
	tp_free(&p);
}

/*
 * One device context in all: the first epoch has it; the next ones fall
 * back to software until it is retired, and the stream stays correct.
 */
static void
test_context_exhaustion(struct th *t)
{
	struct rte_tlsoff_tls_info info;
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	t->conf.tls_key_update_records = 4;
	t->conf.offload.max_contexts = 1;
	if (!start_nic(t, &p, TLS1_3_VERSION, "aes128gcm"))
		goto out;
	TH_CHECK(t, tp_transfer(&p, 30 * 16384));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_CHECK(t, th_stat(t, "tls.nic_fallbacks") > 0);
	TH_CHECK(t, dstat(t, "mlx5.ctx_no_resource") > 0);
	TH_EQ(t, dstat(t, "mlx5.cqe_errors"), 0);
	TH_EQ(t, rte_tlsoff_tls_get_info(t->c, &info), 0);
	TH_CHECK(t, info.mode == RTE_TLSOFF_TLS_SW ||
		info.mode == RTE_TLSOFF_TLS_NIC);
out:
	tp_free(&p);
}

/* A frame of @len payload bytes from @seq, tagged with context @ctx. */
static struct rte_mbuf *
tagged_frame(struct th *t, void *ctx, uint32_t seq, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(t->pool);
	struct th_opts o = { .no_ts = true };
	struct rte_tlsoff_tx_meta *meta;
	static uint8_t data[2048];
	uint8_t *p;

	memset(data, 0xab, sizeof(data));
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(14 + 20 + 20 + len));
	th_frame_build(t, p, 0x10, seq, 0, data, len, &o);
	m->l2_len = 14;
	m->l3_len = 20;
	m->l4_len = 20;
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
		RTE_MBUF_F_TX_TCP_CKSUM;
	meta = rte_tlsoff_tx_meta(m);
	TH_CHECK(t, meta == NULL);
	m->ol_flags |= rte_tlsoff_tx_meta_flag;
	meta = rte_tlsoff_tx_meta(m);
	meta->ctx = ctx;
	meta->tcp_seq = seq;
	meta->payload_len = len;
	return m;
}

/* Resync corner cases, through the device with frames made here. */
static void
test_corner_cases(struct th *t)
{
	struct tlsoff_tls *tls;
	struct rte_mbuf *m;
	uint64_t skip, drops;
	void *ctx;
	struct tp p;

	memset(&p, 0, sizeof(p));
	if (!start_nic(t, &p, TLS1_3_VERSION, "aes128gcm"))
		goto out;
	TH_CHECK(t, tp_transfer(&p, 100000));
	th_drain(t);
	tls = tp_tls(&p);
	ctx = tls->ep[tls->cur_slot].dev_ctx;
	skip = dstat(t, "mlx5.skip_no_sync");
	drops = dstat(t, "mlx5.drop_no_sync");
	/* Wholly before the first offloaded record: goes as it is. */
	m = tagged_frame(t, ctx, tls->nic_start_seq - 100, 100);
	TH_EQ(t, t->s->off->tx_burst(t->s->off_dev, &m, 1), 1);
	TH_EQ(t, dstat(t, "mlx5.skip_no_sync"), skip + 1);
	TH_EQ(t, th_drain_count(t), 1);
	/* Straddling it: dropped, never sent in the clear. */
	m = tagged_frame(t, ctx, tls->nic_start_seq - 10, 100);
	TH_EQ(t, t->s->off->tx_burst(t->s->off_dev, &m, 1), 1);
	TH_EQ(t, dstat(t, "mlx5.drop_no_sync"), drops + 1);
	TH_EQ(t, th_drain_count(t), 0);
	/* Its record was acknowledged and freed: dropped. */
	m = tagged_frame(t, ctx, tls->nic_start_seq + 50, 100);
	TH_EQ(t, t->s->off->tx_burst(t->s->off_dev, &m, 1), 1);
	TH_EQ(t, dstat(t, "mlx5.drop_no_sync"), drops + 2);
	TH_EQ(t, th_drain_count(t), 0);
	TH_EQ(t, dstat(t, "mlx5.cqe_errors"), 0);
	/* The stream still works afterwards. */
	TH_CHECK(t, tp_transfer(&p, 50000));
out:
	tp_free(&p);
}

/*
 * The model is strict: with resync switched off (test only), the first
 * out-of-order segment leaves with wrong ciphertext and the client fails.
 */
static void
test_no_resync_is_caught(struct th *t)
{
	unsigned int i;
	struct tp p;

	memset(&p, 0, sizeof(p));
	t->conf.offload.flags = RTE_TLSOFF_OFFLOAD_F_TEST_NO_RESYNC;
	if (!start_nic(t, &p, TLS1_3_VERSION, "aes128gcm"))
		goto out;
	p.loss_permille = 50;
	p.allow_mismatch = true;
	/* The client must refuse a record: a bad record MAC. */
	for (i = 0; i < 2000 && !p.client_failed && p.rx_len < 1500000; i++) {
		if (p.sent < 1500000)
			tp_send(&p, 1500000 - p.sent);
		tp_pump(&p, 4);
	}
	printf("# client read %" PRIu64 " of %" PRIu64 " sent, %u differing "
		"copies, fed %" PRIu64 " contig %" PRIu64 "\n", p.rx_len, p.sent,
		p.mismatches, p.fed, p.contig);
	TH_CHECK(t, p.client_failed, "the client did not fail");
	TH_EQ(t, p.client_reason, SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
	TH_CHECK(t, p.rx_len < 1500000, "the client read it all");
	TH_CHECK(t, p.mismatches > 0, "retransmissions were identical");
	TH_CHECK(t, dstat(t, "mlx5.ooo_packets") > 0);
	TH_EQ(t, dstat(t, "mlx5.resyncs"), 0);
out:
	tp_free(&p);
}

static const struct th_case cases[] = {
	{ "NIC model: TLS 1.3 AES-128-GCM", test_nic_13_128, true },
	{ "NIC model: TLS 1.3 AES-256-GCM", test_nic_13_256, true },
	{ "NIC model: TLS 1.2 AES-128-GCM", test_nic_12_128, true },
	{ "NIC model: TLS 1.2 AES-256-GCM", test_nic_12_256, true },
	{ "ChaCha20 falls back to software", test_chacha_fallback, true },
	{ "software on request (RTE_TLSOFF_TLS_F_SOFTWARE)",
		test_software_by_request, false },
	{ "AUTO on a vdev port: the model; MLX5 refused", test_auto_on_a_vdev,
		false },
	{ "lossy link, TLS 1.3: resyncs byte-exact", test_loss_13, true },
	{ "lossy link, TLS 1.2: resyncs byte-exact", test_loss_12, true },
	{ "loss before the device: gap replay", test_loss_before_device, true },
	{ "full send queue: push-back in order", test_ring_full, false },
	{ "small send queue under loss", test_small_ring_loss, false },
	{ "key updates: a context per epoch", test_key_updates, true },
	{ "one context: later epochs fall back", test_context_exhaustion, true },
	{ "client side on the NIC, under loss", test_client_side_nic, true },
	{ "KeyUpdate asked by the server app, on the NIC",
		test_app_key_update_nic, false },
	{ "corner cases: skip, straddle, acknowledged", test_corner_cases, true },
	{ "negative: no resync gives bad records", test_no_resync_is_caught, true },
};

int
main(int argc, char **argv)
{
	return th_main(argc, argv, cases, RTE_DIM(cases));
}
