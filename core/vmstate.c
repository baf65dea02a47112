// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Save/restore of plain device fields described by struct vmstate_desc.
 * Stream format per device: u16 name length, name, u32 version, u32 field
 * count, then each field's elements little-endian.  Loading refuses another
 * name, a newer version or a short buffer.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "core/log.h"
#include "core/vmstate.h"

static size_t type_size(enum vms_type t)
{
	switch (t) {
	case VMS_U8: case VMS_BOOL: return 1;
	case VMS_U16: return 2;
	case VMS_U32: return 4;
	case VMS_U64: return 8;
	}
	return 0;
}

static void put_le(GByteArray *out, uint64_t v, size_t n)
{
	uint8_t b[8];

	for (size_t i = 0; i < n; i++)
		b[i] = v >> (8 * i);
	g_byte_array_append(out, b, n);
}

static uint64_t get_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint64_t field_get(const uint8_t *p, enum vms_type t)
{
	switch (t) {
	case VMS_U8: return *p;
	case VMS_BOOL: return *(const bool *)p;
	case VMS_U16: { uint16_t v; memcpy(&v, p, 2); return v; }
	case VMS_U32: { uint32_t v; memcpy(&v, p, 4); return v; }
	case VMS_U64: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
	return 0;
}

static void field_set(uint8_t *p, enum vms_type t, uint64_t v)
{
	switch (t) {
	case VMS_U8: *p = v; break;
	case VMS_BOOL: *(bool *)p = v != 0; break;
	case VMS_U16: { uint16_t x = v; memcpy(p, &x, 2); break; }
	case VMS_U32: { uint32_t x = v; memcpy(p, &x, 4); break; }
	case VMS_U64: memcpy(p, &v, 8); break;
	}
}

static uint32_t count_fields(const struct vmstate_desc *d)
{
	uint32_t n = 0;

	while (d->fields[n].name)
		n++;
	return n;
}

void vmstate_save(const struct vmstate_desc *d, const void *obj, GByteArray *out)
{
	size_t nl = strlen(d->name);
	const uint8_t *base = obj;

	put_le(out, nl, 2);
	g_byte_array_append(out, (const guint8 *)d->name, nl);
	put_le(out, d->version, 4);
	put_le(out, count_fields(d), 4);
	for (const struct vmstate_field *f = d->fields; f->name; f++) {
		size_t es = f->type == VMS_BOOL ? sizeof(bool) : type_size(f->type);
		for (size_t i = 0; i < f->count; i++)
			put_le(out, field_get(base + f->offset + i * es, f->type), type_size(f->type));
	}
}

size_t vmstate_size(const struct vmstate_desc *d)
{
	size_t n = 2 + strlen(d->name) + 8;

	for (const struct vmstate_field *f = d->fields; f->name; f++)
		n += type_size(f->type) * f->count;
	return n;
}

int vmstate_check(const struct vmstate_desc *d, const uint8_t *buf, size_t len,
		  GError **err)
{
	size_t nl = strlen(d->name);

	if (len != vmstate_size(d)) {
		error_setg(err, "vmstate %s: %zu bytes, the table needs %zu", d->name, len,
			   vmstate_size(d));
		return -EINVAL;
	}
	if (get_le(buf, 2) != nl || memcmp(buf + 2, d->name, nl)) {
		error_setg(err, "vmstate: expected section %s", d->name);
		return -EINVAL;
	}
	if (get_le(buf + 2 + nl, 4) > d->version ||
	    get_le(buf + 2 + nl + 4, 4) != count_fields(d)) {
		error_setg(err, "vmstate %s: unsupported version or layout", d->name);
		return -EINVAL;
	}
	return 0;
}

long vmstate_load(const struct vmstate_desc *d, void *obj, const uint8_t *buf,
		  size_t len, GError **err)
{
	size_t pos = 0, nl;
	uint8_t *base = obj;

#define NEED(n)                                                                 \
	do {                                                                    \
		if (len - pos < (size_t)(n)) {                                  \
			error_setg(err, \
				    "vmstate %s: truncated", d->name);          \
			return -EINVAL;                                         \
		}                                                               \
	} while (0)
	NEED(2);
	nl = get_le(buf, 2);
	pos = 2;
	NEED(nl + 8);
	if (nl != strlen(d->name) || memcmp(buf + pos, d->name, nl)) {
		error_setg(err, "vmstate: expected section %s", d->name);
		return -EINVAL;
	}
	pos += nl;
	if (get_le(buf + pos, 4) > d->version || get_le(buf + pos + 4, 4) != count_fields(d)) {
		error_setg(err, "vmstate %s: unsupported version or layout", d->name);
		return -EINVAL;
	}
	pos += 8;
	for (const struct vmstate_field *f = d->fields; f->name; f++) {
		size_t ts = type_size(f->type);
		size_t es = f->type == VMS_BOOL ? sizeof(bool) : ts;
		NEED(ts * f->count);
		for (size_t i = 0; i < f->count; i++, pos += ts)
			field_set(base + f->offset + i * es, f->type, get_le(buf + pos, ts));
	}
#undef NEED
	if (d->post_load && d->post_load(obj) < 0) {
		error_setg(err, "vmstate %s: post_load refused the state", d->name);
		return -EINVAL;
	}
	return pos;
}
