// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvmpc's entry point and the program's wiring: QEMU-dialect command line
 * into struct machine_config, then an empty machine (machine_new), the
 * backends, accelerator, monitors, board, -device devices and displays in
 * that order, the vCPU threads started and the glib main loop run on this
 * (the I/O) thread until the guest or a signal ends it.  This is the only
 * place that knows every layer; option parsing lives in core/cmdline.c.
 */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib-unix.h>
#include "config.h"
#include "core/cmdline.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/chardev.h"
#include "core/device.h"
#include "core/global.h"
#include "accel/cpu-model.h"
#include "core/migration.h"
#include "core/sandbox.h"
#include "core/daemon.h"
#include "accel/kvm.h"
#include "accel/qtest.h"
#include "hw/i386/pc.h"
#include "net/net.h"
#include "ui/console.h"
#include "ui/sdl.h"
#include "ui/vnc.h"
#include "ui/monitor.h"
#include "system/backends.h"
#include "system/device-list.h"

static gboolean on_signal(gpointer opaque)
{
	struct machine *m = opaque;

	machine_lock(m);
	m->request_reason = "host-signal";
	machine_request_shutdown(m, 0);
	machine_unlock(m);
	return G_SOURCE_CONTINUE;
}

/* -display sdl (the default when a desktop is there) and -vnc. */
static int displays_init(struct machine *m, GError **err)
{
	struct machine_config *cfg = m->cfg;
	struct console *con = console_lookup(0);
	const char *d = cfg->display;

	if (!d || !strcmp(d, "default")) {
#ifdef CONFIG_SDL
		d = getenv("DISPLAY") || getenv("WAYLAND_DISPLAY") ? "sdl" : "none";
#else
		d = "none";
#endif
	}
	if (g_str_has_prefix(d, "sdl")) {
		if (!con) {
			error_setg(err, "-display sdl: the machine has no display device (-vga none)");
			return -1;
		}
		if (!sdl_display_init(m, con, err))
			return -1;
	}
	if (cfg->vnc && strcmp(cfg->vnc, "none")) {
		if (!con) {
			error_setg(err, "-vnc: the machine has no display device (-vga none)");
			return -1;
		}
		if (!vnc_server_init(m, con, cfg->vnc, err))
			return -1;
	}
	return 0;
}

static int machine_build(struct machine *m, GError **err)
{
	struct machine_config *cfg = m->cfg;

	m->device_classes = device_classes;
	/* every chardev, drive and netdev first, by id (system/backends.c) */
	if (backends_create(m, err) < 0)
		return -1;
	if (cfg->accel == ACCEL_KVM && kvm_accel_init(m, err) < 0)
		return -1;
	/* monitors before devices, as in QEMU: -mon holds its chardev first */
	if (monitor_init_all(m, err) < 0)
		return -1;
	if (cfg->machine_none)
		return 0; /* -machine none: the monitors and nothing else */
	if (pc_machine_init(m, err) < 0)
		return -1;
	if (cmdline_create_devices(m, err) < 0)
		return -1;
	net_warn_unclaimed(m);
	global_warn_unused(m);
	if (displays_init(m, err) < 0)
		return -1;
	if (cfg->accel == ACCEL_QTEST) {
		if (qtest_server_start(m, cfg->qtest, cfg->qtest_log, err) < 0)
			return -1;
	} else if (kvm_vcpus_create(m, err) < 0) {
		return -1;
	}
	return 0;
}

/* The command line into cfg: 0 = run, 1 = done (help printed), -1 = error. */
static int parse_config(struct machine_config *cfg, int argc, char **argv, GError **err)
{
	int ret = cmdline_parse(cfg, argc, argv, err);

	if (ret > 0 && cfg->device_help)
		device_print_help(device_classes);
	if (ret)
		return ret;
	if (cfg->cpu_spec && cpu_model_parse(cfg, cfg->cpu_spec, err) < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct machine_config *cfg = machine_config_new();
	struct machine *m;
	GError *err = NULL;
	int ret;

	ret = parse_config(cfg, argc, argv, &err);
	if (ret != 0) {
		if (err)
			error_report("%s", err->message);
		return ret < 0 ? 1 : 0;
	}
	/* before machine_new: detach while this is the only thread */
	if ((cfg->daemonize && daemon_detach(&err) < 0) ||
	    (cfg->pidfile && pidfile_create(cfg->pidfile, &err) < 0)) {
		error_report("%s", err->message);
		return 1;
	}
	m = machine_new(cfg);
	if (machine_build(m, &err) < 0) {
		error_report("%s", err ? err->message : "machine set-up failed");
		chardev_close_all(m);
		pidfile_remove();
		return 1;
	}
	if (migration_incoming_init(m, &err) < 0) {
		error_report("%s", err->message);
		chardev_close_all(m);
		pidfile_remove();
		return 1;
	}
	if (cfg->mem_lock && mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
		error_report("-overcommit mem-lock=on: mlockall: %s", strerror(errno));
		chardev_close_all(m);
		pidfile_remove();
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	g_unix_signal_add(SIGTERM, on_signal, m);
	g_unix_signal_add(SIGINT, on_signal, m);
	g_unix_signal_add(SIGHUP, on_signal, m);
	/* every file and /dev/kvm is open: chroot, -runas, seccomp (core/sandbox.h) */
	if (sandbox_start(&err) < 0) {
		error_report("%s", err->message);
		chardev_close_all(m);
		pidfile_remove();
		return 1;
	}
	daemon_ready();
	machine_lock(m);
	if (!cfg->start_paused && !migration_state(m)->incoming_wait)
		machine_resume(m);
	machine_unlock(m);
	if (cfg->accel == ACCEL_KVM)
		kvm_vcpus_start(m);
	g_main_loop_run(m->loop);
	if (cfg->accel == ACCEL_KVM)
		kvm_vcpus_stop(m);
	chardev_close_all(m);
	migration_socket_cleanup(m);
	pidfile_remove();
	return m->exit_code;
}
