/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Request path to file, confined to the document root. Two independent
 * guards: ".." segments are refused after percent-decoding (so %2e%2e and
 * ..%2f are caught too), and the canonical path realpath() returns must lie
 * below the root, which stops symbolic links that point outside it.
 *
 * Known limit: someone who can write below the root can still swap a
 * directory for a symbolic link between realpath() and open(); openat2()
 * with RESOLVE_BENEATH would close that window on Linux 5.6 and later.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docroot.h"

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

int
docroot_percent_decode(const char *in, size_t in_len, char *out,
		size_t out_size)
{
	size_t i, o = 0;

	for (i = 0; i < in_len; i++) {
		char c = in[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= in_len)
				return -1;
			hi = hex_value(in[i + 1]);
			lo = hex_value(in[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (o + 1 >= out_size)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* True if a segment between slashes is exactly "..". */
static bool
has_dotdot_segment(const char *path)
{
	const char *seg = path;

	for (;;) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);

		if (len == 2 && seg[0] == '.' && seg[1] == '.')
			return true;
		if (end == NULL)
			return false;
		seg = end + 1;
	}
}

static bool
is_below(const char *root, const char *real)
{
	size_t n = strlen(root);

	if (n == 1)     /* root is "/" */
		return true;
	return strncmp(real, root, n) == 0 &&
		(real[n] == '/' || real[n] == '\0');
}

static int
errno_status(int err)
{
	return err == EACCES || err == EPERM ? -403 : -404;
}

/*
 * O_NONBLOCK: opening a FIFO must not stall the poll loop (it is refused
 * right after, as not a regular file); reads of regular files ignore it.
 */
static int
open_regular(const char *real, uint64_t *size)
{
	struct stat st;
	int fd;

	fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return errno_status(errno);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -404;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

int
docroot_open(const char *root, const char *path, size_t path_len,
		uint64_t *size)
{
	char rel[PATH_MAX], full[PATH_MAX], real[PATH_MAX];
	int n;

	if (path_len == 0 || path[0] != '/')
		return -400;
	if (docroot_percent_decode(path, path_len, rel, sizeof(rel)) != 0)
		return -400;
	if (has_dotdot_segment(rel))
		return -400;
	n = snprintf(full, sizeof(full), "%s%s", root, rel);
	if (n < 0 || (size_t)n >= sizeof(full))
		return -404;
	if (realpath(full, real) == NULL)
		return errno_status(errno);
	if (!is_below(root, real))
		return -404;
	return open_regular(real, size);
}
