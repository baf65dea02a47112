/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SDL2 window (-display sdl): shows a console, sends keys and mouse
 * through console_key_event()/console_mouse_event().
 */
#ifndef UI_SDL_H
#define UI_SDL_H

#include <glib.h>
#include "config.h"

struct machine;
struct console;
struct sdl_display;

#ifdef CONFIG_SDL
/*
 * Open the window for con (options from m->cfg->display: "sdl[,full-screen=
 * on][,zoom-to-fit=off][,integer-scale=on][,window-close=off]") and poll it
 * from m's main context every 30 ms, drawing only when the picture changed.
 * Click to grab the mouse, Ctrl+Alt+G to let it go, Ctrl+Alt+F full screen;
 * closing the window asks the machine to shut down.  Call from the thread
 * that runs the main loop.
 */
struct sdl_display *sdl_display_init(struct machine *m, struct console *con, GError **err);
#else
static inline struct sdl_display *sdl_display_init(struct machine *m, struct console *con,
						   GError **err)
{
	g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOSYS,
		    "-display sdl: kvmpc was built without SDL (apt-get install libsdl2-dev)");
	return NULL;
}
#endif

#endif
