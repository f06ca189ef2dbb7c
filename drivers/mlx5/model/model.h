/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The NIC model: a software ConnectX that takes the driver's command
 * mailboxes and reads the driver's send-queue memory, as the hardware
 * would, and puts the frames it builds on a DPDK port. It is strict: what
 * the hardware would reject gets an error status or an error CQE, and,
 * like the hardware, its TLS engine does not look at TCP sequence numbers,
 * so a missing resync produces wrong ciphertext on the wire.
 */

#ifndef MLX5_TLSOFF_MODEL_H
#define MLX5_TLSOFF_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "../mlx5_dev.h"

struct mlx5_model;

/* Where the model's frames go: a port, or (tests) a function. */
typedef uint16_t (*mlx5_model_wire_fn)(void *ctx, struct rte_mbuf **pkts,
		uint16_t n);

struct mlx5_model_conf {
	uint16_t port_id;            /* wire: rte_eth_tx_burst on it ... */
	uint16_t queue_id;
	mlx5_model_wire_fn wire;     /* ... unless this is set */
	void *wire_ctx;
	int socket_id;
	uint16_t mtu;                /* largest IP packet it will send */
	/* Work happens in mlx5_model_run() (another lcore) instead of in
	 * the doorbell. */
	bool async;
	/* Capability overrides for tests (0 = the model's default). */
	uint8_t log_max_dek;
	uint8_t log_dek_max_alloc;
	bool no_tls13;
};

/* Model's own counters: what the "hardware" saw and did. */
struct mlx5_model_stats {
	uint64_t commands, command_errors;
	uint64_t wqes, frames, frame_bytes, wire_drops;
	uint64_t tls_records, tls_payload_bytes, dump_bytes;
	uint64_t static_params, progress_params, fences;
	uint64_t cqes, error_cqes, flushed_wqes;
	uint8_t last_error_syndrome, last_vendor_syndrome;
};

/*
 * Vendor syndromes of the model's error CQEs (model-specific; the real
 * device's values are not public).
 */
enum mlx5_model_vendor_syndrome {
	MLX5_MODEL_VS_NONE = 0,
	MLX5_MODEL_VS_BAD_DS = 0x80,       /* ds count wrong for the opcode */
	MLX5_MODEL_VS_ZERO_DUMP = 0x81,    /* DUMP with byte_count 0 */
	MLX5_MODEL_VS_UNKNOWN_TIS = 0x82,
	MLX5_MODEL_VS_BAD_DEK = 0x83,      /* unknown, unkeyed or wrong PD */
	MLX5_MODEL_VS_NO_FENCE = 0x84,     /* context change without fence */
	MLX5_MODEL_VS_BAD_PARAMS = 0x85,   /* static params constants */
	MLX5_MODEL_VS_BAD_LKEY = 0x86,     /* data outside registered memory */
	MLX5_MODEL_VS_BAD_OPCODE = 0x87,
	MLX5_MODEL_VS_BAD_INDEX = 0x88,    /* wqe index != producer position */
	MLX5_MODEL_VS_NO_CONTEXT = 0x89,   /* TIS used before its params */
	MLX5_MODEL_VS_BAD_FRAME = 0x8a,    /* not Eth/IPv4/TCP, or too long */
	MLX5_MODEL_VS_BAD_RECORD = 0x8b,   /* record length the engine rejects */
	MLX5_MODEL_VS_DUMP_TOO_LONG = 0x8c, /* DUMP longer than the hw MTU */
	MLX5_MODEL_VS_DEK_STALE = 0x8d,    /* DEK re-keyed, no SYNC_CRYPTO since */
};

struct mlx5_model *mlx5_model_create(const struct mlx5_model_conf *conf);
void mlx5_model_free(struct mlx5_model *m);

/* A device on top of the model (its backend is the model). */
int mlx5_model_attach(struct mlx5_dev *d, struct mlx5_model *m);

/* Process what was rung (async mode, or a test stepping it). */
unsigned int mlx5_model_run(struct mlx5_model *m);

void mlx5_model_stats_get(const struct mlx5_model *m,
		struct mlx5_model_stats *st);

extern const struct mlx5_backend_ops mlx5_model_backend_ops;

#endif /* MLX5_TLSOFF_MODEL_H */
