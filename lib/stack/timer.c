/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* Hashed timer wheel used for every per-connection timer. */

#include <stddef.h>

#include "timer.h"

#define WHEEL_MASK (TLSOFF_WHEEL_SLOTS - 1)

void
tlsoff_wheel_init(struct tlsoff_wheel *w, uint64_t now_us)
{
	unsigned int i;

	w->cur_tick = now_us / TLSOFF_WHEEL_TICK_US;
	TAILQ_INIT(&w->due);
	for (i = 0; i < TLSOFF_WHEEL_SLOTS; i++)
		TAILQ_INIT(&w->slot[i]);
}

void
tlsoff_timer_cancel(struct tlsoff_wheel *w, struct tlsoff_timer *t)
{
	(void)w;
	if (t->list == NULL)
		return;
	TAILQ_REMOVE(t->list, t, link);
	t->list = NULL;
}

void
tlsoff_timer_arm(struct tlsoff_wheel *w, struct tlsoff_timer *t,
		uint64_t expire_us)
{
	uint64_t tick = (expire_us + TLSOFF_WHEEL_TICK_US - 1) /
			TLSOFF_WHEEL_TICK_US;

	tlsoff_timer_cancel(w, t);
	/* Never into a tick already run: it would wait a whole revolution. */
	if (tick < w->cur_tick)
		tick = w->cur_tick;
	t->expire_tick = tick;
	t->list = &w->slot[tick & WHEEL_MASK];
	TAILQ_INSERT_TAIL(t->list, t, link);
}

unsigned int
tlsoff_wheel_run(struct tlsoff_wheel *w, uint64_t now_us,
		tlsoff_timer_cb_t cb, void *arg)
{
	struct tlsoff_timer *t, *next;
	uint64_t now_tick = now_us / TLSOFF_WHEEL_TICK_US;
	uint64_t tick, last;
	unsigned int fired = 0;

	if (now_tick < w->cur_tick)
		return 0;
	/* After a long stall one revolution visits every slot once. */
	last = now_tick;
	if (now_tick - w->cur_tick >= TLSOFF_WHEEL_SLOTS)
		last = w->cur_tick + TLSOFF_WHEEL_SLOTS - 1;
	for (tick = w->cur_tick; tick <= last; tick++) {
		struct tlsoff_timer_list *head = &w->slot[tick & WHEEL_MASK];

		for (t = TAILQ_FIRST(head); t != NULL; t = next) {
			next = TAILQ_NEXT(t, link);
			if (t->expire_tick > now_tick)
				continue;
			TAILQ_REMOVE(head, t, link);
			TAILQ_INSERT_TAIL(&w->due, t, link);
			t->list = &w->due;
		}
	}
	/*
	 * Callbacks run after the scan so that a timer re-armed from its
	 * callback lands in a tick not yet run (cur_tick is past now).
	 */
	w->cur_tick = now_tick + 1;
	while ((t = TAILQ_FIRST(&w->due)) != NULL) {
		TAILQ_REMOVE(&w->due, t, link);
		t->list = NULL;
		cb(t, arg);
		fired++;
	}
	return fired;
}
