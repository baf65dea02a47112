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
 * controller still runs and answers.  Hubs, hotplug, VNC and migration
 * are in usb-hub-test.c.
 *
 * Everything runs against QEMU 7.2 too with the same assertions.  QEMU's
 * frame timer needs its virtual clock to run, so the QEMU leg gets a BIOS
 * of "cli; hlt" and a QMP "cont"; kvmpc's leg steps its qtest clock one
 * frame at a time.  Waits poll guest memory with a deadline.
 * USB_TEST_ARGS adds VMM arguments (e.g. "-d guest_errors" to see what the
 * hostile schedules log).
 */
#include "tests/qtest/usb-helpers.h"

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

	/* input-send-event: an unknown device, then no absolute device (QEMU's errors) */
	vm = vm_start("-usb -device usb-kbd");
	if (vm->qemu)
		qmp_ok(vm, "{\"execute\": \"cont\"}\n");
	r = qmp(vm, "{\"execute\": \"input-send-event\", \"arguments\": {\"device\": \"nosuch\", "
		"\"events\": [{\"type\": \"rel\", \"data\": {\"axis\": \"x\", \"value\": 1}}]}}\n");
	g_assert_nonnull(strstr(r, "\"Device 'nosuch' not found\""));
	g_free(r);
	r = qmp(vm, "{\"execute\": \"input-send-event\", \"arguments\": {\"events\": "
		"[{\"type\": \"abs\", \"data\": {\"axis\": \"x\", \"value\": 1}}]}}\n");
	g_assert_nonnull(strstr(r, "\"Input handler not found for event type abs\""));
	g_free(r);
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

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/usb/uhci/reset-values", test_reset_values);
	g_test_add_func("/usb/uhci/cmdline", test_cmdline);
	g_test_add_func("/usb/tablet/enumerate-and-report", test_tablet);
	g_test_add_func("/usb/kbd/enumerate-and-report", test_keyboard);
	g_test_add_func("/usb/mouse/config-and-report", test_mouse);
	g_test_add_func("/usb/uhci/hostile-schedules", test_hostile);
	return g_test_run();
}
