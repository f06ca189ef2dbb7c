/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Connection establishment: passive and active open, options, retries;
 * instance creation: configuration checks, name clashes, secrets.
 */

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_log.h>

#include "harness.h"

/*
 * Interposed for the creation tests: getrandom() fails with
 * getrandom_errno when that is set, and rte_eth_tx_done_cleanup() is
 * counted. Both pass through otherwise (the library is linked statically,
 * so its calls land here).
 */
static int getrandom_errno;
static unsigned int getrandom_calls;
static unsigned int tx_cleanups;

ssize_t
getrandom(void *buf, size_t len, unsigned int flags)
{
	getrandom_calls++;
	if (getrandom_errno != 0) {
		errno = getrandom_errno;
		return -1;
	}
	return syscall(SYS_getrandom, buf, len, flags);
}

int
rte_eth_tx_done_cleanup(uint16_t port_id, uint16_t queue_id,
		uint32_t free_cnt)
{
	static int (*real)(uint16_t, uint16_t, uint32_t);

	tx_cleanups++;
	if (real == NULL)
		real = (int (*)(uint16_t, uint16_t, uint32_t))(uintptr_t)
			dlsym(RTLD_NEXT, "rte_eth_tx_done_cleanup");
	return real != NULL ? real(port_id, queue_id, free_cnt) : -ENOTSUP;
}

/* SYN with every option: the SYN-ACK answers each, the connection uses them. */
static void
test_passive_open_options(struct th *t)
{
	struct rte_tlsoff_conn_info info;
	struct th_seg seg;

	th_start(t);
	th_listen(t);
	t->p_wscale = true;
	t->p_sack = true;
	t->p_ts = true;
	tlsoff_stack_set_isn(t->s, t->l_isn);
	th_send(t, TH_SYN, t->p_isn, 0, NULL, 0, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no SYN-ACK");
	TH_EQ(t, seg.flags, TH_SYN | TH_ACK);
	TH_EQ(t, seg.seq, t->l_isn);
	TH_EQ(t, seg.ack, t->p_isn + 1);
	TH_CHECK(t, seg.opts.has_mss && seg.opts.mss == 1460, "mss %u",
		seg.opts.mss);
	TH_CHECK(t, seg.opts.sack_ok, "no SACK-permitted");
	TH_CHECK(t, seg.opts.has_ws, "no window scale");
	TH_EQ(t, seg.opts.ws, t->s->rcv_wscale);
	TH_CHECK(t, seg.opts.has_ts, "no timestamp");
	TH_EQ(t, seg.opts.tsecr, t->p_tsval - 1);
	TH_CHECK(t, seg.wnd > 0 && seg.wnd <= 65535);
	TH_EQ(t, th_pending(t), 0);
	/* Nothing is accepted before the handshake completes. */
	TH_CHECK(t, t->c == NULL);
	t->ts_ok = true;
	t->ws_ok = true;
	t->p_nxt = t->p_isn + 1;
	t->p_ack = t->l_isn + 1;
	t->data_isn = t->l_isn;
	th_send(t, TH_ACK, t->p_nxt, t->p_ack, NULL, 0, NULL);
	TH_CHECK(t, t->c != NULL, "not accepted");
	if (t->c == NULL)
		return;
	TH_EQ(t, rte_tlsoff_conn_get_info(t->c, &info), 0);
	TH_EQ(t, info.state, RTE_TLSOFF_TCP_ESTABLISHED);
	TH_EQ(t, info.remote_ip, TH_PEER_IP);
	TH_EQ(t, info.remote_port, TH_PPORT);
	TH_EQ(t, info.local_port, TH_LPORT);
	TH_CHECK(t, info.sack && info.timestamps);
	TH_EQ(t, info.snd_wscale, 7);
	TH_EQ(t, info.mss, 1460 - 12);
	TH_EQ(t, info.cwnd, 10u * (1460 - 12));
	TH_EQ(t, th_stat(t, "tcp.conn_accepted"), 1);
}

/* A peer that offers nothing gets nothing, and a 536-byte MSS (RFC 9293). */
static void
test_passive_open_no_options(struct th *t)
{
	struct rte_tlsoff_conn_info info;
	struct th_seg seg;
	struct th_opts none = { .raw = (const uint8_t *)"", .raw_len = 0 };

	th_start(t);
	th_listen(t);
	tlsoff_stack_set_isn(t->s, t->l_isn);
	th_send(t, TH_SYN, t->p_isn, 0, NULL, 0, &none);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_CHECK(t, seg.opts.has_mss, "our MSS is always announced");
	TH_CHECK(t, !seg.opts.sack_ok && !seg.opts.has_ws && !seg.opts.has_ts,
		"options the peer did not offer");
	t->p_nxt = t->p_isn + 1;
	t->p_ack = t->l_isn + 1;
	t->data_isn = t->l_isn;
	th_send(t, TH_ACK, t->p_nxt, t->p_ack, NULL, 0, NULL);
	TH_CHECK(t, t->c != NULL);
	if (t->c == NULL)
		return;
	rte_tlsoff_conn_get_info(t->c, &info);
	TH_EQ(t, info.mss, 536);
	TH_CHECK(t, !info.sack && !info.timestamps);
	TH_EQ(t, info.snd_wscale, 0);
	TH_EQ(t, info.rcv_wscale, 0);
	/* Data segments then carry no options and at most 536 bytes. */
	th_app_send(t, 5000);
	th_run(t);
	while (th_pop_tcp(t, &seg)) {
		TH_CHECK(t, seg.len <= 536, "segment of %u", seg.len);
		TH_CHECK(t, !seg.opts.has_ts);
	}
}

/* The SYN-ACK is retransmitted with backoff, then the half-open dies. */
static void
test_synack_retransmit(struct th *t)
{
	struct th_seg seg;
	unsigned int n = 0;
	uint64_t waited = 0, last = 0;

	t->conf.syn_retries = 3;
	th_start(t);
	th_listen(t);
	tlsoff_stack_set_isn(t->s, t->l_isn);
	th_send(t, TH_SYN, t->p_isn, 0, NULL, 0, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	/* No ACK: the SYN-ACK comes again at 1 s, 2 s, 4 s. */
	while (waited < 30000000) {
		th_advance(t, 100000);
		waited += 100000;
		while (th_pop_tcp(t, &seg)) {
			TH_EQ(t, seg.flags, TH_SYN | TH_ACK);
			TH_EQ(t, seg.seq, t->l_isn);
			n++;
			if (n >= 2)
				TH_CHECK(t, waited - last >= 1900000,
					"backoff too short: %lu us",
					(unsigned long)(waited - last));
			last = waited;
		}
	}
	TH_EQ(t, n, 3);
	TH_EQ(t, t->s->nb_conns, 0);
	TH_EQ(t, th_stat(t, "tcp.conn_timeout"), 1);
	TH_CHECK(t, t->c == NULL);
}

/* A repeated SYN (our SYN-ACK was lost) gets the same SYN-ACK again. */
static void
test_syn_repeat(struct th *t)
{
	struct th_seg seg;

	th_start(t);
	th_listen(t);
	tlsoff_stack_set_isn(t->s, t->l_isn);
	th_send(t, TH_SYN, t->p_isn, 0, NULL, 0, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	th_send(t, TH_SYN, t->p_isn, 0, NULL, 0, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no answer to the repeated SYN");
	TH_EQ(t, seg.flags, TH_SYN | TH_ACK);
	TH_EQ(t, seg.seq, t->l_isn);
	TH_EQ(t, seg.ack, t->p_isn + 1);
	TH_EQ(t, t->s->nb_conns, 1);
}

/* A handshake ACK that does not acknowledge our SYN is answered by RST. */
static void
test_bad_handshake_ack(struct th *t)
{
	struct th_seg seg;

	th_start(t);
	th_listen(t);
	tlsoff_stack_set_isn(t->s, t->l_isn);
	th_send(t, TH_SYN, t->p_isn, 0, NULL, 0, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	th_send(t, TH_ACK, t->p_isn + 1, t->l_isn + 5, NULL, 0, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no RST");
	TH_EQ(t, seg.flags, TH_RST);
	TH_EQ(t, seg.seq, t->l_isn + 5);
	TH_CHECK(t, t->c == NULL);
	/* The right ACK still completes it. */
	th_send(t, TH_ACK, t->p_isn + 1, t->l_isn + 1, NULL, 0, NULL);
	TH_CHECK(t, t->c != NULL);
}

/* A SYN to a closed port gets RST+ACK; an ACK gets a RST from its ack. */
static void
test_closed_port(struct th *t)
{
	struct th_seg seg;

	th_start(t);
	th_send(t, TH_SYN, t->p_isn, 0, NULL, 0, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_EQ(t, seg.flags, TH_RST | TH_ACK);
	TH_EQ(t, seg.seq, 0);
	TH_EQ(t, seg.ack, t->p_isn + 1);
	th_send(t, TH_ACK, t->p_isn + 1, 12345, "xy", 2, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_EQ(t, seg.flags, TH_RST);
	TH_EQ(t, seg.seq, 12345);
	/* Never answer a RST. */
	th_send(t, TH_RST, t->p_isn + 1, 0, NULL, 0, NULL);
	TH_EQ(t, th_pending(t), 0);
	/* Two answered, and the RST counted as for no connection too. */
	TH_EQ(t, th_stat(t, "tcp.drop_no_conn"), 3);
}

static void
active_cb(struct rte_tlsoff_conn *c, uint32_t ev, void *arg)
{
	struct th *t = arg;

	(void)c;
	t->ev |= ev;
}

/* connect(): SYN with our options, SYN-ACK, ACK, CONNECTED, data. */
static void
test_active_open(struct th *t)
{
	struct rte_tlsoff_conn_info info;
	struct th_seg seg;

	th_start(t);
	tlsoff_stack_set_isn(t->s, t->l_isn);
	t->c = rte_tlsoff_connect(t->st, TH_PEER_IP, TH_PPORT, active_cb, t);
	TH_CHECK(t, t->c != NULL);
	if (t->c == NULL)
		return;
	/* The SYN leaves with the next poll. */
	TH_EQ(t, th_pending(t), 0);
	th_run(t);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no SYN");
	TH_EQ(t, seg.flags, TH_SYN);
	TH_EQ(t, seg.seq, t->l_isn);
	TH_EQ(t, seg.dport, TH_PPORT);
	TH_CHECK(t, seg.opts.has_mss && seg.opts.sack_ok && seg.opts.has_ts &&
		seg.opts.has_ws);
	TH_CHECK(t, seg.sport >= 32768 && seg.sport <= 60999, "port %u",
		seg.sport);
	TH_EQ(t, rte_tlsoff_send(t->c, "x", 1), -ENOTCONN);
	/* The harness peer plays the server now. */
	t->lport = seg.sport;
	t->p_sack = true;
	t->p_ts = true;
	t->p_wscale = true;
	th_send(t, TH_SYN | TH_ACK, t->p_isn, t->l_isn + 1, NULL, 0, NULL);
	t->ts_ok = true;
	t->ws_ok = true;
	t->p_nxt = t->p_isn + 1;
	t->p_ack = t->l_isn + 1;
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_CONNECTED, "no CONNECTED event");
	TH_CHECK(t, th_pop_tcp(t, &seg), "no ACK");
	TH_EQ(t, seg.flags, TH_ACK);
	TH_EQ(t, seg.ack, t->p_isn + 1);
	TH_EQ(t, seg.seq, t->l_isn + 1);
	rte_tlsoff_conn_get_info(t->c, &info);
	TH_EQ(t, info.state, RTE_TLSOFF_TCP_ESTABLISHED);
	TH_CHECK(t, info.sack && info.timestamps);
	TH_EQ(t, th_stat(t, "tcp.conn_connected"), 1);
	t->data_isn = t->l_isn;
	TH_EQ(t, th_app_send(t, 100), 100);
	th_run(t);
	TH_CHECK(t, th_pop_tcp(t, &seg));
	TH_EQ(t, seg.len, 100);
}

/* A RST answering our SYN: ECONNREFUSED; a RST with a wrong ACK: ignored. */
static void
test_active_open_refused(struct th *t)
{
	struct th_seg seg;

	th_start(t);
	tlsoff_stack_set_isn(t->s, t->l_isn);
	t->c = rte_tlsoff_connect(t->st, TH_PEER_IP, TH_PPORT, active_cb, t);
	th_run(t);
	TH_CHECK(t, t->c != NULL && th_pop_tcp(t, &seg));
	if (t->c == NULL)
		return;
	t->lport = seg.sport;
	/* An unacceptable ACK: the RST is not believed (RFC 9293 3.10.7.3). */
	th_send(t, TH_RST | TH_ACK, 0, t->l_isn + 7, NULL, 0, NULL);
	TH_CHECK(t, !(t->ev & RTE_TLSOFF_EV_CLOSED), "RST with a bad ACK accepted");
	TH_EQ(t, rte_tlsoff_conn_error(t->c), 0);
	th_drain(t);
	th_send(t, TH_RST | TH_ACK, 0, t->l_isn + 1, NULL, 0, NULL);
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_CLOSED);
	TH_EQ(t, rte_tlsoff_conn_error(t->c), ECONNREFUSED);
	TH_EQ(t, th_stat(t, "tcp.conn_refused"), 1);
	/* As rte_tlsoff.h documents them. */
	{
		struct rte_mbuf *m = rte_pktmbuf_alloc(t->pool);
		char b[4];

		TH_EQ(t, rte_tlsoff_send(t->c, "x", 1), -ECONNREFUSED);
		TH_EQ(t, rte_tlsoff_recv(t->c, b, sizeof(b)), -ECONNREFUSED);
		TH_EQ(t, rte_tlsoff_send_mbuf(t->c, m), -ECONNREFUSED);
		rte_pktmbuf_free(m);
		TH_EQ(t, rte_tlsoff_conn_error(NULL), EINVAL);
	}
	rte_tlsoff_close(t->c);
	t->c = NULL;
}

/* No answer to connect(): SYN retries, then ETIMEDOUT. */
static void
test_active_open_timeout(struct th *t)
{
	struct th_seg seg;
	unsigned int syns = 0;

	t->conf.syn_retries = 2;
	th_start(t);
	t->c = rte_tlsoff_connect(t->st, TH_PEER_IP, TH_PPORT, active_cb, t);
	TH_CHECK(t, t->c != NULL);
	if (t->c == NULL)
		return;
	th_advance(t, 20000000);
	while (th_pop_tcp(t, &seg))
		if (seg.flags == TH_SYN)
			syns++;
	TH_EQ(t, syns, 3);
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_CLOSED);
	TH_EQ(t, rte_tlsoff_conn_error(t->c), ETIMEDOUT);
	rte_tlsoff_close(t->c);
	t->c = NULL;
}

/*
 * RFC 9293 3.10.7: segments that LISTEN and SYN_SENT ignore are drops with
 * their own counters; so is one for a connection already CLOSED.
 */
static void
test_ignored_segments_counted(struct th *t)
{
	struct tlsoff_conn *c;
	struct th_seg seg;

	th_start(t);
	th_listen(t);
	/* LISTEN: a RST is ignored (3.10.7.2), never answered. */
	th_send(t, TH_RST, t->p_isn, 0, NULL, 0, NULL);
	TH_EQ(t, th_pending(t), 0);
	TH_EQ(t, th_stat(t, "tcp.drop_listen_rst"), 1);
	TH_EQ(t, th_stat(t, "tcp.drop_no_conn"), 0);
	/* SYN_SENT (3.10.7.3). */
	tlsoff_stack_set_isn(t->s, t->l_isn);
	t->c = rte_tlsoff_connect(t->st, TH_PEER_IP, TH_PPORT, active_cb, t);
	th_run(t);
	TH_CHECK(t, t->c != NULL && th_pop_tcp(t, &seg));
	if (t->c == NULL)
		return;
	t->lport = seg.sport;
	/* An ACK of something never sent: a RST answers it, then dropped. */
	th_send(t, TH_ACK, t->p_isn, t->l_isn + 7, NULL, 0, NULL);
	TH_CHECK(t, th_pop_tcp(t, &seg), "no RST for a bad ACK");
	TH_EQ(t, seg.flags, TH_RST);
	TH_EQ(t, th_stat(t, "tcp.drop_syn_sent_bad_ack"), 1);
	/* A RST without an ACK of our SYN could be blind: ignored. */
	th_send(t, TH_RST, t->p_isn, 0, NULL, 0, NULL);
	TH_EQ(t, th_stat(t, "tcp.drop_syn_sent_bad_rst"), 1);
	/* Neither SYN nor RST. */
	th_send(t, TH_FIN, t->p_isn, 0, NULL, 0, NULL);
	TH_EQ(t, th_stat(t, "tcp.drop_syn_sent_no_syn"), 1);
	TH_EQ(t, th_pending(t), 0);
	TH_EQ(t, th_conn(t)->state, TCP_SYN_SENT);
	TH_CHECK(t, !(t->ev & RTE_TLSOFF_EV_CLOSED));
	/*
	 * CLOSED: a dropped connection leaves the table at once, so the
	 * protocol cannot get here; the state is forced to see the guard.
	 */
	c = th_conn(t);
	tcp_conn_set_state(c, TCP_CLOSED);
	th_send(t, TH_SYN | TH_ACK, t->p_isn, t->l_isn + 1, NULL, 0, NULL);
	TH_EQ(t, th_stat(t, "tcp.drop_closed_conn"), 1);
	TH_EQ(t, th_pending(t), 0);
	tcp_conn_set_state(c, TCP_SYN_SENT);
	/* The handshake still completes. */
	th_send(t, TH_SYN | TH_ACK, t->p_isn, t->l_isn + 1, NULL, 0, NULL);
	TH_CHECK(t, t->ev & RTE_TLSOFF_EV_CONNECTED, "no CONNECTED event");
}

static void
count_pool(struct rte_mempool *mp, void *arg)
{
	(void)mp;
	(*(unsigned int *)arg)++;
}

static unsigned int
nb_mempools(void)
{
	unsigned int n = 0;

	rte_mempool_walk(count_pool, &n);
	return n;
}

/*
 * stack_create must fail with @err and log a line containing @what; on
 * the way it must create no memory object nor touch the port's tx queue.
 */
static void
create_fails(struct th *t, const char *name,
		const struct rte_tlsoff_stack_conf *conf, int err,
		const char *what)
{
	unsigned int pools = nb_mempools(), cleanups = tx_cleanups;
	struct rte_tlsoff_stack *st;
	char *log = NULL;
	size_t log_len = 0;
	FILE *f;
	int e;

	f = open_memstream(&log, &log_len);
	TH_CHECK(t, f != NULL);
	if (f == NULL)
		return;
	rte_openlog_stream(f);
	st = rte_tlsoff_stack_create(name, conf);
	e = rte_errno;
	rte_openlog_stream(NULL);
	fclose(f);
	TH_CHECK(t, st == NULL && e == err, "%s: %s, rte_errno %d (want %d)",
		what, st != NULL ? "created" : "refused", e, err);
	if (st != NULL)
		rte_tlsoff_stack_free(st);
	TH_CHECK(t, log != NULL && strstr(log, what) != NULL,
		"the log does not name %s: %s", what, log != NULL ? log : "");
	TH_EQ(t, nb_mempools(), pools);
	TH_EQ(t, tx_cleanups, cleanups);
	free(log);
}

/*
 * rte_tlsoff_stack_create: the queues must be configured on the port, the
 * TIME_WAIT and FIN_WAIT_2 timeouts in range, and the name free (EEXIST,
 * found before any memory is reserved). The messages name what is wrong.
 */
static void
test_create_checks(struct th *t)
{
	struct rte_tlsoff_stack_conf conf;
	struct rte_tlsoff_stack *st;
	struct rte_mempool *mp;
	unsigned int cleanups;

	th_start(t);
	conf = t->conf;
	conf.rx_queue = 1;     /* the port has one queue each way */
	create_fails(t, "q1", &conf, EINVAL, "conf.rx_queue");
	conf = t->conf;
	conf.tx_queue = 1;
	create_fails(t, "q2", &conf, EINVAL, "conf.tx_queue");
	conf = t->conf;
	conf.time_wait_ms = 0;
	create_fails(t, "tw1", &conf, EINVAL, "conf.time_wait_ms");
	conf.time_wait_ms = 999;
	create_fails(t, "tw2", &conf, EINVAL, "conf.time_wait_ms");
	conf.time_wait_ms = 3600001;
	create_fails(t, "tw3", &conf, EINVAL, "conf.time_wait_ms");
	conf = t->conf;
	conf.fin_wait2_ms = 0;
	create_fails(t, "fw1", &conf, EINVAL, "conf.fin_wait2_ms");
	conf.fin_wait2_ms = 3600001;
	create_fails(t, "fw2", &conf, EINVAL, "conf.fin_wait2_ms");
	/* Both bounds are allowed. */
	conf = t->conf;
	conf.time_wait_ms = 1000;
	conf.fin_wait2_ms = 1;
	st = rte_tlsoff_stack_create("lo", &conf);
	TH_CHECK(t, st != NULL, "lowest timeouts refused");
	rte_tlsoff_stack_free(st);
	/* A live instance's name, and a name whose pool the app took. */
	cleanups = tx_cleanups;
	st = rte_tlsoff_stack_create("dup", &t->conf);
	TH_CHECK(t, st != NULL);
	create_fails(t, "dup", &t->conf, EEXIST, "name \"dup\" is in use");
	rte_tlsoff_stack_free(st);
	/* A created instance does give its tx queue's mbufs back. */
	TH_EQ(t, tx_cleanups, cleanups + 1);
	st = rte_tlsoff_stack_create("dup", &t->conf);
	TH_CHECK(t, st != NULL, "name not free after the instance went");
	rte_tlsoff_stack_free(st);
	mp = rte_mempool_create("tlc_mine", 16, 64, 0, 0, NULL, NULL, NULL,
		NULL, SOCKET_ID_ANY, 0);
	TH_CHECK(t, mp != NULL);
	create_fails(t, "mine", &t->conf, EEXIST, "name \"mine\" is in use");
	rte_mempool_free(mp);
}

/*
 * The ISN and timestamp secret comes from getrandom() (RFC 6528), with
 * /dev/urandom where the call does not exist; when neither answers the
 * instance is not created (it does not fall back to a guessable key), and
 * the failure leaves nothing behind, the port's tx queue untouched.
 */
static void
test_create_secret(struct th *t)
{
	struct rte_tlsoff_stack *st;
	struct tlsoff_stack *s;
	unsigned int calls, pools, cleanups;

	th_start(t);
	calls = getrandom_calls;
	st = rte_tlsoff_stack_create("rnd", &t->conf);
	TH_CHECK(t, st != NULL);
	TH_CHECK(t, getrandom_calls > calls, "getrandom() not used");
	rte_tlsoff_stack_free(st);
	/* No getrandom() (old kernel, seccomp): /dev/urandom instead. */
	getrandom_errno = ENOSYS;
	st = rte_tlsoff_stack_create("rnd", &t->conf);
	getrandom_errno = 0;
	TH_CHECK(t, st != NULL, "no fallback to /dev/urandom");
	if (st != NULL) {
		s = tlsoff_stack(st);
		TH_CHECK(t, s->isn_key[0] != 0 || s->isn_key[1] != 0);
		rte_tlsoff_stack_free(st);
	}
	/* getrandom() fails otherwise: no instance, nothing left over. */
	pools = nb_mempools();
	cleanups = tx_cleanups;
	getrandom_errno = EIO;
	st = rte_tlsoff_stack_create("rnd", &t->conf);
	getrandom_errno = 0;
	TH_CHECK(t, st == NULL, "created without a secret");
	TH_EQ(t, rte_errno, EIO);
	if (st != NULL)
		rte_tlsoff_stack_free(st);
	TH_EQ(t, nb_mempools(), pools);
	TH_EQ(t, tx_cleanups, cleanups);
	st = rte_tlsoff_stack_create("rnd", &t->conf);
	TH_CHECK(t, st != NULL, "name not free after a failed creation");
	rte_tlsoff_stack_free(st);
}

/*
 * RFC 7323 7.1: TSval offsets are keyed hashes of the 4-tuple, so a new
 * incarnation of a 4-tuple continues its clock (PAWS at the peer) while
 * another 4-tuple's clock tells nothing.
 */
static void
test_ts_offset_per_tuple(struct th *t)
{
	uint32_t first, again, other;
	struct th_seg seg;

	th_start(t);
	if (!th_accept(t, true, true, true))
		return;
	first = th_conn(t)->ts_offset;
	th_app_send(t, 10);
	th_run(t);
	TH_CHECK(t, th_pop_tcp(t, &seg) && seg.opts.has_ts);
	TH_EQ(t, seg.opts.tsval, (uint32_t)(t->now_us / 1000) + first);
	rte_tlsoff_abort(t->c);
	t->c = NULL;
	th_run(t);
	th_drain(t);
	t->p_isn += 100000;
	th_accept(t, true, true, true);
	TH_CHECK(t, t->c != NULL);
	if (t->c == NULL)
		return;
	again = th_conn(t)->ts_offset;
	TH_EQ(t, again, first);
	rte_tlsoff_abort(t->c);
	t->c = NULL;
	th_run(t);
	th_drain(t);
	t->pport = TH_PPORT + 1;
	th_accept(t, true, true, true);
	TH_CHECK(t, t->c != NULL);
	if (t->c == NULL)
		return;
	other = th_conn(t)->ts_offset;
	TH_CHECK(t, other != first, "two 4-tuples, one offset %u", other);
}

/* Bad arguments are refused with EINVAL, not crashes. */
static void
test_api_arguments(struct th *t)
{
	struct rte_tlsoff_stack_conf conf;

	th_start(t);
	TH_CHECK(t, rte_tlsoff_listen(t->st, 0, 0, NULL, NULL) == NULL &&
		rte_errno == EINVAL);
	TH_CHECK(t, rte_tlsoff_listen(NULL, 80, 0, NULL, NULL) == NULL &&
		rte_errno == EINVAL);
	th_listen(t);
	TH_CHECK(t, rte_tlsoff_listen(t->st, TH_LPORT, 0, NULL, NULL) == NULL &&
		rte_errno == EADDRINUSE);
	TH_CHECK(t, rte_tlsoff_accept(t->l) == NULL && rte_errno == EAGAIN);
	TH_CHECK(t, rte_tlsoff_connect(t->st, 0, 80, NULL, NULL) == NULL &&
		rte_errno == EINVAL);
	TH_EQ(t, rte_tlsoff_send(NULL, "x", 1), -EINVAL);
	TH_EQ(t, rte_tlsoff_recv(NULL, NULL, 0), -EINVAL);
	{
		char b[4];

		/* 0 is end of stream, so an empty read is refused. */
		TH_CHECK(t, th_accept(t, true, true, true));
		TH_EQ(t, rte_tlsoff_recv(t->c, b, 0), -EINVAL);
	}
	TH_EQ(t, rte_tlsoff_send_mbuf(NULL, NULL), -EINVAL);
	rte_tlsoff_close(NULL);
	rte_tlsoff_abort(NULL);
	rte_tlsoff_stack_free(NULL);
	/* Configuration errors name their field and fail with EINVAL. */
	conf = t->conf;
	conf.rcvbuf = 5000;
	TH_CHECK(t, rte_tlsoff_stack_create("bad1", &conf) == NULL &&
		rte_errno == EINVAL);
	conf = t->conf;
	conf.ip = 0;
	TH_CHECK(t, rte_tlsoff_stack_create("bad2", &conf) == NULL &&
		rte_errno == EINVAL);
	conf = t->conf;
	conf.port_id = 77;
	TH_CHECK(t, rte_tlsoff_stack_create("bad3", &conf) == NULL &&
		rte_errno == ENODEV);
	conf = t->conf;
	conf.drop_rate = 1.5;
	TH_CHECK(t, rte_tlsoff_stack_create("bad4", &conf) == NULL &&
		rte_errno == EINVAL);
	conf = t->conf;
	conf.gateway = 0xc0a80001u;   /* 192.168.0.1, outside 10.0.0.0/24 */
	TH_CHECK(t, rte_tlsoff_stack_create("bad5", &conf) == NULL &&
		rte_errno == EINVAL);
	TH_CHECK(t, rte_tlsoff_stack_create("a-name-that-is-too-long", &t->conf)
		== NULL && rte_errno == EINVAL);
}

static const struct th_case cases[] = {
	{ "passive open negotiates MSS, WS, SACK, TS", test_passive_open_options, true },
	{ "passive open without options", test_passive_open_no_options, true },
	{ "SYN-ACK retransmitted with backoff, then dropped", test_synack_retransmit, true },
	{ "repeated SYN gets the SYN-ACK again", test_syn_repeat, true },
	{ "bad handshake ACK answered by RST", test_bad_handshake_ack, true },
	{ "closed port answers RST", test_closed_port, true },
	{ "active open", test_active_open, true },
	{ "active open refused by RST", test_active_open_refused, true },
	{ "active open times out", test_active_open_timeout, false },
	{ "API refuses bad arguments", test_api_arguments, false },
	{ "LISTEN, SYN_SENT and CLOSED drops are counted", test_ignored_segments_counted, true },
	{ "stack_create: queues, timeouts, name in use", test_create_checks, false },
	{ "stack_create: secret from getrandom, or no instance", test_create_secret, false },
	{ "timestamp offset follows the 4-tuple", test_ts_offset_per_tuple, true },
};

int
main(int argc, char **argv)
{
	return th_main(argc, argv, cases, RTE_DIM(cases));
}
