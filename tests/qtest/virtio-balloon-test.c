// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-balloon-pci through qtest: the PCI function (1af4:1002, subsystem
 * 5), the config space (num_pages is the host's, actual the driver's), an
 * inflate list whose guest RAM page reads back as zeroes afterwards while
 * page numbers outside RAM (beyond the end, the BIOS ROM) are ignored, and
 * (kvmpc, which has a steppable clock) the stats buffer held by the device
 * and returned every guest-stats-polling-interval seconds.
 */
#include <string.h>
#include <glib.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/virtio-helpers.h"

#define RING0 0x10000
#define RING1 0x14000
#define RING2 0x18000
#define PFNS 0x20000
#define STATS 0x21000
#define PAGE 0x300000

static void test_balloon(void)
{
	struct qtest *q = qtest_start("-m 128 -nodefaults "
				      "-device virtio-balloon-pci,guest-stats-polling-interval=2");
	struct vt_dev d;
	struct vt_queue inflate, stats;
	uint32_t pfns[3] = { PAGE >> 12, 0xffffffffu, 0xfffff };
	uint8_t rom_before[64], rom_after[64], rec[10] = { 4 };
	uint64_t memfree = 12345678;
	int devfn = vt_find(q, 0x1002);

	g_assert_cmpint(devfn, >=, 0);
	g_assert_cmphex(qtest_pci_readw(q, devfn, 0x2e), ==, 5);
	vt_setup(&d, q, devfn);
	d.modern = true;
	g_assert_cmphex(vt_negotiate(&d, VT_F_VERSION_1 | 1 << 1) & VT_S_FEATURES_OK, ==,
			VT_S_FEATURES_OK);
	vt_queue_init(&inflate, &d, 0, 16, RING0);
	vt_queue_init(&stats, &d, 2, 16, RING2);
	vt_set_status(&d, vt_status(&d) | VT_S_DRIVER_OK);
	/* config: num_pages read-only for the driver, actual writable */
	g_assert_cmpuint(vt_cfg32(&d, 0), ==, 0);
	qtest_writel(q, d.device + 0, 77);
	qtest_writel(q, d.device + 4, 100);
	g_assert_cmpuint(vt_cfg32(&d, 0), ==, 0);
	g_assert_cmpuint(vt_cfg32(&d, 4), ==, 100);

	qtest_memset(q, PAGE, 0xaa, 4096);
	qtest_memread(q, 0xfffff000, rom_before, sizeof(rom_before));
	qtest_memwrite(q, PFNS, pfns, sizeof(pfns));
	vt_desc(&inflate, 0, 0, PFNS, sizeof(pfns), 0, 0);
	vt_avail(&inflate, 0);
	vt_kick(&inflate);
	g_assert_cmpuint(vt_wait_used(&inflate, NULL), ==, 0);
	for (unsigned i = 0; i < 4096; i += 512)
		g_assert_cmphex(qtest_readq(q, PAGE + i), ==, 0);
	qtest_memread(q, 0xfffff000, rom_after, sizeof(rom_after));
	g_assert(memcmp(rom_before, rom_after, sizeof(rom_before)) == 0);
	g_assert_cmphex(qtest_pci_readl(q, devfn, 0), ==, 0x10021af4);

	if (qtest_has_clock(q)) {
		memcpy(rec + 2, &memfree, 8);
		qtest_memwrite(q, STATS, rec, sizeof(rec));
		vt_desc(&stats, 0, 0, STATS, sizeof(rec), 0, 0);
		vt_avail(&stats, 0);
		vt_kick(&stats);
		g_assert(vt_no_used(&stats, 100));   /* held by the device */
		qtest_clock_step(q, 2000LL * 1000 * 1000 + 1);
		g_assert_cmpuint(vt_wait_used(&stats, NULL), ==, 0);
	}
	qtest_quit(q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/virtio-balloon/inflate", test_balloon);
	return g_test_run();
}
