/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * L2/L3: ARP (answers, cache, resolution, bounds), IPv4 and Ethernet input
 * validation with one counter per drop reason, and ICMP echo.
 */

#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "harness.h"
#include "net/net.h"

/* RTE_IPV4() shifts an int: undefined for a first octet >= 128. */
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
	(uint32_t)(c) << 8 | (uint32_t)(d))
#define HOST(n) IP4(10, 0, 0, (n))
#define GW_IP HOST(254)
#define FAR_IP IP4(192, 168, 1, 1)
#define NSTAT 256

static const struct rte_ether_addr peer_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static const struct rte_ether_addr bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr zero_mac;

/* A unicast MAC for host number @n (02:00:00:00:01:n). */
static struct rte_ether_addr
host_mac(uint8_t n)
{
	struct rte_ether_addr m = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x01, n } };

	return m;
}

static bool
mac_eq(const struct rte_ether_addr *a, const struct rte_ether_addr *b)
{
	return rte_is_same_ether_addr(a, b);
}

/* ---- counters ---- */

struct snap {
	int n;
	struct rte_tlsoff_stat st[NSTAT];
};

static void
snap_take(struct th *t, struct snap *s)
{
	s->n = rte_tlsoff_stats_get(t->st, s->st, NSTAT);
	TH_CHECK(t, s->n > 0 && s->n <= NSTAT);
}

static bool
name_in(const char *name, const char *const *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

/*
 * Since @b, every counter in @inc went up by exactly one and every other
 * counter (but the rx_packets totals) stayed put: each drop has its reason.
 */
static void
expect_counted(struct th *t, const struct snap *b, const char *const *inc,
		unsigned int n, const char *what)
{
	struct snap a;
	int i;

	snap_take(t, &a);
	for (i = 0; i < a.n && i < b->n; i++) {
		const char *name = a.st[i].name;
		uint64_t d = a.st[i].value - b->st[i].value;

		if (name_in(name, inc, n))
			TH_CHECK(t, d == 1, "%s: %s went up by %lu, want 1",
				what, name, (unsigned long)d);
		else if (strstr(name, "rx_packets") == NULL)
			TH_CHECK(t, d == 0, "%s: %s went up by %lu, want 0",
				what, name, (unsigned long)d);
	}
}

static void
expect_drop(struct th *t, const struct snap *b, const char *counter,
		const char *what)
{
	expect_counted(t, b, &counter, 1, what);
	TH_CHECK(t, th_pending(t) == 0, "%s: %u frames sent for a dropped "
		"frame", what, th_pending(t));
	th_drain(t);
}

/* ---- ARP frames ---- */

struct arp_f {
	struct rte_ether_addr eth_dst, eth_src;
	uint16_t eth_type;
	uint16_t hrd, pro;
	uint8_t hln, pln;
	uint16_t op;
	struct rte_ether_addr sha, tha;
	uint32_t sip, tip;       /* host order */
};

static void
arp_f_request(struct arp_f *a, const struct rte_ether_addr *mac, uint32_t sip,
		uint32_t tip)
{
	memset(a, 0, sizeof(*a));
	a->eth_dst = bcast_mac;
	a->eth_src = *mac;
	a->eth_type = RTE_ETHER_TYPE_ARP;
	a->hrd = RTE_ARP_HRD_ETHER;
	a->pro = RTE_ETHER_TYPE_IPV4;
	a->hln = 6;
	a->pln = 4;
	a->op = RTE_ARP_OP_REQUEST;
	a->sha = *mac;
	a->sip = sip;
	a->tip = tip;
}

/* The answer @mac/@sip gives to our request. */
static void
arp_f_reply(struct th *t, struct arp_f *a, const struct rte_ether_addr *mac,
		uint32_t sip)
{
	arp_f_request(a, mac, sip, TH_LOCAL_IP);
	a->eth_dst = t->s->mac;
	a->op = RTE_ARP_OP_REPLY;
	a->tha = t->s->mac;
}

/* 60 bytes (the Ethernet minimum, zero padded); returns the length. */
static uint32_t
arp_build(uint8_t *buf, const struct arp_f *a)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(eh + 1);

	memset(buf, 0, 60);
	eh->dst_addr = a->eth_dst;
	eh->src_addr = a->eth_src;
	eh->ether_type = rte_cpu_to_be_16(a->eth_type);
	ah->arp_hardware = rte_cpu_to_be_16(a->hrd);
	ah->arp_protocol = rte_cpu_to_be_16(a->pro);
	ah->arp_hlen = a->hln;
	ah->arp_plen = a->pln;
	ah->arp_opcode = rte_cpu_to_be_16(a->op);
	ah->arp_data.arp_sha = a->sha;
	ah->arp_data.arp_sip = rte_cpu_to_be_32(a->sip);
	ah->arp_data.arp_tha = a->tha;
	ah->arp_data.arp_tip = rte_cpu_to_be_32(a->tip);
	return 60;
}

static void
arp_inject(struct th *t, const struct arp_f *a)
{
	uint8_t buf[60];

	th_inject_frame(t, buf, arp_build(buf, a));
}

static bool
arp_parse(struct th *t, const struct th_seg *seg, struct arp_f *a)
{
	const struct rte_ether_hdr *eh = (const void *)seg->frame;
	const struct rte_arp_hdr *ah = (const void *)(eh + 1);

	if (seg->eth_type != RTE_ETHER_TYPE_ARP)
		return false;
	TH_CHECK(t, seg->frame_len >= 42, "ARP frame of %u bytes",
		seg->frame_len);
	a->eth_dst = eh->dst_addr;
	a->eth_src = eh->src_addr;
	a->eth_type = seg->eth_type;
	a->hrd = rte_be_to_cpu_16(ah->arp_hardware);
	a->pro = rte_be_to_cpu_16(ah->arp_protocol);
	a->hln = ah->arp_hlen;
	a->pln = ah->arp_plen;
	a->op = rte_be_to_cpu_16(ah->arp_opcode);
	a->sha = ah->arp_data.arp_sha;
	a->tha = ah->arp_data.arp_tha;
	a->sip = rte_be_to_cpu_32(ah->arp_data.arp_sip);
	a->tip = rte_be_to_cpu_32(ah->arp_data.arp_tip);
	return true;
}

/* The next captured frame is our broadcast request for @tip. */
static bool
expect_arp_request(struct th *t, uint32_t tip)
{
	struct th_seg seg;
	struct arp_f a;

	if (!th_pop(t, &seg) || !arp_parse(t, &seg, &a)) {
		TH_CHECK(t, false, "no ARP request for %u.%u.%u.%u", tip >> 24,
			(tip >> 16) & 0xff, (tip >> 8) & 0xff, tip & 0xff);
		return false;
	}
	TH_EQ(t, a.op, RTE_ARP_OP_REQUEST);
	TH_CHECK(t, mac_eq(&a.eth_dst, &bcast_mac), "request not broadcast");
	TH_CHECK(t, mac_eq(&a.eth_src, &t->s->mac));
	TH_EQ(t, a.hrd, RTE_ARP_HRD_ETHER);
	TH_EQ(t, a.pro, RTE_ETHER_TYPE_IPV4);
	TH_EQ(t, a.hln, 6);
	TH_EQ(t, a.pln, 4);
	TH_CHECK(t, mac_eq(&a.sha, &t->s->mac));
	TH_EQ(t, a.sip, TH_LOCAL_IP);
	TH_CHECK(t, mac_eq(&a.tha, &zero_mac));
	TH_EQ(t, a.tip, tip);
	return a.tip == tip;
}

/* The neighbour entry for @ip, or NULL. */
static const struct tlsoff_arp_entry *
arp_entry(struct th *t, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < TLSOFF_ARP_ENTRIES; i++)
		if (t->s->arp.e[i].state != TLSOFF_ARP_FREE &&
		    t->s->arp.e[i].ip == ip)
			return &t->s->arp.e[i];
	return NULL;
}

static unsigned int
arp_entries_used(struct th *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < TLSOFF_ARP_ENTRIES; i++)
		n += t->s->arp.e[i].state != TLSOFF_ARP_FREE;
	return n;
}

/* ---- IPv4 / ICMP frames ---- */

struct ip_f {
	struct rte_ether_addr eth_dst, eth_src;
	uint16_t eth_type;
	uint8_t version, ihl;
	int tot_len_adj;         /* added to the true total length */
	uint16_t frag;           /* flags and offset, host order */
	uint8_t ttl, proto;
	uint16_t id;
	uint32_t src, dst;
	bool bad_cksum;
	const uint8_t *opts;     /* first option bytes; NOPs fill the rest */
	uint32_t opts_len;
};

/* A valid datagram from the peer to us. */
static void
ip_f_default(struct th *t, struct ip_f *f, uint8_t proto)
{
	memset(f, 0, sizeof(*f));
	f->eth_dst = t->s->mac;
	f->eth_src = peer_mac;
	f->eth_type = RTE_ETHER_TYPE_IPV4;
	f->version = 4;
	f->ihl = 5;
	f->ttl = 64;
	f->proto = proto;
	f->id = 0x1234;
	f->src = TH_PEER_IP;
	f->dst = TH_LOCAL_IP;
}

/*
 * Header (options: f->opts, then NOPs up to the IHL), then @l4. Returns
 * the frame length.
 */
static uint32_t
ip_build(uint8_t *buf, const struct ip_f *f, const void *l4, uint32_t l4_len)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	uint32_t hlen = RTE_MAX(f->ihl, 5) * 4u;

	eh->dst_addr = f->eth_dst;
	eh->src_addr = f->eth_src;
	eh->ether_type = rte_cpu_to_be_16(f->eth_type);
	memset(ip, 0, hlen);
	memset(ip + 1, RTE_IPV4_HDR_OPT_NOP, hlen - 20);
	if (f->opts_len > 0)
		memcpy(ip + 1, f->opts, RTE_MIN(f->opts_len, hlen - 20));
	ip->version_ihl = (uint8_t)(f->version << 4 | (f->ihl & 0xf));
	ip->total_length = rte_cpu_to_be_16((uint16_t)(hlen + l4_len +
		f->tot_len_adj));
	ip->packet_id = rte_cpu_to_be_16(f->id);
	ip->fragment_offset = rte_cpu_to_be_16(f->frag);
	ip->time_to_live = f->ttl;
	ip->next_proto_id = f->proto;
	ip->src_addr = rte_cpu_to_be_32(f->src);
	ip->dst_addr = rte_cpu_to_be_32(f->dst);
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, hlen);
	if (f->bad_cksum)
		ip->hdr_checksum ^= 0x0101;
	if (l4_len > 0)
		memcpy((uint8_t *)ip + hlen, l4, l4_len);
	return 14 + hlen + l4_len;
}

/* An ICMP message with a correct checksum; returns its length. */
static uint32_t
icmp_build(uint8_t *buf, uint8_t type, uint8_t code, uint16_t id,
		uint16_t seqn, const uint8_t *payload, uint32_t len)
{
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)buf;

	ic->icmp_type = type;
	ic->icmp_code = code;
	ic->icmp_cksum = 0;
	ic->icmp_ident = rte_cpu_to_be_16(id);
	ic->icmp_seq_nb = rte_cpu_to_be_16(seqn);
	if (len > 0)
		memcpy(ic + 1, payload, len);
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(buf, 8 + len);
	return 8 + len;
}

static void
fill_payload(uint8_t *p, uint32_t len, uint32_t salt)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + salt + (i >> 8));
}

#define ECHO_MAX 9000

/* An echo request from @src (MAC @mac) to us; returns the frame length. */
static uint32_t
echo_frame(struct th *t, uint8_t *buf, const struct rte_ether_addr *mac,
		uint32_t src, uint16_t id, uint16_t seqn, const uint8_t *payload,
		uint32_t len)
{
	static uint8_t icmp[ECHO_MAX + 8];
	struct ip_f f;
	uint32_t n = icmp_build(icmp, RTE_IP_ICMP_ECHO_REQUEST, 0, id, seqn,
		payload, len);

	ip_f_default(t, &f, IPPROTO_ICMP);
	f.eth_src = *mac;
	f.src = src;
	return ip_build(buf, &f, icmp, n);
}

/* @seg is the echo reply to @to_ip/@to_mac for (id, seqn, payload). */
static void
check_echo_reply(struct th *t, const struct th_seg *seg,
		const struct rte_ether_addr *to_mac, uint32_t to_ip, uint16_t id,
		uint16_t seqn, const uint8_t *payload, uint32_t len)
{
	const struct rte_ether_hdr *eh = (const void *)seg->frame;
	const struct rte_ipv4_hdr *ip = (const void *)(eh + 1);
	const struct rte_icmp_hdr *ic = (const void *)(ip + 1);

	TH_EQ(t, seg->eth_type, RTE_ETHER_TYPE_IPV4);
	TH_EQ(t, seg->ip_proto, IPPROTO_ICMP);
	TH_EQ(t, seg->frame_len, 14 + 20 + 8 + len);
	if (seg->frame_len != 14 + 20 + 8 + len)
		return;
	TH_CHECK(t, mac_eq(&eh->dst_addr, to_mac), "reply to the wrong MAC");
	TH_CHECK(t, mac_eq(&eh->src_addr, &t->s->mac));
	TH_EQ(t, ip->version_ihl, 0x45);
	TH_EQ(t, rte_raw_cksum(ip, 20), 0xffff);
	TH_EQ(t, rte_be_to_cpu_16(ip->total_length), 20 + 8 + len);
	TH_CHECK(t, ip->time_to_live > 0);
	TH_EQ(t, seg->src, TH_LOCAL_IP);
	TH_EQ(t, seg->dst, to_ip);
	TH_EQ(t, ic->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	TH_EQ(t, ic->icmp_code, 0);
	TH_EQ(t, rte_be_to_cpu_16(ic->icmp_ident), id);
	TH_EQ(t, rte_be_to_cpu_16(ic->icmp_seq_nb), seqn);
	TH_EQ(t, rte_raw_cksum(ic, 8 + len), 0xffff);
	TH_CHECK(t, len == 0 || memcmp(ic + 1, payload, len) == 0,
		"payload not echoed");
}

/* ================= ARP ================= */

/* A request for our address gets the reply RFC 826 describes. */
static void
test_arp_reply(struct th *t)
{
	struct rte_ether_addr m5 = host_mac(5), got;
	struct th_seg seg;
	struct arp_f a, r;
	struct snap b;
	const char *inc[] = { "arp.requests_in", "arp.replies_out",
		"eth.tx_packets" };

	th_start(t);
	snap_take(t, &b);
	arp_f_request(&a, &m5, HOST(5), TH_LOCAL_IP);
	arp_inject(t, &a);
	TH_CHECK(t, th_pop(t, &seg) && arp_parse(t, &seg, &r), "no reply");
	TH_EQ(t, th_pending(t), 0);
	TH_EQ(t, seg.frame_len, 42);
	TH_EQ(t, r.op, RTE_ARP_OP_REPLY);
	TH_CHECK(t, mac_eq(&r.eth_dst, &m5), "reply not sent to the requester");
	TH_CHECK(t, mac_eq(&r.eth_src, &t->s->mac));
	TH_EQ(t, r.hrd, RTE_ARP_HRD_ETHER);
	TH_EQ(t, r.pro, RTE_ETHER_TYPE_IPV4);
	TH_EQ(t, r.hln, 6);
	TH_EQ(t, r.pln, 4);
	TH_CHECK(t, mac_eq(&r.sha, &t->s->mac), "sha is not our MAC");
	TH_EQ(t, r.sip, TH_LOCAL_IP);
	TH_CHECK(t, mac_eq(&r.tha, &m5), "tha is not the requester");
	TH_EQ(t, r.tip, HOST(5));
	expect_counted(t, &b, inc, RTE_DIM(inc), "reply");
	/* The requester is now known (RFC 826: the target adds the sender). */
	TH_EQ(t, tlsoff_arp_lookup(t->s, HOST(5), &got), 0);
	TH_CHECK(t, mac_eq(&got, &m5));
	TH_EQ(t, th_pending(t), 0);
	/* A 42-byte request (no Ethernet padding) is answered as well. */
	{
		uint8_t buf[60];

		arp_build(buf, &a);
		th_inject_frame(t, buf, 42);
		TH_CHECK(t, th_pop(t, &seg) && arp_parse(t, &seg, &r) &&
			r.op == RTE_ARP_OP_REPLY, "42-byte request not answered");
	}
}

/* A request for another address: no answer, counted, nothing learnt. */
static void
test_arp_not_for_us(struct th *t)
{
	struct rte_ether_addr m6 = host_mac(6), m7 = host_mac(7);
	struct snap b;
	struct arp_f a;
	const char *inc[] = { "arp.requests_in", "arp.drop_not_for_us" };
	const struct tlsoff_arp_entry *e;

	th_start(t);
	snap_take(t, &b);
	arp_f_request(&a, &m6, HOST(6), HOST(3));
	arp_inject(t, &a);
	TH_EQ(t, th_pending(t), 0);
	expect_counted(t, &b, inc, RTE_DIM(inc), "request for 10.0.0.3");
	TH_CHECK(t, arp_entry(t, HOST(6)) == NULL,
		"an entry was created from a request not for us");
	/* RFC 826 merge: a known sender is refreshed whatever the target. */
	arp_f_request(&a, &m7, TH_PEER_IP, HOST(3));
	arp_inject(t, &a);
	TH_EQ(t, th_pending(t), 0);
	TH_EQ(t, th_stat(t, "arp.drop_not_for_us"), 2);
	e = arp_entry(t, TH_PEER_IP);
	TH_CHECK(t, e != NULL && mac_eq(&e->mac, &m7),
		"known sender's new address not merged");
}

/* Each malformed ARP frame is dropped and counted, never answered. */
static void
test_arp_malformed(struct th *t)
{
	struct rte_ether_addr m5 = host_mac(5);
	struct rte_ether_addr mcast = {
		.addr_bytes = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } };
	uint8_t buf[60];
	struct arp_f a;
	struct snap b;
	const char *inc[] = { "arp.drop_malformed" };

	th_start(t);
#define ARP_BAD(stmt, what) do { \
		arp_f_request(&a, &m5, HOST(5), TH_LOCAL_IP); \
		stmt; \
		snap_take(t, &b); \
		arp_inject(t, &a); \
		expect_counted(t, &b, inc, 1, what); \
		TH_EQ(t, th_pending(t), 0); \
		th_drain(t); \
	} while (0)
	ARP_BAD(a.hln = 8, "hlen 8");
	ARP_BAD(a.pln = 16, "plen 16");
	ARP_BAD(a.op = 3, "opcode 3 (RARP)");
	ARP_BAD(a.op = 0, "opcode 0");
	ARP_BAD(a.sha = mcast, "multicast sha");
	ARP_BAD(a.sha = bcast_mac, "broadcast sha");
	ARP_BAD(a.hrd = 6, "hardware type 6");
	ARP_BAD(a.pro = RTE_ETHER_TYPE_IPV6, "protocol IPv6");
#undef ARP_BAD
	/* Short: the ARP body stops before the target address. */
	arp_f_request(&a, &m5, HOST(5), TH_LOCAL_IP);
	arp_build(buf, &a);
	snap_take(t, &b);
	th_inject_frame(t, buf, 14 + 20);
	expect_counted(t, &b, inc, 1, "34-byte ARP frame");
	TH_EQ(t, th_pending(t), 0);
	snap_take(t, &b);
	th_inject_frame(t, buf, 41);
	expect_counted(t, &b, inc, 1, "41-byte ARP frame");
	TH_EQ(t, th_pending(t), 0);
	TH_CHECK(t, arp_entry(t, HOST(5)) == NULL,
		"a malformed frame created an entry");
	/* Control: the same request, well formed, is answered. */
	arp_inject(t, &a);
	TH_EQ(t, th_pending(t), 1);
	TH_EQ(t, th_stat(t, "arp.drop_malformed"), 10);
}

/*
 * A request that arrives as two segments (header, then the Ethernet
 * padding) is answered in place; the padding segment must still be freed
 * (arp_fill() once cut the chain without freeing it). The harness checks
 * at the end of the case that its pool is whole again.
 */
static void
test_arp_reply_chained(struct th *t)
{
	struct rte_ether_addr m5 = host_mac(5);
	struct rte_mbuf *m1, *m2;
	struct th_seg seg;
	uint8_t buf[60];
	struct arp_f a, r;

	th_start(t);
	arp_f_request(&a, &m5, HOST(5), TH_LOCAL_IP);
	arp_build(buf, &a);
	m1 = rte_pktmbuf_alloc(t->pool);
	m2 = rte_pktmbuf_alloc(t->pool);
	TH_CHECK(t, m1 != NULL && m2 != NULL);
	if (m1 == NULL || m2 == NULL)
		return;
	memcpy(rte_pktmbuf_append(m1, 42), buf, 42);
	memcpy(rte_pktmbuf_append(m2, 18), buf + 42, 18);
	TH_EQ(t, rte_pktmbuf_chain(m1, m2), 0);
	th_inject_mbuf(t, m1);
	TH_CHECK(t, th_pop(t, &seg) && arp_parse(t, &seg, &r) &&
		r.op == RTE_ARP_OP_REPLY && r.tip == HOST(5), "no reply");
	TH_EQ(t, rte_mempool_avail_count(t->pool), t->pool->size);
}

/* The gratuitous announcement: sip == tip == ours, broadcast. */
static void
test_arp_garp(struct th *t)
{
	struct th_seg seg;
	struct arp_f a;

	t->conf.flags &= ~RTE_TLSOFF_F_NO_GARP;
	th_start(t);
	/* Sent at creation, before the harness took the device over. */
	TH_EQ(t, th_stat(t, "arp.garp_out"), 1);
	TH_EQ(t, th_stat(t, "arp.requests_out"), 0);
	tlsoff_arp_announce(t->s);
	th_run(t);
	TH_CHECK(t, th_pop(t, &seg) && arp_parse(t, &seg, &a), "no GARP");
	TH_EQ(t, a.op, RTE_ARP_OP_REQUEST);
	TH_CHECK(t, mac_eq(&a.eth_dst, &bcast_mac), "GARP not broadcast");
	TH_CHECK(t, mac_eq(&a.eth_src, &t->s->mac));
	TH_CHECK(t, mac_eq(&a.sha, &t->s->mac));
	TH_EQ(t, a.sip, TH_LOCAL_IP);
	TH_EQ(t, a.tip, TH_LOCAL_IP);
	TH_EQ(t, th_stat(t, "arp.garp_out"), 2);
	TH_EQ(t, th_stat(t, "arp.requests_out"), 0);
}

/* With RTE_TLSOFF_F_NO_GARP nothing is announced. */
static void
test_arp_no_garp(struct th *t)
{
	th_start(t);
	TH_EQ(t, th_stat(t, "arp.garp_out"), 0);
	TH_EQ(t, th_stat(t, "eth.tx_packets"), 1); /* th_start's ARP reply */
}

static void
conn_ev(struct rte_tlsoff_conn *c, uint32_t ev, void *arg)
{
	struct th *t = arg;

	(void)c;
	t->ev |= ev;
}

/* connect() to an unknown neighbour: request, SYN held, reply releases it. */
static void
test_arp_resolve_connect(struct th *t)
{
	struct rte_ether_addr m9 = host_mac(9);
	const struct rte_ether_hdr *eh;
	struct th_seg seg;
	struct arp_f a;

	th_start(t);
	tlsoff_stack_set_isn(t->s, t->l_isn);
	t->c = rte_tlsoff_connect(t->st, HOST(9), 443, conn_ev, t);
	TH_CHECK(t, t->c != NULL);
	if (t->c == NULL)
		return;
	th_run(t);
	expect_arp_request(t, HOST(9));
	TH_EQ(t, th_pending(t), 0);     /* the SYN waits */
	TH_EQ(t, th_stat(t, "arp.requests_out"), 1);
	th_advance(t, 50000);
	TH_EQ(t, th_pending(t), 0);
	arp_f_reply(t, &a, &m9, HOST(9));
	arp_inject(t, &a);
	TH_CHECK(t, th_pop(t, &seg) && seg.tcp, "held SYN not released");
	eh = (const void *)seg.frame;
	TH_CHECK(t, mac_eq(&eh->dst_addr, &m9), "SYN sent to the wrong MAC");
	TH_CHECK(t, mac_eq(&eh->src_addr, &t->s->mac));
	TH_EQ(t, seg.flags, TH_SYN);
	TH_EQ(t, seg.seq, t->l_isn);
	TH_EQ(t, seg.dst, HOST(9));
	TH_EQ(t, seg.dport, 443);
	TH_EQ(t, th_pending(t), 0);
	TH_EQ(t, th_stat(t, "arp.queue_drops"), 0);
	TH_EQ(t, th_stat(t, "arp.replies_in"), 1);
	/* Later segments go straight out. */
	th_advance(t, 1100000);
	TH_CHECK(t, th_pop(t, &seg) && seg.tcp && seg.flags == TH_SYN,
		"no SYN retransmission");
	eh = (const void *)seg.frame;
	TH_CHECK(t, mac_eq(&eh->dst_addr, &m9));
	TH_EQ(t, th_stat(t, "arp.requests_out"), 1);
}

/* No reply: TLSOFF_ARP_RETRIES retries 1 s apart, then failure and drop. */
static void
test_arp_resolve_timeout(struct th *t)
{
	uint64_t when[8], start;
	unsigned int n = 0, i;
	struct th_seg seg;
	struct arp_f a;

	t->conf.rto_init_ms = 10000;    /* one SYN only in the window */
	th_start(t);
	t->c = rte_tlsoff_connect(t->st, HOST(9), 443, conn_ev, t);
	TH_CHECK(t, t->c != NULL);
	if (t->c == NULL)
		return;
	start = t->now_us;
	th_run(t);
	while (t->now_us - start < 5000000) {
		while (th_pop(t, &seg)) {
			TH_CHECK(t, !seg.tcp, "a TCP frame left unresolved");
			if (!arp_parse(t, &seg, &a))
				continue;
			TH_EQ(t, a.tip, HOST(9));
			if (n < RTE_DIM(when))
				when[n] = t->now_us - start;
			n++;
		}
		if (t->now_us - start == 3900000) {
			TH_EQ(t, th_stat(t, "arp.resolve_failures"), 0);
			TH_EQ(t, th_stat(t, "arp.queue_drops"), 0);
		}
		th_advance(t, 10000);
	}
	TH_EQ(t, n, 1 + TLSOFF_ARP_RETRIES);
	for (i = 1; i < n && i < RTE_DIM(when); i++)
		TH_CHECK(t, when[i] - when[i - 1] >= 1000000 &&
			when[i] - when[i - 1] <= 1110000,
			"retry %u came %lu us after the previous", i,
			(unsigned long)(when[i] - when[i - 1]));
	TH_EQ(t, th_stat(t, "arp.resolve_failures"), 1);
	TH_EQ(t, th_stat(t, "arp.queue_drops"), 1);
	TH_EQ(t, th_stat(t, "arp.requests_out"), 1 + TLSOFF_ARP_RETRIES);
	TH_CHECK(t, arp_entry(t, HOST(9)) == NULL, "failed entry kept");
}

/* A frame for @dst with IPv4 id @id, as the layer above would hand it. */
static struct rte_mbuf *
udp_frame(struct th *t, uint32_t dst, uint16_t id)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(t->pool);
	uint8_t l4[16];
	struct ip_f f;
	uint8_t buf[64];
	uint32_t n;

	if (m == NULL)
		return NULL;
	memset(l4, 0xab, sizeof(l4));
	ip_f_default(t, &f, IPPROTO_UDP);
	f.src = TH_LOCAL_IP;
	f.dst = dst;
	f.id = id;
	n = ip_build(buf, &f, l4, sizeof(l4));
	memset(buf, 0, 14);     /* the ARP layer writes the Ethernet header */
	memcpy(rte_pktmbuf_append(m, (uint16_t)n), buf, n);
	return m;
}

/* The per-neighbour queue holds TLSOFF_ARP_PENDING frames, in order. */
static void
test_arp_pending_bound(struct th *t)
{
	struct rte_ether_addr m9 = host_mac(9);
	unsigned int i, extra = 3;
	struct th_seg seg;
	struct arp_f a;

	th_start(t);
	for (i = 0; i < TLSOFF_ARP_PENDING + extra; i++) {
		struct rte_mbuf *m = udp_frame(t, HOST(9), (uint16_t)i);

		TH_CHECK(t, m != NULL);
		if (m == NULL)
			return;
		TH_EQ(t, tlsoff_arp_output(t->s, m, HOST(9), NULL), 0);
	}
	th_run(t);
	expect_arp_request(t, HOST(9));
	TH_EQ(t, th_pending(t), 0);
	TH_EQ(t, th_stat(t, "arp.queue_drops"), extra);
	TH_EQ(t, th_stat(t, "arp.requests_out"), 1);
	/* The pool holds exactly the queued frames. */
	TH_EQ(t, t->pool->size - rte_mempool_avail_count(t->pool),
		TLSOFF_ARP_PENDING);
	arp_f_reply(t, &a, &m9, HOST(9));
	arp_inject(t, &a);
	TH_EQ(t, th_pending(t), TLSOFF_ARP_PENDING);
	for (i = 0; i < TLSOFF_ARP_PENDING && th_pop(t, &seg); i++) {
		const struct rte_ether_hdr *eh = (const void *)seg.frame;
		const struct rte_ipv4_hdr *ip = (const void *)(eh + 1);

		TH_EQ(t, seg.eth_type, RTE_ETHER_TYPE_IPV4);
		TH_CHECK(t, mac_eq(&eh->dst_addr, &m9), "frame %u: wrong MAC", i);
		TH_CHECK(t, mac_eq(&eh->src_addr, &t->s->mac));
		TH_EQ(t, rte_be_to_cpu_16(ip->packet_id), i);
		TH_EQ(t, seg.dst, HOST(9));
	}
	TH_EQ(t, i, TLSOFF_ARP_PENDING);
	TH_EQ(t, th_stat(t, "arp.queue_drops"), extra);
}

/*
 * The cache holds TLSOFF_ARP_ENTRIES; a new neighbour evicts the least
 * recently used resolved entry; entries still resolving are never evicted.
 */
static void
test_arp_table_bound(struct th *t)
{
	struct rte_ether_addr mac, mnew;
	unsigned int i, nreq = 0;
	struct th_seg seg;
	struct arp_f a, r;

	th_start(t);
	for (i = 0; i < TLSOFF_ARP_ENTRIES - 1; i++) {
		mac = host_mac((uint8_t)(10 + i));
		th_advance(t, 1000);
		arp_f_request(&a, &mac, HOST(10 + i), TH_LOCAL_IP);
		arp_inject(t, &a);
	}
	th_drain(t);
	TH_EQ(t, arp_entries_used(t), TLSOFF_ARP_ENTRIES);
	TH_EQ(t, th_stat(t, "arp.table_full"), 0);
	/* The peer is the oldest entry; use it so that 10.0.0.10 is LRU. */
	th_advance(t, 1000);
	TH_EQ(t, tlsoff_arp_lookup(t->s, TH_PEER_IP, &mac), 0);
	th_advance(t, 1000);
	mnew = host_mac(200);
	arp_f_request(&a, &mnew, HOST(200), TH_LOCAL_IP);
	arp_inject(t, &a);
	TH_CHECK(t, th_pop(t, &seg) && arp_parse(t, &seg, &r) &&
		r.op == RTE_ARP_OP_REPLY, "no reply with a full table");
	TH_EQ(t, arp_entries_used(t), TLSOFF_ARP_ENTRIES);
	TH_CHECK(t, arp_entry(t, HOST(200)) != NULL, "new neighbour not cached");
	TH_CHECK(t, arp_entry(t, HOST(10)) == NULL, "LRU entry not evicted");
	TH_CHECK(t, arp_entry(t, TH_PEER_IP) != NULL, "recently used evicted");
	TH_CHECK(t, arp_entry(t, HOST(11)) != NULL);
	/* Touch 10.0.0.11: 10.0.0.12 goes next. */
	th_advance(t, 1000);
	TH_EQ(t, tlsoff_arp_lookup(t->s, HOST(11), &mac), 0);
	th_advance(t, 1000);
	mnew = host_mac(201);
	arp_f_request(&a, &mnew, HOST(201), TH_LOCAL_IP);
	arp_inject(t, &a);
	th_drain(t);
	TH_CHECK(t, arp_entry(t, HOST(12)) == NULL, "LRU entry not evicted");
	TH_CHECK(t, arp_entry(t, HOST(11)) != NULL, "recently used evicted");
	TH_CHECK(t, arp_entry(t, HOST(201)) != NULL);
	/* Fill the table with resolutions in progress. */
	for (i = 0; i < TLSOFF_ARP_ENTRIES; i++)
		TH_EQ(t, tlsoff_arp_lookup(t->s, IP4(10, 0, 1, i), &mac),
			-EAGAIN);
	while (th_pop(t, &seg))
		nreq += arp_parse(t, &seg, &r) && r.op == RTE_ARP_OP_REQUEST;
	TH_EQ(t, nreq, TLSOFF_ARP_ENTRIES);
	TH_EQ(t, arp_entries_used(t), TLSOFF_ARP_ENTRIES);
	TH_CHECK(t, arp_entry(t, TH_PEER_IP) == NULL);
	/* Nothing can be evicted now: refused and counted. */
	TH_EQ(t, tlsoff_arp_lookup(t->s, IP4(10, 0, 2, 1), &mac), -ENOSPC);
	TH_EQ(t, th_stat(t, "arp.table_full"), 1);
	TH_EQ(t, th_pending(t), 0);
	{
		struct rte_mbuf *m = udp_frame(t, IP4(10, 0, 2, 1), 1);

		TH_EQ(t, tlsoff_arp_output(t->s, m, IP4(10, 0, 2, 1), NULL),
			0);
		TH_EQ(t, th_stat(t, "arp.queue_drops"), 1);
		TH_EQ(t, th_stat(t, "arp.table_full"), 2);
	}
	/* A request for us is still answered, without an entry. */
	mnew = host_mac(202);
	arp_f_request(&a, &mnew, HOST(202), TH_LOCAL_IP);
	arp_inject(t, &a);
	TH_CHECK(t, th_pop(t, &seg) && arp_parse(t, &seg, &r) &&
		r.op == RTE_ARP_OP_REPLY && mac_eq(&r.eth_dst, &mnew));
	TH_EQ(t, th_stat(t, "arp.table_full"), 3);
	TH_CHECK(t, arp_entry(t, HOST(202)) == NULL);
	/* Every held entry still resolves when its answer comes. */
	mnew = host_mac(3);
	arp_f_reply(t, &a, &mnew, IP4(10, 0, 1, 5));
	arp_inject(t, &a);
	TH_EQ(t, tlsoff_arp_lookup(t->s, IP4(10, 0, 1, 5), &mac), 0);
	TH_CHECK(t, mac_eq(&mac, &mnew));
}

/* Off-subnet without a gateway: dropped as unroutable. */
static void
test_no_route(struct th *t)
{
	static uint8_t buf[128];
	uint8_t payload[32];

	th_start(t);
	t->c = rte_tlsoff_connect(t->st, FAR_IP, 443, conn_ev, t);
	TH_CHECK(t, t->c != NULL);
	th_run(t);
	TH_EQ(t, th_pending(t), 0);
	TH_EQ(t, th_stat(t, "ip.drop_no_route"), 1);
	TH_EQ(t, th_stat(t, "arp.requests_out"), 0);
	/* An echo request from off-subnet cannot be answered either. */
	fill_payload(payload, sizeof(payload), 1);
	th_inject_frame(t, buf, echo_frame(t, buf, &peer_mac,
		IP4(192, 168, 7, 7), 1, 1, payload, sizeof(payload)));
	TH_EQ(t, th_pending(t), 0);
	TH_EQ(t, th_stat(t, "ip.drop_no_route"), 2);
	TH_EQ(t, th_stat(t, "arp.requests_out"), 0);
}

/* Off-subnet with a gateway: resolve the gateway, send through it. */
static void
test_gateway(struct th *t)
{
	struct rte_ether_addr mgw = host_mac(254);
	static uint8_t buf[128];
	const struct rte_ether_hdr *eh;
	uint8_t payload[32];
	struct th_seg seg;
	struct arp_f a;

	t->conf.gateway = GW_IP;
	th_start(t);
	tlsoff_stack_set_isn(t->s, t->l_isn);
	t->c = rte_tlsoff_connect(t->st, FAR_IP, 443, conn_ev, t);
	TH_CHECK(t, t->c != NULL);
	th_run(t);
	expect_arp_request(t, GW_IP);
	TH_EQ(t, th_pending(t), 0);
	TH_CHECK(t, arp_entry(t, FAR_IP) == NULL, "resolving the far host");
	arp_f_reply(t, &a, &mgw, GW_IP);
	arp_inject(t, &a);
	TH_CHECK(t, th_pop(t, &seg) && seg.tcp, "SYN not released");
	eh = (const void *)seg.frame;
	TH_CHECK(t, mac_eq(&eh->dst_addr, &mgw), "not sent to the gateway");
	TH_EQ(t, seg.dst, FAR_IP);
	TH_EQ(t, seg.flags, TH_SYN);
	/* Replies to far hosts take the same way. */
	fill_payload(payload, sizeof(payload), 2);
	th_inject_frame(t, buf, echo_frame(t, buf, &mgw,
		IP4(192, 168, 7, 7), 9, 10, payload, sizeof(payload)));
	TH_CHECK(t, th_pop(t, &seg), "no echo reply");
	check_echo_reply(t, &seg, &mgw, IP4(192, 168, 7, 7), 9, 10,
		payload, sizeof(payload));
	TH_EQ(t, th_stat(t, "ip.drop_no_route"), 0);
	TH_EQ(t, th_stat(t, "arp.requests_out"), 1);
}

/* ================= IPv4 and Ethernet input ================= */

/* Inject @f + a small echo request and expect a drop under @counter. */
static void
ip_drop(struct th *t, const struct ip_f *f, const char *counter,
		const char *what)
{
	static uint8_t buf[256];
	uint8_t icmp[64], payload[24];
	struct snap b;
	uint32_t n;

	fill_payload(payload, sizeof(payload), 3);
	n = icmp_build(icmp, RTE_IP_ICMP_ECHO_REQUEST, 0, 7, 7, payload,
		sizeof(payload));
	n = ip_build(buf, f, icmp, n);
	snap_take(t, &b);
	th_inject_frame(t, buf, n);
	expect_drop(t, &b, counter, what);
}

/* Inject @f + an echo request and expect the reply. */
static void
ip_accept(struct th *t, const struct ip_f *f, const char *what)
{
	static uint8_t buf[256];
	uint8_t icmp[64], payload[24];
	struct th_seg seg;
	uint32_t n;

	fill_payload(payload, sizeof(payload), 4);
	n = icmp_build(icmp, RTE_IP_ICMP_ECHO_REQUEST, 0, 8, 9, payload,
		sizeof(payload));
	n = ip_build(buf, f, icmp, n);
	th_inject_frame(t, buf, n);
	TH_CHECK(t, th_pop(t, &seg), "%s: not accepted", what);
	check_echo_reply(t, &seg, &peer_mac, TH_PEER_IP, 8, 9, payload,
		sizeof(payload));
	TH_EQ(t, th_pending(t), 0);
}

/* IPv4 options (RFC 791 3.1). */
static const uint8_t opt_lsrr[] = { 131, 3, 4 };
static const uint8_t opt_ssrr[] = { 137, 3, 4 };
static const uint8_t opt_lsrr_late[] = { 1, 148, 4, 0, 0, 131, 7, 4,
	10, 0, 0, 9 };
static const uint8_t opt_len0[] = { 7, 0 };
static const uint8_t opt_len1[] = { 7, 1 };
static const uint8_t opt_long[] = { 7, 5, 4 };
static const uint8_t opt_cut[] = { 1, 1, 1, 7 };
/* Router alert (RFC 2113), record route with room for two, then EOL. */
static const uint8_t opt_known[] = { 148, 4, 0, 0, 7, 11, 4, 0, 0, 0, 0,
	0, 0, 0, 0, 0 };
/* An option nobody implements (type 30, experimental), EOL, then junk. */
static const uint8_t opt_unknown[] = { 30, 6, 1, 2, 3, 4, 0, 0xff };

static void
test_ipv4_header_checks(struct th *t)
{
	struct ip_f f;

	th_start(t);
	ip_f_default(t, &f, IPPROTO_ICMP);
	ip_accept(t, &f, "valid datagram");
	f.frag = RTE_IPV4_HDR_DF_FLAG;
	ip_accept(t, &f, "DF set");
	/* Options are ignored (RFC 1122 3.2.1.8): the datagram is served. */
	ip_f_default(t, &f, IPPROTO_ICMP);
	f.ihl = 6;
	ip_accept(t, &f, "IHL 6 (NOP options)");
	f.ihl = 15;
	ip_accept(t, &f, "IHL 15 (NOP options)");
	f.ihl = 9;
	f.opts = opt_known;
	f.opts_len = sizeof(opt_known);
	ip_accept(t, &f, "router alert and record route");
	f.ihl = 7;
	f.opts = opt_unknown;
	f.opts_len = sizeof(opt_unknown);
	ip_accept(t, &f, "unknown option, EOL");
	TH_EQ(t, th_stat(t, "ip.drop_options"), 0);
#define IP_BAD(stmt, counter, what) do { \
		ip_f_default(t, &f, IPPROTO_ICMP); \
		stmt; \
		ip_drop(t, &f, counter, what); \
	} while (0)
	IP_BAD(f.version = 6, "ip.drop_bad_version", "version 6");
	IP_BAD(f.version = 0, "ip.drop_bad_version", "version 0");
	IP_BAD(f.ihl = 4, "ip.drop_bad_ihl", "IHL 4");
	IP_BAD(f.ihl = 0, "ip.drop_bad_ihl", "IHL 0");
	IP_BAD((f.ihl = 6, f.opts = opt_lsrr, f.opts_len = sizeof(opt_lsrr)),
		"ip.drop_options", "loose source route");
	IP_BAD((f.ihl = 6, f.opts = opt_ssrr, f.opts_len = sizeof(opt_ssrr)),
		"ip.drop_options", "strict source route");
	IP_BAD((f.ihl = 7, f.opts = opt_lsrr_late,
		f.opts_len = sizeof(opt_lsrr_late)), "ip.drop_options",
		"source route after other options");
	IP_BAD((f.ihl = 6, f.opts = opt_len0, f.opts_len = sizeof(opt_len0)),
		"ip.drop_options", "option length 0");
	IP_BAD((f.ihl = 6, f.opts = opt_len1, f.opts_len = sizeof(opt_len1)),
		"ip.drop_options", "option length 1");
	IP_BAD((f.ihl = 6, f.opts = opt_long, f.opts_len = sizeof(opt_long)),
		"ip.drop_options", "option longer than the header");
	IP_BAD((f.ihl = 6, f.opts = opt_cut, f.opts_len = sizeof(opt_cut)),
		"ip.drop_options", "option type without its length");
	IP_BAD((f.ihl = 15, f.tot_len_adj = -(60 + 8 + 24) + 59),
		"ip.drop_bad_len", "total length shorter than the header");
	IP_BAD(f.tot_len_adj = 1, "ip.drop_bad_len", "total length > frame");
	IP_BAD(f.tot_len_adj = 1000, "ip.drop_bad_len", "total length >> frame");
	IP_BAD(f.tot_len_adj = -(20 + 8 + 24) + 19, "ip.drop_bad_len",
		"total length 19");
	IP_BAD(f.bad_cksum = true, "ip.drop_bad_cksum", "header checksum");
	IP_BAD(f.frag = RTE_IPV4_HDR_MF_FLAG, "ip.drop_fragment", "MF set");
	IP_BAD(f.frag = 1, "ip.drop_fragment", "offset 8");
	IP_BAD(f.frag = RTE_IPV4_HDR_DF_FLAG | 185, "ip.drop_fragment",
		"last fragment, offset 1480");
	IP_BAD(f.dst = HOST(3), "ip.drop_not_for_us", "dst 10.0.0.3");
	IP_BAD(f.dst = UINT32_MAX, "ip.drop_not_for_us", "dst broadcast");
	IP_BAD(f.dst = IP4(224, 0, 0, 1), "ip.drop_not_for_us",
		"dst multicast");
	IP_BAD(f.src = 0, "ip.drop_not_for_us", "src 0.0.0.0");
	IP_BAD(f.src = TH_LOCAL_IP, "ip.drop_not_for_us", "src is our own");
	IP_BAD(f.src = UINT32_MAX, "ip.drop_not_for_us", "src broadcast");
	IP_BAD(f.src = IP4(224, 0, 0, 5), "ip.drop_not_for_us",
		"src multicast 224/4");
	IP_BAD(f.src = IP4(239, 255, 255, 250), "ip.drop_not_for_us",
		"src multicast 239/8");
	IP_BAD(f.src = IP4(127, 0, 0, 1), "ip.drop_not_for_us",
		"src 127.0.0.1");
	IP_BAD(f.src = IP4(127, 9, 9, 9), "ip.drop_not_for_us",
		"src 127.9.9.9");
	IP_BAD(f.src = HOST(255), "ip.drop_not_for_us",
		"src subnet broadcast");
	IP_BAD(f.proto = IPPROTO_UDP, "ip.drop_unknown_proto", "UDP");
	IP_BAD(f.proto = 41, "ip.drop_unknown_proto", "IPv6-in-IPv4");
#undef IP_BAD
	/* Control again, so the drops above did not break the input path. */
	ip_f_default(t, &f, IPPROTO_ICMP);
	ip_accept(t, &f, "valid datagram after the drops");
}

static void
test_runt_frames(struct th *t)
{
	static uint8_t buf[256];
	uint8_t icmp[16];
	struct snap b;
	struct ip_f f;
	uint32_t n;

	th_start(t);
	ip_f_default(t, &f, IPPROTO_ICMP);
	n = icmp_build(icmp, RTE_IP_ICMP_ECHO_REQUEST, 0, 1, 1, NULL, 0);
	n = ip_build(buf, &f, icmp, n);
	TH_EQ(t, n, 42);
	snap_take(t, &b);
	th_inject_frame(t, buf, 14 + 19);
	expect_drop(t, &b, "ip.drop_short", "IPv4 header cut at 19 bytes");
	snap_take(t, &b);
	th_inject_frame(t, buf, 14);
	expect_drop(t, &b, "ip.drop_short", "Ethernet header only");
	snap_take(t, &b);
	th_inject_frame(t, buf, 13);
	expect_drop(t, &b, "eth.drop_short", "13-byte frame");
	snap_take(t, &b);
	th_inject_frame(t, buf, 1);
	expect_drop(t, &b, "eth.drop_short", "1-byte frame");
	/* ICMP cut at 4 bytes inside a consistent IPv4 header. */
	ip_f_default(t, &f, IPPROTO_ICMP);
	n = ip_build(buf, &f, icmp, 4);
	snap_take(t, &b);
	th_inject_frame(t, buf, n);
	expect_drop(t, &b, "icmp.drop_malformed", "4-byte ICMP message");
	/* A 60-byte header (IHL 15) cut at 40 bytes. */
	ip_f_default(t, &f, IPPROTO_ICMP);
	f.ihl = 15;
	n = ip_build(buf, &f, icmp, 8);
	snap_take(t, &b);
	th_inject_frame(t, buf, 14 + 40);
	expect_drop(t, &b, "ip.drop_bad_ihl", "IHL 15 in a 40-byte datagram");
}

/*
 * Add IPv4 options (@opts, NOP padded to a multiple of 4) to a frame the
 * harness built; the TCP checksum does not cover them. Returns the length.
 */
static uint32_t
ip_add_opts(uint8_t *frame, uint32_t len, const uint8_t *opts,
		uint32_t opts_len)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + 14);
	uint32_t olen = (opts_len + 3) & ~3u;

	memmove(frame + 14 + 20 + olen, frame + 14 + 20, len - 14 - 20);
	memset(frame + 14 + 20, RTE_IPV4_HDR_OPT_NOP, olen);
	memcpy(frame + 14 + 20, opts, opts_len);
	ip->version_ihl = (uint8_t)(0x40 | (20 + olen) / 4);
	ip->total_length = rte_cpu_to_be_16(
		(uint16_t)(rte_be_to_cpu_16(ip->total_length) + olen));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, 20 + olen);
	return len + olen;
}

/*
 * RFC 1122 3.2.1.8: a host ignores the IP options it does not implement.
 * TCP behind options is served like any other: handshake, data at the right
 * offset, replies without options; an echo request in a chained mbuf too.
 */
static void
test_ipv4_options_ignored(struct th *t)
{
	static uint8_t buf[9300], ebuf[9300], payload[3000];
	uint8_t in[64];
	struct rte_mbuf *m[2];
	struct th_seg seg;
	uint32_t n, i, j;

	th_start(t);
	th_listen(t);
	t->p_ts = true;
	tlsoff_stack_set_isn(t->s, t->l_isn);
	n = th_frame_build(t, buf, TH_SYN, t->p_isn, 0, NULL, 0, NULL);
	th_inject_frame(t, buf, ip_add_opts(buf, n, opt_known,
		sizeof(opt_known)));
	TH_CHECK(t, th_pop_tcp(t, &seg), "no SYN-ACK to a SYN with options");
	TH_EQ(t, seg.flags, TH_SYN | TH_ACK);
	TH_EQ(t, seg.ack, t->p_isn + 1);
	TH_EQ(t, seg.frame[14], 0x45);
	t->ts_ok = seg.opts.has_ts;
	t->p_nxt = t->p_isn + 1;
	t->p_ack = t->l_isn + 1;
	n = th_frame_build(t, buf, TH_ACK, t->p_nxt, t->p_ack, NULL, 0, NULL);
	th_inject_frame(t, buf, ip_add_opts(buf, n, opt_unknown,
		sizeof(opt_unknown)));
	TH_CHECK(t, t->c != NULL, "handshake ACK with options not taken");
	if (t->c == NULL)
		return;
	for (i = 0; i < 40; i++)
		in[i] = (uint8_t)(i * 3 + 1);
	n = th_frame_build(t, buf, TH_ACK | TH_PSH, t->p_nxt, t->p_ack, in,
		40, NULL);
	th_inject_frame(t, buf, ip_add_opts(buf, n, opt_known,
		sizeof(opt_known)));
	t->p_nxt += 40;
	memset(payload, 0, 64);
	TH_EQ(t, rte_tlsoff_recv(t->c, payload, 64), 40);
	TH_CHECK(t, memcmp(payload, in, 40) == 0, "payload read at the "
		"wrong offset");
	TH_EQ(t, th_stat(t, "tcp.drop_bad_cksum"), 0);
	/*
	 * An echo with options in two segments: answered when the headers
	 * are in the first; counted, not answered, when the cut is inside
	 * the options (they are removed in place).
	 */
	th_drain(t);
	fill_payload(payload, sizeof(payload), 9);
	n = echo_frame(t, ebuf, &peer_mac, TH_PEER_IP, 3, 4, payload,
		sizeof(payload));
	n = ip_add_opts(ebuf, n, opt_known, sizeof(opt_known));
	th_inject_frame(t, ebuf, n);
	TH_CHECK(t, th_pop(t, &seg), "no reply to an echo with options");
	check_echo_reply(t, &seg, &peer_mac, TH_PEER_IP, 3, 4, payload,
		sizeof(payload));
	for (j = 0; j < 2; j++) {
		uint32_t cut = j == 0 ? 100 : 40;

		for (i = 0; i < 2; i++) {
			uint32_t off = i == 0 ? 0 : cut;
			uint32_t k = i == 0 ? cut : n - cut;

			m[i] = rte_pktmbuf_alloc(t->pool);
			TH_CHECK(t, m[i] != NULL);
			if (m[i] == NULL)
				return;
			memcpy(rte_pktmbuf_append(m[i], (uint16_t)k),
				ebuf + off, k);
		}
		rte_pktmbuf_chain(m[0], m[1]);
		th_inject_mbuf(t, m[0]);
		if (j == 0) {
			TH_CHECK(t, th_pop(t, &seg), "no reply to a chained "
				"echo with options");
			check_echo_reply(t, &seg, &peer_mac, TH_PEER_IP, 3, 4,
				payload, sizeof(payload));
		}
	}
	TH_EQ(t, th_stat(t, "eth.drop_multiseg"), 1);
	TH_EQ(t, th_pending(t), 0);
	TH_EQ(t, th_stat(t, "ip.drop_options"), 0);
}

/* No mbuf for an ARP request: an ARP counter, not TCP's; the retry works. */
static void
test_arp_request_no_mbuf(struct th *t)
{
	static struct rte_mbuf *held[8192];
	static uint8_t buf[256];
	struct rte_ether_addr m7 = host_mac(7);
	uint8_t payload[40];
	unsigned int nh = 0, i;
	struct th_seg seg;
	struct arp_f a;

	th_start(t);
	fill_payload(payload, sizeof(payload), 5);
	while (nh < RTE_DIM(held) &&
	       (held[nh] = rte_pktmbuf_alloc(t->s->hdr_pool)) != NULL)
		nh++;
	/* The reply is held for HOST(7), whose resolution cannot start. */
	th_inject_frame(t, buf, echo_frame(t, buf, &m7, HOST(7), 77, 1,
		payload, sizeof(payload)));
	TH_EQ(t, th_pending(t), 0);
	TH_EQ(t, th_stat(t, "arp.drop_no_mbuf"), 1);
	TH_EQ(t, th_stat(t, "arp.requests_out"), 0);
	TH_EQ(t, th_stat(t, "tcp.drop_no_mbuf"), 0);
	for (i = 0; i < nh; i++)
		rte_pktmbuf_free(held[i]);
	/* The retry a second later asks, and the reply goes out. */
	th_advance(t, 1100000);
	expect_arp_request(t, HOST(7));
	arp_f_reply(t, &a, &m7, HOST(7));
	arp_inject(t, &a);
	TH_CHECK(t, th_pop(t, &seg), "held echo reply not sent");
	check_echo_reply(t, &seg, &m7, HOST(7), 77, 1, payload,
		sizeof(payload));
}

static void
test_eth_checks(struct th *t)
{
	struct rte_ether_addr other = host_mac(77);
	struct rte_ether_addr mcast = {
		.addr_bytes = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } };
	struct ip_f f;

	th_start(t);
	ip_f_default(t, &f, IPPROTO_ICMP);
	f.eth_dst = other;
	ip_drop(t, &f, "eth.drop_not_for_us", "other unicast MAC");
	f.eth_dst = mcast;
	ip_drop(t, &f, "eth.drop_not_for_us", "multicast MAC");
	ip_f_default(t, &f, IPPROTO_ICMP);
	f.eth_type = RTE_ETHER_TYPE_IPV6;
	ip_drop(t, &f, "eth.drop_unknown_type", "IPv6 ethertype");
	f.eth_type = RTE_ETHER_TYPE_VLAN;
	ip_drop(t, &f, "eth.drop_unknown_type", "VLAN tag");
	/* Broadcast is for us. */
	ip_f_default(t, &f, IPPROTO_ICMP);
	f.eth_dst = bcast_mac;
	ip_accept(t, &f, "broadcast MAC");
}

/* Ethernet padding (IP total length < frame) is trimmed, not refused. */
static void
test_eth_padding(struct th *t)
{
	static uint8_t buf[256];
	struct th_opts none = { .raw = (const uint8_t *)"", .raw_len = 0 };
	uint8_t icmp[16];
	struct th_seg seg;
	struct ip_f f;
	uint32_t n;

	th_start(t);
	th_listen(t);
	tlsoff_stack_set_isn(t->s, t->l_isn);
	n = th_frame_build(t, buf, TH_SYN, t->p_isn, 0, NULL, 0, &none);
	TH_EQ(t, n, 54);
	memset(buf + n, 0, 60 - n);
	th_inject_frame(t, buf, 60);
	TH_CHECK(t, th_pop_tcp(t, &seg), "padded SYN not answered");
	TH_EQ(t, seg.flags, TH_SYN | TH_ACK);
	TH_EQ(t, seg.ack, t->p_isn + 1);
	/* Non-zero padding must not enter the TCP checksum either. */
	t->pport++;
	n = th_frame_build(t, buf, TH_SYN, t->p_isn + 1000, 0, NULL, 0, &none);
	memset(buf + n, 0xa5, 128 - n);
	th_inject_frame(t, buf, 128);
	TH_CHECK(t, th_pop_tcp(t, &seg), "SYN with junk padding not answered");
	TH_EQ(t, seg.flags, TH_SYN | TH_ACK);
	TH_EQ(t, seg.ack, t->p_isn + 1001);
	TH_EQ(t, seg.len, 0);
	TH_EQ(t, th_stat(t, "tcp.drop_bad_cksum"), 0);
	/* An empty echo padded to 60 bytes: the reply is not padded. */
	ip_f_default(t, &f, IPPROTO_ICMP);
	n = icmp_build(icmp, RTE_IP_ICMP_ECHO_REQUEST, 0, 3, 4, NULL, 0);
	n = ip_build(buf, &f, icmp, n);
	memset(buf + n, 0x5a, 60 - n);
	th_inject_frame(t, buf, 60);
	TH_CHECK(t, th_pop(t, &seg), "padded echo not answered");
	check_echo_reply(t, &seg, &peer_mac, TH_PEER_IP, 3, 4, NULL, 0);
}

/* ================= ICMP ================= */

static void
echo_round(struct th *t, uint32_t len, uint16_t id, uint16_t seqn)
{
	static uint8_t buf[ECHO_MAX + 64], payload[ECHO_MAX];
	struct th_seg seg;

	fill_payload(payload, len, id);
	th_inject_frame(t, buf, echo_frame(t, buf, &peer_mac, TH_PEER_IP, id,
		seqn, payload, len));
	TH_CHECK(t, th_pop(t, &seg), "no echo reply for %u bytes", len);
	check_echo_reply(t, &seg, &peer_mac, TH_PEER_IP, id, seqn, payload, len);
	TH_EQ(t, th_pending(t), 0);
}

static void
test_icmp_echo(struct th *t)
{
	th_start(t);
	echo_round(t, 56, 0x1234, 1);
	echo_round(t, 0, 0xffff, 0xffff);
	echo_round(t, 1001, 0x8001, 2);   /* odd length */
	echo_round(t, 1472, 7, 3);
	echo_round(t, 8000, 0xbeef, 4);   /* multi-KB (jumbo) */
	TH_EQ(t, th_stat(t, "icmp.echo_requests"), 5);
	TH_EQ(t, th_stat(t, "icmp.echo_replies"), 5);
}

/* A 6000-byte echo spread over three segments. */
static void
test_icmp_echo_chained(struct th *t)
{
	static uint8_t buf[ECHO_MAX + 64], payload[ECHO_MAX];
	const uint32_t len = 6000, cut[2] = { 100, 2500 };
	struct rte_mbuf *m[3];
	struct th_seg seg;
	uint32_t n, off = 0, i;

	th_start(t);
	fill_payload(payload, len, 11);
	n = echo_frame(t, buf, &peer_mac, TH_PEER_IP, 5, 6, payload, len);
	for (i = 0; i < 3; i++) {
		uint32_t k = i < 2 ? cut[i] - off : n - off;

		m[i] = rte_pktmbuf_alloc(t->pool);
		TH_CHECK(t, m[i] != NULL);
		if (m[i] == NULL)
			return;
		memcpy(rte_pktmbuf_append(m[i], (uint16_t)k), buf + off, k);
		off += k;
		if (i > 0)
			TH_EQ(t, rte_pktmbuf_chain(m[0], m[i]), 0);
	}
	th_inject_mbuf(t, m[0]);
	TH_CHECK(t, th_pop(t, &seg), "no reply to a chained echo");
	check_echo_reply(t, &seg, &peer_mac, TH_PEER_IP, 5, 6, payload, len);
}

/* Requester not in the cache: reply held for ARP, then sent. */
static void
test_icmp_echo_unknown_host(struct th *t)
{
	static uint8_t buf[256];
	struct rte_ether_addr m7 = host_mac(7);
	uint8_t payload[40];
	struct th_seg seg;
	struct arp_f a;

	th_start(t);
	fill_payload(payload, sizeof(payload), 5);
	th_inject_frame(t, buf, echo_frame(t, buf, &m7, HOST(7), 77, 1,
		payload, sizeof(payload)));
	expect_arp_request(t, HOST(7));
	TH_EQ(t, th_pending(t), 0);
	arp_f_reply(t, &a, &m7, HOST(7));
	arp_inject(t, &a);
	TH_CHECK(t, th_pop(t, &seg), "held echo reply not sent");
	check_echo_reply(t, &seg, &m7, HOST(7), 77, 1, payload,
		sizeof(payload));
}

static void
test_icmp_drops(struct th *t)
{
	static uint8_t buf[256];
	uint8_t icmp[128], payload[32];
	struct snap b;
	struct ip_f f;
	uint32_t n;
	const struct {
		uint8_t type, code;
		const char *what;
	} other[] = {
		{ RTE_IP_ICMP_ECHO_REPLY, 0, "echo reply" },
		{ 3, 4, "destination unreachable, frag needed" },
		{ 11, 0, "time exceeded" },
		{ 13, 0, "timestamp request" },
		{ RTE_IP_ICMP_ECHO_REQUEST, 1, "echo request with code 1" },
	};
	unsigned int i;

	th_start(t);
	fill_payload(payload, sizeof(payload), 6);
	ip_f_default(t, &f, IPPROTO_ICMP);
	/* Checksum off by one bit in the payload. */
	n = icmp_build(icmp, RTE_IP_ICMP_ECHO_REQUEST, 0, 1, 2, payload,
		sizeof(payload));
	icmp[20] ^= 0x01;
	n = ip_build(buf, &f, icmp, n);
	snap_take(t, &b);
	th_inject_frame(t, buf, n);
	expect_drop(t, &b, "icmp.drop_malformed", "bad ICMP checksum");
	/* Checksum field zeroed. */
	n = icmp_build(icmp, RTE_IP_ICMP_ECHO_REQUEST, 0, 1, 2, payload,
		sizeof(payload));
	icmp[2] = icmp[3] = 0;
	n = ip_build(buf, &f, icmp, n);
	snap_take(t, &b);
	th_inject_frame(t, buf, n);
	expect_drop(t, &b, "icmp.drop_malformed", "zero ICMP checksum");
	for (i = 0; i < RTE_DIM(other); i++) {
		n = icmp_build(icmp, other[i].type, other[i].code, 1, 2, payload,
			sizeof(payload));
		n = ip_build(buf, &f, icmp, n);
		snap_take(t, &b);
		th_inject_frame(t, buf, n);
		expect_drop(t, &b, "icmp.drop_other_type", other[i].what);
	}
	TH_EQ(t, th_stat(t, "icmp.echo_requests"), 0);
	TH_EQ(t, th_stat(t, "icmp.echo_replies"), 0);
}

static const struct th_case cases[] = {
	{ "ARP: request for our address gets a correct reply",
	  test_arp_reply, false },
	{ "ARP: request for another address is not answered",
	  test_arp_not_for_us, false },
	{ "ARP: malformed frames are dropped and counted",
	  test_arp_malformed, false },
	{ "ARP: two-segment request answered without leaking a segment",
	  test_arp_reply_chained, false },
	{ "ARP: gratuitous announcement", test_arp_garp, false },
	{ "ARP: no announcement with RTE_TLSOFF_F_NO_GARP",
	  test_arp_no_garp, false },
	{ "ARP: connect() resolves, SYN held then released",
	  test_arp_resolve_connect, true },
	{ "ARP: unanswered resolution retried 1 s apart, then dropped",
	  test_arp_resolve_timeout, false },
	{ "ARP: pending queue bounded, released in order",
	  test_arp_pending_bound, false },
	{ "ARP: table bounded, LRU eviction, resolving entries kept",
	  test_arp_table_bound, false },
	{ "IPv4: off-subnet without gateway is unroutable",
	  test_no_route, false },
	{ "IPv4: off-subnet goes through the gateway", test_gateway, false },
	{ "IPv4: header checks drop and count each reason",
	  test_ipv4_header_checks, false },
	{ "IPv4/Ethernet: runt frames", test_runt_frames, false },
	{ "IPv4: options ignored, TCP and ICMP behind them served",
	  test_ipv4_options_ignored, false },
	{ "Ethernet: destination and ethertype filters",
	  test_eth_checks, false },
	{ "Ethernet: padded frames accepted", test_eth_padding, false },
	{ "ICMP: echo replies (0 B .. 8000 B, odd lengths)",
	  test_icmp_echo, false },
	{ "ICMP: echo request in a chained mbuf",
	  test_icmp_echo_chained, false },
	{ "ICMP: echo from an unresolved host waits for ARP",
	  test_icmp_echo_unknown_host, false },
	{ "ARP: request without an mbuf counted as ARP, retried",
	  test_arp_request_no_mbuf, false },
	{ "ICMP: bad checksum and other types dropped",
	  test_icmp_drops, false },
};

int
main(int argc, char **argv)
{
	return th_main(argc, argv, cases, RTE_DIM(cases));
}
