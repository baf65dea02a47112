// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qcow2 consistency check, in the manner of `qemu-img check`: count every
 * reference (header, L1 tables of the active state and of each snapshot,
 * L2 tables, data and compressed clusters, refcount table and blocks, the
 * snapshot table) and compare with the stored refcounts.  More stored than
 * referenced is a leak (harmless); fewer, or references past the end of
 * the file, or a wrong COPIED flag in the active tables, is an error.
 * Reports only (no repair).  Persistent bitmaps are not walked.
 */
#include <errno.h>
#include <string.h>
#include "block/qcow2.h"

#define QCOW2_CHECK_MAX_CLUSTERS (1ull << 28)

struct qcow2_check {
	struct qcow2_state *s;
	struct qcow2_check_result *r;
	FILE *log;
	uint32_t *refs;
	uint64_t nb;
	uint64_t next_contig;
};

static void qcow2_ck_log(struct qcow2_check *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void qcow2_ck_log(struct qcow2_check *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->log)
		return;
	va_start(ap, fmt);
	vfprintf(c->log, fmt, ap);
	va_end(ap);
}

static void qcow2_ck_ref(struct qcow2_check *c, uint64_t off, uint64_t len)
{
	struct qcow2_state *s = c->s;

	if (!len)
		return;
	for (uint64_t i = off >> s->cluster_bits; i <= (off + len - 1) >> s->cluster_bits; i++) {
		if (i >= c->nb) {
			qcow2_ck_log(c, "ERROR: reference to cluster %llu past the end of the "
				     "file\n", (unsigned long long)i);
			c->r->corruptions++;
			return;
		}
		if (c->refs[i] < UINT32_MAX)
			c->refs[i]++;
	}
}

static int qcow2_ck_l2(struct qcow2_check *c, uint64_t l2off, bool active, uint8_t *buf)
{
	struct qcow2_state *s = c->s;
	uint64_t n = 1ull << s->l2_bits;

	if (qcow2_pread(s, l2off, buf, s->cluster_size))
		return -EIO;
	c->next_contig = 0; /* fragmentation counts within one L2 table */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t e = qcow2_be64(buf + i * 8), off, len;

		if (e & QCOW2_OFLAG_COMPRESSED) {
			qcow2_compressed_range(s, e, &off, &len);
			qcow2_ck_ref(c, off & ~511ull, len);
			if (active) {
				c->r->compressed_clusters++;
				c->r->allocated_clusters++;
				c->r->fragmented_clusters++;
			}
			continue;
		}
		off = e & QCOW2_OFFSET_MASK;
		if (e & QCOW2_L2_RESERVED || off & (s->cluster_size - 1)) {
			qcow2_ck_log(c, "ERROR: invalid L2 entry 0x%llx\n", (unsigned long long)e);
			c->r->corruptions++;
			continue;
		}
		if (!off)
			continue;
		if (active) {
			c->r->allocated_clusters++;
			if (c->next_contig && off != c->next_contig)
				c->r->fragmented_clusters++;
			c->next_contig = off + s->cluster_size;
		}
		qcow2_ck_ref(c, off, s->cluster_size);
	}
	return 0;
}

static int qcow2_ck_l1(struct qcow2_check *c, uint64_t l1off, uint32_t l1n, bool active)
{
	struct qcow2_state *s = c->s;
	g_autofree uint64_t *l1 = g_try_malloc(MAX((uint64_t)l1n * 8, 8));
	g_autofree uint8_t *buf = g_malloc(s->cluster_size);

	if (!l1)
		return -ENOMEM;
	qcow2_ck_ref(c, l1off, (uint64_t)l1n * 8);
	if (l1n && qcow2_pread(s, l1off, l1, (uint64_t)l1n * 8))
		return -EIO;
	for (uint32_t i = 0; i < l1n; i++) {
		uint64_t e = qcow2_be64(&l1[i]), off = e & QCOW2_OFFSET_MASK;

		if (!off)
			continue;
		if (e & QCOW2_L1_RESERVED || off & (s->cluster_size - 1) ||
		    off < s->cluster_size || off + s->cluster_size > s->file_size) {
			qcow2_ck_log(c, "ERROR: invalid L1 entry %u: 0x%llx\n", i,
				     (unsigned long long)e);
			c->r->corruptions++;
			continue;
		}
		if (c->refs[off >> s->cluster_bits] > s->nb_snapshots) {
			/* More references than L1 tables: do not walk it again. */
			qcow2_ck_log(c, "ERROR: L2 table at 0x%llx referenced too often\n",
				     (unsigned long long)off);
			c->r->corruptions++;
			continue;
		}
		qcow2_ck_ref(c, off, s->cluster_size);
		if (qcow2_ck_l2(c, off, active, buf)) {
			c->r->check_errors++;
			continue;
		}
	}
	return 0;
}

/* COPIED flags in the active tables must say "refcount is exactly 1". */
static void qcow2_ck_copied(struct qcow2_check *c)
{
	struct qcow2_state *s = c->s;
	g_autofree uint8_t *buf = g_malloc(s->cluster_size);
	g_autofree uint8_t *seen = g_malloc0(c->nb / 8 + 1);

	for (uint32_t i = 0; i < s->l1_size; i++) {
		uint64_t e = s->l1[i], off = e & QCOW2_OFFSET_MASK, rc, k;

		if (!off || off & (s->cluster_size - 1) || off + s->cluster_size > s->file_size ||
		    qcow2_get_refcount(s, off >> s->cluster_bits, &rc))
			continue;
		k = off >> s->cluster_bits;
		if (k >= c->nb || seen[k / 8] & (1 << (k % 8)))
			continue;
		seen[k / 8] |= 1 << (k % 8);
		if (!!(e & QCOW2_OFLAG_COPIED) != (rc == 1)) {
			qcow2_ck_log(c, "ERROR OFLAG_COPIED L2 cluster: l1_index=%u "
				     "l1_entry=%llx refcount=%llu\n", i, (unsigned long long)e,
				     (unsigned long long)rc);
			c->r->corruptions++;
		}
		if (off < s->cluster_size || qcow2_pread(s, off, buf, s->cluster_size))
			continue;
		for (uint64_t j = 0; j < (1ull << s->l2_bits); j++) {
			uint64_t d = qcow2_be64(buf + j * 8), h = d & QCOW2_OFFSET_MASK;

			if (d & QCOW2_OFLAG_COMPRESSED || !h || (d & QCOW2_OFLAG_ZERO) ||
			    qcow2_get_refcount(s, h >> s->cluster_bits, &rc))
				continue;
			if (!!(d & QCOW2_OFLAG_COPIED) != (rc == 1)) {
				qcow2_ck_log(c, "ERROR OFLAG_COPIED data cluster: l2_entry=%llx "
					     "refcount=%llu\n", (unsigned long long)d,
					     (unsigned long long)rc);
				c->r->corruptions++;
			}
		}
	}
}

static void qcow2_ck_compare(struct qcow2_check *c)
{
	struct qcow2_state *s = c->s;
	uint64_t covered = s->rt_entries * s->rpb, last = 0;

	for (uint64_t i = 0; i < MAX(c->nb, MIN(covered, c->nb + s->rpb)); i++) {
		uint64_t rc, want = i < c->nb ? c->refs[i] : 0;

		if (qcow2_get_refcount(s, i, &rc)) {
			c->r->check_errors++;
			continue;
		}
		if (rc || want)
			last = i + 1;
		if (rc == want)
			continue;
		if (rc < want) {
			qcow2_ck_log(c, "ERROR cluster %llu refcount=%llu reference=%llu\n",
				     (unsigned long long)i, (unsigned long long)rc,
				     (unsigned long long)want);
			c->r->corruptions++;
		} else {
			qcow2_ck_log(c, "Leaked cluster %llu refcount=%llu reference=%llu\n",
				     (unsigned long long)i, (unsigned long long)rc,
				     (unsigned long long)want);
			c->r->leaks++;
		}
	}
	c->r->image_end = last << s->cluster_bits;
}

int qcow2_check(struct block_backend *b, struct qcow2_check_result *r, FILE *log)
{
	struct qcow2_state *s = qcow2_state_of(b);
	struct qcow2_check c = { .s = s, .r = r, .log = log };
	int ret = 0;

	memset(r, 0, sizeof(*r));
	if (!s)
		return -EINVAL;
	g_mutex_lock(&s->lock);
	ret = qcow2_meta_flush(s);
	c.nb = (s->file_size + s->cluster_size - 1) >> s->cluster_bits;
	if (!ret && c.nb > QCOW2_CHECK_MAX_CLUSTERS)
		ret = -EFBIG;
	if (!ret)
		c.refs = g_try_new0(uint32_t, c.nb + 1);
	if (!ret && !c.refs)
		ret = -ENOMEM;
	if (ret)
		goto out;
	r->total_clusters = (s->size + s->cluster_size - 1) >> s->cluster_bits;
	qcow2_ck_ref(&c, 0, s->cluster_size);
	qcow2_ck_ref(&c, s->rt_offset, (uint64_t)s->rt_clusters * s->cluster_size);
	for (uint64_t i = 0; i < s->rt_entries; i++)
		if (s->rt[i])
			qcow2_ck_ref(&c, s->rt[i], s->cluster_size);
	qcow2_ck_ref(&c, s->snapshots_offset, s->snapshots_size);
	ret = qcow2_ck_l1(&c, s->l1_offset, s->l1_size, true);
	for (uint32_t i = 0; !ret && i < s->nb_snapshots; i++)
		ret = qcow2_ck_l1(&c, s->snapshots[i].l1_offset, s->snapshots[i].l1_size, false);
	if (!ret) {
		qcow2_ck_compare(&c);
		qcow2_ck_copied(&c);
	}
out:
	g_free(c.refs);
	g_mutex_unlock(&s->lock);
	if (ret)
		r->check_errors++;
	return ret;
}

/* ---- rebuilding refcounts of a dirty image (lazy refcounts) ---- */

/* Sizes of a new refcount table + blocks at cluster start covering everything. */
static int qcow2_rebuild_layout(struct qcow2_state *s, uint64_t start, uint64_t *tc,
				uint64_t *nbk)
{
	uint64_t t = 1, b = 1;

	for (int i = 0; i < 64; i++) {
		uint64_t entries = (start + t + b + s->rpb - 1) / s->rpb;
		uint64_t t2 = (entries * 8 + s->cluster_size - 1) >> s->cluster_bits;

		if (t2 == t && entries == b) {
			*tc = t;
			*nbk = b;
			return (t << s->cluster_bits) > QCOW2_MAX_RT_BYTES ? -EFBIG : 0;
		}
		t = t2;
		b = entries;
	}
	return -EFBIG;
}

static int qcow2_rebuild_write(struct qcow2_state *s, const uint32_t *refs, uint64_t nb)
{
	uint64_t start = nb, tc, nbk, total;
	g_autofree uint8_t *blocks = NULL, *table = NULL;
	uint64_t *rt;
	int ret = qcow2_rebuild_layout(s, start, &tc, &nbk);

	if (ret)
		return ret;
	total = start + tc + nbk;
	blocks = g_try_malloc0(nbk << s->cluster_bits);
	table = g_try_malloc0(tc << s->cluster_bits);
	rt = g_try_new0(uint64_t, (tc << s->cluster_bits) / 8);
	if (!blocks || !table || !rt) {
		g_free(rt);
		return -ENOMEM;
	}
	for (uint64_t c = 0; c < total; c++) {
		uint64_t v = c < nb ? refs[c] : c >= start ? 1 : 0;

		if (v)
			qcow2_rb_set(s, blocks + (c / s->rpb) * s->cluster_size, c % s->rpb, v);
	}
	for (uint64_t i = 0; i < nbk; i++) {
		rt[i] = (start + tc + i) << s->cluster_bits;
		qcow2_put64(table + i * 8, rt[i]);
	}
	ret = qcow2_pwrite(s, (start + tc) << s->cluster_bits, blocks,
			   nbk << s->cluster_bits);
	if (!ret)
		ret = qcow2_pwrite(s, start << s->cluster_bits, table, tc << s->cluster_bits);
	if (ret) {
		g_free(rt);
		return ret;
	}
	g_free(s->rt);
	s->rt = rt;
	s->rt_entries = (tc << s->cluster_bits) / 8;
	s->rt_offset = start << s->cluster_bits;
	s->rt_clusters = (uint32_t)tc;
	s->rt_dirty_lo = s->rt_entries;
	s->rt_dirty_hi = 0;
	return qcow2_write_header_fields(s);
}

int qcow2_rebuild_refcounts(struct qcow2_state *s, GError **err)
{
	struct qcow2_check_result r = { 0 };
	struct qcow2_check c = { .s = s, .r = &r };
	uint8_t inc[8];
	int ret = 0;

	c.nb = (s->file_size + s->cluster_size - 1) >> s->cluster_bits;
	if (c.nb > QCOW2_CHECK_MAX_CLUSTERS || !(c.refs = g_try_new0(uint32_t, c.nb + 1)))
		ret = -EFBIG;
	if (!ret) {
		qcow2_ck_ref(&c, 0, s->cluster_size);
		qcow2_ck_ref(&c, s->snapshots_offset, s->snapshots_size);
		ret = qcow2_ck_l1(&c, s->l1_offset, s->l1_size, true);
	}
	for (uint32_t i = 0; !ret && i < s->nb_snapshots; i++)
		ret = qcow2_ck_l1(&c, s->snapshots[i].l1_offset, s->snapshots[i].l1_size, false);
	for (uint64_t i = 0; !ret && i < c.nb; i++)
		if (c.refs[i] > s->refcount_max)
			ret = -ERANGE;
	if (!ret && (r.corruptions || r.check_errors))
		ret = -EINVAL;
	if (!ret)
		ret = qcow2_rebuild_write(s, c.refs, c.nb);
	g_free(c.refs);
	if (!ret) {
		s->incompat &= ~QCOW2_INCOMPAT_DIRTY;
		qcow2_put64(inc, s->incompat);
		ret = qcow2_pwrite(s, 72, inc, 8);
		if (!ret)
			ret = qcow2_sync(s);
	}
	if (ret)
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "'%s': the image is marked dirty (lazy refcounts) and its refcounts "
			    "could not be rebuilt (%s); repair it with 'qemu-img check -r all %s'",
			    s->filename, g_strerror(-ret), s->filename);
	return ret;
}

/* check -r: count, and when anything is wrong rebuild the refcounts. */
int qcow2_repair(struct block_backend *b, struct qcow2_check_result *before, FILE *log)
{
	struct qcow2_state *s = qcow2_state_of(b);
	GError *err = NULL;
	int ret = qcow2_check(b, before, NULL);

	if (ret || (!before->leaks && !before->corruptions))
		return ret;
	g_mutex_lock(&s->lock);
	ret = s->read_only ? -EROFS : qcow2_meta_flush(s);
	if (!ret)
		ret = qcow2_rebuild_refcounts(s, &err);
	g_mutex_unlock(&s->lock);
	if (err && log)
		fprintf(log, "%s\n", err->message);
	g_clear_error(&err);
	return ret;
}
