// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PIIX3 UHCI with USB HID devices through qtest, the test playing the
 * guest's UHCI driver: PCI identity and register reset values, port
 * status with a usb-tablet attached, a port reset and enable, then a full
 * enumeration over a schedule in guest memory (frame list -> QH -> TDs):
 * device, configuration, string and HID report descriptors compared byte
 * for byte with QEMU's, SET_ADDRESS/SET_CONFIGURATION, an interrupt IN TD
 * that NAKs until QMP input-send-event moves the tablet and then carries
 * its report (with the IOC interrupt on the PIIX3-routed IRQ), the
 * usb-kbd's boot reports for send-key, and a storm of hostile schedules
 * (link cycles, huge lengths, pointers outside RAM) after which the
 * controller still runs and answers; a VNC client's pointer reaches the
 * tablet as an absolute position scaled as QEMU scales it.
 *
 * Everything runs against QEMU 7.2 too with the same assertions.  QEMU's
 * frame timer needs its virtual clock to run, so the QEMU leg gets a BIOS
 * of "cli; hlt" and a QMP "cont"; kvmpc's leg steps its qtest clock one
 * frame at a time.  Waits poll guest memory with a deadline.
 * USB_TEST_ARGS adds VMM arguments (e.g. "-d guest_errors" to see what the
 * hostile schedules log).
 */
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

static unsigned vm_counter;

/* ---- VM and QMP ---------------------------------------------------------- */

static char *qmp_line(struct vm *vm)
{
	char buf[8192];

	g_assert_nonnull(fgets(buf, sizeof(buf), vm->in));
	return g_strdup(buf);
}

static char *qmp(struct vm *vm, const char *json)
{
	g_assert_cmpint(write(vm->fd, json, strlen(json)), ==, (ssize_t)strlen(json));
	for (;;) {
		char *l = qmp_line(vm);

		if (strstr(l, "\"return\"") || strstr(l, "\"error\""))
			return l;
		g_free(l);
	}
}

static void qmp_ok(struct vm *vm, const char *json)
{
	g_autofree char *r = qmp(vm, json);

	if (!strstr(r, "\"return\""))
		g_error("QMP %s failed: %s", json, r);
}

static void qmp_connect(struct vm *vm)
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
static char *write_hlt_bios(void)
{
	char *path = g_strdup_printf("%s/usb-hlt-%d-%u.bin", g_get_tmp_dir(), getpid(), vm_counter);
	uint8_t *img = g_malloc(65536);

	memset(img, 0xf4, 65536);
	memcpy(img + 0xfff0, "\xfa\xf4\xeb\xfd", 4);
	g_assert_true(g_file_set_contents(path, (char *)img, 65536, NULL));
	g_free(img);
	return path;
}

static struct vm *vm_start(const char *devices)
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

static void vm_stop(struct vm *vm)
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
static void vm_tick(struct vm *vm)
{
	if (vm->qemu)
		g_usleep(1000);
	else
		qtest_clock_step(vm->q, 1000000);
}

static uint16_t frnum(struct vm *vm)
{
	return qtest_inw(vm->q, IOBASE + 6);
}

/* Let at least n frames pass (FRNUM counts them). */
static void vm_frames(struct vm *vm, int n)
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

static void uhci_enable_pci(struct vm *vm)
{
	qtest_pci_writel(vm->q, UHCI_DEVFN, 0x20, IOBASE | 1);
	qtest_pci_writew(vm->q, UHCI_DEVFN, 0x04, 0x0005); /* I/O, bus master */
	/* slot 1 pin D is PIRQD: to IRQ 11 */
	qtest_pci_writeb(vm->q, PIIX3_DEVFN, 0x63, UHCI_IRQ);
}

/* Reset and enable port 1, point the frame list at the QH, run. */
static void uhci_setup(struct vm *vm)
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

static void uhci_start(struct vm *vm)
{
	uhci_setup(vm);
	if (vm->qemu)
		qmp_ok(vm, "{\"execute\": \"cont\"}\n");
}

/* A TD: link, status, token, buffer. */
static void td_write(struct vm *vm, int i, uint32_t link, uint32_t ctrl, int pid,
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

static uint32_t td_ctrl(struct vm *vm, int i)
{
	return qtest_readl(vm->q, TDS + 32 * i + 4);
}

/* Queue TDs 0..n-1 on the QH and wait until the queue is empty or stopped. */
static void run_queue(struct vm *vm, int n)
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
static int control(struct vm *vm, int addr, const uint8_t setup[8], uint8_t *out)
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

static int get_desc(struct vm *vm, int addr, int type, int idx, int len, uint8_t *out)
{
	uint8_t s[8] = { 0x80, 6, idx, type, 0, 0, len & 0xff, len >> 8 };

	return control(vm, addr, s, out);
}

static void set_request(struct vm *vm, int addr, int type, int req, int value)
{
	uint8_t s[8] = { type, req, value & 0xff, value >> 8, 0, 0, 0, 0 };

	g_assert_cmpint(control(vm, addr, s, NULL), ==, 0);
}

static void assert_bytes(const uint8_t *got, int n, const uint8_t *want, int wn)
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
static char *string_desc(struct vm *vm, int addr, int idx)
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
static void enumerate(struct vm *vm, const uint8_t *dev, const uint8_t *conf, int conflen)
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

static int report_desc(struct vm *vm, uint8_t *buf)
{
	uint8_t s[8] = { 0x81, 6, 0, 0x22, 0, 0, 0xff, 0 };

	return control(vm, 1, s, buf);
}

/* An interrupt IN TD on ep 1 of address 1 as TD 0, IOC set. */
static void intr_td(struct vm *vm, int toggle)
{
	qtest_writel(vm->q, QH + 4, LINK_T);
	td_write(vm, 0, LINK_T, TD_ACTIVE | TD_IOC | 3u << 27, 0x69, 1, 1, toggle, 8);
	qtest_writel(vm->q, QH + 4, TDS);
}

/* Wait for TD 0 to complete; its bytes into buf. */
static int intr_wait(struct vm *vm, uint8_t *buf)
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

/* ---- tests ------------------------------------------------------------------ */

static void test_reset_values(void)
{
	struct vm *vm = vm_start("-usb -device usb-tablet");
	struct qtest *q = vm->q;

	g_assert_cmphex(qtest_pci_readl(q, UHCI_DEVFN, 0x00), ==, 0x70208086);
	g_assert_cmphex(qtest_pci_readl(q, UHCI_DEVFN, 0x08), ==, 0x0c030001);
	g_assert_cmphex(qtest_pci_readb(q, UHCI_DEVFN, 0x3d), ==, 4);
	g_assert_cmphex(qtest_pci_readb(q, UHCI_DEVFN, 0x60), ==, 0x10);
	g_assert_cmphex(qtest_pci_readl(q, UHCI_DEVFN, 0x20), ==, 1); /* I/O BAR, unset */
	uhci_enable_pci(vm);
	g_assert_cmphex(qtest_inw(q, IOBASE + 0x00), ==, 0x0000);
	g_assert_cmphex(qtest_inw(q, IOBASE + 0x02), ==, 0x0020);
	g_assert_cmphex(qtest_inw(q, IOBASE + 0x04), ==, 0x0000);
	g_assert_cmphex(qtest_inw(q, IOBASE + 0x06), ==, 0x0000);
	g_assert_cmphex(qtest_inl(q, IOBASE + 0x08), ==, 0x00000000);
	g_assert_cmphex(qtest_inb(q, IOBASE + 0x0c), ==, 0x40);
	/* port 1: the tablet, connected (and changed); port 2 empty */
	g_assert_cmphex(qtest_inw(q, IOBASE + 0x10), ==, 0x0083);
	g_assert_cmphex(qtest_inw(q, IOBASE + 0x12), ==, 0x0080);
	/* the change bit clears by writing 1, enable needs a device */
	qtest_outw(q, IOBASE + 0x10, 0x0002);
	g_assert_cmphex(qtest_inw(q, IOBASE + 0x10), ==, 0x0081);
	qtest_outw(q, IOBASE + 0x12, 0x0004);
	g_assert_cmphex(qtest_inw(q, IOBASE + 0x12), ==, 0x0080);
	/* FLBASEADD keeps 4 KiB alignment; FRNUM is writable while halted */
	qtest_outl(q, IOBASE + 0x08, 0x12345678);
	g_assert_cmphex(qtest_inl(q, IOBASE + 0x08), ==, 0x12345000);
	qtest_outw(q, IOBASE + 0x06, 0x0123);
	g_assert_cmphex(qtest_inw(q, IOBASE + 0x06), ==, 0x0123);
	/* HCRESET brings the reset values back */
	qtest_outw(q, IOBASE + 0x00, 0x0002);
	g_assert_cmphex(qtest_inl(q, IOBASE + 0x08), ==, 0);
	g_assert_cmphex(qtest_inw(q, IOBASE + 0x02), ==, 0x0020);
	vm_stop(vm);
}

static void test_tablet(void)
{
	struct vm *vm = vm_start("-usb -device usb-tablet");
	uint8_t buf[256];
	g_autofree char *manuf = NULL, *product = NULL, *serial = NULL;
	static const uint8_t lang[] = { 4, 3, 0x09, 0x04 };

	uhci_start(vm);
	enumerate(vm, tablet_dev, tablet_conf, sizeof(tablet_conf));
	g_assert_cmpint(get_desc(vm, 1, 3, 0, 255, buf), ==, 4);
	ASSERT_BYTES(buf, 4, lang);
	manuf = string_desc(vm, 1, 1);
	product = string_desc(vm, 1, 3);
	serial = string_desc(vm, 1, 10);
	g_assert_cmpstr(manuf, ==, "QEMU");
	g_assert_cmpstr(product, ==, "QEMU USB Tablet");
	g_assert_cmpstr(serial, ==, "28754-0000:00:01.2-1");
	g_assert_cmpint(report_desc(vm, buf), ==, sizeof(tablet_report));
	ASSERT_BYTES(buf, sizeof(tablet_report), tablet_report);
	set_request(vm, 1, 0x21, 0x0a, 0); /* SET_IDLE 0: reports on change only */
	/* the transfer to the old address 0 failed: USBERR, now acknowledged */
	g_assert_cmphex(qtest_inw(vm->q, IOBASE + 2) & 0x3f, ==, 0x03);
	qtest_outw(vm->q, IOBASE + 2, 0x3f);
	g_assert_false(qtest_get_irq(vm->q, UHCI_IRQ));

	/* nothing to report: the TD NAKs and stays active */
	intr_td(vm, 0);
	vm_frames(vm, 5);
	g_assert_cmphex(td_ctrl(vm, 0) & TD_ACTIVE, ==, TD_ACTIVE);
	g_assert_false(qtest_get_irq(vm->q, UHCI_IRQ));

	qmp_ok(vm, "{\"execute\": \"input-send-event\", \"arguments\": {\"events\": ["
		   "{\"type\": \"abs\", \"data\": {\"axis\": \"x\", \"value\": 4660}},"
		   "{\"type\": \"abs\", \"data\": {\"axis\": \"y\", \"value\": 17185}}]}}\n");
	g_assert_cmpint(intr_wait(vm, buf), ==, 6);
	static const uint8_t move[] = { 0x00, 0x34, 0x12, 0x21, 0x43, 0x00 };
	ASSERT_BYTES(buf, 6, move);
	/* IOC: USBINT and the interrupt line, cleared by writing 1 */
	g_assert_cmphex(qtest_inw(vm->q, IOBASE + 2) & 1, ==, 1);
	g_assert_true(qtest_get_irq(vm->q, UHCI_IRQ));
	qtest_outw(vm->q, IOBASE + 2, 1);
	g_assert_false(qtest_get_irq(vm->q, UHCI_IRQ));

	/* left button and a wheel notch up at the same place */
	intr_td(vm, 1);
	qmp_ok(vm, "{\"execute\": \"input-send-event\", \"arguments\": {\"events\": ["
		   "{\"type\": \"btn\", \"data\": {\"button\": \"left\", \"down\": true}},"
		   "{\"type\": \"btn\", \"data\": {\"button\": \"wheel-up\", \"down\": true}}]}}\n");
	g_assert_cmpint(intr_wait(vm, buf), ==, 6);
	static const uint8_t click[] = { 0x01, 0x34, 0x12, 0x21, 0x43, 0x01 };
	ASSERT_BYTES(buf, 6, click);
	vm_stop(vm);
}

/* ---- a minimal RFB client: handshake, then pointer events ---------------- */

static void rfb_read(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		g_assert_cmpint(n, >, 0);
		got += n;
	}
}

/* Connect to the VNC server at path with security None; its screen size. */
static int rfb_open(const char *path, int *w, int *h)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), tries = 0;
	uint8_t ver[12], n, types[32], one = 1, init[24], name[256];
	uint32_t len;

	strcpy(sa.sun_path, path);
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		g_assert_cmpint(++tries, <, 1000);
		g_usleep(10000);
	}
	rfb_read(fd, ver, 12);
	g_assert_cmpint(write(fd, "RFB 003.008\n", 12), ==, 12);
	rfb_read(fd, &n, 1);
	g_assert_cmpint(n, >, 0);
	rfb_read(fd, types, n);
	g_assert_nonnull(memchr(types, 1, n));
	g_assert_cmpint(write(fd, &one, 1), ==, 1);
	rfb_read(fd, &len, 4);
	g_assert_cmpint(len, ==, 0);
	g_assert_cmpint(write(fd, &one, 1), ==, 1); /* ClientInit: shared */
	rfb_read(fd, init, 24);
	*w = init[0] << 8 | init[1];
	*h = init[2] << 8 | init[3];
	len = (uint32_t)init[20] << 24 | init[21] << 16 | init[22] << 8 | init[23];
	g_assert_cmpint(len, <, sizeof(name));
	rfb_read(fd, name, len);
	/* SetEncodings (Raw), as clients send: QEMU picks the pointer mode then */
	static const uint8_t enc[8] = { 2, 0, 0, 1, 0, 0, 0, 0 };
	g_assert_cmpint(write(fd, enc, 8), ==, 8);
	return fd;
}

static void rfb_pointer(int fd, int mask, int x, int y)
{
	uint8_t m[6] = { 5, mask, x >> 8, x & 0xff, y >> 8, y & 0xff };

	g_assert_cmpint(write(fd, m, 6), ==, 6);
}

/* VNC pointer events reach the tablet as absolute positions, QEMU-scaled. */
static void test_tablet_vnc(void)
{
	g_autofree char *path = g_strdup_printf("%s/usb-vnc-%d.sock", g_get_tmp_dir(), getpid());
	g_autofree char *args = g_strdup_printf("-usb -device usb-tablet -vga std -vnc unix:%s",
						path);
	struct vm *vm;
	uint8_t buf[16], want[6];
	int fd, w, h, x, y;

	unlink(path);
	vm = vm_start(args);
	uhci_start(vm);
	set_request(vm, 0, 0x00, 5, 1);
	set_request(vm, 1, 0x00, 9, 1);
	/* polled once: the tablet is the pointer device in front */
	intr_td(vm, 0);
	vm_frames(vm, 3);
	fd = rfb_open(path, &w, &h);
	x = w / 3;
	y = h - 1;
	rfb_pointer(fd, 1, x, y);
	g_assert_cmpint(intr_wait(vm, buf), ==, 6);
	want[0] = 1;
	want[1] = (x * 0x7fff / w) & 0xff;
	want[2] = (x * 0x7fff / w) >> 8;
	want[3] = (y * 0x7fff / h) & 0xff;
	want[4] = (y * 0x7fff / h) >> 8;
	want[5] = 0;
	ASSERT_BYTES(buf, 6, want);
	close(fd);
	vm_stop(vm);
	unlink(path);
}

/*
 * kvmpc only (QEMU 7.2 has no file: migration and kvmpc's sandbox refuses
 * exec:): a tablet enumerated and holding an unread report is saved with
 * "migrate" to a file and loaded by a second kvmpc, whose controller runs
 * on with the same address, configuration, frame number base and report.
 */
static void test_tablet_migrate(void)
{
	g_autofree char *state = g_strdup_printf("%s/usb-mig-%d.state", g_get_tmp_dir(), getpid());
	g_autofree char *inc = NULL;
	struct vm *src, *dst;
	uint8_t buf[16];
	static const uint8_t move[] = { 0x04, 0x10, 0x27, 0x20, 0x4e, 0x00 };
	char *r;

	if (getenv("QTEST_BINARY") && strstr(getenv("QTEST_BINARY"), "qemu-system")) {
		g_test_skip("QEMU 7.2 has no file: migration URI");
		return;
	}
	src = vm_start("-usb -device usb-tablet");
	uhci_start(src);
	set_request(src, 0, 0x00, 5, 1);
	set_request(src, 1, 0x00, 9, 1);
	intr_td(src, 0);
	vm_frames(src, 3);
	qtest_writel(src->q, QH + 4, LINK_T); /* stop polling: the report waits */
	qmp_ok(src, "{\"execute\": \"input-send-event\", \"arguments\": {\"events\": ["
		    "{\"type\": \"btn\", \"data\": {\"button\": \"middle\", \"down\": true}},"
		    "{\"type\": \"abs\", \"data\": {\"axis\": \"x\", \"value\": 10000}},"
		    "{\"type\": \"abs\", \"data\": {\"axis\": \"y\", \"value\": 20000}}]}}\n");
	unlink(state);
	inc = g_strdup_printf("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"file:%s\"}}\n",
			      state);
	qmp_ok(src, inc);
	r = qmp(src, "{\"execute\": \"query-migrate\"}\n");
	g_assert_nonnull(strstr(r, "\"completed\""));
	g_free(r);
	vm_stop(src);

	g_free(inc);
	inc = g_strdup_printf("-usb -device usb-tablet -incoming file:%s", state);
	dst = vm_start(inc);
	g_assert_cmphex(qtest_inw(dst->q, IOBASE + 0x10), ==, 0x0085);
	g_assert_cmphex(qtest_inw(dst->q, IOBASE) & 1, ==, 1);
	intr_td(dst, 1);
	g_assert_cmpint(intr_wait(dst, buf), ==, 6);
	ASSERT_BYTES(buf, 6, move);
	g_assert_cmpint(get_desc(dst, 1, 1, 0, 18, buf), ==, 18); /* still at address 1 */
	vm_stop(dst);
	unlink(state);
}

static void test_keyboard(void)
{
	struct vm *vm = vm_start("-usb -device usb-kbd");
	uint8_t buf[256];
	static const uint8_t press[] = { 0x02, 0x00, 0x04, 0, 0, 0, 0, 0 };
	static const uint8_t shift[] = { 0x02, 0x00, 0, 0, 0, 0, 0, 0 };
	static const uint8_t none[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t proto[8] = { 0xa1, 3, 0, 0, 0, 0, 1, 0 };

	uhci_start(vm);
	enumerate(vm, kbd_dev, kbd_conf, sizeof(kbd_conf));
	g_assert_cmpint(report_desc(vm, buf), ==, sizeof(kbd_report));
	ASSERT_BYTES(buf, sizeof(kbd_report), kbd_report);
	g_assert_cmpint(control(vm, 1, proto, buf), ==, 1);
	g_assert_cmpint(buf[0], ==, 1); /* report protocol after reset */
	set_request(vm, 1, 0x21, 0x0b, 0); /* boot protocol, as SeaBIOS asks */
	set_request(vm, 1, 0x21, 0x0a, 0);
	/* LEDs: SET_REPORT with a one-byte OUT data stage */
	uint8_t leds[8] = { 0x21, 0x09, 0, 2, 0, 0, 1, 0 }, caps = 0x02;
	g_assert_cmpint(control(vm, 1, leds, &caps), ==, 1);
	/* GET_IDLE reads back SET_IDLE's 0 */
	uint8_t getidle[8] = { 0xa1, 2, 0, 0, 0, 0, 1, 0 };
	g_assert_cmpint(control(vm, 1, getidle, buf), ==, 1);
	g_assert_cmpint(buf[0], ==, 0);

	/* shift-a: one report per key event, in order */
	qmp_ok(vm, "{\"execute\": \"send-key\", \"arguments\": {\"keys\": ["
		   "{\"type\": \"qcode\", \"data\": \"shift\"},"
		   "{\"type\": \"qcode\", \"data\": \"a\"}]}}\n");
	intr_td(vm, 0);
	g_assert_cmpint(intr_wait(vm, buf), ==, 8);
	ASSERT_BYTES(buf, 8, shift);
	intr_td(vm, 1);
	g_assert_cmpint(intr_wait(vm, buf), ==, 8);
	ASSERT_BYTES(buf, 8, press);
	intr_td(vm, 0);
	g_assert_cmpint(intr_wait(vm, buf), ==, 8);
	ASSERT_BYTES(buf, 8, shift);
	intr_td(vm, 1);
	g_assert_cmpint(intr_wait(vm, buf), ==, 8);
	ASSERT_BYTES(buf, 8, none);
	vm_stop(vm);
}

static void test_mouse(void)
{
	struct vm *vm = vm_start("-usb -device usb-mouse");
	uint8_t buf[256];

	uhci_start(vm);
	g_assert_cmpint(get_desc(vm, 0, 2, 0, 255, buf), ==, sizeof(mouse_conf));
	ASSERT_BYTES(buf, sizeof(mouse_conf), mouse_conf);
	g_assert_cmpint(get_desc(vm, 0, 0x22, 0, 255, buf), ==, -1); /* not a device desc */
	set_request(vm, 0, 0x00, 5, 1);
	set_request(vm, 1, 0x00, 9, 1);
	/* the first poll makes it the relative pointer in front (of PS/2's) */
	intr_td(vm, 0);
	vm_frames(vm, 3);
	g_assert_cmphex(td_ctrl(vm, 0) & TD_ACTIVE, ==, TD_ACTIVE);
	qmp_ok(vm, "{\"execute\": \"input-send-event\", \"arguments\": {\"events\": ["
		   "{\"type\": \"rel\", \"data\": {\"axis\": \"x\", \"value\": 5}},"
		   "{\"type\": \"rel\", \"data\": {\"axis\": \"y\", \"value\": -3}},"
		   "{\"type\": \"btn\", \"data\": {\"button\": \"right\", \"down\": true}}]}}\n");
	static const uint8_t rel[] = { 0x02, 0x05, 0xfd, 0x00 };
	g_assert_cmpint(intr_wait(vm, buf), ==, 4);
	ASSERT_BYTES(buf, 4, rel);
	/* HMP mouse_move goes there too, a positive dz is the wheel up */
	intr_td(vm, 1);
	g_autofree char *r = qmp(vm, "{\"execute\": \"human-monitor-command\", "
				 "\"arguments\": {\"command-line\": \"mouse_move -7 9\"}}\n");
	static const uint8_t hmp[] = { 0x02, 0xf9, 0x09, 0x00 };
	g_assert_cmpint(intr_wait(vm, buf), ==, 4);
	ASSERT_BYTES(buf, 4, hmp);
	vm_stop(vm);
}

/*
 * Let a hostile schedule run for a few frames.  kvmpc bounds the work per
 * frame and runs on; QEMU halts with a host controller process error when
 * a frame loops too often, and the driver restarts it: both are fine, a
 * hang or crash is not.
 */
static void storm_frames(struct vm *vm)
{
	uint16_t start = frnum(vm);
	gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

	while (((frnum(vm) - start) & 0x7ff) < 4) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		if (!(qtest_inw(vm->q, IOBASE) & 1)) {
			g_assert_cmphex(qtest_inw(vm->q, IOBASE + 2) & 0x30, ==, 0x30);
			qtest_outw(vm->q, IOBASE + 2, 0x3f);
			qtest_outw(vm->q, IOBASE, 0x00c1);
			break;
		}
		vm_tick(vm);
	}
}

/* After a controller reset it runs (FRNUM moves) and enumerates again. */
static void assert_alive(struct vm *vm)
{
	uint8_t buf[32];

	qtest_outw(vm->q, IOBASE, 0x0002);
	uhci_setup(vm);
	vm_frames(vm, 3);
	g_assert_cmpint(get_desc(vm, 0, 1, 0, 18, buf), ==, 18);
	assert_bytes(buf, 18, tablet_dev, 18);
}

static void test_hostile(void)
{
	struct vm *vm = vm_start("-usb -device usb-tablet");
	struct qtest *q = vm->q;

	uhci_start(vm);
	/* a QH whose horizontal link is itself */
	qtest_writel(q, QH, QH | LINK_Q);
	qtest_writel(q, QH + 4, LINK_T);
	storm_frames(vm);
	/* a TD linked to itself depth first inside that QH, NAKing forever */
	td_write(vm, 0, TDS | LINK_VF, TD_ACTIVE, 0x69, 0, 1, 0, 8);
	qtest_writel(q, QH + 4, TDS);
	storm_frames(vm);
	/* frame list entries pointing at an inactive TD linked to itself */
	td_write(vm, 1, (TDS + 32) | LINK_VF, 0, 0x69, 0, 0, 0, 8);
	for (int i = 0; i < 1024; i++)
		qtest_writel(q, FL + 4 * i, TDS + 32);
	storm_frames(vm);
	/* an active TD chain that loops back: SETUPs of the largest length */
	for (int i = 0; i < 4; i++)
		td_write(vm, 2 + i, (TDS + 32 * (3 + i % 3)) | LINK_VF, TD_ACTIVE, 0x2d, 0, 0, 0,
			 0x500);
	qtest_writel(q, TDS + 32 * 2 + 12, 0xfffff000);   /* buffer outside RAM */
	qtest_writel(q, TDS + 32 * 3 + 8, 0xffe0002d);     /* length 0x7ff */
	qtest_writel(q, TDS + 32 * 4 + 8, 0x000000aa);     /* bad pid */
	for (int i = 0; i < 1024; i++)
		qtest_writel(q, FL + 4 * i, TDS + 64);
	storm_frames(vm);
	/* schedule and frame list outside RAM */
	for (int i = 0; i < 1024; i++)
		qtest_writel(q, FL + 4 * i, 0xfffff000 | LINK_Q);
	storm_frames(vm);
	qtest_outw(q, IOBASE, 0);
	qtest_outl(q, IOBASE + 8, 0xfffff000);
	qtest_outw(q, IOBASE, 0x00c1);
	storm_frames(vm);
	assert_alive(vm);
	vm_stop(vm);
}

static void test_cmdline(void)
{
	/* -usbdevice and -machine usb=on build the same machine as -usb -device */
	struct vm *vm = vm_start("-machine usb=on -usbdevice tablet");
	char *r;

	g_assert_cmphex(qtest_pci_readl(vm->q, UHCI_DEVFN, 0), ==, 0x70208086);
	uhci_enable_pci(vm);
	g_assert_cmphex(qtest_inw(vm->q, IOBASE + 0x10), ==, 0x0083);
	vm_stop(vm);

	/* HMP info usb lists the devices by port, with their ids */
	vm = vm_start("-usb -device usb-tablet,id=tab");
	r = qmp(vm, "{\"execute\": \"human-monitor-command\", "
		"\"arguments\": {\"command-line\": \"info usb\"}}\n");
	g_assert_nonnull(strstr(r, "\"  Device 0.0, Port 1, Speed 12 Mb/s, Product QEMU USB Tablet, "
				"ID: tab\\r\\n\""));
	g_free(r);
	vm_stop(vm);
}

/*
 * Two devices on a two-port UHCI: as QEMU, a usb-hub takes port 2 and the
 * keyboard sits behind it.  The hub enumerates with QEMU's descriptors,
 * reports its port change on the interrupt endpoint, resets the port and
 * then passes packets to the keyboard at address 0.
 */
static void test_hub(void)
{
	struct vm *vm = vm_start("-usb -device usb-tablet -device usb-kbd");
	struct qtest *q = vm->q;
	uint8_t buf[64];
	static const uint8_t hub_dev[] = {
		0x12, 0x01, 0x10, 0x01, 0x09, 0x00, 0x00, 0x08, 0x09, 0x04, 0xaa, 0x55,
		0x01, 0x01, 0x01, 0x02, 0x03, 0x01,
	};
	static const uint8_t hub_conf[] = {
		0x09, 0x02, 0x19, 0x00, 0x01, 0x01, 0x00, 0xe0, 0x00,
		0x09, 0x04, 0x00, 0x00, 0x01, 0x09, 0x00, 0x00, 0x00,
		0x07, 0x05, 0x81, 0x03, 0x02, 0x00, 0xff,
	};
	static const uint8_t hub_desc[] = { 0x0a, 0x29, 0x08, 0x0a, 0x00, 0x01, 0x00, 0x00, 0x00, 0xff };
	static const uint8_t connected[] = { 0x01, 0x01, 0x01, 0x00 };
	static const uint8_t enabled[] = { 0x03, 0x01, 0x02, 0x00 }; /* C_PORT_ENABLE left */
	static const uint8_t bitmap[] = { 0x02, 0x00 };
	uint8_t hubdesc[8] = { 0xa0, 6, 0, 0x29, 0, 0, 0xff, 0 };
	uint8_t portstat[8] = { 0xa3, 0, 0, 0, 1, 0, 4, 0 };
	g_autofree char *serial = NULL;

	uhci_start(vm);
	/* port 1 (the tablet) stays disabled: only the hub answers at 0 */
	qtest_outw(q, IOBASE + 0x10, 0x000a);
	qtest_outw(q, IOBASE + 0x12, 0x0200);
	qtest_outw(q, IOBASE + 0x12, 0x0000);
	qtest_outw(q, IOBASE + 0x12, 0x000e);
	g_assert_cmpint(get_desc(vm, 0, 1, 0, 18, buf), ==, 18);
	ASSERT_BYTES(buf, 18, hub_dev);
	g_assert_cmpint(get_desc(vm, 0, 2, 0, 255, buf), ==, sizeof(hub_conf));
	ASSERT_BYTES(buf, sizeof(hub_conf), hub_conf);
	set_request(vm, 0, 0x00, 5, 2);
	set_request(vm, 2, 0x00, 9, 1);
	g_assert_cmpint(control(vm, 2, hubdesc, buf), ==, sizeof(hub_desc));
	ASSERT_BYTES(buf, sizeof(hub_desc), hub_desc);
	g_assert_cmpint(control(vm, 2, portstat, buf), ==, 4);
	ASSERT_BYTES(buf, 4, connected);
	/* the change shows on the status change endpoint */
	td_write(vm, 0, LINK_T, TD_ACTIVE | 3u << 27, 0x69, 2, 1, 0, 2);
	qtest_writel(q, QH + 4, LINK_T);
	qtest_writel(q, QH + 4, TDS);
	{
		gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

		while (td_ctrl(vm, 0) & TD_ACTIVE) {
			g_assert_cmpint(g_get_monotonic_time(), <, deadline);
			vm_tick(vm);
		}
	}
	qtest_memread(q, BUF, buf, 2);
	ASSERT_BYTES(buf, 2, bitmap);
	/* reset port 1, acknowledge connection and reset: enabled (QEMU also flags the enable) */
	uint8_t reset[8] = { 0x23, 3, 4, 0, 1, 0, 0, 0 };
	g_assert_cmpint(control(vm, 2, reset, NULL), ==, 0);
	uint8_t c_conn[8] = { 0x23, 1, 16, 0, 1, 0, 0, 0 }, c_reset[8] = { 0x23, 1, 20, 0, 1, 0, 0, 0 };
	g_assert_cmpint(control(vm, 2, c_conn, NULL), ==, 0);
	g_assert_cmpint(control(vm, 2, c_reset, NULL), ==, 0);
	g_assert_cmpint(control(vm, 2, portstat, buf), ==, 4);
	ASSERT_BYTES(buf, 4, enabled);
	/* the keyboard behind it */
	g_assert_cmpint(get_desc(vm, 0, 1, 0, 18, buf), ==, 18);
	ASSERT_BYTES(buf, 18, kbd_dev);
	serial = string_desc(vm, 0, 11);
	g_assert_cmpstr(serial, ==, "68284-0000:00:01.2-2.1");
	vm_stop(vm);
}

/* device_add and device_del of a USB device: the port sees it come and go. */
static void test_hotplug(void)
{
	struct vm *vm = vm_start("-usb");
	gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

	uhci_enable_pci(vm);
	g_assert_cmphex(qtest_inw(vm->q, IOBASE + 0x10), ==, 0x0080);
	qmp_ok(vm, "{\"execute\": \"device_add\", \"arguments\": "
		   "{\"driver\": \"usb-tablet\", \"id\": \"t1\"}}\n");
	g_assert_cmphex(qtest_inw(vm->q, IOBASE + 0x10), ==, 0x0083);
	qtest_outw(vm->q, IOBASE + 0x10, 0x000e); /* ack the change, enable */
	g_assert_cmphex(qtest_inw(vm->q, IOBASE + 0x10), ==, 0x0085);
	qmp_ok(vm, "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"t1\"}}\n");
	/* disconnected: connect and enable change bits set, both status bits clear */
	while (qtest_inw(vm->q, IOBASE + 0x10) != 0x008a) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(1000);
	}
	qmp_ok(vm, "{\"execute\": \"device_add\", \"arguments\": "
		   "{\"driver\": \"usb-kbd\", \"id\": \"k1\"}}\n");
	/* on a free port (QEMU takes port 2 now, kvmpc the first free one) */
	g_assert_cmphex((qtest_inw(vm->q, IOBASE + 0x10) | qtest_inw(vm->q, IOBASE + 0x12)) & 1,
			==, 1);
	vm_stop(vm);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/usb/uhci/reset-values", test_reset_values);
	g_test_add_func("/usb/uhci/cmdline", test_cmdline);
	g_test_add_func("/usb/tablet/enumerate-and-report", test_tablet);
	g_test_add_func("/usb/tablet/vnc-pointer", test_tablet_vnc);
	g_test_add_func("/usb/tablet/migrate", test_tablet_migrate);
	g_test_add_func("/usb/kbd/enumerate-and-report", test_keyboard);
	g_test_add_func("/usb/mouse/config-and-report", test_mouse);
	g_test_add_func("/usb/uhci/hostile-schedules", test_hostile);
	g_test_add_func("/usb/uhci/hotplug", test_hotplug);
	g_test_add_func("/usb/hub/behind-port-2", test_hub);
	return g_test_run();
}
