/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Devices.  A class names a device type and its hooks; an instance embeds
 * struct device first (subclasses use container_of).  The machine creates
 * its own devices with typed configs; -device TYPE,props creates the
 * user-creatable ones, which read their props from dev->opts in realize.
 * The class table is explicit (system/device-list.c, handed to the machine
 * as m->device_classes), not constructor magic.
 */
#ifndef CORE_DEVICE_H
#define CORE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>
#include "core/opts.h"
#include "core/vmstate.h"

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

struct machine;
struct device;

struct device_class {
	const char *name;
	const char *bus;  /* "ISA", "PCI", or NULL (system) for -device help */
	const char *desc;
	size_t instance_size;
	bool user_creatable;
	int (*realize)(struct device *dev, GError **err);
	void (*reset)(struct device *dev);
	void (*unrealize)(struct device *dev);
	const struct vmstate_desc *vmsd; /* describes the instance itself */
};

struct device {
	const struct device_class *cls;
	struct machine *m;
	char *id;
	struct opts *opts; /* -device properties, may be NULL */
	/* a board-made device's -global properties (core/global.h), may be NULL */
	struct opts *globals;
	bool realized;
};

/* Where realize reads properties: the -device line (with the -global
 * defaults merged in) or, for a device the board made, the -global ones. */
static inline struct opts *device_props(struct device *dev)
{
	return dev->opts ? dev->opts : dev->globals;
}

/* Look name up in a NULL-terminated class table (list may be NULL). */
const struct device_class *device_class_find(const struct device_class *const *list,
					     const char *name);
/* "-device help": the user-creatable classes of the table, by bus. */
void device_print_help(const struct device_class *const *classes);

/* Fills in what a creator passes (a typed config, a bus) before realize. */
typedef void (*device_setup_fn)(struct device *dev, const void *arg);

/*
 * The one way to make a device: allocate a zeroed instance of cls, run
 * setup(dev, arg) (may be NULL), realize it and register it with the
 * machine, which then owns it.  On failure realize has undone its own work,
 * the instance is freed and NULL returned with *err set.
 */
struct device *device_create(struct machine *m, const struct device_class *cls, const char *id,
			     device_setup_fn setup, const void *arg, GError **err);

/* The steps of device_create, for callers that must split them. */
/* Allocate instance_size bytes (zeroed); the machine owns it. */
struct device *device_new(struct machine *m, const struct device_class *cls,
			  const char *id, struct opts *opts);
/* 0, or -errno with *err set; on failure the caller still owns dev. */
int device_realize(struct device *dev, GError **err);
/* Free a device that was never realized (its id and instance). */
void device_free(struct device *dev);
void device_reset(struct device *dev);
/* Create, realize and register from "-device TYPE,k=v" */
struct device *device_create_from_opts(struct machine *m, struct opts *o, GError **err);

#endif
