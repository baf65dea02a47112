/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the device fuzz targets: a whole PC machine built the way
 * system/main.c builds it, under the qtest accelerator (no vCPU, no KVM, no
 * qtest socket), and an interpreter that turns fuzz input into the port,
 * MMIO and RAM accesses a hostile guest driver would make, restricted to
 * the windows a target names so that the fuzzer spends its time on one
 * device.  Accesses run with the machine lock held, as under KVM;
 * asynchronous block completions are delivered by running the main
 * context.
 */
#ifndef TESTS_FUZZ_FUZZ_MACHINE_H
#define TESTS_FUZZ_FUZZ_MACHINE_H

#include <stddef.h>
#include <stdint.h>
#include "core/machine.h"

struct fuzz_window {
	uint64_t base, len;
	bool pio;
};

struct fuzz_io {
	struct machine *m;
	const struct fuzz_window *win;
	unsigned nwin;
	uint64_t dma_base, dma_len; /* RAM the input may fill (PRDs, descriptors, buffers) */
	void (*setup)(struct machine *m); /* after each reset: BARs, enables */
};

/* Build the PC machine with extra command-line ARGS (NULL-terminated); aborts on error. */
struct machine *fuzz_machine_new(const char *const *args);
/* A scratch file of SIZE bytes (pattern-filled) in a private temp directory. */
char *fuzz_scratch_file(const char *name, size_t size);
/* PCI configuration writes through 0xcf8/0xcfc. */
void fuzz_pci_write(struct machine *m, unsigned devfn, unsigned reg, uint32_t val, unsigned size);
/* Interpret DATA as accesses (see fuzz-machine.c); resets the machine first. */
void fuzz_io_run(const struct fuzz_io *io, const uint8_t *data, size_t size);
/* Deliver pending completions (block workers -> main context). */
void fuzz_drain(struct machine *m);

#endif
