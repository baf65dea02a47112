// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "regs" payload for the CPU dump tests (tests/boot/cpu-dump.sh): loads
 * known values into the general registers and stops where a monitor can
 * look at them.  Command line mode=halt (default): interrupts off, then
 * HLT forever, so "info registers" shows EAX=11111111 ... EBP=77777777 and
 * EIP just after the HLT.  mode=emufail: INT3 at CPL 0 with no IDT, which
 * the nested KVM of the test hosts cannot emulate (a KVM emulation
 * failure: the VMM prints the registers and the Code= line; QEMU and
 * kvmpc then pause the VM).  It prints the addresses of the HLT and of the
 * INT3 first.
 */
#include "rt.h"

extern char regs_park[], regs_hlt[], regs_emufail[], regs_bad[];

__asm__(".text\n"
	".globl regs_park\n"
	"regs_park:\n"
	"	cli\n"
	"	movl $0x11111111, %eax\n"
	"	movl $0x22222222, %ebx\n"
	"	movl $0x33333333, %ecx\n"
	"	movl $0x44444444, %edx\n"
	"	movl $0x55555555, %esi\n"
	"	movl $0x66666666, %edi\n"
	"	movl $0x77777777, %ebp\n"
	".globl regs_hlt\n"
	"regs_hlt:\n"
	"	hlt\n"
	"	jmp regs_hlt\n"
	".globl regs_emufail\n"
	"regs_emufail:\n"
	"	cli\n"
	"	movl $0x12345678, %eax\n"
	".globl regs_bad\n"
	"regs_bad:\n"
	"	int3\n"
	"	movl %eax, %ebx\n"
	"1:	hlt\n"
	"	jmp 1b\n");

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = magic == MB_BOOT_MAGIC && (mbi->flags & MB_INFO_CMDLINE) ?
			      (const char *)mbi->cmdline : "";
	char mode[16] = "halt";

	rt_serial_init();
	rt_cmdline_get(cmdline, "mode", mode, sizeof(mode));
	rt_printf("regs: hlt at %x, int3 at %x\n", (uint32_t)regs_hlt, (uint32_t)regs_bad);
	if (!strncmp(mode, "emufail", 8)) {
		rt_printf("regs: int3\n");
		((void (*)(void))regs_emufail)();
	}
	rt_printf("regs: halting\n");
	((void (*)(void))regs_park)();
	return 0;
}
