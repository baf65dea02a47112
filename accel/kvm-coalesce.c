// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Coalesced MMIO: guest writes to write-mostly MMIO ranges (the legacy VGA
 * window) that KVM appends to a ring page shared with us instead of
 * leaving KVM_RUN for each one (KVM API, KVM_REGISTER_COALESCED_MMIO).
 * Reads still exit.  The ring is replayed, in order, into the memory
 * address space before every exit is handled, when the vCPUs are paused
 * and whenever a device asks (the display, before it reads VRAM), so a
 * device sees the same sequence of accesses as without coalescing.
 * Left out: coalesced port I/O (KVM_CAP_COALESCED_PIO) and unregistering
 * a zone (no region that uses this ever moves).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "accel/kvm.h"
#include "accel/kvm-int.h"
#include "core/log.h"
#include "core/machine.h"

/* The ring's entries fill the rest of its page. */
static uint32_t ring_entries(void)
{
	return (uint32_t)((getpagesize() - sizeof(struct kvm_coalesced_mmio_ring)) /
			  sizeof(struct kvm_coalesced_mmio));
}

/* vCPUs created: find the ring in the first vCPU's kvm_run mapping. */
void kvm_coalesce_init(struct kvm_accel *k)
{
	int page = getpagesize();
	int off = ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO);

	if (off <= 0 || k->nvcpus < 1 || (off + 1) * page > k->run_size)
		return;
	k->coalesced_ring = (struct kvm_coalesced_mmio_ring *)
		((uint8_t *)k->vcpus[0]->run + (size_t)off * page);
}

int kvm_coalesce_mmio(struct kvm_accel *k, uint64_t addr, uint64_t size)
{
	struct kvm_coalesced_mmio_zone z = { .addr = addr, .size = (uint32_t)size };

	if (ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO) <= 0)
		return -ENOTSUP;
	if (size > UINT32_MAX)
		return -EINVAL;
	if (ioctl(k->vm_fd, KVM_REGISTER_COALESCED_MMIO, &z) < 0)
		return -errno;
	return 0;
}

/* Lock held: replay every buffered write, oldest first. */
void kvm_flush_coalesced(struct kvm_accel *k)
{
	struct kvm_coalesced_mmio_ring *ring = k->coalesced_ring;
	uint32_t max = ring_entries();

	if (!ring || k->flushing)
		return;
	k->flushing = true; /* a device's write handler must not recurse */
	while (ring->first != __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE)) {
		struct kvm_coalesced_mmio *e = &ring->coalesced_mmio[ring->first % max];
		uint64_t v = 0;
		unsigned len = e->len;

		if (len == 1 || len == 2 || len == 4 || len == 8) {
			memcpy(&v, e->data, len);
			as_write(&k->m->mem, e->phys_addr, v, len);
		} else {
			guest_error("coalesced MMIO write of %u bytes at 0x%llx dropped",
					len, (unsigned long long)e->phys_addr);
		}
		__atomic_store_n(&ring->first, (ring->first + 1) % max, __ATOMIC_RELEASE);
	}
	k->flushing = false;
}
