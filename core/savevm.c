// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writing and reading the machine state stream described in
 * docs/migration-stream.md: the header with the machine fingerprint, the
 * machine-level sections registered through savevm_register(), one section
 * per device (its vmstate table, core/vmstate.c), the RAM blocks and the
 * end marker.  The input is untrusted: every length is checked against the
 * bytes left and against what this machine expects, every section against
 * its CRC-32, before anything is applied.
 *
 * Left out here: in-flight device requests are not drained (the caller
 * saves a quiescent machine), the writer copies RAM (the loader maps it
 * from a file, core/savevm-load.c), and there
 * is no zero-page or dirty-page encoding (live migration).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/savevm.h"
#include "core/savevm-int.h"

struct sv_ram {
	char *name;
	uint8_t *host;
	uint64_t size;
};

struct sv_section {
	const struct savevm_ops *ops;
	void *opaque;
};

struct savevm_registry {
	GPtrArray *sections; /* struct sv_section * */
	GPtrArray *ram;      /* struct sv_ram *, after the machine's own RAM */
};

/* ---- registry --------------------------------------------------------- */

static int clock_save(void *opaque, GByteArray *out, GError **err)
{
	struct machine *m = opaque;

	sv_put(out, vclock_ns(&m->clock), 8);
	return 0;
}

static int clock_check(void *opaque, const uint8_t *buf, size_t len, uint32_t version,
		       GError **err)
{
	/* at most 2^62 ns (146 years): devices add to it without overflow */
	if (len != 8 || (int64_t)sv_get(buf, 8) < 0 ||
	    (int64_t)sv_get(buf, 8) >= (INT64_C(1) << 62)) {
		error_setg(err, "clock section: bad length or time out of range");
		return -EINVAL;
	}
	return 0;
}

static int clock_load(void *opaque, const uint8_t *buf, size_t len, uint32_t version,
		      GError **err)
{
	struct machine *m = opaque;

	vclock_set_ns(&m->clock, sv_get(buf, 8));
	return 0;
}

static const struct savevm_ops clock_ops = {
	.name = "clock", .version = 1,
	.save = clock_save, .check = clock_check, .load = clock_load,
};

static struct savevm_registry *registry(struct machine *m)
{
	if (!m->savevm) {
		m->savevm = g_new0(struct savevm_registry, 1);
		m->savevm->sections = g_ptr_array_new_with_free_func(g_free);
		m->savevm->ram = g_ptr_array_new();
		savevm_register(m, &clock_ops, m);
	}
	return m->savevm;
}

void savevm_register(struct machine *m, const struct savevm_ops *ops, void *opaque)
{
	struct sv_section *s = g_new0(struct sv_section, 1);

	s->ops = ops;
	s->opaque = opaque;
	g_ptr_array_add(registry(m)->sections, s);
}

void savevm_register_ram(struct machine *m, const char *name, void *host, uint64_t size)
{
	struct sv_ram *r = g_new0(struct sv_ram, 1);

	r->name = g_strdup(name);
	r->host = host;
	r->size = size;
	g_ptr_array_add(registry(m)->ram, r);
}

/* The machine's RAM blocks in stream order: "ram" first, then registered. */
static unsigned ram_count(struct machine *m)
{
	return 1 + registry(m)->ram->len;
}

static struct sv_ram ram_block(struct machine *m, unsigned i)
{
	if (i == 0)
		return (struct sv_ram){ "ram", m->ram, m->cfg->ram_size };
	return *(struct sv_ram *)g_ptr_array_index(registry(m)->ram, i - 1);
}

static struct sv_section *section(struct machine *m, unsigned i)
{
	return g_ptr_array_index(registry(m)->sections, i);
}

static struct device *dev_at(struct machine *m, unsigned i)
{
	return g_ptr_array_index(m->devices, i);
}

/* ---- little-endian helpers (also used by core/savevm-load.c) ---------- */

void sv_put(GByteArray *out, uint64_t v, unsigned n)
{
	uint8_t b[8];

	for (unsigned i = 0; i < n; i++)
		b[i] = v >> (8 * i);
	g_byte_array_append(out, b, n);
}

uint64_t sv_get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void sv_put_str(GByteArray *out, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	n = MIN(n, SV_MAX_STR);
	sv_put(out, n, 2);
	g_byte_array_append(out, (const guint8 *)(s ? s : ""), n);
}

uint32_t sv_crc(uint32_t crc, const uint8_t *p, uint64_t len)
{
	while (len) {
		uInt n = MIN(len, SV_CHUNK);

		crc = crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return crc;
}

/* ---- the header -------------------------------------------------------- */

/* The fingerprint both sides compare: see docs/migration-stream.md. */
GByteArray *sv_header_body(struct machine *m)
{
	GByteArray *b = g_byte_array_new();
	struct savevm_registry *r = registry(m);

	sv_put(b, m->cfg->ram_size, 8);
	sv_put(b, m->cfg->smp_cpus, 4);
	sv_put(b, r->sections->len, 4);
	for (unsigned i = 0; i < r->sections->len; i++) {
		sv_put_str(b, section(m, i)->ops->name);
		sv_put(b, section(m, i)->ops->version, 4);
	}
	sv_put(b, m->devices->len, 4);
	for (unsigned i = 0; i < m->devices->len; i++) {
		const struct vmstate_desc *vmsd = dev_at(m, i)->cls->vmsd;

		sv_put_str(b, dev_at(m, i)->cls->name);
		sv_put_str(b, dev_at(m, i)->id);
		sv_put(b, vmsd ? vmsd->version : 0, 4);
	}
	sv_put(b, ram_count(m), 4);
	for (unsigned i = 0; i < ram_count(m); i++) {
		sv_put_str(b, ram_block(m, i).name);
		sv_put(b, ram_block(m, i).size, 8);
	}
	return b;
}

unsigned sv_state_count(struct machine *m)
{
	return registry(m)->sections->len + m->devices->len;
}

/* ---- writing ----------------------------------------------------------- */

/* Streams may be pipes (exec:), so not core/rw.c's positional helpers. */
struct sv_out {
	int fd;
	uint64_t pos;
};

static int out_write(struct sv_out *o, const void *buf, size_t len, GError **err)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(o->fd, p, MIN(len, SV_CHUNK));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			error_setg(err, "migration: write failed at byte %llu: %s",
				   (unsigned long long)o->pos, g_strerror(e));
			return -e;
		}
		p += n;
		len -= n;
		o->pos += n;
	}
	return 0;
}

static int out_section(struct sv_out *o, unsigned kind, unsigned index, uint32_t version,
		       uint32_t crc, uint64_t len, GError **err)
{
	GByteArray *h = g_byte_array_new();
	uint32_t pad = 0;
	int ret;

	if (kind == SV_KIND_RAM)
		pad = (SV_PAGE - (o->pos + SV_SECT_LEN) % SV_PAGE) % SV_PAGE;
	sv_put(h, SV_SECT_MAGIC, 4);
	sv_put(h, kind, 4);
	sv_put(h, index, 4);
	sv_put(h, version, 4);
	sv_put(h, crc, 4);
	sv_put(h, pad, 4);
	sv_put(h, len, 8);
	g_byte_array_set_size(h, SV_SECT_LEN + pad);
	memset(h->data + SV_SECT_LEN, 0, pad);
	ret = out_write(o, h->data, h->len, err);
	g_byte_array_free(h, TRUE);
	return ret;
}

static int out_state(struct sv_out *o, unsigned kind, unsigned index, uint32_t version,
		     GByteArray *payload, GError **err)
{
	uint32_t crc = sv_crc(0, payload->data, payload->len);
	int ret = out_section(o, kind, index, version, crc, payload->len, err);

	if (!ret)
		ret = out_write(o, payload->data, payload->len, err);
	g_byte_array_set_size(payload, 0);
	return ret;
}

static int save_header(struct machine *m, struct sv_out *o, GError **err)
{
	GByteArray *body = sv_header_body(m), *h = g_byte_array_new();
	int ret;

	g_byte_array_append(h, (const guint8 *)SAVEVM_MAGIC, 8);
	sv_put(h, SAVEVM_FORMAT_VERSION, 4);
	sv_put(h, body->len, 4);
	sv_put(h, sv_crc(0, body->data, body->len), 4);
	g_byte_array_append(h, body->data, body->len);
	ret = out_write(o, h->data, h->len, err);
	g_byte_array_free(body, TRUE);
	g_byte_array_free(h, TRUE);
	return ret;
}

static int save_states(struct machine *m, struct sv_out *o, GError **err)
{
	struct savevm_registry *r = registry(m);
	GByteArray *p = g_byte_array_new();
	int ret = 0;

	for (unsigned i = 0; i < r->sections->len && !ret; i++) {
		const struct savevm_ops *ops = section(m, i)->ops;
		ret = ops->save(section(m, i)->opaque, p, err);
		if (!ret)
			ret = out_state(o, SV_KIND_MACHINE, i, ops->version, p, err);
	}
	for (unsigned i = 0; i < m->devices->len && !ret; i++) {
		struct device *d = dev_at(m, i);
		vmstate_save(d->cls->vmsd, d, p);
		ret = out_state(o, SV_KIND_DEVICE, i, d->cls->vmsd->version, p, err);
	}
	g_byte_array_free(p, TRUE);
	return ret;
}

static int save_ram(struct machine *m, struct sv_out *o, GError **err)
{
	for (unsigned i = 0; i < ram_count(m); i++) {
		struct sv_ram b = ram_block(m, i);
		uint32_t crc = sv_crc(0, b.host, b.size);
		int ret = out_section(o, SV_KIND_RAM, i, 1, crc, b.size, err);

		if (!ret)
			ret = out_write(o, b.host, b.size, err);
		if (ret)
			return ret;
	}
	return 0;
}

int savevm_save(struct machine *m, int fd, uint64_t *bytes, GError **err)
{
	struct sv_out o = { .fd = fd };
	int ret;

	for (unsigned i = 0; i < m->devices->len; i++) {
		if (!dev_at(m, i)->cls->vmsd) {
			error_setg(err, "migration: device %s has no save/restore table",
				   dev_at(m, i)->cls->name);
			return -ENOTSUP;
		}
	}
	ret = save_header(m, &o, err);
	if (!ret)
		ret = save_states(m, &o, err);
	if (!ret)
		ret = save_ram(m, &o, err);
	if (!ret)
		ret = out_section(&o, SV_KIND_END, 0, 1, 0, 0, err);
	if (bytes)
		*bytes = o.pos;
	return ret;
}

/* ---- applying (after core/savevm-load.c checked everything) ------------ */

int sv_check_state(struct machine *m, unsigned i, const uint8_t *buf, size_t len,
		   uint32_t version, GError **err)
{
	struct savevm_registry *r = registry(m);
	struct device *d;

	if (i < r->sections->len) {
		const struct savevm_ops *ops = section(m, i)->ops;
		if (!ops->check)
			return 0;
		return ops->check(section(m, i)->opaque, buf, len, version, err);
	}
	d = dev_at(m, i - r->sections->len);
	return vmstate_check(d->cls->vmsd, buf, len, err);
}

int sv_apply_state(struct machine *m, unsigned i, const uint8_t *buf, size_t len,
		   uint32_t version, GError **err)
{
	struct savevm_registry *r = registry(m);
	struct device *d;

	if (i < r->sections->len) {
		struct sv_section *s = section(m, i);
		return s->ops->load(s->opaque, buf, len, version, err);
	}
	d = dev_at(m, i - r->sections->len);
	return vmstate_load(d->cls->vmsd, d, buf, len, err) == (long)len ? 0 : -EINVAL;
}

uint32_t sv_state_version(struct machine *m, unsigned i)
{
	struct savevm_registry *r = registry(m);

	if (i < r->sections->len)
		return section(m, i)->ops->version;
	return dev_at(m, i - r->sections->len)->cls->vmsd->version;
}

const char *sv_state_name(struct machine *m, unsigned i)
{
	struct savevm_registry *r = registry(m);

	if (i < r->sections->len)
		return section(m, i)->ops->name;
	return dev_at(m, i - r->sections->len)->cls->name;
}

unsigned sv_ram_count(struct machine *m)
{
	return ram_count(m);
}

void sv_ram_block(struct machine *m, unsigned i, const char **name, uint8_t **host,
		  uint64_t *size)
{
	struct sv_ram b = ram_block(m, i);

	*name = b.name;
	*host = b.host;
	*size = b.size;
}
