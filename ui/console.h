/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graphical consoles.  A display device (VGA) owns a console and draws into
 * its surface, a 32-bit x8r8g8b8 pixman image; frontends (SDL, VNC, the
 * screendump command) attach listeners.  The device is asked to redraw by
 * console_refresh(); it reports the rectangles it changed through
 * console_update() and a new size through console_resize().
 *
 * Locking: every call here runs with the machine lock held (the device's
 * registers and VRAM are read during a refresh).
 */
#ifndef UI_CONSOLE_H
#define UI_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <pixman.h>

struct display_surface {
	pixman_image_t *image; /* PIXMAN_x8r8g8b8, owned by the console */
	int width, height;
};

static inline uint32_t *surface_data(struct display_surface *s)
{
	return pixman_image_get_data(s->image);
}

/* Bytes from one row to the next. */
static inline int surface_stride(struct display_surface *s)
{
	return pixman_image_get_stride(s->image);
}

/* The device side: what console_refresh() calls. */
struct console_hw_ops {
	/* Redraw what changed since the last call (full redraw if asked). */
	void (*update)(void *opaque);
	/* Forget all change tracking: the next update redraws everything. */
	void (*invalidate)(void *opaque);
};

/* A frontend.  All hooks are optional. */
struct display_listener {
	/* The surface was replaced (new size); the old one is gone. */
	void (*switch_surface)(void *opaque, struct display_surface *s);
	/* Pixels in the rectangle changed. */
	void (*update)(void *opaque, int x, int y, int w, int h);
	/* A refresh pass ended (flush point for network frontends). */
	void (*refresh)(void *opaque);
	void *opaque;
};

struct console {
	int index;
	const struct console_hw_ops *hw_ops;
	void *hw;
	struct display_surface *surface; /* never NULL */
	GPtrArray *listeners; /* struct display_listener * */
};

/* Register a console driven by hw (the first one gets index 0). */
struct console *console_new(const struct console_hw_ops *ops, void *hw);
void console_free(struct console *con);
/* The console with this index, or NULL. */
struct console *console_lookup(int index);

/* Device side: make the surface w x h (a new one starts black). */
struct display_surface *console_resize(struct console *con, int w, int h);
/* Device side: these pixels changed (clipped to the surface). */
void console_update(struct console *con, int x, int y, int w, int h);

/* Frontend side. */
void console_add_listener(struct console *con, struct display_listener *l);
void console_remove_listener(struct console *con, struct display_listener *l);
/* Ask the device to bring the surface up to date, then tell listeners. */
void console_refresh(struct console *con);
/* Make the next refresh a full redraw. */
void console_invalidate(struct console *con);

/*
 * Input: frontends report keys (hw/input/ps2.h key names: set 1 make codes,
 * 0x100 for E0 keys) and relative mouse motion; the board routes them to
 * its keyboard controller with console_set_input().  Lock held.
 */
struct console_input {
	void (*key)(void *opaque, unsigned key, bool down);
	void (*mouse)(void *opaque, int dx, int dy, int dz, unsigned buttons);
	void *opaque;
};

/* The sink is copied; NULL removes it.  Events without a sink are dropped. */
void console_set_input(const struct console_input *in);
void console_key_event(unsigned key, bool down);
/* Whether a keyboard sink is set (the monitor's send-key needs one). */
bool console_has_keyboard(void);
void console_mouse_event(int dx, int dy, int dz, unsigned buttons);

/*
 * Input handlers of devices that add a keyboard or pointer (USB HID), as
 * QEMU's input handlers: an event goes to the most recently activated
 * handler taking its kind, else to the base sink above.  A pointer
 * handler's hook gets relative motion (INPUT_REL) or an absolute position
 * 0..INPUT_ABS_MAX (INPUT_ABS), the wheel (negative = up) and the buttons
 * (INPUT_BTN_*).  The handler struct stays owned by the device.  Lock held.
 */
#define INPUT_KEY 0x1
#define INPUT_REL 0x2
#define INPUT_ABS 0x4
#define INPUT_ABS_MAX 0x7fff
#define INPUT_BTN_LEFT 0x1
#define INPUT_BTN_RIGHT 0x2
#define INPUT_BTN_MIDDLE 0x4
#define INPUT_BTN_SIDE 0x8
#define INPUT_BTN_EXTRA 0x10

struct input_handler {
	const char *name;
	unsigned mask;
	void (*key)(void *opaque, unsigned key, bool down);
	void (*pointer)(void *opaque, int x, int y, int dz, unsigned buttons);
	void *opaque;
};

/* Add behind the active handlers; activate moves it to the front. */
void console_input_add(struct input_handler *h);
void console_input_remove(struct input_handler *h);
void console_input_activate(struct input_handler *h);
/* Whether a device handler takes events of mask. */
bool console_input_has(unsigned mask);
/* The last absolute position sent. */
void console_abs_position(int *x, int *y);
/* Whether pointer events go to an absolute device (a tablet). */
bool console_input_absolute(void);
/* An absolute position, 0..INPUT_ABS_MAX on each axis (clamped). */
void console_abs_event(int x, int y, int dz, unsigned buttons);
/* Buttons or wheel only: to the pointer device in front, at its position. */
void console_button_event(int dz, unsigned buttons);
/* The buttons last reported by any frontend. */
unsigned console_buttons(void);
/* Pixel v of a size-pixel axis to 0..INPUT_ABS_MAX, as QEMU scales. */
int console_abs_scale(int v, int size);
/* A PS/2 key name (set 1, 0x100 for E0) to its USB HID usage, or 0. */
unsigned console_key_to_hid(unsigned key);

/*
 * Write the current picture of con to path after a refresh.  format is
 * "ppm" (binary P6, as QEMU's screendump) or "png"; NULL means "ppm".
 * Returns 0, or -errno with *err set.
 */
int console_screendump(struct console *con, const char *path, const char *format,
		       GError **err);

#endif
