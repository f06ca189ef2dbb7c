/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Software AEAD engines behind one small interface: a key is set once per
 * connection (the key schedule is done there, never per record), and each
 * record is sealed as begin (nonce, AAD), any number of updates (so that a
 * record can be sealed straight from scattered application buffers into
 * its own buffer), and end (tag). Only what TLS record protection needs:
 * 96-bit nonces and 128-bit tags.
 */

#ifndef TLSOFF_AEAD_H
#define TLSOFF_AEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#define TLSOFF_AEAD_NONCE_LEN 12
#define TLSOFF_AEAD_TAG_LEN 16
#define TLSOFF_AEAD_MAX_KEY_LEN 32

enum tlsoff_cipher {
	TLSOFF_CIPHER_AES_128_GCM = 0,
	TLSOFF_CIPHER_AES_256_GCM,
	TLSOFF_CIPHER_CHACHA20_POLY1305,
	TLSOFF_CIPHER_MAX
};

enum tlsoff_engine {
	TLSOFF_ENGINE_OPENSSL = 0,
	TLSOFF_ENGINE_IPSEC_MB,
	TLSOFF_ENGINE_MAX
};

/* Engine-private key state: EVP context, or expanded keys and hash keys. */
#define TLSOFF_AEAD_STATE_SIZE 2560u
/* Engine-private state of one operation in progress (on the caller's stack). */
#define TLSOFF_AEAD_OP_SIZE 256u

struct tlsoff_aead_ops;
struct tlsoff_crypto;

/* One key of one connection. */
struct tlsoff_aead {
	const struct tlsoff_aead_ops *ops;
	struct tlsoff_crypto *crypto;   /* the engine instance (per lcore) */
	uint8_t cipher;
	bool keyed;
	uint8_t state[TLSOFF_AEAD_STATE_SIZE] __rte_aligned(64);
};

/* One seal or open in progress. */
struct tlsoff_aead_op {
	uint8_t state[TLSOFF_AEAD_OP_SIZE] __rte_aligned(64);
};

struct tlsoff_aead_ops {
	const char *name;
	/* Called once per struct tlsoff_aead before any key (may allocate). */
	int (*setup)(struct tlsoff_aead *a);
	void (*teardown)(struct tlsoff_aead *a);
	int (*set_key)(struct tlsoff_aead *a, const uint8_t *key);
	void (*begin)(struct tlsoff_aead *a, struct tlsoff_aead_op *op,
		bool encrypt, const uint8_t *nonce, const uint8_t *aad,
		uint32_t aad_len);
	/* @out may equal @in (in place) or not overlap it at all. */
	void (*update)(struct tlsoff_aead *a, struct tlsoff_aead_op *op,
		uint8_t *out, const uint8_t *in, uint32_t len);
	/* Encrypt: writes the tag. Decrypt: 0 if @tag matches, else -EBADMSG. */
	int (*end)(struct tlsoff_aead *a, struct tlsoff_aead_op *op,
		uint8_t *tag);
	/* Erase key material. */
	void (*wipe)(struct tlsoff_aead *a);
};

/* Per-lcore engine instance (intel-ipsec-mb needs a manager per thread). */
struct tlsoff_crypto {
	enum tlsoff_engine engine;
	const struct tlsoff_aead_ops *ops;
	void *mgr;
};

/* Key length of a cipher, in bytes. */
unsigned int tlsoff_cipher_key_len(enum tlsoff_cipher c);
const char *tlsoff_cipher_name(enum tlsoff_cipher c);
const char *tlsoff_engine_name(enum tlsoff_engine e);

/* Whether the build has the engine and it can run @c here. */
bool tlsoff_engine_supports(enum tlsoff_engine e, enum tlsoff_cipher c);

/*
 * Prepare an engine instance. 0, or -ENOTSUP when the engine is not built
 * in or cannot run on this CPU, -ENOMEM.
 */
int tlsoff_crypto_init(struct tlsoff_crypto *cr, enum tlsoff_engine e);
void tlsoff_crypto_fini(struct tlsoff_crypto *cr);

/*
 * Bind @a to an engine instance, once (it may allocate: done when the pool
 * of contexts is made, not per connection).
 */
int tlsoff_aead_setup(struct tlsoff_aead *a, struct tlsoff_crypto *cr);
void tlsoff_aead_teardown(struct tlsoff_aead *a);
/* Key @a for @c: the key schedule, once per key. */
int tlsoff_aead_set_key(struct tlsoff_aead *a, enum tlsoff_cipher c,
		const uint8_t *key);
void tlsoff_aead_wipe(struct tlsoff_aead *a);

/* One-shot helpers over contiguous buffers (tests, small records). */
void tlsoff_aead_seal(struct tlsoff_aead *a, const uint8_t *nonce,
		const uint8_t *aad, uint32_t aad_len, const uint8_t *in,
		uint8_t *out, uint32_t len, uint8_t *tag);
int tlsoff_aead_open(struct tlsoff_aead *a, const uint8_t *nonce,
		const uint8_t *aad, uint32_t aad_len, const uint8_t *in,
		uint8_t *out, uint32_t len, const uint8_t *tag);

/* Constant-time comparison: 0 when equal. */
int tlsoff_ct_memcmp(const void *a, const void *b, size_t n);
/* Erase memory in a way the compiler keeps. */
void tlsoff_wipe(void *p, size_t n);

/* Engines (their per-lcore instance data lives in tlsoff_crypto.mgr). */
extern const struct tlsoff_aead_ops tlsoff_aead_openssl_ops;
int tlsoff_openssl_mgr_create(void **mgr);
void tlsoff_openssl_mgr_free(void *mgr);
#ifdef TLSOFF_HAVE_IPSEC_MB
extern const struct tlsoff_aead_ops tlsoff_aead_ipsecmb_ops;
int tlsoff_ipsecmb_mgr_create(void **mgr);
void tlsoff_ipsecmb_mgr_free(void *mgr);
#endif

#endif /* TLSOFF_AEAD_H */
