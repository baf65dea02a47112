// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ACPI PCI hot-plug (hw/acpi/pcihp.c) through qtest and QMP, against kvmpc
 * and QEMU 7.2 alike (QEMU's legacy PIIX4 hot-plug mode, which SeaBIOS's
 * DSDT needs and kvmpc has by default): the registers at 0xae00 (up,
 * down, eject, removable, select), GPE0 bit 1 and the SCI on IRQ 9, config
 * space appearing on device_add and vanishing on eject, DEVICE_DELETED,
 * QEMU's error words, and hostile sequences: device_del while a virtio-blk
 * request is in flight, double eject, busy slots, 200 random add/del
 * rounds with the VMM's fd count and RSS compared before and after.  CPUs:
 * device_add with socket/core/thread ids sets the bit at 0xaf00 and GPE0
 * bit 2, query-hotpluggable-cpus/query-cpus-fast follow, errors as QEMU's.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "tests/lib/libqtest.h"
#include "tests/qtest/virtio-helpers.h"

#define PCI_UP 0xae00
#define PCI_DOWN 0xae04
#define PCI_EJ 0xae08
#define PCI_RMV 0xae0c
#define PCI_SEL 0xae10
#define GPE_STS 0xafe0
#define GPE_EN 0xafe2
#define GPE_PCI 0x02
#define SCI_IRQ 9
/* kvmpc's default; QEMU 7.2 defaults to the mode whose "up" read-clears */
#define PCIHP_MODE "-global PIIX4_PM.acpi-pci-hotplug-with-bridge-support="
static const char *pcihp_mode = "off";

struct vm {
	struct qtest *q;
	int fd;
	FILE *in;
	char *dir, *sock, *img, *img2; /* img2: for drive_add, read-only */
	GPtrArray *events; /* event lines not yet looked at */
};

static char *qmp_line(struct vm *vm)
{
	char buf[16384];

	g_assert_nonnull(fgets(buf, sizeof(buf), vm->in));
	return g_strchomp(g_strdup(buf));
}

/* Send JSON, return the reply line; events met on the way are kept. */
static char *qmp(struct vm *vm, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *cmd = NULL;
	size_t n;

	va_start(ap, fmt);
	cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	n = strlen(cmd);
	g_assert_cmpint(write(vm->fd, cmd, n), ==, (ssize_t)n);
	g_assert_cmpint(write(vm->fd, "\n", 1), ==, 1);
	for (;;) {
		char *l = qmp_line(vm);

		if (g_str_has_prefix(l, "{\"return\"") || g_str_has_prefix(l, "{\"error\""))
			return l;
		g_ptr_array_add(vm->events, l);
	}
}

static void qmp_ok(struct vm *vm, const char *json)
{
	g_autofree char *r = qmp(vm, "%s", json);

	if (!g_str_has_prefix(r, "{\"return\""))
		g_error("%s -> %s", json, r);
}

/* The reply must be an error whose desc is exactly desc. */
static void qmp_err(struct vm *vm, const char *json, const char *desc)
{
	g_autofree char *r = qmp(vm, "%s", json);
	g_autofree char *want = g_strdup_printf("\"desc\": \"%s\"", desc);
	g_autofree char *want2 = g_strdup_printf("\"desc\":\"%s\"", desc);

	if (!strstr(r, want) && !strstr(r, want2))
		g_error("%s -> %s (wanted %s)", json, r, desc);
}

/* Wait (10 s) for an event line containing both needles; drop it. */
static void wait_event(struct vm *vm, const char *a, const char *b)
{
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	for (;;) {
		for (unsigned i = 0; i < vm->events->len; i++) {
			const char *l = g_ptr_array_index(vm->events, i);

			if (strstr(l, a) && (!b || strstr(l, b))) {
				g_ptr_array_remove_index(vm->events, i);
				return;
			}
		}
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_free(qmp(vm, "{\"execute\": \"query-status\"}"));
		g_usleep(1000);
	}
}

/* 1 MiB; sector s is filled with 'a' + s for the first 8 sectors */
static void make_image(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(ftruncate(fd, 1 << 20), ==, 0);
	for (int s = 0; s < 8; s++) {
		char sec[512];

		memset(sec, 'a' + s, sizeof(sec));
		g_assert_cmpint(pwrite(fd, sec, 512, s * 512), ==, 512);
	}
	close(fd);
}

static struct vm *vm_start(const char *extra)
{
	struct vm *vm = g_new0(struct vm, 1);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	g_autofree char *args = NULL, *greet = NULL;
	vm->events = g_ptr_array_new_with_free_func(g_free);
	vm->dir = g_dir_make_tmp("kvmpc-hp-XXXXXX", NULL);
	vm->sock = g_build_filename(vm->dir, "qmp.sock", NULL);
	vm->img = g_build_filename(vm->dir, "d.img", NULL);
	vm->img2 = g_build_filename(vm->dir, "d2.img", NULL);
	make_image(vm->img);
	make_image(vm->img2);
	args = g_strdup_printf("-nodefaults " PCIHP_MODE "%s -drive if=none,id=d0,format=raw,file=%s %s "
			       "-qmp unix:%s,server=on,wait=off", pcihp_mode, vm->img,
			       extra ? extra : "", vm->sock);
	vm->q = qtest_start(args);
	strcpy(sa.sun_path, vm->sock);
	vm->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	g_assert_cmpint(connect(vm->fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	vm->in = fdopen(dup(vm->fd), "r");
	greet = qmp_line(vm);
	g_assert_nonnull(strstr(greet, "\"QMP\""));
	qmp_ok(vm, "{\"execute\": \"qmp_capabilities\"}");
	return vm;
}

static void vm_stop(struct vm *vm)
{
	fclose(vm->in);
	close(vm->fd);
	qtest_quit(vm->q);
	g_unlink(vm->sock);
	g_unlink(vm->img);
	g_unlink(vm->img2);
	g_free(vm->img2);
	g_rmdir(vm->dir);
	g_free(vm->sock);
	g_free(vm->img);
	g_free(vm->dir);
	g_ptr_array_free(vm->events, TRUE);
	g_free(vm);
}

/* HMP drive_add of an if=none drive on the test image (shared, read-only). */
static void drive_add(struct vm *vm, const char *id)
{
	g_autofree char *r = qmp(vm, "{\"execute\": \"human-monitor-command\", \"arguments\": "
				 "{\"command-line\": \"drive_add 0 if=none,id=%s,format=raw,"
				 "readonly=on,file=%s\"}}", id, vm->img2);

	if (!strstr(r, "OK"))
		g_error("drive_add: %s", r);
}

static void add_rng(struct vm *vm, const char *id, int slot)
{
	g_autofree char *cmd = g_strdup_printf(
		"{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"virtio-rng-pci\", "
		"\"id\": \"%s\", \"addr\": \"%x\"}}", id, slot);

	qmp_ok(vm, cmd);
}

static void del(struct vm *vm, const char *id)
{
	g_autofree char *cmd = g_strdup_printf(
		"{\"execute\": \"device_del\", \"arguments\": {\"id\": \"%s\"}}", id);

	qmp_ok(vm, cmd);
}

static void wait_deleted(struct vm *vm, const char *id)
{
	g_autofree char *dev = g_strdup_printf("\"device\": \"%s\"", id);
	g_autofree char *dev2 = g_strdup_printf("\"device\":\"%s\"", id);
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	for (;;) {
		for (unsigned i = 0; i < vm->events->len; i++) {
			const char *l = g_ptr_array_index(vm->events, i);

			if (strstr(l, "DEVICE_DELETED") && (strstr(l, dev) || strstr(l, dev2))) {
				g_ptr_array_remove_index(vm->events, i);
				return;
			}
		}
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_free(qmp(vm, "{\"execute\": \"query-status\"}"));
		g_usleep(1000);
	}
}

static void test_registers(void)
{
	struct vm *vm = vm_start("-device VGA");
	struct qtest *q = vm->q;

	g_assert_cmphex(qtest_inl(q, PCI_UP), ==, 0);
	g_assert_cmphex(qtest_inl(q, PCI_DOWN), ==, 0);
	g_assert_cmphex(qtest_inl(q, PCI_EJ), ==, 0);
	/* host bridge (slot 0), PIIX3 functions (1) and VGA (2) stay */
	g_assert_cmphex(qtest_inl(q, PCI_RMV), ==, 0xfffffff8);
	g_assert_cmphex(qtest_inl(q, PCI_SEL), ==, 0);
	/* 32-bit registers: narrower reads answer 0 */
	g_assert_cmphex(qtest_inb(q, PCI_RMV), ==, 0);
	g_assert_cmphex(qtest_inw(q, PCI_RMV), ==, 0);
	/* ejecting a fixed slot or an empty one changes nothing */
	qtest_outl(q, PCI_EJ, 1u << 0);
	qtest_outl(q, PCI_EJ, 1u << 2);
	qtest_outl(q, PCI_EJ, 1u << 9);
	g_assert_cmphex(qtest_pci_readl(q, 0x00, 0), ==, 0x12378086);
	g_assert_cmphex(qtest_pci_readl(q, 0x10, 0), ==, 0x11111234);
	g_assert_cmphex(qtest_inb(q, GPE_STS), ==, 0);
	vm_stop(vm);
}

static void test_plug_eject(void)
{
	struct vm *vm = vm_start(NULL);
	struct qtest *q = vm->q;

	qtest_irq_intercept_in(q, "ioapic");
	g_assert_cmphex(qtest_pci_readl(q, 5 << 3, 0), ==, 0xffffffff);
	add_rng(vm, "r1", 5);
	/* config space is there at once */
	g_assert_cmphex(qtest_pci_readw(q, 5 << 3, 0), ==, 0x1af4);
	g_assert_cmphex(qtest_inb(q, GPE_STS), ==, GPE_PCI);
	g_assert_false(qtest_get_irq(q, SCI_IRQ)); /* GPE not enabled */
	qtest_outb(q, GPE_EN, GPE_PCI);
	g_assert_true(qtest_get_irq(q, SCI_IRQ));
	/* up stays until the eject (legacy mode: SeaBIOS's _E01 reads it per slot) */
	g_assert_cmphex(qtest_inl(q, PCI_UP), ==, 1u << 5);
	g_assert_cmphex(qtest_inl(q, PCI_UP), ==, 1u << 5);
	g_assert_cmphex(qtest_inl(q, PCI_DOWN), ==, 0);
	qtest_outb(q, GPE_STS, GPE_PCI); /* the _E01 handler acknowledges */
	g_assert_false(qtest_get_irq(q, SCI_IRQ));

	del(vm, "r1");
	g_assert_cmphex(qtest_inb(q, GPE_STS), ==, GPE_PCI);
	g_assert_true(qtest_get_irq(q, SCI_IRQ));
	g_assert_cmphex(qtest_inl(q, PCI_DOWN), ==, 1u << 5);
	g_assert_cmphex(qtest_inl(q, PCI_DOWN), ==, 1u << 5); /* not read-cleared */
	qmp_err(vm, "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"r1\"}}",
		"Device r1 is already in the process of unplug");
	/* still there until the guest ejects */
	g_assert_cmphex(qtest_pci_readw(q, 5 << 3, 0), ==, 0x1af4);
	qtest_outb(q, GPE_STS, GPE_PCI);
	qtest_outl(q, PCI_EJ, 1u << 5);
	g_assert_cmphex(qtest_pci_readl(q, 5 << 3, 0), ==, 0xffffffff);
	g_assert_cmphex(qtest_inl(q, PCI_DOWN), ==, 0);
	g_assert_cmphex(qtest_inl(q, PCI_UP), ==, 0);
	wait_event(vm, "DEVICE_DELETED", "/machine/peripheral/r1/virtio-backend");
	wait_deleted(vm, "r1");
	/* a second eject of the same slot is harmless; the slot is free again */
	qtest_outl(q, PCI_EJ, 1u << 5);
	qmp_err(vm, "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"r1\"}}",
		"Device 'r1' not found");
	add_rng(vm, "r1", 5);
	g_assert_cmphex(qtest_pci_readw(q, 5 << 3, 0), ==, 0x1af4);
	vm_stop(vm);
}

/* Eject takes the lowest slot of the value, and needs no device_del. */
static void test_eject_lowest(void)
{
	struct vm *vm = vm_start(NULL);
	struct qtest *q = vm->q;

	add_rng(vm, "a", 6);
	add_rng(vm, "b", 7);
	g_assert_cmphex(qtest_inl(q, PCI_UP), ==, 0xc0);
	del(vm, "a");
	g_assert_cmphex(qtest_inl(q, PCI_DOWN), ==, 0x40);
	qtest_outl(q, PCI_EJ, 0xc0);
	g_assert_cmphex(qtest_inl(q, PCI_UP), ==, 0x80);
	g_assert_cmphex(qtest_pci_readl(q, 6 << 3, 0), ==, 0xffffffff);
	g_assert_cmphex(qtest_pci_readw(q, 7 << 3, 0), ==, 0x1af4);
	wait_deleted(vm, "a");
	qtest_outl(q, PCI_EJ, 0x80);
	g_assert_cmphex(qtest_pci_readl(q, 7 << 3, 0), ==, 0xffffffff);
	wait_deleted(vm, "b");
	vm_stop(vm);
}

/* A removal still pending at a system reset happens then, as in QEMU. */
static void test_reset_ejects(void)
{
	struct vm *vm = vm_start(NULL);

	add_rng(vm, "r1", 5);
	add_rng(vm, "r2", 6);
	del(vm, "r1");
	qmp_ok(vm, "{\"execute\": \"system_reset\"}");
	wait_deleted(vm, "r1");
	g_assert_cmphex(qtest_pci_readl(vm->q, 5 << 3, 0), ==, 0xffffffff);
	g_assert_cmphex(qtest_pci_readw(vm->q, 6 << 3, 0), ==, 0x1af4);
	g_assert_cmphex(qtest_inl(vm->q, PCI_DOWN), ==, 0);
	g_assert_cmphex(qtest_inl(vm->q, PCI_UP), ==, 1u << 6);
	vm_stop(vm);
}

/* QEMU 7.2's default mode (bridge support on): reading "up" clears it. */
static void test_up_read_clears(void)
{
	struct vm *vm;

	pcihp_mode = "on";
	vm = vm_start(NULL);
	pcihp_mode = "off";
	add_rng(vm, "r1", 5);
	g_assert_cmphex(qtest_inl(vm->q, PCI_UP), ==, 1u << 5);
	g_assert_cmphex(qtest_inl(vm->q, PCI_UP), ==, 0);
	del(vm, "r1");
	g_assert_cmphex(qtest_inl(vm->q, PCI_DOWN), ==, 1u << 5);
	g_assert_cmphex(qtest_inl(vm->q, PCI_DOWN), ==, 1u << 5);
	vm_stop(vm);
}

static void test_errors(void)
{
	struct vm *vm = vm_start("-device VGA,id=vga");

	add_rng(vm, "r1", 5);
	qmp_err(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
		"\"virtio-rng-pci\", \"id\": \"r2\", \"addr\": \"5\"}}",
		"PCI: slot 5 function 0 not available for virtio-rng-pci, in use by "
		"virtio-rng-pci,id=r1");
	qmp_err(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
		"\"virtio-rng-pci\", \"id\": \"r1\", \"addr\": \"6\"}}",
		"Duplicate device ID 'r1'");
	qmp_err(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
		"\"virtio-rng-pci\", \"id\": \"r4\", \"addr\": \"5.1\"}}",
		"PCI: slot 5 function 0 already occupied by virtio-rng-pci, new func "
		"virtio-rng-pci cannot be exposed to guest.");
	qmp_err(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
		"\"virtio-rng-pci\", \"id\": \"r5\", \"addr\": \"0x20\"}}",
		"Property 'virtio-rng-pci.addr' doesn't take value '0x20'");
	qmp_err(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
		"\"virtio-rng-pci\", \"bus\": \"pci.1\"}}", "Bus 'pci.1' not found");
	qmp_err(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"nope\"}}",
		"'nope' is not a valid device model name");
	/* kvmpc names the -device type (as tests/qtest/backend-lookup-test.c) */
	qmp_err(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
		"\"virtio-blk-pci\", \"drive\": \"nod\"}}",
		qtest_is_qemu(vm->q) ? "Property 'virtio-blk-device.drive' can't find value 'nod'"
				     : "Property 'virtio-blk-pci.drive' can't find value 'nod'");
	qmp_err(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
		"\"virtio-blk-pci\"}}", "drive property not set");
	qmp_err(vm, "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"nope\"}}",
		"Device 'nope' not found");
	qmp_err(vm, "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"vga\"}}",
		"Device 'VGA' does not support hotplugging");
	/* as in QEMU, a -drive backend goes with its device; drive_add makes another */
	qmp_ok(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	       "\"virtio-blk-pci\", \"id\": \"b1\", \"drive\": \"d0\", \"bus\": \"pci.0\", "
	       "\"addr\": \"9\"}}");
	qmp_err(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
		"\"virtio-blk-pci\", \"id\": \"b2\", \"drive\": \"d0\"}}",
		"Drive 'd0' is already in use by another device");
	del(vm, "b1");
	qtest_outl(vm->q, PCI_EJ, 1u << 9);
	wait_deleted(vm, "b1");
	qmp_err(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
		"\"virtio-blk-pci\", \"id\": \"b2\", \"drive\": \"d0\", \"addr\": \"9\"}}",
		qtest_is_qemu(vm->q) ? "Property 'virtio-blk-device.drive' can't find value 'd0'"
				     : "Property 'virtio-blk-pci.drive' can't find value 'd0'");
	drive_add(vm, "d0");
	qmp_ok(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	       "\"virtio-blk-pci\", \"id\": \"b2\", \"drive\": \"d0\", \"addr\": \"9\"}}");
	g_assert_cmphex(qtest_pci_readl(vm->q, 9 << 3, 0), ==, 0x10011af4);
	vm_stop(vm);
}

/* device_add virtio-blk, read sector 3 through it, then device_del + eject. */
#define RING 0x10000
#define HDR 0x20000
#define STATUS 0x20100
#define DATA 0x30000
#define NREQ 8

static void blk_queue_reads(struct vt_queue *vq, struct qtest *q, unsigned nreq)
{
	for (unsigned r = 0; r < nreq; r++) {
		uint8_t hdr[16] = { 0 };
		uint64_t sector = 3;

		memcpy(hdr + 8, &sector, 8); /* type 0: read */
		qtest_memwrite(q, HDR + 16 * r, hdr, 16);
		qtest_writeb(q, STATUS + r, 0xee);
		vt_desc(vq, 0, 3 * r, HDR + 16 * r, 16, VT_D_NEXT, 3 * r + 1);
		vt_desc(vq, 0, 3 * r + 1, DATA + 0x1000 * r, 512, VT_D_NEXT | VT_D_WRITE,
			3 * r + 2);
		vt_desc(vq, 0, 3 * r + 2, STATUS + r, 1, VT_D_WRITE, 0);
		vt_avail(vq, 3 * r);
	}
	vt_kick(vq);
}

static void blk_bring_up(struct vt_dev *d, struct vt_queue *vq, struct qtest *q, int devfn)
{
	vt_setup(d, q, devfn);
	vt_negotiate(d, 0);
	vt_queue_init(vq, d, 0, 0, RING);
	vt_set_status(d, vt_status(d) | VT_S_DRIVER_OK);
}

static void test_blk_io(void)
{
	struct vm *vm = vm_start(NULL);
	struct qtest *q = vm->q;
	struct vt_dev d;
	struct vt_queue vq;
	uint8_t buf[512];

	qmp_ok(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	       "\"virtio-blk-pci\", \"id\": \"b1\", \"drive\": \"d0\", \"addr\": \"4\"}}");
	blk_bring_up(&d, &vq, q, 4 << 3);
	blk_queue_reads(&vq, q, 1);
	vt_wait_used(&vq, NULL);
	g_assert_cmphex(qtest_readb(q, STATUS), ==, 0);
	qtest_memread(q, DATA, buf, sizeof(buf));
	g_assert_cmphex(buf[0], ==, 'd');
	g_assert_cmphex(buf[511], ==, 'd');

	/* hostile: requests in flight, then device_del and eject at once */
	vt_queue_init(&vq, &d, 0, 0, RING);
	blk_queue_reads(&vq, q, NREQ);
	del(vm, "b1");
	qtest_outl(q, PCI_EJ, 1u << 4);
	qtest_outl(q, PCI_EJ, 1u << 4); /* double eject */
	g_assert_cmphex(qtest_pci_readl(q, 4 << 3, 0), ==, 0xffffffff);
	wait_deleted(vm, "b1");
	/* whatever completed is complete; nothing more arrives later */
	g_assert_cmpuint(vt_used_idx(&vq), <=, NREQ);
	/* a new drive for the same image, a new device in the same slot */
	drive_add(vm, "d0");
	qmp_ok(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	       "\"virtio-blk-pci\", \"id\": \"b2\", \"drive\": \"d0\", \"addr\": \"4\"}}");
	blk_bring_up(&d, &vq, q, 4 << 3);
	qtest_memset(q, DATA, 0, 512);
	blk_queue_reads(&vq, q, 1);
	vt_wait_used(&vq, NULL);
	g_assert_cmphex(qtest_readb(q, DATA + 100), ==, 'd');
	vm_stop(vm);
}

static unsigned proc_fds(pid_t pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/fd", (int)pid);
	GDir *dir = g_dir_open(path, 0, NULL);
	unsigned n = 0;

	g_assert_nonnull(dir);
	while (g_dir_read_name(dir))
		n++;
	g_dir_close(dir);
	return n;
}

static long proc_rss_kb(pid_t pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);
	g_autofree char *text = NULL;
	const char *p;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	p = strstr(text, "VmRSS:");
	g_assert_nonnull(p);
	return strtol(p + 6, NULL, 10);
}

/* 200 rounds of random add/del/eject: no crash, no fd or memory growth. */
static void test_random_rounds(void)
{
	static const char *const types[] = { "virtio-rng-pci", "virtio-balloon-pci",
					     "virtio-blk-pci", "virtio-net-pci", "e1000",
					     "rtl8139" };
	struct vm *vm = vm_start("-netdev user,id=n0");
	struct qtest *q = vm->q;
	GRand *rnd = g_rand_new_with_seed(12);
	unsigned fds0, fds1;
	long rss0, rss1;
	bool present[32] = { false };
	unsigned gen = 0;

	/* warm up once so lazily allocated state is counted in the baseline */
	add_rng(vm, "w", 3);
	del(vm, "w");
	qtest_outl(q, PCI_EJ, 1u << 3);
	wait_deleted(vm, "w");
	fds0 = proc_fds(qtest_pid(q));
	rss0 = proc_rss_kb(qtest_pid(q));
	for (int round = 0; round < 200; round++) {
		int slot = 3 + g_rand_int_range(rnd, 0, 4);
		int t = g_rand_int_range(rnd, 0, G_N_ELEMENTS(types));
		g_autofree char *id = g_strdup_printf("s%d", slot);

		if (!present[slot]) {
			g_autofree char *cmd = NULL;
			g_autofree char *r = NULL;
			g_autofree char *drv = g_strdup_printf("k%u", gen);
			g_autofree char *extra = NULL;

			if (t == 2) {
				drive_add(vm, drv);
				extra = g_strdup_printf(", \"drive\": \"%s\"", drv);
			} else {
				extra = g_strdup(t >= 3 ? ", \"netdev\": \"n0\"" : "");
			}
			cmd = g_strdup_printf("{\"execute\": \"device_add\", \"arguments\": "
					      "{\"driver\": \"%s\", \"id\": \"%s\", \"addr\": "
					      "\"%x\"%s}}", types[t], id, slot, extra);
			r = qmp(vm, "%s", cmd);
			/* n0 serves one device at a time */
			present[slot] = g_str_has_prefix(r, "{\"return\"");
			gen++;
		} else if (g_rand_boolean(rnd)) {
			g_autofree char *cmd = g_strdup_printf(
				"{\"execute\": \"device_del\", \"arguments\": {\"id\": \"%s\"}}", id);

			g_free(qmp(vm, "%s", cmd));
			qtest_outl(q, PCI_EJ, 1u << slot);
			wait_deleted(vm, id);
			present[slot] = false;
		} else {
			/* the guest ejects without being asked */
			qtest_outl(q, PCI_EJ, 1u << slot);
			wait_deleted(vm, id);
			present[slot] = false;
		}
		qtest_inl(q, PCI_UP);
	}
	for (int slot = 0; slot < 32; slot++) {
		g_autofree char *id = g_strdup_printf("s%d", slot);

		if (!present[slot])
			continue;
		qtest_outl(q, PCI_EJ, 1u << slot);
		wait_deleted(vm, id);
	}
	fds1 = proc_fds(qtest_pid(q));
	rss1 = proc_rss_kb(qtest_pid(q));
	g_test_message("%u adds; fds %u -> %u, RSS %ld -> %ld KiB", gen, fds0, fds1, rss0, rss1);
	g_assert_cmpuint(fds1, ==, fds0);
	g_assert_cmpint(rss1, <, rss0 + 8192);
	g_rand_free(rnd);
	vm_stop(vm);
}

/* netdev_add/netdev_del around a NIC's hot-plug: the backend outlives it. */
static void test_netdev(void)
{
	struct vm *vm = vm_start(NULL);
	g_autofree char *r = NULL;

	qmp_ok(vm, "{\"execute\": \"netdev_add\", \"arguments\": {\"type\": \"user\", "
	       "\"id\": \"n9\"}}");
	qmp_err(vm, "{\"execute\": \"netdev_add\", \"arguments\": {\"type\": \"user\", "
		"\"id\": \"n9\"}}", "Duplicate ID 'n9'");
	qmp_ok(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	       "\"virtio-net-pci\", \"id\": \"nic\", \"netdev\": \"n9\", \"addr\": \"5\"}}");
	del(vm, "nic");
	qtest_outl(vm->q, PCI_EJ, 1u << 5);
	wait_deleted(vm, "nic");
	/* the backend stayed: a new NIC takes it, then both go */
	qmp_ok(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	       "\"virtio-net-pci\", \"id\": \"nic2\", \"netdev\": \"n9\", \"addr\": \"5\"}}");
	del(vm, "nic2");
	qtest_outl(vm->q, PCI_EJ, 1u << 5);
	wait_deleted(vm, "nic2");
	qmp_ok(vm, "{\"execute\": \"netdev_del\", \"arguments\": {\"id\": \"n9\"}}");
	qmp_err(vm, "{\"execute\": \"netdev_del\", \"arguments\": {\"id\": \"n9\"}}",
		"Device 'n9' not found");
	g_free(qmp(vm, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		   "{\"command-line\": \"netdev_add user,id=h1\"}}"));
	g_free(qmp(vm, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		   "{\"command-line\": \"netdev_del h1\"}}"));
	r = qmp(vm, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		"{\"command-line\": \"netdev_del h1\"}}");
	g_assert_nonnull(strstr(r, "Device 'h1' not found"));
	vm_stop(vm);
}

/* The human monitor's forms, through human-monitor-command. */
static void test_hmp(void)
{
	struct vm *vm = vm_start(NULL);
	g_autofree char *r = NULL, *r2 = NULL, *r3 = NULL;

	g_free(qmp(vm, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		   "{\"command-line\": \"device_add virtio-rng-pci,id=h1,addr=6\"}}"));
	g_assert_cmphex(qtest_pci_readw(vm->q, 6 << 3, 0), ==, 0x1af4);
	r = qmp(vm, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		"{\"command-line\": \"info pci\"}}");
	g_assert_nonnull(strstr(r, "Bus  0, device   6, function 0:"));
	g_assert_nonnull(strstr(r, "id \\\"h1\\\""));
	r2 = qmp(vm, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		 "{\"command-line\": \"device_del h1\"}}");
	g_assert_nonnull(strstr(r2, "\"return\": \"\"") ? r2 : strstr(r2, "\"return\":\"\""));
	g_assert_cmphex(qtest_inl(vm->q, PCI_DOWN), ==, 1u << 6);
	r3 = qmp(vm, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		 "{\"command-line\": \"device_del h9\"}}");
	g_assert_nonnull(strstr(r3, "Device 'h9' not found"));
	vm_stop(vm);
}

#define CPU_PRESENT 0xaf00
#define GPE_CPU 0x04

static void add_cpu_ok(struct vm *vm, const char *id, int socket, int core, int thread)
{
	g_autofree char *cmd = g_strdup_printf(
		"{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
		"\"qemu64-x86_64-cpu\", \"id\": \"%s\", \"socket-id\": %d, \"core-id\": %d, "
		"\"thread-id\": %d}}", id, socket, core, thread);

	qmp_ok(vm, cmd);
}

/* The legacy CPU interface of SeaBIOS's tables: bitmap, GPE0 bit 2, SCI. */
static void test_cpu_plug(void)
{
	struct vm *vm = vm_start("-smp 1,maxcpus=4 -cpu qemu64");
	struct qtest *q = vm->q;
	g_autofree char *fast = NULL, *hp = NULL;

	qtest_irq_intercept_in(q, "ioapic");
	g_assert_cmphex(qtest_inb(q, CPU_PRESENT), ==, 0x01);
	qtest_outb(q, GPE_EN, GPE_CPU);
	g_assert_false(qtest_get_irq(q, SCI_IRQ));
	add_cpu_ok(vm, "c2", 0, 2, 0);
	g_assert_cmphex(qtest_inb(q, CPU_PRESENT), ==, 0x05);
	g_assert_cmphex(qtest_inb(q, GPE_STS), ==, GPE_CPU);
	g_assert_true(qtest_get_irq(q, SCI_IRQ));
	qtest_outb(q, GPE_STS, GPE_CPU); /* _E02 done */
	g_assert_false(qtest_get_irq(q, SCI_IRQ));
	add_cpu_ok(vm, "c1", 0, 1, 0);
	g_assert_cmphex(qtest_inl(q, CPU_PRESENT), ==, 0x07);
	g_assert_cmphex(qtest_inb(q, CPU_PRESENT + 0x1f), ==, 0);
	/* writes do not clear presence (QEMU: 0 at 0xaf00 switches interface) */
	qtest_outb(q, CPU_PRESENT + 1, 0xff);
	g_assert_cmphex(qtest_inb(q, CPU_PRESENT), ==, 0x07);

	hp = qmp(vm, "{\"execute\": \"query-hotpluggable-cpus\"}");
	g_assert_nonnull(strstr(hp, "\"qom-path\": \"/machine/peripheral/c2\""));
	g_assert_nonnull(strstr(hp, "\"qom-path\": \"/machine/unattached/device[0]\""));
	g_assert_nonnull(strstr(hp, "\"type\": \"qemu64-x86_64-cpu\""));
	/* highest first; core 3 is not plugged, so it has no qom-path */
	g_assert_nonnull(strstr(hp, "{\"props\": {\"core-id\": 3, \"thread-id\": 0, "
				"\"socket-id\": 0}, \"vcpus-count\": 1, \"type\""));
	fast = qmp(vm, "{\"execute\": \"query-cpus-fast\"}");
	g_assert_nonnull(strstr(fast, "\"qom-path\": \"/machine/peripheral/c2\", "
				  "\"cpu-index\": 2"));
	g_assert_nonnull(strstr(fast, "\"qom-path\": \"/machine/peripheral/c1\", "
				  "\"cpu-index\": 1"));
	g_assert_true(strstr(fast, "c2") < strstr(fast, "c1")); /* plug order */

	/* no eject in the legacy interface: QEMU refuses, so do we */
	qmp_err(vm, "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"c1\"}}",
		"acpi: device unplug request for not supported device type: qemu64-x86_64-cpu");
	g_assert_cmphex(qtest_inb(q, CPU_PRESENT), ==, 0x07);
	vm_stop(vm);
}

/* -device of a CPU at start-up: present from power-on, no hot-plug event. */
static void test_cpu_coldplug(void)
{
	struct vm *vm = vm_start("-smp 1,maxcpus=4 -cpu qemu64 "
				 "-device qemu64-x86_64-cpu,id=cc,socket-id=0,core-id=2,thread-id=0");
	g_autofree char *hp = NULL;

	g_assert_cmphex(qtest_inb(vm->q, CPU_PRESENT), ==, 0x05);
	g_assert_cmphex(qtest_inb(vm->q, GPE_STS), ==, 0);
	hp = qmp(vm, "{\"execute\": \"query-hotpluggable-cpus\"}");
	g_assert_nonnull(strstr(hp, "\"qom-path\": \"/machine/peripheral/cc\""));
	vm_stop(vm);
}

static void test_cpu_errors(void)
{
	struct vm *vm = vm_start("-smp 1,maxcpus=4 -cpu qemu64");
	const char *pre = "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
			  "\"qemu64-x86_64-cpu\"";
	g_autofree char *c1 = g_strdup_printf("%s, \"socket-id\": 0, \"core-id\": 0, "
					      "\"thread-id\": 0}}", pre);
	g_autofree char *c2 = g_strdup_printf("%s, \"socket-id\": 0, \"core-id\": 4, "
					      "\"thread-id\": 0}}", pre);
	g_autofree char *c3 = g_strdup_printf("%s, \"socket-id\": 0, \"core-id\": 1}}", pre);
	g_autofree char *c4 = g_strdup_printf("%s, \"socket-id\": 0, \"thread-id\": 0}}", pre);
	g_autofree char *c5 = g_strdup_printf("%s, \"socket-id\": 1, \"core-id\": 0, "
					      "\"thread-id\": 0}}", pre);
	g_autofree char *c6 = g_strdup_printf("%s, \"core-id\": 1, \"thread-id\": 0}}", pre);
	g_autofree char *c7 = g_strdup_printf("%s, \"socket-id\": 0, \"core-id\": 1, "
					      "\"thread-id\": 1}}", pre);
	g_autofree char *c8 = g_strdup_printf("%s, \"socket-id\": 0, \"core-id\": 1, "
					      "\"thread-id\": 0, \"foo\": 1}}", pre);

	qmp_err(vm, c1, "CPU[0] with APIC ID 0 exists");
	qmp_err(vm, c2, "Invalid CPU core-id: 4 must be in range 0:3");
	qmp_err(vm, c3, "CPU thread-id is not set");
	qmp_err(vm, c4, "CPU core-id is not set");
	qmp_err(vm, c5, "Invalid CPU socket-id: 1 must be in range 0:0");
	qmp_err(vm, c6, "CPU socket-id is not set");
	qmp_err(vm, c7, "Invalid CPU thread-id: 1 must be in range 0:0");
	qmp_err(vm, c8, "Property 'qemu64-x86_64-cpu.foo' not found");
	qmp_err(vm, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
		"\"max-x86_64-cpu\", \"socket-id\": 0, \"core-id\": 1, \"thread-id\": 0}}",
		"Invalid CPU type, expected cpu type: 'qemu64-x86_64-cpu'");
	g_assert_cmphex(qtest_inb(vm->q, CPU_PRESENT), ==, 0x01);
	g_assert_cmphex(qtest_inb(vm->q, GPE_STS), ==, 0);
	vm_stop(vm);
}

int main(int argc, char **argv)
{
	/* an ASan build keeps freed memory in quarantine: RSS would only grow */
	const char *asan = g_getenv("ASAN_OPTIONS");
	g_autofree char *opts = g_strdup_printf("%s%squarantine_size_mb=1", asan ? asan : "",
						asan && *asan ? ":" : "");

	g_setenv("ASAN_OPTIONS", opts, TRUE);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hotplug/pci/registers", test_registers);
	g_test_add_func("/hotplug/pci/plug-eject", test_plug_eject);
	g_test_add_func("/hotplug/pci/eject-lowest", test_eject_lowest);
	g_test_add_func("/hotplug/pci/up-read-clears", test_up_read_clears);
	g_test_add_func("/hotplug/pci/reset-ejects", test_reset_ejects);
	g_test_add_func("/hotplug/pci/errors", test_errors);
	g_test_add_func("/hotplug/pci/blk-io", test_blk_io);
	g_test_add_func("/hotplug/pci/random-rounds", test_random_rounds);
	g_test_add_func("/hotplug/pci/hmp", test_hmp);
	g_test_add_func("/hotplug/pci/netdev", test_netdev);
	g_test_add_func("/hotplug/cpu/plug", test_cpu_plug);
	g_test_add_func("/hotplug/cpu/coldplug", test_cpu_coldplug);
	g_test_add_func("/hotplug/cpu/errors", test_cpu_errors);
	return g_test_run();
}

