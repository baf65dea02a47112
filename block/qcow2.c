// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The qcow2 format driver (QEMU docs/interop/qcow2.txt, versions 2 and 3):
 * header and header extensions, the backing chain, the snapshot directory
 * (listed, never applied) and the block_driver entry points.  Every field
 * read from the file is validated before use; a bad image fails to open
 * with one clear message.  Refused: encryption, external data files,
 * extended L2 entries, zstd unless built
 * with libzstd (configure finds it), unknown incompatible features.  A corrupt-flagged image
 * opens read-only only.  A dirty image (lazy refcounts, not closed cleanly)
 * is read as is, and gets its refcounts rebuilt when opened read-write.  The cluster mapping is in qcow2-rw.c, caches and
 * refcounts in qcow2-cache.c, check in qcow2-check.c, creation in
 * qcow2-create.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#ifdef CONFIG_ZSTD
#include <zstd.h>
#endif
#include "block/qcow2.h"
#include "core/iov.h"

#define QCOW2_V2_HEADER 72
#define QCOW2_V3_HEADER 104
#define QCOW2_MAX_SNAP_TABLE (64u << 20)
#define QCOW2_MAX_SNAP_L1_TOTAL (16u << 20) /* entries over all snapshots */

/* ---- backing chain loop detection ---- */

static __thread GPtrArray *qcow2_chain;

bool qcow2_chain_enter(const char *path, GError **err)
{
	char *real = realpath(path, NULL);

	if (!real)
		real = g_strdup(path);
	if (!qcow2_chain)
		qcow2_chain = g_ptr_array_new_with_free_func(free);
	for (guint i = 0; i < qcow2_chain->len; i++) {
		if (!strcmp(qcow2_chain->pdata[i], real)) {
			g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
				    "'%s': backing file loop (the chain reaches this image again)",
				    path);
			free(real);
			return false;
		}
	}
	if (qcow2_chain->len >= QCOW2_MAX_CHAIN) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "'%s': backing chain deeper than %d images", path, QCOW2_MAX_CHAIN);
		free(real);
		return false;
	}
	g_ptr_array_add(qcow2_chain, real);
	return true;
}

void qcow2_chain_leave(void)
{
	if (qcow2_chain && qcow2_chain->len)
		g_ptr_array_remove_index(qcow2_chain, qcow2_chain->len - 1);
}

/* ---- header ---- */

static int qcow2_fail(GError **err, struct qcow2_state *s, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

static int qcow2_fail(GError **err, struct qcow2_state *s, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "'%s': %s", s->filename, msg);
	g_free(msg);
	return -EINVAL;
}

/* An [off, off+len) table inside the file, cluster aligned, not on the header. */
static bool qcow2_table_ok(struct qcow2_state *s, uint64_t off, uint64_t len)
{
	if (len == 0)
		return true;
	if (off & (s->cluster_size - 1) || off < s->cluster_size)
		return false;
	if (off > s->file_size || len > s->file_size - off)
		return false;
	return true;
}

static const char *qcow2_feature_name(const uint8_t *ftab, uint32_t flen, int type, int bit)
{
	static __thread char name[47];

	for (uint32_t i = 0; ftab && i + 48 <= flen; i += 48) {
		if (ftab[i] == type && ftab[i + 1] == bit) {
			memcpy(name, ftab + i + 2, 46);
			name[46] = 0;
			return name;
		}
	}
	return NULL;
}

static int qcow2_check_features(struct qcow2_state *s, const uint8_t *ftab, uint32_t flen,
				bool ro, GError **err)
{
	uint64_t known = QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT |
			 QCOW2_INCOMPAT_DATA_FILE | QCOW2_INCOMPAT_COMPRESSION |
			 QCOW2_INCOMPAT_EXTL2;
	uint64_t unknown = s->incompat & ~known;

	if (unknown) {
		int bit = __builtin_ctzll(unknown);
		const char *n = qcow2_feature_name(ftab, flen, 0, bit);

		return qcow2_fail(err, s, "unsupported qcow2 incompatible feature bit %d%s%s%s",
				  bit, n ? " (" : "", n ? n : "", n ? ")" : "");
	}
	if (s->incompat & QCOW2_INCOMPAT_DATA_FILE)
		return qcow2_fail(err, s, "qcow2 images with an external data file are not "
				  "supported (convert with qemu-img convert -O qcow2)");
	if (s->incompat & QCOW2_INCOMPAT_EXTL2)
		return qcow2_fail(err, s, "qcow2 extended L2 entries (subclusters) are not "
				  "supported (convert with qemu-img convert -O qcow2)");
	if ((s->incompat & QCOW2_INCOMPAT_CORRUPT) && !ro)
		return qcow2_fail(err, s, "the image is marked corrupt; it can only be opened "
				  "read-only (repair with 'qemu-img check -r all %s')",
				  s->filename);
	if (s->crypt_method)
		return qcow2_fail(err, s, "encrypted qcow2 images (%s) are not supported",
				  s->crypt_method == 1 ? "AES" :
				  s->crypt_method == 2 ? "LUKS" : "unknown method");
	return 0;
}

/* Header extensions in [start, end) of the first cluster. */
static int qcow2_read_exts(struct qcow2_state *s, const uint8_t *hdr, uint64_t start,
			   uint64_t end, const uint8_t **ftab, uint32_t *flen, GError **err)
{
	uint64_t p = start;

	while (p + 8 <= end) {
		uint32_t type = qcow2_be32(hdr + p), len = qcow2_be32(hdr + p + 4);

		p += 8;
		if (type == QCOW2_EXT_END)
			return 0;
		if (len > end - p)
			return qcow2_fail(err, s, "header extension 0x%08x runs past the header "
					  "area (%u bytes)", type, len);
		switch (type) {
		case QCOW2_EXT_BACKING_FMT:
			if (len == 0 || len > 63)
				return qcow2_fail(err, s, "bad backing format extension length %u",
						  len);
			g_free(s->backing_fmt);
			s->backing_fmt = g_strndup((const char *)hdr + p, len);
			break;
		case QCOW2_EXT_FEATURES:
			*ftab = hdr + p;
			*flen = len;
			break;
		case QCOW2_EXT_CRYPTO:
			return qcow2_fail(err, s, "encrypted qcow2 images are not supported");
		case QCOW2_EXT_DATA_FILE:
			return qcow2_fail(err, s, "qcow2 images with an external data file are not "
					  "supported");
		case QCOW2_EXT_BITMAPS:
			s->has_bitmaps = true;
			break;
		default:
			break; /* unknown: ignored */
		}
		p += (len + 7ull) & ~7ull;
	}
	return 0;
}

static int qcow2_parse_fields(struct qcow2_state *s, const uint8_t *h, GError **err)
{
	s->version = qcow2_be32(h + 4);
	if (qcow2_be32(h) != QCOW2_MAGIC)
		return qcow2_fail(err, s, "not a qcow2 image (bad magic)");
	if (s->version != 2 && s->version != 3)
		return qcow2_fail(err, s, "unsupported qcow2 version %u", s->version);
	s->cluster_bits = (int)qcow2_be32(h + 20);
	if (qcow2_be32(h + 20) < QCOW2_MIN_CLUSTER_BITS ||
	    qcow2_be32(h + 20) > QCOW2_MAX_CLUSTER_BITS)
		return qcow2_fail(err, s, "unsupported cluster size: 2^%u (512 B .. 2 MiB)",
				  qcow2_be32(h + 20));
	s->cluster_size = 1ull << s->cluster_bits;
	s->l2_bits = s->cluster_bits - 3;
	s->size = qcow2_be64(h + 24);
	s->crypt_method = qcow2_be32(h + 32);
	s->l1_size = qcow2_be32(h + 36);
	s->l1_offset = qcow2_be64(h + 40);
	s->rt_offset = qcow2_be64(h + 48);
	s->rt_clusters = qcow2_be32(h + 56);
	s->nb_snapshots = qcow2_be32(h + 60);
	s->snapshots_offset = qcow2_be64(h + 64);
	if (s->version == 2) {
		s->header_length = QCOW2_V2_HEADER;
		s->refcount_order = 4;
		return 0;
	}
	s->incompat = qcow2_be64(h + 72);
	s->compat = qcow2_be64(h + 80);
	s->autoclear = qcow2_be64(h + 88);
	s->refcount_order = (int)qcow2_be32(h + 96);
	s->header_length = qcow2_be32(h + 100);
	if (qcow2_be32(h + 96) > 6)
		return qcow2_fail(err, s, "bad refcount order %u (max 6)", qcow2_be32(h + 96));
	if (s->header_length < QCOW2_V3_HEADER || s->header_length % 8 ||
	    s->header_length > s->cluster_size)
		return qcow2_fail(err, s, "bad qcow2 header length %u", s->header_length);
	if (s->header_length > QCOW2_V3_HEADER)
		s->comp_type = h[104];
	if (!!(s->incompat & QCOW2_INCOMPAT_COMPRESSION) != (s->comp_type != 0))
		return qcow2_fail(err, s, "compression type %u disagrees with the compression "
				  "feature bit", s->comp_type);
	if (s->comp_type > QCOW2_COMP_ZSTD)
		return qcow2_fail(err, s, "unknown compression type %u", s->comp_type);
#ifndef CONFIG_ZSTD
	if (s->comp_type == QCOW2_COMP_ZSTD)
		return qcow2_fail(err, s, "zstd-compressed qcow2 images are not supported by "
				  "this build (no libzstd); convert with 'qemu-img convert -O qcow2 "
				  "-o compression_type=zlib'");
#endif
	return 0;
}

static int qcow2_check_geometry(struct qcow2_state *s, GError **err)
{
	uint64_t l2_cover = s->cluster_size << s->l2_bits; /* bytes per L1 entry */
	uint64_t need = (s->size + l2_cover - 1) / l2_cover;

	if (s->size > (1ull << 62))
		return qcow2_fail(err, s, "virtual size %llu is too large",
				  (unsigned long long)s->size);
	if ((uint64_t)s->l1_size * 8 > QCOW2_MAX_L1_BYTES)
		return qcow2_fail(err, s, "active L1 table too large (%u entries)", s->l1_size);
	if (s->l1_size < need)
		return qcow2_fail(err, s, "L1 table (%u entries) too small for the virtual size",
				  s->l1_size);
	if (!qcow2_table_ok(s, s->l1_offset, (uint64_t)s->l1_size * 8))
		return qcow2_fail(err, s, "L1 table offset 0x%llx invalid (misaligned, on the "
				  "header or past the end of the file)",
				  (unsigned long long)s->l1_offset);
	if (s->rt_clusters == 0 || (uint64_t)s->rt_clusters * s->cluster_size >
	    QCOW2_MAX_RT_BYTES)
		return qcow2_fail(err, s, "bad refcount table size (%u clusters)",
				  s->rt_clusters);
	if (!qcow2_table_ok(s, s->rt_offset, (uint64_t)s->rt_clusters * s->cluster_size))
		return qcow2_fail(err, s, "refcount table offset 0x%llx invalid (misaligned, on "
				  "the header or past the end of the file)",
				  (unsigned long long)s->rt_offset);
	if (s->nb_snapshots > QCOW2_MAX_SNAPSHOTS)
		return qcow2_fail(err, s, "too many snapshots (%u)", s->nb_snapshots);
	if (s->nb_snapshots && !qcow2_table_ok(s, s->snapshots_offset, 40))
		return qcow2_fail(err, s, "snapshot table offset invalid");
	s->rpb = (s->cluster_size * 8) >> s->refcount_order;
	s->refcount_max = s->refcount_order == 6 ? UINT64_MAX :
			  (1ull << (1 << s->refcount_order)) - 1;
	return 0;
}

static int qcow2_read_tables(struct qcow2_state *s, GError **err)
{
	uint64_t rt_bytes = (uint64_t)s->rt_clusters * s->cluster_size;

	s->l1 = g_try_malloc0(MAX((uint64_t)s->l1_size * 8, 8));
	s->rt_entries = rt_bytes / 8;
	s->rt = g_try_malloc0(rt_bytes);
	if (!s->l1 || !s->rt)
		return qcow2_fail(err, s, "out of memory for the L1/refcount tables");
	if (s->l1_size && qcow2_pread(s, s->l1_offset, s->l1, (uint64_t)s->l1_size * 8))
		return qcow2_fail(err, s, "could not read the L1 table");
	if (qcow2_pread(s, s->rt_offset, s->rt, rt_bytes))
		return qcow2_fail(err, s, "could not read the refcount table");
	for (uint32_t i = 0; i < s->l1_size; i++)
		s->l1[i] = qcow2_be64(&s->l1[i]);
	for (uint64_t i = 0; i < s->rt_entries; i++) {
		s->rt[i] = qcow2_be64(&s->rt[i]);
		if ((s->rt[i] & (s->cluster_size - 1)) ||
		    (s->rt[i] && s->rt[i] < s->cluster_size))
			return qcow2_fail(err, s, "refcount table entry %llu is invalid (0x%llx)",
					  (unsigned long long)i, (unsigned long long)s->rt[i]);
	}
	s->l1_dirty_lo = s->l1_size;
	s->l1_dirty_hi = 0;
	s->rt_dirty_lo = s->rt_entries;
	s->rt_dirty_hi = 0;
	return 0;
}

static char *qcow2_strn(const uint8_t *p, size_t n)
{
	return g_strndup((const char *)p, n);
}

/* Snapshot directory (listed by kvmpc-img snapshot -l and info). */
static int qcow2_read_snapshots(struct qcow2_state *s, GError **err)
{
	uint64_t off = s->snapshots_offset, l1_total = 0;
	uint8_t h[40], extra[24];

	s->snapshots = g_new0(struct qcow2_snapshot, s->nb_snapshots ? s->nb_snapshots : 1);
	for (uint32_t i = 0; i < s->nb_snapshots; i++) {
		struct qcow2_snapshot *sn = &s->snapshots[i];
		uint32_t extra_len, id_len, name_len;
		uint8_t *strs;

		if (off - s->snapshots_offset > QCOW2_MAX_SNAP_TABLE ||
		    qcow2_pread(s, off, h, sizeof(h)))
			return qcow2_fail(err, s, "snapshot table is truncated or too large");
		sn->l1_offset = qcow2_be64(h);
		sn->l1_size = qcow2_be32(h + 8);
		id_len = qcow2_be16(h + 12);
		name_len = qcow2_be16(h + 14);
		sn->date_sec = qcow2_be32(h + 16);
		sn->date_nsec = qcow2_be32(h + 20);
		sn->vm_clock_ns = qcow2_be64(h + 24);
		sn->vm_state_size = qcow2_be32(h + 32);
		extra_len = qcow2_be32(h + 36);
		if (extra_len > 1024)
			return qcow2_fail(err, s, "snapshot %u: extra data too large", i);
		off += 40;
		memset(extra, 0, sizeof(extra));
		if (qcow2_pread(s, off, extra, MIN(extra_len, sizeof(extra))))
			return qcow2_fail(err, s, "snapshot %u: truncated", i);
		if (extra_len >= 8)
			sn->vm_state_size = qcow2_be64(extra);
		sn->disk_size = extra_len >= 16 ? qcow2_be64(extra + 8) : s->size;
		sn->icount = extra_len >= 24 ? qcow2_be64(extra + 16) : UINT64_MAX;
		off += extra_len;
		strs = g_malloc(id_len + name_len + 1);
		if (qcow2_pread(s, off, strs, id_len + name_len)) {
			g_free(strs);
			return qcow2_fail(err, s, "snapshot %u: truncated", i);
		}
		sn->id = qcow2_strn(strs, id_len);
		sn->name = qcow2_strn(strs + id_len, name_len);
		g_free(strs);
		off += id_len + name_len;
		off = (off + 7) & ~7ull;
		s->snapshots_size = off - s->snapshots_offset;
		l1_total += sn->l1_size;
		if (l1_total > QCOW2_MAX_SNAP_L1_TOTAL)
			return qcow2_fail(err, s, "snapshot L1 tables too large in total");
		if ((uint64_t)sn->l1_size * 8 > QCOW2_MAX_L1_BYTES ||
		    !qcow2_table_ok(s, sn->l1_offset, (uint64_t)sn->l1_size * 8))
			return qcow2_fail(err, s, "snapshot %u: bad L1 table", i);
	}
	return 0;
}

static int qcow2_open_backing(struct qcow2_state *s, const struct blk_config *cfg,
			      GError **err)
{
	struct blk_config bc = {
		.format = s->backing_fmt,
		.read_only = true,
		.cache = BLK_CACHE_WRITEBACK,
		.no_lock = cfg->no_lock,
	};
	GError *local = NULL;

	if (g_path_is_absolute(s->backing_name)) {
		s->backing_path = g_strdup(s->backing_name);
	} else {
		char *dir = g_path_get_dirname(s->filename);

		s->backing_path = strcmp(dir, ".") ? g_build_filename(dir, s->backing_name, NULL)
						   : g_strdup(s->backing_name);
		g_free(dir);
	}
	if (s->backing_fmt && strcmp(s->backing_fmt, "raw") && strcmp(s->backing_fmt, "qcow2"))
		return qcow2_fail(err, s, "backing file format '%s' is not supported",
				  s->backing_fmt);
	bc.filename = s->backing_path;
	s->backing = blk_open(&bc, &local);
	if (!s->backing) {
		qcow2_fail(err, s, "could not open backing file: %s", local->message);
		g_error_free(local);
		return -EINVAL;
	}
	s->backing_len = blk_length(s->backing);
	return 0;
}

static int qcow2_read_header(struct qcow2_state *s, bool ro, GError **err)
{
	uint8_t first[QCOW2_V3_HEADER + 8] = { 0 };
	g_autofree uint8_t *hdr = NULL;
	uint64_t hlen, boff, ext_end;
	uint32_t bsize, flen = 0;
	const uint8_t *ftab = NULL;
	struct stat st;

	if (fstat(s->fd, &st) < 0)
		return qcow2_fail(err, s, "cannot stat: %s", g_strerror(errno));
	s->file_size = st.st_size;
	if (s->file_size < QCOW2_V2_HEADER || qcow2_pread(s, 0, first, MIN(sizeof(first),
							 s->file_size)))
		return qcow2_fail(err, s, "qcow2 header truncated (the file has %llu bytes)",
				  (unsigned long long)s->file_size);
	if (qcow2_parse_fields(s, first, err) < 0)
		return -EINVAL;
	hlen = MIN(s->cluster_size, s->file_size);
	hdr = g_malloc0(s->cluster_size);
	if (qcow2_pread(s, 0, hdr, hlen))
		return qcow2_fail(err, s, "cannot read the header cluster");
	boff = qcow2_be64(hdr + 8);
	bsize = qcow2_be32(hdr + 16);
	ext_end = s->cluster_size;
	if (boff) {
		if (boff >= s->cluster_size || bsize > QCOW2_MAX_BACKING_NAME || bsize == 0 ||
		    bsize > s->cluster_size - boff || boff < s->header_length)
			return qcow2_fail(err, s, "invalid backing file name (offset %llu, length "
					  "%u)", (unsigned long long)boff, bsize);
		s->backing_name = qcow2_strn(hdr + boff, bsize);
		if (strlen(s->backing_name) != bsize)
			return qcow2_fail(err, s, "backing file name contains a NUL byte");
		ext_end = boff;
	}
	if (qcow2_read_exts(s, hdr, s->header_length, ext_end, &ftab, &flen, err) < 0)
		return -EINVAL;
	if (qcow2_check_features(s, ftab, flen, ro, err) < 0)
		return -EINVAL;
	return qcow2_check_geometry(s, err);
}

static int qcow2_set_caches(struct qcow2_state *s)
{
	int n_l2 = (int)CLAMP((4u << 20) >> s->cluster_bits, 8, 256);
	int n_rb = (int)CLAMP((1u << 20) >> s->cluster_bits, 4, 64);

	s->pending_free = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	s->dec_buf = g_malloc(s->cluster_size);
	s->cbuf = g_malloc(s->cluster_size * 2 + 512);
	s->wbuf = g_malloc(s->cluster_size);
	s->dec_entry = 0;
	if (qcow2_cache_init(&s->l2_cache, n_l2, s->cluster_size) ||
	    qcow2_cache_init(&s->rb_cache, n_rb, s->cluster_size))
		return -ENOMEM;
	return 0;
}

/* Clear autoclear bits we do not maintain before writing anything. */
static int qcow2_clear_autoclear(struct qcow2_state *s)
{
	uint8_t z[8] = { 0 };

	if (s->version < 3 || !s->autoclear)
		return 0;
	s->autoclear = 0;
	if (qcow2_pwrite(s, 88, z, 8) || qcow2_sync(s))
		return -EIO;
	return 0;
}

static void qcow2_free_state(struct qcow2_state *s)
{
	if (s->backing)
		blk_close(s->backing);
	s->backing = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	qcow2_cache_free(&s->l2_cache);
	qcow2_cache_free(&s->rb_cache);
	for (uint32_t i = 0; s->snapshots && i < s->nb_snapshots; i++) {
		g_free(s->snapshots[i].id);
		g_free(s->snapshots[i].name);
	}
	g_clear_pointer(&s->snapshots, g_free);
	if (s->pending_free)
		g_array_free(s->pending_free, TRUE);
	s->pending_free = NULL;
	g_clear_pointer(&s->l1, g_free);
	g_clear_pointer(&s->rt, g_free);
	g_clear_pointer(&s->dec_buf, g_free);
	g_clear_pointer(&s->cbuf, g_free);
	g_clear_pointer(&s->wbuf, g_free);
#ifdef CONFIG_ZSTD
	ZSTD_freeDCtx(s->zstd);
	s->zstd = NULL;
#endif
	g_clear_pointer(&s->backing_name, g_free);
	g_clear_pointer(&s->backing_path, g_free);
	g_clear_pointer(&s->backing_fmt, g_free);
	g_clear_pointer(&s->filename, g_free);
	if (s->err)
		g_clear_error(&s->err);
}

static int qcow2_open_fd(struct qcow2_state *s, const struct blk_config *cfg, GError **err)
{
	s->fd = open(cfg->filename, (s->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (s->fd < 0) {
		int e = errno;

		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
			    "Could not open '%s': %s", cfg->filename, g_strerror(e));
		return -e;
	}
	if (!cfg->no_lock && blk_raw_lock(s->fd, !s->read_only, cfg->filename, err) < 0)
		return -EAGAIN;
	return 0;
}

static int qcow2_open(struct block_backend *b, const struct blk_config *cfg, GError **err)
{
	struct qcow2_state *s = b->opaque;
	int ret;

	g_mutex_init(&s->lock);
	s->fd = -1;
	s->filename = g_strdup(cfg->filename);
	s->read_only = cfg->read_only || cfg->snapshot;
	s->no_sync = cfg->cache == BLK_CACHE_UNSAFE;
	if (!qcow2_chain_enter(cfg->filename, err)) {
		qcow2_free_state(s);
		return -ELOOP;
	}
	ret = qcow2_open_fd(s, cfg, err);
	if (!ret)
		ret = qcow2_read_header(s, s->read_only, err);
	if (!ret)
		ret = qcow2_read_tables(s, err);
	if (!ret && s->nb_snapshots)
		ret = qcow2_read_snapshots(s, err);
	if (!ret && !s->read_only && (s->incompat & QCOW2_INCOMPAT_DIRTY)) {
		/* As QEMU: a dirty image gets its refcounts rebuilt before use. */
		ret = qcow2_rebuild_refcounts(s, err);
		if (!ret)
			fprintf(stderr, "qcow2: '%s' was not closed cleanly (lazy refcounts): "
				"refcounts rebuilt\n", s->filename);
	}
	if (!ret)
		ret = qcow2_set_caches(s);
	if (!ret && s->backing_name)
		ret = qcow2_open_backing(s, cfg, err);
	if (!ret && !s->read_only && qcow2_clear_autoclear(s) < 0)
		ret = qcow2_fail(err, s, "cannot update the header");
	qcow2_chain_leave();
	if (ret) {
		if (err && !*err)
			qcow2_fail(err, s, "cannot open the qcow2 image");
		qcow2_free_state(s);
		return ret < 0 ? ret : -EINVAL;
	}
	return 0;
}

/* Write size, L1 and refcount table fields of the header (resize, growth). */
int qcow2_write_header_fields(struct qcow2_state *s)
{
	uint8_t h[36];

	qcow2_put64(h, s->size);
	qcow2_put32(h + 8, s->crypt_method);
	qcow2_put32(h + 12, s->l1_size);
	qcow2_put64(h + 16, s->l1_offset);
	qcow2_put64(h + 24, s->rt_offset);
	qcow2_put32(h + 32, s->rt_clusters);
	if (qcow2_sync(s) || qcow2_pwrite(s, 24, h, sizeof(h)) || qcow2_sync(s))
		return -EIO;
	return 0;
}

static bool qcow2_range_ok(struct qcow2_state *s, uint64_t off, size_t len)
{
	return off <= s->size && len <= s->size - off;
}

static int qcow2_drv_preadv(struct block_backend *b, uint64_t off, const struct iovec *iov,
			    int niov)
{
	struct qcow2_state *s = b->opaque;
	int ret;

	size_t len = iov_size(iov, niov);
	uint64_t host;

	if (!qcow2_range_ok(s, off, len))
		return -EIO;
	g_mutex_lock(&s->lock);
	if (len && qcow2_map_contiguous(s, off, len, &host) == 1) {
		/* Plain data: read it without holding up other requests. */
		g_atomic_int_inc(&s->unlocked_io);
		g_mutex_unlock(&s->lock);
		ret = qcow2_read_host_unlocked(s, host, iov, niov);
		g_atomic_int_dec_and_test(&s->unlocked_io);
		return ret;
	}
	ret = qcow2_do_preadv(s, off, iov, niov);
	g_mutex_unlock(&s->lock);
	return ret;
}

static int qcow2_drv_pwritev(struct block_backend *b, uint64_t off, const struct iovec *iov,
			     int niov)
{
	struct qcow2_state *s = b->opaque;
	int ret;

	if (s->read_only)
		return -EROFS;
	if (!qcow2_range_ok(s, off, iov_size(iov, niov)))
		return -EIO;
	g_mutex_lock(&s->lock);
	ret = qcow2_do_pwritev(s, off, iov, niov);
	g_mutex_unlock(&s->lock);
	return ret;
}

static int qcow2_drv_flush(struct block_backend *b)
{
	struct qcow2_state *s = b->opaque;
	int ret = 0;

	if (s->read_only)
		return 0;
	g_mutex_lock(&s->lock);
	ret = qcow2_meta_flush(s);
	if (!ret && s->meta_dirty)
		ret = qcow2_sync(s);
	if (!ret)
		s->meta_dirty = false;
	g_mutex_unlock(&s->lock);
	return ret;
}

static int qcow2_drv_discard(struct block_backend *b, uint64_t off, uint64_t len)
{
	struct qcow2_state *s = b->opaque;
	int ret;

	if (s->read_only)
		return -EROFS;
	if (!qcow2_range_ok(s, off, len))
		return -EIO;
	g_mutex_lock(&s->lock);
	ret = qcow2_do_discard(s, off, len);
	g_mutex_unlock(&s->lock);
	return ret;
}

static int64_t qcow2_drv_length(struct block_backend *b)
{
	struct qcow2_state *s = b->opaque;

	return (int64_t)s->size;
}

static void qcow2_drv_close(struct block_backend *b)
{
	struct qcow2_state *s = b->opaque;

	if (s->fd < 0 && !s->filename)
		return;
	if (!s->read_only && s->fd >= 0)
		qcow2_drv_flush(b);
	qcow2_free_state(s);
	g_mutex_clear(&s->lock);
}

struct qcow2_state *qcow2_state_of(struct block_backend *b)
{
	return b && b->drv == &blk_driver_qcow2 ? b->opaque : NULL;
}

const struct block_driver blk_driver_qcow2 = {
	.format = "qcow2",
	.state_size = sizeof(struct qcow2_state),
	.open = qcow2_open,
	.preadv = qcow2_drv_preadv,
	.pwritev = qcow2_drv_pwritev,
	.flush = qcow2_drv_flush,
	.discard = qcow2_drv_discard,
	.length = qcow2_drv_length,
	.close = qcow2_drv_close,
};
