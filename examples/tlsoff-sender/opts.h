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
};

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
