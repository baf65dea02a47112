/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The backend pass of start-up (system/backends.c): every chardev, drive
 * and netdev the command line names, created before the board and before
 * any -device, and registered on the machine by id.
 */
#ifndef SYSTEM_BACKENDS_H
#define SYSTEM_BACKENDS_H

#include <glib.h>

struct machine;

/* 0, or -1 with *err set (nothing is half-registered that matters: main exits). */
int backends_create(struct machine *m, GError **err);

#endif
