// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QEMU's test devices through qtest, against kvmpc and QEMU alike:
 * pc-testdev (scratch register at 0xe0 and byte-wise at 0xe8, the flush
 * port, IRQ lines at 0x2000 + n, the 64 KiB window at 0xff000000) and
 * pci-testdev (IDs, BAR sizes, every test header, the write counters with
 * QEMU's ioeventfd semantics, membar).  Both must be listed by
 * "-device help" in QEMU's format.  IRQ lines 16-23 are left out: QEMU
 * aborts on them.
 */
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "tests/lib/libqtest.h"

#define TESTDEV_SLOT 4
#define TESTDEV_DEVFN (TESTDEV_SLOT << 3)
#define BAR0_ADDR 0xe0000000u
#define BAR1_PORT 0xc000

static const char *binary(void)
{
	const char *b = getenv("QTEST_BINARY");

	return b && *b ? b : "./kvmpc";
}

static void test_device_help(void)
{
	const char *argv[] = { binary(), "-device", "help", NULL };
	g_autofree char *out = NULL, *errout = NULL;
	int status;

	g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
				   &out, &errout, &status, NULL));
	g_assert_nonnull(strstr(out, "name \"pc-testdev\", bus ISA\n"));
	g_assert_nonnull(strstr(out, "name \"pci-testdev\", bus PCI, desc \"PCI Test Device\"\n"));
}

static void test_pc_scratch(void)
{
	struct qtest *q = qtest_start("-nodefaults -device pc-testdev");

	qtest_outl(q, 0xe0, 0x12345678);
	g_assert_cmphex(qtest_inl(q, 0xe0), ==, 0x12345678);
	g_assert_cmphex(qtest_inb(q, 0xe1), ==, 0x56);
	g_assert_cmphex(qtest_inw(q, 0xe2), ==, 0x1234);
	/* the byte-wise view of the same register */
	g_assert_cmphex(qtest_inb(q, 0xe8), ==, 0x78);
	g_assert_cmphex(qtest_inb(q, 0xeb), ==, 0x12);
	g_assert_cmphex(qtest_inl(q, 0xe8), ==, 0x12345678);
	qtest_outb(q, 0xe9, 0xaa);
	g_assert_cmphex(qtest_inl(q, 0xe0), ==, 0x1234aa78);
	qtest_outw(q, 0xe2, 0xbeef);
	g_assert_cmphex(qtest_inl(q, 0xe0), ==, 0xbeefaa78);
	/* a wide read at an odd offset takes the high bits only */
	g_assert_cmphex(qtest_inl(q, 0xe1), ==, 0x00beefaa);
	g_assert_cmphex(qtest_inw(q, 0xe3), ==, 0x00be);
	/* 0xec and up are unassigned */
	g_assert_cmphex(qtest_inl(q, 0xea), ==, 0xffffbeef);
	/* the flush port reads 0 and writes leave the register alone */
	g_assert_cmphex(qtest_inl(q, 0xe4), ==, 0);
	qtest_outl(q, 0xe4, 0x1000);
	qtest_outl(q, 0xe4, 0xfffff000);
	g_assert_cmphex(qtest_inl(q, 0xe0), ==, 0xbeefaa78);
	qtest_quit(q);
}

static void test_pc_irq(void)
{
	struct qtest *q = qtest_start("-nodefaults -device pc-testdev");

	qtest_irq_intercept_in(q, "ioapic");
	for (int n = 3; n < 16; n += 4) {
		g_assert_false(qtest_get_irq(q, n));
		qtest_outb(q, 0x2000 + n, 1);
		g_assert_true(qtest_get_irq(q, n));
		qtest_outb(q, 0x2000 + n, 0x80); /* any non-zero value raises */
		g_assert_true(qtest_get_irq(q, n));
		qtest_outb(q, 0x2000 + n, 0);
		g_assert_false(qtest_get_irq(q, n));
	}
	/* a 16-bit write is two byte writes: two lines */
	qtest_outw(q, 0x200a, 0x0101);
	g_assert_true(qtest_get_irq(q, 10));
	g_assert_true(qtest_get_irq(q, 11));
	g_assert_cmphex(qtest_inb(q, 0x200a), ==, 0);
	qtest_quit(q);
}

static void test_pc_iomem(void)
{
	struct qtest *q = qtest_start("-nodefaults -device pc-testdev");

	g_assert_cmphex(qtest_readl(q, 0xff000000), ==, 0);
	qtest_writel(q, 0xff000000, 0x11223344);
	g_assert_cmphex(qtest_readl(q, 0xff000000), ==, 0x11223344);
	g_assert_cmphex(qtest_readb(q, 0xff000001), ==, 0x33);
	g_assert_cmphex(qtest_readq(q, 0xff000000), ==, 0x11223344);
	qtest_writeq(q, 0xff000008, 0x1122334455667788ull);
	g_assert_cmphex(qtest_readq(q, 0xff000008), ==, 0x1122334455667788ull);
	qtest_writew(q, 0xff000011, 0xabcd);
	g_assert_cmphex(qtest_readl(q, 0xff000010), ==, 0x00abcd00);
	qtest_writel(q, 0xff00fffc, 0xcafef00d);
	g_assert_cmphex(qtest_readl(q, 0xff00fffc), ==, 0xcafef00d);
	qtest_quit(q);
}

/* ---- pci-testdev ------------------------------------------------------ */

static struct qtest *start_pci(const char *extra)
{
	g_autofree char *args = g_strdup_printf("-nodefaults -device pci-testdev,addr=%02x.0%s",
						TESTDEV_SLOT, extra ? extra : "");
	struct qtest *q = qtest_start(args);

	qtest_pci_writel(q, TESTDEV_DEVFN, 0x10, BAR0_ADDR);
	qtest_pci_writel(q, TESTDEV_DEVFN, 0x14, BAR1_PORT);
	qtest_pci_writew(q, TESTDEV_DEVFN, 0x04, 0x3);
	return q;
}

static void test_pci_config(void)
{
	struct qtest *q = qtest_start("-nodefaults -device pci-testdev,addr=04.0");

	g_assert_cmphex(qtest_pci_readl(q, TESTDEV_DEVFN, 0x00), ==, 0x00051b36);
	g_assert_cmphex(qtest_pci_readl(q, TESTDEV_DEVFN, 0x08), ==, 0x00ff0000);
	g_assert_cmphex(qtest_pci_readl(q, TESTDEV_DEVFN, 0x2c), ==, 0x11001af4);
	g_assert_cmphex(qtest_pci_readb(q, TESTDEV_DEVFN, 0x3d), ==, 0);
	qtest_pci_writel(q, TESTDEV_DEVFN, 0x10, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, TESTDEV_DEVFN, 0x10), ==, 0xfffff000);
	qtest_pci_writel(q, TESTDEV_DEVFN, 0x14, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, TESTDEV_DEVFN, 0x14), ==, 0xffffff01);
	qtest_pci_writel(q, TESTDEV_DEVFN, 0x18, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, TESTDEV_DEVFN, 0x18), ==, 0);
	qtest_quit(q);
}

static void test_pci_membar(void)
{
	struct qtest *q = qtest_start("-nodefaults -device pci-testdev,addr=04.0,membar=1M");

	g_assert_cmphex(qtest_pci_readl(q, TESTDEV_DEVFN, 0x18), ==, 0x0000000c);
	qtest_pci_writel(q, TESTDEV_DEVFN, 0x18, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, TESTDEV_DEVFN, 0x18), ==, 0xfff0000c);
	qtest_pci_writel(q, TESTDEV_DEVFN, 0x1c, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, TESTDEV_DEVFN, 0x1c), ==, 0xffffffff);
	qtest_quit(q);
}

static const char *const test_names[] = {
	"mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd",
	"portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd",
};

static uint8_t hdr_byte(struct qtest *q, bool portio, unsigned off)
{
	return portio ? qtest_inb(q, BAR1_PORT + off) : qtest_readb(q, BAR0_ADDR + off);
}

static void check_header(struct qtest *q, unsigned t, bool via_portio)
{
	const char *name = test_names[t];
	size_t len = strlen(name);

	g_assert_cmpuint(hdr_byte(q, via_portio, 0), ==, t);
	g_assert_cmpuint(hdr_byte(q, via_portio, 1), ==, 1);
	g_assert_cmpuint(hdr_byte(q, via_portio, 4) | hdr_byte(q, via_portio, 5) << 8, ==,
			 (t < 3 ? 2048 : 128) + t);
	g_assert_cmphex(hdr_byte(q, via_portio, 8), ==, t % 3 == 1 ? 0xce : 0xfa);
	for (size_t i = 0; i < len; i++)
		g_assert_cmpint(hdr_byte(q, via_portio, 16 + i), ==, name[i]);
	for (size_t i = len; i < len + 4; i++)
		g_assert_cmpuint(hdr_byte(q, via_portio, 16 + i), ==, 0);
}

static void test_pci_headers(void)
{
	struct qtest *q = start_pci(NULL);

	g_assert_cmphex(qtest_readl(q, BAR0_ADDR), ==, 0);
	g_assert_cmphex(qtest_inl(q, BAR1_PORT), ==, 0);
	for (unsigned t = 0; t < 6; t++) {
		if (t < 3)
			qtest_writeb(q, BAR0_ADDR, t);
		else
			qtest_outb(q, BAR1_PORT, t - 3);
		check_header(q, t, false);
		check_header(q, t, true);
	}
	/* 3 and up deselect */
	qtest_writeb(q, BAR0_ADDR, 3);
	g_assert_cmphex(qtest_readl(q, BAR0_ADDR + 4), ==, 0);
	qtest_quit(q);
}

static uint32_t count_of(struct qtest *q)
{
	return qtest_readl(q, BAR0_ADDR + 12);
}

/* Write pattern to test t's offset through its own BAR. */
static void poke(struct qtest *q, unsigned t, unsigned width, uint32_t v)
{
	unsigned off = (t < 3 ? 2048 : 128) + t;

	if (t < 3) {
		if (width == 1)
			qtest_writeb(q, BAR0_ADDR + off, v);
		else if (width == 2)
			qtest_writew(q, BAR0_ADDR + off, v);
		else
			qtest_writel(q, BAR0_ADDR + off, v);
	} else {
		if (width == 1)
			qtest_outb(q, BAR1_PORT + off, v);
		else if (width == 2)
			qtest_outw(q, BAR1_PORT + off, v);
		else
			qtest_outl(q, BAR1_PORT + off, v);
	}
}

static void select_test(struct qtest *q, unsigned t)
{
	if (t < 3)
		qtest_writeb(q, BAR0_ADDR, t);
	else
		qtest_outb(q, BAR1_PORT, t - 3);
}

static void test_pci_counts(void)
{
	struct qtest *q = start_pci(NULL);

	for (unsigned t = 0; t < 6; t++) {
		unsigned kind = t % 3;
		uint32_t expect;

		select_test(q, t);
		g_assert_cmpuint(count_of(q), ==, 0);
		for (int i = 0; i < 16; i++)
			poke(q, t, 1, 0xfa);
		/* no-eventfd counts them; the eventfd swallows matching bytes */
		expect = kind == 0 ? 16 : 0;
		g_assert_cmpuint(count_of(q), ==, expect);
		poke(q, t, 1, 0x55); /* wildcard: eventfd; datamatch: no match */
		g_assert_cmpuint(count_of(q), ==, expect);
		select_test(q, t);
		g_assert_cmpuint(count_of(q), ==, 0);
	}
	/* the odd offsets of test 1/4 split wider writes: the eventfd takes the first byte */
	select_test(q, 1);
	poke(q, 1, 2, 0x00fa);
	poke(q, 1, 4, 0xce);
	g_assert_cmpuint(count_of(q), ==, 0);
	/* test 2's offset 2050 is even: a 16-bit write misses the 1-byte eventfd and counts */
	select_test(q, 2);
	poke(q, 2, 2, 0x00fa);
	g_assert_cmpuint(count_of(q), ==, 1);
	poke(q, 2, 2, 0x00fb);
	g_assert_cmpuint(count_of(q), ==, 1);
	/* portio test offsets are reachable through BAR0 too, without eventfd */
	select_test(q, 3);
	qtest_writeb(q, BAR0_ADDR + 131, 0xfa);
	g_assert_cmpuint(count_of(q), ==, 1);
	select_test(q, 4);
	qtest_writeb(q, BAR0_ADDR + 132, 0x12);
	g_assert_cmpuint(count_of(q), ==, 1);
	qtest_quit(q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/testdev/device-help", test_device_help);
	g_test_add_func("/testdev/pc/scratch", test_pc_scratch);
	g_test_add_func("/testdev/pc/irq", test_pc_irq);
	g_test_add_func("/testdev/pc/iomem", test_pc_iomem);
	g_test_add_func("/testdev/pci/config", test_pci_config);
	g_test_add_func("/testdev/pci/membar", test_pci_membar);
	g_test_add_func("/testdev/pci/headers", test_pci_headers);
	g_test_add_func("/testdev/pci/counts", test_pci_counts);
	return g_test_run();
}
