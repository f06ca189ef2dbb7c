/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Record framing and sealing. Each record is built in one send buffer:
 * header (+ TLS 1.2 explicit nonce), plaintext sealed straight into place
 * (+ TLS 1.3 inner content type), tag; then handed to TCP, which keeps it
 * until acknowledged, so a retransmission sends the same bytes. A record
 * is built whole or not at all; data and non-data records never share one.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>

#include "tls.h"
#include "../stack/stack.h"
#include "../stack/tlsoff_log.h"
#include "../tcp/tcp.h"

static inline void
put_be64(uint8_t *p, uint64_t v)
{
	v = rte_cpu_to_be_64(v);
	memcpy(p, &v, sizeof(v));
}

/* Header (+ explicit nonce) bytes in front of the ciphertext. */
static inline uint32_t
prefix_len(const struct tlsoff_tls *t)
{
	if (t->version == TLS_V12 && t->cipher != TLSOFF_CIPHER_CHACHA20_POLY1305)
		return TLS_HDR_LEN + TLS12_EXPLICIT_NONCE_LEN;
	return TLS_HDR_LEN;
}

uint32_t
tlsoff_tls_record_overhead(const struct tlsoff_tls *t)
{
	return prefix_len(t) + (t->version == TLS_V13 ? 1 : 0) + TLS_TAG_LEN;
}

/* Plaintext bytes that whole records can carry in the room TCP has now. */
uint32_t
tlsoff_tls_space(const struct tlsoff_tls *t)
{
	uint32_t room = tcp_send_space(t->conn);
	uint32_t ovh = tlsoff_tls_record_overhead(t);
	uint32_t full = t->record_size + ovh;
	uint32_t slots = RTE_MIN(tlsoff_sndq_free_slots(&t->conn->sq),
			t->ring_mask + 1 - (t->ring_tail - t->ring_head));
	uint32_t n = room / full;
	uint32_t space;

	if (n >= slots)
		return slots * t->record_size;
	space = n * t->record_size;
	room -= n * full;
	if (room > ovh && n + 1 <= slots)
		space += room - ovh;
	return space;
}

/*
 * The per-record nonce (RFC 8446 5.3; RFC 5288 3 for TLS 1.2 AES-GCM with
 * the explicit part carried in the record; RFC 7905 for ChaCha20).
 */
static void
make_nonce(const struct tlsoff_tls *t, uint8_t *nonce)
{
	uint8_t seq[8];
	unsigned int i;

	memcpy(nonce, t->iv, TLSOFF_AEAD_NONCE_LEN);
	if (t->version == TLS_V12 && t->cipher != TLSOFF_CIPHER_CHACHA20_POLY1305) {
		put_be64(nonce + 4, t->explicit_nonce);
		return;
	}
	put_be64(seq, t->seq);
	for (i = 0; i < 8; i++)
		nonce[4 + i] ^= seq[i];
}

void
tlsoff_tls_fail(struct tlsoff_tls *t, int err)
{
	struct tlsoff_conn *c = t->conn;

	/*
	 * Records are only framed for an app that holds the connection, so
	 * the drop posts CLOSED and cannot free it (nor @t) under us.
	 */
	if (c->state != TCP_CLOSED && (c->flags & TF_APP_OWNED)) {
		tcp_send_ctl(c, TH_RST | TH_ACK);
		tcp_conn_drop(c, err);
	}
}

/* The sequence space or the key's life is used up: reset (RFC 8446 5.3). */
static int
seq_exhausted(struct tlsoff_tls *t)
{
	TLSOFF_STAT_INC(t->stack, tls, seq_exhausted);
	TLSOFF_LOG(WARNING, "TLS: record sequence exhausted (seq %" PRIu64
		"); resetting the connection", t->seq);
	tlsoff_tls_fail(t, EOVERFLOW);
	return -EOVERFLOW;
}

/* Seal one record of @n bytes of @type from @src and queue it. */
static int
seal_one(struct tlsoff_tls *t, uint8_t type, const uint8_t *src, uint32_t n)
{
	struct tlsoff_stack *s = t->stack;
	struct tlsoff_conn *c = t->conn;
	struct tlsoff_aead *a = &t->aead[t->cur];
	struct tlsoff_aead_op op;
	uint8_t nonce[TLSOFF_AEAD_NONCE_LEN], aad[13];
	uint32_t pre = prefix_len(t);
	uint32_t inner = n + (t->version == TLS_V13 ? 1 : 0);
	uint32_t total = pre + inner + TLS_TAG_LEN;
	uint32_t tcp_seq = c->sq.end_seq;
	uint16_t wire_len = (uint16_t)(total - TLS_HDR_LEN);
	struct tlsoff_tls_rec *r;
	uint8_t *p;
	int rc;

	if (t->ring_tail - t->ring_head > t->ring_mask) {
		/* Records free up with ACKs: WRITABLE follows, as promised. */
		tcp_want_write(c, false);
		return -EAGAIN;
	}
	/*
	 * Records are built in place at the end of the send queue, several
	 * to a buffer when they are small; a new buffer puts the body on a
	 * cache line, so the copy (or the cipher's output) runs on aligned
	 * stores. Nothing is queued until the record is complete.
	 */
	p = tcp_send_reserve(c, total, (uint16_t)pre, &rc);
	if (p == NULL) {
		if (rc == -ENOBUFS) {
			TLSOFF_STAT_INC(s, tls, no_mbuf);
			rc = -EAGAIN;
		}
		return rc;
	}
	p[0] = t->version == TLS_V13 ? TLS_CT_APPLICATION_DATA : type;
	p[1] = 3;
	p[2] = 3;
	p[3] = (uint8_t)(wire_len >> 8);
	p[4] = (uint8_t)wire_len;
	if (t->mode == RTE_TLSOFF_TLS_NIC) {
		/*
		 * The device encrypts on the way out: plaintext in place, the
		 * explicit nonce and inner type as they will be sent, and a
		 * tag it overwrites.
		 */
		if (pre > TLS_HDR_LEN)
			put_be64(p + TLS_HDR_LEN, t->explicit_nonce);
		if (n > 0)
			memcpy(p + pre, src, n);
		if (t->version == TLS_V13)
			p[pre + n] = type;
		memset(p + pre + inner, 0, TLS_TAG_LEN);
		goto queue;
	}
	make_nonce(t, nonce);
	if (t->version == TLS_V13) {
		/* RFC 8446 5.2: the AAD is the record header. */
		a->ops->begin(a, &op, true, nonce, p, TLS_HDR_LEN);
	} else {
		/* RFC 5246 6.2.3.3: seq, type, version, plaintext length. */
		put_be64(aad, t->seq);
		aad[8] = type;
		aad[9] = 3;
		aad[10] = 3;
		aad[11] = (uint8_t)(n >> 8);
		aad[12] = (uint8_t)n;
		if (pre > TLS_HDR_LEN)
			memcpy(p + TLS_HDR_LEN, nonce + 4, TLS12_EXPLICIT_NONCE_LEN);
		a->ops->begin(a, &op, true, nonce, aad, sizeof(aad));
	}
	if (n > 0)
		a->ops->update(a, &op, p + pre, src, n);
	if (t->version == TLS_V13)
		a->ops->update(a, &op, p + pre + n, &type, 1);
	a->ops->end(a, &op, p + pre + inner);
	tlsoff_wipe(&op, sizeof(op));
queue:
	tcp_send_commit(c, total);
	r = &t->ring[t->ring_tail++ & t->ring_mask];
	r->tcp_seq = tcp_seq;
	r->len = total;
	r->rec_seq = t->seq;
	r->type = type;
	r->epoch = t->epoch;
	r->slot = t->cur_slot;
	t->seq++;
	t->explicit_nonce++;
	t->records++;
	TLSOFF_STAT_INC(s, tls, records);
	if (t->mode == RTE_TLSOFF_TLS_NIC)
		TLSOFF_STAT_INC(s, tls, nic_records);
	if (type == TLS_CT_APPLICATION_DATA) {
		t->bytes += n;
		TLSOFF_STAT_ADD(s, tls, bytes, n);
	} else {
		TLSOFF_STAT_INC(s, tls, ctrl_records);
	}
	return 0;
}

/*
 * Before a record, keep within the key's limits: TLS 1.3 AES-GCM updates
 * its key on its own (sending KeyUpdate, RFC 8446 4.6.3) before 2^24.5
 * records; a sequence number never wraps (5.3).
 */
static int
check_limits(struct tlsoff_tls *t)
{
	static const uint8_t key_update[5] = { TLS_HS_KEY_UPDATE, 0, 0, 1, 0 };
	int rc;

	if (t->seq == UINT64_MAX)
		return seq_exhausted(t);
	/* Only TLS 1.3 AES-GCM keys have a usage limit below the wrap. */
	if (t->seq_limit == UINT64_MAX || t->seq + 1 < t->seq_limit)
		return 0;
	/*
	 * The last record under this key announces the next one; a key we
	 * could not derive must not be announced: fail first.
	 */
	if (!tlsoff_tls_can_update(t)) {
		TLSOFF_STAT_INC(t->stack, tls, key_update_failures);
		return seq_exhausted(t);
	}
	rc = seal_one(t, TLS_CT_HANDSHAKE, key_update, sizeof(key_update));
	if (rc != 0)
		return rc;
	if (tlsoff_tls_update_keys(t) != 0) {
		TLSOFF_STAT_INC(t->stack, tls, key_update_failures);
		return seq_exhausted(t);
	}
	TLSOFF_STAT_INC(t->stack, tls, key_updates);
	return 0;
}

int64_t
tlsoff_tls_frame(struct tlsoff_tls *t, uint8_t type, const uint8_t *data,
		uint32_t len, bool all_or_nothing)
{
	uint32_t max = type == TLS_CT_APPLICATION_DATA ? t->record_size :
		TLS_MAX_PLAINTEXT;
	uint32_t done = 0;
	int rc = 0;

	if (!tlsoff_tls_framing(t))
		return -ENOTCONN;
	rc = tcp_send_check(t->conn);
	if (rc != 0)
		return rc;
	if (all_or_nothing && len > tlsoff_tls_space(t)) {
		tcp_want_write(t->conn, false);
		return -EAGAIN;
	}
	/* RFC 8446 5.1: no zero-length fragments but application data. */
	if (len == 0)
		return type == TLS_CT_APPLICATION_DATA ? 0 : -EINVAL;
	while (done < len) {
		uint32_t n = RTE_MIN(len - done, max);

		rc = check_limits(t);
		if (rc == 0)
			rc = seal_one(t, type, data + done, n);
		if (rc != 0)
			break;
		done += n;
	}
	if (rc == -EOVERFLOW || done == 0)
		return rc;
	return done;
}
