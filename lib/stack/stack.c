/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The stack instance: configuration checks, memory reserved at creation,
 * the poll loop (rx burst, input, timers, callbacks, output, tx burst) and
 * the device transmit buffer.
 */

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_random.h>

#include "rte_tlsoff.h"
#include "group.h"
#include "stack.h"
#include "tlsoff_log.h"
#include "../net/net.h"
#include "../tcp/tcp.h"
#include "../tls/tls.h"

/* Log type "tlsoff" (--log-level=tlsoff:debug). */
RTE_LOG_REGISTER(tlsoff_logtype, tlsoff, NOTICE);

#define MEMPOOL_CACHE 256u
/* A whole TLS record (16384 + header, nonce, type, tag) fits one buffer. */
#define SNDBUF_DATA_ROOM 16448u

void
rte_tlsoff_stack_conf_init(struct rte_tlsoff_stack_conf *conf)
{
	if (conf == NULL)
		return;
	memset(conf, 0, sizeof(*conf));
	conf->socket_id = SOCKET_ID_ANY;
	conf->prefix_len = 24;
	conf->max_conns = 1024;
	conf->max_listeners = 16;
	conf->sndbuf = 1u << 20;
	conf->rcvbuf = 1u << 16;
	conf->sndq_chunks = 1024;
	conf->sndbuf_pool_bytes = 64u << 20;
	conf->hdr_mbufs = 16384;
	conf->rto_init_ms = 1000;
	conf->rto_min_ms = 200;
	conf->rto_max_ms = 60000;
	conf->max_retries = 15;
	conf->syn_retries = 5;
	conf->delack_ms = 40;
	conf->time_wait_ms = 60000;
	conf->fin_wait2_ms = 60000;
	conf->syn_backlog = 128;
	conf->cc = RTE_TLSOFF_CC_CUBIC;
}

static bool
is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

#define CONF_CHECK(cond, field, why) do { \
	if (!(cond)) { \
		TLSOFF_LOG(ERR, "stack %s: conf.%s %s", name, field, why); \
		return -EINVAL; \
	} \
} while (0)

static int
conf_check(const char *name, const struct rte_tlsoff_stack_conf *c)
{
	struct rte_eth_dev_info info;
	uint32_t mask;
	int rc;

	if (!rte_eth_dev_is_valid_port(c->port_id)) {
		TLSOFF_LOG(ERR, "stack %s: conf.port_id %u is not a port", name,
			c->port_id);
		return -ENODEV;
	}
	rc = rte_eth_dev_info_get(c->port_id, &info);
	if (rc != 0) {
		TLSOFF_LOG(ERR, "stack %s: conf.port_id %u: no device info: %s",
			name, c->port_id, rte_strerror(-rc));
		return -ENODEV;
	}
	/* The counts the app configured (rte_eth_dev_configure), not maxima. */
	if (c->rx_queue >= info.nb_rx_queues) {
		TLSOFF_LOG(ERR, "stack %s: conf.rx_queue %u is not a "
			"configured rx queue of port %u (it has %u)", name,
			c->rx_queue, c->port_id, info.nb_rx_queues);
		return -EINVAL;
	}
	if (c->tx_queue >= info.nb_tx_queues) {
		TLSOFF_LOG(ERR, "stack %s: conf.tx_queue %u is not a "
			"configured tx queue of port %u (it has %u)", name,
			c->tx_queue, c->port_id, info.nb_tx_queues);
		return -EINVAL;
	}
	CONF_CHECK(c->ip != 0, "ip", "must be set");
	CONF_CHECK(c->prefix_len >= 1 && c->prefix_len <= 32, "prefix_len",
		"must be 1..32");
	mask = c->prefix_len == 32 ? UINT32_MAX :
		~(UINT32_MAX >> c->prefix_len);
	CONF_CHECK(c->gateway == 0 || ((c->gateway ^ c->ip) & mask) == 0,
		"gateway", "must be inside the local subnet");
	CONF_CHECK(c->max_conns >= 1 && c->max_conns <= (1u << 22), "max_conns",
		"must be 1..4194304");
	CONF_CHECK(c->max_listeners >= 1 && c->max_listeners <= 1024,
		"max_listeners", "must be 1..1024");
	CONF_CHECK(c->sndbuf >= 4096, "sndbuf", "must be at least 4096");
	CONF_CHECK(is_pow2(c->rcvbuf) && c->rcvbuf >= 4096 &&
		c->rcvbuf <= (1u << 30), "rcvbuf",
		"must be a power of two in 4096..2^30");
	CONF_CHECK(is_pow2(c->sndq_chunks) && c->sndq_chunks >= 16,
		"sndq_chunks", "must be a power of two >= 16");
	CONF_CHECK(c->sndbuf_pool_bytes >= SNDBUF_DATA_ROOM * 4,
		"sndbuf_pool_bytes", "must hold at least 4 send buffers (4 x 16448 bytes)");
	CONF_CHECK(c->hdr_mbufs >= 1024, "hdr_mbufs", "must be at least 1024");
	CONF_CHECK(c->mss == 0 || c->mss >= TCP_MIN_MSS, "mss",
		"must be 0 or at least 88");
	CONF_CHECK(c->rto_min_ms >= 1 && c->rto_min_ms <= c->rto_max_ms,
		"rto_min_ms", "must be 1..rto_max_ms");
	CONF_CHECK(c->rto_init_ms >= c->rto_min_ms &&
		c->rto_init_ms <= c->rto_max_ms, "rto_init_ms",
		"must be within rto_min_ms..rto_max_ms");
	CONF_CHECK(c->rto_max_ms <= 3600000, "rto_max_ms", "must be <= 1 hour");
	CONF_CHECK(c->max_retries >= 1 && c->max_retries <= 255, "max_retries",
		"must be 1..255");
	CONF_CHECK(c->syn_retries >= 1 && c->syn_retries <= 255, "syn_retries",
		"must be 1..255");
	CONF_CHECK(c->delack_ms >= 1 && c->delack_ms <= 500, "delack_ms",
		"must be 1..500 (RFC 9293 3.8.6.3)");
	/* TIME_WAIT must outlast a peer's FIN retransmission (RTO >= 1 s). */
	CONF_CHECK(c->time_wait_ms >= 1000 && c->time_wait_ms <= 3600000,
		"time_wait_ms", "must be 1000..3600000");
	CONF_CHECK(c->fin_wait2_ms >= 1 && c->fin_wait2_ms <= 3600000,
		"fin_wait2_ms", "must be 1..3600000");
	CONF_CHECK(c->syn_backlog >= 1, "syn_backlog", "must be at least 1");
	CONF_CHECK(c->cc == RTE_TLSOFF_CC_CUBIC || c->cc == RTE_TLSOFF_CC_NEWRENO,
		"cc", "is not a known algorithm");
	CONF_CHECK(c->drop_rate >= 0.0 && c->drop_rate < 1.0, "drop_rate",
		"must be in [0, 1)");
	CONF_CHECK(c->tls_conns <= c->max_conns, "tls_conns",
		"must be at most max_conns");
	CONF_CHECK(c->crypto == RTE_TLSOFF_CRYPTO_AUTO ||
		c->crypto == RTE_TLSOFF_CRYPTO_OPENSSL ||
		c->crypto == RTE_TLSOFF_CRYPTO_IPSEC_MB, "crypto",
		"is not a known engine");
	CONF_CHECK(c->tls_key_update_records <= TLS13_AES_GCM_RECORD_LIMIT,
		"tls_key_update_records", "must be at most 23726566 (RFC 8446 5.5)");
	CONF_CHECK(c->offload.type >= RTE_TLSOFF_OFFLOAD_SW &&
		c->offload.type <= RTE_TLSOFF_OFFLOAD_MLX5_MODEL, "offload.type",
		"is not a known device");
	CONF_CHECK(c->offload.sq_size == 0 || (is_pow2(c->offload.sq_size) &&
		c->offload.sq_size >= 256 && c->offload.sq_size <= 32768),
		"offload.sq_size", "must be 0 or a power of two in 256..32768");
	CONF_CHECK(c->offload.max_contexts <= (1u << 20),
		"offload.max_contexts", "must be at most 1048576");
	CONF_CHECK((c->offload.flags & ~(RTE_TLSOFF_OFFLOAD_F_ASYNC |
		RTE_TLSOFF_OFFLOAD_F_TEST_NO_RESYNC)) == 0, "offload.flags",
		"has unknown bits");
	CONF_CHECK(c->group_size <= TLSOFF_GROUP_MAX, "group_size",
		"must be at most 128");
	CONF_CHECK(c->group_size <= 1 || c->group_index < c->group_size,
		"group_index", "must be below group_size");
	CONF_CHECK(c->group_size > 1 || c->group_index == 0, "group_index",
		"must be 0 for an instance alone (group_size 0 or 1)");
	return 0;
}

static void
clock_update(struct tlsoff_stack *s)
{
	if (!s->manual_clock)
		s->now_us = rte_rdtsc() / (s->tsc_hz / 1000000);
}

static struct rte_mempool *
pool_create(struct tlsoff_stack *s, const char *prefix, uint32_t n,
		uint16_t data_room)
{
	char pname[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;

	snprintf(pname, sizeof(pname), "%s_%s", prefix, s->name);
	/* A cache may hold at most 2/3 of a pool (rte_mempool rule). */
	mp = rte_pktmbuf_pool_create(pname, n, RTE_MIN(MEMPOOL_CACHE, n / 2), 0,
		data_room ? data_room + RTE_PKTMBUF_HEADROOM : 0,
		s->conf.socket_id);
	if (mp == NULL)
		TLSOFF_LOG(ERR, "stack %s: mempool %s (%u mbufs): %s", s->name,
			pname, n, rte_strerror(rte_errno));
	return mp;
}

static int
stack_memory(struct tlsoff_stack *s)
{
	const struct rte_tlsoff_stack_conf *c = &s->conf;
	char pname[RTE_MEMPOOL_NAMESIZE];
	uint16_t hdr_room = (uint16_t)RTE_MAX(2048u,
		(uint32_t)s->mtu + TLSOFF_L2_LEN + 64u);

	s->hdr_pool = pool_create(s, "tlh", c->hdr_mbufs, hdr_room);
	s->ind_pool = pool_create(s, "tli", c->hdr_mbufs * 2, 0);
	s->sndbuf_pool = pool_create(s, "tls",
		c->sndbuf_pool_bytes / SNDBUF_DATA_ROOM, SNDBUF_DATA_ROOM);
	if (s->hdr_pool == NULL || s->ind_pool == NULL || s->sndbuf_pool == NULL)
		return -ENOMEM;
	s->conn_size = sizeof(struct tlsoff_conn) +
		sizeof(struct tlsoff_sndq_chunk) * c->sndq_chunks + c->rcvbuf;
	snprintf(pname, sizeof(pname), "tlc_%s", s->name);
	s->conn_pool = rte_mempool_create(pname, c->max_conns, s->conn_size,
		0, 0, NULL, NULL, NULL, NULL, c->socket_id, 0);
	if (s->conn_pool == NULL) {
		TLSOFF_LOG(ERR, "stack %s: connection pool (%u x %zu B): %s",
			s->name, c->max_conns, s->conn_size,
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

static uint16_t
eth_rx(void *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	struct tlsoff_stack *s = ctx;

	return rte_eth_rx_burst(s->conf.port_id, s->conf.rx_queue, pkts, n);
}

static uint16_t
eth_tx(void *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	struct tlsoff_stack *s = ctx;

	return rte_eth_tx_burst(s->conf.port_id, s->conf.tx_queue, pkts, n);
}

static void
pool_release(struct tlsoff_stack *s, struct rte_mempool *mp)
{
	if (mp == NULL)
		return;
	if (!rte_mempool_full(mp)) {
		/* The device still holds mbufs: freeing would corrupt it. */
		TLSOFF_LOG(WARNING, "stack %s: %s still has %u mbufs out; "
			"left allocated", s->name, mp->name,
			mp->size - rte_mempool_avail_count(mp));
		return;
	}
	rte_mempool_free(mp);
}

/*
 * @created: the instance was fully created and has used its tx queue. A
 * failed creation never sent on it, and the queue may belong to another
 * instance (the conf was wrong), so it is not touched then.
 */
static void
stack_release(struct tlsoff_stack *s, bool created)
{
	uint32_t i;

	/* No member hands this one anything from here on. */
	tlsoff_group_leave(s);
	tlsoff_tcp_stack_fini(s);
	tlsoff_tls_stack_fini(s);
	tlsoff_arp_flush(s);
	tlsoff_tx_flush(s);
	for (i = 0; i < s->txbuf_n; i++)
		rte_pktmbuf_free(s->txbuf[i]);
	s->txbuf_n = 0;
	/* The device gives back every mbuf it holds before the pools go. */
	tlsoff_offload_close(s);
	if (created && s->io.tx_burst == eth_tx)
		rte_eth_tx_done_cleanup(s->conf.port_id, s->conf.tx_queue, 0);
	rte_mempool_free(s->conn_pool);
	pool_release(s, s->ind_pool);
	pool_release(s, s->hdr_pool);
	pool_release(s, s->sndbuf_pool);
	rte_free(s);
}

/*
 * The instance names its memory objects after itself (stack_memory(),
 * tlsoff_tls_stack_init(), tlsoff_tcp_stack_init()); any of them existing
 * means the name is taken, by a live instance or by the app.
 */
static bool
name_in_use(const char *name)
{
	static const char *const pools[] = {
		"tlh", "tli", "tls", "tlc", "tlt",
	};
	char obj[RTE_MEMPOOL_NAMESIZE + RTE_HASH_NAMESIZE];
	unsigned int i;

	for (i = 0; i < RTE_DIM(pools); i++) {
		snprintf(obj, sizeof(obj), "%s_%s", pools[i], name);
		if (rte_mempool_lookup(obj) != NULL)
			goto used;
	}
	snprintf(obj, sizeof(obj), "tlsoff_ct_%s", name);
	if (rte_hash_find_existing(obj) != NULL)
		goto used;
	return false;
used:
	TLSOFF_LOG(ERR, "stack_create: name \"%s\" is in use (%s exists)",
		name, obj);
	return true;
}

struct rte_tlsoff_stack *
rte_tlsoff_stack_create(const char *name, const struct rte_tlsoff_stack_conf *conf)
{
	struct tlsoff_stack *s;
	uint16_t mtu = RTE_ETHER_MTU;
	uint32_t ws;
	int rc;

	if (name == NULL || conf == NULL || name[0] == '\0' ||
	    strlen(name) > TLSOFF_NAME_MAX) {
		TLSOFF_LOG(ERR, "stack_create: %s", conf == NULL ? "conf is NULL" :
			"name must be 1..16 characters");
		rte_errno = EINVAL;
		return NULL;
	}
	rc = conf_check(name, conf);
	if (rc != 0) {
		rte_errno = -rc;
		return NULL;
	}
	if (name_in_use(name)) {
		rte_errno = EEXIST;
		return NULL;
	}
	s = rte_zmalloc_socket("tlsoff_stack", sizeof(*s), RTE_CACHE_LINE_SIZE,
		conf->socket_id);
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->conf = *conf;
	s->netmask = conf->prefix_len == 32 ? UINT32_MAX :
		~(UINT32_MAX >> conf->prefix_len);
	rte_eth_macaddr_get(conf->port_id, &s->mac);
	if (rte_eth_dev_get_mtu(conf->port_id, &mtu) != 0 || mtu < 576)
		mtu = RTE_ETHER_MTU;
	s->mtu = mtu;
	s->mss = (uint16_t)(mtu - TLSOFF_L3_LEN - TCP_HDR_LEN);
	if (conf->mss != 0 && conf->mss < s->mss)
		s->mss = conf->mss;
	for (ws = 0; ws < TCP_MAX_WSCALE && (conf->rcvbuf >> ws) > 65535; ws++)
		;
	s->rcv_wscale = (uint8_t)ws;
	s->tx_cksum_offload = (conf->tx_offloads &
		(RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM)) ==
		(RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM);
	s->rx_cksum_offload = (conf->rx_offloads &
		(RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM)) ==
		(RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM);
	s->tx_multiseg = (conf->tx_offloads & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0;
	s->io.rx_burst = eth_rx;
	s->io.tx_burst = eth_tx;
	s->io_ctx = s;
	s->tsc_hz = rte_get_tsc_hz();
	clock_update(s);
	TAILQ_INIT(&s->ev_list);
	TAILQ_INIT(&s->out_list);
	TAILQ_INIT(&s->mem_wait);
	TAILQ_INIT(&s->time_wait);
	tlsoff_wheel_init(&s->wheel, s->now_us);
	s->arp.gen = 1;
	/*
	 * Where our datagrams' IDs start: unpredictable, so that they do not
	 * date the instance. Not a secret: without an answer from the kernel
	 * at once, rte_rand() will do.
	 */
	if (getrandom(&s->ip_id, sizeof(s->ip_id), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(s->ip_id))
		s->ip_id = (uint16_t)rte_rand();
	if (conf->drop_rate > 0.0) {
		s->drop_threshold = (uint64_t)(conf->drop_rate * 18446744073709551615.0);
		s->drop_rng = conf->drop_seed ? conf->drop_seed : 0x9e3779b97f4a7c15ull;
	}
	s->conf.tls_conns = conf->tls_conns ? conf->tls_conns : conf->max_conns;
	s->tls_key_update_records = conf->tls_key_update_records ?
		conf->tls_key_update_records : TLS13_AES_GCM_RECORD_LIMIT;
	rc = stack_memory(s);
	if (rc == 0)
		rc = tlsoff_tcp_stack_init(s);
	if (rc == 0)
		rc = tlsoff_tls_stack_init(s);
	if (rc != 0) {
		/* The cause is logged; the errno says which kind it was. */
		stack_release(s, false);
		rte_errno = rc == -EIO ? EIO : rc == -ENOTSUP ? ENOTSUP : ENOMEM;
		return NULL;
	}
	rc = tlsoff_offload_open(s);
	if (rc == 0)
		rc = tlsoff_group_join(s);
	if (rc != 0) {
		stack_release(s, false);
		rte_errno = -rc;
		return NULL;
	}
	if (!(conf->flags & RTE_TLSOFF_F_NO_GARP)) {
		tlsoff_arp_announce(s);
		tlsoff_tx_flush(s);
	}
	TLSOFF_LOG(INFO, "stack %s: port %u ip " "%u.%u.%u.%u/%u mtu %u mss %u "
		"cksum-offload tx %d rx %d multiseg %d", s->name, conf->port_id,
		conf->ip >> 24, (conf->ip >> 16) & 0xff, (conf->ip >> 8) & 0xff,
		conf->ip & 0xff, conf->prefix_len, s->mtu, s->mss,
		s->tx_cksum_offload, s->rx_cksum_offload, s->tx_multiseg);
	return (struct rte_tlsoff_stack *)s;
}

void
rte_tlsoff_stack_free(struct rte_tlsoff_stack *stack)
{
	struct tlsoff_stack *s = tlsoff_stack(stack);

	if (s == NULL)
		return;
	tlsoff_stats_unregister(s);
	stack_release(s, true);
}

int
tlsoff_tx_enqueue(struct tlsoff_stack *s, struct rte_mbuf *m)
{
	if (s->txbuf_n == TLSOFF_TXBUF_SIZE) {
		tlsoff_tx_flush(s);
		if (s->txbuf_n == TLSOFF_TXBUF_SIZE)
			return -ENOBUFS;
	}
	s->txbuf[s->txbuf_n++] = m;
	if (s->txbuf_n >= TLSOFF_TX_BURST)
		tlsoff_tx_flush(s);
	return 0;
}

void
tlsoff_tx_flush(struct tlsoff_stack *s)
{
	uint32_t done = 0;

	while (done < s->txbuf_n) {
		uint16_t n = (uint16_t)RTE_MIN(s->txbuf_n - done, 512u);
		uint16_t sent = s->io.tx_burst(s->io_ctx, &s->txbuf[done], n);

		done += sent;
		TLSOFF_STAT_ADD(s, eth, tx_packets, sent);
		if (sent < n) {
			TLSOFF_STAT_INC(s, eth, tx_ring_full);
			break;
		}
	}
	/* What the device refused stays, in order, for the next flush. */
	if (done > 0 && done < s->txbuf_n)
		memmove(&s->txbuf[0], &s->txbuf[done],
			(s->txbuf_n - done) * sizeof(s->txbuf[0]));
	s->txbuf_n -= done;
}

void
tlsoff_stack_input(struct tlsoff_stack *s, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		tlsoff_eth_input(s, pkts[i]);
}

void
tlsoff_stack_run_deferred(struct tlsoff_stack *s)
{
	tlsoff_wheel_run(&s->wheel, s->now_us, tcp_timer_cb, s);
	tlsoff_arp_timer(s);
	tcp_deliver_events(s);
	tcp_run_output(s);
	tlsoff_tx_flush(s);
}

unsigned int
rte_tlsoff_stack_poll(struct rte_tlsoff_stack *stack)
{
	struct tlsoff_stack *s = tlsoff_stack(stack);
	struct rte_mbuf *pkts[TLSOFF_RX_BURST];
	uint64_t before;
	uint16_t n;

	if (s == NULL)
		return 0;
	clock_update(s);
	if (s->off != NULL)
		s->off->poll(s->off_dev);   /* completions: ring room, mbufs */
	before = s->stats.eth_tx_packets;
	n = s->io.rx_burst(s->io_ctx, pkts, TLSOFF_RX_BURST);
	tlsoff_stack_input(s, pkts, n);
	n += tlsoff_group_input(s);
	tlsoff_stack_run_deferred(s);
	return n + (unsigned int)(s->stats.eth_tx_packets - before);
}

void
tlsoff_stack_set_io(struct tlsoff_stack *s, const struct tlsoff_io_ops *ops,
		void *ctx)
{
	s->io = *ops;
	s->io_ctx = ctx;
}

void
tlsoff_stack_set_clock(struct tlsoff_stack *s, uint64_t now_us)
{
	/* The first switch to virtual time restarts the (still empty) wheel. */
	if (!s->manual_clock)
		tlsoff_wheel_init(&s->wheel, now_us);
	s->manual_clock = true;
	s->now_us = now_us;
}

void
tlsoff_stack_set_isn(struct tlsoff_stack *s, uint32_t isn)
{
	s->isn_override = isn;
	s->isn_override_set = true;
}
