// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KVM state in the machine state stream (docs/migration-stream.md): three
 * machine sections registered with core/savevm.c.
 *  - "kvm-cpu": per vCPU its CPUID (compared, never loaded: the loading
 *    kvmpc must offer the same CPU), general, segment and control
 *    registers, FPU/SSE/AVX (XSAVE, or the legacy FPU area without it),
 *    XCRs, local APIC, MP state, pending events (exception, interrupt,
 *    NMI, SMI), debug registers and the MSRs of kvm_state_msrs[] that the
 *    host supports (TSC, TSC deadline, SYSENTER/STAR/LSTAR/..., PAT, KVM
 *    clock and paravirtual MSRs, MTRRs).
 *  - "kvm-irqchip": the in-kernel PIC pair and IOAPIC, and the PIT.
 *  - "kvm-clock": the KVM clock.
 * The structures are KVM's own (linux/kvm.h, x86-64), each framed as a
 * u32 tag, u32 length; the loader wants exactly the tags and lengths this
 * host produces.  Before saving, every vCPU runs KVM_RUN with
 * immediate_exit so a port read it stopped on completes into its
 * registers.  Left out: nested state, SMM, the PMU, CPUID mismatch in
 * detail (any difference refuses the stream).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include "accel/kvm.h"
#include "accel/kvm-int.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/savevm.h"

enum kst_tag {
	KST_CPUID = 1, KST_REGS, KST_SREGS, KST_XSAVE, KST_FPU, KST_XCRS, KST_LAPIC,
	KST_MP, KST_EVENTS, KST_DEBUG, KST_MSRS, KST_PIC0, KST_PIC1, KST_IOAPIC,
	KST_PIT, KST_CLOCK,
};

#define KST_MAX_MSRS 64

static const uint32_t kvm_state_msrs[] = {
	0x10,                                   /* TSC */
	0x174, 0x175, 0x176,                    /* SYSENTER CS/ESP/EIP */
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR LSTAR CSTAR FMASK */
	0xc0000102, 0xc0000103,                 /* KERNEL_GS_BASE, TSC_AUX */
	0x277, 0x1a0,                           /* PAT, MISC_ENABLE */
	0x4b564d00, 0x4b564d01, 0x4b564d02, 0x4b564d03, 0x4b564d04, /* KVM pv */
	0x11, 0x12,                             /* old kvmclock */
	0x2ff, 0x250, 0x258, 0x259,             /* MTRR def, fixed */
	0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f,
	0x200, 0x201, 0x202, 0x203, 0x204, 0x205, 0x206, 0x207, /* MTRR var */
	0x6e0,                                  /* TSC deadline: after the LAPIC */
};

struct kst_msrs {
	struct kvm_msrs hdr;
	struct kvm_msr_entry e[KST_MAX_MSRS];
};

static bool kst_cap(struct kvm_accel *k, long cap)
{
	return ioctl(k->vm_fd, KVM_CHECK_EXTENSION, cap) > 0;
}

/* ---- framing ------------------------------------------------------------ */

static void put_blob(GByteArray *out, uint32_t tag, const void *p, uint32_t len)
{
	uint32_t h[2] = { GUINT32_TO_LE(tag), GUINT32_TO_LE(len) };

	g_byte_array_append(out, (const guint8 *)h, 8);
	g_byte_array_append(out, p, len);
}

/* Next blob at *pos must be tag with length len; returns it or NULL. */
static const uint8_t *get_blob(const uint8_t *buf, size_t n, size_t *pos, uint32_t tag,
			       uint32_t len, GError **err)
{
	uint32_t h[2];

	if (n - *pos < 8) {
		error_setg(err, "KVM state: truncated before item %u", tag);
		return NULL;
	}
	memcpy(h, buf + *pos, 8);
	if (GUINT32_FROM_LE(h[0]) != tag || GUINT32_FROM_LE(h[1]) != len ||
	    n - *pos - 8 < len) {
		error_setg(err, "KVM state: item %u has the wrong tag or length", tag);
		return NULL;
	}
	*pos += 8 + len;
	return buf + *pos - len;
}

/* ---- per vCPU ----------------------------------------------------------- */

/* The MSRs of the list this host can read, in list order. */
static unsigned kst_msr_list(struct kvm_accel *k, int fd, struct kst_msrs *m)
{
	unsigned n = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(kvm_state_msrs); i++) {
		struct kst_msrs one = { .hdr.nmsrs = 1 };

		one.e[0].index = kvm_state_msrs[i];
		if (ioctl(fd, KVM_GET_MSRS, &one) == 1)
			m->e[n++] = one.e[0];
	}
	m->hdr.nmsrs = n;
	return n;
}

/* The vCPU's CPUID table as a KST_CPUID blob. */
static int kst_cpuid(struct kvm_vcpu *cpu, GByteArray *out)
{
	unsigned max = 256;
	struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) + max * sizeof(c->entries[0]));
	int ret;

	c->nent = max;
	ret = ioctl(cpu->fd, KVM_GET_CPUID2, c);
	if (ret == 0)
		put_blob(out, KST_CPUID, c->entries, c->nent * sizeof(c->entries[0]));
	g_free(c);
	return ret < 0 ? -errno : 0;
}

/* Finish a port read the vCPU stopped on, so its registers are whole. */
static void kst_settle(struct kvm_vcpu *cpu)
{
	if (!kst_cap(cpu->k, KVM_CAP_IMMEDIATE_EXIT))
		return;
	cpu->run->immediate_exit = 1;
	ioctl(cpu->fd, KVM_RUN, 0);
	cpu->run->immediate_exit = 0;
}

#define GET(fd, req, var, tag)                                            \
	do {                                                               \
		if (ioctl(fd, req, &(var)) < 0)                            \
			goto fail;                                         \
		put_blob(out, tag, &(var), sizeof(var));                   \
	} while (0)

static int kst_save_vcpu(struct kvm_vcpu *cpu, GByteArray *out, GError **err)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_xsave *xs = g_new0(struct kvm_xsave, 1);
	struct kvm_fpu fpu;
	struct kvm_xcrs xcrs;
	struct kvm_lapic_state lapic;
	struct kvm_mp_state mp;
	struct kvm_vcpu_events ev;
	struct kvm_debugregs dbg;
	struct kst_msrs msrs;
	unsigned n;

	kst_settle(cpu);
	if (kst_cpuid(cpu, out) < 0)
		goto fail;
	GET(cpu->fd, KVM_GET_REGS, regs, KST_REGS);
	GET(cpu->fd, KVM_GET_SREGS, sregs, KST_SREGS);
	if (kst_cap(cpu->k, KVM_CAP_XSAVE))
		GET(cpu->fd, KVM_GET_XSAVE, *xs, KST_XSAVE);
	else
		GET(cpu->fd, KVM_GET_FPU, fpu, KST_FPU);
	if (kst_cap(cpu->k, KVM_CAP_XCRS))
		GET(cpu->fd, KVM_GET_XCRS, xcrs, KST_XCRS);
	GET(cpu->fd, KVM_GET_LAPIC, lapic, KST_LAPIC);
	GET(cpu->fd, KVM_GET_MP_STATE, mp, KST_MP);
	GET(cpu->fd, KVM_GET_VCPU_EVENTS, ev, KST_EVENTS);
	GET(cpu->fd, KVM_GET_DEBUGREGS, dbg, KST_DEBUG);
	n = kst_msr_list(cpu->k, cpu->fd, &msrs);
	put_blob(out, KST_MSRS, &msrs, sizeof(msrs.hdr) + n * sizeof(msrs.e[0]));
	g_free(xs);
	return 0;
fail:
	error_setg(err, "migration: reading vCPU %d state: %s", cpu->index, g_strerror(errno));
	g_free(xs);
	return -EIO;
}

#define SET(fd, req, tag, type)                                                  \
	do {                                                                      \
		const uint8_t *p_ = get_blob(buf, n, &pos, tag, sizeof(type), err); \
		type v_;                                                          \
		if (!p_)                                                          \
			return -EINVAL;                                           \
		memcpy(&v_, p_, sizeof(v_));                                      \
		if (apply && ioctl(fd, req, &v_) < 0)                             \
			goto fail;                                                \
	} while (0)

/* Check (apply false) or load one vCPU's blobs at *at. */
static int kst_load_vcpu(struct kvm_vcpu *cpu, const uint8_t *buf, size_t n, size_t *at,
			 bool apply, GError **err)
{
	struct kst_msrs msrs, mine;
	GByteArray *cpuid = g_byte_array_new();
	const uint8_t *p;
	size_t pos = *at, csize;
	unsigned cnt = kst_msr_list(cpu->k, cpu->fd, &mine);
	bool same;

	if (kst_cpuid(cpu, cpuid) < 0) {
		g_byte_array_free(cpuid, TRUE);
		goto fail;
	}
	csize = cpuid->len - 8;
	p = get_blob(buf, n, &pos, KST_CPUID, csize, err);
	same = p && !memcmp(p, cpuid->data + 8, csize);
	g_byte_array_free(cpuid, TRUE);
	if (!p)
		return -EINVAL;
	if (!same) {
		error_setg(err, "the stream's vCPU %d has other CPUID values than this host "
			   "offers (CPU model or host differ)", cpu->index);
		return -EINVAL;
	}
	SET(cpu->fd, KVM_SET_REGS, KST_REGS, struct kvm_regs);
	SET(cpu->fd, KVM_SET_SREGS, KST_SREGS, struct kvm_sregs);
	if (kst_cap(cpu->k, KVM_CAP_XSAVE))
		SET(cpu->fd, KVM_SET_XSAVE, KST_XSAVE, struct kvm_xsave);
	else
		SET(cpu->fd, KVM_SET_FPU, KST_FPU, struct kvm_fpu);
	if (kst_cap(cpu->k, KVM_CAP_XCRS))
		SET(cpu->fd, KVM_SET_XCRS, KST_XCRS, struct kvm_xcrs);
	SET(cpu->fd, KVM_SET_LAPIC, KST_LAPIC, struct kvm_lapic_state);
	SET(cpu->fd, KVM_SET_MP_STATE, KST_MP, struct kvm_mp_state);
	SET(cpu->fd, KVM_SET_VCPU_EVENTS, KST_EVENTS, struct kvm_vcpu_events);
	SET(cpu->fd, KVM_SET_DEBUGREGS, KST_DEBUG, struct kvm_debugregs);
	p = get_blob(buf, n, &pos, KST_MSRS, sizeof(msrs.hdr) + cnt * sizeof(msrs.e[0]), err);
	if (!p)
		return -EINVAL;
	memcpy(&msrs, p, sizeof(msrs.hdr) + cnt * sizeof(msrs.e[0]));
	for (unsigned i = 0; i <= cnt; i++) {
		if (msrs.hdr.nmsrs != cnt || (i < cnt && msrs.e[i].index != mine.e[i].index)) {
			error_setg(err, "KVM state: vCPU %d has another MSR list", cpu->index);
			return -EINVAL;
		}
	}
	if (apply && ioctl(cpu->fd, KVM_SET_MSRS, &msrs) != (int)cnt) {
		error_setg(err, "vCPU %d: KVM refused an MSR value", cpu->index);
		return -EINVAL;
	}
	*at = pos;
	return 0;
fail:
	error_setg(err, "vCPU %d: KVM refused the state: %s", cpu->index, g_strerror(errno));
	return -EINVAL;
}

/* ---- the sections ------------------------------------------------------- */

static int kst_cpu_save(void *opaque, GByteArray *out, GError **err)
{
	struct kvm_accel *k = opaque;

	for (int i = 0; i < k->nvcpus; i++)
		if (kst_save_vcpu(k->vcpus[i], out, err) < 0)
			return -EIO;
	return 0;
}

static int kst_cpu_walk(struct kvm_accel *k, const uint8_t *buf, size_t len, bool apply,
			GError **err)
{
	size_t pos = 0;

	for (int i = 0; i < k->nvcpus; i++)
		if (kst_load_vcpu(k->vcpus[i], buf, len, &pos, apply, err) < 0)
			return -EINVAL;
	if (pos != len) {
		error_setg(err, "KVM state: %zu bytes after the last vCPU", len - pos);
		return -EINVAL;
	}
	return 0;
}

static int kst_cpu_check(void *opaque, const uint8_t *buf, size_t len, uint32_t version,
			 GError **err)
{
	return kst_cpu_walk(opaque, buf, len, false, err);
}

static int kst_cpu_load(void *opaque, const uint8_t *buf, size_t len, uint32_t version,
			GError **err)
{
	return kst_cpu_walk(opaque, buf, len, true, err);
}

static int kst_chip_save(void *opaque, GByteArray *out, GError **err)
{
	struct kvm_accel *k = opaque;
	struct kvm_pit_state2 pit;

	for (int i = 0; i < 3; i++) {
		struct kvm_irqchip c = { .chip_id = i };
		if (ioctl(k->vm_fd, KVM_GET_IRQCHIP, &c) < 0)
			goto fail;
		put_blob(out, KST_PIC0 + i, &c, sizeof(c));
	}
	if (!k->has_pit)
		return 0;
	if (ioctl(k->vm_fd, KVM_GET_PIT2, &pit) < 0)
		goto fail;
	put_blob(out, KST_PIT, &pit, sizeof(pit));
	return 0;
fail:
	error_setg(err, "migration: reading the in-kernel irqchip/PIT: %s", g_strerror(errno));
	return -EIO;
}

static int kst_chip_walk(struct kvm_accel *k, const uint8_t *buf, size_t n, bool apply,
			 GError **err)
{
	size_t pos = 0;

	for (int i = 0; i < 3; i++) {
		const uint8_t *p = get_blob(buf, n, &pos, KST_PIC0 + i, sizeof(struct kvm_irqchip),
					    err);
		struct kvm_irqchip c;
		if (!p)
			return -EINVAL;
		memcpy(&c, p, sizeof(c));
		if (c.chip_id != (uint32_t)i) {
			error_setg(err, "KVM state: irqchip %d has id %u", i, c.chip_id);
			return -EINVAL;
		}
		if (apply && ioctl(k->vm_fd, KVM_SET_IRQCHIP, &c) < 0)
			goto fail;
	}
	if (k->has_pit)
		SET(k->vm_fd, KVM_SET_PIT2, KST_PIT, struct kvm_pit_state2);
	if (pos != n) {
		error_setg(err, "KVM state: trailing bytes after the PIT");
		return -EINVAL;
	}
	return 0;
fail:
	error_setg(err, "KVM refused the irqchip/PIT state: %s", g_strerror(errno));
	return -EINVAL;
}

static int kst_chip_check(void *opaque, const uint8_t *buf, size_t len, uint32_t version,
			  GError **err)
{
	return kst_chip_walk(opaque, buf, len, false, err);
}

static int kst_chip_load(void *opaque, const uint8_t *buf, size_t len, uint32_t version,
			 GError **err)
{
	return kst_chip_walk(opaque, buf, len, true, err);
}

static int kst_clock_save(void *opaque, GByteArray *out, GError **err)
{
	struct kvm_accel *k = opaque;
	struct kvm_clock_data c = { 0 };

	if (ioctl(k->vm_fd, KVM_GET_CLOCK, &c) < 0) {
		error_setg(err, "migration: KVM_GET_CLOCK: %s", g_strerror(errno));
		return -EIO;
	}
	put_blob(out, KST_CLOCK, &c.clock, sizeof(c.clock));
	return 0;
}

static int kst_clock_walk(struct kvm_accel *k, const uint8_t *buf, size_t n, bool apply,
			  GError **err)
{
	size_t pos = 0;
	const uint8_t *p = get_blob(buf, n, &pos, KST_CLOCK, 8, err);
	struct kvm_clock_data c = { 0 };

	if (!p || pos != n) {
		if (p)
			error_setg(err, "KVM state: trailing bytes after the clock");
		return -EINVAL;
	}
	memcpy(&c.clock, p, 8);
	if (apply && ioctl(k->vm_fd, KVM_SET_CLOCK, &c) < 0) {
		error_setg(err, "KVM refused the clock: %s", g_strerror(errno));
		return -EINVAL;
	}
	return 0;
}

static int kst_clock_check(void *opaque, const uint8_t *buf, size_t len, uint32_t version,
			   GError **err)
{
	return kst_clock_walk(opaque, buf, len, false, err);
}

static int kst_clock_load(void *opaque, const uint8_t *buf, size_t len, uint32_t version,
			  GError **err)
{
	return kst_clock_walk(opaque, buf, len, true, err);
}

static const struct savevm_ops kst_cpu_ops = {
	.name = "kvm-cpu", .version = 1,
	.save = kst_cpu_save, .check = kst_cpu_check, .load = kst_cpu_load,
};

static const struct savevm_ops kst_chip_ops = {
	.name = "kvm-irqchip", .version = 1,
	.save = kst_chip_save, .check = kst_chip_check, .load = kst_chip_load,
};

static const struct savevm_ops kst_clock_ops = {
	.name = "kvm-clock", .version = 1,
	.save = kst_clock_save, .check = kst_clock_check, .load = kst_clock_load,
};

void kvm_state_register(struct kvm_accel *k)
{
	savevm_register(k->m, &kst_chip_ops, k);
	savevm_register(k->m, &kst_clock_ops, k);
	savevm_register(k->m, &kst_cpu_ops, k);
}
