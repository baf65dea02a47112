// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Character devices: the host end of serial ports, the debug console and
 * the qtest channel.  Parses both QEMU spellings (-chardev "socket,id=x,..."
 * and legacy "-serial tcp:127.0.0.1:4444,server=on"), opens the backend
 * (null, stdio, file, pipe, pty, host tty; sockets live in chardev-socket.c),
 * feeds input to one frontend from glib fd watches on the machine's context
 * and queues output without ever blocking the writer.
 *
 * Follows QEMU's user-visible behaviour (file truncates unless append=on,
 * pipe tries PATH.in/PATH.out before PATH, pty prints where it went, stdio
 * goes raw and Ctrl-A x quits when multiplexed).  Left out: mux with several
 * frontends beyond the monitor's (mux=on enables the Ctrl-A commands on
 * stdio, Ctrl-A c switches to the monitor), logfile=, telnet, websocket,
 * udp, ringbuf.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <glib-unix.h>

#include "core/chardev-int.h"
#include "core/log.h"
#include "core/machine.h"

#define CHR_READ_MAX 4096
#define CHR_OUT_MAX (4 << 20) /* queued output before we drop (qtest replies are big) */
#define CHR_PTY_OUT_MAX 4096
#define CHR_ESCAPE 0x01         /* Ctrl-A */

/* The terminal is per process, so its saved mode is too. */
static struct termios chr_saved_tty;
static bool chr_tty_saved;

/* ---- watches -------------------------------------------------------- */

static void chr_unwatch(GSource **s)
{
	if (*s) {
		g_source_destroy(*s);
		g_source_unref(*s);
		*s = NULL;
	}
}

static GSource *chr_watch(struct chardev *c, int fd, GIOCondition cond,
			  GUnixFDSourceFunc fn)
{
	GSource *s = g_unix_fd_source_new(fd, cond);

	g_source_set_callback(s, (GSourceFunc)(void (*)(void))fn, c, NULL);
	g_source_attach(s, c->m->ctx);
	return s;
}

/* ---- output --------------------------------------------------------- */

static ssize_t chr_out_raw(struct chardev *c, const uint8_t *buf, size_t len)
{
	ssize_t n;

	do {
		if (c->out_is_socket)
			n = send(c->out_fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			n = write(c->out_fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* Write what the fd takes now: bytes written, or -errno on a hard error. */
static ssize_t chr_out_try(struct chardev *c, const uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = chr_out_raw(c, buf + done, len - done);

		if (n == -EAGAIN || n == 0)
			break;
		if (n < 0)
			return n;
		done += n;
	}
	return done;
}

static void chr_out_failed(struct chardev *c, ssize_t err)
{
	g_byte_array_set_size(c->out_buf, 0);
	chr_unwatch(&c->out_src);
	/* A socket peer that left is noticed by the input side. */
	if (!c->out_is_socket && !c->out_dropping) {
		c->out_dropping = true;
		warn_report("chardev '%s': write failed (%s), dropping output",
			    c->label, g_strerror((int)-err));
	}
}

/* The queue emptied: tell the frontend (machine lock, not out_lock, held). */
static void chr_out_drained(struct chardev *c)
{
	machine_lock(c->m);
	if (!c->closed && c->has_fe && c->fe.event)
		c->fe.event(c->fe.opaque, CHR_EVENT_DRAINED);
	if (!c->closed)
		chr_update_input(c);
	machine_unlock(c->m);
}

static gboolean chr_out_cb(int fd, GIOCondition cond, gpointer opaque)
{
	struct chardev *c = opaque;
	bool drained = false;
	ssize_t n;

	g_mutex_lock(&c->out_lock);
	if (!c->out_src || fd != c->out_fd)
		goto out;
	n = chr_out_try(c, c->out_buf->data, c->out_buf->len);
	if (n < 0) {
		chr_out_failed(c, n);
		goto out;
	}
	g_byte_array_remove_range(c->out_buf, 0, n);
	if (!c->out_buf->len) {
		chr_unwatch(&c->out_src);
		c->out_dropping = false;
		drained = true;
	}
out:
	g_mutex_unlock(&c->out_lock);
	if (drained)
		chr_out_drained(c);
	return G_SOURCE_CONTINUE;
}

static void chr_out_queue(struct chardev *c, const uint8_t *buf, size_t len, bool all)
{
	/*
	 * A pty nobody has opened fills up and stays full: keep little, say
	 * nothing (QEMU drops output while a pty is unconnected), so a later
	 * client does not get megabytes of stale output.
	 */
	bool pty = c->kind == CHR_KIND_PTY;
	size_t max = pty ? CHR_PTY_OUT_MAX : CHR_OUT_MAX;
	size_t room = max - MIN(c->out_buf->len, max);
	size_t take = all ? len : MIN(len, room);

	g_byte_array_append(c->out_buf, buf, take);
	if (take < len && !c->out_dropping) {
		c->out_dropping = true;
		if (!pty)
			warn_report("chardev '%s': reader is not keeping up, dropping output",
				    c->label);
	}
	if (!c->out_src && c->out_buf->len)
		c->out_src = chr_watch(c, c->out_fd, G_IO_OUT | G_IO_ERR | G_IO_HUP,
				       chr_out_cb);
}

static void chr_write(struct chardev *c, const uint8_t *buf, size_t len, bool all)
{
	ssize_t n;

	if (!c || !len)
		return;
	g_mutex_lock(&c->out_lock);
	if (c->out_fd < 0)
		goto out; /* null backend or nobody connected: discard */
	if (!c->out_buf->len) {
		n = chr_out_try(c, buf, len);
		if (n < 0) {
			chr_out_failed(c, n);
			goto out;
		}
		buf += n;
		len -= n;
	}
	if (len)
		chr_out_queue(c, buf, len, all);
out:
	g_mutex_unlock(&c->out_lock);
}

void chardev_write(struct chardev *c, const uint8_t *buf, size_t len)
{
	chr_write(c, buf, len, false);
}

void chardev_write_all(struct chardev *c, const uint8_t *buf, size_t len)
{
	chr_write(c, buf, len, true);
}

bool chardev_write_pending(struct chardev *c)
{
	bool pending;

	g_mutex_lock(&c->out_lock);
	pending = c->out_buf->len > 0;
	g_mutex_unlock(&c->out_lock);
	return pending;
}

static void chr_write_str(struct chardev *c, const char *s)
{
	chardev_write(c, (const uint8_t *)s, strlen(s));
}

/* At exit: give a slow reader up to ~100 ms to take what is queued. */
static void chr_out_drain(struct chardev *c)
{
	g_mutex_lock(&c->out_lock);
	for (int i = 0; i < 10 && c->out_fd >= 0 && c->out_buf->len; i++) {
		struct pollfd p = { .fd = c->out_fd, .events = POLLOUT };
		ssize_t n;

		if (poll(&p, 1, 10) <= 0)
			continue;
		n = chr_out_try(c, c->out_buf->data, c->out_buf->len);
		if (n < 0)
			break;
		g_byte_array_remove_range(c->out_buf, 0, n);
	}
	g_mutex_unlock(&c->out_lock);
}

/* ---- input ---------------------------------------------------------- */

/* Bytes we may read now (machine lock held). */
static int chr_room(struct chardev *c)
{
	if (c->mux_focus)
		return c->mux_fe.can_read ? c->mux_fe.can_read(c->mux_fe.opaque) : CHR_READ_MAX;
	if (!c->has_fe || !c->fe.read)
		/* nobody listens: keep sockets and Ctrl-A alive, drop the data */
		return (c->mux_escape || c->sock) ? CHR_READ_MAX : 0;
	if (!c->fe.can_read)
		return CHR_READ_MAX;
	return c->fe.can_read(c->fe.opaque);
}

static void chr_fe_read(struct chardev *c, const uint8_t *buf, size_t len)
{
	if (len && c->mux_focus)
		c->mux_fe.read(c->mux_fe.opaque, buf, len);
	else if (len && c->has_fe && c->fe.read)
		c->fe.read(c->fe.opaque, buf, len);
}

static void chr_escape_cmd(struct chardev *c, uint8_t ch)
{
	static const uint8_t ctrl_a = CHR_ESCAPE;

	switch (ch) {
	case CHR_ESCAPE:
		chr_fe_read(c, &ctrl_a, 1);
		break;
	case 'x':
		chr_write_str(c, "kvmpc: terminated\r\n");
		c->m->request_reason = "host-ui";
		machine_request_shutdown(c->m, 0);
		break;
	case 'c':
		if (c->has_mux_fe) {
			c->mux_focus = !c->mux_focus;
			if (c->mux_focus && c->mux_fe.event)
				c->mux_fe.event(c->mux_fe.opaque, CHR_EVENT_MUX_IN);
		}
		break;
	case 'h':
	case '?':
		chr_write_str(c, "\r\nC-a h    print this help\r\n"
				 "C-a x    exit emulator\r\n"
				 "C-a c    switch between console and monitor\r\n"
				 "C-a C-a  sends C-a\r\n");
		break;
	default:
		break; /* unknown command: swallowed, like QEMU */
	}
}

/* Hand input to the frontend, acting on Ctrl-A commands when multiplexed. */
static void chr_deliver(struct chardev *c, const uint8_t *buf, size_t len)
{
	size_t start = 0;

	if (!c->mux_escape) {
		chr_fe_read(c, buf, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (c->escape_pending) {
			c->escape_pending = false;
			chr_escape_cmd(c, buf[i]);
			start = i + 1;
		} else if (buf[i] == CHR_ESCAPE) {
			chr_fe_read(c, buf + start, i - start);
			c->escape_pending = true;
			start = i + 1;
		}
	}
	chr_fe_read(c, buf + start, len - start);
}

static void chr_input_ended(struct chardev *c)
{
	if (c->sock) {
		chr_detach(c, true);
		chr_socket_disconnected(c);
		return;
	}
	c->in_eof = true;
	chr_unwatch(&c->in_src);
}

static void chr_read_some(struct chardev *c)
{
	uint8_t buf[CHR_READ_MAX];
	struct pollfd p = { .fd = c->in_fd, .events = POLLIN };
	int room = chr_room(c);
	ssize_t n;

	if (room <= 0) {
		/* chardev_accept_input() resumes */
		chr_unwatch(&c->in_src);
		return;
	}
	/* The fd may be blocking (stdin): read only what is there. */
	if (poll(&p, 1, 0) <= 0)
		return;
	n = read(c->in_fd, buf, MIN((size_t)room, sizeof(buf)));
	if (n > 0)
		chr_deliver(c, buf, n); /* dropped when nobody listens */
	else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		chr_input_ended(c);
	}
}

static gboolean chr_in_cb(int fd, GIOCondition cond, gpointer opaque)
{
	struct chardev *c = opaque;

	machine_lock(c->m);
	if (c->in_src && fd == c->in_fd)
		chr_read_some(c);
	machine_unlock(c->m);
	return G_SOURCE_CONTINUE;
}

void chr_update_input(struct chardev *c)
{
	bool want = !c->closed && c->in_fd >= 0 && !c->in_eof &&
		    ((c->has_fe && c->fe.read) || c->mux_escape || c->sock);

	if (want && !c->in_src)
		c->in_src = chr_watch(c, c->in_fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
				      chr_in_cb);
	else if (!want)
		chr_unwatch(&c->in_src);
}

void chardev_accept_input(struct chardev *c)
{
	if (c)
		chr_update_input(c);
}

/* ---- connection state ----------------------------------------------- */

void chr_attach(struct chardev *c, int in_fd, int out_fd, bool is_socket)
{
	c->in_fd = in_fd;
	c->in_eof = false;
	c->escape_pending = false;
	g_mutex_lock(&c->out_lock);
	c->out_fd = out_fd;
	c->out_is_socket = is_socket;
	c->out_dropping = false;
	g_mutex_unlock(&c->out_lock);
	if (c->has_fe && c->fe.event)
		c->fe.event(c->fe.opaque, CHR_EVENT_OPENED);
	chr_update_input(c);
}

void chr_detach(struct chardev *c, bool notify)
{
	bool was_open = c->in_fd >= 0 || c->out_fd >= 0;

	chr_unwatch(&c->in_src);
	g_mutex_lock(&c->out_lock);
	chr_unwatch(&c->out_src);
	g_byte_array_set_size(c->out_buf, 0);
	if (c->out_fd >= 0 && c->out_fd != c->in_fd)
		close(c->out_fd);
	c->out_fd = -1;
	g_mutex_unlock(&c->out_lock);
	if (c->in_fd >= 0)
		close(c->in_fd);
	c->in_fd = -1;
	if (notify && was_open && c->has_fe && c->fe.event)
		c->fe.event(c->fe.opaque, CHR_EVENT_CLOSED);
}

void chardev_set_frontend(struct chardev *c, const struct chr_frontend *fe)
{
	if (!c)
		return;
	c->has_fe = fe != NULL;
	if (fe)
		c->fe = *fe;
	else
		memset(&c->fe, 0, sizeof(c->fe));
	if (fe && fe->event && (c->in_fd >= 0 || c->out_fd >= 0))
		fe->event(fe->opaque, CHR_EVENT_OPENED);
	chr_update_input(c);
}

bool chardev_has_frontend(struct chardev *c)
{
	return c && c->has_fe;
}

/* ---- backends ------------------------------------------------------- */

static void chr_tty_restore(void)
{
	if (chr_tty_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &chr_saved_tty);
}

/* Raw input like QEMU's stdio: no echo, no line editing, output still cooked. */
static void chr_tty_raw(bool keep_signals)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &t) < 0)
		return;
	if (!chr_tty_saved) {
		chr_saved_tty = t;
		chr_tty_saved = true;
		atexit(chr_tty_restore);
	}
	t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t.c_oflag |= OPOST;
	t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
	if (!keep_signals)
		t.c_lflag &= ~ISIG;
	t.c_cflag &= ~(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

/*
 * A private descriptor for stdout that may be non-blocking without touching
 * the one shared with the shell: ttys and pipes are reopened through /proc,
 * files and sockets are duplicated (files never block; sockets use send()).
 */
static int chr_stdout_fd(bool *is_socket)
{
	struct stat st;
	int fd = -1;

	*is_socket = false;
	if (fstat(STDOUT_FILENO, &st) < 0)
		return -1;
	if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
		fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		*is_socket = S_ISSOCK(st.st_mode);
	}
	return fd;
}

static bool chr_stdio_in_use(struct machine *m)
{
	GHashTableIter it;
	gpointer v;

	if (m->chardevs) {
		g_hash_table_iter_init(&it, m->chardevs);
		while (g_hash_table_iter_next(&it, NULL, &v))
			if (((struct chardev *)v)->kind == CHR_KIND_STDIO)
				return true;
	}
	for (unsigned i = 0; m->anon_chardevs && i < m->anon_chardevs->len; i++)
		if (((struct chardev *)g_ptr_array_index(m->anon_chardevs, i))->kind ==
		    CHR_KIND_STDIO)
			return true;
	return false;
}

static int chr_open_stdio(struct chardev *c, const struct chr_spec *sp, GError **err)
{
	bool sock;
	int in, out;

	if (chr_stdio_in_use(c->m)) {
		chr_error(err, "stdio is already used by another character device");
		return -EBUSY;
	}
	in = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	out = chr_stdout_fd(&sock);
	if (out < 0) {
		chr_error(err, "cannot use stdout: %s", g_strerror(errno));
		if (in >= 0)
			close(in);
		return -EIO;
	}
	if (in >= 0 && isatty(STDIN_FILENO))
		chr_tty_raw(sp->signal);
	c->mux_escape = sp->mux || (c->m->cfg && c->m->cfg->nographic);
	chr_attach(c, in, out, sock);
	return 0;
}

static int chr_open_path(const char *path, int flags, GError **err)
{
	int fd = open(path, flags | O_CLOEXEC | O_NOCTTY, 0666);

	if (fd < 0)
		chr_error(err, "cannot open '%s': %s", path, g_strerror(errno));
	return fd < 0 ? -errno : fd;
}

static int chr_open_file(struct chardev *c, const struct chr_spec *sp, GError **err)
{
	int fd = chr_open_path(sp->path, O_WRONLY | O_CREAT |
			       (sp->append ? O_APPEND : O_TRUNC), err);

	if (fd < 0)
		return fd;
	chr_attach(c, -1, fd, false);
	return 0;
}

/* PATH.in and PATH.out when both exist, else PATH both ways (like QEMU). */
static int chr_open_pipe(struct chardev *c, const struct chr_spec *sp, GError **err)
{
	char *pin = g_strdup_printf("%s.in", sp->path);
	char *pout = g_strdup_printf("%s.out", sp->path);
	int in = open(pin, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	int out = open(pout, O_RDWR | O_CLOEXEC | O_NONBLOCK);

	g_free(pin);
	g_free(pout);
	if (in < 0 || out < 0) {
		if (in >= 0)
			close(in);
		if (out >= 0)
			close(out);
		in = chr_open_path(sp->path, O_RDWR | O_NONBLOCK, err);
		if (in < 0)
			return in;
		out = in;
	}
	chr_attach(c, in, out, false);
	return 0;
}

static void chr_fd_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
}

static int chr_open_pty(struct chardev *c, GError **err)
{
	char name[64];
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	int slave = -1;

	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    ptsname_r(master, name, sizeof(name)) != 0 ||
	    (slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		chr_error(err, "cannot create a pty: %s", g_strerror(errno));
		if (master >= 0)
			close(master);
		return -EIO;
	}
	/* Holding the slave open keeps the master from reporting hang-ups. */
	chr_fd_raw(slave);
	c->extra_fd = slave;
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	fprintf(stderr, "kvmpc: char device redirected to %s (label %s)\n",
		name, c->label);
	c->pty_name = g_strdup(name);
	chr_attach(c, master, master, false);
	return 0;
}

static int chr_open_tty(struct chardev *c, const struct chr_spec *sp, GError **err)
{
	int fd = chr_open_path(sp->path, O_RDWR | O_NONBLOCK, err);

	if (fd < 0)
		return fd;
	chr_fd_raw(fd);
	chr_attach(c, fd, fd, false);
	return 0;
}

static int chr_open_backend(struct chardev *c, const struct chr_spec *sp, GError **err)
{
	switch (sp->kind) {
	case CHR_KIND_NULL:
		return 0;
	case CHR_KIND_STDIO:
		return chr_open_stdio(c, sp, err);
	case CHR_KIND_FILE:
		return chr_open_file(c, sp, err);
	case CHR_KIND_PIPE:
		return chr_open_pipe(c, sp, err);
	case CHR_KIND_PTY:
		return chr_open_pty(c, err);
	case CHR_KIND_SOCKET:
		return chr_socket_open(c, sp, err);
	case CHR_KIND_TTY:
		return chr_open_tty(c, sp, err);
	}
	return -EINVAL;
}

/* ---- creation and lookup -------------------------------------------- */

static void chr_register(struct machine *m, struct chardev *c)
{
	if (c->id) {
		if (!m->chardevs)
			m->chardevs = g_hash_table_new(g_str_hash, g_str_equal);
		g_hash_table_insert(m->chardevs, c->id, c);
	} else {
		if (!m->anon_chardevs)
			m->anon_chardevs = g_ptr_array_new();
		g_ptr_array_add(m->anon_chardevs, c);
	}
}

static struct chardev *chr_alloc(struct machine *m, const char *id, enum chr_kind kind)
{
	struct chardev *c = g_new0(struct chardev, 1);
	unsigned n = m->anon_chardevs ? m->anon_chardevs->len : 0;

	c->m = m;
	c->id = g_strdup(id);
	c->label = id ? g_strdup(id) : g_strdup_printf("chardev-anon%u", n);
	c->kind = kind;
	c->in_fd = c->out_fd = c->extra_fd = -1;
	g_mutex_init(&c->out_lock);
	c->out_buf = g_byte_array_new();
	return c;
}

static void chr_free(struct chardev *c)
{
	g_byte_array_free(c->out_buf, TRUE);
	g_mutex_clear(&c->out_lock);
	g_free(c->id);
	g_free(c->label);
	g_free(c->pty_name);
	g_free(c);
}

char *chardev_filename(struct chardev *c)
{
	static const char *const kinds[] = {
		[CHR_KIND_NULL] = "null", [CHR_KIND_STDIO] = "stdio", [CHR_KIND_FILE] = "file",
		[CHR_KIND_PIPE] = "pipe", [CHR_KIND_PTY] = "pty", [CHR_KIND_SOCKET] = "socket",
		[CHR_KIND_TTY] = "tty",
	};

	if (c->pty_name)
		return g_strdup_printf("pty:%s", c->pty_name);
	return g_strdup(kinds[c->kind]);
}

const char *chardev_label(struct chardev *c)
{
	return c->label;
}

/* Validate o completely, then open; o is consumed. */
static struct chardev *chr_create(struct machine *m, struct opts *o, const char *id,
				  GError **err)
{
	struct chr_spec sp;
	struct chardev *c = NULL;
	static bool sigpipe_ignored;

	if (chr_spec_parse(o, &sp, err) < 0 || opts_check_unused(o, "chardev", err) < 0)
		goto out;
	if (id && chardev_find(m, id)) {
		error_setg(err, "Duplicate ID '%s' for chardev", id); /* QEMU's words */
		goto out;
	}
	if (!sigpipe_ignored) {
		/* A reader going away must be an error return, not a signal. */
		signal(SIGPIPE, SIG_IGN);
		sigpipe_ignored = true;
	}
	c = chr_alloc(m, id, sp.kind);
	if (chr_open_backend(c, &sp, err) < 0) {
		chr_detach(c, false);
		chr_free(c);
		c = NULL;
		goto out;
	}
	chr_register(m, c);
out:
	chr_spec_clear(&sp);
	opts_free(o);
	return c;
}

struct chardev *chardev_new_opts(struct machine *m, const char *optstr, GError **err)
{
	struct opts *o = opts_parse(optstr, "backend", err);
	const char *id;
	char *idcopy;
	struct chardev *c;

	if (!o)
		return NULL;
	id = opts_get(o, "id");
	if (!id || !opts_id_wellformed(id)) {
		if (id)
			error_setg(err, "-chardev %s: Parameter 'id' expects an identifier", optstr);
		else
			chr_error(err, "'id' is required");
		opts_free(o);
		return NULL;
	}
	idcopy = g_strdup(id);
	c = chr_create(m, o, idcopy, err);
	g_free(idcopy);
	return c;
}

struct chardev *chardev_new_legacy(struct machine *m, const char *spec,
				   const char *id, GError **err)
{
	struct opts *o;
	struct chardev *c;

	if (g_str_has_prefix(spec, "chardev:")) {
		c = chardev_find(m, spec + 8);
		if (!c)
			chr_error(err, "no chardev with id '%s'", spec + 8);
		return c;
	}
	if (!strcmp(spec, "none"))
		return NULL;
	o = chr_legacy_opts(spec, err);
	return o ? chr_create(m, o, id, err) : NULL;
}

struct chardev *chardev_find(struct machine *m, const char *id)
{
	if (!m->chardevs || !id)
		return NULL;
	return g_hash_table_lookup(m->chardevs, id);
}

struct chardev *chardev_lookup(struct machine *m, const char *owner, const char *id,
			       GError **err)
{
	struct chardev *c = chardev_find(m, id);

	if (!c) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
			    "Property '%s.chardev' can't find value '%s'", owner, id);
		return NULL;
	}
	if (chardev_has_frontend(c)) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_BUSY,
			    "Property '%s.chardev' can't take value '%s': Device '%s' is in use",
			    owner, id, id);
		return NULL;
	}
	return c;
}

const char *chardev_id(struct chardev *c)
{
	return c ? c->id : NULL;
}

bool chardev_is_stdio(struct chardev *c)
{
	return c && c->kind == CHR_KIND_STDIO;
}

bool chardev_is_mux(struct chardev *c)
{
	return c && c->mux_escape;
}

void chardev_set_mux_frontend(struct chardev *c, const struct chr_frontend *fe)
{
	if (!c || !fe || !fe->read)
		return;
	c->mux_fe = *fe;
	c->has_mux_fe = true;
	if (fe->event && (c->in_fd >= 0 || c->out_fd >= 0))
		fe->event(fe->opaque, CHR_EVENT_OPENED);
	chr_update_input(c);
}

static void chr_close(struct chardev *c)
{
	if (c->closed)
		return;
	chr_out_drain(c);
	if (c->sock)
		chr_socket_close(c);
	c->closed = true;
	chr_detach(c, false);
	if (c->extra_fd >= 0)
		close(c->extra_fd);
	c->extra_fd = -1;
}

void chardev_close_all(struct machine *m)
{
	GHashTableIter it;
	gpointer v;

	if (m->chardevs) {
		g_hash_table_iter_init(&it, m->chardevs);
		while (g_hash_table_iter_next(&it, NULL, &v))
			chr_close(v);
	}
	for (unsigned i = 0; m->anon_chardevs && i < m->anon_chardevs->len; i++)
		chr_close(g_ptr_array_index(m->anon_chardevs, i));
	chr_tty_restore();
}
