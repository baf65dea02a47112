// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VNC server following RFC 6143 (RFB 3.8, and the 3.3/3.7 handshakes):
 * security type None, or with ",password=on" VNC authentication only
 * (ui/vnc-auth.c; the password comes from QMP change-vnc-password or HMP
 * set_password, and nobody gets in before it is set).  Raw, Hextile and
 * ZRLE (ui/vnc-enc.c; the first of them in the client's SetEncodings
 * list, Raw if none), the DesktopSize pseudo-encoding (-223) for mode
 * changes and QEMU's extended key event (-258, raw scan codes) from
 * rfbproto.  Any true-colour pixel format of 8/16/32 bits is converted to
 * on the fly.  Keys arrive as X11 keysyms (ui/keymap.c maps a US layout)
 * or QEMU key codes; the pointer is turned into relative PS/2 motion, or
 * an absolute position when a tablet (usb-tablet) takes pointer events.
 * Several clients may share the screen.
 *
 * The server is written here rather than on libvncserver or neatvnc: it
 * runs in the machine's GLib main context under the machine lock with no
 * threads of its own, and the console hands it a pixman surface directly;
 * libvncserver brings its own threads and framebuffer copy, neatvnc (0.5
 * in Debian 12) drives its sockets from its own aml event loop.
 *
 * Left out: TLS and VeNCrypt (so ":N" binds 127.0.0.1 only, unlike QEMU,
 * even with a password: DES with 8 characters is no protection on an
 * open network), password expiry, Tight, CopyRect, the cursor
 * pseudo-encoding (std VGA has no cursor sprite to send), colour-map
 * formats, cut text, audio.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib-unix.h>
#include "ui/vnc.h"
#include "ui/vnc-enc.h"
#include "ui/vnc-auth.h"
#include "ui/console.h"
#include "ui/keymap.h"
#include "core/log.h"
#include "core/machine.h"

#define VNC_REFRESH_MS 30
#define VNC_MAX_QUEUED (8u << 20)  /* stop sending frames above this */
#define VNC_MAX_INPUT (1u << 20)
#define VNC_MAX_KEYS 0x200

enum vnc_state { VNC_VERSION, VNC_SECURITY, VNC_AUTH, VNC_CLIENT_INIT, VNC_NORMAL };

struct vnc_server;

struct vnc_client {
	struct vnc_server *srv;
	int fd;
	bool dead; /* socket failed: closed at the end of the current callback */
	GSource *in_src, *out_src;
	GByteArray *in, *out;
	enum vnc_state state;
	int minor;
	struct vnc_pixfmt pf;
	bool want_update, incremental;
	bool dirty, need_full;
	int x0, y0, x1, y1;
	int w, h; /* size the client knows */
	bool desktop_size, ext_key;
	uint8_t challenge[VNC_AUTH_CHALLENGE];
	int32_t encoding; /* VNC_ENC_RAW, _HEXTILE or _ZRLE */
	z_stream zs; /* ZRLE's stream, for the whole connection */
	bool zs_ready;
	int last_x, last_y;
	bool have_pos;
	unsigned buttons;
	bool held[VNC_MAX_KEYS];
};

struct vnc_server {
	struct machine *m;
	struct console *con;
	int listen_fd;
	GSource *listen_src, *timer;
	GPtrArray *clients;
	struct display_listener listener;
	bool auth;      /* password=on: security type 2 only */
	char *password; /* NULL until set: every attempt fails */
};

/* The server -vnc made, for the monitor's password commands. */
static struct vnc_server *vnc_the_server;

/* ---- output ---- */

static void vnc_client_close(struct vnc_client *c);

static gboolean vnc_on_writable(gint fd, GIOCondition cond, gpointer opaque);

static void vnc_flush(struct vnc_client *c)
{
	while (c->out->len && !c->dead) {
		ssize_t n = send(c->fd, c->out->data, c->out->len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			c->dead = true;
			return;
		}
		g_byte_array_remove_range(c->out, 0, n);
	}
	if (c->dead)
		return;
	if (c->out->len && !c->out_src) {
		c->out_src = g_unix_fd_source_new(c->fd, G_IO_OUT);
		g_source_set_callback(c->out_src, (GSourceFunc)(void (*)(void))vnc_on_writable,
				      c, NULL);
		g_source_attach(c->out_src, c->srv->m->ctx);
	} else if (!c->out->len && c->out_src) {
		g_source_destroy(c->out_src);
		g_source_unref(c->out_src);
		c->out_src = NULL;
	}
}

static void put8(struct vnc_client *c, uint8_t v)
{
	g_byte_array_append(c->out, &v, 1);
}

static void put16(struct vnc_client *c, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v };

	g_byte_array_append(c->out, b, 2);
}

static void put32(struct vnc_client *c, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

	g_byte_array_append(c->out, b, 4);
}

static void put_rect_header(struct vnc_client *c, int x, int y, int w, int h, int32_t enc)
{
	put16(c, x);
	put16(c, y);
	put16(c, w);
	put16(c, h);
	put32(c, (uint32_t)enc);
}

/* ---- pixels ---- */

static const struct vnc_pixfmt vnc_native = { 32, 24, 0, { 255, 255, 255 }, { 16, 8, 0 } };

static const char *vnc_enc_name(int32_t enc)
{
	return enc == VNC_ENC_ZRLE ? "zrle" : enc == VNC_ENC_HEXTILE ? "hextile" : "raw";
}

/* The rectangle's header and body in the client's encoding. */
static void vnc_send_rect(struct vnc_client *c, int x, int y, int w, int h)
{
	struct display_surface *s = c->srv->con->surface;
	size_t pitch = surface_stride(s) / 4;
	struct vnc_rect r = { surface_data(s) + (size_t)y * pitch + x, pitch, w, h };
	int32_t enc = c->encoding;

	if (enc == VNC_ENC_ZRLE && !c->zs_ready) {
		if (deflateInit(&c->zs, Z_DEFAULT_COMPRESSION) == Z_OK)
			c->zs_ready = true;
		else
			enc = VNC_ENC_RAW;
	}
	put_rect_header(c, x, y, w, h, enc);
	if (enc == VNC_ENC_ZRLE && vnc_enc_zrle(c->out, &c->zs, &c->pf, &r) < 0)
		c->dead = true; /* the stream is lost: the client could not follow */
	else if (enc == VNC_ENC_HEXTILE)
		vnc_enc_hextile(c->out, &c->pf, &r);
	else if (enc == VNC_ENC_RAW)
		vnc_enc_raw(c->out, &c->pf, &r);
}

/* One FramebufferUpdate: resize notice if needed, then the dirty rectangle. */
static void vnc_send_update(struct vnc_client *c)
{
	struct display_surface *s = c->srv->con->surface;
	bool resize = c->desktop_size && (c->w != s->width || c->h != s->height);
	int x0 = 0, y0 = 0, x1 = s->width, y1 = s->height;

	if (resize || c->need_full || !c->incremental) {
		c->need_full = false;
	} else {
		x0 = c->x0;
		y0 = c->y0;
		x1 = MIN(c->x1, s->width);
		y1 = MIN(c->y1, s->height);
	}
	if (!resize) {
		/* a client that cannot resize sees what fits its old size */
		x1 = MIN(x1, c->w);
		y1 = MIN(y1, c->h);
	}
	c->dirty = false;
	c->want_update = false;
	bool rect = x1 > x0 && y1 > y0;
	put8(c, 0);
	put8(c, 0);
	put16(c, resize + rect);
	if (resize) {
		put_rect_header(c, 0, 0, s->width, s->height, VNC_ENC_DESKTOP_SIZE);
		c->w = s->width;
		c->h = s->height;
	}
	guint before = c->out->len;
	if (rect)
		vnc_send_rect(c, x0, y0, x1 - x0, y1 - y0);
	log_cat(LOG_UI, "vnc: update %dx%d+%d+%d%s %s %u bytes", rect ? x1 - x0 : 0,
		rect ? y1 - y0 : 0, x0, y0, resize ? " (new size)" : "", vnc_enc_name(c->encoding),
		c->out->len - before);
	vnc_flush(c);
}

static void vnc_mark(struct vnc_client *c, int x, int y, int w, int h)
{
	if (!c->dirty) {
		c->x0 = x, c->y0 = y, c->x1 = x + w, c->y1 = y + h;
		c->dirty = true;
		return;
	}
	c->x0 = MIN(c->x0, x);
	c->y0 = MIN(c->y0, y);
	c->x1 = MAX(c->x1, x + w);
	c->y1 = MAX(c->y1, y + h);
}

static void vnc_listener_update(void *opaque, int x, int y, int w, int h)
{
	struct vnc_server *srv = opaque;

	for (unsigned i = 0; i < srv->clients->len; i++)
		vnc_mark(g_ptr_array_index(srv->clients, i), x, y, w, h);
}

static void vnc_listener_switch(void *opaque, struct display_surface *s)
{
	struct vnc_server *srv = opaque;

	for (unsigned i = 0; i < srv->clients->len; i++) {
		struct vnc_client *c = g_ptr_array_index(srv->clients, i);
		c->need_full = true;
	}
}

static gboolean vnc_tick(gpointer opaque)
{
	struct vnc_server *srv = opaque;

	if (!srv->clients->len)
		return G_SOURCE_CONTINUE;
	machine_lock(srv->m);
	console_refresh(srv->con);
	for (unsigned i = 0; i < srv->clients->len; i++) {
		struct vnc_client *c = g_ptr_array_index(srv->clients, i);
		struct display_surface *s = srv->con->surface;
		bool resized = c->w != s->width || c->h != s->height;
		if (c->state != VNC_NORMAL || !c->want_update || c->out->len > VNC_MAX_QUEUED)
			continue;
		if (c->dirty || c->need_full || !c->incremental || resized)
			vnc_send_update(c);
		if (c->dead) {
			vnc_client_close(c);
			i--;
		}
	}
	machine_unlock(srv->m);
	return G_SOURCE_CONTINUE;
}

/* ---- handshake ---- */

static void vnc_server_init_msg(struct vnc_client *c)
{
	struct display_surface *s = c->srv->con->surface;
	const char *name = c->srv->m->cfg && c->srv->m->cfg->name ? c->srv->m->cfg->name : "kvmpc";

	c->w = s->width;
	c->h = s->height;
	put16(c, c->w);
	put16(c, c->h);
	put8(c, 32);
	put8(c, 24);
	put8(c, 0);  /* little endian */
	put8(c, 1);  /* true colour */
	put16(c, 255);
	put16(c, 255);
	put16(c, 255);
	put8(c, 16);
	put8(c, 8);
	put8(c, 0);
	put8(c, 0);
	put8(c, 0);
	put8(c, 0);
	put32(c, strlen(name));
	g_byte_array_append(c->out, (const uint8_t *)name, strlen(name));
	c->state = VNC_NORMAL;
}

/* A handshake failure: 3.8 clients get the reason, then the line is cut. */
static int vnc_refuse(struct vnc_client *c, bool result, const char *why)
{
	if (result)
		put32(c, 1);
	if (c->minor >= 8) {
		put32(c, strlen(why));
		g_byte_array_append(c->out, (const uint8_t *)why, strlen(why));
	}
	log_cat(LOG_UI, "vnc: client refused: %s", why);
	return -1;
}

/* Security type 2: send the challenge and wait for the response. */
static int vnc_start_auth(struct vnc_client *c)
{
	if (vnc_auth_challenge(c->challenge) < 0)
		return -1;
	g_byte_array_append(c->out, c->challenge, VNC_AUTH_CHALLENGE);
	c->state = VNC_AUTH;
	return 0;
}

static int vnc_check_auth(struct vnc_client *c, const uint8_t *resp)
{
	if (!vnc_auth_check(c->srv->password, c->challenge, resp))
		return vnc_refuse(c, true, "Authentication failed");
	put32(c, 0);
	c->state = VNC_CLIENT_INIT;
	return 0;
}

/* Returns bytes consumed, 0 if more are needed, -1 to drop the client. */
static int vnc_handshake(struct vnc_client *c, const uint8_t *p, size_t len)
{
	uint8_t type = c->srv->auth ? 2 : 1;

	switch (c->state) {
	case VNC_VERSION:
		if (len < 12)
			return 0;
		if (memcmp(p, "RFB 003.", 8) || p[11] != '\n')
			return -1;
		c->minor = atoi((const char *)p + 8);
		if (c->minor >= 7) {
			put8(c, 1);
			put8(c, type);
			c->state = VNC_SECURITY;
			return 12;
		}
		put32(c, type); /* 3.3: the server picks */
		c->state = VNC_CLIENT_INIT;
		if (type == 2 && vnc_start_auth(c) < 0)
			return -1;
		return 12;
	case VNC_SECURITY:
		if (len < 1)
			return 0;
		if (p[0] != type)
			return vnc_refuse(c, true, type == 2 ? "only VNC authentication is offered"
							     : "only security type None is offered");
		if (type == 2)
			return vnc_start_auth(c) < 0 ? -1 : 1;
		if (c->minor >= 8)
			put32(c, 0);
		c->state = VNC_CLIENT_INIT;
		return 1;
	case VNC_AUTH:
		if (len < VNC_AUTH_CHALLENGE)
			return 0;
		return vnc_check_auth(c, p) < 0 ? -1 : VNC_AUTH_CHALLENGE;
	default:
		if (len < 1)
			return 0;
		vnc_server_init_msg(c);
		return 1;
	}
}

/* ---- client messages ---- */

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static int vnc_set_pixel_format(struct vnc_client *c, const uint8_t *f)
{
	struct vnc_pixfmt pf = { f[0], f[1], f[2] != 0, { get16(f + 4), get16(f + 6), get16(f + 8) },
				 { f[10], f[11], f[12] } };

	if ((pf.bpp != 8 && pf.bpp != 16 && pf.bpp != 32) || !f[3])
		return -1; /* colour maps are not offered */
	for (int i = 0; i < 3; i++)
		if (pf.shift[i] >= pf.bpp || !pf.max[i])
			return -1;
	c->pf = pf;
	c->need_full = true;
	return 0;
}

static void vnc_set_encodings(struct vnc_client *c, const uint8_t *p, unsigned n)
{
	bool ext_key = false;

	bool chosen = false;

	c->desktop_size = false;
	c->encoding = VNC_ENC_RAW;
	for (unsigned i = 0; i < n; i++) {
		int32_t e = (int32_t)get32(p + 4 * i);
		/* the client lists encodings in its order of preference */
		if (!chosen && (e == VNC_ENC_RAW || e == VNC_ENC_HEXTILE || e == VNC_ENC_ZRLE)) {
			c->encoding = e;
			chosen = true;
		} else if (e == VNC_ENC_DESKTOP_SIZE)
			c->desktop_size = true;
		else if (e == VNC_ENC_EXT_KEY)
			ext_key = true;
	}
	if (ext_key && !c->ext_key) {
		/* acknowledge with an empty pseudo-rectangle, as QEMU does */
		put8(c, 0);
		put8(c, 0);
		put16(c, 1);
		put_rect_header(c, 0, 0, 0, 0, VNC_ENC_EXT_KEY);
	}
	c->ext_key = ext_key;
}

static void vnc_key(struct vnc_client *c, unsigned key, bool down)
{
	if (!key || key >= VNC_MAX_KEYS)
		return;
	if (!down && !c->held[key])
		return;
	c->held[key] = down;
	console_key_event(key, down);
}

static void vnc_pointer(struct vnc_client *c, uint8_t mask, int x, int y)
{
	unsigned buttons = (mask & 1 ? 0x01 : 0) | (mask & 4 ? 0x02 : 0) | (mask & 2 ? 0x04 : 0);
	int dz = (mask & 8 ? -1 : 0) + (mask & 16 ? 1 : 0);
	int dx = c->have_pos ? x - c->last_x : 0, dy = c->have_pos ? y - c->last_y : 0;

	c->last_x = x;
	c->last_y = y;
	c->have_pos = true;
	if (console_input_absolute()) {
		/* a tablet: the position on the screen, as QEMU scales it */
		struct display_surface *s = c->srv->con->surface;

		console_abs_event(console_abs_scale(x, s->width), console_abs_scale(y, s->height),
				  dz, buttons);
	} else if (dx || dy || dz || buttons != c->buttons) {
		console_mouse_event(dx, dy, dz, buttons);
	}
	c->buttons = buttons;
}

/* Returns bytes consumed, 0 if more are needed, -1 to drop the client. */
static int vnc_message(struct vnc_client *c, const uint8_t *p, size_t len)
{
	switch (p[0]) {
	case 0:
		if (len < 20)
			return 0;
		return vnc_set_pixel_format(c, p + 4) < 0 ? -1 : 20;
	case 2: {
		if (len < 4)
			return 0;
		unsigned n = get16(p + 2);
		if (len < 4 + 4 * (size_t)n)
			return 0;
		vnc_set_encodings(c, p + 4, n);
		return 4 + 4 * n;
	}
	case 3:
		if (len < 10)
			return 0;
		c->want_update = true;
		c->incremental = p[1] != 0;
		if (!c->incremental)
			c->need_full = true;
		return 10;
	case 4:
		if (len < 8)
			return 0;
		vnc_key(c, keymap_keysym_to_ps2(get32(p + 4)), p[1]);
		return 8;
	case 5:
		if (len < 6)
			return 0;
		vnc_pointer(c, p[1], get16(p + 2), get16(p + 4));
		return 6;
	case 6: {
		if (len < 8)
			return 0;
		uint32_t n = get32(p + 4);
		if (n > VNC_MAX_INPUT)
			return -1;
		return len < 8 + (size_t)n ? 0 : (int)(8 + n);
	}
	case 255:
		if (len < 2)
			return 0;
		if (p[1] != 0)
			return -1;
		if (len < 12)
			return 0;
		vnc_key(c, keymap_qnum_to_ps2(get32(p + 8)), get16(p + 2) != 0);
		return 12;
	default:
		return -1;
	}
}

/* Consume what can be parsed; a protocol error marks the client dead. */
static void vnc_process_input(struct vnc_client *c)
{
	size_t off = 0;

	while (off < c->in->len) {
		const uint8_t *p = c->in->data + off;
		size_t len = c->in->len - off;
		int n = c->state == VNC_NORMAL ? vnc_message(c, p, len) : vnc_handshake(c, p, len);
		if (n < 0) {
			vnc_flush(c); /* a 3.8 failure reason, if any */
			c->dead = true;
			return;
		}
		if (n == 0)
			break;
		off += n;
	}
	g_byte_array_remove_range(c->in, 0, off);
	vnc_flush(c);
}

/* ---- connections ---- */

static void vnc_client_close(struct vnc_client *c)
{
	struct vnc_server *srv = c->srv;

	for (unsigned k = 0; k < VNC_MAX_KEYS; k++)
		if (c->held[k])
			console_key_event(k, false);
	if (c->in_src) {
		g_source_destroy(c->in_src);
		g_source_unref(c->in_src);
	}
	if (c->out_src) {
		g_source_destroy(c->out_src);
		g_source_unref(c->out_src);
	}
	if (c->zs_ready)
		deflateEnd(&c->zs);
	close(c->fd);
	g_byte_array_free(c->in, TRUE);
	g_byte_array_free(c->out, TRUE);
	g_ptr_array_remove(srv->clients, c);
	g_free(c);
}

static gboolean vnc_on_writable(gint fd, GIOCondition cond, gpointer opaque)
{
	struct vnc_client *c = opaque;
	struct machine *m = c->srv->m;

	machine_lock(m);
	/* vnc_flush drops this source once nothing is left */
	vnc_flush(c);
	if (c->dead)
		vnc_client_close(c);
	machine_unlock(m);
	return G_SOURCE_CONTINUE;
}

static gboolean vnc_on_readable(gint fd, GIOCondition cond, gpointer opaque)
{
	struct vnc_client *c = opaque;
	struct machine *m = c->srv->m;
	uint8_t buf[4096];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	machine_lock(m);
	if (n <= 0 || c->in->len + n > VNC_MAX_INPUT + 64) {
		vnc_client_close(c);
		machine_unlock(m);
		return G_SOURCE_CONTINUE; /* the source is already destroyed */
	}
	g_byte_array_append(c->in, buf, n);
	vnc_process_input(c);
	if (c->dead)
		vnc_client_close(c);
	machine_unlock(m);
	return G_SOURCE_CONTINUE;
}

static gboolean vnc_on_accept(gint lfd, GIOCondition cond, gpointer opaque)
{
	struct vnc_server *srv = opaque;
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	int one = 1;

	if (fd < 0)
		return G_SOURCE_CONTINUE;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct vnc_client *c = g_new0(struct vnc_client, 1);
	c->srv = srv;
	c->fd = fd;
	c->in = g_byte_array_new();
	c->out = g_byte_array_new();
	c->pf = vnc_native;
	machine_lock(srv->m);
	g_ptr_array_add(srv->clients, c);
	c->in_src = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
	g_source_set_callback(c->in_src, (GSourceFunc)(void (*)(void))vnc_on_readable, c, NULL);
	g_source_attach(c->in_src, srv->m->ctx);
	g_byte_array_append(c->out, (const uint8_t *)"RFB 003.008\n", 12);
	vnc_flush(c);
	if (c->dead)
		vnc_client_close(c);
	machine_unlock(srv->m);
	return G_SOURCE_CONTINUE;
}

static int vnc_listen_unix(const char *path, GError **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NAMETOOLONG, "-vnc: path too long");
		return -1;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "-vnc unix:%s: %s", path, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int vnc_listen_tcp(const char *spec, GError **err)
{
	const char *colon = strrchr(spec, ':');
	g_autofree char *host = colon ? g_strndup(spec, colon - spec) : NULL;
	char *end;
	long disp = colon ? strtol(colon + 1, &end, 10) : -1;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE }, *ai = NULL;
	char port[16];
	int fd = -1, one = 1;

	if (!colon || *end || disp < 0 || disp > 59635) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "-vnc %s: expected [HOST]:DISPLAY or unix:PATH", spec);
		return -1;
	}
	snprintf(port, sizeof(port), "%ld", 5900 + disp);
	if (getaddrinfo(*host ? host : "127.0.0.1", port, &hints, &ai) != 0 || !ai) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "-vnc %s: unknown host", spec);
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 4) < 0) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "-vnc %s: %s",
			    spec, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

struct vnc_server *vnc_server_init(struct machine *m, struct console *con, const char *spec,
				   GError **err)
{
	struct vnc_server *srv;
	int fd;

	if (!con) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NODEV,
			    "-vnc: there is no graphics card to show (-vga none?)");
		return NULL;
	}
	g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
	bool auth = false;
	for (int i = 1; parts[i]; i++) {
		if (!strcmp(parts[i], "password") || !strcmp(parts[i], "password=on")) {
			auth = true;
		} else if (strcmp(parts[i], "password=off")) {
			g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
				    "-vnc %s: unknown option '%s' (only password=on|off)", spec,
				    parts[i]);
			return NULL;
		}
	}
	if (vnc_the_server) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "-vnc: only one VNC server");
		return NULL;
	}
	fd = g_str_has_prefix(parts[0], "unix:") ? vnc_listen_unix(parts[0] + 5, err)
						 : vnc_listen_tcp(parts[0], err);
	if (fd < 0)
		return NULL;
	srv = g_new0(struct vnc_server, 1);
	srv->auth = auth;
	vnc_the_server = srv;
	srv->m = m;
	srv->con = con;
	srv->listen_fd = fd;
	srv->clients = g_ptr_array_new();
	srv->listener = (struct display_listener){
		.switch_surface = vnc_listener_switch,
		.update = vnc_listener_update,
		.opaque = srv,
	};
	console_add_listener(con, &srv->listener);
	srv->listen_src = g_unix_fd_source_new(fd, G_IO_IN);
	g_source_set_callback(srv->listen_src, (GSourceFunc)(void (*)(void))vnc_on_accept, srv,
			      NULL);
	g_source_attach(srv->listen_src, m->ctx);
	srv->timer = g_timeout_source_new(VNC_REFRESH_MS);
	g_source_set_callback(srv->timer, vnc_tick, srv, NULL);
	g_source_attach(srv->timer, m->ctx);
	return srv;
}

int vnc_change_password(const char *password, GError **err)
{
	struct vnc_server *srv = vnc_the_server;

	if (!srv || !srv->auth) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "Could not set password");
		return -EINVAL;
	}
	if (srv->password) {
		memset(srv->password, 0, strlen(srv->password));
		g_free(srv->password);
	}
	srv->password = g_strdup(password);
	return 0;
}
