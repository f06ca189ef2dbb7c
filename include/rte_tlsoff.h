/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

#ifndef RTE_TLSOFF_H
#define RTE_TLSOFF_H

/**
 * @file
 * librte_tlsoff: a user-space TCP/IPv4 stack on DPDK whose transmit side is
 * built for TLS record offload.
 *
 * One stack instance serves one (port, rx queue, tx queue) triple and is
 * driven by exactly one lcore (run to completion, share nothing): the lcore
 * calls rte_tlsoff_stack_poll() in its loop, and every callback of the
 * instance runs from inside that call. No function of an instance may be
 * called from another thread while it is polled.
 *
 * Error convention (as in DPDK): constructors return a pointer or NULL with
 * rte_errno set; control functions return 0 or a negative errno value; data
 * functions return a count or a negative errno value.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <rte_compat.h>
#include <rte_mbuf.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque per-lcore stack instance. */
struct rte_tlsoff_stack;
/** Opaque TCP connection. */
struct rte_tlsoff_conn;
/** Opaque listening endpoint. */
struct rte_tlsoff_listener;

/** Congestion control algorithms. */
enum rte_tlsoff_cc {
	RTE_TLSOFF_CC_CUBIC = 0, /**< CUBIC, RFC 9438 (default). */
	RTE_TLSOFF_CC_NEWRENO,   /**< NewReno, RFC 5681 + RFC 6582. */
};

/** Software AEAD engine for TLS records. */
enum rte_tlsoff_crypto {
	RTE_TLSOFF_CRYPTO_AUTO = 0,  /**< intel-ipsec-mb if built in, else OpenSSL */
	RTE_TLSOFF_CRYPTO_OPENSSL,   /**< OpenSSL EVP */
	RTE_TLSOFF_CRYPTO_IPSEC_MB,  /**< intel-ipsec-mb */
};

/** Do not offer or accept SACK (RFC 2018); loss recovery is NewReno. */
#define RTE_TLSOFF_F_NO_SACK       (1u << 0)
/** Do not offer or accept timestamps (RFC 7323). */
#define RTE_TLSOFF_F_NO_TIMESTAMPS (1u << 1)
/** Do not offer or accept window scaling (RFC 7323). */
#define RTE_TLSOFF_F_NO_WSCALE     (1u << 2)
/** Do not send a gratuitous ARP when the stack starts. */
#define RTE_TLSOFF_F_NO_GARP       (1u << 3)

/** Where TLS records are encrypted (conf.offload.type). */
enum rte_tlsoff_offload_type {
	/** In software by the library (conf.crypto). */
	RTE_TLSOFF_OFFLOAD_SW = 0,
	/** By the port's ConnectX if it has TLS TX, else by the NIC model. */
	RTE_TLSOFF_OFFLOAD_AUTO,
	/** By a TLS-capable ConnectX (rdma-core DevX); fail if there is none. */
	RTE_TLSOFF_OFFLOAD_MLX5,
	/**
	 * By the software model of the ConnectX TLS engine, which puts its
	 * frames on conf.port_id / conf.tx_queue.
	 */
	RTE_TLSOFF_OFFLOAD_MLX5_MODEL,
};

/**
 * Called with every frame the device puts on the wire (the NIC model
 * only), e.g. to write a capture. The frames belong to the device.
 */
typedef void (*rte_tlsoff_wire_tap_t)(void *arg, struct rte_mbuf *const *pkts,
		uint16_t n);

/** The model does its work in rte_tlsoff_offload_run() (another lcore). */
#define RTE_TLSOFF_OFFLOAD_F_ASYNC          (1u << 0)
/**
 * Test only: never resync the device after a retransmission. Records then
 * leave with wrong ciphertext, which a correct peer must reject.
 */
#define RTE_TLSOFF_OFFLOAD_F_TEST_NO_RESYNC (1u << 1)

/**
 * TLS transmit offload device. Records of connections the device cannot
 * take (ChaCha20, a cipher or version it lacks, no free context) are
 * sealed in software, per connection.
 */
struct rte_tlsoff_offload_conf {
	enum rte_tlsoff_offload_type type; /**< default SW */
	/**
	 * mlx5: RDMA device name (e.g. "mlx5_0"); NULL: the device behind
	 * conf.port_id (matched by PCI address), so that frames leave on the
	 * wire the stack receives from. A vdev port has none: the NIC model
	 * then, or name the device.
	 */
	const char *ib_dev;
	/** Send queue size in 64-byte blocks, a power of two (default 8192). */
	uint32_t sq_size;
	/** Device TLS contexts, i.e. key epochs in flight (default 2 x tls_conns). */
	uint32_t max_contexts;
	uint32_t flags;            /**< RTE_TLSOFF_OFFLOAD_F_* */
	rte_tlsoff_wire_tap_t tap; /**< model: sees every frame sent; may be NULL */
	void *tap_arg;             /**< argument of @p tap */
};

/**
 * Stack configuration. Fill it with rte_tlsoff_stack_conf_init() first, then
 * change what you need; a zero field keeps its default where noted.
 */
struct rte_tlsoff_stack_conf {
	uint16_t port_id;    /**< ethdev port, configured and started by the app. */
	uint16_t rx_queue;   /**< rx queue this instance polls (configured on the port). */
	uint16_t tx_queue;   /**< tx queue this instance sends on (configured on the port). */
	/**
	 * Instances that share conf.port_id and conf.ip, one lcore and one
	 * rx/tx queue pair each, with the port's RSS spreading flows over the
	 * rx queues (0 or 1: this instance is alone). Each flow belongs to
	 * the member whose rx queue the port's RSS picks for it; a segment
	 * that arrives at another member is handed to the owner through a
	 * lock-free ring, active opens pick local ports whose replies the port
	 * steers back to their member, and ARP answers are shared. Every
	 * member gives the same group_size and listens on the same ports.
	 * At most 128.
	 */
	uint16_t group_size;
	/** This instance's place in its group: 0..group_size-1, unique. */
	uint16_t group_index;
	int socket_id;       /**< NUMA socket for the instance's memory. */
	uint32_t ip;         /**< local IPv4 address, host byte order. */
	uint8_t prefix_len;  /**< subnet prefix length, 1..32. */
	uint32_t gateway;    /**< default gateway, host byte order; 0 = none. */
	/**
	 * Offloads the app enabled on the port (RTE_ETH_TX_OFFLOAD_* and
	 * RTE_ETH_RX_OFFLOAD_*). The stack uses the IPv4 and TCP checksum
	 * offloads (without them it computes and verifies checksums in
	 * software) and RTE_ETH_TX_OFFLOAD_MULTI_SEGS: with it, segments are
	 * sent as a header mbuf chained to mbufs that reference the send queue
	 * (zero-copy transmit); without it, each segment's payload is copied
	 * into a single mbuf.
	 */
	uint64_t tx_offloads;
	uint64_t rx_offloads;      /**< see tx_offloads. */
	uint32_t max_conns;        /**< connection table size (default 1024). */
	uint32_t max_listeners;    /**< listening ports (default 16). */
	uint32_t sndbuf;           /**< bytes queued per connection (default 1 MiB). */
	uint32_t rcvbuf;           /**< receive buffer per connection, power of two (default 64 KiB). */
	uint32_t sndq_chunks;      /**< buffers queued per connection (default 1024). */
	uint32_t sndbuf_pool_bytes; /**< shared copy-mode send buffer memory (default 64 MiB). */
	uint32_t hdr_mbufs;        /**< header/control mbufs (default 16384). */
	uint16_t mss;              /**< MSS to announce; 0 = from the port MTU. */
	uint32_t rto_init_ms;      /**< initial RTO (default 1000, RFC 6298 2.1). */
	uint32_t rto_min_ms;       /**< lower bound of the RTO (default 200). */
	uint32_t rto_max_ms;       /**< upper bound of the RTO (default 60000). */
	uint32_t max_retries;      /**< RTO expiries before a connection is aborted (default 15). */
	uint32_t syn_retries;      /**< SYN / SYN-ACK retransmissions (default 5). */
	uint32_t delack_ms;        /**< delayed-ACK timeout (default 40). */
	uint32_t time_wait_ms;     /**< TIME_WAIT duration, 2*MSL, 1000..3600000 (default 60000). */
	uint32_t fin_wait2_ms;     /**< FIN_WAIT_2 timeout of closed connections, 1..3600000 (default 60000). */
	uint32_t syn_backlog;      /**< half-open connections per listener (default 128). */
	enum rte_tlsoff_cc cc;     /**< congestion control (default CUBIC). */
	uint32_t flags;            /**< RTE_TLSOFF_F_* */
	/** TLS contexts: connections that can have TLS at once (default max_conns). */
	uint32_t tls_conns;
	/** Engine that seals TLS records (default AUTO). */
	enum rte_tlsoff_crypto crypto;
	/**
	 * TLS 1.3 AES-GCM: records under one key before the library updates it
	 * (0 = 23726566, about 2^24.5, the RFC 8446 5.5 limit).
	 */
	uint64_t tls_key_update_records;
	/**
	 * Test-only loss injector: drop this fraction (0..1) of outgoing data
	 * segments just before the device. 0 disables it.
	 */
	double drop_rate;
	uint64_t drop_seed;        /**< seed of the loss injector's generator. */
	/** TLS transmit offload device (default: none, software). */
	struct rte_tlsoff_offload_conf offload;
};

/**
 * Fill a configuration with defaults.
 *
 * @param conf
 *   Configuration to initialise; must not be NULL.
 */
void rte_tlsoff_stack_conf_init(struct rte_tlsoff_stack_conf *conf);

/**
 * Create a stack instance on a started port.
 *
 * All memory the instance will use on its data path (connections, send
 * buffers, header mbufs, timers, hash table) is reserved here.
 *
 * @param name
 *   Unique name, used to name the instance's memory objects.
 * @param conf
 *   Configuration.
 * @return
 *   The instance, or NULL with rte_errno set:
 *   - EINVAL: a field of @p conf is invalid (the log names it), e.g. a
 *     queue the port was not configured with, or a group_size or queue
 *     that does not fit the group's other members;
 *   - ENODEV: the port does not exist;
 *   - EEXIST: @p name is in use, by an instance or by a memory object of
 *     the app that an instance would create (checked before any memory is
 *     reserved); or conf.group_index is another member's;
 *   - ENOMEM: memory could not be reserved;
 *   - EIO: no secret for initial sequence numbers (getrandom failed);
 *   - ENOTSUP: conf.crypto names an engine not built in or not usable on
 *     this CPU;
 *   - ENODEV, or what the device reported: conf.offload could not be
 *     opened (e.g. RTE_TLSOFF_OFFLOAD_MLX5 without a ConnectX).
 */
struct rte_tlsoff_stack *rte_tlsoff_stack_create(const char *name,
		const struct rte_tlsoff_stack_conf *conf);

/**
 * Destroy a stack instance: every connection is aborted (RST sent where a
 * peer exists), every buffer is released, every key is wiped.
 *
 * @param stack
 *   Instance; NULL is a no-op.
 */
void rte_tlsoff_stack_free(struct rte_tlsoff_stack *stack);

/**
 * Run the instance once: receive a burst, process it, run due timers,
 * deliver callbacks, transmit what is pending.
 *
 * @return
 *   Number of packets received and sent in this call (0 when idle).
 */
unsigned int rte_tlsoff_stack_poll(struct rte_tlsoff_stack *stack);

/**
 * Connection events, passed to rte_tlsoff_conn_cb_t as a bit mask.
 */
#define RTE_TLSOFF_EV_READABLE  (1u << 0) /**< data or end of stream to read. */
#define RTE_TLSOFF_EV_WRITABLE  (1u << 1) /**< send space became available. */
#define RTE_TLSOFF_EV_CONNECTED (1u << 2) /**< an active open completed. */
/**
 * The connection is dead (reset, timed out, or closed by both sides); see
 * rte_tlsoff_conn_error(). The app must still call rte_tlsoff_close().
 */
#define RTE_TLSOFF_EV_CLOSED    (1u << 3)

/**
 * Connection callback; runs inside rte_tlsoff_stack_poll(). It may call any
 * function of the same instance, including rte_tlsoff_close() on @p conn.
 */
typedef void (*rte_tlsoff_conn_cb_t)(struct rte_tlsoff_conn *conn,
		uint32_t events, void *arg);

/**
 * Accept callback; runs inside rte_tlsoff_stack_poll(). It is
 * edge-triggered: it is called once per poll in which at least one
 * connection joined the listener's accept queue (if the queue is not empty
 * by then), not for as long as the queue holds connections. Connections it
 * leaves in the queue do not call it again; the next call comes when
 * another connection arrives. So call rte_tlsoff_accept() until it fails
 * with EAGAIN, or take the rest later by calling rte_tlsoff_accept().
 */
typedef void (*rte_tlsoff_accept_cb_t)(struct rte_tlsoff_listener *l,
		void *arg);

/**
 * Listen on a local TCP port.
 *
 * @param stack
 *   Instance.
 * @param port
 *   Local port, host byte order, non-zero.
 * @param backlog
 *   Established connections waiting for rte_tlsoff_accept() (0 = 128).
 * @param cb
 *   Called when connections arrive in the accept queue (edge-triggered,
 *   see rte_tlsoff_accept_cb_t); may be NULL (then poll
 *   rte_tlsoff_accept()).
 * @param arg
 *   Passed to @p cb.
 * @return
 *   The listener, or NULL with rte_errno set: EINVAL (bad argument),
 *   EADDRINUSE (port in use), ENOSPC (max_listeners reached).
 */
struct rte_tlsoff_listener *rte_tlsoff_listen(struct rte_tlsoff_stack *stack,
		uint16_t port, uint32_t backlog, rte_tlsoff_accept_cb_t cb,
		void *arg);

/**
 * Take one established connection from a listener's accept queue.
 *
 * @return
 *   The connection, or NULL with rte_errno = EAGAIN when the queue is empty.
 */
struct rte_tlsoff_conn *rte_tlsoff_accept(struct rte_tlsoff_listener *l);

/**
 * Stop listening. Connections not yet accepted are reset.
 *
 * @param l
 *   Listener; NULL is a no-op.
 */
void rte_tlsoff_listener_close(struct rte_tlsoff_listener *l);

/**
 * Open a connection (active open). Completion is reported by
 * RTE_TLSOFF_EV_CONNECTED, failure by RTE_TLSOFF_EV_CLOSED.
 *
 * @param stack
 *   Instance.
 * @param ip
 *   Remote address, host byte order.
 * @param port
 *   Remote port, host byte order.
 * @param cb
 *   Connection callback.
 * @param arg
 *   Passed to @p cb.
 * @return
 *   The connection, or NULL with rte_errno set: EINVAL, ENOSPC (no
 *   connection or local port free), ENOBUFS (no mbuf for the SYN).
 */
struct rte_tlsoff_conn *rte_tlsoff_connect(struct rte_tlsoff_stack *stack,
		uint32_t ip, uint16_t port, rte_tlsoff_conn_cb_t cb, void *arg);

/**
 * Set the callback of a connection (typically right after accept).
 */
void rte_tlsoff_conn_set_cb(struct rte_tlsoff_conn *conn,
		rte_tlsoff_conn_cb_t cb, void *arg);

/**
 * Queue bytes for transmission; they are copied into the stack's send
 * buffer and sent as the window allows, at the latest when the current
 * rte_tlsoff_stack_poll() call ends.
 *
 * @return
 *   Bytes taken (possibly fewer than @p len), or:
 *   -EAGAIN when no send space is free (RTE_TLSOFF_EV_WRITABLE follows);
 *   -EPIPE after the send side was shut down; -ECONNRESET / -ETIMEDOUT /
 *   -ECONNREFUSED when the connection died (see rte_tlsoff_conn_error());
 *   -ENOTCONN before it is established; -EINVAL for bad arguments.
 */
ssize_t rte_tlsoff_send(struct rte_tlsoff_conn *conn, const void *buf,
		size_t len);

/**
 * Queue an mbuf chain for transmission without copying its payload. The
 * stack takes ownership of the whole chain on success and frees each
 * segment once all its bytes are acknowledged; segments may be direct,
 * indirect or external-buffer mbufs, and their data must not change until
 * then.
 *
 * @return
 *   0 on success (all of the chain is queued); on error the chain still
 *   belongs to the caller and nothing was queued: -EAGAIN (send buffer
 *   full now; RTE_TLSOFF_EV_WRITABLE follows), -EMSGSIZE (the chain is
 *   longer than conf.sndbuf and can never be queued: split it), -EPIPE,
 *   -ECONNRESET, -ETIMEDOUT, -ECONNREFUSED, -ENOTCONN (as for
 *   rte_tlsoff_send()), -EINVAL (bad arguments, or nb_segs / pkt_len that
 *   do not match the chain).
 */
int rte_tlsoff_send_mbuf(struct rte_tlsoff_conn *conn, struct rte_mbuf *m);

/**
 * Bytes rte_tlsoff_send() would take now.
 */
size_t rte_tlsoff_send_space(const struct rte_tlsoff_conn *conn);

/**
 * Read received bytes.
 *
 * @param conn
 *   Connection.
 * @param buf
 *   Destination.
 * @param len
 *   Room in @p buf; must be non-zero, so that 0 always means end of stream.
 * @return
 *   Bytes copied; 0 at end of stream (the peer sent FIN and everything
 *   before it was read); -EAGAIN when nothing is available yet;
 *   -ECONNRESET / -ETIMEDOUT / -ECONNREFUSED when the connection died
 *   (see rte_tlsoff_conn_error()); -ENOTCONN when it is closed with
 *   neither an error nor an end of stream; -EINVAL for a NULL argument or
 *   @p len 0. Bytes received before the connection died are returned
 *   first.
 */
ssize_t rte_tlsoff_recv(struct rte_tlsoff_conn *conn, void *buf, size_t len);

/**
 * Shut down the send side: a FIN follows the queued data. Receiving goes on.
 *
 * @return
 *   0, or -ENOTCONN / -EINVAL.
 */
int rte_tlsoff_shutdown(struct rte_tlsoff_conn *conn);

/**
 * Release a connection. Queued data is still sent, then a FIN; the stack
 * finishes the close on its own and the handle must not be used again. If
 * received data is left unread the connection is reset instead (RFC 2525).
 */
void rte_tlsoff_close(struct rte_tlsoff_conn *conn);

/**
 * Release a connection at once, sending RST. The handle must not be used
 * again.
 */
void rte_tlsoff_abort(struct rte_tlsoff_conn *conn);

/**
 * Error that ended a connection, as a positive errno value: 0 while it is
 * healthy or after an orderly close; ECONNRESET (reset by the peer),
 * ETIMEDOUT (retransmissions, probes or connect timed out) or ECONNREFUSED
 * (connect answered by a RST) afterwards; with TLS attached also EPROTO (a
 * key update that could not be made) or EOVERFLOW (record sequence
 * exhausted), after which the library reset the connection; send and
 * recv then return the same errno, negated. EINVAL when @p conn is NULL.
 */
int rte_tlsoff_conn_error(const struct rte_tlsoff_conn *conn);

/** TCP states (RFC 9293). */
enum rte_tlsoff_tcp_state {
	RTE_TLSOFF_TCP_CLOSED = 0,
	RTE_TLSOFF_TCP_LISTEN,
	RTE_TLSOFF_TCP_SYN_SENT,
	RTE_TLSOFF_TCP_SYN_RCVD,
	RTE_TLSOFF_TCP_ESTABLISHED,
	RTE_TLSOFF_TCP_FIN_WAIT_1,
	RTE_TLSOFF_TCP_FIN_WAIT_2,
	RTE_TLSOFF_TCP_CLOSE_WAIT,
	RTE_TLSOFF_TCP_CLOSING,
	RTE_TLSOFF_TCP_LAST_ACK,
	RTE_TLSOFF_TCP_TIME_WAIT,
};

/** A connection's addresses and transport state. */
struct rte_tlsoff_conn_info {
	uint32_t local_ip;      /**< host byte order. */
	uint32_t remote_ip;     /**< host byte order. */
	uint16_t local_port;    /**< host byte order. */
	uint16_t remote_port;   /**< host byte order. */
	enum rte_tlsoff_tcp_state state;
	uint16_t mss;           /**< payload bytes per segment we send. */
	uint8_t sack;           /**< SACK negotiated. */
	uint8_t timestamps;     /**< timestamps negotiated. */
	uint8_t snd_wscale;     /**< peer's window shift. */
	uint8_t rcv_wscale;     /**< our window shift. */
	uint32_t cwnd;          /**< congestion window, bytes. */
	uint32_t ssthresh;      /**< slow-start threshold, bytes. */
	uint32_t snd_wnd;       /**< peer's receive window, bytes. */
	uint32_t srtt_us;       /**< smoothed RTT. */
	uint32_t rto_us;        /**< current retransmission timeout. */
	uint64_t bytes_sent;    /**< payload bytes sent, first transmissions. */
	uint64_t bytes_acked;   /**< payload bytes acknowledged. */
	uint64_t bytes_received; /**< payload bytes received in order. */
	uint64_t retransmits;   /**< segments retransmitted. */
};

/**
 * Read a connection's addresses and transport state.
 *
 * @return 0, or -EINVAL.
 */
int rte_tlsoff_conn_get_info(const struct rte_tlsoff_conn *conn,
		struct rte_tlsoff_conn_info *info);

/**
 * Name of the engine the instance seals TLS records with: "ipsec-mb" or
 * "openssl".
 */
const char *rte_tlsoff_crypto_engine(const struct rte_tlsoff_stack *stack);

/**
 * Name of the instance's TLS encryption device: "sw" (none), "mlx5" (a
 * ConnectX) or "mlx5-model" (the NIC model).
 */
const char *rte_tlsoff_offload_name(const struct rte_tlsoff_stack *stack);

/**
 * Do the device's pending work (conf.offload.flags has
 * RTE_TLSOFF_OFFLOAD_F_ASYNC): call it in a loop on an lcore other than the
 * instance's. One caller at a time.
 *
 * @return Work items done (0: idle), or -EINVAL when the instance has no
 *   asynchronous device (software, a ConnectX, or the model without
 *   RTE_TLSOFF_OFFLOAD_F_ASYNC: it works inside rte_tlsoff_stack_poll()).
 */
int rte_tlsoff_offload_run(struct rte_tlsoff_stack *stack);

/** Name length of a statistics counter, including the terminating NUL. */
#define RTE_TLSOFF_STAT_NAME_SIZE 48

/** One named statistics counter. */
struct rte_tlsoff_stat {
	char name[RTE_TLSOFF_STAT_NAME_SIZE]; /**< e.g. "tcp.retransmits". */
	uint64_t value;                       /**< counter value. */
};

/**
 * Read the instance's counters.
 *
 * @param stack
 *   Instance.
 * @param stats
 *   Array to fill; may be NULL when @p n is 0 (to learn the count).
 * @param n
 *   Entries in @p stats.
 * @return
 *   The number of counters the instance has; if greater than @p n only the
 *   first @p n were written. -EINVAL on bad arguments.
 */
int rte_tlsoff_stats_get(const struct rte_tlsoff_stack *stack,
		struct rte_tlsoff_stat *stats, unsigned int n);

/**
 * Read one counter by name.
 *
 * @return 0 and *value, or -ENOENT / -EINVAL.
 */
int rte_tlsoff_stat_get(const struct rte_tlsoff_stack *stack,
		const char *name, uint64_t *value);

/** Reset every counter of the instance to zero. */
void rte_tlsoff_stats_reset(struct rte_tlsoff_stack *stack);

/**
 * Register the instance with rte_telemetry: command "/tlsoff/stats,<name>"
 * returns its counters ("/tlsoff/stats" alone lists the instances).
 * Telemetry names cannot hold '.', so "tcp.retransmits" is reported as
 * "tcp/retransmits". Reads are unsynchronised snapshots.
 *
 * @return 0, or a negative errno value.
 */
int rte_tlsoff_telemetry_register(struct rte_tlsoff_stack *stack);

#ifdef __cplusplus
}
#endif

#endif /* RTE_TLSOFF_H */
