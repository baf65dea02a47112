/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HPET of QEMU's pc machine: one block of three comparators at
 * 0xfed00000 (1 KiB) counting at 100 MHz, with the legacy replacement
 * route that takes IRQ 0 from the PIT and IRQ 8 from the RTC.
 */
#ifndef HW_TIMER_HPET_H
#define HW_TIMER_HPET_H

#include <stdint.h>
#include <glib.h>
#include "core/device.h"
#include "core/irq.h"

struct machine;
struct hpet;

#define HPET_BASE		0xfed00000ULL
#define HPET_LEN		0x400
#define HPET_NUM_TIMERS		3	/* QEMU's default (-global hpet.timers) */
#define HPET_MAX_TIMERS		32
#define HPET_PERIOD_FS		10000000u	/* 10 ns a tick */
#define HPET_NS_PER_TICK	10

/* Global registers (offsets) */
#define HPET_REG_CAP		0x000	/* capabilities and ID; +4: period in fs */
#define HPET_REG_CFG		0x010
#define HPET_REG_ISR		0x020
#define HPET_REG_COUNTER	0x0f0
/* Timer n at 0x100 + 0x20 * n */
#define HPET_REG_TIMER(n)	(0x100 + 0x20 * (n))
#define HPET_TN_CFG		0x00	/* +4: interrupt routing capability */
#define HPET_TN_CMP		0x08
#define HPET_TN_FSB		0x10	/* FSB (MSI) data, +4: address */

/* HPET_REG_CFG */
#define HPET_CFG_ENABLE		(1u << 0)
#define HPET_CFG_LEGACY		(1u << 1)
/* Timer configuration */
#define HPET_TN_LEVEL		(1u << 1)
#define HPET_TN_INT_ENABLE	(1u << 2)
#define HPET_TN_PERIODIC	(1u << 3)
#define HPET_TN_PERIODIC_CAP	(1u << 4)
#define HPET_TN_SIZE_CAP	(1u << 5)	/* 64-bit comparator */
#define HPET_TN_SETVAL		(1u << 6)
#define HPET_TN_32BIT		(1u << 8)
#define HPET_TN_ROUTE_SHIFT	9
#define HPET_TN_ROUTE_MASK	(0x1fu << HPET_TN_ROUTE_SHIFT)
#define HPET_TN_FSB_ENABLE	(1u << 14)
#define HPET_TN_FSB_CAP		(1u << 15)

extern const struct device_class hpet_class;

/*
 * Create the HPET at HPET_BASE and register it; its timers drive the
 * machine's GSIs.  NULL with *err when the address range is taken.
 */
struct hpet *hpet_create(struct machine *m, GError **err);

/*
 * The RTC's interrupt output goes here instead of to IRQ 8: the HPET passes
 * it on unless its legacy route owns IRQ 8 (as QEMU's hpet gpio input 1).
 */
struct irq_line *hpet_rtc_input(struct hpet *s);

#endif
