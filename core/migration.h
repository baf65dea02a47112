/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration URIs over the machine state stream (core/savevm.h,
 * docs/migration-stream.md): "file:PATH" and "exec:CMD" (a shell command
 * that reads the stream on its stdin, or writes it on its stdout), for
 * QMP migrate / migrate-incoming and -incoming URI|defer.  Saving is
 * synchronous: the machine is paused while the stream is written.
 */
#ifndef CORE_MIGRATION_H
#define CORE_MIGRATION_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

struct machine;

enum migration_status {
	MIGRATION_NONE,
	MIGRATION_SETUP,
	MIGRATION_ACTIVE,
	MIGRATION_COMPLETED,
	MIGRATION_FAILED,
};

struct migration_state {
	enum migration_status status;
	uint64_t bytes;     /* stream length of the last migration */
	uint64_t ram_bytes; /* RAM in it */
	int64_t total_ms;
	char *error;        /* last failure, or NULL */
	bool incoming_wait; /* -incoming defer: waiting for migrate-incoming */
	bool autostart;     /* "cont" while waiting: run after the load, even with -S */
	bool postmigrate;   /* paused by a completed outgoing migration */
	/* incoming tcp:/unix: (core/migration-socket.c) */
	int listen_fd;
	GSource *listen_src;
	char *listen_path;
};

/* The machine's migration record (created on first use). */
struct migration_state *migration_state(struct machine *m);
/* QEMU's name of a status ("none", "setup", "active", "completed", "failed"). */
const char *migration_status_name(enum migration_status s);

/*
 * Save the machine to uri (lock held).  The machine is paused for the
 * save and stays paused after a success (as QEMU's postmigrate); after a
 * failure it runs again if it was running.  0, or -errno with *err set.
 */
int migration_save(struct machine *m, const char *uri, GError **err);
/*
 * Load the machine from uri (lock held, machine paused).  0, or -errno
 * with *err set; after a failure the machine must not run.
 */
int migration_load(struct machine *m, const char *uri, GError **err);
/*
 * At start-up (devices and vCPUs created, machine paused): -incoming URI
 * loads now, -incoming defer waits for migrate-incoming.  0 or -errno.
 */
int migration_incoming_init(struct machine *m, GError **err);
/* Check a URI's syntax (file:PATH, exec:CMD, tcp:HOST:PORT, unix:PATH) without opening anything. */
int migration_uri_check(const char *uri, GError **err);
/*
 * migrate-incoming / -incoming for any URI (lock held): a socket URI starts
 * listening and returns 0 at once (the load follows when the source
 * connects); the others load now.  0, or -errno with *err set.
 */
int migration_incoming_start(struct machine *m, const char *uri, GError **err);

/* core/migration-socket.c */
bool migration_uri_is_socket(const char *uri);
int migration_socket_check(const char *uri, GError **err);
int migration_socket_connect(const char *uri, GError **err);
int migration_socket_listen(struct machine *m, const char *uri, GError **err);
void migration_socket_cleanup(struct machine *m);
/*
 * Load a connected source's stream from fd and close it (lock held); then
 * run the machine unless -S (or as "cont" asked), and report the outcome
 * with MACHINE_EVENT_MIGRATION.
 */
void migration_load_fd(struct machine *m, int fd);

#endif
