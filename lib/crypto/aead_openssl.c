/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * OpenSSL EVP engine. Ciphers are fetched once per engine instance (no
 * implicit fetch per call); each key owns an EVP_CIPHER_CTX set up once, so
 * a record costs an IV set, updates and a final. The tag is read and
 * written through prepared OSSL_PARAMs rather than the ctrl translation.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "aead.h"

struct ossl_mgr {
	EVP_CIPHER *cipher[TLSOFF_CIPHER_MAX];
};

struct ossl_key {
	EVP_CIPHER_CTX *ctx;
	const EVP_CIPHER *cipher;
};

struct ossl_op {
	bool encrypt;
};

_Static_assert(sizeof(struct ossl_key) <= TLSOFF_AEAD_STATE_SIZE, "state");
_Static_assert(sizeof(struct ossl_op) <= TLSOFF_AEAD_OP_SIZE, "op");

int
tlsoff_openssl_mgr_create(void **out)
{
	static const char *const names[TLSOFF_CIPHER_MAX] = {
		"AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305",
	};
	struct ossl_mgr *m = calloc(1, sizeof(*m));
	unsigned int i;

	if (m == NULL)
		return -ENOMEM;
	for (i = 0; i < TLSOFF_CIPHER_MAX; i++) {
		m->cipher[i] = EVP_CIPHER_fetch(NULL, names[i], NULL);
		if (m->cipher[i] == NULL) {
			tlsoff_openssl_mgr_free(m);
			return -ENOTSUP;
		}
	}
	*out = m;
	return 0;
}

void
tlsoff_openssl_mgr_free(void *mgr)
{
	struct ossl_mgr *m = mgr;
	unsigned int i;

	if (m == NULL)
		return;
	for (i = 0; i < TLSOFF_CIPHER_MAX; i++)
		EVP_CIPHER_free(m->cipher[i]);
	free(m);
}

static struct ossl_key *
key_of(struct tlsoff_aead *a)
{
	return (struct ossl_key *)a->state;
}

static int
ossl_setup(struct tlsoff_aead *a)
{
	struct ossl_key *k = key_of(a);

	k->cipher = NULL;
	k->ctx = EVP_CIPHER_CTX_new();
	return k->ctx == NULL ? -ENOMEM : 0;
}

static void
ossl_teardown(struct tlsoff_aead *a)
{
	struct ossl_key *k = key_of(a);

	EVP_CIPHER_CTX_free(k->ctx);
	k->ctx = NULL;
}

static int
ossl_set_key(struct tlsoff_aead *a, const uint8_t *key)
{
	struct ossl_mgr *m = a->crypto->mgr;
	struct ossl_key *k = key_of(a);

	k->cipher = m->cipher[a->cipher];
	/* The key schedule happens here, once; records only set the nonce. */
	if (EVP_CipherInit_ex2(k->ctx, k->cipher, key, NULL, 1, NULL) != 1)
		return -EINVAL;
	return 0;
}

static void
ossl_begin(struct tlsoff_aead *a, struct tlsoff_aead_op *op, bool encrypt,
		const uint8_t *nonce, const uint8_t *aad, uint32_t aad_len)
{
	struct ossl_key *k = key_of(a);
	struct ossl_op *o = (struct ossl_op *)op->state;
	int outl;

	o->encrypt = encrypt;
	EVP_CipherInit_ex2(k->ctx, NULL, NULL, nonce, encrypt, NULL);
	if (aad_len > 0)
		EVP_CipherUpdate(k->ctx, NULL, &outl, aad, (int)aad_len);
}

static void
ossl_update(struct tlsoff_aead *a, struct tlsoff_aead_op *op, uint8_t *out,
		const uint8_t *in, uint32_t len)
{
	int outl;

	(void)op;
	EVP_CipherUpdate(key_of(a)->ctx, out, &outl, in, (int)len);
}

static int
ossl_end(struct tlsoff_aead *a, struct tlsoff_aead_op *op, uint8_t *tag)
{
	struct ossl_key *k = key_of(a);
	struct ossl_op *o = (struct ossl_op *)op->state;
	OSSL_PARAM p[2] = {
		OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
			tag, TLSOFF_AEAD_TAG_LEN),
		OSSL_PARAM_construct_end(),
	};
	uint8_t none[16];
	int outl;

	if (o->encrypt) {
		EVP_CipherFinal_ex(k->ctx, none, &outl);
		return EVP_CIPHER_CTX_get_params(k->ctx, p) == 1 ? 0 : -EIO;
	}
	if (EVP_CIPHER_CTX_set_params(k->ctx, p) != 1)
		return -EIO;
	return EVP_CipherFinal_ex(k->ctx, none, &outl) == 1 ? 0 : -EBADMSG;
}

static void
ossl_wipe(struct tlsoff_aead *a)
{
	struct ossl_key *k = key_of(a);

	/* Reset cleanses the provider's key schedule. */
	if (k->ctx != NULL)
		EVP_CIPHER_CTX_reset(k->ctx);
}

const struct tlsoff_aead_ops tlsoff_aead_openssl_ops = {
	.name = "openssl",
	.setup = ossl_setup,
	.teardown = ossl_teardown,
	.set_key = ossl_set_key,
	.begin = ossl_begin,
	.update = ossl_update,
	.end = ossl_end,
	.wipe = ossl_wipe,
};
