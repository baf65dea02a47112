// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QMP sessions: the JSON protocol of QEMU's docs/interop/qmp-spec, as QEMU
 * 7.2 speaks it (see docs/references.md "QMP / HMP").  A
 * greeting, capabilities negotiation, then one reply per request with its
 * "id" echoed; events once negotiated; every line ends in "\r\n".
 *
 * Input is read by ui/qmp-json.c (QEMU's JSON dialect and error texts,
 * bounded memory).  Left out: out-of-band execution (exec-oob is
 * refused).
 */
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "ui/monitor-int.h"
#include "core/machine.h"
#include "config.h"

struct qmp_session {
	struct mon_client *c;
	bool negotiated;
	struct qmp_json *json;
};

G_DEFINE_QUARK(qmp-error-quark, qmp_error)

const char *qmp_error_class(const GError *e)
{
	static const char *const names[] = {
		[QMP_ERR_GENERIC] = "GenericError",
		[QMP_ERR_COMMAND_NOT_FOUND] = "CommandNotFound",
		[QMP_ERR_DEVICE_NOT_FOUND] = "DeviceNotFound",
		[QMP_ERR_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
		[QMP_ERR_KVM_MISSING_CAP] = "KVMMissingCap",
	};

	if (e->domain == QMP_ERROR && e->code >= 0 && e->code < (int)G_N_ELEMENTS(names))
		return names[e->code];
	return "GenericError";
}

/* ---- output ----------------------------------------------------------- */

static void json_put_string(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	for (const char *p = s; *p;) {
		gunichar ch = g_utf8_get_char_validated(p, -1);

		if ((unsigned char)p[0] == 0xc0 && (unsigned char)p[1] == 0x80) {
			g_string_append(out, "\\u0000"); /* NUL in modified UTF-8 */
			p += 2;
			continue;
		}
		if (ch == (gunichar)-1 || ch == (gunichar)-2) {
			g_string_append(out, "\\uFFFD"); /* not UTF-8: replaced */
			p++;
			continue;
		}
		p = g_utf8_next_char(p);
		switch (ch) {
		case '"': g_string_append(out, "\\\""); break;
		case '\\': g_string_append(out, "\\\\"); break;
		case '\b': g_string_append(out, "\\b"); break;
		case '\f': g_string_append(out, "\\f"); break;
		case '\n': g_string_append(out, "\\n"); break;
		case '\r': g_string_append(out, "\\r"); break;
		case '\t': g_string_append(out, "\\t"); break;
		default:
			if (ch >= 0x20 && ch < 0x7f) {
				g_string_append_c(out, ch);
			} else if (ch < 0x10000) {
				g_string_append_printf(out, "\\u%04X", ch);
			} else {
				ch -= 0x10000;
				g_string_append_printf(out, "\\u%04X\\u%04X", 0xd800 | (ch >> 10),
						       0xdc00 | (ch & 0x3ff));
			}
		}
	}
	g_string_append_c(out, '"');
}

static void json_put(GString *out, JsonNode *n, int indent);

static void json_newline(GString *out, int indent)
{
	if (indent < 0)
		return;
	g_string_append_c(out, '\n');
	for (int i = 0; i < indent; i++)
		g_string_append(out, "    ");
}

static void json_put_object(GString *out, JsonObject *o, int indent)
{
	GList *keys = json_object_get_members(o);
	int inner = indent < 0 ? -1 : indent + 1;

	g_string_append_c(out, '{');
	for (GList *k = keys; k; k = k->next) {
		if (k != keys)
			g_string_append_c(out, ',');
		if (inner >= 0)
			json_newline(out, inner);
		else if (k != keys)
			g_string_append_c(out, ' ');
		json_put_string(out, k->data);
		g_string_append(out, ": ");
		json_put(out, json_object_get_member(o, k->data), inner);
	}
	if (keys)
		json_newline(out, indent);
	g_string_append_c(out, '}');
	g_list_free(keys);
}

static void json_put_array(GString *out, JsonArray *a, int indent)
{
	unsigned len = json_array_get_length(a);
	int inner = indent < 0 ? -1 : indent + 1;

	g_string_append_c(out, '[');
	for (unsigned i = 0; i < len; i++) {
		if (i)
			g_string_append_c(out, ',');
		if (inner >= 0)
			json_newline(out, inner);
		else if (i)
			g_string_append_c(out, ' ');
		json_put(out, json_array_get_element(a, i), inner);
	}
	if (len)
		json_newline(out, indent);
	g_string_append_c(out, ']');
}

static void json_put(GString *out, JsonNode *n, int indent)
{
	char num[G_ASCII_DTOSTR_BUF_SIZE];

	switch (json_node_get_node_type(n)) {
	case JSON_NODE_OBJECT:
		json_put_object(out, json_node_get_object(n), indent);
		return;
	case JSON_NODE_ARRAY:
		json_put_array(out, json_node_get_array(n), indent);
		return;
	case JSON_NODE_NULL:
		g_string_append(out, "null");
		return;
	case JSON_NODE_VALUE:
		break;
	}
	switch (json_node_get_value_type(n)) {
	case G_TYPE_INT64:
		g_string_append_printf(out, "%" G_GINT64_FORMAT, json_node_get_int(n));
		break;
	case G_TYPE_DOUBLE:
		g_string_append(out, g_ascii_dtostr(num, sizeof(num), json_node_get_double(n)));
		break;
	case G_TYPE_BOOLEAN:
		g_string_append(out, json_node_get_boolean(n) ? "true" : "false");
		break;
	default:
		json_put_string(out, json_node_get_string(n) ? json_node_get_string(n) : "");
	}
}

char *qmp_to_json(JsonNode *node, bool pretty)
{
	GString *out = g_string_new(NULL);

	json_put(out, node, pretty ? 0 : -1);
	return g_string_free(out, FALSE);
}

void qmp_session_send_node(struct qmp_session *s, JsonNode *node)
{
	char *text = qmp_to_json(node, s->c->mon->pretty);

	mon_client_puts(s->c, text);
	mon_client_write(s->c, "\r\n", 2);
	g_free(text);
}

static void qmp_reply(struct qmp_session *s, JsonNode *ret, const GError *err, JsonNode *id)
{
	JsonObject *o = json_object_new();
	JsonNode *n;

	if (err) {
		JsonObject *e = json_object_new();

		json_object_set_string_member(e, "class", qmp_error_class(err));
		json_object_set_string_member(e, "desc", err->message);
		json_object_set_object_member(o, "error", e);
	} else {
		json_object_set_member(o, "return", ret);
	}
	if (id)
		json_object_set_member(o, "id", json_node_copy(id));
	n = json_node_init_object(json_node_alloc(), o);
	json_object_unref(o);
	qmp_session_send_node(s, n);
	json_node_unref(n);
}

static void qmp_reply_error(struct qmp_session *s, JsonNode *id, int cls, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void qmp_reply_error(struct qmp_session *s, JsonNode *id, int cls, const char *fmt, ...)
{
	va_list ap;
	GError *e;

	va_start(ap, fmt);
	e = g_error_new_valist(QMP_ERROR, cls, fmt, ap);
	va_end(ap);
	qmp_reply(s, NULL, e, id);
	g_error_free(e);
}

/* ---- requests --------------------------------------------------------- */

static void qmp_capabilities(struct qmp_session *s, JsonObject *args, JsonNode *id)
{
	GList *keys = args ? json_object_get_members(args) : NULL;
	JsonNode *en = args ? json_object_get_member(args, "enable") : NULL;
	const char *bad = NULL;
	JsonObject *o;
	JsonNode *ret;

	for (GList *k = keys; k && !bad; k = k->next)
		if (strcmp(k->data, "enable"))
			bad = k->data;
	if (bad) {
		qmp_reply_error(s, id, QMP_ERR_GENERIC, "Parameter '%s' is unexpected", bad);
		goto out;
	}
	if (en && !JSON_NODE_HOLDS_ARRAY(en)) {
		qmp_reply_error(s, id, QMP_ERR_GENERIC,
				"Invalid parameter type for 'enable', expected: array");
		goto out;
	}
	for (unsigned i = 0; en && i < json_array_get_length(json_node_get_array(en)); i++) {
		JsonNode *v = json_array_get_element(json_node_get_array(en), i);
		const char *cap = JSON_NODE_HOLDS_VALUE(v) ? json_node_get_string(v) : NULL;

		if (!cap || strcmp(cap, "oob")) {
			qmp_reply_error(s, id, QMP_ERR_GENERIC,
					"Parameter 'enable' does not accept value '%s'",
					cap ? cap : "?");
			goto out;
		}
	}
	s->negotiated = true;
	o = json_object_new();
	ret = json_node_init_object(json_node_alloc(), o);
	json_object_unref(o);
	qmp_reply(s, ret, NULL, id);
out:
	g_list_free(keys);
}

/* Check the request's envelope; returns the command name or NULL (replied). */
static const char *qmp_check_request(struct qmp_session *s, JsonObject *req, JsonNode *id,
				     JsonObject **args)
{
	GList *keys = json_object_get_members(req);
	JsonNode *ex, *a;
	const char *bad = NULL;

	for (GList *k = keys; k && !bad; k = k->next)
		if (strcmp(k->data, "execute") && strcmp(k->data, "exec-oob") &&
		    strcmp(k->data, "arguments") && strcmp(k->data, "id"))
			bad = k->data;
	g_list_free(keys);
	if (bad) {
		qmp_reply_error(s, id, QMP_ERR_GENERIC, "QMP input member '%s' is unexpected", bad);
		return NULL;
	}
	if (json_object_has_member(req, "exec-oob")) {
		ex = json_object_get_member(req, "exec-oob");
		qmp_reply_error(s, id, QMP_ERR_GENERIC, "The command %s does not support OOB",
				JSON_NODE_HOLDS_VALUE(ex) && json_node_get_string(ex) ?
				json_node_get_string(ex) : "?");
		return NULL;
	}
	ex = json_object_get_member(req, "execute");
	if (!ex) {
		qmp_reply_error(s, id, QMP_ERR_GENERIC, "QMP input lacks member 'execute'");
		return NULL;
	}
	if (!JSON_NODE_HOLDS_VALUE(ex) || json_node_get_value_type(ex) != G_TYPE_STRING) {
		qmp_reply_error(s, id, QMP_ERR_GENERIC,
				"QMP input member 'execute' must be a string");
		return NULL;
	}
	a = json_object_get_member(req, "arguments");
	if (a && !JSON_NODE_HOLDS_OBJECT(a)) {
		qmp_reply_error(s, id, QMP_ERR_GENERIC,
				"QMP input member 'arguments' must be an object");
		return NULL;
	}
	*args = a ? json_node_get_object(a) : NULL;
	return json_node_get_string(ex);
}

static void qmp_handle_request(struct qmp_session *s, JsonObject *req)
{
	struct machine *m = s->c->mon->root->m;
	JsonNode *id = json_object_get_member(req, "id");
	JsonObject *args = NULL;
	const char *cmd = qmp_check_request(s, req, id, &args);
	GError *err = NULL;
	JsonNode *ret;

	if (!cmd)
		return;
	if (!strcmp(cmd, "qmp_capabilities")) {
		if (s->negotiated)
			qmp_reply_error(s, id, QMP_ERR_COMMAND_NOT_FOUND,
					"Capabilities negotiation is already complete, command ignored");
		else
			qmp_capabilities(s, args, id);
		return;
	}
	if (!s->negotiated) {
		qmp_reply_error(s, id, QMP_ERR_COMMAND_NOT_FOUND,
				"Expecting capabilities negotiation with 'qmp_capabilities'");
		return;
	}
	ret = qmp_dispatch(m, cmd, args, &err);
	qmp_reply(s, ret, err, id);
	if (err)
		g_error_free(err);
}

/* A top-level value or a JSON error from the reader. */
static void qmp_json_message(void *opaque, JsonNode *n, const char *error)
{
	struct qmp_session *s = opaque;

	if (error) {
		qmp_reply_error(s, NULL, QMP_ERR_GENERIC, "%s", error);
		return;
	}
	if (JSON_NODE_HOLDS_OBJECT(n))
		qmp_handle_request(s, json_node_get_object(n));
	else
		qmp_reply_error(s, NULL, QMP_ERR_GENERIC, "QMP input must be a JSON object");
	json_node_unref(n);
}

void qmp_session_input(struct qmp_session *s, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len && !s->c->dead; i++)
		qmp_json_feed_byte(s->json, (char)buf[i]);
}

/* ---- session life ----------------------------------------------------- */

struct qmp_session *qmp_session_new(struct mon_client *c)
{
	struct qmp_session *s = g_new0(struct qmp_session, 1);

	s->c = c;
	s->json = qmp_json_new(qmp_json_message, s);
	return s;
}

void qmp_session_free(struct qmp_session *s)
{
	qmp_json_free(s->json);
	g_free(s);
}

void qmp_session_opened(struct qmp_session *s)
{
	char *greeting = g_strdup_printf(
		"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": %d, \"minor\": %d, "
		"\"major\": %d}, \"package\": \"kvmpc-%s\"}, \"capabilities\": [\"oob\"]}}\r\n",
		QMP_VERSION_MICRO, QMP_VERSION_MINOR, QMP_VERSION_MAJOR, KVMPC_VERSION);

	s->negotiated = false;
	qmp_json_reset(s->json);
	mon_client_puts(s->c, greeting);
	g_free(greeting);
}

void qmp_session_closed(struct qmp_session *s)
{
	s->negotiated = false;
	qmp_json_reset(s->json);
}

bool qmp_session_ready(struct qmp_session *s)
{
	return s->negotiated;
}
