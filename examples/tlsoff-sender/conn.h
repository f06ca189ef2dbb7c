/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* One HTTP connection over the stack: reading requests, queueing responses, closing. */

#ifndef SENDER_CONN_H
#define SENDER_CONN_H

#include <stdint.h>

#include <rte_tlsoff.h>

#include "server.h"

/* Take over a just-accepted connection (slot @c from the server's pool). */
void conn_start(struct sender_conn *c, struct sender_server *srv,
		struct rte_tlsoff_conn *tc);

/* Its idle or linger deadline passed (called outside stack callbacks). */
void conn_timeout(struct sender_conn *c);

/* The server is stopping: release @c now. */
void conn_shutdown(struct sender_conn *c);

#endif /* SENDER_CONN_H */
