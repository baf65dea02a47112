// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * query-qmp-schema: kvmpc's QMP interface in QEMU's introspection format
 * (SchemaInfo in QEMU's qapi/introspect.json): one "command" entity per
 * entry of the command tables (ui/monitor-int.h) with an "object" type for
 * its parameters (optional ones carry "default": null), an "enum" type for
 * parameters with fixed values, "array" types, and the "builtin" types
 * used; one "event" entity per event kvmpc emits.  Built from the same
 * tables the dispatcher checks arguments with, so it cannot describe a
 * command or parameter kvmpc does not have.  Non-builtin type names are
 * numbers, as in QEMU (clients must not depend on them); "0" is the empty
 * object.  Left out: return types are described only as "any" or "str"
 * (not their members), and command and event "features".
 */
#include <string.h>
#include <json-glib/json-glib.h>

#include "ui/monitor-int.h"

/* The events kvmpc emits and their data members. */
struct qmp_event_desc {
	const char *name;
	struct qmp_arg data[4];
};

static const char *const shutdown_causes[] = {
	"none", "host-error", "host-qmp-quit", "host-qmp-system-reset", "host-signal",
	"host-ui", "guest-shutdown", "guest-reset", "guest-panic", "subsystem-reset", NULL
};
static const char *const migration_statuses[] = {
	"none", "setup", "active", "completed", "failed", NULL
};

static const struct qmp_event_desc events[] = {
	{ "SHUTDOWN", { { "guest", ARG_BOOL, false },
			{ "reason", ARG_STR, false, shutdown_causes } } },
	{ "RESET", { { "guest", ARG_BOOL, false },
		     { "reason", ARG_STR, false, shutdown_causes } } },
	{ "POWERDOWN", { { 0 } } },
	{ "STOP", { { 0 } } },
	{ "RESUME", { { 0 } } },
	{ "SUSPEND", { { 0 } } },
	{ "SUSPEND_DISK", { { 0 } } },
	{ "WAKEUP", { { 0 } } },
	{ "DEVICE_TRAY_MOVED", { { "device", ARG_STR, false }, { "id", ARG_STR, false },
				 { "tray-open", ARG_BOOL, false } } },
	{ "MIGRATION", { { "status", ARG_STR, false, migration_statuses } } },
	{ "DEVICE_DELETED", { { "device", ARG_STR, true }, { "path", ARG_STR, false } } },
};

struct schema_gen {
	JsonArray *out;
	GHashTable *names; /* signature -> type name, for types already emitted */
	unsigned next;     /* next numbered type name */
};

static JsonObject *entity(struct schema_gen *g, const char *name, const char *meta)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "name", name);
	json_object_set_string_member(o, "meta-type", meta);
	json_array_add_object_element(g->out, o);
	return o;
}

/* The name of the type already emitted with this signature, or NULL. */
static const char *known(struct schema_gen *g, const char *sig)
{
	return g_hash_table_lookup(g->names, sig);
}

static const char *remember(struct schema_gen *g, char *sig, char *name)
{
	g_hash_table_insert(g->names, sig, name);
	return name;
}

static const char *builtin_type(struct schema_gen *g, const char *name, const char *json_type)
{
	char *sig = g_strconcat("builtin:", name, NULL);

	if (known(g, sig)) {
		g_free(sig);
		return name;
	}
	json_object_set_string_member(entity(g, name, "builtin"), "json-type", json_type);
	return remember(g, sig, g_strdup(name));
}

static const char *enum_type(struct schema_gen *g, const char *const *values)
{
	char *joined = g_strjoinv(",", (char **)values);
	char *sig = g_strconcat("enum:", joined, NULL);
	const char *name = known(g, sig);
	JsonArray *vals, *members;
	JsonObject *o;

	g_free(joined);
	if (name) {
		g_free(sig);
		return name;
	}
	name = remember(g, sig, g_strdup_printf("%u", g->next++));
	o = entity(g, name, "enum");
	vals = json_array_new();
	members = json_array_new();
	for (const char *const *v = values; *v; v++) {
		JsonObject *m = json_object_new();

		json_object_set_string_member(m, "name", *v);
		json_array_add_object_element(members, m);
		json_array_add_string_element(vals, *v);
	}
	json_object_set_array_member(o, "members", members);
	json_object_set_array_member(o, "values", vals);
	return name;
}

static const char *array_type(struct schema_gen *g, const char *elem)
{
	char *name = g_strdup_printf("[%s]", elem);
	char *sig = g_strconcat("array:", name, NULL);
	const char *k = known(g, sig);

	if (k) {
		g_free(sig);
		g_free(name);
		return k;
	}
	json_object_set_string_member(entity(g, name, "array"), "element-type", elem);
	return remember(g, sig, name);
}

static const char *member_type(struct schema_gen *g, const struct qmp_arg *a)
{
	switch (a->type) {
	case ARG_STR:
		return a->values ? enum_type(g, a->values) : builtin_type(g, "str", "string");
	case ARG_INT:
		return builtin_type(g, "int", "int");
	case ARG_BOOL:
		return builtin_type(g, "bool", "boolean");
	case ARG_ARRAY:
		return array_type(g, a->values ? enum_type(g, a->values) :
				  builtin_type(g, "any", "value"));
	case ARG_OBJECT:
		break;
	}
	return builtin_type(g, "any", "value");
}

/* The object type of a parameter list ("0" when empty). */
static const char *object_type(struct schema_gen *g, const struct qmp_arg *args, size_t max)
{
	GString *sig = g_string_new("object:");
	JsonArray *members = json_array_new();
	const char *name;

	for (size_t i = 0; i < max && args[i].name; i++) {
		JsonObject *m = json_object_new();
		const char *t = member_type(g, &args[i]);

		json_object_set_string_member(m, "name", args[i].name);
		if (args[i].optional)
			json_object_set_null_member(m, "default");
		json_object_set_string_member(m, "type", t);
		json_array_add_object_element(members, m);
		g_string_append_printf(sig, "%s%s:%s,", args[i].optional ? "*" : "",
				       args[i].name, t);
	}
	name = known(g, sig->str);
	if (name) {
		json_array_unref(members);
		g_string_free(sig, TRUE);
		return name;
	}
	name = sig->len == strlen("object:") ? g_strdup("0") : g_strdup_printf("%u", g->next++);
	json_object_set_array_member(entity(g, name, "object"), "members", members);
	return remember(g, g_string_free(sig, FALSE), (char *)name);
}

static void add_command(struct schema_gen *g, const struct qmp_cmd *c)
{
	const char *arg = object_type(g, c->args, G_N_ELEMENTS(c->args));
	const char *ret = !c->ret ? object_type(g, NULL, 0) :
		!strcmp(c->ret, "str") ? builtin_type(g, "str", "string") :
		builtin_type(g, "any", "value");
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "name", c->name);
	json_object_set_string_member(o, "meta-type", "command");
	json_object_set_string_member(o, "arg-type", arg);
	json_object_set_string_member(o, "ret-type", ret);
	json_array_add_object_element(g->out, o);
}

static void add_event(struct schema_gen *g, const struct qmp_event_desc *e)
{
	const char *arg = object_type(g, e->data, G_N_ELEMENTS(e->data));
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "name", e->name);
	json_object_set_string_member(o, "meta-type", "event");
	json_object_set_string_member(o, "arg-type", arg);
	json_array_add_object_element(g->out, o);
}

JsonNode *qmp_query_qmp_schema(struct machine *m, JsonObject *a, GError **err)
{
	struct schema_gen g = {
		.out = json_array_new(),
		.names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		.next = 1,
	};
	JsonNode *n;

	for (const struct qmp_cmd *const *t = qmp_cmd_tables; *t; t++)
		for (const struct qmp_cmd *c = *t; c->name; c++)
			add_command(&g, c);
	for (size_t i = 0; i < G_N_ELEMENTS(events); i++)
		add_event(&g, &events[i]);
	g_hash_table_unref(g.names);
	n = json_node_init_array(json_node_alloc(), g.out);
	json_array_unref(g.out);
	return n;
}
