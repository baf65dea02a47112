// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QMP input-send-event, as QEMU 7.2's: a list of key, btn, rel and abs
 * events applied in order and delivered as one pointer report at the end
 * (QEMU's "sync"), to the most recently activated device taking that kind
 * (ui/console.h input handlers; a usb-tablet takes abs, the PS/2 mouse or a
 * usb-mouse rel).  abs values are 0..0x7fff on each axis.  As in QEMU, a
 * paused VM refuses the events ("VM not running").  "device" and "head"
 * name a display in QEMU to pick a bound input device; kvmpc checks that
 * the device exists but has one display and no binding, so routing stays.
 */
#include <string.h>
#include "core/device.h"
#include "core/machine.h"
#include "ui/console.h"
#include "ui/monitor-int.h"

struct input_batch {
	bool abs, rel, btn;
	int x, y, dx, dy, dz;
	unsigned buttons;
};

static JsonObject *member_obj(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;

	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

static const char *member_str(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;

	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

static bool member_bool(JsonObject *o, const char *name, bool *v)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;

	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_BOOLEAN)
		return false;
	*v = json_node_get_boolean(n);
	return true;
}

static bool member_int(JsonObject *o, const char *name, gint64 *v)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;

	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64)
		return false;
	*v = json_node_get_int(n);
	return true;
}

static int input_btn(struct input_batch *b, JsonObject *data, GError **err)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "left", INPUT_BTN_LEFT }, { "middle", INPUT_BTN_MIDDLE },
		{ "right", INPUT_BTN_RIGHT }, { "side", INPUT_BTN_SIDE },
		{ "extra", INPUT_BTN_EXTRA }, { "wheel-up", 0 }, { "wheel-down", 0 },
	};
	const char *name = member_str(data, "button");
	bool down;

	if (!name || !member_bool(data, "down", &down)) {
		qmp_error(err, QMP_ERR_GENERIC, "Parameter 'data' expects InputBtnEvent");
		return -1;
	}
	for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
		if (strcmp(name, names[i].name))
			continue;
		b->btn = true;
		if (!names[i].bit) {
			/* a wheel notch counts on the press; negative dz is up */
			if (down)
				b->dz += !strcmp(name, "wheel-up") ? -1 : 1;
		} else if (down) {
			b->buttons |= names[i].bit;
		} else {
			b->buttons &= ~names[i].bit;
		}
		return 0;
	}
	qmp_error(err, QMP_ERR_GENERIC, "Parameter 'button' does not accept value '%s'", name);
	return -1;
}

static int input_move(struct input_batch *b, JsonObject *data, bool abs, GError **err)
{
	const char *axis = member_str(data, "axis");
	gint64 v;

	if (!axis || !member_int(data, "value", &v) || (strcmp(axis, "x") && strcmp(axis, "y"))) {
		qmp_error(err, QMP_ERR_GENERIC, "Parameter 'data' expects InputMoveEvent");
		return -1;
	}
	v = CLAMP(v, G_MININT32 / 2, G_MAXINT32 / 2);
	if (abs) {
		b->abs = true;
		*(axis[0] == 'x' ? &b->x : &b->y) = v;
	} else {
		b->rel = true;
		*(axis[0] == 'x' ? &b->dx : &b->dy) += v;
	}
	return 0;
}

/* QEMU refuses the whole list when a kind has no device. */
static int input_check(JsonArray *events, GError **err)
{
	for (guint i = 0; i < json_array_get_length(events); i++) {
		JsonNode *n = json_array_get_element(events, i);
		JsonObject *e = JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
		const char *type = member_str(e, "type");

		if (!type || !member_obj(e, "data")) {
			qmp_error(err, QMP_ERR_GENERIC, "Parameter 'events' expects a list of InputEvent");
			return -1;
		}
		if ((!strcmp(type, "key") && !console_has_keyboard()) ||
		    (!strcmp(type, "abs") && !console_input_has(INPUT_ABS))) {
			qmp_error(err, QMP_ERR_GENERIC, "Input handler not found for event type %s",
				  type);
			return -1;
		}
	}
	return 0;
}

static int input_one(struct input_batch *b, JsonObject *e, GError **err)
{
	const char *type = member_str(e, "type");
	JsonObject *data = member_obj(e, "data");
	bool down;

	if (!strcmp(type, "key")) {
		JsonNode *key = json_object_get_member(data, "key");
		unsigned code;

		if (!key || !member_bool(data, "down", &down)) {
			qmp_error(err, QMP_ERR_GENERIC, "Parameter 'data' expects InputKeyEvent");
			return -1;
		}
		code = qmp_key_of(key, err);
		if (!code)
			return -1;
		console_key_event(code, down);
		return 0;
	}
	if (!strcmp(type, "btn"))
		return input_btn(b, data, err);
	if (!strcmp(type, "rel") || !strcmp(type, "abs"))
		return input_move(b, data, type[0] == 'a', err);
	qmp_error(err, QMP_ERR_GENERIC, "Parameter 'type' does not accept value '%s'", type);
	return -1;
}

static JsonNode *cmd_input_send_event(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *events = json_object_get_array_member(a, "events");
	const char *device = member_str(a, "device");
	struct input_batch b = { .buttons = console_buttons() };
	int x, y;

	console_abs_position(&x, &y);
	b.x = x;
	b.y = y;
	/* QEMU's order: the named device first, then the run state */
	if (device && !device_find(m, device)) {
		qmp_error(err, QMP_ERR_DEVICE_NOT_FOUND, "Device '%s' not found", device);
		return NULL;
	}
	if (m->state != RUN_STATE_RUNNING) {
		qmp_error(err, QMP_ERR_GENERIC, "VM not running");
		return NULL;
	}
	if (input_check(events, err) < 0)
		return NULL;
	for (guint i = 0; i < json_array_get_length(events); i++)
		if (input_one(&b, json_node_get_object(json_array_get_element(events, i)), err) < 0)
			return NULL;
	if (b.abs)
		console_abs_event(b.x, b.y, b.dz, b.buttons);
	else if (b.rel)
		console_mouse_event(b.dx, b.dy, b.dz, b.buttons);
	else if (b.btn)
		console_button_event(b.dz, b.buttons);
	return json_node_init_object(json_node_alloc(), json_object_new());
}

const struct qmp_cmd qmp_input_cmds[] = {
	{ "input-send-event", cmd_input_send_event, { { "events", ARG_ARRAY, false },
						      { "device", ARG_STR, true },
						      { "head", ARG_INT, true } } },
	{ NULL },
};
