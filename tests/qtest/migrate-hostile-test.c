// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A hostile machine state stream (docs/migration-stream.md) against the
 * real loader: one kvmpc started with -incoming defer is fed, through QMP
 * migrate-incoming, a saved stream of the every-device machine
 * (tests/qtest/migrate-devices.h) with
 *  - 200 single-bit flips (most in the header and state sections, the
 *    rest anywhere; flips inside RAM through exec:cat, which checks RAM):
 *    each refused with an error reply, kvmpc still alive;
 *  - truncations at every section boundary, one byte either side and at
 *    random points (exec:head -c N): each refused;
 *  - 60 mutations of device-table payloads with the section CRC fixed up,
 *    so the bytes reach the devices' tables and post_load hooks: loaded or
 *    refused, either way no crash, and a loaded machine survives every
 *    register of every class being read (a new kvmpc after each load);
 *  - a byte changed in the RAM block of a file: stream loads (RAM is
 *    mapped, not checksummed) and the guest reads it; its writes stay
 *    private;
 *  - finally the intact stream, which must load.
 * The mutations come from GLib's test seed, printed at the start (rerun
 * one with --seed).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <zlib.h>
#include "tests/qtest/migrate-devices.h"

#define FLIPS 200
#define CRC_MUTATIONS 60

static char *tmp, *args, *state, *work;
static GByteArray *orig;
static GArray *bounds;   /* offset of every section header (and the stream end) */
static gsize state_end;  /* first RAM section header */
static GArray *ram_payloads; /* (start, length) pairs of the RAM blocks' bytes */

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Walk the intact stream's sections, remembering where each starts. */
static void index_stream(void)
{
	gsize pos = 20 + le(orig->data + 12, 4);

	bounds = g_array_new(FALSE, FALSE, sizeof(gsize));
	ram_payloads = g_array_new(FALSE, FALSE, sizeof(gsize));
	g_array_append_val(bounds, pos);
	while (pos + 32 <= orig->len) {
		uint32_t kind = le(orig->data + pos + 4, 4);
		if (kind == 3 && !state_end)
			state_end = pos;
		if (kind == 3) {
			gsize r[2] = { pos + 32 + le(orig->data + pos + 20, 4),
				       le(orig->data + pos + 24, 8) };
			g_array_append_vals(ram_payloads, r, 2);
		}
		pos += 32 + le(orig->data + pos + 20, 4) + le(orig->data + pos + 24, 8);
		g_array_append_val(bounds, pos);
	}
	g_assert_cmpuint(pos, ==, orig->len);
	g_assert_cmpuint(state_end, >, 0);
}

static void write_work(const GByteArray *data)
{
	g_assert_true(g_file_set_contents(work, (const char *)data->data, data->len, NULL));
}

/* Rewrite n bytes at off of the work file (the rest is already there). */
static void patch_work(const uint8_t *p, gsize off, gsize n)
{
	int fd = open(work, O_WRONLY);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(pwrite(fd, p, n, off), ==, (ssize_t)n);
	close(fd);
}

/* migrate-incoming uri: NULL on success, else the error reply. */
static char *incoming(struct mig_vm *vm, const char *uri)
{
	g_autofree char *cmd = g_strdup_printf(
		"{\"execute\": \"migrate-incoming\", \"arguments\": {\"uri\": \"%s\"}}", uri);
	char *r = mig_qmp(vm, cmd);

	if (!strcmp(r, "{\"return\": {}}")) {
		g_free(r);
		return NULL;
	}
	g_assert_nonnull(strstr(r, "\"error\""));
	return r;
}

static void alive(struct mig_vm *vm)
{
	g_assert_cmpstr(qtest_cmd(vm->q, "endianness"), ==, "OK little");
}

static void refused(struct mig_vm *vm, const char *uri, const char *what)
{
	g_autofree char *r = incoming(vm, uri);

	if (!r)
		g_error("%s: the loader accepted a damaged stream", what);
	g_assert_nonnull(strstr(r, "incoming migration"));
	alive(vm);
}

static bool in_ram(gsize at)
{
	for (guint i = 0; i < ram_payloads->len; i += 2) {
		gsize start = g_array_index(ram_payloads, gsize, i);
		if (at >= start && at - start < g_array_index(ram_payloads, gsize, i + 1))
			return true;
	}
	return false;
}

/*
 * file: maps RAM blocks without checksumming them (guest data), so a flip
 * inside one goes through exec:cat, where the loader reads and checks it.
 */
static void test_bit_flips(void)
{
	/* exec:cat starts a program: the sandbox must allow it (core/sandbox.h) */
	struct mig_vm *vm = mig_start(args, "-incoming defer -sandbox on,spawn=allow");
	g_autofree char *file_uri = g_strdup_printf("file:%s", work);
	g_autofree char *pipe_uri = g_strdup_printf("exec:cat %s", work);
	GByteArray *m = g_byte_array_new();

	g_byte_array_append(m, orig->data, orig->len);
	write_work(m);
	for (int i = 0; i < FLIPS; i++) {
		gsize at = i % 4 == 3 ? g_test_rand_int_range(0, orig->len) :
					g_test_rand_int_range(0, state_end + 64);
		int bit = g_test_rand_int_range(0, 8);
		g_autofree char *what = g_strdup_printf("bit %d of byte %zu", bit, at);

		m->data[at] ^= 1 << bit;
		patch_work(m->data + at, at, 1);
		refused(vm, in_ram(at) ? pipe_uri : file_uri, what);
		m->data[at] ^= 1 << bit;
		patch_work(m->data + at, at, 1);
	}
	g_byte_array_free(m, TRUE);
	mig_stop(vm);
}

static void test_truncations(void)
{
	/* exec: starts programs: the sandbox must allow it (core/sandbox.h) */
	struct mig_vm *vm = mig_start(args, "-incoming defer -sandbox on,spawn=allow");
	GArray *cuts = g_array_new(FALSE, FALSE, sizeof(gsize));
	gsize c;

	for (guint i = 0; i < bounds->len; i++) {
		for (int d = -1; d <= 1; d++) {
			c = g_array_index(bounds, gsize, i) + d;
			if (c < orig->len)
				g_array_append_val(cuts, c);
		}
	}
	for (int i = 0; i < 30; i++) {
		c = g_test_rand_int_range(0, orig->len);
		g_array_append_val(cuts, c);
	}
	for (c = 0; c < 40; c++)
		g_array_append_val(cuts, c);
	for (guint i = 0; i < cuts->len; i++) {
		gsize n = g_array_index(cuts, gsize, i);
		g_autofree char *uri = g_strdup_printf("exec:head -c %zu %s", n, state);
		g_autofree char *what = g_strdup_printf("cut at %zu", n);
		refused(vm, uri, what);
	}
	g_test_message("%u truncations refused", cuts->len);
	g_array_free(cuts, TRUE);
	mig_stop(vm);
}

/* Mutate one device payload, fix its CRC: the devices see hostile tables. */
static void test_crc_fixed(void)
{
	g_autofree char *uri = g_strdup_printf("file:%s", work);
	struct mig_vm *vm = mig_start(args, "-incoming defer");
	unsigned loaded = 0;

	write_work(orig);

	for (int i = 0; i < CRC_MUTATIONS; i++) {
		GByteArray *m = g_byte_array_new();
		gsize sec, len, at;
		g_autofree char *r = NULL;

		g_byte_array_append(m, orig->data, orig->len);
		do {
			sec = g_array_index(bounds, gsize,
					    g_test_rand_int_range(0, bounds->len - 1));
			len = le(m->data + sec + 24, 8);
		} while (le(m->data + sec + 4, 4) != 2 || len == 0);
		for (int k = g_test_rand_int_range(1, 9); k > 0; k--) {
			at = sec + 32 + g_test_rand_int_range(0, len);
			m->data[at] = g_test_rand_bit() ? g_test_rand_int_range(0, 256) :
							  m->data[at] ^ (1 << g_test_rand_int_range(0, 8));
		}
		uint32_t crc = crc32(0, m->data + sec + 32, len);
		for (int b = 0; b < 4; b++)
			m->data[sec + 16 + b] = crc >> (8 * b);
		patch_work(m->data + sec, sec, 32 + len);
		g_byte_array_free(m, TRUE);
		r = incoming(vm, uri);
		patch_work(orig->data + sec, sec, 32 + len);
		if (r) {
			alive(vm);
			continue;
		}
		loaded++;
		mig_probe_no_io = true;
		g_string_free(mig_probe(vm->q), TRUE);
		alive(vm);
		mig_stop(vm);
		vm = mig_start(args, "-incoming defer");
	}
	g_test_message("%u of %d CRC-fixed mutations loaded, every register read after",
		       loaded, CRC_MUTATIONS);
	mig_stop(vm);
}

/* A changed byte of the guest RAM block in a file: shows up in the guest. */
static void test_ram_mapped(void)
{
	g_autofree char *uri = g_strdup_printf("file:%s", work);
	struct mig_vm *vm = mig_start(args, "-incoming defer");
	gsize at = g_array_index(ram_payloads, gsize, 0) + 0x7000;
	uint8_t b = orig->data[at] ^ 0x5a;
	g_autofree char *r = NULL;

	write_work(orig);
	patch_work(&b, at, 1);
	r = incoming(vm, uri);
	g_assert_null(r);
	g_assert_cmpuint(qtest_readb(vm->q, 0x7000), ==, b);
	qtest_writeb(vm->q, 0x7000, 0x11);   /* private: the file keeps its byte */
	g_assert_cmpuint(qtest_readb(vm->q, 0x7000), ==, 0x11);
	mig_stop(vm);
	g_autofree char *data = NULL;
	gsize len;
	g_assert_true(g_file_get_contents(work, &data, &len, NULL));
	g_assert_cmpuint((uint8_t)data[at], ==, b);
}

static void test_intact(void)
{
	g_autofree char *uri = g_strdup_printf("file:%s", state);
	struct mig_vm *vm = mig_start(args, "-incoming defer");
	g_autofree char *r = incoming(vm, uri);

	g_assert_null(r);
	alive(vm);
	mig_stop(vm);
}

static void save_stream(void)
{
	g_autofree char *s_args = NULL, *uri = NULL, *r = NULL, *data = NULL;
	struct mig_vm *src;
	gsize len;

	uri = g_strdup_printf("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"file:%s\"}}",
			      state);
	src = mig_start(args, NULL);
	mig_program(src->q);
	r = mig_qmp(src, uri);
	g_assert_cmpstr(r, ==, "{\"return\": {}}");
	mig_stop(src);
	g_assert_true(g_file_get_contents(state, &data, &len, NULL));
	orig = g_byte_array_new();
	g_byte_array_append(orig, (const guint8 *)data, len);
	index_stream();
}

int main(int argc, char **argv)
{
	const char *bin = getenv("QTEST_BINARY");
	g_autofree char *rm = NULL, *img = NULL;
	int ret;

	g_test_init(&argc, &argv, NULL);
	if (bin && strstr(bin, "qemu-system")) {
		printf("1..0 # SKIP kvmpc's migration stream only\n");
		return 0;
	}
	tmp = g_dir_make_tmp("kvmpc-mighostile-XXXXXX", NULL);
	g_assert_nonnull(tmp);
	for (int i = 0; i < 2; i++) {
		img = g_build_filename(tmp, i ? "vdisk.img" : "disk.img", NULL);
		g_assert_true(g_file_set_contents(img, "", 0, NULL));
		g_assert_cmpint(truncate(img, 1 << 20), ==, 0);
		g_free(img);
		img = NULL;
	}
	args = g_strdup_printf(MIG_MACHINE_FMT, tmp, tmp);
	state = g_build_filename(tmp, "state", NULL);
	work = g_build_filename(tmp, "mutated", NULL);
	save_stream();
	g_test_add_func("/migrate-hostile/bit-flips", test_bit_flips);
	g_test_add_func("/migrate-hostile/truncations", test_truncations);
	g_test_add_func("/migrate-hostile/crc-fixed-device-tables", test_crc_fixed);
	g_test_add_func("/migrate-hostile/ram-mapped", test_ram_mapped);
	g_test_add_func("/migrate-hostile/intact", test_intact);
	ret = g_test_run();
	rm = g_strdup_printf("rm -rf '%s'", tmp);
	if (system(rm) != 0)
		ret = 1;
	return ret;
}
