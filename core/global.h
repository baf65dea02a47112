/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -global DRIVER.PROP=VALUE: property defaults by QEMU driver name, applied
 * when a device of that driver is created (core/device.c) or when a part
 * that is not a device reads them (the accelerator's in-kernel PIT).
 */
#ifndef CORE_GLOBAL_H
#define CORE_GLOBAL_H

#include <stdbool.h>
#include <glib.h>
#include "core/opts.h"

struct machine;
struct machine_config;

struct global_prop {
	char *driver, *prop, *value;
	bool used; /* some instance of driver received it */
};

void global_prop_free(struct global_prop *g);
/* Parse one -global argument into cfg->globals; -1 with *err set. */
int global_parse(struct machine_config *cfg, const char *arg, GError **err);
/*
 * Every -global for driver as a fresh opts (NULL when there is none); the
 * globals count as used.  Later -global options of the same key win.
 */
struct opts *global_opts(struct machine *m, const char *driver);
/* Add driver's globals to o for the keys o does not set (a -device line). */
void global_merge(struct machine *m, const char *driver, struct opts *o);
/*
 * After a driver read its properties from o: a global the driver never
 * asked for is QEMU's "can't apply global D.P=V: Property 'D.P' not found".
 */
int global_check(struct machine *m, const char *driver, struct opts *o, GError **err);
/* "can't apply global D.P=V: MSG" for a value the driver refuses. */
void global_value_error(GError **err, const char *driver, const char *prop, const char *value,
			const char *msg);
/* When the machine is built: QEMU's warnings for globals nobody used. */
void global_warn_unused(struct machine *m);

#endif
