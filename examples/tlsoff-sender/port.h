/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* The ethdev port the stack runs on: setup with the offloads it has, teardown. */

#ifndef SENDER_PORT_H
#define SENDER_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

struct sender_port {
	uint16_t port_id;
	bool started;
	struct rte_mempool *rx_pool;
	uint64_t tx_offloads;      /* enabled, to pass to the stack */
	uint64_t rx_offloads;
	struct rte_ether_addr mac;
	int socket_id;
};

/*
 * Configure and start @port_id with one rx and one tx queue, enabling
 * multi-segment transmit and IPv4/TCP checksum offloads where the device
 * has them. Returns 0, or -1 after printing why.
 */
int sender_port_init(struct sender_port *p, uint16_t port_id);

/* Stop and close the port and free its pool; safe on a partial init. */
void sender_port_fini(struct sender_port *p);

#endif /* SENDER_PORT_H */
