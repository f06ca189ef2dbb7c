/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Congestion control interface. Loss detection and recovery (dupACKs, SACK,
 * RTO) live in the TCP core; an algorithm only decides how cwnd grows and
 * how far it falls.
 */

#ifndef TLSOFF_CC_H
#define TLSOFF_CC_H

#include <stdint.h>

struct tlsoff_conn;

struct tlsoff_cc_ops {
	const char *name;
	/* Connection established: cwnd/ssthresh are already at IW. */
	void (*init)(struct tlsoff_conn *c);
	/* @acked new bytes acknowledged outside loss recovery. */
	void (*on_ack)(struct tlsoff_conn *c, uint32_t acked);
	/* Loss detected (fast retransmit): set ssthresh (and cwnd state). */
	void (*on_loss)(struct tlsoff_conn *c);
	/* Retransmission timeout: set ssthresh; the core sets cwnd to 1 MSS. */
	void (*on_rto)(struct tlsoff_conn *c);
};

/* Per-connection algorithm state; every algorithm has its member. */
struct tlsoff_cc_state {
	uint32_t bytes_acked;     /* appropriate byte counting (RFC 3465) */
	/* CUBIC (RFC 9438) */
	uint64_t epoch_start_us;  /* 0 = no epoch */
	double w_max;             /* bytes */
	double w_last_max;        /* bytes, for fast convergence */
	double k;                 /* seconds */
	double origin;            /* bytes */
	double w_est;             /* bytes, Reno-friendly estimate */
	double frac;              /* sub-byte growth carried between ACKs */
};

extern const struct tlsoff_cc_ops tlsoff_cc_newreno;
extern const struct tlsoff_cc_ops tlsoff_cc_cubic;

/* Slow start shared by both: RFC 5681 with RFC 3465 L = 2. */
void tlsoff_cc_slow_start(struct tlsoff_conn *c, uint32_t acked);

#endif /* TLSOFF_CC_H */
