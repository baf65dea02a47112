// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Address spaces: a sorted list of regions, a dispatcher that resolves the
 * highest-priority region for an address, and access adaptation.  Accesses
 * wider than a region's max_access are split into little-endian pieces,
 * narrower than min_access are widened to an aligned access (writes pass the
 * value shifted into place with zero elsewhere).  Accesses crossing a region
 * boundary go byte by byte.  The memory space reads 0 where nothing is
 * mapped (as QEMU's), the I/O space all ones (as ISA buses float).
 * RAM/ROM regions are announced to one listener (the KVM memslot code).
 */
#include <errno.h>
#include <string.h>
#include "core/memory.h"
#include "core/log.h"

void mr_init_io(struct mem_region *r, const char *name, uint64_t size,
		const struct mem_ops *ops, void *opaque)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->size = size;
	r->ops = ops;
	r->opaque = opaque;
	r->slot = -1;
}

void mr_init_ram(struct mem_region *r, const char *name, uint64_t size,
		 uint8_t *host, bool readonly)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->size = size;
	r->ram = host;
	r->readonly = readonly;
	r->slot = -1;
}

void as_init(struct address_space *as, const char *name, uint64_t size)
{
	memset(as, 0, sizeof(*as));
	as->name = name;
	as->size = size;
	as->regions = g_ptr_array_new();
}

void as_destroy(struct address_space *as)
{
	while (as->regions->len)
		as_del(g_ptr_array_index(as->regions, 0));
	g_ptr_array_free(as->regions, TRUE);
	as->regions = NULL;
}

void as_set_listener(struct address_space *as, const struct mem_listener *l)
{
	as->listener = *l;
	as->has_listener = true;
	for (unsigned i = 0; i < as->regions->len; i++) {
		struct mem_region *r = g_ptr_array_index(as->regions, i);
		if (r->ram)
			l->region_add(l->opaque, r);
	}
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int as_add(struct address_space *as, struct mem_region *r, uint64_t addr)
{
	unsigned pos;

	if (r->as)
		return -EBUSY;
	if (!r->size || addr > as->size || r->size > as->size - addr)
		return -EINVAL;
	for (unsigned i = 0; i < as->regions->len; i++) {
		struct mem_region *o = g_ptr_array_index(as->regions, i);
		if (o->priority == r->priority && ranges_overlap(addr, r->size, o->addr, o->size))
			return -EEXIST;
		/* RAM slots can never overlap, whatever the priority */
		if (o->ram && r->ram && ranges_overlap(addr, r->size, o->addr, o->size))
			return -EEXIST;
	}
	r->addr = addr;
	r->as = as;
	for (pos = 0; pos < as->regions->len; pos++) {
		struct mem_region *o = g_ptr_array_index(as->regions, pos);
		if (o->addr > addr)
			break;
	}
	g_ptr_array_insert(as->regions, pos, r);
	if (r->ram && as->has_listener)
		as->listener.region_add(as->listener.opaque, r);
	return 0;
}

void as_del(struct mem_region *r)
{
	struct address_space *as = r->as;

	if (!as)
		return;
	if (r->ram && as->has_listener)
		as->listener.region_del(as->listener.opaque, r);
	g_ptr_array_remove(as->regions, r);
	r->as = NULL;
}

int as_move(struct mem_region *r, uint64_t addr)
{
	struct address_space *as = r->as;

	if (!as)
		return -EINVAL;
	if (r->addr == addr)
		return 0;
	as_del(r);
	return as_add(as, r, addr);
}

struct mem_region *as_find(struct address_space *as, uint64_t addr)
{
	struct mem_region *best = NULL;

	for (unsigned i = 0; i < as->regions->len; i++) {
		struct mem_region *r = g_ptr_array_index(as->regions, i);
		if (r->addr > addr)
			break;
		if (addr - r->addr < r->size && (!best || r->priority > best->priority))
			best = r;
	}
	return best;
}

static uint64_t unassigned_value(struct address_space *as, unsigned size)
{
	if (as->size > 0x10000) /* memory: reads as 0 */
		return 0;
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static uint64_t ops_read(struct mem_region *r, uint64_t off, unsigned size)
{
	unsigned min = r->ops->min_access ? r->ops->min_access : 1;
	unsigned max = r->ops->max_access ? r->ops->max_access : 4;
	uint64_t v = 0;

	if (!r->ops->read)
		return unassigned_value(r->as, size);
	if (size < min) {
		uint64_t base = off & ~(uint64_t)(min - 1);
		uint64_t w = r->ops->read(r->opaque, base, min);
		v = w >> ((off - base) * 8);
	} else if (size > max) {
		for (unsigned i = 0; i < size; i += max)
			v |= ops_read(r, off + i, max) << (i * 8);
		return v;
	} else {
		v = r->ops->read(r->opaque, off, size);
	}
	return size >= 8 ? v : v & ((1ULL << (size * 8)) - 1);
}

static void ops_write(struct mem_region *r, uint64_t off, uint64_t val, unsigned size)
{
	unsigned min = r->ops->min_access ? r->ops->min_access : 1;
	unsigned max = r->ops->max_access ? r->ops->max_access : 4;

	if (size < 8)
		val &= (1ULL << (size * 8)) - 1;
	if (!r->ops->write)
		return;
	if (size < min) {
		uint64_t base = off & ~(uint64_t)(min - 1);
		r->ops->write(r->opaque, base, val << ((off - base) * 8), min);
	} else if (size > max) {
		for (unsigned i = 0; i < size; i += max)
			ops_write(r, off + i, val >> (i * 8), max);
	} else {
		r->ops->write(r->opaque, off, val, size);
	}
}

/* True if r covers [addr, addr+size) entirely and nothing outranks it there. */
static bool region_covers(struct address_space *as, struct mem_region *r,
			  uint64_t addr, unsigned size)
{
	return r && size <= r->size && addr - r->addr <= r->size - size &&
	       (size == 1 || as_find(as, addr + size - 1) == r);
}

uint64_t as_read(struct address_space *as, uint64_t addr, unsigned size)
{
	struct mem_region *r = as_find(as, addr);
	uint64_t v = 0;

	if (!region_covers(as, r, addr, size)) {
		if (size == 1)
			return unassigned_value(as, 1);
		for (unsigned i = 0; i < size; i++)
			v |= as_read(as, addr + i, 1) << (i * 8);
		return v;
	}
	if (r->ram) {
		memcpy(&v, r->ram + (addr - r->addr), size);
		return v;
	}
	return ops_read(r, addr - r->addr, size);
}

void as_write(struct address_space *as, uint64_t addr, uint64_t val, unsigned size)
{
	struct mem_region *r = as_find(as, addr);

	if (!region_covers(as, r, addr, size)) {
		if (size == 1)
			return;
		for (unsigned i = 0; i < size; i++)
			as_write(as, addr + i, val >> (i * 8), 1);
		return;
	}
	if (r->ram) {
		if (!r->readonly)
			memcpy(r->ram + (addr - r->addr), &val, size);
		return;
	}
	ops_write(r, addr - r->addr, val, size);
}

void as_read_buf(struct address_space *as, uint64_t addr, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		struct mem_region *r = as_find(as, addr);
		if (r && r->ram) {
			uint64_t off = addr - r->addr;
			size_t n = MIN(len, r->size - off);
			memcpy(p, r->ram + off, n);
			p += n, addr += n, len -= n;
		} else {
			*p++ = as_read(as, addr++, 1);
			len--;
		}
	}
}

void as_write_buf(struct address_space *as, uint64_t addr, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		struct mem_region *r = as_find(as, addr);
		if (r && r->ram) {
			uint64_t off = addr - r->addr;
			size_t n = MIN(len, r->size - off);
			if (!r->readonly)
				memcpy(r->ram + off, p, n);
			p += n, addr += n, len -= n;
		} else {
			as_write(as, addr++, *p++, 1);
			len--;
		}
	}
}

void *as_ram_ptr(struct address_space *as, uint64_t addr, uint64_t len)
{
	struct mem_region *r = as_find(as, addr);

	if (!r || !r->ram || r->readonly || !len)
		return NULL;
	if (len > r->size || addr - r->addr > r->size - len)
		return NULL;
	if (as_find(as, addr + len - 1) != r)
		return NULL;
	return r->ram + (addr - r->addr);
}
