/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * TLS contexts: the per-instance pool (made, with the AEAD engine's
 * per-key state, when the stack is created), attaching an SSL to a
 * connection, the application calls, and release with key wiping when the
 * connection is freed.
 */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_mempool.h>

#include "rte_tlsoff_tls.h"
#include "tls.h"
#include "../stack/stack.h"
#include "../stack/tlsoff_log.h"
#include "../tcp/tcp.h"

static void
ctx_obj_init(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	struct tlsoff_stack *s = arg;
	struct tlsoff_tls *t = obj;

	(void)mp;
	(void)idx;
	memset(t, 0, sizeof(*t));
	t->stack = s;
	t->ring = (struct tlsoff_tls_rec *)(t + 1);
	t->ring_mask = s->conf.sndq_chunks - 1;
	/* Engine state that may allocate (EVP contexts) is made once, here. */
	if (tlsoff_aead_setup(&t->aead[0], &s->crypto) != 0 ||
	    tlsoff_aead_setup(&t->aead[1], &s->crypto) != 0)
		t->stack = NULL;   /* marks the pool as unusable */
}

static void
ctx_obj_fini(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	struct tlsoff_tls *t = obj;

	(void)mp;
	(void)arg;
	(void)idx;
	tlsoff_aead_teardown(&t->aead[0]);
	tlsoff_aead_teardown(&t->aead[1]);
}

static void
ctx_obj_check(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	bool *ok = arg;

	(void)mp;
	(void)idx;
	if (((struct tlsoff_tls *)obj)->stack == NULL)
		*ok = false;
}

int
tlsoff_tls_stack_init(struct tlsoff_stack *s)
{
	enum tlsoff_engine e;
	char name[RTE_MEMPOOL_NAMESIZE];
	bool ok = true;
	int rc;

	switch (s->conf.crypto) {
	case RTE_TLSOFF_CRYPTO_OPENSSL:
		e = TLSOFF_ENGINE_OPENSSL;
		break;
	case RTE_TLSOFF_CRYPTO_IPSEC_MB:
		e = TLSOFF_ENGINE_IPSEC_MB;
		break;
	default:
		e = tlsoff_engine_supports(TLSOFF_ENGINE_IPSEC_MB,
				TLSOFF_CIPHER_AES_128_GCM) ?
			TLSOFF_ENGINE_IPSEC_MB : TLSOFF_ENGINE_OPENSSL;
		break;
	}
	rc = tlsoff_crypto_init(&s->crypto, e);
	if (rc != 0 && s->conf.crypto == RTE_TLSOFF_CRYPTO_AUTO &&
	    e == TLSOFF_ENGINE_IPSEC_MB)
		rc = tlsoff_crypto_init(&s->crypto, TLSOFF_ENGINE_OPENSSL);
	if (rc != 0) {
		TLSOFF_LOG(ERR, "stack %s: conf.crypto: engine %s unavailable "
			"(not built in, or not usable on this CPU)", s->name,
			tlsoff_engine_name(e));
		return rc;
	}
	snprintf(name, sizeof(name), "tlt_%s", s->name);
	s->tls_pool = rte_mempool_create(name, s->conf.tls_conns,
		sizeof(struct tlsoff_tls) +
		sizeof(struct tlsoff_tls_rec) * s->conf.sndq_chunks,
		0, 0, NULL, NULL, ctx_obj_init, s, s->conf.socket_id, 0);
	if (s->tls_pool == NULL) {
		TLSOFF_LOG(ERR, "stack %s: TLS context pool: %s", s->name,
			rte_strerror(rte_errno));
		tlsoff_crypto_fini(&s->crypto);
		return -ENOMEM;
	}
	rte_mempool_obj_iter(s->tls_pool, ctx_obj_check, &ok);
	if (!ok) {
		tlsoff_tls_stack_fini(s);
		return -ENOMEM;
	}
	return 0;
}

void
tlsoff_tls_stack_fini(struct tlsoff_stack *s)
{
	if (s->tls_pool != NULL) {
		rte_mempool_obj_iter(s->tls_pool, ctx_obj_fini, NULL);
		rte_mempool_free(s->tls_pool);
		s->tls_pool = NULL;
	}
	tlsoff_crypto_fini(&s->crypto);
}

static void
ulp_on_acked(void *ctx, uint32_t snd_una)
{
	tlsoff_tls_on_acked(ctx, snd_una);
}

static void
ulp_on_free(void *ctx)
{
	tlsoff_tls_release(ctx);
}

static void
ulp_on_xmit(void *ctx, struct rte_mbuf *m, uint32_t seq, uint32_t len)
{
	tlsoff_tls_on_xmit(ctx, m, seq, len);
}

/*
 * The app ends its side: if OpenSSL has not sent close_notify
 * (SSL_shutdown), the library does, so the peer can tell the end of the
 * data from a truncation (RFC 8446 6.1, RFC 5246 7.2.1).
 */
static void
ulp_on_send_close(void *ctx)
{
	static const uint8_t close_notify[2] = { 1, 0 };  /* warning, 0 */
	struct tlsoff_tls *t = ctx;

	if (!tlsoff_tls_framing(t) || t->close_notify_sent)
		return;
	if (tlsoff_tls_frame(t, TLS_CT_ALERT, close_notify,
			sizeof(close_notify), true) != (int64_t)sizeof(close_notify)) {
		TLSOFF_STAT_INC(t->stack, tls, close_notify_no_room);
		return;
	}
	t->close_notify_sent = true;
	TLSOFF_STAT_INC(t->stack, tls, close_notify_sent);
	/* OpenSSL must not send a second one on a later SSL_shutdown(). */
	if (t->ssl != NULL)
		SSL_set_shutdown(t->ssl, SSL_get_shutdown(t->ssl) |
			SSL_SENT_SHUTDOWN);
}

static const struct tlsoff_ulp_ops tls_ulp = {
	.on_acked = ulp_on_acked,
	.on_free = ulp_on_free,
	.on_xmit = ulp_on_xmit,
	.on_send_close = ulp_on_send_close,
};

/* Forget records whose every byte is acknowledged. */
void
tlsoff_tls_on_acked(struct tlsoff_tls *t, uint32_t snd_una)
{
	while (t->ring_head != t->ring_tail) {
		const struct tlsoff_tls_rec *r =
			&t->ring[t->ring_head & t->ring_mask];

		if (seq_gt(r->tcp_seq + r->len, snd_una))
			break;
		t->ring_head++;
	}
	tlsoff_tls_nic_acked(t, snd_una);
}

void
tlsoff_tls_release(struct tlsoff_tls *t)
{
	struct tlsoff_stack *s = t->stack;

	if (t->ssl != NULL)
		SSL_set_ex_data(t->ssl, tlsoff_tls_ex_index(), NULL);
	/* Device contexts go (their keys are wiped by the device). */
	tlsoff_tls_nic_release(t);
	tlsoff_aead_wipe(&t->aead[0]);
	tlsoff_aead_wipe(&t->aead[1]);
	tlsoff_wipe(t->secret, sizeof(t->secret));
	tlsoff_wipe(t->iv, sizeof(t->iv));
	t->gen++;
	t->conn->ulp = NULL;
	t->conn->ulp_ctx = NULL;
	t->conn = NULL;
	t->ssl = NULL;
	rte_mempool_put(s->tls_pool, t);
}

static void
keylog_cb(const SSL *ssl, const char *line)
{
	SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
	SSL_CTX_keylog_cb_func prev;

	tlsoff_tls_keylog_line((SSL *)(uintptr_t)ssl, line);
	prev = (SSL_CTX_keylog_cb_func)(uintptr_t)SSL_CTX_get_ex_data(ctx,
			tlsoff_tls_ctx_ex_index());
	if (prev != NULL)
		prev(ssl, line);
}

int
rte_tlsoff_tls_ctx_init(SSL_CTX *ctx)
{
	SSL_CTX_keylog_cb_func prev;
	int idx = tlsoff_tls_ctx_ex_index();

	if (ctx == NULL || idx < 0 || tlsoff_tls_ex_index() < 0)
		return -EINVAL;
	prev = SSL_CTX_get_keylog_callback(ctx);
	if (prev != keylog_cb) {
		/* The app's callback keeps being called, after ours. */
		SSL_CTX_set_ex_data(ctx, idx, (void *)(uintptr_t)prev);
		SSL_CTX_set_keylog_callback(ctx, keylog_cb);
	}
	return 0;
}

int
rte_tlsoff_tls_attach(struct rte_tlsoff_conn *conn, SSL *ssl,
		const struct rte_tlsoff_tls_conf *conf)
{
	struct tlsoff_conn *c = tlsoff_conn(conn);
	struct tlsoff_stack *s;
	struct tlsoff_tls *t;
	uint32_t rs = conf != NULL ? conf->record_size : 0;
	void *obj;
	BIO *b;

	if (c == NULL || ssl == NULL || !(c->flags & TF_APP_OWNED) ||
	    c->ulp != NULL || rs > TLS_MAX_PLAINTEXT ||
	    (conf != NULL && (conf->flags & ~RTE_TLSOFF_TLS_F_SOFTWARE))) {
		TLSOFF_LOG(ERR, "tls_attach: %s", rs > TLS_MAX_PLAINTEXT ?
			"conf.record_size must be 1..16384" :
			conf != NULL && (conf->flags & ~RTE_TLSOFF_TLS_F_SOFTWARE) ?
			"conf.flags has unknown bits" :
			"bad connection or SSL (or one is attached already)");
		return -EINVAL;
	}
	s = c->stack;
	if (rte_mempool_get(s->tls_pool, &obj) != 0) {
		/* No context: nothing is attached (the app may go on alone). */
		TLSOFF_STAT_INC(s, tls, no_context);
		t = NULL;
	} else {
		t = obj;
	}
	if (t == NULL)
		return -ENOSPC;
	t->conn = c;
	t->ssl = ssl;
	t->mode = RTE_TLSOFF_TLS_NONE;
	t->version = 0;
	t->record_size = rs ? rs : TLS_MAX_PLAINTEXT;
	t->sw_only = conf != NULL && (conf->flags & RTE_TLSOFF_TLS_F_SOFTWARE);
	t->epoch = 0;
	t->seq = 0;
	t->cur = 0;
	t->have_secret = false;
	t->secret_checked = false;
	t->hash_len = 0;
	t->ctrl_pending = false;
	t->close_notify_sent = false;
	t->ring_head = t->ring_tail = 0;
	t->nic = false;
	t->cur_slot = TLS_SLOT_SW;
	t->first_live = false;
	t->closed_epochs = 0;
	memset(t->ep, 0, sizeof(t->ep));
	t->records = t->bytes = 0;
	t->key_updates = 0;
	b = tlsoff_tls_bio_new(t);
	if (b == NULL) {
		t->conn = NULL;
		t->ssl = NULL;
		rte_mempool_put(s->tls_pool, t);
		return -ENOMEM;
	}
	c->ulp = &tls_ulp;
	c->ulp_ctx = t;
	SSL_set_ex_data(ssl, tlsoff_tls_ex_index(), t);
	SSL_set_options(ssl, SSL_OP_ENABLE_KTLS);
	SSL_set_bio(ssl, b, b);
	return 0;
}

static struct tlsoff_tls *
tls_of(const struct rte_tlsoff_conn *conn)
{
	const struct tlsoff_conn *c = (const struct tlsoff_conn *)conn;

	return c != NULL && c->ulp != NULL ? c->ulp_ctx : NULL;
}

ssize_t
rte_tlsoff_tls_send(struct rte_tlsoff_conn *conn, const void *buf, size_t len)
{
	struct tlsoff_tls *t = tls_of(conn);
	int64_t rc;

	if (t == NULL || (buf == NULL && len > 0) ||
	    !(t->conn->flags & TF_APP_OWNED))
		return -EINVAL;
	if (!tlsoff_tls_framing(t))
		return -ENOTCONN;
	/*
	 * OpenSSL answers a KeyUpdate(update_requested) from the peer on its
	 * next write; data going around SSL_write() must let it do so first.
	 * A zero-length write sends the pending message through our BIO.
	 */
	if (t->ssl != NULL &&
	    SSL_get_key_update_type(t->ssl) != SSL_KEY_UPDATE_NONE) {
		size_t w;

		if (SSL_write_ex(t->ssl, "", 0, &w) != 1 &&
		    SSL_get_key_update_type(t->ssl) != SSL_KEY_UPDATE_NONE) {
			int err = SSL_get_error(t->ssl, 0);

			return err == SSL_ERROR_WANT_WRITE ? -EAGAIN : -EPROTO;
		}
	}
	rc = tlsoff_tls_frame(t, TLS_CT_APPLICATION_DATA, buf,
			(uint32_t)RTE_MIN(len, (size_t)UINT32_MAX / 2), false);
	return (ssize_t)rc;
}

size_t
rte_tlsoff_tls_send_space(const struct rte_tlsoff_conn *conn)
{
	const struct tlsoff_tls *t = tls_of(conn);

	if (t == NULL || !tlsoff_tls_framing(t) ||
	    tcp_send_check(t->conn) != 0)
		return 0;
	return tlsoff_tls_space(t);
}

int
rte_tlsoff_tls_get_info(const struct rte_tlsoff_conn *conn,
		struct rte_tlsoff_tls_info *info)
{
	const struct tlsoff_tls *t = tls_of(conn);

	if (t == NULL || info == NULL)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->mode = t->mode;
	info->version = t->version;
	info->cipher = tlsoff_tls_framing(t) ?
		tlsoff_cipher_name(t->cipher) : NULL;
	info->engine = t->mode == RTE_TLSOFF_TLS_SW ?
		tlsoff_engine_name(t->stack->crypto.engine) :
		t->mode == RTE_TLSOFF_TLS_NIC ? t->stack->off->name : NULL;
	info->records = t->records;
	info->bytes = t->bytes;
	info->seq = t->seq;
	info->key_updates = t->key_updates;
	return 0;
}

const char *
rte_tlsoff_crypto_engine(const struct rte_tlsoff_stack *stack)
{
	const struct tlsoff_stack *s = (const struct tlsoff_stack *)stack;

	return s == NULL ? NULL : tlsoff_engine_name(s->crypto.engine);
}
