/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * IPv4: validate what arrives (version, IHL, lengths, checksum, fragments,
 * addresses, options), hand it to ICMP or TCP; write headers and route what
 * leaves.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net.h"
#include "../stack/stack.h"

#define IPV4_MAX_HDR_LEN 60u
#define IPOPT_EOL 0
#define IPOPT_NOP 1
#define IPOPT_LSRR 131
#define IPOPT_SSRR 137

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

/*
 * RFC 1122 3.2.1.8: options a host does not implement are ignored, so a
 * datagram with options is accepted once its option list is well formed
 * (RFC 791 3.1 lengths). Source routes are the exception: a host that does
 * not reverse them (RFC 1122 3.2.1.8 c) must not answer along another path,
 * and RFC 7126 4.3-4.4 advises dropping them, as Linux does by default
 * (accept_source_route = 0).
 */
static bool
ipv4_opts_acceptable(const uint8_t *p, uint32_t len)
{
	uint32_t i = 0;

	while (i < len) {
		uint8_t type = p[i];
		uint32_t olen;

		if (type == IPOPT_EOL)
			return true;
		if (type == IPOPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return false;
		olen = p[i + 1];
		if (olen < 2 || olen > len - i)
			return false;
		if (type == IPOPT_LSRR || type == IPOPT_SSRR)
			return false;
		i += olen;
	}
	return true;
}

/*
 * Remove the options of an accepted datagram so that everything above sees
 * a 20-byte header (ICMP answers in place with an option-less header): the
 * Ethernet and fixed IPv4 headers move up over the options. Returns false
 * when the headers are not in the first segment.
 */
static bool
ipv4_strip_opts(struct rte_mbuf *m, uint32_t opt_len)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv4_hdr *ip;

	if (rte_pktmbuf_data_len(m) < TLSOFF_L2_LEN + TLSOFF_L3_LEN + opt_len)
		return false;
	memmove(p + opt_len, p, TLSOFF_L2_LEN + TLSOFF_L3_LEN);
	rte_pktmbuf_adj(m, (uint16_t)opt_len);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, TLSOFF_L2_LEN);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(
		(uint16_t)(rte_be_to_cpu_16(ip->total_length) - opt_len));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return true;
}

void
tlsoff_ipv4_input(struct tlsoff_stack *s, struct rte_mbuf *m)
{
	uint8_t copy[IPV4_MAX_HDR_LEN];
	const struct rte_ipv4_hdr *ip;
	uint32_t l3_room, src, dst, hlen;
	uint16_t tot_len, frag;
	uint8_t ihl, proto;

	TLSOFF_STAT_INC(s, ip, rx_packets);
	if (rte_pktmbuf_pkt_len(m) < TLSOFF_L2_LEN + TLSOFF_L3_LEN) {
		TLSOFF_STAT_INC(s, ip, drop_short);
		goto drop;
	}
	ip = rte_pktmbuf_read(m, TLSOFF_L2_LEN, TLSOFF_L3_LEN, copy);
	if ((ip->version_ihl >> 4) != 4) {
		TLSOFF_STAT_INC(s, ip, drop_bad_version);
		goto drop;
	}
	ihl = ip->version_ihl & 0xf;
	if (ihl < 5) {
		TLSOFF_STAT_INC(s, ip, drop_bad_ihl);
		goto drop;
	}
	hlen = ihl * 4u;
	l3_room = rte_pktmbuf_pkt_len(m) - TLSOFF_L2_LEN;
	if (hlen > l3_room) {
		TLSOFF_STAT_INC(s, ip, drop_bad_ihl);
		goto drop;
	}
	if (hlen > TLSOFF_L3_LEN)
		ip = rte_pktmbuf_read(m, TLSOFF_L2_LEN, hlen, copy);
	tot_len = rte_be_to_cpu_16(ip->total_length);
	if (tot_len < hlen || tot_len > l3_room) {
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
	    rte_raw_cksum(ip, hlen) != 0xffff) {
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
	proto = ip->next_proto_id;
	if (dst != s->conf.ip || ipv4_is_martian_src(s, src)) {
		TLSOFF_STAT_INC(s, ip, drop_not_for_us);
		goto drop;
	}
	if (hlen > TLSOFF_L3_LEN &&
	    !ipv4_opts_acceptable((const uint8_t *)ip + TLSOFF_L3_LEN,
			hlen - TLSOFF_L3_LEN)) {
		TLSOFF_STAT_INC(s, ip, drop_options);
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
	if (hlen > TLSOFF_L3_LEN) {
		/* @ip may point into the frame: it is not read after this. */
		if (!ipv4_strip_opts(m, hlen - TLSOFF_L3_LEN)) {
			/* Headers split across segments: not worth handling. */
			TLSOFF_STAT_INC(s, eth, drop_multiseg);
			goto drop;
		}
		tot_len -= hlen - TLSOFF_L3_LEN;
	}
	m->l3_len = TLSOFF_L3_LEN;
	switch (proto) {
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
