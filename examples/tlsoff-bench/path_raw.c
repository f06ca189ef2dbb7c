/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The reference paths: TLS 1.3 AES-128-GCM records sealed in a loop from
 * the source buffer into an output buffer (header as AAD, per-record
 * nonce, inner content type, tag), straight on OpenSSL EVP or on
 * intel-ipsec-mb, with no networking. This is the most a software path can
 * reach on a core; the library's software paths are judged against it.
 */

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "bench.h"

#define OUT_SIZE BENCH_OUT_SIZE


const uint8_t bench_key[16] = {
	0x4b, 0x0b, 0x1e, 0x5a, 0x99, 0x02, 0x33, 0x71,
	0xfe, 0x0c, 0x88, 0x1d, 0x42, 0x13, 0x6a, 0x27,
};
const uint8_t bench_iv[12] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
};

void
bench_nonce(uint64_t seq, uint8_t *n)
{
	unsigned int i;

	memcpy(n, bench_iv, 12);
	for (i = 0; i < 8; i++)
		n[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
}

/* Open one record with EVP: the check --verify does. */
bool
bench_open_check(const uint8_t *rec, uint32_t len, uint64_t seq, uint64_t src_off)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t n[12], *plain = malloc(len);
	int outl, fin;
	bool ok;

	bench_nonce(seq, n);
	EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, bench_key, n);
	EVP_DecryptUpdate(c, NULL, &outl, rec, 5);
	EVP_DecryptUpdate(c, plain, &outl, rec + 5, (int)(len - 5 - 16));
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16,
		(void *)(uintptr_t)(rec + len - 16));
	fin = EVP_DecryptFinal_ex(c, plain + outl, &outl);
	ok = fin == 1 && plain[len - 5 - 16 - 1] == 23 &&
		memcmp(plain, bench_src + src_off % BENCH_SRC_SIZE,
			len - 5 - 16 - 1) == 0;
	EVP_CIPHER_CTX_free(c);
	free(plain);
	return ok;
}

void
bench_header(uint8_t *p, uint32_t inner)
{
	uint32_t l = inner + 16;

	p[0] = 23;
	p[1] = 3;
	p[2] = 3;
	p[3] = (uint8_t)(l >> 8);
	p[4] = (uint8_t)l;
}

static uint64_t
seal_openssl(uint8_t *out, uint32_t rs, uint64_t n_rec, uint64_t *verified,
		bool verify, uint64_t *preempted)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	const uint32_t reclen = 5 + rs + 1 + 16;
	uint64_t seq, off = 0, t0, t1;
	struct bench_clock clk = { 0, 0, 0 };
	uint8_t n[12];
	int outl;

	EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, bench_key, NULL);
	t0 = rte_rdtsc_precise();
	for (seq = 0; seq < n_rec; seq++) {
		uint8_t *p = out + (seq * reclen) % (OUT_SIZE - reclen);
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
		EVP_EncryptInit_ex(c, NULL, NULL, NULL, n);
		EVP_EncryptUpdate(c, NULL, &outl, p, 5);
		EVP_EncryptUpdate(c, p + 5, &outl, src, (int)rs);
		EVP_EncryptUpdate(c, p + 5 + rs, &outl, &type, 1);
		EVP_EncryptFinal_ex(c, p + 5 + rs + 1, &outl);
		EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, p + 6 + rs);
		/* --verify (not for timing): open every record. */
		if (verify && bench_open_check(p, reclen, seq,
				off % (BENCH_SRC_SIZE - rs)))
			*verified += rs;
		off += rs;
	}
	bench_sample(&clk, rte_rdtsc_precise() - t0);
	*preempted = clk.preempted;
	EVP_CIPHER_CTX_free(c);
	return clk.sum;
}


void
bench_run_raw(const struct bench_opts *o, enum bench_path p, uint32_t rs,
		struct bench_result *r)
{
	uint8_t *out = rte_malloc(NULL, OUT_SIZE, 64);
	uint64_t n_rec = o->bytes / rs, verified = 0, cyc;
	uint64_t hz = rte_get_tsc_hz();

	r->ran = true;
	if (out == NULL) {
		snprintf(r->note, sizeof(r->note), "no memory");
		return;
	}
	/* Warm the buffers (page faults are not sealing). */
	memset(out, 0, OUT_SIZE);
	if (p == BP_RAW_OPENSSL) {
		cyc = seal_openssl(out, rs, n_rec, &verified, o->verify,
			&r->preempted);
	} else {
#ifdef BENCH_HAVE_IPSEC_MB
		cyc = bench_seal_ipsecmb(out, OUT_SIZE, rs, n_rec, &verified,
			o->verify, &r->preempted);
#else
		snprintf(r->note, sizeof(r->note),
			"intel-ipsec-mb not built in");
		rte_free(out);
		r->ran = false;
		return;
#endif
	}
	rte_free(out);
	r->bytes = n_rec * rs;
	r->records = n_rec;
	r->busy_cycles = cyc;
	r->wall_s = (double)cyc / (double)hz;
	r->verified_bytes = verified;
	r->ok = !o->verify || verified == r->bytes;
	if (o->verify && !r->ok)
		snprintf(r->note, sizeof(r->note), "a record did not open");
}
