// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The hot-plug commands of the monitors: QMP device_add / device_del and
 * their HMP forms.  device_add takes the properties -device takes, as
 * JSON members (strings, numbers or booleans); the device is created and
 * the board tells the guest (ACPI GPE, hw/acpi/pcihp.c).  device_del asks
 * the guest to eject; the device goes, with DEVICE_DELETED, when it does.
 * netdev_add/netdev_del (QMP and HMP) make and close backends; a NIC's
 * backend stays when the NIC goes, for the next one.
 * HMP drive_add makes an if=none drive for a later device_add; as in
 * QEMU, such a drive goes with the device that used it.  Errors are
 * worded as QEMU 7.2's.  Left out: device_add help/JSON-only properties
 * (objects, arrays), failover, drive_add of anything but if=none.
 */
#include <string.h>
#include <json-glib/json-glib.h>
#include "ui/monitor-int.h"
#include "core/device.h"
#include "core/machine.h"
#include "core/opts.h"
#include "block/drive.h"
#include "net/net.h"

static JsonNode *hp_empty(void)
{
	JsonObject *o = json_object_new();
	JsonNode *n = json_node_init_object(json_node_alloc(), o);

	json_object_unref(o);
	return n;
}

/* The JSON members as a -device option list; NULL with *err on a bad type. */
static struct opts *hp_args_to_opts(JsonObject *a, GError **err)
{
	struct opts *o = opts_new();
	GList *keys = json_object_get_members(a);

	for (GList *k = keys; k; k = k->next) {
		JsonNode *n = json_object_get_member(a, k->data);
		char *v = NULL;

		if (JSON_NODE_HOLDS_VALUE(n)) {
			GType t = json_node_get_value_type(n);

			if (t == G_TYPE_STRING)
				v = g_strdup(json_node_get_string(n));
			else if (t == G_TYPE_INT64)
				v = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(n));
			else if (t == G_TYPE_BOOLEAN)
				v = g_strdup(json_node_get_boolean(n) ? "on" : "off");
		}
		if (!v) {
			qmp_error(err, QMP_ERR_GENERIC, "Invalid parameter type for '%s'",
				  (const char *)k->data);
			g_list_free(keys);
			opts_free(o);
			return NULL;
		}
		opts_set(o, k->data, v);
		g_free(v);
	}
	g_list_free(keys);
	return o;
}

static JsonNode *cmd_device_add(struct machine *m, JsonObject *a, GError **err)
{
	JsonNode *drv = a ? json_object_get_member(a, "driver") : NULL;
	struct opts *o;

	if (!drv) {
		qmp_error(err, QMP_ERR_GENERIC, "Parameter 'driver' is missing");
		return NULL;
	}
	if (!JSON_NODE_HOLDS_VALUE(drv) || json_node_get_value_type(drv) != G_TYPE_STRING) {
		qmp_error(err, QMP_ERR_GENERIC, "Invalid parameter type for 'driver', "
			  "expected: string");
		return NULL;
	}
	o = hp_args_to_opts(a, err);
	if (!o)
		return NULL;
	/* on success the device owns o */
	if (!device_hotplug(m, o, err)) {
		opts_free(o);
		return NULL;
	}
	return hp_empty();
}

static JsonNode *cmd_device_del(struct machine *m, JsonObject *a, GError **err)
{
	const char *id = json_object_get_string_member(a, "id");
	struct device *d = device_find(m, id);

	if (!d) {
		qmp_error(err, QMP_ERR_DEVICE_NOT_FOUND, "Device '%s' not found", id);
		return NULL;
	}
	if (device_unplug_request(d, err) < 0)
		return NULL;
	return hp_empty();
}

JsonObject *qmp_cpu_props(struct machine *m, int index)
{
	struct machine_config *c = m->cfg;
	unsigned threads = MAX(1u, c->threads), cores = MAX(1u, c->cores);
	JsonObject *p = json_object_new();

	json_object_set_int_member(p, "core-id", index / threads % cores);
	json_object_set_int_member(p, "thread-id", index % threads);
	json_object_set_int_member(p, "socket-id", index / threads / cores);
	return p;
}

char *qmp_cpu_qom_path(struct machine *m, int index)
{
	if (index >= 0 && index < MACHINE_MAX_CPUS && m->cpu_dev[index])
		return device_qom_path(m->cpu_dev[index]);
	return g_strdup_printf("/machine/unattached/device[%d]", index);
}

/* Every possible CPU, highest index first, as QEMU lists them. */
static JsonNode *cmd_query_hotpluggable_cpus(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *arr = json_array_new();
	g_autofree char *type = g_strdup_printf("%s-x86_64-cpu",
						 m->cfg->cpu_model ? m->cfg->cpu_model : "qemu64");
	JsonNode *n;

	for (int i = (int)m->cfg->maxcpus - 1; i >= 0; i--) {
		JsonObject *o = json_object_new();

		json_object_set_object_member(o, "props", qmp_cpu_props(m, i));
		json_object_set_int_member(o, "vcpus-count", 1);
		if (machine_cpu_present(m, i)) {
			g_autofree char *path = qmp_cpu_qom_path(m, i);

			json_object_set_string_member(o, "qom-path", path);
		}
		json_object_set_string_member(o, "type", type);
		json_array_add_object_element(arr, o);
	}
	n = json_node_init_array(json_node_alloc(), arr);
	json_array_unref(arr);
	return n;
}

/* netdev_add {"type": T, "id": ID, ...}: the -netdev option string. */
static JsonNode *cmd_netdev_add(struct machine *m, JsonObject *a, GError **err)
{
	struct opts *o = hp_args_to_opts(a, err);
	GString *str;
	int ret;

	if (!o)
		return NULL;
	if (net_find(m, opts_get(o, "id"))) {
		qmp_error(err, QMP_ERR_GENERIC, "Duplicate ID '%s'", opts_get(o, "id"));
		opts_free(o);
		return NULL;
	}
	str = g_string_new(opts_get(o, "type"));
	for (unsigned i = 0; i < o->keys->len; i++) {
		const char *k = g_ptr_array_index(o->keys, i);
		char **parts;

		if (!strcmp(k, "type"))
			continue;
		/* a comma inside a value is doubled in the option syntax */
		parts = g_strsplit(g_ptr_array_index(o->vals, i), ",", -1);
		g_string_append_printf(str, ",%s=", k);
		for (int j = 0; parts[j]; j++)
			g_string_append_printf(str, "%s%s", j ? ",," : "", parts[j]);
		g_strfreev(parts);
	}
	opts_free(o);
	ret = net_add(m, str->str, err);
	g_string_free(str, TRUE);
	return ret < 0 ? NULL : hp_empty();
}

static JsonNode *cmd_netdev_del(struct machine *m, JsonObject *a, GError **err)
{
	const char *id = json_object_get_string_member(a, "id");

	if (!net_find(m, id)) {
		qmp_error(err, QMP_ERR_DEVICE_NOT_FOUND, "Device '%s' not found", id);
		return NULL;
	}
	return net_del(m, id, err) < 0 ? NULL : hp_empty();
}

const struct qmp_cmd qmp_hotplug_cmds[] = {
	/* declared for query-qmp-schema (as QEMU's); the handler checks them */
	{ "device_add", cmd_device_add, { { "driver", ARG_STR, false }, { "bus", ARG_STR, true },
					  { "id", ARG_STR, true } }, .any_args = true },
	{ "query-hotpluggable-cpus", cmd_query_hotpluggable_cpus, { { 0 } } },
	{ "device_del", cmd_device_del, { { "id", ARG_STR, false } } },
	{ "netdev_add", cmd_netdev_add, { { "type", ARG_STR, false }, { "id", ARG_STR, false } },
	  .any_args = true },
	{ "netdev_del", cmd_netdev_del, { { "id", ARG_STR, false } } },
	{ NULL, NULL, { { 0 } } },
};

/* HMP "device_add TYPE,k=v,...": the same as QMP's with string values. */
void hmp_device_add(struct machine *m, GString *out, char **argv)
{
	GError *err = NULL;
	struct opts *o;
	struct device *d = NULL;

	if (!argv[1]) {
		g_string_append(out, "device_add: usage: device_add driver[,prop=value][,...]\n");
		return;
	}
	o = opts_parse(argv[1], "driver", &err);
	if (o) {
		d = device_hotplug(m, o, &err);
		if (!d)
			opts_free(o);
	}
	if (!d) {
		g_string_append_printf(out, "Error: %s\n", err->message);
		g_error_free(err);
	}
}

void hmp_device_del(struct machine *m, GString *out, char **argv)
{
	GError *err = NULL;
	struct device *d;

	if (!argv[1]) {
		g_string_append(out, "device_del: usage: device_del device\n");
		return;
	}
	d = device_find(m, argv[1]);
	if (!d)
		g_set_error(&err, QMP_ERROR, QMP_ERR_DEVICE_NOT_FOUND, "Device '%s' not found",
			    argv[1]);
	else
		device_unplug_request(d, &err);
	if (err) {
		g_string_append_printf(out, "Error: %s\n", err->message);
		g_error_free(err);
	}
}

/* QEMU's BlockInterfaceType numbers, which its error message prints. */
static int drive_if_qemu_number(enum drive_if iface)
{
	return iface == DRIVE_IF_IDE ? 1 : iface == DRIVE_IF_VIRTIO ? 7 : 0;
}

/* HMP "drive_add ADDR OPTIONS": ADDR is ignored (if=none only), prints OK. */
void hmp_drive_add(struct machine *m, GString *out, char **argv)
{
	GError *err = NULL;
	struct drive_info *d;

	if (argv[1] && !strcmp(argv[1], "-n"))
		argv++;
	if (!argv[1] || !argv[2]) {
		g_string_append(out, "drive_add: usage: drive_add [-n] [[<domain>:]<bus>:]<slot>\n"
				"[file=file][,if=type][,bus=n]\n[,unit=m][,media=d][,index=i]\n"
				"[,snapshot=on|off][,cache=on|off]\n[,readonly=on|off][,copy-on-read=on|off]\n");
		return;
	}
	if (drive_parse(m, argv[2], &err) < 0) {
		g_string_append_printf(out, "Error: %s\n", err->message);
		g_error_free(err);
		return;
	}
	d = g_ptr_array_index(m->drives, m->drives->len - 1);
	if (d->iface != DRIVE_IF_NONE) {
		g_string_append_printf(out, "Can't hot-add drive to type %d\n",
				       drive_if_qemu_number(d->iface));
		drive_del(m, d);
		return;
	}
	g_string_append(out, "OK\n");
}

/* HMP "netdev_add TYPE,id=ID,..." and "netdev_del ID". */
void hmp_netdev_add(struct machine *m, GString *out, char **argv)
{
	GError *err = NULL;

	if (!argv[1]) {
		g_string_append(out, "netdev_add: usage: netdev_add [user|tap|...],id=str[,prop=value][,...]\n");
		return;
	}
	if (net_add(m, argv[1], &err) < 0) {
		g_string_append_printf(out, "Error: %s\n", err->message);
		g_error_free(err);
	}
}

void hmp_netdev_del(struct machine *m, GString *out, char **argv)
{
	GError *err = NULL;

	if (!argv[1]) {
		g_string_append(out, "netdev_del: usage: netdev_del id\n");
		return;
	}
	if (net_del(m, argv[1], &err) < 0) {
		g_string_append_printf(out, "Error: %s\n", err->message);
		g_error_free(err);
	}
}
