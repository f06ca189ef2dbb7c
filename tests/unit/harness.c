/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* Scripted-conversation harness: capture device, peer, clock, TAP driver. */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_ether.h>
#include <rte_arp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_tcp.h>

#include "harness.h"
#include "stack/group.h"

static const uint32_t l_isn_base[3] = { 0x00000010u, 0x7fffff00u, 0xfffff000u };
static const uint32_t p_isn_base[3] = { 0x00000020u, 0x7ffff000u, 0xffffff00u };
static const struct rte_ether_addr peer_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static unsigned int instance_seq;

/* ---- checks ---- */

void
th_check(struct th *t, bool cond, const char *file, int line,
		const char *expr, const char *fmt, ...)
{
	va_list ap;

	if (cond)
		return;
	t->failures++;
	printf("#   %s:%d: check failed: %s", file, line, expr);
	if (fmt[0] != '\0') {
		printf(" -- ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
}

void
th_check_eq(struct th *t, uint64_t a, uint64_t b, const char *file, int line,
		const char *ea, const char *eb)
{
	if (a == b)
		return;
	t->failures++;
	printf("#   %s:%d: %s == %s failed: 0x%" PRIx64 " (%" PRIu64
		") != 0x%" PRIx64 " (%" PRIu64 ")\n", file, line, ea, eb,
		a, a, b, b);
}

/* ---- capture device ---- */

static uint16_t
cap_tx(void *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	struct th *t = ctx;
	uint16_t i;

	if (t->tx_refuse > 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (t->cap_n == TH_CAP_MAX) {
			TH_CHECK(t, false, "capture overflow");
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		t->cap[(t->cap_head + t->cap_n) % TH_CAP_MAX] = pkts[i];
		t->cap_n++;
		t->tx_total++;
	}
	return n;
}

/* The offload device's wire: keep a reference to each frame it sends. */
static void
cap_tap(void *arg, struct rte_mbuf *const *pkts, uint16_t n)
{
	struct th *t = arg;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (t->cap_n == TH_CAP_MAX) {
			TH_CHECK(t, false, "capture overflow");
			continue;
		}
		rte_mbuf_refcnt_update(pkts[i], 1);
		t->cap[(t->cap_head + t->cap_n) % TH_CAP_MAX] = pkts[i];
		t->cap_n++;
		t->tx_total++;
	}
}

static uint16_t
cap_rx(void *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	(void)ctx;
	(void)pkts;
	(void)n;
	return 0;
}

unsigned int
th_pending(const struct th *t)
{
	return t->cap_n;
}

static uint16_t
fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static bool
tcp_cksum_valid(const uint8_t *ip, uint32_t l4_len)
{
	const struct rte_ipv4_hdr *h = (const struct rte_ipv4_hdr *)ip;
	uint32_t sum = rte_raw_cksum(&h->src_addr, 8);

	sum += rte_cpu_to_be_16(IPPROTO_TCP) + rte_cpu_to_be_16(l4_len);
	sum += rte_raw_cksum(ip + 20, l4_len);
	return fold(sum) == 0xffff;
}

bool
th_pop(struct th *t, struct th_seg *seg)
{
	struct rte_mbuf *m;
	const struct rte_ether_hdr *eh;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	uint32_t tot, doff, i;

	if (t->cap_n == 0)
		return false;
	m = t->cap[t->cap_head];
	t->cap_head = (t->cap_head + 1) % TH_CAP_MAX;
	t->cap_n--;
	memset(seg, 0, offsetof(struct th_seg, data));
	seg->frame_len = RTE_MIN(m->pkt_len, (uint32_t)sizeof(seg->frame));
	/*
	 * A TCP segment fits the MTU, whatever cut it (the stack, or a device
	 * doing TSO). (An echo reply mirrors its request, however large.)
	 */
	TH_CHECK(t, m->pkt_len <= (uint32_t)t->s->mtu + 14u ||
		m->pkt_len < 34 || rte_pktmbuf_mtod(m, const uint8_t *)[23] !=
		IPPROTO_TCP, "a %u-byte TCP frame on a %u-byte MTU",
		m->pkt_len, t->s->mtu);
	{
		/* rte_pktmbuf_read copies only when the frame is chained. */
		const void *p = rte_pktmbuf_read(m, 0, seg->frame_len, seg->frame);

		TH_CHECK(t, p != NULL);
		if (p != NULL && p != seg->frame)
			memcpy(seg->frame, p, seg->frame_len);
	}
	TH_CHECK(t, m->pkt_len == seg->frame_len, "frame too long");
	rte_pktmbuf_free(m);
	eh = (const struct rte_ether_hdr *)seg->frame;
	seg->eth_type = rte_be_to_cpu_16(eh->ether_type);
	if (seg->eth_type != RTE_ETHER_TYPE_IPV4)
		return true;
	ip = (const struct rte_ipv4_hdr *)(eh + 1);
	seg->ip_proto = ip->next_proto_id;
	seg->src = rte_be_to_cpu_32(ip->src_addr);
	seg->dst = rte_be_to_cpu_32(ip->dst_addr);
	tot = rte_be_to_cpu_16(ip->total_length);
	TH_CHECK(t, rte_raw_cksum(ip, 20) == 0xffff, "bad IPv4 checksum");
	TH_CHECK(t, tot + 14 == seg->frame_len, "IP length %u frame %u", tot,
		seg->frame_len);
	TH_CHECK(t, rte_is_same_ether_addr(&eh->dst_addr, &peer_mac) ||
		seg->dst != TH_PEER_IP, "frame to the peer has a wrong MAC");
	if (seg->ip_proto != IPPROTO_TCP)
		return true;
	seg->tcp = true;
	th = (const struct rte_tcp_hdr *)((const uint8_t *)ip + 20);
	TH_CHECK(t, tcp_cksum_valid((const uint8_t *)ip, tot - 20),
		"bad TCP checksum");
	doff = (th->data_off >> 4) * 4u;
	seg->flags = th->tcp_flags;
	seg->seq = rte_be_to_cpu_32(th->sent_seq);
	seg->ack = rte_be_to_cpu_32(th->recv_ack);
	seg->wnd = rte_be_to_cpu_16(th->rx_win);
	seg->sport = rte_be_to_cpu_16(th->src_port);
	seg->dport = rte_be_to_cpu_16(th->dst_port);
	TH_CHECK(t, doff >= 20 && doff <= tot - 20, "data offset %u", doff);
	TH_CHECK(t, tcp_opts_parse((const uint8_t *)(th + 1), doff - 20,
		(seg->flags & TH_SYN) != 0, &seg->opts) == 0, "bad options");
	seg->len = tot - 20 - doff;
	memcpy(seg->data, (const uint8_t *)th + doff, seg->len);
	TH_CHECK(t, seg->len + doff <= (uint32_t)t->s->mss + 20 + 40,
		"segment larger than the MSS allows: %u", seg->len);
	if (seg->opts.has_ts)
		t->p_tsecr = seg->opts.tsval;
	/* Byte-stream consistency: every data byte is the app's pattern. */
	if (seg->len > 0 && t->c != NULL && seg->sport == t->lport &&
	    !t->no_pattern) {
		for (i = 0; i < seg->len; i++) {
			uint64_t off = th_off(t, seg->seq + i);

			if (seg->data[i] != th_pattern(off)) {
				TH_CHECK(t, false, "payload byte at seq %u "
					"(offset %" PRIu64 ") is 0x%02x, want 0x%02x",
					seg->seq + i, off, seg->data[i],
					th_pattern(off));
				break;
			}
		}
		TH_CHECK(t, th_off(t, seg->seq) + seg->len <= t->app_sent,
			"payload beyond what the app queued");
	}
	return true;
}

bool
th_pop_tcp(struct th *t, struct th_seg *seg)
{
	while (th_pop(t, seg))
		if (seg->tcp)
			return true;
	return false;
}

void
th_drain(struct th *t)
{
	while (t->cap_n > 0) {
		rte_pktmbuf_free(t->cap[t->cap_head]);
		t->cap_head = (t->cap_head + 1) % TH_CAP_MAX;
		t->cap_n--;
	}
}

unsigned int
th_drain_count(struct th *t)
{
	struct th_seg seg;
	unsigned int n = 0;

	while (th_pop(t, &seg))
		n++;
	return n;
}

/* ---- clock ---- */

void
th_run(struct th *t)
{
	const struct tlsoff_stack *s = t->s;

	/* What other members of a group handed over, as the poll does. */
	tlsoff_group_input(t->s);
	tlsoff_stack_run_deferred(t->s);
	if (s->off != NULL) {
		/* An asynchronous device works here, unless a test holds it. */
		if ((s->conf.offload.flags & RTE_TLSOFF_OFFLOAD_F_ASYNC) &&
		    !t->nic_hold)
			s->off->run(s->off_dev);
		s->off->poll(s->off_dev);
	}
}

void
th_advance(struct th *t, uint64_t us)
{
	/* Step through the wheel's ticks so timers fire in order. */
	while (us > 0) {
		uint64_t step = RTE_MIN(us, (uint64_t)TLSOFF_WHEEL_TICK_US);

		t->now_us += step;
		us -= step;
		tlsoff_stack_set_clock(t->s, t->now_us);
		th_run(t);
	}
}

/* ---- peer ---- */

static unsigned int
put_opts(struct th *t, uint8_t *p, uint8_t flags, const struct th_opts *o)
{
	unsigned int n = 0, i;

	if (o != NULL && o->raw != NULL) {
		memcpy(p, o->raw, o->raw_len);
		n = o->raw_len;
		goto pad;
	}
	if (flags & TH_SYN) {
		p[n++] = 2; p[n++] = 4;
		p[n++] = TH_PEER_MSS >> 8; p[n++] = TH_PEER_MSS & 0xff;
		if (t->p_sack) {
			p[n++] = 4; p[n++] = 2;
		}
		if (t->p_wscale) {
			p[n++] = 3; p[n++] = 3; p[n++] = t->p_ws;
		}
	}
	if (((t->p_ts && (flags & TH_SYN)) || t->ts_ok ||
	     (o != NULL && o->has_ts)) && !(o != NULL && o->no_ts)) {
		uint32_t v = o != NULL && o->has_ts ? o->tsval : t->p_tsval;
		uint32_t e = o != NULL && o->has_ts ? o->tsecr : t->p_tsecr;

		p[n++] = 8; p[n++] = 10;
		p[n++] = v >> 24; p[n++] = v >> 16; p[n++] = v >> 8; p[n++] = v;
		p[n++] = e >> 24; p[n++] = e >> 16; p[n++] = e >> 8; p[n++] = e;
	}
	if (o != NULL && o->nsack > 0) {
		p[n++] = 5;
		p[n++] = (uint8_t)(2 + 8 * o->nsack);
		for (i = 0; i < o->nsack; i++) {
			uint32_t a = o->sack[i][0], b = o->sack[i][1];

			p[n++] = a >> 24; p[n++] = a >> 16; p[n++] = a >> 8;
			p[n++] = a;
			p[n++] = b >> 24; p[n++] = b >> 16; p[n++] = b >> 8;
			p[n++] = b;
		}
	}
pad:
	while (n % 4)
		p[n++] = 1;
	return n;
}

uint32_t
th_frame_build(struct th *t, uint8_t *buf, uint8_t flags, uint32_t seq,
		uint32_t ack, const void *data, uint32_t len,
		const struct th_opts *o)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	unsigned int olen = put_opts(t, (uint8_t *)(th + 1), flags, o);
	uint32_t wnd, sum;
	uint16_t l4 = (uint16_t)(20 + olen + len);

	rte_ether_addr_copy(&t->s->mac, &eh->dst_addr);
	rte_ether_addr_copy(&peer_mac, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(20 + l4);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(TH_PEER_IP);
	ip->dst_addr = rte_cpu_to_be_32(TH_LOCAL_IP);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->src_port = rte_cpu_to_be_16(t->pport);
	th->dst_port = rte_cpu_to_be_16(t->lport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)(((20 + olen) / 4) << 4);
	th->tcp_flags = flags;
	wnd = (flags & TH_SYN) ? t->p_wnd :
		t->ws_ok ? t->p_wnd >> t->p_ws : t->p_wnd;
	th->rx_win = rte_cpu_to_be_16((uint16_t)RTE_MIN(wnd, 65535u));
	th->cksum = 0;
	th->tcp_urp = 0;
	if (len > 0)
		memcpy((uint8_t *)(th + 1) + olen, data, len);
	sum = rte_raw_cksum(&ip->src_addr, 8);
	sum += rte_cpu_to_be_16(IPPROTO_TCP) + rte_cpu_to_be_16(l4);
	sum += rte_raw_cksum(th, l4);
	th->cksum = (uint16_t)~fold(sum);
	return 14 + 20 + l4;
}

void
th_inject_mbuf(struct th *t, struct rte_mbuf *m)
{
	if (t->rx_via != NULL) {
		/* The port put the frame on another member's queue. */
		tlsoff_stack_input(t->rx_via->s, &m, 1);
		th_run(t->rx_via);
	} else {
		tlsoff_stack_input(t->s, &m, 1);
	}
	th_run(t);
}

void
th_inject_frame(struct th *t, const void *frame, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(t->pool);
	char *p;

	TH_CHECK(t, m != NULL, "harness pool empty");
	if (m == NULL)
		return;
	p = rte_pktmbuf_append(m, (uint16_t)len);
	memcpy(p, frame, len);
	th_inject_mbuf(t, m);
}

void
th_send(struct th *t, uint8_t flags, uint32_t seq, uint32_t ack,
		const void *data, uint32_t len, const struct th_opts *o)
{
	uint8_t buf[9300];
	uint32_t n = th_frame_build(t, buf, flags, seq, ack, data, len, o);

	t->p_tsval++;
	th_inject_frame(t, buf, n);
}

void
th_send_data(struct th *t, const void *data, uint32_t len)
{
	th_send(t, TH_ACK | TH_PSH, t->p_nxt, t->p_ack, data, len, NULL);
	t->p_nxt += len;
}

void
th_ack(struct th *t, uint32_t ack)
{
	t->p_ack = ack;
	th_send(t, TH_ACK, t->p_nxt, ack, NULL, 0, NULL);
}

void
th_ack_sack(struct th *t, uint32_t ack, unsigned int n,
		const uint32_t (*blk)[2])
{
	struct th_opts o;
	unsigned int i;

	memset(&o, 0, sizeof(o));
	o.nsack = n;
	for (i = 0; i < n; i++) {
		o.sack[i][0] = blk[i][0];
		o.sack[i][1] = blk[i][1];
	}
	t->p_ack = ack;
	th_send(t, TH_ACK, t->p_nxt, ack, NULL, 0, &o);
}

/* ---- connections ---- */

struct tlsoff_conn *
th_conn(struct th *t)
{
	return (struct tlsoff_conn *)t->c;
}

struct tlsoff_conn *
th_lookup(struct th *t)
{
	return tcp_conn_lookup(t->s, TH_PEER_IP, t->pport, TH_LOCAL_IP, t->lport);
}

static void
conn_cb(struct rte_tlsoff_conn *c, uint32_t ev, void *arg)
{
	struct th *t = arg;

	(void)c;
	t->ev |= ev;
}

static void
accept_cb(struct rte_tlsoff_listener *l, void *arg)
{
	struct th *t = arg;
	struct rte_tlsoff_conn *c;

	while ((c = rte_tlsoff_accept(l)) != NULL) {
		t->accepts++;
		if (t->c == NULL) {
			t->c = c;
			rte_tlsoff_conn_set_cb(c, conn_cb, t);
		} else {
			/* Extra connections (flood tests) are closed at once. */
			rte_tlsoff_abort(c);
		}
	}
}

void
th_listen(struct th *t)
{
	if (t->l != NULL)
		return;
	t->l = rte_tlsoff_listen(t->st, TH_LPORT, 16, accept_cb, t);
	TH_CHECK(t, t->l != NULL);
}

bool
th_connect(struct th *t)
{
	struct th_seg seg;

	tlsoff_stack_set_isn(t->s, t->l_isn);
	t->c = rte_tlsoff_connect(t->st, TH_PEER_IP, TH_PPORT, conn_cb, t);
	if (t->c == NULL) {
		TH_CHECK(t, false, "connect: %s", rte_strerror(rte_errno));
		return false;
	}
	th_run(t);
	if (!th_pop_tcp(t, &seg) || seg.flags != TH_SYN) {
		TH_CHECK(t, false, "no SYN");
		return false;
	}
	/* The harness peer plays the server, with every option. */
	t->lport = seg.sport;
	t->p_sack = true;
	t->p_ts = true;
	t->p_wscale = true;
	th_send(t, TH_SYN | TH_ACK, t->p_isn, t->l_isn + 1, NULL, 0, NULL);
	t->ts_ok = seg.opts.has_ts;
	t->ws_ok = seg.opts.has_ws;
	t->p_nxt = t->p_isn + 1;
	t->p_ack = t->l_isn + 1;
	t->data_isn = t->l_isn;
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_CONNECTED, "no CONNECTED event");
	th_drain(t);
	return (t->ev & RTE_TLSOFF_EV_CONNECTED) != 0;
}

bool
th_accept(struct th *t, bool ws, bool sack, bool ts)
{
	struct th_seg seg;

	th_listen(t);
	t->p_wscale = ws;
	t->p_sack = sack;
	t->p_ts = ts;
	tlsoff_stack_set_isn(t->s, t->l_isn);
	th_send(t, TH_SYN, t->p_isn, 0, NULL, 0, NULL);
	if (!th_pop_tcp(t, &seg)) {
		th_dump_stats(t);
		TH_CHECK(t, false, "no SYN-ACK");
		return false;
	}
	TH_EQ(t, seg.flags, TH_SYN | TH_ACK);
	TH_EQ(t, seg.seq, t->l_isn);
	TH_EQ(t, seg.ack, t->p_isn + 1);
	t->ts_ok = ts && seg.opts.has_ts;
	t->ws_ok = ws && seg.opts.has_ws;
	t->p_nxt = t->p_isn + 1;
	t->p_ack = t->l_isn + 1;
	t->data_isn = t->l_isn;
	th_send(t, TH_ACK, t->p_nxt, t->p_ack, NULL, 0, NULL);
	TH_CHECK(t, t->c != NULL, "accept callback did not run");
	return t->c != NULL;
}

uint64_t
th_app_send(struct th *t, uint64_t n)
{
	uint8_t buf[16384];
	uint64_t done = 0;

	while (done < n) {
		uint32_t k = (uint32_t)RTE_MIN(n - done, (uint64_t)sizeof(buf));
		uint32_t i;
		ssize_t r;

		for (i = 0; i < k; i++)
			buf[i] = th_pattern(t->app_sent + i);
		r = rte_tlsoff_send(t->c, buf, k);
		if (r <= 0)
			break;
		t->app_sent += (uint64_t)r;
		done += (uint64_t)r;
	}
	return done;
}

uint32_t
th_ack_all(struct th *t)
{
	struct th_seg seg;
	uint32_t hi = t->p_ack;
	bool any = false;

	while (th_pop_tcp(t, &seg)) {
		uint32_t end = seg.seq + seg.len + !!(seg.flags & (TH_FIN | TH_SYN));

		if (seq_gt(end, hi)) {
			hi = end;
			any = true;
		}
	}
	if (!any)
		return 0;
	any = false;
	{
		uint32_t before = t->p_ack;

		th_ack(t, hi);
		return hi - before;
	}
}

void
th_pump(struct th *t, unsigned int max_rounds)
{
	while (max_rounds-- > 0) {
		th_run(t);
		if (th_pending(t) == 0) {
			if (th_conn(t) == NULL ||
			    tlsoff_sndq_bytes(&th_conn(t)->sq) == 0)
				return;
			th_advance(t, 1000);
		}
		th_ack_all(t);
	}
}

void
th_dump_stats(struct th *t)
{
	struct rte_tlsoff_stat st[256];
	int i, n = rte_tlsoff_stats_get(t->st, st, 256);

	for (i = 0; i < n; i++)
		if (st[i].value)
			printf("#     %s = %" PRIu64 "\n", st[i].name, st[i].value);
}

uint64_t
th_stat(struct th *t, const char *name)
{
	uint64_t v = 0;

	TH_CHECK(t, rte_tlsoff_stat_get(t->st, name, &v) == 0,
		"no counter %s", name);
	return v;
}

/* ---- lifetime ---- */

void
th_conf_default(struct th *t)
{
	rte_tlsoff_stack_conf_init(&t->conf);
	t->conf.port_id = 0;
	t->conf.ip = TH_LOCAL_IP;
	t->conf.prefix_len = 24;
	t->conf.flags = RTE_TLSOFF_F_NO_GARP;
	t->conf.max_conns = 64;
	t->conf.sndbuf_pool_bytes = 16u << 20;
	t->conf.hdr_mbufs = 4096;
	t->conf.tx_offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
}

void
th_check_pools(struct th *t)
{
	const struct tlsoff_stack *s = t->s;

	TH_EQ(t, rte_mempool_avail_count(s->hdr_pool), s->hdr_pool->size);
	TH_EQ(t, rte_mempool_avail_count(s->ind_pool), s->ind_pool->size);
	TH_EQ(t, rte_mempool_avail_count(s->sndbuf_pool), s->sndbuf_pool->size);
	TH_EQ(t, rte_mempool_avail_count(s->conn_pool), s->conn_pool->size);
	TH_EQ(t, rte_mempool_avail_count(s->tls_pool), s->tls_pool->size);
	TH_EQ(t, rte_mempool_avail_count(t->pool), t->pool->size);
}

void
th_start(struct th *t)
{
	struct tlsoff_io_ops io = { .rx_burst = cap_rx, .tx_burst = cap_tx };
	char name[32];
	uint8_t arp[60];
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)arp;
	struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(eh + 1);

	snprintf(name, sizeof(name), "thp%u", instance_seq);
	t->pool = rte_pktmbuf_pool_create(name, 2048, 0, 0, 9400, SOCKET_ID_ANY);
	snprintf(name, sizeof(name), "ut%u", instance_seq++);
	if (t->conf.offload.type != RTE_TLSOFF_OFFLOAD_SW &&
	    t->conf.offload.tap == NULL) {
		/* The device's frames reach the capture from its wire. */
		t->conf.offload.tap = cap_tap;
		t->conf.offload.tap_arg = t;
	}
	t->st = rte_tlsoff_stack_create(name, &t->conf);
	if (t->pool == NULL || t->st == NULL) {
		printf("Bail out! cannot create stack or pool: %s\n",
			rte_strerror(rte_errno));
		exit(1);
	}
	t->s = tlsoff_stack(t->st);
	if (t->s->off != NULL) {
		/* Frames go through the device; only input is scripted. */
		io.tx_burst = t->s->io.tx_burst;
		tlsoff_stack_set_io(t->s, &io, t->s);
	} else {
		tlsoff_stack_set_io(t->s, &io, t);
	}
	t->now_us = 10000000;
	tlsoff_stack_set_clock(t->s, t->now_us);
	t->pport = TH_PPORT;
	t->lport = TH_LPORT;
	t->p_wnd = 1u << 20;
	t->p_ws = 7;
	t->p_tsval = 1000;

	/* The peer asks for our address: the stack learns the peer's. */
	memset(arp, 0, sizeof(arp));
	memset(&eh->dst_addr, 0xff, sizeof(eh->dst_addr));
	rte_ether_addr_copy(&peer_mac, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = 6;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(&peer_mac, &ah->arp_data.arp_sha);
	ah->arp_data.arp_sip = rte_cpu_to_be_32(TH_PEER_IP);
	ah->arp_data.arp_tip = rte_cpu_to_be_32(TH_LOCAL_IP);
	th_inject_frame(t, arp, sizeof(arp));
	th_drain(t);
}

void
th_stop(struct th *t)
{
	unsigned int i;

	if (t->st == NULL)
		return;
	if (t->c != NULL) {
		rte_tlsoff_abort(t->c);
		t->c = NULL;
	}
	if (t->l != NULL) {
		rte_tlsoff_listener_close(t->l);
		t->l = NULL;
	}
	t->tx_refuse = 0;
	t->nic_hold = false;
	/* Let every timer run out (TIME_WAIT, retries), then account. */
	th_run(t);
	th_drain(t);
	/*
	 * Up to an hour of virtual time in coarse steps: a silent peer behind
	 * a zero window takes max_retries backed-off probes (~11 min).
	 */
	for (i = 0; i < 36000 && t->s->nb_conns > 0; i++) {
		t->now_us += 100000;
		tlsoff_stack_set_clock(t->s, t->now_us);
		th_run(t);
		th_drain(t);
	}
	/* Frames held for ARP resolution are dropped after its retries. */
	th_advance(t, 5000000);
	th_drain(t);
	/* The device gives back what it completed. */
	if (t->s->off != NULL) {
		t->s->off->poll(t->s->off_dev);
		th_drain(t);
	}
	if (t->s->nb_conns > 0) {
		const void *key;
		void *data;
		uint32_t iter = 0;

		TH_CHECK(t, false, "%u connections left after an hour",
			t->s->nb_conns);
		while (rte_hash_iterate(t->s->conn_hash, &key, &data, &iter) >= 0) {
			const struct tlsoff_conn *c = data;

			printf("#   left: state %d flags 0x%x una %u nxt %u max %u "
				"end %u wnd %u timers %" PRIu64 "/%" PRIu64 "/%"
				PRIu64 " now %" PRIu64 "\n", c->state, c->flags,
				c->snd_una, c->snd_nxt, c->snd_max, c->sq.end_seq,
				c->snd_wnd, c->t_expire[0], c->t_expire[1],
				c->t_expire[2], t->now_us);
		}
	}
	th_check_pools(t);
	rte_tlsoff_stack_free(t->st);
	rte_mempool_free(t->pool);
	t->st = NULL;
	if (getenv("TH_HEAP")) {
		struct rte_malloc_socket_stats ms;

		rte_malloc_get_socket_stats(0, &ms);
		printf("# heap alloc %zu free %zu greatest free %zu\n",
			ms.heap_allocsz_bytes, ms.heap_freesz_bytes,
			ms.greatest_free_size);
	}
}

/* ---- TAP driver ---- */

int
th_eal_setup(const char *argv0)
{
	char prefix[64];
	char *eal[] = { (char *)(uintptr_t)argv0, "--no-huge", "-m", "512",
		"--no-pci", prefix, "--log-level=lib.*:error",
		"--log-level=tlsoff:error", "--vdev=net_null0", "--no-telemetry",
		NULL };
	struct rte_eth_conf pc;
	struct rte_mempool *rx;

	snprintf(prefix, sizeof(prefix), "--file-prefix=tlsoff_ut_%d", getpid());
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0) {
		printf("Bail out! rte_eal_init failed\n");
		return -1;
	}
	/* A real (null) port: the stack reads its MAC and MTU. */
	memset(&pc, 0, sizeof(pc));
	rx = rte_pktmbuf_pool_create("th_rx", 512, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (rx == NULL || rte_eth_dev_configure(0, 1, 1, &pc) != 0 ||
	    rte_eth_rx_queue_setup(0, 0, 256, SOCKET_ID_ANY, NULL, rx) != 0 ||
	    rte_eth_tx_queue_setup(0, 0, 256, SOCKET_ID_ANY, NULL) != 0 ||
	    rte_eth_dev_start(0) != 0) {
		printf("Bail out! net_null port setup failed\n");
		return -1;
	}
	return 0;
}

int
th_main(int argc, char **argv, const struct th_case *cases, unsigned int n)
{
	unsigned int i, k, total = 0, num = 0, failed = 0;

	(void)argc;
	if (th_eal_setup(argv[0]) != 0)
		return 1;
	for (i = 0; i < n; i++)
		total += cases[i].per_isn ? 3 : 1;
	printf("1..%u\n", total);
	for (i = 0; i < n; i++) {
		unsigned int runs = cases[i].per_isn ? 3 : 1;

		for (k = 0; k < runs; k++) {
			struct th *t = calloc(1, sizeof(*t));

			t->case_name = cases[i].name;
			t->isn_idx = k;
			t->l_isn = l_isn_base[k];
			t->p_isn = p_isn_base[k];
			th_conf_default(t);
			cases[i].fn(t);
			th_stop(t);
			num++;
			if (t->failures > 0)
				failed++;
			if (t->skip != NULL && t->failures == 0)
				printf("ok %u - %s # SKIP %s\n", num,
					cases[i].name, t->skip);
			else if (cases[i].per_isn)
				printf("%sok %u - %s [isn 0x%08x/0x%08x]\n",
					t->failures ? "not " : "", num,
					cases[i].name, t->l_isn, t->p_isn);
			else
				printf("%sok %u - %s\n", t->failures ? "not " : "",
					num, cases[i].name);
			fflush(stdout);
			free(t);
		}
	}
	rte_eth_dev_stop(0);
	rte_eal_cleanup();
	return failed ? 1 : 0;
}
