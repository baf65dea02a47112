// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the standard VGA (hw/display/vga*.c): the VGA
 * register ports (sequencer, graphics, attribute, CRTC, DAC, misc), the
 * Bochs VBE index/data ports, the legacy window at 0xa0000, the linear
 * framebuffer and the MMIO BAR (VBE and VGA registers); after each input
 * the console is refreshed so the renderer draws whatever mode the input
 * left (text, planar, chain-4, VBE 8-32 bpp, odd strides and offsets).
 * Format: tests/fuzz/fuzz-machine.c.
 */
#include <stdint.h>
#include "tests/fuzz/fuzz-machine.h"
#include "ui/console.h"

#define VGA_DEVFN 0x10 /* 00:02.0 */
#define LFB 0xe0000000u
#define MMIO 0xfebf0000u

static const struct fuzz_window vga_windows[] = {
	{ 0x3b0, 0x30, true }, { 0x1ce, 2, true }, { 0xa0000, 0x10000, false },
	{ 0xb0000, 0x10000, false },
	{ LFB, 0x10000, false }, { LFB + 0x100000, 0x10000, false }, { MMIO, 0x1000, false },
};

static void vga_setup(struct machine *m)
{
	fuzz_pci_write(m, VGA_DEVFN, 0x10, LFB, 4);
	fuzz_pci_write(m, VGA_DEVFN, 0x18, MMIO, 4);
	fuzz_pci_write(m, VGA_DEVFN, 0x04, 0x3, 2);
}

static struct fuzz_io io = {
	.win = vga_windows, .nwin = G_N_ELEMENTS(vga_windows),
	.dma_base = 0x10000, .dma_len = 0x1000, .setup = vga_setup,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *args[] = { "-vga", "std", NULL };

	io.m = fuzz_machine_new(args);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct console *con = console_lookup(0);

	fuzz_io_run(&io, data, size);
	if (con) {
		machine_lock(io.m);
		console_invalidate(con);
		console_refresh(con);
		machine_unlock(io.m);
	}
	return 0;
}
