// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fw_cfg as SeaBIOS sees it (docs/machine-contract.md section 2), checked the
 * same way against kvmpc and QEMU: signature and ID, the sorted file
 * directory, a few items QEMU's pc machine provides, and the DMA interface
 * including hostile descriptors.  Both VMMs run with -m 128 -smp 2.
 */
#include <string.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

#define ARGS "-nodefaults -m 128 -smp 2"
#define RAM_SIZE (128u << 20)

#define CTL_PORT 0x510
#define DATA_PORT 0x511
#define DMA_HI_PORT 0x514
#define DMA_LO_PORT 0x518

#define DMA_ERROR 0x01
#define DMA_READ 0x02
#define DMA_SKIP 0x04
#define DMA_SELECT 0x08
#define DMA_WRITE 0x10

#define DESC_ADDR 0x1000ull
#define BUF_ADDR 0x2000ull

static void fw_select(struct qtest *q, uint16_t key)
{
	qtest_outw(q, CTL_PORT, key);
}

static void fw_read(struct qtest *q, void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = qtest_inb(q, DATA_PORT);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint32_t fw_read_le32(struct qtest *q, uint16_t key)
{
	uint8_t b[4];

	fw_select(q, key);
	fw_read(q, b, 4);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/* The whole directory item, read through the data port. */
static uint8_t *fw_read_dir(struct qtest *q, size_t *len)
{
	uint8_t cnt[4];
	uint8_t *dir;

	fw_select(q, 0x19);
	fw_read(q, cnt, 4);
	*len = 4 + (size_t)be32(cnt) * 64;
	g_assert_cmpuint(be32(cnt), <, 1024);
	dir = g_malloc(*len);
	memcpy(dir, cnt, 4);
	fw_read(q, dir + 4, *len - 4);
	return dir;
}

static bool fw_find_file(struct qtest *q, const char *name, uint16_t *key, uint32_t *size)
{
	size_t len;
	g_autofree uint8_t *dir = fw_read_dir(q, &len);
	uint32_t n = be32(dir);

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = dir + 4 + i * 64;

		if (!strncmp((const char *)e + 8, name, 56)) {
			*size = be32(e);
			*key = e[4] << 8 | e[5];
			return true;
		}
	}
	return false;
}

/* Run one DMA descriptor at DESC_ADDR; returns the control word written back. */
static uint32_t fw_dma(struct qtest *q, uint32_t ctl, uint32_t len, uint64_t addr)
{
	uint8_t d[16];

	for (int i = 0; i < 4; i++) {
		d[i] = ctl >> (24 - 8 * i);
		d[4 + i] = len >> (24 - 8 * i);
	}
	for (int i = 0; i < 8; i++)
		d[8 + i] = addr >> (56 - 8 * i);
	qtest_memwrite(q, DESC_ADDR, d, sizeof(d));
	/* The register is big-endian: the guest writes the swapped address. */
	qtest_outl(q, DMA_LO_PORT, __builtin_bswap32((uint32_t)DESC_ADDR));
	return __builtin_bswap32(qtest_readl(q, DESC_ADDR));
}

static void test_signature(void)
{
	struct qtest *q = qtest_start(ARGS);
	char sig[5] = {0};

	fw_select(q, 0);
	fw_read(q, sig, 4);
	g_assert_cmpstr(sig, ==, "QEMU");
	/* past the end of an item: zeros */
	g_assert_cmpuint(qtest_inb(q, DATA_PORT), ==, 0);
	/* re-selecting restarts at offset 0 */
	fw_select(q, 0);
	g_assert_cmpuint(qtest_inb(q, DATA_PORT), ==, 'Q');
	/* bit 0: port interface, bit 1: DMA (QEMU's pc reports 3) */
	g_assert_cmpuint(fw_read_le32(q, 1), ==, 3);
	/* the DMA register reads as "QEMU CFG" in big-endian order */
	g_assert_cmpuint(qtest_inl(q, DMA_HI_PORT), ==, 0x554d4551);
	g_assert_cmpuint(qtest_inl(q, DMA_LO_PORT), ==, 0x47464320);
	/*
	 * Port widths as QEMU's "fwcfg" pair decodes them: 0x510 also reads
	 * as data; a word at 0x511 is a data byte plus an unassigned byte; a
	 * word write at 0x511 and byte writes do not select.
	 */
	fw_select(q, 0);
	g_assert_cmpuint(qtest_inb(q, CTL_PORT), ==, 'Q');
	g_assert_cmphex(qtest_inw(q, DATA_PORT), ==, 0xff00 | 'E');
	qtest_outw(q, DATA_PORT, 1);
	qtest_outb(q, CTL_PORT, 1);
	qtest_outb(q, DATA_PORT, 1);
	g_assert_cmpuint(qtest_inb(q, DATA_PORT), ==, 'M');
	g_assert_cmphex(qtest_inl(q, DMA_HI_PORT + 2), ==, 0x4320554d);
	g_assert_cmphex(qtest_inl(q, DMA_LO_PORT + 2), ==, 0xffff4746);
	/* an unknown key selects nothing */
	fw_select(q, 0x3fff);
	g_assert_cmpuint(qtest_inb(q, DATA_PORT), ==, 0);
	qtest_quit(q);
}

static void test_numeric_keys(void)
{
	struct qtest *q = qtest_start(ARGS);
	uint8_t b[2];

	fw_select(q, 0x05); /* nb_cpus, u16 */
	fw_read(q, b, 2);
	g_assert_cmpuint(b[0] | b[1] << 8, ==, 2);
	qtest_quit(q);
}

static void test_directory(void)
{
	struct qtest *q = qtest_start(ARGS);
	size_t len;
	g_autofree uint8_t *dir = fw_read_dir(q, &len);
	uint32_t n = be32(dir);

	g_assert_cmpuint(n, >, 0);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = dir + 4 + i * 64;
		const char *name = (const char *)e + 8;

		g_assert_nonnull(memchr(name, 0, 56));
		g_assert_cmpuint(strlen(name), >, 0);
		g_assert_cmpuint(e[4] << 8 | e[5], ==, 0x20 + i);
		g_assert_cmpuint(e[6] | e[7], ==, 0);
		if (i)
			g_assert_cmpint(strcmp((const char *)e - 56, name), <, 0);
	}
	/* the directory ends where its count says */
	g_assert_cmpuint(qtest_inb(q, DATA_PORT), ==, 0);
	qtest_quit(q);
}

static void test_boot_fail_wait(void)
{
	struct qtest *q = qtest_start(ARGS);
	uint16_t key;
	uint32_t size;

	g_assert_true(fw_find_file(q, "etc/boot-fail-wait", &key, &size));
	g_assert_cmpuint(size, ==, 4);
	g_assert_cmpuint(fw_read_le32(q, key), ==, 0xffffffff);
	g_assert_cmpuint(qtest_inb(q, DATA_PORT), ==, 0);
	qtest_quit(q);
}

static void test_e820(void)
{
	struct qtest *q = qtest_start(ARGS);
	uint16_t key;
	uint32_t size;
	uint64_t ram = 0;
	g_autofree uint8_t *buf = NULL;

	g_assert_true(fw_find_file(q, "etc/e820", &key, &size));
	g_assert_cmpuint(size, >, 0);
	g_assert_cmpuint(size % 20, ==, 0);
	buf = g_malloc(size);
	fw_select(q, key);
	fw_read(q, buf, size);
	for (uint32_t i = 0; i < size; i += 20) {
		uint64_t addr, len;
		uint32_t type;

		memcpy(&addr, buf + i, 8);
		memcpy(&len, buf + i + 8, 8);
		memcpy(&type, buf + i + 16, 4);
		g_assert_true(type == 1 || type == 2);
		if (type == 1)
			ram += len;
	}
	g_assert_cmpuint(ram, ==, RAM_SIZE);
	qtest_quit(q);
}

static void test_dma_read(void)
{
	struct qtest *q = qtest_start(ARGS);
	size_t len;
	g_autofree uint8_t *dir = fw_read_dir(q, &len);
	g_autofree uint8_t *got = g_malloc(len);

	qtest_memset(q, BUF_ADDR, 0xaa, len + 16);
	g_assert_cmphex(fw_dma(q, 0x19 << 16 | DMA_SELECT | DMA_READ, len, BUF_ADDR), ==, 0);
	qtest_memread(q, BUF_ADDR, got, len);
	g_assert_cmpmem(got, len, dir, len);
	/* nothing written past the requested length */
	g_assert_cmphex(qtest_readb(q, BUF_ADDR + len), ==, 0xaa);

	/* reading past the end of an item pads with zeros */
	uint16_t key;
	uint32_t size;
	uint8_t pad[8];
	static const uint8_t want[8] = {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};

	g_assert_true(fw_find_file(q, "etc/boot-fail-wait", &key, &size));
	qtest_memset(q, BUF_ADDR, 0xaa, 8);
	g_assert_cmphex(fw_dma(q, (uint32_t)key << 16 | DMA_SELECT | DMA_READ, 8, BUF_ADDR), ==, 0);
	qtest_memread(q, BUF_ADDR, pad, 8);
	g_assert_cmpmem(pad, 8, want, 8);
	qtest_quit(q);
}

static void test_dma_skip(void)
{
	struct qtest *q = qtest_start(ARGS);
	size_t len;
	g_autofree uint8_t *dir = fw_read_dir(q, &len);
	uint8_t got[8];

	g_assert_cmpuint(len, >=, 4 + 64);
	/* port select, DMA skip, DMA read, port read: one shared offset */
	fw_select(q, 0x19);
	g_assert_cmphex(fw_dma(q, DMA_SKIP, 12, 0), ==, 0);
	qtest_memset(q, BUF_ADDR, 0, 8);
	g_assert_cmphex(fw_dma(q, DMA_READ, 8, BUF_ADDR), ==, 0);
	qtest_memread(q, BUF_ADDR, got, 8);
	g_assert_cmpmem(got, 8, dir + 12, 8);
	g_assert_cmpuint(qtest_inb(q, DATA_PORT), ==, dir[20]);
	/* select + skip restarts the item */
	g_assert_cmphex(fw_dma(q, 0x19 << 16 | DMA_SELECT | DMA_SKIP, 4, 0), ==, 0);
	g_assert_cmpuint(qtest_inb(q, DATA_PORT), ==, dir[4]);
	/* no operation bit: nothing happens, success */
	g_assert_cmphex(fw_dma(q, 0, 100, BUF_ADDR), ==, 0);
	g_assert_cmpuint(qtest_inb(q, DATA_PORT), ==, dir[5]);
	qtest_quit(q);
}

static void test_dma_bad_addresses(void)
{
	struct qtest *q = qtest_start(ARGS);
	uint8_t sig[4];

	/* descriptor far outside RAM (4 GiB + 8 KiB): nothing happens */
	fw_select(q, 0);
	qtest_outl(q, DMA_HI_PORT, __builtin_bswap32(1));
	qtest_outl(q, DMA_LO_PORT, __builtin_bswap32(0x2000));
	g_assert_cmphex(qtest_readl(q, 0x100002000ull), ==, 0);
	fw_read(q, sig, 4);
	g_assert_cmpmem(sig, 4, "QEMU", 4);

	/* target outside RAM: the error bit, and the VMM still serves DMA */
	g_assert_cmphex(fw_dma(q, 0x19 << 16 | DMA_SELECT | DMA_READ, 16, 0x100000000ull), ==,
			DMA_ERROR);
	/* a target running off the end of RAM */
	g_assert_cmphex(fw_dma(q, 0x19 << 16 | DMA_SELECT | DMA_READ, 64, RAM_SIZE - 16), ==,
			DMA_ERROR);
	/* a length that wraps the address space */
	g_assert_cmphex(
	    fw_dma(q, 0x19 << 16 | DMA_SELECT | DMA_READ, 0xffffffff, 0xffffffffffff0000ull), ==,
	    DMA_ERROR);
	qtest_memset(q, BUF_ADDR, 0, 4);
	g_assert_cmphex(fw_dma(q, DMA_SELECT | DMA_READ, 4, BUF_ADDR), ==, 0);
	g_assert_cmphex(qtest_readl(q, BUF_ADDR), ==, 0x554d4551);
	qtest_quit(q);
}

static void test_dma_write_refused(void)
{
	struct qtest *q = qtest_start(ARGS);
	size_t len, len2;
	g_autofree uint8_t *dir = fw_read_dir(q, &len);
	g_autofree uint8_t *dir2 = NULL;

	qtest_memset(q, BUF_ADDR, 0x55, 8);
	/* read-only items refuse writes */
	g_assert_cmphex(fw_dma(q, 0x19 << 16 | DMA_SELECT | DMA_WRITE, 4, BUF_ADDR), ==, DMA_ERROR);
	g_assert_cmphex(fw_dma(q, 0x00 << 16 | DMA_SELECT | DMA_WRITE, 4, BUF_ADDR), ==, DMA_ERROR);
	/* so do keys that do not exist */
	g_assert_cmphex(fw_dma(q, 0x3fff << 16 | DMA_SELECT | DMA_WRITE, 4, BUF_ADDR), ==,
			DMA_ERROR);
	dir2 = fw_read_dir(q, &len2);
	g_assert_cmpmem(dir2, len2, dir, len);
	fw_select(q, 0);
	g_assert_cmpuint(qtest_inb(q, DATA_PORT), ==, 'Q');
	qtest_quit(q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fw_cfg/signature", test_signature);
	g_test_add_func("/fw_cfg/numeric-keys", test_numeric_keys);
	g_test_add_func("/fw_cfg/directory", test_directory);
	g_test_add_func("/fw_cfg/boot-fail-wait", test_boot_fail_wait);
	g_test_add_func("/fw_cfg/e820", test_e820);
	g_test_add_func("/fw_cfg/dma/read", test_dma_read);
	g_test_add_func("/fw_cfg/dma/skip", test_dma_skip);
	g_test_add_func("/fw_cfg/dma/bad-addresses", test_dma_bad_addresses);
	g_test_add_func("/fw_cfg/dma/write-refused", test_dma_write_refused);
	return g_test_run();
}
