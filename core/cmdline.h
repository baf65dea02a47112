/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QEMU-dialect command line of kvmpc. */
#ifndef CORE_CMDLINE_H
#define CORE_CMDLINE_H

#include <glib.h>

struct machine;

/* 0 = run, 1 = done (help/version printed), -1 = error in *err. */
int cmdline_parse(struct machine *m, int argc, char **argv, GError **err);
/* After the machine exists: -chardev, then -device. */
int cmdline_create_chardevs(struct machine *m, GError **err);
int cmdline_create_devices(struct machine *m, GError **err);

#endif
