/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals shared by the monitor files: ui/monitor.c (transports and
 * clients), ui/qmp.c (QMP sessions), ui/qmp-cmds.c (commands) and
 * ui/hmp.c (the human monitor).  Everything here is used with the
 * machine lock held.
 */
#ifndef UI_MONITOR_INT_H
#define UI_MONITOR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include "core/notify.h"

struct machine;
struct chardev;

/* QMP error classes, as the GError code in the QMP_ERROR domain. */
enum qmp_err_class {
	QMP_ERR_GENERIC,
	QMP_ERR_COMMAND_NOT_FOUND,
	QMP_ERR_DEVICE_NOT_FOUND,
	QMP_ERR_DEVICE_NOT_ACTIVE,
	QMP_ERR_KVM_MISSING_CAP,
};

GQuark qmp_error_quark(void);
#define QMP_ERROR qmp_error_quark()
#define qmp_error(err, cls, ...) g_set_error((err), QMP_ERROR, (cls), __VA_ARGS__)
/* The class name of any GError (other domains are GenericError). */
const char *qmp_error_class(const GError *e);

#define QMP_VERSION_MAJOR 7
#define QMP_VERSION_MINOR 2
#define QMP_VERSION_MICRO 0

/*
 * A QMP command: its handler and declared parameters (ui/qmp-cmds.c checks
 * them).  query-qmp-schema is generated from these tables
 * (ui/qmp-schema.c), so what a command declares is what kvmpc checks.
 */
enum arg_type { ARG_STR, ARG_INT, ARG_BOOL, ARG_ARRAY, ARG_OBJECT };

struct qmp_arg {
	const char *name;
	enum arg_type type;
	bool optional;
	/* ARG_STR: the enum's values (checked); ARG_ARRAY: its elements' */
	const char *const *values;
};

typedef JsonNode *qmp_fn(struct machine *m, JsonObject *a, GError **err);

struct qmp_cmd {
	const char *name;
	qmp_fn *fn;
	struct qmp_arg args[8];
	bool any_args; /* members beyond args are the handler's to check */
	/* NULL: returns {}; else the schema type of the return ("any", "str") */
	const char *ret;
};

/* The command tables, each terminated by name == NULL. */
extern const struct qmp_cmd qmp_core_cmds[];    /* ui/qmp-cmds.c */
extern const struct qmp_cmd qmp_migrate_cmds[]; /* ui/qmp-migrate.c */
extern const struct qmp_cmd qmp_probe_cmds[];   /* ui/qmp-probe.c */
extern const struct qmp_cmd qmp_hotplug_cmds[]; /* ui/qmp-hotplug.c */
extern const struct qmp_cmd *const qmp_cmd_tables[];

/* ui/qmp-hotplug.c: the HMP forms of device_add, device_del, drive_add */
void hmp_device_add(struct machine *m, GString *out, char **argv);
void hmp_device_del(struct machine *m, GString *out, char **argv);
void hmp_drive_add(struct machine *m, GString *out, char **argv);
void hmp_netdev_add(struct machine *m, GString *out, char **argv);
void hmp_netdev_del(struct machine *m, GString *out, char **argv);
/* ui/qmp-input.c: input-send-event, terminated by name == NULL. */
extern const struct qmp_cmd qmp_input_cmds[];
/* A KeyValue ({"type": "qcode"|"number", "data": ...}) to a PS/2 key, or 0 with *err. */
unsigned qmp_key_of(JsonNode *n, GError **err);

/* migrate-set-capabilities events=on: MIGRATION events are sent (ui/qmp-probe.c) */
extern bool qmp_migration_events;
/* An incoming socket migration ended: MIGRATION (and RESUME) events (ui/qmp-migrate.c). */
void qmp_migration_finished(struct machine *m, bool ok, bool resumed);

/* ui/qmp-schema.c: the events kvmpc emits, for query-qmp-schema. */
JsonNode *qmp_query_qmp_schema(struct machine *m, JsonObject *a, GError **err);
/* CPU index's socket-id/core-id/thread-id, and its QOM path (g_free). */
JsonObject *qmp_cpu_props(struct machine *m, int index);
char *qmp_cpu_qom_path(struct machine *m, int index);

/* Reasons the monitor gives when it asks for a reset or shutdown. */
extern const char MON_REASON_QUIT[];
extern const char MON_REASON_RESET[];

enum mon_mode { MON_HMP, MON_QMP };

struct mon_root {
	struct machine *m;
	GPtrArray *monitors;  /* struct monitor * */
	bool prelaunch;       /* -S and never continued */
	char xp_fmt;          /* HMP xp: last format and size */
	unsigned xp_size;
	struct notifier events; /* on machine->events: devices' QMP events */
	unsigned compat_index;  /* -monitor/-qmp seen: chardev compat_monitorN */
};

/* DEVICE_TRAY_MOVED for a drive id (lock held). */
void monitor_event_tray_moved(struct machine *m, const char *device, bool open);

struct monitor {
	struct mon_root *root;
	enum mon_mode mode;
	bool pretty;
	char *desc;
	struct chardev *chr;  /* chardev transport, or NULL */
	bool mux;             /* second frontend of a mux'd stdio */
	int listen_fd;        /* own listening socket, or -1 */
	GSource *listen_src;
	char *unix_path;      /* to unlink at exit */
	GPtrArray *clients;   /* struct mon_client * */
	GSource *reaper;
};

struct mon_client {
	struct monitor *mon;
	int fd;               /* own socket, or -1 on a chardev */
	GSource *in_src, *out_src;
	GByteArray *out;
	bool dead, busy;
	bool greeted;         /* QMP on a mux: greeting sent on first focus */
	void *session;        /* struct qmp_session * or struct hmp_session * */
};

/* ui/monitor.c */
void mon_client_write(struct mon_client *c, const char *buf, size_t len);
void mon_client_puts(struct mon_client *c, const char *s);
/* Flush everything queued on every client (at exit, bounded wait). */
void mon_flush_all(struct mon_root *r);
/* Set the machine's request reason and wake it (the monitor already sent the event). */
void mon_request_reset(struct machine *m);
void mon_request_quit(struct machine *m);

/* ui/qmp.c */
struct qmp_session;
struct qmp_session *qmp_session_new(struct mon_client *c);
void qmp_session_free(struct qmp_session *s);
void qmp_session_opened(struct qmp_session *s);  /* send the greeting */
void qmp_session_closed(struct qmp_session *s);
void qmp_session_input(struct qmp_session *s, const uint8_t *buf, size_t len);
bool qmp_session_ready(struct qmp_session *s);   /* negotiated */
char *qmp_to_json(JsonNode *node, bool pretty);
void qmp_session_send_node(struct qmp_session *s, JsonNode *node);

/* ui/qmp-json.c: QEMU's JSON dialect, a byte at a time. */
struct qmp_json;
/* One top-level value (node, the callee's) or one error text (node NULL). */
typedef void qmp_json_fn(void *opaque, JsonNode *node, const char *error);
struct qmp_json *qmp_json_new(qmp_json_fn *fn, void *opaque);
void qmp_json_feed_byte(struct qmp_json *j, char ch);
void qmp_json_reset(struct qmp_json *j);
void qmp_json_free(struct qmp_json *j);

/* ui/qmp-cmds.c */
/*
 * Run a command: args may be NULL (no arguments).  Returns the "return"
 * value (never NULL on success), or NULL with *err set.
 */
JsonNode *qmp_dispatch(struct machine *m, const char *name, JsonObject *args,
		       GError **err);
bool qmp_command_exists(const char *name);
JsonNode *qmp_event_timestamp(void);

/* ui/qmp-info.c */
JsonNode *qmp_query_pci(struct machine *m, JsonObject *a, GError **err);
JsonNode *qmp_query_target(struct machine *m, JsonObject *a, GError **err);
JsonNode *qmp_query_uuid(struct machine *m, JsonObject *a, GError **err);
void hmp_info_pci(struct machine *m, GString *out);

/* ui/hmp-mem.c */
void hmp_xp(struct machine *m, GString *out, char **argv);
void hmp_info_mtree(struct machine *m, GString *out);

/* ui/hmp.c */
struct hmp_session;
struct hmp_session *hmp_session_new(struct mon_client *c);
void hmp_session_free(struct hmp_session *s);
void hmp_session_opened(struct hmp_session *s);  /* banner and prompt */
void hmp_session_focus(struct hmp_session *s);   /* Ctrl-A c: prompt */
void hmp_session_input(struct hmp_session *s, const uint8_t *buf, size_t len);
/* Run one command line; output lines end in "\n". */
char *hmp_run(struct machine *m, const char *line);

#endif
