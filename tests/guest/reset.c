// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "reset" payload: prints a marker and resets the machine, to test
 * -no-reboot (the VMM must exit instead of rebooting).  Command line:
 * how=cf9 (PIIX reset control: 0x02 then 0x06, the default), how=kbd
 * (i8042 command 0xfe), how=92 (port 0x92 bit 0), how=triple (#UD with
 * an empty IDT: triple fault).  If the reset does not happen it exits
 * through isa-debug-exit with code 0x55.
 */
#include "rt.h"

static void triple_fault(void)
{
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} idt = { 0, 0 };

	__asm__ volatile("lidt %0; ud2" :: "m"(idt));
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = "";
	char how[16] = "cf9";
	unsigned i;

	rt_serial_init();
	if (magic == MB_BOOT_MAGIC && (mbi->flags & MB_INFO_CMDLINE))
		cmdline = (const char *)mbi->cmdline;
	rt_cmdline_get(cmdline, "how", how, sizeof(how));
	rt_printf("kvmpc payload: reset via %s\n", how);
	if (!strncmp(how, "kbd", 4)) {
		outb(0x64, 0xfe);
	} else if (!strncmp(how, "92", 3)) {
		outb(0x92, inb(0x92) & ~1);
		outb(0x92, inb(0x92) | 1);
	} else if (!strncmp(how, "triple", 7)) {
		triple_fault();
	} else {
		outb(0xcf9, 0x02);
		outb(0xcf9, 0x06);
	}
	for (i = 0; i < 100000; i++)
		__asm__ volatile("pause");
	rt_puts("kvmpc payload: reset did not happen\n");
	return 0x55;
}
