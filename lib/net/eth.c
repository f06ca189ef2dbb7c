/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* Ethernet input: filter by destination address and dispatch by type. */

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "net.h"
#include "../stack/stack.h"

void
tlsoff_eth_input(struct tlsoff_stack *s, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;

	TLSOFF_STAT_INC(s, eth, rx_packets);
	/* The Ethernet header must sit in the first segment. */
	if (rte_pktmbuf_data_len(m) < TLSOFF_L2_LEN) {
		TLSOFF_STAT_INC(s, eth, drop_short);
		rte_pktmbuf_free(m);
		return;
	}
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (!rte_is_same_ether_addr(&eh->dst_addr, &s->mac) &&
	    !rte_is_broadcast_ether_addr(&eh->dst_addr)) {
		TLSOFF_STAT_INC(s, eth, drop_not_for_us);
		rte_pktmbuf_free(m);
		return;
	}
	m->l2_len = TLSOFF_L2_LEN;
	switch (rte_be_to_cpu_16(eh->ether_type)) {
	case RTE_ETHER_TYPE_ARP:
		tlsoff_arp_input(s, m);
		break;
	case RTE_ETHER_TYPE_IPV4:
		tlsoff_ipv4_input(s, m);
		break;
	default:
		TLSOFF_STAT_INC(s, eth, drop_unknown_type);
		rte_pktmbuf_free(m);
		break;
	}
}
