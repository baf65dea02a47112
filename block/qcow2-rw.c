// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qcow2 guest I/O: the L1 -> L2 -> cluster mapping for reads (allocated,
 * unallocated = backing file or zeros, v3 zero clusters, deflate- or
 * zstd-compressed clusters (zstd when built with libzstd)), writes (in place when the cluster is ours alone, otherwise a
 * new cluster filled copy-on-write), discard, and compressed cluster writes
 * for kvmpc-img convert -c.  Every entry is validated: reserved bits,
 * alignment, offsets on the header or past the end of the file are
 * reported as corruption (-EIO), never followed.  Order of an allocating
 * write: refcount (in the cache), data written, then the L2 entry; the
 * metadata reaches the disk in qcow2_meta_flush's order.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "config.h"
#ifdef CONFIG_ZSTD
#include <zstd.h>
#endif
#include "block/qcow2.h"
#include "core/iov.h"
#include "core/rw.h"

enum qcow2_ctype { C_UNALLOC, C_ZERO, C_NORMAL, C_COMPRESSED };

struct qcow2_map {
	enum qcow2_ctype type;
	uint64_t entry;
	uint64_t host;     /* C_NORMAL: host cluster offset */
	bool copied;
};

static int qcow2_classify(struct qcow2_state *s, uint64_t e, struct qcow2_map *m)
{
	m->entry = e;
	m->host = 0;
	m->copied = e & QCOW2_OFLAG_COPIED;
	if (e & QCOW2_OFLAG_COMPRESSED) {
		uint64_t off, len;

		if (m->copied)
			return qcow2_corrupt(s, "compressed L2 entry 0x%llx has the copied flag",
					     (unsigned long long)e);
		qcow2_compressed_range(s, e, &off, &len);
		if (off < s->cluster_size || off >= s->file_size)
			return qcow2_corrupt(s, "compressed cluster at 0x%llx is outside the "
					     "file", (unsigned long long)off);
		m->type = C_COMPRESSED;
		return 0;
	}
	if (e & QCOW2_L2_RESERVED || (s->version < 3 && (e & QCOW2_OFLAG_ZERO)))
		return qcow2_corrupt(s, "L2 entry 0x%llx has reserved bits set",
				     (unsigned long long)e);
	m->host = e & QCOW2_OFFSET_MASK;
	if (e & QCOW2_OFLAG_ZERO) {
		m->type = C_ZERO;
		return 0;
	}
	if (!m->host) {
		if (m->copied)
			return qcow2_corrupt(s, "L2 entry 0x%llx: copied flag without offset",
					     (unsigned long long)e);
		m->type = C_UNALLOC;
		return 0;
	}
	if (m->host & (s->cluster_size - 1) || m->host < s->cluster_size ||
	    m->host >= s->file_size)
		return qcow2_corrupt(s, "data cluster offset 0x%llx is misaligned, on the header "
				     "or past the end of the file", (unsigned long long)m->host);
	m->type = C_NORMAL;
	return 0;
}

void qcow2_compressed_range(struct qcow2_state *s, uint64_t e, uint64_t *off, uint64_t *len)
{
	int x = 62 - (s->cluster_bits - 8);
	uint64_t nsec = (e >> x) & ((1ull << (s->cluster_bits - 8)) - 1);

	*off = e & ((1ull << x) - 1) & ((1ull << 56) - 1);
	*len = (nsec + 1) * 512;
}

/*
 * The L2 table for guest offset off.  Without alloc, *l2 is NULL when there
 * is none.  With alloc, a missing or shared table is created first.
 */
static int qcow2_get_l2(struct qcow2_state *s, uint64_t off, bool alloc, uint8_t **l2,
			uint64_t *idx)
{
	uint64_t l1i = off >> (s->cluster_bits + s->l2_bits), l1e, l2off;
	uint8_t *old;
	int64_t n;
	int ret;

	*l2 = NULL;
	*idx = (off >> s->cluster_bits) & ((1ull << s->l2_bits) - 1);
	if (l1i >= s->l1_size)
		return qcow2_corrupt(s, "offset beyond the L1 table");
	l1e = s->l1[l1i];
	if (l1e & QCOW2_L1_RESERVED)
		return qcow2_corrupt(s, "L1 entry %llu has reserved bits set (0x%llx)",
				     (unsigned long long)l1i, (unsigned long long)l1e);
	l2off = l1e & QCOW2_OFFSET_MASK;
	if (l2off && (!alloc || (l1e & QCOW2_OFLAG_COPIED)))
		return qcow2_cache_get(s, &s->l2_cache, l2off, false, l2);
	if (!alloc)
		return 0;
	if (l2off) {
		/* Shared with a snapshot: copy the table before changing it. */
		ret = qcow2_cache_get(s, &s->l2_cache, l2off, false, &old);
		if (ret)
			return ret;
		memcpy(s->wbuf, old, s->cluster_size);
	}
	n = qcow2_alloc_clusters(s, 1);
	if (n < 0)
		return (int)n;
	ret = qcow2_cache_get(s, &s->l2_cache, (uint64_t)n, true, l2);
	if (ret)
		return ret;
	if (l2off) {
		memcpy(*l2, s->wbuf, s->cluster_size);
		qcow2_free_later(s, l2off, 1);
	}
	qcow2_cache_mark_dirty(&s->l2_cache, *l2);
	s->l1[l1i] = (uint64_t)n | QCOW2_OFLAG_COPIED;
	qcow2_l1_mark_dirty(s, (uint32_t)l1i);
	return 0;
}

static int qcow2_lookup(struct qcow2_state *s, uint64_t off, struct qcow2_map *m)
{
	uint8_t *l2;
	uint64_t idx;
	int ret = qcow2_get_l2(s, off, false, &l2, &idx);

	if (ret)
		return ret;
	if (!l2) {
		m->type = C_UNALLOC;
		m->entry = m->host = 0;
		m->copied = false;
		return 0;
	}
	return qcow2_classify(s, qcow2_be64(l2 + idx * 8), m);
}

/* ---- reading ---- */

static int qcow2_read_host(struct qcow2_state *s, uint64_t host, const struct iovec *iov,
			   int niov, size_t skip, size_t len)
{
	struct iovec part[64];
	size_t done = 0;

	/* Past the end of the file (a cluster not written yet) reads as zeros. */
	while (done < len) {
		int n = iov_slice(iov, niov, skip + done, len - done, part, 64);
		ssize_t r = rw_preadv_full(s->fd, part, n, host + done);
		size_t want = iov_size(part, n);

		if (r < 0)
			return r;
		done += r;
		if ((size_t)r < want)
			break;
	}
	if (done < len)
		iov_memset(iov, niov, skip + done, 0, len - done);
	return 0;
}

static int qcow2_inflate(struct qcow2_state *s, const uint8_t *in, size_t in_len,
			 uint8_t *out)
{
	z_stream z = { 0 };
	bool ok;
	int ret;

	if (inflateInit2(&z, -12) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)in_len;
	z.next_out = out;
	z.avail_out = (uInt)s->cluster_size;
	ret = inflate(&z, Z_FINISH);
	ok = ret == Z_STREAM_END && z.avail_out == 0;
	if (z.avail_out == 0 && (ret == Z_OK || ret == Z_BUF_ERROR)) {
		/* A full cluster: the stream must not produce more than that. */
		uint8_t extra;

		z.next_out = &extra;
		z.avail_out = 1;
		ret = inflate(&z, Z_FINISH);
		ok = z.avail_out == 1 && (ret == Z_STREAM_END || ret == Z_BUF_ERROR);
	}
	inflateEnd(&z);
	return ok ? 0 : -EIO;
}

#ifdef CONFIG_ZSTD
/* A zstd frame that must produce exactly one cluster. */
static int qcow2_unzstd(struct qcow2_state *s, const uint8_t *in, size_t in_len,
			uint8_t *out)
{
	ZSTD_inBuffer i = { .src = in, .size = in_len };
	ZSTD_outBuffer o = { .dst = out, .size = s->cluster_size };
	uint8_t extra;
	size_t r = 1;

	if (!s->zstd) {
		s->zstd = ZSTD_createDCtx();
		/* clusters are at most 2 MiB: refuse frames that want a bigger window */
		if (!s->zstd || ZSTD_isError(ZSTD_DCtx_setParameter(s->zstd,
							  ZSTD_d_windowLogMax, 22)))
			return -ENOMEM;
	}
	ZSTD_DCtx_reset(s->zstd, ZSTD_reset_session_only);
	while (o.pos < o.size && i.pos < i.size) {
		r = ZSTD_decompressStream(s->zstd, &o, &i);
		if (ZSTD_isError(r))
			return -EIO;
		if (r == 0)
			break;
	}
	if (o.pos != o.size)
		return -EIO;
	if (r && i.pos < i.size) {
		/* A full cluster: the frame must not produce more than that. */
		o = (ZSTD_outBuffer){ .dst = &extra, .size = 1 };
		r = ZSTD_decompressStream(s->zstd, &o, &i);
		if (ZSTD_isError(r) || o.pos)
			return -EIO;
	}
	return 0;
}
#endif

static int qcow2_decompress(struct qcow2_state *s, const uint8_t *in, size_t in_len,
			    uint8_t *out)
{
#ifdef CONFIG_ZSTD
	if (s->comp_type == QCOW2_COMP_ZSTD)
		return qcow2_unzstd(s, in, in_len, out);
#endif
	if (s->comp_type != QCOW2_COMP_ZLIB)
		return -ENOTSUP;
	return qcow2_inflate(s, in, in_len, out);
}

static int qcow2_load_compressed(struct qcow2_state *s, uint64_t e)
{
	uint64_t off, len;
	struct iovec v;
	int ret;

	if (s->dec_entry == e)
		return 0;
	s->dec_entry = 0;
	qcow2_compressed_range(s, e, &off, &len);
	off &= ~511ull;
	if (len > s->cluster_size * 2)
		return qcow2_corrupt(s, "compressed cluster too large");
	memset(s->cbuf, 0, len);
	if (off >= s->file_size)
		return qcow2_corrupt(s, "compressed cluster past the end of the file");
	/* The last sector may be cut short by the end of the file. */
	v.iov_base = s->cbuf;
	v.iov_len = len;
	ret = qcow2_read_host(s, off, &v, 1, 0, len);
	if (ret)
		return ret;
	qcow2_compressed_range(s, e, &off, &len);
	if (qcow2_decompress(s, s->cbuf + (off & 511), len - (off & 511), s->dec_buf))
		return qcow2_corrupt(s, "compressed cluster at 0x%llx does not decompress to a "
				     "cluster", (unsigned long long)off);
	s->dec_entry = e;
	return 0;
}

static int qcow2_read_backing(struct qcow2_state *s, uint64_t off, const struct iovec *iov,
			      int niov, size_t skip, size_t len)
{
	struct iovec part[64];
	size_t m = 0;
	int n, ret;

	if (s->backing && (int64_t)off < s->backing_len)
		m = MIN(len, (uint64_t)s->backing_len - off);
	if (m) {
		n = iov_slice(iov, niov, skip, m, part, 64);
		if (iov_size(part, n) == m) {
			ret = blk_preadv(s->backing, off, part, n);
		} else {
			uint8_t *tmp = g_malloc(m);

			ret = blk_pread(s->backing, off, tmp, m);
			iov_from_buf(iov, niov, skip, tmp, m);
			g_free(tmp);
		}
		if (ret < 0)
			return ret;
	}
	if (len > m)
		iov_memset(iov, niov, skip + m, 0, len - m);
	return 0;
}

/* Extend a C_NORMAL run over following clusters that are contiguous on disk. */
static size_t qcow2_extend_run(struct qcow2_state *s, uint64_t off, size_t n, size_t left,
			       const struct qcow2_map *m)
{
	while (n < left) {
		struct qcow2_map next;
		uint64_t g = off + n;

		if (qcow2_lookup(s, g, &next) || next.type != C_NORMAL ||
		    next.host != m->host + (g - (off & ~(s->cluster_size - 1))))
			break;
		n += MIN(left - n, s->cluster_size);
	}
	return n;
}

/* 1 and the host offset when [off, off+len) is one run of allocated data. */
int qcow2_map_contiguous(struct qcow2_state *s, uint64_t off, size_t len, uint64_t *host)
{
	uint64_t in = off & (s->cluster_size - 1);
	struct qcow2_map m;
	int ret = qcow2_lookup(s, off, &m);

	if (ret || m.type != C_NORMAL)
		return ret;
	if (qcow2_extend_run(s, off, MIN(len, s->cluster_size - in), len, &m) < len)
		return 0;
	*host = m.host + in;
	return 1;
}

int qcow2_read_host_unlocked(struct qcow2_state *s, uint64_t host, const struct iovec *iov,
			     int niov)
{
	return qcow2_read_host(s, host, iov, niov, 0, iov_size(iov, niov));
}

int qcow2_do_preadv(struct qcow2_state *s, uint64_t off, const struct iovec *iov, int niov)
{
	size_t total = iov_size(iov, niov), done = 0;

	while (done < total) {
		uint64_t g = off + done, in = g & (s->cluster_size - 1);
		size_t n = MIN(total - done, s->cluster_size - in);
		struct qcow2_map m;
		int ret = qcow2_lookup(s, g, &m);

		if (ret)
			return ret;
		switch (m.type) {
		case C_UNALLOC:
			ret = qcow2_read_backing(s, g, iov, niov, done, n);
			break;
		case C_ZERO:
			iov_memset(iov, niov, done, 0, n);
			break;
		case C_NORMAL:
			n = qcow2_extend_run(s, g, n, total - done, &m);
			ret = qcow2_read_host(s, m.host + in, iov, niov, done, n);
			break;
		case C_COMPRESSED:
			ret = qcow2_load_compressed(s, m.entry);
			if (!ret)
				iov_from_buf(iov, niov, done, s->dec_buf + in, n);
			break;
		}
		if (ret)
			return ret;
		done += n;
	}
	return 0;
}

/* ---- writing ---- */

/* The current contents of guest cluster g (described by m) into buf. */
static int qcow2_old_contents(struct qcow2_state *s, uint64_t g, const struct qcow2_map *m,
			      uint8_t *buf)
{
	struct iovec v = { .iov_base = buf, .iov_len = s->cluster_size };
	uint64_t avail = s->size - g;
	int ret = 0;

	memset(buf, 0, s->cluster_size);
	if (avail > s->cluster_size)
		avail = s->cluster_size;
	switch (m->type) {
	case C_UNALLOC:
		v.iov_len = avail;
		ret = qcow2_read_backing(s, g, &v, 1, 0, avail);
		break;
	case C_ZERO:
		break;
	case C_NORMAL:
		ret = qcow2_read_host(s, m->host, &v, 1, 0, s->cluster_size);
		break;
	case C_COMPRESSED:
		ret = qcow2_load_compressed(s, m->entry);
		if (!ret)
			memcpy(buf, s->dec_buf, s->cluster_size);
		break;
	}
	return ret;
}

/* Drop the host clusters an old L2 entry referenced (after the L2 change). */
static void qcow2_release(struct qcow2_state *s, const struct qcow2_map *m)
{
	uint64_t off, len;

	if (m->type == C_COMPRESSED) {
		qcow2_compressed_range(s, m->entry, &off, &len);
		off &= ~511ull;
		qcow2_free_later(s, off & ~(s->cluster_size - 1),
				 ((off + len - 1) >> s->cluster_bits) -
				 (off >> s->cluster_bits) + 1);
	} else if ((m->type == C_NORMAL || m->type == C_ZERO) && m->host) {
		qcow2_free_later(s, m->host, 1);
	}
}

static int qcow2_write_host(struct qcow2_state *s, uint64_t host, const struct iovec *iov,
			    int niov, size_t skip, size_t len)
{
	struct iovec part[64];
	size_t done = 0;

	while (done < len) {
		int n = iov_slice(iov, niov, skip + done, len - done, part, 64);
		ssize_t r = rw_pwritev_full(s->fd, part, n, host + done);

		if (r < 0)
			return r;
		done += r;
	}
	s->file_size = MAX(s->file_size, host + len);
	s->meta_dirty = true;
	return 0;
}

/* How many whole, unallocated clusters from idx on (same L2 table) to write at once. */
static uint64_t qcow2_fresh_run(struct qcow2_state *s, const uint8_t *l2, uint64_t idx,
				size_t left)
{
	uint64_t k = 0, per = 1ull << s->l2_bits;

	while (idx + k < per && (k + 1) * s->cluster_size <= left &&
	       qcow2_be64(l2 + (idx + k) * 8) == 0 && k < 256)
		k++;
	return k;
}

static int qcow2_write_cluster(struct qcow2_state *s, uint64_t g, const struct iovec *iov,
			       int niov, size_t skip, size_t left, size_t *written)
{
	uint64_t in = g & (s->cluster_size - 1), idx, k;
	size_t n = MIN(left, s->cluster_size - in);
	struct qcow2_map m;
	uint8_t *l2;
	int64_t host;
	int ret = qcow2_get_l2(s, g, true, &l2, &idx);

	if (ret)
		return ret;
	ret = qcow2_classify(s, qcow2_be64(l2 + idx * 8), &m);
	if (ret)
		return ret;
	*written = n;
	if (m.type == C_NORMAL && m.copied)
		return qcow2_write_host(s, m.host + in, iov, niov, skip, n);
	k = in == 0 && m.entry == 0 ? qcow2_fresh_run(s, l2, idx, left) : 0;
	if (k) {
		host = qcow2_alloc_clusters(s, k);
		if (host < 0)
			return (int)host;
		n = k * s->cluster_size;
		ret = qcow2_write_host(s, (uint64_t)host, iov, niov, skip, n);
	} else {
		k = 1;
		ret = qcow2_old_contents(s, g - in, &m, s->wbuf);
		if (ret)
			return ret;
		iov_to_buf(iov, niov, skip, s->wbuf + in, n);
		host = qcow2_alloc_clusters(s, 1);
		if (host < 0)
			return (int)host;
		ret = qcow2_pwrite(s, (uint64_t)host, s->wbuf, s->cluster_size);
	}
	if (ret)
		return ret;
	/* The allocation may have flushed and reloaded tables: look up again. */
	ret = qcow2_get_l2(s, g, true, &l2, &idx);
	if (ret)
		return ret;
	for (uint64_t i = 0; i < k; i++)
		qcow2_put64(l2 + (idx + i) * 8,
			    ((uint64_t)host + i * s->cluster_size) | QCOW2_OFLAG_COPIED);
	qcow2_cache_mark_dirty(&s->l2_cache, l2);
	qcow2_release(s, &m);
	*written = n;
	return 0;
}

int qcow2_do_pwritev(struct qcow2_state *s, uint64_t off, const struct iovec *iov, int niov)
{
	size_t total = iov_size(iov, niov), done = 0;

	if (s->err)
		return -EIO;
	while (done < total) {
		size_t n = 0;
		int ret = qcow2_write_cluster(s, off + done, iov, niov, done, total - done, &n);

		if (ret)
			return ret;
		done += n;
	}
	if (s->dec_entry)
		s->dec_entry = 0;
	return 0;
}

int qcow2_do_discard(struct qcow2_state *s, uint64_t off, uint64_t len)
{
	uint64_t cs = s->cluster_size;
	uint64_t g = (off + cs - 1) & ~(cs - 1), end = (off + len) & ~(cs - 1);

	if (off + len == s->size)
		end = off + len; /* a partial last cluster counts as whole */
	for (; g < end; g += cs) {
		uint64_t l1e = s->l1[g >> (s->cluster_bits + s->l2_bits)], idx;
		uint64_t ne = s->backing ? QCOW2_OFLAG_ZERO : 0;
		struct qcow2_map m;
		uint8_t *l2;
		int ret;

		if (!(l1e & QCOW2_OFLAG_COPIED) || (s->backing && s->version < 3))
			continue; /* shared table, or v2 would expose the backing file */
		ret = qcow2_get_l2(s, g, false, &l2, &idx);
		if (ret)
			return ret;
		if (!l2 || qcow2_be64(l2 + idx * 8) == ne)
			continue;
		ret = qcow2_classify(s, qcow2_be64(l2 + idx * 8), &m);
		if (ret)
			return ret;
		qcow2_put64(l2 + idx * 8, ne);
		qcow2_cache_mark_dirty(&s->l2_cache, l2);
		qcow2_release(s, &m);
	}
	s->dec_entry = 0;
	return 0;
}

/* ---- compressed writes (convert -c) ---- */

static size_t qcow2_deflate(struct qcow2_state *s, const void *buf, uint8_t *out, size_t max)
{
	z_stream z = { 0 };
	size_t n = 0;
	int ret;

	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	z.next_in = (Bytef *)buf;
	z.avail_in = (uInt)s->cluster_size;
	z.next_out = out;
	z.avail_out = (uInt)max;
	ret = deflate(&z, Z_FINISH);
	if (ret == Z_STREAM_END)
		n = max - z.avail_out;
	deflateEnd(&z);
	return n;
}

static int qcow2_put_compressed(struct qcow2_state *s, uint64_t g, size_t clen)
{
	uint64_t cs = s->cluster_size, p = s->comp_cursor, idx, nsec;
	int x = 62 - (s->cluster_bits - 8);
	uint8_t *l2;
	int64_t host;
	int ret;

	uint64_t rc = UINT64_MAX;

	if (p && cs - (p & (cs - 1)) >= clen &&
	    (ret = qcow2_get_refcount(s, p >> s->cluster_bits, &rc)))
		return ret;
	if (rc < s->refcount_max) {
		/* Share the host cluster (narrow refcounts may be full). */
		ret = qcow2_update_refcount(s, p >> s->cluster_bits, 1);
	} else {
		host = qcow2_alloc_clusters(s, 1);
		ret = host < 0 ? (int)host : 0;
		p = (uint64_t)host;
	}
	if (!ret)
		ret = qcow2_pwrite(s, p, s->cbuf, clen);
	if (!ret)
		ret = qcow2_get_l2(s, g, true, &l2, &idx);
	if (ret)
		return ret;
	nsec = ((p + clen - 1) >> 9) - (p >> 9);
	qcow2_put64(l2 + idx * 8, QCOW2_OFLAG_COMPRESSED | nsec << x | p);
	qcow2_cache_mark_dirty(&s->l2_cache, l2);
	s->comp_cursor = p + clen;
	if (!(s->comp_cursor & (cs - 1)))
		s->comp_cursor = 0;
	return 0;
}

int qcow2_write_compressed(struct block_backend *b, uint64_t off, const void *buf)
{
	struct qcow2_state *s = qcow2_state_of(b);
	struct iovec v = { .iov_base = (void *)buf };
	uint8_t *l2;
	uint64_t idx;
	size_t clen;
	int ret;

	if (!s || s->read_only)
		return -EROFS;
	v.iov_len = MIN(s->cluster_size, s->size - off);
	if (off & (s->cluster_size - 1) || off >= s->size)
		return -EINVAL;
	g_mutex_lock(&s->lock);
	ret = qcow2_get_l2(s, off, true, &l2, &idx);
	if (ret)
		goto out;
	clen = v.iov_len == s->cluster_size && qcow2_be64(l2 + idx * 8) == 0 ?
	       qcow2_deflate(s, buf, s->cbuf, s->cluster_size - 512) : 0;
	if (clen && s->comp_type == QCOW2_COMP_ZLIB)
		ret = qcow2_put_compressed(s, off, clen);
	else
		ret = qcow2_do_pwritev(s, off, &v, 1);
out:
	g_mutex_unlock(&s->lock);
	return ret;
}

/* Allocate every cluster (reading zeros); full also reserves the disk space. */
int qcow2_preallocate(struct block_backend *b, bool full)
{
	struct qcow2_state *s = qcow2_state_of(b);
	uint64_t lo = UINT64_MAX, hi = 0;
	int ret = 0;

	if (!s || s->read_only)
		return -EROFS;
	g_mutex_lock(&s->lock);
	for (uint64_t g = 0; g < s->size && !ret; g += s->cluster_size) {
		uint8_t *l2;
		uint64_t idx;
		int64_t host;

		ret = qcow2_get_l2(s, g, true, &l2, &idx);
		if (ret || qcow2_be64(l2 + idx * 8))
			continue;
		host = qcow2_alloc_clusters(s, 1);
		if (host < 0) {
			ret = (int)host;
			break;
		}
		ret = qcow2_get_l2(s, g, true, &l2, &idx);
		if (ret)
			break;
		qcow2_put64(l2 + idx * 8, (uint64_t)host | QCOW2_OFLAG_COPIED);
		qcow2_cache_mark_dirty(&s->l2_cache, l2);
		lo = MIN(lo, (uint64_t)host);
		hi = MAX(hi, (uint64_t)host + s->cluster_size);
	}
	if (!ret && hi > lo) {
		if (full && posix_fallocate(s->fd, lo, hi - lo))
			ret = -EIO;
		if (!ret && hi > s->file_size && ftruncate(s->fd, hi) < 0)
			ret = -errno;
		if (!ret)
			s->file_size = MAX(s->file_size, hi);
	}
	if (!ret)
		ret = qcow2_meta_flush(s);
	if (!ret)
		ret = qcow2_sync(s);
	g_mutex_unlock(&s->lock);
	return ret;
}
