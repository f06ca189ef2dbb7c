/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * NewReno window arithmetic: slow start and congestion avoidance with
 * appropriate byte counting (RFC 5681, RFC 3465), halving on loss.
 * The recovery procedure itself (RFC 6582) is in tcp_in.c.
 */

#include "tcp.h"

void
tlsoff_cc_slow_start(struct tlsoff_conn *c, uint32_t acked)
{
	/* RFC 3465: at most L = 2 segments per ACK. */
	c->cwnd += RTE_MIN(acked, 2u * c->mss);
}

static void
newreno_init(struct tlsoff_conn *c)
{
	c->ccs.bytes_acked = 0;
}

static void
newreno_on_ack(struct tlsoff_conn *c, uint32_t acked)
{
	if (c->cwnd < c->ssthresh) {
		tlsoff_cc_slow_start(c, acked);
		return;
	}
	/* One segment per window's worth of acknowledged bytes. */
	c->ccs.bytes_acked += acked;
	if (c->ccs.bytes_acked >= c->cwnd) {
		c->ccs.bytes_acked -= c->cwnd;
		c->cwnd += c->mss;
	}
}

static uint32_t
half_flight(const struct tlsoff_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;

	/* RFC 5681 (4). */
	return RTE_MAX(flight / 2, 2u * c->mss);
}

static void
newreno_on_loss(struct tlsoff_conn *c)
{
	c->ssthresh = half_flight(c);
	c->ccs.bytes_acked = 0;
}

static void
newreno_on_rto(struct tlsoff_conn *c)
{
	c->ssthresh = half_flight(c);
	c->ccs.bytes_acked = 0;
}

const struct tlsoff_cc_ops tlsoff_cc_newreno = {
	.name = "newreno",
	.init = newreno_init,
	.on_ack = newreno_on_ack,
	.on_loss = newreno_on_loss,
	.on_rto = newreno_on_rto,
};
