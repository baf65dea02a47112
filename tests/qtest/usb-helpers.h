/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the USB qtest tests (usb-test.c, usb-hub-test.c): start the
 * VMM with a QMP socket (QEMU with a "cli; hlt" BIOS, continued, so that
 * its frame timer runs), play a UHCI driver (frame list -> one QH -> TDs
 * in guest memory, control transfers in 8-byte packets, interrupt IN TDs)
 * and QEMU 7.2's HID descriptors to compare with.
 */
#ifndef TESTS_QTEST_USB_HELPERS_H
#define TESTS_QTEST_USB_HELPERS_H

#define USB_FN static __attribute__((unused))

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

#define UHCI_DEVFN 0x0a
#define PIIX3_DEVFN 0x08
#define IOBASE 0xc000
#define UHCI_IRQ 11

#define FL 0x100000u     /* frame list */
#define QH 0x101000u     /* the one queue head */
#define TDS 0x102000u    /* TDs, 32 bytes apart */
#define BUF 0x104000u    /* data buffers, 64 bytes per TD */

#define TD_ACTIVE (1u << 23)
#define TD_STALLED (1u << 22)
#define TD_IOC (1u << 24)
#define LINK_T 1u
#define LINK_Q 2u
#define LINK_VF 4u

struct vm {
	struct qtest *q;
	char *sock, *bios;
	int fd;
	FILE *in;
	bool qemu;
};

static unsigned vm_counter __attribute__((unused));

/* ---- VM and QMP ---------------------------------------------------------- */

USB_FN char *qmp_line(struct vm *vm)
{
	char buf[8192];

	g_assert_nonnull(fgets(buf, sizeof(buf), vm->in));
	return g_strdup(buf);
}

USB_FN char *qmp(struct vm *vm, const char *json)
{
	g_assert_cmpint(write(vm->fd, json, strlen(json)), ==, (ssize_t)strlen(json));
	for (;;) {
		char *l = qmp_line(vm);

		if (strstr(l, "\"return\"") || strstr(l, "\"error\""))
			return l;
		g_free(l);
	}
}

USB_FN void qmp_ok(struct vm *vm, const char *json)
{
	g_autofree char *r = qmp(vm, json);

	if (!strstr(r, "\"return\""))
		g_error("QMP %s failed: %s", json, r);
}

USB_FN void qmp_connect(struct vm *vm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int tries = 0;

	strcpy(sa.sun_path, vm->sock);
	vm->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	g_assert_cmpint(vm->fd, >=, 0);
	while (connect(vm->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		g_assert_cmpint(++tries, <, 1000);
		g_usleep(10000);
	}
	vm->in = fdopen(dup(vm->fd), "r");
	g_autofree char *greeting = qmp_line(vm);
	g_assert_nonnull(strstr(greeting, "\"QMP\""));
	qmp_ok(vm, "{\"execute\": \"qmp_capabilities\"}\n");
}

/* A 64 KiB BIOS whose reset vector is "cli; hlt; jmp .-1" (QEMU leg). */
USB_FN char *write_hlt_bios(void)
{
	char *path = g_strdup_printf("%s/usb-hlt-%d-%u.bin", g_get_tmp_dir(), getpid(), vm_counter);
	uint8_t *img = g_malloc(65536);

	memset(img, 0xf4, 65536);
	memcpy(img + 0xfff0, "\xfa\xf4\xeb\xfd", 4);
	g_assert_true(g_file_set_contents(path, (char *)img, 65536, NULL));
	g_free(img);
	return path;
}

USB_FN struct vm *vm_start(const char *devices)
{
	struct vm *vm = g_new0(struct vm, 1);
	const char *bin = getenv("QTEST_BINARY");
	g_autofree char *args = NULL;

	vm->qemu = bin && strstr(bin, "qemu-system");
	vm->sock = g_strdup_printf("%s/usb-qmp-%d-%u.sock", g_get_tmp_dir(), getpid(),
				   vm_counter++);
	unlink(vm->sock);
	if (vm->qemu)
		vm->bios = write_hlt_bios();
	args = g_strdup_printf("-nodefaults -m 128 %s -qmp unix:%s,server=on,wait=off%s%s %s",
			       devices, vm->sock, vm->bios ? " -bios " : "",
			       vm->bios ? vm->bios : "", getenv("USB_TEST_ARGS") ?: "");
	vm->q = qtest_start(args);
	qmp_connect(vm);
	qtest_irq_intercept_in(vm->q, "ioapic");
	return vm;
}

USB_FN void vm_stop(struct vm *vm)
{
	fclose(vm->in);
	close(vm->fd);
	qtest_quit(vm->q);
	unlink(vm->sock);
	if (vm->bios)
		unlink(vm->bios);
	g_free(vm->bios);
	g_free(vm->sock);
	g_free(vm);
}

/* One frame's worth of time: kvmpc's clock steps, QEMU's runs by itself. */
USB_FN void vm_tick(struct vm *vm)
{
	if (vm->qemu)
		g_usleep(1000);
	else
		qtest_clock_step(vm->q, 1000000);
}

USB_FN uint16_t frnum(struct vm *vm)
{
	return qtest_inw(vm->q, IOBASE + 6);
}

/* Let at least n frames pass (FRNUM counts them). */
USB_FN void vm_frames(struct vm *vm, int n)
{
	uint16_t start = frnum(vm);
	gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

	while (((frnum(vm) - start) & 0x7ff) < n) {
		if (g_get_monotonic_time() > deadline)
			g_error("frames stopped: USBCMD %04x USBSTS %04x FRNUM %04x",
				qtest_inw(vm->q, IOBASE), qtest_inw(vm->q, IOBASE + 2), frnum(vm));
		vm_tick(vm);
	}
}

/* ---- UHCI set-up ----------------------------------------------------------- */

USB_FN void uhci_enable_pci(struct vm *vm)
{
	qtest_pci_writel(vm->q, UHCI_DEVFN, 0x20, IOBASE | 1);
	qtest_pci_writew(vm->q, UHCI_DEVFN, 0x04, 0x0005); /* I/O, bus master */
	/* slot 1 pin D is PIRQD: to IRQ 11 */
	qtest_pci_writeb(vm->q, PIIX3_DEVFN, 0x63, UHCI_IRQ);
}

/* Reset and enable port 1, point the frame list at the QH, run. */
USB_FN void uhci_setup(struct vm *vm)
{
	struct qtest *q = vm->q;

	uhci_enable_pci(vm);
	qtest_outw(q, IOBASE + 0x10, 0x0200);
	qtest_outw(q, IOBASE + 0x10, 0x0000);
	qtest_outw(q, IOBASE + 0x10, 0x000e); /* enable, clear the change bits */
	g_assert_cmphex(qtest_inw(q, IOBASE + 0x10), ==, 0x0085);
	for (int i = 0; i < 1024; i++)
		qtest_writel(q, FL + 4 * i, QH | LINK_Q);
	qtest_writel(q, QH, LINK_T);
	qtest_writel(q, QH + 4, LINK_T);
	qtest_outl(q, IOBASE + 8, FL);
	qtest_outw(q, IOBASE + 4, 0x000f);
	qtest_outw(q, IOBASE + 0, 0x00c1); /* RS, CF, MAXP */
}

USB_FN void uhci_start(struct vm *vm)
{
	uhci_setup(vm);
	if (vm->qemu)
		qmp_ok(vm, "{\"execute\": \"cont\"}\n");
}

/* A TD: link, status, token, buffer. */
USB_FN void td_write(struct vm *vm, int i, uint32_t link, uint32_t ctrl, int pid,
		     int addr, int ep, int toggle, int len)
{
	uint32_t a = TDS + 32 * i;
	uint32_t token = pid | addr << 8 | ep << 15 | toggle << 19 |
			 (uint32_t)((len - 1) & 0x7ff) << 21;

	/* QEMU's controller runs meanwhile: the status word (active) goes last */
	qtest_writel(vm->q, a + 4, 0);
	qtest_writel(vm->q, a, link);
	qtest_writel(vm->q, a + 8, token);
	qtest_writel(vm->q, a + 12, BUF + 64 * i);
	qtest_writel(vm->q, a + 4, ctrl);
}

USB_FN uint32_t td_ctrl(struct vm *vm, int i)
{
	return qtest_readl(vm->q, TDS + 32 * i + 4);
}

/* Queue TDs 0..n-1 on the QH and wait until the queue is empty or stopped. */
USB_FN void run_queue(struct vm *vm, int n)
{
	gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

	qtest_writel(vm->q, QH + 4, TDS);
	for (;;) {
		uint32_t elem = qtest_readl(vm->q, QH + 4);
		bool stuck = false;

		if (elem & LINK_T)
			return;
		for (int i = 0; i < n; i++)
			if (elem == TDS + 32u * i && !(td_ctrl(vm, i) & TD_ACTIVE))
				stuck = true; /* failed TD stays at the head */
		if (stuck)
			return;
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		vm_tick(vm);
	}
}

/*
 * A control transfer on ep0 of addr: setup, wLength bytes of data in
 * 8-byte packets (IN into buf, or OUT from buf), status.  Returns the
 * bytes moved, or -1 when a TD failed.
 */
USB_FN int control(struct vm *vm, int addr, const uint8_t setup[8], uint8_t *out)
{
	int wlength = setup[6] | setup[7] << 8, ndata = (wlength + 7) / 8, n = 0, got = 0;
	bool in = setup[0] & 0x80;

	g_assert_cmpint(ndata, <, 60);
	qtest_writel(vm->q, QH + 4, LINK_T); /* idle the queue while it is rebuilt */
	qtest_memwrite(vm->q, BUF, setup, 8);
	td_write(vm, n, (TDS + 32) | LINK_VF, TD_ACTIVE | 3u << 27, 0x2d, addr, 0, 0, 8);
	n++;
	for (int i = 0; i < ndata; i++, n++) {
		int len = MIN(8, wlength - 8 * i);

		if (!in)
			qtest_memwrite(vm->q, BUF + 64 * n, out + 8 * i, len);
		td_write(vm, n, (TDS + 32 * (n + 1)) | LINK_VF, TD_ACTIVE | 3u << 27,
			 in ? 0x69 : 0xe1, addr, 0, (i + 1) & 1, len);
	}
	td_write(vm, n, LINK_T, TD_ACTIVE | TD_IOC | 3u << 27, in ? 0xe1 : 0x69, addr, 0, 1, 0);
	n++;
	run_queue(vm, n);
	for (int i = 0; i < n; i++) {
		uint32_t c = td_ctrl(vm, i);

		if (c & (TD_ACTIVE | 0x7e0000))
			return -1;
		if (i > 0 && i < n - 1) {
			int act = (c + 1) & 0x7ff;

			if (in)
				qtest_memread(vm->q, BUF + 64 * i, out + got, act);
			got += act;
			if (act < 8)
				break;
		}
	}
	return got;
}

USB_FN int get_desc(struct vm *vm, int addr, int type, int idx, int len, uint8_t *out)
{
	uint8_t s[8] = { 0x80, 6, idx, type, 0, 0, len & 0xff, len >> 8 };

	return control(vm, addr, s, out);
}

USB_FN void set_request(struct vm *vm, int addr, int type, int req, int value)
{
	uint8_t s[8] = { type, req, value & 0xff, value >> 8, 0, 0, 0, 0 };

	g_assert_cmpint(control(vm, addr, s, NULL), ==, 0);
}

USB_FN void assert_bytes(const uint8_t *got, int n, const uint8_t *want, int wn)
{
	GString *gs = g_string_new(NULL), *ws = g_string_new(NULL);

	for (int i = 0; i < n; i++)
		g_string_append_printf(gs, "%02x ", got[i]);
	for (int i = 0; i < wn; i++)
		g_string_append_printf(ws, "%02x ", want[i]);
	g_assert_cmpstr(gs->str, ==, ws->str);
	g_string_free(gs, TRUE);
	g_string_free(ws, TRUE);
}

#define ASSERT_BYTES(got, n, want) assert_bytes(got, n, want, sizeof(want))

/* ---- QEMU 7.2's descriptors ---------------------------------------------- */

static const uint8_t tablet_dev[] = {
	0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0x27, 0x06, 0x01, 0x00,
	0x00, 0x00, 0x01, 0x03, 0x0a, 0x01,
};
static const uint8_t tablet_conf[] = {
	0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x07, 0xa0, 0x32,
	0x09, 0x04, 0x00, 0x00, 0x01, 0x03, 0x00, 0x00, 0x00,
	0x09, 0x21, 0x01, 0x00, 0x00, 0x01, 0x22, 0x4a, 0x00,
	0x07, 0x05, 0x81, 0x03, 0x08, 0x00, 0x0a,
};
static const uint8_t tablet_report[] = {
	0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00,
	0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01,
	0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0x95, 0x01, 0x75, 0x05,
	0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x15, 0x00,
	0x26, 0xff, 0x7f, 0x35, 0x00, 0x46, 0xff, 0x7f, 0x75, 0x10,
	0x95, 0x02, 0x81, 0x02, 0x05, 0x01, 0x09, 0x38, 0x15, 0x81,
	0x25, 0x7f, 0x35, 0x00, 0x45, 0x00, 0x75, 0x08, 0x95, 0x01,
	0x81, 0x06, 0xc0, 0xc0,
};
static const uint8_t kbd_dev[] = {
	0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0x27, 0x06, 0x01, 0x00,
	0x00, 0x00, 0x01, 0x04, 0x0b, 0x01,
};
static const uint8_t kbd_conf[] = {
	0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x08, 0xa0, 0x32,
	0x09, 0x04, 0x00, 0x00, 0x01, 0x03, 0x01, 0x01, 0x00,
	0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x3f, 0x00,
	0x07, 0x05, 0x81, 0x03, 0x08, 0x00, 0x0a,
};
static const uint8_t kbd_report[] = {
	0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x75, 0x01, 0x95, 0x08,
	0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01,
	0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x05,
	0x75, 0x01, 0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02,
	0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x06, 0x75, 0x08,
	0x15, 0x00, 0x25, 0xff, 0x05, 0x07, 0x19, 0x00, 0x29, 0xff,
	0x81, 0x00, 0xc0,
};
static const uint8_t mouse_conf[] = {
	0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x06, 0xa0, 0x32,
	0x09, 0x04, 0x00, 0x00, 0x01, 0x03, 0x01, 0x02, 0x00,
	0x09, 0x21, 0x01, 0x00, 0x00, 0x01, 0x22, 0x34, 0x00,
	0x07, 0x05, 0x81, 0x03, 0x04, 0x00, 0x0a,
};

/* A string descriptor's text (ASCII subset of its UTF-16). */
USB_FN char *string_desc(struct vm *vm, int addr, int idx)
{
	uint8_t buf[256];
	int n = get_desc(vm, addr, 3, idx, 255, buf);
	GString *s = g_string_new(NULL);

	g_assert_cmpint(n, >=, 2);
	g_assert_cmpint(buf[0], ==, n);
	g_assert_cmpint(buf[1], ==, 3);
	for (int i = 2; i + 1 < n; i += 2)
		g_string_append_c(s, buf[i]);
	return g_string_free(s, FALSE);
}

/* Address the device at 0 as 1 and configure it, checking its descriptors. */
USB_FN void enumerate(struct vm *vm, const uint8_t *dev, const uint8_t *conf, int conflen)
{
	uint8_t buf[256];

	g_assert_cmpint(get_desc(vm, 0, 1, 0, 8, buf), ==, 8);
	assert_bytes(buf, 8, dev, 8);
	set_request(vm, 0, 0x00, 5, 1);
	/* gone from address 0 */
	g_assert_cmpint(get_desc(vm, 0, 1, 0, 18, buf), ==, -1);
	g_assert_cmpint(get_desc(vm, 1, 1, 0, 18, buf), ==, 18);
	assert_bytes(buf, 18, dev, 18);
	g_assert_cmpint(get_desc(vm, 1, 2, 0, 9, buf), ==, 9);
	assert_bytes(buf, 9, conf, 9);
	g_assert_cmpint(get_desc(vm, 1, 2, 0, 255, buf), ==, conflen);
	assert_bytes(buf, conflen, conf, conflen);
	set_request(vm, 1, 0x00, 9, 1);
	uint8_t getcfg[8] = { 0x80, 8, 0, 0, 0, 0, 1, 0 };
	g_assert_cmpint(control(vm, 1, getcfg, buf), ==, 1);
	g_assert_cmpint(buf[0], ==, 1);
}

USB_FN int report_desc(struct vm *vm, uint8_t *buf)
{
	uint8_t s[8] = { 0x81, 6, 0, 0x22, 0, 0, 0xff, 0 };

	return control(vm, 1, s, buf);
}

/* An interrupt IN TD on ep 1 of address 1 as TD 0, IOC set. */
USB_FN void intr_td(struct vm *vm, int toggle)
{
	qtest_writel(vm->q, QH + 4, LINK_T);
	td_write(vm, 0, LINK_T, TD_ACTIVE | TD_IOC | 3u << 27, 0x69, 1, 1, toggle, 8);
	qtest_writel(vm->q, QH + 4, TDS);
}

/* Wait for TD 0 to complete; its bytes into buf. */
USB_FN int intr_wait(struct vm *vm, uint8_t *buf)
{
	gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
	uint32_t c;

	while ((c = td_ctrl(vm, 0)) & TD_ACTIVE) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		vm_tick(vm);
	}
	g_assert_cmphex(c & 0x7e0000, ==, 0);
	qtest_memread(vm->q, BUF, buf, (c + 1) & 0x7ff);
	return (c + 1) & 0x7ff;
}

#endif
