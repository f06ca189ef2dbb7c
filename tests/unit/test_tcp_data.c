/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Data transfer: windows, slow start, delayed ACK, out-of-order receive,
 * zero windows and persist probes, device back-pressure, memory exhaustion,
 * and the send API's contract.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_mbuf.h>

#include "harness.h"

/* First flight is IW10; ACKs open the window; every byte arrives once. */
static void
test_slow_start(struct th *t)
{
	struct rte_tlsoff_conn_info info;
	struct th_seg seg;
	unsigned int n = 0, rounds = 0;
	uint32_t mss;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	mss = th_conn(t)->mss;
	TH_EQ(t, th_app_send(t, 200000), 200000);
	th_run(t);
	while (th_pop_tcp(t, &seg)) {
		TH_EQ(t, seg.seq, t->l_isn + 1 + n * mss);
		TH_EQ(t, seg.len, mss);
		n++;
	}
	TH_EQ(t, n, 10);
	th_ack(t, t->l_isn + 1 + 10 * mss);
	rte_tlsoff_conn_get_info(t->c, &info);
	TH_EQ(t, info.cwnd, 12 * mss);   /* RFC 3465: at most 2 MSS per ACK */
	n = 0;
	while (th_pop_tcp(t, &seg))
		n++;
	TH_EQ(t, n, 12);
	th_ack(t, t->l_isn + 1 + 22 * mss);
	while (tlsoff_sndq_bytes(&th_conn(t)->sq) > 0 && rounds++ < 200) {
		th_run(t);
		th_ack_all(t);
	}
	TH_EQ(t, tlsoff_sndq_bytes(&th_conn(t)->sq), 0);
	TH_EQ(t, th_stat(t, "tcp.bytes_out"), 200000);
	TH_EQ(t, th_stat(t, "tcp.retransmits"), 0);
	rte_tlsoff_conn_get_info(t->c, &info);
	TH_EQ(t, info.bytes_acked, 200000);
	TH_EQ(t, info.bytes_sent, 200000);
}

/* One segment waits for the delayed-ACK timer; two are ACKed at once. */
static void
test_delayed_ack(struct th *t)
{
	struct th_seg seg;
	uint8_t buf[3000], in[3000];
	ssize_t r;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	memset(buf, 'a', sizeof(buf));
	th_send_data(t, buf, 100);
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_READABLE);
	TH_EQ(t, th_pending(t), 0);
	th_advance(t, 39000);
	TH_EQ(t, th_pending(t), 0);
	th_advance(t, 2000);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no delayed ACK");
	TH_EQ(t, seg.ack, t->p_isn + 101);
	TH_EQ(t, th_stat(t, "tcp.delayed_acks"), 1);
	th_send_data(t, buf, 1000);
	TH_EQ(t, th_pending(t), 0);
	th_send_data(t, buf, 1000);
	TH_CHECK(t, th_pop_tcp(t, &seg), "second segment not ACKed at once");
	TH_EQ(t, seg.ack, t->p_isn + 2101);
	r = rte_tlsoff_recv(t->c, in, sizeof(in));
	TH_EQ(t, r, 2100);
	TH_CHECK(t, memcmp(in, buf, 100) == 0);
	TH_EQ(t, rte_tlsoff_recv(t->c, in, sizeof(in)), -EAGAIN);
}

/* Out-of-order data: immediate ACK with a SACK block; filled hole: all. */
static void
test_ooo_receive(struct th *t)
{
	struct th_seg seg;
	uint8_t a[1000], b[1000], c[500], in[4000];
	uint32_t base;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	memset(a, 1, sizeof(a));
	memset(b, 2, sizeof(b));
	memset(c, 3, sizeof(c));
	base = t->p_nxt;
	th_send(t, TH_ACK, base + 1000, t->p_ack, b, sizeof(b), NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no immediate dupACK");
	TH_EQ(t, seg.ack, base);
	TH_EQ(t, seg.opts.nsack, 1);
	TH_EQ(t, seg.opts.sack[0].start, base + 1000);
	TH_EQ(t, seg.opts.sack[0].end, base + 2000);
	/* A second island: two blocks, the newest first (RFC 2018 4). */
	th_send(t, TH_ACK, base + 2500, t->p_ack, c, sizeof(c), NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_EQ(t, seg.opts.nsack, 2);
	TH_EQ(t, seg.opts.sack[0].start, base + 2500);
	TH_EQ(t, seg.opts.sack[1].start, base + 1000);
	TH_EQ(t, rte_tlsoff_recv(t->c, in, sizeof(in)), -EAGAIN);
	th_send(t, TH_ACK, base, t->p_ack, a, sizeof(a), NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg), "hole filled: no immediate ACK");
	TH_EQ(t, seg.ack, base + 2000);
	TH_EQ(t, seg.opts.nsack, 1);
	TH_EQ(t, rte_tlsoff_recv(t->c, in, sizeof(in)), 2000);
	TH_CHECK(t, in[0] == 1 && in[999] == 1 && in[1000] == 2 && in[1999] == 2);
	TH_EQ(t, th_stat(t, "tcp.ooo_segments"), 2);
}

/* A full receive buffer advertises zero; reading sends a window update. */
static void
test_receive_window(struct th *t)
{
	struct th_seg seg;
	uint8_t buf[1000], in[8192];
	unsigned int i;

	t->conf.rcvbuf = 4096;
	th_start(t);
	if (!th_accept(t, false, true, true))
		return;
	memset(buf, 9, sizeof(buf));
	for (i = 0; i < 4; i++)
		th_send_data(t, buf, 1000);
	th_send_data(t, buf, 96);
	th_advance(t, 50000);
	seg.wnd = 1;
	while (th_pop_tcp(t, &seg))
		;
	TH_EQ(t, seg.ack, t->p_nxt);
	TH_EQ(t, seg.wnd, 0);
	/* Beyond the window: dropped, answered with an ACK. */
	th_send_data(t, buf, 100);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_EQ(t, seg.ack, t->p_nxt - 100);
	t->p_nxt -= 100;
	TH_EQ(t, th_stat(t, "tcp.drop_out_of_window"), 1);
	TH_EQ(t, rte_tlsoff_recv(t->c, in, sizeof(in)), 4096);
	th_run(t);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no window update");
	TH_EQ(t, seg.wnd, 4096);
	TH_EQ(t, th_stat(t, "tcp.window_updates"), 1);
}

/* Zero window: probes with backoff go on as long as the peer answers. */
static void
test_zero_window_persist(struct th *t)
{
	struct th_seg seg;
	unsigned int probes = 0;
	uint64_t waited = 0;
	uint32_t una;

	/*
	 * Backed-off probes capped at 10 s: twenty fit in the peer's ARP
	 * entry lifetime (300 s), and the scripted peer does not answer ARP.
	 */
	t->conf.rto_max_ms = 10000;
	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	th_app_send(t, 100000);
	th_run(t);
	th_drain(t);
	una = t->l_isn + 1 + 10 * th_conn(t)->mss;
	t->p_wnd = 0;
	th_ack(t, una);
	TH_EQ(t, th_pending(t), 0);
	/* 20 probes, each answered with a zero window: no abort. */
	while (probes < 20 && waited < 3600ull * 1000000) {
		th_advance(t, 100000);
		waited += 100000;
		while (th_pop_tcp(t, &seg)) {
			TH_EQ(t, seg.len, 0);
			TH_EQ(t, seg.seq, una - 1);
			probes++;
			th_ack(t, una);
		}
	}
	TH_EQ(t, probes, 20);
	TH_CHECK(t, !(t->ev & RTE_TLSOFF_EV_CLOSED), "aborted while answered");
	TH_EQ(t, th_stat(t, "tcp.persist_probes"), 20);
	/* Window opens: data flows again from SND.UNA. */
	t->p_wnd = 1u << 20;
	th_ack(t, una);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no data after the window opened");
	TH_EQ(t, seg.seq, una);
	TH_CHECK(t, seg.len > 0);
}

/*
 * RFC 9293 3.8.6.1: the persist interval doubles even while every probe is
 * answered with a zero window (a live peer is probed less and less often,
 * as in Linux), and is capped by the RTO's upper bound. Answered probes keep
 * the connection past max_retries. When the window opens, sending resumes
 * and the retransmission timer starts again from the plain RTO: the first
 * loss after that is retransmitted, not taken for the max_retries-th.
 */
static void
test_zero_window_backoff(struct th *t)
{
	uint64_t at[14], start, waited = 0, rto;
	struct th_seg seg;
	unsigned int n = 0, i;
	uint32_t una;

	t->conf.max_retries = 4;
	t->conf.rto_max_ms = 10000;
	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	th_app_send(t, 100000);
	th_run(t);
	th_drain(t);
	una = t->l_isn + 1 + 10 * th_conn(t)->mss;
	t->p_wnd = 0;
	th_ack(t, una);
	TH_EQ(t, th_pending(t), 0);
	rto = th_conn(t)->rto_us;
	TH_EQ(t, rto, 200000);
	start = t->now_us;
	/* 1 ms steps: each probe's time to the wheel tick. */
	while (n < RTE_DIM(at) && waited < 200ull * 1000000) {
		th_advance(t, 1000);
		waited += 1000;
		while (th_pop_tcp(t, &seg)) {
			TH_EQ(t, seg.len, 0);
			TH_EQ(t, seg.seq, una - 1);
			if (n < RTE_DIM(at))
				at[n++] = t->now_us;
			th_ack(t, una);   /* alive, window still shut */
		}
	}
	TH_EQ(t, n, RTE_DIM(at));
	if (n != RTE_DIM(at))
		return;
	TH_CHECK(t, at[0] - start >= rto && at[0] - start <= rto + 1000,
		"first probe after %" PRIu64 " us", at[0] - start);
	for (i = 1; i < n; i++) {
		uint64_t want = RTE_MIN(rto << i, 10000000ull);
		uint64_t got = at[i] - at[i - 1];

		TH_CHECK(t, got >= want && got <= want + 1000,
			"probe %u came %" PRIu64 " us after the previous, "
			"want %" PRIu64, i, got, want);
	}
	TH_CHECK(t, !(t->ev & RTE_TLSOFF_EV_CLOSED), "aborted while answered");
	TH_EQ(t, th_conn(t)->state, TCP_ESTABLISHED);
	TH_EQ(t, th_stat(t, "tcp.conn_timeout"), 0);
	/* The window opens: data flows again from SND.UNA. */
	t->p_wnd = 1u << 20;
	th_ack(t, una);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no data after the window opened");
	TH_EQ(t, seg.seq, una);
	TH_CHECK(t, seg.len > 0);
	th_drain(t);
	/* Nothing is ACKed: one RTO later the first segment goes again. */
	th_advance(t, rto + 1000);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no retransmission after one RTO");
	TH_EQ(t, seg.flags & TH_RST, 0);
	TH_EQ(t, seg.seq, una);
	TH_CHECK(t, !(t->ev & RTE_TLSOFF_EV_CLOSED), "first RTO after the "
		"window opened aborted the connection");
	TH_EQ(t, th_stat(t, "tcp.rto_fires"), 1);
}

/* Zero window and a silent peer: the connection times out. */
static void
test_zero_window_timeout(struct th *t)
{
	t->conf.max_retries = 4;
	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	th_app_send(t, 50000);
	th_run(t);
	th_drain(t);
	t->p_wnd = 0;
	th_ack(t, t->l_isn + 1 + 10 * th_conn(t)->mss);
	th_advance(t, 600ull * 1000000);
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_CLOSED);
	TH_EQ(t, rte_tlsoff_conn_error(t->c), ETIMEDOUT);
	TH_EQ(t, th_stat(t, "tcp.persist_probes"), 4);
	TH_EQ(t, th_stat(t, "tcp.conn_timeout"), 1);
	rte_tlsoff_close(t->c);
	t->c = NULL;
}

/* A one-byte window (no scaling): the override timer sends one byte. */
static void
test_tiny_window(struct th *t)
{
	struct th_seg seg;
	uint32_t una;
	unsigned int i;

	th_start(t);
	if (!th_accept(t, false, true, true))
		return;
	th_app_send(t, 20000);
	th_run(t);
	th_drain(t);
	una = t->l_isn + 1 + 10 * th_conn(t)->mss;
	t->p_wnd = 1;
	th_ack(t, una);
	/* Sender SWS avoidance: nothing goes for a 1-byte window at once. */
	TH_EQ(t, th_pending(t), 0);
	for (i = 0; i < 3; i++) {
		th_advance(t, 2000000);
		TH_CHECK(t, th_pop_tcp(t, &seg), "no 1-byte segment");
		TH_EQ(t, seg.seq, una);
		TH_EQ(t, seg.len, 1);
		una++;
		th_ack(t, una);
		th_drain(t);
	}
}

/* A device that refuses frames delays them, in order, and loses none. */
static void
test_tx_backpressure(struct th *t)
{
	struct th_seg seg;
	uint32_t expect;
	unsigned int n = 0;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	t->tx_refuse = 1;
	th_app_send(t, 100000);
	th_run(t);
	TH_EQ(t, th_pending(t), 0);
	TH_CHECK(t, th_stat(t, "eth.tx_ring_full") > 0);
	t->tx_refuse = 0;
	th_run(t);
	expect = t->l_isn + 1;
	while (th_pop_tcp(t, &seg)) {
		TH_EQ(t, seg.seq, expect);
		expect += seg.len;
		n++;
	}
	TH_EQ(t, n, 10);
}

/* Out of header mbufs: nothing half-sent; it goes out once they return. */
static void
test_mbuf_exhaustion(struct th *t)
{
	struct rte_mbuf *held[8192];
	struct th_seg seg;
	unsigned int nh = 0, i, n = 0;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	while (nh < RTE_DIM(held) &&
	       (held[nh] = rte_pktmbuf_alloc(t->s->hdr_pool)) != NULL)
		nh++;
	th_app_send(t, 30000);
	th_run(t);
	TH_EQ(t, th_pending(t), 0);
	TH_EQ(t, th_conn(t)->snd_nxt, t->l_isn + 1);
	TH_CHECK(t, th_stat(t, "tcp.drop_no_mbuf") > 0);
	for (i = 0; i < nh; i++)
		rte_pktmbuf_free(held[i]);
	th_run(t);
	while (th_pop_tcp(t, &seg))
		n++;
	TH_EQ(t, n, 10);
}

static void
ext_free(void *addr, void *opaque)
{
	(void)addr;
	(*(int *)opaque)++;
}

/* send_mbuf: zero copy, ownership, limits; send after shutdown. */
static void
test_send_api(struct th *t)
{
	static uint8_t area[4096];
	struct rte_mbuf_ext_shared_info shinfo;
	struct rte_mbuf *m;
	struct th_seg seg;
	int freed = 0;
	unsigned int i;

	t->conf.sndbuf = 8192;
	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	for (i = 0; i < sizeof(area); i++)
		area[i] = th_pattern(i);
	memset(&shinfo, 0, sizeof(shinfo));
	shinfo.free_cb = ext_free;
	shinfo.fcb_opaque = &freed;
	rte_mbuf_ext_refcnt_set(&shinfo, 1);
	m = rte_pktmbuf_alloc(t->pool);
	rte_pktmbuf_attach_extbuf(m, area, rte_mem_virt2iova(area),
		sizeof(area), &shinfo);
	m->data_len = sizeof(area);
	m->pkt_len = sizeof(area);
	TH_EQ(t, rte_tlsoff_send_mbuf(t->c, m), 0);
	t->app_sent = sizeof(area);
	th_run(t);
	while (th_pop_tcp(t, &seg))
		;
	TH_EQ(t, freed, 0);
	th_ack(t, t->l_isn + 1 + sizeof(area));
	TH_EQ(t, freed, 1);
	/* Larger than the whole send buffer: never fits. */
	m = rte_pktmbuf_alloc(t->pool);
	TH_CHECK(t, rte_pktmbuf_append(m, 4000) != NULL);
	{
		struct rte_mbuf *m2 = rte_pktmbuf_alloc(t->pool);
		struct rte_mbuf *m3 = rte_pktmbuf_alloc(t->pool);

		rte_pktmbuf_append(m2, 4000);
		rte_pktmbuf_append(m3, 4000);
		rte_pktmbuf_chain(m, m2);
		rte_pktmbuf_chain(m, m3);
	}
	TH_EQ(t, rte_tlsoff_send_mbuf(t->c, m), -EMSGSIZE);
	rte_pktmbuf_free(m);
	/* Fill the buffer: the next send is refused with EAGAIN ... */
	TH_EQ(t, th_app_send(t, 20000), 8192);
	TH_EQ(t, rte_tlsoff_send(t->c, "x", 1), -EAGAIN);
	t->ev = 0;
	th_run(t);
	th_ack_all(t);
	/* ... and WRITABLE follows once ACKs free space. */
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_WRITABLE, "no WRITABLE");
	TH_EQ(t, rte_tlsoff_shutdown(t->c), 0);
	TH_EQ(t, rte_tlsoff_send(t->c, "x", 1), -EPIPE);
	TH_EQ(t, rte_tlsoff_send_space(t->c), 0);
}

/*
 * Zero-copy pieces of odd sizes: segments span several of them and their
 * checksums (verified on capture) must still be right.
 */
static void
test_odd_pieces(struct th *t)
{
	struct rte_mbuf *head = NULL;
	uint32_t k, total = 0;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	for (k = 1; k <= 41; k += 2) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(t->pool);
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(k * 37));
		uint32_t i;

		for (i = 0; i < k * 37; i++)
			p[i] = th_pattern(total + i);
		total += k * 37;
		if (head == NULL)
			head = m;
		else
			rte_pktmbuf_chain(head, m);
	}
	TH_EQ(t, rte_tlsoff_send_mbuf(t->c, head), 0);
	t->app_sent = total;
	th_pump(t, 100);
	TH_EQ(t, th_stat(t, "tcp.bytes_out"), total);
}

/* The shared copy buffers run out: WRITABLE once memory comes back. */
static void
test_sndbuf_pool_exhaustion(struct th *t)
{
	uint64_t first;

	t->conf.sndbuf_pool_bytes = 4 * 16448;   /* four record-size buffers */
	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	first = th_app_send(t, 200000);
	TH_EQ(t, first, 4 * 16448);
	TH_EQ(t, rte_tlsoff_send(t->c, "x", 1), -EAGAIN);
	t->ev = 0;
	/* ACKs that free no whole buffer do not wake the writer. */
	th_run(t);
	th_ack_all(t);
	TH_CHECK(t, !(t->ev & RTE_TLSOFF_EV_WRITABLE), "WRITABLE without memory");
	th_pump(t, 100);
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_WRITABLE, "no WRITABLE after memory "
		"returned");
	TH_CHECK(t, th_app_send(t, 16384) > 0);
}

static const struct th_case cases[] = {
	{ "slow start from IW10, every byte once", test_slow_start, true },
	{ "delayed ACK: timer for one, at once for two", test_delayed_ack, true },
	{ "out-of-order receive with SACK blocks", test_ooo_receive, true },
	{ "zero receive window and window update", test_receive_window, true },
	{ "zero window: persist probes while answered", test_zero_window_persist, true },
	{ "zero window: probe interval backs off while answered", test_zero_window_backoff, true },
	{ "zero window: silent peer times out", test_zero_window_timeout, false },
	{ "one-byte window: override timer", test_tiny_window, true },
	{ "device back-pressure keeps order", test_tx_backpressure, true },
	{ "mbuf exhaustion commits nothing", test_mbuf_exhaustion, true },
	{ "send API: zero copy, limits, shutdown", test_send_api, true },
	{ "send buffer memory exhaustion", test_sndbuf_pool_exhaustion, false },
	{ "odd-sized zero-copy pieces", test_odd_pieces, true },
};

int
main(int argc, char **argv)
{
	return th_main(argc, argv, cases, RTE_DIM(cases));
}
