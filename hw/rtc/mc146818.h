/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MC146818A real-time clock and the 128 bytes of battery-backed CMOS RAM
 * behind ports 0x70 (index, bit 7 = NMI mask) and 0x71 (data).  The
 * machine creates it with rtc_create() and fills the BIOS configuration
 * bytes with rtc_set_cmos().
 */
#ifndef HW_RTC_MC146818_H
#define HW_RTC_MC146818_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "core/device.h"
#include "core/irq.h"

struct machine;
struct rtc;

/* Clock registers (BCD or binary as register B says) */
#define RTC_SECONDS		0x00
#define RTC_SECONDS_ALARM	0x01
#define RTC_MINUTES		0x02
#define RTC_MINUTES_ALARM	0x03
#define RTC_HOURS		0x04
#define RTC_HOURS_ALARM		0x05
#define RTC_DAY_OF_WEEK		0x06
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_REG_D		0x0d
#define RTC_CENTURY		0x32

/* Register A */
#define RTC_A_UIP		0x80
#define RTC_A_DV_MASK		0x70
#define RTC_A_RS_MASK		0x0f
/* Register B */
#define RTC_B_SET		0x80
#define RTC_B_PIE		0x40
#define RTC_B_AIE		0x20
#define RTC_B_UIE		0x10
#define RTC_B_SQWE		0x08
#define RTC_B_DM_BINARY		0x04
#define RTC_B_24H		0x02
#define RTC_B_DSE		0x01
/* Register C */
#define RTC_C_IRQF		0x80
#define RTC_C_PF		0x40
#define RTC_C_AF		0x20
#define RTC_C_UF		0x10
/* Register D */
#define RTC_D_VRT		0x80

/* CMOS bytes a PC BIOS reads (see docs/machine-contract.md section 5) */
#define CMOS_SHUTDOWN_STATUS	0x0f
#define CMOS_FLOPPY_TYPES	0x10
#define CMOS_EQUIPMENT		0x14
#define CMOS_BASE_MEM_LO	0x15	/* KiB below 1 MiB */
#define CMOS_BASE_MEM_HI	0x16
#define CMOS_EXT_MEM_LO		0x17	/* KiB above 1 MiB (max 65535) */
#define CMOS_EXT_MEM_HI		0x18
#define CMOS_EXT_MEM2_LO	0x30	/* same value, second copy */
#define CMOS_EXT_MEM2_HI	0x31
#define CMOS_MEM_16M_LO		0x34	/* 64 KiB units above 16 MiB, below 4 GiB */
#define CMOS_MEM_16M_HI		0x35
#define CMOS_BOOT_FLAGS		0x38	/* bit 0: no floppy sig check; 7:4 third boot dev */
#define CMOS_DISK_XLAT		0x39
#define CMOS_BOOT_ORDER		0x3d	/* 3:0 first boot device, 7:4 second */
#define CMOS_MEM_4G_LO		0x5b	/* 64 KiB units above 4 GiB, 24 bits */
#define CMOS_MEM_4G_MID		0x5c
#define CMOS_MEM_4G_HI		0x5d
#define CMOS_SMP_COUNT		0x5f	/* CPUs - 1 */

#define RTC_CMOS_SIZE		128

struct rtc_config {
	uint16_t iobase;	/* 0x70 */
	int irq;		/* ISA IRQ, 8 */
	struct irq_line *out;	/* drive this instead of IRQ irq (the HPET's gate), or NULL */
	bool utc;		/* start from host UTC (true) or host local time */
	bool has_base_time;	/* start from base_time instead of the host */
	int64_t base_time;	/* seconds since 1970-01-01 00:00:00 shown at start */
};

#define RTC_CONFIG_DEFAULT { .iobase = 0x70, .irq = 8, .utc = true }

extern const struct device_class rtc_class;

/*
 * Create, realize and register the RTC; it claims cfg->iobase..+1 in the
 * I/O space and drives machine_gsi(m, cfg->irq).  NULL with *err on failure.
 */
struct rtc *rtc_create(struct machine *m, const struct rtc_config *cfg, GError **err);

/*
 * Raw CMOS access for the machine (BIOS configuration bytes).  index is
 * 0..127; other values are ignored / read as 0xff.  These do not touch the
 * clock or the interrupt logic.
 */
void rtc_set_cmos(struct rtc *s, int index, uint8_t val);
uint8_t rtc_get_cmos(struct rtc *s, int index);

/*
 * Apply a QEMU-style "-rtc" option to cfg:
 *   base=utc | localtime | YYYY-MM-DD | YYYY-MM-DDTHH:MM:SS (UTC)
 *   clock=vm (the only clock: the RTC stops while the VM is paused;
 *         host and rt are accepted with a warning)
 *   driftfix=none | slew (slew is accepted and ignored, with a warning)
 * Returns 0, or -EINVAL with *err naming the bad part.
 */
int rtc_parse_option(struct rtc_config *cfg, const char *spec, GError **err);

/* Current RTC time in seconds since the epoch (as the guest set it). */
int64_t rtc_get_time(struct rtc *s);

#endif
