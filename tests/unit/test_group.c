/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Instance groups: two instances on one port and one address, each on its
 * own queue pair, as an application runs one per lcore behind RSS. The
 * peer's frames are delivered to the member a test chooses (the port's
 * choice), and every check is on what the members do with them: the flow's
 * owner gets its segments whoever received them, active opens take ports
 * whose replies come back to their member, ARP answers reach the member
 * that asked, and a full ring or a member leaving loses no mbuf. The flow
 * hash is checked against the RSS verification suite of the Intel 82599
 * datasheet (the Microsoft RSS key).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "harness.h"
#include "stack/group.h"

/* The RSS specification's example key (also the fixed key of a group). */
static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static uint16_t gport = UINT16_MAX;

/* A null port with two queue pairs: the group's. */
static bool
group_port(struct th *t)
{
	struct rte_eth_conf pc;
	struct rte_mempool *rx;
	uint16_t q;

	if (gport != UINT16_MAX)
		return true;
	memset(&pc, 0, sizeof(pc));
	rx = rte_pktmbuf_pool_create("tg_rx", 512, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (rx == NULL || rte_dev_probe("net_null1") != 0 ||
	    rte_eth_dev_get_port_by_name("net_null1", &gport) != 0 ||
	    rte_eth_dev_configure(gport, 2, 2, &pc) != 0) {
		TH_CHECK(t, false, "net_null1 with two queues");
		return false;
	}
	for (q = 0; q < 2; q++)
		if (rte_eth_rx_queue_setup(gport, q, 256, SOCKET_ID_ANY, NULL,
				rx) != 0 ||
		    rte_eth_tx_queue_setup(gport, q, 256, SOCKET_ID_ANY,
				NULL) != 0) {
			TH_CHECK(t, false, "queue %u", q);
			return false;
		}
	TH_EQ(t, rte_eth_dev_start(gport), 0);
	return true;
}

static void
member_conf(struct th *t, uint16_t index, uint16_t queue)
{
	t->conf.port_id = gport;
	t->conf.rx_queue = queue;
	t->conf.tx_queue = queue;
	t->conf.group_size = 2;
	t->conf.group_index = index;
}

/* Start @t as member 0 and a second harness @t2 as member 1. */
static bool
start_pair(struct th *t, struct th *t2, uint16_t q0, uint16_t q1)
{
	if (!group_port(t))
		return false;
	memset(t2, 0, sizeof(*t2));
	t2->case_name = t->case_name;
	t2->l_isn = t->l_isn + 0x1000;
	t2->p_isn = t->p_isn + 0x2000;
	th_conf_default(t2);
	member_conf(t, 0, q0);
	member_conf(t2, 1, q1);
	th_start(t);
	th_start(t2);
	return true;
}

static void
stop_pair(struct th *t, struct th *t2)
{
	if (t2->st == NULL)
		return;
	th_stop(t2);
	t->failures += t2->failures;
}

/* A peer port whose flow to (TH_LOCAL_IP, @lport) member @k owns. */
static uint16_t
port_owned_by(struct th *t, int k, uint16_t lport, uint16_t from)
{
	uint16_t p;

	for (p = from; p < 65535; p++)
		if (tlsoff_group_owner(t->s, TH_PEER_IP, p, lport) == k)
			return p;
	TH_CHECK(t, false, "no port owned by %d", k);
	return from;
}

static void
noop_cb(struct rte_tlsoff_conn *c, uint32_t ev, void *arg)
{
	(void)c;
	(void)ev;
	(void)arg;
}

/* The hash is the NIC's: the 82599 datasheet's RSS verification suite. */
static void
test_toeplitz_vectors(struct th *t)
{
	static const struct {
		uint32_t src, dst;
		uint16_t sport, dport;
		uint32_t l3, l4;
	} v[] = {
		{ RTE_IPV4(66, 9, 149, 187), RTE_IPV4(161, 142, 100, 80),
			2794, 1766, 0x323e8fc2, 0x51ccc178 },
		{ RTE_IPV4(199, 92, 111, 2), RTE_IPV4(65, 69, 140, 83),
			14230, 4739, 0xd718262a, 0xc626b0ea },
		{ RTE_IPV4(24, 19, 198, 95), RTE_IPV4(12, 22, 207, 184),
			12898, 38024, 0xd2d0a5de, 0x5c2b394a },
		{ RTE_IPV4(38, 27, 205, 30), RTE_IPV4(209, 142, 163, 6),
			48228, 2217, 0x82989176, 0xafc7327f },
		{ RTE_IPV4(153, 39, 163, 191), RTE_IPV4(202, 188, 127, 2),
			44251, 1303, 0x5d1809c5, 0x10e828a2 },
	};
	struct th t2;
	unsigned int i;

	for (i = 0; i < RTE_DIM(v); i++) {
		TH_EQ(t, tlsoff_rss_hash(ms_key, v[i].src, v[i].dst, v[i].sport,
			v[i].dport, true), v[i].l4);
		TH_EQ(t, tlsoff_rss_hash(ms_key, v[i].src, v[i].dst, v[i].sport,
			v[i].dport, false), v[i].l3);
	}
	/*
	 * A port without RSS information (the null port): the owner is the
	 * hash under the fixed key, modulo the group size, with the peer as
	 * the source.
	 */
	if (!start_pair(t, &t2, 0, 1))
		return;
	for (i = 0; i < 2000; i++) {
		uint32_t rip = (uint32_t)rte_rand();
		uint16_t rport = (uint16_t)(1 + rte_rand() % 65535);
		uint16_t lport = (uint16_t)(1 + rte_rand() % 65535);
		int want = (int)(tlsoff_rss_hash(ms_key, rip, TH_LOCAL_IP,
			rport, lport, true) % 2);

		if (tlsoff_group_owner(t->s, rip, rport, lport) != want ||
		    tlsoff_group_owner(t2.s, rip, rport, lport) != want) {
			TH_CHECK(t, false, "owner of %08x:%u -> :%u", rip,
				rport, lport);
			break;
		}
	}
	stop_pair(t, &t2);
}

/* A passive open whose frames the port gives to the other member. */
static void
test_passive_steered(struct th *t)
{
	struct tlsoff_conn *c;
	struct th t2;
	uint64_t out;

	if (!start_pair(t, &t2, 0, 1))
		return;
	th_listen(t);
	t2.pport = port_owned_by(t, 1, TH_LPORT, 40000);
	t2.rx_via = t;
	TH_CHECK(t, th_accept(&t2, true, true, true));
	/* Member 0 received the SYN and the ACK, and kept nothing. */
	TH_EQ(t, t->s->nb_conns, 0);
	TH_EQ(t, t->accepts, 0);
	TH_EQ(t, th_stat(t, "group.steered_out"), 2);
	TH_EQ(t, th_stat(&t2, "group.steered_in"), 2);
	TH_EQ(t, th_stat(t, "tcp.rst_out"), 0);
	/* Data, every ACK through member 0. */
	TH_EQ(t, th_app_send(&t2, 300000), 300000);
	th_pump(&t2, 2000);
	c = th_conn(&t2);
	TH_CHECK(t, c != NULL && c->snd_una == t2.data_isn + 1 + 300000,
		"snd_una %u", c != NULL ? c->snd_una : 0);
	out = th_stat(t, "group.steered_out");
	TH_CHECK(t, out > 2, "%" PRIu64 " steered", out);
	TH_EQ(t, th_stat(&t2, "group.steered_in"), out);
	TH_EQ(t, th_stat(t, "tcp.rst_out") + th_stat(&t2, "tcp.rst_out"), 0);
	TH_EQ(t, th_stat(t, "group.steer_drops"), 0);

	/* A flow member 0 owns stays with member 0. */
	t->pport = port_owned_by(t, 0, TH_LPORT, 40000);
	TH_CHECK(t, th_accept(t, true, true, true));
	TH_EQ(t, th_stat(t, "group.steered_out"), out);
	TH_EQ(t, t->s->nb_conns, 1);
	stop_pair(t, &t2);
}

/* Active opens: ports whose replies come back to the member. */
static void
test_active_ports(struct th *t)
{
	struct rte_tlsoff_conn *mine[2][48];
	uint16_t lport[2][48];
	struct th *m[2];
	struct th t2;
	struct th_seg seg;
	unsigned int i, k;

	if (!start_pair(t, &t2, 0, 1))
		return;
	/* The SYN-ACK arrives at member 0; the connection is member 1's. */
	t2.rx_via = t;
	TH_CHECK(t, th_connect(&t2));
	TH_EQ(t, tlsoff_group_owner(t->s, TH_PEER_IP, TH_PPORT, t2.lport), 1);
	TH_EQ(t, t->s->nb_conns, 0);
	TH_EQ(t, th_stat(t, "group.steered_out"), 1);
	TH_EQ(t, th_stat(&t2, "tcp.conn_connected"), 1);

	/* 48 opens each to the same servers: owned ports, never shared. */
	m[0] = t;
	m[1] = &t2;
	for (k = 0; k < 2; k++) {
		th_drain(m[k]);
		for (i = 0; i < 48; i++) {
			mine[k][i] = rte_tlsoff_connect(m[k]->st, TH_PEER_IP,
				(uint16_t)(5000 + i), noop_cb, NULL);
			TH_CHECK(t, mine[k][i] != NULL);
			th_run(m[k]);
			lport[k][i] = 0;
			if (th_pop_tcp(m[k], &seg) && seg.flags == TH_SYN)
				lport[k][i] = seg.sport;
			TH_EQ(t, tlsoff_group_owner(t->s, TH_PEER_IP,
				(uint16_t)(5000 + i), lport[k][i]), k);
		}
	}
	for (i = 0; i < 48; i++)
		TH_CHECK(t, lport[0][i] != lport[1][i], "port %u twice",
			lport[0][i]);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 48; i++)
			if (mine[k][i] != NULL)
				rte_tlsoff_abort(mine[k][i]);
		th_drain(m[k]);
	}
	stop_pair(t, &t2);
}

static void
arp_frame(uint8_t *f, uint16_t op, const struct rte_ether_addr *sha,
		uint32_t sip, const struct rte_ether_addr *dst, uint32_t tip)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;
	struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(eh + 1);

	memset(f, 0, 60);
	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(sha, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = 6;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(sha, &ah->arp_data.arp_sha);
	ah->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	rte_ether_addr_copy(dst, &ah->arp_data.arp_tha);
	ah->arp_data.arp_tip = rte_cpu_to_be_32(tip);
}

/* ARP: the answer lands at member 0; member 1 asked, and sends. */
static void
test_arp_shared(struct th *t)
{
	static const struct rte_ether_addr h7 = {{ 2, 0, 0, 0, 0, 7 }};
	static const struct rte_ether_addr h7b = {{ 2, 0, 0, 0, 0, 0x77 }};
	static const struct rte_ether_addr h9 = {{ 2, 0, 0, 0, 0, 9 }};
	struct rte_ether_addr bcast, mac;
	struct rte_tlsoff_conn *c;
	struct th_seg seg;
	uint8_t f[60];
	struct th t2;

	if (!start_pair(t, &t2, 0, 1))
		return;
	memset(&bcast, 0xff, sizeof(bcast));
	c = rte_tlsoff_connect(t2.st, RTE_IPV4(10, 0, 0, 7), 443, noop_cb, NULL);
	TH_CHECK(t, c != NULL);
	th_run(&t2);
	TH_CHECK(t, th_pop(&t2, &seg) && !seg.tcp &&
		seg.eth_type == RTE_ETHER_TYPE_ARP, "no ARP request");
	TH_EQ(t, th_pending(&t2), 0);   /* the SYN waits */
	arp_frame(f, RTE_ARP_OP_REPLY, &h7, RTE_IPV4(10, 0, 0, 7),
		&t->s->mac, TH_LOCAL_IP);
	th_inject_frame(t, f, sizeof(f));
	th_run(&t2);
	TH_CHECK(t, th_stat(t, "group.arp_out") >= 1);
	TH_CHECK(t, th_stat(&t2, "group.arp_in") >= 1);
	TH_CHECK(t, th_pop_tcp(&t2, &seg) && seg.flags == TH_SYN,
		"the SYN did not follow the answer");
	TH_CHECK(t, memcmp(seg.frame, &h7, 6) == 0, "SYN to the wrong MAC");

	/* A moved address (gratuitous ARP) is seen by every member. */
	arp_frame(f, RTE_ARP_OP_REQUEST, &h7b, RTE_IPV4(10, 0, 0, 7), &bcast,
		RTE_IPV4(10, 0, 0, 7));
	th_inject_frame(t, f, sizeof(f));
	th_run(&t2);
	TH_EQ(t, tlsoff_arp_lookup(t2.s, RTE_IPV4(10, 0, 0, 7), &mac), 0);
	TH_CHECK(t, rte_is_same_ether_addr(&mac, &h7b), "stale MAC");
	/* Chatter between other hosts teaches no member a new address. */
	arp_frame(f, RTE_ARP_OP_REQUEST, &h9, RTE_IPV4(10, 0, 0, 9), &bcast,
		RTE_IPV4(10, 0, 0, 10));
	th_inject_frame(t, f, sizeof(f));
	th_run(&t2);
	TH_EQ(t, tlsoff_arp_lookup(t2.s, RTE_IPV4(10, 0, 0, 9), &mac), -EAGAIN);
	rte_tlsoff_abort(c);
	th_drain(&t2);
	th_drain(t);
	stop_pair(t, &t2);
}

/* A member's ring fills: drops are counted; leaving frees what waits. */
static void
test_ring_full_and_leave(struct th *t)
{
	const unsigned int n = TLSOFF_GROUP_RING + 500;
	struct rte_mempool *mp;
	uint8_t f[128];
	struct th t2;
	uint16_t p = 1;
	unsigned int i;
	uint64_t before;

	if (!start_pair(t, &t2, 0, 1))
		return;
	mp = rte_pktmbuf_pool_create("tg_flood", n + 64, 0, 0, 256,
		SOCKET_ID_ANY);
	TH_CHECK(t, mp != NULL);
	if (mp == NULL)
		goto out;
	/* RSTs for no connection of member 1's flows, all at member 0. */
	t->lport = 9999;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		uint32_t len;

		p = port_owned_by(t, 1, 9999, (uint16_t)(p + 1));
		t->pport = p;
		len = th_frame_build(t, f, TH_RST, 1000, 0, NULL, 0, NULL);
		memcpy(rte_pktmbuf_append(m, (uint16_t)len), f, len);
		tlsoff_stack_input(t->s, &m, 1);
	}
	TH_EQ(t, th_stat(t, "group.steered_out"), TLSOFF_GROUP_RING - 1);
	TH_EQ(t, th_stat(t, "group.steer_drops"), n - (TLSOFF_GROUP_RING - 1));
	TH_EQ(t, rte_mempool_avail_count(mp), 64 + n - (TLSOFF_GROUP_RING - 1));
	/* Member 1 takes 32 per poll and drops the RSTs (no connection). */
	for (i = 0; i < 10; i++)
		th_run(&t2);
	TH_EQ(t, th_stat(&t2, "group.steered_in"), 320);
	TH_EQ(t, th_stat(&t2, "tcp.rst_out"), 0);
	/* It leaves with the rest waiting: they go back to their pool. */
	stop_pair(t, &t2);
	TH_EQ(t, rte_mempool_avail_count(mp), n + 64);
	/* Without member 1, its flows are member 0's. */
	before = th_stat(t, "tcp.drop_no_conn");
	t->pport = port_owned_by(t, 1, 9999, 1);
	th_send(t, TH_ACK, 1000, 1, NULL, 0, NULL);
	TH_EQ(t, th_stat(t, "group.steered_out"), TLSOFF_GROUP_RING - 1);
	TH_EQ(t, th_stat(t, "tcp.drop_no_conn"), before + 1);
	th_drain(t);
	rte_mempool_free(mp);
	return;
out:
	stop_pair(t, &t2);
}

/*
 * A port with RSS: the owner is the member polling the queue the
 * redirection table names, whatever its index; with an address-only hash,
 * active opens split the ports by parity instead.
 */
static void
test_rss_table(struct th *t)
{
	struct rte_tlsoff_conn *c[2][32];
	uint16_t reta[128], lp[2][32];
	struct th *m[2];
	struct th_seg seg;
	struct th t2;
	unsigned int i, k;

	/* Member 0 polls queue 1, member 1 queue 0. */
	if (!start_pair(t, &t2, 1, 0))
		return;
	for (i = 0; i < RTE_DIM(reta); i++)
		reta[i] = (i % 3 == 0) ? 0 : 1;
	tlsoff_group_set_rss(t->s, ms_key, sizeof(ms_key), reta, 128, true);
	for (i = 0; i < 2000; i++) {
		uint32_t rip = (uint32_t)rte_rand();
		uint16_t rport = (uint16_t)(1 + rte_rand() % 65535);
		uint16_t lport = (uint16_t)(1 + rte_rand() % 65535);
		uint16_t q = reta[tlsoff_rss_hash(ms_key, rip, TH_LOCAL_IP,
			rport, lport, true) % 128];

		if (tlsoff_group_owner(t2.s, rip, rport, lport) !=
		    (q == 1 ? 0 : 1)) {
			TH_CHECK(t, false, "owner of %08x:%u -> :%u", rip,
				rport, lport);
			break;
		}
	}
	m[0] = t;
	m[1] = &t2;
	for (k = 0; k < 2; k++) {
		th_drain(m[k]);
		for (i = 0; i < 32; i++) {
			uint16_t q;

			c[k][i] = rte_tlsoff_connect(m[k]->st, TH_PEER_IP, 443,
				noop_cb, NULL);
			th_run(m[k]);
			TH_CHECK(t, c[k][i] != NULL &&
				th_pop_tcp(m[k], &seg) && seg.flags == TH_SYN);
			q = reta[tlsoff_rss_hash(ms_key, TH_PEER_IP,
				TH_LOCAL_IP, 443, seg.sport, true) % 128];
			TH_EQ(t, q, m[k]->conf.rx_queue);
		}
	}
	/* Addresses only: every port of a pair lands on one queue. */
	tlsoff_group_set_rss(t->s, ms_key, sizeof(ms_key), reta, 128, false);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 32; i++) {
			if (c[k][i] != NULL)
				rte_tlsoff_abort(c[k][i]);
			th_drain(m[k]);
			c[k][i] = rte_tlsoff_connect(m[k]->st, TH_PEER_IP, 8443,
				noop_cb, NULL);
			th_run(m[k]);
			lp[k][i] = 0;
			if (c[k][i] != NULL && th_pop_tcp(m[k], &seg))
				lp[k][i] = seg.sport;
			TH_EQ(t, lp[k][i] % 2, k);
		}
	}
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 32; i++)
			if (c[k][i] != NULL)
				rte_tlsoff_abort(c[k][i]);
		th_drain(m[k]);
	}
	stop_pair(t, &t2);
}

/* Members that do not fit are refused, naming the field; nothing breaks. */
static void
test_conf_errors(struct th *t)
{
	struct rte_tlsoff_stack_conf conf;
	struct th t2;

	if (!group_port(t))
		return;
	member_conf(t, 0, 0);
	conf = t->conf;
	conf.group_index = 2;
	TH_CHECK(t, rte_tlsoff_stack_create("gbad1", &conf) == NULL &&
		rte_errno == EINVAL);
	conf.group_size = 129;
	conf.group_index = 0;
	TH_CHECK(t, rte_tlsoff_stack_create("gbad2", &conf) == NULL &&
		rte_errno == EINVAL);
	conf.group_size = 0;
	conf.group_index = 1;
	TH_CHECK(t, rte_tlsoff_stack_create("gbad3", &conf) == NULL &&
		rte_errno == EINVAL);
	th_start(t);
	conf = t->conf;
	conf.rx_queue = 1;
	conf.tx_queue = 1;
	TH_CHECK(t, rte_tlsoff_stack_create("gbad4", &conf) == NULL &&
		rte_errno == EEXIST);          /* index 0 is taken */
	conf.group_index = 1;
	conf.group_size = 3;
	TH_CHECK(t, rte_tlsoff_stack_create("gbad5", &conf) == NULL &&
		rte_errno == EINVAL);          /* the group has 2 */
	conf.group_size = 2;
	conf.rx_queue = 0;
	TH_CHECK(t, rte_tlsoff_stack_create("gbad6", &conf) == NULL &&
		rte_errno == EINVAL);          /* member 0's rx queue */
	/* The group is intact: a good member 1 joins and gets its flows. */
	memset(&t2, 0, sizeof(t2));
	t2.case_name = t->case_name;
	t2.l_isn = t->l_isn + 0x1000;
	t2.p_isn = t->p_isn + 0x2000;
	th_conf_default(&t2);
	member_conf(&t2, 1, 1);
	th_start(&t2);
	th_listen(t);
	t2.pport = port_owned_by(t, 1, TH_LPORT, 40000);
	t2.rx_via = t;
	TH_CHECK(t, th_accept(&t2, true, true, true));
	TH_EQ(t, t->s->nb_conns, 0);
	stop_pair(t, &t2);
}

static const struct th_case cases[] = {
	{ "hash: the RSS verification suite; owners on a port without RSS",
		test_toeplitz_vectors, false },
	{ "passive open and data through the other member",
		test_passive_steered, true },
	{ "active opens: owned ports, replies through the other member",
		test_active_ports, true },
	{ "ARP answers and moves reach every member", test_arp_shared, false },
	{ "full ring: drops counted; leaving frees what waits",
		test_ring_full_and_leave, false },
	{ "RSS table: owner by queue; address-only hash splits ports",
		test_rss_table, false },
	{ "members that do not fit are refused", test_conf_errors, false },
};

int
main(int argc, char **argv)
{
	return th_main(argc, argv, cases, RTE_DIM(cases));
}
