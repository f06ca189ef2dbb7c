/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * TCP output: building segments (headers in one mbuf, payload attached from
 * the send queue without a copy), deciding what to send under the
 * congestion and receive windows, loss-recovery transmission (RFC 6675
 * NextSeg), control segments, RSTs, and the test loss injector.
 *
 * A segment is built completely before any connection state changes; when
 * an mbuf or a device slot is missing nothing is committed and the
 * connection asks to be run again at the next poll.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_tcp.h>

#include "tcp.h"
#include "../net/cksum.h"
#include "../net/net.h"

/*
 * Challenge ACKs per second and instance: CHALLENGE_ACK_BASE plus a random
 * 0..CHALLENGE_ACK_BASE/2 drawn every second (see tcp_send_challenge_ack).
 */
#define CHALLENGE_ACK_BASE 1000u

/* xorshift64*: the loss injector's generator, seeded for reproducibility. */
static inline uint64_t
rng_next(uint64_t *st)
{
	uint64_t x = *st;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*st = x;
	return x * 0x2545F4914F6CDD1Dull;
}

uint32_t
tcp_rcv_window(struct tlsoff_conn *c)
{
	uint32_t space = tlsoff_rcvq_space(&c->rq);
	uint32_t cur = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;

	/*
	 * Receiver SWS avoidance (RFC 9293 3.8.6.2.2): move the right edge
	 * only by at least min(buffer / 2, MSS).
	 */
	if (space > cur &&
	    space - cur < RTE_MIN((c->rq.mask + 1) / 2, (uint32_t)c->mss))
		return cur;
	return RTE_MAX(space, cur);
}

/* Window field for a segment being sent now; remembers the right edge. */
static uint16_t
tcp_wnd_field(struct tlsoff_conn *c, bool syn)
{
	uint32_t wnd = tcp_rcv_window(c);
	uint32_t field, adv;

	if (syn) {
		/* Never scaled in a SYN (RFC 7323 2.2). */
		field = RTE_MIN(wnd, 65535u);
		adv = field;
	} else {
		uint32_t unit = 1u << c->rcv_wscale;

		/* Round up: rounding down could shrink the window we gave. */
		field = RTE_MIN((wnd + unit - 1) >> c->rcv_wscale, 65535u);
		adv = field << c->rcv_wscale;
	}
	if (seq_gt(c->rcv_nxt + adv, c->rcv_adv))
		c->rcv_adv = c->rcv_nxt + adv;
	return (uint16_t)field;
}

static void
tcp_fill_cksum(struct tlsoff_stack *s, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip, struct rte_tcp_hdr *th)
{
	m->l2_len = TLSOFF_L2_LEN;
	m->l3_len = TLSOFF_L3_LEN;
	if (s->tx_cksum_offload) {
		m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
			RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	} else {
		uint16_t l4_off = TLSOFF_L2_LEN + TLSOFF_L3_LEN;
		uint32_t sum = rte_ipv4_phdr_cksum(ip, 0);
		uint16_t raw = 0;

		m->ol_flags = 0;
		/* Pseudo-header plus the segment, across chained payload. */
		tlsoff_cksum_mbuf(m, l4_off, m->pkt_len - l4_off, &raw);
		sum += raw;
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		th->cksum = (uint16_t)~sum;
	}
}

/*
 * Build and queue one segment of @c: @len payload bytes from @seq. Returns
 * 0 (sent, or eaten by the loss injector) or -ENOBUFS with nothing changed
 * but the window bookkeeping.
 */
static int
tcp_xmit(struct tlsoff_conn *c, uint32_t seq, uint32_t len, uint8_t flags)
{
	struct tlsoff_stack *s = c->stack;
	uint8_t opts[TCP_MAX_OPT_LEN];
	unsigned int olen;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	/* TCP payload and options that fit one segment of the path MTU */
	uint32_t unit = (uint32_t)c->mss + ((c->flags & TF_TS_OK) ?
		TCP_TS_OPT_LEN : 0);
	uint16_t hlen;
	bool tso;
	uint8_t *p;

	olen = tcp_opts_build(c, flags, opts, (flags & TH_SYN) ? 0 : 3);
	/*
	 * SACK blocks shrink the payload so the frame still fits the MSS; a
	 * segment larger than that is cut by the device (TSO) into pieces of
	 * unit - olen bytes, each with these headers.
	 */
	if (len > 0 && len + olen > unit)
		olen = tcp_opts_build(c, flags, opts, 0);
	tso = len + olen > unit;
	hlen = TLSOFF_L2_LEN + TLSOFF_L3_LEN + TCP_HDR_LEN + olen;
	m = rte_pktmbuf_alloc(s->hdr_pool);
	if (unlikely(m == NULL)) {
		TLSOFF_STAT_INC(s, tcp, drop_no_mbuf);
		return -ENOBUFS;
	}
	p = (uint8_t *)rte_pktmbuf_append(m, hlen);
	ip = (struct rte_ipv4_hdr *)(p + TLSOFF_L2_LEN);
	th = (struct rte_tcp_hdr *)(p + TLSOFF_L2_LEN + TLSOFF_L3_LEN);
	if (len > 0) {
		if (s->tx_multiseg) {
			uint16_t nsegs;

			if (tlsoff_sndq_attach(&c->sq, seq, len, m, s->ind_pool,
					&nsegs) == NULL) {
				rte_pktmbuf_free(m);
				TLSOFF_STAT_INC(s, tcp, drop_no_mbuf);
				return -ENOBUFS;
			}
			m->nb_segs = 1 + nsegs;
			m->pkt_len = hlen + len;
		} else {
			uint8_t *d = (uint8_t *)rte_pktmbuf_append(m, len);

			if (unlikely(d == NULL)) {
				rte_pktmbuf_free(m);
				TLSOFF_STAT_INC(s, tcp, drop_no_mbuf);
				return -ENOBUFS;
			}
			tlsoff_sndq_copy_out(&c->sq, seq, len, d);
		}
	}
	th->src_port = rte_cpu_to_be_16(c->lport);
	th->dst_port = rte_cpu_to_be_16(c->rport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32((flags & TH_ACK) ? c->rcv_nxt : 0);
	th->data_off = (uint8_t)(((TCP_HDR_LEN + olen) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16((flags & TH_RST) ? 0 :
			tcp_wnd_field(c, (flags & TH_SYN) != 0));
	th->cksum = 0;
	th->tcp_urp = 0;
	memcpy(th + 1, opts, olen);
	tlsoff_ipv4_hdr_fill(s, ip, c->lip, c->rip, IPPROTO_TCP,
		(uint16_t)(TLSOFF_L3_LEN + TCP_HDR_LEN + olen + len));
	m->l4_len = TCP_HDR_LEN + olen;
	tcp_fill_cksum(s, m, ip, th);
	if (tso) {
		/* Only with a device that segments (s->tso_max). */
		m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
		m->tso_segsz = (uint16_t)(unit - olen);
		TLSOFF_STAT_INC(s, tcp, tso_frames);
	}
	if (len > 0 && c->ulp != NULL && c->ulp->on_xmit != NULL)
		c->ulp->on_xmit(c->ulp_ctx, m, seq, len);

	if (len > 0 && s->drop_threshold != 0 &&
	    rng_next(&s->drop_rng) < s->drop_threshold) {
		/* Test loss injector: lost "on the wire", after commitment. */
		rte_pktmbuf_free(m);
		TLSOFF_STAT_INC(s, tcp, injected_drops);
	} else if (tlsoff_ipv4_output(s, m, c->rip, &c->l2) != 0) {
		rte_pktmbuf_free(m);
		TLSOFF_STAT_INC(s, tcp, drop_tx_full);
		return -ENOBUFS;
	}
	TLSOFF_STAT_INC(s, tcp, segments_out);
	TLSOFF_STAT_ADD(s, tcp, bytes_out, len);
	if (flags & TH_ACK) {
		c->last_ack_sent = c->rcv_nxt;
		c->flags &= ~TF_ACK_NOW;
		c->unacked_segs = 0;
		if (c->t_expire[TCP_T_DELACK] != 0)
			tcp_timer_clear(c, TCP_T_DELACK);
	}
	if (flags & TH_RST) {
		c->flags |= TF_RST_SENT;
		TLSOFF_STAT_INC(s, tcp, rst_out);
	}
	return 0;
}

int
tcp_send_seg(struct tlsoff_conn *c, uint32_t seq, uint32_t len,
		uint8_t flags)
{
	return tcp_xmit(c, seq, len, flags);
}

int
tcp_send_ctl(struct tlsoff_conn *c, uint8_t flags)
{
	/* A bare ACK or RST carries SND.MAX, the edge the peer has seen. */
	uint32_t seq = (flags & TH_SYN) ? c->iss : c->snd_max;

	return tcp_xmit(c, seq, 0, flags);
}

void
tcp_send_ack(struct tlsoff_conn *c)
{
	if (tcp_xmit(c, c->snd_max, 0, TH_ACK) != 0)
		tcp_conn_want_output(c);   /* TF_ACK_NOW stays set */
}

/*
 * RFC 5961 7: challenge ACKs are rate limited per instance. A fixed limit
 * shared by all connections is a side channel (CVE-2016-5696): an off-path
 * attacker who exhausts it and counts the challenge ACKs it still receives
 * learns whether its guess drew one on another connection. As Linux does
 * since that CVE, the budget of each one-second window is drawn at random
 * (CHALLENGE_ACK_BASE + 0..BASE/2), so the count leaks nothing.
 * challenge_acks_in_window holds what is left of the current budget.
 */
void
tcp_send_challenge_ack(struct tlsoff_conn *c)
{
	struct tlsoff_stack *s = c->stack;

	/* A window start of 0: the first challenge ACK of the instance. */
	if (s->now_us - s->challenge_ack_window_start >= 1000000 ||
	    s->challenge_ack_window_start == 0) {
		s->challenge_ack_window_start = s->now_us;
		s->challenge_acks_in_window = CHALLENGE_ACK_BASE +
			(uint32_t)rte_rand_max(CHALLENGE_ACK_BASE / 2 + 1);
	}
	if (s->challenge_acks_in_window == 0) {
		TLSOFF_STAT_INC(s, tcp, challenge_ack_limited);
		return;
	}
	s->challenge_acks_in_window--;
	TLSOFF_STAT_INC(s, tcp, challenge_acks);
	tcp_xmit(c, c->snd_max, 0, TH_ACK);
}

/*
 * Zero-window probe: a bare ACK one below SND.UNA. Out of window for the
 * peer, so it answers with an ACK carrying its current window, and no
 * sequence space is spent (as Linux probes).
 */
void
tcp_send_probe(struct tlsoff_conn *c)
{
	tcp_xmit(c, c->snd_una - 1, 0, TH_ACK);
}

void
tcp_send_rst_for(struct tlsoff_stack *s, const struct tlsoff_tcp_seg *seg)
{
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint16_t hlen = TLSOFF_L2_LEN + TLSOFF_L3_LEN + TCP_HDR_LEN;
	uint8_t *p;

	if (seg->flags & TH_RST)
		return;
	m = rte_pktmbuf_alloc(s->hdr_pool);
	if (m == NULL) {
		TLSOFF_STAT_INC(s, tcp, drop_no_mbuf);
		return;
	}
	p = (uint8_t *)rte_pktmbuf_append(m, hlen);
	ip = (struct rte_ipv4_hdr *)(p + TLSOFF_L2_LEN);
	th = (struct rte_tcp_hdr *)(p + TLSOFF_L2_LEN + TLSOFF_L3_LEN);
	th->src_port = rte_cpu_to_be_16(seg->dport);
	th->dst_port = rte_cpu_to_be_16(seg->sport);
	/* RFC 9293 3.10.7.1. */
	if (seg->flags & TH_ACK) {
		th->sent_seq = rte_cpu_to_be_32(seg->ack);
		th->recv_ack = 0;
		th->tcp_flags = TH_RST;
	} else {
		th->sent_seq = 0;
		th->recv_ack = rte_cpu_to_be_32(seg->seq + tcp_seg_seqlen(seg));
		th->tcp_flags = TH_RST | TH_ACK;
	}
	th->data_off = (TCP_HDR_LEN / 4) << 4;
	th->rx_win = 0;
	th->cksum = 0;
	th->tcp_urp = 0;
	tlsoff_ipv4_hdr_fill(s, ip, s->conf.ip, seg->src, IPPROTO_TCP,
		TLSOFF_L3_LEN + TCP_HDR_LEN);
	m->l4_len = TCP_HDR_LEN;
	tcp_fill_cksum(s, m, ip, th);
	if (tlsoff_ipv4_output(s, m, seg->src, NULL) != 0) {
		rte_pktmbuf_free(m);
		TLSOFF_STAT_INC(s, tcp, drop_tx_full);
		return;
	}
	TLSOFF_STAT_INC(s, tcp, segments_out);
	TLSOFF_STAT_INC(s, tcp, rst_out);
}

/* Data bytes (not the FIN) that have been sent at least once. */
static inline uint32_t
sent_data_end(const struct tlsoff_conn *c)
{
	return seq_min(c->snd_max, c->sq.end_seq);
}

static inline bool
fin_due(const struct tlsoff_conn *c, uint32_t seq, uint32_t len)
{
	return (c->flags & TF_FIN_QUEUED) && seq + len == tcp_fin_seq(c);
}

static void
note_retransmit(struct tlsoff_conn *c, uint32_t len)
{
	struct tlsoff_stack *s = c->stack;

	TLSOFF_STAT_INC(s, tcp, retransmits);
	TLSOFF_STAT_ADD(s, tcp, retransmit_bytes, len);
	c->retransmits++;
	/* Karn: a sample spanning a retransmission is ambiguous. */
	c->flags &= ~TF_RTT_TIMING;
}

static void
arm_rtx_if_idle(struct tlsoff_conn *c)
{
	if (c->t_expire[TCP_T_RTX] == 0 || (c->flags & TF_PERSIST)) {
		c->flags &= ~TF_PERSIST;
		tcp_timer_set(c, TCP_T_RTX, c->stack->now_us + c->rto_us);
	}
}

/* Retransmit the segment at SND.UNA (fast retransmit, partial ACKs). */
void
tcp_retransmit_una(struct tlsoff_conn *c)
{
	uint32_t end = sent_data_end(c);
	uint32_t len = seq_lt(c->snd_una, end) ?
		tcp_seg_cap(c, c->snd_una, RTE_MIN(end - c->snd_una,
			(uint32_t)c->mss)) : 0;
	uint8_t flags = TH_ACK;

	if ((c->flags & TF_FIN_QUEUED) && seq_gt(c->snd_max, tcp_fin_seq(c)) &&
	    fin_due(c, c->snd_una, len))
		flags |= TH_FIN;
	if (len == 0 && !(flags & TH_FIN))
		return;
	if (tcp_xmit(c, c->snd_una, len, flags) != 0)
		return;
	note_retransmit(c, len);
	if (c->flags & TF_SACK_OK) {
		c->sb.high_rxt = seq_max(c->sb.high_rxt, c->snd_una + len);
		tlsoff_sack_log_rxt(&c->sb, c->snd_una, c->snd_una + len,
			c->snd_max);
	}
	arm_rtx_if_idle(c);
}

/*
 * Normal transmission, the go-back-N resend after an RTO, and NewReno
 * recovery (whose window is inflated by the dupACK count). Returns true if
 * a segment went out.
 */
static bool
output_window(struct tlsoff_conn *c)
{
	struct tlsoff_stack *s = c->stack;
	bool sent = false;

	for (;;) {
		uint32_t data_end = c->sq.end_seq;
		uint32_t wnd = RTE_MIN(c->cwnd + c->lt_allow * (uint32_t)c->mss,
				c->snd_wnd);
		uint32_t flight, room, len = 0, seg_end;
		bool rxt, fin;
		uint8_t flags = TH_ACK;

		if (seq_lt(c->snd_nxt, c->snd_max) && (c->flags & TF_SACK_OK) &&
		    c->sb.n > 0) {
			uint32_t hs, he;

			/* Resending after an RTO: skip what the peer holds. */
			if (tlsoff_sack_next_hole(&c->sb, c->snd_nxt, c->snd_max,
					&hs, &he))
				c->snd_nxt = hs;
			else
				c->snd_nxt = c->snd_max;
		}
		rxt = seq_lt(c->snd_nxt, c->snd_max);
		flight = c->snd_nxt - c->snd_una;
		room = wnd > flight ? wnd - flight : 0;
		seg_end = rxt ? sent_data_end(c) : data_end;
		if (rxt && (c->flags & TF_SACK_OK) && c->sb.n > 0) {
			uint32_t hs, he;

			if (tlsoff_sack_next_hole(&c->sb, c->snd_nxt, seg_end,
					&hs, &he))
				seg_end = he;
		}
		if (seq_lt(c->snd_nxt, seg_end))
			len = RTE_MIN(RTE_MIN(seg_end - c->snd_nxt, room),
					tcp_max_seg(c));
		if (len > 0 && !rxt && len < c->mss &&
		    len < data_end - c->snd_nxt && len < c->max_sndwnd / 2)
			len = 0;   /* sender SWS avoidance: wait for window */
		len = tcp_seg_cap(c, c->snd_nxt, len);
		fin = fin_due(c, c->snd_nxt, len) &&
			(!rxt || seq_gt(c->snd_max, tcp_fin_seq(c)));
		if (len == 0 && !fin)
			break;
		if (fin)
			flags |= TH_FIN;
		if (len > 0 && c->snd_nxt + len == data_end)
			flags |= TH_PSH;
		if (tcp_xmit(c, c->snd_nxt, len, flags) != 0) {
			tcp_conn_want_output(c);
			break;
		}
		if (rxt) {
			note_retransmit(c, len);
		} else {
			c->bytes_sent += len;
			if (!(c->flags & TF_RTT_TIMING) && len > 0) {
				c->flags |= TF_RTT_TIMING;
				c->rtt_seq = c->snd_nxt;
				c->rtt_start_us = s->now_us;
			}
			if (c->lt_allow > 0 && flight + len > c->cwnd)
				c->lt_allow--;
		}
		c->snd_nxt += len + (fin ? 1 : 0);
		c->snd_max = seq_max(c->snd_max, c->snd_nxt);
		arm_rtx_if_idle(c);
		sent = true;
		if (fin)
			break;
	}
	return sent;
}

/* RFC 6675 5 (4.4) and NextSeg(), with lost retransmissions resent first. */
static bool
output_sack_recovery(struct tlsoff_conn *c)
{
	struct tlsoff_sack_sb *sb = &c->sb;
	bool sent = false;

	for (;;) {
		uint32_t pipe = tlsoff_sack_pipe(sb, c->snd_una, c->snd_max,
				c->mss);
		uint32_t start, end, len;
		bool rxt = true, lost_again = false, fin = false;
		uint8_t flags = TH_ACK;

		if (pipe + c->mss > c->cwnd)
			break;
		if (tlsoff_sack_lost_head(sb, c->snd_una, &start, &end)) {
			lost_again = true;
		} else if (!tlsoff_sack_next_hole(sb,
				seq_max(sb->high_rxt, c->snd_una),
				tlsoff_sack_lost_edge(sb, c->snd_una, c->mss),
				&start, &end)) {
			/* Rule 2: new data, within the peer's window. */
			uint32_t wnd_end = c->snd_una + c->snd_wnd;

			rxt = false;
			start = c->snd_nxt;
			end = seq_min(c->sq.end_seq, wnd_end);
			if (!seq_lt(start, end)) {
				fin = fin_due(c, start, 0) &&
					seq_leq(c->snd_max, tcp_fin_seq(c));
				if (!fin)
					break;
				end = start;
			}
		}
		end = seq_min(end, sent_data_end(c) + (rxt ? 0 : UINT32_MAX / 2));
		len = tcp_seg_cap(c, start, RTE_MIN(end - start, (uint32_t)c->mss));
		if (!rxt && fin_due(c, start, len) &&
		    seq_leq(c->snd_max, tcp_fin_seq(c)))
			fin = true;
		if (len == 0 && !fin)
			break;
		if (fin)
			flags |= TH_FIN;
		if (tcp_xmit(c, start, len, flags) != 0) {
			tcp_conn_want_output(c);
			break;
		}
		if (rxt) {
			note_retransmit(c, len);
			if (lost_again)
				tlsoff_sack_lost_sent(sb, start, start + len);
			else
				sb->high_rxt = start + len;
			tlsoff_sack_log_rxt(sb, start, start + len, c->snd_max);
		} else {
			c->bytes_sent += len;
			c->snd_nxt = start + len + (fin ? 1 : 0);
			c->snd_max = seq_max(c->snd_max, c->snd_nxt);
		}
		arm_rtx_if_idle(c);
		sent = true;
		if (fin)
			break;
	}
	return sent;
}

/* Nothing in flight, data waiting, window closed: probe it open. */
static void
persist_check(struct tlsoff_conn *c)
{
	if (c->snd_una != c->snd_max || !seq_lt(c->snd_nxt, c->sq.end_seq))
		return;
	if (c->t_expire[TCP_T_RTX] != 0)
		return;
	c->flags |= TF_PERSIST;
	c->probes = 0;
	tcp_timer_set(c, TCP_T_RTX, c->stack->now_us + c->rto_us);
}

void
tlsoff_tcp_output(struct tlsoff_conn *c)
{
	bool sent = false;

	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		break;
	case TCP_SYN_RCVD:
		if (c->flags & TF_ACK_NOW) {
			c->flags &= ~TF_ACK_NOW;
			tcp_send_ctl(c, TH_SYN | TH_ACK);
		}
		return;
	case TCP_SYN_SENT:
		return;
	case TCP_FIN_WAIT_2:
	case TCP_TIME_WAIT:
		if (c->flags & TF_ACK_NOW)
			tcp_send_ack(c);
		return;
	default:
		return;
	}
	if ((c->flags & TF_IN_RECOVERY) && (c->flags & TF_SACK_OK))
		sent = output_sack_recovery(c);
	/* Recovery may leave room for new data outside its rules too. */
	if (!(c->flags & TF_IN_RECOVERY) || !(c->flags & TF_SACK_OK))
		sent |= output_window(c);
	if ((c->flags & TF_ACK_NOW) && !sent)
		tcp_send_ack(c);
	persist_check(c);
}
