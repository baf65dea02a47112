/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An x86 CPU's state as text in QEMU 7.2's layout (HMP "info registers",
 * the dump on a KVM emulation failure), from the KVM register structures.
 */
#ifndef ACCEL_CPU_DUMP_H
#define ACCEL_CPU_DUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <linux/kvm.h>

struct x86_dump {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	uint64_t dr[8];         /* DR0-3, DR6 (index 6) and DR7 (index 7) */
	bool halted;            /* HLT= */
	bool irq_shadow;        /* II= (after STI or MOV SS) */
	/* Code=: one byte at a linear address, false when it cannot be read */
	bool (*read_code)(void *opaque, uint64_t linear, uint8_t *byte);
	void *opaque;
};

#define X86_DUMP_FPU 1  /* FCW, FPR, XMM lines (info registers) */
#define X86_DUMP_CODE 2 /* the Code= line (emulation failure) */

void x86_cpu_dump(GString *out, const struct x86_dump *d, unsigned flags);
/* The architectural power-on state (what a never-run vCPU shows). */
void x86_cpu_reset_state(struct x86_dump *d);

#endif
