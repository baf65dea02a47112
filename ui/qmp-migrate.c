// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QMP migration commands with QEMU 7.2's names and reply shapes: migrate
 * (uri "file:PATH", "exec:CMD", "tcp:HOST:PORT" or "unix:PATH"),
 * migrate-incoming (after -incoming
 * defer), query-migrate, migrate_cancel, and the MIGRATION events
 * (setup, active, completed or failed; sent once migrate-set-capabilities
 * turned "events" on, as in QEMU).  The stream is core/savevm.c's
 * (docs/migration-stream.md), written synchronously by core/migration.c,
 * so migrate returns once the stream is complete and query-migrate then
 * reports "completed" or "failed"; migrate-incoming on a socket returns
 * at once and the outcome comes as a MIGRATION event (and RESUME when the
 * machine then runs).  Differences from QEMU: block
 * migration (blk/inc) is refused, migrate_cancel has nothing to cancel, a
 * failed migrate-incoming may be retried with another URI (until one
 * loads, query-status says "inmigrate" and cont only arranges the start,
 * so a half-loaded machine never runs).
 */
#include <string.h>
#include <json-glib/json-glib.h>

#include "ui/monitor.h"
#include "ui/monitor-int.h"
#include "core/machine.h"
#include "core/migration.h"

static void event_status(struct machine *m, enum migration_status st)
{
	JsonObject *o;

	if (!qmp_migration_events) /* as QEMU: only with the "events" capability */
		return;
	o = json_object_new();
	json_object_set_string_member(o, "status", migration_status_name(st));
	monitor_event(m, "MIGRATION", json_node_init_object(json_node_alloc(), o));
	json_object_unref(o);
}

static JsonNode *empty(void)
{
	JsonObject *o = json_object_new();
	JsonNode *n = json_node_init_object(json_node_alloc(), o);

	json_object_unref(o);
	return n;
}

static JsonNode *finish(struct machine *m, int ret, GError *e, GError **err)
{
	event_status(m, ret ? MIGRATION_FAILED : MIGRATION_COMPLETED);
	if (ret) {
		qmp_error(err, QMP_ERR_GENERIC, "%s", e ? e->message : "migration failed");
		g_clear_error(&e);
		return NULL;
	}
	return empty();
}

static JsonNode *cmd_migrate(struct machine *m, JsonObject *a, GError **err)
{
	const char *uri = json_object_get_string_member(a, "uri");
	bool was_running = m->state == RUN_STATE_RUNNING;
	GError *e = NULL;
	int ret;

	if ((json_object_has_member(a, "blk") && json_object_get_boolean_member(a, "blk")) ||
	    (json_object_has_member(a, "inc") && json_object_get_boolean_member(a, "inc"))) {
		qmp_error(err, QMP_ERR_GENERIC, "Block migration is not supported by kvmpc");
		return NULL;
	}
	if (migration_uri_check(uri, &e) < 0) {
		qmp_error(err, QMP_ERR_GENERIC, "%s", e->message);
		g_error_free(e);
		return NULL;
	}
	event_status(m, MIGRATION_SETUP);
	event_status(m, MIGRATION_ACTIVE);
	ret = migration_save(m, uri, &e);
	if (!ret && was_running)
		monitor_event(m, "STOP", NULL);
	return finish(m, ret, e, err);
}

/* An incoming socket migration ended (its MACHINE_EVENT_MIGRATION). */
void qmp_migration_finished(struct machine *m, bool ok, bool resumed)
{
	event_status(m, ok ? MIGRATION_COMPLETED : MIGRATION_FAILED);
	if (resumed)
		monitor_event(m, "RESUME", NULL);
}

static JsonNode *cmd_migrate_incoming(struct machine *m, JsonObject *a, GError **err)
{
	const char *uri = json_object_get_string_member(a, "uri");
	GError *e = NULL;
	int ret;

	if (!m->cfg->incoming) {
		qmp_error(err, QMP_ERR_GENERIC,
			  "'-incoming' was not specified on the command line");
		return NULL;
	}
	if (!migration_state(m)->incoming_wait) {
		qmp_error(err, QMP_ERR_GENERIC, "The incoming migration has already been started");
		return NULL;
	}
	if (migration_uri_check(uri, &e) < 0) {
		qmp_error(err, QMP_ERR_GENERIC, "%s", e->message);
		g_error_free(e);
		return NULL;
	}
	event_status(m, MIGRATION_SETUP);
	if (migration_uri_is_socket(uri)) {
		/* listen; the load follows when the source connects */
		if (migration_incoming_start(m, uri, &e) < 0)
			return finish(m, -1, e, err);
		return empty();
	}
	event_status(m, MIGRATION_ACTIVE);
	ret = migration_load(m, uri, &e);
	if (!ret && (!m->cfg->start_paused || migration_state(m)->autostart) &&
	    m->state == RUN_STATE_PAUSED) {
		monitor_event(m, "RESUME", NULL);
		machine_resume(m);
	}
	return finish(m, ret, e, err);
}

static JsonNode *cmd_query_migrate(struct machine *m, JsonObject *a, GError **err)
{
	struct migration_state *s = migration_state(m);
	JsonObject *o = json_object_new(), *ram;
	JsonNode *n;

	if (s->status != MIGRATION_NONE) {
		json_object_set_string_member(o, "status", migration_status_name(s->status));
		json_object_set_int_member(o, "total-time", s->total_ms);
	}
	if (s->status == MIGRATION_COMPLETED) {
		ram = json_object_new();
		json_object_set_int_member(ram, "transferred", s->bytes);
		json_object_set_int_member(ram, "total", s->ram_bytes);
		json_object_set_int_member(ram, "remaining", 0);
		json_object_set_int_member(ram, "duplicate", 0);
		json_object_set_int_member(ram, "normal", s->ram_bytes / 4096);
		json_object_set_int_member(ram, "normal-bytes", s->ram_bytes);
		json_object_set_object_member(o, "ram", ram);
	}
	if (s->status == MIGRATION_FAILED && s->error)
		json_object_set_string_member(o, "error-desc", s->error);
	n = json_node_init_object(json_node_alloc(), o);
	json_object_unref(o);
	return n;
}

static JsonNode *cmd_migrate_cancel(struct machine *m, JsonObject *a, GError **err)
{
	return empty();
}

const struct qmp_cmd qmp_migrate_cmds[] = {
	{ "migrate", cmd_migrate, { { "uri", ARG_STR, false }, { "blk", ARG_BOOL, true },
				    { "inc", ARG_BOOL, true }, { "detach", ARG_BOOL, true },
				    { "resume", ARG_BOOL, true } } },
	{ "migrate-incoming", cmd_migrate_incoming, { { "uri", ARG_STR, false } } },
	{ "query-migrate", cmd_query_migrate, { { 0 } }, .ret = "any" },
	{ "migrate_cancel", cmd_migrate_cancel, { { 0 } } },
	{ NULL, NULL, { { 0 } } },
};
