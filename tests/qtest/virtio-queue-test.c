// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hostile virtqueues against virtio-blk-pci (modern interface): a
 * descriptor loop, an indirect chain longer than any queue, buffers and
 * rings outside guest RAM, a descriptor index past the table, an available
 * index that runs ahead, a head index past the queue, a request without
 * header and a misplaced indirect flag.  Each must put the device into
 * NEEDS_RESET (status bit 0x40) without completing anything, leave the VMM
 * alive, and a reset must bring the device back to a working read.  QEMU
 * 7.2 behaves the same for most of these; a few are kvmpc-only (QEMU maps
 * a nested table or an unassigned buffer as data, and has no NEEDS_RESET
 * for legacy drivers).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/virtio-helpers.h"

#define DISK_SIZE (1024 * 1024)
#define RING 0x10000
#define HDR 0x20000
#define DATA 0x21000
#define STATUS 0x30000
#define INDIRECT 0x40000
#define FAR_AWAY 0x7ffffff00000ULL /* no RAM, no device */

struct env {
	char *dir, *img;
	struct qtest *q;
	struct vt_dev d;
	struct vt_queue vq;
};

static void env_start(struct env *e)
{
	g_autofree char *args = NULL;
	int fd;

	memset(e, 0, sizeof(*e));
	e->dir = g_dir_make_tmp("kvmpc-vq-XXXXXX", NULL);
	e->img = g_build_filename(e->dir, "disk.img", NULL);
	fd = open(e->img, O_RDWR | O_CREAT | O_TRUNC, 0644);
	g_assert(fd >= 0);
	g_assert(pwrite(fd, "kvmpc", 5, 0) == 5);
	g_assert(ftruncate(fd, DISK_SIZE) == 0);
	close(fd);
	args = g_strdup_printf("-nodefaults -drive file=%s,if=none,id=d0,format=raw "
			       "-device virtio-blk-pci,drive=d0", e->img);
	e->q = qtest_start(args);
	vt_setup(&e->d, e->q, vt_find(e->q, 0x1001));
}

static void env_stop(struct env *e)
{
	qtest_quit(e->q);
	g_unlink(e->img);
	g_rmdir(e->dir);
	g_free(e->img);
	g_free(e->dir);
}

static void bring_up(struct env *e, bool modern, unsigned num)
{
	e->d.modern = modern;
	vt_negotiate(&e->d, modern ? VT_F_VERSION_1 | VT_F_INDIRECT : VT_F_INDIRECT);
	vt_queue_init(&e->vq, &e->d, 0, num, RING);
	vt_set_status(&e->d, vt_status(&e->d) | VT_S_DRIVER_OK);
}

static void header(struct env *e, uint32_t type)
{
	uint8_t hdr[16] = { 0 };

	memcpy(hdr, &type, 4);
	qtest_memwrite(e->q, HDR, hdr, 16);
}

/* A well-formed read of sector 0: proves the device works. */
static void good_read(struct env *e)
{
	header(e, 0);
	qtest_writeb(e->q, STATUS, 0xee);
	vt_desc(&e->vq, 0, 0, HDR, 16, VT_D_NEXT, 1);
	vt_desc(&e->vq, 0, 1, DATA, 512, VT_D_NEXT | VT_D_WRITE, 2);
	vt_desc(&e->vq, 0, 2, STATUS, 1, VT_D_WRITE, 0);
	vt_avail(&e->vq, 0);
	vt_kick(&e->vq);
	g_assert_cmpuint(vt_wait_used(&e->vq, NULL), ==, 513);
	g_assert_cmpuint(qtest_readb(e->q, STATUS), ==, 0);
	g_assert_cmphex(qtest_readl(e->q, DATA), ==, 0x706d766b); /* "kvmp" */
}

/* After the hostile kick: NEEDS_RESET, nothing used, VMM alive, reset heals. */
static void expect_broken(struct env *e)
{
	g_assert(vt_no_used(&e->vq, 100));
	g_assert_cmphex(vt_status(&e->d) & VT_S_NEEDS_RESET, ==, VT_S_NEEDS_RESET);
	/* still broken: a good request is not served either */
	g_assert_cmphex(qtest_pci_readl(e->q, e->d.devfn, 0), ==, 0x10011af4);
	bring_up(e, true, 0);
	g_assert_cmphex(vt_status(&e->d) & VT_S_NEEDS_RESET, ==, 0);
	good_read(e);
}

static void test_sanity(void)
{
	struct env e;

	env_start(&e);
	bring_up(&e, true, 0);
	good_read(&e);
	good_read(&e);
	env_stop(&e);
}

static void test_loop(void)
{
	struct env e;

	env_start(&e);
	bring_up(&e, true, 0);
	header(&e, 0);
	vt_desc(&e.vq, 0, 0, HDR, 16, VT_D_NEXT, 1);
	vt_desc(&e.vq, 0, 1, DATA, 512, VT_D_NEXT | VT_D_WRITE, 2);
	vt_desc(&e.vq, 0, 2, STATUS, 1, VT_D_NEXT | VT_D_WRITE, 1);
	vt_avail(&e.vq, 0);
	vt_kick(&e.vq);
	expect_broken(&e);
	env_stop(&e);
}

/* A linear indirect chain of 1100 readable pieces: longer than any queue. */
static void test_long_indirect(void)
{
	struct env e;
	enum { N = 1100 };
	g_autofree uint8_t *t = g_malloc0(16 * N);

	env_start(&e);
	bring_up(&e, true, 0);
	header(&e, 1);
	for (unsigned i = 0; i < N; i++) {
		uint64_t a = i ? DATA : HDR;
		uint32_t len = i ? 1 : 16;
		uint16_t fl = i + 1 < N ? VT_D_NEXT : VT_D_WRITE, nx = i + 1;

		memcpy(t + 16 * i, &a, 8);
		memcpy(t + 16 * i + 8, &len, 4);
		memcpy(t + 16 * i + 12, &fl, 2);
		memcpy(t + 16 * i + 14, &nx, 2);
	}
	qtest_memwrite(e.q, INDIRECT, t, 16 * N);
	vt_desc(&e.vq, 0, 0, INDIRECT, 16 * N, VT_D_INDIRECT, 0);
	vt_avail(&e.vq, 0);
	vt_kick(&e.vq);
	expect_broken(&e);
	env_stop(&e);
}

/* kvmpc only: QEMU bounces unassigned addresses and completes the request. */
static void test_buffer_outside_ram(void)
{
	struct env e;

	env_start(&e);
	if (qtest_is_qemu(e.q)) {
		env_stop(&e);
		g_test_skip("QEMU 7.2 maps unassigned memory through a bounce buffer");
		return;
	}
	bring_up(&e, true, 0);
	header(&e, 0);
	vt_desc(&e.vq, 0, 0, HDR, 16, VT_D_NEXT, 1);
	vt_desc(&e.vq, 0, 1, FAR_AWAY, 4096, VT_D_NEXT | VT_D_WRITE, 2);
	vt_desc(&e.vq, 0, 2, STATUS, 1, VT_D_WRITE, 0);
	vt_avail(&e.vq, 0);
	vt_kick(&e.vq);
	expect_broken(&e);
	env_stop(&e);
}

static void test_ring_outside_ram(void)
{
	struct env e;
	struct qtest *q;

	env_start(&e);
	q = e.q;
	e.d.modern = true;
	vt_negotiate(&e.d, VT_F_VERSION_1);
	qtest_writew(q, e.d.common + 0x16, 0);
	qtest_writel(q, e.d.common + 0x20, (uint32_t)FAR_AWAY);
	qtest_writel(q, e.d.common + 0x24, FAR_AWAY >> 32);
	qtest_writel(q, e.d.common + 0x28, RING);
	qtest_writel(q, e.d.common + 0x30, RING + 0x1000);
	qtest_writew(q, e.d.common + 0x1c, 1);
	vt_set_status(&e.d, vt_status(&e.d) | VT_S_DRIVER_OK);
	qtest_writew(q, RING + 2, 1);
	qtest_writew(q, e.d.notify, 0);
	g_assert_cmphex(vt_status(&e.d) & VT_S_NEEDS_RESET, ==, VT_S_NEEDS_RESET);
	g_assert_cmpuint(qtest_readw(q, RING + 0x1000 + 2), ==, 0);
	e.vq.d = &e.d;
	e.vq.num = 1;
	e.vq.used = RING + 0x1000;
	expect_broken(&e);
	env_stop(&e);
}

static void test_next_out_of_table(void)
{
	struct env e;

	env_start(&e);
	bring_up(&e, true, 16);
	header(&e, 0);
	vt_desc(&e.vq, 0, 0, HDR, 16, VT_D_NEXT, 1);
	vt_desc(&e.vq, 0, 1, DATA, 512, VT_D_NEXT | VT_D_WRITE, 999);
	vt_avail(&e.vq, 0);
	vt_kick(&e.vq);
	expect_broken(&e);
	env_stop(&e);
}

static void test_avail_runs_ahead(void)
{
	struct env e;

	env_start(&e);
	bring_up(&e, true, 16);
	qtest_writew(e.q, e.vq.avail + 2, 16 + 5);
	vt_kick(&e.vq);
	expect_broken(&e);
	env_stop(&e);
}

static void test_head_out_of_queue(void)
{
	struct env e;

	env_start(&e);
	bring_up(&e, true, 16);
	vt_avail(&e.vq, 16); /* heads are 0..15 */
	vt_kick(&e.vq);
	expect_broken(&e);
	env_stop(&e);
}

static void test_no_header(void)
{
	struct env e;

	env_start(&e);
	bring_up(&e, true, 0);
	vt_desc(&e.vq, 0, 0, STATUS, 1, VT_D_WRITE, 0);
	vt_avail(&e.vq, 0);
	vt_kick(&e.vq);
	expect_broken(&e);
	env_stop(&e);
}

/* kvmpc only: QEMU 7.2 would map a nested table as a data buffer. */
static void test_nested_indirect(void)
{
	struct env e;

	env_start(&e);
	if (qtest_is_qemu(e.q)) {
		env_stop(&e);
		g_test_skip("QEMU 7.2 does not refuse nested indirect tables");
		return;
	}
	bring_up(&e, true, 0);
	vt_desc(&e.vq, INDIRECT, 0, INDIRECT + 0x100, 32, VT_D_INDIRECT, 0);
	vt_desc(&e.vq, 0, 0, INDIRECT, 16, VT_D_INDIRECT, 0);
	vt_avail(&e.vq, 0);
	vt_kick(&e.vq);
	expect_broken(&e);
	env_stop(&e);
}

/* kvmpc only: a legacy driver's loop stops the device until it resets. */
static void test_legacy_loop(void)
{
	struct env e;

	env_start(&e);
	if (qtest_is_qemu(e.q)) {
		env_stop(&e);
		g_test_skip("QEMU has no NEEDS_RESET for legacy drivers");
		return;
	}
	bring_up(&e, false, 0);
	header(&e, 0);
	vt_desc(&e.vq, 0, 0, HDR, 16, VT_D_NEXT, 0);
	vt_avail(&e.vq, 0);
	vt_kick(&e.vq);
	g_assert(vt_no_used(&e.vq, 100));
	g_assert_cmphex(vt_status(&e.d) & VT_S_NEEDS_RESET, ==, VT_S_NEEDS_RESET);
	bring_up(&e, false, 0);
	good_read(&e);
	env_stop(&e);
}

/* kvmpc only: FEATURES_OK without VERSION_1 through the modern interface. */
static void test_features_ok_needs_version1(void)
{
	struct env e;

	env_start(&e);
	if (qtest_is_qemu(e.q)) {
		env_stop(&e);
		g_test_skip("QEMU 7.2 accepts a modern driver without VERSION_1");
		return;
	}
	e.d.modern = true;
	g_assert_cmphex(vt_negotiate(&e.d, 1 << 9) & VT_S_FEATURES_OK, ==, 0);
	g_assert_cmphex(vt_negotiate(&e.d, VT_F_VERSION_1 | 1 << 9) & VT_S_FEATURES_OK, ==,
			VT_S_FEATURES_OK);
	env_stop(&e);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/virtio-queue/sanity", test_sanity);
	g_test_add_func("/virtio-queue/loop", test_loop);
	g_test_add_func("/virtio-queue/long-indirect", test_long_indirect);
	g_test_add_func("/virtio-queue/buffer-outside-ram", test_buffer_outside_ram);
	g_test_add_func("/virtio-queue/ring-outside-ram", test_ring_outside_ram);
	g_test_add_func("/virtio-queue/next-out-of-table", test_next_out_of_table);
	g_test_add_func("/virtio-queue/avail-runs-ahead", test_avail_runs_ahead);
	g_test_add_func("/virtio-queue/head-out-of-queue", test_head_out_of_queue);
	g_test_add_func("/virtio-queue/no-header", test_no_header);
	g_test_add_func("/virtio-queue/nested-indirect", test_nested_indirect);
	g_test_add_func("/virtio-queue/legacy-loop", test_legacy_loop);
	g_test_add_func("/virtio-queue/features-ok-needs-version-1",
			test_features_ok_needs_version1);
	return g_test_run();
}
