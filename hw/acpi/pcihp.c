// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ACPI PCI hot-plug on bus 0 (hw/acpi/pcihp.h), with QEMU 7.2's register
 * semantics as its qtest answers them (tests/qtest/hotplug-test.c compares):
 *
 *  - every register is a 32-bit port; other access sizes read 0 and are
 *    ignored, as QEMU's (4-byte only) region does;
 *  - 0xae00 UP: slots hot-added; kept until the slot is ejected (QEMU's
 *    legacy PIIX4 mode, which SeaBIOS's DSDT needs: its _E01 handler reads
 *    UP again for every slot), or cleared by each read with PIIX4_PM's
 *    acpi-pci-hotplug-with-bridge-support=on (QEMU 7.2's default);
 *  - 0xae04 DOWN: slots whose removal was requested (device_del); stays set
 *    until the slot is ejected;
 *  - 0xae08 EJ: reads 0; a write ejects the lowest slot set in the value:
 *    its UP and DOWN bits clear, and every function in it that may be
 *    hot-removed leaves the bus (whether or not device_del asked);
 *  - 0xae0c RMV: slots without a fixed chipset/VGA function (SeaBIOS reads
 *    it once to give slots an _EJ0 in its SSDT);
 *  - 0xae10 SEL: bus select, read/write; only the value 0 (root bus) works;
 *  - 0xae14: ACPI index, reads 0 (no acpi-index= support).
 *
 * A device leaves the bus at once (its config space floats, its BARs go)
 * and is freed from the main loop (device_destroy_later), which then sends
 * DEVICE_DELETED.  Left out: bridges (only bus 0), acpi-index.
 */
#include <string.h>
#include "hw/acpi/pcihp.h"
#include "hw/pci/pci.h"
#include "core/device.h"
#include "core/log.h"

#define PCIHP_UP 0x00
#define PCIHP_DOWN 0x04
#define PCIHP_EJ 0x08
#define PCIHP_RMV 0x0c
#define PCIHP_SEL 0x10
#define PCIHP_AIDX 0x14
#define PCIHP_ROOT_BSEL 0

static bool slot_fixed(struct acpi_pcihp *hp, int slot)
{
	for (int fn = 0; fn < 8; fn++) {
		struct pci_device *d = pci_bus_find(hp->bus, slot << 3 | fn);

		if (d && d->dev.cls && d->dev.cls->no_hotplug)
			return true;
	}
	return false;
}

uint32_t acpi_pcihp_removable(struct acpi_pcihp *hp)
{
	uint32_t rmv = 0;

	for (int slot = 0; slot < 32; slot++)
		if (!slot_fixed(hp, slot))
			rmv |= 1u << slot;
	return rmv;
}

static void pcihp_eject(struct acpi_pcihp *hp, uint32_t slots)
{
	int slot;

	if (!slots)
		return;
	slot = __builtin_ctz(slots);
	hp->up &= ~(1u << slot);
	hp->down &= ~(1u << slot);
	for (int fn = 0; fn < 8; fn++) {
		struct pci_device *d = pci_bus_find(hp->bus, slot << 3 | fn);

		if (!d || !d->dev.cls || d->dev.cls->no_hotplug)
			continue;
		pci_device_detach(d);
		device_destroy_later(&d->dev);
	}
}

static uint64_t pcihp_read(void *opaque, uint64_t off, unsigned size)
{
	struct acpi_pcihp *hp = opaque;
	uint32_t v = 0;

	if (size != 4 || (off & 3) || hp->select != PCIHP_ROOT_BSEL)
		return off == PCIHP_SEL && size == 4 ? hp->select : 0;
	switch (off) {
	case PCIHP_UP:
		v = hp->up;
		if (hp->up_read_clears)
			hp->up = 0;
		break;
	case PCIHP_DOWN:
		v = hp->down;
		break;
	case PCIHP_RMV:
		v = acpi_pcihp_removable(hp);
		break;
	case PCIHP_SEL:
		v = hp->select;
		break;
	}
	return v;
}

static void pcihp_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct acpi_pcihp *hp = opaque;

	if (size != 4 || (off & 3)) {
		guest_error("acpi-pcihp: %u-byte write at 0x%x ignored (32-bit registers)",
			    size, (unsigned)(PCIHP_PORT + off));
		return;
	}
	switch (off) {
	case PCIHP_EJ:
		if (hp->select == PCIHP_ROOT_BSEL)
			pcihp_eject(hp, val);
		break;
	case PCIHP_SEL:
		hp->select = val;
		break;
	case PCIHP_AIDX:
		hp->acpi_index = val;
		break;
	}
}

static const struct mem_ops pcihp_ops = {
	.read = pcihp_read, .write = pcihp_write, .min_access = 1, .max_access = 4,
};

void acpi_pcihp_init(struct acpi_pcihp *hp, struct pci_bus *bus,
		     void (*notify)(void *opaque), void *opaque)
{
	hp->bus = bus;
	hp->notify = notify;
	hp->opaque = opaque;
	hp->up = hp->down = hp->select = hp->acpi_index = 0;
	mr_init_io(&hp->region, "acpi-pci-hotplug", PCIHP_LEN, &pcihp_ops, hp);
}

void acpi_pcihp_plug(struct acpi_pcihp *hp, struct pci_device *d)
{
	hp->up |= 1u << (d->devfn >> 3);
	hp->notify(hp->opaque);
}

int acpi_pcihp_unplug_request(struct acpi_pcihp *hp, struct pci_device *d, GError **err)
{
	if (!d->bus) {
		error_setg(err, "Device %s is already in the process of unplug",
			   d->dev.id ? d->dev.id : d->dev.cls->name);
		return -1;
	}
	hp->down |= 1u << (d->devfn >> 3);
	hp->notify(hp->opaque);
	return 0;
}

void acpi_pcihp_reset(struct acpi_pcihp *hp)
{
	while (hp->down)
		pcihp_eject(hp, hp->down);
}
