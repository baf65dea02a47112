/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals shared by accel/kvm-cpu.c (vCPU creation and run loop) and
 * accel/kvm-state.c (vCPU and in-kernel device state in the machine state
 * stream, docs/migration-stream.md).
 */
#ifndef ACCEL_KVM_INT_H
#define ACCEL_KVM_INT_H

#include <stdbool.h>
#include <pthread.h>
#include <linux/kvm.h>

struct kvm_accel;

struct kvm_vcpu {
	struct kvm_accel *k;
	int index;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool thread_started;
	bool stopped; /* waits for a system reset (triple fault, error) */
	int tid;      /* host thread id, for query-cpus-fast */
	uint32_t signature; /* CPUID.1:EAX, EDX at reset */
	/* reset state */
	struct kvm_regs init_regs;
	struct kvm_sregs init_sregs;
	struct kvm_fpu init_fpu;
	struct kvm_lapic_state init_lapic;
};

/* Register the kvm-irqchip, kvm-clock and kvm-cpu stream sections (vCPUs created). */
void kvm_state_register(struct kvm_accel *k);

#endif
