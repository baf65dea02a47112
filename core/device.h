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
	/* false: device_del refuses it (chipset functions, VGA), as QEMU */
	bool no_hotplug;
	/* a vCPU (hw/i386/pc-cpu.c): device_add only, not in -device help */
	bool cpu;
	/*
	 * Plugs itself in at realize and out at unrealize (USB devices on a
	 * controller's port): device_add and device_del need no board hook.
	 */
	bool self_hotplug;
	/* QOM child QEMU reports deleted before the device ("virtio-backend") */
	const char *qom_child;
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
	bool hotplugged;      /* created by device_add while the machine ran */
	bool unplug_pending;  /* device_del asked the guest to eject it */
	bool gone;            /* detached from its bus; freed on the main loop */
	unsigned anon_index;  /* N of /machine/peripheral-anon/device[N] */
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
/* A property nobody read: QEMU's "Property 'TYPE.NAME' not found", -EINVAL. */
int device_check_unused(struct opts *o, const char *type, GError **err);
/* Create, realize and register from "-device TYPE,k=v" */
struct device *device_create_from_opts(struct machine *m, struct opts *o, GError **err);

/*
 * Hot-plug (QMP/HMP device_add, device_del; the board does the bus side
 * through board_ops).  device_find: by id or "/machine/peripheral/ID".
 */
struct device *device_find(struct machine *m, const char *id);
/* QEMU's QOM path of a -device/device_add device (g_free it). */
char *device_qom_path(struct device *dev);
/* device_add: create from opts, then let the board announce it. */
struct device *device_hotplug(struct machine *m, struct opts *o, GError **err);
/* device_del: ask the board to request the guest's eject. */
int device_unplug_request(struct device *dev, GError **err);
/*
 * The device left its bus (the guest ejected it): unrealize, free and send
 * DEVICE_DELETED from the main loop, so no callback already queued for it
 * there (an ioeventfd, a block completion) can run on freed memory.
 * Callable from any thread with the machine lock held.
 */
void device_destroy_later(struct device *dev);
/* The same at once (lock held, on the main loop, or with no main loop). */
void device_destroy(struct device *dev);

#endif
