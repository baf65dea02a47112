// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KVM_SIGNAL_MSI and KVM_IOEVENTFD wrappers (Linux
 * Documentation/virt/kvm/api.rst §4.71 and §4.59) for devices that deliver
 * MSI-X messages and take doorbell writes without a userspace exit.  No
 * GSI routing table and no irqfds: an MSI is one ioctl on the VM fd.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "accel/kvm.h"
#include "accel/kvm-msi.h"

int kvm_signal_msi(struct kvm_accel *k, uint64_t addr, uint32_t data)
{
	struct kvm_msi msi;

	if (!k)
		return -ENODEV;
	memset(&msi, 0, sizeof(msi));
	msi.address_lo = (uint32_t)addr;
	msi.address_hi = addr >> 32;
	msi.data = data;
	if (ioctl(k->vm_fd, KVM_SIGNAL_MSI, &msi) < 0)
		return -errno;
	return 0;
}

int kvm_ioeventfd(struct kvm_accel *k, int fd, uint64_t addr, unsigned len, bool pio,
		  bool datamatch, uint64_t data, bool assign)
{
	struct kvm_ioeventfd io;

	if (!k)
		return -ENODEV;
	memset(&io, 0, sizeof(io));
	io.addr = addr;
	io.len = len;
	io.fd = fd;
	io.datamatch = data;
	if (pio)
		io.flags |= KVM_IOEVENTFD_FLAG_PIO;
	if (datamatch)
		io.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
	if (!assign)
		io.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
	if (ioctl(k->vm_fd, KVM_IOEVENTFD, &io) < 0)
		return -errno;
	return 0;
}
