/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 image format (QEMU docs/interop/qcow2.txt): internal interface
 * shared by block/qcow2*.c and tools/kvmpc-img.c.
 *
 * Metadata lives in write-back caches (L2 tables, refcount blocks) and in
 * memory copies of the L1 and refcount tables.  qcow2_meta_flush writes it
 * in crash-safe order: refcount blocks, sync, refcount table, sync, L2
 * tables, sync, L1, sync, then deferred refcount decrements.  A crash at any
 * point therefore leaves at worst leaked clusters.
 */
#ifndef BLOCK_QCOW2_H
#define BLOCK_QCOW2_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <glib.h>
#include "block/block.h"

#define QCOW2_MAGIC 0x514649fbu
#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21
#define QCOW2_MAX_L1_BYTES (32u << 20)
#define QCOW2_MAX_RT_BYTES (8u << 20)
#define QCOW2_MAX_BACKING_NAME 1023
#define QCOW2_MAX_CHAIN 32
#define QCOW2_MAX_SNAPSHOTS 65536

/* Incompatible, compatible and autoclear feature bits */
#define QCOW2_INCOMPAT_DIRTY (1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT (1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE (1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ull << 3)
#define QCOW2_INCOMPAT_EXTL2 (1ull << 4)
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ull << 0)

/* Header extension types */
#define QCOW2_EXT_END 0
#define QCOW2_EXT_BACKING_FMT 0xe2792acau
#define QCOW2_EXT_FEATURES 0x6803f857u
#define QCOW2_EXT_BITMAPS 0x23852875u
#define QCOW2_EXT_CRYPTO 0x0537be77u
#define QCOW2_EXT_DATA_FILE 0x44415441u

/* Table entries */
#define QCOW2_OFLAG_COPIED (1ull << 63)
#define QCOW2_OFLAG_COMPRESSED (1ull << 62)
#define QCOW2_OFLAG_ZERO 1ull
#define QCOW2_OFFSET_MASK 0x00fffffffffffe00ull
#define QCOW2_L1_RESERVED 0x7f000000000001ffull
#define QCOW2_L2_RESERVED 0x3f000000000001feull
#define QCOW2_RT_RESERVED 0x1ffull

enum qcow2_compression { QCOW2_COMP_ZLIB = 0, QCOW2_COMP_ZSTD = 1 };

struct qcow2_cache_entry {
	uint64_t offset;   /* 0: free slot */
	uint8_t *data;
	bool dirty;
	uint64_t lru;
};

struct qcow2_cache {
	struct qcow2_cache_entry *e;
	int n;
	uint64_t tick;
};

struct qcow2_snapshot {
	uint64_t l1_offset;
	uint32_t l1_size;
	char *id;
	char *name;
	uint32_t date_sec, date_nsec;
	uint64_t vm_clock_ns;
	uint64_t vm_state_size;
	uint64_t disk_size;
	uint64_t icount;
};

struct qcow2_state {
	GMutex lock;
	int fd;
	bool read_only;
	bool no_sync;          /* cache=unsafe: fdatasync is skipped */
	char *filename;
	GError *err;           /* first metadata error seen (logged once) */

	uint32_t version;
	uint32_t header_length;
	int cluster_bits;
	uint64_t cluster_size;
	int l2_bits;           /* log2 of L2 entries per table */
	uint64_t size;         /* virtual disk size */
	uint64_t incompat, compat, autoclear;
	enum qcow2_compression comp_type;
	uint32_t crypt_method;

	uint32_t l1_size;
	uint64_t l1_offset;
	uint64_t *l1;          /* host endian */
	uint32_t l1_dirty_lo, l1_dirty_hi; /* [lo, hi) */

	int refcount_order;
	uint64_t rpb;          /* refcounts per refcount block */
	uint64_t refcount_max;
	uint64_t rt_offset;
	uint32_t rt_clusters;
	uint64_t rt_entries;
	uint64_t *rt;
	uint64_t rt_dirty_lo, rt_dirty_hi;

	struct qcow2_cache l2_cache;
	struct qcow2_cache rb_cache;
	GArray *pending_free;  /* host cluster offsets to decrement after L2 sync */
	uint64_t free_hint;    /* first cluster index that may be free */
	uint64_t alloc_lo, alloc_hi; /* run being allocated (clusters) */
	uint64_t file_size;
	bool flushing;
	int unlocked_io;        /* reads in progress without s->lock (atomic) */
	bool meta_dirty;       /* data or metadata written since the last sync */

	/* compressed clusters written by convert -c share host clusters */
	uint64_t comp_cursor;  /* next free byte, 0: none */

	/* one decompressed cluster */
	uint8_t *dec_buf;
	uint64_t dec_entry;
	uint8_t *cbuf;         /* compressed input / scratch, 2 clusters */
	uint8_t *wbuf;         /* one cluster for copy-on-write */
	void *zstd;            /* ZSTD_DCtx, created on first use */

	/* backing file */
	char *backing_name;    /* as stored in the image */
	char *backing_path;    /* resolved against the image's directory */
	char *backing_fmt;
	struct block_backend *backing;
	int64_t backing_len;

	uint32_t nb_snapshots;
	uint64_t snapshots_offset;
	uint64_t snapshots_size;  /* bytes of the snapshot table */
	struct qcow2_snapshot *snapshots;

	bool has_bitmaps;
};

extern const struct block_driver blk_driver_qcow2;

/* Big-endian helpers */
static inline uint64_t qcow2_be64(const void *p)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static inline uint32_t qcow2_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline uint16_t qcow2_be16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline void qcow2_put64(void *p, uint64_t v)
{
	uint8_t *b = p;

	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}

static inline void qcow2_put32(void *p, uint32_t v)
{
	uint8_t *b = p;

	for (int i = 3; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}

static inline void qcow2_put16(void *p, uint16_t v)
{
	uint8_t *b = p;

	b[0] = v >> 8;
	b[1] = (uint8_t)v;
}

/* qcow2-io.c: file access */
int qcow2_pread(struct qcow2_state *s, uint64_t off, void *buf, size_t len);
int qcow2_pwrite(struct qcow2_state *s, uint64_t off, const void *buf, size_t len);
int qcow2_sync(struct qcow2_state *s);
/* Record a corruption (first message kept, logged to stderr); returns -EIO. */
int qcow2_corrupt(struct qcow2_state *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* qcow2-cache.c: caches, refcounts, allocation, ordered metadata flush */
int qcow2_cache_init(struct qcow2_cache *c, int n, uint64_t cluster_size);
void qcow2_cache_free(struct qcow2_cache *c);
/* Table cluster at off (read from disk, or zero-filled when fresh). */
int qcow2_cache_get(struct qcow2_state *s, struct qcow2_cache *c, uint64_t off, bool fresh,
		    uint8_t **out);
void qcow2_cache_mark_dirty(struct qcow2_cache *c, const uint8_t *data);
int qcow2_get_refcount(struct qcow2_state *s, uint64_t cluster, uint64_t *out);
/* Set entry i of refcount block rb (any width). */
void qcow2_rb_set(struct qcow2_state *s, uint8_t *rb, uint64_t i, uint64_t v);
int qcow2_update_refcount(struct qcow2_state *s, uint64_t cluster, int delta);
/* Allocate n contiguous clusters (refcount 1); returns the host offset or -errno. */
int64_t qcow2_alloc_clusters(struct qcow2_state *s, uint64_t n);
/* Decrement later, after the L2/L1 tables that dropped the reference are durable. */
void qcow2_free_later(struct qcow2_state *s, uint64_t host_off, uint64_t nclusters);
int qcow2_meta_flush(struct qcow2_state *s);
void qcow2_l1_mark_dirty(struct qcow2_state *s, uint32_t idx);
int qcow2_grow_l1(struct qcow2_state *s, uint64_t min_entries);

/* qcow2-rw.c: guest reads and writes */
int qcow2_do_preadv(struct qcow2_state *s, uint64_t off, const struct iovec *iov, int niov);
/*
 * Reads of allocated data run without s->lock: map under the lock, count
 * the read in s->unlocked_io, read.  Deferred frees wait while any runs.
 */
int qcow2_map_contiguous(struct qcow2_state *s, uint64_t off, size_t len, uint64_t *host);
int qcow2_read_host_unlocked(struct qcow2_state *s, uint64_t host, const struct iovec *iov,
			     int niov);
int qcow2_do_pwritev(struct qcow2_state *s, uint64_t off, const struct iovec *iov, int niov);
int qcow2_do_discard(struct qcow2_state *s, uint64_t off, uint64_t len);
/* Write one whole guest cluster compressed (convert -c); falls back to plain. */
int qcow2_write_compressed(struct block_backend *b, uint64_t off, const void *buf);
int qcow2_preallocate(struct block_backend *b, bool full);
/* Host range of a compressed L2 entry. */
void qcow2_compressed_range(struct qcow2_state *s, uint64_t entry, uint64_t *off,
			    uint64_t *len);

/* qcow2-check.c: consistency check (qemu-img check) */
struct qcow2_check_result {
	uint64_t corruptions, leaks, check_errors;
	uint64_t image_end;
	uint64_t total_clusters, allocated_clusters, compressed_clusters;
	uint64_t fragmented_clusters;
};
int qcow2_check(struct block_backend *b, struct qcow2_check_result *r, FILE *log);
/* Dirty image opened read-write: recount every reference, write new refcounts. */
int qcow2_rebuild_refcounts(struct qcow2_state *s, GError **err);
/* Check, then rebuild the refcounts if leaks or refcount errors were found. */
int qcow2_repair(struct block_backend *b, struct qcow2_check_result *before, FILE *log);

/* qcow2-create.c: create and resize */
struct qcow2_create_opts {
	uint64_t size;
	int cluster_bits;
	int version;          /* 2 or 3 */
	int refcount_order;
	const char *backing;
	const char *backing_fmt;
	bool lazy_refcounts;
	enum { QCOW2_PREALLOC_OFF, QCOW2_PREALLOC_METADATA, QCOW2_PREALLOC_FULL } prealloc;
};
int qcow2_create(const char *path, const struct qcow2_create_opts *o, GError **err);
int qcow2_resize(struct block_backend *b, uint64_t new_size, GError **err);
struct qcow2_state *qcow2_state_of(struct block_backend *b);

/* qcow2.c: header */
int qcow2_write_header_fields(struct qcow2_state *s);

/* Chain-open loop detection (qcow2.c) */
bool qcow2_chain_enter(const char *path, GError **err);
void qcow2_chain_leave(void);

#endif
