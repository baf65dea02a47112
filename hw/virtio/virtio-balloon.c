// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-balloon (OASIS VIRTIO 1.1 §5.5) on the PCI transport: the host
 * sets a target (balloon_set_target, for the monitor's "balloon N") as
 * num_pages in the config space; the guest inflates by sending 4 KiB page
 * frame numbers, which are checked to lie in the machine's guest RAM and
 * then released to the host with madvise(MADV_DONTNEED) (they read back as
 * zeroes); deflating needs no work (pages come back on first touch).  The
 * guest reports "actual" in the config space and statistics on the stats
 * queue, whose buffer is held and handed back every
 * guest-stats-polling-interval seconds.  Left out: free page hinting and
 * reporting, page poisoning, DEFLATE_ON_OOM.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-misc.h"
#include "core/iov.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/timer.h"

#define VBAL_F_STATS_VQ 1
#define VBAL_QUEUE_SIZE 128
#define VBAL_CONFIG_LEN 8
#define VBAL_PAGE 4096ULL

struct virtio_balloon {
	struct virtio_pci vp;
	struct virtio_balloon_config cfg;
	struct virtqueue *ivq, *dvq, *svq;
	struct vq_elem *stats_elem;  /* held until the next poll */
	struct timer stats_timer;
	/* saved */
	uint32_t num_pages, actual;
	uint8_t stats_held;          /* stats_elem was popped (re-popped on load) */
	uint64_t stats[BALLOON_STAT_COUNT];
};

static struct virtio_balloon *to_bal(struct virtio_dev *vd)
{
	return container_of(vd, struct virtio_balloon, vp.vdev);
}

static void vbal_fill_config(struct virtio_balloon *b)
{
	virtio_stl(b->vp.vdev.config, b->num_pages);
	virtio_stl(b->vp.vdev.config + 4, b->actual);
}

/* Host pointer of guest page pfn if it is plain guest RAM, else NULL. */
static uint8_t *vbal_page(struct machine *m, uint32_t pfn)
{
	uint64_t addr = (uint64_t)pfn * VBAL_PAGE;
	uint8_t *p = as_ram_ptr(&m->mem, addr, VBAL_PAGE);
	uint64_t total = m->ram_below_4g + m->ram_above_4g;

	if (!p || p < m->ram || p + VBAL_PAGE > m->ram + total)
		return NULL;
	if (((uintptr_t)p & (VBAL_PAGE - 1)))
		return NULL;
	return p;
}

static void vbal_inflate(struct virtio_balloon *b, struct vq_elem *e)
{
	struct machine *m = b->vp.vdev.m;

	for (size_t off = 0; off + 4 <= e->out_len; off += 4) {
		uint32_t pfn;
		uint8_t *p;

		iov_to_buf(e->out_sg, e->out_num, off, &pfn, 4);
		p = vbal_page(m, pfn);
		if (!p) {
			guest_error("virtio-balloon: page 0x%x is not guest RAM", pfn);
			continue;
		}
		madvise(p, VBAL_PAGE, MADV_DONTNEED);
	}
}

static void vbal_handle_inflate(struct virtio_dev *vd, struct virtqueue *vq)
{
	struct virtio_balloon *b = to_bal(vd);
	struct vq_elem *e;

	while (vq_pop(vq, &e) > 0) {
		if (vq == b->ivq)
			vbal_inflate(b, e);
		vq_push(vq, e, 0);
	}
	vq_notify(vq);
}

static void vbal_stats_return(struct virtio_balloon *b)
{
	b->svq->inflight++;
	vq_push(b->svq, b->stats_elem, 0);
	b->stats_elem = NULL;
	b->stats_held = 0;
}

static void vbal_handle_stats(struct virtio_dev *vd, struct virtqueue *vq)
{
	struct virtio_balloon *b = to_bal(vd);
	struct vq_elem *e;

	if (vq_pop(vq, &e) <= 0)
		return;
	if (b->stats_elem)
		vbal_stats_return(b); /* should not happen: give the old one back */
	/* held, not in flight: a snapshot re-pops it (stats_held) */
	vq->inflight--;
	b->stats_elem = e;
	b->stats_held = 1;
	for (size_t off = 0; off + 10 <= e->out_len; off += 10) {
		uint8_t rec[10];
		uint16_t tag;
		uint64_t val;

		iov_to_buf(e->out_sg, e->out_num, off, rec, 10);
		memcpy(&tag, rec, 2);
		memcpy(&val, rec + 2, 8);
		if (tag < BALLOON_STAT_COUNT)
			b->stats[tag] = val;
	}
	if (b->cfg.stats_interval_s)
		timer_mod(&b->stats_timer,
			  vclock_ns(&vd->m->clock) + b->cfg.stats_interval_s * NS_PER_SEC);
}

/* Hand the stats buffer back: the guest refills and returns it. */
static void vbal_stats_poll(void *opaque)
{
	struct virtio_balloon *b = opaque;

	if (!b->stats_elem)
		return;
	vbal_stats_return(b);
	vq_notify(b->svq);
}

static void vbal_config_write(struct virtio_dev *vd, unsigned off, uint32_t val,
			      unsigned size)
{
	struct virtio_balloon *b = to_bal(vd);

	/* only "actual" (bytes 4..7) belongs to the driver */
	for (unsigned i = 0; i < size; i++)
		if (off + i >= 4 && off + i < 8)
			vd->config[off + i] = val >> (8 * i);
	memcpy(&b->actual, vd->config + 4, 4);
	vbal_fill_config(b);
}

static void vbal_reset(struct virtio_dev *vd)
{
	struct virtio_balloon *b = to_bal(vd);

	timer_del(&b->stats_timer);
	if (b->stats_elem)
		vq_elem_free(b->stats_elem);
	b->stats_elem = NULL;
	b->stats_held = 0;
	b->actual = 0;
	vbal_fill_config(b);
}

static const struct virtio_dev_ops vbal_ops = {
	.config_write = vbal_config_write,
	.reset = vbal_reset,
};

static int vbal_realize(struct device *dev, GError **err)
{
	struct virtio_balloon *b = container_of(dev, struct virtio_balloon, vp.pci.dev);
	struct virtio_dev *vd = &b->vp.vdev;
	uint64_t iv;
	int ret;

	if (dev->opts) {
		b->cfg = (struct virtio_balloon_config)VIRTIO_BALLOON_CONFIG_DEFAULT;
		if ((ret = virtio_pci_parse_opts(dev->opts, &b->cfg.pci, err)) < 0 ||
		    (ret = opts_get_u64(dev->opts, "guest-stats-polling-interval", 0, &iv,
					err)) < 0)
			return ret;
		b->cfg.stats_interval_s = MIN(iv, 3600 * 24);
	}
	memset(b->stats, 0xff, sizeof(b->stats));
	timer_init(&b->stats_timer, &dev->m->clock, vbal_stats_poll, b);
	b->vp.cfg = b->cfg.pci;
	virtio_dev_init(vd, dev->m, "virtio-balloon", VIRTIO_ID_BALLOON, VBAL_CONFIG_LEN,
			&vbal_ops);
	vd->host_features |= 1ULL << VBAL_F_STATS_VQ;
	b->ivq = virtio_add_queue(vd, VBAL_QUEUE_SIZE, vbal_handle_inflate);
	b->dvq = virtio_add_queue(vd, VBAL_QUEUE_SIZE, vbal_handle_inflate);
	b->svq = virtio_add_queue(vd, VBAL_QUEUE_SIZE, vbal_handle_stats);
	vbal_fill_config(b);
	return virtio_pci_realize(&b->vp, 0x00ff, err);
}

static void vbal_dev_reset(struct device *dev)
{
	struct virtio_balloon *b = container_of(dev, struct virtio_balloon, vp.pci.dev);

	virtio_pci_reset(&b->vp);
}

static void vbal_unrealize(struct device *dev)
{
	struct virtio_balloon *b = container_of(dev, struct virtio_balloon, vp.pci.dev);

	timer_del(&b->stats_timer);
	virtio_pci_unrealize(&b->vp);
}

static int vbal_post_load(void *opaque)
{
	struct virtio_balloon *b = opaque;

	struct vq_elem *e;
	int ret;

	b->stats_elem = NULL;
	vbal_fill_config(b);
	ret = virtio_pci_post_load(&b->vp);
	/* take the held stats buffer again from where the driver put it */
	if (b->stats_held && b->svq->enabled) {
		b->svq->last_avail--;
		if (vq_pop(b->svq, &e) > 0) {
			b->svq->inflight--;
			b->stats_elem = e;
		}
	}
	b->stats_held = b->stats_elem != NULL;
	timer_del(&b->stats_timer);
	if (b->stats_elem && b->cfg.stats_interval_s)
		timer_mod(&b->stats_timer, vclock_ns(&b->vp.vdev.m->clock) +
			  b->cfg.stats_interval_s * NS_PER_SEC);
	return ret;
}

static const struct vmstate_field vbal_fields[] = {
	VIRTIO_PCI_VMSTATE(struct virtio_balloon, vp),
	VMSTATE_U32(struct virtio_balloon, num_pages),
	VMSTATE_U32(struct virtio_balloon, actual),
	VMSTATE_U8(struct virtio_balloon, stats_held),
	VMSTATE_END,
};

static const struct vmstate_desc vbal_vmstate = {
	.name = "virtio-balloon",
	.version = 1,
	.fields = vbal_fields,
	.post_load = vbal_post_load,
};

const struct device_class virtio_balloon_pci_class = {
	.name = "virtio-balloon-pci",
	.bus = "PCI",
	.qom_child = "virtio-backend",
	.desc = "virtio memory balloon; guest-stats-polling-interval=, addr=, "
		"disable-legacy=, disable-modern=, vectors=",
	.instance_size = sizeof(struct virtio_balloon),
	.user_creatable = true,
	.realize = vbal_realize,
	.reset = vbal_dev_reset,
	.unrealize = vbal_unrealize,
	.vmsd = &vbal_vmstate,
};

static void virtio_balloon_pci_setup(struct device *dev, const void *cfg)
{
	container_of(dev, struct virtio_balloon, vp.pci.dev)->cfg = *(const struct virtio_balloon_config *)cfg;
}

struct virtio_balloon *virtio_balloon_pci_create(struct machine *m,
						 const struct virtio_balloon_config *cfg,
						 GError **err)
{
	struct device *dev = device_create(m, &virtio_balloon_pci_class, NULL, virtio_balloon_pci_setup, cfg, err);

	return dev ? container_of(dev, struct virtio_balloon, vp.pci.dev) : NULL;
}

static struct virtio_balloon *vbal_find(struct machine *m)
{
	for (unsigned i = 0; m->devices && i < m->devices->len; i++) {
		struct device *d = g_ptr_array_index(m->devices, i);

		if (d->cls == &virtio_balloon_pci_class)
			return container_of(d, struct virtio_balloon, vp.pci.dev);
	}
	return NULL;
}

int balloon_set_target(struct machine *m, uint64_t bytes)
{
	struct virtio_balloon *b = vbal_find(m);
	uint64_t ram = m->cfg->ram_size;

	if (!b)
		return -ENODEV;
	if (!bytes || bytes > ram)
		return -EINVAL;
	b->num_pages = (ram - bytes) / VBAL_PAGE;
	vbal_fill_config(b);
	virtio_config_changed(&b->vp.vdev);
	return 0;
}

int balloon_get_actual(struct machine *m, uint64_t *bytes)
{
	struct virtio_balloon *b = vbal_find(m);

	if (!b)
		return -ENODEV;
	*bytes = m->cfg->ram_size - MIN((uint64_t)b->actual * VBAL_PAGE, m->cfg->ram_size);
	return 0;
}

int balloon_get_stats(struct machine *m, uint64_t stats[BALLOON_STAT_COUNT])
{
	struct virtio_balloon *b = vbal_find(m);

	if (!b)
		return -ENODEV;
	memcpy(stats, b->stats, sizeof(b->stats));
	return 0;
}
