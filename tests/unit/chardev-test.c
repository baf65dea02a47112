// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Character devices on a bare machine (a main context and a lock, no KVM):
 * option errors, file truncate/append, pipes, unix and tcp sockets (server
 * reconnects, client), input flow control, bounded output towards a peer
 * that does not read, a pty, and stdio's Ctrl-A commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "core/chardev-int.h"
#include "core/machine.h"

struct fake_fe {
	GString *in;
	int budget; /* can_read answer; -1 = unlimited */
	int opened, closed;
};

static int fe_can_read(void *opaque)
{
	struct fake_fe *f = opaque;

	return f->budget < 0 ? 4096 : f->budget;
}

static void fe_read(void *opaque, const uint8_t *buf, size_t len)
{
	struct fake_fe *f = opaque;

	g_assert_cmpint((int)len, <=, fe_can_read(f));
	g_string_append_len(f->in, (const char *)buf, len);
	if (f->budget >= 0)
		f->budget -= len;
}

static void fe_event(void *opaque, enum chr_event ev)
{
	struct fake_fe *f = opaque;

	if (ev == CHR_EVENT_OPENED)
		f->opened++;
	else
		f->closed++;
}

static void fe_attach(struct chardev *c, struct fake_fe *f)
{
	struct chr_frontend fe = {
		.can_read = fe_can_read, .read = fe_read, .event = fe_event, .opaque = f,
	};

	memset(f, 0, sizeof(*f));
	f->in = g_string_new(NULL);
	f->budget = -1;
	chardev_set_frontend(c, &fe);
}

/* Run the I/O loop until cond(arg) holds or 3 s pass. */
static bool pump_until(struct machine *m, bool (*cond)(void *), void *arg)
{
	gint64 end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;

	while (!cond(arg)) {
		if (g_get_monotonic_time() > end)
			return false;
		g_main_context_iteration(m->ctx, FALSE);
		g_usleep(1000);
	}
	return true;
}

static struct {
	struct fake_fe *f;
	size_t len;
} want_in;

static bool have_input(void *arg)
{
	return want_in.f->in->len >= want_in.len;
}

static bool fe_got(struct machine *m, struct fake_fe *f, size_t len)
{
	want_in.f = f;
	want_in.len = len;
	return pump_until(m, have_input, NULL);
}

static bool flag_nonzero(void *arg)
{
	return *(int *)arg != 0;
}

static char *tmp_dir(void)
{
	char *d = g_dir_make_tmp("kvmpc-chardev-XXXXXX", NULL);

	g_assert(d);
	return d;
}

static void rm_tree(char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;

	while (d && (n = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(dir, n, NULL);

		g_unlink(p);
	}
	if (d)
		g_dir_close(d);
	g_rmdir(dir);
	g_free(dir);
}

static void expect_error(struct machine *m, bool legacy, const char *spec, const char *msg)
{
	GError *err = NULL;
	struct chardev *c = legacy ? chardev_new_legacy(m, spec, NULL, &err)
				   : chardev_new_opts(m, spec, &err);

	g_assert_null(c);
	g_assert_nonnull(err);
	g_assert_cmpstr(err->message, ==, msg);
	g_error_free(err);
}

static void test_errors(void)
{
	struct machine *m = machine_new(NULL);
	GError *err = NULL;

	expect_error(m, false, "foo,id=x", "chardev: unknown backend 'foo'");
	expect_error(m, true, "foo:bar", "chardev: unknown backend 'foo'");
	expect_error(m, true, "telnet:1.2.3.4:5", "chardev: unknown backend 'telnet'");
	expect_error(m, false, "null", "chardev: 'id' is required");
	expect_error(m, false, "file,id=x", "chardev: 'path' is required for backend 'file'");
	expect_error(m, false, "null,id=x,paht=y", "chardev: invalid parameter 'paht'");
	expect_error(m, false, "socket,id=x,path=/tmp/x,server=maybe",
		     "Parameter 'server' expects 'on' or 'off', got 'maybe'");
	expect_error(m, true, "tcp:4444", "chardev: tcp: expects HOST:PORT, got '4444'");
	expect_error(m, true, "tcp:127.0.0.1:4444,server,nowait,telnet",
		     "chardev: telnet and websocket sockets are not supported");
	expect_error(m, true, "chardev:nope", "chardev: no chardev with id 'nope'");
	expect_error(m, true, "file:/nonexistent-dir/x",
		     "chardev: cannot open '/nonexistent-dir/x': No such file or directory");
	expect_error(m, true, "unix:/nonexistent-dir/s",
		     "chardev: cannot connect to unix:/nonexistent-dir/s: No such file or directory");

	g_assert_nonnull(chardev_new_opts(m, "null,id=n0", &err));
	g_assert_no_error(err);
	expect_error(m, false, "null,id=n0", "Duplicate ID 'n0' for chardev");
	expect_error(m, false, "null,id=0n", "-chardev null,id=0n: Parameter 'id' expects an identifier");
	expect_error(m, false, "null,id=", "-chardev null,id=: Parameter 'id' expects an identifier");
	g_assert_true(chardev_new_legacy(m, "chardev:n0", NULL, &err) == chardev_find(m, "n0"));
	g_assert_cmpstr(chardev_id(chardev_find(m, "n0")), ==, "n0");
	g_assert_null(chardev_new_legacy(m, "none", NULL, &err));
	g_assert_no_error(err);
	/* writes to null go nowhere and never fail */
	chardev_write(chardev_find(m, "n0"), (const uint8_t *)"x", 1);
	chardev_close_all(m);
}

static void test_file(void)
{
	struct machine *m = machine_new(NULL);
	char *dir = tmp_dir();
	g_autofree char *p = g_build_filename(dir, "out", NULL);
	g_autofree char *spec = g_strdup_printf("file,id=f,path=%s", p);
	g_autofree char *spec2 = g_strdup_printf("file,id=g,path=%s,append=on", p);
	g_autofree char *got = NULL;
	struct chardev *c;

	g_assert_true(g_file_set_contents(p, "old\n", -1, NULL));
	c = chardev_new_opts(m, spec, NULL);
	g_assert_nonnull(c);
	chardev_write(c, (const uint8_t *)"new\n", 4);
	c = chardev_new_opts(m, spec2, NULL);
	g_assert_nonnull(c);
	chardev_write(c, (const uint8_t *)"more\n", 5);
	g_assert_true(g_file_get_contents(p, &got, NULL, NULL));
	g_assert_cmpstr(got, ==, "new\nmore\n");
	chardev_close_all(m);
	rm_tree(dir);
}

static void test_pipe(void)
{
	struct machine *m = machine_new(NULL);
	char *dir = tmp_dir();
	g_autofree char *base = g_build_filename(dir, "p", NULL);
	g_autofree char *pin = g_strdup_printf("%s.in", base);
	g_autofree char *pout = g_strdup_printf("%s.out", base);
	g_autofree char *spec = g_strdup_printf("pipe:%s", base);
	struct fake_fe f;
	struct chardev *c;
	char buf[16] = { 0 };
	int win, rout;

	g_assert_cmpint(mkfifo(pin, 0600), ==, 0);
	g_assert_cmpint(mkfifo(pout, 0600), ==, 0);
	c = chardev_new_legacy(m, spec, NULL, NULL);
	g_assert_nonnull(c);
	fe_attach(c, &f);
	win = open(pin, O_WRONLY | O_NONBLOCK);
	rout = open(pout, O_RDONLY | O_NONBLOCK);
	g_assert_cmpint(win, >=, 0);
	g_assert_cmpint(rout, >=, 0);
	g_assert_cmpint(write(win, "to-guest", 8), ==, 8);
	g_assert_true(fe_got(m, &f, 8));
	g_assert_cmpstr(f.in->str, ==, "to-guest");
	chardev_write(c, (const uint8_t *)"to-host", 7);
	g_assert_cmpint(read(rout, buf, sizeof(buf) - 1), ==, 7);
	g_assert_cmpstr(buf, ==, "to-host");
	close(win);
	close(rout);
	chardev_close_all(m);
	rm_tree(dir);
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(sa.sun_path, path);
	g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	return fd;
}

static void read_exact(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		g_assert_cmpint(poll(&p, 1, 3000), ==, 1);
		n = read(fd, buf + got, len - got);
		g_assert_cmpint(n, >, 0);
		got += n;
	}
}

static void test_unix_server(void)
{
	struct machine *m = machine_new(NULL);
	char *dir = tmp_dir();
	g_autofree char *path = g_build_filename(dir, "s", NULL);
	g_autofree char *spec = g_strdup_printf("socket,id=s,path=%s,server=on,wait=off", path);
	struct fake_fe f;
	struct chardev *c = chardev_new_opts(m, spec, NULL);
	char buf[8] = { 0 };
	int fd;

	g_assert_nonnull(c);
	fe_attach(c, &f);
	g_assert_cmpint(f.opened, ==, 0);
	/* nobody connected: output is dropped, not queued for later */
	chardev_write(c, (const uint8_t *)"lost", 4);

	for (int round = 1; round <= 2; round++) {
		fd = connect_unix(path);
		g_assert_true(pump_until(m, flag_nonzero, &f.opened));
		g_assert_cmpint(f.opened, ==, 1);
		g_assert_cmpint(write(fd, "hi", 2), ==, 2);
		g_assert_true(fe_got(m, &f, 2 * round));
		chardev_write(c, (const uint8_t *)"yo", 2);
		read_exact(fd, buf, 2);
		g_assert_cmpstr(buf, ==, "yo");
		close(fd);
		g_assert_true(pump_until(m, flag_nonzero, &f.closed));
		g_assert_cmpint(f.closed, ==, 1);
		f.opened = f.closed = 0;
	}
	g_assert_cmpstr(f.in->str, ==, "hihi");
	chardev_close_all(m);
	/* the server removes its socket file */
	g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
	rm_tree(dir);
}

static int listen_tcp(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	g_assert_cmpint(listen(fd, 1), ==, 0);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	*port = ntohs(sa.sin_port);
	return fd;
}

static void test_tcp_client(void)
{
	struct machine *m = machine_new(NULL);
	struct fake_fe f;
	int port, lfd = listen_tcp(&port);
	g_autofree char *spec = g_strdup_printf("tcp:127.0.0.1:%d", port);
	struct chardev *c = chardev_new_legacy(m, spec, "t", NULL);
	char buf[8] = { 0 };
	int fd;

	g_assert_nonnull(c);
	g_assert_true(chardev_find(m, "t") == c);
	fe_attach(c, &f);
	g_assert_cmpint(f.opened, ==, 1); /* already connected */
	fd = accept(lfd, NULL, NULL);
	g_assert_cmpint(fd, >=, 0);
	chardev_write(c, (const uint8_t *)"abc", 3);
	read_exact(fd, buf, 3);
	g_assert_cmpstr(buf, ==, "abc");
	g_assert_cmpint(write(fd, "xyz", 3), ==, 3);
	g_assert_true(fe_got(m, &f, 3));
	g_assert_cmpstr(f.in->str, ==, "xyz");
	close(fd);
	g_assert_true(pump_until(m, flag_nonzero, &f.closed));
	close(lfd);
	chardev_close_all(m);
}

static void test_tcp_server(void)
{
	struct machine *m = machine_new(NULL);
	struct fake_fe f;
	int port, lfd = listen_tcp(&port);
	g_autofree char *spec = NULL;
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct chardev *c;
	int fd;

	close(lfd); /* free the port for the chardev */
	spec = g_strdup_printf("socket,id=t,host=127.0.0.1,port=%d,server=on,wait=off", port);
	c = chardev_new_opts(m, spec, NULL);
	g_assert_nonnull(c);
	fe_attach(c, &f);
	sa.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	g_assert_cmpint(write(fd, "q", 1), ==, 1);
	g_assert_true(fe_got(m, &f, 1));
	g_assert_cmpint(f.opened, ==, 1);
	close(fd);
	chardev_close_all(m);
}

static void test_flow_control(void)
{
	struct machine *m = machine_new(NULL);
	char *dir = tmp_dir();
	g_autofree char *path = g_build_filename(dir, "s", NULL);
	g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off", path);
	struct chardev *c = chardev_new_legacy(m, spec, NULL, NULL);
	struct fake_fe f;
	int fd;

	g_assert_nonnull(c);
	fe_attach(c, &f);
	f.budget = 3;
	fd = connect_unix(path);
	g_assert_cmpint(write(fd, "0123456789", 10), ==, 10);
	g_assert_true(fe_got(m, &f, 3));
	/* the frontend is full: nothing more arrives however long we wait */
	for (int i = 0; i < 50; i++)
		g_main_context_iteration(m->ctx, FALSE);
	g_assert_cmpstr(f.in->str, ==, "012");
	g_assert_null(c->in_src);
	f.budget = 100;
	machine_lock(m);
	chardev_accept_input(c);
	machine_unlock(m);
	g_assert_true(fe_got(m, &f, 10));
	g_assert_cmpstr(f.in->str, ==, "0123456789");
	close(fd);
	chardev_close_all(m);
	rm_tree(dir);
}

static void test_slow_reader(void)
{
	struct machine *m = machine_new(NULL);
	char *dir = tmp_dir();
	g_autofree char *path = g_build_filename(dir, "s", NULL);
	g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off", path);
	struct chardev *c = chardev_new_legacy(m, spec, NULL, NULL);
	static uint8_t chunk[64 * 1024];
	struct fake_fe f;
	size_t total = 0;
	char buf[65536];
	gint64 t0;
	int fd;

	fe_attach(c, &f);
	fd = connect_unix(path);
	g_assert_true(pump_until(m, flag_nonzero, &f.opened));
	/* 16 MiB towards a peer that reads nothing: never blocks, bounded */
	memset(chunk, 'z', sizeof(chunk));
	t0 = g_get_monotonic_time();
	for (int i = 0; i < 256; i++)
		chardev_write(c, chunk, sizeof(chunk));
	g_assert_cmpint(g_get_monotonic_time() - t0, <, 2 * G_USEC_PER_SEC);
	g_assert_cmpuint(c->out_buf->len, <=, 4 << 20);
	g_assert_true(c->out_dropping);
	/* the peer reads: the queue drains through the main loop */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		g_main_context_iteration(m->ctx, FALSE);
		if (poll(&p, 1, 200) != 1)
			break;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		total += n;
	}
	g_assert_cmpuint(total, >=, 4 << 20);
	g_assert_cmpuint(total, <, 16 << 20);
	g_assert_cmpuint(c->out_buf->len, ==, 0);
	g_assert_false(c->out_dropping);
	close(fd);
	chardev_close_all(m);
	rm_tree(dir);
}

static void test_pty(void)
{
	struct machine *m = machine_new(NULL);
	struct chardev *c = chardev_new_legacy(m, "pty", "p0", NULL);
	g_autofree char *link = NULL, *name = NULL;
	char buf[8] = { 0 };
	struct fake_fe f;
	int fd;

	g_assert_nonnull(c);
	fe_attach(c, &f);
	link = g_strdup_printf("/proc/self/fd/%d", c->extra_fd);
	name = g_file_read_link(link, NULL);
	g_assert_true(g_str_has_prefix(name, "/dev/pts/"));
	fd = open(name, O_RDWR | O_NOCTTY);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(write(fd, "k", 1), ==, 1);
	g_assert_true(fe_got(m, &f, 1));
	chardev_write(c, (const uint8_t *)"v\n", 2);
	read_exact(fd, buf, 2);
	g_assert_cmpstr(buf, ==, "v\n"); /* raw: no \r added */
	close(fd);
	chardev_close_all(m);
}

/* Nobody on the pty: output is dropped beyond a small queue, quietly. */
static void test_pty_unconnected(void)
{
	struct machine *m = machine_new(NULL);
	struct chardev *c = chardev_new_legacy(m, "pty", "p1", NULL);
	static uint8_t chunk[64 * 1024];
	g_autofree char *link = NULL, *name = NULL;
	size_t total = 0;
	char buf[65536];
	int fd;

	g_assert_nonnull(c);
	memset(chunk, 'p', sizeof(chunk));
	for (int i = 0; i < 16; i++)
		chardev_write(c, chunk, sizeof(chunk));
	g_assert_cmpuint(c->out_buf->len, <=, 4096);
	link = g_strdup_printf("/proc/self/fd/%d", c->extra_fd);
	name = g_file_read_link(link, NULL);
	fd = open(name, O_RDONLY | O_NOCTTY);
	g_assert_cmpint(fd, >=, 0);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		g_main_context_iteration(m->ctx, FALSE);
		if (poll(&p, 1, 200) != 1)
			break;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		total += n;
	}
	g_assert_cmpuint(total, >, 0);
	g_assert_cmpuint(total, <, 1 << 20);
	close(fd);
	chardev_close_all(m);
}

/* In a child: stdin/stdout are a pty; mon:stdio enables Ctrl-A commands. */
static void stdio_escape_child(void)
{
	struct machine *m = machine_new(NULL);
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	struct termios t;
	struct fake_fe f;
	struct chardev *c;
	char buf[256] = { 0 };
	int slave;

	g_assert_cmpint(master, >=, 0);
	g_assert_cmpint(grantpt(master), ==, 0);
	g_assert_cmpint(unlockpt(master), ==, 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	g_assert_cmpint(slave, >=, 0);
	dup2(slave, 0);
	dup2(slave, 1);
	c = chardev_new_legacy(m, "mon:stdio", NULL, NULL);
	g_assert_nonnull(c);
	g_assert_true(chardev_is_stdio(c));
	g_assert_null(chardev_new_legacy(m, "stdio", NULL, NULL)); /* only once */
	/* raw, and Ctrl-C is data for the guest (QEMU's mon:stdio) */
	g_assert_cmpint(tcgetattr(0, &t), ==, 0);
	g_assert_false(t.c_lflag & (ICANON | ECHO | ISIG));
	fe_attach(c, &f);
	g_assert_cmpint(write(master, "a\001\001b\001q\003", 7), ==, 7);
	g_assert_true(fe_got(m, &f, 4));
	g_assert_cmpmem(f.in->str, f.in->len, "a\001b\003", 4);
	g_assert_false(m->shutdown_requested);
	g_assert_cmpint(write(master, "\001x", 2), ==, 2);
	for (int i = 0; i < 1000 && !m->shutdown_requested; i++) {
		g_main_context_iteration(m->ctx, FALSE);
		g_usleep(1000);
	}
	g_assert_true(m->shutdown_requested);
	g_assert_cmpint(m->exit_code, ==, 0);
	read_exact(master, buf, 10);
	g_assert_nonnull(strstr(buf, "kvmpc: ter"));
	g_assert_cmpmem(f.in->str, f.in->len, "a\001b\003", 4);
	chardev_close_all(m);
	/* the terminal mode is back */
	g_assert_cmpint(tcgetattr(0, &t), ==, 0);
	g_assert_true(t.c_lflag & ICANON);
	g_assert_true(t.c_lflag & ISIG);
}

static void test_stdio_escape(void)
{
	if (g_test_subprocess()) {
		stdio_escape_child();
		return;
	}
	g_test_trap_subprocess(NULL, 10 * G_USEC_PER_SEC, 0);
	g_test_trap_assert_passed();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/chardev/errors", test_errors);
	g_test_add_func("/chardev/file", test_file);
	g_test_add_func("/chardev/pipe", test_pipe);
	g_test_add_func("/chardev/unix-server", test_unix_server);
	g_test_add_func("/chardev/tcp-client", test_tcp_client);
	g_test_add_func("/chardev/tcp-server", test_tcp_server);
	g_test_add_func("/chardev/flow-control", test_flow_control);
	g_test_add_func("/chardev/slow-reader", test_slow_reader);
	g_test_add_func("/chardev/pty", test_pty);
	g_test_add_func("/chardev/pty-unconnected", test_pty_unconnected);
	g_test_add_func("/chardev/stdio-escape", test_stdio_escape);
	return g_test_run();
}
