// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IDE disk requests never hold up the CPU, and writes are durable when the
 * write cache is off.  Through qtest (the test plays the vCPU):
 *  - slow disk: with -drive throttling.bps-total a PIO READ SECTORS waits
 *    seconds for the disk; meanwhile the command's port write has returned,
 *    status shows BSY and other port reads (PCI configuration, the other
 *    channel) are answered; then DRQ comes with the right data;
 *  - write cache state: IDENTIFY words 82/85 under cache=writeback and
 *    cache=writethrough, switched by SET FEATURES 02h/82h;
 *  - durability: with the cache switched off, sectors written by DMA and by
 *    PIO to a qcow2 image survive kill -9 without FLUSH CACHE (qcow2 keeps
 *    its new L2 entries in memory until a flush, so a write-back write is
 *    lost); checked with qemu-img.
 * The same assertions run against QEMU.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/ide-helpers.h"

#define DISK_SIZE (4 * 1024 * 1024)
#define SLOW_BPS 4096              /* the 64 KiB read below leaves ~16 s of debt */

static bool have_qemu_img(void)
{
	g_autofree char *p = g_find_program_in_path("qemu-img");

	return p != NULL;
}

static struct qtest *start(const char *dir, const char *drive_opts, char **img)
{
	g_autofree char *args = NULL;

	*img = ide_make_image(dir, "disk.img", DISK_SIZE, 256, 512);
	args = g_strdup_printf("-nodefaults -drive file=%s,format=raw,if=ide,index=0%s", *img,
			       drive_opts);
	return qtest_start(args);
}

/* Bus-master DMA of nsec sectors (at most 128) at BUF_ADDR; waits for the end. */
static void dma_rw(struct qtest *q, bool write, uint32_t lba, unsigned nsec)
{
	ide_prd(q, 0, BUF_ADDR, nsec * 512 == 65536 ? 0 : nsec * 512, true);
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	qtest_outb(q, BM_BASE + BM_STATUS, 0x06);
	qtest_outl(q, BM_BASE + BM_PRD, PRD_ADDR);
	ide_taskfile(q, IDE0, 0xe0, 0, (uint8_t)nsec, lba);
	qtest_outb(q, IDE0 + REG_COMMAND, write ? 0xca : 0xc8);
	qtest_outb(q, BM_BASE + BM_CMD, 0x01 | (write ? 0 : 0x08));
	g_assert_cmphex(ide_bm_wait(q, BM_BASE) & 0x07, ==, 0x04);
	g_assert_cmphex(ide_wait(q, IDE0_CTL) & (ST_ERR | ST_DRQ), ==, 0);
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	qtest_inb(q, IDE0 + REG_STATUS);
}

static void test_slow_disk(void)
{
	g_autofree char *dir = ide_tmpdir(), *img = NULL;
	g_autofree char *opts = g_strdup_printf(",throttling.bps-total=%d", SLOW_BPS);
	struct qtest *q = start(dir, opts, &img);
	uint8_t buf[512];
	int answered = 0;

	ide_bm_enable(q);
	/* One big read goes through at once and leaves the bucket full. */
	dma_rw(q, false, 0, 128);
	ide_taskfile(q, IDE0, 0xe0, 0, 1, 3);
	qtest_outb(q, IDE0 + REG_COMMAND, 0x20);
	/* The port write returned while the disk is still busy. */
	g_assert_cmphex(qtest_inb(q, IDE0_CTL) & (ST_BSY | ST_DRQ), ==, ST_BSY);
	while (qtest_inb(q, IDE0_CTL) & ST_BSY) {
		g_assert_cmphex(qtest_pci_readl(q, IDE_DEVFN, 0), ==, 0x70108086);
		g_assert_cmphex(qtest_pci_readl(q, 0, 0), ==, 0x12378086);
		g_assert_cmphex(qtest_inb(q, IDE1 + REG_STATUS), ==, 0); /* empty channel */
		answered++;
		g_usleep(1000);
	}
	g_test_message("%d rounds of port reads answered while the read was outstanding",
		       answered);
	g_assert_cmpint(answered, >, 0);
	g_assert_cmphex(qtest_inb(q, IDE0_CTL), ==, ST_DRDY | ST_DSC | ST_DRQ);
	ide_read_pio(q, IDE0, buf, sizeof(buf));
	for (int i = 0; i < 512; i++)
		g_assert_cmphex(buf[i], ==, ide_pat(3, i));
	g_assert_cmphex(ide_wait(q, IDE0_CTL) & (ST_DRQ | ST_ERR), ==, 0);
	qtest_quit(q);
	ide_rm_tree(g_steal_pointer(&dir));
}

static void set_features(struct qtest *q, uint8_t feature)
{
	ide_taskfile(q, IDE0, 0xe0, feature, 0, 0);
	qtest_outb(q, IDE0 + REG_COMMAND, 0xef);
	g_assert_cmphex(ide_wait(q, IDE0_CTL) & ST_ERR, ==, 0);
}

static bool identify_wcache(struct qtest *q)
{
	uint16_t w[256];

	ide_identify(q, IDE0, IDE0_CTL, 0, 0xec, w);
	g_assert_cmphex(w[82] & (1 << 5), !=, 0);   /* write cache supported */
	return w[85] & (1 << 5);
}

static void test_wcache_identify(void)
{
	static const struct { const char *opts; bool on; } cases[] = {
		{ "", true },
		{ ",cache=writeback", true },
		{ ",cache=none", true },
		{ ",cache=writethrough", false },
		{ ",cache=directsync", false },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *dir = ide_tmpdir(), *img = NULL;
		struct qtest *q = start(dir, cases[i].opts, &img);

		g_test_message("drive options '%s'", cases[i].opts);
		g_assert_cmpint(identify_wcache(q), ==, cases[i].on);
		set_features(q, 0x82);
		g_assert_false(identify_wcache(q));
		set_features(q, 0x02);
		g_assert_true(identify_wcache(q));
		qtest_quit(q);
		ide_rm_tree(g_steal_pointer(&dir));
	}
}

static int sh(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static int sh(const char *fmt, ...)
{
	g_autofree char *cmd = NULL;
	char *argv[] = { "/bin/sh", "-c", NULL, NULL };
	va_list ap;
	int status;

	va_start(ap, fmt);
	cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	argv[2] = cmd;
	if (!g_spawn_sync(NULL, argv, NULL, 0, NULL, NULL, NULL, NULL, &status, NULL))
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void fill(uint8_t *buf, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 31 + seed + (i >> 9));
}

/* Write cache off: DMA and PIO writes are durable without FLUSH CACHE. */
static void test_wcache_off_durable(void)
{
	g_autofree char *dir = ide_tmpdir();
	g_autofree char *img = g_build_filename(dir, "disk.qcow2", NULL);
	g_autofree char *raw = g_build_filename(dir, "now.raw", NULL);
	g_autofree char *args = NULL, *got = NULL;
	uint8_t dma[8 * 512], pio[512];
	struct qtest *q;
	gsize len;

	if (!have_qemu_img()) {
		g_test_skip("qemu-img not installed (apt-get install qemu-utils)");
		ide_rm_tree(g_steal_pointer(&dir));
		return;
	}
	g_assert_cmpint(sh("qemu-img create -q -f qcow2 %s 4M", img), ==, 0);
	args = g_strdup_printf("-nodefaults -drive file=%s,format=qcow2,if=ide,index=0,"
			       "cache=writeback", img);
	q = qtest_start(args);
	ide_bm_enable(q);
	set_features(q, 0x82);
	fill(dma, sizeof(dma), 1);
	qtest_memwrite(q, BUF_ADDR, dma, sizeof(dma));
	dma_rw(q, true, 100, 8);
	fill(pio, sizeof(pio), 2);
	g_assert_cmphex(ide_cmd28(q, IDE0, IDE0_CTL, 0, 0x30, 1, 5000) & ST_DRQ, ==, ST_DRQ);
	ide_write_pio(q, IDE0, pio, sizeof(pio));
	g_assert_cmphex(ide_wait(q, IDE0_CTL) & (ST_ERR | ST_DRQ), ==, 0);
	/* Completed, never flushed: the process dies now. */
	kill(qtest_pid(q), SIGKILL);
	g_assert_cmpint(qtest_wait_exit(q), ==, -SIGKILL);
	g_assert_cmpint(sh("qemu-img convert -O raw %s %s", img, raw), ==, 0);
	g_assert_true(g_file_get_contents(raw, &got, &len, NULL));
	g_assert_cmpuint(len, ==, 4 * 1024 * 1024);
	g_assert_cmpmem(got + 100 * 512, sizeof(dma), dma, sizeof(dma));
	g_assert_cmpmem(got + 5000 * 512, sizeof(pio), pio, sizeof(pio));
	ide_rm_tree(g_steal_pointer(&dir));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ide-async/slow-disk", test_slow_disk);
	g_test_add_func("/ide-async/wcache-identify", test_wcache_identify);
	g_test_add_func("/ide-async/wcache-off-durable", test_wcache_off_durable);
	return g_test_run();
}
