/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * HTTP/1.x messages (RFC 9112): parsing a request head from a byte buffer
 * and formatting a response head. No I/O and no state: easy to test alone.
 */

#ifndef SENDER_HTTP_H
#define SENDER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Request head limits: a longer request line is 414, a longer head 431. */
#define HTTP_MAX_LINE 4096u
#define HTTP_MAX_HEAD 8192u

/* Room for any response head http_format_response() writes. */
#define HTTP_RESP_HEAD_MAX 512u

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_OTHER,     /* a valid method we do not serve: 405 */
};

enum http_parse_result {
	HTTP_INCOMPLETE,  /* no full head yet: read more */
	HTTP_COMPLETE,    /* @req is filled */
	HTTP_INVALID,     /* answer req->status and close */
};

struct http_request {
	enum http_method method;
	const char *target;      /* points into the parsed buffer */
	size_t target_len;
	uint8_t minor;           /* HTTP/1.minor: 0 or 1 */
	bool keep_alive;         /* what the client asked for, by version */
	uint64_t content_length; /* request body bytes that follow the head */
	size_t head_len;         /* bytes of the head, blank line included */
	int status;              /* with HTTP_INVALID: 400, 414, 431, 501, 505 */
};

/*
 * Parse the request head at the start of @buf. @len is what the buffer
 * holds; a buffer of HTTP_MAX_HEAD bytes without a full head is invalid.
 */
enum http_parse_result http_parse_request(const char *buf, size_t len,
		struct http_request *req);

/*
 * The path of a request target, query cut off: origin-form as is, and
 * absolute-form ("http://host/path", RFC 9112 3.2.2) without scheme and
 * authority. False for the other forms ("*", "host:port").
 */
bool http_target_path(const char *target, size_t len, const char **path,
		size_t *path_len);

struct http_response {
	int status;
	uint64_t content_length;
	const char *content_type;
	bool keep_alive;
	bool announce_keep_alive;  /* HTTP/1.0 client: say that we keep it */
	bool allow_get_head;       /* 405: list the methods we serve */
	const char *date;          /* IMF-fixdate, or NULL */
};

/* Write the head of @resp to @buf; returns its length (< HTTP_RESP_HEAD_MAX). */
size_t http_format_response(char *buf, size_t size,
		const struct http_response *resp);

/* Reason phrase of a status code we send. */
const char *http_reason(int status);

#endif /* SENDER_HTTP_H */
