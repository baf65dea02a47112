/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QEMU-dialect command line of kvmpc. */
#ifndef CORE_CMDLINE_H
#define CORE_CMDLINE_H

#include <glib.h>

struct machine;
struct machine_config;

/*
 * Fill cfg (from machine_config_new()) from argv.  0 = run, 1 = done (help
 * printed, or cfg->device_help asks main to list the device classes),
 * -1 = error in *err.
 */
int cmdline_parse(struct machine_config *cfg, int argc, char **argv, GError **err);
/* After the backends and the board: every -device, in order. */
int cmdline_create_devices(struct machine *m, GError **err);

#endif
