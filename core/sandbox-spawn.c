// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Commands for slirp's guestfwd=...-cmd:CMD while the sandbox is on.  A
 * sandboxed kvmpc may not fork or execve, and a command it started would
 * inherit its seccomp filter, so instead each such guestfwd gets a unix
 * socket that slirp connects to (slirp_add_unix) for every guest
 * connection, and a helper process, forked in sandbox_start() after
 * -chroot and -runas but before the filters are loaded, accepts on it and
 * runs CMD (split as a shell would, looked up in PATH, in its own session)
 * with the connection as stdin and stdout, like inetd.  The helper keeps
 * no other descriptor of kvmpc's and exits, removing the socket, when
 * kvmpc's end of a pipe closes (kvmpc exited or was killed).  Under -chroot
 * the socket lives in the chroot directory so both sides can reach it.
 * The helper uses only async-signal-safe calls after fork().
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "core/log.h"
#include "core/sandbox.h"

struct exec_helper {
	char **argv;
	char *dir_host, *path_host; /* names before -chroot */
	char *dir, *path;           /* names inside the chroot (the same without) */
	int listen_fd;
};

static GPtrArray *helpers; /* struct exec_helper * */

static int helper_listen(struct exec_helper *h, GError **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(h->path_host) >= sizeof(sa.sun_path)) {
		error_setg(err, "guestfwd: socket path '%s' too long", h->path_host);
		return -1;
	}
	strcpy(sa.sun_path, h->path_host);
	h->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->listen_fd < 0 || bind(h->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(h->listen_fd, 16) < 0) {
		error_setg(err, "guestfwd: cannot listen on '%s': %s", h->path_host,
			   strerror(errno));
		return -1;
	}
	return 0;
}

char *sandbox_exec_socket(const char *cmd, GError **err)
{
	const char *root = sandbox_chroot_dir();
	struct exec_helper *h;
	GError *perr = NULL;
	char **argv;

	if (!sandbox_enabled())
		return NULL;
	if (!g_shell_parse_argv(cmd, NULL, &argv, &perr)) {
		error_setg(err, "guestfwd: cannot parse command '%s': %s", cmd, perr->message);
		g_error_free(perr);
		return NULL;
	}
	h = g_new0(struct exec_helper, 1);
	h->argv = argv;
	h->listen_fd = -1;
	h->dir_host = g_build_filename(root ? root : g_get_tmp_dir(), "kvmpc-guestfwd-XXXXXX",
				       NULL);
	if (!g_mkdtemp(h->dir_host)) {
		error_setg(err, "guestfwd: cannot create a directory for its socket in %s: %s",
			   root ? root : g_get_tmp_dir(), strerror(errno));
		return NULL;
	}
	h->path_host = g_build_filename(h->dir_host, "s", NULL);
	h->dir = root ? g_build_filename("/", strrchr(h->dir_host, '/') + 1, NULL) :
		 g_strdup(h->dir_host);
	h->path = g_build_filename(h->dir, "s", NULL);
	if (!helpers)
		helpers = g_ptr_array_new();
	g_ptr_array_add(helpers, h);
	if (helper_listen(h, err) < 0)
		return NULL;
	return g_strdup(h->path);
}

/* While still root: let the -runas user reach and later remove the socket. */
int sandbox_spawn_prepare(uid_t uid, gid_t gid, GError **err)
{
	for (guint i = 0; helpers && i < helpers->len; i++) {
		struct exec_helper *h = g_ptr_array_index(helpers, i);

		if (chown(h->dir_host, uid, gid) < 0 || chown(h->path_host, uid, gid) < 0) {
			error_setg(err, "guestfwd: chown %s: %s", h->dir_host, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* In the helper's child: become CMD on connection fd C. */
static void helper_exec(struct exec_helper *h, int c)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if (dup2(c, 0) < 0 || dup2(c, 1) < 0)
		_exit(127);
	close_range(3, ~0U, 0);
	setsid();
	execvp(h->argv[0], h->argv);
	_exit(127);
}

/* The helper process: never returns. */
static void helper_run(struct exec_helper *h, int quit_fd)
{
	struct pollfd pfd[2];
	int l = fcntl(h->listen_fd, F_DUPFD, 1000);
	int q = l < 0 ? -1 : fcntl(quit_fd, F_DUPFD, l + 1);

	if (l < 0 || q < 0)
		_exit(1);
	/* keep only l and q (and stdin, stdout, stderr) */
	close_range(3, l - 1, 0);
	if (q > l + 1)
		close_range(l + 1, q - 1, 0);
	close_range(q + 1, ~0U, 0);
	signal(SIGCHLD, SIG_IGN); /* children reap themselves */
	signal(SIGINT, SIG_IGN);  /* kvmpc decides when to go, via the pipe */
	for (;;) {
		pfd[0] = (struct pollfd){ .fd = l, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = q, .events = POLLIN };
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		if (pfd[0].revents & POLLIN) {
			int c = accept4(l, NULL, NULL, 0);

			if (c < 0)
				continue;
			if (fork() == 0)
				helper_exec(h, c);
			close(c);
		}
	}
	unlink(h->path);
	rmdir(h->dir);
	_exit(0);
}

int sandbox_spawn_helpers(GError **err)
{
	for (guint i = 0; helpers && i < helpers->len; i++) {
		struct exec_helper *h = g_ptr_array_index(helpers, i);
		int quit[2];
		pid_t pid;

		if (pipe2(quit, O_CLOEXEC) < 0) {
			error_setg(err, "guestfwd: pipe: %s", strerror(errno));
			return -1;
		}
		pid = fork();
		if (pid < 0) {
			error_setg(err, "guestfwd: fork: %s", strerror(errno));
			return -1;
		}
		if (pid == 0) {
			close(quit[1]);
			helper_run(h, quit[0]);
		}
		close(quit[0]);
		close(h->listen_fd); /* slirp connects by name */
		h->listen_fd = -1;
		/* quit[1] stays open, close-on-exec, until kvmpc ends */
	}
	return 0;
}
