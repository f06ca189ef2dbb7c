/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Loss and its recovery: fast retransmit with SACK (RFC 6675) and NewReno
 * (RFC 6582), limited transmit, RTO with backoff and Karn, timeout,
 * lost retransmissions, whole-window loss, and the ACKs that must not count
 * (stale, window updates, data, ACKs of unsent data). The harness checks that
 * every retransmitted byte equals the first transmission.
 */

#include <errno.h>
#include <string.h>

#include "harness.h"

struct sg {
	uint32_t seq, len;
	uint8_t flags;
};

/* Pop every captured TCP segment into @v; returns how many. */
static unsigned int
collect(struct th *t, struct sg *v, unsigned int max)
{
	struct th_seg seg;
	unsigned int n = 0;

	while (th_pop_tcp(t, &seg)) {
		if (n < max) {
			v[n].seq = seg.seq;
			v[n].len = seg.len;
			v[n].flags = seg.flags;
		}
		n++;
	}
	return n;
}

static bool
has_seq(const struct sg *v, unsigned int n, uint32_t seq, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (v[i].seq == seq && v[i].len == len)
			return true;
	return false;
}

static uint32_t
end_of(const struct sg *v, unsigned int n)
{
	uint32_t hi = v[0].seq + v[0].len;
	unsigned int i;

	for (i = 1; i < n; i++)
		if (seq_gt(v[i].seq + v[i].len, hi))
			hi = v[i].seq + v[i].len;
	return hi;
}

/* Send @bytes and capture the first flight (IW10) into @f. */
static unsigned int
first_flight(struct th *t, uint64_t bytes, struct sg *f)
{
	unsigned int n;

	th_app_send(t, bytes);
	th_run(t);
	n = collect(t, f, 64);
	TH_EQ(t, n, 10);
	return n;
}

/* One segment lost: three SACK dupACKs retransmit exactly it. */
static void
test_sack_fast_retransmit(struct th *t)
{
	struct sg f[64], o[64];
	uint32_t blk[1][2];
	unsigned int n, i;
	struct rte_tlsoff_conn_info info;
	uint32_t cwnd_before;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	first_flight(t, 100000, f);
	th_ack(t, f[1].seq);               /* S0 arrived, S1 lost */
	n = collect(t, o, 64);
	TH_EQ(t, n, 2);                    /* slow start: two more */
	rte_tlsoff_conn_get_info(t->c, &info);
	cwnd_before = info.cwnd;
	for (i = 2; i <= 4; i++) {
		blk[0][0] = f[2].seq;
		blk[0][1] = f[i].seq + f[i].len;
		th_ack_sack(t, f[1].seq, 1, blk);
		n = collect(t, o, 64);
		if (i < 4) {
			TH_CHECK(t, !has_seq(o, n, f[1].seq, f[1].len),
				"retransmitted after %u dupACKs", i - 1);
			TH_EQ(t, th_stat(t, "tcp.fast_retransmits"), 0);
		}
	}
	TH_CHECK(t, has_seq(o, n, f[1].seq, f[1].len), "S1 not retransmitted");
	TH_EQ(t, th_stat(t, "tcp.fast_retransmits"), 1);
	TH_EQ(t, th_stat(t, "tcp.sack_recoveries"), 1);
	TH_EQ(t, th_stat(t, "tcp.retransmits"), 1);
	TH_EQ(t, th_stat(t, "tcp.dup_acks"), 3);
	rte_tlsoff_conn_get_info(t->c, &info);
	TH_EQ(t, info.ssthresh, (uint32_t)(cwnd_before * 0.7));
	/* Everything arrives: recovery ends, no more retransmissions. */
	th_ack(t, seq_max(end_of(o, n), f[9].seq + f[9].len) +
		th_conn(t)->mss * 4);
	TH_CHECK(t, !(th_conn(t)->flags & TF_IN_RECOVERY) ||
		seq_lt(th_conn(t)->snd_una, th_conn(t)->recover));
	th_pump(t, 200);
	TH_EQ(t, th_stat(t, "tcp.retransmits"), 1);
	TH_EQ(t, tlsoff_sndq_bytes(&th_conn(t)->sq), 0);
}

/* Two losses without SACK: the partial ACK retransmits the second at once. */
static void
test_newreno_partial_ack(struct th *t)
{
	struct sg f[64], o[64];
	unsigned int n, i;
	uint32_t hi;

	th_start(t);
	if (!th_accept(t, true, false, true))
		return;
	first_flight(t, 100000, f);
	th_ack(t, f[1].seq);               /* S1 and S4 lost */
	n = collect(t, o, 64);
	hi = end_of(o, n);
	for (i = 0; i < 3; i++)
		th_ack(t, f[1].seq);
	n = collect(t, o, 64);
	TH_CHECK(t, has_seq(o, n, f[1].seq, f[1].len), "S1 not retransmitted");
	TH_EQ(t, th_stat(t, "tcp.newreno_recoveries"), 1);
	/* More dupACKs inflate the window: new data may go, no retransmits. */
	for (i = 0; i < 5; i++)
		th_ack(t, f[1].seq);
	n = collect(t, o, 64);
	TH_EQ(t, th_stat(t, "tcp.retransmits"), 1);
	if (n > 0)
		hi = seq_max(hi, end_of(o, n));
	/* S1 filled, S2 and S3 held, S4 missing: partial ACK. */
	th_ack(t, f[4].seq);
	n = collect(t, o, 64);
	TH_CHECK(t, n >= 1 && o[0].seq == f[4].seq && o[0].len == f[4].len,
		"partial ACK did not retransmit S4");
	TH_EQ(t, th_stat(t, "tcp.retransmits"), 2);
	TH_CHECK(t, th_conn(t)->flags & TF_IN_RECOVERY);
	if (n > 0)
		hi = seq_max(hi, end_of(o, n));
	th_ack(t, hi);
	TH_CHECK(t, !(th_conn(t)->flags & TF_IN_RECOVERY), "still in recovery");
	th_pump(t, 300);
	TH_EQ(t, tlsoff_sndq_bytes(&th_conn(t)->sq), 0);
	TH_EQ(t, th_stat(t, "tcp.retransmits"), 2);
}

/* RFC 3042: the first two dupACKs each release one new segment. */
static void
test_limited_transmit(struct th *t)
{
	struct sg f[64], o[64];
	unsigned int n;

	th_start(t);
	if (!th_accept(t, true, false, true))
		return;
	first_flight(t, 100000, f);
	th_ack(t, f[0].seq);
	n = collect(t, o, 64);
	TH_EQ(t, n, 1);
	TH_EQ(t, o[0].seq, f[9].seq + f[9].len);
	th_ack(t, f[0].seq);
	n = collect(t, o, 64);
	TH_EQ(t, n, 1);
	TH_EQ(t, th_stat(t, "tcp.fast_retransmits"), 0);
	th_ack(t, f[0].seq);
	n = collect(t, o, 64);
	TH_CHECK(t, has_seq(o, n, f[0].seq, f[0].len), "no fast retransmit");
}

/* RTO: first segment again after one RTO, then two; Karn: no RTT sample. */
static void
test_rto_backoff_karn(struct th *t)
{
	struct sg f[64], o[64];
	struct rte_tlsoff_conn_info info;
	uint32_t rto0, srtt0;
	unsigned int n;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	/* The handshake gave an RTT sample: RTO is at its 200 ms floor. */
	rte_tlsoff_conn_get_info(t->c, &info);
	rto0 = info.rto_us;
	srtt0 = info.srtt_us;
	TH_EQ(t, rto0, 200000);
	first_flight(t, 30000, f);
	th_advance(t, rto0 - 2000);
	TH_EQ(t, th_pending(t), 0);
	th_advance(t, 3000);
	n = collect(t, o, 64);
	TH_EQ(t, n, 1);
	TH_EQ(t, o[0].seq, f[0].seq);
	TH_EQ(t, o[0].len, f[0].len);
	TH_EQ(t, th_stat(t, "tcp.rto_fires"), 1);
	th_advance(t, 2 * rto0 - 3000);
	TH_EQ(t, th_pending(t), 0);
	th_advance(t, 3000);
	n = collect(t, o, 64);
	TH_EQ(t, n, 1);
	TH_EQ(t, o[0].seq, f[0].seq);
	TH_EQ(t, th_stat(t, "tcp.rto_fires"), 2);
	th_ack(t, f[1].seq);
	rte_tlsoff_conn_get_info(t->c, &info);
	TH_EQ(t, info.srtt_us, srtt0);     /* Karn: ambiguous, no sample */
	TH_EQ(t, info.rto_us, 4 * rto0);   /* backed-off RTO is kept */
	/* Slow start from one segment: go-back-N resends S1, S2. */
	n = collect(t, o, 64);
	TH_EQ(t, n, 2);
	TH_EQ(t, o[0].seq, f[1].seq);
	TH_EQ(t, o[1].seq, f[2].seq);
	th_ack(t, o[1].seq + o[1].len);
	th_pump(t, 300);
	TH_EQ(t, tlsoff_sndq_bytes(&th_conn(t)->sq), 0);
	TH_EQ(t, th_stat(t, "tcp.rto_fires"), 2);
}

/* A peer that never answers: RST and ETIMEDOUT after max_retries. */
static void
test_rto_gives_up(struct th *t)
{
	struct th_seg seg;
	struct sg f[64];
	bool rst = false;

	t->conf.max_retries = 3;
	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	first_flight(t, 30000, f);
	th_advance(t, 120ull * 1000000);
	while (th_pop_tcp(t, &seg))
		if (seg.flags & TH_RST)
			rst = true;
	TH_CHECK(t, rst, "no RST on timeout");
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_CLOSED);
	TH_EQ(t, rte_tlsoff_conn_error(t->c), ETIMEDOUT);
	TH_EQ(t, th_stat(t, "tcp.rto_fires"), 3);
	TH_EQ(t, th_stat(t, "tcp.conn_timeout"), 1);
	TH_EQ(t, rte_tlsoff_send(t->c, "x", 1), -ETIMEDOUT);
	rte_tlsoff_close(t->c);
	t->c = NULL;
}

/* The fast retransmission is lost too: found from later SACKs, no RTO. */
static void
test_lost_retransmission(struct th *t)
{
	struct sg f[64], o[64], later[64];
	uint32_t blk[1][2];
	unsigned int n, nl = 0, i;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	first_flight(t, 400000, f);
	for (i = 1; i <= 3; i++) {
		blk[0][0] = f[1].seq;
		blk[0][1] = f[i].seq + f[i].len;
		th_ack_sack(t, f[0].seq, 1, blk);
	}
	n = collect(t, o, 64);
	TH_CHECK(t, has_seq(o, n, f[0].seq, f[0].len), "no fast retransmit");
	/* The retransmission is lost; keep the new data the stack sends. */
	for (i = 0; i < n; i++)
		if (seq_gt(o[i].seq, f[9].seq))
			later[nl++] = o[i];
	/* SACK everything else, including data sent after the retransmit. */
	for (i = 4; i <= 9; i++) {
		blk[0][0] = f[1].seq;
		blk[0][1] = f[i].seq + f[i].len;
		th_ack_sack(t, f[0].seq, 1, blk);
		n = collect(t, o, 64);
		TH_CHECK(t, !has_seq(o, n, f[0].seq, f[0].len),
			"resent before evidence");
		if (n > 0 && nl + n < 64) {
			memcpy(&later[nl], o, n * sizeof(o[0]));
			nl += n;
		}
	}
	TH_CHECK(t, nl > 0, "no new data sent in recovery");
	blk[0][0] = f[1].seq;
	blk[0][1] = end_of(later, nl);
	th_ack_sack(t, f[0].seq, 1, blk);
	n = collect(t, o, 64);
	TH_CHECK(t, has_seq(o, n, f[0].seq, f[0].len),
		"lost retransmission not resent");
	TH_EQ(t, th_stat(t, "tcp.rto_fires"), 0);
	TH_CHECK(t, th_stat(t, "tcp.lost_retransmits") >= 1);
}

/* The whole first flight is lost: RTO, then go-back-N in slow start. */
static void
test_whole_window_lost(struct th *t)
{
	struct sg f[64];

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	first_flight(t, 60000, f);
	th_advance(t, th_conn(t)->rto_us + 1000);
	th_pump(t, 400);
	TH_EQ(t, tlsoff_sndq_bytes(&th_conn(t)->sq), 0);
	TH_EQ(t, th_stat(t, "tcp.rto_fires"), 1);
	TH_EQ(t, th_stat(t, "tcp.retransmits"), 10);
	TH_EQ(t, th_stat(t, "tcp.bytes_out"), 60000 + 10 * (uint64_t)f[0].len);
}

/* After an RTO, segments the peer SACKed are not sent again. */
static void
test_rto_skips_sacked(struct th *t)
{
	struct sg f[64], o[64];
	uint32_t blk[1][2];
	unsigned int n, i, rounds = 0;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	first_flight(t, 14480, f);
	blk[0][0] = f[8].seq;
	blk[0][1] = f[9].seq + f[9].len;
	th_ack_sack(t, f[0].seq, 1, blk);
	TH_EQ(t, th_stat(t, "tcp.fast_retransmits"), 0);
	th_advance(t, th_conn(t)->rto_us + 1000);
	while (rounds++ < 20) {
		n = collect(t, o, 64);
		for (i = 0; i < n; i++)
			TH_CHECK(t, o[i].seq != f[8].seq && o[i].seq != f[9].seq,
				"SACKed segment resent at %u", o[i].seq);
		if (n == 0)
			break;
		blk[0][1] = f[9].seq + f[9].len;
		if (seq_geq(end_of(o, n), f[8].seq))
			th_ack(t, f[9].seq + f[9].len);
		else
			th_ack_sack(t, end_of(o, n), 1, blk);
	}
	TH_EQ(t, th_conn(t)->snd_una, f[9].seq + f[9].len);
	TH_EQ(t, th_stat(t, "tcp.retransmits"), 8);
}

/* An ACK older than one already seen changes nothing. */
static void
test_stale_ack(struct th *t)
{
	struct sg f[64];
	uint32_t una;

	th_start(t);
	if (!th_accept(t, true, false, true))
		return;
	first_flight(t, 14480, f);
	th_ack(t, f[6].seq);
	una = th_conn(t)->snd_una;
	TH_EQ(t, una, f[6].seq);
	th_ack(t, f[2].seq);
	th_ack(t, f[2].seq);
	th_ack(t, f[2].seq);
	TH_EQ(t, th_conn(t)->snd_una, una);
	TH_EQ(t, th_stat(t, "tcp.dup_acks"), 0);
	TH_EQ(t, th_pending(t), 0);
	th_ack(t, f[9].seq + f[9].len);
	TH_EQ(t, tlsoff_sndq_bytes(&th_conn(t)->sq), 0);
}

/* RFC 5681: a window change or data makes an ACK not a duplicate. */
static void
test_dupack_rules(struct th *t)
{
	struct sg f[64], o[64];
	unsigned int n, i;
	uint8_t d[10];

	th_start(t);
	if (!th_accept(t, true, false, true))
		return;
	first_flight(t, 14480, f);
	th_ack(t, f[1].seq);
	for (i = 0; i < 3; i++) {
		t->p_wnd = (1u << 20) - (i + 1) * 4096;
		th_ack(t, f[1].seq);
	}
	TH_EQ(t, th_stat(t, "tcp.dup_acks"), 0);
	memset(d, 'q', sizeof(d));
	for (i = 0; i < 3; i++)
		th_send_data(t, d, sizeof(d));
	TH_EQ(t, th_stat(t, "tcp.dup_acks"), 0);
	th_drain(t);
	for (i = 0; i < 3; i++)
		th_ack(t, f[1].seq);
	TH_EQ(t, th_stat(t, "tcp.dup_acks"), 3);
	n = collect(t, o, 64);
	TH_CHECK(t, has_seq(o, n, f[1].seq, f[1].len));
}

/*
 * A window update or data at SND.UNA between dupACKs is not a duplicate
 * (RFC 5681 2, RFC 6675 2) and breaks the run: fast retransmit needs three
 * duplicates after it, not three in all.
 */
static void
test_dupack_run_broken(struct th *t)
{
	struct sg f[64], o[64];
	unsigned int n;
	uint8_t d[10];

	th_start(t);
	if (!th_accept(t, true, false, true))
		return;
	first_flight(t, 100000, f);
	th_ack(t, f[0].seq);
	th_ack(t, f[0].seq);
	TH_EQ(t, th_stat(t, "tcp.dup_acks"), 2);
	/* A window update at SND.UNA, then two more duplicates. */
	t->p_wnd = (1u << 20) - 65536;
	th_ack(t, f[0].seq);
	th_ack(t, f[0].seq);
	th_ack(t, f[0].seq);
	n = collect(t, o, 64);
	TH_CHECK(t, !has_seq(o, n, f[0].seq, f[0].len),
		"fast retransmit counted the dupACKs before a window update");
	TH_EQ(t, th_stat(t, "tcp.fast_retransmits"), 0);
	/* Data at SND.UNA, then two more duplicates. */
	memset(d, 'q', sizeof(d));
	th_send_data(t, d, sizeof(d));
	th_ack(t, f[0].seq);
	th_ack(t, f[0].seq);
	n = collect(t, o, 64);
	TH_CHECK(t, !has_seq(o, n, f[0].seq, f[0].len),
		"fast retransmit counted the dupACKs before a data segment");
	TH_EQ(t, th_stat(t, "tcp.fast_retransmits"), 0);
	/* The third duplicate of this run. */
	th_ack(t, f[0].seq);
	n = collect(t, o, 64);
	TH_CHECK(t, has_seq(o, n, f[0].seq, f[0].len), "no fast retransmit");
	TH_EQ(t, th_stat(t, "tcp.fast_retransmits"), 1);
	TH_EQ(t, th_stat(t, "tcp.dup_acks"), 7);
}

/* ACK of unsent data: answered with an ACK, nothing else changes. */
static void
test_ack_unsent(struct th *t)
{
	struct th_opts o;
	struct th_seg seg;
	uint32_t snd_max, ts_recent;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	th_app_send(t, 5000);
	th_run(t);
	th_drain(t);
	snd_max = th_conn(t)->snd_max;
	ts_recent = th_conn(t)->ts_recent;
	memset(&o, 0, sizeof(o));
	o.has_ts = true;
	o.tsval = ts_recent + 100000;
	o.tsecr = t->p_tsecr;
	th_send(t, TH_ACK, t->p_nxt, snd_max + 1000, NULL, 0, &o);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no ACK in answer");
	TH_EQ(t, seg.flags, TH_ACK);
	TH_EQ(t, seg.seq, snd_max);
	TH_EQ(t, seg.ack, t->p_nxt);
	TH_EQ(t, th_conn(t)->snd_una, t->l_isn + 1);
	TH_EQ(t, th_conn(t)->ts_recent, ts_recent);
	TH_EQ(t, th_stat(t, "tcp.drop_ack_unsent"), 1);
	th_ack(t, snd_max);
	TH_EQ(t, tlsoff_sndq_bytes(&th_conn(t)->sq), 0);
}

static const struct th_case cases[] = {
	{ "SACK: three dupACKs retransmit the lost segment", test_sack_fast_retransmit, true },
	{ "NewReno: partial ACK retransmits the next hole", test_newreno_partial_ack, true },
	{ "limited transmit on the first two dupACKs", test_limited_transmit, true },
	{ "RTO with backoff and Karn", test_rto_backoff_karn, true },
	{ "RTO gives up after max_retries", test_rto_gives_up, false },
	{ "lost retransmission found from SACKs", test_lost_retransmission, true },
	{ "whole window lost", test_whole_window_lost, true },
	{ "RTO resend skips SACKed segments", test_rto_skips_sacked, true },
	{ "stale ACKs are ignored", test_stale_ack, true },
	{ "window updates and data are not dupACKs", test_dupack_rules, true },
	{ "window update or data between dupACKs restarts the count", test_dupack_run_broken, true },
	{ "ACK of unsent data", test_ack_unsent, true },
};

int
main(int argc, char **argv)
{
	return th_main(argc, argv, cases, RTE_DIM(cases));
}
