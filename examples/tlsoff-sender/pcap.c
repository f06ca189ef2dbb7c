/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * A pcap writer for the frames the offload device sends (the NIC model's
 * wire tap): classic pcap, Ethernet link type, microsecond timestamps,
 * whole frames. It runs where the device does (the stack's lcore).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include <rte_mbuf.h>

#include "pcap.h"

#define SNAPLEN 65535u

struct sender_pcap {
	FILE *f;
	uint64_t frames;
	int err;
	uint8_t buf[SNAPLEN];
};

struct sender_pcap *
sender_pcap_open(const char *path)
{
	/* magic, version 2.4, zone, sigfigs, snaplen, LINKTYPE_ETHERNET */
	const uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, SNAPLEN, 1 };
	struct sender_pcap *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->f = fopen(path, "wb");
	if (p->f == NULL || fwrite(hdr, sizeof(hdr), 1, p->f) != 1) {
		int e = errno;

		if (p->f != NULL)
			fclose(p->f);
		free(p);
		errno = e;
		return NULL;
	}
	return p;
}

void
sender_pcap_tap(void *arg, struct rte_mbuf *const *pkts, uint16_t n)
{
	struct sender_pcap *p = arg;
	struct timeval tv;
	uint16_t i;

	gettimeofday(&tv, NULL);
	for (i = 0; i < n; i++) {
		uint32_t len = RTE_MIN(pkts[i]->pkt_len, SNAPLEN);
		uint32_t rec[4] = { (uint32_t)tv.tv_sec, (uint32_t)tv.tv_usec,
			len, pkts[i]->pkt_len };
		const void *d = rte_pktmbuf_read(pkts[i], 0, len, p->buf);

		if (fwrite(rec, sizeof(rec), 1, p->f) != 1 ||
		    fwrite(d, len, 1, p->f) != 1)
			p->err = errno ? errno : EIO;
		p->frames++;
	}
}

uint64_t
sender_pcap_frames(const struct sender_pcap *p)
{
	return p->frames;
}

int
sender_pcap_close(struct sender_pcap *p)
{
	int rc;

	if (p == NULL)
		return 0;
	rc = fclose(p->f) != 0 || p->err != 0 ? -1 : 0;
	if (p->err != 0)
		errno = p->err;
	free(p);
	return rc;
}
