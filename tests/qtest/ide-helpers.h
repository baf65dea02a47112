/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by ide-test.c and atapi-test.c: temporary images with a
 * known pattern, task-file commands, PIO data moves, bus-master set-up and
 * PRD tables in guest RAM.  Everything goes through libqtest, so the same
 * code drives kvmpc and QEMU.
 */
#ifndef TESTS_QTEST_IDE_HELPERS_H
#define TESTS_QTEST_IDE_HELPERS_H

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "tests/lib/libqtest.h"

#define IDE0 0x1f0
#define IDE0_CTL 0x3f6
#define IDE1 0x170
#define IDE1_CTL 0x376
#define IDE_DEVFN 0x09
#define BM_BASE 0xc000

#define REG_DATA 0
#define REG_ERROR 1
#define REG_FEATURE 1
#define REG_NSECTOR 2
#define REG_LBA_LOW 3
#define REG_LBA_MID 4
#define REG_LBA_HIGH 5
#define REG_DEVICE 6
#define REG_STATUS 7
#define REG_COMMAND 7

#define ST_BSY 0x80
#define ST_DRDY 0x40
#define ST_DSC 0x10
#define ST_DRQ 0x08
#define ST_ERR 0x01
#define ER_IDNF 0x10
#define ER_ABRT 0x04

#define BM_CMD 0
#define BM_STATUS 2
#define BM_PRD 4

/* Guest RAM used by the tests (below 640 KiB, well inside RAM) */
#define PRD_ADDR 0x10000
#define BUF_ADDR 0x20000

static inline uint8_t ide_pat(uint64_t lba, unsigned off)
{
	return (uint8_t)((lba * 13) ^ (off * 7) ^ (off >> 8) ^ 0x5a);
}

static inline char *ide_tmpdir(void)
{
	char *dir = g_dir_make_tmp("kvmpc-ide-XXXXXX", NULL);

	g_assert(dir);
	return dir;
}

/* size bytes, the first npat 512-byte sectors filled with ide_pat. */
static inline char *ide_make_image(const char *dir, const char *name, uint64_t size,
				   unsigned npat, unsigned sector)
{
	char *path = g_build_filename(dir, name, NULL);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	uint8_t *buf = g_malloc(sector);

	g_assert(fd >= 0);
	for (unsigned s = 0; s < npat; s++) {
		for (unsigned i = 0; i < sector; i++)
			buf[i] = ide_pat(s, i);
		g_assert(pwrite(fd, buf, sector, (off_t)s * sector) == (ssize_t)sector);
	}
	g_assert(ftruncate(fd, size) == 0);
	close(fd);
	g_free(buf);
	return path;
}

static inline void ide_rm_tree(char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;

	while (d && (n = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(dir, n, NULL);

		g_unlink(p);
	}
	if (d)
		g_dir_close(d);
	g_rmdir(dir);
	g_free(dir);
}

#define IDE_WAIT_US (120 * G_USEC_PER_SEC) /* generous: the machine may be loaded */

/* Poll alternate status until BSY clears (disk requests are asynchronous). */
static inline uint8_t ide_wait(struct qtest *q, uint16_t ctl)
{
	gint64 end = g_get_monotonic_time() + IDE_WAIT_US;
	uint8_t st;

	while ((st = qtest_inb(q, ctl)) & ST_BSY) {
		if (g_get_monotonic_time() > end)
			break;
		g_usleep(1000);
	}
	g_assert_cmphex(st & ST_BSY, ==, 0);
	return st;
}

static inline void ide_taskfile(struct qtest *q, uint16_t base, uint8_t dev, uint8_t feat,
				uint8_t count, uint32_t lba)
{
	qtest_outb(q, base + REG_DEVICE, dev);
	qtest_outb(q, base + REG_FEATURE, feat);
	qtest_outb(q, base + REG_NSECTOR, count);
	qtest_outb(q, base + REG_LBA_LOW, lba);
	qtest_outb(q, base + REG_LBA_MID, lba >> 8);
	qtest_outb(q, base + REG_LBA_HIGH, lba >> 16);
}

/* LBA28 command; returns the status once BSY is clear. */
static inline uint8_t ide_cmd28(struct qtest *q, uint16_t base, uint16_t ctl, int unit,
				uint8_t cmd, uint8_t count, uint32_t lba)
{
	ide_taskfile(q, base, 0xe0 | unit << 4 | ((lba >> 24) & 0x0f), 0, count, lba);
	qtest_outb(q, base + REG_COMMAND, cmd);
	return ide_wait(q, ctl);
}

/* LBA48 command: high bytes first, then low. */
static inline uint8_t ide_cmd48(struct qtest *q, uint16_t base, uint16_t ctl, int unit,
				uint8_t cmd, uint16_t count, uint64_t lba)
{
	ide_taskfile(q, base, 0x40 | unit << 4, 0, count >> 8, lba >> 24);
	ide_taskfile(q, base, 0x40 | unit << 4, 0, count, lba);
	qtest_outb(q, base + REG_COMMAND, cmd);
	return ide_wait(q, ctl);
}

static inline void ide_read_pio(struct qtest *q, uint16_t base, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i += 2) {
		uint16_t w = qtest_inw(q, base + REG_DATA);

		buf[i] = w;
		buf[i + 1] = w >> 8;
	}
}

static inline void ide_write_pio(struct qtest *q, uint16_t base, const uint8_t *buf,
				 size_t len)
{
	for (size_t i = 0; i < len; i += 2)
		qtest_outw(q, base + REG_DATA, buf[i] | buf[i + 1] << 8);
}

static inline void ide_identify(struct qtest *q, uint16_t base, uint16_t ctl, int unit,
				uint8_t cmd, uint16_t *w)
{
	uint8_t st;

	qtest_outb(q, base + REG_DEVICE, 0xa0 | unit << 4);
	qtest_outb(q, base + REG_COMMAND, cmd);
	st = ide_wait(q, ctl);
	g_assert_cmphex(st, ==, ST_DRDY | ST_DSC | ST_DRQ);
	for (int i = 0; i < 256; i++)
		w[i] = qtest_inw(q, base + REG_DATA);
	g_assert_cmphex(qtest_inb(q, ctl) & (ST_DRQ | ST_ERR), ==, 0);
}

/* BAR4 at BM_BASE, I/O decode and bus mastering on. */
static inline void ide_bm_enable(struct qtest *q)
{
	qtest_pci_writel(q, IDE_DEVFN, 0x20, BM_BASE);
	qtest_pci_writew(q, IDE_DEVFN, 0x04, 0x05);
	/* IDE decode enable, as SeaBIOS programs it */
	qtest_pci_writew(q, IDE_DEVFN, 0x40, 0x8000);
	qtest_pci_writew(q, IDE_DEVFN, 0x42, 0x8000);
}

static inline void ide_prd(struct qtest *q, int idx, uint32_t addr, uint32_t len, bool eot)
{
	qtest_writel(q, PRD_ADDR + 8 * idx, addr);
	qtest_writel(q, PRD_ADDR + 8 * idx + 4, (len & 0xffff) | (eot ? 0x80000000u : 0));
}

/* Wait until the BM engine reports an interrupt or goes inactive. */
static inline uint8_t ide_bm_wait(struct qtest *q, uint16_t bm)
{
	gint64 end = g_get_monotonic_time() + IDE_WAIT_US;
	uint8_t st;

	while (st = qtest_inb(q, bm + BM_STATUS), !(st & 0x04) && (st & 0x01)) {
		if (g_get_monotonic_time() > end)
			break;
		g_usleep(1000);
	}
	return st;
}

#endif
