/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * SipHash-2-4 (Aumasson, Bernstein 2012), the keyed hash behind our initial
 * sequence numbers (RFC 6528 asks for a keyed PRF of the 4-tuple).
 */

#ifndef TLSOFF_SIPHASH_H
#define TLSOFF_SIPHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SIP_ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

static inline void
tlsoff_sip_round(uint64_t v[4])
{
	v[0] += v[1]; v[1] = SIP_ROTL(v[1], 13); v[1] ^= v[0];
	v[0] = SIP_ROTL(v[0], 32);
	v[2] += v[3]; v[3] = SIP_ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = SIP_ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = SIP_ROTL(v[1], 17); v[1] ^= v[2];
	v[2] = SIP_ROTL(v[2], 32);
}

static inline uint64_t
tlsoff_siphash24(const uint64_t key[2], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v[4] = {
		key[0] ^ 0x736f6d6570736575ull, key[1] ^ 0x646f72616e646f6dull,
		key[0] ^ 0x6c7967656e657261ull, key[1] ^ 0x7465646279746573ull,
	};
	uint64_t m, b = (uint64_t)len << 56;
	size_t i, tail = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&m, p + i, 8);   /* little-endian hosts only (x86, arm64) */
		v[3] ^= m;
		tlsoff_sip_round(v);
		tlsoff_sip_round(v);
		v[0] ^= m;
	}
	for (i = 0; i < tail; i++)
		b |= (uint64_t)p[len - tail + i] << (8 * i);
	v[3] ^= b;
	tlsoff_sip_round(v);
	tlsoff_sip_round(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		tlsoff_sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

#endif /* TLSOFF_SIPHASH_H */
