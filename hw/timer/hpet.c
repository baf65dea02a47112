// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * High Precision Event Timer, as QEMU 7.2's pc machine has it (IA-PC HPET
 * specification 1.0a): one block at 0xfed00000 with ID 0x8086a201 (vendor
 * 8086, three comparators, 64-bit main counter, legacy replacement capable)
 * counting 100 MHz ticks of the virtual clock.  The main counter runs only
 * while ENABLE_CNF is set.  Each comparator is one-shot or periodic, 64 or
 * 32 bits wide (32-bit one-shots also fire when the counter wraps), edge or
 * level triggered; level interrupts latch the status register, which the
 * guest clears by writing ones.  Routing capability is IOAPIC input 2 only,
 * as QEMU's i440FX advertises (the route field still takes any GSI, as in
 * QEMU).  The legacy replacement route sends timer 0 to IRQ 0 and timer 1
 * to IRQ 8, stops the accelerator's PIT and holds back the RTC's output.
 * Register behaviour follows QEMU 7.2, checked by tests/qtest/hpet-test.c:
 * 32-bit accesses (64-bit ones are two halves, but read the counter once);
 * anything else reads 0 and is ignored.
 *
 * -global hpet.timers=3..32, hpet.msi=on (FSB delivery advertised) and
 * hpet.hpet-intcap as QEMU's properties.
 *
 * Left out: FSB (MSI) delivery is not advertised by default (QEMU's pc does
 * not); a guest that sets FSB_EN anyway gets its message sent, as in QEMU.  A
 * periodic comparator fires at most every HPET_MIN_PERIOD_NS of virtual
 * time; faster periods lose ticks (the comparator still steps by the
 * period), so a period of one tick cannot swamp the I/O thread.
 */
#include <errno.h>
#include <string.h>

#include "hw/timer/hpet.h"
#include "core/global.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/vmstate.h"

#define HPET_CAP_ID		0x8086a001u	/* | (timers - 1) << 8 */
#define HPET_CFG_WRITABLE	(HPET_CFG_ENABLE | HPET_CFG_LEGACY)
#define HPET_TN_WRITABLE	0x7f4eu	/* QEMU's HPET_TN_CFG_WRITE_MASK */
#define HPET_INTCAP_PC		0x4u	/* IOAPIC input 2, as QEMU's i440FX */
#define HPET_MIN_PERIOD_NS	10000	/* periodic interrupts: at most 100 kHz */
#define HPET_LEGACY_PIT_IRQ	0
#define HPET_LEGACY_RTC_IRQ	8

struct hpet_timer {
	struct hpet *s;
	int n;
	struct timer timer;
};

struct hpet {
	struct device dev;
	struct mem_region mmio;
	struct irq_line rtc_in;
	struct hpet_timer t[HPET_MAX_TIMERS];
	/* -global hpet.timers, .msi, .hpet-intcap */
	uint8_t num_timers;
	bool msi;
	uint32_t intcap;
	/* saved state */
	uint64_t config, isr;
	uint64_t counter;	/* while enabled: the count at ns_base */
	int64_t ns_base;	/* virtual ns when the counter was last enabled */
	uint64_t tcfg[HPET_MAX_TIMERS], cmp[HPET_MAX_TIMERS];
	uint64_t period[HPET_MAX_TIMERS], fsb[HPET_MAX_TIMERS];
	uint8_t wrap[HPET_MAX_TIMERS];	/* next expiry is the 32-bit wrap */
	uint32_t armed;			/* bit n: timer n's host timer pending */
	uint8_t saved_timers;		/* num_timers, checked on restore */
	uint8_t rtc_level;
};

static bool hpet_enabled(struct hpet *s)
{
	return s->config & HPET_CFG_ENABLE;
}

static bool hpet_legacy(struct hpet *s)
{
	return s->config & HPET_CFG_LEGACY;
}

/* A comparator's read-only bits: routing capability and what it can do. */
static uint64_t hpet_tcfg_reset(struct hpet *s)
{
	return ((uint64_t)s->intcap << 32) | HPET_TN_PERIODIC_CAP | HPET_TN_SIZE_CAP |
	       (s->msi ? HPET_TN_FSB_CAP : 0);
}

static uint64_t hpet_ticks(struct hpet *s)
{
	int64_t delta;

	if (!hpet_enabled(s))
		return s->counter;
	delta = vclock_ns(&s->dev.m->clock) - s->ns_base;
	return s->counter + (delta > 0 ? (uint64_t)delta / HPET_NS_PER_TICK : 0);
}

static void hpet_set_line(struct hpet *s, int gsi, int level)
{
	irq_set(machine_gsi(s->dev.m, gsi), level);
}

static int hpet_route(struct hpet *s, int n)
{
	if (n <= 1 && hpet_legacy(s))
		return n == 0 ? HPET_LEGACY_PIT_IRQ : HPET_LEGACY_RTC_IRQ;
	return (s->tcfg[n] & HPET_TN_ROUTE_MASK) >> HPET_TN_ROUTE_SHIFT;
}

/* FSB delivery: a 32-bit store of the data word at the address word. */
static void hpet_fsb_send(struct hpet *s, int n)
{
	uint64_t addr = s->fsb[n] >> 32;
	uint32_t data = (uint32_t)s->fsb[n];

	if ((addr >> 20) == 0xfee) {
		if (machine_signal_msi(s->dev.m, addr, data) < 0)
			guest_error("hpet: timer %d FSB message to 0x%" G_GINT64_MODIFIER "x not delivered",
				    n, addr);
		return;
	}
	as_write(&s->dev.m->mem, addr, data, 4);
}

/* Raise (set) or clear timer n's interrupt, as QEMU's update_irq. */
static void hpet_irq(struct hpet *s, int n, bool set)
{
	uint64_t c = s->tcfg[n];
	uint32_t bit = 1u << n;
	int route = hpet_route(s, n);

	if (!set || !(c & HPET_TN_INT_ENABLE) || !hpet_enabled(s)) {
		s->isr &= ~bit;
		if (!(c & HPET_TN_FSB_ENABLE))
			hpet_set_line(s, route, 0);
	} else if (c & HPET_TN_FSB_ENABLE) {
		hpet_fsb_send(s, n);
	} else if (c & HPET_TN_LEVEL) {
		s->isr |= bit;
		hpet_set_line(s, route, 1);
	} else {
		s->isr &= ~bit;
		hpet_set_line(s, route, 1);
		hpet_set_line(s, route, 0);
	}
}

/* Ticks from cur until timer n's comparator matches; at least 1. */
static uint64_t hpet_diff(struct hpet *s, int n, uint64_t cur)
{
	if (s->tcfg[n] & HPET_TN_32BIT) {
		uint32_t d = (uint32_t)s->cmp[n] - (uint32_t)cur;

		return (int32_t)d > 0 ? d : 1;
	}
	uint64_t d = s->cmp[n] - cur;

	return (int64_t)d > 0 ? d : 1;
}

/* Expire timer n when the counter reaches cur + diff, min_ns from now at the soonest. */
static void hpet_schedule(struct hpet *s, int n, uint64_t cur, uint64_t diff, int64_t min_ns)
{
	int64_t now = vclock_ns(&s->dev.m->clock);
	uint64_t ahead = cur - s->counter + diff;	/* ticks since ns_base */
	int64_t dl;

	if (ahead > (uint64_t)(INT64_MAX - 1 - MAX(s->ns_base, 0)) / HPET_NS_PER_TICK) {
		/* centuries away: the virtual clock ends first */
		timer_del(&s->t[n].timer);
		s->armed &= ~(1u << n);
		return;
	}
	dl = s->ns_base + (int64_t)ahead * HPET_NS_PER_TICK;
	if (dl < now + min_ns)
		dl = now + min_ns;
	timer_mod(&s->t[n].timer, dl);
	s->armed |= 1u << n;
}

/* Arm timer n for its comparator (QEMU's hpet_set_timer); counter running. */
static void hpet_arm(struct hpet *s, int n)
{
	uint64_t cur = hpet_ticks(s), diff;

	if (!hpet_enabled(s))
		return;
	s->wrap[n] = 0;
	diff = hpet_diff(s, n, cur);
	if ((s->tcfg[n] & HPET_TN_32BIT) && !(s->tcfg[n] & HPET_TN_PERIODIC)) {
		uint32_t to_wrap = 0xffffffffu - (uint32_t)cur;

		if (to_wrap < diff) {
			diff = to_wrap;
			s->wrap[n] = 1;
		}
	}
	hpet_schedule(s, n, cur, diff, 0);
}

static void hpet_disarm(struct hpet *s, int n)
{
	timer_del(&s->t[n].timer);
	s->armed &= ~(1u << n);
	hpet_irq(s, n, false);
}

/* Step a periodic comparator past cur by whole periods, without looping. */
static void hpet_advance(struct hpet *s, int n, uint64_t cur)
{
	if (s->tcfg[n] & HPET_TN_32BIT) {
		uint32_t p = (uint32_t)s->period[n], c = (uint32_t)s->cmp[n];
		int32_t behind = (int32_t)((uint32_t)cur - c);

		if (behind >= 0)
			c += ((uint32_t)behind / p + 1) * p;
		s->cmp[n] = c;
		return;
	}
	int64_t behind = (int64_t)(cur - s->cmp[n]);

	if (behind >= 0)
		s->cmp[n] += ((uint64_t)behind / s->period[n] + 1) * s->period[n];
}

static bool hpet_has_period(struct hpet *s, int n)
{
	if (!(s->tcfg[n] & HPET_TN_PERIODIC))
		return false;
	if (s->tcfg[n] & HPET_TN_32BIT)
		return (uint32_t)s->period[n] != 0;
	return s->period[n] != 0;
}

static void hpet_timer_cb(void *opaque)
{
	struct hpet_timer *t = opaque;
	struct hpet *s = t->s;
	int n = t->n;
	uint64_t cur = hpet_ticks(s);

	s->armed &= ~(1u << n);
	if (hpet_has_period(s, n)) {
		hpet_advance(s, n, cur);
		hpet_schedule(s, n, cur, hpet_diff(s, n, cur), HPET_MIN_PERIOD_NS);
	} else if (s->wrap[n]) {
		s->wrap[n] = 0;
		hpet_schedule(s, n, cur, hpet_diff(s, n, cur), 0);
	}
	hpet_irq(s, n, true);
}

static void hpet_pit_enable(struct hpet *s, bool on)
{
	int ret = machine_pit_set_hpet_legacy(s->dev.m, !on);

	if (ret < 0 && ret != -ENOTSUP)
		error_report("hpet: cannot %s the PIT's IRQ 0: %s", on ? "restore" : "stop",
			     g_strerror(-ret));
}

static void hpet_write_config(struct hpet *s, uint32_t val)
{
	uint64_t old = s->config;

	s->config = (old & ~(uint64_t)HPET_CFG_WRITABLE) | (val & HPET_CFG_WRITABLE);
	if (!(old & HPET_CFG_ENABLE) && (val & HPET_CFG_ENABLE)) {
		s->ns_base = vclock_ns(&s->dev.m->clock);
		for (int n = 0; n < s->num_timers; n++)
			if (s->cmp[n] != ~0ULL)
				hpet_arm(s, n);
	} else if ((old & HPET_CFG_ENABLE) && !(val & HPET_CFG_ENABLE)) {
		s->config |= HPET_CFG_ENABLE;	/* read the count while still running */
		s->counter = hpet_ticks(s);
		s->config &= ~(uint64_t)HPET_CFG_ENABLE;
		for (int n = 0; n < s->num_timers; n++)
			hpet_disarm(s, n);
	}
	if (!(old & HPET_CFG_LEGACY) && (val & HPET_CFG_LEGACY)) {
		hpet_pit_enable(s, false);
		hpet_set_line(s, HPET_LEGACY_PIT_IRQ, 0);
		hpet_set_line(s, HPET_LEGACY_RTC_IRQ, 0);
	} else if ((old & HPET_CFG_LEGACY) && !(val & HPET_CFG_LEGACY)) {
		hpet_set_line(s, HPET_LEGACY_PIT_IRQ, 0);
		hpet_pit_enable(s, true);
		hpet_set_line(s, HPET_LEGACY_RTC_IRQ, s->rtc_level);
	}
}

static void hpet_write_counter(struct hpet *s, bool high, uint32_t val)
{
	if (hpet_enabled(s)) {
		guest_error("hpet: main counter written while it runs (ignored)");
		return;
	}
	if (high)
		s->counter = (s->counter & 0xffffffffULL) | ((uint64_t)val << 32);
	else
		s->counter = (s->counter & ~0xffffffffULL) | val;
}

static void hpet_write_tcfg(struct hpet *s, int n, uint32_t val)
{
	uint32_t old = (uint32_t)s->tcfg[n];

	if (!(old & HPET_TN_FSB_ENABLE) && (val & HPET_TN_FSB_ENABLE))
		hpet_irq(s, n, false);
	s->tcfg[n] = (s->tcfg[n] & ~(uint64_t)HPET_TN_WRITABLE) | (val & HPET_TN_WRITABLE);
	if (val & HPET_TN_32BIT) {
		s->cmp[n] = (uint32_t)s->cmp[n];
		s->period[n] = (uint32_t)s->period[n];
	}
	if (!(old & HPET_TN_INT_ENABLE) && (val & HPET_TN_INT_ENABLE))
		hpet_arm(s, n);
	else if ((old & HPET_TN_INT_ENABLE) && !(val & HPET_TN_INT_ENABLE))
		hpet_disarm(s, n);
}

/*
 * Comparator write: sets the comparator in one-shot mode or with SETVAL,
 * and in periodic mode the period too (low half, QEMU 7.2's split).
 */
static void hpet_write_cmp(struct hpet *s, int n, bool high, uint32_t val)
{
	uint64_t c = s->tcfg[n];
	bool periodic = c & HPET_TN_PERIODIC, setval = c & HPET_TN_SETVAL;
	uint32_t pmask = (c & HPET_TN_32BIT) ? 0x7fffffffu : 0xffffffffu;

	if (high) {
		if (!periodic || setval)
			s->cmp[n] = (s->cmp[n] & 0xffffffffULL) | ((uint64_t)val << 32);
		else
			s->period[n] = (s->period[n] & 0xffffffffULL) | ((uint64_t)(val & pmask) << 32);
	} else {
		if (!periodic || setval)
			s->cmp[n] = (s->cmp[n] & ~0xffffffffULL) | val;
		if (periodic)
			s->period[n] = (s->period[n] & ~0xffffffffULL) | (val & pmask);
	}
	s->tcfg[n] &= ~(uint64_t)HPET_TN_SETVAL;
	if (hpet_enabled(s))
		hpet_arm(s, n);
}

static void hpet_write_timer(struct hpet *s, int n, unsigned reg, uint32_t val)
{
	switch (reg) {
	case HPET_TN_CFG:
		hpet_write_tcfg(s, n, val);
		break;
	case HPET_TN_CMP:
	case HPET_TN_CMP + 4:
		hpet_write_cmp(s, n, reg & 4, val);
		break;
	case HPET_TN_FSB:
		s->fsb[n] = (s->fsb[n] & ~0xffffffffULL) | val;
		break;
	case HPET_TN_FSB + 4:
		s->fsb[n] = (s->fsb[n] & 0xffffffffULL) | ((uint64_t)val << 32);
		break;
	default:	/* the routing capability and reserved words */
		break;
	}
}

static void hpet_write32(struct hpet *s, uint64_t addr, uint32_t val)
{
	if (addr >= HPET_REG_TIMER(0)) {
		unsigned n = (addr - HPET_REG_TIMER(0)) / 0x20;

		if (n < s->num_timers)
			hpet_write_timer(s, n, (addr - HPET_REG_TIMER(0)) % 0x20, val);
		return;
	}
	switch (addr) {
	case HPET_REG_CFG:
		hpet_write_config(s, val);
		break;
	case HPET_REG_ISR:
		for (int n = 0; n < s->num_timers; n++)
			if (val & s->isr & (1u << n))
				hpet_irq(s, n, false);
		break;
	case HPET_REG_COUNTER:
	case HPET_REG_COUNTER + 4:
		hpet_write_counter(s, addr & 4, val);
		break;
	default:	/* capabilities, reserved */
		break;
	}
}

/* The 64-bit register at the 8-aligned offset addr. */
static uint64_t hpet_read64(struct hpet *s, uint64_t addr)
{
	if (addr >= HPET_REG_TIMER(0)) {
		unsigned n = (addr - HPET_REG_TIMER(0)) / 0x20;

		if (n >= s->num_timers)
			return 0;
		switch ((addr - HPET_REG_TIMER(0)) % 0x20) {
		case HPET_TN_CFG:
			return s->tcfg[n];
		case HPET_TN_CMP:
			return s->cmp[n];
		case HPET_TN_FSB:
			return s->fsb[n];
		}
		return 0;
	}
	switch (addr) {
	case HPET_REG_CAP:
		return ((uint64_t)HPET_PERIOD_FS << 32) | HPET_CAP_ID | ((s->num_timers - 1u) << 8);
	case HPET_REG_CFG:
		return s->config;
	case HPET_REG_ISR:
		return s->isr;
	case HPET_REG_COUNTER:
		return hpet_ticks(s);
	}
	return 0;
}

static uint64_t hpet_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
	struct hpet *s = opaque;
	uint64_t v;

	if ((size != 4 && size != 8) || (addr & (size - 1))) {
		guest_error("hpet: %u-byte read at 0x%" G_GINT64_MODIFIER "x (reads 0)", size, addr);
		return 0;
	}
	v = hpet_read64(s, addr & ~7ULL);
	if (size == 8)
		return v;
	return (addr & 4) ? v >> 32 : (uint32_t)v;
}

static void hpet_mmio_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct hpet *s = opaque;

	if ((size != 4 && size != 8) || (addr & (size - 1))) {
		guest_error("hpet: %u-byte write at 0x%" G_GINT64_MODIFIER "x (ignored)", size, addr);
		return;
	}
	hpet_write32(s, addr, (uint32_t)val);
	if (size == 8)
		hpet_write32(s, addr + 4, (uint32_t)(val >> 32));
}

static const struct mem_ops hpet_mmio_ops = {
	.read = hpet_mmio_read,
	.write = hpet_mmio_write,
	.min_access = 1,
	.max_access = 8,
};

/* The RTC's output: passed to IRQ 8 unless the legacy route owns it. */
static void hpet_rtc_irq(void *opaque, int n, int level)
{
	struct hpet *s = opaque;

	s->rtc_level = level != 0;
	if (!hpet_legacy(s))
		hpet_set_line(s, HPET_LEGACY_RTC_IRQ, s->rtc_level);
}

struct irq_line *hpet_rtc_input(struct hpet *s)
{
	return &s->rtc_in;
}

static void hpet_reset(struct device *dev)
{
	struct hpet *s = container_of(dev, struct hpet, dev);

	for (int n = 0; n < s->num_timers; n++) {
		hpet_disarm(s, n);
		s->cmp[n] = ~0ULL;
		s->tcfg[n] = hpet_tcfg_reset(s);
		s->period[n] = 0;
		s->fsb[n] = 0;
		s->wrap[n] = 0;
	}
	if (hpet_legacy(s))
		hpet_pit_enable(s, true);
	s->counter = 0;
	s->ns_base = 0;
	s->config = 0;
	s->isr = 0;
	s->rtc_level = 0;
}

/* An unsigned property of at most max, read from -global hpet.KEY. */
static int hpet_prop_uint(struct device *dev, const char *key, uint64_t max, const char *type,
			  uint64_t *out, GError **err)
{
	const char *v = opts_get(device_props(dev), key);
	uint64_t n;
	char *msg;

	if (!v)
		return 0;
	if (parse_u64(v, &n) == 0 && n <= max) {
		*out = n;
		return 0;
	}
	msg = g_strdup_printf("Parameter '%s' expects %s", key,
			      parse_u64(v, &n) == 0 ? type : "uint64");
	global_value_error(err, "hpet", key, v, msg);
	g_free(msg);
	return -1;
}

static int hpet_prop_bool(struct device *dev, const char *key, bool *out, GError **err)
{
	const char *v = opts_get(device_props(dev), key);
	char *msg;

	if (!v || parse_bool(v, out) == 0)
		return 0;
	msg = g_strdup_printf("Parameter '%s' expects 'on' or 'off'", key);
	global_value_error(err, "hpet", key, v, msg);
	g_free(msg);
	return -1;
}

/*
 * QEMU's hpet properties, which only -global sets on the pc machine:
 * timers (3..32, clamped as QEMU does; registers past 1 KiB are not
 * reachable), msi (advertise FSB delivery), hpet-intcap (routing capability;
 * 0 means the board's IOAPIC input 2), hpet-offset-saved (a migration
 * format switch of QEMU's, accepted and ignored).
 */
static int hpet_parse_props(struct hpet *s, GError **err)
{
	uint64_t timers = HPET_NUM_TIMERS, intcap = 0;
	bool saved = true;

	if (hpet_prop_uint(&s->dev, "timers", 0xff, "uint8_t", &timers, err) < 0 ||
	    hpet_prop_uint(&s->dev, "hpet-intcap", 0xffffffffu, "uint32_t", &intcap, err) < 0 ||
	    hpet_prop_bool(&s->dev, "msi", &s->msi, err) < 0 ||
	    hpet_prop_bool(&s->dev, "hpet-offset-saved", &saved, err) < 0)
		return -EINVAL;
	s->num_timers = CLAMP(timers, HPET_NUM_TIMERS, HPET_MAX_TIMERS);
	s->saved_timers = s->num_timers;
	s->intcap = intcap ? intcap : HPET_INTCAP_PC;
	return 0;
}

static int hpet_realize(struct device *dev, GError **err)
{
	struct hpet *s = container_of(dev, struct hpet, dev);
	struct machine *m = dev->m;

	if (hpet_parse_props(s, err) < 0)
		return -EINVAL;
	s->rtc_in = (struct irq_line){ hpet_rtc_irq, s, 0 };
	for (int n = 0; n < HPET_MAX_TIMERS; n++) {
		s->t[n] = (struct hpet_timer){ .s = s, .n = n };
		timer_init(&s->t[n].timer, &m->clock, hpet_timer_cb, &s->t[n]);
		s->cmp[n] = ~0ULL;
		s->tcfg[n] = hpet_tcfg_reset(s);
	}
	mr_init_io(&s->mmio, "hpet", HPET_LEN, &hpet_mmio_ops, s);
	if (as_add(&m->mem, &s->mmio, HPET_BASE) < 0) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_EXISTS,
			    "hpet: memory at 0x%llx is already in use", HPET_BASE);
		return -EBUSY;
	}
	return 0;
}

static void hpet_unrealize(struct device *dev)
{
	struct hpet *s = container_of(dev, struct hpet, dev);

	for (int n = 0; n < s->num_timers; n++)
		timer_del(&s->t[n].timer);
	as_del(&s->mmio);
}

/* Re-arm the timers that were pending and put the lines back. */
static int hpet_post_load(void *opaque)
{
	struct hpet *s = opaque;
	uint32_t armed = s->armed;

	s->config &= HPET_CFG_WRITABLE;
	if (s->saved_timers != s->num_timers) {
		error_report("hpet: the stream has %u timers, this machine %u (-global hpet.timers)",
			     s->saved_timers, s->num_timers);
		return -EINVAL;
	}
	s->isr &= (uint32_t)((1ULL << s->num_timers) - 1);
	s->rtc_level = s->rtc_level != 0;
	s->armed = 0;
	for (int n = 0; n < s->num_timers; n++) {
		timer_del(&s->t[n].timer);
		s->tcfg[n] = (s->tcfg[n] & HPET_TN_WRITABLE) | hpet_tcfg_reset(s);
		if (armed & (1u << n))
			hpet_arm(s, n);
		if ((s->isr & (1u << n)) && !(s->tcfg[n] & HPET_TN_FSB_ENABLE))
			hpet_set_line(s, hpet_route(s, n), 1);
	}
	if (!hpet_legacy(s))
		hpet_set_line(s, HPET_LEGACY_RTC_IRQ, s->rtc_level);
	return 0;
}

static const struct vmstate_field hpet_vmstate_fields[] = {
	VMSTATE_U64(struct hpet, config),
	VMSTATE_U64(struct hpet, isr),
	VMSTATE_U64(struct hpet, counter),
	VMSTATE_I64(struct hpet, ns_base),
	VMSTATE_U64_ARRAY(struct hpet, tcfg),
	VMSTATE_U64_ARRAY(struct hpet, cmp),
	VMSTATE_U64_ARRAY(struct hpet, period),
	VMSTATE_U64_ARRAY(struct hpet, fsb),
	VMSTATE_U8_ARRAY(struct hpet, wrap),
	VMSTATE_U32(struct hpet, armed),
	VMSTATE_U8(struct hpet, saved_timers),
	VMSTATE_U8(struct hpet, rtc_level),
	VMSTATE_END,
};

static const struct vmstate_desc hpet_vmstate = {
	.name = "hpet",
	.version = 1,
	.fields = hpet_vmstate_fields,
	.post_load = hpet_post_load,
};

const struct device_class hpet_class = {
	.name = "hpet",
	.bus = NULL,
	.desc = "High Precision Event Timer at 0xfed00000 (board device; -no-hpet removes it)",
	.instance_size = sizeof(struct hpet),
	.user_creatable = false,
	.realize = hpet_realize,
	.reset = hpet_reset,
	.unrealize = hpet_unrealize,
	.vmsd = &hpet_vmstate,
};

struct hpet *hpet_create(struct machine *m, GError **err)
{
	struct device *d = device_create(m, &hpet_class, "hpet", NULL, NULL, err);

	return d ? container_of(d, struct hpet, dev) : NULL;
}
