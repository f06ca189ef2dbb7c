/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Routing and response heads. A request gets a file below --root, or
 * without --root the /bytes/N pattern; anything else an error page. The
 * body is only described here (a source and a length); conn.c queues it.
 */

#include <stdio.h>
#include <string.h>

#include "docroot.h"
#include "respond.h"

/*
 * A request body (legal, though unused, on GET) up to this size is read and
 * dropped to keep the connection; a larger one ends it after the response.
 */
#define DISCARD_MAX (64u << 10)

static int
route_file(const char *root, const char *path, size_t len, struct body *b)
{
	uint64_t size;
	int fd = docroot_open(root, path, len, &size);

	if (fd < 0)
		return -fd;
	body_set_file(b, fd, size);
	return 200;
}

/* "/bytes/N" with N decimal and at most BODY_PATTERN_MAX; else 404. */
static int
route_pattern(const char *path, size_t len, struct body *b)
{
	static const char prefix[] = "/bytes/";
	const size_t plen = sizeof(prefix) - 1;
	uint64_t n = 0;
	size_t i;

	if (len <= plen || memcmp(path, prefix, plen) != 0)
		return 404;
	for (i = plen; i < len; i++) {
		if (path[i] < '0' || path[i] > '9')
			return 404;
		n = n * 10 + (uint64_t)(path[i] - '0');
		/* Checked per digit, so n never overflows. */
		if (n > BODY_PATTERN_MAX)
			return 404;
	}
	body_set_pattern(b, n);
	return 200;
}

static int
route(const struct sender_server *srv, const struct http_request *req,
		struct body *b)
{
	const char *path;
	size_t len;

	if (req->method == HTTP_OTHER)
		return 405;
	if (!http_target_path(req->target, req->target_len, &path, &len))
		return 400;
	if (srv->opts->has_root)
		return route_file(srv->opts->root, path, len, b);
	return route_pattern(path, len, b);
}

static void
set_error_body(struct sender_response *r, int status)
{
	int n = snprintf(r->text, sizeof(r->text), "%d %s\n", status,
		http_reason(status));

	body_set_mem(&r->body, r->text, (size_t)n < sizeof(r->text) ?
		(size_t)n : sizeof(r->text) - 1);
}

static void
count_response(struct sender_stats *st, int status)
{
	st->requests++;
	if (status >= 200 && status < 300)
		st->responses_2xx++;
	else if (status >= 400 && status < 500)
		st->responses_4xx++;
	else
		st->responses_5xx++;
}

/* Write the head; a HEAD request keeps Content-Length but loses the body. */
static void
finish(struct sender_server *srv, struct sender_response *r,
		struct http_response *h, bool head_only)
{
	h->content_length = r->body.len;
	h->date = srv->date;
	r->head_len = (uint16_t)http_format_response(r->head, sizeof(r->head), h);
	r->head_off = 0;
	r->close_after = !h->keep_alive;
	if (head_only)
		body_release(&r->body);
	count_response(&srv->stats, h->status);
}

void
respond_to_request(struct sender_server *srv, const struct http_request *req,
		struct sender_response *r)
{
	struct http_response h;

	memset(&h, 0, sizeof(h));
	body_release(&r->body);
	h.status = route(srv, req, &r->body);
	h.keep_alive = req->keep_alive && req->content_length <= DISCARD_MAX;
	h.announce_keep_alive = req->minor == 0;
	h.allow_get_head = h.status == 405;
	if (h.status == 200) {
		h.content_type = "application/octet-stream";
	} else {
		h.content_type = "text/plain";
		set_error_body(r, h.status);
	}
	finish(srv, r, &h, req->method == HTTP_HEAD);
}

void
respond_invalid(struct sender_server *srv, int status,
		struct sender_response *r)
{
	struct http_response h;

	memset(&h, 0, sizeof(h));
	body_release(&r->body);
	h.status = status;
	h.content_type = "text/plain";
	h.keep_alive = false;
	set_error_body(r, status);
	finish(srv, r, &h, false);
}
