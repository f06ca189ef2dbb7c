/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The SSL_CTX: certificate (from --cert/--key or made by cert.c), protocol
 * versions, the suites --cipher names, ALPN and the key log. Everything
 * that can fail here fails before the EAL starts.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include <rte_common.h>

#include "cert.h"
#include "tls.h"

#define PROG "tlsoff-sender"

/* The suites of each --cipher, in the server's order of preference. */
static const struct tls_suite {
	enum sender_cipher cipher;
	const char *tls13;
	const char *tls12_ecdsa;
	const char *tls12_rsa;
} tls_suites[] = {
	{ SENDER_CIPHER_AES128GCM, "TLS_AES_128_GCM_SHA256",
		"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256" },
	{ SENDER_CIPHER_AES256GCM, "TLS_AES_256_GCM_SHA384",
		"ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384" },
	{ SENDER_CIPHER_CHACHA20, "TLS_CHACHA20_POLY1305_SHA256",
		"ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305" },
};

/*
 * The key log has no per-context argument, and the process has one
 * SSL_CTX: a file-scope stream is enough.
 */
static FILE *keylog_stream;

/* NSS key log lines, flushed at once so a capture can be decrypted live. */
static void
keylog_write(const SSL *ssl, const char *line)
{
	RTE_SET_USED(ssl);
	if (keylog_stream == NULL)
		return;
	fputs(line, keylog_stream);
	fputc('\n', keylog_stream);
	fflush(keylog_stream);
}

/*
 * The first OpenSSL error (the later ones wrap it: "PEM lib"), said after
 * @what; the queue is cleared.
 */
static void
tls_error(const char *what)
{
	unsigned long e = ERR_peek_error();
	const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
	char buf[256];

	if (e != 0 && reason == NULL) {
		ERR_error_string_n(e, buf, sizeof(buf));
		reason = buf;
	}
	fprintf(stderr, PROG ": %s: %s\n", what,
		reason != NULL ? reason : "failed");
	ERR_clear_error();
}

/* A key in PEM must not be encrypted: fail instead of prompting. */
static int
no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	RTE_SET_USED(buf);
	RTE_SET_USED(size);
	RTE_SET_USED(rwflag);
	RTE_SET_USED(arg);
	return -1;
}

/* HTTP/1.1 if the client offers it (curl offers h2 first); else no ALPN. */
static int
alpn_select(SSL *ssl, const unsigned char **out, unsigned char *out_len,
		const unsigned char *in, unsigned int in_len, void *arg)
{
	static const unsigned char http11[] = "\x08http/1.1";
	unsigned char *sel;

	RTE_SET_USED(ssl);
	RTE_SET_USED(arg);
	if (SSL_select_next_proto(&sel, out_len, http11, sizeof(http11) - 1,
			in, in_len) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	*out = sel;
	return SSL_TLSEXT_ERR_OK;
}

static int
tls_load_files(struct sender_tls *t, const struct sender_opts *o)
{
	char what[PATH_MAX + 64];

	SSL_CTX_set_default_passwd_cb(t->ctx, no_passphrase);
	if (SSL_CTX_use_certificate_chain_file(t->ctx, o->cert_file) != 1) {
		snprintf(what, sizeof(what), "--cert %s: no PEM certificate "
			"chain", o->cert_file);
		tls_error(what);
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(t->ctx, o->key_file,
			SSL_FILETYPE_PEM) != 1) {
		snprintf(what, sizeof(what), "--key %s: not an unencrypted PEM "
			"private key", o->key_file);
		tls_error(what);
		return -1;
	}
	/* A key of another certificate can even unset it: no reason to add. */
	if (SSL_CTX_check_private_key(t->ctx) != 1) {
		fprintf(stderr, PROG ": --key %s: does not match --cert %s\n",
			o->key_file, o->cert_file);
		ERR_clear_error();
		return -1;
	}
	snprintf(t->cert_desc, sizeof(t->cert_desc), "%s", o->cert_file);
	return 0;
}

static int
tls_make_cert(struct sender_tls *t, const struct sender_opts *o)
{
	EVP_PKEY *key;
	X509 *cert;
	int ok;

	if (cert_make_ephemeral(o->ip, &key, &cert) != 0) {
		tls_error("making the ephemeral certificate");
		return -1;
	}
	ok = SSL_CTX_use_certificate(t->ctx, cert) == 1 &&
		SSL_CTX_use_PrivateKey(t->ctx, key) == 1;
	X509_free(cert);
	EVP_PKEY_free(key);
	if (!ok) {
		tls_error("installing the ephemeral certificate");
		return -1;
	}
	snprintf(t->cert_desc, sizeof(t->cert_desc), "ephemeral, self-signed");
	return 0;
}

/* TLS 1.2 suites authenticate with the key's algorithm: ECDSA or RSA. */
static int
tls_key_type(struct sender_tls *t, const struct sender_opts *o)
{
	EVP_PKEY *key = SSL_CTX_get0_privatekey(t->ctx);
	size_t n = strlen(t->cert_desc);

	if (EVP_PKEY_is_a(key, "RSA")) {
		t->rsa = true;
	} else if (EVP_PKEY_is_a(key, "EC") || EVP_PKEY_is_a(key, "ED25519") ||
		   EVP_PKEY_is_a(key, "ED448")) {
		t->rsa = false;
	} else {
		fprintf(stderr, PROG ": --key %s: a %s key; expected ECDSA, "
			"EdDSA or RSA\n", o->key_file, EVP_PKEY_get0_type_name(key));
		return -1;
	}
	snprintf(t->cert_desc + n, sizeof(t->cert_desc) - n, " %s %d bits",
		EVP_PKEY_get0_type_name(key), EVP_PKEY_get_bits(key));
	return 0;
}

static int
tls_set_suites(struct sender_tls *t, enum sender_cipher c)
{
	char l13[128] = "", l12[160] = "";
	size_t n13 = 0, n12 = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(tls_suites); i++) {
		const struct tls_suite *s = &tls_suites[i];

		if (c != SENDER_CIPHER_AUTO && c != s->cipher)
			continue;
		n13 += (size_t)snprintf(l13 + n13, sizeof(l13) - n13, "%s%s",
			n13 ? ":" : "", s->tls13);
		n12 += (size_t)snprintf(l12 + n12, sizeof(l12) - n12, "%s%s",
			n12 ? ":" : "", t->rsa ? s->tls12_rsa : s->tls12_ecdsa);
	}
	if (SSL_CTX_set_ciphersuites(t->ctx, l13) != 1 ||
	    SSL_CTX_set_cipher_list(t->ctx, l12) != 1) {
		tls_error("--cipher: setting the suites");
		return -1;
	}
	return 0;
}

static int
tls_open_keylog(const char *path)
{
	/* Secrets: readable by the owner only. */
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (fd >= 0)
		keylog_stream = fdopen(fd, "a");
	if (keylog_stream == NULL) {
		fprintf(stderr, PROG ": --keylog %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

static int
tls_configure(struct sender_tls *t, const struct sender_opts *o)
{
	SSL_CTX *ctx = t->ctx;

	if (SSL_CTX_set_min_proto_version(ctx, o->tls_min_version) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, o->tls_max_version) != 1) {
		tls_error("--tls-version");
		return -1;
	}
	/*
	 * No renegotiation: the library took the write keys at the first
	 * handshake and takes no others. An unexpected EOF ends a request
	 * stream like close_notify: requests carry their own length.
	 */
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE |
		SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF |
		SSL_OP_NO_COMPRESSION);
	/* For the SSL_write fallback: a record at a time, from scratch. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
		SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
	if (o->cert_file != NULL ? tls_load_files(t, o) : tls_make_cert(t, o))
		return -1;
	if (tls_key_type(t, o) != 0 || tls_set_suites(t, o->cipher) != 0)
		return -1;
	if (o->keylog_file != NULL) {
		if (tls_open_keylog(o->keylog_file) != 0)
			return -1;
		/* Ours first: rte_tlsoff_tls_ctx_init() keeps and chains it. */
		SSL_CTX_set_keylog_callback(ctx, keylog_write);
	}
	if (rte_tlsoff_tls_ctx_init(ctx) != 0) {
		fprintf(stderr, PROG ": rte_tlsoff_tls_ctx_init failed\n");
		return -1;
	}
	t->conf.record_size = o->record_size;
	return 0;
}

struct sender_tls *
sender_tls_create(const struct sender_opts *o)
{
	struct sender_tls *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		return NULL;
	}
	t->ctx = SSL_CTX_new(TLS_server_method());
	if (t->ctx == NULL) {
		tls_error("SSL_CTX_new");
		free(t);
		return NULL;
	}
	if (tls_configure(t, o) != 0) {
		sender_tls_free(t);
		return NULL;
	}
	return t;
}

void
sender_tls_free(struct sender_tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	if (keylog_stream != NULL) {
		fclose(keylog_stream);
		keylog_stream = NULL;
	}
	free(t);
}

const char *
sender_tls_version_name(int version)
{
	switch (version) {
	case TLS1_2_VERSION:     /* 0x0303, as on the wire */
		return "1.2";
	case TLS1_3_VERSION:
		return "1.3";
	default:
		return "?";
	}
}

const char *
sender_tls_cipher_of(const SSL *ssl)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	const char *name = c != NULL ? SSL_CIPHER_get_name(c) : NULL;
	unsigned int i;

	if (name == NULL)
		return "?";
	for (i = 0; i < RTE_DIM(tls_suites); i++) {
		const struct tls_suite *s = &tls_suites[i];

		if (strcmp(name, s->tls13) == 0 ||
		    strcmp(name, s->tls12_ecdsa) == 0 ||
		    strcmp(name, s->tls12_rsa) == 0)
			return sender_cipher_name(s->cipher);
	}
	return "?";
}

void
sender_tls_describe(const struct sender_tls *t, const struct sender_opts *o,
		char *buf, size_t size)
{
	const char *lo = sender_tls_version_name(o->tls_min_version);
	const char *hi = sender_tls_version_name(o->tls_max_version);

	bool one = o->tls_min_version == o->tls_max_version;

	snprintf(buf, size, "TLS %s%s%s, cipher %s%s, certificate %s", lo,
		one ? "" : "-", one ? "" : hi,
		sender_cipher_name(o->cipher),
		o->cipher == SENDER_CIPHER_AUTO ?
			" (aes128gcm > aes256gcm > chacha20)" : "",
		t->cert_desc);
}
