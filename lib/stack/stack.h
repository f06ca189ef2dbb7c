/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The per-lcore stack instance: what every layer reaches through the
 * `struct tlsoff_stack *` it is given. Private to the library and its tests.
 */

#ifndef TLSOFF_STACK_H
#define TLSOFF_STACK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "rte_tlsoff.h"
#include "rte_tlsoff_driver.h"
#include "stats.h"
#include "timer.h"
#include "../crypto/aead.h"
#include "../net/arp.h"

struct rte_hash;
struct tlsoff_conn;
struct tlsoff_listener;
struct tlsoff_group;

TAILQ_HEAD(tlsoff_conn_list, tlsoff_conn);

/* Packets handed to the device per burst, and the most held back. */
#define TLSOFF_NAME_MAX 16u       /* instance name, leaves room in pool names */
#define TLSOFF_TX_BURST 32u
#define TLSOFF_TXBUF_SIZE 1024u
#define TLSOFF_RX_BURST 32u

/*
 * Device I/O. The default moves packets through rte_eth_rx_burst /
 * rte_eth_tx_burst; tests and the offload drivers install their own.
 */
struct tlsoff_io_ops {
	uint16_t (*rx_burst)(void *ctx, struct rte_mbuf **pkts, uint16_t n);
	uint16_t (*tx_burst)(void *ctx, struct rte_mbuf **pkts, uint16_t n);
};

struct tlsoff_stack {
	char name[TLSOFF_NAME_MAX + 1];
	struct rte_tlsoff_stack_conf conf;
	struct rte_ether_addr mac;
	uint32_t netmask;          /* host order */
	uint16_t mtu;
	uint16_t mss;              /* MSS announced (payload, no options) */
	uint8_t rcv_wscale;        /* window shift announced */
	bool tx_cksum_offload;     /* IPv4 + TCP checksum done by the port */
	bool rx_cksum_offload;
	bool tx_multiseg;          /* payload may be chained (no copy) */
	uint32_t tso_max;          /* TCP payload per TSO frame; 0: no TSO */
	uint16_t tso_max_segs;     /* payload pieces per TSO frame */

	/* clock: microseconds, real (TSC) unless a test drives it */
	uint64_t now_us;
	uint64_t tsc_hz;
	bool manual_clock;

	/* device */
	struct tlsoff_io_ops io;
	const struct rte_tlsoff_offload_ops *off; /* TLS offload device or NULL */
	void *off_dev;
	void *io_ctx;
	struct rte_mbuf *txbuf[TLSOFF_TXBUF_SIZE];
	uint32_t txbuf_n;

	/* memory, all reserved at create time */
	struct rte_mempool *hdr_pool;   /* headers and control segments */
	struct rte_mempool *ind_pool;   /* indirect mbufs referencing payload */
	struct rte_mempool *sndbuf_pool; /* copy-mode send buffers */
	struct rte_mempool *conn_pool;
	size_t conn_size;
	struct rte_hash *conn_hash;
	uint32_t nb_conns;

	struct tlsoff_listener *listeners; /* conf.max_listeners entries */

	/* TLS: the sealing engine and the per-connection contexts */
	struct tlsoff_crypto crypto;
	struct rte_mempool *tls_pool;
	uint64_t tls_key_update_records;

	struct tlsoff_wheel wheel;
	struct tlsoff_arp arp;

	/* work lists, run at the end of each poll */
	struct tlsoff_conn_list ev_list;   /* conns with events to deliver */
	struct tlsoff_conn_list out_list;  /* conns with output to try */
	struct tlsoff_conn_list mem_wait;  /* conns waiting for send memory */
	struct tlsoff_conn_list time_wait; /* oldest first */
	bool mem_freed;            /* send memory came back this poll */
	uint32_t listener_events;  /* listeners with ev_pending set */

	/* TCP */
	uint64_t isn_key[2];       /* SipHash key for ISNs (RFC 6528) */
	uint32_t isn_override;     /* tests: next ISN when isn_override_set */
	bool isn_override_set;
	uint16_t next_ephemeral;
	uint16_t ip_id;
	uint64_t challenge_ack_window_start;
	uint32_t challenge_acks_in_window;

	/* the group of instances on this port and address (group.h) */
	struct tlsoff_group *group;   /* NULL: alone */
	bool group_rx;             /* taking in what a member sent */

	/* test-only loss injector */
	uint64_t drop_threshold;   /* drop when rand < threshold; 0 = off */
	uint64_t drop_rng;

	struct tlsoff_stats stats;
};

static inline uint64_t
tlsoff_now_us(const struct tlsoff_stack *s)
{
	return s->now_us;
}

/* Queue a finished frame for the device. 0, or -ENOBUFS with @m untouched. */
int tlsoff_tx_enqueue(struct tlsoff_stack *s, struct rte_mbuf *m);
/* Hand queued frames to the device; what it refuses stays queued in order. */
void tlsoff_tx_flush(struct tlsoff_stack *s);
/* Free slots left in the tx buffer. */
static inline uint32_t
tlsoff_tx_room(const struct tlsoff_stack *s)
{
	return TLSOFF_TXBUF_SIZE - s->txbuf_n;
}

/* Process received frames (the poll loop's rx half; tests call it too). */
void tlsoff_stack_input(struct tlsoff_stack *s, struct rte_mbuf **pkts,
		uint16_t n);
/* Run due timers and deferred work (the poll loop's second half). */
void tlsoff_stack_run_deferred(struct tlsoff_stack *s);

/* offload.c: the TLS offload device under the instance. */
int tlsoff_offload_open(struct tlsoff_stack *s);
void tlsoff_offload_close(struct tlsoff_stack *s);
/* Drop queued frames of device context @ctx (it is going away). */
void tlsoff_tx_purge_ctx(struct tlsoff_stack *s, const void *ctx);

/* Test hooks. */
void tlsoff_stack_set_io(struct tlsoff_stack *s,
		const struct tlsoff_io_ops *ops, void *ctx);
void tlsoff_stack_set_clock(struct tlsoff_stack *s, uint64_t now_us);
void tlsoff_stack_set_isn(struct tlsoff_stack *s, uint32_t isn);

static inline struct tlsoff_stack *
tlsoff_stack(struct rte_tlsoff_stack *s)
{
	return (struct tlsoff_stack *)s;
}

#endif /* TLSOFF_STACK_H */
