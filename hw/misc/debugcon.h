/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bochs/QEMU debug console ("isa-debugcon"): a one-byte port whose writes go
 * to a character device and whose reads return a fixed byte.
 */
#ifndef HW_MISC_DEBUGCON_H
#define HW_MISC_DEBUGCON_H

#include <stdint.h>
#include <glib.h>
#include "core/device.h"
#include "core/memory.h"

struct machine;
struct chardev;

#define DEBUGCON_DEFAULT_IOBASE 0xe9
#define DEBUGCON_DEFAULT_READBACK 0xe9

struct debugcon_config {
	uint16_t iobase;     /* 0xe9 (-debugcon), SeaBIOS logs to 0x402 */
	uint8_t readback;    /* value of every read; SeaBIOS wants 0xe9 */
	struct chardev *chr; /* required */
};

struct debugcon {
	struct device dev;
	struct debugcon_config cfg;
	struct mem_region region;
};

extern const struct device_class debugcon_isa_class;

/* Fill in the defaults (0xe9, readback 0xe9, no chardev). */
void debugcon_default(struct debugcon_config *cfg);
/* Create, realize and register (-debugcon SPEC). */
struct debugcon *debugcon_create(struct machine *m, const struct debugcon_config *cfg,
				 GError **err);

#endif
