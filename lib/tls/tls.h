/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * TLS transmit state of one connection, and the functions the TLS files
 * share. A context comes from the instance's pool when an SSL is attached
 * and goes back, keys wiped, when the connection is freed.
 */

#ifndef TLSOFF_TLS_H
#define TLSOFF_TLS_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include <rte_mbuf.h>

#include "rte_tlsoff_tls.h"
#include "../crypto/aead.h"

struct tlsoff_conn;
struct tlsoff_stack;

#define TLS_HDR_LEN 5
#define TLS12_EXPLICIT_NONCE_LEN 8
#define TLS_TAG_LEN 16
#define TLS_MAX_PLAINTEXT RTE_TLSOFF_TLS_MAX_RECORD
/* Largest record we build: TLS 1.2 header + nonce, or 1.3 inner type. */
#define TLS_MAX_RECORD_LEN \
	(TLS_HDR_LEN + TLS12_EXPLICIT_NONCE_LEN + TLS_MAX_PLAINTEXT + 1 + TLS_TAG_LEN)

#define TLS_CT_CHANGE_CIPHER_SPEC 20
#define TLS_CT_ALERT 21
#define TLS_CT_HANDSHAKE 22
#define TLS_CT_APPLICATION_DATA 23
#define TLS_HS_KEY_UPDATE 24

#define TLS_V12 0x0303
#define TLS_V13 0x0304

/* RFC 8446 5.5: AES-GCM, 2^24.5 full-size records per key. */
#define TLS13_AES_GCM_RECORD_LIMIT 23726566ull

/*
 * OpenSSL BIO controls for its kernel-TLS hook. They are not in OpenSSL's
 * public headers (include/internal/bio.h); pinned here and checked by the
 * hand-off tests against the real library.
 */
#define TLSOFF_BIO_CTRL_SET_KTLS 72
#define TLSOFF_BIO_CTRL_GET_KTLS_SEND 73
#define TLSOFF_BIO_CTRL_SET_KTLS_SEND_CTRL_MSG 74
#define TLSOFF_BIO_CTRL_CLEAR_KTLS_CTRL_MSG 75
#define TLSOFF_BIO_CTRL_GET_KTLS_RECV 76

/* One record in flight: where it lies in TCP sequence space. */
struct tlsoff_tls_rec {
	uint32_t tcp_seq;    /* sequence number of its first byte */
	uint32_t len;        /* bytes on the wire */
	uint64_t rec_seq;    /* TLS record sequence number */
	uint8_t type;
	uint8_t epoch;
	uint8_t slot;        /* device epoch slot, TLS_SLOT_SW if sealed here */
};

/*
 * Device key epochs of a connection still in flight. A slot is taken when
 * an epoch starts on the device and freed when every byte of the epoch is
 * acknowledged (or the connection goes).
 */
#define TLS_EPOCH_SLOTS 8u
#define TLS_SLOT_SW 0xff

struct tlsoff_tls_epoch {
	void *dev_ctx;       /* NULL: free */
	uint32_t start_seq;  /* TCP sequence of its first record */
	uint32_t end_seq;    /* after its last record, once closed */
	bool closed;         /* a later epoch has started */
};

struct tlsoff_tls {
	struct tlsoff_stack *stack;
	struct tlsoff_conn *conn;
	uint32_t gen;              /* bumped at release: stale BIOs notice */
	SSL *ssl;
	enum rte_tlsoff_tls_mode mode;
	uint16_t version;
	uint8_t cipher;            /* enum tlsoff_cipher */
	uint8_t hash_len;          /* TLS 1.3 suite hash: 32 or 48 */
	uint32_t record_size;

	/* write state */
	uint32_t start_seq;        /* TCP sequence of the first library record */
	uint8_t epoch;             /* increments with each key change */
	uint64_t seq;              /* next record sequence number */
	uint64_t seq_limit;        /* TLS 1.3 AES-GCM: update the key here */
	uint8_t iv[TLSOFF_AEAD_NONCE_LEN]; /* 1.3 / ChaCha: static IV; 1.2 GCM: salt */
	uint64_t explicit_nonce;   /* TLS 1.2 AES-GCM: next explicit nonce */
	struct tlsoff_aead aead[2];
	uint8_t cur;               /* aead[cur] seals */

	/* TLS 1.3 traffic secret (from the key log), to derive updates */
	uint8_t secret[48];
	bool have_secret;
	bool secret_checked;       /* it matched the keys OpenSSL gave */

	/* a non-data record announced by OpenSSL (BIO ctrl 74) */
	bool ctrl_pending;
	uint8_t ctrl_type;
	bool close_notify_sent;    /* by OpenSSL or by the library */

	/* offload device epochs */
	bool sw_only;              /* the app asked for software sealing */
	bool nic;                  /* some epoch went to the device */
	uint8_t cur_slot;          /* current epoch's slot, or TLS_SLOT_SW */
	uint8_t first_slot;        /* the first device epoch's slot ... */
	bool first_live;           /* ... while it is in flight */
	uint8_t closed_epochs;     /* device epochs waiting for their ACKs */
	uint32_t nic_start_seq;    /* first byte of the first device epoch */
	uint32_t epoch_start_seq;  /* first byte of the current epoch */
	struct tlsoff_tls_epoch ep[TLS_EPOCH_SLOTS];

	/* records not yet fully acknowledged */
	struct tlsoff_tls_rec *ring;
	uint32_t ring_mask;
	uint32_t ring_head, ring_tail;

	/* counters of this connection */
	uint64_t records;
	uint64_t bytes;
	uint32_t key_updates;
};

/* The library frames this connection's records (software or device). */
static inline bool
tlsoff_tls_framing(const struct tlsoff_tls *t)
{
	return t->mode == RTE_TLSOFF_TLS_SW || t->mode == RTE_TLSOFF_TLS_NIC;
}

/* tls_offload.c: device epochs, per-frame metadata, the driver's lookups */
int tlsoff_tls_nic_epoch(struct tlsoff_tls *t, const uint8_t *key,
		unsigned int key_len);
void tlsoff_tls_nic_close_epoch(struct tlsoff_tls *t);
void tlsoff_tls_nic_acked(struct tlsoff_tls *t, uint32_t snd_una);
void tlsoff_tls_nic_release(struct tlsoff_tls *t);
void tlsoff_tls_on_xmit(struct tlsoff_tls *t, struct rte_mbuf *m,
		uint32_t seq, uint32_t len);

/* tls_ctx.c: pool, attach, release */
int tlsoff_tls_stack_init(struct tlsoff_stack *s);
void tlsoff_tls_stack_fini(struct tlsoff_stack *s);
void tlsoff_tls_release(struct tlsoff_tls *t);
void tlsoff_tls_on_acked(struct tlsoff_tls *t, uint32_t snd_una);

/* Reset the connection (it must be held by the app), error @err. */
void tlsoff_tls_fail(struct tlsoff_tls *t, int err);

/* tls_keys.c: hand-off and key schedule */
int tlsoff_tls_set_tx_keys(struct tlsoff_tls *t, const void *crypto_info);
int tlsoff_tls_update_keys(struct tlsoff_tls *t);
static inline bool
tlsoff_tls_can_update(const struct tlsoff_tls *t)
{
	return t->version == TLS_V13 && t->secret_checked;
}
int tlsoff_tls13_expand_label(unsigned int hash_len, const uint8_t *secret,
		const char *label, uint8_t *out, unsigned int out_len);
void tlsoff_tls_keylog_line(SSL *ssl, const char *line);

/* tls_record.c: framing and sealing */
int64_t tlsoff_tls_frame(struct tlsoff_tls *t, uint8_t type,
		const uint8_t *data, uint32_t len, bool all_or_nothing);
uint32_t tlsoff_tls_record_overhead(const struct tlsoff_tls *t);
uint32_t tlsoff_tls_space(const struct tlsoff_tls *t);

/* tls_bio.c */
BIO *tlsoff_tls_bio_new(struct tlsoff_tls *t);
int tlsoff_tls_ex_index(void);       /* SSL ex_data: our context */
int tlsoff_tls_ctx_ex_index(void);   /* SSL_CTX ex_data: the app's key log */

#endif /* TLSOFF_TLS_H */
