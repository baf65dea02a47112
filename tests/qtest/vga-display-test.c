// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the std VGA shows, checked pixel by pixel through QMP "screendump":
 * a text mode programmed by hand (mode 3 registers, a synthetic font loaded
 * into plane 2, characters and attributes at 0xB8000, the cursor), mode 13h
 * (chain-4), mode 12h (planar), and VBE linear modes of 8 (6- and 8-bit
 * DAC), 15, 16, 24 and 32 bpp with a virtual width and offsets.
 *
 * Every picture is compared with an image the test computes itself from
 * the VGA rules, on both legs (kvmpc and QEMU 7.2); on the kvmpc leg the
 * same scenario also runs on QEMU when it is installed and the two dumps
 * must be byte-identical.  PNG dumps are checked against the PPM ones via
 * ImageMagick when available.  QMP: the test starts the VMM with
 * "-qmp unix:SOCK,server=on,wait=off" and speaks to it itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

#define VGA_DEVFN 0x10
#define LFB_ADDR 0xe0000000u

struct image {
	int w, h;
	uint8_t *rgb;
};

struct vm {
	struct qtest *q;
	char *sock;
	int fd;
	FILE *in;
};

typedef void scenario_fn(struct vm *vm);
typedef uint32_t model_fn(int x, int y);

static unsigned sock_counter;

/* ---- QMP ---- */

static char *qmp_line(struct vm *vm)
{
	char buf[4096];

	g_assert_nonnull(fgets(buf, sizeof(buf), vm->in));
	return g_strdup(buf);
}

/* Send a command; return the reply line (skipping events). */
static char *qmp_cmd(struct vm *vm, const char *json)
{
	g_assert_cmpint(write(vm->fd, json, strlen(json)), ==, (ssize_t)strlen(json));
	for (;;) {
		char *l = qmp_line(vm);
		if (strstr(l, "\"return\"") || strstr(l, "\"error\""))
			return l;
		g_free(l);
	}
}

static void qmp_connect(struct vm *vm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int tries = 0;

	g_assert_cmpuint(strlen(vm->sock), <, sizeof(sa.sun_path));
	strcpy(sa.sun_path, vm->sock);
	vm->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	g_assert_cmpint(vm->fd, >=, 0);
	while (connect(vm->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		g_assert_cmpint(++tries, <, 500);
		g_usleep(10000);
	}
	vm->in = fdopen(dup(vm->fd), "r");
	g_autofree char *greeting = qmp_line(vm);
	g_assert_nonnull(strstr(greeting, "\"QMP\""));
	g_autofree char *r = qmp_cmd(vm, "{\"execute\": \"qmp_capabilities\"}\n");
	g_assert_nonnull(strstr(r, "\"return\""));
}

static struct vm *vm_start(void)
{
	struct vm *vm = g_new0(struct vm, 1);

	vm->sock = g_strdup_printf("%s/vga-qmp-%d-%u.sock", g_get_tmp_dir(), getpid(),
				   sock_counter++);
	unlink(vm->sock);
	g_autofree char *args =
		g_strdup_printf("-nodefaults -vga std -qmp unix:%s,server=on,wait=off", vm->sock);
	vm->q = qtest_start(args);
	qmp_connect(vm);
	return vm;
}

static void vm_stop(struct vm *vm)
{
	fclose(vm->in);
	close(vm->fd);
	qtest_quit(vm->q);
	unlink(vm->sock);
	g_free(vm->sock);
	g_free(vm);
}

static void vm_screendump(struct vm *vm, const char *path, const char *format)
{
	g_autofree char *cmd = g_strdup_printf(
		"{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"%s\"%s%s%s}}\n",
		path, format ? ", \"format\": \"" : "", format ? format : "", format ? "\"" : "");
	g_autofree char *r = qmp_cmd(vm, cmd);

	if (!strstr(r, "\"return\""))
		g_error("screendump failed: %s", r);
}

/* ---- images ---- */

static struct image *ppm_load(const char *path)
{
	g_autofree char *data = NULL;
	gsize len;
	int w, h, max, n = 0;

	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	g_assert_cmpint(sscanf(data, "P6 %d %d %d%n", &w, &h, &max, &n), ==, 3);
	g_assert_cmpint(max, ==, 255);
	g_assert_cmpuint(len, ==, (gsize)n + 1 + (gsize)w * h * 3);
	struct image *img = g_new0(struct image, 1);
	img->w = w;
	img->h = h;
	img->rgb = g_memdup2(data + n + 1, (gsize)w * h * 3);
	return img;
}

static void image_free(struct image *img)
{
	g_free(img->rgb);
	g_free(img);
}

static struct image *vm_dump(struct vm *vm)
{
	g_autofree char *path = g_strdup_printf("%s.ppm", vm->sock);
	vm_screendump(vm, path, NULL);
	struct image *img = ppm_load(path);
	if (getenv("VGA_TEST_KEEP")) /* for a look: keep the last dump */
		rename(path, getenv("VGA_TEST_KEEP"));
	unlink(path);
	return img;
}

static void assert_model(const struct image *img, int w, int h, model_fn *model)
{
	g_assert_cmpint(img->w, ==, w);
	g_assert_cmpint(img->h, ==, h);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			const uint8_t *p = img->rgb + ((size_t)y * w + x) * 3;
			uint32_t got = p[0] << 16 | p[1] << 8 | p[2];
			uint32_t want = model(x, y);
			if (got != want)
				g_error("pixel (%d,%d): got %06x, want %06x", x, y, got, want);
		}
	}
}

static void assert_same(const struct image *a, const struct image *b)
{
	g_assert_cmpint(a->w, ==, b->w);
	g_assert_cmpint(a->h, ==, b->h);
	g_assert_cmpmem(a->rgb, (gsize)a->w * a->h * 3, b->rgb, (gsize)b->w * b->h * 3);
}

static struct image *run_scenario(scenario_fn *setup)
{
	struct vm *vm = vm_start();
	setup(vm);
	struct image *img = vm_dump(vm);
	vm_stop(vm);
	return img;
}

/* On the kvmpc leg, the same writes on QEMU must give the same picture. */
static void cross_check(scenario_fn *setup, const struct image *img)
{
	const char *bin = getenv("QTEST_BINARY");
	g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");

	if (!qemu || (bin && strstr(bin, "qemu-system")))
		return;
	g_autofree char *saved = g_strdup(bin);
	g_setenv("QTEST_BINARY", qemu, TRUE);
	struct image *ref = run_scenario(setup);
	if (saved)
		g_setenv("QTEST_BINARY", saved, TRUE);
	else
		g_unsetenv("QTEST_BINARY");
	assert_same(img, ref);
	image_free(ref);
}

static void check_scenario(scenario_fn *setup, int w, int h, model_fn *model)
{
	struct image *img = run_scenario(setup);

	assert_model(img, w, h, model);
	cross_check(setup, img);
	image_free(img);
}

/* ---- register helpers and colour rules ---- */

static void sr_write(struct qtest *q, uint8_t i, uint8_t v)
{
	qtest_outb(q, 0x3c4, i);
	qtest_outb(q, 0x3c5, v);
}

static void gr_write(struct qtest *q, uint8_t i, uint8_t v)
{
	qtest_outb(q, 0x3ce, i);
	qtest_outb(q, 0x3cf, v);
}

static void vbe_write(struct qtest *q, uint16_t i, uint16_t v)
{
	qtest_outw(q, 0x1ce, i);
	qtest_outw(q, 0x1cf, v);
}

/* The DAC table every scenario loads (6-bit values). */
static uint8_t dac6(int i, int c)
{
	return c == 0 ? i & 63 : c == 1 ? (i * 5 + 7) & 63 : (63 - i * 3) & 63;
}

static unsigned c6_to_8(unsigned v)
{
	return (v << 2) | ((v & 1) << 1) | (v & 1);
}

/* Scenarios that repaint after a first dump change DAC entry 1 to this. */
static int update_phase;
static const uint8_t dac1_new[3] = { 10, 20, 30 };

static uint32_t dac_rgb(int i)
{
	if (update_phase && i == 1)
		return c6_to_8(dac1_new[0]) << 16 | c6_to_8(dac1_new[1]) << 8 |
		       c6_to_8(dac1_new[2]);
	return c6_to_8(dac6(i, 0)) << 16 | c6_to_8(dac6(i, 1)) << 8 | c6_to_8(dac6(i, 2));
}

static void load_dac(struct qtest *q)
{
	qtest_outb(q, 0x3c8, 0);
	for (int i = 0; i < 256; i++)
		for (int c = 0; c < 3; c++)
			qtest_outb(q, 0x3c9, dac6(i, c));
}

/* A standard mode's registers: misc, SR0-4, CR0-0x18, GR0-8, AR0-0x14. */
struct vga_mode_regs {
	uint8_t misc, sr[5], cr[25], gr[9], ar[21];
};

static void set_mode_regs(struct qtest *q, const struct vga_mode_regs *m)
{
	qtest_outb(q, 0x3c2, m->misc);
	for (int i = 0; i < 5; i++)
		sr_write(q, i, m->sr[i]);
	qtest_outb(q, 0x3d4, 0x11);
	qtest_outb(q, 0x3d5, 0x00); /* unlock CR0-7 */
	for (int i = 0; i < 25; i++) {
		qtest_outb(q, 0x3d4, i);
		qtest_outb(q, 0x3d5, m->cr[i]);
	}
	for (int i = 0; i < 9; i++)
		gr_write(q, i, m->gr[i]);
	qtest_inb(q, 0x3da);
	for (int i = 0; i < 21; i++) {
		qtest_outb(q, 0x3c0, i);
		qtest_outb(q, 0x3c0, m->ar[i]);
	}
	qtest_outb(q, 0x3c0, 0x20); /* palette access off: display on */
	load_dac(q);
}

static const uint8_t ega_ar[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
				    0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f };

static uint32_t pal16(int i)
{
	return dac_rgb(ega_ar[i & 15]);
}

/* ---- text mode 3 ---- */

static const struct vga_mode_regs mode3 = {
	0x67, { 0x03, 0x00, 0x03, 0x00, 0x02 },
	{ 0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
	  0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff },
	{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff },
	{ 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c,
	  0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00 },
};

#define CURSOR_POS (update_phase ? 12 * 80 + 40 : 3 * 80 + 10)

static uint8_t font_row(int c, int l)
{
	return (uint8_t)((c * 37) ^ (l * 0x1d) ^ (c >> 3) ^ (l << 5));
}

static uint8_t cell_char(int cx, int cy)
{
	uint8_t c = (cx + cy * 3) & 0xff;

	return update_phase && (cx + cy) % 7 == 0 ? c ^ 0x55 : c;
}

static uint8_t cell_attr(int cx, int cy)
{
	return (cx * 7 + cy * 13) & 0xff;
}

static void write_cells(struct qtest *q)
{
	static uint8_t cells[80 * 25 * 2];

	for (int cy = 0; cy < 25; cy++) {
		for (int cx = 0; cx < 80; cx++) {
			cells[(cy * 80 + cx) * 2] = cell_char(cx, cy);
			cells[(cy * 80 + cx) * 2 + 1] = cell_attr(cx, cy);
		}
	}
	qtest_memwrite(q, 0xb8000, cells, sizeof(cells));
	qtest_outb(q, 0x3d4, 0x0e);
	qtest_outb(q, 0x3d5, CURSOR_POS >> 8);
	qtest_outb(q, 0x3d4, 0x0f);
	qtest_outb(q, 0x3d5, CURSOR_POS & 0xff);
}

static void setup_text(struct vm *vm)
{
	struct qtest *q = vm->q;
	static uint8_t font[8192];

	update_phase = 0;
	set_mode_regs(q, &mode3);
	/* load the font into plane 2: planar access, A0000 64 KiB */
	sr_write(q, 2, 0x04);
	sr_write(q, 4, 0x06);
	gr_write(q, 4, 0x02);
	gr_write(q, 5, 0x00);
	gr_write(q, 6, 0x04);
	for (int c = 0; c < 256; c++)
		for (int l = 0; l < 32; l++)
			font[c * 32 + l] = l < 16 ? font_row(c, l) : 0;
	qtest_memwrite(q, 0xa0000, font, sizeof(font));
	sr_write(q, 2, 0x03);
	sr_write(q, 4, 0x02);
	gr_write(q, 4, 0x00);
	gr_write(q, 5, 0x10);
	gr_write(q, 6, 0x0e);
	write_cells(q);
}

static void set_dac1(struct qtest *q)
{
	qtest_outb(q, 0x3c8, 1);
	for (int c = 0; c < 3; c++)
		qtest_outb(q, 0x3c9, dac1_new[c]);
}

/* Show the text screen, then change cells, the cursor and a colour. */
static void setup_text_update(struct vm *vm)
{
	setup_text(vm);
	image_free(vm_dump(vm));
	update_phase = 1;
	write_cells(vm->q);
	set_dac1(vm->q);
}

/* 9-dot cells; line-graphics characters repeat their 8th column. */
static uint32_t model_text(int x, int y)
{
	int cx = x / 9, cy = y / 16, col = x % 9, line = y % 16;
	int ch = cell_char(cx, cy), attr = cell_attr(cx, cy);
	uint8_t bits = font_row(ch, line);
	bool on;

	if (col < 8)
		on = bits & (0x80 >> col);
	else
		on = ch >= 0xb0 && ch <= 0xdf && (bits & 1);
	if (cy * 80 + cx == CURSOR_POS && line >= 13 && line <= 14)
		on = true;
	return on ? pal16(attr & 15) : pal16(attr >> 4);
}

static void test_text(void)
{
	check_scenario(setup_text, 720, 400, model_text);
}

static void test_text_update(void)
{
	check_scenario(setup_text_update, 720, 400, model_text);
}

/* ---- mode 13h: chain-4, 320x200 doubled to 640x400 ---- */

static const struct vga_mode_regs mode13 = {
	0x63, { 0x03, 0x01, 0x0f, 0x00, 0x0e },
	{ 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00,
	  0x00, 0x00, 0x00, 0x9c, 0x0e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff },
	{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff },
	{ 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
	  0x0d, 0x0e, 0x0f, 0x41, 0x00, 0x0f, 0x00, 0x00 },
};

static uint8_t pix13(int x, int y)
{
	if (update_phase && x >= 100 && x < 120 && y >= 50 && y < 60)
		return (uint8_t)(x * y);
	return (uint8_t)(x ^ (y * 3));
}

static void setup_mode13(struct vm *vm)
{
	struct qtest *q = vm->q;
	static uint8_t fb[320 * 200];

	update_phase = 0;
	set_mode_regs(q, &mode13);
	for (int y = 0; y < 200; y++)
		for (int x = 0; x < 320; x++)
			fb[y * 320 + x] = pix13(x, y);
	qtest_memwrite(q, 0xa0000, fb, sizeof(fb));
}

static uint32_t model_mode13(int x, int y)
{
	return dac_rgb(pix13(x / 2, y / 2));
}

/* Show mode 13h, then draw a rectangle through the window, change a colour. */
static void setup_mode13_update(struct vm *vm)
{
	setup_mode13(vm);
	image_free(vm_dump(vm));
	update_phase = 1;
	for (int y = 50; y < 60; y++)
		for (int x = 100; x < 120; x++)
			qtest_writeb(vm->q, 0xa0000 + y * 320 + x, pix13(x, y));
	set_dac1(vm->q);
}

/* Text after graphics: a resize and a mode change. */
static void setup_13h_then_text(struct vm *vm)
{
	setup_mode13(vm);
	image_free(vm_dump(vm));
	setup_text(vm);
}

static void test_mode13(void)
{
	check_scenario(setup_mode13, 640, 400, model_mode13);
}

static void test_mode13_update(void)
{
	check_scenario(setup_mode13_update, 640, 400, model_mode13);
}

static void test_mode_switch(void)
{
	check_scenario(setup_13h_then_text, 720, 400, model_text);
}

/* ---- mode 12h: 640x480, 16 colours in 4 planes ---- */

static const struct vga_mode_regs mode12 = {
	0xe3, { 0x03, 0x01, 0x0f, 0x00, 0x06 },
	{ 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00, 0x00, 0x00,
	  0x00, 0x00, 0x00, 0xea, 0x8c, 0xdf, 0x28, 0x00, 0xe7, 0x04, 0xe3, 0xff },
	{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff },
	{ 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c,
	  0x3d, 0x3e, 0x3f, 0x01, 0x00, 0x0f, 0x00, 0x00 },
};

static uint8_t plane12(int p, int off)
{
	return (uint8_t)(off * (p + 3) + (off >> 5) * (p + 1));
}

static void setup_mode12(struct vm *vm)
{
	struct qtest *q = vm->q;
	static uint8_t plane[80 * 480];

	set_mode_regs(q, &mode12);
	gr_write(q, 5, 0x00);
	for (int p = 0; p < 4; p++) {
		sr_write(q, 2, 1 << p);
		for (int i = 0; i < (int)sizeof(plane); i++)
			plane[i] = plane12(p, i);
		qtest_memwrite(q, 0xa0000, plane, sizeof(plane));
	}
	sr_write(q, 2, 0x0f);
}

static uint32_t model_mode12(int x, int y)
{
	int off = y * 80 + x / 8, idx = 0;

	for (int p = 0; p < 4; p++)
		if (plane12(p, off) & (0x80 >> (x % 8)))
			idx |= 1 << p;
	return pal16(idx);
}

static void test_mode12(void)
{
	check_scenario(setup_mode12, 640, 480, model_mode12);
}

/* ---- VBE linear modes ---- */

static int vbe_w, vbe_h, vbe_bpp, vbe_vw, vbe_xoff, vbe_yoff;

static uint8_t vbe_byte(size_t i)
{
	return (uint8_t)(i * 7 + (i >> 8) * 13 + (i >> 16));
}

static void setup_vbe(struct qtest *q, uint16_t enable)
{
	int vw = vbe_vw ? vbe_vw : vbe_w;
	int bytes = (vbe_bpp + 7) / 8;
	size_t len = (size_t)vw * (vbe_h + vbe_yoff) * bytes;
	uint8_t *fb = g_malloc(len);

	vbe_write(q, 4, 0);
	vbe_write(q, 1, vbe_w);
	vbe_write(q, 2, vbe_h);
	vbe_write(q, 3, vbe_bpp);
	vbe_write(q, 4, enable);
	if (vbe_vw)
		vbe_write(q, 6, vbe_vw);
	vbe_write(q, 8, vbe_xoff);
	vbe_write(q, 9, vbe_yoff);
	qtest_outb(q, 0x3c0, 0x20); /* as the VGA BIOS does: display on */
	qtest_outb(q, 0x3c8, 0);
	for (int i = 0; i < 768; i++)
		qtest_outb(q, 0x3c9, vbe_byte(i * 5));
	qtest_pci_writel(q, VGA_DEVFN, 0x10, LFB_ADDR);
	qtest_pci_writew(q, VGA_DEVFN, 0x04, 0x0002);
	for (size_t i = 0; i < len; i++)
		fb[i] = vbe_byte(i);
	qtest_memwrite(q, LFB_ADDR, fb, len);
	g_free(fb);
}

static void setup_vbe_6bit(struct vm *vm)
{
	setup_vbe(vm->q, 0x41);
}

static void setup_vbe_8bit(struct vm *vm)
{
	setup_vbe(vm->q, 0x61);
}

static unsigned expand(unsigned v, int bits)
{
	return (v << (8 - bits)) | (v >> (2 * bits - 8));
}

static uint32_t model_vbe_common(int x, int y, bool dac8)
{
	int vw = vbe_vw ? vbe_vw : vbe_w;
	int bytes = (vbe_bpp + 7) / 8;
	size_t i = ((size_t)(y + vbe_yoff) * vw + x + vbe_xoff) * bytes;
	unsigned v = vbe_byte(i) | vbe_byte(i + 1) << 8;
	uint8_t r, g, b;

	switch (vbe_bpp) {
	case 8:
		r = vbe_byte(vbe_byte(i) * 15);
		g = vbe_byte(vbe_byte(i) * 15 + 5);
		b = vbe_byte(vbe_byte(i) * 15 + 10);
		if (!dac8) {
			r = c6_to_8(r & 63);
			g = c6_to_8(g & 63);
			b = c6_to_8(b & 63);
		}
		return r << 16 | g << 8 | b;
	case 15: /* QEMU 7.2 shifts 15-bit components without repeating bits */
		return ((v >> 10) & 31) << 19 | ((v >> 5) & 31) << 11 | (v & 31) << 3;
	case 16:
		return expand(v >> 11, 5) << 16 | expand((v >> 5) & 63, 6) << 8 |
		       expand(v & 31, 5);
	default:
		return vbe_byte(i + 2) << 16 | vbe_byte(i + 1) << 8 | vbe_byte(i);
	}
}

static uint32_t model_vbe(int x, int y)
{
	return model_vbe_common(x, y, false);
}

static uint32_t model_vbe_dac8(int x, int y)
{
	return model_vbe_common(x, y, true);
}

static void vbe_case(int w, int h, int bpp, int vw, int xoff, int yoff)
{
	vbe_w = w;
	vbe_h = h;
	vbe_bpp = bpp;
	vbe_vw = vw;
	vbe_xoff = xoff;
	vbe_yoff = yoff;
}

static void test_vbe32(void)
{
	vbe_case(320, 200, 32, 0, 0, 0);
	check_scenario(setup_vbe_6bit, 320, 200, model_vbe);
}

static void test_vbe24(void)
{
	vbe_case(160, 120, 24, 0, 0, 0);
	check_scenario(setup_vbe_6bit, 160, 120, model_vbe);
}

static void test_vbe16(void)
{
	vbe_case(160, 120, 16, 0, 0, 0);
	check_scenario(setup_vbe_6bit, 160, 120, model_vbe);
}

static void test_vbe15(void)
{
	vbe_case(160, 120, 15, 0, 0, 0);
	check_scenario(setup_vbe_6bit, 160, 120, model_vbe);
}

static void test_vbe8(void)
{
	vbe_case(160, 120, 8, 0, 0, 0);
	check_scenario(setup_vbe_6bit, 160, 120, model_vbe);
	check_scenario(setup_vbe_8bit, 160, 120, model_vbe_dac8);
}

static void test_vbe_virtual(void)
{
	vbe_case(64, 48, 32, 128, 16, 8);
	check_scenario(setup_vbe_6bit, 64, 48, model_vbe);
}

/* ---- hostile register values ---- */

static uint32_t rng = 0x2545f491;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static uint16_t nasty16(void)
{
	static const uint16_t v[] = { 0, 1, 4, 7, 8, 9, 15, 16, 24, 32, 640, 1024, 2047,
				      12000, 16000, 0x7fff, 0xfffe, 0xffff };

	return rnd() & 1 ? v[rnd() % G_N_ELEMENTS(v)] : rnd();
}

static void hostile_step(struct qtest *q)
{
	switch (rnd() % 7) {
	case 0:
		qtest_outb(q, 0x3b0 + rnd() % 0x30, rnd());
		break;
	case 1:
		vbe_write(q, rnd() % 12, nasty16());
		break;
	case 2:
		vbe_write(q, 4, (rnd() & 0xe3) | 0x01);
		break;
	case 3:
		qtest_writeb(q, 0xa0000 + rnd() % 0x20000, rnd());
		break;
	case 4:
		qtest_outb(q, 0x3d4, rnd() % 0x19);
		qtest_outb(q, 0x3d5, rnd() & 1 ? 0xff : rnd());
		break;
	case 5:
		qtest_readb(q, 0xa0000 + rnd() % 0x20000);
		break;
	default:
		sr_write(q, rnd() % 5, rnd());
		gr_write(q, rnd() % 9, rnd());
		break;
	}
}

/* Random and extreme register values: every picture stays within VRAM-sized
 * bounds and the device keeps answering. */
static void test_hostile(void)
{
	struct vm *vm = vm_start();
	struct qtest *q = vm->q;

	qtest_pci_writel(q, VGA_DEVFN, 0x10, LFB_ADDR);
	qtest_pci_writew(q, VGA_DEVFN, 0x04, 0x0002);
	for (int round = 0; round < 16; round++) {
		for (int i = 0; i < 200; i++)
			hostile_step(q);
		qtest_outb(q, 0x3c2, rnd() & 0xef);
		qtest_inb(q, 0x3da);
		qtest_inb(q, 0x3ba);
		qtest_outb(q, 0x3c0, 0x20);
		struct image *img = vm_dump(vm);
		g_assert_cmpint(img->w, >=, 1);
		g_assert_cmpint(img->h, >=, 1);
		g_assert_cmpuint((guint64)img->w * img->h, <=, 16000ull * 12000);
		image_free(img);
	}
	qtest_outw(q, 0x1ce, 0x0a);
	g_assert_cmphex(qtest_inw(q, 0x1cf), ==, 0x0100);
	vm_stop(vm);
}

/* PNG and PPM dumps of the same screen hold the same pixels. */
static void test_png(void)
{
	g_autofree char *convert = g_find_program_in_path("convert");
	if (!convert) {
		g_test_skip("ImageMagick's convert is not installed");
		return;
	}
	struct vm *vm = vm_start();
	setup_mode13(vm);
	g_autofree char *png = g_strdup_printf("%s.png", vm->sock);
	g_autofree char *ppm = g_strdup_printf("%s.conv.ppm", vm->sock);
	vm_screendump(vm, png, "png");
	struct image *direct = vm_dump(vm);
	vm_stop(vm);

	g_autofree char *sig = NULL;
	gsize len;
	g_assert_true(g_file_get_contents(png, &sig, &len, NULL));
	g_assert_cmpuint(len, >, 8);
	g_assert_cmpmem(sig, 8, "\x89PNG\r\n\x1a\n", 8);
	g_autofree char *cmd = g_strdup_printf("%s %s -depth 8 %s", convert, png, ppm);
	g_assert_cmpint(system(cmd), ==, 0);
	struct image *conv = ppm_load(ppm);
	assert_same(direct, conv);
	image_free(direct);
	image_free(conv);
	unlink(png);
	unlink(ppm);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/vga-display/text", test_text);
	g_test_add_func("/vga-display/text-update", test_text_update);
	g_test_add_func("/vga-display/mode13", test_mode13);
	g_test_add_func("/vga-display/mode13-update", test_mode13_update);
	g_test_add_func("/vga-display/mode-switch", test_mode_switch);
	g_test_add_func("/vga-display/mode12", test_mode12);
	g_test_add_func("/vga-display/vbe32", test_vbe32);
	g_test_add_func("/vga-display/vbe24", test_vbe24);
	g_test_add_func("/vga-display/vbe16", test_vbe16);
	g_test_add_func("/vga-display/vbe15", test_vbe15);
	g_test_add_func("/vga-display/vbe8", test_vbe8);
	g_test_add_func("/vga-display/vbe-virtual", test_vbe_virtual);
	g_test_add_func("/vga-display/png", test_png);
	g_test_add_func("/vga-display/hostile", test_hostile);
	return g_test_run();
}
