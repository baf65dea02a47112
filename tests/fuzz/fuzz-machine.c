// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device fuzz targets' machine and access interpreter (see
 * fuzz-machine.h).  Input format, one command after another until the
 * input ends:
 *   op (1 byte), then by op % 8:
 *   0-2  write 1/2/4 bytes: window (1), offset (2), value (4)
 *   3    read: size selector (1), window (1), offset (2)
 *   4    fill RAM: offset in the DMA area (2, times 16), length (1), bytes
 *   5    write 8 bytes to RAM (a descriptor or PRD): offset (2, times 8), value (8)
 *   6    run pending completions (block I/O)
 *   7    reset the machine (and the target's set-up)
 * A window is picked modulo the target's list, an offset modulo its
 * length; ports and MMIO go through the address spaces exactly as vCPU
 * exits do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include "core/cmdline.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/memory.h"
#include "block/drive.h"
#include "hw/i386/pc.h"
#include "net/net.h"
#include "system/backends.h"
#include "system/device-list.h"
#include "tests/fuzz/fuzz-machine.h"

static char *scratch_dir;

char *fuzz_scratch_file(const char *name, size_t size)
{
	char *path;
	uint8_t *buf = g_malloc(size);

	if (!scratch_dir)
		scratch_dir = g_dir_make_tmp("kvmpc-fuzz-XXXXXX", NULL);
	path = g_build_filename(scratch_dir, name, NULL);
	for (size_t i = 0; i < size; i++)
		buf[i] = (uint8_t)(i * 7 + i / 512);
	if (!g_file_set_contents(path, (char *)buf, size, NULL))
		abort();
	g_free(buf);
	return path;
}

struct machine *fuzz_machine_new(const char *const *args)
{
	GPtrArray *argv = g_ptr_array_new();
	struct machine_config *cfg = machine_config_new();
	struct machine *m;
	GError *err = NULL;
	static const char *const base[] = {
		"kvmpc", "-accel", "qtest", "-qtest", "none", "-m", "32", "-display", "none",
		"-nodefaults", "-serial", "null",
	};

	/*
	 * Keep idle GLib pool threads instead of ending all but two.  Each
	 * device reset recreates the block worker pool (blk_drain_workers), so
	 * threads ended all the time, and a block worker's GSlice thread cache
	 * (2032 bytes, from g_idle_source_new in blk_worker, freed by a GLib
	 * thread-exit destructor) was reported as leaked by a leak check
	 * running while its thread ended: virtqueue, once in 34k-78k inputs,
	 * never from the input alone.  kvmpc's own objects stay checked.
	 */
	g_thread_pool_set_max_unused_threads(-1);
	for (size_t i = 0; i < G_N_ELEMENTS(base); i++)
		g_ptr_array_add(argv, (char *)base[i]);
	for (; args && *args; args++)
		g_ptr_array_add(argv, (char *)*args);
	g_ptr_array_add(argv, NULL);
	if (cmdline_parse(cfg, argv->len - 1, (char **)argv->pdata, &err) != 0)
		goto fail;
	m = machine_new(cfg);
	m->device_classes = device_classes;
	/* the order of system/main.c's machine_build() */
	if (backends_create(m, &err) < 0 || pc_machine_init(m, &err) < 0 ||
	    cmdline_create_devices(m, &err) < 0)
		goto fail;
	g_ptr_array_free(argv, TRUE);
	return m;
fail:
	fprintf(stderr, "fuzz: cannot build the machine: %s\n", err ? err->message : "?");
	abort();
}

void fuzz_pci_write(struct machine *m, unsigned devfn, unsigned reg, uint32_t val,
		    unsigned size)
{
	as_write(&m->io, 0xcf8, 0x80000000u | devfn << 8 | (reg & 0xfc), 4);
	as_write(&m->io, 0xcfc + (reg & 3), val, size);
}

void fuzz_drain(struct machine *m)
{
	for (int i = 0; i < 4; i++) {
		while (g_main_context_iteration(NULL, FALSE))
			;
		g_usleep(50);
	}
}

/* Bytes from the input, zero once it runs out. */
struct cursor {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct cursor *c, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		v |= (uint64_t)(c->n ? *c->p : 0) << (8 * i);
		if (c->n) {
			c->p++;
			c->n--;
		}
	}
	return v;
}

static void io_access(const struct fuzz_io *io, struct cursor *c, bool write, unsigned size)
{
	const struct fuzz_window *w = &io->win[take(c, 1) % io->nwin];
	uint64_t off = take(c, 2) % w->len;
	struct address_space *as = w->pio ? &io->m->io : &io->m->mem;

	if (write)
		as_write(as, w->base + off, take(c, 4), size);
	else
		as_read(as, w->base + off, size);
}

static void io_fill(const struct fuzz_io *io, struct cursor *c, bool qword)
{
	uint64_t off = take(c, 2) * (qword ? 8 : 16) % io->dma_len;
	unsigned len = qword ? 8 : take(c, 1);
	uint8_t buf[256];

	if (len > io->dma_len - off)
		len = io->dma_len - off;
	for (unsigned i = 0; i < len; i++)
		buf[i] = take(c, 1);
	as_write_buf(&io->m->mem, io->dma_base + off, buf, len);
}

static void io_reset(const struct fuzz_io *io)
{
	machine_reset(io->m);
	memset(io->m->ram + io->dma_base, 0, io->dma_len);
	if (io->setup)
		io->setup(io->m);
}

void fuzz_io_run(const struct fuzz_io *io, const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	unsigned steps = 0;

	machine_lock(io->m);
	io_reset(io);
	while (c.n && steps++ < 4096) {
		unsigned op = take(&c, 1) % 8;

		if (op <= 2) {
			io_access(io, &c, true, 1u << op);
		} else if (op == 3) {
			io_access(io, &c, false, 1u << (take(&c, 1) % 3));
		} else if (op == 4 || op == 5) {
			io_fill(io, &c, op == 5);
		} else if (op == 6) {
			machine_unlock(io->m);
			fuzz_drain(io->m);
			machine_lock(io->m);
		} else {
			io_reset(io);
		}
	}
	machine_unlock(io->m);
	fuzz_drain(io->m);
}
