// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-rng (OASIS VIRTIO 1.1 §5.4, "entropy device") on the PCI
 * transport: one request queue whose device-writable buffers are filled
 * from the host's getrandom(2).  Rate limited as QEMU's max-bytes= per
 * period= milliseconds (default 1 MiB per second here): when the quota is
 * spent, requests wait for a virtual-clock timer that refills it.  Left
 * out: other entropy backends (rng-random, rng-egd).
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-misc.h"
#include "core/iov.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/timer.h"

#define VRNG_QUEUE_SIZE 8
#define VRNG_CHUNK 4096

struct virtio_rng {
	struct virtio_pci vp;
	struct virtio_rng_config cfg;
	struct virtqueue *vq;
	uint64_t max_bytes, period_ms;
	/* saved */
	uint64_t quota;
	struct timer refill;
};

static struct virtio_rng *to_rng(struct virtio_dev *vd)
{
	return container_of(vd, struct virtio_rng, vp.vdev);
}

static void vrng_refill(void *opaque)
{
	struct virtio_rng *r = opaque;

	r->quota = r->max_bytes;
	virtio_queue_kick(&r->vp.vdev, 0);
}

/* Fill [0, len) of the element's writable part with random bytes. */
static void vrng_fill(struct vq_elem *e, size_t len)
{
	uint8_t buf[VRNG_CHUNK];

	for (size_t off = 0; off < len;) {
		size_t n = MIN(len - off, sizeof(buf));
		ssize_t got = getrandom(buf, n, 0);

		if (got <= 0)
			break;
		iov_from_buf(e->in_sg, e->in_num, off, buf, got);
		off += got;
	}
}

static void vrng_handle(struct virtio_dev *vd, struct virtqueue *vq)
{
	struct virtio_rng *r = to_rng(vd);
	struct vq_elem *e;
	bool pushed = false;

	while (r->quota && vq_pop(vq, &e) > 0) {
		size_t len = MIN((uint64_t)e->in_len, r->quota);

		vrng_fill(e, len);
		r->quota -= len;
		vq_push(vq, e, len);
		pushed = true;
	}
	if (pushed)
		vq_notify(vq);
	if (!r->quota && !timer_pending(&r->refill))
		timer_mod(&r->refill, vclock_ns(&vd->m->clock) + r->period_ms * 1000000);
}

static void vrng_reset(struct virtio_dev *vd)
{
	struct virtio_rng *r = to_rng(vd);

	timer_del(&r->refill);
	r->quota = r->max_bytes;
}

static const struct virtio_dev_ops vrng_ops = {
	.reset = vrng_reset,
};

static int vrng_realize(struct device *dev, GError **err)
{
	struct virtio_rng *r = container_of(dev, struct virtio_rng, vp.pci.dev);
	struct virtio_dev *vd = &r->vp.vdev;
	int ret;

	if (dev->opts) {
		r->cfg = (struct virtio_rng_config)VIRTIO_RNG_CONFIG_DEFAULT;
		if ((ret = virtio_pci_parse_opts(dev->opts, &r->cfg.pci, err)) < 0)
			return ret;
		if (opts_get_u64(dev->opts, "max-bytes", r->cfg.max_bytes, &r->cfg.max_bytes,
				 err) < 0 ||
		    opts_get_u64(dev->opts, "period", r->cfg.period_ms, &r->cfg.period_ms,
				 err) < 0)
			return -EINVAL;
	}
	r->max_bytes = r->cfg.max_bytes;
	r->period_ms = r->cfg.period_ms;
	if (!r->max_bytes || !r->period_ms || r->period_ms > 3600 * 1000) {
		error_setg(err, "virtio-rng-pci: max-bytes and period must be positive");
		return -EINVAL;
	}
	r->quota = r->max_bytes;
	timer_init(&r->refill, &dev->m->clock, vrng_refill, r);
	r->vp.cfg = r->cfg.pci;
	virtio_dev_init(vd, dev->m, "virtio-rng", VIRTIO_ID_RNG, 0, &vrng_ops);
	r->vq = virtio_add_queue(vd, VRNG_QUEUE_SIZE, vrng_handle);
	return virtio_pci_realize(&r->vp, 0x00ff, err);
}

static void vrng_dev_reset(struct device *dev)
{
	struct virtio_rng *r = container_of(dev, struct virtio_rng, vp.pci.dev);

	virtio_pci_reset(&r->vp);
}

static void vrng_unrealize(struct device *dev)
{
	struct virtio_rng *r = container_of(dev, struct virtio_rng, vp.pci.dev);

	timer_del(&r->refill);
	virtio_pci_unrealize(&r->vp);
}

static int vrng_post_load(void *opaque)
{
	struct virtio_rng *r = opaque;

	if (r->quota > r->max_bytes)
		r->quota = r->max_bytes;
	timer_del(&r->refill);
	if (!r->quota)
		timer_mod(&r->refill, vclock_ns(&r->vp.vdev.m->clock) + r->period_ms * 1000000);
	return virtio_pci_post_load(&r->vp);
}

static const struct vmstate_field vrng_fields[] = {
	VIRTIO_PCI_VMSTATE(struct virtio_rng, vp),
	VMSTATE_U64(struct virtio_rng, quota),
	VMSTATE_END,
};

static const struct vmstate_desc vrng_vmstate = {
	.name = "virtio-rng",
	.version = 1,
	.fields = vrng_fields,
	.post_load = vrng_post_load,
};

const struct device_class virtio_rng_pci_class = {
	.name = "virtio-rng-pci",
	.bus = "PCI",
	.qom_child = "virtio-backend",
	.desc = "virtio entropy source (getrandom); max-bytes=, period= (ms), addr=, "
		"disable-legacy=, disable-modern=, vectors=",
	.instance_size = sizeof(struct virtio_rng),
	.user_creatable = true,
	.realize = vrng_realize,
	.reset = vrng_dev_reset,
	.unrealize = vrng_unrealize,
	.vmsd = &vrng_vmstate,
};

static void virtio_rng_pci_setup(struct device *dev, const void *cfg)
{
	container_of(dev, struct virtio_rng, vp.pci.dev)->cfg = *(const struct virtio_rng_config *)cfg;
}

struct virtio_rng *virtio_rng_pci_create(struct machine *m, const struct virtio_rng_config *cfg,
					 GError **err)
{
	struct device *dev = device_create(m, &virtio_rng_pci_class, NULL, virtio_rng_pci_setup, cfg, err);

	return dev ? container_of(dev, struct virtio_rng, vp.pci.dev) : NULL;
}
