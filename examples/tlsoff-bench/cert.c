/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * TLS contexts for the benchmark: a self-signed P-256 certificate made at
 * start (the handshake is not measured), TLS 1.3 with AES-128-GCM, the
 * record size the run asks for.
 */

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <rte_tlsoff_tls.h>

#include "bench.h"

static EVP_PKEY *key;
static X509 *cert;

static int
make_identity(void)
{
	X509_NAME *name;

	if (key != NULL)
		return 0;
	key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	cert = X509_new();
	if (key == NULL || cert == NULL)
		return -1;
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
	X509_set_pubkey(cert, key);
	name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
		(const unsigned char *)"tlsoff-bench", -1, -1, 0);
	X509_set_issuer_name(cert, name);
	return X509_sign(cert, key, EVP_sha256()) > 0 ? 0 : -1;
}

int
bench_tls_ctxs(uint32_t record_size, SSL_CTX **server, SSL_CTX **client)
{
	SSL_CTX *s, *c;

	if (make_identity() != 0)
		return -1;
	s = SSL_CTX_new(TLS_server_method());
	c = SSL_CTX_new(TLS_client_method());
	if (s == NULL || c == NULL)
		goto fail;
	SSL_CTX_set_min_proto_version(s, TLS1_3_VERSION);
	SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION);
	if (SSL_CTX_set_ciphersuites(s, "TLS_AES_128_GCM_SHA256") != 1 ||
	    SSL_CTX_set_ciphersuites(c, "TLS_AES_128_GCM_SHA256") != 1 ||
	    SSL_CTX_use_certificate(s, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(s, key) != 1)
		goto fail;
	/* OpenSSL's own record size (the kernel path); 0: the library's. */
	if (record_size != 0)
		SSL_CTX_set_max_send_fragment(s, record_size);
	SSL_CTX_set_num_tickets(s, 0);
	SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
	if (rte_tlsoff_tls_ctx_init(s) != 0)
		goto fail;
	*server = s;
	*client = c;
	return 0;
fail:
	SSL_CTX_free(s);
	SSL_CTX_free(c);
	return -1;
}
