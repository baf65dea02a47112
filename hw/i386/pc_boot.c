// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Boot order for SeaBIOS: the -boot letters (a floppy, c disk, d CD-ROM,
 * n network) become CMOS 0x3d/0x38 priorities and the fw_cfg "bootorder"
 * file of OpenFirmware-style device paths SeaBIOS matches against the
 * drives it finds (paths as SeaBIOS 1.16.2 prints them: "Searching
 * bootorder for: /pci@i0cf8/...@1,1/drive@0/disk@0").  strict=on ends the
 * list with HALT so nothing unlisted boots.  once= applies to the first
 * boot only and the regular order returns at the next system reset.
 * Direct kernel boot puts our option ROM first.  Floppy and network paths
 * are left out until those devices exist.
 */
#include <string.h>
#include "hw/i386/pc.h"
#include "hw/i386/pc_internal.h"
#include "hw/i386/kernel_loader.h"
#include "hw/nvram/fw_cfg.h"
#include "block/drive.h"
#include "hw/virtio/virtio-blk.h"
#include "core/machine.h"

static int boot_code(char c)
{
	switch (c) {
	case 'a': case 'b': return 1;
	case 'c': return 2;
	case 'd': return 3;
	case 'n': case 'o': case 'p': return 4;
	}
	return 0;
}

static void add_ide_paths(struct machine *m, GString *s, enum drive_media media)
{
	for (int bus = 0; bus < DRIVE_IDE_BUSES; bus++) {
		for (int unit = 0; unit < DRIVE_IDE_UNITS; unit++) {
			struct drive_info *d = drive_find(m, DRIVE_IF_IDE, bus, unit);
			if (d && d->media == media)
				g_string_append_printf(s, "/pci@i0cf8/*@1,1/drive@%x/disk@%x\n",
						       bus, unit);
		}
	}
}

/* The bootorder file for these letters; NUL-terminated like QEMU's. */
static GString *bootorder_build(struct machine *m, const char *letters, bool explicit)
{
	GString *s = g_string_new(NULL);

	if (m->cfg->kernel)
		g_string_append_printf(s, "%s\n", KERNEL_LOADER_BOOTORDER);
	for (const char *p = explicit ? letters : ""; *p; p++) {
		if (*p == 'c') {
			add_ide_paths(m, s, DRIVE_MEDIA_DISK);
			virtio_blk_add_boot_paths(m, s); /* hw/virtio */
		}
		else if (*p == 'd')
			add_ide_paths(m, s, DRIVE_MEDIA_CDROM);
	}
	if (m->cfg->boot_strict)
		g_string_append(s, "HALT\n");
	return s;
}

static void boot_apply(struct machine *m, const char *letters, bool explicit)
{
	GString *s = bootorder_build(m, letters, explicit);
	int b[3] = { 0 };

	for (int i = 0; i < 3 && letters[i]; i++)
		b[i] = boot_code(letters[i]);
	pc_cmos_set(m, 0x3d, b[0] | (b[1] << 4));
	pc_cmos_set(m, 0x38, (b[2] << 4) | 1);
	/* an empty file, as QEMU has, when nothing is listed */
	fw_cfg_add_file(m->fw_cfg, "bootorder", s->str, s->len ? s->len + 1 : 0);
	g_string_free(s, TRUE);
}

int pc_boot_init(struct machine *m, GError **err)
{
	struct pc_machine *pc = m->pc;
	const char *order = m->cfg->boot_order ? m->cfg->boot_order : "cad";

	if (m->cfg->kernel && pc_load_kernel(m, m->fw_cfg, err) < 0)
		return -1;
	if (m->cfg->boot_once) {
		boot_apply(m, m->cfg->boot_once, true);
		pc->boot_once_pending = true;
	} else {
		boot_apply(m, order, m->cfg->boot_order != NULL);
	}
	return 0;
}

/* System reset: after a once= boot, the regular order comes back. */
void pc_boot_reset(struct machine *m)
{
	struct pc_machine *pc = m->pc;

	if (!pc->boot_once_pending)
		return;
	pc->boot_once_pending = false;
	boot_apply(m, m->cfg->boot_order ? m->cfg->boot_order : "cad",
		   m->cfg->boot_order != NULL);
	fw_cfg_finalize(m->fw_cfg);
}
