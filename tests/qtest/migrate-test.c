// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Machine state round trip (docs/migration-stream.md), kvmpc under qtest:
 * every device class is programmed (tests/qtest/migrate-devices.h), QMP
 * "migrate" writes the stream to file: or exec:, a second kvmpc loads it
 * with -incoming file:PATH or -incoming defer + migrate-incoming exec:,
 * and the guest-visible registers of every class read the same on both
 * (while a fresh machine reads differently, so the probe sees the state).
 * With -incoming defer -S the target says "inmigrate", a cont before the
 * load and a failed load leave it waiting, and it runs once loaded.
 * The stream's header must list exactly the device classes the probes
 * cover.  Also: a machine of another configuration refuses the stream
 * with a one-line error naming the difference, and a migrate that cannot
 * write leaves the source running.  kvmpc only (QEMU's stream differs).
 */
#include <stdlib.h>
#include <sys/stat.h>
#include "tests/qtest/migrate-devices.h"

static char *tmp;

static char *machine_args(const char *side)
{
	g_autofree char *dir = g_build_filename(tmp, side, NULL);
	uint8_t sector[512];
	FILE *f;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	for (int img = 0; img < 2; img++) {
		g_autofree char *path = g_build_filename(dir, img ? "vdisk.img" : "disk.img", NULL);
		f = fopen(path, "wb");
		g_assert_nonnull(f);
		for (int s = 0; s < 2048; s++) {
			for (int i = 0; i < 512; i++)
				sector[i] = (s * 31 + i * 7 + img) & 0xff;
			g_assert_cmpuint(fwrite(sector, 1, 512, f), ==, 512);
		}
		fclose(f);
	}
	return g_strdup_printf(MIG_MACHINE_FMT, dir, dir);
}

/* Equal line for line; on a difference show the first one. */
static void assert_same(GString *a, GString *b)
{
	g_auto(GStrv) la = g_strsplit(a->str, "\n", -1);
	g_auto(GStrv) lb = g_strsplit(b->str, "\n", -1);

	for (int i = 0; la[i] || lb[i]; i++)
		g_assert_cmpstr(la[i], ==, lb[i]);
}

static unsigned count_lines(GString *a)
{
	unsigned n = 0;

	for (const char *p = a->str; *p; p++)
		n += *p == '\n';
	return n;
}

static unsigned count_diff(GString *a, GString *b)
{
	g_auto(GStrv) la = g_strsplit(a->str, "\n", -1);
	g_auto(GStrv) lb = g_strsplit(b->str, "\n", -1);
	unsigned n = 0;

	for (int i = 0; la[i] && lb[i]; i++)
		n += strcmp(la[i], lb[i]) != 0;
	return n;
}

static void migrate_ok(struct mig_vm *vm, const char *uri)
{
	g_autofree char *cmd = g_strdup_printf(
		"{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"%s\"}}", uri);
	g_autofree char *r = mig_qmp(vm, cmd);
	g_autofree char *st = NULL;

	g_assert_cmpstr(r, ==, "{\"return\": {}}");
	st = mig_qmp(vm, "{\"execute\": \"query-migrate\"}");
	g_assert_nonnull(strstr(st, "\"status\": \"completed\""));
}

/* A little-endian number at *pos of data (len bytes), advancing *pos. */
static uint64_t le(const char *data, gsize len, gsize *pos, unsigned n)
{
	uint64_t v = 0;

	g_assert_cmpuint(*pos + n, <=, len);
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)(uint8_t)data[*pos + i] << (8 * i);
	*pos += n;
	return v;
}

static char *str(const char *data, gsize len, gsize *pos)
{
	unsigned n = le(data, len, pos, 2);

	g_assert_cmpuint(*pos + n, <=, len);
	*pos += n;
	return g_strndup(data + *pos - n, n);
}

/* The device classes named in the stream's header (docs/migration-stream.md). */
static GPtrArray *stream_classes(const char *path)
{
	g_autofree char *data = NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	gsize len, pos = 32;
	uint32_t n;

	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	g_assert_cmpmem(data, 8, "KVMPC-SV", 8);
	n = le(data, len, &pos, 4);
	for (uint32_t i = 0; i < n; i++) {   /* machine sections: name, version */
		g_free(str(data, len, &pos));
		le(data, len, &pos, 4);
	}
	n = le(data, len, &pos, 4);
	for (uint32_t i = 0; i < n; i++) {   /* devices: class, id, version */
		g_ptr_array_add(out, str(data, len, &pos));
		g_free(str(data, len, &pos));
		le(data, len, &pos, 4);
	}
	return out;
}

static void check_classes(const char *path)
{
	g_autoptr(GPtrArray) got = stream_classes(path);

	for (unsigned i = 0; i < got->len; i++)
		g_assert_true(g_strv_contains(mig_classes, got->pdata[i]));
	for (int i = 0; mig_classes[i]; i++) {
		bool seen = false;
		for (unsigned j = 0; j < got->len; j++)
			seen |= !strcmp(got->pdata[j], mig_classes[i]);
		if (!seen)
			g_test_message("class %s missing from the stream", mig_classes[i]);
		g_assert_true(seen);
	}
}

static void test_file_roundtrip(void)
{
	g_autofree char *src_args = machine_args("src1"), *dst_args = machine_args("dst1");
	g_autofree char *fresh_args = machine_args("fresh1");
	g_autofree char *state = g_build_filename(tmp, "state1", NULL);
	g_autofree char *inc = g_strdup_printf("-incoming file:%s", state);
	struct mig_vm *src = mig_start(src_args, NULL), *dst, *fresh;
	GString *a, *b, *c;

	mig_program(src->q);
	g_autofree char *uri = g_strdup_printf("file:%s", state);
	migrate_ok(src, uri);
	check_classes(state);
	dst = mig_start(dst_args, inc);
	a = mig_probe(src->q);
	b = mig_probe(dst->q);
	g_test_message("%u guest-visible values compared", count_lines(a));
	assert_same(a, b);
	fresh = mig_start(fresh_args, NULL);
	c = mig_probe(fresh->q);
	g_assert_cmpuint(count_diff(a, c), >, 200);
	g_string_free(a, TRUE);
	g_string_free(b, TRUE);
	g_string_free(c, TRUE);
	mig_stop(fresh);
	mig_stop(dst);
	mig_stop(src);
}

/* The default sandbox refuses exec: with an error; kvmpc goes on. */
static void test_exec_sandboxed(void)
{
	g_autofree char *args = machine_args("src4");
	struct mig_vm *vm = mig_start(args, NULL);
	g_autofree char *r = mig_qmp(vm, "{\"execute\": \"migrate\", \"arguments\": "
					 "{\"uri\": \"exec:cat > /dev/null\"}}");
	g_autofree char *st = NULL;

	g_assert_nonnull(strstr(r, "the sandbox does not let kvmpc start programs"));
	st = mig_qmp(vm, "{\"execute\": \"query-status\"}");
	g_assert_nonnull(strstr(st, "\"return\""));
	mig_stop(vm);
}

static void test_exec_defer(void)
{
	/* exec: starts programs: the sandbox must allow it (core/sandbox.h) */
	g_autofree char *src0 = machine_args("src2"), *dst0 = machine_args("dst2");
	g_autofree char *src_args = g_strconcat(src0, " -sandbox on,spawn=allow", NULL);
	g_autofree char *dst_args = g_strconcat(dst0, " -sandbox on,spawn=allow", NULL);
	g_autofree char *state = g_build_filename(tmp, "state2", NULL);
	g_autofree char *out = g_strdup_printf("exec:cat > %s", state);
	g_autofree char *in = g_strdup_printf(
		"{\"execute\": \"migrate-incoming\", \"arguments\": {\"uri\": \"exec:cat %s\"}}",
		state);
	struct mig_vm *src = mig_start(src_args, NULL), *dst;
	g_autofree char *r = NULL, *r2 = NULL;
	char *st;
	GString *a, *b;

	mig_program(src->q);
	migrate_ok(src, out);
	dst = mig_start(dst_args, "-incoming defer -S");
	st = mig_qmp(dst, "{\"execute\": \"query-status\"}");
	g_assert_nonnull(strstr(st, "\"inmigrate\""));
	g_free(st);
	/* cont before the load only arranges the start (despite -S) */
	st = mig_qmp(dst, "{\"execute\": \"cont\"}");
	g_free(st);
	/* a failed load leaves it waiting, still not running */
	st = mig_qmp(dst, "{\"execute\": \"migrate-incoming\", \"arguments\": "
			  "{\"uri\": \"exec:head -c 1000 /dev/zero\"}}");
	g_assert_nonnull(strstr(st, "bad magic"));
	g_free(st);
	st = mig_qmp(dst, "{\"execute\": \"query-status\"}");
	g_assert_nonnull(strstr(st, "\"inmigrate\""));
	g_free(st);
	r = mig_qmp(dst, in);
	g_assert_cmpstr(r, ==, "{\"return\": {}}");
	st = mig_qmp(dst, "{\"execute\": \"query-status\"}");
	g_assert_nonnull(strstr(st, "\"running\""));
	g_free(st);
	r2 = mig_qmp(dst, in);   /* only once */
	g_assert_nonnull(strstr(r2, "already been started"));
	a = mig_probe(src->q);
	b = mig_probe(dst->q);
	assert_same(a, b);
	g_string_free(a, TRUE);
	g_string_free(b, TRUE);
	mig_stop(dst);
	mig_stop(src);
}

/* Run a kvmpc that must refuse the stream: exit 1, one line naming why. */
static void refused(const char *args, const char *state, const char *why)
{
	g_autofree char *cmd = g_strdup_printf(
		"exec %s %s -display none -accel qtest -qtest null -incoming file:%s",
		getenv("QTEST_BINARY") ? getenv("QTEST_BINARY") : "./kvmpc", args, state);
	g_autofree char *err = NULL;
	int status = mig_run(cmd, &err);

	g_test_message("%s -> %s", cmd, err);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 1);
	g_assert_nonnull(strstr(err, why));
	g_assert_nonnull(strchr(err, '\n'));
	g_assert_null(strchr(strchr(err, '\n') + 1, '\n'));
}

static void test_mismatch(void)
{
	g_autofree char *src_args = machine_args("src3"), *dst_args = machine_args("dst3");
	g_autofree char *state = g_build_filename(tmp, "state3", NULL);
	g_autofree char *uri = g_strdup_printf("file:%s", state);
	g_autofree char *more_ram = NULL, *fewer = NULL, *extra = NULL, *r = NULL;
	g_autofree char *hmp_cmd = NULL, *hmp_state = NULL, *hmp_data = NULL;
	struct mig_vm *src = mig_start(src_args, NULL);

	/* a target that cannot be written: error, the source still answers */
	r = mig_qmp(src, "{\"execute\": \"migrate\", \"arguments\": "
			 "{\"uri\": \"file:/nonexistent-dir/state\"}}");
	g_assert_nonnull(strstr(r, "\"error\""));
	g_free(r);
	r = mig_qmp(src, "{\"execute\": \"query-migrate\"}");
	g_assert_nonnull(strstr(r, "\"failed\""));
	g_free(r);
	r = mig_qmp(src, "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"rdma:1.2.3.4:5\"}}");
	g_assert_nonnull(strstr(r, "not supported"));
	g_free(r);
	/* nobody listens on port 1: refused, the source still answers */
	r = mig_qmp(src, "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:127.0.0.1:1\"}}");
	g_assert_nonnull(strstr(r, "cannot connect"));
	migrate_ok(src, uri);
	/* the human monitor: info migrate, migrate [-d] URI */
	g_free(r);
	r = mig_qmp(src, "{\"execute\": \"human-monitor-command\", \"arguments\": "
			 "{\"command-line\": \"info migrate\"}}");
	g_assert_nonnull(strstr(r, "Migration status: completed"));
	g_free(r);
	hmp_cmd = g_strdup_printf("{\"execute\": \"human-monitor-command\", \"arguments\": "
				  "{\"command-line\": \"migrate -d file:%s.hmp\"}}", state);
	r = mig_qmp(src, hmp_cmd);
	g_assert_cmpstr(r, ==, "{\"return\": \"\"}");
	hmp_state = g_strdup_printf("%s.hmp", state);
	g_assert_true(g_file_get_contents(hmp_state, &hmp_data, NULL, NULL));
	g_assert_cmpmem(hmp_data, 8, "KVMPC-SV", 8);
	mig_stop(src);

	more_ram = g_strdup(dst_args);
	more_ram = g_strjoin(" ", more_ram, "-m 64", NULL);
	refused(more_ram, state, "RAM size");
	fewer = g_strdup_printf("%s", dst_args);
	*strstr(fewer, "-device virtio-balloon-pci") = 0;
	refused(fewer, state, "number of devices");
	extra = g_strdup_printf("%s -device virtio-rng-pci", dst_args);
	refused(extra, state, "number of devices");
	refused(dst_args, "/nonexistent-dir/state", "No such file");
	refused(dst_args, "/dev/null", "truncated");
}

int main(int argc, char **argv)
{
	const char *bin = getenv("QTEST_BINARY");
	int ret;

	g_test_init(&argc, &argv, NULL);
	if (bin && strstr(bin, "qemu-system")) {
		printf("1..0 # SKIP kvmpc's migration stream only\n");
		return 0;
	}
	tmp = g_dir_make_tmp("kvmpc-migrate-XXXXXX", NULL);
	g_assert_nonnull(tmp);
	g_test_add_func("/migrate/file-roundtrip", test_file_roundtrip);
	g_test_add_func("/migrate/exec-defer", test_exec_defer);
	g_test_add_func("/migrate/exec-sandboxed", test_exec_sandboxed);
	g_test_add_func("/migrate/mismatch", test_mismatch);
	ret = g_test_run();
	g_autofree char *rm = g_strdup_printf("rm -rf '%s'", tmp);
	if (system(rm) != 0)
		ret = 1;
	return ret;
}
