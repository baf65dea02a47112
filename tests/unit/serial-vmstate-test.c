// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * isa-serial on a bare machine: save -> reset -> load restores registers,
 * FIFO contents, the interrupt line and the pending character timeout; a
 * snapshot with out-of-range FIFO indices is tamed instead of trusted; the
 * -device path takes the COMn defaults and rejects a taken port range.
 */
#include <string.h>
#include <glib.h>

#include "hw/char/serial.h"
#include "core/chardev.h"
#include "core/machine.h"
#include "system/device-list.h"
#include "core/opts.h"
#include "core/vmstate.h"

/* A machine whose -device table is the program's (for -device serial-isa). */
static struct machine *serial_test_machine(void)
{
	struct machine *m = machine_new(NULL);

	m->device_classes = device_classes;
	return m;
}

static uint8_t in8(struct machine *m, uint16_t port)
{
	return as_read(&m->io, port, 1);
}

static void out8(struct machine *m, uint16_t port, uint8_t v)
{
	as_write(&m->io, port, v, 1);
}

static struct serial *make_com1(struct machine *m)
{
	struct serial_config cfg;
	struct serial *s;
	GError *err = NULL;

	serial_isa_default(0, &cfg);
	s = serial_isa_create(m, &cfg, &err);
	g_assert_no_error(err);
	g_assert_nonnull(s);
	return s;
}

static void test_roundtrip(void)
{
	struct machine *m = serial_test_machine();
	struct serial *s = make_com1(m);
	const struct vmstate_desc *vmsd = s->dev.cls->vmsd;
	GByteArray *a = g_byte_array_new(), *b = g_byte_array_new();
	GError *err = NULL;

	out8(m, 0x3fb, 0x83);
	out8(m, 0x3f8, 0x01); /* 115200 baud */
	out8(m, 0x3fb, 0x03);
	out8(m, 0x3fa, 0xc7);
	out8(m, 0x3fc, 0x10);
	out8(m, 0x3ff, 0x77);
	out8(m, 0x3f9, 0x01);
	for (int i = 0; i < 5; i++)
		out8(m, 0x3f8, 'a' + i);
	vclock_warp(&m->clock, vclock_ns(&m->clock) + 10000000); /* timeout fires */
	g_assert_cmphex(in8(m, 0x3fa), ==, 0xcc);
	g_assert_cmpint(m->gsi_level[4], ==, 1);
	g_assert_cmphex(in8(m, 0x3f8), ==, 'a'); /* re-arms the timeout */
	g_assert_true(timer_pending(&s->timeout_timer));

	vmstate_save(vmsd, s, a);
	device_reset(&s->dev);
	g_assert_cmphex(in8(m, 0x3fd), ==, 0x60);
	g_assert_cmpint(m->gsi_level[4], ==, 0);
	g_assert_false(timer_pending(&s->timeout_timer));
	g_assert_cmpint(vmstate_load(vmsd, s, a->data, a->len, &err), ==, (long)a->len);
	g_assert_no_error(err);
	vmstate_save(vmsd, s, b);
	g_assert_cmpmem(a->data, a->len, b->data, b->len);

	g_assert_true(timer_pending(&s->timeout_timer));
	g_assert_cmphex(in8(m, 0x3fb), ==, 0x03);
	g_assert_cmphex(in8(m, 0x3ff), ==, 0x77);
	g_assert_cmphex(in8(m, 0x3fc), ==, 0x10);
	g_assert_cmphex(in8(m, 0x3fd), ==, 0x61);
	vclock_warp(&m->clock, vclock_ns(&m->clock) + 10000000);
	g_assert_cmpint(m->gsi_level[4], ==, 1);
	for (int i = 1; i < 5; i++)
		g_assert_cmphex(in8(m, 0x3f8), ==, 'a' + i);
	g_assert_cmphex(in8(m, 0x3fd), ==, 0x60);
	g_assert_cmphex(in8(m, 0x3fa), ==, 0xc1);
	g_assert_cmpint(m->gsi_level[4], ==, 0);
	g_byte_array_free(a, TRUE);
	g_byte_array_free(b, TRUE);
}

static void test_hostile_snapshot(void)
{
	struct machine *m = serial_test_machine();
	struct serial *s = make_com1(m);
	const struct vmstate_desc *vmsd = s->dev.cls->vmsd;
	GByteArray *a = g_byte_array_new();

	out8(m, 0x3fa, 0x01);
	s->rx_head = 200;
	s->rx_count = 250;
	s->rx_itl = 99;
	s->lsr |= 0x01;
	vmstate_save(vmsd, s, a);
	device_reset(&s->dev);
	g_assert_cmpint(vmstate_load(vmsd, s, a->data, a->len, NULL), >, 0);
	g_assert_cmpuint(s->rx_head, <, SERIAL_FIFO_LEN);
	g_assert_cmpuint(s->rx_count, <=, SERIAL_FIFO_LEN);
	for (int i = 0; i < 40; i++)
		in8(m, 0x3f8);
	g_assert_cmpuint(s->rx_count, ==, 0);
	g_assert_cmphex(in8(m, 0x3fd) & 0x01, ==, 0);
	g_byte_array_free(a, TRUE);
}

/* A hostile guest: random accesses keep every invariant and the IRQ honest. */
static void test_random_accesses(void)
{
	struct machine *m = serial_test_machine();
	struct serial *s = make_com1(m);
	GRand *r = g_rand_new_with_seed(0x16550);
	int seen_irq = 0, seen_full = 0, seen_cti = 0;

	for (int i = 0; i < 200000; i++) {
		uint16_t port = 0x3f8 + g_rand_int_range(r, 0, 8);
		uint8_t iir;

		if (g_rand_int_range(r, 0, 3) == 0)
			out8(m, 0x3f8, g_rand_int_range(r, 0, 256)); /* mostly THR */
		else if (g_rand_boolean(r))
			out8(m, port, g_rand_int_range(r, 0, 256));
		else
			in8(m, port);
		if (!(i % 100))
			vclock_warp(&m->clock, vclock_ns(&m->clock) + 1000000LL *
					       g_rand_int_range(r, 0, 30000));
		g_assert_cmpuint(s->rx_count, <=, SERIAL_FIFO_LEN);
		g_assert_cmpuint(s->rx_head, <, SERIAL_FIFO_LEN);
		iir = s->iir & 0x0f;
		g_assert_true(iir == 0x01 || iir == 0x00 || iir == 0x02 || iir == 0x04 ||
			      iir == 0x06 || iir == 0x0c);
		g_assert_cmpint(m->gsi_level[4], ==, iir != 0x01);
		g_assert_cmpint(s->lsr & 0x01, ==, (s->fcr & 1) ? s->rx_count > 0 : (s->lsr & 1));
		seen_irq += m->gsi_level[4];
		seen_full += s->rx_count == SERIAL_FIFO_LEN;
		seen_cti += iir == 0x0c;
	}
	/* the walk really went through the interesting states */
	g_assert_cmpint(seen_irq, >, 1000);
	g_assert_cmpint(seen_full, >, 0);
	g_assert_cmpint(seen_cti, >, 0);
	g_rand_free(r);
}

static struct device *device_from(struct machine *m, const char *spec, GError **err)
{
	struct opts *o = opts_parse(spec, "driver", err);
	struct device *d = o ? device_create_from_opts(m, o, err) : NULL;

	if (o && !d)
		opts_free(o); /* kept by the device only when it exists */
	return d;
}

static void test_device_opts(void)
{
	struct machine *m = serial_test_machine();
	GError *err = NULL;
	struct device *d1, *d2;

	d1 = device_from(m, "isa-serial", &err);
	g_assert_no_error(err);
	d2 = device_from(m, "isa-serial", &err);
	g_assert_no_error(err);
	g_assert_cmphex(container_of(d1, struct serial, dev)->cfg.iobase, ==, 0x3f8);
	g_assert_cmpint(container_of(d1, struct serial, dev)->cfg.irq, ==, 4);
	g_assert_cmphex(container_of(d2, struct serial, dev)->cfg.iobase, ==, 0x2f8);
	g_assert_cmpint(container_of(d2, struct serial, dev)->cfg.irq, ==, 3);
	g_assert_cmphex(in8(m, 0x2fd), ==, 0x60);

	g_assert_null(device_from(m, "isa-serial,iobase=0x3f8", &err));
	g_assert_cmpstr(err->message, ==,
			"isa-serial: I/O ports 0x3f8-0x3ff are already in use");
	g_clear_error(&err);
	g_assert_null(device_from(m, "isa-serial,chardev=nope", &err));
	g_assert_cmpstr(err->message, ==, "Property 'isa-serial.chardev' can't find value 'nope'");
	g_clear_error(&err);
	/* one frontend per chardev, as in QEMU */
	g_assert_nonnull(chardev_new_opts(m, "null,id=c0", &err));
	g_assert_nonnull(device_from(m, "isa-serial,chardev=c0", &err));
	g_assert_null(device_from(m, "isa-serial,chardev=c0,iobase=0x3e8", &err));
	g_assert_cmpstr(err->message, ==,
			"Property 'isa-serial.chardev' can't take value 'c0': Device 'c0' is in use");
	g_clear_error(&err);
	g_assert_null(device_from(m, "isa-serial,irq=16,iobase=0x100", &err));
	g_assert_nonnull(err);
	g_clear_error(&err);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/serial/vmstate-roundtrip", test_roundtrip);
	g_test_add_func("/serial/hostile-snapshot", test_hostile_snapshot);
	g_test_add_func("/serial/device-opts", test_device_opts);
	g_test_add_func("/serial/random-accesses", test_random_accesses);
	return g_test_run();
}
