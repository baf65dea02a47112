// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The VNC server as an RFB 3.8 client sees it, the same against kvmpc and
 * QEMU 7.2 ("-vnc unix:SOCK"): version and security handshake (None),
 * ServerInit pixel format, the extended-key acknowledgement, a VBE mode
 * change announced with DesktopSize and the framebuffer then equal to the
 * pixels written to the LFB, conversion to RGB565 after SetPixelFormat, no
 * update while the picture is still and a small one for a changed pixel, a
 * 3.3 handshake, and keys (X11 keysym and QEMU extended key event) arriving
 * at the i8042 as scan code set 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

#define VGA_DEVFN 0x10
#define LFB_ADDR 0xe0000000u
#define W 320
#define H 200

struct rfb {
	int fd;
	int w, h, bpp;
	uint8_t *fb; /* w * h * bpp/8 */
	size_t raw_pixels; /* pixels received in Raw rectangles so far */
};

static unsigned counter;

static void rd(struct rfb *r, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(r->fd, p, len);
		g_assert_cmpint(n, >, 0);
		p += n;
		len -= n;
	}
}

static void wr(struct rfb *r, const void *buf, size_t len)
{
	g_assert_cmpint(write(r->fd, buf, len), ==, (ssize_t)len);
}

static uint16_t rd16(struct rfb *r)
{
	uint8_t b[2];

	rd(r, b, 2);
	return b[0] << 8 | b[1];
}

static uint32_t rd32(struct rfb *r)
{
	uint8_t b[4];

	rd(r, b, 4);
	return (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

static int rfb_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), tries = 0;

	strcpy(sa.sun_path, path);
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		g_assert_cmpint(++tries, <, 500);
		g_usleep(10000);
	}
	return fd;
}

/* Handshake with protocol 3.minor; checks ServerInit's pixel format. */
static void rfb_open(struct rfb *r, const char *path, int minor)
{
	char ver[13] = { 0 };
	uint8_t pf[16];

	r->fd = rfb_connect(path);
	rd(r, ver, 12);
	g_assert_cmpstr(ver, ==, "RFB 003.008\n");
	snprintf(ver, sizeof(ver), "RFB 003.00%d\n", minor);
	wr(r, ver, 12);
	if (minor >= 7) {
		uint8_t n, types[16], one = 1;
		rd(r, &n, 1);
		g_assert_cmpuint(n, >=, 1);
		g_assert_cmpuint(n, <=, sizeof(types));
		rd(r, types, n);
		g_assert_nonnull(memchr(types, 1, n));
		wr(r, &one, 1);
		g_assert_cmpuint(rd32(r), ==, 0);
	} else {
		g_assert_cmpuint(rd32(r), ==, 1); /* None, chosen by the server */
	}
	wr(r, "\1", 1); /* shared */
	r->w = rd16(r);
	r->h = rd16(r);
	rd(r, pf, 16);
	g_assert_cmpuint(pf[0], ==, 32);
	g_assert_cmpuint(pf[1], ==, 24);
	g_assert_cmpuint(pf[2], ==, 0);
	g_assert_cmpuint(pf[3], ==, 1);
	g_assert_cmpuint(pf[4] << 8 | pf[5], ==, 255);
	g_assert_cmpuint(pf[10], ==, 16);
	g_assert_cmpuint(pf[11], ==, 8);
	g_assert_cmpuint(pf[12], ==, 0);
	uint32_t nlen = rd32(r);
	g_assert_cmpuint(nlen, <, 4096);
	g_autofree char *name = g_malloc(nlen + 1);
	rd(r, name, nlen);
	r->bpp = 32;
	r->fb = g_malloc0((size_t)r->w * r->h * 4);
}

static void rfb_set_encodings(struct rfb *r)
{
	static const uint8_t msg[] = { 2, 0, 0, 3, 0, 0, 0, 0,     /* raw */
				       0xff, 0xff, 0xff, 0x21,     /* DesktopSize */
				       0xff, 0xff, 0xfe, 0xfe };   /* ext key */
	wr(r, msg, sizeof(msg));
}

static void rfb_request(struct rfb *r, bool incremental)
{
	uint8_t msg[10] = { 3, incremental, 0, 0, 0, 0, r->w >> 8, r->w, r->h >> 8, r->h };

	wr(r, msg, sizeof(msg));
}

/* Read one server message; returns true if it was a FramebufferUpdate. */
static bool rfb_read_message(struct rfb *r)
{
	uint8_t type, pad;

	rd(r, &type, 1);
	if (type == 2)
		return false; /* bell */
	if (type == 3) {
		uint8_t p3[3];
		rd(r, p3, 3);
		uint32_t n = rd32(r);
		g_autofree uint8_t *t = g_malloc(n + 1);
		rd(r, t, n);
		return false;
	}
	g_assert_cmpuint(type, ==, 0);
	rd(r, &pad, 1);
	unsigned nrect = rd16(r);
	for (unsigned i = 0; i < nrect; i++) {
		int x = rd16(r), y = rd16(r), w = rd16(r), h = rd16(r);
		int32_t enc = (int32_t)rd32(r);
		if (enc == -223) {
			r->w = w;
			r->h = h;
			g_free(r->fb);
			r->fb = g_malloc0((size_t)w * h * (r->bpp / 8));
		} else if (enc == 0) {
			int bytes = r->bpp / 8;
			g_assert_cmpint(x + w, <=, r->w);
			g_assert_cmpint(y + h, <=, r->h);
			r->raw_pixels += (size_t)w * h;
			for (int row = 0; row < h; row++)
				rd(r, r->fb + ((size_t)(y + row) * r->w + x) * bytes, (size_t)w * bytes);
		} else {
			g_assert_cmpint(enc, ==, -258); /* the extended-key ack */
		}
	}
	return true;
}

static uint8_t lfb_byte(size_t i)
{
	return (uint8_t)(i * 5 + (i >> 9) * 3);
}

/* The 32-bit value of pixel i in the client's current format. */
static uint32_t expect_pixel(struct rfb *r, size_t i)
{
	uint8_t b = lfb_byte(i * 4), g = lfb_byte(i * 4 + 1), red = lfb_byte(i * 4 + 2);

	if (r->bpp == 32)
		return red << 16 | g << 8 | b;
	return (red >> 3) << 11 | (g >> 2) << 5 | (b >> 3);
}

static bool fb_matches(struct rfb *r)
{
	if (r->w != W || r->h != H)
		return false;
	for (size_t i = 0; i < (size_t)W * H; i++) {
		uint32_t got = r->bpp == 32 ? r->fb[i * 4] | r->fb[i * 4 + 1] << 8 |
						      r->fb[i * 4 + 2] << 16
					    : (uint32_t)(r->fb[i * 2] | r->fb[i * 2 + 1] << 8);
		if (got != expect_pixel(r, i))
			return false;
	}
	return true;
}

/* Ask for updates until the picture is right (or 10 s pass). */
static void wait_for_picture(struct rfb *r)
{
	for (int i = 0; i < 100 && !fb_matches(r); i++) {
		rfb_request(r, i > 0);
		while (!rfb_read_message(r))
			;
		if (!fb_matches(r))
			g_usleep(100000);
	}
	g_assert_cmpint(r->w, ==, W);
	g_assert_cmpint(r->h, ==, H);
	g_assert_true(fb_matches(r));
}

static void set_vbe_mode(struct qtest *q)
{
	static uint8_t fb[W * H * 4];
	static const uint16_t regs[][2] = { { 4, 0 }, { 1, W }, { 2, H }, { 3, 32 }, { 4, 0x41 } };

	for (size_t i = 0; i < G_N_ELEMENTS(regs); i++) {
		qtest_outw(q, 0x1ce, regs[i][0]);
		qtest_outw(q, 0x1cf, regs[i][1]);
	}
	qtest_outb(q, 0x3c0, 0x20);
	qtest_pci_writel(q, VGA_DEVFN, 0x10, LFB_ADDR);
	qtest_pci_writew(q, VGA_DEVFN, 0x04, 0x0002);
	for (size_t i = 0; i < sizeof(fb); i++)
		fb[i] = lfb_byte(i);
	qtest_memwrite(q, LFB_ADDR, fb, sizeof(fb));
}

static struct qtest *start(char **path)
{
	*path = g_strdup_printf("%s/vnc-test-%d-%u.sock", g_get_tmp_dir(), getpid(), counter++);
	unlink(*path);
	g_autofree char *args = g_strdup_printf("-nodefaults -vga std -vnc unix:%s", *path);
	return qtest_start(args);
}

static void stop(struct qtest *q, struct rfb *r, char *path)
{
	close(r->fd);
	g_free(r->fb);
	qtest_quit(q);
	unlink(path);
	g_free(path);
}

static void test_framebuffer(void)
{
	char *path;
	struct qtest *q = start(&path);
	struct rfb r;

	rfb_open(&r, path, 8);
	rfb_set_encodings(&r);
	set_vbe_mode(q);
	wait_for_picture(&r);

	/* RGB565 little endian */
	static const uint8_t spf[20] = { 0, 0, 0, 0, 16, 16, 0, 1, 0, 31, 0, 63, 0, 31,
					 11, 5, 0, 0, 0, 0 };
	wr(&r, spf, sizeof(spf));
	r.bpp = 16;
	g_free(r.fb);
	r.fb = g_malloc0((size_t)r.w * r.h * 2);
	rfb_request(&r, false);
	while (!rfb_read_message(&r))
		;
	g_assert_true(fb_matches(&r));
	stop(q, &r, path);
}

/* Is a server message waiting (within ms milliseconds)? */
static bool rfb_pending(struct rfb *r, int ms)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

/*
 * A still picture costs nothing: an incremental request is left pending
 * while nothing changes; one changed pixel then comes as a small update.
 */
static void test_idle(void)
{
	char *path;
	struct qtest *q = start(&path);
	struct rfb r;

	rfb_open(&r, path, 8);
	rfb_set_encodings(&r);
	set_vbe_mode(q);
	wait_for_picture(&r);
	rfb_request(&r, true);
	g_assert_false(rfb_pending(&r, 1500)); /* ~50 refresh periods */

	size_t before = r.raw_pixels, i = 150 * W + 77;
	uint32_t px = 0x00123456;
	qtest_memwrite(q, LFB_ADDR + i * 4, &px, 4);
	g_assert_true(rfb_pending(&r, 10000));
	while (!rfb_read_message(&r))
		;
	g_assert_cmpuint(r.fb[i * 4] | r.fb[i * 4 + 1] << 8 | r.fb[i * 4 + 2] << 16, ==, px);
	/* the changed row, maybe in tiles, not the screen */
	g_assert_cmpuint(r.raw_pixels - before, >=, 1);
	g_assert_cmpuint(r.raw_pixels - before, <=, 16 * W);
	stop(q, &r, path);
}

static void test_rfb33(void)
{
	char *path;
	struct qtest *q = start(&path);
	struct rfb r;

	rfb_open(&r, path, 3);
	set_vbe_mode(q);
	/* no DesktopSize: the first full update is the new mode's size only if
	 * the server started in it, so just check an update arrives */
	rfb_request(&r, false);
	while (!rfb_read_message(&r))
		;
	stop(q, &r, path);
}

static void key_msg(struct rfb *r, bool down, uint32_t keysym)
{
	uint8_t m[8] = { 4, down, 0, 0, keysym >> 24, keysym >> 16, keysym >> 8, keysym };

	wr(r, m, sizeof(m));
}

static void ext_key_msg(struct rfb *r, bool down, uint32_t keysym, uint32_t code)
{
	uint8_t m[12] = { 255, 0, 0, down, keysym >> 24, keysym >> 16, keysym >> 8, keysym,
			  code >> 24, code >> 16, code >> 8, code };

	wr(r, m, sizeof(m));
}

/* Wait for the i8042 to hold a byte and return it. */
static uint8_t kbd_byte(struct qtest *q)
{
	for (int i = 0; i < 200; i++) {
		if (qtest_inb(q, 0x64) & 1)
			return qtest_inb(q, 0x60);
		g_usleep(10000);
	}
	g_assert_not_reached();
}

static void test_keys(void)
{
	char *path;
	struct qtest *q = start(&path);
	struct rfb r;

	if (qtest_is_qemu(q)) {
		/* QEMU drops input events while its VM is stopped, and libqtest
		 * runs it with -S */
		qtest_quit(q);
		g_free(path);
		g_test_skip("QEMU ignores input while paused (-S)");
		return;
	}
	rfb_open(&r, path, 8);
	rfb_set_encodings(&r);
	rfb_request(&r, false);
	while (!rfb_read_message(&r))
		;
	key_msg(&r, true, 'a');
	key_msg(&r, false, 'a');
	g_assert_cmphex(kbd_byte(q), ==, 0x1c);
	g_assert_cmphex(kbd_byte(q), ==, 0xf0);
	g_assert_cmphex(kbd_byte(q), ==, 0x1c);
	/* QEMU extended key event: XT code 0x30 is 'b' (set 2: 0x32) */
	ext_key_msg(&r, true, 0, 0x30);
	ext_key_msg(&r, false, 0, 0x30);
	g_assert_cmphex(kbd_byte(q), ==, 0x32);
	g_assert_cmphex(kbd_byte(q), ==, 0xf0);
	g_assert_cmphex(kbd_byte(q), ==, 0x32);
	/* an E0 key: right Ctrl, 0x80 | 0x1d */
	ext_key_msg(&r, true, 0, 0x9d);
	ext_key_msg(&r, false, 0, 0x9d);
	g_assert_cmphex(kbd_byte(q), ==, 0xe0);
	g_assert_cmphex(kbd_byte(q), ==, 0x14);
	g_assert_cmphex(kbd_byte(q), ==, 0xe0);
	g_assert_cmphex(kbd_byte(q), ==, 0xf0);
	g_assert_cmphex(kbd_byte(q), ==, 0x14);
	stop(q, &r, path);
}

/* The server must hang up within 5 s (reads may drain a reason first). */
static void expect_hangup(int fd)
{
	uint8_t buf[256];

	for (int i = 0; i < 500; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 10) > 0) {
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n <= 0) {
				close(fd);
				return;
			}
		}
	}
	g_assert_not_reached();
}

/* a client past ServerInit, for feeding it bad messages */
static int rfb_ready(const char *path)
{
	struct rfb r;

	rfb_open(&r, path, 8);
	g_free(r.fb);
	return r.fd;
}

static void test_hostile_clients(void)
{
	char *path;
	struct qtest *q = start(&path);
	struct rfb r;
	char ver[12];
	int fd;

	/* not RFB at all */
	fd = rfb_connect(path);
	g_assert_cmpint(read(fd, ver, 12), ==, 12);
	g_assert_cmpint(write(fd, "HELLO WORLD\n", 12), ==, 12);
	expect_hangup(fd);

	/* a security type that was not offered: 3.8 says why, then hangs up */
	r.fd = rfb_connect(path);
	rd(&r, ver, 12);
	wr(&r, "RFB 003.008\n", 12);
	uint8_t n, types[16];
	rd(&r, &n, 1);
	rd(&r, types, n);
	wr(&r, "\x07", 1);
	g_assert_cmpuint(rd32(&r), ==, 1);
	expect_hangup(r.fd);

	/* 24 bits per pixel is not an RFB format */
	fd = rfb_ready(path);
	static const uint8_t bad_pf[20] = { 0, 0, 0, 0, 24, 24, 0, 1, 0, 255, 0, 255, 0, 255,
					    16, 8, 0, 0, 0, 0 };
	g_assert_cmpint(write(fd, bad_pf, 20), ==, 20);
	expect_hangup(fd);

	/* an unknown message type */
	fd = rfb_ready(path);
	g_assert_cmpint(write(fd, "\x2a\0\0\0", 4), ==, 4);
	expect_hangup(fd);

	/* still serving */
	rfb_open(&r, path, 8);
	rfb_request(&r, false);
	while (!rfb_read_message(&r))
		;
	stop(q, &r, path);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/vnc/framebuffer", test_framebuffer);
	g_test_add_func("/vnc/idle", test_idle);
	g_test_add_func("/vnc/rfb33", test_rfb33);
	g_test_add_func("/vnc/keys", test_keys);
	g_test_add_func("/vnc/hostile-clients", test_hostile_clients);
	return g_test_run();
}
