/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Internet checksum over a byte range of an mbuf chain. DPDK 22.11's
 * rte_raw_cksum_mbuf() byte-swaps the unreduced 32-bit partial sum of a
 * segment that starts at an odd offset after truncating it to 16 bits,
 * which loses carries: chained frames with odd-length pieces (record
 * headers, tags, app buffers of any size) would leave with bad checksums.
 * Here each piece is folded first, then swapped.
 */

#ifndef TLSOFF_CKSUM_H
#define TLSOFF_CKSUM_H

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

/*
 * One's-complement sum (not complemented) of @len bytes of @m from @off,
 * as 16-bit words in memory order. -1 if the range is outside the chain.
 */
static inline int
tlsoff_cksum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len,
		uint16_t *out)
{
	uint64_t sum = 0;
	uint32_t done = 0;

	if (off + len > rte_pktmbuf_pkt_len(m))
		return -1;
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (done < len && m != NULL) {
		uint32_t n = RTE_MIN((uint32_t)m->data_len - off, len - done);
		uint16_t part = rte_raw_cksum(
			rte_pktmbuf_mtod_offset(m, const void *, off), n);

		/* A piece starting at an odd position has its bytes swapped. */
		sum += (done & 1) ? rte_bswap16(part) : part;
		done += n;
		off = 0;
		m = m->next;
	}
	if (done != len)
		return -1;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	*out = (uint16_t)sum;
	return 0;
}

#endif /* TLSOFF_CKSUM_H */
