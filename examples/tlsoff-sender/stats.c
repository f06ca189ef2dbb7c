/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Statistics output: the testpmd-style line printed every --stats-period
 * and the flat JSON object written to --stats-json at exit. The JSON holds
 * every library counter under its own name, the sender's as "http.*" and
 * "tls.*", the ethdev counters as "port.<field of struct rte_eth_stats>",
 * and a few strings: mode, offload, crypto.engine, tls.version, tls.cipher.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "stats.h"

int
stats_lib_init(struct stats_lib *l, const struct rte_tlsoff_stack *stack)
{
	int n = rte_tlsoff_stats_get(stack, NULL, 0);

	l->v = NULL;
	l->n = 0;
	if (n <= 0) {
		fprintf(stderr, "tlsoff-sender: reading library counters: %s\n",
			strerror(n < 0 ? -n : EINVAL));
		return -1;
	}
	l->v = calloc((size_t)n, sizeof(*l->v));
	if (l->v == NULL) {
		fprintf(stderr, "tlsoff-sender: out of memory\n");
		return -1;
	}
	l->n = (unsigned int)n;
	stats_lib_read(l, stack);
	return 0;
}

void
stats_lib_read(struct stats_lib *l, const struct rte_tlsoff_stack *stack)
{
	if (l->n > 0)
		rte_tlsoff_stats_get(stack, l->v, l->n);
}

void
stats_lib_fini(struct stats_lib *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static uint64_t
lib_value(const struct stats_lib *l, const char *name)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return l->v[i].value;
	return 0;
}

/* Every counter of the library that counts dropped packets. */
static uint64_t
lib_drops(const struct stats_lib *l)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (strstr(l->v[i].name, "drop") != NULL)
			sum += l->v[i].value;
	return sum;
}

/* ---- JSON ---- */

/* Counter names are identifiers, but nothing stops a quote slipping in. */
static void
json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* A string member, or null for NULL. */
static void
json_str(FILE *f, const char *key, const char *v)
{
	fputs(",\n  ", f);
	json_string(f, key);
	fputs(": ", f);
	if (v != NULL)
		json_string(f, v);
	else
		fputs("null", f);
}

static void
json_u64(FILE *f, const char *prefix, const char *name, uint64_t v)
{
	char key[RTE_TLSOFF_STAT_NAME_SIZE + 16];

	snprintf(key, sizeof(key), "%s%s", prefix, name);
	fputs(",\n  ", f);
	json_string(f, key);
	fprintf(f, ": %llu", (unsigned long long)v);
}

static void
json_port(FILE *f, const struct rte_eth_stats *p)
{
	json_u64(f, "port.", "ipackets", p->ipackets);
	json_u64(f, "port.", "opackets", p->opackets);
	json_u64(f, "port.", "ibytes", p->ibytes);
	json_u64(f, "port.", "obytes", p->obytes);
	json_u64(f, "port.", "imissed", p->imissed);
	json_u64(f, "port.", "ierrors", p->ierrors);
	json_u64(f, "port.", "oerrors", p->oerrors);
	json_u64(f, "port.", "rx_nombuf", p->rx_nombuf);
}

static void
json_body(FILE *f, const struct stats_snapshot *s)
{
	unsigned int i;

	fputs("{\n  \"mode\": ", f);
	json_string(f, s->mode);
	json_str(f, "offload", s->offload);
	json_str(f, "crypto.engine", s->crypto_engine);
	json_str(f, "tls.version", s->tls_version);
	json_str(f, "tls.cipher", s->tls_cipher);
	fprintf(f, ",\n  \"uptime_s\": %.3f", s->uptime_s);
	for (i = 0; i < s->lib->n; i++)
		json_u64(f, "", s->lib->v[i].name, s->lib->v[i].value);
#define SENDER_STAT_JSON(g, n) json_u64(f, #g ".", #n, s->app.n);
	SENDER_STATS_LIST(SENDER_STAT_JSON)
#undef SENDER_STAT_JSON
	if (s->has_port)
		json_port(f, &s->port);
	fputs("\n}\n", f);
}

int
stats_write_json(const char *path, const struct stats_snapshot *s)
{
	char tmp[PATH_MAX];
	FILE *f;
	int err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL) {
		fprintf(stderr, "tlsoff-sender: --stats-json: %s: %s\n", tmp,
			strerror(errno));
		return -1;
	}
	json_body(f, s);
	/* Readers see the old file or the whole new one, never a part. */
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		err = errno;
	if (fclose(f) != 0 && err == 0)
		err = errno;
	if (err == 0 && rename(tmp, path) != 0)
		err = errno;
	if (err != 0) {
		fprintf(stderr, "tlsoff-sender: --stats-json: %s: %s\n", path,
			strerror(err));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* ---- periodic line ---- */

void
stats_ticker_init(struct stats_ticker *t, double period_s, uint64_t now)
{
	memset(t, 0, sizeof(*t));
	if (period_s <= 0.0)
		return;
	t->period = (uint64_t)(period_s * (double)rte_get_tsc_hz());
	if (t->period == 0)
		t->period = 1;
	t->next = now + t->period;
	t->last = now;
}

void
stats_ticker_print(struct stats_ticker *t, uint64_t now, double uptime_s,
		const struct stats_lib *lib, const struct sender_stats *app,
		uint16_t port_id)
{
	struct rte_eth_stats ps;
	double secs = (double)(now - t->last) / (double)rte_get_tsc_hz();
	double mbps = 0.0;

	if (rte_eth_stats_get(port_id, &ps) != 0)
		memset(&ps, 0, sizeof(ps));
	if (secs > 0.0 && ps.obytes >= t->last_obytes)
		mbps = (double)(ps.obytes - t->last_obytes) * 8.0 / secs / 1e6;
	printf("[%9.1fs] rx-pkts: %-10llu tx-pkts: %-10llu tx-Mbps: %9.2f "
		"conns: %-6llu retransmits: %-8llu drops: %llu\n",
		uptime_s, (unsigned long long)ps.ipackets,
		(unsigned long long)ps.opackets, mbps,
		(unsigned long long)app->conns_open,
		(unsigned long long)lib_value(lib, "tcp.retransmits"),
		(unsigned long long)(lib_drops(lib) + ps.imissed));
	fflush(stdout);
	t->last = now;
	t->last_obytes = ps.obytes;
	/* Skip missed periods rather than print a burst of lines. */
	while (t->next <= now)
		t->next += t->period;
}
