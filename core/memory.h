/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Address spaces and regions.  A machine has two address spaces: memory and
 * I/O ports.  A region is either RAM/ROM (host pointer) or MMIO/PIO (ops).
 * The dispatcher splits accesses wider than a region's max_access and widens
 * accesses narrower than its min_access, so a device only sees sizes it
 * declared.  Overlapping regions are refused unless priorities differ; the
 * higher priority wins.  Unassigned reads return all ones, writes are dropped.
 */
#ifndef CORE_MEMORY_H
#define CORE_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

struct mem_ops {
	/* addr is the offset inside the region; size in bytes (1,2,4,8). */
	uint64_t (*read)(void *opaque, uint64_t addr, unsigned size);
	void (*write)(void *opaque, uint64_t addr, uint64_t val, unsigned size);
	unsigned min_access; /* 0 means 1 */
	unsigned max_access; /* 0 means 4 */
};

struct address_space;

struct mem_region {
	const char *name;
	uint64_t addr; /* guest address when mapped */
	uint64_t size;
	int priority;
	/* MMIO / PIO */
	const struct mem_ops *ops;
	void *opaque;
	/* RAM / ROM: host memory of size bytes; readonly makes it ROM */
	uint8_t *ram;
	bool readonly;
	bool dirty_log; /* KVM dirty page logging (framebuffers) */
	/* bookkeeping */
	struct address_space *as; /* non-NULL while mapped */
	int slot;                 /* KVM memslot, -1 if none */
};

/* Listener told about RAM/ROM regions appearing and disappearing. */
struct mem_listener {
	void (*region_add)(void *opaque, struct mem_region *r);
	void (*region_del)(void *opaque, struct mem_region *r);
	void *opaque;
};

struct address_space {
	const char *name;
	uint64_t size;        /* addresses >= size are invalid */
	GPtrArray *regions;   /* struct mem_region *, sorted by addr */
	struct mem_listener listener;
	bool has_listener;
};

void mr_init_io(struct mem_region *r, const char *name, uint64_t size,
		const struct mem_ops *ops, void *opaque);
void mr_init_ram(struct mem_region *r, const char *name, uint64_t size,
		 uint8_t *host, bool readonly);

void as_init(struct address_space *as, const char *name, uint64_t size);
void as_destroy(struct address_space *as);
void as_set_listener(struct address_space *as, const struct mem_listener *l);

/*
 * Map r at addr.  Returns 0, -EEXIST if it overlaps a region of the same
 * priority, -EINVAL for a bad range, -EBUSY if r is already mapped.
 */
int as_add(struct address_space *as, struct mem_region *r, uint64_t addr);
/* Unmap r (no-op when not mapped). */
void as_del(struct mem_region *r);
/* Move r to addr (del + add); returns as_add's result. */
int as_move(struct mem_region *r, uint64_t addr);

/* Region that decides the byte at addr (highest priority), or NULL. */
struct mem_region *as_find(struct address_space *as, uint64_t addr);

/* One access of size 1/2/4/8 at addr, split/widened as needed. */
uint64_t as_read(struct address_space *as, uint64_t addr, unsigned size);
void as_write(struct address_space *as, uint64_t addr, uint64_t val, unsigned size);

/* Bulk copy through the address space (RAM fast path, MMIO byte by byte). */
void as_read_buf(struct address_space *as, uint64_t addr, void *buf, size_t len);
void as_write_buf(struct address_space *as, uint64_t addr, const void *buf, size_t len);

/*
 * Host pointer for [addr, addr+len) if the whole range is writable RAM in
 * one region (for device DMA); NULL otherwise.  Never points outside the
 * region: callers must treat NULL as a guest error.
 */
void *as_ram_ptr(struct address_space *as, uint64_t addr, uint64_t len);

#endif
