/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Serial-number arithmetic (RFC 1982) for 32-bit TCP sequence numbers.
 * Every sequence comparison in the library goes through these.
 */

#ifndef TLSOFF_TCP_SEQ_H
#define TLSOFF_TCP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_gt(a, b) ? a : b; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_lt(a, b) ? a : b; }

/* lo <= x < hi */
static inline bool
seq_in(uint32_t x, uint32_t lo, uint32_t hi)
{
	return seq_geq(x, lo) && seq_lt(x, hi);
}

#endif /* TLSOFF_TCP_SEQ_H */
