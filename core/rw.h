/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one read/write retry loop: positional reads and writes of a whole
 * buffer or iovec array, repeated on EINTR and after short transfers.
 * Callers: the block drivers (raw, qcow2, the snapshot overlay), qcow2
 * image creation and the kernel/initrd loader.  Sockets and non-blocking
 * fds, which must stop on EAGAIN, keep their own loops.
 */
#ifndef CORE_RW_H
#define CORE_RW_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/*
 * Read all of iov from fd at off.  Returns the bytes read, fewer than asked
 * only at end of file, or -errno.
 */
ssize_t rw_preadv_full(int fd, const struct iovec *iov, int niov, uint64_t off);
/* Write all of iov to fd at off: the byte count, or -errno (-EIO if nothing moves). */
ssize_t rw_pwritev_full(int fd, const struct iovec *iov, int niov, uint64_t off);
ssize_t rw_pread_full(int fd, void *buf, size_t len, uint64_t off);
ssize_t rw_pwrite_full(int fd, const void *buf, size_t len, uint64_t off);

#endif
