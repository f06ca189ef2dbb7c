/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * One HTTP connection, driven by the stack's callback. A connection is in
 * one phase at a time (TLS handshake, read a request, queue its response,
 * close_notify, linger before the end), so pipelined requests are answered
 * in order: the next one is parsed only once the previous response is
 * fully queued. Until then its bytes wait in the stack's receive buffer
 * (plain), or in c->in once TLS has read them.
 *
 * Bytes move through c->io (io.h): plain or TLS, chosen at accept.
 *
 * Ownership (rte_tlsoff.h): after rte_tlsoff_close() or rte_tlsoff_abort()
 * the handle is gone. Every path that releases a connection returns
 * STEP_GONE, and nothing touches the connection after that.
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "conn.h"
#include "io.h"
#include "respond.h"

enum step {
	STEP_AGAIN,   /* state changed: run the connection again */
	STEP_WAIT,    /* wait for the next stack event */
	STEP_GONE,    /* released: do not touch it any more */
};

/* The TCP handle first, then what rides on it (SSL_free after the close). */
static void
conn_release(struct sender_conn *c, bool reset)
{
	if (reset)
		rte_tlsoff_abort(c->tc);
	else
		rte_tlsoff_close(c->tc);
	c->tc = NULL;
	if (c->io->release != NULL)
		c->io->release(c);
	body_release(&c->resp.body);
	server_conn_put(c->srv, c);
}

/*
 * The handshake did not complete: count it, and close. Not a reset: the
 * alert OpenSSL sent (protocol_version, handshake_failure) then reaches
 * the client ahead of the FIN; unread garbage still turns it into a RST.
 */
static void
conn_handshake_failed(struct sender_conn *c)
{
	c->srv->stats.handshake_failures++;
	conn_release(c, false);
}

static void
conn_set_idle_deadline(struct sender_conn *c)
{
	const struct sender_server *srv = c->srv;

	c->deadline = srv->idle_cycles ? srv->now + srv->idle_cycles : 0;
}

/* Drop @n bytes from the front of the request buffer. */
static void
conn_consume(struct sender_conn *c, size_t n)
{
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

/*
 * Read and drop what the stack holds for us; false once nothing more will
 * come. Raw TCP bytes in TLS mode too: this is only called once we are
 * done with the connection, and never to find a request.
 */
static bool
conn_drain(struct sender_conn *c)
{
	ssize_t n;

	do {
		n = rte_tlsoff_recv(c->tc, c->srv->scratch,
			sizeof(c->srv->scratch));
	} while (n > 0);
	return n == -EAGAIN;
}

/*
 * We are done with the connection. If the peer may still send, close
 * lingering: FIN now, and keep reading, because closing with unread data
 * turns into a RST (RFC 2525), which can destroy the response still
 * waiting in the client's receive buffer.
 */
static enum step
conn_close_tcp(struct sender_conn *c)
{
	if (c->peer_eof || !conn_drain(c) || rte_tlsoff_shutdown(c->tc) != 0) {
		conn_release(c, false);
		return STEP_GONE;
	}
	c->phase = CONN_LINGER;
	c->in_len = 0;
	c->discard_left = 0;
	c->deadline = c->srv->now + c->srv->linger_cycles;
	return STEP_WAIT;
}

/* Close TLS first (close_notify), when there is room for it. */
static enum step
conn_close(struct sender_conn *c)
{
	if (c->io->finish != NULL && c->io->finish(c) == -EAGAIN) {
		c->phase = CONN_FINISH;
		c->deadline = c->srv->now + c->srv->linger_cycles;
		return STEP_WAIT;
	}
	return conn_close_tcp(c);
}

static enum step
conn_finish(struct sender_conn *c)
{
	if (c->io->finish(c) == -EAGAIN)
		return STEP_WAIT;
	return conn_close_tcp(c);
}

static enum step
conn_handshake(struct sender_conn *c)
{
	int rc = c->io->handshake(c);

	if (rc == -EAGAIN)
		return STEP_WAIT;
	if (rc != 0) {
		conn_handshake_failed(c);
		return STEP_GONE;
	}
	c->srv->stats.handshakes++;
	c->phase = CONN_READ;
	conn_set_idle_deadline(c);
	return STEP_AGAIN;
}

/* What c->io->recv() returned when it was not data. */
static enum step
conn_recv_done(struct sender_conn *c, ssize_t n)
{
	if (n == -EAGAIN)
		return STEP_WAIT;
	if (n == 0) {
		c->peer_eof = true;
		return STEP_AGAIN;
	}
	/* -ECONNRESET, -ETIMEDOUT, -EPROTO: the connection is dead. */
	conn_release(c, false);
	return STEP_GONE;
}

/* Skip a request body: first what is buffered, then from the stack. */
static enum step
conn_discard(struct sender_conn *c)
{
	size_t k = (size_t)RTE_MIN((uint64_t)c->in_len, c->discard_left);
	ssize_t n;

	if (k > 0) {
		conn_consume(c, k);
		c->discard_left -= k;
		return STEP_AGAIN;
	}
	if (c->peer_eof)
		return conn_close(c);
	n = c->io->recv(c, c->srv->scratch, (size_t)RTE_MIN(
		(uint64_t)sizeof(c->srv->scratch), c->discard_left));
	if (n <= 0)
		return conn_recv_done(c, n);
	c->discard_left -= (uint64_t)n;
	return STEP_AGAIN;
}

static enum step
conn_start_response(struct sender_conn *c)
{
	c->phase = CONN_SEND;
	c->deadline = 0;
	return STEP_AGAIN;
}

static enum step
conn_read(struct sender_conn *c)
{
	struct http_request req;
	size_t room = sizeof(c->in) - c->in_len;
	ssize_t n;

	if (c->discard_left > 0)
		return conn_discard(c);
	switch (http_parse_request(c->in, c->in_len, &req)) {
	case HTTP_COMPLETE:
		respond_to_request(c->srv, &req, &c->resp);
		/* Only now: req.target pointed into the buffer. */
		conn_consume(c, req.head_len);
		c->discard_left = req.content_length;
		return conn_start_response(c);
	case HTTP_INVALID:
		respond_invalid(c->srv, req.status, &c->resp);
		c->in_len = 0;
		return conn_start_response(c);
	case HTTP_INCOMPLETE:
		break;
	}
	if (c->peer_eof)
		return conn_close(c);
	/* The parser refuses a full buffer, so room is never 0 here. */
	n = c->io->recv(c, c->in + c->in_len, room);
	if (n <= 0)
		return conn_recv_done(c, n);
	c->in_len += (size_t)n;
	return STEP_AGAIN;
}

/*
 * While a response is queued, read on into c->in (as long as it has room)
 * when c->io asks for it. False when the connection died and is gone.
 */
static bool
conn_read_ahead(struct sender_conn *c)
{
	while (!c->peer_eof && c->in_len < sizeof(c->in)) {
		ssize_t n = c->io->recv(c, c->in + c->in_len,
			sizeof(c->in) - c->in_len);

		if (n == -EAGAIN)
			return true;
		if (n == 0) {
			c->peer_eof = true;
			return true;
		}
		if (n < 0) {
			conn_release(c, false);
			return false;
		}
		c->in_len += (size_t)n;
	}
	return true;
}

static enum step
conn_send(struct sender_conn *c)
{
	int rc;

	if (c->io->read_while_sending && !conn_read_ahead(c))
		return STEP_GONE;
	rc = c->io->push(c);
	if (rc == -EAGAIN)
		return STEP_WAIT;
	if (rc < 0) {
		/*
		 * The connection died, or the file did: then reset, so that
		 * the client cannot take a short body for a whole one.
		 */
		conn_release(c, rc == -EIO);
		return STEP_GONE;
	}
	body_release(&c->resp.body);
	if (c->resp.close_after)
		return conn_close(c);
	c->phase = CONN_READ;
	conn_set_idle_deadline(c);
	return STEP_AGAIN;
}

/* Drop whatever arrives until the peer's FIN (or an error). */
static enum step
conn_linger(struct sender_conn *c)
{
	if (conn_drain(c))
		return STEP_WAIT;
	conn_release(c, false);
	return STEP_GONE;
}

static void
conn_run(struct sender_conn *c)
{
	enum step s;

	do {
		switch (c->phase) {
		case CONN_HANDSHAKE:
			s = conn_handshake(c);
			break;
		case CONN_READ:
			s = conn_read(c);
			break;
		case CONN_SEND:
			s = conn_send(c);
			break;
		case CONN_FINISH:
			s = conn_finish(c);
			break;
		default:
			s = conn_linger(c);
			break;
		}
	} while (s == STEP_AGAIN);
}

static void
conn_on_event(struct rte_tlsoff_conn *tc __rte_unused, uint32_t events,
		void *arg)
{
	struct sender_conn *c = arg;

	/* Reset or timed out: the stack only waits for us to let go. */
	if (events & RTE_TLSOFF_EV_CLOSED) {
		if (c->phase == CONN_HANDSHAKE)
			conn_handshake_failed(c);
		else
			conn_release(c, false);
		return;
	}
	conn_run(c);
}

void
conn_start(struct sender_conn *c, struct sender_server *srv,
		struct rte_tlsoff_conn *tc)
{
	c->tc = tc;
	c->srv = srv;
	c->io = srv->io;
	c->ssl = NULL;
	c->phase = c->io->handshake != NULL ? CONN_HANDSHAKE : CONN_READ;
	c->peer_eof = false;
	c->discard_left = 0;
	c->in_len = 0;
	memset(&c->resp, 0, sizeof(c->resp));
	body_release(&c->resp.body);    /* BODY_NONE, no descriptor */
	/* The idle timeout also bounds the handshake. */
	conn_set_idle_deadline(c);
	if (c->io->start != NULL && c->io->start(c) != 0) {
		conn_handshake_failed(c);
		return;
	}
	/* Bytes that came with the handshake are announced by READABLE. */
	rte_tlsoff_conn_set_cb(tc, conn_on_event, c);
}

void
conn_timeout(struct sender_conn *c)
{
	switch (c->phase) {
	case CONN_HANDSHAKE:
		conn_handshake_failed(c);
		break;
	case CONN_READ:
		/* Idle between requests (or a request too slow to arrive). */
		conn_close(c);
		break;
	case CONN_FINISH:
	case CONN_LINGER:
		conn_drain(c);
		conn_release(c, false);
		break;
	default:
		break;
	}
}

void
conn_shutdown(struct sender_conn *c)
{
	if (c->phase == CONN_SEND || c->phase == CONN_HANDSHAKE) {
		conn_release(c, true);
		return;
	}
	/* One try at close_notify; there is no waiting for room now. */
	if (c->phase == CONN_READ && c->io->finish != NULL)
		c->io->finish(c);
	conn_drain(c);
	conn_release(c, false);
}
