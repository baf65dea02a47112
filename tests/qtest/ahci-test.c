// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * AHCI (-device ahci,id=ahci0 with ide-hd on ahci0.0 and ide-cd on ahci0.1)
 * through qtest: the PCI function and its capabilities, HBA and port
 * register values after reset, starting a port (the device's first D2H FIS
 * and signature), IDENTIFY through a command list (PIO setup FIS, PRDBC),
 * DMA reads and writes over split PRDTs compared with the image bytes on
 * the host, NCQ reads and writes (SDB FIS, PxSACT), ATAPI INQUIRY and
 * READ(10) by DMA and PIO, COMRESET, HBA reset, INTx through the PIIX3
 * router, and errors (past the end of the disk, a PRDT outside RAM).  Runs
 * against QEMU 7.2 with the same assertions; the seeded hostile storm runs
 * against kvmpc only (AHCI_SEED picks the seed).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/ide-helpers.h"
#include "tests/qtest/ahci-helpers.h"

#define DISK_SIZE (16 * 1024 * 1024)
#define DISK_SECTORS (DISK_SIZE / 512)
#define CD_SIZE (4 * 1024 * 1024)
#define NPAT 256

struct env {
	char *dir, *img, *iso;
	struct qtest *q;
};

static void env_start(struct env *e)
{
	g_autofree char *args = NULL;

	e->dir = ide_tmpdir();
	e->img = ide_make_image(e->dir, "disk.img", DISK_SIZE, NPAT, 512);
	e->iso = ide_make_image(e->dir, "cd.iso", CD_SIZE, 64, 2048);
	args = g_strdup_printf("-nodefaults -drive if=none,id=d0,file=%s,format=raw "
			       "-drive if=none,id=c0,file=%s,format=raw,media=cdrom "
			       "-device ahci,id=ahci0 -device ide-hd,drive=d0,bus=ahci0.0 "
			       "-device ide-cd,drive=c0,bus=ahci0.1", e->img, e->iso);
	e->q = qtest_start(args);
	ahci_pci_enable(e->q);
}

static void env_stop(struct env *e)
{
	qtest_quit(e->q);
	g_free(e->img);
	g_free(e->iso);
	ide_rm_tree(e->dir);
}

static void read_host(const char *path, uint64_t off, uint8_t *buf, size_t len)
{
	int fd = open(path, O_RDONLY);

	g_assert(fd >= 0);
	g_assert(pread(fd, buf, len, off) == (ssize_t)len);
	close(fd);
}

static uint32_t prdbc(struct qtest *q, int p, int slot)
{
	return qtest_readl(q, AHCI_CLB(p) + slot * 32 + 4);
}

static void test_pci(void)
{
	struct env e;

	env_start(&e);
	g_assert_cmphex(qtest_pci_readl(e.q, AHCI_DEVFN, 0x00), ==, 0x29228086);
	g_assert_cmphex(qtest_pci_readl(e.q, AHCI_DEVFN, 0x08), ==, 0x01060102);
	g_assert_cmphex(qtest_pci_readl(e.q, AHCI_DEVFN, 0x2c), ==, 0x11001af4);
	g_assert_cmphex(qtest_pci_readb(e.q, AHCI_DEVFN, 0x3d), ==, 1);
	g_assert_cmphex(qtest_pci_readw(e.q, AHCI_DEVFN, 0x06) & 0x10, ==, 0x10);
	/* Capabilities: MSI at 0x80 (64-bit, one vector), then SATA at 0xa8 */
	g_assert_cmphex(qtest_pci_readb(e.q, AHCI_DEVFN, 0x34), ==, 0x80);
	g_assert_cmphex(qtest_pci_readl(e.q, AHCI_DEVFN, 0x80), ==, 0x0080a805);
	g_assert_cmphex(qtest_pci_readl(e.q, AHCI_DEVFN, 0xa8), ==, 0x00100012);
	g_assert_cmphex(qtest_pci_readl(e.q, AHCI_DEVFN, 0xac), ==, 0x48);
	/* BAR4: 32 bytes of I/O; BAR5 (ABAR): 4 KiB of memory */
	qtest_pci_writel(e.q, AHCI_DEVFN, 0x24, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(e.q, AHCI_DEVFN, 0x24), ==, 0xfffff000);
	qtest_pci_writel(e.q, AHCI_DEVFN, 0x20, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(e.q, AHCI_DEVFN, 0x20), ==, 0xffffffe1);
	/* The index/data pair at BAR4+0x10 reaches the ABAR registers */
	qtest_pci_writel(e.q, AHCI_DEVFN, 0x20, 0xc000);
	qtest_pci_writew(e.q, AHCI_DEVFN, 0x04, 0x07);
	g_assert_cmphex(qtest_inl(e.q, 0xc014), ==, 0xc0141f05);
	qtest_outl(e.q, 0xc010, 0x0c);
	g_assert_cmphex(qtest_inl(e.q, 0xc014), ==, 0x3f);
	qtest_outl(e.q, 0xc010, 0x10ff);
	g_assert_cmphex(qtest_inl(e.q, 0xc010), ==, 0xfc);
	qtest_outl(e.q, 0xc010, PX(0, PX_CLB));
	qtest_outl(e.q, 0xc014, 0x12345678);
	g_assert_cmphex(qtest_inl(e.q, 0xc014), ==, 0x12345678); /* kept whole, as QEMU */
	g_assert_cmphex(qtest_inl(e.q, 0xc000), ==, 0);
	env_stop(&e);
}

static void test_reset_values(void)
{
	struct env e;

	env_start(&e);
	g_assert_cmphex(ahci_rd(e.q, HBA_CAP), ==, 0xc0141f05);
	g_assert_cmphex(ahci_rd(e.q, HBA_GHC), ==, GHC_AE);
	g_assert_cmphex(ahci_rd(e.q, HBA_IS), ==, 0);
	g_assert_cmphex(ahci_rd(e.q, HBA_PI), ==, 0x3f);
	g_assert_cmphex(ahci_rd(e.q, HBA_VS), ==, 0x10000);
	g_assert_cmphex(ahci_rd(e.q, HBA_CAP2), ==, 0);
	for (int p = 0; p < 6; p++) {
		g_assert_cmphex(ahci_rd(e.q, PX(p, PX_CMD)), ==, 0x6);
		g_assert_cmphex(ahci_rd(e.q, PX(p, PX_TFD)), ==, 0x7f);
		g_assert_cmphex(ahci_rd(e.q, PX(p, PX_SIG)), ==, 0xffffffff);
		g_assert_cmphex(ahci_rd(e.q, PX(p, PX_SSTS)), ==, p < 2 ? 0x113 : 0);
		g_assert_cmphex(ahci_rd(e.q, PX(p, PX_IS)), ==, 0);
		g_assert_cmphex(ahci_rd(e.q, PX(p, PX_CI)), ==, 0);
		g_assert_cmphex(ahci_rd(e.q, PX(p, PX_SACT)), ==, 0);
	}
	/* AE cannot be cleared */
	ahci_wr(e.q, HBA_GHC, 0);
	g_assert_cmphex(ahci_rd(e.q, HBA_GHC), ==, GHC_AE);
	env_stop(&e);
}

static void check_start(struct qtest *q, int p, uint32_t tfd, uint32_t sig)
{
	uint8_t f[20];

	ahci_port_start(q, p);
	g_assert_cmphex(ahci_rd(q, PX(p, PX_CMD)), ==, 0xc017);
	g_assert_cmphex(ahci_rd(q, PX(p, PX_TFD)), ==, tfd);
	g_assert_cmphex(ahci_rd(q, PX(p, PX_SIG)), ==, sig);
	g_assert_cmphex(ahci_rd(q, PX(p, PX_IS)) & IS_DHRS, ==, IS_DHRS);
	qtest_memread(q, AHCI_FB(p) + 0x40, f, sizeof(f));
	g_assert_cmphex(f[0], ==, 0x34);
	g_assert_cmphex(f[2], ==, tfd & 0xff);
	g_assert_cmphex(f[3], ==, tfd >> 8);
	g_assert_cmphex(f[4] | f[5] << 8 | f[6] << 16 | (uint32_t)f[12] << 24, ==,
			(sig >> 8 & 0xff) | (sig >> 16 & 0xff) << 8 | (sig >> 24) << 16 |
			(sig & 0xff) << 24);
}

static void test_port_start(void)
{
	struct env e;

	env_start(&e);
	check_start(e.q, 0, 0x130, 0x00000101);
	check_start(e.q, 1, 0x170, 0xeb140101);
	env_stop(&e);
}

static void test_identify(void)
{
	struct env e;
	struct ahci_cmd c = { 0 };
	uint8_t id[512], pio[20];

	env_start(&e);
	ahci_port_start(e.q, 0);
	ahci_wr(e.q, PX(0, PX_IS), 0xffffffff);
	ahci_fis_lba(&c, 0xec, 0, 0);
	qtest_memset(e.q, AHCI_BUF, 0xcc, 512);
	g_assert_cmphex(ahci_run(e.q, 0, &c, 512), ==, 0x50);
	g_assert_cmphex(ahci_rd(e.q, PX(0, PX_IS)), ==, IS_DHRS | IS_PSS);
	g_assert_cmpuint(prdbc(e.q, 0, 0), ==, 512);
	/* The D2H FIS: status, and the task file as the FIS left it */
	qtest_memread(e.q, AHCI_FB(0) + 0x40, pio, sizeof(pio));
	g_assert_cmphex(pio[0], ==, 0x34);
	g_assert_cmphex(pio[2], ==, 0x50);
	g_assert_cmphex(pio[7], ==, 0x40);
	qtest_memread(e.q, AHCI_FB(0) + 0x20, pio, sizeof(pio));
	g_assert_cmphex(pio[0], ==, 0x5f);
	g_assert_cmphex(pio[2], ==, 0x58);
	g_assert_cmphex(pio[15], ==, 0x58);
	g_assert_cmphex(pio[16] | pio[17] << 8, ==, 512);
	qtest_memread(e.q, AHCI_BUF, id, sizeof(id));
	g_assert_cmphex(id[0] | id[1] << 8, ==, 0x0040);
	g_assert_cmphex((id[83 * 2] | id[83 * 2 + 1] << 8) & (1 << 10), !=, 0);  /* LBA48 */
	g_assert_cmphex(id[75 * 2] & 0x1f, ==, 31);                            /* queue depth */
	g_assert_cmphex(id[76 * 2 + 1] & 1, ==, 1);                            /* NCQ */
	g_assert_cmpuint(id[100 * 2] | id[100 * 2 + 1] << 8 | id[101 * 2] << 16, ==, DISK_SECTORS);
	/* IDENTIFY PACKET DEVICE to the disk aborts */
	ahci_fis_lba(&c, 0xa1, 0, 0);
	g_assert_cmphex(ahci_run(e.q, 0, &c, 512) & 0x401, ==, 0x401);
	g_assert_cmphex(ahci_rd(e.q, PX(0, PX_IS)) & IS_TFES, ==, IS_TFES);
	env_stop(&e);
}

static void test_dma(void)
{
	struct env e;
	struct ahci_cmd c = { 0 };
	uint8_t buf[4096], host[4096];
	uint32_t tfd;

	env_start(&e);
	ahci_port_start(e.q, 0);
	/* READ DMA EXT of 8 sectors at 5 over two PRDs */
	ahci_fis_lba(&c, 0x25, 5, 8);
	c.nprd = 2;
	c.prd_addr[0] = AHCI_BUF;
	c.prd_len[0] = 1024;
	c.prd_addr[1] = AHCI_BUF + 0x10000;
	c.prd_len[1] = 3072;
	ahci_issue(e.q, 0, 3, &c);
	g_assert_cmphex(ahci_wait(e.q, 0, 1 << 3), ==, 0x50);
	g_assert_cmpuint(prdbc(e.q, 0, 3), ==, 4096);
	qtest_memread(e.q, AHCI_BUF, buf, 1024);
	qtest_memread(e.q, AHCI_BUF + 0x10000, buf + 1024, 3072);
	read_host(e.img, 5 * 512, host, sizeof(host));
	g_assert(!memcmp(buf, host, sizeof(buf)));
	/* WRITE DMA EXT of 4 sectors at 1000, then the bytes on the host */
	for (unsigned i = 0; i < 2048; i++)
		buf[i] = i * 7 + 3;
	qtest_memwrite(e.q, AHCI_BUF, buf, 2048);
	ahci_fis_lba(&c, 0x35, 1000, 4);
	c.write = true;
	g_assert_cmphex(ahci_run(e.q, 0, &c, 2048), ==, 0x50);
	read_host(e.img, 1000 * 512, host, 2048);
	g_assert(!memcmp(buf, host, 2048));
	/* READ DMA (LBA28) of the same sectors back */
	qtest_memset(e.q, AHCI_BUF, 0, 2048);
	ahci_fis_lba(&c, 0xc8, 1000, 4);
	c.fis[7] = 0xe0;
	g_assert_cmphex(ahci_run(e.q, 0, &c, 2048), ==, 0x50);
	qtest_memread(e.q, AHCI_BUF, host, 2048);
	g_assert(!memcmp(buf, host, 2048));
	/* Past the end: ERR (IDNF or ABRT: QEMU says ABRT) with TFES */
	ahci_wr(e.q, PX(0, PX_IS), 0xffffffff);
	ahci_fis_lba(&c, 0x25, DISK_SECTORS - 1, 2);
	tfd = ahci_run(e.q, 0, &c, 1024);
	g_assert_cmphex(tfd & 0x81, ==, 0x01);
	g_assert_cmphex((tfd >> 8) & (ER_ABRT | ER_IDNF), !=, 0);
	g_assert_cmphex(ahci_rd(e.q, PX(0, PX_IS)) & IS_TFES, ==, IS_TFES);
	env_stop(&e);
}

/*
 * Issue 17 item 1 through AHCI: a disk given without format= is probed as
 * raw, and a guest write that would make sector 0 probe as qcow2 (a header
 * naming a host file as backing) is refused with an error status; the host
 * sector stays as it was.  An ordinary sector 0 write still works.
 */
static void test_probe_guard(void)
{
	char *dir = ide_tmpdir(); /* ide_rm_tree frees it */
	g_autofree char *img = ide_make_image(dir, "probed.img", DISK_SIZE, NPAT, 512);
	g_autofree char *args = g_strdup_printf("-nodefaults -drive if=none,id=d0,file=%s "
						"-device ahci,id=ahci0 -device ide-hd,drive=d0,bus=ahci0.0",
						img);
	struct qtest *q = qtest_start(args);
	struct ahci_cmd c = { 0 };
	uint8_t hdr[512] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 }, before[512], after[512];
	static const char backing[] = "/etc/passwd";

	/* backing_file_offset 0x200... would point past the sector: keep it inside */
	hdr[15] = 0x80;
	hdr[19] = sizeof(backing) - 1;
	memcpy(hdr + 0x80, backing, sizeof(backing) - 1);
	read_host(img, 0, before, sizeof(before));
	ahci_pci_enable(q);
	ahci_port_start(q, 0);
	qtest_memwrite(q, AHCI_BUF, hdr, sizeof(hdr));
	ahci_fis_lba(&c, 0x35, 0, 1);
	c.write = true;
	g_assert_cmphex(ahci_run(q, 0, &c, 512) & 0x01, ==, 0x01); /* ERR */
	read_host(img, 0, after, sizeof(after));
	g_assert(!memcmp(before, after, sizeof(after)));
	/* a sector 0 that probes as nothing in particular is written */
	memset(hdr, 0x5a, sizeof(hdr));
	qtest_memwrite(q, AHCI_BUF, hdr, sizeof(hdr));
	ahci_fis_lba(&c, 0x35, 0, 1);
	g_assert_cmphex(ahci_run(q, 0, &c, 512), ==, 0x50);
	read_host(img, 0, after, sizeof(after));
	g_assert(!memcmp(hdr, after, sizeof(after)));
	qtest_quit(q);
	ide_rm_tree(dir);
}

static void ncq_issue(struct qtest *q, int tag, bool write, uint64_t lba, uint16_t n,
		      uint64_t addr)
{
	struct ahci_cmd c = { 0 };

	ahci_fis_lba(&c, write ? 0x61 : 0x60, lba, 0);
	c.fis[3] = n;
	c.fis[11] = n >> 8;
	c.fis[12] = tag << 3;
	c.write = write;
	c.nprd = 1;
	c.prd_addr[0] = addr;
	c.prd_len[0] = n * 512;
	ahci_wr(q, PX(0, PX_SACT), 1u << tag);
	ahci_issue(q, 0, tag, &c);
}

static void test_ncq(void)
{
	struct env e;
	uint8_t buf[8192], host[8192], sdb[8];

	env_start(&e);
	ahci_port_start(e.q, 0);
	ahci_wr(e.q, PX(0, PX_IS), 0xffffffff);
	for (int t = 0; t < 4; t++)
		ncq_issue(e.q, t, false, 10 + t * 20, 16, AHCI_BUF + t * 0x2000);
	ahci_wait_sact(e.q, 0, 0xf);
	ahci_wait(e.q, 0, 0xf);
	g_assert_cmphex(ahci_rd(e.q, PX(0, PX_IS)) & IS_SDBS, ==, IS_SDBS);
	g_assert_cmphex(ahci_rd(e.q, PX(0, PX_IS)) & IS_TFES, ==, 0);
	qtest_memread(e.q, AHCI_FB(0) + 0x58, sdb, sizeof(sdb));
	g_assert_cmphex(sdb[0], ==, 0xa1);
	for (int t = 0; t < 4; t++) {
		qtest_memread(e.q, AHCI_BUF + t * 0x2000, buf, 8192);
		read_host(e.img, (10 + t * 20) * 512, host, 8192);
		g_assert(!memcmp(buf, host, 8192));
	}
	/* NCQ write, tag 7 */
	for (unsigned i = 0; i < 4096; i++)
		buf[i] = i ^ 0xa5;
	qtest_memwrite(e.q, AHCI_BUF, buf, 4096);
	ncq_issue(e.q, 7, true, 3000, 8, AHCI_BUF);
	ahci_wait_sact(e.q, 0, 1 << 7);
	read_host(e.img, 3000 * 512, host, 4096);
	g_assert(!memcmp(buf, host, 4096));
	env_stop(&e);
}

static void atapi_cmd(struct ahci_cmd *c, bool dma, const uint8_t *cdb)
{
	memset(c, 0, sizeof(*c));
	c->fis[0] = 0x27;
	c->fis[1] = 0x80;
	c->fis[2] = 0xa0;
	c->fis[3] = dma;
	c->fis[5] = 0x00;
	c->fis[6] = 0x80; /* byte count limit 0x8000 */
	c->atapi = true;
	memcpy(c->acmd, cdb, 12);
}

static void test_atapi(void)
{
	static const uint8_t inquiry[12] = { 0x12, 0, 0, 0, 36 };
	static const uint8_t read10[12] = { 0x28, 0, 0, 0, 0, 3, 0, 0, 2 };
	static const uint8_t tur[12] = { 0 };
	struct env e;
	struct ahci_cmd c;
	uint8_t buf[4096], host[4096];

	env_start(&e);
	ahci_port_start(e.q, 1);
	/* A fresh medium may first report unit attention: clear it */
	atapi_cmd(&c, false, tur);
	ahci_run(e.q, 1, &c, 0);
	for (int dma = 0; dma < 2; dma++) {
		atapi_cmd(&c, dma, inquiry);
		qtest_memset(e.q, AHCI_BUF, 0xee, 64);
		g_assert_cmphex(ahci_run(e.q, 1, &c, 36) & 0x89, ==, 0);
		qtest_memread(e.q, AHCI_BUF, buf, 36);
		g_assert_cmphex(buf[0] & 0x1f, ==, 5);   /* CD-ROM */
		g_assert_cmphex(buf[1] & 0x80, ==, 0x80); /* removable */
		g_assert_cmpuint(prdbc(e.q, 1, 0), ==, 36);

		atapi_cmd(&c, dma, read10);
		qtest_memset(e.q, AHCI_BUF, 0, sizeof(buf));
		g_assert_cmphex(ahci_run(e.q, 1, &c, 4096) & 0x89, ==, 0);
		g_assert_cmpuint(prdbc(e.q, 1, 0), ==, 4096);
		qtest_memread(e.q, AHCI_BUF, buf, sizeof(buf));
		read_host(e.iso, 3 * 2048, host, sizeof(host));
		g_assert(!memcmp(buf, host, sizeof(buf)));
	}
	env_stop(&e);
}

static void test_comreset(void)
{
	struct env e;

	env_start(&e);
	ahci_port_start(e.q, 0);
	ahci_wr(e.q, PX(0, PX_CMD), ahci_rd(e.q, PX(0, PX_CMD)) & ~CMD_ST);
	ahci_wr(e.q, PX(0, PX_IS), 0xffffffff);
	ahci_wr(e.q, PX(0, PX_SCTL), 1);
	ahci_wr(e.q, PX(0, PX_SCTL), 0);
	/* The device answers again with its signature in a D2H FIS */
	g_assert_cmphex(ahci_rd(e.q, PX(0, PX_SIG)), ==, 0x101);
	g_assert_cmphex(ahci_rd(e.q, PX(0, PX_TFD)), ==, 0x130);
	g_assert_cmphex(ahci_rd(e.q, PX(0, PX_IS)) & IS_DHRS, ==, IS_DHRS);
	/* HBA reset: registers back to their reset values */
	ahci_wr(e.q, HBA_GHC, GHC_HR);
	g_assert_cmphex(ahci_rd(e.q, HBA_GHC), ==, GHC_AE);
	g_assert_cmphex(ahci_rd(e.q, PX(0, PX_CMD)), ==, 0x6);
	g_assert_cmphex(ahci_rd(e.q, PX(0, PX_TFD)), ==, 0x7f);
	g_assert_cmphex(ahci_rd(e.q, PX(0, PX_IS)), ==, 0);
	/* and the port works after it */
	check_start(e.q, 0, 0x130, 0x101);
	env_stop(&e);
}

static void test_intx(void)
{
	struct env e;
	struct ahci_cmd c = { 0 };
	const int irq = 10;

	env_start(&e);
	qtest_pci_writel(e.q, 0x08, 0x60, 0x0b0b0a0a); /* PIRQA-D -> 10,10,11,11; 00:02 INTA is PIRQB */
	qtest_irq_intercept_in(e.q, "ioapic");
	ahci_port_start(e.q, 0);
	ahci_wr(e.q, PX(0, PX_IS), 0xffffffff);
	ahci_wr(e.q, HBA_IS, 0xffffffff);
	ahci_wr(e.q, PX(0, PX_IE), IS_DHRS);
	g_assert(!qtest_get_irq(e.q, irq));
	ahci_wr(e.q, HBA_GHC, GHC_AE | GHC_IE);
	g_assert(!qtest_get_irq(e.q, irq));
	ahci_fis_lba(&c, 0x25, 0, 1);
	ahci_run(e.q, 0, &c, 512);
	g_assert(qtest_get_irq(e.q, irq));
	g_assert_cmphex(ahci_rd(e.q, HBA_IS), ==, 1);
	/* Clearing the port bit, then the HBA bit, lowers it */
	ahci_wr(e.q, PX(0, PX_IS), 0xffffffff);
	ahci_wr(e.q, HBA_IS, 1);
	g_assert(!qtest_get_irq(e.q, irq));
	/* GHC.IE gates it */
	ahci_wr(e.q, HBA_GHC, GHC_AE);
	ahci_run(e.q, 0, &c, 512);
	g_assert(!qtest_get_irq(e.q, irq));
	ahci_wr(e.q, HBA_GHC, GHC_AE | GHC_IE);
	g_assert(qtest_get_irq(e.q, irq));
	env_stop(&e);
}

static void test_bad_prdt(void)
{
	struct env e;
	struct ahci_cmd c = { 0 };
	uint32_t tfd;

	env_start(&e);
	ahci_port_start(e.q, 0);
	/* A PRD pointing far outside RAM: the command ends, the port lives */
	ahci_fis_lba(&c, 0x25, 0, 8);
	c.nprd = 1;
	c.prd_addr[0] = 0x7f0000000000ull;
	c.prd_len[0] = 4096;
	ahci_issue(e.q, 0, 0, &c);
	tfd = ahci_wait(e.q, 0, 1);
	g_assert_cmphex(tfd & 0x80, ==, 0);
	/* the next command works */
	ahci_fis_lba(&c, 0x25, 2, 1);
	g_assert_cmphex(ahci_run(e.q, 0, &c, 512), ==, 0x50);
	env_stop(&e);
}

/* ---- hostile storm (kvmpc only) ---- */

static void storm_round(struct qtest *q, GRand *r)
{
	static const uint32_t regs[] = { PX_CLB, PX_CLBU, PX_FB, PX_FBU, PX_IS, PX_IE, PX_CMD,
					 PX_SCTL, PX_SERR, PX_SACT, PX_CI };
	int p = g_rand_int_range(r, 0, 7), slot = g_rand_int_range(r, 0, 32);
	uint32_t v = g_rand_int(r);

	switch (g_rand_int_range(r, 0, 6)) {
	case 0: /* a random port register (port 6 is past the implemented ones) */
		ahci_wr(q, PX(p, regs[g_rand_int_range(r, 0, G_N_ELEMENTS(regs))]), v);
		break;
	case 1: /* a random command header */
		qtest_writel(q, AHCI_CLB(p % 6) + slot * 32, v);
		qtest_writel(q, AHCI_CLB(p % 6) + slot * 32 + 8,
			     g_rand_boolean(r) ? g_rand_int(r) : AHCI_CT(p % 6, slot));
		qtest_writel(q, AHCI_CLB(p % 6) + slot * 32 + 12,
			     g_rand_int_range(r, 0, 4) ? 0 : v);
		break;
	case 2: { /* a random FIS of a plausible command */
		static const uint8_t cmds[] = { 0x25, 0x35, 0xc8, 0xca, 0x60, 0x61, 0xa0, 0xec,
						0xa1, 0x20, 0x30, 0xe7, 0x08, 0xef };
		uint8_t fis[20];

		for (unsigned i = 0; i < sizeof(fis); i++)
			fis[i] = g_rand_int(r);
		fis[0] = g_rand_int_range(r, 0, 8) ? 0x27 : fis[0];
		fis[2] = cmds[g_rand_int_range(r, 0, sizeof(cmds))];
		qtest_memwrite(q, AHCI_CT(p % 6, slot), fis, sizeof(fis));
		break;
	}
	case 3: /* a random PRD */
		qtest_writel(q, AHCI_CT(p % 6, slot) + 0x80 + 16 * g_rand_int_range(r, 0, 4),
			     g_rand_boolean(r) ? v : AHCI_BUF + (v & 0xfffff));
		qtest_writel(q, AHCI_CT(p % 6, slot) + 0x8c + 16 * g_rand_int_range(r, 0, 4), v);
		break;
	case 4: /* issue */
		ahci_wr(q, PX(p, PX_CI), v);
		break;
	default: /* HBA registers */
		ahci_wr(q, g_rand_int_range(r, 0, 0x100) & ~3, g_rand_boolean(r) ? v & ~1u : v);
		break;
	}
}

static void test_storm(void)
{
	const char *s = getenv("AHCI_SEED");
	guint32 seed = s ? strtoul(s, NULL, 0) : 0x5a7a;
	struct env e;
	struct ahci_cmd c = { 0 };
	GRand *r = g_rand_new_with_seed(seed);

	env_start(&e);
	if (qtest_is_qemu(e.q)) {
		g_test_skip("the storm runs against kvmpc only");
		g_rand_free(r);
		env_stop(&e);
		return;
	}
	g_test_message("AHCI_SEED=0x%x", seed);
	for (int p = 0; p < 6; p++)
		ahci_port_start(e.q, p);
	for (int i = 0; i < 6000; i++)
		storm_round(e.q, r);
	/* Still alive and working after an HBA reset */
	ahci_wr(e.q, HBA_GHC, GHC_HR);
	ahci_port_start(e.q, 0);
	ahci_fis_lba(&c, 0x25, 7, 1);
	g_assert_cmphex(ahci_run(e.q, 0, &c, 512), ==, 0x50);
	g_rand_free(r);
	env_stop(&e);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ahci/pci", test_pci);
	g_test_add_func("/ahci/reset-values", test_reset_values);
	g_test_add_func("/ahci/port-start", test_port_start);
	g_test_add_func("/ahci/identify", test_identify);
	g_test_add_func("/ahci/dma", test_dma);
	g_test_add_func("/ahci/ncq", test_ncq);
	g_test_add_func("/ahci/probe-guard", test_probe_guard);
	g_test_add_func("/ahci/atapi", test_atapi);
	g_test_add_func("/ahci/comreset", test_comreset);
	g_test_add_func("/ahci/intx", test_intx);
	g_test_add_func("/ahci/bad-prdt", test_bad_prdt);
	g_test_add_func("/ahci/storm", test_storm);
	return g_test_run();
}
