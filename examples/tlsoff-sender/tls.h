/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The server's TLS settings: one SSL_CTX made from the options before the
 * EAL starts (certificate, versions, suites, key log), prepared for the
 * library with rte_tlsoff_tls_ctx_init().
 */

#ifndef SENDER_TLS_H
#define SENDER_TLS_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include <rte_tlsoff_tls.h>

#include "opts.h"

struct sender_tls {
	SSL_CTX *ctx;
	struct rte_tlsoff_tls_conf conf;   /* for each rte_tlsoff_tls_attach() */
	bool rsa;                          /* TLS 1.2 suites: ECDHE-RSA, not -ECDSA */
	char cert_desc[96];                /* for the banner */
};

/*
 * Make the SSL_CTX from @o. NULL after printing why; messages name the
 * option and the file at fault.
 */
struct sender_tls *sender_tls_create(const struct sender_opts *o);

/* NULL is a no-op. Every SSL made from it must be freed before. */
void sender_tls_free(struct sender_tls *t);

/* "1.2", "1.3" for a protocol version (TLS1_2_VERSION...), else "?". */
const char *sender_tls_version_name(int version);

/* --cipher name of the suite @ssl negotiated ("aes128gcm"...), or "?". */
const char *sender_tls_cipher_of(const SSL *ssl);

/* The versions and suites offered, for the banner. */
void sender_tls_describe(const struct sender_tls *t,
		const struct sender_opts *o, char *buf, size_t size);

#endif /* SENDER_TLS_H */
