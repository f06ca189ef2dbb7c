/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Connection lifetime: the table, allocation and release, listeners and the
 * accept queue, active open, close, and the event and output work lists.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "tcp.h"
#include "../net/net.h"
#include "../stack/group.h"
#include "../stack/siphash.h"
#include "../stack/tlsoff_log.h"

#define EPHEMERAL_LO 32768u
#define EPHEMERAL_HI 60999u

/* Read all of @len bytes from @fd, or fail. */
static int
read_full(int fd, uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Fill @buf from the kernel's CSPRNG. rte_rand() will not do for secrets:
 * its state follows from a few outputs. getrandom() blocks only until the
 * pool is first seeded at boot; /dev/urandom stands in where the call does
 * not exist (ENOSYS: kernels before 3.17, some seccomp filters).
 */
static int
secure_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	int fd, rc;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		p += n;
		len -= (size_t)n;
	}
	if (len == 0)
		return 0;
	if (errno != ENOSYS) {
		TLSOFF_LOG(ERR, "getrandom: %s", strerror(errno));
		return -EIO;
	}
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		TLSOFF_LOG(ERR, "getrandom unavailable and /dev/urandom: %s",
			strerror(errno));
		return -EIO;
	}
	rc = read_full(fd, p, len);
	close(fd);
	if (rc != 0) {
		TLSOFF_LOG(ERR, "/dev/urandom: short read");
		return -EIO;
	}
	return 0;
}

int
tlsoff_tcp_stack_init(struct tlsoff_stack *s)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = RTE_MAX(s->conf.max_conns * 2, 64u),
		.key_len = sizeof(struct tlsoff_conn_key),
		.hash_func = rte_hash_crc,
		.socket_id = s->conf.socket_id,
		/* Extendable buckets: an insert below capacity never fails. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	uint32_t i;
	int rc;

	/*
	 * RFC 6528 and RFC 7323 7.1 want ISNs and timestamp offsets that an
	 * attacker cannot predict: both come from this one secret key.
	 */
	rc = secure_random(s->isn_key, sizeof(s->isn_key));
	if (rc != 0) {
		TLSOFF_LOG(ERR, "%s: no secret for ISNs and timestamps",
			s->name);
		return rc;
	}
	snprintf(name, sizeof(name), "tlsoff_ct_%s", s->name);
	s->conn_hash = rte_hash_create(&hp);
	if (s->conn_hash == NULL) {
		TLSOFF_LOG(ERR, "%s: connection table: %s", s->name,
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	s->listeners = rte_zmalloc_socket("tlsoff_listeners",
			sizeof(*s->listeners) * s->conf.max_listeners, 0,
			s->conf.socket_id);
	if (s->listeners == NULL) {
		rte_hash_free(s->conn_hash);
		s->conn_hash = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < s->conf.max_listeners; i++)
		TAILQ_INIT(&s->listeners[i].acc_q);
	s->next_ephemeral = EPHEMERAL_LO +
		(uint16_t)(rte_rand() % (EPHEMERAL_HI - EPHEMERAL_LO));
	return 0;
}

static void tcp_conn_free(struct tlsoff_conn *c);

void
tlsoff_tcp_stack_fini(struct tlsoff_stack *s)
{
	const void *key;
	void *data;
	uint32_t iter = 0;

	if (s->conn_hash != NULL) {
		/* Abort everything still alive; RSTs go out with the last flush. */
		while (rte_hash_iterate(s->conn_hash, &key, &data, &iter) >= 0) {
			struct tlsoff_conn *c = data;

			if (c->state != TCP_TIME_WAIT && c->state != TCP_SYN_SENT)
				tcp_send_ctl(c, TH_RST | TH_ACK);
			tcp_conn_free(c);
			iter = 0;   /* the table changed under the iterator */
		}
	}
	/* Connections no longer hashed (closed, owned by the app). */
	rte_hash_free(s->conn_hash);
	s->conn_hash = NULL;
	rte_free(s->listeners);
	s->listeners = NULL;
}

/*
 * Timestamp offset of a connection (RFC 7323 7.1): a keyed hash of the
 * 4-tuple, so that TSval reveals neither uptime nor other connections' clocks,
 * yet stays monotonic across incarnations of one 4-tuple (PAWS, RFC 6191).
 * The trailing byte keeps it independent of the ISN hash of the same tuple.
 */
static uint32_t
tcp_ts_offset(const struct tlsoff_stack *s, const struct tlsoff_conn_key *k)
{
	uint8_t in[sizeof(*k) + 1];

	memcpy(in, k, sizeof(*k));
	in[sizeof(*k)] = 'T';
	return (uint32_t)tlsoff_siphash24(s->isn_key, in, sizeof(in));
}

uint32_t
tcp_isn(struct tlsoff_stack *s, const struct tlsoff_conn_key *k)
{
	if (s->isn_override_set) {
		s->isn_override_set = false;
		return s->isn_override;
	}
	/* RFC 6528: M + F(4-tuple, secret), M a 4 µs clock. */
	return (uint32_t)(s->now_us / 4) +
		(uint32_t)tlsoff_siphash24(s->isn_key, k, sizeof(*k));
}

struct tlsoff_conn *
tcp_conn_lookup(struct tlsoff_stack *s, uint32_t rip, uint16_t rport,
		uint32_t lip, uint16_t lport)
{
	struct tlsoff_conn_key k = {
		.rip = rip, .lip = lip, .rport = rport, .lport = lport,
	};
	void *data;

	if (rte_hash_lookup_data(s->conn_hash, &k, &data) < 0)
		return NULL;
	return data;
}

struct tlsoff_listener *
tcp_listener_lookup(struct tlsoff_stack *s, uint16_t port)
{
	uint32_t i;

	for (i = 0; i < s->conf.max_listeners; i++)
		if (s->listeners[i].active && s->listeners[i].port == port)
			return &s->listeners[i];
	return NULL;
}

static void
list_remove_all(struct tlsoff_conn *c)
{
	struct tlsoff_stack *s = c->stack;

	if (c->in_ev_list) {
		TAILQ_REMOVE(&s->ev_list, c, ev_link);
		c->in_ev_list = false;
	}
	if (c->in_out_list) {
		TAILQ_REMOVE(&s->out_list, c, out_link);
		c->in_out_list = false;
	}
	if (c->in_mem_wait) {
		TAILQ_REMOVE(&s->mem_wait, c, mem_link);
		c->in_mem_wait = false;
	}
	if (c->in_tw_list) {
		TAILQ_REMOVE(&s->time_wait, c, q_link);
		c->in_tw_list = false;
	}
	if (c->in_acc_q) {
		TAILQ_REMOVE(&c->listener->acc_q, c, q_link);
		c->listener->n_acc--;
		c->in_acc_q = false;
	}
}

static void
tcp_unhash(struct tlsoff_conn *c)
{
	if (c->flags & TF_IN_HASH) {
		rte_hash_del_key(c->stack->conn_hash, &c->key);
		c->flags &= ~TF_IN_HASH;
	}
}

static void
tcp_conn_free(struct tlsoff_conn *c)
{
	struct tlsoff_stack *s = c->stack;

	tcp_unhash(c);
	tlsoff_timer_cancel(&s->wheel, &c->timer);
	list_remove_all(c);
	if (c->listener != NULL && c->state == TCP_SYN_RCVD)
		c->listener->n_syn--;
	tlsoff_sndq_purge(&c->sq);
	if (c->ulp != NULL)
		c->ulp->on_free(c->ulp_ctx);
	/* Received bytes may be secrets (TLS handshake); do not leave them. */
	memset(c->rq.buf, 0, c->rq.mask + 1);
	memset(c, 0, offsetof(struct tlsoff_conn, storage));
	rte_mempool_put(s->conn_pool, c);
	s->nb_conns--;
}

struct tlsoff_conn *
tcp_conn_alloc(struct tlsoff_stack *s, uint32_t rip, uint16_t rport,
		uint16_t lport)
{
	struct tlsoff_conn *c;
	void *obj;
	int rc;

	if (rte_mempool_get(s->conn_pool, &obj) != 0) {
		/*
		 * Full: the oldest TIME_WAIT connection makes room, unless the
		 * app still holds its handle (after shutdown, before close).
		 */
		TAILQ_FOREACH(c, &s->time_wait, q_link)
			if (!(c->flags & TF_APP_OWNED))
				break;
		if (c == NULL)
			return NULL;
		TLSOFF_STAT_INC(s, tcp, time_wait_recycled);
		tcp_conn_free(c);
		if (rte_mempool_get(s->conn_pool, &obj) != 0)
			return NULL;
	}
	c = obj;
	memset(c, 0, offsetof(struct tlsoff_conn, storage));
	c->stack = s;
	c->lip = s->conf.ip;
	c->rip = rip;
	c->lport = lport;
	c->rport = rport;
	c->key.rip = rip;
	c->key.lip = s->conf.ip;
	c->key.rport = rport;
	c->key.lport = lport;
	c->state = TCP_CLOSED;
	c->rto_us = s->conf.rto_init_ms * 1000;
	c->mss = TCP_DEFAULT_MSS;
	c->peer_mss = TCP_DEFAULT_MSS;
	c->cc = s->conf.cc == RTE_TLSOFF_CC_NEWRENO ?
		&tlsoff_cc_newreno : &tlsoff_cc_cubic;
	c->ts_offset = tcp_ts_offset(s, &c->key);
	tlsoff_rcvq_init(&c->rq,
		c->storage + sizeof(struct tlsoff_sndq_chunk) * s->conf.sndq_chunks,
		s->conf.rcvbuf);
	rc = rte_hash_add_key_data(s->conn_hash, &c->key, c);
	if (rc < 0) {
		rte_mempool_put(s->conn_pool, c);
		return NULL;
	}
	c->flags |= TF_IN_HASH;
	s->nb_conns++;
	return c;
}

/* Sequence state of a new connection once its ISN is known. */
static void
tcp_conn_seq_init(struct tlsoff_conn *c, uint32_t iss)
{
	struct tlsoff_stack *s = c->stack;

	c->iss = iss;
	c->snd_una = iss;
	c->snd_nxt = iss;
	c->snd_max = iss;
	c->recover = iss;
	tlsoff_sndq_init(&c->sq, (struct tlsoff_sndq_chunk *)c->storage,
		s->conf.sndq_chunks, iss + 1);
	c->sb.high_rxt = iss;
}

void
tcp_conn_set_state(struct tlsoff_conn *c, tlsoff_tcp_state_t st)
{
	c->state = st;
}

void
tcp_conn_post(struct tlsoff_conn *c, uint32_t ev)
{
	struct tlsoff_stack *s = c->stack;

	if (!(c->flags & TF_APP_OWNED))
		return;
	c->ev_pending |= ev;
	if (!c->in_ev_list) {
		TAILQ_INSERT_TAIL(&s->ev_list, c, ev_link);
		c->in_ev_list = true;
	}
}

void
tcp_conn_want_output(struct tlsoff_conn *c)
{
	if (!c->in_out_list) {
		TAILQ_INSERT_TAIL(&c->stack->out_list, c, out_link);
		c->in_out_list = true;
	}
}

/* Free the connection if nothing refers to it any more. */
bool
tcp_conn_release_if_dead(struct tlsoff_conn *c)
{
	if (c->state != TCP_CLOSED || (c->flags & TF_APP_OWNED))
		return false;
	tcp_conn_free(c);
	return true;
}

/*
 * The connection is over (reset, timeout, refused, abort). The app, if it
 * holds the handle, hears RTE_TLSOFF_EV_CLOSED; otherwise it is freed now.
 * The caller must not touch @c afterwards.
 */
void
tcp_conn_drop(struct tlsoff_conn *c, int err)
{
	struct tlsoff_stack *s = c->stack;

	if (c->listener != NULL) {
		if (c->state == TCP_SYN_RCVD)
			c->listener->n_syn--;
		if (c->in_acc_q) {
			TAILQ_REMOVE(&c->listener->acc_q, c, q_link);
			c->listener->n_acc--;
			c->in_acc_q = false;
		}
		c->listener = NULL;
	}
	c->state = TCP_CLOSED;
	if (c->error == 0)
		c->error = err;
	tcp_unhash(c);
	tlsoff_timer_cancel(&s->wheel, &c->timer);
	memset(c->t_expire, 0, sizeof(c->t_expire));
	if (c->in_out_list) {
		TAILQ_REMOVE(&s->out_list, c, out_link);
		c->in_out_list = false;
	}
	if (c->in_tw_list) {
		TAILQ_REMOVE(&s->time_wait, c, q_link);
		c->in_tw_list = false;
	}
	tlsoff_sndq_purge(&c->sq);
	tcp_conn_post(c, RTE_TLSOFF_EV_CLOSED);
	tcp_conn_release_if_dead(c);
}

void
tcp_conn_negotiate(struct tlsoff_conn *c, const struct tlsoff_tcp_opts *o)
{
	struct tlsoff_stack *s = c->stack;
	uint32_t f = s->conf.flags;
	uint16_t mss;

	c->peer_mss = o->has_mss ? RTE_MAX(o->mss, (uint16_t)TCP_MIN_MSS) :
		TCP_DEFAULT_MSS;
	if (o->has_ws && !(f & RTE_TLSOFF_F_NO_WSCALE)) {
		c->flags |= TF_WS_OK;
		c->snd_wscale = o->ws;
		c->rcv_wscale = s->rcv_wscale;
	} else {
		c->snd_wscale = 0;
		c->rcv_wscale = 0;
	}
	if (o->sack_ok && !(f & RTE_TLSOFF_F_NO_SACK))
		c->flags |= TF_SACK_OK;
	if (o->has_ts && !(f & RTE_TLSOFF_F_NO_TIMESTAMPS)) {
		c->flags |= TF_TS_OK;
		c->ts_recent = o->tsval;
		c->ts_recent_us = s->now_us;
	}
	mss = RTE_MIN(c->peer_mss, s->mss);
	if (c->flags & TF_TS_OK)
		mss -= TCP_TS_OPT_LEN;
	c->mss = mss;
}

/* Handshake done: windows, congestion control, and the app's view. */
void
tcp_conn_established(struct tlsoff_conn *c)
{
	struct tlsoff_stack *s = c->stack;
	struct tlsoff_listener *l = c->listener;

	c->state = TCP_ESTABLISHED;
	c->cwnd = RTE_MIN(TCP_INIT_CWND_SEGS * (uint32_t)c->mss,
			RTE_MAX(2u * c->mss, 14600u));
	c->ssthresh = INT32_MAX;
	c->backoff = 0;
	c->syn_tries = 0;
	c->cc->init(c);
	tcp_timer_clear(c, TCP_T_RTX);
	if (c->flags & TF_ACTIVE_OPEN) {
		TLSOFF_STAT_INC(s, tcp, conn_connected);
		tcp_conn_post(c, RTE_TLSOFF_EV_CONNECTED | RTE_TLSOFF_EV_WRITABLE);
		return;
	}
	TLSOFF_STAT_INC(s, tcp, conn_accepted);
	l->n_syn--;
	TAILQ_INSERT_TAIL(&l->acc_q, c, q_link);
	c->in_acc_q = true;
	l->n_acc++;
	if (!l->ev_pending)
		s->listener_events++;
	l->ev_pending = true;
}

/* ---- public API: listeners ---- */

struct rte_tlsoff_listener *
rte_tlsoff_listen(struct rte_tlsoff_stack *stack, uint16_t port,
		uint32_t backlog, rte_tlsoff_accept_cb_t cb, void *arg)
{
	struct tlsoff_stack *s = tlsoff_stack(stack);
	struct tlsoff_listener *l = NULL;
	uint32_t i;

	if (s == NULL || port == 0) {
		TLSOFF_LOG(ERR, "listen: %s", s == NULL ? "stack is NULL" :
			"port must be non-zero");
		rte_errno = EINVAL;
		return NULL;
	}
	if (tcp_listener_lookup(s, port) != NULL) {
		rte_errno = EADDRINUSE;
		return NULL;
	}
	for (i = 0; i < s->conf.max_listeners; i++) {
		if (!s->listeners[i].active) {
			l = &s->listeners[i];
			break;
		}
	}
	if (l == NULL) {
		rte_errno = ENOSPC;
		return NULL;
	}
	l->stack = s;
	l->port = port;
	l->backlog = backlog ? backlog : 128;
	l->n_syn = 0;
	l->n_acc = 0;
	l->cb = cb;
	l->cb_arg = arg;
	if (l->ev_pending)
		s->listener_events--;
	l->ev_pending = false;
	TAILQ_INIT(&l->acc_q);
	l->active = true;
	return (struct rte_tlsoff_listener *)l;
}

struct rte_tlsoff_conn *
rte_tlsoff_accept(struct rte_tlsoff_listener *listener)
{
	struct tlsoff_listener *l = (struct tlsoff_listener *)listener;
	struct tlsoff_conn *c;

	if (l == NULL || !l->active) {
		rte_errno = EINVAL;
		return NULL;
	}
	c = TAILQ_FIRST(&l->acc_q);
	if (c == NULL) {
		rte_errno = EAGAIN;
		return NULL;
	}
	TAILQ_REMOVE(&l->acc_q, c, q_link);
	c->in_acc_q = false;
	l->n_acc--;
	c->listener = NULL;
	c->flags |= TF_APP_OWNED;
	/* Whatever arrived before the app took the connection. */
	if (c->rq.len > 0 || (c->flags & TF_FIN_RCVD))
		tcp_conn_post(c, RTE_TLSOFF_EV_READABLE);
	if (c->state == TCP_CLOSED)
		tcp_conn_post(c, RTE_TLSOFF_EV_CLOSED);
	return (struct rte_tlsoff_conn *)c;
}

void
rte_tlsoff_listener_close(struct rte_tlsoff_listener *listener)
{
	struct tlsoff_listener *l = (struct tlsoff_listener *)listener;
	struct tlsoff_stack *s;
	const void *key;
	void *data;
	uint32_t iter = 0;

	if (l == NULL || !l->active)
		return;
	s = l->stack;
	/* Reset what the app never took: half-open and queued connections. */
	while (rte_hash_iterate(s->conn_hash, &key, &data, &iter) >= 0) {
		struct tlsoff_conn *c = data;

		if (c->listener != l)
			continue;
		tcp_send_ctl(c, TH_RST | TH_ACK);
		tcp_conn_drop(c, ECONNABORTED);
		iter = 0;
	}
	l->active = false;
}

/* ---- public API: active open ---- */

static int
pick_local_port(struct tlsoff_stack *s, uint32_t rip, uint16_t rport,
		uint16_t *lport)
{
	uint32_t n;

	for (n = 0; n <= EPHEMERAL_HI - EPHEMERAL_LO; n++) {
		uint16_t p = s->next_ephemeral++;

		if (s->next_ephemeral > EPHEMERAL_HI)
			s->next_ephemeral = EPHEMERAL_LO;
		if (!tlsoff_group_port_ok(s, rip, rport, p) ||
		    tcp_listener_lookup(s, p) != NULL ||
		    tcp_conn_lookup(s, rip, rport, s->conf.ip, p) != NULL)
			continue;
		*lport = p;
		return 0;
	}
	return -ENOSPC;
}

struct rte_tlsoff_conn *
rte_tlsoff_connect(struct rte_tlsoff_stack *stack, uint32_t ip, uint16_t port,
		rte_tlsoff_conn_cb_t cb, void *arg)
{
	struct tlsoff_stack *s = tlsoff_stack(stack);
	struct tlsoff_conn *c;
	uint16_t lport;

	if (s == NULL || ip == 0 || port == 0) {
		TLSOFF_LOG(ERR, "connect: %s", s == NULL ? "stack is NULL" :
			ip == 0 ? "address must be non-zero" :
			"port must be non-zero");
		rte_errno = EINVAL;
		return NULL;
	}
	if (pick_local_port(s, ip, port, &lport) != 0) {
		rte_errno = ENOSPC;
		return NULL;
	}
	c = tcp_conn_alloc(s, ip, port, lport);
	if (c == NULL) {
		rte_errno = ENOSPC;
		return NULL;
	}
	tcp_conn_seq_init(c, tcp_isn(s, &c->key));
	c->flags |= TF_APP_OWNED | TF_ACTIVE_OPEN;
	c->cb = cb;
	c->cb_arg = arg;
	c->state = TCP_SYN_SENT;
	c->mss = s->mss;
	if (tcp_send_ctl(c, TH_SYN) != 0) {
		c->flags &= ~TF_APP_OWNED;
		c->state = TCP_CLOSED;
		tcp_conn_release_if_dead(c);
		rte_errno = ENOBUFS;
		return NULL;
	}
	c->snd_nxt = c->iss + 1;
	c->snd_max = c->iss + 1;
	c->flags |= TF_RTT_TIMING;
	c->rtt_seq = c->iss;
	c->rtt_start_us = s->now_us;
	tcp_timer_set(c, TCP_T_RTX, s->now_us + c->rto_us);
	return (struct rte_tlsoff_conn *)c;
}

/* Passive open: a SYN reached a listener. Returns the new connection. */
struct tlsoff_conn *
tcp_conn_from_syn(struct tlsoff_listener *l, const struct tlsoff_tcp_seg *seg)
{
	struct tlsoff_stack *s = l->stack;
	struct tlsoff_conn *c;

	if (l->n_syn >= s->conf.syn_backlog) {
		TLSOFF_STAT_INC(s, tcp, drop_syn_backlog);
		return NULL;
	}
	if (l->n_acc >= l->backlog) {
		TLSOFF_STAT_INC(s, tcp, drop_accept_full);
		return NULL;
	}
	c = tcp_conn_alloc(s, seg->src, seg->sport, seg->dport);
	if (c == NULL) {
		TLSOFF_STAT_INC(s, tcp, drop_conn_table_full);
		return NULL;
	}
	tcp_conn_seq_init(c, tcp_isn(s, &c->key));
	c->listener = l;
	l->n_syn++;
	c->state = TCP_SYN_RCVD;
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	tcp_conn_negotiate(c, &seg->opts);
	c->snd_wnd = seg->wnd;   /* never scaled in a SYN (RFC 7323 2.2) */
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = c->iss;
	c->max_sndwnd = c->snd_wnd;
	if (tcp_send_ctl(c, TH_SYN | TH_ACK) != 0) {
		tcp_conn_drop(c, ENOBUFS);
		return NULL;
	}
	c->snd_nxt = c->iss + 1;
	c->snd_max = c->iss + 1;
	c->flags |= TF_RTT_TIMING;
	c->rtt_seq = c->iss;
	c->rtt_start_us = s->now_us;
	tcp_timer_set(c, TCP_T_RTX, s->now_us + c->rto_us);
	return c;
}

/* ---- public API: close ---- */

int
rte_tlsoff_shutdown(struct rte_tlsoff_conn *conn)
{
	struct tlsoff_conn *c = tlsoff_conn(conn);

	if (c == NULL || !(c->flags & TF_APP_OWNED))
		return -EINVAL;
	if ((c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT) &&
	    c->ulp != NULL && c->ulp->on_send_close != NULL)
		c->ulp->on_send_close(c->ulp_ctx);
	switch (c->state) {
	case TCP_ESTABLISHED:
		c->state = TCP_FIN_WAIT_1;
		break;
	case TCP_CLOSE_WAIT:
		c->state = TCP_LAST_ACK;
		break;
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
	case TCP_TIME_WAIT:
		return 0;
	default:
		return -ENOTCONN;
	}
	c->flags |= TF_FIN_QUEUED;
	tcp_conn_want_output(c);
	return 0;
}

static void
tcp_abort(struct tlsoff_conn *c)
{
	struct tlsoff_stack *s = c->stack;

	switch (c->state) {
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		tcp_send_ctl(c, TH_RST | TH_ACK);
		TLSOFF_STAT_INC(s, tcp, conn_aborted);
		break;
	default:
		break;
	}
	c->flags &= ~TF_APP_OWNED;
	tcp_conn_drop(c, ECONNABORTED);
}

void
rte_tlsoff_abort(struct rte_tlsoff_conn *conn)
{
	struct tlsoff_conn *c = tlsoff_conn(conn);

	if (c == NULL || !(c->flags & TF_APP_OWNED))
		return;
	c->flags |= TF_APP_CLOSED;
	if (c->state == TCP_CLOSED) {
		c->flags &= ~TF_APP_OWNED;
		tcp_conn_release_if_dead(c);
		return;
	}
	tcp_abort(c);
}

void
rte_tlsoff_close(struct rte_tlsoff_conn *conn)
{
	struct tlsoff_conn *c = tlsoff_conn(conn);
	struct tlsoff_stack *s;

	if (c == NULL || !(c->flags & TF_APP_OWNED))
		return;
	s = c->stack;
	c->flags |= TF_APP_CLOSED;
	if (c->in_ev_list) {
		TAILQ_REMOVE(&s->ev_list, c, ev_link);
		c->in_ev_list = false;
	}
	if (c->in_mem_wait) {
		TAILQ_REMOVE(&s->mem_wait, c, mem_link);
		c->in_mem_wait = false;
	}
	/* RFC 2525 2.17: unread data means the peer must learn of the loss. */
	if (c->rq.len > 0 && c->state != TCP_CLOSED) {
		tcp_abort(c);
		return;
	}
	/* TLS: close_notify before the FIN, while the app still owns it. */
	if ((c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT) &&
	    c->ulp != NULL && c->ulp->on_send_close != NULL)
		c->ulp->on_send_close(c->ulp_ctx);
	c->flags &= ~TF_APP_OWNED;
	switch (c->state) {
	case TCP_SYN_SENT:
		c->state = TCP_CLOSED;
		break;
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		c->state = c->state == TCP_ESTABLISHED ? TCP_FIN_WAIT_1 :
			TCP_LAST_ACK;
		c->flags |= TF_FIN_QUEUED;
		tcp_conn_want_output(c);
		break;
	case TCP_FIN_WAIT_2:
		/* A released connection does not wait for the peer forever. */
		tcp_timer_set(c, TCP_T_2MSL,
			s->now_us + (uint64_t)s->conf.fin_wait2_ms * 1000);
		break;
	default:
		break;
	}
	tcp_conn_release_if_dead(c);
}

void
rte_tlsoff_conn_set_cb(struct rte_tlsoff_conn *conn, rte_tlsoff_conn_cb_t cb,
		void *arg)
{
	struct tlsoff_conn *c = tlsoff_conn(conn);

	if (c == NULL)
		return;
	c->cb = cb;
	c->cb_arg = arg;
}

/* ---- work lists, run at the end of each poll ---- */

void
tcp_deliver_events(struct tlsoff_stack *s)
{
	struct tlsoff_conn *c;
	uint32_t i;

	if (!TAILQ_EMPTY(&s->mem_wait) && s->mem_freed) {
		while ((c = TAILQ_FIRST(&s->mem_wait)) != NULL) {
			TAILQ_REMOVE(&s->mem_wait, c, mem_link);
			c->in_mem_wait = false;
			tcp_conn_post(c, RTE_TLSOFF_EV_WRITABLE);
		}
	}
	s->mem_freed = false;
	/* Listeners with news only (a poll usually has none). */
	for (i = 0; s->listener_events > 0 && i < s->conf.max_listeners; i++) {
		struct tlsoff_listener *l = &s->listeners[i];

		if (!l->ev_pending)
			continue;
		l->ev_pending = false;
		s->listener_events--;
		if (l->active && l->n_acc > 0 && l->cb != NULL)
			l->cb((struct rte_tlsoff_listener *)l, l->cb_arg);
	}
	while ((c = TAILQ_FIRST(&s->ev_list)) != NULL) {
		uint32_t ev = c->ev_pending;

		TAILQ_REMOVE(&s->ev_list, c, ev_link);
		c->in_ev_list = false;
		c->ev_pending = 0;
		/* The callback may close @c: nothing touches it afterwards. */
		if (c->cb != NULL && (c->flags & TF_APP_OWNED))
			c->cb((struct rte_tlsoff_conn *)c, ev, c->cb_arg);
	}
}

void
tcp_run_output(struct tlsoff_stack *s)
{
	struct tlsoff_conn_list work;
	struct tlsoff_conn *c;

	/*
	 * One pass over the connections queued so far; one that cannot finish
	 * (device queue or mbufs exhausted) queues itself again for the next
	 * poll instead of spinning here.
	 */
	TAILQ_INIT(&work);
	TAILQ_CONCAT(&work, &s->out_list, out_link);
	while ((c = TAILQ_FIRST(&work)) != NULL) {
		TAILQ_REMOVE(&work, c, out_link);
		c->in_out_list = false;
		if (tlsoff_tx_room(s) == 0) {
			tcp_conn_want_output(c);
			continue;
		}
		tlsoff_tcp_output(c);
	}
}
