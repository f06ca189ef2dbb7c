/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* The library's rte_log type; nothing in lib/ prints any other way. */

#ifndef TLSOFF_LOG_H
#define TLSOFF_LOG_H

#include <rte_log.h>

extern int tlsoff_logtype;

#define TLSOFF_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, tlsoff_logtype, "TLSOFF: " fmt "\n", \
		##__VA_ARGS__)

#endif /* TLSOFF_LOG_H */
