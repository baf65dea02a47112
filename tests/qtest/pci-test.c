// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI bus 0 of the i440FX board through qtest: enumeration of the chipset
 * functions (IDs, header types, classes, subsystem), the 0xcf8 latch and
 * sub-dword data accesses, PAM shadow control seen in memory, the PIIX3
 * PIRQ and ELCR registers, and a system reset through 0xcf9.  Runs against
 * QEMU too; where the two differ on purpose (kvmpc clears PAM on reset and
 * lets sub-dword 0xcf8 accesses float, as real hardware does) each side's
 * documented behaviour is asserted.  INTx routing through the PIRQ
 * registers needs a device with an interrupt pin: tests/unit/pci-test.c.
 */
#include <glib.h>

#include "tests/lib/libqtest.h"

#define DEVFN(slot, fn) (((slot) << 3) | (fn))
#define I440FX DEVFN(0, 0)
#define PIIX3 DEVFN(1, 0)
#define PIIX3_IDE DEVFN(1, 1)
#define PIIX4_PM DEVFN(1, 3)

static struct qtest *start(void)
{
	return qtest_start("-nodefaults");
}

/* Present functions of bus 0, probing 1-7 only behind a multifunction 0. */
static GArray *scan_bus(struct qtest *q)
{
	GArray *found = g_array_new(FALSE, FALSE, sizeof(int));

	for (int slot = 0; slot < 32; slot++) {
		int nfn = 1;

		for (int fn = 0; fn < nfn; fn++) {
			int devfn = DEVFN(slot, fn);

			if (qtest_pci_readw(q, devfn, 0x00) == 0xffff)
				continue;
			if (fn == 0 && (qtest_pci_readb(q, devfn, 0x0e) & 0x80))
				nfn = 8;
			g_array_append_val(found, devfn);
		}
	}
	return found;
}

static bool has_fn(GArray *a, int devfn)
{
	for (guint i = 0; i < a->len; i++)
		if (g_array_index(a, int, i) == devfn)
			return true;
	return false;
}

static void test_enumerate(void)
{
	struct qtest *q = start();
	g_autoptr(GArray) found = scan_bus(q);

	g_assert_true(has_fn(found, I440FX));
	g_assert_true(has_fn(found, PIIX3));
	g_assert_true(has_fn(found, PIIX4_PM));
	/* -nodefaults: nothing but the chipset (IDE only where modelled) */
	for (guint i = 0; i < found->len; i++) {
		int devfn = g_array_index(found, int, i);
		g_assert_true(devfn == I440FX || devfn == PIIX3 ||
			      devfn == PIIX3_IDE || devfn == PIIX4_PM);
	}
	if (qtest_is_qemu(q))
		g_assert_true(has_fn(found, PIIX3_IDE));
	if (has_fn(found, PIIX3_IDE)) {
		g_assert_cmphex(qtest_pci_readl(q, PIIX3_IDE, 0x00), ==, 0x70108086);
		g_assert_cmphex(qtest_pci_readl(q, PIIX3_IDE, 0x08) >> 8, ==, 0x010180);
	}
	qtest_quit(q);
}

static void test_identity(void)
{
	struct qtest *q = start();

	g_assert_cmphex(qtest_pci_readl(q, I440FX, 0x00), ==, 0x12378086);
	g_assert_cmphex(qtest_pci_readl(q, I440FX, 0x08), ==, 0x06000002);
	g_assert_cmphex(qtest_pci_readb(q, I440FX, 0x0e), ==, 0x00);
	g_assert_cmphex(qtest_pci_readl(q, I440FX, 0x2c), ==, 0x11001af4);
	g_assert_cmphex(qtest_pci_readb(q, I440FX, 0x72), ==, 0x02);

	g_assert_cmphex(qtest_pci_readl(q, PIIX3, 0x00), ==, 0x70008086);
	g_assert_cmphex(qtest_pci_readl(q, PIIX3, 0x04), ==, 0x02000000);
	g_assert_cmphex(qtest_pci_readl(q, PIIX3, 0x08), ==, 0x06010000);
	g_assert_cmphex(qtest_pci_readb(q, PIIX3, 0x0e), ==, 0x80);
	g_assert_cmphex(qtest_pci_readl(q, PIIX3, 0x2c), ==, 0x11001af4);

	g_assert_cmphex(qtest_pci_readl(q, PIIX4_PM, 0x00), ==, 0x71138086);
	g_assert_cmphex(qtest_pci_readl(q, PIIX4_PM, 0x04), ==, 0x02800000);
	g_assert_cmphex(qtest_pci_readl(q, PIIX4_PM, 0x08), ==, 0x06800003);
	g_assert_cmphex(qtest_pci_readb(q, PIIX4_PM, 0x0e), ==, 0x00);
	g_assert_cmphex(qtest_pci_readb(q, PIIX4_PM, 0x3d), ==, 0x01);
	g_assert_cmphex(qtest_pci_readl(q, PIIX4_PM, 0x2c), ==, 0x11001af4);

	/* absent: another function of slot 0, an empty slot, bus 1 */
	g_assert_cmphex(qtest_pci_readl(q, DEVFN(0, 1), 0x00), ==, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, DEVFN(31, 0), 0x00), ==, 0xffffffff);
	g_assert_cmphex(qtest_pci_readb(q, DEVFN(31, 0), 0x0e), ==, 0xff);
	qtest_outl(q, 0xcf8, 0x80010000);
	g_assert_cmphex(qtest_inl(q, 0xcfc), ==, 0xffffffff);
	qtest_quit(q);
}

static void test_config_address(void)
{
	struct qtest *q = start();

	qtest_outl(q, 0xcf8, 0x80000000);
	g_assert_cmphex(qtest_inl(q, 0xcf8), ==, 0x80000000); /* SeaBIOS' probe */
	qtest_outl(q, 0xcf8, 0x80000808);
	g_assert_cmphex(qtest_inl(q, 0xcf8), ==, 0x80000808);
	g_assert_cmphex(qtest_inl(q, 0xcfc), ==, 0x06010000);
	/* narrower writes never reach the latch */
	qtest_outb(q, 0xcf8, 0x00);
	qtest_outw(q, 0xcfa, 0x0000);
	qtest_outb(q, 0xcfb, 0x00);
	g_assert_cmphex(qtest_inl(q, 0xcf8), ==, 0x80000808);
	if (!qtest_is_qemu(q)) {
		/* an ordinary I/O cycle: floats, except PIIX3's byte at 0xcf9 */
		g_assert_cmphex(qtest_inb(q, 0xcf8), ==, 0xff);
		g_assert_cmphex(qtest_inw(q, 0xcfa), ==, 0xffff);
		g_assert_cmphex(qtest_inw(q, 0xcf8), ==, 0x00ff);
	}
	g_assert_cmphex(qtest_inb(q, 0xcf9), ==, 0x00);
	/* enable bit clear: the data port floats */
	qtest_outl(q, 0xcf8, 0x00000000);
	g_assert_cmphex(qtest_inl(q, 0xcfc), ==, 0xffffffff);
	g_assert_cmphex(qtest_inb(q, 0xcfd), ==, 0xff);
	qtest_quit(q);
}

/* Byte reg of devfn through the plain way: aligned latch, port 0xcfc + (reg & 3). */
static uint8_t cfg_byte(struct qtest *q, int devfn, unsigned reg)
{
	qtest_outl(q, 0xcf8, 0x80000000u | devfn << 8 | (reg & 0xfc));
	return qtest_inb(q, 0xcfc + (reg & 3));
}

static uint32_t port_in(struct qtest *q, uint16_t port, unsigned w)
{
	return w == 1 ? qtest_inb(q, port) : w == 2 ? qtest_inw(q, port) : qtest_inl(q, port);
}

/*
 * The latch's low two bits are ORed with the data port offset (QEMU's
 * config_reg | (port & 3)): outl(0xcf8, 0x80000002); inw(0xcfc) is the
 * device id.  Every offset 0-255 with every width and port offset, read
 * against the bytes; past byte 255 an access is cut and reads zero.  An
 * access at an unaligned port (inw at 0xcfd) is split into bytes by port.
 */
static void test_latch_low_bits(void)
{
	struct qtest *q = start();
	const int fns[] = { I440FX, PIIX3 };
	uint8_t cfg[2][260] = { { 0 } };

	for (int f = 0; f < 2; f++)
		for (unsigned r = 0; r < 256; r++)
			cfg[f][r] = cfg_byte(q, fns[f], r);
	qtest_outl(q, 0xcf8, 0x80000002);
	g_assert_cmphex(qtest_inw(q, 0xcfc), ==, 0x1237);
	for (int f = 0; f < 2; f++)
		for (unsigned r = 0; r < 256; r++)
			for (unsigned k = 0; k < 4; k++)
				for (unsigned w = 1; w <= 4; w *= 2) {
					uint32_t want = 0;

					if (k + w > 4)
						continue;
					for (unsigned i = 0; i < w; i++) {
						unsigned reg = (k & (w - 1)) ? (r | (k + i))
									     : (r | k) + i;

						if (reg < 256)
							want |= (uint32_t)cfg[f][reg] << (8 * i);
					}
					qtest_outl(q, 0xcf8, 0x80000000u | fns[f] << 8 | r);
					g_assert_cmphex(port_in(q, 0xcfc + k, w), ==, want);
				}
	/* writes: latch 0x61 + port 0xcfe is PIIX3's PIRQD route at 0x63 */
	qtest_outl(q, 0xcf8, 0x80000861);
	qtest_outb(q, 0xcfe, 0x0b);
	g_assert_cmphex(cfg_byte(q, PIIX3, 0x63), ==, 0x0b);
	qtest_outl(q, 0xcf8, 0x80000861);
	qtest_outw(q, 0xcfc, 0x0a09);
	g_assert_cmphex(cfg_byte(q, PIIX3, 0x61), ==, 0x09);
	g_assert_cmphex(cfg_byte(q, PIIX3, 0x62), ==, 0x0a);
	qtest_quit(q);
}

static void test_data_sizes(void)
{
	struct qtest *q = start();

	qtest_outl(q, 0xcf8, 0x80000000);
	g_assert_cmphex(qtest_inb(q, 0xcfc), ==, 0x86);
	g_assert_cmphex(qtest_inb(q, 0xcfd), ==, 0x80);
	g_assert_cmphex(qtest_inb(q, 0xcfe), ==, 0x37);
	g_assert_cmphex(qtest_inb(q, 0xcff), ==, 0x12);
	g_assert_cmphex(qtest_inw(q, 0xcfc), ==, 0x8086);
	g_assert_cmphex(qtest_inw(q, 0xcfe), ==, 0x1237);

	/* byte and word writes land at 0xcfc + (reg & 3) */
	qtest_outl(q, 0xcf8, 0x80000860);
	g_assert_cmphex(qtest_inl(q, 0xcfc), ==, 0x80808080);
	qtest_outb(q, 0xcfd, 0x0b);
	g_assert_cmphex(qtest_inl(q, 0xcfc), ==, 0x80800b80);
	qtest_outw(q, 0xcfe, 0x0a0a);
	g_assert_cmphex(qtest_inl(q, 0xcfc), ==, 0x0a0a0b80);
	g_assert_cmphex(qtest_pci_readb(q, PIIX3, 0x62), ==, 0x0a);
	g_assert_cmphex(qtest_pci_readw(q, PIIX3, 0x60), ==, 0x0b80);

	/* command register: only I/O, memory, master, SERR, INTx disable */
	qtest_pci_writew(q, PIIX4_PM, 0x04, 0xffff);
	g_assert_cmphex(qtest_pci_readw(q, PIIX4_PM, 0x04), ==, 0x0507);
	/* status: write-1-to-clear bits only, nothing set here */
	qtest_pci_writew(q, PIIX4_PM, 0x06, 0xffff);
	g_assert_cmphex(qtest_pci_readw(q, PIIX4_PM, 0x06), ==, 0x0280);
	/* read-only identity, writable interrupt line, fixed pin */
	qtest_pci_writel(q, PIIX4_PM, 0x00, 0);
	g_assert_cmphex(qtest_pci_readl(q, PIIX4_PM, 0x00), ==, 0x71138086);
	qtest_pci_writel(q, PIIX4_PM, 0x3c, 0xffffffff);
	g_assert_cmphex(qtest_pci_readw(q, PIIX4_PM, 0x3c), ==, 0x01ff);
	/* no BARs on the chipset functions */
	qtest_pci_writel(q, I440FX, 0x10, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, I440FX, 0x10), ==, 0);
	qtest_quit(q);
}

static void set_pam(struct qtest *q, uint32_t pam58, uint32_t pam5c)
{
	qtest_pci_writel(q, I440FX, 0x58, pam58);
	qtest_pci_writel(q, I440FX, 0x5c, pam5c);
}

static void test_pam(void)
{
	struct qtest *q = start();
	uint64_t vec_high, vec_low;

	g_assert_cmphex(qtest_pci_readl(q, I440FX, 0x58), ==, 0);
	g_assert_cmphex(qtest_pci_readl(q, I440FX, 0x5c), ==, 0);
	/* PAM0 = 0: 0xf0000 shows the top of the BIOS image */
	vec_high = qtest_readq(q, 0xfffffff0);
	vec_low = qtest_readq(q, 0xffff0);
	g_assert_cmphex(vec_low, ==, vec_high);
	g_assert_cmphex(vec_low & 0xff, ==, 0xea); /* jmp far */

	/* SeaBIOS' first write: F segment and 0xc0000-0xcffff to RAM */
	set_pam(q, 0x33333000, 0);
	g_assert_cmphex(qtest_pci_readb(q, I440FX, 0x59), ==, 0x30);
	g_assert_cmphex(qtest_pci_readb(q, I440FX, 0x5a), ==, 0x33);
	g_assert_cmphex(qtest_readq(q, 0xffff0), ==, 0); /* fresh shadow RAM */
	qtest_writel(q, 0xffff0, 0x11223344);
	qtest_writel(q, 0xc0000, 0x12345678);
	qtest_writel(q, 0xc4000, 0x9abcdef0);
	g_assert_cmphex(qtest_readl(q, 0xffff0), ==, 0x11223344);
	g_assert_cmphex(qtest_readl(q, 0xc0000), ==, 0x12345678);

	/* back to ROM/PCI: the BIOS again, nothing at 0xc0000; writes dropped */
	set_pam(q, 0, 0);
	g_assert_cmphex(qtest_readq(q, 0xffff0), ==, vec_high);
	g_assert_cmphex(qtest_readl(q, 0xc0000), ==, 0);
	qtest_writel(q, 0xc0000, 0xdeadbeef);
	qtest_writel(q, 0xffff0, 0xdeadbeef);
	g_assert_cmphex(qtest_readq(q, 0xffff0), ==, vec_high);

	/* RAM again, contents kept; one 16 KiB segment at a time */
	qtest_pci_writeb(q, I440FX, 0x5a, 0x03); /* 0xc0000 RW, 0xc4000 ROM */
	g_assert_cmphex(qtest_readl(q, 0xc0000), ==, 0x12345678);
	g_assert_cmphex(qtest_readl(q, 0xc4000), ==, 0);
	qtest_pci_writeb(q, I440FX, 0x5a, 0x10); /* 0xc0000 ROM, 0xc4000 RO */
	g_assert_cmphex(qtest_readl(q, 0xc0000), ==, 0);
	g_assert_cmphex(qtest_readl(q, 0xc4000), ==, 0x9abcdef0);
	qtest_pci_writeb(q, I440FX, 0x59, 0x10); /* F segment read-only RAM */
	g_assert_cmphex(qtest_readl(q, 0xffff0), ==, 0x11223344);
	g_assert_cmphex(qtest_pci_readl(q, I440FX, 0x58), ==, 0x00101000);
	qtest_quit(q);
}

static void test_pirq_elcr(void)
{
	struct qtest *q = start();

	g_assert_cmphex(qtest_pci_readl(q, PIIX3, 0x60), ==, 0x80808080);
	qtest_pci_writel(q, PIIX3, 0x60, 0x0b0b0a0a); /* what SeaBIOS writes */
	g_assert_cmphex(qtest_pci_readl(q, PIIX3, 0x60), ==, 0x0b0b0a0a);

	/* ELCR: reset 0, IRQ 0-2 and 8/13 always edge */
	g_assert_cmphex(qtest_inb(q, 0x4d0), ==, 0x00);
	g_assert_cmphex(qtest_inb(q, 0x4d1), ==, 0x00);
	qtest_outb(q, 0x4d1, 0x0c);
	g_assert_cmphex(qtest_inb(q, 0x4d1), ==, 0x0c);
	qtest_outb(q, 0x4d0, 0xff);
	qtest_outb(q, 0x4d1, 0xff);
	g_assert_cmphex(qtest_inb(q, 0x4d0), ==, 0xf8);
	g_assert_cmphex(qtest_inb(q, 0x4d1), ==, 0xde);
	qtest_quit(q);
}

/*
 * 0xcf9 bit 2 resets the machine.  Both keep RAM and reset PIIX3, ELCR and
 * the PM I/O enable; kvmpc also returns PAM to ROM (real hardware), QEMU
 * keeps it (docs/machine-contract.md §1.6).
 */
static void test_reset_control(void)
{
	struct qtest *q = start();
	uint32_t pirq = 0;

	set_pam(q, 0x33333000, 0x33333333);
	qtest_pci_writel(q, PIIX3, 0x60, 0x0b0b0a0a);
	qtest_pci_writel(q, PIIX4_PM, 0x40, 0xb001);
	qtest_pci_writeb(q, PIIX4_PM, 0x80, 0x01);
	g_assert_cmphex(qtest_inw(q, 0xb002), ==, 0x0000);
	qtest_outb(q, 0x4d1, 0x0c);
	qtest_writel(q, 0x500, 0x5a5aa5a5);
	qtest_writel(q, 0xd0000, 0xa5a55a5a);

	qtest_outb(q, 0xcf9, 0x02); /* select hard reset, not yet */
	g_assert_cmphex(qtest_inb(q, 0xcf9), ==, 0x02);
	g_assert_cmphex(qtest_pci_readl(q, PIIX3, 0x60), ==, 0x0b0b0a0a);
	qtest_outb(q, 0xcf9, 0x06);
	/* the reset runs on the main loop: wait for it */
	for (int i = 0; i < 200; i++) {
		pirq = qtest_pci_readl(q, PIIX3, 0x60);
		if (pirq == 0x80808080)
			break;
		g_usleep(10000);
	}
	g_assert_cmphex(pirq, ==, 0x80808080);
	g_assert_cmphex(qtest_inb(q, 0xcf9), ==, 0x00);
	g_assert_cmphex(qtest_inb(q, 0x4d1), ==, 0x00);
	g_assert_cmphex(qtest_pci_readb(q, PIIX4_PM, 0x80), ==, 0x00);
	g_assert_cmphex(qtest_inw(q, 0xb002), ==, 0xffff);
	g_assert_cmphex(qtest_readl(q, 0x500), ==, 0x5a5aa5a5);
	if (qtest_is_qemu(q)) {
		g_assert_cmphex(qtest_pci_readl(q, I440FX, 0x58), ==, 0x33333000);
		g_assert_cmphex(qtest_readl(q, 0xd0000), ==, 0xa5a55a5a);
	} else {
		g_assert_cmphex(qtest_pci_readl(q, I440FX, 0x58), ==, 0);
		g_assert_cmphex(qtest_pci_readl(q, I440FX, 0x5c), ==, 0);
		g_assert_cmphex(qtest_readl(q, 0xd0000), ==, 0);
		g_assert_cmphex(qtest_readq(q, 0xffff0), ==, qtest_readq(q, 0xfffffff0));
		/* the shadow RAM itself kept its contents */
		qtest_pci_writeb(q, I440FX, 0x5c, 0x03);
		g_assert_cmphex(qtest_readl(q, 0xd0000), ==, 0xa5a55a5a);
	}
	qtest_quit(q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pci/enumerate", test_enumerate);
	g_test_add_func("/pci/identity", test_identity);
	g_test_add_func("/pci/config-address", test_config_address);
	g_test_add_func("/pci/data-sizes", test_data_sizes);
	g_test_add_func("/pci/latch-low-bits", test_latch_low_bits);
	g_test_add_func("/pci/pam", test_pam);
	g_test_add_func("/pci/pirq-elcr", test_pirq_elcr);
	g_test_add_func("/pci/reset-control", test_reset_control);
	return g_test_run();
}
