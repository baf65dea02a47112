// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PIIX3 IDE with an ATA disk through qtest: the PCI function, register
 * values after reset and soft reset (SeaBIOS's probe, docs/machine-contract.md
 * §7.1), IDENTIFY, PIO reads and writes (LBA28, LBA48, CHS, MULTIPLE) checked
 * against the host image, bus-master DMA with PRD tables in guest RAM,
 * error paths (past the end, hostile PRDs), IRQ 14, snapshot=on, cache=none,
 * image locking and open errors.  Runs against QEMU with the same
 * assertions.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <glib.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/ide-helpers.h"

#define DISK_SIZE (16 * 1024 * 1024)
#define DISK_SECTORS (DISK_SIZE / 512)
#define NPAT 256

struct disk_env {
	char *dir;
	char *img;
	struct qtest *q;
};

static void env_start(struct disk_env *e, const char *drive_extra)
{
	g_autofree char *args = NULL;

	e->dir = ide_tmpdir();
	e->img = ide_make_image(e->dir, "disk.img", DISK_SIZE, NPAT, 512);
	args = g_strdup_printf("-nodefaults -drive file=%s,format=raw,if=ide,index=0%s",
			       e->img, drive_extra ? drive_extra : "");
	e->q = qtest_start(args);
}

static void env_stop(struct disk_env *e)
{
	qtest_quit(e->q);
	g_free(e->img);
	ide_rm_tree(e->dir);
}

static void check_pattern(const uint8_t *buf, uint64_t lba, unsigned nsec)
{
	for (unsigned s = 0; s < nsec; s++)
		for (unsigned i = 0; i < 512; i++)
			g_assert_cmphex(buf[s * 512 + i], ==, ide_pat(lba + s, i));
}

static void read_host(const char *path, uint64_t off, uint8_t *buf, size_t len)
{
	int fd = open(path, O_RDONLY);

	g_assert(fd >= 0);
	g_assert(pread(fd, buf, len, off) == (ssize_t)len);
	close(fd);
}

static void test_pci(void)
{
	struct disk_env e;

	env_start(&e, NULL);
	g_assert_cmphex(qtest_pci_readl(e.q, IDE_DEVFN, 0x00), ==, 0x70108086);
	g_assert_cmphex(qtest_pci_readl(e.q, IDE_DEVFN, 0x08) >> 8, ==, 0x010180);
	g_assert_cmphex(qtest_pci_readb(e.q, IDE_DEVFN, 0x0e) & 0x7f, ==, 0);
	/* BAR4: 16 bytes of I/O */
	g_assert_cmphex(qtest_pci_readl(e.q, IDE_DEVFN, 0x20), ==, 0x1);
	qtest_pci_writel(e.q, IDE_DEVFN, 0x20, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(e.q, IDE_DEVFN, 0x20) & 0xffff, ==, 0xfff1);
	/* BARs 0-3 unused in legacy mode */
	for (int off = 0x10; off < 0x20; off += 4)
		g_assert_cmphex(qtest_pci_readl(e.q, IDE_DEVFN, off), ==, 0);
	ide_bm_enable(e.q);
	g_assert_cmphex(qtest_pci_readw(e.q, IDE_DEVFN, 0x40), ==, 0x8000);
	g_assert_cmphex(qtest_inb(e.q, BM_BASE + BM_STATUS) & 0x07, ==, 0);
	qtest_outl(e.q, BM_BASE + BM_PRD, 0x12345677);
	g_assert_cmphex(qtest_inl(e.q, BM_BASE + BM_PRD), ==, 0x12345674);
	env_stop(&e);
}

static void test_reset_values(void)
{
	struct disk_env e;
	struct qtest *q;

	env_start(&e, NULL);
	q = e.q;
	qtest_outb(q, IDE0 + REG_DEVICE, 0xa0);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_NSECTOR), ==, 1);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_LBA_LOW), ==, 1);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_LBA_MID), ==, 0);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_LBA_HIGH), ==, 0);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_DEVICE), ==, 0xa0);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_STATUS), ==, ST_DRDY | ST_DSC);
	g_assert_cmphex(qtest_inb(q, IDE0_CTL), ==, ST_DRDY | ST_DSC);

	/* SeaBIOS's presence check: registers latch on both units... */
	qtest_outb(q, IDE0 + REG_DEVICE, 0xb0);
	qtest_outb(q, IDE0 + REG_NSECTOR, 0x55);
	qtest_outb(q, IDE0 + REG_LBA_LOW, 0xaa);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_NSECTOR), ==, 0x55);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_LBA_LOW), ==, 0xaa);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_DEVICE), ==, 0xb0);
	/* ...but the absent slave shows status 0 and never DRQ */
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_STATUS), ==, 0);
	g_assert_cmphex(qtest_inb(q, IDE0_CTL), ==, 0);
	qtest_outb(q, IDE0 + REG_COMMAND, 0xec);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_STATUS), ==, 0);

	/* soft reset: signature back, diagnostic code 1 */
	qtest_outb(q, IDE0_CTL, 0x0e);
	qtest_outb(q, IDE0_CTL, 0x0a);
	qtest_outb(q, IDE0 + REG_DEVICE, 0xa0);
	g_assert_cmphex(ide_wait(q, IDE0_CTL), ==, ST_DRDY | ST_DSC);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_ERROR), ==, 1);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_NSECTOR), ==, 1);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_LBA_LOW), ==, 1);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_LBA_MID), ==, 0);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_LBA_HIGH), ==, 0);

	/* channel 1 is empty: everything reads 0 */
	qtest_outb(q, IDE1 + REG_DEVICE, 0xa0);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_STATUS), ==, 0);
	env_stop(&e);
}

static void test_identify(void)
{
	struct disk_env e;
	uint16_t w[256];
	struct qtest *q;

	env_start(&e, NULL);
	q = e.q;
	qtest_irq_intercept_in(q, "ioapic");
	ide_identify(q, IDE0, IDE0_CTL, 0, 0xec, w);
	g_assert_cmphex(w[0], ==, 0x0040);
	g_assert_cmpuint(w[60] | (uint32_t)w[61] << 16, ==, DISK_SECTORS);
	g_assert_cmphex(w[49] & 0x0300, ==, 0x0300);           /* LBA, DMA */
	g_assert_cmphex(w[83] & 0xc400, ==, 0x4400);           /* LBA48 */
	g_assert_cmphex(w[86] & 0x0400, ==, 0x0400);
	g_assert_cmpuint(w[100] | (uint64_t)w[101] << 16 | (uint64_t)w[102] << 32 |
			 (uint64_t)w[103] << 48, ==, DISK_SECTORS);
	g_assert_cmpuint(w[1], ==, 32);                        /* CHS 32/16/63 */
	g_assert_cmpuint(w[3], ==, 16);
	g_assert_cmpuint(w[6], ==, 63);
	g_assert_cmphex(w[80] & 0x00f0, ==, 0x00f0);           /* ATA-4..7 */
	g_assert_cmphex(w[47] & 0xff, ==, 16);
	g_assert_cmphex(w[88] & 0x3f, ==, 0x3f);
	g_assert_cmphex(w[93] & 0xdf61, ==, 0x4001);

	/* IRQ 14 was raised for the data and is lowered by reading status */
	g_assert_true(qtest_get_irq(q, 14));
	qtest_inb(q, IDE0 + REG_STATUS);
	g_assert_false(qtest_get_irq(q, 14));

	/* The disk refuses IDENTIFY PACKET DEVICE (SeaBIOS asks it first) */
	qtest_outb(q, IDE0 + REG_DEVICE, 0xa0);
	qtest_outb(q, IDE0 + REG_COMMAND, 0xa1);
	g_assert_cmphex(ide_wait(q, IDE0_CTL), ==, ST_DRDY | ST_ERR);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_ERROR), ==, ER_ABRT);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_LBA_MID), ==, 0);

	/* nIEN: no interrupt for the next command */
	qtest_inb(q, IDE0 + REG_STATUS);
	qtest_outb(q, IDE0_CTL, 0x0a);
	ide_identify(q, IDE0, IDE0_CTL, 0, 0xec, w);
	g_assert_false(qtest_get_irq(q, 14));
	qtest_outb(q, IDE0_CTL, 0x08);
	env_stop(&e);
}

static void pio_read(struct qtest *q, uint8_t *buf, unsigned nsec)
{
	for (unsigned s = 0; s < nsec; s++) {
		uint8_t st = ide_wait(q, IDE0_CTL);

		g_assert_cmphex(st, ==, ST_DRDY | ST_DSC | ST_DRQ);
		ide_read_pio(q, IDE0, buf + s * 512, 512);
	}
	g_assert_cmphex(ide_wait(q, IDE0_CTL) & (ST_DRQ | ST_ERR | ST_BSY), ==, 0);
}

static void test_pio_read(void)
{
	struct disk_env e;
	uint8_t buf[8 * 512];
	struct qtest *q;

	env_start(&e, NULL);
	q = e.q;
	/* READ SECTORS, LBA28 */
	ide_cmd28(q, IDE0, IDE0_CTL, 0, 0x20, 3, 5);
	pio_read(q, buf, 3);
	check_pattern(buf, 5, 3);
	/* the LBA registers now name the sector after the last one */
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_LBA_LOW), ==, 8);

	/* READ SECTORS EXT */
	ide_cmd48(q, IDE0, IDE0_CTL, 0, 0x24, 2, 100);
	pio_read(q, buf, 2);
	check_pattern(buf, 100, 2);

	/* CHS: cylinder 0, head 1, sector 8 = LBA 63 + 7 */
	ide_taskfile(q, IDE0, 0xa1, 0, 1, 8);
	qtest_outb(q, IDE0 + REG_COMMAND, 0x20);
	pio_read(q, buf, 1);
	check_pattern(buf, 70, 1);

	/* SET MULTIPLE 4, READ MULTIPLE 8: two DRQ blocks of 4 sectors */
	g_assert_cmphex(ide_cmd28(q, IDE0, IDE0_CTL, 0, 0xc6, 4, 0), ==, ST_DRDY | ST_DSC);
	ide_cmd28(q, IDE0, IDE0_CTL, 0, 0xc4, 8, 40);
	for (int blk = 0; blk < 2; blk++) {
		g_assert_cmphex(ide_wait(q, IDE0_CTL), ==, ST_DRDY | ST_DSC | ST_DRQ);
		ide_read_pio(q, IDE0, buf + blk * 2048, 2048);
	}
	g_assert_cmphex(ide_wait(q, IDE0_CTL) & ST_DRQ, ==, 0);
	check_pattern(buf, 40, 8);
	/* an invalid multiple count is refused */
	g_assert_cmphex(ide_cmd28(q, IDE0, IDE0_CTL, 0, 0xc6, 3, 0), ==, ST_DRDY | ST_ERR);
	/* 32-bit data port reads */
	ide_cmd28(q, IDE0, IDE0_CTL, 0, 0x20, 1, 9);
	for (int i = 0; i < 128; i++) {
		uint32_t v = qtest_inl(q, IDE0);

		for (int b = 0; b < 4; b++)
			g_assert_cmphex((v >> (8 * b)) & 0xff, ==, ide_pat(9, i * 4 + b));
	}
	g_assert_cmphex(ide_wait(q, IDE0_CTL) & ST_DRQ, ==, 0);
	env_stop(&e);
}

static void fill(uint8_t *buf, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 3 + seed);
}

static void pio_write(struct qtest *q, const uint8_t *buf, unsigned nsec)
{
	for (unsigned s = 0; s < nsec; s++) {
		g_assert_cmphex(ide_wait(q, IDE0_CTL), ==, ST_DRDY | ST_DSC | ST_DRQ);
		ide_write_pio(q, IDE0, buf + s * 512, 512);
	}
	g_assert_cmphex(ide_wait(q, IDE0_CTL), ==, ST_DRDY | ST_DSC);
}

static void test_pio_write(void)
{
	struct disk_env e;
	uint8_t out[2 * 512], in[2 * 512], host[2 * 512];
	struct qtest *q;

	env_start(&e, NULL);
	q = e.q;
	qtest_irq_intercept_in(q, "ioapic");
	fill(out, sizeof(out), 1);
	ide_cmd28(q, IDE0, IDE0_CTL, 0, 0x30, 2, 10);
	pio_write(q, out, 2);
	g_assert_true(qtest_get_irq(q, 14));
	/* back through the device */
	ide_cmd28(q, IDE0, IDE0_CTL, 0, 0x20, 2, 10);
	pio_read(q, in, 2);
	g_assert_cmpmem(in, sizeof(in), out, sizeof(out));
	/* FLUSH CACHE, then the host file has it */
	g_assert_cmphex(ide_cmd28(q, IDE0, IDE0_CTL, 0, 0xe7, 0, 0), ==, ST_DRDY | ST_DSC);
	read_host(e.img, 10 * 512, host, sizeof(host));
	g_assert_cmpmem(host, sizeof(host), out, sizeof(out));
	/* WRITE SECTORS EXT + FLUSH CACHE EXT; neighbours untouched */
	fill(out, sizeof(out), 77);
	ide_cmd48(q, IDE0, IDE0_CTL, 0, 0x34, 1, 200);
	pio_write(q, out, 1);
	g_assert_cmphex(ide_cmd48(q, IDE0, IDE0_CTL, 0, 0xea, 0, 0), ==, ST_DRDY | ST_DSC);
	read_host(e.img, 199 * 512, host, sizeof(host));
	check_pattern(host, 199, 1);
	g_assert_cmpmem(host + 512, 512, out, 512);
	env_stop(&e);
}

static void test_errors(void)
{
	struct disk_env e;
	struct qtest *q;
	uint8_t st;

	env_start(&e, NULL);
	q = e.q;
	/* past the end, LBA28 and LBA48, read and write */
	st = ide_cmd28(q, IDE0, IDE0_CTL, 0, 0x20, 1, DISK_SECTORS);
	g_assert_cmphex(st & (ST_ERR | ST_DRQ), ==, ST_ERR);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_ERROR) & (ER_ABRT | ER_IDNF), !=, 0);
	st = ide_cmd48(q, IDE0, IDE0_CTL, 0, 0x24, 1, 1ULL << 40);
	g_assert_cmphex(st & (ST_ERR | ST_DRQ), ==, ST_ERR);
	st = ide_cmd28(q, IDE0, IDE0_CTL, 0, 0x30, 1, DISK_SECTORS + 5);
	if (st & ST_DRQ) {
		/* a device may take the data before it finds the address bad */
		uint8_t junk[512] = { 0 };

		ide_write_pio(q, IDE0, junk, sizeof(junk));
		st = ide_wait(q, IDE0_CTL);
	}
	g_assert_cmphex(st & (ST_ERR | ST_DRQ), ==, ST_ERR);
	/* NOP and PACKET are aborted on a disk */
	g_assert_cmphex(ide_cmd28(q, IDE0, IDE0_CTL, 0, 0x00, 0, 0), ==, ST_DRDY | ST_ERR);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_ERROR), ==, ER_ABRT);
	g_assert_cmphex(ide_cmd28(q, IDE0, IDE0_CTL, 0, 0xa0, 0, 0), ==, ST_DRDY | ST_ERR);
	/* a command is ignored while DRQ is up; reading on finishes it */
	ide_cmd28(q, IDE0, IDE0_CTL, 0, 0x20, 1, 3);
	qtest_outb(q, IDE0 + REG_COMMAND, 0xec);
	{
		uint8_t buf[512];

		pio_read(q, buf, 1);
		check_pattern(buf, 3, 1);
	}
	/* the disk still works */
	g_assert_cmphex(ide_cmd28(q, IDE0, IDE0_CTL, 0, 0xe5, 0, 0), ==, ST_DRDY | ST_DSC);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_NSECTOR), ==, 0xff);
	env_stop(&e);
}

static void dma_start(struct qtest *q, uint8_t cmd, uint8_t count, uint32_t lba, bool to_mem)
{
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	qtest_outb(q, BM_BASE + BM_STATUS, 0x06);
	qtest_outl(q, BM_BASE + BM_PRD, PRD_ADDR);
	ide_taskfile(q, IDE0, 0xe0 | ((lba >> 24) & 0xf), 0, count, lba);
	qtest_outb(q, IDE0 + REG_COMMAND, cmd);
	qtest_outb(q, BM_BASE + BM_CMD, 0x01 | (to_mem ? 0x08 : 0));
}

static void test_dma(void)
{
	struct disk_env e;
	uint8_t buf[1024], out[1024], host[1024];
	struct qtest *q;
	uint8_t bst;

	env_start(&e, NULL);
	q = e.q;
	qtest_irq_intercept_in(q, "ioapic");
	ide_bm_enable(q);
	/* READ DMA, two PRDs of one sector each */
	qtest_memset(q, BUF_ADDR, 0, 0x20000);
	ide_prd(q, 0, BUF_ADDR, 512, false);
	ide_prd(q, 1, BUF_ADDR + 0x10000, 512, true);
	dma_start(q, 0xc8, 2, 20, true);
	bst = ide_bm_wait(q, BM_BASE);
	g_assert_cmphex(bst & 0x07, ==, 0x04);  /* interrupt, not active, no error */
	g_assert_cmphex(ide_wait(q, IDE0_CTL), ==, ST_DRDY | ST_DSC);
	g_assert_true(qtest_get_irq(q, 14));
	qtest_memread(q, BUF_ADDR, buf, 512);
	qtest_memread(q, BUF_ADDR + 0x10000, buf + 512, 512);
	check_pattern(buf, 20, 2);
	qtest_inb(q, IDE0 + REG_STATUS);
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	/* interrupt bit is write-1-to-clear */
	qtest_outb(q, BM_BASE + BM_STATUS, 0x04);
	g_assert_cmphex(qtest_inb(q, BM_BASE + BM_STATUS) & 0x07, ==, 0);

	/* WRITE DMA EXT-less: one PRD of 1024 bytes */
	fill(out, sizeof(out), 9);
	qtest_memwrite(q, BUF_ADDR, out, sizeof(out));
	ide_prd(q, 0, BUF_ADDR, 1024, true);
	dma_start(q, 0xca, 2, 30, false);
	g_assert_cmphex(ide_bm_wait(q, BM_BASE) & 0x07, ==, 0x04);
	g_assert_cmphex(ide_wait(q, IDE0_CTL), ==, ST_DRDY | ST_DSC);
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	g_assert_cmphex(ide_cmd28(q, IDE0, IDE0_CTL, 0, 0xe7, 0, 0), ==, ST_DRDY | ST_DSC);
	read_host(e.img, 30 * 512, host, sizeof(host));
	g_assert_cmpmem(host, sizeof(host), out, sizeof(out));

	/* write cache off: the same write is still done and reported */
	ide_taskfile(q, IDE0, 0xe0, 0x82, 0, 0);
	qtest_outb(q, IDE0 + REG_COMMAND, 0xef);
	g_assert_cmphex(ide_wait(q, IDE0_CTL), ==, ST_DRDY | ST_DSC);
	fill(out, sizeof(out), 99);
	qtest_memwrite(q, BUF_ADDR, out, sizeof(out));
	ide_prd(q, 0, BUF_ADDR, 1024, true);
	dma_start(q, 0xca, 2, 60, false);
	g_assert_cmphex(ide_bm_wait(q, BM_BASE) & 0x07, ==, 0x04);
	g_assert_cmphex(ide_wait(q, IDE0_CTL), ==, ST_DRDY | ST_DSC);
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	read_host(e.img, 60 * 512, host, sizeof(host));
	g_assert_cmpmem(host, sizeof(host), out, sizeof(out));

	/* READ DMA EXT of 128 sectors with a 0-count (64 KiB) PRD */
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	qtest_outb(q, BM_BASE + BM_STATUS, 0x06);
	ide_prd(q, 0, BUF_ADDR, 0, true);
	qtest_outl(q, BM_BASE + BM_PRD, PRD_ADDR);
	ide_taskfile(q, IDE0, 0x40, 0, 0, 0);
	ide_taskfile(q, IDE0, 0x40, 0, 128, 0);
	qtest_outb(q, IDE0 + REG_COMMAND, 0x25);
	qtest_outb(q, BM_BASE + BM_CMD, 0x09);
	g_assert_cmphex(ide_bm_wait(q, BM_BASE) & 0x07, ==, 0x04);
	qtest_memread(q, BUF_ADDR, buf, 512);
	check_pattern(buf, 0, 1);
	qtest_memread(q, BUF_ADDR + 255 * 256, buf, 256);
	for (int i = 0; i < 256; i++)
		g_assert_cmphex(buf[i], ==, ide_pat(127, 256 + i));

	/* READ DMA past the end fails (before or after the engine starts) */
	qtest_inb(q, IDE0 + REG_STATUS);
	ide_prd(q, 0, BUF_ADDR, 512, true);
	dma_start(q, 0xc8, 1, DISK_SECTORS, true);
	ide_bm_wait(q, BM_BASE);
	g_assert_cmphex(ide_wait(q, IDE0_CTL) & (ST_ERR | ST_DRQ), ==, ST_ERR);
	g_assert_true(qtest_get_irq(q, 14));
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	env_stop(&e);
}

static void test_dma_prd_limits(void)
{
	struct disk_env e;
	struct qtest *q;
	uint16_t w[256];

	env_start(&e, NULL);
	q = e.q;
	qtest_irq_intercept_in(q, "ioapic");
	ide_bm_enable(q);
	/* PRDs larger than the transfer: done, interrupt, engine stays active */
	ide_prd(q, 0, BUF_ADDR, 4096, true);
	dma_start(q, 0xc8, 1, 0, true);
	g_assert_cmphex(ide_bm_wait(q, BM_BASE) & 0x07, ==, 0x05);
	g_assert_cmphex(ide_wait(q, IDE0_CTL), ==, ST_DRDY | ST_DSC);
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	qtest_inb(q, IDE0 + REG_STATUS);

	/* PRDs shorter than the transfer: engine stops, no interrupt */
	ide_prd(q, 0, BUF_ADDR, 256, true);
	dma_start(q, 0xc8, 1, 0, true);
	g_assert_cmphex(ide_bm_wait(q, BM_BASE) & 0x07, ==, 0x00);
	g_assert_false(qtest_get_irq(q, 14));
	qtest_outb(q, BM_BASE + BM_CMD, 0);

	/* the device still answers after a soft reset */
	qtest_outb(q, IDE0_CTL, 0x0e);
	qtest_outb(q, IDE0_CTL, 0x0a);
	ide_wait(q, IDE0_CTL);
	ide_identify(q, IDE0, IDE0_CTL, 0, 0xec, w);
	g_assert_cmphex(w[0], ==, 0x0040);
	env_stop(&e);
}

/* Hostile PRDs: must neither crash nor hang the VMM. */
static void test_dma_bad_prd(void)
{
	static const struct { uint32_t prd_table, addr; } cases[] = {
		{ PRD_ADDR, 0xfffff000 },       /* data in the BIOS ROM / beyond RAM */
		{ PRD_ADDR, 0xe0000000 },       /* data in the PCI hole */
		{ 0xfebff000, BUF_ADDR },       /* the table itself outside RAM */
	};
	struct disk_env e;
	struct qtest *q;
	uint16_t w[256];

	env_start(&e, NULL);
	q = e.q;
	ide_bm_enable(q);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		ide_prd(q, 0, cases[i].addr, 512, true);
		dma_start(q, 0xc8, 1, 0, true);
		qtest_outl(q, BM_BASE + BM_PRD, cases[i].prd_table);
		ide_bm_wait(q, BM_BASE);
		qtest_outb(q, BM_BASE + BM_CMD, 0);
		qtest_outb(q, IDE0_CTL, 0x0e);
		qtest_outb(q, IDE0_CTL, 0x0a);
		ide_wait(q, IDE0_CTL);
	}
	/* 8192 PRD entries of 2 bytes each, no EOT: the table runs out */
	for (int i = 0; i < 512; i++)
		ide_prd(q, i, BUF_ADDR, 2, false);
	dma_start(q, 0xc8, 255, 0, true);
	ide_bm_wait(q, BM_BASE);
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	qtest_outb(q, IDE0_CTL, 0x0e);
	qtest_outb(q, IDE0_CTL, 0x0a);
	ide_wait(q, IDE0_CTL);
	ide_identify(q, IDE0, IDE0_CTL, 0, 0xec, w);
	g_assert_cmphex(w[0], ==, 0x0040);
	env_stop(&e);
}

static void test_lba48_big(void)
{
	g_autofree char *args = NULL;
	char *dir = ide_tmpdir();
	char *img = ide_make_image(dir, "big.img", 200ULL << 30, 1, 512);
	uint64_t nsec = (200ULL << 30) / 512, lba = 0x12345678ULL;
	uint8_t out[512], in[512];
	struct qtest *q;
	uint16_t w[256];

	args = g_strdup_printf("-nodefaults -drive file=%s,format=raw,if=ide,index=0", img);
	q = qtest_start(args);
	ide_identify(q, IDE0, IDE0_CTL, 0, 0xec, w);
	g_assert_cmpuint(w[100] | (uint64_t)w[101] << 16 | (uint64_t)w[102] << 32 |
			 (uint64_t)w[103] << 48, ==, nsec);
	fill(out, sizeof(out), 5);
	ide_cmd48(q, IDE0, IDE0_CTL, 0, 0x34, 1, lba);
	pio_write(q, out, 1);
	ide_cmd48(q, IDE0, IDE0_CTL, 0, 0x24, 1, lba);
	pio_read(q, in, 1);
	g_assert_cmpmem(in, 512, out, 512);
	/* last sector readable, the one after is not */
	ide_cmd48(q, IDE0, IDE0_CTL, 0, 0x24, 1, nsec - 1);
	pio_read(q, in, 1);
	g_assert_cmphex(ide_cmd48(q, IDE0, IDE0_CTL, 0, 0x24, 1, nsec) & ST_ERR, ==, ST_ERR);
	qtest_quit(q);
	ide_rm_tree(dir);
	g_free(img);
}

static void test_snapshot(void)
{
	struct disk_env e;
	uint8_t out[512], in[512], host[512];

	env_start(&e, ",snapshot=on");
	fill(out, sizeof(out), 42);
	ide_cmd28(e.q, IDE0, IDE0_CTL, 0, 0x30, 1, 7);
	pio_write(e.q, out, 1);
	ide_cmd28(e.q, IDE0, IDE0_CTL, 0, 0x20, 1, 7);
	pio_read(e.q, in, 1);
	g_assert_cmpmem(in, 512, out, 512);
	ide_cmd28(e.q, IDE0, IDE0_CTL, 0, 0xe7, 0, 0);
	/* the image itself keeps its old contents */
	read_host(e.img, 7 * 512, host, sizeof(host));
	check_pattern(host, 7, 1);
	env_stop(&e);
}

static void test_cache_none(void)
{
	struct disk_env e;
	uint8_t out[1024], in[1024], host[1024];
	struct qtest *q;

	{
		/* tmpfs and some others refuse O_DIRECT: nothing to test there */
		char *dir = ide_tmpdir();
		g_autofree char *probe = ide_make_image(dir, "p.img", 4096, 0, 512);
		int fd = open(probe, O_RDWR | O_DIRECT);

		if (fd >= 0)
			close(fd);
		ide_rm_tree(dir);
		if (fd < 0) {
			g_test_skip("the temporary directory does not support O_DIRECT");
			return;
		}
	}
	env_start(&e, ",cache=none");
	q = e.q;
	ide_bm_enable(q);
	/* misaligned guest buffer for O_DIRECT */
	fill(out, sizeof(out), 3);
	qtest_memwrite(q, BUF_ADDR + 2, out, sizeof(out));
	ide_prd(q, 0, BUF_ADDR + 2, 1024, true);
	dma_start(q, 0xca, 2, 50, false);
	g_assert_cmphex(ide_bm_wait(q, BM_BASE) & 0x07, ==, 0x04);
	g_assert_cmphex(ide_wait(q, IDE0_CTL), ==, ST_DRDY | ST_DSC);
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	ide_cmd28(q, IDE0, IDE0_CTL, 0, 0x20, 2, 50);
	pio_read(q, in, 2);
	g_assert_cmpmem(in, sizeof(in), out, sizeof(out));
	read_host(e.img, 50 * 512, host, sizeof(host));
	g_assert_cmpmem(host, sizeof(host), out, sizeof(out));
	env_stop(&e);
}

/* Run BIN with args; returns the exit status and stderr. */
static int run_vmm(const char *bin, const char *drive, char **err_out)
{
	bool qemu = strstr(bin, "qemu") != NULL;
	/* timeout: a VMM that wrongly starts is killed and the test fails */
	/* kvmpc under -accel qtest, so the check needs no /dev/kvm */
	const char *argv[] = {
		"timeout", "20", bin, "-nodefaults", "-display", "none", "-drive", drive, "-S",
		qemu ? "-machine" : "-accel", qemu ? "pc" : "qtest",
		qemu ? NULL : "-qtest", "/dev/null", NULL,
	};
	int status = -1;
	GError *err = NULL;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
			  G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, err_out,
			  &status, &err))
		g_error("spawn %s: %s", bin, err->message);
	return status;
}

static const char *test_binary(void)
{
	const char *b = getenv("QTEST_BINARY");

	return b && *b ? b : "./kvmpc";
}

static void test_locking(void)
{
	struct disk_env e;
	g_autofree char *drive = NULL, *errs = NULL, *errs2 = NULL;
	g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
	int status;

	env_start(&e, NULL);
	drive = g_strdup_printf("file=%s,format=raw,if=ide,index=0", e.img);
	/* the same VMM a second time */
	status = run_vmm(test_binary(), drive, &errs);
	g_assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	g_assert_nonnull(strstr(errs, "Failed to get \"write\" lock"));
	g_assert_nonnull(strstr(errs, "Is another process using the image [" ));
	/* and the other VMM, when it is installed */
	if (qemu && !strstr(test_binary(), "qemu")) {
		status = run_vmm("qemu-system-x86_64", drive, &errs2);
		g_assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		g_assert_nonnull(strstr(errs2, "Failed to get \"write\" lock"));
	}
	env_stop(&e);
}

static void test_open_errors(void)
{
	g_autofree char *errs = NULL;
	int status;

	status = run_vmm(test_binary(), "file=/nonexistent/disk.img,format=raw,if=ide", &errs);
	g_assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	g_assert_nonnull(strstr(errs, "Could not open '/nonexistent/disk.img': "
				"No such file or directory"));
}

static void test_unknown_format(void)
{
	char *dir = ide_tmpdir();
	g_autofree char *img = ide_make_image(dir, "x.img", 1 << 20, 0, 512);
	g_autofree char *drive = NULL, *errs = NULL;
	int status;

	drive = g_strdup_printf("file=%s,format=nosuchformat,if=ide", img);
	status = run_vmm(test_binary(), drive, &errs);
	g_assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	g_assert_nonnull(strstr(errs, "nosuchformat"));
	ide_rm_tree(dir);
}

/* -drive if=none + -device ide-hd/ide-cd, QEMU's long form. */
static void test_device_opts(void)
{
	char *dir = ide_tmpdir();
	g_autofree char *img = ide_make_image(dir, "d.img", DISK_SIZE, NPAT, 512);
	g_autofree char *iso = ide_make_image(dir, "c.iso", 1 << 20, 0, 2048);
	g_autofree char *args = NULL;
	uint8_t buf[512];
	struct qtest *q;

	args = g_strdup_printf("-nodefaults -drive if=none,id=d0,file=%s,format=raw "
			       "-drive if=none,id=c0,file=%s,format=raw,media=cdrom "
			       "-device ide-cd,drive=c0,bus=ide.0,unit=1 "
			       "-device ide-hd,drive=d0,bus=ide.1,unit=0 "
			       "-device ide-cd,bus=ide.1,unit=1", img, iso);
	q = qtest_start(args);
	/* CD signatures on ide.0 unit 1 and on the empty ide.1 unit 1 */
	qtest_outb(q, IDE0 + REG_DEVICE, 0xb0);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_LBA_MID), ==, 0x14);
	g_assert_cmphex(qtest_inb(q, IDE0 + REG_LBA_HIGH), ==, 0xeb);
	qtest_outb(q, IDE1 + REG_DEVICE, 0xb0);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_LBA_HIGH), ==, 0xeb);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_STATUS), !=, 0);
	/* the disk answers on the secondary channel (its writes latch on both units) */
	g_assert_cmphex(ide_cmd28(q, IDE1, IDE1_CTL, 0, 0x20, 1, 4), ==,
			ST_DRDY | ST_DSC | ST_DRQ);
	ide_read_pio(q, IDE1, buf, sizeof(buf));
	check_pattern(buf, 4, 1);
	/* nothing on ide.0 unit 0: no IDENTIFY data from it */
	qtest_outb(q, IDE0 + REG_DEVICE, 0xa0);
	qtest_outb(q, IDE0 + REG_COMMAND, 0xec);
	g_assert_cmphex(ide_wait(q, IDE0_CTL) & ST_DRQ, ==, 0);
	qtest_quit(q);
	ide_rm_tree(dir);
}

/* Two devices on one IDE unit, or a drive used twice: refused at start-up. */
static void test_device_conflicts(void)
{
	char *dir = ide_tmpdir();
	g_autofree char *img = ide_make_image(dir, "d.img", DISK_SIZE, 0, 512);
	g_autofree char *hda = g_strdup_printf("file=%s,format=raw,if=ide,index=0", img);
	g_autofree char *none = g_strdup_printf("file=%s,format=raw,if=none,id=d0", img);
	const char *bin = test_binary();
	bool qemu = strstr(bin, "qemu") != NULL;
	const char *cases[][8] = {
		{ "-drive", hda, "-device", "ide-cd,bus=ide.0,unit=0" },
		{ "-drive", none, "-device", "ide-hd,drive=d0", "-device", "ide-hd,drive=d0" },
		{ "-device", "ide-hd,drive=nosuchdrive" },
		{ "-device", "ide-cd,bus=ide.7" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GPtrArray *argv = g_ptr_array_new();
		g_autofree char *errs = NULL;
		int status = -1;

		g_ptr_array_add(argv, "timeout");
		g_ptr_array_add(argv, "20");
		g_ptr_array_add(argv, (char *)bin);
		g_ptr_array_add(argv, "-nodefaults");
		g_ptr_array_add(argv, "-display");
		g_ptr_array_add(argv, "none");
		g_ptr_array_add(argv, "-S");
		if (qemu) {
			g_ptr_array_add(argv, "-machine");
			g_ptr_array_add(argv, "pc");
		}
		for (int k = 0; k < 8 && cases[i][k]; k++)
			g_ptr_array_add(argv, (char *)cases[i][k]);
		g_ptr_array_add(argv, NULL);
		g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL,
					   G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
					   NULL, NULL, NULL, &errs, &status, NULL));
		g_assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		g_assert_cmpuint(strlen(errs), >, 0);
		g_ptr_array_free(argv, TRUE);
	}
	ide_rm_tree(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ide/pci", test_pci);
	g_test_add_func("/ide/reset-values", test_reset_values);
	g_test_add_func("/ide/identify", test_identify);
	g_test_add_func("/ide/pio-read", test_pio_read);
	g_test_add_func("/ide/pio-write", test_pio_write);
	g_test_add_func("/ide/errors", test_errors);
	g_test_add_func("/ide/dma", test_dma);
	g_test_add_func("/ide/dma-prd-limits", test_dma_prd_limits);
	g_test_add_func("/ide/dma-bad-prd", test_dma_bad_prd);
	g_test_add_func("/ide/lba48-big", test_lba48_big);
	g_test_add_func("/ide/snapshot", test_snapshot);
	g_test_add_func("/ide/cache-none", test_cache_none);
	g_test_add_func("/ide/locking", test_locking);
	g_test_add_func("/ide/open-errors", test_open_errors);
	g_test_add_func("/ide/unknown-format", test_unknown_format);
	g_test_add_func("/ide/device-opts", test_device_opts);
	g_test_add_func("/ide/device-conflicts", test_device_conflicts);
	return g_test_run();
}
