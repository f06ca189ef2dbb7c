/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* L2/L3 entry points and helpers shared by the layers above. */

#ifndef TLSOFF_NET_H
#define TLSOFF_NET_H

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "arp.h"

struct tlsoff_stack;

#define TLSOFF_L2_LEN ((uint16_t)sizeof(struct rte_ether_hdr))
#define TLSOFF_L3_LEN ((uint16_t)sizeof(struct rte_ipv4_hdr))
#define TLSOFF_IP_TTL 64

void tlsoff_eth_input(struct tlsoff_stack *s, struct rte_mbuf *m);
void tlsoff_ipv4_input(struct tlsoff_stack *s, struct rte_mbuf *m);
void tlsoff_icmp_input(struct tlsoff_stack *s, struct rte_mbuf *m,
		uint16_t l4_off, uint16_t l4_len);
/* Upper layer, in lib/tcp: takes @m. Addresses in host order. */
void tlsoff_tcp_input(struct tlsoff_stack *s, struct rte_mbuf *m,
		uint16_t l4_off, uint16_t l4_len, uint32_t src, uint32_t dst);

/* Next hop for @dst (host order), or 0 when there is no route. */
uint32_t tlsoff_ipv4_nexthop(const struct tlsoff_stack *s, uint32_t dst);

/*
 * Write an option-less IPv4 header. With checksum offload the header
 * checksum is left to the port (ol_flags must then carry
 * RTE_MBUF_F_TX_IP_CKSUM); otherwise it is computed here.
 */
void tlsoff_ipv4_hdr_fill(struct tlsoff_stack *s, struct rte_ipv4_hdr *ip,
		uint32_t src, uint32_t dst, uint8_t proto, uint16_t total_len);

/*
 * Send @m, a frame with its IPv4 header at TLSOFF_L2_LEN, to @dst.
 * Same contract as tlsoff_arp_output(); a missing route drops and counts.
 */
int tlsoff_ipv4_output(struct tlsoff_stack *s, struct rte_mbuf *m,
		uint32_t dst, struct tlsoff_l2cache *cache);

static inline void
tlsoff_eth_hdr_fill(struct rte_ether_hdr *eh, const struct rte_ether_addr *src,
		const struct rte_ether_addr *dst, uint16_t type)
{
	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(src, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(type);
}

#endif /* TLSOFF_NET_H */
