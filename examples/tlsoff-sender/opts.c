/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Command line parsing. Every option is one row of opt_tab: its name, what
 * its value looks like, the function that validates and stores it, and its
 * help line. A new option (--cert, --key, --pcap ...) is one more row and one
 * more small function.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_common.h>

#include "opts.h"

#define PROG "tlsoff-sender"

/* Values getopt_long returns for long options: index into opt_tab + base. */
#define OPT_VAL_BASE 256

#define DEFAULT_LISTEN_PORT 8443
#define DEFAULT_MAX_CONNS 1024
#define DEFAULT_IDLE_TIMEOUT_S 60.0
#define MAX_SECONDS 86400.0
#define MAX_CONNS_LIMIT (1u << 22)     /* the library's connection table limit */
#define SNDBUF_MIN 4096u
#define SNDBUF_MAX (1u << 30)

/* Returns NULL when @val is accepted, else what was expected instead. */
typedef const char *(*opt_parse_t)(struct sender_opts *o, const char *val);

struct opt_desc {
	const char *name;
	const char *metavar;   /* NULL: a flag without value */
	opt_parse_t parse;
	const char *help;
};

/* ---- value parsers shared by the options ---- */

/* Decimal, or hexadecimal with 0x; no sign, no blanks, nothing after. */
static int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	int base = 10;
	char *end;
	uint64_t v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!isxdigit((unsigned char)s[0]))
			return -1;
	} else if (!isdigit((unsigned char)s[0])) {
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A non-negative decimal number; refuses signs, nan and inf. */
static int
parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)s[0]) && s[0] != '.')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Bytes with an optional K, M or G suffix (powers of 1024). */
static int
parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char num[32];
	size_t len = strlen(s);
	unsigned int shift = 0;
	uint64_t v;

	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, s, len + 1);
	switch (toupper((unsigned char)num[len - 1])) {
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	default:
		break;
	}
	if (shift != 0)
		num[len - 1] = '\0';
	if (parse_u64(num, 0, UINT64_MAX >> shift, &v) != 0)
		return -1;
	v <<= shift;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_ipv4(const char *s, uint32_t *ip)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*ip = ntohl(a.s_addr);
	return 0;
}

/* A host may use it: not 0/8, loopback, multicast or reserved. */
static bool
ipv4_is_host(uint32_t ip)
{
	uint8_t first = ip >> 24;

	return first != 0 && first != 127 && first < 224;
}

static uint32_t
prefix_mask(uint8_t len)
{
	return len == 32 ? UINT32_MAX : ~(UINT32_MAX >> len);
}

/* ---- one function per option ---- */

static const char *
opt_ip(struct sender_opts *o, const char *val)
{
	const char *want = "expected A.B.C.D/N, a unicast address and a "
		"prefix length 1..32";
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(val, '/');
	uint64_t plen;
	uint32_t ip, host;

	if (slash == NULL || (size_t)(slash - val) >= sizeof(addr))
		return want;
	memcpy(addr, val, slash - val);
	addr[slash - val] = '\0';
	if (parse_ipv4(addr, &ip) != 0 || !ipv4_is_host(ip) ||
	    parse_u64(slash + 1, 1, 32, &plen) != 0)
		return want;
	/* Below /31 the all-zeros and all-ones hosts are not addresses. */
	host = ip & ~prefix_mask((uint8_t)plen);
	if (plen <= 30 && (host == 0 || host == ~prefix_mask((uint8_t)plen)))
		return "is the network or broadcast address of its subnet";
	o->ip = ip;
	o->prefix_len = (uint8_t)plen;
	return NULL;
}

static const char *
opt_gw(struct sender_opts *o, const char *val)
{
	uint32_t ip;

	if (parse_ipv4(val, &ip) != 0 || !ipv4_is_host(ip))
		return "expected a unicast address A.B.C.D";
	o->gateway = ip;
	return NULL;
}

static const char *
opt_listen(struct sender_opts *o, const char *val)
{
	uint64_t v;

	if (parse_u64(val, 1, UINT16_MAX, &v) != 0)
		return "expected a TCP port 1..65535";
	o->listen_port = (uint16_t)v;
	return NULL;
}

static const char *
opt_root(struct sender_opts *o, const char *val)
{
	struct stat st;

	if (val[0] == '\0')
		return "expected a directory";
	if (realpath(val, o->root) == NULL)
		return strerror(errno);
	if (stat(o->root, &st) != 0)
		return strerror(errno);
	if (!S_ISDIR(st.st_mode))
		return "not a directory";
	o->has_root = true;
	return NULL;
}

static const char *
opt_plain(struct sender_opts *o, const char *val __rte_unused)
{
	o->plain = true;
	return NULL;
}

static const char *
opt_drop_rate(struct sender_opts *o, const char *val)
{
	double v;

	/* The library wants [0, 1): a rate of 1 would never deliver. */
	if (parse_double(val, 0.0, 1.0, &v) != 0 || v >= 1.0)
		return "expected a fraction P with 0 <= P < 1";
	o->drop_rate = v;
	return NULL;
}

static const char *
opt_drop_seed(struct sender_opts *o, const char *val)
{
	if (parse_u64(val, 0, UINT64_MAX, &o->drop_seed) != 0)
		return "expected an unsigned 64-bit integer (decimal or 0x hex)";
	return NULL;
}

static const char *
opt_stats_json(struct sender_opts *o, const char *val)
{
	/* FILE.tmp is written first, then renamed: it must fit too. */
	if (val[0] == '\0' || strlen(val) + sizeof(".tmp") > PATH_MAX)
		return "expected a file name";
	o->stats_json = val;
	return NULL;
}

static const char *
opt_stats_period(struct sender_opts *o, const char *val)
{
	double v;

	if (parse_double(val, 0.0, MAX_SECONDS, &v) != 0 || v <= 0.0)
		return "expected seconds, more than 0 and at most 86400";
	o->stats_period_s = v;
	return NULL;
}

static const char *
opt_exit_after(struct sender_opts *o, const char *val)
{
	if (parse_u64(val, 1, UINT64_MAX, &o->exit_after) != 0)
		return "expected a number of connections, at least 1";
	return NULL;
}

static const char *
opt_idle_timeout(struct sender_opts *o, const char *val)
{
	if (parse_double(val, 0.0, MAX_SECONDS, &o->idle_timeout_s) != 0)
		return "expected seconds 0..86400 (0 = never)";
	return NULL;
}

static const char *
opt_max_conns(struct sender_opts *o, const char *val)
{
	uint64_t v;

	if (parse_u64(val, 1, MAX_CONNS_LIMIT, &v) != 0)
		return "expected 1..4194304";
	o->max_conns = (uint32_t)v;
	return NULL;
}

static const char *
opt_sndbuf(struct sender_opts *o, const char *val)
{
	uint64_t v;

	if (parse_size(val, SNDBUF_MIN, SNDBUF_MAX, &v) != 0)
		return "expected bytes 4096..1G (suffix K, M or G allowed)";
	o->sndbuf = (uint32_t)v;
	return NULL;
}

static const char *
opt_cc(struct sender_opts *o, const char *val)
{
	if (strcmp(val, "cubic") == 0)
		o->cc = RTE_TLSOFF_CC_CUBIC;
	else if (strcmp(val, "newreno") == 0)
		o->cc = RTE_TLSOFF_CC_NEWRENO;
	else
		return "expected cubic or newreno";
	return NULL;
}

static const char *
opt_no_sack(struct sender_opts *o, const char *val __rte_unused)
{
	o->stack_flags |= RTE_TLSOFF_F_NO_SACK;
	return NULL;
}

static const char *
opt_no_timestamps(struct sender_opts *o, const char *val __rte_unused)
{
	o->stack_flags |= RTE_TLSOFF_F_NO_TIMESTAMPS;
	return NULL;
}

/* --help is handled by the parser loop; the row is for the usage text. */
static const struct opt_desc opt_tab[] = {
	{ "ip", "A.B.C.D/N", opt_ip,
		"address and prefix of the stack on port 0 (required)" },
	{ "gw", "A.B.C.D", opt_gw, "default gateway (inside the --ip subnet)" },
	{ "listen", "PORT", opt_listen, "TCP port to serve on (default 8443)" },
	{ "root", "DIR", opt_root,
		"serve the regular files under DIR (default: GET /bytes/N)" },
	{ "plain", NULL, opt_plain, "plain HTTP, no TLS (required for now)" },
	{ "drop-rate", "P", opt_drop_rate,
		"test loss injector: drop this fraction of data segments" },
	{ "drop-seed", "S", opt_drop_seed, "seed of the loss injector" },
	{ "stats-json", "FILE", opt_stats_json,
		"write every counter to FILE as JSON at exit" },
	{ "stats-period", "SEC", opt_stats_period,
		"print a one-line summary every SEC seconds" },
	{ "exit-after", "N", opt_exit_after,
		"exit once N connections were closed" },
	{ "idle-timeout", "SEC", opt_idle_timeout,
		"close connections idle between requests (default 60, 0 = never)" },
	{ "max-conns", "N", opt_max_conns, "connection table size (default 1024)" },
	{ "sndbuf", "BYTES", opt_sndbuf,
		"send buffer per connection (default 1M)" },
	{ "cc", "ALGO", opt_cc, "congestion control: cubic (default) or newreno" },
	{ "no-sack", NULL, opt_no_sack, "do not negotiate SACK" },
	{ "no-timestamps", NULL, opt_no_timestamps,
		"do not negotiate TCP timestamps" },
	{ "help", NULL, NULL, "show this help" },
};

void
sender_opts_usage(const char *prog)
{
	char left[40];
	unsigned int i;

	printf("Usage: %s [EAL options] -- [options]\n\n"
		"A plain HTTP/1.1 file server on librte_tlsoff (port 0).\n\n",
		prog);
	for (i = 0; i < RTE_DIM(opt_tab); i++) {
		const struct opt_desc *d = &opt_tab[i];

		snprintf(left, sizeof(left), "--%s%s%s", d->name,
			d->metavar ? " " : "", d->metavar ? d->metavar : "");
		printf("  %-24s %s\n", left, d->help);
	}
	printf("\nWith --root, GET and HEAD serve regular files below DIR; "
		"directories,\nspecial files and names leaving DIR (\"..\", "
		"symbolic links) are 404.\nWithout it, GET /bytes/N "
		"(N <= 2^40) returns N bytes where byte i is\nbyte i %% 8 "
		"(little-endian) of splitmix64(i / 8).\n");
}

static void
opts_defaults(struct sender_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->listen_port = DEFAULT_LISTEN_PORT;
	o->max_conns = DEFAULT_MAX_CONNS;
	o->idle_timeout_s = DEFAULT_IDLE_TIMEOUT_S;
	o->cc = RTE_TLSOFF_CC_CUBIC;
}

/*
 * getopt_long accepts unambiguous abbreviations (--list for --listen); we
 * do not, so that adding an option later cannot change what a script meant.
 */
static bool
spelled_in_full(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, "--", 2) == 0 && strncmp(arg + 2, name, n) == 0 &&
		(arg[2 + n] == '\0' || arg[2 + n] == '=');
}

/* Checks that involve more than one option. */
static int
opts_check(const struct sender_opts *o)
{
	uint32_t mask;

	if (!o->plain) {
		fprintf(stderr, PROG ": TLS mode is not available yet; use --plain\n");
		return -1;
	}
	if (o->ip == 0) {
		fprintf(stderr, PROG ": --ip A.B.C.D/N is required\n");
		return -1;
	}
	mask = prefix_mask(o->prefix_len);
	if (o->gateway != 0 &&
	    (((o->gateway ^ o->ip) & mask) != 0 || o->gateway == o->ip)) {
		struct in_addr a = { .s_addr = htonl(o->gateway) };

		fprintf(stderr, PROG ": --gw: invalid value '%s': must be another "
			"address inside the --ip subnet\n", inet_ntoa(a));
		return -1;
	}
	return 0;
}

static void
opts_long_table(struct option *lo)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(opt_tab); i++) {
		lo[i].name = opt_tab[i].name;
		lo[i].has_arg = opt_tab[i].metavar ? required_argument :
			no_argument;
		lo[i].flag = NULL;
		lo[i].val = OPT_VAL_BASE + (int)i;
	}
	memset(&lo[i], 0, sizeof(lo[i]));
}

/* Message for what getopt_long refused: @c is '?' or ':'. */
static void
opts_refused(int c, const char *arg)
{
	const struct opt_desc *d = NULL;

	if (optopt >= OPT_VAL_BASE &&
	    optopt < OPT_VAL_BASE + (int)RTE_DIM(opt_tab))
		d = &opt_tab[optopt - OPT_VAL_BASE];
	if (c == ':' && d != NULL)
		fprintf(stderr, PROG ": --%s needs a value (%s)\n", d->name,
			d->metavar);
	else if (d != NULL)
		fprintf(stderr, PROG ": --%s takes no value: '%s'\n", d->name,
			arg);
	else
		fprintf(stderr, PROG ": unknown option '%s'\n", arg);
}

enum sender_opts_result
sender_opts_parse(int argc, char **argv, struct sender_opts *o)
{
	struct option lo[RTE_DIM(opt_tab) + 1];
	const char *prog = argc > 0 ? argv[0] : PROG;
	int c, idx, cur;

	opts_defaults(o);
	opts_long_table(lo);
	opterr = 0;     /* our messages name the option and the value */
	optind = 1;
	/* '+': stop at the first non-option; ':': report missing values. */
	for (cur = optind; (c = getopt_long(argc, argv, "+:h", lo, &idx)) != -1;
	     cur = optind) {
		const struct opt_desc *d;
		const char *why;

		if (c == 'h') {
			sender_opts_usage(prog);
			return SENDER_OPTS_HELP;
		}
		if (c == '?' || c == ':') {
			opts_refused(c, argv[cur]);
			return SENDER_OPTS_ERROR;
		}
		d = &opt_tab[c - OPT_VAL_BASE];
		if (!spelled_in_full(argv[cur], d->name)) {
			fprintf(stderr, PROG ": unknown option '%s' (did you "
				"mean --%s?)\n", argv[cur], d->name);
			return SENDER_OPTS_ERROR;
		}
		if (d->parse == NULL) {
			sender_opts_usage(prog);
			return SENDER_OPTS_HELP;
		}
		why = d->parse(o, optarg);
		if (why != NULL) {
			fprintf(stderr, PROG ": --%s: invalid value '%s': %s\n",
				d->name, optarg, why);
			return SENDER_OPTS_ERROR;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return SENDER_OPTS_ERROR;
	}
	return opts_check(o) == 0 ? SENDER_OPTS_RUN : SENDER_OPTS_ERROR;
}
