/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Hashed timer wheel: O(1) arm and cancel, one pass over due slots per poll.
 * Entries further out than the wheel's span sit in their slot and are skipped
 * until their tick comes round.
 */

#ifndef TLSOFF_TIMER_H
#define TLSOFF_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#define TLSOFF_WHEEL_SLOTS 1024u       /* power of two */
#define TLSOFF_WHEEL_TICK_US 1000u     /* 1 ms */

TAILQ_HEAD(tlsoff_timer_list, tlsoff_timer);

struct tlsoff_timer {
	TAILQ_ENTRY(tlsoff_timer) link;
	struct tlsoff_timer_list *list; /* slot or due list; NULL: not armed */
	uint64_t expire_tick;
};

struct tlsoff_wheel {
	uint64_t cur_tick; /* every tick < cur_tick has been run */
	/*
	 * Timers found due, waiting for their callback. Kept in the wheel (not
	 * on the stack of tlsoff_wheel_run) so that a callback may cancel or
	 * re-arm any other due timer.
	 */
	struct tlsoff_timer_list due;
	struct tlsoff_timer_list slot[TLSOFF_WHEEL_SLOTS];
};

static inline bool
tlsoff_timer_armed(const struct tlsoff_timer *t)
{
	return t->list != NULL;
}

typedef void (*tlsoff_timer_cb_t)(struct tlsoff_timer *t, void *arg);

void tlsoff_wheel_init(struct tlsoff_wheel *w, uint64_t now_us);

/* Arm (or re-arm) @t to fire at the first tick at or after @expire_us. */
void tlsoff_timer_arm(struct tlsoff_wheel *w, struct tlsoff_timer *t,
		uint64_t expire_us);

void tlsoff_timer_cancel(struct tlsoff_wheel *w, struct tlsoff_timer *t);

/* Fire every timer due at @now_us; returns how many fired. */
unsigned int tlsoff_wheel_run(struct tlsoff_wheel *w, uint64_t now_us,
		tlsoff_timer_cb_t cb, void *arg);

#endif /* TLSOFF_TIMER_H */
