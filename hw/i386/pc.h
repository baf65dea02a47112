/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The i440FX/PIIX PC machine: memory map, BIOS ROM, PAM shadow segments,
 * fw_cfg contents and the board's devices.
 */
#ifndef HW_I386_PC_H
#define HW_I386_PC_H

#include <glib.h>

struct machine;

#define PC_PAM_SEGS 13

/* Build the PC described by m->cfg; registers the board's reset and power hooks. */
int pc_machine_init(struct machine *m, GError **err);
/*
 * PAM: seg 0 = 0xf0000-0xfffff, seg 1..12 = 16 KiB segments from 0xc0000.
 * mode is the 2-bit PAM field: 0 = ROM/PCI, 1..3 = RAM (KVM cannot enforce
 * read-only or write-only shadow, as in QEMU).
 */
void pc_pam_update(struct machine *m, int seg, int mode);

#endif
