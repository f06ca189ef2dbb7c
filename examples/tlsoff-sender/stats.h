/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Counters of the sender (HTTP), and their output together with the
 * library's and the port's: the periodic summary line and the JSON file.
 */

#ifndef SENDER_STATS_H
#define SENDER_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_tlsoff.h>

/*
 * The one list of the sender's counters: field, and "<group>.<name>" in the
 * JSON. The tls.* names here are not the library's (it has tls.records,
 * tls.bytes, tls.key_updates ...): both go into the same JSON object.
 */
#define SENDER_STATS_LIST(X) \
	X(http, requests) \
	X(http, responses_2xx) \
	X(http, responses_4xx) \
	X(http, responses_5xx) \
	X(http, bytes_sent)       /* response body bytes the stack took */ \
	X(http, conns_accepted) \
	X(http, conns_open)       /* a gauge: accepted and not yet released */ \
	X(http, conns_closed)     /* released by the app, for any reason */ \
	X(tls, handshakes)        /* completed */ \
	X(tls, handshake_failures) /* refused, reset, timed out, garbage */

struct sender_stats {
#define SENDER_STAT_FIELD(g, n) uint64_t n;
	SENDER_STATS_LIST(SENDER_STAT_FIELD)
#undef SENDER_STAT_FIELD
};

/* The library's counters, in the order rte_tlsoff_stats_get() gives them. */
struct stats_lib {
	struct rte_tlsoff_stat *v;
	unsigned int n;
};

/* Size the array for @stack's counters. 0, or -1 (message printed). */
int stats_lib_init(struct stats_lib *l, const struct rte_tlsoff_stack *stack);
void stats_lib_read(struct stats_lib *l, const struct rte_tlsoff_stack *stack);
void stats_lib_fini(struct stats_lib *l);

/* Everything the JSON file holds, read before the stack and port go away. */
struct stats_snapshot {
	const char *mode;          /* "tls" or "plain" */
	const char *offload;       /* "sw"; NULL in plain mode */
	const char *crypto_engine; /* rte_tlsoff_crypto_engine() */
	const char *tls_version;   /* of the last handshake; NULL = none yet */
	const char *tls_cipher;
	double uptime_s;
	const struct stats_lib *lib;
	struct sender_stats app;
	struct rte_eth_stats port;
	bool has_port;
};

/* Write @s to @path atomically (@path.tmp, then rename). 0, or -1. */
int stats_write_json(const char *path, const struct stats_snapshot *s);

/* The periodic one-line summary. */
struct stats_ticker {
	uint64_t period;       /* TSC cycles */
	uint64_t next;
	uint64_t last;
	uint64_t last_obytes;
};

void stats_ticker_init(struct stats_ticker *t, double period_s, uint64_t now);

static inline bool
stats_ticker_due(const struct stats_ticker *t, uint64_t now)
{
	return t->period != 0 && now >= t->next;
}

/* Print the line for the period ending at @now, and flush stdout. */
void stats_ticker_print(struct stats_ticker *t, uint64_t now,
		double uptime_s, const struct stats_lib *lib,
		const struct sender_stats *app, uint16_t port_id);

#endif /* SENDER_STATS_H */
