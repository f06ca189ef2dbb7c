/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* What to answer: routing a parsed request to a file, the pattern, or an error. */

#ifndef SENDER_RESPOND_H
#define SENDER_RESPOND_H

#include "http.h"
#include "server.h"

/*
 * Build the response to @req in @r: with --root a file below it, else
 * GET /bytes/N; errors otherwise. @req->target must still be valid.
 */
void respond_to_request(struct sender_server *srv,
		const struct http_request *req, struct sender_response *r);

/* Build the response to a request that could not be parsed (then close). */
void respond_invalid(struct sender_server *srv, int status,
		struct sender_response *r);

#endif /* SENDER_RESPOND_H */
