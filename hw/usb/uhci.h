/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PIIX3 USB UHCI host controller (hw/usb/uhci.c): two root ports on the
 * machine's USB bus, registers in I/O BAR 4.
 */
#ifndef HW_USB_UHCI_H
#define HW_USB_UHCI_H

#include <glib.h>
#include "core/timer.h"
#include "hw/pci/pci.h"
#include "hw/usb/usb.h"

#define UHCI_PORTS 2
#define UHCI_PIIX3_DEVFN 0x0a /* 00:01.2 */

struct uhci {
	struct pci_device pci;
	struct mem_region io;
	int devfn;                 /* requested, -1 = first free slot */
	uint16_t cmd, status, intr, frnum;
	uint32_t flbase;
	uint8_t sof;
	uint8_t status2;           /* bit 0: IOC seen, bit 1: short packet seen */
	uint16_t portsc[UHCI_PORTS];
	struct usb_port ports[UHCI_PORTS];
	struct timer frame_timer;
	int64_t next_frame;        /* virtual ns of the next frame */
};

extern const struct device_class piix3_uhci_class;

/* The board's UHCI (-usb) at devfn. */
struct uhci *uhci_create(struct machine *m, int devfn, GError **err);

#endif
