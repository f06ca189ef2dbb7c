/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * CUBIC (RFC 9438): window growth as a cubic function of the time since the
 * last reduction, with the Reno-friendly region and fast convergence.
 * Windows are kept in bytes; the RFC's formulas use segments, so C is scaled
 * by the MSS where the cube is taken.
 */

#include <math.h>

#include "tcp.h"

#define CUBIC_BETA 0.7
#define CUBIC_C 0.4
/* RFC 9438 4.3: alpha_cubic = 3 (1 - beta) / (1 + beta). */
#define CUBIC_ALPHA (3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA))

static void
cubic_init(struct tlsoff_conn *c)
{
	c->ccs.epoch_start_us = 0;
	c->ccs.w_max = 0;
	c->ccs.w_last_max = 0;
	c->ccs.k = 0;
	c->ccs.origin = 0;
	c->ccs.w_est = 0;
	c->ccs.frac = 0;
}

static void
cubic_on_ack(struct tlsoff_conn *c, uint32_t acked)
{
	struct tlsoff_cc_state *st = &c->ccs;
	double mss = c->mss, cwnd = c->cwnd, t, target, inc;
	uint64_t now = c->stack->now_us;

	if (c->cwnd < c->ssthresh) {
		tlsoff_cc_slow_start(c, acked);
		return;
	}
	if (st->epoch_start_us == 0) {
		/* RFC 9438 4.2/4.8: a new congestion-avoidance epoch. */
		st->epoch_start_us = now;
		if (cwnd < st->w_max) {
			st->k = cbrt((st->w_max - cwnd) / mss / CUBIC_C);
			st->origin = st->w_max;
		} else {
			st->k = 0;
			st->origin = cwnd;
		}
		st->w_est = cwnd;
		st->frac = 0;
	}
	/* Time at which the window should be reached: one RTT ahead. */
	t = (double)(now - st->epoch_start_us + c->srtt_us) / 1e6;
	target = st->origin + CUBIC_C * mss * (t - st->k) * (t - st->k) *
		(t - st->k);
	/* RFC 9438 4.2: the target stays within [cwnd, 1.5 cwnd]. */
	if (target < cwnd)
		target = cwnd;
	if (target > 1.5 * cwnd)
		target = 1.5 * cwnd;
	/* Reno-friendly estimate (4.3). */
	st->w_est += CUBIC_ALPHA * mss * (double)acked / cwnd;
	if (st->w_est > target)
		target = st->w_est;
	inc = (target - cwnd) * (double)acked / cwnd + st->frac;
	if (inc >= 1.0) {
		c->cwnd += (uint32_t)inc;
		st->frac = inc - (uint32_t)inc;
	} else {
		st->frac = inc;
	}
}

static void
cubic_reduce(struct tlsoff_conn *c)
{
	struct tlsoff_cc_state *st = &c->ccs;
	double cwnd = c->cwnd;

	/* Fast convergence (4.7). */
	if (cwnd < st->w_last_max)
		st->w_max = cwnd * (1.0 + CUBIC_BETA) / 2.0;
	else
		st->w_max = cwnd;
	st->w_last_max = cwnd;
	c->ssthresh = RTE_MAX((uint32_t)(cwnd * CUBIC_BETA), 2u * c->mss);
	st->epoch_start_us = 0;
}

static void
cubic_on_loss(struct tlsoff_conn *c)
{
	cubic_reduce(c);
}

static void
cubic_on_rto(struct tlsoff_conn *c)
{
	/* 4.8: the same reduction; the core then restarts from one segment. */
	cubic_reduce(c);
}

const struct tlsoff_cc_ops tlsoff_cc_cubic = {
	.name = "cubic",
	.init = cubic_init,
	.on_ack = cubic_on_ack,
	.on_loss = cubic_on_loss,
	.on_rto = cubic_on_rto,
};
