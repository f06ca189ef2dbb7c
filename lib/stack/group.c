/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Instance groups (group.h): the registry of groups, who owns a flow, and
 * the rings that carry frames and ARP news between members.
 *
 * Joining and leaving take a mutex: they are part of creating and freeing
 * an instance, never of its data path. On the data path a member reads the
 * group's tables, which change only when a member joins or leaves (single
 * words, written and read atomically), and enqueues to another member's
 * ring (lock-free).
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/queue.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_thash.h>

#include "group.h"
#include "stack.h"
#include "tlsoff_log.h"
#include "../net/arp.h"
#include "../net/net.h"

#define GROUP_BURST 32u
#define GROUP_KEY_MAX 64u
#define GROUP_RETA_MAX RTE_ETH_RSS_RETA_SIZE_512

/*
 * The key a port without RSS information is modelled with: the 40-byte
 * key of Microsoft's RSS specification, which many NICs use by default.
 */
static const uint8_t default_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* What one member sends another: a frame, or what ARP taught it. */
struct group_msg {
	struct rte_mbuf *m;          /* a frame to take in; NULL: ARP news */
	uint32_t ip;                 /* ARP: an address (host order) ... */
	struct rte_ether_addr mac;   /* ... and where it is */
	uint8_t for_us;              /* it asked for or answered our address */
	uint8_t pad;
};

enum group_hash {
	GROUP_HASH_FIXED,   /* no RSS information: fixed key, modulo size */
	GROUP_HASH_L4,      /* the port's Toeplitz over addresses and ports */
	GROUP_HASH_L3,      /* the port's Toeplitz over addresses only */
};

struct tlsoff_group {
	TAILQ_ENTRY(tlsoff_group) next;
	uint16_t port_id;
	uint32_t ip;
	uint16_t size;
	uint16_t nb_members;
	unsigned int id;
	enum group_hash hash;
	uint8_t key[GROUP_KEY_MAX] __rte_aligned(16);
	uint16_t reta_size;
	uint16_t reta[GROUP_RETA_MAX];            /* hash -> rx queue */
	int16_t by_queue[RTE_MAX_QUEUES_PER_PORT]; /* rx queue -> member, -1 */
	struct tlsoff_stack *member[TLSOFF_GROUP_MAX];
	struct rte_ring *ring[TLSOFF_GROUP_MAX];  /* one per member index */
};

static TAILQ_HEAD(, tlsoff_group) groups = TAILQ_HEAD_INITIALIZER(groups);
static pthread_mutex_t groups_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int group_seq;

/* ---- who owns a flow ---- */

uint32_t
tlsoff_rss_hash(const uint8_t *key, uint32_t src, uint32_t dst, uint16_t sport,
		uint16_t dport, bool l4)
{
	struct rte_ipv4_tuple t;

	memset(&t, 0, sizeof(t));
	t.src_addr = src;
	t.dst_addr = dst;
	t.sport = sport;
	t.dport = dport;
	return rte_softrss((uint32_t *)&t, l4 ? RTE_THASH_V4_L4_LEN :
		RTE_THASH_V4_L3_LEN, key);
}

/* As the port sees the flow's inbound frames: the source is the peer. */
static uint32_t
flow_hash(const struct tlsoff_group *g, uint32_t rip, uint16_t rport,
		uint16_t lport)
{
	return tlsoff_rss_hash(g->key, rip, g->ip, rport, lport,
		g->hash != GROUP_HASH_L3);
}

static int
owner_of(const struct tlsoff_group *g, uint32_t rip, uint16_t rport,
		uint16_t lport)
{
	uint32_t h = flow_hash(g, rip, rport, lport);
	uint16_t q;

	if (g->hash == GROUP_HASH_FIXED)
		return (int)(h % g->size);
	q = g->reta[h % g->reta_size];
	if (q >= RTE_MAX_QUEUES_PER_PORT)
		return -1;
	return __atomic_load_n(&g->by_queue[q], __ATOMIC_ACQUIRE);
}

int
tlsoff_group_owner(const struct tlsoff_stack *s, uint32_t rip, uint16_t rport,
		uint16_t lport)
{
	if (s->group == NULL)
		return -1;
	return owner_of(s->group, rip, rport, lport);
}

bool
tlsoff_group_port_ok(const struct tlsoff_stack *s, uint32_t rip,
		uint16_t rport, uint16_t lport)
{
	const struct tlsoff_group *g = s->group;

	if (g == NULL)
		return true;
	/*
	 * The port does not choose the queue: share the ports out instead,
	 * so that no two members open the same 4-tuple. Replies to this
	 * member's opens are steered to it by the owner of the address pair.
	 */
	if (g->hash == GROUP_HASH_L3)
		return lport % g->size == s->conf.group_index;
	return owner_of(g, rip, rport, lport) == (int)s->conf.group_index;
}

/* ---- the port's RSS ---- */

static void
rss_learn(struct tlsoff_group *g, const char *who)
{
	struct rte_eth_rss_reta_entry64 reta[GROUP_RETA_MAX /
		RTE_ETH_RETA_GROUP_SIZE];
	struct rte_eth_rss_conf rc;
	struct rte_eth_dev_info info;
	unsigned int i;
	const char *why = NULL;

	g->hash = GROUP_HASH_FIXED;
	memcpy(g->key, default_key, sizeof(default_key));
	memset(&rc, 0, sizeof(rc));
	if (rte_eth_dev_info_get(g->port_id, &info) != 0 ||
	    info.reta_size == 0 || info.reta_size > GROUP_RETA_MAX ||
	    info.hash_key_size == 0 || info.hash_key_size > GROUP_KEY_MAX) {
		why = "the port has no RSS redirection table";
		goto fixed;
	}
	rc.rss_key = g->key;
	rc.rss_key_len = info.hash_key_size;
	if (rte_eth_dev_rss_hash_conf_get(g->port_id, &rc) != 0 ||
	    rc.rss_hf == 0) {
		why = "RSS is not enabled on the port";
		goto fixed;
	}
	if (rc.rss_hf & (RTE_ETH_RSS_L3_SRC_ONLY | RTE_ETH_RSS_L3_DST_ONLY |
			RTE_ETH_RSS_L4_SRC_ONLY | RTE_ETH_RSS_L4_DST_ONLY)) {
		why = "the port hashes one direction only";
		goto fixed;
	}
	memset(reta, 0, sizeof(reta));
	for (i = 0; i < info.reta_size / RTE_ETH_RETA_GROUP_SIZE; i++)
		reta[i].mask = UINT64_MAX;
	if (rte_eth_dev_rss_reta_query(g->port_id, reta, info.reta_size) != 0) {
		why = "the redirection table cannot be read";
		goto fixed;
	}
	for (i = 0; i < info.reta_size; i++)
		g->reta[i] = reta[i / RTE_ETH_RETA_GROUP_SIZE]
			.reta[i % RTE_ETH_RETA_GROUP_SIZE];
	g->reta_size = info.reta_size;
	if (rc.rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_TCP) {
		g->hash = GROUP_HASH_L4;
	} else if (rc.rss_hf & (RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 |
			RTE_ETH_RSS_NONFRAG_IPV4_OTHER)) {
		g->hash = GROUP_HASH_L3;
	} else {
		why = "the port's RSS does not hash IPv4 TCP";
		goto fixed;
	}
	TLSOFF_LOG(INFO, "%s: group of %u on port %u: flows go to the member "
		"on the queue the port's RSS picks (Toeplitz over %s, %u-entry "
		"table)", who, g->size, g->port_id, g->hash == GROUP_HASH_L4 ?
		"addresses and ports" : "addresses", g->reta_size);
	return;
fixed:
	memcpy(g->key, default_key, sizeof(default_key));
	TLSOFF_LOG(NOTICE, "%s: group of %u on port %u: %s; flows are shared "
		"out by a fixed hash, and a frame the port delivers to another "
		"member than the flow's takes one ring hop", who, g->size,
		g->port_id, why);
}

void
tlsoff_group_set_rss(struct tlsoff_stack *s, const uint8_t *key,
		size_t key_len, const uint16_t *reta, uint16_t reta_size, bool l4)
{
	struct tlsoff_group *g = s->group;

	if (g == NULL || key_len > GROUP_KEY_MAX || reta_size == 0 ||
	    reta_size > GROUP_RETA_MAX)
		return;
	memcpy(g->key, key, key_len);
	memcpy(g->reta, reta, reta_size * sizeof(reta[0]));
	g->reta_size = reta_size;
	g->hash = l4 ? GROUP_HASH_L4 : GROUP_HASH_L3;
}

/* ---- membership ---- */

static void
ring_drain(struct rte_ring *r)
{
	struct group_msg msg;

	while (rte_ring_sc_dequeue_elem(r, &msg, sizeof(msg)) == 0)
		rte_pktmbuf_free(msg.m);   /* NULL for ARP news */
}

static void
group_free(struct tlsoff_group *g)
{
	unsigned int i;

	for (i = 0; i < g->size; i++) {
		if (g->ring[i] == NULL)
			continue;
		ring_drain(g->ring[i]);
		rte_ring_free(g->ring[i]);
	}
	rte_free(g);
}

static struct tlsoff_group *
group_create(const struct tlsoff_stack *s)
{
	const struct rte_tlsoff_stack_conf *c = &s->conf;
	struct tlsoff_group *g;
	char name[RTE_RING_NAMESIZE];
	unsigned int i;

	g = rte_zmalloc_socket("tlsoff_group", sizeof(*g), RTE_CACHE_LINE_SIZE,
		c->socket_id);
	if (g == NULL)
		return NULL;
	g->port_id = c->port_id;
	g->ip = c->ip;
	g->size = c->group_size;
	g->id = group_seq++;
	for (i = 0; i < RTE_DIM(g->by_queue); i++)
		g->by_queue[i] = -1;
	for (i = 0; i < g->size; i++) {
		snprintf(name, sizeof(name), "tlsoff_g%u_%u", g->id, i);
		g->ring[i] = rte_ring_create_elem(name, sizeof(struct group_msg),
			TLSOFF_GROUP_RING, c->socket_id, RING_F_SC_DEQ);
		if (g->ring[i] == NULL) {
			TLSOFF_LOG(ERR, "stack %s: group ring %s: %s", s->name,
				name, rte_strerror(rte_errno));
			group_free(g);
			return NULL;
		}
	}
	rss_learn(g, s->name);
	return g;
}

int
tlsoff_group_join(struct tlsoff_stack *s)
{
	const struct rte_tlsoff_stack_conf *c = &s->conf;
	struct tlsoff_group *g;
	unsigned int i;
	int rc = 0;

	if (c->group_size <= 1)
		return 0;
	pthread_mutex_lock(&groups_lock);
	TAILQ_FOREACH(g, &groups, next)
		if (g->port_id == c->port_id && g->ip == c->ip)
			break;
	if (g != NULL) {
		if (g->size != c->group_size) {
			TLSOFF_LOG(ERR, "stack %s: conf.group_size %u differs "
				"from the group's (%u) on port %u", s->name,
				c->group_size, g->size, c->port_id);
			rc = -EINVAL;
			goto out;
		}
		if (g->member[c->group_index] != NULL) {
			TLSOFF_LOG(ERR, "stack %s: conf.group_index %u is "
				"instance %s's", s->name, c->group_index,
				g->member[c->group_index]->name);
			rc = -EEXIST;
			goto out;
		}
		for (i = 0; i < g->size; i++) {
			const struct tlsoff_stack *m = g->member[i];

			if (m != NULL && m->conf.rx_queue == c->rx_queue) {
				TLSOFF_LOG(ERR, "stack %s: conf.rx_queue %u is "
					"polled by instance %s of the group",
					s->name, c->rx_queue, m->name);
				rc = -EINVAL;
				goto out;
			}
			if (m != NULL && m->conf.tx_queue == c->tx_queue) {
				TLSOFF_LOG(ERR, "stack %s: conf.tx_queue %u is "
					"used by instance %s of the group",
					s->name, c->tx_queue, m->name);
				rc = -EINVAL;
				goto out;
			}
		}
	} else {
		g = group_create(s);
		if (g == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		TAILQ_INSERT_TAIL(&groups, g, next);
	}
	/* Whatever waited for an earlier holder of this index goes. */
	ring_drain(g->ring[c->group_index]);
	s->group = g;
	g->nb_members++;
	__atomic_store_n(&g->member[c->group_index], s, __ATOMIC_RELEASE);
	if (c->rx_queue < RTE_MAX_QUEUES_PER_PORT)
		__atomic_store_n(&g->by_queue[c->rx_queue],
			(int16_t)c->group_index, __ATOMIC_RELEASE);
	TLSOFF_LOG(INFO, "stack %s: member %u of %u on port %u (rx queue %u), "
		"%u joined", s->name, c->group_index, g->size, c->port_id,
		c->rx_queue, g->nb_members);
out:
	pthread_mutex_unlock(&groups_lock);
	return rc;
}

void
tlsoff_group_leave(struct tlsoff_stack *s)
{
	struct tlsoff_group *g = s->group;
	const struct rte_tlsoff_stack_conf *c = &s->conf;

	if (g == NULL)
		return;
	pthread_mutex_lock(&groups_lock);
	if (c->rx_queue < RTE_MAX_QUEUES_PER_PORT)
		__atomic_store_n(&g->by_queue[c->rx_queue], (int16_t)-1,
			__ATOMIC_RELEASE);
	__atomic_store_n(&g->member[c->group_index], NULL, __ATOMIC_RELEASE);
	ring_drain(g->ring[c->group_index]);
	s->group = NULL;
	if (--g->nb_members == 0) {
		TAILQ_REMOVE(&groups, g, next);
		group_free(g);
	}
	pthread_mutex_unlock(&groups_lock);
}

/* ---- the data path ---- */

bool
tlsoff_group_steer(struct tlsoff_stack *s, struct rte_mbuf *m, uint32_t rip,
		uint16_t rport, uint16_t lport)
{
	struct tlsoff_group *g = s->group;
	struct group_msg msg;
	int k;

	/* A frame another member sent here is this member's to answer. */
	if (g == NULL || s->group_rx)
		return false;
	k = owner_of(g, rip, rport, lport);
	if (k < 0 || k == (int)s->conf.group_index ||
	    __atomic_load_n(&g->member[k], __ATOMIC_ACQUIRE) == NULL)
		return false;
	memset(&msg, 0, sizeof(msg));
	msg.m = m;
	if (rte_ring_mp_enqueue_elem(g->ring[k], &msg, sizeof(msg)) != 0) {
		TLSOFF_STAT_INC(s, group, steer_drops);
		rte_pktmbuf_free(m);
		return true;
	}
	TLSOFF_STAT_INC(s, group, steered_out);
	return true;
}

void
tlsoff_group_share_arp(struct tlsoff_stack *s, uint32_t ip,
		const struct rte_ether_addr *mac, bool for_us)
{
	struct tlsoff_group *g = s->group;
	struct group_msg msg;
	unsigned int i;

	if (g == NULL || s->group_rx)
		return;
	memset(&msg, 0, sizeof(msg));
	msg.ip = ip;
	rte_ether_addr_copy(mac, &msg.mac);
	msg.for_us = for_us;
	for (i = 0; i < g->size; i++) {
		if (i == s->conf.group_index ||
		    __atomic_load_n(&g->member[i], __ATOMIC_ACQUIRE) == NULL)
			continue;
		if (rte_ring_mp_enqueue_elem(g->ring[i], &msg,
				sizeof(msg)) != 0)
			TLSOFF_STAT_INC(s, group, arp_drops);
		else
			TLSOFF_STAT_INC(s, group, arp_out);
	}
}

unsigned int
tlsoff_group_input(struct tlsoff_stack *s)
{
	struct group_msg msgs[GROUP_BURST];
	unsigned int i, n, frames = 0;

	if (s->group == NULL)
		return 0;
	n = rte_ring_sc_dequeue_burst_elem(s->group->ring[s->conf.group_index],
		msgs, sizeof(msgs[0]), GROUP_BURST, NULL);
	if (n == 0)
		return 0;
	s->group_rx = true;
	for (i = 0; i < n; i++) {
		if (msgs[i].m != NULL) {
			TLSOFF_STAT_INC(s, group, steered_in);
			tlsoff_eth_input(s, msgs[i].m);
			frames++;
		} else {
			TLSOFF_STAT_INC(s, group, arp_in);
			tlsoff_arp_learn(s, msgs[i].ip, &msgs[i].mac,
				msgs[i].for_us != 0);
		}
	}
	s->group_rx = false;
	return frames;
}
