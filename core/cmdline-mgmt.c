// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The options a management tool adds to every guest's command line
 * (libvirt 9.0 starts a domain with all of them): -object secret (in
 * QEMU's key=value or JSON form; kept by id for whoever needs a key),
 * -uuid, -audiodev (only the "none" driver: kvmpc has no sound device),
 * -overcommit mem-lock=,cpu-pm=, -msg timestamp=, and -blockdev as libvirt
 * writes it (a "file" node under a "raw" or "qcow2" format node, which a
 * -device names with drive=): each chain becomes the -drive if=none with
 * the format node's name as id, with QEMU 7.2's error texts.  Left out:
 * every other -object type (memory backends, iothreads, TLS credentials
 * are refused), encrypted secrets (keyid=, iv=), -msg guest-name=,
 * blockdev backing chains and protocols other than file, and the QMP
 * blockdev-* commands.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "core/cmdline-int.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/opts.h"

/* JSON members into o, nested objects as dotted keys ("cache.direct"), as
 * QEMU's keyval syntax spells them; null is kept as "" (absent). */
static bool json_into_opts(struct opts *o, JsonObject *obj, const char *prefix, GError **err)
{
	GList *keys = json_object_get_members(obj);
	bool ok = true;

	for (GList *k = keys; k && ok; k = k->next) {
		JsonNode *v = json_object_get_member(obj, k->data);
		char *key = g_strconcat(prefix, k->data, NULL);
		GType t = JSON_NODE_HOLDS_VALUE(v) ? json_node_get_value_type(v) : G_TYPE_INVALID;
		char *s = NULL;

		if (JSON_NODE_HOLDS_OBJECT(v)) {
			char *sub = g_strconcat(key, ".", NULL);

			ok = json_into_opts(o, json_node_get_object(v), sub, err);
			g_free(sub);
		} else if (JSON_NODE_HOLDS_NULL(v)) {
			s = g_strdup("");
		} else if (t == G_TYPE_STRING) {
			s = g_strdup(json_node_get_string(v));
		} else if (t == G_TYPE_BOOLEAN) {
			s = g_strdup(json_node_get_boolean(v) ? "on" : "off");
		} else if (t == G_TYPE_INT64) {
			s = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(v));
		} else {
			error_setg(err, "'%s' must be a string, number, boolean or object", key);
			ok = false;
		}
		if (s)
			opts_set(o, key, s);
		g_free(s);
		g_free(key);
	}
	g_list_free(keys);
	return ok;
}

/* '{...}' (JSON, as libvirt writes it) or "implied,key=value,...". */
static struct opts *parse_any(const char *opt, const char *arg, const char *implied,
			      GError **err)
{
	JsonParser *p;
	JsonNode *root;
	struct opts *o;

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
	if (!json_into_opts(o, json_node_get_object(root), "", err)) {
		g_prefix_error(err, "-%s %s: ", opt, arg);
		opts_free(o);
		o = NULL;
	}
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

int opt_blockdev(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = parse_any("blockdev", arg, "driver", err);

	if (!o)
		return -1;
	if (!opts_has(o, "driver") || !opts_has(o, "node-name")) {
		error_setg(err, "-blockdev %s: Parameter '%s' is missing", arg,
			   opts_has(o, "driver") ? "node-name" : "driver");
		opts_free(o);
		return -1;
	}
	g_ptr_array_add(cfg->blockdevs, o);
	return 0;
}

static struct opts *blockdev_node(struct machine_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->blockdevs->len; i++) {
		struct opts *o = g_ptr_array_index(cfg->blockdevs, i);

		if (!strcmp(opts_get(o, "node-name"), name))
			return o;
	}
	return NULL;
}

/* The -drive cache mode of cache.direct / cache.no-flush on either node. */
static const char *blockdev_cache(struct opts *fmt, struct opts *file, GError **err)
{
	bool direct = false, no_flush = false;

	if (opts_get_bool(file, "cache.direct", false, &direct, err) < 0 ||
	    opts_get_bool(fmt, "cache.direct", direct, &direct, err) < 0 ||
	    opts_get_bool(file, "cache.no-flush", false, &no_flush, err) < 0 ||
	    opts_get_bool(fmt, "cache.no-flush", no_flush, &no_flush, err) < 0)
		return NULL;
	return no_flush ? "unsafe" : direct ? "none" : "writeback";
}

/* ",," for each comma: a value inside an option string */
static void put_escaped(GString *s, const char *v)
{
	for (; *v; v++) {
		if (*v == ',')
			g_string_append_c(s, ',');
		g_string_append_c(s, *v);
	}
}

/* One format node over its file node (fmt == file: a bare file node). */
static int blockdev_drive(struct machine_config *cfg, struct opts *fmt, struct opts *file,
			  GError **err)
{
	const char *path = opts_get(file, "filename"), *cache, *v;
	GString *s = g_string_new("if=none,id=");
	bool ro = false;

	opts_get(file, "auto-read-only"); /* read-write when it can: so does kvmpc */
	opts_get(file, "locking");
	v = fmt != file ? opts_get(fmt, "backing") : NULL;
	if (v && *v) {
		error_setg(err, "-blockdev node '%s': backing nodes are not supported",
			   opts_get(fmt, "node-name"));
		goto fail;
	}
	if (!path || !(cache = blockdev_cache(fmt, file, err)) ||
	    opts_get_bool(fmt, "read-only", false, &ro, err) < 0) {
		if (!path)
			error_setg(err, "-blockdev node '%s': Parameter 'filename' is missing",
				   opts_get(file, "node-name"));
		goto fail;
	}
	put_escaped(s, opts_get(fmt, "node-name"));
	g_string_append(s, ",file=");
	put_escaped(s, path);
	g_string_append_printf(s, ",format=%s,cache=%s%s",
			       fmt == file ? "raw" : opts_get(fmt, "driver"), cache,
			       ro ? ",readonly=on" : "");
	if ((v = opts_get(fmt, "discard")) || (v = opts_get(file, "discard")))
		g_string_append_printf(s, ",discard=%s", v);
	opts_get(fmt, "discard");
	opts_get(file, "discard");
	opts_get(file, "read-only");
	if (opts_check_unused(file, "-blockdev", err) < 0 ||
	    opts_check_unused(fmt, "-blockdev", err) < 0)
		goto fail;
	g_ptr_array_add(cfg->drive_opts, g_string_free(s, FALSE));
	return 0;
fail:
	g_string_free(s, TRUE);
	return -1;
}

int blockdev_finish(struct machine_config *cfg, GError **err)
{
	GHashTable *under = g_hash_table_new(g_str_hash, g_str_equal);
	int ret = 0;

	for (unsigned i = 0; i < cfg->blockdevs->len && !ret; i++) {
		struct opts *o = g_ptr_array_index(cfg->blockdevs, i), *file;
		const char *drv = opts_get(o, "driver"), *ref;

		if (!strcmp(drv, "file"))
			continue;
		if (strcmp(drv, "raw") && strcmp(drv, "qcow2")) {
			error_setg(err, "-blockdev driver '%s' is not supported (file, raw, qcow2)",
				   drv);
			ret = -1;
			break;
		}
		ref = opts_get(o, "file");
		file = ref ? blockdev_node(cfg, ref) : NULL;
		if (!file || strcmp(opts_get(file, "driver"), "file")) {
			error_setg(err, "-blockdev node '%s': 'file' must name a file node",
				   opts_get(o, "node-name"));
			ret = -1;
			break;
		}
		g_hash_table_add(under, (gpointer)ref);
		ret = blockdev_drive(cfg, o, file, err);
	}
	for (unsigned i = 0; i < cfg->blockdevs->len && !ret; i++) {
		struct opts *o = g_ptr_array_index(cfg->blockdevs, i);

		if (!strcmp(opts_get(o, "driver"), "file") &&
		    !g_hash_table_contains(under, opts_get(o, "node-name")))
			ret = blockdev_drive(cfg, o, o, err);
	}
	g_hash_table_unref(under);
	return ret;
}
