// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SDL2 frontend (-display sdl[,full-screen=on][,zoom-to-fit=on|off]
 * [,integer-scale=on][,window-close=off]): one window showing console 0.
 *
 * Refresh: a 30 ms timer on the machine's main context polls SDL events and
 * asks the console to refresh; the device reports the rectangles it changed
 * and only those are uploaded to a streaming texture.  A frame is drawn
 * and presented only when something changed (pixels, window size, scaling
 * mode, an expose), so an idle screen costs an event poll and the device's
 * change check.  -d ui logs each frame.
 *
 * Scaling (computed in output pixels, SDL_GetRendererOutputSize, so that a
 * HiDPI window is filled): zoom to fit keeping the aspect ratio (default),
 * integer multiples only, or 1:1 (one guest pixel per screen pixel).
 *
 * Keyboard: SDL scancodes are USB HID usages, mapped to PS/2 by
 * ui/keymap.c; every key goes to the guest, Ctrl+Alt+Del included, except
 * the Ctrl+Alt hotkeys (as in QEMU): G grab/release, F full screen, Z zoom
 * to fit, I integer scaling, U 1:1 (window back to the guest size),
 * +/- window size in integer steps.  Keys held when the window loses focus
 * are released.  Mouse: relative motion while grabbed (click to grab);
 * the keyboard is grabbed too, so host shortcuts reach the guest.  With an
 * absolute pointer device (usb-tablet) the pointer's place on the guest
 * picture goes to it as 0..0x7fff per axis (QEMU's scaling), buttons and
 * wheel too, without a grab; the title then says "absolute pointer".
 *
 * Left out: clipboard, OpenGL scanout, several consoles, hiding the host
 * cursor over the window in absolute mode.
 */
#include <string.h>
#include <SDL.h>
#include "ui/sdl.h"
#include "ui/console.h"
#include "ui/keymap.h"
#include "core/log.h"
#include "core/machine.h"
#include "hw/input/ps2.h"

#define SDL_REFRESH_MS 30
#define SDL_MAX_KEYS 0x200
#define SDL_MAX_ZOOM 8

enum sdl_scale { SDL_SCALE_FIT, SDL_SCALE_INTEGER, SDL_SCALE_ONE };

struct sdl_display {
	struct machine *m;
	struct console *con;
	struct display_listener listener;
	SDL_Window *win;
	SDL_Renderer *ren;
	SDL_Texture *tex;
	int tex_w, tex_h;
	bool dirty;		/* texture out of date in [x0,x1) x [y0,y1) */
	int x0, y0, x1, y1;
	bool redraw;		/* texture fine, the window needs a new frame */
	bool hidden;		/* minimized: nothing to draw */
	bool grabbed, fullscreen, window_close;
	bool absolute;		/* pointer events go to an absolute device */
	enum sdl_scale scale;
	int zoom;		/* windowed size in guest sizes (points) */
	unsigned frames;
	unsigned buttons;
	bool held[SDL_MAX_KEYS]; /* PS/2 keys sent down, by key name */
	unsigned short sent[SDL_NUM_SCANCODES]; /* PS/2 key a held scancode sent */
	GSource *timer;
};

static void sdl_set_title(struct sdl_display *d)
{
	const char *name = d->m->cfg ? d->m->cfg->name : NULL;
	const char *grab = d->grabbed ? " - Press Ctrl+Alt+G to release grab" :
			   d->absolute ? " - absolute pointer (no grab needed)" : "";
	g_autofree char *t = g_strdup_printf("kvmpc%s%s%s", name ? " - " : "", name ? name : "",
					     grab);

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

/* Output pixels per window point (2 on a typical HiDPI screen). */
static void sdl_pixel_ratio(struct sdl_display *d, float *rx, float *ry)
{
	int ww, wh, ow, oh;

	SDL_GetWindowSize(d->win, &ww, &wh);
	if (SDL_GetRendererOutputSize(d->ren, &ow, &oh) < 0 || ww <= 0 || wh <= 0) {
		*rx = *ry = 1;
		return;
	}
	*rx = (float)ow / ww;
	*ry = (float)oh / wh;
}

/* Windowed: size the window for the guest screen, zoom and scaling mode. */
static void sdl_fit_window(struct sdl_display *d)
{
	struct display_surface *s = d->con->surface;
	float rx = 1, ry = 1;

	if (d->fullscreen)
		return;
	if (d->scale == SDL_SCALE_ONE)
		sdl_pixel_ratio(d, &rx, &ry);
	SDL_SetWindowSize(d->win, MAX(1, (int)(s->width * d->zoom / rx)),
			  MAX(1, (int)(s->height * d->zoom / ry)));
	d->redraw = true;
}

/* Where the guest picture goes, in output pixels. */
static SDL_Rect sdl_layout(struct sdl_display *d)
{
	int gw = d->tex_w, gh = d->tex_h, ow, oh;
	SDL_Rect r = { 0, 0, gw, gh };

	if (SDL_GetRendererOutputSize(d->ren, &ow, &oh) < 0 || ow <= 0 || oh <= 0)
		return r;
	if (d->scale != SDL_SCALE_ONE) {
		double fx = (double)ow / gw, fy = (double)oh / gh, f = MIN(fx, fy);
		if (d->scale == SDL_SCALE_INTEGER && f >= 1) {
			r.w = gw * (int)f;
			r.h = gh * (int)f;
		} else if (fx <= fy) {
			r.w = ow;
			r.h = MAX(1, (int)(gh * fx + 0.5));
		} else {
			r.w = MAX(1, (int)(gw * fy + 0.5));
			r.h = oh;
		}
	}
	r.x = (ow - r.w) / 2;
	r.y = (oh - r.h) / 2;
	return r;
}

static void sdl_switch_surface(void *opaque, struct display_surface *s)
{
	struct sdl_display *d = opaque;

	if (d->tex)
		SDL_DestroyTexture(d->tex);
	d->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING,
				   s->width, s->height);
	d->tex_w = s->width;
	d->tex_h = s->height;
	sdl_fit_window(d);
	d->dirty = false;
	sdl_mark(d, 0, 0, s->width, s->height);
}

static void sdl_update(void *opaque, int x, int y, int w, int h)
{
	sdl_mark(opaque, x, y, w, h);
}

/* Copy the changed rectangle of the surface into the texture. */
static void sdl_upload(struct sdl_display *d)
{
	struct display_surface *s = d->con->surface;

	d->x1 = MIN(d->x1, MIN(s->width, d->tex_w));
	d->y1 = MIN(d->y1, MIN(s->height, d->tex_h));
	if (d->x1 > d->x0 && d->y1 > d->y0) {
		SDL_Rect r = { d->x0, d->y0, d->x1 - d->x0, d->y1 - d->y0 };
		const uint32_t *src = surface_data(s) + (size_t)r.y * (surface_stride(s) / 4) + r.x;
		SDL_UpdateTexture(d->tex, &r, src, surface_stride(s));
		log_cat(LOG_UI, "sdl: upload %dx%d+%d+%d", r.w, r.h, r.x, r.y);
	}
	d->dirty = false;
}

/* End of a refresh pass: draw a frame if anything changed. */
static void sdl_present(void *opaque)
{
	struct sdl_display *d = opaque;

	if ((!d->dirty && !d->redraw) || !d->tex || d->hidden)
		return;
	if (d->dirty)
		sdl_upload(d);
	d->redraw = false;

	SDL_Rect dst = sdl_layout(d);
	bool exact = dst.w % d->tex_w == 0 && dst.h % d->tex_h == 0;
	SDL_SetTextureScaleMode(d->tex, exact ? SDL_ScaleModeNearest : SDL_ScaleModeLinear);
	SDL_SetRenderDrawColor(d->ren, 0, 0, 0, 255);
	SDL_RenderClear(d->ren);
	SDL_RenderCopy(d->ren, d->tex, NULL, &dst);
	SDL_RenderPresent(d->ren);
	d->frames++;
	log_cat(LOG_UI, "sdl: frame %u: %dx%d at %d,%d", d->frames, dst.w, dst.h, dst.x,
		dst.y);
}

static void sdl_grab(struct sdl_display *d, bool on)
{
	d->grabbed = on;
	SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
	SDL_SetWindowMouseGrab(d->win, on ? SDL_TRUE : SDL_FALSE);
	SDL_SetWindowKeyboardGrab(d->win, on ? SDL_TRUE : SDL_FALSE);
	sdl_set_title(d);
}

static void sdl_set_fullscreen(struct sdl_display *d, bool on)
{
	d->fullscreen = on;
	SDL_SetWindowFullscreen(d->win, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
	if (!on)
		sdl_fit_window(d);
	d->redraw = true;
}

static void sdl_set_scale(struct sdl_display *d, enum sdl_scale scale, int zoom)
{
	d->scale = scale;
	d->zoom = CLAMP(zoom, 1, SDL_MAX_ZOOM);
	sdl_fit_window(d);
	d->redraw = true;
	log_cat(LOG_UI, "sdl: scale %s, zoom %d",
		scale == SDL_SCALE_FIT ? "fit" : scale == SDL_SCALE_INTEGER ? "integer" : "1:1",
		d->zoom);
}

static void sdl_release_keys(struct sdl_display *d)
{
	for (unsigned k = 0; k < SDL_MAX_KEYS; k++) {
		if (d->held[k]) {
			d->held[k] = false;
			console_key_event(k, false);
		}
	}
	memset(d->sent, 0, sizeof(d->sent));
}

/* Ctrl+Alt+key: true if it was one of ours (then the key is not sent). */
static bool sdl_hotkey(struct sdl_display *d, SDL_Scancode sc)
{
	switch (sc) {
	case SDL_SCANCODE_G:
		sdl_grab(d, !d->grabbed);
		return true;
	case SDL_SCANCODE_F:
		sdl_set_fullscreen(d, !d->fullscreen);
		return true;
	case SDL_SCANCODE_Z:
		sdl_set_scale(d, SDL_SCALE_FIT, d->zoom);
		return true;
	case SDL_SCANCODE_I:
		sdl_set_scale(d, SDL_SCALE_INTEGER, d->zoom);
		return true;
	case SDL_SCANCODE_U:
		sdl_set_scale(d, SDL_SCALE_ONE, 1);
		return true;
	case SDL_SCANCODE_EQUALS:
	case SDL_SCANCODE_KP_PLUS:
		sdl_set_scale(d, d->scale == SDL_SCALE_ONE ? SDL_SCALE_INTEGER : d->scale,
			      d->zoom + 1);
		return true;
	case SDL_SCANCODE_MINUS:
	case SDL_SCANCODE_KP_MINUS:
		sdl_set_scale(d, d->scale == SDL_SCALE_ONE ? SDL_SCALE_INTEGER : d->scale,
			      d->zoom - 1);
		return true;
	default:
		return false;
	}
}

static void sdl_key(struct sdl_display *d, const SDL_KeyboardEvent *ev)
{
	bool down = ev->type == SDL_KEYDOWN;
	SDL_Keymod mod = ev->keysym.mod;
	SDL_Scancode sc = ev->keysym.scancode;
	unsigned key;

	if (sc < 0 || sc >= SDL_NUM_SCANCODES)
		return;
	if (down && (mod & KMOD_CTRL) && (mod & KMOD_ALT) && !ev->repeat && sdl_hotkey(d, sc))
		return;
	if (!down) {
		/* release what the press sent, whatever the modifiers are now */
		key = d->sent[sc];
		d->sent[sc] = 0;
		if (!key || !d->held[key])
			return; /* its press went elsewhere (e.g. a hotkey) */
		d->held[key] = false;
		console_key_event(key, false);
		return;
	}
	key = keymap_hid_to_ps2(sc);
	/* the keyboard itself turns Ctrl+Pause into Break, Alt+PrtSc into SysRq */
	if (key == PS2_KEY_PAUSE && (mod & KMOD_CTRL))
		key = PS2_KEY_E0 | 0x46;
	else if (key == PS2_KEY_PRINT && (mod & KMOD_ALT))
		key = 0x54;
	if (!key || key >= SDL_MAX_KEYS)
		return;
	d->sent[sc] = key;
	d->held[key] = true;
	console_key_event(key, true);
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

/* Window point (x, y) to the guest picture, sent as an absolute position. */
static void sdl_abs_event(struct sdl_display *d, int x, int y, int dz)
{
	SDL_Rect r = sdl_layout(d);
	float rx, ry;
	int gx, gy;

	sdl_pixel_ratio(d, &rx, &ry);
	if (r.w <= 0 || r.h <= 0)
		return;
	gx = (int)(((x * rx) - r.x) * d->tex_w / r.w);
	gy = (int)(((y * ry) - r.y) * d->tex_h / r.h);
	gx = CLAMP(gx, 0, d->tex_w - 1);
	gy = CLAMP(gy, 0, d->tex_h - 1);
	console_abs_event(console_abs_scale(gx, d->tex_w), console_abs_scale(gy, d->tex_h), dz,
			  d->buttons);
}

/* Follow the input devices: an absolute one needs no grab. */
static void sdl_check_absolute(struct sdl_display *d)
{
	bool abs = console_input_absolute();

	if (abs == d->absolute)
		return;
	d->absolute = abs;
	if (abs && d->grabbed)
		sdl_grab(d, false);
	sdl_set_title(d);
}

static void sdl_button(struct sdl_display *d, const SDL_MouseButtonEvent *ev)
{
	if (d->absolute && !d->grabbed) {
		if (ev->type == SDL_MOUSEBUTTONDOWN)
			d->buttons |= sdl_button_bit(ev->button);
		else
			d->buttons &= ~sdl_button_bit(ev->button);
		sdl_abs_event(d, ev->x, ev->y, 0);
		return;
	}
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
		if (d->buttons) {
			d->buttons = 0;
			console_mouse_event(0, 0, 0, 0);
		}
		if (d->grabbed)
			sdl_grab(d, false);
		break;
	case SDL_WINDOWEVENT_MINIMIZED:
	case SDL_WINDOWEVENT_HIDDEN:
		d->hidden = true;
		break;
	case SDL_WINDOWEVENT_SHOWN:
	case SDL_WINDOWEVENT_RESTORED:
	case SDL_WINDOWEVENT_MAXIMIZED:
		d->hidden = false;
		d->redraw = true;
		break;
	case SDL_WINDOWEVENT_EXPOSED:
	case SDL_WINDOWEVENT_SIZE_CHANGED:
		d->redraw = true;
		break;
	}
}

static void sdl_handle_event(struct sdl_display *d, const SDL_Event *ev)
{
	switch (ev->type) {
	case SDL_QUIT:
		if (!d->window_close)
			break;
		d->m->request_reason = "host-ui";
		machine_request_shutdown(d->m, 0);
		break;
	case SDL_KEYDOWN:
	case SDL_KEYUP:
		sdl_key(d, &ev->key);
		break;
	case SDL_MOUSEMOTION:
		if (d->absolute && !d->grabbed)
			sdl_abs_event(d, ev->motion.x, ev->motion.y, 0);
		else if (d->grabbed)
			console_mouse_event(ev->motion.xrel, ev->motion.yrel, 0, d->buttons);
		break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		sdl_button(d, &ev->button);
		break;
	case SDL_MOUSEWHEEL:
		if (d->absolute && !d->grabbed && ev->wheel.y)
			console_button_event(-ev->wheel.y, d->buttons);
		else if (d->grabbed && ev->wheel.y)
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
	sdl_check_absolute(d);
	while (SDL_PollEvent(&ev))
		sdl_handle_event(d, &ev);
	if (!d->hidden)
		console_refresh(d->con); /* ends in sdl_present() */
	machine_unlock(d->m);
	return G_SOURCE_CONTINUE;
}

/* "sdl,opt=val,...": the options QEMU's -display takes that apply here. */
static int sdl_parse_opts(struct sdl_display *d, const char *spec, GError **err)
{
	g_auto(GStrv) parts = g_strsplit(spec ? spec : "sdl", ",", -1);

	d->scale = SDL_SCALE_FIT;
	d->zoom = 1;
	d->window_close = true;
	for (int i = 1; parts[i]; i++) {
		char *eq = strchr(parts[i], '=');
		const char *v = eq ? eq + 1 : "on";
		bool on = !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true");
		bool off = !strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false");
		if (eq)
			*eq = '\0';
		if (!on && !off) {
			error_setg(err, "-display sdl: %s=%s: expected on or off", parts[i], v);
			return -1;
		}
		if (!strcmp(parts[i], "full-screen")) {
			d->fullscreen = on;
		} else if (!strcmp(parts[i], "zoom-to-fit")) {
			d->scale = on ? SDL_SCALE_FIT : SDL_SCALE_ONE;
		} else if (!strcmp(parts[i], "integer-scale")) {
			if (on)
				d->scale = SDL_SCALE_INTEGER;
		} else if (!strcmp(parts[i], "window-close")) {
			d->window_close = on;
		} else if (!strcmp(parts[i], "gl")) {
			if (on) {
				error_setg(err, "-display sdl,gl=on: OpenGL is not supported");
				return -1;
			}
		} else if (strcmp(parts[i], "show-cursor")) {
			error_setg(err, "-display sdl: unknown option '%s'", parts[i]);
			return -1;
		}
	}
	return 0;
}

static int sdl_open_window(struct sdl_display *d, GError **err)
{
	struct display_surface *s = d->con->surface;
	Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;

	d->win = SDL_CreateWindow("kvmpc", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
				  s->width, s->height,
				  flags | (d->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0));
	if (d->win)
		d->ren = SDL_CreateRenderer(d->win, -1, 0);
	if (!d->ren) {
		error_setg(err, "-display sdl: cannot open a window: %s", SDL_GetError());
		if (d->win)
			SDL_DestroyWindow(d->win);
		return -1;
	}
	SDL_StopTextInput(); /* raw keys only, no input method */
	return 0;
}

struct sdl_display *sdl_display_init(struct machine *m, struct console *con, GError **err)
{
	struct sdl_display *d;

	if (!con) {
		error_setg(err, "-display sdl: there is no graphics card to show (-vga none?)");
		return NULL;
	}
	d = g_new0(struct sdl_display, 1);
	d->m = m;
	d->con = con;
	if (sdl_parse_opts(d, m->cfg ? m->cfg->display : NULL, err) < 0) {
		g_free(d);
		return NULL;
	}
	/* kvmpc handles SIGINT/SIGTERM itself */
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
	SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
	SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
	if (SDL_Init(SDL_INIT_VIDEO) < 0) {
		error_setg(err, "-display sdl: cannot start SDL video: %s", SDL_GetError());
		g_free(d);
		return NULL;
	}
	if (sdl_open_window(d, err) < 0) {
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
