/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the migration tests (docs/migration-stream.md): a kvmpc under
 * qtest with a QMP socket, a tiny QMP client, and the machine with one of
 * every device class.  mig_program() sets registers of every device class
 * to values that differ from reset; mig_probe() reads the guest-visible
 * registers of every class in a fixed order into "name=value" lines.
 * Reads with side effects (FIFOs, queues, flip-flops) are fine: two
 * machines in the same state give the same lines for the same sequence.
 */
#ifndef TESTS_QTEST_MIGRATE_HELPERS_H
#define TESTS_QTEST_MIGRATE_HELPERS_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

struct mig_vm {
	struct qtest *q;
	int fd;
	FILE *in;
	char *sock;
	char *dir;
};

static inline char *mig_qmp_line(struct mig_vm *vm)
{
	char buf[8192];

	g_assert_nonnull(fgets(buf, sizeof(buf), vm->in));
	return g_strchomp(g_strdup(buf));
}

/* Send one command (JSON text), return its reply line (events skipped). */
static inline char *mig_qmp(struct mig_vm *vm, const char *json)
{
	size_t n = strlen(json);

	g_assert_cmpint(write(vm->fd, json, n), ==, (ssize_t)n);
	g_assert_cmpint(write(vm->fd, "\n", 1), ==, 1);
	for (;;) {
		char *l = mig_qmp_line(vm);
		if (g_str_has_prefix(l, "{\"return\"") || g_str_has_prefix(l, "{\"error\""))
			return l;
		g_free(l);
	}
}

static inline void mig_qmp_connect(struct mig_vm *vm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	g_autofree char *greeting = NULL, *r = NULL;

	g_assert_cmpuint(strlen(vm->sock), <, sizeof(sa.sun_path));
	strcpy(sa.sun_path, vm->sock);
	vm->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	g_assert_cmpint(vm->fd, >=, 0);
	/* the monitor listens before the qtest connection exists */
	g_assert_cmpint(connect(vm->fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	vm->in = fdopen(dup(vm->fd), "r");
	greeting = mig_qmp_line(vm);
	g_assert_nonnull(strstr(greeting, "\"QMP\""));
	r = mig_qmp(vm, "{\"execute\": \"qmp_capabilities\"}");
	g_assert_nonnull(strstr(r, "\"return\""));
}

/* Start kvmpc under qtest with "machine" args, extra args and a QMP socket. */
static inline struct mig_vm *mig_start(const char *machine, const char *extra)
{
	struct mig_vm *vm = g_new0(struct mig_vm, 1);
	g_autofree char *args = NULL;

	vm->dir = g_dir_make_tmp("kvmpc-mig-XXXXXX", NULL);
	g_assert_nonnull(vm->dir);
	vm->sock = g_build_filename(vm->dir, "qmp.sock", NULL);
	args = g_strdup_printf("%s %s -qmp unix:%s,server=on,wait=off", machine,
			       extra ? extra : "", vm->sock);
	vm->q = qtest_start(args);
	mig_qmp_connect(vm);
	return vm;
}

static inline void mig_stop(struct mig_vm *vm)
{
	fclose(vm->in);
	close(vm->fd);
	qtest_quit(vm->q);
	unlink(vm->sock);
	rmdir(vm->dir);
	g_free(vm->sock);
	g_free(vm->dir);
	g_free(vm);
}

/* Run "sh -c cmd"; return its exit status and its stderr in *errout. */
static inline int mig_run(const char *cmd, char **errout)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	GError *e = NULL;
	int status = -1;

	g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
				   NULL, errout, &status, &e));
	return status;
}

#endif
