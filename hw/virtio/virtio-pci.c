// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The virtio PCI transport (OASIS VIRTIO 1.1 §4.1): a transitional
 * function with the legacy register block in I/O BAR0 (§4.1.4.8), MSI-X
 * (table and PBA in memory BAR1) and the modern capabilities (common,
 * notify, ISR, device, PCI-config access) in the 64-bit prefetchable BAR4
 * laid out as QEMU does (0x0000 common, 0x1000 ISR, 0x2000 device, 0x3000
 * notify with a multiplier of 4).  Interrupts: MSI-X (virtio-pci-msix.c),
 * else INTx A through pci_set_irq.  Notifications: under KVM an ioeventfd
 * per queue on the legacy port (data = queue index) and the modern
 * doorbell, served on the main loop; any write that still exits is
 * handled directly.  Left out: notification data, SR-IOV, per-queue
 * reset, the 1.2 packed ring.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <glib-unix.h>
#include "hw/virtio/virtio.h"
#include "core/log.h"
#include "core/machine.h"

#define VP_LEGACY_CONFIG 0x14
#define VP_LEGACY_CONFIG_MSIX 0x18
#define VP_MODERN_SIZE 0x4000
#define VP_COMMON 0x0000
#define VP_ISR 0x1000
#define VP_DEVICE 0x2000
#define VP_NOTIFY 0x3000
#define VP_NOTIFY_MULT 4

#define PCI_CAP_ID_VNDR 0x09
#define VP_CAP_COMMON 1
#define VP_CAP_NOTIFY 2
#define VP_CAP_ISR 3
#define VP_CAP_DEVICE 4
#define VP_CAP_PCI_CFG 5

struct virtio_pci_ioeventfd {
	struct virtio_pci *vp;
	unsigned queue;
	int fd;
	guint source;
	uint64_t pio_addr, mmio_addr; /* registered addresses, UINT64_MAX = none */
};

static struct virtio_pci *to_vp(struct virtio_dev *vd)
{
	return container_of(vd, struct virtio_pci, vdev);
}

/* Transport hook: interrupt for vector (MSI-X) or INTx. */
static void vp_notify(struct virtio_dev *vd, uint16_t vector, uint8_t isr_bit)
{
	struct virtio_pci *vp = to_vp(vd);

	vd->isr |= isr_bit;
	if (virtio_pci_msix_enabled(vp)) {
		if (vector != VIRTIO_NO_VECTOR)
			virtio_pci_msix_notify(vp, vector);
		return;
	}
	pci_set_irq(&vp->pci, 1);
}

static uint16_t vp_vector_check(struct virtio_pci *vp, uint16_t v)
{
	return v < vp->msix_vectors ? v : VIRTIO_NO_VECTOR;
}

/* ---- ioeventfds ---- */

static gboolean vp_ioeventfd_ready(gint fd, GIOCondition cond, gpointer opaque)
{
	struct virtio_pci_ioeventfd *io = opaque;
	struct machine *m = io->vp->vdev.m;
	uint64_t cnt;

	if (read(fd, &cnt, sizeof(cnt)) < 0)
		return G_SOURCE_CONTINUE;
	machine_lock(m);
	virtio_queue_kick(&io->vp->vdev, io->queue);
	machine_unlock(m);
	return G_SOURCE_CONTINUE;
}

static void vp_ioeventfd_set(struct virtio_pci *vp, struct virtio_pci_ioeventfd *io,
			     uint64_t *cur, uint64_t want, bool pio)
{
	struct machine *m = vp->vdev.m;

	if (*cur == want)
		return;
	if (*cur != UINT64_MAX)
		machine_ioeventfd(m, io->fd, *cur, 2, pio, pio, io->queue, false);
	*cur = UINT64_MAX;
	if (want != UINT64_MAX && machine_ioeventfd(m, io->fd, want, 2, pio, pio, io->queue,
						    true) == 0)
		*cur = want;
}

/* Put each queue's eventfd where the BARs are now (DRIVER_OK only). */
static void vp_ioeventfd_sync(struct virtio_pci *vp)
{
	struct virtio_dev *vd = &vp->vdev;
	bool on = (vd->status & VIRTIO_STATUS_DRIVER_OK) && !vd->broken;
	uint64_t bar0 = vp->pci.bars[0].size ? vp->pci.bars[0].mapped_addr : UINT64_MAX;
	uint64_t bar4 = vp->pci.bars[4].size ? vp->pci.bars[4].mapped_addr : UINT64_MAX;

	for (unsigned q = 0; q < vd->nvqs; q++) {
		struct virtio_pci_ioeventfd *io = vp->iofd[q];
		uint64_t pio = UINT64_MAX, mmio = UINT64_MAX;

		if (!io)
			continue;
		if (on && bar0 != UINT64_MAX)
			pio = bar0 + 0x10;
		if (on && bar4 != UINT64_MAX)
			mmio = bar4 + VP_NOTIFY + q * VP_NOTIFY_MULT;
		vp_ioeventfd_set(vp, io, &io->pio_addr, pio, true);
		vp_ioeventfd_set(vp, io, &io->mmio_addr, mmio, false);
	}
}

static void vp_ioeventfd_init(struct virtio_pci *vp)
{
	if (!machine_has_ioeventfd(vp->vdev.m))
		return;
	for (unsigned q = 0; q < vp->vdev.nvqs; q++) {
		struct virtio_pci_ioeventfd *io = g_new0(struct virtio_pci_ioeventfd, 1);

		io->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (io->fd < 0) {
			g_free(io);
			continue;
		}
		io->vp = vp;
		io->queue = q;
		io->pio_addr = io->mmio_addr = UINT64_MAX;
		io->source = g_unix_fd_add(io->fd, G_IO_IN, vp_ioeventfd_ready, io);
		vp->iofd[q] = io;
	}
}

static void vp_ioeventfd_free(struct virtio_pci *vp)
{
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		struct virtio_pci_ioeventfd *io = vp->iofd[q];

		if (!io)
			continue;
		vp_ioeventfd_set(vp, io, &io->pio_addr, UINT64_MAX, true);
		vp_ioeventfd_set(vp, io, &io->mmio_addr, UINT64_MAX, false);
		g_source_remove(io->source);
		close(io->fd);
		g_free(io);
		vp->iofd[q] = NULL;
	}
}

/* Transport hook: status changed or device reset. */
static void vp_transport_status(struct virtio_dev *vd)
{
	struct virtio_pci *vp = to_vp(vd);

	if (vd->status == 0) {
		pci_set_irq(&vp->pci, 0);
		vp->msix_pba = 0;
	}
	vp_ioeventfd_sync(vp);
}

/* ---- device-specific config ---- */

static uint32_t vp_config_read(struct virtio_dev *vd, uint64_t off, unsigned size)
{
	uint32_t v = 0;

	if (vd->ops->config_read)
		vd->ops->config_read(vd);
	for (unsigned i = 0; i < size; i++)
		if (off + i < vd->config_len)
			v |= (uint32_t)vd->config[off + i] << (8 * i);
		else
			v |= 0xffu << (8 * i);
	return v;
}

static void vp_config_write(struct virtio_dev *vd, uint64_t off, uint32_t val, unsigned size)
{
	if (off + size > vd->config_len || !vd->ops->config_write) {
		guest_error("%s: write to config 0x%llx (%u bytes) ignored", vd->name,
			    (unsigned long long)off, size);
		return;
	}
	vd->ops->config_write(vd, off, val, size);
}

/* ---- legacy BAR0 ---- */

static unsigned vp_legacy_config_off(struct virtio_pci *vp)
{
	return virtio_pci_msix_enabled(vp) ? VP_LEGACY_CONFIG_MSIX : VP_LEGACY_CONFIG;
}

static struct virtqueue *vp_sel_queue(struct virtio_dev *vd)
{
	return vd->queue_sel < vd->nvqs ? &vd->vqs[vd->queue_sel] : NULL;
}

static uint64_t vp_legacy_read(void *opaque, uint64_t addr, unsigned size)
{
	struct virtio_pci *vp = opaque;
	struct virtio_dev *vd = &vp->vdev;
	struct virtqueue *vq = vp_sel_queue(vd);
	unsigned cfg = vp_legacy_config_off(vp);
	uint8_t isr;

	if (addr >= cfg)
		return vp_config_read(vd, addr - cfg, size);
	switch (addr) {
	case 0x00: return (uint32_t)vd->host_features;
	case 0x04: return (uint32_t)vd->guest_features;
	case 0x08: return vq && vq->enabled ? vq->desc_addr >> 12 : 0;
	case 0x0c: return vq ? vq->num_max : 0;
	case 0x0e: return vd->queue_sel;
	case 0x12: return vd->status;
	case 0x13:
		isr = vd->isr;
		vd->isr = 0;
		pci_set_irq(&vp->pci, 0);
		return isr;
	case 0x14: return vd->config_vector;
	case 0x16: return vq ? vq->vector : VIRTIO_NO_VECTOR;
	}
	return 0;
}

static void vp_legacy_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct virtio_pci *vp = opaque;
	struct virtio_dev *vd = &vp->vdev;
	struct virtqueue *vq = vp_sel_queue(vd);
	unsigned cfg = vp_legacy_config_off(vp);

	if (addr >= cfg) {
		vp_config_write(vd, addr - cfg, val, size);
		return;
	}
	switch (addr) {
	case 0x04:
		virtio_set_guest_features(vd, (uint32_t)val, true);
		break;
	case 0x08:
		if (!val) {
			virtio_reset(vd);
		} else if (vq) {
			vq->num = vq->num_max;
			virtio_queue_set_pfn(vq, val);
		}
		break;
	case 0x0e:
		vd->queue_sel = val;
		break;
	case 0x10:
		virtio_queue_kick(vd, val & 0xffff);
		break;
	case 0x12:
		virtio_set_status(vd, val, true);
		break;
	case 0x14:
		vd->config_vector = vp_vector_check(vp, val);
		break;
	case 0x16:
		if (vq)
			vq->vector = vp_vector_check(vp, val);
		break;
	default:
		guest_error("%s: legacy write to 0x%llx ignored", vd->name,
			    (unsigned long long)addr);
	}
}

static const struct mem_ops vp_legacy_ops = {
	.read = vp_legacy_read,
	.write = vp_legacy_write,
	.min_access = 1,
	.max_access = 4,
};

/* ---- modern BAR4 ---- */

static uint64_t vp_common_read(struct virtio_pci *vp, uint64_t addr)
{
	struct virtio_dev *vd = &vp->vdev;
	struct virtqueue *vq = vp_sel_queue(vd);

	switch (addr) {
	case 0x00: return vd->dev_feat_sel;
	case 0x04: return vd->dev_feat_sel < 2 ? (uint32_t)(vd->host_features >>
							     (32 * vd->dev_feat_sel)) : 0;
	case 0x08: return vd->drv_feat_sel;
	case 0x0c: return vd->drv_feat_sel < 2 ? (uint32_t)(vd->guest_features >>
							     (32 * vd->drv_feat_sel)) : 0;
	case 0x10: return vd->config_vector;
	case 0x12: return vd->nvqs;
	case 0x14: return vd->status;
	case 0x15: return vd->config_generation;
	case 0x16: return vd->queue_sel;
	}
	if (!vq)
		return 0;
	switch (addr) {
	case 0x18: return vq->num;
	case 0x1a: return vq->vector;
	case 0x1c: return vq->enabled;
	case 0x1e: return vq->index;
	case 0x20: return (uint32_t)vq->desc_addr;
	case 0x24: return vq->desc_addr >> 32;
	case 0x28: return (uint32_t)vq->avail_addr;
	case 0x2c: return vq->avail_addr >> 32;
	case 0x30: return (uint32_t)vq->used_addr;
	case 0x34: return vq->used_addr >> 32;
	}
	return 0;
}

static void vp_set_half(uint64_t *r, uint64_t addr, uint64_t val)
{
	if (addr & 4)
		*r = (*r & 0xffffffffULL) | (uint64_t)(uint32_t)val << 32;
	else
		*r = (*r & ~0xffffffffULL) | (uint32_t)val;
}

static void vp_queue_write(struct virtio_pci *vp, struct virtqueue *vq, uint64_t addr,
			   uint64_t val)
{
	if (vq->enabled && addr != 0x1a) {
		guest_error("%s: queue %u changed while enabled", vp->vdev.name, vq->index);
		return;
	}
	switch (addr) {
	case 0x18:
		if (val == 0 || val > vq->num_max)
			guest_error("%s: queue %u size %llu refused (max %u)", vp->vdev.name,
				    vq->index, (unsigned long long)val, vq->num_max);
		else
			vq->num = val;
		break;
	case 0x1a: vq->vector = vp_vector_check(vp, val); break;
	case 0x1c:
		if (val == 1)
			virtio_queue_enable(vq);
		break;
	case 0x20: case 0x24: vp_set_half(&vq->desc_addr, addr, val); break;
	case 0x28: case 0x2c: vp_set_half(&vq->avail_addr, addr, val); break;
	case 0x30: case 0x34: vp_set_half(&vq->used_addr, addr, val); break;
	}
}

static void vp_common_write(struct virtio_pci *vp, uint64_t addr, uint64_t val)
{
	struct virtio_dev *vd = &vp->vdev;
	struct virtqueue *vq = vp_sel_queue(vd);
	uint64_t f;

	switch (addr) {
	case 0x00: vd->dev_feat_sel = val; return;
	case 0x08: vd->drv_feat_sel = val; return;
	case 0x0c:
		if (vd->drv_feat_sel < 2) {
			f = vd->guest_features;
			vp_set_half(&f, vd->drv_feat_sel * 4, val);
			virtio_set_guest_features(vd, f, false);
		}
		return;
	case 0x10: vd->config_vector = vp_vector_check(vp, val); return;
	case 0x14: virtio_set_status(vd, val, false); return;
	case 0x16: vd->queue_sel = val; return;
	}
	if (vq && addr >= 0x18 && addr < 0x38)
		vp_queue_write(vp, vq, addr, val);
}

static uint64_t vp_modern_read(void *opaque, uint64_t addr, unsigned size)
{
	struct virtio_pci *vp = opaque;
	uint8_t isr;

	if (addr < VP_ISR)
		return vp_common_read(vp, addr);
	if (addr < VP_DEVICE) {
		if (addr != VP_ISR)
			return 0;
		isr = vp->vdev.isr;
		vp->vdev.isr = 0;
		pci_set_irq(&vp->pci, 0);
		return isr;
	}
	if (addr < VP_NOTIFY)
		return vp_config_read(&vp->vdev, addr - VP_DEVICE, size);
	return 0;
}

static void vp_modern_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct virtio_pci *vp = opaque;

	if (addr < VP_ISR)
		vp_common_write(vp, addr, val);
	else if (addr >= VP_DEVICE && addr < VP_NOTIFY)
		vp_config_write(&vp->vdev, addr - VP_DEVICE, val, size);
	else if (addr >= VP_NOTIFY)
		virtio_queue_kick(&vp->vdev, (addr - VP_NOTIFY) / VP_NOTIFY_MULT);
}

static const struct mem_ops vp_modern_ops = {
	.read = vp_modern_read,
	.write = vp_modern_write,
	.min_access = 1,
	.max_access = 4,
};

/* ---- PCI config: capabilities, the config-access window ---- */

static struct mem_region *vp_bar_region(struct virtio_pci *vp, unsigned bar)
{
	if (bar == 0 && !vp->cfg.disable_legacy)
		return &vp->legacy_io;
	if (bar == 1 && vp->msix_vectors)
		return &vp->msix_mmio;
	if (bar == 4 && !vp->cfg.disable_modern)
		return &vp->modern_mmio;
	return NULL;
}

/* The window of the PCI-config-access capability: 1, 2 or 4 bytes. */
static bool vp_cfg_window(struct virtio_pci *vp, struct mem_region **r, uint32_t *off,
			  unsigned *len)
{
	uint8_t *c = vp->pci.config + vp->cfg_cap;

	*r = vp_bar_region(vp, c[4]);
	memcpy(off, c + 8, 4);
	memcpy(len, c + 12, 4);
	if (!*r || (*len != 1 && *len != 2 && *len != 4) || (*off & (*len - 1)) ||
	    *off >= (*r)->size || *len > (*r)->size - *off)
		return false;
	return true;
}

static bool vp_touches(uint32_t addr, unsigned size, uint32_t start, unsigned len)
{
	return addr < start + len && start < addr + size;
}

static uint32_t vp_pci_config_read(struct pci_device *d, uint32_t addr, unsigned size)
{
	struct virtio_pci *vp = container_of(d, struct virtio_pci, pci);
	struct mem_region *r;
	uint32_t off, v;
	unsigned len;

	if (vp->cfg_cap && vp_touches(addr, size, vp->cfg_cap + 16, 4) &&
	    vp_cfg_window(vp, &r, &off, &len)) {
		v = r->ops->read(r->opaque, off, len);
		memcpy(d->config + vp->cfg_cap + 16, &v, 4);
	}
	return pci_default_config_read(d, addr, size);
}

static void vp_pci_config_write(struct pci_device *d, uint32_t addr, uint32_t val,
				unsigned size)
{
	struct virtio_pci *vp = container_of(d, struct virtio_pci, pci);
	struct mem_region *r;
	uint32_t off, v;
	unsigned len;

	pci_default_config_write(d, addr, val, size);
	if (vp->cfg_cap && vp_touches(addr, size, vp->cfg_cap + 16, 4)) {
		if (vp_cfg_window(vp, &r, &off, &len)) {
			memcpy(&v, d->config + vp->cfg_cap + 16, 4);
			r->ops->write(r->opaque, off, v & (len == 4 ? ~0u : (1u << (8 * len)) - 1),
				      len);
		} else {
			guest_error("%s: bad PCI-config-access window", vp->vdev.name);
		}
	}
	if (vp->msix_cap && vp_touches(addr, size, vp->msix_cap + 2, 2)) {
		if (virtio_pci_msix_enabled(vp))
			pci_set_irq(&vp->pci, 0);
		virtio_pci_msix_update(vp);
	}
	vp_ioeventfd_sync(vp);
}

static void vp_add_vendor_cap(struct virtio_pci *vp, uint8_t type, uint8_t bar,
			      uint32_t off, uint32_t len, uint8_t cap_len)
{
	int at = pci_add_capability(&vp->pci, PCI_CAP_ID_VNDR, cap_len);
	uint8_t *c;

	if (at < 0)
		return;
	c = vp->pci.config + at;
	memset(vp->pci.wmask + at, 0, cap_len);
	c[2] = cap_len;
	c[3] = type;
	c[4] = bar;
	virtio_stl(c + 8, off);
	virtio_stl(c + 12, len);
	if (type == VP_CAP_NOTIFY)
		virtio_stl(c + 16, VP_NOTIFY_MULT);
	if (type == VP_CAP_PCI_CFG) {
		vp->cfg_cap = at;
		memset(vp->pci.wmask + at + 4, 0xff, 1);
		memset(vp->pci.wmask + at + 8, 0xff, 12);
	}
}

static void vp_setup_ids(struct virtio_pci *vp, uint16_t pci_class)
{
	static const uint16_t transitional[] = {
		[VIRTIO_ID_NET] = 0x1000, [VIRTIO_ID_BLOCK] = 0x1001,
		[VIRTIO_ID_BALLOON] = 0x1002, [VIRTIO_ID_RNG] = 0x1005,
	};
	uint16_t type = vp->vdev.device_id;
	uint16_t id = vp->cfg.disable_legacy ? 0x1040 + type : transitional[type];
	uint8_t *c = vp->pci.config;

	pci_config_set_ids(&vp->pci, 0x1af4, id, vp->cfg.disable_legacy ? 1 : 0,
			   (uint32_t)pci_class << 8);
	virtio_stw(c + PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
	/* transitional: the type (legacy drivers match on it); modern-only as QEMU */
	virtio_stw(c + PCI_SUBSYSTEM_ID, vp->cfg.disable_legacy ? 0x1100 : type);
	c[PCI_INTERRUPT_PIN] = 1;
}

int virtio_pci_parse_opts(struct opts *o, struct virtio_pci_config *cfg, GError **err)
{
	const char *addr;
	uint64_t vectors;

	if (!o)
		return 0;
	if (opts_get_bool(o, "disable-legacy", cfg->disable_legacy, &cfg->disable_legacy,
			  err) < 0 ||
	    opts_get_bool(o, "disable-modern", cfg->disable_modern, &cfg->disable_modern,
			  err) < 0 ||
	    opts_get_u64(o, "vectors", 1, &vectors, err) < 0)
		return -EINVAL;
	cfg->use_msix = vectors != 0;
	if (cfg->disable_legacy && cfg->disable_modern) {
		error_setg(err, "virtio: disable-legacy and disable-modern leave nothing");
		return -EINVAL;
	}
	if (opts_has(o, "romfile"))
		cfg->romfile = opts_get(o, "romfile");
	addr = opts_get(o, "addr");
	if (addr) {
		char *end;
		unsigned long slot = strtoul(addr, &end, 16), fn = 0;

		if (*end == '.')
			fn = strtoul(end + 1, &end, 16);
		if (*end || slot > 31 || fn > 7) {
			error_setg(err, "Property '%s.addr' doesn't take value '%s'",
				   opts_has(o, "driver") ? opts_get(o, "driver") : "virtio-pci", addr);
			return -EINVAL;
		}
		cfg->devfn = slot << 3 | fn;
	}
	return 0;
}

static int vp_load_rom(struct virtio_pci *vp, GError **err)
{
	const char *path = vp->cfg.romfile;
	gchar *data;
	gsize len;
	size_t size = 0x800;

	if (!path || !*path)
		return 0;
	if (!g_file_get_contents(path, &data, &len, err))
		return -ENOENT;
	if (len == 0 || len > (8u << 20)) {
		error_setg(err, "%s: option ROM %s has a bad size", vp->vdev.name, path);
		g_free(data);
		return -EINVAL;
	}
	while (size < len)
		size <<= 1;
	vp->rom_data = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	if (vp->rom_data == MAP_FAILED) {
		vp->rom_data = NULL;
		g_free(data);
		error_setg(err, "%s: out of memory for the ROM", vp->vdev.name);
		return -ENOMEM;
	}
	memcpy(vp->rom_data, data, len);
	g_free(data);
	vp->rom_size = size;
	mr_init_ram(&vp->rom, "virtio.rom", size, vp->rom_data, true);
	pci_register_bar(&vp->pci, PCI_ROM_SLOT, PCI_BAR_MEM32, false, &vp->rom);
	return 0;
}

int virtio_pci_realize(struct virtio_pci *vp, uint16_t pci_class, GError **err)
{
	struct virtio_dev *vd = &vp->vdev;
	struct machine *m = vd->m;
	uint64_t legacy_size = 32;
	int ret;

	if (!m->pci) {
		error_setg(err, "%s: no PCI bus", vd->name);
		return -ENODEV;
	}
	vd->notify = vp_notify;
	vd->transport_status = vp_transport_status;
	vp_setup_ids(vp, pci_class);
	vp->pci.config_read = vp_pci_config_read;
	vp->pci.config_write = vp_pci_config_write;
	vp->msix_vectors = vp->cfg.use_msix ? vd->nvqs + 1 : 0;
	if (!vp->cfg.disable_legacy) {
		while (legacy_size < VP_LEGACY_CONFIG_MSIX + vd->config_len)
			legacy_size <<= 1;
		mr_init_io(&vp->legacy_io, "virtio-pci.legacy", legacy_size, &vp_legacy_ops, vp);
		pci_register_bar(&vp->pci, 0, PCI_BAR_IO, false, &vp->legacy_io);
	}
	if (vp->msix_vectors)
		virtio_pci_msix_init(vp);
	if (!vp->cfg.disable_modern) {
		mr_init_io(&vp->modern_mmio, "virtio-pci.modern", VP_MODERN_SIZE, &vp_modern_ops,
			   vp);
		pci_register_bar(&vp->pci, 4, PCI_BAR_MEM64, true, &vp->modern_mmio);
		vp_add_vendor_cap(vp, VP_CAP_COMMON, 4, VP_COMMON, 0x38, 16);
		vp_add_vendor_cap(vp, VP_CAP_ISR, 4, VP_ISR, 1, 16);
		vp_add_vendor_cap(vp, VP_CAP_DEVICE, 4, VP_DEVICE, MAX(vd->config_len, 1u), 16);
		vp_add_vendor_cap(vp, VP_CAP_NOTIFY, 4, VP_NOTIFY, VP_NOTIFY_MULT * vd->nvqs, 20);
		vp_add_vendor_cap(vp, VP_CAP_PCI_CFG, 0, 0, 0, 20);
	} else {
		vd->host_features &= ~(1ULL << VIRTIO_F_VERSION_1);
	}
	if ((ret = vp_load_rom(vp, err)) < 0)
		return ret;
	ret = pci_device_attach(m->pci, &vp->pci, vp->cfg.devfn, err);
	if (ret < 0) {
		if (vp->rom_data)
			munmap(vp->rom_data, vp->rom_size);
		vp->rom_data = NULL;
		return ret;
	}
	vp_ioeventfd_init(vp);
	return 0;
}

void virtio_pci_reset(struct virtio_pci *vp)
{
	virtio_reset(&vp->vdev);
	pci_device_reset(&vp->pci);
	virtio_pci_msix_reset(vp);
	vp_ioeventfd_sync(vp);
}

void virtio_pci_unrealize(struct virtio_pci *vp)
{
	vp_ioeventfd_free(vp);
	as_del(&vp->legacy_io);
	as_del(&vp->msix_mmio);
	as_del(&vp->modern_mmio);
	as_del(&vp->rom);
	if (vp->rom_data)
		munmap(vp->rom_data, vp->rom_size);
	vp->rom_data = NULL;
}

int virtio_pci_post_load(struct virtio_pci *vp)
{
	struct virtio_dev *vd = &vp->vdev;

	if (vd->queue_sel >= VIRTIO_MAX_QUEUES)
		vd->queue_sel = 0;
	vd->config_vector = vp_vector_check(vp, vd->config_vector);
	for (unsigned i = 0; i < vd->nvqs; i++)
		vd->vqs[i].vector = vp_vector_check(vp, vd->vqs[i].vector);
	vp->msix_pba &= (1u << vp->msix_vectors) - 1;
	pci_device_post_load(&vp->pci);
	virtio_post_load(vd);
	vp_ioeventfd_sync(vp);
	return 0;
}
