/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PIIX3 PCI-to-ISA bridge, function 00:01.0: PIRQ routing registers
 * (the PCI bus's INTx router), reset control register 0xcf9, and under
 * qtest (no KVM irqchip) the ELCR ports 0x4d0/0x4d1.
 */
#ifndef HW_ISA_PIIX3_H
#define HW_ISA_PIIX3_H

#include <glib.h>
#include "hw/pci/pci.h"
#include "core/memory.h"

#define PIIX3_DEVFN 0x08
#define PIIX3_PIRQRC 0x60 /* PIRQA..D route control, 0x60-0x63 */
#define PIIX3_PIRQ_DISABLE 0x80
#define PIIX3_RCR_SYS_RST 0x02
#define PIIX3_RCR_RESET_CPU 0x04

struct machine;

struct piix3 {
	struct pci_device pci;
	uint8_t rcr;     /* reset control register (0xcf9), bit 1 kept */
	uint8_t elcr[2]; /* edge/level control, only used without KVM irqchip */
	bool has_elcr;
	struct mem_region elcr_region;
};

extern const struct device_class piix3_class;

/* Create at 00:01.0 (multifunction) and become bus's PIRQ router. */
struct piix3 *piix3_create(struct machine *m, struct pci_bus *bus, GError **err);

/* ISA IRQ that PIRQ pirq (0..3) is routed to, or -1 when disabled. */
int piix3_pirq_irq(const struct piix3 *s, int pirq);

#endif
