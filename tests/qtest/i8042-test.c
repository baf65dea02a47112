// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * i8042 keyboard controller with its PS/2 keyboard and mouse through qtest:
 * the SeaBIOS POST transcript (docs/machine-contract.md 6.3), status values,
 * keyboard echo raising and dropping IRQ 1 (docs/qtest-protocol.md's example),
 * scan code set queries with and without translation, the keyboard ID,
 * writes to the output buffer, the output port and A20, the mouse behind
 * 0xd4 with its ACKs flagged by status bit 5 and IRQ 12, the mouse status
 * and the IntelliMouse knocks.  Everything runs against QEMU too with the
 * same assertions; only the status CMD/DATA bit (QEMU keeps it set) is
 * checked on kvmpc alone.
 */
#include <glib.h>

#include "tests/lib/libqtest.h"

#define DATA		0x60
#define CMD		0x64

#define STAT_OBF	0x01
#define STAT_CMD	0x08
#define STAT_AUX	0x20

static struct qtest *start(void)
{
	struct qtest *q = qtest_start("-nodefaults");

	qtest_irq_intercept_in(q, "ioapic");
	return q;
}

/* Status without the CMD/DATA bit, which QEMU never clears. */
static uint8_t status(struct qtest *q)
{
	return qtest_inb(q, CMD) & ~STAT_CMD;
}

/* Expect a keyboard-side byte waiting, then read it. */
static void expect_kbd(struct qtest *q, uint8_t val)
{
	g_assert_cmphex(qtest_inb(q, CMD) & (STAT_OBF | STAT_AUX), ==, STAT_OBF);
	g_assert_cmphex(qtest_inb(q, DATA), ==, val);
}

static void expect_aux(struct qtest *q, uint8_t val)
{
	g_assert_cmphex(qtest_inb(q, CMD) & (STAT_OBF | STAT_AUX), ==,
			STAT_OBF | STAT_AUX);
	g_assert_cmphex(qtest_inb(q, DATA), ==, val);
}

static void expect_empty(struct qtest *q)
{
	g_assert_cmphex(qtest_inb(q, CMD) & STAT_OBF, ==, 0);
}

static void write_mode(struct qtest *q, uint8_t mode)
{
	qtest_outb(q, CMD, 0x60);
	qtest_outb(q, DATA, mode);
}

static void kbd_cmd(struct qtest *q, uint8_t val)
{
	qtest_outb(q, DATA, val);
}

static void aux_cmd(struct qtest *q, uint8_t val)
{
	qtest_outb(q, CMD, 0xd4);
	qtest_outb(q, DATA, val);
}

static void test_reset_state(void)
{
	struct qtest *q = start();

	g_assert_cmphex(qtest_inb(q, CMD), ==, 0x18);
	qtest_outb(q, CMD, 0x20);
	g_assert_cmphex(qtest_inb(q, CMD), ==, 0x19);
	g_assert_cmphex(qtest_inb(q, DATA), ==, 0x03);
	g_assert_cmphex(qtest_inb(q, CMD), ==, 0x18);
	g_assert_false(qtest_get_irq(q, 1));
	qtest_quit(q);
}

/* What SeaBIOS 1.16.2 does at POST, with the values QEMU gives. */
static void test_seabios_post(void)
{
	struct qtest *q = start();

	for (int i = 0; i < 16 && (qtest_inb(q, CMD) & STAT_OBF); i++)
		qtest_inb(q, DATA);
	expect_empty(q);
	qtest_outb(q, CMD, 0xad);
	qtest_outb(q, CMD, 0xa7);
	expect_empty(q);

	qtest_outb(q, CMD, 0xaa);
	g_assert_cmphex(qtest_inb(q, CMD), ==, 0x1d);
	g_assert_cmphex(qtest_inb(q, DATA), ==, 0x55);
	g_assert_cmphex(qtest_inb(q, CMD), ==, 0x1c);
	qtest_outb(q, CMD, 0xab);
	expect_kbd(q, 0x00);

	write_mode(q, 0x30);
	write_mode(q, 0x20);
	kbd_cmd(q, 0xff);
	g_assert_cmphex(status(q), ==, 0x15);
	expect_kbd(q, 0xfa);
	expect_kbd(q, 0xaa);
	expect_empty(q);

	write_mode(q, 0x30);
	write_mode(q, 0x20);
	kbd_cmd(q, 0xf5);
	expect_kbd(q, 0xfa);
	write_mode(q, 0x30);
	write_mode(q, 0x20);
	kbd_cmd(q, 0xf0);
	expect_kbd(q, 0xfa);
	kbd_cmd(q, 0x02);
	expect_kbd(q, 0xfa);
	write_mode(q, 0x70);
	write_mode(q, 0x60);
	kbd_cmd(q, 0xf4);
	expect_kbd(q, 0xfa);
	expect_empty(q);

	write_mode(q, 0x61);
	qtest_outb(q, CMD, 0x20);
	expect_kbd(q, 0x61);
	g_assert_cmphex(qtest_inb(q, CMD), ==, 0x1c);
	g_assert_false(qtest_get_irq(q, 1));
	g_assert_false(qtest_get_irq(q, 12));
	qtest_quit(q);
}

static void test_echo_irq(void)
{
	struct qtest *q = start();

	qtest_outb(q, DATA, 0xee);
	g_assert_true(qtest_get_irq(q, 1));
	g_assert_cmphex(qtest_inb(q, DATA), ==, 0xee);
	g_assert_false(qtest_get_irq(q, 1));
	/* the buffer keeps its last byte; reading again changes nothing */
	g_assert_cmphex(qtest_inb(q, DATA), ==, 0xee);
	g_assert_false(qtest_get_irq(q, 1));

	/* with the keyboard interrupt off the byte waits without IRQ 1 */
	write_mode(q, 0x00);
	kbd_cmd(q, 0xee);
	g_assert_false(qtest_get_irq(q, 1));
	expect_kbd(q, 0xee);
	/* turning it on with a byte waiting raises IRQ 1 at once */
	kbd_cmd(q, 0xee);
	write_mode(q, 0x01);
	g_assert_true(qtest_get_irq(q, 1));
	expect_kbd(q, 0xee);
	g_assert_false(qtest_get_irq(q, 1));
	qtest_quit(q);
}

static void query_set(struct qtest *q, uint8_t expect)
{
	kbd_cmd(q, 0xf0);
	expect_kbd(q, 0xfa);
	kbd_cmd(q, 0x00);
	expect_kbd(q, 0xfa);
	expect_kbd(q, expect);
	expect_empty(q);
}

static void select_set(struct qtest *q, uint8_t set)
{
	kbd_cmd(q, 0xf0);
	expect_kbd(q, 0xfa);
	kbd_cmd(q, set);
	expect_kbd(q, 0xfa);
}

static void test_scancode_sets(void)
{
	struct qtest *q = start();

	write_mode(q, 0x00);
	query_set(q, 0x02);
	write_mode(q, 0x40); /* XLATE: the answer goes through the table */
	query_set(q, 0x41);
	select_set(q, 1);
	query_set(q, 0x43);
	write_mode(q, 0x00);
	query_set(q, 0x01);
	select_set(q, 3);
	query_set(q, 0x03);
	write_mode(q, 0x40);
	query_set(q, 0x3f);
	/* reset returns to set 2 */
	kbd_cmd(q, 0xff);
	expect_kbd(q, 0xfa);
	expect_kbd(q, 0xaa);
	query_set(q, 0x41);
	qtest_quit(q);
}

static void test_identify(void)
{
	struct qtest *q = start();

	write_mode(q, 0x00);
	kbd_cmd(q, 0xf2);
	expect_kbd(q, 0xfa);
	expect_kbd(q, 0xab);
	expect_kbd(q, 0x83);
	expect_empty(q);
	write_mode(q, 0x40);
	kbd_cmd(q, 0xf2);
	expect_kbd(q, 0xfa);
	expect_kbd(q, 0xab);
	expect_kbd(q, 0x41);
	/* LEDs and typematic take a parameter byte, each acknowledged */
	kbd_cmd(q, 0xed);
	expect_kbd(q, 0xfa);
	kbd_cmd(q, 0x07);
	expect_kbd(q, 0xfa);
	kbd_cmd(q, 0xf3);
	expect_kbd(q, 0xfa);
	kbd_cmd(q, 0x20);
	expect_kbd(q, 0xfa);
	expect_empty(q);
	qtest_quit(q);
}

static void test_output_buffer_writes(void)
{
	struct qtest *q = start();

	qtest_outb(q, CMD, 0xd2);
	qtest_outb(q, DATA, 0x42);
	g_assert_true(qtest_get_irq(q, 1));
	expect_kbd(q, 0x42);
	g_assert_false(qtest_get_irq(q, 1));
	qtest_outb(q, CMD, 0xd3);
	qtest_outb(q, DATA, 0x43);
	g_assert_true(qtest_get_irq(q, 12));
	g_assert_false(qtest_get_irq(q, 1));
	expect_aux(q, 0x43);
	g_assert_false(qtest_get_irq(q, 12));
	/* interface tests pass */
	qtest_outb(q, CMD, 0xa9);
	expect_kbd(q, 0x00);
	qtest_outb(q, CMD, 0xab);
	expect_kbd(q, 0x00);
	qtest_quit(q);
}

static void test_output_port(void)
{
	struct qtest *q = start();

	write_mode(q, 0x00);
	qtest_outb(q, CMD, 0xd0);
	expect_kbd(q, 0xcf); /* not in reset, A20 on */
	qtest_outb(q, CMD, 0xd1);
	qtest_outb(q, DATA, 0xcd); /* A20 off, bit 0 kept high */
	qtest_outb(q, CMD, 0xd0);
	expect_kbd(q, 0xcd);
	qtest_outb(q, CMD, 0xdf);
	qtest_outb(q, CMD, 0xd0);
	expect_kbd(q, 0xcf);
	qtest_outb(q, CMD, 0xdd);
	qtest_outb(q, CMD, 0xd0);
	expect_kbd(q, 0xcd);
	qtest_outb(q, CMD, 0xc0);
	expect_kbd(q, 0x80);
	qtest_quit(q);
}

static void test_mouse_enable(void)
{
	struct qtest *q = start();

	qtest_outb(q, CMD, 0xa8);
	aux_cmd(q, 0xf4);
	g_assert_true(qtest_get_irq(q, 12));
	g_assert_false(qtest_get_irq(q, 1));
	expect_aux(q, 0xfa);
	g_assert_false(qtest_get_irq(q, 12));
	expect_empty(q);

	aux_cmd(q, 0xe9);
	expect_aux(q, 0xfa);
	expect_aux(q, 0x20); /* stream, reporting on, 1:1 */
	/* resolution and rate before the first reset: QEMU says 0, 0 */
	g_assert_cmphex(qtest_inb(q, CMD) & 0x21, ==, 0x21);
	qtest_inb(q, DATA);
	g_assert_cmphex(qtest_inb(q, CMD) & 0x21, ==, 0x21);
	qtest_inb(q, DATA);
	aux_cmd(q, 0xe7);
	expect_aux(q, 0xfa);
	aux_cmd(q, 0xe8);
	expect_aux(q, 0xfa);
	aux_cmd(q, 0x03);
	expect_aux(q, 0xfa);
	aux_cmd(q, 0xf3);
	expect_aux(q, 0xfa);
	aux_cmd(q, 40);
	expect_aux(q, 0xfa);
	aux_cmd(q, 0xf0); /* remote mode */
	expect_aux(q, 0xfa);
	aux_cmd(q, 0xe9);
	expect_aux(q, 0xfa);
	expect_aux(q, 0x70);
	expect_aux(q, 0x03);
	expect_aux(q, 40);

	/* reset: ACK, self-test passed, ID 0; back to defaults */
	aux_cmd(q, 0xff);
	expect_aux(q, 0xfa);
	expect_aux(q, 0xaa);
	expect_aux(q, 0x00);
	aux_cmd(q, 0xe9);
	expect_aux(q, 0xfa);
	expect_aux(q, 0x00);
	expect_aux(q, 0x02);
	expect_aux(q, 0x64);
	expect_empty(q);
	qtest_quit(q);
}

static void set_rate(struct qtest *q, uint8_t rate)
{
	aux_cmd(q, 0xf3);
	expect_aux(q, 0xfa);
	aux_cmd(q, rate);
	expect_aux(q, 0xfa);
}

static void expect_mouse_id(struct qtest *q, uint8_t id)
{
	aux_cmd(q, 0xf2);
	expect_aux(q, 0xfa);
	expect_aux(q, id);
}

static void test_intellimouse(void)
{
	struct qtest *q = start();

	write_mode(q, 0x00);
	expect_mouse_id(q, 0x00);
	set_rate(q, 200);
	set_rate(q, 100);
	set_rate(q, 80);
	expect_mouse_id(q, 0x03);
	set_rate(q, 200);
	set_rate(q, 200);
	set_rate(q, 80);
	expect_mouse_id(q, 0x04);
	/* reset forgets the knock */
	aux_cmd(q, 0xff);
	expect_aux(q, 0xfa);
	expect_aux(q, 0xaa);
	expect_aux(q, 0x00);
	expect_mouse_id(q, 0x00);
	/* a wrong sequence does nothing */
	set_rate(q, 200);
	set_rate(q, 80);
	set_rate(q, 100);
	expect_mouse_id(q, 0x00);
	qtest_quit(q);
}

/* Mouse bytes wait while the aux interface is disabled. */
static void test_aux_disable(void)
{
	struct qtest *q = start();

	write_mode(q, 0x00);
	aux_cmd(q, 0xf2);	/* sending re-enables the interface */
	qtest_outb(q, CMD, 0xa7);
	expect_aux(q, 0xfa);	/* already in the buffer */
	expect_empty(q);	/* the ID waits */
	qtest_outb(q, CMD, 0xa8);
	expect_aux(q, 0x00);
	qtest_quit(q);
}

static void test_cmd_data_bit(void)
{
	struct qtest *q = start();

	if (qtest_is_qemu(q)) {
		qtest_quit(q);
		g_test_skip("QEMU keeps status bit 3 set after data writes");
		return;
	}
	write_mode(q, 0x00);
	g_assert_cmphex(qtest_inb(q, CMD), ==, 0x10);
	qtest_outb(q, CMD, 0x20);
	g_assert_cmphex(qtest_inb(q, CMD), ==, 0x19);
	qtest_quit(q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/i8042/reset-state", test_reset_state);
	g_test_add_func("/i8042/seabios-post", test_seabios_post);
	g_test_add_func("/i8042/echo-irq", test_echo_irq);
	g_test_add_func("/i8042/scancode-sets", test_scancode_sets);
	g_test_add_func("/i8042/identify", test_identify);
	g_test_add_func("/i8042/output-buffer-writes", test_output_buffer_writes);
	g_test_add_func("/i8042/output-port", test_output_port);
	g_test_add_func("/i8042/mouse-enable", test_mouse_enable);
	g_test_add_func("/i8042/intellimouse", test_intellimouse);
	g_test_add_func("/i8042/aux-disable", test_aux_disable);
	g_test_add_func("/i8042/cmd-data-bit", test_cmd_data_bit);
	return g_test_run();
}
