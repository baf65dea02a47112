// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Devices find their backends by id: every -drive, -netdev and -chardev is
 * created before any device, and a -device naming one looks it up.  A name
 * that does not exist, or a backend another device already holds, ends the
 * VMM with exit status 1 and QEMU's one-line error, which this test checks
 * word for word (the owning type in "Property 'TYPE.prop'" is QEMU's
 * internal name under QEMU and the -device name under kvmpc, so only that
 * part may differ).  Runs against QEMU too (QTEST_BINARY).
 */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <glib.h>
#include <glib/gstdio.h>

static const char *binary(void)
{
	const char *b = g_getenv("QTEST_BINARY");

	return b && *b ? b : "./kvmpc";
}

static bool is_qemu(void)
{
	return strstr(binary(), "qemu") != NULL;
}

/* Run the VMM with args (space-separated); return stderr, exit status in *rc. */
static char *run(const char *args, int *rc)
{
	/* QEMU 7.2 here has no qtest accelerator; -S keeps its vCPU still */
	g_autofree char *cmd = g_strdup_printf("timeout 20 %s -nodefaults -display none %s %s",
					       binary(), is_qemu() ? "-machine pc,accel=tcg -S" :
					       "-accel qtest -qtest null -S", args);
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) err = NULL;
	char *errs = NULL;
	int status = -1;

	g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, &err));
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
			  NULL, NULL, NULL, &errs, &status, &err))
		g_error("spawn %s: %s", binary(), err->message);
	*rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return errs;
}

/*
 * One stderr line "PROG: OPTION: MESSAGE" with exit status 1.  In message,
 * '@' stands for the property's owning type (it differs, see above).
 */
static void refused(const char *args, const char *option, const char *message,
		    const char *owner)
{
	g_autofree char *errs = NULL, *want = NULL;
	g_auto(GStrv) parts = g_strsplit(message, "@", 2);
	int rc;

	errs = run(args, &rc);
	g_test_message("%s -> %s", args, errs);
	g_assert_cmpint(rc, ==, 1);
	want = g_strjoin("", is_qemu() ? "qemu-system-x86_64" : "kvmpc", ": ",
			 option, ": ", parts[0], parts[1] ? owner : "", parts[1] ? parts[1] : "",
			 "\n", NULL);
	g_assert_cmpstr(errs, ==, want);
}

static char *image(void)
{
	g_autofree char *dir = g_dir_make_tmp("kvmpc-lookup-XXXXXX", NULL);
	char *path = g_build_filename(dir, "disk.img", NULL);

	g_assert_true(g_file_set_contents(path, "", 0, NULL));
	g_assert_cmpint(truncate(path, 1 << 20), ==, 0);
	return path;
}

static void drop_image(char *path)
{
	g_autofree char *dir = g_path_get_dirname(path);

	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
}

static void test_missing(void)
{
	bool q = is_qemu();

	refused("-device ide-hd,drive=nope", "-device ide-hd,drive=nope",
		"Property '@.drive' can't find value 'nope'", "ide-hd");
	refused("-device virtio-blk-pci,drive=nope", "-device virtio-blk-pci,drive=nope",
		"Property '@.drive' can't find value 'nope'",
		q ? "virtio-blk-device" : "virtio-blk-pci");
	refused("-device virtio-net-pci,netdev=nope", "-device virtio-net-pci,netdev=nope",
		"Property '@.netdev' can't find value 'nope'",
		q ? "virtio-net-device" : "virtio-net-pci");
	refused("-device isa-serial,chardev=nope", "-device isa-serial,chardev=nope",
		"Property '@.chardev' can't find value 'nope'", q ? "serial" : "isa-serial");
	refused("-device isa-debugcon,chardev=nope", "-device isa-debugcon,chardev=nope",
		"Property '@.chardev' can't find value 'nope'", "isa-debugcon");
}

static void test_in_use(void)
{
	char *img = image();
	g_autofree char *none = g_strdup_printf("-drive if=none,id=d0,file=%s,format=raw", img);
	g_autofree char *ide = g_strdup_printf("-drive if=ide,id=d0,file=%s,format=raw", img);
	g_autofree char *a = g_strdup_printf("%s -device ide-hd,drive=d0 "
					     "-device virtio-blk-pci,drive=d0", none);
	g_autofree char *b = g_strdup_printf("%s -device virtio-blk-pci,drive=d0", ide);
	bool q = is_qemu();

	refused(a, "-device virtio-blk-pci,drive=d0",
		"Drive 'd0' is already in use by another device", NULL);
	refused(b, "-device virtio-blk-pci,drive=d0",
		"Drive 'd0' is already in use because it has been automatically connected "
		"to another device (did you need 'if=none' in the drive options?)", NULL);
	refused("-netdev user,id=n0 -device virtio-net-pci,netdev=n0 "
		"-device virtio-net-pci,netdev=n0", "-device virtio-net-pci,netdev=n0",
		"Property '@.netdev' can't take value 'n0', it's in use",
		q ? "virtio-net-device" : "virtio-net-pci");
	refused("-chardev null,id=c0 -device isa-debugcon,chardev=c0 "
		"-device isa-serial,chardev=c0", "-device isa-serial,chardev=c0",
		"Property '@.chardev' can't take value 'c0': Device 'c0' is in use",
		q ? "serial" : "isa-serial");
	/* -serial's chardev is serial0, held by the board's first UART */
	refused("-serial null -device isa-serial,chardev=serial0",
		"-device isa-serial,chardev=serial0",
		"Property '@.chardev' can't take value 'serial0': Device 'serial0' is in use",
		q ? "serial" : "isa-serial");
	drop_image(img);
}

/* Backends the board or a monitor took under QEMU's default ids. */
static void test_default_ids(void)
{
	char *img = image();
	g_autofree char *a = g_strdup_printf("-drive if=ide,file=%s,format=raw "
					     "-device ide-hd,drive=ide0-hd0", img);
	bool q = is_qemu();

	refused(a, "-device ide-hd,drive=ide0-hd0",
		"Drive 'ide0-hd0' is already in use because it has been automatically connected "
		"to another device (did you need 'if=none' in the drive options?)", NULL);
	/* monitors are set up before devices and keep their chardev */
	refused("-chardev null,id=c0 -mon chardev=c0 -device isa-serial,chardev=c0",
		"-device isa-serial,chardev=c0",
		"Property '@.chardev' can't take value 'c0': Device 'c0' is in use",
		q ? "serial" : "isa-serial");
	refused("-monitor null -device isa-serial,chardev=compat_monitor0",
		"-device isa-serial,chardev=compat_monitor0",
		"Property '@.chardev' can't take value 'compat_monitor0': "
		"Device 'compat_monitor0' is in use", q ? "serial" : "isa-serial");
	drop_image(img);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/backend-lookup/missing", test_missing);
	g_test_add_func("/backend-lookup/in-use", test_in_use);
	g_test_add_func("/backend-lookup/default-ids", test_default_ids);
	return g_test_run();
}
