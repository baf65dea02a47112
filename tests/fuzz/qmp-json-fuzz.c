// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for QMP's JSON reader (ui/qmp-json.c): the input is what
 * a monitor client sends, fed byte by byte as the socket delivers it; every
 * value the streamer hands over is written back out with the reply
 * serializer (qmp_to_json).  Errors are expected; a crash, sanitizer
 * report, leak, hang or huge allocation is a bug.
 */
#include <stdint.h>
#include <json-glib/json-glib.h>
#include "ui/monitor-int.h"

static void on_message(void *opaque, JsonNode *node, const char *error)
{
	size_t *count = opaque;

	(*count)++;
	if (!node)
		return;
	g_free(qmp_to_json(node, *count & 1));
	json_node_unref(node);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t count = 0;
	struct qmp_json *j = qmp_json_new(on_message, &count);

	for (size_t i = 0; i < size; i++) {
		qmp_json_feed_byte(j, (char)data[i]);
		if (data[i] == 0x1a && i + 1 < size && data[i + 1] == 0x1a)
			qmp_json_reset(j); /* as after a reconnect */
	}
	qmp_json_free(j);
	return 0;
}
