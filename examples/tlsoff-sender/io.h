/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * How a connection's bytes travel: as they are (--plain) or in TLS records.
 * conn.c runs HTTP over these operations, chosen once per connection, so
 * that the request and response paths have no mode branches.
 */

#ifndef SENDER_IO_H
#define SENDER_IO_H

#include <stdbool.h>
#include <sys/types.h>

#include "server.h"

struct conn_io {
	const char *name;
	/*
	 * Set up a just-accepted connection (NULL: nothing to do). 0, or a
	 * negative errno: then it is reset and counted as a failed handshake.
	 */
	int (*start)(struct sender_conn *c);
	/*
	 * One step of the handshake (NULL: none, requests come at once).
	 * 0 when done, -EAGAIN to wait for the next event, else it failed.
	 */
	int (*handshake)(struct sender_conn *c);
	/* As rte_tlsoff_recv(): bytes, 0 at the end, -EAGAIN, or an error. */
	ssize_t (*recv)(struct sender_conn *c, void *buf, size_t len);
	/*
	 * Queue what fits of c->resp (head, then body). 0 once all of it is
	 * queued; -EAGAIN (an event follows when there is room), -EIO (the
	 * body's file failed), or the connection's error.
	 */
	int (*push)(struct sender_conn *c);
	/*
	 * Close this layer before TCP's FIN (NULL: nothing): 0 when done or
	 * impossible, -EAGAIN to try again on the next event.
	 */
	int (*finish)(struct sender_conn *c);
	/* Drop the per-connection state, after rte_tlsoff_close/abort (NULL: none). */
	void (*release)(struct sender_conn *c);
	/*
	 * Read requests on while a response is queued (into c->in). TLS needs
	 * it: a KeyUpdate asking for ours is answered only once it is read.
	 */
	bool read_while_sending;
};

extern const struct conn_io conn_io_plain;
extern const struct conn_io conn_io_tls;

/* Advance c->resp by @n bytes the stack took: head first, then body. */
void io_resp_advance(struct sender_conn *c, size_t n);

/* Head and body bytes still to queue. */
uint64_t io_resp_left(const struct sender_conn *c);

/*
 * Gather up to @n bytes of c->resp (what is left of the head, then body)
 * into the scratch buffer without consuming them. Bytes, or -EIO.
 */
ssize_t io_resp_gather(struct sender_conn *c, size_t n);

#endif /* SENDER_IO_H */
