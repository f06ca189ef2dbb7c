/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The server: accepting connections into a pool of per-connection state
 * reserved at start (nothing is allocated per connection or request), the
 * timeouts the stack leaves to the application, and an orderly stop.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>

#include "conn.h"
#include "io.h"
#include "server.h"

/* How long a closed connection may wait for the peer's FIN. */
#define LINGER_TIMEOUT_S 5
/* Polling after the last release on stop, so FINs and RSTs get out. */
#define STOP_GRACE_MS 100

struct sender_conn *
server_conn_get(struct sender_server *srv)
{
	struct sender_conn *c = TAILQ_FIRST(&srv->free);

	if (c == NULL)
		return NULL;
	TAILQ_REMOVE(&srv->free, c, link);
	TAILQ_INSERT_TAIL(&srv->active, c, link);
	srv->stats.conns_accepted++;
	srv->stats.conns_open++;
	return c;
}

void
server_conn_put(struct sender_server *srv, struct sender_conn *c)
{
	TAILQ_REMOVE(&srv->active, c, link);
	TAILQ_INSERT_HEAD(&srv->free, c, link);
	srv->stats.conns_open--;
	srv->stats.conns_closed++;
}

static void
server_on_accept(struct rte_tlsoff_listener *l, void *arg)
{
	struct sender_server *srv = arg;
	struct rte_tlsoff_conn *tc;

	while ((tc = rte_tlsoff_accept(l)) != NULL) {
		struct sender_conn *c = server_conn_get(srv);

		/*
		 * Cannot happen while the pool is as large as the stack's
		 * connection table, but a full pool must not leak a handle.
		 */
		if (c == NULL) {
			rte_tlsoff_abort(tc);
			continue;
		}
		conn_start(c, srv, tc);
	}
}

static void
server_update_date(struct sender_server *srv)
{
	time_t t = time(NULL);
	struct tm tm;

	if ((uint64_t)t == srv->date_second)
		return;
	srv->date_second = (uint64_t)t;
	gmtime_r(&t, &tm);
	strftime(srv->date, sizeof(srv->date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void
server_pool_init(struct sender_server *srv)
{
	uint32_t i;

	TAILQ_INIT(&srv->active);
	TAILQ_INIT(&srv->free);
	for (i = 0; i < srv->opts->max_conns; i++)
		TAILQ_INSERT_TAIL(&srv->free, &srv->conns[i], link);
}

struct sender_server *
server_create(struct rte_tlsoff_stack *stack, const struct sender_opts *opts,
		struct sender_tls *tls)
{
	struct sender_server *srv = calloc(1, sizeof(*srv));
	uint64_t hz = rte_get_tsc_hz();

	if (srv != NULL)
		srv->conns = calloc(opts->max_conns, sizeof(*srv->conns));
	if (srv == NULL || srv->conns == NULL) {
		fprintf(stderr, "tlsoff-sender: no memory for %u connections\n",
			opts->max_conns);
		free(srv);
		return NULL;
	}
	srv->stack = stack;
	srv->opts = opts;
	srv->tls = tls;
	srv->io = tls != NULL ? &conn_io_tls : &conn_io_plain;
	srv->now = rte_rdtsc();
	srv->idle_cycles = (uint64_t)(opts->idle_timeout_s * (double)hz);
	srv->linger_cycles = LINGER_TIMEOUT_S * hz;
	server_pool_init(srv);
	server_update_date(srv);
	srv->listener = rte_tlsoff_listen(stack, opts->listen_port, 0,
		server_on_accept, srv);
	if (srv->listener == NULL) {
		fprintf(stderr, "tlsoff-sender: --listen %u: %s\n",
			opts->listen_port, rte_strerror(rte_errno));
		server_free(srv);
		return NULL;
	}
	return srv;
}

void
server_tick(struct sender_server *srv, uint64_t now)
{
	struct sender_conn *c, *next;

	srv->now = now;
	server_update_date(srv);
	for (c = TAILQ_FIRST(&srv->active); c != NULL; c = next) {
		/* conn_timeout() may move @c to the free list. */
		next = TAILQ_NEXT(c, link);
		if (c->deadline != 0 && now >= c->deadline)
			conn_timeout(c);
	}
}

void
server_stop(struct sender_server *srv)
{
	struct sender_conn *c;
	uint64_t end;

	rte_tlsoff_listener_close(srv->listener);
	srv->listener = NULL;
	while ((c = TAILQ_FIRST(&srv->active)) != NULL)
		conn_shutdown(c);
	end = rte_rdtsc() + rte_get_tsc_hz() * STOP_GRACE_MS / 1000;
	while (rte_rdtsc() < end)
		rte_tlsoff_stack_poll(srv->stack);
}

void
server_free(struct sender_server *srv)
{
	if (srv == NULL)
		return;
	rte_tlsoff_listener_close(srv->listener);
	free(srv->conns);
	free(srv);
}
