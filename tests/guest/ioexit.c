// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "ioexit" payload for the exit-latency benchmark: N single-byte writes
 * to a port nothing decodes (default 0x1000: below SeaBIOS' PCI I/O
 * window at 0xc000 and clear of every legacy device), timed with rdtsc.
 * The loop runs in ring 0 by default.  ring=3 runs it in 32-bit user mode
 * with IOPL 3 and paging (works under TCG and should on VT-x/AMD-V); the
 * PVM nested KVM of the test hosts runs user mode natively only in long
 * mode and resets the guest instead, so it is not the default.
 * Command line: n=COUNT (default 20000), port=P, ring=0|3, exit=CODE.
 * Prints "ioexit n=N ring=R cycles=C raw_per_exit=R loop_cycles=L
 * per_exit=E", where per_exit = (C - L) / N is the exit round trip with
 * the cost of an empty loop of N iterations taken off.
 */
#include "rt.h"

static uint32_t n, port, exit_code, ring;
static uint8_t user_stack[8192] __attribute__((aligned(16)));

static void measure(void)
{
	uint64_t t0, t1, t2, net;
	uint32_t i;

	t0 = rdtsc();
	for (i = 0; i < n; i++)
		__asm__ volatile("outb %%al, %%dx" :: "a"(0), "d"(port));
	t1 = rdtsc();
	for (i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
	t2 = rdtsc();

	net = (t1 - t0) > (t2 - t1) ? (t1 - t0) - (t2 - t1) : 0;
	rt_printf("ioexit n=%u ring=%u cycles=%llu raw_per_exit=%llu loop_cycles=%llu per_exit=%llu\n",
		  n, ring, (unsigned long long)(t1 - t0),
		  (unsigned long long)rt_udivmod64(t1 - t0, n, NULL),
		  (unsigned long long)(t2 - t1),
		  (unsigned long long)rt_udivmod64(net, n, NULL));
	rt_exit(exit_code);
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = "";

	rt_serial_init();
	if (magic == MB_BOOT_MAGIC && (mbi->flags & MB_INFO_CMDLINE))
		cmdline = (const char *)mbi->cmdline;
	n = rt_cmdline_num(cmdline, "n", 20000);
	port = rt_cmdline_num(cmdline, "port", 0x1000) & 0xffff;
	ring = rt_cmdline_num(cmdline, "ring", 0) ? 3 : 0;
	exit_code = rt_cmdline_num(cmdline, "exit", 0);
	if (!n)
		n = 1;
	rt_printf("kvmpc payload: ioexit n=%u port=0x%x ring=%u\n", n, port, ring);
	if (ring)
		rt_ring3(measure, (uint32_t)(user_stack + sizeof(user_stack)));
	measure();
	return exit_code;
}
