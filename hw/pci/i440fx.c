// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * i440FX PMC, the host bridge at 00:00.0 (docs/machine-contract.md
 * §1.4-1.6): 8086:1237 rev 2, class 060000, subsystem 1AF4:1100 so SeaBIOS
 * knows it runs on QEMU's board.  PAM0-PAM6 (0x59-0x5f) choose ROM or RAM
 * for the 13 shadow segments of 0xc0000-0xfffff; every changed field is
 * passed to the board's pc_pam_update(), which owns the memory slots.  The
 * SMRAM register (0x72) keeps its value and lock bits but opens nothing:
 * there is no SMM.  PAM returns to 0 (ROM) on reset, as on real hardware
 * (QEMU keeps it; SeaBIOS copes with both, §1.6), except on the reset that
 * wakes the machine from S3, which keeps it as QEMU does.  Left out: DRAM timing
 * and error registers (plain read/write bytes here).
 */
#include <string.h>
#include "hw/pci/i440fx.h"
#include "hw/i386/pc.h"
#include "core/log.h"
#include "core/machine.h"

#define I440FX_NUM_SEGS 13
#define SMRAM_C_BASE_SEG 0x02 /* bits 2:0 read 010 (0xa0000) */
#define SMRAM_G_SMRAME 0x08
#define SMRAM_D_LCK 0x10
#define SMRAM_D_CLS 0x20
#define SMRAM_D_OPEN 0x40

static int pam_mode_of(const uint8_t *config, int seg)
{
	int reg, shift;

	if (seg == 0)
		return (config[I440FX_PAM0] >> 4) & 3;
	reg = I440FX_PAM0 + 1 + (seg - 1) / 2;
	shift = ((seg - 1) & 1) * 4;
	return (config[reg] >> shift) & 3;
}

int i440fx_pam_mode(const struct i440fx *s, int seg)
{
	if (seg < 0 || seg >= I440FX_NUM_SEGS)
		return 0;
	return pam_mode_of(s->pci.config, seg);
}

static void i440fx_pam_sync(struct i440fx *s, const uint8_t *old_config)
{
	for (int seg = 0; seg < I440FX_NUM_SEGS; seg++) {
		int mode = pam_mode_of(s->pci.config, seg);

		if (!old_config || pam_mode_of(old_config, seg) != mode)
			pc_pam_update(s->pci.dev.m, seg, mode);
	}
}

/* Once D_LCK is set, D_OPEN is forced off and the lock bits freeze. */
static void i440fx_smram_lock(struct i440fx *s)
{
	uint8_t *c = s->pci.config;

	if (c[I440FX_SMRAM] & SMRAM_D_LCK) {
		c[I440FX_SMRAM] &= ~SMRAM_D_OPEN;
		s->pci.wmask[I440FX_SMRAM] = SMRAM_D_CLS;
	} else {
		s->pci.wmask[I440FX_SMRAM] = SMRAM_D_OPEN | SMRAM_D_CLS |
					     SMRAM_D_LCK | SMRAM_G_SMRAME;
	}
}

static void i440fx_config_write(struct pci_device *d, uint32_t addr, uint32_t val,
				unsigned size)
{
	struct i440fx *s = container_of(d, struct i440fx, pci);
	uint8_t old[256];

	memcpy(old, d->config, sizeof(old));
	pci_default_config_write(d, addr, val, size);
	if (addr <= I440FX_PAM_LAST && addr + size > I440FX_PAM0)
		i440fx_pam_sync(s, old);
	if (addr <= I440FX_SMRAM && addr + size > I440FX_SMRAM)
		i440fx_smram_lock(s);
}

static void i440fx_reset(struct device *dev)
{
	struct i440fx *s = container_of(dev, struct i440fx, pci.dev);
	uint8_t *c = s->pci.config;
	uint64_t ram_units = dev->m->cfg ? dev->m->cfg->ram_size >> 23 : 0;
	uint8_t pam[I440FX_PAM_LAST - I440FX_PAM0 + 1];

	/* out of S3 the shadowed BIOS stays RAM: SeaBIOS finds its state
	 * there and takes its resume path (QEMU keeps PAM on every reset) */
	memcpy(pam, c + I440FX_PAM0, sizeof(pam));
	pci_device_reset(&s->pci);
	memset(c + 0x40, 0, 256 - 0x40);
	if (dev->m->s3_waking)
		memcpy(c + I440FX_PAM0, pam, sizeof(pam));
	c[I440FX_RAM_SIZE] = MIN(ram_units, 255);
	c[I440FX_SMRAM] = SMRAM_C_BASE_SEG;
	s->config_addr = 0;
	i440fx_smram_lock(s);
	i440fx_pam_sync(s, NULL);
}

static int i440fx_realize(struct device *dev, GError **err)
{
	struct i440fx *s = container_of(dev, struct i440fx, pci.dev);
	struct pci_device *d = &s->pci;

	pci_config_set_ids(d, 0x8086, 0x1237, 0x02, 0x060000);
	d->wmask[I440FX_SMRAM] = 0;
	d->config_write = i440fx_config_write;
	if (pci_device_attach(d->bus, d, 0, err) < 0)
		return -1;
	pci_bus_set_config_latch(d->bus, &s->config_addr);
	i440fx_reset(dev);
	return 0;
}

static int i440fx_post_load(void *opaque)
{
	struct i440fx *s = opaque;

	i440fx_smram_lock(s);
	i440fx_pam_sync(s, NULL);
	return pci_device_post_load(&s->pci);
}

static const struct vmstate_field i440fx_fields[] = {
	VMSTATE_U8_ARRAY(struct i440fx, pci.config),
	VMSTATE_U32(struct i440fx, config_addr),
	VMSTATE_END,
};

static const struct vmstate_desc i440fx_vmsd = {
	.name = "i440fx",
	.version = 1,
	.fields = i440fx_fields,
	.post_load = i440fx_post_load,
};

const struct device_class i440fx_class = {
	.name = "i440FX-pcihost",
	.bus = "PCI",
	.no_hotplug = true,
	.desc = "i440FX host bridge (PAM shadow control)",
	.instance_size = sizeof(struct i440fx),
	.user_creatable = false,
	.realize = i440fx_realize,
	.reset = i440fx_reset,
	.vmsd = &i440fx_vmsd,
};

static void i440fx_setup(struct device *dev, const void *bus)
{
	container_of(dev, struct i440fx, pci.dev)->pci.bus = (struct pci_bus *)bus;
}

struct i440fx *i440fx_create(struct machine *m, struct pci_bus *bus, GError **err)
{
	struct device *dev = device_create(m, &i440fx_class, "i440fx", i440fx_setup, bus, err);

	return dev ? container_of(dev, struct i440fx, pci.dev) : NULL;
}
