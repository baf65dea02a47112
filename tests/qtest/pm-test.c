// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PIIX4 power management (00:01.3) through qtest: config registers SeaBIOS
 * and its built-in ACPI tables read, the PM I/O block appearing at PMBA
 * when PMREGMISC enables it, PM1 status/enable/control, the APM handshake
 * on 0xb2, SCI on IRQ 9, GPE0, the hotplug ports, and power off through
 * SLP_EN.  Runs against QEMU too; the PM timer and TMR_STS overflow tests
 * need the virtual clock (kvmpc only).  QEMU runs under TCG with SMM, so
 * the "no SMM" values (config 0x5b = 0x02, SCI_EN set at reset) are
 * kvmpc's alone.
 */
#include <glib.h>

#include "tests/lib/libqtest.h"

#define PM DEVFN_PM
#define DEVFN_PM 0x0b
#define PMBASE 0xb000
#define PM1_STS (PMBASE + 0)
#define PM1_EN (PMBASE + 2)
#define PM1_CNT (PMBASE + 4)
#define PM_TMR (PMBASE + 8)
#define SCI_IRQ 9
#define PM_FREQ 3579545ULL

static void pm_enable(struct qtest *q, uint16_t base)
{
	qtest_pci_writel(q, PM, 0x40, base | 1);
	qtest_pci_writeb(q, PM, 0x80, 0x01);
}

/* Virtual ns at which the PM timer first reaches ticks. */
static int64_t ticks_to_ns(uint64_t ticks)
{
	return (ticks * 1000000000ULL + PM_FREQ - 1) / PM_FREQ;
}

static void test_config(void)
{
	struct qtest *q = qtest_start("-nodefaults");

	g_assert_cmphex(qtest_pci_readl(q, PM, 0x40), ==, 0x00000001);
	g_assert_cmphex(qtest_pci_readb(q, PM, 0x80), ==, 0x00);
	g_assert_cmphex(qtest_pci_readb(q, PM, 0x5f), ==, 0x10); /* no LPT */
	g_assert_cmphex(qtest_pci_readb(q, PM, 0x63), ==, 0x60);
	g_assert_cmphex(qtest_pci_readb(q, PM, 0x67), ==, 0x00); /* no COM */
	g_assert_cmphex(qtest_pci_readl(q, PM, 0x90), ==, 0x0000b101);
	g_assert_cmphex(qtest_pci_readb(q, PM, 0xd2), ==, 0x09);
	if (!qtest_is_qemu(q)) {
		/* no SMM: SeaBIOS must see APMC_EN set and skip its handshake */
		g_assert_cmphex(qtest_pci_readl(q, PM, 0x58), ==, 0x02000000);
		g_assert_cmphex(qtest_pci_readb(q, PM, 0x5b), ==, 0x02);
	}
	/* what SeaBIOS writes */
	qtest_pci_writel(q, PM, 0x40, 0xb001);
	g_assert_cmphex(qtest_pci_readl(q, PM, 0x40), ==, 0xb001);
	qtest_pci_writel(q, PM, 0x90, 0xb101);
	qtest_pci_writeb(q, PM, 0xd2, 0x09);
	g_assert_cmphex(qtest_pci_readl(q, PM, 0x90), ==, 0xb101);
	qtest_quit(q);
}

static void test_com_presence(void)
{
	struct qtest *q = qtest_start("-nodefaults -serial null -serial null");

	/* the built-in DSDT's COM1/COM2 _STA read these bits */
	g_assert_cmphex(qtest_pci_readb(q, PM, 0x67), ==, 0x98);
	g_assert_cmphex(qtest_pci_readb(q, PM, 0x5f), ==, 0x10);
	qtest_quit(q);
}

static void test_io_block(void)
{
	struct qtest *q = qtest_start("-nodefaults");

	qtest_pci_writel(q, PM, 0x40, PMBASE | 1);
	g_assert_cmphex(qtest_inw(q, PM1_EN), ==, 0xffff); /* not enabled yet */
	qtest_pci_writeb(q, PM, 0x80, 0x01);
	g_assert_cmphex(qtest_inw(q, PM1_EN), ==, 0x0000);
	qtest_outw(q, PM1_EN, 0x0100);
	g_assert_cmphex(qtest_inw(q, PM1_EN), ==, 0x0100);
	if (!qtest_is_qemu(q)) {
		/* byte halves, as on PIIX4 (QEMU reads odd bytes as 0) */
		g_assert_cmphex(qtest_inb(q, PM1_EN + 1), ==, 0x01);
		g_assert_cmphex(qtest_inb(q, PM1_EN), ==, 0x00);
		qtest_outb(q, PM1_EN, 0x20);
		g_assert_cmphex(qtest_inw(q, PM1_EN), ==, 0x0120);
		qtest_outw(q, PM1_EN, 0x0100);
	}

	/* move it: the old ports float, the registers follow */
	qtest_pci_writel(q, PM, 0x40, 0x0601);
	g_assert_cmphex(qtest_inw(q, PM1_EN), ==, 0xffff);
	g_assert_cmphex(qtest_inw(q, 0x602), ==, 0x0100);
	qtest_pci_writeb(q, PM, 0x80, 0x00);
	g_assert_cmphex(qtest_inw(q, 0x602), ==, 0xffff);
	qtest_quit(q);
}

static void test_pm1_registers(void)
{
	struct qtest *q = qtest_start("-nodefaults");

	pm_enable(q, PMBASE);
	/* TMR_STS reads set until first cleared (as in QEMU) */
	g_assert_cmphex(qtest_inw(q, PM1_STS), ==, 0x0001);
	g_assert_cmphex(qtest_inl(q, PM1_STS), ==, 0x00000001); /* STS | EN << 16 */
	qtest_outw(q, PM1_STS, 0x0001);
	g_assert_cmphex(qtest_inw(q, PM1_STS), ==, 0x0000);
	qtest_outw(q, PM1_EN, 0x0521);
	g_assert_cmphex(qtest_inw(q, PM1_EN), ==, 0x0521);
	qtest_outw(q, PM1_EN, 0);

	if (!qtest_is_qemu(q))
		g_assert_cmphex(qtest_inw(q, PM1_CNT), ==, 0x0001); /* ACPI-only */
	qtest_outw(q, PM1_CNT, 0x0000);
	g_assert_cmphex(qtest_inw(q, PM1_CNT), ==, 0x0000);
	/* the FADT's SMI_CMD handshake */
	qtest_outb(q, 0xb2, 0xf1);
	g_assert_cmphex(qtest_inw(q, PM1_CNT), ==, 0x0001);
	g_assert_cmphex(qtest_inb(q, 0xb2), ==, 0xf1);
	qtest_outb(q, 0xb2, 0xf0);
	g_assert_cmphex(qtest_inw(q, PM1_CNT), ==, 0x0000);
	qtest_outb(q, 0xb2, 0x00); /* SMI request: nothing to do without SMM */
	g_assert_cmphex(qtest_inw(q, PM1_CNT), ==, 0x0000);
	qtest_outb(q, 0xb3, 0x5a);
	g_assert_cmphex(qtest_inb(q, 0xb3), ==, 0x5a);
	/* SLP_TYP is kept, SLP_EN is write-only */
	qtest_outw(q, PM1_CNT, 0x0c01);
	g_assert_cmphex(qtest_inw(q, PM1_CNT), ==, 0x0c01);
	/* PM timer is read-only; unimplemented registers float */
	qtest_outl(q, PM_TMR, 0x12345678);
	g_assert_cmphex(qtest_inl(q, PM_TMR) & 0xff000000, ==, 0);
	g_assert_cmphex(qtest_inl(q, PMBASE + 0x28), ==, 0xffffffff);
	qtest_quit(q);
}

static void test_sci(void)
{
	struct qtest *q = qtest_start("-nodefaults");

	qtest_irq_intercept_in(q, "ioapic");
	pm_enable(q, PMBASE);
	g_assert_false(qtest_get_irq(q, SCI_IRQ));
	/* TMR_STS is pending from the start: enabling it raises SCI */
	qtest_outw(q, PM1_EN, 0x0001);
	g_assert_true(qtest_get_irq(q, SCI_IRQ));
	qtest_outw(q, PM1_STS, 0x0001);
	g_assert_false(qtest_get_irq(q, SCI_IRQ));
	/* an enabled GPE with no status stays quiet */
	qtest_outb(q, 0xafe2, 0xff);
	g_assert_false(qtest_get_irq(q, SCI_IRQ));
	qtest_outw(q, PM1_EN, 0x0000);
	g_assert_false(qtest_get_irq(q, SCI_IRQ));
	qtest_quit(q);
}

static void test_pm_timer(void)
{
	struct qtest *q = qtest_start("-nodefaults");

	if (!qtest_has_clock(q)) {
		qtest_quit(q);
		g_test_skip("needs the virtual clock (qtest accelerator)");
		return;
	}
	pm_enable(q, PMBASE);
	g_assert_cmpint(qtest_clock_step(q, 0), ==, 0);
	g_assert_cmphex(qtest_inl(q, PM_TMR), ==, 0);
	qtest_clock_step(q, 1000000000);
	g_assert_cmphex(qtest_inl(q, PM_TMR), ==, PM_FREQ);
	qtest_clock_step(q, 1000);
	g_assert_cmphex(qtest_inl(q, PM_TMR), ==, PM_FREQ + 3);
	/* 24 bits wide: wraps after 2^24 ticks (4.69 s) */
	qtest_clock_set(q, 5000000000LL);
	g_assert_cmphex(qtest_inl(q, PM_TMR), ==, (5 * PM_FREQ) & 0xffffff);
	g_assert_cmphex(qtest_inw(q, PM_TMR), ==, (5 * PM_FREQ) & 0xffff);
	qtest_quit(q);
}

static void test_tmr_overflow(void)
{
	struct qtest *q = qtest_start("-nodefaults");
	int64_t t1 = ticks_to_ns(1 << 23), t2 = ticks_to_ns(1 << 24);

	if (!qtest_has_clock(q)) {
		qtest_quit(q);
		g_test_skip("needs the virtual clock (qtest accelerator)");
		return;
	}
	qtest_irq_intercept_in(q, "ioapic");
	pm_enable(q, PMBASE);
	qtest_outw(q, PM1_STS, 0x0001); /* next overflow: bit 23 toggles */
	qtest_outw(q, PM1_EN, 0x0001);
	g_assert_false(qtest_get_irq(q, SCI_IRQ));
	qtest_clock_set(q, t1 - 1);
	g_assert_false(qtest_get_irq(q, SCI_IRQ));
	g_assert_cmphex(qtest_inw(q, PM1_STS), ==, 0x0000);
	g_assert_cmphex(qtest_inl(q, PM_TMR), ==, (1 << 23) - 1);
	qtest_clock_step(q, 1); /* the armed timer fires */
	g_assert_true(qtest_get_irq(q, SCI_IRQ));
	g_assert_cmphex(qtest_inw(q, PM1_STS), ==, 0x0001);
	qtest_outw(q, PM1_STS, 0x0001);
	g_assert_false(qtest_get_irq(q, SCI_IRQ));
	qtest_clock_set(q, t2);
	g_assert_true(qtest_get_irq(q, SCI_IRQ));
	qtest_outw(q, PM1_STS, 0x0001);

	/* TMR_EN clear: no interrupt, but the status still sets */
	qtest_outw(q, PM1_EN, 0x0000);
	qtest_clock_set(q, ticks_to_ns(3 << 23) + 10);
	g_assert_false(qtest_get_irq(q, SCI_IRQ));
	g_assert_cmphex(qtest_inw(q, PM1_STS), ==, 0x0001);
	qtest_quit(q);
}

static void test_gpe_hotplug(void)
{
	struct qtest *q = qtest_start("-nodefaults -smp 3");

	g_assert_cmphex(qtest_inl(q, 0xafe0), ==, 0);
	qtest_outb(q, 0xafe2, 0xff);
	g_assert_cmphex(qtest_inl(q, 0xafe0), ==, 0x00ff0000);
	g_assert_cmphex(qtest_inw(q, 0xafe2), ==, 0x00ff);
	qtest_outl(q, 0xafe0, 0xffffffff); /* status is write-1-to-clear */
	g_assert_cmphex(qtest_inl(q, 0xafe0), ==, 0xffff0000);
	g_assert_cmphex(qtest_inb(q, 0xafe4), ==, 0xff); /* 4 bytes only */

	/* PCI hotplug: nothing inserted, removed or being ejected */
	g_assert_cmphex(qtest_inl(q, 0xae00), ==, 0);
	g_assert_cmphex(qtest_inl(q, 0xae04), ==, 0);
	g_assert_cmphex(qtest_inl(q, 0xae08), ==, 0);
	/* removable slots: all but the chipset's (tests/qtest/hotplug-test.c) */
	g_assert_cmphex(qtest_inl(q, 0xae0c), ==, 0xfffffffc);
	/* CPU presence bitmap */
	g_assert_cmphex(qtest_inb(q, 0xaf00), ==, 0x07);
	g_assert_cmphex(qtest_inb(q, 0xaf01), ==, 0x00);
	g_assert_cmphex(qtest_inl(q, 0xaf00), ==, 0x00000007);
	qtest_quit(q);
}

static void test_power_off(void)
{
	struct qtest *q = qtest_start("-nodefaults");

	pm_enable(q, PMBASE);
	qtest_outw(q, PM1_CNT, 0x0001); /* SLP_TYP 0 without SLP_EN: nothing */
	g_assert_cmphex(qtest_inw(q, PM1_CNT), ==, 0x0001);
	/* _S5 of SeaBIOS' SSDT is SLP_TYP 0 */
	qtest_outw(q, PM1_CNT, (0 << 10) | (1 << 13));
	g_assert_cmpint(qtest_wait_exit(q), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pm/config", test_config);
	g_test_add_func("/pm/com-presence", test_com_presence);
	g_test_add_func("/pm/io-block", test_io_block);
	g_test_add_func("/pm/pm1-registers", test_pm1_registers);
	g_test_add_func("/pm/sci", test_sci);
	g_test_add_func("/pm/pm-timer", test_pm_timer);
	g_test_add_func("/pm/tmr-overflow", test_tmr_overflow);
	g_test_add_func("/pm/gpe-hotplug", test_gpe_hotplug);
	g_test_add_func("/pm/power-off", test_power_off);
	return g_test_run();
}
