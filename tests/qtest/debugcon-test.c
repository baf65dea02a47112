// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * isa-debugcon and isa-debug-exit through qtest: bytes written to 0x402
 * (SeaBIOS' log port) and to 0xe9 (-debugcon) land in a file chardev, reads
 * return the readback value SeaBIOS checks for (0xe9), and a write to the
 * exit port ends the VMM with status (V << 1) | 1.  Runs against QEMU too.
 */
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "tests/lib/libqtest.h"

static char *tmp_path(const char *name)
{
	g_autofree char *dir = g_dir_make_tmp("kvmpc-debugcon-XXXXXX", NULL);

	g_assert(dir);
	return g_build_filename(dir, name, NULL);
}

static void rm_tmp(char *path)
{
	g_autofree char *dir = g_path_get_dirname(path);

	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
}

static void out_str(struct qtest *q, uint16_t port, const char *s)
{
	for (; *s; s++)
		qtest_outb(q, port, *s);
}

static void assert_file(const char *path, const char *want)
{
	g_autofree char *got = NULL;

	g_assert_true(g_file_get_contents(path, &got, NULL, NULL));
	g_assert_cmpstr(got, ==, want);
}

static void test_seabios_port(void)
{
	char *path = tmp_path("seabios.log");
	g_autofree char *args = g_strdup_printf(
		"-nodefaults -chardev file,id=d0,path=%s "
		"-device isa-debugcon,iobase=0x402,chardev=d0", path);
	struct qtest *q = qtest_start(args);

	out_str(q, 0x402, "SeaBIOS (version test)\n");
	/* SeaBIOS keeps logging only if the port reads back 0xe9. */
	g_assert_cmphex(qtest_inb(q, 0x402), ==, 0xe9);
	out_str(q, 0x402, "BUILD: ok\n");
	/* Nothing next to it: the port is one byte wide. */
	g_assert_cmphex(qtest_inb(q, 0x403), ==, 0xff);
	assert_file(path, "SeaBIOS (version test)\nBUILD: ok\n");
	qtest_quit(q);
	rm_tmp(path);
}

static void test_legacy_option(void)
{
	char *path = tmp_path("e9.log");
	g_autofree char *args = g_strdup_printf("-nodefaults -debugcon file:%s", path);
	struct qtest *q = qtest_start(args);

	out_str(q, 0xe9, "abc");
	g_assert_cmphex(qtest_inb(q, 0xe9), ==, 0xe9);
	assert_file(path, "abc");
	qtest_quit(q);
	rm_tmp(path);
}

static void test_readback(void)
{
	struct qtest *q = qtest_start("-nodefaults -chardev null,id=d0 "
				      "-device isa-debugcon,iobase=0x402,chardev=d0,readback=0x42");

	g_assert_cmphex(qtest_inb(q, 0x402), ==, 0x42);
	qtest_quit(q);
}

static void test_exit_status(void)
{
	struct qtest *q = qtest_start("-nodefaults -device isa-debug-exit,iobase=0xf4,iosize=4");

	g_assert_cmphex(qtest_inb(q, 0xf4), ==, 0x00);
	qtest_send_only(q, "outb 0xf4 0x10");
	g_assert_cmpint(qtest_wait_exit(q), ==, 0x21);
}

static void test_exit_defaults(void)
{
	/* 0x501, two ports; a wide write counts with its whole value */
	struct qtest *q = qtest_start("-nodefaults -device isa-debug-exit");

	qtest_send_only(q, "outw 0x501 0x0002");
	g_assert_cmpint(qtest_wait_exit(q), ==, 5);
}

static void test_exit_zero(void)
{
	struct qtest *q = qtest_start("-nodefaults -device isa-debug-exit,iobase=0xf4,iosize=1");

	qtest_send_only(q, "outb 0xf4 0x0");
	g_assert_cmpint(qtest_wait_exit(q), ==, 1);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/debugcon/seabios-port", test_seabios_port);
	g_test_add_func("/debugcon/legacy-option", test_legacy_option);
	g_test_add_func("/debugcon/readback", test_readback);
	g_test_add_func("/debug-exit/status", test_exit_status);
	g_test_add_func("/debug-exit/defaults", test_exit_defaults);
	g_test_add_func("/debug-exit/zero", test_exit_zero);
	return g_test_run();
}
