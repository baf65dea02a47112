// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "counter" payload, for the migration tests (tests/boot/migrate.sh):
 * rewrites a 64 KiB area of its RAM round after round, keeping a running
 * sum of it, and prints "counter N sum S" on COM1 after each round; every
 * 8th round it adds up the whole area again and prints "verify N ok" or
 * "verify N BAD".  Moved to another kvmpc mid-run, the counter must go on
 * from where it stopped and every verify must stay ok: registers, RAM and
 * the UART all travelled.  Runs until killed (or rounds=N, then exits).
 */
#include "rt.h"

#define AREA ((volatile uint32_t *)0x400000)
#define WORDS (64 * 1024 / 4)
#define PER_ROUND 256

static uint32_t area_sum(void)
{
	uint32_t s = 0;

	for (uint32_t i = 0; i < WORDS; i++)
		s += AREA[i];
	return s;
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = magic == MB_BOOT_MAGIC && (mbi->flags & MB_INFO_CMDLINE) ?
			      (const char *)mbi->cmdline : "";
	uint32_t rounds = rt_cmdline_num(cmdline, "rounds", 0), sum = 0, n;

	rt_serial_init();
	for (uint32_t i = 0; i < WORDS; i++)
		AREA[i] = 0;
	rt_srand(12345);
	rt_puts("counter start\n");
	for (n = 1; !rounds || n <= rounds; n++) {
		for (int k = 0; k < PER_ROUND; k++) {
			uint32_t at = rt_rand_below(WORDS), v = rt_rand();
			sum += v - AREA[at];
			AREA[at] = v;
		}
		rt_printf("counter %u sum %x\n", n, sum);
		if (n % 8 == 0)
			rt_printf("verify %u %s\n", n, area_sum() == sum ? "ok" : "BAD");
	}
	return 0;
}
