/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * ARP (RFC 826): a bounded neighbour cache, a bounded queue of frames waiting
 * for resolution, and the answers to requests for our address.
 */

#ifndef TLSOFF_ARP_H
#define TLSOFF_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#define TLSOFF_ARP_ENTRIES 64u
#define TLSOFF_ARP_PENDING 8u        /* frames held per unresolved entry */
#define TLSOFF_ARP_RETRY_US 1000000u /* request interval while resolving */
#define TLSOFF_ARP_RETRIES 3u
#define TLSOFF_ARP_REACHABLE_US (300u * 1000000u)

enum tlsoff_arp_state {
	TLSOFF_ARP_FREE = 0,
	TLSOFF_ARP_INCOMPLETE, /* request sent, no answer yet */
	TLSOFF_ARP_REACHABLE,  /* answer seen within the reachable time */
	TLSOFF_ARP_STALE,      /* still used, being confirmed */
};

struct tlsoff_arp_entry {
	uint32_t ip;                 /* host order */
	struct rte_ether_addr mac;
	uint8_t state;
	uint8_t retries;
	uint8_t npending;
	uint64_t deadline_us;        /* next retry, or end of reachability */
	uint64_t last_used_us;
	struct rte_mbuf *pending[TLSOFF_ARP_PENDING];
};

struct tlsoff_arp {
	struct tlsoff_arp_entry e[TLSOFF_ARP_ENTRIES];
	uint32_t gen;            /* bumped when a mapping changes or goes */
	uint64_t next_scan_us;
};

/* A connection's copy of its next hop's address, valid while gen matches. */
struct tlsoff_l2cache {
	struct rte_ether_addr mac;
	uint32_t gen;            /* 0 = not filled */
};

struct tlsoff_stack;

void tlsoff_arp_input(struct tlsoff_stack *s, struct rte_mbuf *m);
/*
 * @ip is at @mac (from an ARP message, ours or a group member's): refresh
 * the entry, or make one when the sender addressed us (@for_us).
 */
void tlsoff_arp_learn(struct tlsoff_stack *s, uint32_t ip,
		const struct rte_ether_addr *mac, bool for_us);
void tlsoff_arp_timer(struct tlsoff_stack *s);
void tlsoff_arp_announce(struct tlsoff_stack *s);
void tlsoff_arp_flush(struct tlsoff_stack *s);

/*
 * Look up @ip; 0 and *mac when known. Otherwise -EAGAIN, and resolution is
 * started or continued.
 */
int tlsoff_arp_lookup(struct tlsoff_stack *s, uint32_t ip,
		struct rte_ether_addr *mac);

/*
 * Take @m, a frame with room for its Ethernet header at offset 0, for
 * @nexthop: sent now when the address is known, held for resolution
 * otherwise. 0 when taken (a frame held and later dropped is counted);
 * -ENOBUFS when the device queue is full and @m is still the caller's.
 */
int tlsoff_arp_output(struct tlsoff_stack *s, struct rte_mbuf *m,
		uint32_t nexthop, struct tlsoff_l2cache *cache);

#endif /* TLSOFF_ARP_H */
