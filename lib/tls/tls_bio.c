/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The BIO OpenSSL runs over: reads come from the connection's receive
 * queue; writes go out as TCP bytes during the handshake and, once OpenSSL
 * has handed over its write keys through the kernel-TLS controls, as
 * records the library frames. Non-blocking: "would block" is a retry.
 */

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include "tls.h"
#include "../stack/stack.h"
#include "../stack/tlsoff_log.h"
#include "../tcp/tcp.h"

/*
 * What a BIO holds: the context and its generation. A context is released
 * with its connection; a BIO that outlives it (SSL_free after close) then
 * finds another generation and touches nothing.
 */
struct bio_ref {
	struct tlsoff_tls *t;
	uint32_t gen;
};

static BIO_METHOD *bio_method;
static int ex_index = -1;
static int ctx_ex_index = -1;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static struct tlsoff_tls *
live(BIO *b)
{
	struct bio_ref *r = BIO_get_data(b);

	if (r == NULL || r->t == NULL || r->t->gen != r->gen ||
	    r->t->conn == NULL)
		return NULL;
	return r->t;
}

static int
bio_write(BIO *b, const char *data, int len)
{
	struct tlsoff_tls *t = live(b);
	int64_t rc;

	BIO_clear_retry_flags(b);
	if (t == NULL || len < 0)
		return -1;
	if (!tlsoff_tls_framing(t)) {
		/* Handshake, or OpenSSL framing records itself: raw bytes. */
		ssize_t n = rte_tlsoff_send((struct rte_tlsoff_conn *)t->conn,
				data, (size_t)len);

		if (n == -EAGAIN) {
			BIO_set_retry_write(b);
			return -1;
		}
		return n < 0 ? -1 : (int)n;
	}
	if (t->ctrl_pending) {
		uint8_t type = t->ctrl_type;
		bool key_update = type == TLS_CT_HANDSHAKE && len > 0 &&
			(uint8_t)data[0] == TLS_HS_KEY_UPDATE;

		if (key_update && !tlsoff_tls_can_update(t)) {
			/*
			 * Announcing keys we cannot derive would break every
			 * later record: fail the connection instead.
			 */
			TLSOFF_STAT_INC(t->stack, tls, key_update_failures);
			TLSOFF_LOG(WARNING, "TLS: cannot follow a KeyUpdate (no "
				"traffic secret: was rte_tlsoff_tls_ctx_init() "
				"called?); resetting the connection");
			tlsoff_tls_fail(t, EPROTO);
			return -1;
		}
		rc = tlsoff_tls_frame(t, type, (const uint8_t *)data,
				(uint32_t)len, true);
		if (rc == -EAGAIN) {
			BIO_set_retry_write(b);
			return -1;
		}
		if (rc < 0)
			return -1;
		t->ctrl_pending = false;
		if (type == TLS_CT_ALERT && len >= 2 && data[1] == 0)
			t->close_notify_sent = true;
		/*
		 * OpenSSL 3.0 sends its KeyUpdate through us but never hands
		 * over the next keys: from the next record on, derive them.
		 */
		if (key_update) {
			if (tlsoff_tls_update_keys(t) != 0) {
				TLSOFF_STAT_INC(t->stack, tls, key_update_failures);
				tlsoff_tls_fail(t, EPROTO);
				return -1;
			}
			TLSOFF_STAT_INC(t->stack, tls, key_updates);
		}
		return len;
	}
	/* Application data written with SSL_write(): all or nothing. */
	rc = tlsoff_tls_frame(t, TLS_CT_APPLICATION_DATA, (const uint8_t *)data,
			(uint32_t)len, true);
	if (rc == -EAGAIN) {
		BIO_set_retry_write(b);
		return -1;
	}
	return rc < 0 ? -1 : len;
}

static int
bio_read(BIO *b, char *buf, int len)
{
	struct tlsoff_tls *t = live(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	if (t == NULL || len <= 0)
		return -1;
	n = rte_tlsoff_recv((struct rte_tlsoff_conn *)t->conn, buf, (size_t)len);
	if (n == -EAGAIN) {
		BIO_set_retry_read(b);
		return -1;
	}
	return n < 0 ? -1 : (int)n;
}

static int
bio_puts(BIO *b, const char *str)
{
	return bio_write(b, str, (int)strlen(str));
}

static long
bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct tlsoff_tls *t = live(b);

	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_PENDING:
	case BIO_CTRL_WPENDING:
		return 0;
	case BIO_CTRL_EOF:
		return t == NULL || ((t->conn->flags & TF_FIN_RCVD) &&
			t->conn->rq.len == 0);
	case TLSOFF_BIO_CTRL_SET_KTLS:
		/*
		 * num carries OpenSSL's SSL3_CC_WRITE for the transmit keys;
		 * the receive keys (offered too, in TLS 1.2) stay with OpenSSL.
		 */
		if (t == NULL || !(num & SSL3_CC_WRITE) || ptr == NULL ||
		    tlsoff_tls_framing(t))
			return 0;
		if (tlsoff_tls_set_tx_keys(t, ptr) != 0) {
			TLSOFF_STAT_INC(t->stack, tls, handoff_refused);
			t->mode = RTE_TLSOFF_TLS_OPENSSL;
			return 0;
		}
		TLSOFF_STAT_INC(t->stack, tls, handoffs);
		return 1;
	case TLSOFF_BIO_CTRL_GET_KTLS_SEND:
		return t != NULL && tlsoff_tls_framing(t);
	case TLSOFF_BIO_CTRL_GET_KTLS_RECV:
		return 0;
	case TLSOFF_BIO_CTRL_SET_KTLS_SEND_CTRL_MSG:
		if (t == NULL)
			return 0;
		t->ctrl_pending = true;
		t->ctrl_type = (uint8_t)num;
		return 1;
	case TLSOFF_BIO_CTRL_CLEAR_KTLS_CTRL_MSG:
		if (t != NULL)
			t->ctrl_pending = false;
		return 1;
	default:
		return 0;
	}
}

static int
bio_create(BIO *b)
{
	BIO_set_data(b, NULL);
	BIO_set_init(b, 1);
	return 1;
}

static int
bio_destroy(BIO *b)
{
	struct bio_ref *r = BIO_get_data(b);
	struct tlsoff_tls *t = live(b);

	/* The SSL goes away with its BIO: the context forgets it. */
	if (t != NULL)
		t->ssl = NULL;
	OPENSSL_free(r);
	BIO_set_data(b, NULL);
	return 1;
}

static void
init_globals(void)
{
	BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
			"librte_tlsoff connection");

	if (m == NULL || BIO_meth_set_write(m, bio_write) != 1 ||
	    BIO_meth_set_read(m, bio_read) != 1 ||
	    BIO_meth_set_puts(m, bio_puts) != 1 ||
	    BIO_meth_set_ctrl(m, bio_ctrl) != 1 ||
	    BIO_meth_set_create(m, bio_create) != 1 ||
	    BIO_meth_set_destroy(m, bio_destroy) != 1) {
		BIO_meth_free(m);
		return;
	}
	bio_method = m;
	ex_index = SSL_get_ex_new_index(0, (void *)(uintptr_t)"librte_tlsoff",
			NULL, NULL, NULL);
	/* SSL_CTX indexes are numbered apart from SSL ones: a slot of ours. */
	ctx_ex_index = SSL_CTX_get_ex_new_index(0,
			(void *)(uintptr_t)"librte_tlsoff key log", NULL, NULL,
			NULL);
}

int
tlsoff_tls_ex_index(void)
{
	pthread_once(&init_once, init_globals);
	return ex_index;
}

int
tlsoff_tls_ctx_ex_index(void)
{
	pthread_once(&init_once, init_globals);
	return ctx_ex_index;
}

BIO *
tlsoff_tls_bio_new(struct tlsoff_tls *t)
{
	struct bio_ref *r;
	BIO *b;

	pthread_once(&init_once, init_globals);
	if (bio_method == NULL)
		return NULL;
	r = OPENSSL_zalloc(sizeof(*r));
	if (r == NULL)
		return NULL;
	b = BIO_new(bio_method);
	if (b == NULL) {
		OPENSSL_free(r);
		return NULL;
	}
	r->t = t;
	r->gen = t->gen;
	BIO_set_data(b, r);
	return b;
}
