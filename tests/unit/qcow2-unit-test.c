// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The qcow2 driver through the block layer API: partial-cluster writes
 * against an in-memory model, every refcount width, discard (freed
 * clusters are reused; v3 overlays read zeros, v2 overlays keep data),
 * copy-on-write out of compressed and zero clusters, growth of the L1 and
 * refcount tables under cache pressure (512-byte clusters), resize.  Each
 * case ends with our own check and, when installed, `qemu-img check`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <glib.h>
#include "block/block.h"
#include "block/qcow2.h"

static char *tmpdir;

static char *path_of(const char *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

static void create(const char *path, uint64_t size, int cbits, int order, int version,
		   const char *backing)
{
	struct qcow2_create_opts o = {
		.size = size, .cluster_bits = cbits, .version = version,
		.refcount_order = order, .backing = backing,
		.backing_fmt = backing ? "qcow2" : NULL,
	};
	GError *err = NULL;

	unlink(path);
	if (qcow2_create(path, &o, &err))
		g_error("create: %s", err->message);
}

static struct block_backend *open_img(const char *path, bool rw)
{
	struct blk_config cfg = { .filename = path, .format = "qcow2", .read_only = !rw };
	GError *err = NULL;
	struct block_backend *b = blk_open(&cfg, &err);

	if (!b)
		g_error("open: %s", err->message);
	return b;
}

/* Our check and qemu-img's both find nothing (leaks too, unless allowed). */
static void assert_clean(struct block_backend *b, const char *path)
{
	struct qcow2_check_result r;
	g_autofree char *qi = g_find_program_in_path("qemu-img");
	g_autofree char *cmd = NULL;
	int status;

	g_assert_cmpint(qcow2_check(b, &r, stderr), ==, 0);
	g_assert_cmpuint(r.corruptions, ==, 0);
	g_assert_cmpuint(r.leaks, ==, 0);
	if (!qi)
		return;
	cmd = g_strdup_printf("qemu-img check -U -q %s", path);
	g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL));
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

static void fill(GRand *r, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)g_rand_int(r);
}

static void assert_reads(struct block_backend *b, const uint8_t *model, uint64_t size)
{
	uint8_t *buf = g_malloc(size);

	g_assert_cmpint(blk_pread(b, 0, buf, size), ==, 0);
	g_assert_true(memcmp(buf, model, size) == 0);
	g_free(buf);
}

/* n random writes of up to max bytes at any byte offset, mirrored in model. */
static void random_writes(struct block_backend *b, GRand *r, uint8_t *model, uint64_t size,
			  int n, uint32_t max)
{
	uint8_t *buf = g_malloc(max);

	for (int i = 0; i < n; i++) {
		uint32_t len = g_rand_int_range(r, 1, max + 1);
		uint64_t off = g_rand_int_range(r, 0, (gint32)(size - len + 1));

		fill(r, buf, len);
		g_assert_cmpint(blk_pwrite(b, off, buf, len), ==, 0);
		memcpy(model + off, buf, len);
		if (i % 50 == 49)
			g_assert_cmpint(blk_flush(b), ==, 0);
	}
	g_free(buf);
}

static void test_refcount_widths(void)
{
	GRand *r = g_rand_new_with_seed(1);
	g_autofree char *p = path_of("rc.qcow2");
	const uint64_t size = 4 << 20;

	for (int order = 0; order <= 6; order++) {
		uint8_t *model = g_malloc0(size);
		struct block_backend *b;

		create(p, size, 12, order, 3, NULL);
		b = open_img(p, true);
		random_writes(b, r, model, size, 200, 20000);
		assert_reads(b, model, size);
		g_assert_cmpint(blk_flush(b), ==, 0);
		assert_clean(b, p);
		blk_close(b);
		b = open_img(p, false);
		assert_reads(b, model, size);
		blk_close(b);
		g_free(model);
	}
	g_rand_free(r);
}

static void test_discard_reuse(void)
{
	g_autofree char *p = path_of("d.qcow2");
	uint8_t *buf = g_malloc(1 << 20), *z = g_malloc0(1 << 20);
	struct block_backend *b;
	struct stat st1, st2;

	create(p, 16 << 20, 16, 4, 3, NULL);
	b = open_img(p, true);
	memset(buf, 0x77, 1 << 20);
	g_assert_cmpint(blk_pwrite(b, 0, buf, 1 << 20), ==, 0);
	g_assert_cmpint(blk_flush(b), ==, 0);
	g_assert_cmpint(blk_discard(b, 512 << 10, 512 << 10), ==, 0);
	g_assert_cmpint(blk_flush(b), ==, 0);
	g_assert_cmpint(blk_pread(b, 512 << 10, buf, 512 << 10), ==, 0);
	g_assert_true(memcmp(buf, z, 512 << 10) == 0);
	assert_clean(b, p);
	stat(p, &st1);
	memset(buf, 0x55, 1 << 20);
	g_assert_cmpint(blk_pwrite(b, 8 << 20, buf, 512 << 10), ==, 0);
	g_assert_cmpint(blk_flush(b), ==, 0);
	stat(p, &st2);
	g_assert_cmpint(st2.st_size, ==, st1.st_size); /* freed clusters reused */
	assert_clean(b, p);
	blk_close(b);
	g_free(buf);
	g_free(z);
}

static void test_discard_backing(void)
{
	g_autofree char *base = path_of("base.qcow2");
	g_autofree char *v3 = path_of("ov3.qcow2"), *v2 = path_of("ov2.qcow2");
	uint8_t *buf = g_malloc(1 << 16), *want = g_malloc(1 << 16);
	struct block_backend *b;

	create(base, 4 << 20, 16, 4, 3, NULL);
	b = open_img(base, true);
	memset(buf, 0xbb, 1 << 16);
	g_assert_cmpint(blk_pwrite(b, 0, buf, 1 << 16), ==, 0);
	blk_close(b);
	for (int v = 2; v <= 3; v++) {
		const char *ov = v == 3 ? v3 : v2;

		create(ov, 4 << 20, 16, 4, v, "base.qcow2");
		b = open_img(ov, true);
		memset(buf, 0xcc, 1 << 16);
		g_assert_cmpint(blk_pwrite(b, 0, buf, 1 << 16), ==, 0);
		g_assert_cmpint(blk_discard(b, 0, 1 << 16), ==, 0);
		g_assert_cmpint(blk_pread(b, 0, buf, 1 << 16), ==, 0);
		/* v3: a zero cluster; v2 cannot hide the backing file: kept */
		memset(want, v == 3 ? 0 : 0xcc, 1 << 16);
		g_assert_true(memcmp(buf, want, 1 << 16) == 0);
		if (v == 3) {
			/* a partial write into the zero cluster: the rest stays zero */
			memset(buf, 0x11, 512);
			g_assert_cmpint(blk_pwrite(b, 4096, buf, 512), ==, 0);
			g_assert_cmpint(blk_pread(b, 0, buf, 1 << 16), ==, 0);
			memset(want + 4096, 0x11, 512);
			g_assert_true(memcmp(buf, want, 1 << 16) == 0);
		}
		g_assert_cmpint(blk_flush(b), ==, 0);
		assert_clean(b, ov);
		blk_close(b);
	}
	g_free(buf);
	g_free(want);
}

static void test_compressed_cow(void)
{
	g_autofree char *p = path_of("c.qcow2");
	const uint64_t cs = 65536;
	uint8_t *buf = g_malloc(4 * cs), *model = g_malloc(4 * cs);
	struct block_backend *b;

	create(p, 4 * cs, 16, 4, 3, NULL);
	b = open_img(p, true);
	for (int i = 0; i < 4; i++) {
		for (uint64_t k = 0; k < cs; k++)
			model[i * cs + k] = (uint8_t)(k / 100 + i);
		g_assert_cmpint(qcow2_write_compressed(b, i * cs, model + i * cs), ==, 0);
	}
	assert_reads(b, model, 4 * cs);
	memset(model + cs + 1000, 0xee, 3000);
	g_assert_cmpint(blk_pwrite(b, cs + 1000, model + cs + 1000, 3000), ==, 0);
	assert_reads(b, model, 4 * cs);
	g_assert_cmpint(blk_flush(b), ==, 0);
	assert_clean(b, p);
	blk_close(b);
	g_free(buf);
	g_free(model);
}

/* 512-byte clusters: L2 and refcount caches overflow, the refcount table grows. */
static void test_cache_pressure_and_resize(void)
{
	g_autofree char *p = path_of("small.qcow2");
	const uint64_t size = 24 << 20;
	uint8_t *model = g_malloc0(size), tail[4096];
	GRand *r = g_rand_new_with_seed(3);
	struct qcow2_state *s;
	struct block_backend *b;
	GError *err = NULL;
	uint64_t rt_before;

	create(p, size, 9, 4, 3, NULL);
	b = open_img(p, true);
	s = qcow2_state_of(b);
	rt_before = s->rt_offset;
	random_writes(b, r, model, size, 600, 65536);
	assert_reads(b, model, size);
	g_assert_cmpuint(s->rt_offset, !=, rt_before);
	g_assert_cmpint(blk_flush(b), ==, 0);
	assert_clean(b, p);
	g_assert_cmpint(qcow2_resize(b, 3ull << 30, &err), ==, 0);
	g_assert_cmpint(blk_length(b), ==, 3ll << 30);
	memset(tail, 0x9d, sizeof(tail));
	g_assert_cmpint(blk_pwrite(b, (3ull << 30) - sizeof(tail), tail, sizeof(tail)), ==, 0);
	g_assert_cmpint(blk_flush(b), ==, 0);
	assert_reads(b, model, size);
	assert_clean(b, p);
	blk_close(b);
	b = open_img(p, false);
	memset(tail, 0, sizeof(tail));
	g_assert_cmpint(blk_pread(b, (3ull << 30) - sizeof(tail), tail, sizeof(tail)), ==, 0);
	g_assert_cmphex(tail[0], ==, 0x9d);
	g_assert_cmpint(qcow2_resize(b, 4ull << 30, &err), <, 0); /* read-only */
	g_clear_error(&err);
	blk_close(b);
	g_free(model);
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	int ret;

	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("kvmpc-qcow2u-XXXXXX", NULL);
	g_test_add_func("/qcow2/refcount-widths", test_refcount_widths);
	g_test_add_func("/qcow2/discard-reuse", test_discard_reuse);
	g_test_add_func("/qcow2/discard-backing", test_discard_backing);
	g_test_add_func("/qcow2/compressed-cow", test_compressed_cow);
	g_test_add_func("/qcow2/cache-pressure-resize", test_cache_pressure_and_resize);
	ret = g_test_run();
	g_autofree char *cmd = g_strdup_printf("rm -rf %s", tmpdir);
	(void)system(cmd);
	return ret;
}
