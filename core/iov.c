// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iovec helpers (see core/iov.h).  All of them walk the array once with
 * the same skip/length arithmetic, in iov_walk(); nothing here allocates.
 */
#include <stdint.h>
#include <string.h>
#include <glib.h>
#include "core/iov.h"

enum iov_op { IOV_TO_BUF, IOV_FROM_BUF, IOV_SET };

/* Apply op to bytes [skip, skip+len) of iov; p is the flat buffer or the fill byte. */
static size_t iov_walk(const struct iovec *iov, int niov, size_t skip, void *p, int c,
		       size_t len, enum iov_op op)
{
	size_t done = 0;

	for (int i = 0; i < niov && done < len; i++) {
		size_t l = iov[i].iov_len;
		uint8_t *base = iov[i].iov_base;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l = MIN(l - skip, len - done);
		if (op == IOV_TO_BUF)
			memcpy((uint8_t *)p + done, base + skip, l);
		else if (op == IOV_FROM_BUF)
			memcpy(base + skip, (uint8_t *)p + done, l);
		else
			memset(base + skip, c, l);
		done += l;
		skip = 0;
	}
	return done;
}

size_t iov_size(const struct iovec *iov, int niov)
{
	size_t n = 0;

	for (int i = 0; i < niov; i++)
		n += iov[i].iov_len;
	return n;
}

size_t iov_to_buf(const struct iovec *iov, int niov, size_t skip, void *buf, size_t len)
{
	return iov_walk(iov, niov, skip, buf, 0, len, IOV_TO_BUF);
}

size_t iov_from_buf(const struct iovec *iov, int niov, size_t skip, const void *buf,
		    size_t len)
{
	return iov_walk(iov, niov, skip, (void *)buf, 0, len, IOV_FROM_BUF);
}

size_t iov_memset(const struct iovec *iov, int niov, size_t skip, int c, size_t len)
{
	return iov_walk(iov, niov, skip, NULL, c, len, IOV_SET);
}

int iov_slice(const struct iovec *iov, int niov, size_t skip, size_t len,
	      struct iovec *out, int max)
{
	int n = 0;

	for (int i = 0; i < niov && len && n < max; i++) {
		size_t l = iov[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l = MIN(l - skip, len);
		out[n].iov_base = (uint8_t *)iov[i].iov_base + skip;
		out[n].iov_len = l;
		n++;
		len -= l;
		skip = 0;
	}
	return n;
}
