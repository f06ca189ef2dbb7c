/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* AEAD engine selection, one-shot helpers, constant-time utilities. */

#include <errno.h>
#include <string.h>

#include "aead.h"

static const char *const cipher_names[TLSOFF_CIPHER_MAX] = {
	[TLSOFF_CIPHER_AES_128_GCM] = "aes128gcm",
	[TLSOFF_CIPHER_AES_256_GCM] = "aes256gcm",
	[TLSOFF_CIPHER_CHACHA20_POLY1305] = "chacha20",
};

unsigned int
tlsoff_cipher_key_len(enum tlsoff_cipher c)
{
	return c == TLSOFF_CIPHER_AES_128_GCM ? 16 : 32;
}

const char *
tlsoff_cipher_name(enum tlsoff_cipher c)
{
	return c < TLSOFF_CIPHER_MAX ? cipher_names[c] : "?";
}

const char *
tlsoff_engine_name(enum tlsoff_engine e)
{
	return e == TLSOFF_ENGINE_IPSEC_MB ? "ipsec-mb" : "openssl";
}

static const struct tlsoff_aead_ops *
engine_ops(enum tlsoff_engine e)
{
	switch (e) {
	case TLSOFF_ENGINE_OPENSSL:
		return &tlsoff_aead_openssl_ops;
#ifdef TLSOFF_HAVE_IPSEC_MB
	case TLSOFF_ENGINE_IPSEC_MB:
		return &tlsoff_aead_ipsecmb_ops;
#endif
	default:
		return NULL;
	}
}

bool
tlsoff_engine_supports(enum tlsoff_engine e, enum tlsoff_cipher c)
{
	return engine_ops(e) != NULL && c < TLSOFF_CIPHER_MAX;
}

int
tlsoff_crypto_init(struct tlsoff_crypto *cr, enum tlsoff_engine e)
{
	memset(cr, 0, sizeof(*cr));
	cr->engine = e;
	cr->ops = engine_ops(e);
	if (cr->ops == NULL)
		return -ENOTSUP;
#ifdef TLSOFF_HAVE_IPSEC_MB
	if (e == TLSOFF_ENGINE_IPSEC_MB)
		return tlsoff_ipsecmb_mgr_create(&cr->mgr);
#endif
	return tlsoff_openssl_mgr_create(&cr->mgr);
}

void
tlsoff_crypto_fini(struct tlsoff_crypto *cr)
{
	if (cr->mgr != NULL) {
#ifdef TLSOFF_HAVE_IPSEC_MB
		if (cr->engine == TLSOFF_ENGINE_IPSEC_MB)
			tlsoff_ipsecmb_mgr_free(cr->mgr);
		else
#endif
			tlsoff_openssl_mgr_free(cr->mgr);
	}
	cr->mgr = NULL;
	cr->ops = NULL;
}

int
tlsoff_aead_setup(struct tlsoff_aead *a, struct tlsoff_crypto *cr)
{
	if (cr->ops == NULL)
		return -EINVAL;
	memset(a, 0, offsetof(struct tlsoff_aead, state));
	a->ops = cr->ops;
	a->crypto = cr;
	return a->ops->setup(a);
}

void
tlsoff_aead_teardown(struct tlsoff_aead *a)
{
	if (a->ops == NULL)
		return;
	a->ops->wipe(a);
	a->ops->teardown(a);
	a->ops = NULL;
}

int
tlsoff_aead_set_key(struct tlsoff_aead *a, enum tlsoff_cipher c,
		const uint8_t *key)
{
	int rc;

	if (a->ops == NULL || c >= TLSOFF_CIPHER_MAX)
		return -EINVAL;
	a->cipher = (uint8_t)c;
	rc = a->ops->set_key(a, key);

	a->keyed = rc == 0;
	return rc;
}

void
tlsoff_aead_wipe(struct tlsoff_aead *a)
{
	if (a->ops != NULL)
		a->ops->wipe(a);
	a->keyed = false;
}

void
tlsoff_aead_seal(struct tlsoff_aead *a, const uint8_t *nonce,
		const uint8_t *aad, uint32_t aad_len, const uint8_t *in,
		uint8_t *out, uint32_t len, uint8_t *tag)
{
	struct tlsoff_aead_op op;

	a->ops->begin(a, &op, true, nonce, aad, aad_len);
	if (len > 0)
		a->ops->update(a, &op, out, in, len);
	a->ops->end(a, &op, tag);
}

int
tlsoff_aead_open(struct tlsoff_aead *a, const uint8_t *nonce,
		const uint8_t *aad, uint32_t aad_len, const uint8_t *in,
		uint8_t *out, uint32_t len, const uint8_t *tag)
{
	struct tlsoff_aead_op op;
	uint8_t t[TLSOFF_AEAD_TAG_LEN];

	memcpy(t, tag, sizeof(t));
	a->ops->begin(a, &op, false, nonce, aad, aad_len);
	if (len > 0)
		a->ops->update(a, &op, out, in, len);
	return a->ops->end(a, &op, t);
}

int
tlsoff_ct_memcmp(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d != 0;
}

void
tlsoff_wipe(void *p, size_t n)
{
	/* glibc's: as fast as memset, and never optimised away. */
	explicit_bzero(p, n);
}
