// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PC board's RAM layout and memory map set-up on a machine from
 * machine_new(): where RAM splits around the PCI hole (one definition,
 * used by the board and the kernel loader), that the board's whole map
 * lands where SeaBIOS looks for it, and that a region the board cannot map
 * stops the set-up with an error naming it instead of being ignored.
 */
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "core/machine.h"
#include "hw/i386/pc.h"

#define BIOS_PATH "/usr/share/seabios/bios-256k.bin"

static void test_split(void)
{
	static const struct {
		uint64_t size, below, above;
	} cases[] = {
		{ 128ULL << 20, 128ULL << 20, 0 },
		{ PC_PCI_HOLE_START - 4096, PC_PCI_HOLE_START - 4096, 0 },
		{ PC_PCI_HOLE_START, PC_RAM_BELOW_4G_MAX, PC_PCI_HOLE_START - PC_RAM_BELOW_4G_MAX },
		{ 8ULL << 30, PC_RAM_BELOW_4G_MAX, (8ULL << 30) - PC_RAM_BELOW_4G_MAX },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
		uint64_t below, above;

		pc_ram_split(cases[i].size, &below, &above);
		g_assert_cmphex(below, ==, cases[i].below);
		g_assert_cmphex(above, ==, cases[i].above);
	}
}

static struct machine *pc_test_machine(void)
{
	struct machine_config *cfg = machine_config_new();

	cfg->accel = ACCEL_QTEST;
	cfg->bios = g_strdup(BIOS_PATH);
	cfg->vga = g_strdup("none");
	return machine_new(cfg);
}

/* The board maps RAM, the BIOS and port 0x92 where the guest expects them. */
static void test_map(void)
{
	struct machine *m;
	GError *err = NULL;

	if (access(BIOS_PATH, R_OK) != 0) {
		g_test_skip("no " BIOS_PATH " (install seabios)");
		return;
	}
	m = pc_test_machine();
	g_assert_cmpint(pc_machine_init(m, &err), ==, 0);
	g_assert_no_error(err);
	g_assert_cmphex(m->ram_below_4g, ==, 128ULL << 20);
	/* RAM below 640 KiB and above 1 MiB, the BIOS's reset vector at the top */
	as_write(&m->mem, 0x1000, 0x5a, 1);
	g_assert_cmphex(m->ram[0x1000], ==, 0x5a);
	as_write(&m->mem, (128ULL << 20) - 4, 0xa5a5a5a5, 4);
	g_assert_cmphex(as_read(&m->mem, (128ULL << 20) - 4, 4), ==, 0xa5a5a5a5);
	g_assert_cmphex(as_read(&m->mem, 0xfffffff0, 1), ==, m->bios[m->bios_size - 16]);
	as_write(&m->io, 0x92, 0x02, 1);
	g_assert_cmphex(as_read(&m->io, 0x92, 1) & 0x02, ==, 0x02);
}

static uint64_t busy_read(void *opaque, uint64_t addr, unsigned size)
{
	return 0;
}

static void busy_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
}

static const struct mem_ops busy_ops = {
	.read = busy_read,
	.write = busy_write,
	.min_access = 1,
	.max_access = 4,
};

/* Something already at port 0x92: pc_machine_init fails and says what. */
static void test_map_conflict(void)
{
	struct mem_region busy;
	struct machine *m;
	GError *err = NULL;

	if (access(BIOS_PATH, R_OK) != 0) {
		g_test_skip("no " BIOS_PATH " (install seabios)");
		return;
	}
	m = pc_test_machine();
	mr_init_io(&busy, "squatter", 1, &busy_ops, NULL);
	g_assert_cmpint(as_add(&m->io, &busy, 0x92), ==, 0);
	g_assert_cmpint(pc_machine_init(m, &err), <, 0);
	g_assert_nonnull(err);
	g_assert_nonnull(strstr(err->message, "cannot map port92 at 0x92"));
	g_error_free(err);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pc-layout/ram-split", test_split);
	g_test_add_func("/pc-layout/map", test_map);
	g_test_add_func("/pc-layout/map-conflict", test_map_conflict);
	return g_test_run();
}
