// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86 CPU state dumps in the layout of QEMU 7.2's x86_cpu_dump_state, so
 * that what users and scripts read from "info registers" or from a KVM
 * emulation failure looks the same under kvmpc: 64-bit register lines
 * when CS is a long-mode code segment, else 32-bit; segment caches as
 * selector, base, limit and the descriptor flags (with the decoded type in
 * protected mode); GDT/IDT; control and debug registers; EFER; optionally
 * the x87/SSE registers and the Code= line (50 bytes around RIP, the byte
 * at RIP in <>, ?? where guest memory cannot be read).  Left out: QEMU's
 * CCOP line (TCG only) and the YMM/ZMM forms shown when a guest enabled AVX.
 */
#include <inttypes.h>
#include "accel/cpu-dump.h"

#define EFER_LMA (1u << 10)
#define CR0_PE 1u

#define CODE_BYTES 50
#define CODE_BACK 20

/* QEMU's segment-cache flags word from a KVM segment. */
static uint32_t seg_flags(const struct kvm_segment *s)
{
	return (uint32_t)s->type << 8 | (uint32_t)s->s << 12 | (uint32_t)s->dpl << 13 |
	       (uint32_t)(s->present && !s->unusable) << 15 | (uint32_t)s->avl << 20 |
	       (uint32_t)s->l << 21 | (uint32_t)s->db << 22 | (uint32_t)s->g << 23;
}

static const char *const sys_type[2][16] = {
	{ "Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate", "IntGate16",
	  "TrapGate16", "Reserved", "TSS32-avl", "Reserved", "TSS32-busy", "CallGate32",
	  "Reserved", "IntGate32", "TrapGate32" },
	{ "<hiword>", "Reserved", "LDT", "Reserved", "Reserved", "Reserved", "Reserved",
	  "Reserved", "Reserved", "TSS64-avl", "Reserved", "TSS64-busy", "CallGate64",
	  "Reserved", "IntGate64", "TrapGate64" },
};

static void dump_seg(GString *out, const struct x86_dump *d, const char *name,
		     const struct kvm_segment *s)
{
	bool lma = d->sregs.efer & EFER_LMA;
	uint32_t f = seg_flags(s);

	if (lma)
		g_string_append_printf(out, "%-3s=%04x %016" PRIx64 " %08x %08x", name, s->selector,
				       (uint64_t)s->base, s->limit, f & 0x00ffff00);
	else
		g_string_append_printf(out, "%-3s=%04x %08x %08x %08x", name, s->selector,
				       (uint32_t)s->base, s->limit, f & 0x00ffff00);
	if ((d->sregs.cr0 & CR0_PE) && (f & (1u << 15))) {
		g_string_append_printf(out, " DPL=%d ", s->dpl);
		if (!s->s) {
			g_string_append(out, sys_type[lma][s->type & 15]);
		} else if (s->type & 8) { /* code */
			g_string_append_printf(out, "%s [%c%c%c]",
					       s->l ? "CS64" : s->db ? "CS32" : "CS16",
					       s->type & 4 ? 'C' : '-', s->type & 2 ? 'R' : '-',
					       s->type & 1 ? 'A' : '-');
		} else {
			g_string_append_printf(out, "%s [%c%c%c]", s->db || lma ? "DS  " : "DS16",
					       s->type & 4 ? 'E' : '-', s->type & 2 ? 'W' : '-',
					       s->type & 1 ? 'A' : '-');
		}
	}
	g_string_append_c(out, '\n');
}

static void dump_gprs(GString *out, const struct x86_dump *d, bool cs64)
{
	const struct kvm_regs *r = &d->regs;
	uint64_t fl = r->rflags;
	char flags[8] = {
		fl & 0x400 ? 'D' : '-', fl & 0x800 ? 'O' : '-', fl & 0x80 ? 'S' : '-',
		fl & 0x40 ? 'Z' : '-', fl & 0x10 ? 'A' : '-', fl & 0x4 ? 'P' : '-',
		fl & 0x1 ? 'C' : '-', 0,
	};
	int cpl = d->sregs.ss.dpl & 3;

	if (cs64) {
		g_string_append_printf(out,
			"RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n"
			"RSI=%016llx RDI=%016llx RBP=%016llx RSP=%016llx\n"
			"R8 =%016llx R9 =%016llx R10=%016llx R11=%016llx\n"
			"R12=%016llx R13=%016llx R14=%016llx R15=%016llx\n"
			"RIP=%016llx RFL=%08x",
			r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp, r->rsp,
			r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
			r->rip, (uint32_t)fl);
	} else {
		g_string_append_printf(out,
			"EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n"
			"ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n"
			"EIP=%08x EFL=%08x",
			(uint32_t)r->rax, (uint32_t)r->rbx, (uint32_t)r->rcx, (uint32_t)r->rdx,
			(uint32_t)r->rsi, (uint32_t)r->rdi, (uint32_t)r->rbp, (uint32_t)r->rsp,
			(uint32_t)r->rip, (uint32_t)fl);
	}
	g_string_append_printf(out, " [%s] CPL=%d II=%d A20=1 SMM=0 HLT=%d\n", flags, cpl,
			       d->irq_shadow, d->halted);
}

static void dump_system(GString *out, const struct x86_dump *d)
{
	static const char *const names[6] = { "ES", "CS", "SS", "DS", "FS", "GS" };
	const struct kvm_sregs *s = &d->sregs;
	const struct kvm_segment *segs[6] = { &s->es, &s->cs, &s->ss, &s->ds, &s->fs, &s->gs };
	bool lma = s->efer & EFER_LMA;

	for (int i = 0; i < 6; i++)
		dump_seg(out, d, names[i], segs[i]);
	dump_seg(out, d, "LDT", &s->ldt);
	dump_seg(out, d, "TR", &s->tr);
	if (lma) {
		g_string_append_printf(out, "GDT=     %016llx %08x\n", s->gdt.base, s->gdt.limit);
		g_string_append_printf(out, "IDT=     %016llx %08x\n", s->idt.base, s->idt.limit);
		g_string_append_printf(out, "CR0=%08x CR2=%016llx CR3=%016llx CR4=%08x\n",
				       (uint32_t)s->cr0, s->cr2, s->cr3, (uint32_t)s->cr4);
	} else {
		g_string_append_printf(out, "GDT=     %08x %08x\n", (uint32_t)s->gdt.base,
				       s->gdt.limit);
		g_string_append_printf(out, "IDT=     %08x %08x\n", (uint32_t)s->idt.base,
				       s->idt.limit);
		g_string_append_printf(out, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n",
				       (uint32_t)s->cr0, (uint32_t)s->cr2, (uint32_t)s->cr3,
				       (uint32_t)s->cr4);
	}
	for (int i = 0; i < 4; i++)
		g_string_append_printf(out, "DR%d=%016" PRIx64 " ", i, d->dr[i]);
	g_string_append_printf(out, "\nDR6=%016" PRIx64 " DR7=%016" PRIx64 "\n", d->dr[6], d->dr[7]);
	g_string_append_printf(out, "EFER=%016llx\n", s->efer);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void dump_fpu(GString *out, const struct x86_dump *d, bool cs64)
{
	const struct kvm_fpu *f = &d->fpu;

	g_string_append_printf(out, "FCW=%04x FSW=%04x [ST=%d] FTW=%02x MXCSR=%08x\n", f->fcw,
			       f->fsw, (f->fsw >> 11) & 7, f->ftwx, f->mxcsr);
	for (int i = 0; i < 8; i++)
		g_string_append_printf(out, "FPR%d=%016" PRIx64 " %04x%c", i, le64(f->fpr[i]),
				       f->fpr[i][8] | f->fpr[i][9] << 8, i & 1 ? '\n' : ' ');
	for (int i = 0; i < (cs64 ? 16 : 8); i++)
		g_string_append_printf(out, "XMM%02d=%016" PRIx64 " %016" PRIx64 "%c", i,
				       le64(f->xmm[i] + 8), le64(f->xmm[i]), i & 1 ? '\n' : ' ');
}

static void dump_code(GString *out, const struct x86_dump *d)
{
	uint64_t rip = d->regs.rip;
	uint64_t offs = MIN(rip, CODE_BACK);
	uint64_t start = d->sregs.cs.base + rip - offs;

	g_string_append(out, "Code=");
	for (unsigned i = 0; i < CODE_BYTES; i++) {
		uint8_t b;
		bool ok = d->read_code && d->read_code(d->opaque, start + i, &b);
		char hex[3] = "??";

		if (ok)
			g_snprintf(hex, sizeof(hex), "%02x", b);
		g_string_append_printf(out, "%s%s%s%s", i ? " " : "", i == offs ? "<" : "", hex,
				       i == offs ? ">" : "");
	}
	g_string_append_c(out, '\n');
}

void x86_cpu_dump(GString *out, const struct x86_dump *d, unsigned flags)
{
	bool cs64 = (d->sregs.efer & EFER_LMA) && d->sregs.cs.l;

	dump_gprs(out, d, cs64);
	dump_system(out, d);
	if (flags & X86_DUMP_FPU)
		dump_fpu(out, d, cs64);
	if (flags & X86_DUMP_CODE)
		dump_code(out, d);
}

static void reset_seg(struct kvm_segment *s, uint16_t sel, uint64_t base, uint8_t type,
		      bool s_bit)
{
	*s = (struct kvm_segment){ .selector = sel, .base = base, .limit = 0xffff, .type = type,
				   .s = s_bit, .present = 1 };
}

void x86_cpu_reset_state(struct x86_dump *d)
{
	struct kvm_sregs *s = &d->sregs;

	*d = (struct x86_dump){ 0 };
	d->regs.rip = 0xfff0;
	d->regs.rflags = 2;
	d->regs.rdx = 0x60fb1; /* CPUID.1:EAX of QEMU 7.2's default qemu64 model */
	reset_seg(&s->cs, 0xf000, 0xffff0000, 11, true);
	reset_seg(&s->ds, 0, 0, 3, true);
	s->es = s->ss = s->fs = s->gs = s->ds;
	reset_seg(&s->ldt, 0, 0, 2, false);
	reset_seg(&s->tr, 0, 0, 11, false);
	s->gdt.limit = s->idt.limit = 0xffff;
	s->cr0 = 0x60000010;
	d->dr[6] = 0xffff0ff0;
	d->dr[7] = 0x400;
	d->fpu.fcw = 0x37f;
	d->fpu.mxcsr = 0x1f80;
}
