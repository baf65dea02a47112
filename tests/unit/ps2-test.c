// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * i8042 with its PS/2 keyboard and mouse on a bare machine, fed through the
 * UI input API (which qtest cannot reach): keys in scan code sets 1, 2 and
 * 3, with and without the controller's translation, Pause and Print Screen,
 * the translation table against the key table, queue overflow, mouse
 * packets (signs, buttons, large motion split, wheel byte, remote mode),
 * IRQ 1 / IRQ 12 levels, the reset command, and save -> reset -> load of
 * controller, keyboard and mouse.
 */
#include <string.h>
#include <glib.h>

#include "hw/input/i8042.h"
#include "hw/input/ps2.h"
#include "core/machine.h"
#include "core/vmstate.h"

static uint8_t in8(struct machine *m, uint16_t port)
{
	return as_read(&m->io, port, 1);
}

static void out8(struct machine *m, uint16_t port, uint8_t v)
{
	as_write(&m->io, port, v, 1);
}

static struct i8042 *make_kbc(struct machine *m)
{
	GError *err = NULL;
	struct i8042 *s = i8042_create(m, &err);

	g_assert_no_error(err);
	g_assert_nonnull(s);
	return s;
}

static void set_mode(struct machine *m, uint8_t mode)
{
	out8(m, 0x64, 0x60);
	out8(m, 0x60, mode);
}

/* Read everything waiting into buf (keyboard and mouse alike). */
static int drain(struct machine *m, uint8_t *buf, int max)
{
	int n = 0;

	while (n < max && (in8(m, 0x64) & 1))
		buf[n++] = in8(m, 0x60);
	return n;
}

#define EXPECT(m, ...) do { \
	static const uint8_t want_[] = { __VA_ARGS__ }; \
	uint8_t got_[64]; \
	int n_ = drain(m, got_, sizeof(got_)); \
	g_assert_cmpmem(got_, n_, want_, sizeof(want_)); \
} while (0)

static void key(struct i8042 *s, unsigned k)
{
	ps2_kbd_key_event(i8042_kbd(s), k, true);
	ps2_kbd_key_event(i8042_kbd(s), k, false);
}

static void test_translated_keys(void)
{
	struct machine *m = machine_new(NULL);
	struct i8042 *s = make_kbc(m);

	set_mode(m, 0x61); /* what SeaBIOS leaves: XLATE, IRQ 1 */
	key(s, 0x1e);
	g_assert_cmpint(m->gsi_level[1], ==, 1);
	EXPECT(m, 0x1e, 0x9e);
	g_assert_cmpint(m->gsi_level[1], ==, 0);
	key(s, 0x148);	/* Up */
	EXPECT(m, 0xe0, 0x48, 0xe0, 0xc8);
	key(s, 0x41);	/* F7: set 2 0x83 */
	EXPECT(m, 0x41, 0xc1);
	key(s, PS2_KEY_PAUSE);
	EXPECT(m, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
	key(s, PS2_KEY_PRINT);
	EXPECT(m, 0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa);
	key(s, 0x15b);	/* left Windows */
	EXPECT(m, 0xe0, 0x5b, 0xe0, 0xdb);
}

static void test_raw_sets(void)
{
	struct machine *m = machine_new(NULL);
	struct i8042 *s = make_kbc(m);

	set_mode(m, 0x00);
	key(s, 0x1e);
	EXPECT(m, 0x1c, 0xf0, 0x1c);
	key(s, 0x148);
	EXPECT(m, 0xe0, 0x75, 0xe0, 0xf0, 0x75);
	key(s, 0x41);
	EXPECT(m, 0x83, 0xf0, 0x83);
	key(s, PS2_KEY_PAUSE);
	EXPECT(m, 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77);

	out8(m, 0x60, 0xf0);
	out8(m, 0x60, 0x01);
	EXPECT(m, 0xfa, 0xfa);
	key(s, 0x1e);
	key(s, 0x11d);	/* right Ctrl */
	EXPECT(m, 0x1e, 0x9e, 0xe0, 0x1d, 0xe0, 0x9d);

	out8(m, 0x60, 0xf0);
	out8(m, 0x60, 0x03);
	EXPECT(m, 0xfa, 0xfa);
	key(s, 0x1e);
	key(s, 0x01);	/* Esc */
	key(s, 0x148);	/* Up */
	EXPECT(m, 0x1c, 0xf0, 0x1c, 0x08, 0xf0, 0x08, 0x63, 0xf0, 0x63);
	key(s, 0x3b);	/* F1 */
	key(s, 0x44);	/* F10 */
	key(s, 0x135);	/* keypad / */
	EXPECT(m, 0x07, 0xf0, 0x07, 0x4f, 0xf0, 0x4f, 0x77, 0xf0, 0x77);
	g_assert_cmpint(ps2_kbd_scancode_set(i8042_kbd(s)), ==, 3);
}

/* Every set 2 code of the key table translates back to its set 1 code. */
static void test_translation_table(void)
{
	struct machine *m = machine_new(NULL);
	struct i8042 *s = make_kbc(m);
	int checked = 0;

	g_assert_cmphex(ps2_translate_set2(0x00), ==, 0xff);
	g_assert_cmphex(ps2_translate_set2(0x02), ==, 0x41);
	g_assert_cmphex(ps2_translate_set2(0x83), ==, 0x41);
	g_assert_cmphex(ps2_translate_set2(0x84), ==, 0x54);
	g_assert_cmphex(ps2_translate_set2(0xfa), ==, 0xfa);
	g_assert_cmphex(ps2_translate_set2(0xaa), ==, 0xaa);
	set_mode(m, 0x00);
	for (unsigned k = 1; k < 0x80; k++) {
		uint8_t buf[8];
		int n;

		ps2_kbd_key_event(i8042_kbd(s), k, true);
		n = drain(m, buf, sizeof(buf));
		if (n == 0)
			continue;
		g_assert_cmpint(n, ==, 1);
		g_assert_cmphex(ps2_translate_set2(buf[0]), ==, k);
		checked++;
	}
	g_assert_cmpint(checked, >=, 0x58);
}

static void test_disabled_and_overflow(void)
{
	struct machine *m = machine_new(NULL);
	struct i8042 *s = make_kbc(m);
	uint8_t buf[64];

	set_mode(m, 0x00);
	out8(m, 0x60, 0xf5); /* scanning off */
	EXPECT(m, 0xfa);
	key(s, 0x1e);
	EXPECT(m);
	out8(m, 0x60, 0xf4);
	EXPECT(m, 0xfa);
	/* keyboard interface disabled: bytes wait in the keyboard */
	out8(m, 0x64, 0xad);
	for (int i = 0; i < 40; i++)
		ps2_kbd_key_event(i8042_kbd(s), 0x1e, true);
	EXPECT(m);
	out8(m, 0x64, 0xae);
	g_assert_cmpint(drain(m, buf, sizeof(buf)), ==, PS2_EVENT_LIMIT);
	/* a reply still fits when input has filled its share, and goes
	 * out ahead of the waiting scan codes */
	out8(m, 0x64, 0xad);
	for (int i = 0; i < 40; i++)
		ps2_kbd_key_event(i8042_kbd(s), 0x1e, true);
	out8(m, 0x60, 0xee); /* writing to the keyboard enables it again */
	g_assert_cmpint(drain(m, buf, sizeof(buf)), ==, PS2_EVENT_LIMIT + 1);
	g_assert_cmphex(buf[0], ==, 0xee);
	g_assert_cmphex(buf[1], ==, 0x1c);
	g_assert_cmphex(buf[PS2_EVENT_LIMIT], ==, 0x1c);
	/* LEDs */
	out8(m, 0x60, 0xed);
	out8(m, 0x60, 0x05);
	EXPECT(m, 0xfa, 0xfa);
	g_assert_cmphex(ps2_kbd_leds(i8042_kbd(s)), ==, 0x05);
	/* a command in place of the parameter is a command */
	out8(m, 0x60, 0xed);
	out8(m, 0x60, 0xee);
	EXPECT(m, 0xfa, 0xee);
	/* resend repeats the last byte; unknown commands ask for a resend */
	out8(m, 0x60, 0xfe);
	EXPECT(m, 0xee);
	out8(m, 0x60, 0xe0);
	EXPECT(m, 0xfe);
}

static void mouse_cmd(struct machine *m, uint8_t v)
{
	out8(m, 0x64, 0xd4);
	out8(m, 0x60, v);
}

static void test_mouse_packets(void)
{
	struct machine *m = machine_new(NULL);
	struct i8042 *s = make_kbc(m);
	struct ps2_mouse *ms = i8042_mouse(s);

	set_mode(m, 0x02 | 0x40); /* IRQ 12 only */
	ps2_mouse_event(ms, 5, 5, 0, 0); /* reporting still off: ignored */
	EXPECT(m);
	mouse_cmd(m, 0xf4);
	EXPECT(m, 0xfa);
	ps2_mouse_event(ms, 10, 5, 0, 0);
	g_assert_cmpint(m->gsi_level[12], ==, 1);
	g_assert_cmpint(m->gsi_level[1], ==, 0);
	g_assert_cmphex(in8(m, 0x64) & 0x21, ==, 0x21);
	/* y is up in PS/2: screen-down 5 is -5 */
	EXPECT(m, 0x28, 0x0a, 0xfb);
	g_assert_cmpint(m->gsi_level[12], ==, 0);
	ps2_mouse_event(ms, -3, -4, 0, PS2_BUTTON_LEFT | PS2_BUTTON_RIGHT);
	EXPECT(m, 0x1b, 0xfd, 0x04);
	ps2_mouse_event(ms, 0, 0, 0, 0); /* button release alone */
	EXPECT(m, 0x08, 0x00, 0x00);
	/* 600 right: split into packets of at most 255 */
	ps2_mouse_event(ms, 600, 0, 0, 0);
	EXPECT(m, 0x08, 0xff, 0x00, 0x08, 0xff, 0x00, 0x08, 0x5a, 0x00);

	/* wheel after the IntelliMouse knock */
	static const uint8_t knock[] = { 200, 100, 80 };
	for (int i = 0; i < 3; i++) {
		mouse_cmd(m, 0xf3);
		mouse_cmd(m, knock[i]);
	}
	EXPECT(m, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa);
	ps2_mouse_event(ms, 1, 0, 2, 0);
	EXPECT(m, 0x08, 0x01, 0x00, 0x02);
	ps2_mouse_event(ms, 0, 0, -1, 0);
	EXPECT(m, 0x08, 0x00, 0x00, 0xff);

	/* remote mode: nothing until polled */
	mouse_cmd(m, 0xf0);
	EXPECT(m, 0xfa);
	ps2_mouse_event(ms, 7, 0, 0, PS2_BUTTON_MIDDLE);
	EXPECT(m);
	mouse_cmd(m, 0xeb);
	EXPECT(m, 0xfa, 0x0c, 0x07, 0x00, 0x00);
	mouse_cmd(m, 0xe9); /* status shows the middle button */
	EXPECT(m, 0xfa, 0x62, 0x02, 80);
	/* wrap mode echoes */
	mouse_cmd(m, 0xee);
	mouse_cmd(m, 0x12);
	mouse_cmd(m, 0xec);
	EXPECT(m, 0xfa, 0x12, 0xfa);
}

static void test_reset_command(void)
{
	struct machine *m = machine_new(NULL);
	struct i8042 *s = make_kbc(m);

	g_assert_true(i8042_a20(s));
	out8(m, 0x64, 0xd1);
	out8(m, 0x60, 0xdd);
	g_assert_false(i8042_a20(s));
	g_assert_false(m->reset_requested);
	out8(m, 0x64, 0xfe);
	g_assert_true(m->reset_requested);
}

static void roundtrip(const struct vmstate_desc *vmsd, void *obj, struct device *dev)
{
	GByteArray *a = g_byte_array_new(), *b = g_byte_array_new();
	GError *err = NULL;

	vmstate_save(vmsd, obj, a);
	device_reset(dev);
	g_assert_cmpint(vmstate_load(vmsd, obj, a->data, a->len, &err), ==, (long)a->len);
	g_assert_no_error(err);
	vmstate_save(vmsd, obj, b);
	g_assert_cmpmem(a->data, a->len, b->data, b->len);
	g_byte_array_free(a, TRUE);
	g_byte_array_free(b, TRUE);
}

static void test_vmstate(void)
{
	struct machine *m = machine_new(NULL);
	struct i8042 *s = make_kbc(m);
	struct device *kbc = g_ptr_array_index(m->devices, 2);
	struct device *kbd = g_ptr_array_index(m->devices, 0);
	struct device *mouse = g_ptr_array_index(m->devices, 1);

	g_assert_cmpstr(kbc->cls->name, ==, "i8042");
	g_assert_cmpstr(kbd->cls->name, ==, "ps2-kbd");
	g_assert_cmpstr(mouse->cls->name, ==, "ps2-mouse");
	set_mode(m, 0x03);
	out8(m, 0x60, 0xf0);
	out8(m, 0x60, 0x03);
	mouse_cmd(m, 0xf4);
	key(s, 0x1e);		/* set 3: 1C, F0 1C */
	ps2_mouse_event(i8042_mouse(s), 3, 0, 0, 0);
	g_assert_cmpint(m->gsi_level[1], ==, 1);

	roundtrip(kbd->cls->vmsd, kbd, kbd);
	roundtrip(mouse->cls->vmsd, mouse, mouse);
	m->gsi_level[1] = 0;
	roundtrip(kbc->cls->vmsd, kbc, kbc);
	g_assert_cmpint(m->gsi_level[1], ==, 1); /* level restored */
	EXPECT(m, 0xfa, 0xfa, 0x1c, 0xf0, 0x1c, 0xfa, 0x08, 0x03, 0x00);
	g_assert_cmpint(m->gsi_level[1], ==, 0);
	g_assert_cmpint(m->gsi_level[12], ==, 0);

	/* a hostile snapshot with wild queue indices is tamed */
	{
		GByteArray *a = g_byte_array_new();
		GError *err = NULL;

		vmstate_save(kbd->cls->vmsd, kbd, a);
		memset(a->data + a->len - 40, 0xff, 40);
		g_assert_cmpint(vmstate_load(kbd->cls->vmsd, kbd, a->data, a->len, &err),
				==, (long)a->len);
		g_assert_cmpint(ps2_kbd_pending(i8042_kbd(s)), <=, PS2_QUEUE_SIZE);
		for (int i = 0; i < 100; i++)
			ps2_kbd_read(i8042_kbd(s));
		g_assert_cmpint(ps2_kbd_pending(i8042_kbd(s)), ==, 0);
		g_byte_array_free(a, TRUE);
	}
}

/* Random traffic on both ports mixed with input: nothing breaks. */
static void test_hostile(void)
{
	struct machine *m = machine_new(NULL);
	struct i8042 *s = make_kbc(m);
	GRand *r = g_rand_new_with_seed(42);

	for (int i = 0; i < 200000; i++) {
		uint32_t op = g_rand_int_range(r, 0, 6);
		uint8_t v = g_rand_int_range(r, 0, 256);

		switch (op) {
		case 0: out8(m, 0x64, v); break;
		case 1: out8(m, 0x60, v); break;
		case 2: in8(m, 0x60); break;
		case 3: in8(m, 0x64); break;
		case 4:
			ps2_kbd_key_event(i8042_kbd(s), g_rand_int_range(r, 0, 0x400), v & 1);
			break;
		default:
			ps2_mouse_event(i8042_mouse(s), g_rand_int_range(r, -100000, 100000),
					g_rand_int_range(r, -100000, 100000),
					g_rand_int_range(r, -300, 300), v);
			break;
		}
		g_assert_cmpint(ps2_kbd_pending(i8042_kbd(s)), <=, 2 * PS2_QUEUE_SIZE);
		g_assert_cmpint(ps2_mouse_pending(i8042_mouse(s)), <=, 2 * PS2_QUEUE_SIZE);
	}
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ps2/translated-keys", test_translated_keys);
	g_test_add_func("/ps2/raw-sets", test_raw_sets);
	g_test_add_func("/ps2/translation-table", test_translation_table);
	g_test_add_func("/ps2/disabled-and-overflow", test_disabled_and_overflow);
	g_test_add_func("/ps2/mouse-packets", test_mouse_packets);
	g_test_add_func("/ps2/reset-command", test_reset_command);
	g_test_add_func("/ps2/vmstate", test_vmstate);
	g_test_add_func("/ps2/hostile", test_hostile);
	return g_test_run();
}
