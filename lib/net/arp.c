/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * ARP: neighbour cache with a fixed number of entries, resolution with
 * retries, a bounded per-entry queue of frames waiting for an answer,
 * replies to requests for our address, and a gratuitous announcement.
 */

#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "arp.h"
#include "net.h"
#include "../stack/group.h"
#include "../stack/stack.h"
#include "../stack/tlsoff_log.h"

#define ARP_SCAN_US 100000u
#define ARP_FRAME_LEN (TLSOFF_L2_LEN + sizeof(struct rte_arp_hdr))

static struct tlsoff_arp_entry *
arp_find(struct tlsoff_arp *a, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < TLSOFF_ARP_ENTRIES; i++)
		if (a->e[i].state != TLSOFF_ARP_FREE && a->e[i].ip == ip)
			return &a->e[i];
	return NULL;
}

static void
arp_drop_pending(struct tlsoff_stack *s, struct tlsoff_arp_entry *e)
{
	unsigned int i;

	for (i = 0; i < e->npending; i++) {
		rte_pktmbuf_free(e->pending[i]);
		TLSOFF_STAT_INC(s, arp, queue_drops);
	}
	e->npending = 0;
}

static void
arp_entry_release(struct tlsoff_stack *s, struct tlsoff_arp_entry *e)
{
	arp_drop_pending(s, e);
	e->state = TLSOFF_ARP_FREE;
	s->arp.gen++;
}

/*
 * A free entry, or the least recently used resolved one without waiting
 * frames. NULL when every entry is busy resolving.
 */
static struct tlsoff_arp_entry *
arp_alloc(struct tlsoff_stack *s)
{
	struct tlsoff_arp_entry *victim = NULL;
	unsigned int i;

	for (i = 0; i < TLSOFF_ARP_ENTRIES; i++) {
		struct tlsoff_arp_entry *e = &s->arp.e[i];

		if (e->state == TLSOFF_ARP_FREE)
			return e;
		if (e->state == TLSOFF_ARP_INCOMPLETE)
			continue;
		if (victim == NULL || e->last_used_us < victim->last_used_us)
			victim = e;
	}
	if (victim != NULL)
		arp_entry_release(s, victim);
	return victim;
}

static void
arp_fill(struct tlsoff_stack *s, struct rte_mbuf *m, uint16_t op,
		const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *tha, uint32_t tip)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(eh + 1);

	tlsoff_eth_hdr_fill(eh, &s->mac, eth_dst, RTE_ETHER_TYPE_ARP);
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = sizeof(uint32_t);
	ah->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(&s->mac, &ah->arp_data.arp_sha);
	ah->arp_data.arp_sip = rte_cpu_to_be_32(s->conf.ip);
	rte_ether_addr_copy(tha, &ah->arp_data.arp_tha);
	ah->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	/* A request answered in place may have come chained: keep one segment. */
	if (m->next != NULL) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
	}
	m->data_len = ARP_FRAME_LEN;
	m->pkt_len = ARP_FRAME_LEN;
	m->nb_segs = 1;
	m->ol_flags = 0;
}

static void
arp_send(struct tlsoff_stack *s, struct rte_mbuf *m)
{
	if (tlsoff_tx_enqueue(s, m) != 0) {
		TLSOFF_STAT_INC(s, eth, tx_ring_full);
		rte_pktmbuf_free(m);
	}
}

/* Broadcast a request for @tip (or announce ourselves when tip == our ip). */
static void
arp_request(struct tlsoff_stack *s, uint32_t tip)
{
	static const struct rte_ether_addr zero;
	struct rte_ether_addr bcast;
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->hdr_pool);

	if (m == NULL) {
		/* Resolution retries on its timer; the announcement is lost. */
		TLSOFF_STAT_INC(s, arp, drop_no_mbuf);
		return;
	}
	memset(&bcast, 0xff, sizeof(bcast));
	arp_fill(s, m, RTE_ARP_OP_REQUEST, &bcast, &zero, tip);
	if (tip == s->conf.ip)
		TLSOFF_STAT_INC(s, arp, garp_out);
	else
		TLSOFF_STAT_INC(s, arp, requests_out);
	arp_send(s, m);
}

void
tlsoff_arp_announce(struct tlsoff_stack *s)
{
	arp_request(s, s->conf.ip);
}

/* An answer arrived: send what waited for it. */
static void
arp_resolved(struct tlsoff_stack *s, struct tlsoff_arp_entry *e,
		const struct rte_ether_addr *mac)
{
	unsigned int i;

	if (!rte_is_same_ether_addr(&e->mac, mac) ||
	    e->state == TLSOFF_ARP_INCOMPLETE) {
		rte_ether_addr_copy(mac, &e->mac);
		s->arp.gen++;
	}
	e->state = TLSOFF_ARP_REACHABLE;
	e->retries = 0;
	e->deadline_us = tlsoff_now_us(s) + TLSOFF_ARP_REACHABLE_US;
	for (i = 0; i < e->npending; i++) {
		struct rte_mbuf *m = e->pending[i];
		struct rte_ether_hdr *eh =
			rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

		rte_ether_addr_copy(mac, &eh->dst_addr);
		rte_ether_addr_copy(&s->mac, &eh->src_addr);
		if (tlsoff_tx_enqueue(s, m) != 0) {
			TLSOFF_STAT_INC(s, eth, tx_ring_full);
			rte_pktmbuf_free(m);
		}
	}
	e->npending = 0;
}

void
tlsoff_arp_learn(struct tlsoff_stack *s, uint32_t ip,
		const struct rte_ether_addr *mac, bool for_us)
{
	/* RFC 826 merge: refresh a known sender whatever the target. */
	struct tlsoff_arp_entry *e = arp_find(&s->arp, ip);

	if (e != NULL) {
		arp_resolved(s, e, mac);
		return;
	}
	/* A sender that talks to us is one we will answer: learn it. */
	if (!for_us)
		return;
	e = arp_alloc(s);
	if (e == NULL) {
		TLSOFF_STAT_INC(s, arp, table_full);
		return;
	}
	e->ip = ip;
	e->state = TLSOFF_ARP_INCOMPLETE;
	e->npending = 0;
	e->last_used_us = tlsoff_now_us(s);
	arp_resolved(s, e, mac);
}

void
tlsoff_arp_input(struct tlsoff_stack *s, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;
	uint32_t sip, tip;
	uint16_t op;

	if (rte_pktmbuf_data_len(m) < ARP_FRAME_LEN) {
		TLSOFF_STAT_INC(s, arp, drop_malformed);
		goto drop;
	}
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ah = (struct rte_arp_hdr *)(eh + 1);
	op = rte_be_to_cpu_16(ah->arp_opcode);
	if (ah->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    ah->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ah->arp_hlen != RTE_ETHER_ADDR_LEN ||
	    ah->arp_plen != sizeof(uint32_t) ||
	    (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY) ||
	    !rte_is_unicast_ether_addr(&ah->arp_data.arp_sha)) {
		TLSOFF_STAT_INC(s, arp, drop_malformed);
		goto drop;
	}
	sip = rte_be_to_cpu_32(ah->arp_data.arp_sip);
	tip = rte_be_to_cpu_32(ah->arp_data.arp_tip);
	if (op == RTE_ARP_OP_REQUEST)
		TLSOFF_STAT_INC(s, arp, requests_in);
	else
		TLSOFF_STAT_INC(s, arp, replies_in);

	if (sip == s->conf.ip) {
		if (!rte_is_same_ether_addr(&ah->arp_data.arp_sha, &s->mac))
			TLSOFF_LOG(WARNING, "%s: address conflict with "
				RTE_ETHER_ADDR_PRT_FMT, s->name,
				RTE_ETHER_ADDR_BYTES(&ah->arp_data.arp_sha));
		goto drop;
	}
	if (sip != 0) {
		tlsoff_arp_learn(s, sip, &ah->arp_data.arp_sha,
			tip == s->conf.ip);
		/* The group's other members may be the ones waiting. */
		tlsoff_group_share_arp(s, sip, &ah->arp_data.arp_sha,
			tip == s->conf.ip);
	}
	if (tip != s->conf.ip) {
		TLSOFF_STAT_INC(s, arp, drop_not_for_us);
		goto drop;
	}
	if (op != RTE_ARP_OP_REQUEST)
		goto drop;
	/* Answer in place. */
	{
		struct rte_ether_addr sha = ah->arp_data.arp_sha;

		arp_fill(s, m, RTE_ARP_OP_REPLY, &sha, &sha, sip);
	}
	TLSOFF_STAT_INC(s, arp, replies_out);
	arp_send(s, m);
	return;
drop:
	rte_pktmbuf_free(m);
}

int
tlsoff_arp_lookup(struct tlsoff_stack *s, uint32_t ip,
		struct rte_ether_addr *mac)
{
	struct tlsoff_arp_entry *e = arp_find(&s->arp, ip);

	if (e != NULL) {
		e->last_used_us = tlsoff_now_us(s);
		if (e->state == TLSOFF_ARP_INCOMPLETE)
			return -EAGAIN;
		rte_ether_addr_copy(&e->mac, mac);
		return 0;
	}
	e = arp_alloc(s);
	if (e == NULL) {
		TLSOFF_STAT_INC(s, arp, table_full);
		return -ENOSPC;
	}
	e->ip = ip;
	e->state = TLSOFF_ARP_INCOMPLETE;
	e->retries = 0;
	e->npending = 0;
	e->last_used_us = tlsoff_now_us(s);
	e->deadline_us = tlsoff_now_us(s) + TLSOFF_ARP_RETRY_US;
	arp_request(s, ip);
	return -EAGAIN;
}

int
tlsoff_arp_output(struct tlsoff_stack *s, struct rte_mbuf *m,
		uint32_t nexthop, struct tlsoff_l2cache *cache)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_addr mac;
	struct tlsoff_arp_entry *e;
	int rc;

	if (cache != NULL && cache->gen == s->arp.gen) {
		tlsoff_eth_hdr_fill(eh, &s->mac, &cache->mac,
				RTE_ETHER_TYPE_IPV4);
		return tlsoff_tx_enqueue(s, m);
	}
	rc = tlsoff_arp_lookup(s, nexthop, &mac);
	if (rc == 0) {
		if (cache != NULL) {
			cache->mac = mac;
			cache->gen = s->arp.gen;
		}
		tlsoff_eth_hdr_fill(eh, &s->mac, &mac, RTE_ETHER_TYPE_IPV4);
		return tlsoff_tx_enqueue(s, m);
	}
	e = rc == -EAGAIN ? arp_find(&s->arp, nexthop) : NULL;
	if (e == NULL || e->npending == TLSOFF_ARP_PENDING) {
		TLSOFF_STAT_INC(s, arp, queue_drops);
		rte_pktmbuf_free(m);
		return 0;
	}
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	e->pending[e->npending++] = m;
	return 0;
}

void
tlsoff_arp_timer(struct tlsoff_stack *s)
{
	uint64_t now = tlsoff_now_us(s);
	unsigned int i;

	if (now < s->arp.next_scan_us)
		return;
	s->arp.next_scan_us = now + ARP_SCAN_US;
	for (i = 0; i < TLSOFF_ARP_ENTRIES; i++) {
		struct tlsoff_arp_entry *e = &s->arp.e[i];

		if (e->state == TLSOFF_ARP_FREE || now < e->deadline_us)
			continue;
		if (e->state == TLSOFF_ARP_REACHABLE) {
			/* Keep using the address while confirming it. */
			e->state = TLSOFF_ARP_STALE;
			e->retries = 0;
		}
		if (e->retries >= TLSOFF_ARP_RETRIES) {
			if (e->state == TLSOFF_ARP_INCOMPLETE)
				TLSOFF_STAT_INC(s, arp, resolve_failures);
			arp_entry_release(s, e);
			continue;
		}
		e->retries++;
		e->deadline_us = now + TLSOFF_ARP_RETRY_US;
		arp_request(s, e->ip);
	}
}

void
tlsoff_arp_flush(struct tlsoff_stack *s)
{
	unsigned int i;

	for (i = 0; i < TLSOFF_ARP_ENTRIES; i++)
		if (s->arp.e[i].state != TLSOFF_ARP_FREE)
			arp_entry_release(s, &s->arp.e[i]);
}
