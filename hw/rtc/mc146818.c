// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MC146818A real-time clock with 128 bytes of CMOS RAM (ports 0x70/0x71,
 * ISA IRQ 8), after the Motorola datasheet (registers A-D), the behaviour
 * QEMU's pc machine shows (reset values A 0x26, B 0x02, D 0x80; port 0x70
 * reads 0xff) and docs/machine-contract.md section 5.
 *
 * Time model: while the clock runs, the guest's time is base_sec plus the
 * virtual time elapsed since base_ns, so it stops while the VM is paused and
 * is exact under qtest's clock_step; the clock registers are regenerated
 * from it when read.  While SET is on or the divider is stopped, the
 * registers themselves hold the time.  Interrupt flags are computed lazily
 * (when C is read or the configuration changes); the timer is armed only
 * for an enabled interrupt whose flag is still clear, so an idle RTC costs
 * nothing.  IRQ 8 is a level that stays high until register C is read.
 *
 * Left out: the square-wave pin (SQWE only keeps the periodic flag going),
 * daylight saving (DSE is stored), the 4.19/1.05 MHz time bases (every
 * running divider setting counts at 32.768 kHz), lost-tick reinjection and
 * the second CMOS bank at 0x72/0x73.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/log.h"
#include "core/machine.h"
#include "hw/rtc/mc146818.h"

#define RTC_FREQ	32768
/* UIP rises 8 ticks (244 us) before each update */
#define RTC_UIP_NS	(8 * NS_PER_SEC / RTC_FREQ)
#define RTC_NO_ALARM	INT64_MAX
#define RTC_IRQ_FLAGS	(RTC_C_PF | RTC_C_AF | RTC_C_UF)

struct rtc {
	struct device dev;
	struct rtc_config cfg;
	struct mem_region io;
	struct irq_line *irq;
	struct timer timer;

	uint8_t cmos[RTC_CMOS_SIZE];
	uint8_t index;
	uint8_t nmi_masked;
	uint8_t irq_level;
	int64_t base_sec;	/* RTC second that began at virtual time base_ns */
	int64_t base_ns;
	int64_t last_sec;	/* RTC second at the last flag update */
	int64_t next_alarm;	/* first RTC second after last_sec matching the alarm */
	int64_t div_base_ns;	/* virtual time the divider chain started */
	int64_t last_period;	/* periodic interval index at the last flag update */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b) != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

static int64_t rtc_vclock(struct rtc *s)
{
	return vclock_ns(&s->dev.m->clock);
}

/* The divider chain counts (DV = 000, 001 or 010). */
static bool rtc_osc_on(struct rtc *s)
{
	return (s->cmos[RTC_REG_A] & RTC_A_DV_MASK) <= 0x20;
}

/* The time advances: divider counting and SET clear. */
static bool rtc_running(struct rtc *s)
{
	return rtc_osc_on(s) && !(s->cmos[RTC_REG_B] & RTC_B_SET);
}

static bool rtc_binary(struct rtc *s)
{
	return s->cmos[RTC_REG_B] & RTC_B_DM_BINARY;
}

static uint8_t rtc_to_reg(struct rtc *s, int v)
{
	if (rtc_binary(s))
		return v;
	return ((v / 10) << 4) | (v % 10);
}

static int rtc_from_reg(struct rtc *s, uint8_t v)
{
	if (rtc_binary(s))
		return v;
	return (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t rtc_hour_to_reg(struct rtc *s, int h)
{
	int h12 = h % 12 ? h % 12 : 12;

	if (s->cmos[RTC_REG_B] & RTC_B_24H)
		return rtc_to_reg(s, h);
	return rtc_to_reg(s, h12) | (h >= 12 ? 0x80 : 0);
}

static int rtc_hour_from_reg(struct rtc *s, uint8_t v)
{
	int h;

	if (s->cmos[RTC_REG_B] & RTC_B_24H)
		return rtc_from_reg(s, v);
	h = rtc_from_reg(s, v & 0x7f) % 12;
	return (v & 0x80) ? h + 12 : h;
}

/* Current RTC second and the nanoseconds into it (only while running). */
static int64_t rtc_cur_sec(struct rtc *s, int64_t now, int64_t *frac)
{
	int64_t elapsed = now - s->base_ns;

	if (frac)
		*frac = floor_mod(elapsed, NS_PER_SEC);
	return s->base_sec + floor_div(elapsed, NS_PER_SEC);
}

/* Virtual time at which RTC second sec begins (INT64_MAX if too far). */
static int64_t rtc_sec_start(struct rtc *s, int64_t sec)
{
	int64_t d = sec - s->base_sec;

	/* base_ns may be negative (a clock set before time 0): no overflow */
	if (d > INT64_MAX / NS_PER_SEC / 4 || d < -(INT64_MAX / NS_PER_SEC / 4))
		return d > 0 ? INT64_MAX : INT64_MIN / 2;
	return s->base_ns + d * NS_PER_SEC;
}

/* Write the broken-down form of sec into the clock registers. */
static void rtc_store_time(struct rtc *s, int64_t sec)
{
	time_t t = sec;
	struct tm tm;
	int year;

	if (!gmtime_r(&t, &tm))
		return;
	year = CLAMP(tm.tm_year + 1900, 0, 9999);
	s->cmos[RTC_SECONDS] = rtc_to_reg(s, tm.tm_sec);
	s->cmos[RTC_MINUTES] = rtc_to_reg(s, tm.tm_min);
	s->cmos[RTC_HOURS] = rtc_hour_to_reg(s, tm.tm_hour);
	s->cmos[RTC_DAY_OF_WEEK] = rtc_to_reg(s, tm.tm_wday + 1);
	s->cmos[RTC_DAY_OF_MONTH] = rtc_to_reg(s, tm.tm_mday);
	s->cmos[RTC_MONTH] = rtc_to_reg(s, tm.tm_mon + 1);
	s->cmos[RTC_YEAR] = rtc_to_reg(s, year % 100);
	s->cmos[RTC_CENTURY] = rtc_to_reg(s, year / 100);
}

/* Seconds since the epoch that the clock registers say (day of week ignored). */
static int64_t rtc_load_time(struct rtc *s)
{
	struct tm tm = { 0 };
	int year;

	tm.tm_sec = rtc_from_reg(s, s->cmos[RTC_SECONDS]);
	tm.tm_min = rtc_from_reg(s, s->cmos[RTC_MINUTES]);
	tm.tm_hour = rtc_hour_from_reg(s, s->cmos[RTC_HOURS]);
	tm.tm_mday = rtc_from_reg(s, s->cmos[RTC_DAY_OF_MONTH]);
	tm.tm_mon = rtc_from_reg(s, s->cmos[RTC_MONTH]) - 1;
	year = rtc_from_reg(s, s->cmos[RTC_YEAR]) +
	       rtc_from_reg(s, s->cmos[RTC_CENTURY]) * 100;
	tm.tm_year = year - 1900;
	return timegm(&tm);
}

/* Alarm field: -1 don't care (0xC0-0xFF), -2 never matches, else value. */
static int rtc_alarm_field(struct rtc *s, uint8_t v, int limit)
{
	int x;

	if ((v & 0xc0) == 0xc0)
		return -1;
	x = rtc_from_reg(s, v);
	return x < limit ? x : -2;
}

static int rtc_alarm_hour(struct rtc *s, uint8_t v)
{
	int h;

	if ((v & 0xc0) == 0xc0)
		return -1;
	if (s->cmos[RTC_REG_B] & RTC_B_24H)
		return rtc_alarm_field(s, v, 24);
	h = rtc_from_reg(s, v & 0x7f);
	if (h < 1 || h > 12)
		return -2;
	return (h % 12) + ((v & 0x80) ? 12 : 0);
}

/* First second after 'after' whose time of day matches the alarm. */
static int64_t rtc_find_alarm(struct rtc *s, int64_t after)
{
	int as = rtc_alarm_field(s, s->cmos[RTC_SECONDS_ALARM], 60);
	int am = rtc_alarm_field(s, s->cmos[RTC_MINUTES_ALARM], 60);
	int ah = rtc_alarm_hour(s, s->cmos[RTC_HOURS_ALARM]);
	int64_t start = after + 1;
	int64_t minute = floor_div(start, 60) * 60;

	if (as == -2 || am == -2 || ah == -2)
		return RTC_NO_ALARM;
	/* 24 hours and one minute cover every pattern */
	for (int k = 0; k <= 24 * 60; k++, minute += 60) {
		int64_t tod = floor_mod(minute, 86400);
		int first = start > minute ? start - minute : 0;

		if ((ah >= 0 && ah != tod / 3600) ||
		    (am >= 0 && am != (tod / 60) % 60))
			continue;
		if (as < 0)
			return minute + first;
		if (as >= first)
			return minute + as;
	}
	return RTC_NO_ALARM;
}

/* Start counting from second sec, frac ns into it, as of now. */
static void rtc_set_base(struct rtc *s, int64_t sec, int64_t frac)
{
	s->base_sec = sec;
	s->base_ns = rtc_vclock(s) - frac;
	s->last_sec = sec;
	s->next_alarm = rtc_find_alarm(s, sec);
}

/* Periodic interval in 32 kHz ticks, 0 when off (RS = 0 or divider stopped). */
static int rtc_period(struct rtc *s)
{
	int rs = s->cmos[RTC_REG_A] & RTC_A_RS_MASK;

	if (!rs || !rtc_osc_on(s))
		return 0;
	if (rs <= 2)
		rs += 7;
	return 1 << (rs - 1);
}

static bool rtc_periodic_on(struct rtc *s)
{
	return rtc_period(s) &&
	       (s->cmos[RTC_REG_B] & (RTC_B_PIE | RTC_B_SQWE));
}

static int64_t rtc_ticks(struct rtc *s, int64_t now)
{
	int64_t ns = MAX(now - s->div_base_ns, 0);

	return (ns / NS_PER_SEC) * RTC_FREQ + (ns % NS_PER_SEC) * RTC_FREQ / NS_PER_SEC;
}

static int64_t rtc_tick_ns(struct rtc *s, int64_t ticks)
{
	return s->div_base_ns + (ticks / RTC_FREQ) * NS_PER_SEC +
	       ((ticks % RTC_FREQ) * NS_PER_SEC + RTC_FREQ - 1) / RTC_FREQ;
}

static void rtc_restart_periodic(struct rtc *s)
{
	int p = rtc_period(s);

	if (p)
		s->last_period = rtc_ticks(s, rtc_vclock(s)) / p;
}

/* Raise the flags of the events that happened since the last call. */
static void rtc_sync(struct rtc *s)
{
	int64_t now = rtc_vclock(s);
	int p = rtc_period(s);

	if (rtc_running(s)) {
		int64_t sec = rtc_cur_sec(s, now, NULL);

		if (sec > s->last_sec) {
			s->cmos[RTC_REG_C] |= RTC_C_UF;
			if (sec >= s->next_alarm) {
				s->cmos[RTC_REG_C] |= RTC_C_AF;
				s->next_alarm = rtc_find_alarm(s, sec);
				/* wakes a guest in S3 if it enabled RTC_EN */
				if (s->cmos[RTC_REG_B] & RTC_B_AIE)
					machine_request_wakeup(s->dev.m, MACHINE_WAKE_RTC);
			}
			s->last_sec = sec;
		}
	}
	if (rtc_periodic_on(s)) {
		int64_t idx = rtc_ticks(s, now) / p;

		if (idx > s->last_period) {
			s->cmos[RTC_REG_C] |= RTC_C_PF;
			s->last_period = idx;
		}
	}
}

/* IRQF and the IRQ 8 level follow the enabled flags. */
static void rtc_update_irq(struct rtc *s)
{
	uint8_t *c = &s->cmos[RTC_REG_C];
	int level = (*c & s->cmos[RTC_REG_B] & RTC_IRQ_FLAGS) != 0;

	if (level)
		*c |= RTC_C_IRQF;
	else
		*c &= ~RTC_C_IRQF;
	if (level != s->irq_level) {
		s->irq_level = level;
		irq_set(s->irq, level);
	}
}

/* Arm the timer for the earliest enabled event whose flag is clear. */
static void rtc_rearm(struct rtc *s)
{
	uint8_t b = s->cmos[RTC_REG_B], c = s->cmos[RTC_REG_C];
	int64_t dl = INT64_MAX;
	int p = rtc_period(s);

	if (rtc_running(s)) {
		if ((b & RTC_B_UIE) && !(c & RTC_C_UF))
			dl = MIN(dl, rtc_sec_start(s, s->last_sec + 1));
		if ((b & RTC_B_AIE) && !(c & RTC_C_AF) &&
		    s->next_alarm != RTC_NO_ALARM)
			dl = MIN(dl, rtc_sec_start(s, s->next_alarm));
	}
	if (p && (b & RTC_B_PIE) && !(c & RTC_C_PF))
		dl = MIN(dl, rtc_tick_ns(s, (s->last_period + 1) * p));
	if (dl == INT64_MAX)
		timer_del(&s->timer);
	else
		timer_mod(&s->timer, dl);
}

static void rtc_timer_cb(void *opaque)
{
	struct rtc *s = opaque;

	rtc_sync(s);
	rtc_update_irq(s);
	rtc_rearm(s);
}

/* Bring the clock registers up to date while the clock runs. */
static void rtc_refresh_regs(struct rtc *s)
{
	if (rtc_running(s))
		rtc_store_time(s, rtc_cur_sec(s, rtc_vclock(s), NULL));
}

static uint8_t rtc_read_a(struct rtc *s)
{
	uint8_t val = s->cmos[RTC_REG_A] & ~RTC_A_UIP;
	int64_t frac;

	if (rtc_running(s)) {
		rtc_cur_sec(s, rtc_vclock(s), &frac);
		if (frac >= NS_PER_SEC - RTC_UIP_NS)
			val |= RTC_A_UIP;
	}
	return val;
}

static uint8_t rtc_read_c(struct rtc *s)
{
	uint8_t val;

	rtc_sync(s);
	rtc_update_irq(s);
	val = s->cmos[RTC_REG_C];
	s->cmos[RTC_REG_C] = 0;
	rtc_update_irq(s);
	rtc_rearm(s);
	return val;
}

static uint8_t rtc_read_data(struct rtc *s)
{
	uint8_t idx = s->index;

	switch (idx) {
	case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS:
	case RTC_DAY_OF_WEEK: case RTC_DAY_OF_MONTH: case RTC_MONTH:
	case RTC_YEAR: case RTC_CENTURY:
		rtc_refresh_regs(s);
		return s->cmos[idx];
	case RTC_REG_A:
		return rtc_read_a(s);
	case RTC_REG_C:
		return rtc_read_c(s);
	case RTC_REG_D:
		return RTC_D_VRT;
	default:
		return s->cmos[idx];
	}
}

/*
 * Apply a change of register A or B.  The time survives the change: if the
 * clock was running, its registers are brought up to date first; if it
 * starts running, it starts from its registers (half a second before the
 * first update when the divider leaves reset, as the datasheet says).
 */
static void rtc_write_ctl(struct rtc *s, uint8_t idx, uint8_t val)
{
	bool was_running = rtc_running(s), was_osc = rtc_osc_on(s);
	bool was_periodic = rtc_periodic_on(s);
	int old_period = rtc_period(s);
	int64_t frac = 0;

	rtc_sync(s);
	if (was_running)
		rtc_store_time(s, rtc_cur_sec(s, rtc_vclock(s), &frac));
	if (idx == RTC_REG_A) {
		s->cmos[RTC_REG_A] = val & ~RTC_A_UIP;
	} else {
		if (val & RTC_B_SET)
			val &= ~RTC_B_UIE;
		s->cmos[RTC_REG_B] = val;
	}
	if (!was_osc && rtc_osc_on(s)) {
		s->div_base_ns = rtc_vclock(s);
		frac = NS_PER_SEC / 2;
	}
	if (rtc_running(s)) {
		if (!was_running)
			rtc_set_base(s, rtc_load_time(s), frac);
		else
			s->next_alarm = rtc_find_alarm(s, s->last_sec);
	}
	if (rtc_periodic_on(s) &&
	    (!was_periodic || old_period != rtc_period(s) || !was_osc))
		rtc_restart_periodic(s);
	rtc_update_irq(s);
	rtc_rearm(s);
}

static void rtc_write_time(struct rtc *s, uint8_t idx, uint8_t val)
{
	int64_t frac;

	if (!rtc_running(s)) {
		s->cmos[idx] = val;
		return;
	}
	rtc_sync(s);
	rtc_store_time(s, rtc_cur_sec(s, rtc_vclock(s), &frac));
	s->cmos[idx] = val;
	rtc_set_base(s, rtc_load_time(s), frac);
	rtc_update_irq(s);
	rtc_rearm(s);
}

static void rtc_write_alarm(struct rtc *s, uint8_t idx, uint8_t val)
{
	rtc_sync(s);
	s->cmos[idx] = val;
	s->next_alarm = rtc_find_alarm(s, s->last_sec);
	rtc_update_irq(s);
	rtc_rearm(s);
}

static void rtc_write_data(struct rtc *s, uint8_t val)
{
	uint8_t idx = s->index;

	switch (idx) {
	case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS:
	case RTC_DAY_OF_WEEK: case RTC_DAY_OF_MONTH: case RTC_MONTH:
	case RTC_YEAR: case RTC_CENTURY:
		rtc_write_time(s, idx, val);
		break;
	case RTC_SECONDS_ALARM: case RTC_MINUTES_ALARM: case RTC_HOURS_ALARM:
		rtc_write_alarm(s, idx, val);
		break;
	case RTC_REG_A: case RTC_REG_B:
		rtc_write_ctl(s, idx, val);
		break;
	case RTC_REG_C: case RTC_REG_D:
		guest_error("rtc: write 0x%02x to read-only register 0x%02x", val, idx);
		break;
	default:
		s->cmos[idx] = val;
		break;
	}
}

static uint64_t rtc_io_read(void *opaque, uint64_t addr, unsigned size)
{
	struct rtc *s = opaque;

	if (addr == 0)
		return 0xff;
	return rtc_read_data(s);
}

static void rtc_io_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct rtc *s = opaque;

	if (addr == 0) {
		s->index = val & 0x7f;
		s->nmi_masked = (val >> 7) & 1;
		return;
	}
	rtc_write_data(s, val);
}

static const struct mem_ops rtc_io_ops = {
	.read = rtc_io_read,
	.write = rtc_io_write,
	.min_access = 1,
	.max_access = 1,
};

/* Host time at start: seconds and nanoseconds into the second. */
static int64_t rtc_host_time(struct rtc *s, int64_t *frac)
{
	int64_t us = g_get_real_time();
	int64_t sec = floor_div(us, 1000000);
	time_t t = sec;
	struct tm tm;

	*frac = floor_mod(us, 1000000) * 1000;
	if (!s->cfg.utc && localtime_r(&t, &tm))
		sec += tm.tm_gmtoff;
	return sec;
}

static int rtc_realize(struct device *dev, GError **err)
{
	struct rtc *s = container_of(dev, struct rtc, dev);
	struct machine *m = dev->m;
	int64_t sec, frac = 0;
	int ret;

	if (s->cfg.iobase == 0) {
		s->cfg.iobase = 0x70;
		s->cfg.irq = 8;
	}
	s->irq = s->cfg.out ? s->cfg.out : machine_gsi(m, s->cfg.irq);
	timer_init(&s->timer, &m->clock, rtc_timer_cb, s);
	s->cmos[RTC_REG_A] = 0x26;
	s->cmos[RTC_REG_B] = RTC_B_24H;
	s->cmos[RTC_REG_C] = 0;
	s->cmos[RTC_REG_D] = RTC_D_VRT;
	s->div_base_ns = rtc_vclock(s);
	sec = s->cfg.has_base_time ? s->cfg.base_time : rtc_host_time(s, &frac);
	rtc_set_base(s, sec, frac);
	rtc_store_time(s, sec);

	mr_init_io(&s->io, "rtc", 2, &rtc_io_ops, s);
	ret = as_add(&m->io, &s->io, s->cfg.iobase);
	if (ret < 0) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_EXISTS,
			    "rtc: cannot claim I/O ports 0x%x-0x%x: %s",
			    s->cfg.iobase, s->cfg.iobase + 1, g_strerror(-ret));
		return ret;
	}
	return 0;
}

/* The RESET pin: interrupt enables and flags clear, time and RAM survive. */
static void rtc_reset(struct device *dev)
{
	struct rtc *s = container_of(dev, struct rtc, dev);

	s->cmos[RTC_REG_B] &= ~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE | RTC_B_SQWE);
	s->cmos[RTC_REG_C] = 0;
	if (rtc_running(s)) {
		s->last_sec = rtc_cur_sec(s, rtc_vclock(s), NULL);
		s->next_alarm = rtc_find_alarm(s, s->last_sec);
	}
	rtc_update_irq(s);
	rtc_rearm(s);
}

/* |v| < limit: stream times the arithmetic above cannot overflow with */
static bool rtc_in_range(int64_t v, int64_t limit)
{
	return v > -limit && v < limit;
}

static int rtc_post_load(void *opaque)
{
	struct rtc *s = opaque;
	const int64_t ns = INT64_C(1) << 62, sec = INT64_C(1) << 40;

	if (!rtc_in_range(s->base_ns, ns) || !rtc_in_range(s->div_base_ns, ns) ||
	    !rtc_in_range(s->base_sec, sec) || !rtc_in_range(s->last_sec, sec) ||
	    !rtc_in_range(s->last_period, ns) ||
	    (s->next_alarm != RTC_NO_ALARM && !rtc_in_range(s->next_alarm, sec))) {
		error_report("mc146818rtc: the stream's clock values are out of range");
		return -EINVAL;
	}
	s->index &= 0x7f;
	s->irq_level = 0xff; /* force the line to the restored level */
	rtc_update_irq(s);
	rtc_rearm(s);
	return 0;
}

static const struct vmstate_field rtc_vmstate_fields[] = {
	VMSTATE_U8_ARRAY(struct rtc, cmos),
	VMSTATE_U8(struct rtc, index),
	VMSTATE_U8(struct rtc, nmi_masked),
	VMSTATE_I64(struct rtc, base_sec),
	VMSTATE_I64(struct rtc, base_ns),
	VMSTATE_I64(struct rtc, last_sec),
	VMSTATE_I64(struct rtc, next_alarm),
	VMSTATE_I64(struct rtc, div_base_ns),
	VMSTATE_I64(struct rtc, last_period),
	VMSTATE_END,
};

static const struct vmstate_desc rtc_vmstate = {
	.name = "mc146818rtc",
	.version = 1,
	.fields = rtc_vmstate_fields,
	.post_load = rtc_post_load,
};

const struct device_class rtc_class = {
	.name = "mc146818rtc",
	.bus = "ISA",
	.desc = "MC146818A real-time clock and CMOS RAM",
	.instance_size = sizeof(struct rtc),
	.user_creatable = false,
	.realize = rtc_realize,
	.reset = rtc_reset,
	.vmsd = &rtc_vmstate,
};

static void rtc_setup(struct device *d, const void *cfg)
{
	container_of(d, struct rtc, dev)->cfg = *(const struct rtc_config *)cfg;
}

struct rtc *rtc_create(struct machine *m, const struct rtc_config *cfg, GError **err)
{
	struct device *d = device_create(m, &rtc_class, "rtc", rtc_setup, cfg, err);

	return d ? container_of(d, struct rtc, dev) : NULL;
}

void rtc_set_cmos(struct rtc *s, int index, uint8_t val)
{
	if (index >= 0 && index < RTC_CMOS_SIZE)
		s->cmos[index] = val;
}

uint8_t rtc_get_cmos(struct rtc *s, int index)
{
	if (index < 0 || index >= RTC_CMOS_SIZE)
		return 0xff;
	return s->cmos[index];
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" as UTC seconds; false if malformed. */
static bool rtc_parse_date(const char *str, int64_t *out)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;

	if (sscanf(str, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return false;
	if (str[n] == 'T') {
		int n2 = 0;

		if (sscanf(str + n + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &n2) != 3)
			return false;
		n += 1 + n2;
	}
	if (str[n] || y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 59 || h < 0 || mi < 0 || sec < 0)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm);
	return true;
}

static int rtc_parse_base(struct rtc_config *cfg, const char *base, GError **err)
{
	if (!strcmp(base, "utc")) {
		cfg->utc = true;
		cfg->has_base_time = false;
	} else if (!strcmp(base, "localtime")) {
		cfg->utc = false;
		cfg->has_base_time = false;
	} else if (rtc_parse_date(base, &cfg->base_time)) {
		cfg->has_base_time = true;
	} else {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "invalid datetime format for -rtc base: '%s' "
			    "(valid: utc, localtime, 2006-06-17T16:01:21, 2006-06-17)", base);
		return -EINVAL;
	}
	return 0;
}

int rtc_parse_option(struct rtc_config *cfg, const char *spec, GError **err)
{
	struct opts *o = opts_parse(spec, NULL, err);
	const char *v;
	int ret = 0;

	if (!o)
		return -EINVAL;
	v = opts_get(o, "base");
	if (v)
		ret = rtc_parse_base(cfg, v, err);
	v = opts_get(o, "clock");
	if (!ret && v && strcmp(v, "vm")) {
		if (strcmp(v, "host") && strcmp(v, "rt")) {
			g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
				    "invalid -rtc clock '%s' (host, rt or vm)", v);
			ret = -EINVAL;
		} else {
			warn_report("-rtc clock=%s: the RTC follows the VM clock", v);
		}
	}
	v = opts_get(o, "driftfix");
	if (!ret && v && strcmp(v, "none")) {
		if (strcmp(v, "slew")) {
			g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
				    "invalid -rtc driftfix '%s' (none or slew)", v);
			ret = -EINVAL;
		} else {
			warn_report("-rtc driftfix=slew is not supported; lost ticks are dropped");
		}
	}
	if (!ret)
		ret = opts_check_unused(o, "-rtc", err);
	opts_free(o);
	return ret < 0 ? -EINVAL : 0;
}

int64_t rtc_get_time(struct rtc *s)
{
	if (rtc_running(s))
		return rtc_cur_sec(s, rtc_vclock(s), NULL);
	return rtc_load_time(s);
}
