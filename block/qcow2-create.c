// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Creating qcow2 images (v2 "compat=0.10" or v3 "compat=1.1", any cluster
 * size 512 B..2 MiB, any refcount width, optional backing file and backing
 * format extension, lazy_refcounts flag) laid out like qemu-img does:
 * header, refcount table, refcount blocks, L1 table.  Preallocation of
 * metadata (every L2 table and cluster allocated, reading zeros) or full
 * (clusters also allocated in the file system).  Growing an image's
 * virtual size (the L1 table is moved when it must grow).  No shrinking.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "block/qcow2.h"
#include "core/rw.h"

#define QCOW2_CREATE_HEADER_V3 112

struct qcow2_layout {
	uint64_t cs, rpb;
	uint64_t l1_entries, l1_c, rt_c, rb_c, total;
};

static int qcow2_plan(const struct qcow2_create_opts *o, struct qcow2_layout *L)
{
	uint64_t cover;

	L->cs = 1ull << o->cluster_bits;
	L->rpb = (L->cs * 8) >> o->refcount_order;
	cover = L->cs * (L->cs / 8);
	L->l1_entries = (o->size + cover - 1) / cover;
	if (L->l1_entries * 8 > QCOW2_MAX_L1_BYTES)
		return -EFBIG;
	L->l1_c = MAX(1, (L->l1_entries * 8 + L->cs - 1) / L->cs);
	L->rt_c = 1;
	L->rb_c = 1;
	for (int i = 0; i < 64; i++) {
		uint64_t total = 1 + L->rt_c + L->rb_c + L->l1_c;
		uint64_t rb = (total + L->rpb - 1) / L->rpb;
		uint64_t rt = MAX(1, (rb * 8 + L->cs - 1) / L->cs);

		if (rb == L->rb_c && rt == L->rt_c) {
			L->total = total;
			return 0;
		}
		L->rb_c = rb;
		L->rt_c = rt;
	}
	return -EINVAL;
}

static size_t qcow2_put_ext(uint8_t *p, uint32_t type, const void *data, uint32_t len)
{
	qcow2_put32(p, type);
	qcow2_put32(p + 4, len);
	memcpy(p + 8, data, len);
	return 8 + ((len + 7) & ~7u);
}

static void qcow2_build_header(const struct qcow2_create_opts *o,
			       const struct qcow2_layout *L, uint8_t *h)
{
	uint64_t l1_off = (1 + L->rt_c + L->rb_c) * L->cs;
	size_t p;

	qcow2_put32(h, QCOW2_MAGIC);
	qcow2_put32(h + 4, (uint32_t)o->version);
	qcow2_put32(h + 20, (uint32_t)o->cluster_bits);
	qcow2_put64(h + 24, o->size);
	qcow2_put32(h + 36, (uint32_t)L->l1_entries);
	qcow2_put64(h + 40, l1_off);
	qcow2_put64(h + 48, L->cs);
	qcow2_put32(h + 56, (uint32_t)L->rt_c);
	p = 72;
	if (o->version >= 3) {
		qcow2_put64(h + 80, o->lazy_refcounts ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0);
		qcow2_put32(h + 96, (uint32_t)o->refcount_order);
		qcow2_put32(h + 100, QCOW2_CREATE_HEADER_V3);
		p = QCOW2_CREATE_HEADER_V3;
	}
	if (o->backing_fmt)
		p += qcow2_put_ext(h + p, QCOW2_EXT_BACKING_FMT, o->backing_fmt,
				   (uint32_t)strlen(o->backing_fmt));
	p += 8; /* end of extensions (zeros) */
	if (o->backing) {
		qcow2_put64(h + 8, p);
		qcow2_put32(h + 16, (uint32_t)strlen(o->backing));
		memcpy(h + p, o->backing, strlen(o->backing));
	}
}

static void qcow2_set_rc(int order, uint8_t *rb, uint64_t i)
{
	switch (order) {
	case 3: rb[i] = 1; break;
	case 4: qcow2_put16(rb + i * 2, 1); break;
	case 5: qcow2_put32(rb + i * 4, 1); break;
	case 6: qcow2_put64(rb + i * 8, 1); break;
	default: rb[(i << order) / 8] |= (uint8_t)(1u << ((i << order) % 8)); break;
	}
}

static int qcow2_write_all(int fd, uint64_t off, const void *buf, size_t len)
{
	ssize_t r = rw_pwrite_full(fd, buf, len, off);

	return r < 0 ? r : 0;
}

static int qcow2_check_opts(const struct qcow2_create_opts *o, GError **err)
{
	const char *why = NULL;

	if (o->cluster_bits < QCOW2_MIN_CLUSTER_BITS || o->cluster_bits > QCOW2_MAX_CLUSTER_BITS)
		why = "cluster size must be a power of two between 512 and 2097152";
	else if (o->version != 2 && o->version != 3)
		why = "compat must be 0.10 or 1.1";
	else if (o->refcount_order < 0 || o->refcount_order > 6 ||
		 (o->version == 2 && o->refcount_order != 4))
		why = "refcount_bits must be a power of two up to 64 (16 for compat=0.10)";
	else if (o->size % 512)
		why = "image size must be a multiple of 512 bytes";
	else if (o->backing && strlen(o->backing) > QCOW2_MAX_BACKING_NAME)
		why = "backing file name too long";
	else if (o->backing_fmt && strlen(o->backing_fmt) > 63)
		why = "backing format name too long";
	else if (o->lazy_refcounts && o->version < 3)
		why = "lazy refcounts need compat=1.1";
	if (why) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s", why);
		return -EINVAL;
	}
	return 0;
}

static int qcow2_write_layout(int fd, const struct qcow2_create_opts *o,
			      const struct qcow2_layout *L)
{
	g_autofree uint8_t *h = g_malloc0(L->cs);
	g_autofree uint8_t *rt = g_malloc0(L->rt_c * L->cs);
	g_autofree uint8_t *rb = g_malloc0(L->rb_c * L->cs);
	int ret;

	qcow2_build_header(o, L, h);
	for (uint64_t i = 0; i < L->rb_c; i++)
		qcow2_put64(rt + i * 8, (1 + L->rt_c + i) * L->cs);
	for (uint64_t c = 0; c < L->total; c++)
		qcow2_set_rc(o->refcount_order, rb + (c / L->rpb) * L->cs, c % L->rpb);
	if (ftruncate(fd, 0) < 0)
		return -errno;
	ret = qcow2_write_all(fd, L->cs, rt, L->rt_c * L->cs);
	if (!ret)
		ret = qcow2_write_all(fd, (1 + L->rt_c) * L->cs, rb, L->rb_c * L->cs);
	if (!ret && ftruncate(fd, L->total * L->cs) < 0)
		ret = -errno;
	if (!ret)
		ret = qcow2_write_all(fd, 0, h, L->cs);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	return ret;
}

static int qcow2_prealloc(const char *path, bool full, GError **err)
{
	struct blk_config cfg = { .filename = path, .format = "qcow2" };
	struct block_backend *b = blk_open(&cfg, err);
	int ret;

	if (!b)
		return -EIO;
	ret = qcow2_preallocate(b, full);
	blk_close(b);
	if (ret)
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_IO, "preallocation failed: %s",
			    g_strerror(-ret));
	return ret;
}

int qcow2_create(const char *path, const struct qcow2_create_opts *o, GError **err)
{
	struct qcow2_layout L;
	int fd, ret;

	if (qcow2_check_opts(o, err))
		return -EINVAL;
	ret = qcow2_plan(o, &L);
	if (ret) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "image size too large for cluster size %llu",
			    1ull << o->cluster_bits);
		return ret;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(-ret),
			    "Could not create '%s': %s", path, g_strerror(-ret));
		return ret;
	}
	ret = blk_raw_lock(fd, true, path, err);
	if (!ret) {
		ret = qcow2_write_layout(fd, o, &L);
		if (ret)
			g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_IO,
				    "Could not write '%s': %s", path, g_strerror(-ret));
	}
	close(fd);
	if (!ret && o->prealloc != QCOW2_PREALLOC_OFF)
		ret = qcow2_prealloc(path, o->prealloc == QCOW2_PREALLOC_FULL, err);
	return ret;
}

int qcow2_resize(struct block_backend *b, uint64_t new_size, GError **err)
{
	struct qcow2_state *s = qcow2_state_of(b);
	uint64_t cover, need, old;
	int ret;

	if (!s || s->read_only) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "image is not writable qcow2");
		return -EINVAL;
	}
	if (new_size % 512 || new_size < s->size) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s",
			    new_size < s->size ? "shrinking qcow2 images is not supported"
					       : "size must be a multiple of 512 bytes");
		return -EINVAL;
	}
	g_mutex_lock(&s->lock);
	cover = s->cluster_size << s->l2_bits;
	need = (new_size + cover - 1) / cover;
	ret = qcow2_grow_l1(s, need);
	old = s->size;
	if (!ret) {
		s->size = new_size;
		ret = qcow2_write_header_fields(s);
		if (ret)
			s->size = old;
	}
	g_mutex_unlock(&s->lock);
	if (ret)
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_IO, "resize failed: %s",
			    g_strerror(-ret));
	return ret;
}
