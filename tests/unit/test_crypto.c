/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The software AEAD engines (OpenSSL, intel-ipsec-mb) against Wycheproof,
 * the RFC 8448 record, and each other on seeded random inputs; plus key
 * handling (rekey, wipe) and the constant-time helpers. No stack is made.
 * No EAL facility is used; th_main() brings EAL up anyway, as for every
 * suite.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "crypto/aead.h"
#include "harness.h"

#ifndef TLSOFF_VECTORS_DIR
#error "TLSOFF_VECTORS_DIR must name shared/vectors (see tests/unit/meson.build)"
#endif

/* ---- reporting ---- */

static char skip_why[256];   /* th_skip() keeps the pointer: one case at a time */

static void __rte_format_printf(2, 3)
cr_skip(struct th *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(skip_why, sizeof(skip_why), fmt, ap);
	va_end(ap);
	th_skip(t, skip_why);
}

/* A TAP diagnostic line (before the case's own line). */
static void __rte_format_printf(1, 2)
diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/*
 * In loops over thousands of inputs: report the first few failures in
 * detail, the rest only by the count the caller checks at the end.
 */
#define LOOP_CHECK(t, nbad, cond, ...) do { \
	bool ok_ = (cond); \
	if (!ok_ && (nbad)++ < 3) \
		th_check((t), false, __FILE__, __LINE__, #cond, \
			"" __VA_ARGS__); \
} while (0)

/* ---- helpers ---- */

/* xorshift64*: a fixed seed per case, so every failure reproduces. */
struct rng {
	uint64_t s;
};

static uint64_t
rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

static uint32_t
rnd_below(struct rng *r, uint32_t n)
{
	return n == 0 ? 0 : (uint32_t)(rnd(r) % n);
}

/* Inclusive. */
static uint32_t
rnd_in(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + rnd_below(r, hi - lo + 1);
}

static void
rnd_fill(struct rng *r, uint8_t *p, size_t n)
{
	while (n > 0) {
		uint64_t v = rnd(r);
		size_t k = RTE_MIN(n, sizeof(v));

		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}

/* Offset of the first differing byte, or -1. */
static long
first_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return (long)i;
	return -1;
}

static bool
contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
	size_t i;

	for (i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return true;
	return false;
}

static bool
all_zero(const uint8_t *p, size_t n, size_t *nonzero)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += p[i] != 0;
	*nonzero = k;
	return k == 0;
}

static const enum tlsoff_cipher all_ciphers[] = {
	TLSOFF_CIPHER_AES_128_GCM,
	TLSOFF_CIPHER_AES_256_GCM,
	TLSOFF_CIPHER_CHACHA20_POLY1305,
};

/*
 * Bring up an engine instance. False when the case cannot go on: either a
 * failure was recorded, or skip_why says why the engine is not here.
 */
static bool
engine_up(struct th *t, struct tlsoff_crypto *cr, enum tlsoff_engine e)
{
	int rc;

#ifndef TLSOFF_HAVE_IPSEC_MB
	if (e == TLSOFF_ENGINE_IPSEC_MB) {
		cr_skip(t, "intel-ipsec-mb not built in (TLSOFF_HAVE_IPSEC_MB undefined)");
		return false;
	}
#endif
	rc = tlsoff_crypto_init(cr, e);
	if (rc == -ENOTSUP && e == TLSOFF_ENGINE_IPSEC_MB) {
		cr_skip(t, "intel-ipsec-mb cannot run on this CPU");
		return false;
	}
	TH_CHECK(t, rc == 0, "tlsoff_crypto_init(%s) = %d",
		tlsoff_engine_name(e), rc);
	return rc == 0;
}

/* Key objects are 64-byte aligned and ~2.6 KB: never on the stack. */
static struct tlsoff_aead *
aead_new(struct th *t, struct tlsoff_crypto *cr)
{
	struct tlsoff_aead *a = aligned_alloc(64, sizeof(*a));
	int rc;

	TH_CHECK(t, a != NULL, "out of memory");
	if (a == NULL)
		return NULL;
	memset(a, 0, sizeof(*a));
	rc = tlsoff_aead_setup(a, cr);
	TH_CHECK(t, rc == 0, "tlsoff_aead_setup = %d", rc);
	if (rc != 0) {
		free(a);
		return NULL;
	}
	return a;
}

static void
aead_free(struct tlsoff_aead *a)
{
	if (a == NULL)
		return;
	tlsoff_aead_teardown(a);
	free(a);
}

/* ---- a strict JSON scanner, just enough for Wycheproof ---- */

struct js {
	const char *buf;
	size_t len;
	size_t pos;
	bool failed;
	size_t err_pos;
	char err[96];
};

static bool __rte_format_printf(2, 3)
js_fail(struct js *j, const char *fmt, ...)
{
	va_list ap;

	if (j->failed)
		return false;
	j->failed = true;
	j->err_pos = j->pos;
	va_start(ap, fmt);
	vsnprintf(j->err, sizeof(j->err), fmt, ap);
	va_end(ap);
	return false;
}

static void
js_ws(struct js *j)
{
	while (j->pos < j->len && (j->buf[j->pos] == ' ' ||
	       j->buf[j->pos] == '\t' || j->buf[j->pos] == '\r' ||
	       j->buf[j->pos] == '\n'))
		j->pos++;
}

static bool
js_peek(struct js *j, char c)
{
	js_ws(j);
	return j->pos < j->len && j->buf[j->pos] == c;
}

static bool
js_expect(struct js *j, char c)
{
	if (!js_peek(j, c))
		return js_fail(j, "expected '%c'", c);
	j->pos++;
	return true;
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		(c >= 'A' && c <= 'F');
}

/* A string's raw bytes between the quotes (escapes checked, not decoded). */
static bool
js_string(struct js *j, const char **s, size_t *n)
{
	size_t start;

	if (!js_expect(j, '"'))
		return false;
	start = j->pos;
	while (j->pos < j->len) {
		char c = j->buf[j->pos];

		if (c == '"') {
			*s = j->buf + start;
			*n = j->pos - start;
			j->pos++;
			return true;
		}
		if ((unsigned char)c < 0x20)
			return js_fail(j, "control character in string");
		if (c == '\\') {
			j->pos++;
			if (j->pos >= j->len)
				break;
			c = j->buf[j->pos];
			if (c == 'u') {
				unsigned int k;

				for (k = 1; k <= 4; k++)
					if (j->pos + k >= j->len ||
					    !is_hex(j->buf[j->pos + k]))
						return js_fail(j, "bad \\u escape");
				j->pos += 4;
			} else if (c == '\0' || strchr("\"\\/bfnrt", c) == NULL) {
				return js_fail(j, "bad escape");
			}
		}
		j->pos++;
	}
	return js_fail(j, "unterminated string");
}

static bool
js_digits(struct js *j)
{
	size_t start = j->pos;

	while (j->pos < j->len && j->buf[j->pos] >= '0' && j->buf[j->pos] <= '9')
		j->pos++;
	return j->pos > start || js_fail(j, "expected a digit");
}

/* Any JSON number; *integer tells whether it had no fraction or exponent. */
static bool
js_number(struct js *j, const char **s, size_t *n, bool *integer)
{
	size_t start;

	js_ws(j);
	start = j->pos;
	*integer = true;
	if (j->pos < j->len && j->buf[j->pos] == '-')
		j->pos++;
	if (j->pos < j->len && j->buf[j->pos] == '0')
		j->pos++;
	else if (!js_digits(j))
		return false;
	if (j->pos < j->len && j->buf[j->pos] == '.') {
		j->pos++;
		*integer = false;
		if (!js_digits(j))
			return false;
	}
	if (j->pos < j->len && (j->buf[j->pos] == 'e' || j->buf[j->pos] == 'E')) {
		j->pos++;
		*integer = false;
		if (j->pos < j->len && (j->buf[j->pos] == '+' || j->buf[j->pos] == '-'))
			j->pos++;
		if (!js_digits(j))
			return false;
	}
	*s = j->buf + start;
	*n = j->pos - start;
	return true;
}

static bool
js_int(struct js *j, long *v)
{
	const char *s;
	size_t n;
	bool integer;
	long x = 0;
	size_t i;

	if (!js_number(j, &s, &n, &integer))
		return false;
	if (!integer || n > 9)
		return js_fail(j, "expected a small integer");
	for (i = s[0] == '-' ? 1 : 0; i < n; i++)
		x = x * 10 + (s[i] - '0');
	*v = s[0] == '-' ? -x : x;
	return true;
}

static bool
js_literal(struct js *j, const char *lit)
{
	size_t n = strlen(lit);

	if (j->len - j->pos < n || memcmp(j->buf + j->pos, lit, n) != 0)
		return js_fail(j, "unexpected character");
	j->pos += n;
	return true;
}

/*
 * Members of an object: after js_expect('{'), call until false; false with
 * !j->failed means the closing brace was consumed.
 */
static bool
js_member(struct js *j, bool *first, const char **key, size_t *key_len)
{
	if (js_peek(j, '}')) {
		j->pos++;
		return false;
	}
	if (!*first && !js_expect(j, ','))
		return false;
	*first = false;
	return js_string(j, key, key_len) && js_expect(j, ':');
}

/* Elements of an array, the same way. */
static bool
js_element(struct js *j, bool *first)
{
	if (js_peek(j, ']')) {
		j->pos++;
		return false;
	}
	if (!*first && !js_expect(j, ','))
		return false;
	*first = false;
	return true;
}

static bool
js_skip(struct js *j, unsigned int depth)
{
	const char *s;
	size_t n;
	bool first = true, integer;

	if (depth > 32)
		return js_fail(j, "nested too deep");
	js_ws(j);
	if (j->pos >= j->len)
		return js_fail(j, "unexpected end");
	switch (j->buf[j->pos]) {
	case '{':
		j->pos++;
		while (js_member(j, &first, &s, &n))
			if (!js_skip(j, depth + 1))
				return false;
		return !j->failed;
	case '[':
		j->pos++;
		while (js_element(j, &first))
			if (!js_skip(j, depth + 1))
				return false;
		return !j->failed;
	case '"':
		return js_string(j, &s, &n);
	case 't':
		return js_literal(j, "true");
	case 'f':
		return js_literal(j, "false");
	case 'n':
		return js_literal(j, "null");
	default:
		return js_number(j, &s, &n, &integer);
	}
}

static bool
key_is(const char *k, size_t n, const char *name)
{
	return n == strlen(name) && memcmp(k, name, n) == 0;
}

/* ---- Wycheproof AEAD files ---- */

struct span {
	const char *s;
	size_t n;
};

struct wy_group {
	long key_bits, iv_bits, tag_bits;
};

enum { WY_KEY, WY_IV, WY_AAD, WY_MSG, WY_CT, WY_TAG, WY_RESULT, WY_NFIELDS };
static const char *const wy_field_names[WY_NFIELDS] = {
	"key", "iv", "aad", "msg", "ct", "tag", "result",
};

struct wy_test {
	long tc_id;
	struct span f[WY_NFIELDS];
};

typedef void (*wy_fn)(void *ctx, const struct wy_group *g,
		const struct wy_test *v);

static bool
wy_test_obj(struct js *j, const struct wy_group *g, wy_fn fn, void *ctx)
{
	struct wy_test v;
	unsigned int have = 0, i;
	bool first = true;
	const char *k;
	size_t kn;

	memset(&v, 0, sizeof(v));
	if (!js_expect(j, '{'))
		return false;
	while (js_member(j, &first, &k, &kn)) {
		bool known = false;

		if (key_is(k, kn, "tcId")) {
			if (have & (1u << WY_NFIELDS))
				return js_fail(j, "duplicate tcId");
			have |= 1u << WY_NFIELDS;
			if (!js_int(j, &v.tc_id))
				return false;
			continue;
		}
		for (i = 0; i < WY_NFIELDS; i++) {
			if (!key_is(k, kn, wy_field_names[i]))
				continue;
			if (have & (1u << i))
				return js_fail(j, "duplicate \"%s\"",
					wy_field_names[i]);
			have |= 1u << i;
			known = true;
			if (!js_string(j, &v.f[i].s, &v.f[i].n))
				return false;
		}
		if (!known && !js_skip(j, 2))
			return false;
	}
	if (j->failed)
		return false;
	if (have != (1u << (WY_NFIELDS + 1)) - 1)
		return js_fail(j, "test object lacks a field (have 0x%x)", have);
	fn(ctx, g, &v);
	return true;
}

static bool
wy_group_obj(struct js *j, wy_fn fn, void *ctx, long *ntests)
{
	struct wy_group g = { -1, -1, -1 };
	size_t tests_at = SIZE_MAX, end;
	bool first = true, efirst = true;
	const char *k;
	size_t kn;

	if (!js_expect(j, '{'))
		return false;
	while (js_member(j, &first, &k, &kn)) {
		long *dst = NULL;

		if (key_is(k, kn, "keySize"))
			dst = &g.key_bits;
		else if (key_is(k, kn, "ivSize"))
			dst = &g.iv_bits;
		else if (key_is(k, kn, "tagSize"))
			dst = &g.tag_bits;
		if (dst != NULL) {
			if (*dst != -1)
				return js_fail(j, "duplicate size");
			if (!js_int(j, dst))
				return false;
			if (*dst < 0)
				return js_fail(j, "negative size");
			continue;
		}
		if (key_is(k, kn, "tests")) {
			if (tests_at != SIZE_MAX)
				return js_fail(j, "duplicate \"tests\"");
			js_ws(j);
			tests_at = j->pos;
		}
		if (!js_skip(j, 2))
			return false;
	}
	if (j->failed)
		return false;
	if (g.key_bits < 0 || g.iv_bits < 0 || g.tag_bits < 0 ||
	    tests_at == SIZE_MAX)
		return js_fail(j, "test group lacks keySize/ivSize/tagSize/tests");
	/* Sizes may follow the tests: walk them again now the sizes are known. */
	end = j->pos;
	j->pos = tests_at;
	if (!js_expect(j, '['))
		return false;
	while (js_element(j, &efirst)) {
		if (!wy_test_obj(j, &g, fn, ctx))
			return false;
		(*ntests)++;
	}
	if (j->failed)
		return false;
	j->pos = end;
	return true;
}

/* Walk a whole file; checks numberOfTests against the tests walked. */
static bool
wy_walk(struct js *j, wy_fn fn, void *ctx)
{
	long declared = -1, ntests = 0;
	bool first = true, groups = false;
	const char *k;
	size_t kn;

	if (!js_expect(j, '{'))
		return false;
	while (js_member(j, &first, &k, &kn)) {
		if (key_is(k, kn, "numberOfTests")) {
			if (!js_int(j, &declared))
				return false;
		} else if (key_is(k, kn, "testGroups")) {
			bool efirst = true;

			if (groups)
				return js_fail(j, "duplicate testGroups");
			groups = true;
			if (!js_expect(j, '['))
				return false;
			while (js_element(j, &efirst))
				if (!wy_group_obj(j, fn, ctx, &ntests))
					return false;
			if (j->failed)
				return false;
		} else if (!js_skip(j, 1)) {
			return false;
		}
	}
	if (j->failed)
		return false;
	js_ws(j);
	if (j->pos != j->len)
		return js_fail(j, "data after the top-level object");
	if (!groups)
		return js_fail(j, "no testGroups");
	if (declared != ntests)
		return js_fail(j, "numberOfTests is %ld but the file has %ld",
			declared, ntests);
	return true;
}

/* Hex to bytes into a fresh buffer (at least one byte, so never NULL). */
static uint8_t *
unhex(const struct span *sp, size_t *n)
{
	uint8_t *out;
	size_t i;

	if (sp->n % 2 != 0)
		return NULL;
	out = malloc(sp->n / 2 + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i < sp->n; i++) {
		char c = sp->s[i];
		unsigned int v;

		if (c >= '0' && c <= '9')
			v = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = (unsigned int)(c - 'A' + 10);
		else {
			free(out);
			return NULL;
		}
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	*n = sp->n / 2;
	return out;
}

struct wy_param {
	enum tlsoff_engine engine;
	const char *file;
	bool chacha;
};

struct wy_run {
	struct th *t;
	const struct wy_param *p;
	struct tlsoff_aead *a;
	unsigned int valid, invalid, skip_aes192, skip_sizes;
	unsigned int nbad;
};

static void
wy_check(void *ctx, const struct wy_group *g, const struct wy_test *v)
{
	struct wy_run *r = ctx;
	struct th *t = r->t;
	enum tlsoff_cipher c;
	uint8_t *b[WY_RESULT] = { NULL };
	size_t n[WY_RESULT] = { 0 };
	const struct span *res = &v->f[WY_RESULT];
	bool valid, invalid;
	uint8_t *out = NULL, tag[TLSOFF_AEAD_TAG_LEN];
	unsigned int i;
	long id = v->tc_id;
	int rc;

	/* TLS uses 96-bit nonces and 128-bit tags only. */
	if (g->iv_bits != 96 || g->tag_bits != 128) {
		r->skip_sizes++;
		return;
	}
	if (r->p->chacha && g->key_bits == 256) {
		c = TLSOFF_CIPHER_CHACHA20_POLY1305;
	} else if (!r->p->chacha && g->key_bits == 128) {
		c = TLSOFF_CIPHER_AES_128_GCM;
	} else if (!r->p->chacha && g->key_bits == 256) {
		c = TLSOFF_CIPHER_AES_256_GCM;
	} else if (!r->p->chacha && g->key_bits == 192) {
		r->skip_aes192++;
		return;
	} else {
		TH_CHECK(t, false, "tcId %ld: unexpected keySize %ld", id,
			g->key_bits);
		return;
	}

	valid = key_is(res->s, res->n, "valid") ||
		key_is(res->s, res->n, "acceptable");
	invalid = key_is(res->s, res->n, "invalid");
	TH_CHECK(t, valid || invalid, "tcId %ld: result \"%.*s\"", id,
		(int)res->n, res->s);
	for (i = 0; i < WY_RESULT; i++) {
		b[i] = unhex(&v->f[i], &n[i]);
		TH_CHECK(t, b[i] != NULL, "tcId %ld: \"%s\" is not hex", id,
			wy_field_names[i]);
	}
	if (!valid && !invalid)
		goto out;
	for (i = 0; i < WY_RESULT; i++)
		if (b[i] == NULL)
			goto out;
	/* A 96/128 group whose fields disagree with it is a broken file. */
	if (n[WY_KEY] * 8 != (size_t)g->key_bits ||
	    n[WY_IV] != TLSOFF_AEAD_NONCE_LEN ||
	    n[WY_TAG] != TLSOFF_AEAD_TAG_LEN || n[WY_CT] != n[WY_MSG]) {
		TH_CHECK(t, false, "tcId %ld: key/iv/tag/ct sizes %zu/%zu/%zu/%zu disagree with the group",
			id, n[WY_KEY], n[WY_IV], n[WY_TAG], n[WY_CT]);
		goto out;
	}
	out = malloc(n[WY_MSG] + 1);
	TH_CHECK(t, out != NULL, "out of memory");
	if (out == NULL)
		goto out;

	rc = tlsoff_aead_set_key(r->a, c, b[WY_KEY]);
	TH_CHECK(t, rc == 0, "tcId %ld: set_key = %d", id, rc);
	if (rc != 0)
		goto out;
	if (valid) {
		long d;

		r->valid++;
		tlsoff_aead_seal(r->a, b[WY_IV], b[WY_AAD], (uint32_t)n[WY_AAD],
			b[WY_MSG], out, (uint32_t)n[WY_MSG], tag);
		d = first_diff(out, b[WY_CT], n[WY_CT]);
		LOOP_CHECK(t, r->nbad, d < 0,
			"tcId %ld: sealed ciphertext differs at byte %ld", id, d);
		LOOP_CHECK(t, r->nbad, memcmp(tag, b[WY_TAG], sizeof(tag)) == 0,
			"tcId %ld: sealed tag differs", id);
		memset(out, 0x5a, n[WY_MSG]);
		rc = tlsoff_aead_open(r->a, b[WY_IV], b[WY_AAD],
			(uint32_t)n[WY_AAD], b[WY_CT], out, (uint32_t)n[WY_CT],
			b[WY_TAG]);
		LOOP_CHECK(t, r->nbad, rc == 0, "tcId %ld: open = %d", id, rc);
		LOOP_CHECK(t, r->nbad, memcmp(out, b[WY_MSG], n[WY_MSG]) == 0,
			"tcId %ld: opened plaintext differs", id);
	} else {
		r->invalid++;
		rc = tlsoff_aead_open(r->a, b[WY_IV], b[WY_AAD],
			(uint32_t)n[WY_AAD], b[WY_CT], out, (uint32_t)n[WY_CT],
			b[WY_TAG]);
		LOOP_CHECK(t, r->nbad, rc == -EBADMSG,
			"tcId %ld: invalid vector opened with %d, not -EBADMSG",
			id, rc);
	}
out:
	for (i = 0; i < WY_RESULT; i++)
		free(b[i]);
	free(out);
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf != NULL) {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

static void
test_wycheproof(struct th *t, const struct wy_param *p)
{
	struct tlsoff_crypto cr;
	struct wy_run r;
	struct js j;
	char path[512];
	size_t len = 0, line = 1, i;
	char *buf;

	snprintf(path, sizeof(path), "%s/wycheproof/%s", TLSOFF_VECTORS_DIR,
		p->file);
	buf = read_file(path, &len);
	if (buf == NULL && errno == ENOENT) {
		cr_skip(t, "vectors not found at %s", path);
		return;
	}
	TH_CHECK(t, buf != NULL, "cannot read %s: %s", path, strerror(errno));
	if (buf == NULL)
		return;
	if (!engine_up(t, &cr, p->engine)) {
		free(buf);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.t = t;
	r.p = p;
	r.a = aead_new(t, &cr);
	if (r.a != NULL) {
		memset(&j, 0, sizeof(j));
		j.buf = buf;
		j.len = len;
		if (!wy_walk(&j, wy_check, &r)) {
			for (i = 0; i < j.err_pos; i++)
				line += buf[i] == '\n';
			TH_CHECK(t, false, "%s: parse error at byte %zu (line %zu): %s",
				path, j.err_pos, line, j.err);
		}
		TH_CHECK(t, r.nbad == 0, "%u vector checks failed", r.nbad);
		/* A file with nothing TLS can use proves nothing. */
		TH_CHECK(t, r.valid > 0 && r.invalid > 0,
			"%u valid, %u invalid: too few", r.valid, r.invalid);
		if (p->chacha)
			diag("%u valid, %u invalid checked; %u skipped (IV or tag size unused by TLS)",
				r.valid, r.invalid, r.skip_sizes);
		else
			diag("%u valid, %u invalid checked; %u skipped (IV or tag size unused by TLS), %u (AES-192: no TLS cipher)",
				r.valid, r.invalid, r.skip_sizes, r.skip_aes192);
	}
	aead_free(r.a);
	tlsoff_crypto_fini(&cr);
	free(buf);
}

/* ---- RFC 8448 section 3: the server's application data record ---- */

static const uint8_t rfc_key[16] = {
	0x9f, 0x02, 0x28, 0x3b, 0x6c, 0x9c, 0x07, 0xef,
	0xc2, 0x6b, 0xb9, 0xf2, 0xac, 0x92, 0xe3, 0x56,
};
static const uint8_t rfc_iv[12] = {
	0xcf, 0x78, 0x2b, 0x88, 0xdd, 0x83, 0x54, 0x9a,
	0xad, 0xf1, 0xe9, 0x84,
};
/* Header, 51 bytes of ciphertext (50 of data and the content type), tag. */
static const uint8_t rfc_record[72] = {
	0x17, 0x03, 0x03, 0x00, 0x43, 0x2e, 0x93, 0x7e,
	0x11, 0xef, 0x4a, 0xc7, 0x40, 0xe5, 0x38, 0xad,
	0x36, 0x00, 0x5f, 0xc4, 0xa4, 0x69, 0x32, 0xfc,
	0x32, 0x25, 0xd0, 0x5f, 0x82, 0xaa, 0x1b, 0x36,
	0xe3, 0x0e, 0xfa, 0xf9, 0x7d, 0x90, 0xe6, 0xdf,
	0xfc, 0x60, 0x2d, 0xcb, 0x50, 0x1a, 0x59, 0xa8,
	0xfc, 0xc4, 0x9c, 0x4b, 0xf2, 0xe5, 0xf0, 0xa2,
	0x1c, 0x00, 0x47, 0xc2, 0xab, 0xf3, 0x32, 0x54,
	0x0d, 0xd0, 0x32, 0xe1, 0x67, 0xc2, 0x95, 0x5d,
};
#define RFC_HDR 5u
#define RFC_INNER 51u

static void
test_rfc8448(struct th *t, enum tlsoff_engine e)
{
	const uint64_t seq = 1;
	struct tlsoff_crypto cr;
	struct tlsoff_aead *a;
	uint8_t nonce[TLSOFF_AEAD_NONCE_LEN], inner[RFC_INNER];
	uint8_t rec[sizeof(rfc_record)], out[RFC_INNER];
	unsigned int i, bit, accepted = 0, broken = 0;
	long d;
	int rc;

	if (!engine_up(t, &cr, e))
		return;
	a = aead_new(t, &cr);
	if (a == NULL)
		goto fini;
	TH_EQ(t, tlsoff_aead_set_key(a, TLSOFF_CIPHER_AES_128_GCM, rfc_key), 0);

	/* RFC 8446 5.3: the sequence number, big endian, XORed into the IV. */
	memcpy(nonce, rfc_iv, sizeof(nonce));
	for (i = 0; i < 8; i++)
		nonce[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
	for (i = 0; i < 50; i++)
		inner[i] = (uint8_t)i;
	inner[50] = 0x17;

	rec[0] = 0x17;
	rec[1] = 0x03;
	rec[2] = 0x03;
	rec[3] = 0;
	rec[4] = RFC_INNER + TLSOFF_AEAD_TAG_LEN;
	tlsoff_aead_seal(a, nonce, rec, RFC_HDR, inner, rec + RFC_HDR,
		RFC_INNER, rec + RFC_HDR + RFC_INNER);
	d = first_diff(rec, rfc_record, sizeof(rec));
	TH_CHECK(t, d < 0, "sealed record differs from RFC 8448 at byte %ld: %02x, not %02x",
		d, d < 0 ? 0 : rec[d], d < 0 ? 0 : rfc_record[d]);

	rc = tlsoff_aead_open(a, nonce, rfc_record, RFC_HDR,
		rfc_record + RFC_HDR, out, RFC_INNER,
		rfc_record + RFC_HDR + RFC_INNER);
	TH_EQ(t, rc, 0);
	TH_CHECK(t, memcmp(out, inner, RFC_INNER) == 0, "opened plaintext differs");

	/* Every single-bit change: header (the AAD), ciphertext, tag. */
	for (bit = 0; bit < 8 * sizeof(rec); bit++) {
		memcpy(rec, rfc_record, sizeof(rec));
		rec[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		rc = tlsoff_aead_open(a, nonce, rec, RFC_HDR, rec + RFC_HDR, out,
			RFC_INNER, rec + RFC_HDR + RFC_INNER);
		if (rc != -EBADMSG && accepted++ < 3)
			TH_CHECK(t, false, "bit %u of byte %u flipped: open = %d",
				bit % 8, bit / 8, rc);
		/* A rejected record leaves the key usable. */
		rc = tlsoff_aead_open(a, nonce, rfc_record, RFC_HDR,
			rfc_record + RFC_HDR, out, RFC_INNER,
			rfc_record + RFC_HDR + RFC_INNER);
		if ((rc != 0 || memcmp(out, inner, RFC_INNER) != 0) &&
		    broken++ < 3)
			TH_CHECK(t, false, "after flip %u the good record opens with %d",
				bit, rc);
	}
	TH_CHECK(t, accepted == 0, "%u of %zu one-bit changes were accepted",
		accepted, 8 * sizeof(rec));
	TH_CHECK(t, broken == 0, "%u good opens failed after a rejection", broken);
	diag("sealed 72 bytes equal, %zu bit flips rejected", 8 * sizeof(rec));
	aead_free(a);
fini:
	tlsoff_crypto_fini(&cr);
}

/* ---- random inputs ---- */

#define MAX_LEN 17000u
#define MAX_AAD 64u

static uint8_t r_pt[MAX_LEN], r_ct[MAX_LEN], r_ct2[MAX_LEN], r_buf[MAX_LEN];
static uint8_t r_aad[MAX_AAD];

/* The edges first (each once), then random lengths that favour edges. */
static uint32_t
pick_len(struct rng *r, unsigned int i)
{
	static const uint32_t edges[] = {
		0, 1, 2, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65,
		127, 128, 129, 255, 256, 257, 511, 512, 1023, 1024, 1025,
		4095, 4096, 4097, 16368, 16383, 16401, 16416, 16448,
		MAX_LEN - 1, MAX_LEN,
	};

	if (i < RTE_DIM(edges))
		return edges[i];
	i -= RTE_DIM(edges);
	if (i <= 16)
		return 16384 + i;   /* a full TLS record, and up to its tag */
	switch (rnd_below(r, 8)) {
	case 0:
		return 16 * rnd_in(r, 0, MAX_LEN / 16);
	case 1:
		return 64 * rnd_in(r, 0, MAX_LEN / 64);
	case 2:
		return rnd_in(r, 16384, 16400);
	case 3:
		return rnd_in(r, 0, 80);
	default:
		return rnd_in(r, 0, MAX_LEN);
	}
}

static uint32_t
pick_aad(struct rng *r, unsigned int i)
{
	return i <= MAX_AAD ? i : rnd_in(r, 0, MAX_AAD);
}

struct split_stats {
	unsigned long zero, one, pieces;
};

/* A piece of at most @left bytes: empty, tiny, block-sized or big. */
static uint32_t
pick_piece(struct rng *r, uint32_t left, struct split_stats *st)
{
	uint32_t n;

	switch (rnd_below(r, 8)) {
	case 0:
		n = 0;
		break;
	case 1:
		n = 1;
		break;
	case 2:
		n = rnd_in(r, 1, 15);
		break;
	case 3:
		n = 16 * rnd_in(r, 1, 4);
		break;
	case 4:
		n = 64 * rnd_in(r, 1, 4);
		break;
	default:
		n = rnd_in(r, 1, left > 0 ? left : 1);
		break;
	}
	n = RTE_MIN(n, left);
	st->zero += n == 0;
	st->one += n == 1;
	st->pieces++;
	return n;
}

/* Seal or open through begin, several updates, end (@out may be @in). */
static int
aead_split(struct tlsoff_aead *a, struct rng *r, bool encrypt,
		const uint8_t *nonce, const uint8_t *aad, uint32_t aad_len,
		const uint8_t *in, uint8_t *out, uint32_t len, uint8_t *tag,
		struct split_stats *st)
{
	struct tlsoff_aead_op op;
	uint32_t off = 0, n;

	a->ops->begin(a, &op, encrypt, nonce, aad, aad_len);
	do {
		n = pick_piece(r, len - off, st);
		a->ops->update(a, &op, out + off, in + off, n);
		off += n;
	} while (off < len || rnd_below(r, 4) == 0);
	return a->ops->end(a, &op, tag);
}

static const char *
region_name(unsigned int k)
{
	return k == 0 ? "aad" : k == 1 ? "ciphertext" : "tag";
}

/* Flip one random bit of the AAD, ciphertext or tag; returns which. */
static unsigned int
tamper(struct rng *r, uint8_t *aad, uint32_t aad_len, uint8_t *ct,
		uint32_t len, uint8_t *tag)
{
	uint32_t bit = rnd_below(r, 8 * (aad_len + len + TLSOFF_AEAD_TAG_LEN));
	uint8_t m = (uint8_t)(1u << (bit % 8));

	bit /= 8;
	if (bit < aad_len) {
		aad[bit] ^= m;
		return 0;
	}
	bit -= aad_len;
	if (bit < len) {
		ct[bit] ^= m;
		return 1;
	}
	tag[bit - len] ^= m;
	return 2;
}

#define CROSS_N 2500u

/* OpenSSL and intel-ipsec-mb seal to the same bytes and open each other's. */
static void
test_cross(struct th *t, enum tlsoff_cipher c)
{
	const uint64_t seed = UINT64_C(0x9e3779b97f4a7c15) + c;
	struct rng r = { seed };
	struct tlsoff_crypto co, cm;
	struct tlsoff_aead *ao = NULL, *am = NULL;
	uint8_t key[TLSOFF_AEAD_MAX_KEY_LEN], nonce[TLSOFF_AEAD_NONCE_LEN];
	uint8_t tag1[TLSOFF_AEAD_TAG_LEN], tag2[TLSOFF_AEAD_TAG_LEN];
	unsigned int i, nbad = 0, ntamper = 0;
	uint64_t bytes = 0;

	if (!engine_up(t, &cm, TLSOFF_ENGINE_IPSEC_MB))
		return;
	if (!engine_up(t, &co, TLSOFF_ENGINE_OPENSSL))
		goto fini_m;
	ao = aead_new(t, &co);
	am = aead_new(t, &cm);
	if (ao == NULL || am == NULL)
		goto out;
	for (i = 0; i < CROSS_N; i++) {
		uint32_t len = pick_len(&r, i), aad_len = pick_aad(&r, i);
		unsigned int where;
		long d;
		int rc;

		bytes += len;
		rnd_fill(&r, key, sizeof(key));
		rnd_fill(&r, nonce, sizeof(nonce));
		rnd_fill(&r, r_aad, aad_len);
		rnd_fill(&r, r_pt, len);
		rc = tlsoff_aead_set_key(ao, c, key);
		LOOP_CHECK(t, nbad, rc == 0, "openssl set_key = %d", rc);
		rc = tlsoff_aead_set_key(am, c, key);
		LOOP_CHECK(t, nbad, rc == 0, "ipsec-mb set_key = %d", rc);

		tlsoff_aead_seal(ao, nonce, r_aad, aad_len, r_pt, r_ct, len, tag1);
		tlsoff_aead_seal(am, nonce, r_aad, aad_len, r_pt, r_ct2, len, tag2);
		d = first_diff(r_ct, r_ct2, len);
		LOOP_CHECK(t, nbad, d < 0,
			"input %u (len %u, aad %u): ciphertexts differ at byte %ld",
			i, len, aad_len, d);
		LOOP_CHECK(t, nbad, memcmp(tag1, tag2, sizeof(tag1)) == 0,
			"input %u (len %u, aad %u): tags differ", i, len, aad_len);

		memset(r_buf, 0xa5, len);
		rc = tlsoff_aead_open(am, nonce, r_aad, aad_len, r_ct, r_buf, len,
			tag1);
		LOOP_CHECK(t, nbad, rc == 0 && memcmp(r_buf, r_pt, len) == 0,
			"input %u (len %u, aad %u): ipsec-mb cannot open openssl's record (%d)",
			i, len, aad_len, rc);
		memset(r_buf, 0xa5, len);
		rc = tlsoff_aead_open(ao, nonce, r_aad, aad_len, r_ct2, r_buf, len,
			tag2);
		LOOP_CHECK(t, nbad, rc == 0 && memcmp(r_buf, r_pt, len) == 0,
			"input %u (len %u, aad %u): openssl cannot open ipsec-mb's record (%d)",
			i, len, aad_len, rc);

		if (i % 4 != 0)
			continue;
		/* One flipped bit anywhere: both reject. */
		ntamper++;
		where = tamper(&r, r_aad, aad_len, r_ct, len, tag1);
		rc = tlsoff_aead_open(ao, nonce, r_aad, aad_len, r_ct, r_buf, len,
			tag1);
		LOOP_CHECK(t, nbad, rc == -EBADMSG,
			"input %u (len %u, aad %u): openssl opened a flipped %s (%d)",
			i, len, aad_len, region_name(where), rc);
		rc = tlsoff_aead_open(am, nonce, r_aad, aad_len, r_ct, r_buf, len,
			tag1);
		LOOP_CHECK(t, nbad, rc == -EBADMSG,
			"input %u (len %u, aad %u): ipsec-mb opened a flipped %s (%d)",
			i, len, aad_len, region_name(where), rc);
	}
	TH_CHECK(t, nbad == 0, "%u checks failed", nbad);
	diag("%u random inputs (%" PRIu64 " bytes), %u tampered, seed 0x%016" PRIx64,
		CROSS_N, bytes, ntamper, seed);
out:
	aead_free(ao);
	aead_free(am);
	tlsoff_crypto_fini(&co);
fini_m:
	tlsoff_crypto_fini(&cm);
}

#define STREAM_N 1200u

/* Streaming with random splits, and in place, equal one-shot sealing. */
static void
test_streaming(struct th *t, enum tlsoff_engine e)
{
	struct rng r = { 0x2545f4914f6cdd1dull ^ (uint64_t)e };
	struct split_stats st = { 0, 0, 0 };
	struct tlsoff_crypto cr;
	struct tlsoff_aead *a;
	uint8_t key[TLSOFF_AEAD_MAX_KEY_LEN], nonce[TLSOFF_AEAD_NONCE_LEN];
	uint8_t tag[TLSOFF_AEAD_TAG_LEN], tag2[TLSOFF_AEAD_TAG_LEN];
	unsigned int ci, i, nbad = 0;

	if (!engine_up(t, &cr, e))
		return;
	a = aead_new(t, &cr);
	if (a == NULL)
		goto fini;
	for (ci = 0; ci < RTE_DIM(all_ciphers); ci++) {
		enum tlsoff_cipher c = all_ciphers[ci];
		const char *cn = tlsoff_cipher_name(c);

		for (i = 0; i < STREAM_N; i++) {
			uint32_t len = pick_len(&r, i), aad_len = pick_aad(&r, i);
			bool in_place = i % 2 == 1;
			long d;
			int rc;

			rnd_fill(&r, key, sizeof(key));
			rnd_fill(&r, nonce, sizeof(nonce));
			rnd_fill(&r, r_aad, aad_len);
			rnd_fill(&r, r_pt, len);
			rc = tlsoff_aead_set_key(a, c, key);
			LOOP_CHECK(t, nbad, rc == 0, "%s: set_key = %d", cn, rc);
			tlsoff_aead_seal(a, nonce, r_aad, aad_len, r_pt, r_ct, len,
				tag);

			/* Streaming seal, split at random points. */
			if (in_place)
				memcpy(r_buf, r_pt, len);
			rc = aead_split(a, &r, true, nonce, r_aad, aad_len,
				in_place ? r_buf : r_pt, r_buf, len, tag2, &st);
			LOOP_CHECK(t, nbad, rc == 0, "%s: end = %d", cn, rc);
			d = first_diff(r_buf, r_ct, len);
			LOOP_CHECK(t, nbad, d < 0,
				"%s input %u (len %u, aad %u%s): streamed ciphertext differs at byte %ld",
				cn, i, len, aad_len, in_place ? ", in place" : "", d);
			LOOP_CHECK(t, nbad, memcmp(tag, tag2, sizeof(tag)) == 0,
				"%s input %u (len %u, aad %u%s): streamed tag differs",
				cn, i, len, aad_len, in_place ? ", in place" : "");

			/* Streaming open, split elsewhere. */
			if (in_place)
				memcpy(r_buf, r_ct, len);
			else
				memset(r_buf, 0xa5, len);
			memcpy(tag2, tag, sizeof(tag));
			rc = aead_split(a, &r, false, nonce, r_aad, aad_len,
				in_place ? r_buf : r_ct, r_buf, len, tag2, &st);
			LOOP_CHECK(t, nbad, rc == 0 && memcmp(r_buf, r_pt, len) == 0,
				"%s input %u (len %u, aad %u%s): streamed open = %d or plaintext differs",
				cn, i, len, aad_len, in_place ? ", in place" : "", rc);

			/* One-shot in place, both ways. */
			memcpy(r_buf, r_pt, len);
			tlsoff_aead_seal(a, nonce, r_aad, aad_len, r_buf, r_buf, len,
				tag2);
			LOOP_CHECK(t, nbad, memcmp(r_buf, r_ct, len) == 0 &&
				memcmp(tag, tag2, sizeof(tag)) == 0,
				"%s input %u (len %u, aad %u): in-place seal differs",
				cn, i, len, aad_len);
			rc = tlsoff_aead_open(a, nonce, r_aad, aad_len, r_buf, r_buf,
				len, tag);
			LOOP_CHECK(t, nbad, rc == 0 && memcmp(r_buf, r_pt, len) == 0,
				"%s input %u (len %u, aad %u): in-place open = %d or plaintext differs",
				cn, i, len, aad_len, rc);
		}
	}
	TH_CHECK(t, nbad == 0, "%u checks failed", nbad);
	/* The splits must really have had empty and 1-byte pieces. */
	TH_CHECK(t, st.zero > 100 && st.one > 100, "%lu empty, %lu 1-byte pieces",
		st.zero, st.one);
	diag("3 ciphers x %u inputs; %lu updates, %lu of 0 bytes, %lu of 1 byte",
		STREAM_N, st.pieces, st.zero, st.one);
	aead_free(a);
fini:
	tlsoff_crypto_fini(&cr);
}

/* ---- keys ---- */

static void
seal_100(struct tlsoff_aead *a, uint8_t *ct, uint8_t *tag)
{
	static const uint8_t nonce[TLSOFF_AEAD_NONCE_LEN] = { 1, 2, 3 };
	static const uint8_t aad[13] = { 0x17, 0x03, 0x03 };
	uint8_t pt[100];
	unsigned int i;

	for (i = 0; i < sizeof(pt); i++)
		pt[i] = (uint8_t)(i * 7);
	tlsoff_aead_seal(a, nonce, aad, sizeof(aad), pt, ct, sizeof(pt), tag);
}

/* What a fresh key object sealed with only (@c, @key) gives. */
static bool
seal_fresh(struct th *t, struct tlsoff_crypto *cr, enum tlsoff_cipher c,
		const uint8_t *key, uint8_t *ct, uint8_t *tag)
{
	struct tlsoff_aead *b = aead_new(t, cr);

	if (b == NULL)
		return false;
	TH_EQ(t, tlsoff_aead_set_key(b, c, key), 0);
	seal_100(b, ct, tag);
	aead_free(b);
	return true;
}

static void
test_keys(struct th *t, enum tlsoff_engine e)
{
	struct rng r = { 0x6a09e667f3bcc909ull + e };
	struct tlsoff_crypto cr;
	struct tlsoff_aead *a;
	uint8_t k1[TLSOFF_AEAD_MAX_KEY_LEN], k2[TLSOFF_AEAD_MAX_KEY_LEN];
	uint8_t x[100], y[100], z[100];
	uint8_t tx[TLSOFF_AEAD_TAG_LEN], ty[TLSOFF_AEAD_TAG_LEN];
	uint8_t tz[TLSOFF_AEAD_TAG_LEN];
	unsigned int i1, i2;
	size_t nz = 0;

	if (!engine_up(t, &cr, e))
		return;
	a = aead_new(t, &cr);
	if (a == NULL)
		goto fini;
	TH_CHECK(t, !a->keyed, "keyed before set_key");
	TH_EQ(t, tlsoff_aead_set_key(a, TLSOFF_CIPHER_MAX, k1), -EINVAL);

	/* Rekey, across every pair of ciphers: the second key wins. */
	for (i1 = 0; i1 < RTE_DIM(all_ciphers); i1++) {
		for (i2 = 0; i2 < RTE_DIM(all_ciphers); i2++) {
			enum tlsoff_cipher c1 = all_ciphers[i1];
			enum tlsoff_cipher c2 = all_ciphers[i2];

			rnd_fill(&r, k1, sizeof(k1));
			rnd_fill(&r, k2, sizeof(k2));
			TH_EQ(t, tlsoff_aead_set_key(a, c1, k1), 0);
			TH_EQ(t, tlsoff_aead_set_key(a, c2, k2), 0);
			TH_CHECK(t, a->keyed, "not keyed after set_key");
			seal_100(a, x, tx);
			if (!seal_fresh(t, &cr, c2, k2, y, ty) ||
			    !seal_fresh(t, &cr, c1, k1, z, tz))
				goto out;
			TH_CHECK(t, memcmp(x, y, sizeof(x)) == 0 &&
				memcmp(tx, ty, sizeof(tx)) == 0,
				"%s then %s: the seal is not the second key's",
				tlsoff_cipher_name(c1), tlsoff_cipher_name(c2));
			TH_CHECK(t, memcmp(tx, tz, sizeof(tx)) != 0,
				"%s then %s: the seal is the first key's",
				tlsoff_cipher_name(c1), tlsoff_cipher_name(c2));
		}
	}

	/* Wipe: no key bytes left; the object takes a new key afterwards. */
	for (i1 = 0; i1 < RTE_DIM(all_ciphers); i1++) {
		enum tlsoff_cipher c = all_ciphers[i1];
		const char *cn = tlsoff_cipher_name(c);
		unsigned int kl = tlsoff_cipher_key_len(c);

		rnd_fill(&r, k1, sizeof(k1));
		rnd_fill(&r, k2, sizeof(k2));
		/* The largest key state first, so wipe must cover all of it. */
		TH_EQ(t, tlsoff_aead_set_key(a, TLSOFF_CIPHER_AES_256_GCM, k2), 0);
		TH_EQ(t, tlsoff_aead_set_key(a, c, k1), 0);
		seal_100(a, z, tz);
		if (e == TLSOFF_ENGINE_IPSEC_MB)
			/* Else the check after the wipe would prove nothing. */
			TH_CHECK(t, contains(a->state, sizeof(a->state), k1, kl),
				"%s: key not found in the state before the wipe", cn);
		tlsoff_aead_wipe(a);
		TH_CHECK(t, !a->keyed, "%s: keyed after wipe", cn);
		TH_CHECK(t, !contains(a->state, sizeof(a->state), k1, kl),
			"%s: key bytes in the state after wipe", cn);
		if (e == TLSOFF_ENGINE_IPSEC_MB) {
			bool zero = all_zero(a->state, sizeof(a->state), &nz);

			TH_CHECK(t, zero, "%s: %zu state bytes non-zero after wipe",
				cn, nz);
		}
		/*
		 * OpenSSL keeps the key schedule out of reach, so probe what it
		 * does: sealing with the wiped object (not a real use) must not
		 * give the old key's output. A wipe that left the key would.
		 */
		memset(x, 0, sizeof(x));
		memset(tx, 0, sizeof(tx));
		seal_100(a, x, tx);
		TH_CHECK(t, memcmp(x, z, sizeof(x)) != 0 &&
			memcmp(tx, tz, sizeof(tx)) != 0,
			"%s: the wiped object still seals with the old key", cn);
		/* A new key after the wipe seals as that key, not the old one. */
		TH_EQ(t, tlsoff_aead_set_key(a, c, k2), 0);
		seal_100(a, x, tx);
		if (!seal_fresh(t, &cr, c, k2, y, ty))
			goto out;
		TH_CHECK(t, memcmp(x, y, sizeof(x)) == 0 &&
			memcmp(tx, ty, sizeof(tx)) == 0,
			"%s: seal after wipe and set_key is not the new key's", cn);
		TH_CHECK(t, memcmp(tx, tz, sizeof(tx)) != 0,
			"%s: seal after wipe and set_key is the old key's", cn);
	}

	/* ipsec-mb also erases the per-record state (it holds keystream). */
	if (e == TLSOFF_ENGINE_IPSEC_MB) {
		for (i1 = 0; i1 < RTE_DIM(all_ciphers); i1++) {
			struct tlsoff_aead_op op;
			uint8_t pt[40] = { 0 }, ct[40];
			bool zero;

			memset(&op, 0, sizeof(op));
			TH_EQ(t, tlsoff_aead_set_key(a, all_ciphers[i1], k1), 0);
			a->ops->begin(a, &op, true, k2, k2, 13);
			a->ops->update(a, &op, ct, pt, sizeof(pt));
			a->ops->end(a, &op, tx);
			zero = all_zero(op.state, sizeof(op.state), &nz);
			TH_CHECK(t, zero, "%s: %zu op state bytes left after end",
				tlsoff_cipher_name(all_ciphers[i1]), nz);
		}
	}
out:
	aead_free(a);
fini:
	tlsoff_crypto_fini(&cr);
}

/* ---- constant-time helpers ---- */

static void
test_ct_helpers(struct th *t)
{
	uint8_t x[72], y[72], w[64];
	unsigned int off, n, i, bit, bad = 0;

	for (i = 0; i < sizeof(x); i++)
		x[i] = y[i] = (uint8_t)(i * 37 + 1);
	TH_EQ(t, tlsoff_ct_memcmp(x, y, 0), 0);
	y[0] ^= 1;
	TH_EQ(t, tlsoff_ct_memcmp(x, y, 0), 0);   /* nothing compared */
	y[0] ^= 1;
	/* Equal at any alignment and length; any one bit anywhere differs. */
	for (off = 0; off < 8; off++) {
		for (n = 0; n + off <= 64; n++) {
			if (tlsoff_ct_memcmp(x + off, y + off, n) != 0 && bad++ < 3)
				TH_CHECK(t, false, "equal at off %u n %u", off, n);
			for (i = 0; i < n; i++) {
				for (bit = 0; bit < 8; bit++) {
					y[off + i] ^= (uint8_t)(1u << bit);
					if (tlsoff_ct_memcmp(x + off, y + off, n) == 0 &&
					    bad++ < 3)
						TH_CHECK(t, false, "off %u n %u: bit %u of byte %u missed",
							off, n, bit, i);
					y[off + i] ^= (uint8_t)(1u << bit);
				}
			}
			/* Differences just outside the range do not count. */
			if (n > 0) {
				y[off + n] ^= 0xff;
				if (off > 0)
					y[off - 1] ^= 0xff;
				if (tlsoff_ct_memcmp(x + off, y + off, n) != 0 &&
				    bad++ < 3)
					TH_CHECK(t, false, "off %u n %u: read outside", off, n);
				y[off + n] ^= 0xff;
				if (off > 0)
					y[off - 1] ^= 0xff;
			}
		}
	}
	TH_CHECK(t, bad == 0, "%u tlsoff_ct_memcmp checks failed", bad);

	/* tlsoff_wipe zeroes exactly the range. */
	for (off = 0; off < 8; off++) {
		for (n = 0; n + off <= 56; n += 7) {
			memset(w, 0xa5, sizeof(w));
			tlsoff_wipe(w + off, n);
			for (i = 0; i < sizeof(w); i++) {
				uint8_t want = i >= off && i < off + n ? 0 : 0xa5;

				if (w[i] != want && bad++ < 3)
					TH_CHECK(t, false, "wipe(off %u, %u): byte %u is %02x",
						off, n, i, w[i]);
			}
		}
	}
	TH_CHECK(t, bad == 0, "%u tlsoff_wipe checks failed", bad);
}

/* ---- engines ---- */

static void
test_engines(struct th *t)
{
	struct tlsoff_crypto cr;
	struct tlsoff_aead *a;
	unsigned int i;
	int rc;

	TH_EQ(t, tlsoff_cipher_key_len(TLSOFF_CIPHER_AES_128_GCM), 16);
	TH_EQ(t, tlsoff_cipher_key_len(TLSOFF_CIPHER_AES_256_GCM), 32);
	TH_EQ(t, tlsoff_cipher_key_len(TLSOFF_CIPHER_CHACHA20_POLY1305), 32);

	rc = tlsoff_crypto_init(&cr, TLSOFF_ENGINE_OPENSSL);
	TH_EQ(t, rc, 0);
	if (rc == 0) {
		TH_CHECK(t, cr.ops != NULL && strcmp(cr.ops->name, "openssl") == 0,
			"openssl engine has ops name %s",
			cr.ops != NULL ? cr.ops->name : "(none)");
		tlsoff_crypto_fini(&cr);
		TH_CHECK(t, cr.ops == NULL && cr.mgr == NULL, "fini left state");
	}
	TH_CHECK(t, strcmp(tlsoff_engine_name(TLSOFF_ENGINE_OPENSSL), "openssl") == 0);
	TH_CHECK(t, strcmp(tlsoff_engine_name(TLSOFF_ENGINE_IPSEC_MB), "ipsec-mb") == 0);
	for (i = 0; i < RTE_DIM(all_ciphers); i++)
		TH_CHECK(t, tlsoff_engine_supports(TLSOFF_ENGINE_OPENSSL,
			all_ciphers[i]), "openssl lacks %s",
			tlsoff_cipher_name(all_ciphers[i]));
	TH_CHECK(t, !tlsoff_engine_supports(TLSOFF_ENGINE_OPENSSL,
		TLSOFF_CIPHER_MAX));

	/* No such engine: refused, and a key object cannot bind to it. */
	TH_EQ(t, tlsoff_crypto_init(&cr, TLSOFF_ENGINE_MAX), -ENOTSUP);
	a = aligned_alloc(64, sizeof(*a));
	TH_CHECK(t, a != NULL);
	if (a != NULL) {
		memset(a, 0, sizeof(*a));
		TH_EQ(t, tlsoff_aead_setup(a, &cr), -EINVAL);
		free(a);
	}
	tlsoff_crypto_fini(&cr);

	rc = tlsoff_crypto_init(&cr, TLSOFF_ENGINE_IPSEC_MB);
#ifdef TLSOFF_HAVE_IPSEC_MB
	TH_EQ(t, rc, 0);
	if (rc == 0) {
		TH_CHECK(t, cr.ops != NULL && cr.mgr != NULL &&
			strcmp(cr.ops->name, "ipsec-mb") == 0,
			"ipsec-mb engine has ops name %s",
			cr.ops != NULL ? cr.ops->name : "(none)");
		TH_EQ(t, cr.engine, TLSOFF_ENGINE_IPSEC_MB);
	}
	for (i = 0; i < RTE_DIM(all_ciphers); i++)
		TH_CHECK(t, tlsoff_engine_supports(TLSOFF_ENGINE_IPSEC_MB,
			all_ciphers[i]), "ipsec-mb lacks %s",
			tlsoff_cipher_name(all_ciphers[i]));
	diag("ipsec-mb built in and running");
#else
	TH_EQ(t, rc, -ENOTSUP);
	TH_CHECK(t, !tlsoff_engine_supports(TLSOFF_ENGINE_IPSEC_MB,
		TLSOFF_CIPHER_AES_128_GCM));
	diag("ipsec-mb not built in: init refused with -ENOTSUP");
#endif
	tlsoff_crypto_fini(&cr);
}

/* ---- cases ---- */

static const struct wy_param wy_ossl_gcm = {
	TLSOFF_ENGINE_OPENSSL, "aes_gcm_test.json", false };
static const struct wy_param wy_ossl_cc = {
	TLSOFF_ENGINE_OPENSSL, "chacha20_poly1305_test.json", true };
static const struct wy_param wy_mb_gcm = {
	TLSOFF_ENGINE_IPSEC_MB, "aes_gcm_test.json", false };
static const struct wy_param wy_mb_cc = {
	TLSOFF_ENGINE_IPSEC_MB, "chacha20_poly1305_test.json", true };

static void
wy_openssl_gcm(struct th *t)
{
	test_wycheproof(t, &wy_ossl_gcm);
}

static void
wy_openssl_chacha(struct th *t)
{
	test_wycheproof(t, &wy_ossl_cc);
}

static void
wy_ipsecmb_gcm(struct th *t)
{
	test_wycheproof(t, &wy_mb_gcm);
}

static void
wy_ipsecmb_chacha(struct th *t)
{
	test_wycheproof(t, &wy_mb_cc);
}

static void
rfc8448_openssl(struct th *t)
{
	test_rfc8448(t, TLSOFF_ENGINE_OPENSSL);
}

static void
rfc8448_ipsecmb(struct th *t)
{
	test_rfc8448(t, TLSOFF_ENGINE_IPSEC_MB);
}

static void
cross_aes128(struct th *t)
{
	test_cross(t, TLSOFF_CIPHER_AES_128_GCM);
}

static void
cross_aes256(struct th *t)
{
	test_cross(t, TLSOFF_CIPHER_AES_256_GCM);
}

static void
cross_chacha(struct th *t)
{
	test_cross(t, TLSOFF_CIPHER_CHACHA20_POLY1305);
}

static void
streaming_openssl(struct th *t)
{
	test_streaming(t, TLSOFF_ENGINE_OPENSSL);
}

static void
streaming_ipsecmb(struct th *t)
{
	test_streaming(t, TLSOFF_ENGINE_IPSEC_MB);
}

static void
keys_openssl(struct th *t)
{
	test_keys(t, TLSOFF_ENGINE_OPENSSL);
}

static void
keys_ipsecmb(struct th *t)
{
	test_keys(t, TLSOFF_ENGINE_IPSEC_MB);
}

static const struct th_case cases[] = {
	{ "wycheproof: openssl, aes_gcm_test.json (96-bit IV, 128-bit tag)",
	  wy_openssl_gcm, false },
	{ "wycheproof: openssl, chacha20_poly1305_test.json (96-bit IV, 128-bit tag)",
	  wy_openssl_chacha, false },
	{ "wycheproof: ipsec-mb, aes_gcm_test.json (96-bit IV, 128-bit tag)",
	  wy_ipsecmb_gcm, false },
	{ "wycheproof: ipsec-mb, chacha20_poly1305_test.json (96-bit IV, 128-bit tag)",
	  wy_ipsecmb_chacha, false },
	{ "rfc8448 3: openssl seals the server's record 1, opens it, rejects any flipped bit",
	  rfc8448_openssl, false },
	{ "rfc8448 3: ipsec-mb seals the server's record 1, opens it, rejects any flipped bit",
	  rfc8448_ipsecmb, false },
	{ "random: openssl and ipsec-mb seal alike and open each other, aes128gcm",
	  cross_aes128, false },
	{ "random: openssl and ipsec-mb seal alike and open each other, aes256gcm",
	  cross_aes256, false },
	{ "random: openssl and ipsec-mb seal alike and open each other, chacha20",
	  cross_chacha, false },
	{ "random: openssl streaming and in place equal one-shot",
	  streaming_openssl, false },
	{ "random: ipsec-mb streaming and in place equal one-shot",
	  streaming_ipsecmb, false },
	{ "keys: openssl rekey across ciphers, wipe then new key",
	  keys_openssl, false },
	{ "keys: ipsec-mb rekey across ciphers, wipe leaves zeroes",
	  keys_ipsecmb, false },
	{ "tlsoff_ct_memcmp and tlsoff_wipe", test_ct_helpers, false },
	{ "engines: availability, names, refusals", test_engines, false },
};

int
main(int argc, char **argv)
{
	return th_main(argc, argv, cases, RTE_DIM(cases));
}
