/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VNC server (-vnc): RFB 3.3/3.7/3.8 with no security or with VNC
 * password authentication; Raw, Hextile, ZRLE and DesktopSize.  It shows
 * one console and feeds keys and pointer through console_key_event() and
 * console_mouse_event().
 */
#ifndef UI_VNC_H
#define UI_VNC_H

#include <glib.h>

struct machine;
struct console;
struct vnc_server;

/*
 * spec: ":N" or "HOST:N" (TCP port 5900+N; ":N" listens on 127.0.0.1 only),
 * or "unix:PATH", then optionally ",password=on" (VNC authentication; no
 * client gets in before vnc_change_password()).  Other options are
 * refused.  Clients are served from m's main context; the screen is
 * refreshed every 30 ms while any is connected.
 */
struct vnc_server *vnc_server_init(struct machine *m, struct console *con, const char *spec,
				   GError **err);

/*
 * Set the password VNC authentication checks (its first 8 characters
 * count).  Refused (-EINVAL, *err set) unless -vnc has password=on.
 * Lock held.
 */
int vnc_change_password(const char *password, GError **err);

#endif
