/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The standard VGA core with Bochs VBE "DISPI" extensions, shared by the
 * PCI std-vga device (vga-pci.c).  vga.c holds the registers, the
 * 0xA0000-0xBFFFF planar memory model and DISPI; vga_render.c turns the
 * state into pixels on a console surface.  VRAM keeps the four VGA planes
 * interleaved (byte 4*n + p is plane p, offset n) in its first 256 KiB, so
 * chain-4 and VBE linear modes see the same bytes at linear addresses.
 *
 * Every guest-derived VRAM offset is reduced modulo the VRAM size (a power
 * of two), so no register value can reach outside VRAM.
 */
#ifndef HW_DISPLAY_VGA_H
#define HW_DISPLAY_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "core/memory.h"
#include "core/vmstate.h"

struct machine;
struct console;
struct pci_bus;

/* Bochs VBE DISPI */
#define VBE_DISPI_INDEX_ID 0x0
#define VBE_DISPI_INDEX_XRES 0x1
#define VBE_DISPI_INDEX_YRES 0x2
#define VBE_DISPI_INDEX_BPP 0x3
#define VBE_DISPI_INDEX_ENABLE 0x4
#define VBE_DISPI_INDEX_BANK 0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH 0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT 0x7
#define VBE_DISPI_INDEX_X_OFFSET 0x8
#define VBE_DISPI_INDEX_Y_OFFSET 0x9
#define VBE_DISPI_INDEX_NB 0xa
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xa

#define VBE_DISPI_ID0 0xB0C0
#define VBE_DISPI_ID5 0xB0C5
#define VBE_DISPI_MAX_XRES 16000 /* what GETCAPS reports (as QEMU) */
#define VBE_DISPI_MAX_YRES 12000
#define VBE_DISPI_MAX_BPP 32

#define VBE_DISPI_ENABLED 0x01
#define VBE_DISPI_GETCAPS 0x02
#define VBE_DISPI_8BIT_DAC 0x20
#define VBE_DISPI_LFB_ENABLED 0x40
#define VBE_DISPI_NOCLEARMEM 0x80

/* A few register indexes the renderer needs */
#define VGA_SEQ_CLOCK_MODE 0x01
#define VGA_SEQ_PLANE_WRITE 0x02
#define VGA_SEQ_CHARACTER_MAP 0x03
#define VGA_SEQ_MEMORY_MODE 0x04
#define VGA_GFX_MODE 0x05
#define VGA_GFX_MISC 0x06
#define VGA_ATC_MODE 0x10
#define VGA_ATC_PLANE_ENABLE 0x12
#define VGA_ATC_COLOR_PAGE 0x14
#define VGA_ATT_NREGS 0x15

#define VGA_PAGE_SHIFT 12 /* dirty tracking granule: 4 KiB of VRAM */
#define VGA_TEXT_MAX_CELLS (160 * 100)

/*
 * Dirty pages of VRAM written behind the device's back (through the LFB
 * mapped as guest RAM).  Must OR into bitmap (bit n = VRAM page n) every page
 * written since the previous call and return 0; return -errno when it cannot
 * tell, and the whole screen is redrawn.
 */
typedef int (*vga_dirty_sync_fn)(void *opaque, struct mem_region *lfb,
				 unsigned long *bitmap, size_t npages);

struct vga_state {
	struct machine *m;
	uint8_t *vram;
	uint32_t vram_size; /* power of two, >= 1 MiB */
	uint32_t vram_mask;
	struct mem_region lfb;     /* VRAM as guest RAM (BAR0) */
	struct mem_region legacy;  /* 0xA0000-0xBFFFF */
	struct mem_region io_vga;  /* 0x3B0-0x3DF */
	struct mem_region io_vbe;  /* 0x1CE-0x1D0 */
	struct console *con;

	/* registers (saved) */
	uint8_t misc, fcr, st00, st01;
	uint8_t sr_index, sr[8];
	uint8_t gr_index, gr[16];
	uint8_t cr_index, cr[256];
	uint8_t ar_index, ar_flip_flop, ar[VGA_ATT_NREGS];
	uint8_t dac_state, dac_sub_index, dac_read_index, dac_write_index;
	uint8_t dac_cache[3];
	uint8_t palette[768];
	bool dac_8bit;
	uint32_t latch;
	uint16_t vbe_index;
	uint16_t vbe_regs[VBE_DISPI_INDEX_NB];
	uint32_t vbe_start_addr;  /* in 4-byte units, as the CRTC's */
	uint32_t vbe_line_offset; /* bytes */
	uint32_t bank_offset;

	/* change tracking (not saved; a load forces a full redraw) */
	unsigned long *dirty;     /* one bit per VRAM page */
	size_t dirty_pages;
	vga_dirty_sync_fn dirty_sync;
	void *dirty_opaque;
	uint8_t plane_updated;    /* planes written since the last redraw */
	bool full_update;         /* registers changed */

	/* renderer's memory of the last frame */
	int graphic_mode;         /* -1 forces a full redraw */
	int last_w, last_h, last_cw, last_ch, last_depth;
	uint32_t last_line_offset, last_start_addr, last_line_compare;
	int last_shift_control, last_double_scan;
	uint32_t last_palette[256];
	uint16_t last_cells[VGA_TEXT_MAX_CELLS];
	uint32_t font_offsets[2];
	uint32_t cursor_offset;
	uint8_t cursor_start, cursor_end;
	bool cursor_visible_phase;
	int64_t cursor_blink_ms;
};

/* vga.c */
int vga_init(struct vga_state *s, struct machine *m, uint32_t vram_size, GError **err);
/* Map the legacy ports and window into the machine's address spaces. */
int vga_map_legacy(struct vga_state *s, GError **err);
void vga_reset(struct vga_state *s);
void vga_cleanup(struct vga_state *s);
int vga_post_load(struct vga_state *s);
uint8_t vga_ioport_read(struct vga_state *s, uint16_t port);
void vga_ioport_write(struct vga_state *s, uint16_t port, uint8_t val);
uint16_t vbe_read_index(struct vga_state *s);
void vbe_write_index(struct vga_state *s, uint16_t val);
uint16_t vbe_read_data(struct vga_state *s);
void vbe_write_data(struct vga_state *s, uint16_t val);
uint8_t vga_mem_readb(struct vga_state *s, uint32_t addr);
void vga_mem_writeb(struct vga_state *s, uint32_t addr, uint8_t val);
static inline bool vbe_enabled(const struct vga_state *s)
{
	return s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

/* Change tracking: VRAM bytes [off, off+len) changed (wraps modulo VRAM). */
void vga_mark_dirty(struct vga_state *s, uint32_t off, uint32_t len);
/* Install the KVM dirty-log reader for the LFB region (NULL: none). */
void vga_set_dirty_sync(struct vga_state *s, vga_dirty_sync_fn fn, void *opaque);
/* Make the next refresh redraw everything. */
void vga_invalidate(struct vga_state *s);

/* vga_render.c */
void vga_render_update(struct vga_state *s);
/* Create s->con (index = order of creation). */
void vga_console_init(struct vga_state *s);

/* The saved registers of a vga_state embedded as member m of type st. */
#define VGA_VMS_U8(st, m, f) \
	{ #f, offsetof(st, m.f), VMS_U8, sizeof(((st *)0)->m.f) }
#define VGA_VMSTATE_FIELDS(st, m) \
	VGA_VMS_U8(st, m, misc), VGA_VMS_U8(st, m, fcr), VGA_VMS_U8(st, m, st00), \
	VGA_VMS_U8(st, m, st01), VGA_VMS_U8(st, m, sr_index), VGA_VMS_U8(st, m, sr), \
	VGA_VMS_U8(st, m, gr_index), VGA_VMS_U8(st, m, gr), \
	VGA_VMS_U8(st, m, cr_index), VGA_VMS_U8(st, m, cr), \
	VGA_VMS_U8(st, m, ar_index), VGA_VMS_U8(st, m, ar_flip_flop), \
	VGA_VMS_U8(st, m, ar), VGA_VMS_U8(st, m, dac_state), \
	VGA_VMS_U8(st, m, dac_sub_index), VGA_VMS_U8(st, m, dac_read_index), \
	VGA_VMS_U8(st, m, dac_write_index), VGA_VMS_U8(st, m, dac_cache), \
	VGA_VMS_U8(st, m, palette), \
	{ "dac_8bit", offsetof(st, m.dac_8bit), VMS_BOOL, 1 }, \
	{ "latch", offsetof(st, m.latch), VMS_U32, 1 }, \
	{ "vbe_index", offsetof(st, m.vbe_index), VMS_U16, 1 }, \
	{ "vbe_regs", offsetof(st, m.vbe_regs), VMS_U16, VBE_DISPI_INDEX_NB }, \
	{ "vbe_start_addr", offsetof(st, m.vbe_start_addr), VMS_U32, 1 }, \
	{ "vbe_line_offset", offsetof(st, m.vbe_line_offset), VMS_U32, 1 }

/* vga-pci.c: the std-vga PCI function 1234:1111 */
struct vga_config {
	uint32_t vgamem_mb;   /* VRAM size in MiB (power of two), 0 = 16 */
	int devfn;            /* -1 = first free slot */
	bool edid;            /* EDID blob in BAR2 (default on) */
	const char *romfile;  /* NULL = /usr/share/seabios/vgabios-stdvga.bin */
};
#define VGA_CONFIG_DEFAULT { .vgamem_mb = 16, .devfn = -1, .edid = true }

struct vga_pci;
/* Create, realize and register; NULL with *err set on failure.  The console
 * is vga_pci_console(); the VGA BIOS file must exist. */
struct vga_pci *vga_pci_create(struct machine *m, struct pci_bus *bus,
			       const struct vga_config *cfg, GError **err);
struct console *vga_pci_console(struct vga_pci *v);
struct vga_state *vga_pci_state(struct vga_pci *v);

#endif
