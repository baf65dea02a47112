// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Graphical consoles: a pixman surface per display device, the list of
 * frontends listening to it, and the refresh path (frontend asks, device
 * redraws the changed part, listeners hear about the rectangles).  The
 * design follows docs/architecture.md ("Display").  Left out: text
 * consoles (vc), multi-head, cursor sprites, scaling.
 *
 * Consoles are UI objects, not device state: they live in a small list in
 * this file so that monitors and frontends can find them by index.  The
 * input sink (keyboard and mouse of the board) is likewise one per process.
 */
#include <errno.h>
#include <string.h>
#include "ui/console.h"
#include "ui/keymap.h"

static GPtrArray *console_list; /* struct console *, index order */
static struct console_input input_sink;
/* Handlers added by devices (USB HID), most recently activated first. */
static GList *input_handlers;
static int input_abs_x, input_abs_y;
static unsigned input_buttons;

static struct display_surface *surface_new(int w, int h)
{
	struct display_surface *s = g_new0(struct display_surface, 1);

	s->width = w;
	s->height = h;
	/* pixman allocates and zeroes the bits (black) */
	s->image = pixman_image_create_bits(PIXMAN_x8r8g8b8, w, h, NULL, w * 4);
	if (!s->image) {
		/* absurd sizes are refused by pixman: fall back to 1x1 */
		s->width = s->height = 1;
		s->image = pixman_image_create_bits(PIXMAN_x8r8g8b8, 1, 1, NULL, 4);
	}
	return s;
}

static void surface_free(struct display_surface *s)
{
	if (!s)
		return;
	pixman_image_unref(s->image);
	g_free(s);
}

struct console *console_new(const struct console_hw_ops *ops, void *hw)
{
	struct console *con = g_new0(struct console, 1);

	if (!console_list)
		console_list = g_ptr_array_new();
	con->index = console_list->len;
	con->hw_ops = ops;
	con->hw = hw;
	/* QEMU starts its VGA console at 640x480 too */
	con->surface = surface_new(640, 480);
	con->listeners = g_ptr_array_new();
	g_ptr_array_add(console_list, con);
	return con;
}

void console_free(struct console *con)
{
	if (!con)
		return;
	if (console_list)
		g_ptr_array_remove(console_list, con);
	surface_free(con->surface);
	g_ptr_array_free(con->listeners, TRUE);
	g_free(con);
}

struct console *console_lookup(int index)
{
	if (!console_list || index < 0)
		return NULL;
	for (unsigned i = 0; i < console_list->len; i++) {
		struct console *con = g_ptr_array_index(console_list, i);
		if (con->index == index)
			return con;
	}
	return NULL;
}

struct display_surface *console_resize(struct console *con, int w, int h)
{
	struct display_surface *old = con->surface;

	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	if (old->width == w && old->height == h)
		return old;
	con->surface = surface_new(w, h);
	for (unsigned i = 0; i < con->listeners->len; i++) {
		struct display_listener *l = g_ptr_array_index(con->listeners, i);
		if (l->switch_surface)
			l->switch_surface(l->opaque, con->surface);
	}
	surface_free(old);
	return con->surface;
}

void console_update(struct console *con, int x, int y, int w, int h)
{
	struct display_surface *s = con->surface;

	if (x < 0) {
		w += x;
		x = 0;
	}
	if (y < 0) {
		h += y;
		y = 0;
	}
	if (x + w > s->width)
		w = s->width - x;
	if (y + h > s->height)
		h = s->height - y;
	if (w <= 0 || h <= 0)
		return;
	for (unsigned i = 0; i < con->listeners->len; i++) {
		struct display_listener *l = g_ptr_array_index(con->listeners, i);
		if (l->update)
			l->update(l->opaque, x, y, w, h);
	}
}

void console_add_listener(struct console *con, struct display_listener *l)
{
	g_ptr_array_add(con->listeners, l);
	if (l->switch_surface)
		l->switch_surface(l->opaque, con->surface);
	console_invalidate(con);
}

void console_remove_listener(struct console *con, struct display_listener *l)
{
	g_ptr_array_remove(con->listeners, l);
}

void console_refresh(struct console *con)
{
	if (con->hw_ops && con->hw_ops->update)
		con->hw_ops->update(con->hw);
	for (unsigned i = 0; i < con->listeners->len; i++) {
		struct display_listener *l = g_ptr_array_index(con->listeners, i);
		if (l->refresh)
			l->refresh(l->opaque);
	}
}

void console_invalidate(struct console *con)
{
	if (con->hw_ops && con->hw_ops->invalidate)
		con->hw_ops->invalidate(con->hw);
}

void console_set_input(const struct console_input *in)
{
	if (in)
		input_sink = *in;
	else
		memset(&input_sink, 0, sizeof(input_sink));
}

void console_input_add(struct input_handler *h)
{
	input_handlers = g_list_append(input_handlers, h);
}

void console_input_remove(struct input_handler *h)
{
	input_handlers = g_list_remove(input_handlers, h);
}

void console_input_activate(struct input_handler *h)
{
	if (input_handlers && input_handlers->data == h)
		return;
	input_handlers = g_list_remove(input_handlers, h);
	input_handlers = g_list_prepend(input_handlers, h);
}

/* The most recently activated handler taking mask, or NULL (the base sink). */
static struct input_handler *input_find(unsigned mask)
{
	for (GList *l = input_handlers; l; l = l->next) {
		struct input_handler *h = l->data;

		if (h->mask & mask)
			return h;
	}
	return NULL;
}

void console_key_event(unsigned key, bool down)
{
	struct input_handler *h = input_find(INPUT_KEY);

	if (!key)
		return;
	if (h)
		h->key(h->opaque, key, down);
	else if (input_sink.key)
		input_sink.key(input_sink.opaque, key, down);
}

bool console_has_keyboard(void)
{
	return input_sink.key != NULL || input_find(INPUT_KEY);
}

bool console_input_has(unsigned mask)
{
	return input_find(mask) != NULL;
}

void console_abs_position(int *x, int *y)
{
	*x = input_abs_x;
	*y = input_abs_y;
}

bool console_input_absolute(void)
{
	struct input_handler *h = input_find(INPUT_ABS | INPUT_REL);

	return h && (h->mask & INPUT_ABS);
}

void console_mouse_event(int dx, int dy, int dz, unsigned buttons)
{
	struct input_handler *h = input_find(INPUT_REL);

	input_buttons = buttons;
	if (h)
		h->pointer(h->opaque, dx, dy, dz, buttons);
	else if (input_sink.mouse)
		input_sink.mouse(input_sink.opaque, dx, dy, dz, buttons);
}

void console_abs_event(int x, int y, int dz, unsigned buttons)
{
	struct input_handler *h = input_find(INPUT_ABS);

	input_abs_x = CLAMP(x, 0, INPUT_ABS_MAX);
	input_abs_y = CLAMP(y, 0, INPUT_ABS_MAX);
	input_buttons = buttons;
	if (h)
		h->pointer(h->opaque, input_abs_x, input_abs_y, dz, buttons);
}

void console_button_event(int dz, unsigned buttons)
{
	if (console_input_absolute())
		console_abs_event(input_abs_x, input_abs_y, dz, buttons);
	else
		console_mouse_event(0, 0, dz, buttons);
}

unsigned console_buttons(void)
{
	return input_buttons;
}

int console_abs_scale(int v, int size)
{
	/* QEMU maps 0..size (not size - 1) onto 0..0x7fff */
	if (size < 1)
		return INPUT_ABS_MAX / 2;
	return (int)CLAMP((int64_t)v * INPUT_ABS_MAX / size, 0, INPUT_ABS_MAX);
}

unsigned console_key_to_hid(unsigned key)
{
	for (unsigned u = 1; u < 0x100; u++)
		if (keymap_hid_to_ps2(u) == key)
			return u;
	return 0;
}
