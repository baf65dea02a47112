// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Migration over sockets: "tcp:HOST:PORT" and "unix:PATH", as QEMU's
 * migrate and -incoming / migrate-incoming spell them.  The source
 * connects and writes the machine state stream (core/savevm.c) with the
 * machine paused, as for file: (stop and copy; there is no iterative
 * pre-copy yet).  The destination listens without blocking its main loop:
 * the monitor keeps answering ("inmigrate") until the source connects;
 * then the stream is loaded, the machine runs unless -S (or as "cont"
 * asked), and MACHINE_EVENT_MIGRATION tells the monitor the outcome.
 * One connection is taken; the listening socket then closes (a unix:
 * socket file is removed).  An empty HOST listens on 127.0.0.1 only, as
 * kvmpc's monitors do; any other address that reaches beyond loopback
 * draws a warning, since whoever connects first replaces the guest.
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib-unix.h>
#include "core/chardev.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/migration.h"

bool migration_uri_is_socket(const char *uri)
{
	return g_str_has_prefix(uri, "tcp:") || g_str_has_prefix(uri, "unix:");
}

/* "tcp:HOST:PORT" -> host (brackets of [v6] removed, "" if empty) and port */
static int tcp_split(const char *uri, char **host, char **port, GError **err)
{
	const char *hp = uri + 4, *colon = strrchr(hp, ':');

	if (!colon || !colon[1]) {
		error_setg(err, "migration URI '%s': expected tcp:HOST:PORT", uri);
		return -EINVAL;
	}
	if (hp[0] == '[' && colon > hp && colon[-1] == ']')
		*host = g_strndup(hp + 1, colon - hp - 2);
	else
		*host = g_strndup(hp, colon - hp);
	*port = g_strdup(colon + 1);
	return 0;
}

int migration_socket_check(const char *uri, GError **err)
{
	char *host, *port;

	if (g_str_has_prefix(uri, "unix:")) {
		if (uri[5] && strlen(uri + 5) < sizeof(((struct sockaddr_un *)0)->sun_path))
			return 0;
		error_setg(err, "migration URI '%s': expected unix:PATH (at most 107 bytes)", uri);
		return -EINVAL;
	}
	if (tcp_split(uri, &host, &port, err) < 0)
		return -EINVAL;
	g_free(host);
	g_free(port);
	return 0;
}

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	g_strlcpy(sa->sun_path, path, sizeof(sa->sun_path));
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* One address of getaddrinfo's list: a listening or connected socket. */
static int tcp_try(const struct addrinfo *ai, bool listening)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	int one = 1, ret;

	if (fd < 0)
		return -errno;
	if (listening) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		ret = bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0;
	} else {
		ret = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
	}
	if (ret)
		return fd;
	ret = -errno;
	close(fd);
	return ret;
}

static int tcp_open(const char *uri, bool listening, GError **err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = listening ? AI_PASSIVE : 0 };
	struct addrinfo *res, *ai;
	char *host, *port;
	int fd = -EADDRNOTAVAIL, rc;

	if (tcp_split(uri, &host, &port, err) < 0)
		return -EINVAL;
	rc = getaddrinfo(*host ? host : "127.0.0.1", port, &hints, &res);
	if (rc) {
		error_setg(err, "%s: cannot resolve: %s", uri, gai_strerror(rc));
		fd = -EINVAL;
	} else {
		for (ai = res; ai && fd < 0; ai = ai->ai_next)
			fd = tcp_try(ai, listening);
		freeaddrinfo(res);
		if (fd < 0)
			error_setg(err, "%s: cannot %s: %s", uri,
				   listening ? "listen" : "connect", g_strerror(-fd));
	}
	g_free(host);
	g_free(port);
	return fd;
}

static int unix_open(const char *uri, bool listening, GError **err)
{
	struct sockaddr_un sa;
	int fd = unix_addr(uri + 5, &sa), ok;

	if (fd < 0) {
		error_setg(err, "%s: %s", uri, g_strerror(errno));
		return -errno;
	}
	if (listening) {
		unlink(sa.sun_path); /* a stale socket from an earlier run */
		ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 1) == 0;
	} else {
		ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	}
	if (!ok) {
		int e = errno;

		error_setg(err, "%s: cannot %s: %s", uri, listening ? "listen" : "connect",
			   g_strerror(e));
		close(fd);
		return -e;
	}
	return fd;
}

int migration_socket_connect(const char *uri, GError **err)
{
	return g_str_has_prefix(uri, "unix:") ? unix_open(uri, false, err)
					      : tcp_open(uri, false, err);
}

static void listener_close(struct migration_state *s)
{
	if (s->listen_src) {
		g_source_destroy(s->listen_src);
		g_source_unref(s->listen_src);
	}
	s->listen_src = NULL;
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	s->listen_fd = -1;
	if (s->listen_path)
		unlink(s->listen_path);
	g_clear_pointer(&s->listen_path, g_free);
}

/* The source connected: load its stream now (main loop, takes the lock). */
static gboolean accept_cb(int lfd, GIOCondition cond, gpointer opaque)
{
	struct machine *m = opaque;
	struct migration_state *s = migration_state(m);
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return G_SOURCE_CONTINUE; /* EINTR, EAGAIN, a connection reset early */
	machine_lock(m);
	listener_close(s); /* one source only */
	migration_load_fd(m, fd);
	machine_unlock(m);
	return G_SOURCE_REMOVE;
}

int migration_socket_listen(struct machine *m, const char *uri, GError **err)
{
	struct migration_state *s = migration_state(m);
	bool is_unix = g_str_has_prefix(uri, "unix:");
	int fd = is_unix ? unix_open(uri, true, err) : tcp_open(uri, true, err);

	if (fd < 0)
		return fd;
	if (!is_unix && chardev_fd_beyond_loopback(fd))
		warn_report("incoming migration on '%s' listens beyond loopback: whoever "
			    "connects first replaces this VM's state", uri + 4);
	listener_close(s);
	s->listen_fd = fd;
	s->listen_path = is_unix ? g_strdup(uri + 5) : NULL;
	s->listen_src = g_unix_fd_source_new(fd, G_IO_IN);
	g_source_set_callback(s->listen_src, G_SOURCE_FUNC(accept_cb), m, NULL);
	g_source_attach(s->listen_src, m->ctx);
	s->status = MIGRATION_SETUP;
	return 0;
}

void migration_socket_cleanup(struct machine *m)
{
	if (m->migration)
		listener_close(m->migration);
}
