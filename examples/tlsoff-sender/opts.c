/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Command line parsing. Every option is one row of opt_tab: its name, what
 * its value looks like, the function that validates and stores it, and its
 * help line. A new option (--pcap ...) is one more row and one more small
 * function. Rows marked tls only make sense in TLS mode and are refused
 * with --plain.
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
#include <unistd.h>

#include <openssl/ssl.h>

#include <rte_common.h>
#include <rte_tlsoff_tls.h>

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
	bool tls;              /* a TLS option: refused with --plain */
};

/* ---- names of option values ---- */

static const char *const cipher_names[] = {
	[SENDER_CIPHER_AUTO] = "auto",
	[SENDER_CIPHER_AES128GCM] = "aes128gcm",
	[SENDER_CIPHER_AES256GCM] = "aes256gcm",
	[SENDER_CIPHER_CHACHA20] = "chacha20",
};

/*
 * --offload values. "mlx5" and "auto" both mean: a ConnectX with TLS TX if
 * one is present, else the NIC model (rte_tlsoff_offload_name() tells).
 * A row marked unavailable is refused as "not available" (not "unknown").
 */
static const struct {
	const char *name;
	bool available;
	enum sender_offload value;
} offload_tab[] = {
	{ "sw", true, SENDER_OFFLOAD_SW },
	{ "mlx5", true, SENDER_OFFLOAD_MLX5 },
	{ "auto", true, SENDER_OFFLOAD_AUTO },
};

static const struct {
	const char *name;
	enum rte_tlsoff_crypto value;
	bool built_in;
} crypto_tab[] = {
	{ "auto", RTE_TLSOFF_CRYPTO_AUTO, true },
	{ "openssl", RTE_TLSOFF_CRYPTO_OPENSSL, true },
#ifdef SENDER_HAVE_IPSEC_MB
	{ "ipsec-mb", RTE_TLSOFF_CRYPTO_IPSEC_MB, true },
#else
	{ "ipsec-mb", RTE_TLSOFF_CRYPTO_IPSEC_MB, false },
#endif
};

const char *
sender_cipher_name(enum sender_cipher c)
{
	return (unsigned int)c < RTE_DIM(cipher_names) ? cipher_names[c] : "?";
}

const char *
sender_offload_name(enum sender_offload o)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(offload_tab); i++)
		if (offload_tab[i].available && offload_tab[i].value == o)
			return offload_tab[i].name;
	return "?";
}

const char *
sender_crypto_name(enum rte_tlsoff_crypto c)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(crypto_tab); i++)
		if (crypto_tab[i].value == c)
			return crypto_tab[i].name;
	return "?";
}

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

/* A file we will read: it must exist and be readable now. */
static const char *
readable_file(const char *val)
{
	struct stat st;

	if (val[0] == '\0')
		return "expected a file name";
	if (stat(val, &st) != 0 || access(val, R_OK) != 0)
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	return NULL;
}

static const char *
opt_cert(struct sender_opts *o, const char *val)
{
	const char *why = readable_file(val);

	if (why == NULL)
		o->cert_file = val;
	return why;
}

static const char *
opt_key(struct sender_opts *o, const char *val)
{
	const char *why = readable_file(val);

	if (why == NULL)
		o->key_file = val;
	return why;
}

static const char *
opt_tls_version(struct sender_opts *o, const char *val)
{
	if (strcmp(val, "1.2") == 0) {
		o->tls_min_version = TLS1_2_VERSION;
		o->tls_max_version = TLS1_2_VERSION;
	} else if (strcmp(val, "1.3") == 0) {
		o->tls_min_version = TLS1_3_VERSION;
		o->tls_max_version = TLS1_3_VERSION;
	} else if (strcmp(val, "auto") == 0) {
		o->tls_min_version = TLS1_2_VERSION;
		o->tls_max_version = TLS1_3_VERSION;
	} else {
		return "expected 1.2, 1.3 or auto";
	}
	return NULL;
}

static const char *
opt_cipher(struct sender_opts *o, const char *val)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(cipher_names); i++) {
		if (strcmp(val, cipher_names[i]) == 0) {
			o->cipher = (enum sender_cipher)i;
			return NULL;
		}
	}
	return "expected aes128gcm, aes256gcm, chacha20 or auto";
}

static const char *
opt_offload(struct sender_opts *o, const char *val)
{
	static char why[128];
	size_t len;
	unsigned int i;
	bool known = false;

	for (i = 0; i < RTE_DIM(offload_tab); i++) {
		if (strcmp(val, offload_tab[i].name) != 0)
			continue;
		if (offload_tab[i].available) {
			o->offload = offload_tab[i].value;
			return NULL;
		}
		known = true;
	}
	len = (size_t)snprintf(why, sizeof(why), "%s; available:",
		known ? "not available in this build" : "unknown");
	for (i = 0; i < RTE_DIM(offload_tab) && len < sizeof(why); i++)
		if (offload_tab[i].available)
			len += (size_t)snprintf(why + len, sizeof(why) - len,
				" %s", offload_tab[i].name);
	return why;
}

static const char *
opt_crypto(struct sender_opts *o, const char *val)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(crypto_tab); i++) {
		if (strcmp(val, crypto_tab[i].name) != 0)
			continue;
		if (!crypto_tab[i].built_in)
			return "intel-ipsec-mb is not built into this librte_tlsoff "
				"(use openssl or auto)";
		o->crypto = crypto_tab[i].value;
		return NULL;
	}
	return "expected openssl, ipsec-mb or auto";
}

static const char *
opt_record_size(struct sender_opts *o, const char *val)
{
	uint64_t v;

	if (parse_u64(val, 1, RTE_TLSOFF_TLS_MAX_RECORD, &v) != 0)
		return "expected plaintext bytes per record, 1..16384";
	o->record_size = (uint32_t)v;
	return NULL;
}

static const char *
opt_keylog(struct sender_opts *o, const char *val)
{
	if (val[0] == '\0')
		return "expected a file name";
	o->keylog_file = val;
	return NULL;
}

static const char *
opt_pcap(struct sender_opts *o, const char *val)
{
	if (val[0] == '\0')
		return "expected a file name";
	o->pcap_file = val;
	return NULL;
}

static const char *
opt_test_no_resync(struct sender_opts *o, const char *val)
{
	(void)val;
	o->test_no_resync = true;
	return NULL;
}

/* --help is handled by the parser loop; the row is for the usage text. */
static const struct opt_desc opt_tab[] = {
	{ "ip", "A.B.C.D/N", opt_ip,
		"address and prefix of the stack on port 0 (required)", false },
	{ "gw", "A.B.C.D", opt_gw, "default gateway (inside the --ip subnet)",
		false },
	{ "listen", "PORT", opt_listen, "TCP port to serve on (default 8443)",
		false },
	{ "root", "DIR", opt_root,
		"serve the regular files under DIR (default: GET /bytes/N)", false },
	{ "plain", NULL, opt_plain, "plain HTTP, no TLS (default: HTTPS)", false },
	{ "cert", "FILE", opt_cert,
		"certificate chain, PEM (default: ephemeral, see below)", true },
	{ "key", "FILE", opt_key, "private key of --cert, PEM", true },
	{ "tls-version", "V", opt_tls_version,
		"1.2, 1.3 or auto = 1.2..1.3 (default auto)", true },
	{ "cipher", "C", opt_cipher,
		"aes128gcm, aes256gcm, chacha20 or auto (default)", true },
	{ "offload", "WHERE", opt_offload,
		"where records are encrypted: sw (default), mlx5 or auto (a "
		"ConnectX if present, else the NIC model)", true },
	{ "pcap", "FILE", opt_pcap,
		"write the frames the NIC model sends to FILE (pcap)", true },
	{ "test-no-resync", NULL, opt_test_no_resync,
		"TEST ONLY: never resync the NIC (clients must fail)", true },
	{ "crypto", "ENGINE", opt_crypto,
		"sw sealing engine: openssl, ipsec-mb or auto (default)", true },
	{ "record-size", "N", opt_record_size,
		"plaintext bytes per data record, 1..16384 (default 16384)",
		true },
	{ "keylog", "FILE", opt_keylog,
		"append the session secrets to FILE (NSS key log format)", true },
	{ "drop-rate", "P", opt_drop_rate,
		"test loss injector: drop this fraction of data segments", false },
	{ "drop-seed", "S", opt_drop_seed, "seed of the loss injector", false },
	{ "stats-json", "FILE", opt_stats_json,
		"write every counter to FILE as JSON at exit", false },
	{ "stats-period", "SEC", opt_stats_period,
		"print a one-line summary every SEC seconds", false },
	{ "exit-after", "N", opt_exit_after,
		"exit once N connections were closed", false },
	{ "idle-timeout", "SEC", opt_idle_timeout,
		"close connections idle between requests (default 60, 0 = never)",
		false },
	{ "max-conns", "N", opt_max_conns, "connection table size (default 1024)",
		false },
	{ "sndbuf", "BYTES", opt_sndbuf,
		"send buffer per connection (default 1M)", false },
	{ "cc", "ALGO", opt_cc, "congestion control: cubic (default) or newreno",
		false },
	{ "no-sack", NULL, opt_no_sack, "do not negotiate SACK", false },
	{ "no-timestamps", NULL, opt_no_timestamps,
		"do not negotiate TCP timestamps", false },
	{ "help", NULL, NULL, "show this help", false },
};

void
sender_opts_usage(const char *prog)
{
	char left[40];
	unsigned int i;

	printf("Usage: %s [EAL options] -- [options]\n\n"
		"An HTTP/1.1 file server over TLS 1.2/1.3 (or plain HTTP with "
		"--plain)\non librte_tlsoff (port 0).\n\n", prog);
	for (i = 0; i < RTE_DIM(opt_tab); i++) {
		const struct opt_desc *d = &opt_tab[i];

		snprintf(left, sizeof(left), "--%s%s%s", d->name,
			d->metavar ? " " : "", d->metavar ? d->metavar : "");
		printf("  %-24s %s\n", left, d->help);
	}
	printf("\nWith --root, GET and HEAD serve regular files below DIR; "
		"directories,\nspecial files and symbolic links leaving DIR are "
		"404; a \"..\" segment is 400.\nWithout it, GET /bytes/N "
		"(N <= 2^40) returns N bytes where byte i is\nbyte i %% 8 "
		"(little-endian) of splitmix64(i / 8).\n");
	printf("\nTLS: without --cert/--key an ephemeral self-signed "
		"certificate is made at\nstart (ECDSA P-256, CN tlsoff-sender, "
		"subjectAltName IP of --ip, valid\n1 day): clients must skip "
		"verification (curl -k). Suites by --cipher:\n"
		"  aes128gcm  TLS_AES_128_GCM_SHA256        "
		"ECDHE-ECDSA-AES128-GCM-SHA256\n"
		"  aes256gcm  TLS_AES_256_GCM_SHA384        "
		"ECDHE-ECDSA-AES256-GCM-SHA384\n"
		"  chacha20   TLS_CHACHA20_POLY1305_SHA256  "
		"ECDHE-ECDSA-CHACHA20-POLY1305\n"
		"  auto       all three, the server preferring them in this "
		"order\n"
		"(ECDHE-RSA-... with an RSA key). OpenSSL runs the handshake "
		"and reads\nrequests; librte_tlsoff frames and seals the "
		"response records (engine:\n--crypto). --keylog lets Wireshark "
		"decrypt a capture. The TLS options are\nrefused with --plain."
		" --stats-json adds tls.handshakes, tls.handshake_failures,\n"
		"tls.version and tls.cipher (of the last handshake), "
		"crypto.engine, offload\nand mode.\n");
}

static void
opts_defaults(struct sender_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->listen_port = DEFAULT_LISTEN_PORT;
	o->max_conns = DEFAULT_MAX_CONNS;
	o->idle_timeout_s = DEFAULT_IDLE_TIMEOUT_S;
	o->cc = RTE_TLSOFF_CC_CUBIC;
	o->tls_min_version = TLS1_2_VERSION;
	o->tls_max_version = TLS1_3_VERSION;
	o->cipher = SENDER_CIPHER_AUTO;
	o->offload = SENDER_OFFLOAD_SW;
	o->crypto = RTE_TLSOFF_CRYPTO_AUTO;
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

	if (o->plain && o->tls_option != NULL) {
		fprintf(stderr, PROG ": --%s is a TLS option; it cannot be used "
			"with --plain\n", o->tls_option);
		return -1;
	}
	if ((o->cert_file == NULL) != (o->key_file == NULL)) {
		fprintf(stderr, PROG ": --%s needs --%s too (or neither, for an "
			"ephemeral certificate)\n", o->cert_file ? "cert" : "key",
			o->cert_file ? "key" : "cert");
		return -1;
	}
	if ((o->pcap_file != NULL || o->test_no_resync) &&
	    o->offload == SENDER_OFFLOAD_SW) {
		fprintf(stderr, PROG ": --%s needs a NIC: --offload mlx5 or "
			"auto\n", o->pcap_file ? "pcap" : "test-no-resync");
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
		if (d->tls && o->tls_option == NULL)
			o->tls_option = d->name;
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
