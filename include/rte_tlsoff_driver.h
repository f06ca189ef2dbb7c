/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

#ifndef RTE_TLSOFF_DRIVER_H
#define RTE_TLSOFF_DRIVER_H

/**
 * @file
 * What a TLS transmit offload device implements, and the services the
 * library offers it. Applications do not need this header.
 *
 * A device takes every frame the stack sends (tx_burst replaces the
 * port's transmit). Frames of connections whose records it encrypts carry
 * a struct rte_tlsoff_tx_meta (an mbuf dynamic field): the device context
 * of the key epoch the bytes belong to (one context per key epoch of a
 * flow; a frame never mixes epochs), and the TCP sequence number and length
 * of the payload. The device keeps, per context, the sequence number it
 * expects next; when a frame does not continue it (a retransmission, or a
 * frame after a lost one), it asks the library for the record holding the
 * sequence number and for the bytes before it, to bring its crypto state
 * back in step (resync).
 *
 * Records are framed by the library as plaintext with the TLS header, the
 * TLS 1.2 explicit nonce, the TLS 1.3 inner content type and a 16-byte
 * placeholder for the tag, which the device overwrites.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Ciphers a device may be asked to take. */
enum rte_tlsoff_cipher {
	RTE_TLSOFF_CIPHER_AES_128_GCM = 0,
	RTE_TLSOFF_CIPHER_AES_256_GCM,
	RTE_TLSOFF_CIPHER_CHACHA20_POLY1305,
};

/** The keys of one transmit key epoch of a TLS flow. */
struct rte_tlsoff_tls_keys {
	uint16_t version;        /**< 0x0303 (TLS 1.2) or 0x0304 (TLS 1.3) */
	uint8_t cipher;          /**< enum rte_tlsoff_cipher */
	uint8_t key_len;         /**< 16 or 32 */
	uint8_t key[32];
	uint8_t salt[4];         /**< implicit nonce part / static IV bytes 0-3 */
	uint8_t iv[8];           /**< TLS 1.3: static IV bytes 4-11; 1.2: unused */
	uint64_t rec_seq;        /**< record number of the epoch's first record */
	uint32_t start_tcp_seq;  /**< TCP sequence of the epoch's first record */
};

/**
 * Per-frame metadata (an mbuf dynamic field, valid when the frame's
 * ol_flags has rte_tlsoff_tx_meta_flag): the frame carries bytes of a
 * flow's offloaded records, or of the flow just before them.
 */
struct rte_tlsoff_tx_meta {
	void *ctx;               /**< device context of the key epoch */
	uint32_t tcp_seq;        /**< sequence number of the first payload byte */
	uint32_t payload_len;    /**< TCP payload bytes */
};

/** Name of the mbuf dynamic field holding struct rte_tlsoff_tx_meta. */
#define RTE_TLSOFF_TX_META_NAME "rte_tlsoff_dynfield_tx_meta"
/** Name of the mbuf dynamic flag saying the field is valid. */
#define RTE_TLSOFF_TX_META_FLAG_NAME "rte_tlsoff_dynflag_tx_meta"

/** Offset of the field in the mbuf, once a stack exists (else -1). */
extern int rte_tlsoff_tx_meta_offset;
/** The ol_flags bit (0 until a stack exists). */
extern uint64_t rte_tlsoff_tx_meta_flag;

/** The frame's metadata, or NULL for a frame of no offloaded flow. */
static inline struct rte_tlsoff_tx_meta *
rte_tlsoff_tx_meta(struct rte_mbuf *m)
{
	if (!(m->ol_flags & rte_tlsoff_tx_meta_flag) ||
	    rte_tlsoff_tx_meta_flag == 0)
		return NULL;
	return RTE_MBUF_DYNFIELD(m, rte_tlsoff_tx_meta_offset,
		struct rte_tlsoff_tx_meta *);
}

/** A record of a flow, as the library keeps it until acknowledged. */
struct rte_tlsoff_record {
	uint32_t tcp_seq;        /**< sequence number of its first byte */
	uint32_t len;            /**< bytes, header to tag */
	uint64_t rec_seq;        /**< TLS record number */
	void *dev_ctx;           /**< the device context of its key epoch */
};

/** Where a record lookup landed. */
enum rte_tlsoff_lookup {
	RTE_TLSOFF_LOOKUP_FOUND = 0,  /**< @p rec holds the record */
	RTE_TLSOFF_LOOKUP_BEFORE,     /**< before the first offloaded record */
	RTE_TLSOFF_LOOKUP_GONE,       /**< its record was acknowledged and freed */
};

/**
 * Find the record holding TCP sequence number @p seq of @p flow
 * (wrap-safe).
 */
enum rte_tlsoff_lookup rte_tlsoff_flow_record(void *flow, uint32_t seq,
		struct rte_tlsoff_record *rec);

/** First TCP sequence number of the flow's offloaded records. */
uint32_t rte_tlsoff_flow_start_seq(void *flow);

/** A piece of a flow's queued bytes. */
struct rte_tlsoff_span {
	const struct rte_mbuf *m;   /**< the buffer holding them */
	const uint8_t *addr;        /**< first byte */
	uint32_t len;
};

/**
 * Describe the queued bytes [@p seq, @p seq + @p len) of @p flow as up to
 * @p max spans (for replaying a record prefix). The buffers stay valid
 * while the caller holds a reference (rte_mbuf_refcnt_update on the direct
 * mbuf, or rte_pktmbuf_attach) taken before the next poll.
 *
 * @return number of spans, or -ENOENT (bytes no longer queued) / -ENOSPC.
 */
int rte_tlsoff_flow_spans(void *flow, uint32_t seq, uint32_t len,
		struct rte_tlsoff_span *spans, unsigned int max);

/**
 * Device counters, summed over its queues. The stack reports each as
 * "<prefix>.<name>" in rte_tlsoff_stats_get() (e.g. "mlx5.resyncs").
 */
#define RTE_TLSOFF_OFFLOAD_STATS(X) \
	X(encrypted_packets)  /* frames the device encrypted */ \
	X(encrypted_bytes)    /* TLS payload bytes in them */ \
	X(ooo_packets)        /* frames that did not continue their context */ \
	X(resyncs)            /* context resyncs (params re-posted) */ \
	X(dump_wqes)          /* DUMP WQEs replaying record prefixes */ \
	X(dump_bytes)         /* bytes replayed by them */ \
	X(skip_no_sync)       /* before the first offloaded record: sent plain */ \
	X(drop_no_sync)       /* could not be resynced: dropped */ \
	X(ctx_created)        /* contexts handed out */ \
	X(ctx_destroyed)      /* contexts given back */ \
	X(pool_hits)          /* contexts taken from the pool without commands */ \
	X(fw_commands)        /* device commands issued, all kinds */ \
	X(ctx_no_resource)    /* context requests refused (pool exhausted) */ \
	X(plain_packets)      /* frames without TLS */ \
	X(tx_ring_full)       /* bursts cut short by a full send queue */ \
	X(cqe_errors)         /* error completions (queue recovered) */ \
	X(bounce_copies)      /* frames copied: memory the device cannot read */

struct rte_tlsoff_offload_stats {
#define RTE_TLSOFF_OFFLOAD_STAT_FIELD(n) uint64_t n;
	RTE_TLSOFF_OFFLOAD_STATS(RTE_TLSOFF_OFFLOAD_STAT_FIELD)
#undef RTE_TLSOFF_OFFLOAD_STAT_FIELD
};

/** An offload device, as the stack drives it. */
struct rte_tlsoff_offload_ops {
	const char *name;         /**< e.g. "mlx5" or "mlx5-model" */
	const char *stats_prefix; /**< e.g. "mlx5" */
	/**
	 * TCP payload of the largest frame the device cuts into segments
	 * itself (RTE_MBUF_F_TX_TCP_SEG, mbuf tso_segsz); 0: no TSO.
	 */
	uint32_t tso_max;
	/** Payload mbuf segments a TSO frame may have (with tso_max). */
	uint16_t tso_max_segs;
	/** Can a flow with these parameters be offloaded? */
	bool (*supports)(void *dev, uint16_t version, uint8_t cipher);
	/** Context for one key epoch; 0 or a negative errno (e.g. -ENOSPC). */
	int (*ctx_create)(void *dev, const struct rte_tlsoff_tls_keys *keys,
		void *flow, void **ctx);
	/** Release a context once no record of its epoch is in flight. */
	void (*ctx_destroy)(void *dev, void *ctx);
	/** Transmit frames (all of the stack's); as rte_eth_tx_burst. */
	uint16_t (*tx_burst)(void *dev, struct rte_mbuf **pkts, uint16_t n);
	/** Reap completions and do deferred work (every stack poll). */
	void (*poll)(void *dev);
	void (*stats_get)(void *dev, struct rte_tlsoff_offload_stats *st);
	void (*stats_reset)(void *dev);
	/** Asynchronous device work (a model on another lcore); may be NULL. */
	unsigned int (*run)(void *dev);
	void (*close)(void *dev);
};

#ifdef __cplusplus
}
#endif

#endif /* RTE_TLSOFF_DRIVER_H */
