// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QEMU's firmware configuration device ("fw_cfg_io") as SeaBIOS sees it on a
 * PC: a 16-bit selector at 0x510, an 8-bit data port at 0x511 (both also
 * readable as a data byte at 0x510, as QEMU does), and the DMA address
 * register at 0x514-0x51b (big-endian; a write to the low half at 0x518 runs
 * the transfer; reads return "QEMU CFG").  Follows
 * docs/machine-contract.md section 2.
 *
 * Items are numeric keys plus named files.  Files are kept sorted by name
 * and get keys 0x20, 0x21, ... in that order; the directory item (0x19) is
 * rebuilt whenever the file list changed.  DMA descriptors and buffers must
 * lie in writable guest RAM (as_ram_ptr); anything else is a guest error
 * reported with the control word's error bit.  Writes through the data port
 * are ignored (QEMU removed them in 2.4); DMA writes reach only files added
 * with fw_cfg_add_file_writable.  Not emulated: the MMIO variant, select
 * callbacks, the legacy (unsorted) file order.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/memory.h"
#include "hw/nvram/fw_cfg.h"

#define FW_CFG_CTL_PORT 0x510
#define FW_CFG_DMA_PORT 0x514

#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_WRITE_FLAG 0x4000 /* legacy write channel bit, ignored */
#define FW_CFG_INDEX_MASK 0x3fff
#define FW_CFG_MAX_FILES (FW_CFG_INDEX_MASK + 1 - FW_CFG_FILE_FIRST)

#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10
#define FW_CFG_DMA_DESC_SIZE 16

#define FW_CFG_NAME_LEN 56
#define FW_CFG_DIR_ENTRY_SIZE 64

static const char fw_cfg_dma_sig[8] = {'Q', 'E', 'M', 'U', ' ', 'C', 'F', 'G'};

struct fw_cfg_item {
	uint8_t *data;
	uint32_t len;
	bool writable;
	fw_cfg_write_cb write_cb;
	void *opaque;
};

struct fw_cfg_file {
	char name[FW_CFG_NAME_LEN];
	struct fw_cfg_item item;
};

struct fw_cfg {
	struct device dev;
	/* guest-visible state (saved) */
	uint16_t cur_key;
	uint32_t cur_offset;
	uint64_t dma_addr;
	/* configuration */
	bool dma_enabled;
	struct mem_region ctl_region;
	struct mem_region dma_region;
	GHashTable *items; /* numeric key -> struct fw_cfg_item * */
	GPtrArray *files;  /* struct fw_cfg_file *, sorted by name */
	bool dir_dirty;	   /* files changed since the directory was built */
};

enum fw_cfg_dma_op { DMA_NONE, DMA_READ, DMA_WRITE, DMA_SKIP };

static inline uint32_t ld_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void st_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void st_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* ---- items ---- */

static void item_free(gpointer p)
{
	struct fw_cfg_item *it = p;

	g_free(it->data);
	g_free(it);
}

static void file_free(gpointer p)
{
	struct fw_cfg_file *fl = p;

	g_free(fl->item.data);
	g_free(fl);
}

static void fw_cfg_build_dir(struct fw_cfg *f)
{
	guint n = f->files->len;
	size_t len = 4 + (size_t)n * FW_CFG_DIR_ENTRY_SIZE;
	uint8_t *dir = g_malloc0(len);
	struct fw_cfg_item *it = g_new0(struct fw_cfg_item, 1);

	st_be32(dir, n);
	for (guint i = 0; i < n; i++) {
		struct fw_cfg_file *fl = g_ptr_array_index(f->files, i);
		uint8_t *e = dir + 4 + (size_t)i * FW_CFG_DIR_ENTRY_SIZE;

		st_be32(e, fl->item.len);
		st_be16(e + 4, FW_CFG_FILE_FIRST + i);
		memcpy(e + 8, fl->name, FW_CFG_NAME_LEN);
	}
	it->data = dir;
	it->len = len;
	g_hash_table_replace(f->items, GUINT_TO_POINTER(FW_CFG_FILE_DIR), it);
	f->dir_dirty = false;
}

/* The item a selector value names, or NULL (reads as zeros). */
static struct fw_cfg_item *fw_cfg_find(struct fw_cfg *f, uint16_t key)
{
	uint16_t index = key & FW_CFG_INDEX_MASK;

	if (!(key & FW_CFG_ARCH_LOCAL) && index >= FW_CFG_FILE_FIRST) {
		index -= FW_CFG_FILE_FIRST;
		if (index >= f->files->len)
			return NULL;
		return &((struct fw_cfg_file *)g_ptr_array_index(f->files, index))->item;
	}
	key &= ~FW_CFG_WRITE_FLAG;
	return g_hash_table_lookup(f->items, GUINT_TO_POINTER(key));
}

void fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, const void *data, size_t len)
{
	struct fw_cfg_item *it;

	key &= ~FW_CFG_WRITE_FLAG;
	if (len >= UINT32_MAX || (!(key & FW_CFG_ARCH_LOCAL) && key >= FW_CFG_FILE_FIRST)) {
		warn_report("fw_cfg: cannot add key 0x%x (%zu bytes)", key, len);
		return;
	}
	it = g_new0(struct fw_cfg_item, 1);
	it->data = g_memdup2(data, len);
	it->len = len;
	g_hash_table_replace(f->items, GUINT_TO_POINTER(key), it);
}

void fw_cfg_add_i16(struct fw_cfg *f, uint16_t key, uint16_t v)
{
	uint8_t b[2] = {v, v >> 8};

	fw_cfg_add_bytes(f, key, b, sizeof(b));
}

void fw_cfg_add_i32(struct fw_cfg *f, uint16_t key, uint32_t v)
{
	uint8_t b[4];

	for (int i = 0; i < 4; i++)
		b[i] = v >> (8 * i);
	fw_cfg_add_bytes(f, key, b, sizeof(b));
}

void fw_cfg_add_i64(struct fw_cfg *f, uint16_t key, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = v >> (8 * i);
	fw_cfg_add_bytes(f, key, b, sizeof(b));
}

static gint file_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp((*(struct fw_cfg_file *const *)a)->name,
		      (*(struct fw_cfg_file *const *)b)->name);
}

static struct fw_cfg_file *fw_cfg_file_get(struct fw_cfg *f, const char *name)
{
	struct fw_cfg_file *fl;

	if (strlen(name) >= FW_CFG_NAME_LEN)
		warn_report("fw_cfg: file name '%s' truncated to %d bytes", name,
			    FW_CFG_NAME_LEN - 1);
	for (guint i = 0; i < f->files->len; i++) {
		fl = g_ptr_array_index(f->files, i);
		if (!strncmp(fl->name, name, FW_CFG_NAME_LEN - 1))
			return fl;
	}
	if (f->files->len >= FW_CFG_MAX_FILES)
		return NULL;
	fl = g_new0(struct fw_cfg_file, 1);
	g_strlcpy(fl->name, name, FW_CFG_NAME_LEN);
	g_ptr_array_add(f->files, fl);
	g_ptr_array_sort(f->files, file_cmp);
	f->dir_dirty = true;
	return fl;
}

static void fw_cfg_set_file(struct fw_cfg *f, const char *name, const void *data, size_t len,
			    bool writable, fw_cfg_write_cb cb, void *opaque)
{
	struct fw_cfg_file *fl;

	if (len >= UINT32_MAX) {
		warn_report("fw_cfg: file '%s' too large", name);
		return;
	}
	fl = fw_cfg_file_get(f, name);
	if (!fl) {
		warn_report("fw_cfg: too many files, '%s' dropped", name);
		return;
	}
	g_free(fl->item.data);
	fl->item.data = g_memdup2(data, len);
	fl->item.len = len;
	fl->item.writable = writable;
	fl->item.write_cb = cb;
	fl->item.opaque = opaque;
	f->dir_dirty = true;
}

void fw_cfg_add_file_writable(struct fw_cfg *f, const char *name, const void *data, size_t len,
			      fw_cfg_write_cb cb, void *opaque)
{
	fw_cfg_set_file(f, name, data, len, true, cb, opaque);
}

void fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, size_t len)
{
	fw_cfg_set_file(f, name, data, len, false, NULL, NULL);
}

void fw_cfg_finalize(struct fw_cfg *f)
{
	fw_cfg_build_dir(f);
}

/* ---- selector and data port ---- */

static void fw_cfg_select(struct fw_cfg *f, uint16_t key)
{
	if (f->dir_dirty)
		fw_cfg_build_dir(f);
	f->cur_key = key;
	f->cur_offset = 0;
}

static uint8_t fw_cfg_read_byte(struct fw_cfg *f)
{
	struct fw_cfg_item *it = fw_cfg_find(f, f->cur_key);

	if (!it || f->cur_offset >= it->len)
		return 0;
	return it->data[f->cur_offset++];
}

static uint64_t fw_cfg_ctl_read(void *opaque, uint64_t addr, unsigned size)
{
	/* Like QEMU, both bytes of the port pair read as the data register. */
	if (size != 1)
		return 0;
	return fw_cfg_read_byte(opaque);
}

static void fw_cfg_ctl_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct fw_cfg *f = opaque;

	if (size == 2)
		fw_cfg_select(f, val);
	else
		guest_unimp("fw_cfg: data port write 0x%02x ignored", (unsigned)(val & 0xff));
}

static const struct mem_ops fw_cfg_ctl_ops = {
    .read = fw_cfg_ctl_read,
    .write = fw_cfg_ctl_write,
    .min_access = 1,
    .max_access = 2,
};

/* ---- DMA ---- */

static void fw_cfg_dma_put_control(struct fw_cfg *f, uint64_t desc, uint32_t ctl)
{
	uint8_t *p = as_ram_ptr(&f->dev.m->mem, desc, 4);

	if (p)
		st_be32(p, ctl);
}

/* Read into guest memory; past the item's end the guest gets zeros. */
static int fw_cfg_dma_read(struct fw_cfg *f, struct fw_cfg_item *it, uint32_t avail, uint64_t addr,
			   uint32_t len)
{
	uint32_t n = MIN(avail, len);
	uint8_t *p = as_ram_ptr(&f->dev.m->mem, addr, len);

	if (!p) {
		guest_error("fw_cfg: DMA read into 0x%" PRIx64 "+0x%x is not RAM", addr, len);
		f->cur_offset += n;
		return -EFAULT;
	}
	if (n)
		memcpy(p, it->data + f->cur_offset, n);
	memset(p + n, 0, len - n);
	f->cur_offset += n;
	return 0;
}

/* Write from guest memory; only whole ranges inside a writable item. */
static int fw_cfg_dma_write(struct fw_cfg *f, struct fw_cfg_item *it, uint32_t avail, uint64_t addr,
			    uint32_t len)
{
	uint32_t off = f->cur_offset;
	uint8_t *p;

	if (!it || !it->writable || avail < len) {
		guest_error("fw_cfg: DMA write of %u bytes to key 0x%x refused", len, f->cur_key);
		f->cur_offset += MIN(avail, len);
		return -EPERM;
	}
	f->cur_offset += len;
	p = as_ram_ptr(&f->dev.m->mem, addr, len);
	if (!p) {
		guest_error("fw_cfg: DMA write from 0x%" PRIx64 "+0x%x is not RAM", addr, len);
		return -EFAULT;
	}
	memcpy(it->data + off, p, len);
	if (it->write_cb)
		it->write_cb(it->opaque, it->data, off, len);
	return 0;
}

static int fw_cfg_dma_op(struct fw_cfg *f, enum fw_cfg_dma_op op, uint64_t addr, uint32_t len)
{
	struct fw_cfg_item *it = fw_cfg_find(f, f->cur_key);
	uint32_t avail = 0;

	if (it && f->cur_offset < it->len)
		avail = it->len - f->cur_offset;
	if (!len || op == DMA_NONE)
		return 0;
	switch (op) {
	case DMA_READ:
		return fw_cfg_dma_read(f, it, avail, addr, len);
	case DMA_WRITE:
		return fw_cfg_dma_write(f, it, avail, addr, len);
	case DMA_SKIP:
		f->cur_offset += MIN(avail, len);
		return 0;
	default:
		return 0;
	}
}

static void fw_cfg_dma_transfer(struct fw_cfg *f)
{
	uint64_t desc = f->dma_addr;
	uint32_t ctl, len;
	uint64_t addr;
	enum fw_cfg_dma_op op;
	uint8_t *p;

	f->dma_addr = 0;
	p = as_ram_ptr(&f->dev.m->mem, desc, FW_CFG_DMA_DESC_SIZE);
	if (!p) {
		guest_error("fw_cfg: DMA descriptor at 0x%" PRIx64 " is not in RAM", desc);
		fw_cfg_dma_put_control(f, desc, FW_CFG_DMA_CTL_ERROR);
		return;
	}
	ctl = ld_be32(p);
	len = ld_be32(p + 4);
	addr = (uint64_t)ld_be32(p + 8) << 32 | ld_be32(p + 12);

	if (ctl & FW_CFG_DMA_CTL_SELECT)
		fw_cfg_select(f, ctl >> 16);
	if (ctl & FW_CFG_DMA_CTL_READ)
		op = DMA_READ;
	else if (ctl & FW_CFG_DMA_CTL_WRITE)
		op = DMA_WRITE;
	else if (ctl & FW_CFG_DMA_CTL_SKIP)
		op = DMA_SKIP;
	else
		op = DMA_NONE;

	ctl = fw_cfg_dma_op(f, op, addr, len) < 0 ? FW_CFG_DMA_CTL_ERROR : 0;
	/* the op may have changed the memory map: look the descriptor up again */
	fw_cfg_dma_put_control(f, desc, ctl);
}

static uint64_t fw_cfg_dma_reg_read(void *opaque, uint64_t addr, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && addr + i < sizeof(fw_cfg_dma_sig); i++)
		v |= (uint64_t)(uint8_t)fw_cfg_dma_sig[addr + i] << (8 * i);
	return v;
}

static void fw_cfg_dma_reg_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct fw_cfg *f = opaque;

	/* The register is big-endian: the guest's first byte is the top one. */
	if (size == 4 && addr == 0) {
		f->dma_addr = (uint64_t)__builtin_bswap32(val) << 32;
	} else if (size == 4 && addr == 4) {
		f->dma_addr |= __builtin_bswap32(val);
		fw_cfg_dma_transfer(f);
	} else if (size == 8 && addr == 0) {
		f->dma_addr = __builtin_bswap64(val);
		fw_cfg_dma_transfer(f);
	} else {
		guest_error("fw_cfg: DMA register write of size %u at +%" PRIu64 " ignored", size,
			    addr);
	}
}

static const struct mem_ops fw_cfg_dma_ops = {
    .read = fw_cfg_dma_reg_read,
    .write = fw_cfg_dma_reg_write,
    .min_access = 1,
    .max_access = 8,
};

/* ---- device ---- */

static int fw_cfg_realize(struct device *dev, GError **err)
{
	struct fw_cfg *f = container_of(dev, struct fw_cfg, dev);
	struct machine *m = dev->m;
	int ret;

	mr_init_io(&f->ctl_region, "fwcfg", 2, &fw_cfg_ctl_ops, f);
	ret = as_add(&m->io, &f->ctl_region, FW_CFG_CTL_PORT);
	if (ret < 0)
		goto fail;
	if (f->dma_enabled) {
		mr_init_io(&f->dma_region, "fwcfg.dma", 8, &fw_cfg_dma_ops, f);
		ret = as_add(&m->io, &f->dma_region, FW_CFG_DMA_PORT);
		if (ret < 0) {
			as_del(&f->ctl_region);
			goto fail;
		}
	}
	return 0;
fail:
	g_set_error(err, G_IO_ERROR, G_IO_ERROR_EXISTS, "fw_cfg: cannot map ports 0x%x-0x%x: %s",
		    FW_CFG_CTL_PORT, FW_CFG_DMA_PORT + 7, g_strerror(-ret));
	return ret;
}

void fw_cfg_reset(struct fw_cfg *f)
{
	fw_cfg_select(f, FW_CFG_SIGNATURE);
	f->dma_addr = 0;
}

static void fw_cfg_dev_reset(struct device *dev)
{
	fw_cfg_reset(container_of(dev, struct fw_cfg, dev));
}

static const struct vmstate_field fw_cfg_vmstate_fields[] = {
    VMSTATE_U16(struct fw_cfg, cur_key),
    VMSTATE_U32(struct fw_cfg, cur_offset),
    VMSTATE_U64(struct fw_cfg, dma_addr),
    VMSTATE_END,
};

static const struct vmstate_desc fw_cfg_vmstate = {
    .name = "fw_cfg",
    .version = 1,
    .fields = fw_cfg_vmstate_fields,
};

const struct device_class fw_cfg_io_class = {
    .name = "fw_cfg_io",
    .bus = NULL,
    .desc = "QEMU firmware configuration interface (ports 0x510-0x51b)",
    .instance_size = sizeof(struct fw_cfg),
    .user_creatable = false,
    .realize = fw_cfg_realize,
    .reset = fw_cfg_dev_reset,
    .vmsd = &fw_cfg_vmstate,
};

static void fw_cfg_setup(struct device *dev, const void *dma)
{
	container_of(dev, struct fw_cfg, dev)->dma_enabled = *(const bool *)dma;
}

struct fw_cfg *fw_cfg_new(struct machine *m, bool dma)
{
	GError *err = NULL;
	struct fw_cfg *f = fw_cfg_create(m, dma, &err);

	if (!f) {
		error_report("%s", err->message);
		g_error_free(err);
	}
	return f;
}

struct fw_cfg *fw_cfg_create(struct machine *m, bool dma, GError **err)
{
	struct device *dev = device_create(m, &fw_cfg_io_class, "fw_cfg", fw_cfg_setup, &dma, err);
	struct fw_cfg *f;

	if (!dev)
		return NULL;
	f = container_of(dev, struct fw_cfg, dev);
	f->items = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, item_free);
	f->files = g_ptr_array_new_with_free_func(file_free);
	fw_cfg_add_bytes(f, FW_CFG_SIGNATURE, "QEMU", 4);
	fw_cfg_add_i32(f, FW_CFG_ID, dma ? 3 : 1);
	fw_cfg_build_dir(f);
	fw_cfg_reset(f);
	m->fw_cfg = f;
	return f;
}

/*
 * Unmap and drop the items.  The struct itself belongs to the machine's
 * device list (device_new), which frees it.
 */
void fw_cfg_free(struct fw_cfg *f)
{
	if (!f)
		return;
	as_del(&f->ctl_region);
	as_del(&f->dma_region);
	if (f->items)
		g_hash_table_destroy(f->items);
	if (f->files)
		g_ptr_array_free(f->files, TRUE);
	f->items = NULL;
	f->files = NULL;
	if (f->dev.m && f->dev.m->fw_cfg == f)
		f->dev.m->fw_cfg = NULL;
}
