/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest accelerator's protocol server: a test program plays the CPU
 * over a character device, one text command per line
 * (docs/qtest-protocol.md).  No vCPU runs; the machine's clock
 * is manual and moves only on clock_step / clock_set.
 */
#ifndef ACCEL_QTEST_H
#define ACCEL_QTEST_H

#include <glib.h>

struct machine;
struct qtest_state;

/*
 * Open the channel described by a legacy chardev spec (unix:PATH connects
 * as a client, as QEMU does; add ,server=on,wait=off to listen) and serve
 * commands on it with the machine lock held.  log_path: NULL logs to
 * stderr, "none" disables the log, anything else is a file.  Sets m->qtest
 * and registers the qtest accelerator's ops (GSI changes go to the test).
 * Returns 0, or -errno with *err set.
 */
int qtest_server_start(struct machine *m, const char *spec, const char *log_path, GError **err);

/*
 * The machine's GSI sink calls this on every level it sets (lock held).
 * Once the test asked for irq_intercept_in, changes are reported to it as
 * "IRQ raise N" / "IRQ lower N" lines.  s may be NULL.
 */
void qtest_irq_changed(struct qtest_state *s, int gsi, int level);

/* At exit: close the log and free the server state (the chardev stays). */
void qtest_server_free(struct machine *m);

#endif
