/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging: fatal set-up errors on stderr, debug categories selected with -d,
 * and rate-limited reports of guest mistakes.  Only main() exits.
 */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <stdbool.h>
#include <glib.h>
#include <gio/gio.h> /* G_IO_ERROR is fine to use too */

/* Error domain for GError in set-up paths: error_setg(err, "fmt", ...). */
GQuark kvmpc_error_quark(void);
#define KVMPC_ERROR kvmpc_error_quark()
#define error_setg(err, ...) g_set_error((err), KVMPC_ERROR, 0, __VA_ARGS__)

enum log_category {
	LOG_GUEST_ERROR = 1 << 0, /* guest programmed a device wrongly */
	LOG_UNIMP = 1 << 1,       /* guest used something we do not emulate */
	LOG_IOPORT = 1 << 2,      /* every port access (very verbose) */
	LOG_INT = 1 << 3,         /* interrupt line changes */
	LOG_CPU = 1 << 4,         /* vCPU exits and state */
	LOG_UI = 1 << 5,          /* frames a display frontend draws or sends */
};

extern unsigned log_mask;

/* Parse "-d guest_errors,unimp" into log_mask; false on an unknown name. */
bool log_parse_mask(const char *list, char **bad_name);
/* Redirect category logs to FILE (-D). Returns 0 or -errno. */
int log_set_file(const char *path);

/* -msg timestamp=on: error and warning lines start with the UTC time */
extern bool log_timestamps;

/* "kvmpc: <msg>" on stderr, one line. */
void error_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Category log; printed only when the category is enabled by -d. */
void log_cat(unsigned cat, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Guest mistakes: printed when -d guest_errors (or unimp) is set, and at most
 * a few per second so a hostile guest cannot flood the host log.
 */
void log_guest(unsigned cat, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define guest_error(...) log_guest(LOG_GUEST_ERROR, __VA_ARGS__)
#define guest_unimp(...) log_guest(LOG_UNIMP, __VA_ARGS__)

#endif
