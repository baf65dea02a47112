/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PIIX4 power management function 00:01.3 (8086:7113): the ACPI PM1
 * event/control registers and PM timer at PMBA, GPE0 at 0xafe0, the APM
 * ports 0xb2/0xb3, and the QEMU-1.x hotplug ports SeaBIOS's built-in
 * ACPI tables read (0xae00, 0xaf00).  SCI is a level on one ISA IRQ.
 */
#ifndef HW_ACPI_PIIX4_PM_H
#define HW_ACPI_PIIX4_PM_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "hw/pci/pci.h"
#include "core/memory.h"
#include "core/timer.h"
#include "hw/acpi/pcihp.h"

#define PIIX4_PM_DEVFN 0x0b
#define PIIX4_PM_FREQ 3579545 /* PM timer ticks per second */

/* PM1 status/enable bits */
#define PIIX4_PM1_TMR 0x0001
#define PIIX4_PM1_GBL 0x0020
#define PIIX4_PM1_PWRBTN 0x0100
#define PIIX4_PM1_RTC 0x0400
#define PIIX4_PM1_WAK 0x8000
/* GPE0 status/enable bits (byte 0) */
#define PIIX4_GPE_PCI_HOTPLUG 0x02 /* _E01 */
#define PIIX4_GPE_CPU_HOTPLUG 0x04 /* _E02 */
/* PM1 control bits */
#define PIIX4_PM1_CNT_SCI_EN 0x0001
#define PIIX4_PM1_CNT_SLP_TYP_SHIFT 10
#define PIIX4_PM1_CNT_SLP_EN 0x2000

struct machine;
struct irq_line;
struct device;

struct piix4_pm_config {
	bool smm;    /* false: report SMM as set up (config 0x5b = 0x02) */
	int sci_irq; /* ISA IRQ of the SCI, 9 on the PC */
};

#define PIIX4_PM_CONFIG_DEFAULT { .smm = false, .sci_irq = 9 }

struct piix4_pm {
	struct pci_device pci;
	struct piix4_pm_config cfg;
	struct irq_line *sci;

	/* PM I/O block at PMBA: event (4), control (2), timer (4) */
	struct mem_region evt_region, cnt_region, tmr_region;
	uint32_t io_base;     /* where the block is mapped, valid if io_mapped */
	bool io_mapped;
	struct mem_region apm_region, gpe_region, cpuhp_region;
	struct acpi_pcihp pcihp;
	struct timer tmr_timer; /* fires at the next TMR_STS overflow */
	uint8_t s4_val;         /* SLP_TYP of S4 (QEMU's s4_val, default 2) */

	/* saved state */
	uint16_t pm1_sts, pm1_en, pm1_cnt;
	uint8_t gpe_sts[2], gpe_en[2];
	uint8_t apmc, apms;
	uint64_t tmr_overflow; /* PM timer tick at which TMR_STS sets */
};

extern const struct device_class piix4_pm_class;

/* Create at 00:01.3 of bus. */
struct piix4_pm *piix4_pm_create(struct machine *m, struct pci_bus *bus,
				 const struct piix4_pm_config *cfg, GError **err);

/* The power button was pressed: PWRBTN_STS (if enabled) and SCI. */
void piix4_pm_power_button(struct piix4_pm *pm);
/* Out of S3, after the reset: WAK_STS and the source's status (MACHINE_WAKE_*). */
void piix4_pm_wakeup(struct piix4_pm *s, unsigned why);

/* device_add of a PCI device / device_del: the ACPI hot-plug event. */
int piix4_pm_hotplug(struct piix4_pm *pm, struct device *dev, GError **err);
int piix4_pm_unplug_request(struct piix4_pm *pm, struct device *dev, GError **err);

/* PM timer value now (24 bits). */
uint32_t piix4_pm_timer(struct piix4_pm *pm);

#endif
