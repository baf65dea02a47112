// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MC146818 RTC on a bare machine: a configured base time, the CMOS API the
 * machine uses, no timer armed unless an enabled interrupt is still to
 * come, save -> reset -> load with a pending periodic interrupt and the
 * IRQ level, the RESET pin's effect, and a hostile guest writing every
 * value to every register without hanging or crashing the VMM.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <glib.h>

#include "hw/rtc/mc146818.h"
#include "core/machine.h"
#include "core/vmstate.h"

static uint8_t cmos_in(struct machine *m, uint8_t idx)
{
	as_write(&m->io, 0x70, idx, 1);
	return as_read(&m->io, 0x71, 1);
}

static void cmos_out(struct machine *m, uint8_t idx, uint8_t v)
{
	as_write(&m->io, 0x70, idx, 1);
	as_write(&m->io, 0x71, v, 1);
}

static void step(struct machine *m, int64_t ns)
{
	vclock_warp(&m->clock, vclock_ns(&m->clock) + ns);
}

/* 2021-03-04 05:06:07 UTC, a Thursday */
#define BASE_TIME 1614834367LL

static struct rtc *make_rtc(struct machine *m)
{
	struct rtc_config cfg = RTC_CONFIG_DEFAULT;
	GError *err = NULL;
	struct rtc *s;

	cfg.has_base_time = true;
	cfg.base_time = BASE_TIME;
	s = rtc_create(m, &cfg, &err);
	g_assert_no_error(err);
	g_assert_nonnull(s);
	return s;
}

static void test_base_time(void)
{
	struct machine *m = machine_new(NULL);
	struct rtc *s = make_rtc(m);

	g_assert_cmphex(cmos_in(m, RTC_SECONDS), ==, 0x07);
	g_assert_cmphex(cmos_in(m, RTC_MINUTES), ==, 0x06);
	g_assert_cmphex(cmos_in(m, RTC_HOURS), ==, 0x05);
	g_assert_cmphex(cmos_in(m, RTC_DAY_OF_WEEK), ==, 0x05);
	g_assert_cmphex(cmos_in(m, RTC_DAY_OF_MONTH), ==, 0x04);
	g_assert_cmphex(cmos_in(m, RTC_MONTH), ==, 0x03);
	g_assert_cmphex(cmos_in(m, RTC_YEAR), ==, 0x21);
	g_assert_cmphex(cmos_in(m, RTC_CENTURY), ==, 0x20);
	g_assert_cmpint(rtc_get_time(s), ==, BASE_TIME);
	step(m, 61 * NS_PER_SEC);
	g_assert_cmpint(rtc_get_time(s), ==, BASE_TIME + 61);
	g_assert_cmphex(cmos_in(m, RTC_MINUTES), ==, 0x07);
	g_assert_cmphex(cmos_in(m, RTC_SECONDS), ==, 0x08);

	/* the machine's CMOS bytes, and bounds */
	rtc_set_cmos(s, CMOS_SMP_COUNT, 3);
	g_assert_cmphex(cmos_in(m, CMOS_SMP_COUNT), ==, 3);
	g_assert_cmphex(rtc_get_cmos(s, CMOS_SMP_COUNT), ==, 3);
	rtc_set_cmos(s, 128, 1);
	rtc_set_cmos(s, -1, 1);
	g_assert_cmphex(rtc_get_cmos(s, 200), ==, 0xff);
}

static void test_no_idle_timer(void)
{
	struct machine *m = machine_new(NULL);

	make_rtc(m);
	g_assert_cmpint(vclock_next_deadline(&m->clock), ==, INT64_MAX);
	/* the BIOS rate with PIE off: flags only, no timer */
	cmos_out(m, RTC_REG_A, 0x26);
	g_assert_cmpint(vclock_next_deadline(&m->clock), ==, INT64_MAX);
	/* PIE on: one timer; once PF is up and unread, none */
	cmos_out(m, RTC_REG_B, 0x42);
	g_assert_cmpint(vclock_next_deadline(&m->clock), <=, NS_PER_SEC / 1024 + 1);
	step(m, 10 * 1000000);
	g_assert_cmpint(m->gsi_level[8], ==, 1);
	g_assert_cmpint(vclock_next_deadline(&m->clock), ==, INT64_MAX);
	g_assert_cmphex(cmos_in(m, RTC_REG_C), ==, 0xc0);
	g_assert_cmpint(m->gsi_level[8], ==, 0);
	g_assert_cmpint(vclock_next_deadline(&m->clock), !=, INT64_MAX);
	/* update interrupt under SET: nothing to wait for */
	cmos_out(m, RTC_REG_B, 0x82 | 0x30);
	g_assert_cmpint(vclock_next_deadline(&m->clock), ==, INT64_MAX);
}

static void test_vmstate_and_reset(void)
{
	struct machine *m = machine_new(NULL);
	struct rtc *s = make_rtc(m);
	struct device *d = g_ptr_array_index(m->devices, 0);
	const struct vmstate_desc *vmsd = d->cls->vmsd;
	GByteArray *a = g_byte_array_new(), *b = g_byte_array_new();
	GError *err = NULL;
	int64_t dl;

	cmos_out(m, 0x50, 0x5a);
	cmos_out(m, RTC_REG_A, 0x2f); /* 2 Hz */
	cmos_out(m, RTC_REG_B, 0x42);
	step(m, 600 * 1000000);
	g_assert_cmpint(m->gsi_level[8], ==, 1);
	cmos_in(m, RTC_REG_C);
	dl = vclock_next_deadline(&m->clock);
	g_assert_cmpint(dl, ==, NS_PER_SEC);

	vmstate_save(vmsd, d, a);
	device_reset(d);
	/* RESET: interrupt enables and flags clear; time, RAM and A stay */
	g_assert_cmphex(cmos_in(m, RTC_REG_B), ==, 0x02);
	g_assert_cmphex(cmos_in(m, RTC_REG_A), ==, 0x2f);
	g_assert_cmphex(cmos_in(m, 0x50), ==, 0x5a);
	g_assert_cmpint(vclock_next_deadline(&m->clock), ==, INT64_MAX);
	g_assert_cmpint(vmstate_load(vmsd, d, a->data, a->len, &err), ==, (long)a->len);
	g_assert_no_error(err);
	vmstate_save(vmsd, d, b);
	g_assert_cmpmem(a->data, a->len, b->data, b->len);
	g_assert_cmpint(vclock_next_deadline(&m->clock), ==, dl);
	step(m, 400 * 1000000);
	g_assert_cmpint(m->gsi_level[8], ==, 1);
	g_assert_cmpint(rtc_get_time(s), ==, BASE_TIME + 1);
	g_byte_array_free(a, TRUE);
	g_byte_array_free(b, TRUE);
}

/* Every value into every register, with time passing: must stay sane. */
static void test_hostile_registers(void)
{
	struct machine *m = machine_new(NULL);

	make_rtc(m);
	for (int idx = 0; idx < 256; idx++) {
		for (int v = 0; v < 256; v++) {
			as_write(&m->io, 0x70, idx, 1);
			as_write(&m->io, 0x71, v, 1);
			as_read(&m->io, 0x71, 1);
			cmos_in(m, RTC_REG_C);
			cmos_in(m, RTC_SECONDS);
		}
		step(m, 7 * 1000000);
	}
	/* B = all ones (SET among them) then run with every interrupt on */
	cmos_out(m, RTC_REG_A, 0x23);
	cmos_out(m, RTC_REG_B, 0x72);
	for (int i = 0; i < 100; i++) {
		step(m, 50 * 1000000);
		cmos_in(m, RTC_REG_C);
	}
	g_assert_cmpint(vclock_next_deadline(&m->clock), >, vclock_ns(&m->clock));
	/* the index port always reads all ones */
	g_assert_cmphex(as_read(&m->io, 0x70, 1), ==, 0xff);
}

static void test_parse_option(void)
{
	struct rtc_config cfg = RTC_CONFIG_DEFAULT;
	GError *err = NULL;

	g_assert_cmpint(rtc_parse_option(&cfg, "base=2006-06-17T16:01:21", &err), ==, 0);
	g_assert_no_error(err);
	g_assert_true(cfg.has_base_time);
	g_assert_cmpint(cfg.base_time, ==, 1150560081);
	g_assert_cmpint(rtc_parse_option(&cfg, "base=2006-06-17,clock=vm,driftfix=none",
					 &err), ==, 0);
	g_assert_cmpint(cfg.base_time, ==, 1150502400);
	g_assert_cmpint(rtc_parse_option(&cfg, "base=localtime", &err), ==, 0);
	g_assert_false(cfg.has_base_time);
	g_assert_false(cfg.utc);
	g_assert_cmpint(rtc_parse_option(&cfg, "base=utc", &err), ==, 0);
	g_assert_true(cfg.utc);

	static const char *const bad[] = {
		"base=yesterday", "base=2006-13-01", "base=2006-06-17T25:00:00",
		"base=2006-06-17X", "clock=wall", "driftfix=fast", "bogus=1", "utc",
	};
	for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_assert_cmpint(rtc_parse_option(&cfg, bad[i], &err), ==, -EINVAL);
		g_assert_nonnull(err);
		g_clear_error(&err);
	}

	/* the configured base shows up in the registers */
	{
		struct machine *m = machine_new(NULL);
		struct rtc *s;

		g_assert_cmpint(rtc_parse_option(&cfg, "base=2006-06-17T16:01:21", &err), ==, 0);
		s = rtc_create(m, &cfg, &err);
		g_assert_no_error(err);
		g_assert_cmpint(rtc_get_time(s), ==, 1150560081);
		g_assert_cmphex(cmos_in(m, RTC_HOURS), ==, 0x16);
	}
}

/* base=localtime: the registers show the host's local time. */
static void test_localtime(void)
{
	struct rtc_config cfg = RTC_CONFIG_DEFAULT;
	struct machine *m = machine_new(NULL);
	GError *err = NULL;
	int64_t host, t;

	g_setenv("TZ", "UTC-2", TRUE);
	tzset();
	cfg.utc = false;
	host = g_get_real_time() / G_USEC_PER_SEC;
	t = rtc_get_time(rtc_create(m, &cfg, &err));
	g_assert_no_error(err);
	g_assert_cmpint(t, >=, host + 7200);
	g_assert_cmpint(t, <=, host + 7201);
	g_unsetenv("TZ");
	tzset();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/rtc-unit/base-time", test_base_time);
	g_test_add_func("/rtc-unit/no-idle-timer", test_no_idle_timer);
	g_test_add_func("/rtc-unit/vmstate-and-reset", test_vmstate_and_reset);
	g_test_add_func("/rtc-unit/hostile-registers", test_hostile_registers);
	g_test_add_func("/rtc-unit/parse-option", test_parse_option);
	g_test_add_func("/rtc-unit/localtime", test_localtime);
	return g_test_run();
}
