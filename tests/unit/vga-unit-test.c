// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * std-vga on a bare machine (no VMM process): save -> reset -> load gives
 * back the registers and the same picture; a hostile snapshot is tamed;
 * the KVM dirty-log hook decides which scanlines of an LFB mode are
 * redrawn and listeners hear about exactly those rows; the PPM writer.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "hw/display/vga.h"
#include "hw/pci/pci.h"
#include "core/machine.h"
#include "core/vmstate.h"
#include "ui/console.h"

static struct vga_pci *make_vga(struct machine *m)
{
	struct vga_config cfg = VGA_CONFIG_DEFAULT;
	GError *err = NULL;
	struct pci_bus *bus = pci_bus_new(m, &err);
	struct vga_pci *v;

	g_assert_no_error(err);
	cfg.devfn = 0x10;
	v = vga_pci_create(m, bus, &cfg, &err);
	g_assert_no_error(err);
	g_assert_nonnull(v);
	return v;
}

static void out8(struct machine *m, uint16_t port, uint8_t v)
{
	as_write(&m->io, port, v, 1);
}

static void vbe(struct machine *m, uint16_t i, uint16_t v)
{
	as_write(&m->io, 0x1ce, i, 2);
	as_write(&m->io, 0x1cf, v, 2);
}

static uint16_t vbe_get(struct machine *m, uint16_t i)
{
	as_write(&m->io, 0x1ce, i, 2);
	return as_read(&m->io, 0x1cf, 2);
}

static void pci_cfg_write(struct machine *m, int off, uint32_t v)
{
	as_write(&m->io, 0xcf8, 0x80000000u | 0x10 << 8 | off, 4);
	as_write(&m->io, 0xcfc, v, 4);
}

static GBytes *surface_bytes(struct console *con)
{
	struct display_surface *s = con->surface;

	return g_bytes_new(surface_data(s), (size_t)surface_stride(s) * s->height);
}

static void test_roundtrip(void)
{
	struct machine *m = machine_new(NULL);
	struct vga_pci *v = make_vga(m);
	struct vga_state *s = vga_pci_state(v);
	struct device *dev = g_ptr_array_index(m->devices, 0);
	struct console *con = vga_pci_console(v);
	GByteArray *a = g_byte_array_new(), *b = g_byte_array_new();
	GError *err = NULL;

	/* a VBE 8 bpp picture with a palette */
	vbe(m, 1, 64);
	vbe(m, 2, 32);
	vbe(m, 3, 8);
	vbe(m, 4, 0x41);
	out8(m, 0x3c0, 0x20);
	out8(m, 0x3c8, 0);
	for (int i = 0; i < 768; i++)
		out8(m, 0x3c9, (i * 7) & 63);
	for (int i = 0; i < 64 * 32; i++)
		s->vram[i] = i * 3;
	console_refresh(con);
	g_assert_cmpint(con->surface->width, ==, 64);
	g_autoptr(GBytes) before = surface_bytes(con);

	vmstate_save(dev->cls->vmsd, dev, a);
	device_reset(dev);
	g_assert_cmphex(vbe_get(m, 4), ==, 0);
	g_assert_cmpint(vmstate_load(dev->cls->vmsd, dev, a->data, a->len, &err), ==, a->len);
	g_assert_no_error(err);
	vmstate_save(dev->cls->vmsd, dev, b);
	g_assert_cmpmem(a->data, a->len, b->data, b->len);
	g_assert_cmphex(vbe_get(m, 1), ==, 64);
	console_refresh(con);
	g_autoptr(GBytes) after = surface_bytes(con);
	g_assert_true(g_bytes_equal(before, after));
	g_byte_array_free(a, TRUE);
	g_byte_array_free(b, TRUE);
}

static void test_hostile_snapshot(void)
{
	struct machine *m = machine_new(NULL);
	struct vga_pci *v = make_vga(m);
	struct vga_state *s = vga_pci_state(v);
	struct device *dev = g_ptr_array_index(m->devices, 0);
	GByteArray *a = g_byte_array_new();
	GError *err = NULL;

	/* forge state no guest could reach, then load it */
	s->sr_index = 0xff;
	s->gr_index = 0xff;
	s->ar_index = 0xff;
	s->dac_sub_index = 200;
	s->ar_flip_flop = 9;
	s->vbe_regs[VBE_DISPI_INDEX_ENABLE] = 0xffff;
	s->vbe_regs[VBE_DISPI_INDEX_XRES] = 0xffff;
	s->vbe_regs[VBE_DISPI_INDEX_YRES] = 0xffff;
	s->vbe_regs[VBE_DISPI_INDEX_BPP] = 0x1234;
	s->vbe_regs[VBE_DISPI_INDEX_BANK] = 0xffff;
	s->vbe_regs[VBE_DISPI_INDEX_Y_OFFSET] = 0xffff;
	vmstate_save(dev->cls->vmsd, dev, a);
	device_reset(dev);
	vmstate_load(dev->cls->vmsd, dev, a->data, a->len, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(s->sr_index, <, 8);
	g_assert_cmpuint(s->gr_index, <, 16);
	g_assert_cmpuint(s->dac_sub_index, <, 3);
	g_assert_cmpuint(s->bank_offset, <, s->vram_size);
	g_assert_cmpuint((uint64_t)s->vbe_line_offset * s->vbe_regs[VBE_DISPI_INDEX_YRES], <=,
			 s->vram_size);
	/* every register read and a redraw stay inside the device */
	for (int p = 0x3b0; p < 0x3e0; p++)
		as_read(&m->io, p, 1);
	for (uint32_t a0 = 0xa0000; a0 < 0xc0000; a0 += 0x1001)
		as_write(&m->mem, a0, 0x5a, 1);
	console_refresh(vga_pci_console(v));
	g_byte_array_free(a, TRUE);
}

/* ---- dirty-log hook ---- */

static unsigned long fake_dirty_pages;
static int fake_sync_calls;

static int fake_sync(void *opaque, struct mem_region *lfb, unsigned long *bitmap,
		     size_t npages)
{
	fake_sync_calls++;
	bitmap[0] |= fake_dirty_pages;
	fake_dirty_pages = 0;
	return 0;
}

struct rects {
	int n, y0, y1;
};

static void record_update(void *opaque, int x, int y, int w, int h)
{
	struct rects *r = opaque;

	if (!r->n++ || y < r->y0)
		r->y0 = y;
	if (y + h > r->y1)
		r->y1 = y + h;
}

static void test_dirty_log(void)
{
	struct machine *m = machine_new(NULL);
	struct vga_pci *v = make_vga(m);
	struct vga_state *s = vga_pci_state(v);
	struct console *con = vga_pci_console(v);
	struct rects r = { 0 };
	struct display_listener l = { .update = record_update, .opaque = &r };

	pci_cfg_write(m, 0x10, 0xe0000000);
	pci_cfg_write(m, 0x04, 0x2);
	g_assert_nonnull(s->lfb.as); /* BAR0 mapped */
	vga_set_dirty_sync(s, fake_sync, NULL);
	/* 256x64x32: one 4 KiB page = 4 rows */
	vbe(m, 1, 256);
	vbe(m, 2, 64);
	vbe(m, 3, 32);
	vbe(m, 4, 0x41);
	out8(m, 0x3c0, 0x20);
	console_add_listener(con, &l);
	console_refresh(con);
	g_assert_cmpint(r.y0, ==, 0);
	g_assert_cmpint(r.y1, ==, 64);

	/* the guest writes rows 0 and 40 behind our back; KVM reports page 0 */
	memset(&r, 0, sizeof(r));
	memset(s->vram, 0xff, 4);
	memset(s->vram + 40 * 1024, 0xff, 4);
	fake_dirty_pages = 1;
	console_refresh(con);
	g_assert_cmpint(r.n, ==, 1);
	g_assert_cmpint(r.y0, ==, 0);
	g_assert_cmpint(r.y1, ==, 4);
	g_assert_cmphex(surface_data(con->surface)[0], ==, 0xffffff);
	g_assert_cmphex(surface_data(con->surface)[40 * 256], ==, 0);

	/* nothing dirty: nothing redrawn */
	memset(&r, 0, sizeof(r));
	console_refresh(con);
	g_assert_cmpint(r.n, ==, 0);
	g_assert_cmpint(fake_sync_calls, >=, 3);

	/* window writes mark pages themselves (bank 0 of VRAM, row 40) */
	memset(&r, 0, sizeof(r));
	vbe(m, 5, 0);
	as_write(&m->mem, 0xa0000 + 40 * 1024, 0x00808080, 4);
	console_refresh(con);
	g_assert_cmpint(r.y0, ==, 40);
	g_assert_cmpint(r.y1, ==, 44);
	g_assert_cmphex(surface_data(con->surface)[40 * 256], ==, 0x808080);
	console_remove_listener(con, &l);
}

/* Without a dirty log, LFB writes are found by comparing rows. */
static void test_lfb_compare(void)
{
	struct machine *m = machine_new(NULL);
	struct vga_pci *v = make_vga(m);
	struct vga_state *s = vga_pci_state(v);
	struct console *con = vga_pci_console(v);
	struct rects r = { 0 };
	struct display_listener l = { .update = record_update, .opaque = &r };

	pci_cfg_write(m, 0x10, 0xe0000000);
	pci_cfg_write(m, 0x04, 0x2);
	vbe(m, 1, 256);
	vbe(m, 2, 64);
	vbe(m, 3, 32);
	vbe(m, 4, 0x41);
	out8(m, 0x3c0, 0x20);
	console_add_listener(con, &l);
	console_refresh(con);
	memset(&r, 0, sizeof(r));
	console_refresh(con);
	g_assert_cmpint(r.n, ==, 0); /* nothing changed, nothing reported */
	as_write(&m->mem, 0xe0000000 + 17 * 1024 + 8, 0x00123456, 4); /* row 17 */
	console_refresh(con);
	g_assert_cmpint(r.n, ==, 1);
	g_assert_cmpint(r.y0, ==, 17);
	g_assert_cmpint(r.y1, ==, 18);
	g_assert_cmphex(surface_data(con->surface)[17 * 256 + 2], ==, 0x123456);
	console_remove_listener(con, &l);
	(void)s;
}

static void test_ppm(void)
{
	struct machine *m = machine_new(NULL);
	struct vga_pci *v = make_vga(m);
	struct vga_state *s = vga_pci_state(v);
	g_autofree char *path = g_strdup_printf("%s/vga-unit-%d.ppm", g_get_tmp_dir(), getpid());
	g_autofree char *data = NULL;
	GError *err = NULL;
	gsize len;

	vbe(m, 1, 8);
	vbe(m, 2, 2);
	vbe(m, 3, 24);
	vbe(m, 4, 0x41);
	out8(m, 0x3c0, 0x20);
	for (int i = 0; i < 8 * 2 * 3; i++)
		s->vram[i] = i;
	g_assert_cmpint(console_screendump(vga_pci_console(v), path, "ppm", &err), ==, 0);
	g_assert_no_error(err);
	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	g_assert_cmpuint(len, ==, 11 + 48);
	g_assert_cmpmem(data, 11, "P6\n8 2\n255\n", 11);
	/* VRAM is B, G, R; PPM is R, G, B */
	g_assert_cmphex((uint8_t)data[11], ==, 2);
	g_assert_cmphex((uint8_t)data[12], ==, 1);
	g_assert_cmphex((uint8_t)data[13], ==, 0);
	g_assert_cmpint(console_screendump(vga_pci_console(v), path, "gif", &err), <, 0);
	g_assert_nonnull(err);
	g_clear_error(&err);
	unlink(path);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/vga-unit/vmstate-roundtrip", test_roundtrip);
	g_test_add_func("/vga-unit/hostile-snapshot", test_hostile_snapshot);
	g_test_add_func("/vga-unit/dirty-log", test_dirty_log);
	g_test_add_func("/vga-unit/lfb-compare", test_lfb_compare);
	g_test_add_func("/vga-unit/ppm", test_ppm);
	return g_test_run();
}
