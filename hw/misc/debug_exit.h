/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's test exit port ("isa-debug-exit"): writing V ends the VMM with
 * status (V << 1) | 1.
 */
#ifndef HW_MISC_DEBUG_EXIT_H
#define HW_MISC_DEBUG_EXIT_H

#include <stdint.h>
#include <glib.h>
#include "core/device.h"
#include "core/memory.h"

struct machine;

#define DEBUG_EXIT_DEFAULT_IOBASE 0x501
#define DEBUG_EXIT_DEFAULT_IOSIZE 2

struct debug_exit_config {
	uint16_t iobase;
	uint16_t iosize; /* 1..4 ports */
};

struct debug_exit {
	struct device dev;
	struct debug_exit_config cfg;
	struct mem_region region;
};

extern const struct device_class debug_exit_isa_class;

struct debug_exit *debug_exit_create(struct machine *m, const struct debug_exit_config *cfg,
				     GError **err);

#endif
