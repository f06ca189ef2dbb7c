/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The mlx5 driver and the NIC model below the stack: WQE bytes against the
 * fact sheet's tables (shared/docs/mlx5-tls-tx.md section 2), a send queue
 * whose WQEs run across the ring end, the model's TLS engine against
 * OpenSSL on random record streams with random resync points, every
 * malformed WQE and command the model must refuse (and the driver's
 * recovery), and the context pools. test_offload drives the same code from
 * the stack with real clients; here the WQEs are posted one by one.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "harness.h"
#include "mlx5_drv.h"
#include "model/model.h"
#include "tlsoff_mlx5.h"

/* Loops over thousands of inputs report the first few failures only. */
#define LOOP_CHECK(t, nbad, cond, ...) do { \
	bool ok_ = (cond); \
	if (!ok_ && (nbad)++ < 3) \
		th_check((t), false, __FILE__, __LINE__, #cond, \
			"" __VA_ARGS__); \
} while (0)

#define MTU 1500u
#define HDR_LEN 54u                      /* Ethernet + IPv4 + TCP */
#define MSS (MTU - 40u)
#define MAX_RECS 4u
#define REC_MAX (5u + 8u + 16384u + 1u + 16u)
#define STREAM_MAX (MAX_RECS * REC_MAX)

/* ---- random numbers ---- */

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

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static long
first_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return (long)i;
	return -1;
}

/* ---- TLS records, as the library frames them and as they must leave ---- */

struct tkeys {
	uint16_t version;            /* 0x0303 or 0x0304 */
	uint8_t key_len;
	uint8_t key[32];
	uint8_t salt[4];
	uint8_t iv[8];
	uint64_t rec0;               /* record number of the first record */
};

struct stream {
	unsigned int n;
	uint32_t start[MAX_RECS + 1];    /* start[n] is the total */
	uint8_t *plain;              /* NIC records: placeholders, plaintext */
	uint8_t *wire;               /* the same records sealed (OpenSSL) */
};

static EVP_CIPHER_CTX *evp;

/* AES-GCM, independently of the model (which also uses OpenSSL). */
static void
gcm_seal(const struct tkeys *k, const uint8_t nonce[12], const uint8_t *aad,
		int aad_len, const uint8_t *in, int len, uint8_t *out,
		uint8_t tag[16])
{
	int n;

	if (evp == NULL)
		evp = EVP_CIPHER_CTX_new();
	EVP_EncryptInit_ex(evp, k->key_len == 32 ? EVP_aes_256_gcm() :
		EVP_aes_128_gcm(), NULL, k->key, nonce);
	EVP_EncryptUpdate(evp, NULL, &n, aad, aad_len);
	if (len > 0)
		EVP_EncryptUpdate(evp, out, &n, in, len);
	EVP_EncryptFinal_ex(evp, out + len, &n);
	EVP_CIPHER_CTX_ctrl(evp, EVP_CTRL_GCM_GET_TAG, 16, tag);
}

static void
stream_reset(struct stream *s)
{
	s->n = 0;
	s->start[0] = 0;
}

/*
 * Append record @recno with @pt_len bytes of plaintext: the NIC framing
 * (header; TLS 1.2 explicit nonce; plaintext; TLS 1.3 inner content type;
 * a tag placeholder of junk) to s->plain, RFC 5246/5288 or RFC 8446 sealing
 * of the same record to s->wire.
 */
static void
stream_add(struct stream *s, struct rng *r, const struct tkeys *k,
		uint64_t recno, uint32_t pt_len)
{
	uint32_t off = s->start[s->n];
	uint8_t *p = s->plain + off, *w = s->wire + off;
	uint8_t nonce[12], aad[13], tag[16];
	uint32_t len, i;

	if (k->version == 0x0303) {
		/* Alerts as well as data: the type goes into the AAD. */
		uint8_t type = rnd_below(r, 4) == 0 ? 0x15 : 0x17;

		len = 8 + pt_len + 16;
		p[0] = type;
		p[1] = 0x03;
		p[2] = 0x03;
		put_be16(p + 3, (uint16_t)len);
		/* Explicit nonce: any value; the NIC must take it from here. */
		rnd_fill(r, p + 5, 8);
		rnd_fill(r, p + 13, pt_len);
		rnd_fill(r, p + 13 + pt_len, 16);
		memcpy(nonce, k->salt, 4);
		memcpy(nonce + 4, p + 5, 8);
		put_be64(aad, recno);
		memcpy(aad + 8, p, 3);
		put_be16(aad + 11, (uint16_t)pt_len);
		memcpy(w, p, 13);
		gcm_seal(k, nonce, aad, 13, p + 13, (int)pt_len, w + 13, tag);
		memcpy(w + 13 + pt_len, tag, 16);
	} else {
		static const uint8_t types[] = { 0x17, 0x17, 0x15, 0x16 };

		len = pt_len + 1 + 16;
		p[0] = 0x17;
		p[1] = 0x03;
		p[2] = 0x03;
		put_be16(p + 3, (uint16_t)len);
		rnd_fill(r, p + 5, pt_len);
		p[5 + pt_len] = types[rnd_below(r, RTE_DIM(types))];
		rnd_fill(r, p + 5 + pt_len + 1, 16);
		memcpy(nonce, k->salt, 4);
		memcpy(nonce + 4, k->iv, 8);
		for (i = 0; i < 8; i++)
			nonce[4 + i] ^= (uint8_t)(recno >> (56 - 8 * i));
		memcpy(w, p, 5);
		gcm_seal(k, nonce, p, 5, p + 5, (int)pt_len + 1, w + 5, tag);
		memcpy(w + 5 + pt_len + 1, tag, 16);
	}
	s->n++;
	s->start[s->n] = off + 5 + len;
}

static void
keys_random(struct rng *r, struct tkeys *k, uint16_t version,
		uint8_t key_len)
{
	memset(k, 0, sizeof(*k));
	k->version = version;
	k->key_len = key_len;
	rnd_fill(r, k->key, key_len);
	rnd_fill(r, k->salt, 4);
	rnd_fill(r, k->iv, 8);
	/* Large, so that the record number's high bytes matter too. */
	k->rec0 = rnd(r) >> 4;
}

static void
keys_to_drv(const struct tkeys *k, uint32_t start_seq,
		struct rte_tlsoff_tls_keys *out)
{
	memset(out, 0, sizeof(*out));
	out->version = k->version;
	out->cipher = k->key_len == 32 ? RTE_TLSOFF_CIPHER_AES_256_GCM :
		RTE_TLSOFF_CIPHER_AES_128_GCM;
	out->key_len = k->key_len;
	memcpy(out->key, k->key, k->key_len);
	memcpy(out->salt, k->salt, 4);
	memcpy(out->iv, k->iv, 8);
	out->rec_seq = k->rec0;
	out->start_tcp_seq = start_seq;
}

/* ---- frames ---- */

static const uint8_t mac_dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_src[6] = { 0x02, 0, 0, 0, 0, 0x02 };

/* Eth/IPv4/TCP headers of a segment (checksums zero: the NIC fills them). */
static void
frame_hdr(uint8_t *f, uint32_t seq, uint32_t plen)
{
	memset(f, 0, HDR_LEN);
	memcpy(f, mac_dst, 6);
	memcpy(f + 6, mac_src, 6);
	put_be16(f + 12, 0x0800);
	f[14] = 0x45;
	put_be16(f + 16, (uint16_t)(40 + plen));
	put_be16(f + 18, (uint16_t)seq);
	f[20] = 0x40;
	f[22] = 64;
	f[23] = IPPROTO_TCP;
	put_be32(f + 26, RTE_IPV4(10, 0, 0, 2));
	put_be32(f + 30, RTE_IPV4(10, 0, 0, 1));
	put_be16(f + 34, 8443);
	put_be16(f + 36, 40000);
	put_be32(f + 38, seq);
	put_be32(f + 42, 0x12345678);
	f[46] = 5 << 4;
	f[47] = 0x18;
	put_be16(f + 48, 0xffff);
}

/* What the tap saw, by TCP sequence number relative to @base. */
struct wire {
	uint8_t *got;
	uint32_t cap;
	uint32_t base;
	unsigned int frames;
	uint64_t bytes;
	unsigned int bad;            /* not the frame that was sent */
	const char *why;
	uint8_t last[2048];          /* the last frame, whole */
	uint32_t last_len;
	/* an LSO frame being cut: its first sequence number, end, IPv4 ID */
	bool lso;
	uint32_t lso_seq, lso_end;
	uint16_t lso_id;
};

static struct wire W;

static uint16_t
fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The model's wire, through the offload conf's tap. */
static void
tap(void *arg, struct rte_mbuf *const *pkts, uint16_t n)
{
	struct wire *w = arg;
	uint16_t i;

	for (i = 0; i < n; i++) {
		const uint8_t *f = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
		uint32_t len = pkts[i]->data_len, tot, seq, off, plen, sum;
		uint8_t h[HDR_LEN], e[HDR_LEN];

		w->frames++;
		if (pkts[i]->nb_segs != 1 || len < HDR_LEN ||
		    len > sizeof(w->last)) {
			w->bad++;
			w->why = "frame shape";
			continue;
		}
		memcpy(w->last, f, len);
		w->last_len = len;
		tot = (uint32_t)f[16] << 8 | f[17];
		seq = get_be32(f + 38);
		plen = tot - 40;
		/* Headers as built, apart from the checksums the NIC wrote. */
		memcpy(h, f, HDR_LEN);
		h[24] = h[25] = h[50] = h[51] = 0;
		frame_hdr(e, seq, plen);
		if (w->lso) {
			/*
			 * An LSO piece: the IPv4 ID counts up per piece, PSH
			 * (and FIN) only on the last one.
			 */
			uint16_t id = (uint16_t)(w->lso_id +
				(seq - w->lso_seq) / MSS);

			put_be16(e + 18, id);
			if (seq + plen != w->lso_end)
				e[47] = 0x10;
			if ((seq - w->lso_seq) % MSS != 0 ||
			    (plen != MSS && seq + plen != w->lso_end)) {
				w->bad++;
				w->why = "LSO piece boundaries";
				continue;
			}
		}
		if (tot + 14 != len || memcmp(h, e, HDR_LEN) != 0) {
			w->bad++;
			w->why = "headers";
			continue;
		}
		if (rte_raw_cksum(f + 14, 20) != 0xffff) {
			w->bad++;
			w->why = "IPv4 checksum";
			continue;
		}
		sum = rte_raw_cksum(f + 26, 8);
		sum += rte_cpu_to_be_16(IPPROTO_TCP) +
			rte_cpu_to_be_16((uint16_t)(tot - 20));
		sum += rte_raw_cksum(f + 34, tot - 20);
		if (fold(sum) != 0xffff) {
			w->bad++;
			w->why = "TCP checksum";
			continue;
		}
		off = seq - w->base;
		if (w->got == NULL || off > w->cap || plen > w->cap - off) {
			w->bad++;
			w->why = "sequence number";
			continue;
		}
		memcpy(w->got + off, f + HDR_LEN, plen);
		w->bytes += plen;
	}
}

static void
wire_reset(uint32_t base)
{
	W.lso = false;
	W.base = base;
	W.frames = 0;
	W.bytes = 0;
	W.bad = 0;
	W.why = NULL;
	W.last_len = 0;
}

/* ---- the device under test: the driver over the model ---- */

static struct rte_mempool *frame_pool;

struct dut {
	struct mlx5_drv *d;
	const struct rte_tlsoff_offload_ops *ops;
	struct mlx5_txq *q;
	uint8_t *buf;                /* device-readable record bytes */
	struct stream s;
	unsigned int pool_avail;     /* frame pool count at open */
};

static bool
dut_open(struct th *t, struct dut *u, uint32_t sq_size, uint32_t max_ctx)
{
	struct rte_tlsoff_offload_conf oc;
	struct tlsoff_mlx5_args a;
	void *dev = NULL;
	int rc;

	memset(u, 0, sizeof(*u));
	if (frame_pool == NULL)
		frame_pool = rte_pktmbuf_pool_create("ut_mlx5_frames", 4096, 0,
			0, 2048 + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	if (W.got == NULL) {
		W.cap = STREAM_MAX;
		W.got = rte_malloc("ut_mlx5_wire", W.cap, 0);
	}
	u->buf = rte_malloc("ut_mlx5_stream", 2 * STREAM_MAX, 64);
	if (frame_pool == NULL || W.got == NULL || u->buf == NULL) {
		TH_CHECK(t, false, "out of memory");
		return false;
	}
	u->s.plain = u->buf;
	u->s.wire = u->buf + STREAM_MAX;
	memset(&oc, 0, sizeof(oc));
	oc.type = RTE_TLSOFF_OFFLOAD_MLX5_MODEL;
	oc.sq_size = sq_size;
	oc.max_contexts = max_ctx;
	oc.tap = tap;
	oc.tap_arg = &W;
	memset(&a, 0, sizeof(a));
	a.name = "ut";
	a.conf = &oc;
	a.port_id = 0;               /* net_null0: frames end there */
	a.queue_id = 0;
	a.socket_id = SOCKET_ID_ANY;
	a.mtu = MTU;
	a.max_contexts = max_ctx;
	a.pools[0] = frame_pool;
	a.nb_pools = 1;
	rc = tlsoff_mlx5_open(&a, true, &u->ops, &dev);
	TH_EQ(t, rc, 0);
	if (rc != 0)
		return false;
	u->d = dev;
	u->q = &u->d->txq;
	/* Record prefixes are DUMPed from here: memory the device reads. */
	rc = mlx5_mr_register(&u->d->dev, u->buf, STREAM_MAX);
	TH_EQ(t, rc, 0);
	u->pool_avail = rte_mempool_avail_count(frame_pool);
	wire_reset(0);
	return rc == 0;
}

static void
dut_close(struct th *t, struct dut *u)
{
	if (u->d != NULL) {
		/* Every frame the queue held was given back at completion. */
		mlx5_txq_complete(u->d);
		TH_EQ(t, u->q->ci, u->q->pi);
		TH_EQ(t, rte_mempool_avail_count(frame_pool), u->pool_avail);
		u->ops->close(u->d);
	}
	rte_free(u->buf);
	memset(u, 0, sizeof(*u));
}

static void
model_stats(const struct dut *u, struct mlx5_model_stats *ms)
{
	mlx5_model_stats_get(u->d->model, ms);
}

/* Ring the doorbell (the model runs at once) and reap completions. */
static void
kick(struct dut *u)
{
	mlx5_txq_doorbell(u->q);
	mlx5_txq_complete(u->d);
}

static void
room(struct dut *u, unsigned int bbs)
{
	if (mlx5_txq_room(u->q) < bbs)
		kick(u);
}

/*
 * A segment of @plen payload bytes (stream offset @seq) in @nseg mbufs:
 * the headers and possibly nothing else in the first.
 */
static struct rte_mbuf *
make_frame(struct rng *r, uint32_t seq, const uint8_t *pay, uint32_t plen,
		unsigned int nseg)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(frame_pool), *s;
	uint32_t first, left, k;
	unsigned int i;
	uint8_t *p;

	if (m == NULL)
		return NULL;
	if (nseg > plen)
		nseg = plen > 0 ? plen : 1;
	first = nseg == 1 ? plen : rnd_below(r, plen / nseg + 1);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(HDR_LEN + first));
	frame_hdr(p, seq, plen);
	memcpy(p + HDR_LEN, pay, first);
	m->l2_len = 14;
	m->l3_len = 20;
	m->l4_len = 20;
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
		RTE_MBUF_F_TX_TCP_CKSUM;
	left = plen - first;
	for (i = 1; i < nseg && left > 0; i++) {
		k = i == nseg - 1 ? left :
			rnd_in(r, 1, left - (nseg - 1 - i));
		s = rte_pktmbuf_alloc(frame_pool);
		if (s == NULL) {
			rte_pktmbuf_free(m);
			return NULL;
		}
		memcpy(rte_pktmbuf_append(s, (uint16_t)k), pay + (plen - left),
			k);
		rte_pktmbuf_chain(m, s);
		left -= k;
	}
	return m;
}

/* Post a frame as a SEND with @tisn; false if the driver refused it. */
static bool
post_frame(struct dut *u, struct rte_mbuf *m, uint32_t tisn)
{
	unsigned int bbs;

	if (m == NULL)
		return false;
	bbs = mlx5_send_bbs(m);
	if (bbs == 0) {
		rte_pktmbuf_free(m);
		return false;
	}
	room(u, bbs);
	if (mlx5_post_send(u->d, m, tisn) == 0) {
		rte_pktmbuf_free(m);
		return false;
	}
	return true;
}

/* A segment length: tiny, anything, or full-sized. */
static uint32_t
pick_seg(struct rng *r, uint32_t left)
{
	uint32_t n;

	switch (rnd_below(r, 4)) {
	case 0:
		n = rnd_in(r, 1, 64);
		break;
	case 1:
		n = MSS;
		break;
	default:
		n = rnd_in(r, 1, MSS);
		break;
	}
	return RTE_MIN(n, left);
}

/* Send stream bytes [from, to) with @tisn in random segments. */
static bool
send_range(struct dut *u, struct rng *r, uint32_t tisn, uint32_t from,
		uint32_t to)
{
	while (from < to) {
		uint32_t n = pick_seg(r, to - from);
		unsigned int nseg = rnd_below(r, 4) == 0 ? rnd_in(r, 2, 4) : 1;

		if (!post_frame(u, make_frame(r, W.base + from,
				u->s.plain + from, n, nseg), tisn))
			return false;
		from += n;
	}
	return true;
}

/* DUMP stream bytes [from, to) in random pieces, each 1..MTU bytes. */
static void
dump_range(struct dut *u, struct rng *r, uint32_t tisn, uint32_t from,
		uint32_t to)
{
	while (from < to) {
		uint32_t n = RTE_MIN(to - from, rnd_below(r, 3) == 0 ? MTU :
			rnd_in(r, 1, MTU));
		const uint8_t *a = u->s.plain + from;

		room(u, 1);
		mlx5_post_dump(u->q, tisn, a, n,
			mlx5_mr_lookup(&u->d->dev, a, n), NULL, false);
		from += n;
	}
}

/* A context of the driver with the test's copy of its keys. */
struct uctx {
	struct mlx5_tls_ctx *c;
	struct tkeys k;
};

static bool
uctx_create(struct th *t, struct dut *u, struct rng *r, struct uctx *x,
		uint16_t version, uint8_t key_len)
{
	struct rte_tlsoff_tls_keys dk;
	int rc;

	keys_random(r, &x->k, version, key_len);
	keys_to_drv(&x->k, 0, &dk);
	rc = mlx5_tls_ctx_create(u->d, &dk, NULL, &x->c);
	TH_EQ(t, rc, 0);
	return rc == 0;
}

/* Params for record @recno (Linux's resync order): static, progress, NOP. */
static void
post_params(struct dut *u, struct mlx5_tls_ctx *c, uint64_t recno)
{
	room(u, MLX5_STATIC_PARAMS_BBS + 2);
	/* Fenced when older WQEs of the TIS may still be in flight. */
	mlx5_post_static(u->q, c, recno, c->tis_used);
	mlx5_post_progress(u->q, c->tisn, false);
	mlx5_post_nop(u->q, true);
}

/*
 * The context works: params for a new record, the record in one or two
 * frames, and the wire carries exactly OpenSSL's sealing of it.
 */
static bool
roundtrip(struct th *t, struct dut *u, struct rng *r, struct uctx *x,
		uint64_t recno)
{
	struct mlx5_model_stats ms;
	uint64_t err = u->d->st.cqe_errors;
	uint32_t len, half;
	long diff;

	stream_reset(&u->s);
	stream_add(&u->s, r, &x->k, recno, rnd_in(r, 0, 2 * MSS - 40));
	len = u->s.start[1];
	wire_reset(rnd(r) & 0xffffffff);
	post_params(u, x->c, recno);
	half = len > MSS ? len - MSS : rnd_below(r, len);
	if (half > 0)
		TH_CHECK(t, post_frame(u, make_frame(r, W.base, u->s.plain,
			half, 1), x->c->tisn));
	TH_CHECK(t, post_frame(u, make_frame(r, W.base + half,
		u->s.plain + half, len - half, 2), x->c->tisn));
	x->c->tis_used = true;
	kick(u);
	model_stats(u, &ms);
	TH_EQ(t, W.bad, 0);
	TH_EQ(t, W.bytes, len);
	diff = first_diff(W.got, u->s.wire, len);
	TH_CHECK(t, diff < 0, "ciphertext differs at %ld of %u", diff, len);
	TH_EQ(t, u->d->st.cqe_errors, err);
	TH_EQ(t, u->q->ci, u->q->pi);
	return W.bad == 0 && W.bytes == len && diff < 0 &&
		u->d->st.cqe_errors == err;
}

/* ---- reading the ring and the completion queue ---- */

/* Byte @off of the WQE starting at WQEBB @start, across the ring end. */
static uint8_t *
wqe_byte(const struct mlx5_txq *q, uint32_t start, uint32_t off)
{
	uint32_t units = q->hw.wqe_cnt * (MLX5_WQEBB / MLX5_DS);
	uint32_t unit = (start * (MLX5_WQEBB / MLX5_DS) + off / MLX5_DS) %
		units;

	return q->hw.wq + unit * MLX5_DS + off % MLX5_DS;
}

static void
wqe_read(const struct mlx5_txq *q, uint32_t start, uint8_t *out,
		uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		out[i] = *wqe_byte(q, start, i);
}

struct cqe {
	uint8_t opcode, syndrome, vendor, wqe_opcode;
	uint16_t counter;
};

/* The CQEs the device wrote that the driver has not consumed yet. */
static unsigned int
cqes_pending(const struct mlx5_txq *q, struct cqe *v, unsigned int max)
{
	uint32_t i = q->cq_ci, n = 0;

	while (n < max) {
		const uint8_t *c = q->hw.cq + (i & (q->hw.cqe_cnt - 1)) *
			MLX5_CQE_SIZE;
		uint8_t op_own = c[MLX5_CQE_OP_OWN];

		if ((op_own & 1) != ((i / q->hw.cqe_cnt) & 1) ||
		    (op_own >> 4) == MLX5_CQE_INVALID)
			break;
		v[n].opcode = op_own >> 4;
		v[n].syndrome = c[MLX5_CQE_SYNDROME];
		v[n].vendor = c[MLX5_CQE_VENDOR_SYNDROME];
		v[n].wqe_opcode = c[MLX5_CQE_SOP_QPN];
		v[n].counter = (uint16_t)(c[MLX5_CQE_WQE_COUNTER] << 8 |
			c[MLX5_CQE_WQE_COUNTER + 1]);
		n++;
		i++;
	}
	return n;
}

/*
 * The Ethernet SEND WQE the fact sheet describes (2.1, 2.2, 2.3, 2.8) for
 * frame @m: ctrl, eth segment with the headers inline from its byte 14 on,
 * a data segment per remaining piece. Returns its size in bytes; @cmp
 * marks the bytes the layout defines (inline padding is not).
 */
static uint32_t
expect_send(const struct dut *u, const struct rte_mbuf *m, uint16_t idx,
		uint32_t tisn, uint8_t *w, uint8_t *cmp)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t ihs = m->l2_len + m->l3_len + m->l4_len, off, ds, i;
	const struct rte_mbuf *s;
	uint8_t cs = 0;

	memset(w, 0, 16 * 64);
	memset(cmp, 1, 16 * 64);
	/* Segments: ctrl, eth (2 inline bytes), the rest inline, data. */
	off = 32 + RTE_ALIGN_CEIL(ihs - 2, 16u);
	for (s = m; s != NULL; s = s->next) {
		uint32_t skip = s == m ? ihs : 0;
		const uint8_t *a = rte_pktmbuf_mtod(s, const uint8_t *) + skip;
		uint32_t n = s->data_len - skip;

		if (n == 0)
			continue;
		put_be32(w + off, n);
		put_be32(w + off + 4,
			mlx5_mr_lookup(&u->d->dev, a, n));
		put_be64(w + off + 8, (uint64_t)(uintptr_t)a);
		off += 16;
	}
	ds = off / 16;
	put_be32(w, (uint32_t)idx << 8 | 0x0a);
	put_be32(w + 4, u->q->hw.sqn << 8 | ds);
	put_be32(w + 12, tisn << 8);
	if (m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM)
		cs |= 0x40;
	if (m->ol_flags & RTE_MBUF_F_TX_L4_MASK)
		cs |= 0x80;
	w[16 + 4] = cs;
	put_be16(w + 16 + 12, (uint16_t)ihs);
	memcpy(w + 16 + 14, f, ihs);
	for (i = 16 + 14 + ihs; i < 32 + RTE_ALIGN_CEIL(ihs - 2, 16u); i++)
		cmp[i] = 0;
	return off;
}

/* The SEND at WQEBB @start is what the fact sheet says (CE bits aside). */
static void
check_send(struct th *t, const struct dut *u, uint32_t start,
		const struct rte_mbuf *m, uint32_t tisn)
{
	uint8_t exp[16 * 64], cmp[16 * 64], got[16 * 64];
	uint32_t len = expect_send(u, m, (uint16_t)start, tisn, exp, cmp), i;
	unsigned int bad = 0;

	wqe_read(u->q, start, got, len);
	/* The driver may ask for a completion on any WQE (bits 3:2). */
	got[11] &= (uint8_t)~0x0c;
	for (i = 0; i < len; i++) {
		if (cmp[i] && got[i] != exp[i] && bad++ < 4)
			TH_CHECK(t, false, "SEND at %u byte %u: %02x, "
				"want %02x", start, i, got[i], exp[i]);
	}
	TH_EQ(t, bad, 0);
}

/* ==== 1. WQE layouts, byte for byte ==== */

/* Fact sheet 2.4, its example: tisn 0x123, DEK 0x456, idx 0x10, sqn 0xabc. */
static const uint8_t fs_static12[192] = {
	/* ctrl: opmod 1, idx 0x10, UMR; sqn 0xabc, ds 12; fence; tisn<<8 */
	0x01, 0x00, 0x10, 0x25, 0x00, 0x0a, 0xbc, 0x0c,
	0x00, 0x00, 0x00, 0x20, 0x00, 0x01, 0x23, 0x00,
	/* UMR ctrl: flags INLINE, bsf_octowords 4 */
	0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
	0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* mkey context: zero */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* params: 0x89000001; initial_record_number 5 */
	0x89, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
	/* resync_tcp_sn 0; gcm_iv = salt; implicit_iv 0 for TLS 1.2 */
	0x00, 0x00, 0x00, 0x00, 0xa1, 0xa2, 0xa3, 0xa4,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* dek_index 0x456 */
	0x00, 0x00, 0x04, 0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static void
test_layout_static(struct th *t)
{
	static const uint8_t salt[4] = { 0xa1, 0xa2, 0xa3, 0xa4 };
	static const uint8_t iv[8] = {
		0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8 };
	uint8_t exp[192], w[192];
	long d;

	/* TLS 1.2: the IV must not appear (implicit_iv stays 0). */
	memset(w, 0xee, sizeof(w));
	mlx5_build_static(w, 0x10, 0xabc, 0x123, 0x456, 0x0303, salt, iv, 5,
		true);
	d = first_diff(w, fs_static12, 192);
	TH_CHECK(t, d < 0, "TLS 1.2 byte 0x%lx: %02x, want %02x", d,
		d < 0 ? 0 : w[d], d < 0 ? 0 : fs_static12[d]);
	/* TLS 1.3: 0x8d000001, iv b1..b8 at byte 0x98. */
	memcpy(exp, fs_static12, 192);
	exp[0x80] = 0x8d;
	memcpy(exp + 0x98, iv, 8);
	memset(w, 0xee, sizeof(w));
	mlx5_build_static(w, 0x10, 0xabc, 0x123, 0x456, 0x0304, salt, iv, 5,
		true);
	d = first_diff(w, exp, 192);
	TH_CHECK(t, d < 0, "TLS 1.3 byte 0x%lx: %02x, want %02x", d,
		d < 0 ? 0 : w[d], d < 0 ? 0 : exp[d]);
	/* Unfenced, a 24-bit DEK, a record number using all 8 bytes. */
	exp[11] = 0x00;
	exp[0xa1] = 0xab;
	exp[0xa2] = 0xcd;
	exp[0xa3] = 0xef;
	memcpy(exp + 0x88, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	mlx5_build_static(w, 0x10, 0xabc, 0x123, 0xabcdef, 0x0304, salt, iv,
		0x0102030405060708ull, false);
	d = first_diff(w, exp, 192);
	TH_CHECK(t, d < 0, "unfenced byte 0x%lx: %02x, want %02x", d,
		d < 0 ? 0 : w[d], d < 0 ? 0 : exp[d]);
}

static void
test_layout_progress_dump_nop(struct th *t)
{
	/* 2.5: SET_PSV opmod 1, ds 2, dword 3 zero, then the unshifted tisn. */
	static const uint8_t fs_progress[32] = {
		0x01, 0x00, 0x10, 0x20, 0x00, 0x0a, 0xbc, 0x02,
		0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x01, 0x23, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	/* 2.6: DUMP opmod 0, ds 2, tisn<<8; one data segment. */
	static const uint8_t fs_dump[32] = {
		0x00, 0x00, 0x11, 0x23, 0x00, 0x0a, 0xbc, 0x02,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x23, 0x00,
		0x00, 0x00, 0x05, 0xdc, 0x00, 0x00, 0x12, 0x34,
		0x00, 0x00, 0x7f, 0x12, 0x34, 0x56, 0x78, 0x90,
	};
	/* 2.7: NOP, ds 1, fence INITIATOR_SMALL, dword 3 zero. */
	static const uint8_t fs_nop[16] = {
		0x00, 0x00, 0x12, 0x00, 0x00, 0x0a, 0xbc, 0x01,
		0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00,
	};
	uint8_t w[32], exp[32];
	long d;

	memset(w, 0xee, sizeof(w));
	mlx5_build_progress(w, 0x10, 0xabc, 0x123, true);
	d = first_diff(w, fs_progress, 32);
	TH_CHECK(t, d < 0, "progress byte %ld", d);
	memcpy(exp, fs_progress, 32);
	exp[11] = 0;
	mlx5_build_progress(w, 0x10, 0xabc, 0x123, false);
	TH_CHECK(t, first_diff(w, exp, 32) < 0, "unfenced progress");

	memset(w, 0xee, sizeof(w));
	mlx5_build_dump(w, 0x11, 0xabc, 0x123, 0x00007f1234567890ull, 0x5dc,
		0x1234, false);
	d = first_diff(w, fs_dump, 32);
	TH_CHECK(t, d < 0, "DUMP byte %ld", d);
	memcpy(exp, fs_dump, 32);
	exp[11] = 0x20;
	memset(w, 0xee, sizeof(w));
	mlx5_build_dump(w, 0x11, 0xabc, 0x123, 0x00007f1234567890ull, 0x5dc,
		0x1234, true);
	TH_CHECK(t, first_diff(w, exp, 32) < 0, "fenced DUMP");

	memset(w, 0xee, sizeof(w));
	mlx5_build_nop(w, 0x12, 0xabc, true);
	d = first_diff(w, fs_nop, 16);
	TH_CHECK(t, d < 0, "NOP byte %ld", d);
	/* The WQE index is 16 bits wide; the SQN 24. */
	memcpy(exp, fs_nop, 16);
	memcpy(exp, "\x00\xbe\xef\x00\x12\x34\x56\x01", 8);
	exp[11] = 0;
	mlx5_build_nop(w, 0xbeef, 0x123456, false);
	TH_CHECK(t, first_diff(w, exp, 16) < 0, "NOP index/sqn");
}

/*
 * 2.8: a SEND posted by the driver, read back from the ring: the TIS in
 * ctrl dword 3, checksum flags, the headers inline, one data segment per
 * piece. The frame is a whole TLS 1.3 record, so the wire shows it sealed.
 */
static void
test_layout_send(struct th *t)
{
	struct rng r = { 0x5e4d };
	struct rte_mbuf *m;
	struct dut u;
	struct uctx x;
	uint32_t start, len;
	long d;

	if (!dut_open(t, &u, 256, 4))
		goto out;
	if (!uctx_create(t, &u, &r, &x, 0x0304, 16))
		goto out;
	post_params(&u, x.c, x.k.rec0);
	stream_reset(&u.s);
	stream_add(&u.s, &r, &x.k, x.k.rec0, 123);
	len = u.s.start[1];
	TH_EQ(t, len, 5 + 123 + 1 + 16);
	/* Two pieces: headers plus 86 bytes, and the rest. */
	m = rte_pktmbuf_alloc(frame_pool);
	frame_hdr((uint8_t *)rte_pktmbuf_append(m, HDR_LEN + 86), 1000, len);
	memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, HDR_LEN), u.s.plain, 86);
	{
		struct rte_mbuf *s = rte_pktmbuf_alloc(frame_pool);

		memcpy(rte_pktmbuf_append(s, (uint16_t)(len - 86)),
			u.s.plain + 86, len - 86);
		rte_pktmbuf_chain(m, s);
	}
	m->l2_len = 14;
	m->l3_len = 20;
	m->l4_len = 20;
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
		RTE_MBUF_F_TX_TCP_CKSUM;
	start = u.q->pi;
	TH_EQ(t, mlx5_send_bbs(m), 2);
	TH_EQ(t, mlx5_post_send(u.d, m, x.c->tisn), 2);
	{
		/* Every field, written out from the fact sheet's tables. */
		uint8_t w[128], exp[128];
		const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
		const uint8_t *a1 = f + HDR_LEN;
		const uint8_t *a2 = rte_pktmbuf_mtod(m->next, const uint8_t *);

		wqe_read(u.q, start, w, sizeof(w));
		memset(exp, 0, sizeof(exp));
		put_be32(exp, start << 8 | 0x0a);           /* SEND */
		/* ctrl, eth, 52 inline bytes in 4 units, 2 data segments */
		put_be32(exp + 4, u.q->hw.sqn << 8 | 8);
		put_be32(exp + 12, x.c->tisn << 8);
		exp[16 + 4] = 0xc0;                          /* L3 + L4 csum */
		put_be16(exp + 16 + 12, 54);                 /* inline_hdr.sz */
		memcpy(exp + 16 + 14, f, 54);
		put_be32(exp + 96, 86);
		put_be32(exp + 100, mlx5_mr_lookup(&u.d->dev, a1, 86));
		put_be64(exp + 104, (uint64_t)(uintptr_t)a1);
		put_be32(exp + 112, len - 86);
		put_be32(exp + 116, mlx5_mr_lookup(&u.d->dev, a2, len - 86));
		put_be64(exp + 120, (uint64_t)(uintptr_t)a2);
		TH_CHECK(t, mlx5_mr_lookup(&u.d->dev, a1, 86) != UINT32_MAX);
		/* Inline bytes 84..95: padding the fact sheet leaves open. */
		memcpy(exp + 84, w + 84, 12);
		d = first_diff(w, exp, sizeof(exp));
		TH_CHECK(t, d < 0, "SEND byte %ld: %02x, want %02x", d,
			d < 0 ? 0 : w[d], d < 0 ? 0 : exp[d]);
		check_send(t, &u, start, m, x.c->tisn);
	}
	/* Plain (no TIS), TCP checksum only, one piece. */
	m = make_frame(&r, 1200, u.s.plain, 40, 1);
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
	{
		/* No IP checksum offload: the sender fills it in. */
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			struct rte_ipv4_hdr *, 14);

		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	start = u.q->pi;
	TH_EQ(t, mlx5_post_send(u.d, m, 0), 2);
	{
		uint8_t w[112];

		wqe_read(u.q, start, w, sizeof(w));
		TH_EQ(t, get_be32(w), start << 8 | 0x0a);
		TH_EQ(t, get_be32(w + 4), u.q->hw.sqn << 8 | 7);
		TH_EQ(t, get_be32(w + 12), 0);
		TH_EQ(t, w[16 + 4], 0x80);
		TH_EQ(t, get_be32(w + 96), 40);
		check_send(t, &u, start, m, 0);
	}
	wire_reset(1000);
	kick(&u);
	/* The record, sealed; then the plain frame as it was. */
	TH_EQ(t, W.frames, 2);
	TH_EQ(t, W.bad, 0);
	d = first_diff(W.got, u.s.wire, len);
	TH_CHECK(t, d < 0, "ciphertext at %ld", d);
	TH_EQ(t, W.last_len, HDR_LEN + 40);
	TH_CHECK(t, memcmp(W.got + 200, u.s.plain, 40) == 0);
	TH_EQ(t, u.d->st.cqe_errors, 0);
out:
	dut_close(t, &u);
}

/* ==== 2. WQEs across the ring end ==== */

/* NOPs until the next WQE starts at ring slot @slot. */
static void
pad_to(struct dut *u, uint32_t slot)
{
	while ((u->q->pi & u->q->mask) != slot) {
		room(u, 1);
		mlx5_post_nop(u->q, false);
	}
}

static void
test_ring_wrap(struct th *t)
{
	struct rng r = { 0x77a9 };
	struct mlx5_model_stats ms;
	struct uctx x[2];
	unsigned int it, split_static = 0, split_send = 0, nbad = 0;
	struct dut u;
	uint64_t recno[2];

	if (!dut_open(t, &u, 256, 4))
		goto out;
	TH_EQ(t, u.q->hw.wqe_cnt, 256);
	if (!uctx_create(t, &u, &r, &x[0], 0x0303, 16) ||
	    !uctx_create(t, &u, &r, &x[1], 0x0304, 32))
		goto out;
	recno[0] = x[0].k.rec0;
	recno[1] = x[1].k.rec0;
	/* Each iteration goes around the ring once or twice: > 2^16 WQEBBs. */
	for (it = 0; it < 300 && nbad < 3; it++) {
		struct uctx *c = &x[it & 1];
		uint32_t slot = 254 + (it >> 1 & 1), start, len, off, cut;
		uint8_t exp[192], got[192];
		struct rte_mbuf *m;

		stream_reset(&u.s);
		stream_add(&u.s, &r, &c->k, recno[it & 1],
			rnd_in(&r, 1500, 9000));
		len = u.s.start[1];
		wire_reset((uint32_t)rnd(&r));
		/* Static params in the last one or two WQEBBs and the first. */
		pad_to(&u, slot);
		/* Static, progress and the fence NOP. */
		room(&u, MLX5_STATIC_PARAMS_BBS + 2);
		start = u.q->pi;
		TH_EQ(t, mlx5_post_static(u.q, c->c, recno[it & 1], true), 3);
		mlx5_build_static(exp, (uint16_t)start, u.q->hw.sqn, c->c->tisn,
			c->c->dek_id, c->k.version, c->k.salt, c->k.iv,
			recno[it & 1], true);
		/* Its first bytes end the ring, the rest start it. */
		cut = (256 - slot) * 64;
		memcpy(got, u.q->hw.wq + slot * 64, cut);
		memcpy(got + cut, u.q->hw.wq, 192 - cut);
		exp[11] &= (uint8_t)~0x0c;
		got[11] &= (uint8_t)~0x0c;
		if (memcmp(got, exp, 192) == 0)
			split_static++;
		mlx5_post_progress(u.q, c->c->tisn, false);
		mlx5_post_nop(u.q, true);
		c->c->tis_used = true;
		/* Some of the record, then a 3-WQEBB SEND over the end. */
		off = rnd_in(&r, 0, 1000);
		if (!send_range(&u, &r, c->c->tisn, 0, off))
			TH_CHECK(t, false, "send");
		pad_to(&u, 254 + rnd_below(&r, 2));
		room(&u, 3);
		start = u.q->pi;
		/* ctrl, eth, 4 inline units, 3..6 data segments: 3 WQEBBs. */
		m = make_frame(&r, W.base + off, u.s.plain + off,
			RTE_MIN(MSS, len - off), rnd_in(&r, 4, 7));
		TH_CHECK(t, m->nb_segs >= 4);
		TH_CHECK(t, post_frame(&u, m, c->c->tisn));
		if ((start & u.q->mask) + (u.q->pi - start) > 256) {
			split_send++;
			check_send(t, &u, start, m, c->c->tisn);
		}
		off += RTE_MIN(MSS, len - off);
		if (!send_range(&u, &r, c->c->tisn, off, len))
			TH_CHECK(t, false, "send");
		kick(&u);
		LOOP_CHECK(t, nbad, W.bad == 0 && W.bytes == len &&
			memcmp(W.got, u.s.wire, len) == 0,
			"iteration %u: %u bad frames (%s), %" PRIu64 " of %u "
			"bytes, first difference %ld", it, W.bad,
			W.why ? W.why : "-", W.bytes, len,
			first_diff(W.got, u.s.wire, len));
		recno[it & 1]++;
	}
	model_stats(&u, &ms);
	printf("# %u iterations, %u WQEBBs posted, %u static params and "
		"%u SENDs split at the ring end, %" PRIu64 " model WQEs\n",
		it, u.q->pi, split_static, split_send, ms.wqes);
	TH_EQ(t, it, 300);
	TH_EQ(t, split_static, 300);
	TH_EQ(t, split_send, 300);
	/* The 16-bit WQE counter wrapped too. */
	TH_CHECK(t, u.q->pi > 0x10000, "%u", u.q->pi);
	TH_EQ(t, u.d->st.cqe_errors, 0);
	TH_EQ(t, ms.error_cqes, 0);
	TH_EQ(t, ms.static_params, 300);
	TH_EQ(t, ms.tls_records, 300);
out:
	dut_close(t, &u);
}

/* ==== 3. The TLS engine against OpenSSL ==== */

#define ENGINE_CASES 10000u

enum point_kind {
	PT_START, PT_HDR, PT_NONCE, PT_BODY, PT_CTYPE, PT_TAG, PT_ANY, PT_N
};

static const char *const point_name[PT_N] = {
	"record start", "header", "explicit nonce", "body", "inner type",
	"tag", "anywhere",
};

/* Plaintext lengths: mostly small, some up to 16384, zero too. */
static uint32_t
pick_pt(struct rng *r)
{
	switch (rnd_below(r, 20)) {
	case 0:
	case 1:
	case 2:
		return 0;
	case 3:
		return 16384;
	case 4:
	case 5:
		return rnd_in(r, 4000, 16384);
	case 6:
	case 7:
		return rnd_in(r, 300, 4000);
	default:
		return rnd_in(r, 1, 300);
	}
}

/* A resync point: in a chosen part of a chosen record, or anywhere. */
static uint32_t
pick_point(struct rng *r, const struct stream *s, uint16_t version,
		enum point_kind *kind)
{
	unsigned int k = rnd_below(r, s->n);
	uint32_t rs = s->start[k], len = s->start[k + 1] - rs;
	uint32_t body = version == 0x0303 ? 13 : 5;

	*kind = (enum point_kind)rnd_below(r, PT_N);
	if (*kind == PT_NONCE && version != 0x0303)
		*kind = PT_BODY;
	if (*kind == PT_CTYPE && version == 0x0303)
		*kind = PT_TAG;
	if (*kind == PT_BODY && len - 16 - (version == 0x0303 ? 0 : 1) <= body)
		*kind = PT_TAG;          /* no plaintext in this record */
	switch (*kind) {
	case PT_START:
		return rs;
	case PT_HDR:
		return rs + rnd_in(r, 1, 4);
	case PT_NONCE:
		return rs + rnd_in(r, 5, 12);
	case PT_BODY:
		return rs + rnd_in(r, body, len - 17 -
			(version == 0x0303 ? 0 : 1));
	case PT_CTYPE:
		return rs + len - 17;
	case PT_TAG:
		return rs + len - 16 + rnd_below(r, 16);
	default:
		return rnd_below(r, s->start[s->n]);
	}
}

static void
test_engine_random(struct th *t)
{
	const uint64_t seed = 0x2545f4914f6cdd1dull;
	struct rng r = { seed };
	unsigned int hit[PT_N] = { 0 }, i, nbad = 0, nrec = 0;
	unsigned int n12 = 0, n256 = 0, nstatic_skip = 0;
	uint64_t bytes = 0, dumped = 0;
	struct mlx5_model_stats ms;
	struct dut u;

	/* Four contexts: DEK ids are reused (via SYNC_CRYPTO) throughout. */
	/* 1024 WQEBBs: at most 512 frames of 4 mbufs in flight. */
	if (!dut_open(t, &u, 1024, 4))
		goto out;
	for (i = 0; i < ENGINE_CASES && nbad < 3; i++) {
		uint16_t version = rnd_below(&r, 2) ? 0x0304 : 0x0303;
		uint8_t key_len = rnd_below(&r, 2) ? 32 : 16;
		unsigned int nr = rnd_in(&r, 1, MAX_RECS), k;
		uint32_t total, x, p, rs;
		enum point_kind kind;
		struct uctx c;
		bool skip_static;
		uint64_t err = u.d->st.cqe_errors;

		if (!uctx_create(t, &u, &r, &c, version, key_len))
			break;
		n12 += version == 0x0303;
		n256 += key_len == 32;
		stream_reset(&u.s);
		for (k = 0; k < nr; k++)
			stream_add(&u.s, &r, &c.k, c.k.rec0 + k, pick_pt(&r));
		nrec += nr;
		total = u.s.start[nr];
		/* First transmission of [0, x). */
		x = rnd_below(&r, 4) == 0 ? total : rnd_in(&r, 0, total);
		wire_reset((uint32_t)rnd(&r));
		post_params(&u, c.c, c.k.rec0);
		LOOP_CHECK(t, nbad, send_range(&u, &r, c.c->tisn, 0, x));
		c.c->tis_used = true;
		kick(&u);
		LOOP_CHECK(t, nbad, W.bad == 0 && W.bytes == x &&
			memcmp(W.got, u.s.wire, x) == 0,
			"case %u (TLS 1.%d, AES-%u, %u records, %u bytes): "
			"first %u bytes: %u bad (%s), %" PRIu64 " seen, "
			"difference at %ld", i, version == 0x0303 ? 2 : 3,
			key_len * 8, nr, total, x, W.bad, W.why ? W.why : "-",
			W.bytes, first_diff(W.got, u.s.wire, x));
		bytes += x;
		/* Resync at p: the record holding it, then its prefix. */
		p = pick_point(&r, &u.s, version, &kind);
		hit[kind]++;
		for (k = 0; u.s.start[k + 1] <= p; k++)
			;
		rs = u.s.start[k];
		wire_reset(W.base);
		room(&u, MLX5_STATIC_PARAMS_BBS + 2);
		/* The record the static params hold: progress alone resets. */
		skip_static = k == 0 && rnd_below(&r, 2) == 0;
		if (!skip_static)
			mlx5_post_static(u.q, c.c, c.k.rec0 + k, true);
		else
			nstatic_skip++;
		mlx5_post_progress(u.q, c.c->tisn, skip_static);
		mlx5_post_nop(u.q, true);
		dump_range(&u, &r, c.c->tisn, rs, p);
		dumped += p - rs;
		LOOP_CHECK(t, nbad, send_range(&u, &r, c.c->tisn, p, total));
		kick(&u);
		LOOP_CHECK(t, nbad, W.bad == 0 && W.bytes == total - p &&
			memcmp(W.got + p, u.s.wire + p, total - p) == 0,
			"case %u (TLS 1.%d, AES-%u, %u records, %u bytes): "
			"resync at %u (%s of record %u at %u): %u bad (%s), "
			"%" PRIu64 " seen, difference at %ld", i,
			version == 0x0303 ? 2 : 3, key_len * 8, nr, total, p,
			point_name[kind], k, rs, W.bad, W.why ? W.why : "-",
			W.bytes,
			first_diff(W.got + p, u.s.wire + p, total - p));
		LOOP_CHECK(t, nbad, u.d->st.cqe_errors == err,
			"case %u: error completion", i);
		bytes += total - p;
		mlx5_tls_ctx_destroy(u.d, c.c);
	}
	model_stats(&u, &ms);
	printf("# %u cases (%u TLS 1.2, %u AES-256), %u records, %" PRIu64
		" bytes compared, %" PRIu64 " replayed by DUMP, %u resyncs "
		"without static params; seed 0x%016" PRIx64 "\n", i, n12, n256,
		nrec, bytes, dumped, nstatic_skip, seed);
	printf("# resync points:");
	for (i = 0; i < PT_N; i++)
		printf(" %s %u%s", point_name[i], hit[i],
			i + 1 < PT_N ? "," : "");
	printf("\n");
	TH_EQ(t, nbad, 0);
	for (i = 0; i < PT_N; i++)
		TH_CHECK(t, hit[i] > 100, "%s: %u", point_name[i], hit[i]);
	TH_EQ(t, ms.dump_bytes, dumped);
	TH_EQ(t, ms.error_cqes, 0);
	TH_EQ(t, u.d->st.cqe_errors, 0);
	/* A context per case, all from the pools of four. */
	TH_EQ(t, u.d->st.ctx_created, ENGINE_CASES);
	TH_EQ(t, u.d->st.ctx_destroyed, ENGINE_CASES);
	TH_EQ(t, u.d->nb_tis, 4);
out:
	dut_close(t, &u);
}

/* ==== 4. Malformed WQEs: error CQE, flush, recovery ==== */

struct bad {
	struct dut u;
	struct rng r;
	struct uctx a;               /* a live context: params, traffic */
	struct uctx b;               /* a context whose TIS has no params */
	uint64_t recno;
	bool no_roundtrip;           /* the context cannot work yet */
};

static bool
bad_open(struct th *t, struct bad *b)
{
	memset(b, 0, sizeof(*b));
	b->r.s = 0xbad0bad1;
	if (!dut_open(t, &b->u, 256, 8))
		return false;
	if (!uctx_create(t, &b->u, &b->r, &b->a, 0x0304, 16) ||
	    !uctx_create(t, &b->u, &b->r, &b->b, 0x0303, 32))
		return false;
	b->recno = b->a.k.rec0;
	return roundtrip(t, &b->u, &b->r, &b->a, b->recno++);
}

/*
 * The WQE at @bad_pi (and nothing before it) fails with @synd/@vendor;
 * the two WQEs posted here behind it are flushed and never executed; the
 * driver counts the error and resets the queue; a NOP then completes, and
 * the live context works again after new params.
 */
static void
bad_finish(struct th *t, struct bad *b, uint32_t bad_pi, uint8_t synd,
		uint8_t vendor, const char *what)
{
	struct dut *u = &b->u;
	struct mlx5_model_stats m0, m1;
	struct cqe v[64];
	uint64_t err = u->d->st.cqe_errors;
	uint32_t behind[2], gen = u->q->gen;
	unsigned int n, i, e;

	model_stats(u, &m0);
	wire_reset(0);
	/* Behind it: a frame that would go on the wire, and a NOP. */
	behind[0] = u->q->pi;
	TH_CHECK(t, post_frame(u, make_frame(&b->r, 0, u->s.plain, 100, 1),
		0));
	behind[1] = u->q->pi;
	mlx5_post_nop(u->q, false);
	mlx5_txq_doorbell(u->q);
	n = cqes_pending(u->q, v, RTE_DIM(v));
	for (e = 0; e < n && v[e].opcode == MLX5_CQE_REQ; e++)
		;
	TH_CHECK(t, e < n, "%s: no error completion", what);
	if (e < n) {
		TH_EQ(t, v[e].opcode, MLX5_CQE_REQ_ERR);
		TH_EQ(t, v[e].counter, (uint16_t)bad_pi);
		TH_EQ(t, v[e].syndrome, synd);
		TH_EQ(t, v[e].vendor, vendor);
		TH_CHECK(t, n == e + 3, "%s: %u completions after the error",
			what, n - e - 1);
		for (i = 0; i < 2 && e + 1 + i < n; i++) {
			TH_EQ(t, v[e + 1 + i].opcode, MLX5_CQE_REQ_ERR);
			TH_EQ(t, v[e + 1 + i].syndrome,
				MLX5_CQE_SYND_WR_FLUSH_ERR);
			TH_EQ(t, v[e + 1 + i].counter, (uint16_t)behind[i]);
		}
	}
	model_stats(u, &m1);
	TH_EQ(t, m1.flushed_wqes, m0.flushed_wqes + 2);
	TH_EQ(t, m1.error_cqes, m0.error_cqes + 3);
	TH_EQ(t, W.frames, 0);
	/* Recovery: the error counted once, the queue back at 0. */
	mlx5_txq_complete(u->d);
	TH_EQ(t, u->d->st.cqe_errors, err + 1);
	TH_CHECK(t, !u->q->error, "%s: still in error", what);
	TH_EQ(t, u->q->pi, 0);
	TH_EQ(t, u->q->ci, 0);
	TH_EQ(t, u->q->gen, gen + 1);
	/* A good WQE completes. */
	mlx5_post_nop(u->q, false);
	mlx5_txq_doorbell(u->q);
	n = cqes_pending(u->q, v, RTE_DIM(v));
	TH_EQ(t, n, 1);
	TH_EQ(t, v[0].opcode, MLX5_CQE_REQ);
	TH_EQ(t, v[0].counter, 0);
	mlx5_txq_complete(u->d);
	TH_EQ(t, u->q->ci, 1);
	TH_EQ(t, u->q->pi, 1);
	TH_EQ(t, u->d->st.cqe_errors, err + 1);
	/* The TIS is still whole: new params, and records go out right. */
	if (!b->no_roundtrip)
		TH_CHECK(t, roundtrip(t, u, &b->r, &b->a, b->recno++),
			"%s: the context does not work after recovery", what);
}

/* Set the ds count of the WQE at @pi, in the ring (ctrl byte 7). */
static void
patch_ds(struct dut *u, uint32_t pi, uint8_t ds)
{
	*wqe_byte(u->q, pi, 7) = ds;
}

static void
test_bad_ds(struct th *t)
{
	struct bad b;
	uint32_t pi;

	if (!bad_open(t, &b))
		goto out;
	/* Static params of 11 DS (still 3 WQEBBs). */
	pi = b.u.q->pi;
	mlx5_post_static(b.u.q, b.a.c, b.recno, true);
	patch_ds(&b.u, pi, 11);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_BAD_DS, "static ds 11");
	/* Progress params of 3 DS. */
	pi = b.u.q->pi;
	mlx5_post_progress(b.u.q, b.a.c->tisn, true);
	patch_ds(&b.u, pi, 3);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_BAD_DS, "progress ds 3");
	/* DUMP of 3 DS, and of 1. */
	post_params(&b.u, b.a.c, b.recno);
	pi = b.u.q->pi;
	mlx5_post_dump(b.u.q, b.a.c->tisn, b.u.buf, 5,
		mlx5_mr_lookup(&b.u.d->dev, b.u.buf, 5), NULL, false);
	patch_ds(&b.u, pi, 3);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_BAD_DS, "DUMP ds 3");
	post_params(&b.u, b.a.c, b.recno);
	pi = b.u.q->pi;
	mlx5_post_dump(b.u.q, b.a.c->tisn, b.u.buf, 5,
		mlx5_mr_lookup(&b.u.d->dev, b.u.buf, 5), NULL, false);
	patch_ds(&b.u, pi, 1);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_BAD_DS, "DUMP ds 1");
out:
	dut_close(t, &b.u);
}

static void
test_bad_dump_len(struct th *t)
{
	struct mlx5_model_stats ms;
	struct bad b;
	uint32_t pi, lkey;
	uint64_t err, dumped;

	if (!bad_open(t, &b))
		goto out;
	lkey = mlx5_mr_lookup(&b.u.d->dev, b.u.buf, MTU + 23);
	/* Zero bytes. */
	post_params(&b.u, b.a.c, b.recno);
	pi = b.u.q->pi;
	mlx5_post_dump(b.u.q, b.a.c->tisn, b.u.buf, 0, lkey, NULL, false);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_LENGTH_ERR,
		MLX5_MODEL_VS_ZERO_DUMP, "zero-length DUMP");
	/* hw_mtu = MTU + 22 is the most one DUMP takes (a long record). */
	stream_reset(&b.u.s);
	stream_add(&b.u.s, &b.r, &b.a.k, b.recno, 8000);
	err = b.u.d->st.cqe_errors;
	post_params(&b.u, b.a.c, b.recno);
	model_stats(&b.u, &ms);
	dumped = ms.dump_bytes;
	mlx5_post_dump(b.u.q, b.a.c->tisn, b.u.buf, MTU + 22, lkey, NULL,
		false);
	kick(&b.u);
	model_stats(&b.u, &ms);
	TH_EQ(t, b.u.d->st.cqe_errors, err);
	TH_EQ(t, ms.dump_bytes, dumped + MTU + 22);
	pi = b.u.q->pi;
	mlx5_post_dump(b.u.q, b.a.c->tisn, b.u.buf + MTU + 22, MTU + 23, lkey,
		NULL, false);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_DUMP_TOO_LONG, "DUMP of MTU + 23 bytes");
out:
	dut_close(t, &b.u);
}

/* A TIS number the device never gave out. */
#define NO_TIS 4000u

static void
test_bad_tis(struct th *t)
{
	struct mlx5_tls_ctx fake;
	struct rte_mbuf *m;
	uint8_t in[MLX5_CREATE_TIS_IN_LEN], out[MLX5_CREATE_TIS_OUT_LEN];
	void *obj = NULL;
	struct bad b;
	uint32_t pi, tisn;
	int rc;

	if (!bad_open(t, &b))
		goto out;
	/* Static params, progress params, DUMP and SEND naming no TIS. */
	fake = *b.a.c;
	fake.tisn = NO_TIS;
	pi = b.u.q->pi;
	mlx5_post_static(b.u.q, &fake, b.recno, true);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_UNKNOWN_TIS, "static, unknown TIS");
	pi = b.u.q->pi;
	mlx5_post_progress(b.u.q, NO_TIS, true);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_UNKNOWN_TIS, "progress, unknown TIS");
	pi = b.u.q->pi;
	mlx5_post_dump(b.u.q, NO_TIS, b.u.buf, 5,
		mlx5_mr_lookup(&b.u.d->dev, b.u.buf, 5), NULL, true);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_UNKNOWN_TIS, "DUMP, unknown TIS");
	pi = b.u.q->pi;
	m = make_frame(&b.r, 0, b.u.s.plain, 100, 1);
	TH_CHECK(t, post_frame(&b.u, m, NO_TIS));
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_UNKNOWN_TIS, "SEND, unknown TIS");
	/* A TIS that exists but without tls_en is no TLS TIS either. */
	memset(in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	put_be16(in, MLX5_CMD_CREATE_TIS);
	MLX5_PRM_SET(in + MLX5_TISC_OFF, MLX5_TISC_TRANSPORT_DOMAIN,
		b.u.d->dev.tdn);
	MLX5_PRM_SET(in + MLX5_TISC_OFF, MLX5_TISC_PD, b.u.d->dev.pdn);
	rc = b.u.d->dev.ops->obj_create(&b.u.d->dev, in, sizeof(in), out,
		sizeof(out), &obj);
	TH_EQ(t, rc, 0);
	TH_EQ(t, out[0], MLX5_CMD_STAT_OK);
	tisn = (uint32_t)MLX5_PRM_GET(out, MLX5_CREATE_TIS_OUT_TISN);
	TH_CHECK(t, tisn != 0);
	fake.tisn = tisn;
	pi = b.u.q->pi;
	mlx5_post_static(b.u.q, &fake, b.recno, true);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_UNKNOWN_TIS, "static, TIS without tls_en");
	b.u.d->dev.ops->obj_destroy(&b.u.d->dev, obj);
out:
	dut_close(t, &b.u);
}

static void
test_bad_no_context(struct th *t)
{
	struct bad b;
	uint32_t pi;

	if (!bad_open(t, &b))
		goto out;
	/* b's TIS never had params: DUMP, SEND, progress before static. */
	pi = b.u.q->pi;
	mlx5_post_dump(b.u.q, b.b.c->tisn, b.u.buf, 5,
		mlx5_mr_lookup(&b.u.d->dev, b.u.buf, 5), NULL, true);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_NO_CONTEXT, "DUMP before params");
	pi = b.u.q->pi;
	TH_CHECK(t, post_frame(&b.u, make_frame(&b.r, 0, b.u.s.plain, 100, 1),
		b.b.c->tisn));
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_NO_CONTEXT, "SEND before params");
	pi = b.u.q->pi;
	mlx5_post_progress(b.u.q, b.b.c->tisn, true);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_NO_CONTEXT, "progress before static");
	/* Static params alone (fenced) are not a context either. */
	mlx5_post_static(b.u.q, b.b.c, b.b.k.rec0, false);
	mlx5_post_nop(b.u.q, true);
	pi = b.u.q->pi;
	mlx5_post_dump(b.u.q, b.b.c->tisn, b.u.buf, 5,
		mlx5_mr_lookup(&b.u.d->dev, b.u.buf, 5), NULL, false);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_NO_CONTEXT, "DUMP after static only");
out:
	dut_close(t, &b.u);
}

static void
test_bad_fence(struct th *t)
{
	struct bad b;
	uint32_t pi;
	uint64_t err;

	if (!bad_open(t, &b))
		goto out;
	/* Static + progress, then the TIS used without a fence between. */
	mlx5_post_static(b.u.q, b.a.c, b.recno, true);
	mlx5_post_progress(b.u.q, b.a.c->tisn, false);
	pi = b.u.q->pi;
	mlx5_post_dump(b.u.q, b.a.c->tisn, b.u.buf, 5,
		mlx5_mr_lookup(&b.u.d->dev, b.u.buf, 5), NULL, false);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_NO_FENCE, "DUMP right after params");
	/* Progress alone (fenced: the TIS is busy), then an unfenced SEND. */
	mlx5_post_progress(b.u.q, b.a.c->tisn, true);
	pi = b.u.q->pi;
	TH_CHECK(t, post_frame(&b.u, make_frame(&b.r, 0, b.u.s.plain, 100, 1),
		b.a.c->tisn));
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_NO_FENCE, "SEND right after progress");
	/* Static params on a TIS that carried traffic, unfenced. */
	pi = b.u.q->pi;
	mlx5_post_static(b.u.q, b.a.c, b.recno, false);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_NO_FENCE, "static on a busy TIS, no fence");
	pi = b.u.q->pi;
	mlx5_post_progress(b.u.q, b.a.c->tisn, false);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_NO_FENCE, "progress on a busy TIS, no fence");
	/* The fence may be on the first WQE that uses the TIS (libxlio). */
	err = b.u.d->st.cqe_errors;
	stream_reset(&b.u.s);
	stream_add(&b.u.s, &b.r, &b.a.k, b.recno, 10);
	mlx5_post_static(b.u.q, b.a.c, b.recno, true);
	mlx5_post_progress(b.u.q, b.a.c->tisn, false);
	mlx5_post_dump(b.u.q, b.a.c->tisn, b.u.buf, 5,
		mlx5_mr_lookup(&b.u.d->dev, b.u.buf, 5), NULL, true);
	kick(&b.u);
	TH_EQ(t, b.u.d->st.cqe_errors, err);
out:
	dut_close(t, &b.u);
}

static void
test_bad_dek(struct th *t)
{
	struct mlx5_tls_ctx fake;
	const struct mlx5_dek_bulk *bk;
	uint8_t key[16];
	struct bad b;
	uint32_t pi;
	int rc;

	if (!bad_open(t, &b))
		goto out;
	bk = &b.u.d->bulks[b.a.c->dek_bulk];
	fake = *b.a.c;
	/* Beyond every DEK the device has. */
	fake.dek_id = 0xffffff;
	pi = b.u.q->pi;
	mlx5_post_static(b.u.q, &fake, b.recno, true);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_BAD_DEK, "DEK 0xffffff");
	/* Not allocated (past the bulk). */
	fake.dek_id = bk->base + bk->count + 5;
	pi = b.u.q->pi;
	mlx5_post_static(b.u.q, &fake, b.recno, true);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_BAD_DEK, "DEK not allocated");
	/* Allocated in the bulk but never given a key. */
	TH_CHECK(t, b.u.d->nb_dek_free > 0);
	fake.dek_id = bk->base + (b.u.d->dek_free[0] & 0xffffff);
	TH_CHECK(t, fake.dek_id != b.a.c->dek_id &&
		fake.dek_id != b.b.c->dek_id);
	pi = b.u.q->pi;
	mlx5_post_static(b.u.q, &fake, b.recno, true);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_BAD_DEK, "DEK without a key");
	/*
	 * a's DEK was used, so the device caches it: a new key for the same
	 * id (MODIFY) is unusable until SYNC_CRYPTO.
	 */
	rnd_fill(&b.r, key, sizeof(key));
	rc = mlx5_modify_dek(&b.u.d->dev, bk->obj, bk->base,
		b.a.c->dek_id - bk->base, key, sizeof(key));
	TH_EQ(t, rc, 0);
	memcpy(b.a.k.key, key, sizeof(key));
	b.no_roundtrip = true;
	pi = b.u.q->pi;
	mlx5_post_static(b.u.q, b.a.c, b.recno, true);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_DEK_STALE, "re-keyed DEK, no SYNC_CRYPTO");
	/* A queue reset does not clear it; only SYNC_CRYPTO does. */
	pi = b.u.q->pi;
	mlx5_post_static(b.u.q, b.a.c, b.recno, true);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_DEK_STALE, "re-keyed DEK, still no SYNC_CRYPTO");
	b.no_roundtrip = false;
	TH_EQ(t, mlx5_sync_crypto(&b.u.d->dev), 0);
	/* The records now leave under the new key. */
	TH_CHECK(t, roundtrip(t, &b.u, &b.r, &b.a, b.recno++));
out:
	dut_close(t, &b.u);
}

static void
test_bad_opcode_index_lkey(struct th *t)
{
	struct rte_mbuf *m;
	struct bad b;
	uint32_t pi;

	if (!bad_open(t, &b))
		goto out;
	/* An opcode the device does not have (NOP rewritten). */
	pi = b.u.q->pi;
	mlx5_post_nop(b.u.q, false);
	*wqe_byte(b.u.q, pi, 3) = 0x2f;
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_BAD_OPCODE, "opcode 0x2f");
	/*
	 * A WQE index that is not the producer position. The CQE carries
	 * the index the WQE holds (the driver's reaping copes with any).
	 */
	pi = b.u.q->pi;
	mlx5_post_nop(b.u.q, false);
	*wqe_byte(b.u.q, pi, 1) ^= 0x01;
	bad_finish(t, &b, pi ^ 0x100, MLX5_CQE_SYND_LOCAL_QP_OP_ERR,
		MLX5_MODEL_VS_BAD_INDEX, "WQE index");
	/* SEND data segment with an lkey nobody registered. */
	pi = b.u.q->pi;
	m = make_frame(&b.r, 0, b.u.s.plain, 100, 1);
	TH_CHECK(t, post_frame(&b.u, m, 0));
	/* ctrl, eth, 4 inline units: the data segment is unit 6. */
	TH_EQ(t, get_be32(wqe_byte(b.u.q, pi, 96)), 100);
	put_be32(wqe_byte(b.u.q, pi, 100), 0xdead00);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_PROT_ERR,
		MLX5_MODEL_VS_BAD_LKEY, "SEND with an unknown lkey");
	/* A known lkey, but an address outside its region. */
	pi = b.u.q->pi;
	m = make_frame(&b.r, 0, b.u.s.plain, 100, 1);
	TH_CHECK(t, post_frame(&b.u, m, 0));
	put_be64(wqe_byte(b.u.q, pi, 104), 0x1000);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_PROT_ERR,
		MLX5_MODEL_VS_BAD_LKEY, "SEND outside its region");
	/* DUMP from unregistered memory. */
	post_params(&b.u, b.a.c, b.recno);
	pi = b.u.q->pi;
	mlx5_post_dump(b.u.q, b.a.c->tisn, b.u.buf, 5, 0xdead00, NULL, false);
	bad_finish(t, &b, pi, MLX5_CQE_SYND_LOCAL_PROT_ERR,
		MLX5_MODEL_VS_BAD_LKEY, "DUMP with an unknown lkey");
out:
	dut_close(t, &b.u);
}

/* ==== 5. Command errors ==== */

/* Run a raw mailbox: the status, and the syndrome through @synd. */
static uint8_t
raw_cmd(struct dut *u, const uint8_t *in, size_t inlen, size_t outlen,
		uint32_t *synd)
{
	static uint8_t out[MLX5_QUERY_HCA_CAP_OUT_LEN];
	int rc;

	memset(out, 0xee, sizeof(out));
	rc = u->d->dev.ops->cmd(&u->d->dev, in, inlen, out, outlen);
	*synd = rc == 0 ? get_be32(out + 4) : 0;
	return rc == 0 ? out[0] : 0xff;
}

static uint8_t
raw_create(struct dut *u, const uint8_t *in, size_t inlen, size_t outlen,
		uint32_t *synd, void **obj)
{
	uint8_t out[64];
	int rc;

	memset(out, 0xee, sizeof(out));
	*obj = NULL;
	rc = u->d->dev.ops->obj_create(&u->d->dev, in, inlen, out, outlen,
		obj);
	*synd = rc == 0 ? get_be32(out + 4) : 0;
	return rc == 0 ? out[0] : 0xff;
}

static uint8_t
raw_modify(struct dut *u, void *obj, const uint8_t *in, size_t inlen,
		size_t outlen, uint32_t *synd)
{
	uint8_t out[64];
	int rc;

	memset(out, 0xee, sizeof(out));
	rc = u->d->dev.ops->obj_modify(&u->d->dev, obj, in, inlen, out,
		outlen);
	*synd = rc == 0 ? get_be32(out + 4) : 0;
	return rc == 0 ? out[0] : 0xff;
}

/* A good DEK MODIFY mailbox for id @base + @offset: AES-128, TLS. */
static void
dek_mailbox(const struct dut *u, uint8_t *in, uint16_t opcode,
		uint32_t base, uint32_t offset)
{
	uint8_t *o = in + MLX5_DEK_OBJ_OFF;

	memset(in, 0, MLX5_DEK_IN_LEN);
	put_be16(in, opcode);
	put_be16(in + MLX5_GOBJ_OBJ_TYPE, MLX5_OBJ_TYPE_DEK);
	put_be32(in + MLX5_GOBJ_OBJ_ID, base);
	if (opcode == MLX5_CMD_MODIFY_GENERAL_OBJECT) {
		MLX5_PRM_SET(in, MLX5_GOBJ_OBJ_OFFSET, offset);
		put_be64(o, 1);
	}
	MLX5_PRM_SET(o, MLX5_DEK_KEY_PURPOSE, MLX5_DEK_PURPOSE_TLS);
	MLX5_PRM_SET(o, MLX5_DEK_PD, u->d->dev.pdn);
	memset(o + MLX5_DEK_KEY + 16, 0x5a, 16);
}

#define CMD_FAIL(t, st, want, synd) do { \
	TH_EQ(t, st, want); \
	TH_CHECK(t, (synd) != 0, "no syndrome"); \
	nfail++; \
} while (0)

static void
test_cmd_errors(struct th *t)
{
	uint8_t in[MLX5_DEK_IN_LEN];
	struct mlx5_model_stats m0, m1;
	const struct mlx5_dek_bulk *bk;
	struct rng r = { 0xc0de };
	struct uctx x;
	struct dut u;
	unsigned int nfail = 0;
	uint32_t synd;
	void *obj;
	uint8_t st;

	if (!dut_open(t, &u, 256, 8))
		goto out;
	if (!uctx_create(t, &u, &r, &x, 0x0303, 16))
		goto out;
	bk = &u.d->bulks[0];
	model_stats(&u, &m0);

	/* The good QUERY_HCA_CAP, as a baseline. */
	memset(in, 0, sizeof(in));
	put_be16(in, MLX5_CMD_QUERY_HCA_CAP);
	put_be16(in + 6, MLX5_HCA_CAP_OP_MOD(MLX5_CAP_TLS, 1));
	st = raw_cmd(&u, in, 16, MLX5_QUERY_HCA_CAP_OUT_LEN, &synd);
	TH_EQ(t, st, MLX5_CMD_STAT_OK);
	/* Input too short, output too short. */
	st = raw_cmd(&u, in, 8, MLX5_QUERY_HCA_CAP_OUT_LEN, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_INP_LEN_ERR, synd);
	st = raw_cmd(&u, in, 16, 16, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_OUTP_LEN_ERR, synd);
	st = raw_cmd(&u, in, 16, 8, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_OUTP_LEN_ERR, synd);
	/* A capability page the device does not have (op_mod). */
	put_be16(in + 6, MLX5_HCA_CAP_OP_MOD(0x3f, 1));
	st = raw_cmd(&u, in, 16, MLX5_QUERY_HCA_CAP_OUT_LEN, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);
	/* Unknown opcodes, as a command and as an object create. */
	put_be16(in, 0x7ff);
	st = raw_cmd(&u, in, 16, 16, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_OP_ERR, synd);
	st = raw_create(&u, in, 16, 16, &synd, &obj);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_OP_ERR, synd);
	TH_CHECK(t, obj == NULL);
	/* SYNC_CRYPTO of no crypto type. */
	memset(in, 0, 16);
	put_be16(in, MLX5_CMD_SYNC_CRYPTO);
	st = raw_cmd(&u, in, 16, 16, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);

	/* CREATE_TIS: short, wrong transport domain, wrong PD. */
	memset(in, 0, sizeof(in));
	put_be16(in, MLX5_CMD_CREATE_TIS);
	MLX5_PRM_SET(in + MLX5_TISC_OFF, MLX5_TISC_TLS_EN, 1);
	MLX5_PRM_SET(in + MLX5_TISC_OFF, MLX5_TISC_TRANSPORT_DOMAIN,
		u.d->dev.tdn);
	MLX5_PRM_SET(in + MLX5_TISC_OFF, MLX5_TISC_PD, u.d->dev.pdn);
	st = raw_create(&u, in, MLX5_CREATE_TIS_IN_LEN - 1, 16, &synd, &obj);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_INP_LEN_ERR, synd);
	st = raw_create(&u, in, MLX5_CREATE_TIS_IN_LEN, 8, &synd, &obj);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_OUTP_LEN_ERR, synd);
	MLX5_PRM_SET(in + MLX5_TISC_OFF, MLX5_TISC_PD, u.d->dev.pdn + 1);
	st = raw_create(&u, in, MLX5_CREATE_TIS_IN_LEN, 16, &synd, &obj);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);
	MLX5_PRM_SET(in + MLX5_TISC_OFF, MLX5_TISC_PD, u.d->dev.pdn);
	MLX5_PRM_SET(in + MLX5_TISC_OFF, MLX5_TISC_TRANSPORT_DOMAIN,
		u.d->dev.tdn + 1);
	st = raw_create(&u, in, MLX5_CREATE_TIS_IN_LEN, 16, &synd, &obj);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);
	TH_CHECK(t, obj == NULL);

	/* DEK create: short, another object type, bad key sizes. */
	dek_mailbox(&u, in, MLX5_CMD_CREATE_GENERAL_OBJECT, 0, 0);
	st = raw_create(&u, in, MLX5_DEK_IN_LEN, 16, &synd, &obj);
	TH_EQ(t, st, MLX5_CMD_STAT_OK);   /* the baseline: one keyed DEK */
	TH_CHECK(t, obj != NULL);
	if (obj != NULL)
		u.d->dev.ops->obj_destroy(&u.d->dev, obj);
	st = raw_create(&u, in, 64, 16, &synd, &obj);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_INP_LEN_ERR, synd);
	put_be16(in + MLX5_GOBJ_OBJ_TYPE, 0x13);
	st = raw_create(&u, in, MLX5_DEK_IN_LEN, 16, &synd, &obj);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);
	put_be16(in + MLX5_GOBJ_OBJ_TYPE, MLX5_OBJ_TYPE_DEK);
	MLX5_PRM_SET(in + MLX5_DEK_OBJ_OFF, MLX5_DEK_KEY_SIZE, 2);
	st = raw_create(&u, in, MLX5_DEK_IN_LEN, 16, &synd, &obj);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);
	/* AES-128 with bytes in the reserved first half of the key. */
	MLX5_PRM_SET(in + MLX5_DEK_OBJ_OFF, MLX5_DEK_KEY_SIZE, 0);
	in[MLX5_DEK_OBJ_OFF + MLX5_DEK_KEY] = 1;
	st = raw_create(&u, in, MLX5_DEK_IN_LEN, 16, &synd, &obj);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);
	/* A bulk larger than log_dek_max_alloc. */
	dek_mailbox(&u, in, MLX5_CMD_CREATE_GENERAL_OBJECT, 0, 0);
	MLX5_PRM_SET(in, MLX5_GOBJ_LOG_OBJ_RANGE, 13);
	st = raw_create(&u, in, MLX5_DEK_IN_LEN, 16, &synd, &obj);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);
	TH_CHECK(t, obj == NULL);

	/* DEK modify: the baseline, then what is wrong with it. */
	dek_mailbox(&u, in, MLX5_CMD_MODIFY_GENERAL_OBJECT, bk->base, 5);
	st = raw_modify(&u, bk->obj, in, MLX5_DEK_IN_LEN, 16, &synd);
	TH_EQ(t, st, MLX5_CMD_STAT_OK);
	st = raw_modify(&u, bk->obj, in, MLX5_DEK_IN_LEN - 1, 16, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_INP_LEN_ERR, synd);
	st = raw_modify(&u, bk->obj, in, MLX5_DEK_IN_LEN, 8, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_OUTP_LEN_ERR, synd);
	/* Of a TIS, and of the transport domain: not DEKs. */
	st = raw_modify(&u, x.c->tis_obj, in, MLX5_DEK_IN_LEN, 16, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_OP_ERR, synd);
	st = raw_modify(&u, u.d->dev.td_obj, in, MLX5_DEK_IN_LEN, 16, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_OP_ERR, synd);
	/* Offset past the bulk; an id that is not the bulk's. */
	dek_mailbox(&u, in, MLX5_CMD_MODIFY_GENERAL_OBJECT, bk->base,
		bk->count);
	st = raw_modify(&u, bk->obj, in, MLX5_DEK_IN_LEN, 16, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);
	dek_mailbox(&u, in, MLX5_CMD_MODIFY_GENERAL_OBJECT, bk->base + 1, 0);
	st = raw_modify(&u, bk->obj, in, MLX5_DEK_IN_LEN, 16, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);
	/* Key size 3; a key for another purpose; no field selected. */
	dek_mailbox(&u, in, MLX5_CMD_MODIFY_GENERAL_OBJECT, bk->base, 5);
	MLX5_PRM_SET(in + MLX5_DEK_OBJ_OFF, MLX5_DEK_KEY_SIZE, 3);
	st = raw_modify(&u, bk->obj, in, MLX5_DEK_IN_LEN, 16, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);
	dek_mailbox(&u, in, MLX5_CMD_MODIFY_GENERAL_OBJECT, bk->base, 5);
	MLX5_PRM_SET(in + MLX5_DEK_OBJ_OFF, MLX5_DEK_KEY_PURPOSE, 2);
	st = raw_modify(&u, bk->obj, in, MLX5_DEK_IN_LEN, 16, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);
	dek_mailbox(&u, in, MLX5_CMD_MODIFY_GENERAL_OBJECT, bk->base, 5);
	put_be64(in + MLX5_DEK_OBJ_OFF, 0);
	st = raw_modify(&u, bk->obj, in, MLX5_DEK_IN_LEN, 16, &synd);
	CMD_FAIL(t, st, MLX5_CMD_STAT_BAD_PARAM_ERR, synd);

	model_stats(&u, &m1);
	TH_EQ(t, m1.command_errors - m0.command_errors, nfail);
	/* A refused MODIFY left the DEK's key as it was. */
	TH_CHECK(t, roundtrip(t, &u, &r, &x, x.k.rec0));
out:
	dut_close(t, &u);
}

/*
 * The driver's command functions (mlx5_cmd.c) on refusals: a negative
 * errno, and every attempt counted. A shim backend spoils the mailboxes
 * the functions build, on their way to the model.
 */
enum spoil {
	SPOIL_NONE, SPOIL_INLEN, SPOIL_OUTLEN, SPOIL_OPCODE, SPOIL_OPMOD,
	SPOIL_CRYPTO_TYPE, SPOIL_LOST,
};

static enum spoil spoil;
static struct mlx5_backend_ops spoil_ops;

static size_t
spoil_mailbox(uint8_t *in, size_t inlen, size_t *outlen)
{
	switch (spoil) {
	case SPOIL_INLEN:
		return 8;
	case SPOIL_OUTLEN:
		*outlen = 8;
		break;
	case SPOIL_OPCODE:
		put_be16(in, 0x7ff);
		break;
	case SPOIL_OPMOD:
		put_be16(in + 6, 0x7e);
		break;
	case SPOIL_CRYPTO_TYPE:
		put_be16(in + MLX5_SYNC_CRYPTO_TYPE, 0);
		break;
	default:
		break;
	}
	return inlen;
}

static int
spoil_cmd(struct mlx5_dev *d, const void *in, size_t inlen, void *out,
		size_t outlen)
{
	static uint8_t buf[MLX5_DEK_IN_LEN];

	if (spoil == SPOIL_LOST)
		return -ETIMEDOUT;
	memcpy(buf, in, RTE_MIN(inlen, sizeof(buf)));
	inlen = spoil_mailbox(buf, inlen, &outlen);
	return mlx5_model_backend_ops.cmd(d, buf, inlen, out, outlen);
}

static int
spoil_create(struct mlx5_dev *d, const void *in, size_t inlen, void *out,
		size_t outlen, void **obj)
{
	static uint8_t buf[MLX5_DEK_IN_LEN];

	if (spoil == SPOIL_LOST)
		return -ETIMEDOUT;
	memcpy(buf, in, RTE_MIN(inlen, sizeof(buf)));
	inlen = spoil_mailbox(buf, inlen, &outlen);
	return mlx5_model_backend_ops.obj_create(d, buf, inlen, out, outlen,
		obj);
}

static int
spoil_modify(struct mlx5_dev *d, void *obj, const void *in, size_t inlen,
		void *out, size_t outlen)
{
	static uint8_t buf[MLX5_DEK_IN_LEN];

	if (spoil == SPOIL_LOST)
		return -ETIMEDOUT;
	memcpy(buf, in, RTE_MIN(inlen, sizeof(buf)));
	inlen = spoil_mailbox(buf, inlen, &outlen);
	return mlx5_model_backend_ops.obj_modify(d, obj, buf, inlen, out,
		outlen);
}

static void
test_cmd_functions(struct th *t)
{
	static const enum spoil all[] = {
		SPOIL_INLEN, SPOIL_OUTLEN, SPOIL_OPCODE, SPOIL_LOST,
	};
	const struct mlx5_backend_ops *real;
	const struct mlx5_dek_bulk *bk;
	struct mlx5_caps caps;
	struct mlx5_dev *dv;
	struct dut u;
	uint8_t key[16] = { 1 };
	void *obj, *bulks[4], *td_obj;
	uint32_t tisn, base, tdn;
	uint64_t fw;
	unsigned int i, nb;
	int rc, want;

	if (!dut_open(t, &u, 256, 8))
		goto out;
	dv = &u.d->dev;
	real = dv->ops;
	bk = &u.d->bulks[0];
	caps = dv->caps;
	spoil_ops = *real;
	spoil_ops.cmd = spoil_cmd;
	spoil_ops.obj_create = spoil_create;
	spoil_ops.obj_modify = spoil_modify;
	dv->ops = &spoil_ops;
	tdn = dv->tdn;
	td_obj = dv->td_obj;

	/* Unspoilt, every function works through the shim. */
	spoil = SPOIL_NONE;
	fw = dv->fw_commands;
	TH_EQ(t, mlx5_query_caps(dv), 0);
	TH_CHECK(t, dv->caps.tls_tx && dv->caps.sync_dek);
	TH_EQ(t, mlx5_create_tis(dv, &tisn, &obj), 0);
	TH_EQ(t, mlx5_destroy_obj(dv, obj), 0);
	TH_EQ(t, mlx5_modify_dek(dv, bk->obj, bk->base, 7, key, 16), 0);
	TH_EQ(t, mlx5_sync_crypto(dv), 0);
	TH_EQ(t, dv->fw_commands, fw + 7);   /* 3 cap pages */

	for (i = 0; i < RTE_DIM(all); i++) {
		spoil = all[i];
		want = spoil == SPOIL_LOST ? -ETIMEDOUT : -EIO;
		fw = dv->fw_commands;
		rc = mlx5_query_caps(dv);
		TH_CHECK(t, rc == want, "caps, spoil %d: %d", spoil, rc);
		rc = mlx5_alloc_td(dv);
		TH_CHECK(t, rc == want, "td, spoil %d: %d", spoil, rc);
		dv->td_obj = td_obj;
		obj = NULL;
		rc = mlx5_create_tis(dv, &tisn, &obj);
		TH_CHECK(t, rc == want && obj == NULL, "tis, spoil %d: %d",
			spoil, rc);
		obj = NULL;
		rc = mlx5_create_deks(dv, 2, &base, &obj);
		TH_CHECK(t, rc == want && obj == NULL, "deks, spoil %d: %d",
			spoil, rc);
		rc = mlx5_modify_dek(dv, bk->obj, bk->base, 7, key, 16);
		TH_CHECK(t, rc == want, "modify, spoil %d: %d", spoil, rc);
		rc = mlx5_sync_crypto(dv);
		TH_CHECK(t, rc == want, "sync, spoil %d: %d", spoil, rc);
		TH_EQ(t, dv->fw_commands, fw + 6);
	}
	/* A capability page the device does not have. */
	spoil = SPOIL_OPMOD;
	TH_EQ(t, mlx5_query_caps(dv), -EIO);
	spoil = SPOIL_CRYPTO_TYPE;
	TH_EQ(t, mlx5_sync_crypto(dv), -EIO);
	spoil = SPOIL_NONE;
	dv->ops = real;
	dv->caps = caps;
	dv->tdn = tdn;
	dv->td_obj = td_obj;

	/* Refusals of well-formed mailboxes. */
	TH_EQ(t, mlx5_modify_dek(dv, bk->obj, bk->base, bk->count, key, 16),
		-EIO);
	TH_EQ(t, mlx5_modify_dek(dv, dv->td_obj, bk->base, 0, key, 16), -EIO);
	TH_EQ(t, mlx5_create_deks(dv, 13, &base, &obj), -EIO);
	dv->tdn = tdn + 3;
	TH_EQ(t, mlx5_create_tis(dv, &tisn, &obj), -EIO);
	dv->tdn = tdn;
	/* The model's 2^14 DEKs run out: no resource is -ENOSPC. */
	for (nb = 0, rc = 0; nb < RTE_DIM(bulks) && rc == 0; nb++)
		rc = mlx5_create_deks(dv, 12, &base, &bulks[nb]);
	TH_EQ(t, rc, -ENOSPC);
	TH_EQ(t, nb, 4);
	for (i = 0; i + 1 < nb; i++)
		mlx5_destroy_obj(dv, bulks[i]);
out:
	dut_close(t, &u);
}

/* ==== 6. Context pools ==== */

struct cmd_count {
	unsigned int create_tis, create_dek, modify, sync, other;
};

static struct cmd_count cc;
static struct mlx5_backend_ops count_ops;

static int
count_cmd(struct mlx5_dev *d, const void *in, size_t inlen, void *out,
		size_t outlen)
{
	if (inlen >= 2 && (((const uint8_t *)in)[0] << 8 |
			((const uint8_t *)in)[1]) == MLX5_CMD_SYNC_CRYPTO)
		cc.sync++;
	else
		cc.other++;
	return mlx5_model_backend_ops.cmd(d, in, inlen, out, outlen);
}

static int
count_create(struct mlx5_dev *d, const void *in, size_t inlen, void *out,
		size_t outlen, void **obj)
{
	uint16_t op = (uint16_t)(((const uint8_t *)in)[0] << 8 |
		((const uint8_t *)in)[1]);

	if (op == MLX5_CMD_CREATE_TIS)
		cc.create_tis++;
	else if (op == MLX5_CMD_CREATE_GENERAL_OBJECT)
		cc.create_dek++;
	else
		cc.other++;
	return mlx5_model_backend_ops.obj_create(d, in, inlen, out, outlen,
		obj);
}

static int
count_modify(struct mlx5_dev *d, void *obj, const void *in, size_t inlen,
		void *out, size_t outlen)
{
	cc.modify++;
	return mlx5_model_backend_ops.obj_modify(d, obj, in, inlen, out,
		outlen);
}

#define POOL_N 8u

static void
test_pools(struct th *t)
{
	struct rng r = { 0x9001 };
	struct uctx x[POOL_N + 1];
	struct rte_tlsoff_offload_stats s0;
	struct mlx5_tls_ctx *extra;
	struct rte_tlsoff_tls_keys dk;
	uint32_t tisn3, dek3;
	unsigned int i, j, round;
	uint64_t fw;
	struct dut u;
	int rc;

	if (!dut_open(t, &u, 256, POOL_N))
		goto out;
	/* Set-up made the pools: N TISes, one bulk of N DEKs. */
	TH_EQ(t, u.d->nb_tis, POOL_N);
	TH_EQ(t, u.d->nb_bulks, 1);
	TH_EQ(t, u.d->bulks[0].count, POOL_N);
	count_ops = *u.d->dev.ops;
	count_ops.cmd = count_cmd;
	count_ops.obj_create = count_create;
	count_ops.obj_modify = count_modify;
	u.d->dev.ops = &count_ops;
	memset(&cc, 0, sizeof(cc));
	fw = u.d->dev.fw_commands;
	s0 = u.d->st;

	/* N contexts: one key MODIFY each, nothing created. */
	for (i = 0; i < POOL_N; i++)
		if (!uctx_create(t, &u, &r, &x[i], i & 1 ? 0x0304 : 0x0303,
				i & 2 ? 32 : 16))
			goto out;
	TH_EQ(t, cc.modify, POOL_N);
	TH_EQ(t, cc.create_tis + cc.create_dek + cc.sync + cc.other, 0);
	TH_EQ(t, u.d->dev.fw_commands, fw + POOL_N);
	TH_EQ(t, u.d->st.pool_hits, s0.pool_hits + POOL_N);
	TH_EQ(t, u.d->st.ctx_created, s0.ctx_created + POOL_N);
	for (i = 0; i < POOL_N; i++)
		for (j = 0; j < i; j++)
			TH_CHECK(t, x[i].c->tisn != x[j].c->tisn &&
				x[i].c->dek_id != x[j].c->dek_id);
	/* Every one of them works (and each DEK is now cached). */
	for (i = 0; i < POOL_N; i++)
		TH_CHECK(t, roundtrip(t, &u, &r, &x[i], x[i].k.rec0));

	/* One more: no resource, counted, no command tried. */
	fw = u.d->dev.fw_commands;
	keys_to_drv(&x[0].k, 0, &dk);
	rc = mlx5_tls_ctx_create(u.d, &dk, NULL, &extra);
	TH_EQ(t, rc, -ENOSPC);
	TH_EQ(t, u.d->st.ctx_no_resource, s0.ctx_no_resource + 1);
	TH_EQ(t, u.d->dev.fw_commands, fw);

	/* Destroyed while its WQEs are in flight: not back yet. */
	post_params(&u, x[3].c, x[3].k.rec0 + 1);
	tisn3 = x[3].c->tisn;
	dek3 = x[3].c->dek_id;
	mlx5_tls_ctx_destroy(u.d, x[3].c);
	TH_EQ(t, u.d->st.ctx_destroyed, s0.ctx_destroyed + 1);
	rc = mlx5_tls_ctx_create(u.d, &dk, NULL, &extra);
	TH_EQ(t, rc, -ENOSPC);
	TH_EQ(t, u.d->st.ctx_no_resource, s0.ctx_no_resource + 2);
	TH_EQ(t, u.d->dev.fw_commands, fw);
	/* Completed and reaped: the TIS and (after one sync) the DEK. */
	kick(&u);
	mlx5_tls_reap(u.d);
	memset(&cc, 0, sizeof(cc));
	if (!uctx_create(t, &u, &r, &x[3], 0x0304, 16))
		goto out;
	TH_EQ(t, x[3].c->tisn, tisn3);
	TH_EQ(t, x[3].c->dek_id, dek3);
	TH_EQ(t, cc.sync, 1);
	TH_EQ(t, cc.modify, 1);
	TH_EQ(t, cc.create_tis + cc.create_dek + cc.other, 0);
	TH_EQ(t, u.d->dev.fw_commands, fw + 2);
	TH_EQ(t, u.d->st.pool_hits, s0.pool_hits + POOL_N);
	/* The reused id has the new key (the model refuses a stale one). */
	TH_CHECK(t, roundtrip(t, &u, &r, &x[3], x[3].k.rec0));

	/* Steady state: all go and come back; one sync per round. */
	for (round = 0; round < 5; round++) {
		uint64_t hits = u.d->st.pool_hits;

		for (i = 0; i < POOL_N; i++)
			mlx5_tls_ctx_destroy(u.d, x[i].c);
		kick(&u);
		memset(&cc, 0, sizeof(cc));
		fw = u.d->dev.fw_commands;
		for (i = 0; i < POOL_N; i++)
			if (!uctx_create(t, &u, &r, &x[i], 0x0303, 32))
				goto out;
		TH_EQ(t, cc.sync, 1);
		TH_EQ(t, cc.modify, POOL_N);
		TH_EQ(t, cc.create_tis + cc.create_dek + cc.other, 0);
		TH_EQ(t, u.d->dev.fw_commands, fw + POOL_N + 1);
		TH_EQ(t, u.d->st.pool_hits, hits + POOL_N - 1);
		TH_CHECK(t, roundtrip(t, &u, &r, &x[round], x[round].k.rec0));
		TH_CHECK(t, roundtrip(t, &u, &r, &x[POOL_N - 1],
			x[POOL_N - 1].k.rec0 + round));
	}
	TH_EQ(t, u.d->st.ctx_no_resource, s0.ctx_no_resource + 2);
	TH_EQ(t, u.d->nb_tis, POOL_N);
	TH_EQ(t, u.d->nb_bulks, 1);
	TH_EQ(t, u.d->st.cqe_errors, 0);
out:
	if (u.d != NULL)
		u.d->dev.ops = &mlx5_model_backend_ops;
	dut_close(t, &u);
}

/* An LSO frame: headers, then @plen bytes in pieces of 1000..1900 bytes. */
static struct rte_mbuf *
lso_frame(struct rng *r, uint32_t seq, const uint8_t *pay, uint32_t plen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(frame_pool);
	uint32_t done = 0;
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, HDR_LEN);
	frame_hdr(p, seq, plen);
	m->l2_len = 14;
	m->l3_len = 20;
	m->l4_len = 20;
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
		RTE_MBUF_F_TX_TCP_CKSUM | RTE_MBUF_F_TX_TCP_SEG;
	m->tso_segsz = MSS;
	while (done < plen) {
		uint32_t k = RTE_MIN(plen - done, rnd_in(r, 1000, 1900));
		struct rte_mbuf *s = rte_pktmbuf_alloc(frame_pool);

		if (s == NULL) {
			rte_pktmbuf_free(m);
			return NULL;
		}
		memcpy(rte_pktmbuf_append(s, (uint16_t)k), pay + done, k);
		rte_pktmbuf_chain(m, s);
		done += k;
	}
	return m;
}

/*
 * LSO: one WQE carries a record stream of several MSS; the model cuts it
 * as the hardware does (headers per piece, IPv4 ID + 1, PSH on the last
 * piece only, checksums per piece) and its TLS engine runs across the
 * pieces: the wire must hold OpenSSL's sealing, byte for byte. Then a
 * resync into the middle of the stream followed by another LSO WQE.
 */
static void
test_lso(struct th *t)
{
	struct rng r = { 0x150150 };
	struct dut u;
	struct uctx x;
	unsigned int round, nbad = 0;

	if (!dut_open(t, &u, 1024, 8))
		return;
	for (round = 0; round < 200; round++) {
		uint16_t version = round % 2 ? 0x0303 : 0x0304;
		uint32_t len, cut, i;
		struct rte_mbuf *m;
		long diff;

		if (!uctx_create(t, &u, &r, &x, version, round % 3 ? 16 : 32))
			break;
		stream_reset(&u.s);
		for (i = 0; i < MAX_RECS; i++)
			stream_add(&u.s, &r, &x.k, x.k.rec0 + i,
				rnd_in(&r, 0, 6000));
		len = u.s.start[u.s.n];
		wire_reset((uint32_t)rnd(&r));
		post_params(&u, x.c, x.k.rec0);
		/* The whole stream in one LSO WQE, from several pieces. */
		W.lso = true;
		W.lso_seq = W.base;
		W.lso_end = W.base + len;
		W.lso_id = (uint16_t)W.base;
		m = lso_frame(&r, W.base, u.s.plain, len);
		LOOP_CHECK(t, nbad, post_frame(&u, m, x.c->tisn));
		x.c->tis_used = true;
		kick(&u);
		diff = first_diff(W.got, u.s.wire, len);
		LOOP_CHECK(t, nbad, W.bad == 0 && W.bytes == len && diff < 0,
			"round %u: %u bad (%s), %" PRIu64 " of %u bytes, "
			"first difference at %ld", round, W.bad,
			W.why ? W.why : "-", W.bytes, len, diff);
		/* Resync: back to record 1, DUMP up to @cut, LSO the rest. */
		cut = u.s.start[1] + rnd_below(&r, len - u.s.start[1]);
		{
			unsigned int k = 1;

			while (k + 1 <= u.s.n && u.s.start[k + 1] <= cut)
				k++;
			memset(W.got, 0, len);
			wire_reset(W.lso_seq);
			post_params(&u, x.c, x.k.rec0 + k);
			dump_range(&u, &r, x.c->tisn, u.s.start[k], cut);
		}
		if (cut < len) {
			W.lso = true;
			W.lso_seq = W.base + cut;
			W.lso_end = W.base + len;
			W.lso_id = (uint16_t)(W.base + cut);
			m = lso_frame(&r, W.base + cut, u.s.plain + cut,
				len - cut);
			LOOP_CHECK(t, nbad, post_frame(&u, m, x.c->tisn));
			kick(&u);
			diff = first_diff(W.got + cut, u.s.wire + cut, len - cut);
			LOOP_CHECK(t, nbad, W.bad == 0 && W.bytes == len - cut &&
				diff < 0, "round %u resync at %u: %u bad (%s), "
				"first difference at %ld", round, cut, W.bad,
				W.why ? W.why : "-", diff);
		}
		mlx5_tls_ctx_destroy(u.d, x.c);
		kick(&u);
		mlx5_tls_reap(u.d);
	}
	TH_EQ(t, u.d->st.cqe_errors, 0);
	dut_close(t, &u);
}

static const struct th_case cases[] = {
	{ "layout: static params, TLS 1.2 and 1.3 (2.4)", test_layout_static,
		false },
	{ "layout: progress params, DUMP, NOP (2.5-2.7)",
		test_layout_progress_dump_nop, false },
	{ "layout: SEND from the ring, and on the wire (2.8)",
		test_layout_send, false },
	{ "ring: static params and SENDs across the ring end",
		test_ring_wrap, false },
	{ "engine: 10000 random record streams and resyncs vs OpenSSL",
		test_engine_random, false },
	{ "bad WQE: ds counts", test_bad_ds, false },
	{ "bad WQE: DUMP lengths", test_bad_dump_len, false },
	{ "bad WQE: unknown TIS", test_bad_tis, false },
	{ "bad WQE: TIS used before its params", test_bad_no_context, false },
	{ "bad WQE: missing fences", test_bad_fence, false },
	{ "bad WQE: DEK unknown, unkeyed, stale", test_bad_dek, false },
	{ "bad WQE: opcode, index, lkey", test_bad_opcode_index_lkey, false },
	{ "commands: malformed mailboxes", test_cmd_errors, false },
	{ "commands: mlx5_cmd.c returns errors", test_cmd_functions, false },
	{ "pools: exhaustion, retirement, DEK reuse", test_pools, false },
	{ "LSO: cut by the model, TLS across the pieces, resync", test_lso,
		false },
};

int
main(int argc, char **argv)
{
	int rc = th_main(argc, argv, cases, RTE_DIM(cases));

	EVP_CIPHER_CTX_free(evp);
	return rc;
}
