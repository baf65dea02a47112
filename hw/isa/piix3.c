// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PIIX3 PCI-to-ISA bridge at 00:01.0 (docs/machine-contract.md §4):
 * 8086:7000, class 060100, header type 0x80 (multifunction, so SeaBIOS
 * probes 00:01.1-7).  It routes PCI INTx: PIRQA-D route control registers
 * 0x60-0x63 (bit 7 = disabled, bits 3:0 = ISA IRQ), read by the PCI bus
 * through pci_bus_set_router(); rewriting them moves the interrupt lines at
 * once.  The reset control register at 0xcf9 starts a system reset when
 * bit 2 is written (soft and hard reset alike, as QEMU).  Other config
 * registers reset to the values QEMU 7.2 shows.  Under qtest there is no
 * in-kernel PIC, so the ELCR pair 0x4d0/0x4d1 is a plain register here
 * (QEMU's read-only bit masks); with KVM the in-kernel PIC owns those ports.
 * Left out: the ISA DMA/PIC/PIT of the real chip (elsewhere or in KVM),
 * top-of-memory, X-bus, APIC chip-select and SMI registers (plain bytes).
 */
#include <string.h>
#include "hw/isa/piix3.h"
#include "core/log.h"
#include "core/machine.h"

#define PIIX3_ELCR_PORT 0x4d0

static const uint8_t piix3_elcr_mask[2] = { 0xf8, 0xde };

int piix3_pirq_irq(const struct piix3 *s, int pirq)
{
	uint8_t v;

	if (pirq < 0 || pirq > 3)
		return -1;
	v = s->pci.config[PIIX3_PIRQRC + pirq];
	return (v & PIIX3_PIRQ_DISABLE) ? -1 : (v & 0x0f);
}

static int piix3_map_irq(void *opaque, int pirq)
{
	return piix3_pirq_irq(opaque, pirq);
}

static void piix3_config_write(struct pci_device *d, uint32_t addr, uint32_t val,
			       unsigned size)
{
	pci_default_config_write(d, addr, val, size);
	if (addr < PIIX3_PIRQRC + 4 && addr + size > PIIX3_PIRQRC)
		pci_bus_update_irqs(d->bus);
}

/* ---- 0xcf9 reset control ---- */

static uint8_t piix3_rcr_read(void *opaque)
{
	struct piix3 *s = opaque;

	return s->rcr;
}

static void piix3_rcr_write(void *opaque, uint8_t val)
{
	struct piix3 *s = opaque;

	if (val & PIIX3_RCR_RESET_CPU) {
		machine_request_reset(s->pci.dev.m);
		return;
	}
	s->rcr = val & PIIX3_RCR_SYS_RST;
}

/* ---- ELCR (qtest only) ---- */

static uint64_t piix3_elcr_read(void *opaque, uint64_t addr, unsigned size)
{
	struct piix3 *s = opaque;

	return addr < 2 ? s->elcr[addr] : 0xff;
}

static void piix3_elcr_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct piix3 *s = opaque;

	if (addr < 2)
		s->elcr[addr] = val & piix3_elcr_mask[addr];
}

static const struct mem_ops piix3_elcr_ops = {
	.read = piix3_elcr_read, .write = piix3_elcr_write,
	.min_access = 1, .max_access = 1,
};

/* ---- life cycle ---- */

static void piix3_reset(struct device *dev)
{
	struct piix3 *s = container_of(dev, struct piix3, pci.dev);
	uint8_t *c = s->pci.config;

	pci_device_reset(&s->pci);
	memset(c + 0x40, 0, 256 - 0x40);
	c[0x4c] = 0x4d; /* ISA I/O recovery timer */
	c[0x4e] = 0x03; /* X-bus chip select */
	memset(c + PIIX3_PIRQRC, PIIX3_PIRQ_DISABLE, 4);
	c[0x69] = 0x02; /* top of memory */
	c[0x70] = 0x80; /* motherboard device IRQ routing: disabled */
	c[0x76] = 0x0c; /* DMA channel routing */
	c[0x77] = 0x0c;
	c[0x78] = 0x02; /* programmable chip select */
	c[0xa0] = 0x08; /* SMI control */
	c[0xa8] = 0x0f; /* system event */
	s->rcr = 0;
	memset(s->elcr, 0, sizeof(s->elcr));
	pci_bus_update_irqs(s->pci.bus);
}

static int piix3_realize(struct device *dev, GError **err)
{
	struct piix3 *s = container_of(dev, struct piix3, pci.dev);
	struct pci_device *d = &s->pci;
	struct machine *m = dev->m;

	pci_config_set_ids(d, 0x8086, 0x7000, 0x00, 0x060100);
	d->config[PCI_HEADER_TYPE] = 0x80;
	d->config[PCI_STATUS + 1] = 0x02; /* DEVSEL medium */
	d->config_write = piix3_config_write;
	s->has_elcr = !machine_irqchip_in_kernel(m);
	if (s->has_elcr) {
		mr_init_io(&s->elcr_region, "elcr", 2, &piix3_elcr_ops, s);
		if (as_add(&m->io, &s->elcr_region, PIIX3_ELCR_PORT) < 0) {
			error_setg(err, "piix3: ports 0x4d0-0x4d1 are already in use");
			return -1;
		}
	}
	if (pci_device_attach(d->bus, d, PIIX3_DEVFN, err) < 0) {
		as_del(&s->elcr_region);
		return -1;
	}
	pci_bus_set_router(d->bus, piix3_map_irq, s);
	pci_bus_set_reset_control(d->bus, piix3_rcr_read, piix3_rcr_write, s);
	piix3_reset(dev);
	return 0;
}

static int piix3_post_load(void *opaque)
{
	struct piix3 *s = opaque;

	s->elcr[0] &= piix3_elcr_mask[0];
	s->elcr[1] &= piix3_elcr_mask[1];
	return pci_device_post_load(&s->pci);
}

static const struct vmstate_field piix3_fields[] = {
	VMSTATE_U8_ARRAY(struct piix3, pci.config),
	VMSTATE_U8(struct piix3, rcr),
	VMSTATE_U8_ARRAY(struct piix3, elcr),
	VMSTATE_END,
};

static const struct vmstate_desc piix3_vmsd = {
	.name = "piix3",
	.version = 1,
	.fields = piix3_fields,
	.post_load = piix3_post_load,
};

const struct device_class piix3_class = {
	.name = "PIIX3",
	.bus = "PCI",
	.no_hotplug = true,
	.desc = "PIIX3 PCI-to-ISA bridge (PIRQ routing, reset control)",
	.instance_size = sizeof(struct piix3),
	.user_creatable = false,
	.realize = piix3_realize,
	.reset = piix3_reset,
	.vmsd = &piix3_vmsd,
};

static void piix3_setup(struct device *dev, const void *bus)
{
	container_of(dev, struct piix3, pci.dev)->pci.bus = (struct pci_bus *)bus;
}

struct piix3 *piix3_create(struct machine *m, struct pci_bus *bus, GError **err)
{
	struct device *dev = device_create(m, &piix3_class, "piix3", piix3_setup, bus, err);

	return dev ? container_of(dev, struct piix3, pci.dev) : NULL;
}
