/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Character devices: the host end of a serial port, debug console, monitor
 * or qtest channel.  Backends: null, stdio, file:PATH, pipe:PATH (PATH.in /
 * PATH.out, or PATH), unix:PATH[,server=on,wait=off], tcp:127.0.0.1:PORT
 * [,server=on,wait=off], pty.  Input arrives on the I/O thread through the
 * frontend's handlers, called with the machine lock held.
 */
#ifndef CORE_CHARDEV_H
#define CORE_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

struct machine;
struct chardev;

enum chr_event {
	CHR_EVENT_OPENED,
	CHR_EVENT_CLOSED,
	CHR_EVENT_MUX_IN, /* mux: input now goes to this frontend (Ctrl-A c) */
	CHR_EVENT_DRAINED, /* queued output has all been written; input re-polled */
};

struct chr_frontend {
	/* How many bytes the frontend can take now (0 = stop reading). */
	int (*can_read)(void *opaque);
	void (*read)(void *opaque, const uint8_t *buf, size_t len);
	void (*event)(void *opaque, enum chr_event ev);
	void *opaque;
};

/*
 * Create from a -chardev option string ("socket,id=x,path=..." style) or a
 * legacy spec ("stdio", "file:out.txt", "tcp:127.0.0.1:4444,server=on").
 * id may be NULL for anonymous ones (-serial stdio).
 */
struct chardev *chardev_new_opts(struct machine *m, const char *optstr, GError **err);
struct chardev *chardev_new_legacy(struct machine *m, const char *spec,
				   const char *id, GError **err);
struct chardev *chardev_find(struct machine *m, const char *id);
/*
 * At start-up, before any device: every -chardev, then the chardevs -serial
 * (ids serial0..) and -debugcon (id debugcon) describe inline.  0, or -1.
 */
int chardev_init_all(struct machine *m, GError **err);
/* The chardev created for a legacy spec under id ("chardev:X" names X). */
struct chardev *chardev_legacy_find(struct machine *m, const char *spec, const char *id,
				    GError **err);
/*
 * The chardev a device `owner` (its class name) names in chardev=ID, if
 * no frontend holds it yet (the device attaches with chardev_set_frontend()
 * once it is realized).  With QEMU's wording, *err says "Property
 * 'OWNER.chardev' can't find value 'ID'" or "... can't take value 'ID':
 * Device 'ID' is in use".
 */
struct chardev *chardev_lookup(struct machine *m, const char *owner, const char *id,
			       GError **err);
const char *chardev_id(struct chardev *c);
/* query-chardev: its label, and "pty:PATH" for a pty, else the kind */
const char *chardev_label(struct chardev *c);
char *chardev_filename(struct chardev *c);

/*
 * Bytes are queued and written in order; never blocks the caller.  Output
 * queued beyond 4 MiB (a reader not keeping up) is dropped with a warning.
 */
void chardev_write(struct chardev *c, const uint8_t *buf, size_t len);
/*
 * The same, but everything is queued however large: for a frontend that
 * bounds its own output, e.g. by reading no input while
 * chardev_write_pending() (qtest: one reply at a time).
 */
void chardev_write_all(struct chardev *c, const uint8_t *buf, size_t len);
/* True while written bytes wait in the queue (CHR_EVENT_DRAINED follows). */
bool chardev_write_pending(struct chardev *c);
void chardev_set_frontend(struct chardev *c, const struct chr_frontend *fe);
/* True while a frontend is attached (a second device must refuse it). */
bool chardev_has_frontend(struct chardev *c);
/* Re-poll after can_read went from 0 to > 0. */
void chardev_accept_input(struct chardev *c);
bool chardev_is_stdio(struct chardev *c);
/* A stdio with Ctrl-A commands (mux=on, mon:stdio, -nographic). */
bool chardev_is_mux(struct chardev *c);
/*
 * The monitor's frontend on a mux chardev: Ctrl-A c moves input between
 * the main frontend and this one (which then gets CHR_EVENT_MUX_IN).
 * Output from both goes out interleaved.
 */
void chardev_set_mux_frontend(struct chardev *c, const struct chr_frontend *fe);
void chardev_close_all(struct machine *m);

/*
 * A TCP server given no host ("tcp::4444,server=on") listens on this
 * address only, unlike QEMU, which listens on every address: a monitor or
 * qtest socket has no authentication.
 */
#define CHARDEV_TCP_DEFAULT_HOST "127.0.0.1"
/* True if fd is a TCP socket bound to an address outside loopback. */
bool chardev_fd_beyond_loopback(int fd);
/* True if c is a TCP server listening on an address outside loopback. */
bool chardev_beyond_loopback(struct chardev *c);

#endif
