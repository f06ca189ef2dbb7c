/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* The certificate served without --cert: made at start, kept in memory only. */

#ifndef SENDER_CERT_H
#define SENDER_CERT_H

#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* Lifetime of the ephemeral certificate. */
#define CERT_LIFETIME_S (24 * 3600)

/*
 * A fresh ECDSA P-256 key and a self-signed X.509v3 certificate for it:
 * CN "tlsoff-sender", subjectAltName IP:@ip (host order), valid from now
 * for CERT_LIFETIME_S, for TLS server authentication. 0, or -1 with the
 * reason on OpenSSL's error queue; the caller frees both on success.
 */
int cert_make_ephemeral(uint32_t ip, EVP_PKEY **key, X509 **cert);

#endif /* SENDER_CERT_H */
