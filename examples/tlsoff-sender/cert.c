/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The ephemeral certificate: a self-signed ECDSA P-256 certificate made at
 * start, so that TLS works out of the box for tests and demos. Clients
 * cannot verify it (nothing signs it); they skip verification (curl -k).
 */

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "cert.h"

#define CERT_CN "tlsoff-sender"

/* RFC 5280 4.1.2.2: positive, at most 20 octets; 127 random bits. */
static int
set_random_serial(X509 *cert)
{
	unsigned char raw[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	raw[0] &= 0x7f;
	bn = BN_bin2bn(raw, sizeof(raw), NULL);
	ok = bn != NULL &&
		BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

static int
add_ext(X509 *cert, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ext == NULL)
		return -1;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

static int
fill_cert(X509 *cert, EVP_PKEY *key, uint32_t ip)
{
	X509_NAME *name = X509_get_subject_name(cert);
	char san[32];

	snprintf(san, sizeof(san), "IP:%u.%u.%u.%u", ip >> 24,
		(ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
	if (X509_set_version(cert, X509_VERSION_3) != 1 ||
	    set_random_serial(cert) != 0 ||
	    X509_gmtime_adj(X509_getm_notBefore(cert), 0) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(cert), CERT_LIFETIME_S) == NULL ||
	    X509_set_pubkey(cert, key) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
		(const unsigned char *)CERT_CN, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(cert, name) != 1)
		return -1;
	if (add_ext(cert, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
	    add_ext(cert, NID_key_usage, "critical,digitalSignature") != 0 ||
	    add_ext(cert, NID_ext_key_usage, "serverAuth") != 0 ||
	    add_ext(cert, NID_subject_alt_name, san) != 0 ||
	    add_ext(cert, NID_subject_key_identifier, "hash") != 0)
		return -1;
	return X509_sign(cert, key, EVP_sha256()) > 0 ? 0 : -1;
}

int
cert_make_ephemeral(uint32_t ip, EVP_PKEY **key_out, X509 **cert_out)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = X509_new();

	if (key == NULL || cert == NULL || fill_cert(cert, key, ip) != 0) {
		EVP_PKEY_free(key);
		X509_free(cert);
		return -1;
	}
	*key_out = key;
	*cert_out = cert;
	return 0;
}
