/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Per-connection timers: retransmission (RFC 6298), SYN retries, persist
 * (zero-window probes), delayed ACK, TIME_WAIT and the FIN_WAIT_2 timeout.
 * One wheel entry per connection, armed at the earliest of its deadlines.
 */

#include <errno.h>

#include "tcp.h"
#include "../stack/tlsoff_log.h"

#define RTO_GRANULARITY_US 1000u
/* backed_off() shifts by 16 at most; the count stays in its uint8_t. */
#define PERSIST_MAX_BACKOFF 16u

static void
tcp_timer_update(struct tlsoff_conn *c)
{
	uint64_t first = 0;
	unsigned int i;

	for (i = 0; i < TCP_T_MAX; i++)
		if (c->t_expire[i] != 0 &&
		    (first == 0 || c->t_expire[i] < first))
			first = c->t_expire[i];
	if (first == 0)
		tlsoff_timer_cancel(&c->stack->wheel, &c->timer);
	else
		tlsoff_timer_arm(&c->stack->wheel, &c->timer, first);
}

void
tcp_timer_set(struct tlsoff_conn *c, enum tlsoff_tcp_timer t,
		uint64_t deadline_us)
{
	c->t_expire[t] = deadline_us ? deadline_us : 1;
	tcp_timer_update(c);
}

void
tcp_timer_clear(struct tlsoff_conn *c, enum tlsoff_tcp_timer t)
{
	if (c->t_expire[t] == 0)
		return;
	c->t_expire[t] = 0;
	if (t == TCP_T_RTX)
		c->flags &= ~TF_PERSIST;
	tcp_timer_update(c);
}

/* RFC 6298 2.2-2.4; the lower bound is configurable (Linux uses 200 ms). */
void
tcp_rtt_sample(struct tlsoff_conn *c, uint32_t rtt_us)
{
	const struct rte_tlsoff_stack_conf *conf = &c->stack->conf;
	uint32_t rto;

	if (rtt_us == 0)
		rtt_us = 1;
	if (c->srtt_us == 0) {
		c->srtt_us = rtt_us;
		c->rttvar_us = rtt_us / 2;
	} else {
		uint32_t delta = c->srtt_us > rtt_us ? c->srtt_us - rtt_us :
			rtt_us - c->srtt_us;

		c->rttvar_us = (3 * c->rttvar_us + delta) / 4;
		c->srtt_us = (7 * c->srtt_us + rtt_us) / 8;
		if (c->srtt_us == 0)
			c->srtt_us = 1;
	}
	rto = c->srtt_us + RTE_MAX(RTO_GRANULARITY_US, 4 * c->rttvar_us);
	rto = RTE_MAX(rto, conf->rto_min_ms * 1000);
	c->rto_us = RTE_MIN(rto, conf->rto_max_ms * 1000);
}

/* RFC 6298 5.2/5.3: restart on new ACKs, stop when nothing is in flight. */
void
tcp_rtx_restart(struct tlsoff_conn *c)
{
	if (c->snd_una == c->snd_max) {
		tcp_timer_clear(c, TCP_T_RTX);
		return;
	}
	c->flags &= ~TF_PERSIST;
	tcp_timer_set(c, TCP_T_RTX, c->stack->now_us + c->rto_us);
}

void
tcp_enter_time_wait(struct tlsoff_conn *c)
{
	struct tlsoff_stack *s = c->stack;

	c->state = TCP_TIME_WAIT;
	TLSOFF_STAT_INC(s, tcp, conn_closed);
	tcp_timer_clear(c, TCP_T_RTX);
	tcp_timer_clear(c, TCP_T_DELACK);
	tcp_timer_set(c, TCP_T_2MSL,
		s->now_us + (uint64_t)s->conf.time_wait_ms * 1000);
	tlsoff_sndq_purge(&c->sq);
	if (!c->in_tw_list) {
		TAILQ_INSERT_TAIL(&s->time_wait, c, q_link);
		c->in_tw_list = true;
	}
}

static uint32_t
backed_off(const struct tlsoff_conn *c, unsigned int shift)
{
	uint64_t v = (uint64_t)c->rto_us << RTE_MIN(shift, 16u);

	return (uint32_t)RTE_MIN(v, (uint64_t)c->stack->conf.rto_max_ms * 1000);
}

/* Returns false when the connection is gone. */
static bool
tcp_syn_timeout(struct tlsoff_conn *c)
{
	struct tlsoff_stack *s = c->stack;
	bool synack = c->state == TCP_SYN_RCVD;

	if (++c->syn_tries > s->conf.syn_retries) {
		TLSOFF_STAT_INC(s, tcp, conn_timeout);
		tcp_conn_drop(c, ETIMEDOUT);
		return false;
	}
	c->flags &= ~TF_RTT_TIMING;
	if (tcp_send_ctl(c, synack ? TH_SYN | TH_ACK : TH_SYN) == 0)
		TLSOFF_STAT_INC(s, tcp, retransmits);
	tcp_timer_set(c, TCP_T_RTX, s->now_us + backed_off(c, c->syn_tries));
	return true;
}

/*
 * Two counters, as in Linux: c->probes counts probes the peer has not
 * answered (any ACK resets it) and aborts a dead peer; c->backoff is the
 * exponent of the interval (RFC 9293 3.8.6.1: exponential backoff) and is
 * reset only when the window opens or data is acknowledged, so a live peer
 * that keeps its window shut is probed less and less often, never aborted.
 */
static bool
tcp_persist_timeout(struct tlsoff_conn *c)
{
	struct tlsoff_stack *s = c->stack;

	if (++c->probes > s->conf.max_retries) {
		TLSOFF_STAT_INC(s, tcp, conn_timeout);
		tcp_send_ctl(c, TH_RST | TH_ACK);
		tcp_conn_drop(c, ETIMEDOUT);
		return false;
	}
	TLSOFF_STAT_INC(s, tcp, persist_probes);
	if (c->snd_wnd > 0) {
		/*
		 * A window too small for sender SWS avoidance: send what fits
		 * (RFC 9293 3.8.6.2.1, the override timeout).
		 */
		uint32_t avail = c->sq.end_seq - c->snd_nxt;
		uint32_t len = tcp_seg_cap(c, c->snd_nxt,
				RTE_MIN(RTE_MIN(avail, c->snd_wnd),
					(uint32_t)c->mss));

		if (len > 0 && tcp_send_seg(c, c->snd_nxt, len, TH_ACK) == 0) {
			c->snd_nxt += len;
			c->snd_max = seq_max(c->snd_max, c->snd_nxt);
			c->bytes_sent += len;
			tcp_rtx_restart(c);
			return true;
		}
	}
	tcp_send_probe(c);
	c->flags |= TF_PERSIST;
	if (c->backoff < PERSIST_MAX_BACKOFF)
		c->backoff++;
	c->t_expire[TCP_T_RTX] = s->now_us + backed_off(c, c->backoff);
	return true;
}

static bool
tcp_rto_timeout(struct tlsoff_conn *c)
{
	struct tlsoff_stack *s = c->stack;

	switch (c->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
		return tcp_syn_timeout(c);
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_CLOSE_WAIT:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		break;
	default:
		return true;
	}
	if (c->flags & TF_PERSIST)
		return tcp_persist_timeout(c);
	if (c->snd_una == c->snd_max)
		return true;
	if (++c->backoff > s->conf.max_retries) {
		TLSOFF_STAT_INC(s, tcp, conn_timeout);
		tcp_send_ctl(c, TH_RST | TH_ACK);
		tcp_conn_drop(c, ETIMEDOUT);
		return false;
	}
	TLSOFF_STAT_INC(s, tcp, rto_fires);
	/* RFC 5681 (4): ssthresh from the algorithm, cwnd to one segment. */
	c->cc->on_rto(c);
	c->cwnd = c->mss;
	c->flags &= ~(TF_IN_RECOVERY | TF_RTT_TIMING);
	c->dupacks = 0;
	c->lt_allow = 0;
	/* RFC 6582 4.1 / RFC 6675 5.1: no new recovery below this point. */
	c->recover = c->snd_max;
	/*
	 * Keep SACK marks through the first timeout (do not resend what the
	 * peer holds); a second one suggests reneging, so forget them.
	 */
	if (c->backoff > 1)
		tlsoff_sack_clear(&c->sb);
	c->sb.nlog = 0;
	c->sb.nlost = 0;
	c->sb.high_rxt = c->snd_una;
	c->snd_nxt = c->snd_una;
	/* RFC 6298 5.5: back off. */
	c->rto_us = backed_off(c, 1);
	c->t_expire[TCP_T_RTX] = s->now_us + c->rto_us;
	tcp_conn_want_output(c);
	return true;
}

void
tcp_timer_cb(struct tlsoff_timer *t, void *arg)
{
	struct tlsoff_conn *c = container_of(t, struct tlsoff_conn, timer);
	struct tlsoff_stack *s = arg;
	uint64_t now = s->now_us;

	if (c->t_expire[TCP_T_2MSL] != 0 && c->t_expire[TCP_T_2MSL] <= now) {
		c->t_expire[TCP_T_2MSL] = 0;
		if (c->state == TCP_FIN_WAIT_2)
			TLSOFF_STAT_INC(s, tcp, conn_timeout);
		tcp_conn_drop(c, 0);
		return;
	}
	if (c->t_expire[TCP_T_DELACK] != 0 &&
	    c->t_expire[TCP_T_DELACK] <= now) {
		c->t_expire[TCP_T_DELACK] = 0;
		c->flags |= TF_ACK_NOW;
		TLSOFF_STAT_INC(s, tcp, delayed_acks);
		tcp_conn_want_output(c);
	}
	if (c->t_expire[TCP_T_RTX] != 0 && c->t_expire[TCP_T_RTX] <= now) {
		c->t_expire[TCP_T_RTX] = 0;
		if (!tcp_rto_timeout(c))
			return;
	}
	tcp_timer_update(c);
}
