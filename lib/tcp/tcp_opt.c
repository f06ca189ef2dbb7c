/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* TCP options: bounds-checked parsing and building (RFC 9293, 7323, 2018). */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

#include "tcp.h"

#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_MSS 2
#define OPT_WS 3
#define OPT_SACK_PERM 4
#define OPT_SACK 5
#define OPT_TS 8

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static inline void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/*
 * An option whose length byte is 0 or 1, or that runs past the header, makes
 * the whole segment malformed (-EINVAL): walking on could loop or overread.
 * A known option with a wrong length is ignored, as Linux does.
 */
int
tcp_opts_parse(const uint8_t *p, unsigned int len, bool syn,
		struct tlsoff_tcp_opts *o)
{
	unsigned int i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		uint8_t kind = p[i], olen;

		if (kind == OPT_EOL)
			break;
		if (kind == OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -EINVAL;
		olen = p[i + 1];
		if (olen < 2 || i + olen > len)
			return -EINVAL;
		switch (kind) {
		case OPT_MSS:
			if (olen == 4 && syn) {
				o->has_mss = true;
				o->mss = rd16(&p[i + 2]);
			}
			break;
		case OPT_WS:
			if (olen == 3 && syn) {
				o->has_ws = true;
				/* RFC 7323 2.3: treat a larger shift as 14. */
				o->ws = RTE_MIN(p[i + 2], (uint8_t)TCP_MAX_WSCALE);
			}
			break;
		case OPT_SACK_PERM:
			if (olen == 2 && syn)
				o->sack_ok = true;
			break;
		case OPT_TS:
			if (olen == 10) {
				o->has_ts = true;
				o->tsval = rd32(&p[i + 2]);
				o->tsecr = rd32(&p[i + 6]);
			}
			break;
		case OPT_SACK:
			if (olen >= 10 && (olen - 2) % 8 == 0 && !syn) {
				unsigned int k, nb = (olen - 2) / 8;

				for (k = 0; k < nb && o->nsack < 4; k++) {
					const uint8_t *b = &p[i + 2 + 8 * k];

					o->sack[o->nsack].start = rd32(b);
					o->sack[o->nsack].end = rd32(b + 4);
					o->nsack++;
				}
			}
			break;
		default:
			break;
		}
		i += olen;
	}
	return 0;
}

/*
 * Options for a segment we send. SYN and SYN-ACK carry what we offer (a
 * SYN-ACK only what the peer offered too); other segments carry the
 * timestamp and up to @max_sack SACK blocks for held out-of-order data.
 * Returns the length, a multiple of 4.
 */
unsigned int
tcp_opts_build(const struct tlsoff_conn *c, uint8_t flags, uint8_t *p,
		unsigned int max_sack)
{
	const struct tlsoff_stack *s = c->stack;
	unsigned int n = 0;

	if (flags & TH_SYN) {
		bool synack = (flags & TH_ACK) != 0;
		bool sack = !(s->conf.flags & RTE_TLSOFF_F_NO_SACK) &&
			(!synack || (c->flags & TF_SACK_OK));
		bool ts = !(s->conf.flags & RTE_TLSOFF_F_NO_TIMESTAMPS) &&
			(!synack || (c->flags & TF_TS_OK));
		bool ws = !(s->conf.flags & RTE_TLSOFF_F_NO_WSCALE) &&
			(!synack || (c->flags & TF_WS_OK));

		p[n++] = OPT_MSS;
		p[n++] = 4;
		wr16(&p[n], s->mss);
		n += 2;
		if (sack && ts) {
			p[n++] = OPT_SACK_PERM;
			p[n++] = 2;
		} else if (sack) {
			p[n++] = OPT_NOP;
			p[n++] = OPT_NOP;
			p[n++] = OPT_SACK_PERM;
			p[n++] = 2;
		}
		if (ts) {
			if (!sack) {
				p[n++] = OPT_NOP;
				p[n++] = OPT_NOP;
			}
			p[n++] = OPT_TS;
			p[n++] = 10;
			wr32(&p[n], tcp_ts_now(c));
			wr32(&p[n + 4], synack ? c->ts_recent : 0);
			n += 8;
		}
		if (ws) {
			p[n++] = OPT_NOP;
			p[n++] = OPT_WS;
			p[n++] = 3;
			p[n++] = s->rcv_wscale;
		}
		return n;
	}
	if (c->flags & TF_TS_OK) {
		p[n++] = OPT_NOP;
		p[n++] = OPT_NOP;
		p[n++] = OPT_TS;
		p[n++] = 10;
		wr32(&p[n], tcp_ts_now(c));
		wr32(&p[n + 4], c->ts_recent);
		n += 8;
	}
	if ((c->flags & TF_SACK_OK) && c->rq.nooo > 0 && max_sack > 0) {
		struct tlsoff_seq_range blk[TLSOFF_OOO_MAX];
		unsigned int k, nb;

		nb = tlsoff_rcvq_sack_blocks(&c->rq, blk,
				RTE_MIN(max_sack, (TCP_MAX_OPT_LEN - n - 4) / 8));
		if (nb > 0) {
			p[n++] = OPT_NOP;
			p[n++] = OPT_NOP;
			p[n++] = OPT_SACK;
			p[n++] = (uint8_t)(2 + 8 * nb);
			for (k = 0; k < nb; k++) {
				wr32(&p[n], blk[k].start);
				wr32(&p[n + 4], blk[k].end);
				n += 8;
			}
		}
	}
	return n;
}
