// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -device ide-hd / ide-cd: attach a drive (usually -drive if=none,id=X) to
 * a unit of the PIIX3 IDE controller, as QEMU's QOM IDE devices do:
 * drive=X, bus=ide.0|ide.1, unit=0|1 (first free slot when left out),
 * serial= and model= override the IDENTIFY strings; ide-cd without drive=
 * is an empty CD-ROM drive.  bootindex=N is stored in the drive_info for
 * the boot order code (with ide_boot_path() for SeaBIOS's bootorder file).  The unit's state lives in the controller (its vmstate).
 * -global ide-hd.serial/model (ide-cd.*) reach -device units and, as in
 * QEMU where they are ide-hd/ide-cd devices too, the -hda/-cdrom ones.
 * bus=<id>.<port> (QEMU's name for the buses of -device ahci,id=<id>)
 * puts the drive on that AHCI port, whose one unit is unit 0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "block/drive.h"
#include "core/device.h"
#include "core/global.h"
#include "core/machine.h"
#include "hw/ide/ahci.h"
#include "hw/ide/ide.h"

struct ide_dev {
	struct device dev;
	struct ide_unit *unit;
};

extern const struct device_class ide_hd_class;
extern const struct device_class ide_cd_class;

static struct piix_ide *ide_dev_controller(struct machine *m)
{
	for (guint i = 0; m->devices && i < m->devices->len; i++) {
		struct device *d = m->devices->pdata[i];

		if (d->cls == &piix3_ide_class)
			return container_of(d, struct piix_ide, pci.dev);
	}
	return NULL;
}

/* bus=ide.N and unit=U, or the first free slot. */
static struct ide_unit *ide_dev_slot(struct piix_ide *p, struct opts *o, GError **err)
{
	const char *bus_s = opts_get(o, "bus");
	uint64_t unit = UINT64_MAX;
	int bus = -1;

	if (bus_s) {
		if (!strcmp(bus_s, "ide.0"))
			bus = 0;
		else if (!strcmp(bus_s, "ide.1"))
			bus = 1;
		else {
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "Bus '%s' not found", bus_s);
			return NULL;
		}
	}
	if (opts_get_u64(o, "unit", UINT64_MAX, &unit, err) < 0)
		return NULL;
	if (unit != UINT64_MAX && unit > 1) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "Invalid IDE unit %llu (0 or 1)", (unsigned long long)unit);
		return NULL;
	}
	for (int b = 0; b < 2; b++) {
		for (int u = 0; u < 2; u++) {
			struct ide_unit *s = &p->bus[b].units[u];

			if ((bus >= 0 && b != bus) || (unit != UINT64_MAX && u != (int)unit))
				continue;
			if (s->kind == IDE_NONE)
				return s;
		}
	}
	if (bus >= 0 && unit != UINT64_MAX)
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "IDE unit %d on bus ide.%d is already in use", (int)unit, bus);
	else
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "no free IDE unit");
	return NULL;
}

static struct drive_info *ide_dev_drive(struct device *dev, bool cd, GError **err)
{
	const char *id = opts_get(dev->opts, "drive");
	struct drive_info *d;

	if (!id) {
		if (!cd) {
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
				    "No drive specified");
			return NULL;
		}
		d = g_new0(struct drive_info, 1);   /* empty CD-ROM drive */
		d->iface = DRIVE_IF_NONE;
		d->media = DRIVE_MEDIA_CDROM;
		d->read_only = true;
		d->bus = d->unit = d->index = -1;
		d->bootindex = -1;
		d->id = g_strdup_printf("%s-drive", dev->id ? dev->id : "ide-cd");
		if (!dev->m->drives)
			dev->m->drives = g_ptr_array_new();
		g_ptr_array_add(dev->m->drives, d);
		return d;
	}
	d = drive_claim(dev->m, dev->cls->name, id, err);
	if (!d)
		return NULL;
	if (cd) {
		d->media = DRIVE_MEDIA_CDROM;
		d->read_only = true;
	} else if (d->media == DRIVE_MEDIA_CDROM || !d->blk) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "Drive '%s' is not a disk image (use ide-cd)", id);
		return NULL;
	}
	return d;
}

/* serial= and model= override the IDENTIFY strings */
static void ide_dev_set_ids(struct ide_unit *u, struct opts *o)
{
	const char *serial = opts_get(o, "serial"), *model = opts_get(o, "model");

	if (serial)
		snprintf(u->serial, sizeof(u->serial), "%s", serial);
	if (model)
		snprintf(u->model, sizeof(u->model), "%s", model);
}

/* bus=<ahci id>.<port>: that port's unit if it is free; NULL with err set. */
static struct ide_unit *ide_dev_ahci_slot(struct device *dev, const char *bus_s,
					  GError **err)
{
	struct ide_unit *u = ahci_find_unit(dev->m, bus_s);
	uint64_t unit = UINT64_MAX;

	if (!u) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "Bus '%s' not found", bus_s);
		return NULL;
	}
	if (opts_get_u64(dev->opts, "unit", UINT64_MAX, &unit, err) < 0)
		return NULL;
	/* QEMU's words: a taken port means the next unit, which does not exist */
	if (unit == UINT64_MAX)
		unit = u->kind != IDE_NONE;
	else if (unit == 0 && u->kind != IDE_NONE) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "IDE unit 0 is in use");
		return NULL;
	}
	if (unit != 0) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "Can't create IDE unit %llu, bus supports only 1 units",
			    (unsigned long long)unit);
		return NULL;
	}
	return u;
}

static bool ide_dev_is_piix_bus(const char *bus_s)
{
	return !bus_s || !strcmp(bus_s, "ide.0") || !strcmp(bus_s, "ide.1");
}

static int ide_dev_realize(struct device *dev, GError **err)
{
	struct ide_dev *s = container_of(dev, struct ide_dev, dev);
	bool cd = dev->cls == &ide_cd_class;
	struct piix_ide *p = ide_dev_controller(dev->m);
	struct drive_info *d;
	struct ide_unit *u;
	uint64_t bootindex = UINT64_MAX;
	const char *bus_s = opts_get(dev->opts, "bus");

	if (!p && ide_dev_is_piix_bus(bus_s)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "%s: no IDE controller", dev->cls->name);
		return -ENODEV;
	}
	if (opts_get_u64(dev->opts, "bootindex", UINT64_MAX, &bootindex, err) < 0)
		return -EINVAL;
	if (ide_dev_is_piix_bus(bus_s))
		u = ide_dev_slot(p, dev->opts, err);
	else
		u = ide_dev_ahci_slot(dev, bus_s, err);
	if (!u)
		return -EBUSY;
	d = ide_dev_drive(dev, cd, err);
	if (!d || ide_unit_attach(u, d, err) < 0)
		return -EINVAL;
	if (bootindex != UINT64_MAX)
		d->bootindex = (int)MIN(bootindex, (uint64_t)INT32_MAX);
	ide_dev_set_ids(u, dev->opts);
	s->unit = u;
	if (!ide_dev_is_piix_bus(bus_s))
		ahci_unit_attached(u);
	return 0;
}

int ide_dev_legacy_globals(struct machine *m, struct ide_unit *u, const struct drive_info *d,
			   GError **err)
{
	const char *driver = d->media == DRIVE_MEDIA_CDROM ? "ide-cd" : "ide-hd";
	struct opts *o = global_opts(m, driver);
	int ret;

	ide_dev_set_ids(u, o);
	/* what a -device line would read; a -hda unit takes none of these */
	opts_get(o, "drive");
	opts_get(o, "bus");
	opts_get(o, "unit");
	opts_get(o, "bootindex");
	ret = global_check(m, driver, o, err);
	opts_free(o);
	return ret;
}

static const struct vmstate_field ide_dev_fields[] = {
	VMSTATE_END,
};

static const struct vmstate_desc ide_dev_vmstate = {
	.name = "ide-dev",
	.version = 1,
	.fields = ide_dev_fields,
};

const struct device_class ide_hd_class = {
	.name = "ide-hd",
	.bus = "IDE",
	.desc = "virtual IDE disk",
	.instance_size = sizeof(struct ide_dev),
	.user_creatable = true,
	.realize = ide_dev_realize,
	.vmsd = &ide_dev_vmstate,
};

const struct device_class ide_cd_class = {
	.name = "ide-cd",
	.bus = "IDE",
	.desc = "virtual IDE CD-ROM",
	.instance_size = sizeof(struct ide_dev),
	.user_creatable = true,
	.realize = ide_dev_realize,
	.vmsd = &ide_dev_vmstate,
};
