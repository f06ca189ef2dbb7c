/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * How the stack opens the mlx5 TLS offload device: a ConnectX through
 * rdma-core DevX, or the NIC model. Private to the library.
 */

#ifndef TLSOFF_MLX5_H
#define TLSOFF_MLX5_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "rte_tlsoff.h"
#include "rte_tlsoff_driver.h"

struct tlsoff_mlx5_args {
	const char *name;            /* instance name (pools, logs) */
	const struct rte_tlsoff_offload_conf *conf;
	uint16_t port_id;            /* model: where frames go */
	uint16_t queue_id;
	int socket_id;
	uint16_t mtu;                /* IP MTU of the port */
	uint32_t max_contexts;
	/* Memory the stack's frames live in: registered up front. */
	struct rte_mempool *pools[4];
	unsigned int nb_pools;
};

/*
 * Open the device (@model: the NIC model, else a ConnectX through DevX).
 * 0 and the device's ops, or a negative errno, logged.
 */
int tlsoff_mlx5_open(const struct tlsoff_mlx5_args *a, bool model,
		const struct rte_tlsoff_offload_ops **ops, void **dev);

/*
 * Is there a ConnectX with TLS TX: named @ib_dev, or else the one behind
 * DPDK port @port_id (UINT16_MAX: any)? False when the library was built
 * without rdma-core, or the port is a vdev. @why explains a false answer.
 */
bool tlsoff_mlx5_hw_present(const char *ib_dev, uint16_t port_id, char *why,
		size_t why_len);

#endif /* TLSOFF_MLX5_H */
