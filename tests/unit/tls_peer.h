/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * A real OpenSSL client on the harness's scripted TCP peer, talking to an
 * OpenSSL server that runs over the library (rte_tlsoff_tls_attach). The
 * server-to-client byte stream is reassembled from captured segments, with
 * every byte checked against any earlier copy of it (retransmissions are
 * byte-identical), and the library's records can be decrypted again by a
 * second, independent path: keys derived here from the handshake secrets
 * (TLS 1.2 PRF, TLS 1.3 HKDF written with HMAC), nonces and AAD rebuilt
 * here, and the other AEAD engine.
 */

#ifndef TLSOFF_TEST_TLS_PEER_H
#define TLSOFF_TEST_TLS_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "harness.h"
#include "rte_tlsoff_tls.h"

#define TP_STREAM_MAX (8u << 20)
#define TP_RX_MAX (8u << 20)

struct tp {
	struct th *t;
	SSL_CTX *sctx, *cctx;
	SSL *server, *client;
	BIO *c_in, *c_out;          /* the client's memory BIOs */
	bool server_done, client_done, server_failed, client_failed;
	/* set before tp_setup(): */
	bool no_ctx_init;           /* skip rte_tlsoff_tls_ctx_init */
	bool client_mode;           /* the library's SSL is the client; the
				     * in-memory one (still "client" below)
				     * is the server; the stack connects */
	uint32_t record_size;       /* rte_tlsoff_tls_conf.record_size */
	uint32_t tls_flags;         /* rte_tlsoff_tls_conf.flags */

	/* server -> client stream, as captured */
	uint8_t *stream;            /* what the peer took, by offset from ISN + 1 */
	uint8_t *seen;              /* 1 where a byte was captured */
	uint8_t *first;             /* the first copy of each captured byte */
	uint64_t contig;            /* bytes the client has, in order */
	uint64_t fed;               /* of those, given to the client's BIO */
	uint32_t loss_permille;     /* the peer ignores this share of segments */
	bool allow_mismatch;        /* a negative test: differing copies expected */
	unsigned int mismatches;    /* retransmitted bytes unlike the first copy */
	int client_reason;          /* OpenSSL reason of the client's failure */
	bool client_notified;       /* the client read a close_notify */
	void (*on_pump)(struct tp *p); /* called every pump round */
	void (*around_client)(bool enter); /* around the client's OpenSSL calls */
	unsigned int pumps;
	uint64_t rng;
	unsigned int rexmit_checked;

	/* what the client read */
	uint8_t *rx;
	uint64_t rx_len;

	/* what the server app sent (pattern offsets) */
	uint64_t sent;

	/* secrets the server logged */
	uint8_t s_secret[48];
	unsigned int s_secret_len;
};

/* version: TLS1_2_VERSION or TLS1_3_VERSION; cipher: "aes128gcm"... */
bool tp_setup(struct tp *p, struct th *t, int version, const char *cipher);
void tp_free(struct tp *p);
/* Move bytes and drive both SSL handshakes/reads until nothing moves. */
void tp_pump(struct tp *p, unsigned int max_rounds);
bool tp_handshake(struct tp *p);
/* Server app sends @n pattern bytes with rte_tlsoff_tls_send (as fits). */
uint64_t tp_send(struct tp *p, uint64_t n);
/* Send @n bytes and pump until the client has them all; true on success. */
bool tp_transfer(struct tp *p, uint64_t n);

/* What the independent decryption found. */
struct tp_records {
	unsigned int n;             /* records from the library */
	unsigned int data, handshake, alert, key_updates;
	uint64_t data_bytes;
	uint32_t max_data_len, min_data_len;
	uint32_t *lens;             /* plaintext length of each data record */
	unsigned int lens_cap;
};

/*
 * Walk the library's records in the captured stream and open each with the
 * engine the stack does not use; data must equal the pattern the app sent.
 */
bool tp_verify_records(struct tp *p, struct tp_records *out);

struct tlsoff_tls *tp_tls(struct tp *p);

#endif /* TLSOFF_TEST_TLS_PEER_H */
