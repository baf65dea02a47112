/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -daemonize and -pidfile (core/daemon.c).  Order in main(): parse the
 * command line, daemon_detach() before any thread exists, pidfile_create(),
 * build the machine, daemon_ready() once the monitors listen, and
 * pidfile_remove() at exit.
 */
#ifndef CORE_DAEMON_H
#define CORE_DAEMON_H

#include <glib.h>

/* Fork into the background; returns (0) only in the detached process. */
int daemon_detach(GError **err);
/* Set-up finished: stdio to /dev/null, the waiting parent exits 0. */
void daemon_ready(void);
/* Create, lock and write PATH with our pid.  0 or -1 with *err. */
int pidfile_create(const char *path, GError **err);
void pidfile_remove(void);

#endif
