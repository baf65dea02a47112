// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The KVM accelerator's entry in the machine's accelerator ops table
 * (struct accel_ops, core/machine.h): how core and the devices reach KVM
 * without naming it.  Each hook adapts a machine to the kvm_* function
 * that does the work (accel/kvm.c, accel/kvm-cpu.c, accel/kvm-msi.c).
 */
#include <errno.h>
#include "accel/cpu-dump.h"
#include "accel/kvm.h"
#include "accel/kvm-msi.h"
#include "core/machine.h"

static void kvm_ops_set_irq(struct machine *m, int gsi, int level)
{
	kvm_set_irq(m->kvm, gsi, level);
}

static int kvm_ops_signal_msi(struct machine *m, uint64_t addr, uint32_t data)
{
	return kvm_signal_msi(m->kvm, addr, data);
}

static int kvm_ops_ioeventfd(struct machine *m, int fd, uint64_t addr, unsigned len, bool pio,
			     bool datamatch, uint64_t data, bool assign)
{
	return kvm_ioeventfd(m->kvm, fd, addr, len, pio, datamatch, data, assign);
}

static int kvm_ops_pit_hpet_legacy(struct machine *m, bool legacy)
{
	return kvm_pit_hpet_legacy(m->kvm, legacy);
}

/* KVM hands out the slot's whole log and clears it; OR it into bitmap. */
static int kvm_ops_get_dirty_log(struct machine *m, struct mem_region *r, unsigned long *bitmap)
{
	const size_t bits = 8 * sizeof(long);
	size_t words = (r->size / 4096 + bits - 1) / bits;
	unsigned long *log;
	int ret;

	if (r->slot < 0 || !r->dirty_log)
		return -ENOENT;
	log = g_new0(unsigned long, words);
	ret = kvm_get_dirty_log(m->kvm, r->slot, log);
	if (!ret)
		for (size_t i = 0; i < words; i++)
			bitmap[i] |= log[i];
	g_free(log);
	return ret;
}

static int kvm_ops_coalesce_mmio(struct machine *m, uint64_t addr, uint64_t size)
{
	return kvm_coalesce_mmio(m->kvm, addr, size);
}

static void kvm_ops_flush_coalesced(struct machine *m)
{
	kvm_flush_coalesced(m->kvm);
}

/* "info registers": the vCPUs are paused for the read if they were running. */
static int kvm_ops_dump_cpu(struct machine *m, int index, GString *out)
{
	struct kvm_accel *k = m->kvm;
	bool was_paused;
	int ret;

	if (!k || index < 0 || index >= k->nvcpus || !k->vcpus)
		return -ENOENT;
	was_paused = k->pause_req;
	if (!was_paused)
		kvm_vcpus_pause(m);
	ret = kvm_cpu_dump(k->vcpus[index], out, X86_DUMP_FPU);
	if (!was_paused)
		kvm_vcpus_resume(m);
	return ret;
}

const struct accel_ops kvm_accel_ops = {
	.name = "kvm",
	.irqchip_in_kernel = true,
	.pause = kvm_vcpus_pause,
	.resume = kvm_vcpus_resume,
	.reset = kvm_reset,
	.set_irq = kvm_ops_set_irq,
	.signal_msi = kvm_ops_signal_msi,
	.ioeventfd = kvm_ops_ioeventfd,
	.get_dirty_log = kvm_ops_get_dirty_log,
	.vcpu_thread_id = kvm_vcpu_thread_id,
	.pit_hpet_legacy = kvm_ops_pit_hpet_legacy,
	.coalesce_mmio = kvm_ops_coalesce_mmio,
	.flush_coalesced = kvm_ops_flush_coalesced,
	.cpu_hotplug = kvm_cpu_hotplug,
	.dump_cpu = kvm_ops_dump_cpu,
};
