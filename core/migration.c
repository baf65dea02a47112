// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Migration to and from "file:PATH" and "exec:CMD" URIs, as QEMU's
 * migrate / -incoming spell them, over the stream of core/savevm.c
 * (docs/migration-stream.md).  exec: runs CMD with /bin/sh -c, the stream
 * on its stdin (outgoing) or stdout (incoming); a command that exits
 * non-zero fails the migration.  A file target is fsync'ed, so a full disk
 * is reported rather than discovered later.
 *
 * tcp: and unix: are in core/migration-socket.c.  Left out: live
 * (iterative pre-copy) migration and progress while a save runs (it is
 * synchronous).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "core/log.h"
#include "core/machine.h"
#include "core/migration.h"
#include "core/sandbox.h"
#include "core/savevm.h"

struct migration_state *migration_state(struct machine *m)
{
	if (!m->migration) {
		m->migration = g_new0(struct migration_state, 1);
		m->migration->listen_fd = -1;
	}
	return m->migration;
}

const char *migration_status_name(enum migration_status s)
{
	static const char *const names[] = {
		[MIGRATION_NONE] = "none", [MIGRATION_SETUP] = "setup",
		[MIGRATION_ACTIVE] = "active", [MIGRATION_COMPLETED] = "completed",
		[MIGRATION_FAILED] = "failed",
	};

	return s < G_N_ELEMENTS(names) ? names[s] : "none";
}

int migration_uri_check(const char *uri, GError **err)
{
	if ((g_str_has_prefix(uri, "file:") || g_str_has_prefix(uri, "exec:")) && uri[5])
		return 0;
	if (migration_uri_is_socket(uri))
		return migration_socket_check(uri, err);
	error_setg(err, "migration URI '%s' is not supported (file:PATH, exec:CMD, "
		   "tcp:HOST:PORT, unix:PATH)", uri);
	return -EINVAL;
}

/* Run "sh -c cmd" with its stdin (writing) or stdout (reading) on *fd. */
static int spawn_cmd(const char *cmd, bool writing, int *fd, GPid *pid, GError **err)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	GError *e = NULL;
	GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD |
			    (writing ? 0 : G_SPAWN_CHILD_INHERITS_STDIN);

	if (!sandbox_spawn_allowed()) { /* an error, not a SIGSYS (core/sandbox.h) */
		error_setg(err, "exec:%s: the sandbox does not let kvmpc start programs "
			   "(use -sandbox on,spawn=allow or -sandbox off)", cmd);
		return -EPERM;
	}
	if (!g_spawn_async_with_pipes(NULL, argv, NULL, flags, NULL, NULL, pid, writing ? fd : NULL,
				      writing ? NULL : fd, NULL, &e)) {
		error_setg(err, "exec:%s: %s", cmd, e->message);
		g_error_free(e);
		return -EIO;
	}
	return 0;
}

static int wait_cmd(const char *cmd, GPid pid, GError **err)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			error_setg(err, "exec:%s: %s", cmd, g_strerror(errno));
			return -errno;
		}
	}
	g_spawn_close_pid(pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	error_setg(err, "exec:%s: the command failed (status 0x%x)", cmd, status);
	return -EIO;
}

/* Open uri's stream: a file, or a command's pipe (*pid set, else 0). */
static int uri_open(const char *uri, bool writing, int *fd, GPid *pid, GError **err)
{
	const char *arg = uri + 5;

	*pid = 0;
	if (migration_uri_check(uri, err) < 0)
		return -EINVAL;
	if (g_str_has_prefix(uri, "exec:"))
		return spawn_cmd(arg, writing, fd, pid, err);
	if (migration_uri_is_socket(uri)) { /* outgoing only: incoming listens */
		*fd = migration_socket_connect(uri, err);
		return *fd < 0 ? *fd : 0;
	}
	*fd = writing ? open(arg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) :
			open(arg, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		error_setg(err, "%s: %s", arg, g_strerror(errno));
		return -errno;
	}
	return 0;
}

/* Finish a stream: sync a file, wait for a command; keeps the first error. */
static int uri_close(const char *uri, int fd, GPid pid, bool writing, int ret, GError **err)
{
	GError *e = NULL;

	if (!ret && writing && !pid && !migration_uri_is_socket(uri) && fsync(fd) < 0) {
		ret = -errno;
		error_setg(&e, "%s: %s", uri + 5, g_strerror(errno));
	}
	if (close(fd) < 0 && !ret && writing) {
		ret = -errno;
		error_setg(&e, "%s: %s", uri + 5, g_strerror(errno));
	}
	if (pid && wait_cmd(uri + 5, pid, ret ? NULL : &e) < 0 && !ret)
		ret = -EIO;
	if (e)
		g_propagate_error(err, e);
	return ret;
}

static void record(struct migration_state *s, int ret, GError *e, int64_t t0)
{
	s->status = ret ? MIGRATION_FAILED : MIGRATION_COMPLETED;
	s->total_ms = (g_get_monotonic_time() - t0) / 1000;
	g_free(s->error);
	s->error = ret && e ? g_strdup(e->message) : NULL;
}

int migration_save(struct machine *m, const char *uri, GError **err)
{
	struct migration_state *s = migration_state(m);
	bool was_running = m->state == RUN_STATE_RUNNING;
	int64_t t0 = g_get_monotonic_time();
	GError *e = NULL;
	GPid pid;
	int fd, ret;

	s->status = MIGRATION_ACTIVE;
	ret = uri_open(uri, true, &fd, &pid, &e);
	if (!ret) {
		machine_pause(m);
		ret = savevm_save(m, fd, &s->bytes, &e);
		ret = uri_close(uri, fd, pid, true, ret, e ? NULL : &e);
		if (!ret && !e)
			s->ram_bytes = m->cfg->ram_size;
	}
	s->postmigrate = !ret;
	record(s, ret, e, t0);
	if (ret && was_running)
		machine_resume(m);
	if (e)
		g_propagate_error(err, e);
	return ret;
}

int migration_load(struct machine *m, const char *uri, GError **err)
{
	struct migration_state *s = migration_state(m);
	int64_t t0 = g_get_monotonic_time();
	GError *e = NULL;
	GPid pid;
	int fd, ret;

	s->status = MIGRATION_ACTIVE;
	ret = uri_open(uri, false, &fd, &pid, &e);
	if (!ret) {
		ret = savevm_load(m, fd, &e);
		ret = uri_close(uri, fd, pid, false, ret, e ? NULL : &e);
	}
	record(s, ret, e, t0);
	if (!ret)
		s->incoming_wait = false;
	if (e)
		g_propagate_error(err, e);
	return ret;
}

void migration_load_fd(struct machine *m, int fd)
{
	struct migration_state *s = migration_state(m);
	struct machine_event ev = { .kind = MACHINE_EVENT_MIGRATION };
	int64_t t0 = g_get_monotonic_time();
	GError *e = NULL;
	int ret;

	s->status = MIGRATION_ACTIVE;
	ret = savevm_load(m, fd, &e);
	close(fd);
	record(s, ret, e, t0);
	if (!ret) {
		s->incoming_wait = false;
		if ((!m->cfg->start_paused || s->autostart) && m->state == RUN_STATE_PAUSED) {
			machine_resume(m);
			ev.resumed = true;
		}
	} else {
		error_report("incoming migration failed: %s", e ? e->message : "?");
	}
	ev.id = migration_status_name(s->status);
	machine_event(m, &ev);
	g_clear_error(&e);
}

int migration_incoming_start(struct machine *m, const char *uri, GError **err)
{
	if (migration_uri_is_socket(uri)) {
		if (migration_uri_check(uri, err) < 0)
			return -EINVAL;
		return migration_socket_listen(m, uri, err);
	}
	return migration_load(m, uri, err);
}

int migration_incoming_init(struct machine *m, GError **err)
{
	const char *uri = m->cfg->incoming;

	if (!uri)
		return 0;
	if (!strcmp(uri, "defer") || migration_uri_is_socket(uri)) {
		migration_state(m)->incoming_wait = true;
		if (!strcmp(uri, "defer"))
			return 0;
	}
	return migration_incoming_start(m, uri, err);
}
