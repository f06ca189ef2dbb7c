/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * TCP input, in the order of RFC 9293 3.10.7: header validation, demux to a
 * connection or listener, SYN-SENT, PAWS (RFC 7323), sequence acceptability,
 * RST and SYN (RFC 5961), ACK processing with dupACK counting (RFC 5681),
 * SACK loss recovery (RFC 6675) and NewReno (RFC 6582), window update, data
 * and FIN.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "tcp.h"
#include "../net/cksum.h"
#include "../stack/group.h"
#include "../net/net.h"

static bool
seg_acceptable(uint32_t rcv_nxt, uint32_t wnd, uint32_t seq, uint32_t slen)
{
	if (slen == 0)
		return wnd == 0 ? seq == rcv_nxt :
			seq_in(seq, rcv_nxt, rcv_nxt + wnd);
	if (wnd == 0)
		return false;
	return seq_in(seq, rcv_nxt, rcv_nxt + wnd) ||
		seq_in(seq + slen - 1, rcv_nxt, rcv_nxt + wnd);
}

/* Send space the app may use now. */
static uint32_t
send_space(const struct tlsoff_conn *c)
{
	uint32_t used = tlsoff_sndq_bytes(&c->sq);
	uint32_t lim = c->stack->conf.sndbuf;

	return used >= lim ? 0 : lim - used;
}

static void
enter_recovery(struct tlsoff_conn *c)
{
	struct tlsoff_stack *s = c->stack;

	c->cc->on_loss(c);
	c->recover = c->snd_max;
	c->flags |= TF_IN_RECOVERY;
	c->flags &= ~TF_RTT_TIMING;
	c->lt_allow = 0;
	TLSOFF_STAT_INC(s, tcp, fast_retransmits);
	if (c->flags & TF_SACK_OK) {
		/* RFC 6675 5 (4.2)-(4.3). */
		TLSOFF_STAT_INC(s, tcp, sack_recoveries);
		c->cwnd = c->ssthresh;
		c->sb.high_rxt = c->snd_una;
		c->sb.nlog = 0;
		c->sb.nlost = 0;
		tcp_retransmit_una(c);
	} else {
		/* RFC 6582 3.2 step 2: retransmit, inflate by the 3 dupACKs. */
		TLSOFF_STAT_INC(s, tcp, newreno_recoveries);
		tcp_retransmit_una(c);
		c->cwnd = c->ssthresh + TLSOFF_DUPTHRESH * (uint32_t)c->mss;
	}
	tcp_conn_want_output(c);
}

static void
on_dupack(struct tlsoff_conn *c)
{
	bool lost;

	TLSOFF_STAT_INC(c->stack, tcp, dup_acks);
	if (c->dupacks < UINT8_MAX)
		c->dupacks++;
	if (c->flags & TF_IN_RECOVERY) {
		if (!(c->flags & TF_SACK_OK))
			c->cwnd += c->mss;   /* RFC 6582 3.2 step 3 */
		return;
	}
	/* RFC 6675 5: DupThresh dupACKs, or IsLost(HighACK + 1). */
	lost = (c->flags & TF_SACK_OK) &&
		seq_lt(c->snd_una, tlsoff_sack_lost_edge(&c->sb, c->snd_una,
				c->mss));
	if (c->dupacks >= TLSOFF_DUPTHRESH || lost) {
		/*
		 * RFC 6582 3.2 step 2: not again for losses of the window that
		 * an RTO or a recovery already handled.
		 */
		if (seq_geq(c->snd_una, c->recover))
			enter_recovery(c);
		return;
	}
	/* RFC 3042 limited transmit: one new segment per early dupACK. */
	if (c->dupacks <= TCP_LT_MAX) {
		c->lt_allow = c->dupacks;
		tcp_conn_want_output(c);
	}
}

static void
on_new_ack(struct tlsoff_conn *c, const struct tlsoff_tcp_seg *seg)
{
	struct tlsoff_stack *s = c->stack;
	uint32_t ack = seg->ack;
	uint32_t acked = ack - c->snd_una;
	uint32_t data_acked = 0;
	bool freed_pool = false;

	if (seq_gt(seq_min(ack, c->sq.end_seq), c->sq.una))
		data_acked = seq_min(ack, c->sq.end_seq) - c->sq.una;
	/* RTT (RFC 6298 with Karn; RFC 7323 timestamps when not timing). */
	if ((c->flags & TF_RTT_TIMING) && seq_gt(ack, c->rtt_seq)) {
		tcp_rtt_sample(c, (uint32_t)(s->now_us - c->rtt_start_us));
		c->flags &= ~TF_RTT_TIMING;
	} else if ((c->flags & TF_TS_OK) && seg->opts.has_ts &&
		   seg->opts.tsecr != 0 && c->backoff == 0) {
		uint32_t ms = tcp_ts_now(c) - seg->opts.tsecr;

		if (ms < 60000)
			tcp_rtt_sample(c, ms * 1000);
	}
	c->backoff = 0;
	c->snd_una = ack;
	if (seq_lt(c->snd_nxt, ack))
		c->snd_nxt = ack;
	tlsoff_sndq_release(&c->sq, seq_min(ack, c->sq.end_seq),
		s->sndbuf_pool, &freed_pool);
	if (freed_pool)
		s->mem_freed = true;
	c->bytes_acked += data_acked;
	if (c->ulp != NULL)
		c->ulp->on_acked(c->ulp_ctx, ack);
	if (c->flags & TF_SACK_OK)
		tlsoff_sack_trim(&c->sb, ack);

	if (c->flags & TF_IN_RECOVERY) {
		if (seq_geq(ack, c->recover)) {
			/* Full ACK: RFC 6582 3.2 step 3 option 2 / RFC 6675. */
			uint32_t flight = c->snd_max - c->snd_una;

			c->flags &= ~TF_IN_RECOVERY;
			c->cwnd = RTE_MIN(c->ssthresh,
				RTE_MAX(flight, (uint32_t)c->mss) + c->mss);
			c->dupacks = 0;
		} else if (!(c->flags & TF_SACK_OK)) {
			/* Partial ACK: RFC 6582 3.2 step 4. */
			tcp_retransmit_una(c);
			c->cwnd = (c->cwnd > acked ? c->cwnd - acked : 0) +
				(acked >= c->mss ? c->mss : 0);
			c->cwnd = RTE_MAX(c->cwnd, (uint32_t)c->mss);
		}
	} else {
		c->dupacks = 0;
		c->lt_allow = 0;
		if (data_acked > 0)
			c->cc->on_ack(c, data_acked);
	}
	tcp_rtx_restart(c);
	/* Waiting for shared buffer memory is signalled when that returns. */
	if ((c->flags & TF_WANT_WRITE) && !c->in_mem_wait &&
	    send_space(c) >= RTE_MIN(c->stack->conf.sndbuf / 4, 65536u)) {
		c->flags &= ~TF_WANT_WRITE;
		tcp_conn_post(c, RTE_TLSOFF_EV_WRITABLE);
	}
}

/* ACK field processing; false when the segment is to be dropped. */
static bool
tcp_ack(struct tlsoff_conn *c, const struct tlsoff_tcp_seg *seg)
{
	struct tlsoff_stack *s = c->stack;
	uint32_t ack = seg->ack;
	uint32_t wnd = seg->wnd << c->snd_wscale;
	bool sack_news = false;

	if (seq_gt(ack, c->snd_max)) {
		/* RFC 9293 3.10.7.4: ACK of unsent data. */
		TLSOFF_STAT_INC(s, tcp, drop_ack_unsent);
		c->flags |= TF_ACK_NOW;
		tcp_conn_want_output(c);
		return false;
	}
	if (seq_lt(ack, c->snd_una - c->max_sndwnd)) {
		/* RFC 5961 5.2: too old to be a legitimate ACK. */
		TLSOFF_STAT_INC(s, tcp, drop_old_ack);
		tcp_send_challenge_ack(c);
		return false;
	}
	/* RFC 7323 4.3: only a valid segment may move TS.Recent. */
	if ((c->flags & TF_TS_OK) && seg->opts.has_ts &&
	    seq_leq(seg->seq, c->last_ack_sent) &&
	    seq_geq(seg->opts.tsval, c->ts_recent)) {
		c->ts_recent = seg->opts.tsval;
		c->ts_recent_us = s->now_us;
	}
	/*
	 * The peer is alive: unanswered probes start again from zero. The
	 * probe interval (c->backoff) is not reset here but only when the
	 * window opens or data is acknowledged, as in Linux.
	 */
	c->probes = 0;
	if ((c->flags & TF_SACK_OK) && seg->opts.nsack > 0) {
		sack_news = tlsoff_sack_update(&c->sb, c->snd_una, c->snd_max,
				seg->opts.sack, seg->opts.nsack);
		if (sack_news && (c->flags & TF_IN_RECOVERY))
			TLSOFF_STAT_ADD(s, tcp, lost_retransmits,
				tlsoff_sack_detect_lost_rxt(&c->sb, c->snd_una));
	}
	if (seq_gt(ack, c->snd_una)) {
		on_new_ack(c, seg);
	} else if (ack == c->snd_una && c->snd_max != c->snd_una) {
		/*
		 * RFC 5681 2 dupACK: no data, no SYN/FIN, same non-zero
		 * window; RFC 6675 also counts ACKs bringing new SACK data.
		 */
		bool dup = seg->len == 0 && !(seg->flags & (TH_SYN | TH_FIN)) &&
			wnd == c->snd_wnd && c->snd_wnd != 0 &&
			!(c->flags & TF_PERSIST);

		if (dup || sack_news) {
			on_dupack(c);
		} else {
			/*
			 * Not a duplicate (RFC 5681 2, RFC 6675 2): it carries
			 * data or a new window, so the run of duplicates is
			 * broken and DupThresh counts from the next one.
			 */
			c->dupacks = 0;
		}
	}
	/* RFC 9293 3.10.7.4: window update from the newest segment only. */
	if (seq_geq(ack, c->snd_una) &&
	    (seq_lt(c->snd_wl1, seg->seq) ||
	     (c->snd_wl1 == seg->seq && seq_leq(c->snd_wl2, ack)))) {
		bool opened = c->snd_wnd == 0 && wnd > 0;

		if (wnd == 0 && c->snd_wnd != 0)
			TLSOFF_STAT_INC(s, tcp, zero_windows);
		c->snd_wnd = wnd;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = ack;
		if (wnd > c->max_sndwnd)
			c->max_sndwnd = wnd;
		if (opened && (c->flags & TF_PERSIST)) {
			/* Probing is over: RTOs start from the unbacked RTO. */
			c->backoff = 0;
			tcp_timer_clear(c, TCP_T_RTX);
		}
		if (opened)
			tcp_conn_want_output(c);
	}
	return true;
}

static void
tcp_fin(struct tlsoff_conn *c)
{
	c->rcv_nxt += 1;
	c->flags |= TF_FIN_RCVD | TF_ACK_NOW;
	c->flags &= ~TF_FIN_OOO;
	tcp_conn_post(c, RTE_TLSOFF_EV_READABLE);
	switch (c->state) {
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		c->state = TCP_CLOSE_WAIT;
		break;
	case TCP_FIN_WAIT_1:
		if (tcp_fin_acked(c))
			tcp_enter_time_wait(c);
		else
			c->state = TCP_CLOSING;
		break;
	case TCP_FIN_WAIT_2:
		tcp_enter_time_wait(c);
		break;
	default:
		break;
	}
	if (c->state == TCP_TIME_WAIT || c->state == TCP_CLOSING)
		tcp_conn_post(c, RTE_TLSOFF_EV_READABLE);
}

/* In-window payload, already trimmed to start at or after RCV.NXT. */
static void
tcp_data(struct tlsoff_conn *c, struct tlsoff_tcp_seg *seg)
{
	struct tlsoff_stack *s = c->stack;
	uint32_t space = tlsoff_rcvq_space(&c->rq);
	uint32_t ahead = seg->seq - c->rcv_nxt;
	uint32_t len = seg->len, adv;
	bool dropped;

	if (ahead >= space) {
		TLSOFF_STAT_INC(s, tcp, drop_rcvbuf_full);
		seg->flags &= ~TH_FIN;
		c->flags |= TF_ACK_NOW;
		return;
	}
	if (ahead + len > space) {
		/* Beyond what the buffer holds (window rounding): peer resends. */
		TLSOFF_STAT_INC(s, tcp, drop_rcvbuf_full);
		len = space - ahead;
		seg->flags &= ~TH_FIN;
	}
	adv = tlsoff_rcvq_store(&c->rq, c->rcv_nxt, seg->seq, seg->m,
			seg->data_off, len, &dropped);
	if (adv == 0) {
		/* Out of order: an immediate (duplicate) ACK with SACK blocks. */
		TLSOFF_STAT_INC(s, tcp, ooo_segments);
		if (dropped) {
			TLSOFF_STAT_INC(s, tcp, drop_rcvbuf_full);
			seg->flags &= ~TH_FIN;
		}
		c->flags |= TF_ACK_NOW;
		return;
	}
	c->rcv_nxt += adv;
	c->bytes_received += adv;
	TLSOFF_STAT_ADD(s, tcp, bytes_in, adv);
	tcp_conn_post(c, RTE_TLSOFF_EV_READABLE);
	if (adv > len || c->rq.nooo > 0) {
		/* A hole was filled (RFC 5681 4.2): acknowledge at once. */
		c->flags |= TF_ACK_NOW;
	} else if (++c->unacked_segs >= 2) {
		/* RFC 9293 3.8.6.3: at least every second full segment. */
		c->flags |= TF_ACK_NOW;
	} else if (c->t_expire[TCP_T_DELACK] == 0) {
		tcp_timer_set(c, TCP_T_DELACK,
			s->now_us + (uint64_t)s->conf.delack_ms * 1000);
	}
	if ((c->flags & TF_FIN_OOO) && c->rcv_nxt == c->fin_seq_in)
		tcp_fin(c);
}

static void
tcp_input_syn_sent(struct tlsoff_conn *c, struct tlsoff_tcp_seg *seg)
{
	struct tlsoff_stack *s = c->stack;
	bool ack_ok = false;

	if (seg->flags & TH_ACK) {
		if (seq_leq(seg->ack, c->iss) || seq_gt(seg->ack, c->snd_max)) {
			/* RFC 9293 3.10.7.3: reset, unless it is a RST. */
			TLSOFF_STAT_INC(s, tcp, drop_syn_sent_bad_ack);
			tcp_send_rst_for(s, seg);
			return;
		}
		ack_ok = true;
	}
	if (seg->flags & TH_RST) {
		if (!ack_ok) {
			/* Without an acceptable ACK a RST could be blind. */
			TLSOFF_STAT_INC(s, tcp, drop_syn_sent_bad_rst);
			return;
		}
		TLSOFF_STAT_INC(s, tcp, rst_in);
		TLSOFF_STAT_INC(s, tcp, conn_refused);
		tcp_conn_drop(c, ECONNREFUSED);
		return;
	}
	if (!(seg->flags & TH_SYN)) {
		TLSOFF_STAT_INC(s, tcp, drop_syn_sent_no_syn);
		return;
	}
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	tcp_conn_negotiate(c, &seg->opts);
	c->snd_wnd = seg->wnd;   /* a SYN's window is never scaled */
	c->snd_wl1 = seg->seq;
	c->max_sndwnd = c->snd_wnd;
	if (ack_ok) {
		if (c->syn_tries == 0)
			tcp_rtt_sample(c, (uint32_t)(s->now_us - c->rtt_start_us));
		c->snd_una = seg->ack;
		c->snd_wl2 = seg->ack;
		tcp_conn_established(c);
		c->flags |= TF_ACK_NOW;
		tcp_conn_want_output(c);
		return;
	}
	/* Simultaneous open (RFC 9293 3.5). */
	c->state = TCP_SYN_RCVD;
	c->snd_wl2 = c->iss;
	tcp_send_ctl(c, TH_SYN | TH_ACK);
}

/*
 * RFC 6191: a new SYN may take over a TIME_WAIT connection when it is
 * clearly newer (higher timestamp, or higher sequence without timestamps).
 */
static bool
time_wait_accepts_syn(const struct tlsoff_conn *c,
		const struct tlsoff_tcp_seg *seg)
{
	if ((c->flags & TF_TS_OK) && seg->opts.has_ts)
		return seq_gt(seg->opts.tsval, c->ts_recent);
	return seq_gt(seg->seq, c->rcv_nxt);
}

/* Returns true when the segment must be handled as a new connection. */
static bool
tcp_input_state(struct tlsoff_conn *c, struct tlsoff_tcp_seg *seg)
{
	struct tlsoff_stack *s = c->stack;
	uint32_t rcv_wnd, slen;

	switch (c->state) {
	case TCP_SYN_SENT:
		tcp_input_syn_sent(c, seg);
		return false;
	case TCP_TIME_WAIT:
		if ((seg->flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
		    !(c->flags & TF_APP_OWNED) && time_wait_accepts_syn(c, seg)) {
			TLSOFF_STAT_INC(s, tcp, time_wait_recycled);
			tcp_conn_drop(c, 0);
			return true;
		}
		break;
	case TCP_SYN_RCVD:
		if ((seg->flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
		    seg->seq == c->irs) {
			/* Our SYN-ACK was lost: the peer repeats its SYN. */
			c->flags |= TF_ACK_NOW;
			tcp_conn_want_output(c);
			return false;
		}
		break;
	case TCP_CLOSED:
	case TCP_LISTEN:
		/*
		 * Not reached by the protocol (a dropped connection leaves
		 * the table at once; listeners are not connections), so
		 * a hit here is a bug worth seeing in the counters.
		 */
		TLSOFF_STAT_INC(s, tcp, drop_closed_conn);
		return false;
	default:
		break;
	}

	/* PAWS (RFC 7323 5.3). */
	if ((c->flags & TF_TS_OK) && seg->opts.has_ts && !(seg->flags & TH_RST) &&
	    seq_lt(seg->opts.tsval, c->ts_recent) &&
	    s->now_us - c->ts_recent_us < TCP_PAWS_IDLE_US) {
		TLSOFF_STAT_INC(s, tcp, drop_paws);
		c->flags |= TF_ACK_NOW;
		tcp_conn_want_output(c);
		return false;
	}

	/* 1. Sequence number. */
	rcv_wnd = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	slen = tcp_seg_seqlen(seg);
	if (!seg_acceptable(c->rcv_nxt, rcv_wnd, seg->seq, slen)) {
		TLSOFF_STAT_INC(s, tcp, drop_out_of_window);
		if (!(seg->flags & TH_RST)) {
			if (c->state == TCP_TIME_WAIT && (seg->flags & TH_FIN))
				tcp_timer_set(c, TCP_T_2MSL, s->now_us +
					(uint64_t)s->conf.time_wait_ms * 1000);
			c->flags |= TF_ACK_NOW;
			tcp_conn_want_output(c);
		}
		return false;
	}

	/* 2. RST (RFC 5961 3.2): exact match resets, in-window challenges. */
	if (seg->flags & TH_RST) {
		if (seg->seq != c->rcv_nxt) {
			tcp_send_challenge_ack(c);
			return false;
		}
		TLSOFF_STAT_INC(s, tcp, rst_in);
		if (c->state == TCP_SYN_RCVD) {
			tcp_conn_drop(c, ECONNREFUSED);
			return false;
		}
		if (c->state != TCP_TIME_WAIT)
			TLSOFF_STAT_INC(s, tcp, conn_reset);
		tcp_conn_drop(c, c->state == TCP_TIME_WAIT ? 0 : ECONNRESET);
		return false;
	}

	/* 4. SYN in a synchronized state (RFC 5961 4.2). */
	if (seg->flags & TH_SYN) {
		tcp_send_challenge_ack(c);
		return false;
	}

	/* 5. Every other segment must carry an ACK. */
	if (!(seg->flags & TH_ACK)) {
		TLSOFF_STAT_INC(s, tcp, drop_no_ack);
		return false;
	}

	/* Trim to the window: drop what was received already ... */
	if (seq_lt(seg->seq, c->rcv_nxt)) {
		uint32_t d = c->rcv_nxt - seg->seq;

		if (d >= seg->len) {
			if (d > seg->len)
				seg->flags &= ~TH_FIN;
			seg->data_off += seg->len;
			seg->len = 0;
		} else {
			seg->data_off += d;
			seg->len -= d;
		}
		seg->seq = c->rcv_nxt;
	}
	/* ... and what lies beyond it (with any FIN there). */
	if (seq_gt(seg->seq + seg->len, c->rcv_nxt + rcv_wnd)) {
		seg->len = c->rcv_nxt + rcv_wnd - seg->seq;
		seg->flags &= ~TH_FIN;
	}

	if (c->state == TCP_SYN_RCVD) {
		if (!seq_gt(seg->ack, c->snd_una) ||
		    seq_gt(seg->ack, c->snd_max)) {
			tcp_send_rst_for(s, seg);
			return false;
		}
		if (c->listener != NULL &&
		    c->listener->n_acc >= c->listener->backlog) {
			/* Accept queue full: ignore, the peer will resend. */
			TLSOFF_STAT_INC(s, tcp, drop_accept_full);
			return false;
		}
		if ((c->flags & TF_RTT_TIMING) && c->syn_tries == 0)
			tcp_rtt_sample(c, (uint32_t)(s->now_us - c->rtt_start_us));
		c->flags &= ~TF_RTT_TIMING;
		c->snd_una = seg->ack;
		c->snd_wnd = seg->wnd << c->snd_wscale;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
		c->max_sndwnd = RTE_MAX(c->max_sndwnd, c->snd_wnd);
		tcp_conn_established(c);
	}

	if (!tcp_ack(c, seg))
		return false;

	switch (c->state) {
	case TCP_FIN_WAIT_1:
		if (tcp_fin_acked(c)) {
			c->state = TCP_FIN_WAIT_2;
			if (!(c->flags & TF_APP_OWNED))
				tcp_timer_set(c, TCP_T_2MSL, s->now_us +
					(uint64_t)s->conf.fin_wait2_ms * 1000);
		}
		break;
	case TCP_CLOSING:
		if (tcp_fin_acked(c))
			tcp_enter_time_wait(c);
		break;
	case TCP_LAST_ACK:
		if (tcp_fin_acked(c)) {
			TLSOFF_STAT_INC(s, tcp, conn_closed);
			tcp_conn_drop(c, 0);
			return false;
		}
		break;
	default:
		break;
	}

	/* 7. Segment text. */
	if (seg->len > 0) {
		switch (c->state) {
		case TCP_ESTABLISHED:
		case TCP_FIN_WAIT_1:
		case TCP_FIN_WAIT_2:
			if (!(c->flags & TF_APP_OWNED) && c->listener == NULL) {
				/* Released by the app: nobody will read it. */
				TLSOFF_STAT_INC(s, tcp, drop_after_close);
				tcp_send_ctl(c, TH_RST | TH_ACK);
				tcp_conn_drop(c, ECONNRESET);
				return false;
			}
			tcp_data(c, seg);
			break;
		default:
			/* After the peer's FIN there is no more data. */
			break;
		}
	}

	/* 8. FIN. */
	if (seg->flags & TH_FIN) {
		uint32_t fin_seq = seg->seq + seg->len;

		if (fin_seq == c->rcv_nxt) {
			tcp_fin(c);
		} else if (seq_gt(fin_seq, c->rcv_nxt)) {
			c->flags |= TF_FIN_OOO;
			c->fin_seq_in = fin_seq;
		}
	}
	tcp_conn_want_output(c);
	return false;
}

static void
tcp_input_listen(struct tlsoff_stack *s, struct tlsoff_tcp_seg *seg)
{
	struct tlsoff_listener *l = tcp_listener_lookup(s, seg->dport);

	if (l == NULL) {
		TLSOFF_STAT_INC(s, tcp, drop_no_conn);
		tcp_send_rst_for(s, seg);
		return;
	}
	if (seg->flags & TH_RST) {
		/* RFC 9293 3.10.7.2: a RST to a listener is ignored. */
		TLSOFF_STAT_INC(s, tcp, drop_listen_rst);
		return;
	}
	if (seg->flags & TH_ACK) {
		TLSOFF_STAT_INC(s, tcp, drop_no_conn);
		tcp_send_rst_for(s, seg);
		return;
	}
	if (!(seg->flags & TH_SYN)) {
		TLSOFF_STAT_INC(s, tcp, drop_bad_flags);
		return;
	}
	tcp_conn_from_syn(l, seg);
}

static bool
tcp_cksum_ok(struct tlsoff_stack *s, const struct rte_mbuf *m,
		uint16_t l4_off, uint16_t l4_len, uint32_t src, uint32_t dst)
{
	uint32_t sum;
	uint16_t raw;

	if (s->rx_cksum_offload) {
		uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;

		if (f == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
			return true;
		if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD)
			return false;
	}
	if (tlsoff_cksum_mbuf(m, l4_off, l4_len, &raw) != 0)
		return false;
	/* rte_raw_cksum sums words as they lie in memory: same for these. */
	src = rte_cpu_to_be_32(src);
	dst = rte_cpu_to_be_32(dst);
	sum = raw;
	sum += (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff);
	sum += rte_cpu_to_be_16(IPPROTO_TCP) + rte_cpu_to_be_16(l4_len);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

void
tlsoff_tcp_input(struct tlsoff_stack *s, struct rte_mbuf *m, uint16_t l4_off,
		uint16_t l4_len, uint32_t src, uint32_t dst)
{
	uint8_t hdr[TCP_HDR_LEN + TCP_MAX_OPT_LEN];
	const struct rte_tcp_hdr *th;
	struct tlsoff_tcp_seg seg;
	struct tlsoff_conn *c;
	unsigned int doff;
	uint8_t f;

	TLSOFF_STAT_INC(s, tcp, segments_in);
	if (l4_len < TCP_HDR_LEN) {
		TLSOFF_STAT_INC(s, tcp, drop_short);
		goto out;
	}
	th = rte_pktmbuf_read(m, l4_off, TCP_HDR_LEN, hdr);
	doff = (th->data_off >> 4) * 4u;
	if (doff < TCP_HDR_LEN || doff > l4_len) {
		TLSOFF_STAT_INC(s, tcp, drop_bad_offset);
		goto out;
	}
	if (!tcp_cksum_ok(s, m, l4_off, l4_len, src, dst)) {
		TLSOFF_STAT_INC(s, tcp, drop_bad_cksum);
		goto out;
	}
	th = rte_pktmbuf_read(m, l4_off, doff, hdr);
	f = th->tcp_flags & (TH_FIN | TH_SYN | TH_RST | TH_PSH | TH_ACK | TH_URG);
	if ((f & (TH_SYN | TH_FIN)) == (TH_SYN | TH_FIN) ||
	    (f & (TH_SYN | TH_RST)) == (TH_SYN | TH_RST) ||
	    (f & (TH_SYN | TH_RST | TH_ACK | TH_FIN)) == 0 ||
	    th->src_port == 0 || th->dst_port == 0) {
		TLSOFF_STAT_INC(s, tcp, drop_bad_flags);
		goto out;
	}
	if (tcp_opts_parse((const uint8_t *)(th + 1), doff - TCP_HDR_LEN,
			(f & TH_SYN) != 0, &seg.opts) != 0) {
		TLSOFF_STAT_INC(s, tcp, drop_bad_options);
		goto out;
	}
	seg.m = m;
	seg.data_off = l4_off + doff;
	seg.len = l4_len - doff;
	seg.seq = rte_be_to_cpu_32(th->sent_seq);
	seg.ack = rte_be_to_cpu_32(th->recv_ack);
	seg.wnd = rte_be_to_cpu_16(th->rx_win);
	seg.flags = f;
	seg.src = src;
	seg.dst = dst;
	seg.sport = rte_be_to_cpu_16(th->src_port);
	seg.dport = rte_be_to_cpu_16(th->dst_port);

	c = tcp_conn_lookup(s, src, seg.sport, dst, seg.dport);
	if (c != NULL) {
		if (!tcp_input_state(c, &seg))
			goto out;
		/* A TIME_WAIT connection gave way to a new SYN. */
	} else if (tlsoff_group_steer(s, m, src, seg.sport, seg.dport)) {
		/* Another member of the group owns the flow: it has @m. */
		return;
	}
	tcp_input_listen(s, &seg);
out:
	rte_pktmbuf_free(m);
}
