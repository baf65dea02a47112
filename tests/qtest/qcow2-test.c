// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qcow2 images behind the PIIX3 IDE disk, with qemu-img as the oracle:
 * a backing chain made by qemu-img (compressed 4 KiB base, 64 KiB and
 * 2 MiB overlays with data and zero writes from qemu-io) read through
 * bus-master DMA equals `qemu-img convert -O raw`; DMA writes followed by
 * FLUSH CACHE leave an image that passes `qemu-img check` and equals the
 * expected raw under `qemu-img compare`; and a loop of kill -9s in the
 * middle of write batches never leaves corruption (leaks are allowed) nor
 * loses a write that a FLUSH CACHE acknowledged; the image is locked against
 * other writers (qemu-io, kvmpc-img) while in use.  Runs against QEMU too.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <glib.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/ide-helpers.h"

#define MiB (1024 * 1024)
#define CHAIN_SIZE (8 * MiB)
#define CRASH_SIZE (16 * MiB)
#define CRASH_ROUNDS 24

static bool have_qemu_img(void)
{
	g_autofree char *p = g_find_program_in_path("qemu-img");

	return p != NULL;
}

/* Run a shell command; returns its exit status (or -1), output in *out. */
static int sh(char **out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static int sh(char **out, const char *fmt, ...)
{
	g_autofree char *cmd = NULL, *so = NULL, *se = NULL;
	char *argv[] = { "/bin/sh", "-c", NULL, NULL };
	va_list ap;
	int status;

	va_start(ap, fmt);
	cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	argv[2] = cmd;
	if (!g_spawn_sync(NULL, argv, NULL, 0, NULL, NULL, &so, &se, &status, NULL))
		return -1;
	if (out)
		*out = g_strconcat(so, se, NULL);
	if (g_test_verbose() || (!WIFEXITED(status) || WEXITSTATUS(status)))
		g_test_message("$ %s\n%s%s", cmd, so, se);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void fill_random(GRand *r, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i += 4) {
		uint32_t v = g_rand_int(r);

		memcpy(buf + i, &v, MIN(4, len - i));
	}
}

static void write_file(const char *path, const void *buf, size_t len)
{
	g_assert_true(g_file_set_contents(path, buf, len, NULL));
}

static uint8_t *read_file(const char *path, size_t len)
{
	gchar *buf = NULL;
	gsize n = 0;

	g_assert_true(g_file_get_contents(path, &buf, &n, NULL));
	g_assert_cmpuint(n, ==, len);
	return (uint8_t *)buf;
}

/* ---- bus-master DMA, up to 128 sectors ---- */

static void dma_begin(struct qtest *q, bool write, uint32_t lba, unsigned nsec)
{
	ide_prd(q, 0, BUF_ADDR, nsec * 512 == 65536 ? 0 : nsec * 512, true);
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	qtest_outb(q, BM_BASE + BM_STATUS, 0x06);
	qtest_outl(q, BM_BASE + BM_PRD, PRD_ADDR);
	ide_taskfile(q, IDE0, 0xe0 | ((lba >> 24) & 0xf), 0, (uint8_t)nsec, lba);
	qtest_outb(q, IDE0 + REG_COMMAND, write ? 0xca : 0xc8);
	qtest_outb(q, BM_BASE + BM_CMD, 0x01 | (write ? 0 : 0x08));
}

static void dma_end(struct qtest *q)
{
	g_assert_cmphex(ide_bm_wait(q, BM_BASE) & 0x07, ==, 0x04);
	g_assert_cmphex(ide_wait(q, IDE0_CTL) & (ST_ERR | ST_DRQ | ST_BSY), ==, 0);
	qtest_outb(q, BM_BASE + BM_CMD, 0);
	qtest_inb(q, IDE0 + REG_STATUS);
}

static void dma_read(struct qtest *q, uint32_t lba, unsigned nsec, uint8_t *buf)
{
	dma_begin(q, false, lba, nsec);
	dma_end(q);
	qtest_memread(q, BUF_ADDR, buf, nsec * 512);
}

static void dma_write(struct qtest *q, uint32_t lba, unsigned nsec, const uint8_t *buf,
		      bool wait)
{
	qtest_memwrite(q, BUF_ADDR, buf, nsec * 512);
	dma_begin(q, true, lba, nsec);
	if (wait)
		dma_end(q);
}

static void flush_cache(struct qtest *q)
{
	g_assert_cmphex(ide_cmd28(q, IDE0, IDE0_CTL, 0, 0xe7, 0, 0) & ST_ERR, ==, 0);
}

static struct qtest *start_disk_fmt(const char *img, const char *fmt)
{
	g_autofree char *args = g_strdup_printf("-nodefaults -drive file=%s%s%s,if=ide,index=0",
						img, fmt ? ",format=" : "", fmt ? fmt : "");
	struct qtest *q = qtest_start(args);

	ide_bm_enable(q);
	return q;
}

static struct qtest *start_disk(const char *img)
{
	return start_disk_fmt(img, "qcow2");
}

static void check_device_equals(struct qtest *q, const uint8_t *want, size_t size)
{
	uint8_t *buf = g_malloc(65536);

	for (size_t off = 0; off < size; off += 65536) {
		dma_read(q, off / 512, 128, buf);
		if (memcmp(buf, want + off, 65536)) {
			for (size_t i = 0; i < 65536; i++)
				if (buf[i] != want[off + i])
					g_error("byte %zu differs: 0x%02x, want 0x%02x", off + i,
						buf[i], want[off + i]);
		}
	}
	g_free(buf);
}

/* ---- tests ---- */

/* base (4 KiB clusters, compressed) <- mid (64 KiB) <- top (2 MiB, v2) */
static char *make_chain(const char *dir, GRand *r)
{
	g_autofree char *raw = g_build_filename(dir, "src.raw", NULL);
	uint8_t *buf = g_malloc0(CHAIN_SIZE);

	/* half random, half zeros (compressible and sparse regions) */
	for (size_t off = 0; off < CHAIN_SIZE; off += 128 * 1024)
		if (g_rand_boolean(r))
			fill_random(r, buf + off, 64 * 1024 + g_rand_int_range(r, 0, 64 * 1024));
	write_file(raw, buf, CHAIN_SIZE);
	g_free(buf);
	g_assert_cmpint(sh(NULL, "cd %s && qemu-img convert -c -O qcow2 -o cluster_size=4k "
			   "src.raw base.qcow2", dir), ==, 0);
	g_assert_cmpint(sh(NULL, "cd %s && mkdir -p sub && qemu-img create -q -f qcow2 -o "
			   "cluster_size=64k -b ../base.qcow2 -F qcow2 sub/mid.qcow2 && "
			   "qemu-io -c 'write -P 0x11 100k 300k' -c 'write -z 1M 1M' "
			   "-c 'write -P 0x22 5000k 7k' sub/mid.qcow2", dir), ==, 0);
	g_assert_cmpint(sh(NULL, "cd %s && qemu-img create -q -f qcow2 -o cluster_size=2M,"
			   "compat=0.10 -b sub/mid.qcow2 -F qcow2 top.qcow2 && qemu-io "
			   "-c 'write -P 0x33 3M 4k' -c 'write -P 0x44 7M 1M' top.qcow2", dir),
			 ==, 0);
	return g_build_filename(dir, "top.qcow2", NULL);
}

static void test_read_chain(void)
{
	g_autofree char *dir = g_dir_make_tmp("kvmpc-qcow2-XXXXXX", NULL);
	g_autofree char *top = NULL, *exp = NULL;
	GRand *r = g_rand_new_with_seed(7);
	struct qtest *q;
	uint8_t *want;

	if (!have_qemu_img()) {
		g_test_skip("qemu-img not installed (apt-get install qemu-utils)");
		return;
	}
	top = make_chain(dir, r);
	exp = g_build_filename(dir, "expected.raw", NULL);
	g_assert_cmpint(sh(NULL, "qemu-img convert -O raw %s %s", top, exp), ==, 0);
	want = read_file(exp, CHAIN_SIZE);
	q = start_disk_fmt(top, NULL); /* format probed from the magic */
	check_device_equals(q, want, CHAIN_SIZE);
	qtest_quit(q);
	g_free(want);
	g_rand_free(r);
	sh(NULL, "rm -rf %s", dir);
}

static void test_write(void)
{
	g_autofree char *dir = g_dir_make_tmp("kvmpc-qcow2-XXXXXX", NULL);
	g_autofree char *top = NULL, *exp = NULL, *img = NULL, *out = NULL;
	GRand *r = g_rand_new_with_seed(11);
	uint8_t *want, buf[65536];
	struct qtest *q;

	if (!have_qemu_img()) {
		g_test_skip("qemu-img not installed (apt-get install qemu-utils)");
		return;
	}
	top = make_chain(dir, r);
	exp = g_build_filename(dir, "expected.raw", NULL);
	img = g_build_filename(dir, "w.qcow2", NULL);
	g_assert_cmpint(sh(NULL, "qemu-img convert -O raw %s %s && qemu-img create -q -f qcow2 "
			   "-o cluster_size=4k -b %s -F qcow2 %s", top, exp, top, img), ==, 0);
	want = read_file(exp, CHAIN_SIZE);
	q = start_disk(img);
	for (int i = 0; i < 60; i++) {
		unsigned nsec = g_rand_int_range(r, 1, 129);
		uint32_t lba = g_rand_int_range(r, 0, CHAIN_SIZE / 512 - nsec + 1);

		fill_random(r, buf, nsec * 512);
		dma_write(q, lba, nsec, buf, true);
		memcpy(want + (size_t)lba * 512, buf, nsec * 512);
		if (i % 10 == 9)
			flush_cache(q);
	}
	flush_cache(q);
	check_device_equals(q, want, CHAIN_SIZE);
	qtest_quit(q);
	write_file(exp, want, CHAIN_SIZE);
	g_assert_cmpint(sh(&out, "qemu-img check %s", img), ==, 0);
	g_assert_nonnull(strstr(out, "No errors were found"));
	g_assert_cmpint(sh(NULL, "qemu-img compare -f raw -F qcow2 %s %s", exp, img), ==, 0);
	g_free(want);
	g_rand_free(r);
	sh(NULL, "rm -rf %s", dir);
}

/* The VMM is the only child of this (main) thread. */
static pid_t vmm_pid(void)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/task/%d/children", getpid(), getpid());
	g_autofree char *s = NULL;

	g_assert_true(g_file_get_contents(path, &s, NULL, NULL));
	g_assert_cmpint(atoi(s), >, 0);
	return atoi(s);
}

struct crash_model {
	uint8_t *data;      /* content every later read must show (flushed) */
	bool *uncertain;    /* sectors written since the last flush */
};

static void crash_round(const char *img, GRand *r, struct crash_model *m, int round)
{
	struct qtest *q = start_disk(img);
	int batches = g_rand_int_range(r, 0, 4), pending = g_rand_int_range(r, 1, 5);
	uint8_t *buf = g_malloc(65536);

	for (int b = 0; b <= batches; b++) {
		bool last = b == batches;
		int n = last ? pending : g_rand_int_range(r, 1, 7);

		for (int i = 0; i < n; i++) {
			unsigned nsec = g_rand_int_range(r, 1, 129);
			uint32_t lba = g_rand_int_range(r, 0, CRASH_SIZE / 512 - nsec + 1);
			bool wait = !(last && i == n - 1 && g_rand_boolean(r));

			fill_random(r, buf, nsec * 512);
			dma_write(q, lba, nsec, buf, wait);
			memcpy(m->data + (size_t)lba * 512, buf, nsec * 512);
			if (last)
				for (unsigned k = 0; k < nsec; k++)
					m->uncertain[lba + k] = true;
		}
		if (!last)
			flush_cache(q);
	}
	if (g_rand_boolean(r)) {
		/* Die in the middle of a flush (its result is unknown). */
		ide_taskfile(q, IDE0, 0xe0, 0, 0, 0);
		qtest_outb(q, IDE0 + REG_COMMAND, 0xe7);
		g_usleep(g_rand_int_range(r, 0, 3000));
	}
	kill(vmm_pid(), SIGKILL);
	g_assert_cmpint(qtest_wait_exit(q), ==, -SIGKILL);
	g_free(buf);
	(void)round;
}

static void crash_verify(const char *dir, const char *img, struct crash_model *m, int round)
{
	g_autofree char *raw = g_build_filename(dir, "now.raw", NULL);
	g_autofree char *out = NULL;
	uint8_t *now;
	int rc = sh(&out, "qemu-img check %s", img);

	if (rc != 0 && rc != 3)
		g_error("round %d: qemu-img check exit %d:\n%s", round, rc, out);
	g_assert_cmpint(sh(NULL, "qemu-img convert -O raw %s %s", img, raw), ==, 0);
	now = read_file(raw, CRASH_SIZE);
	for (size_t sec = 0; sec < CRASH_SIZE / 512; sec++) {
		if (m->uncertain[sec])
			continue;
		if (memcmp(now + sec * 512, m->data + sec * 512, 512))
			g_error("round %d: flushed sector %zu lost", round, sec);
	}
	/* What the image holds now is the new baseline. */
	memcpy(m->data, now, CRASH_SIZE);
	memset(m->uncertain, 0, CRASH_SIZE / 512);
	g_free(now);
}

static void test_crash_loop(void)
{
	g_autofree char *dir = g_dir_make_tmp("kvmpc-qcow2-XXXXXX", NULL);
	g_autofree char *img = g_build_filename(dir, "crash.qcow2", NULL);
	struct crash_model m = {
		.data = g_malloc0(CRASH_SIZE), .uncertain = g_malloc0(CRASH_SIZE / 512),
	};
	GRand *r = g_rand_new_with_seed(g_test_rand_int());
	g_autofree char *out = NULL;
	const char *lk;
	int leaks = 0;

	if (!have_qemu_img()) {
		g_test_skip("qemu-img not installed (apt-get install qemu-utils)");
		return;
	}
	g_assert_cmpint(sh(NULL, "qemu-img create -q -f qcow2 -o cluster_size=4k %s %d", img,
			   CRASH_SIZE), ==, 0);
	for (int round = 0; round < CRASH_ROUNDS; round++) {
		crash_round(img, r, &m, round);
		crash_verify(dir, img, &m, round);
	}
	sh(&out, "qemu-img check %s", img);
	lk = strstr(out, "leaked clusters were found");
	if (lk) {
		while (lk > out && lk[-1] != '\n')
			lk--;
		leaks = atoi(lk);
	}
	printf("# %d kill -9 rounds: no corruption, every flushed write present, %d leaked "
	       "clusters in the end\n", CRASH_ROUNDS, leaks);
	g_free(m.data);
	g_free(m.uncertain);
	g_rand_free(r);
	sh(NULL, "rm -rf %s", dir);
}

/* snapshot=on: the guest sees its writes, the qcow2 chain is untouched. */
static void test_snapshot_on(void)
{
	g_autofree char *dir = g_dir_make_tmp("kvmpc-qcow2-XXXXXX", NULL);
	g_autofree char *top = NULL, *exp = NULL, *sum1 = NULL, *sum2 = NULL, *args = NULL;
	GRand *r = g_rand_new_with_seed(5);
	uint8_t *want, buf[65536];
	struct qtest *q;

	if (!have_qemu_img()) {
		g_test_skip("qemu-img not installed (apt-get install qemu-utils)");
		return;
	}
	top = make_chain(dir, r);
	exp = g_build_filename(dir, "expected.raw", NULL);
	g_assert_cmpint(sh(NULL, "qemu-img convert -O raw %s %s", top, exp), ==, 0);
	g_assert_cmpint(sh(&sum1, "cd %s && md5sum top.qcow2 sub/mid.qcow2 base.qcow2", dir),
			==, 0);
	want = read_file(exp, CHAIN_SIZE);
	args = g_strdup_printf("-nodefaults -drive file=%s,format=qcow2,if=ide,index=0,"
			       "snapshot=on", top);
	q = qtest_start(args);
	ide_bm_enable(q);
	for (int i = 0; i < 20; i++) {
		uint32_t lba = g_rand_int_range(r, 0, CHAIN_SIZE / 512 - 128);

		fill_random(r, buf, sizeof(buf));
		dma_write(q, lba, 128, buf, true);
		memcpy(want + (size_t)lba * 512, buf, sizeof(buf));
	}
	flush_cache(q);
	check_device_equals(q, want, CHAIN_SIZE);
	qtest_quit(q);
	g_assert_cmpint(sh(&sum2, "cd %s && md5sum top.qcow2 sub/mid.qcow2 base.qcow2", dir),
			==, 0);
	g_assert_cmpstr(sum1, ==, sum2);
	g_free(want);
	g_rand_free(r);
	sh(NULL, "rm -rf %s", dir);
}

/* A writable qcow2 in use is locked against other writers, as in QEMU. */
static void test_locking(void)
{
	g_autofree char *dir = g_dir_make_tmp("kvmpc-qcow2-XXXXXX", NULL);
	g_autofree char *img = g_build_filename(dir, "l.qcow2", NULL);
	g_autofree char *out = NULL, *out2 = NULL;
	struct qtest *q;

	if (!have_qemu_img()) {
		g_test_skip("qemu-img not installed (apt-get install qemu-utils)");
		return;
	}
	g_assert_cmpint(sh(NULL, "qemu-img create -q -f qcow2 %s 16M", img), ==, 0);
	q = start_disk(img);
	g_assert_cmpint(sh(&out, "qemu-io -c 'write 0 4k' %s", img), !=, 0);
	g_assert_nonnull(strstr(out, "lock"));
	if (g_file_test("./kvmpc-img", G_FILE_TEST_IS_EXECUTABLE)) {
		g_assert_cmpint(sh(&out2, "./kvmpc-img bench -w -c 1 %s", img), !=, 0);
		g_assert_nonnull(strstr(out2, "lock"));
	}
	qtest_quit(q);
	g_assert_cmpint(sh(NULL, "qemu-io -c 'write 0 4k' %s", img), ==, 0);
	sh(NULL, "rm -rf %s", dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/qcow2/read-chain", test_read_chain);
	g_test_add_func("/qcow2/write", test_write);
	g_test_add_func("/qcow2/snapshot-on", test_snapshot_on);
	g_test_add_func("/qcow2/locking", test_locking);
	g_test_add_func("/qcow2/crash-loop", test_crash_loop);
	return g_test_run();
}
