/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Hostile and broken input: malformed headers and options, impossible flag
 * combinations, headers split across mbuf segments, SYN floods, a full
 * connection table, PAWS, and a seeded storm of random segments. Everything
 * bad is dropped and counted; nothing good is lost; memory comes back.
 */

#include <errno.h>
#include <string.h>

#include <rte_random.h>

#include "harness.h"

#define L4OFF 34   /* Ethernet + IPv4 */

static void
fix_tcp_cksum(uint8_t *frame, uint32_t len)
{
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(frame + L4OFF);
	uint16_t l4 = (uint16_t)(len - L4OFF);
	uint32_t sum;

	th->cksum = 0;
	sum = rte_raw_cksum(frame + 26, 8);
	sum += rte_cpu_to_be_16(IPPROTO_TCP) + rte_cpu_to_be_16(l4);
	sum += rte_raw_cksum(th, l4);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	th->cksum = (uint16_t)~sum;
}

static void
fix_ip(uint8_t *frame, uint32_t len)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + 14);

	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - 14));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* A data segment for the connection, as bytes, for the test to spoil. */
static uint32_t
good_data(struct th *t, uint8_t *buf, const char *data)
{
	return th_frame_build(t, buf, TH_ACK, t->p_nxt, t->p_ack, data,
			(uint32_t)strlen(data), NULL);
}

/* Each spoiled segment is dropped, counted, and changes nothing. */
static void
test_malformed_headers(struct th *t)
{
	uint8_t f[200];
	uint32_t n, rcv_nxt;
	struct rte_tcp_hdr *th;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	rcv_nxt = th_conn(t)->rcv_nxt;
	th = (struct rte_tcp_hdr *)(f + L4OFF);

	n = good_data(t, f, "abcd");
	th->cksum ^= 0x1234;
	th_inject_frame(t, f, n);
	TH_EQ(t, th_stat(t, "tcp.drop_bad_cksum"), 1);

	n = good_data(t, f, "abcd");
	th->data_off = 4 << 4;             /* below 5 words */
	fix_tcp_cksum(f, n);
	th_inject_frame(t, f, n);
	n = good_data(t, f, "abcd");
	th->data_off = 15 << 4;            /* past the segment */
	fix_tcp_cksum(f, n);
	th_inject_frame(t, f, n);
	TH_EQ(t, th_stat(t, "tcp.drop_bad_offset"), 2);

	/* Truncated TCP header: 12 bytes of it. */
	n = good_data(t, f, "");
	n = L4OFF + 12;
	fix_ip(f, n);
	th_inject_frame(t, f, n);
	TH_EQ(t, th_stat(t, "tcp.drop_short"), 1);

	/* IP length beyond the frame. */
	n = good_data(t, f, "abcd");
	{
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);

		ip->total_length = rte_cpu_to_be_16((uint16_t)(n - 14 + 10));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	th_inject_frame(t, f, n);
	TH_EQ(t, th_stat(t, "ip.drop_bad_len"), 1);

	/* SYN+FIN, SYN+RST, no flags at all. */
	n = good_data(t, f, "abcd");
	th->tcp_flags = TH_SYN | TH_FIN | TH_ACK;
	fix_tcp_cksum(f, n);
	th_inject_frame(t, f, n);
	th->tcp_flags = TH_SYN | TH_RST;
	fix_tcp_cksum(f, n);
	th_inject_frame(t, f, n);
	th->tcp_flags = 0;
	fix_tcp_cksum(f, n);
	th_inject_frame(t, f, n);
	TH_EQ(t, th_stat(t, "tcp.drop_bad_flags"), 3);

	/* A FIN without ACK in ESTABLISHED. */
	n = good_data(t, f, "abcd");
	th->tcp_flags = TH_FIN | TH_PSH;
	fix_tcp_cksum(f, n);
	th_inject_frame(t, f, n);
	TH_EQ(t, th_stat(t, "tcp.drop_no_ack"), 1);

	TH_EQ(t, th_conn(t)->rcv_nxt, rcv_nxt);
	TH_EQ(t, th_conn(t)->rq.len, 0);
	TH_EQ(t, th_conn(t)->state, TCP_ESTABLISHED);
	th_drain(t);
	/* The connection still works. */
	th_send_data(t, "ok", 2);
	TH_EQ(t, th_conn(t)->rcv_nxt, rcv_nxt + 2);
}

/* Options with length 0 or 1, or running past the header, drop the segment. */
static void
test_malformed_options(struct th *t)
{
	static const uint8_t len0[] = { 8, 0, 1, 1 };
	static const uint8_t len1[] = { 1, 1, 5, 1 };
	static const uint8_t overrun[] = { 1, 1, 8, 10 };
	static const uint8_t dangling[] = { 1, 1, 1, 8 };
	const struct { const uint8_t *p; unsigned int n; } bad[] = {
		{ len0, sizeof(len0) }, { len1, sizeof(len1) },
		{ overrun, sizeof(overrun) }, { dangling, sizeof(dangling) },
	};
	struct th_opts o;
	unsigned int i;
	uint32_t rcv_nxt;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	rcv_nxt = th_conn(t)->rcv_nxt;
	for (i = 0; i < RTE_DIM(bad); i++) {
		memset(&o, 0, sizeof(o));
		o.raw = bad[i].p;
		o.raw_len = bad[i].n;
		th_send(t, TH_ACK, t->p_nxt, t->p_ack, "data", 4, &o);
	}
	TH_EQ(t, th_stat(t, "tcp.drop_bad_options"), RTE_DIM(bad));
	TH_EQ(t, th_conn(t)->rcv_nxt, rcv_nxt);
	TH_EQ(t, th_pending(t), 0);
}

/* MSS 0 is raised to the floor; a window shift of 15 counts as 14. */
static void
test_option_values(struct th *t)
{
	static const uint8_t syn_opts[] = { 2, 4, 0, 0, 3, 3, 15, 1 };
	struct rte_tlsoff_conn_info info;
	struct th_opts o;
	struct th_seg seg;

	th_start(t);
	th_listen(t);
	memset(&o, 0, sizeof(o));
	o.raw = syn_opts;
	o.raw_len = sizeof(syn_opts);
	tlsoff_stack_set_isn(t->s, t->l_isn);
	th_send(t, TH_SYN, t->p_isn, 0, NULL, 0, &o);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	th_send(t, TH_ACK, t->p_isn + 1, t->l_isn + 1, NULL, 0, NULL);
	TH_CHECK(t, t->c != NULL);
	if (t->c == NULL)
		return;
	t->data_isn = t->l_isn;
	rte_tlsoff_conn_get_info(t->c, &info);
	TH_EQ(t, info.mss, TCP_MIN_MSS);
	TH_EQ(t, info.snd_wscale, 14);
	th_app_send(t, 1000);
	th_run(t);
	while (th_pop_tcp(t, &seg))
		TH_CHECK(t, seg.len <= TCP_MIN_MSS, "segment of %u", seg.len);
}

/* Headers spread over chained mbufs are read correctly. */
static void
test_split_headers(struct th *t)
{
	uint8_t f[300], in[100];
	uint32_t n, cut;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	for (cut = 14; cut < 80; cut++) {
		struct rte_mbuf *a = rte_pktmbuf_alloc(t->pool);
		struct rte_mbuf *b = rte_pktmbuf_alloc(t->pool);

		n = good_data(t, f, "split-segment");
		memcpy(rte_pktmbuf_append(a, (uint16_t)cut), f, cut);
		memcpy(rte_pktmbuf_append(b, (uint16_t)(n - cut)), f + cut,
			n - cut);
		rte_pktmbuf_chain(a, b);
		th_inject_mbuf(t, a);
		t->p_nxt += 13;
		TH_EQ(t, rte_tlsoff_recv(t->c, in, sizeof(in)), 13);
		TH_CHECK(t, memcmp(in, "split-segment", 13) == 0);
	}
	th_drain(t);
}

/* A SYN flood fills the half-open quota only; established flows go on. */
static void
test_syn_flood(struct th *t)
{
	unsigned int i, synacks = 0;
	struct th_seg seg;
	uint16_t pport;

	t->conf.syn_backlog = 8;
	t->conf.syn_retries = 2;
	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	pport = t->pport;
	for (i = 0; i < 50; i++) {
		t->pport = (uint16_t)(20000 + i);
		th_send(t, TH_SYN, 1000 * i, 0, NULL, 0, NULL);
	}
	t->pport = pport;
	while (th_pop_tcp(t, &seg))
		if (seg.flags == (TH_SYN | TH_ACK))
			synacks++;
	TH_EQ(t, synacks, 8);
	TH_EQ(t, th_stat(t, "tcp.drop_syn_backlog"), 42);
	/* The established connection is unaffected. */
	TH_EQ(t, th_app_send(t, 3000), 3000);
	th_run(t);
	TH_CHECK(t, th_ack_all(t) == 3000);
	/* Half-open connections expire; the quota is free again. */
	th_advance(t, 30000000);
	th_drain(t);
	TH_EQ(t, t->s->nb_conns, 1);
	t->pport = 30000;
	th_send(t, TH_SYN, 77, 0, NULL, 0, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg) && seg.flags == (TH_SYN | TH_ACK));
	t->pport = pport;
}

/* A full table refuses SYNs (counted); TIME_WAIT entries are recycled. */
static void
test_conn_table_full(struct th *t)
{
	struct th_seg seg;
	unsigned int i;
	uint16_t pport;

	t->conf.max_conns = 4;
	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	pport = t->pport;
	for (i = 0; i < 5; i++) {
		t->pport = (uint16_t)(21000 + i);
		th_send(t, TH_SYN, 5000 * i, 0, NULL, 0, NULL);
	}
	th_drain(t);
	TH_EQ(t, t->s->nb_conns, 4);
	TH_EQ(t, th_stat(t, "tcp.drop_conn_table_full"), 2);
	/* Our connection goes to TIME_WAIT; its slot serves a new SYN. */
	t->pport = pport;
	rte_tlsoff_close(t->c);
	t->c = NULL;
	th_run(t);
	th_drain(t);
	th_ack(t, t->l_isn + 2);
	th_send(t, TH_FIN | TH_ACK, t->p_nxt, t->p_ack, NULL, 0, NULL);
	th_drain(t);
	TH_CHECK(t, th_lookup(t) != NULL && th_lookup(t)->state == TCP_TIME_WAIT);
	/* The table is full (3 half-open + TIME_WAIT): TIME_WAIT gives way. */
	t->pport = 22000;
	th_send(t, TH_SYN, 9, 0, NULL, 0, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_EQ(t, seg.flags, TH_SYN | TH_ACK);
	TH_EQ(t, th_stat(t, "tcp.time_wait_recycled"), 1);
	t->pport = pport;
}

/* A TIME_WAIT connection the app still holds is never recycled. */
static void
test_table_full_app_time_wait(struct th *t)
{
	struct rte_tlsoff_conn_info info;
	struct th_seg seg;
	uint16_t pport;

	t->conf.max_conns = 1;
	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	TH_EQ(t, rte_tlsoff_shutdown(t->c), 0);
	th_run(t);
	th_drain(t);
	th_ack(t, t->l_isn + 2);
	th_send(t, TH_FIN | TH_ACK, t->p_nxt, t->p_ack, NULL, 0, NULL);
	th_drain(t);
	TH_EQ(t, th_conn(t)->state, TCP_TIME_WAIT);
	pport = t->pport;
	t->pport = 23000;
	th_send(t, TH_SYN, 4242, 0, NULL, 0, NULL);
	TH_CHECK(t, !th_pop_tcp(t, &seg), "the held connection was recycled");
	TH_EQ(t, th_stat(t, "tcp.drop_conn_table_full"), 1);
	t->pport = pport;
	rte_tlsoff_conn_get_info(t->c, &info);
	TH_EQ(t, info.remote_port, pport);
	TH_EQ(t, info.state, RTE_TLSOFF_TCP_TIME_WAIT);
}

/* PAWS (RFC 7323 5): an old timestamp drops the segment with an ACK. */
static void
test_paws(struct th *t)
{
	struct th_opts o;
	struct th_seg seg;
	uint32_t rcv_nxt;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	th_send_data(t, "new", 3);
	th_drain(t);
	rcv_nxt = th_conn(t)->rcv_nxt;
	memset(&o, 0, sizeof(o));
	o.has_ts = true;
	o.tsval = th_conn(t)->ts_recent - 10;
	o.tsecr = t->p_tsecr;
	th_send(t, TH_ACK, t->p_nxt, t->p_ack, "old", 3, &o);
	TH_EQ(t, th_stat(t, "tcp.drop_paws"), 1);
	TH_EQ(t, th_conn(t)->rcv_nxt, rcv_nxt);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no ACK for the PAWS drop");
	TH_EQ(t, seg.ack, rcv_nxt);
	/* Wrapped timestamps are fine: serial comparison. */
	th_conn(t)->ts_recent = 0xfffffff0u;
	o.tsval = 0x10;
	th_send(t, TH_ACK, t->p_nxt, t->p_ack, "wrp", 3, &o);
	TH_EQ(t, th_conn(t)->rcv_nxt, rcv_nxt + 3);
}

/* A storm of random segments: no crash, no leak, the connection lives. */
static void
test_random_storm(struct th *t)
{
	uint8_t f[1600];
	unsigned int i;
	uint64_t rng = 0x1234567ull + t->isn_idx;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	th_app_send(t, 30000);
	th_run(t);
	for (i = 0; i < 4000; i++) {
		uint32_t n, k, dlen;
		struct rte_tcp_hdr *th;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		dlen = (uint32_t)(rng >> 33) % 64;
		n = th_frame_build(t, f, (uint8_t)(rng >> 20), t->p_nxt +
			(uint32_t)((rng >> 40) % 4096) - 2048,
			th_conn(t)->snd_una + (uint32_t)((rng >> 24) % 40000) -
			20000, "0123456789012345678901234567890123456789"
			"012345678901234567890123", dlen, NULL);
		th = (struct rte_tcp_hdr *)(f + L4OFF);
		/* Spoil some header or option bytes at random. */
		for (k = 0; k < (rng >> 60); k++) {
			uint32_t pos = L4OFF + (uint32_t)((rng >> (k * 5 % 60)) % 40);

			if (pos < n)
				f[pos] ^= (uint8_t)(rng >> (8 + k));
		}
		if ((rng >> 13) & 1)
			th->data_off = (uint8_t)(rng & 0xf0);
		if ((rng >> 14) & 3)
			fix_tcp_cksum(f, n);
		th_inject_frame(t, f, n);
		th_drain(t);
		if ((i & 255) == 0)
			th_advance(t, 50000);
		if (t->ev & RTE_TLSOFF_EV_CLOSED)
			break;
	}
	/* Whatever happened, state is consistent and memory accounted. */
	TH_CHECK(t, th_stat(t, "tcp.segments_in") > 0);
	if (t->ev & RTE_TLSOFF_EV_CLOSED) {
		rte_tlsoff_close(t->c);
		t->c = NULL;
	}
}

static const struct th_case cases[] = {
	{ "malformed headers dropped and counted", test_malformed_headers, true },
	{ "malformed options dropped and counted", test_malformed_options, true },
	{ "MSS 0 and window shift 15", test_option_values, true },
	{ "headers split across mbuf segments", test_split_headers, true },
	{ "SYN flood bounded by the half-open quota", test_syn_flood, true },
	{ "full connection table; TIME_WAIT recycled", test_conn_table_full, true },
	{ "TIME_WAIT held by the app is not recycled", test_table_full_app_time_wait, true },
	{ "PAWS drops old timestamps", test_paws, true },
	{ "random segment storm", test_random_storm, true },
};

int
main(int argc, char **argv)
{
	return th_main(argc, argv, cases, RTE_DIM(cases));
}
