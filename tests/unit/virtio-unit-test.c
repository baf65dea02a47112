// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-blk-pci on a fake machine (RAM, PCI bus, no KVM): save/restore of
 * the transport and queue state between requests (save, reset, load, then
 * the next request on the same ring completes), a hostile snapshot (queue
 * sizes, selectors and vectors out of range are sanitised on load), and a
 * seeded storm of random descriptor chains, which must each either
 * complete or leave the device in NEEDS_RESET, never touching memory
 * outside guest RAM (a guard pattern around RAM is checked).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-blk.h"
#include "hw/virtio/virtio-misc.h"
#include "hw/virtio/virtio-net.h"
#include "net/net.h"
#include "core/opts.h"
#include <sys/socket.h>
#include "hw/pci/pci.h"
#include "block/drive.h"
#include "core/machine.h"
#include "core/vmstate.h"

#define RAM_SIZE (4 << 20)
#define GUARD 4096
#define BAR4 0xfe000000ULL
#define RING 0x10000
#define HDR 0x20000
#define DATA 0x21000
#define STATUS 0x30000

struct env {
	struct machine *m;
	uint8_t *alloc;      /* guard + RAM + guard */
	struct mem_region ram;
	char *dir, *img;
	struct pci_device *pci;
	unsigned num;
	uint16_t avail_idx, used_seen;
};

static void pci_w16(struct env *e, int reg, uint16_t v)
{
	as_write(&e->m->io, 0xcf8, 0x80000000u | e->pci->devfn << 8 | (reg & 0xfc), 4);
	as_write(&e->m->io, 0xcfc + (reg & 2), v, 2);
}

static void pci_w32(struct env *e, int reg, uint32_t v)
{
	as_write(&e->m->io, 0xcf8, 0x80000000u | e->pci->devfn << 8 | reg, 4);
	as_write(&e->m->io, 0xcfc, v, 4);
}

static void env_start(struct env *e)
{
	struct machine_config *cfg = machine_config_new();
	struct machine *m;
	GError *err = NULL;
	g_autofree char *spec = NULL;
	int fd;

	cfg->accel = ACCEL_QTEST;
	cfg->ram_size = RAM_SIZE;
	m = machine_new(cfg);
	memset(e, 0, sizeof(*e));
	e->m = m;
	e->alloc = g_malloc(RAM_SIZE + 2 * GUARD);
	memset(e->alloc, 0xcc, RAM_SIZE + 2 * GUARD);
	m->ram = e->alloc + GUARD;
	memset(m->ram, 0, RAM_SIZE);
	m->ram_below_4g = RAM_SIZE;
	mr_init_ram(&e->ram, "ram", RAM_SIZE, m->ram, false);
	g_assert_cmpint(as_add(&m->mem, &e->ram, 0), ==, 0);
	g_assert_nonnull(pci_bus_new(m, &err));

	e->dir = g_dir_make_tmp("kvmpc-vu-XXXXXX", NULL);
	e->img = g_build_filename(e->dir, "d.img", NULL);
	fd = open(e->img, O_RDWR | O_CREAT | O_TRUNC, 0644);
	g_assert(fd >= 0);
	g_assert(pwrite(fd, "kvmpc-virtio", 12, 0) == 12);
	g_assert(ftruncate(fd, 1 << 20) == 0);
	close(fd);
	spec = g_strdup_printf("file=%s,if=virtio,format=raw", e->img);
	g_assert_cmpint(drive_parse(m, spec, &err), ==, 0);
	g_assert_cmpint(virtio_blk_create_drives(m, &err), ==, 0);
	g_assert_no_error(err);
	e->pci = pci_bus_find(m->pci, 0);
	g_assert_nonnull(e->pci);
	pci_w32(e, 0x20, (uint32_t)BAR4);
	pci_w32(e, 0x24, 0);
	pci_w16(e, 0x04, 0x6);
}

static void env_stop(struct env *e)
{
	/* RAM outside [ram, ram + RAM_SIZE) was never written */
	for (int i = 0; i < GUARD; i++) {
		g_assert_cmphex(e->alloc[i], ==, 0xcc);
		g_assert_cmphex(e->alloc[GUARD + RAM_SIZE + i], ==, 0xcc);
	}
	drive_close_all(e->m);
	g_unlink(e->img);
	g_rmdir(e->dir);
	g_free(e->img);
	g_free(e->dir);
}

static uint32_t rd(struct env *e, uint64_t off, unsigned size)
{
	return as_read(&e->m->mem, BAR4 + off, size);
}

static void wr(struct env *e, uint64_t off, uint32_t v, unsigned size)
{
	as_write(&e->m->mem, BAR4 + off, v, size);
}

static void bring_up(struct env *e)
{
	wr(e, 0x14, 0, 1);
	wr(e, 0x14, 3, 1);
	wr(e, 0x08, 1, 4);
	wr(e, 0x0c, 1, 4); /* VERSION_1 */
	wr(e, 0x08, 0, 4);
	wr(e, 0x0c, 1u << 28, 4); /* INDIRECT_DESC */
	wr(e, 0x14, 0xb, 1);
	g_assert_cmphex(rd(e, 0x14, 1), ==, 0xb);
	wr(e, 0x16, 0, 2);
	wr(e, 0x18, 16, 2);
	e->num = 16;
	memset(e->m->ram + RING, 0, 0x2000);
	wr(e, 0x20, RING, 4);
	wr(e, 0x28, RING + 16 * 16, 4);
	wr(e, 0x30, RING + 0x1000, 4);
	wr(e, 0x1c, 1, 2);
	wr(e, 0x14, 0xf, 1);
	e->avail_idx = e->used_seen = 0;
}

static void put_desc(struct env *e, uint64_t table, unsigned i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	uint8_t *d = e->m->ram + table + 16 * i;

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static void make_avail(struct env *e, uint16_t head)
{
	uint8_t *a = e->m->ram + RING + 16 * e->num;

	memcpy(a + 4 + 2 * (e->avail_idx % e->num), &head, 2);
	e->avail_idx++;
	memcpy(a + 2, &e->avail_idx, 2);
	wr(e, 0x3000, 0, 2);
}

static uint16_t used_idx(struct env *e)
{
	uint16_t v;

	memcpy(&v, e->m->ram + RING + 0x1000 + 2, 2);
	return v;
}

/* Run the main loop until the used index moves (or ~2 s pass). */
static bool wait_used(struct env *e)
{
	for (int i = 0; i < 2000 && used_idx(e) == e->used_seen; i++) {
		while (g_main_context_iteration(NULL, FALSE))
			;
		if (used_idx(e) == e->used_seen)
			g_usleep(1000);
	}
	if (used_idx(e) == e->used_seen)
		return false;
	e->used_seen = used_idx(e);
	return true;
}

static void good_read(struct env *e)
{
	uint32_t hdr[4] = { 0, 0, 0, 0 };

	memcpy(e->m->ram + HDR, hdr, 16);
	e->m->ram[STATUS] = 0xee;
	memset(e->m->ram + DATA, 0, 512);
	put_desc(e, RING, 0, HDR, 16, 1, 1);
	put_desc(e, RING, 1, DATA, 512, 3, 2);
	put_desc(e, RING, 2, STATUS, 1, 2, 0);
	make_avail(e, 0);
	g_assert_true(wait_used(e));
	g_assert_cmpuint(e->m->ram[STATUS], ==, 0);
	g_assert(memcmp(e->m->ram + DATA, "kvmpc-virtio", 12) == 0);
}

static void test_save_restore(void)
{
	struct env e;
	struct device *d;
	GByteArray *st = g_byte_array_new();
	GError *err = NULL;

	env_start(&e);
	d = &e.pci->dev;
	bring_up(&e);
	good_read(&e);
	good_read(&e);
	vmstate_save(d->cls->vmsd, d, st);
	device_reset(d);
	g_assert_cmphex(rd(&e, 0x14, 1), ==, 0);
	g_assert_cmpint(vmstate_load(d->cls->vmsd, d, st->data, st->len, &err), ==, st->len);
	g_assert_no_error(err);
	g_assert_cmphex(rd(&e, 0x14, 1), ==, 0xf);
	good_read(&e); /* the third request on the same ring, indices restored */
	g_assert_cmpuint(used_idx(&e), ==, 3);
	g_byte_array_free(st, TRUE);
	env_stop(&e);
}

/* A snapshot saying nonsense: loads, gets sanitised, the device survives. */
static void test_hostile_snapshot(void)
{
	struct env e;
	struct device *d;
	struct virtio_pci *vp;
	GByteArray *st = g_byte_array_new();
	GError *err = NULL;

	env_start(&e);
	d = &e.pci->dev;
	vp = container_of(e.pci, struct virtio_pci, pci);
	bring_up(&e);
	vp->vdev.vqs[0].num = 1000;
	vp->vdev.vqs[0].vector = 77;
	vp->vdev.queue_sel = 999;
	vp->vdev.config_vector = 55;
	vp->vdev.vqs[0].desc_addr = 0x7fffffff0000ULL;
	vmstate_save(d->cls->vmsd, d, st);
	device_reset(d);
	g_assert_cmpint(vmstate_load(d->cls->vmsd, d, st->data, st->len, &err), ==, st->len);
	g_assert_cmpuint(vp->vdev.vqs[0].num, <=, 256);
	g_assert_cmphex(vp->vdev.vqs[0].vector, ==, 0xffff);
	g_assert_cmphex(vp->vdev.config_vector, ==, 0xffff);
	g_assert_cmpuint(vp->vdev.queue_sel, <, 4);
	/* the ring is outside RAM: a kick breaks the device instead of crashing */
	wr(&e, 0x3000, 0, 2);
	g_assert_cmphex(rd(&e, 0x14, 1) & 0x40, ==, 0x40);
	bring_up(&e);
	good_read(&e);
	g_byte_array_free(st, TRUE);
	env_stop(&e);
}

/* Seeded random chains: complete or NEEDS_RESET, never a crash. */
static void test_storm(void)
{
	struct env e;
	GRand *r = g_rand_new_with_seed(1234);
	unsigned broken = 0, done = 0;

	env_start(&e);
	bring_up(&e);
	for (int round = 0; round < 400; round++) {
		unsigned n = g_rand_int_range(r, 1, 6);
		uint64_t table = g_rand_boolean(r) ? RING : 0x40000;

		for (unsigned i = 0; i < 16; i++) {
			static const uint64_t addrs[] = { HDR, DATA, STATUS, RAM_SIZE - 8,
							  RAM_SIZE, 0xfffff000, 0x7fffffff0000ULL,
							  BAR4, 0 };
			uint64_t a = addrs[g_rand_int_range(r, 0, G_N_ELEMENTS(addrs))];
			uint32_t len = g_rand_boolean(r) ? g_rand_int_range(r, 0, 4096) :
				       g_rand_int(r);
			uint16_t fl = g_rand_int_range(r, 0, 8), nx = g_rand_int_range(r, 0, 20);

			if (table == RING && i < 3)
				continue;
			put_desc(&e, table, i, a, len, fl, nx);
		}
		memcpy(e.m->ram + HDR, (uint32_t[]){ g_rand_int_range(r, 0, 16), 0, 1, 0 }, 16);
		if (table != RING)
			put_desc(&e, RING, 0, table, 16 * n, 4, 0);
		if (round % 2) {
			/* well-formed shape, random type and length */
			put_desc(&e, RING, 0, HDR, 16, 1, 1);
			put_desc(&e, RING, 1, DATA, 512 * g_rand_int_range(r, 0, 9),
				 1 | (g_rand_boolean(r) ? 2 : 0), 2);
			put_desc(&e, RING, 2, STATUS, 1, 2, 0);
			make_avail(&e, 0);
		} else {
			make_avail(&e, g_rand_int_range(r, 0, 18));
		}
		if (rd(&e, 0x14, 1) & 0x40 || !wait_used(&e)) {
			g_assert_cmphex(rd(&e, 0x14, 1) & 0x40, ==, 0x40);
			broken++;
			bring_up(&e);
		} else {
			done++;
		}
	}
	g_assert_cmpuint(broken, >, 0);
	g_assert_cmpuint(done, >, 0);
	bring_up(&e);
	good_read(&e);
	g_rand_free(r);
	env_stop(&e);
}

/* balloon_set_target: num_pages in the config, a config interrupt, actual. */
static void test_balloon_target(void)
{
	struct env e;
	struct virtio_balloon_config cfg = VIRTIO_BALLOON_CONFIG_DEFAULT;
	struct virtio_pci *vp;
	uint64_t actual;
	uint8_t gen;

	env_start(&e);
	g_assert_cmpint(balloon_set_target(e.m, 1 << 20), ==, -ENODEV);
	cfg.pci.devfn = 0x18;
	g_assert_nonnull(virtio_balloon_pci_create(e.m, &cfg, NULL));
	e.pci = pci_bus_find(e.m->pci, 0x18);
	pci_w32(&e, 0x20, (uint32_t)BAR4 + 0x100000);
	pci_w32(&e, 0x24, 0);
	pci_w16(&e, 0x04, 0x6);
	vp = container_of(e.pci, struct virtio_pci, pci);
	wr(&e, 0x100000 + 0x14, 3, 1);
	wr(&e, 0x100000 + 0x08, 1, 4);
	wr(&e, 0x100000 + 0x0c, 1, 4);
	wr(&e, 0x100000 + 0x14, 0xf, 1);
	gen = rd(&e, 0x100000 + 0x15, 1);
	g_assert_cmpint(balloon_set_target(e.m, 0), ==, -EINVAL);
	g_assert_cmpint(balloon_set_target(e.m, RAM_SIZE + 1), ==, -EINVAL);
	g_assert_cmpint(balloon_set_target(e.m, RAM_SIZE - (1 << 20)), ==, 0);
	g_assert_cmpuint(rd(&e, 0x100000 + 0x2000, 4), ==, 256);
	g_assert_cmphex(vp->vdev.isr & 2, ==, 2);
	g_assert_cmpuint(rd(&e, 0x100000 + 0x15, 1), !=, gen);
	wr(&e, 0x100000 + 0x2004, 256, 4);
	g_assert_cmpint(balloon_get_actual(e.m, &actual), ==, 0);
	g_assert_cmpuint(actual, ==, RAM_SIZE - (1 << 20));
	env_stop(&e);
}

/* The stats buffer the balloon holds survives save, reset and load. */
static void test_balloon_stats_snapshot(void)
{
	struct env e;
	struct virtio_balloon_config cfg = VIRTIO_BALLOON_CONFIG_DEFAULT;
	struct device *d;
	GByteArray *st = g_byte_array_new();
	uint64_t stats[BALLOON_STAT_COUNT];
	uint8_t rec[10] = { 4, 0 };
	uint64_t v = 4242;
	uint64_t base = 0x100000;
	const uint64_t ring = 0x50000;
	uint16_t one = 1, zero = 0;

	env_start(&e);
	cfg.pci.devfn = 0x18;
	cfg.stats_interval_s = 1;
	g_assert_nonnull(virtio_balloon_pci_create(e.m, &cfg, NULL));
	e.pci = pci_bus_find(e.m->pci, 0x18);
	d = &e.pci->dev;
	pci_w32(&e, 0x20, (uint32_t)BAR4 + base);
	pci_w32(&e, 0x24, 0);
	pci_w16(&e, 0x04, 0x6);
	wr(&e, base + 0x14, 3, 1);
	wr(&e, base + 0x08, 0, 4);
	wr(&e, base + 0x0c, 2, 4);      /* STATS_VQ */
	wr(&e, base + 0x08, 1, 4);
	wr(&e, base + 0x0c, 1, 4);
	wr(&e, base + 0x14, 0xb, 1);
	wr(&e, base + 0x16, 2, 2);      /* stats queue: 8 entries */
	wr(&e, base + 0x18, 8, 2);
	memset(e.m->ram + ring, 0, 0x2000);
	wr(&e, base + 0x20, ring, 4);
	wr(&e, base + 0x28, ring + 0x80, 4);
	wr(&e, base + 0x30, ring + 0x1000, 4);
	wr(&e, base + 0x1c, 1, 2);
	wr(&e, base + 0x14, 0xf, 1);
	memcpy(rec + 2, &v, 8);
	memcpy(e.m->ram + DATA, rec, 10);
	{
		uint64_t a = DATA;
		uint32_t l = 10;

		memcpy(e.m->ram + ring, &a, 8);
		memcpy(e.m->ram + ring + 8, &l, 4);
		memcpy(e.m->ram + ring + 12, &zero, 2);
	}
	memcpy(e.m->ram + ring + 0x80 + 4, &zero, 2);   /* avail ring[0] = head 0 */
	memcpy(e.m->ram + ring + 0x80 + 2, &one, 2);    /* avail idx 1 */
	wr(&e, base + 0x3000 + 2 * 4, 2, 2);
	g_assert_cmpint(balloon_get_stats(e.m, stats), ==, 0);
	g_assert_cmpuint(stats[4], ==, 4242);
	g_assert_false(virtio_dev_busy(&container_of(e.pci, struct virtio_pci, pci)->vdev));
	vmstate_save(d->cls->vmsd, d, st);
	device_reset(d);
	g_assert_cmpint(vmstate_load(d->cls->vmsd, d, st->data, st->len, NULL), ==, st->len);
	/* the poll after the interval hands the buffer back: used idx 1 */
	vclock_warp(&e.m->clock, 2 * NS_PER_SEC);
	{
		uint16_t u;

		memcpy(&u, e.m->ram + ring + 0x1000 + 2, 2);
		g_assert_cmpuint(u, ==, 1);
	}
	g_byte_array_free(st, TRUE);
	env_stop(&e);
}

/* Link down/up from the host side: config status and a config interrupt. */
static void test_net_link(void)
{
	struct env e;
	struct virtio_net_config cfg = VIRTIO_NET_CONFIG_DEFAULT;
	struct virtio_pci *vp;
	struct opts *o;
	int sv[2];
	g_autofree char *fdopt = NULL;

	env_start(&e);
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), ==, 0);
	fdopt = g_strdup_printf("fd=%d", sv[1]);
	o = opts_parse(fdopt, NULL, NULL);
	g_assert_cmpint(net_tap_create(e.m, "t0", o, NULL), ==, 0);
	opts_free(o);
	cfg.netdev = "t0";
	cfg.pci.devfn = 0x20;
	g_assert_nonnull(virtio_net_pci_create(e.m, &cfg, NULL));
	e.pci = pci_bus_find(e.m->pci, 0x20);
	pci_w32(&e, 0x20, (uint32_t)BAR4 + 0x200000);
	pci_w32(&e, 0x24, 0);
	pci_w16(&e, 0x04, 0x6);
	vp = container_of(e.pci, struct virtio_pci, pci);
	wr(&e, 0x200000 + 0x14, 3, 1);
	wr(&e, 0x200000 + 0x08, 0, 4);
	wr(&e, 0x200000 + 0x0c, 1 << 16, 4); /* STATUS */
	wr(&e, 0x200000 + 0x08, 1, 4);
	wr(&e, 0x200000 + 0x0c, 1, 4);
	wr(&e, 0x200000 + 0x14, 0xf, 1);
	g_assert_cmphex(rd(&e, 0x200000 + 0x2006, 2), ==, 1);
	g_assert_cmpint(net_set_link(e.m, "nope", false), ==, -ENOENT);
	g_assert_cmpint(net_set_link(e.m, "t0", false), ==, 0);
	g_assert_cmphex(rd(&e, 0x200000 + 0x2006, 2), ==, 0);
	g_assert_cmphex(vp->vdev.isr & 2, ==, 2);
	g_assert_cmphex(rd(&e, 0x200000 + 0x1000, 1), ==, 2); /* ISR read clears */
	g_assert_cmpint(net_set_link(e.m, "t0", true), ==, 0);
	g_assert_cmphex(rd(&e, 0x200000 + 0x2006, 2), ==, 1);
	close(sv[0]);
	env_stop(&e);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/virtio/save-restore", test_save_restore);
	g_test_add_func("/virtio/hostile-snapshot", test_hostile_snapshot);
	g_test_add_func("/virtio/storm", test_storm);
	g_test_add_func("/virtio/balloon-target", test_balloon_target);
	g_test_add_func("/virtio/net-link", test_net_link);
	g_test_add_func("/virtio/balloon-stats-snapshot", test_balloon_stats_snapshot);
	return g_test_run();
}
