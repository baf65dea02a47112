// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the HPET (hw/timer/hpet.c): every access size at
 * every offset of its 1 KiB window, with 32 FSB-capable timers (-global
 * hpet.timers=32, hpet.msi=on) so that comparators, periods, routes, the
 * legacy route and FSB messages into RAM are all reachable, then 1 ms of
 * virtual clock so the armed comparators fire.  Any crash, sanitizer
 * report, hang (a period of one tick included) or access outside guest RAM
 * is a bug.
 */
#include <stdint.h>
#include "core/timer.h"
#include "tests/fuzz/fuzz-machine.h"

static const struct fuzz_window hpet_windows[] = {
	{ 0xfed00000, 0x400, false },
};

static struct fuzz_io io = {
	.win = hpet_windows, .nwin = G_N_ELEMENTS(hpet_windows),
	.dma_base = 0x10000, .dma_len = 0x10000,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const args[] = { "-global", "hpet.timers=32",
					    "-global", "hpet.msi=on", NULL };

	io.m = fuzz_machine_new(args);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vclock *c = &io.m->clock;

	fuzz_io_run(&io, data, size);
	machine_lock(io.m);
	vclock_warp(c, vclock_ns(c) + 1000 * 1000);
	machine_unlock(io.m);
	return 0;
}
