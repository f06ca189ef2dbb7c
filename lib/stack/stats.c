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
#include "rte_tlsoff_driver.h"
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

static const char *const off_names[] = {
#define TLSOFF_OFF_NAME(n) #n,
	RTE_TLSOFF_OFFLOAD_STATS(TLSOFF_OFF_NAME)
#undef TLSOFF_OFF_NAME
};

#define NB_OFF_STATS RTE_DIM(off_names)
_Static_assert(sizeof(struct rte_tlsoff_offload_stats) ==
	NB_OFF_STATS * sizeof(uint64_t), "device counters are u64, in order");

/* Counters of the instance: its own, then its device's ("mlx5.*"). */
static unsigned int
nb_stats(const struct tlsoff_stack *s)
{
	return NB_STATS + (s->off != NULL ? NB_OFF_STATS : 0);
}

/* Name and value of counter @k; @dev is the device's snapshot. */
static void
stat_at(const struct tlsoff_stack *s, const struct rte_tlsoff_offload_stats *dev,
		unsigned int k, char *name, size_t size, uint64_t *value)
{
	if (k < NB_STATS) {
		snprintf(name, size, "%s", stat_tab[k].name);
		*value = *(const uint64_t *)((const char *)&s->stats +
				stat_tab[k].off);
		return;
	}
	k -= NB_STATS;
	snprintf(name, size, "%s.%s", s->off->stats_prefix, off_names[k]);
	*value = ((const uint64_t *)dev)[k];
}

static void
dev_snapshot(const struct tlsoff_stack *s, struct rte_tlsoff_offload_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (s->off != NULL)
		s->off->stats_get(s->off_dev, st);
}

int
rte_tlsoff_stats_get(const struct rte_tlsoff_stack *stack,
		struct rte_tlsoff_stat *stats, unsigned int n)
{
	const struct tlsoff_stack *s = (const struct tlsoff_stack *)stack;
	struct rte_tlsoff_offload_stats dev;
	unsigned int i, total;

	if (s == NULL || (stats == NULL && n > 0))
		return -EINVAL;
	total = nb_stats(s);
	dev_snapshot(s, &dev);
	for (i = 0; i < n && i < total; i++)
		stat_at(s, &dev, i, stats[i].name, sizeof(stats[i].name),
			&stats[i].value);
	return (int)total;
}

int
rte_tlsoff_stat_get(const struct rte_tlsoff_stack *stack, const char *name,
		uint64_t *value)
{
	const struct tlsoff_stack *s = (const struct tlsoff_stack *)stack;
	struct rte_tlsoff_offload_stats dev;
	char n[RTE_TLSOFF_STAT_NAME_SIZE];
	unsigned int i, total;

	if (s == NULL || name == NULL || value == NULL)
		return -EINVAL;
	total = nb_stats(s);
	dev_snapshot(s, &dev);
	for (i = 0; i < total; i++) {
		stat_at(s, &dev, i, n, sizeof(n), value);
		if (strcmp(n, name) == 0)
			return 0;
	}
	*value = 0;
	return -ENOENT;
}

void
rte_tlsoff_stats_reset(struct rte_tlsoff_stack *stack)
{
	struct tlsoff_stack *s = tlsoff_stack(stack);

	if (s == NULL)
		return;
	memset(&s->stats, 0, sizeof(s->stats));
	if (s->off != NULL && s->off->stats_reset != NULL)
		s->off->stats_reset(s->off_dev);
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
		struct rte_tlsoff_offload_stats dev;

		rte_tel_data_start_dict(d);
		rc = 0;
		dev_snapshot(s, &dev);
		for (k = 0; k < nb_stats(s) && rc == 0; k++) {
			char tname[RTE_TLSOFF_STAT_NAME_SIZE];
			uint64_t v;
			char *p;

			/* Telemetry names allow [A-Za-z0-9_/]: "tcp/retransmits". */
			stat_at(s, &dev, k, tname, sizeof(tname), &v);
			for (p = tname; *p != '\0'; p++)
				if (*p == '.')
					*p = '/';
			rc = rte_tel_data_add_dict_u64(d, tname, v);
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
