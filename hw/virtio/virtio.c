// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Virtio device core and split virtqueues, after OASIS VIRTIO 1.1 §2.1
 * (status), §2.2 (features), §2.6 (split rings, indirect descriptors, event
 * index) and §4.1.4.8 (the legacy ring layout).  The guest owns the rings,
 * so every index, address and length read from them is checked: a
 * descriptor index past the table, a chain longer than the queue (a loop),
 * a nested or malformed indirect table, a readable descriptor after a
 * writable one, a buffer outside guest RAM or an available index that runs
 * more than a queue ahead puts the device into NEEDS_RESET (see
 * virtio_error).  Left out: packed rings, notification data, per-queue
 * reset.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "hw/virtio/virtio.h"
#include "core/log.h"
#include "core/machine.h"

#define VQ_MAX_SG 2048     /* iovecs in one element (pages of split buffers) */
#define VQ_MAX_BYTES (1ULL << 32)

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
} __attribute__((packed));

/* ---- ring access: little-endian fields through cached host pointers ---- */

static uint16_t ld16(const uint8_t *p)
{
	uint16_t v;

	__atomic_load(( const uint16_t *)p, &v, __ATOMIC_ACQUIRE);
	return v;
}

static void st16(uint8_t *p, uint16_t v)
{
	__atomic_store((uint16_t *)p, &v, __ATOMIC_RELEASE);
}

static void st32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint16_t avail_flags(struct virtqueue *vq) { return ld16(vq->avail); }
static uint16_t avail_idx(struct virtqueue *vq) { return ld16(vq->avail + 2); }
static uint16_t avail_ring(struct virtqueue *vq, unsigned i)
{
	return ld16(vq->avail + 4 + 2 * (i % vq->num));
}
static uint16_t used_event(struct virtqueue *vq) { return ld16(vq->avail + 4 + 2 * vq->num); }
static void set_avail_event(struct virtqueue *vq, uint16_t v)
{
	st16(vq->used + 4 + 8 * vq->num, v);
}

/* ---- device ---- */

void virtio_dev_init(struct virtio_dev *vd, struct machine *m, const char *name,
		     uint16_t device_id, unsigned config_len,
		     const struct virtio_dev_ops *ops)
{
	vd->m = m;
	vd->name = name;
	vd->device_id = device_id;
	vd->config_len = MIN(config_len, (unsigned)VIRTIO_CONFIG_MAX);
	vd->ops = ops;
	vd->host_features |= 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_INDIRECT_DESC |
			     1ULL << VIRTIO_F_EVENT_IDX | 1ULL << VIRTIO_F_NOTIFY_ON_EMPTY |
			     1ULL << VIRTIO_F_ANY_LAYOUT;
	vd->config_vector = VIRTIO_NO_VECTOR;
}

struct virtqueue *virtio_add_queue(struct virtio_dev *vd, uint16_t num_max,
				   vq_handler_fn *handle)
{
	struct virtqueue *vq;

	if (vd->nvqs >= VIRTIO_MAX_QUEUES)
		return NULL;
	vq = &vd->vqs[vd->nvqs];
	vq->vd = vd;
	vq->index = vd->nvqs++;
	vq->num_max = num_max;
	vq->num = num_max;
	vq->vector = VIRTIO_NO_VECTOR;
	vq->handle = handle;
	return vq;
}

static void vq_reset(struct virtqueue *vq)
{
	vq->num = vq->num_max;
	vq->enabled = 0;
	vq->vector = VIRTIO_NO_VECTOR;
	vq->last_avail = vq->used_idx = vq->signalled_used = 0;
	vq->signalled_valid = 0;
	vq->desc_addr = vq->avail_addr = vq->used_addr = 0;
	vq->desc = vq->avail = vq->used = NULL;
	vq->inflight = 0;
}

void virtio_reset(struct virtio_dev *vd)
{
	vd->generation++;
	if (vd->ops->reset)
		vd->ops->reset(vd);
	vd->status = 0;
	vd->isr = 0;
	vd->broken = 0;
	vd->guest_features = 0;
	vd->dev_feat_sel = vd->drv_feat_sel = 0;
	vd->queue_sel = 0;
	vd->config_vector = VIRTIO_NO_VECTOR;
	for (unsigned i = 0; i < vd->nvqs; i++)
		vq_reset(&vd->vqs[i]);
	if (vd->transport_status)
		vd->transport_status(vd);
}

void virtio_error(struct virtio_dev *vd, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	guest_error("%s: %s; device needs a reset", vd->name, msg);
	if (vd->broken)
		return;
	vd->broken = 1;
	vd->status |= VIRTIO_STATUS_NEEDS_RESET;
	virtio_config_changed(vd);
}

void virtio_config_changed(struct virtio_dev *vd)
{
	if (!(vd->status & VIRTIO_STATUS_DRIVER_OK) && !vd->broken)
		return;
	vd->config_generation++;
	if (vd->notify)
		vd->notify(vd, vd->config_vector, VIRTIO_ISR_CONFIG);
}

void virtio_set_guest_features(struct virtio_dev *vd, uint64_t val, bool legacy)
{
	uint64_t allowed = vd->host_features;

	if (vd->status & VIRTIO_STATUS_FEATURES_OK) {
		guest_error("%s: features written after FEATURES_OK", vd->name);
		return;
	}
	if (legacy)
		allowed &= 0xffffffffULL;
	vd->guest_features = val & allowed;
}

/* Check and cache the host pointers of a queue's three areas. */
static bool vq_map(struct virtqueue *vq)
{
	struct address_space *as = &vq->vd->m->mem;
	uint64_t n = vq->num;

	if (vq->desc)
		return true;
	if (!vq->enabled || !n)
		return false;
	vq->desc = as_ram_ptr(as, vq->desc_addr, 16 * n);
	vq->avail = as_ram_ptr(as, vq->avail_addr, 6 + 2 * n);
	vq->used = as_ram_ptr(as, vq->used_addr, 6 + 8 * n);
	if (!vq->desc || !vq->avail || !vq->used || (vq->desc_addr & 15) ||
	    (vq->avail_addr & 1) || (vq->used_addr & 3)) {
		vq->desc = vq->avail = vq->used = NULL;
		virtio_error(vq->vd, "queue %u rings (0x%llx 0x%llx 0x%llx, %u entries) "
			     "not in RAM or misaligned", vq->index,
			     (unsigned long long)vq->desc_addr,
			     (unsigned long long)vq->avail_addr,
			     (unsigned long long)vq->used_addr, vq->num);
		return false;
	}
	return true;
}

void virtio_queue_set_pfn(struct virtqueue *vq, uint32_t pfn)
{
	uint64_t n = vq->num;

	vq->desc = vq->avail = vq->used = NULL;
	vq->desc_addr = (uint64_t)pfn << 12;
	vq->avail_addr = vq->desc_addr + 16 * n;
	vq->used_addr = (vq->avail_addr + 6 + 2 * n + 4095) & ~4095ULL;
	vq->enabled = pfn != 0;
	vq->last_avail = vq->used_idx = 0;
	vq->signalled_valid = 0;
	if (pfn)
		vq_map(vq);
}

void virtio_queue_enable(struct virtqueue *vq)
{
	vq->desc = vq->avail = vq->used = NULL;
	vq->enabled = 1;
	vq->last_avail = vq->used_idx = 0;
	vq->signalled_valid = 0;
	vq_map(vq);
}

void virtio_set_status(struct virtio_dev *vd, uint8_t val, bool legacy)
{
	uint8_t old = vd->status;

	if (val == 0) {
		virtio_reset(vd);
		return;
	}
	if ((val & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
	    !legacy && !virtio_is_modern(vd)) {
		/* §4.1.2.2 / §6.1: a modern driver must accept VERSION_1 */
		guest_error("%s: FEATURES_OK without VERSION_1 refused", vd->name);
		val &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	/* NEEDS_RESET is the device's bit; the driver cannot set or clear it */
	vd->status = (val & ~VIRTIO_STATUS_NEEDS_RESET) | (old & VIRTIO_STATUS_NEEDS_RESET);
	if (vd->ops->set_status)
		vd->ops->set_status(vd, old);
	if (vd->transport_status)
		vd->transport_status(vd);
	if ((vd->status & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK))
		virtio_kick_all(vd);
}

void virtio_queue_kick(struct virtio_dev *vd, unsigned n)
{
	struct virtqueue *vq;

	if (n >= vd->nvqs) {
		guest_error("%s: notify of queue %u (device has %u)", vd->name, n, vd->nvqs);
		return;
	}
	vq = &vd->vqs[n];
	if (vd->broken || !vq->enabled || !vq->handle)
		return;
	/* like QEMU, a driver that set DRIVER but not yet DRIVER_OK is served */
	if (!(vd->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_DRIVER)))
		return;
	if (!vq_map(vq))
		return;
	vq->handle(vd, vq);
}

void virtio_kick_all(struct virtio_dev *vd)
{
	for (unsigned i = 0; i < vd->nvqs; i++)
		if (vd->vqs[i].enabled)
			virtio_queue_kick(vd, i);
}

/* ---- popping chains ---- */

struct chain_walk {
	struct vq_elem *e;
	int cap;
	bool seen_write;
};

static int elem_add(struct virtqueue *vq, struct chain_walk *w, uint64_t addr,
		    uint32_t len, bool write)
{
	struct address_space *as = &vq->vd->m->mem;
	struct vq_elem *e = w->e;

	if (!write && w->seen_write) {
		virtio_error(vq->vd, "queue %u: readable descriptor after a writable one",
			     vq->index);
		return -EINVAL;
	}
	w->seen_write |= write;
	if ((write ? e->in_len : e->out_len) + len > VQ_MAX_BYTES) {
		virtio_error(vq->vd, "queue %u: chain larger than 4 GiB", vq->index);
		return -EINVAL;
	}
	while (len) {
		uint32_t chunk = len;
		void *p = as_ram_ptr(as, addr, chunk);
		struct iovec *v;

		if (!p) {
			/* split where the RAM region containing addr ends */
			struct mem_region *r = as_find(as, addr);

			if (r && r->ram && addr >= r->addr && addr - r->addr < r->size)
				chunk = MIN((uint64_t)len, r->size - (addr - r->addr));
			else
				chunk = MIN(len, (uint32_t)(4096 - (addr & 4095)));
			p = as_ram_ptr(as, addr, chunk);
		}
		if (!p) {
			virtio_error(vq->vd, "queue %u: buffer 0x%llx+0x%x is not in RAM",
				     vq->index, (unsigned long long)addr, len);
			return -EINVAL;
		}
		if (e->out_num + e->in_num >= w->cap) {
			if (w->cap >= VQ_MAX_SG) {
				virtio_error(vq->vd, "queue %u: chain has too many segments",
					     vq->index);
				return -EINVAL;
			}
			w->cap *= 2;
			e = w->e = g_realloc(e, sizeof(*e) + w->cap * sizeof(struct iovec));
			e->out_sg = (struct iovec *)(e + 1);
		}
		/* in_sg is built after out_sg in one array; split at the end */
		v = &e->out_sg[e->out_num + e->in_num];
		v->iov_base = p;
		v->iov_len = chunk;
		if (write) {
			e->in_num++;
			e->in_len += chunk;
		} else {
			e->out_num++;
			e->out_len += chunk;
		}
		addr += chunk;
		len -= chunk;
	}
	return 0;
}

static int walk_indirect(struct virtqueue *vq, struct chain_walk *w,
			 const struct vring_desc *d)
{
	const uint8_t *table;
	unsigned n = d->len / 16, i = 0, count = 0;

	if (d->len == 0 || d->len % 16 || n > VIRTIO_QUEUE_MAX) {
		virtio_error(vq->vd, "queue %u: indirect table of %u bytes", vq->index, d->len);
		return -EINVAL;
	}
	table = as_ram_ptr(&vq->vd->m->mem, d->addr, d->len);
	if (!table) {
		virtio_error(vq->vd, "queue %u: indirect table 0x%llx not in RAM", vq->index,
			     (unsigned long long)d->addr);
		return -EINVAL;
	}
	for (;;) {
		struct vring_desc id;

		memcpy(&id, table + 16 * i, 16);
		if (id.flags & VRING_DESC_F_INDIRECT) {
			virtio_error(vq->vd, "queue %u: nested indirect table", vq->index);
			return -EINVAL;
		}
		if (elem_add(vq, w, id.addr, id.len, id.flags & VRING_DESC_F_WRITE) < 0)
			return -EINVAL;
		if (!(id.flags & VRING_DESC_F_NEXT))
			return 0;
		i = id.next;
		if (i >= n || ++count >= n) {
			virtio_error(vq->vd, "queue %u: indirect chain %s", vq->index,
				     i >= n ? "leaves its table" : "loops");
			return -EINVAL;
		}
	}
}

static int walk_chain(struct virtqueue *vq, struct chain_walk *w, uint16_t head)
{
	unsigned i = head, count = 0;

	for (;;) {
		struct vring_desc d;

		if (i >= vq->num) {
			virtio_error(vq->vd, "queue %u: descriptor index %u >= %u", vq->index,
				     i, vq->num);
			return -EINVAL;
		}
		if (++count > vq->num) {
			virtio_error(vq->vd, "queue %u: descriptor chain loops", vq->index);
			return -EINVAL;
		}
		memcpy(&d, vq->desc + 16 * i, 16);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (!virtio_has_feature(vq->vd, VIRTIO_F_INDIRECT_DESC) ||
			    (d.flags & VRING_DESC_F_NEXT) || count > 1) {
				virtio_error(vq->vd, "queue %u: indirect descriptor not allowed here",
					     vq->index);
				return -EINVAL;
			}
			return walk_indirect(vq, w, &d);
		}
		if (elem_add(vq, w, d.addr, d.len, d.flags & VRING_DESC_F_WRITE) < 0)
			return -EINVAL;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

bool vq_empty(struct virtqueue *vq)
{
	if (vq->vd->broken || !vq_map(vq))
		return true;
	return avail_idx(vq) == vq->last_avail;
}

bool vq_ready(struct virtqueue *vq)
{
	return (vq->vd->status & VIRTIO_STATUS_DRIVER_OK) && !vq_empty(vq);
}

int vq_pop(struct virtqueue *vq, struct vq_elem **elem)
{
	struct chain_walk w = { 0 };
	uint16_t idx, head;

	*elem = NULL;
	if (vq->vd->broken || !vq_map(vq))
		return 0;
	idx = avail_idx(vq);
	if (idx == vq->last_avail)
		return 0;
	if ((uint16_t)(idx - vq->last_avail) > vq->num) {
		virtio_error(vq->vd, "queue %u: available index %u runs %u ahead of %u entries",
			     vq->index, idx, (uint16_t)(idx - vq->last_avail), vq->num);
		return -EINVAL;
	}
	head = avail_ring(vq, vq->last_avail);
	w.cap = 16; /* grows as needed, up to VQ_MAX_SG */
	w.e = g_malloc0(sizeof(*w.e) + w.cap * sizeof(struct iovec));
	w.e->out_sg = (struct iovec *)(w.e + 1);
	w.e->head = head;
	if (walk_chain(vq, &w, head) < 0) {
		g_free(w.e);
		return -EINVAL;
	}
	/* in_sg follows out_sg; the walk kept them in order (no write before read) */
	w.e->in_sg = w.e->out_sg + w.e->out_num;
	vq->last_avail++;
	vq->inflight++;
	if (virtio_has_feature(vq->vd, VIRTIO_F_EVENT_IDX))
		set_avail_event(vq, vq->last_avail);
	*elem = w.e;
	return 1;
}

void vq_elem_free(struct vq_elem *elem)
{
	g_free(elem);
}

void vq_unpop(struct virtqueue *vq, struct vq_elem *elem)
{
	vq->last_avail--;
	vq->inflight--;
	vq_elem_free(elem);
}

void vq_push(struct virtqueue *vq, struct vq_elem *elem, uint32_t len)
{
	uint8_t *u;

	if (!vq->used || vq->vd->broken) {
		vq_elem_free(elem);
		return;
	}
	u = vq->used + 4 + 8 * (vq->used_idx % vq->num);
	st32(u, elem->head);
	st32(u + 4, len);
	vq->used_idx++;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	st16(vq->used + 2, vq->used_idx);
	vq->inflight--;
	vq_elem_free(elem);
}

/* §2.6.7.2: interrupt if new_idx passed event since old (mod 2^16). */
static bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

static bool vq_should_notify(struct virtqueue *vq)
{
	struct virtio_dev *vd = vq->vd;
	uint16_t old = vq->signalled_used;
	bool valid = vq->signalled_valid;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (virtio_has_feature(vd, VIRTIO_F_NOTIFY_ON_EMPTY) && !vq->inflight &&
	    avail_idx(vq) == vq->last_avail)
		return true;
	if (!virtio_has_feature(vd, VIRTIO_F_EVENT_IDX))
		return !(avail_flags(vq) & VRING_AVAIL_F_NO_INTERRUPT);
	vq->signalled_used = vq->used_idx;
	vq->signalled_valid = 1;
	return !valid || vring_need_event(used_event(vq), vq->used_idx, old);
}

void vq_notify(struct virtqueue *vq)
{
	struct virtio_dev *vd = vq->vd;

	if (vd->broken || !vq->used)
		return;
	if (vq_should_notify(vq) && vd->notify)
		vd->notify(vd, vq->vector, VIRTIO_ISR_QUEUE);
}

int virtio_post_load(struct virtio_dev *vd)
{
	for (unsigned i = 0; i < vd->nvqs; i++) {
		struct virtqueue *vq = &vd->vqs[i];

		vq->desc = vq->avail = vq->used = NULL;
		vq->inflight = 0;
		if (vq->num > vq->num_max || (vq->num & (vq->num - 1)))
			vq->num = vq->num_max;
		if (vq->enabled && !vd->broken)
			vq_map(vq);
	}
	return 0;
}

bool virtio_dev_busy(struct virtio_dev *vd)
{
	for (unsigned i = 0; i < vd->nvqs; i++)
		if (vd->vqs[i].inflight > 0)
			return true;
	return false;
}
