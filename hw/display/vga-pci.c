// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The std-vga PCI function (-vga std, -device VGA): 1234:1111 rev 2, class
 * 0x030000, subsystem 1AF4:1100.  BAR0 is the prefetchable framebuffer
 * (VRAM as guest RAM; under KVM its dirty log tells the renderer which
 * pages the guest wrote), BAR2 a 4 KiB register window:
 * 0x000 EDID, 0x400-0x41F VGA ports 0x3C0-0x3DF, 0x500-0x515 DISPI
 * registers, 0x600 QEMU extension registers (size, byte order).  The
 * expansion ROM is SeaBIOS' vgabios-stdvga.bin.  Follows
 * docs/machine-contract.md §4.5-4.6 and QEMU's docs/specs/standard-vga.rst.
 * Left out: big-endian framebuffer switching (0x604 reads little endian
 * and ignores writes), multi-head, the isa-vga variant.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "hw/display/vga.h"
#include "hw/pci/pci.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "ui/console.h"

#define VGA_PCI_ROMFILE "/usr/share/seabios/vgabios-stdvga.bin"
#define VGA_MMIO_SIZE 0x1000
#define VGA_MMIO_EDID 0x000
#define VGA_MMIO_PORTS 0x400
#define VGA_MMIO_DISPI 0x500
#define VGA_MMIO_QEXT 0x600
#define VGA_QEXT_SIZE 8
#define VGA_QEXT_LITTLE_ENDIAN 0x1e1e1e1e

struct vga_pci {
	struct pci_device pci;
	struct vga_config cfg;
	struct pci_bus *bus;
	struct vga_state vga;
	struct mem_region mmio;
	struct mem_region rom;
	uint8_t *rom_data;
	size_t rom_size;
	uint8_t edid[256];
};

/* ---- EDID: one 1024x768@60 monitor, EDID 1.4, 128 bytes ---- */

static void edid_put_descriptor_text(uint8_t *d, uint8_t tag, const char *text)
{
	size_t n = strlen(text);

	memset(d, 0, 18);
	d[3] = tag;
	memset(d + 5, ' ', 13);
	memcpy(d + 5, text, MIN(n, (size_t)13));
	if (n < 13)
		d[5 + n] = '\n';
}

static void vga_edid_build(uint8_t *e)
{
	static const uint8_t chroma[10] = { 0xee, 0x91, 0xa3, 0x54, 0x4c,
					    0x99, 0x26, 0x0f, 0x50, 0x54 };
	/* 65 MHz, 1024+320 x 768+38, sync 24/136 and 3/6, 400x300 mm */
	static const uint8_t dtd[18] = { 0x64, 0x19, 0x00, 0x40, 0x41, 0x00, 0x26, 0x30,
					 24, 136, 0x36, 0x00, 0x90, 0x2c, 0x11, 0, 0,
					 0x18 };
	static const uint8_t range[18] = { 0, 0, 0, 0xfd, 0, 50, 125, 30, 160, 30,
					   0x01, 0x0a, ' ', ' ', ' ', ' ', ' ', ' ' };
	unsigned vendor = (('K' - '@') << 10) | (('V' - '@') << 5) | ('P' - '@');
	uint8_t sum = 0;

	memset(e, 0, 256);
	e[1] = e[2] = e[3] = e[4] = e[5] = e[6] = 0xff;
	e[8] = vendor >> 8;
	e[9] = vendor & 0xff;
	e[10] = 0x11; /* product 0x1111 */
	e[11] = 0x11;
	e[16] = 1;    /* week */
	e[17] = 36;   /* 2026 */
	e[18] = 1;
	e[19] = 4;
	e[20] = 0x80; /* digital input */
	e[21] = 40;   /* cm */
	e[22] = 30;
	e[23] = 120;  /* gamma 2.2 */
	e[24] = 0x06; /* sRGB, preferred timing is native */
	memcpy(e + 25, chroma, sizeof(chroma));
	e[35] = 0x21; /* 640x480@60, 800x600@60 */
	e[36] = 0x08; /* 1024x768@60 */
	for (int i = 38; i < 54; i++)
		e[i] = 0x01; /* standard timings unused */
	memcpy(e + 54, dtd, 18);
	edid_put_descriptor_text(e + 72, 0xfc, "kvmpc VGA");
	memcpy(e + 90, range, 18);
	e[108 + 3] = 0x10; /* dummy descriptor */
	for (int i = 0; i < 127; i++)
		sum += e[i];
	e[127] = -sum;
}

/* ---- BAR2 ---- */

static uint64_t vga_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
	struct vga_pci *v = opaque;
	struct vga_state *s = &v->vga;
	uint64_t val = 0;

	if (addr < VGA_MMIO_PORTS) {
		for (unsigned i = 0; i < size; i++)
			if (v->cfg.edid && addr + i < sizeof(v->edid))
				val |= (uint64_t)v->edid[addr + i] << (8 * i);
		return val;
	}
	if (addr < VGA_MMIO_PORTS + 0x20) {
		for (unsigned i = 0; i < size && addr + i < VGA_MMIO_PORTS + 0x20; i++)
			val |= (uint64_t)vga_ioport_read(s, 0x3c0 + addr - VGA_MMIO_PORTS + i)
			       << (8 * i);
		return val;
	}
	if (addr >= VGA_MMIO_DISPI && addr < VGA_MMIO_DISPI + 2 * (VBE_DISPI_INDEX_NB + 1)) {
		vbe_write_index(s, (addr - VGA_MMIO_DISPI) >> 1);
		return vbe_read_data(s);
	}
	if (addr == VGA_MMIO_QEXT)
		return VGA_QEXT_SIZE;
	if (addr == VGA_MMIO_QEXT + 4)
		return VGA_QEXT_LITTLE_ENDIAN;
	return 0;
}

static void vga_mmio_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct vga_pci *v = opaque;
	struct vga_state *s = &v->vga;

	if (addr >= VGA_MMIO_PORTS && addr < VGA_MMIO_PORTS + 0x20) {
		for (unsigned i = 0; i < size && addr + i < VGA_MMIO_PORTS + 0x20; i++)
			vga_ioport_write(s, 0x3c0 + addr - VGA_MMIO_PORTS + i, val >> (8 * i));
		return;
	}
	if (addr >= VGA_MMIO_DISPI && addr < VGA_MMIO_DISPI + 2 * (VBE_DISPI_INDEX_NB + 1)) {
		vbe_write_index(s, (addr - VGA_MMIO_DISPI) >> 1);
		vbe_write_data(s, val);
		return;
	}
	if (addr == VGA_MMIO_QEXT + 4 && val != VGA_QEXT_LITTLE_ENDIAN)
		guest_unimp("vga: big-endian framebuffer not supported");
}

static const struct mem_ops vga_mmio_ops = {
	.read = vga_mmio_read,
	.write = vga_mmio_write,
	.min_access = 1,
	.max_access = 4,
};

/* ---- set-up ---- */

static int vga_pci_load_rom(struct vga_pci *v, GError **err)
{
	const char *path = v->cfg.romfile ? v->cfg.romfile : VGA_PCI_ROMFILE;
	gchar *data;
	gsize len;
	size_t size = 0x800;

	if (!g_file_get_contents(path, &data, &len, err)) {
		g_prefix_error(err, "VGA BIOS (apt-get install seabios): ");
		return -ENOENT;
	}
	if (len == 0 || len > (16u << 20)) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "VGA BIOS %s has a bad size (%zu bytes)", path, (size_t)len);
		g_free(data);
		return -EINVAL;
	}
	while (size < len)
		size <<= 1;
	v->rom_data = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->rom_data == MAP_FAILED) {
		v->rom_data = NULL;
		g_free(data);
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOMEM, "VGA BIOS: out of memory");
		return -ENOMEM;
	}
	memcpy(v->rom_data, data, len);
	g_free(data);
	v->rom_size = size;
	mr_init_ram(&v->rom, "vga.rom", size, v->rom_data, true);
	return 0;
}

static void vga_pci_setup_config(struct vga_pci *v)
{
	uint8_t *c = v->pci.config;

	pci_config_set_ids(&v->pci, 0x1234, 0x1111, 2, 0x030000);
	c[PCI_SUBSYSTEM_VENDOR_ID] = 0xf4;
	c[PCI_SUBSYSTEM_VENDOR_ID + 1] = 0x1a;
	c[PCI_SUBSYSTEM_ID] = 0x00;
	c[PCI_SUBSYSTEM_ID + 1] = 0x11;
}

static int vga_pci_parse_opts(struct vga_pci *v, GError **err)
{
	struct opts *o = device_props(&v->pci.dev);
	uint64_t mb;
	const char *addr;

	if (!o)
		return 0;
	if (opts_get_u64(o, "vgamem_mb", 16, &mb, err) < 0 ||
	    opts_get_bool(o, "edid", true, &v->cfg.edid, err) < 0)
		return -EINVAL;
	v->cfg.vgamem_mb = mb > 1024 ? 0xffffffff : (uint32_t)mb;
	v->cfg.romfile = opts_get(o, "romfile");
	addr = opts_get(o, "addr");
	if (addr) {
		char *end;
		unsigned long slot = strtoul(addr, &end, 16), fn = 0;
		if (*end == '.')
			fn = strtoul(end + 1, &end, 16);
		if (*end || slot > 31 || fn > 7) {
			g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
				    "VGA: bad addr '%s' (slot[.function])", addr);
			return -EINVAL;
		}
		v->cfg.devfn = slot << 3 | fn;
	}
	return 0;
}

static int vga_pci_vram_size(struct vga_pci *v, uint32_t *out, GError **err)
{
	uint32_t mb = v->cfg.vgamem_mb ? v->cfg.vgamem_mb : 16;
	uint32_t p = 1;

	if (mb > 256) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "VGA: vgamem_mb=%u is too large (at most 256)", mb);
		return -EINVAL;
	}
	while (p < mb)
		p <<= 1;
	*out = p << 20;
	return 0;
}

/* The accelerator tracks guest writes to the LFB; merge them into the VGA's map. */
static int vga_pci_dirty_sync(void *opaque, struct mem_region *lfb, unsigned long *bitmap,
			      size_t npages)
{
	return machine_get_dirty_log(opaque, lfb, bitmap);
}

static void vga_pci_free_rom(struct vga_pci *v)
{
	as_del(&v->rom);
	if (v->rom_data)
		munmap(v->rom_data, v->rom_size);
	v->rom_data = NULL;
}

static int vga_pci_realize(struct device *dev, GError **err)
{
	struct vga_pci *v = container_of(dev, struct vga_pci, pci.dev);
	struct machine *m = dev->m;
	uint32_t vram_size;
	int ret;

	if (device_props(dev)) { /* -device VGA, or -global VGA.* on the board's */
		v->cfg = (struct vga_config)VGA_CONFIG_DEFAULT;
		if ((ret = vga_pci_parse_opts(v, err)) < 0)
			return ret;
	}
	if ((ret = vga_pci_vram_size(v, &vram_size, err)) < 0)
		return ret;
	if (!v->bus)
		v->bus = m->pci;
	if (!v->bus) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "VGA: no PCI bus");
		return -ENODEV;
	}
	if ((ret = vga_pci_load_rom(v, err)) < 0)
		return ret;
	if ((ret = vga_init(&v->vga, m, vram_size, err)) < 0)
		goto fail_rom;
	vga_edid_build(v->edid);
	vga_pci_setup_config(v);
	mr_init_io(&v->mmio, "vga.mmio", VGA_MMIO_SIZE, &vga_mmio_ops, v);
	pci_register_bar(&v->pci, 0, PCI_BAR_MEM32, true, &v->vga.lfb);
	pci_register_bar(&v->pci, 2, PCI_BAR_MEM32, false, &v->mmio);
	pci_register_bar(&v->pci, PCI_ROM_SLOT, PCI_BAR_MEM32, false, &v->rom);
	if ((ret = vga_map_legacy(&v->vga, err)) < 0)
		goto fail_vga;
	/* last: once attached, the bus holds on to us */
	if ((ret = pci_device_attach(v->bus, &v->pci, v->cfg.devfn, err)) < 0)
		goto fail_vga;
	vga_console_init(&v->vga);
	if (machine_has_dirty_log(m))
		vga_set_dirty_sync(&v->vga, vga_pci_dirty_sync, m);
	return 0;

fail_vga:
	vga_cleanup(&v->vga);
fail_rom:
	vga_pci_free_rom(v);
	return ret;
}

static void vga_pci_reset(struct device *dev)
{
	struct vga_pci *v = container_of(dev, struct vga_pci, pci.dev);

	pci_device_reset(&v->pci);
	vga_reset(&v->vga);
}

static void vga_pci_unrealize(struct device *dev)
{
	struct vga_pci *v = container_of(dev, struct vga_pci, pci.dev);

	console_free(v->vga.con);
	v->vga.con = NULL;
	vga_cleanup(&v->vga);
	as_del(&v->mmio);
	vga_pci_free_rom(v);
}

static int vga_pci_post_load(void *opaque)
{
	struct vga_pci *v = opaque;

	pci_device_post_load(&v->pci); /* remap the BARs the loaded config names */
	return vga_post_load(&v->vga);
}

static const struct vmstate_field vga_pci_fields[] = {
	VMSTATE_U8_ARRAY(struct vga_pci, pci.config),
	VGA_VMSTATE_FIELDS(struct vga_pci, vga),
	VMSTATE_END,
};

static const struct vmstate_desc vga_pci_vmstate = {
	.name = "vga-pci",
	.version = 1,
	.fields = vga_pci_fields,
	.post_load = vga_pci_post_load,
};

const struct device_class vga_pci_class = {
	.name = "VGA",
	.bus = "PCI",
	.no_hotplug = true,
	.desc = "standard VGA with Bochs VBE (1234:1111); vgamem_mb=, edid=, romfile=, addr=",
	.instance_size = sizeof(struct vga_pci),
	.user_creatable = true,
	.realize = vga_pci_realize,
	.reset = vga_pci_reset,
	.unrealize = vga_pci_unrealize,
	.vmsd = &vga_pci_vmstate,
};

/* What vga_pci_create hands to the instance before realize. */
struct vga_pci_args {
	struct pci_bus *bus;
	const struct vga_config *cfg;
};

static void vga_pci_setup(struct device *dev, const void *arg)
{
	const struct vga_pci_args *a = arg;
	struct vga_pci *v = container_of(dev, struct vga_pci, pci.dev);

	v->cfg = *a->cfg;
	v->bus = a->bus;
}

struct vga_pci *vga_pci_create(struct machine *m, struct pci_bus *bus,
			       const struct vga_config *cfg, GError **err)
{
	struct vga_pci_args a = { bus, cfg };
	struct device *dev = device_create(m, &vga_pci_class, NULL, vga_pci_setup, &a, err);

	return dev ? container_of(dev, struct vga_pci, pci.dev) : NULL;
}

struct console *vga_pci_console(struct vga_pci *v)
{
	return v ? v->vga.con : NULL;
}

struct vga_state *vga_pci_state(struct vga_pci *v)
{
	return v ? &v->vga : NULL;
}
