// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ICH9 AHCI function as QEMU's "ahci" (alias "ich9-ahci"): 8086:2922
 * rev 2, class 010601, subsystem 1af4:1100, the index/data pair in BAR4
 * (32 I/O bytes) and the ABAR in BAR5 (4 KiB), an MSI capability at 0x80
 * (one vector, 64-bit) and the SATA capability at 0xa8.  Six ports, 32
 * command slots, NCQ, 64-bit addressing, Gen1 speed, AHCI 1.0, as QEMU 7.2
 * reports.  This file holds the registers (AHCI 1.3.1 §3), resets (GHC.HR,
 * COMRESET through PxSCTL.DET) and the interrupt: PxIS & PxIE set IS bits,
 * which with GHC.IE raise MSI when the guest enabled it and INTx otherwise.
 * The commands are in ahci-cmd.c.  Omitted: staggered spin-up, port
 * multipliers, CCC, enclosure management.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "block/block.h"
#include "block/drive.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "hw/ide/ahci.h"

#define AHCI_CAP_VAL (0xc0141f00u | (AHCI_PORTS - 1))  /* S64A NCQ AHCI-only Gen1 32 slots */
#define AHCI_VS_VAL 0x00010000u
#define GHC_HR 0x1u
#define GHC_IE 0x2u
#define GHC_AE 0x80000000u
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_SATA 0x12
#define MSI_CAP 0x80
#define SATA_CAP 0xa8
#define CMD_RO_MASK 0x007dffe0u
#define CMD_ICC_MASK 0xf0000000u
#define IE_MASK 0xfdc000ffu

static struct machine *ahci_m(struct ahci *s)
{
	return s->pci.dev.m;
}

/* ---- interrupt ---- */

static bool ahci_msi_enabled(struct ahci *s)
{
	return s->pci.config[MSI_CAP + 2] & 1;
}

static void ahci_msi_send(struct ahci *s)
{
	const uint8_t *c = s->pci.config + MSI_CAP;
	uint64_t addr = (c[4] | c[5] << 8 | c[6] << 16 | (uint32_t)c[7] << 24) |
			(uint64_t)(c[8] | c[9] << 8 | c[10] << 16 | (uint32_t)c[11] << 24) << 32;
	uint32_t data = c[12] | c[13] << 8;

	if (!(s->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER))
		return;
	if (machine_signal_msi(ahci_m(s), addr, data) < 0)
		pci_set_irq(&s->pci, 1);    /* no MSI without an accelerator: INTx */
}

void ahci_update_irq(struct ahci *s)
{
	bool level;

	for (int i = 0; i < AHCI_PORTS; i++)
		if (s->ports[i].is & s->ports[i].ie)
			s->is |= 1u << i;
	level = s->is && (s->ghc & GHC_IE);
	if (ahci_msi_enabled(s)) {
		pci_set_irq(&s->pci, 0);
		if (level)
			ahci_msi_send(s);   /* MSI is an edge: one message per event */
		return;
	}
	pci_set_irq(&s->pci, level);
}

void ahci_port_raise(struct ahci_port *p, uint32_t bits)
{
	p->is |= bits;
	ahci_update_irq(p->hba);
}

/* ---- port registers ---- */

static bool port_has_device(struct ahci_port *p)
{
	return p->bus.units[0].kind != IDE_NONE;
}

static uint32_t port_read(struct ahci_port *p, unsigned reg)
{
	switch (reg) {
	case 0x00: return p->clb;
	case 0x04: return p->clbu;
	case 0x08: return p->fb;
	case 0x0c: return p->fbu;
	case 0x10: return p->is;
	case 0x14: return p->ie;
	case 0x18: return p->cmd;
	case 0x20: return p->tfd;
	case 0x24: return p->sig;
	case 0x28: return port_has_device(p) ? 0x113 : 0;  /* DET 3, Gen1, active */
	case 0x2c: return p->sctl;
	case 0x30: return p->serr;
	case 0x34: return p->sact;
	case 0x38: return p->ci;
	default: return 0;
	}
}

/* The first D2H FIS a device sends after reset, once FIS receive runs. */
static void port_init_d2h(struct ahci_port *p)
{
	struct ide_unit *u = &p->bus.units[0];

	if (p->init_d2h_sent || !port_has_device(p) || !(p->cmd & AHCI_CMD_FR))
		return;
	p->init_d2h_sent = true;
	ahci_write_d2h(p);
	p->sig = (uint32_t)u->hcyl << 24 | u->lcyl << 16 | u->sector << 8 | u->nsector;
}

static void port_write_cmd(struct ahci_port *p, uint32_t val)
{
	uint32_t old = p->cmd;

	p->cmd = (old & CMD_RO_MASK) | (val & ~(CMD_RO_MASK | CMD_ICC_MASK));
	if (p->cmd & AHCI_CMD_ST)
		p->cmd |= AHCI_CMD_CR;
	else if (old & AHCI_CMD_CR) {
		/* Stopping the engine drops the commands not yet running. */
		p->cmd &= ~AHCI_CMD_CR;
		p->ci = 0;
		p->sact = 0;
		p->ncq_queued = 0;
	}
	if (p->cmd & AHCI_CMD_FRE)
		p->cmd |= AHCI_CMD_FR;
	else
		p->cmd &= ~AHCI_CMD_FR;
	if (p->cmd & AHCI_CMD_CLO) {
		p->tfd &= ~(IDE_ST_BSY | IDE_ST_DRQ);
		p->cmd &= ~AHCI_CMD_CLO;
	}
	port_init_d2h(p);
	p->stalled = false;
	ahci_port_kick(p);
}

static void port_write(struct ahci_port *p, unsigned reg, uint32_t val)
{
	switch (reg) {
	case 0x00: p->clb = val; break;   /* kept whole as QEMU; used 1 KiB aligned */
	case 0x04: p->clbu = val; break;
	case 0x08: p->fb = val; break;    /* used 256-byte aligned */
	case 0x0c: p->fbu = val; break;
	case 0x10:
		p->is &= ~val;
		ahci_update_irq(p->hba);
		break;
	case 0x14:
		p->ie = val & IE_MASK;
		ahci_update_irq(p->hba);
		break;
	case 0x18: port_write_cmd(p, val); break;
	case 0x2c:
		/* COMRESET: DET 1 then 0 resets the port's device. */
		if ((p->sctl & 0xf) == 1 && (val & 0xf) == 0) {
			ahci_port_reset(p);
			port_init_d2h(p);
		}
		p->sctl = val;
		break;
	case 0x30: p->serr &= ~val; break;
	case 0x34: p->sact |= val; break;
	case 0x38:
		p->ci |= val;
		p->stalled = false;
		ahci_port_kick(p);
		break;
	default:
		guest_error("ahci: write to read-only port %d register 0x%x", p->index, reg);
		break;
	}
}

/* ---- HBA registers ---- */

static void ahci_hba_reset(struct ahci *s)
{
	s->ghc = GHC_AE;
	s->is = 0;
	for (int i = 0; i < AHCI_PORTS; i++) {
		struct ahci_port *p = &s->ports[i];

		p->is = p->ie = 0;
		p->sctl = 0;
		p->cmd = 0x6; /* spun up, powered on */
		ahci_port_reset(p);
	}
	ahci_update_irq(s);
}

static uint64_t ahci_mem_read(void *opaque, uint64_t addr, unsigned size)
{
	struct ahci *s = opaque;

	if (addr >= 0x100) {
		unsigned port = (addr - 0x100) / 0x80;

		if (port >= AHCI_PORTS)
			return 0;
		return port_read(&s->ports[port], (addr - 0x100) % 0x80);
	}
	switch (addr) {
	case 0x00: return AHCI_CAP_VAL;
	case 0x04: return s->ghc;
	case 0x08: return s->is;
	case 0x0c: return (1u << AHCI_PORTS) - 1;
	case 0x10: return AHCI_VS_VAL;
	default: return 0;
	}
}

static void ahci_mem_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct ahci *s = opaque;

	if (addr >= 0x100) {
		unsigned port = (addr - 0x100) / 0x80;

		if (port >= AHCI_PORTS) {
			guest_error("ahci: write to unimplemented port %u", port);
			return;
		}
		port_write(&s->ports[port], (addr - 0x100) % 0x80, val);
		return;
	}
	switch (addr) {
	case 0x04:
		if (val & GHC_HR) {
			ahci_hba_reset(s);
			return;
		}
		s->ghc = (val & GHC_IE) | GHC_AE;
		ahci_update_irq(s);
		break;
	case 0x08:
		s->is &= ~val;
		ahci_update_irq(s);
		break;
	default:
		guest_error("ahci: write to HBA register 0x%llx ignored", (unsigned long long)addr);
		break;
	}
}

static const struct mem_ops ahci_mem_ops = {
	.read = ahci_mem_read,
	.write = ahci_mem_write,
	.min_access = 4,
	.max_access = 4,
};

/*
 * BAR4, the index/data pair (AHCI 1.3.1 §2.4, offset 0x10 as the SATA
 * capability says): dword accesses only, as QEMU; the rest reads 0.
 */
#define IDP_INDEX 0x10
#define IDP_DATA 0x14

static uint64_t ahci_idp_read(void *opaque, uint64_t addr, unsigned size)
{
	struct ahci *s = opaque;

	if (size != 4)
		return 0;
	if (addr == IDP_INDEX)
		return s->idp_index;
	if (addr == IDP_DATA)
		return ahci_mem_read(s, s->idp_index, 4);
	return 0;
}

static void ahci_idp_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct ahci *s = opaque;

	if (size != 4)
		return;
	if (addr == IDP_INDEX)
		s->idp_index = val & 0xffc;
	else if (addr == IDP_DATA)
		ahci_mem_write(s, s->idp_index, val, 4);
}

static const struct mem_ops ahci_idp_ops = {
	.read = ahci_idp_read,
	.write = ahci_idp_write,
	.min_access = 1,
	.max_access = 4,
};

/* ---- PCI function ---- */

static void ahci_config_write(struct pci_device *d, uint32_t addr, uint32_t val, unsigned size)
{
	struct ahci *s = container_of(d, struct ahci, pci);
	bool was = ahci_msi_enabled(s);

	pci_default_config_write(d, addr, val, size);
	if (was != ahci_msi_enabled(s))
		ahci_update_irq(s);
}

static void ahci_setup_msi(struct ahci *s)
{
	struct pci_device *d = &s->pci;

	d->cap_next = SATA_CAP;
	pci_add_capability(d, PCI_CAP_ID_SATA, 8);
	d->config[SATA_CAP + 2] = 0x10;     /* revision 1.0 */
	d->config[SATA_CAP + 4] = 0x48;     /* index/data pair in BAR4 at offset 0 */
	d->cap_next = MSI_CAP;
	pci_add_capability(d, PCI_CAP_ID_MSI, 14);
	d->config[MSI_CAP + 2] = 0x80;      /* 64-bit, one vector */
	d->wmask[MSI_CAP + 2] = 0x71;
	memset(d->wmask + MSI_CAP + 4, 0xff, 8);
	d->wmask[MSI_CAP + 4] = 0xfc;
	memset(d->wmask + MSI_CAP + 12, 0xff, 2);
	d->config[0x90] = 0x40;             /* MAP: AHCI mode */
	d->config_write = ahci_config_write;
}

static void ahci_reset(struct device *dev)
{
	struct ahci *s = container_of(dev, struct ahci, pci.dev);

	pci_device_reset(&s->pci);
	s->idp_index = 0;
	ahci_hba_reset(s);
}

static int ahci_realize(struct device *dev, GError **err)
{
	struct ahci *s = container_of(dev, struct ahci, pci.dev);
	struct pci_bus *pbus = dev->m->pci;
	const char *addr = dev->opts ? opts_get(dev->opts, "addr") : NULL;
	int devfn = -1;

	if (!pbus) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "ahci: no PCI bus");
		return -ENODEV;
	}
	if (addr) {
		char *end;
		unsigned long slot = strtoul(addr, &end, 16), fn = 0;

		if (*end == '.')
			fn = strtoul(end + 1, &end, 16);
		if (*end || slot > 31 || fn > 7) {
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "ahci: bad addr '%s' (slot[.function])", addr);
			return -EINVAL;
		}
		devfn = slot << 3 | fn;
	}
	pci_config_set_ids(&s->pci, 0x8086, 0x2922, 0x02, 0x010601);
	s->pci.config[PCI_SUBSYSTEM_VENDOR_ID] = 0xf4;
	s->pci.config[PCI_SUBSYSTEM_VENDOR_ID + 1] = 0x1a;
	s->pci.config[PCI_SUBSYSTEM_ID] = 0x00;
	s->pci.config[PCI_SUBSYSTEM_ID + 1] = 0x11;
	s->pci.config[PCI_INTERRUPT_PIN] = 1;
	ahci_setup_msi(s);
	mr_init_io(&s->idp, "ahci-idp", 32, &ahci_idp_ops, s);
	mr_init_io(&s->abar, "ahci", 0x1000, &ahci_mem_ops, s);
	pci_register_bar(&s->pci, 4, PCI_BAR_IO, false, &s->idp);
	pci_register_bar(&s->pci, 5, PCI_BAR_MEM32, false, &s->abar);
	if (pci_device_attach(pbus, &s->pci, devfn, err) < 0)
		return -EBUSY;
	for (int i = 0; i < AHCI_PORTS; i++) {
		struct ahci_port *p = &s->ports[i];

		p->hba = s;
		p->index = i;
		ide_bus_init(&p->bus, dev->m, i, NULL);
		p->bus.dma_ops = &ahci_dma_ops;
		p->bus.dma_opaque = p;
		p->bus.ncq = true;
	}
	ahci_reset(dev);
	return 0;
}

/* ---- -device ide-hd/ide-cd bus=<id>.<port> ---- */

static bool is_ahci(const struct device *d)
{
	return d->cls == &ahci_class || d->cls == &ich9_ahci_class;
}

/*
 * "<id>.<port>" names a port of the AHCI controller with that id; the
 * controllers without an id take QEMU's automatic names ide.2, ide.3, ...
 * after the PIIX3's ide.0 and ide.1, six per controller.
 */
struct ide_unit *ahci_find_unit(struct machine *m, const char *bus_name)
{
	const char *dot = strrchr(bus_name, '.');
	unsigned long n, auto_base = 2;
	char *end;

	if (!dot || !dot[1])
		return NULL;
	n = strtoul(dot + 1, &end, 10);
	if (*end)
		return NULL;
	for (guint i = 0; m->devices && i < m->devices->len; i++) {
		struct device *d = m->devices->pdata[i];
		struct ahci *s;

		if (!is_ahci(d))
			continue;
		s = container_of(d, struct ahci, pci.dev);
		if (d->id && strlen(d->id) == (size_t)(dot - bus_name) &&
		    !strncmp(d->id, bus_name, dot - bus_name))
			return n < AHCI_PORTS ? &s->ports[n].bus.units[0] : NULL;
		if (!d->id && !strncmp(bus_name, "ide.", 4) && dot == bus_name + 3 &&
		    n >= auto_base && n < auto_base + AHCI_PORTS)
			return &s->ports[n - auto_base].bus.units[0];
		if (!d->id)
			auto_base += AHCI_PORTS;
	}
	return NULL;
}

void ahci_unit_attached(struct ide_unit *u)
{
	ahci_port_reset(u->bus->dma_opaque);
}

char *ahci_boot_path(struct machine *m, const struct drive_info *dr)
{
	for (guint i = 0; m->devices && i < m->devices->len; i++) {
		struct device *d = m->devices->pdata[i];
		struct ahci *s;

		if (!is_ahci(d))
			continue;
		s = container_of(d, struct ahci, pci.dev);
		for (int p = 0; p < AHCI_PORTS; p++)
			if (s->ports[p].bus.units[0].dinfo == dr)
				return g_strdup_printf("/pci@i0cf8/pci8086,2922@%x%s/drive@%d/disk@0",
						       s->pci.devfn >> 3, (s->pci.devfn & 7) ? ",1" : "",
						       p);
	}
	return NULL;
}

/* ---- save/restore ---- */

#define PF(i, f) VMSTATE_U32(struct ahci, ports[i].f)
#define UF8(i, f) VMSTATE_U8(struct ahci, ports[i].bus.units[0].f)
#define AHCI_PORT_FIELDS(i) \
	PF(i, clb), PF(i, clbu), PF(i, fb), PF(i, fbu), PF(i, is), PF(i, ie), PF(i, cmd), \
	PF(i, tfd), PF(i, sig), PF(i, sctl), PF(i, serr), PF(i, sact), PF(i, ci), \
	VMSTATE_BOOL(struct ahci, ports[i].init_d2h_sent), \
	UF8(i, status), UF8(i, error), UF8(i, sense_key), UF8(i, asc), \
	VMSTATE_BOOL(struct ahci, ports[i].bus.units[0].tray_open), \
	VMSTATE_BOOL(struct ahci, ports[i].bus.units[0].tray_locked), \
	UF8(i, cd_changed), UF8(i, media_event), \
	VMSTATE_BOOL(struct ahci, ports[i].bus.units[0].wcache), \
	PF(i, ncq_queued), VMSTATE_U32(struct ahci, ports[i].ncq_tag), \
	VMSTATE_U64_ARRAY(struct ahci, ports[i].ncq_lba), \
	VMSTATE_U64_ARRAY(struct ahci, ports[i].ncq_ctba), \
	VMSTATE_U32_ARRAY(struct ahci, ports[i].ncq_count), \
	VMSTATE_U16_ARRAY(struct ahci, ports[i].ncq_prdtl), \
	VMSTATE_U8_ARRAY(struct ahci, ports[i].ncq_write)

static const struct vmstate_field ahci_fields[] = {
	VMSTATE_U8_ARRAY(struct ahci, pci.config),
	VMSTATE_U32(struct ahci, ghc),
	VMSTATE_U32(struct ahci, is),
	VMSTATE_U32(struct ahci, idp_index),
	AHCI_PORT_FIELDS(0), AHCI_PORT_FIELDS(1), AHCI_PORT_FIELDS(2),
	AHCI_PORT_FIELDS(3), AHCI_PORT_FIELDS(4), AHCI_PORT_FIELDS(5),
	VMSTATE_END,
};

/*
 * A loaded state is guest data.  The command in the IDE core is not saved:
 * a non-queued one is still in PxCI and runs again, the NCQ tag that was
 * running goes back to the queue, and the unit is idle (not BSY/DRQ).
 */
static void ahci_port_post_load(struct ahci_port *p)
{
	struct ide_unit *u = &p->bus.units[0];

	p->bus.generation++;
	p->bus.dma_inflight = false;
	p->busy_slot = -1;
	if (p->ncq_tag >= 0 && p->ncq_tag < AHCI_SLOTS)
		p->ncq_queued |= 1u << p->ncq_tag;
	p->ncq_tag = -1;
	if (u->kind != IDE_DISK)
		p->ncq_queued = 0;
	p->stepping = p->kicked = p->stalled = false;
	u->dma_op = IDE_DMA_NONE;
	u->io_op = IDE_IO_NONE;
	ide_transfer_stop(u);
	if (u->kind == IDE_NONE)
		u->status = 0;
	else if (u->status & (IDE_ST_BSY | IDE_ST_DRQ))
		u->status = IDE_ST_DRDY | IDE_ST_DSC;
	if (u->kind != IDE_NONE)
		ide_set_wcache(u, u->wcache);
	ahci_port_kick(p);
}

static int ahci_post_load(void *opaque)
{
	struct ahci *s = opaque;

	pci_device_post_load(&s->pci);
	s->ghc = (s->ghc & GHC_IE) | GHC_AE;
	s->idp_index &= 0xffc;
	for (int i = 0; i < AHCI_PORTS; i++)
		ahci_port_post_load(&s->ports[i]);
	ahci_update_irq(s);
	return 0;
}

static const struct vmstate_desc ahci_vmstate = {
	.name = "ahci",
	.version = 2,
	.fields = ahci_fields,
	.post_load = ahci_post_load,
};

const struct device_class ahci_class = {
	.name = "ahci",
	.bus = "PCI",
	.desc = "ICH9 AHCI SATA controller (6 ports)",
	.instance_size = sizeof(struct ahci),
	.user_creatable = true,
	.realize = ahci_realize,
	.reset = ahci_reset,
	.vmsd = &ahci_vmstate,
};

const struct device_class ich9_ahci_class = {
	.name = "ich9-ahci",
	.bus = "PCI",
	.desc = "ICH9 AHCI SATA controller (alias of ahci)",
	.instance_size = sizeof(struct ahci),
	.user_creatable = true,
	.realize = ahci_realize,
	.reset = ahci_reset,
	.vmsd = &ahci_vmstate,
};
