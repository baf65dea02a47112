/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small virtio-pci driver played through qtest, shared by the virtio
 * tests: finds the function, programs its BARs, walks the vendor
 * capabilities, brings the device up the legacy (BAR0) or modern (BAR4)
 * way, and builds split rings, descriptors and indirect tables in guest
 * RAM.  Everything goes through libqtest, so it drives kvmpc and QEMU alike.
 */
#ifndef TESTS_QTEST_VIRTIO_HELPERS_H
#define TESTS_QTEST_VIRTIO_HELPERS_H

#include <string.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

#define VT_IO_BASE 0xc000
#define VT_MSIX_BASE 0xfebf0000ULL
#define VT_MMIO_BASE 0xfe000000ULL

#define VT_S_ACK 1
#define VT_S_DRIVER 2
#define VT_S_DRIVER_OK 4
#define VT_S_FEATURES_OK 8
#define VT_S_NEEDS_RESET 0x40

#define VT_F_INDIRECT (1ULL << 28)
#define VT_F_EVENT_IDX (1ULL << 29)
#define VT_F_VERSION_1 (1ULL << 32)

#define VT_D_NEXT 1
#define VT_D_WRITE 2
#define VT_D_INDIRECT 4

struct vt_dev {
	struct qtest *q;
	int devfn;
	bool modern;
	uint16_t io;
	uint64_t common, isr, device, notify;
	uint32_t notify_mult;
	int msix_cap;
};

struct vt_queue {
	struct vt_dev *d;
	unsigned index;
	unsigned num;
	uint64_t desc, avail, used;
	uint16_t avail_idx, used_seen;
};

/* First function with vendor 1af4 and this device id, or -1. */
static inline int vt_find(struct qtest *q, uint16_t dev_id)
{
	for (int devfn = 0; devfn < 256; devfn += 8)
		if (qtest_pci_readl(q, devfn, 0) == (uint32_t)(dev_id << 16 | 0x1af4))
			return devfn;
	return -1;
}

static inline uint64_t vt_cap_addr(struct vt_dev *d, int cap)
{
	uint8_t bar = qtest_pci_readb(d->q, d->devfn, cap + 4);
	uint32_t off = qtest_pci_readl(d->q, d->devfn, cap + 8);

	g_assert_cmpuint(bar, ==, 4);
	return VT_MMIO_BASE + off;
}

/* Program BARs and the command register, walk the capabilities. */
static inline void vt_setup(struct vt_dev *d, struct qtest *q, int devfn)
{
	memset(d, 0, sizeof(*d));
	d->q = q;
	d->devfn = devfn;
	d->io = VT_IO_BASE;
	qtest_pci_writel(q, devfn, 0x10, VT_IO_BASE);
	qtest_pci_writel(q, devfn, 0x14, (uint32_t)VT_MSIX_BASE);
	qtest_pci_writel(q, devfn, 0x20, (uint32_t)VT_MMIO_BASE);
	qtest_pci_writel(q, devfn, 0x24, 0);
	qtest_pci_writew(q, devfn, 0x04, 0x7); /* I/O, memory, bus master */
	for (int cap = qtest_pci_readb(q, devfn, 0x34); cap; cap = qtest_pci_readb(q, devfn, cap + 1)) {
		uint8_t id = qtest_pci_readb(q, devfn, cap);

		if (id == 0x11)
			d->msix_cap = cap;
		if (id != 0x09)
			continue;
		switch (qtest_pci_readb(q, devfn, cap + 3)) {
		case 1: d->common = vt_cap_addr(d, cap); break;
		case 2:
			d->notify = vt_cap_addr(d, cap);
			d->notify_mult = qtest_pci_readl(q, devfn, cap + 16);
			break;
		case 3: d->isr = vt_cap_addr(d, cap); break;
		case 4: d->device = vt_cap_addr(d, cap); break;
		}
	}
}

static inline uint8_t vt_status(struct vt_dev *d)
{
	return d->modern ? qtest_readb(d->q, d->common + 0x14) : qtest_inb(d->q, d->io + 0x12);
}

static inline void vt_set_status(struct vt_dev *d, uint8_t s)
{
	if (d->modern)
		qtest_writeb(d->q, d->common + 0x14, s);
	else
		qtest_outb(d->q, d->io + 0x12, s);
}

static inline uint8_t vt_isr(struct vt_dev *d)
{
	return d->modern ? qtest_readb(d->q, d->isr) : qtest_inb(d->q, d->io + 0x13);
}

static inline uint64_t vt_host_features(struct vt_dev *d)
{
	uint64_t f;

	if (!d->modern)
		return qtest_inl(d->q, d->io);
	qtest_writel(d->q, d->common + 0x00, 0);
	f = qtest_readl(d->q, d->common + 0x04);
	qtest_writel(d->q, d->common + 0x00, 1);
	return f | (uint64_t)qtest_readl(d->q, d->common + 0x04) << 32;
}

/* Reset, ACK|DRIVER, offer want & host; returns the final status. */
static inline uint8_t vt_negotiate(struct vt_dev *d, uint64_t want)
{
	uint64_t f;

	vt_set_status(d, 0);
	vt_set_status(d, VT_S_ACK | VT_S_DRIVER);
	f = vt_host_features(d) & want;
	if (!d->modern) {
		qtest_outl(d->q, d->io + 4, (uint32_t)f);
		return vt_status(d);
	}
	qtest_writel(d->q, d->common + 0x08, 0);
	qtest_writel(d->q, d->common + 0x0c, (uint32_t)f);
	qtest_writel(d->q, d->common + 0x08, 1);
	qtest_writel(d->q, d->common + 0x0c, f >> 32);
	vt_set_status(d, VT_S_ACK | VT_S_DRIVER | VT_S_FEATURES_OK);
	return vt_status(d);
}

static inline uint8_t vt_cfg8(struct vt_dev *d, unsigned off)
{
	return d->modern ? qtest_readb(d->q, d->device + off) : qtest_inb(d->q, d->io + 0x14 + off);
}

static inline uint32_t vt_cfg32(struct vt_dev *d, unsigned off)
{
	return d->modern ? qtest_readl(d->q, d->device + off) : qtest_inl(d->q, d->io + 0x14 + off);
}

/*
 * Set up queue index at ring (4 KiB aligned), legacy layout; num 0 keeps
 * the device's size (legacy must).  Modern: sizes and addresses through the
 * common config, then queue_enable.
 */
static inline void vt_queue_init(struct vt_queue *vq, struct vt_dev *d, unsigned index,
				 unsigned num, uint64_t ring)
{
	struct qtest *q = d->q;

	memset(vq, 0, sizeof(*vq));
	vq->d = d;
	vq->index = index;
	if (d->modern) {
		qtest_writew(q, d->common + 0x16, index);
		if (num)
			qtest_writew(q, d->common + 0x18, num);
		vq->num = qtest_readw(q, d->common + 0x18);
	} else {
		qtest_outw(q, d->io + 0x0e, index);
		vq->num = qtest_inw(q, d->io + 0x0c);
	}
	g_assert_cmpuint(vq->num, >, 0);
	vq->desc = ring;
	vq->avail = ring + 16 * vq->num;
	vq->used = (vq->avail + 6 + 2 * vq->num + 4095) & ~4095ULL;
	qtest_memset(q, ring, 0, vq->used + 6 + 8 * vq->num - ring);
	if (d->modern) {
		qtest_writel(q, d->common + 0x20, (uint32_t)vq->desc);
		qtest_writel(q, d->common + 0x24, vq->desc >> 32);
		qtest_writel(q, d->common + 0x28, (uint32_t)vq->avail);
		qtest_writel(q, d->common + 0x2c, vq->avail >> 32);
		qtest_writel(q, d->common + 0x30, (uint32_t)vq->used);
		qtest_writel(q, d->common + 0x34, vq->used >> 32);
		qtest_writew(q, d->common + 0x1c, 1);
	} else {
		qtest_outl(q, d->io + 0x08, ring >> 12);
	}
}

static inline void vt_desc(struct vt_queue *vq, uint64_t table, unsigned i, uint64_t addr,
			   uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t d[16];

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
	qtest_memwrite(vq->d->q, (table ? table : vq->desc) + 16 * i, d, 16);
}

/* Make head available (does not kick). */
static inline void vt_avail(struct vt_queue *vq, uint16_t head)
{
	struct qtest *q = vq->d->q;

	qtest_writew(q, vq->avail + 4 + 2 * (vq->avail_idx % vq->num), head);
	vq->avail_idx++;
	qtest_writew(q, vq->avail + 2, vq->avail_idx);
}

static inline void vt_kick(struct vt_queue *vq)
{
	struct vt_dev *d = vq->d;

	if (d->modern)
		qtest_writew(d->q, d->notify + vq->index * d->notify_mult, vq->index);
	else
		qtest_outw(d->q, d->io + 0x10, vq->index);
}

static inline uint16_t vt_used_idx(struct vt_queue *vq)
{
	return qtest_readw(vq->d->q, vq->used + 2);
}

/* Wait (up to 10 s) for the next used entry; returns its length, id in *id. */
static inline uint32_t vt_wait_used(struct vt_queue *vq, uint32_t *id)
{
	struct qtest *q = vq->d->q;
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	uint64_t e;

	while (vt_used_idx(vq) == vq->used_seen) {
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_usleep(200);
	}
	e = vq->used + 4 + 8 * (vq->used_seen % vq->num);
	vq->used_seen++;
	if (id)
		*id = qtest_readl(q, e);
	return qtest_readl(q, e + 4);
}

/* True if nothing reaches the used ring within ms milliseconds. */
static inline bool vt_no_used(struct vt_queue *vq, unsigned ms)
{
	gint64 end = g_get_monotonic_time() + ms * 1000;

	while (g_get_monotonic_time() < end) {
		if (vt_used_idx(vq) != vq->used_seen)
			return false;
		g_usleep(1000);
	}
	return true;
}

/* MSI-X vector v: message address/data, unmasked. */
static inline void vt_msix_vector(struct vt_dev *d, unsigned v, uint64_t addr, uint32_t data)
{
	uint64_t e = VT_MSIX_BASE + 16 * v;

	qtest_writel(d->q, e, (uint32_t)addr);
	qtest_writel(d->q, e + 4, addr >> 32);
	qtest_writel(d->q, e + 8, data);
	qtest_writel(d->q, e + 12, 0);
}

static inline void vt_msix_enable(struct vt_dev *d, bool on)
{
	uint16_t ctl = qtest_pci_readw(d->q, d->devfn, d->msix_cap + 2);

	ctl = on ? (ctl | 0x8000) : (ctl & ~0x8000);
	qtest_pci_writew(d->q, d->devfn, d->msix_cap + 2, ctl);
}

#endif
