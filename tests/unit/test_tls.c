/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * TLS transmit: real OpenSSL handshakes over the stack, the hand-off of the
 * write keys, record framing for every version and cipher on both engines,
 * plaintext sizes at the edges, the record-size policy, SSL_write through
 * the library, key updates (requested by the peer, and our own before the
 * AES-GCM limit), sequence exhaustion, a failed handshake, and lossy links
 * with byte-identical retransmissions. What the library sends is read back
 * twice: by the OpenSSL client, and by an independent path (keys derived in
 * the test, the other AEAD engine).
 */

#include <errno.h>
#include <string.h>

#include <openssl/ssl.h>

#include "tls_peer.h"
#include "tls/tls.h"

struct matrix {
	int version;
	const char *cipher;
	enum rte_tlsoff_crypto engine;
};

static const struct matrix runs[] = {
	{ TLS1_3_VERSION, "aes128gcm", RTE_TLSOFF_CRYPTO_IPSEC_MB },
	{ TLS1_3_VERSION, "aes256gcm", RTE_TLSOFF_CRYPTO_IPSEC_MB },
	{ TLS1_3_VERSION, "chacha20", RTE_TLSOFF_CRYPTO_IPSEC_MB },
	{ TLS1_2_VERSION, "aes128gcm", RTE_TLSOFF_CRYPTO_IPSEC_MB },
	{ TLS1_2_VERSION, "aes256gcm", RTE_TLSOFF_CRYPTO_IPSEC_MB },
	{ TLS1_2_VERSION, "chacha20", RTE_TLSOFF_CRYPTO_IPSEC_MB },
	{ TLS1_3_VERSION, "aes128gcm", RTE_TLSOFF_CRYPTO_OPENSSL },
	{ TLS1_3_VERSION, "aes256gcm", RTE_TLSOFF_CRYPTO_OPENSSL },
	{ TLS1_3_VERSION, "chacha20", RTE_TLSOFF_CRYPTO_OPENSSL },
	{ TLS1_2_VERSION, "aes128gcm", RTE_TLSOFF_CRYPTO_OPENSSL },
	{ TLS1_2_VERSION, "aes256gcm", RTE_TLSOFF_CRYPTO_OPENSSL },
	{ TLS1_2_VERSION, "chacha20", RTE_TLSOFF_CRYPTO_OPENSSL },
};

static bool
engine_available(enum rte_tlsoff_crypto e)
{
#ifdef TLSOFF_HAVE_IPSEC_MB
	(void)e;
	return true;
#else
	return e != RTE_TLSOFF_CRYPTO_IPSEC_MB;
#endif
}

static bool
start(struct th *t, struct tp *p, int version, const char *cipher,
		enum rte_tlsoff_crypto engine)
{
	t->conf.crypto = engine;
	t->conf.sndbuf = 4u << 20;
	th_start(t);
	if (!tp_setup(p, t, version, cipher))
		return false;
	return tp_handshake(p);
}

/* The whole matrix: hand-off, framing, 300 kB, read back twice. */
static void
run_matrix(struct th *t, const struct matrix *m)
{
	struct rte_tlsoff_tls_info info;
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	if (!start(t, &p, m->version, m->cipher, m->engine))
		goto out;
	TH_EQ(t, rte_tlsoff_tls_get_info(t->c, &info), 0);
	TH_EQ(t, info.mode, RTE_TLSOFF_TLS_SW);
	TH_EQ(t, info.version, m->version == TLS1_3_VERSION ? 0x0304 : 0x0303);
	TH_CHECK(t, info.cipher != NULL && strcmp(info.cipher, m->cipher) == 0,
		"cipher %s", info.cipher ? info.cipher : "(none)");
	TH_CHECK(t, info.engine != NULL && strcmp(info.engine,
		m->engine == RTE_TLSOFF_CRYPTO_OPENSSL ? "openssl" : "ipsec-mb") == 0,
		"engine %s", info.engine ? info.engine : "(none)");
	TH_EQ(t, th_stat(t, "tls.handoffs"), 1);
	/* Post-handshake messages OpenSSL wrote went through the library. */
	if (m->version == TLS1_3_VERSION)
		TH_CHECK(t, th_stat(t, "tls.ctrl_records") >= 1,
			"NewSessionTicket not framed by the library");
	else
		TH_CHECK(t, th_stat(t, "tls.ctrl_records") >= 1,
			"Finished not framed by the library");
	TH_CHECK(t, tp_transfer(&p, 300000));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_EQ(t, rec.data, 19);               /* 300000 = 18 x 16384 + 5088 */
	TH_EQ(t, rec.max_data_len, 16384);
	TH_EQ(t, th_stat(t, "tls.bytes"), 300000);
out:
	tp_free(&p);
}

#define MATRIX_CASE(i) \
	static void test_matrix_ ## i(struct th *t) \
	{ \
		if (!engine_available(runs[i].engine)) { \
			th_skip(t, "intel-ipsec-mb is not built in"); \
			return; \
		} \
		run_matrix(t, &runs[i]); \
	}
MATRIX_CASE(0) MATRIX_CASE(1) MATRIX_CASE(2) MATRIX_CASE(3)
MATRIX_CASE(4) MATRIX_CASE(5) MATRIX_CASE(6) MATRIX_CASE(7)
MATRIX_CASE(8) MATRIX_CASE(9) MATRIX_CASE(10) MATRIX_CASE(11)

/* Every plaintext length at the edges, and a sample between them. */
static void
edge_sizes(struct th *t, int version, const char *cipher)
{
	static uint32_t lens[2048];
	struct tp_records rec = { 0 };
	struct tp p;
	unsigned int n = 0, i, want_records = 0;
	uint32_t l;

	for (l = 1; l <= 40; l++)
		lens[n++] = l;
	for (l = 41; l < 16360; l += 97)
		lens[n++] = l;
	for (l = 16360; l <= 16400; l++)
		lens[n++] = l;
	lens[n++] = 2 * 16384 + 1;
	memset(&p, 0, sizeof(p));
	if (!start(t, &p, version, cipher, RTE_TLSOFF_CRYPTO_AUTO))
		goto out;
	/* Zero bytes: nothing framed, nothing sent. */
	TH_EQ(t, rte_tlsoff_tls_send(t->c, "", 0), 0);
	for (i = 0; i < n; i++) {
		uint64_t before = p.sent;

		TH_CHECK(t, tp_transfer(&p, lens[i]), "length %u", lens[i]);
		TH_EQ(t, p.sent - before, lens[i]);
		want_records += (lens[i] + 16383) / 16384;
	}
	rec.lens = calloc(want_records + 8, sizeof(uint32_t));
	rec.lens_cap = want_records + 8;
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_EQ(t, rec.data, want_records);
	/* Record by record: each send's bytes, cut at 16384. */
	for (i = 0, l = 0; i < n && l < rec.data; i++) {
		uint32_t left = lens[i];

		while (left > 0 && l < rec.data) {
			uint32_t want = RTE_MIN(left, 16384u);

			TH_CHECK(t, rec.lens[l] == want, "record %u has %u, "
				"want %u (send %u of %u)", l, rec.lens[l], want,
				i, lens[i]);
			left -= want;
			l++;
		}
	}
	free(rec.lens);
out:
	tp_free(&p);
}

static void
test_edges_13(struct th *t)
{
	edge_sizes(t, TLS1_3_VERSION, "aes128gcm");
}

static void
test_edges_12(struct th *t)
{
	edge_sizes(t, TLS1_2_VERSION, "aes256gcm");
}

/* record_size cuts data records; SSL_write also goes through the library. */
static void
test_record_size_and_ssl_write(struct th *t)
{
	struct rte_tlsoff_tls_conf conf = { .record_size = 4096 };
	struct tp_records rec = { 0 };
	uint32_t lens[8];
	uint8_t buf[10000];
	struct tp p;
	unsigned int i;

	memset(&p, 0, sizeof(p));
	p.record_size = 4096;
	t->conf.sndbuf = 4u << 20;
	th_start(t);
	if (!tp_setup(&p, t, TLS1_3_VERSION, "aes128gcm"))
		goto out;
	/* One SSL per connection: a second attach is refused. */
	TH_EQ(t, rte_tlsoff_tls_attach(t->c, p.server, &conf), -EINVAL);
	conf.record_size = 20000;
	TH_EQ(t, rte_tlsoff_tls_attach(t->c, p.server, &conf), -EINVAL);
	tp_handshake(&p);
	TH_CHECK(t, tp_transfer(&p, 10000));
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = th_pattern(p.sent + i);
	TH_EQ(t, SSL_write(p.server, buf, sizeof(buf)), (int)sizeof(buf));
	p.sent += sizeof(buf);
	tp_pump(&p, 50);
	TH_EQ(t, p.rx_len, 20000);
	rec.lens = lens;
	rec.lens_cap = RTE_DIM(lens);
	TH_CHECK(t, tp_verify_records(&p, &rec));
	/* tls_send cut at 4096; SSL_write's 10000 is one write, cut too. */
	TH_EQ(t, rec.data, 6);
	TH_EQ(t, lens[0], 4096);
	TH_EQ(t, lens[2], 1808);
	TH_EQ(t, lens[5], 1808);
out:
	tp_free(&p);
}

/* The peer asks for a key update: OpenSSL answers, the library follows. */
static void
key_update_requested(struct th *t, const char *cipher)
{
	struct rte_tlsoff_tls_info info;
	struct tp_records rec = { 0 };
	uint8_t buf[64];
	struct tp p;

	memset(&p, 0, sizeof(p));
	if (!start(t, &p, TLS1_3_VERSION, cipher, RTE_TLSOFF_CRYPTO_AUTO))
		goto out;
	TH_CHECK(t, tp_transfer(&p, 50000));
	TH_EQ(t, SSL_key_update(p.client, SSL_KEY_UPDATE_REQUESTED), 1);
	TH_EQ(t, SSL_write(p.client, "ping", 4), 4);
	tp_pump(&p, 20);
	/* The server reads: OpenSSL processes the request and replies. */
	TH_EQ(t, SSL_read(p.server, buf, sizeof(buf)), 4);
	tp_pump(&p, 20);
	/* OpenSSL answers on the next write: the library's send triggers it. */
	TH_EQ(t, th_stat(t, "tls.key_updates"), 0);
	TH_CHECK(t, tp_transfer(&p, 70000));
	TH_EQ(t, th_stat(t, "tls.key_updates"), 1);
	rte_tlsoff_tls_get_info(t->c, &info);
	TH_EQ(t, info.key_updates, 1);
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_EQ(t, rec.key_updates, 1);
out:
	tp_free(&p);
}

static void
test_key_update_aes128(struct th *t)
{
	key_update_requested(t, "aes128gcm");
}

static void
test_key_update_aes256(struct th *t)
{
	key_update_requested(t, "aes256gcm");
}

static void
test_key_update_chacha(struct th *t)
{
	key_update_requested(t, "chacha20");
}

/* AES-GCM key usage limit: the library updates its key on its own. */
static void
test_own_key_update(struct th *t)
{
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	t->conf.tls_key_update_records = 5;
	if (!start(t, &p, TLS1_3_VERSION, "aes128gcm", RTE_TLSOFF_CRYPTO_AUTO))
		goto out;
	TH_CHECK(t, tp_transfer(&p, 20 * 16384));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	/* One ticket record + 20 data; an update every 5 records. */
	TH_CHECK(t, rec.key_updates >= 4, "%u key updates", rec.key_updates);
	TH_EQ(t, th_stat(t, "tls.key_updates"), rec.key_updates);
	TH_CHECK(t, tp_tls(&p)->seq < 5, "seq %" PRIu64, tp_tls(&p)->seq);
out:
	tp_free(&p);
}

/* Without the traffic secret the library cannot follow: it fails cleanly. */
static void
test_key_update_without_secret(struct th *t)
{
	uint8_t buf[64];
	struct tp p;
	uint64_t records;

	memset(&p, 0, sizeof(p));
	p.no_ctx_init = true;
	if (!start(t, &p, TLS1_3_VERSION, "aes128gcm", RTE_TLSOFF_CRYPTO_AUTO))
		goto out;
	TH_CHECK(t, tp_transfer(&p, 1000));
	SSL_key_update(p.client, SSL_KEY_UPDATE_REQUESTED);
	SSL_write(p.client, "ping", 4);
	tp_pump(&p, 20);
	TH_EQ(t, SSL_read(p.server, buf, sizeof(buf)), 4);
	records = th_stat(t, "tls.records");
	/* The answer is due: nothing is framed, the connection is reset. */
	TH_EQ(t, rte_tlsoff_tls_send(t->c, "data", 4), -EPROTO);
	TH_EQ(t, th_stat(t, "tls.key_update_failures"), 1);
	TH_EQ(t, th_stat(t, "tls.key_updates"), 0);
	TH_EQ(t, th_stat(t, "tls.records"), records);
	th_run(t);
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_CLOSED, "no CLOSED event");
	TH_EQ(t, rte_tlsoff_conn_error(t->c), EPROTO);
	rte_tlsoff_close(t->c);
	t->c = NULL;
out:
	tp_free(&p);
}

/* The record sequence never wraps: the connection is reset instead. */
static void
exhaust(struct th *t, int version, const char *cipher)
{
	struct tp p;

	memset(&p, 0, sizeof(p));
	if (!start(t, &p, version, cipher, RTE_TLSOFF_CRYPTO_AUTO))
		goto out;
	/*
	 * Jump to the end of the sequence space (the client, which counts on
	 * its own, can no longer follow: only the library is under test).
	 */
	tp_tls(&p)->seq = UINT64_MAX - 3;
	tp_tls(&p)->explicit_nonce = UINT64_MAX - 3;
	TH_EQ(t, rte_tlsoff_tls_send(t->c, "1", 1), 1);
	TH_EQ(t, rte_tlsoff_tls_send(t->c, "2", 1), 1);
	TH_EQ(t, rte_tlsoff_tls_send(t->c, "3", 1), 1);
	TH_EQ(t, tp_tls(&p)->seq, UINT64_MAX);
	/* The last number is never used: no wrap, no reuse. */
	TH_EQ(t, rte_tlsoff_tls_send(t->c, "4", 1), -EOVERFLOW);
	th_run(t);
	TH_EQ(t, th_stat(t, "tls.seq_exhausted"), 1);
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_CLOSED, "no CLOSED event");
	TH_EQ(t, rte_tlsoff_conn_error(t->c), EOVERFLOW);
	rte_tlsoff_close(t->c);
	t->c = NULL;
out:
	tp_free(&p);
}

static void
test_exhaust_12(struct th *t)
{
	exhaust(t, TLS1_2_VERSION, "aes128gcm");
}

static void
test_exhaust_13_chacha(struct th *t)
{
	exhaust(t, TLS1_3_VERSION, "chacha20");
}

/* Garbage instead of a ClientHello: the handshake fails, nothing leaks. */
static void
test_garbage_client_hello(struct th *t)
{
	static const char junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct tp p;

	memset(&p, 0, sizeof(p));
	th_start(t);
	if (!tp_setup(&p, t, TLS1_3_VERSION, "aes128gcm"))
		goto out;
	th_send_data(t, junk, sizeof(junk) - 1);
	tp_pump(&p, 20);
	TH_CHECK(t, p.server_failed, "server accepted garbage");
	TH_EQ(t, th_stat(t, "tls.handoffs"), 0);
	rte_tlsoff_abort(t->c);
	t->c = NULL;
out:
	tp_free(&p);
}

/* A lossy peer: retransmitted record bytes equal the first copies. */
static void
test_lossy_link(struct th *t)
{
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	if (!start(t, &p, TLS1_2_VERSION, "aes128gcm", RTE_TLSOFF_CRYPTO_AUTO))
		goto out;
	p.loss_permille = 50;
	TH_CHECK(t, tp_transfer(&p, 1000000));
	TH_CHECK(t, th_stat(t, "tcp.retransmits") > 0, "nothing was lost");
	TH_CHECK(t, p.rexmit_checked > 0, "no retransmitted byte compared");
	TH_CHECK(t, tp_verify_records(&p, &rec));
	printf("# %" PRIu64 " retransmits, %u retransmitted bytes compared\n",
		th_stat(t, "tcp.retransmits"), p.rexmit_checked);
out:
	tp_free(&p);
}

/*
 * Closing without SSL_shutdown(): the library sends close_notify before the
 * FIN, once; with SSL_shutdown() first, OpenSSL's is the only one.
 */
static void
close_notify(struct th *t, int version, bool app_shutdown)
{
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	if (!start(t, &p, version, "aes128gcm", RTE_TLSOFF_CRYPTO_AUTO))
		goto out;
	TH_CHECK(t, tp_transfer(&p, 100000));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_EQ(t, rec.alert, 0);
	TH_CHECK(t, !p.client_notified);
	if (app_shutdown)
		TH_CHECK(t, SSL_shutdown(p.server) >= 0);
	rte_tlsoff_close(t->c);
	t->c = NULL;
	tp_pump(&p, 50);
	/* The client opened it: a close_notify under the current keys. */
	TH_CHECK(t, p.client_notified, "the client saw no close_notify");
	TH_CHECK(t, !p.client_failed);
	TH_EQ(t, th_stat(t, "tls.close_notify_sent"), app_shutdown ? 0 : 1);
	TH_EQ(t, th_stat(t, "tls.close_notify_no_room"), 0);
out:
	tp_free(&p);
}

static void
test_close_notify_13(struct th *t)
{
	close_notify(t, TLS1_3_VERSION, false);
}

static void
test_close_notify_12_ssl(struct th *t)
{
	close_notify(t, TLS1_2_VERSION, true);
}

/* The server app asks for a key update itself (SSL_key_update()). */
static void
test_app_key_update(struct th *t)
{
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	if (!start(t, &p, TLS1_3_VERSION, "aes256gcm", RTE_TLSOFF_CRYPTO_AUTO))
		goto out;
	TH_CHECK(t, tp_transfer(&p, 100000));
	TH_EQ(t, SSL_key_update(p.server, SSL_KEY_UPDATE_NOT_REQUESTED), 1);
	/* Sent with the next data: the library's send flushes it first. */
	TH_CHECK(t, tp_transfer(&p, 100000));
	TH_EQ(t, th_stat(t, "tls.key_updates"), 1);
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_EQ(t, rec.key_updates, 1);
	/* And again, asking the peer to update too. */
	TH_EQ(t, SSL_key_update(p.server, SSL_KEY_UPDATE_REQUESTED), 1);
	TH_CHECK(t, tp_transfer(&p, 100000));
	TH_EQ(t, th_stat(t, "tls.key_updates"), 2);
out:
	tp_free(&p);
}

/*
 * The library on the client side: the stack connects, its SSL is the TLS
 * client, and what it sends (its requests, an upload) is framed and
 * sealed by the library, read back by the server and the independent
 * decryption.
 */
static void
client_side(struct th *t, int version, const char *cipher)
{
	struct rte_tlsoff_tls_info info;
	struct tp_records rec = { 0 };
	struct tp p;

	memset(&p, 0, sizeof(p));
	p.client_mode = true;
	t->conf.sndbuf = 4u << 20;
	th_start(t);
	if (!tp_setup(&p, t, version, cipher) || !tp_handshake(&p))
		goto out;
	TH_EQ(t, rte_tlsoff_tls_get_info(t->c, &info), 0);
	TH_EQ(t, info.mode, RTE_TLSOFF_TLS_SW);
	TH_EQ(t, th_stat(t, "tls.handoffs"), 1);
	p.loss_permille = 20;
	TH_CHECK(t, tp_transfer(&p, 500000));
	TH_CHECK(t, tp_verify_records(&p, &rec));
	TH_CHECK(t, rec.data >= 31, "%u data records", rec.data);
out:
	tp_free(&p);
}

static void
test_client_13(struct th *t)
{
	client_side(t, TLS1_3_VERSION, "aes256gcm");
}

static void
test_client_12(struct th *t)
{
	client_side(t, TLS1_2_VERSION, "aes128gcm");
}

static int keylog_calls;

static void
app_keylog(const SSL *ssl, const char *line)
{
	(void)ssl;
	(void)line;
	keylog_calls++;
}

/*
 * rte_tlsoff_tls_ctx_init() keeps the app's key-log callback (and calls
 * it), without touching the app's own SSL_CTX ex_data, whatever index
 * numbers the app holds (SSL and SSL_CTX indexes are numbered apart).
 */
static void
test_ctx_init_ex_data(struct th *t)
{
	int ours = tlsoff_tls_ex_index(), idx = -1, i, marker = 0;
	struct tp p;

	(void)t;
	/* An app SSL_CTX index with the same number as the library's SSL one. */
	for (i = 0; i < 64 && idx != ours; i++)
		idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	TH_EQ(t, idx, ours);
	memset(&p, 0, sizeof(p));
	p.no_ctx_init = true;
	t->conf.sndbuf = 1u << 20;
	th_start(t);
	if (!tp_setup(&p, t, TLS1_3_VERSION, "aes128gcm"))
		goto out;
	SSL_CTX_set_ex_data(p.sctx, idx, &marker);
	SSL_CTX_set_keylog_callback(p.sctx, app_keylog);
	TH_EQ(t, rte_tlsoff_tls_ctx_init(p.sctx), 0);
	TH_CHECK(t, SSL_CTX_get_ex_data(p.sctx, idx) == &marker,
		"the app's SSL_CTX ex_data was overwritten");
	keylog_calls = 0;
	TH_CHECK(t, tp_handshake(&p));
	TH_CHECK(t, keylog_calls > 0, "the app's key-log callback was lost");
	TH_CHECK(t, tp_transfer(&p, 10000));
out:
	tp_free(&p);
}

static const struct th_case cases[] = {
	{ "TLS 1.3 AES-128-GCM, ipsec-mb", test_matrix_0, false },
	{ "TLS 1.3 AES-256-GCM, ipsec-mb", test_matrix_1, false },
	{ "TLS 1.3 ChaCha20-Poly1305, ipsec-mb", test_matrix_2, false },
	{ "TLS 1.2 AES-128-GCM, ipsec-mb", test_matrix_3, false },
	{ "TLS 1.2 AES-256-GCM, ipsec-mb", test_matrix_4, false },
	{ "TLS 1.2 ChaCha20-Poly1305, ipsec-mb", test_matrix_5, false },
	{ "TLS 1.3 AES-128-GCM, OpenSSL", test_matrix_6, false },
	{ "TLS 1.3 AES-256-GCM, OpenSSL", test_matrix_7, false },
	{ "TLS 1.3 ChaCha20-Poly1305, OpenSSL", test_matrix_8, false },
	{ "TLS 1.2 AES-128-GCM, OpenSSL", test_matrix_9, false },
	{ "TLS 1.2 AES-256-GCM, OpenSSL", test_matrix_10, false },
	{ "TLS 1.2 ChaCha20-Poly1305, OpenSSL", test_matrix_11, false },
	{ "TLS 1.3 plaintext sizes at the edges", test_edges_13, false },
	{ "TLS 1.2 plaintext sizes at the edges", test_edges_12, false },
	{ "record size policy and SSL_write", test_record_size_and_ssl_write, false },
	{ "peer KeyUpdate, AES-128-GCM", test_key_update_aes128, true },
	{ "peer KeyUpdate, AES-256-GCM (SHA-384)", test_key_update_aes256, false },
	{ "peer KeyUpdate, ChaCha20-Poly1305", test_key_update_chacha, false },
	{ "own KeyUpdate before the AES-GCM limit", test_own_key_update, false },
	{ "KeyUpdate without the secret fails cleanly", test_key_update_without_secret, false },
	{ "TLS 1.2 sequence exhaustion resets", test_exhaust_12, false },
	{ "TLS 1.3 ChaCha20 sequence exhaustion resets", test_exhaust_13_chacha, false },
	{ "garbage instead of a ClientHello", test_garbage_client_hello, false },
	{ "lossy link: retransmissions byte-identical", test_lossy_link, true },
	{ "client side, TLS 1.3: the library sends the client's records",
		test_client_13, true },
	{ "client side, TLS 1.2: the library sends the client's records",
		test_client_12, true },
	{ "KeyUpdate asked by the server app (SSL_key_update)",
		test_app_key_update, false },
	{ "ctx_init keeps the app's key log and ex_data",
		test_ctx_init_ex_data, false },
	{ "close without SSL_shutdown: the library's close_notify",
		test_close_notify_13, false },
	{ "SSL_shutdown then close: one close_notify",
		test_close_notify_12_ssl, false },
};

int
main(int argc, char **argv)
{
	return th_main(argc, argv, cases, RTE_DIM(cases));
}
