// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * AHCI command processing for one port (AHCI 1.3.1 §5, FIS layouts from
 * SATA 2.6 §10.3): the command list at PxCLB, the command table (CFIS,
 * ACMD, PRDT) each header names, and the received-FIS area at PxFB (D2H
 * register FIS at 0x40, PIO setup FIS at 0x20, set device bits FIS at 0x58).
 * Commands run one at a time through the shared IDE core: the H2D FIS is
 * loaded into the unit's task file and ide_exec_cmd() runs it; DMA goes
 * through this file's struct ide_dma_ops (the PRDT), PIO blocks are copied
 * between the unit's buffer and the PRDT, and an ATAPI packet comes from
 * ACMD.  READ/WRITE FPDMA QUEUED are accepted at once (PxCI clears) and run
 * one after the other through the same DMA path, each ending with an SDB FIS.
 * Every guest address (header, table, PRDT entries, FIS area) is checked
 * against guest RAM; a bad one ends the command with an error, logged
 * rate-limited.  Omitted: port multipliers, BIST and DMA setup FISes,
 * command completion coalescing, partial/slumber power states.
 */
#include <errno.h>
#include <string.h>
#include "block/block.h"
#include "core/iov.h"
#include "core/log.h"
#include "core/machine.h"
#include "hw/ide/ahci.h"

#define FIS_H2D 0x27
#define FIS_D2H 0x34
#define FIS_PIO 0x5f
#define FIS_SDB 0xa1
#define RFIS_PIO 0x20
#define RFIS_D2H 0x40
#define RFIS_SDB 0x58
#define CT_ACMD 0x40
#define CT_PRDT 0x80
#define ATA_READ_FPDMA 0x60
#define ATA_WRITE_FPDMA 0x61

static struct ahci_port *port_of(struct ide_bus *bus)
{
	return bus->dma_opaque;
}

static struct address_space *port_as(struct ahci_port *p)
{
	return &p->hba->pci.dev.m->mem;
}

static uint32_t rd32(const uint8_t *b)
{
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static void wr32(uint8_t *b, uint32_t v)
{
	b[0] = v;
	b[1] = v >> 8;
	b[2] = v >> 16;
	b[3] = v >> 24;
}

/* ---- received FISes ---- */

static uint8_t *rfis_ptr(struct ahci_port *p, unsigned off, unsigned len)
{
	uint64_t fb = ((uint64_t)p->fbu << 32 | (p->fb & ~0xffu)) + off;
	uint8_t *q;

	if (!(p->cmd & AHCI_CMD_FR))
		return NULL;
	q = as_ram_ptr(port_as(p), fb, len);
	if (!q)
		guest_error("ahci: port %d FIS area 0x%llx is not in RAM", p->index,
			    (unsigned long long)fb);
	return q;
}

/* Task-file registers in FIS order (bytes 4..13 of D2H and PIO setup FISes). */
static void fis_taskfile(uint8_t *f, const struct ide_unit *s)
{
	f[4] = s->sector;
	f[5] = s->lcyl;
	f[6] = s->hcyl;
	f[7] = s->select;
	f[8] = s->hob_sector;
	f[9] = s->hob_lcyl;
	f[10] = s->hob_hcyl;
	f[12] = s->nsector;
	f[13] = s->hob_nsector;
}

void ahci_write_d2h(struct ahci_port *p)
{
	struct ide_unit *s = &p->bus.units[0];
	uint8_t *f = rfis_ptr(p, RFIS_D2H, 20);
	uint32_t bits = AHCI_IS_DHRS;

	p->tfd = s->error << 8 | s->status;
	if (f) {
		memset(f, 0, 20);
		f[0] = FIS_D2H;
		f[1] = 0x40;
		f[2] = s->status;
		f[3] = s->error;
		fis_taskfile(f, s);
	}
	if (s->status & IDE_ST_ERR)
		bits |= AHCI_IS_TFES;
	ahci_port_raise(p, bits);
}

static void ahci_write_pio(struct ahci_port *p, uint32_t len)
{
	struct ide_unit *s = &p->bus.units[0];
	uint8_t *f = rfis_ptr(p, RFIS_PIO, 20);

	p->tfd = s->error << 8 | s->status;
	if (f) {
		memset(f, 0, 20);
		f[0] = FIS_PIO;
		f[1] = 0x40;
		f[2] = s->status;
		f[3] = s->error;
		fis_taskfile(f, s);
		f[15] = s->status;
		f[16] = len;
		f[17] = len >> 8;
	}
	ahci_port_raise(p, AHCI_IS_PSS);
}

static void ahci_write_sdb(struct ahci_port *p, uint32_t tags)
{
	struct ide_unit *s = &p->bus.units[0];
	uint8_t *f = rfis_ptr(p, RFIS_SDB, 8);

	p->tfd = s->error << 8 | s->status;
	p->sact &= ~tags;
	if (f) {
		f[0] = FIS_SDB;
		f[1] = 0x40;
		f[2] = s->status & 0x77;
		f[3] = s->error;
		wr32(f + 4, tags);
	}
	ahci_port_raise(p, AHCI_IS_SDBS | ((s->status & IDE_ST_ERR) ? AHCI_IS_TFES : 0));
}

/* ---- the PRDT: the port's DMA provider ---- */

/* Append guest [addr, addr+len) to iov, page by page where RAM is split. */
static bool map_region(struct ahci_port *p, uint64_t addr, uint32_t len, GArray *iov)
{
	while (len) {
		uint32_t chunk = len;
		void *q = as_ram_ptr(port_as(p), addr, chunk);

		if (!q) {
			chunk = MIN(len, (uint32_t)(4096 - (addr & 4095)));
			q = as_ram_ptr(port_as(p), addr, chunk);
		}
		if (!q)
			return false;
		g_array_append_val(iov, ((struct iovec){ .iov_base = q, .iov_len = chunk }));
		addr += chunk;
		len -= chunk;
	}
	return true;
}

/*
 * Describe the next len bytes of the running command's PRDT from the
 * cursor on, and move the cursor.  -ENOSPC: the table holds fewer bytes.
 */
static int prdt_map(struct ahci_port *p, uint32_t len, GArray *iov)
{
	while (len) {
		uint64_t at = p->cur_ctba + CT_PRDT + (uint64_t)p->prd_idx * 16;
		uint8_t *e;
		uint64_t dba;
		uint32_t dbc, take;

		if (p->prd_idx >= p->cur_prdtl)
			return -ENOSPC;
		e = as_ram_ptr(port_as(p), at, 16);
		if (!e) {
			guest_error("ahci: port %d PRD entry at 0x%llx is not in RAM", p->index,
				    (unsigned long long)at);
			return -EFAULT;
		}
		dba = (rd32(e) | (uint64_t)rd32(e + 4) << 32) & ~1ull;
		dbc = (rd32(e + 12) & 0x3fffff) + 1;
		take = MIN(dbc - p->prd_off, len);
		if (!map_region(p, dba + p->prd_off, take, iov)) {
			guest_error("ahci: port %d PRD region 0x%llx+0x%x is not in RAM", p->index,
				    (unsigned long long)dba, dbc);
			return -EFAULT;
		}
		len -= take;
		p->prd_off += take;
		if (p->prd_off == dbc) {
			p->prd_idx++;
			p->prd_off = 0;
		}
	}
	return 0;
}

static bool ahci_dma_ready(struct ide_bus *bus)
{
	struct ahci_port *p = port_of(bus);

	return p->busy_slot >= 0 || p->ncq_tag >= 0;
}

static int ahci_dma_map(struct ide_bus *bus, uint32_t len, GArray *iov)
{
	struct ahci_port *p = port_of(bus);
	int ret = prdt_map(p, len, iov);

	if (ret == -ENOSPC) {
		guest_error("ahci: port %d PRDT shorter than the %u-byte transfer", p->index, len);
		return -EFAULT;
	}
	return ret;
}

static void ahci_dma_done(struct ide_bus *bus, int ret)
{
	struct ahci_port *p = port_of(bus);

	p->dma_ret = ret;
	if (!ret)
		p->xfer_bytes += bus->units[0].dma_bytes;
	else if (ret == -EFAULT)
		p->is |= AHCI_IS_HBFS;
}

static void ahci_dma_irq(struct ide_bus *bus)
{
	ahci_port_kick(port_of(bus));
}

const struct ide_dma_ops ahci_dma_ops = {
	.ready = ahci_dma_ready,
	.map = ahci_dma_map,
	.done = ahci_dma_done,
	.irq = ahci_dma_irq,
};

/* ---- PIO data through the PRDT ---- */

static bool pio_to_device(const struct ide_unit *s)
{
	return s->end_op == IDE_END_WRITE || s->end_op == IDE_END_PACKET;
}

/* Move the unit's DRQ block between its buffer and guest memory. */
static void ahci_pio_block(struct ahci_port *p)
{
	struct ide_unit *s = &p->bus.units[0];
	uint32_t len = s->data_end - s->data_pos;
	g_autoptr(GArray) iov = g_array_new(FALSE, FALSE, sizeof(struct iovec));
	int ret;

	if (s->end_op == IDE_END_PACKET) {
		uint8_t *acmd = as_ram_ptr(port_as(p), p->cur_ctba + CT_ACMD, 16);

		if (!acmd) {
			ide_abort(s);
			return;
		}
		memcpy(s->buf, acmd, MIN(len, 16u));
		ide_pio_consumed(s);
		return;
	}
	ahci_write_pio(p, len);
	ret = prdt_map(p, len, iov);
	if (ret < 0) {
		guest_error("ahci: port %d PRDT cannot hold a %u-byte PIO block", p->index, len);
		ide_abort(s);
		return;
	}
	if (pio_to_device(s))
		iov_to_buf((struct iovec *)iov->data, iov->len, 0, s->buf + s->data_pos, len);
	else
		iov_from_buf((struct iovec *)iov->data, iov->len, 0, s->buf + s->data_pos, len);
	p->xfer_bytes += len;
	ide_pio_consumed(s);
}

/* ---- command start and end ---- */

static void ahci_clear_slot(struct ahci_port *p, int slot)
{
	p->ci &= ~(1u << slot);
}

/*
 * The running non-queued command ended: PRDBC, D2H FIS, PxCI.  A failed
 * command stays in PxCI and the port stops taking commands until the
 * guest writes PxCI or PxCMD again (as QEMU; AHCI 1.3.1 §6.1.2).
 */
static void ahci_cmd_finish(struct ahci_port *p)
{
	uint64_t hdr = ((uint64_t)p->clbu << 32 | (p->clb & ~0x3ffu)) + p->busy_slot * 32;
	uint8_t *h = as_ram_ptr(port_as(p), hdr, 32);

	if (h)
		wr32(h + 4, p->xfer_bytes);
	if (p->bus.units[0].status & IDE_ST_ERR)
		p->stalled = true;
	else
		ahci_clear_slot(p, p->busy_slot);
	p->busy_slot = -1;
	ahci_write_d2h(p);
}

static void ahci_ncq_finish(struct ahci_port *p)
{
	uint32_t tag = p->ncq_tag;

	p->ncq_tag = -1;
	if (p->bus.units[0].status & IDE_ST_ERR)
		p->stalled = true;
	ahci_write_sdb(p, 1u << tag);
}

/* Load the H2D FIS into the unit's task file. */
static void load_taskfile(struct ide_unit *s, const uint8_t *f)
{
	s->feature = f[3];
	s->sector = f[4];
	s->lcyl = f[5];
	s->hcyl = f[6];
	s->select = f[7] & ~IDE_DEV_DEV;    /* as QEMU: no obsolete 0xa0 bits */
	s->hob_sector = f[8];
	s->hob_lcyl = f[9];
	s->hob_hcyl = f[10];
	s->hob_feature = f[11];
	s->nsector = f[12];
	s->hob_nsector = f[13];
}

/* A control FIS (C bit clear): SRST set, then cleared, resets the device. */
static void ahci_control_fis(struct ahci_port *p, const uint8_t *f)
{
	if (f[15] & IDE_CTL_SRST) {
		p->srst = true;
		return;
	}
	if (p->srst) {
		p->srst = false;
		ide_bus_reset(&p->bus);
		p->bus.units[0].error = 1;
		ahci_write_d2h(p);
		p->sig = p->bus.units[0].hcyl << 24 | p->bus.units[0].lcyl << 16 |
			 p->bus.units[0].sector << 8 | p->bus.units[0].nsector;
	}
}

/* READ/WRITE FPDMA QUEUED: queue by tag, PxCI clears at once. */
static void ahci_ncq_accept(struct ahci_port *p, const uint8_t *f, uint64_t ctba,
			    uint16_t prdtl)
{
	struct ide_unit *s = &p->bus.units[0];
	uint32_t tag = f[12] >> 3;
	uint32_t count = f[3] | f[11] << 8;

	if (s->kind != IDE_DISK || (p->ncq_queued & (1u << tag)) || p->ncq_tag == (int)tag) {
		guest_error("ahci: port %d bad NCQ command (tag %u)", p->index, tag);
		s->status = IDE_ST_DRDY | IDE_ST_ERR;
		s->error = IDE_ER_ABRT;
		ahci_write_sdb(p, 1u << tag);
		return;
	}
	p->ncq_lba[tag] = (uint64_t)f[4] | (uint64_t)f[5] << 8 | (uint64_t)f[6] << 16 |
			  (uint64_t)f[8] << 24 | (uint64_t)f[9] << 32 | (uint64_t)f[10] << 40;
	p->ncq_count[tag] = count ? count : 65536;
	p->ncq_write[tag] = f[2] == ATA_WRITE_FPDMA;
	p->ncq_ctba[tag] = ctba;
	p->ncq_prdtl[tag] = prdtl;
	p->ncq_queued |= 1u << tag;
}

/* Start queued NCQ tag through the core's DMA path. */
static void ahci_ncq_start(struct ahci_port *p, int tag)
{
	struct ide_unit *s = &p->bus.units[0];
	uint64_t lba = p->ncq_lba[tag];
	uint32_t count = p->ncq_count[tag];
	bool write = p->ncq_write[tag];

	p->ncq_queued &= ~(1u << tag);
	p->ncq_tag = tag;
	p->cur_ctba = p->ncq_ctba[tag];
	p->cur_prdtl = p->ncq_prdtl[tag];
	p->prd_idx = p->prd_off = 0;
	p->xfer_bytes = 0;
	s->error = 0;
	if (s->kind != IDE_DISK || lba > s->nb_sectors || !count || count > 65536 ||
	    count > s->nb_sectors - lba || (write && blk_is_read_only(s->blk))) {
		guest_error("ahci: port %d NCQ sector %llu+%u refused", p->index,
			    (unsigned long long)lba, count);
		s->status = IDE_ST_DRDY | IDE_ST_ERR;
		s->error = IDE_ER_IDNF;
		return;
	}
	s->select |= IDE_DEV_LBA;
	s->lba48 = true;
	s->cur_lba = lba;
	s->remaining = count;
	s->dma_op = write ? IDE_DMA_WRITE : IDE_DMA_READ;
	s->dma_bytes = count * IDE_SECTOR;
	s->status = IDE_ST_BSY | IDE_ST_DRDY | IDE_ST_DRQ;
	ide_dma_request(s);
}

/* Fetch slot's header and FIS and start the command. */
static void ahci_cmd_start(struct ahci_port *p, int slot)
{
	uint64_t hdr = ((uint64_t)p->clbu << 32 | (p->clb & ~0x3ffu)) + slot * 32;
	struct ide_unit *s = &p->bus.units[0];
	uint8_t *h = as_ram_ptr(port_as(p), hdr, 32), *f;
	uint64_t ctba;
	uint16_t prdtl;

	if (!h) {
		guest_error("ahci: port %d command header 0x%llx is not in RAM", p->index,
			    (unsigned long long)hdr);
		ahci_clear_slot(p, slot);
		ahci_port_raise(p, AHCI_IS_HBFS);
		return;
	}
	prdtl = rd32(h) >> 16;
	ctba = (rd32(h + 8) | (uint64_t)rd32(h + 12) << 32) & ~0x7full;
	f = as_ram_ptr(port_as(p), ctba, CT_PRDT);
	if (!f || f[0] != FIS_H2D) {
		guest_error("ahci: port %d slot %d: no H2D FIS at 0x%llx", p->index, slot,
			    (unsigned long long)ctba);
		ahci_clear_slot(p, slot);
		ahci_port_raise(p, f ? AHCI_IS_UFS : AHCI_IS_HBFS);
		return;
	}
	if (!(f[1] & 0x80)) {
		ahci_control_fis(p, f);
		ahci_clear_slot(p, slot);
		return;
	}
	if (f[2] == ATA_READ_FPDMA || f[2] == ATA_WRITE_FPDMA) {
		ahci_ncq_accept(p, f, ctba, prdtl);
		ahci_clear_slot(p, slot);
		return;
	}
	p->busy_slot = slot;
	p->cur_ctba = ctba;
	p->cur_prdtl = prdtl;
	p->prd_idx = p->prd_off = 0;
	p->xfer_bytes = 0;
	p->dma_ret = 0;
	load_taskfile(s, f);
	if (f[2] == 0xa0) {
		/* The HBA moves the whole reply: no byte count limit. */
		s->lcyl = 0xfe;
		s->hcyl = 0xff;
	}
	ide_exec_cmd(&p->bus, f[2]);
}

/* The unit has data for or wants data from the PRDT (PIO, not DMA). */
static bool unit_in_pio(const struct ide_unit *s)
{
	return (s->status & IDE_ST_DRQ) && s->dma_op == IDE_DMA_NONE &&
	       s->data_pos < s->data_end;
}

/* One step of the port's state machine; false when it must wait. */
static bool ahci_port_step(struct ahci_port *p)
{
	struct ide_unit *s = &p->bus.units[0];

	if (p->busy_slot >= 0 || p->ncq_tag >= 0) {
		if (s->status & IDE_ST_BSY)
			return false;
		if (unit_in_pio(s) && p->busy_slot >= 0) {
			ahci_pio_block(p);
			return true;
		}
		if ((s->status & IDE_ST_DRQ) && s->dma_op != IDE_DMA_NONE)
			return false;   /* DMA in flight */
		if (s->status & IDE_ST_DRQ)
			ide_abort(s);   /* a DRQ with nothing to move */
		if (p->busy_slot >= 0)
			ahci_cmd_finish(p);
		else
			ahci_ncq_finish(p);
		return true;
	}
	if (!(p->cmd & AHCI_CMD_CR) || p->stalled)
		return false;
	if (p->ci) {
		ahci_cmd_start(p, __builtin_ctz(p->ci));
		return true;
	}
	if (p->ncq_queued) {
		ahci_ncq_start(p, __builtin_ctz(p->ncq_queued));
		return true;
	}
	return false;
}

void ahci_port_kick(struct ahci_port *p)
{
	if (p->stepping) {
		p->kicked = true;
		return;
	}
	p->stepping = true;
	/* Bounded: each step ends, moves or starts a command; a guest's next
	 * register access kicks again should the bound ever bite. */
	for (int round = 0; round < 64; round++) {
		p->kicked = false;
		for (int i = 0; i < 4 * AHCI_SLOTS + 8 && ahci_port_step(p); i++)
			;
		if (!p->kicked)
			break;
	}
	p->stepping = false;
}

void ahci_port_reset(struct ahci_port *p)
{
	struct ide_unit *s = &p->bus.units[0];

	ide_bus_reset(&p->bus);
	p->busy_slot = p->ncq_tag = -1;
	p->ncq_queued = 0;
	p->ci = p->sact = 0;
	p->serr = 0;
	p->tfd = 0x7f;
	p->sig = 0xffffffff;
	p->init_d2h_sent = false;
	p->srst = false;
	p->stalled = false;
	if (s->kind == IDE_NONE)
		return;
	/* The device's power-on D2H FIS, as QEMU reports it. */
	s->status = IDE_ST_DSC | IDE_ST_DF | (s->kind == IDE_CD ? IDE_ST_DRDY : 0);
	s->error = 1;
}
