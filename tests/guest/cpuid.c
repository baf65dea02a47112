// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "cpuid" payload: prints the feature words a guest sees (CPUID leaves 1,
 * 7.0 and 0x80000001) as "kvmpc payload: cpuid LEAF REG=VALUE" lines, so a
 * test can check what -cpu gave the guest; then exits through
 * isa-debug-exit with 0.  Nothing else: no devices are touched.
 */
#include "rt.h"

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t r[4], max, maxext;

	rt_serial_init();
	cpuid(0, 0, r);
	max = r[0];
	cpuid(0x80000000, 0, r);
	maxext = r[0];
	cpuid(1, 0, r);
	rt_printf("kvmpc payload: cpuid 1 ecx=%08x edx=%08x\n", r[2], r[3]);
	if (max >= 7) {
		cpuid(7, 0, r);
		rt_printf("kvmpc payload: cpuid 7 ebx=%08x ecx=%08x edx=%08x\n", r[1], r[2], r[3]);
	}
	if (maxext >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		rt_printf("kvmpc payload: cpuid 80000001 ecx=%08x edx=%08x\n", r[2], r[3]);
	}
	rt_puts("kvmpc payload: cpuid done\n");
	return 0;
}
