// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VGA scan-out: turns the VGA/VBE state into pixels on the console
 * surface (x8r8g8b8).  Text modes (8/9/16-dot cells, font maps from plane 2,
 * attribute palette through the DAC, cursor and its blink), 16-colour
 * planar modes, CGA 4-colour interleave, 256-colour chain-4 and unchained
 * (mode X) graphics, and VBE linear modes of 4/8/15/16/24/32 bpp.  The
 * output geometry is what the CRTC would send (mode 13h comes out 640x400,
 * as on QEMU).  Colour expansion: 6-bit DAC values become 8 bits as QEMU's
 * std-vga does (v << 2 with bit 0 copied into bits 1 and 0); 16 bpp
 * components repeat their high bits, 15 bpp ones are only shifted (both as
 * QEMU 7.2's screendump shows them).
 *
 * Change detection: text modes keep a shadow of the cells last drawn and
 * the palette; graphics modes redraw scanlines whose VRAM pages are dirty
 * (window writes mark them, the LFB uses the KVM dirty log through
 * vga_dirty_sync_fn; without one every row is drawn aside and only rows
 * that differ are copied and reported), and everything after register
 * changes.
 *
 * Left out: character blink (attribute bit 7 is background intensity,
 * as on QEMU), underline, smooth scrolling (pel panning), overscan border.
 */
#include <string.h>
#include "hw/display/vga.h"
#include "core/machine.h"
#include "ui/console.h"

enum { GMODE_TEXT = 0, GMODE_GRAPH = 1, GMODE_BLANK = 2 };

#define CURSOR_BLINK_HALF_MS (1000 * 2 * 16 / 60 / 2)

static uint32_t rgb(unsigned r, unsigned g, unsigned b)
{
	return (r << 16) | (g << 8) | b;
}

static unsigned c6_to_8(unsigned v)
{
	v &= 0x3f;
	return (v << 2) | ((v & 1) << 1) | (v & 1);
}

static uint32_t dac_colour(struct vga_state *s, unsigned idx, bool eight_bit)
{
	const uint8_t *p = &s->palette[(idx & 0xff) * 3];

	if (eight_bit)
		return rgb(p[0], p[1], p[2]);
	return rgb(c6_to_8(p[0]), c6_to_8(p[1]), c6_to_8(p[2]));
}

/* Attribute palette -> DAC for the 16 colours of text and planar modes. */
static bool update_palette16(struct vga_state *s)
{
	bool changed = false;

	for (int i = 0; i < 16; i++) {
		unsigned v = s->ar[i];
		if (s->ar[VGA_ATC_MODE] & 0x80)
			v = ((s->ar[VGA_ATC_COLOR_PAGE] & 0xf) << 4) | (v & 0xf);
		else
			v = ((s->ar[VGA_ATC_COLOR_PAGE] & 0xc) << 4) | (v & 0x3f);
		uint32_t col = dac_colour(s, v, false);
		if (col != s->last_palette[i]) {
			s->last_palette[i] = col;
			changed = true;
		}
	}
	return changed;
}

static bool update_palette256(struct vga_state *s)
{
	bool changed = false;

	for (int i = 0; i < 256; i++) {
		uint32_t col = dac_colour(s, i, s->dac_8bit);
		if (col != s->last_palette[i]) {
			s->last_palette[i] = col;
			changed = true;
		}
	}
	return changed;
}

/* Line offset (bytes of VRAM per row), start address (dwords), line compare. */
static bool update_basic_params(struct vga_state *s)
{
	uint32_t line_offset, start, compare;

	if (vbe_enabled(s)) {
		line_offset = s->vbe_line_offset;
		start = s->vbe_start_addr;
		compare = 65535;
	} else {
		line_offset = s->cr[0x13] << 3;
		start = s->cr[0x0d] | (s->cr[0x0c] << 8);
		compare = s->cr[0x18] | ((s->cr[0x07] & 0x10) << 4) |
			  ((s->cr[0x09] & 0x40) << 3);
	}
	if (line_offset == s->last_line_offset && start == s->last_start_addr &&
	    compare == s->last_line_compare)
		return false;
	s->last_line_offset = line_offset;
	s->last_start_addr = start;
	s->last_line_compare = compare;
	return true;
}

static unsigned vga_vde(struct vga_state *s)
{
	return s->cr[0x12] | ((s->cr[0x07] & 0x02) << 7) | ((s->cr[0x07] & 0x40) << 3);
}

static int64_t vga_now_ms(struct vga_state *s)
{
	return s->m ? vclock_ns(&s->m->clock) / 1000000 : 0;
}

/* ---- text ---- */

struct text_geom {
	int cols, rows, cw, ch;
};

static void text_geometry(struct vga_state *s, struct text_geom *g)
{
	g->ch = (s->cr[0x09] & 0x1f) + 1;
	g->cw = (s->sr[VGA_SEQ_CLOCK_MODE] & 0x01) ? 8 : 9;
	if (s->sr[VGA_SEQ_CLOCK_MODE] & 0x08)
		g->cw = 16;
	g->cols = s->cr[0x01] + 1;
	/* CR6 = 100 marks the CGA 160x100 trick: 100 rows of 2-line cells */
	g->rows = s->cr[0x06] == 100 ? 100 : (int)(vga_vde(s) + 1) / g->ch;
}

/* Draw one glyph row set: bits of font (stride 4 bytes), cw wide. */
static void draw_glyph(uint32_t *d, int stride, const uint8_t *font, int lines,
		       int cw, uint32_t fg, uint32_t bg, bool dup9)
{
	for (int l = 0; l < lines; l++, d += stride) {
		uint8_t bits = font[l * 4];
		if (cw == 16) {
			for (int x = 0; x < 8; x++)
				d[2 * x] = d[2 * x + 1] = (bits & (0x80 >> x)) ? fg : bg;
			continue;
		}
		for (int x = 0; x < 8; x++)
			d[x] = (bits & (0x80 >> x)) ? fg : bg;
		if (cw == 9)
			d[8] = (dup9 && (bits & 1)) ? fg : bg;
	}
}

static const uint8_t cursor_rows[32 * 4] = {
	[0 ... 127] = 0xff,
};

static bool text_fonts_changed(struct vga_state *s)
{
	unsigned v = s->sr[VGA_SEQ_CHARACTER_MAP];
	uint32_t a = ((((v >> 4) & 1) | ((v << 1) & 6)) * 8192) * 4 + 2;
	uint32_t b = ((((v >> 5) & 1) | ((v >> 1) & 6)) * 8192) * 4 + 2;
	bool changed = a != s->font_offsets[0] || b != s->font_offsets[1];

	s->font_offsets[0] = a;
	s->font_offsets[1] = b;
	if (s->plane_updated & 0x04) {
		/* plane 2 holds the fonts */
		s->plane_updated = 0;
		changed = true;
	}
	return changed;
}

/* Track the cursor; true when its cell must be redrawn (moved or blinked). */
static bool text_cursor(struct vga_state *s, bool full)
{
	uint32_t pos = ((s->cr[0x0e] << 8) | s->cr[0x0f]) - s->last_start_addr;
	int64_t now = vga_now_ms(s);
	bool redraw = false;

	if (pos != s->cursor_offset || s->cr[0x0a] != s->cursor_start ||
	    s->cr[0x0b] != s->cursor_end) {
		if (s->cursor_offset < VGA_TEXT_MAX_CELLS)
			s->last_cells[s->cursor_offset] = 0xffff;
		if (pos < VGA_TEXT_MAX_CELLS)
			s->last_cells[pos] = 0xffff;
		s->cursor_offset = pos;
		s->cursor_start = s->cr[0x0a];
		s->cursor_end = s->cr[0x0b];
		redraw = true;
	}
	if (now >= s->cursor_blink_ms) {
		s->cursor_blink_ms = now + CURSOR_BLINK_HALF_MS;
		s->cursor_visible_phase = !s->cursor_visible_phase;
		redraw = true;
	}
	return redraw;
}

static void text_draw_cursor(struct vga_state *s, uint32_t *d, int stride,
			     const struct text_geom *g, uint32_t fg, uint32_t bg)
{
	int first = s->cr[0x0a] & 0x1f;
	int last = s->cr[0x0b] & 0x1f;

	if ((s->cr[0x0a] & 0x20) || !s->cursor_visible_phase)
		return;
	if (last > g->ch - 1)
		last = g->ch - 1;
	if (last < first || first >= g->ch)
		return;
	draw_glyph(d + first * stride, stride, cursor_rows, last - first + 1, g->cw,
		   fg, bg, true);
}

static void render_text(struct vga_state *s, bool full)
{
	struct text_geom g;
	struct display_surface *surf = s->con->surface;

	full |= text_fonts_changed(s);
	full |= update_basic_params(s);
	text_geometry(s, &g);
	if (g.cols * g.rows <= 1 || g.cols * g.rows > VGA_TEXT_MAX_CELLS)
		return;
	if (g.cols != s->last_w || g.rows != s->last_h || g.cw != s->last_cw ||
	    g.ch != s->last_ch || s->last_depth != 0 ||
	    surf->width != g.cols * g.cw || surf->height != g.rows * g.ch) {
		surf = console_resize(s->con, g.cols * g.cw, g.rows * g.ch);
		s->last_w = g.cols;
		s->last_h = g.rows;
		s->last_cw = g.cw;
		s->last_ch = g.ch;
		s->last_depth = 0;
		full = true;
	}
	full |= update_palette16(s);
	bool cursor_redraw = text_cursor(s, full);

	int stride = surface_stride(surf) / 4;
	uint32_t cursor_addr = ((s->last_start_addr + s->cursor_offset) * 4) & s->vram_mask;
	uint32_t offset = s->last_start_addr * 4;
	uint16_t *shadow = s->last_cells;
	int line = 0;

	for (int cy = 0; cy < g.rows; cy++) {
		uint32_t *row = surface_data(surf) + (size_t)cy * g.ch * stride;
		int cx_min = g.cols, cx_max = -1;
		for (int cx = 0; cx < g.cols; cx++, shadow++) {
			uint32_t a = (offset + cx * 4) & s->vram_mask;
			uint16_t cell = s->vram[a] | (s->vram[(a + 1) & s->vram_mask] << 8);
			if (!full && cell == *shadow && (a != cursor_addr || !cursor_redraw))
				continue;
			*shadow = cell;
			cx_min = MIN(cx_min, cx);
			cx_max = cx;
			unsigned ch = cell & 0xff, attr = cell >> 8;
			const uint8_t *font = s->vram + s->font_offsets[(attr >> 3) & 1] + ch * 128;
			uint32_t fg = s->last_palette[attr & 0x0f];
			uint32_t bg = s->last_palette[attr >> 4];
			bool dup9 = ch >= 0xb0 && ch <= 0xdf && (s->ar[VGA_ATC_MODE] & 0x04);
			uint32_t *d = row + cx * g.cw;
			draw_glyph(d, stride, font, g.ch, g.cw, fg, bg, dup9);
			if (a == cursor_addr)
				text_draw_cursor(s, d, stride, &g, fg, bg);
		}
		if (cx_max >= 0)
			console_update(s->con, cx_min * g.cw, cy * g.ch,
				       (cx_max - cx_min + 1) * g.cw, g.ch);
		int next = line + g.ch;
		offset += s->last_line_offset;
		if (line < (int)s->last_line_compare && next >= (int)s->last_line_compare)
			offset = 0;
		line = next;
	}
}

/* ---- graphics ---- */

/* Bytes [addr, addr+len) of VRAM, wrapping at the end, as one buffer. */
static const uint8_t *fetch_line(struct vga_state *s, uint8_t *buf, uint32_t addr,
				 uint32_t len)
{
	addr &= s->vram_mask;
	if (len > s->vram_size)
		len = s->vram_size;
	if ((uint64_t)addr + len <= s->vram_size)
		return s->vram + addr;
	uint32_t first = s->vram_size - addr;
	memcpy(buf, s->vram + addr, first);
	memcpy(buf + first, s->vram, len - first);
	return buf;
}

typedef void draw_line_fn(struct vga_state *s, uint32_t *d, const uint8_t *src, int width);

static void draw_line4(struct vga_state *s, uint32_t *d, const uint8_t *src, int w,
		       int dup)
{
	uint8_t pmask = s->ar[VGA_ATC_PLANE_ENABLE] & 0x0f;

	for (int x = 0; x < w / 8; x++, src += 4) {
		for (int b = 0; b < 8; b++) {
			unsigned idx = 0;
			for (int p = 0; p < 4; p++)
				if ((pmask >> p) & (src[p] >> (7 - b)) & 1)
					idx |= 1u << p;
			for (int k = 0; k < dup; k++)
				*d++ = s->last_palette[idx];
		}
	}
}

static void draw_line4_1(struct vga_state *s, uint32_t *d, const uint8_t *src, int w)
{
	draw_line4(s, d, src, w, 1);
}

static void draw_line4_2(struct vga_state *s, uint32_t *d, const uint8_t *src, int w)
{
	draw_line4(s, d, src, w, 2);
}

/* CGA interleave: pixel pairs from planes 0 and 2, then from 1 and 3. */
static void draw_line2(struct vga_state *s, uint32_t *d, const uint8_t *src, int w,
		       int dup)
{
	uint8_t pmask = s->ar[VGA_ATC_PLANE_ENABLE] & 0x0f;

	for (int x = 0; x < w / 8; x++, src += 4) {
		uint8_t p[4];
		for (int i = 0; i < 4; i++)
			p[i] = (pmask & (1 << i)) ? src[i] : 0;
		for (int half = 0; half < 2; half++) {
			uint8_t lo = p[half], hi = p[half + 2];
			for (int k = 0; k < 4; k++) {
				int sh = 6 - 2 * k;
				unsigned idx = ((lo >> sh) & 3) | (((hi >> sh) & 3) << 2);
				for (int r = 0; r < dup; r++)
					*d++ = s->last_palette[idx];
			}
		}
	}
}

static void draw_line2_1(struct vga_state *s, uint32_t *d, const uint8_t *src, int w)
{
	draw_line2(s, d, src, w, 1);
}

static void draw_line2_2(struct vga_state *s, uint32_t *d, const uint8_t *src, int w)
{
	draw_line2(s, d, src, w, 2);
}

/* 256 colours at half the dot clock (mode 13h, mode X): each byte twice. */
static void draw_line8d2(struct vga_state *s, uint32_t *d, const uint8_t *src, int w)
{
	for (int x = 0; x < w / 2; x++) {
		d[2 * x] = d[2 * x + 1] = s->last_palette[src[x]];
	}
}

static void draw_line8(struct vga_state *s, uint32_t *d, const uint8_t *src, int w)
{
	for (int x = 0; x < w; x++)
		d[x] = s->last_palette[src[x]];
}

static unsigned expand5(unsigned v)
{
	return (v << 3) | (v >> 2);
}

static unsigned expand6(unsigned v)
{
	return (v << 2) | (v >> 4);
}

static void draw_line15(struct vga_state *s, uint32_t *d, const uint8_t *src, int w)
{
	for (int x = 0; x < w; x++, src += 2) {
		unsigned v = src[0] | (src[1] << 8);
		d[x] = rgb(((v >> 10) & 0x1f) << 3, ((v >> 5) & 0x1f) << 3, (v & 0x1f) << 3);
	}
}

static void draw_line16(struct vga_state *s, uint32_t *d, const uint8_t *src, int w)
{
	for (int x = 0; x < w; x++, src += 2) {
		unsigned v = src[0] | (src[1] << 8);
		d[x] = rgb(expand5(v >> 11), expand6((v >> 5) & 0x3f), expand5(v & 0x1f));
	}
}

static void draw_line24(struct vga_state *s, uint32_t *d, const uint8_t *src, int w)
{
	for (int x = 0; x < w; x++, src += 3)
		d[x] = rgb(src[2], src[1], src[0]);
}

static void draw_line32(struct vga_state *s, uint32_t *d, const uint8_t *src, int w)
{
	for (int x = 0; x < w; x++, src += 4)
		d[x] = rgb(src[2], src[1], src[0]);
}

struct gfx_mode {
	int width, height, disp_width, depth, bits;
	int multi_scan;
	draw_line_fn *draw;
};

/* Pick the line drawer and palette; returns true if the palette changed. */
static bool gfx_choose(struct vga_state *s, struct gfx_mode *g, int shift_control)
{
	bool half = s->sr[VGA_SEQ_CLOCK_MODE] & 0x08;

	g->bits = 4;
	if (shift_control == 0) {
		g->draw = half ? draw_line4_2 : draw_line4_1;
		return update_palette16(s);
	}
	if (shift_control == 1) {
		g->draw = half ? draw_line2_2 : draw_line2_1;
		return update_palette16(s);
	}
	switch (g->depth) {
	case 8:
		g->draw = draw_line8;
		g->bits = 8;
		return update_palette256(s);
	case 15:
		g->draw = draw_line15;
		g->bits = 16;
		return false;
	case 16:
		g->draw = draw_line16;
		g->bits = 16;
		return false;
	case 24:
		g->draw = draw_line24;
		g->bits = 24;
		return false;
	case 32:
		g->draw = draw_line32;
		g->bits = 32;
		return false;
	default:
		g->draw = draw_line8d2;
		return update_palette256(s);
	}
}

static bool gfx_page_dirty(struct vga_state *s, uint32_t addr, uint32_t len)
{
	uint64_t first = (addr & s->vram_mask) >> VGA_PAGE_SHIFT;
	uint64_t n = (((addr & s->vram_mask) + (uint64_t)len - 1) >> VGA_PAGE_SHIFT) - first + 1;
	const size_t bpl = 8 * sizeof(long);

	for (uint64_t i = 0; i < n && i < s->dirty_pages; i++) {
		size_t p = (first + i) % s->dirty_pages;
		if (s->dirty[p / bpl] & (1UL << (p % bpl)))
			return true;
	}
	return false;
}

/* Collect LFB writes; returns true when they cannot be known (redraw all). */
static bool gfx_sync_dirty(struct vga_state *s)
{
	if (!s->lfb.as)
		return false; /* BAR0 unmapped: VRAM only changes via the window */
	if (!s->dirty_sync)
		return true;
	return s->dirty_sync(s->dirty_opaque, &s->lfb, s->dirty, s->dirty_pages) < 0;
}

static void gfx_geometry(struct vga_state *s, struct gfx_mode *g, int shift_control,
			 int double_scan)
{
	if (vbe_enabled(s)) {
		g->width = s->vbe_regs[VBE_DISPI_INDEX_XRES];
		g->height = s->vbe_regs[VBE_DISPI_INDEX_YRES];
		g->depth = s->vbe_regs[VBE_DISPI_INDEX_BPP];
	} else {
		g->width = (s->cr[0x01] + 1) * 8;
		g->height = vga_vde(s) + 1;
		g->depth = 0;
	}
	g->disp_width = g->width;
	if (shift_control != 1)
		g->multi_scan = (((s->cr[0x09] & 0x1f) + 1) << double_scan) - 1;
	else
		g->multi_scan = double_scan;
	if (shift_control < 2 && (s->sr[VGA_SEQ_CLOCK_MODE] & 0x08))
		g->disp_width <<= 1;
}

/* CGA-compatible row addressing (CR17 bits 0 and 1 clear). */
static uint32_t gfx_row_addr(struct vga_state *s, uint32_t addr, int y1)
{
	if (!(s->cr[0x17] & 1)) {
		int shift = 14 + ((s->cr[0x17] >> 6) & 1);
		addr = (addr & ~(1u << shift)) | ((y1 & 1) << shift);
	}
	if (!(s->cr[0x17] & 2))
		addr = (addr & ~0x8000u) | ((y1 & 2) << 14);
	return addr;
}

static void render_graphic(struct vga_state *s, bool full)
{
	struct gfx_mode g;
	int shift_control = (s->gr[VGA_GFX_MODE] >> 5) & 3;
	int double_scan = s->cr[0x09] >> 7;

	full |= update_basic_params(s);
	gfx_geometry(s, &g, shift_control, double_scan);
	if (shift_control != s->last_shift_control || double_scan != s->last_double_scan) {
		s->last_shift_control = shift_control;
		s->last_double_scan = double_scan;
		full = true;
	}
	if (g.disp_width < 1 || g.height < 1)
		return;
	struct display_surface *surf = s->con->surface;
	if (g.disp_width != s->last_w || g.height != s->last_h || g.depth != s->last_depth ||
	    s->last_depth == 0 || surf->width != g.disp_width || surf->height != g.height) {
		surf = console_resize(s->con, g.disp_width, g.height);
		s->last_w = g.disp_width;
		s->last_h = g.height;
		s->last_depth = g.depth ? g.depth : -1; /* 0 is reserved for text */
		full = true;
	}
	full |= gfx_choose(s, &g, shift_control);
	/* LFB writes not known: draw every row, report the ones that changed */
	bool guess = gfx_sync_dirty(s) && !full;

	uint32_t bwidth = ((uint32_t)g.width * g.bits + 7) / 8;
	uint8_t *buf = g_malloc(MIN(bwidth, s->vram_size));
	uint32_t *row = guess ? g_new0(uint32_t, g.disp_width) : NULL;
	uint32_t addr1 = s->last_start_addr * 4;
	int stride = surface_stride(surf) / 4;
	int y_start = -1, y1 = 0, multi_run = g.multi_scan;

	for (int y = 0; y < g.height; y++) {
		uint32_t addr = gfx_row_addr(s, addr1, y1);
		uint32_t *d = surface_data(surf) + (size_t)y * stride;
		bool changed = full || gfx_page_dirty(s, addr, bwidth);
		if (changed) {
			g.draw(s, d, fetch_line(s, buf, addr, bwidth), g.width);
		} else if (guess) {
			g.draw(s, row, fetch_line(s, buf, addr, bwidth), g.width);
			changed = memcmp(row, d, g.disp_width * 4) != 0;
			if (changed)
				memcpy(d, row, g.disp_width * 4);
		}
		if (changed) {
			if (y_start < 0)
				y_start = y;
		} else if (y_start >= 0) {
			console_update(s->con, 0, y_start, g.disp_width, y - y_start);
			y_start = -1;
		}
		if (!multi_run) {
			int mask = (s->cr[0x17] & 3) ^ 3;
			if ((y1 & mask) == mask)
				addr1 += s->last_line_offset;
			y1++;
			multi_run = g.multi_scan;
		} else {
			multi_run--;
		}
		if ((uint32_t)y == s->last_line_compare)
			addr1 = 0;
	}
	if (y_start >= 0)
		console_update(s->con, 0, y_start, g.disp_width, g.height - y_start);
	g_free(row);
	g_free(buf);
	memset(s->dirty, 0, (s->dirty_pages + 7) / 8);
}

static void render_blank(struct vga_state *s, bool full)
{
	struct display_surface *surf = s->con->surface;

	if (!full)
		return;
	memset(surface_data(surf), 0, (size_t)surface_stride(surf) * surf->height);
	console_update(s->con, 0, 0, surf->width, surf->height);
}

void vga_render_update(struct vga_state *s)
{
	bool full = s->full_update;
	int mode;

	if (!s->con)
		return;
	machine_flush_coalesced(s->m); /* window writes the guest made so far */
	s->full_update = false;
	if (!(s->ar_index & 0x20))
		mode = GMODE_BLANK; /* palette access: the screen shows the border */
	else
		mode = s->gr[VGA_GFX_MISC] & 1;
	if (mode != s->graphic_mode) {
		s->graphic_mode = mode;
		s->cursor_blink_ms = vga_now_ms(s);
		full = true;
	}
	if (mode == GMODE_TEXT)
		render_text(s, full);
	else if (mode == GMODE_GRAPH)
		render_graphic(s, full);
	else
		render_blank(s, full);
}

static void vga_hw_update(void *opaque)
{
	vga_render_update(opaque);
}

static void vga_hw_invalidate(void *opaque)
{
	struct vga_state *s = opaque;

	vga_invalidate(s);
	s->last_w = -1;
}

static const struct console_hw_ops vga_console_ops = {
	.update = vga_hw_update,
	.invalidate = vga_hw_invalidate,
};

void vga_console_init(struct vga_state *s)
{
	if (!s->con)
		s->con = console_new(&vga_console_ops, s);
}
