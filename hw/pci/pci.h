/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI bus 0 of the i440FX: config mechanism #1 (0xcf8/0xcfc), type-0
 * config space per function, BAR sizing and mapping into the memory and I/O
 * address spaces when the command register enables decoding, expansion ROM
 * BARs, and INTx routed through the PIIX3 PIRQ registers.  No bridges, no
 * PCIe extended config space.
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include "core/device.h"
#include "core/memory.h"

#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS 0x06
#define PCI_STATUS_INTERRUPT 0x08
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_NUM_BARS 7 /* 6 + ROM (index 6) */
#define PCI_ROM_SLOT 6

enum pci_bar_type {
	PCI_BAR_IO = 1,
	PCI_BAR_MEM32 = 2,
	PCI_BAR_MEM64 = 3,
};

struct pci_bar {
	uint64_t size;          /* power of two, 0 = unused */
	enum pci_bar_type type;
	bool prefetch;
	struct mem_region *region;
	uint64_t mapped_addr;   /* where region is mapped, or UINT64_MAX */
};

struct pci_bus;

struct pci_device {
	struct device dev;
	struct pci_bus *bus;
	int devfn;              /* slot << 3 | function */
	uint8_t config[256];
	uint8_t wmask[256];     /* bits the guest may write */
	uint8_t w1cmask[256];   /* write-1-to-clear bits */
	struct pci_bar bars[PCI_NUM_BARS];
	int irq_level;          /* INTx level as driven by the device */
	uint8_t cap_next;       /* next free capability offset (0 = 0x40) */
	/* Optional hooks: called for config accesses at any offset */
	uint32_t (*config_read)(struct pci_device *d, uint32_t addr, unsigned size);
	void (*config_write)(struct pci_device *d, uint32_t addr, uint32_t val, unsigned size);
};

/* Identify the function: vendor, device, revision, class (24-bit), header type. */
void pci_config_set_ids(struct pci_device *d, uint16_t vendor, uint16_t device,
			uint8_t rev, uint32_t class_code);
void pci_register_bar(struct pci_device *d, int idx, enum pci_bar_type type,
		      bool prefetch, struct mem_region *region);
/* Attach to bus at devfn (-1 = first free slot, function 0). */
int pci_device_attach(struct pci_bus *bus, struct pci_device *d, int devfn, GError **err);
/*
 * Take the function off the bus (hot-unplug): BARs unmapped, INTx lowered,
 * config reads float.  The device itself stays allocated.
 */
void pci_device_detach(struct pci_device *d);
/* Drive this function's INTx pin (pin set in config 0x3d). */
void pci_set_irq(struct pci_device *d, int level);
/* Default config behaviour: masks, BAR updates, command register. */
uint32_t pci_default_config_read(struct pci_device *d, uint32_t addr, unsigned size);
void pci_default_config_write(struct pci_device *d, uint32_t addr, uint32_t val, unsigned size);
/* Reset config to power-on values; unmap BARs. */
void pci_device_reset(struct pci_device *d);
/* Add a capability of len bytes; returns its offset, or -ENOSPC. */
int pci_add_capability(struct pci_device *d, uint8_t cap_id, uint8_t len);
/* After vmstate_load of d->config: re-map BARs, refresh the INTx level. */
int pci_device_post_load(struct pci_device *d);

struct machine;
struct pci_bus *pci_bus_new(struct machine *m, GError **err); /* maps 0xcf8/0xcfc */
struct pci_device *pci_bus_find(struct pci_bus *bus, int devfn);
/*
 * PIIX3 routing: map_irq gives the ISA IRQ for a PIRQ index 0..3, or -1
 * when that PIRQ is disabled.  Set by the PIIX3 model.
 */
void pci_bus_set_router(struct pci_bus *bus, int (*map_irq)(void *opaque, int pirq),
			void *opaque);
/* Re-evaluate all INTx levels after the router changed. */
void pci_bus_update_irqs(struct pci_bus *bus);
/*
 * The byte at 0xcf9 (PIIX3 reset control) sits inside the 0xcf8 dword: the
 * bus owns the four ports and hands non-dword accesses to that byte here.
 */
/*
 * Keep the 0xcf8 address latch in *latch (the host bridge's saved state)
 * instead of the bus's own word, so a snapshot between "outl 0xcf8" and
 * "inl 0xcfc" restores it.
 */
void pci_bus_set_config_latch(struct pci_bus *bus, uint32_t *latch);
void pci_bus_set_reset_control(struct pci_bus *bus, uint8_t (*read)(void *opaque),
			       void (*write)(void *opaque, uint8_t val), void *opaque);

#endif
