// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CD media change on an AHCI port (ide-cd on ahci0.1), driven by QMP while
 * qtest plays the guest's driver: after blockdev-change-medium the CD
 * answers TEST UNIT READY with NOT READY / medium not present (3a), then
 * UNIT ATTENTION / medium changed (28), then reads the new medium's bytes;
 * after eject it reports NOT READY (3a) and query-block shows the tray
 * open.  Runs against QEMU 7.2 with the same assertions.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/ahci-helpers.h"

struct vm {
	struct qtest *q;
	int fd;
	FILE *in;
	char *dir, *sock, *iso[2];
};

static char *qmp_line(struct vm *vm)
{
	char buf[16384];

	g_assert_nonnull(fgets(buf, sizeof(buf), vm->in));
	return g_strchomp(g_strdup(buf));
}

/* Send JSON, return the reply line (events are skipped). */
static char *qmp(struct vm *vm, const char *fmt, ...)
{
	g_autofree char *cmd = NULL;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	n = strlen(cmd);
	g_assert_cmpint(write(vm->fd, cmd, n), ==, (ssize_t)n);
	g_assert_cmpint(write(vm->fd, "\n", 1), ==, 1);
	for (;;) {
		char *l = qmp_line(vm);

		if (g_str_has_prefix(l, "{\"return\"") || g_str_has_prefix(l, "{\"error\""))
			return l;
		g_free(l);
	}
}

static void qmp_ok(struct vm *vm, const char *fmt, const char *arg)
{
	g_autofree char *r = qmp(vm, fmt, arg);

	if (!g_str_has_prefix(r, "{\"return\""))
		g_error("%s -> %s", fmt, r);
}

/* A 1 MiB CD image whose first block starts with "MEDIUM-<c>". */
static char *make_iso(const char *dir, char c)
{
	g_autofree char *name = g_strdup_printf("cd%c.iso", c);
	char *path = g_build_filename(dir, name, NULL);
	g_autofree char *head = g_strdup_printf("MEDIUM-%c", c);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(pwrite(fd, head, strlen(head), 0), ==, (ssize_t)strlen(head));
	g_assert_cmpint(ftruncate(fd, 1 << 20), ==, 0);
	close(fd);
	return path;
}

static struct vm *vm_start(void)
{
	struct vm *vm = g_new0(struct vm, 1);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	g_autofree char *args = NULL, *greet = NULL;

	vm->dir = g_dir_make_tmp("kvmpc-ahcim-XXXXXX", NULL);
	vm->sock = g_build_filename(vm->dir, "qmp.sock", NULL);
	vm->iso[0] = make_iso(vm->dir, 'A');
	vm->iso[1] = make_iso(vm->dir, 'B');
	args = g_strdup_printf("-nodefaults -drive if=none,id=c0,file=%s,format=raw,media=cdrom "
			       "-device ahci,id=ahci0 -device ide-cd,drive=c0,bus=ahci0.1,id=cd0 "
			       "-qmp unix:%s,server=on,wait=off", vm->iso[0], vm->sock);
	vm->q = qtest_start(args);
	strcpy(sa.sun_path, vm->sock);
	vm->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	g_assert_cmpint(connect(vm->fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	vm->in = fdopen(dup(vm->fd), "r");
	greet = qmp_line(vm);
	g_assert_nonnull(strstr(greet, "\"QMP\""));
	qmp_ok(vm, "{\"execute\": \"qmp_capabilities\"}", NULL);
	ahci_pci_enable(vm->q);
	ahci_port_start(vm->q, 1);
	return vm;
}

static void vm_stop(struct vm *vm)
{
	fclose(vm->in);
	close(vm->fd);
	qtest_quit(vm->q);
	g_unlink(vm->sock);
	for (int i = 0; i < 2; i++) {
		g_unlink(vm->iso[i]);
		g_free(vm->iso[i]);
	}
	g_rmdir(vm->dir);
	g_free(vm->sock);
	g_free(vm->dir);
	g_free(vm);
}

/* A packet command by DMA on port 1 with len bytes into AHCI_BUF; the TFD. */
static uint32_t packet(struct vm *vm, const uint8_t *cdb, uint32_t len)
{
	struct ahci_cmd c;

	memset(&c, 0, sizeof(c));
	c.fis[0] = 0x27;
	c.fis[1] = 0x80;
	c.fis[2] = 0xa0;
	c.fis[3] = 1;
	c.fis[6] = 0x80;
	c.atapi = true;
	memcpy(c.acmd, cdb, 12);
	return ahci_run(vm->q, 1, &c, len);
}

/* TEST UNIT READY: 0 when ready, else sense key << 8 | ASC. */
static unsigned tur(struct vm *vm)
{
	static const uint8_t cdb_tur[12] = { 0 };
	static const uint8_t cdb_sense[12] = { 0x03, 0, 0, 0, 18 };
	uint8_t s[18];

	if (!(packet(vm, cdb_tur, 0) & 1))
		return 0;
	g_assert_cmphex(packet(vm, cdb_sense, 18) & 1, ==, 0);
	qtest_memread(vm->q, AHCI_BUF, s, sizeof(s));
	return (s[2] & 0xf) << 8 | s[12];
}

static void read_head(struct vm *vm, char c)
{
	static const uint8_t cdb_read[12] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1 };
	char want[] = "MEDIUM-?";
	char got[sizeof(want)] = { 0 };

	want[7] = c;
	g_assert_cmphex(packet(vm, cdb_read, 2048) & 1, ==, 0);
	qtest_memread(vm->q, AHCI_BUF, got, sizeof(want) - 1);
	g_assert_cmpstr(got, ==, want);
}

static void test_change_eject(void)
{
	struct vm *vm = vm_start();
	g_autofree char *r = NULL;
	int i;

	/* Settle the power-on state (a unit attention may be pending) */
	for (i = 0; i < 4 && tur(vm); i++)
		;
	g_assert_cmpint(i, <, 4);
	read_head(vm, 'A');

	qmp_ok(vm, "{\"execute\": \"blockdev-change-medium\", \"arguments\": "
		   "{\"device\": \"c0\", \"filename\": \"%s\", \"format\": \"raw\"}}", vm->iso[1]);
	g_assert_cmphex(tur(vm), ==, 0x23a);    /* NOT READY, medium not present */
	g_assert_cmphex(tur(vm), ==, 0x628);    /* UNIT ATTENTION, medium changed */
	g_assert_cmphex(tur(vm), ==, 0);
	read_head(vm, 'B');

	qmp_ok(vm, "{\"execute\": \"eject\", \"arguments\": {\"device\": \"c0\"}}", NULL);
	g_assert_cmphex(tur(vm), ==, 0x23a);
	r = qmp(vm, "{\"execute\": \"query-block\"}");
	g_assert_nonnull(strstr(r, "\"tray_open\": true") ? r : strstr(r, "\"tray_open\":true"));
	vm_stop(vm);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ahci/media/change-eject", test_change_eject);
	return g_test_run();
}
