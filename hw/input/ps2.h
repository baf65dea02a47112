/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PS/2 keyboard and mouse.  Each device owns a byte queue that the i8042
 * controller drains one byte at a time; the device calls the controller's
 * notify hook whenever it queued something.  The UI feeds keys and motion
 * through ps2_kbd_key_event() and ps2_mouse_event(); like every device
 * entry point these must be called with the machine lock held.
 */
#ifndef HW_INPUT_PS2_H
#define HW_INPUT_PS2_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "core/device.h"

struct machine;
struct ps2_kbd;
struct ps2_mouse;

#define PS2_QUEUE_SIZE		32	/* bytes held by a device */
#define PS2_EVENT_LIMIT		16	/* input never fills the queue beyond this */

/*
 * Keys are named by their scan code set 1 make code (0x01-0x7f); add
 * PS2_KEY_E0 for the E0-prefixed (extended) keys, e.g. 0x148 = Up arrow,
 * 0x11d = right Ctrl.  Print Screen and Pause have their own names because
 * their codes are multi-byte sequences; Pause sends nothing on release.
 */
#define PS2_KEY_E0		0x100
#define PS2_KEY_PRINT		0x137
#define PS2_KEY_PAUSE		0x145

/* Mouse buttons for ps2_mouse_event() */
#define PS2_BUTTON_LEFT		0x01
#define PS2_BUTTON_RIGHT	0x02
#define PS2_BUTTON_MIDDLE	0x04
#define PS2_BUTTON_SIDE		0x08	/* button 4 (IntelliMouse Explorer) */
#define PS2_BUTTON_EXTRA	0x10	/* button 5 */

extern const struct device_class ps2_kbd_class;
extern const struct device_class ps2_mouse_class;

/* notify(opaque) is called after the device queued bytes (lock held). */
struct ps2_kbd *ps2_kbd_create(struct machine *m, void (*notify)(void *),
			       void *opaque, GError **err);
struct ps2_mouse *ps2_mouse_create(struct machine *m, void (*notify)(void *),
				   void *opaque, GError **err);

/* Controller side: bytes waiting, take one (0 when empty), send a byte. */
int ps2_kbd_pending(struct ps2_kbd *k);
uint8_t ps2_kbd_read(struct ps2_kbd *k);
void ps2_kbd_write(struct ps2_kbd *k, uint8_t val);
int ps2_mouse_pending(struct ps2_mouse *m);
uint8_t ps2_mouse_read(struct ps2_mouse *m);
void ps2_mouse_write(struct ps2_mouse *m, uint8_t val);

/* The i8042's set 2 -> set 1 translation of one byte (break prefix aside). */
uint8_t ps2_translate_set2(uint8_t b);

/*
 * UI side.  key as described above; dropped while scanning is disabled or
 * when the queue is full.  Returns nothing: a real keyboard cannot refuse.
 */
void ps2_kbd_key_event(struct ps2_kbd *k, unsigned key, bool down);
/* LED state the guest set: bit 0 Scroll, 1 Num, 2 Caps Lock. */
uint8_t ps2_kbd_leds(struct ps2_kbd *k);
/* Active scan code set (1, 2 or 3). */
int ps2_kbd_scancode_set(struct ps2_kbd *k);

/*
 * Relative motion in screen terms (dx > 0 right, dy > 0 down), dz > 0 for
 * the wheel turned toward the user, buttons as PS2_BUTTON_* (the full
 * state, not a change).  Ignored while the guest has reporting disabled.
 */
void ps2_mouse_event(struct ps2_mouse *m, int dx, int dy, int dz, unsigned buttons);

#endif
