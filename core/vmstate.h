/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Save/restore tables.  A device describes its plain-data fields in a
 * versioned table; vmstate_save writes them little-endian into a byte array
 * (name, version, then each field), vmstate_load checks the name and version
 * and reads them back.  Pointers and host resources are never saved: a
 * post_load hook rebuilds them (timers, mappings, irq levels).
 */
#ifndef CORE_VMSTATE_H
#define CORE_VMSTATE_H

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

enum vms_type { VMS_U8, VMS_U16, VMS_U32, VMS_U64, VMS_BOOL };

struct vmstate_field {
	const char *name;
	size_t offset;
	enum vms_type type;
	size_t count; /* array elements (1 for scalars) */
};

struct vmstate_desc {
	const char *name;
	uint32_t version;
	const struct vmstate_field *fields; /* terminated by name == NULL */
	int (*post_load)(void *opaque);
};

#define VMS_ELEM(st, f) (sizeof(((st *)0)->f))
#define VMSTATE_U8(st, f) { #f, offsetof(st, f), VMS_U8, 1 }
#define VMSTATE_U16(st, f) { #f, offsetof(st, f), VMS_U16, 1 }
#define VMSTATE_U32(st, f) { #f, offsetof(st, f), VMS_U32, 1 }
#define VMSTATE_U64(st, f) { #f, offsetof(st, f), VMS_U64, 1 }
#define VMSTATE_I64(st, f) { #f, offsetof(st, f), VMS_U64, 1 }
#define VMSTATE_BOOL(st, f) { #f, offsetof(st, f), VMS_BOOL, 1 }
#define VMSTATE_U8_ARRAY(st, f) \
	{ #f, offsetof(st, f), VMS_U8, sizeof(((st *)0)->f) }
#define VMSTATE_U16_ARRAY(st, f) \
	{ #f, offsetof(st, f), VMS_U16, sizeof(((st *)0)->f) / 2 }
#define VMSTATE_U32_ARRAY(st, f) \
	{ #f, offsetof(st, f), VMS_U32, sizeof(((st *)0)->f) / 4 }
#define VMSTATE_U64_ARRAY(st, f) \
	{ #f, offsetof(st, f), VMS_U64, sizeof(((st *)0)->f) / 8 }
#define VMSTATE_END { NULL, 0, 0, 0 }

void vmstate_save(const struct vmstate_desc *d, const void *obj, GByteArray *out);
/* Exact size vmstate_save writes for this table. */
size_t vmstate_size(const struct vmstate_desc *d);
/*
 * Check a saved table without applying it: exactly vmstate_size() bytes,
 * this table's name, a version it can read, its field count.  0 or -EINVAL.
 */
int vmstate_check(const struct vmstate_desc *d, const uint8_t *buf, size_t len,
		  GError **err);
/* Returns bytes consumed, or -EINVAL with *err set. */
long vmstate_load(const struct vmstate_desc *d, void *obj, const uint8_t *buf,
		  size_t len, GError **err);

#endif
