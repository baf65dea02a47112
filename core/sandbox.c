// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sandbox's options and its start: -sandbox on|off with QEMU's
 * sub-options (obsolete=, elevateprivileges=, spawn=, resourcecontrol=;
 * each allow|deny, elevateprivileges also children), -runas USER[:GROUP]
 * or UID:GID, -chroot DIR, PR_SET_NO_NEW_PRIVS always, and the SIGSYS
 * handler that turns a forbidden system call into one log line naming the
 * call and the thread's role, then exit status 159 (128 + SIGSYS, what a
 * shell shows for a process the kernel killed with SIGSYS).
 *
 * Sub-options mean what QEMU's mean, but every group defaults to deny here
 * (QEMU denies only the obsolete group by default): kvmpc itself needs none
 * of them, slirp's guestfwd commands run from a helper forked before the
 * filters (core/sandbox-spawn.c).  The allow-lists are in
 * core/sandbox-rules.c; the design is in core/sandbox.h.
 *
 * Test hook: KVMPC_SANDBOX_SELFTEST=main|vcpu|block makes the first thread
 * of that role call execve("/bin/true") right after its filter is loaded;
 * tests/boot/sandbox.sh uses it to prove the filters hold (and that without
 * the sandbox the same call goes through).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <seccomp.h>
#include "core/log.h"
#include "core/opts.h"
#include "core/sandbox.h"

/*
 * ASan builds (./configure --enable-asan) start with the sandbox off:
 * LeakSanitizer's check at exit runs a tracer that ptraces the threads,
 * which the filters forbid (kvmpc then hangs at exit).  -sandbox on still
 * turns it on there.  Release builds are always on by default.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZER 1
#endif
#endif
#ifndef SANDBOX_SANITIZER
#define SANDBOX_SANITIZER 0
#endif

#define SANDBOX_EXIT_STATUS (128 + SIGSYS)
#define SANDBOX_MAX_NR 512

static struct {
	bool enabled;
	bool started;
	struct sandbox_groups groups;
	bool has_runas;
	uid_t uid;
	gid_t gid;
	char *chroot_dir;
	int selftest; /* a role, or -1 */
} sb = { .enabled = !SANDBOX_SANITIZER, .selftest = -1 };

static const char *const role_names[SANDBOX_NR_ROLES] = { "main", "vcpu", "block" };
static __thread int thread_role = -1;         /* -1: a thread that never entered */
static char *syscall_names[SANDBOX_MAX_NR];  /* for the SIGSYS handler */

/* ---- -sandbox, -runas, -chroot ---- */

/* "allow" -> true, "deny" -> false; "children" where QEMU takes it. */
static int sandbox_group(struct opts *o, const char *key, bool children_ok, bool *allow,
			 GError **err)
{
	const char *v = opts_get(o, key);

	if (!v)
		return 0;
	if (!strcmp(v, "allow")) {
		*allow = true;
	} else if (!strcmp(v, "deny") || (children_ok && !strcmp(v, "children"))) {
		/* children: deny here, and no new privileges for children (always on) */
		*allow = false;
	} else {
		error_setg(err, "-sandbox: invalid argument for %s: '%s' (allow, deny%s)", key, v,
			   children_ok ? ", children" : "");
		return -1;
	}
	return 0;
}

int sandbox_parse_option(const char *arg, GError **err)
{
	struct opts *o = opts_parse(arg, "enable", err);
	struct sandbox_groups g = { 0 };
	bool on;
	int ret = -1;

	if (!o)
		return -1;
	if (!opts_has(o, "enable")) {
		error_setg(err, "-sandbox %s: say on or off first", arg);
		goto out;
	}
	if (parse_bool(opts_get(o, "enable"), &on) < 0) {
		error_setg(err, "-sandbox %s: expected on or off", arg);
		goto out;
	}
	if (sandbox_group(o, "obsolete", false, &g.obsolete, err) < 0 ||
	    sandbox_group(o, "elevateprivileges", true, &g.elevate, err) < 0 ||
	    sandbox_group(o, "spawn", false, &g.spawn, err) < 0 ||
	    sandbox_group(o, "resourcecontrol", false, &g.resource, err) < 0 ||
	    opts_check_unused(o, "-sandbox", err) < 0)
		goto out;
	sb.enabled = on;
	sb.groups = g;
	ret = 0;
out:
	opts_free(o);
	return ret;
}

static int runas_numeric(const char *user, GError **err)
{
	unsigned long long uid, gid;
	char *end;

	uid = strtoull(user, &end, 10);
	if (end == user || *end != ':')
		return 1;
	gid = strtoull(end + 1, &end, 10);
	if (*end || uid > (uid_t)-2 || gid > (gid_t)-2) {
		error_setg(err, "-runas %s: expected USER or UID:GID", user);
		return -1;
	}
	sb.uid = uid;
	sb.gid = gid;
	return 0;
}

int sandbox_parse_runas(const char *user, GError **err)
{
	struct passwd *pw;
	int ret = runas_numeric(user, err);

	if (ret <= 0) {
		sb.has_runas = ret == 0;
		return ret;
	}
	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		error_setg(err, "-runas %s: no such user", user);
		return -1;
	}
	sb.uid = pw->pw_uid;
	sb.gid = pw->pw_gid;
	sb.has_runas = true;
	return 0;
}

int sandbox_parse_chroot(const char *dir, GError **err)
{
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		error_setg(err, "-chroot %s: not a directory", dir);
		return -1;
	}
	g_free(sb.chroot_dir);
	sb.chroot_dir = g_strdup(dir);
	return 0;
}

bool sandbox_enabled(void)
{
	return sb.enabled;
}

bool sandbox_spawn_allowed(void)
{
	return !sb.started || sb.groups.spawn;
}

const char *sandbox_chroot_dir(void)
{
	return sb.chroot_dir;
}

/* ---- forbidden calls ---- */

static void sandbox_write_str(const char *s)
{
	if (write(STDERR_FILENO, s, strlen(s)) < 0)
		return;
}

/* Runs on the offending thread; only write() and exit_group(). */
static void sandbox_sigsys(int sig, siginfo_t *info, void *uctx)
{
	char num[24], *p = num + sizeof(num);
	int nr = info->si_syscall;
	unsigned v = nr < 0 ? 0 : nr;
	const char *name = nr >= 0 && nr < SANDBOX_MAX_NR && syscall_names[nr] ?
			   syscall_names[nr] : "unknown";

	*--p = 0;
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	sandbox_write_str("kvmpc: sandbox: forbidden system call ");
	sandbox_write_str(p);
	sandbox_write_str(" (");
	sandbox_write_str(name);
	sandbox_write_str(") in thread ");
	sandbox_write_str(thread_role >= 0 ? role_names[thread_role] : "other");
	sandbox_write_str("\n");
	_exit(SANDBOX_EXIT_STATUS);
}

static int sandbox_install_sigsys(GError **err)
{
	struct sigaction sa = { .sa_sigaction = sandbox_sigsys, .sa_flags = SA_SIGINFO };
	sigset_t set;

	for (int nr = 0; nr < SANDBOX_MAX_NR; nr++)
		syscall_names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	if (sigaction(SIGSYS, &sa, NULL) < 0 || pthread_sigmask(SIG_UNBLOCK, &set, NULL)) {
		error_setg(err, "sandbox: cannot install the SIGSYS handler: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void sandbox_selftest(enum sandbox_role role)
{
	char *const argv[] = { "/bin/true", NULL };
	char *const envp[] = { NULL };

	if (sb.selftest != (int)role)
		return;
	sb.selftest = -1;
	fprintf(stderr, "kvmpc: sandbox self-test: calling execve from thread %s\n",
		role_names[role]);
	execve(argv[0], argv, envp);
}

static int sandbox_parse_selftest(GError **err)
{
	const char *t = getenv("KVMPC_SANDBOX_SELFTEST");

	if (!t || !*t)
		return 0;
	for (int r = 0; r < SANDBOX_NR_ROLES; r++)
		if (!strcmp(t, role_names[r]))
			sb.selftest = r;
	if (sb.selftest < 0) {
		error_setg(err, "KVMPC_SANDBOX_SELFTEST=%s: expected main, vcpu or block", t);
		return -1;
	}
	return 0;
}

/* ---- start ---- */

static int sandbox_drop_privileges(GError **err)
{
	if (sb.chroot_dir && (chroot(sb.chroot_dir) < 0 || chdir("/") < 0)) {
		error_setg(err, "-chroot %s: %s", sb.chroot_dir, strerror(errno));
		return -1;
	}
	if (!sb.has_runas)
		return 0;
	if (setgroups(1, &sb.gid) < 0 || setgid(sb.gid) < 0 || setuid(sb.uid) < 0) {
		error_setg(err, "-runas: cannot switch to uid %u gid %u: %s", (unsigned)sb.uid,
			   (unsigned)sb.gid, strerror(errno));
		return -1;
	}
	if (sb.uid != 0 && setuid(0) == 0) {
		error_setg(err, "-runas: could regain root after dropping it");
		return -1;
	}
	return 0;
}

int sandbox_start(GError **err)
{
	int ret;

	if (sandbox_parse_selftest(err) < 0)
		return -1;
	if (sb.has_runas && sandbox_spawn_prepare(sb.uid, sb.gid, err) < 0)
		return -1;
	if (sandbox_drop_privileges(err) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		error_setg(err, "sandbox: PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	if (!sb.enabled) {
		sandbox_selftest(SANDBOX_ROLE_MAIN);
		return 0;
	}
	if (sandbox_spawn_helpers(err) < 0 || sandbox_install_sigsys(err) < 0)
		return -1;
	ret = sandbox_load_filter(SANDBOX_ROLE_MAIN, &sb.groups, true);
	if (ret < 0) {
		error_setg(err, "sandbox: cannot load the seccomp filter: %s "
			   "(a kernel without seccomp? -sandbox off runs without it)",
			   strerror(-ret));
		return -1;
	}
	sb.started = true;
	thread_role = SANDBOX_ROLE_MAIN;
	sandbox_selftest(SANDBOX_ROLE_MAIN);
	return 0;
}

void sandbox_thread_enter(enum sandbox_role role)
{
	int ret;

	if (thread_role == (int)role)
		return;
	if (!sb.started) {
		if (!sb.enabled)
			sandbox_selftest(role);
		return;
	}
	/* A thread keeps its creator's filter when this fails: still confined. */
	ret = sandbox_load_filter(role, &sb.groups, false);
	if (ret < 0)
		warn_report("sandbox: cannot narrow the filter of a %s thread: %s",
			    role_names[role], strerror(-ret));
	thread_role = role;
	sandbox_selftest(role);
}
