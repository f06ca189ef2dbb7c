/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* An OpenSSL client over the scripted peer, and independent record checks. */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <rte_malloc.h>

#include "tls_peer.h"
#include "tls/tls.h"

static int keylog_index = -1;

static void
test_keylog(const SSL *ssl, const char *line)
{
	struct tp *p = SSL_get_ex_data(ssl, keylog_index);
	const char *want;
	const char *h;
	unsigned int i, n;

	if (p == NULL)
		return;
	/* The secret of the side the library sends for. */
	want = p->client_mode ? "CLIENT_TRAFFIC_SECRET_0 " :
		"SERVER_TRAFFIC_SECRET_0 ";
	if (strncmp(line, want, strlen(want)) != 0)
		return;
	h = strchr(line + strlen(want), ' ');
	if (h == NULL)
		return;
	h++;
	n = (unsigned int)strlen(h) / 2;
	if (n > sizeof(p->s_secret))
		return;
	for (i = 0; i < n; i++) {
		unsigned int v;

		sscanf(h + 2 * i, "%2x", &v);
		p->s_secret[i] = (uint8_t)v;
	}
	p->s_secret_len = n;
}

static bool
make_cert(EVP_PKEY **key, X509 **cert)
{
	X509_NAME *name;

	*key = EVP_EC_gen("P-256");
	*cert = X509_new();
	if (*key == NULL || *cert == NULL)
		return false;
	ASN1_INTEGER_set(X509_get_serialNumber(*cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(*cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(*cert), 3600);
	X509_set_pubkey(*cert, *key);
	name = X509_get_subject_name(*cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
		(const unsigned char *)"tlsoff-test", -1, -1, 0);
	X509_set_issuer_name(*cert, name);
	return X509_sign(*cert, *key, EVP_sha256()) > 0;
}

static const char *
suite_of(int version, const char *cipher)
{
	bool v13 = version == TLS1_3_VERSION;

	if (strcmp(cipher, "aes128gcm") == 0)
		return v13 ? "TLS_AES_128_GCM_SHA256" :
			"ECDHE-ECDSA-AES128-GCM-SHA256";
	if (strcmp(cipher, "aes256gcm") == 0)
		return v13 ? "TLS_AES_256_GCM_SHA384" :
			"ECDHE-ECDSA-AES256-GCM-SHA384";
	return v13 ? "TLS_CHACHA20_POLY1305_SHA256" :
		"ECDHE-ECDSA-CHACHA20-POLY1305";
}

struct tlsoff_tls *
tp_tls(struct tp *p)
{
	struct tlsoff_conn *c = th_conn(p->t);

	return c != NULL ? c->ulp_ctx : NULL;
}

bool
tp_setup(struct tp *p, struct th *t, int version, const char *cipher)
{
	const char *suite = suite_of(version, cipher);
	EVP_PKEY *key;
	X509 *cert;

	bool no_ctx_init = p->no_ctx_init;   /* the fields set before */
	bool client_mode = p->client_mode;
	SSL_CTX *lib_ctx, *peer_ctx;
	struct rte_tlsoff_tls_conf conf = { .record_size = p->record_size,
		.flags = p->tls_flags };

	memset(p, 0, sizeof(*p));
	p->no_ctx_init = no_ctx_init;
	p->client_mode = client_mode;
	p->record_size = conf.record_size;
	p->t = t;
	p->rng = 0x5eed + t->isn_idx;
	p->stream = calloc(1, TP_STREAM_MAX);
	p->seen = calloc(1, TP_STREAM_MAX);
	p->first = calloc(1, TP_STREAM_MAX);
	p->rx = malloc(TP_RX_MAX);
	if (keylog_index < 0)
		keylog_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if (!make_cert(&key, &cert))
		return false;
	p->sctx = SSL_CTX_new(TLS_server_method());
	p->cctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_use_certificate(p->sctx, cert);
	SSL_CTX_use_PrivateKey(p->sctx, key);
	X509_free(cert);
	EVP_PKEY_free(key);
	SSL_CTX_set_min_proto_version(p->sctx, version);
	SSL_CTX_set_max_proto_version(p->sctx, version);
	SSL_CTX_set_min_proto_version(p->cctx, version);
	SSL_CTX_set_max_proto_version(p->cctx, version);
	if (version == TLS1_3_VERSION) {
		SSL_CTX_set_ciphersuites(p->sctx, suite);
		SSL_CTX_set_ciphersuites(p->cctx, suite);
	} else {
		SSL_CTX_set_cipher_list(p->sctx, suite);
		SSL_CTX_set_cipher_list(p->cctx, suite);
	}
	SSL_CTX_set_verify(p->cctx, SSL_VERIFY_NONE, NULL);
	/*
	 * p->server is the SSL over the library, p->client the in-memory
	 * peer; in client mode their roles (not their names) swap.
	 */
	lib_ctx = client_mode ? p->cctx : p->sctx;
	peer_ctx = client_mode ? p->sctx : p->cctx;
	/* The test's own key log first; the library chains it. */
	SSL_CTX_set_keylog_callback(lib_ctx, test_keylog);
	if (!p->no_ctx_init)
		TH_EQ(t, rte_tlsoff_tls_ctx_init(lib_ctx), 0);
	p->client = SSL_new(peer_ctx);
	p->c_in = BIO_new(BIO_s_mem());
	p->c_out = BIO_new(BIO_s_mem());
	SSL_set_bio(p->client, p->c_in, p->c_out);
	if (client_mode)
		SSL_set_accept_state(p->client);
	else
		SSL_set_connect_state(p->client);
	t->no_pattern = true;
	if (!(client_mode ? th_connect(t) : th_accept(t, true, true, true)))
		return false;
	p->server = SSL_new(lib_ctx);
	SSL_set_ex_data(p->server, keylog_index, p);
	TH_EQ(t, rte_tlsoff_tls_attach(t->c, p->server, &conf), 0);
	if (client_mode)
		SSL_set_connect_state(p->server);
	else
		SSL_set_accept_state(p->server);
	return true;
}

void
tp_free(struct tp *p)
{
	SSL_free(p->client);
	SSL_free(p->server);
	SSL_CTX_free(p->sctx);
	SSL_CTX_free(p->cctx);
	free(p->stream);
	free(p->seen);
	free(p->first);
	free(p->rx);
	memset(p, 0, sizeof(*p));
}

static uint64_t
rnd(struct tp *p)
{
	p->rng = p->rng * 6364136223846793005ull + 1442695040888963407ull;
	return p->rng >> 33;
}

/* Segments from the stack: note every byte, keep what the peer "got". */
static bool
take_segments(struct tp *p)
{
	struct th *t = p->t;
	struct th_seg seg;
	bool moved = false;
	uint64_t i;

	while (th_pop_tcp(t, &seg)) {
		uint64_t off = th_off(t, seg.seq);
		bool lost;

		if (seg.len == 0 || seg.dport != t->pport)
			continue;
		moved = true;
		if (off + seg.len > TP_STREAM_MAX) {
			TH_CHECK(t, false, "stream larger than the test buffer");
			continue;
		}
		/* Every copy of a byte must equal its first copy. */
		for (i = 0; i < seg.len; i++) {
			if (p->seen[off + i] == 0) {
				p->first[off + i] = seg.data[i];
				p->seen[off + i] = 1;
			} else if (p->first[off + i] != seg.data[i]) {
				p->mismatches++;
				TH_CHECK(t, p->allow_mismatch, "retransmitted byte "
					"at offset %" PRIu64 " differs", off + i);
				break;
			} else {
				p->rexmit_checked++;
			}
		}
		/*
		 * A lossy peer ignores some segments (never the repair), and
		 * segments beyond what it has; the client reads only what the
		 * peer took.
		 */
		lost = p->loss_permille > 0 && off >= p->contig &&
			rnd(p) % 1000 < p->loss_permille;
		if (lost || off > p->contig)
			continue;
		for (i = p->contig - off; i < seg.len; i++)
			p->stream[off + i] = seg.data[i];
		if (off + seg.len > p->contig)
			p->contig = off + seg.len;
	}
	return moved;
}

static bool
drive_client(struct tp *p)
{
	bool moved = false;
	int rc;

	if (p->fed < p->contig) {
		BIO_write(p->c_in, p->stream + p->fed, (int)(p->contig - p->fed));
		p->fed = p->contig;
		moved = true;
	}
	if (!p->client_done && !p->client_failed) {
		rc = SSL_do_handshake(p->client);
		if (rc == 1)
			p->client_done = true;
		else if (SSL_get_error(p->client, rc) != SSL_ERROR_WANT_READ)
			p->client_failed = true;
	}
	while (p->client_done && p->rx_len < TP_RX_MAX) {
		rc = SSL_read(p->client, p->rx + p->rx_len,
			(int)RTE_MIN((uint64_t)65536, TP_RX_MAX - p->rx_len));
		if (rc <= 0) {
			int err = SSL_get_error(p->client, rc);

			if (err == SSL_ERROR_ZERO_RETURN)
				p->client_notified = true;  /* close_notify */
			if (err != SSL_ERROR_WANT_READ &&
			    err != SSL_ERROR_ZERO_RETURN && !p->client_failed) {
				p->client_failed = true;
				p->client_reason = ERR_GET_REASON(
					ERR_peek_last_error());
			}
			break;
		}
		p->rx_len += (uint64_t)rc;
		moved = true;
	}
	return moved;
}

static bool
client_to_server(struct tp *p)
{
	uint8_t buf[1400];
	bool moved = false;
	int n;

	while ((n = BIO_read(p->c_out, buf, sizeof(buf))) > 0) {
		th_send_data(p->t, buf, (uint32_t)n);
		moved = true;
	}
	return moved;
}

static void
drive_server(struct tp *p)
{
	int rc;

	if (p->server_done || p->server_failed)
		return;
	rc = SSL_do_handshake(p->server);
	if (rc == 1) {
		p->server_done = true;
		return;
	}
	rc = SSL_get_error(p->server, rc);
	if (rc != SSL_ERROR_WANT_READ && rc != SSL_ERROR_WANT_WRITE)
		p->server_failed = true;
}

void
tp_pump(struct tp *p, unsigned int max_rounds)
{
	unsigned int idle = 0;

	while (max_rounds-- > 0 && idle < 3) {
		bool moved = false;

		th_run(p->t);
		drive_server(p);
		th_run(p->t);
		if (p->on_pump != NULL) {
			p->pumps++;
			p->on_pump(p);
		}
		moved |= take_segments(p);
		if (p->t->p_ack != p->t->data_isn + 1 + (uint32_t)p->contig ||
		    moved)
			th_ack(p->t, p->t->data_isn + 1 + (uint32_t)p->contig);
		/* The client is OpenSSL, not the library: it may allocate. */
		if (p->around_client != NULL)
			p->around_client(true);
		moved |= drive_client(p);
		if (p->around_client != NULL)
			p->around_client(false);
		moved |= client_to_server(p);
		if (!moved) {
			/* Let timers (RTO, delayed ACK) move things. */
			th_advance(p->t, 50000);
			idle++;
		} else {
			idle = 0;
		}
	}
}

bool
tp_handshake(struct tp *p)
{
	tp_pump(p, 200);
	TH_CHECK(p->t, p->server_done && p->client_done,
		"handshake: server %d/%d client %d/%d", p->server_done,
		p->server_failed, p->client_done, p->client_failed);
	return p->server_done && p->client_done;
}

uint64_t
tp_send(struct tp *p, uint64_t n)
{
	uint8_t buf[16384];
	uint64_t done = 0;

	while (done < n) {
		uint32_t k = (uint32_t)RTE_MIN(n - done, (uint64_t)sizeof(buf));
		uint32_t i;
		ssize_t r;

		for (i = 0; i < k; i++)
			buf[i] = th_pattern(p->sent + i);
		r = rte_tlsoff_tls_send(p->t->c, buf, k);
		if (r <= 0)
			break;
		p->sent += (uint64_t)r;
		done += (uint64_t)r;
	}
	return done;
}

bool
tp_transfer(struct tp *p, uint64_t n)
{
	uint64_t target = p->sent + n;
	uint64_t start_rx = p->rx_len, i;
	unsigned int rounds = 0;

	while (p->rx_len < target && rounds++ < 20000) {
		if (p->sent < target)
			tp_send(p, target - p->sent);
		tp_pump(p, 4);
	}
	TH_EQ(p->t, p->rx_len, target);
	for (i = start_rx; i < p->rx_len && i < target; i++) {
		if (p->rx[i] != th_pattern(i)) {
			TH_CHECK(p->t, false, "client read byte %" PRIu64
				" wrong", i);
			return false;
		}
	}
	return p->rx_len == target;
}

/* ---- independent decryption ---- */

static void
hmac(const char *md, const uint8_t *key, size_t klen, const uint8_t *d1,
		size_t l1, const uint8_t *d2, size_t l2, uint8_t *out)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
	OSSL_PARAM prm[2] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
			(char *)(uintptr_t)md, 0),
		OSSL_PARAM_construct_end(),
	};
	size_t outl;

	EVP_MAC_init(ctx, key, klen, prm);
	EVP_MAC_update(ctx, d1, l1);
	if (l2 > 0)
		EVP_MAC_update(ctx, d2, l2);
	EVP_MAC_final(ctx, out, &outl, 64);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
}

/* RFC 5246 5: P_hash as the TLS 1.2 PRF. */
static void
tls12_prf(const char *md, unsigned int hlen, const uint8_t *secret,
		size_t slen, const uint8_t *seed, size_t seedlen, uint8_t *out,
		size_t outlen)
{
	uint8_t a[64], blk[64];
	size_t done = 0;

	hmac(md, secret, slen, seed, seedlen, NULL, 0, a);
	while (done < outlen) {
		size_t k;

		hmac(md, secret, slen, a, hlen, seed, seedlen, blk);
		k = RTE_MIN((size_t)hlen, outlen - done);
		memcpy(out + done, blk, k);
		done += k;
		hmac(md, secret, slen, a, hlen, NULL, 0, a);
	}
}

/* RFC 5869 HKDF-Expand of an RFC 8446 HkdfLabel, written with HMAC. */
static void
tls13_label(const char *md, unsigned int hlen, const uint8_t *secret,
		const char *label, uint8_t *out, unsigned int outlen)
{
	uint8_t info[64], t[64];
	size_t n = 0, ll = strlen(label), done = 0;
	uint8_t i = 1;

	info[n++] = (uint8_t)(outlen >> 8);
	info[n++] = (uint8_t)outlen;
	info[n++] = (uint8_t)(6 + ll);
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, ll);
	n += ll;
	info[n++] = 0;
	while (done < outlen) {
		uint8_t in[128];
		size_t inl = 0, k;

		if (i > 1) {
			memcpy(in, t, hlen);
			inl = hlen;
		}
		memcpy(in + inl, info, n);
		inl += n;
		in[inl++] = i++;
		hmac(md, secret, hlen, in, inl, NULL, 0, t);
		k = RTE_MIN((size_t)hlen, (size_t)(outlen - done));
		memcpy(out + done, t, k);
		done += k;
	}
}

bool
tp_verify_records(struct tp *p, struct tp_records *out)
{
	struct th *t = p->t;
	struct tlsoff_tls *tls = tp_tls(p);
	struct tlsoff_crypto cr;
	struct tlsoff_aead *a = rte_zmalloc(NULL, sizeof(*a), 64);
	enum tlsoff_engine other;
	enum tlsoff_cipher cipher;
	bool v13, ok = true;
	const char *md;
	unsigned int hlen, klen;
	uint8_t key[32], iv[12], secret[48];
	uint64_t off, seq = 0, data_off = 0, last_explicit = 0;
	uint8_t *plain = malloc(TLS_MAX_PLAINTEXT + 256);

	memset(out, 0, offsetof(struct tp_records, lens));
	if (tls == NULL || !tlsoff_tls_framing(tls) || a == NULL) {
		TH_CHECK(t, false, "no library records to verify");
		return false;
	}
	v13 = tls->version == TLS_V13;
	cipher = tls->cipher;
	klen = tlsoff_cipher_key_len(cipher);
	md = cipher == TLSOFF_CIPHER_AES_256_GCM ? "SHA384" : "SHA256";
	hlen = cipher == TLSOFF_CIPHER_AES_256_GCM ? 48 : 32;
	if (v13) {
		TH_EQ(t, p->s_secret_len, hlen);
		memcpy(secret, p->s_secret, hlen);
		tls13_label(md, hlen, secret, "key", key, klen);
		tls13_label(md, hlen, secret, "iv", iv, 12);
	} else {
		/* RFC 5246 6.3: key block from the master secret. */
		uint8_t master[48], seed[13 + 64], kb[2 * 32 + 2 * 12];
		unsigned int ivlen = cipher == TLSOFF_CIPHER_CHACHA20_POLY1305 ?
			12 : 4;
		SSL_SESSION *sess = SSL_get_session(p->server);

		SSL_SESSION_get_master_key(sess, master, sizeof(master));
		memcpy(seed, "key expansion", 13);
		SSL_get_server_random(p->server, seed + 13, 32);
		SSL_get_client_random(p->server, seed + 45, 32);
		tls12_prf(md, hlen, master, 48, seed, sizeof(seed), kb,
			2 * klen + 2 * ivlen);
		/* client_write_key, server_write_key, client IV, server IV */
		memcpy(key, kb + (p->client_mode ? 0 : klen), klen);
		memset(iv, 0, sizeof(iv));
		memcpy(iv, kb + 2 * klen + (p->client_mode ? 0 : ivlen), ivlen);
	}
	/* Open with the engine the stack does not seal with. */
	other = t->s->crypto.engine == TLSOFF_ENGINE_OPENSSL ?
		TLSOFF_ENGINE_IPSEC_MB : TLSOFF_ENGINE_OPENSSL;
	if (tlsoff_crypto_init(&cr, other) != 0)
		tlsoff_crypto_init(&cr, TLSOFF_ENGINE_OPENSSL);
	tlsoff_aead_setup(a, &cr);
	tlsoff_aead_set_key(a, cipher, key);

	off = (uint32_t)(tls->start_seq - (t->data_isn + 1));
	while (off + 5 <= p->contig) {
		const uint8_t *r = p->stream + off;
		uint32_t len = (uint32_t)r[3] << 8 | r[4];
		uint8_t nonce[12], aad[13], type;
		uint32_t pre = 5, ct_len, i;

		if (off + 5 + len > p->contig)
			break;
		memcpy(nonce, iv, 12);
		if (!v13 && cipher != TLSOFF_CIPHER_CHACHA20_POLY1305) {
			uint64_t ex = 0;

			pre = 13;
			memcpy(nonce + 4, r + 5, 8);
			for (i = 0; i < 8; i++)
				ex = ex << 8 | r[5 + i];
			TH_CHECK(t, out->n == 0 || ex == last_explicit + 1,
				"explicit nonce %" PRIu64 " after %" PRIu64,
				ex, last_explicit);
			last_explicit = ex;
		} else {
			for (i = 0; i < 8; i++)
				nonce[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
		}
		TH_CHECK(t, r[1] == 3 && r[2] == 3, "record version %02x%02x",
			r[1], r[2]);
		TH_CHECK(t, len >= pre - 5 + 16 && len <= 16384 + 256);
		ct_len = len - (pre - 5) - 16;
		if (v13) {
			TH_EQ(t, r[0], TLS_CT_APPLICATION_DATA);
			memcpy(aad, r, 5);
		} else {
			for (i = 0; i < 8; i++)
				aad[i] = (uint8_t)(seq >> (56 - 8 * i));
			aad[8] = r[0];
			aad[9] = 3;
			aad[10] = 3;
			aad[11] = (uint8_t)(ct_len >> 8);
			aad[12] = (uint8_t)ct_len;
		}
		if (tlsoff_aead_open(a, nonce, aad, v13 ? 5 : 13, r + pre, plain,
				ct_len, r + pre + ct_len) != 0) {
			TH_CHECK(t, false, "record %u (seq %" PRIu64 ") does not "
				"open", out->n, seq);
			ok = false;
			break;
		}
		type = r[0];
		if (v13) {
			TH_CHECK(t, ct_len >= 1);
			type = plain[--ct_len];
		}
		out->n++;
		seq++;
		if (type == TLS_CT_APPLICATION_DATA) {
			for (i = 0; i < ct_len; i++)
				if (plain[i] != th_pattern(data_off + i)) {
					TH_CHECK(t, false, "data byte %" PRIu64
						" wrong", data_off + i);
					ok = false;
					break;
				}
			data_off += ct_len;
			out->data++;
			out->data_bytes += ct_len;
			if (out->lens != NULL && out->data <= out->lens_cap)
				out->lens[out->data - 1] = ct_len;
			out->max_data_len = RTE_MAX(out->max_data_len, ct_len);
			if (out->data == 1 || ct_len < out->min_data_len)
				out->min_data_len = ct_len;
		} else if (type == TLS_CT_HANDSHAKE) {
			out->handshake++;
			if (ct_len >= 1 && plain[0] == TLS_HS_KEY_UPDATE) {
				/* RFC 8446 7.2: the next records use the next key. */
				out->key_updates++;
				tls13_label(md, hlen, secret, "traffic upd",
					secret, hlen);
				tls13_label(md, hlen, secret, "key", key, klen);
				tls13_label(md, hlen, secret, "iv", iv, 12);
				tlsoff_aead_set_key(a, cipher, key);
				seq = 0;
			}
		} else if (type == TLS_CT_ALERT) {
			out->alert++;
		}
		off += 5 + len;
	}
	TH_EQ(t, data_off, p->sent);
	tlsoff_aead_teardown(a);
	tlsoff_crypto_fini(&cr);
	rte_free(a);
	free(plain);
	return ok;
}
