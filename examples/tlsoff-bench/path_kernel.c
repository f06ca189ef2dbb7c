/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * What a user would do instead: OpenSSL's SSL_write over a loopback Linux
 * TCP socket (TLS 1.3 AES-128-GCM, same record size), a reader thread on
 * the other core taking the bytes. The writer's cost is its thread CPU
 * time (user + kernel), converted to TSC cycles.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <rte_cycles.h>

#include "bench.h"

struct kreader {
	int fd;
	SSL_CTX *ctx;
	bool verify;
	uint64_t expect;
	uint64_t got;
	uint64_t verified;
	bool failed;
	int cpu;
};

static void
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *
reader(void *arg)
{
	struct kreader *k = arg;
	SSL *ssl = SSL_new(k->ctx);
	static uint8_t buf[1 << 16];

	pin(k->cpu);
	SSL_set_fd(ssl, k->fd);
	if (SSL_connect(ssl) != 1) {
		k->failed = true;
		goto out;
	}
	while (k->got < k->expect) {
		int n;

		if (k->verify) {
			n = SSL_read(ssl, buf, sizeof(buf));
			if (n <= 0)
				break;
			for (int i = 0; i < n; i++)
				if (buf[i] != bench_pattern(k->got + i)) {
					k->failed = true;
					goto out;
				}
			k->verified += (uint64_t)n;
			k->got += (uint64_t)n;
		} else {
			/* Take the bytes; decrypting is not the writer's cost. */
			n = SSL_read(ssl, buf, sizeof(buf));
			if (n <= 0)
				break;
			k->got += (uint64_t)n;
		}
	}
out:
	SSL_free(ssl);
	return NULL;
}

static uint64_t
thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
bench_run_kernel(const struct bench_opts *o, uint32_t rs,
		struct bench_result *r)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	SSL_CTX *sctx = NULL, *cctx = NULL;
	struct kreader k;
	pthread_t th;
	int ls = -1, cs = -1, as = -1, one = 1;
	uint64_t sent = 0, sent0 = 0, ns0, ns1, t0, t1;
	/* The same warm-up as the stack paths. */
	uint64_t warm = o->quick ? (4u << 20) :
		RTE_MIN(o->bytes / 4, (uint64_t)32 << 20);
	uint64_t total = warm + o->bytes;
	bool measuring = false;
	SSL *ssl = NULL;

	memset(&k, 0, sizeof(k));
	r->ran = true;
	if (bench_tls_ctxs(rs, &sctx, &cctx) != 0) {
		snprintf(r->note, sizeof(r->note), "TLS contexts");
		return;
	}
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(ls, 1) != 0 || getsockname(ls, (struct sockaddr *)&sa, &sl))
		goto fail;
	cs = socket(AF_INET, SOCK_STREAM, 0);
	if (cs < 0 || connect(cs, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		goto fail;
	as = accept(ls, NULL, NULL);
	if (as < 0)
		goto fail;
	setsockopt(as, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	k.fd = cs;
	k.ctx = cctx;
	k.verify = o->verify;
	k.expect = total;
	k.cpu = (int)o->peer_lcore;
	if (pthread_create(&th, NULL, reader, &k) != 0)
		goto fail;
	ssl = SSL_new(sctx);
	SSL_set_fd(ssl, as);
	if (SSL_accept(ssl) != 1) {
		snprintf(r->note, sizeof(r->note), "handshake failed");
		shutdown(as, SHUT_RDWR);
		pthread_join(th, NULL);
		goto out;
	}
	ns0 = thread_ns();
	t0 = rte_rdtsc();
	while (sent < total) {
		uint64_t off = sent % (BENCH_SRC_SIZE - rs);
		int n;

		if (sent >= warm && !measuring) {
			/* Warmed up, as the stack paths are: measure now. */
			measuring = true;
			sent0 = sent;
			ns0 = thread_ns();
			t0 = rte_rdtsc();
		}
		n = SSL_write(ssl, bench_src + off,
			(int)RTE_MIN((uint64_t)rs * 16,
				(sent < warm ? warm : total) - sent));
		if (n <= 0)
			break;
		sent += (uint64_t)n;
	}
	ns1 = thread_ns();
	t1 = rte_rdtsc();
	pthread_join(th, NULL);
	r->bytes = sent - sent0;
	r->records = (r->bytes + rs - 1) / rs;
	r->busy_cycles = (uint64_t)((double)(ns1 - ns0) *
		(double)rte_get_tsc_hz() / 1e9);
	r->wall_s = (double)(t1 - t0) / (double)rte_get_tsc_hz();
	r->verified_bytes = k.verified == total ? r->bytes : 0;
	r->ok = sent == total && r->bytes == o->bytes && k.got == total &&
		!k.failed && (!o->verify || k.verified == total);
	if (!r->ok)
		snprintf(r->note, sizeof(r->note), "reader got %" PRIu64
			" of %" PRIu64 "%s", k.got, total,
			k.failed ? ", data wrong" : "");
	goto out;
fail:
	snprintf(r->note, sizeof(r->note), "loopback socket: %s",
		strerror(errno));
out:
	SSL_free(ssl);
	if (as >= 0)
		close(as);
	if (cs >= 0)
		close(cs);
	if (ls >= 0)
		close(ls);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}
