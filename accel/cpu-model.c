// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CPUID for each vCPU: starting from KVM_GET_SUPPORTED_CPUID, apply the
 * model's feature mask and the user's +feat/-feat, then fill in the APIC id
 * and topology (leaf 1 EBX, leaf 4, leaf 0xB) and the hypervisor bit.
 * Feature bit positions are from the Intel SDM Vol. 2A and AMD's APM Vol. 3,
 * CPUID.  A +feat that KVM cannot give the guest is dropped with QEMU's
 * warning, as QEMU does without "enforce".  Only a commonly used subset of
 * QEMU's feature names is understood (no KVM paravirtual leaves, no
 * level=, vendor=, model-id= or pmu= properties); others are refused.
 */
#include <errno.h>
#include <string.h>
#include "core/log.h"
#include "accel/cpu-model.h"
#include "core/machine.h"

enum reg { EAX, EBX, ECX, EDX };

struct feat {
	const char *name;
	uint32_t leaf;
	enum reg reg;
	int bit;
};

static const struct feat feats[] = {
	/* the first name of a bit is QEMU's, used in the warning */
	{ "fpu", 1, EDX, 0 }, { "vme", 1, EDX, 1 }, { "de", 1, EDX, 2 },
	{ "pse", 1, EDX, 3 }, { "tsc", 1, EDX, 4 }, { "msr", 1, EDX, 5 },
	{ "pae", 1, EDX, 6 }, { "mce", 1, EDX, 7 }, { "cx8", 1, EDX, 8 },
	{ "apic", 1, EDX, 9 }, { "sep", 1, EDX, 11 }, { "mtrr", 1, EDX, 12 },
	{ "pge", 1, EDX, 13 }, { "mca", 1, EDX, 14 }, { "cmov", 1, EDX, 15 },
	{ "pat", 1, EDX, 16 }, { "pse36", 1, EDX, 17 }, { "clflush", 1, EDX, 19 },
	{ "mmx", 1, EDX, 23 }, { "fxsr", 1, EDX, 24 }, { "sse", 1, EDX, 25 },
	{ "sse2", 1, EDX, 26 }, { "ss", 1, EDX, 27 }, { "ht", 1, EDX, 28 },
	{ "pni", 1, ECX, 0 }, { "sse3", 1, ECX, 0 }, { "pclmulqdq", 1, ECX, 1 },
	{ "monitor", 1, ECX, 3 }, { "vmx", 1, ECX, 5 }, { "smx", 1, ECX, 6 },
	{ "est", 1, ECX, 7 }, { "tm2", 1, ECX, 8 }, { "ssse3", 1, ECX, 9 },
	{ "fma", 1, ECX, 12 }, { "xtpr", 1, ECX, 14 }, { "pdcm", 1, ECX, 15 },
	{ "cx16", 1, ECX, 13 }, { "pcid", 1, ECX, 17 }, { "sse4.1", 1, ECX, 19 },
	{ "sse4.2", 1, ECX, 20 }, { "x2apic", 1, ECX, 21 }, { "movbe", 1, ECX, 22 },
	{ "popcnt", 1, ECX, 23 }, { "tsc-deadline", 1, ECX, 24 }, { "aes", 1, ECX, 25 },
	{ "xsave", 1, ECX, 26 }, { "avx", 1, ECX, 28 }, { "f16c", 1, ECX, 29 },
	{ "rdrand", 1, ECX, 30 }, { "hypervisor", 1, ECX, 31 },
	{ "fsgsbase", 7, EBX, 0 }, { "bmi1", 7, EBX, 3 }, { "avx2", 7, EBX, 5 },
	{ "smep", 7, EBX, 7 }, { "bmi2", 7, EBX, 8 }, { "erms", 7, EBX, 9 },
	{ "invpcid", 7, EBX, 10 }, { "avx512f", 7, EBX, 16 }, { "rdseed", 7, EBX, 18 },
	{ "adx", 7, EBX, 19 }, { "smap", 7, EBX, 20 }, { "sha-ni", 7, EBX, 29 },
	{ "hle", 7, EBX, 4 }, { "rtm", 7, EBX, 11 }, { "avx512dq", 7, EBX, 17 },
	{ "clflushopt", 7, EBX, 23 }, { "clwb", 7, EBX, 24 }, { "avx512cd", 7, EBX, 28 },
	{ "avx512bw", 7, EBX, 30 }, { "avx512vl", 7, EBX, 31 },
	{ "umip", 7, ECX, 2 }, { "pku", 7, ECX, 3 }, { "rdpid", 7, ECX, 22 },
	{ "md-clear", 7, EDX, 10 }, { "spec-ctrl", 7, EDX, 26 },
	{ "arch-capabilities", 7, EDX, 29 }, { "ssbd", 7, EDX, 31 },
	{ "syscall", 0x80000001, EDX, 11 }, { "nx", 0x80000001, EDX, 20 },
	{ "pdpe1gb", 0x80000001, EDX, 26 }, { "rdtscp", 0x80000001, EDX, 27 },
	{ "lm", 0x80000001, EDX, 29 }, { "lahf-lm", 0x80000001, ECX, 0 },
	{ "svm", 0x80000001, ECX, 2 }, { "abm", 0x80000001, ECX, 5 },
	{ "sse4a", 0x80000001, ECX, 6 }, { "3dnowprefetch", 0x80000001, ECX, 8 },
	{ "cmp-legacy", 0x80000001, ECX, 1 }, { "misalignsse", 0x80000001, ECX, 7 },
	{ "xop", 0x80000001, ECX, 11 }, { "fma4", 0x80000001, ECX, 16 },
	{ "tbm", 0x80000001, ECX, 21 }, { "topoext", 0x80000001, ECX, 22 },
	{ "mmxext", 0x80000001, EDX, 22 }, { "fxsr-opt", 0x80000001, EDX, 25 },
	{ "3dnowext", 0x80000001, EDX, 30 }, { "3dnow", 0x80000001, EDX, 31 },
};

static const struct feat *feat_find(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(feats); i++)
		if (!strcmp(feats[i].name, name))
			return &feats[i];
	return NULL;
}

const char *const cpu_model_names[] = { "host", "max", "qemu64", "kvm64", NULL };

int cpu_model_parse(struct machine_config *cfg, const char *arg, GError **err)
{
	gchar **parts = g_strsplit(arg, ",", -1);
	int ret = 0;

	if (!g_strv_contains(cpu_model_names, parts[0])) {
		error_setg(err, "unable to find CPU model '%s' (try host, max, qemu64)", parts[0]);
		ret = -EINVAL;
		goto out;
	}
	g_free(cfg->cpu_model);
	cfg->cpu_model = g_strdup(parts[0]);
	for (int i = 1; parts[i]; i++) {
		char *f = parts[i], sign = '+';
		char *eq = strchr(f, '=');
		if (*f == '+' || *f == '-')
			sign = *f++;
		if (eq) {
			*eq = 0;
			sign = !strcmp(eq + 1, "on") ? '+' : !strcmp(eq + 1, "off") ? '-' : 0;
		}
		if (!*f || !feat_find(f)) { /* QEMU's words: a property of the CPU object */
			error_setg(err, "Property '%s-x86_64-cpu.%s' not found", parts[0], f);
			ret = -EINVAL;
			goto out;
		}
		if (!sign) {
			error_setg(err, "Parameter '%s' expects 'on' or 'off'", f);
			ret = -EINVAL;
			goto out;
		}
		g_ptr_array_add(cfg->cpu_feats, g_strdup_printf("%c%s", sign, f));
	}
out:
	g_strfreev(parts);
	return ret;
}

static struct kvm_cpuid_entry2 *leaf(struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn &&
		    (!(c->entries[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		     c->entries[i].index == idx))
			return &c->entries[i];
	return NULL;
}

static uint32_t *reg_of(struct kvm_cpuid_entry2 *e, enum reg r)
{
	switch (r) {
	case EAX: return &e->eax;
	case EBX: return &e->ebx;
	case ECX: return &e->ecx;
	default: return &e->edx;
	}
}

static void set_feat(struct kvm_cpuid2 *c, const struct feat *f, bool on)
{
	struct kvm_cpuid_entry2 *e = leaf(c, f->leaf, 0);

	if (!e)
		return;
	if (on)
		*reg_of(e, f->reg) |= 1u << f->bit;
	else
		*reg_of(e, f->reg) &= ~(1u << f->bit);
}

/* QEMU's qemu64 baseline (under KVM): what an old 64-bit guest can rely on. */
static const char *const qemu64_feats[] = {
	"fpu", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "sep",
	"mtrr", "pge", "mca", "cmov", "pat", "pse36", "clflush", "mmx", "fxsr",
	"sse", "sse2", "pni", "cx16", "hypervisor", "x2apic", "syscall", "nx",
	"lm", "lahf-lm",
};

static void apply_qemu64(struct kvm_cpuid2 *c)
{
	struct kvm_cpuid_entry2 *e1 = leaf(c, 1, 0), *e7 = leaf(c, 7, 0);
	struct kvm_cpuid_entry2 *ex = leaf(c, 0x80000001, 0);
	uint32_t m1c = 0, m1d = 0, mxc = 0, mxd = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(qemu64_feats); i++) {
		const struct feat *f = feat_find(qemu64_feats[i]);
		uint32_t bit = 1u << f->bit;
		if (f->leaf == 1)
			*(f->reg == ECX ? &m1c : &m1d) |= bit;
		else
			*(f->reg == ECX ? &mxc : &mxd) |= bit;
	}
	if (e1) {
		e1->ecx &= m1c;
		e1->edx &= m1d;
	}
	if (ex) {
		ex->ecx &= mxc;
		ex->edx &= mxd;
	}
	if (e7)
		e7->ebx = e7->ecx = e7->edx = 0;
}

static void apply_topology(struct kvm_cpuid2 *c, const struct machine_config *cfg, int index)
{
	struct kvm_cpuid_entry2 *e;
	unsigned threads = cfg->threads ? cfg->threads : 1;
	unsigned per_pkg = threads * (cfg->cores ? cfg->cores : 1);

	e = leaf(c, 1, 0);
	if (e) {
		e->ebx = (e->ebx & 0x0000ffff) | ((uint32_t)index << 24) |
			 (MIN(per_pkg, 255u) << 16);
		e->ecx |= 1u << 31; /* hypervisor */
		if (per_pkg > 1)
			e->edx |= 1u << 28;
		else
			e->edx &= ~(1u << 28);
	}
	for (uint32_t i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		if (e->function == 0xb || e->function == 0x1f) {
			e->edx = index;
			if (e->index == 0) {
				e->eax = g_bit_storage(threads - 1);
				e->ebx = threads;
				e->ecx = 0x100;
			} else if (e->index == 1) {
				e->eax = g_bit_storage(per_pkg - 1);
				e->ebx = per_pkg;
				e->ecx = 0x201;
			} else {
				e->eax = e->ebx = 0;
				e->ecx = e->index;
			}
		} else if (e->function == 4 && (e->eax & 0x1f)) {
			e->eax = (e->eax & 0x3ff) | ((MIN(per_pkg, 64u) - 1) << 26) |
				 ((threads - 1) << 14);
		}
	}
}

/* QEMU's name for the bit (the first in the table) */
static const struct feat *feat_canonical(const struct feat *f)
{
	for (size_t i = 0; i < G_N_ELEMENTS(feats); i++)
		if (feats[i].leaf == f->leaf && feats[i].reg == f->reg && feats[i].bit == f->bit)
			return &feats[i];
	return f;
}

/*
 * Can KVM give the guest this bit (c is KVM_GET_SUPPORTED_CPUID)?  The
 * hypervisor, x2APIC and TSC-deadline bits come from the in-kernel LAPIC,
 * HT from the topology kvmpc sets: QEMU counts them as supported too.
 */
static bool feat_supported(struct kvm_cpuid2 *c, const struct feat *f)
{
	struct kvm_cpuid_entry2 *e = leaf(c, f->leaf, 0);

	if (f->leaf == 1 && ((f->reg == ECX && (f->bit == 31 || f->bit == 21 || f->bit == 24)) ||
			     (f->reg == EDX && f->bit == 28)))
		return true;
	return e && (*reg_of(e, f->reg) & (1u << f->bit));
}

static void feat_warn_unsupported(const struct feat *f)
{
	static const char *const regs[] = { "EAX", "EBX", "ECX", "EDX" };

	warn_report("host doesn't support requested feature: CPUID.%02XH:%s.%s [bit %d]",
		    f->leaf, regs[f->reg], f->name, f->bit);
}

static bool model_is_qemu64(const struct machine_config *cfg)
{
	return cfg->cpu_model &&
	       (!strcmp(cfg->cpu_model, "qemu64") || !strcmp(cfg->cpu_model, "kvm64"));
}

/*
 * QEMU's warning for every feature asked for (the qemu64 baseline, then
 * +feat/-feat, the last word winning) that c, still KVM_GET_SUPPORTED_CPUID,
 * lacks: in QEMU's order of feature words, then by bit.
 */
static void warn_unsupported(struct kvm_cpuid2 *c, const struct machine_config *cfg)
{
	static const struct { uint32_t leaf; enum reg reg; } words[] = {
		{ 1, EDX }, { 1, ECX }, { 7, EBX }, { 7, ECX }, { 7, EDX },
		{ 0x80000001, EDX }, { 0x80000001, ECX },
	};
	bool want[G_N_ELEMENTS(feats)] = { false };

	for (size_t i = 0; model_is_qemu64(cfg) && i < G_N_ELEMENTS(qemu64_feats); i++)
		want[feat_canonical(feat_find(qemu64_feats[i])) - feats] = true;
	for (unsigned i = 0; cfg->cpu_feats && i < cfg->cpu_feats->len; i++) {
		const char *f = g_ptr_array_index(cfg->cpu_feats, i);
		want[feat_canonical(feat_find(f + 1)) - feats] = f[0] == '+';
	}
	for (size_t w = 0; w < G_N_ELEMENTS(words); w++)
		for (int bit = 0; bit < 32; bit++)
			for (size_t i = 0; i < G_N_ELEMENTS(feats); i++)
				if (want[i] && feats[i].leaf == words[w].leaf &&
				    feats[i].reg == words[w].reg && feats[i].bit == bit &&
				    !feat_supported(c, &feats[i]))
					feat_warn_unsupported(&feats[i]);
}

int cpu_model_apply(struct kvm_cpuid2 *c, const struct machine_config *cfg, int index,
		    GError **err)
{
	unsigned n = cfg->cpu_feats ? cfg->cpu_feats->len : 0;
	g_autofree bool *unsupported = g_new0(bool, n ? n : 1);

	if (index == 0)
		warn_unsupported(c, cfg);
	/* c is still what KVM supports: judge each +feat before the model masks it */
	for (unsigned i = 0; i < n; i++) {
		const char *f = g_ptr_array_index(cfg->cpu_feats, i);
		unsupported[i] = f[0] == '+' && !feat_supported(c, feat_find(f + 1));
	}
	if (model_is_qemu64(cfg))
		apply_qemu64(c);
	for (unsigned i = 0; i < n; i++) {
		const char *f = g_ptr_array_index(cfg->cpu_feats, i);
		if (!unsupported[i])
			set_feat(c, feat_find(f + 1), f[0] == '+');
	}
	apply_topology(c, cfg, index);
	return 0;
}

bool cpu_model_feature_known(const char *name)
{
	return feat_find(name) != NULL;
}

/*
 * Every feature name of the table with whether model has it: host and max
 * take what KVM supports (supported, NULL without KVM: then they are
 * refused, as QEMU refuses "host" without KVM), qemu64/kvm64 their baseline.
 */
int cpu_model_expand(const struct kvm_cpuid2 *supported, const char *model,
		     void (*emit)(void *opaque, const char *name, bool on), void *opaque,
		     GError **err)
{
	bool base = !strcmp(model, "qemu64") || !strcmp(model, "kvm64");

	if (!g_strv_contains(cpu_model_names, model)) {
		error_setg(err, "CPU model '%s' not found", model);
		return -ENOENT;
	}
	if (!base && !supported) {
		error_setg(err, "CPU model '%s' requires KVM", model);
		return -ENOTSUP;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(feats); i++) {
		const struct feat *f = &feats[i];
		bool on = false;

		if (base) {
			for (size_t j = 0; j < G_N_ELEMENTS(qemu64_feats) && !on; j++)
				on = feat_canonical(feat_find(qemu64_feats[j])) == feat_canonical(f);
		} else if (!(f->leaf == 1 && f->reg == EDX && f->bit == 28)) {
			/* HT is the topology's, not the model's (QEMU: off) */
			on = feat_supported((struct kvm_cpuid2 *)supported, f);
		}
		emit(opaque, f->name, on);
	}
	return 0;
}
