/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Virtio device core (OASIS VIRTIO 1.1 §2): status, feature negotiation,
 * split virtqueues, the device-type hooks and the PCI transport
 * (virtio-pci.c).  Every device type (blk, net, rng, balloon) embeds a
 * struct virtio_pci, whose struct virtio_dev carries the transport-neutral
 * state.
 *
 * Virtqueue contract (vq_pop / vq_push / vq_notify):
 *  - vq_pop() takes the next available chain and maps every buffer into
 *    host iovecs (device-readable "out" first, then device-writable "in").
 *    It returns 1 with *elem filled, 0 when the ring is empty, or -EINVAL
 *    when the guest broke the ring: the device is then marked broken, shows
 *    NEEDS_RESET and raises a configuration interrupt; nothing more is
 *    processed until the driver resets it.
 *  - the iovecs point into guest RAM and stay valid (the RAM mapping never
 *    goes away), so requests may be handed to the block/net backends.
 *  - vq_push() returns the chain with the number of bytes written into its
 *    "in" buffers and frees the element; vq_notify() interrupts the driver
 *    once per batch, honouring NO_INTERRUPT or the event index.
 * All of this runs with the machine lock held.
 */
#ifndef HW_VIRTIO_VIRTIO_H
#define HW_VIRTIO_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>
#include <glib.h>
#include "hw/pci/pci.h"
#include "core/memory.h"

/* Device status (§2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER 0x02
#define VIRTIO_STATUS_DRIVER_OK 0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

/* Transport / ring features (§6) */
#define VIRTIO_F_NOTIFY_ON_EMPTY 24
#define VIRTIO_F_ANY_LAYOUT 27
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_BALLOON 5
#define VIRTIO_ID_RNG 4

#define VIRTIO_MAX_QUEUES 4
#define VIRTIO_QUEUE_MAX 1024
#define VIRTIO_NO_VECTOR 0xffff
#define VIRTIO_CONFIG_MAX 64

#define VIRTIO_ISR_QUEUE 0x1
#define VIRTIO_ISR_CONFIG 0x2

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1

struct virtio_dev;
struct virtqueue;

/* One popped chain.  out = device-readable, in = device-writable. */
struct vq_elem {
	uint16_t head;
	int out_num, in_num;
	size_t out_len, in_len; /* total bytes */
	struct iovec *out_sg, *in_sg;
};

typedef void vq_handler_fn(struct virtio_dev *vd, struct virtqueue *vq);

struct virtqueue {
	struct virtio_dev *vd;
	uint16_t index;
	uint16_t num_max;      /* what the device offers */
	/* saved state */
	uint16_t num;          /* size chosen by the driver (0 = not present) */
	uint16_t enabled;      /* modern queue_enable / legacy PFN != 0 */
	uint16_t vector;       /* MSI-X vector */
	uint16_t last_avail;   /* next avail entry to take */
	uint16_t used_idx;     /* our copy of used->idx */
	uint16_t signalled_used;
	uint8_t signalled_valid;
	uint64_t desc_addr, avail_addr, used_addr;
	/* derived */
	vq_handler_fn *handle;
	uint8_t *desc, *avail, *used; /* host pointers, NULL until mapped */
	int inflight;                 /* popped, not yet pushed */
};

/* Per device-type hooks; all optional except none. */
struct virtio_dev_ops {
	/* Refresh vd->config before the driver reads it. */
	void (*config_read)(struct virtio_dev *vd);
	/*
	 * The driver wrote size bytes of val at config offset off (in range);
	 * the hook stores what the device lets it change.  NULL: read-only.
	 */
	void (*config_write)(struct virtio_dev *vd, unsigned off, uint32_t val, unsigned size);
	/* Status changed (old -> vd->status); DRIVER_OK starts the device. */
	void (*set_status)(struct virtio_dev *vd, uint8_t old);
	/* Device reset (driver wrote 0 or system reset): drop in-flight work. */
	void (*reset)(struct virtio_dev *vd);
};

struct virtio_dev {
	struct machine *m;
	const char *name;
	uint16_t device_id;       /* virtio type */
	const struct virtio_dev_ops *ops;
	uint64_t host_features;
	unsigned nvqs;
	struct virtqueue vqs[VIRTIO_MAX_QUEUES];
	uint8_t config[VIRTIO_CONFIG_MAX];
	unsigned config_len;
	/* saved state */
	uint64_t guest_features;
	uint32_t dev_feat_sel, drv_feat_sel;
	uint8_t status;
	uint8_t isr;
	uint8_t broken;
	uint8_t config_generation;
	uint16_t queue_sel;
	uint16_t config_vector;
	/* bumped on every reset: completions of an older generation are void */
	uint32_t generation;
	/* transport: raise an interrupt for this vector (or INTx when !msix) */
	void (*notify)(struct virtio_dev *vd, uint16_t vector, uint8_t isr_bit);
	/* transport: status written (update ioeventfds, INTx) */
	void (*transport_status)(struct virtio_dev *vd);
};

static inline bool virtio_has_feature(const struct virtio_dev *vd, unsigned bit)
{
	return vd->guest_features & (1ULL << bit);
}

static inline bool virtio_is_modern(const struct virtio_dev *vd)
{
	return virtio_has_feature(vd, VIRTIO_F_VERSION_1);
}

/* Device set-up: nvqs queues of num_max entries each, handled by handle. */
void virtio_dev_init(struct virtio_dev *vd, struct machine *m, const char *name,
		     uint16_t device_id, unsigned config_len,
		     const struct virtio_dev_ops *ops);
struct virtqueue *virtio_add_queue(struct virtio_dev *vd, uint16_t num_max,
				   vq_handler_fn *handle);

/* Driver-visible operations used by the transport. */
void virtio_reset(struct virtio_dev *vd);
/* legacy: written through BAR0 (no FEATURES_OK / VERSION_1 rule) */
void virtio_set_status(struct virtio_dev *vd, uint8_t val, bool legacy);
/* Features the driver may accept: low 32 bits only for legacy drivers. */
void virtio_set_guest_features(struct virtio_dev *vd, uint64_t val, bool legacy);
/* Legacy: queue at pfn << 12 with the used ring 4096-aligned. */
void virtio_queue_set_pfn(struct virtqueue *vq, uint32_t pfn);
/* Modern: queue_enable written with the three addresses already set. */
void virtio_queue_enable(struct virtqueue *vq);
/* The driver kicked queue n (notify register or ioeventfd). */
void virtio_queue_kick(struct virtio_dev *vd, unsigned n);
/* Re-run every queue's handler (after DRIVER_OK or a restore). */
void virtio_kick_all(struct virtio_dev *vd);

/* The virtqueue API for device types. */
int vq_pop(struct virtqueue *vq, struct vq_elem **elem);
void vq_push(struct virtqueue *vq, struct vq_elem *elem, uint32_t len);
/* Give the element back unused (it will be popped again). */
void vq_unpop(struct virtqueue *vq, struct vq_elem *elem);
void vq_elem_free(struct vq_elem *elem);
void vq_notify(struct virtqueue *vq);
/* True when no buffer is waiting. */
bool vq_empty(struct virtqueue *vq);
/* Available buffers, without popping (for can_receive). */
bool vq_ready(struct virtqueue *vq);

/* Guest broke the protocol: log, NEEDS_RESET, config interrupt. */
void virtio_error(struct virtio_dev *vd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Tell the driver the configuration changed. */
void virtio_config_changed(struct virtio_dev *vd);
/* After restore: re-derive ring pointers. */
int virtio_post_load(struct virtio_dev *vd);
/* Some queue has popped elements not yet pushed (requests in flight). */
bool virtio_dev_busy(struct virtio_dev *vd);

/* Little-endian helpers for config space */
static inline void virtio_stw(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static inline void virtio_stl(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}
static inline void virtio_stq(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

/* ---- PCI transport (virtio-pci.c) ---- */

#define VIRTIO_PCI_MSIX_MAX (VIRTIO_MAX_QUEUES + 1)

struct virtio_pci_config {
	int devfn;              /* -1: first free slot */
	bool disable_legacy;
	bool disable_modern;
	bool use_msix;          /* vectors=0 turns MSI-X off */
	const char *romfile;    /* option ROM for the ROM BAR, or NULL */
};

struct virtio_pci_ioeventfd;

struct virtio_pci {
	struct pci_device pci;
	struct virtio_dev vdev;
	struct virtio_pci_config cfg;
	struct mem_region legacy_io;   /* BAR0 */
	struct mem_region msix_mmio;   /* BAR1 */
	struct mem_region modern_mmio; /* BAR4 */
	struct mem_region rom;         /* ROM BAR */
	uint8_t *rom_data;
	size_t rom_size;
	int msix_cap, cfg_cap;
	unsigned msix_vectors;
	/* saved: MSI-X table (4 dwords per vector) and pending bits */
	uint32_t msix_table[VIRTIO_PCI_MSIX_MAX * 4];
	uint8_t msix_pba;
	/* ioeventfds, one per queue */
	struct virtio_pci_ioeventfd *iofd[VIRTIO_MAX_QUEUES];
};

#define VIRTIO_PCI_CONFIG_DEFAULT \
	{ .devfn = -1, .disable_legacy = false, .disable_modern = false, .use_msix = true }

/* MSI-X (virtio-pci-msix.c), for the transport */
void virtio_pci_msix_init(struct virtio_pci *vp);    /* BAR1 and the capability */
void virtio_pci_msix_reset(struct virtio_pci *vp);   /* all masked, disabled */
bool virtio_pci_msix_enabled(struct virtio_pci *vp);
void virtio_pci_msix_notify(struct virtio_pci *vp, unsigned vector);
void virtio_pci_msix_update(struct virtio_pci *vp);  /* deliver what got unmasked */

/* Parse addr=, disable-legacy=, disable-modern=, vectors=, romfile=. */
int virtio_pci_parse_opts(struct opts *o, struct virtio_pci_config *cfg, GError **err);
/*
 * Finish set-up once vdev is initialised: IDs, capabilities, BARs and
 * attaching to m->pci.  Returns 0 or -errno with *err set.
 */
int virtio_pci_realize(struct virtio_pci *vp, uint16_t pci_class, GError **err);
void virtio_pci_reset(struct virtio_pci *vp);
void virtio_pci_unrealize(struct virtio_pci *vp);
int virtio_pci_post_load(struct virtio_pci *vp);

/*
 * Saved fields of one queue / the device / the transport (for vmstate
 * tables).  Popped-but-unfinished elements are not saved: snapshot a
 * device only when virtio_dev_busy() is false (block requests drained and
 * their completions run), or the restored driver waits for them forever.
 */
#define VIRTIO_VQ_VMSTATE(st, f, i) \
	VMSTATE_U16(st, f.vqs[i].num), VMSTATE_U16(st, f.vqs[i].enabled), \
	VMSTATE_U16(st, f.vqs[i].vector), VMSTATE_U16(st, f.vqs[i].last_avail), \
	VMSTATE_U16(st, f.vqs[i].used_idx), VMSTATE_U16(st, f.vqs[i].signalled_used), \
	VMSTATE_U8(st, f.vqs[i].signalled_valid), VMSTATE_U64(st, f.vqs[i].desc_addr), \
	VMSTATE_U64(st, f.vqs[i].avail_addr), VMSTATE_U64(st, f.vqs[i].used_addr)
#define VIRTIO_PCI_VMSTATE(st, f) \
	VMSTATE_U8_ARRAY(st, f.pci.config), \
	VMSTATE_U64(st, f.vdev.guest_features), VMSTATE_U32(st, f.vdev.dev_feat_sel), \
	VMSTATE_U32(st, f.vdev.drv_feat_sel), VMSTATE_U8(st, f.vdev.status), \
	VMSTATE_U8(st, f.vdev.isr), VMSTATE_U8(st, f.vdev.broken), \
	VMSTATE_U8(st, f.vdev.config_generation), VMSTATE_U16(st, f.vdev.queue_sel), \
	VMSTATE_U16(st, f.vdev.config_vector), VMSTATE_U8_ARRAY(st, f.vdev.config), \
	VIRTIO_VQ_VMSTATE(st, f.vdev, 0), VIRTIO_VQ_VMSTATE(st, f.vdev, 1), \
	VIRTIO_VQ_VMSTATE(st, f.vdev, 2), VIRTIO_VQ_VMSTATE(st, f.vdev, 3), \
	VMSTATE_U32_ARRAY(st, f.msix_table), VMSTATE_U8(st, f.msix_pba)

#endif
