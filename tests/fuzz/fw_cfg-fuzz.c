// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for fw_cfg (hw/nvram/fw_cfg.c) on the PC machine with
 * its real items (e820, ACPI tables, boot order, the writable files): the
 * selector and data ports and the DMA interface, whose big-endian
 * descriptors (control, length, address) the input places in RAM and
 * points the DMA address register at.  Format: tests/fuzz/fuzz-machine.c.
 */
#include <stdint.h>
#include "tests/fuzz/fuzz-machine.h"

static const struct fuzz_window fw_cfg_windows[] = {
	{ 0x510, 2, true }, { 0x514, 8, true },
};

static struct fuzz_io io = {
	.win = fw_cfg_windows, .nwin = G_N_ELEMENTS(fw_cfg_windows),
	.dma_base = 0x10000, .dma_len = 0x20000,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	io.m = fuzz_machine_new(NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_io_run(&io, data, size);
	return 0;
}
