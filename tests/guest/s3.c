// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "s3" payload: suspends the machine to RAM as an ACPI OS does and proves
 * that it comes back through the firmware's S3 resume path.  It finds the
 * RSDP, RSDT, FADT and FACS the firmware built, writes a 16-bit resume
 * stub at 0x9000 and puts its address in the FACS's firmware waking
 * vector, then writes SLP_TYP 1 | SLP_EN to PM1a_CNT.  On wakeup the
 * firmware (SeaBIOS, seeing CMOS 0x0f = 0xfe) jumps to the stub in real
 * mode, which prints "kvmpc s3: resumed" on COM1 and exits through
 * isa-debug-exit with 0x21 (status 67).  With "rtc=1" on the command
 * line it first enables RTC_EN in PM1a_EN and sets the RTC alarm two
 * seconds ahead (AIE), so the alarm wakes it.
 */
#include "rt.h"

#define STUB 0x9000u

static int memeq(const void *a, const char *b, unsigned n)
{
	const char *p = a;

	for (unsigned i = 0; i < n; i++)
		if (p[i] != b[i])
			return 0;
	return 1;
}

static const uint8_t *find_rsdp(void)
{
	for (uint32_t a = 0xe0000; a < 0x100000; a += 16)
		if (memeq((const void *)a, "RSD PTR ", 8))
			return (const uint8_t *)a;
	return 0;
}

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The table with signature sig listed in the RSDT, or 0. */
static const uint8_t *find_table(const uint8_t *rsdt, const char *sig)
{
	uint32_t len = rd32(rsdt + 4);

	for (uint32_t off = 36; off + 4 <= len; off += 4) {
		const uint8_t *t = (const uint8_t *)rd32(rsdt + off);

		if (memeq(t, sig, 4))
			return t;
	}
	return 0;
}

/* Real mode: print the message on COM1, exit via port 0xf4, halt. */
static void write_stub(void)
{
	static const char msg[] = "kvmpc s3: resumed\n";
	uint8_t *p = (uint8_t *)STUB;

	*p++ = 0xba; *p++ = 0xf8; *p++ = 0x03;          /* mov dx, 0x3f8 */
	for (const char *c = msg; *c; c++) {
		*p++ = 0xb0; *p++ = (uint8_t)*c;        /* mov al, c */
		*p++ = 0xee;                            /* out dx, al */
	}
	*p++ = 0xba; *p++ = 0xf4; *p++ = 0x00;          /* mov dx, 0xf4 */
	*p++ = 0xb0; *p++ = 0x21; *p++ = 0xee;          /* mov al, 0x21; out */
	*p++ = 0xfa; *p++ = 0xf4; *p++ = 0xeb; *p++ = 0xfd; /* cli; hlt; jmp $-1 */
}

static uint8_t cmos(uint8_t i)
{
	outb(0x70, i);
	return inb(0x71);
}

static void cmos_set(uint8_t i, uint8_t v)
{
	outb(0x70, i);
	outb(0x71, v);
}

/* Alarm two seconds from now (BCD as the firmware leaves the RTC). */
static void arm_rtc_alarm(uint16_t pm1_evt)
{
	uint8_t s = cmos(0), bin = (uint8_t)((s >> 4) * 10 + (s & 15));

	bin = (uint8_t)((bin + 2) % 60);
	cmos_set(1, (uint8_t)((bin / 10) << 4 | bin % 10));
	cmos_set(3, 0xc0); /* any minute */
	cmos_set(5, 0xc0); /* any hour */
	cmos(0x0c);        /* clear pending flags */
	cmos_set(0x0b, cmos(0x0b) | 0x20); /* AIE */
	outw(pm1_evt + 2, inw(pm1_evt + 2) | 0x400); /* RTC_EN */
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = (mbi->flags & MB_INFO_CMDLINE) ? (const char *)mbi->cmdline : "";
	const uint8_t *rsdp, *rsdt, *fadt, *facs;
	uint16_t pm1_evt, pm1_cnt;

	rt_serial_init();
	rsdp = find_rsdp();
	if (!rsdp) {
		rt_puts("kvmpc s3: no RSDP\n");
		return 0x7e;
	}
	rsdt = (const uint8_t *)rd32(rsdp + 16);
	fadt = find_table(rsdt, "FACP");
	if (!fadt) {
		rt_puts("kvmpc s3: no FADT\n");
		return 0x7e;
	}
	facs = (const uint8_t *)rd32(fadt + 36);
	pm1_evt = (uint16_t)rd32(fadt + 56);
	pm1_cnt = (uint16_t)rd32(fadt + 64);
	if (!memeq(facs, "FACS", 4)) {
		rt_puts("kvmpc s3: no FACS\n");
		return 0x7e;
	}
	write_stub();
	*(volatile uint32_t *)(facs + 12) = STUB; /* firmware waking vector */
	if (rt_cmdline_num(cmdline, "rtc", 0))
		arm_rtc_alarm(pm1_evt);
	rt_printf("kvmpc s3: suspending (PM1a_CNT 0x%x)\n", pm1_cnt);
	outw(pm1_cnt, (uint16_t)((inw(pm1_cnt) & ~0x1c00) | (1 << 10) | (1 << 13)));
	for (;;)
		__asm__ volatile("cli; hlt");
}
