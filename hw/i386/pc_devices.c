// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The devices of the i440FX PC, created in the order SeaBIOS meets them:
 * PCI host bridge 00:00.0, PIIX3 ISA bridge 00:01.0, IDE 00:01.1, PIIX4
 * PM 00:01.3, VGA 00:02.0; the HPET, ISA RTC, i8042, UARTs, debug console; then the
 * boot configuration (bootorder, direct kernel boot).
 */
#include <string.h>
#include "hw/i386/pc.h"
#include "hw/i386/pc_internal.h"
#include "hw/i386/kernel_loader.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/char/serial.h"
#include "hw/rtc/mc146818.h"
#include "hw/timer/hpet.h"
#include "hw/misc/debugcon.h"
#include "hw/pci/pci.h"
#include "hw/pci/i440fx.h"
#include "hw/isa/piix3.h"
#include "hw/usb/uhci.h"
#include "hw/acpi/piix4_pm.h"
#include "hw/input/i8042.h"
#include "hw/input/ps2.h"
#include "ui/console.h"
#include "hw/ide/ide.h"
#include "hw/display/vga.h"
#include "hw/virtio/virtio-blk.h"
#include "hw/net/nic.h"
#include "block/drive.h"
#include "core/chardev.h"
#include "core/log.h"
#include "core/machine.h"

void pc_cmos_set(struct machine *m, int index, uint8_t val)
{
	struct pc_machine *pc = m->pc;

	if (pc->rtc)
		rtc_set_cmos(pc->rtc, index, val);
}

static int pc_serials_init(struct machine *m, GError **err)
{
	struct machine_config *cfg = m->cfg;

	for (int i = 0; i < cfg->nserial; i++) {
		struct serial_config sc;
		struct chardev *chr = NULL;
		char *id = g_strdup_printf("serial%d", i);

		if (strcmp(cfg->serial[i], "none")) {
			chr = chardev_legacy_find(m, cfg->serial[i], id, err);
			if (!chr) {
				g_free(id);
				return -1;
			}
		}
		g_free(id);
		serial_isa_default(i, &sc);
		sc.chr = chr;
		if (!serial_isa_create(m, &sc, err))
			return -1;
	}
	return 0;
}

/* -debugcon DEV: QEMU's shorthand for an isa-debugcon at port 0xe9. */
static int pc_debugcon_init(struct machine *m, GError **err)
{
	struct debugcon_config dc;

	if (!m->cfg->debugcon || !strcmp(m->cfg->debugcon, "none"))
		return 0;
	debugcon_default(&dc);
	dc.chr = chardev_legacy_find(m, m->cfg->debugcon, "debugcon", err);
	if (!dc.chr)
		return -1;
	return debugcon_create(m, &dc, err) ? 0 : -1;
}

static int pc_pci_init(struct machine *m, GError **err)
{
	struct pc_machine *pc = m->pc;
	struct piix4_pm_config pmc = PIIX4_PM_CONFIG_DEFAULT;

	m->pci = pci_bus_new(m, err);
	if (!m->pci || !i440fx_create(m, m->pci, err) || !piix3_create(m, m->pci, err))
		return -1;
	if (!piix3_ide_create(m, m->pci, err))
		return -1;
	/* -usb: QEMU's pc puts the UHCI at function 2 of the PIIX3 */
	if (m->cfg->usb && !uhci_create(m, UHCI_PIIX3_DEVFN, err))
		return -1;
	pc->pm = piix4_pm_create(m, m->pci, &pmc, err);
	if (!pc->pm)
		return -1;
	if (!strcmp(m->cfg->vga, "std")) {
		struct vga_config vc = { .vgamem_mb = 16, .devfn = -1, .edid = true };
		pc->vga = vga_pci_create(m, m->pci, &vc, err);
		if (!pc->vga)
			return -1;
	}
	/* virtio (hw/virtio): one virtio-blk-pci per -drive if=virtio, NICs of -nic */
	if (virtio_blk_create_drives(m, err) < 0 ||
	    nic_create_all(m, "e1000", err) < 0)
		return -1;
	return 0;
}

/* Keyboard and mouse from the UI (SDL, VNC, QMP send-key) to the i8042. */
static void pc_key_event(void *opaque, unsigned key, bool down)
{
	ps2_kbd_key_event(i8042_kbd(opaque), key, down);
}

static void pc_mouse_event(void *opaque, int dx, int dy, int dz, unsigned buttons)
{
	ps2_mouse_event(i8042_mouse(opaque), dx, dy, dz, buttons);
}

int pc_devices_init(struct machine *m, GError **err)
{
	struct pc_machine *pc = m->pc;
	struct rtc_config rc = RTC_CONFIG_DEFAULT;

	if (pc_pci_init(m, err) < 0)
		return -1;
	if (m->cfg->rtc && rtc_parse_option(&rc, m->cfg->rtc, err) < 0)
		return -1;
	/* the HPET's legacy route gates the RTC's IRQ 8 (docs/machine-contract.md §6.13) */
	if (!m->cfg->no_hpet) {
		pc->hpet = hpet_create(m, err);
		if (!pc->hpet)
			return -1;
		rc.out = hpet_rtc_input(pc->hpet);
	}
	pc->rtc = rtc_create(m, &rc, err);
	if (!pc->rtc)
		return -1;
	pc->i8042 = i8042_create(m, err);
	if (!pc->i8042)
		return -1;
	console_set_input(&(struct console_input){ pc_key_event, pc_mouse_event, pc->i8042 });
	if (pc_serials_init(m, err) < 0 || pc_debugcon_init(m, err) < 0)
		return -1;
	return 0;
}

