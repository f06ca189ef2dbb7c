/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* The model's objects and the functions its files share. */

#ifndef MLX5_TLSOFF_MODEL_PRIV_H
#define MLX5_TLSOFF_MODEL_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>

#include <rte_spinlock.h>

#include "model.h"

#define MM_MAX_TIS 4096u
#define MM_MAX_TD 16u
#define MM_MAX_MR 64u
#define MM_MAX_SQ 8u
#define MM_FRAME_MAX 9216u
#define MM_LSO_MAX (256u * 1024u)  /* headers + payload of one LSO WQE */

enum mm_obj_kind { MM_OBJ_TD = 1, MM_OBJ_TIS, MM_OBJ_DEK };

/* What a backend object handle points to. */
struct mm_obj {
	enum mm_obj_kind kind;
	uint32_t id;                 /* tdn, tisn, or first DEK id */
	uint32_t count;              /* DEKs in a bulk */
};

struct mm_dek {
	bool allocated;
	bool keyed;
	bool used;                   /* cached by the device (until SYNC) */
	bool stale;                  /* re-keyed while cached: unusable */
	uint32_t gen;                /* which key load (model key_seq) */
	uint8_t key_size;            /* 0 = 128, 1 = 256 */
	uint32_t pd;
	uint8_t key[32];
};

enum mm_phase { MM_HDR = 0, MM_NONCE, MM_BODY, MM_TAG };

/* The TLS engine of one TIS. */
struct mm_tls {
	bool static_ok, progress_ok;
	uint8_t version;             /* PRM encoding: 2 = 1.2, 3 = 1.3 */
	uint8_t gcm_iv[4], implicit_iv[8];
	uint64_t initial_rec;
	uint32_t dek;
	bool keyed;                  /* ctx holds DEK @dek at @key_gen */
	uint32_t key_gen;
	/* stream state */
	uint64_t rec;
	enum mm_phase phase;
	uint32_t pos;                /* bytes into the phase */
	uint8_t hdr[5];
	uint8_t nonce[8];
	uint32_t body_len;
	uint8_t tag[16];
	bool broken;
	EVP_CIPHER_CTX *ctx;
};

struct mm_tis {
	bool allocated;
	bool tls_en;
	uint32_t pd, td;
	bool has_traffic;            /* DUMP/SEND since the last params */
	bool need_fence;             /* params changed, no fence since */
	struct mm_tls tls;
};

struct mm_sq {
	bool used;
	struct mlx5_txq_hw hw;
	uint32_t ci;                 /* next WQEBB to execute (free running) */
	uint32_t cq_pi;
	bool error;
};

struct mm_mr {
	bool used;
	uintptr_t start, end;
	uint32_t lkey;
};

struct mlx5_model {
	struct mlx5_model_conf conf;
	rte_spinlock_t lock;         /* commands vs. queue processing */
	uint32_t pdn;
	bool pd_given;
	bool td_used[MM_MAX_TD];
	struct mm_tis *tis;          /* MM_MAX_TIS, index = tisn */
	struct mm_dek *dek;          /* 1 << log_max_dek, index = DEK id */
	uint32_t nb_dek;
	uint32_t dek_next;           /* next id to hand out */
	uint32_t key_seq;            /* key loads so far (mm_dek.gen) */
	struct mm_mr mr[MM_MAX_MR];
	struct mm_sq sq[MM_MAX_SQ];
	struct rte_mempool *frame_pool;
	struct rte_mbuf *out[64];
	unsigned int nb_out;
	uint8_t *scratch;            /* a SEND/LSO frame being assembled */
	uint8_t *seg;                /* one LSO piece */
	EVP_CIPHER *aes128, *aes256;
	struct mlx5_model_stats st;
};

/* model_cmd.c */
int mm_cmd(struct mlx5_model *m, const void *in, size_t inlen, void *out,
		size_t outlen);
int mm_obj_create(struct mlx5_model *m, const void *in, size_t inlen,
		void *out, size_t outlen, struct mm_obj **obj);
int mm_obj_modify(struct mlx5_model *m, struct mm_obj *obj, const void *in,
		size_t inlen, void *out, size_t outlen);
void mm_obj_destroy(struct mlx5_model *m, struct mm_obj *obj);

/* model_tls.c */
int mm_tls_set_static(struct mlx5_model *m, struct mm_tis *t,
		const uint8_t *params);
void mm_tls_reset(struct mm_tls *e);
/* Feed stream bytes; @out NULL for DUMP. 0, or a vendor syndrome. */
int mm_tls_feed(struct mlx5_model *m, struct mm_tls *e, const uint8_t *in,
		uint8_t *out, uint32_t n);

/* model_sq.c */
unsigned int mm_sq_run(struct mlx5_model *m, struct mm_sq *sq);
void mm_flush_wire(struct mlx5_model *m);
const void *mm_mem(const struct mlx5_model *m, uint64_t addr, uint32_t lkey,
		uint32_t len);

#endif /* MLX5_TLSOFF_MODEL_PRIV_H */
