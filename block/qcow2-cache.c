// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qcow2 metadata: file access helpers, the write-back table caches (L2
 * tables and refcount blocks), refcount lookup and update for every
 * refcount width (1..64 bits, sub-byte widths LSB first as the spec says),
 * cluster allocation, refcount table and L1 table growth, and the ordered
 * metadata flush that keeps the image consistent whenever the process dies:
 *   1. refcount blocks (then sync, then the refcount table, if it changed)
 *   2. sync: guest data and refcounts are durable
 *   3. L2 tables (then sync, then the L1 table, if it changed), sync
 *   4. deferred refcount decrements (a lost one is only a leak)
 * Freed clusters are not reused before step 4 has run.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "block/qcow2.h"
#include "core/rw.h"

#define QCOW2_MAX_CORRUPT_LOGS 8

/* ---- file access ---- */

int qcow2_pread(struct qcow2_state *s, uint64_t off, void *buf, size_t len)
{
	ssize_t r = rw_pread_full(s->fd, buf, len, off);

	if (r < 0)
		return r;
	return (size_t)r == len ? 0 : -EIO;
}

int qcow2_pwrite(struct qcow2_state *s, uint64_t off, const void *buf, size_t len)
{
	ssize_t r;

	if (s->read_only)
		return -EROFS;
	if (off < s->cluster_size && off + len > 104 && off != 24 && off != 88)
		return qcow2_corrupt(s, "refusing to write over the header (offset 0x%llx)",
				     (unsigned long long)off);
	r = rw_pwrite_full(s->fd, buf, len, off);
	if (r < 0)
		return r;
	if (off + len > s->file_size)
		s->file_size = off + len;
	s->meta_dirty = true;
	return 0;
}

int qcow2_sync(struct qcow2_state *s)
{
	if (s->read_only || s->no_sync)
		return 0;
	return fdatasync(s->fd) < 0 ? -errno : 0;
}

int qcow2_corrupt(struct qcow2_state *s, const char *fmt, ...)
{
	static int logged;
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!s->err)
		s->err = g_error_new(G_FILE_ERROR, G_FILE_ERROR_IO, "%s", msg);
	if (g_atomic_int_add(&logged, 1) < QCOW2_MAX_CORRUPT_LOGS)
		fprintf(stderr, "qcow2: %s: %s\n", s->filename, msg);
	g_free(msg);
	return -EIO;
}

/* ---- caches ---- */

int qcow2_cache_init(struct qcow2_cache *c, int n, uint64_t cluster_size)
{
	c->e = g_new0(struct qcow2_cache_entry, n);
	c->n = n;
	c->tick = 0;
	for (int i = 0; i < n; i++) {
		c->e[i].data = g_try_malloc(cluster_size);
		if (!c->e[i].data)
			return -ENOMEM;
	}
	return 0;
}

void qcow2_cache_free(struct qcow2_cache *c)
{
	for (int i = 0; c->e && i < c->n; i++)
		g_free(c->e[i].data);
	g_clear_pointer(&c->e, g_free);
	c->n = 0;
}

static struct qcow2_cache_entry *qcow2_cache_find(struct qcow2_cache *c, uint64_t off)
{
	for (int i = 0; i < c->n; i++)
		if (c->e[i].offset == off)
			return &c->e[i];
	return NULL;
}

static struct qcow2_cache_entry *qcow2_cache_victim(struct qcow2_cache *c)
{
	struct qcow2_cache_entry *v = &c->e[0];

	for (int i = 0; i < c->n; i++) {
		if (!c->e[i].offset)
			return &c->e[i];
		if (c->e[i].lru < v->lru)
			v = &c->e[i];
	}
	return v;
}

int qcow2_cache_get(struct qcow2_state *s, struct qcow2_cache *c, uint64_t off, bool fresh,
		    uint8_t **out)
{
	struct qcow2_cache_entry *e = qcow2_cache_find(c, off);
	int ret;

	if (off < s->cluster_size || off & (s->cluster_size - 1))
		return qcow2_corrupt(s, "table offset 0x%llx is misaligned or on the header",
				     (unsigned long long)off);
	if (!e) {
		e = qcow2_cache_victim(c);
		if (e->dirty) {
			/* Writing one table early breaks the order: flush all. */
			ret = s->flushing ? qcow2_pwrite(s, e->offset, e->data, s->cluster_size)
					  : qcow2_meta_flush(s);
			if (ret)
				return ret;
			e->dirty = false;
		}
		e->offset = 0;
		if (!fresh) {
			if (off + s->cluster_size > s->file_size)
				return qcow2_corrupt(s, "metadata table at 0x%llx is past the end "
						     "of the file", (unsigned long long)off);
			ret = qcow2_pread(s, off, e->data, s->cluster_size);
			if (ret)
				return ret;
		}
		e->offset = off;
	}
	if (fresh)
		memset(e->data, 0, s->cluster_size);
	e->lru = ++c->tick;
	*out = e->data;
	return 0;
}

void qcow2_cache_mark_dirty(struct qcow2_cache *c, const uint8_t *data)
{
	for (int i = 0; i < c->n; i++)
		if (c->e[i].data == data)
			c->e[i].dirty = true;
}

static void qcow2_cache_drop(struct qcow2_cache *c, uint64_t off)
{
	struct qcow2_cache_entry *e = qcow2_cache_find(c, off);

	if (e) {
		e->offset = 0;
		e->dirty = false;
	}
}

static int qcow2_cache_write_dirty(struct qcow2_state *s, struct qcow2_cache *c, bool *any)
{
	for (int i = 0; i < c->n; i++) {
		struct qcow2_cache_entry *e = &c->e[i];

		if (!e->dirty)
			continue;
		if (qcow2_pwrite(s, e->offset, e->data, s->cluster_size))
			return -EIO;
		e->dirty = false;
		*any = true;
	}
	return 0;
}

static bool qcow2_cache_has_dirty(struct qcow2_cache *c)
{
	for (int i = 0; i < c->n; i++)
		if (c->e[i].dirty)
			return true;
	return false;
}

/* ---- refcount entries ---- */

static uint64_t qcow2_rb_get(struct qcow2_state *s, const uint8_t *rb, uint64_t i)
{
	int order = s->refcount_order;

	switch (order) {
	case 3: return rb[i];
	case 4: return qcow2_be16(rb + i * 2);
	case 5: return qcow2_be32(rb + i * 4);
	case 6: return qcow2_be64(rb + i * 8);
	default: {
		int bits = 1 << order;
		uint64_t bit = i * bits;

		return (rb[bit / 8] >> (bit % 8)) & ((1u << bits) - 1);
	}
	}
}

void qcow2_rb_set(struct qcow2_state *s, uint8_t *rb, uint64_t i, uint64_t v)
{
	int order = s->refcount_order;

	switch (order) {
	case 3: rb[i] = (uint8_t)v; break;
	case 4: qcow2_put16(rb + i * 2, (uint16_t)v); break;
	case 5: qcow2_put32(rb + i * 4, (uint32_t)v); break;
	case 6: qcow2_put64(rb + i * 8, v); break;
	default: {
		int bits = 1 << order;
		uint64_t bit = i * bits;
		uint8_t mask = (uint8_t)(((1u << bits) - 1) << (bit % 8));

		rb[bit / 8] = (uint8_t)((rb[bit / 8] & ~mask) | ((v << (bit % 8)) & mask));
	}
	}
}

int qcow2_get_refcount(struct qcow2_state *s, uint64_t cluster, uint64_t *out)
{
	uint64_t ti = cluster / s->rpb;
	uint8_t *rb;
	int ret;

	*out = 0;
	if (ti >= s->rt_entries || !s->rt[ti])
		return 0;
	ret = qcow2_cache_get(s, &s->rb_cache, s->rt[ti], false, &rb);
	if (ret)
		return ret;
	*out = qcow2_rb_get(s, rb, cluster % s->rpb);
	return 0;
}

static void qcow2_rt_mark_dirty(struct qcow2_state *s, uint64_t i)
{
	s->rt_dirty_lo = MIN(s->rt_dirty_lo, i);
	s->rt_dirty_hi = MAX(s->rt_dirty_hi, i + 1);
}

void qcow2_l1_mark_dirty(struct qcow2_state *s, uint32_t idx)
{
	s->l1_dirty_lo = MIN(s->l1_dirty_lo, idx);
	s->l1_dirty_hi = MAX(s->l1_dirty_hi, idx + 1);
}

static int qcow2_grow_rt(struct qcow2_state *s, uint64_t cluster);
static int64_t qcow2_find_free(struct qcow2_state *s, uint64_t n, uint64_t from);

/* A refcount block for range ti, placed inside that range when possible. */
static int qcow2_new_refblock(struct qcow2_state *s, uint64_t ti, uint64_t cluster)
{
	uint64_t first = ti * s->rpb, rbc = UINT64_MAX;
	uint8_t *rb;
	int ret;

	for (uint64_t k = first; k < first + s->rpb; k++) {
		if (k != cluster && (k < s->alloc_lo || k >= s->alloc_hi)) {
			rbc = k;
			break;
		}
	}
	if (rbc == UINT64_MAX) {
		int64_t f = qcow2_find_free(s, 1, s->alloc_hi);

		if (f < 0)
			return (int)f;
		rbc = (uint64_t)f;
		ret = qcow2_update_refcount(s, rbc, 1);
		if (ret)
			return ret;
	}
	ret = qcow2_cache_get(s, &s->rb_cache, rbc << s->cluster_bits, true, &rb);
	if (ret)
		return ret;
	if (rbc / s->rpb == ti)
		qcow2_rb_set(s, rb, rbc % s->rpb, 1);
	qcow2_cache_mark_dirty(&s->rb_cache, rb);
	s->rt[ti] = rbc << s->cluster_bits;
	qcow2_rt_mark_dirty(s, ti);
	s->file_size = MAX(s->file_size, (rbc + 1) << s->cluster_bits);
	return 0;
}

int qcow2_update_refcount(struct qcow2_state *s, uint64_t cluster, int delta)
{
	uint64_t ti = cluster / s->rpb, v;
	uint8_t *rb;
	int ret;

	if (ti >= s->rt_entries) {
		if (delta < 0)
			return qcow2_corrupt(s, "freeing cluster %llu beyond the refcount table",
					     (unsigned long long)cluster);
		ret = qcow2_grow_rt(s, cluster);
		if (ret)
			return ret;
	}
	if (!s->rt[ti]) {
		if (delta < 0)
			return qcow2_corrupt(s, "freeing cluster %llu without refcount block",
					     (unsigned long long)cluster);
		ret = qcow2_new_refblock(s, ti, cluster);
		if (ret)
			return ret;
	}
	ret = qcow2_cache_get(s, &s->rb_cache, s->rt[ti], false, &rb);
	if (ret)
		return ret;
	v = qcow2_rb_get(s, rb, cluster % s->rpb);
	if (delta > 0 && v >= s->refcount_max)
		return qcow2_corrupt(s, "refcount overflow on cluster %llu",
				     (unsigned long long)cluster);
	if (delta < 0 && v == 0)
		return qcow2_corrupt(s, "refcount underflow on cluster %llu",
				     (unsigned long long)cluster);
	v += delta;
	qcow2_rb_set(s, rb, cluster % s->rpb, v);
	qcow2_cache_mark_dirty(&s->rb_cache, rb);
	if (v == 0 && cluster < s->free_hint)
		s->free_hint = cluster;
	return 0;
}

/* First run of n free clusters at or after from (refcount 0, not pending). */
static int64_t qcow2_find_free(struct qcow2_state *s, uint64_t n, uint64_t from)
{
	uint64_t limit = (1ull << 56) >> s->cluster_bits, run = 0, start = from;
	uint64_t first0 = UINT64_MAX;
	/* Free space always exists past the end of the file: bound the scan. */
	uint64_t bound = (s->file_size >> s->cluster_bits) + 2 * s->rpb + n + 1;

	limit = MIN(limit, MAX(bound, from + 2 * s->rpb + n + 1));

	for (uint64_t i = from; i < limit; i++) {
		uint64_t ti = i / s->rpb, rc = 0;
		int ret;

		if (ti < s->rt_entries && s->rt[ti]) {
			ret = qcow2_get_refcount(s, i, &rc);
			if (ret)
				return ret;
		}
		if (rc || (i >= s->alloc_lo && i < s->alloc_hi)) {
			run = 0;
			start = i + 1;
			continue;
		}
		if (first0 == UINT64_MAX)
			first0 = i;
		if (++run == n) {
			/* Everything before first0 is in use: later scans start there. */
			if (from == s->free_hint)
				s->free_hint = first0 == start ? start + n : first0;
			return (int64_t)start;
		}
	}
	return qcow2_corrupt(s, "no free cluster: refcounts claim clusters far past the end "
			     "of the file (repair with 'qemu-img check -r all')");
}

int64_t qcow2_alloc_clusters(struct qcow2_state *s, uint64_t n)
{
	int64_t start;

	s->free_hint = MAX(s->free_hint, 1);
	start = qcow2_find_free(s, n, s->free_hint);
	int ret = 0;

	if (start < 0)
		return start;
	s->alloc_lo = start;
	s->alloc_hi = start + n;
	for (uint64_t i = 0; i < n && !ret; i++)
		ret = qcow2_update_refcount(s, start + i, 1);
	s->alloc_lo = s->alloc_hi = 0;
	if (ret)
		return ret;
	s->file_size = MAX(s->file_size, (start + n) << s->cluster_bits);
	return start << s->cluster_bits;
}

void qcow2_free_later(struct qcow2_state *s, uint64_t host_off, uint64_t nclusters)
{
	for (uint64_t i = 0; i < nclusters; i++) {
		uint64_t c = (host_off >> s->cluster_bits) + i;

		g_array_append_val(s->pending_free, c);
	}
}

/* ---- refcount table growth ---- */

static int qcow2_grow_rt_layout(struct qcow2_state *s, uint64_t cluster, uint64_t base,
				uint64_t *tc, uint64_t *nb, uint64_t *entries)
{
	uint64_t t = 1, b = 1;

	for (int iter = 0; iter < 64; iter++) {
		uint64_t end = base + t + b;
		uint64_t need = MAX((end + s->rpb - 1) / s->rpb, cluster / s->rpb + 1);
		uint64_t t2, b2;

		need = MAX(need, s->rt_entries + 1);
		t2 = (need * 8 + s->cluster_size - 1) >> s->cluster_bits;
		b2 = (t2 + b + s->rpb - 1) / s->rpb;
		if (t2 == t && b2 == b) {
			*tc = t;
			*nb = b;
			*entries = (t << s->cluster_bits) / 8;
			return (t << s->cluster_bits) > QCOW2_MAX_RT_BYTES ? -ENOSPC : 0;
		}
		t = t2;
		b = b2;
	}
	return -ENOSPC;
}

static int qcow2_grow_rt(struct qcow2_state *s, uint64_t cluster)
{
	uint64_t base, tc, nb, entries, old_off = s->rt_offset, old_c = s->rt_clusters;
	uint64_t *rt;
	uint8_t *buf;
	int ret;

	if (s->flushing)
		return qcow2_corrupt(s, "refcount table growth during flush");
	ret = qcow2_meta_flush(s);
	if (ret)
		return ret;
	base = MAX(cluster + 1, s->alloc_hi);
	base = (base + s->rpb - 1) / s->rpb * s->rpb;
	if (qcow2_grow_rt_layout(s, cluster, base, &tc, &nb, &entries))
		return qcow2_corrupt(s, "refcount table would exceed %u bytes",
				     QCOW2_MAX_RT_BYTES);
	rt = g_try_malloc0(entries * 8);
	buf = g_try_malloc0(MAX(entries * 8, s->cluster_size));
	if (!rt || !buf) {
		g_free(rt);
		g_free(buf);
		return -ENOMEM;
	}
	memcpy(rt, s->rt, s->rt_entries * 8);
	for (uint64_t j = 0; j < nb && !ret; j++) {
		uint64_t first = base + j * s->rpb, rbc = base + tc + j;

		memset(buf, 0, s->cluster_size);
		for (uint64_t k = base; k < base + tc + nb; k++)
			if (k / s->rpb == first / s->rpb)
				qcow2_rb_set(s, buf, k % s->rpb, 1);
		rt[first / s->rpb] = rbc << s->cluster_bits;
		ret = qcow2_pwrite(s, rbc << s->cluster_bits, buf, s->cluster_size);
	}
	for (uint64_t i = 0; i < entries; i++)
		qcow2_put64(buf + i * 8, rt[i]);
	if (!ret)
		ret = qcow2_pwrite(s, base << s->cluster_bits, buf, entries * 8);
	g_free(buf);
	if (ret) {
		g_free(rt);
		return ret;
	}
	g_free(s->rt);
	s->rt = rt;
	s->rt_entries = entries;
	s->rt_offset = base << s->cluster_bits;
	s->rt_clusters = (uint32_t)tc;
	s->rt_dirty_lo = entries;
	s->rt_dirty_hi = 0;
	ret = qcow2_write_header_fields(s);
	if (ret)
		return ret;
	qcow2_free_later(s, old_off, old_c);
	return 0;
}

/* ---- ordered flush ---- */

static int qcow2_write_table(struct qcow2_state *s, uint64_t off, const uint64_t *t,
			     uint64_t lo, uint64_t hi)
{
	uint64_t n = hi - lo;
	uint64_t *be = g_try_malloc(n * 8);
	int ret;

	if (!be)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++)
		qcow2_put64(&be[i], t[lo + i]);
	ret = qcow2_pwrite(s, off + lo * 8, be, n * 8);
	g_free(be);
	return ret;
}

static int qcow2_apply_frees(struct qcow2_state *s)
{
	bool any = false;
	int ret = 0;

	for (guint i = 0; i < s->pending_free->len && !ret; i++) {
		uint64_t c = g_array_index(s->pending_free, uint64_t, i);

		qcow2_cache_drop(&s->l2_cache, c << s->cluster_bits);
		ret = qcow2_update_refcount(s, c, -1);
	}
	g_array_set_size(s->pending_free, 0);
	if (!ret)
		ret = qcow2_cache_write_dirty(s, &s->rb_cache, &any);
	return ret;
}

static int qcow2_flush_refcounts(struct qcow2_state *s, bool *any)
{
	int ret = qcow2_cache_write_dirty(s, &s->rb_cache, any);

	if (ret || s->rt_dirty_hi <= s->rt_dirty_lo)
		return ret;
	ret = qcow2_sync(s);
	if (!ret)
		ret = qcow2_write_table(s, s->rt_offset, s->rt, s->rt_dirty_lo,
					s->rt_dirty_hi);
	s->rt_dirty_lo = s->rt_entries;
	s->rt_dirty_hi = 0;
	*any = true;
	return ret;
}

static int qcow2_flush_mapping(struct qcow2_state *s)
{
	bool any = false;
	int ret = qcow2_cache_write_dirty(s, &s->l2_cache, &any);

	if (ret)
		return ret;
	if (s->l1_dirty_hi > s->l1_dirty_lo) {
		if (any && (ret = qcow2_sync(s)))
			return ret;
		ret = qcow2_write_table(s, s->l1_offset, s->l1, s->l1_dirty_lo,
					s->l1_dirty_hi);
		s->l1_dirty_lo = s->l1_size;
		s->l1_dirty_hi = 0;
		any = true;
	}
	if (!ret && any)
		ret = qcow2_sync(s);
	return ret;
}

/* Clusters allocated past the end of the file exist before anything refers to them. */
static int qcow2_extend_file(struct qcow2_state *s)
{
	struct stat st;

	if (fstat(s->fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size < s->file_size && ftruncate(s->fd, s->file_size) < 0)
		return -errno;
	return 0;
}

int qcow2_meta_flush(struct qcow2_state *s)
{
	bool any = false;
	int ret;

	if (s->flushing || s->read_only)
		return 0;
	if (s->err)
		return -EIO;
	s->flushing = true;
	ret = qcow2_extend_file(s);
	if (!ret)
		ret = qcow2_flush_refcounts(s, &any);
	if (!ret && (any || qcow2_cache_has_dirty(&s->l2_cache) ||
		     s->l1_dirty_hi > s->l1_dirty_lo))
		ret = qcow2_sync(s);
	if (!ret)
		ret = qcow2_flush_mapping(s);
	/* A read without the lock may still use a freed cluster: free later. */
	if (!ret && s->pending_free->len && !g_atomic_int_get(&s->unlocked_io))
		ret = qcow2_apply_frees(s);
	s->flushing = false;
	return ret;
}

/* ---- L1 growth (resize) ---- */

int qcow2_grow_l1(struct qcow2_state *s, uint64_t min_entries)
{
	uint64_t n = min_entries, bytes, old_off = s->l1_offset;
	uint64_t old_c = ((uint64_t)s->l1_size * 8 + s->cluster_size - 1) >> s->cluster_bits;
	uint64_t *l1;
	int64_t off;
	int ret;

	if (n <= s->l1_size)
		return 0;
	bytes = (n * 8 + s->cluster_size - 1) & ~(s->cluster_size - 1);
	if (bytes > QCOW2_MAX_L1_BYTES)
		return -EFBIG;
	ret = qcow2_meta_flush(s);
	if (ret)
		return ret;
	off = qcow2_alloc_clusters(s, bytes >> s->cluster_bits);
	if (off < 0)
		return (int)off;
	ret = qcow2_meta_flush(s);
	if (ret)
		return ret;
	l1 = g_try_malloc0(bytes);
	if (!l1)
		return -ENOMEM;
	memcpy(l1, s->l1, (uint64_t)s->l1_size * 8);
	ret = qcow2_write_table(s, (uint64_t)off, l1, 0, bytes / 8);
	if (ret) {
		g_free(l1);
		return ret;
	}
	g_free(s->l1);
	s->l1 = l1;
	s->l1_size = (uint32_t)n;
	s->l1_offset = (uint64_t)off;
	s->l1_dirty_lo = s->l1_size;
	s->l1_dirty_hi = 0;
	ret = qcow2_write_header_fields(s);
	if (!ret && old_c && old_off)
		qcow2_free_later(s, old_off, old_c);
	return ret;
}
