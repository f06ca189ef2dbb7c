/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * TCP private interface: the connection and listener objects, segment
 * descriptors, and the functions the TCP files share.
 */

#ifndef TLSOFF_TCP_H
#define TLSOFF_TCP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "rte_tlsoff.h"
#include "cc.h"
#include "tcp_rcvq.h"
#include "tcp_sack.h"
#include "tcp_seq.h"
#include "tcp_sndq.h"
#include "../net/arp.h"
#include "../stack/stack.h"
#include "../stack/timer.h"

/* TCP header flags (RFC 9293). */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

#define TCP_HDR_LEN 20u
#define TCP_MAX_OPT_LEN 40u
#define TCP_TS_OPT_LEN 12u      /* NOP NOP TS */
#define TCP_DEFAULT_MSS 536u    /* RFC 9293 3.7.1, when none is announced */
#define TCP_MIN_MSS 88u         /* as Linux: keeps options + data sane */
#define TCP_MAX_WSCALE 14u
#define TCP_INIT_CWND_SEGS 10u  /* RFC 6928 */
#define TCP_LT_MAX 2u           /* RFC 3042 limited transmit */
#define TCP_PAWS_IDLE_US (24ull * 24 * 3600 * 1000000) /* RFC 7323 5.5 */

typedef enum rte_tlsoff_tcp_state tlsoff_tcp_state_t;
#define TCP_CLOSED      RTE_TLSOFF_TCP_CLOSED
#define TCP_LISTEN      RTE_TLSOFF_TCP_LISTEN
#define TCP_SYN_SENT    RTE_TLSOFF_TCP_SYN_SENT
#define TCP_SYN_RCVD    RTE_TLSOFF_TCP_SYN_RCVD
#define TCP_ESTABLISHED RTE_TLSOFF_TCP_ESTABLISHED
#define TCP_FIN_WAIT_1  RTE_TLSOFF_TCP_FIN_WAIT_1
#define TCP_FIN_WAIT_2  RTE_TLSOFF_TCP_FIN_WAIT_2
#define TCP_CLOSE_WAIT  RTE_TLSOFF_TCP_CLOSE_WAIT
#define TCP_CLOSING     RTE_TLSOFF_TCP_CLOSING
#define TCP_LAST_ACK    RTE_TLSOFF_TCP_LAST_ACK
#define TCP_TIME_WAIT   RTE_TLSOFF_TCP_TIME_WAIT

/* Connection flags. */
#define TF_SACK_OK     (1u << 0)  /* SACK negotiated */
#define TF_TS_OK       (1u << 1)  /* timestamps negotiated */
#define TF_WS_OK       (1u << 2)  /* window scaling negotiated */
#define TF_ACK_NOW     (1u << 3)  /* an ACK must go out with the next output */
#define TF_FIN_QUEUED  (1u << 4)  /* app shut the send side; FIN follows data */
#define TF_FIN_RCVD    (1u << 5)  /* peer's FIN consumed: end of stream */
#define TF_APP_OWNED   (1u << 6)  /* the app holds a handle */
#define TF_APP_CLOSED  (1u << 7)  /* the app released its handle */
#define TF_WANT_WRITE  (1u << 8)  /* app was refused send space */
#define TF_RTT_TIMING  (1u << 9)  /* rtt_seq is being timed (Karn) */
#define TF_IN_RECOVERY (1u << 10) /* fast recovery (RFC 6675 / 6582) */
#define TF_PERSIST     (1u << 11) /* the rtx timer is the persist timer */
#define TF_IN_HASH     (1u << 12)
#define TF_ACTIVE_OPEN (1u << 13)
#define TF_FIN_OOO     (1u << 14) /* a FIN beyond RCV.NXT is held at fin_seq */
#define TF_RST_SENT    (1u << 15)
#define TF_EOR         (1u << 16) /* the send queue has segment limits */

enum tlsoff_tcp_timer {
	TCP_T_RTX = 0,   /* retransmission, SYN retry, or persist */
	TCP_T_DELACK,
	TCP_T_2MSL,      /* TIME_WAIT, or FIN_WAIT_2 of a released connection */
	TCP_T_MAX
};

/*
 * An upper layer riding on a connection (TLS): told when data is
 * acknowledged (its records can go) and when the connection is freed.
 */
struct tlsoff_ulp_ops {
	void (*on_acked)(void *ctx, uint32_t snd_una);
	void (*on_free)(void *ctx);
	/* A segment of @len payload bytes from @seq is about to go out. */
	void (*on_xmit)(void *ctx, struct rte_mbuf *m, uint32_t seq,
		uint32_t len);
	/* The app ends its sending (shutdown or close): last words first. */
	void (*on_send_close)(void *ctx);
};

struct tlsoff_conn_key {
	uint32_t rip;
	uint32_t lip;
	uint16_t rport;
	uint16_t lport;
} __rte_packed;

struct tlsoff_listener {
	struct tlsoff_stack *stack;
	uint16_t port;
	bool active;
	bool ev_pending;
	uint32_t backlog;
	uint32_t n_syn;            /* SYN_RCVD connections */
	uint32_t n_acc;            /* established, waiting for accept */
	struct tlsoff_conn_list acc_q;
	rte_tlsoff_accept_cb_t cb;
	void *cb_arg;
};

struct tlsoff_conn {
	struct tlsoff_stack *stack;
	struct tlsoff_listener *listener; /* until accepted */
	TAILQ_ENTRY(tlsoff_conn) ev_link;
	TAILQ_ENTRY(tlsoff_conn) out_link;
	TAILQ_ENTRY(tlsoff_conn) mem_link;
	TAILQ_ENTRY(tlsoff_conn) q_link;  /* accept queue or TIME_WAIT list */
	struct tlsoff_timer timer;
	uint64_t t_expire[TCP_T_MAX];     /* µs; 0 = off */

	struct tlsoff_conn_key key;
	struct tlsoff_l2cache l2;
	uint32_t lip, rip;                /* host order */
	uint16_t lport, rport;

	tlsoff_tcp_state_t state;
	uint32_t flags;
	int error;
	uint32_t ev_pending;
	bool in_ev_list, in_out_list, in_mem_wait, in_tw_list, in_acc_q;
	rte_tlsoff_conn_cb_t cb;
	void *cb_arg;
	const struct tlsoff_ulp_ops *ulp;
	void *ulp_ctx;

	/* send sequence space (RFC 9293 3.3.1) */
	uint32_t iss;
	uint32_t snd_una;
	uint32_t snd_nxt;      /* next to send; below snd_max after an RTO */
	uint32_t snd_max;      /* highest sequence sent + 1 */
	uint32_t snd_wnd;      /* bytes, scaled */
	uint32_t snd_wl1, snd_wl2;
	uint32_t max_sndwnd;
	uint16_t mss;          /* data per segment with our usual options */
	uint16_t peer_mss;
	uint8_t snd_wscale, rcv_wscale;
	uint8_t dupacks;
	uint8_t lt_allow;      /* segments limited transmit may still send */
	uint32_t recover;      /* RFC 6582 / 6675 RecoveryPoint */

	/* receive sequence space */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t rcv_adv;      /* right edge of the window we advertised */
	uint32_t fin_seq_in;   /* sequence of a held out-of-order FIN */
	uint32_t ts_recent;
	uint64_t ts_recent_us;
	uint32_t ts_offset;
	uint32_t last_ack_sent;
	uint16_t unacked_segs; /* data segments received since our last ACK */

	/* timers and RTT (RFC 6298) */
	uint32_t rto_us;
	uint32_t srtt_us;      /* 0 = no sample yet */
	uint32_t rttvar_us;
	uint32_t rtt_seq;
	uint64_t rtt_start_us;
	uint8_t backoff;       /* RTO / persist backoff exponent */
	uint8_t probes;        /* persist probes without an answer */
	uint8_t syn_tries;

	/* congestion control */
	uint32_t cwnd;
	uint32_t ssthresh;
	const struct tlsoff_cc_ops *cc;
	struct tlsoff_cc_state ccs;
	struct tlsoff_sack_sb sb;

	/* counters */
	uint64_t bytes_sent, bytes_acked, bytes_received, retransmits;

	struct tlsoff_sndq sq;
	struct tlsoff_rcvq rq;
	/* chunk ring and receive buffer follow (sized at stack creation) */
	uint8_t storage[] __rte_cache_aligned;
};

/* A received segment, parsed. */
struct tlsoff_tcp_opts {
	bool has_mss, has_ws, sack_ok, has_ts;
	uint8_t ws;
	uint8_t nsack;
	uint16_t mss;
	uint32_t tsval, tsecr;
	struct tlsoff_seq_range sack[4];
};

struct tlsoff_tcp_seg {
	struct rte_mbuf *m;
	uint32_t data_off;     /* offset of the payload in m */
	uint32_t len;          /* payload bytes */
	uint32_t seq, ack;
	uint32_t wnd;          /* raw window field */
	uint8_t flags;
	uint32_t src, dst;     /* host order */
	uint16_t sport, dport;
	struct tlsoff_tcp_opts opts;
};

static inline struct tlsoff_conn *
tlsoff_conn(struct rte_tlsoff_conn *c)
{
	return (struct tlsoff_conn *)c;
}

static inline uint32_t
tcp_seg_seqlen(const struct tlsoff_tcp_seg *seg)
{
	return seg->len + !!(seg->flags & TH_SYN) + !!(seg->flags & TH_FIN);
}

/* Sequence number of our FIN (valid once TF_FIN_QUEUED). */
static inline uint32_t
tcp_fin_seq(const struct tlsoff_conn *c)
{
	return c->sq.end_seq;
}

static inline bool
tcp_fin_acked(const struct tlsoff_conn *c)
{
	return (c->flags & TF_FIN_QUEUED) && seq_gt(c->snd_una, tcp_fin_seq(c));
}

static inline uint32_t
tcp_ts_now(const struct tlsoff_conn *c)
{
	return (uint32_t)(c->stack->now_us / 1000) + c->ts_offset;
}

/* tcp_conn.c */
int tlsoff_tcp_stack_init(struct tlsoff_stack *s);
void tlsoff_tcp_stack_fini(struct tlsoff_stack *s);
struct tlsoff_conn *tcp_conn_lookup(struct tlsoff_stack *s, uint32_t rip,
		uint16_t rport, uint32_t lip, uint16_t lport);
struct tlsoff_listener *tcp_listener_lookup(struct tlsoff_stack *s,
		uint16_t port);
struct tlsoff_conn *tcp_conn_alloc(struct tlsoff_stack *s, uint32_t rip,
		uint16_t rport, uint16_t lport);
void tcp_conn_set_state(struct tlsoff_conn *c, tlsoff_tcp_state_t st);
void tcp_conn_drop(struct tlsoff_conn *c, int err);
bool tcp_conn_release_if_dead(struct tlsoff_conn *c);
void tcp_conn_post(struct tlsoff_conn *c, uint32_t ev);
void tcp_conn_want_output(struct tlsoff_conn *c);
void tcp_conn_established(struct tlsoff_conn *c);
struct tlsoff_conn *tcp_conn_from_syn(struct tlsoff_listener *l,
		const struct tlsoff_tcp_seg *seg);
void tcp_conn_negotiate(struct tlsoff_conn *c, const struct tlsoff_tcp_opts *o);
uint32_t tcp_isn(struct tlsoff_stack *s, const struct tlsoff_conn_key *k);
void tcp_deliver_events(struct tlsoff_stack *s);
void tcp_run_output(struct tlsoff_stack *s);

/* tcp_api.c: for upper layers (TLS) acting for the app */
int tcp_send_check(const struct tlsoff_conn *c);
uint32_t tcp_send_space(const struct tlsoff_conn *c);
int tcp_send_chain(struct tlsoff_conn *c, struct rte_mbuf *m);
/*
 * Contiguous room for @len bytes at the end of the send queue (records
 * share a buffer; a new one puts byte @align_off on a cache line), or
 * NULL with *@rc: the send check's errno, -EAGAIN (no room: WRITABLE
 * follows) or -ENOBUFS (no buffer memory: WRITABLE when it returns).
 * tcp_send_commit() queues what was written there.
 */
uint8_t *tcp_send_reserve(struct tlsoff_conn *c, uint32_t len,
		uint16_t align_off, int *rc);
void tcp_send_commit(struct tlsoff_conn *c, uint32_t len);
void tcp_want_write(struct tlsoff_conn *c, bool memory);

/* tcp_opt.c */
int tcp_opts_parse(const uint8_t *p, unsigned int len, bool syn,
		struct tlsoff_tcp_opts *o);
unsigned int tcp_opts_build(const struct tlsoff_conn *c, uint8_t flags,
		uint8_t *p, unsigned int max_sack);

/* tcp_out.c */
void tlsoff_tcp_output(struct tlsoff_conn *c);
int tcp_send_ctl(struct tlsoff_conn *c, uint8_t flags);
int tcp_send_seg(struct tlsoff_conn *c, uint32_t seq, uint32_t len,
		uint8_t flags);
void tcp_send_ack(struct tlsoff_conn *c);
void tcp_send_challenge_ack(struct tlsoff_conn *c);
void tcp_send_probe(struct tlsoff_conn *c);
void tcp_send_rst_for(struct tlsoff_stack *s, const struct tlsoff_tcp_seg *seg);
void tcp_retransmit_una(struct tlsoff_conn *c);
uint32_t tcp_rcv_window(struct tlsoff_conn *c);

/* tcp_timer.c */
void tcp_timer_set(struct tlsoff_conn *c, enum tlsoff_tcp_timer t,
		uint64_t deadline_us);
void tcp_timer_clear(struct tlsoff_conn *c, enum tlsoff_tcp_timer t);
void tcp_timer_cb(struct tlsoff_timer *t, void *arg);
void tcp_rtt_sample(struct tlsoff_conn *c, uint32_t rtt_us);
void tcp_rtx_restart(struct tlsoff_conn *c);
void tcp_enter_time_wait(struct tlsoff_conn *c);

/*
 * Largest segment output may build: the MSS, or with a device that cuts
 * segments (TSO) as many whole MSS as fit its limit.
 */
static inline uint32_t
tcp_max_seg(const struct tlsoff_conn *c)
{
	uint32_t tso = c->stack->tso_max;

	if (likely(tso <= c->mss))
		return c->mss;
	return tso / c->mss * c->mss;
}

/* Segments stop at send-queue marks (TLS key epochs on a device). */
static inline uint32_t
tcp_seg_cap(struct tlsoff_conn *c, uint32_t seq, uint32_t len)
{
	if (unlikely(len > c->mss)) {
		/* TSO: within the device's pieces, in whole segments. */
		uint32_t n = tlsoff_sndq_piece_limit(&c->sq, seq, len,
				c->stack->tso_max_segs);

		len = n > c->mss ? n / c->mss * c->mss : n;
	}
	if (likely(!(c->flags & TF_EOR)))
		return len;
	return tlsoff_sndq_seg_limit(&c->sq, seq, len);
}

#endif /* TLSOFF_TCP_H */
