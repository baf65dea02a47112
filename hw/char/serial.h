/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 16550A UART on the ISA bus ("isa-serial"): eight byte-wide registers at
 * iobase, one ISA interrupt line, a character device behind it.
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "core/device.h"
#include "core/memory.h"
#include "core/timer.h"

struct machine;
struct chardev;
struct irq_line;

#define SERIAL_FIFO_LEN 16
#define SERIAL_MAX_ISA 4

struct serial_config {
	uint16_t iobase;      /* 0x3f8, 0x2f8, 0x3e8, 0x2e8 */
	int irq;              /* ISA IRQ 0..15 */
	struct chardev *chr;  /* NULL: output dropped, no input */
};

struct serial {
	struct device dev;
	struct serial_config cfg;
	struct mem_region region;
	struct irq_line *irq;
	struct timer timeout_timer; /* character timeout (FIFO mode) */

	/* registers and internal state: all saved */
	uint8_t rbr, thr, tsr, ier, iir, lcr, mcr, lsr, msr, scr, fcr;
	uint16_t divider;
	uint8_t rx_fifo[SERIAL_FIFO_LEN];
	uint8_t rx_head, rx_count, rx_itl;
	bool thr_ipending, timeout_ipending;
	bool irq_level;
	bool timeout_armed;
	uint64_t timeout_deadline;
};

extern const struct device_class serial_isa_class;

/* The standard base and IRQ of COMn (index 0..3). */
void serial_isa_default(int index, struct serial_config *cfg);
/* Create, realize and register an ISA UART (pc.c, -serial). */
struct serial *serial_isa_create(struct machine *m, const struct serial_config *cfg,
				 GError **err);

#endif
