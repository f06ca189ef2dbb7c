/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* Counters by name, and their export through rte_telemetry. */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_spinlock.h>
#include <rte_telemetry.h>

#include "rte_tlsoff.h"
#include "stack.h"
#include "stats.h"
#include "tlsoff_log.h"

struct stat_desc {
	const char *name;
	size_t off;
};

static const struct stat_desc stat_tab[] = {
#define TLSOFF_STAT_DESC(g, n) \
	{ #g "." #n, offsetof(struct tlsoff_stats, g ## _ ## n) },
	TLSOFF_STATS_LIST(TLSOFF_STAT_DESC)
#undef TLSOFF_STAT_DESC
};

#define NB_STATS RTE_DIM(stat_tab)

int
rte_tlsoff_stats_get(const struct rte_tlsoff_stack *stack,
		struct rte_tlsoff_stat *stats, unsigned int n)
{
	const struct tlsoff_stack *s = (const struct tlsoff_stack *)stack;
	unsigned int i;

	if (s == NULL || (stats == NULL && n > 0))
		return -EINVAL;
	for (i = 0; i < n && i < NB_STATS; i++) {
		snprintf(stats[i].name, sizeof(stats[i].name), "%s",
			stat_tab[i].name);
		stats[i].value = *(const uint64_t *)((const char *)&s->stats +
				stat_tab[i].off);
	}
	return (int)NB_STATS;
}

int
rte_tlsoff_stat_get(const struct rte_tlsoff_stack *stack, const char *name,
		uint64_t *value)
{
	const struct tlsoff_stack *s = (const struct tlsoff_stack *)stack;
	unsigned int i;

	if (s == NULL || name == NULL || value == NULL)
		return -EINVAL;
	for (i = 0; i < NB_STATS; i++) {
		if (strcmp(stat_tab[i].name, name) == 0) {
			*value = *(const uint64_t *)((const char *)&s->stats +
					stat_tab[i].off);
			return 0;
		}
	}
	return -ENOENT;
}

void
rte_tlsoff_stats_reset(struct rte_tlsoff_stack *stack)
{
	struct tlsoff_stack *s = tlsoff_stack(stack);

	if (s != NULL)
		memset(&s->stats, 0, sizeof(s->stats));
}

/*
 * Telemetry runs in its own thread: the registry of instances is guarded by
 * a lock (control path only); counters are read without one, as snapshots.
 */
#define TELEMETRY_MAX 64

static rte_spinlock_t tel_lock = RTE_SPINLOCK_INITIALIZER;
static struct tlsoff_stack *tel_stacks[TELEMETRY_MAX];
static bool tel_cmd_registered;

static int
tel_stats(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	unsigned int i;
	int rc = -EINVAL;

	rte_spinlock_lock(&tel_lock);
	if (params == NULL || params[0] == '\0') {
		rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
		for (i = 0; i < TELEMETRY_MAX; i++)
			if (tel_stacks[i] != NULL)
				rte_tel_data_add_array_string(d,
					tel_stacks[i]->name);
		rc = 0;
		goto out;
	}
	for (i = 0; i < TELEMETRY_MAX; i++) {
		const struct tlsoff_stack *s = tel_stacks[i];
		unsigned int k;

		if (s == NULL || strcmp(s->name, params) != 0)
			continue;
		rte_tel_data_start_dict(d);
		rc = 0;
		for (k = 0; k < NB_STATS && rc == 0; k++) {
			char tname[RTE_TLSOFF_STAT_NAME_SIZE];
			char *p;

			/* Telemetry names allow [A-Za-z0-9_/]: "tcp/retransmits". */
			snprintf(tname, sizeof(tname), "%s", stat_tab[k].name);
			for (p = tname; *p != '\0'; p++)
				if (*p == '.')
					*p = '/';
			rc = rte_tel_data_add_dict_u64(d, tname,
				*(const uint64_t *)((const char *)&s->stats +
					stat_tab[k].off));
		}
		break;
	}
out:
	rte_spinlock_unlock(&tel_lock);
	return rc;
}

int
rte_tlsoff_telemetry_register(struct rte_tlsoff_stack *stack)
{
	struct tlsoff_stack *s = tlsoff_stack(stack);
	unsigned int i;
	int rc = -ENOSPC;

	if (s == NULL)
		return -EINVAL;
	rte_spinlock_lock(&tel_lock);
	if (!tel_cmd_registered) {
		rc = rte_telemetry_register_cmd("/tlsoff/stats", tel_stats,
			"librte_tlsoff counters. Parameters: stack name "
			"(none lists the stacks)");
		if (rc != 0)
			goto out;
		tel_cmd_registered = true;
	}
	rc = -ENOSPC;
	for (i = 0; i < TELEMETRY_MAX; i++) {
		if (tel_stacks[i] == s) {
			rc = 0;
			break;
		}
		if (tel_stacks[i] == NULL) {
			tel_stacks[i] = s;
			rc = 0;
			break;
		}
	}
out:
	rte_spinlock_unlock(&tel_lock);
	return rc;
}

void
tlsoff_stats_unregister(struct tlsoff_stack *s)
{
	unsigned int i;

	rte_spinlock_lock(&tel_lock);
	for (i = 0; i < TELEMETRY_MAX; i++)
		if (tel_stacks[i] == s)
			tel_stacks[i] = NULL;
	rte_spinlock_unlock(&tel_lock);
}
