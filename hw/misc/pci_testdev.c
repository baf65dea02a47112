// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QEMU's "pci-testdev" (PCI 1b36:0005, class 00ff), which kvm-unit-tests'
 * pci test drives.  Behaviour as in QEMU's hw/misc/pci-testdev.c:
 *
 * BAR0 (4 KiB memory) and BAR1 (256 ports) both show the header of the
 * selected test, byte by byte: test number (0), access width (1, always
 * 1), the offset to write to (4, 32-bit), the value to write (8), the
 * count of writes seen (12, 32-bit) and the test's name from 16 ("mmio-
 * no-eventfd" ... "portio-datamatch-eventfd"); its terminating NUL and
 * anything beyond read 0, as does everything with no test selected.
 * A byte written at offset 0 of BAR0 selects mmio test V, of BAR1 portio
 * test V (V < 3), and zeroes its count; V >= 3 deselects.
 *
 * The eventfd tests are what QEMU's ioeventfds make of them: a one-byte
 * write to the test's offset, through the test's own BAR, matching the
 * value for datamatch, is swallowed by the "eventfd" and not counted.
 * Any other write is split into bytes; a byte at the offset counts unless
 * the test matches data and the byte differs.  No real eventfd is used.
 * Property "membar" adds an empty prefetchable 64-bit BAR2 of that size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/misc/testdev.h"
#include "core/log.h"
#include "core/machine.h"

#define TESTDEV_MEM_SIZE 4096   /* 2 x 2048 */
#define TESTDEV_IO_SIZE 256     /* 2 x 128 */
#define TESTDEV_DATAMATCH 0xfa
#define TESTDEV_NOMATCH 0xce

enum { TEST_NO_EVENTFD, TEST_WILDCARD, TEST_DATAMATCH };
enum { TYPE_MMIO, TYPE_PORTIO };

static const char *const kind_names[] = { "no-eventfd", "wildcard-eventfd", "datamatch-eventfd" };
static const char *const type_names[] = { "mmio", "portio" };

static unsigned test_kind(unsigned t) { return t % 3; }
static unsigned test_type(unsigned t) { return t / 3; }

static uint32_t test_offset(unsigned t)
{
	return (test_type(t) == TYPE_MMIO ? 2048 : 128) + t;
}

static uint8_t test_data(unsigned t)
{
	return test_kind(t) == TEST_WILDCARD ? TESTDEV_NOMATCH : TESTDEV_DATAMATCH;
}

/* Byte off of test t's header (0 past the name's last character). */
static uint8_t test_header_byte(struct pci_testdev *d, unsigned t, uint64_t off)
{
	char name[PCI_TESTDEV_HDR_MAX];
	uint32_t v;
	size_t bufsize;

	snprintf(name, sizeof(name), "%s-%s", type_names[test_type(t)], kind_names[test_kind(t)]);
	bufsize = 16 + strlen(name) + 1;
	if (off + 1 >= bufsize)
		return 0;
	switch (off) {
	case 0: return t;
	case 1: return 1;
	case 4: case 5: case 6: case 7:
		v = test_offset(t);
		return v >> (8 * (off - 4));
	case 8: return test_data(t);
	case 12: case 13: case 14: case 15:
		return d->count[t] >> (8 * (off - 12));
	default:
		return off >= 16 ? (uint8_t)name[off - 16] : 0;
	}
}

static struct pci_testdev *testdev_of(struct mem_region *r, int type)
{
	if (type == TYPE_MMIO)
		return container_of(r, struct pci_testdev, mmio);
	return container_of(r, struct pci_testdev, portio);
}

static uint64_t testdev_read(struct pci_testdev *d, uint64_t addr, unsigned size)
{
	uint64_t v = 0;

	if (d->current == PCI_TESTDEV_NONE)
		return 0;
	d->notified &= ~(1u << d->current);
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)test_header_byte(d, d->current, addr + i) << (8 * i);
	return v;
}

static void testdev_select(struct pci_testdev *d, int type, uint8_t v)
{
	d->current = PCI_TESTDEV_NONE;
	if (v >= 3)
		return;
	d->current = type * 3 + v;
	d->count[d->current] = 0;
	d->notified &= ~(1u << d->current);
}

static void testdev_write_byte(struct pci_testdev *d, int type, uint64_t addr, uint8_t v)
{
	unsigned t = d->current;

	if (addr == 0) {
		testdev_select(d, type, v);
		return;
	}
	if (t == PCI_TESTDEV_NONE || addr != test_offset(t))
		return;
	if (test_kind(t) != TEST_WILDCARD && v != test_data(t))
		return;
	d->count[t]++;
}

/* Would QEMU's ioeventfd for the current test take this write? */
static bool testdev_eventfd(struct pci_testdev *d, int type, uint64_t addr, uint64_t val,
			    unsigned size)
{
	unsigned t = d->current;

	if (t == PCI_TESTDEV_NONE || test_kind(t) == TEST_NO_EVENTFD ||
	    test_type(t) != (unsigned)type || addr != test_offset(t) || size != 1)
		return false;
	return test_kind(t) == TEST_WILDCARD || (val & 0xff) == test_data(t);
}

/* One naturally aligned piece of a write, as QEMU's dispatcher makes them. */
static void testdev_write_piece(struct pci_testdev *d, int type, uint64_t addr, uint64_t val,
				unsigned size)
{
	if (testdev_eventfd(d, type, addr, val, size)) {
		d->notified |= 1u << d->current;
		return;
	}
	for (unsigned i = 0; i < size; i++)
		testdev_write_byte(d, type, addr + i, val >> (8 * i));
}

static void testdev_write(struct pci_testdev *d, int type, uint64_t addr, uint64_t val,
			  unsigned size)
{
	unsigned done = 0;

	while (done < size) {
		unsigned n = 1;

		while (n * 2 <= size - done && !((addr + done) & (n * 2 - 1)))
			n *= 2;
		testdev_write_piece(d, type, addr + done, val >> (8 * done), n);
		done += n;
	}
}

static uint64_t testdev_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
	return testdev_read(testdev_of(opaque, TYPE_MMIO), addr, size);
}

static void testdev_mmio_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	testdev_write(testdev_of(opaque, TYPE_MMIO), TYPE_MMIO, addr, val, size);
}

static uint64_t testdev_pio_read(void *opaque, uint64_t addr, unsigned size)
{
	return testdev_read(testdev_of(opaque, TYPE_PORTIO), addr, size);
}

static void testdev_pio_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	testdev_write(testdev_of(opaque, TYPE_PORTIO), TYPE_PORTIO, addr, val, size);
}

static const struct mem_ops testdev_mmio_ops = {
	.read = testdev_mmio_read,
	.write = testdev_mmio_write,
	.min_access = 1,
	.max_access = 4,
};

static const struct mem_ops testdev_pio_ops = {
	.read = testdev_pio_read,
	.write = testdev_pio_write,
	.min_access = 1,
	.max_access = 4,
};

/* BAR2 is an empty window: reads 0, writes vanish. */
static uint64_t testdev_membar_read(void *opaque, uint64_t addr, unsigned size)
{
	return 0;
}

static void testdev_membar_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
}

static const struct mem_ops testdev_membar_ops = {
	.read = testdev_membar_read,
	.write = testdev_membar_write,
	.min_access = 1,
	.max_access = 8,
};

static int testdev_parse_opts(struct pci_testdev *d, GError **err)
{
	struct opts *o = d->pci.dev.opts;
	const char *addr = opts_get(o, "addr");

	if (opts_get_size(o, "membar", 0, &d->cfg.membar, err) < 0)
		return -EINVAL;
	if (addr) {
		char *end;
		unsigned long slot = strtoul(addr, &end, 16), fn = 0;

		if (*end == '.')
			fn = strtoul(end + 1, &end, 16);
		if (*end || end == addr || slot > 31 || fn > 7) {
			error_setg(err, "pci-testdev: bad addr '%s' (slot[.function])", addr);
			return -EINVAL;
		}
		d->cfg.devfn = slot << 3 | fn;
	}
	return 0;
}

static int pci_testdev_realize(struct device *dev, GError **err)
{
	struct pci_testdev *d = container_of(dev, struct pci_testdev, pci.dev);
	uint64_t mb;

	if (dev->opts) {
		d->cfg.devfn = -1;
		if (testdev_parse_opts(d, err) < 0)
			return -EINVAL;
	}
	mb = d->cfg.membar;
	if (mb && ((mb & (mb - 1)) || mb > (1ULL << 40))) {
		error_setg(err, "pci-testdev: membar must be a power of two up to 1T");
		return -EINVAL;
	}
	if (!d->bus)
		d->bus = dev->m->pci;
	if (!d->bus) {
		error_setg(err, "pci-testdev: no PCI bus");
		return -ENODEV;
	}
	d->current = PCI_TESTDEV_NONE;
	pci_config_set_ids(&d->pci, PCI_TESTDEV_VENDOR, PCI_TESTDEV_DEVICE, 0, 0x00ff00);
	d->pci.config[PCI_INTERRUPT_PIN] = 0;
	mr_init_io(&d->mmio, "pci-testdev-mmio", TESTDEV_MEM_SIZE, &testdev_mmio_ops, &d->mmio);
	mr_init_io(&d->portio, "pci-testdev-portio", TESTDEV_IO_SIZE, &testdev_pio_ops, &d->portio);
	pci_register_bar(&d->pci, 0, PCI_BAR_MEM32, false, &d->mmio);
	pci_register_bar(&d->pci, 1, PCI_BAR_IO, false, &d->portio);
	if (mb) {
		mr_init_io(&d->membar, "pci-testdev-membar", mb, &testdev_membar_ops, d);
		pci_register_bar(&d->pci, 2, PCI_BAR_MEM64, true, &d->membar);
	}
	return pci_device_attach(d->bus, &d->pci, d->cfg.devfn, err) < 0 ? -EINVAL : 0;
}

static void pci_testdev_reset(struct device *dev)
{
	struct pci_testdev *d = container_of(dev, struct pci_testdev, pci.dev);

	pci_device_reset(&d->pci);
	d->current = PCI_TESTDEV_NONE;
}

static int pci_testdev_post_load(void *opaque)
{
	struct pci_testdev *d = opaque;

	if (d->current >= PCI_TESTDEV_NTESTS)
		d->current = PCI_TESTDEV_NONE;
	return pci_device_post_load(&d->pci);
}

/* What pci_testdev_create hands to the instance before realize. */
struct pci_testdev_args {
	struct pci_bus *bus;
	const struct pci_testdev_config *cfg;
};

static void pci_testdev_setup(struct device *dev, const void *arg)
{
	const struct pci_testdev_args *a = arg;
	struct pci_testdev *d = container_of(dev, struct pci_testdev, pci.dev);

	d->cfg = *a->cfg;
	d->bus = a->bus;
}

struct pci_testdev *pci_testdev_create(struct machine *m, struct pci_bus *bus,
				       const struct pci_testdev_config *cfg, GError **err)
{
	struct pci_testdev_args a = { bus, cfg };
	struct device *dev = device_create(m, &pci_testdev_class, NULL, pci_testdev_setup, &a, err);

	return dev ? container_of(dev, struct pci_testdev, pci.dev) : NULL;
}

static const struct vmstate_field pci_testdev_fields[] = {
	VMSTATE_U8_ARRAY(struct pci_testdev, pci.config),
	VMSTATE_U32(struct pci_testdev, current),
	VMSTATE_U32_ARRAY(struct pci_testdev, count),
	VMSTATE_U32(struct pci_testdev, notified),
	VMSTATE_END,
};

static const struct vmstate_desc pci_testdev_vmstate = {
	.name = "pci-testdev",
	.version = 1,
	.fields = pci_testdev_fields,
	.post_load = pci_testdev_post_load,
};

const struct device_class pci_testdev_class = {
	.name = "pci-testdev",
	.bus = "PCI",
	.desc = "PCI Test Device",
	.instance_size = sizeof(struct pci_testdev),
	.user_creatable = true,
	.realize = pci_testdev_realize,
	.reset = pci_testdev_reset,
	.vmsd = &pci_testdev_vmstate,
};
