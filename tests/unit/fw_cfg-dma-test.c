// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fw_cfg on a fake machine (1 MiB of RAM, no KVM): what the qtest cannot
 * reach on a pc machine — writable files and their callback, file order
 * after out-of-order and replacing adds, save/reset/restore in the middle
 * of a stream, and hostile DMA descriptors at the edge of RAM.
 */
#include <string.h>
#include <glib.h>
#include "core/device.h"
#include "core/machine.h"
#include "core/memory.h"
#include "core/vmstate.h"
#include "hw/nvram/fw_cfg.h"

#define RAM_SIZE (1u << 20)
#define DESC 0x1000u
#define BUF 0x2000u

#define DMA_ERROR 0x01
#define DMA_READ 0x02
#define DMA_SKIP 0x04
#define DMA_SELECT 0x08
#define DMA_WRITE 0x10

struct fake {
	struct machine *m;
	struct mem_region ram_region;
	uint8_t *ram;
	struct fw_cfg *f;
};

struct write_rec {
	int calls;
	uint32_t off, len;
	uint8_t seen[16];
};

static void fake_init(struct fake *t)
{
	memset(t, 0, sizeof(*t));
	t->m = machine_new(NULL);
	t->ram = g_malloc0(RAM_SIZE);
	mr_init_ram(&t->ram_region, "ram", RAM_SIZE, t->ram, false);
	g_assert_cmpint(as_add(&t->m->mem, &t->ram_region, 0), ==, 0);
	t->f = fw_cfg_new(t->m, true);
	g_assert_nonnull(t->f);
}

static void fake_fini(struct fake *t)
{
	struct device *d = g_ptr_array_index(t->m->devices, 0);

	fw_cfg_free(t->f);
	g_free(d->id);
	g_free(d);
	g_ptr_array_free(t->m->devices, TRUE);
	as_del(&t->ram_region);
	g_free(t->ram);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void write_desc(struct fake *t, uint64_t at, uint32_t ctl, uint32_t len, uint64_t addr)
{
	uint8_t *d = t->ram + at;

	put_be32(d, ctl);
	put_be32(d + 4, len);
	put_be32(d + 8, addr >> 32);
	put_be32(d + 12, addr);
}

static uint32_t dma(struct fake *t, uint32_t ctl, uint32_t len, uint64_t addr)
{
	write_desc(t, DESC, ctl, len, addr);
	as_write(&t->m->io, 0x518, __builtin_bswap32(DESC), 4);
	return get_be32(t->ram + DESC);
}

static void sel(struct fake *t, uint16_t key)
{
	as_write(&t->m->io, 0x510, key, 2);
}

static uint8_t rd(struct fake *t)
{
	return as_read(&t->m->io, 0x511, 1);
}

/* Directory lookup through the data port. */
static uint16_t find(struct fake *t, const char *name, uint32_t *size)
{
	uint8_t e[64];
	uint32_t n;

	sel(t, FW_CFG_FILE_DIR);
	for (int i = 0; i < 4; i++)
		e[i] = rd(t);
	n = get_be32(e);
	for (uint32_t i = 0; i < n; i++) {
		for (int j = 0; j < 64; j++)
			e[j] = rd(t);
		if (!strcmp((char *)e + 8, name)) {
			if (size)
				*size = get_be32(e);
			return e[4] << 8 | e[5];
		}
	}
	return 0;
}

static void record_write(void *opaque, uint8_t *data, uint32_t off, uint32_t len)
{
	struct write_rec *r = opaque;

	r->calls++;
	r->off = off;
	r->len = len;
	memcpy(r->seen, data, 8);
}

static void test_writable_file(void)
{
	static const uint8_t init[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct write_rec rec = {0};
	struct fake t;
	uint16_t key, ro;

	fake_init(&t);
	fw_cfg_add_file_writable(t.f, "etc/wr", init, sizeof(init), record_write, &rec);
	fw_cfg_add_file(t.f, "etc/ro", init, sizeof(init));
	fw_cfg_finalize(t.f);
	key = find(&t, "etc/wr", NULL);
	ro = find(&t, "etc/ro", NULL);
	g_assert_cmphex(key, !=, 0);

	memcpy(t.ram + BUF, "\xaa\xbb\xcc\xdd", 4);
	/* skip 2, write 4 at offset 2 */
	g_assert_cmphex(dma(&t, key << 16 | DMA_SELECT | DMA_SKIP, 2, 0), ==, 0);
	g_assert_cmphex(dma(&t, DMA_WRITE, 4, BUF), ==, 0);
	g_assert_cmpint(rec.calls, ==, 1);
	g_assert_cmpuint(rec.off, ==, 2);
	g_assert_cmpuint(rec.len, ==, 4);
	g_assert_cmpmem(rec.seen, 8, "\x01\x02\xaa\xbb\xcc\xdd\x07\x08", 8);
	/* the stream continues after the written bytes */
	g_assert_cmphex(rd(&t), ==, 7);

	/* a write running past the end is refused whole */
	g_assert_cmphex(dma(&t, key << 16 | DMA_SELECT | DMA_SKIP, 6, 0), ==, 0);
	g_assert_cmphex(dma(&t, DMA_WRITE, 4, BUF), ==, DMA_ERROR);
	/* from outside RAM: refused */
	g_assert_cmphex(dma(&t, key << 16 | DMA_SELECT | DMA_WRITE, 4, RAM_SIZE), ==, DMA_ERROR);
	/* read-only file */
	g_assert_cmphex(dma(&t, ro << 16 | DMA_SELECT | DMA_WRITE, 4, BUF), ==, DMA_ERROR);
	g_assert_cmpint(rec.calls, ==, 1);
	sel(&t, key);
	for (int i = 0; i < 8; i++)
		g_assert_cmphex(rd(&t), ==, rec.seen[i]);
	/* data port writes do nothing */
	sel(&t, key);
	as_write(&t.m->io, 0x511, 0x99, 1);
	g_assert_cmphex(rd(&t), ==, 1);
	fake_fini(&t);
}

static void test_file_order(void)
{
	struct fake t;
	uint32_t size;

	fake_init(&t);
	fw_cfg_add_file(t.f, "zeta", "z", 1);
	fw_cfg_add_file(t.f, "alpha", "aa", 2);
	fw_cfg_add_file(t.f, "mid", "mmm", 3);
	fw_cfg_add_file(t.f, "alpha", "AAAA", 4); /* replaces */
	/* no explicit finalize: selecting rebuilds the directory */
	g_assert_cmphex(find(&t, "alpha", &size), ==, 0x20);
	g_assert_cmpuint(size, ==, 4);
	g_assert_cmphex(find(&t, "mid", &size), ==, 0x21);
	g_assert_cmphex(find(&t, "zeta", &size), ==, 0x22);
	sel(&t, 0x20);
	g_assert_cmphex(rd(&t), ==, 'A');
	sel(&t, 0x22);
	g_assert_cmphex(rd(&t), ==, 'z');
	g_assert_cmphex(rd(&t), ==, 0);
	sel(&t, 0x23);
	g_assert_cmphex(rd(&t), ==, 0);
	/* bit 14 (the old write channel) is ignored when selecting */
	sel(&t, 0x4000);
	g_assert_cmphex(rd(&t), ==, 'Q');
	/* numeric items in the arch range */
	fw_cfg_add_i32(t.f, FW_CFG_E820_TABLE, 0x11223344);
	sel(&t, FW_CFG_E820_TABLE);
	g_assert_cmphex(rd(&t), ==, 0x44);
	fake_fini(&t);
}

static void test_save_restore(void)
{
	struct fake t;
	struct device *d;
	GByteArray *state = g_byte_array_new();
	GError *err = NULL;
	uint8_t next;

	fake_init(&t);
	d = g_ptr_array_index(t.m->devices, 0);
	g_assert_nonnull(d->cls->vmsd);
	sel(&t, FW_CFG_FILE_DIR);
	rd(&t);
	rd(&t);
	rd(&t);
	/* half-written DMA address */
	as_write(&t.m->io, 0x514, __builtin_bswap32(0), 4);
	vmstate_save(d->cls->vmsd, d, state);
	next = rd(&t);
	device_reset(d);
	g_assert_cmphex(rd(&t), ==, 'Q');
	g_assert_cmpint(vmstate_load(d->cls->vmsd, d, state->data, state->len, &err), ==,
			state->len);
	g_assert_no_error(err);
	g_assert_cmphex(rd(&t), ==, next);
	g_byte_array_free(state, TRUE);
	fake_fini(&t);
}

static void test_hostile_dma(void)
{
	struct fake t;

	fake_init(&t);
	/* descriptor straddling the end of RAM: unreadable, error bit where possible */
	write_desc(&t, DESC, 0, 0, 0);
	memset(t.ram + RAM_SIZE - 8, 0x77, 8);
	as_write(&t.m->io, 0x518, __builtin_bswap32(RAM_SIZE - 8), 4);
	g_assert_cmphex(get_be32(t.ram + RAM_SIZE - 8), ==, DMA_ERROR);
	g_assert_cmphex(get_be32(t.ram + RAM_SIZE - 4), ==, 0x77777777);
	/* descriptor wholly outside RAM and near the top of the address space */
	as_write(&t.m->io, 0x514, 0xffffffff, 4);
	as_write(&t.m->io, 0x518, 0xf8ffffff, 4);
	as_write(&t.m->io, 0x518, __builtin_bswap32(RAM_SIZE), 4);
	/* a huge read that would run off RAM does nothing to RAM */
	memset(t.ram + BUF, 0x5a, 16);
	g_assert_cmphex(dma(&t, FW_CFG_SIGNATURE << 16 | DMA_SELECT | DMA_READ, 0xffffffff, BUF),
			==, DMA_ERROR);
	g_assert_cmphex(t.ram[BUF], ==, 0x5a);
	/* wrong-size writes to the DMA register start nothing */
	write_desc(&t, DESC, DMA_SELECT | DMA_READ, 4, BUF);
	as_write(&t.m->io, 0x518, 0x10, 1);
	as_write(&t.m->io, 0x518, 0x1000, 2);
	g_assert_cmphex(get_be32(t.ram + DESC), ==, DMA_SELECT | DMA_READ);
	/* a 64-bit write runs it */
	as_write(&t.m->io, 0x514, __builtin_bswap64(DESC), 8);
	g_assert_cmphex(get_be32(t.ram + DESC), ==, 0);
	g_assert_cmpmem(t.ram + BUF, 4, "QEMU", 4);
	fake_fini(&t);
}

/* Without DMA: ID 1 and nothing at 0x514-0x51b. */
static void test_no_dma(void)
{
	struct fake t;
	uint32_t id = 0;

	memset(&t, 0, sizeof(t));
	t.m = machine_new(NULL);
	t.ram = g_malloc0(RAM_SIZE);
	mr_init_ram(&t.ram_region, "ram", RAM_SIZE, t.ram, false);
	g_assert_cmpint(as_add(&t.m->mem, &t.ram_region, 0), ==, 0);
	t.f = fw_cfg_new(t.m, false);
	g_assert_nonnull(t.f);
	g_assert_true(t.m->fw_cfg == t.f);
	sel(&t, FW_CFG_ID);
	for (int i = 0; i < 4; i++)
		id |= (uint32_t)rd(&t) << (8 * i);
	g_assert_cmphex(id, ==, 1);
	g_assert_cmphex(as_read(&t.m->io, 0x514, 4), ==, 0xffffffff);
	write_desc(&t, DESC, DMA_SELECT | DMA_READ, 4, BUF);
	as_write(&t.m->io, 0x518, __builtin_bswap32(DESC), 4);
	g_assert_cmphex(get_be32(t.ram + DESC), ==, DMA_SELECT | DMA_READ);
	/* a second fw_cfg cannot take the same ports */
	g_assert_null(fw_cfg_new(t.m, false));
	fake_fini(&t);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fw_cfg/writable-file", test_writable_file);
	g_test_add_func("/fw_cfg/file-order", test_file_order);
	g_test_add_func("/fw_cfg/save-restore", test_save_restore);
	g_test_add_func("/fw_cfg/hostile-dma", test_hostile_dma);
	g_test_add_func("/fw_cfg/no-dma", test_no_dma);
	return g_test_run();
}
