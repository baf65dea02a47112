// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Monitor transports: turns m->cfg->monitors into QMP and human monitors
 * the way QEMU's -qmp, -monitor and -mon do.  unix: and tcp: server specs
 * get a listening socket of our own so that any number of clients can be
 * connected at once (QEMU's chardev serves one); other specs (stdio, a
 * client socket, chardev:ID, -mon chardev=ID) go through core/chardev.
 * A stdio multiplexed with the serial port (-nographic, mon:stdio) gets a
 * human monitor reached with Ctrl-A c.
 *
 * Locking: chardev handlers run with the machine lock held; the fd
 * callbacks registered here take it themselves.  QMP on a mux greets on
 * its first Ctrl-A c.  Left out: telnet framing.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib-unix.h>

#include "ui/monitor.h"
#include "ui/monitor-int.h"
#include "core/chardev.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/opts.h"

#define MON_READ_MAX 65536
#define MON_OUT_MAX (16u << 20) /* a client that never reads is dropped */
#define MON_MAX_CLIENTS 256      /* per monitor; more are refused */

const char MON_REASON_QUIT[] = "host-qmp-quit";
const char MON_REASON_RESET[] = "host-qmp-system-reset";

/* ---- clients ---------------------------------------------------------- */

static void mon_unwatch(GSource **s)
{
	if (*s) {
		g_source_destroy(*s);
		g_source_unref(*s);
		*s = NULL;
	}
}

static GSource *mon_watch(struct machine *m, int fd, GIOCondition cond,
			  GUnixFDSourceFunc fn, void *opaque)
{
	GSource *s = g_unix_fd_source_new(fd, cond);

	g_source_set_callback(s, (GSourceFunc)(void (*)(void))fn, opaque, NULL);
	g_source_attach(s, m->ctx);
	return s;
}

static GSource *mon_timeout_source(struct machine *m, unsigned ms, GSourceFunc fn, void *opaque)
{
	GSource *s = g_timeout_source_new(ms);

	g_source_set_callback(s, fn, opaque, NULL);
	g_source_attach(s, m->ctx);
	return s;
}

static void mon_session_free(struct mon_client *c)
{
	if (!c->session)
		return;
	if (c->mon->mode == MON_QMP)
		qmp_session_free(c->session);
	else
		hmp_session_free(c->session);
	c->session = NULL;
}

static void mon_client_free(struct mon_client *c)
{
	mon_unwatch(&c->in_src);
	mon_unwatch(&c->out_src);
	if (c->fd >= 0)
		close(c->fd);
	mon_session_free(c);
	g_byte_array_free(c->out, TRUE);
	g_free(c);
}

static gboolean mon_reap_cb(gpointer opaque)
{
	struct monitor *mon = opaque;
	struct machine *m = mon->root->m;

	machine_lock(m);
	for (unsigned i = 0; i < mon->clients->len;) {
		struct mon_client *c = g_ptr_array_index(mon->clients, i);

		if (c->dead && !c->busy) {
			g_ptr_array_remove_index(mon->clients, i);
			mon_client_free(c);
		} else {
			i++;
		}
	}
	mon_unwatch(&mon->reaper);
	machine_unlock(m);
	return G_SOURCE_REMOVE;
}

/* Drop a socket client; it is freed later, outside any command it runs. */
static void mon_client_kill(struct mon_client *c)
{
	struct monitor *mon = c->mon;

	if (c->dead || c->fd < 0)
		return;
	c->dead = true;
	mon_unwatch(&c->in_src);
	mon_unwatch(&c->out_src);
	close(c->fd);
	c->fd = -1;
	g_byte_array_set_size(c->out, 0);
	if (!mon->reaper) {
		mon->reaper = g_idle_source_new();
		g_source_set_callback(mon->reaper, mon_reap_cb, mon, NULL);
		g_source_attach(mon->reaper, mon->root->m->ctx);
	}
}

/* Write what the socket takes now; -1 when the peer is gone. */
static int mon_client_push(struct mon_client *c)
{
	while (c->out->len) {
		ssize_t n = send(c->fd, c->out->data, c->out->len,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		g_byte_array_remove_range(c->out, 0, n);
	}
	return 0;
}

static gboolean mon_out_cb(int fd, GIOCondition cond, gpointer opaque)
{
	struct mon_client *c = opaque;
	struct machine *m = c->mon->root->m;

	machine_lock(m);
	if (!c->dead) {
		if (mon_client_push(c) < 0)
			mon_client_kill(c);
		else if (!c->out->len)
			mon_unwatch(&c->out_src);
	}
	machine_unlock(m);
	return G_SOURCE_CONTINUE;
}

void mon_client_write(struct mon_client *c, const char *buf, size_t len)
{
	if (c->dead || !len)
		return;
	if (c->fd < 0) {
		if (c->mon->chr)
			chardev_write(c->mon->chr, (const uint8_t *)buf, len);
		return;
	}
	if (c->out->len + len > MON_OUT_MAX) {
		warn_report("monitor %s: client does not read its replies, dropping it",
			    c->mon->desc);
		mon_client_kill(c);
		return;
	}
	g_byte_array_append(c->out, (const uint8_t *)buf, len);
	if (mon_client_push(c) < 0) {
		mon_client_kill(c);
		return;
	}
	if (c->out->len && !c->out_src)
		c->out_src = mon_watch(c->mon->root->m, c->fd, G_IO_OUT, mon_out_cb, c);
}

void mon_client_puts(struct mon_client *c, const char *s)
{
	mon_client_write(c, s, strlen(s));
}

static void mon_client_input(struct mon_client *c, const uint8_t *buf, size_t len)
{
	if (!c->session)
		return;
	c->busy = true;
	if (c->mon->mode == MON_QMP)
		qmp_session_input(c->session, buf, len);
	else
		hmp_session_input(c->session, buf, len);
	c->busy = false;
}

static void mon_client_opened(struct mon_client *c)
{
	if (c->mon->mode == MON_QMP)
		qmp_session_opened(c->session);
	else
		hmp_session_opened(c->session);
}

static struct mon_client *mon_client_new(struct monitor *mon, int fd)
{
	struct mon_client *c = g_new0(struct mon_client, 1);

	c->mon = mon;
	c->fd = fd;
	c->out = g_byte_array_new();
	if (mon->mode == MON_QMP)
		c->session = qmp_session_new(c);
	else
		c->session = hmp_session_new(c);
	g_ptr_array_add(mon->clients, c);
	return c;
}

/* ---- own listening sockets -------------------------------------------- */

static gboolean mon_in_cb(int fd, GIOCondition cond, gpointer opaque)
{
	struct mon_client *c = opaque;
	struct machine *m = c->mon->root->m;
	uint8_t *buf = g_malloc(MON_READ_MAX);
	ssize_t n;

	machine_lock(m);
	if (c->dead || fd != c->fd)
		goto out;
	n = recv(fd, buf, MON_READ_MAX, MSG_DONTWAIT);
	if (n > 0)
		mon_client_input(c, buf, n);
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		mon_client_kill(c);
out:
	machine_unlock(m);
	g_free(buf);
	return G_SOURCE_CONTINUE;
}

static void mon_client_start(struct monitor *mon, int fd)
{
	struct mon_client *c = mon_client_new(mon, fd);

	c->in_src = mon_watch(mon->root->m, fd, G_IO_IN | G_IO_HUP | G_IO_ERR, mon_in_cb, c);
	mon_client_opened(c);
}

static gboolean mon_accept_cb(int fd, GIOCondition cond, gpointer opaque);

static gboolean mon_listen_again(gpointer opaque)
{
	struct monitor *mon = opaque;
	struct machine *m = mon->root->m;

	machine_lock(m);
	if (!mon->listen_src)
		mon->listen_src = mon_watch(m, mon->listen_fd, G_IO_IN, mon_accept_cb, mon);
	machine_unlock(m);
	return G_SOURCE_REMOVE;
}

static gboolean mon_accept_cb(int fd, GIOCondition cond, gpointer opaque)
{
	struct monitor *mon = opaque;
	struct machine *m = mon->root->m;
	int cfd;

	machine_lock(m);
	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd >= 0 && mon->clients->len >= MON_MAX_CLIENTS) {
		close(cfd); /* full: the peer sees the connection close */
	} else if (cfd >= 0) {
		mon_client_start(mon, cfd);
	} else if (errno == EMFILE || errno == ENFILE) {
		/* the backlog stays readable: stop polling it for a second */
		warn_report("monitor %s: out of file descriptors", mon->desc);
		mon_unwatch(&mon->listen_src);
		g_source_unref(mon_timeout_source(m, 1000, mon_listen_again, mon));
	}
	machine_unlock(m);
	return G_SOURCE_CONTINUE;
}

static int mon_listen_unix(struct monitor *mon, const char *path, GError **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		error_setg(err, "monitor: socket path '%s' is too long", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		unlink(path);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 64) == 0) {
			mon->unix_path = g_strdup(path);
			return fd;
		}
		close(fd);
	}
	error_setg(err, "monitor: cannot listen on unix:%s: %s", path, g_strerror(errno));
	return -1;
}

static int mon_listen_tcp(const char *host, const char *port, GError **err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE };
	struct addrinfo *res, *ai;
	int fd = -1, one = 1, rc, saved = EADDRNOTAVAIL;

	rc = getaddrinfo(host && *host ? host : CHARDEV_TCP_DEFAULT_HOST, port, &hints, &res);
	if (rc) {
		error_setg(err, "monitor: address resolution failed for %s:%s: %s",
			   host ? host : "", port, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 64) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		error_setg(err, "monitor: cannot listen on tcp:%s:%s: %s", host ? host : "",
			   port, g_strerror(saved));
	return fd;
}

/* Anyone who reaches an unauthenticated monitor controls the VM: say so. */
static void mon_warn_exposed(struct monitor *mon, bool exposed)
{
	if (exposed)
		warn_report("%s monitor '%s' has no authentication and listens beyond "
			    "loopback: anyone who can reach it controls the VM",
			    mon->mode == MON_QMP ? "QMP" : "HMP", mon->desc);
}

/* wait=on: like QEMU, block until the first client connects. */
static void mon_wait_first(struct monitor *mon)
{
	int cfd;

	fprintf(stderr, "kvmpc: waiting for connection on: %s\n", mon->desc);
	do {
		cfd = accept4(mon->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	} while (cfd < 0 && errno == EINTR);
	if (cfd >= 0) {
		g_unix_set_fd_nonblocking(cfd, TRUE, NULL);
		mon_client_start(mon, cfd);
	}
}

/* "unix:PATH,server=on[,wait=off]" or "tcp:HOST:PORT,server=on,...". */
static int mon_open_server(struct monitor *mon, const char *spec, struct opts *o,
			   GError **err)
{
	const char *addr = opts_get(o, "addr");
	bool wait, nowait;

	if (opts_get_bool(o, "wait", true, &wait, err) < 0 ||
	    opts_get_bool(o, "nowait", false, &nowait, err) < 0)
		return -1;
	opts_get(o, "nodelay");
	if (g_str_has_prefix(spec, "unix:")) {
		mon->listen_fd = mon_listen_unix(mon, addr, err);
	} else {
		const char *colon = strrchr(addr, ':');
		char *host;

		if (!colon) {
			error_setg(err, "monitor: tcp: expects HOST:PORT, got '%s'", addr);
			return -1;
		}
		host = g_strndup(addr, colon - addr);
		mon->listen_fd = mon_listen_tcp(host, colon + 1, err);
		g_free(host);
	}
	if (mon->listen_fd < 0 || opts_check_unused(o, "monitor", err) < 0)
		return -1;
	mon_warn_exposed(mon, chardev_fd_beyond_loopback(mon->listen_fd));
	mon->listen_src = mon_watch(mon->root->m, mon->listen_fd, G_IO_IN, mon_accept_cb, mon);
	if (wait && !nowait)
		mon_wait_first(mon);
	return 0;
}

/* ---- chardev transport ------------------------------------------------ */

static int mon_chr_can_read(void *opaque)
{
	return MON_READ_MAX;
}

static void mon_chr_read(void *opaque, const uint8_t *buf, size_t len)
{
	mon_client_input(opaque, buf, len);
}

static void mon_chr_event(void *opaque, enum chr_event ev)
{
	struct mon_client *c = opaque;

	if (ev == CHR_EVENT_OPENED) {
		mon_session_free(c);
		c->session = c->mon->mode == MON_QMP ? (void *)qmp_session_new(c)
						     : (void *)hmp_session_new(c);
		if (!c->mon->mux)
			mon_client_opened(c);
	} else if (ev == CHR_EVENT_MUX_IN && c->session && c->mon->mode == MON_HMP) {
		hmp_session_focus(c->session);
	} else if (ev == CHR_EVENT_MUX_IN && c->session && !c->greeted) {
		c->greeted = true;
		qmp_session_opened(c->session);
	} else if (ev == CHR_EVENT_CLOSED && c->mon->mode == MON_QMP && c->session) {
		qmp_session_closed(c->session);
	}
}

static int mon_attach_chardev(struct monitor *mon, struct chardev *chr, GError **err)
{
	struct chr_frontend fe = {
		.can_read = mon_chr_can_read,
		.read = mon_chr_read,
		.event = mon_chr_event,
	};
	struct mon_client *c;

	mon->chr = chr;
	mon_warn_exposed(mon, chardev_beyond_loopback(chr));
	c = mon_client_new(mon, -1);
	fe.opaque = c;
	if (chardev_is_mux(chr)) {
		mon->mux = true;
		chardev_set_mux_frontend(chr, &fe);
	} else {
		chardev_set_frontend(chr, &fe);
	}
	return 0;
}

/* ---- creation --------------------------------------------------------- */

static struct monitor *mon_new(struct mon_root *r, enum mon_mode mode, const char *desc)
{
	struct monitor *mon = g_new0(struct monitor, 1);

	mon->root = r;
	mon->mode = mode;
	mon->desc = g_strdup(desc);
	mon->listen_fd = -1;
	mon->clients = g_ptr_array_new();
	g_ptr_array_add(r->monitors, mon);
	return mon;
}

static bool mon_spec_is_server(const char *spec, struct opts **out, GError **err)
{
	const char *rest;
	bool server = false;

	*out = NULL;
	if (g_str_has_prefix(spec, "unix:"))
		rest = spec + 5;
	else if (g_str_has_prefix(spec, "tcp:"))
		rest = spec + 4;
	else
		return false;
	*out = opts_parse(rest, "addr", err);
	if (!*out)
		return false;
	if (opts_get_bool(*out, "server", false, &server, err) < 0 || !server) {
		opts_free(*out);
		*out = NULL;
		return false;
	}
	return true;
}

/* -monitor SPEC / -qmp SPEC */
static int mon_create_legacy(struct mon_root *r, enum mon_mode mode, const char *spec,
			     GError **err)
{
	struct monitor *mon;
	struct chardev *chr;
	struct opts *o;
	char id[32];
	int ret;

	if (!strcmp(spec, "none"))
		return 0;
	/* QEMU's id for the chardev of the Nth -monitor/-qmp */
	snprintf(id, sizeof(id), "compat_monitor%u", r->compat_index++);
	if (mon_spec_is_server(spec, &o, err)) {
		mon = mon_new(r, mode, spec);
		ret = mon_open_server(mon, spec, o, err);
		opts_free(o);
		return ret;
	}
	if (err && *err)
		return -1;
	chr = chardev_new_legacy(r->m, spec, id, err);
	if (!chr)
		return -1;
	mon = mon_new(r, mode, spec);
	return mon_attach_chardev(mon, chr, err);
}

/* -mon chardev=ID[,mode=readline|control][,pretty=on] */
static int mon_create_mon(struct mon_root *r, const char *optstr, GError **err)
{
	struct opts *o = opts_parse(optstr, "chardev", err);
	const char *id, *mode;
	struct chardev *chr;
	struct monitor *mon;
	bool pretty;
	int ret = -1;

	if (!o)
		return -1;
	id = opts_get(o, "chardev");
	mode = opts_get(o, "mode");
	if (opts_get_bool(o, "pretty", false, &pretty, err) < 0)
		goto out;
	opts_get(o, "id");
	if (!id) {
		error_setg(err, "-mon: parameter 'chardev' is missing");
		goto out;
	}
	if (mode && strcmp(mode, "readline") && strcmp(mode, "control")) {
		error_setg(err, "-mon: mode must be readline or control, not '%s'", mode);
		goto out;
	}
	chr = chardev_find(r->m, id);
	if (!chr) {
		error_setg(err, "-mon: chardev \"%s\" not found", id);
		goto out;
	}
	if (opts_check_unused(o, "-mon", err) < 0)
		goto out;
	if (!chardev_is_mux(chr) && chardev_has_frontend(chr)) {
		error_setg(err, "-mon: Device '%s' is in use", id);
		goto out;
	}
	mon = mon_new(r, mode && !strcmp(mode, "control") ? MON_QMP : MON_HMP, id);
	mon->pretty = pretty;
	ret = mon_attach_chardev(mon, chr, err);
out:
	opts_free(o);
	return ret;
}

static bool mon_uses_chardev(struct mon_root *r, struct chardev *chr)
{
	for (unsigned i = 0; i < r->monitors->len; i++)
		if (((struct monitor *)g_ptr_array_index(r->monitors, i))->chr == chr)
			return true;
	return false;
}

/* QEMU puts a human monitor on every mux'd stdio (mon:stdio, -nographic). */
static void mon_create_mux(struct mon_root *r)
{
	struct machine *m = r->m;
	GPtrArray *all = g_ptr_array_new();
	GHashTableIter it;
	gpointer v;

	if (m->chardevs) {
		g_hash_table_iter_init(&it, m->chardevs);
		while (g_hash_table_iter_next(&it, NULL, &v))
			g_ptr_array_add(all, v);
	}
	for (unsigned i = 0; m->anon_chardevs && i < m->anon_chardevs->len; i++)
		g_ptr_array_add(all, g_ptr_array_index(m->anon_chardevs, i));
	for (unsigned i = 0; i < all->len; i++) {
		struct chardev *chr = g_ptr_array_index(all, i);

		if (chardev_is_stdio(chr) && chardev_is_mux(chr) && !mon_uses_chardev(r, chr))
			mon_attach_chardev(mon_new(r, MON_HMP, "mon:stdio"), chr, NULL);
	}
	g_ptr_array_free(all, TRUE);
}

/* ---- run-state hook and events ---------------------------------------- */

void mon_flush_all(struct mon_root *r)
{
	for (int round = 0; round < 20; round++) {
		bool pending = false;

		for (unsigned i = 0; i < r->monitors->len; i++) {
			struct monitor *mon = g_ptr_array_index(r->monitors, i);

			for (unsigned j = 0; j < mon->clients->len; j++) {
				struct mon_client *c = g_ptr_array_index(mon->clients, j);

				if (c->dead || c->fd < 0 || !c->out->len)
					continue;
				if (mon_client_push(c) < 0)
					mon_client_kill(c);
				pending |= c->out->len > 0;
			}
		}
		if (!pending)
			return;
		g_usleep(5000);
	}
}

static void mon_cleanup(struct mon_root *r)
{
	mon_flush_all(r);
	for (unsigned i = 0; i < r->monitors->len; i++) {
		struct monitor *mon = g_ptr_array_index(r->monitors, i);

		if (mon->unix_path)
			unlink(mon->unix_path);
	}
}

static void mon_request_hook(struct machine *m, bool shutdown, const char *reason)
{
	struct mon_root *r = m->monitor;
	JsonObject *o;
	JsonNode *n;

	/* The monitor sent its own event when it made the request. */
	if (reason != MON_REASON_QUIT && reason != MON_REASON_RESET) {
		o = json_object_new();
		json_object_set_boolean_member(o, "guest", !g_str_has_prefix(reason, "host-"));
		json_object_set_string_member(o, "reason", reason);
		n = json_node_init_object(json_node_alloc(), o);
		json_object_unref(o);
		monitor_event(m, shutdown ? "SHUTDOWN" : "RESET", n);
	}
	/* -no-shutdown: the guest's power-off pauses; the sockets stay */
	if (shutdown && m->shutdown_requested)
		mon_cleanup(r);
}

void mon_request_reset(struct machine *m)
{
	m->request_reason = MON_REASON_RESET;
	machine_request_reset(m);
}

void mon_request_quit(struct machine *m)
{
	m->request_reason = MON_REASON_QUIT;
	machine_request_shutdown(m, 0);
}

void monitor_event(struct machine *m, const char *name, JsonNode *data)
{
	struct mon_root *r = m->monitor;
	JsonObject *o = json_object_new();
	JsonNode *ev;

	json_object_set_member(o, "timestamp", qmp_event_timestamp());
	json_object_set_string_member(o, "event", name);
	if (data)
		json_object_set_member(o, "data", data);
	ev = json_node_init_object(json_node_alloc(), o);
	json_object_unref(o);
	for (unsigned i = 0; r && i < r->monitors->len; i++) {
		struct monitor *mon = g_ptr_array_index(r->monitors, i);

		if (mon->mode != MON_QMP)
			continue;
		for (unsigned j = 0; j < mon->clients->len; j++) {
			struct mon_client *c = g_ptr_array_index(mon->clients, j);

			if (!c->dead && c->session && qmp_session_ready(c->session))
				qmp_session_send_node(c->session, ev);
		}
	}
	json_node_unref(ev);
}

void monitor_event_tray_moved(struct machine *m, const char *device, bool open)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "device", device);
	json_object_set_boolean_member(o, "tray-open", open);
	json_object_set_string_member(o, "id", "");
	monitor_event(m, "DEVICE_TRAY_MOVED", json_node_init_object(json_node_alloc(), o));
	json_object_unref(o);
}

static void mon_event_device_deleted(struct machine *m, const char *id, const char *path)
{
	JsonObject *o = json_object_new();

	if (id)
		json_object_set_string_member(o, "device", id);
	json_object_set_string_member(o, "path", path);
	monitor_event(m, "DEVICE_DELETED", json_node_init_object(json_node_alloc(), o));
	json_object_unref(o);
}

/* A device's event (core/machine.h) as the QMP event QEMU sends for it. */
static void mon_machine_event(struct notifier *n, void *data)
{
	struct mon_root *r = container_of(n, struct mon_root, events);
	const struct machine_event *ev = data;

	switch (ev->kind) {
	case MACHINE_EVENT_TRAY_MOVED:
		monitor_event_tray_moved(r->m, ev->id, ev->tray_open);
		break;
	case MACHINE_EVENT_SUSPEND:
		monitor_event(r->m, "SUSPEND", NULL);
		break;
	case MACHINE_EVENT_SUSPEND_DISK:
		monitor_event(r->m, "SUSPEND_DISK", NULL);
		break;
	case MACHINE_EVENT_WAKEUP:
		monitor_event(r->m, "WAKEUP", NULL);
		break;
	case MACHINE_EVENT_MIGRATION:
		qmp_migration_finished(r->m, !strcmp(ev->id, "completed"), ev->resumed);
		break;
	case MACHINE_EVENT_DEVICE_DELETED:
		mon_event_device_deleted(r->m, ev->id, ev->path);
		break;
	case MACHINE_EVENT_INTERNAL_ERROR:
		monitor_event(r->m, "STOP", NULL);
		break;
	}
}

int monitor_init_all(struct machine *m, GError **err)
{
	struct mon_root *r = g_new0(struct mon_root, 1);
	GPtrArray *specs = m->cfg->monitors;

	r->m = m;
	r->monitors = g_ptr_array_new();
	r->prelaunch = m->cfg->start_paused;
	r->xp_fmt = 'x';
	r->xp_size = 4;
	m->monitor = r;
	m->request_hook = mon_request_hook;
	r->events.notify = mon_machine_event;
	notifier_list_add(&m->events, &r->events);
	for (unsigned i = 0; specs && i < specs->len; i++) {
		const char *s = g_ptr_array_index(specs, i);
		int ret;

		if (g_str_has_prefix(s, "readline,"))
			ret = mon_create_legacy(r, MON_HMP, s + 9, err);
		else if (g_str_has_prefix(s, "control,"))
			ret = mon_create_legacy(r, MON_QMP, s + 8, err);
		else if (g_str_has_prefix(s, "mon,"))
			ret = mon_create_mon(r, s + 4, err);
		else
			ret = 0;
		if (ret < 0)
			return -1;
	}
	mon_create_mux(r);
	return 0;
}
