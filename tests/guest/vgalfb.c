// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "vgalfb" payload: draws through the std-vga linear framebuffer the way a
 * guest driver does, for the VGA dirty-tracking test under KVM.  Finds
 * 1234:1111 on PCI bus 0, takes BAR0 as SeaBIOS assigned it, sets a
 * 320x200x32 Bochs VBE mode, fills the screen with a pattern, prints
 * "vgalfb: ready1" on COM1 and waits for a byte there; then paints an
 * orange 100x50 box at (40,30) and one white pixel at (300,190), prints
 * "vgalfb: ready2", waits for another byte and exits (isa-debug-exit, 0).
 */
#include "rt.h"

#define W 320
#define H 200

static uint32_t pci_read(unsigned devfn, unsigned off)
{
	outl(0xcf8, 0x80000000u | devfn << 8 | off);
	return inl(0xcfc);
}

static void vbe(uint16_t idx, uint16_t val)
{
	outw(0x1ce, idx);
	outw(0x1cf, val);
}

static void wait_byte(void)
{
	while (!(inb(0x3fd) & 1))
		;
	(void)inb(0x3f8);
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	volatile uint32_t *fb = 0;

	rt_serial_init();
	for (unsigned devfn = 0; devfn < 256; devfn += 8) {
		if (pci_read(devfn, 0) == 0x11111234) {
			fb = (volatile uint32_t *)(pci_read(devfn, 0x10) & ~0xfu);
			break;
		}
	}
	if (!fb) {
		rt_puts("vgalfb: no std-vga\n");
		return 1;
	}
	rt_printf("vgalfb: lfb at %x\n", (uint32_t)fb);
	vbe(4, 0);
	vbe(1, W);
	vbe(2, H);
	vbe(3, 32);
	vbe(4, 0x41);
	inb(0x3da);
	outb(0x3c0, 0x20);
	for (uint32_t y = 0; y < H; y++)
		for (uint32_t x = 0; x < W; x++)
			fb[y * W + x] = ((x * 3 + y) & 0xff) | ((x ^ y) & 0xff) << 8 |
					((y * 5) & 0xff) << 16;
	rt_puts("vgalfb: ready1\n");
	wait_byte();
	for (uint32_t y = 30; y < 80; y++)
		for (uint32_t x = 40; x < 140; x++)
			fb[y * W + x] = 0xff8000;
	fb[190 * W + 300] = 0xffffff;
	rt_puts("vgalfb: ready2\n");
	wait_byte();
	return 0;
}
