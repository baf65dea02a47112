// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-rng-pci through qtest: the PCI function (1af4:1005, subsystem 4),
 * random bytes in device-writable buffers of a ring in guest RAM, and the
 * max-bytes=/period= rate limit: buffers beyond the quota wait until the
 * virtual clock passes the period.  On QEMU only the PCI identity is
 * compared: its stopped VM (-S) serves no entropy requests.
 */
#include <string.h>
#include <glib.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/virtio-helpers.h"

#define RING 0x10000
#define BUF 0x20000

static bool nonzero(struct qtest *q, uint64_t addr, size_t len)
{
	uint8_t b[256];

	qtest_memread(q, addr, b, len);
	for (size_t i = 0; i < len; i++)
		if (b[i])
			return true;
	return false;
}

static void test_rng(void)
{
	struct qtest *q = qtest_start("-nodefaults -device virtio-rng-pci,max-bytes=64,period=1000");
	struct vt_dev d;
	struct vt_queue vq;
	uint32_t id, len, total = 0;
	int devfn = vt_find(q, 0x1005);

	g_assert_cmpint(devfn, >=, 0);
	g_assert_cmphex(qtest_pci_readw(q, devfn, 0x2e), ==, 4);
	g_assert_cmphex(qtest_pci_readl(q, devfn, 0x08) >> 8, ==, 0x00ff00);
	if (qtest_is_qemu(q)) {
		qtest_quit(q);
		g_test_skip("QEMU -S: virtio-rng serves no requests while the VM is stopped");
		return;
	}
	vt_setup(&d, q, devfn);
	d.modern = true;
	g_assert_cmphex(vt_negotiate(&d, VT_F_VERSION_1) & VT_S_FEATURES_OK, ==, VT_S_FEATURES_OK);
	vt_queue_init(&vq, &d, 0, 0, RING);
	vt_set_status(&d, vt_status(&d) | VT_S_DRIVER_OK);
	qtest_memset(q, BUF, 0, 0x1000);
	for (unsigned i = 0; i < 3; i++) {
		vt_desc(&vq, 0, i, BUF + 0x100 * i, 48, VT_D_WRITE, 0);
		vt_avail(&vq, i);
	}
	vt_kick(&vq);
	/* 64 bytes in this period, whatever the split */
	while (total < 64) {
		len = vt_wait_used(&vq, &id);
		g_assert_cmpuint(id, <, 3);
		g_assert_cmpuint(len, >, 0);
		g_assert_cmpuint(len, <=, 48);
		g_assert(nonzero(q, BUF + 0x100 * id, len));
		total += len;
	}
	g_assert_cmpuint(total, ==, 64);
	if (qtest_has_clock(q)) {
		g_assert(vt_no_used(&vq, 200));
		qtest_clock_step(q, 1000 * 1000 * 1000LL + 1);
		len = vt_wait_used(&vq, &id);
		g_assert_cmpuint(len, ==, 48);
		g_assert(nonzero(q, BUF + 0x100 * id, 48));
	}
	qtest_quit(q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/virtio-rng/rate-limited", test_rng);
	return g_test_run();
}
