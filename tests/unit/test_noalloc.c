/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The data path allocates nothing: malloc and friends are interposed (this
 * binary's definitions win over libc's for the library and DPDK too) and
 * counted, and rte_malloc's counters are compared, while connections are
 * opened, carry data through loss, SACK recovery, RTOs, out-of-order
 * receive and zero windows, and close. Not built with sanitizers, which
 * interpose malloc themselves.
 */

#include <malloc.h>
#include <stdint.h>
#include <string.h>

#include <rte_malloc.h>

#include "harness.h"
#include "tls_peer.h"

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t a, size_t n);

static volatile int counting;
static volatile unsigned long heap_calls;

void *malloc(size_t n);
void *calloc(size_t n, size_t m);
void *realloc(void *p, size_t n);
void *memalign(size_t a, size_t n);
int posix_memalign(void **out, size_t a, size_t n);
void *aligned_alloc(size_t a, size_t n);

void *
malloc(size_t n)
{
	if (counting)
		heap_calls++;
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t m)
{
	if (counting)
		heap_calls++;
	return __libc_calloc(n, m);
}

void *
realloc(void *p, size_t n)
{
	if (counting)
		heap_calls++;
	return __libc_realloc(p, n);
}

void *
memalign(size_t a, size_t n)
{
	if (counting)
		heap_calls++;
	return __libc_memalign(a, n);
}

int
posix_memalign(void **out, size_t a, size_t n)
{
	if (counting)
		heap_calls++;
	*out = __libc_memalign(a, n);
	return *out == NULL ? 12 : 0;
}

void *
aligned_alloc(size_t a, size_t n)
{
	if (counting)
		heap_calls++;
	return __libc_memalign(a, n);
}

static uint64_t
rte_allocs(void)
{
	struct rte_malloc_socket_stats st;
	uint64_t n = 0;
	unsigned int s;

	for (s = 0; s < RTE_MAX_NUMA_NODES; s++)
		if (rte_malloc_get_socket_stats((int)s, &st) == 0)
			n += st.alloc_count;
	return n;
}

/* Data through loss, recovery, RTO, OOO receive and a zero window. */
static void
exercise(struct th *t)
{
	uint32_t blk[1][2];
	struct th_seg seg;
	uint8_t buf[2000], in[8192];
	uint32_t first, una;
	unsigned int i, round;

	th_app_send(t, 400000);
	th_run(t);
	/* Lose the first segment: SACK dupACKs, fast retransmit. */
	TH_CHECK(t, th_pop_tcp(t, &seg));
	first = seg.seq;
	una = first + seg.len;
	while (th_pop_tcp(t, &seg))
		una = seg.seq + seg.len;
	for (i = 0; i < 3; i++) {
		blk[0][0] = first + th_conn(t)->mss;
		blk[0][1] = una;
		th_ack_sack(t, first, 1, blk);
	}
	th_drain(t);
	/* An RTO on top. */
	th_advance(t, 3000000);
	/* Out-of-order and in-order receive. */
	memset(buf, 'r', sizeof(buf));
	th_send(t, TH_ACK, t->p_nxt + 1000, t->p_ack, buf, 1000, NULL);
	th_send(t, TH_ACK, t->p_nxt, t->p_ack, buf, 1000, NULL);
	t->p_nxt += 2000;
	while (rte_tlsoff_recv(t->c, in, sizeof(in)) > 0)
		;
	/* A zero window and its probes, then everything delivered. */
	t->p_wnd = 0;
	th_ack_all(t);
	th_advance(t, 2000000);
	t->p_wnd = 1u << 20;
	th_ack(t, t->p_ack);
	for (round = 0; round < 400 && tlsoff_sndq_bytes(&th_conn(t)->sq) > 0;
	     round++) {
		th_run(t);
		th_ack_all(t);
		th_advance(t, 1000);
	}
	TH_EQ(t, tlsoff_sndq_bytes(&th_conn(t)->sq), 0);
}

static void
test_no_heap_on_data_path(struct th *t)
{
	unsigned long calls;
	uint64_t rte0;
	unsigned int k;

	th_start(t);
	/* Warm up: first use of stdio and of every code path. */
	if (!th_accept(t, true, true, true))
		return;
	exercise(t);
	rte_tlsoff_close(t->c);
	t->c = NULL;
	th_advance(t, 1000000);
	th_drain(t);

	rte0 = rte_allocs();
	heap_calls = 0;
	counting = 1;
	for (k = 0; k < 5; k++) {
		t->pport++;
		t->p_isn += 0x100000;
		t->l_isn += 0x200000;
		t->ts_ok = false;
		t->app_sent = 0;
		if (!th_accept(t, true, true, true))
			break;
		exercise(t);
		rte_tlsoff_close(t->c);
		t->c = NULL;
		th_advance(t, 500000);
		th_drain(t);
	}
	counting = 0;
	calls = heap_calls;
	TH_EQ(t, calls, 0);
	TH_EQ(t, rte_allocs(), rte0);
	TH_CHECK(t, th_stat(t, "tcp.fast_retransmits") >= 6);
	TH_CHECK(t, th_stat(t, "tcp.rto_fires") >= 1);
}

/*
 * TLS after the hand-off: records framed and sealed (or handed to the NIC
 * model), retransmitted through loss and resyncs, no heap either. Counting
 * starts once the handshake (OpenSSL's allocations) is over and the first
 * megabyte went through (buffers OpenSSL allocates on first use).
 */
/* The peer's OpenSSL client is not the library: not counted. */
static int saved_counting;

static void
client_calls(bool enter)
{
	if (enter) {
		saved_counting = counting;
		counting = 0;
	} else {
		counting = saved_counting;
	}
}

static void
tls_no_heap(struct th *t, enum rte_tlsoff_crypto engine, bool nic)
{
	unsigned long calls;
	uint64_t rte0;
	struct tp p;

	memset(&p, 0, sizeof(p));
	t->conf.sndbuf = 4u << 20;
	t->conf.crypto = engine;
	if (nic)
		t->conf.offload.type = RTE_TLSOFF_OFFLOAD_MLX5_MODEL;
	th_start(t);
	if (!tp_setup(&p, t, TLS1_3_VERSION, "aes128gcm") || !tp_handshake(&p))
		goto out;
	p.loss_permille = 20;
	p.around_client = client_calls;
	TH_CHECK(t, tp_transfer(&p, 1000000));
	rte0 = rte_allocs();
	heap_calls = 0;
	counting = 1;
	TH_CHECK(t, tp_transfer(&p, 3000000));
	counting = 0;
	calls = heap_calls;
	TH_EQ(t, calls, 0);
	TH_EQ(t, rte_allocs(), rte0);
	TH_CHECK(t, th_stat(t, "tcp.retransmits") > 0);
	if (nic)
		TH_CHECK(t, th_stat(t, "mlx5.resyncs") > 0);
out:
	counting = 0;
	tp_free(&p);
}

static void
test_tls_sw_ipsecmb(struct th *t)
{
#ifdef TLSOFF_HAVE_IPSEC_MB
	tls_no_heap(t, RTE_TLSOFF_CRYPTO_IPSEC_MB, false);
#else
	th_skip(t, "intel-ipsec-mb is not built in");
#endif
}

static void
test_tls_sw_openssl(struct th *t)
{
	tls_no_heap(t, RTE_TLSOFF_CRYPTO_OPENSSL, false);
}

static void
test_tls_nic(struct th *t)
{
	tls_no_heap(t, RTE_TLSOFF_CRYPTO_AUTO, true);
}

static const struct th_case cases[] = {
	{ "connections and data path allocate no heap memory",
		test_no_heap_on_data_path, false },
	{ "TLS, intel-ipsec-mb: no heap after the hand-off",
		test_tls_sw_ipsecmb, false },
	{ "TLS, OpenSSL: no heap after the hand-off", test_tls_sw_openssl,
		false },
	{ "TLS on the NIC model: no heap after the hand-off", test_tls_nic,
		false },
};

int
main(int argc, char **argv)
{
	return th_main(argc, argv, cases, RTE_DIM(cases));
}
