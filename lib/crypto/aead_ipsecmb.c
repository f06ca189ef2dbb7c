/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * intel-ipsec-mb engine: the direct (synchronous) AES-GCM and
 * ChaCha20-Poly1305 APIs of a per-lcore manager. Keys are expanded once
 * (round keys and GHASH powers) into the key state.
 */

#include <errno.h>
#include <string.h>

#include <intel-ipsec-mb.h>

#include "aead.h"

struct mb_key {
	union {
		struct gcm_key_data gcm;
		uint8_t chacha[32];
	} k;
};

struct mb_op {
	bool encrypt;
	union {
		struct gcm_context_data gcm;
		struct chacha20_poly1305_context_data cc;
	} c;
};

_Static_assert(sizeof(struct mb_key) <= TLSOFF_AEAD_STATE_SIZE, "state");
_Static_assert(sizeof(struct mb_op) <= TLSOFF_AEAD_OP_SIZE, "op");

int
tlsoff_ipsecmb_mgr_create(void **out)
{
	IMB_MGR *m = alloc_mb_mgr(0);

	if (m == NULL)
		return -ENOMEM;
	init_mb_mgr_auto(m, NULL);
	if (imb_get_errno(m) != 0) {
		free_mb_mgr(m);
		return -ENOTSUP;
	}
	*out = m;
	return 0;
}

void
tlsoff_ipsecmb_mgr_free(void *mgr)
{
	free_mb_mgr(mgr);
}

static struct mb_key *
key_of(struct tlsoff_aead *a)
{
	return (struct mb_key *)a->state;
}

static int
mb_setup(struct tlsoff_aead *a)
{
	(void)a;
	return 0;
}

static void
mb_teardown(struct tlsoff_aead *a)
{
	(void)a;
}

static int
mb_set_key(struct tlsoff_aead *a, const uint8_t *key)
{
	IMB_MGR *m = a->crypto->mgr;
	struct mb_key *k = key_of(a);

	switch (a->cipher) {
	case TLSOFF_CIPHER_AES_128_GCM:
		IMB_AES128_GCM_PRE(m, key, &k->k.gcm);
		return 0;
	case TLSOFF_CIPHER_AES_256_GCM:
		IMB_AES256_GCM_PRE(m, key, &k->k.gcm);
		return 0;
	case TLSOFF_CIPHER_CHACHA20_POLY1305:
		memcpy(k->k.chacha, key, 32);
		return 0;
	default:
		return -EINVAL;
	}
}

static void
mb_begin(struct tlsoff_aead *a, struct tlsoff_aead_op *op, bool encrypt,
		const uint8_t *nonce, const uint8_t *aad, uint32_t aad_len)
{
	IMB_MGR *m = a->crypto->mgr;
	struct mb_key *k = key_of(a);
	struct mb_op *o = (struct mb_op *)op->state;

	o->encrypt = encrypt;
	switch (a->cipher) {
	case TLSOFF_CIPHER_AES_128_GCM:
		IMB_AES128_GCM_INIT(m, &k->k.gcm, &o->c.gcm, nonce, aad, aad_len);
		break;
	case TLSOFF_CIPHER_AES_256_GCM:
		IMB_AES256_GCM_INIT(m, &k->k.gcm, &o->c.gcm, nonce, aad, aad_len);
		break;
	default:
		IMB_CHACHA20_POLY1305_INIT(m, k->k.chacha, &o->c.cc, nonce, aad,
			aad_len);
		break;
	}
}

static void
mb_update(struct tlsoff_aead *a, struct tlsoff_aead_op *op, uint8_t *out,
		const uint8_t *in, uint32_t len)
{
	IMB_MGR *m = a->crypto->mgr;
	struct mb_key *k = key_of(a);
	struct mb_op *o = (struct mb_op *)op->state;

	switch (a->cipher) {
	case TLSOFF_CIPHER_AES_128_GCM:
		if (o->encrypt)
			IMB_AES128_GCM_ENC_UPDATE(m, &k->k.gcm, &o->c.gcm, out, in, len);
		else
			IMB_AES128_GCM_DEC_UPDATE(m, &k->k.gcm, &o->c.gcm, out, in, len);
		break;
	case TLSOFF_CIPHER_AES_256_GCM:
		if (o->encrypt)
			IMB_AES256_GCM_ENC_UPDATE(m, &k->k.gcm, &o->c.gcm, out, in, len);
		else
			IMB_AES256_GCM_DEC_UPDATE(m, &k->k.gcm, &o->c.gcm, out, in, len);
		break;
	default:
		if (o->encrypt)
			IMB_CHACHA20_POLY1305_ENC_UPDATE(m, k->k.chacha, &o->c.cc,
				out, in, len);
		else
			IMB_CHACHA20_POLY1305_DEC_UPDATE(m, k->k.chacha, &o->c.cc,
				out, in, len);
		break;
	}
}

static int
mb_end(struct tlsoff_aead *a, struct tlsoff_aead_op *op, uint8_t *tag)
{
	IMB_MGR *m = a->crypto->mgr;
	struct mb_key *k = key_of(a);
	struct mb_op *o = (struct mb_op *)op->state;
	uint8_t t[TLSOFF_AEAD_TAG_LEN];
	uint8_t *dst = o->encrypt ? tag : t;
	int rc = 0;

	switch (a->cipher) {
	case TLSOFF_CIPHER_AES_128_GCM:
		if (o->encrypt)
			IMB_AES128_GCM_ENC_FINALIZE(m, &k->k.gcm, &o->c.gcm, dst, 16);
		else
			IMB_AES128_GCM_DEC_FINALIZE(m, &k->k.gcm, &o->c.gcm, dst, 16);
		break;
	case TLSOFF_CIPHER_AES_256_GCM:
		if (o->encrypt)
			IMB_AES256_GCM_ENC_FINALIZE(m, &k->k.gcm, &o->c.gcm, dst, 16);
		else
			IMB_AES256_GCM_DEC_FINALIZE(m, &k->k.gcm, &o->c.gcm, dst, 16);
		break;
	default:
		if (o->encrypt)
			IMB_CHACHA20_POLY1305_ENC_FINALIZE(m, &o->c.cc, dst, 16);
		else
			IMB_CHACHA20_POLY1305_DEC_FINALIZE(m, &o->c.cc, dst, 16);
		break;
	}
	if (!o->encrypt && tlsoff_ct_memcmp(t, tag, sizeof(t)) != 0)
		rc = -EBADMSG;
	tlsoff_wipe(o, sizeof(*o));
	return rc;
}

static void
mb_wipe(struct tlsoff_aead *a)
{
	tlsoff_wipe(key_of(a), sizeof(struct mb_key));
}

const struct tlsoff_aead_ops tlsoff_aead_ipsecmb_ops = {
	.name = "ipsec-mb",
	.setup = mb_setup,
	.teardown = mb_teardown,
	.set_key = mb_set_key,
	.begin = mb_begin,
	.update = mb_update,
	.end = mb_end,
	.wipe = mb_wipe,
};
