/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's test devices, used by kvm-unit-tests and qtests:
 *  - pc-testdev (ISA): a 32-bit scratch register at ports 0xe0-0xe3 and,
 *    byte-wise, 0xe8-0xeb; a page-flush port at 0xe4; ISA IRQ lines at
 *    0x2000 + n; a 64 KiB scratch memory window at 0xff000000.
 *  - pci-testdev (PCI 1b36:0005): six I/O tests (mmio/portio x no-eventfd,
 *    wildcard-eventfd, datamatch-eventfd) selected through BAR0 (memory)
 *    and BAR1 (ports), and an optional empty 64-bit BAR2 ("membar").
 */
#ifndef HW_MISC_TESTDEV_H
#define HW_MISC_TESTDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "core/device.h"
#include "core/memory.h"
#include "hw/pci/pci.h"

struct machine;
struct pci_bus;

#define PC_TESTDEV_IOMEM_BASE 0xff000000u
#define PC_TESTDEV_IOMEM_LEN 0x10000u
#define PC_TESTDEV_IRQ_BASE 0x2000
#define PC_TESTDEV_IRQ_LINES 24

struct pc_testdev {
	struct device dev;
	struct mem_region ioport, ioport_byte, flush, irq, iomem;
	uint32_t ioport_data;
	uint8_t iomem_buf[PC_TESTDEV_IOMEM_LEN];
};

extern const struct device_class pc_testdev_class;
struct pc_testdev *pc_testdev_create(struct machine *m, GError **err);

#define PCI_TESTDEV_VENDOR 0x1b36
#define PCI_TESTDEV_DEVICE 0x0005
#define PCI_TESTDEV_NTESTS 6     /* type (mmio, portio) x 3 kinds */
#define PCI_TESTDEV_HDR_MAX 48   /* header + longest name */
#define PCI_TESTDEV_NONE 0xffffffffu

struct pci_testdev_config {
	int devfn;          /* -1: first free slot */
	uint64_t membar;    /* BAR2 size (power of two), 0 = none */
};

struct pci_testdev {
	struct pci_device pci;
	struct pci_testdev_config cfg;
	struct pci_bus *bus;
	struct mem_region mmio, portio, membar;
	/* saved */
	uint32_t current;                 /* test index, or PCI_TESTDEV_NONE */
	uint32_t count[PCI_TESTDEV_NTESTS];
	uint32_t notified;                /* bit per test: "eventfd" signalled */
};

extern const struct device_class pci_testdev_class;
struct pci_testdev *pci_testdev_create(struct machine *m, struct pci_bus *bus,
				       const struct pci_testdev_config *cfg, GError **err);

#endif
