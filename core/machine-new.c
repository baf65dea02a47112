// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Building an empty machine, the one way main (system/main.c) and the
 * unit tests get a struct machine, and the accelerator/board services
 * that devices call through the ops tables the upper layers register.
 * What fills the machine (board, devices, backends) is system/'s job.
 */
#include <errno.h>
#include <unistd.h>
#include "core/machine.h"
#include "core/opts.h"

struct machine_config *machine_config_new(void)
{
	struct machine_config *cfg = g_new0(struct machine_config, 1);

	cfg->ram_size = 128ULL << 20;
	cfg->dump_guest_core = true;
	cfg->smp_cpus = cfg->sockets = cfg->cores = cfg->threads = cfg->maxcpus = 1;
	cfg->bios_dirs = g_ptr_array_new_with_free_func(g_free);
	cfg->cpu_feats = g_ptr_array_new_with_free_func(g_free);
	cfg->chardevs = g_ptr_array_new_with_free_func(g_free);
	cfg->blockdevs = g_ptr_array_new_with_free_func((GDestroyNotify)opts_free);
	cfg->secrets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					     (GDestroyNotify)g_bytes_unref);
	cfg->devices = g_ptr_array_new_with_free_func(g_free);
	cfg->drive_opts = g_ptr_array_new_with_free_func(g_free);
	cfg->drive_legacy = g_ptr_array_new_with_free_func(g_free);
	cfg->monitors = g_ptr_array_new_with_free_func(g_free);
	cfg->netdevs = g_ptr_array_new_with_free_func(g_free);
	cfg->nics = g_ptr_array_new_with_free_func(g_free);
	cfg->nets = g_ptr_array_new_with_free_func(g_free);
	cfg->accel = ACCEL_KVM;
	cfg->cpu_model = g_strdup("host");
	cfg->boot_splash_time = -1;
	cfg->boot_reboot_timeout = -1;
	return cfg;
}

void machine_config_free(struct machine_config *c)
{
	GPtrArray *arrays[] = {
		c->bios_dirs, c->cpu_feats, c->chardevs, c->devices, c->drive_opts,
		c->drive_legacy, c->monitors, c->netdevs, c->nics, c->nets, c->globals,
		c->blockdevs,
	};
	char *strings[] = {
		c->bios, c->cpu_spec, c->cpu_model, c->debugcon, c->name, c->qtest, c->qtest_log,
		c->kernel, c->initrd, c->append, c->boot_order, c->boot_once, c->vga, c->rtc,
		c->display, c->vnc, c->incoming, c->pidfile, c->uuid,
	};

	if (!c)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(arrays); i++)
		if (arrays[i])
			g_ptr_array_free(arrays[i], TRUE);
	for (size_t i = 0; i < G_N_ELEMENTS(strings); i++)
		g_free(strings[i]);
	for (int i = 0; i < MAX_SERIAL; i++)
		g_free(c->serial[i]);
	if (c->secrets)
		g_hash_table_destroy(c->secrets);
	g_free(c);
}

struct machine *machine_new(struct machine_config *cfg)
{
	struct machine *m = g_new0(struct machine, 1);

	if (!cfg) {
		cfg = machine_config_new();
		cfg->accel = ACCEL_QTEST;
	}
	m->cfg = cfg;
	m->cpu_order = g_array_new(FALSE, FALSE, sizeof(int));
	for (unsigned i = 0; i < cfg->smp_cpus && i < MACHINE_MAX_CPUS; i++)
		machine_cpu_set_present(m, i);
	g_mutex_init(&m->lock);
	m->ctx = g_main_context_default();
	m->loop = g_main_loop_new(m->ctx, FALSE);
	as_init(&m->mem, "memory", UINT64_MAX);
	as_init(&m->io, "io", 0x10000);
	vclock_init(&m->clock, cfg->accel == ACCEL_QTEST, m->ctx, &m->lock);
	m->state = RUN_STATE_PAUSED;
	vclock_pause(&m->clock);
	m->devices = g_ptr_array_new();
	m->chardevs = g_hash_table_new(g_str_hash, g_str_equal);
	m->anon_chardevs = g_ptr_array_new();
	m->drives = g_ptr_array_new();
	machine_init_gsi(m);
	return m;
}

void machine_set_accel(struct machine *m, const struct accel_ops *ops)
{
	m->accel = ops;
}

void machine_set_board(struct machine *m, const struct board_ops *ops)
{
	m->board = ops;
}

bool machine_irqchip_in_kernel(struct machine *m)
{
	return m->accel && m->accel->irqchip_in_kernel;
}

int machine_signal_msi(struct machine *m, uint64_t addr, uint32_t data)
{
	if (!m->accel || !m->accel->signal_msi)
		return -ENOTSUP;
	return m->accel->signal_msi(m, addr, data);
}

int machine_pit_set_hpet_legacy(struct machine *m, bool legacy)
{
	if (!m->accel || !m->accel->pit_hpet_legacy)
		return -ENOTSUP;
	return m->accel->pit_hpet_legacy(m, legacy);
}

bool machine_has_ioeventfd(struct machine *m)
{
	return m->accel && m->accel->ioeventfd;
}

int machine_ioeventfd(struct machine *m, int fd, uint64_t addr, unsigned len, bool pio,
		      bool datamatch, uint64_t data, bool assign)
{
	if (!machine_has_ioeventfd(m))
		return -ENOTSUP;
	return m->accel->ioeventfd(m, fd, addr, len, pio, datamatch, data, assign);
}

bool machine_has_dirty_log(struct machine *m)
{
	return m->accel && m->accel->get_dirty_log;
}

int machine_get_dirty_log(struct machine *m, struct mem_region *r, unsigned long *bitmap)
{
	if (!machine_has_dirty_log(m))
		return -ENOTSUP;
	return m->accel->get_dirty_log(m, r, bitmap);
}

int machine_coalesce_mmio(struct machine *m, uint64_t addr, uint64_t size)
{
	if (!m->accel || !m->accel->coalesce_mmio)
		return -ENOTSUP;
	return m->accel->coalesce_mmio(m, addr, size);
}

void machine_flush_coalesced(struct machine *m)
{
	if (m->accel && m->accel->flush_coalesced)
		m->accel->flush_coalesced(m);
}

int machine_dump_cpu(struct machine *m, int index, GString *out)
{
	if (!m->accel || !m->accel->dump_cpu)
		return -ENOTSUP;
	return m->accel->dump_cpu(m, index, out);
}

int machine_vcpu_thread_id(struct machine *m, int index)
{
	int tid = 0;

	if (m->accel && m->accel->vcpu_thread_id)
		tid = m->accel->vcpu_thread_id(m, index);
	return tid > 0 ? tid : getpid();
}

int machine_cpu_hotplug(struct machine *m, int index, GError **err)
{
	if (!m->accel || !m->accel->cpu_hotplug)
		return 0; /* qtest: no vCPU runs anyway */
	return m->accel->cpu_hotplug(m, index, err);
}

bool machine_cpu_present(struct machine *m, unsigned index)
{
	return index < MACHINE_MAX_CPUS && (m->cpu_present[index / 8] >> (index % 8) & 1);
}

void machine_cpu_set_present(struct machine *m, unsigned index)
{
	int i = index;

	if (index >= MACHINE_MAX_CPUS || machine_cpu_present(m, index))
		return;
	m->cpu_present[index / 8] |= 1u << (index % 8);
	g_array_append_val(m->cpu_order, i);
}

int machine_power_button(struct machine *m)
{
	if (!m->board || !m->board->power_button)
		return -ENOTSUP;
	return m->board->power_button(m);
}
