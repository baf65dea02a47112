// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vCPUs on KVM: creation, CPUID (KVM_GET_SUPPORTED_CPUID filtered by -cpu,
 * with per-CPU APIC ids and topology), the reset state captured at
 * creation and restored on system reset, and the run loop: one thread per
 * vCPU, port I/O (including string I/O with count > 1) and MMIO exits
 * dispatched under the machine lock, triple faults turned into resets.
 * Left out: SMM, nested virtualisation.  CPU state in the machine state
 * stream: accel/kvm-state.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "accel/kvm.h"
#include "accel/kvm-int.h"
#include "accel/cpu-dump.h"
#include "accel/cpu-model.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/sandbox.h"

static void kvm_kick_handler(int sig)
{
	(void)sig;
}

int kvm_vcpu_create(struct kvm_accel *k, int index, GError **err)
{
	struct kvm_vcpu *cpu = g_new0(struct kvm_vcpu, 1);

	cpu->k = k;
	cpu->index = index;
	cpu->fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, index);
	if (cpu->fd < 0) {
		error_setg(err, "KVM_CREATE_VCPU %d: %s", index,
			    strerror(errno));
		return -errno;
	}
	cpu->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, cpu->fd, 0);
	if (cpu->run == MAP_FAILED) {
		error_setg(err, "mmap vcpu: %s", strerror(errno));
		return -errno;
	}
	if (kvm_cpuid_setup(k, cpu, err) < 0)
		return -EINVAL;
	if (ioctl(cpu->fd, KVM_GET_REGS, &cpu->init_regs) < 0 ||
	    ioctl(cpu->fd, KVM_GET_SREGS, &cpu->init_sregs) < 0 ||
	    ioctl(cpu->fd, KVM_GET_FPU, &cpu->init_fpu) < 0 ||
	    ioctl(cpu->fd, KVM_GET_LAPIC, &cpu->init_lapic) < 0) {
		error_setg(err, "reading vcpu state: %s",
			    strerror(errno));
		return -errno;
	}
	/* power-on values KVM leaves at 0: EDX = CPUID.1:EAX, MXCSR's masks (SDM 9.1.1) */
	cpu->init_regs.rdx = cpu->signature;
	cpu->init_fpu.mxcsr = 0x1f80;
	if (ioctl(cpu->fd, KVM_SET_REGS, &cpu->init_regs) < 0 ||
	    ioctl(cpu->fd, KVM_SET_FPU, &cpu->init_fpu) < 0) {
		error_setg(err, "setting vcpu reset state: %s", strerror(errno));
		return -errno;
	}
	k->vcpus[k->nvcpus++] = cpu;
	return 0;
}

int kvm_cpuid_setup(struct kvm_accel *k, struct kvm_vcpu *cpu, GError **err)
{
	struct machine *m = k->m;
	struct kvm_cpuid2 *s = k->supported_cpuid;
	struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) + s->nent * sizeof(s->entries[0]));
	int ret;

	c->nent = s->nent;
	memcpy(c->entries, s->entries, s->nent * sizeof(s->entries[0]));
	ret = cpu_model_apply(c, m->cfg, cpu->index, err);
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == 1)
			cpu->signature = c->entries[i].eax;
	if (ret == 0 && ioctl(cpu->fd, KVM_SET_CPUID2, c) < 0) {
		error_setg(err, "KVM_SET_CPUID2: %s",
			    strerror(errno));
		ret = -errno;
	}
	g_free(c);
	return ret;
}

/* MSRs the firmware or guest may have pointed at guest memory. */
static void kvm_vcpu_reset_msrs(struct kvm_vcpu *cpu)
{
	static const uint32_t zero_msrs[] = {
		0x4b564d01, 0x12,       /* kvmclock (new and old) */
		0x4b564d00, 0x11,       /* wall clock */
		0x4b564d02,             /* async PF */
		0x4b564d03,             /* steal time */
		0x4b564d04,             /* PV EOI */
		0x2ff,                  /* MTRR default type */
		0x10,                   /* TSC */
	};
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[G_N_ELEMENTS(zero_msrs)];
	} msrs = { 0 };
	int ret;

	msrs.hdr.nmsrs = G_N_ELEMENTS(zero_msrs);
	for (size_t i = 0; i < G_N_ELEMENTS(zero_msrs); i++)
		msrs.e[i].index = zero_msrs[i];
	/* KVM stops at the first MSR it does not know: set the rest one by one */
	ret = ioctl(cpu->fd, KVM_SET_MSRS, &msrs);
	for (int i = ret < 0 ? 0 : ret; i < (int)msrs.hdr.nmsrs; i++) {
		struct {
			struct kvm_msrs hdr;
			struct kvm_msr_entry e;
		} one = { .hdr.nmsrs = 1, .e.index = msrs.e[i].index };
		ioctl(cpu->fd, KVM_SET_MSRS, &one);
	}
}

void kvm_vcpu_reset(struct kvm_vcpu *cpu)
{
	struct kvm_mp_state mp = {
		.mp_state = cpu->index == 0 ? KVM_MP_STATE_RUNNABLE : KVM_MP_STATE_UNINITIALIZED,
	};

	if (ioctl(cpu->fd, KVM_SET_SREGS, &cpu->init_sregs) < 0 ||
	    ioctl(cpu->fd, KVM_SET_REGS, &cpu->init_regs) < 0 ||
	    ioctl(cpu->fd, KVM_SET_FPU, &cpu->init_fpu) < 0 ||
	    ioctl(cpu->fd, KVM_SET_LAPIC, &cpu->init_lapic) < 0 ||
	    ioctl(cpu->fd, KVM_SET_MP_STATE, &mp) < 0)
		error_report("vcpu %d reset: %s", cpu->index, strerror(errno));
	kvm_vcpu_reset_msrs(cpu);
	cpu->stopped = false;
}

void kvm_vcpu_kick(struct kvm_vcpu *cpu)
{
	cpu->run->immediate_exit = 1;
	if (cpu->thread_started)
		pthread_kill(cpu->thread, SIGUSR1);
}

void kvm_vcpu_join(struct kvm_vcpu *cpu)
{
	if (cpu->thread_started)
		pthread_join(cpu->thread, NULL);
	cpu->thread_started = false;
}

static void kvm_handle_io(struct machine *m, struct kvm_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	unsigned size = run->io.size;

	for (uint32_t i = 0; i < run->io.count; i++, data += size) {
		if (run->io.direction == KVM_EXIT_IO_OUT) {
			uint32_t v = 0;
			memcpy(&v, data, size);
			log_cat(LOG_IOPORT, "out 0x%04x <- 0x%x (%u)", run->io.port, v, size);
			as_write(&m->io, run->io.port, v, size);
		} else {
			uint32_t v = as_read(&m->io, run->io.port, size);
			log_cat(LOG_IOPORT, "in 0x%04x -> 0x%x (%u)", run->io.port, v, size);
			memcpy(data, &v, size);
		}
	}
}

static void kvm_handle_mmio(struct machine *m, struct kvm_run *run)
{
	uint64_t addr = run->mmio.phys_addr;
	unsigned len = run->mmio.len;

	if (run->mmio.is_write) {
		if (len == 1 || len == 2 || len == 4 || len == 8) {
			uint64_t v = 0;
			memcpy(&v, run->mmio.data, len);
			as_write(&m->mem, addr, v, len);
		} else {
			as_write_buf(&m->mem, addr, run->mmio.data, MIN(len, 8u));
		}
	} else {
		if (len == 1 || len == 2 || len == 4 || len == 8) {
			uint64_t v = as_read(&m->mem, addr, len);
			memcpy(run->mmio.data, &v, len);
		} else {
			as_read_buf(&m->mem, addr, run->mmio.data, MIN(len, 8u));
		}
	}
}

/* Code= bytes: the linear address through the guest's page tables (KVM),
 * then guest RAM or ROM only, never a device. */
static bool kvm_read_code(void *opaque, uint64_t linear, uint8_t *byte)
{
	struct kvm_vcpu *cpu = opaque;
	struct kvm_translation t = { .linear_address = linear };
	struct mem_region *r;
	uint64_t off;

	if (ioctl(cpu->fd, KVM_TRANSLATE, &t) < 0 || !t.valid)
		return false;
	r = as_find(&cpu->k->m->mem, t.physical_address);
	if (!r || !r->ram)
		return false;
	off = t.physical_address - r->addr;
	if (off >= r->size)
		return false;
	*byte = r->ram[off];
	return true;
}

/* The vCPU's state in QEMU's layout (accel/cpu-dump.h); its thread must be
 * out of KVM_RUN (the vCPU itself, or paused).  0 or -errno. */
int kvm_cpu_dump(struct kvm_vcpu *cpu, GString *out, unsigned flags)
{
	struct x86_dump d = { .read_code = kvm_read_code, .opaque = cpu };
	struct kvm_debugregs dbg;
	struct kvm_vcpu_events ev;
	struct kvm_mp_state mp;

	if (ioctl(cpu->fd, KVM_GET_REGS, &d.regs) < 0 ||
	    ioctl(cpu->fd, KVM_GET_SREGS, &d.sregs) < 0 ||
	    ((flags & X86_DUMP_FPU) && ioctl(cpu->fd, KVM_GET_FPU, &d.fpu) < 0))
		return -errno;
	if (flags & X86_DUMP_FPU) {
		/* some KVMs (this host's) report MXCSR 0 through KVM_GET_FPU */
		struct kvm_xsave *xs = g_new0(struct kvm_xsave, 1);
		if (ioctl(cpu->fd, KVM_GET_XSAVE, xs) == 0)
			d.fpu.mxcsr = xs->region[6];
		g_free(xs);
	}
	if (ioctl(cpu->fd, KVM_GET_DEBUGREGS, &dbg) == 0) {
		memcpy(d.dr, dbg.db, sizeof(dbg.db));
		d.dr[6] = dbg.dr6;
		d.dr[7] = dbg.dr7;
	}
	if (ioctl(cpu->fd, KVM_GET_VCPU_EVENTS, &ev) == 0)
		d.irq_shadow = ev.interrupt.shadow != 0;
	if (ioctl(cpu->fd, KVM_GET_MP_STATE, &mp) == 0)
		d.halted = mp.mp_state == KVM_MP_STATE_HALTED;
	x86_cpu_dump(out, &d, flags);
	return 0;
}

/*
 * The vCPU cannot go on: QEMU's messages, its register dump with the Code=
 * line on stderr, and the VM paused as "internal-error" until a reset
 * (QEMU resumes a CPL3 emulation failure instead; kvmpc stops there too).
 */
static void kvm_report_failure(struct kvm_vcpu *cpu, const char *fmt, ...)
{
	GString *s = g_string_new(NULL);
	va_list ap;

	va_start(ap, fmt);
	g_string_append_vprintf(s, fmt, ap);
	va_end(ap);
	if (kvm_cpu_dump(cpu, s, X86_DUMP_CODE) < 0)
		g_string_append_printf(s, "(vcpu %d: registers unreadable)\n", cpu->index);
	fputs(s->str, stderr);
	fflush(stderr);
	log_cat(LOG_CPU, "vcpu %d stopped:\n%s", cpu->index, s->str);
	g_string_free(s, TRUE);
	cpu->stopped = true;
	machine_request_internal_error(cpu->k->m);
}

static void kvm_internal_error(struct kvm_vcpu *cpu, struct kvm_run *run)
{
	GString *s = g_string_new(NULL);
	unsigned n = MIN(run->internal.ndata, G_N_ELEMENTS(run->internal.data));

	g_string_append_printf(s, "KVM internal error. Suberror: %u\n", run->internal.suberror);
	for (unsigned i = 0; i < n; i++)
		g_string_append_printf(s, "extra data[%u]: 0x%016llx\n", i,
				       (unsigned long long)run->internal.data[i]);
	if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION)
		g_string_append(s, "emulation failure\n");
	kvm_report_failure(cpu, "%s", s->str);
	g_string_free(s, TRUE);
}

/* Lock held.  Returns false when the thread must end. */
static bool kvm_handle_exit(struct kvm_vcpu *cpu, int ret, int err)
{
	struct machine *m = cpu->k->m;
	struct kvm_run *run = cpu->run;

	/* writes the guest made before this exit come first */
	kvm_flush_coalesced(cpu->k);
	if (ret < 0) {
		if (err == EINTR || err == EAGAIN)
			return true;
		kvm_report_failure(cpu, "error: kvm run failed %s\n", strerror(err));
		return true;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		kvm_handle_io(m, run);
		break;
	case KVM_EXIT_MMIO:
		kvm_handle_mmio(m, run);
		break;
	case KVM_EXIT_SHUTDOWN:
		log_cat(LOG_CPU, "vcpu %d: triple fault", cpu->index);
		cpu->stopped = true;
		machine_request_reset(m);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		cpu->stopped = true;
		if (run->system_event.type == KVM_SYSTEM_EVENT_RESET)
			machine_request_reset(m);
		else
			machine_request_shutdown(m, 0);
		break;
	case KVM_EXIT_HLT:
	case KVM_EXIT_INTR:
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		kvm_internal_error(cpu, run);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		kvm_report_failure(cpu, "KVM: entry failed, hardware error 0x%llx\n",
				   (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	default:
		kvm_report_failure(cpu, "KVM: unknown exit reason %u\n", run->exit_reason);
		break;
	}
	return true;
}

void *kvm_vcpu_thread(void *arg)
{
	struct kvm_vcpu *cpu = arg;
	struct kvm_accel *k = cpu->k;
	struct machine *m = k->m;
	sigset_t set;

	g_atomic_int_set(&cpu->tid, gettid()); /* kvm_cpu_hotplug waits for it */
	sandbox_thread_enter(SANDBOX_ROLE_VCPU);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	machine_lock(m);
	for (;;) {
		int ret, err;

		while ((k->pause_req || cpu->stopped) && !k->quit) {
			k->nparked++;
			g_cond_broadcast(&k->parked_cond);
			g_cond_wait(&k->resume_cond, &m->lock);
			k->nparked--;
		}
		if (k->quit)
			break;
		cpu->run->immediate_exit = 0;
		machine_unlock(m);
		ret = ioctl(cpu->fd, KVM_RUN, 0);
		err = errno;
		machine_lock(m);
		kvm_handle_exit(cpu, ret, err);
	}
	machine_unlock(m);
	return NULL;
}

int kvm_vcpu_thread_id(struct machine *m, int index)
{
	struct kvm_accel *k = m->kvm;

	for (int i = 0; k && i < k->nvcpus; i++)
		if (k->vcpus[i]->index == index && k->vcpus[i]->tid)
			return k->vcpus[i]->tid;
	return getpid();
}

/* The thread of a vCPU; SIGUSR1 stays blocked in the creating thread. */
static void kvm_vcpu_start_thread(struct kvm_vcpu *cpu)
{
	if (pthread_create(&cpu->thread, NULL, kvm_vcpu_thread, cpu) == 0)
		cpu->thread_started = true;
	else
		error_report("cannot start vcpu %d thread", cpu->index);
}

/*
 * device_add of a CPU (lock held, main loop): a new KVM vCPU with the
 * same CPUID rules, whose thread parks if the machine is paused.  KVM makes
 * every vCPU but 0 wait for INIT/SIPI, so the guest starts it.
 */
int kvm_cpu_hotplug(struct machine *m, int index, GError **err)
{
	struct kvm_accel *k = m->kvm;

	if (!k || k->nvcpus >= k->max_vcpus) {
		error_setg(err, "no room for another vCPU");
		return -ENOSPC;
	}
	if (kvm_vcpu_create(k, index, err) < 0)
		return -EINVAL;
	if (k->started) {
		struct kvm_vcpu *cpu = k->vcpus[k->nvcpus - 1];

		kvm_vcpu_start_thread(cpu);
		/* query-cpus-fast right after device_add names the new thread */
		for (int i = 0; i < 10000 && cpu->thread_started && !g_atomic_int_get(&cpu->tid); i++)
			g_usleep(100);
	}
	return 0;
}

void kvm_vcpus_start(struct machine *m)
{
	struct kvm_accel *k = m->kvm;
	struct sigaction sa = { .sa_handler = kvm_kick_handler };
	sigset_t set, old;

	sigaction(SIGUSR1, &sa, NULL);
	/* only vCPU threads take SIGUSR1 */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	for (int i = 0; i < k->nvcpus; i++)
		kvm_vcpu_start_thread(k->vcpus[i]);
	k->started = true;
}
