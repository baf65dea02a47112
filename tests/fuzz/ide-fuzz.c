// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the IDE controller and ATA/ATAPI command layer
 * (hw/ide/): the PIIX3 IDE function with a raw disk on the primary master
 * and a CD on the secondary master, driven through the task-file ports,
 * the device control ports and the bus-master DMA registers, with PRD
 * tables and ATAPI packets placed in RAM by the input (tests/fuzz/
 * fuzz-machine.c describes the format).  Any crash, sanitizer report, hang
 * or access outside guest RAM is a bug.
 */
#include <stdint.h>
#include "tests/fuzz/fuzz-machine.h"

#define IDE_DEVFN 0x09 /* 00:01.1 */
#define BM_BASE 0xc000

static const struct fuzz_window ide_windows[] = {
	{ 0x1f0, 8, true }, { 0x3f6, 1, true }, { 0x170, 8, true }, { 0x376, 1, true },
	{ BM_BASE, 16, true },
};

static void ide_setup(struct machine *m)
{
	fuzz_pci_write(m, IDE_DEVFN, 0x20, BM_BASE | 1, 4);
	fuzz_pci_write(m, IDE_DEVFN, 0x04, 0x5, 2); /* I/O space, bus master */
}

static struct fuzz_io io = {
	.win = ide_windows, .nwin = G_N_ELEMENTS(ide_windows),
	.dma_base = 0x10000, .dma_len = 0x40000, .setup = ide_setup,
};

/* Kept for the process's life (reachable: no leak reports). */
static char *disk, *cd, *drive_hd, *drive_cd;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	disk = fuzz_scratch_file("disk.img", 1 << 20);
	cd = fuzz_scratch_file("cd.iso", 1 << 20);
	drive_hd = g_strdup_printf("file=%s,format=raw,if=ide,index=0,snapshot=on", disk);
	drive_cd = g_strdup_printf("file=%s,format=raw,media=cdrom,if=ide,index=2", cd);
	{
		const char *args[] = { "-drive", drive_hd, "-drive", drive_cd, NULL };

		io.m = fuzz_machine_new(args);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_io_run(&io, data, size);
	return 0;
}
