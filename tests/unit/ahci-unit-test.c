// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The AHCI model on a bare machine (no KVM, no qtest), with an accelerator
 * that records MSIs: INTx when MSI is off, one MSI per interrupt event once
 * the guest enables it (address and data from the capability, INTx quiet),
 * none without bus mastering; and hostile command lists that a qtest cannot
 * time well: a PRDT of 65535 two-byte entries, PRDs that wrap the address
 * space or straddle the end of RAM, headers and FIS areas outside RAM, NCQ
 * tags issued twice, writes past the six ports, with a save/load round trip
 * in between.  Each must end in a logged error and a port that still works.
 */
#include <errno.h>
#include <unistd.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "block/drive.h"
#include "core/machine.h"
#include "core/opts.h"
#include "core/vmstate.h"
#include "hw/ide/ahci.h"
#include "system/device-list.h"

#define RAM_SIZE 0x100000
#define ABAR 0xe0000000u
#define CLB 0x10000
#define FB 0x10400
#define CT 0x11000
#define BUF 0x20000

static int msi_count;
static uint64_t msi_addr;
static uint32_t msi_data;

static int rec_signal_msi(struct machine *m, uint64_t addr, uint32_t data)
{
	msi_count++;
	msi_addr = addr;
	msi_data = data;
	return 0;
}

static const struct accel_ops rec_accel = {
	.name = "recorder",
	.signal_msi = rec_signal_msi,
};

struct env {
	struct machine *m;
	struct ahci *s;
	uint8_t *ram;
	struct mem_region ram_mr;
	char *dir, *img;
};

static void cfg_write(struct machine *m, int off, uint32_t v, unsigned size)
{
	as_write(&m->io, 0xcf8, 0x80000000u | 0x10 << 8 | (off & ~3), 4);
	as_write(&m->io, 0xcfc + (off & 3), v, size);
}

static struct device *add_device(struct machine *m, const char *spec)
{
	GError *err = NULL;
	struct opts *o = opts_parse(spec, "driver", &err);
	struct device *d;

	g_assert_no_error(err);
	d = device_create_from_opts(m, o, &err);
	g_assert_no_error(err);
	g_assert_nonnull(d);
	return d;
}

static void env_start(struct env *e)
{
	g_autofree char *spec = NULL;
	GError *err = NULL;

	e->dir = g_dir_make_tmp("kvmpc-ahciu-XXXXXX", NULL);
	e->img = g_build_filename(e->dir, "d.img", NULL);
	g_assert_true(g_file_set_contents(e->img, "", 0, NULL));
	g_assert_cmpint(truncate(e->img, 1 << 20), ==, 0);
	e->m = machine_new(NULL);
	e->m->device_classes = device_classes;
	machine_set_accel(e->m, &rec_accel);
	e->ram = g_malloc0(RAM_SIZE);
	mr_init_ram(&e->ram_mr, "ram", RAM_SIZE, e->ram, false);
	g_assert_cmpint(as_add(&e->m->mem, &e->ram_mr, 0), ==, 0);
	g_assert_nonnull(pci_bus_new(e->m, &err));
	spec = g_strdup_printf("if=none,id=d0,format=raw,file=%s", e->img);
	g_assert_cmpint(drive_parse(e->m, spec, &err), ==, 0);
	e->s = container_of(add_device(e->m, "ahci,id=ahci0,addr=2"), struct ahci, pci.dev);
	add_device(e->m, "ide-hd,drive=d0,bus=ahci0.0");
	cfg_write(e->m, 0x24, ABAR, 4);
	cfg_write(e->m, 0x04, 0x06, 2);
	msi_count = 0;
}

static void env_stop(struct env *e)
{
	g_unlink(e->img);
	g_rmdir(e->dir);
	g_free(e->img);
	g_free(e->dir);
}

static uint32_t rd(struct env *e, uint32_t off)
{
	return as_read(&e->m->mem, ABAR + off, 4);
}

static void wr(struct env *e, uint32_t off, uint32_t v)
{
	as_write(&e->m->mem, ABAR + off, v, 4);
}

#define P0(r) (0x100 + (r))

static void port_start(struct env *e)
{
	wr(e, P0(0x00), CLB);
	wr(e, P0(0x08), FB);
	wr(e, P0(0x18), 0x11);
}

/* Slot 0: an H2D FIS with cmd at CT, header with prdtl entries. */
static void put_cmd(struct env *e, uint8_t cmd, uint16_t prdtl, uint32_t lba, uint16_t count)
{
	uint8_t *h = e->ram + CLB, *f = e->ram + CT;

	memset(h, 0, 32);
	memset(f, 0, 0x80);
	h[0] = 5;
	h[2] = prdtl;
	h[3] = prdtl >> 8;
	memcpy(h + 8, &(uint32_t){ CT }, 4);
	f[0] = 0x27;
	f[1] = 0x80;
	f[2] = cmd;
	f[4] = lba;
	f[5] = lba >> 8;
	f[7] = 0x40;
	f[12] = count;
	f[13] = count >> 8;
}

static void put_prd(struct env *e, int i, uint64_t addr, uint32_t len)
{
	uint8_t *p = e->ram + CT + 0x80 + 16 * i;

	memcpy(p, &addr, 8);
	memcpy(p + 12, &(uint32_t){ len - 1 }, 4);
}

/* Issue slot 0 and run the main loop until the port is idle; PxTFD. */
static uint32_t issue(struct env *e)
{
	gint64 end = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;

	wr(e, P0(0x10), 0x40000000);
	wr(e, P0(0x38), 1);
	while ((rd(e, P0(0x38)) & 1) && !(rd(e, P0(0x10)) & 0x40000000)) {
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_main_context_iteration(e->m->ctx, TRUE);
	}
	return rd(e, P0(0x20));
}

static void test_msi(void)
{
	struct env e;

	env_start(&e);
	port_start(&e);
	wr(&e, P0(0x14), 0x3);          /* DHRS, PSS */
	wr(&e, 0x04, 0x80000002);       /* GHC.IE */
	g_assert_cmpint(e.s->pci.irq_level, ==, 1);  /* the first D2H FIS, on INTx */
	g_assert_cmpint(msi_count, ==, 0);
	/* MSI on, with the event still pending: INTx drops, one message goes */
	cfg_write(e.m, 0x84, 0xfee00000, 4);
	cfg_write(e.m, 0x88, 0, 4);
	cfg_write(e.m, 0x8c, 0x4041, 2);
	cfg_write(e.m, 0x82, 0x01, 2);
	g_assert_cmpint(e.s->pci.irq_level, ==, 0);
	g_assert_cmpint(msi_count, ==, 1);
	g_assert_cmphex(msi_addr, ==, 0xfee00000);
	g_assert_cmphex(msi_data, ==, 0x4041);
	/* acknowledge, then IDENTIFY: one more message, INTx stays low */
	wr(&e, P0(0x10), 0xffffffff);
	wr(&e, 0x08, 1);
	msi_count = 0;
	put_cmd(&e, 0xec, 1, 0, 0);
	put_prd(&e, 0, BUF, 512);
	g_assert_cmphex(issue(&e), ==, 0x50);
	g_assert_cmpint(msi_count, >=, 1);
	g_assert_cmpint(e.s->pci.irq_level, ==, 0);
	g_assert_cmphex(e.ram[BUF], ==, 0x40);
	/* no bus mastering, no message */
	wr(&e, P0(0x10), 0xffffffff);
	wr(&e, 0x08, 1);
	cfg_write(e.m, 0x04, 0x02, 2);
	msi_count = 0;
	put_cmd(&e, 0xec, 1, 0, 0);
	issue(&e);
	g_assert_cmpint(msi_count, ==, 0);
	env_stop(&e);
}

/* A READ DMA EXT of 8 sectors at LBA 0 into BUF must work. */
static void check_alive(struct env *e)
{
	memset(e->ram + BUF, 0xcc, 4096);
	put_cmd(e, 0x25, 1, 0, 8);
	put_prd(e, 0, BUF, 4096);
	g_assert_cmphex(issue(e), ==, 0x50);
	g_assert_cmphex(e->ram[BUF], ==, 0);
}

static void test_hostile(void)
{
	struct env e;
	GByteArray *a = g_byte_array_new();
	GError *err = NULL;
	uint32_t tfd;

	env_start(&e);
	port_start(&e);
	/* 65535 PRDs of 2 bytes (128 KiB of table would not fit: it runs off RAM) */
	put_cmd(&e, 0x25, 65535, 0, 128);
	for (int i = 0; i < 4096; i++)
		put_prd(&e, i, BUF, 2);
	tfd = issue(&e);
	g_assert_cmphex(tfd & 1, ==, 1);
	check_alive(&e);
	/* PRDs that wrap the address space and straddle the end of RAM */
	put_cmd(&e, 0x25, 1, 0, 8);
	put_prd(&e, 0, 0xfffffffffffff000ull, 4096);
	g_assert_cmphex(issue(&e) & 1, ==, 1);
	put_cmd(&e, 0x25, 1, 0, 8);
	put_prd(&e, 0, RAM_SIZE - 512, 4096);
	g_assert_cmphex(issue(&e) & 1, ==, 1);
	/* a command table outside RAM, then a header outside RAM */
	put_cmd(&e, 0x25, 1, 0, 8);
	memcpy(e.ram + CLB + 8, &(uint32_t){ 0xfff00000 }, 4);
	wr(&e, P0(0x38), 1);
	g_assert_cmphex(rd(&e, P0(0x38)), ==, 0);
	wr(&e, P0(0x18), 0);
	wr(&e, P0(0x00), 0xfffffc00);
	wr(&e, P0(0x18), 0x11);
	wr(&e, P0(0x38), 0xffffffff);
	g_assert_cmphex(rd(&e, P0(0x38)), ==, 0);
	wr(&e, P0(0x18), 0);
	/* the FIS area outside RAM: commands still run */
	wr(&e, P0(0x08), 0xfffff000);
	port_start(&e);
	wr(&e, P0(0x08), 0xfffff000);
	check_alive(&e);
	port_start(&e);
	/* registers past the six ports, and the reserved ones */
	for (uint32_t off = 0x400; off < 0x1000; off += 4)
		wr(&e, off, 0xffffffff);
	for (uint32_t off = 0x1c; off < 0x80; off += 4)
		if (off != 0x20 && off != 0x24 && off != 0x28 && off != 0x30 && off != 0x34 &&
		    off != 0x38 && off != 0x2c)
			wr(&e, P0(off), 0xffffffff);
	/* the same NCQ tag twice in one go */
	put_cmd(&e, 0x60, 1, 0, 0);
	e.ram[CT + 3] = 8;
	e.ram[CT + 12] = 3 << 3;
	put_prd(&e, 0, BUF, 4096);
	memcpy(e.ram + CLB + 32, e.ram + CLB, 32);
	wr(&e, P0(0x34), 1 << 3);
	wr(&e, P0(0x38), 3);
	for (int i = 0; i < 1000 && rd(&e, P0(0x34)); i++)
		g_main_context_iteration(e.m->ctx, TRUE);
	g_assert_cmphex(rd(&e, P0(0x34)), ==, 0);
	/* save, reset, load: the port comes back and works */
	vmstate_save(e.s->pci.dev.cls->vmsd, e.s, a);
	device_reset(&e.s->pci.dev);
	g_assert_cmpint(vmstate_load(e.s->pci.dev.cls->vmsd, e.s, a->data, a->len, &err), ==,
			(long)a->len);
	g_assert_no_error(err);
	g_assert_cmphex(rd(&e, P0(0x00)), ==, CLB);
	check_alive(&e);
	g_byte_array_free(a, TRUE);
	env_stop(&e);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ahci/unit/msi", test_msi);
	g_test_add_func("/ahci/unit/hostile", test_hostile);
	return g_test_run();
}
