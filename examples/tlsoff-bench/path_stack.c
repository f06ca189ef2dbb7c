/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The paths through the library. Two stack instances joined by a pair of
 * in-process ring ports: the sender on the main lcore runs the path under
 * test; the peer lcore runs the receiving stack (which ACKs with its
 * window open and reads, decrypting and checking every byte with
 * --verify) and, for every path but plain-ring, the NIC model under the
 * sender (asynchronous mode) — so the "NIC"'s work, encryption included,
 * is charged to the NIC and not to the sender, as on a real ConnectX.
 * Every path but plain-ring goes through that same device: plain TCP and
 * software TLS frames are plain sends on it.
 *
 * The sender's cost is its busy cycles: TSC cycles of loop iterations in
 * which it did work (received, transmitted or queued something). The
 * handshake is not measured.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include <rte_tlsoff.h>
#include <rte_tlsoff_tls.h>

#include <openssl/ssl.h>

#include "bench.h"

#define IP_SENDER 0xc6120001u   /* 198.18.0.1 */
#define IP_PEER   0xc6120002u   /* 198.18.0.2 */
#define PORT_TLS  443

static uint16_t port_s, port_p;
static struct rte_mempool *port_pool;
static unsigned int run_seq;

/* ---- the in-process link ---- */

static int
ring_port(const char *name, struct rte_ring *rx, struct rte_ring *tx,
		uint16_t *port)
{
	struct rte_eth_conf conf;
	int p;

	p = rte_eth_from_rings(name, &rx, 1, &tx, 1, rte_socket_id());
	if (p < 0)
		return -1;
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure((uint16_t)p, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup((uint16_t)p, 0, 1024, rte_socket_id(),
		NULL, port_pool) != 0 ||
	    rte_eth_tx_queue_setup((uint16_t)p, 0, 1024, rte_socket_id(),
		NULL) != 0 ||
	    rte_eth_dev_start((uint16_t)p) != 0)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

int
bench_stack_init(void)
{
	struct rte_ring *a2b, *b2a;

	port_pool = rte_pktmbuf_pool_create("bench_port", 1024, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	a2b = rte_ring_create("bench_a2b", 8192, rte_socket_id(),
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	b2a = rte_ring_create("bench_b2a", 8192, rte_socket_id(),
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (port_pool == NULL || a2b == NULL || b2a == NULL)
		return -1;
	if (ring_port("bench_s", b2a, a2b, &port_s) != 0 ||
	    ring_port("bench_p", a2b, b2a, &port_p) != 0)
		return -1;
	return 0;
}

void
bench_stack_fini(void)
{
	rte_eth_dev_stop(port_s);
	rte_eth_dev_stop(port_p);
}

/* Leftovers of the last run must not reach the next one. */
static void
drain_link(void)
{
	struct rte_mbuf *pkts[64];
	uint16_t n, i;

	while ((n = rte_eth_rx_burst(port_s, 0, pkts, 64)) > 0)
		for (i = 0; i < n; i++)
			rte_pktmbuf_free(pkts[i]);
	while ((n = rte_eth_rx_burst(port_p, 0, pkts, 64)) > 0)
		for (i = 0; i < n; i++)
			rte_pktmbuf_free(pkts[i]);
}

/* ---- one run ---- */

struct run {
	const struct bench_opts *o;
	enum bench_path path;
	uint32_t rs;
	bool tls;
	struct rte_tlsoff_stack *s, *p;
	volatile bool stop;

	/* sender */
	struct rte_tlsoff_listener *l;
	struct rte_tlsoff_conn *sc;
	SSL_CTX *sctx, *cctx;
	SSL *sssl;
	bool s_ready;                /* handshake done, keys handed off */
	bool s_failed;
	uint64_t queued;             /* payload taken by the library */

	/* peer (its lcore only, but read by main at the end) */
	struct rte_tlsoff_conn *pc;
	SSL *pssl;
	bool p_hs_done;
	volatile bool p_eof;
	volatile bool p_failed;
	uint64_t p_rx;               /* plaintext (or raw) bytes read */
	uint64_t p_verified;
	uint8_t buf[65536];
};

static void
server_cb(struct rte_tlsoff_conn *c, uint32_t ev, void *arg)
{
	struct run *r = arg;

	if (ev & RTE_TLSOFF_EV_CLOSED) {
		if (!r->s_ready)
			r->s_failed = true;
		return;
	}
	if (r->tls && !r->s_ready && (ev & RTE_TLSOFF_EV_READABLE)) {
		int rc = SSL_accept(r->sssl);

		if (rc == 1)
			r->s_ready = true;
		else if (SSL_get_error(r->sssl, rc) != SSL_ERROR_WANT_READ &&
			 SSL_get_error(r->sssl, rc) != SSL_ERROR_WANT_WRITE)
			r->s_failed = true;
	}
	(void)c;
}

static void
accept_cb(struct rte_tlsoff_listener *l, void *arg)
{
	struct run *r = arg;
	struct rte_tlsoff_conn *c = rte_tlsoff_accept(l);
	struct rte_tlsoff_tls_conf tc = { .record_size = r->rs };

	if (c == NULL)
		return;
	if (r->sc != NULL) {
		rte_tlsoff_abort(c);
		return;
	}
	r->sc = c;
	rte_tlsoff_conn_set_cb(c, server_cb, r);
	if (!r->tls) {
		r->s_ready = true;
		return;
	}
	/* Software paths keep their connection off the device. */
	if (r->path != BP_TLS_NIC_MODEL)
		tc.flags = RTE_TLSOFF_TLS_F_SOFTWARE;
	r->sssl = SSL_new(r->sctx);
	if (r->sssl == NULL || rte_tlsoff_tls_attach(c, r->sssl, &tc) != 0) {
		r->s_failed = true;
		return;
	}
	SSL_set_accept_state(r->sssl);
}

/* The receiver: read everything, check it with --verify. */
static void
peer_read(struct run *r)
{
	for (;;) {
		ssize_t n;

		if (r->tls && r->o->verify) {
			int k = SSL_read(r->pssl, r->buf, sizeof(r->buf));

			if (k <= 0) {
				int e = SSL_get_error(r->pssl, k);

				if (e == SSL_ERROR_ZERO_RETURN ||
				    (e == SSL_ERROR_SSL &&
				     rte_tlsoff_conn_error(r->pc) == 0 &&
				     r->p_rx > 0))
					r->p_eof = true;
				else if (e != SSL_ERROR_WANT_READ)
					r->p_failed = true;
				return;
			}
			n = k;
		} else {
			n = rte_tlsoff_recv(r->pc, r->buf, sizeof(r->buf));
			if (n == 0) {
				r->p_eof = true;
				return;
			}
			if (n < 0) {
				if (n != -EAGAIN)
					r->p_failed = true;
				return;
			}
		}
		if (r->o->verify) {
			for (ssize_t i = 0; i < n; i++)
				if (r->buf[i] != bench_pattern(r->p_rx + i)) {
					r->p_failed = true;
					return;
				}
			r->p_verified += (uint64_t)n;
		}
		r->p_rx += (uint64_t)n;
	}
}

static void
peer_cb(struct rte_tlsoff_conn *c, uint32_t ev, void *arg)
{
	struct run *r = arg;

	(void)c;
	if (ev & RTE_TLSOFF_EV_CLOSED) {
		if (!r->p_eof && rte_tlsoff_conn_error(r->pc) != 0)
			r->p_failed = true;
		return;
	}
	if (r->tls && !r->p_hs_done &&
	    (ev & (RTE_TLSOFF_EV_CONNECTED | RTE_TLSOFF_EV_READABLE))) {
		int rc = SSL_do_handshake(r->pssl);

		if (rc == 1) {
			r->p_hs_done = true;
		} else {
			int e = SSL_get_error(r->pssl, rc);

			if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
				r->p_failed = true;
			return;
		}
	}
	if (ev & RTE_TLSOFF_EV_READABLE)
		peer_read(r);
}

static int
peer_main(void *arg)
{
	struct run *r = arg;
	bool model = r->path != BP_PLAIN_RING;

	r->pc = rte_tlsoff_connect(r->p, IP_SENDER, PORT_TLS, peer_cb, r);
	if (r->pc == NULL) {
		r->p_failed = true;
		return -1;
	}
	if (r->tls) {
		/* The client only reads: its SSL stays with OpenSSL. */
		r->pssl = SSL_new(r->cctx);
		SSL_set_connect_state(r->pssl);
		if (rte_tlsoff_tls_attach(r->pc, r->pssl, NULL) != 0)
			r->p_failed = true;
	}
	while (!r->stop) {
		if (model)
			rte_tlsoff_offload_run(r->s);
		rte_tlsoff_stack_poll(r->p);
		/* Raw reading: the stack tells us by event; poll anyway. */
		if (r->p_hs_done || !r->tls)
			peer_read(r);
	}
	return 0;
}

static struct rte_tlsoff_stack *
make_stack(const struct bench_opts *o, enum bench_path p, bool sender,
		unsigned int seq)
{
	struct rte_tlsoff_stack_conf c;
	char name[16];

	rte_tlsoff_stack_conf_init(&c);
	c.port_id = sender ? port_s : port_p;
	c.ip = sender ? IP_SENDER : IP_PEER;
	c.prefix_len = 24;
	c.max_conns = 8;
	c.tls_conns = 4;
	c.sndbuf = 2u << 20;
	c.rcvbuf = 1u << 20;
	c.sndbuf_pool_bytes = sender ? 16u << 20 : 4u << 20;
	c.sndq_chunks = 4096;
	c.hdr_mbufs = 8192;
	c.tx_offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (sender) {
		c.crypto = p == BP_TLS_SW_OPENSSL ? RTE_TLSOFF_CRYPTO_OPENSSL :
			p == BP_TLS_SW_IPSEC_MB ? RTE_TLSOFF_CRYPTO_IPSEC_MB :
			RTE_TLSOFF_CRYPTO_AUTO;
		c.drop_rate = o->loss;
		c.drop_seed = 42;
		if (p != BP_PLAIN_RING) {
			c.offload.type = RTE_TLSOFF_OFFLOAD_MLX5_MODEL;
			c.offload.flags = RTE_TLSOFF_OFFLOAD_F_ASYNC;
		}
	}
	snprintf(name, sizeof(name), "%s%u", sender ? "bs" : "bp", seq);
	return rte_tlsoff_stack_create(name, &c);
}

static uint64_t
stat(struct rte_tlsoff_stack *s, const char *name)
{
	uint64_t v = 0;

	rte_tlsoff_stat_get(s, name, &v);
	return v;
}

void
bench_run_stack(const struct bench_opts *o, enum bench_path p, uint32_t rs,
		struct bench_result *res)
{
	struct run *r = rte_zmalloc("bench_run", sizeof(*r), 64);
	uint64_t hz = rte_get_tsc_hz(), deadline, t_start, t_end;
	struct bench_clock clk = { 0, 0, 0 };
	uint64_t rec0 = 0, rxb0 = 0, dump0 = 0, resync0 = 0, wire;
	uint64_t seg0 = 0, in0 = 0;
	unsigned int seq = run_seq++;
	bool measuring = false, sending = false;
	/* Unmeasured first bytes: page faults, caches, slow start. */
	uint64_t warm = o->quick ? (4u << 20) :
		RTE_MIN(o->bytes / 4, (uint64_t)32 << 20);
	uint64_t total = warm + o->bytes, q0 = 0, recs;

	res->ran = true;
	if (r == NULL) {
		snprintf(res->note, sizeof(res->note), "no memory");
		return;
	}
	r->o = o;
	r->path = p;
	r->rs = rs;
	r->tls = p == BP_TLS_SW_OPENSSL || p == BP_TLS_SW_IPSEC_MB ||
		p == BP_TLS_NIC_MODEL;
	drain_link();
	/* The library frames records of rs bytes (rte_tlsoff_tls_conf). */
	if (r->tls && bench_tls_ctxs(0, &r->sctx, &r->cctx) != 0) {
		snprintf(res->note, sizeof(res->note), "TLS contexts");
		goto out;
	}
	r->s = make_stack(o, p, true, seq);
	r->p = make_stack(o, p, false, seq);
	if (r->s == NULL || r->p == NULL) {
		snprintf(res->note, sizeof(res->note), "stack: %s",
			rte_strerror(rte_errno));
		goto out;
	}
	r->l = rte_tlsoff_listen(r->s, PORT_TLS, 4, accept_cb, r);
	if (r->l == NULL ||
	    rte_eal_remote_launch(peer_main, r, o->peer_lcore) != 0) {
		snprintf(res->note, sizeof(res->note), "listen/launch");
		goto out;
	}
	t_start = rte_rdtsc();
	deadline = t_start + hz * (o->quick ? 20 : 120);
	t_end = t_start;
	while (rte_rdtsc() < deadline) {
		uint64_t t0 = rte_rdtsc(), work;

		work = rte_tlsoff_stack_poll(r->s);
		if (r->s_failed || r->p_failed)
			break;
		if (r->s_ready && (!r->tls || r->p_hs_done))
			sending = true;
		if (sending && !measuring && r->queued >= warm) {
			/*
			 * Warmed up (buffers touched, window open): the
			 * measured part starts.
			 */
			measuring = true;
			q0 = r->queued;
			memset(&clk, 0, sizeof(clk));
			rec0 = stat(r->s, "tls.records") -
				stat(r->s, "tls.ctrl_records");
			seg0 = stat(r->s, "tcp.segments_out");
			in0 = stat(r->s, "tcp.segments_in");
			rxb0 = stat(r->s, "tcp.retransmit_bytes");
			dump0 = stat(r->s, "mlx5.dump_bytes");
			resync0 = stat(r->s, "mlx5.resyncs");
			t_start = rte_rdtsc();
		}
		if (sending && r->queued < total) {
			uint64_t off = r->queued % (BENCH_SRC_SIZE - 65536);
			/* The warm-up ends exactly at @warm bytes. */
			uint64_t end = r->queued < warm ? warm : total;
			size_t want = (size_t)RTE_MIN(end - r->queued,
				(uint64_t)65536);
			ssize_t n = r->tls ?
				rte_tlsoff_tls_send(r->sc, bench_src + off, want) :
				rte_tlsoff_send(r->sc, bench_src + off, want);

			if (n > 0) {
				r->queued += (uint64_t)n;
				work++;
				if (r->queued == total)
					rte_tlsoff_shutdown(r->sc);
			} else if (n != -EAGAIN) {
				r->s_failed = true;
				break;
			}
		}
		if (measuring) {
			res->iterations++;
			if (work > 0) {
				bench_sample(&clk, rte_rdtsc() - t0);
				res->busy_iterations++;
			}
		}
		if (measuring && r->p_eof) {
			t_end = rte_rdtsc();
			break;
		}
	}
	if (!r->p_eof)
		t_end = rte_rdtsc();
	res->bytes = measuring ? r->queued - q0 : 0;
	res->busy_cycles = clk.sum;
	res->preempted = clk.preempted;
	res->wall_s = (double)(t_end - t_start) / (double)hz;
	/* Data records (the close_notify alert is not one). */
	recs = stat(r->s, "tls.records") - stat(r->s, "tls.ctrl_records");
	res->records = r->tls && measuring ? recs - rec0 : 0;
	res->retransmit_bytes = stat(r->s, "tcp.retransmit_bytes") - rxb0;
	res->frames_out = stat(r->s, "tcp.segments_out") - seg0;
	res->segments_in = stat(r->s, "tcp.segments_in") - in0;
	res->dump_bytes = stat(r->s, "mlx5.dump_bytes") - dump0;
	res->resyncs = stat(r->s, "mlx5.resyncs") - resync0;
	if (p == BP_TLS_NIC_MODEL && stat(r->s, "tls.nic_records") == 0)
		snprintf(res->note, sizeof(res->note),
			"records did not go to the device");
	/* Stop the peer, then take everything down on this lcore. */
	r->stop = true;
	rte_eal_wait_lcore(o->peer_lcore);
	/* What was measured was verified as part of it all. */
	res->verified_bytes = r->p_verified == total ? o->bytes : 0;
	/*
	 * Without --verify a TLS receiver takes the records as they are:
	 * TLS 1.3 AES-GCM adds 22 bytes to each (header, type, tag), and the
	 * close_notify the library sends at shutdown is one more record.
	 */
	wire = r->tls && !o->verify ? total + 22 * recs +
		(5 + 2 + 1 + 16) * stat(r->s, "tls.ctrl_records") : total;
	res->ok = r->p_eof && !r->p_failed && !r->s_failed &&
		r->queued == total && r->p_rx == wire &&
		res->bytes == o->bytes &&
		(!o->verify || r->p_verified == total) &&
		res->note[0] == '\0';
	if (!res->ok && res->note[0] == '\0')
		snprintf(res->note, sizeof(res->note), "queued %" PRIu64
			", peer read %" PRIu64 "%s%s%s", r->queued, r->p_rx,
			r->p_eof ? "" : ", no EOF",
			r->p_failed ? ", receiver failed" : "",
			r->s_failed ? ", sender failed" : "");
out:
	r->stop = true;
	if (r->sc != NULL)
		rte_tlsoff_abort(r->sc);
	if (r->pc != NULL)
		rte_tlsoff_abort(r->pc);
	if (r->l != NULL)
		rte_tlsoff_listener_close(r->l);
	/* Let the device finish, then take the frames off the link. */
	for (int i = 0; i < 100 && r->s != NULL && r->p != NULL; i++) {
		if (r->path != BP_PLAIN_RING)
			rte_tlsoff_offload_run(r->s);
		rte_tlsoff_stack_poll(r->s);
		rte_tlsoff_stack_poll(r->p);
	}
	drain_link();
	SSL_free(r->sssl);
	SSL_free(r->pssl);
	rte_tlsoff_stack_free(r->s);
	rte_tlsoff_stack_free(r->p);
	SSL_CTX_free(r->sctx);
	SSL_CTX_free(r->cctx);
	rte_free(r);
}
