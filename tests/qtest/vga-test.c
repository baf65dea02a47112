// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Std VGA (1234:1111 at 00:02.0, "-vga std") register semantics, checked
 * the same way against kvmpc and QEMU 7.2: misc output and the colour/mono
 * port switch, sequencer/graphics/CRTC index and data masks, CRTC write
 * protection, the attribute flip-flop reset by Input Status 1, DAC
 * auto-increment, the planar memory model (write modes 0-3, read modes 0-1,
 * set/reset, bit mask, logical ops, rotate, map mask, odd/even, chain-4),
 * Bochs VBE DISPI (ID, GETCAPS, VRAM size, mode fixups, bank), the PCI
 * header and BARs, the ROM, and the BAR2 register window (EDID, VGA ports,
 * DISPI, QEMU extension registers).
 */
#include <string.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

#define ARGS "-nodefaults -vga std"
#define VGA_DEVFN 0x10
#define LFB_ADDR 0xe0000000u
#define MMIO_ADDR 0xfebf0000u
#define ROM_ADDR 0xfebc0000u

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

static uint8_t gr_read(struct qtest *q, uint8_t i)
{
	qtest_outb(q, 0x3ce, i);
	return qtest_inb(q, 0x3cf);
}

static void vbe_write(struct qtest *q, uint16_t i, uint16_t v)
{
	qtest_outw(q, 0x1ce, i);
	qtest_outw(q, 0x1cf, v);
}

static uint16_t vbe_read(struct qtest *q, uint16_t i)
{
	qtest_outw(q, 0x1ce, i);
	return qtest_inw(q, 0x1cf);
}

static void test_misc_and_ports(void)
{
	struct qtest *q = qtest_start(ARGS);

	/* reset: misc bit 0 clear, so the 0x3Dx block is mono-hidden */
	g_assert_cmphex(qtest_inb(q, 0x3cc), ==, 0x00);
	g_assert_cmphex(qtest_inb(q, 0x3da), ==, 0xff);
	qtest_outb(q, 0x3b4, 0x0e);
	qtest_outb(q, 0x3b5, 0x12);
	g_assert_cmphex(qtest_inb(q, 0x3b5), ==, 0x12);
	qtest_outb(q, 0x3d4, 0x0f); /* hidden: ignored */
	g_assert_cmphex(qtest_inb(q, 0x3d5), ==, 0xff);
	g_assert_cmphex(qtest_inb(q, 0x3b4), ==, 0x0e);

	/* colour: the CRTC moves to 0x3D4/5, 0x3B4 disappears */
	qtest_outb(q, 0x3c2, 0x77); /* bit 4 is not writable */
	g_assert_cmphex(qtest_inb(q, 0x3cc), ==, 0x67);
	g_assert_cmphex(qtest_inb(q, 0x3d4), ==, 0x0e);
	g_assert_cmphex(qtest_inb(q, 0x3d5), ==, 0x12);
	g_assert_cmphex(qtest_inb(q, 0x3b5), ==, 0xff);

	/* Input Status 1: retrace and display enable toggle on each read */
	uint8_t a = qtest_inb(q, 0x3da), b = qtest_inb(q, 0x3da);
	g_assert_cmphex(a ^ b, ==, 0x09);
	g_assert_cmphex(a & 0x08, !=, b & 0x08);
	qtest_quit(q);
}

static void test_index_data(void)
{
	struct qtest *q = qtest_start(ARGS);

	qtest_outb(q, 0x3c2, 0x67);
	/* sequencer: index has 3 bits, data masks per register */
	sr_write(q, 2, 0xff);
	g_assert_cmphex(qtest_inb(q, 0x3c4), ==, 2);
	g_assert_cmphex(qtest_inb(q, 0x3c5), ==, 0x0f);
	sr_write(q, 4, 0xff);
	g_assert_cmphex(qtest_inb(q, 0x3c5), ==, 0x0e);
	qtest_outb(q, 0x3c4, 0x0a);
	g_assert_cmphex(qtest_inb(q, 0x3c4), ==, 0x02);
	g_assert_cmphex(qtest_inb(q, 0x3c5), ==, 0x0f);

	/* graphics controller */
	gr_write(q, 5, 0xff);
	g_assert_cmphex(gr_read(q, 5), ==, 0x7b);
	gr_write(q, 4, 0xff);
	g_assert_cmphex(gr_read(q, 4), ==, 0x03);
	gr_write(q, 8, 0xa5);
	g_assert_cmphex(gr_read(q, 8), ==, 0xa5);
	qtest_outb(q, 0x3ce, 0x1f);
	g_assert_cmphex(qtest_inb(q, 0x3ce), ==, 0x0f);

	/* a word write is index then data */
	qtest_outw(q, 0x3ce, 0x3c07);
	g_assert_cmphex(gr_read(q, 7), ==, 0x0c);

	/* CRTC: full 8-bit index; CR11 bit 7 locks CR0-7 except CR7 bit 4 */
	qtest_outb(q, 0x3d4, 0x01);
	qtest_outb(q, 0x3d5, 0x4f);
	qtest_outb(q, 0x3d4, 0x11);
	qtest_outb(q, 0x3d5, 0x80);
	qtest_outb(q, 0x3d4, 0x01);
	qtest_outb(q, 0x3d5, 0x27);
	g_assert_cmphex(qtest_inb(q, 0x3d5), ==, 0x4f);
	qtest_outb(q, 0x3d4, 0x07);
	qtest_outb(q, 0x3d5, 0xff);
	g_assert_cmphex(qtest_inb(q, 0x3d5), ==, 0x10);
	qtest_outb(q, 0x3d4, 0x11);
	qtest_outb(q, 0x3d5, 0x00);
	qtest_outb(q, 0x3d4, 0x01);
	qtest_outb(q, 0x3d5, 0x27);
	g_assert_cmphex(qtest_inb(q, 0x3d5), ==, 0x27);
	qtest_outb(q, 0x3d4, 0x80);
	qtest_outb(q, 0x3d5, 0x5a);
	g_assert_cmphex(qtest_inb(q, 0x3d4), ==, 0x80);
	g_assert_cmphex(qtest_inb(q, 0x3d5), ==, 0x5a);
	qtest_quit(q);
}

static void test_attr_flipflop(void)
{
	struct qtest *q = qtest_start(ARGS);

	qtest_outb(q, 0x3c2, 0x67);
	qtest_inb(q, 0x3da);
	qtest_outb(q, 0x3c0, 0x05);           /* index 5 */
	g_assert_cmphex(qtest_inb(q, 0x3c0), ==, 0x00); /* data phase */
	qtest_outb(q, 0x3c0, 0xea);           /* palette 5 keeps 6 bits */
	g_assert_cmphex(qtest_inb(q, 0x3c0), ==, 0x05); /* index phase again */
	g_assert_cmphex(qtest_inb(q, 0x3c1), ==, 0x2a);

	/* reading 0x3DA puts the flip-flop back to "index" */
	qtest_outb(q, 0x3c0, 0x06);
	qtest_inb(q, 0x3da);
	qtest_outb(q, 0x3c0, 0x27);           /* taken as an index */
	g_assert_cmphex(qtest_inb(q, 0x3c0), ==, 0x00);
	g_assert_cmphex(qtest_inb(q, 0x3c1), ==, 0x00); /* palette 7 untouched */
	qtest_outb(q, 0x3c0, 0x3f);           /* data for index 7 */
	g_assert_cmphex(qtest_inb(q, 0x3c0), ==, 0x27);
	g_assert_cmphex(qtest_inb(q, 0x3c1), ==, 0x3f);

	/* mode control: bit 4 is reserved */
	qtest_inb(q, 0x3da);
	qtest_outb(q, 0x3c0, 0x30);
	qtest_outb(q, 0x3c0, 0xff);
	g_assert_cmphex(qtest_inb(q, 0x3c1), ==, 0xef);
	/* colour plane enable: 6 bits */
	qtest_outb(q, 0x3c0, 0x32);
	qtest_outb(q, 0x3c0, 0xff);
	g_assert_cmphex(qtest_inb(q, 0x3c1), ==, 0x3f);
	qtest_quit(q);
}

static void test_dac(void)
{
	struct qtest *q = qtest_start(ARGS);
	static const uint8_t rgb[6] = { 0x01, 0x22, 0x3f, 0x10, 0x00, 0x2a };
	uint8_t back[6];

	qtest_outb(q, 0x3c8, 0x40);
	for (int i = 0; i < 6; i++)
		qtest_outb(q, 0x3c9, rgb[i]);
	g_assert_cmphex(qtest_inb(q, 0x3c8), ==, 0x42);
	g_assert_cmphex(qtest_inb(q, 0x3c7), ==, 0x00); /* DAC state: writing */
	qtest_outb(q, 0x3c7, 0x40);
	g_assert_cmphex(qtest_inb(q, 0x3c7), ==, 0x03);
	for (int i = 0; i < 6; i++)
		back[i] = qtest_inb(q, 0x3c9);
	g_assert_cmpmem(back, 6, rgb, 6);
	/* a partial triple is not committed */
	qtest_outb(q, 0x3c8, 0x41);
	qtest_outb(q, 0x3c9, 0x05);
	qtest_outb(q, 0x3c7, 0x41);
	g_assert_cmphex(qtest_inb(q, 0x3c9), ==, 0x10);
	/* wrap-around from 255 to 0 */
	qtest_outb(q, 0x3c8, 0xff);
	for (int i = 0; i < 6; i++)
		qtest_outb(q, 0x3c9, 0x20 + i);
	g_assert_cmphex(qtest_inb(q, 0x3c8), ==, 0x01);
	qtest_outb(q, 0x3c7, 0x00);
	g_assert_cmphex(qtest_inb(q, 0x3c9), ==, 0x23);
	qtest_quit(q);
}

/* Planes at plane offset off, read through read mode 0 (planar mapping). */
static void read_planes(struct qtest *q, uint32_t off, uint8_t p[4])
{
	gr_write(q, 5, 0x00);
	for (int i = 0; i < 4; i++) {
		gr_write(q, 4, i);
		p[i] = qtest_readb(q, 0xa0000 + off);
	}
}

static void assert_planes(struct qtest *q, uint32_t off, uint8_t p0, uint8_t p1,
			  uint8_t p2, uint8_t p3)
{
	uint8_t p[4], want[4] = { p0, p1, p2, p3 };

	read_planes(q, off, p);
	g_assert_cmpmem(p, 4, want, 4);
}

static void planar_setup(struct qtest *q)
{
	qtest_outb(q, 0x3c2, 0x67);
	sr_write(q, 4, 0x06); /* planar: no chain-4, no odd/even */
	gr_write(q, 6, 0x05); /* graphics, 0xA0000 64 KiB */
	sr_write(q, 2, 0x0f);
	gr_write(q, 5, 0x00);
	gr_write(q, 8, 0xff);
}

static void test_planar_write_modes(void)
{
	struct qtest *q = qtest_start(ARGS);

	planar_setup(q);
	/* mode 0 with set/reset on all planes */
	gr_write(q, 1, 0x0f);
	gr_write(q, 0, 0x05);
	qtest_writeb(q, 0xa0000, 0x00);
	assert_planes(q, 0, 0xff, 0x00, 0xff, 0x00);

	/* map mask: plane 1 only, CPU data */
	gr_write(q, 1, 0x00);
	sr_write(q, 2, 0x02);
	qtest_writeb(q, 0xa0001, 0x3c);
	assert_planes(q, 1, 0x00, 0x3c, 0x00, 0x00);
	sr_write(q, 2, 0x0f);

	/* bit mask keeps latched bits (latches loaded by a read) */
	qtest_readb(q, 0xa0000);
	gr_write(q, 8, 0x0f);
	qtest_writeb(q, 0xa0000, 0x00);
	assert_planes(q, 0, 0xf0, 0x00, 0xf0, 0x00);

	/* XOR with the latches */
	gr_write(q, 8, 0xff);
	gr_write(q, 3, 0x18);
	qtest_readb(q, 0xa0000);
	qtest_writeb(q, 0xa0000, 0xff);
	assert_planes(q, 0, 0x0f, 0xff, 0x0f, 0xff);
	/* AND, OR */
	gr_write(q, 3, 0x08);
	qtest_readb(q, 0xa0000);
	qtest_writeb(q, 0xa0000, 0x3c);
	assert_planes(q, 0, 0x0c, 0x3c, 0x0c, 0x3c);
	gr_write(q, 3, 0x10);
	qtest_readb(q, 0xa0000);
	qtest_writeb(q, 0xa0000, 0x81);
	assert_planes(q, 0, 0x8d, 0xbd, 0x8d, 0xbd);

	/* rotate right by 1 */
	gr_write(q, 3, 0x01);
	qtest_writeb(q, 0xa0002, 0x01);
	assert_planes(q, 2, 0x80, 0x80, 0x80, 0x80);
	gr_write(q, 3, 0x00);

	/* mode 1 copies the latches */
	qtest_readb(q, 0xa0000);
	gr_write(q, 5, 0x01);
	qtest_writeb(q, 0xa0003, 0x55);
	assert_planes(q, 3, 0x8d, 0xbd, 0x8d, 0xbd);

	/* mode 2: the low nibble is a colour for every masked bit */
	gr_write(q, 5, 0x02);
	qtest_writeb(q, 0xa0004, 0x0a);
	assert_planes(q, 4, 0x00, 0xff, 0x00, 0xff);
	gr_write(q, 5, 0x02);
	gr_write(q, 8, 0x81);
	qtest_readb(q, 0xa0004);
	qtest_writeb(q, 0xa0004, 0x05);
	assert_planes(q, 4, 0x81, 0x7e, 0x81, 0x7e);

	/* mode 3: set/reset colour, CPU byte (rotated) ANDed into the mask */
	gr_write(q, 8, 0xf0);
	gr_write(q, 0, 0x0c);
	qtest_readb(q, 0xa0004);
	gr_write(q, 5, 0x03);
	qtest_writeb(q, 0xa0004, 0x3c);
	assert_planes(q, 4, 0x81, 0x4e, 0xb1, 0x7e);
	qtest_quit(q);
}

static void test_read_mode1(void)
{
	struct qtest *q = qtest_start(ARGS);

	planar_setup(q);
	gr_write(q, 5, 0x02);
	qtest_writeb(q, 0xa0010, 0x05); /* colour 5 everywhere */
	gr_write(q, 8, 0x0f);
	qtest_readb(q, 0xa0010);        /* latches keep the high 4 pixels */
	qtest_writeb(q, 0xa0010, 0x0a); /* colour 10 in the low 4 pixels */
	gr_write(q, 8, 0xff);
	gr_write(q, 5, 0x08);           /* read mode 1 */
	gr_write(q, 2, 0x0a);
	gr_write(q, 7, 0x0f);
	g_assert_cmphex(qtest_readb(q, 0xa0010), ==, 0x0f);
	gr_write(q, 2, 0x05);
	g_assert_cmphex(qtest_readb(q, 0xa0010), ==, 0xf0);
	gr_write(q, 7, 0x00);           /* nothing compared: all match */
	g_assert_cmphex(qtest_readb(q, 0xa0010), ==, 0xff);
	gr_write(q, 2, 0x00);
	gr_write(q, 7, 0x04);           /* plane 2 clear: the colour 10 pixels */
	g_assert_cmphex(qtest_readb(q, 0xa0010), ==, 0x0f);
	qtest_quit(q);
}

static void test_odd_even_chain4(void)
{
	struct qtest *q = qtest_start(ARGS);

	qtest_outb(q, 0x3c2, 0x67);
	/* text layout: B8000, odd/even, planes 0 and 1 */
	sr_write(q, 2, 0x03);
	sr_write(q, 4, 0x02);
	gr_write(q, 5, 0x10);
	gr_write(q, 6, 0x0e);
	qtest_writeb(q, 0xb8000, 'A');
	qtest_writeb(q, 0xb8001, 0x1f);
	qtest_writeb(q, 0xb8002, 'B');
	qtest_writeb(q, 0xb8003, 0x2e);
	g_assert_cmphex(qtest_readb(q, 0xb8000), ==, 'A');
	g_assert_cmphex(qtest_readb(q, 0xb8001), ==, 0x1f);
	g_assert_cmphex(qtest_readw(q, 0xb8002), ==, 0x2e42);
	/* 0xA0000 is outside the B8000 window */
	g_assert_cmphex(qtest_readb(q, 0xa0000), ==, 0xff);
	sr_write(q, 4, 0x06);
	gr_write(q, 6, 0x05);
	assert_planes(q, 0, 'A', 0x1f, 0x00, 0x00);
	assert_planes(q, 1, 'B', 0x2e, 0x00, 0x00);

	/* chain-4: linear bytes, A1:0 pick the plane */
	sr_write(q, 2, 0x0f);
	sr_write(q, 4, 0x0e);
	gr_write(q, 5, 0x40);
	qtest_writel(q, 0xa0100, 0x44332211);
	g_assert_cmphex(qtest_readl(q, 0xa0100), ==, 0x44332211);
	sr_write(q, 2, 0x0b); /* plane 2 masked */
	qtest_writel(q, 0xa0100, 0xddccbbaa);
	g_assert_cmphex(qtest_readl(q, 0xa0100), ==, 0xdd33bbaa);
	sr_write(q, 4, 0x06);
	assert_planes(q, 0x40, 0xaa, 0xbb, 0x33, 0xdd);
	qtest_quit(q);
}

static void test_vbe_regs(void)
{
	struct qtest *q = qtest_start(ARGS);

	g_assert_cmphex(vbe_read(q, 0), ==, 0xb0c5);
	vbe_write(q, 0, 0xb0c0);
	g_assert_cmphex(vbe_read(q, 0), ==, 0xb0c0);
	vbe_write(q, 0, 0x1234);
	g_assert_cmphex(vbe_read(q, 0), ==, 0xb0c0);
	vbe_write(q, 0, 0xb0c5);
	g_assert_cmphex(qtest_inw(q, 0x1ce), ==, 0x0000);
	g_assert_cmphex(vbe_read(q, 0x0a), ==, 0x0100); /* 16 MiB */
	g_assert_cmphex(vbe_read(q, 4), ==, 0);
	vbe_write(q, 4, 0x02);
	g_assert_cmpuint(vbe_read(q, 1), ==, 16000);
	g_assert_cmpuint(vbe_read(q, 2), ==, 12000);
	g_assert_cmpuint(vbe_read(q, 3), ==, 32);
	vbe_write(q, 4, 0x00);
	g_assert_cmpuint(vbe_read(q, 1), ==, 0);

	/* 1024x768x32 with the LFB */
	vbe_write(q, 1, 1027);
	vbe_write(q, 2, 768);
	vbe_write(q, 3, 32);
	vbe_write(q, 4, 0x41);
	g_assert_cmpuint(vbe_read(q, 1), ==, 1024); /* multiple of 8 */
	g_assert_cmpuint(vbe_read(q, 6), ==, 1024); /* virtual width */
	g_assert_cmpuint(vbe_read(q, 7), ==, (16u << 20) / 4096);
	g_assert_cmphex(vbe_read(q, 4), ==, 0x41);
	/* the VGA registers follow: CR1 = width / 8 - 1, CR13 = pitch / 8 */
	qtest_outb(q, 0x3b4, 0x01);
	g_assert_cmphex(qtest_inb(q, 0x3b5), ==, 0x7f);
	qtest_outb(q, 0x3b4, 0x13);
	g_assert_cmphex(qtest_inb(q, 0x3b5), ==, 0x00); /* 4096 >> 3 truncated */
	g_assert_cmphex(gr_read(q, 6) & 0x0d, ==, 0x05);
	/* an impossible height is cut to VRAM, a bad depth becomes 8 */
	vbe_write(q, 2, 12000);
	g_assert_cmpuint(vbe_read(q, 2), ==, 4096);
	vbe_write(q, 3, 7);
	g_assert_cmpuint(vbe_read(q, 3), ==, 8);
	/* offsets that would leave VRAM are dropped */
	vbe_write(q, 9, 16000);
	g_assert_cmpuint(vbe_read(q, 9), ==, 12000); /* 8 bpp: still fits */
	vbe_write(q, 2, 768);
	vbe_write(q, 3, 32);
	g_assert_cmpuint(vbe_read(q, 9), ==, 0);
	/* bank is masked to VRAM size */
	vbe_write(q, 5, 0xffff);
	g_assert_cmphex(vbe_read(q, 5), ==, 0xff);
	/* unknown indexes read 0 */
	g_assert_cmphex(vbe_read(q, 0x0b), ==, 0);
	g_assert_cmphex(vbe_read(q, 0xffff), ==, 0);
	qtest_quit(q);
}

static void test_vbe_bank(void)
{
	struct qtest *q = qtest_start(ARGS);

	vbe_write(q, 1, 640);
	vbe_write(q, 2, 480);
	vbe_write(q, 3, 8);
	vbe_write(q, 4, 0x01); /* banked, no LFB bit */
	vbe_write(q, 5, 3);
	qtest_writel(q, 0xa0010, 0xcafef00d);
	g_assert_cmphex(qtest_readl(q, 0xa0010), ==, 0xcafef00d);
	vbe_write(q, 5, 0);
	g_assert_cmphex(qtest_readl(q, 0xa0010), ==, 0);
	/* the same bytes through the LFB */
	qtest_pci_writel(q, VGA_DEVFN, 0x10, LFB_ADDR);
	qtest_pci_writew(q, VGA_DEVFN, 0x04, 0x0003);
	g_assert_cmphex(qtest_readl(q, LFB_ADDR + 3 * 0x10000 + 0x10), ==, 0xcafef00d);
	qtest_quit(q);
}

static void test_pci_header(void)
{
	struct qtest *q = qtest_start(ARGS);

	g_assert_cmphex(qtest_pci_readl(q, VGA_DEVFN, 0x00), ==, 0x11111234);
	g_assert_cmphex(qtest_pci_readl(q, VGA_DEVFN, 0x08), ==, 0x03000002);
	g_assert_cmphex(qtest_pci_readl(q, VGA_DEVFN, 0x2c), ==, 0x11001af4);
	g_assert_cmphex(qtest_pci_readb(q, VGA_DEVFN, 0x0e), ==, 0x00);
	g_assert_cmphex(qtest_pci_readb(q, VGA_DEVFN, 0x3d), ==, 0x00); /* no INTx */
	/* BAR sizes: 16 MiB prefetchable, 4 KiB MMIO, 64 KiB ROM */
	qtest_pci_writel(q, VGA_DEVFN, 0x10, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, VGA_DEVFN, 0x10), ==, 0xff000008);
	qtest_pci_writel(q, VGA_DEVFN, 0x18, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, VGA_DEVFN, 0x18), ==, 0xfffff000);
	qtest_pci_writel(q, VGA_DEVFN, 0x30, 0xfffff800);
	g_assert_cmphex(qtest_pci_readl(q, VGA_DEVFN, 0x30), ==, 0xffff0000);

	/* ROM contents once enabled */
	qtest_pci_writel(q, VGA_DEVFN, 0x30, ROM_ADDR | 1);
	qtest_pci_writew(q, VGA_DEVFN, 0x04, 0x0002);
	g_assert_cmphex(qtest_readw(q, ROM_ADDR), ==, 0xaa55);
	uint16_t pcir = qtest_readw(q, ROM_ADDR + 0x18);
	g_assert_cmphex(qtest_readl(q, ROM_ADDR + pcir), ==, 0x52494350); /* "PCIR" */
	g_assert_cmphex(qtest_readl(q, ROM_ADDR + pcir + 4), ==, 0x11111234);
	qtest_quit(q);
}

static void test_mmio_bar(void)
{
	struct qtest *q = qtest_start(ARGS);
	uint8_t edid[128], sum = 0;
	static const uint8_t hdr[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };

	qtest_pci_writel(q, VGA_DEVFN, 0x18, MMIO_ADDR);
	qtest_pci_writew(q, VGA_DEVFN, 0x04, 0x0002);
	for (int i = 0; i < 128; i++)
		edid[i] = qtest_readb(q, MMIO_ADDR + i);
	g_assert_cmpmem(edid, 8, hdr, 8);
	for (int i = 0; i < 128; i++)
		sum += edid[i];
	g_assert_cmphex(sum, ==, 0);
	g_assert_cmphex(edid[0x12], ==, 1); /* EDID 1.x */

	/* QEMU extension registers */
	g_assert_cmphex(qtest_readl(q, MMIO_ADDR + 0x600), ==, 8);
	g_assert_cmphex(qtest_readl(q, MMIO_ADDR + 0x604), ==, 0x1e1e1e1e);

	/* DISPI at 0x500 + 2 * index */
	g_assert_cmphex(qtest_readw(q, MMIO_ADDR + 0x500), ==, 0xb0c5);
	g_assert_cmphex(qtest_readw(q, MMIO_ADDR + 0x514), ==, 0x0100);
	qtest_writew(q, MMIO_ADDR + 0x502, 800);
	g_assert_cmpuint(vbe_read(q, 1), ==, 800);

	/* VGA ports 0x3C0-0x3DF at 0x400 */
	qtest_writeb(q, MMIO_ADDR + 0x408, 0x20); /* 0x3C8 */
	g_assert_cmphex(qtest_inb(q, 0x3c8), ==, 0x20);
	qtest_writew(q, MMIO_ADDR + 0x404, 0x0f02); /* SR2 = 0x0f */
	g_assert_cmphex(qtest_readb(q, MMIO_ADDR + 0x405), ==, 0x0f);
	g_assert_cmphex(qtest_readb(q, MMIO_ADDR + 0x40c), ==, 0x00); /* misc */
	qtest_quit(q);
}

/* -device VGA with properties instead of -vga std */
static void test_device_opts(void)
{
	struct qtest *q = qtest_start("-nodefaults -device VGA,vgamem_mb=8");

	g_assert_cmphex(qtest_pci_readl(q, VGA_DEVFN, 0x00), ==, 0x11111234);
	g_assert_cmphex(vbe_read(q, 0x0a), ==, 0x0080);
	qtest_pci_writel(q, VGA_DEVFN, 0x10, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, VGA_DEVFN, 0x10), ==, 0xff800008);
	qtest_quit(q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/vga/misc-ports", test_misc_and_ports);
	g_test_add_func("/vga/index-data", test_index_data);
	g_test_add_func("/vga/attr-flipflop", test_attr_flipflop);
	g_test_add_func("/vga/dac", test_dac);
	g_test_add_func("/vga/planar-write-modes", test_planar_write_modes);
	g_test_add_func("/vga/read-mode1", test_read_mode1);
	g_test_add_func("/vga/odd-even-chain4", test_odd_even_chain4);
	g_test_add_func("/vga/vbe-regs", test_vbe_regs);
	g_test_add_func("/vga/vbe-bank", test_vbe_bank);
	g_test_add_func("/vga/pci-header", test_pci_header);
	g_test_add_func("/vga/mmio-bar", test_mmio_bar);
	g_test_add_func("/vga/device-opts", test_device_opts);
	return g_test_run();
}
