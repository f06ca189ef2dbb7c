/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

#ifndef RTE_TLSOFF_TLS_H
#define RTE_TLSOFF_TLS_H

/**
 * @file
 * TLS 1.2/1.3 record transmit over a librte_tlsoff connection.
 *
 * The application runs the handshake with OpenSSL as usual, over a BIO the
 * library provides. When OpenSSL installs its write keys (it offers them to
 * the BIO as it would to the Linux kernel's TLS, because the library enables
 * SSL_OP_ENABLE_KTLS), the library takes over the transmit side: it frames
 * records (header, TLS 1.2 explicit nonce, TLS 1.3 inner content type, tag),
 * seals them with AES-GCM or ChaCha20-Poly1305 in software (intel-ipsec-mb
 * or OpenSSL EVP) and keeps each record until TCP has it acknowledged.
 * OpenSSL keeps doing everything else: it reads (SSL_read), and the records
 * it still has to send after the hand-off (alerts, session tickets,
 * KeyUpdate) reach the library through the BIO and are framed by it.
 *
 * Typical use (inside the connection callback):
 * @code
 *   rte_tlsoff_tls_ctx_init(ctx);                // once per SSL_CTX
 *   ssl = SSL_new(ctx);
 *   rte_tlsoff_tls_attach(conn, ssl, NULL);      // after accept
 *   ... SSL_accept(ssl) on each RTE_TLSOFF_EV_READABLE until done ...
 *   rte_tlsoff_tls_send(conn, body, len);       // or SSL_write()
 *   SSL_read(ssl, ...);                           // requests
 *   SSL_shutdown(ssl); rte_tlsoff_shutdown(conn); // close_notify, FIN
 *   ... SSL_read() on READABLE until it returns 0 (the peer's close) ...
 *   rte_tlsoff_close(conn); SSL_free(ssl);
 * @endcode
 * (rte_tlsoff_close() with unread bytes, the peer's close_notify included,
 * resets the connection, as a socket close does.)
 *
 * A cipher the library cannot seal is not an error: OpenSSL then frames
 * records itself and writes them through the same BIO;
 * rte_tlsoff_tls_get_info() tells which happened.
 */

#include <stdint.h>
#include <sys/types.h>

#include <openssl/ssl.h>

#include "rte_tlsoff.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest plaintext of one record (RFC 8446 5.1). */
#define RTE_TLSOFF_TLS_MAX_RECORD 16384

/** Per-connection TLS settings; NULL in rte_tlsoff_tls_attach() = defaults. */
struct rte_tlsoff_tls_conf {
	/** Plaintext bytes per application-data record, 1..16384 (0 = 16384). */
	uint32_t record_size;
	uint32_t flags;            /**< RTE_TLSOFF_TLS_F_* */
};

/**
 * Seal this connection's records in software even when the instance has an
 * offload device (conf.offload) that could encrypt them.
 */
#define RTE_TLSOFF_TLS_F_SOFTWARE (1u << 0)

/**
 * Prepare an SSL_CTX for use with the library: installs a key-log callback
 * through which the library learns the TLS 1.3 server traffic secret, so
 * that it can answer KeyUpdate requests and update its keys before AES-GCM
 * usage limits (RFC 8446 5.5). A key-log callback already set on @p ctx is
 * kept and still called with every line.
 *
 * @return 0, or -EINVAL.
 */
int rte_tlsoff_tls_ctx_init(SSL_CTX *ctx);

/**
 * Run @p ssl over @p conn: a BIO over the connection becomes @p ssl's read
 * and write BIO, and the kernel-TLS hook through which the library takes
 * the write keys is enabled. Call before the handshake (server or client).
 *
 * @return
 *   0; -EINVAL (bad argument, or @p conn already has an SSL attached);
 *   -ENOSPC (every TLS context of the instance is in use: conf.tls_conns);
 *   -ENOMEM (the BIO could not be made).
 */
int rte_tlsoff_tls_attach(struct rte_tlsoff_conn *conn, SSL *ssl,
		const struct rte_tlsoff_tls_conf *conf);

/**
 * Queue application data: framed into records, sealed, sent as TCP allows.
 * Only whole records are taken.
 *
 * @return
 *   Plaintext bytes taken (possibly fewer than @p len); -EAGAIN when not
 *   even one record fits now (RTE_TLSOFF_EV_WRITABLE follows); -ENOTCONN
 *   before the library has the write keys (use SSL_write until then);
 *   -EPIPE, -ECONNRESET, -ETIMEDOUT as rte_tlsoff_send(); -EOVERFLOW when
 *   the record sequence is exhausted (the connection is reset); -EPROTO
 *   when a key update is due that cannot be made (no traffic secret: the
 *   connection is reset); -EINVAL. After a reset for -EOVERFLOW or
 *   -EPROTO, rte_tlsoff_conn_error() and the TCP calls report that errno.
 */
ssize_t rte_tlsoff_tls_send(struct rte_tlsoff_conn *conn, const void *buf,
		size_t len);

/**
 * Plaintext bytes rte_tlsoff_tls_send() would take now, if given exactly
 * that many: records are queued whole, so a larger buffer may get fewer
 * bytes taken (whole records of conf.record_size), never a cut record.
 */
size_t rte_tlsoff_tls_send_space(const struct rte_tlsoff_conn *conn);

/** Where a connection's records are protected. */
enum rte_tlsoff_tls_mode {
	RTE_TLSOFF_TLS_NONE = 0,   /**< no write keys yet (handshake) */
	RTE_TLSOFF_TLS_SW,         /**< framed and sealed by the library */
	RTE_TLSOFF_TLS_OPENSSL,    /**< OpenSSL frames records (fallback) */
	/**
	 * Framed by the library, encrypted by the offload device on the way
	 * out (conf.offload). Connections the device cannot take are
	 * RTE_TLSOFF_TLS_SW.
	 */
	RTE_TLSOFF_TLS_NIC,
};

/** A connection's TLS transmit state. */
struct rte_tlsoff_tls_info {
	enum rte_tlsoff_tls_mode mode;
	uint16_t version;          /**< 0x0303 or 0x0304 once known */
	const char *cipher;        /**< "aes128gcm", "aes256gcm", "chacha20" */
	/** "ipsec-mb" or "openssl"; for RTE_TLSOFF_TLS_NIC the device, e.g. "mlx5-model" */
	const char *engine;
	uint64_t records;          /**< records framed by the library */
	uint64_t bytes;            /**< application bytes in them */
	uint64_t seq;              /**< next record sequence number */
	uint32_t key_updates;      /**< TX key changes (TLS 1.3) */
};

/**
 * Read a connection's TLS transmit state.
 *
 * @return 0, or -EINVAL (no SSL attached).
 */
int rte_tlsoff_tls_get_info(const struct rte_tlsoff_conn *conn,
		struct rte_tlsoff_tls_info *info);

#ifdef __cplusplus
}
#endif

#endif /* RTE_TLSOFF_TLS_H */
