// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Block backend core: opening an image through its format driver, the
 * request pool and the synchronous helpers (see block/block.h for the
 * contract and the cache modes).  Requests run on a GThreadPool so vCPU
 * threads never wait on the disk; completions are handed to the machine's
 * GMainContext and run there with the machine lock held.
 * Formats: raw (block/raw.c) and qcow2 (block/qcow2*.c), probed by magic.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>
#include "block/block.h"
#include "block/qcow2.h"
#include "core/iov.h"
#include "core/log.h"
#include "core/sandbox.h"

enum blk_req_type { BLK_REQ_READ, BLK_REQ_WRITE, BLK_REQ_FLUSH, BLK_REQ_DISCARD };

struct blk_req {
	struct block_backend *b;
	enum blk_req_type type;
	uint64_t off;
	uint64_t len;         /* discard */
	struct iovec *iov;
	int niov;
	bool delivered;       /* blk_drain ran the callback already */
	bool through;         /* write: flush before completing (write cache off) */
	blk_complete_fn *cb;
	void *opaque;
	int ret;
};

#define BLK_POOL_THREADS 4
#define BLK_MAX_IOV 65536

bool blk_parse_cache_mode(const char *s, enum blk_cache_mode *out)
{
	static const struct { const char *name; enum blk_cache_mode mode; } t[] = {
		{ "writeback", BLK_CACHE_WRITEBACK },
		{ "none", BLK_CACHE_NONE },
		{ "writethrough", BLK_CACHE_WRITETHROUGH },
		{ "directsync", BLK_CACHE_DIRECTSYNC },
		{ "unsafe", BLK_CACHE_UNSAFE },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		if (!strcmp(s, t[i].name)) {
			*out = t[i].mode;
			return true;
		}
	}
	return false;
}

/*
 * Read the first sector and name its format (block/probe.c); raw when no
 * signature matches.
 */
static int blk_probe_format(const char *path, const char **fmt, GError **err)
{
	uint8_t buf[BLK_PROBE_SIZE] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		int e = errno;
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
			    "Could not open '%s': %s", path, g_strerror(e));
		return -e;
	}
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	*fmt = blk_probe_buf(buf, n > 0 ? (size_t)n : 0, path);
	if (!*fmt)
		*fmt = "raw";
	return 0;
}

static void blk_worker(gpointer data, gpointer user_data);

struct block_backend *blk_open(const struct blk_config *cfg, GError **err)
{
	const char *fmt = cfg->format;
	struct block_backend *b;

	if (!cfg->filename || !*cfg->filename) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "no image file given");
		return NULL;
	}
	if (!fmt && blk_probe_format(cfg->filename, &fmt, err) < 0)
		return NULL;
	/* As QEMU: a guessed raw format on a writable image gets a warning. */
	if (!cfg->format && !strcmp(fmt, "raw") && !cfg->read_only && !cfg->snapshot)
		fprintf(stderr, "kvmpc: warning: Image format was not specified for '%s' and "
			"probing guessed raw.\n         Automatically detecting the format is "
			"dangerous for raw images, write operations on block 0 will be "
			"restricted.\n         Specify the 'raw' format explicitly to remove "
			"the restrictions.\n", cfg->filename);
	if (strcmp(fmt, "raw") && strcmp(fmt, "qcow2")) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    cfg->format ? "'%s': image format '%s' is not supported (raw, qcow2)"
					: "'%s': image format '%s' is not supported (raw, qcow2); "
					  "give format=raw (-f raw) to access the file as raw",
			    cfg->filename, fmt);
		return NULL;
	}

	b = g_new0(struct block_backend, 1);
	b->drv = strcmp(fmt, "qcow2") ? &blk_driver_raw : &blk_driver_qcow2;
	b->opaque = g_malloc0(b->drv->state_size);
	b->filename = g_strdup(cfg->filename);
	b->read_only = cfg->read_only;
	b->cache = cfg->cache;
	b->probed_raw = !cfg->format && b->drv == &blk_driver_raw;
	b->wce = blk_write_cache_default(b);
	b->bps = cfg->bps_total;
	g_mutex_init(&b->inflight_lock);
	g_cond_init(&b->inflight_cond);
	g_mutex_init(&b->thr_lock);
	g_cond_init(&b->thr_cond);

	if (b->drv->open(b, cfg, err) < 0)
		goto fail;
	if (cfg->snapshot && blk_snapshot_create(b, err) < 0) {
		b->drv->close(b);
		goto fail;
	}
	b->pool = g_thread_pool_new(blk_worker, b, BLK_POOL_THREADS, FALSE, NULL);
	return b;

fail:
	g_free(b->opaque);
	g_free(b->filename);
	g_free(b);
	return NULL;
}

void blk_drain_workers(struct block_backend *b)
{
	/* Recreate the pool: freeing it waits for queued and running work. */
	if (!b->pool)
		return;
	g_thread_pool_free(b->pool, FALSE, TRUE);
	b->pool = g_thread_pool_new(blk_worker, b, BLK_POOL_THREADS, FALSE, NULL);
}

void blk_drain(struct block_backend *b)
{
	for (;;) {
		GQueue ready = G_QUEUE_INIT;
		struct blk_req *r;

		blk_drain_workers(b);
		g_mutex_lock(&b->inflight_lock);
		ready = b->done;
		g_queue_init(&b->done);
		g_mutex_unlock(&b->inflight_lock);
		if (g_queue_is_empty(&ready))
			return;
		/* the idle sources still free them; their callbacks run here */
		while ((r = g_queue_pop_head(&ready))) {
			r->delivered = true;
			r->cb(r->opaque, r->ret);
		}
	}
}

void blk_close(struct block_backend *b)
{
	bool busy;

	if (!b)
		return;
	g_mutex_lock(&b->thr_lock);
	b->closing = true;
	g_cond_broadcast(&b->thr_cond);
	g_mutex_unlock(&b->thr_lock);
	g_thread_pool_free(b->pool, FALSE, TRUE);
	b->pool = NULL;
	g_mutex_lock(&b->inflight_lock);
	busy = b->inflight > 0;
	g_mutex_unlock(&b->inflight_lock);
	if (b->snap)
		blk_snapshot_destroy(b);
	b->drv->close(b);
	/* Completions still queued on the main loop reference b: keep it. */
	if (busy)
		return;
	g_free(b->opaque);
	g_free(b->filename);
	g_free(b);
}

void blk_set_aio_context(struct block_backend *b, GMainContext *ctx, GMutex *lock)
{
	b->ctx = ctx;
	b->ctx_lock = lock;
}

const char *blk_format(struct block_backend *b)
{
	return b->drv->format;
}

bool blk_is_read_only(struct block_backend *b)
{
	return b->read_only;
}

bool blk_write_cache_default(struct block_backend *b)
{
	return b->cache != BLK_CACHE_WRITETHROUGH && b->cache != BLK_CACHE_DIRECTSYNC;
}

void blk_set_write_cache(struct block_backend *b, bool on)
{
	b->wce = on;
}

bool blk_write_cache(struct block_backend *b)
{
	return b->wce;
}

int64_t blk_length(struct block_backend *b)
{
	return b->drv->length(b);
}

int blk_preadv(struct block_backend *b, uint64_t off, const struct iovec *iov, int niov)
{
	if (b->snap)
		return blk_snapshot_preadv(b, off, iov, niov);
	return b->drv->preadv(b, off, iov, niov);
}

int blk_flush(struct block_backend *b)
{
	if (b->cache == BLK_CACHE_UNSAFE || b->snap || b->read_only)
		return 0;
	return b->drv->flush(b);
}

/*
 * A probed-raw image must not turn into another format through the guest:
 * refuse a write after which sector 0 would probe as one, as QEMU does.
 * Otherwise the next start with the same command line would open the
 * guest's header and, through its backing file name, any host file.
 */
static int blk_check_probed_write(struct block_backend *b, uint64_t off,
				  const struct iovec *iov, int niov)
{
	uint8_t sec[BLK_PROBE_SIZE] = { 0 };
	struct iovec one = { .iov_base = sec, .iov_len = sizeof(sec) };
	size_t len;
	const char *fmt;

	if (!b->probed_raw || off >= BLK_PROBE_SIZE)
		return 0;
	len = iov_size(iov, niov);
	if (!len)
		return 0;
	if (off > 0 || len < BLK_PROBE_SIZE)
		b->drv->preadv(b, 0, &one, 1); /* past the end stays zero */
	iov_to_buf(iov, niov, 0, sec + off, MIN(len, BLK_PROBE_SIZE - off));
	fmt = blk_probe_buf(sec, sizeof(sec), NULL);
	if (!fmt)
		return 0;
	guest_error("%s: write to sector 0 refused: it would make the probed-raw image "
		    "look like %s (give format=raw to allow it)", b->filename, fmt);
	return -EPERM;
}

/* The one write path; through: flush before returning (write cache off). */
static int blk_do_pwritev(struct block_backend *b, uint64_t off, const struct iovec *iov,
			  int niov, bool through)
{
	int ret;

	if (b->read_only)
		return -EROFS;
	if (b->snap)
		return blk_snapshot_pwritev(b, off, iov, niov);
	ret = blk_check_probed_write(b, off, iov, niov);
	if (ret < 0)
		return ret;
	ret = b->drv->pwritev(b, off, iov, niov);
	if (ret >= 0 && through)
		ret = blk_flush(b);
	return ret;
}

int blk_pwritev(struct block_backend *b, uint64_t off, const struct iovec *iov, int niov)
{
	return blk_do_pwritev(b, off, iov, niov, !b->wce);
}

int blk_discard(struct block_backend *b, uint64_t off, uint64_t len)
{
	if (b->read_only)
		return -EROFS;
	if (b->snap || !b->drv->discard)
		return 0;
	return b->drv->discard(b, off, len);
}

int blk_pread(struct block_backend *b, uint64_t off, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	return blk_preadv(b, off, &iov, 1);
}

int blk_pwrite(struct block_backend *b, uint64_t off, const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	return blk_pwritev(b, off, &iov, 1);
}

/* Runs on the main loop: the device sees its completion with the lock held. */
static gboolean blk_complete_idle(gpointer data)
{
	struct blk_req *r = data;
	struct block_backend *b = r->b;

	if (b->ctx_lock)
		g_mutex_lock(b->ctx_lock);
	if (!r->delivered) {
		g_mutex_lock(&b->inflight_lock);
		g_queue_remove(&b->done, r);
		g_mutex_unlock(&b->inflight_lock);
		r->cb(r->opaque, r->ret);
	}
	if (b->ctx_lock)
		g_mutex_unlock(b->ctx_lock);

	g_mutex_lock(&b->inflight_lock);
	b->inflight--;
	g_cond_broadcast(&b->inflight_cond);
	g_mutex_unlock(&b->inflight_lock);
	g_free(r->iov);
	g_free(r);
	return G_SOURCE_REMOVE;
}

/*
 * Leaky bucket as QEMU's throttling: the level drains at bps bytes/s; a
 * request starts once the level is at most a tenth of a second's worth,
 * then adds its size.  Waits on the worker, never on a vCPU.
 */
static void blk_throttle(struct block_backend *b, size_t bytes)
{
	double max = b->bps / 10.0;

	g_mutex_lock(&b->thr_lock);
	for (;;) {
		gint64 now = g_get_monotonic_time();

		b->thr_level -= (double)(now - b->thr_last) * b->bps / G_USEC_PER_SEC;
		b->thr_level = MAX(b->thr_level, 0.0);
		b->thr_last = now;
		if (b->thr_level <= max || b->closing)
			break;
		g_cond_wait_until(&b->thr_cond, &b->thr_lock,
				  now + 1 + (gint64)((b->thr_level - max) * G_USEC_PER_SEC / b->bps));
	}
	b->thr_level += bytes;
	g_mutex_unlock(&b->thr_lock);
}

static void blk_worker(gpointer data, gpointer user_data)
{
	struct blk_req *r = data;
	GSource *src;

	sandbox_thread_enter(SANDBOX_ROLE_BLOCK);
	if (r->b->bps && (r->type == BLK_REQ_READ || r->type == BLK_REQ_WRITE))
		blk_throttle(r->b, iov_size(r->iov, r->niov));
	switch (r->type) {
	case BLK_REQ_READ:
		r->ret = blk_preadv(r->b, r->off, r->iov, r->niov);
		break;
	case BLK_REQ_WRITE:
		r->ret = blk_do_pwritev(r->b, r->off, r->iov, r->niov, r->through);
		break;
	case BLK_REQ_FLUSH:
		r->ret = blk_flush(r->b);
		break;
	case BLK_REQ_DISCARD:
		r->ret = blk_discard(r->b, r->off, r->len);
		break;
	}
	if (r->ret > 0)
		r->ret = 0;
	g_mutex_lock(&r->b->inflight_lock);
	g_queue_push_tail(&r->b->done, r);
	g_mutex_unlock(&r->b->inflight_lock);
	src = g_idle_source_new();
	g_source_set_callback(src, blk_complete_idle, r, NULL);
	g_source_attach(src, r->b->ctx);
	g_source_unref(src);
}

static int blk_submit(struct block_backend *b, enum blk_req_type type, uint64_t off,
		      uint64_t len, const struct iovec *iov, int niov, blk_complete_fn *cb,
		      void *opaque)
{
	struct blk_req *r;

	if (!b->pool || niov < 0 || niov > BLK_MAX_IOV)
		return -EINVAL;
	r = g_new0(struct blk_req, 1);
	r->b = b;
	r->type = type;
	r->off = off;
	r->len = len;
	r->niov = niov;
	r->iov = g_memdup2(iov, sizeof(*iov) * (niov ? niov : 1));
	r->through = type == BLK_REQ_WRITE && !b->wce;
	r->cb = cb;
	r->opaque = opaque;
	g_mutex_lock(&b->inflight_lock);
	b->inflight++;
	g_mutex_unlock(&b->inflight_lock);
	g_thread_pool_push(b->pool, r, NULL);
	return 0;
}

int blk_aio_preadv(struct block_backend *b, uint64_t off, const struct iovec *iov,
		   int niov, blk_complete_fn *cb, void *opaque)
{
	return blk_submit(b, BLK_REQ_READ, off, 0, iov, niov, cb, opaque);
}

int blk_aio_pwritev(struct block_backend *b, uint64_t off, const struct iovec *iov,
		    int niov, blk_complete_fn *cb, void *opaque)
{
	return blk_submit(b, BLK_REQ_WRITE, off, 0, iov, niov, cb, opaque);
}

int blk_aio_flush(struct block_backend *b, blk_complete_fn *cb, void *opaque)
{
	return blk_submit(b, BLK_REQ_FLUSH, 0, 0, NULL, 0, cb, opaque);
}

int blk_aio_discard(struct block_backend *b, uint64_t off, uint64_t len,
		    blk_complete_fn *cb, void *opaque)
{
	return blk_submit(b, BLK_REQ_DISCARD, off, len, NULL, 0, cb, opaque);
}
