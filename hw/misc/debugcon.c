// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Debug console port ("isa-debugcon"), as in Bochs and QEMU: each byte
 * written to the port goes to a character device; reads return a fixed
 * value (0xe9 by default), which is how SeaBIOS decides to keep logging on
 * 0x402 (docs/machine-contract.md §6.8).  Properties follow QEMU: iobase,
 * chardev (required), readback.  No state worth saving: the vmstate table
 * is empty.
 */
#include <errno.h>

#include "hw/misc/debugcon.h"
#include "core/chardev.h"
#include "core/log.h"
#include "core/machine.h"

static uint64_t debugcon_read(void *opaque, uint64_t addr, unsigned size)
{
	struct debugcon *d = opaque;

	return d->cfg.readback;
}

static void debugcon_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct debugcon *d = opaque;
	uint8_t b = val;

	chardev_write(d->cfg.chr, &b, 1);
}

static const struct mem_ops debugcon_ops = {
	.read = debugcon_read,
	.write = debugcon_write,
	.min_access = 1,
	.max_access = 1,
};

void debugcon_default(struct debugcon_config *cfg)
{
	cfg->iobase = DEBUGCON_DEFAULT_IOBASE;
	cfg->readback = DEBUGCON_DEFAULT_READBACK;
	cfg->chr = NULL;
}

static int debugcon_parse_opts(struct debugcon *d, GError **err)
{
	struct opts *o = d->dev.opts;
	const char *chr = opts_get(o, "chardev");
	uint64_t iobase, readback;

	if (opts_get_u64(o, "iobase", DEBUGCON_DEFAULT_IOBASE, &iobase, err) < 0 ||
	    opts_get_u64(o, "readback", DEBUGCON_DEFAULT_READBACK, &readback, err) < 0)
		return -EINVAL;
	if (iobase > 0xffff || readback > 0xff) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "isa-debugcon: iobase must be <= 0xffff and readback <= 0xff");
		return -EINVAL;
	}
	d->cfg.iobase = iobase;
	d->cfg.readback = readback;
	d->cfg.chr = chr ? chardev_lookup(d->dev.m, d->dev.cls->name, chr, err) : NULL;
	if (chr && !d->cfg.chr)
		return -EINVAL;
	return 0;
}

static int debugcon_realize(struct device *dev, GError **err)
{
	struct debugcon *d = container_of(dev, struct debugcon, dev);

	if (dev->opts && debugcon_parse_opts(d, err) < 0)
		return -EINVAL;
	if (!d->cfg.chr) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "isa-debugcon: a chardev is required (chardev=ID)");
		return -EINVAL;
	}
	if (chardev_has_frontend(d->cfg.chr)) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "isa-debugcon: chardev '%s' is in use",
			    chardev_id(d->cfg.chr) ?: "(anonymous)");
		return -EBUSY;
	}
	mr_init_io(&d->region, "debugcon", 1, &debugcon_ops, d);
	if (as_add(&dev->m->io, &d->region, d->cfg.iobase) < 0) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_EXISTS,
			    "isa-debugcon: I/O port 0x%x is already in use", d->cfg.iobase);
		return -EBUSY;
	}
	/* Claim the chardev: output only, no input handlers. */
	chardev_set_frontend(d->cfg.chr, &(struct chr_frontend){ .opaque = d });
	return 0;
}

static void debugcon_unrealize(struct device *dev)
{
	struct debugcon *d = container_of(dev, struct debugcon, dev);

	chardev_set_frontend(d->cfg.chr, NULL);
	as_del(&d->region);
}

static void debugcon_setup(struct device *dev, const void *cfg)
{
	container_of(dev, struct debugcon, dev)->cfg = *(const struct debugcon_config *)cfg;
}

struct debugcon *debugcon_create(struct machine *m, const struct debugcon_config *cfg,
				 GError **err)
{
	struct device *dev = device_create(m, &debugcon_isa_class, NULL, debugcon_setup, cfg, err);

	return dev ? container_of(dev, struct debugcon, dev) : NULL;
}

static const struct vmstate_field debugcon_vmstate_fields[] = {
	VMSTATE_END,
};

static const struct vmstate_desc debugcon_vmstate = {
	.name = "isa-debugcon",
	.version = 1,
	.fields = debugcon_vmstate_fields,
};

const struct device_class debugcon_isa_class = {
	.name = "isa-debugcon",
	.bus = "ISA",
	.desc = "debug console port (chardev=ID, iobase=0xe9, readback=0xe9)",
	.instance_size = sizeof(struct debugcon),
	.user_creatable = true,
	.realize = debugcon_realize,
	.unrealize = debugcon_unrealize,
	.vmsd = &debugcon_vmstate,
};
