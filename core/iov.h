/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scatter/gather helpers on struct iovec arrays: total size, copying to and
 * from a flat buffer at a byte offset, filling, and cutting out a byte
 * range.  Used by the block layer, virtqueue devices and IDE; they know
 * nothing about where the memory came from.  Every helper stops at the end
 * of the array, so a too-large length is never an overrun.
 */
#ifndef CORE_IOV_H
#define CORE_IOV_H

#include <stddef.h>
#include <sys/uio.h>

size_t iov_size(const struct iovec *iov, int niov);
/* Copy up to len bytes from iov, starting at byte skip, into buf; returns bytes copied. */
size_t iov_to_buf(const struct iovec *iov, int niov, size_t skip, void *buf, size_t len);
/* Copy up to len bytes of buf into iov starting at byte skip; returns bytes copied. */
size_t iov_from_buf(const struct iovec *iov, int niov, size_t skip, const void *buf,
		    size_t len);
/* Set up to len bytes of iov from byte skip on to c; returns bytes set. */
size_t iov_memset(const struct iovec *iov, int niov, size_t skip, int c, size_t len);
/* Describe bytes [skip, skip+len) of iov in out (at most max entries); returns the count. */
int iov_slice(const struct iovec *iov, int niov, size_t skip, size_t len,
	      struct iovec *out, int max);

#endif
