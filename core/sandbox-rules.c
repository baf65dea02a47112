// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The seccomp allow-lists, one per thread role, built with libseccomp (the
 * maintained library for writing filters by system call name, portable
 * across architectures and kernel versions).  Anything not listed traps
 * (SIGSYS, logged by core/sandbox.c); a call from another architecture
 * (int 0x80, x32) kills the process.
 *
 * Roles nest, main >= vcpu >= block, because a thread inherits its
 * creator's filter: vCPU threads are created by the main thread, block
 * workers by whichever thread first queues a request (main or a vCPU).
 *  - block: memory, futexes, time, read/write/sync on fds already open.
 *  - vcpu: + KVM ioctls, creating threads, and the socket calls slirp makes
 *    when a guest packet reaches it without an ioeventfd (NAT connects).
 *  - main: + opening files (screendump, media change, snapshot=on temp
 *    files), accepting and making connections, polling, the display.
 * Opening a file outside the main loop fails with EACCES instead of
 * trapping.  -sandbox groups add: obsolete (main), elevateprivileges set*id
 * (main), spawn fork/vfork/execve/process clone (main), resourcecontrol
 * scheduler changes (all roles; denied ones fail with EPERM as in QEMU).
 * clone3 always fails with ENOSYS so that glibc falls back to clone, whose
 * flags a filter can see (threads need CLONE_THREAD).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <seccomp.h>
#include "core/sandbox.h"

#define RB (1u << SANDBOX_ROLE_BLOCK)
#define RV (1u << SANDBOX_ROLE_VCPU)
#define RM (1u << SANDBOX_ROLE_MAIN)
#define R_ALL (RB | RV | RM)
#define R_VM (RV | RM)

struct sandbox_rule {
	const char *name;
	unsigned roles;
};

static const struct sandbox_rule sandbox_rules[] = {
	/* every thread: memory, locks, signals, time, identity, exit */
	{ "brk", R_ALL }, { "mmap", R_ALL }, { "munmap", R_ALL }, { "mprotect", R_ALL },
	{ "madvise", R_ALL }, { "mremap", R_ALL }, { "futex", R_ALL }, { "membarrier", R_ALL },
	{ "set_robust_list", R_ALL }, { "get_robust_list", R_ALL }, { "rseq", R_ALL },
	{ "rt_sigreturn", R_ALL }, { "rt_sigprocmask", R_ALL }, { "sigaltstack", R_ALL },
	{ "exit", R_ALL }, { "exit_group", R_ALL }, { "restart_syscall", R_ALL },
	{ "clock_gettime", R_ALL }, { "clock_getres", R_ALL }, { "gettimeofday", R_ALL },
	{ "time", R_ALL }, { "nanosleep", R_ALL }, { "clock_nanosleep", R_ALL },
	{ "sched_yield", R_ALL }, { "sched_getaffinity", R_ALL }, { "sched_getattr", R_ALL },
	{ "sched_getparam", R_ALL }, { "sched_getscheduler", R_ALL },
	{ "getpid", R_ALL }, { "gettid", R_ALL }, { "getuid", R_ALL }, { "geteuid", R_ALL },
	{ "getgid", R_ALL }, { "getegid", R_ALL }, { "getrandom", R_ALL }, { "uname", R_ALL },
	{ "sysinfo", R_ALL }, { "getrusage", R_ALL }, { "getpriority", R_ALL },
	{ "seccomp", R_ALL }, /* loading a filter only ever narrows */
	/* every thread: I/O on descriptors it was handed */
	{ "read", R_ALL }, { "readv", R_ALL }, { "pread64", R_ALL }, { "preadv", R_ALL },
	{ "preadv2", R_ALL }, { "write", R_ALL }, { "writev", R_ALL }, { "pwrite64", R_ALL },
	{ "pwritev", R_ALL }, { "pwritev2", R_ALL }, { "lseek", R_ALL }, { "close", R_ALL },
	{ "fsync", R_ALL }, { "fdatasync", R_ALL }, { "fallocate", R_ALL },
	{ "ftruncate", R_ALL }, { "fstat", R_ALL }, { "newfstatat", R_ALL }, { "statx", R_ALL },
	{ "fcntl", R_ALL }, { "flock", R_ALL }, { "poll", R_ALL }, { "ppoll", R_ALL },
	/* vCPU threads: creating threads (checked below), slirp from a vCPU */
	{ "sched_setattr", R_VM }, { "socket", R_VM }, { "connect", R_VM },
	{ "setsockopt", R_VM }, { "getsockopt", R_VM }, { "getsockname", R_VM },
	{ "getpeername", R_VM }, { "sendto", R_VM }, { "sendmsg", R_VM }, { "sendmmsg", R_VM },
	{ "recvfrom", R_VM }, { "recvmsg", R_VM }, { "recvmmsg", R_VM }, { "shutdown", R_VM },
	{ "eventfd2", R_VM }, /* harmless; a lazily made wakeup fd must not kill */
	/* the main loop: files, sockets, polling, the display, child watches */
	{ "open", RM }, { "openat", RM }, { "creat", RM }, { "unlink", RM }, { "unlinkat", RM },
	{ "mkdir", RM }, { "mkdirat", RM }, { "rmdir", RM }, { "rename", RM },
	{ "renameat", RM }, { "renameat2", RM }, { "stat", RM }, { "lstat", RM },
	{ "statfs", RM }, { "fstatfs", RM }, { "access", RM }, { "faccessat", RM },
	{ "faccessat2", RM }, { "readlink", RM }, { "readlinkat", RM }, { "getdents64", RM },
	{ "getcwd", RM }, { "umask", RM }, { "fchmod", RM }, { "utimensat", RM },
	{ "dup", RM }, { "dup2", RM }, { "dup3", RM }, { "pipe", RM }, { "pipe2", RM },
	{ "eventfd2", RM }, { "memfd_create", RM }, { "select", RM }, { "pselect6", RM },
	{ "epoll_create1", RM }, { "epoll_ctl", RM }, { "epoll_wait", RM },
	{ "epoll_pwait", RM }, { "timerfd_create", RM }, { "timerfd_settime", RM },
	{ "timerfd_gettime", RM }, { "signalfd4", RM }, { "inotify_init1", RM },
	{ "inotify_add_watch", RM }, { "inotify_rm_watch", RM },
	{ "socketpair", RM }, { "bind", RM }, { "listen", RM }, { "accept", RM },
	{ "accept4", RM }, { "shmget", RM }, { "shmat", RM }, { "shmdt", RM }, { "shmctl", RM },
	{ "wait4", RM }, { "waitid", RM }, { "getppid", RM }, { "getresuid", RM },
	{ "getresgid", RM }, { "getgroups", RM }, { "getpgrp", RM }, { "getsid", RM },
	{ "mincore", RM }, { "mlock", RM }, { "munlock", RM }, { "rt_sigtimedwait", RM },
	{ "rt_sigpending", RM }, { "rt_sigsuspend", RM }, { "sched_getaffinity", RM },
};

static const char *const obsolete_calls[] = {
	"readdir", "_sysctl", "bdflush", "create_module", "get_kernel_syms", "query_module",
	"sgetmask", "ssetmask", "sysfs", "uselib", "ustat", "vserver",
};
static const char *const elevate_calls[] = {
	"setuid", "setgid", "setpgid", "setsid", "setreuid", "setregid", "setresuid",
	"setresgid", "setfsuid", "setfsgid", "setgroups",
};
/* + what glib's spawn does between fork and exec, and what a freshly exec'd
 * program needs before main(), since it keeps the filter */
static const char *const spawn_calls[] = {
	"fork", "vfork", "execve", "execveat", "arch_prctl", "set_tid_address", "close_range",
	/* what shell pipelines (sh -c 'cat > f', gzip, dd) use beyond the main loop */
	"fadvise64", "sendfile", "copy_file_range", "splice", "tee", "chdir", "fchdir",
	"getpgid", "alarm", "setitimer", "getitimer", "pause", "times", "sync", "syncfs",
	"truncate", "chmod", "fchmodat", "chown", "fchown", "fchownat", "lchown", "link",
	"linkat", "symlink", "symlinkat", "getrlimit", "sched_getaffinity",
};
static const char *const resource_calls[] = {
	"setpriority", "sched_setparam", "sched_setscheduler", "sched_setaffinity",
};

/* Add NAME with ACTION and up to one argument comparison; unknown names skip. */
static int sb_add(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n,
		  struct scmp_arg_cmp cmp)
{
	int nr = seccomp_syscall_resolve_name(name);
	int ret;

	if (nr == __NR_SCMP_ERROR)
		return 0;
	ret = seccomp_rule_add(ctx, action, nr, n, cmp);
	return ret == -EEXIST ? 0 : ret;
}

static int sb_allow(scmp_filter_ctx ctx, const char *name)
{
	return sb_add(ctx, SCMP_ACT_ALLOW, name, 0, SCMP_A0(SCMP_CMP_EQ, 0));
}

static int sb_allow_list(scmp_filter_ctx ctx, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ret = sb_allow(ctx, names[i]);

		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * ioctl: any on the main loop; elsewhere by the request's type byte: KVM
 * (0xae) on vCPUs, block devices (0x12: BLKDISCARD from a synchronous IDE
 * request) and tty/tun ('T': isatty in stdio, FIONBIO) on both.
 */
static int sb_ioctl(scmp_filter_ctx ctx, enum sandbox_role role)
{
	static const unsigned types[] = { 0x12, 'T', 0xae };
	unsigned ntypes = role == SANDBOX_ROLE_VCPU ? 3 : 2;
	int ret = 0;

	if (role == SANDBOX_ROLE_MAIN)
		return sb_allow(ctx, "ioctl");
	for (unsigned i = 0; i < ntypes && ret >= 0; i++)
		ret = sb_add(ctx, SCMP_ACT_ALLOW, "ioctl", 1,
			     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xff00, types[i] << 8));
	return ret;
}

static int sb_prctl(scmp_filter_ctx ctx)
{
	static const int ops[] = {
		PR_SET_NAME, PR_GET_NAME, PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS,
		PR_GET_SECCOMP, PR_SET_SECCOMP, PR_GET_DUMPABLE,
	};
	int ret = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(ops) && ret >= 0; i++)
		ret = sb_add(ctx, SCMP_ACT_ALLOW, "prctl", 1, SCMP_A0(SCMP_CMP_EQ, ops[i]));
	return ret;
}

/* Rules with argument checks, and the calls that fail instead of trapping. */
static int sb_conditional(scmp_filter_ctx ctx, enum sandbox_role role,
			  const struct sandbox_groups *g)
{
	pid_t pid = getpid();
	int ret = 0;

	ret |= sb_add(ctx, SCMP_ACT_ALLOW, "rt_sigaction", 1, SCMP_A0(SCMP_CMP_NE, SIGSYS));
	ret |= sb_add(ctx, SCMP_ACT_ALLOW, "tgkill", 1, SCMP_A0(SCMP_CMP_EQ, pid));
	ret |= sb_add(ctx, SCMP_ACT_ALLOW, "prlimit64", 1, SCMP_A2(SCMP_CMP_EQ, 0));
	ret |= sb_add(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, SCMP_A0(SCMP_CMP_EQ, 0));
	ret |= sb_prctl(ctx) | sb_ioctl(ctx, role);
	if (role != SANDBOX_ROLE_MAIN) {
		ret |= sb_add(ctx, SCMP_ACT_ERRNO(EACCES), "open", 0, SCMP_A0(SCMP_CMP_EQ, 0));
		ret |= sb_add(ctx, SCMP_ACT_ERRNO(EACCES), "openat", 0, SCMP_A0(SCMP_CMP_EQ, 0));
	} else if (!g->spawn) {
		ret |= sb_add(ctx, SCMP_ACT_ALLOW, "kill", 1, SCMP_A0(SCMP_CMP_EQ, pid));
	}
	if (role == SANDBOX_ROLE_MAIN && g->spawn)
		ret |= sb_allow(ctx, "clone") | sb_allow(ctx, "kill");
	else if (role != SANDBOX_ROLE_BLOCK)
		ret |= sb_add(ctx, SCMP_ACT_ALLOW, "clone", 1,
			      SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	for (size_t i = 0; i < G_N_ELEMENTS(resource_calls); i++)
		ret |= sb_add(ctx, g->resource ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(EPERM),
			      resource_calls[i], 0, SCMP_A0(SCMP_CMP_EQ, 0));
	return ret < 0 ? -EINVAL : 0;
}

static int sb_groups(scmp_filter_ctx ctx, const struct sandbox_groups *g)
{
	int ret = 0;

	if (g->obsolete)
		ret = sb_allow_list(ctx, obsolete_calls, G_N_ELEMENTS(obsolete_calls));
	if (ret >= 0 && g->elevate)
		ret = sb_allow_list(ctx, elevate_calls, G_N_ELEMENTS(elevate_calls));
	if (ret >= 0 && g->spawn)
		ret = sb_allow_list(ctx, spawn_calls, G_N_ELEMENTS(spawn_calls));
	return ret;
}

int sandbox_load_filter(enum sandbox_role role, const struct sandbox_groups *g, bool tsync)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (ret >= 0 && tsync)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (size_t i = 0; i < G_N_ELEMENTS(sandbox_rules) && ret >= 0; i++)
		if (sandbox_rules[i].roles & (1u << role))
			ret = sb_allow(ctx, sandbox_rules[i].name);
	if (ret >= 0)
		ret = sb_conditional(ctx, role, g);
	if (ret >= 0 && role == SANDBOX_ROLE_MAIN)
		ret = sb_groups(ctx, g);
	if (ret >= 0)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	return ret < 0 ? ret : 0;
}
