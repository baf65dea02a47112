// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sandbox's vCPU and block-worker allow-lists (core/sandbox-rules.c)
 * without KVM: a forked child starts the sandbox as main() does, then a
 * thread that entered the vCPU role makes the system calls a vCPU thread
 * makes while emulating devices (memory, eventfd and main-context wakeups,
 * synchronous disk I/O and syncs, creating a block worker that reads and
 * syncs, slirp's socket/connect/send, signalling a thread of its own
 * process, KVM- and tty-type ioctls), and opening a file fails with EACCES
 * instead of killing.  Then the forbidden ones: bind and execve from a vCPU
 * thread, a socket from a block worker, each ending the child with status
 * 159 and the sandbox's line naming the role.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "core/sandbox.h"

static char *dir, *file_path, *sock_path;
static int file_fd, listen_fd;

static void on_usr1(int sig)
{
}

static void worker(gpointer data, gpointer user)
{
	char buf[512];
	int *ok = user;

	sandbox_thread_enter(SANDBOX_ROLE_BLOCK);
	*ok = pread(file_fd, buf, sizeof(buf), 0) == sizeof(buf) && fdatasync(file_fd) == 0 &&
	      pwrite(file_fd, buf, sizeof(buf), 512) == sizeof(buf);
	if (GPOINTER_TO_INT(data) == 2)
		socket(AF_INET, SOCK_STREAM, 0); /* forbidden in a block worker */
}

/* What a vCPU thread does; returns 0 when every call behaved. */
static gpointer vcpu_allowed(gpointer data)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[512];
	int ok = 0, s, e = eventfd(0, 0), n;
	GThreadPool *pool;
	uint64_t one = 1;

	sandbox_thread_enter(SANDBOX_ROLE_VCPU);
	g_free(g_malloc(8 << 20));
	if (write(e, &one, 8) != 8 || pread(file_fd, buf, sizeof(buf), 0) != sizeof(buf) ||
	    pwrite(file_fd, buf, sizeof(buf), 0) != sizeof(buf) || fdatasync(file_fd) < 0)
		return GINT_TO_POINTER(1);
	g_main_context_wakeup(NULL);
	pool = g_thread_pool_new(worker, &ok, 1, FALSE, NULL);
	g_thread_pool_push(pool, GINT_TO_POINTER(1), NULL);
	g_thread_pool_free(pool, FALSE, TRUE);
	if (!ok)
		return GINT_TO_POINTER(2);
	strcpy(sa.sun_path, sock_path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(s, "x", 1, 0) != 1)
		return GINT_TO_POINTER(3);
	close(s);
	if (pthread_kill(pthread_self(), SIGUSR1) != 0)
		return GINT_TO_POINTER(4);
	n = 1;
	if (ioctl(file_fd, 0xae00, 0) != -1 || ioctl(e, FIONBIO, &n) < 0)
		return GINT_TO_POINTER(5); /* KVM_GET_API_VERSION on a file: ENOTTY */
	if (open(file_path, O_RDONLY) != -1 || errno != EACCES)
		return GINT_TO_POINTER(6);
	return GINT_TO_POINTER(0);
}

static gpointer vcpu_forbidden(gpointer data)
{
	int what = GPOINTER_TO_INT(data);

	sandbox_thread_enter(SANDBOX_ROLE_VCPU);
	if (what == 1) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		bind(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&sa, sizeof(sa));
	} else if (what == 2) {
		char *argv[] = { "/bin/true", NULL };

		execv(argv[0], argv);
	} else {
		int ok = 0;
		GThreadPool *pool = g_thread_pool_new(worker, &ok, 1, FALSE, NULL);

		g_thread_pool_push(pool, GINT_TO_POINTER(2), NULL);
		g_thread_pool_free(pool, FALSE, TRUE);
	}
	return NULL;
}

/* Fork, start the sandbox, run fn on a new thread; child's status and stderr. */
static int in_sandbox(GThreadFunc fn, int arg, char **err_text)
{
	g_autofree char *err_path = g_build_filename(dir, "stderr", NULL);
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		GError *err = NULL;
		int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 2);
		signal(SIGUSR1, on_usr1);
		if (sandbox_start(&err) < 0)
			_exit(100);
		_exit(GPOINTER_TO_INT(g_thread_join(g_thread_new("t", fn, GINT_TO_POINTER(arg)))));
	}
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(g_file_get_contents(err_path, err_text, NULL, NULL));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_vcpu_allowed(void)
{
	g_autofree char *err = NULL;

	g_assert_cmpint(in_sandbox(vcpu_allowed, 0, &err), ==, 0);
	g_assert_cmpstr(err, ==, "");
}

static void test_forbidden(gconstpointer data)
{
	static const char *const want[] = {
		NULL, "(bind) in thread vcpu\n", "(execve) in thread vcpu\n",
		"(socket) in thread block\n",
	};
	int what = GPOINTER_TO_INT(data);
	g_autofree char *err = NULL;

	g_assert_cmpint(in_sandbox(vcpu_forbidden, what, &err), ==, 159);
	g_assert_true(g_str_has_prefix(err, "kvmpc: sandbox: forbidden system call "));
	g_assert_true(g_str_has_suffix(err, want[what]));
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[1024] = { 0 };
	int ret;

	g_test_init(&argc, &argv, NULL);
	dir = g_dir_make_tmp("kvmpc-sandbox-XXXXXX", NULL);
	file_path = g_build_filename(dir, "disk", NULL);
	sock_path = g_build_filename(dir, "sock", NULL);
	file_fd = open(file_path, O_RDWR | O_CREAT, 0600);
	g_assert_cmpint(write(file_fd, buf, sizeof(buf)), ==, sizeof(buf));
	strcpy(sa.sun_path, sock_path);
	listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	g_assert_cmpint(bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	g_assert_cmpint(listen(listen_fd, 4), ==, 0);
	g_test_add_func("/sandbox/vcpu-allowed", test_vcpu_allowed);
	g_test_add_data_func("/sandbox/vcpu-bind", GINT_TO_POINTER(1), test_forbidden);
	g_test_add_data_func("/sandbox/vcpu-execve", GINT_TO_POINTER(2), test_forbidden);
	g_test_add_data_func("/sandbox/block-socket", GINT_TO_POINTER(3), test_forbidden);
	ret = g_test_run();
	close(file_fd);
	close(listen_fd);
	g_unlink(file_path);
	g_unlink(sock_path);
	g_unlink(g_build_filename(dir, "stderr", NULL));
	g_rmdir(dir);
	return ret;
}
