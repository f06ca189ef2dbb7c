/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The end of connections: FIN in both directions, simultaneous close,
 * TIME_WAIT, half-close, FIN ordering and retransmission, RST handling
 * (RFC 5961), aborts, and what happens to data after a close.
 */

#include <errno.h>
#include <string.h>

#include "harness.h"

static uint32_t
last_end(struct th *t, uint8_t *flags_seen)
{
	struct th_seg seg;
	uint32_t hi = 0;
	bool any = false;

	*flags_seen = 0;
	while (th_pop_tcp(t, &seg)) {
		uint32_t e = seg.seq + seg.len + !!(seg.flags & TH_FIN);

		*flags_seen |= seg.flags;
		if (!any || seq_gt(e, hi))
			hi = e;
		any = true;
	}
	return hi;
}

/* Peer closes first: EOF, we may still send, then our FIN, LAST_ACK. */
static void
test_passive_close(struct th *t)
{
	struct th_seg seg;
	uint8_t buf[100];
	uint8_t fl;
	uint32_t end;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	th_send_data(t, "hello", 5);
	th_send(t, TH_FIN | TH_ACK, t->p_nxt, t->p_ack, NULL, 0, NULL);
	t->p_nxt++;
	TH_CHECK(t, th_pop_tcp(t, &seg), "FIN not ACKed at once");
	TH_EQ(t, seg.ack, t->p_nxt);
	TH_EQ(t, th_conn(t)->state, TCP_CLOSE_WAIT);
	TH_EQ(t, rte_tlsoff_recv(t->c, buf, sizeof(buf)), 5);
	TH_EQ(t, rte_tlsoff_recv(t->c, buf, sizeof(buf)), 0);
	/* Half-closed by the peer: sending is still allowed. */
	TH_EQ(t, th_app_send(t, 3000), 3000);
	rte_tlsoff_close(t->c);
	t->c = NULL;
	th_run(t);
	end = last_end(t, &fl);
	TH_CHECK(t, fl & TH_FIN, "no FIN after the data");
	TH_EQ(t, end, t->l_isn + 1 + 3000 + 1);
	TH_EQ(t, t->s->nb_conns, 1);
	th_ack(t, end);
	TH_EQ(t, t->s->nb_conns, 0);
	TH_EQ(t, th_stat(t, "tcp.conn_closed"), 1);
}

/* We close first: FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT for 2 MSL. */
static void
test_active_close(struct th *t)
{
	struct th_seg seg;

	t->conf.time_wait_ms = 5000;
	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	rte_tlsoff_close(t->c);
	t->c = NULL;
	th_run(t);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_EQ(t, seg.flags, TH_FIN | TH_ACK);
	TH_EQ(t, seg.seq, t->l_isn + 1);
	th_ack(t, t->l_isn + 2);
	TH_EQ(t, t->s->nb_conns, 1);
	th_send(t, TH_FIN | TH_ACK, t->p_nxt, t->p_ack, NULL, 0, NULL);
	t->p_nxt++;
	TH_CHECK(t, th_pop_tcp(t, &seg), "peer's FIN not ACKed");
	TH_EQ(t, seg.ack, t->p_nxt);
	/* A retransmitted FIN in TIME_WAIT is ACKed again. */
	th_send(t, TH_FIN | TH_ACK, t->p_nxt - 1, t->p_ack, NULL, 0, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg), "FIN in TIME_WAIT not ACKed");
	TH_EQ(t, seg.ack, t->p_nxt);
	th_advance(t, 4900000);
	TH_EQ(t, t->s->nb_conns, 1);
	th_advance(t, 200000);
	TH_EQ(t, t->s->nb_conns, 0);
	TH_EQ(t, th_stat(t, "tcp.conn_closed"), 1);
}

/* Both FINs cross: CLOSING, then TIME_WAIT when ours is ACKed. */
static void
test_simultaneous_close(struct th *t)
{
	struct th_seg seg;
	struct tlsoff_conn *c;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	c = th_conn(t);
	TH_EQ(t, rte_tlsoff_shutdown(t->c), 0);
	th_run(t);
	TH_CHECK(t, th_pop_tcp(t, &seg) && (seg.flags & TH_FIN));
	/* The peer's FIN does not acknowledge ours. */
	th_send(t, TH_FIN | TH_ACK, t->p_nxt, t->l_isn + 1, NULL, 0, NULL);
	t->p_nxt++;
	TH_EQ(t, c->state, TCP_CLOSING);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_EQ(t, seg.ack, t->p_nxt);
	th_ack(t, t->l_isn + 2);
	TH_EQ(t, c->state, TCP_TIME_WAIT);
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_READABLE);
}

/* The FIN goes with (or after) the last byte, never before. */
static void
test_fin_after_data(struct th *t)
{
	struct th_seg seg;
	uint32_t data_end;
	unsigned int rounds = 0;
	bool fin_seen = false;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	TH_EQ(t, th_app_send(t, 50000), 50000);
	data_end = t->l_isn + 1 + 50000;
	rte_tlsoff_close(t->c);
	t->c = NULL;
	while (rounds++ < 100 && !fin_seen) {
		uint32_t hi = t->p_ack;

		th_run(t);
		while (th_pop_tcp(t, &seg)) {
			if (seg.flags & TH_FIN) {
				TH_EQ(t, seg.seq + seg.len, data_end);
				fin_seen = true;
			}
			if (seq_gt(seg.seq + seg.len, hi))
				hi = seg.seq + seg.len;
		}
		th_ack(t, hi);
	}
	TH_CHECK(t, fin_seen);
	th_ack(t, data_end + 1);
	TH_EQ(t, t->s->nb_conns, 1);   /* FIN_WAIT_2 */
}

/* A lost FIN is retransmitted with the same sequence number. */
static void
test_fin_retransmit(struct th *t)
{
	struct th_seg seg;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	rte_tlsoff_close(t->c);
	t->c = NULL;
	th_run(t);
	TH_CHECK(t, th_pop_tcp(t, &seg) && (seg.flags & TH_FIN));
	TH_CHECK(t, th_lookup(t) != NULL);
	th_advance(t, th_lookup(t)->rto_us + 1000);
	TH_CHECK(t, th_pop_tcp(t, &seg), "FIN not retransmitted");
	TH_EQ(t, seg.flags, TH_FIN | TH_ACK);
	TH_EQ(t, seg.seq, t->l_isn + 1);
	TH_EQ(t, th_stat(t, "tcp.retransmits"), 1);
}

/* A FIN beyond a hole waits for the hole. */
static void
test_ooo_fin(struct th *t)
{
	uint8_t a[500], b[500], in[2000];
	uint32_t base;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	base = t->p_nxt;
	th_send(t, TH_ACK | TH_FIN, base + 500, t->p_ack, b, 500, NULL);
	TH_EQ(t, th_conn(t)->state, TCP_ESTABLISHED);
	TH_EQ(t, rte_tlsoff_recv(t->c, in, sizeof(in)), -EAGAIN);
	th_send(t, TH_ACK, base, t->p_ack, a, 500, NULL);
	TH_EQ(t, th_conn(t)->state, TCP_CLOSE_WAIT);
	TH_EQ(t, th_conn(t)->rcv_nxt, base + 1001);
	TH_EQ(t, rte_tlsoff_recv(t->c, in, sizeof(in)), 1000);
	TH_EQ(t, rte_tlsoff_recv(t->c, in, sizeof(in)), 0);
}

/* RFC 5961 3.2: only an exact RST resets. */
static void
test_rst_exact(struct th *t)
{
	uint8_t buf[10];

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	th_app_send(t, 20000);
	th_run(t);
	th_drain(t);
	th_send(t, TH_RST, t->p_nxt, 0, NULL, 0, NULL);
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_CLOSED);
	TH_EQ(t, rte_tlsoff_conn_error(t->c), ECONNRESET);
	TH_EQ(t, rte_tlsoff_recv(t->c, buf, sizeof(buf)), -ECONNRESET);
	TH_EQ(t, rte_tlsoff_send(t->c, "x", 1), -ECONNRESET);
	TH_EQ(t, th_stat(t, "tcp.conn_reset"), 1);
	TH_EQ(t, th_pending(t), 0);
	rte_tlsoff_close(t->c);
	t->c = NULL;
	TH_EQ(t, t->s->nb_conns, 0);
}

static void
test_rst_in_window(struct th *t)
{
	struct th_seg seg;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	th_send(t, TH_RST, t->p_nxt + 100, 0, NULL, 0, NULL);
	TH_CHECK(t, !(t->ev & RTE_TLSOFF_EV_CLOSED), "reset by an inexact RST");
	TH_CHECK(t, th_pop_tcp(t, &seg), "no challenge ACK");
	TH_EQ(t, seg.flags, TH_ACK);
	TH_EQ(t, seg.ack, t->p_nxt);
	TH_EQ(t, th_stat(t, "tcp.challenge_acks"), 1);
	/* Out of the window: silently dropped. */
	th_send(t, TH_RST, t->p_nxt + 10000000, 0, NULL, 0, NULL);
	TH_EQ(t, th_pending(t), 0);
	TH_CHECK(t, !(t->ev & RTE_TLSOFF_EV_CLOSED));
	/* SYN on an established connection: challenge ACK (RFC 5961 4). */
	th_send(t, TH_SYN, t->p_nxt + 5, 0, NULL, 0, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no challenge ACK for SYN");
	TH_EQ(t, seg.flags, TH_ACK);
	TH_EQ(t, th_conn(t)->state, TCP_ESTABLISHED);
}

/*
 * Challenge ACKs per second and instance: 1000 plus a random 0..500 drawn
 * anew each second, since a fixed budget shared by all connections is an
 * off-path side channel (CVE-2016-5696). The suppressed ones are counted.
 */
static void
test_challenge_ack_limit(struct th *t)
{
	unsigned int i, w, sent[3], total = 0;
	uint64_t limited = 0;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	for (w = 0; w < RTE_DIM(sent); w++) {
		for (i = 0; i < 1600; i++)
			th_send(t, TH_RST, t->p_nxt + 1 + i, 0, NULL, 0, NULL);
		sent[w] = th_drain_count(t);
		TH_CHECK(t, sent[w] >= 1000 && sent[w] <= 1500,
			"second %u: %u challenge ACKs", w, sent[w]);
		total += sent[w];
		limited += 1600 - sent[w];
		TH_EQ(t, th_stat(t, "tcp.challenge_ack_limited"), limited);
		th_advance(t, 1001000);
		th_drain(t);
	}
	TH_EQ(t, th_stat(t, "tcp.challenge_acks"), total);
	/* Three equal draws of 501 values: a one in 251001 chance. */
	TH_CHECK(t, sent[0] != sent[1] || sent[1] != sent[2],
		"the same budget every second: %u", sent[0]);
	TH_CHECK(t, !(t->ev & RTE_TLSOFF_EV_CLOSED));
}

/* Closing with unread data resets (RFC 2525 2.17). */
static void
test_close_unread(struct th *t)
{
	struct th_seg seg;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	th_send_data(t, "unread", 6);
	th_drain(t);
	rte_tlsoff_close(t->c);
	t->c = NULL;
	th_run(t);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_CHECK(t, seg.flags & TH_RST, "no RST");
	TH_EQ(t, seg.seq, t->l_isn + 1);
	TH_EQ(t, th_stat(t, "tcp.conn_aborted"), 1);
	TH_EQ(t, t->s->nb_conns, 0);
}

/* Data for a released connection: nobody will read it, so RST. */
static void
test_data_after_close(struct th *t)
{
	struct th_seg seg;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	rte_tlsoff_close(t->c);
	t->c = NULL;
	th_run(t);
	th_drain(t);
	th_ack(t, t->l_isn + 2);
	th_send_data(t, "late", 4);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_CHECK(t, seg.flags & TH_RST);
	TH_EQ(t, th_stat(t, "tcp.drop_after_close"), 1);
	TH_EQ(t, t->s->nb_conns, 0);
}

/* Abort: RST at SND.MAX, everything released at once. */
static void
test_abort(struct th *t)
{
	struct th_seg seg;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	th_app_send(t, 40000);
	th_run(t);
	th_drain(t);
	rte_tlsoff_abort(t->c);
	t->c = NULL;
	th_run(t);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_EQ(t, seg.flags, TH_RST | TH_ACK);
	TH_EQ(t, seg.seq, t->l_isn + 1 + 10 * (TH_PEER_MSS - 12));
	TH_EQ(t, t->s->nb_conns, 0);
}

/* Half-close: after shutdown we keep receiving until the peer's FIN. */
static void
test_half_close(struct th *t)
{
	uint8_t in[100];

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	TH_EQ(t, rte_tlsoff_shutdown(t->c), 0);
	th_run(t);
	th_drain(t);
	th_ack(t, t->l_isn + 2);
	TH_EQ(t, th_conn(t)->state, TCP_FIN_WAIT_2);
	th_send_data(t, "more", 4);
	TH_EQ(t, rte_tlsoff_recv(t->c, in, sizeof(in)), 4);
	th_send(t, TH_FIN | TH_ACK, t->p_nxt, t->p_ack, NULL, 0, NULL);
	TH_EQ(t, th_conn(t)->state, TCP_TIME_WAIT);
	TH_EQ(t, rte_tlsoff_recv(t->c, in, sizeof(in)), 0);
	rte_tlsoff_close(t->c);
	t->c = NULL;
	TH_EQ(t, t->s->nb_conns, 1);
}

/* A released connection in FIN_WAIT_2 does not wait forever. */
static void
test_fin_wait2_timeout(struct th *t)
{
	t->conf.fin_wait2_ms = 3000;
	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	rte_tlsoff_close(t->c);
	t->c = NULL;
	th_run(t);
	th_drain(t);
	th_ack(t, t->l_isn + 2);
	TH_EQ(t, t->s->nb_conns, 1);
	th_advance(t, 3100000);
	TH_EQ(t, t->s->nb_conns, 0);
	TH_EQ(t, th_stat(t, "tcp.conn_timeout"), 1);
}

/* Released with data behind a zero window and a silent peer: not forever. */
static void
test_close_zero_window_silent(struct th *t)
{
	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	th_app_send(t, 100000);
	th_run(t);
	th_drain(t);
	t->p_wnd = 0;
	th_ack(t, t->l_isn + 1 + 10 * th_conn(t)->mss);
	rte_tlsoff_close(t->c);
	t->c = NULL;
	th_advance(t, 700ull * 1000000);
	th_drain(t);
	TH_EQ(t, t->s->nb_conns, 0);
	TH_EQ(t, th_stat(t, "tcp.conn_timeout"), 1);
}

/* A new SYN with a higher sequence takes over a TIME_WAIT connection. */
static void
test_time_wait_reuse(struct th *t)
{
	struct th_seg seg;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	rte_tlsoff_close(t->c);
	t->c = NULL;
	th_run(t);
	th_drain(t);
	th_ack(t, t->l_isn + 2);
	th_send(t, TH_FIN | TH_ACK, t->p_nxt, t->p_ack, NULL, 0, NULL);
	t->p_nxt++;
	th_drain(t);
	TH_CHECK(t, th_lookup(t) != NULL &&
		th_lookup(t)->state == TCP_TIME_WAIT);
	t->p_isn = t->p_nxt + 100000;
	t->p_tsval += 1000;
	TH_CHECK(t, th_accept(t, true, true, true), "no new connection");
	TH_EQ(t, th_stat(t, "tcp.time_wait_recycled"), 1);
	(void)seg;
}

/* Closing a listener resets connections the app never accepted. */
static void
test_listener_close(struct th *t)
{
	struct rte_tlsoff_listener *l;
	struct th_seg seg;

	th_start(t);
	l = rte_tlsoff_listen(t->st, TH_LPORT, 4, NULL, NULL);
	TH_CHECK(t, l != NULL);
	tlsoff_stack_set_isn(t->s, t->l_isn);
	th_send(t, TH_SYN, t->p_isn, 0, NULL, 0, NULL);
	th_drain(t);
	th_send(t, TH_ACK, t->p_isn + 1, t->l_isn + 1, NULL, 0, NULL);
	TH_EQ(t, t->s->nb_conns, 1);
	rte_tlsoff_listener_close(l);
	th_run(t);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_CHECK(t, seg.flags & TH_RST);
	TH_EQ(t, t->s->nb_conns, 0);
}

static const struct th_case cases[] = {
	{ "passive close: EOF, send, FIN, LAST_ACK", test_passive_close, true },
	{ "active close through TIME_WAIT", test_active_close, true },
	{ "simultaneous close", test_simultaneous_close, true },
	{ "FIN follows the last data byte", test_fin_after_data, true },
	{ "FIN retransmitted", test_fin_retransmit, true },
	{ "out-of-order FIN waits for the hole", test_ooo_fin, true },
	{ "exact RST resets", test_rst_exact, true },
	{ "inexact RST and SYN get challenge ACKs", test_rst_in_window, true },
	{ "challenge ACK rate limit", test_challenge_ack_limit, false },
	{ "close with unread data resets", test_close_unread, true },
	{ "data after close resets", test_data_after_close, true },
	{ "abort sends RST", test_abort, true },
	{ "half-close keeps receiving", test_half_close, true },
	{ "FIN_WAIT_2 timeout of released connections", test_fin_wait2_timeout, false },
	{ "TIME_WAIT taken over by a newer SYN", test_time_wait_reuse, true },
	{ "released behind a zero window, silent peer: freed", test_close_zero_window_silent, true },
	{ "listener close resets unaccepted connections", test_listener_close, true },
};

int
main(int argc, char **argv)
{
	return th_main(argc, argv, cases, RTE_DIM(cases));
}
