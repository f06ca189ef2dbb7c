/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * raw-aead-ipsec-mb: the same record loop as path_raw.c on intel-ipsec-mb
 * (its header cannot share a file with OpenSSL's: both define SHA1).
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <intel-ipsec-mb.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_malloc.h>

#include "bench.h"

uint64_t
bench_seal_ipsecmb(uint8_t *out, uint32_t out_size, uint32_t rs,
		uint64_t n_rec, uint64_t *verified, bool verify,
		uint64_t *preempted)
{
	IMB_MGR *m = alloc_mb_mgr(0);
	struct gcm_key_data *k = rte_zmalloc(NULL, sizeof(*k), 64);
	struct gcm_context_data ctx;
	const uint32_t reclen = 5 + rs + 1 + 16;
	uint64_t seq, off = 0, t0, t1;
	struct bench_clock clk = { 0, 0, 0 };
	uint8_t n[12];

	init_mb_mgr_auto(m, NULL);
	IMB_AES128_GCM_PRE(m, bench_key, k);
	t0 = rte_rdtsc_precise();
	for (seq = 0; seq < n_rec; seq++) {
		uint8_t *p = out + (seq * reclen) % (out_size - reclen);
		const uint8_t *src = bench_src + off % (BENCH_SRC_SIZE - rs);
		uint8_t type = 23;

		/* Timed in blocks: a preempted block is set aside. */
		if (seq % BENCH_RAW_BLOCK == 0 && seq > 0) {
			t1 = rte_rdtsc_precise();
			bench_sample(&clk, t1 - t0);
			t0 = t1;
		}
		bench_header(p, rs + 1);
		bench_nonce(seq, n);
		IMB_AES128_GCM_INIT(m, k, &ctx, n, p, 5);
		IMB_AES128_GCM_ENC_UPDATE(m, k, &ctx, p + 5, src, rs);
		IMB_AES128_GCM_ENC_UPDATE(m, k, &ctx, p + 5 + rs, &type, 1);
		IMB_AES128_GCM_ENC_FINALIZE(m, k, &ctx, p + 6 + rs, 16);
		if (verify && bench_open_check(p, reclen, seq,
				off % (BENCH_SRC_SIZE - rs)))
			*verified += rs;
		off += rs;
	}
	bench_sample(&clk, rte_rdtsc_precise() - t0);
	*preempted = clk.preempted;
	free_mb_mgr(m);
	rte_free(k);
	return clk.sum;
}
