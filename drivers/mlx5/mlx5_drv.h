/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The mlx5 TLS offload driver's state: the device, its send queue, and the
 * TLS contexts (TIS + DEK) with their pools. Shared by the driver's files
 * and its unit tests; nothing here is public.
 */

#ifndef MLX5_TLSOFF_DRV_H
#define MLX5_TLSOFF_DRV_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "rte_tlsoff.h"
#include "rte_tlsoff_driver.h"
#include "mlx5_dev.h"
#include "mlx5_prm.h"

struct mlx5_model;

/* WQEs per completion request (and always the last WQE of a burst). */
#define MLX5_CQE_EVERY 32u
/* Data segments per SEND WQE past which a frame is copied instead. */
#define MLX5_MAX_DSEGS 24u
/* Header bytes inlined for frames that are not TCP (ARP, ICMP). */
#define MLX5_INLINE_MAX 256u
/* Record prefix spans a resync can replay from. */
#define MLX5_MAX_SPANS 16u
/* A gap up to this far ahead is replayed without new params. */
#define MLX5_GAP_MAX 32768u
/* TISes created per refill. */
#define MLX5_TIS_BATCH 64u
/* DEK bulks at most. */
#define MLX5_MAX_DEK_BULKS 64u

/* The send queue the driver owns. */
struct mlx5_txq {
	struct mlx5_dev *dev;
	struct mlx5_txq_hw hw;
	uint32_t pi;                 /* WQEBBs posted (free running) */
	uint32_t ci;                 /* WQEBBs completed (free running) */
	uint32_t cq_ci;              /* CQEs consumed (free running) */
	uint32_t db_pi;              /* pi at the last doorbell */
	uint32_t last_wqe;           /* pi of the last WQE posted */
	uint32_t since_cqe;          /* WQEs since a completion was asked */
	uint32_t mask;               /* wqe_cnt - 1 */
	uint32_t gen;                /* bumped by each reset after an error */
	bool error;                  /* an error completion arrived */
	struct rte_mbuf **elts;      /* per WQE start: what to free on completion */
	uint8_t *bbs;                /* per WQE start: its WQEBBs */
	unsigned int last_mr;        /* lkey lookup hint */
	struct rte_mempool *bounce_pool;
	struct rte_tlsoff_offload_stats *st;
};

/* A DEK bulk: 2^log ids from one CREATE. */
struct mlx5_dek_bulk {
	void *obj;
	uint32_t base;
	uint32_t count;
};

/* The TLS context of one key epoch of a flow: a TIS and a DEK. */
struct mlx5_tls_ctx {
	/* device objects, kept across uses */
	uint32_t tisn;
	void *tis_obj;
	uint32_t dek_id;             /* UINT32_MAX: none held */
	uint16_t dek_bulk;
	bool tis_used;               /* the TIS has carried traffic */
	/* the epoch */
	void *flow;
	uint16_t version;
	uint8_t key_len;
	uint8_t salt[4];
	uint8_t iv[8];
	uint32_t start_seq;          /* first byte of its first record */
	/* the device's view */
	uint32_t expected_seq;       /* where the TIS's stream is */
	uint64_t static_rec;         /* record number of the last static params */
	uint32_t gen;                /* txq gen of the last params */
	bool need_params;            /* nothing posted yet for this epoch */
	/* lifetime */
	bool live;
	uint32_t retire_pi;          /* freed once the queue completes this */
	struct mlx5_tls_ctx *next;   /* free or retiring list */
};

struct mlx5_drv {
	struct mlx5_dev dev;
	struct mlx5_model *model;    /* NULL on a real NIC */
	char name[32];               /* "mlx5" or "mlx5-model" */
	uint32_t flags;              /* RTE_TLSOFF_OFFLOAD_F_* */
	uint16_t mtu;                /* IP MTU */
	uint32_t dump_max;           /* bytes per DUMP WQE */
	struct mlx5_txq txq;
	/* contexts */
	struct mlx5_tls_ctx *ctxs;
	uint32_t max_ctx;
	uint32_t nb_tis;             /* contexts with a TIS so far */
	struct mlx5_tls_ctx *free_ctx;   /* with a TIS, not in use */
	struct mlx5_tls_ctx *retiring;   /* destroyed, WQEs may be in flight */
	struct mlx5_tls_ctx *retiring_tail;
	/* DEK ids: free (usable now), dirty (freed since the last sync) */
	struct mlx5_dek_bulk bulks[MLX5_MAX_DEK_BULKS];
	unsigned int nb_bulks;
	unsigned int log_bulk;
	uint32_t *dek_free;          /* stack of free DEK ids (index into bulks) */
	uint32_t nb_dek_free;
	uint32_t *dek_dirty;
	uint32_t nb_dek_dirty;
	uint32_t dek_cap;
	rte_tlsoff_wire_tap_t tap;
	void *tap_arg;
	uint16_t port_id, queue_id;
	struct rte_tlsoff_offload_stats st;
};

/* mlx5_txq.c: the send queue */
int mlx5_txq_setup(struct mlx5_drv *d, unsigned int log_wqebbs, int socket);
void mlx5_txq_teardown(struct mlx5_drv *d);
/* Reap completions; recover the queue after an error. */
void mlx5_txq_complete(struct mlx5_drv *d);
static inline uint32_t
mlx5_txq_room(const struct mlx5_txq *q)
{
	return q->mask + 1 - (q->pi - q->ci);
}
void mlx5_txq_doorbell(struct mlx5_txq *q);
/* WQE posting; each returns the WQEBBs used. */
unsigned int mlx5_post_static(struct mlx5_txq *q, const struct mlx5_tls_ctx *c,
		uint64_t rec_seq, bool fence);
unsigned int mlx5_post_progress(struct mlx5_txq *q, uint32_t tisn, bool fence);
unsigned int mlx5_post_nop(struct mlx5_txq *q, bool fence);
unsigned int mlx5_post_dump(struct mlx5_txq *q, uint32_t tisn,
		const void *addr, uint32_t len, uint32_t lkey,
		struct rte_mbuf *hold, bool fence);
/*
 * A frame as an Ethernet SEND (tisn 0: no TLS). WQEBBs it needs (0: it
 * must be copied first), and posting it.
 */
unsigned int mlx5_send_bbs(const struct rte_mbuf *m);
unsigned int mlx5_post_send(struct mlx5_drv *d, struct rte_mbuf *m,
		uint32_t tisn);
/* lkey of [addr, addr + len) of @m's memory, registering its pool. */
uint32_t mlx5_lkey(struct mlx5_drv *d, const struct rte_mbuf *m,
		const void *addr, uint32_t len);
int mlx5_register_pool(struct mlx5_drv *d, struct rte_mempool *mp);

/* Pure WQE builders (byte-exact, tested against the fact sheet). */
void mlx5_build_static(uint8_t wqe[192], uint16_t idx, uint32_t sqn,
		uint32_t tisn, uint32_t dek, uint16_t version,
		const uint8_t salt[4], const uint8_t iv[8], uint64_t rec_seq,
		bool fence);
void mlx5_build_progress(uint8_t wqe[32], uint16_t idx, uint32_t sqn,
		uint32_t tisn, bool fence);
void mlx5_build_nop(uint8_t wqe[16], uint16_t idx, uint32_t sqn, bool fence);
void mlx5_build_dump(uint8_t wqe[32], uint16_t idx, uint32_t sqn,
		uint32_t tisn, uint64_t addr, uint32_t len, uint32_t lkey,
		bool fence);

/* mlx5_tls.c: contexts and the TLS transmit path */
int mlx5_tls_setup(struct mlx5_drv *d, uint32_t max_ctx);
void mlx5_tls_teardown(struct mlx5_drv *d);
int mlx5_tls_ctx_create(struct mlx5_drv *d, const struct rte_tlsoff_tls_keys *k,
		void *flow, struct mlx5_tls_ctx **out);
void mlx5_tls_ctx_destroy(struct mlx5_drv *d, struct mlx5_tls_ctx *c);
/* Contexts whose last WQE completed go back to the pools. */
void mlx5_tls_reap(struct mlx5_drv *d);
/* Top the TIS pool up (control work, from poll). */
void mlx5_tls_refill(struct mlx5_drv *d);
/*
 * Post @m as a SEND with @tisn (0: no TLS), copying it first if the device
 * cannot read it where it is. 1 posted (or dropped, counted), 0 when the
 * queue has no room (nothing changed).
 */
int mlx5_send_frame(struct mlx5_drv *d, struct rte_mbuf *m, uint32_t tisn);
/*
 * Send a frame of an offloaded flow: 1 posted (or dropped, counted),
 * 0 when the queue has no room now (nothing changed).
 */
int mlx5_tls_xmit(struct mlx5_drv *d, struct rte_mbuf *m,
		const struct rte_tlsoff_tx_meta *meta);

#endif /* MLX5_TLSOFF_DRV_H */
