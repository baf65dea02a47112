// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Standard VGA registers, the 0xA0000-0xBFFFF memory window and the Bochs
 * VBE DISPI interface (ports 0x1CE/0x1CF).  Follows IBM's VGA technical
 * reference and FreeVGA for register semantics, and matches QEMU's std-vga
 * where the two differ in guest-visible ways (docs/machine-contract.md
 * §4.6, docs/references.md "VGA, Bochs VBE"): Input Status 1 toggles its
 * retrace bits on every read, the DAC keeps the raw bytes written, while
 * DISPI is enabled the VGA registers keep the values DISPI needs.
 *
 * Memory model: the four planes are interleaved in VRAM (vga.h).  Chain-4
 * addresses VRAM linearly, odd/even packs plane offsets as addr >> 1 (the
 * layout QEMU uses, which text rendering reads 4 bytes per cell), planar
 * accesses go through the latches with write modes 0-3, read modes 0-1.
 *
 * Left out: precise retrace timing, the feature connector, the PEL mask,
 * light pen registers, CGA/Hercules register sets at 0x3D8/0x3B8.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "hw/display/vga.h"
#include "core/savevm.h"
#include "core/log.h"
#include "core/machine.h"

#define ST01_V_RETRACE 0x08
#define ST01_DISP_ENABLE 0x01

/* Writable bits of the sequencer and graphics controller registers. */
static const uint8_t sr_mask[8] = { 0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0xff };
static const uint8_t gr_mask[16] = { 0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f,
				     0xff };

/* Expand a 4-bit plane mask to a byte mask per plane in a 32-bit latch. */
static uint32_t plane_bytes(unsigned m)
{
	uint32_t v = 0;

	for (int p = 0; p < 4; p++)
		if (m & (1u << p))
			v |= 0xffu << (p * 8);
	return v;
}

void vga_mark_dirty(struct vga_state *s, uint32_t off, uint32_t len)
{
	if (!len)
		return;
	off &= s->vram_mask;
	if (len > s->vram_size)
		len = s->vram_size;
	uint64_t first = off >> VGA_PAGE_SHIFT;
	uint64_t last = ((uint64_t)off + len - 1) >> VGA_PAGE_SHIFT;
	for (uint64_t p = first; p <= last; p++) {
		size_t n = p % s->dirty_pages;
		s->dirty[n / (8 * sizeof(long))] |= 1UL << (n % (8 * sizeof(long)));
	}
}

void vga_set_dirty_sync(struct vga_state *s, vga_dirty_sync_fn fn, void *opaque)
{
	s->dirty_sync = fn;
	s->dirty_opaque = opaque;
	vga_invalidate(s);
}

void vga_invalidate(struct vga_state *s)
{
	s->graphic_mode = -1;
	s->full_update = true;
}

/* ---- the memory window ---- */

/*
 * Translate a window offset (0..0x1FFFF) through GR6's memory map select.
 * Returns false when the address is outside the selected window.
 */
static bool vga_window_offset(struct vga_state *s, uint32_t *addr)
{
	uint32_t a = *addr & 0x1ffff;

	switch ((s->gr[VGA_GFX_MISC] >> 2) & 3) {
	case 0:
		break;
	case 1:
		if (a >= 0x10000)
			return false;
		a += s->bank_offset;
		break;
	case 2:
		if (a < 0x10000 || a >= 0x18000)
			return false;
		a -= 0x10000;
		break;
	default:
		if (a < 0x18000)
			return false;
		a -= 0x18000;
		break;
	}
	*addr = a;
	return true;
}

static uint32_t *vga_latch_ptr(struct vga_state *s, uint32_t plane_off)
{
	return (uint32_t *)(s->vram + ((plane_off << 2) & s->vram_mask));
}

uint8_t vga_mem_readb(struct vga_state *s, uint32_t addr)
{
	if (!vga_window_offset(s, &addr))
		return 0xff;
	if (s->sr[VGA_SEQ_MEMORY_MODE] & 0x08)
		return s->vram[addr & s->vram_mask];
	if (s->gr[VGA_GFX_MODE] & 0x10) {
		/* odd/even: A0 picks the plane inside the pair GR4 selects */
		unsigned plane = (s->gr[4] & 2) | (addr & 1);
		s->latch = *vga_latch_ptr(s, addr >> 1);
		return s->vram[(((addr & ~1u) << 1) | plane) & s->vram_mask];
	}
	s->latch = *vga_latch_ptr(s, addr);
	if (!(s->gr[VGA_GFX_MODE] & 0x08))
		return s->latch >> ((s->gr[4] & 3) * 8);
	/* read mode 1: colour compare over the planes GR7 selects */
	uint32_t diff = (s->latch ^ plane_bytes(s->gr[2])) & plane_bytes(s->gr[7]);
	diff |= diff >> 16;
	diff |= diff >> 8;
	return ~diff & 0xff;
}

static uint32_t rotate8(uint8_t v, unsigned n)
{
	n &= 7;
	return (uint8_t)((v >> n) | (v << (8 - n)));
}

/* Latched planar write: returns the 32-bit value for all four planes. */
static uint32_t vga_planar_value(struct vga_state *s, uint8_t val)
{
	uint32_t v, bit_mask;

	switch (s->gr[VGA_GFX_MODE] & 3) {
	case 0: {
		uint32_t set_en = plane_bytes(s->gr[1]);
		v = rotate8(val, s->gr[3]) * 0x01010101u;
		v = (v & ~set_en) | (plane_bytes(s->gr[0]) & set_en);
		bit_mask = s->gr[8];
		break;
	}
	case 1:
		return s->latch;
	case 2:
		v = plane_bytes(val & 0x0f);
		bit_mask = s->gr[8];
		break;
	default:
		bit_mask = s->gr[8] & rotate8(val, s->gr[3]);
		v = plane_bytes(s->gr[0]);
		break;
	}
	switch ((s->gr[3] >> 3) & 3) {
	case 1:
		v &= s->latch;
		break;
	case 2:
		v |= s->latch;
		break;
	case 3:
		v ^= s->latch;
		break;
	}
	bit_mask *= 0x01010101u;
	return (v & bit_mask) | (s->latch & ~bit_mask);
}

void vga_mem_writeb(struct vga_state *s, uint32_t addr, uint8_t val)
{
	uint8_t map_mask = s->sr[VGA_SEQ_PLANE_WRITE];

	if (!vga_window_offset(s, &addr))
		return;
	if (s->sr[VGA_SEQ_MEMORY_MODE] & 0x08) {
		unsigned plane = addr & 3;
		if (map_mask & (1u << plane)) {
			s->vram[addr & s->vram_mask] = val;
			s->plane_updated |= 1u << plane;
			vga_mark_dirty(s, addr, 1);
		}
		return;
	}
	if (!(s->sr[VGA_SEQ_MEMORY_MODE] & 0x04)) {
		/* odd/even: A0 picks the plane inside the pair GR4 selects */
		unsigned plane = (s->gr[4] & 2) | (addr & 1);
		if (map_mask & (1u << plane)) {
			uint32_t off = (((addr & ~1u) << 1) | plane) & s->vram_mask;
			s->vram[off] = val;
			s->plane_updated |= 1u << plane;
			vga_mark_dirty(s, off, 1);
		}
		return;
	}
	uint32_t v = vga_planar_value(s, val);
	uint32_t wmask = plane_bytes(map_mask);
	uint32_t *p = vga_latch_ptr(s, addr);

	*p = (*p & ~wmask) | (v & wmask);
	s->plane_updated |= map_mask & 0x0f;
	vga_mark_dirty(s, addr << 2, 4);
}

static uint64_t vga_window_read(void *opaque, uint64_t addr, unsigned size)
{
	return vga_mem_readb(opaque, addr);
}

static void vga_window_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	vga_mem_writeb(opaque, addr, val);
}

static const struct mem_ops vga_window_ops = {
	.read = vga_window_read,
	.write = vga_window_write,
	.min_access = 1,
	.max_access = 1,
};

/* ---- Bochs VBE DISPI ---- */

static unsigned vbe_bits(struct vga_state *s)
{
	return s->vbe_regs[VBE_DISPI_INDEX_BPP] == 15 ? 16 : s->vbe_regs[VBE_DISPI_INDEX_BPP];
}

/* Bring the mode registers back into what VRAM can show (as QEMU does). */
static void vbe_fixup_regs(struct vga_state *s)
{
	uint16_t *r = s->vbe_regs;
	uint32_t bits, line, maxy, offset;

	if (!vbe_enabled(s))
		return;
	switch (r[VBE_DISPI_INDEX_BPP]) {
	case 4: case 8: case 15: case 16: case 24: case 32:
		break;
	default:
		r[VBE_DISPI_INDEX_BPP] = 8;
		break;
	}
	bits = vbe_bits(s);
	r[VBE_DISPI_INDEX_XRES] &= ~7u;
	if (!r[VBE_DISPI_INDEX_XRES])
		r[VBE_DISPI_INDEX_XRES] = 8;
	if (r[VBE_DISPI_INDEX_XRES] > VBE_DISPI_MAX_XRES)
		r[VBE_DISPI_INDEX_XRES] = VBE_DISPI_MAX_XRES;
	r[VBE_DISPI_INDEX_VIRT_WIDTH] &= ~7u;
	if (r[VBE_DISPI_INDEX_VIRT_WIDTH] > VBE_DISPI_MAX_XRES)
		r[VBE_DISPI_INDEX_VIRT_WIDTH] = VBE_DISPI_MAX_XRES;
	if (r[VBE_DISPI_INDEX_VIRT_WIDTH] < r[VBE_DISPI_INDEX_XRES])
		r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES];

	line = r[VBE_DISPI_INDEX_VIRT_WIDTH] * bits / 8;
	maxy = s->vram_size / line;
	if (!r[VBE_DISPI_INDEX_YRES])
		r[VBE_DISPI_INDEX_YRES] = 1;
	if (r[VBE_DISPI_INDEX_YRES] > VBE_DISPI_MAX_YRES)
		r[VBE_DISPI_INDEX_YRES] = VBE_DISPI_MAX_YRES;
	if (r[VBE_DISPI_INDEX_YRES] > maxy)
		r[VBE_DISPI_INDEX_YRES] = maxy;

	if (r[VBE_DISPI_INDEX_X_OFFSET] > VBE_DISPI_MAX_XRES)
		r[VBE_DISPI_INDEX_X_OFFSET] = VBE_DISPI_MAX_XRES;
	if (r[VBE_DISPI_INDEX_Y_OFFSET] > VBE_DISPI_MAX_YRES)
		r[VBE_DISPI_INDEX_Y_OFFSET] = VBE_DISPI_MAX_YRES;
	offset = r[VBE_DISPI_INDEX_X_OFFSET] * bits / 8 + r[VBE_DISPI_INDEX_Y_OFFSET] * line;
	if ((uint64_t)offset + (uint64_t)r[VBE_DISPI_INDEX_YRES] * line > s->vram_size) {
		r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
		offset = r[VBE_DISPI_INDEX_X_OFFSET] * bits / 8;
		if ((uint64_t)offset + (uint64_t)r[VBE_DISPI_INDEX_YRES] * line > s->vram_size) {
			r[VBE_DISPI_INDEX_X_OFFSET] = 0;
			offset = 0;
		}
	}
	r[VBE_DISPI_INDEX_VIRT_HEIGHT] = maxy > 0xffff ? 0xffff : maxy;
	s->vbe_line_offset = line;
	s->vbe_start_addr = offset / 4;
}

/* While DISPI is on, keep the VGA registers describing its mode. */
static void vbe_update_vgaregs(struct vga_state *s)
{
	unsigned h;

	if (!vbe_enabled(s))
		return;
	s->gr[VGA_GFX_MISC] = (s->gr[VGA_GFX_MISC] & ~0x0c) | 0x04 | 0x01;
	s->cr[0x17] |= 3;
	s->cr[0x13] = s->vbe_line_offset >> 3;
	s->cr[0x01] = (s->vbe_regs[VBE_DISPI_INDEX_XRES] >> 3) - 1;
	h = s->vbe_regs[VBE_DISPI_INDEX_YRES] - 1;
	s->cr[0x12] = h;
	s->cr[0x07] = (s->cr[0x07] & ~0x42) | ((h >> 7) & 0x02) | ((h >> 3) & 0x40);
	s->cr[0x18] = 0xff;
	s->cr[0x07] |= 0x10;
	s->cr[0x09] |= 0x40;
	unsigned shift_control;
	if (s->vbe_regs[VBE_DISPI_INDEX_BPP] == 4) {
		shift_control = 0;
		s->sr[VGA_SEQ_CLOCK_MODE] &= ~8;
	} else {
		shift_control = 2;
		s->sr[VGA_SEQ_MEMORY_MODE] |= 0x08;
		s->sr[VGA_SEQ_PLANE_WRITE] |= 0x0f;
	}
	s->gr[VGA_GFX_MODE] = (s->gr[VGA_GFX_MODE] & ~0x60) | (shift_control << 5);
	s->cr[0x09] &= ~0x9f;
}

uint16_t vbe_read_index(struct vga_state *s)
{
	return s->vbe_index;
}

void vbe_write_index(struct vga_state *s, uint16_t val)
{
	s->vbe_index = val;
}

uint16_t vbe_read_data(struct vga_state *s)
{
	unsigned i = s->vbe_index;

	if (i == VBE_DISPI_INDEX_VIDEO_MEMORY_64K)
		return s->vram_size >> 16;
	if (i >= VBE_DISPI_INDEX_NB)
		return 0;
	if (s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS) {
		if (i == VBE_DISPI_INDEX_XRES)
			return VBE_DISPI_MAX_XRES;
		if (i == VBE_DISPI_INDEX_YRES)
			return VBE_DISPI_MAX_YRES;
		if (i == VBE_DISPI_INDEX_BPP)
			return VBE_DISPI_MAX_BPP;
	}
	return s->vbe_regs[i];
}

static void vbe_write_enable(struct vga_state *s, uint16_t val)
{
	uint16_t *r = s->vbe_regs;

	if ((val & VBE_DISPI_ENABLED) && !vbe_enabled(s)) {
		r[VBE_DISPI_INDEX_VIRT_WIDTH] = 0;
		r[VBE_DISPI_INDEX_X_OFFSET] = 0;
		r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
		r[VBE_DISPI_INDEX_ENABLE] |= VBE_DISPI_ENABLED;
		vbe_fixup_regs(s);
		vbe_update_vgaregs(s);
		if (!(val & VBE_DISPI_NOCLEARMEM)) {
			/* fixup keeps YRES * line within VRAM */
			size_t n = (size_t)r[VBE_DISPI_INDEX_YRES] * s->vbe_line_offset;
			memset(s->vram, 0, MIN(n, (size_t)s->vram_size));
			vga_mark_dirty(s, 0, MIN(n, (size_t)s->vram_size));
		}
	} else {
		s->bank_offset = 0;
	}
	s->dac_8bit = val & VBE_DISPI_8BIT_DAC;
	r[VBE_DISPI_INDEX_ENABLE] = val;
	s->full_update = true;
}

void vbe_write_data(struct vga_state *s, uint16_t val)
{
	unsigned i = s->vbe_index;

	switch (i) {
	case VBE_DISPI_INDEX_ID:
		if (val >= VBE_DISPI_ID0 && val <= VBE_DISPI_ID5)
			s->vbe_regs[i] = val;
		break;
	case VBE_DISPI_INDEX_XRES:
	case VBE_DISPI_INDEX_YRES:
	case VBE_DISPI_INDEX_BPP:
	case VBE_DISPI_INDEX_VIRT_WIDTH:
	case VBE_DISPI_INDEX_X_OFFSET:
	case VBE_DISPI_INDEX_Y_OFFSET:
		s->vbe_regs[i] = val;
		vbe_fixup_regs(s);
		vbe_update_vgaregs(s);
		s->full_update = true;
		break;
	case VBE_DISPI_INDEX_BANK: {
		uint32_t bank_mask = (s->vram_size >> 16) - 1;
		if (s->vbe_regs[VBE_DISPI_INDEX_BPP] == 4)
			bank_mask >>= 2;
		val &= bank_mask;
		s->vbe_regs[i] = val;
		s->bank_offset = (uint32_t)val << 16;
		break;
	}
	case VBE_DISPI_INDEX_ENABLE:
		vbe_write_enable(s, val);
		break;
	default:
		if (i > VBE_DISPI_INDEX_NB)
			guest_error("vga: DISPI write to unknown index 0x%x", i);
		break;
	}
}

static uint64_t vbe_io_read(void *opaque, uint64_t addr, unsigned size)
{
	struct vga_state *s = opaque;

	if (addr == 0)
		return vbe_read_index(s);
	if (addr == 1)
		return vbe_read_data(s);
	return 0xffff; /* port 0x1D0 is nobody's */
}

static void vbe_io_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct vga_state *s = opaque;

	if (addr == 0)
		vbe_write_index(s, val);
	else if (addr == 1)
		vbe_write_data(s, val);
}

/* 16-bit registers; the region spans 0x1CE-0x1D0 so that a word access at
 * 0x1CF arrives whole. */
static const struct mem_ops vbe_io_ops = {
	.read = vbe_io_read,
	.write = vbe_io_write,
	.min_access = 1,
	.max_access = 2,
};

/* ---- VGA ports 0x3B0-0x3DF ---- */

/* Ports of the colour (0x3Dx) or mono (0x3Bx) block not selected by misc bit 0. */
static bool vga_port_hidden(struct vga_state *s, uint16_t port)
{
	if (s->misc & 0x01)
		return port >= 0x3b0 && port <= 0x3bf;
	return port >= 0x3d0 && port <= 0x3df;
}

static uint8_t vga_attr_read(struct vga_state *s)
{
	unsigned i = s->ar_index & 0x1f;

	return i < VGA_ATT_NREGS ? s->ar[i] : 0;
}

uint8_t vga_ioport_read(struct vga_state *s, uint16_t port)
{
	if (vga_port_hidden(s, port))
		return 0xff;
	switch (port) {
	case 0x3c0:
		return s->ar_flip_flop ? 0 : s->ar_index;
	case 0x3c1:
		return vga_attr_read(s);
	case 0x3c2:
		return s->st00;
	case 0x3c4:
		return s->sr_index;
	case 0x3c5:
		return s->sr[s->sr_index & 7];
	case 0x3c7:
		return s->dac_state;
	case 0x3c8:
		return s->dac_write_index;
	case 0x3c9: {
		uint8_t v = s->palette[s->dac_read_index * 3 + s->dac_sub_index];
		if (++s->dac_sub_index == 3) {
			s->dac_sub_index = 0;
			s->dac_read_index++;
		}
		return v;
	}
	case 0x3ca:
		return s->fcr;
	case 0x3cc:
		return s->misc;
	case 0x3ce:
		return s->gr_index;
	case 0x3cf:
		return s->gr[s->gr_index & 0x0f];
	case 0x3b4:
	case 0x3d4:
		return s->cr_index;
	case 0x3b5:
	case 0x3d5:
		return s->cr[s->cr_index];
	case 0x3ba:
	case 0x3da:
		/* no real timing: flip retrace and display-enable on each read */
		s->st01 ^= ST01_V_RETRACE | ST01_DISP_ENABLE;
		s->ar_flip_flop = 0;
		return s->st01;
	default:
		return 0;
	}
}

static void vga_attr_write(struct vga_state *s, uint8_t val)
{
	unsigned i;

	if (!s->ar_flip_flop) {
		s->ar_index = val & 0x3f;
		s->ar_flip_flop = 1;
		s->full_update = true;
		return;
	}
	s->ar_flip_flop = 0;
	i = s->ar_index & 0x1f;
	if (i < 0x10)
		s->ar[i] = val & 0x3f;
	else if (i == 0x10)
		s->ar[i] = val & ~0x10;
	else if (i == 0x11)
		s->ar[i] = val;
	else if (i == 0x12)
		s->ar[i] = val & ~0xc0;
	else if (i == 0x13 || i == 0x14)
		s->ar[i] = val & ~0xf0;
	else
		return;
	s->full_update = true;
}

static void vga_dac_write(struct vga_state *s, uint8_t val)
{
	s->dac_cache[s->dac_sub_index] = val;
	if (++s->dac_sub_index == 3) {
		memcpy(&s->palette[s->dac_write_index * 3], s->dac_cache, 3);
		s->dac_sub_index = 0;
		s->dac_write_index++;
	}
}

static void vga_crtc_write(struct vga_state *s, uint8_t val)
{
	unsigned i = s->cr_index;

	/* CR11 bit 7 protects CR0-CR7, except CR7 bit 4 (line compare bit 8) */
	if ((s->cr[0x11] & 0x80) && i <= 7) {
		if (i == 7)
			s->cr[7] = (s->cr[7] & ~0x10) | (val & 0x10);
		return;
	}
	s->cr[i] = val;
	vbe_update_vgaregs(s);
	if (i < 0x0a || i > 0x0f)
		s->full_update = true;
	else if (i == 0x0c || i == 0x0d)
		s->full_update = true;
}

void vga_ioport_write(struct vga_state *s, uint16_t port, uint8_t val)
{
	if (vga_port_hidden(s, port))
		return;
	switch (port) {
	case 0x3c0:
		vga_attr_write(s, val);
		break;
	case 0x3c2:
		s->misc = val & ~0x10;
		s->full_update = true;
		break;
	case 0x3c4:
		s->sr_index = val & 7;
		break;
	case 0x3c5:
		s->sr[s->sr_index] = val & sr_mask[s->sr_index];
		vbe_update_vgaregs(s);
		if (s->sr_index != VGA_SEQ_PLANE_WRITE)
			s->full_update = true;
		break;
	case 0x3c7:
		s->dac_read_index = val;
		s->dac_sub_index = 0;
		s->dac_state = 3;
		break;
	case 0x3c8:
		s->dac_write_index = val;
		s->dac_sub_index = 0;
		s->dac_state = 0;
		break;
	case 0x3c9:
		vga_dac_write(s, val);
		break;
	case 0x3ce:
		s->gr_index = val & 0x0f;
		break;
	case 0x3cf:
		s->gr[s->gr_index] = val & gr_mask[s->gr_index];
		vbe_update_vgaregs(s);
		if (s->gr_index == VGA_GFX_MISC)
			s->full_update = true;
		break;
	case 0x3b4:
	case 0x3d4:
		s->cr_index = val;
		break;
	case 0x3b5:
	case 0x3d5:
		vga_crtc_write(s, val);
		break;
	case 0x3ba:
	case 0x3da:
		s->fcr = val & 0x10;
		break;
	default:
		break;
	}
}

static uint64_t vga_io_read(void *opaque, uint64_t addr, unsigned size)
{
	return vga_ioport_read(opaque, 0x3b0 + addr);
}

static void vga_io_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	vga_ioport_write(opaque, 0x3b0 + addr, val);
}

/* Byte registers: a word access is split into index then data. */
static const struct mem_ops vga_io_ops = {
	.read = vga_io_read,
	.write = vga_io_write,
	.min_access = 1,
	.max_access = 1,
};

/* ---- life cycle ---- */

void vga_reset(struct vga_state *s)
{
	s->misc = s->fcr = s->st00 = s->st01 = 0;
	s->sr_index = s->gr_index = s->cr_index = s->ar_index = 0;
	memset(s->sr, 0, sizeof(s->sr));
	memset(s->gr, 0, sizeof(s->gr));
	memset(s->cr, 0, sizeof(s->cr));
	memset(s->ar, 0, sizeof(s->ar));
	s->ar_flip_flop = 0;
	s->dac_state = s->dac_sub_index = s->dac_read_index = s->dac_write_index = 0;
	memset(s->dac_cache, 0, sizeof(s->dac_cache));
	memset(s->palette, 0, sizeof(s->palette));
	s->dac_8bit = false;
	s->latch = 0;
	s->vbe_index = 0;
	memset(s->vbe_regs, 0, sizeof(s->vbe_regs));
	s->vbe_regs[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
	s->vbe_start_addr = s->vbe_line_offset = s->bank_offset = 0;
	s->plane_updated = 0;
	s->cursor_visible_phase = false;
	s->cursor_blink_ms = 0;
	vga_invalidate(s);
}

int vga_post_load(struct vga_state *s)
{
	s->bank_offset = ((uint32_t)s->vbe_regs[VBE_DISPI_INDEX_BANK] << 16) & s->vram_mask;
	s->sr_index &= 7;
	s->gr_index &= 0x0f;
	s->ar_index &= 0x3f;
	s->ar_flip_flop &= 1;
	s->dac_sub_index %= 3;
	vbe_fixup_regs(s);
	vga_invalidate(s);
	return 0;
}

int vga_init(struct vga_state *s, struct machine *m, uint32_t vram_size, GError **err)
{
	if (vram_size < (1u << 20) || (vram_size & (vram_size - 1))) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "vga: VRAM size %u is not a power of two >= 1 MiB", vram_size);
		return -EINVAL;
	}
	s->m = m;
	s->vram = mmap(NULL, vram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s->vram == MAP_FAILED) {
		s->vram = NULL;
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
			    "vga: cannot allocate %u bytes of VRAM", vram_size);
		return -ENOMEM;
	}
	s->vram_size = vram_size;
	s->vram_mask = vram_size - 1;
	s->dirty_pages = vram_size >> VGA_PAGE_SHIFT;
	s->dirty = g_new0(unsigned long, (s->dirty_pages + 8 * sizeof(long) - 1) /
					 (8 * sizeof(long)));
	mr_init_ram(&s->lfb, "vga.vram", vram_size, s->vram, false);
	savevm_register_ram(m, "vga.vram", s->vram, vram_size);
	s->lfb.dirty_log = true;
	mr_init_io(&s->legacy, "vga-lowmem", 0x20000, &vga_window_ops, s);
	mr_init_io(&s->io_vga, "vga", 0x30, &vga_io_ops, s);
	mr_init_io(&s->io_vbe, "vbe", 3, &vbe_io_ops, s);
	/* the legacy window sits above RAM/PAM at 0xA0000 */
	s->legacy.priority = 1;
	vga_reset(s);
	return 0;
}

int vga_map_legacy(struct vga_state *s, GError **err)
{
	struct machine *m = s->m;
	int ret;

	ret = as_add(&m->mem, &s->legacy, 0xa0000);
	/* the window is write-mostly: let the accelerator batch the writes
	 * (the renderer flushes them before it reads VRAM) */
	if (!ret)
		machine_coalesce_mmio(m, 0xa0000, 0x20000);
	if (!ret)
		ret = as_add(&m->io, &s->io_vga, 0x3b0);
	if (!ret)
		ret = as_add(&m->io, &s->io_vbe, 0x1ce);
	if (ret) {
		as_del(&s->legacy);
		as_del(&s->io_vga);
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_EXIST,
			    "vga: legacy ports or 0xA0000 window already taken (%d)", ret);
	}
	return ret;
}

void vga_cleanup(struct vga_state *s)
{
	as_del(&s->legacy);
	as_del(&s->io_vga);
	as_del(&s->io_vbe);
	as_del(&s->lfb);
	g_free(s->dirty);
	s->dirty = NULL;
	if (s->vram)
		munmap(s->vram, s->vram_size);
	s->vram = NULL;
}
