/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Instance groups: several instances, one per lcore, that share a port and
 * an IPv4 address, each on its own rx/tx queue pair. The port's RSS spreads
 * flows over the queues; the group makes the result exact:
 *
 * - every flow has one owner, the member the port's RSS steers the flow's
 *   inbound frames to (Toeplitz over the port's key and redirection table;
 *   without RSS information, over a fixed key, modulo the group size);
 * - a segment for no connection of the member that received it goes to
 *   the owner through the owner's ring, so a SYN, a reply to an active
 *   open, or a frame that a port spread differently reaches the connection
 *   (or the RST) it belongs to;
 * - active opens pick local ports whose flows the member owns, so replies
 *   come straight back to it, and two members never pick the same 4-tuple;
 * - what one member learns from ARP the others learn too (replies land on
 *   whichever queue the port puts them).
 *
 * Members share nothing else: the rings are lock-free (multi-producer,
 * single-consumer), read by the owner in its poll.
 */

#ifndef TLSOFF_GROUP_H
#define TLSOFF_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#define TLSOFF_GROUP_MAX 128u     /* members */
#define TLSOFF_GROUP_RING 4096u   /* messages waiting per member */

struct tlsoff_stack;
struct tlsoff_group;

/*
 * Join the group of (conf.port_id, conf.ip), creating it for its first
 * member. 0 when the instance is alone (group_size <= 1); -EINVAL or
 * -EEXIST (logged, naming the field) when the member does not fit the
 * group; -ENOMEM.
 */
int tlsoff_group_join(struct tlsoff_stack *s);
/* Leave; the last member frees the group. Frames still queued are freed. */
void tlsoff_group_leave(struct tlsoff_stack *s);

/*
 * The member that owns the flow (remote @rip:@rport, local conf.ip:@lport),
 * or -1 when no member has the queue the port's RSS steers it to.
 */
int tlsoff_group_owner(const struct tlsoff_stack *s, uint32_t rip,
		uint16_t rport, uint16_t lport);

/*
 * May an active open of @s use local port @lport towards @rip:@rport? True
 * when @s owns the flow (or, with an address-only hash, when the port is
 * in @s's share of the ephemeral range), and always for an instance alone.
 */
bool tlsoff_group_port_ok(const struct tlsoff_stack *s, uint32_t rip,
		uint16_t rport, uint16_t lport);

/*
 * A TCP segment in frame @m matched no connection of @s: hand @m to the
 * flow's owner if that is another member. True when @m was taken (queued,
 * or freed and counted when the owner's ring is full).
 */
bool tlsoff_group_steer(struct tlsoff_stack *s, struct rte_mbuf *m,
		uint32_t rip, uint16_t rport, uint16_t lport);

/* Tell the other members that @ip is at @mac (@for_us: it talked to us). */
void tlsoff_group_share_arp(struct tlsoff_stack *s, uint32_t ip,
		const struct rte_ether_addr *mac, bool for_us);

/* Take in what other members sent: frames and ARP news. Returns frames. */
unsigned int tlsoff_group_input(struct tlsoff_stack *s);

/*
 * Toeplitz hash of an IPv4 TCP frame from @src:@sport to @dst:@dport (host
 * order) under @key, over addresses and ports (@l4) or addresses only, as
 * a NIC's RSS computes it.
 */
uint32_t tlsoff_rss_hash(const uint8_t *key, uint32_t src, uint32_t dst,
		uint16_t sport, uint16_t dport, bool l4);

/*
 * Tests: set what the group would read from a port with RSS (key, the
 * redirection table of rx queues, whether ports are hashed).
 */
void tlsoff_group_set_rss(struct tlsoff_stack *s, const uint8_t *key,
		size_t key_len, const uint16_t *reta, uint16_t reta_size,
		bool l4);

#endif /* TLSOFF_GROUP_H */
