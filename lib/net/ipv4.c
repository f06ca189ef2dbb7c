/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * IPv4: validate what arrives (version, IHL, lengths, checksum, fragments,
 * addresses), hand it to ICMP or TCP; write headers and route what leaves.
 */

#include <errno.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net.h"
#include "../stack/stack.h"

uint32_t
tlsoff_ipv4_nexthop(const struct tlsoff_stack *s, uint32_t dst)
{
	if (((dst ^ s->conf.ip) & s->netmask) == 0)
		return dst;
	return s->conf.gateway;
}

static bool
ipv4_is_martian_src(const struct tlsoff_stack *s, uint32_t src)
{
	if (src == 0 || src == s->conf.ip || src == UINT32_MAX)
		return true;
	if ((src >> 28) == 0xe || (src >> 24) == 127)   /* multicast, loopback */
		return true;
	/* Directed broadcast of our subnet (prefixes shorter than /31). */
	return s->netmask < 0xfffffffeu && (src | s->netmask) == UINT32_MAX;
}

void
tlsoff_ipv4_input(struct tlsoff_stack *s, struct rte_mbuf *m)
{
	struct rte_ipv4_hdr copy;
	const struct rte_ipv4_hdr *ip;
	uint32_t l3_room, src, dst;
	uint16_t tot_len, frag;
	uint8_t ihl;

	TLSOFF_STAT_INC(s, ip, rx_packets);
	if (rte_pktmbuf_pkt_len(m) < TLSOFF_L2_LEN + TLSOFF_L3_LEN) {
		TLSOFF_STAT_INC(s, ip, drop_short);
		goto drop;
	}
	ip = rte_pktmbuf_read(m, TLSOFF_L2_LEN, sizeof(copy), &copy);
	if ((ip->version_ihl >> 4) != 4) {
		TLSOFF_STAT_INC(s, ip, drop_bad_version);
		goto drop;
	}
	ihl = ip->version_ihl & 0xf;
	if (ihl < 5) {
		TLSOFF_STAT_INC(s, ip, drop_bad_ihl);
		goto drop;
	}
	if (ihl > 5) {
		/* No option is implemented; RFC 1122 lets a host drop them. */
		TLSOFF_STAT_INC(s, ip, drop_options);
		goto drop;
	}
	l3_room = rte_pktmbuf_pkt_len(m) - TLSOFF_L2_LEN;
	tot_len = rte_be_to_cpu_16(ip->total_length);
	if (tot_len < TLSOFF_L3_LEN || tot_len > l3_room) {
		TLSOFF_STAT_INC(s, ip, drop_bad_len);
		goto drop;
	}
	if (s->rx_cksum_offload &&
	    (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
			RTE_MBUF_F_RX_IP_CKSUM_BAD) {
		TLSOFF_STAT_INC(s, ip, drop_bad_cksum);
		goto drop;
	}
	if (!(s->rx_cksum_offload &&
	      (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
			RTE_MBUF_F_RX_IP_CKSUM_GOOD) &&
	    rte_raw_cksum(ip, TLSOFF_L3_LEN) != 0xffff) {
		TLSOFF_STAT_INC(s, ip, drop_bad_cksum);
		goto drop;
	}
	frag = rte_be_to_cpu_16(ip->fragment_offset);
	if (frag & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) {
		TLSOFF_STAT_INC(s, ip, drop_fragment);
		goto drop;
	}
	dst = rte_be_to_cpu_32(ip->dst_addr);
	src = rte_be_to_cpu_32(ip->src_addr);
	if (dst != s->conf.ip || ipv4_is_martian_src(s, src)) {
		TLSOFF_STAT_INC(s, ip, drop_not_for_us);
		goto drop;
	}
	/* Drop Ethernet padding so that pkt_len ends with the datagram. */
	if (l3_room > tot_len) {
		uint32_t excess = l3_room - tot_len;

		if (rte_pktmbuf_trim(m, excess) != 0) {
			/* Padding spans segments: not worth handling. */
			TLSOFF_STAT_INC(s, eth, drop_multiseg);
			goto drop;
		}
	}
	m->l3_len = TLSOFF_L3_LEN;
	switch (ip->next_proto_id) {
	case IPPROTO_TCP:
		tlsoff_tcp_input(s, m, TLSOFF_L2_LEN + TLSOFF_L3_LEN,
				tot_len - TLSOFF_L3_LEN, src, dst);
		return;
	case IPPROTO_ICMP:
		tlsoff_icmp_input(s, m, TLSOFF_L2_LEN + TLSOFF_L3_LEN,
				tot_len - TLSOFF_L3_LEN);
		return;
	default:
		TLSOFF_STAT_INC(s, ip, drop_unknown_proto);
		goto drop;
	}
drop:
	rte_pktmbuf_free(m);
}

void
tlsoff_ipv4_hdr_fill(struct tlsoff_stack *s, struct rte_ipv4_hdr *ip,
		uint32_t src, uint32_t dst, uint8_t proto, uint16_t total_len)
{
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16(total_len);
	ip->packet_id = rte_cpu_to_be_16(s->ip_id++);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = TLSOFF_IP_TTL;
	ip->next_proto_id = proto;
	ip->hdr_checksum = 0;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	if (!s->tx_cksum_offload)
		ip->hdr_checksum = rte_ipv4_cksum(ip);
}

int
tlsoff_ipv4_output(struct tlsoff_stack *s, struct rte_mbuf *m, uint32_t dst,
		struct tlsoff_l2cache *cache)
{
	uint32_t nexthop = tlsoff_ipv4_nexthop(s, dst);

	if (nexthop == 0) {
		TLSOFF_STAT_INC(s, ip, drop_no_route);
		rte_pktmbuf_free(m);
		return 0;
	}
	TLSOFF_STAT_INC(s, ip, tx_packets);
	return tlsoff_arp_output(s, m, nexthop, cache);
}
