// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the PIIX3 UHCI controller and the USB device layer
 * (hw/usb/): its I/O registers, and frame lists, queue heads and transfer
 * descriptors placed in RAM by the input (tests/fuzz/fuzz-machine.c
 * describes the format), with a usb-tablet and a usb-kbd on the root
 * ports answering control and interrupt transfers.  Any crash, sanitizer
 * report, hang or access outside guest RAM is a bug.
 */
#include <stdint.h>
#include "core/timer.h"
#include "tests/fuzz/fuzz-machine.h"

#define UHCI_DEVFN 0x0a /* 00:01.2 */
#define UHCI_IO 0xc000

static const struct fuzz_window uhci_windows[] = {
	{ UHCI_IO, 0x20, true },
};

static void uhci_setup(struct machine *m)
{
	fuzz_pci_write(m, UHCI_DEVFN, 0x20, UHCI_IO | 1, 4);
	fuzz_pci_write(m, UHCI_DEVFN, 0x04, 0x5, 2); /* I/O, bus master */
}

static struct fuzz_io io = {
	.win = uhci_windows, .nwin = G_N_ELEMENTS(uhci_windows),
	.dma_base = 0x10000, .dma_len = 0x40000, .setup = uhci_setup,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const args[] = { "-usb", "-device", "usb-tablet",
					    "-device", "usb-kbd", NULL };

	io.m = fuzz_machine_new(args);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vclock *c = &io.m->clock;

	fuzz_io_run(&io, data, size);
	/* the frame timer runs on the (manual) virtual clock: 8 frames of 1 ms */
	machine_lock(io.m);
	vclock_warp(c, vclock_ns(c) + 8 * 1000 * 1000);
	machine_unlock(io.m);
	fuzz_drain(io.m);
	return 0;
}
