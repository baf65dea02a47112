// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device instances: allocation from a class, realize/reset, -device
 * creation from options, and "-device help" in QEMU's format.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "core/log.h"
#include "core/device.h"
#include "core/global.h"
#include "core/machine.h"

const struct device_class *device_class_find(const struct device_class *const *list,
					     const char *name)
{
	for (int i = 0; list && list[i]; i++)
		if (!strcmp(list[i]->name, name))
			return list[i];
	return NULL;
}

static gint cmp_class(gconstpointer a, gconstpointer b)
{
	const struct device_class *x = *(const struct device_class **)a;
	const struct device_class *y = *(const struct device_class **)b;
	int c = g_strcmp0(x->bus, y->bus);

	return c ? c : strcmp(x->name, y->name);
}

void device_print_help(const struct device_class *const *classes)
{
	GPtrArray *list = g_ptr_array_new();
	const char *last_bus = "";

	for (int i = 0; classes[i]; i++)
		if (classes[i]->user_creatable && !classes[i]->cpu)
			g_ptr_array_add(list, (gpointer)classes[i]);
	g_ptr_array_sort(list, cmp_class);
	for (unsigned i = 0; i < list->len; i++) {
		const struct device_class *c = g_ptr_array_index(list, i);
		const char *bus = c->bus ? c->bus : "System";
		if (strcmp(bus, last_bus)) {
			printf("%s\"%s\" devices:\n", i ? "\n" : "", bus);
			last_bus = bus;
		}
		printf("name \"%s\"", c->name);
		if (c->bus)
			printf(", bus %s", c->bus);
		if (c->desc)
			printf(", desc \"%s\"", c->desc);
		printf("\n");
	}
	g_ptr_array_free(list, TRUE);
}

struct device *device_new(struct machine *m, const struct device_class *cls,
			  const char *id, struct opts *opts)
{
	struct device *d = g_malloc0(cls->instance_size);

	d->cls = cls;
	d->m = m;
	d->id = g_strdup(id);
	d->opts = opts;
	return d;
}

int device_realize(struct device *dev, GError **err)
{
	int ret = 0;

	if (dev->cls->realize)
		ret = dev->cls->realize(dev, err);
	if (ret == 0) {
		dev->realized = true;
		machine_add_device(dev->m, dev);
	}
	return ret;
}

void device_free(struct device *dev)
{
	opts_free(dev->globals);
	g_free(dev->id);
	g_free(dev);
}

void device_reset(struct device *dev)
{
	if (dev->realized && dev->cls->reset)
		dev->cls->reset(dev);
}

struct device *device_create(struct machine *m, const struct device_class *cls, const char *id,
			     device_setup_fn setup, const void *arg, GError **err)
{
	struct device *d = device_new(m, cls, id, NULL);

	if (setup)
		setup(d, arg);
	/* -global defaults, by the QEMU driver name (core/global.c) */
	if (d->opts)
		global_merge(m, cls->name, d->opts);
	else
		d->globals = global_opts(m, cls->name);
	if (device_realize(d, err) < 0) {
		device_free(d);
		return NULL;
	}
	/* a -device line's globals are checked with its own properties */
	if (!d->opts && global_check(m, cls->name, d->globals, err) < 0) {
		device_destroy(d);
		return NULL;
	}
	return d;
}

static void device_setup_opts(struct device *dev, const void *opts)
{
	dev->opts = (struct opts *)opts;
}

static void device_setup_hotplug(struct device *dev, const void *opts)
{
	dev->opts = (struct opts *)opts;
	dev->hotplugged = true;
}

/* The class -device/device_add names, with QEMU's errors. */
static const struct device_class *device_class_from_opts(struct machine *m, struct opts *o,
							 GError **err)
{
	const char *driver = opts_get(o, "driver");
	const struct device_class *cls;
	const char *bus;

	if (!driver) {
		error_setg(err, "-device: missing device type");
		return NULL;
	}
	cls = device_class_find(m->device_classes, driver);
	if (!cls || !cls->user_creatable) {
		error_setg(err, "'%s' is not a valid device model name", driver);
		return NULL;
	}
	/* one PCI bus, pci.0; CPUs sit on none; others read bus= (ide.N) */
	bus = (cls->bus && !strcmp(cls->bus, "PCI")) || cls->cpu ? opts_get(o, "bus") : NULL;
	if (bus && (cls->cpu || strcmp(bus, "pci.0"))) {
		error_setg(err, "Bus '%s' not found", bus);
		return NULL;
	}
	return cls;
}

/* A property nobody read: QEMU's "Property 'TYPE.NAME' not found". */
int device_check_unused(struct opts *o, const char *type, GError **err)
{
	for (unsigned i = 0; i < o->keys->len; i++) {
		if (GPOINTER_TO_INT(g_ptr_array_index(o->used, i)))
			continue;
		error_setg(err, "Property '%s.%s' not found", type,
			   (const char *)g_ptr_array_index(o->keys, i));
		return -EINVAL;
	}
	return 0;
}

/*
 * A device_add that fails after the device was made: undo it without a
 * DEVICE_DELETED event, and leave the options to the caller, who frees
 * them (freeing them here too crashed kvmpc on device_add with a bad
 * property).
 */
static void device_discard(struct device *d)
{
	d->opts = NULL;
	device_destroy(d);
}

static struct device *device_from_opts(struct machine *m, struct opts *o, bool hotplug,
				       GError **err)
{
	const struct device_class *cls = device_class_from_opts(m, o, err);
	const char *id;
	struct device *d;

	if (!cls)
		return NULL;
	id = opts_get(o, "id");
	if (id && device_find(m, id)) {
		error_setg(err, "Duplicate device ID '%s'", id);
		return NULL;
	}
	if (hotplug && !cls->cpu && !cls->self_hotplug && (!cls->bus || strcmp(cls->bus, "PCI"))) {
		error_setg(err, "Bus '%s' does not support hotplugging",
			   cls->bus ? "isa.0" : "main-system-bus");
		return NULL;
	}
	d = device_create(m, cls, id, hotplug ? device_setup_hotplug : device_setup_opts, o,
			  err);
	if (!d)
		return NULL;
	/* as QEMU: a bad -global only warns for a hot-plugged device */
	if (hotplug && global_check(m, cls->name, o, err) < 0) {
		warn_report("%s", (*err)->message);
		g_clear_error(err);
	}
	if ((!hotplug && global_check(m, cls->name, o, err) < 0) ||
	    device_check_unused(o, cls->name, err) < 0) {
		if (hotplug)
			device_discard(d);
		return NULL;
	}
	if (!id)
		d->anon_index = m->anon_devices++;
	return d;
}

struct device *device_create_from_opts(struct machine *m, struct opts *o, GError **err)
{
	return device_from_opts(m, o, false, err);
}

struct device *device_find(struct machine *m, const char *id)
{
	const char *prefix = "/machine/peripheral/";

	if (g_str_has_prefix(id, prefix))
		id += strlen(prefix);
	for (unsigned i = 0; m->devices && i < m->devices->len; i++) {
		struct device *d = g_ptr_array_index(m->devices, i);

		if (d->id && d->opts && !d->gone && !strcmp(d->id, id))
			return d;
	}
	return NULL;
}

char *device_qom_path(struct device *dev)
{
	if (dev->id)
		return g_strdup_printf("/machine/peripheral/%s", dev->id);
	return g_strdup_printf("/machine/peripheral-anon/device[%u]", dev->anon_index);
}

struct device *device_hotplug(struct machine *m, struct opts *o, GError **err)
{
	struct device *d = device_from_opts(m, o, true, err);

	if (!d)
		return NULL;
	if (d->cls->self_hotplug)
		return d;
	if (!m->board || !m->board->hotplug) {
		error_setg(err, "Bus 'pci.0' does not support hotplugging");
		device_discard(d);
		return NULL;
	}
	if (m->board->hotplug(m, d, err) < 0) {
		device_discard(d);
		return NULL;
	}
	return d;
}

int device_unplug_request(struct device *dev, GError **err)
{
	struct machine *m = dev->m;

	if (dev->cls->no_hotplug) {
		error_setg(err, "Device '%s' does not support hotplugging", dev->cls->name);
		return -ENOTSUP;
	}
	if (dev->cls->self_hotplug) {
		/* detached when destroyed; DEVICE_DELETED follows from the main loop */
		device_destroy_later(dev);
		return 0;
	}
	if ((!dev->cls->cpu && (!dev->cls->bus || strcmp(dev->cls->bus, "PCI"))) ||
	    !m->board || !m->board->unplug_request) {
		error_setg(err, "Bus '%s' does not support hotplugging",
			   dev->cls->bus ? "isa.0" : "main-system-bus");
		return -ENOTSUP;
	}
	if (dev->unplug_pending) {
		error_setg(err, "Device %s is already in the process of unplug",
			   dev->id ? dev->id : dev->cls->name);
		return -EBUSY;
	}
	if (m->board->unplug_request(m, dev, err) < 0)
		return -EINVAL;
	dev->unplug_pending = true;
	return 0;
}

static void device_deleted_event(struct device *dev)
{
	char *path = device_qom_path(dev);
	struct machine_event ev = { .kind = MACHINE_EVENT_DEVICE_DELETED };

	if (dev->cls->qom_child) {
		char *child = g_strdup_printf("%s/%s", path, dev->cls->qom_child);

		ev.path = child;
		machine_event(dev->m, &ev);
		g_free(child);
	}
	ev.id = dev->id;
	ev.path = path;
	machine_event(dev->m, &ev);
	g_free(path);
}

void device_destroy(struct device *dev)
{
	struct machine *m = dev->m;

	if (dev->realized && dev->cls->unrealize)
		dev->cls->unrealize(dev);
	machine_del_device(m, dev);
	if (dev->realized && dev->opts)
		device_deleted_event(dev);
	opts_free(dev->opts);
	device_free(dev);
}

static gboolean device_destroy_idle(gpointer opaque)
{
	struct device *dev = opaque;
	struct machine *m = dev->m;

	machine_lock(m);
	device_destroy(dev);
	machine_unlock(m);
	return G_SOURCE_REMOVE;
}

void device_destroy_later(struct device *dev)
{
	GSource *src;

	if (dev->gone)
		return;
	dev->gone = true;
	src = g_idle_source_new();
	g_source_set_callback(src, device_destroy_idle, dev, NULL);
	g_source_attach(src, dev->m->ctx);
	g_source_unref(src);
}
