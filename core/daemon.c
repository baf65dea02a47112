// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -daemonize and -pidfile, as QEMU 7.2 behaves for the tools that use them
 * (libvirt's capability probe runs the emulator with both): the process
 * detaches (fork, setsid, fork) while the parent waits on a pipe, and the
 * parent exits 0 only once the child reports that set-up finished (the
 * monitor sockets are listening), 1 if the child failed or died first.
 * The PID file is created, locked and written by the final process and
 * removed at exit.  Left out: QEMU's re-check that the locked file is still
 * the one at PATH, and its -daemonize restrictions on stdio chardevs
 * (only "-nographic cannot be used with -daemonize" is kept).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "core/daemon.h"
#include "core/log.h"

static int ready_fd = -1;   /* write end of the pipe the first parent reads */
static int pid_fd = -1;
static char *pid_path;

/* The first parent: wait for the child's one status byte, then exit. */
static void __attribute__((noreturn)) wait_for_child(int fd)
{
	uint8_t status = 1;
	ssize_t n;

	do {
		n = read(fd, &status, 1);
	} while (n < 0 && errno == EINTR);
	_exit(n == 1 && status == 0 ? 0 : 1);
}

int daemon_detach(GError **err)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0) {
		error_setg(err, "-daemonize: pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		error_setg(err, "-daemonize: fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(fds[1]);
		wait_for_child(fds[0]);
	}
	close(fds[0]);
	setsid();
	pid = fork();
	if (pid < 0)
		_exit(1);   /* the first parent sees EOF and exits 1 */
	if (pid > 0)
		_exit(0);
	ready_fd = fds[1];
	umask(027);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	return 0;
}

void daemon_ready(void)
{
	uint8_t ok = 0;
	int null;

	if (ready_fd < 0)
		return;
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	if (write(ready_fd, &ok, 1) != 1)
		error_report("-daemonize: cannot tell the parent: %s", strerror(errno));
	close(ready_fd);
	ready_fd = -1;
}

int pidfile_create(const char *path, GError **err)
{
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char buf[32];
	int fd, len;

	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		error_setg(err, "cannot create PID file: Could not create '%s': %s", path,
			   strerror(errno));
		return -1;
	}
	if (fcntl(fd, F_SETLK, &lk) < 0) {
		error_setg(err, "cannot create PID file: Cannot lock pid file: %s",
			   strerror(errno));
		close(fd);
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, len) != len) {
		error_setg(err, "cannot create PID file: Failed to write pid file: %s",
			   strerror(errno));
		close(fd);
		return -1;
	}
	pid_fd = fd;
	pid_path = g_strdup(path);
	return 0;
}

void pidfile_remove(void)
{
	if (!pid_path)
		return;
	unlink(pid_path);
	close(pid_fd);
	pid_fd = -1;
	g_clear_pointer(&pid_path, g_free);
}
