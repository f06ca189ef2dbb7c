/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * HTTPS: OpenSSL runs the handshake and reads requests over the library's
 * BIO; response records are framed and sealed by the library
 * (rte_tlsoff_tls_send), or by OpenSSL (SSL_write) on a connection whose
 * write keys the library did not take.
 *
 * OpenSSL's error queue belongs to the thread, not to an SSL: it is
 * emptied before every call, as SSL_get_error() requires, and after every
 * failure, so that one connection's error never shows in another's.
 */

#include <errno.h>

#include <openssl/err.h>

#include <rte_common.h>

#include "io.h"

/*
 * What an SSL call that did not succeed means: -EAGAIN, 0 (the peer's
 * close_notify, or its FIN: SSL_OP_IGNORE_UNEXPECTED_EOF) or -EPROTO.
 */
static int
tls_result(struct sender_conn *c, int rc)
{
	switch (SSL_get_error(c->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	default:
		/* A protocol error, or the connection died under the BIO. */
		ERR_clear_error();
		return -EPROTO;
	}
}

static uint32_t
tls_record_size(const struct sender_conn *c)
{
	uint32_t rs = c->srv->tls->conf.record_size;

	return rs != 0 ? rs : RTE_TLSOFF_TLS_MAX_RECORD;
}

static int
tls_start(struct sender_conn *c)
{
	struct sender_tls *t = c->srv->tls;
	int rc;

	c->ssl = SSL_new(t->ctx);
	if (c->ssl == NULL) {
		ERR_clear_error();
		return -ENOMEM;
	}
	rc = rte_tlsoff_tls_attach(c->tc, c->ssl, &t->conf);
	if (rc != 0) {
		SSL_free(c->ssl);
		c->ssl = NULL;
		return rc;
	}
	SSL_set_accept_state(c->ssl);
	return 0;
}

/* After a handshake whose write keys the library did not take. */
static const struct conn_io conn_io_tls_openssl;

static int
tls_handshake(struct sender_conn *c)
{
	struct sender_server *srv = c->srv;
	struct rte_tlsoff_tls_info info;
	int rc;

	ERR_clear_error();
	rc = SSL_accept(c->ssl);
	if (rc != 1) {
		rc = tls_result(c, rc);
		return rc == 0 ? -ECONNRESET : rc;
	}
	/* The library frames (SW, or NIC with a device), or OpenSSL does. */
	if (rte_tlsoff_tls_get_info(c->tc, &info) == 0 &&
	    info.mode != RTE_TLSOFF_TLS_OPENSSL &&
	    info.mode != RTE_TLSOFF_TLS_NONE) {
		srv->tls_version = sender_tls_version_name(info.version);
		srv->tls_cipher = info.cipher;
	} else {
		c->io = &conn_io_tls_openssl;
		srv->tls_version = sender_tls_version_name(SSL_version(c->ssl));
		srv->tls_cipher = sender_tls_cipher_of(c->ssl);
	}
	return 0;
}

/*
 * SSL_read may also consume a post-handshake message (KeyUpdate) and then
 * find nothing more: WANT_READ, as for no data at all.
 */
static ssize_t
tls_recv(struct sender_conn *c, void *buf, size_t len)
{
	size_t n;

	ERR_clear_error();
	if (SSL_read_ex(c->ssl, buf, len, &n) == 1)
		return (ssize_t)n;
	return tls_result(c, 0);
}

/*
 * Plaintext to offer next: whole records, as many as fit. With room for
 * none, one anyway: only a refused send arms RTE_TLSOFF_EV_WRITABLE, and a
 * short record made just to fill the room would be wasted bytes.
 */
static size_t
tls_chunk(const struct sender_conn *c, size_t rs)
{
	size_t space = rte_tlsoff_tls_send_space(c->tc);
	size_t n = RTE_MIN(space / rs, sizeof(c->srv->scratch) / rs) * rs;

	return n > 0 ? n : rs;
}

/* The library frames and seals (the usual case). */
static int
tls_push_sw(struct sender_conn *c)
{
	size_t rs = tls_record_size(c);
	ssize_t n;

	while (io_resp_left(c) > 0) {
		n = io_resp_gather(c, tls_chunk(c, rs));
		if (n < 0)
			return (int)n;
		n = rte_tlsoff_tls_send(c->tc, c->srv->scratch, (size_t)n);
		if (n < 0)
			return (int)n;
		io_resp_advance(c, (size_t)n);
	}
	return 0;
}

/*
 * OpenSSL frames: one record per SSL_write. After WANT_WRITE OpenSSL wants
 * the same bytes again, and gets them: the chunk depends only on what is
 * left, which does not move until a write succeeds.
 */
static int
tls_push_ssl(struct sender_conn *c)
{
	size_t rs = tls_record_size(c), done;
	ssize_t n;
	int rc;

	while (io_resp_left(c) > 0) {
		n = io_resp_gather(c, rs);
		if (n < 0)
			return (int)n;
		ERR_clear_error();
		if (SSL_write_ex(c->ssl, c->srv->scratch, (size_t)n, &done) != 1) {
			rc = tls_result(c, 0);
			return rc == 0 ? -EPIPE : rc;
		}
		io_resp_advance(c, done);
	}
	return 0;
}

/* close_notify, framed by the library like any record after the hand-off. */
static int
tls_finish(struct sender_conn *c)
{
	int rc;

	/* None before the handshake completed (or after it failed). */
	if (c->ssl == NULL || !SSL_is_init_finished(c->ssl))
		return 0;
	ERR_clear_error();
	rc = SSL_shutdown(c->ssl);
	if (rc >= 0)
		return 0;
	/* Otherwise it cannot be sent: TCP's FIN will do. */
	return tls_result(c, rc) == -EAGAIN ? -EAGAIN : 0;
}

/* Last: the BIO of a released connection touches nothing of it. */
static void
tls_release(struct sender_conn *c)
{
	SSL_free(c->ssl);
	c->ssl = NULL;
}

const struct conn_io conn_io_tls = {
	.name = "tls",
	.start = tls_start,
	.handshake = tls_handshake,
	.recv = tls_recv,
	.push = tls_push_sw,
	.finish = tls_finish,
	.release = tls_release,
	.read_while_sending = true,
};

static const struct conn_io conn_io_tls_openssl = {
	.name = "tls-openssl",
	.start = tls_start,
	.handshake = tls_handshake,
	.recv = tls_recv,
	.push = tls_push_ssl,
	.finish = tls_finish,
	.release = tls_release,
	.read_while_sending = true,
};
