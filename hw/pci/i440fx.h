/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * i440FX PCI and memory controller (PMC), PCI function 00:00.0: identity
 * registers, PAM0-6 shadow control (reported to the board through
 * pc_pam_update() in hw/i386/pc.h) and the SMRAM register.
 */
#ifndef HW_PCI_I440FX_H
#define HW_PCI_I440FX_H

#include <glib.h>
#include "hw/pci/pci.h"

#define I440FX_PAM0 0x59
#define I440FX_PAM_LAST 0x5f
#define I440FX_SMRAM 0x72
#define I440FX_RAM_SIZE 0x57 /* DRB-style RAM size in 8 MiB units, as QEMU */

struct machine;

struct i440fx {
	struct pci_device pci;
	uint32_t config_addr; /* the 0xcf8 latch of the bus */
};

extern const struct device_class i440fx_class;

/* Create the host bridge at 00:00.0 of bus. */
struct i440fx *i440fx_create(struct machine *m, struct pci_bus *bus, GError **err);

/* PAM field (0 = ROM/PCI .. 3 = RAM read/write) of segment seg (0..12). */
int i440fx_pam_mode(const struct i440fx *s, int seg);

#endif
