// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a machine state stream (docs/migration-stream.md) from an
 * untrusted source.  Order of work: the header is read and compared with
 * this machine's fingerprint item by item (so a mismatch is named, not
 * just refused); every state section is read, its length, version, index
 * and CRC-32 checked and its payload checked by its owner, all before
 * anything is applied; then the RAM blocks are read into guest memory
 * (CRC checked); then the end marker and end of stream; only then are the
 * sections applied, in stream order.  Nothing here trusts a length read
 * from the stream before comparing it with the bytes this machine expects.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "core/log.h"
#include "core/machine.h"
#include "core/savevm.h"
#include "core/savevm-int.h"

struct sv_in {
	int fd;
	uint64_t pos;
};

struct sv_cur {
	const uint8_t *p;
	size_t len, pos;
	bool bad;
};

struct sv_sect {
	uint32_t kind, index, version, crc, pad;
	uint64_t len;
};

static int in_read(struct sv_in *in, void *buf, size_t len, GError **err)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(in->fd, p, MIN(len, SV_CHUNK));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error_setg(err, "read failed at byte %llu: %s",
				   (unsigned long long)in->pos, g_strerror(errno));
			return -errno;
		}
		if (n == 0) {
			error_setg(err, "stream truncated at byte %llu",
				   (unsigned long long)in->pos);
			return -EINVAL;
		}
		p += n;
		len -= n;
		in->pos += n;
	}
	return 0;
}

/* ---- header: compare the stream's fingerprint with ours ---------------- */

static uint64_t cur_get(struct sv_cur *c, unsigned n)
{
	uint64_t v;

	if (c->bad || c->len - c->pos < n) {
		c->bad = true;
		return 0;
	}
	v = sv_get(c->p + c->pos, n);
	c->pos += n;
	return v;
}

static char *cur_str(struct sv_cur *c)
{
	size_t n = cur_get(c, 2);
	char *s;

	if (c->bad || n > SV_MAX_STR || c->len - c->pos < n) {
		c->bad = true;
		return g_strdup("");
	}
	s = g_strndup((const char *)c->p + c->pos, n);
	c->pos += n;
	return s;
}

/* Compare one number; on a difference set *err naming item idx (< 0: none). */
static bool same_u(struct sv_cur *a, struct sv_cur *b, unsigned n, GError **err,
		   const char *what, int idx)
{
	uint64_t x = cur_get(a, n), y = cur_get(b, n);
	g_autofree char *item = idx < 0 ? g_strdup(what) : g_strdup_printf("%s %d", what, idx);

	if (a->bad || x == y)
		return !a->bad;
	error_setg(err, "the stream's machine differs: %s is %llu there, %llu here",
		   item, (unsigned long long)x, (unsigned long long)y);
	return false;
}

static bool same_str(struct sv_cur *a, struct sv_cur *b, GError **err, const char *what,
		     int idx)
{
	g_autofree char *x = cur_str(a);
	g_autofree char *y = cur_str(b);

	if (a->bad || !strcmp(x, y))
		return !a->bad;
	error_setg(err, "the stream's machine differs: %s %d is '%s' there, '%s' here",
		   what, idx, x, y);
	return false;
}

/*
 * A list: a count, then per item a string ('s') or a number of 4 or 8
 * bytes ('4', '8') for each letter of shape.
 */
static bool same_item(struct sv_cur *a, struct sv_cur *b, GError **err, const char *what,
		      const char *shape, uint32_t i)
{
	for (const char *s = shape; *s; s++) {
		bool ok = *s == 's' ? same_str(a, b, err, what, i) :
			  same_u(a, b, *s - '0', err, what, i);
		if (!ok)
			return false;
	}
	return true;
}

static bool same_list(struct sv_cur *a, struct sv_cur *b, GError **err, const char *what,
		      const char *shape)
{
	g_autofree char *count = g_strdup_printf("the number of %ss", what);
	uint32_t theirs = cur_get(a, 4), mine = cur_get(b, 4);
	GError *first = NULL;

	if (a->bad)
		return false;
	for (uint32_t i = 0; i < MIN(theirs, mine); i++)
		if (!same_item(a, b, &first, what, shape, i))
			break;
	if (theirs == mine || a->bad) {
		if (first)
			g_propagate_error(err, first);
		return !first && !a->bad;
	}
	/* counts differ: name the first differing item too */
	if (first)
		error_setg(err, "the stream's machine differs: %s is %u there, %u here "
			   "(first difference: %s)", count, theirs, mine,
			   strstr(first->message, "differs: ") + 9);
	else
		error_setg(err, "the stream's machine differs: %s is %u there, %u here "
			   "(the first %u are the same)", count, theirs, mine, MIN(theirs, mine));
	g_clear_error(&first);
	return false;
}

static int compare_body(struct machine *m, const uint8_t *body, size_t len, GError **err)
{
	GByteArray *mine = sv_header_body(m);
	struct sv_cur a = { body, len, 0, false }, b = { mine->data, mine->len, 0, false };
	bool ok;

	ok = same_u(&a, &b, 8, err, "the RAM size in bytes", -1) &&
	     same_u(&a, &b, 4, err, "the number of CPUs", -1) &&
	     same_list(&a, &b, err, "machine section", "s4") &&
	     same_list(&a, &b, err, "device", "ss4") &&
	     same_list(&a, &b, err, "RAM block", "s8");
	if (ok && a.pos != a.len) {
		error_setg(err, "header has %zu unexpected trailing bytes", a.len - a.pos);
		ok = false;
	}
	if (!ok && a.bad && !(err && *err))
		error_setg(err, "malformed header (ends at byte %zu of %zu)", a.pos, a.len);
	g_byte_array_free(mine, TRUE);
	return ok ? 0 : -EINVAL;
}

static int read_header(struct machine *m, struct sv_in *in, GError **err)
{
	uint8_t h[SV_HDR_LEN];
	uint32_t len, crc;
	g_autofree uint8_t *body = NULL;

	if (in_read(in, h, sizeof(h), err) < 0)
		return -EINVAL;
	if (memcmp(h, SAVEVM_MAGIC, 8)) {
		error_setg(err, "not a kvmpc machine state stream (bad magic)");
		return -EINVAL;
	}
	if (sv_get(h + 8, 4) != SAVEVM_FORMAT_VERSION) {
		error_setg(err, "stream format version %u, this kvmpc reads %u",
			   (unsigned)sv_get(h + 8, 4), SAVEVM_FORMAT_VERSION);
		return -EINVAL;
	}
	len = sv_get(h + 12, 4);
	crc = sv_get(h + 16, 4);
	if (len > SV_MAX_BODY) {
		error_setg(err, "header length %u is over the limit", len);
		return -EINVAL;
	}
	body = g_malloc(len ? len : 1);
	if (in_read(in, body, len, err) < 0)
		return -EINVAL;
	if (sv_crc(0, body, len) != crc) {
		error_setg(err, "header checksum mismatch");
		return -EINVAL;
	}
	return compare_body(m, body, len, err);
}

/* ---- sections ---------------------------------------------------------- */

static int read_sect(struct sv_in *in, struct sv_sect *s, uint32_t kind, uint32_t index,
		     GError **err)
{
	uint8_t h[SV_SECT_LEN];
	uint64_t at = in->pos;

	if (in_read(in, h, sizeof(h), err) < 0)
		return -EINVAL;
	s->kind = sv_get(h + 4, 4);
	s->index = sv_get(h + 8, 4);
	s->version = sv_get(h + 12, 4);
	s->crc = sv_get(h + 16, 4);
	s->pad = sv_get(h + 20, 4);
	s->len = sv_get(h + 24, 8);
	if (sv_get(h, 4) != SV_SECT_MAGIC || s->kind != kind || s->index != index) {
		error_setg(err, "bad section header at byte %llu (want kind %u index %u)",
			   (unsigned long long)at, kind, index);
		return -EINVAL;
	}
	return 0;
}

static int read_state(struct machine *m, struct sv_in *in, unsigned i, GBytes **out,
		      GError **err)
{
	unsigned nsec = sv_state_count(m) - m->devices->len;
	bool dev = i >= nsec;
	struct sv_sect s;
	uint8_t *buf;

	if (read_sect(in, &s, dev ? SV_KIND_DEVICE : SV_KIND_MACHINE, dev ? i - nsec : i,
		      err) < 0)
		return -EINVAL;
	if (s.pad || s.len > SV_MAX_STATE || s.version != sv_state_version(m, i)) {
		error_setg(err, "section %s: bad padding, length or version",
			   sv_state_name(m, i));
		return -EINVAL;
	}
	buf = g_malloc(s.len ? s.len : 1);
	if (in_read(in, buf, s.len, err) < 0 || sv_crc(0, buf, s.len) != s.crc ||
	    sv_check_state(m, i, buf, s.len, s.version, err) < 0) {
		if (!*err)
			error_setg(err, "section %s: checksum mismatch", sv_state_name(m, i));
		g_free(buf);
		return -EINVAL;
	}
	*out = g_bytes_new_take(buf, s.len);
	return 0;
}

/* Skip n padding bytes, which must be zero. */
static int read_pad(struct sv_in *in, uint32_t n, GError **err)
{
	uint8_t pad[SV_PAGE];

	if (in_read(in, pad, n, err) < 0)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		if (pad[i]) {
			error_setg(err, "non-zero padding at byte %llu",
				   (unsigned long long)(in->pos - n + i));
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * From a regular file, map the block over guest memory (private,
 * copy-on-write) instead of reading it: 0 when mapped, 1 when the block
 * must be read instead (a pipe, or an unaligned block), -EINVAL on error.
 * The mapped contents are not checksummed (that would read them all):
 * guest memory is the guest's data, and no value in it can harm kvmpc.
 * The file must then stay as it is while the guest runs.
 */
static int map_ram(struct sv_in *in, const char *name, uint8_t *host, uint64_t size,
		   GError **err)
{
	struct stat st;

	if (fstat(in->fd, &st) < 0 || !S_ISREG(st.st_mode) || in->pos % SV_PAGE ||
	    (uintptr_t)host % SV_PAGE || size % SV_PAGE || !size)
		return 1;
	if ((uint64_t)st.st_size < in->pos || (uint64_t)st.st_size - in->pos < size) {
		error_setg(err, "stream truncated in RAM block %s", name);
		return -EINVAL;
	}
	if (mmap(host, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_NORESERVE,
		 in->fd, in->pos) == MAP_FAILED) {
		error_setg(err, "RAM block %s: cannot map the file: %s", name, g_strerror(errno));
		return -EINVAL;
	}
	in->pos += size;
	if (lseek(in->fd, in->pos, SEEK_SET) < 0) {
		error_setg(err, "RAM block %s: %s", name, g_strerror(errno));
		return -EINVAL;
	}
	return 0;
}

static int read_ram(struct sv_in *in, unsigned i, const char *name, uint8_t *host,
		    uint64_t size, GError **err)
{
	struct sv_sect s;
	uint32_t crc = 0;
	int ret;

	if (read_sect(in, &s, SV_KIND_RAM, i, err) < 0)
		return -EINVAL;
	if (s.len != size || s.version != 1 || s.pad >= SV_PAGE ||
	    (in->pos + s.pad) % SV_PAGE) {
		error_setg(err, "RAM block %s: bad length, version or alignment", name);
		return -EINVAL;
	}
	if (read_pad(in, s.pad, err) < 0)
		return -EINVAL;
	ret = map_ram(in, name, host, size, err);
	if (ret <= 0)
		return ret;
	for (uint64_t off = 0; off < size; off += SV_CHUNK) {
		size_t n = MIN(size - off, SV_CHUNK);
		if (in_read(in, host + off, n, err) < 0)
			return -EINVAL;
		crc = sv_crc(crc, host + off, n);
	}
	if (crc != s.crc) {
		error_setg(err, "RAM block %s: checksum mismatch", name);
		return -EINVAL;
	}
	return 0;
}

static int read_end(struct sv_in *in, GError **err)
{
	struct sv_sect s;
	uint8_t extra;
	ssize_t n;

	if (read_sect(in, &s, SV_KIND_END, 0, err) < 0)
		return -EINVAL;
	if (s.len || s.pad || s.crc || s.version != 1) {
		error_setg(err, "bad end marker");
		return -EINVAL;
	}
	do {
		n = read(in->fd, &extra, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 0) {
		error_setg(err, "unexpected data after the end marker");
		return -EINVAL;
	}
	return 0;
}

static int read_all_ram(struct machine *m, struct sv_in *in, GError **err)
{
	for (unsigned i = 0; i < sv_ram_count(m); i++) {
		const char *name;
		uint8_t *host;
		uint64_t size;

		sv_ram_block(m, i, &name, &host, &size);
		if (read_ram(in, i, name, host, size, err) < 0)
			return -EINVAL;
	}
	return read_end(in, err);
}

static int apply_states(struct machine *m, GPtrArray *states, GError **err)
{
	for (unsigned i = 0; i < states->len; i++) {
		gsize len;
		const uint8_t *p = g_bytes_get_data(g_ptr_array_index(states, i), &len);

		if (sv_apply_state(m, i, p, len, sv_state_version(m, i), err) < 0) {
			if (!*err)
				error_setg(err, "refused");
			g_prefix_error(err, "loading %s: ", sv_state_name(m, i));
			return -EINVAL;
		}
	}
	return 0;
}

int savevm_load(struct machine *m, int fd, GError **err)
{
	struct sv_in in = { .fd = fd };
	GPtrArray *states = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	GError *e = NULL;
	int ret = read_header(m, &in, &e);

	for (unsigned i = 0; !ret && i < sv_state_count(m); i++) {
		GBytes *b = NULL;
		ret = read_state(m, &in, i, &b, &e);
		if (!ret)
			g_ptr_array_add(states, b);
	}
	if (!ret)
		ret = read_all_ram(m, &in, &e);
	if (!ret)
		ret = apply_states(m, states, &e);
	g_ptr_array_free(states, TRUE);
	if (ret) {
		g_propagate_prefixed_error(err, e, "incoming migration: ");
		return -EINVAL;
	}
	return 0;
}
