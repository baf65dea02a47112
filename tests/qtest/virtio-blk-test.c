// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-blk-pci through qtest with rings built in guest RAM: the PCI
 * function (IDs, BARs, capabilities, MSI-X), the legacy interface (as
 * SeaBIOS drives it) and the modern one, reads checked against the host
 * image, writes checked in the host file, FLUSH, GET_ID, DISCARD,
 * WRITE_ZEROES, out-of-range and unknown requests, indirect descriptors,
 * the event index, MSI-X messages into guest RAM and INTx with the ISR;
 * the write cache: the CONFIG_WCE "writeback" byte under each cache= mode,
 * and writes that survive kill -9 without a FLUSH when the driver did not
 * negotiate FLUSH or turned the cache off (on a qcow2 image, whose new L2
 * entries stay in memory until a flush; checked with qemu-img).
 * The same command line and assertions run against QEMU 7.2.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/virtio-helpers.h"

#define DISK_SIZE (16 * 1024 * 1024)
#define RING 0x10000
#define HDR 0x20000
#define DATA 0x21000
#define STATUS 0x30000
#define INDIRECT 0x31000
#define MSI_ADDR 0x32000

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define T_DISCARD 11
#define T_WZ 13

#define F_FLUSH (1ULL << 9)
#define F_CONFIG_WCE (1ULL << 11)
#define CFG_WRITEBACK 32

struct env {
	char *dir, *img;
	struct qtest *q;
	struct vt_dev d;
	struct vt_queue vq;
};

static uint8_t pat(uint64_t sector, unsigned i)
{
	return (uint8_t)(sector * 7 + i * 3 + (i >> 9));
}

static void make_image(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	uint8_t buf[512];

	g_assert(fd >= 0);
	for (unsigned s = 0; s < 64; s++) {
		for (unsigned i = 0; i < 512; i++)
			buf[i] = pat(s, i);
		g_assert(pwrite(fd, buf, 512, s * 512) == 512);
	}
	g_assert(ftruncate(fd, DISK_SIZE) == 0);
	close(fd);
}

static void env_start(struct env *e, const char *extra)
{
	g_autofree char *args = NULL;
	int devfn;

	e->dir = g_dir_make_tmp("kvmpc-vblk-XXXXXX", NULL);
	g_assert(e->dir);
	e->img = g_build_filename(e->dir, "disk.img", NULL);
	make_image(e->img);
	args = g_strdup_printf("-nodefaults -drive file=%s,if=none,id=d0,format=raw "
			       "-device virtio-blk-pci,drive=d0%s", e->img, extra ? extra : "");
	e->q = qtest_start(args);
	devfn = vt_find(e->q, 0x1001);
	if (devfn < 0)
		devfn = vt_find(e->q, 0x1042); /* modern-only */
	g_assert_cmpint(devfn, >=, 0);
	vt_setup(&e->d, e->q, devfn);
}

static void env_stop(struct env *e)
{
	qtest_quit(e->q);
	g_unlink(e->img);
	g_rmdir(e->dir);
	g_free(e->img);
	g_free(e->dir);
}

static void bring_up(struct env *e, bool modern, uint64_t feats)
{
	e->d.modern = modern;
	if (modern)
		g_assert_cmphex(vt_negotiate(&e->d, VT_F_VERSION_1 | feats) & VT_S_FEATURES_OK, ==,
				VT_S_FEATURES_OK);
	else
		vt_negotiate(&e->d, feats);
	vt_queue_init(&e->vq, &e->d, 0, 0, RING);
	vt_set_status(&e->d, vt_status(&e->d) | VT_S_DRIVER_OK);
}

/* One request: header, optional data, status.  Returns the status byte. */
static uint8_t blk_req(struct env *e, uint32_t type, uint64_t sector, uint64_t data,
		       uint32_t len, bool data_in, uint32_t *used_len)
{
	struct qtest *q = e->q;
	uint8_t hdr[16] = { 0 };
	unsigned n = 0;
	uint32_t ul;

	memcpy(hdr, &type, 4);
	memcpy(hdr + 8, &sector, 8);
	qtest_memwrite(q, HDR, hdr, 16);
	qtest_writeb(q, STATUS, 0xee);
	vt_desc(&e->vq, 0, n, HDR, 16, VT_D_NEXT, n + 1);
	n++;
	if (len) {
		vt_desc(&e->vq, 0, n, data, len, VT_D_NEXT | (data_in ? VT_D_WRITE : 0), n + 1);
		n++;
	}
	vt_desc(&e->vq, 0, n, STATUS, 1, VT_D_WRITE, 0);
	vt_avail(&e->vq, 0);
	vt_kick(&e->vq);
	ul = vt_wait_used(&e->vq, NULL);
	if (used_len)
		*used_len = ul;
	return qtest_readb(q, STATUS);
}

static void read_host(struct env *e, uint64_t off, void *buf, size_t len)
{
	int fd = open(e->img, O_RDONLY);

	g_assert(fd >= 0);
	g_assert(pread(fd, buf, len, off) == (ssize_t)len);
	close(fd);
}

static void check_read(struct env *e, uint64_t sector, unsigned nsec)
{
	g_autofree uint8_t *buf = g_malloc(nsec * 512);
	uint32_t ul;

	qtest_memset(e->q, DATA, 0x5a, nsec * 512);
	g_assert_cmpuint(blk_req(e, T_IN, sector, DATA, nsec * 512, true, &ul), ==, 0);
	g_assert_cmpuint(ul, ==, nsec * 512 + 1);
	qtest_memread(e->q, DATA, buf, nsec * 512);
	for (unsigned s = 0; s < nsec; s++)
		for (unsigned i = 0; i < 512; i++)
			g_assert_cmphex(buf[s * 512 + i], ==, pat(sector + s, i));
}

static void test_pci(void)
{
	struct env e;
	struct qtest *q;
	int types = 0;

	env_start(&e, NULL);
	q = e.q;
	g_assert_cmphex(qtest_pci_readw(q, e.d.devfn, 0x2c), ==, 0x1af4);
	g_assert_cmphex(qtest_pci_readw(q, e.d.devfn, 0x2e), ==, 2);
	g_assert_cmphex(qtest_pci_readl(q, e.d.devfn, 0x08) >> 8, ==, 0x010000);
	g_assert_cmphex(qtest_pci_readb(q, e.d.devfn, 0x3d), ==, 1);
	/* BAR0 I/O, BAR4 64-bit prefetchable memory */
	qtest_pci_writel(q, e.d.devfn, 0x10, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, e.d.devfn, 0x10) & 3, ==, 1);
	qtest_pci_writel(q, e.d.devfn, 0x20, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, e.d.devfn, 0x20) & 0xf, ==, 0xc);
	g_assert_cmphex(qtest_pci_readl(q, e.d.devfn, 0x20), ==, 0xffffc00c);
	vt_setup(&e.d, q, e.d.devfn);
	g_assert_cmphex(qtest_pci_readw(q, e.d.devfn, 0x06) & 0x10, ==, 0x10);
	for (int cap = qtest_pci_readb(q, e.d.devfn, 0x34); cap;
	     cap = qtest_pci_readb(q, e.d.devfn, cap + 1))
		if (qtest_pci_readb(q, e.d.devfn, cap) == 0x09)
			types |= 1 << qtest_pci_readb(q, e.d.devfn, cap + 3);
	g_assert_cmphex(types & 0x3e, ==, 0x3e); /* common, notify, ISR, device, pci-cfg */
	g_assert_cmpint(e.d.msix_cap, >, 0);
	g_assert_cmpuint(qtest_pci_readw(q, e.d.devfn, e.d.msix_cap + 2) & 0x7ff, >=, 1);
	g_assert_cmpuint(e.d.notify_mult, >, 0);
	env_stop(&e);
}

static void test_legacy(void)
{
	struct env e;
	uint8_t buf[1024], host[1024];

	env_start(&e, NULL);
	e.d.modern = false;
	g_assert_cmphex(vt_host_features(&e.d) & (1u << 9), ==, 1u << 9); /* FLUSH */
	g_assert_cmpuint(qtest_inw(e.q, e.d.io + 0x0c), ==, 256);
	bring_up(&e, false, 1u << 9);
	g_assert_cmpuint(vt_cfg32(&e.d, 0), ==, DISK_SIZE / 512);
	g_assert_cmpuint(vt_cfg32(&e.d, 4), ==, 0);
	g_assert_cmphex(qtest_inl(e.q, e.d.io + 0x08), ==, RING >> 12);
	check_read(&e, 0, 1);
	check_read(&e, 5, 8);
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = i * 5 + 1;
	qtest_memwrite(e.q, DATA, buf, sizeof(buf));
	g_assert_cmpuint(blk_req(&e, T_OUT, 100, DATA, 1024, false, NULL), ==, 0);
	g_assert_cmpuint(blk_req(&e, T_FLUSH, 0, 0, 0, false, NULL), ==, 0);
	read_host(&e, 100 * 512, host, sizeof(host));
	g_assert(memcmp(buf, host, sizeof(buf)) == 0);
	/* the ISR shows the queue interrupt, reading clears it */
	g_assert_cmphex(vt_isr(&e.d) & 1, ==, 1);
	g_assert_cmphex(vt_isr(&e.d), ==, 0);
	env_stop(&e);
}

static void test_modern(void)
{
	struct env e;
	uint8_t buf[4096], host[4096], id[20];
	uint32_t ul;

	env_start(&e, ",serial=kvmpc-disk-7");
	e.d.modern = true;
	g_assert_cmphex(vt_host_features(&e.d) & (VT_F_VERSION_1 | 1 << 6 | 1 << 9 | 1 << 13 |
						   1 << 14), ==,
			VT_F_VERSION_1 | 1 << 6 | 1 << 9 | 1 << 13 | 1 << 14);
	bring_up(&e, true, 1 << 6 | 1 << 9 | 1 << 13 | 1 << 14);
	g_assert_cmpuint(vt_cfg32(&e.d, 0), ==, DISK_SIZE / 512);
	g_assert_cmpuint(vt_cfg32(&e.d, 20), ==, 512);
	check_read(&e, 1, 3);
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = i ^ 0xa5;
	qtest_memwrite(e.q, DATA, buf, sizeof(buf));
	g_assert_cmpuint(blk_req(&e, T_OUT, 2000, DATA, sizeof(buf), false, &ul), ==, 0);
	g_assert_cmpuint(ul, ==, 1);
	g_assert_cmpuint(blk_req(&e, T_FLUSH, 0, 0, 0, false, NULL), ==, 0);
	read_host(&e, 2000 * 512, host, sizeof(host));
	g_assert(memcmp(buf, host, sizeof(buf)) == 0);

	/* GET_ID: the serial, NUL-terminated within 20 bytes */
	qtest_memset(e.q, DATA, 0xff, 20);
	g_assert_cmpuint(blk_req(&e, T_GET_ID, 0, DATA, 20, true, NULL), ==, 0);
	qtest_memread(e.q, DATA, id, 20);
	g_assert_cmpstr((char *)id, ==, "kvmpc-disk-7");

	/* WRITE_ZEROES over part of what we wrote, then read it back */
	{
		uint8_t seg[16] = { 0 };
		uint64_t sec = 2002;
		uint32_t cnt = 2;

		memcpy(seg, &sec, 8);
		memcpy(seg + 8, &cnt, 4);
		qtest_memwrite(e.q, DATA + 0x2000, seg, 16);
		g_assert_cmpuint(blk_req(&e, T_WZ, 0, DATA + 0x2000, 16, false, NULL), ==, 0);
		read_host(&e, 2000 * 512, host, sizeof(host));
		g_assert(memcmp(buf, host, 1024) == 0);
		for (unsigned i = 1024; i < 2048; i++)
			g_assert_cmphex(host[i], ==, 0);
		g_assert(memcmp(buf + 2048, host + 2048, 2048) == 0);
		/* DISCARD: accepted (contents afterwards are unspecified) */
		sec = 3000;
		memcpy(seg, &sec, 8);
		qtest_memwrite(e.q, DATA + 0x2000, seg, 16);
		g_assert_cmpuint(blk_req(&e, T_DISCARD, 0, DATA + 0x2000, 16, false, NULL), ==, 0);
	}

	/* past the end: IOERR; unknown type: UNSUPP */
	g_assert_cmpuint(blk_req(&e, T_IN, DISK_SIZE / 512 - 1, DATA, 1024, true, NULL), ==, 1);
	g_assert_cmpuint(blk_req(&e, T_OUT, DISK_SIZE / 512, DATA, 512, false, NULL), ==, 1);
	g_assert_cmpuint(blk_req(&e, 0x77, 0, 0, 0, false, NULL), ==, 2);
	/* the device is still fine */
	g_assert_cmphex(vt_status(&e.d) & VT_S_NEEDS_RESET, ==, 0);
	check_read(&e, 10, 2);
	env_stop(&e);
}

/* A read through an indirect table split into odd-sized pieces. */
static void test_indirect(void)
{
	struct env e;
	uint8_t buf[1536];
	static const uint32_t parts[] = { 100, 412, 512, 7, 505 };
	unsigned n = 0;
	uint64_t a = DATA, sector = 20;
	uint8_t hdr[16] = { 0 };

	env_start(&e, NULL);
	bring_up(&e, true, VT_F_INDIRECT);
	memcpy(hdr + 8, &sector, 8);
	qtest_memwrite(e.q, HDR, hdr, 16);
	vt_desc(&e.vq, INDIRECT, n, HDR, 16, VT_D_NEXT, n + 1);
	n++;
	for (unsigned i = 0; i < G_N_ELEMENTS(parts); i++, n++) {
		vt_desc(&e.vq, INDIRECT, n, a, parts[i], VT_D_NEXT | VT_D_WRITE, n + 1);
		a += parts[i] + 64; /* gaps between the pieces */
	}
	vt_desc(&e.vq, INDIRECT, n, STATUS, 1, VT_D_WRITE, 0);
	n++;
	vt_desc(&e.vq, 0, 0, INDIRECT, 16 * n, VT_D_INDIRECT, 0);
	qtest_writeb(e.q, STATUS, 0xee);
	vt_avail(&e.vq, 0);
	vt_kick(&e.vq);
	g_assert_cmpuint(vt_wait_used(&e.vq, NULL), ==, 1537);
	g_assert_cmpuint(qtest_readb(e.q, STATUS), ==, 0);
	a = DATA;
	n = 0;
	for (unsigned i = 0; i < G_N_ELEMENTS(parts); i++) {
		qtest_memread(e.q, a, buf + n, parts[i]);
		n += parts[i];
		a += parts[i] + 64;
	}
	for (unsigned i = 0; i < sizeof(buf); i++)
		g_assert_cmphex(buf[i], ==, pat(sector + i / 512, i % 512));
	env_stop(&e);
}

/* MSI-X: the completion writes the vector's data to its address (RAM here). */
static void test_msix(void)
{
	struct env e;

	env_start(&e, NULL);
	vt_msix_enable(&e.d, true);
	vt_msix_vector(&e.d, 0, MSI_ADDR, 0x4321);
	vt_msix_vector(&e.d, 1, MSI_ADDR + 4, 0x8765);
	e.d.modern = true;
	vt_negotiate(&e.d, VT_F_VERSION_1);
	qtest_writew(e.q, e.d.common + 0x10, 1);                   /* config vector */
	g_assert_cmpuint(qtest_readw(e.q, e.d.common + 0x10), ==, 1);
	vt_queue_init(&e.vq, &e.d, 0, 0, RING);
	qtest_writew(e.q, e.d.common + 0x16, 0);
	qtest_writew(e.q, e.d.common + 0x1a, 0);                   /* queue vector */
	g_assert_cmpuint(qtest_readw(e.q, e.d.common + 0x1a), ==, 0);
	qtest_writew(e.q, e.d.common + 0x16, 0);
	vt_set_status(&e.d, vt_status(&e.d) | VT_S_DRIVER_OK);
	qtest_writel(e.q, MSI_ADDR, 0);
	check_read(&e, 3, 1);
	g_assert_cmphex(qtest_readl(e.q, MSI_ADDR), ==, 0x4321);
	/* masked: the message waits in the PBA until unmasked */
	qtest_writel(e.q, MSI_ADDR, 0);
	qtest_writel(e.q, VT_MSIX_BASE + 12, 1);
	check_read(&e, 4, 1);
	g_assert_cmphex(qtest_readl(e.q, MSI_ADDR), ==, 0);
	g_assert_cmphex(qtest_readl(e.q, VT_MSIX_BASE + 0x800) & 1, ==, 1);
	qtest_writel(e.q, VT_MSIX_BASE + 12, 0);
	g_assert_cmphex(qtest_readl(e.q, MSI_ADDR), ==, 0x4321);
	g_assert_cmphex(qtest_readl(e.q, VT_MSIX_BASE + 0x800) & 1, ==, 0);
	/* an out-of-range vector reads back as NO_VECTOR */
	qtest_writew(e.q, e.d.common + 0x10, 77);
	g_assert_cmphex(qtest_readw(e.q, e.d.common + 0x10), ==, 0xffff);
	env_stop(&e);
}

/* The PCI-config-access capability (type 5): BAR4 through config space. */
static void test_pci_cfg_window(void)
{
	struct env e;
	struct qtest *q;
	int cap = 0, fn;

	env_start(&e, NULL);
	q = e.q;
	fn = e.d.devfn;
	for (int c = qtest_pci_readb(q, fn, 0x34); c; c = qtest_pci_readb(q, fn, c + 1))
		if (qtest_pci_readb(q, fn, c) == 0x09 && qtest_pci_readb(q, fn, c + 3) == 5)
			cap = c;
	g_assert_cmpint(cap, >, 0);
	e.d.modern = true;
	vt_negotiate(&e.d, VT_F_VERSION_1);
	/* read device_status (common + 0x14, 1 byte) through the window */
	qtest_pci_writeb(q, fn, cap + 4, 4);
	qtest_pci_writel(q, fn, cap + 8, (uint32_t)(e.d.common - VT_MMIO_BASE) + 0x14);
	qtest_pci_writel(q, fn, cap + 12, 1);
	g_assert_cmphex(qtest_pci_readb(q, fn, cap + 16), ==, vt_status(&e.d));
	/* write queue_select = 0 then read queue_size (2 bytes) */
	qtest_pci_writel(q, fn, cap + 8, (uint32_t)(e.d.common - VT_MMIO_BASE) + 0x18);
	qtest_pci_writel(q, fn, cap + 12, 2);
	g_assert_cmpuint(qtest_pci_readw(q, fn, cap + 16), ==, 256);
	/* capacity from the device config, 4 bytes */
	qtest_pci_writel(q, fn, cap + 8, (uint32_t)(e.d.device - VT_MMIO_BASE));
	qtest_pci_writel(q, fn, cap + 12, 4);
	g_assert_cmpuint(qtest_pci_readl(q, fn, cap + 16), ==, DISK_SIZE / 512);
	/* a write through the window: status 0 resets the device */
	qtest_pci_writel(q, fn, cap + 8, (uint32_t)(e.d.common - VT_MMIO_BASE) + 0x14);
	qtest_pci_writel(q, fn, cap + 12, 1);
	qtest_pci_writel(q, fn, cap + 16, 0);
	g_assert_cmphex(vt_status(&e.d), ==, 0);
	env_stop(&e);
}

/* Legacy layout with MSI-X on: vectors at 0x14/0x16, config moves to 0x18. */
static void test_legacy_msix(void)
{
	struct env e;
	struct qtest *q;

	env_start(&e, NULL);
	q = e.q;
	e.d.modern = false;
	g_assert_cmpuint(qtest_inl(q, e.d.io + 0x14), ==, DISK_SIZE / 512);
	vt_msix_enable(&e.d, true);
	g_assert_cmpuint(qtest_inl(q, e.d.io + 0x18), ==, DISK_SIZE / 512);
	vt_msix_vector(&e.d, 0, MSI_ADDR, 0x2222);
	vt_negotiate(&e.d, 0);
	qtest_outw(q, e.d.io + 0x0e, 0);
	qtest_outw(q, e.d.io + 0x16, 0);
	g_assert_cmphex(qtest_inw(q, e.d.io + 0x16), ==, 0);
	qtest_outw(q, e.d.io + 0x14, 1);
	g_assert_cmphex(qtest_inw(q, e.d.io + 0x14), ==, 1);
	vt_queue_init(&e.vq, &e.d, 0, 0, RING);
	qtest_outw(q, e.d.io + 0x16, 0);
	vt_set_status(&e.d, VT_S_ACK | VT_S_DRIVER | VT_S_DRIVER_OK);
	qtest_writel(q, MSI_ADDR, 0);
	check_read(&e, 9, 2);
	g_assert_cmphex(qtest_readl(q, MSI_ADDR), ==, 0x2222);
	vt_msix_enable(&e.d, false);
	g_assert_cmpuint(qtest_inl(q, e.d.io + 0x14), ==, DISK_SIZE / 512);
	env_stop(&e);
}

/* INTx through PIIX3 PIRQ routing; reading the ISR lowers it. */
static void test_intx(void)
{
	struct env e;
	int slot, irq;

	env_start(&e, NULL);
	qtest_pci_writel(e.q, 0x08, 0x60, 0x0b0b0a0a); /* PIRQA-D -> 10,10,11,11 */
	slot = e.d.devfn >> 3;
	irq = ((slot + 1 - 2) & 3) < 2 ? 10 : 11;
	qtest_irq_intercept_in(e.q, "ioapic");
	bring_up(&e, false, 0);
	g_assert(!qtest_get_irq(e.q, irq));
	check_read(&e, 0, 1);
	g_assert(qtest_get_irq(e.q, irq));
	g_assert_cmphex(vt_isr(&e.d), ==, 1);
	g_assert(!qtest_get_irq(e.q, irq));
	/* NO_INTERRUPT in the avail flags suppresses it */
	qtest_writew(e.q, e.vq.avail, 1);
	check_read(&e, 1, 1);
	g_assert(!qtest_get_irq(e.q, irq));
	env_stop(&e);
}

/* EVENT_IDX: no interrupt until used passes used_event. */
static void test_event_idx(void)
{
	struct env e;
	int irq;

	env_start(&e, NULL);
	qtest_pci_writel(e.q, 0x08, 0x60, 0x0b0b0a0a);
	irq = (((e.d.devfn >> 3) + 1 - 2) & 3) < 2 ? 10 : 11;
	qtest_irq_intercept_in(e.q, "ioapic");
	bring_up(&e, true, VT_F_EVENT_IDX);
	/* the first completion always interrupts */
	check_read(&e, 0, 1);
	g_assert(qtest_get_irq(e.q, irq));
	g_assert_cmphex(vt_isr(&e.d), ==, 1);
	/* the device publishes avail_event = 1 after taking one buffer */
	g_assert_cmpuint(qtest_readw(e.q, e.vq.used + 4 + 8 * e.vq.num), ==, 1);
	/* used_event = 2: used 1 -> 2 stays quiet, 2 -> 3 interrupts */
	qtest_writew(e.q, e.vq.avail + 4 + 2 * e.vq.num, 2);
	check_read(&e, 1, 1);
	g_assert(!qtest_get_irq(e.q, irq));
	check_read(&e, 2, 1);
	g_assert(qtest_get_irq(e.q, irq));
	env_stop(&e);
}

/* readonly=on: the RO feature bit, reads work, writes fail with IOERR. */
static void test_readonly(void)
{
	struct env e;
	uint8_t host[512];

	env_start(&e, NULL);
	qtest_quit(e.q);
	{
		g_autofree char *args = g_strdup_printf(
			"-nodefaults -drive file=%s,if=none,id=d0,format=raw,readonly=on "
			"-device virtio-blk-pci,drive=d0", e.img);
		e.q = qtest_start(args);
	}
	vt_setup(&e.d, e.q, vt_find(e.q, 0x1001));
	e.d.modern = true;
	g_assert_cmphex(vt_host_features(&e.d) & (1 << 5), ==, 1 << 5);
	bring_up(&e, true, 1 << 5);
	check_read(&e, 7, 1);
	qtest_memset(e.q, DATA, 0x77, 512);
	g_assert_cmpuint(blk_req(&e, T_OUT, 7, DATA, 512, false, NULL), ==, 1);
	read_host(&e, 7 * 512, host, 512);
	for (unsigned i = 0; i < 512; i++)
		g_assert_cmphex(host[i], ==, pat(7, i));
	env_stop(&e);
}

/* disable-legacy=on: modern-only 1af4:1042 rev 1, no I/O BAR, still works. */
static void test_modern_only(void)
{
	struct env e;
	int devfn;

	env_start(&e, ",disable-legacy=on");
	g_assert_cmpint(vt_find(e.q, 0x1001), <, 0);
	devfn = vt_find(e.q, 0x1042);
	g_assert_cmpint(devfn, >=, 0);
	g_assert_cmphex(qtest_pci_readb(e.q, devfn, 0x08), ==, 1);
	g_assert_cmphex(qtest_pci_readw(e.q, devfn, 0x2e), ==, 0x1100);
	qtest_pci_writel(e.q, devfn, 0x10, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(e.q, devfn, 0x10), ==, 0);
	vt_setup(&e.d, e.q, devfn);
	bring_up(&e, true, 0);
	check_read(&e, 12, 2);
	env_stop(&e);
}

/* ---- the write cache ---- */

static void test_wce_config(void)
{
	static const struct { const char *opts; uint8_t wb; } cases[] = {
		{ "", 1 }, { ",cache=writeback", 1 }, { ",cache=writethrough", 0 },
		{ ",cache=directsync", 0 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *args = NULL;
		struct env e;

		e.dir = g_dir_make_tmp("kvmpc-vblk-XXXXXX", NULL);
		e.img = g_build_filename(e.dir, "disk.img", NULL);
		make_image(e.img);
		args = g_strdup_printf("-nodefaults -drive file=%s,if=none,id=d0,format=raw%s "
				       "-device virtio-blk-pci,drive=d0", e.img, cases[i].opts);
		e.q = qtest_start(args);
		vt_setup(&e.d, e.q, vt_find(e.q, 0x1001));
		g_test_message("drive options '%s'", cases[i].opts);
		e.d.modern = true;
		g_assert_cmphex(vt_host_features(&e.d) & F_CONFIG_WCE, ==, F_CONFIG_WCE);
		bring_up(&e, true, F_FLUSH | F_CONFIG_WCE);
		g_assert_cmpuint(vt_cfg8(&e.d, CFG_WRITEBACK), ==, cases[i].wb);
		qtest_writeb(e.q, e.d.device + CFG_WRITEBACK, !cases[i].wb);
		g_assert_cmpuint(vt_cfg8(&e.d, CFG_WRITEBACK), ==, !cases[i].wb);
		/* a reset brings back the cache= default */
		bring_up(&e, true, F_FLUSH | F_CONFIG_WCE);
		g_assert_cmpuint(vt_cfg8(&e.d, CFG_WRITEBACK), ==, cases[i].wb);
		env_stop(&e);
	}
}

static bool have_qemu_img(void)
{
	g_autofree char *p = g_find_program_in_path("qemu-img");

	return p != NULL;
}

/* A fresh 16 MiB qcow2 image behind the device; false (skipped) without qemu-img. */
static bool env_start_qcow2(struct env *e)
{
	g_autofree char *cmd = NULL, *args = NULL;
	int status;

	if (!have_qemu_img()) {
		g_test_skip("qemu-img not installed (apt-get install qemu-utils)");
		return false;
	}
	e->dir = g_dir_make_tmp("kvmpc-vblk-XXXXXX", NULL);
	e->img = g_build_filename(e->dir, "disk.qcow2", NULL);
	cmd = g_strdup_printf("qemu-img create -q -f qcow2 %s %d", e->img, DISK_SIZE);
	g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL));
	g_assert_cmpint(status, ==, 0);
	args = g_strdup_printf("-nodefaults -drive file=%s,if=none,id=d0,format=qcow2,"
			       "cache=writeback -device virtio-blk-pci,drive=d0", e->img);
	e->q = qtest_start(args);
	vt_setup(&e->d, e->q, vt_find(e->q, 0x1001));
	return true;
}

/* Write buf at sector, let the request complete, kill -9, look at the image. */
static void write_kill_check(struct env *e, uint64_t sector, const uint8_t *buf, size_t len)
{
	g_autofree char *raw = g_build_filename(e->dir, "now.raw", NULL);
	g_autofree char *cmd = NULL, *got = NULL;
	gsize n;
	int status;

	qtest_memwrite(e->q, DATA, buf, len);
	g_assert_cmpuint(blk_req(e, T_OUT, sector, DATA, len, false, NULL), ==, 0);
	kill(qtest_pid(e->q), SIGKILL);
	g_assert_cmpint(qtest_wait_exit(e->q), ==, -SIGKILL);
	cmd = g_strdup_printf("qemu-img convert -O raw %s %s", e->img, raw);
	g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL));
	g_assert_cmpint(status, ==, 0);
	g_assert_true(g_file_get_contents(raw, &got, &n, NULL));
	g_assert_cmpuint(n, ==, DISK_SIZE);
	g_assert_cmpmem(got + sector * 512, len, buf, len);
	g_unlink(raw);
	g_unlink(e->img);
	g_rmdir(e->dir);
	g_free(e->img);
	g_free(e->dir);
}

/* A driver without FLUSH (SeaBIOS's): every completed write is on disk. */
static void test_no_flush_durable(void)
{
	uint8_t buf[4096];
	struct env e;

	if (!env_start_qcow2(&e))
		return;
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = i * 13 + 7;
	bring_up(&e, false, 0);
	write_kill_check(&e, 777, buf, sizeof(buf));
}

/* FLUSH negotiated but writeback turned off through CONFIG_WCE. */
static void test_wce_off_durable(void)
{
	uint8_t buf[2048];
	struct env e;

	if (!env_start_qcow2(&e))
		return;
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = i * 3 + 1;
	e.d.modern = true;
	bring_up(&e, true, F_FLUSH | F_CONFIG_WCE);
	g_assert_cmpuint(vt_cfg8(&e.d, CFG_WRITEBACK), ==, 1);
	qtest_writeb(e.q, e.d.device + CFG_WRITEBACK, 0);
	write_kill_check(&e, 4321, buf, sizeof(buf));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/virtio-blk/pci", test_pci);
	g_test_add_func("/virtio-blk/legacy", test_legacy);
	g_test_add_func("/virtio-blk/modern", test_modern);
	g_test_add_func("/virtio-blk/indirect", test_indirect);
	g_test_add_func("/virtio-blk/msix", test_msix);
	g_test_add_func("/virtio-blk/legacy-msix", test_legacy_msix);
	g_test_add_func("/virtio-blk/pci-cfg-window", test_pci_cfg_window);
	g_test_add_func("/virtio-blk/intx", test_intx);
	g_test_add_func("/virtio-blk/event-idx", test_event_idx);
	g_test_add_func("/virtio-blk/readonly", test_readonly);
	g_test_add_func("/virtio-blk/modern-only", test_modern_only);
	g_test_add_func("/virtio-blk/wce-config", test_wce_config);
	g_test_add_func("/virtio-blk/no-flush-durable", test_no_flush_durable);
	g_test_add_func("/virtio-blk/wce-off-durable", test_wce_off_durable);
	return g_test_run();
}
