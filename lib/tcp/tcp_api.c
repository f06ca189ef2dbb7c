/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* Application data calls: send (copy or zero-copy), receive, introspection. */

#include <errno.h>

#include <rte_mbuf.h>

#include "tcp.h"
#include "../stack/tlsoff_log.h"

uint32_t
tcp_send_space(const struct tlsoff_conn *c)
{
	uint32_t used = tlsoff_sndq_bytes(&c->sq);
	uint32_t lim = c->stack->conf.sndbuf;

	if (tlsoff_sndq_free_slots(&c->sq) == 0 && !c->sq.tail_appendable)
		return 0;
	return used >= lim ? 0 : lim - used;
}

/* 0 when the app may queue data now, else the negative errno to return. */
int
tcp_send_check(const struct tlsoff_conn *c)
{
	if (c->error != 0)
		return -c->error;
	if (c->flags & TF_FIN_QUEUED)
		return -EPIPE;
	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		return 0;
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
	case TCP_CLOSED:
		return -ENOTCONN;
	default:
		return -EPIPE;
	}
}

/*
 * The writer was refused: RTE_TLSOFF_EV_WRITABLE follows when ACKs free
 * room, or (@memory) when the shared buffer memory comes back.
 */
void
tcp_want_write(struct tlsoff_conn *c, bool memory)
{
	struct tlsoff_stack *s = c->stack;

	c->flags |= TF_WANT_WRITE;
	if (memory && !c->in_mem_wait) {
		TAILQ_INSERT_TAIL(&s->mem_wait, c, mem_link);
		c->in_mem_wait = true;
	}
}

/* Queue a chain for an upper layer; all or nothing, no ownership check. */
int
tcp_send_chain(struct tlsoff_conn *c, struct rte_mbuf *m)
{
	int rc = tcp_send_check(c);

	if (rc != 0)
		return rc;
	if (m->pkt_len > tcp_send_space(c) ||
	    tlsoff_sndq_append_chain(&c->sq, m) != 0)
		return -EAGAIN;
	tcp_conn_want_output(c);
	return 0;
}

uint8_t *
tcp_send_reserve(struct tlsoff_conn *c, uint32_t len, uint16_t align_off,
		int *rc)
{
	uint8_t *p;
	bool no_mem;

	*rc = tcp_send_check(c);
	if (*rc != 0)
		return NULL;
	if (len > tcp_send_space(c)) {
		*rc = -EAGAIN;
		tcp_want_write(c, false);
		return NULL;
	}
	p = tlsoff_sndq_reserve(&c->sq, c->stack->sndbuf_pool, len, align_off,
		&no_mem);
	if (p == NULL) {
		*rc = no_mem ? -ENOBUFS : -EAGAIN;
		tcp_want_write(c, no_mem);
	}
	return p;
}

void
tcp_send_commit(struct tlsoff_conn *c, uint32_t len)
{
	tlsoff_sndq_commit(&c->sq, len);
	tcp_conn_want_output(c);
}

ssize_t
rte_tlsoff_send(struct rte_tlsoff_conn *conn, const void *buf, size_t len)
{
	struct tlsoff_conn *c = tlsoff_conn(conn);
	uint32_t space, want, n;
	int rc;

	if (c == NULL || (buf == NULL && len > 0) ||
	    !(c->flags & TF_APP_OWNED))
		return -EINVAL;
	rc = tcp_send_check(c);
	if (rc != 0)
		return rc;
	if (len == 0)
		return 0;
	space = tcp_send_space(c);
	want = (uint32_t)RTE_MIN(len, (size_t)space);
	n = want ? tlsoff_sndq_append_copy(&c->sq, c->stack->sndbuf_pool, buf,
			want) : 0;
	if (n < len)
		tcp_want_write(c, n < want &&
			rte_mempool_avail_count(c->stack->sndbuf_pool) == 0);
	if (n == 0)
		return -EAGAIN;
	tcp_conn_want_output(c);
	return n;
}

int
rte_tlsoff_send_mbuf(struct rte_tlsoff_conn *conn, struct rte_mbuf *m)
{
	struct tlsoff_conn *c = tlsoff_conn(conn);
	const struct rte_mbuf *seg;
	uint64_t total = 0;
	unsigned int nsegs = 0;
	int rc;

	if (c == NULL || m == NULL || !(c->flags & TF_APP_OWNED))
		return -EINVAL;
	rc = tcp_send_check(c);
	if (rc != 0)
		return rc;
	for (seg = m; seg != NULL; seg = seg->next) {
		total += seg->data_len;
		nsegs++;
	}
	if (nsegs != m->nb_segs || total != m->pkt_len)
		return -EINVAL;
	if (total > c->stack->conf.sndbuf)
		return -EMSGSIZE;
	if (total > tcp_send_space(c) ||
	    tlsoff_sndq_append_chain(&c->sq, m) != 0) {
		c->flags |= TF_WANT_WRITE;
		return -EAGAIN;
	}
	tcp_conn_want_output(c);
	return 0;
}

size_t
rte_tlsoff_send_space(const struct rte_tlsoff_conn *conn)
{
	const struct tlsoff_conn *c = (const struct tlsoff_conn *)conn;

	if (c == NULL || tcp_send_check(c) != 0)
		return 0;
	return tcp_send_space(c);
}

ssize_t
rte_tlsoff_recv(struct rte_tlsoff_conn *conn, void *buf, size_t len)
{
	struct tlsoff_conn *c = tlsoff_conn(conn);
	uint32_t before, after, n;

	if (c == NULL || buf == NULL || len == 0 ||
	    !(c->flags & TF_APP_OWNED))
		return -EINVAL;
	if (c->rq.len == 0) {
		if (c->flags & TF_FIN_RCVD)
			return 0;
		if (c->error != 0)
			return -c->error;
		if (c->state == TCP_CLOSED)
			return -ENOTCONN;
		return -EAGAIN;
	}
	before = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	n = tlsoff_rcvq_read(&c->rq, buf, (uint32_t)RTE_MIN(len, (size_t)UINT32_MAX));
	/*
	 * Tell the peer about the room once it is worth a segment (RFC 9293
	 * 3.8.6.2.2), and always when its window was nearly closed.
	 */
	after = tcp_rcv_window(c);
	if (c->state != TCP_CLOSED && after > before &&
	    (after - before >= RTE_MIN(2u * c->mss, (c->rq.mask + 1) / 2) ||
	     before < c->mss)) {
		TLSOFF_STAT_INC(c->stack, tcp, window_updates);
		c->flags |= TF_ACK_NOW;
		tcp_conn_want_output(c);
	}
	return n;
}

int
rte_tlsoff_conn_error(const struct rte_tlsoff_conn *conn)
{
	const struct tlsoff_conn *c = (const struct tlsoff_conn *)conn;

	return c == NULL ? EINVAL : c->error;
}

int
rte_tlsoff_conn_get_info(const struct rte_tlsoff_conn *conn,
		struct rte_tlsoff_conn_info *info)
{
	const struct tlsoff_conn *c = (const struct tlsoff_conn *)conn;

	if (c == NULL || info == NULL)
		return -EINVAL;
	info->local_ip = c->lip;
	info->remote_ip = c->rip;
	info->local_port = c->lport;
	info->remote_port = c->rport;
	info->state = c->state;
	info->mss = c->mss;
	info->sack = !!(c->flags & TF_SACK_OK);
	info->timestamps = !!(c->flags & TF_TS_OK);
	info->snd_wscale = c->snd_wscale;
	info->rcv_wscale = c->rcv_wscale;
	info->cwnd = c->cwnd;
	info->ssthresh = c->ssthresh;
	info->snd_wnd = c->snd_wnd;
	info->srtt_us = c->srtt_us;
	info->rto_us = c->rto_us;
	info->bytes_sent = c->bytes_sent;
	info->bytes_acked = c->bytes_acked;
	info->bytes_received = c->bytes_received;
	info->retransmits = c->retransmits;
	return 0;
}
