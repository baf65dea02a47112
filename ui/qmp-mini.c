// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stop-gap QMP server (qmp-mini.h): speaks QMP framing as QEMU 7.2 does
 * (docs/references.md "QMP / HMP": greeting, capabilities negotiation,
 * replies ending in \r\n, "id" echoed) for three commands: qmp_capabilities,
 * screendump (filename, optional format ppm|png, console 0) and quit.
 * Everything else is CommandNotFound.  Input is split into JSON objects by
 * counting braces outside strings; a bad object earns a GenericError.
 */
#include <string.h>
#include <json-glib/json-glib.h>
#include "ui/qmp-mini.h"
#include "ui/console.h"
#include "core/chardev.h"
#include "core/machine.h"

#define QMP_MINI_MAX_INPUT (1 << 20)

struct qmp_mini {
	struct machine *m;
	struct chardev *chr;
	GString *buf;
	bool negotiated;
	/* object splitter state */
	int depth;
	bool in_string, escape;
	size_t scanned;
};

static void qmp_send(struct qmp_mini *q, const char *json)
{
	chardev_write(q->chr, (const uint8_t *)json, strlen(json));
	chardev_write(q->chr, (const uint8_t *)"\r\n", 2);
}

static char *json_text(JsonNode *node)
{
	JsonGenerator *gen = json_generator_new();
	char *s;

	json_generator_set_root(gen, node);
	s = json_generator_to_data(gen, NULL);
	g_object_unref(gen);
	return s;
}

/* Send {"return": {}} or {"error": ...}, with the request's id if any. */
static void qmp_reply(struct qmp_mini *q, JsonNode *id, const char *err_class,
		      const char *desc)
{
	JsonBuilder *b = json_builder_new();
	JsonNode *root;
	char *s;

	json_builder_begin_object(b);
	if (err_class) {
		json_builder_set_member_name(b, "error");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "class");
		json_builder_add_string_value(b, err_class);
		json_builder_set_member_name(b, "desc");
		json_builder_add_string_value(b, desc);
		json_builder_end_object(b);
	} else {
		json_builder_set_member_name(b, "return");
		json_builder_begin_object(b);
		json_builder_end_object(b);
	}
	if (id) {
		json_builder_set_member_name(b, "id");
		json_builder_add_value(b, json_node_copy(id));
	}
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	s = json_text(root);
	qmp_send(q, s);
	g_free(s);
	json_node_unref(root);
	g_object_unref(b);
}

static void qmp_greeting(struct qmp_mini *q)
{
	qmp_send(q, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, "
		    "\"major\": 7}, \"package\": \"kvmpc\"}, \"capabilities\": []}}");
}

static void qmp_screendump(struct qmp_mini *q, JsonNode *id, JsonObject *args)
{
	const char *file = args ? json_object_get_string_member_with_default(args, "filename", NULL)
				: NULL;
	const char *fmt = args ? json_object_get_string_member_with_default(args, "format", NULL)
			       : NULL;
	struct console *con = console_lookup(0);
	GError *err = NULL;

	if (!file) {
		qmp_reply(q, id, "GenericError", "Parameter 'filename' is missing");
		return;
	}
	if (!con) {
		qmp_reply(q, id, "GenericError", "There is no console to take a screendump from");
		return;
	}
	if (console_screendump(con, file, fmt, &err) < 0) {
		qmp_reply(q, id, "GenericError", err->message);
		g_error_free(err);
		return;
	}
	qmp_reply(q, id, NULL, NULL);
}

static void qmp_dispatch(struct qmp_mini *q, JsonObject *req)
{
	JsonNode *id = json_object_get_member(req, "id");
	const char *cmd = json_object_get_string_member_with_default(req, "execute", NULL);
	JsonObject *args = NULL;

	if (json_object_has_member(req, "arguments"))
		args = json_object_get_object_member(req, "arguments");
	if (!cmd) {
		qmp_reply(q, id, "GenericError", "QMP input lacks member 'execute'");
	} else if (!strcmp(cmd, "qmp_capabilities")) {
		q->negotiated = true;
		qmp_reply(q, id, NULL, NULL);
	} else if (!q->negotiated) {
		qmp_reply(q, id, "CommandNotFound",
			  "Expecting capabilities negotiation with 'qmp_capabilities'");
	} else if (!strcmp(cmd, "screendump")) {
		qmp_screendump(q, id, args);
	} else if (!strcmp(cmd, "quit")) {
		qmp_send(q, "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": false, "
			    "\"reason\": \"host-qmp-quit\"}}");
		qmp_reply(q, id, NULL, NULL);
		machine_request_shutdown(q->m, 0);
	} else {
		char *d = g_strdup_printf("The command %s has not been found", cmd);
		qmp_reply(q, id, "CommandNotFound", d);
		g_free(d);
	}
}

static void qmp_handle_object(struct qmp_mini *q, const char *text, size_t len)
{
	JsonParser *p = json_parser_new();
	JsonNode *root;

	if (!json_parser_load_from_data(p, text, len, NULL) ||
	    !(root = json_parser_get_root(p)) || !JSON_NODE_HOLDS_OBJECT(root))
		qmp_reply(q, NULL, "GenericError", "JSON parse error");
	else
		qmp_dispatch(q, json_node_get_object(root));
	g_object_unref(p);
}

/* Consume complete top-level objects from the buffer. */
static void qmp_scan(struct qmp_mini *q)
{
	size_t start = 0;

	for (size_t i = q->scanned; i < q->buf->len; i++) {
		char c = q->buf->str[i];
		if (q->in_string) {
			if (q->escape)
				q->escape = false;
			else if (c == '\\')
				q->escape = true;
			else if (c == '"')
				q->in_string = false;
			continue;
		}
		if (c == '"' || c == '\'') {
			q->in_string = c == '"';
		} else if (c == '{' || c == '[') {
			q->depth++;
		} else if ((c == '}' || c == ']') && q->depth > 0 && --q->depth == 0) {
			qmp_handle_object(q, q->buf->str + start, i + 1 - start);
			start = i + 1;
		} else if (q->depth == 0 && !g_ascii_isspace(c)) {
			start = i + 1; /* stray byte between objects */
		}
	}
	g_string_erase(q->buf, 0, start);
	q->scanned = q->buf->len;
}

static int qmp_can_read(void *opaque)
{
	return 4096;
}

static void qmp_read(void *opaque, const uint8_t *buf, size_t len)
{
	struct qmp_mini *q = opaque;

	g_string_append_len(q->buf, (const char *)buf, len);
	qmp_scan(q);
	if (q->buf->len > QMP_MINI_MAX_INPUT) {
		g_string_truncate(q->buf, 0);
		q->scanned = 0;
		q->depth = 0;
		q->in_string = q->escape = false;
		qmp_reply(q, NULL, "GenericError", "JSON object too large");
	}
}

static void qmp_event(void *opaque, enum chr_event ev)
{
	struct qmp_mini *q = opaque;

	g_string_truncate(q->buf, 0);
	q->scanned = 0;
	q->depth = 0;
	q->in_string = q->escape = false;
	q->negotiated = false;
	if (ev == CHR_EVENT_OPENED)
		qmp_greeting(q);
}

struct qmp_mini *qmp_mini_start(struct machine *m, const char *spec, GError **err)
{
	struct qmp_mini *q = g_new0(struct qmp_mini, 1);
	struct chr_frontend fe = { qmp_can_read, qmp_read, qmp_event, q };

	q->m = m;
	q->chr = chardev_new_legacy(m, spec, NULL, err);
	if (!q->chr) {
		g_free(q);
		return NULL;
	}
	q->buf = g_string_new(NULL);
	chardev_set_frontend(q->chr, &fe); /* copied by the chardev */
	return q;
}
