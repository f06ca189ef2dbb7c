/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Write keys: taking them from OpenSSL's kernel-TLS structure at the
 * hand-off, learning the TLS 1.3 traffic secret from the key log, and the
 * TLS 1.3 key update (RFC 8446 7.2: HKDF-Expand-Label "traffic upd"), which
 * OpenSSL 3.0 does not hand over and the library therefore does itself.
 */

#include <errno.h>
#include <string.h>

#include <linux/tls.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/ssl.h>

#include <rte_byteorder.h>

#include "tls.h"
#include "../stack/stack.h"
#include "../stack/tlsoff_log.h"
#include "../tcp/tcp.h"

static uint64_t
be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_64(v);
}

/* RFC 8446 7.1: HKDF-Expand-Label(Secret, Label, "", Length). */
int
tlsoff_tls13_expand_label(unsigned int hash_len, const uint8_t *secret,
		const char *label, uint8_t *out, unsigned int out_len)
{
	uint8_t info[2 + 1 + 255 + 1];
	size_t llen = strlen(label), n = 0;
	EVP_KDF *kdf;
	EVP_KDF_CTX *kctx;
	OSSL_PARAM p[5];
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY, rc;

	if (6 + llen > 255)
		return -EINVAL;
	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(6 + llen);
	memcpy(&info[n], "tls13 ", 6);
	n += 6;
	memcpy(&info[n], label, llen);
	n += llen;
	info[n++] = 0;   /* empty context */

	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	if (kdf == NULL)
		return -ENOTSUP;
	kctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (kctx == NULL)
		return -ENOMEM;
	p[0] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	p[1] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
		hash_len == 48 ? "SHA384" : "SHA256", 0);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
		(void *)(uintptr_t)secret, hash_len);
	p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n);
	p[4] = OSSL_PARAM_construct_end();
	rc = EVP_KDF_derive(kctx, out, out_len, p) == 1 ? 0 : -EIO;
	EVP_KDF_CTX_free(kctx);
	return rc;
}

/*
 * The key log line "SERVER_TRAFFIC_SECRET_0 <client random> <secret>" (or
 * CLIENT_ for a client) carries the secret TLS 1.3 key updates start from.
 */
void
tlsoff_tls_keylog_line(SSL *ssl, const char *line)
{
	struct tlsoff_tls *t = SSL_get_ex_data(ssl, tlsoff_tls_ex_index());
	const char *want = SSL_is_server(ssl) ? "SERVER_TRAFFIC_SECRET_0 " :
		"CLIENT_TRAFFIC_SECRET_0 ";
	const char *p;
	size_t n, i;

	if (t == NULL || strncmp(line, want, strlen(want)) != 0)
		return;
	p = strchr(line + strlen(want), ' ');
	if (p == NULL)
		return;
	p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if (n != 64 && n != 96)
		return;
	for (i = 0; i < n / 2; i++) {
		unsigned int v;

		if (sscanf(p + 2 * i, "%2x", &v) != 1)
			return;
		t->secret[i] = (uint8_t)v;
	}
	t->hash_len = (uint8_t)(n / 2);
	t->have_secret = true;
}

/* Does the logged secret give exactly the key and IV OpenSSL installed? */
static bool
secret_matches(struct tlsoff_tls *t, const uint8_t *key, unsigned int key_len,
		const uint8_t *iv)
{
	uint8_t k[32], v[12];
	bool ok;

	if (tlsoff_tls13_expand_label(t->hash_len, t->secret, "key", k,
			key_len) != 0 ||
	    tlsoff_tls13_expand_label(t->hash_len, t->secret, "iv", v, 12) != 0)
		return false;
	ok = tlsoff_ct_memcmp(k, key, key_len) == 0 &&
		tlsoff_ct_memcmp(v, iv, 12) == 0;
	tlsoff_wipe(k, sizeof(k));
	tlsoff_wipe(v, sizeof(v));
	return ok;
}

/*
 * Take the write keys from the struct OpenSSL passes to the kernel-TLS hook
 * (BIO ctrl SET_KTLS). -ENOTSUP for what the library does not seal; OpenSSL
 * then frames records itself.
 */
int
tlsoff_tls_set_tx_keys(struct tlsoff_tls *t, const void *crypto_info)
{
	const struct tls_crypto_info *ci = crypto_info;
	struct tlsoff_stack *s = t->stack;
	uint8_t key[32];
	const uint8_t *rec_seq;
	unsigned int key_len;
	enum tlsoff_cipher cipher;
	int rc;

	if (ci->version != TLS_1_2_VERSION && ci->version != TLS_1_3_VERSION)
		return -ENOTSUP;
	memset(t->iv, 0, sizeof(t->iv));
	switch (ci->cipher_type) {
	case TLS_CIPHER_AES_GCM_128: {
		const struct tls12_crypto_info_aes_gcm_128 *g = crypto_info;

		cipher = TLSOFF_CIPHER_AES_128_GCM;
		key_len = sizeof(g->key);
		memcpy(key, g->key, key_len);
		memcpy(t->iv, g->salt, sizeof(g->salt));
		memcpy(t->iv + sizeof(g->salt), g->iv, sizeof(g->iv));
		rec_seq = g->rec_seq;
		break;
	}
	case TLS_CIPHER_AES_GCM_256: {
		const struct tls12_crypto_info_aes_gcm_256 *g = crypto_info;

		cipher = TLSOFF_CIPHER_AES_256_GCM;
		key_len = sizeof(g->key);
		memcpy(key, g->key, key_len);
		memcpy(t->iv, g->salt, sizeof(g->salt));
		memcpy(t->iv + sizeof(g->salt), g->iv, sizeof(g->iv));
		rec_seq = g->rec_seq;
		break;
	}
	case TLS_CIPHER_CHACHA20_POLY1305: {
		const struct tls12_crypto_info_chacha20_poly1305 *g = crypto_info;

		cipher = TLSOFF_CIPHER_CHACHA20_POLY1305;
		key_len = sizeof(g->key);
		memcpy(key, g->key, key_len);
		memcpy(t->iv, g->iv, sizeof(g->iv));
		rec_seq = g->rec_seq;
		break;
	}
	default:
		return -ENOTSUP;
	}
	rc = tlsoff_aead_set_key(&t->aead[t->cur], cipher, key);
	if (rc != 0)
		goto out;
	t->version = ci->version == TLS_1_3_VERSION ? TLS_V13 : TLS_V12;
	t->cipher = (uint8_t)cipher;
	t->seq = be64(rec_seq);
	/* TLS 1.2 AES-GCM: the explicit nonce counts on from OpenSSL's. */
	t->explicit_nonce = be64(t->iv + 4);
	t->seq_limit = UINT64_MAX;
	if (t->version == TLS_V13) {
		if (cipher != TLSOFF_CIPHER_CHACHA20_POLY1305)
			t->seq_limit = s->tls_key_update_records;
		if (t->hash_len == 0)
			t->hash_len = cipher == TLSOFF_CIPHER_AES_256_GCM ? 48 : 32;
		/* Key updates derive from the logged secret: check it first. */
		t->secret_checked = t->have_secret &&
			secret_matches(t, key, key_len, t->iv);
		if (t->have_secret && !t->secret_checked)
			TLSOFF_LOG(WARNING, "TLS: the key-log secret does not "
				"give the installed key; key updates disabled");
	}
	t->start_seq = t->conn->sq.end_seq;
	t->epoch_start_seq = t->start_seq;
	t->cur_slot = TLS_SLOT_SW;
	t->mode = RTE_TLSOFF_TLS_SW;
	if (s->off != NULL && !t->sw_only) {
		/* The device encrypts if it can; software otherwise. */
		if (tlsoff_tls_nic_epoch(t, key, key_len) == 0)
			tlsoff_aead_wipe(&t->aead[t->cur]);
		else
			TLSOFF_STAT_INC(s, tls, nic_fallbacks);
	}
out:
	tlsoff_wipe(key, sizeof(key));
	return rc;
}

/*
 * A key change on a connection that uses the device: the current epoch
 * ends where the queue ends now, and the next one goes to the device, or,
 * if it cannot take it (no free context), is sealed in software.
 */
static int
nic_rekey(struct tlsoff_tls *t, const uint8_t *key, unsigned int key_len,
		const uint8_t *iv, uint8_t other)
{
	uint8_t old_iv[TLSOFF_AEAD_NONCE_LEN];
	uint64_t old_seq = t->seq;
	int rc;

	/* The new epoch's parameters, for the device. */
	memcpy(old_iv, t->iv, sizeof(old_iv));
	memcpy(t->iv, iv, TLSOFF_AEAD_NONCE_LEN);
	t->seq = 0;
	tlsoff_tls_nic_close_epoch(t);
	rc = tlsoff_tls_nic_epoch(t, key, key_len);
	if (rc != 0) {
		TLSOFF_STAT_INC(t->stack, tls, nic_fallbacks);
		rc = tlsoff_aead_set_key(&t->aead[other], t->cipher, key);
		if (rc == 0) {
			tlsoff_aead_wipe(&t->aead[t->cur]);
			t->cur = other;
			t->mode = RTE_TLSOFF_TLS_SW;
		}
	}
	if (rc != 0) {
		memcpy(t->iv, old_iv, sizeof(old_iv));
		t->seq = old_seq;
	}
	tlsoff_wipe(old_iv, sizeof(old_iv));
	return rc;
}

/*
 * TLS 1.3 key update (RFC 8446 7.2): the next secret, key and IV, from the
 * next record on, at sequence 0. The new key is set up beside the old one
 * first, so a failure changes nothing.
 */
int
tlsoff_tls_update_keys(struct tlsoff_tls *t)
{
	uint8_t next[48], key[32], iv[12];
	unsigned int key_len = tlsoff_cipher_key_len(t->cipher);
	uint8_t other = t->cur ^ 1;
	int rc;

	if (t->version != TLS_V13 || !t->secret_checked)
		return -ENOTSUP;
	rc = tlsoff_tls13_expand_label(t->hash_len, t->secret, "traffic upd",
			next, t->hash_len);
	if (rc == 0)
		rc = tlsoff_tls13_expand_label(t->hash_len, next, "key", key,
				key_len);
	if (rc == 0)
		rc = tlsoff_tls13_expand_label(t->hash_len, next, "iv", iv, 12);
	if (rc == 0 && t->nic)
		rc = nic_rekey(t, key, key_len, iv, other);
	else if (rc == 0)
		rc = tlsoff_aead_set_key(&t->aead[other], t->cipher, key);
	if (rc == 0) {
		if (!t->nic) {
			/* Software records are sealed already: the old key can go. */
			tlsoff_aead_wipe(&t->aead[t->cur]);
			t->cur = other;
		}
		memcpy(t->secret, next, t->hash_len);
		memcpy(t->iv, iv, sizeof(iv));
		t->seq = 0;
		t->epoch++;
		t->key_updates++;
	}
	tlsoff_wipe(next, sizeof(next));
	tlsoff_wipe(key, sizeof(key));
	tlsoff_wipe(iv, sizeof(iv));
	return rc;
}
