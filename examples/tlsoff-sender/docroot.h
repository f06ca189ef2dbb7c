/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* Mapping a request target to a file below the --root directory, and no further. */

#ifndef SENDER_DOCROOT_H
#define SENDER_DOCROOT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Open the regular file that @path (the path of a request target, still
 * percent-encoded) names below @root (a canonical path, as realpath()
 * returns it). Returns a read-only descriptor and the file size in @*size,
 * or a negative HTTP status: -400 (malformed escape, %00, a ".." segment),
 * -403 (permission), -404 (missing, a directory, a special file, or outside
 * @root through a symbolic link).
 */
int docroot_open(const char *root, const char *path, size_t path_len,
		uint64_t *size);

/*
 * Decode %XX escapes of @in into @out (NUL-terminated). -1 on a malformed
 * escape, %00, or when @out is too small.
 */
int docroot_percent_decode(const char *in, size_t in_len, char *out,
		size_t out_size);

#endif /* SENDER_DOCROOT_H */
