// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "hello" payload: proves direct kernel boot end to end.  Prints a marker,
 * the multiboot command line, boot loader name, memory sizes, the first
 * line of the first module (and its command line), the address it runs
 * at (hello-low.elf is linked at 0x8000), then exits through
 * isa-debug-exit with the code given as "exit=N" (default 0).
 */
#include "rt.h"

static void print_first_line(const struct mb_module *mod)
{
	const char *p = (const char *)mod->start;
	uint32_t len = mod->end - mod->start, i;

	rt_puts("kvmpc payload: module line: ");
	for (i = 0; i < len && i < 200 && p[i] != '\n'; i++)
		rt_putc(p[i]);
	rt_putc('\n');
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = "";

	rt_serial_init();
	rt_puts("kvmpc payload: hello\n");
	rt_printf("kvmpc payload: running at %x\n", (uint32_t)(uintptr_t)guest_main);
	if (magic != MB_BOOT_MAGIC) {
		rt_printf("kvmpc payload: bad magic %x\n", magic);
		return 0x7f;
	}
	if (mbi->flags & MB_INFO_CMDLINE)
		cmdline = (const char *)mbi->cmdline;
	rt_printf("kvmpc payload: cmdline: %s\n", cmdline);
	if (mbi->flags & MB_INFO_LOADER)
		rt_printf("kvmpc payload: loader: %s\n",
			  (const char *)mbi->boot_loader_name);
	if (mbi->flags & MB_INFO_MEM)
		rt_printf("kvmpc payload: mem_lower=%u mem_upper=%u\n",
			  mbi->mem_lower, mbi->mem_upper);
	if (mbi->flags & MB_INFO_MMAP) {
		uint32_t off = 0;

		while (off + 24 <= mbi->mmap_length) {
			const uint32_t *e = (const uint32_t *)(mbi->mmap_addr + off);

			rt_printf("kvmpc payload: mmap %08x%08x %08x%08x %u\n",
				  e[2], e[1], e[4], e[3], e[5]);
			off += e[0] + 4;
		}
	}
	if ((mbi->flags & MB_INFO_MODS) && mbi->mods_count) {
		const struct mb_module *mod = (const void *)mbi->mods_addr;

		rt_printf("kvmpc payload: modules: %u\n", mbi->mods_count);
		rt_printf("kvmpc payload: module cmdline: %s\n",
			  (const char *)mod->string);
		print_first_line(mod);
	}
	return rt_cmdline_num(cmdline, "exit", 0);
}
