/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* Port setup for the stack: queues, rx pool, offloads, and teardown. */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "port.h"

#define RX_DESC 1024
#define TX_DESC 1024
#define RX_MBUFS 8192
#define RX_MBUF_CACHE 256

#define TX_CKSUM (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM)
#define RX_CKSUM (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM)

static void
port_err(const struct sender_port *p, const char *what, int rc)
{
	fprintf(stderr, "tlsoff-sender: port %u: %s: %s\n", p->port_id, what,
		rte_strerror(rc < 0 ? -rc : rc));
}

/*
 * Only offloads the device has; the checksum ones only in pairs, since the
 * stack uses checksum offload only when IPv4 and TCP are both covered.
 */
static void
port_pick_offloads(struct sender_port *p, const struct rte_eth_dev_info *di)
{
	p->tx_offloads = di->tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if ((di->tx_offload_capa & TX_CKSUM) == TX_CKSUM)
		p->tx_offloads |= TX_CKSUM;
	p->rx_offloads = 0;
	if ((di->rx_offload_capa & RX_CKSUM) == RX_CKSUM)
		p->rx_offloads |= RX_CKSUM;
}

static int
port_queues(struct sender_port *p)
{
	uint16_t nb_rxd = RX_DESC, nb_txd = TX_DESC;
	int rc;

	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	if (rc != 0) {
		port_err(p, "descriptor counts", rc);
		return -1;
	}
	rc = rte_eth_rx_queue_setup(p->port_id, 0, nb_rxd, p->socket_id, NULL,
		p->rx_pool);
	if (rc != 0) {
		port_err(p, "rx queue setup", rc);
		return -1;
	}
	rc = rte_eth_tx_queue_setup(p->port_id, 0, nb_txd, p->socket_id, NULL);
	if (rc != 0) {
		port_err(p, "tx queue setup", rc);
		return -1;
	}
	return 0;
}

static int
port_rx_pool(struct sender_port *p)
{
	char name[RTE_MEMPOOL_NAMESIZE];

	/* The pid keeps the name unique if several senders share a prefix. */
	snprintf(name, sizeof(name), "rx%u_%d", p->port_id, (int)getpid());
	p->rx_pool = rte_pktmbuf_pool_create(name, RX_MBUFS, RX_MBUF_CACHE, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, p->socket_id);
	if (p->rx_pool == NULL) {
		port_err(p, "rx mbuf pool", rte_errno);
		return -1;
	}
	return 0;
}

static int
port_check_exists(const struct sender_port *p)
{
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "tlsoff-sender: no ethdev port; pass one with "
			"--vdev (e.g. --vdev net_af_packet0,iface=eth0) or bind "
			"a NIC to a DPDK driver\n");
		return -1;
	}
	if (!rte_eth_dev_is_valid_port(p->port_id)) {
		fprintf(stderr, "tlsoff-sender: port %u does not exist; check "
			"the --vdev / -a options\n", p->port_id);
		return -1;
	}
	return 0;
}

int
sender_port_init(struct sender_port *p, uint16_t port_id)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info di;
	int rc;

	memset(p, 0, sizeof(*p));
	p->port_id = port_id;
	if (port_check_exists(p) != 0)
		return -1;
	rc = rte_eth_dev_info_get(port_id, &di);
	if (rc != 0) {
		port_err(p, "device info", rc);
		return -1;
	}
	p->socket_id = rte_eth_dev_socket_id(port_id);
	if (p->socket_id < 0)
		p->socket_id = (int)rte_socket_id();
	port_pick_offloads(p, &di);
	memset(&conf, 0, sizeof(conf));
	conf.txmode.offloads = p->tx_offloads;
	conf.rxmode.offloads = p->rx_offloads;
	rc = rte_eth_dev_configure(port_id, 1, 1, &conf);
	if (rc != 0) {
		port_err(p, "configure", rc);
		return -1;
	}
	if (port_rx_pool(p) != 0 || port_queues(p) != 0)
		return -1;
	rc = rte_eth_dev_start(port_id);
	if (rc != 0) {
		port_err(p, "start", rc);
		return -1;
	}
	p->started = true;
	/* The stack answers for one MAC; other unicast traffic is noise. */
	rc = rte_eth_promiscuous_disable(port_id);
	if (rc != 0 && rc != -ENOTSUP)
		port_err(p, "promiscuous off", rc);
	rc = rte_eth_macaddr_get(port_id, &p->mac);
	if (rc != 0) {
		port_err(p, "MAC address", rc);
		return -1;
	}
	return 0;
}

void
sender_port_fini(struct sender_port *p)
{
	int rc;

	if (p->started) {
		rc = rte_eth_dev_stop(p->port_id);
		if (rc != 0)
			port_err(p, "stop", rc);
		p->started = false;
	}
	if (rte_eth_dev_is_valid_port(p->port_id)) {
		rc = rte_eth_dev_close(p->port_id);
		if (rc != 0)
			port_err(p, "close", rc);
	}
	/* After close: the rx ring no longer holds mbufs of the pool. */
	rte_mempool_free(p->rx_pool);
	p->rx_pool = NULL;
}
