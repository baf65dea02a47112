// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the AHCI controller (hw/ide/ahci*.c): HBA and port
 * registers through ABAR and the index/data pair, with command lists,
 * FISes, PRD tables and ATAPI packets placed in RAM by the input (tests/
 * fuzz/fuzz-machine.c describes the format), a raw disk on port 0 and a CD
 * on port 1.  Any crash, sanitizer report, hang or access outside guest
 * RAM is a bug.
 */
#include <stdint.h>
#include "tests/fuzz/fuzz-machine.h"

#define AHCI_DEVFN 0x10 /* 00:02.0, the first slot after -nodefaults */
#define AHCI_ABAR 0xe0000000u
#define AHCI_IDP 0xc000

static const struct fuzz_window ahci_windows[] = {
	{ AHCI_ABAR, 0x1000, false }, { AHCI_ABAR + 0x100, 0x80, false },
	{ AHCI_ABAR + 0x180, 0x80, false }, { AHCI_IDP, 0x10, true },
};

static void ahci_setup(struct machine *m)
{
	fuzz_pci_write(m, AHCI_DEVFN, 0x20, AHCI_IDP | 1, 4);
	fuzz_pci_write(m, AHCI_DEVFN, 0x24, AHCI_ABAR, 4);
	fuzz_pci_write(m, AHCI_DEVFN, 0x04, 0x7, 2); /* I/O, memory, bus master */
}

static struct fuzz_io io = {
	.win = ahci_windows, .nwin = G_N_ELEMENTS(ahci_windows),
	.dma_base = 0x10000, .dma_len = 0x40000, .setup = ahci_setup,
};

/* Kept for the process's life (reachable: no leak reports). */
static char *disk, *cd, *drive_hd, *drive_cd;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	disk = fuzz_scratch_file("ahci.img", 1 << 20);
	cd = fuzz_scratch_file("ahci.iso", 1 << 20);
	drive_hd = g_strdup_printf("file=%s,format=raw,if=none,id=d0,snapshot=on", disk);
	drive_cd = g_strdup_printf("file=%s,format=raw,if=none,id=c0,media=cdrom", cd);
	{
		const char *args[] = { "-drive", drive_hd, "-drive", drive_cd,
				       "-device", "ahci,id=ahci0",
				       "-device", "ide-hd,drive=d0,bus=ahci0.0",
				       "-device", "ide-cd,drive=c0,bus=ahci0.1", NULL };

		io.m = fuzz_machine_new(args);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_io_run(&io, data, size);
	return 0;
}
