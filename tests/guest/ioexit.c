// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "ioexit" payload for the exit-latency benchmark: N single-byte writes
 * to a port nothing decodes (default 0x1000: below SeaBIOS' PCI I/O
 * window at 0xc000 and clear of every legacy device), timed with rdtsc.
 * Command line: n=COUNT (default 20000), port=P, exit=CODE.
 * Prints "ioexit n=N cycles=C per_exit=E" and a reference loop's cost
 * ("loop_cycles=") so the bench can subtract the emulation overhead.
 */
#include "rt.h"

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = "";
	uint32_t n, port, i;
	uint64_t t0, t1, t2;

	rt_serial_init();
	if (magic == MB_BOOT_MAGIC && (mbi->flags & MB_INFO_CMDLINE))
		cmdline = (const char *)mbi->cmdline;
	n = rt_cmdline_num(cmdline, "n", 20000);
	port = rt_cmdline_num(cmdline, "port", 0x1000) & 0xffff;
	if (!n)
		n = 1;
	rt_printf("kvmpc payload: ioexit n=%u port=0x%x\n", n, port);

	t0 = rdtsc();
	for (i = 0; i < n; i++)
		__asm__ volatile("outb %%al, %%dx" :: "a"(0), "d"(port));
	t1 = rdtsc();
	for (i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
	t2 = rdtsc();

	rt_printf("ioexit n=%u cycles=%llu per_exit=%llu loop_cycles=%llu\n",
		  n, (unsigned long long)(t1 - t0),
		  (unsigned long long)rt_udivmod64(t1 - t0, n, NULL),
		  (unsigned long long)(t2 - t1));
	return rt_cmdline_num(cmdline, "exit", 0);
}
