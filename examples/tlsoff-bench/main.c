/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * tlsoff-bench: CPU per byte of every transmit path, side by side, in one
 * run on one sender core, so that the ratios hold on a noisy machine.
 *
 *   tlsoff-bench -l 0,1 --no-huge -m 1024 --no-pci -- [options]
 *     --quick            small runs (under 30 s in all)
 *     --verify           the receivers decrypt and check every byte
 *     --json FILE        results as JSON
 *     --loss P           drop this fraction of the sender's data segments
 *                        (stack paths; retransmit and DUMP bytes reported)
 *     --bytes N          payload per run (default 128 MiB, quick 16 MiB)
 *     --rounds N         runs of each path, interleaved (default 9, quick
 *                        3): the table shows each path's best round (noise
 *                        only adds cycles) and median; the ratios are
 *                        medians of per-round pairs
 *     --paths a,b,...    subset: plain, plain-ring, tls-sw-openssl,
 *                        tls-sw-ipsec-mb, tls-nic-model, raw-aead-openssl,
 *                        raw-aead-ipsec-mb, openssl-kernel-tcp
 *     --sizes a,b        record sizes (default 16384,4096)
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include <rte_tlsoff.h>

#include "bench.h"

const char *const bench_path_names[BP_MAX] = {
	[BP_PLAIN] = "plain",
	[BP_PLAIN_RING] = "plain-ring",
	[BP_TLS_SW_OPENSSL] = "tls-sw-openssl",
	[BP_TLS_SW_IPSEC_MB] = "tls-sw-ipsec-mb",
	[BP_TLS_NIC_MODEL] = "tls-nic-model",
	[BP_RAW_OPENSSL] = "raw-aead-openssl",
	[BP_RAW_IPSEC_MB] = "raw-aead-ipsec-mb",
	[BP_KERNEL] = "openssl-kernel-tcp",
};

uint8_t *bench_src;

static void
usage(void)
{
	printf("usage: tlsoff-bench [EAL args, 2 lcores] -- [--quick] "
		"[--verify] [--json FILE]\n"
		"       [--loss P] [--bytes N] [--paths a,b,...] "
		"[--sizes 16384,4096]\n"
		"paths:");
	for (int i = 0; i < BP_MAX; i++)
		printf(" %s", bench_path_names[i]);
	printf("\n");
}

static int
parse_paths(struct bench_opts *o, char *arg)
{
	char *tok, *save = NULL;

	memset(o->want, 0, sizeof(o->want));
	for (tok = strtok_r(arg, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		int i;

		for (i = 0; i < BP_MAX; i++)
			if (strcmp(tok, bench_path_names[i]) == 0)
				break;
		if (i == BP_MAX) {
			fprintf(stderr, "tlsoff-bench: --paths: unknown path "
				"'%s'\n", tok);
			return -1;
		}
		o->want[i] = true;
	}
	return 0;
}

static int
parse_sizes(struct bench_opts *o, char *arg)
{
	char *tok, *save = NULL, *end;

	o->nb_sizes = 0;
	for (tok = strtok_r(arg, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned long v = strtoul(tok, &end, 10);

		if (*end != '\0' || v < 256 || v > 16384 ||
		    o->nb_sizes == RTE_DIM(o->sizes)) {
			fprintf(stderr, "tlsoff-bench: --sizes: '%s' must be "
				"256..16384 (at most 4 sizes)\n", tok);
			return -1;
		}
		o->sizes[o->nb_sizes++] = (uint32_t)v;
	}
	return o->nb_sizes > 0 ? 0 : -1;
}

static int
parse_args(int argc, char **argv, struct bench_opts *o)
{
	static const struct option lo[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "verify", no_argument, NULL, 'v' },
		{ "json", required_argument, NULL, 'j' },
		{ "loss", required_argument, NULL, 'l' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "paths", required_argument, NULL, 'p' },
		{ "sizes", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	for (c = 0; c < BP_MAX; c++)
		o->want[c] = true;
	o->sizes[0] = 16384;
	o->sizes[1] = 4096;
	o->nb_sizes = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'q':
			o->quick = true;
			break;
		case 'v':
			o->verify = true;
			break;
		case 'j':
			o->json = optarg;
			break;
		case 'l':
			o->loss = strtod(optarg, &end);
			if (*end != '\0' || o->loss < 0 || o->loss >= 0.5) {
				fprintf(stderr, "tlsoff-bench: --loss must be "
					"in [0, 0.5)\n");
				return -1;
			}
			break;
		case 'b':
			o->bytes = strtoull(optarg, &end, 10);
			if (*end != '\0' || o->bytes < (1u << 20)) {
				fprintf(stderr, "tlsoff-bench: --bytes must be "
					"a number >= 1048576\n");
				return -1;
			}
			break;
		case 'r':
			o->rounds = (unsigned int)strtoul(optarg, &end, 10);
			if (*end != '\0' || o->rounds < 1 || o->rounds > 16) {
				fprintf(stderr, "tlsoff-bench: --rounds must be "
					"1..16\n");
				return -1;
			}
			break;
		case 'p':
			if (parse_paths(o, optarg) != 0)
				return -1;
			break;
		case 's':
			if (parse_sizes(o, optarg) != 0)
				return -1;
			break;
		case 'h':
			usage();
			exit(0);
		default:
			usage();
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tlsoff-bench: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (o->bytes == 0)
		o->bytes = o->quick ? (16u << 20) : (128u << 20);
	if (o->rounds == 0)
		o->rounds = o->quick ? 3 : 9;
	return 0;
}

static void
machine(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], model[160] = "unknown CPU";

	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			char *p = strchr(line, ':');

			if (strncmp(line, "model name", 10) == 0 && p != NULL) {
				snprintf(model, sizeof(model), "%s", p + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		}
		fclose(f);
	}
	snprintf(buf, len, "%s, %u cores, TSC %.3f GHz", model,
		(unsigned int)sysconf(_SC_NPROCESSORS_ONLN),
		(double)rte_get_tsc_hz() / 1e9);
}

static double
cpb(const struct bench_result *r)
{
	return r->bytes ? (double)r->busy_cycles / (double)r->bytes : 0;
}

static double
gbps(const struct bench_result *r)
{
	double s = (double)r->busy_cycles / (double)rte_get_tsc_hz();

	return s > 0 ? (double)r->bytes * 8 / s / 1e9 : 0;
}

static double
rps(const struct bench_result *r)
{
	double s = (double)r->busy_cycles / (double)rte_get_tsc_hz();

	return s > 0 ? (double)r->records / s : 0;
}

static double median_of(double *v, unsigned int n);

/* Median cycles/byte over the rounds (the table shows the spread). */
static double
median(const struct bench_result *r)
{
	double v[16];

	memcpy(v, r->cpb_round, sizeof(v));
	return median_of(v, r->rounds);
}

static const struct bench_result *
find(const struct bench_result *res, unsigned int n, enum bench_path p,
		uint32_t rs)
{
	for (unsigned int i = 0; i < n; i++)
		if (res[i].path == p && res[i].record_size == rs && res[i].ran &&
		    res[i].ok)
			return &res[i];
	return NULL;
}

static double
median_of(double *v, unsigned int n)
{
	unsigned int i, j;
	double t;

	if (n == 0)
		return 0;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * a's cycles per byte over b's, paired by round (the two ran moments
 * apart, under the same conditions) and the median taken: the ratios are
 * steadier than either number alone on a shared machine.
 */
static double
ratio(const struct bench_result *a, const struct bench_result *b)
{
	unsigned int i, n = RTE_MIN(a->rounds, b->rounds);
	double v[16];

	for (i = 0; i < n; i++)
		v[i] = b->cpb_round[i] > 0 ? a->cpb_round[i] / b->cpb_round[i] : 0;
	return median_of(v, n);
}

/*
 * What records cost on top of the same bytes as plain TCP, both through the
 * device: the record layer's own work (framing, the record store, the
 * device's per-record lookups), per record; paired by round as ratio().
 */
static double
bookkeeping(const struct bench_result *nic, const struct bench_result *plain)
{
	unsigned int i, n = RTE_MIN(nic->rounds, plain->rounds);
	double v[16];

	for (i = 0; i < n; i++)
		v[i] = (nic->cpb_round[i] - plain->cpb_round[i]) *
			(double)nic->record_size;
	return median_of(v, n);
}

/* The ratios the targets are stated in, from this run. */
static void
print_ratios(const struct bench_result *res, unsigned int n,
		const struct bench_opts *o)
{
	for (unsigned int k = 0; k < o->nb_sizes; k++) {
		uint32_t rs = o->sizes[k];
		const struct bench_result *plain = find(res, n, BP_PLAIN, rs);
		const struct bench_result *nic = find(res, n, BP_TLS_NIC_MODEL, rs);
		const struct bench_result *swo = find(res, n, BP_TLS_SW_OPENSSL, rs);
		const struct bench_result *swi = find(res, n, BP_TLS_SW_IPSEC_MB, rs);
		const struct bench_result *rwo = find(res, n, BP_RAW_OPENSSL, rs);
		const struct bench_result *rwi = find(res, n, BP_RAW_IPSEC_MB, rs);
		const struct bench_result *ker = find(res, n, BP_KERNEL, rs);

		printf("record size %u (ratios: median over the rounds of each "
			"round's pair):\n", rs);
		if (plain && nic)
			printf("  tls-nic-model / plain cycles per byte:      "
				"%.3f (target <= 1.10)\n", ratio(nic, plain));
		if (swi && rwi)
			printf("  tls-sw-ipsec-mb / raw-aead-ipsec-mb Gb/s:    "
				"%.3f (target >= 0.90)\n", ratio(rwi, swi));
		if (swo && rwo)
			printf("  tls-sw-openssl / raw-aead-openssl Gb/s:      "
				"%.3f (target >= 0.90)\n", ratio(rwo, swo));
		if (ker && (swi || swo)) {
			const struct bench_result *sw = swi ? swi : swo;

			printf("  openssl-kernel-tcp / %s cycles per byte: "
				"%.2f (target >= 2.5)\n",
				bench_path_names[sw->path], ratio(ker, sw));
		}
		if (nic)
			printf("  tls-nic-model records per second per core:  "
				"%.2f M\n", rps(nic) / 1e6);
		if (nic && plain && bookkeeping(nic, plain) > 0)
			printf("  record bookkeeping (tls-nic-model - plain):  "
				"%.0f cycles/record, %.2f M records/s "
				"(target >= 3)\n", bookkeeping(nic, plain),
				(double)rte_get_tsc_hz() /
				bookkeeping(nic, plain) / 1e6);
		else if (nic && plain)
			printf("  record bookkeeping (tls-nic-model - plain):  "
				"below the noise (%.0f cycles/record)\n",
				bookkeeping(nic, plain));
	}
}

/* JSON: the ratios the targets are stated in, per record size. */
static void
json_ratios(FILE *f, const struct bench_result *res, unsigned int n,
		const struct bench_opts *o)
{
	for (unsigned int k = 0; k < o->nb_sizes; k++) {
		uint32_t rs = o->sizes[k];
		const struct bench_result *plain = find(res, n, BP_PLAIN, rs);
		const struct bench_result *nic = find(res, n, BP_TLS_NIC_MODEL, rs);
		const struct bench_result *swo = find(res, n, BP_TLS_SW_OPENSSL, rs);
		const struct bench_result *swi = find(res, n, BP_TLS_SW_IPSEC_MB, rs);
		const struct bench_result *rwo = find(res, n, BP_RAW_OPENSSL, rs);
		const struct bench_result *rwi = find(res, n, BP_RAW_IPSEC_MB, rs);
		const struct bench_result *ker = find(res, n, BP_KERNEL, rs);
		const struct bench_result *sw = swi ? swi : swo;

		fprintf(f, "%s\n  \"%u\": {\"nic_over_plain_cycles_per_byte\": "
			"%.4f, \"sw_ipsec_mb_over_raw_gbps\": %.4f, "
			"\"sw_openssl_over_raw_gbps\": %.4f, "
			"\"kernel_over_sw_cycles_per_byte\": %.4f, "
			"\"nic_records_per_sec\": %.0f, "
			"\"bookkeeping_cycles_per_record\": %.1f}",
			k ? "," : "", rs,
			nic && plain ? ratio(nic, plain) : 0.0,
			swi && rwi ? ratio(rwi, swi) : 0.0,
			swo && rwo ? ratio(rwo, swo) : 0.0,
			ker && sw ? ratio(ker, sw) : 0.0,
			nic ? rps(nic) : 0.0,
			nic && plain ? bookkeeping(nic, plain) : 0.0);
	}
}

static int
write_json(const char *path, const char *mach, const struct bench_opts *o,
		const struct bench_result *res, unsigned int n)
{
	FILE *f = fopen(path, "w");
	unsigned int i;

	if (f == NULL) {
		fprintf(stderr, "tlsoff-bench: --json %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	fprintf(f, "{\"machine\": \"%s\", \"quick\": %s, \"verify\": %s, "
		"\"loss\": %g, \"results\": [", mach, o->quick ? "true" : "false",
		o->verify ? "true" : "false", o->loss);
	for (i = 0; i < n; i++) {
		const struct bench_result *r = &res[i];

		if (!r->ran)
			continue;
		fprintf(f, "%s\n  {\"path\": \"%s\", \"record_size\": %u, "
			"\"ok\": %s, \"bytes\": %" PRIu64 ", \"verified_bytes\": %"
			PRIu64 ", \"busy_cycles\": %" PRIu64 ", "
			"\"cycles_per_byte\": %.4f, \"cycles_per_byte_median\": "
			"%.4f, \"rounds\": %u, \"gbps_per_core\": %.3f, "
			"\"records\": %" PRIu64 ", \"records_per_sec\": %.0f, "
			"\"wall_seconds\": %.3f, \"retransmit_bytes\": %" PRIu64
			", \"dump_bytes\": %" PRIu64 ", \"resyncs\": %" PRIu64
			", \"dump_bytes_per_retransmit_byte\": %.3f, "
			"\"iterations\": %" PRIu64 ", \"busy_iterations\": %"
			PRIu64 ", \"preempted_samples\": %" PRIu64
			", \"frames_out\": %" PRIu64 ", \"acks_in\": %"
			PRIu64 ", \"note\": \"%s\"}",
			i ? "," : "", bench_path_names[r->path], r->record_size,
			r->ok ? "true" : "false", r->bytes, r->verified_bytes,
			r->busy_cycles, cpb(r), median(r), r->rounds, gbps(r),
			r->records, rps(r),
			r->wall_s, r->retransmit_bytes, r->dump_bytes,
			r->resyncs, r->retransmit_bytes ? (double)r->dump_bytes /
			(double)r->retransmit_bytes : 0.0, r->iterations,
			r->busy_iterations, r->preempted, r->frames_out,
			r->segments_in, r->note);
	}
	fprintf(f, "\n], \"ratios\": {");
	json_ratios(f, res, n, o);
	fprintf(f, "\n}}\n");
	return fclose(f) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct bench_result res[BP_MAX * 4];
	struct bench_opts o;
	unsigned int n = 0, k, i, round, failed = 0;
	char mach[256];
	int rc, p;

	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		fprintf(stderr, "tlsoff-bench: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	argc -= rc;
	argv += rc;
	optind = 1;
	if (parse_args(argc, argv, &o) != 0)
		return 2;
	o.peer_lcore = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	if (o.peer_lcore >= RTE_MAX_LCORE) {
		fprintf(stderr, "tlsoff-bench: needs two lcores (e.g. -l 0,1): "
			"the sender and the peer/NIC\n");
		return 2;
	}
	bench_src = rte_malloc("bench_src", BENCH_SRC_SIZE, 64);
	if (bench_src == NULL || bench_stack_init() != 0) {
		fprintf(stderr, "tlsoff-bench: setup failed (memory? try -m 1024)\n");
		return 1;
	}
	/* The "file": deterministic, not compressible. */
	for (uint64_t i = 0; i < BENCH_SRC_SIZE; i++)
		bench_src[i] = (uint8_t)((i * 2654435761u) >> 13);
	machine(mach, sizeof(mach));
	printf("tlsoff-bench: %s\n%" PRIu64 " bytes per run, %u rounds%s%s, "
		"loss %g\n\n", mach, o.bytes, o.rounds, o.quick ? ", quick" : "",
		o.verify ? ", verifying every byte" : "", o.loss);
	printf("%-20s %6s %10s %10s %10s %12s %10s %s\n", "path", "rec",
		"cyc/B", "median", "Gb/s/core", "records/s", "DUMP/rxB",
		"status");
	/*
	 * Every path once per round, rounds interleaved: a burst of noise
	 * hits one run of each, and the best run of a path is kept.
	 */
	memset(res, 0, sizeof(res));
	for (k = 0; k < o.nb_sizes; k++)
		for (p = 0; p < BP_MAX; p++) {
			if (!o.want[p])
				continue;
			res[n].path = (enum bench_path)p;
			res[n].record_size = o.sizes[k];
			res[n].ok = true;
			n++;
		}
	for (round = 0; round < o.rounds; round++) {
		for (i = 0; i < n; i++) {
			struct bench_result *slot = &res[i], cur;

			if (!slot->ok && slot->ran)
				continue;   /* failed once: it stays failed */
			memset(&cur, 0, sizeof(cur));
			cur.path = slot->path;
			cur.record_size = slot->record_size;
			if (cur.path == BP_RAW_OPENSSL || cur.path == BP_RAW_IPSEC_MB)
				bench_run_raw(&o, cur.path, cur.record_size, &cur);
			else if (cur.path == BP_KERNEL)
				bench_run_kernel(&o, cur.record_size, &cur);
			else
				bench_run_stack(&o, cur.path, cur.record_size, &cur);
			fprintf(stderr, ".");
			if (!cur.ran) {
				snprintf(slot->note, sizeof(slot->note), "%s",
					cur.note);
				slot->ok = false;
				continue;
			}
			cur.cpb_round[0] = 0;
			if (!cur.ok || slot->rounds == 0 || cpb(&cur) < cpb(slot)) {
				unsigned int nr = slot->rounds;
				double keep[16];

				memcpy(keep, slot->cpb_round, sizeof(keep));
				*slot = cur;
				slot->rounds = nr;
				memcpy(slot->cpb_round, keep, sizeof(keep));
			}
			slot->cpb_round[slot->rounds++] = cpb(&cur);
		}
	}
	fprintf(stderr, "\n");
	for (i = 0; i < n; i++) {
		const struct bench_result *r = &res[i];

		if (!r->ran) {
			printf("%-20s %6u skipped: %s\n",
				bench_path_names[r->path], r->record_size, r->note);
			continue;
		}
		if (!r->ok)
			failed++;
		printf("%-20s %6u %10.3f %10.3f %10.2f %12.0f %10.3f %s%s%s\n",
			bench_path_names[r->path], r->record_size, cpb(r),
			median(r), gbps(r), rps(r), r->retransmit_bytes ?
			(double)r->dump_bytes / (double)r->retransmit_bytes : 0.0,
			r->ok ? "ok" : "FAILED", r->note[0] ? ": " : "", r->note);
	}
	printf("\n");
	print_ratios(res, n, &o);
	if (o.json != NULL && write_json(o.json, mach, &o, res, n) != 0)
		failed++;
	bench_stack_fini();
	rte_free(bench_src);
	rte_eal_cleanup();
	return failed ? 1 : 0;
}
