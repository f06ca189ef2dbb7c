/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Command line of tlsoff-sender (the part after "--"): what it sets, and the
 * parser that validates every value before anything is started.
 */

#ifndef SENDER_OPTS_H
#define SENDER_OPTS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_tlsoff.h>

/* Exit status for a command line that was refused. */
#define SENDER_EXIT_USAGE 2

/* --cipher: the AEAD of the suites offered (TLS 1.3 and 1.2 alike). */
enum sender_cipher {
	SENDER_CIPHER_AUTO,       /* all three, AES-128-GCM preferred */
	SENDER_CIPHER_AES128GCM,
	SENDER_CIPHER_AES256GCM,
	SENDER_CIPHER_CHACHA20,
};

/* --offload: where records are encrypted. */
enum sender_offload {
	SENDER_OFFLOAD_SW,        /* software (--crypto) */
	SENDER_OFFLOAD_AUTO,      /* a ConnectX if present, else the NIC model */
	SENDER_OFFLOAD_MLX5,      /* the same, by its name */
};

struct sender_opts {
	uint32_t ip;              /* host order */
	uint8_t prefix_len;
	uint32_t gateway;         /* host order; 0 = none */
	uint16_t listen_port;
	bool has_root;
	char root[PATH_MAX];      /* canonical (realpath) --root */
	bool plain;
	double drop_rate;
	uint64_t drop_seed;
	const char *stats_json;   /* NULL = none */
	double stats_period_s;    /* 0 = no periodic line */
	uint64_t exit_after;      /* 0 = run until signalled */
	double idle_timeout_s;    /* keep-alive timeout; 0 = none */
	uint32_t max_conns;
	uint32_t sndbuf;          /* 0 = library default */
	enum rte_tlsoff_cc cc;
	uint32_t stack_flags;     /* RTE_TLSOFF_F_* */

	/* TLS (refused together with --plain) */
	const char *cert_file;    /* PEM; NULL = ephemeral self-signed */
	const char *key_file;
	int tls_min_version;      /* TLS1_2_VERSION or TLS1_3_VERSION */
	int tls_max_version;
	enum sender_cipher cipher;
	enum sender_offload offload;
	enum rte_tlsoff_crypto crypto;
	uint32_t record_size;     /* 0 = 16384 */
	const char *keylog_file;  /* NULL = none */
	const char *pcap_file;    /* frames the device sent; NULL = none */
	bool test_no_resync;      /* test only: the driver never resyncs */
	const char *tls_option;   /* first TLS option given, for the --plain check */
};

/* Names of the values, as the options spell them. */
const char *sender_cipher_name(enum sender_cipher c);
const char *sender_offload_name(enum sender_offload o);
const char *sender_crypto_name(enum rte_tlsoff_crypto c);

enum sender_opts_result {
	SENDER_OPTS_RUN,    /* options valid: start */
	SENDER_OPTS_HELP,   /* usage printed: exit 0 */
	SENDER_OPTS_ERROR,  /* message printed: exit SENDER_EXIT_USAGE */
};

/*
 * Parse the application options. argv[0] is the program name, the rest are
 * the options that followed "--". Errors name the option and the value.
 */
enum sender_opts_result sender_opts_parse(int argc, char **argv,
		struct sender_opts *o);

/* Print the application options (also hooked into the EAL's --help). */
void sender_opts_usage(const char *prog);

#endif /* SENDER_OPTS_H */
