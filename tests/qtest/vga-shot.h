/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the std-vga screendump tests (vga-display-test.c,
 * vga-vbe-display-test.c): start the VMM with a QMP socket and speak QMP to
 * it, load PPM dumps, compare them with a model image computed by the test
 * and, on the kvmpc leg, with QEMU's dump of the same scenario; VGA
 * register helpers and the DAC table every scenario loads.
 */
#ifndef TESTS_QTEST_VGA_SHOT_H
#define TESTS_QTEST_VGA_SHOT_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

#define VGA_SHOT_FN static __attribute__((unused))
#define VGA_DEVFN 0x10
#define LFB_ADDR 0xe0000000u

struct image {
	int w, h;
	uint8_t *rgb;
};

struct vm {
	struct qtest *q;
	char *sock;
	int fd;
	FILE *in;
};

typedef void scenario_fn(struct vm *vm);
typedef uint32_t model_fn(int x, int y);

static unsigned sock_counter;

/* ---- QMP ---- */

VGA_SHOT_FN char *qmp_line(struct vm *vm)
{
	char buf[4096];

	g_assert_nonnull(fgets(buf, sizeof(buf), vm->in));
	return g_strdup(buf);
}

/* Send a command; return the reply line (skipping events). */
VGA_SHOT_FN char *qmp_cmd(struct vm *vm, const char *json)
{
	g_assert_cmpint(write(vm->fd, json, strlen(json)), ==, (ssize_t)strlen(json));
	for (;;) {
		char *l = qmp_line(vm);
		if (strstr(l, "\"return\"") || strstr(l, "\"error\""))
			return l;
		g_free(l);
	}
}

VGA_SHOT_FN void qmp_connect(struct vm *vm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int tries = 0;

	g_assert_cmpuint(strlen(vm->sock), <, sizeof(sa.sun_path));
	strcpy(sa.sun_path, vm->sock);
	vm->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	g_assert_cmpint(vm->fd, >=, 0);
	while (connect(vm->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		g_assert_cmpint(++tries, <, 500);
		g_usleep(10000);
	}
	vm->in = fdopen(dup(vm->fd), "r");
	g_autofree char *greeting = qmp_line(vm);
	g_assert_nonnull(strstr(greeting, "\"QMP\""));
	g_autofree char *r = qmp_cmd(vm, "{\"execute\": \"qmp_capabilities\"}\n");
	g_assert_nonnull(strstr(r, "\"return\""));
}

VGA_SHOT_FN struct vm *vm_start(void)
{
	struct vm *vm = g_new0(struct vm, 1);

	vm->sock = g_strdup_printf("%s/vga-qmp-%d-%u.sock", g_get_tmp_dir(), getpid(),
				   sock_counter++);
	unlink(vm->sock);
	g_autofree char *args =
		g_strdup_printf("-nodefaults -vga std -qmp unix:%s,server=on,wait=off", vm->sock);
	vm->q = qtest_start(args);
	qmp_connect(vm);
	return vm;
}

VGA_SHOT_FN void vm_stop(struct vm *vm)
{
	fclose(vm->in);
	close(vm->fd);
	qtest_quit(vm->q);
	unlink(vm->sock);
	g_free(vm->sock);
	g_free(vm);
}

VGA_SHOT_FN void vm_screendump(struct vm *vm, const char *path, const char *format)
{
	g_autofree char *cmd = g_strdup_printf(
		"{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"%s\"%s%s%s}}\n",
		path, format ? ", \"format\": \"" : "", format ? format : "", format ? "\"" : "");
	g_autofree char *r = qmp_cmd(vm, cmd);

	if (!strstr(r, "\"return\""))
		g_error("screendump failed: %s", r);
}

/* ---- images ---- */

VGA_SHOT_FN struct image *ppm_load(const char *path)
{
	g_autofree char *data = NULL;
	gsize len;
	int w, h, max, n = 0;

	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	g_assert_cmpint(sscanf(data, "P6 %d %d %d%n", &w, &h, &max, &n), ==, 3);
	g_assert_cmpint(max, ==, 255);
	g_assert_cmpuint(len, ==, (gsize)n + 1 + (gsize)w * h * 3);
	struct image *img = g_new0(struct image, 1);
	img->w = w;
	img->h = h;
	img->rgb = g_memdup2(data + n + 1, (gsize)w * h * 3);
	return img;
}

VGA_SHOT_FN void image_free(struct image *img)
{
	g_free(img->rgb);
	g_free(img);
}

VGA_SHOT_FN struct image *vm_dump(struct vm *vm)
{
	g_autofree char *path = g_strdup_printf("%s.ppm", vm->sock);
	vm_screendump(vm, path, NULL);
	struct image *img = ppm_load(path);
	if (getenv("VGA_TEST_KEEP")) /* for a look: keep the last dump */
		rename(path, getenv("VGA_TEST_KEEP"));
	unlink(path);
	return img;
}

VGA_SHOT_FN void assert_model(const struct image *img, int w, int h, model_fn *model)
{
	g_assert_cmpint(img->w, ==, w);
	g_assert_cmpint(img->h, ==, h);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			const uint8_t *p = img->rgb + ((size_t)y * w + x) * 3;
			uint32_t got = p[0] << 16 | p[1] << 8 | p[2];
			uint32_t want = model(x, y);
			if (got != want)
				g_error("pixel (%d,%d): got %06x, want %06x", x, y, got, want);
		}
	}
}

VGA_SHOT_FN void assert_same(const struct image *a, const struct image *b)
{
	g_assert_cmpint(a->w, ==, b->w);
	g_assert_cmpint(a->h, ==, b->h);
	g_assert_cmpmem(a->rgb, (gsize)a->w * a->h * 3, b->rgb, (gsize)b->w * b->h * 3);
}

VGA_SHOT_FN struct image *run_scenario(scenario_fn *setup)
{
	struct vm *vm = vm_start();
	setup(vm);
	struct image *img = vm_dump(vm);
	vm_stop(vm);
	return img;
}

/* On the kvmpc leg, the same writes on QEMU must give the same picture. */
VGA_SHOT_FN void cross_check(scenario_fn *setup, const struct image *img)
{
	const char *bin = getenv("QTEST_BINARY");
	g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");

	if (!qemu || (bin && strstr(bin, "qemu-system")))
		return;
	g_autofree char *saved = g_strdup(bin);
	g_setenv("QTEST_BINARY", qemu, TRUE);
	struct image *ref = run_scenario(setup);
	if (saved)
		g_setenv("QTEST_BINARY", saved, TRUE);
	else
		g_unsetenv("QTEST_BINARY");
	assert_same(img, ref);
	image_free(ref);
}

VGA_SHOT_FN void check_scenario(scenario_fn *setup, int w, int h, model_fn *model)
{
	struct image *img = run_scenario(setup);

	assert_model(img, w, h, model);
	cross_check(setup, img);
	image_free(img);
}

/* ---- register helpers and colour rules ---- */

VGA_SHOT_FN void sr_write(struct qtest *q, uint8_t i, uint8_t v)
{
	qtest_outb(q, 0x3c4, i);
	qtest_outb(q, 0x3c5, v);
}

VGA_SHOT_FN void gr_write(struct qtest *q, uint8_t i, uint8_t v)
{
	qtest_outb(q, 0x3ce, i);
	qtest_outb(q, 0x3cf, v);
}

VGA_SHOT_FN void vbe_write(struct qtest *q, uint16_t i, uint16_t v)
{
	qtest_outw(q, 0x1ce, i);
	qtest_outw(q, 0x1cf, v);
}

/* The DAC table every scenario loads (6-bit values). */
VGA_SHOT_FN uint8_t dac6(int i, int c)
{
	return c == 0 ? i & 63 : c == 1 ? (i * 5 + 7) & 63 : (63 - i * 3) & 63;
}

VGA_SHOT_FN unsigned c6_to_8(unsigned v)
{
	return (v << 2) | ((v & 1) << 1) | (v & 1);
}

/* Scenarios that repaint after a first dump change DAC entry 1 to this. */
static int update_phase;
static const uint8_t dac1_new[3] = { 10, 20, 30 };

VGA_SHOT_FN uint32_t dac_rgb(int i)
{
	if (update_phase && i == 1)
		return c6_to_8(dac1_new[0]) << 16 | c6_to_8(dac1_new[1]) << 8 |
		       c6_to_8(dac1_new[2]);
	return c6_to_8(dac6(i, 0)) << 16 | c6_to_8(dac6(i, 1)) << 8 | c6_to_8(dac6(i, 2));
}

VGA_SHOT_FN void load_dac(struct qtest *q)
{
	qtest_outb(q, 0x3c8, 0);
	for (int i = 0; i < 256; i++)
		for (int c = 0; c < 3; c++)
			qtest_outb(q, 0x3c9, dac6(i, c));
}

/* A standard mode's registers: misc, SR0-4, CR0-0x18, GR0-8, AR0-0x14. */
struct vga_mode_regs {
	uint8_t misc, sr[5], cr[25], gr[9], ar[21];
};

VGA_SHOT_FN void set_mode_regs(struct qtest *q, const struct vga_mode_regs *m)
{
	qtest_outb(q, 0x3c2, m->misc);
	for (int i = 0; i < 5; i++)
		sr_write(q, i, m->sr[i]);
	qtest_outb(q, 0x3d4, 0x11);
	qtest_outb(q, 0x3d5, 0x00); /* unlock CR0-7 */
	for (int i = 0; i < 25; i++) {
		qtest_outb(q, 0x3d4, i);
		qtest_outb(q, 0x3d5, m->cr[i]);
	}
	for (int i = 0; i < 9; i++)
		gr_write(q, i, m->gr[i]);
	qtest_inb(q, 0x3da);
	for (int i = 0; i < 21; i++) {
		qtest_outb(q, 0x3c0, i);
		qtest_outb(q, 0x3c0, m->ar[i]);
	}
	qtest_outb(q, 0x3c0, 0x20); /* palette access off: display on */
	load_dac(q);
}

static const uint8_t ega_ar[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
				    0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f };

VGA_SHOT_FN uint32_t pal16(int i)
{
	return dac_rgb(ega_ar[i & 15]);
}

VGA_SHOT_FN void set_dac1(struct qtest *q)
{
	qtest_outb(q, 0x3c8, 1);
	for (int c = 0; c < 3; c++)
		qtest_outb(q, 0x3c9, dac1_new[c]);
}

#endif
