/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI PCI hot-plug registers of bus 0 at I/O 0xae00 (QEMU's "acpi-pci-
 * hotplug" block, which SeaBIOS's built-in DSDT and SSDT use): slots
 * inserted (0xae00), removal requested (0xae04), eject (0xae08), removable
 * (0xae0c), bus select (0xae10), ACPI index (0xae14).  The owner (PIIX4 PM)
 * raises GPE0 bit 1 when notify is called.
 */
#ifndef HW_ACPI_PCIHP_H
#define HW_ACPI_PCIHP_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "core/memory.h"

#define PCIHP_PORT 0xae00
#define PCIHP_LEN 0x18

struct pci_bus;
struct pci_device;

struct acpi_pcihp {
	struct pci_bus *bus;
	struct mem_region region;
	void (*notify)(void *opaque); /* raise the hot-plug GPE */
	void *opaque;
	bool up_read_clears; /* QEMU's bridge-support mode; off: legacy PIIX4 */
	/* saved state */
	uint32_t up, down;   /* slots plugged / asked to go, as the guest sees them */
	uint32_t select;     /* bus select; only bus 0 (the root) exists */
	uint32_t acpi_index; /* last ACPI index request (always answered 0) */
};

/* Set up the ports (map with as_add(&m->io, &hp->region, PCIHP_PORT)). */
void acpi_pcihp_init(struct acpi_pcihp *hp, struct pci_bus *bus,
		     void (*notify)(void *opaque), void *opaque);
/* device_add of d finished: up bit, GPE.  device_del: down bit, GPE. */
void acpi_pcihp_plug(struct acpi_pcihp *hp, struct pci_device *d);
int acpi_pcihp_unplug_request(struct acpi_pcihp *hp, struct pci_device *d, GError **err);
/* System reset: removals still pending happen now, as in QEMU. */
void acpi_pcihp_reset(struct acpi_pcihp *hp);
/* Bitmap of slots whose device may be hot-removed (empty slots count). */
uint32_t acpi_pcihp_removable(struct acpi_pcihp *hp);

#endif
