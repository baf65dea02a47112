// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsing of QEMU-style option strings ("word,key=val,...", ",," escapes a
 * comma) and of sizes, numbers and booleans as QEMU's command line takes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/opts.h"

struct opts *opts_new(void)
{
	struct opts *o = g_new0(struct opts, 1);

	o->keys = g_ptr_array_new_with_free_func(g_free);
	o->vals = g_ptr_array_new_with_free_func(g_free);
	o->used = g_ptr_array_new();
	return o;
}

void opts_free(struct opts *o)
{
	if (!o)
		return;
	g_ptr_array_free(o->keys, TRUE);
	g_ptr_array_free(o->vals, TRUE);
	g_ptr_array_free(o->used, TRUE);
	g_free(o);
}

void opts_set(struct opts *o, const char *key, const char *val)
{
	g_ptr_array_add(o->keys, g_strdup(key));
	g_ptr_array_add(o->vals, g_strdup(val));
	g_ptr_array_add(o->used, GINT_TO_POINTER(0));
}

/* Next comma-separated element starting at *p, with ",," unescaped. */
static char *next_elem(const char **p)
{
	GString *s = g_string_new(NULL);
	const char *c = *p;

	while (*c) {
		if (*c == ',') {
			if (c[1] == ',') {
				g_string_append_c(s, ',');
				c += 2;
				continue;
			}
			c++;
			break;
		}
		g_string_append_c(s, *c++);
	}
	*p = c;
	return g_string_free(s, FALSE);
}

struct opts *opts_parse(const char *str, const char *implied_key, GError **err)
{
	struct opts *o = opts_new();
	const char *p = str;
	bool first = true;

	while (*p || first) {
		char *e = next_elem(&p);
		char *eq = strchr(e, '=');

		if (eq) {
			*eq = 0;
			if (!e[0]) {
				error_setg(err, "invalid option '%s': empty key", str);
				g_free(e);
				opts_free(o);
				return NULL;
			}
			opts_set(o, e, eq + 1);
		} else if (first && implied_key) {
			opts_set(o, implied_key, e);
		} else if (e[0]) {
			/* bare flag: "key" means key=on, like QEMU */
			opts_set(o, e, "on");
		}
		g_free(e);
		first = false;
		if (!*p)
			break;
	}
	return o;
}

static int opts_index(struct opts *o, const char *key)
{
	for (int i = (int)o->keys->len - 1; i >= 0; i--)
		if (!strcmp(g_ptr_array_index(o->keys, i), key))
			return i;
	return -1;
}

const char *opts_get(struct opts *o, const char *key)
{
	int i;

	if (!o)
		return NULL;
	i = opts_index(o, key);
	if (i < 0)
		return NULL;
	for (unsigned j = 0; j < o->keys->len; j++)
		if (!strcmp(g_ptr_array_index(o->keys, j), key))
			o->used->pdata[j] = GINT_TO_POINTER(1);
	return g_ptr_array_index(o->vals, i);
}

bool opts_has(struct opts *o, const char *key)
{
	return o && opts_index(o, key) >= 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int parse_size(const char *s, bool mib_default, uint64_t *out)
{
	char *end;
	double v;
	uint64_t mult;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)) {
		uint64_t x = strtoull(s, &end, 16);
		if (errno || *end)
			return -EINVAL;
		*out = x;
		return 0;
	}
	v = strtod(s, &end);
	if (errno || end == s || !(v >= 0)) /* also NaN */
		return -EINVAL;
	switch (*end) {
	case 0: mult = mib_default ? 1ULL << 20 : 1; break;
	case 'b': case 'B': mult = 1; break;
	case 'k': case 'K': mult = 1ULL << 10; break;
	case 'm': case 'M': mult = 1ULL << 20; break;
	case 'g': case 'G': mult = 1ULL << 30; break;
	case 't': case 'T': mult = 1ULL << 40; break;
	case 'p': case 'P': mult = 1ULL << 50; break;
	case 'e': case 'E': mult = 1ULL << 60; break;
	default: return -EINVAL;
	}
	if (*end && end[1])
		return -EINVAL;
	if (v * (double)mult >= 18446744073709551615.0)
		return -ERANGE;
	*out = (uint64_t)(v * (double)mult);
	return 0;
}

int parse_bool(const char *s, bool *out)
{
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "y")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "n")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

int opts_get_u64(struct opts *o, const char *key, uint64_t def, uint64_t *out, GError **err)
{
	const char *v = opts_get(o, key);

	*out = def;
	if (!v)
		return 0;
	if (parse_u64(v, out) < 0) {
		error_setg(err, "Parameter '%s' expects a number, got '%s'", key, v);
		return -EINVAL;
	}
	return 0;
}

int opts_get_size(struct opts *o, const char *key, uint64_t def, uint64_t *out, GError **err)
{
	const char *v = opts_get(o, key);

	*out = def;
	if (!v)
		return 0;
	if (parse_size(v, false, out) < 0) {
		error_setg(err, "Parameter '%s' expects a size, got '%s'", key, v);
		return -EINVAL;
	}
	return 0;
}

int opts_get_bool(struct opts *o, const char *key, bool def, bool *out, GError **err)
{
	const char *v = opts_get(o, key);

	*out = def;
	if (!v)
		return 0;
	if (parse_bool(v, out) < 0) {
		error_setg(err, "Parameter '%s' expects 'on' or 'off', got '%s'", key, v);
		return -EINVAL;
	}
	return 0;
}

bool opts_id_wellformed(const char *id)
{
	if (!id || !g_ascii_isalpha(id[0]))
		return false;
	for (const char *p = id + 1; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("-._", *p))
			return false;
	return true;
}

int opts_check_unused(struct opts *o, const char *what, GError **err)
{
	if (!o)
		return 0;
	for (unsigned i = 0; i < o->keys->len; i++) {
		if (!GPOINTER_TO_INT(g_ptr_array_index(o->used, i))) {
			error_setg(err, "%s: invalid parameter '%s'", what,
				    (char *)g_ptr_array_index(o->keys, i));
			return -EINVAL;
		}
	}
	return 0;
}
