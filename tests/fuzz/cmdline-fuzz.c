// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the command line (core/cmdline.c, core/opts.c and
 * the option parsers behind them: -drive, -device, -netdev, -chardev,
 * -smp, -m, -boot, -sandbox, ...): the input is split into arguments at
 * newlines and NUL bytes and parsed into a fresh configuration, as main()
 * does before anything is opened.  Arguments that print help or the
 * version (and exit) or name a log file (-D creates it) are left out.
 * Errors are expected; a crash, sanitizer report or hang is a bug.
 */
#include <stdint.h>
#include <string.h>
#include <glib.h>
#include "core/cmdline.h"
#include "core/machine.h"

static bool arg_unsafe(const char *a)
{
	static const char *const bad[] = { "D", "h", "help", "version", "dump-options" };
	const char *name = a;

	while (*name == '-')
		name++;
	for (size_t i = 0; *a == '-' && i < G_N_ELEMENTS(bad); i++)
		if (!strcmp(name, bad[i]))
			return true;
	return strstr(a, "help") != NULL || strchr(a, '?') != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = g_malloc(size + 1);
	GPtrArray *argv = g_ptr_array_new();
	struct machine_config *cfg;
	GError *err = NULL;
	char *p = text, *end = text + size;

	memcpy(text, data, size);
	text[size] = 0;
	for (size_t i = 0; i < size; i++)
		if (text[i] == '\n')
			text[i] = 0;
	g_ptr_array_add(argv, "kvmpc");
	while (p < end && argv->len < 64) {
		if (arg_unsafe(p))
			goto out;
		g_ptr_array_add(argv, p);
		p += strlen(p) + 1;
	}
	g_ptr_array_add(argv, NULL);
	cfg = machine_config_new();
	cmdline_parse(cfg, argv->len - 1, (char **)argv->pdata, &err);
	g_clear_error(&err);
	machine_config_free(cfg);
out:
	g_ptr_array_free(argv, TRUE);
	g_free(text);
	return 0;
}
