/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* The driver's log type, "tlsoff.mlx5". */

#ifndef MLX5_TLSOFF_LOG_H
#define MLX5_TLSOFF_LOG_H

#include <rte_log.h>

extern int mlx5_tlsoff_logtype;

#define MLX5_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, mlx5_tlsoff_logtype, "TLSOFF mlx5: " fmt "\n", \
		##__VA_ARGS__)

#endif /* MLX5_TLSOFF_LOG_H */
