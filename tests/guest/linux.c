// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "linux" test payload, protected-mode part: checks what a Linux boot
 * loader must have patched into the setup header (boot.rst): prints
 * type_of_loader, loadflags, heap_end_ptr, the command line at
 * cmd_line_ptr, the initrd's address/size and its first line, whether the
 * initrd is page aligned and below initrd_addr_max, then exits with the
 * code given as "exit=N" on the command line.
 */
#include "rt.h"

static uint32_t rd32(const uint8_t *p) { return *(const uint32_t *)p; }
static uint16_t rd16(const uint8_t *p) { return *(const uint16_t *)p; }

uint32_t linux_main(const uint8_t *setup);

uint32_t linux_main(const uint8_t *setup)
{
	const char *cmdline = (const char *)rd32(setup + 0x228);
	uint32_t rd = rd32(setup + 0x218), rdlen = rd32(setup + 0x21c), i;

	rt_serial_init();
	rt_printf("kvmpc linux: hello, setup at 0x%x\n", (uint32_t)setup);
	rt_printf("kvmpc linux: type_of_loader=0x%x loadflags=0x%x heap_end_ptr=0x%x\n",
		  setup[0x210], setup[0x211], rd16(setup + 0x224));
	rt_printf("kvmpc linux: cmdline: %s\n", cmdline ? cmdline : "(none)");
	if (rd && rdlen) {
		const char *p = (const char *)rd;

		rt_printf("kvmpc linux: initrd %u bytes, %s, %s\n", rdlen,
			  rd & 0xfff ? "unaligned" : "page aligned",
			  rd + rdlen - 1 <= rd32(setup + 0x22c) ? "below initrd_addr_max" :
			  "above initrd_addr_max");
		rt_puts("kvmpc linux: initrd line: ");
		for (i = 0; i < rdlen && i < 200 && p[i] != '\n'; i++)
			rt_putc(p[i]);
		rt_putc('\n');
	}
	return rt_cmdline_num(cmdline, "exit", 0);
}
