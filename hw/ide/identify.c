// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IDENTIFY DEVICE and IDENTIFY PACKET DEVICE data (ATA/ATAPI-6 §8.15-8.16):
 * geometry and capacity (LBA28 words 60-61 capped at 0x0fffffff, LBA48
 * words 100-103), the features kvmpc implements (LBA48, FLUSH CACHE (EXT),
 * write cache, multiword DMA 0-2 and UDMA 0-5 with the mode SET FEATURES
 * selected, 16-sector READ/WRITE MULTIPLE), and ATA-4..7 / ATAPI-4 version
 * words as SeaBIOS prints them.  Strings are space-padded and byte-swapped
 * per word.  No SMART, security, HPA or TRIM words.
 */
#include <string.h>
#include "hw/ide/ide.h"

static void ide_put_str(uint16_t *w, const char *str, int words)
{
	char tmp[80];

	memset(tmp, ' ', sizeof(tmp));
	memcpy(tmp, str, MIN(strlen(str), (size_t)words * 2));
	for (int i = 0; i < words; i++)
		w[i] = (uint8_t)tmp[2 * i] << 8 | (uint8_t)tmp[2 * i + 1];
}

static void ide_put_words(struct ide_unit *s, const uint16_t *w)
{
	for (int i = 0; i < 256; i++) {
		s->buf[2 * i] = w[i];
		s->buf[2 * i + 1] = w[i] >> 8;
	}
}

/* Word 62/63/88 "selected" bits follow the last SET FEATURES transfer mode. */
static void ide_identify_modes(struct ide_unit *s, uint16_t *w)
{
	w[62] = 0x07;
	w[63] = 0x07;
	w[88] = 0x3f;
	if ((s->xfer_mode & 0xf8) == 0x10)
		w[62] |= 1 << (8 + (s->xfer_mode & 7));
	else if ((s->xfer_mode & 0xf8) == 0x20)
		w[63] |= 1 << (8 + (s->xfer_mode & 7));
	else if ((s->xfer_mode & 0xf8) == 0x40 && (s->xfer_mode & 7) < 6)
		w[88] |= 1 << (8 + (s->xfer_mode & 7));
}

void ide_identify_data(struct ide_unit *s)
{
	uint16_t w[256] = { 0 };
	uint64_t n = s->nb_sectors, chs = (uint32_t)s->lheads * s->lsecs * s->cyls;
	uint64_t lba28 = MIN(n, (uint64_t)0x0fffffff);

	w[0] = 0x0040;
	w[1] = s->cyls;
	w[3] = s->heads;
	w[6] = s->secs;
	ide_put_str(&w[10], s->serial, 10);
	ide_put_str(&w[23], "1.0", 4);
	ide_put_str(&w[27], s->model, 20);
	w[47] = 0x8000 | IDE_MAX_MULT;
	w[48] = 1;                       /* dword PIO */
	w[49] = 1 << 11 | 1 << 9 | 1 << 8; /* IORDY, LBA, DMA */
	w[51] = w[52] = 0x200;
	w[53] = 7;                       /* words 54-58, 64-70, 88 valid */
	w[54] = s->cyls;
	w[55] = s->lheads;
	w[56] = s->lsecs;
	chs = MIN(chs, (uint64_t)0xffffffff);
	w[57] = chs;
	w[58] = chs >> 16;
	if (s->mult_sectors)
		w[59] = 0x100 | s->mult_sectors;
	w[60] = lba28;
	w[61] = lba28 >> 16;
	ide_identify_modes(s, w);
	w[64] = 3;                       /* PIO 3 and 4 */
	w[65] = w[66] = w[67] = w[68] = 120;
	if (s->bus->ncq) {
		w[75] = 31;                  /* NCQ queue depth 32 (AHCI) */
		w[76] = 1 << 8;              /* NCQ supported */
	}
	w[80] = 0xf0;                    /* ATA-4 .. ATA-7 */
	w[81] = 0x16;
	w[82] = 1 << 14 | 1 << 5;        /* NOP, write cache */
	w[83] = 1 << 14 | 1 << 13 | 1 << 12 | 1 << 10; /* FLUSH EXT, FLUSH, LBA48 */
	w[84] = 1 << 14;
	w[85] = 1 << 14 | (s->wcache ? 1 << 5 : 0);
	w[86] = 1 << 13 | 1 << 12 | 1 << 10;
	w[87] = 1 << 14;
	w[93] = 1 | 1 << 14 | 0x2000;    /* reset result, 80-wire cable */
	w[100] = n;
	w[101] = n >> 16;
	w[102] = n >> 32;
	w[103] = n >> 48;
	ide_put_words(s, w);
}

void atapi_identify(struct ide_unit *s)
{
	uint16_t w[256] = { 0 };

	w[0] = 2 << 14 | 5 << 8 | 1 << 7 | 2 << 5; /* ATAPI CD-ROM, removable, 50us DRQ */
	ide_put_str(&w[10], s->serial, 10);
	ide_put_str(&w[23], "1.0", 4);
	ide_put_str(&w[27], s->model, 20);
	w[48] = 1;
	w[49] = 1 << 9 | 1 << 8;         /* LBA, DMA */
	w[53] = 7;
	ide_identify_modes(s, w);
	w[64] = 3;
	w[65] = w[66] = 0xb4;
	w[67] = 0x12c;
	w[68] = 0xb4;
	w[71] = w[72] = 30;
	w[80] = 0x1e;                    /* ATAPI-1 .. ATAPI-4 */
	ide_put_words(s, w);
}
