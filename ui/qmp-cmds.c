// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QMP commands, with QEMU 7.2's argument checking (missing, unexpected and
 * mistyped parameters; enum values), return shapes and error classes
 * (the qapi schema files in QEMU).  The human monitor runs them too.  Commands are
 * called with the machine lock held.  Left out: the many query-* commands
 * of subsystems kvmpc does not have; send-key releases the keys at once
 * instead of after hold-time.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <json-glib/json-glib.h>

#include "ui/monitor.h"
#include "ui/monitor-int.h"
#include "ui/console.h"
#include "ui/vnc.h"
#include "core/device.h"
#include "core/machine.h"
#include "core/migration.h"
#include "hw/virtio/virtio-misc.h"
#include "block/drive.h"
#include "net/net.h"
#include "hw/input/ps2.h"
#include "config.h"

/* ---- helpers ---------------------------------------------------------- */

static JsonNode *node_obj(JsonObject *o)
{
	JsonNode *n = json_node_init_object(json_node_alloc(), o);

	json_object_unref(o);
	return n;
}

/* An array node owning arr (the caller's reference passes to the node). */
static JsonNode *node_arr(JsonArray *arr)
{
	JsonNode *n = json_node_init_array(json_node_alloc(), arr);

	json_array_unref(arr);
	return n;
}

static JsonNode *empty_return(void)
{
	return node_obj(json_object_new());
}

/* Member name of a if it is a value of that type, else NULL. */
static JsonNode *arg_value(JsonObject *a, const char *name, GType type)
{
	JsonNode *n = a ? json_object_get_member(a, name) : NULL;

	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == type ? n : NULL;
}

static const char *arg_str(JsonObject *a, const char *name)
{
	JsonNode *n = arg_value(a, name, G_TYPE_STRING);

	return n ? json_node_get_string(n) : NULL;
}

static bool arg_bool(JsonObject *a, const char *name, bool def)
{
	JsonNode *n = arg_value(a, name, G_TYPE_BOOLEAN);

	return n ? json_node_get_boolean(n) : def;
}

JsonNode *qmp_event_timestamp(void)
{
	gint64 us = g_get_real_time();
	JsonObject *t = json_object_new();

	json_object_set_int_member(t, "seconds", us / G_USEC_PER_SEC);
	json_object_set_int_member(t, "microseconds", us % G_USEC_PER_SEC);
	return node_obj(t);
}

/* ---- run state -------------------------------------------------------- */

static const char *status_name(struct machine *m)
{
	struct mon_root *r = m->monitor;

	if (m->suspended && m->state != RUN_STATE_SHUTDOWN)
		return "suspended";
	switch (m->state) {
	case RUN_STATE_RUNNING:
		return "running";
	case RUN_STATE_SHUTDOWN:
		return "shutdown";
	default:
		if (m->internal_error)
			return "internal-error";
		if (m->migration && m->migration->incoming_wait)
			return "inmigrate";
		if (m->migration && m->migration->postmigrate)
			return "postmigrate";
		return r && r->prelaunch ? "prelaunch" : "paused";
	}
}

static JsonNode *cmd_query_status(struct machine *m, JsonObject *a, GError **err)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "status", status_name(m));
	json_object_set_boolean_member(o, "singlestep", false);
	json_object_set_boolean_member(o, "running",
				       m->state == RUN_STATE_RUNNING && !m->suspended);
	return node_obj(o);
}

static JsonNode *cmd_stop(struct machine *m, JsonObject *a, GError **err)
{
	if (m->state == RUN_STATE_RUNNING) {
		machine_pause(m);
		monitor_event(m, "STOP", NULL);
	}
	return empty_return();
}

static JsonNode *cmd_cont(struct machine *m, JsonObject *a, GError **err)
{
	struct mon_root *r = m->monitor;

	if (m->migration && m->migration->incoming_wait) {
		/* as QEMU: run once the incoming migration has loaded */
		m->migration->autostart = true;
		return empty_return();
	}
	if (m->internal_error) {
		qmp_error(err, QMP_ERR_GENERIC, "Resetting the Virtual Machine is required");
		return NULL;
	}
	if (m->state == RUN_STATE_PAUSED) {
		if (r)
			r->prelaunch = false;
		if (m->migration)
			m->migration->postmigrate = false;
		monitor_event(m, "RESUME", NULL);
		machine_resume(m);
	}
	return empty_return();
}

static JsonNode *reason_data(bool guest, const char *reason)
{
	JsonObject *o = json_object_new();

	json_object_set_boolean_member(o, "guest", guest);
	json_object_set_string_member(o, "reason", reason);
	return node_obj(o);
}

static JsonNode *cmd_system_reset(struct machine *m, JsonObject *a, GError **err)
{
	monitor_event(m, m->cfg->no_reboot ? "SHUTDOWN" : "RESET",
		      reason_data(false, MON_REASON_RESET));
	mon_request_reset(m);
	return empty_return();
}

static JsonNode *cmd_system_powerdown(struct machine *m, JsonObject *a, GError **err)
{
	/* the board presses its ACPI power button (struct board_ops) */
	if (machine_power_button(m) < 0) {
		qmp_error(err, QMP_ERR_GENERIC, "This machine has no power button");
		return NULL;
	}
	monitor_event(m, "POWERDOWN", NULL);
	return empty_return();
}

/* QEMU 7.2's system_wakeup: only a guest in S3 can be woken. */
static JsonNode *cmd_system_wakeup(struct machine *m, JsonObject *a, GError **err)
{
	if (machine_request_wakeup(m, MACHINE_WAKE_OTHER) < 0) {
		qmp_error(err, QMP_ERR_GENERIC,
			  "Unable to wake up: guest is not in suspended state");
		return NULL;
	}
	return empty_return();
}

static JsonNode *cmd_quit(struct machine *m, JsonObject *a, GError **err)
{
	monitor_event(m, "SHUTDOWN", reason_data(false, MON_REASON_QUIT));
	mon_request_quit(m);
	return empty_return();
}

/* ---- queries ---------------------------------------------------------- */

static JsonNode *version_node(void)
{
	JsonObject *v = json_object_new(), *q = json_object_new();

	json_object_set_int_member(q, "micro", QMP_VERSION_MICRO);
	json_object_set_int_member(q, "minor", QMP_VERSION_MINOR);
	json_object_set_int_member(q, "major", QMP_VERSION_MAJOR);
	json_object_set_object_member(v, "qemu", q);
	json_object_set_string_member(v, "package", "kvmpc-" KVMPC_VERSION);
	return node_obj(v);
}

static JsonNode *cmd_query_version(struct machine *m, JsonObject *a, GError **err)
{
	return version_node();
}

static JsonNode *cmd_query_name(struct machine *m, JsonObject *a, GError **err)
{
	JsonObject *o = json_object_new();

	if (m->cfg->name)
		json_object_set_string_member(o, "name", m->cfg->name);
	return node_obj(o);
}

static JsonNode *cmd_query_kvm(struct machine *m, JsonObject *a, GError **err)
{
	JsonObject *o = json_object_new();

	json_object_set_boolean_member(o, "enabled", m->cfg->accel == ACCEL_KVM);
	json_object_set_boolean_member(o, "present", access("/dev/kvm", R_OK | W_OK) == 0);
	return node_obj(o);
}

static JsonNode *cmd_query_cpus_fast(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *arr = json_array_new();

	/* as QEMU: in the order the CPUs were created, -smp's first */
	for (unsigned n = 0; !m->cfg->machine_none && n < m->cpu_order->len; n++) {
		int i = g_array_index(m->cpu_order, int, n);
		JsonObject *o = json_object_new();
		g_autofree char *path = qmp_cpu_qom_path(m, i);

		json_object_set_int_member(o, "thread-id", machine_vcpu_thread_id(m, i));
		json_object_set_object_member(o, "props", qmp_cpu_props(m, i));
		json_object_set_string_member(o, "qom-path", path);
		json_object_set_int_member(o, "cpu-index", i);
		json_object_set_string_member(o, "target", "x86_64");
		json_array_add_object_element(arr, o);
	}
	return node_arr(arr);
}

/* ---- block ------------------------------------------------------------ */

/* The CD tray of drive d: 0 with open and locked set, or -ENODEV (no CD device). */
static int drive_tray(struct machine *m, struct drive_info *d, bool *open, bool *locked)
{
	*open = *locked = false;
	if (!d->id || d->media != DRIVE_MEDIA_CDROM)
		return -ENODEV;
	return drive_media_tray(d, open, locked);
}

static JsonNode *inserted_node(struct drive_info *d)
{
	JsonObject *o = json_object_new(), *img = json_object_new(), *cache = json_object_new();
	int64_t len = blk_length(d->blk);
	const char *fmt = blk_format(d->blk); /* what was opened, probed or given */

	json_object_set_string_member(o, "file", d->file ? d->file : "");
	json_object_set_boolean_member(o, "ro", d->read_only);
	json_object_set_string_member(o, "drv", fmt);
	json_object_set_int_member(o, "backing_file_depth", 0);
	json_object_set_boolean_member(o, "encrypted", false);
	json_object_set_string_member(o, "detect_zeroes", "off");
	json_object_set_int_member(o, "bps", 0);
	json_object_set_int_member(o, "bps_rd", 0);
	json_object_set_int_member(o, "bps_wr", 0);
	json_object_set_int_member(o, "iops", 0);
	json_object_set_int_member(o, "iops_rd", 0);
	json_object_set_int_member(o, "iops_wr", 0);
	json_object_set_int_member(o, "write_threshold", 0);
	json_object_set_boolean_member(cache, "writeback", d->cache != BLK_CACHE_WRITETHROUGH &&
				       d->cache != BLK_CACHE_DIRECTSYNC);
	json_object_set_boolean_member(cache, "direct", d->cache == BLK_CACHE_NONE ||
				       d->cache == BLK_CACHE_DIRECTSYNC);
	json_object_set_boolean_member(cache, "no-flush", d->cache == BLK_CACHE_UNSAFE);
	json_object_set_object_member(o, "cache", cache);
	json_object_set_string_member(img, "filename", d->file ? d->file : "");
	json_object_set_string_member(img, "format", fmt);
	json_object_set_int_member(img, "virtual-size", len > 0 ? len : 0);
	json_object_set_object_member(o, "image", img);
	return node_obj(o);
}

static JsonNode *cmd_query_block(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *arr = json_array_new();

	for (unsigned i = 0; m->drives && i < m->drives->len; i++) {
		struct drive_info *d = g_ptr_array_index(m->drives, i);
		bool removable = d->media == DRIVE_MEDIA_CDROM, open, locked;
		JsonObject *o = json_object_new();

		drive_tray(m, d, &open, &locked);
		json_object_set_string_member(o, "io-status", "ok");
		json_object_set_string_member(o, "device", d->id ? d->id : "");
		json_object_set_boolean_member(o, "locked", locked);
		json_object_set_boolean_member(o, "removable", removable);
		if (d->blk)
			json_object_set_member(o, "inserted", inserted_node(d));
		if (removable)
			json_object_set_boolean_member(o, "tray_open", open);
		json_object_set_string_member(o, "type", "unknown");
		json_array_add_object_element(arr, o);
	}
	return node_arr(arr);
}

/* Each open drive's node (query-block's "inserted") with a node name; flat
 * changes nothing: kvmpc's nodes have no children to leave out. */
static JsonNode *cmd_query_named_block_nodes(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *arr = json_array_new();

	for (unsigned i = 0; m->drives && i < m->drives->len; i++) {
		struct drive_info *d = g_ptr_array_index(m->drives, i);
		JsonNode *n;
		char *name;

		if (!d->blk)
			continue;
		n = inserted_node(d);
		name = g_strdup_printf("#block%u", i);
		json_object_set_string_member(json_node_get_object(n), "node-name", name);
		json_array_add_element(arr, n);
		g_free(name);
	}
	return node_arr(arr);
}

/* Find the drive named by 'device' or 'id' (exactly one of them). */
static struct drive_info *block_target(struct machine *m, JsonObject *a, GError **err)
{
	const char *dev = arg_str(a, "device"), *id = arg_str(a, "id");
	const char *name = dev ? dev : id;
	struct drive_info *d;
	bool open, locked;

	if (!dev == !id) {
		qmp_error(err, QMP_ERR_GENERIC, "Need exactly one of 'device' and 'id'");
		return NULL;
	}
	d = drive_find_id(m, name);
	if (!d) {
		qmp_error(err, QMP_ERR_DEVICE_NOT_FOUND, "Device '%s' not found", name);
		return NULL;
	}
	if (d->media != DRIVE_MEDIA_CDROM) {
		qmp_error(err, QMP_ERR_GENERIC, "Device '%s' is not removable", name);
		return NULL;
	}
	if (drive_tray(m, d, &open, &locked) < 0) {
		qmp_error(err, QMP_ERR_DEVICE_NOT_FOUND, "Device '%s' not found", name);
		return NULL;
	}
	return d;
}

static bool tray_open(struct machine *m, struct drive_info *d)
{
	bool open, locked;

	drive_tray(m, d, &open, &locked);
	return open;
}

static void tray_event(struct machine *m, struct drive_info *d, bool was_open)
{
	bool open = tray_open(m, d);

	if (open != was_open)
		monitor_event_tray_moved(m, d->id, open);
}

static JsonNode *cmd_eject(struct machine *m, JsonObject *a, GError **err)
{
	struct drive_info *d = block_target(m, a, err);
	bool was_open;

	if (!d)
		return NULL;
	was_open = tray_open(m, d);
	if (drive_media_change(d, NULL, arg_bool(a, "force", false), err) < 0)
		return NULL;
	tray_event(m, d, was_open);
	return empty_return();
}

/* set_link: the link of a backend's NIC (by the backend's id, -netdev id= or -net name). */
static JsonNode *cmd_set_link(struct machine *m, JsonObject *a, GError **err)
{
	const char *name = arg_str(a, "name");

	if (net_set_link(m, name, arg_bool(a, "up", true)) < 0) {
		qmp_error(err, QMP_ERR_DEVICE_NOT_FOUND, "Device '%s' not found", name);
		return NULL;
	}
	return empty_return();
}

static JsonNode *cmd_change_medium(struct machine *m, JsonObject *a, GError **err)
{
	struct drive_info *d = block_target(m, a, err);
	const char *fmt = arg_str(a, "format");
	bool was_open;

	if (!d)
		return NULL;
	if (fmt && strcmp(fmt, "raw")) {
		qmp_error(err, QMP_ERR_GENERIC, "Unknown driver '%s'", fmt);
		return NULL;
	}
	was_open = tray_open(m, d);
	if (!was_open)
		monitor_event_tray_moved(m, d->id, true);
	if (drive_media_change(d, arg_str(a, "filename"), false, err) < 0) {
		tray_event(m, d, true);
		return NULL;
	}
	tray_event(m, d, true);
	return empty_return();
}

/* ---- display and input ------------------------------------------------ */

static JsonNode *cmd_screendump(struct machine *m, JsonObject *a, GError **err)
{
	const char *fmt = arg_str(a, "format");
	struct console *con;

	if (fmt && strcmp(fmt, "ppm") && strcmp(fmt, "png")) {
		qmp_error(err, QMP_ERR_GENERIC, "Parameter 'format' does not accept value '%s'", fmt);
		return NULL;
	}
	con = console_lookup(0);
	if (!con) {
		qmp_error(err, QMP_ERR_GENERIC, "There is no console to take a screendump from");
		return NULL;
	}
	if (console_screendump(con, arg_str(a, "filename"), fmt, err) < 0)
		return NULL;
	return empty_return();
}

/* QEMU's wording: "Could not set password" unless -vnc has password=on. */
static JsonNode *cmd_change_vnc_password(struct machine *m, JsonObject *a, GError **err)
{
	GError *e = NULL;

	if (vnc_change_password(arg_str(a, "password"), &e) < 0) {
		qmp_error(err, QMP_ERR_GENERIC, "%s", e->message);
		g_error_free(e);
		return NULL;
	}
	return empty_return();
}

static const struct {
	const char *name;
	unsigned key;
} qcodes[] = {
	{ "esc", 0x01 }, { "1", 0x02 }, { "2", 0x03 }, { "3", 0x04 }, { "4", 0x05 },
	{ "5", 0x06 }, { "6", 0x07 }, { "7", 0x08 }, { "8", 0x09 }, { "9", 0x0a },
	{ "0", 0x0b }, { "minus", 0x0c }, { "equal", 0x0d }, { "backspace", 0x0e },
	{ "tab", 0x0f }, { "q", 0x10 }, { "w", 0x11 }, { "e", 0x12 }, { "r", 0x13 },
	{ "t", 0x14 }, { "y", 0x15 }, { "u", 0x16 }, { "i", 0x17 }, { "o", 0x18 },
	{ "p", 0x19 }, { "bracket_left", 0x1a }, { "bracket_right", 0x1b },
	{ "ret", 0x1c }, { "ctrl", 0x1d }, { "a", 0x1e }, { "s", 0x1f }, { "d", 0x20 },
	{ "f", 0x21 }, { "g", 0x22 }, { "h", 0x23 }, { "j", 0x24 }, { "k", 0x25 },
	{ "l", 0x26 }, { "semicolon", 0x27 }, { "apostrophe", 0x28 },
	{ "grave_accent", 0x29 }, { "shift", 0x2a }, { "backslash", 0x2b },
	{ "z", 0x2c }, { "x", 0x2d }, { "c", 0x2e }, { "v", 0x2f }, { "b", 0x30 },
	{ "n", 0x31 }, { "m", 0x32 }, { "comma", 0x33 }, { "dot", 0x34 },
	{ "slash", 0x35 }, { "shift_r", 0x36 }, { "kp_multiply", 0x37 },
	{ "asterisk", 0x37 }, { "alt", 0x38 }, { "spc", 0x39 }, { "caps_lock", 0x3a },
	{ "f1", 0x3b }, { "f2", 0x3c }, { "f3", 0x3d }, { "f4", 0x3e }, { "f5", 0x3f },
	{ "f6", 0x40 }, { "f7", 0x41 }, { "f8", 0x42 }, { "f9", 0x43 }, { "f10", 0x44 },
	{ "num_lock", 0x45 }, { "scroll_lock", 0x46 }, { "kp_7", 0x47 }, { "kp_8", 0x48 },
	{ "kp_9", 0x49 }, { "kp_subtract", 0x4a }, { "kp_4", 0x4b }, { "kp_5", 0x4c },
	{ "kp_6", 0x4d }, { "kp_add", 0x4e }, { "kp_1", 0x4f }, { "kp_2", 0x50 },
	{ "kp_3", 0x51 }, { "kp_0", 0x52 }, { "kp_decimal", 0x53 }, { "sysrq", 0x54 },
	{ "less", 0x56 }, { "f11", 0x57 }, { "f12", 0x58 },
	{ "kp_enter", 0x11c }, { "ctrl_r", 0x11d }, { "kp_divide", 0x135 },
	{ "print", PS2_KEY_PRINT }, { "alt_r", 0x138 }, { "pause", PS2_KEY_PAUSE },
	{ "home", 0x147 }, { "up", 0x148 }, { "pgup", 0x149 }, { "left", 0x14b },
	{ "right", 0x14d }, { "end", 0x14f }, { "down", 0x150 }, { "pgdn", 0x151 },
	{ "insert", 0x152 }, { "delete", 0x153 }, { "meta_l", 0x15b },
	{ "meta_r", 0x15c }, { "menu", 0x15d },
};

/* The PS/2 key for a QEMU qcode name, or 0. */
static unsigned qcode_key(const char *name)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(qcodes); i++)
		if (!strcmp(qcodes[i].name, name))
			return qcodes[i].key;
	return 0;
}

/* One element of send-key's "keys": {"type": "qcode"|"number", "data": ...}. */
unsigned qmp_key_of(JsonNode *n, GError **err)
{
	JsonObject *o = JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
	JsonNode *data = o ? json_object_get_member(o, "data") : NULL;
	const char *type = o ? arg_str(o, "type") : NULL;
	unsigned key;

	if (!o || !type || !data || !JSON_NODE_HOLDS_VALUE(data)) {
		qmp_error(err, QMP_ERR_GENERIC, "Parameter 'keys' expects a list of KeyValue");
		return 0;
	}
	if (!strcmp(type, "number") && json_node_get_value_type(data) == G_TYPE_INT64) {
		gint64 v = json_node_get_int(data);

		key = v & 0x80 ? PS2_KEY_E0 | (v & 0x7f) : (unsigned)v;
		if (v > 0 && v < 0x100)
			return key;
		qmp_error(err, QMP_ERR_GENERIC, "Parameter 'data' does not accept value %" G_GINT64_FORMAT, v);
		return 0;
	}
	if (strcmp(type, "qcode") || json_node_get_value_type(data) != G_TYPE_STRING) {
		qmp_error(err, QMP_ERR_GENERIC, "Invalid parameter type for 'data'");
		return 0;
	}
	key = qcode_key(json_node_get_string(data));
	if (!key)
		qmp_error(err, QMP_ERR_GENERIC, "Parameter 'data' does not accept value '%s'",
			  json_node_get_string(data));
	return key;
}

static JsonNode *cmd_send_key(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *keys = json_object_get_array_member(a, "keys");
	unsigned n = json_array_get_length(keys), codes[16];

	if (n > G_N_ELEMENTS(codes)) {
		qmp_error(err, QMP_ERR_GENERIC, "too many keys (at most 16)");
		return NULL;
	}
	for (unsigned i = 0; i < n; i++)
		if (!(codes[i] = qmp_key_of(json_array_get_element(keys, i), err)))
			return NULL;
	if (!console_has_keyboard() && n) {
		qmp_error(err, QMP_ERR_DEVICE_NOT_FOUND, "No keyboard device");
		return NULL;
	}
	for (unsigned i = 0; i < n; i++)
		console_key_event(codes[i], true);
	for (unsigned i = n; i-- > 0;)
		console_key_event(codes[i], false);
	return empty_return();
}

/* ---- misc ------------------------------------------------------------- */

static JsonNode *cmd_hmp(struct machine *m, JsonObject *a, GError **err)
{
	char *out = hmp_run(m, arg_str(a, "command-line"));
	GString *crlf = g_string_new(NULL);
	JsonNode *n;

	for (const char *p = out; *p; p++) {
		if (*p == '\n')
			g_string_append_c(crlf, '\r');
		g_string_append_c(crlf, *p);
	}
	g_free(out);
	n = json_node_init_string(json_node_alloc(), crlf->str);
	g_string_free(crlf, TRUE);
	return n;
}

/* balloon VALUE (bytes of guest RAM wanted) and query-balloon. */
static JsonNode *cmd_balloon(struct machine *m, JsonObject *a, GError **err)
{
	uint64_t actual;
	JsonObject *r;

	if (a && json_object_has_member(a, "value")) {
		gint64 v = json_object_get_int_member(a, "value");
		if (v <= 0) {
			qmp_error(err, QMP_ERR_GENERIC, "Parameter 'value' expects a size");
			return NULL;
		}
		if (balloon_set_target(m, v) < 0) {
			qmp_error(err, QMP_ERR_DEVICE_NOT_ACTIVE,
				  "No balloon device has been activated");
			return NULL;
		}
		return empty_return();
	}
	if (balloon_get_actual(m, &actual) < 0) {
		qmp_error(err, QMP_ERR_DEVICE_NOT_ACTIVE, "No balloon device has been activated");
		return NULL;
	}
	r = json_object_new();
	json_object_set_int_member(r, "actual", actual);
	return node_obj(r);
}

static JsonNode *cmd_query_commands(struct machine *m, JsonObject *a, GError **err);

static const char *const qmp_capability_values[] = { "oob", NULL };
static const char *const image_formats[] = { "ppm", "png", NULL };

const struct qmp_cmd qmp_core_cmds[] = {
	{ "qmp_capabilities", NULL, { { "enable", ARG_ARRAY, true, qmp_capability_values } } },
	{ "query-commands", cmd_query_commands, { { 0 } }, .ret = "any" },
	{ "query-version", cmd_query_version, { { 0 } }, .ret = "any" },
	{ "query-status", cmd_query_status, { { 0 } }, .ret = "any" },
	{ "query-name", cmd_query_name, { { 0 } }, .ret = "any" },
	{ "query-kvm", cmd_query_kvm, { { 0 } }, .ret = "any" },
	{ "query-cpus-fast", cmd_query_cpus_fast, { { 0 } }, .ret = "any" },
	{ "query-block", cmd_query_block, { { 0 } }, .ret = "any" },
	{ "query-named-block-nodes", cmd_query_named_block_nodes,
	  { { "flat", ARG_BOOL, true } }, .ret = "any" },
	{ "query-balloon", cmd_balloon, { { 0 } }, .ret = "any" },
	{ "query-pci", qmp_query_pci, { { 0 } }, .ret = "any" },
	{ "query-target", qmp_query_target, { { 0 } }, .ret = "any" },
	{ "query-uuid", qmp_query_uuid, { { 0 } }, .ret = "any" },
	{ "stop", cmd_stop, { { 0 } } },
	{ "cont", cmd_cont, { { 0 } } },
	{ "system_reset", cmd_system_reset, { { 0 } } },
	{ "system_powerdown", cmd_system_powerdown, { { 0 } } },
	{ "system_wakeup", cmd_system_wakeup, { { 0 } } },
	{ "quit", cmd_quit, { { 0 } } },
	{ "screendump", cmd_screendump, { { "filename", ARG_STR, false },
					  { "device", ARG_STR, true },
					  { "head", ARG_INT, true },
					  { "format", ARG_STR, true, image_formats } } },
	{ "eject", cmd_eject, { { "device", ARG_STR, true }, { "id", ARG_STR, true },
				{ "force", ARG_BOOL, true } } },
	{ "blockdev-change-medium", cmd_change_medium, {
		{ "device", ARG_STR, true }, { "id", ARG_STR, true },
		{ "filename", ARG_STR, false }, { "format", ARG_STR, true },
		{ "force", ARG_BOOL, true }, { "read-only-mode", ARG_STR, true } } },
	{ "human-monitor-command", cmd_hmp, { { "command-line", ARG_STR, false },
					      { "cpu-index", ARG_INT, true } }, .ret = "str" },
	{ "send-key", cmd_send_key, { { "keys", ARG_ARRAY, false },
				      { "hold-time", ARG_INT, true } } },
	{ "balloon", cmd_balloon, { { "value", ARG_INT, false } } },
	{ "set_link", cmd_set_link, { { "name", ARG_STR, false }, { "up", ARG_BOOL, false } } },
	{ "change-vnc-password", cmd_change_vnc_password, { { "password", ARG_STR, false } } },
	{ NULL, NULL, { { 0 } } },
};

const struct qmp_cmd *const qmp_cmd_tables[] = {
	qmp_core_cmds, qmp_migrate_cmds, qmp_probe_cmds, qmp_hotplug_cmds, qmp_input_cmds, NULL
};

static JsonNode *cmd_query_commands(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *arr = json_array_new();

	for (const struct qmp_cmd *const *t = qmp_cmd_tables; *t; t++) {
		for (const struct qmp_cmd *c = *t; c->name; c++) {
			JsonObject *o = json_object_new();

			json_object_set_string_member(o, "name", c->name);
			json_array_add_object_element(arr, o);
		}
	}
	return node_arr(arr);
}

static const struct qmp_cmd *find_command(const char *name)
{
	for (const struct qmp_cmd *const *t = qmp_cmd_tables; *t; t++)
		for (const struct qmp_cmd *c = *t; c->name; c++)
			if (!strcmp(c->name, name))
				return c;
	return NULL;
}

bool qmp_command_exists(const char *name)
{
	return find_command(name) != NULL;
}

static bool type_ok(JsonNode *n, enum arg_type t)
{
	switch (t) {
	case ARG_STR:
		return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING;
	case ARG_INT:
		return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_INT64;
	case ARG_BOOL:
		return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_BOOLEAN;
	case ARG_ARRAY:
		return JSON_NODE_HOLDS_ARRAY(n);
	case ARG_OBJECT:
		return JSON_NODE_HOLDS_OBJECT(n);
	}
	return false;
}

/* QEMU's order: each declared parameter (missing, then type), then extras. */
static bool check_args(const struct qmp_cmd *c, JsonObject *a, GError **err)
{
	static const char *const tnames[] = { "string", "integer", "boolean", "array", "object" };
	GList *keys;
	bool ok = true;

	for (const struct qmp_arg *p = c->args; p->name; p++) {
		JsonNode *n = a ? json_object_get_member(a, p->name) : NULL;

		if (!n && !p->optional) {
			qmp_error(err, QMP_ERR_GENERIC, "Parameter '%s' is missing", p->name);
			return false;
		}
		if (n && !type_ok(n, p->type)) {
			qmp_error(err, QMP_ERR_GENERIC, "Invalid parameter type for '%s', expected: %s",
				  p->name, tnames[p->type]);
			return false;
		}
		if (n && p->type == ARG_STR && p->values &&
		    !g_strv_contains((const char *const *)p->values, json_node_get_string(n))) {
			qmp_error(err, QMP_ERR_GENERIC, "Parameter '%s' does not accept value '%s'",
				  p->name, json_node_get_string(n));
			return false;
		}
	}
	keys = a && !c->any_args ? json_object_get_members(a) : NULL;
	for (GList *k = keys; k && ok; k = k->next) {
		const struct qmp_arg *p = c->args;

		while (p->name && strcmp(p->name, k->data))
			p++;
		if (!p->name) {
			qmp_error(err, QMP_ERR_GENERIC, "Parameter '%s' is unexpected",
				  (const char *)k->data);
			ok = false;
		}
	}
	g_list_free(keys);
	return ok;
}

JsonNode *qmp_dispatch(struct machine *m, const char *name, JsonObject *args, GError **err)
{
	const struct qmp_cmd *c = find_command(name);

	if (!c || !c->fn) {
		qmp_error(err, QMP_ERR_COMMAND_NOT_FOUND, "The command %s has not been found", name);
		return NULL;
	}
	if (!check_args(c, args, err))
		return NULL;
	return c->fn(m, args, err);
}
