// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vCPU hot-plug on the PC: the device types device_add names for a CPU
 * (qemu64-x86_64-cpu, host-x86_64-cpu, max-x86_64-cpu, kvm64-x86_64-cpu),
 * with QEMU 7.2's socket-id/core-id/thread-id checks and words.  Realize
 * makes the accelerator create and start the vCPU (index = APIC id, as
 * kvmpc numbers CPUs), marks it present in the machine's bitmap, and the
 * board raises GPE0 bit 2 (_E02 in SeaBIOS's DSDT re-reads 0xaf00); the
 * guest then starts it with INIT/SIPI.
 *
 * -device with the same ids at start-up adds a CPU present from power-on
 * (the accelerator creates it with the -smp ones; SeaBIOS counts it).
 *
 * Left out: unplug.  SeaBIOS's tables use QEMU's legacy CPU interface,
 * whose _EJ0 has no register behind it, so QEMU refuses device_del of a
 * CPU there and so do we (pc.c).
 */
#include <stdlib.h>
#include <string.h>
#include "core/device.h"
#include "core/machine.h"
#include "core/log.h"
#include "hw/i386/pc.h"

struct pc_cpu {
	struct device dev;
	int index;
};

/* "-1" when absent (QEMU's "not set") */
static int cpu_prop(struct opts *o, const char *key, long *out, GError **err)
{
	const char *v = opts_get(o, key);
	char *end;

	*out = -1;
	if (!v)
		return 0;
	*out = strtol(v, &end, 0);
	if (*end || *out < 0) {
		error_setg(err, "Parameter '%s' expects uint32_t", key);
		return -1;
	}
	return 0;
}

static int cpu_check_id(long v, const char *name, unsigned n, GError **err)
{
	if (v < 0) {
		error_setg(err, "CPU %s is not set", name);
		return -1;
	}
	if (v >= n) {
		error_setg(err, "Invalid CPU %s: %ld must be in range 0:%u", name, v, n - 1);
		return -1;
	}
	return 0;
}

/* The index (APIC id) the ids name, or -1 with *err set. */
static int cpu_index_from_opts(struct device *dev, GError **err)
{
	struct machine_config *c = dev->m->cfg;
	struct opts *o = dev->opts;
	g_autofree char *want = g_strdup_printf("%s-x86_64-cpu",
						 c->cpu_model ? c->cpu_model : "qemu64");
	long s, co, t, node;
	unsigned cores = MAX(1u, c->cores), threads = MAX(1u, c->threads);

	if (strcmp(dev->cls->name, want)) {
		error_setg(err, "Invalid CPU type, expected cpu type: '%s'", want);
		return -1;
	}
	if (cpu_prop(o, "socket-id", &s, err) < 0 || cpu_prop(o, "core-id", &co, err) < 0 ||
	    cpu_prop(o, "thread-id", &t, err) < 0 || cpu_prop(o, "node-id", &node, err) < 0 ||
	    device_check_unused(o, dev->cls->name, err) < 0)
		return -1;
	if (cpu_check_id(s, "socket-id", MAX(1u, c->sockets), err) < 0 ||
	    cpu_check_id(co, "core-id", cores, err) < 0 ||
	    cpu_check_id(t, "thread-id", threads, err) < 0)
		return -1;
	return (s * cores + co) * threads + t;
}

static int pc_cpu_realize(struct device *dev, GError **err)
{
	struct pc_cpu *cpu = container_of(dev, struct pc_cpu, dev);
	struct machine *m = dev->m;
	int index;

	if (!dev->opts) {
		error_setg(err, "%s: needs socket-id, core-id and thread-id", dev->cls->name);
		return -1;
	}
	index = cpu_index_from_opts(dev, err);
	if (index < 0)
		return -1;
	if (index >= (int)m->cfg->maxcpus || index >= MACHINE_MAX_CPUS) {
		error_setg(err, "Invalid CPU index %d: valid index range 0:%u", index,
			   m->cfg->maxcpus - 1);
		return -1;
	}
	if (machine_cpu_present(m, index)) {
		error_setg(err, "CPU[%d] with APIC ID %d exists", index, index);
		return -1;
	}
	/* at start-up the accelerator creates every present CPU itself */
	if (dev->hotplugged && machine_cpu_hotplug(m, index, err) < 0)
		return -1;
	cpu->index = index;
	machine_cpu_set_present(m, index);
	m->cpu_dev[index] = dev;
	if (!dev->hotplugged)
		pc_cpu_count_update(m);
	return 0;
}

#define PC_CPU_CLASS(var, model)                                         \
	const struct device_class var = {                                \
		.name = model "-x86_64-cpu",                             \
		.desc = "x86 vCPU for device_add (socket-id, core-id, thread-id)", \
		.instance_size = sizeof(struct pc_cpu),                  \
		.user_creatable = true,                                  \
		.cpu = true,                                             \
		.realize = pc_cpu_realize,                               \
	}

PC_CPU_CLASS(pc_cpu_qemu64_class, "qemu64");
PC_CPU_CLASS(pc_cpu_host_class, "host");
PC_CPU_CLASS(pc_cpu_max_class, "max");
PC_CPU_CLASS(pc_cpu_kvm64_class, "kvm64");
