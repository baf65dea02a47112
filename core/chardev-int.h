/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals shared by the character device core (core/chardev.c) and its
 * socket backend (core/chardev-socket.c).  Nothing outside those two files
 * includes this.
 *
 * Locking: fields used by input (in_fd, in_src, fe, socket state) are
 * guarded by the machine lock; the output queue (out_fd, out_buf, out_src)
 * by out_lock, which nests inside the machine lock.
 */
#ifndef CORE_CHARDEV_INT_H
#define CORE_CHARDEV_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "core/chardev.h"

enum chr_kind {
	CHR_KIND_NULL,
	CHR_KIND_STDIO,
	CHR_KIND_FILE,
	CHR_KIND_PIPE,
	CHR_KIND_PTY,
	CHR_KIND_SOCKET,
	CHR_KIND_TTY, /* a host device node such as /dev/ttyS0 */
};

/* Everything a backend needs, parsed from either option syntax. */
struct chr_spec {
	enum chr_kind kind;
	char *id;
	char *path;
	char *host;
	char *port;
	bool server, wait, signal, append, nodelay, mux;
	uint64_t reconnect; /* seconds, 0 = never */
	int fd;             /* socket fd=N passed by the parent, or -1 */
};

struct chr_socket;
struct opts;

#define chr_error(err, ...) \
	g_set_error(err, G_IO_ERROR, G_IO_ERROR_FAILED, "chardev: " __VA_ARGS__)

struct chardev {
	struct machine *m;
	char *id;    /* NULL for anonymous ones */
	char *label; /* for messages */
	char *pty_name; /* the slave's path, for CHR_KIND_PTY */
	enum chr_kind kind;
	bool closed;

	/* input side (machine lock) */
	int in_fd;
	GSource *in_src;
	bool in_eof;
	struct chr_frontend fe;
	bool has_fe;
	bool mux_escape;     /* Ctrl-A commands on stdio */
	bool escape_pending;
	struct chr_frontend mux_fe; /* the monitor, reached with Ctrl-A c */
	bool has_mux_fe;
	bool mux_focus;      /* input goes to mux_fe */

	/* output side (out_lock) */
	GMutex out_lock;
	int out_fd;
	bool out_is_socket;
	GByteArray *out_buf;
	GSource *out_src;
	bool out_dropping;

	/* fds to close besides in_fd/out_fd (pty slave) */
	int extra_fd;

	struct chr_socket *sock;
};

/* Attach connected fds (in may equal out); sends OPENED to the frontend. */
void chr_attach(struct chardev *c, int in_fd, int out_fd, bool is_socket);
/* Drop fds, queued output and watches; sends CLOSED when notify is set. */
void chr_detach(struct chardev *c, bool notify);
/* Start or stop the input watch according to frontend and fds. */
void chr_update_input(struct chardev *c);

/* Parsing (core/chardev-parse.c). */
/* Fill sp from options whose key "backend" names the kind; 0 or -errno. */
int chr_spec_parse(struct opts *o, struct chr_spec *sp, GError **err);
void chr_spec_clear(struct chr_spec *sp);
/* Options equivalent to a legacy spec, or NULL with *err set. */
struct opts *chr_legacy_opts(const char *spec, GError **err);

/* Socket backend (core/chardev-socket.c). */
int chr_socket_open(struct chardev *c, const struct chr_spec *sp, GError **err);
/* The connection ended (EOF or error): listen again or reconnect. */
void chr_socket_disconnected(struct chardev *c);
void chr_socket_close(struct chardev *c);

#endif
