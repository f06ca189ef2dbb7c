/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The HTTP server on one stack instance: the listener, the fixed pool of
 * per-connection state, and the timeouts the stack does not keep for us.
 */

#ifndef SENDER_SERVER_H
#define SENDER_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <openssl/ssl.h>

#include <rte_tlsoff.h>

#include "body.h"
#include "http.h"
#include "opts.h"
#include "stats.h"
#include "tls.h"

/* Bytes read or generated per send call (rte_tlsoff_send, _tls_send). */
#define SENDER_SCRATCH_SIZE (64u << 10)

/* A response being queued: head first, then the body. */
struct sender_response {
	char head[HTTP_RESP_HEAD_MAX];
	uint16_t head_len;
	uint16_t head_off;        /* head bytes the stack took */
	struct body body;
	bool close_after;         /* close the connection once it is queued */
	char text[64];            /* body of an error response */
};

enum conn_phase {
	CONN_HANDSHAKE, /* TLS handshake (never in plain mode) */
	CONN_READ,      /* reading a request head (or skipping a request body) */
	CONN_SEND,      /* queueing a response as send space allows */
	CONN_FINISH,    /* TLS close_notify waits for send space */
	CONN_LINGER,    /* FIN queued; reading and dropping until the peer closes */
};

struct sender_server;
struct conn_io;

struct sender_conn {
	struct rte_tlsoff_conn *tc;     /* NULL while the slot is free */
	struct sender_server *srv;
	const struct conn_io *io;       /* plain or TLS: io.h */
	SSL *ssl;                       /* TLS mode: from accept to release */
	TAILQ_ENTRY(sender_conn) link;  /* in the server's active or free list */
	enum conn_phase phase;
	bool peer_eof;                  /* the peer sent FIN: no more requests */
	uint64_t deadline;              /* TSC of the idle/linger timeout; 0 = none */
	uint64_t discard_left;          /* request body bytes still to skip */
	struct sender_response resp;
	size_t in_len;
	char in[HTTP_MAX_HEAD];         /* request bytes not yet consumed */
};

TAILQ_HEAD(sender_conn_list, sender_conn);

struct sender_server {
	struct rte_tlsoff_stack *stack;
	struct rte_tlsoff_listener *listener;
	const struct sender_opts *opts;
	struct sender_tls *tls;         /* NULL in plain mode */
	const struct conn_io *io;       /* what new connections start with */
	struct sender_conn *conns;      /* opts->max_conns slots */
	struct sender_conn_list active;
	struct sender_conn_list free;
	uint64_t now;                   /* TSC, set by the poll loop */
	uint64_t idle_cycles;           /* 0 = no idle timeout */
	uint64_t linger_cycles;
	uint64_t date_second;
	char date[32];                  /* IMF-fixdate for the Date header */
	struct sender_stats stats;
	const char *tls_version;        /* of the last handshake ("1.3"), or NULL */
	const char *tls_cipher;         /* of the last handshake ("aes128gcm") */
	uint8_t scratch[SENDER_SCRATCH_SIZE];
};

/*
 * Set up the connection pool and listen; with @tls (NULL: --plain) every
 * connection runs TLS. NULL after printing why.
 */
struct sender_server *server_create(struct rte_tlsoff_stack *stack,
		const struct sender_opts *opts, struct sender_tls *tls);

/* Timeouts and the Date header; call a few times a second. */
void server_tick(struct sender_server *srv, uint64_t now);

/*
 * Stop accepting and release every connection (idle ones with a FIN, those
 * in the middle of a response with a RST), then poll briefly so the
 * segments leave before the stack is freed.
 */
void server_stop(struct sender_server *srv);

void server_free(struct sender_server *srv);

/* Pool slots, for conn.c. */
struct sender_conn *server_conn_get(struct sender_server *srv);
void server_conn_put(struct sender_server *srv, struct sender_conn *c);

#endif /* SENDER_SERVER_H */
