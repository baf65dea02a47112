// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device instances: allocation from a class, realize/reset, -device
 * creation from options, and "-device help" in QEMU's format.
 */
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
		if (classes[i]->user_creatable)
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
	if (global_check(m, cls->name, device_props(d), err) < 0)
		return NULL; /* fatal: the machine is not started */
	return d;
}

static void device_setup_opts(struct device *dev, const void *opts)
{
	dev->opts = (struct opts *)opts;
}

struct device *device_create_from_opts(struct machine *m, struct opts *o, GError **err)
{
	const char *driver = opts_get(o, "driver");
	const struct device_class *cls;
	struct device *d;

	if (!driver) {
		error_setg(err, "-device: missing device type");
		return NULL;
	}
	cls = device_class_find(m->device_classes, driver);
	if (!cls || !cls->user_creatable) {
		error_setg(err, "'%s' is not a valid device model name", driver);
		return NULL;
	}
	d = device_create(m, cls, opts_get(o, "id"), device_setup_opts, o, err);
	if (!d)
		return NULL;
	if (opts_check_unused(o, driver, err) < 0)
		return NULL;
	return d;
}
