// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the std VGA shows in Bochs VBE linear modes, checked pixel by pixel
 * through QMP "screendump" on kvmpc and QEMU 7.2 (and kvmpc against QEMU on
 * the kvmpc leg): 8 bpp with 6- and 8-bit DAC, 15, 16, 24, 32 bpp, a virtual
 * width with X/Y offsets; then random and extreme register values, after
 * which every picture must stay VRAM-sized and the device must answer.
 */
#include "tests/qtest/vga-shot.h"

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

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/vga-vbe-display/vbe32", test_vbe32);
	g_test_add_func("/vga-vbe-display/vbe24", test_vbe24);
	g_test_add_func("/vga-vbe-display/vbe16", test_vbe16);
	g_test_add_func("/vga-vbe-display/vbe15", test_vbe15);
	g_test_add_func("/vga-vbe-display/vbe8", test_vbe8);
	g_test_add_func("/vga-vbe-display/vbe-virtual", test_vbe_virtual);
	g_test_add_func("/vga-vbe-display/hostile", test_hostile);
	return g_test_run();
}
