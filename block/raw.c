// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The raw format: the image file is the disk, byte for byte.  cache=none
 * and directsync open with O_DIRECT (misaligned buffers go through an
 * aligned bounce buffer), flush is fdatasync.  Reads past the end of a file
 * whose size is not a sector multiple return zeros.  Also QEMU-compatible
 * image locking: OFD read locks on byte 100+perm for each permission held
 * and 200+perm for each permission not shared (perm 0 consistent read,
 * 1 write, 3 resize), checked against other holders with F_OFD_GETLK.
 * Block devices and discard (hole punching) are supported; nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "block/block.h"
#include "core/iov.h"
#include "core/rw.h"

struct raw_state {
	int fd;
	bool direct;
	size_t align;   /* O_DIRECT memory/offset alignment */
	int64_t size;   /* bytes, rounded up to a sector */
};

#define RAW_LOCK_PERM_BASE 100
#define RAW_LOCK_SHARED_BASE 200
#define RAW_PERM_READ 0
#define RAW_PERM_WRITE 1
#define RAW_PERM_RESIZE 3

static const char *const raw_perm_names[] = {
	"consistent read", "write", "write unchanged", "resize",
};

static int raw_lock_byte(int fd, int cmd, short type, off_t byte)
{
	struct flock fl = {
		.l_whence = SEEK_SET, .l_start = byte, .l_len = 1, .l_type = type,
	};

	if (fcntl(fd, cmd, &fl) < 0)
		return -errno;
	return cmd == F_OFD_GETLK ? fl.l_type : 0;
}

static void raw_lock_error(GError **err, bool shared, int perm, const char *path)
{
	g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_AGAIN,
		    "Failed to get %s\"%s\" lock\n"
		    "Is another process using the image [%s]?",
		    shared ? "shared " : "", raw_perm_names[perm], path);
}

/* Is byte held (read-locked) by another open file description? */
static bool raw_lock_taken(int fd, off_t byte)
{
	int t = raw_lock_byte(fd, F_OFD_GETLK, F_WRLCK, byte);

	return t >= 0 && t != F_UNLCK;
}

int blk_raw_lock(int fd, bool write, const char *path, GError **err)
{
	/* Writers share read and resize; readers share read only. */
	int held[2] = { RAW_PERM_READ, RAW_PERM_WRITE };
	int unshared[2] = { RAW_PERM_WRITE, RAW_PERM_RESIZE };
	int nheld = write ? 2 : 1, nunshared = write ? 1 : 2;

	for (int i = 0; i < nheld; i++) {
		if (raw_lock_byte(fd, F_OFD_SETLK, F_RDLCK, RAW_LOCK_PERM_BASE + held[i])) {
			raw_lock_error(err, false, held[i], path);
			return -EAGAIN;
		}
	}
	for (int i = 0; i < nunshared; i++) {
		if (raw_lock_byte(fd, F_OFD_SETLK, F_RDLCK,
				  RAW_LOCK_SHARED_BASE + unshared[i])) {
			raw_lock_error(err, true, unshared[i], path);
			return -EAGAIN;
		}
	}
	/* Someone refuses to share what we use? */
	for (int i = 0; i < nheld; i++) {
		if (raw_lock_taken(fd, RAW_LOCK_SHARED_BASE + held[i])) {
			raw_lock_error(err, false, held[i], path);
			return -EAGAIN;
		}
	}
	/* Someone uses what we refuse to share? */
	for (int i = 0; i < nunshared; i++) {
		if (raw_lock_taken(fd, RAW_LOCK_PERM_BASE + unshared[i])) {
			raw_lock_error(err, true, unshared[i], path);
			return -EAGAIN;
		}
	}
	return 0;
}

static int64_t raw_file_size(int fd)
{
	struct stat st;
	off_t end;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode))
		return st.st_size;
	end = lseek(fd, 0, SEEK_END);
	return end < 0 ? -errno : end;
}

/* O_DIRECT alignment: 512 unless the file system insists on 4096. */
static size_t raw_probe_align(int fd)
{
	void *buf;
	size_t align = 512;

	if (posix_memalign(&buf, 4096, 4096))
		return 4096;
	if (pread(fd, buf, 512, 0) < 0 && errno == EINVAL)
		align = 4096;
	free(buf);
	return align;
}

static int raw_open(struct block_backend *b, const struct blk_config *cfg, GError **err)
{
	struct raw_state *s = b->opaque;
	bool ro = cfg->read_only || cfg->snapshot;
	int flags = (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	int64_t size;

	s->direct = cfg->cache == BLK_CACHE_NONE || cfg->cache == BLK_CACHE_DIRECTSYNC;
	if (s->direct)
		flags |= O_DIRECT;
	s->fd = open(cfg->filename, flags);
	if (s->fd < 0) {
		int e = errno;

		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
			    "Could not open '%s': %s", cfg->filename, g_strerror(e));
		return -e;
	}
	if (!cfg->no_lock && blk_raw_lock(s->fd, !ro, cfg->filename, err) < 0)
		goto fail;
	size = raw_file_size(s->fd);
	if (size < 0) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(-size),
			    "Could not get the size of '%s': %s", cfg->filename,
			    g_strerror(-size));
		goto fail;
	}
	s->size = (size + BLK_SECTOR_SIZE - 1) & ~(int64_t)(BLK_SECTOR_SIZE - 1);
	s->align = s->direct ? raw_probe_align(s->fd) : 1;
	return 0;

fail:
	close(s->fd);
	s->fd = -1;
	return -EINVAL;
}

static bool raw_iov_aligned(struct raw_state *s, uint64_t off, const struct iovec *iov,
			    int niov)
{
	if (s->align <= 1)
		return true;
	if (off % s->align)
		return false;
	for (int i = 0; i < niov; i++) {
		if ((uintptr_t)iov[i].iov_base % s->align || iov[i].iov_len % s->align)
			return false;
	}
	return true;
}

/* Bytes past the end of the file read as zeros. */
static int raw_do_preadv(struct raw_state *s, uint64_t off, const struct iovec *iov, int niov)
{
	size_t total = iov_size(iov, niov);
	ssize_t r = rw_preadv_full(s->fd, iov, niov, off);

	if (r < 0)
		return r;
	iov_memset(iov, niov, r, 0, total - r);
	return 0;
}

static int raw_do_pwritev(struct raw_state *s, uint64_t off, const struct iovec *iov,
			  int niov)
{
	ssize_t r = rw_pwritev_full(s->fd, iov, niov, off);

	return r < 0 ? r : 0;
}

/* Misaligned O_DIRECT request: go through an aligned buffer. */
static int raw_bounce(struct raw_state *s, uint64_t off, const struct iovec *iov, int niov,
		      bool write)
{
	size_t len = iov_size(iov, niov);
	uint64_t start = off - off % s->align;
	uint64_t end = (off + len + s->align - 1) / s->align * s->align;
	struct iovec biov;
	void *buf;
	int ret = 0;

	if (posix_memalign(&buf, s->align, end - start))
		return -ENOMEM;
	biov.iov_base = buf;
	biov.iov_len = end - start;
	if (!write || start != off || end != off + len)
		ret = raw_do_preadv(s, start, &biov, 1);
	if (ret == 0 && write) {
		iov_to_buf(iov, niov, 0, (uint8_t *)buf + (off - start), len);
		ret = raw_do_pwritev(s, start, &biov, 1);
	} else if (ret == 0) {
		iov_from_buf(iov, niov, 0, (uint8_t *)buf + (off - start), len);
	}
	free(buf);
	return ret;
}

static int raw_preadv(struct block_backend *b, uint64_t off, const struct iovec *iov,
		      int niov)
{
	struct raw_state *s = b->opaque;

	if (!raw_iov_aligned(s, off, iov, niov))
		return raw_bounce(s, off, iov, niov, false);
	return raw_do_preadv(s, off, iov, niov);
}

static int raw_pwritev(struct block_backend *b, uint64_t off, const struct iovec *iov,
		       int niov)
{
	struct raw_state *s = b->opaque;
	int ret;

	if (!raw_iov_aligned(s, off, iov, niov))
		ret = raw_bounce(s, off, iov, niov, true);
	else
		ret = raw_do_pwritev(s, off, iov, niov);
	if (ret == 0 && (int64_t)(off + iov_size(iov, niov)) > s->size)
		s->size = off + iov_size(iov, niov);
	return ret;
}

static int raw_flush(struct block_backend *b)
{
	struct raw_state *s = b->opaque;

	return fdatasync(s->fd) < 0 ? -errno : 0;
}

static int raw_discard(struct block_backend *b, uint64_t off, uint64_t len)
{
	struct raw_state *s = b->opaque;

	if (fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len) < 0 &&
	    errno != EOPNOTSUPP)
		return -errno;
	return 0;
}

static int64_t raw_length(struct block_backend *b)
{
	struct raw_state *s = b->opaque;

	return s->size;
}

static void raw_close(struct block_backend *b)
{
	struct raw_state *s = b->opaque;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

const struct block_driver blk_driver_raw = {
	.format = "raw",
	.state_size = sizeof(struct raw_state),
	.open = raw_open,
	.preadv = raw_preadv,
	.pwritev = raw_pwritev,
	.flush = raw_flush,
	.discard = raw_discard,
	.length = raw_length,
	.close = raw_close,
};
