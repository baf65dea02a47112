// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Machine run control: reset and shutdown requests raised by devices or
 * vCPUs are served on the I/O thread (pause vCPUs, reset, resume), GSI
 * sinks, and the device list used for reset and save/restore.  The
 * accelerator and the board are reached only through the ops tables they
 * register (struct accel_ops, struct board_ops): core names neither.
 * Building an empty machine (machine_new) is in core/machine-new.c.
 */
#include "core/machine.h"
#include "core/device.h"
#include "core/log.h"

/* Tell the monitor (QMP SHUTDOWN / RESET events). */
static void machine_notify(struct machine *m, bool shutdown, const char *guest_reason)
{
	const char *reason = m->request_reason ? m->request_reason : guest_reason;

	m->request_reason = NULL;
	if (m->request_hook)
		m->request_hook(m, shutdown, reason);
}

/* As QEMU's vm_stop(RUN_STATE_INTERNAL_ERROR): paused until a reset. */
static void machine_serve_internal_error(struct machine *m)
{
	struct machine_event ev = { .kind = MACHINE_EVENT_INTERNAL_ERROR };

	m->internal_error_requested = false;
	if (m->state != RUN_STATE_RUNNING)
		return;
	machine_pause(m);
	m->internal_error = true;
	machine_event(m, &ev);
}

static void machine_send(struct machine *m, enum machine_event_kind kind)
{
	struct machine_event ev = { .kind = kind };

	machine_event(m, &ev);
}

/* S3 entered: vCPUs stop; the clock and devices run on. */
static void machine_do_suspend(struct machine *m)
{
	m->suspend_requested = false;
	if (m->suspended || m->state == RUN_STATE_SHUTDOWN)
		return;
	if (m->accel && m->accel->pause)
		m->accel->pause(m);
	m->suspended = true;
	if (m->board && m->board->suspend)
		m->board->suspend(m);
	machine_send(m, MACHINE_EVENT_SUSPEND);
}

/* Out of S3: reset (RAM kept), then the vCPUs run if the machine does. */
static void machine_do_wakeup(struct machine *m)
{
	unsigned why = m->wakeup_requested & (m->wakeup_enabled | MACHINE_WAKE_OTHER |
					      MACHINE_WAKE_PWRBTN);

	m->wakeup_requested = 0;
	if (!m->suspended || !why)
		return;
	m->suspended = false;
	m->s3_waking = true;
	machine_reset(m);
	m->s3_waking = false;
	if (m->board && m->board->wakeup)
		m->board->wakeup(m, why);
	if (m->state == RUN_STATE_RUNNING && m->accel && m->accel->resume)
		m->accel->resume(m);
	machine_send(m, MACHINE_EVENT_WAKEUP);
}

static gboolean machine_serve_requests(gpointer opaque)
{
	struct machine *m = opaque;

	machine_lock(m);
	if (m->suspend_requested)
		machine_do_suspend(m);
	if (m->wakeup_requested)
		machine_do_wakeup(m);
	if (m->internal_error_requested)
		machine_serve_internal_error(m);
	if (m->poweroff_requested) {
		/* guest ACPI power-off: -no-shutdown keeps the VM, paused */
		m->poweroff_requested = false;
		if (m->cfg->no_shutdown && !m->shutdown_requested) {
			machine_pause(m);
			m->state = RUN_STATE_SHUTDOWN;
			machine_notify(m, true, "guest-shutdown");
			machine_unlock(m);
			return G_SOURCE_REMOVE;
		}
		m->shutdown_requested = true;
		m->exit_code = 0;
	}
	if (m->shutdown_requested) {
		/* also from the paused state -no-shutdown leaves: QEMU says SHUTDOWN again */
		machine_notify(m, true, "guest-shutdown");
		m->state = RUN_STATE_SHUTDOWN;
		g_main_loop_quit(m->loop);
	} else if (m->reset_requested) {
		m->reset_requested = false;
		if (m->cfg->no_reboot) {
			m->exit_code = 0;
			m->shutdown_requested = true;
			machine_notify(m, true, "guest-reset");
			m->state = RUN_STATE_SHUTDOWN;
			g_main_loop_quit(m->loop);
		} else {
			bool was_running = m->state == RUN_STATE_RUNNING;
			machine_pause(m);
			machine_reset(m);
			if (was_running)
				machine_resume(m);
			machine_notify(m, false, "guest-reset");
		}
	}
	machine_unlock(m);
	return G_SOURCE_REMOVE;
}

static void machine_wake(struct machine *m)
{
	GSource *s = g_idle_source_new();

	g_source_set_priority(s, G_PRIORITY_HIGH);
	g_source_set_callback(s, machine_serve_requests, m, NULL);
	g_source_attach(s, m->ctx);
	g_source_unref(s);
}

void machine_request_reset(struct machine *m)
{
	m->reset_requested = true;
	machine_wake(m);
}

void machine_request_internal_error(struct machine *m)
{
	m->internal_error_requested = true;
	machine_wake(m);
}

void machine_request_suspend(struct machine *m)
{
	m->suspend_requested = true;
	machine_wake(m);
}

int machine_request_wakeup(struct machine *m, unsigned why)
{
	if (!m->suspended)
		return -EINVAL;
	m->wakeup_requested |= why;
	machine_wake(m);
	return 0;
}

void machine_request_poweroff(struct machine *m)
{
	m->poweroff_requested = true;
	machine_wake(m);
}

void machine_request_shutdown(struct machine *m, int exit_code)
{
	if (m->shutdown_requested)
		return;
	m->shutdown_requested = true;
	m->exit_code = exit_code;
	machine_wake(m);
}

void machine_pause(struct machine *m)
{
	if (m->state != RUN_STATE_RUNNING)
		return;
	if (m->accel && m->accel->pause)
		m->accel->pause(m);
	vclock_pause(&m->clock);
	m->state = RUN_STATE_PAUSED;
}

void machine_resume(struct machine *m)
{
	if (m->state != RUN_STATE_PAUSED)
		return;
	vclock_resume(&m->clock);
	m->state = RUN_STATE_RUNNING;
	if (m->accel && m->accel->resume && !m->suspended) /* S3: vCPUs wait for a wakeup */
		m->accel->resume(m);
}

void machine_reset(struct machine *m)
{
	m->internal_error = false;
	m->suspended = false; /* a reset ends S3 too (the caller runs the vCPUs) */
	for (unsigned i = 0; i < m->devices->len; i++)
		device_reset(g_ptr_array_index(m->devices, i));
	if (m->board && m->board->reset)
		m->board->reset(m);
	if (m->accel && m->accel->reset)
		m->accel->reset(m);
}

static void machine_gsi_set(void *opaque, int n, int level)
{
	struct machine *m = opaque;

	if (m->gsi_level[n] == level)
		return;
	m->gsi_level[n] = level;
	log_cat(LOG_INT, "gsi %d -> %d", n, level);
	if (m->accel && m->accel->set_irq)
		m->accel->set_irq(m, n, level);
}

void machine_init_gsi(struct machine *m)
{
	for (int i = 0; i < NUM_GSI; i++) {
		m->gsi[i].handler = machine_gsi_set;
		m->gsi[i].opaque = m;
		m->gsi[i].n = i;
	}
}

struct irq_line *machine_gsi(struct machine *m, int n)
{
	if (n < 0 || n >= NUM_GSI)
		return NULL;
	return &m->gsi[n];
}

void machine_add_device(struct machine *m, struct device *d)
{
	g_ptr_array_add(m->devices, d);
}

void machine_del_device(struct machine *m, struct device *d)
{
	g_ptr_array_remove(m->devices, d);
}

void machine_event(struct machine *m, const struct machine_event *ev)
{
	notifier_list_notify(&m->events, (void *)ev);
}
