// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PC memory map and firmware for an i440FX machine, as SeaBIOS 1.16.2
 * expects it (docs/machine-contract.md §1, §2, §5): RAM split at
 * 3 GiB when it does not fit below the PCI hole, the BIOS image read-only
 * at the top of 4 GiB and its last 128 KiB at 0xe0000, the 0xc0000-0xfffff
 * area as 13 PAM segments switched between ROM and shadow RAM, port 0x92,
 * the CMOS memory bytes and the fw_cfg items (e820, CPU counts, boot
 * order).  Device creation lives in pc_devices.c.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "hw/i386/pc.h"
#include "hw/i386/pc_internal.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/acpi/piix4_pm.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/savevm.h"

#define BIOS_LOW_SIZE 0x20000ULL
#define E820_RAM 1
#define E820_RESERVED 2

static uint64_t pam_seg_base(int seg)
{
	return seg == 0 ? 0xf0000 : 0xc0000 + (uint64_t)(seg - 1) * 0x4000;
}

static uint64_t pam_seg_size(int seg)
{
	return seg == 0 ? 0x10000 : 0x4000;
}

void pc_pam_update(struct machine *m, int seg, int mode)
{
	struct pc_machine *pc = m->pc;
	struct mem_region *want;

	if (seg < 0 || seg >= PC_PAM_SEGS)
		return;
	want = mode ? &pc->pam_ram[seg] : (pc->pam_rom[seg].ram ? &pc->pam_rom[seg] : NULL);
	if (pc->pam_ram[seg].as && want != &pc->pam_ram[seg])
		as_del(&pc->pam_ram[seg]);
	if (pc->pam_rom[seg].as && want != &pc->pam_rom[seg])
		as_del(&pc->pam_rom[seg]);
	if (want && !want->as && as_add(&m->mem, want, pam_seg_base(seg)) < 0)
		error_report("PAM segment %d: cannot map", seg);
	pc->pam_mode[seg] = mode;
}

static void pc_pam_init(struct machine *m)
{
	struct pc_machine *pc = m->pc;
	uint8_t *bios_low = m->bios + m->bios_size - BIOS_LOW_SIZE;

	for (int seg = 0; seg < PC_PAM_SEGS; seg++) {
		uint64_t base = pam_seg_base(seg), size = pam_seg_size(seg);
		mr_init_ram(&pc->pam_ram[seg], "pam-ram", size, m->ram + base, false);
		if (base >= 0xe0000)
			mr_init_ram(&pc->pam_rom[seg], "bios-low", size,
				    bios_low + (base - 0xe0000), true);
		else
			memset(&pc->pam_rom[seg], 0, sizeof(pc->pam_rom[seg]));
		pc->pam_mode[seg] = -1;
		pc_pam_update(m, seg, 0);
	}
}

/* Port 0x92: A20 (stored only; KVM cannot mask it) and fast reset on bit 0. */
static uint64_t port92_read(void *opaque, uint64_t addr, unsigned size)
{
	struct pc_machine *pc = opaque;

	return pc->port92;
}

static void port92_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct pc_machine *pc = opaque;
	uint8_t old = pc->port92;

	pc->port92 = val & 0x03;
	if ((val & 1) && !(old & 1))
		machine_request_reset(pc->m);
}

static const struct mem_ops port92_ops = {
	.read = port92_read, .write = port92_write, .min_access = 1, .max_access = 1,
};

/* Board registers outside any device table (docs/migration-stream.md). */
static int pc_state_save(void *opaque, GByteArray *out, GError **err)
{
	struct pc_machine *pc = opaque;

	g_byte_array_append(out, &pc->port92, 1);
	return 0;
}

static int pc_state_check(void *opaque, const uint8_t *buf, size_t len, uint32_t version,
			  GError **err)
{
	if (len != 1) {
		error_setg(err, "pc section: %zu bytes, want 1", len);
		return -EINVAL;
	}
	return 0;
}

static int pc_state_load(void *opaque, const uint8_t *buf, size_t len, uint32_t version,
			 GError **err)
{
	struct pc_machine *pc = opaque;

	pc->port92 = buf[0] & 0x03;
	return 0;
}

static const struct savevm_ops pc_state_ops = {
	.name = "pc", .version = 1,
	.save = pc_state_save, .check = pc_state_check, .load = pc_state_load,
};

static int pc_load_bios(struct machine *m, GError **err)
{
	gchar *data;
	gsize len;
	GError *e = NULL;

	if (!g_file_get_contents(m->cfg->bios, &data, &len, &e)) {
		error_setg(err, "could not load BIOS '%s': %s", m->cfg->bios, e->message);
		g_error_free(e);
		return -ENOENT;
	}
	if (len < BIOS_LOW_SIZE || len > 16 * 1024 * 1024 || len % 0x10000) {
		error_setg(err, "BIOS '%s' has an invalid size %zu (want 128 KiB..16 MiB, "
			   "a multiple of 64 KiB)", m->cfg->bios, (size_t)len);
		g_free(data);
		return -EINVAL;
	}
	m->bios = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memcpy(m->bios, data, len);
	m->bios_size = len;
	g_free(data);
	return 0;
}

/* as_add, with the failure reported in *err (set-up only). */
static int pc_map(struct address_space *as, struct mem_region *r, uint64_t addr, GError **err)
{
	int ret = as_add(as, r, addr);

	if (ret < 0)
		error_setg(err, "pc: cannot map %s at 0x%llx in %s: %s", r->name,
			   (unsigned long long)addr, as->name, strerror(-ret));
	return ret;
}

void pc_ram_split(uint64_t ram_size, uint64_t *below_4g, uint64_t *above_4g)
{
	*below_4g = ram_size >= PC_PCI_HOLE_START ? PC_RAM_BELOW_4G_MAX : ram_size;
	*above_4g = ram_size - *below_4g;
}

static int pc_map_ram(struct machine *m, GError **err)
{
	struct pc_machine *pc = m->pc;
	uint64_t size = m->cfg->ram_size;

	pc_ram_split(size, &m->ram_below_4g, &m->ram_above_4g);
	m->ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram == MAP_FAILED) {
		error_setg(err, "cannot allocate %llu MiB of guest RAM",
			   (unsigned long long)(size >> 20));
		return -ENOMEM;
	}
	madvise(m->ram, size, MADV_MERGEABLE);
	if (!m->cfg->dump_guest_core)
		madvise(m->ram, size, MADV_DONTDUMP);
	mr_init_ram(&pc->ram_low, "ram-low", 0xa0000, m->ram, false);
	mr_init_ram(&pc->ram_mid, "ram-below-4g", m->ram_below_4g - 0x100000,
		    m->ram + 0x100000, false);
	mr_init_ram(&pc->ram_high, "ram-above-4g", m->ram_above_4g,
		    m->ram + m->ram_below_4g, false);
	mr_init_ram(&pc->bios_high, "bios", m->bios_size, m->bios, true);
	mr_init_io(&pc->port92_region, "port92", 1, &port92_ops, pc);
	if (pc_map(&m->mem, &pc->ram_low, 0, err) < 0 ||
	    pc_map(&m->mem, &pc->ram_mid, 0x100000, err) < 0 ||
	    (m->ram_above_4g && pc_map(&m->mem, &pc->ram_high, 1ULL << 32, err) < 0) ||
	    pc_map(&m->mem, &pc->bios_high, (1ULL << 32) - m->bios_size, err) < 0 ||
	    pc_map(&m->io, &pc->port92_region, 0x92, err) < 0)
		return -EBUSY;
	pc_pam_init(m);
	savevm_register(m, &pc_state_ops, pc);
	return 0;
}

static void e820_add(GByteArray *a, uint64_t addr, uint64_t len, uint32_t type)
{
	uint64_t v[2] = { GUINT64_TO_LE(addr), GUINT64_TO_LE(len) };
	uint32_t t = GUINT32_TO_LE(type);

	g_byte_array_append(a, (guint8 *)v, 16);
	g_byte_array_append(a, (guint8 *)&t, 4);
}

static void pc_fill_cmos(struct machine *m)
{
	uint64_t ram = m->cfg->ram_size, kb;
	uint64_t above16 = m->ram_below_4g > (16 << 20) ? (m->ram_below_4g - (16 << 20)) >> 16 : 0;
	uint64_t above4g = m->ram_above_4g >> 16;

	kb = ram > (1 << 20) ? MIN((ram >> 10) - 1024, 65535) : 0;
	pc_cmos_set(m, 0x15, 640 & 0xff);
	pc_cmos_set(m, 0x16, 640 >> 8);
	pc_cmos_set(m, 0x17, kb & 0xff);
	pc_cmos_set(m, 0x18, kb >> 8);
	pc_cmos_set(m, 0x30, kb & 0xff);
	pc_cmos_set(m, 0x31, kb >> 8);
	above16 = MIN(above16, 0xffff);
	pc_cmos_set(m, 0x34, above16 & 0xff);
	pc_cmos_set(m, 0x35, above16 >> 8);
	pc_cmos_set(m, 0x5b, above4g & 0xff);
	pc_cmos_set(m, 0x5c, (above4g >> 8) & 0xff);
	pc_cmos_set(m, 0x5d, (above4g >> 16) & 0xff);
	pc_cmos_set(m, 0x5f, m->cfg->smp_cpus - 1);
	pc_cmos_set(m, 0x10, 0);    /* no floppy */
	pc_cmos_set(m, 0x12, 0);    /* no legacy hard disk types */
	pc_cmos_set(m, 0x14, 0x06); /* FPU, display: EGA/VGA, no floppy */
}

static void pc_fill_fw_cfg(struct machine *m)
{
	struct fw_cfg *fw = m->fw_cfg;
	GByteArray *e820 = g_byte_array_new();
	uint32_t fail_wait = GUINT32_TO_LE((uint32_t)m->cfg->boot_reboot_timeout);

	e820_add(e820, 0xfeffc000, 0x4000, E820_RESERVED);
	e820_add(e820, 0, m->ram_below_4g, E820_RAM);
	if (m->ram_above_4g)
		e820_add(e820, 1ULL << 32, m->ram_above_4g, E820_RAM);
	fw_cfg_add_file(fw, "etc/e820", e820->data, e820->len);
	g_byte_array_free(e820, TRUE);
	fw_cfg_add_file(fw, "etc/boot-fail-wait", &fail_wait, 4);
	fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, m->cfg->ram_size);
	fw_cfg_add_i16(fw, FW_CFG_NOGRAPHIC, m->cfg->nographic);
	fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, m->cfg->smp_cpus);
	fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, m->cfg->maxcpus);
	fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, m->cfg->boot_menu);
	fw_cfg_add_i32(fw, FW_CFG_IRQ0_OVERRIDE, 0);
	fw_cfg_add_i16(fw, FW_CFG_ACPI_TABLES, 0);
	/* etc/system-states comes from PIIX4_PM (hw/acpi/piix4_pm.c) */
	if (m->cfg->boot_menu && m->cfg->boot_splash_time >= 0) {
		uint16_t t = GUINT16_TO_LE(m->cfg->boot_splash_time);
		fw_cfg_add_file(fw, "etc/boot-menu-wait", &t, 2);
	}
}

/* Board-level reset (PAM back to ROM, port 0x92), after the devices'. */
static void pc_machine_reset(struct machine *m)
{
	struct pc_machine *pc = m->pc;

	pc->port92 = 0;
	if (!m->s3_waking) /* (hw/pci/i440fx.c kept PAM for the S3 resume) */
		for (int seg = 0; seg < PC_PAM_SEGS; seg++)
			pc_pam_update(m, seg, 0);
	pc_boot_reset(m);
}

static int pc_power_button(struct machine *m)
{
	if (!m->pc || !m->pc->pm)
		return -ENODEV;
	if (m->suspended) /* the button wakes a guest in S3 */
		return machine_request_wakeup(m, MACHINE_WAKE_PWRBTN) < 0 ? -EINVAL : 0;
	piix4_pm_power_button(m->pc->pm);
	return 0;
}

/* S3: the CMOS shutdown status byte tells the firmware to resume (0xfe). */
static void pc_suspend(struct machine *m)
{
	pc_cmos_set(m, 0x0f, 0xfe);
}

static void pc_wakeup(struct machine *m, unsigned why)
{
	if (m->pc && m->pc->pm)
		piix4_pm_wakeup(m->pc->pm, why);
}

/* device_add / device_del: PCI slots through the PIIX4 ACPI hot-plug block. */
/*
 * A CPU joins the count the firmware waits for after the next reset (fw_cfg
 * 0x05 and CMOS 0x5f), as QEMU does, so SeaBIOS wakes it too.
 */
void pc_cpu_count_update(struct machine *m)
{
	unsigned n = m->cpu_order->len;

	if (m->fw_cfg)
		fw_cfg_add_i16(m->fw_cfg, FW_CFG_NB_CPUS, n);
	pc_cmos_set(m, 0x5f, n - 1);
}

static int pc_hotplug(struct machine *m, struct device *dev, GError **err)
{
	if (!m->pc || !m->pc->pm) {
		error_setg(err, "Bus 'pci.0' does not support hotplugging");
		return -ENODEV;
	}
	if (dev->cls->cpu)
		pc_cpu_count_update(m);
	return piix4_pm_hotplug(m->pc->pm, dev, err);
}

static int pc_unplug_request(struct machine *m, struct device *dev, GError **err)
{
	if (!m->pc || !m->pc->pm) {
		error_setg(err, "Bus 'pci.0' does not support hotplugging");
		return -ENODEV;
	}
	return piix4_pm_unplug_request(m->pc->pm, dev, err);
}

static const struct board_ops pc_board_ops = {
	.reset = pc_machine_reset,
	.power_button = pc_power_button,
	.hotplug = pc_hotplug,
	.unplug_request = pc_unplug_request,
	.suspend = pc_suspend,
	.wakeup = pc_wakeup,
};

int pc_machine_init(struct machine *m, GError **err)
{
	struct pc_machine *pc = g_new0(struct pc_machine, 1);
	int ret;

	pc->m = m;
	m->pc = pc;
	machine_set_board(m, &pc_board_ops);
	ret = pc_load_bios(m, err);
	if (!ret)
		ret = pc_map_ram(m, err);
	if (ret)
		return ret;
	m->fw_cfg = fw_cfg_create(m, true, err);
	if (!m->fw_cfg)
		return -EINVAL;
	ret = pc_devices_init(m, err);
	if (ret)
		return ret;
	pc_fill_cmos(m);
	pc_fill_fw_cfg(m);
	ret = pc_boot_init(m, err);
	if (ret)
		return ret;
	fw_cfg_finalize(m->fw_cfg);
	return 0;
}
