/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Sender-side SACK scoreboard (RFC 2018, RFC 6675): what the peer holds
 * above SND.UNA, which holes are lost, how much is in the pipe, and which
 * retransmissions were lost again.
 */

#ifndef TLSOFF_TCP_SACK_H
#define TLSOFF_TCP_SACK_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp_rcvq.h"

/*
 * SACKed ranges remembered. When full, the highest range is forgotten (a
 * new range above all others is not kept): the bytes it covered are then
 * taken as not received, which costs at worst a needless retransmission.
 */
#define TLSOFF_SACK_MAX 16u
#define TLSOFF_RXT_LOG 16u    /* retransmissions watched for loss */
#define TLSOFF_DUPTHRESH 3u

struct tlsoff_rxt_rec {
	uint32_t start;
	uint32_t end;
	uint32_t mark;        /* SND.MAX when it was sent */
};

struct tlsoff_sack_sb {
	uint8_t n;
	uint8_t nlog;
	uint8_t nlost;
	struct tlsoff_seq_range b[TLSOFF_SACK_MAX]; /* ascending, disjoint */
	uint32_t sacked;      /* bytes covered by b[] */
	uint32_t high_rxt;    /* RFC 6675 HighRxt */
	struct tlsoff_rxt_rec log[TLSOFF_RXT_LOG];
	struct tlsoff_seq_range lost[TLSOFF_RXT_LOG]; /* retransmit again */
};

void tlsoff_sack_clear(struct tlsoff_sack_sb *sb);

/* Merge blocks from an ACK; true if any byte became SACKed. */
bool tlsoff_sack_update(struct tlsoff_sack_sb *sb, uint32_t una,
		uint32_t snd_max, const struct tlsoff_seq_range *blk,
		unsigned int n);

/* Forget everything below the new SND.UNA. */
void tlsoff_sack_trim(struct tlsoff_sack_sb *sb, uint32_t una);

bool tlsoff_sack_is_sacked(const struct tlsoff_sack_sb *sb, uint32_t seq);

/* Highest SACKed sequence + 1, or @una when nothing is SACKed. */
uint32_t tlsoff_sack_high(const struct tlsoff_sack_sb *sb, uint32_t una);

/*
 * Every un-SACKed byte below the returned sequence is lost by RFC 6675
 * IsLost(): above it lie either DupThresh discontiguous SACKed ranges or
 * more than (DupThresh - 1) * @mss SACKed bytes. @una when none is.
 */
uint32_t tlsoff_sack_lost_edge(const struct tlsoff_sack_sb *sb, uint32_t una,
		uint32_t mss);

/* RFC 6675 SetPipe(), in bytes. */
uint32_t tlsoff_sack_pipe(const struct tlsoff_sack_sb *sb, uint32_t una,
		uint32_t snd_max, uint32_t mss);

/*
 * First un-SACKed range [*start, *end) at or after @from and before @limit.
 * False when there is none.
 */
bool tlsoff_sack_next_hole(const struct tlsoff_sack_sb *sb, uint32_t from,
		uint32_t limit, uint32_t *start, uint32_t *end);

/* Watch a retransmission of [start, end) sent while SND.MAX was @mark. */
void tlsoff_sack_log_rxt(struct tlsoff_sack_sb *sb, uint32_t start,
		uint32_t end, uint32_t mark);

/*
 * A retransmission is lost when data first sent after it is SACKed while it
 * is not. Moves such ranges to the lost list; returns how many.
 */
unsigned int tlsoff_sack_detect_lost_rxt(struct tlsoff_sack_sb *sb,
		uint32_t una);

/* Head of the lost-retransmission list (un-SACKed part); false if empty. */
bool tlsoff_sack_lost_head(struct tlsoff_sack_sb *sb, uint32_t una,
		uint32_t *start, uint32_t *end);

/* Mark [start, end) of the lost list as sent again. */
void tlsoff_sack_lost_sent(struct tlsoff_sack_sb *sb, uint32_t start,
		uint32_t end);

#endif /* TLSOFF_TCP_SACK_H */
