/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's state as one stream (docs/migration-stream.md): a header
 * that fingerprints the machine (RAM size, CPUs, every state section, every
 * device with its table version, every RAM block), then the machine-level
 * sections (the virtual clock, board registers, accelerator state), then
 * one section per device walked from its save/restore table, then the RAM
 * blocks page-aligned, then an end marker.  Each section carries its
 * length, version and CRC-32; the loader checks all of them, and every
 * state section, before it changes anything, then loads RAM, then applies
 * the sections in stream order.
 *
 * Layers above core add what core cannot see through savevm_register()
 * (ops, no calls by name) and savevm_register_ram() (e.g. VGA memory).
 */
#ifndef CORE_SAVEVM_H
#define CORE_SAVEVM_H

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

struct machine;

#define SAVEVM_MAGIC "KVMPC-SV"
#define SAVEVM_FORMAT_VERSION 1

/* A machine-level section: state that is not one device's table. */
struct savevm_ops {
	const char *name;
	uint32_t version;
	/* Append the state to out; 0 or -errno with *err set (lock held). */
	int (*save)(void *opaque, GByteArray *out, GError **err);
	/* Optional: check a payload without applying it; 0 or -EINVAL. */
	int (*check)(void *opaque, const uint8_t *buf, size_t len, uint32_t version,
		     GError **err);
	/* Apply a payload that passed check; 0 or -errno with *err set. */
	int (*load)(void *opaque, const uint8_t *buf, size_t len, uint32_t version,
		    GError **err);
};

/* Register before the first save or load (set-up time); opaque is ops' own. */
void savevm_register(struct machine *m, const struct savevm_ops *ops, void *opaque);
/* Guest memory outside m->ram that the guest can write (VGA VRAM...). */
void savevm_register_ram(struct machine *m, const char *name, void *host, uint64_t size);

/*
 * Write the whole machine to fd (vCPUs paused, lock held).  Returns 0, or
 * -errno with *err set; *bytes (may be NULL) gets the stream length.
 */
int savevm_save(struct machine *m, int fd, uint64_t *bytes, GError **err);
/*
 * Read a stream from fd into this machine (vCPUs paused, lock held).  A
 * stream from another machine configuration, or a malformed one, is
 * refused with *err set before any state is applied; a failure after RAM
 * was read leaves the machine unusable (the caller must not run it).
 */
int savevm_load(struct machine *m, int fd, GError **err);

#endif
