/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The i440FX/PIIX PC machine: memory map, BIOS ROM, PAM shadow segments,
 * fw_cfg contents and the board's devices.
 */
#ifndef HW_I386_PC_H
#define HW_I386_PC_H

#include <stdint.h>
#include <glib.h>

struct machine;

#define PC_PAM_SEGS 13

/*
 * The RAM layout, defined here once: RAM that fits below the PCI hole
 * (PC_PCI_HOLE_START) all sits below 4 GiB; more is split at
 * PC_RAM_BELOW_4G_MAX and the rest starts at 4 GiB, as QEMU's i440FX does
 * (docs/machine-contract.md).
 */
#define PC_PCI_HOLE_START 0xe0000000ULL
#define PC_RAM_BELOW_4G_MAX 0xc0000000ULL
void pc_ram_split(uint64_t ram_size, uint64_t *below_4g, uint64_t *above_4g);

/* Build the PC described by m->cfg; registers the board's reset and power hooks. */
int pc_machine_init(struct machine *m, GError **err);
/* The CPU count SeaBIOS waits for (fw_cfg 0x05, CMOS 0x5f) after -device/device_add. */
void pc_cpu_count_update(struct machine *m);
/*
 * PAM: seg 0 = 0xf0000-0xfffff, seg 1..12 = 16 KiB segments from 0xc0000.
 * mode is the 2-bit PAM field: 0 = ROM/PCI, 1..3 = RAM (KVM cannot enforce
 * read-only or write-only shadow, as in QEMU).
 */
void pc_pam_update(struct machine *m, int seg, int mode);

#endif
