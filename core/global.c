// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -global: property defaults per QEMU driver name.  Both of QEMU's forms
 * are taken, DRIVER.PROP=VALUE and driver=D,property=P,value=V.  As in
 * QEMU 7.2, a global reaches every instance of its driver (a -device line's
 * own properties win), a property the driver does not have stops the
 * machine ("can't apply global ..."), and a global that no instance took
 * is only a warning: "has invalid class name" for a driver nobody knows,
 * "not used" for the drivers QEMU cannot hot-plug.  Left out: QEMU's
 * matching by parent type (-global virtio-pci.x, -global device.x).
 */
#include <stdio.h>
#include <string.h>
#include "core/device.h"
#include "core/global.h"
#include "core/log.h"
#include "core/machine.h"

/*
 * QEMU driver names that kvmpc has no class for.  QEMU's pc may leave these
 * out of a machine (so a global for them is silently unused there too)...
 */
static const char *const optional_drivers[] = {
	"kvm-pit", "isa-pit", "hpet", "floppy", "e1000", "e1000e", "rtl8139", "ne2k_pci",
	"pcnet", "ahci", "ich9-ahci", "ide-drive", "isa-parallel", "vmmouse", "i8257",
	"isa-i8259", "kvm-i8259", "ioapic", "kvm-ioapic", "apic", "kvm-apic", "kvmclock",
	"piix3-usb-uhci", "piix4-usb-uhci", "usb-ehci", "ich9-usb-ehci1", "nec-usb-xhci",
	"qemu-xhci", "usb-tablet", "usb-kbd", "usb-mouse", "usb-storage", "usb-hub", "isa-vga",
	"secondary-vga", "bochs-display", "virtio-vga", "virtio-gpu-pci", "virtio-scsi-pci",
	"scsi-hd", "scsi-cd", "virtio-serial-pci", "virtconsole", "virtserialport",
	"virtio-keyboard-pci", "virtio-mouse-pci", "virtio-tablet-pci", "pvpanic", "sga",
	"i6300esb", "ib700", "intel-hda", "hda-duplex", "hda-output", "AC97", "ES1370", "sb16",
	"isa-applesmc", "qemu64-x86_64-cpu", "host-x86_64-cpu", "max-x86_64-cpu",
	"kvm64-x86_64-cpu", "kvm-accel", "tcg-accel", "fw_cfg_mem", "nvdimm", "pc-dimm",
	"vhost-vsock-pci", "ICH9-LPC", "ich9-intel-hda", "pci-bridge", "pcie-root-port",
	"vfio-pci", NULL,
};
/* ...while these are always in QEMU's pc and missing from kvmpc's: say so. */
static const char *const absent_drivers[] = {
	"isa-fdc", "port92", "vmport", "isa-pcspk", NULL,
};
/* QEMU cannot hot-plug these, so an unused global for them draws a warning. */
static const char *const not_hotpluggable[] = { "VGA", "cirrus-vga", NULL };

static bool in_list(const char *const *list, const char *name)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

void global_prop_free(struct global_prop *g)
{
	g_free(g->driver);
	g_free(g->prop);
	g_free(g->value);
	g_free(g);
}

static void global_add(struct machine_config *cfg, const char *driver, const char *prop,
		       const char *value)
{
	struct global_prop *g = g_new0(struct global_prop, 1);

	g->driver = g_strdup(driver);
	g->prop = g_strdup(prop);
	g->value = g_strdup(value);
	if (!cfg->globals)
		cfg->globals = g_ptr_array_new_with_free_func((GDestroyNotify)global_prop_free);
	g_ptr_array_add(cfg->globals, g);
}

/* driver=D,property=P,value=V */
static int global_parse_keyed(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = opts_parse(arg, NULL, err);
	const char *d, *p, *v;
	int ret = -1;

	if (!o)
		return -1;
	for (unsigned i = 0; i < o->keys->len; i++) {
		const char *k = g_ptr_array_index(o->keys, i);
		if (strcmp(k, "driver") && strcmp(k, "property") && strcmp(k, "value")) {
			error_setg(err, "-global %s: Invalid parameter '%s'", arg, k);
			goto out;
		}
	}
	d = opts_get(o, "driver");
	p = opts_get(o, "property");
	v = opts_get(o, "value");
	if (!d || !p || !v) {
		error_setg(err, "-global %s: options 'driver', 'property', and 'value' are required",
			   arg);
		goto out;
	}
	global_add(cfg, d, p, v);
	ret = 0;
out:
	opts_free(o);
	return ret;
}

int global_parse(struct machine_config *cfg, const char *arg, GError **err)
{
	const char *dot = strchr(arg, '.');
	const char *eq = strchr(arg, '=');

	/* QEMU's short form: up to '.', then up to '=', both non-empty */
	if (dot && eq && dot < eq && dot > arg && eq > dot + 1) {
		char *driver = g_strndup(arg, dot - arg);
		char *prop = g_strndup(dot + 1, eq - dot - 1);
		global_add(cfg, driver, prop, eq + 1);
		g_free(driver);
		g_free(prop);
		return 0;
	}
	return global_parse_keyed(cfg, arg, err);
}

/* Set key in o, replacing an earlier value (one entry per key). */
static void opts_replace(struct opts *o, const char *key, const char *val)
{
	for (unsigned i = 0; i < o->keys->len; i++) {
		if (!strcmp(g_ptr_array_index(o->keys, i), key)) {
			g_free(g_ptr_array_index(o->vals, i));
			o->vals->pdata[i] = g_strdup(val);
			return;
		}
	}
	opts_set(o, key, val);
}

struct opts *global_opts(struct machine *m, const char *driver)
{
	GPtrArray *list = m->cfg->globals;
	struct opts *o = NULL;

	for (unsigned i = 0; list && i < list->len; i++) {
		struct global_prop *g = g_ptr_array_index(list, i);
		if (strcmp(g->driver, driver))
			continue;
		if (!o)
			o = opts_new();
		opts_replace(o, g->prop, g->value);
		g->used = true;
	}
	return o;
}

void global_merge(struct machine *m, const char *driver, struct opts *o)
{
	struct opts *g = global_opts(m, driver);

	for (unsigned i = 0; g && i < g->keys->len; i++) {
		const char *k = g_ptr_array_index(g->keys, i);
		if (!opts_has(o, k)) /* the -device line's own value wins */
			opts_set(o, k, g_ptr_array_index(g->vals, i));
	}
	opts_free(g);
}

static bool opts_key_used(struct opts *o, const char *key)
{
	for (unsigned i = 0; i < o->keys->len; i++)
		if (!strcmp(g_ptr_array_index(o->keys, i), key) &&
		    GPOINTER_TO_INT(g_ptr_array_index(o->used, i)))
			return true;
	return false;
}

int global_check(struct machine *m, const char *driver, struct opts *o, GError **err)
{
	GPtrArray *list = m->cfg->globals;

	for (unsigned i = 0; o && list && i < list->len; i++) {
		struct global_prop *g = g_ptr_array_index(list, i);
		if (strcmp(g->driver, driver) || opts_key_used(o, g->prop))
			continue;
		error_setg(err, "can't apply global %s.%s=%s: Property '%s.%s' not found",
			   g->driver, g->prop, g->value, g->driver, g->prop);
		return -1;
	}
	return 0;
}

void global_value_error(GError **err, const char *driver, const char *prop, const char *value,
			const char *msg)
{
	error_setg(err, "can't apply global %s.%s=%s: %s", driver, prop, value, msg);
}

void global_warn_unused(struct machine *m)
{
	GPtrArray *list = m->cfg->globals;

	for (unsigned i = 0; list && i < list->len; i++) {
		struct global_prop *g = g_ptr_array_index(list, i);
		bool known = device_class_find(m->device_classes, g->driver) ||
			in_list(optional_drivers, g->driver);
		if (g->used)
			continue;
		if (in_list(absent_drivers, g->driver))
			warn_report("global %s.%s=%s not used: kvmpc has no %s device", g->driver,
				    g->prop, g->value, g->driver);
		else if (!known)
			warn_report("global %s.%s has invalid class name", g->driver, g->prop);
		else if (in_list(not_hotpluggable, g->driver))
			warn_report("global %s.%s=%s not used", g->driver, g->prop, g->value);
	}
}
