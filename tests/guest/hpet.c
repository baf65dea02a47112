// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "hpet" payload, for tests/boot/hpet.sh: what an OS finds after SeaBIOS.
 * Walks the ACPI RSDT that SeaBIOS left in the F segment and prints its
 * table signatures and the HPET table's block ID and address; then drives
 * the HPET at 0xfed00000 with interrupts off, polling: the counter stands
 * still until enabled and then runs, a level one-shot comparator latches
 * its status bit (write 1 to clear), a level periodic comparator fires
 * again and again with the comparator stepping, and the legacy route goes
 * on and off.  Exits with 3 when everything held, 4 when there is no HPET
 * (-no-hpet), 5 on a failure (kvmpc exits (code << 1) | 1).
 */
#include "rt.h"

#define HPET_BASE	0xfed00000u
#define REG(off)	(*(volatile uint32_t *)(HPET_BASE + (off)))
#define CAP		0x000
#define PERIOD		0x004
#define CFG		0x010
#define ISR		0x020
#define COUNTER		0x0f0
#define TCFG(n)		(0x100 + 0x20 * (n))
#define TCMP(n)		(TCFG(n) + 8)
#define T_LEVEL		0x2
#define T_INT		0x4
#define T_PERIODIC	0x8
#define T_SETVAL	0x40
#define T_ROUTE2	(2 << 9)
#define TICKS_MS	100000u		/* 100 MHz */

static int failures;

static void check(int ok, const char *what)
{
	rt_printf("hpet: %s %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		failures++;
}

static const uint8_t *find_rsdp(void)
{
	for (uint32_t a = 0xe0000; a < 0x100000; a += 16)
		if (!strncmp((const char *)a, "RSD PTR ", 8))
			return (const uint8_t *)a;
	return 0;
}

/* Print the RSDT's tables; the HPET table's ID and address when present. */
static int walk_acpi(void)
{
	const uint8_t *rsdp = find_rsdp();
	const uint8_t *rsdt;
	uint32_t len;
	int hpet = 0;

	if (!rsdp) {
		rt_puts("hpet: no RSDP\n");
		return -1;
	}
	rsdt = (const uint8_t *)*(const uint32_t *)(rsdp + 16);
	len = *(const uint32_t *)(rsdt + 4);
	if (strncmp((const char *)rsdt, "RSDT", 4) || len < 36 || len > 4096) {
		rt_puts("hpet: bad RSDT\n");
		return -1;
	}
	rt_puts("hpet: acpi tables:");
	for (uint32_t off = 36; off + 4 <= len; off += 4) {
		const char *t = (const char *)*(const uint32_t *)(rsdt + off);

		rt_printf(" %c%c%c%c", t[0], t[1], t[2], t[3]);
		if (!strncmp(t, "HPET", 4)) {
			hpet = 1;
			/* block ID at 36, GAS at 40: address at 44 */
			rt_printf(" [id=%x base=%x]", *(const uint32_t *)(t + 36),
				  *(const uint32_t *)(t + 44));
		}
	}
	rt_puts("\n");
	return hpet;
}

static uint32_t counter(void)
{
	return REG(COUNTER);
}

/* Poll until timer n's status bit is set or ticks have passed; clear it. */
static int wait_status(int n, uint32_t ticks)
{
	uint32_t start = counter();

	while (counter() - start < ticks) {
		if (REG(ISR) & (1u << n)) {
			REG(ISR) = 1u << n;
			return !(REG(ISR) & (1u << n));
		}
	}
	return 0;
}

static void test_counter(void)
{
	uint32_t a, b;

	REG(CFG) = 0;
	REG(COUNTER) = 0;
	REG(COUNTER + 4) = 0;
	a = counter();
	for (int i = 0; i < 100; i++)
		b = counter();
	check(a == 0 && b == 0, "stopped counter stays 0");
	REG(CFG) = 1;
	a = counter();
	for (int i = 0; i < 100; i++)
		b = counter();
	check(b != a, "enabled counter runs");
	REG(CFG) = 0;
	a = counter();
	for (int i = 0; i < 100; i++)
		b = counter();
	check(a == b, "disabled counter holds");
	REG(CFG) = 1;
}

static void test_oneshot(void)
{
	/*
	 * The comparator goes first: like QEMU, kvmpc fires a comparator that
	 * is behind the counter at once, and the reset value ~0 counts as behind.
	 */
	REG(TCMP(2) + 4) = 0;
	REG(TCMP(2)) = counter() + TICKS_MS;
	REG(TCFG(2)) = T_LEVEL | T_INT | T_ROUTE2;
	check(wait_status(2, 100 * TICKS_MS), "one-shot level comparator latches status");
	check(!wait_status(2, 3 * TICKS_MS), "one-shot fires once");
	REG(TCFG(2)) = 0;
}

static void test_periodic(void)
{
	uint32_t first, fired = 0;

	/* as Linux does: comparator with SETVAL, then the period alone */
	REG(TCFG(1)) = T_LEVEL | T_PERIODIC | T_SETVAL | T_ROUTE2;
	REG(TCMP(1) + 4) = 0;
	REG(TCFG(1)) = T_LEVEL | T_PERIODIC | T_SETVAL | T_ROUTE2;
	REG(TCMP(1)) = counter() + TICKS_MS;
	REG(TCMP(1) + 4) = 0;
	REG(TCMP(1)) = TICKS_MS;
	first = REG(TCMP(1));
	REG(TCFG(1)) = T_LEVEL | T_INT | T_PERIODIC | T_ROUTE2;
	for (int i = 0; i < 5; i++)	/* a loaded host may delay a 1 ms tick */
		fired += wait_status(1, 1000 * TICKS_MS);
	rt_printf("hpet: periodic fired %u times\n", fired);
	check(fired == 5, "periodic level comparator fires each period");
	check(REG(TCMP(1)) - first >= 5 * TICKS_MS, "periodic comparator steps by the period");
	REG(TCFG(1)) = 0;
}

static void test_legacy(void)
{
	REG(CFG) = 3;
	check(REG(CFG) == 3, "legacy route on");
	REG(TCMP(0) + 4) = 0;
	REG(TCMP(0)) = counter() + TICKS_MS;
	REG(TCFG(0)) = T_LEVEL | T_INT;
	check(wait_status(0, 100 * TICKS_MS), "timer 0 fires on the legacy route");
	REG(TCFG(0)) = 0;
	REG(CFG) = 1;
	check(REG(CFG) == 1, "legacy route off");
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	int table;
	uint32_t cap;

	rt_serial_init();
	rt_puts("hpet: start\n");
	table = walk_acpi();
	cap = REG(CAP);
	rt_printf("hpet: cap=%x period=%u\n", cap, REG(PERIOD));
	if (cap == 0 || cap == 0xffffffffu) {
		rt_printf("hpet: absent, table %s\n", table > 0 ? "present" : "absent");
		rt_exit(table == 0 ? 4 : 5);
	}
	check(table == 1, "ACPI HPET table present");
	check(cap == 0x8086a201u && REG(PERIOD) == 10000000u, "capabilities");
	test_counter();
	test_oneshot();
	test_periodic();
	test_legacy();
	REG(CFG) = 0;
	rt_printf("hpet: done, %d failures\n", failures);
	rt_exit(failures ? 5 : 3);
}
