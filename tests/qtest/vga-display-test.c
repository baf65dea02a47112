// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the std VGA shows, checked pixel by pixel through QMP "screendump":
 * a text mode programmed by hand (mode 3 registers, a synthetic font loaded
 * into plane 2, characters and attributes at 0xB8000, the cursor), mode 13h
 * (chain-4), unchained mode X, CGA mode 4 (2 bpp interleave, CGA row
 * addressing), mode 12h (planar), 8-dot and 40-column text, repaints after
 * changes, and a switch from graphics back to text.
 *
 * Every picture is compared with an image the test computes itself from
 * the VGA rules, on both legs (kvmpc and QEMU 7.2); on the kvmpc leg the
 * same scenario also runs on QEMU when it is installed and the two dumps
 * must be byte-identical.  PNG dumps are checked against the PPM ones via
 * ImageMagick when available.  QMP: the test starts the VMM with
 * "-qmp unix:SOCK,server=on,wait=off" and speaks to it itself.
 */
#include "tests/qtest/vga-shot.h"

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

/* Cell geometry of the text scenario: 80 x 9 dots unless a variant says. */
static int text_cols = 80, text_cw = 9;

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
		for (int cx = 0; cx < text_cols; cx++) {
			cells[(cy * text_cols + cx) * 2] = cell_char(cx, cy);
			cells[(cy * text_cols + cx) * 2 + 1] = cell_attr(cx, cy);
		}
	}
	qtest_memwrite(q, 0xb8000, cells, text_cols * 25 * 2);
	qtest_outb(q, 0x3d4, 0x0e);
	qtest_outb(q, 0x3d5, CURSOR_POS >> 8);
	qtest_outb(q, 0x3d4, 0x0f);
	qtest_outb(q, 0x3d5, CURSOR_POS & 0xff);
}

static void setup_text_regs(struct vm *vm, const struct vga_mode_regs *regs)
{
	struct qtest *q = vm->q;
	static uint8_t font[8192];

	update_phase = 0;
	set_mode_regs(q, regs);
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

static void setup_text(struct vm *vm)
{
	setup_text_regs(vm, &mode3);
}

/* Mode 3 with 8-dot cells (SR1 bit 0): 640x400. */
static void setup_text8(struct vm *vm)
{
	struct vga_mode_regs r = mode3;

	r.sr[1] = 0x01;
	setup_text_regs(vm, &r);
}

/* 40 columns at half the dot clock (SR1 bit 3): 16-pixel cells, 640x400. */
static void setup_text40(struct vm *vm)
{
	struct vga_mode_regs r = mode3;

	r.sr[1] = 0x08;
	r.cr[0x01] = 0x27;
	r.cr[0x13] = 0x14;
	setup_text_regs(vm, &r);
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
	int cx = x / text_cw, cy = y / 16, line = y % 16;
	int col = text_cw == 16 ? x % 16 / 2 : x % text_cw;
	int ch = cell_char(cx, cy), attr = cell_attr(cx, cy);
	uint8_t bits = font_row(ch, line);
	bool on;

	if (col < 8)
		on = bits & (0x80 >> col);
	else
		on = ch >= 0xb0 && ch <= 0xdf && (bits & 1);
	if (cy * text_cols + cx == CURSOR_POS && line >= 13 && line <= 14)
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

static void test_text8(void)
{
	text_cw = 8;
	check_scenario(setup_text8, 640, 400, model_text);
	text_cw = 9;
}

static void test_text40(void)
{
	text_cw = 16;
	text_cols = 40;
	check_scenario(setup_text40, 640, 400, model_text);
	text_cw = 9;
	text_cols = 80;
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

/* ---- mode X: 13h timing, unchained planes ---- */

static void setup_modex(struct vm *vm)
{
	struct qtest *q = vm->q;
	static uint8_t plane[80 * 200];

	update_phase = 0;
	set_mode_regs(q, &mode13);
	sr_write(q, 4, 0x06);       /* chain-4 off */
	qtest_outb(q, 0x3d4, 0x14);
	qtest_outb(q, 0x3d5, 0x00); /* no doubleword addressing */
	qtest_outb(q, 0x3d4, 0x17);
	qtest_outb(q, 0x3d5, 0xe3); /* byte mode */
	for (int p = 0; p < 4; p++) {
		for (int y = 0; y < 200; y++)
			for (int i = 0; i < 80; i++)
				plane[y * 80 + i] = pix13(4 * i + p, y);
		sr_write(q, 2, 1 << p);
		qtest_memwrite(q, 0xa0000, plane, sizeof(plane));
	}
}

static void test_modex(void)
{
	check_scenario(setup_modex, 640, 400, model_mode13);
}

/* ---- CGA mode 4: 320x200, 2 bpp, even rows at B8000, odd at BA000 ---- */

static const struct vga_mode_regs mode4 = {
	0x63, { 0x03, 0x09, 0x03, 0x00, 0x02 },
	{ 0x2d, 0x27, 0x28, 0x90, 0x2b, 0x80, 0xbf, 0x1f, 0x00, 0xc1, 0x00, 0x00, 0x00,
	  0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x14, 0x00, 0x96, 0xb9, 0xa2, 0xff },
	{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0f, 0x00, 0xff },
	{ 0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14,
	  0x15, 0x16, 0x17, 0x01, 0x00, 0x03, 0x00, 0x00 },
};

static uint8_t cga_byte(int row, int i)
{
	return (uint8_t)(row * 11 + i * 29 + (i >> 3));
}

static void setup_cga4(struct vm *vm)
{
	static uint8_t fb[0x4000];

	update_phase = 0;
	set_mode_regs(vm->q, &mode4);
	for (int y = 0; y < 200; y++)
		for (int i = 0; i < 80; i++)
			fb[(y & 1) * 0x2000 + (y >> 1) * 80 + i] = cga_byte(y, i);
	qtest_memwrite(vm->q, 0xb8000, fb, sizeof(fb));
}

/* Every CGA pixel is 2x2 screen pixels; colours through AR0-3. */
static uint32_t model_cga4(int x, int y)
{
	int px = x / 2, py = y / 2;
	int idx = (cga_byte(py, px / 4) >> (6 - 2 * (px % 4))) & 3;

	return dac_rgb(mode4.ar[idx]);
}

static void test_cga4(void)
{
	check_scenario(setup_cga4, 640, 400, model_cga4);
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
	g_test_add_func("/vga-display/text8", test_text8);
	g_test_add_func("/vga-display/text40", test_text40);
	g_test_add_func("/vga-display/mode13", test_mode13);
	g_test_add_func("/vga-display/mode13-update", test_mode13_update);
	g_test_add_func("/vga-display/mode-switch", test_mode_switch);
	g_test_add_func("/vga-display/mode12", test_mode12);
	g_test_add_func("/vga-display/modex", test_modex);
	g_test_add_func("/vga-display/cga4", test_cga4);
	g_test_add_func("/vga-display/png", test_png);
	return g_test_run();
}
