/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The model's TLS engine, one per TIS (fact sheet 5 and 7): after progress
 * params (START) the next byte is byte 0 of a record header; the engine
 * parses headers out of the byte stream, takes the TLS 1.2 explicit nonce
 * from the record, encrypts bodies and writes the tag over the last 16
 * bytes of each record, whatever the host put there, then counts the record.
 * DUMP bytes go through the same state machine and are discarded. It never
 * sees TCP sequence numbers: feeding the wrong bytes gives the wrong
 * ciphertext, as on the hardware.
 */

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "model_priv.h"
#include "../mlx5_prm.h"

/*
 * Record lengths: the engine follows whatever 16-bit length the header
 * holds (what the hardware does past 2^14 + 256 is not documented; a
 * stream fed from the wrong place then yields wrong ciphertext, which is
 * what a missing resync must produce). Only a length too short for the
 * nonce and tag cannot be processed: an error completion.
 */

int
mm_tls_set_static(struct mlx5_model *m, struct mm_tis *t,
		const uint8_t *p)
{
	const struct mlx5_tls_static_params *sp =
		(const struct mlx5_tls_static_params *)p;
	struct mm_tls *e = &t->tls;
	unsigned int c2 = sp->ctx0[0] >> 6, ver = (sp->ctx0[0] >> 2) & 0xf;
	unsigned int c1 = sp->ctx0[0] & 3, std = sp->ctx0[3] & 0xf;
	uint32_t dek = (uint32_t)sp->dek_index[0] << 16 |
		(uint32_t)sp->dek_index[1] << 8 | sp->dek_index[2];
	struct mm_dek *k;

	if (c2 != 2 || c1 != 1 || std != MLX5_ENC_STANDARD_TLS ||
	    (ver != MLX5_TLS_VERSION_12 && ver != MLX5_TLS_VERSION_13) ||
	    (ver == MLX5_TLS_VERSION_13 && m->conf.no_tls13))
		return MLX5_MODEL_VS_BAD_PARAMS;
	if (dek >= m->nb_dek)
		return MLX5_MODEL_VS_BAD_DEK;
	k = &m->dek[dek];
	if (!k->allocated || !k->keyed || k->pd != t->pd)
		return MLX5_MODEL_VS_BAD_DEK;
	if (k->stale)
		return MLX5_MODEL_VS_DEK_STALE;
	e->version = (uint8_t)ver;
	memcpy(e->gcm_iv, sp->gcm_iv, 4);
	memcpy(e->implicit_iv, sp->implicit_iv, 8);
	e->initial_rec = mlx5_get_be64(sp->initial_record_number);
	/*
	 * The key schedule is redone only for another key (a resync posts
	 * the same DEK again): as the NIC's key cache, and without an
	 * allocation in OpenSSL on every resync.
	 */
	if (!e->keyed || e->dek != dek || e->key_gen != k->gen) {
		if (EVP_EncryptInit_ex2(e->ctx, k->key_size ? m->aes256 :
				m->aes128, k->key_size ? k->key : k->key + 16,
				NULL, NULL) != 1)
			return MLX5_MODEL_VS_BAD_DEK;
		e->keyed = true;
		e->key_gen = k->gen;
	}
	e->dek = dek;
	/* The DEK is now cached by the device: reusing it needs SYNC_CRYPTO. */
	k->used = true;
	e->static_ok = true;
	return 0;
}

/* Progress params with state START: a record header comes next. */
void
mm_tls_reset(struct mm_tls *e)
{
	e->rec = e->initial_rec;
	e->phase = MM_HDR;
	e->pos = 0;
	e->broken = false;
	e->progress_ok = true;
}

static void
begin_record(struct mm_tls *e)
{
	uint8_t nonce[12], aad[13];
	int outl;
	unsigned int i;

	if (e->version == MLX5_TLS_VERSION_12) {
		/* RFC 5288: salt || explicit nonce from the record. */
		memcpy(nonce, e->gcm_iv, 4);
		memcpy(nonce + 4, e->nonce, 8);
		mlx5_put_be64(aad, e->rec);
		aad[8] = e->hdr[0];
		aad[9] = e->hdr[1];
		aad[10] = e->hdr[2];
		aad[11] = (uint8_t)(e->body_len >> 8);
		aad[12] = (uint8_t)e->body_len;
		EVP_EncryptInit_ex2(e->ctx, NULL, NULL, nonce, NULL);
		EVP_EncryptUpdate(e->ctx, NULL, &outl, aad, 13);
		return;
	}
	/* RFC 8446 5.3: static IV xor the record number; AAD the header. */
	memcpy(nonce, e->gcm_iv, 4);
	memcpy(nonce + 4, e->implicit_iv, 8);
	for (i = 0; i < 8; i++)
		nonce[4 + i] ^= (uint8_t)(e->rec >> (56 - 8 * i));
	EVP_EncryptInit_ex2(e->ctx, NULL, NULL, nonce, NULL);
	EVP_EncryptUpdate(e->ctx, NULL, &outl, e->hdr, 5);
}

static void
end_body(struct mm_tls *e)
{
	OSSL_PARAM p[2] = {
		OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
			e->tag, 16),
		OSSL_PARAM_construct_end(),
	};
	uint8_t none[16];
	int outl;

	EVP_EncryptFinal_ex(e->ctx, none, &outl);
	EVP_CIPHER_CTX_get_params(e->ctx, p);
	e->phase = MM_TAG;
	e->pos = 0;
}

/* The header is complete: where the record's parts lie. */
static int
header_done(struct mm_tls *e)
{
	uint32_t len = (uint32_t)e->hdr[3] << 8 | e->hdr[4];
	uint32_t fixed = 16 + (e->version == MLX5_TLS_VERSION_12 ? 8 : 1);

	if (len < fixed) {
		e->broken = true;
		return MLX5_MODEL_VS_BAD_RECORD;
	}
	e->body_len = len - 16 - (e->version == MLX5_TLS_VERSION_12 ? 8 : 0);
	e->pos = 0;
	if (e->version == MLX5_TLS_VERSION_12) {
		e->phase = MM_NONCE;
		return 0;
	}
	begin_record(e);
	e->phase = MM_BODY;
	return 0;
}

int
mm_tls_feed(struct mlx5_model *m, struct mm_tls *e, const uint8_t *in,
		uint8_t *out, uint32_t n)
{
	uint8_t scratch[2048];
	uint32_t done = 0;
	int rc;

	(void)m;
	if (!e->static_ok || !e->progress_ok)
		return MLX5_MODEL_VS_NO_CONTEXT;
	if (e->broken)
		return MLX5_MODEL_VS_BAD_RECORD;
	while (done < n) {
		uint32_t k;
		int outl;

		switch (e->phase) {
		case MM_HDR:
			/* Header bytes leave unchanged. */
			e->hdr[e->pos++] = in[done];
			if (out != NULL)
				out[done] = in[done];
			done++;
			if (e->pos == 5) {
				rc = header_done(e);
				if (rc != 0)
					return rc;
				if (e->phase == MM_BODY && e->body_len == 0)
					end_body(e);
			}
			break;
		case MM_NONCE:
			e->nonce[e->pos++] = in[done];
			if (out != NULL)
				out[done] = in[done];
			done++;
			if (e->pos == 8) {
				begin_record(e);
				e->phase = MM_BODY;
				e->pos = 0;
				if (e->body_len == 0)
					end_body(e);
			}
			break;
		case MM_BODY:
			k = RTE_MIN(n - done, e->body_len - e->pos);
			if (out == NULL)
				k = RTE_MIN(k, (uint32_t)sizeof(scratch));
			EVP_EncryptUpdate(e->ctx, out != NULL ? out + done : scratch,
				&outl, in + done, (int)k);
			done += k;
			e->pos += k;
			if (e->pos == e->body_len)
				end_body(e);
			break;
		case MM_TAG:
			/* The placeholder is replaced, whatever it holds. */
			if (out != NULL)
				out[done] = e->tag[e->pos];
			done++;
			if (++e->pos == 16) {
				e->rec++;
				e->phase = MM_HDR;
				e->pos = 0;
				m->st.tls_records++;
			}
			break;
		}
	}
	return 0;
}
