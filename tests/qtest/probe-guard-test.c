// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The probed-raw write guard, driven through the IDE controller as a guest
 * would (PIO and bus-master DMA).  A disk given without format= is probed;
 * when it probes as raw, a write that would make sector 0 look like a
 * qcow2 image (whose backing file could name any host file) must fail and
 * leave the image untouched, while ordinary writes to sector 0 and the same
 * write with format=raw given succeed.  Runs against QEMU as the reference.
 */
#include "tests/qtest/ide-helpers.h"

struct guard_env {
	char *dir;
	char *img;
	struct qtest *q;
};

static void guard_start(struct guard_env *e, const char *fmt)
{
	g_autofree char *args = NULL;

	e->dir = ide_tmpdir();
	e->img = ide_make_image(e->dir, "disk.img", 1024 * 1024, 4, 512);
	args = g_strdup_printf("-nodefaults -drive file=%s,if=ide,index=0%s", e->img,
			       fmt ? fmt : "");
	e->q = qtest_start(args);
}

static void guard_stop(struct guard_env *e)
{
	qtest_quit(e->q);
	g_free(e->img);
	ide_rm_tree(e->dir);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

/* A qcow2 header whose backing file is /etc/passwd. */
static void qcow2_header(uint8_t *h)
{
	static const char backing[] = "/etc/passwd";

	memset(h, 0, 512);
	memcpy(h, "QFI\xfb", 4);
	put_be32(h + 4, 3);
	put_be32(h + 12, 0x100);                /* backing file offset (low half) */
	put_be32(h + 16, sizeof(backing) - 1);
	put_be32(h + 20, 16);
	put_be32(h + 28, 1 << 20);              /* size (low half) */
	put_be32(h + 100, 104);
	memcpy(h + 0x100, backing, sizeof(backing) - 1);
}

static void host_sector0(const char *path, uint8_t *buf)
{
	int fd = open(path, O_RDONLY);

	g_assert(fd >= 0);
	g_assert(pread(fd, buf, 512, 0) == 512);
	close(fd);
}

/* WRITE SECTORS (PIO) of one sector at LBA 0 and FLUSH CACHE; the write's status. */
static uint8_t pio_write0(struct qtest *q, const uint8_t *buf)
{
	uint8_t st;

	g_assert_cmphex(ide_cmd28(q, IDE0, IDE0_CTL, 0, 0x30, 1, 0) & ST_DRQ, ==, ST_DRQ);
	ide_write_pio(q, IDE0, buf, 512);
	st = ide_wait(q, IDE0_CTL);
	ide_cmd28(q, IDE0, IDE0_CTL, 0, 0xe7, 0, 0);
	return st;
}

/* WRITE DMA of one sector at LBA 0 and FLUSH CACHE; the write's ATA status. */
static uint8_t dma_write0(struct qtest *q, const uint8_t *buf)
{
	uint8_t st;

	ide_bm_enable(q);
	qtest_memwrite(q, BUF_ADDR, buf, 512);
	ide_prd(q, 0, BUF_ADDR, 512, true);
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	qtest_outl(q, BM_BASE + BM_PRD, PRD_ADDR);
	qtest_outb(q, BM_BASE + BM_STATUS, 0x06);
	ide_taskfile(q, IDE0, 0xe0, 0, 1, 0);
	qtest_outb(q, IDE0 + REG_COMMAND, 0xca);
	qtest_outb(q, BM_BASE + BM_CMD, 0x01);
	ide_bm_wait(q, BM_BASE);
	st = ide_wait(q, IDE0_CTL);
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	ide_cmd28(q, IDE0, IDE0_CTL, 0, 0xe7, 0, 0);
	return st;
}

static void test_pio_refused(void)
{
	struct guard_env e;
	uint8_t h[512], before[512], after[512], plain[512];

	guard_start(&e, NULL);
	host_sector0(e.img, before);
	qcow2_header(h);
	g_assert_cmphex(pio_write0(e.q, h) & ST_ERR, ==, ST_ERR);
	host_sector0(e.img, after);
	g_assert_cmpmem(after, 512, before, 512);
	/* An ordinary boot sector at LBA 0 is fine. */
	for (int i = 0; i < 512; i++)
		plain[i] = (uint8_t)(i * 13);
	plain[510] = 0x55, plain[511] = 0xaa;
	g_assert_cmphex(pio_write0(e.q, plain) & ST_ERR, ==, 0);
	host_sector0(e.img, after);
	g_assert_cmpmem(after, 512, plain, 512);
	guard_stop(&e);
}

static void test_dma_refused(void)
{
	struct guard_env e;
	uint8_t h[512], before[512], after[512];

	guard_start(&e, NULL);
	host_sector0(e.img, before);
	qcow2_header(h);
	g_assert_cmphex(dma_write0(e.q, h) & ST_ERR, ==, ST_ERR);
	host_sector0(e.img, after);
	g_assert_cmpmem(after, 512, before, 512);
	guard_stop(&e);
}

static void test_explicit_raw(void)
{
	struct guard_env e;
	uint8_t h[512], after[512];

	guard_start(&e, ",format=raw");
	qcow2_header(h);
	g_assert_cmphex(pio_write0(e.q, h) & ST_ERR, ==, 0);
	host_sector0(e.img, after);
	g_assert_cmpmem(after, 512, h, 512);
	guard_stop(&e);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/probe-guard/pio-refused", test_pio_refused);
	g_test_add_func("/probe-guard/dma-refused", test_dma_refused);
	g_test_add_func("/probe-guard/explicit-raw", test_explicit_raw);
	return g_test_run();
}
