// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QEMU's "pc-testdev" (ISA), the device kvm-unit-tests' x86 tests talk to.
 * Register behaviour follows QEMU's hw/misc/pc-testdev.c as observed:
 *  - 0xe0-0xe3: a 32-bit scratch register; an access of N bytes at offset
 *    k reads or replaces bits 8k .. 8k+8N-1 (anything above bit 31 drops).
 *  - 0xe8-0xeb: the same register, one byte at a time.
 *  - 0xe4: page flush, 32-bit writes of a guest address.  QEMU briefly
 *    mprotects the host page; here it is accepted and ignored, since a
 *    page made inaccessible under a block worker or another vCPU thread
 *    could crash the VMM.  The guest cannot tell the difference.
 *  - 0x2000 + n (n < 24): writing V sets interrupt line n to V != 0 (QEMU
 *    takes 0-15 only and aborts on 16-23; here they are GSIs 16-23).
 *    Reads give 0.
 *  - 0xff000000: 64 KiB of scratch memory, accesses up to 4 bytes.
 * No reset hook, as in QEMU: the scratch state survives a system reset.
 */
#include <errno.h>
#include <string.h>

#include "hw/misc/testdev.h"
#include "core/irq.h"
#include "core/log.h"
#include "core/machine.h"

static uint32_t pc_testdev_mask(uint64_t addr, unsigned size, int *shift)
{
	unsigned bits = MIN(size, 4u) * 8;

	*shift = (addr & 3) * 8;
	return (uint32_t)((0xffffffffu >> (32 - bits)) << *shift);
}

static uint64_t pc_testdev_ioport_read(void *opaque, uint64_t addr, unsigned size)
{
	struct pc_testdev *s = opaque;
	int shift;
	uint32_t mask = pc_testdev_mask(addr, size, &shift);

	return (s->ioport_data & mask) >> shift;
}

static void pc_testdev_ioport_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct pc_testdev *s = opaque;
	int shift;
	uint32_t mask = pc_testdev_mask(addr, size, &shift);

	s->ioport_data = (s->ioport_data & ~mask) | (uint32_t)(val << shift);
}

static const struct mem_ops pc_testdev_ioport_ops = {
	.read = pc_testdev_ioport_read,
	.write = pc_testdev_ioport_write,
	.min_access = 1,
	.max_access = 4,
};

static const struct mem_ops pc_testdev_ioport_byte_ops = {
	.read = pc_testdev_ioport_read,
	.write = pc_testdev_ioport_write,
	.min_access = 1,
	.max_access = 1,
};

static uint64_t pc_testdev_zero_read(void *opaque, uint64_t addr, unsigned size)
{
	return 0;
}

static void pc_testdev_flush_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	if (size != 4 || addr)
		guest_error("pc-testdev: flush port takes 32-bit writes at 0xe4");
}

static const struct mem_ops pc_testdev_flush_ops = {
	.read = pc_testdev_zero_read,
	.write = pc_testdev_flush_write,
	.min_access = 1,
	.max_access = 4,
};

static void pc_testdev_irq_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct pc_testdev *s = opaque;

	if (addr < PC_TESTDEV_IRQ_LINES)
		irq_set(machine_gsi(s->dev.m, (int)addr), val != 0);
}

static const struct mem_ops pc_testdev_irq_ops = {
	.read = pc_testdev_zero_read,
	.write = pc_testdev_irq_write,
	.min_access = 1,
	.max_access = 1,
};

/* Bytes of [addr, addr+size) inside the window (the rest reads as 0). */
static unsigned pc_testdev_iomem_span(uint64_t addr, unsigned size)
{
	if (addr >= PC_TESTDEV_IOMEM_LEN)
		return 0;
	return MIN(size, PC_TESTDEV_IOMEM_LEN - (unsigned)addr);
}

static uint64_t pc_testdev_iomem_read(void *opaque, uint64_t addr, unsigned size)
{
	struct pc_testdev *s = opaque;
	unsigned n = pc_testdev_iomem_span(addr, size);
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)s->iomem_buf[addr + i] << (8 * i);
	return v;
}

static void pc_testdev_iomem_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct pc_testdev *s = opaque;
	unsigned n = pc_testdev_iomem_span(addr, size);

	for (unsigned i = 0; i < n; i++)
		s->iomem_buf[addr + i] = val >> (8 * i);
}

static const struct mem_ops pc_testdev_iomem_ops = {
	.read = pc_testdev_iomem_read,
	.write = pc_testdev_iomem_write,
	.min_access = 1,
	.max_access = 4,
};

static void pc_testdev_unmap(struct pc_testdev *s)
{
	as_del(&s->ioport);
	as_del(&s->flush);
	as_del(&s->ioport_byte);
	as_del(&s->irq);
	as_del(&s->iomem);
}

static int pc_testdev_realize(struct device *dev, GError **err)
{
	struct pc_testdev *s = container_of(dev, struct pc_testdev, dev);
	struct machine *m = dev->m;

	mr_init_io(&s->ioport, "pc-testdev-ioport", 4, &pc_testdev_ioport_ops, s);
	mr_init_io(&s->flush, "pc-testdev-flush-page", 4, &pc_testdev_flush_ops, s);
	mr_init_io(&s->ioport_byte, "pc-testdev-ioport-byte", 4, &pc_testdev_ioport_byte_ops, s);
	mr_init_io(&s->irq, "pc-testdev-irq-line", PC_TESTDEV_IRQ_LINES, &pc_testdev_irq_ops, s);
	mr_init_io(&s->iomem, "pc-testdev-iomem", PC_TESTDEV_IOMEM_LEN, &pc_testdev_iomem_ops, s);
	if (as_add(&m->io, &s->ioport, 0xe0) < 0 || as_add(&m->io, &s->flush, 0xe4) < 0 ||
	    as_add(&m->io, &s->ioport_byte, 0xe8) < 0 ||
	    as_add(&m->io, &s->irq, PC_TESTDEV_IRQ_BASE) < 0 ||
	    as_add(&m->mem, &s->iomem, PC_TESTDEV_IOMEM_BASE) < 0) {
		pc_testdev_unmap(s);
		error_setg(err, "pc-testdev: its ports (0xe0-0xeb, 0x2000-0x2017) or memory "
			   "(0xff000000) are already in use");
		return -EBUSY;
	}
	return 0;
}

static void pc_testdev_unrealize(struct device *dev)
{
	pc_testdev_unmap(container_of(dev, struct pc_testdev, dev));
}

struct pc_testdev *pc_testdev_create(struct machine *m, GError **err)
{
	struct device *dev = device_create(m, &pc_testdev_class, NULL, NULL, NULL, err);

	return dev ? container_of(dev, struct pc_testdev, dev) : NULL;
}

static const struct vmstate_field pc_testdev_fields[] = {
	VMSTATE_U32(struct pc_testdev, ioport_data),
	VMSTATE_U8_ARRAY(struct pc_testdev, iomem_buf),
	VMSTATE_END,
};

static const struct vmstate_desc pc_testdev_vmstate = {
	.name = "pc-testdev",
	.version = 1,
	.fields = pc_testdev_fields,
};

const struct device_class pc_testdev_class = {
	.name = "pc-testdev",
	.bus = "ISA",
	.instance_size = sizeof(struct pc_testdev),
	.user_creatable = true,
	.realize = pc_testdev_realize,
	.unrealize = pc_testdev_unrealize,
	.vmsd = &pc_testdev_vmstate,
};
