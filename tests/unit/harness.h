/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Scripted-conversation harness for the stack (in the spirit of lwIP's unit
 * tests and packetdrill): a virtual clock, a capture device in place of the
 * port, a peer that injects crafted frames, and TAP output. Every frame the
 * stack sends is checked on capture: IPv4 and TCP checksums, and payload
 * bytes against the pattern the app queued (so a retransmission that is not
 * byte-identical to the first transmission fails the test).
 */

#ifndef TLSOFF_TEST_HARNESS_H
#define TLSOFF_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "rte_tlsoff.h"
#include "stack/stack.h"
#include "tcp/tcp.h"

#define TH_LOCAL_IP RTE_IPV4(10, 0, 0, 2)
#define TH_PEER_IP RTE_IPV4(10, 0, 0, 1)
#define TH_LPORT 8443
#define TH_PPORT 40000
#define TH_CAP_MAX 8192
#define TH_PEER_MSS 1460

/* A frame the stack sent, parsed. */
struct th_seg {
	bool tcp;              /* false: ARP, ICMP, ... (see eth_type/proto) */
	uint16_t eth_type;
	uint8_t ip_proto;
	uint8_t flags;
	uint32_t seq, ack;
	uint32_t wnd;          /* raw field */
	uint32_t len;          /* payload bytes */
	uint16_t sport, dport;
	uint32_t src, dst;
	struct tlsoff_tcp_opts opts;
	uint8_t data[9216];    /* payload */
	uint8_t frame[9300];   /* the whole frame */
	uint32_t frame_len;
};

/* Options the peer puts on a segment it sends. */
struct th_opts {
	bool no_ts;            /* omit the timestamp even if negotiated */
	bool has_ts;           /* force a timestamp (with tsval/tsecr below) */
	uint32_t tsval, tsecr;
	unsigned int nsack;
	uint32_t sack[4][2];
	const uint8_t *raw;    /* raw option bytes instead of the above */
	unsigned int raw_len;
};

struct th {
	const char *case_name;
	struct rte_tlsoff_stack *st;
	struct tlsoff_stack *s;
	struct rte_tlsoff_stack_conf conf;
	struct rte_mempool *pool;   /* frames the peer injects */
	uint64_t now_us;
	unsigned int isn_idx;       /* which ISN base this run uses */
	uint32_t l_isn;             /* the stack's ISN for the next connection */
	uint32_t p_isn;             /* the peer's ISN */

	/* capture device */
	struct rte_mbuf *cap[TH_CAP_MAX];
	unsigned int cap_head, cap_n;
	unsigned int tx_refuse;     /* device refuses frames while > 0 */
	uint64_t tx_total;

	/* peer TCP model */
	uint16_t pport;
	uint16_t lport;             /* the stack's port (TH_LPORT unless connect) */
	uint32_t p_nxt;             /* next sequence the peer sends */
	uint32_t p_ack;             /* what the peer acknowledges */
	uint32_t p_wnd;             /* window the peer advertises, bytes */
	uint8_t p_ws;               /* peer's window shift */
	bool p_sack, p_ts, p_wscale;  /* what the peer offers in its SYN */
	bool ts_ok, ws_ok;          /* what the handshake settled */
	uint32_t p_tsval;           /* peer's clock */
	uint32_t p_tsecr;           /* last TSval seen from the stack */

	/* app side */
	struct rte_tlsoff_listener *l;
	struct rte_tlsoff_conn *c;
	uint32_t ev;                /* events accumulated by the callback */
	unsigned int accepts;
	uint64_t app_sent;          /* pattern bytes queued by the app */
	bool no_pattern;            /* payload is not the pattern (TLS) */
	uint32_t data_isn;          /* stream offset 0 is data_isn + 1 */

	int failures;
	const char *skip;           /* reported as "# SKIP <reason>" */
	bool nic_hold;              /* an async offload device does not run */
	/*
	 * Group tests: the peer's frames arrive at this other member's queue
	 * (as a port's RSS may put them), which hands them over.
	 */
	struct th *rx_via;
};

/* TAP driver. */
struct th_case {
	const char *name;
	void (*fn)(struct th *t);
	bool per_isn;               /* run at ISNs near 0, 2^31 and 2^32 */
};

int th_main(int argc, char **argv, const struct th_case *cases,
		unsigned int n);
/* EAL and the null port th_start() needs (th_main does it itself). */
int th_eal_setup(const char *argv0);

/* The case cannot run here (a missing capability): a reported skip. */
static inline void
th_skip(struct th *t, const char *reason)
{
	t->skip = reason;
}

/* Checks: record a failure with a message and go on. */
#define TH_CHECK(t, cond, ...) \
	th_check((t), (cond), __FILE__, __LINE__, #cond, "" __VA_ARGS__)
#define TH_EQ(t, a, b) \
	th_check_eq((t), (uint64_t)(a), (uint64_t)(b), __FILE__, __LINE__, \
		#a, #b)
void th_check(struct th *t, bool cond, const char *file, int line,
		const char *expr, const char *fmt, ...);
void th_check_eq(struct th *t, uint64_t a, uint64_t b, const char *file,
		int line, const char *ea, const char *eb);

/* Stack lifetime; conf is filled with defaults that the test may change. */
void th_conf_default(struct th *t);
void th_start(struct th *t);
/* Tear down (th_main does it for its case): timers run out, pools check. */
void th_stop(struct th *t);

/* Clock. */
void th_advance(struct th *t, uint64_t us);   /* and run timers/output */
void th_run(struct th *t);                     /* output without time */

/* Capture. */
unsigned int th_pending(const struct th *t);
bool th_pop(struct th *t, struct th_seg *seg);
bool th_pop_tcp(struct th *t, struct th_seg *seg);  /* skips non-TCP */
void th_drain(struct th *t);
unsigned int th_drain_count(struct th *t);

/* Peer. */
void th_inject_frame(struct th *t, const void *frame, uint32_t len);
void th_inject_mbuf(struct th *t, struct rte_mbuf *m);
void th_send(struct th *t, uint8_t flags, uint32_t seq, uint32_t ack,
		const void *data, uint32_t len, const struct th_opts *o);
/* Data from the peer at p_nxt, ACKing p_ack. */
void th_send_data(struct th *t, const void *data, uint32_t len);
/* A pure ACK of @ack (and p_ack := ack), with optional SACK blocks. */
void th_ack(struct th *t, uint32_t ack);
void th_ack_sack(struct th *t, uint32_t ack, unsigned int n,
		const uint32_t (*blk)[2]);
uint32_t th_frame_build(struct th *t, uint8_t *buf, uint8_t flags,
		uint32_t seq, uint32_t ack, const void *data, uint32_t len,
		const struct th_opts *o);

/* Connections. */
void th_listen(struct th *t);
/* Active open by the stack; the peer answers with every option. */
bool th_connect(struct th *t);
/* Passive open with SYN options (mss, ws, sack, ts) chosen by the flags. */
bool th_accept(struct th *t, bool ws, bool sack, bool ts);
/* App queues @n pattern bytes (as much as fits); returns bytes taken. */
uint64_t th_app_send(struct th *t, uint64_t n);
/* Pattern byte at stream offset @off. */
static inline uint8_t
th_pattern(uint64_t off)
{
	return (uint8_t)(off * 131 + (off >> 11) + 7);
}
/* Stream offset of sequence @seq on the current connection. */
static inline uint64_t
th_off(const struct th *t, uint32_t seq)
{
	return (uint32_t)(seq - (t->data_isn + 1));
}
/* ACK every data segment captured so far (in order); returns bytes acked. */
uint32_t th_ack_all(struct th *t);
/* Keep ACKing until the app's queue is drained or @max_rounds passes. */
void th_pump(struct th *t, unsigned int max_rounds);

struct tlsoff_conn *th_conn(struct th *t);
/* The connection with the peer, even after the app released it. */
struct tlsoff_conn *th_lookup(struct th *t);

/* Mempools back at their start counts. */
void th_check_pools(struct th *t);

/* Print every non-zero counter as TAP diagnostics. */
void th_dump_stats(struct th *t);

/* Counter by name (stack stats). */
uint64_t th_stat(struct th *t, const char *name);

#endif /* TLSOFF_TEST_HARNESS_H */
