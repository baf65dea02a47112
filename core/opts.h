/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU-style option strings: "value,key=val,key2=val2".  A leading bare word
 * is stored under the implied key given by the caller (e.g. "driver" for
 * -device, "backend" for -chardev).  ",," escapes a comma inside a value.
 * Sizes take K/M/G/T suffixes (binary), booleans on/off/yes/no/true/false.
 */
#ifndef CORE_OPTS_H
#define CORE_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

struct opts {
	GPtrArray *keys; /* char *, in order */
	GPtrArray *vals; /* char *, parallel to keys */
	GPtrArray *used; /* GINT_TO_POINTER(bool) */
};

struct opts *opts_new(void);
struct opts *opts_parse(const char *str, const char *implied_key, GError **err);
void opts_free(struct opts *o);
const char *opts_get(struct opts *o, const char *key); /* last wins; marks used */
bool opts_has(struct opts *o, const char *key);
void opts_set(struct opts *o, const char *key, const char *val);
/* Typed getters: return 0 / set *out, or -EINVAL with *err set naming key. */
int opts_get_u64(struct opts *o, const char *key, uint64_t def, uint64_t *out, GError **err);
int opts_get_size(struct opts *o, const char *key, uint64_t def, uint64_t *out, GError **err);
int opts_get_bool(struct opts *o, const char *key, bool def, bool *out, GError **err);
/* QEMU's rule for a user-given id: a letter, then letters, digits, '-', '.', '_'. */
bool opts_id_wellformed(const char *id);
/* Error naming the first key nobody asked for (a typo), or 0. */
int opts_check_unused(struct opts *o, const char *what, GError **err);

/* "512", "512M", "4G", "1.5G": bytes.  Plain numbers are MiB if mib_default. */
int parse_size(const char *s, bool mib_default, uint64_t *out);
int parse_u64(const char *s, uint64_t *out); /* base 0, whole string */
int parse_bool(const char *s, bool *out);

#endif
