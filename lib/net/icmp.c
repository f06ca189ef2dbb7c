/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* ICMP: answer echo requests; every other type is counted and dropped. */

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "cksum.h"
#include "net.h"
#include "../stack/stack.h"

void
tlsoff_icmp_input(struct tlsoff_stack *s, struct rte_mbuf *m, uint16_t l4_off,
		uint16_t l4_len)
{
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *ic;
	uint16_t cksum;
	uint32_t src;

	/* Replies are written in place: the headers must be contiguous. */
	if (l4_len < sizeof(*ic) ||
	    rte_pktmbuf_data_len(m) < l4_off + sizeof(*ic)) {
		TLSOFF_STAT_INC(s, icmp, drop_malformed);
		goto drop;
	}
	if (tlsoff_cksum_mbuf(m, l4_off, l4_len, &cksum) != 0 ||
	    cksum != 0xffff) {
		TLSOFF_STAT_INC(s, icmp, drop_malformed);
		goto drop;
	}
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, TLSOFF_L2_LEN);
	ic = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, l4_off);
	if (ic->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || ic->icmp_code != 0) {
		TLSOFF_STAT_INC(s, icmp, drop_other_type);
		goto drop;
	}
	TLSOFF_STAT_INC(s, icmp, echo_requests);
	src = rte_be_to_cpu_32(ip->src_addr);
	if (tlsoff_ipv4_nexthop(s, src) == 0) {
		TLSOFF_STAT_INC(s, ip, drop_no_route);
		goto drop;
	}
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_cksum = 0;
	if (tlsoff_cksum_mbuf(m, l4_off, l4_len, &cksum) != 0) {
		TLSOFF_STAT_INC(s, icmp, drop_malformed);
		goto drop;
	}
	ic->icmp_cksum = (uint16_t)~cksum;
	tlsoff_ipv4_hdr_fill(s, ip, s->conf.ip, src, IPPROTO_ICMP,
			TLSOFF_L3_LEN + l4_len);
	m->ol_flags = 0;
	if (s->tx_cksum_offload) {
		m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		m->l2_len = TLSOFF_L2_LEN;
		m->l3_len = TLSOFF_L3_LEN;
	}
	if (tlsoff_ipv4_output(s, m, src, NULL) != 0) {
		TLSOFF_STAT_INC(s, eth, tx_ring_full);
		goto drop;
	}
	TLSOFF_STAT_INC(s, icmp, echo_replies);
	return;
drop:
	rte_pktmbuf_free(m);
}
