/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The process sandbox: seccomp-bpf allow-lists per thread role (built with
 * libseccomp), -sandbox on|off[,obsolete=,elevateprivileges=,spawn=,
 * resourcecontrol=], -runas USER, -chroot DIR and PR_SET_NO_NEW_PRIVS.
 * On by default (QEMU's default is off); see README "Sandbox".
 *
 * Order (docs/architecture.md, "Threads and locks"): main() builds the
 * machine (every file, socket and /dev/kvm opened), then calls
 * sandbox_start(), which chroots, drops to -runas, forks the guestfwd
 * helpers and loads the main-loop filter on every thread that exists
 * (TSYNC).  Threads created later inherit the filter of their creator and
 * narrow it with sandbox_thread_enter(): main >= vcpu >= block, so a
 * narrower role never needs what its creator lacks.
 */
#ifndef CORE_SANDBOX_H
#define CORE_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

enum sandbox_role {
	SANDBOX_ROLE_MAIN,  /* the I/O thread running glib, and glib's helpers */
	SANDBOX_ROLE_VCPU,  /* one per vCPU: KVM_RUN and device emulation */
	SANDBOX_ROLE_BLOCK, /* block workers: reads, writes and syncs on open fds */
	SANDBOX_NR_ROLES
};

/* What -sandbox's sub-options allow beyond the allow-lists (QEMU's groups). */
struct sandbox_groups {
	bool obsolete;  /* obsolete=allow */
	bool elevate;   /* elevateprivileges=allow */
	bool spawn;     /* spawn=allow */
	bool resource;  /* resourcecontrol=allow */
};

/* Command line: -sandbox ARG, -runas USER, -chroot DIR.  0 or -1 with *err. */
int sandbox_parse_option(const char *arg, GError **err);
int sandbox_parse_runas(const char *user, GError **err);
int sandbox_parse_chroot(const char *dir, GError **err);
bool sandbox_enabled(void);
/* May kvmpc start programs now (false once filters without spawn= are on)? */
bool sandbox_spawn_allowed(void);

/* After set-up, before the vCPU threads start.  0 or -1 with *err. */
int sandbox_start(GError **err);

/* First thing a role's thread does (idempotent per thread). */
void sandbox_thread_enter(enum sandbox_role role);

/*
 * slirp guestfwd=...-cmd:CMD under the sandbox: returns the path of a unix
 * socket (to give to slirp_add_unix) whose connections a helper process,
 * forked before the filters are loaded, serves by running CMD with the
 * connection as its stdin and stdout.  NULL without error when the sandbox
 * is off (use slirp_add_exec then); NULL with *err on failure.
 */
char *sandbox_exec_socket(const char *cmd, GError **err);

/* sandbox-rules.c: load ROLE's filter on this thread (all threads if tsync). */
int sandbox_load_filter(enum sandbox_role role, const struct sandbox_groups *g,
			bool tsync);
/* sandbox-spawn.c: hand the helpers' sockets to the -runas user (as root),
 * then fork the helpers registered by sandbox_exec_socket(). */
int sandbox_spawn_prepare(uid_t uid, gid_t gid, GError **err);
int sandbox_spawn_helpers(GError **err);
const char *sandbox_chroot_dir(void); /* -chroot DIR or NULL */

#endif
