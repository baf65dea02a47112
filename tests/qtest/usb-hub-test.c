// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * USB beyond one device on the root port, through qtest against kvmpc and
 * QEMU 7.2 (tests/qtest/usb-helpers.h plays the UHCI driver): the usb-hub
 * that takes port 2 when two devices are given, enumerated with QEMU's
 * descriptors, its port reset and the keyboard behind it; device_add and
 * device_del of USB devices seen on the port; a VNC client's pointer
 * reaching the tablet as QEMU scales it; and (kvmpc only) a tablet with an
 * unread report migrated through a file.
 */
#include "tests/qtest/usb-helpers.h"

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
	g_test_add_func("/usb/hub/behind-port-2", test_hub);
	g_test_add_func("/usb/uhci/hotplug", test_hotplug);
	g_test_add_func("/usb/tablet/vnc-pointer", test_tablet_vnc);
	g_test_add_func("/usb/tablet/migrate", test_tablet_migrate);
	return g_test_run();
}
