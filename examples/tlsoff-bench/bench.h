/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* tlsoff-bench: the paths it measures and what it reports of each. */

#ifndef TLSOFF_BENCH_H
#define TLSOFF_BENCH_H

#include <stdbool.h>
#include <stdint.h>


enum bench_path {
	BP_PLAIN = 0,          /* TCP through the device, no TLS */
	BP_PLAIN_RING,         /* TCP straight to the ring port (reference) */
	BP_TLS_SW_OPENSSL,
	BP_TLS_SW_IPSEC_MB,
	BP_TLS_NIC_MODEL,
	BP_RAW_OPENSSL,        /* sealing records in a loop, no network */
	BP_RAW_IPSEC_MB,
	BP_KERNEL,             /* SSL_write over loopback Linux TCP */
	BP_MAX
};

extern const char *const bench_path_names[BP_MAX];

struct bench_opts {
	bool quick;
	bool verify;
	const char *json;
	double loss;                 /* stack loss injector, stack paths */
	uint64_t bytes;              /* payload per run (0: by mode) */
	unsigned int rounds;         /* runs of each path, interleaved */
	uint32_t sizes[4];
	unsigned int nb_sizes;
	bool want[BP_MAX];
	unsigned int peer_lcore;
};

struct bench_result {
	enum bench_path path;
	uint32_t record_size;
	bool ran;
	bool ok;                     /* moved all bytes (and verified them) */
	char note[160];
	uint64_t bytes;              /* payload bytes moved */
	uint64_t verified_bytes;     /* checked by the receiver (--verify) */
	uint64_t busy_cycles;        /* sender core */
	uint64_t records;
	double wall_s;
	uint64_t retransmit_bytes;
	uint64_t dump_bytes;
	uint64_t resyncs;
	/* where the sender's cycles went (stack paths) */
	uint64_t iterations, busy_iterations;
	uint64_t preempted;          /* samples replaced (bench_sample) */
	uint64_t frames_out, segments_in;
	/* over the rounds: this struct holds the best (fewest cycles/byte) */
	unsigned int rounds;
	double cpb_round[16];
};

/*
 * Cycles of units of work, measured with the TSC around each unit. On a
 * shared machine the thread is sometimes preempted inside a unit; such a
 * sample (longer than any unit of work here, 0.4 ms) counts as the mean
 * of the samples so far instead, and is reported (preempted).
 */
#define BENCH_PREEMPT_CYCLES 1000000u

struct bench_clock {
	uint64_t sum;
	uint64_t n;
	uint64_t preempted;
};

static inline void
bench_sample(struct bench_clock *c, uint64_t cycles)
{
	if (cycles > BENCH_PREEMPT_CYCLES && c->n >= 16) {
		c->preempted++;
		cycles = c->sum / c->n;
	}
	c->sum += cycles;
	c->n++;
}

/* The data every path sends: a preloaded buffer, as a file cache would be. */
#define BENCH_SRC_SIZE (64u << 20)
extern uint8_t *bench_src;

static inline uint8_t
bench_pattern(uint64_t off)
{
	return bench_src[off % BENCH_SRC_SIZE];
}

/* path_raw.c: the record loop's pieces (TLS 1.3 AES-128-GCM). */
#define BENCH_OUT_SIZE (4u << 20)
extern const uint8_t bench_key[16];
extern const uint8_t bench_iv[12];
void bench_nonce(uint64_t seq, uint8_t *n);
void bench_header(uint8_t *p, uint32_t inner);
bool bench_open_check(const uint8_t *rec, uint32_t len, uint64_t seq,
		uint64_t src_off);
/* path_ipsecmb.c: cycles to seal @n_rec records of @rs bytes. */
uint64_t bench_seal_ipsecmb(uint8_t *out, uint32_t out_size, uint32_t rs,
		uint64_t n_rec, uint64_t *verified, bool verify,
		uint64_t *preempted);
/* Records per timed block in the raw loops. */
#define BENCH_RAW_BLOCK 16u

/* cert.c: a throwaway self-signed server identity. */
struct ssl_ctx_st;   /* SSL_CTX: OpenSSL and intel-ipsec-mb headers clash */
int bench_tls_ctxs(uint32_t record_size, struct ssl_ctx_st **server,
		struct ssl_ctx_st **client);

/* path_stack.c, path_raw.c, path_kernel.c */
int bench_stack_init(void);
void bench_stack_fini(void);
void bench_run_stack(const struct bench_opts *o, enum bench_path p,
		uint32_t rs, struct bench_result *r);
void bench_run_raw(const struct bench_opts *o, enum bench_path p,
		uint32_t rs, struct bench_result *r);
void bench_run_kernel(const struct bench_opts *o, uint32_t rs,
		struct bench_result *r);

#endif /* TLSOFF_BENCH_H */
