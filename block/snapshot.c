// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapshot=on: the image is opened read-only and every write goes to a
 * throw-away overlay, a temporary file unlinked right after it is created
 * (so it vanishes when kvmpc exits, however it exits).  A bitmap with one
 * bit per 512-byte sector says which sectors live in the overlay.  Reads
 * are split into runs served by the overlay or the image.  Partial-sector
 * writes are widened with a read-modify-write.  No commit back to the image.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include "block/block.h"
#include "core/iov.h"
#include "core/rw.h"

struct blk_snapshot {
	int fd;
	uint64_t nsectors;
	unsigned long *bitmap;
	GMutex lock;
};

#define SNAP_BITS (sizeof(unsigned long) * 8)

int blk_snapshot_create(struct block_backend *b, GError **err)
{
	struct blk_snapshot *s;
	int64_t len = b->drv->length(b);
	char *path = NULL;
	int fd;

	fd = g_file_open_tmp("kvmpc-snapshot-XXXXXX", &path, err);
	if (fd < 0)
		return -EIO;
	unlink(path);
	g_free(path);
	if (len < 0 || ftruncate(fd, len) < 0) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_IO,
			    "Could not create the snapshot overlay for '%s'", b->filename);
		close(fd);
		return -EIO;
	}
	s = g_new0(struct blk_snapshot, 1);
	s->fd = fd;
	s->nsectors = (uint64_t)len / BLK_SECTOR_SIZE;
	s->bitmap = g_new0(unsigned long, s->nsectors / SNAP_BITS + 1);
	g_mutex_init(&s->lock);
	b->snap = s;
	return 0;
}

void blk_snapshot_destroy(struct block_backend *b)
{
	struct blk_snapshot *s = b->snap;

	close(s->fd);
	g_free(s->bitmap);
	g_mutex_clear(&s->lock);
	g_free(s);
	b->snap = NULL;
}

static bool snap_test(struct blk_snapshot *s, uint64_t sec)
{
	if (sec >= s->nsectors)
		return false;
	return s->bitmap[sec / SNAP_BITS] & (1UL << (sec % SNAP_BITS));
}

/* Length in sectors of the run starting at sec with the same state. */
static uint64_t snap_run(struct blk_snapshot *s, uint64_t sec, uint64_t max, bool *in_overlay)
{
	uint64_t n = 1;

	g_mutex_lock(&s->lock);
	*in_overlay = snap_test(s, sec);
	while (n < max && snap_test(s, sec + n) == *in_overlay)
		n++;
	g_mutex_unlock(&s->lock);
	return n;
}

/* All of iov at off in fd; end of file is an error here (the overlay has every sector). */
static int snap_fd_io(int fd, uint64_t off, const struct iovec *iov, int niov, bool write)
{
	ssize_t r = write ? rw_pwritev_full(fd, iov, niov, off)
			  : rw_preadv_full(fd, iov, niov, off);

	if (r < 0)
		return r;
	return (size_t)r == iov_size(iov, niov) ? 0 : -EIO;
}

/* Sector-aligned read. */
static int snap_read_aligned(struct block_backend *b, uint64_t off, const struct iovec *iov,
			     int niov)
{
	struct blk_snapshot *s = b->snap;
	size_t total = iov_size(iov, niov), done = 0;
	struct iovec part[IOV_MAX];

	while (done < total) {
		uint64_t sec = (off + done) / BLK_SECTOR_SIZE;
		uint64_t left = (total - done) / BLK_SECTOR_SIZE;
		bool ovl;
		uint64_t n = snap_run(s, sec, MIN(left, (uint64_t)1 << 20), &ovl);
		size_t bytes = n * BLK_SECTOR_SIZE;
		int np = iov_slice(iov, niov, done, bytes, part, IOV_MAX);
		size_t got = iov_size(part, np);
		int ret;

		ret = ovl ? snap_fd_io(s->fd, off + done, part, np, false)
			  : b->drv->preadv(b, off + done, part, np);
		if (ret < 0)
			return ret;
		done += got;
	}
	return 0;
}

static bool snap_aligned(uint64_t off, size_t len)
{
	return off % BLK_SECTOR_SIZE == 0 && len % BLK_SECTOR_SIZE == 0;
}

int blk_snapshot_preadv(struct block_backend *b, uint64_t off, const struct iovec *iov,
			int niov)
{
	size_t len = iov_size(iov, niov);
	uint64_t start = off / BLK_SECTOR_SIZE * BLK_SECTOR_SIZE;
	uint64_t end = (off + len + BLK_SECTOR_SIZE - 1) / BLK_SECTOR_SIZE * BLK_SECTOR_SIZE;
	struct iovec biov;
	int ret;

	if (snap_aligned(off, len))
		return snap_read_aligned(b, off, iov, niov);
	biov.iov_len = end - start;
	biov.iov_base = g_malloc(biov.iov_len);
	ret = snap_read_aligned(b, start, &biov, 1);
	if (ret == 0)
		iov_from_buf(iov, niov, 0, (uint8_t *)biov.iov_base + (off - start), len);
	g_free(biov.iov_base);
	return ret;
}

static void snap_mark(struct blk_snapshot *s, uint64_t off, size_t len)
{
	g_mutex_lock(&s->lock);
	for (uint64_t sec = off / BLK_SECTOR_SIZE; sec < (off + len) / BLK_SECTOR_SIZE; sec++) {
		if (sec < s->nsectors)
			s->bitmap[sec / SNAP_BITS] |= 1UL << (sec % SNAP_BITS);
	}
	g_mutex_unlock(&s->lock);
}

int blk_snapshot_pwritev(struct block_backend *b, uint64_t off, const struct iovec *iov,
			 int niov)
{
	struct blk_snapshot *s = b->snap;
	size_t len = iov_size(iov, niov);
	uint64_t start = off / BLK_SECTOR_SIZE * BLK_SECTOR_SIZE;
	uint64_t end = (off + len + BLK_SECTOR_SIZE - 1) / BLK_SECTOR_SIZE * BLK_SECTOR_SIZE;
	struct iovec biov;
	int ret;

	if (end > s->nsectors * BLK_SECTOR_SIZE)
		return -ENOSPC;
	if (snap_aligned(off, len)) {
		ret = snap_fd_io(s->fd, off, iov, niov, true);
		if (ret == 0)
			snap_mark(s, off, len);
		return ret;
	}
	biov.iov_len = end - start;
	biov.iov_base = g_malloc(biov.iov_len);
	ret = snap_read_aligned(b, start, &biov, 1);
	if (ret == 0) {
		iov_to_buf(iov, niov, 0, (uint8_t *)biov.iov_base + (off - start), len);
		ret = snap_fd_io(s->fd, start, &biov, 1, true);
	}
	if (ret == 0)
		snap_mark(s, start, end - start);
	g_free(biov.iov_base);
	return ret;
}
