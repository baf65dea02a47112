// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The read/write retry helper (see core/rw.h): preadv/pwritev over slices
 * of at most IOV_MAX entries, resumed after EINTR and after short
 * transfers, ending at end of file for reads.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <unistd.h>
#include "core/iov.h"
#include "core/rw.h"

static ssize_t rw_full(int fd, const struct iovec *iov, int niov, uint64_t off, bool write)
{
	size_t total = iov_size(iov, niov), done = 0;
	struct iovec part[IOV_MAX];

	while (done < total) {
		int n = iov_slice(iov, niov, done, total - done, part, IOV_MAX);
		ssize_t r = write ? pwritev(fd, part, n, off + done)
				  : preadv(fd, part, n, off + done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0) {
			if (write)
				return -EIO;
			break;
		}
		done += r;
	}
	return done;
}

ssize_t rw_preadv_full(int fd, const struct iovec *iov, int niov, uint64_t off)
{
	return rw_full(fd, iov, niov, off, false);
}

ssize_t rw_pwritev_full(int fd, const struct iovec *iov, int niov, uint64_t off)
{
	return rw_full(fd, iov, niov, off, true);
}

ssize_t rw_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	struct iovec v = { .iov_base = buf, .iov_len = len };

	return rw_full(fd, &v, 1, off, false);
}

ssize_t rw_pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
	struct iovec v = { .iov_base = (void *)buf, .iov_len = len };

	return rw_full(fd, &v, 1, off, true);
}
