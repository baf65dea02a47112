// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Logging: error_report for one-line user-facing errors, category logs
 * selected by -d and sent to stderr or -D FILE, and a token bucket that
 * rate-limits reports of guest mistakes (10 per second, burst 20).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <glib.h>
#include "core/log.h"

unsigned log_mask;

G_DEFINE_QUARK(kvmpc-error-quark, kvmpc_error)
static FILE *log_file;
static GMutex log_mutex;

static const struct {
	const char *name;
	unsigned bit;
} log_names[] = {
	{ "guest_errors", LOG_GUEST_ERROR },
	{ "unimp", LOG_UNIMP },
	{ "ioport", LOG_IOPORT },
	{ "int", LOG_INT },
	{ "cpu", LOG_CPU },
	{ "ui", LOG_UI },
};

bool log_parse_mask(const char *list, char **bad_name)
{
	gchar **parts = g_strsplit(list, ",", -1);
	unsigned mask = 0;
	bool ok = true;

	for (int i = 0; parts[i] && ok; i++) {
		bool found = false;
		for (size_t j = 0; j < G_N_ELEMENTS(log_names); j++) {
			if (!strcmp(parts[i], log_names[j].name)) {
				mask |= log_names[j].bit;
				found = true;
			}
		}
		if (!found && parts[i][0]) {
			ok = false;
			if (bad_name)
				*bad_name = g_strdup(parts[i]);
		}
	}
	g_strfreev(parts);
	if (ok)
		log_mask |= mask;
	return ok;
}

int log_set_file(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	setvbuf(f, NULL, _IOLBF, 0);
	log_file = f;
	return 0;
}

bool log_timestamps;

static void vreport(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	g_mutex_lock(&log_mutex);
	if (log_timestamps) { /* -msg timestamp=on: QEMU's ISO 8601 UTC prefix */
		GDateTime *now = g_date_time_new_now_utc();
		char *ts = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S.%fZ ");

		fputs(ts, f);
		g_free(ts);
		g_date_time_unref(now);
	}
	fputs(prefix, f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
	g_mutex_unlock(&log_mutex);
}

void error_report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(stderr, "kvmpc: ", fmt, ap);
	va_end(ap);
}

void warn_report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(stderr, "kvmpc: warning: ", fmt, ap);
	va_end(ap);
}

void log_cat(unsigned cat, const char *fmt, ...)
{
	va_list ap;

	if (!(log_mask & cat))
		return;
	va_start(ap, fmt);
	vreport(log_file ? log_file : stderr, "", fmt, ap);
	va_end(ap);
}

/* Token bucket shared by all guest reports. */
static bool guest_report_allowed(void)
{
	static double tokens = 20;
	static gint64 last;
	gint64 now = g_get_monotonic_time();
	bool ok;

	g_mutex_lock(&log_mutex);
	if (last)
		tokens += (now - last) * 10.0 / G_USEC_PER_SEC;
	if (tokens > 20)
		tokens = 20;
	last = now;
	ok = tokens >= 1;
	if (ok)
		tokens -= 1;
	g_mutex_unlock(&log_mutex);
	return ok;
}

void log_guest(unsigned cat, const char *fmt, ...)
{
	va_list ap;

	if (!(log_mask & cat) || !guest_report_allowed())
		return;
	va_start(ap, fmt);
	vreport(log_file ? log_file : stderr, "guest: ", fmt, ap);
	va_end(ap);
}
