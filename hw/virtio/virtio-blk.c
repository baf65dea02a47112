// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-blk (OASIS VIRTIO 1.1 §5.2) on the PCI transport: -drive
 * if=virtio and -device virtio-blk-pci,drive=ID.  One request queue of
 * 256 entries (SeaBIOS's legacy driver cannot shrink it).  Requests: IN,
 * OUT, FLUSH (fdatasync through the block layer), GET_ID (serial=),
 * DISCARD and WRITE_ZEROES (one segment each); every one runs on the block
 * layer's worker pool (reads and writes straight into guest RAM) and
 * completes on the main loop.  Malformed requests (no header or status
 * byte) break the device (NEEDS_RESET); out-of-range or misaligned ones
 * answer IOERR like QEMU.  The write cache follows QEMU: it starts from the
 * drive's cache= mode, a driver that does not negotiate FLUSH gets it off
 * (every write durable before it completes), and with CONFIG_WCE the driver
 * switches it with the config "writeback" byte; it is saved with the
 * device and restored to the cache= default on reset.
 * Left out: multiqueue, SCSI passthrough, topology hints.
 */
#include <errno.h>
#include <string.h>
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-blk.h"
#include "block/block.h"
#include "block/drive.h"
#include "core/iov.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"

#define VBLK_T_IN 0
#define VBLK_T_OUT 1
#define VBLK_T_FLUSH 4
#define VBLK_T_GET_ID 8
#define VBLK_T_DISCARD 11
#define VBLK_T_WRITE_ZEROES 13
#define VBLK_S_OK 0
#define VBLK_S_IOERR 1
#define VBLK_S_UNSUPP 2

#define VBLK_F_SIZE_MAX 1
#define VBLK_F_SEG_MAX 2
#define VBLK_F_GEOMETRY 4
#define VBLK_F_RO 5
#define VBLK_F_BLK_SIZE 6
#define VBLK_F_FLUSH 9
#define VBLK_F_CONFIG_WCE 11
#define VBLK_F_DISCARD 13
#define VBLK_F_WRITE_ZEROES 14

#define VBLK_QUEUE_SIZE 256
#define VBLK_CONFIG_LEN 60
#define VBLK_CFG_WRITEBACK 32
#define VBLK_ID_BYTES 20
#define VBLK_SEG_MAX (VBLK_QUEUE_SIZE - 2)
#define VBLK_MAX_DISCARD 0x3fffff  /* sectors per segment (2 GiB) */
#define VBLK_MAX_ZEROES 0x10000    /* sectors per write-zeroes (32 MiB) */
#define VBLK_ZERO_CHUNK 0x10000

struct virtio_blk {
	struct virtio_pci vp;
	struct virtio_blk_config cfg;
	struct block_backend *blk;
	uint64_t sectors;
	struct virtqueue *vq;
	int inflight;
	uint8_t wce;      /* write cache on (the config "writeback" byte) */
};

struct vblk_req {
	struct virtio_blk *s;
	struct vq_elem *elem;
	uint32_t generation;
	uint8_t *status;
	uint32_t in_len;  /* bytes the device wrote, status included */
	struct iovec *iov;
	int niov;
};

static const uint8_t vblk_zeroes[VBLK_ZERO_CHUNK];

static struct virtio_blk *to_blk(struct virtio_dev *vd)
{
	return container_of(vd, struct virtio_blk, vp.vdev);
}

/* ---- completion ---- */

static void vblk_finish(struct vblk_req *r, uint8_t status)
{
	struct virtio_blk *s = r->s;

	s->inflight--;
	if (r->generation != s->vp.vdev.generation) {
		/* the device was reset meanwhile: the ring is gone */
		vq_elem_free(r->elem);
	} else {
		*r->status = status;
		vq_push(s->vq, r->elem, r->in_len);
		vq_notify(s->vq);
	}
	g_free(r->iov);
	g_free(r);
}

static void vblk_aio_done(void *opaque, int ret)
{
	struct vblk_req *r = opaque;

	vblk_finish(r, ret < 0 ? VBLK_S_IOERR : VBLK_S_OK);
}

/* ---- request parsing ---- */

static bool vblk_range_ok(struct virtio_blk *s, uint64_t sector, uint64_t bytes)
{
	if (bytes % BLK_SECTOR_SIZE)
		return false;
	return sector <= s->sectors && bytes / BLK_SECTOR_SIZE <= s->sectors - sector;
}

/* Bytes [skip, skip+len) of sg as a private iovec array in r. */
static void vblk_slice(struct vblk_req *r, const struct iovec *sg, int n, size_t skip,
		       size_t len)
{
	r->iov = g_new(struct iovec, n ? n : 1);
	r->niov = iov_slice(sg, n, skip, len, r->iov, n);
}

static int vblk_rw(struct virtio_blk *s, struct vblk_req *r, bool write, uint64_t sector)
{
	struct vq_elem *e = r->elem;
	size_t len;

	if (write) {
		len = e->out_len - 16;
		vblk_slice(r, e->out_sg, e->out_num, 16, len);
	} else {
		len = e->in_len - 1;
		vblk_slice(r, e->in_sg, e->in_num, 0, len);
		r->in_len = len + 1;
	}
	if (!vblk_range_ok(s, sector, len)) {
		guest_error("virtio-blk: %s of %zu bytes at sector %llu is out of range",
			    write ? "write" : "read", len, (unsigned long long)sector);
		return VBLK_S_IOERR;
	}
	if (write && blk_is_read_only(s->blk))
		return VBLK_S_IOERR;
	if (write)
		return blk_aio_pwritev(s->blk, sector * 512, r->iov, r->niov, vblk_aio_done, r)
		       < 0 ? VBLK_S_IOERR : -1;
	return blk_aio_preadv(s->blk, sector * 512, r->iov, r->niov, vblk_aio_done, r) < 0 ?
	       VBLK_S_IOERR : -1;
}

static int vblk_get_id(struct virtio_blk *s, struct vblk_req *r)
{
	const char *serial = s->cfg.serial ? s->cfg.serial : "";
	struct vq_elem *e = r->elem;
	size_t n = MIN(strlen(serial) + 1, MIN((size_t)VBLK_ID_BYTES, e->in_len - 1));

	iov_from_buf(e->in_sg, e->in_num, 0, serial, n);
	r->in_len = n + 1;
	return VBLK_S_OK;
}

/* DISCARD and WRITE_ZEROES: exactly one 16-byte segment. */
static int vblk_discard_zero(struct virtio_blk *s, struct vblk_req *r, bool zero)
{
	struct vq_elem *e = r->elem;
	uint8_t seg[16];
	uint64_t sector;
	uint32_t count, flags;

	if (e->out_len - 16 != 16) {
		guest_error("virtio-blk: %s with %zu bytes of segments", zero ? "write-zeroes" :
			    "discard", e->out_len - 16);
		return VBLK_S_UNSUPP;
	}
	iov_to_buf(e->out_sg, e->out_num, 16, seg, 16);
	memcpy(&sector, seg, 8);
	memcpy(&count, seg + 8, 4);
	memcpy(&flags, seg + 12, 4);
	if (flags & ~(zero ? 1u : 0u))
		return VBLK_S_UNSUPP;
	if (count > (zero ? VBLK_MAX_ZEROES : VBLK_MAX_DISCARD) ||
	    !vblk_range_ok(s, sector, (uint64_t)count * 512))
		return VBLK_S_IOERR;
	if (blk_is_read_only(s->blk))
		return VBLK_S_IOERR;
	if (!zero)
		return blk_aio_discard(s->blk, sector * 512, (uint64_t)count * 512,
				       vblk_aio_done, r) < 0 ? VBLK_S_IOERR : -1;
	r->niov = ((uint64_t)count * 512 + VBLK_ZERO_CHUNK - 1) / VBLK_ZERO_CHUNK;
	r->iov = g_new(struct iovec, MAX(r->niov, 1));
	for (int i = 0; i < r->niov; i++) {
		r->iov[i].iov_base = (void *)vblk_zeroes;
		r->iov[i].iov_len = MIN((uint64_t)VBLK_ZERO_CHUNK,
					(uint64_t)count * 512 - (uint64_t)i * VBLK_ZERO_CHUNK);
	}
	return blk_aio_pwritev(s->blk, sector * 512, r->iov, r->niov, vblk_aio_done, r) < 0 ?
	       VBLK_S_IOERR : -1;
}

/* Start one request: returns a status to complete with now, or -1 (async). */
static int vblk_start(struct virtio_blk *s, struct vblk_req *r)
{
	struct vq_elem *e = r->elem;
	uint8_t hdr[16];
	uint32_t type;
	uint64_t sector;

	iov_to_buf(e->out_sg, e->out_num, 0, hdr, 16);
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	switch (type & ~0x80000000u) {
	case VBLK_T_IN:
		return vblk_rw(s, r, false, sector);
	case VBLK_T_OUT:
		return vblk_rw(s, r, true, sector);
	case VBLK_T_FLUSH:
		return blk_aio_flush(s->blk, vblk_aio_done, r) < 0 ? VBLK_S_IOERR : -1;
	case VBLK_T_GET_ID:
		return vblk_get_id(s, r);
	case VBLK_T_DISCARD:
		return vblk_discard_zero(s, r, false);
	case VBLK_T_WRITE_ZEROES:
		return vblk_discard_zero(s, r, true);
	}
	return VBLK_S_UNSUPP;
}

/* The status byte is the last byte of the device-writable part. */
static uint8_t *vblk_status_ptr(struct vq_elem *e)
{
	for (int i = e->in_num - 1; i >= 0; i--)
		if (e->in_sg[i].iov_len)
			return (uint8_t *)e->in_sg[i].iov_base + e->in_sg[i].iov_len - 1;
	return NULL;
}

static void vblk_handle(struct virtio_dev *vd, struct virtqueue *vq)
{
	struct virtio_blk *s = to_blk(vd);
	struct vq_elem *e;

	while (vq_pop(vq, &e) > 0) {
		struct vblk_req *r;
		int st;

		if (e->out_len < 16 || e->in_len < 1) {
			virtio_error(vd, "request without header or status byte");
			vq_elem_free(e);
			return;
		}
		r = g_new0(struct vblk_req, 1);
		r->s = s;
		r->elem = e;
		r->generation = vd->generation;
		r->status = vblk_status_ptr(e);
		r->in_len = 1;
		s->inflight++;
		st = vblk_start(s, r);
		if (st >= 0)
			vblk_finish(r, st);
	}
}

/* ---- config, set-up ---- */

static void vblk_fill_config(struct virtio_blk *s)
{
	uint8_t *c = s->vp.vdev.config;
	uint64_t cyl = s->sectors / (16 * 63);

	memset(c, 0, VBLK_CONFIG_LEN);
	virtio_stq(c, s->sectors);
	virtio_stl(c + 8, 0);                  /* size_max: not offered */
	virtio_stl(c + 12, VBLK_SEG_MAX);
	virtio_stw(c + 16, cyl > 65535 ? 65535 : cyl);
	c[18] = 16;
	c[19] = 63;
	virtio_stl(c + 20, 512);
	virtio_stw(c + 34, 1);                 /* num_queues */
	virtio_stl(c + 36, VBLK_MAX_DISCARD);
	virtio_stl(c + 40, 1);
	virtio_stl(c + 44, 1);
	virtio_stl(c + 48, VBLK_MAX_ZEROES);
	virtio_stl(c + 52, 1);
	c[56] = 0;
	c[VBLK_CFG_WRITEBACK] = s->wce;
}

static void vblk_set_wce(struct virtio_blk *s, bool on)
{
	s->wce = on;
	s->vp.vdev.config[VBLK_CFG_WRITEBACK] = on;
	blk_set_write_cache(s->blk, on);
}

/* CONFIG_WCE: the driver switches the cache with the writeback byte. */
static void vblk_config_write(struct virtio_dev *vd, unsigned off, uint32_t val, unsigned size)
{
	if (off != VBLK_CFG_WRITEBACK || size != 1)
		return;
	if (!virtio_has_feature(vd, VBLK_F_CONFIG_WCE)) {
		guest_error("virtio-blk: writeback written without CONFIG_WCE");
		return;
	}
	vblk_set_wce(to_blk(vd), val != 0);
}

/* Without CONFIG_WCE the cache is on exactly when the driver can flush. */
static void vblk_set_status(struct virtio_dev *vd, uint8_t old)
{
	uint8_t ready = VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK;

	if (!(vd->status & ready) || (old & ready) ||
	    virtio_has_feature(vd, VBLK_F_CONFIG_WCE))
		return;
	vblk_set_wce(to_blk(vd), virtio_has_feature(vd, VBLK_F_FLUSH));
}

static void vblk_reset(struct virtio_dev *vd)
{
	struct virtio_blk *s = to_blk(vd);

	/*
	 * No DMA into guest RAM after the reset: wait for the workers; their
	 * completions then find an older generation and are dropped.
	 */
	if (s->inflight && s->blk)
		blk_drain_workers(s->blk);
	if (s->blk)
		vblk_set_wce(s, blk_write_cache_default(s->blk));
}

static const struct virtio_dev_ops vblk_ops = {
	.config_write = vblk_config_write,
	.set_status = vblk_set_status,
	.reset = vblk_reset,
};

static int vblk_find_drive(struct virtio_blk *s, struct machine *m, GError **err)
{
	struct drive_info *d = s->cfg.drive;

	if (!d && s->vp.pci.dev.opts) {
		const char *id = opts_get(s->vp.pci.dev.opts, "drive");

		if (!id) {
			error_setg(err, "drive property not set");
			return -EINVAL;
		}
		d = drive_claim(m, s->vp.pci.dev.cls->name, id, err);
		if (!d)
			return -ENOENT;
	} else if (d && d->claimed) {
		error_setg(err, "virtio-blk-pci: drive '%s' is already in use",
			   d->id ? d->id : d->file);
		return -EBUSY;
	}
	if (!d || !d->blk) {
		error_setg(err, "virtio-blk-pci: drive has no image");
		return -EINVAL;
	}
	d->claimed = true;
	s->cfg.drive = d;
	return 0;
}

static int vblk_realize(struct device *dev, GError **err)
{
	struct virtio_blk *s = container_of(dev, struct virtio_blk, vp.pci.dev);
	struct virtio_dev *vd = &s->vp.vdev;
	struct machine *m = dev->m;
	int64_t len;
	int ret;

	if (dev->opts) {
		s->cfg = (struct virtio_blk_config)VIRTIO_BLK_CONFIG_DEFAULT;
		if ((ret = virtio_pci_parse_opts(dev->opts, &s->cfg.pci, err)) < 0)
			return ret;
		s->cfg.serial = opts_get(dev->opts, "serial");
	} else if (dev->globals) { /* -global virtio-blk-pci.* on a -drive if=virtio disk */
		if ((ret = virtio_pci_parse_opts(dev->globals, &s->cfg.pci, err)) < 0)
			return ret;
		if (opts_has(dev->globals, "serial"))
			s->cfg.serial = opts_get(dev->globals, "serial");
	}
	if ((ret = vblk_find_drive(s, m, err)) < 0)
		return ret;
	s->blk = s->cfg.drive->blk;
	len = blk_length(s->blk);
	s->sectors = len > 0 ? (uint64_t)len / 512 : 0;
	s->wce = blk_write_cache_default(s->blk);
	blk_set_write_cache(s->blk, s->wce);
	blk_set_aio_context(s->blk, m->ctx, &m->lock);
	s->vp.cfg = s->cfg.pci;
	virtio_dev_init(vd, m, "virtio-blk", VIRTIO_ID_BLOCK, VBLK_CONFIG_LEN, &vblk_ops);
	vd->host_features |= 1ULL << VBLK_F_SEG_MAX | 1ULL << VBLK_F_GEOMETRY |
			     1ULL << VBLK_F_BLK_SIZE | 1ULL << VBLK_F_FLUSH |
			     1ULL << VBLK_F_CONFIG_WCE | 1ULL << VBLK_F_DISCARD |
			     1ULL << VBLK_F_WRITE_ZEROES;
	if (blk_is_read_only(s->blk))
		vd->host_features |= 1ULL << VBLK_F_RO;
	s->vq = virtio_add_queue(vd, VBLK_QUEUE_SIZE, vblk_handle);
	vblk_fill_config(s);
	ret = virtio_pci_realize(&s->vp, 0x0100, err);
	if (ret < 0)
		s->cfg.drive->claimed = false;
	return ret;
}

static void vblk_dev_reset(struct device *dev)
{
	struct virtio_blk *s = container_of(dev, struct virtio_blk, vp.pci.dev);

	virtio_pci_reset(&s->vp);
}

static void vblk_unrealize(struct device *dev)
{
	struct virtio_blk *s = container_of(dev, struct virtio_blk, vp.pci.dev);

	/* requests in flight complete into guest memory before s goes */
	if (s->blk)
		blk_drain(s->blk);
	virtio_pci_unrealize(&s->vp);
	/* as QEMU with a -drive/drive_add backend: it goes with the device */
	if (s->cfg.drive)
		drive_del(dev->m, s->cfg.drive);
	s->cfg.drive = NULL;
	s->blk = NULL;
}

static int vblk_post_load(void *opaque)
{
	struct virtio_blk *s = opaque;

	s->wce = !!s->wce;
	vblk_fill_config(s);
	blk_set_write_cache(s->blk, s->wce);
	return virtio_pci_post_load(&s->vp);
}

static const struct vmstate_field vblk_fields[] = {
	VIRTIO_PCI_VMSTATE(struct virtio_blk, vp),
	VMSTATE_U8(struct virtio_blk, wce),
	VMSTATE_END,
};

static const struct vmstate_desc vblk_vmstate = {
	.name = "virtio-blk",
	.version = 2,
	.fields = vblk_fields,
	.post_load = vblk_post_load,
};

const struct device_class virtio_blk_pci_class = {
	.name = "virtio-blk-pci",
	.bus = "PCI",
	.qom_child = "virtio-backend",
	.desc = "virtio block device; drive=, serial=, addr=, disable-legacy=, "
		"disable-modern=, vectors=",
	.instance_size = sizeof(struct virtio_blk),
	.user_creatable = true,
	.realize = vblk_realize,
	.reset = vblk_dev_reset,
	.unrealize = vblk_unrealize,
	.vmsd = &vblk_vmstate,
};

static void virtio_blk_pci_setup(struct device *dev, const void *cfg)
{
	container_of(dev, struct virtio_blk, vp.pci.dev)->cfg = *(const struct virtio_blk_config *)cfg;
}

struct virtio_blk *virtio_blk_pci_create(struct machine *m,
					 const struct virtio_blk_config *cfg, GError **err)
{
	struct device *dev = device_create(m, &virtio_blk_pci_class, NULL, virtio_blk_pci_setup, cfg, err);

	return dev ? container_of(dev, struct virtio_blk, vp.pci.dev) : NULL;
}

int virtio_blk_create_drives(struct machine *m, GError **err)
{
	for (unsigned i = 0; m->drives && i < m->drives->len; i++) {
		struct drive_info *d = g_ptr_array_index(m->drives, i);
		struct virtio_blk_config cfg = VIRTIO_BLK_CONFIG_DEFAULT;

		if (d->iface != DRIVE_IF_VIRTIO || d->claimed)
			continue;
		cfg.drive = d;
		if (!virtio_blk_pci_create(m, &cfg, err))
			return -1;
	}
	return 0;
}

void virtio_blk_add_boot_paths(struct machine *m, GString *s)
{
	for (int devfn = 0; m->pci && devfn < 256; devfn++) {
		struct pci_device *d = pci_bus_find(m->pci, devfn);

		if (!d || d->dev.cls != &virtio_blk_pci_class)
			continue;
		if (devfn & 7)
			g_string_append_printf(s, "/pci@i0cf8/*@%x,%x\n", devfn >> 3, devfn & 7);
		else
			g_string_append_printf(s, "/pci@i0cf8/*@%x\n", devfn >> 3);
	}
}
