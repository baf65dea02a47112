// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PCI bus on a bare machine, driven through ports 0xcf8/0xcfc: BAR
 * sizing and mapping (I/O, 32-bit, 64-bit, expansion ROM) as the command
 * register allows, refused overlaps, INTx routed through the PIIX3 PIRQ
 * registers (shared PIRQs, re-routing, INTx disable, reset), capability
 * list, save -> reset -> load of a function's config space and of PIIX4 PM,
 * and hostile config accesses.
 */
#include <errno.h>
#include <string.h>
#include <glib.h>

#include "hw/pci/pci.h"
#include "hw/pci/i440fx.h"
#include "hw/i386/pc_internal.h"
#include "hw/isa/piix3.h"
#include "hw/acpi/piix4_pm.h"
#include "core/machine.h"
#include "core/vmstate.h"

/* ---- a test function with one BAR of each kind ---- */

struct tdev {
	struct pci_device pci;
	struct mem_region io, mmio, mmio64, rom;
	uint8_t rom_data[0x800];
};

static uint64_t tdev_read(void *opaque, uint64_t addr, unsigned size)
{
	return (uintptr_t)opaque & 0xff;
}

static void tdev_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
}

static const struct mem_ops tdev_ops = { .read = tdev_read, .write = tdev_write };

static struct tdev *tdev_new(struct machine *m, struct pci_bus *bus, int devfn, int pin)
{
	struct tdev *t = g_new0(struct tdev, 1);
	GError *err = NULL;

	t->pci.dev.m = m;
	pci_config_set_ids(&t->pci, 0x1af4, 0x10f0, 1, 0xff0000);
	t->pci.config[PCI_INTERRUPT_PIN] = pin;
	mr_init_io(&t->io, "t-io", 0x40, &tdev_ops, (void *)(uintptr_t)0xa1);
	mr_init_io(&t->mmio, "t-mmio", 0x1000, &tdev_ops, (void *)(uintptr_t)0xb2);
	mr_init_io(&t->mmio64, "t-mmio64", 0x4000, &tdev_ops, (void *)(uintptr_t)0xc3);
	memset(t->rom_data, 0x55, sizeof(t->rom_data));
	mr_init_ram(&t->rom, "t-rom", sizeof(t->rom_data), t->rom_data, true);
	pci_register_bar(&t->pci, 0, PCI_BAR_IO, false, &t->io);
	pci_register_bar(&t->pci, 1, PCI_BAR_MEM32, false, &t->mmio);
	pci_register_bar(&t->pci, 2, PCI_BAR_MEM64, true, &t->mmio64);
	pci_register_bar(&t->pci, PCI_ROM_SLOT, PCI_BAR_MEM32, false, &t->rom);
	g_assert_cmpint(pci_device_attach(bus, &t->pci, devfn, &err), ==, 0);
	g_assert_no_error(err);
	return t;
}

static struct pci_bus *new_bus(struct machine *m)
{
	GError *err = NULL;
	struct pci_bus *bus = pci_bus_new(m, &err);

	g_assert_no_error(err);
	g_assert_nonnull(bus);
	return bus;
}

static void cfg_addr(struct machine *m, int devfn, int off)
{
	as_write(&m->io, 0xcf8, 0x80000000u | devfn << 8 | (off & 0xfc), 4);
}

static uint32_t cfg_readl(struct machine *m, int devfn, int off)
{
	cfg_addr(m, devfn, off);
	return as_read(&m->io, 0xcfc, 4);
}

static void cfg_writel(struct machine *m, int devfn, int off, uint32_t v)
{
	cfg_addr(m, devfn, off);
	as_write(&m->io, 0xcfc, v, 4);
}

static void cfg_writeb(struct machine *m, int devfn, int off, uint8_t v)
{
	cfg_addr(m, devfn, off);
	as_write(&m->io, 0xcfc + (off & 3), v, 1);
}

static void cfg_writew(struct machine *m, int devfn, int off, uint16_t v)
{
	cfg_addr(m, devfn, off);
	as_write(&m->io, 0xcfc + (off & 2), v, 2);
}

#define DEV 0x18 /* 00:03.0 */

static void test_bar_sizing(void)
{
	struct machine *m = machine_new(NULL);
	struct pci_bus *bus = new_bus(m);

	tdev_new(m, bus, DEV, 1);
	g_assert_cmphex(cfg_readl(m, DEV, 0x10), ==, 0x00000001);
	g_assert_cmphex(cfg_readl(m, DEV, 0x18), ==, 0x0000000c);
	cfg_writel(m, DEV, 0x10, 0xffffffff);
	g_assert_cmphex(cfg_readl(m, DEV, 0x10), ==, 0xffffffc1);
	cfg_writel(m, DEV, 0x14, 0xffffffff);
	g_assert_cmphex(cfg_readl(m, DEV, 0x14), ==, 0xfffff000);
	cfg_writel(m, DEV, 0x18, 0xffffffff);
	cfg_writel(m, DEV, 0x1c, 0xffffffff);
	g_assert_cmphex(cfg_readl(m, DEV, 0x18), ==, 0xffffc00c);
	g_assert_cmphex(cfg_readl(m, DEV, 0x1c), ==, 0xffffffff);
	cfg_writel(m, DEV, 0x24, 0xffffffff); /* unused BAR 5 */
	g_assert_cmphex(cfg_readl(m, DEV, 0x24), ==, 0);
	cfg_writel(m, DEV, 0x30, 0xfffff800); /* SeaBIOS' ROM probe */
	g_assert_cmphex(cfg_readl(m, DEV, 0x30), ==, 0xfffff800);
	cfg_writel(m, DEV, 0x30, 0xfffffffe);
	g_assert_cmphex(cfg_readl(m, DEV, 0x30), ==, 0xfffff800);
	/* nothing decodes while the command register is 0 */
	g_assert_null(as_find(&m->io, 0xffc0));
	g_assert_null(as_find(&m->mem, 0xfffff000));
}

static void test_bar_mapping(void)
{
	struct machine *m = machine_new(NULL);
	struct pci_bus *bus = new_bus(m);
	struct tdev *t = tdev_new(m, bus, DEV, 1), *u = tdev_new(m, bus, 0x20, 1);

	cfg_writel(m, DEV, 0x10, 0xc000);
	cfg_writel(m, DEV, 0x14, 0xfebf0000);
	cfg_writel(m, DEV, 0x18, 0xfe000000);
	cfg_writel(m, DEV, 0x30, 0xfeb00000);
	g_assert_cmphex(as_read(&m->io, 0xc000, 1), ==, 0xff);
	cfg_writew(m, DEV, 0x04, PCI_COMMAND_IO);
	g_assert_cmphex(as_read(&m->io, 0xc000, 1), ==, 0xa1);
	g_assert_cmphex(as_read(&m->io, 0xc03f, 1), ==, 0xa1);
	g_assert_cmphex(as_read(&m->mem, 0xfebf0000, 4), ==, 0);
	cfg_writew(m, DEV, 0x04, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	g_assert_cmphex(as_read(&m->mem, 0xfebf0000, 1), ==, 0xb2);
	g_assert_cmphex(as_read(&m->mem, 0xfe003fff, 1), ==, 0xc3);
	g_assert_cmphex(as_read(&m->mem, 0xfeb00000, 1), ==, 0); /* ROM off */
	cfg_writel(m, DEV, 0x30, 0xfeb00001);
	g_assert_cmphex(as_read(&m->mem, 0xfeb00000, 4), ==, 0x55555555);
	g_assert_cmphex(t->pci.bars[PCI_ROM_SLOT].mapped_addr, ==, 0xfeb00000);

	/* moves: the old place goes quiet */
	cfg_writel(m, DEV, 0x10, 0xc041);
	g_assert_cmphex(as_read(&m->io, 0xc000, 1), ==, 0xff);
	g_assert_cmphex(as_read(&m->io, 0xc040, 1), ==, 0xa1);
	cfg_writel(m, DEV, 0x1c, 0x1); /* 64-bit BAR above 4 GiB */
	g_assert_cmphex(as_read(&m->mem, 0xfe000000, 1), ==, 0);
	g_assert_cmphex(as_read(&m->mem, 0x1fe000000ULL, 1), ==, 0xc3);

	/* another function asking for the same range stays unmapped */
	cfg_writel(m, 0x20, 0x14, 0xfebf0000);
	cfg_writew(m, 0x20, 0x04, PCI_COMMAND_MEMORY);
	g_assert_cmphex(u->pci.bars[1].mapped_addr, ==, UINT64_MAX);
	g_assert_cmphex(as_read(&m->mem, 0xfebf0000, 1), ==, 0xb2);
	/* address 0 means unassigned; all-ones sizing wraps: unmapped */
	cfg_writel(m, DEV, 0x14, 0);
	g_assert_cmphex(t->pci.bars[1].mapped_addr, ==, UINT64_MAX);
	cfg_writel(m, DEV, 0x18, 0xffffffff);
	cfg_writel(m, DEV, 0x1c, 0xffffffff);
	g_assert_cmphex(t->pci.bars[2].mapped_addr, ==, UINT64_MAX);
	/* now the other function gets its range */
	cfg_writel(m, 0x20, 0x14, 0xfebf0000);
	g_assert_cmphex(u->pci.bars[1].mapped_addr, ==, 0xfebf0000);

	cfg_writew(m, DEV, 0x04, 0);
	g_assert_cmphex(as_read(&m->io, 0xc040, 1), ==, 0xff);
	g_assert_cmphex(t->pci.bars[PCI_ROM_SLOT].mapped_addr, ==, UINT64_MAX);
	cfg_writew(m, DEV, 0x04, PCI_COMMAND_IO);
	pci_device_reset(&t->pci);
	g_assert_cmphex(cfg_readl(m, DEV, 0x10), ==, 0x00000001);
	g_assert_cmphex(cfg_readl(m, DEV, 0x04) & 0xffff, ==, 0);
	g_assert_null(as_find(&m->io, 0xc040));
}

static struct piix3 *new_piix3(struct machine *m, struct pci_bus *bus)
{
	GError *err = NULL;
	struct piix3 *p = piix3_create(m, bus, &err);

	g_assert_no_error(err);
	g_assert_nonnull(p);
	return p;
}

static void test_intx_routing(void)
{
	struct machine *m = machine_new(NULL);
	struct pci_bus *bus = new_bus(m);
	struct piix3 *p = new_piix3(m, bus);
	struct tdev *a = tdev_new(m, bus, 0x18, 1); /* slot 3 INTA -> PIRQC */
	struct tdev *b = tdev_new(m, bus, 0x20, 4); /* slot 4 INTD -> PIRQC */
	struct tdev *c = tdev_new(m, bus, 0x28, 1); /* slot 5 INTA -> PIRQA */

	pci_set_irq(&a->pci, 1);
	g_assert_cmphex(cfg_readl(m, 0x18, 0x04) >> 16 & PCI_STATUS_INTERRUPT, ==,
			PCI_STATUS_INTERRUPT);
	for (int i = 0; i < 16; i++)
		g_assert_cmpint(m->gsi_level[i], ==, 0); /* PIRQC disabled */
	cfg_writeb(m, PIIX3_DEVFN, 0x62, 11);
	g_assert_cmpint(m->gsi_level[11], ==, 1);
	pci_set_irq(&b->pci, 1);
	pci_set_irq(&a->pci, 0);
	g_assert_cmpint(m->gsi_level[11], ==, 1); /* b still holds it */
	pci_set_irq(&b->pci, 0);
	g_assert_cmpint(m->gsi_level[11], ==, 0);

	/* re-routing moves an asserted line */
	pci_set_irq(&a->pci, 1);
	cfg_writeb(m, PIIX3_DEVFN, 0x62, 10);
	g_assert_cmpint(m->gsi_level[11], ==, 0);
	g_assert_cmpint(m->gsi_level[10], ==, 1);
	/* two PIRQs on one IRQ */
	cfg_writeb(m, PIIX3_DEVFN, 0x60, 10);
	pci_set_irq(&c->pci, 1);
	pci_set_irq(&a->pci, 0);
	g_assert_cmpint(m->gsi_level[10], ==, 1);
	pci_set_irq(&c->pci, 0);
	g_assert_cmpint(m->gsi_level[10], ==, 0);

	/* INTx disable masks the pin, the status bit stays */
	pci_set_irq(&a->pci, 1);
	cfg_writew(m, 0x18, 0x04, PCI_COMMAND_INTX_DISABLE);
	g_assert_cmpint(m->gsi_level[10], ==, 0);
	g_assert_true(cfg_readl(m, 0x18, 0x04) >> 16 & PCI_STATUS_INTERRUPT);
	cfg_writew(m, 0x18, 0x04, 0);
	g_assert_cmpint(m->gsi_level[10], ==, 1);
	/* bit 7 disables the PIRQ; a reset of PIIX3 does too */
	cfg_writeb(m, PIIX3_DEVFN, 0x62, 0x8a);
	g_assert_cmpint(m->gsi_level[10], ==, 0);
	cfg_writeb(m, PIIX3_DEVFN, 0x62, 0x0a);
	g_assert_cmpint(m->gsi_level[10], ==, 1);
	device_reset(&p->pci.dev);
	g_assert_cmpint(m->gsi_level[10], ==, 0);
	g_assert_cmphex(cfg_readl(m, PIIX3_DEVFN, 0x60), ==, 0x80808080);
	g_assert_cmpint(piix3_pirq_irq(p, 2), ==, -1);
}

static int tdev_post_load(void *opaque)
{
	return pci_device_post_load(opaque);
}

static const struct vmstate_field tdev_fields[] = {
	VMSTATE_U8_ARRAY(struct tdev, pci.config),
	VMSTATE_END,
};

static const struct vmstate_desc tdev_vmsd = {
	.name = "tdev", .version = 1, .fields = tdev_fields, .post_load = tdev_post_load,
};

static void test_vmstate(void)
{
	struct machine *m = machine_new(NULL);
	struct pci_bus *bus = new_bus(m);
	struct tdev *t;
	GByteArray *a = g_byte_array_new();
	GError *err = NULL;

	new_piix3(m, bus);
	t = tdev_new(m, bus, DEV, 1);
	cfg_writeb(m, PIIX3_DEVFN, 0x62, 11);
	cfg_writel(m, DEV, 0x10, 0xc000);
	cfg_writel(m, DEV, 0x14, 0xfebf0000);
	cfg_writew(m, DEV, 0x04, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	pci_set_irq(&t->pci, 1);
	g_assert_cmpint(m->gsi_level[11], ==, 1);
	vmstate_save(&tdev_vmsd, t, a);

	pci_device_reset(&t->pci);
	g_assert_cmpint(m->gsi_level[11], ==, 0);
	g_assert_null(as_find(&m->io, 0xc000));
	g_assert_cmpint(vmstate_load(&tdev_vmsd, t, a->data, a->len, &err), ==, a->len);
	g_assert_no_error(err);
	g_assert_cmphex(as_read(&m->io, 0xc000, 1), ==, 0xa1);
	g_assert_cmphex(as_read(&m->mem, 0xfebf0000, 1), ==, 0xb2);
	g_assert_cmpint(m->gsi_level[11], ==, 1);
	g_byte_array_free(a, TRUE);
}

static void test_pm_vmstate(void)
{
	struct machine *m = machine_new(NULL);
	struct pci_bus *bus = new_bus(m);
	struct piix4_pm_config cfg = PIIX4_PM_CONFIG_DEFAULT;
	struct piix4_pm *pm;
	const struct vmstate_desc *vmsd;
	GByteArray *a = g_byte_array_new();
	GError *err = NULL;

	new_piix3(m, bus);
	pm = piix4_pm_create(m, bus, &cfg, &err);
	g_assert_no_error(err);
	vmsd = pm->pci.dev.cls->vmsd;
	cfg_writel(m, PIIX4_PM_DEVFN, 0x40, 0x601);
	cfg_writeb(m, PIIX4_PM_DEVFN, 0x80, 1);
	as_write(&m->io, 0x600, 1, 2);       /* clear TMR_STS */
	as_write(&m->io, 0x602, 0x0101, 2);  /* TMR_EN | PWRBTN_EN */
	g_assert_cmpint(m->gsi_level[9], ==, 0);
	piix4_pm_power_button(pm);
	g_assert_cmpint(m->gsi_level[9], ==, 1);
	g_assert_true(timer_pending(&pm->tmr_timer));
	vmstate_save(vmsd, pm, a);

	device_reset(&pm->pci.dev);
	g_assert_cmpint(m->gsi_level[9], ==, 0);
	g_assert_cmphex(as_read(&m->io, 0x602, 2), ==, 0xffff);
	g_assert_cmpint(vmstate_load(vmsd, pm, a->data, a->len, &err), ==, a->len);
	g_assert_no_error(err);
	g_assert_cmphex(as_read(&m->io, 0x602, 2), ==, 0x0101);
	g_assert_cmphex(as_read(&m->io, 0x600, 2), ==, 0x0100);
	g_assert_cmpint(m->gsi_level[9], ==, 1);
	as_write(&m->io, 0x600, 0x0100, 2);
	g_assert_cmpint(m->gsi_level[9], ==, 0);
	g_assert_true(timer_pending(&pm->tmr_timer));
	g_byte_array_free(a, TRUE);
}

/* The 0xcf8 latch is part of the host bridge's saved state. */
static void test_latch_vmstate(void)
{
	struct machine *m = machine_new(NULL);
	struct pci_bus *bus = new_bus(m);
	struct i440fx *h;
	GByteArray *a = g_byte_array_new();
	GError *err = NULL;

	m->pc = g_new0(struct pc_machine, 1); /* PAM stays 0: nothing mapped */
	as_write(&m->io, 0xcf8, 0x80000008, 4);
	h = i440fx_create(m, bus, &err);
	g_assert_no_error(err);
	g_assert_cmphex(as_read(&m->io, 0xcf8, 4), ==, 0); /* reset value */
	new_piix3(m, bus);
	as_write(&m->io, 0xcf8, 0x80000808, 4);
	vmstate_save(h->pci.dev.cls->vmsd, h, a);
	as_write(&m->io, 0xcf8, 0x80000000, 4);
	device_reset(&h->pci.dev);
	g_assert_cmpint(vmstate_load(h->pci.dev.cls->vmsd, h, a->data, a->len, &err),
			==, a->len);
	g_assert_no_error(err);
	g_assert_cmphex(as_read(&m->io, 0xcf8, 4), ==, 0x80000808);
	g_assert_cmphex(as_read(&m->io, 0xcfc, 4), ==, 0x06010000);
	g_byte_array_free(a, TRUE);
}

static void test_capabilities(void)
{
	struct machine *m = machine_new(NULL);
	struct pci_bus *bus = new_bus(m);
	struct tdev *t = tdev_new(m, bus, DEV, 1);

	g_assert_cmpint(pci_add_capability(&t->pci, 0x09, 6), ==, 0x40);
	g_assert_cmpint(pci_add_capability(&t->pci, 0x11, 12), ==, 0x48);
	g_assert_cmphex(cfg_readl(m, DEV, 0x34) & 0xff, ==, 0x48);
	g_assert_cmphex(cfg_readl(m, DEV, 0x48) & 0xffff, ==, 0x4011);
	g_assert_cmphex(cfg_readl(m, DEV, 0x40) & 0xffff, ==, 0x0009);
	g_assert_true(cfg_readl(m, DEV, 0x04) >> 16 & PCI_STATUS_CAP_LIST);
	/* the guest cannot rewrite the list */
	cfg_writel(m, DEV, 0x48, 0);
	g_assert_cmphex(cfg_readl(m, DEV, 0x48) & 0xffff, ==, 0x4011);
	g_assert_cmpint(pci_add_capability(&t->pci, 0x05, 200), ==, -ENOSPC);
}

static void test_hostile(void)
{
	struct machine *m = machine_new(NULL);
	struct pci_bus *bus = new_bus(m);
	struct piix4_pm_config cfg = PIIX4_PM_CONFIG_DEFAULT;
	GError *err = NULL;
	struct mem_region busy;

	new_piix3(m, bus);
	g_assert_nonnull(piix4_pm_create(m, bus, &cfg, &err));
	tdev_new(m, bus, DEV, 1);
	tdev_new(m, bus, 0x21, 1); /* function 1 of slot 4: no function 0 */
	g_assert_cmphex(cfg_readl(m, 0x21, 0), ==, 0xffffffff);
	g_random_set_seed(42);
	for (int i = 0; i < 20000; i++) {
		uint32_t addr = g_random_int(), v = g_random_int();
		unsigned port = 0xcf8 + g_random_int_range(0, 8);
		unsigned size = 1u << g_random_int_range(0, 3);

		if (port == 0xcf9 && (v & 4))
			v &= ~4; /* a reset request needs the main loop */
		as_write(&m->io, 0xcf8, (addr & 0x8000ffff) | (g_random_boolean() << 16), 4);
		as_write(&m->io, port, v, size);
		as_read(&m->io, port, size);
	}
	/* PM block over ports in use: refused, no crash */
	mr_init_io(&busy, "busy", 4, &tdev_ops, NULL);
	g_assert_cmpint(as_add(&m->io, &busy, 0x700), ==, 0);
	cfg_writel(m, PIIX4_PM_DEVFN, 0x40, 0x701);
	cfg_writeb(m, PIIX4_PM_DEVFN, 0x80, 1);
	g_assert_true(as_find(&m->io, 0x700) == &busy);
	cfg_writel(m, PIIX4_PM_DEVFN, 0x40, 0x741);
	g_assert_cmphex(as_read(&m->io, 0x742, 2), !=, 0xffff);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pci/bar-sizing", test_bar_sizing);
	g_test_add_func("/pci/bar-mapping", test_bar_mapping);
	g_test_add_func("/pci/intx-routing", test_intx_routing);
	g_test_add_func("/pci/vmstate", test_vmstate);
	g_test_add_func("/pci/pm-vmstate", test_pm_vmstate);
	g_test_add_func("/pci/latch-vmstate", test_latch_vmstate);
	g_test_add_func("/pci/capabilities", test_capabilities);
	g_test_add_func("/pci/hostile", test_hostile);
	return g_test_run();
}
