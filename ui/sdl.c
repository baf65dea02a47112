// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SDL2 frontend (-display sdl): one window showing console 0's surface,
 * refreshed from a 30 ms timer on the machine's main context (the device
 * redraws what changed, the changed rectangle is uploaded to a streaming
 * texture and presented).  Keyboard: SDL scancodes are USB HID usages,
 * mapped to PS/2 keys by ui/keymap.c.  Mouse: relative motion while
 * grabbed (click into the window; Ctrl+Alt+G releases, as on QEMU).
 * Keys still held when the window loses focus are released.
 * Left out: absolute pointer (no tablet device), full-screen, scaling
 * options, clipboard, multiple consoles.
 */
#include <string.h>
#include <SDL.h>
#include "ui/sdl.h"
#include "ui/console.h"
#include "ui/keymap.h"
#include "core/machine.h"

#define SDL_REFRESH_MS 30
#define SDL_MAX_KEYS 0x200

struct sdl_display {
	struct machine *m;
	struct console *con;
	struct display_listener listener;
	SDL_Window *win;
	SDL_Renderer *ren;
	SDL_Texture *tex;
	bool dirty;
	int x0, y0, x1, y1; /* pending rectangle [x0,x1) x [y0,y1) */
	bool grabbed;
	unsigned buttons;
	bool held[SDL_MAX_KEYS]; /* PS/2 keys sent down, by key name */
	GSource *timer;
};

static void sdl_set_title(struct sdl_display *d)
{
	const char *name = d->m->cfg && d->m->cfg->name ? d->m->cfg->name : NULL;
	g_autofree char *t = g_strdup_printf("%s%s%s", name ? name : "kvmpc",
					     name ? " - kvmpc" : "",
					     d->grabbed ? " - Press Ctrl+Alt+G to exit grab" : "");

	SDL_SetWindowTitle(d->win, t);
}

static void sdl_mark(struct sdl_display *d, int x, int y, int w, int h)
{
	if (!d->dirty) {
		d->x0 = x;
		d->y0 = y;
		d->x1 = x + w;
		d->y1 = y + h;
		d->dirty = true;
		return;
	}
	d->x0 = MIN(d->x0, x);
	d->y0 = MIN(d->y0, y);
	d->x1 = MAX(d->x1, x + w);
	d->y1 = MAX(d->y1, y + h);
}

static void sdl_switch_surface(void *opaque, struct display_surface *s)
{
	struct sdl_display *d = opaque;

	if (d->tex)
		SDL_DestroyTexture(d->tex);
	d->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING,
				   s->width, s->height);
	SDL_SetWindowSize(d->win, s->width, s->height);
	d->dirty = false;
	sdl_mark(d, 0, 0, s->width, s->height);
}

static void sdl_update(void *opaque, int x, int y, int w, int h)
{
	sdl_mark(opaque, x, y, w, h);
}

/* Upload the pending rectangle and show the frame. */
static void sdl_present(void *opaque)
{
	struct sdl_display *d = opaque;
	struct display_surface *s = d->con->surface;

	if (!d->dirty || !d->tex)
		return;
	d->x1 = MIN(d->x1, s->width);
	d->y1 = MIN(d->y1, s->height);
	if (d->x1 > d->x0 && d->y1 > d->y0) {
		SDL_Rect r = { d->x0, d->y0, d->x1 - d->x0, d->y1 - d->y0 };
		const uint32_t *src = surface_data(s) + (size_t)r.y * (surface_stride(s) / 4) + r.x;
		SDL_UpdateTexture(d->tex, &r, src, surface_stride(s));
	}
	d->dirty = false;
	SDL_RenderClear(d->ren);
	SDL_RenderCopy(d->ren, d->tex, NULL, NULL);
	SDL_RenderPresent(d->ren);
}

static void sdl_grab(struct sdl_display *d, bool on)
{
	d->grabbed = on;
	SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
	SDL_SetWindowGrab(d->win, on ? SDL_TRUE : SDL_FALSE);
	sdl_set_title(d);
}

static void sdl_release_keys(struct sdl_display *d)
{
	for (unsigned k = 0; k < SDL_MAX_KEYS; k++) {
		if (d->held[k]) {
			d->held[k] = false;
			console_key_event(k, false);
		}
	}
}

static void sdl_key(struct sdl_display *d, const SDL_KeyboardEvent *ev)
{
	bool down = ev->type == SDL_KEYDOWN;
	SDL_Keymod mod = ev->keysym.mod;
	unsigned key;

	if (down && ev->keysym.scancode == SDL_SCANCODE_G && (mod & KMOD_CTRL) &&
	    (mod & KMOD_ALT)) {
		sdl_grab(d, !d->grabbed);
		return;
	}
	key = keymap_hid_to_ps2(ev->keysym.scancode);
	if (!key || key >= SDL_MAX_KEYS)
		return;
	if (!down && !d->held[key])
		return; /* its press went elsewhere (e.g. the grab hotkey) */
	d->held[key] = down;
	console_key_event(key, down);
}

static unsigned sdl_button_bit(Uint8 b)
{
	switch (b) {
	case SDL_BUTTON_LEFT:
		return 0x01;
	case SDL_BUTTON_RIGHT:
		return 0x02;
	case SDL_BUTTON_MIDDLE:
		return 0x04;
	case SDL_BUTTON_X1:
		return 0x08;
	case SDL_BUTTON_X2:
		return 0x10;
	default:
		return 0;
	}
}

static void sdl_button(struct sdl_display *d, const SDL_MouseButtonEvent *ev)
{
	if (!d->grabbed) {
		if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button == SDL_BUTTON_LEFT)
			sdl_grab(d, true);
		return;
	}
	if (ev->type == SDL_MOUSEBUTTONDOWN)
		d->buttons |= sdl_button_bit(ev->button);
	else
		d->buttons &= ~sdl_button_bit(ev->button);
	console_mouse_event(0, 0, 0, d->buttons);
}

static void sdl_window_event(struct sdl_display *d, const SDL_WindowEvent *ev)
{
	switch (ev->event) {
	case SDL_WINDOWEVENT_FOCUS_LOST:
		sdl_release_keys(d);
		if (d->grabbed)
			sdl_grab(d, false);
		break;
	case SDL_WINDOWEVENT_EXPOSED:
	case SDL_WINDOWEVENT_SIZE_CHANGED:
		sdl_mark(d, 0, 0, d->con->surface->width, d->con->surface->height);
		break;
	}
}

static void sdl_handle_event(struct sdl_display *d, const SDL_Event *ev)
{
	switch (ev->type) {
	case SDL_QUIT:
		d->m->request_reason = "host-ui";
		machine_request_shutdown(d->m, 0);
		break;
	case SDL_KEYDOWN:
	case SDL_KEYUP:
		sdl_key(d, &ev->key);
		break;
	case SDL_MOUSEMOTION:
		if (d->grabbed)
			console_mouse_event(ev->motion.xrel, ev->motion.yrel, 0, d->buttons);
		break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		sdl_button(d, &ev->button);
		break;
	case SDL_MOUSEWHEEL:
		if (d->grabbed && ev->wheel.y)
			console_mouse_event(0, 0, -ev->wheel.y, d->buttons);
		break;
	case SDL_WINDOWEVENT:
		sdl_window_event(d, &ev->window);
		break;
	}
}

static gboolean sdl_tick(gpointer opaque)
{
	struct sdl_display *d = opaque;
	SDL_Event ev;

	machine_lock(d->m);
	while (SDL_PollEvent(&ev))
		sdl_handle_event(d, &ev);
	console_refresh(d->con); /* ends in sdl_present() */
	machine_unlock(d->m);
	return G_SOURCE_CONTINUE;
}

struct sdl_display *sdl_display_init(struct machine *m, struct console *con, GError **err)
{
	struct sdl_display *d;

	if (!con) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NODEV,
			    "-display sdl: there is no graphics card to show (-vga none?)");
		return NULL;
	}
	/* kvmpc handles SIGINT/SIGTERM itself */
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
	if (SDL_Init(SDL_INIT_VIDEO) < 0) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED,
			    "-display sdl: cannot start SDL video: %s", SDL_GetError());
		return NULL;
	}
	d = g_new0(struct sdl_display, 1);
	d->m = m;
	d->con = con;
	d->win = SDL_CreateWindow("kvmpc", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
				  con->surface->width, con->surface->height, SDL_WINDOW_RESIZABLE);
	if (d->win)
		d->ren = SDL_CreateRenderer(d->win, -1, 0);
	if (!d->ren) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED,
			    "-display sdl: cannot open a window: %s", SDL_GetError());
		if (d->win)
			SDL_DestroyWindow(d->win);
		SDL_Quit();
		g_free(d);
		return NULL;
	}
	sdl_set_title(d);
	d->listener = (struct display_listener){
		.switch_surface = sdl_switch_surface,
		.update = sdl_update,
		.refresh = sdl_present,
		.opaque = d,
	};
	console_add_listener(con, &d->listener);
	d->timer = g_timeout_source_new(SDL_REFRESH_MS);
	g_source_set_callback(d->timer, sdl_tick, d, NULL);
	g_source_attach(d->timer, m->ctx);
	return d;
}
