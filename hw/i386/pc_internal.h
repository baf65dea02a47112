/* SPDX-License-Identifier: GPL-2.0-or-later */
/* State of the PC board shared between pc.c and pc_devices.c. */
#ifndef HW_I386_PC_INTERNAL_H
#define HW_I386_PC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "core/memory.h"
#include "hw/i386/pc.h"

struct machine;

struct pc_machine {
	struct machine *m;
	struct mem_region ram_low, ram_mid, ram_high, bios_high;
	struct mem_region pam_ram[PC_PAM_SEGS], pam_rom[PC_PAM_SEGS];
	int pam_mode[PC_PAM_SEGS];
	struct mem_region port92_region;
	uint8_t port92;
	struct rtc *rtc;
	struct hpet *hpet; /* NULL with -no-hpet */
	struct i8042 *i8042;
	struct piix4_pm *pm;
	struct vga_pci *vga;
	bool boot_once_pending;
};

/* pc_devices.c */
int pc_devices_init(struct machine *m, GError **err);
int pc_boot_init(struct machine *m, GError **err);
void pc_boot_reset(struct machine *m);
void pc_cmos_set(struct machine *m, int index, uint8_t val);

#endif
