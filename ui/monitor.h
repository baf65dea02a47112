/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The monitors: QMP (the JSON machine protocol, ui/qmp.c) and the human
 * monitor (ui/hmp.c), reached through -qmp, -monitor, -mon chardev=ID and
 * Ctrl-A c on a multiplexed stdio.  Commands live in ui/qmp-cmds.c; the
 * human monitor runs most of them through the same QMP dispatcher.
 */
#ifndef UI_MONITOR_H
#define UI_MONITOR_H

#include <stdbool.h>
#include <glib.h>
#include <json-glib/json-glib.h>

struct machine;

/*
 * Create every monitor listed in m->cfg->monitors ("readline,SPEC",
 * "control,SPEC", "mon,OPTS" strings) plus the one QEMU puts on a mux'd
 * stdio (-nographic, -serial mon:stdio).  Call after the backends (the
 * chardevs it names exist) and before the devices, as QEMU does: a chardev
 * a monitor holds is then refused to a -device.  -monitor/-qmp SPEC
 * create chardev compat_monitorN.  Returns 0, or -1 with *err set.
 */
int monitor_init_all(struct machine *m, GError **err);

/*
 * Send a QMP event to every negotiated QMP client (lock held).  data may
 * be NULL; it is consumed.  Devices do not call this: they report through
 * machine_event() (core/machine.h), which the monitor listens to.
 */
void monitor_event(struct machine *m, const char *name, JsonNode *data);

#endif
