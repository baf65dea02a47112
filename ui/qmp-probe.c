// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The QMP queries a management tool probes an emulator with before it
 * starts a guest (libvirt's capability probe and domain start-up), in
 * QEMU 7.2's shapes and error texts: the QOM type list (kvmpc's -device
 * classes, its machines, CPU models and accelerator), device and object
 * properties, machines, CPU definitions, command-line options, migration
 * capabilities, TPM, SEV and SGX (absent: as QEMU answers without them),
 * character devices and the /machine device tree.  Each answer is built
 * from what kvmpc has (the device class table, cpu_model_names, the
 * chardevs and devices of the machine), never copied from QEMU's.
 * Left out: device and object properties (kvmpc has no property
 * registry; the lists are empty), query-cpu-model-expansion's non-feature
 * properties (family, model-id, ...), and any QOM path other than /machine
 * and its peripheral containers.
 */
#include <string.h>
#include <json-glib/json-glib.h>

#include "ui/monitor-int.h"
#include "core/chardev.h"
#include "core/device.h"
#include "core/machine.h"
#include "accel/cpu-model.h"
#include "accel/kvm.h"

static JsonNode *arr_node(JsonArray *a)
{
	JsonNode *n = json_node_init_array(json_node_alloc(), a);

	json_array_unref(a);
	return n;
}

/* ---- QOM types -------------------------------------------------------- */

/* Abstract bases and their parents; concrete types come from the tables. */
static const struct {
	const char *name, *parent;
} abstract_types[] = {
	{ "object", NULL }, { "device", "object" }, { "pci-device", "device" },
	{ "isa-device", "device" }, { "machine", "object" },
	{ "x86-machine", "machine" }, { "generic-pc-machine", "x86-machine" },
	{ "cpu", "device" }, { "x86_64-cpu", "cpu" }, { "accel", "object" },
};

static const char *parent_of(const char *type)
{
	for (size_t i = 0; i < G_N_ELEMENTS(abstract_types); i++)
		if (!strcmp(abstract_types[i].name, type))
			return abstract_types[i].parent;
	return NULL;
}

static bool implements(const char *type, const char *parent, const char *base)
{
	if (!base || !strcmp(type, base))
		return true;
	for (const char *p = parent; p; p = parent_of(p))
		if (!strcmp(p, base))
			return true;
	return false;
}

static void add_type(JsonArray *out, const char *name, const char *parent, const char *impl,
		     bool abstract)
{
	JsonObject *o;

	if (!implements(name, parent, impl))
		return;
	o = json_object_new();
	json_object_set_string_member(o, "name", name);
	if (parent)
		json_object_set_string_member(o, "parent", parent);
	if (abstract)
		json_object_set_boolean_member(o, "abstract", true);
	json_array_add_object_element(out, o);
}

static const char *device_parent(const struct device_class *c)
{
	if (c->bus && !strcmp(c->bus, "PCI"))
		return "pci-device";
	if (c->bus && !strcmp(c->bus, "ISA"))
		return "isa-device";
	return "device";
}

static JsonNode *cmd_qom_list_types(struct machine *m, JsonObject *a, GError **err)
{
	const char *impl = a && json_object_has_member(a, "implements") ?
		json_object_get_string_member(a, "implements") : NULL;
	bool abstract = a && json_object_has_member(a, "abstract") &&
		json_object_get_boolean_member(a, "abstract");
	JsonArray *out = json_array_new();
	char *name;

	for (const struct device_class *const *c = m->device_classes; c && *c; c++)
		add_type(out, (*c)->name, device_parent(*c), impl, false);
	add_type(out, "pc-i440fx-7.2-machine", "generic-pc-machine", impl, false);
	add_type(out, "none-machine", "machine", impl, false);
	for (const char *const *cpu = cpu_model_names; *cpu; cpu++) {
		name = g_strdup_printf("%s-x86_64-cpu", *cpu);
		add_type(out, name, "x86_64-cpu", impl, false);
		g_free(name);
	}
	add_type(out, "kvm-accel", "accel", impl, false);
	for (size_t i = 0; abstract && i < G_N_ELEMENTS(abstract_types); i++)
		add_type(out, abstract_types[i].name, abstract_types[i].parent, impl, true);
	return arr_node(out);
}

static bool type_exists(struct machine *m, const char *t)
{
	char *cpu;
	bool found;

	if (device_class_find(m->device_classes, t) || parent_of(t) ||
	    !strcmp(t, "object") || !strcmp(t, "pc-i440fx-7.2-machine") ||
	    !strcmp(t, "none-machine") || !strcmp(t, "kvm-accel"))
		return true;
	if (!g_str_has_suffix(t, "-x86_64-cpu"))
		return false;
	cpu = g_strndup(t, strlen(t) - strlen("-x86_64-cpu"));
	found = g_strv_contains(cpu_model_names, cpu);
	g_free(cpu);
	return found;
}

static JsonNode *cmd_device_list_properties(struct machine *m, JsonObject *a, GError **err)
{
	const char *t = json_object_get_string_member(a, "typename");

	if (!device_class_find(m->device_classes, t)) {
		qmp_error(err, QMP_ERR_DEVICE_NOT_FOUND, "Device '%s' not found", t);
		return NULL;
	}
	return arr_node(json_array_new());
}

static JsonNode *cmd_qom_list_properties(struct machine *m, JsonObject *a, GError **err)
{
	const char *t = json_object_get_string_member(a, "typename");

	if (!type_exists(m, t) && !g_str_has_prefix(t, "memory-backend-")) {
		qmp_error(err, QMP_ERR_DEVICE_NOT_FOUND, "Class '%s' not found", t);
		return NULL;
	}
	return arr_node(json_array_new());
}

/* ---- machines and CPUs ------------------------------------------------ */

static JsonObject *machine_info(const char *name, const char *alias, unsigned cpu_max)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "name", name);
	if (alias) {
		json_object_set_string_member(o, "alias", alias);
		json_object_set_boolean_member(o, "is-default", true);
		json_object_set_string_member(o, "default-cpu-type", "qemu64-x86_64-cpu");
	}
	json_object_set_int_member(o, "cpu-max", cpu_max);
	json_object_set_boolean_member(o, "hotpluggable-cpus", false);
	json_object_set_boolean_member(o, "numa-mem-supported", false);
	json_object_set_boolean_member(o, "deprecated", false);
	return o;
}

static JsonNode *cmd_query_machines(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *out = json_array_new();

	json_array_add_object_element(out, machine_info("pc-i440fx-7.2", "pc", MACHINE_MAX_CPUS));
	json_array_add_object_element(out, machine_info("none", NULL, 1));
	return arr_node(out);
}

static JsonNode *cmd_query_cpu_definitions(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *out = json_array_new();

	for (const char *const *cpu = cpu_model_names; *cpu; cpu++) {
		JsonObject *o = json_object_new();
		char *t = g_strdup_printf("%s-x86_64-cpu", *cpu);
		bool host = !strcmp(*cpu, "host") || !strcmp(*cpu, "max");

		json_object_set_string_member(o, "name", *cpu);
		json_object_set_string_member(o, "typename", t);
		json_object_set_array_member(o, "unavailable-features", json_array_new());
		json_object_set_boolean_member(o, "static", false);
		json_object_set_boolean_member(o, "migration-safe", !host);
		json_object_set_boolean_member(o, "deprecated", false);
		json_array_add_object_element(out, o);
		g_free(t);
	}
	return arr_node(out);
}

static void expand_emit(void *opaque, const char *name, bool on)
{
	json_object_set_boolean_member(opaque, name, on);
}

/* The model's features, the caller's props applied: "static" names it "base". */
static JsonNode *cmd_query_cpu_model_expansion(struct machine *m, JsonObject *a, GError **err)
{
	JsonObject *model = json_object_get_object_member(a, "model");
	JsonNode *name = json_object_get_member(model, "name");
	JsonNode *in = json_object_get_member(model, "props");
	bool is_static = !strcmp(json_object_get_string_member(a, "type"), "static");
	const struct kvm_cpuid2 *sup = m->kvm ? m->kvm->supported_cpuid : NULL;
	g_autoptr(JsonObject) props = json_object_new();
	JsonObject *out, *res;

	if (!name || !JSON_NODE_HOLDS_VALUE(name) ||
	    json_node_get_value_type(name) != G_TYPE_STRING) {
		qmp_error(err, QMP_ERR_GENERIC, "Parameter 'model.name' is missing");
		return NULL;
	}
	if (in && !JSON_NODE_HOLDS_OBJECT(in)) {
		qmp_error(err, QMP_ERR_GENERIC, "Invalid parameter type for 'model.props', expected: dict");
		return NULL;
	}
	if (cpu_model_expand(sup, json_node_get_string(name), expand_emit, props, err))
		return NULL;
	for (GList *l = in ? json_object_get_members(json_node_get_object(in)) : NULL, *h = l; l;
	     l = l->next) {
		JsonNode *v = json_object_get_member(json_node_get_object(in), l->data);
		if (!cpu_model_feature_known(l->data)) {
			qmp_error(err, QMP_ERR_GENERIC, "Property '%s-x86_64-cpu.%s' not found",
				  json_node_get_string(name), (char *)l->data);
		} else if (!JSON_NODE_HOLDS_VALUE(v) ||
			   json_node_get_value_type(v) != G_TYPE_BOOLEAN) {
			qmp_error(err, QMP_ERR_GENERIC,
				  "Invalid parameter type for '%s', expected: boolean", (char *)l->data);
		} else {
			json_object_set_boolean_member(props, l->data, json_node_get_boolean(v));
			continue;
		}
		g_list_free(h);
		return NULL;
	}
	out = json_object_new();
	json_object_set_string_member(out, "name", is_static ? "base" : json_node_get_string(name));
	json_object_set_object_member(out, "props", json_object_ref(props));
	res = json_object_new();
	json_object_set_object_member(res, "model", out);
	return json_node_init_object(json_node_alloc(), res);
}

/* ---- command line, migration, TPM, SEV, SGX --------------------------- */

/* kvmpc's options that take key=value lists, by QEMU's group names. */
static const char *const keyval_options[] = {
	"machine", "accel", "smp-opts", "boot-opts", "rtc", "chardev", "mon", "drive",
	"device", "netdev", "nic", "display", "sandbox", NULL
};

static JsonNode *cmd_query_command_line_options(struct machine *m, JsonObject *a,
						GError **err)
{
	const char *want = a && json_object_has_member(a, "option") ?
		json_object_get_string_member(a, "option") : NULL;
	JsonArray *out = json_array_new();

	for (const char *const *o = keyval_options; *o; o++) {
		JsonObject *e;

		if (want && strcmp(want, *o))
			continue;
		e = json_object_new();
		json_object_set_array_member(e, "parameters", json_array_new());
		json_object_set_string_member(e, "option", *o);
		json_array_add_object_element(out, e);
	}
	if (want && !json_array_get_length(out)) {
		json_array_unref(out);
		qmp_error(err, QMP_ERR_GENERIC, "invalid option name: %s", want);
		return NULL;
	}
	return arr_node(out);
}

bool qmp_migration_events; /* the "events" migration capability */

static JsonNode *cmd_query_migrate_capabilities(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *out = json_array_new();
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "capability", "events");
	json_object_set_boolean_member(o, "state", qmp_migration_events);
	json_array_add_object_element(out, o);
	return arr_node(out);
}

static JsonNode *cmd_migrate_set_capabilities(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *caps = json_object_get_array_member(a, "capabilities");
	unsigned n = json_array_get_length(caps);
	bool events = qmp_migration_events;

	for (unsigned i = 0; i < n; i++) {
		JsonNode *e = json_array_get_element(caps, i);
		JsonObject *o = JSON_NODE_HOLDS_OBJECT(e) ? json_node_get_object(e) : NULL;
		JsonNode *cap = o ? json_object_get_member(o, "capability") : NULL;
		JsonNode *st = o ? json_object_get_member(o, "state") : NULL;

		if (!cap || !st || json_node_get_value_type(st) != G_TYPE_BOOLEAN ||
		    json_node_get_value_type(cap) != G_TYPE_STRING) {
			qmp_error(err, QMP_ERR_GENERIC, "Invalid parameter type for "
				  "'capabilities[%u]', expected: MigrationCapabilityStatus", i);
			return NULL;
		}
		if (strcmp(json_node_get_string(cap), "events")) {
			qmp_error(err, QMP_ERR_GENERIC, "Parameter 'capability' does not accept "
				  "value '%s'", json_node_get_string(cap));
			return NULL;
		}
		events = json_node_get_boolean(st);
	}
	qmp_migration_events = events;
	return json_node_init_object(json_node_alloc(), json_object_new());
}

static JsonNode *cmd_empty_list(struct machine *m, JsonObject *a, GError **err)
{
	return arr_node(json_array_new());
}

static JsonNode *cmd_query_sev_capabilities(struct machine *m, JsonObject *a, GError **err)
{
	qmp_error(err, QMP_ERR_GENERIC, "SEV is not enabled in KVM");
	return NULL;
}

static JsonNode *cmd_query_sgx_capabilities(struct machine *m, JsonObject *a, GError **err)
{
	qmp_error(err, QMP_ERR_GENERIC, "SGX is not enabled in KVM");
	return NULL;
}

/* ---- character devices and the device tree ---------------------------- */

static JsonObject *chardev_info(struct chardev *c)
{
	JsonObject *o = json_object_new();
	char *file = chardev_filename(c);

	json_object_set_string_member(o, "label", chardev_label(c));
	json_object_set_string_member(o, "filename", file);
	json_object_set_boolean_member(o, "frontend-open", chardev_has_frontend(c));
	g_free(file);
	return o;
}

static JsonNode *cmd_query_chardev(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *out = json_array_new();
	GHashTableIter it;
	gpointer v;

	if (m->chardevs) {
		g_hash_table_iter_init(&it, m->chardevs);
		while (g_hash_table_iter_next(&it, NULL, &v))
			json_array_add_object_element(out, chardev_info(v));
	}
	for (unsigned i = 0; m->anon_chardevs && i < m->anon_chardevs->len; i++)
		json_array_add_object_element(out, chardev_info(g_ptr_array_index(m->anon_chardevs, i)));
	return arr_node(out);
}

static void add_prop(JsonArray *out, const char *name, const char *type)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "name", name);
	json_object_set_string_member(o, "type", type);
	json_array_add_object_element(out, o);
}

/* /machine/peripheral holds the -device/device_add devices with an id,
 * peripheral-anon the others. */
static JsonNode *cmd_qom_list(struct machine *m, JsonObject *a, GError **err)
{
	const char *path = json_object_get_string_member(a, "path");
	bool named = !strcmp(path, "/machine/peripheral");
	JsonArray *out;

	if (!named && strcmp(path, "/machine/peripheral-anon") && strcmp(path, "/machine")) {
		qmp_error(err, QMP_ERR_DEVICE_NOT_FOUND, "Device '%s' not found", path);
		return NULL;
	}
	out = json_array_new();
	add_prop(out, "type", "string");
	if (!strcmp(path, "/machine")) {
		add_prop(out, "peripheral", "child<container>");
		add_prop(out, "peripheral-anon", "child<container>");
		return arr_node(out);
	}
	for (unsigned i = 0; m->devices && i < m->devices->len; i++) {
		struct device *d = g_ptr_array_index(m->devices, i);
		char *name, *type;

		if (!d->opts || !d->id != !named)
			continue; /* the board's own devices are not peripherals */
		name = d->id ? g_strdup(d->id) : g_strdup_printf("device[%u]", i);
		type = g_strdup_printf("child<%s>", d->cls->name);
		add_prop(out, name, type);
		g_free(name);
		g_free(type);
	}
	return arr_node(out);
}

static const char *const cpu_expansion_types[] = { "static", "full", NULL };

const struct qmp_cmd qmp_probe_cmds[] = {
	{ "query-qmp-schema", qmp_query_qmp_schema, { { 0 } }, .ret = "any" },
	{ "qom-list-types", cmd_qom_list_types, { { "implements", ARG_STR, true },
						  { "abstract", ARG_BOOL, true } }, .ret = "any" },
	{ "device-list-properties", cmd_device_list_properties,
	  { { "typename", ARG_STR, false } }, .ret = "any" },
	{ "qom-list-properties", cmd_qom_list_properties,
	  { { "typename", ARG_STR, false } }, .ret = "any" },
	{ "qom-list", cmd_qom_list, { { "path", ARG_STR, false } }, .ret = "any" },
	{ "query-machines", cmd_query_machines, { { "compat-props", ARG_BOOL, true } }, .ret = "any" },
	{ "query-cpu-definitions", cmd_query_cpu_definitions, { { 0 } }, .ret = "any" },
	{ "query-cpu-model-expansion", cmd_query_cpu_model_expansion,
	  { { "type", ARG_STR, false, cpu_expansion_types }, { "model", ARG_OBJECT, false } },
	  .ret = "any" },
	{ "query-command-line-options", cmd_query_command_line_options,
	  { { "option", ARG_STR, true } }, .ret = "any" },
	{ "query-migrate-capabilities", cmd_query_migrate_capabilities, { { 0 } }, .ret = "any" },
	{ "migrate-set-capabilities", cmd_migrate_set_capabilities,
	  { { "capabilities", ARG_ARRAY, false } } },
	{ "query-tpm-models", cmd_empty_list, { { 0 } }, .ret = "any" },
	{ "query-tpm-types", cmd_empty_list, { { 0 } }, .ret = "any" },
	{ "query-sev-capabilities", cmd_query_sev_capabilities, { { 0 } }, .ret = "any" },
	{ "query-sgx-capabilities", cmd_query_sgx_capabilities, { { 0 } }, .ret = "any" },
	{ "query-chardev", cmd_query_chardev, { { 0 } }, .ret = "any" },
	{ NULL, NULL, { { 0 } } },
};
