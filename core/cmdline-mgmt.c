// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The options a management tool adds to every guest's command line
 * (libvirt 9.0 starts a domain with all of them): -object secret (in
 * QEMU's key=value or JSON form; kept by id for whoever needs a key),
 * -uuid, -audiodev (only the "none" driver: kvmpc has no sound device),
 * -overcommit mem-lock=,cpu-pm= and -msg timestamp=, with QEMU 7.2's
 * error texts.  Left out: every other -object type (memory backends,
 * iothreads, TLS credentials are refused), encrypted secrets (keyid=, iv=),
 * -msg guest-name=.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "core/cmdline-int.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/opts.h"

/* '{...}' (JSON, as libvirt writes it) or "implied,key=value,...". */
static struct opts *parse_any(const char *opt, const char *arg, const char *implied,
			      GError **err)
{
	JsonParser *p;
	JsonNode *root;
	struct opts *o;
	GList *keys;

	if (arg[0] != '{')
		return opts_parse(arg, implied, err);
	p = json_parser_new();
	if (!json_parser_load_from_data(p, arg, -1, NULL) ||
	    !JSON_NODE_HOLDS_OBJECT(root = json_parser_get_root(p))) {
		error_setg(err, "-%s %s: not a JSON object", opt, arg);
		g_object_unref(p);
		return NULL;
	}
	o = opts_new();
	keys = json_object_get_members(json_node_get_object(root));
	for (GList *k = keys; k; k = k->next) {
		JsonNode *v = json_object_get_member(json_node_get_object(root), k->data);
		char *s = NULL;

		if (JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_STRING)
			s = g_strdup(json_node_get_string(v));
		else if (JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_BOOLEAN)
			s = g_strdup(json_node_get_boolean(v) ? "on" : "off");
		else if (JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_INT64)
			s = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(v));
		if (!s) {
			error_setg(err, "-%s %s: '%s' must be a string, number or boolean", opt,
				   arg, (const char *)k->data);
			opts_free(o);
			o = NULL;
			break;
		}
		opts_set(o, k->data, s);
		g_free(s);
	}
	g_list_free(keys);
	g_object_unref(p);
	return o;
}

/* A secret's bytes: data= (raw or base64) or the contents of file=. */
static int secret_load(struct opts *o, GBytes **out, GError **err)
{
	const char *data = opts_get(o, "data"), *file = opts_get(o, "file");
	const char *fmt = opts_get(o, "format");
	GError *local = NULL;
	gchar *buf = NULL;
	gsize len = 0;

	if (fmt && strcmp(fmt, "raw") && strcmp(fmt, "base64")) {
		error_setg(err, "Parameter 'format' does not accept value '%s'", fmt);
		return -1;
	}
	if (!data == !file) {
		error_setg(err, "Either 'file' or 'data' must be provided");
		return -1;
	}
	if (opts_has(o, "keyid") || opts_has(o, "iv")) {
		error_setg(err, "encrypted secrets (keyid=, iv=) are not supported");
		return -1;
	}
	if (file && !g_file_get_contents(file, &buf, &len, &local)) {
		error_setg(err, "Unable to read %s: %s", file, local->message);
		g_error_free(local);
		return -1;
	}
	if (data) {
		buf = g_strdup(data);
		len = strlen(data);
	}
	if (fmt && !strcmp(fmt, "base64")) {
		guchar *raw = g_base64_decode(buf, &len);

		g_free(buf);
		buf = (gchar *)raw;
	}
	*out = g_bytes_new_take(buf, len);
	return 0;
}

int opt_object(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = parse_any("object", arg, "qom-type", err);
	const char *type, *id;
	GBytes *secret;
	int ret = -1;

	if (!o)
		return -1;
	type = opts_get(o, "qom-type");
	id = opts_get(o, "id");
	if (!type) {
		error_setg(err, "-object %s: Parameter 'qom-type' is missing", arg);
		goto out;
	}
	if (strcmp(type, "secret")) {
		error_setg(err, "-object %s: Parameter 'qom-type' does not accept value '%s'",
			   arg, type);
		goto out;
	}
	if (!id) {
		error_setg(err, "-object %s: Parameter 'id' is missing", arg);
		goto out;
	}
	if (g_hash_table_contains(cfg->secrets, id)) {
		error_setg(err, "-object %s: attempt to add duplicate property '%s' to object "
			   "(type 'container')", arg, id);
		goto out;
	}
	if (secret_load(o, &secret, err) < 0 || opts_check_unused(o, "-object", err) < 0)
		goto out;
	g_hash_table_insert(cfg->secrets, g_strdup(id), secret);
	ret = 0;
out:
	opts_free(o);
	return ret;
}

/* 8-4-4-4-12 hex digits. */
static bool uuid_valid(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };

	if (strlen(s) != 36)
		return false;
	for (int i = 0, d = 0; i < 36; i++) {
		if (d < 4 && i == dash[d]) {
			if (s[i] != '-')
				return false;
			d++;
		} else if (!g_ascii_isxdigit(s[i])) {
			return false;
		}
	}
	return true;
}

int opt_uuid(struct machine_config *cfg, const char *arg, GError **err)
{
	if (!uuid_valid(arg)) {
		error_setg(err, "-uuid %s: failed to parse UUID string: wrong format", arg);
		return -1;
	}
	g_free(cfg->uuid);
	cfg->uuid = g_ascii_strdown(arg, -1);
	return 0;
}

int opt_audiodev(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = parse_any("audiodev", arg, "driver", err);
	const char *drv;
	int ret = -1;

	if (!o)
		return -1;
	drv = opts_get(o, "driver");
	if (!drv) {
		error_setg(err, "-audiodev %s: Parameter 'driver' is missing", arg);
		goto out;
	}
	if (strcmp(drv, "none")) {
		/* QEMU's other drivers need a sound device kvmpc does not have */
		error_setg(err, "-audiodev %s: Parameter 'driver' does not accept value '%s'",
			   arg, drv);
		goto out;
	}
	if (!opts_get(o, "id")) {
		error_setg(err, "-audiodev %s: Parameter 'id' is missing", arg);
		goto out;
	}
	ret = 0;
out:
	opts_free(o); /* per-direction settings of a silent driver: nothing to check */
	return ret;
}

static int onoff(struct opts *o, const char *opt, const char *arg, const char *key, bool *out,
		 GError **err)
{
	const char *v = opts_get(o, key);

	if (!v)
		return 0;
	if (strcmp(v, "on") && strcmp(v, "off")) {
		error_setg(err, "-%s %s: Parameter '%s' expects 'on' or 'off'", opt, arg, key);
		return -1;
	}
	*out = !strcmp(v, "on");
	return 0;
}

int opt_overcommit(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = opts_parse(arg, NULL, err);
	bool cpu_pm = false;
	int ret = -1;

	if (!o)
		return -1;
	if (onoff(o, "overcommit", arg, "mem-lock", &cfg->mem_lock, err) < 0 ||
	    onoff(o, "overcommit", arg, "cpu-pm", &cpu_pm, err) < 0 ||
	    opts_check_unused(o, "-overcommit", err) < 0)
		goto out;
	if (cpu_pm) {
		error_setg(err, "-overcommit %s: cpu-pm=on is not supported", arg);
		goto out;
	}
	ret = 0;
out:
	opts_free(o);
	return ret;
}

int opt_msg(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = opts_parse(arg, NULL, err);
	bool ts = false;
	int ret = -1;

	if (!o)
		return -1;
	if (onoff(o, "msg", arg, "timestamp", &ts, err) < 0 ||
	    opts_check_unused(o, "-msg", err) < 0)
		goto out;
	log_timestamps = ts;
	ret = 0;
out:
	opts_free(o);
	return ret;
}
