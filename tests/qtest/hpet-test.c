// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HPET at 0xfed00000 through qtest.  Against both VMMs: the capability and
 * period words, reset values, which configuration bits stick, comparator
 * and period writes in one-shot, periodic and SETVAL modes, 32-bit
 * truncation, the main counter written while stopped, odd access sizes,
 * -no-hpet / -machine hpet=off taking the block away, and QEMU's -global
 * hpet.timers/msi/hpet-intcap.  kvmpc only (they need clock_step; QEMU
 * runs as tcg -S with a stopped clock): the counter
 * running at 100 MHz only while enabled, a level one-shot latching the
 * status register until written back, periodic edge interrupts and the
 * comparator stepping, the 32-bit wrap interrupt, the legacy route (timer 0
 * on IRQ 0, timer 1 on IRQ 8 with the RTC's own interrupt held back), FSB
 * delivery as a memory write, and a hostile guest: a one-tick period and
 * random writes everywhere, also with 32 FSB-capable timers.
 */
#include <glib.h>

#include "tests/lib/libqtest.h"

#define HPET		0xfed00000ULL
#define CAP		(HPET + 0x000)
#define PERIOD		(HPET + 0x004)
#define CFG		(HPET + 0x010)
#define ISR		(HPET + 0x020)
#define COUNTER		(HPET + 0x0f0)
#define TCFG(n)		(HPET + 0x100 + 0x20 * (n))
#define TCMP(n)		(TCFG(n) + 8)
#define TFSB(n)		(TCFG(n) + 0x10)

#define ENABLE		0x1
#define LEGACY		0x2
#define T_LEVEL		0x2
#define T_INT		0x4
#define T_PERIODIC	0x8
#define T_SETVAL	0x40
#define T_32BIT		0x100
#define T_ROUTE(r)	((r) << 9)

#define RTC_INDEX	0x70
#define RTC_DATA	0x71

static void test_registers(void)
{
	struct qtest *q = qtest_start("-nodefaults");

	/* vendor 8086, rev 1, 3 timers, 64-bit, legacy capable; 10 ns ticks */
	g_assert_cmphex(qtest_readl(q, CAP), ==, 0x8086a201);
	g_assert_cmphex(qtest_readl(q, PERIOD), ==, 10000000);
	g_assert_cmphex(qtest_readq(q, CAP), ==, 0x009896808086a201ULL);
	g_assert_cmphex(qtest_readl(q, CFG), ==, 0);
	g_assert_cmphex(qtest_readl(q, ISR), ==, 0);
	g_assert_cmphex(qtest_readq(q, COUNTER), ==, 0);
	for (int n = 0; n < 3; n++) {
		/* periodic and 64-bit capable, no FSB; routable to IOAPIC input 2 */
		g_assert_cmphex(qtest_readl(q, TCFG(n)), ==, 0x30);
		g_assert_cmphex(qtest_readl(q, TCFG(n) + 4), ==, 0x4);
		g_assert_cmphex(qtest_readq(q, TCMP(n)), ==, ~0ULL);
		g_assert_cmphex(qtest_readq(q, TFSB(n)), ==, 0);
	}
	g_assert_cmphex(qtest_readl(q, HPET + 0x180), ==, 0); /* no timer 4 */
	g_assert_cmphex(qtest_readl(q, HPET + 0x3fc), ==, 0);

	/* read-only words */
	qtest_writel(q, CAP, 0);
	qtest_writel(q, PERIOD, 0);
	qtest_writel(q, TCFG(0) + 4, 0xffffffff);
	g_assert_cmphex(qtest_readl(q, CAP), ==, 0x8086a201);
	g_assert_cmphex(qtest_readl(q, PERIOD), ==, 10000000);
	g_assert_cmphex(qtest_readl(q, TCFG(0) + 4), ==, 0x4);
	/* writable bits */
	qtest_writel(q, CFG + 4, 0xffffffff);
	g_assert_cmphex(qtest_readl(q, CFG + 4), ==, 0);
	qtest_writel(q, TCFG(1), 0xffffffff);
	g_assert_cmphex(qtest_readl(q, TCFG(1)), ==, 0x7f7e);
	qtest_writel(q, TCFG(1), 0);
	g_assert_cmphex(qtest_readl(q, TCFG(1)), ==, 0x30);
	qtest_writel(q, TCFG(1), T_ROUTE(31));
	g_assert_cmphex(qtest_readl(q, TCFG(1)), ==, 0x3e30);
	qtest_writel(q, TCFG(1), 0);
	qtest_writel(q, ISR, 0xffffffff);
	g_assert_cmphex(qtest_readl(q, ISR), ==, 0);

	/* 32-bit mode truncates the comparator; the high word still stores */
	qtest_writel(q, TCFG(0), T_32BIT);
	g_assert_cmphex(qtest_readq(q, TCMP(0)), ==, 0xffffffffULL);
	qtest_writel(q, TCMP(0) + 4, 5);
	g_assert_cmphex(qtest_readq(q, TCMP(0)), ==, 0x5ffffffffULL);
	qtest_writel(q, TCFG(0), 0);
	/* periodic: a comparator write sets the period only, unless SETVAL */
	qtest_writel(q, TCFG(0), T_PERIODIC);
	qtest_writel(q, TCMP(0), 0x1000);
	g_assert_cmphex(qtest_readq(q, TCMP(0)), ==, 0x5ffffffffULL);
	qtest_writel(q, TCFG(0), T_PERIODIC | T_SETVAL);
	g_assert_cmphex(qtest_readl(q, TCFG(0)), ==, 0x78);
	qtest_writel(q, TCMP(0), 0x2000);
	g_assert_cmphex(qtest_readl(q, TCFG(0)), ==, 0x38); /* SETVAL self-clears */
	g_assert_cmphex(qtest_readq(q, TCMP(0)), ==, 0x500002000ULL);
	qtest_writel(q, TCMP(0), 0x3000);
	g_assert_cmphex(qtest_readq(q, TCMP(0)), ==, 0x500002000ULL);
	/* one-shot: 64-bit comparator written in halves or at once */
	qtest_writel(q, TCFG(2), 0);
	qtest_writeq(q, TCMP(2), 0x123456789abcdef0ULL);
	g_assert_cmphex(qtest_readq(q, TCMP(2)), ==, 0x123456789abcdef0ULL);
	g_assert_cmphex(qtest_readl(q, TCMP(2) + 4), ==, 0x12345678);
	/* the FSB words store even without FSB delivery advertised */
	qtest_writel(q, TFSB(1), 0x12345678);
	qtest_writel(q, TFSB(1) + 4, 0xfee00000);
	g_assert_cmphex(qtest_readq(q, TFSB(1)), ==, 0xfee0000012345678ULL);

	/* the stopped main counter takes writes */
	qtest_writel(q, COUNTER, 0x12345678);
	qtest_writel(q, COUNTER + 4, 9);
	g_assert_cmphex(qtest_readq(q, COUNTER), ==, 0x912345678ULL);
	qtest_writeq(q, COUNTER, 0x1111111122222222ULL);
	g_assert_cmphex(qtest_readq(q, COUNTER), ==, 0x1111111122222222ULL);
	/* bytes, words and misaligned dwords: read 0, writes ignored */
	g_assert_cmphex(qtest_readb(q, CAP), ==, 0);
	g_assert_cmphex(qtest_readw(q, CAP + 2), ==, 0);
	g_assert_cmphex(qtest_readl(q, TCFG(0) + 2), ==, 0);
	qtest_writeb(q, COUNTER, 0x33);
	qtest_writew(q, COUNTER, 0x3333);
	g_assert_cmphex(qtest_readq(q, COUNTER), ==, 0x1111111122222222ULL);
	/* both configuration bits stick */
	qtest_writel(q, CFG, 0xffffffff);
	g_assert_cmphex(qtest_readl(q, CFG), ==, ENABLE | LEGACY);
	qtest_writel(q, CFG, 0);
	qtest_quit(q);
}

static void check_absent(const char *args)
{
	struct qtest *q = qtest_start(args);

	/* unassigned memory reads 0: SeaBIOS then builds no HPET table */
	g_assert_cmphex(qtest_readl(q, CAP), ==, 0);
	g_assert_cmphex(qtest_readl(q, PERIOD), ==, 0);
	qtest_quit(q);
}

static void test_absent(void)
{
	check_absent("-nodefaults -no-hpet");
	check_absent("-nodefaults -machine pc,hpet=off");
}

/* QEMU's hpet properties through -global: timers, msi, hpet-intcap. */
static void test_globals(void)
{
	struct qtest *q = qtest_start("-nodefaults -global hpet.timers=7 -global hpet.msi=on "
				      "-global hpet.hpet-intcap=0xff0004");

	g_assert_cmphex(qtest_readl(q, CAP), ==, 0x8086a601);
	for (int n = 0; n < 7; n++) {
		g_assert_cmphex(qtest_readl(q, TCFG(n)), ==, 0x8030); /* FSB capable */
		g_assert_cmphex(qtest_readl(q, TCFG(n) + 4), ==, 0xff0004);
	}
	qtest_writeq(q, TCMP(6), 0x1234);
	g_assert_cmphex(qtest_readq(q, TCMP(6)), ==, 0x1234);
	g_assert_cmphex(qtest_readl(q, TCFG(7)), ==, 0);
	qtest_quit(q);
	/* QEMU clamps the count to 3..32 */
	q = qtest_start("-nodefaults -global hpet.timers=40");
	g_assert_cmphex(qtest_readl(q, CAP), ==, 0x8086bf01);
	qtest_quit(q);
	q = qtest_start("-nodefaults -global hpet.timers=1");
	g_assert_cmphex(qtest_readl(q, CAP), ==, 0x8086a201);
	qtest_quit(q);
}

static struct qtest *start_clocked(const char *args)
{
	struct qtest *q = qtest_start(args ? args : "-nodefaults");

	if (!qtest_has_clock(q)) {
		qtest_quit(q);
		g_test_skip("needs qtest clock_step (QEMU runs as tcg -S)");
		return NULL;
	}
	qtest_irq_intercept_in(q, "ioapic");
	return q;
}

static void test_counter(void)
{
	struct qtest *q = start_clocked(NULL);

	if (!q)
		return;
	qtest_clock_step(q, 1000000);
	g_assert_cmphex(qtest_readq(q, COUNTER), ==, 0);
	qtest_writel(q, CFG, ENABLE);
	qtest_clock_step(q, 1000);
	g_assert_cmphex(qtest_readq(q, COUNTER), ==, 100);
	qtest_clock_step(q, 10 * 1000 * 1000);
	g_assert_cmphex(qtest_readl(q, COUNTER), ==, 1000100);
	g_assert_cmphex(qtest_readl(q, COUNTER + 4), ==, 0);
	/* a write while it runs changes nothing */
	qtest_writel(q, COUNTER, 5);
	g_assert_cmphex(qtest_readq(q, COUNTER), ==, 1000100);
	/* stopped, it holds its value and takes a new one */
	qtest_writel(q, CFG, 0);
	qtest_clock_step(q, 5000);
	g_assert_cmphex(qtest_readq(q, COUNTER), ==, 1000100);
	qtest_writeq(q, COUNTER, 0xfffffffffffffff0ULL);
	qtest_writel(q, CFG, ENABLE);
	qtest_clock_step(q, 150);
	g_assert_cmphex(qtest_readq(q, COUNTER), ==, 0xffffffffffffffffULL);
	qtest_clock_step(q, 10);
	g_assert_cmphex(qtest_readq(q, COUNTER), ==, 0); /* wraps */
	qtest_quit(q);
}

static void test_oneshot_level(void)
{
	struct qtest *q = start_clocked(NULL);

	if (!q)
		return;
	qtest_writel(q, TCFG(2), T_LEVEL | T_INT | T_ROUTE(2));
	qtest_writeq(q, TCMP(2), 1000);
	qtest_clock_step(q, 50000);
	g_assert_false(qtest_get_irq(q, 2)); /* the counter is stopped */
	qtest_writel(q, CFG, ENABLE);
	qtest_clock_step(q, 9990);
	g_assert_false(qtest_get_irq(q, 2));
	g_assert_cmphex(qtest_readl(q, ISR), ==, 0);
	qtest_clock_step(q, 10);
	g_assert_true(qtest_get_irq(q, 2));
	g_assert_cmphex(qtest_readl(q, ISR), ==, 0x4);
	/* writing a zero bit leaves it, a one clears it and drops the line */
	qtest_writel(q, ISR, 0x3);
	g_assert_true(qtest_get_irq(q, 2));
	qtest_writel(q, ISR, 0x4);
	g_assert_false(qtest_get_irq(q, 2));
	g_assert_cmphex(qtest_readl(q, ISR), ==, 0);
	/* one-shot: nothing more */
	qtest_clock_step(q, 100000000);
	g_assert_false(qtest_get_irq(q, 2));
	g_assert_cmphex(qtest_readq(q, TCMP(2)), ==, 1000);
	/* a comparator in the past fires at once */
	qtest_writel(q, TCMP(2), 5);
	qtest_clock_step(q, 10);
	g_assert_true(qtest_get_irq(q, 2));
	/* disabling the interrupt clears status and line */
	qtest_writel(q, TCFG(2), T_LEVEL | T_ROUTE(2));
	g_assert_false(qtest_get_irq(q, 2));
	g_assert_cmphex(qtest_readl(q, ISR), ==, 0);
	qtest_quit(q);
}

static void test_periodic_edge(void)
{
	struct qtest *q = start_clocked(NULL);
	unsigned base;

	if (!q)
		return;
	/* first at 100 us (set while one-shot), then every 100 us */
	qtest_writeq(q, TCMP(0), 10000);
	qtest_writel(q, TCFG(0), T_INT | T_PERIODIC | T_ROUTE(2));
	qtest_writel(q, TCMP(0), 10000);
	qtest_writel(q, TCMP(0) + 4, 0);
	g_assert_cmphex(qtest_readq(q, TCMP(0)), ==, 10000);
	qtest_writel(q, CFG, ENABLE);
	base = qtest_irq_raises(q, 2);
	qtest_clock_step(q, 99990);
	g_assert_cmpuint(qtest_irq_raises(q, 2), ==, base);
	qtest_clock_step(q, 10);
	g_assert_cmpuint(qtest_irq_raises(q, 2), ==, base + 1);
	g_assert_false(qtest_get_irq(q, 2));	/* edge: a pulse */
	g_assert_cmphex(qtest_readl(q, ISR), ==, 0);
	g_assert_cmphex(qtest_readq(q, TCMP(0)), ==, 20000);
	for (int i = 0; i < 10; i++)
		qtest_clock_step(q, 100000);
	g_assert_cmpuint(qtest_irq_raises(q, 2), ==, base + 11);
	g_assert_cmphex(qtest_readq(q, TCMP(0)), ==, 120000);
	/* stopping the counter stops the interrupts, restarting resumes them */
	qtest_writel(q, CFG, 0);
	qtest_clock_step(q, 1000000);
	g_assert_cmpuint(qtest_irq_raises(q, 2), ==, base + 11);
	qtest_writel(q, CFG, ENABLE);
	qtest_clock_step(q, 100000);
	g_assert_cmpuint(qtest_irq_raises(q, 2), ==, base + 12);
	qtest_quit(q);
}

static void test_wrap32(void)
{
	struct qtest *q = start_clocked(NULL);

	if (!q)
		return;
	qtest_writel(q, COUNTER, 0xfffffff0);
	qtest_writel(q, TCFG(1), T_LEVEL | T_INT | T_32BIT | T_ROUTE(2));
	qtest_writel(q, TCMP(1), 0x10);
	qtest_writel(q, CFG, ENABLE);
	/* first the wrap of the low 32 bits (15 ticks away) ... */
	qtest_clock_step(q, 140);
	g_assert_false(qtest_get_irq(q, 2));
	qtest_clock_step(q, 10);
	g_assert_true(qtest_get_irq(q, 2));
	qtest_writel(q, ISR, 0x2);
	g_assert_false(qtest_get_irq(q, 2));
	/* ... then the match at 0x10 */
	qtest_clock_step(q, 160);
	g_assert_false(qtest_get_irq(q, 2));
	qtest_clock_step(q, 20);
	g_assert_true(qtest_get_irq(q, 2));
	g_assert_cmphex(qtest_readq(q, COUNTER), ==, 0x100000011ULL);
	qtest_quit(q);
}

static void cmos_write(struct qtest *q, uint8_t idx, uint8_t val)
{
	qtest_outb(q, RTC_INDEX, idx);
	qtest_outb(q, RTC_DATA, val);
}

static uint8_t cmos_read(struct qtest *q, uint8_t idx)
{
	qtest_outb(q, RTC_INDEX, idx);
	return qtest_inb(q, RTC_DATA);
}

static void test_legacy(void)
{
	struct qtest *q = start_clocked(NULL);

	if (!q)
		return;
	/* the RTC's periodic interrupt (2 Hz) goes out while legacy is off */
	cmos_write(q, 0x0a, 0x2f);
	cmos_write(q, 0x0b, 0x42);
	qtest_clock_step(q, 501000000);
	g_assert_true(qtest_get_irq(q, 8));
	cmos_read(q, 0x0c);
	g_assert_false(qtest_get_irq(q, 8));
	/* legacy: timer 0 on IRQ 0, timer 1 on IRQ 8, whatever their route */
	qtest_writel(q, TCFG(0), T_LEVEL | T_INT | T_ROUTE(5));
	qtest_writel(q, TCFG(1), T_LEVEL | T_INT | T_ROUTE(5));
	qtest_writeq(q, TCMP(0), 100);
	qtest_writeq(q, TCMP(1), 200);
	qtest_writel(q, CFG, ENABLE | LEGACY);
	qtest_clock_step(q, 1000);
	g_assert_true(qtest_get_irq(q, 0));
	g_assert_false(qtest_get_irq(q, 8));
	g_assert_false(qtest_get_irq(q, 5));
	qtest_clock_step(q, 1000);
	g_assert_true(qtest_get_irq(q, 8));
	g_assert_cmphex(qtest_readl(q, ISR), ==, 0x3);
	qtest_writel(q, ISR, 0x3);
	g_assert_false(qtest_get_irq(q, 0));
	g_assert_false(qtest_get_irq(q, 8));
	/* the RTC's interrupt is held back while legacy is on ... */
	qtest_clock_step(q, 500000000);
	g_assert_false(qtest_get_irq(q, 8));
	/* ... and comes out when legacy is switched off */
	qtest_writel(q, CFG, ENABLE);
	g_assert_true(qtest_get_irq(q, 8));
	cmos_read(q, 0x0c);
	g_assert_false(qtest_get_irq(q, 8));
	/* without legacy, timer 0 follows its route field */
	qtest_writeq(q, TCMP(0), qtest_readq(q, COUNTER) + 10);
	qtest_clock_step(q, 200);
	g_assert_true(qtest_get_irq(q, 5));
	g_assert_false(qtest_get_irq(q, 0));
	qtest_quit(q);
}

/* FSB delivery: the data word stored at the address word (RAM here). */
static void test_fsb(void)
{
	struct qtest *q = start_clocked("-nodefaults -global hpet.msi=on");

	if (!q)
		return;
	qtest_writel(q, 0x1000, 0);
	qtest_writeq(q, TFSB(0), 0x00001000deadbeefULL);
	qtest_writeq(q, TCMP(0), 100);
	qtest_writel(q, TCFG(0), T_INT | T_ROUTE(2) | 0x4000);
	qtest_writel(q, CFG, ENABLE);
	qtest_clock_step(q, 990);
	g_assert_cmphex(qtest_readl(q, 0x1000), ==, 0);
	qtest_clock_step(q, 10);
	g_assert_cmphex(qtest_readl(q, 0x1000), ==, 0xdeadbeef);
	g_assert_false(qtest_get_irq(q, 2));	/* no pin interrupt */
	g_assert_cmphex(qtest_readl(q, ISR), ==, 0);
	qtest_quit(q);
}

/* A one-tick period must not hang the VMM; random writes must not crash it. */
static void hostile(const char *args)
{
	struct qtest *q = start_clocked(args);
	GRand *r = g_rand_new_with_seed(20261208);

	if (!q)
		return;
	qtest_writeq(q, TCMP(0), 1);
	qtest_writel(q, TCFG(0), T_INT | T_PERIODIC | T_ROUTE(2));
	qtest_writel(q, TCMP(0), 1);	/* period 1 tick = 10 ns */
	qtest_writel(q, TCMP(0) + 4, 0);
	qtest_writel(q, TCFG(1), T_INT | T_PERIODIC | T_32BIT | T_SETVAL | T_ROUTE(31));
	qtest_writel(q, TCMP(1), 0);
	qtest_writel(q, TCMP(1) + 4, 0x7fffffff);	/* period with only high bits */
	qtest_writeq(q, TCMP(2), 0x7fffffffffffff00ULL);	/* centuries away */
	qtest_writel(q, TCFG(2), T_INT | T_LEVEL | T_ROUTE(23));
	qtest_writel(q, CFG, ENABLE);
	qtest_clock_step(q, 10 * 1000 * 1000);
	g_assert_cmphex(qtest_readq(q, COUNTER), ==, 1000000);
	/* the comparator kept stepping, at most 10 us (1000 ticks) behind */
	g_assert_cmphex(qtest_readq(q, TCMP(0)), >=, 1000000 - 1000);
	for (int i = 0; i < 4000; i++) {
		uint64_t off = g_rand_int_range(r, 0, 0x400);
		uint32_t v = g_rand_int(r);

		switch (g_rand_int_range(r, 0, 5)) {
		case 0: qtest_writeb(q, HPET + off, v); break;
		case 1: qtest_writew(q, HPET + (off & ~1), v); break;
		case 2: qtest_writel(q, HPET + (off & ~3), v); break;
		case 3: qtest_writeq(q, HPET + (off & ~7), ((uint64_t)v << 32) | g_rand_int(r)); break;
		default: qtest_readl(q, HPET + (off & ~3)); break;
		}
		if (i % 100 == 0)
			qtest_clock_step(q, g_rand_int_range(r, 0, 1000000));
	}
	qtest_clock_step(q, 10 * 1000 * 1000);
	g_assert_cmphex(qtest_readl(q, CAP) & 0xffffe0ff, ==, 0x8086a001); /* still answers */
	g_rand_free(r);
	qtest_quit(q);
}

static void test_hostile(void)
{
	hostile(NULL);
	/* 32 timers (past the 1 KiB window from 24 on), FSB writes anywhere */
	hostile("-nodefaults -global hpet.timers=32 -global hpet.msi=on");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hpet/registers", test_registers);
	g_test_add_func("/hpet/absent", test_absent);
	g_test_add_func("/hpet/globals", test_globals);
	g_test_add_func("/hpet/counter", test_counter);
	g_test_add_func("/hpet/oneshot-level", test_oneshot_level);
	g_test_add_func("/hpet/periodic-edge", test_periodic_edge);
	g_test_add_func("/hpet/wrap32", test_wrap32);
	g_test_add_func("/hpet/legacy", test_legacy);
	g_test_add_func("/hpet/fsb", test_fsb);
	g_test_add_func("/hpet/hostile", test_hostile);
	return g_test_run();
}
