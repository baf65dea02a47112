/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block backends.  A backend is an image file seen through a format driver
 * (raw today; qcow2 later) with the ops {open, preadv, pwritev, flush,
 * discard, length, close}.  Devices submit requests with blk_aio_*: they run
 * on a GThreadPool worker (never on a vCPU thread) and the completion
 * callback runs on the machine's main loop with the machine lock held.
 * blk_pread/blk_pwrite are the synchronous path for tools and set-up code;
 * devices never use them.
 *
 * Cache modes follow QEMU: writeback (default, flush = fdatasync), none
 * (O_DIRECT), writethrough (fdatasync after every write), directsync (both),
 * unsafe (flush is a no-op).  The cache mode only sets the initial write
 * cache state; the device owns it from then on (blk_set_write_cache: virtio
 * WCE/writeback, ATA SET FEATURES 02h/82h), and while it is off every write
 * is on stable storage (fdatasync) before it completes, as in QEMU.
 * An optional bandwidth limit (-drive throttling.bps-total=) delays
 * requests on the worker with a leaky bucket like QEMU's.
 * Read-only backends fail writes with -EROFS.
 * Writable images are locked with OFD fcntl locks on the same bytes QEMU
 * uses, so kvmpc and QEMU refuse to share a writable image.  snapshot=on
 * sends writes to a throw-away overlay file (block/snapshot.c).
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <glib.h>

#define BLK_SECTOR_SIZE 512

enum blk_cache_mode {
	BLK_CACHE_WRITEBACK,
	BLK_CACHE_NONE,
	BLK_CACHE_WRITETHROUGH,
	BLK_CACHE_DIRECTSYNC,
	BLK_CACHE_UNSAFE,
};

struct blk_config {
	const char *filename;
	const char *format;   /* "raw", or NULL to probe (raw unless qcow2) */
	bool read_only;
	enum blk_cache_mode cache;
	bool snapshot;        /* writes go to a temporary overlay */
	bool no_lock;         /* skip image locking (locking=off) */
	uint64_t bps_total;   /* bytes/s for reads + writes, 0 = unlimited */
};

struct block_backend;

/* A format driver.  Ops return 0 / bytes or -errno. */
struct block_driver {
	const char *format;
	size_t state_size;    /* driver state allocated in b->opaque */
	int (*open)(struct block_backend *b, const struct blk_config *cfg, GError **err);
	int (*preadv)(struct block_backend *b, uint64_t off, const struct iovec *iov, int niov);
	int (*pwritev)(struct block_backend *b, uint64_t off, const struct iovec *iov, int niov);
	int (*flush)(struct block_backend *b);
	int (*discard)(struct block_backend *b, uint64_t off, uint64_t len);
	int64_t (*length)(struct block_backend *b);
	void (*close)(struct block_backend *b);
};

struct blk_snapshot;

struct block_backend {
	const struct block_driver *drv;
	void *opaque;             /* driver state */
	char *filename;
	bool read_only;
	bool probed_raw;          /* raw by probing: sector 0 writes guarded */
	enum blk_cache_mode cache;
	struct blk_snapshot *snap; /* non-NULL with snapshot=on */
	bool wce;                 /* write cache on; set under the machine lock */

	/* Throttling (leaky bucket), used by the workers */
	uint64_t bps;             /* 0: unlimited */
	GMutex thr_lock;
	GCond thr_cond;
	double thr_level;         /* bytes not yet drained */
	gint64 thr_last;          /* monotonic us of the last drain */
	bool closing;             /* blk_close: stop waiting */

	/* Asynchronous requests */
	GThreadPool *pool;
	GMainContext *ctx;        /* where completions run */
	GMutex *ctx_lock;         /* taken around completions (machine lock) */
	GMutex inflight_lock;
	GCond inflight_cond;
	int inflight;             /* submitted, callback not yet run */
	GQueue done;              /* finished, callback queued on ctx (inflight_lock) */
};

typedef void blk_complete_fn(void *opaque, int ret);

/* Open (with the format driver, locking and the snapshot overlay). */
struct block_backend *blk_open(const struct blk_config *cfg, GError **err);
/* Waits for in-flight requests to finish, then closes. */
void blk_close(struct block_backend *b);

/* Where completion callbacks run; lock (may be NULL) is held around them. */
void blk_set_aio_context(struct block_backend *b, GMainContext *ctx, GMutex *lock);

/*
 * Submit a read/write of the bytes described by iov (copied; the buffers
 * must stay valid until cb runs).  cb gets 0 or -errno.  Returns 0 when
 * queued; never calls cb synchronously.
 */
int blk_aio_preadv(struct block_backend *b, uint64_t off, const struct iovec *iov,
		   int niov, blk_complete_fn *cb, void *opaque);
int blk_aio_pwritev(struct block_backend *b, uint64_t off, const struct iovec *iov,
		    int niov, blk_complete_fn *cb, void *opaque);
int blk_aio_flush(struct block_backend *b, blk_complete_fn *cb, void *opaque);
int blk_aio_discard(struct block_backend *b, uint64_t off, uint64_t len,
		    blk_complete_fn *cb, void *opaque);

/*
 * Write cache state.  Off: each write is followed by a flush before it
 * completes (the state is sampled when a request is submitted).  The
 * default comes from the cache mode: off for writethrough and directsync.
 */
void blk_set_write_cache(struct block_backend *b, bool on);
bool blk_write_cache(struct block_backend *b);
bool blk_write_cache_default(struct block_backend *b);

/* Synchronous helpers: 0 or -errno (a short read past the end is -EIO). */
int blk_pread(struct block_backend *b, uint64_t off, void *buf, size_t len);
int blk_pwrite(struct block_backend *b, uint64_t off, const void *buf, size_t len);
int blk_preadv(struct block_backend *b, uint64_t off, const struct iovec *iov, int niov);
int blk_pwritev(struct block_backend *b, uint64_t off, const struct iovec *iov, int niov);
int blk_flush(struct block_backend *b);
int blk_discard(struct block_backend *b, uint64_t off, uint64_t len);
int64_t blk_length(struct block_backend *b);
bool blk_is_read_only(struct block_backend *b);
/* Wait (without the completions running) until no worker is busy. */
void blk_drain_workers(struct block_backend *b);
/*
 * Finish every request now: wait for the workers, then run the callbacks
 * still queued on the main loop (the caller holds ctx_lock).  After it
 * returns no callback of an earlier request runs again, so the device that
 * submitted them may free itself (hot-unplug).
 */
void blk_drain(struct block_backend *b);

/* The format driver's name: what was actually opened ("raw", "qcow2"). */
const char *blk_format(struct block_backend *b);

/*
 * Name the image format whose signature starts buf (block/probe.c), or
 * NULL for raw.  filename (may be NULL) lets name-only formats match.
 */
#define BLK_PROBE_SIZE 512
const char *blk_probe_buf(const uint8_t *buf, size_t len, const char *filename);

/* Parse "none", "writeback", ... ; false if unknown. */
bool blk_parse_cache_mode(const char *s, enum blk_cache_mode *out);

/* Drivers */
extern const struct block_driver blk_driver_raw;

/* Snapshot overlay (block/snapshot.c), used by blk_open. */
int blk_snapshot_create(struct block_backend *b, GError **err);
void blk_snapshot_destroy(struct block_backend *b);
int blk_snapshot_preadv(struct block_backend *b, uint64_t off, const struct iovec *iov,
			int niov);
int blk_snapshot_pwritev(struct block_backend *b, uint64_t off, const struct iovec *iov,
			 int niov);

/* Image locking (block/raw.c): QEMU-compatible OFD byte locks on fd. */
int blk_raw_lock(int fd, bool write, const char *path, GError **err);

#endif
