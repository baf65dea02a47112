/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A stop-gap QMP server: greeting, qmp_capabilities, screendump and quit
 * only, enough for tests to take screendumps the way they do on QEMU.
 * To be replaced by the full QMP monitor.
 */
#ifndef UI_QMP_MINI_H
#define UI_QMP_MINI_H

#include <glib.h>

struct machine;
struct qmp_mini;

/* spec is a legacy chardev spec, e.g. "unix:/tmp/q.sock,server=on,wait=off". */
struct qmp_mini *qmp_mini_start(struct machine *m, const char *spec, GError **err);

#endif
