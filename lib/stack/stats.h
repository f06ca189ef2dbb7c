/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Per-instance counters. The list below is the single place a counter is
 * declared: it makes the struct field, its exported name and its place in
 * rte_tlsoff_stats_get() order. Every drop path has a counter here.
 */

#ifndef TLSOFF_STATS_H
#define TLSOFF_STATS_H

#include <stdint.h>

#define TLSOFF_STATS_LIST(X) \
	X(eth, rx_packets) \
	X(eth, tx_packets) \
	X(eth, drop_short) \
	X(eth, drop_not_for_us) \
	X(eth, drop_unknown_type) \
	X(eth, drop_multiseg) \
	X(eth, tx_ring_full) \
	X(arp, requests_in) \
	X(arp, replies_in) \
	X(arp, requests_out) \
	X(arp, replies_out) \
	X(arp, garp_out) \
	X(arp, drop_malformed) \
	X(arp, drop_not_for_us) \
	X(arp, table_full) \
	X(arp, queue_drops) \
	X(arp, resolve_failures) \
	X(arp, drop_no_mbuf) \
	X(ip, rx_packets) \
	X(ip, tx_packets) \
	X(ip, drop_short) \
	X(ip, drop_bad_version) \
	X(ip, drop_bad_ihl) \
	X(ip, drop_bad_len) \
	X(ip, drop_bad_cksum) \
	X(ip, drop_fragment) \
	X(ip, drop_options) \
	X(ip, drop_not_for_us) \
	X(ip, drop_unknown_proto) \
	X(ip, drop_no_route) \
	X(icmp, echo_requests) \
	X(icmp, echo_replies) \
	X(icmp, drop_malformed) \
	X(icmp, drop_other_type) \
	X(tcp, segments_in) \
	X(tcp, segments_out) \
	X(tcp, tso_frames) \
	X(tcp, bytes_in) \
	X(tcp, bytes_out) \
	X(tcp, retransmits) \
	X(tcp, retransmit_bytes) \
	X(tcp, fast_retransmits) \
	X(tcp, rto_fires) \
	X(tcp, dup_acks) \
	X(tcp, sack_recoveries) \
	X(tcp, newreno_recoveries) \
	X(tcp, lost_retransmits) \
	X(tcp, persist_probes) \
	X(tcp, zero_windows) \
	X(tcp, delayed_acks) \
	X(tcp, window_updates) \
	X(tcp, ooo_segments) \
	X(tcp, conn_accepted) \
	X(tcp, conn_connected) \
	X(tcp, conn_closed) \
	X(tcp, conn_reset) \
	X(tcp, conn_timeout) \
	X(tcp, conn_refused) \
	X(tcp, conn_aborted) \
	X(tcp, time_wait_recycled) \
	X(tcp, rst_in) \
	X(tcp, rst_out) \
	X(tcp, challenge_acks) \
	X(tcp, challenge_ack_limited) \
	X(tcp, drop_bad_cksum) \
	X(tcp, drop_short) \
	X(tcp, drop_bad_offset) \
	X(tcp, drop_bad_options) \
	X(tcp, drop_bad_flags) \
	X(tcp, drop_no_conn) \
	X(tcp, drop_listen_rst) \
	X(tcp, drop_syn_sent_bad_ack) \
	X(tcp, drop_syn_sent_bad_rst) \
	X(tcp, drop_syn_sent_no_syn) \
	X(tcp, drop_closed_conn) \
	X(tcp, drop_syn_backlog) \
	X(tcp, drop_accept_full) \
	X(tcp, drop_conn_table_full) \
	X(tcp, drop_out_of_window) \
	X(tcp, drop_paws) \
	X(tcp, drop_ack_unsent) \
	X(tcp, drop_old_ack) \
	X(tcp, drop_no_ack) \
	X(tcp, drop_after_close) \
	X(tcp, drop_rcvbuf_full) \
	X(tcp, drop_no_mbuf) \
	X(tcp, drop_tx_full) \
	X(tcp, injected_drops) \
	X(tls, handoffs) \
	X(tls, handoff_refused) \
	X(tls, no_context) \
	X(tls, records) \
	X(tls, bytes) \
	X(tls, ctrl_records) \
	X(tls, key_updates) \
	X(tls, key_update_failures) \
	X(tls, seq_exhausted) \
	X(tls, no_mbuf) \
	X(tls, nic_handoffs) \
	X(tls, nic_records) \
	X(tls, nic_fallbacks) \
	X(tls, nic_epochs_retired) \
	X(tls, close_notify_sent) \
	X(tls, close_notify_no_room) \
	X(eth, tx_purged) \
	X(group, steered_out) \
	X(group, steered_in) \
	X(group, steer_drops) \
	X(group, arp_out) \
	X(group, arp_in) \
	X(group, arp_drops)

struct tlsoff_stats {
#define TLSOFF_STAT_FIELD(g, n) uint64_t g ## _ ## n;
	TLSOFF_STATS_LIST(TLSOFF_STAT_FIELD)
#undef TLSOFF_STAT_FIELD
};

struct tlsoff_stack;
/* Drop an instance from the telemetry registry (stack teardown). */
void tlsoff_stats_unregister(struct tlsoff_stack *s);

#define TLSOFF_STAT_INC(s, g, n) ((s)->stats.g ## _ ## n++)
#define TLSOFF_STAT_ADD(s, g, n, v) ((s)->stats.g ## _ ## n += (v))

#endif /* TLSOFF_STATS_H */
