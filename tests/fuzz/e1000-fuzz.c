// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the e1000 (82540EM) model (hw/net/e1000*.c): its
 * registers through the memory BAR and the IOADDR/IODATA pair, EEPROM and
 * MDIC, and the transmit path's legacy and context/data descriptors with
 * checksum offload and TSO, all placed in RAM by the input (tests/fuzz/
 * fuzz-machine.c describes the format).  The NIC has no netdev, so frames
 * are parsed and dropped; the receive path is not reached.  Any crash,
 * sanitizer report, hang or access outside guest RAM is a bug.
 */
#include <stdint.h>
#include "tests/fuzz/fuzz-machine.h"

#define E1K_DEVFN 0x10 /* 00:02.0, the first slot after -nodefaults */
#define E1K_MMIO 0xfe000000u
#define E1K_IO 0xc000

static const struct fuzz_window e1k_windows[] = {
	{ E1K_MMIO, 0x20000, false }, { E1K_MMIO + 0x3800, 0x40, false },
	{ E1K_IO, 8, true },
};

static void e1k_setup(struct machine *m)
{
	fuzz_pci_write(m, E1K_DEVFN, 0x10, E1K_MMIO, 4);
	fuzz_pci_write(m, E1K_DEVFN, 0x14, E1K_IO | 1, 4);
	fuzz_pci_write(m, E1K_DEVFN, 0x04, 0x7, 2); /* I/O, memory, bus master */
}

static struct fuzz_io io = {
	.win = e1k_windows, .nwin = G_N_ELEMENTS(e1k_windows),
	.dma_base = 0x10000, .dma_len = 0x40000, .setup = e1k_setup,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const args[] = { "-device", "e1000,romfile=", NULL };

	io.m = fuzz_machine_new(args);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_io_run(&io, data, size);
	return 0;
}
