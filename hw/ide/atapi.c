// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ATAPI CD/DVD-ROM packet commands (MMC-3, SPC; the packet protocol of
 * ATA/ATAPI-6).  A PACKET command takes a 12-byte CDB by PIO; replies go
 * out in DRQ blocks bounded by the byte-count limit the guest put in LBA
 * Mid/High, or by bus-master DMA when FEATURES bit 0 was set.  Medium
 * reads run asynchronously (hw/ide/io.c) with BSY set meanwhile.  Data answers
 * match QEMU 7.2's (profiles, mode pages, TOC layouts) so guests see the same
 * drive.  Omitted: audio, raw (2352-byte) reads, DVD structures, writing.
 */
#include <string.h>
#include "block/drive.h"
#include "core/log.h"
#include "core/machine.h"
#include "hw/ide/ide.h"

#define SENSE_NONE 0
#define SENSE_NOT_READY 2
#define SENSE_MEDIUM_ERROR 3
#define SENSE_ILLEGAL_REQUEST 5
#define SENSE_UNIT_ATTENTION 6

#define ASC_READ_ERROR 0x11
#define ASC_ILLEGAL_OPCODE 0x20
#define ASC_LBA_OUT_OF_RANGE 0x21
#define ASC_INV_FIELD_IN_CDB 0x24
#define ASC_MEDIUM_MAY_HAVE_CHANGED 0x28
#define ASC_INCOMPATIBLE_FORMAT 0x30
#define ASC_SAVING_NOT_SUPPORTED 0x39
#define ASC_MEDIUM_NOT_PRESENT 0x3a
#define ASC_REMOVAL_PREVENTED 0x53

#define CD_MAX_BYTES (80ULL * 60 * 75 * 2048) /* above this it is a DVD */
#define PROFILE_CD_ROM 0x0008
#define PROFILE_DVD_ROM 0x0010

/* Interrupt reason (sector count register) */
#define IR_COD 0x01
#define IR_IO 0x02

enum { ALLOW_UA = 1, CHECK_READY = 2 };

static void put_be16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static void put_be32(uint8_t *p, uint32_t v) { put_be16(p, v >> 16); put_be16(p + 2, v); }
static uint16_t get_be16(const uint8_t *p) { return p[0] << 8 | p[1]; }
static uint32_t get_be32(const uint8_t *p) { return (uint32_t)get_be16(p) << 16 | get_be16(p + 2); }

static bool atapi_media_present(struct ide_unit *s)
{
	return s->blk && !s->tray_open;
}

uint32_t atapi_nb_blocks(struct ide_unit *s)
{
	return atapi_media_present(s) ? MIN(s->nb_sectors / 4, (uint64_t)UINT32_MAX) : 0;
}

void atapi_reset(struct ide_unit *s)
{
	s->sense_key = s->asc = s->ascq = 0;
	s->atapi_dma = false;
	s->atapi_buf_len = 0;
}

static void atapi_ok(struct ide_unit *s)
{
	ide_transfer_stop(s);
	s->error = 0;
	s->status = IDE_ST_DRDY | IDE_ST_DSC;
	s->nsector = (s->nsector & ~7) | IR_IO | IR_COD;
	ide_set_irq(s->bus);
}

static void atapi_check(struct ide_unit *s, uint8_t key, uint8_t asc)
{
	ide_transfer_stop(s);
	s->sense_key = key;
	s->asc = asc;
	s->ascq = 0;
	s->error = key << 4;
	s->status = IDE_ST_DRDY | IDE_ST_ERR;
	s->nsector = (s->nsector & ~7) | IR_IO | IR_COD;
	ide_set_irq(s->bus);
}

/* Byte count for the next DRQ block: the limit, made even when it bites. */
static uint32_t atapi_block_size(struct ide_unit *s, uint32_t avail)
{
	uint32_t limit = s->byte_limit == 0xffff ? 0xfffe : s->byte_limit;

	if (avail <= limit)
		return avail;
	limit &= ~1u;
	return limit ? limit : 2;
}

static void atapi_send_block(struct ide_unit *s);

/* Sectors the next buffer of READ data holds. */
static uint32_t atapi_refill_blocks(struct ide_unit *s)
{
	return MIN(s->remaining, (uint32_t)(IDE_BUF_SIZE / IDE_CD_SECTOR));
}

static void atapi_refill_done(struct ide_unit *s, int ret)
{
	uint32_t n = atapi_refill_blocks(s);

	s->io_op = IDE_IO_NONE;
	if (ret < 0) {
		atapi_check(s, SENSE_MEDIUM_ERROR, ASC_READ_ERROR);
		return;
	}
	s->cur_lba += n;
	s->remaining -= n;
	s->atapi_buf_len = n * IDE_CD_SECTOR;
	s->data_end = 0;
	atapi_send_block(s);
}

/* Load the next buffer of READ data: BSY until it is there. */
void atapi_refill(struct ide_unit *s)
{
	uint32_t n = atapi_refill_blocks(s);

	ide_transfer_stop(s);
	s->status = IDE_ST_BSY | IDE_ST_DRDY;
	s->io_op = IDE_IO_ATAPI_READ;
	if (ide_buf_io(s, false, s->cur_lba * IDE_CD_SECTOR, n * IDE_CD_SECTOR,
		       atapi_refill_done) < 0) {
		s->io_op = IDE_IO_NONE;
		atapi_check(s, SENSE_MEDIUM_ERROR, ASC_READ_ERROR);
	}
}

/* Offer the next DRQ block of the reply, or finish. */
static void atapi_send_block(struct ide_unit *s)
{
	uint32_t start = s->data_end, size;

	if (start >= s->atapi_buf_len) {
		if (!s->remaining || !s->blk) {
			atapi_ok(s);
			return;
		}
		atapi_refill(s);
		return;
	}
	if (!s->byte_limit) {
		/* Data to send but a zero byte-count limit: abort. */
		ide_abort(s);
		ide_set_irq(s->bus);
		return;
	}
	size = atapi_block_size(s, s->atapi_buf_len - start);
	s->data_pos = start;
	s->data_end = start + size;
	s->end_op = IDE_END_ATAPI;
	s->lcyl = size;
	s->hcyl = size >> 8;
	s->nsector = (s->nsector & ~7) | IR_IO;
	s->status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ;
	ide_set_irq(s->bus);
}

void atapi_reply_next(struct ide_unit *s)
{
	s->status &= ~IDE_ST_DRQ;
	atapi_send_block(s);
}

/* Reply with buf[0..len), cut to the allocation length. */
static void atapi_reply(struct ide_unit *s, uint32_t len, uint32_t alloc)
{
	len = MIN(len, alloc);
	if (!len) {
		atapi_ok(s);
		return;
	}
	s->remaining = 0;
	if (s->atapi_dma) {
		s->dma_op = IDE_DMA_CD_BUF;
		s->dma_bytes = len;
		s->status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ;
		ide_dma_request(s);
		return;
	}
	s->atapi_buf_len = len;
	s->data_end = 0;
	atapi_send_block(s);
}

#define ATAPI_MAX_DMA_BLOCKS (256 * 1024 * 1024 / IDE_CD_SECTOR)

static void atapi_read(struct ide_unit *s, uint32_t lba, uint32_t n)
{
	uint32_t total = atapi_nb_blocks(s);

	if (!n) {
		atapi_ok(s);
		return;
	}
	if (lba >= total || n > total - lba) {
		atapi_check(s, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
		return;
	}
	s->cur_lba = lba;
	s->remaining = n;
	if (s->atapi_dma) {
		if (n > ATAPI_MAX_DMA_BLOCKS) {
			atapi_check(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB);
			return;
		}
		s->dma_op = IDE_DMA_CD_READ;
		s->dma_bytes = n * IDE_CD_SECTOR;
		s->status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ;
		ide_dma_request(s);
		return;
	}
	s->atapi_buf_len = 0;
	s->data_end = 0;
	atapi_send_block(s);
}

void atapi_dma_done(struct ide_unit *s, int ret)
{
	if (ret < 0)
		atapi_check(s, SENSE_MEDIUM_ERROR, ASC_READ_ERROR);
	else
		atapi_ok(s);
}

/* ---- commands ---- */

static void cmd_request_sense(struct ide_unit *s, uint8_t *b)
{
	uint8_t alloc = s->cdb[4];

	memset(b, 0, 18);
	b[0] = 0xf0;
	b[2] = s->sense_key;
	b[7] = 10;
	b[12] = s->asc;
	b[13] = s->ascq;
	if (s->sense_key == SENSE_UNIT_ATTENTION)
		s->sense_key = SENSE_NONE;
	atapi_reply(s, 18, alloc);
}

static void cmd_inquiry(struct ide_unit *s, uint8_t *b)
{
	uint8_t alloc = s->cdb[4];

	memset(b, 0, 36);
	b[0] = 0x05;    /* CD/DVD device */
	b[1] = 0x80;    /* removable */
	b[3] = 0x21;    /* ATAPI, response format 1 */
	b[4] = 36 - 5;
	memcpy(b + 8, "KVMPC   ", 8);
	memcpy(b + 16, "KVMPC DVD-ROM   ", 16);
	memcpy(b + 32, "1.0 ", 4);
	atapi_reply(s, 36, alloc);
}

static void cmd_start_stop(struct ide_unit *s, uint8_t *b)
{
	bool start = s->cdb[4] & 1, loej = s->cdb[4] & 2;

	if ((s->cdb[4] & 0xf0) || !loej) {
		atapi_ok(s);
		return;
	}
	if (!start && !s->tray_open && s->tray_locked) {
		atapi_check(s, s->blk ? SENSE_NOT_READY : SENSE_ILLEGAL_REQUEST,
			    ASC_REMOVAL_PREVENTED);
		return;
	}
	if (s->tray_open != !start && s->dinfo && s->dinfo->id)
		machine_event(s->bus->m, &(struct machine_event){
			.kind = MACHINE_EVENT_TRAY_MOVED,
			.id = s->dinfo->id,
			.tray_open = !start,
		});
	s->tray_open = !start;
	atapi_ok(s);
}

static void cmd_prevent_allow(struct ide_unit *s, uint8_t *b)
{
	s->tray_locked = s->cdb[4] & 1;
	atapi_ok(s);
}

static void cmd_read_capacity(struct ide_unit *s, uint8_t *b)
{
	put_be32(b, atapi_nb_blocks(s) - 1);
	put_be32(b + 4, IDE_CD_SECTOR);
	atapi_reply(s, 8, 8);
}

static void cmd_read(struct ide_unit *s, uint8_t *b)
{
	uint32_t n = s->cdb[0] == 0x28 ? get_be16(s->cdb + 7) : get_be32(s->cdb + 6);

	atapi_read(s, get_be32(s->cdb + 2), n);
}

static void cmd_read_cd(struct ide_unit *s, uint8_t *b)
{
	uint32_t n = s->cdb[6] << 16 | s->cdb[7] << 8 | s->cdb[8];

	switch (s->cdb[9] & 0xf8) {
	case 0x00:
		atapi_ok(s);
		break;
	case 0x10:
		atapi_read(s, get_be32(s->cdb + 2), n);
		break;
	default:
		atapi_check(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB);
		break;
	}
}

static void cmd_seek(struct ide_unit *s, uint8_t *b)
{
	if (get_be32(s->cdb + 2) >= atapi_nb_blocks(s))
		atapi_check(s, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
	else
		atapi_ok(s);
}

static uint8_t *put_addr(uint8_t *q, uint32_t lba, bool msf)
{
	if (!msf) {
		put_be32(q, lba);
		return q + 4;
	}
	lba += 150;
	q[0] = 0;
	q[1] = lba / (75 * 60);
	q[2] = (lba / 75) % 60;
	q[3] = lba % 75;
	return q + 4;
}

static int toc_formatted(uint8_t *b, uint32_t total, bool msf, int start)
{
	uint8_t *q = b + 2;

	if (start > 1 && start != 0xaa)
		return -1;
	*q++ = 1;
	*q++ = 1;
	if (start <= 1) {
		*q++ = 0;
		*q++ = 0x14;    /* data track, ADR 1 */
		*q++ = 1;
		*q++ = 0;
		q = put_addr(q, 0, msf);
	}
	*q++ = 0;
	*q++ = 0x16;
	*q++ = 0xaa;        /* lead-out */
	*q++ = 0;
	q = put_addr(q, total, msf);
	put_be16(b, q - b - 2);
	return q - b;
}

/* One raw TOC entry: session 1, data track, POINT, PMIN/PSEC/PFRAME. */
static uint8_t *toc_raw_entry(uint8_t *q, uint8_t point, const uint8_t p[4])
{
	q[0] = 1;
	q[1] = 0x14;
	q[2] = 0;
	q[3] = point;
	q[4] = q[5] = q[6] = 0;
	memcpy(q + 7, p, 4);
	return q + 11;
}

static int toc_raw(uint8_t *b, uint32_t total, bool msf)
{
	uint8_t first[4] = { 0, 1, 0, 0 }, addr[4];
	uint8_t *q = b + 2;

	*q++ = 1;
	*q++ = 1;
	q = toc_raw_entry(q, 0xa0, first);   /* first track 1 */
	q = toc_raw_entry(q, 0xa1, first);   /* last track 1 */
	put_addr(addr, total, msf);
	q = toc_raw_entry(q, 0xa2, addr);    /* lead-out */
	put_addr(addr, 0, msf);
	q = toc_raw_entry(q, 0x01, addr);    /* track 1 */
	put_be16(b, q - b - 2);
	return q - b;
}

static void cmd_read_toc(struct ide_unit *s, uint8_t *b)
{
	uint16_t alloc = get_be16(s->cdb + 7);
	bool msf = s->cdb[1] & 2;
	int format = (s->cdb[2] & 0x0f) ? (s->cdb[2] & 0x0f) : s->cdb[9] >> 6;
	int len;

	switch (format) {
	case 0:
		len = toc_formatted(b, atapi_nb_blocks(s), msf, s->cdb[6]);
		break;
	case 1:
		memset(b, 0, 12);
		b[1] = 0x0a;
		b[2] = b[3] = 1;
		len = 12;
		break;
	case 2:
		len = toc_raw(b, atapi_nb_blocks(s), msf);
		break;
	default:
		len = -1;
		break;
	}
	if (len < 0)
		atapi_check(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB);
	else
		atapi_reply(s, len, alloc);
}

static void cmd_get_configuration(struct ide_unit *s, uint8_t *b)
{
	uint16_t alloc = get_be16(s->cdb + 7), cur = 0;
	static const uint16_t profiles[] = { PROFILE_DVD_ROM, PROFILE_CD_ROM };

	if (s->cdb[2] || s->cdb[3]) {   /* only feature 0 (profile list) */
		atapi_check(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB);
		return;
	}
	if (atapi_media_present(s))
		cur = s->nb_sectors * 512 > CD_MAX_BYTES ? PROFILE_DVD_ROM : PROFILE_CD_ROM;
	memset(b, 0, 20);
	put_be32(b, 16);
	put_be16(b + 6, cur);
	b[10] = 0x03;                   /* persistent, current */
	b[11] = 8;
	for (int i = 0; i < 2; i++) {
		put_be16(b + 12 + 4 * i, profiles[i]);
		b[14 + 4 * i] = profiles[i] == cur;
	}
	atapi_reply(s, 20, alloc);
}

static void cmd_gesn(struct ide_unit *s, uint8_t *b)
{
	uint16_t alloc = get_be16(s->cdb + 7);

	if (!(s->cdb[1] & 1)) {         /* only polled mode */
		atapi_check(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB);
		return;
	}
	memset(b, 0, 8);
	b[3] = 0x10;                    /* supports the media class */
	if (!(s->cdb[4] & 0x10)) {
		b[2] = 0x80;            /* no event available */
		atapi_reply(s, 4, alloc);
		return;
	}
	put_be16(b, 4);
	b[2] = 0x04;
	b[4] = s->media_event;
	b[5] = s->tray_open ? 1 : (s->blk ? 2 : 0);
	s->media_event = 0;
	atapi_reply(s, 8, alloc);
}

static const uint8_t page_error_recovery[] = { 0x01, 0x06, 0x00, 0x05, 0, 0, 0, 0 };
static const uint8_t page_audio[] = {
	0x0e, 0x0e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
static const uint8_t page_caps[] = {
	0x2a, 0x14, 0x3b, 0x00, 0x71, 0x60, 0x29, 0x00, 0x02, 0xc0, 0x00,
	0x02, 0x02, 0x00, 0x02, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void cmd_mode_sense(struct ide_unit *s, uint8_t *b)
{
	uint16_t alloc = get_be16(s->cdb + 7);
	int pc = s->cdb[2] >> 6, page = s->cdb[2] & 0x3f;
	const uint8_t *p;
	size_t len;

	if (pc == 3) {
		atapi_check(s, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED);
		return;
	}
	switch (pc == 0 ? page : -1) {
	case 0x01: p = page_error_recovery; len = sizeof(page_error_recovery); break;
	case 0x0e: p = page_audio; len = sizeof(page_audio); break;
	case 0x2a: p = page_caps; len = sizeof(page_caps); break;
	default:
		atapi_check(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB);
		return;
	}
	memset(b, 0, 8);
	put_be16(b, 8 + len - 2);
	b[2] = 0x70;
	memcpy(b + 8, p, len);
	if (page == 0x2a && s->tray_locked)
		b[8 + 6] |= 0x02;
	atapi_reply(s, 8 + len, alloc);
}

static void cmd_mechanism_status(struct ide_unit *s, uint8_t *b)
{
	memset(b, 0, 8);
	b[5] = 1;                       /* one slot */
	atapi_reply(s, 8, get_be16(s->cdb + 8));
}

static void cmd_read_disc_info(struct ide_unit *s, uint8_t *b)
{
	if (s->cdb[1] & 7) {
		atapi_check(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB);
		return;
	}
	memset(b, 0, 34);
	b[1] = 32;
	b[2] = 0x0e;                    /* complete session, finalized disc */
	b[3] = b[4] = b[5] = b[6] = 1;
	b[7] = 0x20;
	atapi_reply(s, 34, get_be16(s->cdb + 7));
}

static void cmd_read_dvd_structure(struct ide_unit *s, uint8_t *b)
{
	bool cd = s->nb_sectors * 512 <= CD_MAX_BYTES;

	atapi_check(s, SENSE_ILLEGAL_REQUEST,
		    cd && s->cdb[7] < 0xff ? ASC_INCOMPATIBLE_FORMAT : ASC_INV_FIELD_IN_CDB);
}

static void cmd_nop_ok(struct ide_unit *s, uint8_t *b)
{
	atapi_ok(s);
}

static const struct {
	void (*fn)(struct ide_unit *s, uint8_t *b);
	uint8_t flags;
} atapi_cmds[256] = {
	[0x00] = { cmd_nop_ok, CHECK_READY },            /* TEST UNIT READY */
	[0x03] = { cmd_request_sense, ALLOW_UA },
	[0x12] = { cmd_inquiry, ALLOW_UA },
	[0x1b] = { cmd_start_stop, 0 },
	[0x1e] = { cmd_prevent_allow, 0 },
	[0x25] = { cmd_read_capacity, CHECK_READY },
	[0x28] = { cmd_read, CHECK_READY },
	[0x2b] = { cmd_seek, CHECK_READY },
	[0x43] = { cmd_read_toc, CHECK_READY },
	[0x46] = { cmd_get_configuration, ALLOW_UA },
	[0x4a] = { cmd_gesn, ALLOW_UA },
	[0x51] = { cmd_read_disc_info, CHECK_READY },
	[0x5a] = { cmd_mode_sense, 0 },
	[0xa8] = { cmd_read, CHECK_READY },
	[0xad] = { cmd_read_dvd_structure, CHECK_READY },
	[0xbb] = { cmd_nop_ok, 0 },                      /* SET CD SPEED */
	[0xbd] = { cmd_mechanism_status, 0 },
	[0xbe] = { cmd_read_cd, CHECK_READY },
};

void atapi_packet_cmd(struct ide_unit *s)
{
	s->atapi_dma = s->feature & 1;
	s->byte_limit = s->lcyl | s->hcyl << 8;
	s->status = IDE_ST_DRDY | IDE_ST_DSC;
	s->nsector = (s->nsector & ~7) | IR_COD;
	ide_transfer_start(s, sizeof(s->cdb), IDE_END_PACKET);
}

void atapi_packet_received(struct ide_unit *s)
{
	uint8_t op = s->buf[0];
	uint8_t flags = atapi_cmds[op].flags;

	memcpy(s->cdb, s->buf, sizeof(s->cdb));
	if (s->sense_key == SENSE_UNIT_ATTENTION && !(flags & ALLOW_UA)) {
		atapi_check(s, s->sense_key, s->asc);
		return;
	}
	/* After a medium change: first "no medium", then unit attention. */
	if (!(flags & ALLOW_UA) && atapi_media_present(s) && s->cd_changed) {
		if (s->cd_changed == 1) {
			s->cd_changed = 2;
			atapi_check(s, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
		} else {
			s->cd_changed = 0;
			atapi_check(s, SENSE_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED);
		}
		return;
	}
	if ((flags & CHECK_READY) && !atapi_media_present(s)) {
		atapi_check(s, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
		return;
	}
	if (!atapi_cmds[op].fn) {
		guest_unimp("atapi: unsupported packet command 0x%02x", op);
		atapi_check(s, SENSE_ILLEGAL_REQUEST, ASC_ILLEGAL_OPCODE);
		return;
	}
	atapi_cmds[op].fn(s, s->buf);
}
