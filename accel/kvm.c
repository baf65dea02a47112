// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VM-level KVM: opening /dev/kvm, creating the VM with its in-kernel
 * irqchip (8259 pair, IOAPIC, LAPICs) and PIT, the TSS and EPT identity
 * pages at 0xfeffc000, memslots from the memory listener, interrupt lines
 * and the pause protocol for vCPU threads.  Follows the KVM API document
 * (Documentation/virt/kvm/api.rst).  GSI routing is KVM's default (GSI n to
 * PIC and IOAPIC pin n), so firmware gets no IRQ0 override.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "accel/kvm.h"
#include "accel/kvm-int.h"
#include "core/global.h"
#include "core/log.h"
#include "core/machine.h"

#define KVM_IDENTITY_MAP_ADDR 0xfeffc000ULL
#define KVM_TSS_ADDR 0xfeffd000ULL

static int kvm_slot_alloc(struct kvm_accel *k)
{
	for (int i = 0; i < k->max_slots; i++)
		if (!k->slot_used[i]) {
			k->slot_used[i] = 1;
			return i;
		}
	return -1;
}

static void kvm_region_add(void *opaque, struct mem_region *r)
{
	struct kvm_accel *k = opaque;
	struct kvm_userspace_memory_region mr = { 0 };
	int slot = kvm_slot_alloc(k);

	if (slot < 0) {
		error_report("out of KVM memory slots mapping %s", r->name);
		return;
	}
	mr.slot = slot;
	mr.guest_phys_addr = r->addr;
	mr.memory_size = r->size;
	mr.userspace_addr = (uintptr_t)r->ram;
	if (r->readonly && k->readonly_mem)
		mr.flags |= KVM_MEM_READONLY;
	if (r->dirty_log)
		mr.flags |= KVM_MEM_LOG_DIRTY_PAGES;
	if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0) {
		error_report("KVM_SET_USER_MEMORY_REGION %s at 0x%llx: %s", r->name,
			     (unsigned long long)r->addr, strerror(errno));
		k->slot_used[slot] = 0;
		return;
	}
	r->slot = slot;
}

static void kvm_region_del(void *opaque, struct mem_region *r)
{
	struct kvm_accel *k = opaque;
	struct kvm_userspace_memory_region mr = { 0 };

	if (r->slot < 0)
		return;
	mr.slot = r->slot;
	mr.guest_phys_addr = r->addr;
	mr.memory_size = 0;
	mr.userspace_addr = (uintptr_t)r->ram;
	if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0)
		error_report("deleting KVM slot %d: %s", r->slot, strerror(errno));
	k->slot_used[r->slot] = 0;
	r->slot = -1;
}

int kvm_get_dirty_log(struct kvm_accel *k, int slot, unsigned long *bitmap)
{
	struct kvm_dirty_log log = { .slot = slot, .dirty_bitmap = bitmap };

	if (ioctl(k->vm_fd, KVM_GET_DIRTY_LOG, &log) < 0)
		return -errno;
	return 0;
}

void kvm_set_irq(struct kvm_accel *k, int gsi, int level)
{
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	if (ioctl(k->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		log_cat(LOG_INT, "KVM_IRQ_LINE %d: %s", gsi, strerror(errno));
}

/*
 * The in-kernel PIT stops raising IRQ 0 while the HPET's legacy route owns
 * it (KVM_PIT_FLAGS_HPET_LEGACY; KVM then drops its channel 0 timer) and
 * restarts when the route is given back, as QEMU's kvm-pit does.
 */
int kvm_pit_hpet_legacy(struct kvm_accel *k, bool legacy)
{
	struct kvm_pit_state2 st;

	if (k->m->cfg->no_pit)
		return -ENOTSUP;
	if (ioctl(k->vm_fd, KVM_GET_PIT2, &st) < 0)
		return -errno;
	if (legacy)
		st.flags |= KVM_PIT_FLAGS_HPET_LEGACY;
	else
		st.flags &= ~KVM_PIT_FLAGS_HPET_LEGACY;
	if (ioctl(k->vm_fd, KVM_SET_PIT2, &st) < 0)
		return -errno;
	return 0;
}

static int kvm_fail(GError **err, const char *what)
{
	int e = errno;

	error_setg(err, "%s: %s", what, strerror(e));
	return -e;
}

static int kvm_get_supported_cpuid(struct kvm_accel *k, GError **err)
{
	for (int n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) + n * sizeof(c->entries[0]));
		c->nent = n;
		if (ioctl(k->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			k->supported_cpuid = c;
			return 0;
		}
		g_free(c);
		if (errno != E2BIG)
			return kvm_fail(err, "KVM_GET_SUPPORTED_CPUID");
	}
	return kvm_fail(err, "KVM_GET_SUPPORTED_CPUID");
}

/*
 * QEMU's kvm-pit.lost_tick_policy: delay (KVM's default) re-injects ticks
 * the guest missed, discard drops them (KVM_REINJECT_CONTROL).
 */
static int kvm_pit_policy(struct kvm_accel *k, GError **err)
{
	struct opts *o = global_opts(k->m, "kvm-pit");
	const char *v = opts_get(o, "lost_tick_policy");
	struct kvm_reinject_control rc = { .pit_reinject = 1 };
	int ret = -EINVAL;

	if (v && !strcmp(v, "discard")) {
		rc.pit_reinject = 0;
	} else if (v && !strcmp(v, "slew")) {
		error_setg(err, "Lost tick policy not supported.");
		goto out;
	} else if (v && strcmp(v, "delay")) {
		char *msg = g_strdup_printf("Parameter 'lost_tick_policy' does not accept value '%s'",
					    v);
		global_value_error(err, "kvm-pit", "lost_tick_policy", v, msg);
		g_free(msg);
		goto out;
	}
	if (global_check(k->m, "kvm-pit", o, err) < 0)
		goto out;
	ret = 0;
	if (v && ioctl(k->vm_fd, KVM_REINJECT_CONTROL, &rc) < 0)
		ret = kvm_fail(err, "Can't set in-kernel PIT reinjection (KVM_REINJECT_CONTROL)");
	else if (v)
		log_cat(LOG_INT, "kvm-pit: lost_tick_policy=%s (KVM_REINJECT_CONTROL pit_reinject=%u)",
			v, rc.pit_reinject);
out:
	opts_free(o);
	return ret;
}

/* The in-kernel PIT (QEMU's kvm-pit), unless -machine pit=off. */
static int kvm_create_pit(struct kvm_accel *k, GError **err)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

	if (k->m->cfg->no_pit)
		return 0;
	if (ioctl(k->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return kvm_fail(err, "KVM_CREATE_PIT2");
	if (ioctl(k->vm_fd, KVM_GET_PIT2, &k->init_pit) < 0)
		return kvm_fail(err, "KVM_GET_PIT2");
	k->has_pit = true;
	return kvm_pit_policy(k, err);
}

static int kvm_create_chips(struct kvm_accel *k, GError **err)
{

	if (ioctl(k->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &(uint64_t){ KVM_IDENTITY_MAP_ADDR }) < 0)
		return kvm_fail(err, "KVM_SET_IDENTITY_MAP_ADDR");
	if (ioctl(k->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) < 0)
		return kvm_fail(err, "KVM_SET_TSS_ADDR");
	if (ioctl(k->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return kvm_fail(err, "KVM_CREATE_IRQCHIP");
	for (int i = 0; i < 3; i++) {
		k->init_chip[i].chip_id = i;
		if (ioctl(k->vm_fd, KVM_GET_IRQCHIP, &k->init_chip[i]) < 0)
			return kvm_fail(err, "KVM_GET_IRQCHIP");
	}
	return kvm_create_pit(k, err);
}

int kvm_accel_init(struct machine *m, GError **err)
{
	struct kvm_accel *k = g_new0(struct kvm_accel, 1);
	struct mem_listener l = { kvm_region_add, kvm_region_del, k };
	int ret;

	k->m = m;
	k->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (k->kvm_fd < 0) {
		ret = kvm_fail(err, "could not open /dev/kvm");
		g_free(k);
		return ret;
	}
	if (ioctl(k->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		error_setg(err, "KVM API version mismatch");
		return -EINVAL;
	}
	do {
		k->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
	} while (k->vm_fd < 0 && errno == EINTR);
	if (k->vm_fd < 0)
		return kvm_fail(err, "KVM_CREATE_VM");
	k->run_size = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	k->readonly_mem = ioctl(k->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;
	k->max_slots = ioctl(k->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	if (k->max_slots <= 0 || k->max_slots > KVM_MAX_SLOTS)
		k->max_slots = k->max_slots <= 0 ? 32 : KVM_MAX_SLOTS;
	if (!k->readonly_mem)
		warn_report("KVM lacks read-only memory slots; ROM is writable by the guest");
	ret = kvm_create_chips(k, err);
	if (!ret)
		ret = kvm_get_supported_cpuid(k, err);
	if (ret)
		return ret;
	g_cond_init(&k->parked_cond);
	g_cond_init(&k->resume_cond);
	m->kvm = k;
	machine_set_accel(m, &kvm_accel_ops);
	as_set_listener(&m->mem, &l);
	return 0;
}

int kvm_vcpus_create(struct machine *m, GError **err)
{
	struct kvm_accel *k = m->kvm;

	k->nvcpus = 0;
	k->max_vcpus = MAX(m->cfg->maxcpus, m->cfg->smp_cpus);
	k->pause_req = true; /* parked until the machine first resumes */
	k->vcpus = g_new0(struct kvm_vcpu *, k->max_vcpus);
	/* -smp's CPUs and those -device added, in that order */
	for (unsigned i = 0; i < m->cpu_order->len && (int)i < k->max_vcpus; i++)
		if (kvm_vcpu_create(k, g_array_index(m->cpu_order, int, i), err) < 0)
			return -EINVAL;
	kvm_coalesce_init(k);
	kvm_state_register(k);
	return 0;
}

void kvm_vcpus_pause(struct machine *m)
{
	struct kvm_accel *k = m->kvm;

	if (k->pause_req)
		return;
	k->pause_req = true;
	for (int i = 0; i < k->nvcpus; i++)
		kvm_vcpu_kick(k->vcpus[i]);
	while (k->nparked < k->nvcpus)
		g_cond_wait(&k->parked_cond, &m->lock);
	kvm_flush_coalesced(k);
}

void kvm_vcpus_resume(struct machine *m)
{
	struct kvm_accel *k = m->kvm;

	k->pause_req = false;
	g_cond_broadcast(&k->resume_cond);
}

void kvm_reset(struct machine *m)
{
	struct kvm_accel *k = m->kvm;

	for (int i = 0; i < 3; i++)
		if (ioctl(k->vm_fd, KVM_SET_IRQCHIP, &k->init_chip[i]) < 0)
			error_report("KVM_SET_IRQCHIP: %s", strerror(errno));
	if (k->has_pit && ioctl(k->vm_fd, KVM_SET_PIT2, &k->init_pit) < 0)
		error_report("KVM_SET_PIT2: %s", strerror(errno));
	for (int i = 0; i < k->nvcpus; i++)
		kvm_vcpu_reset(k->vcpus[i]);
}

void kvm_vcpus_stop(struct machine *m)
{
	struct kvm_accel *k = m->kvm;

	if (!k)
		return;
	machine_lock(m);
	k->quit = true;
	for (int i = 0; i < k->nvcpus; i++)
		kvm_vcpu_kick(k->vcpus[i]);
	g_cond_broadcast(&k->resume_cond);
	machine_unlock(m);
	for (int i = 0; i < k->nvcpus; i++)
		kvm_vcpu_join(k->vcpus[i]);
}
