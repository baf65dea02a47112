// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MC146818 RTC and CMOS through qtest: reset register values, the time in
 * BCD and binary against the host clock, SET freezing the clock, 12-hour
 * mode, CMOS scratch bytes, and (kvmpc only, they need the virtual clock)
 * the alarm, periodic and update-ended interrupts on IOAPIC input 8, UIP
 * timing, and register C acknowledging IRQ 8.  Tests that run against
 * QEMU keep the same assertions; where QEMU lacks clock_step they wait in
 * real time instead.
 */
#include <string.h>
#include <time.h>
#include <glib.h>

#include "tests/lib/libqtest.h"

#define RTC_INDEX	0x70
#define RTC_DATA	0x71
#define SEC		0x00
#define SEC_ALARM	0x01
#define MINUTE		0x02
#define MINUTE_ALARM	0x03
#define HOUR		0x04
#define HOUR_ALARM	0x05
#define WDAY		0x06
#define MDAY		0x07
#define MONTH		0x08
#define YEAR		0x09
#define REG_A		0x0a
#define REG_B		0x0b
#define REG_C		0x0c
#define REG_D		0x0d
#define CENTURY		0x32

#define MS		1000000LL

static uint8_t cmos_read(struct qtest *q, uint8_t idx)
{
	qtest_outb(q, RTC_INDEX, idx);
	return qtest_inb(q, RTC_DATA);
}

static void cmos_write(struct qtest *q, uint8_t idx, uint8_t val)
{
	qtest_outb(q, RTC_INDEX, idx);
	qtest_outb(q, RTC_DATA, val);
}

static int bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0x0f);
}

/* Let about ms milliseconds pass: virtual time on kvmpc, real time on QEMU. */
static void pass_time(struct qtest *q, int64_t ms)
{
	if (qtest_has_clock(q))
		qtest_clock_step(q, ms * MS);
	else
		g_usleep(ms * 1000);
}

static void wait_not_updating(struct qtest *q)
{
	for (int i = 0; i < 100; i++) {
		if (!(cmos_read(q, REG_A) & 0x80))
			return;
		pass_time(q, 1);
	}
	g_assert_not_reached();
}

/* Read the clock registers as seconds since the epoch. */
static int64_t read_rtc_time(struct qtest *q, bool binary)
{
	int (*conv)(uint8_t) = bcd;
	struct tm tm = { 0 };
	int year;

	wait_not_updating(q);
	if (binary)
		conv = NULL;
#define CONV(v) (conv ? conv(v) : (v))
	tm.tm_sec = CONV(cmos_read(q, SEC));
	tm.tm_min = CONV(cmos_read(q, MINUTE));
	tm.tm_hour = CONV(cmos_read(q, HOUR));
	tm.tm_mday = CONV(cmos_read(q, MDAY));
	tm.tm_mon = CONV(cmos_read(q, MONTH)) - 1;
	year = CONV(cmos_read(q, YEAR)) + CONV(cmos_read(q, CENTURY)) * 100;
#undef CONV
	g_assert_cmpint(tm.tm_sec, <, 60);
	g_assert_cmpint(tm.tm_min, <, 60);
	g_assert_cmpint(tm.tm_hour, <, 24);
	g_assert_cmpint(tm.tm_mday, >=, 1);
	g_assert_cmpint(tm.tm_mon, <, 12);
	tm.tm_year = year - 1900;
	return timegm(&tm);
}

/* Stop the clock and load a time (BCD values, 24-hour unless b says). */
static void set_time(struct qtest *q, uint8_t b, uint8_t h, uint8_t m,
		     uint8_t s, uint8_t day, uint8_t mon, uint8_t year)
{
	cmos_write(q, REG_B, b | 0x80);
	cmos_write(q, HOUR, h);
	cmos_write(q, MINUTE, m);
	cmos_write(q, SEC, s);
	cmos_write(q, MDAY, day);
	cmos_write(q, MONTH, mon);
	cmos_write(q, YEAR, year);
	cmos_write(q, CENTURY, (b & 0x04) ? 20 : 0x20);
}

static void test_reset_values(void)
{
	struct qtest *q = qtest_start("-nodefaults");

	g_assert_cmphex(cmos_read(q, REG_A) & 0x7f, ==, 0x26);
	g_assert_cmphex(cmos_read(q, REG_B), ==, 0x02);
	g_assert_cmphex(cmos_read(q, REG_D), ==, 0x80);
	/* no interrupt enabled: neither IRQF nor (without PIE) PF */
	g_assert_cmphex(cmos_read(q, REG_C) & 0xc0, ==, 0x00);
	g_assert_cmphex(cmos_read(q, CENTURY), ==, 0x20);
	/* the index port reads as all ones */
	g_assert_cmphex(qtest_inb(q, RTC_INDEX), ==, 0xff);
	/* D is read-only */
	cmos_write(q, REG_D, 0x00);
	g_assert_cmphex(cmos_read(q, REG_D), ==, 0x80);
	qtest_quit(q);
}

static void test_time_bcd_binary(void)
{
	struct qtest *q = qtest_start("-nodefaults");
	int64_t host = time(NULL);
	int64_t t = read_rtc_time(q, false);

	g_assert_cmpint(t, >=, host - 2);
	g_assert_cmpint(t, <=, host + 2);
	/* the day of week follows the date (1 = Sunday) */
	{
		time_t tt = t;
		struct tm tm;

		gmtime_r(&tt, &tm);
		g_assert_cmpint(bcd(cmos_read(q, WDAY)), ==, tm.tm_wday + 1);
	}
	cmos_write(q, REG_B, 0x06); /* binary, 24 h */
	host = time(NULL);
	t = read_rtc_time(q, true);
	g_assert_cmpint(t, >=, host - 2);
	g_assert_cmpint(t, <=, host + 2);
	qtest_quit(q);
}

static void test_set_freezes(void)
{
	struct qtest *q = qtest_start("-nodefaults");
	uint8_t s;

	set_time(q, 0x02, 0x23, 0x59, 0x59, 0x31, 0x12, 0x99);
	pass_time(q, 1500);
	g_assert_cmphex(cmos_read(q, SEC), ==, 0x59);
	g_assert_cmphex(cmos_read(q, MINUTE), ==, 0x59);
	g_assert_cmphex(cmos_read(q, HOUR), ==, 0x23);
	g_assert_cmphex(cmos_read(q, YEAR), ==, 0x99);
	/* SET also drops UIE */
	cmos_write(q, REG_B, 0x92);
	g_assert_cmphex(cmos_read(q, REG_B), ==, 0x82);

	cmos_write(q, REG_B, 0x02); /* run */
	pass_time(q, 1100);
	s = cmos_read(q, SEC);
	g_assert_true(s == 0x00 || s == 0x01);
	g_assert_cmphex(cmos_read(q, MINUTE), ==, 0x00);
	g_assert_cmphex(cmos_read(q, HOUR), ==, 0x00);
	g_assert_cmphex(cmos_read(q, MDAY), ==, 0x01);
	g_assert_cmphex(cmos_read(q, MONTH), ==, 0x01);
	/* 2099-12-31 23:59:59 + 1 s: the century rolls too */
	g_assert_cmphex(cmos_read(q, YEAR), ==, 0x00);
	g_assert_cmphex(cmos_read(q, CENTURY), ==, 0x21);
	g_assert_cmphex(cmos_read(q, WDAY), ==, 0x06); /* 2100-01-01: Friday */
	qtest_quit(q);
}

static void test_twelve_hour(void)
{
	struct qtest *q = qtest_start("-nodefaults");
	uint8_t s;

	/* 12:59:59 PM, BCD, 12-hour mode */
	set_time(q, 0x00, 0x92, 0x59, 0x59, 0x15, 0x06, 0x24);
	g_assert_cmphex(cmos_read(q, HOUR), ==, 0x92);
	cmos_write(q, REG_B, 0x00);
	pass_time(q, 1100);
	s = cmos_read(q, SEC);
	g_assert_true(s == 0x00 || s == 0x01);
	g_assert_cmphex(cmos_read(q, HOUR), ==, 0x81); /* 1 PM */
	g_assert_cmphex(cmos_read(q, MINUTE), ==, 0x00);

	/* 11:59:59 PM, binary, 12-hour -> 12 AM next day */
	set_time(q, 0x04, 0x8b, 59, 59, 15, 6, 24);
	cmos_write(q, REG_B, 0x04);
	pass_time(q, 1100);
	g_assert_cmphex(cmos_read(q, HOUR), ==, 0x0c);
	g_assert_cmphex(cmos_read(q, MDAY), ==, 16);

	/* switching to 24 hours shows the same time in the new format */
	cmos_write(q, REG_B, 0x06);
	g_assert_cmphex(cmos_read(q, HOUR), ==, 0);
	qtest_quit(q);
}

static void test_cmos_scratch(void)
{
	struct qtest *q = qtest_start("-nodefaults");

	for (int i = 0x40; i < 0x80; i++)
		cmos_write(q, i, i ^ 0xa5);
	for (int i = 0x40; i < 0x80; i++)
		g_assert_cmphex(cmos_read(q, i), ==, i ^ 0xa5);
	/* bit 7 of the index is the NMI mask, not part of the index */
	qtest_outb(q, RTC_INDEX, 0x80 | 0x45);
	qtest_outb(q, RTC_DATA, 0x3c);
	g_assert_cmphex(cmos_read(q, 0x45), ==, 0x3c);
	qtest_outb(q, RTC_INDEX, 0x80 | 0x45);
	g_assert_cmphex(qtest_inb(q, RTC_DATA), ==, 0x3c);
	qtest_quit(q);
}

static struct qtest *start_clocked(void)
{
	struct qtest *q = qtest_start("-nodefaults");

	if (!qtest_has_clock(q)) {
		qtest_quit(q);
		g_test_skip("needs qtest clock_step (QEMU runs as tcg -S)");
		return NULL;
	}
	qtest_irq_intercept_in(q, "ioapic");
	return q;
}

static void test_alarm_irq(void)
{
	struct qtest *q = start_clocked();

	if (!q)
		return;
	set_time(q, 0x02, 0x10, 0x00, 0x00, 0x01, 0x03, 0x21);
	cmos_write(q, HOUR_ALARM, 0x10);
	cmos_write(q, MINUTE_ALARM, 0x00);
	cmos_write(q, SEC_ALARM, 0x05);
	cmos_read(q, REG_C);
	cmos_write(q, REG_B, 0x22); /* AIE, run from 10:00:00.0 */
	qtest_clock_step(q, 4900 * MS);
	g_assert_false(qtest_get_irq(q, 8));
	qtest_clock_step(q, 200 * MS);
	g_assert_true(qtest_get_irq(q, 8));
	g_assert_cmphex(cmos_read(q, REG_C) & 0xa0, ==, 0xa0);
	g_assert_false(qtest_get_irq(q, 8));
	g_assert_cmphex(cmos_read(q, REG_C), ==, 0x00);

	/* hours and minutes "don't care": every minute at :30 */
	cmos_write(q, HOUR_ALARM, 0xff);
	cmos_write(q, MINUTE_ALARM, 0xc0);
	cmos_write(q, SEC_ALARM, 0x30);
	qtest_clock_step(q, 24800 * MS);	/* 10:00:29.9 */
	g_assert_false(qtest_get_irq(q, 8));
	qtest_clock_step(q, 200 * MS);
	g_assert_true(qtest_get_irq(q, 8));
	cmos_read(q, REG_C);
	qtest_clock_step(q, 59800 * MS);	/* 10:01:29.9 */
	g_assert_false(qtest_get_irq(q, 8));
	qtest_clock_step(q, 200 * MS);
	g_assert_true(qtest_get_irq(q, 8));
	g_assert_cmphex(bcd(cmos_read(q, MINUTE)), ==, 1);
	g_assert_cmphex(cmos_read(q, REG_C) & 0xa0, ==, 0xa0);

	/* AF is set without AIE, but IRQ 8 stays low */
	cmos_write(q, REG_B, 0x02);
	qtest_clock_step(q, 60 * 1000 * MS);
	g_assert_false(qtest_get_irq(q, 8));
	g_assert_cmphex(cmos_read(q, REG_C), ==, 0x30); /* AF | UF */
	qtest_quit(q);
}

/*
 * With rate select RS in A, each interval of period_ns holds exactly one
 * periodic interrupt: step it in two halves, acknowledging each time.
 */
static void check_rate(struct qtest *q, uint8_t a, int64_t period_ns)
{
	cmos_write(q, REG_A, a);
	cmos_read(q, REG_C);
	for (int i = 0; i < 16; i++) {
		int n = 0;

		for (int j = 0; j < 2; j++) {
			qtest_clock_step(q, period_ns / 2);
			n += qtest_get_irq(q, 8);
			if (qtest_get_irq(q, 8))
				g_assert_cmphex(cmos_read(q, REG_C) & 0xc0, ==, 0xc0);
			g_assert_false(qtest_get_irq(q, 8));
		}
		g_assert_cmpint(n, ==, 1);
	}
}

static void test_periodic_irq(void)
{
	struct qtest *q = start_clocked();

	if (!q)
		return;
	cmos_write(q, REG_A, 0x2f); /* RS 15: 2 Hz */
	cmos_write(q, REG_B, 0x42); /* PIE */
	qtest_clock_step(q, 499 * MS);
	g_assert_false(qtest_get_irq(q, 8));
	qtest_clock_step(q, 2 * MS);
	g_assert_true(qtest_get_irq(q, 8));
	/* reading C acknowledges: flags clear, IRQ 8 drops */
	g_assert_cmphex(cmos_read(q, REG_C) & 0xc0, ==, 0xc0);
	g_assert_false(qtest_get_irq(q, 8));
	g_assert_cmphex(cmos_read(q, REG_C) & 0x40, ==, 0x00);
	/* the level holds until C is read */
	qtest_clock_step(q, 1500 * MS);
	g_assert_true(qtest_get_irq(q, 8));
	cmos_read(q, REG_C);

	/* RS 1 and 2 are 256 and 128 Hz (not 32768 >> 0 or >> 1) */
	check_rate(q, 0x21, 3906250);
	check_rate(q, 0x22, 7812500);
	/* PIE off: no interrupt, no timer left running */
	cmos_write(q, REG_B, 0x02);
	cmos_read(q, REG_C);
	qtest_clock_step(q, 100 * MS);
	g_assert_false(qtest_get_irq(q, 8));
	qtest_quit(q);
}

static void test_update_irq(void)
{
	struct qtest *q = start_clocked();

	if (!q)
		return;
	cmos_read(q, REG_C);
	cmos_write(q, REG_B, 0x12); /* UIE */
	qtest_clock_step(q, 1000 * MS);
	g_assert_true(qtest_get_irq(q, 8));
	g_assert_cmphex(cmos_read(q, REG_C) & 0x90, ==, 0x90);
	g_assert_false(qtest_get_irq(q, 8));
	/* enabling an interrupt whose flag is already set raises at once */
	cmos_write(q, REG_B, 0x02);
	qtest_clock_step(q, 1000 * MS);
	g_assert_false(qtest_get_irq(q, 8));
	cmos_write(q, REG_B, 0x12);
	g_assert_true(qtest_get_irq(q, 8));
	g_assert_cmphex(cmos_read(q, REG_C) & 0xd0, ==, 0x90);
	qtest_quit(q);
}

static void test_uip(void)
{
	struct qtest *q = start_clocked();

	if (!q)
		return;
	set_time(q, 0x02, 0x08, 0x30, 0x10, 0x01, 0x01, 0x22);
	cmos_write(q, REG_B, 0x02); /* the next update is one second away */
	g_assert_cmphex(cmos_read(q, REG_A), ==, 0x26);
	qtest_clock_step(q, 999800000);
	g_assert_cmphex(cmos_read(q, REG_A), ==, 0xa6);
	g_assert_cmphex(cmos_read(q, SEC), ==, 0x10);
	qtest_clock_step(q, 200000);
	g_assert_cmphex(cmos_read(q, REG_A), ==, 0x26);
	g_assert_cmphex(cmos_read(q, SEC), ==, 0x11);
	/* divider in reset: time stands still, no UIP */
	cmos_write(q, REG_A, 0x66);
	qtest_clock_step(q, 5000 * MS);
	g_assert_cmphex(cmos_read(q, SEC), ==, 0x11);
	/* leaving reset: first update half a second later */
	cmos_write(q, REG_A, 0x26);
	qtest_clock_step(q, 499 * MS);
	g_assert_cmphex(cmos_read(q, SEC), ==, 0x11);
	qtest_clock_step(q, 1 * MS);
	g_assert_cmphex(cmos_read(q, SEC), ==, 0x12);
	qtest_quit(q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/rtc/reset-values", test_reset_values);
	g_test_add_func("/rtc/time-bcd-binary", test_time_bcd_binary);
	g_test_add_func("/rtc/set-freezes", test_set_freezes);
	g_test_add_func("/rtc/twelve-hour", test_twelve_hour);
	g_test_add_func("/rtc/cmos-scratch", test_cmos_scratch);
	g_test_add_func("/rtc/alarm-irq", test_alarm_irq);
	g_test_add_func("/rtc/periodic-irq", test_periodic_irq);
	g_test_add_func("/rtc/update-irq", test_update_irq);
	g_test_add_func("/rtc/uip", test_uip);
	return g_test_run();
}
