/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator: the VM file descriptor, memslots kept in step with
 * the memory address space's RAM/ROM regions, the in-kernel PIC, IOAPIC,
 * LAPIC and PIT, interrupt injection, and one thread per vCPU.
 */
#ifndef ACCEL_KVM_H
#define ACCEL_KVM_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <glib.h>
#include <linux/kvm.h>

struct machine;
struct kvm_vcpu;
struct accel_ops;

#define KVM_MAX_SLOTS 512

struct kvm_accel {
	struct machine *m;
	int kvm_fd, vm_fd;
	int run_size;
	bool readonly_mem;
	uint8_t slot_used[KVM_MAX_SLOTS];
	int max_slots;
	struct kvm_cpuid2 *supported_cpuid;
	/* state captured after creation, restored on system reset */
	struct kvm_irqchip init_chip[3];
	struct kvm_pit_state2 init_pit;
	bool has_pit; /* false with -machine pit=off */
	/* vCPUs and the pause protocol (all under the machine lock) */
	struct kvm_vcpu **vcpus; /* in creation order; ->index is the APIC id */
	int nvcpus, max_vcpus;
	bool started;            /* kvm_vcpus_start ran: new vCPUs get a thread now */
	bool pause_req;
	bool quit;
	int nparked;
	GCond parked_cond;  /* a vCPU parked */
	GCond resume_cond;  /* pause_req cleared or quit */
	/* coalesced MMIO ring (accel/kvm-coalesce.c); NULL without one */
	struct kvm_coalesced_mmio_ring *coalesced_ring;
	bool flushing;
};

/* The hooks it registers on the machine (accel/kvm-ops.c). */
extern const struct accel_ops kvm_accel_ops;

/* Open /dev/kvm, create the VM and register kvm_accel_ops on m. */
int kvm_accel_init(struct machine *m, GError **err);
int kvm_vcpus_create(struct machine *m, GError **err);
void kvm_vcpus_start(struct machine *m);
/* accel_ops.cpu_hotplug: create vCPU index and start its thread. */
int kvm_cpu_hotplug(struct machine *m, int index, GError **err);
/* Lock held.  Returns when every vCPU is out of KVM_RUN and parked. */
void kvm_vcpus_pause(struct machine *m);
void kvm_vcpus_resume(struct machine *m);
/* Lock held, vCPUs paused: restore reset state of CPUs and irqchip. */
void kvm_reset(struct machine *m);
/* Stop and join the vCPU threads (lock NOT held). */
void kvm_vcpus_stop(struct machine *m);
void kvm_set_irq(struct kvm_accel *k, int gsi, int level);
int kvm_pit_hpet_legacy(struct kvm_accel *k, bool legacy);
/* Dirty bitmap (one bit per 4 KiB page) for a region with dirty_log; 0 or -errno. */
int kvm_get_dirty_log(struct kvm_accel *k, int slot, unsigned long *bitmap);

/* Coalesced MMIO (accel/kvm-coalesce.c); lock held for the flush. */
void kvm_coalesce_init(struct kvm_accel *k);
int kvm_coalesce_mmio(struct kvm_accel *k, uint64_t addr, uint64_t size);
void kvm_flush_coalesced(struct kvm_accel *k);

/* vCPU side (accel/kvm-cpu.c) */
int kvm_vcpu_create(struct kvm_accel *k, int index, GError **err);
void kvm_vcpu_reset(struct kvm_vcpu *cpu);
int kvm_cpuid_setup(struct kvm_accel *k, struct kvm_vcpu *cpu, GError **err);
void *kvm_vcpu_thread(void *arg);
void kvm_vcpu_kick(struct kvm_vcpu *cpu);
void kvm_vcpu_join(struct kvm_vcpu *cpu);
/* Registers in QEMU's layout (flags: accel/cpu-dump.h); vCPU out of KVM_RUN. */
int kvm_cpu_dump(struct kvm_vcpu *cpu, GString *out, unsigned flags);
/* Host thread id of vCPU index (the process id before it started). */
int kvm_vcpu_thread_id(struct machine *m, int index);

#endif
