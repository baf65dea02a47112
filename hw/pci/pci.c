// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI bus 0 of the i440FX (hw/pci/pci.h): configuration mechanism #1 on
 * ports 0xcf8 (address, dword accesses only) and 0xcfc-0xcff (data), the
 * generic type-0 header (write masks, write-1-to-clear status bits, BAR
 * sizing), mapping of I/O, 32/64-bit memory and expansion ROM BARs into the
 * machine's address spaces as the command register allows, a capability
 * list helper, and INTx routing through the PIIX3 PIRQ registers to ISA
 * IRQs as level lines.  Follows docs/machine-contract.md §4 and
 * QEMU's observable behaviour (wmask 0x0507 on the command register,
 * device-specific registers 0x40-0xff writable unless a device narrows them).
 * Left out: bridges and other buses, PCIe extended config space, MSI.
 */
#include <errno.h>
#include <string.h>
#include "hw/pci/pci.h"
#include "core/log.h"
#include "core/machine.h"

#define PCI_CONFIG_ENABLE 0x80000000u
#define PCI_STATUS_W1C 0xf900 /* parity, aborts, SERR, detected parity */
#define PCI_COMMAND_WMASK (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
			   PCI_COMMAND_MASTER | 0x100 | PCI_COMMAND_INTX_DISABLE)
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_CAP_START 0x40
#define PCI_ROM_ENABLE 0x1
#define PCI_NUM_ISA_IRQS 16
#define PCI_NUM_PIRQS 4

struct pci_bus {
	struct machine *m;
	struct pci_device *devs[256];
	uint32_t own_latch;
	uint32_t *config_addr;      /* 0xcf8 latch (own_latch or the bridge's) */
	struct mem_region addr_region, data_region;
	int (*map_irq)(void *opaque, int pirq);
	void *router;
	uint8_t isa_level[PCI_NUM_ISA_IRQS]; /* levels PCI drives on ISA IRQs */
	uint8_t (*rc_read)(void *opaque);
	void (*rc_write)(void *opaque, uint8_t val);
	void *rc_opaque;
};

/* ---- little helpers on the config array ---- */

static uint16_t cfg_word(const uint8_t *c, int off)
{
	return c[off] | (c[off + 1] << 8);
}

static uint32_t cfg_long(const uint8_t *c, int off)
{
	return cfg_word(c, off) | ((uint32_t)cfg_word(c, off + 2) << 16);
}

static void cfg_set_word(uint8_t *c, int off, uint16_t v)
{
	c[off] = v;
	c[off + 1] = v >> 8;
}

static void cfg_set_long(uint8_t *c, int off, uint32_t v)
{
	cfg_set_word(c, off, v);
	cfg_set_word(c, off + 2, v >> 16);
}

static bool ranges_meet(uint32_t a, unsigned alen, uint32_t b, unsigned blen)
{
	return a < b + blen && b < a + alen;
}

static int bar_offset(int idx)
{
	return idx == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * idx;
}

/* ---- identity and masks ---- */

void pci_config_set_ids(struct pci_device *d, uint16_t vendor, uint16_t device,
			uint8_t rev, uint32_t class_code)
{
	uint8_t *c = d->config;

	cfg_set_word(c, PCI_VENDOR_ID, vendor);
	cfg_set_word(c, PCI_DEVICE_ID, device);
	c[PCI_REVISION_ID] = rev;
	c[PCI_CLASS_PROG] = class_code;
	cfg_set_word(c, PCI_CLASS_DEVICE, class_code >> 8);
	/* QEMU's default subsystem, which SeaBIOS uses to say "Running on QEMU" */
	cfg_set_word(c, PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
	cfg_set_word(c, PCI_SUBSYSTEM_ID, 0x1100);

	cfg_set_word(d->wmask, PCI_COMMAND, PCI_COMMAND_WMASK);
	cfg_set_word(d->w1cmask, PCI_STATUS, PCI_STATUS_W1C);
	d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	d->wmask[PCI_INTERRUPT_LINE] = 0xff;
	memset(d->wmask + 0x40, 0xff, 256 - 0x40);
}

static uint64_t bar_min_size(int idx, enum pci_bar_type type)
{
	if (idx == PCI_ROM_SLOT)
		return 0x800;
	return type == PCI_BAR_IO ? 4 : 16;
}

static uint32_t bar_type_bits(const struct pci_bar *b, int idx)
{
	if (idx == PCI_ROM_SLOT)
		return 0;
	if (b->type == PCI_BAR_IO)
		return 1;
	return (b->type == PCI_BAR_MEM64 ? 0x4 : 0) | (b->prefetch ? 0x8 : 0);
}

void pci_register_bar(struct pci_device *d, int idx, enum pci_bar_type type,
		      bool prefetch, struct mem_region *region)
{
	struct pci_bar *b;
	uint64_t size, mask;
	int off;

	if (idx < 0 || idx >= PCI_NUM_BARS || !region ||
	    (type == PCI_BAR_MEM64 && idx >= 5)) {
		error_report("pci: bad BAR %d registration", idx);
		return;
	}
	b = &d->bars[idx];
	size = MAX(bar_min_size(idx, type), region->size);
	size = 1ULL << g_bit_storage(size - 1); /* round up to a power of two */
	b->size = size;
	b->type = idx == PCI_ROM_SLOT ? PCI_BAR_MEM32 : type;
	b->prefetch = prefetch;
	b->region = region;
	b->mapped_addr = UINT64_MAX;

	off = bar_offset(idx);
	mask = ~(size - 1);
	if (idx == PCI_ROM_SLOT)
		mask = (mask & ~0x7ffULL) | PCI_ROM_ENABLE;
	else if (type != PCI_BAR_IO)
		mask &= ~0xfULL;
	else
		mask &= ~0x3ULL;
	cfg_set_long(d->wmask, off, mask);
	cfg_set_long(d->config, off, bar_type_bits(b, idx));
	if (type == PCI_BAR_MEM64 && idx != PCI_ROM_SLOT) {
		cfg_set_long(d->wmask, off + 4, mask >> 32);
		cfg_set_long(d->config, off + 4, 0);
	}
}

int pci_add_capability(struct pci_device *d, uint8_t cap_id, uint8_t len)
{
	int off = d->cap_next ? d->cap_next : PCI_CAP_START;
	uint16_t status;

	off = (off + 3) & ~3;
	if (len < 2 || off + len > 256)
		return -ENOSPC;
	d->config[off] = cap_id;
	d->config[off + 1] = d->config[PCI_CAPABILITY_LIST];
	d->config[PCI_CAPABILITY_LIST] = off;
	d->wmask[off] = d->wmask[off + 1] = 0;
	status = cfg_word(d->config, PCI_STATUS) | PCI_STATUS_CAP_LIST;
	cfg_set_word(d->config, PCI_STATUS, status);
	d->cap_next = off + len < 256 ? off + len : 0xff;
	return off;
}

/* ---- BAR mapping ---- */

static struct address_space *bar_space(struct pci_device *d, const struct pci_bar *b)
{
	return b->type == PCI_BAR_IO ? &d->bus->m->io : &d->bus->m->mem;
}

/* Where BAR idx should be mapped now, or UINT64_MAX if it should not. */
static uint64_t bar_address(struct pci_device *d, int idx)
{
	const struct pci_bar *b = &d->bars[idx];
	uint16_t cmd = cfg_word(d->config, PCI_COMMAND);
	int off = bar_offset(idx);
	uint32_t lo = cfg_long(d->config, off);
	uint64_t addr, limit;

	if (b->type == PCI_BAR_IO) {
		if (!(cmd & PCI_COMMAND_IO))
			return UINT64_MAX;
		addr = lo & ~(b->size - 1) & ~0x3ULL;
		limit = 0x10000;
	} else {
		if (!(cmd & PCI_COMMAND_MEMORY))
			return UINT64_MAX;
		if (idx == PCI_ROM_SLOT && !(lo & PCI_ROM_ENABLE))
			return UINT64_MAX;
		addr = lo & ~(b->size - 1) & (idx == PCI_ROM_SLOT ? ~0x7ffULL : ~0xfULL);
		limit = 1ULL << 32;
		if (b->type == PCI_BAR_MEM64 && idx != PCI_ROM_SLOT) {
			addr |= (uint64_t)cfg_long(d->config, off + 4) << 32;
			limit = 1ULL << 52; /* beyond any guest physical address */
		}
	}
	/* Address 0 means "not assigned"; the all-ones sizing pattern wraps. */
	if (addr == 0 || addr >= limit || b->size > limit - addr)
		return UINT64_MAX;
	return addr;
}

static void bar_unmap(struct pci_bar *b)
{
	if (b->region && b->region->as)
		as_del(b->region);
	b->mapped_addr = UINT64_MAX;
}

static void pci_update_mappings(struct pci_device *d)
{
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		struct pci_bar *b = &d->bars[i];
		uint64_t addr;
		int ret;

		if (!b->size || !b->region)
			continue;
		addr = d->bus ? bar_address(d, i) : UINT64_MAX;
		if (addr == b->mapped_addr && (addr == UINT64_MAX || b->region->as))
			continue;
		bar_unmap(b);
		if (addr == UINT64_MAX)
			continue;
		ret = as_add(bar_space(d, b), b->region, addr);
		if (ret < 0) {
			guest_error("pci %02x.%d: BAR %d at 0x%llx (size 0x%llx) "
				    "overlaps another region; left unmapped",
				    d->devfn >> 3, d->devfn & 7, i,
				    (unsigned long long)addr,
				    (unsigned long long)b->size);
			continue;
		}
		b->mapped_addr = addr;
	}
}

/* ---- INTx ---- */

static int pci_pirq_of(const struct pci_device *d)
{
	int pin = d->config[PCI_INTERRUPT_PIN];

	if (pin < 1 || pin > 4)
		return -1;
	return ((d->devfn >> 3) + pin - 2) & 3;
}

static bool pci_intx_asserted(const struct pci_device *d)
{
	return d->irq_level &&
	       !(cfg_word(d->config, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
}

void pci_bus_update_irqs(struct pci_bus *bus)
{
	uint8_t level[PCI_NUM_ISA_IRQS] = { 0 };
	bool pirq[PCI_NUM_PIRQS] = { false };

	for (int i = 0; i < 256; i++) {
		struct pci_device *d = bus->devs[i];
		int p;

		if (d && pci_intx_asserted(d) && (p = pci_pirq_of(d)) >= 0)
			pirq[p] = true;
	}
	for (int p = 0; p < PCI_NUM_PIRQS && bus->map_irq; p++) {
		int irq = bus->map_irq(bus->router, p);

		if (pirq[p] && irq >= 0 && irq < PCI_NUM_ISA_IRQS)
			level[irq] = 1;
	}
	for (int irq = 0; irq < PCI_NUM_ISA_IRQS; irq++) {
		if (level[irq] == bus->isa_level[irq])
			continue;
		bus->isa_level[irq] = level[irq];
		irq_set(machine_gsi(bus->m, irq), level[irq]);
	}
}

void pci_set_irq(struct pci_device *d, int level)
{
	uint16_t status;

	level = !!level;
	if (d->irq_level == level)
		return;
	d->irq_level = level;
	status = cfg_word(d->config, PCI_STATUS) & ~PCI_STATUS_INTERRUPT;
	cfg_set_word(d->config, PCI_STATUS, status | (level ? PCI_STATUS_INTERRUPT : 0));
	if (d->bus)
		pci_bus_update_irqs(d->bus);
}

void pci_bus_set_router(struct pci_bus *bus, int (*map_irq)(void *opaque, int pirq),
			void *opaque)
{
	bus->map_irq = map_irq;
	bus->router = opaque;
	pci_bus_update_irqs(bus);
}

/* ---- config space access ---- */

uint32_t pci_default_config_read(struct pci_device *d, uint32_t addr, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size && addr + i < 256; i++)
		v |= (uint32_t)d->config[addr + i] << (8 * i);
	return v;
}

void pci_default_config_write(struct pci_device *d, uint32_t addr, uint32_t val,
			      unsigned size)
{
	uint16_t old_cmd = cfg_word(d->config, PCI_COMMAND);

	for (unsigned i = 0; i < size && addr + i < 256; i++) {
		uint8_t b = val >> (8 * i), *c = &d->config[addr + i];
		uint8_t wm = d->wmask[addr + i], w1c = d->w1cmask[addr + i];

		*c = (*c & ~wm) | (b & wm);
		*c &= ~(b & w1c);
	}
	if (ranges_meet(addr, size, PCI_COMMAND, 2) ||
	    ranges_meet(addr, size, PCI_BASE_ADDRESS_0, 24) ||
	    ranges_meet(addr, size, PCI_ROM_ADDRESS, 4))
		pci_update_mappings(d);
	if ((old_cmd ^ cfg_word(d->config, PCI_COMMAND)) & PCI_COMMAND_INTX_DISABLE &&
	    d->bus)
		pci_bus_update_irqs(d->bus);
}

/* The function addressed by the 0xcf8 latch, or NULL (reads all ones). */
static struct pci_device *pci_bus_target(struct pci_bus *bus)
{
	uint32_t a = *bus->config_addr;
	int devfn = (a >> 8) & 0xff;

	if (!(a & PCI_CONFIG_ENABLE) || ((a >> 16) & 0xff) != 0)
		return NULL;
	/* functions 1-7 exist only next to a function 0 */
	if (!bus->devs[devfn & ~7])
		return NULL;
	return bus->devs[devfn];
}

/*
 * The register a data-port access hits, as QEMU computes it: the latch's
 * low byte (its bits 0-1 included) ORed with the offset into 0xcfc-0xcff.
 */
static uint32_t pci_data_reg(struct pci_bus *bus, uint64_t off)
{
	return ((*bus->config_addr & 0xff) | (uint32_t)off) & 0xff;
}

static uint32_t pci_cfg_read(struct pci_device *d, uint32_t reg, unsigned size)
{
	return d->config_read ? d->config_read(d, reg, size)
			      : pci_default_config_read(d, reg, size);
}

static void pci_cfg_write(struct pci_device *d, uint32_t reg, uint32_t val, unsigned size)
{
	if (d->config_write)
		d->config_write(d, reg, val, size);
	else
		pci_default_config_write(d, reg, val, size);
}

/*
 * An access at an unaligned port offset (inw at 0xcfd) is split into bytes
 * by port, each ORed with the latch on its own, as QEMU's memory core
 * does.  An aligned port access at an unaligned register (latch bits 0-1
 * set) reaches the device byte by byte over contiguous registers (devices
 * see only aligned accesses); past byte 255 it is cut, missing bytes 0.
 */
static uint32_t pci_byte_reg(struct pci_bus *bus, uint64_t off, unsigned size, unsigned i)
{
	return (off & (size - 1)) ? pci_data_reg(bus, off + i) : pci_data_reg(bus, off) + i;
}

static uint64_t pci_data_read(void *opaque, uint64_t off, unsigned size)
{
	struct pci_bus *bus = opaque;
	struct pci_device *d = pci_bus_target(bus);
	uint32_t reg = pci_data_reg(bus, off);
	uint64_t v = 0;

	if (!d)
		return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	if (!(reg & (size - 1)))
		return pci_cfg_read(d, reg, size);
	for (unsigned i = 0; i < size; i++) {
		uint32_t r = pci_byte_reg(bus, off, size, i);

		if (r > 255)
			break; /* ran past byte 255 */
		v |= (uint64_t)(pci_cfg_read(d, r, 1) & 0xff) << (8 * i);
	}
	return v;
}

static void pci_data_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct pci_bus *bus = opaque;
	struct pci_device *d = pci_bus_target(bus);
	uint32_t reg = pci_data_reg(bus, off);

	if (!d)
		return;
	if (!(reg & (size - 1))) {
		pci_cfg_write(d, reg, (uint32_t)val, size);
		return;
	}
	for (unsigned i = 0; i < size; i++) {
		uint32_t r = pci_byte_reg(bus, off, size, i);

		if (r > 255)
			break;
		pci_cfg_write(d, r, (uint8_t)(val >> (8 * i)), 1);
	}
}

static const struct mem_ops pci_data_ops = {
	.read = pci_data_read, .write = pci_data_write,
	.min_access = 1, .max_access = 4,
};

/*
 * 0xcf8-0xcfb: a dword at 0xcf8 is the address latch; anything narrower is
 * an ordinary I/O cycle, which only PIIX3's reset control byte at 0xcf9
 * claims.  Everything else floats (all ones) or is dropped.
 */
static uint64_t pci_addr_read(void *opaque, uint64_t off, unsigned size)
{
	struct pci_bus *bus = opaque;
	uint64_t v = 0;

	if (off == 0 && size == 4)
		return *bus->config_addr;
	for (unsigned i = 0; i < size; i++) {
		uint8_t b = 0xff;

		if (off + i == 1 && bus->rc_read)
			b = bus->rc_read(bus->rc_opaque);
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

static void pci_addr_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct pci_bus *bus = opaque;

	if (off == 0 && size == 4) {
		*bus->config_addr = val;
		return;
	}
	for (unsigned i = 0; i < size; i++)
		if (off + i == 1 && bus->rc_write)
			bus->rc_write(bus->rc_opaque, val >> (8 * i));
}

static const struct mem_ops pci_addr_ops = {
	.read = pci_addr_read, .write = pci_addr_write,
	.min_access = 1, .max_access = 4,
};

void pci_bus_set_config_latch(struct pci_bus *bus, uint32_t *latch)
{
	*latch = *bus->config_addr;
	bus->config_addr = latch;
}

void pci_bus_set_reset_control(struct pci_bus *bus, uint8_t (*read)(void *opaque),
			       void (*write)(void *opaque, uint8_t val), void *opaque)
{
	bus->rc_read = read;
	bus->rc_write = write;
	bus->rc_opaque = opaque;
}

/* ---- bus and device life cycle ---- */

struct pci_bus *pci_bus_new(struct machine *m, GError **err)
{
	struct pci_bus *bus = g_new0(struct pci_bus, 1);

	bus->m = m;
	bus->config_addr = &bus->own_latch;
	mr_init_io(&bus->addr_region, "pci-conf-addr", 4, &pci_addr_ops, bus);
	mr_init_io(&bus->data_region, "pci-conf-data", 4, &pci_data_ops, bus);
	if (as_add(&m->io, &bus->addr_region, 0xcf8) < 0 ||
	    as_add(&m->io, &bus->data_region, 0xcfc) < 0) {
		as_del(&bus->addr_region);
		error_setg(err, "pci: ports 0xcf8-0xcff are already in use");
		g_free(bus);
		return NULL;
	}
	if (!m->pci)
		m->pci = bus;
	return bus;
}

struct pci_device *pci_bus_find(struct pci_bus *bus, int devfn)
{
	if (!bus || devfn < 0 || devfn > 255)
		return NULL;
	return bus->devs[devfn];
}

static const char *pci_dev_name(const struct pci_device *d)
{
	return d->dev.cls ? d->dev.cls->name : "pci-device";
}

int pci_device_attach(struct pci_bus *bus, struct pci_device *d, int devfn, GError **err)
{
	struct pci_device *old;

	if (devfn < 0) {
		for (int slot = 0; slot < 32 && devfn < 0; slot++)
			if (!bus->devs[slot << 3])
				devfn = slot << 3;
		if (devfn < 0) {
			error_setg(err, "PCI: no slot/function available for %s, all in use",
				   pci_dev_name(d));
			return -ENOSPC;
		}
	}
	if (devfn > 255) {
		error_setg(err, "pci: slot %02x.%d is invalid", (devfn >> 3) & 0xff, devfn & 7);
		return -EINVAL;
	}
	if ((old = bus->devs[devfn])) {
		/* QEMU's words, "(null)" for an id-less device included */
		error_setg(err, "PCI: slot %d function %d not available for %s, in use by %s,id=%s",
			   devfn >> 3, devfn & 7, pci_dev_name(d), pci_dev_name(old),
			   old->dev.id && old->dev.opts ? old->dev.id : "(null)");
		return -EBUSY;
	}
	old = bus->devs[devfn & ~7];
	if (d->dev.hotplugged && (devfn & 7) && old) {
		error_setg(err, "PCI: slot %d function 0 already occupied by %s, new func %s "
			   "cannot be exposed to guest.", devfn >> 3, pci_dev_name(old),
			   pci_dev_name(d));
		return -EBUSY;
	}
	d->bus = bus;
	d->devfn = devfn;
	bus->devs[devfn] = d;
	return 0;
}

void pci_device_detach(struct pci_device *d)
{
	struct pci_bus *bus = d->bus;

	if (!bus || bus->devs[d->devfn] != d)
		return;
	for (int i = 0; i < PCI_NUM_BARS; i++)
		bar_unmap(&d->bars[i]);
	d->irq_level = 0;
	bus->devs[d->devfn] = NULL;
	pci_bus_update_irqs(bus);
	d->bus = NULL;
}

void pci_device_reset(struct pci_device *d)
{
	uint16_t cmd = cfg_word(d->config, PCI_COMMAND);
	uint16_t status = cfg_word(d->config, PCI_STATUS);

	cmd &= ~(cfg_word(d->wmask, PCI_COMMAND) | cfg_word(d->w1cmask, PCI_COMMAND));
	cfg_set_word(d->config, PCI_COMMAND, cmd);
	status &= ~(cfg_word(d->w1cmask, PCI_STATUS) | PCI_STATUS_INTERRUPT);
	cfg_set_word(d->config, PCI_STATUS, status);
	d->config[PCI_CACHE_LINE_SIZE] = 0;
	d->config[PCI_INTERRUPT_LINE] = 0;
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		struct pci_bar *b = &d->bars[i];
		int off = bar_offset(i);

		if (!b->size)
			continue;
		cfg_set_long(d->config, off, bar_type_bits(b, i));
		if (b->type == PCI_BAR_MEM64 && i != PCI_ROM_SLOT)
			cfg_set_long(d->config, off + 4, 0);
		bar_unmap(b);
	}
	d->irq_level = 0;
	if (d->bus)
		pci_bus_update_irqs(d->bus);
}

int pci_device_post_load(struct pci_device *d)
{
	d->irq_level = !!(cfg_word(d->config, PCI_STATUS) & PCI_STATUS_INTERRUPT);
	pci_update_mappings(d);
	if (d->bus)
		pci_bus_update_irqs(d->bus);
	return 0;
}
