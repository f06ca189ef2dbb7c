/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * libFuzzer target for everything that parses bytes from the network:
 * Ethernet, ARP, IPv4, ICMP, TCP headers, options and SACK blocks, and the
 * TCP state machine behind them. The input is a script of records
 * (op, length, bytes): raw frames, well-formed TCP segments for a live
 * connection built from the fuzzer's fields (so the fuzzer reaches the
 * state machine instead of failing checksums), spoiled segments, clock
 * steps, and application sends that put data in flight to be ACKed,
 * SACKed and retransmitted.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct th *T;

static void
fresh_connection(void)
{
	if (T->c != NULL)
		rte_tlsoff_abort(T->c);
	T->c = NULL;
	th_drain(T);
	T->pport++;
	T->p_isn += 0x10000;
	T->l_isn += 0x20000;
	T->app_sent = 0;
	T->ev = 0;
	th_accept(T, true, true, true);
	th_drain(T);
}

static void
setup(void)
{
	T = calloc(1, sizeof(*T));
	if (th_eal_setup("fuzz") != 0)
		abort();
	th_conf_default(T);
	T->conf.max_conns = 16;
	T->conf.syn_backlog = 4;
	T->l_isn = 0xfffff000u;
	T->p_isn = 0x7ffff000u;
	th_start(T);
	fresh_connection();
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

/* A TCP segment for the live connection, its fields from @p. */
static void
tcp_record(const uint8_t *p, uint32_t n, bool spoil)
{
	uint8_t frame[1600];
	struct th_opts o;
	uint32_t seq, ack, olen, len;

	if (n < 10)
		return;
	memset(&o, 0, sizeof(o));
	/* Sequence and ACK near where the connection is, or anywhere. */
	seq = (p[1] & 0x80) ? rd32(p + 2) : T->p_nxt + (int8_t)p[2] * 64;
	ack = (p[1] & 0x40) ? rd32(p + 6) : (T->c != NULL ?
		th_conn(T)->snd_una + (int16_t)(p[6] | p[7] << 8) : 0);
	olen = (p[1] & 0x0f) * 4;
	if (olen > n - 10)
		olen = (n - 10) & ~3u;
	if (olen > 40)
		olen = 40;
	if (olen > 0) {
		o.raw = p + 10;
		o.raw_len = olen;
	}
	len = n - 10 - olen;
	len = th_frame_build(T, frame, p[0], seq, ack, p + 10 + olen, len,
			olen ? &o : NULL);
	if (spoil && len > 34)
		frame[34 + p[8] % (len - 34)] ^= p[9] | 1;
	th_inject_frame(T, frame, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (T == NULL)
		setup();
	while (size >= 3) {
		uint8_t op = data[0];
		uint32_t n = (uint32_t)(data[1] | data[2] << 8) % 1515;

		data += 3;
		size -= 3;
		if (n > size)
			n = (uint32_t)size;
		switch (op & 7) {
		case 0:
			if (n >= 14)
				th_inject_frame(T, data, n);
			break;
		case 1:
		case 2:
			tcp_record(data, n, (op & 7) == 2);
			break;
		case 3:
			th_advance(T, (uint64_t)(n ? data[0] : 1) * 1000 *
				((op >> 3) + 1));
			break;
		case 4:
			if (T->c != NULL && !(T->ev & RTE_TLSOFF_EV_CLOSED))
				th_app_send(T, (uint64_t)n * 37);
			th_run(T);
			break;
		case 5:
			if (T->c != NULL && !(T->ev & RTE_TLSOFF_EV_CLOSED)) {
				uint8_t buf[4096];

				while (rte_tlsoff_recv(T->c, buf, sizeof(buf)) > 0)
					;
			}
			break;
		default:
			th_ack_all(T);
			break;
		}
		th_drain(T);
		data += n;
		size -= n;
		if (T->c == NULL || (T->ev & RTE_TLSOFF_EV_CLOSED) ||
		    th_conn(T)->state != TCP_ESTABLISHED)
			fresh_connection();
	}
	return 0;
}
