/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI delivery and ioeventfds on the KVM VM (devices reach them through
 * machine_signal_msi / machine_ioeventfd, accel/kvm-ops.c): raise a
 * message-signalled interrupt with KVM_SIGNAL_MSI, and (de)register an
 * eventfd that KVM signals on a guest write to an MMIO or port address.
 */
#ifndef ACCEL_KVM_MSI_H
#define ACCEL_KVM_MSI_H

#include <stdbool.h>
#include <stdint.h>

struct kvm_accel;

/* 0 when delivered (or blocked by the guest's APIC state), -errno on failure. */
int kvm_signal_msi(struct kvm_accel *k, uint64_t addr, uint32_t data);

/*
 * Make KVM signal fd on a write of len bytes (1, 2, 4 or 8) at addr in the
 * port (pio) or memory space; with datamatch only when the value equals
 * data.  assign=false removes the same registration.  0 or -errno.
 */
int kvm_ioeventfd(struct kvm_accel *k, int fd, uint64_t addr, unsigned len, bool pio,
		  bool datamatch, uint64_t data, bool assign);

#endif
