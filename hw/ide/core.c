// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ATA task file and commands for one IDE channel (ATA/ATAPI-6; the probe
 * and command sequences SeaBIOS uses are in docs/machine-contract.md §7.1).
 * Both units latch task-file writes; reads come from the selected unit, and
 * an absent unit reads status 0 (so firmware skips it) like QEMU's.  PIO
 * data moves through a per-unit buffer, one DRQ block at a time; the disk
 * side of every block, DMA transfer and FLUSH CACHE runs asynchronously
 * (hw/ide/io.c) with BSY set until it completes.  The write cache state
 * (SET FEATURES 02h/82h, IDENTIFY words 82/85) starts from the drive's
 * cache= mode and is kept across resets, as QEMU does.  Omitted: SMART,
 * security, HPA (SET MAX), TRIM, overlapped/queued commands, power states
 * beyond their status answers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "block/block.h"
#include "block/drive.h"
#include "core/log.h"
#include "core/machine.h"
#include "hw/ide/ide.h"

#define IDE_DEFAULT_STATUS (IDE_ST_DRDY | IDE_ST_DSC)

static void ide_update_irq(struct ide_bus *bus)
{
	irq_set(bus->irq, bus->irq_pending && !(bus->devctl & IDE_CTL_NIEN));
}

void ide_set_irq(struct ide_bus *bus)
{
	if (bus->devctl & IDE_CTL_NIEN)
		return;
	bus->irq_pending = true;
	if (bus->dma_ops && bus->dma_ops->irq)
		bus->dma_ops->irq(bus);
	ide_update_irq(bus);
}

static void ide_clear_irq(struct ide_bus *bus)
{
	bus->irq_pending = false;
	ide_update_irq(bus);
}

void ide_abort(struct ide_unit *s)
{
	ide_error(s, IDE_ER_ABRT);
}

void ide_error(struct ide_unit *s, uint8_t err)
{
	ide_transfer_stop(s);
	s->dma_op = IDE_DMA_NONE;
	s->status = IDE_ST_DRDY | IDE_ST_ERR;
	s->error = err;
}

void ide_transfer_start(struct ide_unit *s, uint32_t len, enum ide_end end)
{
	s->data_pos = 0;
	s->data_end = MIN(len, (uint32_t)IDE_BUF_SIZE);
	s->end_op = end;
	s->status |= IDE_ST_DRQ;
}

void ide_transfer_stop(struct ide_unit *s)
{
	s->data_pos = s->data_end = 0;
	s->end_op = IDE_END_NONE;
	s->status &= ~IDE_ST_DRQ;
}

void ide_set_signature(struct ide_unit *s)
{
	s->select = (s->select & 0xf0) | 0xa0;
	s->nsector = 1;
	s->sector = 1;
	s->lcyl = s->kind == IDE_CD ? 0x14 : (s->kind == IDE_DISK ? 0 : 0xff);
	s->hcyl = s->kind == IDE_CD ? 0xeb : (s->kind == IDE_DISK ? 0 : 0xff);
}

/* Power-on / hard reset of one unit (SRST and DEVICE RESET build on it). */
static void ide_unit_reset(struct ide_unit *s)
{
	s->generation++;
	s->feature = s->hob_feature = 0;
	s->hob_nsector = s->hob_sector = s->hob_lcyl = s->hob_hcyl = 0;
	s->select = 0xa0;
	ide_set_signature(s);
	ide_transfer_stop(s);
	s->status = s->kind == IDE_NONE ? 0 : IDE_DEFAULT_STATUS;
	s->error = 0;
	s->cmd = 0;
	s->lba48 = false;
	s->mult_sectors = IDE_MAX_MULT;
	s->lheads = s->heads;
	s->lsecs = s->secs;
	s->xfer_mode = 0x45; /* UDMA5 selected, as QEMU reports */
	s->dma_op = IDE_DMA_NONE;
	s->io_op = IDE_IO_NONE;
	s->remaining = 0;
	if (s->kind == IDE_CD)
		atapi_reset(s);
}

void ide_bus_reset(struct ide_bus *bus)
{
	bus->generation++;
	bus->dma_inflight = false;
	bus->cur = 0;
	bus->devctl = 0;
	bus->irq_pending = false;
	for (int i = 0; i < 2; i++)
		ide_unit_reset(&bus->units[i]);
	ide_update_irq(bus);
}

void ide_bus_init(struct ide_bus *bus, struct machine *m, int index, struct irq_line *irq)
{
	bus->m = m;
	bus->index = index;
	bus->irq = irq;
	for (int i = 0; i < 2; i++) {
		bus->units[i].bus = bus;
		bus->units[i].unit = i;
		bus->units[i].kind = IDE_NONE;
	}
}

/* Default CHS: 16 heads, 63 sectors, cylinders clamped to 2..16383. */
static void ide_guess_geometry(struct ide_unit *s)
{
	uint64_t cyls = s->nb_sectors / (16 * 63);

	s->heads = 16;
	s->secs = 63;
	s->cyls = cyls < 2 ? 2 : (cyls > 16383 ? 16383 : cyls);
}

int ide_unit_attach(struct ide_unit *s, struct drive_info *d, GError **err)
{
	struct machine *m = s->bus->m;
	int index = s->bus->index * 2 + s->unit;

	s->dinfo = d;
	s->kind = d->media == DRIVE_MEDIA_CDROM ? IDE_CD : IDE_DISK;
	s->blk = d->blk;
	if (s->kind == IDE_CD)
		drive_set_media_ops(d, &ide_cd_media_ops, s);
	if (s->kind == IDE_DISK && !s->blk) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "IDE disk at index %d has no image", index);
		return -EINVAL;
	}
	if (s->blk) {
		blk_set_aio_context(s->blk, m->ctx, &m->lock);
		s->nb_sectors = (uint64_t)blk_length(s->blk) / IDE_SECTOR;
	}
	s->wcache = !s->blk || blk_write_cache(s->blk);
	snprintf(s->serial, sizeof(s->serial), "KVMPC0000%d", index + 1);
	snprintf(s->model, sizeof(s->model), "%s",
		 s->kind == IDE_CD ? "KVMPC DVD-ROM" : "KVMPC HARDDISK");
	ide_guess_geometry(s);
	d->claimed = true;
	ide_unit_reset(s);
	return 0;
}

/* ---- addressing ---- */

static uint64_t ide_get_lba(struct ide_unit *s)
{
	if (!(s->select & IDE_DEV_LBA)) {
		uint32_t cyl = s->lcyl | s->hcyl << 8, head = s->select & 0x0f;

		if (!s->lsecs || !s->sector || s->sector > s->lsecs || head >= s->lheads)
			return UINT64_MAX;
		return ((uint64_t)cyl * s->lheads + head) * s->lsecs + s->sector - 1;
	}
	if (!s->lba48)
		return (uint64_t)(s->select & 0x0f) << 24 | s->hcyl << 16 | s->lcyl << 8 |
		       s->sector;
	return (uint64_t)s->hob_hcyl << 40 | (uint64_t)s->hob_lcyl << 32 |
	       (uint64_t)s->hob_sector << 24 | s->hcyl << 16 | s->lcyl << 8 | s->sector;
}

/* The sector count register counts down as sectors are transferred. */
static void ide_set_count(struct ide_unit *s)
{
	s->nsector = s->remaining;
	if (s->lba48)
		s->hob_nsector = s->remaining >> 8;
}

static void ide_set_lba(struct ide_unit *s, uint64_t lba)
{
	if (!(s->select & IDE_DEV_LBA)) {
		uint32_t per_cyl = s->lheads * s->lsecs, cyl, r;

		if (!per_cyl)
			return;
		cyl = lba / per_cyl;
		r = lba % per_cyl;
		s->lcyl = cyl;
		s->hcyl = cyl >> 8;
		s->select = (s->select & 0xf0) | ((r / s->lsecs) & 0x0f);
		s->sector = r % s->lsecs + 1;
	} else if (!s->lba48) {
		s->select = (s->select & 0xf0) | ((lba >> 24) & 0x0f);
		s->hcyl = lba >> 16;
		s->lcyl = lba >> 8;
		s->sector = lba;
	} else {
		s->sector = lba;
		s->lcyl = lba >> 8;
		s->hcyl = lba >> 16;
		s->hob_sector = lba >> 24;
		s->hob_lcyl = lba >> 32;
		s->hob_hcyl = lba >> 40;
	}
}

static uint32_t ide_get_count(struct ide_unit *s)
{
	if (s->lba48) {
		uint32_t n = s->nsector | s->hob_nsector << 8;

		return n ? n : 65536;
	}
	return s->nsector ? s->nsector : 256;
}

/* Set up cur_lba/remaining for a sector command; false (error set) if out of range. */
static bool ide_range_ok(struct ide_unit *s)
{
	uint64_t lba = ide_get_lba(s);

	s->remaining = ide_get_count(s);
	if (lba == UINT64_MAX || lba > s->nb_sectors || s->remaining > s->nb_sectors - lba) {
		guest_error("ide: sector %llu+%u outside the disk (%llu sectors)",
			    (unsigned long long)lba, s->remaining,
			    (unsigned long long)s->nb_sectors);
		ide_error(s, IDE_ER_IDNF);
		return false;
	}
	s->cur_lba = lba;
	return true;
}

/* ---- PIO sector transfers ---- */

static void ide_io_failed(struct ide_unit *s)
{
	s->io_op = IDE_IO_NONE;
	ide_abort(s);
	ide_set_irq(s->bus);
}

/* The sectors of the current DRQ block. */
static uint32_t ide_block_sectors(struct ide_unit *s)
{
	return MIN(s->remaining, s->req_sectors);
}

static void ide_advance(struct ide_unit *s, uint32_t n)
{
	s->cur_lba += n;
	s->remaining -= n;
	ide_set_lba(s, s->cur_lba);
	ide_set_count(s);
}

static void ide_read_done(struct ide_unit *s, int ret)
{
	uint32_t n = ide_block_sectors(s);

	s->io_op = IDE_IO_NONE;
	if (ret < 0) {
		ide_io_failed(s);
		return;
	}
	s->status = IDE_DEFAULT_STATUS;
	ide_transfer_start(s, n * IDE_SECTOR, IDE_END_READ);
	ide_advance(s, n);
	ide_set_irq(s->bus);
}

/* Fetch the next DRQ block: BSY until the data is in the buffer. */
static void ide_read_block(struct ide_unit *s)
{
	uint32_t n = ide_block_sectors(s);

	s->status = IDE_ST_BSY | IDE_ST_DRDY;
	s->io_op = IDE_IO_READ;
	if (ide_buf_io(s, false, s->cur_lba * IDE_SECTOR, n * IDE_SECTOR, ide_read_done) < 0)
		ide_io_failed(s);
}

static void ide_write_block_start(struct ide_unit *s)
{
	s->status = IDE_DEFAULT_STATUS;
	ide_transfer_start(s, ide_block_sectors(s) * IDE_SECTOR, IDE_END_WRITE);
}

static void ide_write_done(struct ide_unit *s, int ret)
{
	s->io_op = IDE_IO_NONE;
	if (ret < 0) {
		ide_io_failed(s);
		return;
	}
	ide_advance(s, ide_block_sectors(s));
	if (s->remaining)
		ide_write_block_start(s);
	else
		s->status = IDE_DEFAULT_STATUS;
	ide_set_irq(s->bus);
}

/* Write the DRQ block in the buffer: BSY until it is on the disk. */
static void ide_write_block_submit(struct ide_unit *s)
{
	uint32_t n = ide_block_sectors(s);

	s->status = IDE_ST_BSY | IDE_ST_DRDY;
	s->io_op = IDE_IO_WRITE;
	if (ide_buf_io(s, true, s->cur_lba * IDE_SECTOR, n * IDE_SECTOR, ide_write_done) < 0)
		ide_io_failed(s);
}

void ide_restart_io(struct ide_unit *s)
{
	switch (s->io_op) {
	case IDE_IO_READ:
		ide_read_block(s);
		break;
	case IDE_IO_WRITE:
		ide_write_block_submit(s);
		break;
	case IDE_IO_ATAPI_READ:
		atapi_refill(s);
		break;
	}
}

static void ide_end_transfer(struct ide_unit *s)
{
	switch (s->end_op) {
	case IDE_END_READ:
		ide_transfer_stop(s);
		if (s->remaining)
			ide_read_block(s);
		break;
	case IDE_END_WRITE:
		ide_transfer_stop(s);
		ide_write_block_submit(s);
		break;
	case IDE_END_PACKET:
		ide_transfer_stop(s);
		atapi_packet_received(s);
		break;
	case IDE_END_ATAPI:
		atapi_reply_next(s);
		break;
	default:
		ide_transfer_stop(s);
		s->status = IDE_DEFAULT_STATUS;
		break;
	}
}

static uint32_t ide_data_read(struct ide_bus *bus, unsigned size)
{
	struct ide_unit *s = ide_cur(bus);
	uint32_t v = 0;

	if (s->kind == IDE_NONE || !(s->status & IDE_ST_DRQ) || s->end_op == IDE_END_WRITE ||
	    s->end_op == IDE_END_PACKET)
		return 0;
	size = size == 4 ? 4 : 2;
	if (s->data_pos + size > s->data_end)
		size = s->data_end - s->data_pos;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)s->buf[s->data_pos + i] << (8 * i);
	s->data_pos += size;
	if (s->data_pos >= s->data_end)
		ide_end_transfer(s);
	return v;
}

/* The transport (AHCI) moved the whole DRQ block at once. */
void ide_pio_consumed(struct ide_unit *s)
{
	s->data_pos = s->data_end;
	ide_end_transfer(s);
}

static void ide_data_write(struct ide_bus *bus, uint32_t v, unsigned size)
{
	struct ide_unit *s = ide_cur(bus);

	if (s->kind == IDE_NONE || !(s->status & IDE_ST_DRQ) ||
	    (s->end_op != IDE_END_WRITE && s->end_op != IDE_END_PACKET))
		return;
	size = size == 4 ? 4 : 2;
	if (s->data_pos + size > s->data_end)
		size = s->data_end - s->data_pos;
	for (unsigned i = 0; i < size; i++)
		s->buf[s->data_pos + i] = v >> (8 * i);
	s->data_pos += size;
	if (s->data_pos >= s->data_end)
		ide_end_transfer(s);
}

/* ---- command execution ---- */

static void ide_flush_done(struct ide_unit *s, int ret)
{
	if (ret < 0)
		ide_abort(s);
	else
		s->status = IDE_DEFAULT_STATUS;
	ide_set_irq(s->bus);
}

static bool ide_cmd_flush(struct ide_unit *s)
{
	if (!s->blk || blk_is_read_only(s->blk))
		return true;
	if (ide_flush_io(s, ide_flush_done) < 0) {
		ide_abort(s);
		return true;
	}
	s->status = IDE_ST_BSY | IDE_ST_DRDY;
	return false;
}

/* SET FEATURES 02h/82h: the write cache of the disk (write-through when off). */
void ide_set_wcache(struct ide_unit *s, bool on)
{
	s->wcache = on;
	if (s->kind == IDE_DISK && s->blk)
		blk_set_write_cache(s->blk, on);
}

static bool ide_cmd_set_features(struct ide_unit *s)
{
	switch (s->feature) {
	case 0x02:
		ide_set_wcache(s, true);
		return true;
	case 0x82:
		ide_set_wcache(s, false);
		return true;
	case 0x03: {
		uint8_t mode = s->nsector;

		if ((mode & 0xf8) > 0x40 || (mode & 0xf8) == 0x30) {
			ide_abort(s);
			return true;
		}
		s->xfer_mode = mode;
		return true;
	}
	case 0x05: case 0x85: case 0x31: case 0x42: case 0xc2:
	case 0x55: case 0xaa: case 0x66: case 0xcc:
		return true;
	default:
		ide_abort(s);
		return true;
	}
}

/* READ/WRITE SECTORS, MULTIPLE and DMA variants. */
static bool ide_cmd_rw(struct ide_unit *s, bool write, bool multiple, bool dma)
{
	if (s->kind != IDE_DISK) {
		if (s->kind == IDE_CD && (s->cmd == 0x20 || s->cmd == 0x21))
			ide_set_signature(s); /* how ATAPI devices answer READ SECTORS */
		ide_abort(s);
		return true;
	}
	if (multiple && !s->mult_sectors) {
		ide_abort(s);
		return true;
	}
	if (!ide_range_ok(s))
		return true;
	if (write && blk_is_read_only(s->blk)) {
		ide_abort(s);
		return true;
	}
	s->req_sectors = multiple ? s->mult_sectors : 1;
	if (dma) {
		s->status = IDE_DEFAULT_STATUS | IDE_ST_DRQ;
		s->dma_op = write ? IDE_DMA_WRITE : IDE_DMA_READ;
		s->dma_bytes = s->remaining * IDE_SECTOR;
		ide_dma_request(s);
		return false;
	}
	if (write)
		ide_write_block_start(s);
	else
		ide_read_block(s);
	return false;
}

static bool ide_cmd_verify(struct ide_unit *s)
{
	if (s->kind != IDE_DISK)
		ide_abort(s);
	else
		ide_range_ok(s);
	return true;
}

static bool ide_cmd_native_max(struct ide_unit *s)
{
	if (s->kind != IDE_DISK) {
		ide_abort(s);
		return true;
	}
	s->select |= IDE_DEV_LBA;
	ide_set_lba(s, s->nb_sectors ? s->nb_sectors - 1 : 0);
	return true;
}

static bool ide_cmd_specify(struct ide_unit *s)
{
	if (s->kind != IDE_DISK || !s->nsector) {
		ide_abort(s);
		return true;
	}
	s->lheads = (s->select & 0x0f) + 1;
	s->lsecs = s->nsector;
	return true;
}

static bool ide_cmd_set_multiple(struct ide_unit *s)
{
	if (s->kind != IDE_DISK || s->nsector > IDE_MAX_MULT ||
	    (s->nsector & (s->nsector - 1))) {
		ide_abort(s);
		return true;
	}
	s->mult_sectors = s->nsector;
	return true;
}

static bool ide_cmd_identify(struct ide_unit *s, bool packet)
{
	if ((s->kind == IDE_CD) != packet) {
		if (s->kind == IDE_CD)
			ide_set_signature(s);
		ide_abort(s);
		return true;
	}
	if (packet)
		atapi_identify(s);
	else
		ide_identify_data(s);
	s->status = IDE_DEFAULT_STATUS;
	ide_transfer_start(s, 512, IDE_END_NONE);
	ide_set_irq(s->bus);
	return false;
}

static bool ide_cmd_diagnostic(struct ide_bus *bus)
{
	for (int i = 0; i < 2; i++) {
		struct ide_unit *u = &bus->units[i];

		ide_set_signature(u);
		ide_transfer_stop(u);
		u->status = u->kind == IDE_CD ? 0 : (u->kind == IDE_DISK ? IDE_DEFAULT_STATUS : 0);
		u->error = 1;
		u->select = 0xa0;
	}
	bus->cur = 0;
	ide_set_irq(bus);
	return false;
}

static bool ide_cmd_device_reset(struct ide_unit *s)
{
	if (s->kind != IDE_CD) {
		ide_abort(s);
		return true;
	}
	ide_unit_reset(s);
	s->status = 0;
	s->error = 1;
	return false;
}

/* Returns true when the command completed at once (raise IRQ, clear BSY). */
static bool ide_dispatch(struct ide_unit *s, uint8_t cmd)
{
	bool disk = s->kind == IDE_DISK;

	s->lba48 = false;
	switch (cmd) {
	case 0x20: case 0x21: return ide_cmd_rw(s, false, false, false);
	case 0x24: s->lba48 = true; return ide_cmd_rw(s, false, false, false);
	case 0x29: s->lba48 = true; return ide_cmd_rw(s, false, true, false);
	case 0xc4: return ide_cmd_rw(s, false, true, false);
	case 0x30: case 0x31: return ide_cmd_rw(s, true, false, false);
	case 0x34: s->lba48 = true; return ide_cmd_rw(s, true, false, false);
	case 0x39: s->lba48 = true; return ide_cmd_rw(s, true, true, false);
	case 0xc5: return ide_cmd_rw(s, true, true, false);
	case 0xc8: case 0xc9: return ide_cmd_rw(s, false, false, true);
	case 0x25: s->lba48 = true; return ide_cmd_rw(s, false, false, true);
	case 0xca: case 0xcb: return ide_cmd_rw(s, true, false, true);
	case 0x35: s->lba48 = true; return ide_cmd_rw(s, true, false, true);
	case 0x40: case 0x41: return ide_cmd_verify(s);
	case 0x42: s->lba48 = true; return ide_cmd_verify(s);
	case 0xf8: return ide_cmd_native_max(s);
	case 0x27: s->lba48 = true; return ide_cmd_native_max(s);
	case 0xec: return ide_cmd_identify(s, false);
	case 0xa1: return ide_cmd_identify(s, true);
	case 0xe7: case 0xea: return ide_cmd_flush(s);
	case 0xef: return ide_cmd_set_features(s);
	case 0x91: return ide_cmd_specify(s);
	case 0xc6: return ide_cmd_set_multiple(s);
	case 0x90: return ide_cmd_diagnostic(s->bus);
	case 0x08: return ide_cmd_device_reset(s);
	case 0xa0:
		if (s->kind != IDE_CD)
			break;
		atapi_packet_cmd(s);
		return false;
	case 0xe5: /* CHECK POWER MODE: active or idle */
		if (!disk)
			break;
		s->nsector = 0xff;
		return true;
	case 0xe3: case 0xe2: case 0xe0: case 0xe6: /* IDLE, STANDBY (IMMEDIATE), SLEEP */
		if (!disk)
			break;
		s->status = IDE_ST_DRDY;
		ide_set_irq(s->bus);
		return false;
	case 0x10 ... 0x1f: /* RECALIBRATE (obsolete) */
	case 0xe1: case 0x70: /* IDLE IMMEDIATE, SEEK */
		if (!disk)
			break;
		return true;
	default:
		guest_unimp("ide: unsupported command 0x%02x", cmd);
		break;
	}
	ide_abort(s);
	return true;
}

void ide_exec_cmd(struct ide_bus *bus, uint8_t cmd)
{
	struct ide_unit *s = ide_cur(bus);

	if (s->kind == IDE_NONE)
		return;
	/* Only DEVICE RESET to an ATAPI device is taken while busy. */
	if ((s->status & (IDE_ST_BSY | IDE_ST_DRQ)) && !(cmd == 0x08 && s->kind == IDE_CD))
		return;
	ide_clear_irq(bus);
	s->cmd = cmd;
	s->status = IDE_ST_DRDY | IDE_ST_BSY;
	s->error = 0;
	if (ide_dispatch(s, cmd)) {
		s->status &= ~IDE_ST_BSY;
		if (!(s->status & IDE_ST_ERR))
			s->status |= IDE_DEFAULT_STATUS;
		ide_set_irq(bus);
	}
}

/* A DMA transfer of s ended (hw/ide/io.c). */
void ide_dma_done(struct ide_unit *s, int ret)
{
	s->dma_op = IDE_DMA_NONE;
	if (ret == -ENOSPC) {
		/* Not enough room in the provider's table: no transfer, no interrupt. */
		s->status = IDE_DEFAULT_STATUS;
		return;
	}
	if (s->kind == IDE_CD) {
		atapi_dma_done(s, ret);
		return;
	}
	if (ret < 0) {
		ide_abort(s);
		ide_set_irq(s->bus);
		return;
	}
	ide_advance(s, s->remaining);
	s->status = IDE_DEFAULT_STATUS;
	ide_set_irq(s->bus);
}

/* ---- registers ---- */

static uint8_t ide_reg_read(struct ide_bus *bus, unsigned reg)
{
	struct ide_unit *s = ide_cur(bus);
	bool hob = bus->devctl & IDE_CTL_HOB;

	if (bus->units[0].kind == IDE_NONE && bus->units[1].kind == IDE_NONE)
		return 0;
	switch (reg) {
	case 1: return hob ? s->hob_feature : s->error;
	case 2: return hob ? s->hob_nsector : s->nsector;
	case 3: return hob ? s->hob_sector : s->sector;
	case 4: return hob ? s->hob_lcyl : s->lcyl;
	case 5: return hob ? s->hob_hcyl : s->hcyl;
	case 6: return s->select;
	default:
		if (s->kind == IDE_NONE)
			return 0;
		ide_clear_irq(bus);
		return s->status;
	}
}

static void ide_reg_write(struct ide_bus *bus, unsigned reg, uint8_t val)
{
	for (int i = 0; i < 2 && reg != 7; i++) {
		struct ide_unit *u = &bus->units[i];

		switch (reg) {
		case 1: u->hob_feature = u->feature; u->feature = val; break;
		case 2: u->hob_nsector = u->nsector; u->nsector = val; break;
		case 3: u->hob_sector = u->sector; u->sector = val; break;
		case 4: u->hob_lcyl = u->lcyl; u->lcyl = val; break;
		case 5: u->hob_hcyl = u->hcyl; u->hcyl = val; break;
		case 6: u->select = val | 0xa0; break;
		}
	}
	bus->devctl &= ~IDE_CTL_HOB;
	if (reg == 6)
		bus->cur = (val & IDE_DEV_DEV) ? 1 : 0;
	else if (reg == 7)
		ide_exec_cmd(bus, val);
}

uint64_t ide_ioport_read(void *opaque, uint64_t addr, unsigned size)
{
	struct ide_bus *bus = opaque;
	uint64_t v = 0;

	if (addr == 0)
		return ide_data_read(bus, size);
	for (unsigned i = 0; i < size && addr + i < 8; i++)
		v |= (uint64_t)ide_reg_read(bus, addr + i) << (8 * i);
	return v;
}

void ide_ioport_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct ide_bus *bus = opaque;

	if (addr == 0) {
		ide_data_write(bus, val, size);
		return;
	}
	for (unsigned i = 0; i < size && addr + i < 8; i++)
		ide_reg_write(bus, addr + i, val >> (8 * i));
}

uint64_t ide_ctl_read(void *opaque, uint64_t addr, unsigned size)
{
	struct ide_bus *bus = opaque;
	struct ide_unit *s = ide_cur(bus);

	if (s->kind == IDE_NONE)
		return 0;
	return s->status;
}

static void ide_soft_reset(struct ide_bus *bus)
{
	bus->generation++;
	bus->dma_inflight = false;
	for (int i = 0; i < 2; i++) {
		struct ide_unit *u = &bus->units[i];

		if (u->kind == IDE_NONE)
			continue;
		ide_unit_reset(u);
		u->status = u->kind == IDE_CD ? 0 : IDE_DEFAULT_STATUS;
		u->error = 1;
	}
	bus->cur = 0;
	bus->irq_pending = false;
}

void ide_ctl_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct ide_bus *bus = opaque;
	uint8_t old = bus->devctl;

	bus->devctl = val;
	if ((val & IDE_CTL_SRST) && !(old & IDE_CTL_SRST))
		ide_soft_reset(bus);
	ide_update_irq(bus);
}
