// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ATAPI CD/DVD-ROM on the secondary IDE channel through qtest:
 * signature and IDENTIFY PACKET, the packet protocol (interrupt reason,
 * byte-count limit per DRQ block), TEST UNIT READY, REQUEST SENSE, INQUIRY,
 * READ CAPACITY, READ(10)/(12)/CD, READ TOC formats 0/1/2, GET
 * CONFIGURATION (CD vs DVD profile by size), GET EVENT STATUS NOTIFICATION,
 * MODE SENSE(10), MECHANISM STATUS, tray lock and eject, an empty drive,
 * READ by bus-master DMA and IRQ 15.  Expected bytes are what QEMU 7.2
 * answers, and the whole file runs against QEMU with the same assertions
 * (only the vendor strings of INQUIRY/IDENTIFY are left unchecked).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/ide-helpers.h"

#define CD_BLOCKS 300
#define CD_BM (BM_BASE + 8)

struct reply {
	uint8_t status, error, ireason;
	size_t len;
	int nblocks;
	uint16_t block[64];
	uint8_t data[64 * 1024];
};

struct cd_env {
	char *dir;
	char *iso;
	struct qtest *q;
};

static void cd_start(struct cd_env *e, uint64_t size, const char *extra)
{
	g_autofree char *args = NULL;

	e->dir = ide_tmpdir();
	e->iso = size ? ide_make_image(e->dir, "cd.iso", size, CD_BLOCKS, 2048) : NULL;
	if (e->iso)
		args = g_strdup_printf("-nodefaults -drive file=%s,format=raw,media=cdrom,"
				       "if=ide,index=2%s", e->iso, extra ? extra : "");
	else
		args = g_strdup("-nodefaults -drive if=ide,index=2,media=cdrom");
	e->q = qtest_start(args);
}

static void cd_stop(struct cd_env *e)
{
	qtest_quit(e->q);
	g_free(e->iso);
	ide_rm_tree(e->dir);
}

/* Issue a PACKET command by PIO and collect the reply DRQ block by block. */
static void packet(struct qtest *q, const uint8_t *cdb, uint16_t limit, bool dma,
		   struct reply *r)
{
	uint8_t st;

	memset(r, 0, sizeof(*r));
	ide_taskfile(q, IDE1, 0xa0, dma ? 1 : 0, 0, (uint32_t)limit << 8);
	qtest_outb(q, IDE1 + REG_COMMAND, 0xa0);
	st = ide_wait(q, IDE1_CTL);
	g_assert_cmphex(st, ==, ST_DRDY | ST_DSC | ST_DRQ);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_NSECTOR) & 3, ==, 1);    /* CoD */
	for (int i = 0; i < 6; i++)
		qtest_outw(q, IDE1, cdb[2 * i] | cdb[2 * i + 1] << 8);
	if (dma)
		qtest_outb(q, CD_BM + BM_CMD, 0x09);
	for (;;) {
		size_t n;

		st = ide_wait(q, IDE1_CTL);
		if (!(st & ST_DRQ) || dma)
			break;
		g_assert_cmphex(qtest_inb(q, IDE1 + REG_NSECTOR) & 3, ==, 2); /* data in */
		n = qtest_inb(q, IDE1 + REG_LBA_MID) | qtest_inb(q, IDE1 + REG_LBA_HIGH) << 8;
		g_assert_cmpuint(n, >, 0);
		g_assert_cmpuint(r->len + n, <=, sizeof(r->data));
		ide_read_pio(q, IDE1, r->data + r->len, n);
		r->len += n;
		if (r->nblocks < 64)
			r->block[r->nblocks++] = n;
	}
	if (dma) {
		ide_bm_wait(q, CD_BM);
		st = ide_wait(q, IDE1_CTL);
		qtest_outb(q, CD_BM + BM_CMD, 0);
	}
	r->status = qtest_inb(q, IDE1_CTL);
	r->error = qtest_inb(q, IDE1 + REG_ERROR);
	r->ireason = qtest_inb(q, IDE1 + REG_NSECTOR) & 3;
}

static void cmd(struct qtest *q, struct reply *r, uint16_t limit, int n, ...)
{
	uint8_t cdb[12] = { 0 };
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		cdb[i] = va_arg(ap, int);
	va_end(ap);
	packet(q, cdb, limit, false, r);
}

static void assert_good(const struct reply *r)
{
	g_assert_cmphex(r->status, ==, ST_DRDY | ST_DSC);
	g_assert_cmphex(r->error, ==, 0);
	g_assert_cmphex(r->ireason, ==, 3);
}

static void assert_check(const struct reply *r, uint8_t key)
{
	g_assert_cmphex(r->status, ==, ST_DRDY | ST_ERR);
	g_assert_cmphex(r->error, ==, key << 4);
	g_assert_cmphex(r->ireason, ==, 3);
}

static void assert_sense(struct qtest *q, uint8_t key, uint8_t asc)
{
	struct reply r;

	cmd(q, &r, 18, 5, 0x03, 0, 0, 0, 18);
	assert_good(&r);
	g_assert_cmpuint(r.len, ==, 18);
	g_assert_cmphex(r.data[0], ==, 0xf0);
	g_assert_cmphex(r.data[2], ==, key);
	g_assert_cmphex(r.data[7], ==, 10);
	g_assert_cmphex(r.data[12], ==, asc);
}

static void assert_bytes(const struct reply *r, const char *hex)
{
	g_autofree char *got = g_malloc(r->len * 2 + 1);

	for (size_t i = 0; i < r->len; i++)
		sprintf(got + 2 * i, "%02x", r->data[i]);
	got[r->len * 2] = 0;
	g_assert_cmpstr(got, ==, hex);
}

static void test_signature(void)
{
	struct cd_env e;
	struct qtest *q;
	uint16_t w[256];

	cd_start(&e, CD_BLOCKS * 2048, NULL);
	q = e.q;
	qtest_outb(q, IDE1 + REG_DEVICE, 0xa0);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_LBA_MID), ==, 0x14);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_LBA_HIGH), ==, 0xeb);
	/* IDENTIFY DEVICE is refused and leaves the signature */
	qtest_outb(q, IDE1 + REG_LBA_MID, 0);
	qtest_outb(q, IDE1 + REG_COMMAND, 0xec);
	g_assert_cmphex(ide_wait(q, IDE1_CTL), ==, ST_DRDY | ST_ERR);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_ERROR), ==, ER_ABRT);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_LBA_MID), ==, 0x14);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_LBA_HIGH), ==, 0xeb);
	ide_identify(q, IDE1, IDE1_CTL, 0, 0xa1, w);
	g_assert_cmphex(w[0], ==, 0x85c0);      /* ATAPI, CD-ROM, removable, 12-byte CDB */
	g_assert_cmphex(w[49] & 0x0300, ==, 0x0300);
	g_assert_cmphex(w[80], ==, 0x1e);
	/* soft reset: signature again, BSY and DRDY clear */
	qtest_outb(q, IDE1_CTL, 0x0e);
	qtest_outb(q, IDE1_CTL, 0x0a);
	qtest_outb(q, IDE1 + REG_DEVICE, 0xa0);
	g_assert_cmphex(ide_wait(q, IDE1_CTL), ==, 0);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_LBA_MID), ==, 0x14);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_LBA_HIGH), ==, 0xeb);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_ERROR), ==, 1);
	/* the absent slave of channel 1 */
	qtest_outb(q, IDE1 + REG_DEVICE, 0xb0);
	g_assert_cmphex(qtest_inb(q, IDE1 + REG_STATUS), ==, 0);
	cd_stop(&e);
}

static void test_basic(void)
{
	struct cd_env e;
	struct reply r;
	struct qtest *q;

	cd_start(&e, CD_BLOCKS * 2048, NULL);
	q = e.q;
	qtest_irq_intercept_in(q, "ioapic");
	cmd(q, &r, 0, 1, 0x00);                         /* TEST UNIT READY, limit 0 */
	assert_good(&r);
	g_assert_true(qtest_get_irq(q, 15));
	qtest_inb(q, IDE1 + REG_STATUS);
	g_assert_false(qtest_get_irq(q, 15));
	assert_sense(q, 0, 0);
	cmd(q, &r, 0xfffe, 5, 0x12, 0, 0, 0, 36);       /* INQUIRY */
	assert_good(&r);
	g_assert_cmpuint(r.len, ==, 36);
	g_assert_cmphex(r.data[0], ==, 0x05);
	g_assert_cmphex(r.data[1], ==, 0x80);
	g_assert_cmphex(r.data[3], ==, 0x21);
	g_assert_cmphex(r.data[4], ==, 31);
	cmd(q, &r, 0xfffe, 5, 0x12, 0, 0, 0, 8);        /* allocation length */
	g_assert_cmpuint(r.len, ==, 8);
	cmd(q, &r, 0xfffe, 1, 0x25);                    /* READ CAPACITY */
	assert_good(&r);
	assert_bytes(&r, "0000012b00000800");
	cmd(q, &r, 0xfffe, 10, 0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8); /* MECHANISM STATUS */
	assert_bytes(&r, "0000000000010000");
	cmd(q, &r, 0xfffe, 9, 0x51, 0, 0, 0, 0, 0, 0, 0, 34);    /* READ DISC INFORMATION */
	assert_bytes(&r, "00200e01010101200000000000000000000000000000000000000000000000000000");
	cmd(q, &r, 0xfffe, 1, 0xff);                    /* unknown opcode */
	assert_check(&r, 5);
	assert_sense(q, 5, 0x20);
	cd_stop(&e);
}

static void check_blocks(const struct reply *r, uint32_t lba, uint32_t n)
{
	g_assert_cmpuint(r->len, ==, n * 2048);
	for (uint32_t b = 0; b < n; b++)
		for (int i = 0; i < 2048; i++)
			g_assert_cmphex(r->data[b * 2048 + i], ==, ide_pat(lba + b, i));
}

static void test_read(void)
{
	struct cd_env e;
	struct reply r;
	struct qtest *q;

	cd_start(&e, CD_BLOCKS * 2048, NULL);
	q = e.q;
	cmd(q, &r, 2048, 10, 0x28, 0, 0, 0, 0, 5, 0, 0, 1);      /* READ(10) */
	assert_good(&r);
	check_blocks(&r, 5, 1);
	cmd(q, &r, 2048, 10, 0x28, 0, 0, 0, 0, 17, 0, 0, 3);     /* 3 blocks, 2048 per DRQ */
	assert_good(&r);
	check_blocks(&r, 17, 3);
	g_assert_cmpint(r.nblocks, ==, 3);
	cmd(q, &r, 0xfffe, 10, 0xa8, 0, 0, 0, 0, 40, 0, 0, 0, 2); /* READ(12) */
	assert_good(&r);
	check_blocks(&r, 40, 2);
	cmd(q, &r, 2048, 10, 0xbe, 0, 0, 0, 0, 9, 0, 0, 1, 0x10); /* READ CD, user data */
	assert_good(&r);
	check_blocks(&r, 9, 1);
	cmd(q, &r, 2048, 10, 0x28, 0, 0, 0, 0, 9, 0, 0, 0);      /* zero blocks */
	assert_good(&r);
	g_assert_cmpuint(r.len, ==, 0);
	cmd(q, &r, 2048, 10, 0x28, 0, 0, 0, 0, 299, 0, 0, 1);    /* last block */
	check_blocks(&r, 299, 1);
	cmd(q, &r, 2048, 10, 0x28, 0, 0, 0, 1, 44, 0, 0, 1);     /* block 300: past the end */
	assert_check(&r, 5);
	assert_sense(q, 5, 0x21);
	cmd(q, &r, 2048, 10, 0x28, 0, 0, 0, 1, 43, 0, 0, 2);     /* straddles the end */
	assert_check(&r, 5);
	cmd(q, &r, 2048, 10, 0x28, 0, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff);
	assert_check(&r, 5);
	cd_stop(&e);
}

static void test_byte_limit(void)
{
	struct cd_env e;
	struct reply r;
	struct qtest *q;

	cd_start(&e, CD_BLOCKS * 2048, NULL);
	q = e.q;
	cmd(q, &r, 10, 5, 0x12, 0, 0, 0, 36);
	assert_good(&r);
	g_assert_cmpint(r.nblocks, ==, 4);
	g_assert_cmpuint(r.block[0], ==, 10);
	g_assert_cmpuint(r.block[3], ==, 6);
	cmd(q, &r, 11, 5, 0x12, 0, 0, 0, 36);           /* odd limits are rounded down */
	assert_good(&r);
	g_assert_cmpuint(r.block[0], ==, 10);
	g_assert_cmpuint(r.len, ==, 36);
	cmd(q, &r, 0xffff, 5, 0x12, 0, 0, 0, 36);
	g_assert_cmpint(r.nblocks, ==, 1);
	/* data to send but no byte count: the command is aborted */
	cmd(q, &r, 0, 5, 0x12, 0, 0, 0, 36);
	g_assert_cmphex(r.status, ==, ST_DRDY | ST_ERR);
	g_assert_cmphex(r.error, ==, ER_ABRT);
	cd_stop(&e);
}

static void test_toc(void)
{
	struct cd_env e;
	struct reply r;
	struct qtest *q;

	cd_start(&e, CD_BLOCKS * 2048, NULL);
	q = e.q;
	cmd(q, &r, 0xfffe, 9, 0x43, 0, 0, 0, 0, 0, 0, 0, 100);
	assert_good(&r);
	assert_bytes(&r, "0012010100140100000000000016aa000000012c");
	cmd(q, &r, 0xfffe, 9, 0x43, 2, 0, 0, 0, 0, 0, 0, 100);    /* MSF */
	assert_bytes(&r, "0012010100140100000002000016aa0000000600");
	cmd(q, &r, 0xfffe, 9, 0x43, 0, 0, 0, 0, 0, 0xaa, 0, 100); /* lead-out only */
	assert_bytes(&r, "000a01010016aa000000012c");
	cmd(q, &r, 0xfffe, 9, 0x43, 0, 0, 0, 0, 0, 2, 0, 100);    /* no track 2 */
	assert_check(&r, 5);
	cmd(q, &r, 0xfffe, 10, 0x43, 0, 0, 0, 0, 0, 0, 0, 100, 0x40); /* sessions */
	assert_good(&r);
	assert_bytes(&r, "000a01010000000000000000");
	cmd(q, &r, 0xfffe, 10, 0x43, 0, 0, 0, 0, 0, 0, 0, 100, 0x80); /* raw */
	assert_bytes(&r, "002e0101011400a000000000010000011400a10000000001000001"
		     "1400a20000000000012c0114000100000000000000");
	cmd(q, &r, 0xfffe, 9, 0x43, 0, 0, 0, 0, 0, 0, 0, 4);      /* allocation length */
	assert_bytes(&r, "00120101");
	cd_stop(&e);
}

static void get_config(struct qtest *q, struct reply *r)
{
	cmd(q, r, 0xfffe, 9, 0x46, 0, 0, 0, 0, 0, 0, 0, 64);
	assert_good(r);
}

static void test_get_configuration(void)
{
	struct cd_env e;
	struct reply r;

	cd_start(&e, CD_BLOCKS * 2048, NULL);
	get_config(e.q, &r);
	assert_bytes(&r, "0000001000000008000003080010000000080100");   /* CD-ROM */
	cmd(e.q, &r, 0xfffe, 9, 0x46, 0, 0, 1, 0, 0, 0, 0, 64);      /* feature 1 */
	assert_check(&r, 5);
	cd_stop(&e);

	cd_start(&e, 800ULL << 20, NULL);      /* more than 80 minutes: a DVD */
	get_config(e.q, &r);
	assert_bytes(&r, "0000001000000010000003080010010000080000");
	cd_stop(&e);
}

static void test_mode_sense(void)
{
	struct cd_env e;
	struct reply r;
	struct qtest *q;

	cd_start(&e, CD_BLOCKS * 2048, NULL);
	q = e.q;
	cmd(q, &r, 0xfffe, 9, 0x5a, 0, 0x01, 0, 0, 0, 0, 0, 64);
	assert_good(&r);
	assert_bytes(&r, "000e7000000000000106000500000000");
	cmd(q, &r, 0xfffe, 9, 0x5a, 0, 0x0e, 0, 0, 0, 0, 0, 64);
	/* audio control: only the header and the volume bytes are defined */
	g_assert_cmpuint(r.len, ==, 24);
	r.len = 10;
	assert_bytes(&r, "00167000000000000e0e");
	for (int i = 17; i < 24; i += 2)
		g_assert_cmphex(r.data[i], ==, 0);
	cmd(q, &r, 0xfffe, 9, 0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 64);
	assert_bytes(&r, "001c7000000000002a143b007160290002c00002020002c0000000000000");
	cmd(q, &r, 0xfffe, 9, 0x5a, 0, 0x3f, 0, 0, 0, 0, 0, 64);     /* all pages */
	assert_check(&r, 5);
	cmd(q, &r, 0xfffe, 9, 0x5a, 0, 0x6a, 0, 0, 0, 0, 0, 64);     /* changeable */
	assert_check(&r, 5);
	cmd(q, &r, 0xfffe, 9, 0x5a, 0, 0xea, 0, 0, 0, 0, 0, 64);     /* saved */
	assert_check(&r, 5);
	assert_sense(q, 5, 0x39);
	/* the capabilities page reports the tray lock */
	cmd(q, &r, 0, 5, 0x1e, 0, 0, 0, 1);
	assert_good(&r);
	cmd(q, &r, 0xfffe, 9, 0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 64);
	g_assert_cmphex(r.data[8 + 6], ==, 0x2b);
	cd_stop(&e);
}

static void gesn(struct qtest *q, const char *hex)
{
	struct reply r;

	cmd(q, &r, 0xfffe, 9, 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8);
	assert_good(&r);
	assert_bytes(&r, hex);
}

static void test_tray(void)
{
	struct cd_env e;
	struct reply r;
	struct qtest *q;

	cd_start(&e, CD_BLOCKS * 2048, NULL);
	q = e.q;
	gesn(q, "0004041000020000");                            /* medium present */
	cmd(q, &r, 0xfffe, 9, 0x4a, 0, 0, 0, 0x10, 0, 0, 0, 8); /* asynchronous: refused */
	assert_check(&r, 5);
	cmd(q, &r, 0xfffe, 9, 0x4a, 1, 0, 0, 0x02, 0, 0, 0, 8); /* no supported class */
	assert_bytes(&r, "00008010");
	/* PREVENT MEDIUM REMOVAL, then eject is refused */
	cmd(q, &r, 0, 5, 0x1e, 0, 0, 0, 1);
	assert_good(&r);
	cmd(q, &r, 0, 5, 0x1b, 0, 0, 0, 2);
	assert_check(&r, 2);
	assert_sense(q, 2, 0x53);
	cmd(q, &r, 0, 1, 0x00);
	assert_good(&r);
	/* ALLOW, eject: no medium until it is loaded again */
	cmd(q, &r, 0, 5, 0x1e, 0, 0, 0, 0);
	cmd(q, &r, 0, 5, 0x1b, 0, 0, 0, 2);
	assert_good(&r);
	cmd(q, &r, 0, 1, 0x00);
	assert_check(&r, 2);
	assert_sense(q, 2, 0x3a);
	gesn(q, "0004041000010000");                            /* tray open */
	cmd(q, &r, 2048, 10, 0x28, 0, 0, 0, 0, 5, 0, 0, 1);
	assert_check(&r, 2);
	cmd(q, &r, 0, 5, 0x1b, 0, 0, 0, 3);                     /* load */
	assert_good(&r);
	cmd(q, &r, 0, 1, 0x00);
	assert_good(&r);
	gesn(q, "0004041000020000");
	cmd(q, &r, 2048, 10, 0x28, 0, 0, 0, 0, 5, 0, 0, 1);
	check_blocks(&r, 5, 1);
	cd_stop(&e);
}

static void test_empty(void)
{
	struct cd_env e;
	struct reply r;
	struct qtest *q;
	uint16_t w[256];

	cd_start(&e, 0, NULL);
	q = e.q;
	ide_identify(q, IDE1, IDE1_CTL, 0, 0xa1, w);
	g_assert_cmphex(w[0], ==, 0x85c0);
	cmd(q, &r, 0, 1, 0x00);
	assert_check(&r, 2);
	assert_sense(q, 2, 0x3a);
	cmd(q, &r, 0xfffe, 1, 0x25);
	assert_check(&r, 2);
	get_config(q, &r);
	assert_bytes(&r, "0000001000000000000003080010000000080000");
	gesn(q, "0004041000000000");
	cmd(q, &r, 0, 5, 0x1b, 0, 0, 0, 2);
	assert_good(&r);
	cd_stop(&e);
}

static void test_dma(void)
{
	struct cd_env e;
	uint8_t cdb[12] = { 0x28, 0, 0, 0, 0, 12, 0, 0, 2 };
	uint8_t inq[12] = { 0x12, 0, 0, 0, 32 };
	uint8_t buf[4096];
	struct reply r;
	struct qtest *q;

	cd_start(&e, CD_BLOCKS * 2048, NULL);
	q = e.q;
	qtest_irq_intercept_in(q, "ioapic");
	ide_bm_enable(q);
	qtest_memset(q, BUF_ADDR, 0, sizeof(buf));
	ide_prd(q, 0, BUF_ADDR, 2048, false);
	ide_prd(q, 1, BUF_ADDR + 2048, 2048, true);
	qtest_outb(q, CD_BM + BM_STATUS, 0x06);
	qtest_outl(q, CD_BM + BM_PRD, PRD_ADDR);
	packet(q, cdb, 0, true, &r);
	assert_good(&r);
	g_assert_cmphex(qtest_inb(q, CD_BM + BM_STATUS) & 0x07, ==, 0x04);
	g_assert_true(qtest_get_irq(q, 15));
	qtest_memread(q, BUF_ADDR, buf, sizeof(buf));
	for (int b = 0; b < 2; b++)
		for (int i = 0; i < 2048; i++)
			g_assert_cmphex(buf[b * 2048 + i], ==, ide_pat(12 + b, i));

	/* a non-READ reply by DMA too */
	qtest_inb(q, IDE1 + REG_STATUS);
	ide_prd(q, 0, BUF_ADDR, 32, true);
	qtest_outb(q, CD_BM + BM_STATUS, 0x06);
	packet(q, inq, 0, true, &r);
	assert_good(&r);
	g_assert_cmphex(qtest_inb(q, CD_BM + BM_STATUS) & 0x07, ==, 0x04);
	g_assert_cmphex(qtest_readb(q, BUF_ADDR), ==, 0x05);
	g_assert_cmphex(qtest_readb(q, BUF_ADDR + 1), ==, 0x80);
	cd_stop(&e);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/atapi/signature", test_signature);
	g_test_add_func("/atapi/basic", test_basic);
	g_test_add_func("/atapi/read", test_read);
	g_test_add_func("/atapi/byte-limit", test_byte_limit);
	g_test_add_func("/atapi/toc", test_toc);
	g_test_add_func("/atapi/get-configuration", test_get_configuration);
	g_test_add_func("/atapi/mode-sense", test_mode_sense);
	g_test_add_func("/atapi/tray", test_tray);
	g_test_add_func("/atapi/empty", test_empty);
	g_test_add_func("/atapi/dma", test_dma);
	return g_test_run();
}
