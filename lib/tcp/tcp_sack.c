/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* SACK scoreboard: block merging, IsLost, SetPipe, NextSeg helpers. */

#include <string.h>

#include "tcp_sack.h"
#include "tcp_seq.h"

void
tlsoff_sack_clear(struct tlsoff_sack_sb *sb)
{
	sb->n = 0;
	sb->nlog = 0;
	sb->nlost = 0;
	sb->sacked = 0;
}

static void
recount(struct tlsoff_sack_sb *sb)
{
	unsigned int i;

	sb->sacked = 0;
	for (i = 0; i < sb->n; i++)
		sb->sacked += sb->b[i].end - sb->b[i].start;
}

/*
 * Insert [s, e) keeping b[] ascending and merged. False when it could not be
 * kept (the scoreboard is full and it would be the highest range).
 */
static bool
insert(struct tlsoff_sack_sb *sb, uint32_t s, uint32_t e)
{
	struct tlsoff_seq_range *b = sb->b;
	unsigned int i = 0, j;

	while (i < sb->n && seq_lt(b[i].end, s))
		i++;
	if (i < sb->n && seq_leq(b[i].start, e)) {
		b[i].start = seq_min(b[i].start, s);
		b[i].end = seq_max(b[i].end, e);
		j = i + 1;
		while (j < sb->n && seq_leq(b[j].start, b[i].end)) {
			b[i].end = seq_max(b[i].end, b[j].end);
			j++;
		}
		if (j > i + 1) {
			memmove(&b[i + 1], &b[j], (sb->n - j) * sizeof(*b));
			sb->n -= j - i - 1;
		}
	} else {
		if (sb->n == TLSOFF_SACK_MAX) {
			/*
			 * Out of room: forget the highest range. Losing SACK
			 * state only costs a needless retransmission.
			 */
			if (i == sb->n)
				return false;
			sb->n--;
		}
		memmove(&b[i + 1], &b[i], (sb->n - i) * sizeof(*b));
		b[i].start = s;
		b[i].end = e;
		sb->n++;
	}
	recount(sb);
	return true;
}

/* Un-SACKed bytes in [a, b). */
static uint32_t
unsacked_in(const struct tlsoff_sack_sb *sb, uint32_t a, uint32_t b)
{
	uint32_t n;
	unsigned int i;

	if (!seq_lt(a, b))
		return 0;
	n = b - a;
	for (i = 0; i < sb->n; i++) {
		uint32_t s = seq_max(sb->b[i].start, a);
		uint32_t e = seq_min(sb->b[i].end, b);

		if (seq_lt(s, e))
			n -= e - s;
	}
	return n;
}

bool
tlsoff_sack_update(struct tlsoff_sack_sb *sb, uint32_t una, uint32_t snd_max,
		const struct tlsoff_seq_range *blk, unsigned int n)
{
	bool news = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t s = blk[i].start, e = blk[i].end;

		/* D-SACK (RFC 2883) and stale blocks end at or below SND.UNA. */
		if (!seq_lt(s, e) || seq_leq(e, una) || seq_gt(e, snd_max))
			continue;
		if (seq_lt(s, una))
			s = una;
		/* New bytes, counted before the insert (which may evict). */
		if (unsacked_in(sb, s, e) > 0 && insert(sb, s, e))
			news = true;
	}
	return news;
}

void
tlsoff_sack_trim(struct tlsoff_sack_sb *sb, uint32_t una)
{
	unsigned int i, k;

	k = 0;
	for (i = 0; i < sb->n; i++) {
		if (seq_leq(sb->b[i].end, una))
			continue;
		sb->b[k] = sb->b[i];
		if (seq_lt(sb->b[k].start, una))
			sb->b[k].start = una;
		k++;
	}
	sb->n = k;
	recount(sb);
	k = 0;
	for (i = 0; i < sb->nlog; i++)
		if (seq_gt(sb->log[i].end, una))
			sb->log[k++] = sb->log[i];
	sb->nlog = k;
	k = 0;
	for (i = 0; i < sb->nlost; i++) {
		if (seq_leq(sb->lost[i].end, una))
			continue;
		sb->lost[k] = sb->lost[i];
		if (seq_lt(sb->lost[k].start, una))
			sb->lost[k].start = una;
		k++;
	}
	sb->nlost = k;
	if (seq_lt(sb->high_rxt, una))
		sb->high_rxt = una;
}

bool
tlsoff_sack_is_sacked(const struct tlsoff_sack_sb *sb, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < sb->n; i++)
		if (seq_in(seq, sb->b[i].start, sb->b[i].end))
			return true;
	return false;
}

uint32_t
tlsoff_sack_high(const struct tlsoff_sack_sb *sb, uint32_t una)
{
	return sb->n ? sb->b[sb->n - 1].end : una;
}

uint32_t
tlsoff_sack_lost_edge(const struct tlsoff_sack_sb *sb, uint32_t una,
		uint32_t mss)
{
	uint32_t above = 0;
	int i;

	for (i = (int)sb->n - 1; i >= 0; i--) {
		above += sb->b[i].end - sb->b[i].start;
		if (above > (TLSOFF_DUPTHRESH - 1) * mss ||
		    (unsigned int)(sb->n - i) >= TLSOFF_DUPTHRESH)
			return sb->b[i].start;
	}
	return una;
}

/*
 * RFC 6675 SetPipe(): every un-SACKed octet counts once unless IsLost(),
 * and once more if it was retransmitted (at or below HighRxt) — except a
 * retransmission found lost again, which is no longer in the network.
 */
uint32_t
tlsoff_sack_pipe(const struct tlsoff_sack_sb *sb, uint32_t una,
		uint32_t snd_max, uint32_t mss)
{
	uint32_t unsacked = snd_max - una - sb->sacked;
	uint32_t edge = tlsoff_sack_lost_edge(sb, una, mss);
	uint32_t lost = unsacked_in(sb, una, edge);
	uint32_t rxt = unsacked_in(sb, una, seq_max(sb->high_rxt, una));
	uint32_t gone = 0;
	uint64_t pipe;
	unsigned int i;

	for (i = 0; i < sb->nlost; i++)
		gone += unsacked_in(sb, sb->lost[i].start, sb->lost[i].end);
	pipe = (uint64_t)(unsacked - lost) + rxt;
	return pipe > gone ? (uint32_t)(pipe - gone) : 0;
}

bool
tlsoff_sack_next_hole(const struct tlsoff_sack_sb *sb, uint32_t from,
		uint32_t limit, uint32_t *start, uint32_t *end)
{
	uint32_t s = from;
	unsigned int i;

	for (i = 0; i < sb->n && seq_lt(s, limit); i++) {
		if (seq_leq(sb->b[i].end, s))
			continue;
		if (seq_lt(s, sb->b[i].start)) {
			*start = s;
			*end = seq_min(sb->b[i].start, limit);
			return true;
		}
		s = sb->b[i].end;
	}
	if (seq_lt(s, limit)) {
		*start = s;
		*end = limit;
		return true;
	}
	return false;
}

void
tlsoff_sack_log_rxt(struct tlsoff_sack_sb *sb, uint32_t start, uint32_t end,
		uint32_t mark)
{
	if (sb->nlog == TLSOFF_RXT_LOG) {
		memmove(&sb->log[0], &sb->log[1],
			(TLSOFF_RXT_LOG - 1) * sizeof(sb->log[0]));
		sb->nlog--;
	}
	sb->log[sb->nlog].start = start;
	sb->log[sb->nlog].end = end;
	sb->log[sb->nlog].mark = mark;
	sb->nlog++;
}

unsigned int
tlsoff_sack_detect_lost_rxt(struct tlsoff_sack_sb *sb, uint32_t una)
{
	uint32_t high = tlsoff_sack_high(sb, una);
	unsigned int i, k = 0, found = 0;

	for (i = 0; i < sb->nlog; i++) {
		struct tlsoff_rxt_rec *r = &sb->log[i];

		if (seq_gt(high, r->mark) && seq_gt(r->end, una) &&
		    unsacked_in(sb, seq_max(r->start, una), r->end) > 0 &&
		    sb->nlost < TLSOFF_RXT_LOG) {
			sb->lost[sb->nlost].start = seq_max(r->start, una);
			sb->lost[sb->nlost].end = r->end;
			sb->nlost++;
			found++;
			continue;
		}
		sb->log[k++] = *r;
	}
	sb->nlog = k;
	return found;
}

bool
tlsoff_sack_lost_head(struct tlsoff_sack_sb *sb, uint32_t una,
		uint32_t *start, uint32_t *end)
{
	while (sb->nlost > 0) {
		uint32_t s = seq_max(sb->lost[0].start, una);

		if (tlsoff_sack_next_hole(sb, s, sb->lost[0].end, start, end))
			return true;
		memmove(&sb->lost[0], &sb->lost[1],
			(sb->nlost - 1) * sizeof(sb->lost[0]));
		sb->nlost--;
	}
	return false;
}

void
tlsoff_sack_lost_sent(struct tlsoff_sack_sb *sb, uint32_t start, uint32_t end)
{
	(void)start;
	if (sb->nlost == 0)
		return;
	if (seq_geq(end, sb->lost[0].end)) {
		memmove(&sb->lost[0], &sb->lost[1],
			(sb->nlost - 1) * sizeof(sb->lost[0]));
		sb->nlost--;
	} else {
		sb->lost[0].start = end;
	}
}
