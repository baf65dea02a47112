// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MSI-X for the virtio PCI transport (PCI Local Bus Spec 3.0 §6.8.2): the
 * capability (ID 0x11, table and PBA in memory BAR1: table at 0, PBA at
 * 0x800), per-vector masking with the pending bit array, the function
 * mask, and delivery: KVM_SIGNAL_MSI under KVM, a plain 32-bit memory
 * write of the message data to its address otherwise (qtest: what a real
 * bus does; tests point the address at RAM).  Messages leave only while
 * bus mastering is on.  Left out: MSI (the older capability).
 */
#include <errno.h>
#include <string.h>
#include "hw/virtio/virtio.h"
#include "core/log.h"
#include "core/machine.h"

#define VP_MSIX_SIZE 0x1000
#define VP_MSIX_PBA 0x800
#define PCI_CAP_ID_MSIX 0x11

bool virtio_pci_msix_enabled(struct virtio_pci *vp)
{
	return vp->msix_vectors && (vp->pci.config[vp->msix_cap + 3] & 0x80);
}

static bool msix_masked(struct virtio_pci *vp, unsigned v)
{
	return (vp->pci.config[vp->msix_cap + 3] & 0x40) || (vp->msix_table[v * 4 + 3] & 1);
}

static void msix_send(struct virtio_pci *vp, unsigned v)
{
	struct machine *m = vp->vdev.m;
	uint64_t addr = vp->msix_table[v * 4] | (uint64_t)vp->msix_table[v * 4 + 1] << 32;
	uint32_t data = vp->msix_table[v * 4 + 2];
	int ret;

	if (!(vp->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER))
		return; /* no bus mastering: the message never leaves */
	ret = machine_signal_msi(m, addr, data);
	if (ret == -ENOTSUP) /* no accelerator APIC (qtest, unit tests): a memory write */
		as_write(&m->mem, addr, data, 4);
	else if (ret < 0)
		guest_error("%s: MSI to 0x%llx failed (%d)", vp->vdev.name,
			    (unsigned long long)addr, ret);
}

void virtio_pci_msix_notify(struct virtio_pci *vp, unsigned v)
{
	if (v >= vp->msix_vectors)
		return;
	if (msix_masked(vp, v)) {
		vp->msix_pba |= 1u << v;
		return;
	}
	msix_send(vp, v);
}

void virtio_pci_msix_update(struct virtio_pci *vp)
{
	if (!virtio_pci_msix_enabled(vp))
		return;
	for (unsigned v = 0; v < vp->msix_vectors; v++) {
		if ((vp->msix_pba & (1u << v)) && !msix_masked(vp, v)) {
			vp->msix_pba &= ~(1u << v);
			msix_send(vp, v);
		}
	}
}

static uint64_t msix_read(void *opaque, uint64_t addr, unsigned size)
{
	struct virtio_pci *vp = opaque;

	if (addr >= VP_MSIX_PBA)
		return addr == VP_MSIX_PBA ? vp->msix_pba : 0;
	if (addr / 4 < vp->msix_vectors * 4)
		return vp->msix_table[addr / 4];
	return 0;
}

static void msix_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct virtio_pci *vp = opaque;

	if (addr >= VP_MSIX_PBA || addr / 4 >= vp->msix_vectors * 4)
		return; /* PBA is read-only */
	if ((addr & 15) == 12)
		val &= 1; /* vector control: only the mask bit */
	vp->msix_table[addr / 4] = val;
	virtio_pci_msix_update(vp);
}

static const struct mem_ops msix_ops = {
	.read = msix_read,
	.write = msix_write,
	.min_access = 4,
	.max_access = 4,
};

static void msix_add_cap(struct virtio_pci *vp)
{
	int at = pci_add_capability(&vp->pci, PCI_CAP_ID_MSIX, 12);
	uint8_t *c;

	if (at < 0) {
		vp->msix_vectors = 0;
		return;
	}
	vp->msix_cap = at;
	c = vp->pci.config + at;
	memset(vp->pci.wmask + at, 0, 12);
	virtio_stw(c + 2, vp->msix_vectors - 1);
	virtio_stl(c + 4, 0 | 1);               /* table at 0 in BAR1 */
	virtio_stl(c + 8, VP_MSIX_PBA | 1);     /* PBA at 0x800 in BAR1 */
	vp->pci.wmask[at + 3] = 0xc0;           /* enable, function mask */
}


void virtio_pci_msix_init(struct virtio_pci *vp)
{
	mr_init_io(&vp->msix_mmio, "virtio-pci.msix", VP_MSIX_SIZE, &msix_ops, vp);
	pci_register_bar(&vp->pci, 1, PCI_BAR_MEM32, false, &vp->msix_mmio);
	msix_add_cap(vp);
	virtio_pci_msix_reset(vp);
}

void virtio_pci_msix_reset(struct virtio_pci *vp)
{
	memset(vp->msix_table, 0, sizeof(vp->msix_table));
	for (unsigned v = 0; v < vp->msix_vectors; v++)
		vp->msix_table[v * 4 + 3] = 1; /* masked */
	vp->msix_pba = 0;
	if (vp->msix_cap)
		vp->pci.config[vp->msix_cap + 3] &= ~0xc0;
}
