// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qtest client (tests/lib/libqtest.h): listens on a unix socket in a fresh
 * temporary directory, starts $QTEST_BINARY (default ./kvmpc) so that it
 * connects there, and speaks the line protocol of
 * docs/qtest-protocol.md.  kvmpc runs with "-accel qtest";
 * a qemu-system-* binary runs as "-machine pc -accel tcg -S" because
 * Debian's QEMU has no qtest accelerator, so it has no clock commands.
 * QTEST_LOG=1 echoes the traffic on stderr.  No QMP.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

#define QTEST_ACCEPT_TIMEOUT_MS 30000
#define QTEST_REPLY_TIMEOUT_MS 120000
#define QTEST_QUIT_TIMEOUT_MS 30000
#define QTEST_EXIT_TIMEOUT_MS 10000
#define QTEST_MAX_IRQ 256

struct qtest {
	pid_t pid;
	int fd;
	bool is_qemu;
	bool log;
	GString *rx; /* bytes received, not yet consumed */
	char *reply; /* last reply line */
	bool irq[QTEST_MAX_IRQ];
	unsigned irq_raises[QTEST_MAX_IRQ]; /* raise lines seen, for edge pulses */
};

static int64_t now_ms(void)
{
	return g_get_monotonic_time() / 1000;
}

static const char *qtest_binary(void)
{
	const char *b = getenv("QTEST_BINARY");

	return b && *b ? b : "./kvmpc";
}

static bool binary_is_qemu(const char *bin)
{
	g_autofree char *base = g_path_get_basename(bin);

	return g_str_has_prefix(base, "qemu-system");
}

/* Does an extra "-machine X" / "-M X" name a machine type (a first word without '=')? */
static bool args_name_machine_type(char **extra)
{
	for (int i = 0; extra[i] && extra[i + 1]; i++) {
		if (strcmp(extra[i], "-machine") && strcmp(extra[i], "-M"))
			continue;
		const char *v = extra[i + 1];
		size_t n = strcspn(v, ",");

		if (!memchr(v, '=', n) || g_str_has_prefix(v, "type="))
			return true;
	}
	return false;
}

static GPtrArray *build_argv(const char *bin, bool is_qemu, const char *sock,
			     const char *extra_args, bool log)
{
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	char **extra = g_strsplit(extra_args ? extra_args : "", " ", -1);
	const char *qlog = log ? "/dev/fd/2" : "/dev/null";

	g_ptr_array_add(argv, g_strdup(bin));
	if (is_qemu) {
		/* -machine options merge in QEMU: "pc" first, the test's may refine it. */
		if (!args_name_machine_type(extra)) {
			g_ptr_array_add(argv, g_strdup("-machine"));
			g_ptr_array_add(argv, g_strdup("pc"));
		}
		g_ptr_array_add(argv, g_strdup("-accel"));
		g_ptr_array_add(argv, g_strdup("tcg"));
		g_ptr_array_add(argv, g_strdup("-S"));
	}
	g_ptr_array_add(argv, g_strdup("-qtest"));
	g_ptr_array_add(argv, g_strdup_printf("unix:%s", sock));
	g_ptr_array_add(argv, g_strdup("-qtest-log"));
	g_ptr_array_add(argv, g_strdup(qlog));
	g_ptr_array_add(argv, g_strdup("-display"));
	g_ptr_array_add(argv, g_strdup("none"));
	for (int i = 0; extra[i]; i++)
		if (*extra[i])
			g_ptr_array_add(argv, g_strdup(extra[i]));
	if (!is_qemu) {
		g_ptr_array_add(argv, g_strdup("-accel"));
		g_ptr_array_add(argv, g_strdup("qtest"));
	}
	g_ptr_array_add(argv, NULL);
	g_strfreev(extra);
	return argv;
}

static pid_t spawn(GPtrArray *argv)
{
	pid_t pid = fork();

	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		/* Die with the test; keep stdout (the TAP stream) clean. */
		int null = open("/dev/null", O_RDONLY);

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (null >= 0)
			dup2(null, 0);
		dup2(2, 1);
		execvp(argv->pdata[0], (char **)argv->pdata);
		fprintf(stderr, "libqtest: cannot run %s: %s\n", (char *)argv->pdata[0],
			strerror(errno));
		_exit(127);
	}
	return pid;
}

static void describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "status 0x%x", status);
}

/* Wait for the connection, failing early if the VMM dies first. */
static int accept_vmm(struct qtest *q, int lfd)
{
	int64_t deadline = now_ms() + QTEST_ACCEPT_TIMEOUT_MS;

	for (;;) {
		struct pollfd p = {.fd = lfd, .events = POLLIN};
		int status;

		if (poll(&p, 1, 100) > 0)
			return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (waitpid(q->pid, &status, WNOHANG) == q->pid) {
			char why[128];

			describe_status(status, why, sizeof(why));
			g_error("libqtest: %s %s before connecting", qtest_binary(), why);
		}
		if (now_ms() > deadline) {
			kill(q->pid, SIGKILL);
			waitpid(q->pid, NULL, 0);
			g_error("libqtest: %s did not connect within %d s", qtest_binary(),
				QTEST_ACCEPT_TIMEOUT_MS / 1000);
		}
	}
}

struct qtest *qtest_start(const char *extra_args)
{
	struct qtest *q = g_new0(struct qtest, 1);
	const char *bin = qtest_binary();
	g_autofree char *dir = g_dir_make_tmp("kvmpc-qtest-XXXXXX", NULL);
	g_autofree char *sock = NULL;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	GPtrArray *argv;
	int lfd;

	g_assert(dir);
	sock = g_build_filename(dir, "qtest.sock", NULL);
	g_assert_cmpuint(strlen(sock), <, sizeof(sa.sun_path));
	strcpy(sa.sun_path, sock);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	g_assert_cmpint(lfd, >=, 0);
	g_assert_cmpint(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	g_assert_cmpint(listen(lfd, 1), ==, 0);

	q->log = getenv("QTEST_LOG") != NULL;
	q->is_qemu = binary_is_qemu(bin);
	q->rx = g_string_new(NULL);
	argv = build_argv(bin, q->is_qemu, sock, extra_args, q->log);
	if (q->log) {
		g_autofree char *cmd = g_strjoinv(" ", (char **)argv->pdata);
		fprintf(stderr, "libqtest: %s\n", cmd);
	}
	q->pid = spawn(argv);
	g_ptr_array_free(argv, TRUE);

	q->fd = accept_vmm(q, lfd);
	g_assert_cmpint(q->fd, >=, 0);
	close(lfd);
	unlink(sock);
	rmdir(dir);

	g_assert_cmpstr(qtest_cmd(q, "endianness"), ==, "OK little");
	return q;
}

bool qtest_is_qemu(struct qtest *q)
{
	return q->is_qemu;
}

bool qtest_has_clock(struct qtest *q)
{
	return !q->is_qemu;
}

/* ---- wire ---- */

static void send_all(struct qtest *q, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(q->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			g_error("libqtest: send failed: %s (did the VMM die?)", strerror(errno));
		buf += n;
		len -= n;
	}
}

/* Next line from the VMM, without "\n"; IRQ lines are recorded and skipped. */
static char *recv_line(struct qtest *q)
{
	size_t seen = 0; /* bytes of rx already searched for "\n" */

	for (;;) {
		char *nl = memchr(q->rx->str + seen, '\n', q->rx->len - seen);
		char buf[65536];
		struct pollfd p = {.fd = q->fd, .events = POLLIN};
		ssize_t n;

		if (nl) {
			char *line = g_strndup(q->rx->str, nl - q->rx->str);

			g_string_erase(q->rx, 0, nl - q->rx->str + 1);
			return line;
		}
		seen = q->rx->len;
		if (poll(&p, 1, QTEST_REPLY_TIMEOUT_MS) == 0)
			g_error("libqtest: no reply within %d s", QTEST_REPLY_TIMEOUT_MS / 1000);
		n = recv(q->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			g_error("libqtest: connection closed (the VMM exited or crashed)");
		g_string_append_len(q->rx, buf, n);
	}
}

static bool handle_irq_line(struct qtest *q, const char *line)
{
	int n;

	if (!g_str_has_prefix(line, "IRQ "))
		return false;
	if (sscanf(line, "IRQ raise %d", &n) == 1 && n >= 0 && n < QTEST_MAX_IRQ) {
		q->irq[n] = true;
		q->irq_raises[n]++;
	}
	else if (sscanf(line, "IRQ lower %d", &n) == 1 && n >= 0 && n < QTEST_MAX_IRQ)
		q->irq[n] = false;
	else
		g_error("libqtest: bad IRQ line '%s'", line);
	return true;
}

static void send_cmdv(struct qtest *q, const char *fmt, va_list ap)
{
	char *cmd = g_strdup_vprintf(fmt, ap);

	if (q->log)
		fprintf(stderr, "[R] %s\n", cmd);
	send_all(q, cmd, strlen(cmd));
	send_all(q, "\n", 1);
	g_free(cmd);
}

const char *qtest_cmd(struct qtest *q, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_cmdv(q, fmt, ap);
	va_end(ap);
	for (;;) {
		char *line = recv_line(q);

		if (q->log)
			fprintf(stderr, "[S] %s\n", line);
		if (!handle_irq_line(q, line)) {
			g_free(q->reply);
			q->reply = line;
			return line;
		}
		g_free(line);
	}
}

void qtest_send_only(struct qtest *q, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_cmdv(q, fmt, ap);
	va_end(ap);
}

static void expect_ok(struct qtest *q, const char *reply, const char *what)
{
	if (strcmp(reply, "OK"))
		g_error("libqtest: '%s' answered '%s'", what, reply);
}

/* Value of an "OK 0x..." reply. */
static uint64_t reply_value(const char *reply)
{
	char *end;
	uint64_t v;

	if (!g_str_has_prefix(reply, "OK 0x"))
		g_error("libqtest: unexpected reply '%s'", reply);
	v = g_ascii_strtoull(reply + 3, &end, 16);
	if (*end)
		g_error("libqtest: junk in reply '%s'", reply);
	return v;
}

/* ---- ports ---- */

static void qtest_out(struct qtest *q, char w, uint16_t port, uint32_t v)
{
	expect_ok(q, qtest_cmd(q, "out%c 0x%x 0x%x", w, port, v), "out");
}

void qtest_outb(struct qtest *q, uint16_t port, uint8_t v)
{
	qtest_out(q, 'b', port, v);
}
void qtest_outw(struct qtest *q, uint16_t port, uint16_t v)
{
	qtest_out(q, 'w', port, v);
}
void qtest_outl(struct qtest *q, uint16_t port, uint32_t v)
{
	qtest_out(q, 'l', port, v);
}

uint8_t qtest_inb(struct qtest *q, uint16_t port)
{
	return reply_value(qtest_cmd(q, "inb 0x%x", port));
}

uint16_t qtest_inw(struct qtest *q, uint16_t port)
{
	return reply_value(qtest_cmd(q, "inw 0x%x", port));
}

uint32_t qtest_inl(struct qtest *q, uint16_t port)
{
	return reply_value(qtest_cmd(q, "inl 0x%x", port));
}

/* ---- memory ---- */

static void qtest_write(struct qtest *q, char w, uint64_t addr, uint64_t v)
{
	expect_ok(q, qtest_cmd(q, "write%c 0x%" PRIx64 " 0x%" PRIx64, w, addr, v), "write");
}

void qtest_writeb(struct qtest *q, uint64_t a, uint8_t v)
{
	qtest_write(q, 'b', a, v);
}
void qtest_writew(struct qtest *q, uint64_t a, uint16_t v)
{
	qtest_write(q, 'w', a, v);
}
void qtest_writel(struct qtest *q, uint64_t a, uint32_t v)
{
	qtest_write(q, 'l', a, v);
}
void qtest_writeq(struct qtest *q, uint64_t a, uint64_t v)
{
	qtest_write(q, 'q', a, v);
}

static uint64_t qtest_read(struct qtest *q, char w, uint64_t addr)
{
	return reply_value(qtest_cmd(q, "read%c 0x%" PRIx64, w, addr));
}

uint8_t qtest_readb(struct qtest *q, uint64_t a)
{
	return qtest_read(q, 'b', a);
}
uint16_t qtest_readw(struct qtest *q, uint64_t a)
{
	return qtest_read(q, 'w', a);
}
uint32_t qtest_readl(struct qtest *q, uint64_t a)
{
	return qtest_read(q, 'l', a);
}
uint64_t qtest_readq(struct qtest *q, uint64_t a)
{
	return qtest_read(q, 'q', a);
}

void qtest_memread(struct qtest *q, uint64_t addr, void *buf, size_t len)
{
	const char *r;
	uint8_t *out = buf;

	if (!len)
		return;
	r = qtest_cmd(q, "read 0x%" PRIx64 " 0x%zx", addr, len);
	if (!g_str_has_prefix(r, "OK 0x") || strlen(r) != 5 + 2 * len)
		g_error("libqtest: bad reply to read of %zu bytes: '%.60s'", len, r);
	for (size_t i = 0; i < len; i++) {
		int hi = g_ascii_xdigit_value(r[5 + 2 * i]);
		int lo = g_ascii_xdigit_value(r[6 + 2 * i]);

		g_assert(hi >= 0 && lo >= 0);
		out[i] = hi << 4 | lo;
	}
}

void qtest_memwrite(struct qtest *q, uint64_t addr, const void *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *in = buf;
	char *data;

	if (!len)
		return;
	data = g_malloc(2 * len + 1);
	for (size_t i = 0; i < len; i++) {
		data[2 * i] = hex[in[i] >> 4];
		data[2 * i + 1] = hex[in[i] & 15];
	}
	data[2 * len] = 0;
	expect_ok(q, qtest_cmd(q, "write 0x%" PRIx64 " 0x%zx 0x%s", addr, len, data), "write");
	g_free(data);
}

void qtest_memset(struct qtest *q, uint64_t addr, uint8_t byte, size_t len)
{
	expect_ok(q, qtest_cmd(q, "memset 0x%" PRIx64 " 0x%zx 0x%02x", addr, len, byte), "memset");
}

/* ---- clock, IRQs ---- */

static int64_t clock_reply(const char *r)
{
	char *end;
	int64_t v;

	if (!g_str_has_prefix(r, "OK "))
		g_error("libqtest: clock command answered '%s'", r);
	v = g_ascii_strtoll(r + 3, &end, 10);
	if (*end || end == r + 3)
		g_error("libqtest: bad clock reply '%s'", r);
	return v;
}

/* ns < 0: advance to the next timer deadline ("clock_step" alone). */
int64_t qtest_clock_step(struct qtest *q, int64_t ns)
{
	g_assert(qtest_has_clock(q));
	if (ns < 0)
		return clock_reply(qtest_cmd(q, "clock_step"));
	return clock_reply(qtest_cmd(q, "clock_step %" PRId64, ns));
}

int64_t qtest_clock_set(struct qtest *q, int64_t ns)
{
	g_assert(qtest_has_clock(q));
	return clock_reply(qtest_cmd(q, "clock_set %" PRId64, ns));
}

void qtest_irq_intercept_in(struct qtest *q, const char *path)
{
	expect_ok(q, qtest_cmd(q, "irq_intercept_in %s", path), "irq_intercept_in");
}

bool qtest_get_irq(struct qtest *q, int n)
{
	g_assert(n >= 0 && n < QTEST_MAX_IRQ);
	/* A side-effect-free round trip collects IRQ lines sent meanwhile. */
	qtest_cmd(q, "endianness");
	return q->irq[n];
}

unsigned qtest_irq_raises(struct qtest *q, int n)
{
	g_assert(n >= 0 && n < QTEST_MAX_IRQ);
	qtest_cmd(q, "endianness");
	return q->irq_raises[n];
}

/* ---- PCI ---- */

static void pci_addr(struct qtest *q, int devfn, int off)
{
	qtest_outl(q, 0xcf8, 0x80000000u | (devfn & 0xff) << 8 | (off & 0xfc));
}

uint32_t qtest_pci_readl(struct qtest *q, int devfn, int off)
{
	pci_addr(q, devfn, off);
	return qtest_inl(q, 0xcfc);
}

uint16_t qtest_pci_readw(struct qtest *q, int devfn, int off)
{
	pci_addr(q, devfn, off);
	return qtest_inw(q, 0xcfc + (off & 2));
}

uint8_t qtest_pci_readb(struct qtest *q, int devfn, int off)
{
	pci_addr(q, devfn, off);
	return qtest_inb(q, 0xcfc + (off & 3));
}

void qtest_pci_writel(struct qtest *q, int devfn, int off, uint32_t v)
{
	pci_addr(q, devfn, off);
	qtest_outl(q, 0xcfc, v);
}

void qtest_pci_writew(struct qtest *q, int devfn, int off, uint16_t v)
{
	pci_addr(q, devfn, off);
	qtest_outw(q, 0xcfc + (off & 2), v);
}

void qtest_pci_writeb(struct qtest *q, int devfn, int off, uint8_t v)
{
	pci_addr(q, devfn, off);
	qtest_outb(q, 0xcfc + (off & 3), v);
}

/* ---- shutdown ---- */

static void qtest_free(struct qtest *q)
{
	if (q->fd >= 0)
		close(q->fd);
	g_string_free(q->rx, TRUE);
	g_free(q->reply);
	g_free(q);
}

/* waitpid with a timeout; true and *status when the child ended. */
static bool wait_child(pid_t pid, int *status, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			g_error("libqtest: waitpid: %s", strerror(errno));
		if (now_ms() > deadline)
			return false;
		g_usleep(10000);
	}
}

void qtest_quit(struct qtest *q)
{
	int status;
	char why[128];

	kill(q->pid, SIGTERM);
	if (!wait_child(q->pid, &status, QTEST_QUIT_TIMEOUT_MS)) {
		kill(q->pid, SIGKILL);
		waitpid(q->pid, &status, 0);
		g_error("libqtest: %s ignored SIGTERM for %d s", qtest_binary(),
			QTEST_QUIT_TIMEOUT_MS / 1000);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		describe_status(status, why, sizeof(why));
		g_error("libqtest: %s %s after SIGTERM (expected 0)", qtest_binary(), why);
	}
	qtest_free(q);
}

pid_t qtest_pid(struct qtest *q)
{
	return q->pid;
}

int qtest_wait_exit(struct qtest *q)
{
	int status;

	if (!wait_child(q->pid, &status, QTEST_EXIT_TIMEOUT_MS)) {
		kill(q->pid, SIGKILL);
		waitpid(q->pid, &status, 0);
		g_error("libqtest: %s did not exit within %d s", qtest_binary(),
			QTEST_EXIT_TIMEOUT_MS / 1000);
	}
	qtest_free(q);
	if (WIFSIGNALED(status))
		return -WTERMSIG(status);
	return WEXITSTATUS(status);
}
