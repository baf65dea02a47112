// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Socket character devices: unix:PATH and tcp:HOST:PORT, as a client or,
 * with server=on, listening and serving one client at a time (the next one
 * is accepted when the current one leaves).  wait=on (the default for a
 * server, as in QEMU) blocks at creation until the first client arrives;
 * reconnect=N makes a client retry every N seconds after a failure or a
 * hang-up.  Behaviour follows QEMU's -chardev socket, except that a TCP
 * server given no host listens on loopback only (QEMU: every address);
 * telnet and websocket framing are left out.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib-unix.h>

#include "core/chardev-int.h"
#include "core/log.h"
#include "core/machine.h"

struct chr_socket {
	bool server;
	bool nodelay;
	unsigned reconnect; /* seconds, 0 = never */
	char *path;         /* unix socket path, or NULL for tcp */
	char *host, *port;
	char *desc;         /* "unix:/tmp/s,server=on" for messages */
	int given_fd;       /* fd=N: used instead of opening one, or -1 */
	int listen_fd;
	GSource *listen_src;
	GSource *retry_src;
};

#define sock_error(err, ...) \
	g_set_error(err, G_IO_ERROR, G_IO_ERROR_FAILED, "chardev: " __VA_ARGS__)

static void sock_unwatch(GSource **s)
{
	if (*s) {
		g_source_destroy(*s);
		g_source_unref(*s);
		*s = NULL;
	}
}

static int sock_unix_addr(const char *path, struct sockaddr_un *sa, GError **err)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		sock_error(err, "socket path '%s' is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

static int sock_unix(struct chr_socket *cs, GError **err)
{
	struct sockaddr_un sa;
	int fd, ret;

	if (sock_unix_addr(cs->path, &sa, err) < 0)
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (cs->server) {
		unlink(cs->path); /* a stale socket from an earlier run */
		ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
		if (ret == 0)
			ret = listen(fd, 1);
	} else {
		ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	}
	if (ret == 0)
		return fd;
fail:
	ret = -errno;
	sock_error(err, "cannot %s %s: %s", cs->server ? "listen on" : "connect to",
		   cs->desc, g_strerror(errno));
	if (fd >= 0)
		close(fd);
	return ret;
}

static int sock_tcp_one(struct chr_socket *cs, const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	int one = 1;

	if (fd < 0)
		return -errno;
	if (cs->server) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0)
			return fd;
	} else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		return fd;
	}
	one = -errno;
	close(fd);
	return one;
}

static int sock_tcp(struct chr_socket *cs, GError **err)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = cs->server ? AI_PASSIVE : 0,
	};
	struct addrinfo *res, *ai;
	const char *host = cs->host && *cs->host ? cs->host : NULL;
	int fd = -EADDRNOTAVAIL, rc;

	if (!host && cs->server)
		host = CHARDEV_TCP_DEFAULT_HOST;

	rc = getaddrinfo(host, cs->port, &hints, &res);
	if (rc) {
		sock_error(err, "cannot resolve %s: %s", cs->desc, gai_strerror(rc));
		return -EINVAL;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = sock_tcp_one(cs, ai);
		if (fd >= 0)
			break;
	}
	freeaddrinfo(res);
	if (fd < 0)
		sock_error(err, "cannot %s %s: %s", cs->server ? "listen on" : "connect to",
			   cs->desc, g_strerror(-fd));
	return fd;
}

bool chardev_fd_beyond_loopback(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;
	const uint8_t *a6 = s6->sin6_addr.s6_addr;

	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return false;
	if (ss.ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) != 127;
	if (ss.ss_family != AF_INET6)
		return false; /* unix sockets */
	if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
		return false;
	return !(IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && a6[12] == 127);
}

bool chardev_beyond_loopback(struct chardev *c)
{
	return c->sock && c->sock->server && !c->sock->path &&
	       chardev_fd_beyond_loopback(c->sock->listen_fd);
}

/* A listening socket (server) or a connected one (client). */
static int sock_open_fd(struct chr_socket *cs, GError **err)
{
	int fd = cs->given_fd, type;
	socklen_t len = sizeof(type);

	if (fd < 0)
		return cs->path ? sock_unix(cs, err) : sock_tcp(cs, err);
	cs->given_fd = -1; /* once: a reconnect has nothing to reopen */
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM) {
		sock_error(err, "%s is not a stream socket", cs->desc);
		return -ENOTSOCK;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

static void sock_connected(struct chardev *c, int fd)
{
	int one = 1;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (c->sock->nodelay && !c->sock->path)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	chr_attach(c, fd, fd, true);
}

static gboolean sock_accept_cb(int fd, GIOCondition cond, gpointer opaque)
{
	struct chardev *c = opaque;
	struct chr_socket *cs;
	int cfd;

	machine_lock(c->m);
	cs = c->sock;
	if (cs && cs->listen_src && c->in_fd < 0 && !c->closed) {
		cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (cfd >= 0) {
			sock_unwatch(&cs->listen_src);
			sock_connected(c, cfd);
		}
	}
	machine_unlock(c->m);
	return G_SOURCE_CONTINUE;
}

static void sock_listen_watch(struct chardev *c)
{
	struct chr_socket *cs = c->sock;

	if (cs->listen_src || cs->listen_fd < 0)
		return;
	cs->listen_src = g_unix_fd_source_new(cs->listen_fd, G_IO_IN);
	g_source_set_callback(cs->listen_src,
			      (GSourceFunc)(void (*)(void))sock_accept_cb, c, NULL);
	g_source_attach(cs->listen_src, c->m->ctx);
}

static gboolean sock_retry_cb(gpointer opaque)
{
	struct chardev *c = opaque;
	struct chr_socket *cs;
	int fd;

	machine_lock(c->m);
	cs = c->sock;
	if (cs && cs->retry_src && !c->closed && c->in_fd < 0) {
		fd = sock_open_fd(cs, NULL);
		if (fd >= 0) {
			sock_unwatch(&cs->retry_src);
			sock_connected(c, fd);
		}
	}
	machine_unlock(c->m);
	return G_SOURCE_CONTINUE;
}

static void sock_retry_later(struct chardev *c)
{
	struct chr_socket *cs = c->sock;

	if (cs->retry_src || !cs->reconnect)
		return;
	cs->retry_src = g_timeout_source_new_seconds(cs->reconnect);
	g_source_set_callback(cs->retry_src, sock_retry_cb, c, NULL);
	g_source_attach(cs->retry_src, c->m->ctx);
}

void chr_socket_disconnected(struct chardev *c)
{
	if (!c->sock || c->closed)
		return;
	if (c->sock->server)
		sock_listen_watch(c);
	else
		sock_retry_later(c);
}

static void sock_free(struct chr_socket *cs)
{
	g_free(cs->path);
	g_free(cs->host);
	g_free(cs->port);
	g_free(cs->desc);
	g_free(cs);
}

void chr_socket_close(struct chardev *c)
{
	struct chr_socket *cs = c->sock;

	if (!cs)
		return;
	sock_unwatch(&cs->listen_src);
	sock_unwatch(&cs->retry_src);
	if (cs->listen_fd >= 0) {
		close(cs->listen_fd);
		if (cs->path)
			unlink(cs->path);
	}
	c->sock = NULL;
	sock_free(cs);
}

static struct chr_socket *sock_new(const struct chr_spec *sp)
{
	struct chr_socket *cs = g_new0(struct chr_socket, 1);

	cs->server = sp->server;
	cs->nodelay = sp->nodelay;
	cs->reconnect = sp->server ? 0 : (unsigned)sp->reconnect;
	cs->path = g_strdup(sp->path);
	cs->host = g_strdup(sp->host ? sp->host : "");
	cs->port = g_strdup(sp->port);
	cs->listen_fd = -1;
	cs->given_fd = sp->fd;
	if (sp->fd >= 0)
		cs->desc = g_strdup_printf("fd:%d%s", sp->fd, cs->server ? ",server=on" : "");
	else if (cs->path)
		cs->desc = g_strdup_printf("unix:%s%s", cs->path,
					   cs->server ? ",server=on" : "");
	else
		cs->desc = g_strdup_printf("tcp:%s:%s%s", cs->host, cs->port,
					   cs->server ? ",server=on" : "");
	return cs;
}

/* wait=on: block until the first client arrives, as QEMU does. */
static int sock_wait_first(struct chardev *c, GError **err)
{
	struct chr_socket *cs = c->sock;
	int fd;

	fprintf(stderr, "kvmpc: waiting for connection on: %s\n", cs->desc);
	do
		fd = accept4(cs->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		sock_error(err, "accept on %s failed: %s", cs->desc, g_strerror(errno));
		return -errno;
	}
	sock_connected(c, fd);
	return 0;
}

static int sock_start_server(struct chardev *c, const struct chr_spec *sp, GError **err)
{
	struct chr_socket *cs = c->sock;
	int fd = sock_open_fd(cs, err);

	if (fd < 0)
		return fd;
	cs->listen_fd = fd;
	if (sp->wait && sock_wait_first(c, err) < 0)
		return -EIO;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (c->in_fd < 0)
		sock_listen_watch(c);
	return 0;
}

static int sock_start_client(struct chardev *c, GError **err)
{
	struct chr_socket *cs = c->sock;
	GError *local = NULL;
	int fd = sock_open_fd(cs, &local);

	if (fd >= 0) {
		sock_connected(c, fd);
		return 0;
	}
	if (!cs->reconnect) {
		g_propagate_error(err, local);
		return fd;
	}
	warn_report("%s; retrying every %u s", local->message, cs->reconnect);
	g_error_free(local);
	sock_retry_later(c);
	return 0;
}

int chr_socket_open(struct chardev *c, const struct chr_spec *sp, GError **err)
{
	int ret;

	c->sock = sock_new(sp);
	ret = c->sock->server ? sock_start_server(c, sp, err) : sock_start_client(c, err);
	if (ret < 0)
		chr_socket_close(c);
	return ret;
}
