// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PIIX3 IDE function (8086:7010 at 00:01.1, class 0x010180): both
 * channels in legacy mode (0x1f0-0x1f7 + 0x3f6 on IRQ 14, 0x170-0x177 +
 * 0x376 on IRQ 15, decoded whatever IDETIM says, as QEMU does) and the
 * SFF-8038i bus-master DMA engine in BAR4 (16 I/O bytes, 8 per channel).
 * The PRD table and every region it names are checked against guest RAM;
 * a bad entry ends the transfer with the BM error bit and ABRT, a table
 * longer than 4096 entries is refused, and a table shorter than the
 * transfer ends it without an interrupt.  The engine is the IDE core's DMA
 * provider (struct ide_dma_ops): it maps the PRD table and keeps its status
 * bits; the core runs the block request straight into guest RAM and is
 * told through ide_bus_dma_start() when the guest starts the engine.
 * Omitted: native-mode channels,
 * PIIX timing registers beyond storing them, regions crossing 64 KiB are
 * accepted rather than refused.
 */
#include <errno.h>
#include <string.h>
#include "block/block.h"
#include "block/drive.h"
#include "core/iov.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "hw/ide/ide.h"

#define PIIX_IDE_DEVFN 0x09
#define PIIX_IDETIM 0x40
#define PIIX_TIMING_END 0x4c

static const struct mem_ops ide_cmd_ops = {
	.read = ide_ioport_read,
	.write = ide_ioport_write,
	.min_access = 1,
	.max_access = 4,
};

static const struct mem_ops ide_ctl_ops = {
	.read = ide_ctl_read,
	.write = ide_ctl_write,
	.min_access = 1,
	.max_access = 1,
};

/* ---- bus-master DMA: the IDE core's DMA provider ---- */

static struct bmdma *bmdma_of(struct ide_bus *bus)
{
	return bus->dma_opaque;
}

/* Map guest [addr, addr+len) into iovecs, page by page if need be. */
static bool bmdma_map_region(struct ide_bus *bus, uint64_t addr, uint32_t len, GArray *iov)
{
	struct address_space *as = &bus->m->mem;
	void *p = as_ram_ptr(as, addr, len);

	while (!p && len) {
		uint32_t chunk = MIN(len, (uint32_t)(4096 - (addr & 4095)));
		struct iovec v = { .iov_base = as_ram_ptr(as, addr, chunk), .iov_len = chunk };

		if (!v.iov_base)
			return false;
		g_array_append_val(iov, v);
		addr += chunk;
		len -= chunk;
	}
	if (p) {
		struct iovec v = { .iov_base = p, .iov_len = len };

		g_array_append_val(iov, v);
	}
	return true;
}

/* Walk the PRD table for len bytes (ide_dma_ops.map). */
static int bmdma_map(struct ide_bus *bus, uint32_t len, GArray *iov)
{
	struct bmdma *bm = bmdma_of(bus);
	uint64_t addr = bm->prd_addr;
	uint32_t got = 0;

	bm->prd_exact = false;
	for (int i = 0; i < BM_MAX_PRD; i++, addr += 8) {
		uint8_t *e = as_ram_ptr(&bus->m->mem, addr, 8);
		uint32_t base, cnt, take;
		bool eot;

		if (!e) {
			guest_error("ide: PRD entry at 0x%llx is not in RAM",
				    (unsigned long long)addr);
			return -EFAULT;
		}
		base = e[0] | e[1] << 8 | e[2] << 16 | (uint32_t)e[3] << 24;
		cnt = (e[4] | e[5] << 8) & 0xfffe;
		cnt = cnt ? cnt : 0x10000;
		eot = e[7] & 0x80;
		take = MIN(cnt, len - got);
		if ((base & 0xffff) + cnt > 0x10000)
			guest_error("ide: PRD region 0x%x+0x%x crosses 64 KiB (done anyway)",
				    base, cnt);
		if (!bmdma_map_region(bus, base, take, iov)) {
			guest_error("ide: PRD region 0x%x+0x%x is not in RAM", base, take);
			return -EFAULT;
		}
		got += take;
		if (got == len) {
			bm->prd_exact = eot && take == cnt;
			return 0;
		}
		if (eot)
			return -ENOSPC;
	}
	guest_error("ide: PRD table longer than %d entries", BM_MAX_PRD);
	return -EFAULT;
}

/* ide_dma_ops.done: the status bits SFF-8038i gives each ending. */
static void bmdma_done(struct ide_bus *bus, int ret)
{
	struct bmdma *bm = bmdma_of(bus);

	if (ret == -ENOSPC) {
		/* PRD table shorter than the transfer: stop without an interrupt. */
		bm->status &= ~BM_ST_ACTIVE;
		return;
	}
	if (ret == -EFAULT)
		bm->status = (bm->status & ~BM_ST_ACTIVE) | BM_ST_ERROR;
	else if (bm->prd_exact || ret < 0)
		bm->status &= ~BM_ST_ACTIVE;
	bm->status |= BM_ST_INT;
}

static bool bmdma_ready(struct ide_bus *bus)
{
	struct bmdma *bm = bmdma_of(bus);

	if (!(bm->cmd & BM_CMD_START))
		return false;
	if (!(bm->d->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER)) {
		guest_error("ide: bus-master DMA started with bus mastering disabled");
		return false;
	}
	return true;
}

/* The channel's interrupt also sets the bus-master interrupt bit. */
static void bmdma_irq(struct ide_bus *bus)
{
	bmdma_of(bus)->status |= BM_ST_INT;
}

static const struct ide_dma_ops bmdma_dma_ops = {
	.ready = bmdma_ready,
	.map = bmdma_map,
	.done = bmdma_done,
	.irq = bmdma_irq,
};

static void bmdma_write_cmd(struct ide_bus *bus, uint8_t val)
{
	struct bmdma *bm = bmdma_of(bus);
	uint8_t old = bm->cmd;

	bm->cmd = val & (BM_CMD_START | BM_CMD_TO_MEM);
	if (!(val & BM_CMD_START)) {
		/* Stop: a transfer in flight still completes on the device side. */
		bm->status &= ~BM_ST_ACTIVE;
		return;
	}
	if (!(old & BM_CMD_START)) {
		bm->status |= BM_ST_ACTIVE;
		ide_bus_dma_start(bus);
	}
}

static uint8_t bmdma_read_byte(struct piix_ide *d, unsigned off)
{
	struct bmdma *bm = &d->bm[off >> 3];

	switch (off & 7) {
	case 0: return bm->cmd;
	case 2: return bm->status;
	case 4: case 5: case 6: case 7:
		return bm->prd_addr >> (8 * ((off & 7) - 4));
	default: return 0xff; /* reserved bytes float */
	}
}

static void bmdma_write_byte(struct piix_ide *d, unsigned off, uint8_t val)
{
	struct ide_bus *bus = &d->bus[off >> 3];
	struct bmdma *bm = &d->bm[off >> 3];
	unsigned shift;

	switch (off & 7) {
	case 0:
		bmdma_write_cmd(bus, val);
		break;
	case 2:
		bm->status = (bm->status & ~(val & (BM_ST_ERROR | BM_ST_INT)) & ~BM_ST_CAP_MASK) |
			     (val & BM_ST_CAP_MASK);
		break;
	case 4: case 5: case 6: case 7:
		shift = 8 * ((off & 7) - 4);
		bm->prd_addr = (bm->prd_addr & ~(0xffu << shift)) | (uint32_t)val << shift;
		bm->prd_addr &= ~3u;
		break;
	}
}

static uint64_t bmdma_read(void *opaque, uint64_t addr, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && addr + i < 16; i++)
		v |= (uint64_t)bmdma_read_byte(opaque, addr + i) << (8 * i);
	return v;
}

static void bmdma_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	for (unsigned i = 0; i < size && addr + i < 16; i++)
		bmdma_write_byte(opaque, addr + i, val >> (8 * i));
}

static const struct mem_ops bmdma_ops = {
	.read = bmdma_read,
	.write = bmdma_write,
	.min_access = 1,
	.max_access = 4,
};

/* ---- the PCI function ---- */

static int piix_ide_map_bus(struct piix_ide *d, int i, GError **err)
{
	struct machine *m = d->pci.dev.m;
	struct ide_bus *bus = &d->bus[i];

	ide_bus_init(bus, m, i, machine_gsi(m, 14 + i));
	d->bm[i].d = d;
	bus->dma_ops = &bmdma_dma_ops;
	bus->dma_opaque = &d->bm[i];
	mr_init_io(&bus->cmd_region, i ? "ide1-cmd" : "ide0-cmd", 8, &ide_cmd_ops, bus);
	mr_init_io(&bus->ctl_region, i ? "ide1-ctl" : "ide0-ctl", 1, &ide_ctl_ops, bus);
	if (as_add(&m->io, &bus->cmd_region, i ? 0x170 : 0x1f0) < 0 ||
	    as_add(&m->io, &bus->ctl_region, i ? 0x376 : 0x3f6) < 0) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_EXISTS,
			    "piix3-ide: legacy IDE ports of channel %d are taken", i);
		return -EBUSY;
	}
	for (int u = 0; u < 2; u++) {
		struct drive_info *dr = drive_find(m, DRIVE_IF_IDE, i, u);

		if (dr && (ide_unit_attach(&bus->units[u], dr, err) < 0 ||
			   ide_dev_legacy_globals(m, &bus->units[u], dr, err) < 0))
			return -EINVAL;
	}
	return 0;
}

static void piix_ide_reset(struct device *dev)
{
	struct piix_ide *d = container_of(dev, struct piix_ide, pci.dev);

	pci_device_reset(&d->pci);
	memset(d->pci.config + PIIX_IDETIM, 0, PIIX_TIMING_END - PIIX_IDETIM);
	for (int i = 0; i < 2; i++) {
		d->bm[i].cmd = 0;
		d->bm[i].status &= BM_ST_CAP_MASK;
		d->bm[i].prd_addr = 0;
		ide_bus_reset(&d->bus[i]);
		for (int u = 0; u < 2; u++)
			d->bus[i].units[u].tray_locked = false;
	}
}

static int piix_ide_realize(struct device *dev, GError **err)
{
	struct piix_ide *d = container_of(dev, struct piix_ide, pci.dev);
	struct pci_bus *pbus = d->pci.bus ? d->pci.bus : dev->m->pci;

	if (!pbus) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "piix3-ide: no PCI bus");
		return -ENODEV;
	}
	pci_config_set_ids(&d->pci, 0x8086, 0x7010, 0x00, 0x010180);
	d->pci.config[PCI_STATUS + 1] = 0x02;   /* DEVSEL medium */
	d->pci.config[PCI_STATUS] = 0x80;       /* fast back-to-back */
	memset(d->pci.wmask + 0x40, 0, 256 - 0x40);
	memset(d->pci.wmask + PIIX_IDETIM, 0xff, PIIX_TIMING_END - PIIX_IDETIM);
	mr_init_io(&d->bm_region, "piix-bmdma", 16, &bmdma_ops, d);
	pci_register_bar(&d->pci, 4, PCI_BAR_IO, false, &d->bm_region);
	if (pci_device_attach(pbus, &d->pci, PIIX_IDE_DEVFN, err) < 0)
		return -EBUSY;
	for (int i = 0; i < 2; i++) {
		if (piix_ide_map_bus(d, i, err) < 0)
			return -EINVAL;
	}
	piix_ide_reset(dev);
	return 0;
}

static void piix3_ide_setup(struct device *dev, const void *bus)
{
	container_of(dev, struct piix_ide, pci.dev)->pci.bus = (struct pci_bus *)bus;
}

struct piix_ide *piix3_ide_create(struct machine *m, struct pci_bus *bus, GError **err)
{
	struct device *dev = device_create(m, &piix3_ide_class, NULL, piix3_ide_setup, bus, err);

	return dev ? container_of(dev, struct piix_ide, pci.dev) : NULL;
}

/* SeaBIOS/QEMU bootorder path of the IDE unit holding d, or NULL. */
char *ide_boot_path(struct machine *m, const struct drive_info *d)
{
	for (guint i = 0; m->devices && i < m->devices->len; i++) {
		struct device *dev = m->devices->pdata[i];
		struct piix_ide *p;

		if (dev->cls != &piix3_ide_class)
			continue;
		p = container_of(dev, struct piix_ide, pci.dev);
		for (int u = 0; u < 4; u++) {
			if (p->bus[u / 2].units[u % 2].dinfo == d)
				return g_strdup_printf("/pci@i0cf8/ide@%x,%x/drive@%d/disk@%d",
						       PIIX_IDE_DEVFN >> 3, PIIX_IDE_DEVFN & 7,
						       u / 2, u % 2);
		}
	}
	return NULL;
}

/* ---- media change (the drive's media ops, used by the monitor) ---- */

static void ide_cd_tray(void *opaque, bool *open, bool *locked)
{
	struct ide_unit *s = opaque;

	*open = s->tray_open;
	*locked = s->tray_locked;
}

static int ide_cd_locked(struct ide_unit *s, GError **err)
{
	g_set_error(err, G_IO_ERROR, G_IO_ERROR_BUSY,
		    "Device '%s' is locked and force was not specified, "
		    "wait for tray to open and try again", s->dinfo->id ? s->dinfo->id : "");
	return -EBUSY;
}

static int ide_cd_eject(struct ide_unit *s, bool force, GError **err)
{
	if (s->tray_locked && !force)
		return ide_cd_locked(s, err);
	if (s->blk) {
		blk_close(s->blk);
		s->dinfo->blk = s->blk = NULL;
		g_clear_pointer(&s->dinfo->file, g_free);
		s->media_event = 3;     /* media removal */
	}
	s->tray_open = true;
	s->nb_sectors = 0;
	return 0;
}

static int ide_cd_change(void *opaque, const char *path, bool force, GError **err)
{
	struct ide_unit *s = opaque;
	struct machine *m = s->bus->m;

	if (!path)
		return ide_cd_eject(s, force, err);
	if (s->tray_locked)
		return ide_cd_locked(s, err);
	if (drive_open_media(s->dinfo, path, err) < 0)
		return -EIO;
	s->blk = s->dinfo->blk;
	blk_set_aio_context(s->blk, m->ctx, &m->lock);
	s->nb_sectors = (uint64_t)blk_length(s->blk) / IDE_SECTOR;
	s->tray_open = false;
	s->cd_changed = 1;
	s->media_event = 2;             /* new media */
	return 0;
}

const struct drive_media_ops ide_cd_media_ops = {
	.change = ide_cd_change, .tray = ide_cd_tray,
};

/* ---- save/restore ---- */

#define U8F(b, u, f) VMSTATE_U8(struct piix_ide, bus[b].units[u].f)
#define U16F(b, u, f) VMSTATE_U16(struct piix_ide, bus[b].units[u].f)
#define U32F(b, u, f) VMSTATE_U32(struct piix_ide, bus[b].units[u].f)
#define BF(b, u, f) VMSTATE_BOOL(struct piix_ide, bus[b].units[u].f)
#define IDE_UNIT_FIELDS(b, u) \
	U8F(b, u, feature), U8F(b, u, nsector), U8F(b, u, sector), U8F(b, u, lcyl), \
	U8F(b, u, hcyl), U8F(b, u, hob_feature), U8F(b, u, hob_nsector), \
	U8F(b, u, hob_sector), U8F(b, u, hob_lcyl), U8F(b, u, hob_hcyl), \
	U8F(b, u, select), U8F(b, u, status), U8F(b, u, error), U8F(b, u, cmd), \
	BF(b, u, lba48), U16F(b, u, lheads), U16F(b, u, lsecs), \
	U8F(b, u, mult_sectors), U8F(b, u, xfer_mode), BF(b, u, wcache), \
	U32F(b, u, data_pos), U32F(b, u, data_end), U8F(b, u, end_op), \
	VMSTATE_U64(struct piix_ide, bus[b].units[u].cur_lba), \
	U32F(b, u, remaining), U32F(b, u, req_sectors), U8F(b, u, dma_op), \
	U8F(b, u, io_op), \
	U32F(b, u, dma_bytes), U8F(b, u, sense_key), U8F(b, u, asc), U8F(b, u, ascq), \
	BF(b, u, tray_open), BF(b, u, tray_locked), U8F(b, u, cd_changed), \
	BF(b, u, atapi_dma), U8F(b, u, media_event), \
	VMSTATE_U8_ARRAY(struct piix_ide, bus[b].units[u].cdb), \
	U32F(b, u, atapi_buf_len), U32F(b, u, byte_limit), \
	VMSTATE_U8_ARRAY(struct piix_ide, bus[b].units[u].buf)
#define IDE_BUS_FIELDS(b) \
	VMSTATE_U8(struct piix_ide, bus[b].cur), VMSTATE_U8(struct piix_ide, bus[b].devctl), \
	VMSTATE_BOOL(struct piix_ide, bus[b].irq_pending), \
	VMSTATE_U8(struct piix_ide, bm[b].cmd), \
	VMSTATE_U8(struct piix_ide, bm[b].status), \
	VMSTATE_U32(struct piix_ide, bm[b].prd_addr), \
	IDE_UNIT_FIELDS(b, 0), IDE_UNIT_FIELDS(b, 1)

static const struct vmstate_field piix_ide_fields[] = {
	VMSTATE_U8_ARRAY(struct piix_ide, pci.config),
	IDE_BUS_FIELDS(0),
	IDE_BUS_FIELDS(1),
	VMSTATE_END,
};

/* A PIO request to restart must name a range inside the medium. */
static void ide_unit_tame_io(struct ide_unit *s)
{
	bool disk = s->io_op == IDE_IO_READ || s->io_op == IDE_IO_WRITE;
	uint64_t total = s->kind == IDE_CD ? atapi_nb_blocks(s) : s->nb_sectors;

	if (s->io_op > IDE_IO_ATAPI_READ || !s->remaining || s->cur_lba > total ||
	    s->remaining > total - s->cur_lba || !s->blk ||
	    (disk && s->kind != IDE_DISK) ||
	    (s->io_op == IDE_IO_ATAPI_READ && s->kind != IDE_CD))
		s->io_op = IDE_IO_NONE;
}

/* A loaded state is guest-controlled data: bring every index back in range. */
static void ide_unit_tame(struct ide_unit *s)
{
	s->data_end = MIN(s->data_end, (uint32_t)IDE_BUF_SIZE);
	s->data_pos = MIN(s->data_pos, s->data_end);
	s->atapi_buf_len = MIN(s->atapi_buf_len, (uint32_t)IDE_BUF_SIZE);
	if (s->end_op > IDE_END_ATAPI)
		s->end_op = IDE_END_NONE;
	if (s->dma_op > IDE_DMA_CD_BUF || (s->dma_op != IDE_DMA_NONE && s->kind == IDE_NONE))
		s->dma_op = IDE_DMA_NONE;
	if (s->dma_op == IDE_DMA_CD_BUF)
		s->dma_bytes = MIN(s->dma_bytes, (uint32_t)IDE_BUF_SIZE);
	if (s->mult_sectors > IDE_MAX_MULT)
		s->mult_sectors = IDE_MAX_MULT;
	s->req_sectors = MIN(MAX(s->req_sectors, 1u), (uint32_t)IDE_MAX_MULT);
	if ((s->kind == IDE_DISK && s->cur_lba > s->nb_sectors) ||
	    (s->kind == IDE_DISK && s->remaining > s->nb_sectors - s->cur_lba)) {
		s->remaining = 0;
		s->dma_op = IDE_DMA_NONE;
	}
	if (s->dma_op == IDE_DMA_READ || s->dma_op == IDE_DMA_WRITE)
		s->dma_bytes = s->remaining * IDE_SECTOR;
	if (s->dma_op == IDE_DMA_CD_READ) {
		uint32_t total = atapi_nb_blocks(s);

		if (s->cur_lba > total || s->remaining > total - s->cur_lba ||
		    s->remaining > 256 * 1024 * 1024 / IDE_CD_SECTOR)
			s->dma_op = IDE_DMA_NONE;
		else
			s->dma_bytes = s->remaining * IDE_CD_SECTOR;
	}
	if (s->kind == IDE_NONE)
		s->status = 0;
	ide_unit_tame_io(s);
	ide_set_wcache(s, s->wcache);
}

static int piix_ide_post_load(void *opaque)
{
	struct piix_ide *d = opaque;

	pci_device_post_load(&d->pci);
	for (int i = 0; i < 2; i++) {
		struct ide_bus *bus = &d->bus[i];

		bus->cur &= 1;
		ide_unit_tame(&bus->units[0]);
		ide_unit_tame(&bus->units[1]);

		/*
		 * Requests in flight at save time run again: PIO here, DMA when the
		 * engine runs (ide_bus_dma_start); older completions are dropped.
		 */
		bus->dma_inflight = false;
		bus->generation++;
		ide_restart_io(&bus->units[0]);
		ide_restart_io(&bus->units[1]);
		irq_set(bus->irq, bus->irq_pending && !(bus->devctl & IDE_CTL_NIEN));
		ide_bus_dma_start(bus);
	}
	return 0;
}

static const struct vmstate_desc piix_ide_vmstate = {
	.name = "piix3-ide",
	.version = 2,
	.fields = piix_ide_fields,
	.post_load = piix_ide_post_load,
};

const struct device_class piix3_ide_class = {
	.name = "piix3-ide",
	.bus = "PCI",
	.no_hotplug = true,
	.desc = "Intel PIIX3 IDE controller (legacy channels, bus-master DMA)",
	.instance_size = sizeof(struct piix_ide),
	.user_creatable = false,
	.realize = piix_ide_realize,
	.reset = piix_ide_reset,
	.vmsd = &piix_ide_vmstate,
};
