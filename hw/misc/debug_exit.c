// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test exit port ("isa-debug-exit"), as in QEMU: a write of V to any of its
 * iosize ports asks the machine to end with status (V << 1) | 1, so a guest
 * can report pass/fail through the VMM's exit status (the shell sees the
 * low 8 bits).  Reads return 0.  Properties follow QEMU: iobase (0x501),
 * iosize (2).  Works the same under qtest.  No state: empty vmstate.
 */
#include <errno.h>

#include "hw/misc/debug_exit.h"
#include "core/log.h"
#include "core/machine.h"

static uint64_t debug_exit_read(void *opaque, uint64_t addr, unsigned size)
{
	return 0;
}

static void debug_exit_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct debug_exit *d = opaque;
	uint32_t code = ((uint32_t)val << 1) | 1;

	machine_request_shutdown(d->dev.m, (int)code);
}

static const struct mem_ops debug_exit_ops = {
	.read = debug_exit_read,
	.write = debug_exit_write,
	.min_access = 1,
	.max_access = 4,
};

static int debug_exit_parse_opts(struct debug_exit *d, GError **err)
{
	struct opts *o = d->dev.opts;
	uint64_t iobase, iosize;

	if (opts_get_u64(o, "iobase", DEBUG_EXIT_DEFAULT_IOBASE, &iobase, err) < 0 ||
	    opts_get_u64(o, "iosize", DEBUG_EXIT_DEFAULT_IOSIZE, &iosize, err) < 0)
		return -EINVAL;
	d->cfg.iobase = iobase > 0xffff ? 0x10000 - 1 : iobase;
	d->cfg.iosize = iosize > 0xffff ? 0 : iosize;
	if (iobase > 0xffff) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "isa-debug-exit: iobase must be <= 0xffff");
		return -EINVAL;
	}
	return 0;
}

static int debug_exit_realize(struct device *dev, GError **err)
{
	struct debug_exit *d = container_of(dev, struct debug_exit, dev);

	if (dev->opts && debug_exit_parse_opts(d, err) < 0)
		return -EINVAL;
	if (d->cfg.iosize < 1 || d->cfg.iosize > 4 ||
	    d->cfg.iobase + d->cfg.iosize > 0x10000) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "isa-debug-exit: iosize must be 1..4 inside the port space");
		return -EINVAL;
	}
	mr_init_io(&d->region, "debug-exit", d->cfg.iosize, &debug_exit_ops, d);
	if (as_add(&dev->m->io, &d->region, d->cfg.iobase) < 0) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_EXISTS,
			    "isa-debug-exit: I/O port 0x%x is already in use", d->cfg.iobase);
		return -EBUSY;
	}
	return 0;
}

static void debug_exit_unrealize(struct device *dev)
{
	struct debug_exit *d = container_of(dev, struct debug_exit, dev);

	as_del(&d->region);
}

static void debug_exit_setup(struct device *dev, const void *cfg)
{
	container_of(dev, struct debug_exit, dev)->cfg = *(const struct debug_exit_config *)cfg;
}

struct debug_exit *debug_exit_create(struct machine *m, const struct debug_exit_config *cfg,
				     GError **err)
{
	struct device *dev = device_create(m, &debug_exit_isa_class, NULL, debug_exit_setup, cfg, err);

	return dev ? container_of(dev, struct debug_exit, dev) : NULL;
}

static const struct vmstate_field debug_exit_vmstate_fields[] = {
	VMSTATE_END,
};

static const struct vmstate_desc debug_exit_vmstate = {
	.name = "isa-debug-exit",
	.version = 1,
	.fields = debug_exit_vmstate_fields,
};

const struct device_class debug_exit_isa_class = {
	.name = "isa-debug-exit",
	.bus = "ISA",
	.desc = "exit port for tests: writing V exits with (V << 1) | 1 (iobase, iosize)",
	.instance_size = sizeof(struct debug_exit),
	.user_creatable = true,
	.realize = debug_exit_realize,
	.unrealize = debug_exit_unrealize,
	.vmsd = &debug_exit_vmstate,
};
