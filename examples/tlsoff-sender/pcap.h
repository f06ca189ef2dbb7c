/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* --pcap: the frames the NIC model put on the wire, in a pcap file. */

#ifndef SENDER_PCAP_H
#define SENDER_PCAP_H

#include <stdint.h>

#include <rte_mbuf.h>

struct sender_pcap;

/* Open @path for writing (truncated); NULL with errno set. */
struct sender_pcap *sender_pcap_open(const char *path);
/* An rte_tlsoff_wire_tap_t: @arg is the struct sender_pcap. */
void sender_pcap_tap(void *arg, struct rte_mbuf *const *pkts, uint16_t n);
/* Flush and close; 0, or -1 if any write failed (errno set). */
int sender_pcap_close(struct sender_pcap *p);
uint64_t sender_pcap_frames(const struct sender_pcap *p);

#endif /* SENDER_PCAP_H */
