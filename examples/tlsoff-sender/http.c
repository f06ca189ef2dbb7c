/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * HTTP/1.x request head parser and response head writer (RFC 9112). The
 * parser reads through a bounds-checked span, never past @len, and refuses
 * what it does not understand rather than guessing: obsolete line folding,
 * bare CR, whitespace before a colon, conflicting Content-Length.
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http.h"

/* A piece of the input buffer. */
struct span {
	const char *p;
	size_t len;
};

/* RFC 9110 5.6.2 tchar. */
static bool
is_tchar(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return true;
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Field value characters: VCHAR, obs-text, SP and HTAB. */
static bool
is_field_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static bool
span_eq_nocase(struct span s, const char *lit)
{
	return s.len == strlen(lit) && strncasecmp(s.p, lit, s.len) == 0;
}

/* Take bytes up to @sep (not included) off @s; false if @sep is absent. */
static bool
span_take_until(struct span *s, char sep, struct span *out)
{
	const char *q = memchr(s->p, sep, s->len);

	if (q == NULL)
		return false;
	out->p = s->p;
	out->len = (size_t)(q - s->p);
	s->p = q + 1;
	s->len -= out->len + 1;
	return true;
}

static struct span
span_trim_ows(struct span s)
{
	while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	return s;
}

/*
 * Next line of the head starting at @*off, without its CRLF (a lone LF is
 * accepted, RFC 9112 2.2). False when no full line is buffered yet.
 */
static bool
next_line(const char *buf, size_t len, size_t *off, struct span *line)
{
	const char *nl = memchr(buf + *off, '\n', len - *off);

	if (nl == NULL)
		return false;
	line->p = buf + *off;
	line->len = (size_t)(nl - line->p);
	if (line->len > 0 && line->p[line->len - 1] == '\r')
		line->len--;
	*off = (size_t)(nl - buf) + 1;
	return true;
}

static bool
has_bare_cr(struct span s)
{
	return memchr(s.p, '\r', s.len) != NULL;
}

/* "HTTP/1.1": sets @req->minor; 400 if malformed, 505 if not HTTP/1.x. */
static int
parse_version(struct span v, struct http_request *req)
{
	if (v.len != 8 || memcmp(v.p, "HTTP/", 5) != 0 || v.p[6] != '.' ||
	    v.p[5] < '0' || v.p[5] > '9' || v.p[7] < '0' || v.p[7] > '9')
		return 400;
	if (v.p[5] != '1')
		return 505;
	/* RFC 9110 6.2: a later 1.x minor is answered as 1.1. */
	req->minor = v.p[7] == '0' ? 0 : 1;
	return 0;
}

/* method SP request-target SP HTTP-version (RFC 9112 3). */
static int
parse_request_line(struct span line, struct http_request *req)
{
	struct span method, target;
	size_t i;

	if (!span_take_until(&line, ' ', &method) || method.len == 0 ||
	    !span_take_until(&line, ' ', &target) || target.len == 0)
		return 400;
	for (i = 0; i < method.len; i++)
		if (!is_tchar((unsigned char)method.p[i]))
			return 400;
	for (i = 0; i < target.len; i++)
		if ((unsigned char)target.p[i] <= 0x20 ||
		    (unsigned char)target.p[i] >= 0x7f)
			return 400;
	if (method.len == 3 && memcmp(method.p, "GET", 3) == 0)
		req->method = HTTP_GET;
	else if (method.len == 4 && memcmp(method.p, "HEAD", 4) == 0)
		req->method = HTTP_HEAD;
	else
		req->method = HTTP_OTHER;
	req->target = target.p;
	req->target_len = target.len;
	return parse_version(line, req);
}

/* What the headers said, before it is folded into the request. */
struct head_state {
	unsigned int hosts;
	bool conn_close;
	bool conn_keep_alive;
	bool has_length;
	bool has_transfer_encoding;
};

static void
parse_connection(struct span v, struct head_state *h)
{
	struct span tok;

	for (;;) {
		bool last = !span_take_until(&v, ',', &tok);

		if (last)
			tok = v;
		tok = span_trim_ows(tok);
		if (span_eq_nocase(tok, "close"))
			h->conn_close = true;
		else if (span_eq_nocase(tok, "keep-alive"))
			h->conn_keep_alive = true;
		if (last)
			return;
	}
}

/* 1*DIGIT; repeats must agree (RFC 9112 6.3 item 5), else 400. */
static int
parse_content_length(struct span v, struct head_state *h,
		struct http_request *req)
{
	uint64_t n = 0;
	size_t i;

	if (v.len == 0 || v.len > 18)
		return 400;
	for (i = 0; i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return 400;
		n = n * 10 + (uint64_t)(v.p[i] - '0');
	}
	if (h->has_length && n != req->content_length)
		return 400;
	h->has_length = true;
	req->content_length = n;
	return 0;
}

/* name ":" OWS value OWS (RFC 9112 5). */
static int
parse_header(struct span line, struct head_state *h, struct http_request *req)
{
	struct span name, value;
	size_t i;

	/* Obsolete line folding (RFC 9112 5.2): refused. */
	if (line.p[0] == ' ' || line.p[0] == '\t')
		return 400;
	if (!span_take_until(&line, ':', &name) || name.len == 0)
		return 400;
	for (i = 0; i < name.len; i++)
		if (!is_tchar((unsigned char)name.p[i]))
			return 400;
	for (i = 0; i < line.len; i++)
		if (!is_field_char((unsigned char)line.p[i]))
			return 400;
	value = span_trim_ows(line);
	if (span_eq_nocase(name, "host"))
		h->hosts++;
	else if (span_eq_nocase(name, "connection"))
		parse_connection(value, h);
	else if (span_eq_nocase(name, "content-length"))
		return parse_content_length(value, h, req);
	else if (span_eq_nocase(name, "transfer-encoding"))
		h->has_transfer_encoding = true;
	return 0;
}

/* The head is complete: checks that need all of it. */
static int
finish_head(const struct head_state *h, struct http_request *req)
{
	/* RFC 9112 3.2: exactly one Host in HTTP/1.1. */
	if (h->hosts > 1 || (req->minor == 1 && h->hosts == 0))
		return 400;
	/* Chunked request bodies are not supported (RFC 9112 6.1). */
	if (h->has_transfer_encoding)
		return 501;
	if (req->minor == 1)
		req->keep_alive = !h->conn_close;
	else
		req->keep_alive = h->conn_keep_alive && !h->conn_close;
	return 0;
}

static enum http_parse_result
invalid(struct http_request *req, int status)
{
	req->status = status;
	return HTTP_INVALID;
}

/* Incomplete head: fine until it reaches a limit. */
static enum http_parse_result
incomplete(struct http_request *req, size_t len, size_t line_start,
		bool in_request_line)
{
	if (in_request_line && len - line_start > HTTP_MAX_LINE)
		return invalid(req, 414);
	if (len >= HTTP_MAX_HEAD)
		return invalid(req, in_request_line ? 414 : 431);
	return HTTP_INCOMPLETE;
}

/* RFC 9112 2.2: empty lines before the request line are ignored. */
static size_t
skip_leading_empty_lines(const char *buf, size_t len)
{
	size_t off = 0;

	for (;;) {
		if (off < len && buf[off] == '\n')
			off++;
		else if (off + 1 < len && buf[off] == '\r' && buf[off + 1] == '\n')
			off += 2;
		else
			return off;
	}
}

enum http_parse_result
http_parse_request(const char *buf, size_t len, struct http_request *req)
{
	struct head_state h;
	struct span line;
	size_t off, line_start;
	int status;

	memset(req, 0, sizeof(*req));
	memset(&h, 0, sizeof(h));
	off = skip_leading_empty_lines(buf, len);
	line_start = off;
	if (!next_line(buf, len, &off, &line))
		return incomplete(req, len, line_start, true);
	if (line.len > HTTP_MAX_LINE)
		return invalid(req, 414);
	if (has_bare_cr(line))
		return invalid(req, 400);
	status = parse_request_line(line, req);
	if (status != 0)
		return invalid(req, status);
	for (;;) {
		line_start = off;
		if (!next_line(buf, len, &off, &line))
			return incomplete(req, len, line_start, false);
		if (off > HTTP_MAX_HEAD)
			return invalid(req, 431);
		if (line.len == 0)
			break;
		if (has_bare_cr(line))
			return invalid(req, 400);
		status = parse_header(line, &h, req);
		if (status != 0)
			return invalid(req, status);
	}
	status = finish_head(&h, req);
	if (status != 0)
		return invalid(req, status);
	req->head_len = off;
	return HTTP_COMPLETE;
}

bool
http_target_path(const char *target, size_t len, const char **path,
		size_t *path_len)
{
	struct span t = { target, len }, scheme;
	const char *q;

	if (len > 0 && target[0] != '/') {
		/* absolute-form: skip "scheme://authority". */
		if (!span_take_until(&t, ':', &scheme) || scheme.len == 0 ||
		    t.len < 2 || t.p[0] != '/' || t.p[1] != '/')
			return false;
		t.p += 2;
		t.len -= 2;
		q = memchr(t.p, '/', t.len);
		if (q == NULL)
			q = t.p + t.len;      /* no path: the root, RFC 9110 4.2.3 */
		t.len -= (size_t)(q - t.p);
		t.p = q;
		if (t.len == 0) {
			*path = "/";
			*path_len = 1;
			return true;
		}
	}
	if (t.len == 0)
		return false;
	q = memchr(t.p, '?', t.len);
	*path = t.p;
	*path_len = q ? (size_t)(q - t.p) : t.len;
	return true;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

size_t
http_format_response(char *buf, size_t size, const struct http_response *r)
{
	const char *conn = NULL;
	int n;

	if (!r->keep_alive)
		conn = "close";
	else if (r->announce_keep_alive)
		conn = "keep-alive";
	n = snprintf(buf, size,
		"HTTP/1.1 %d %s\r\n"
		"Server: tlsoff-sender\r\n"
		"%s%s%s"
		"Content-Type: %s\r\n"
		"Content-Length: %llu\r\n"
		"%s%s%s"
		"%s"
		"\r\n",
		r->status, http_reason(r->status),
		r->date ? "Date: " : "", r->date ? r->date : "",
		r->date ? "\r\n" : "",
		r->content_type,
		(unsigned long long)r->content_length,
		conn ? "Connection: " : "", conn ? conn : "", conn ? "\r\n" : "",
		r->allow_get_head ? "Allow: GET, HEAD\r\n" : "");
	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : size - 1;
}
