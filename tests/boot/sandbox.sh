#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The sandbox (core/sandbox.c), seen from outside: by default every thread
# runs under a seccomp filter with no new privileges (/proc/PID/status); a
# forbidden system call (execve, made on purpose through the test hook
# KVMPC_SANDBOX_SELFTEST=main|block|vcpu) ends kvmpc with exit status 159
# and the line "kvmpc: sandbox: forbidden system call 59 (execve) in thread
# ROLE", while with -sandbox off, or spawn=allow, the same call goes through
# (kvmpc becomes /bin/true: status 0); bad -sandbox/-runas/-chroot values
# are one-line errors; -runas and -chroot take effect (as root); a guestfwd
# cmd: runs from the helper for every connection.  The machines run under
# -accel qtest; the vCPU case needs /dev/kvm and is skipped loudly without.
# Prints TAP.

cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
if grep -q __asan_init "${KVMPC:-./kvmpc}" 2>/dev/null; then
	echo "1..0 # SKIP an ASan build starts with the sandbox off (core/sandbox.c)"
	exit 0
fi

# start NAME ARGS...: kvmpc under qtest in the background, pid in $pid,
# back once its qtest socket is there (or it ended)
start() {
	name=$1; shift
	$KVMPC -accel qtest -qtest "unix:$T/$name.qt,server=on,wait=off" -display none \
		-nodefaults "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null &
	track $!
	wait_until "$name's qtest socket" test -S "$T/$name.qt"
}

# status PID FIELD: a field of /proc/PID/status
status() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null; }

# every_thread PID FIELD VALUE: true when all threads of PID show VALUE
every_thread() {
	for t in /proc/$1/task/*; do
		[ "$(awk -v f="$2:" '$1 == f { print $2 }' "$t/status")" = "$3" ] || return 1
	done
}

# qtest NAME LINES: send qtest commands to machine NAME
qtest() { printf "$2" | timeout "$WAIT_SECS" socat -t 5 - "UNIX-CONNECT:$T/$1.qt" >/dev/null 2>&1; }

# 1. on by default, on every thread
start def
check "kvmpc is running under qtest" "alive $pid" "$T/def.err"
check "default: seccomp filter mode (Seccomp: 2)" '[ "$(status $pid Seccomp)" = 2 ]' "$T/def.err"
check "default: every thread is filtered" "every_thread $pid Seccomp 2"
check "default: no new privileges" '[ "$(status $pid NoNewPrivs)" = 1 ]'
stop
start off -sandbox off
check "-sandbox off: no filter, still no new privileges" \
	'[ "$(status $pid Seccomp)" = 0 ] && [ "$(status $pid NoNewPrivs)" = 1 ]' "$T/off.err"
stop

# 2. a forbidden call kills, with the line; without the sandbox it goes through
# selftest ROLE NAME ARGS...: run until exit, status in $rc
selftest() {
	role=$1; shift
	KVMPC_SANDBOX_SELFTEST=$role start "$@"
	[ "$role" = block ] && qtest "$1" 'outb 0x1f6 0xa0\noutb 0x1f7 0xe7\n'
	wait_exit
}
LINE="kvmpc: sandbox: forbidden system call 59 (execve) in thread"
selftest main m1
check "execve on the main loop: exit status 159 (got $rc)" '[ $rc -eq 159 ]' "$T/m1.err"
check "and the line '$LINE main'" "grep -qx '$LINE main' $T/m1.err" "$T/m1.err"
selftest main m2 -sandbox off
check "-sandbox off: the same execve runs /bin/true (status $rc)" \
	'[ $rc -eq 0 ] && ! grep -q forbidden $T/m2.err' "$T/m2.err"
selftest main m3 -sandbox on,spawn=allow
check "-sandbox on,spawn=allow: the execve is allowed (status $rc)" \
	'[ $rc -eq 0 ] && ! grep -q forbidden $T/m3.err' "$T/m3.err"
selftest main m4 -sandbox on,spawn=deny,obsolete=allow,elevateprivileges=children
check "spawn=deny with the other groups allowed: still killed (status $rc)" \
	"[ $rc -eq 159 ] && grep -qx '$LINE main' $T/m4.err" "$T/m4.err"
truncate -s 1M "$T/disk.img"
selftest block b1 -drive "file=$T/disk.img,format=raw,if=ide"
check "execve from a block worker (IDE FLUSH CACHE): status 159 (got $rc)" \
	"[ $rc -eq 159 ] && grep -qx '$LINE block' $T/b1.err" "$T/b1.err"
selftest block b2 -sandbox off -drive "file=$T/disk.img,format=raw,if=ide"
check "-sandbox off: the block worker's execve goes through (status $rc)" \
	'[ $rc -eq 0 ] && ! grep -q forbidden $T/b2.err' "$T/b2.err"
if [ -c /dev/kvm ] && [ -w /dev/kvm ]; then
	KVMPC_SANDBOX_SELFTEST=vcpu timeout "$WAIT_SECS" $KVMPC -display none -nodefaults \
		>/dev/null 2>"$T/v1.err" </dev/null
	rc=$?
	check "execve from a vCPU thread: status 159 (got $rc)" \
		"[ $rc -eq 159 ] && grep -qx '$LINE vcpu' $T/v1.err" "$T/v1.err"
else
	skip "execve from a vCPU thread: no usable /dev/kvm"
fi

# 3. bad values: one line, status 1
bad() {
	desc=$1; pat=$2; shift 2
	timeout "$WAIT_SECS" $KVMPC "$@" >/dev/null 2>"$T/bad.err" </dev/null
	rc=$?
	check "$desc: status 1, one line naming it (status $rc)" \
		"[ $rc -eq 1 ] && [ \$(wc -l <$T/bad.err) -eq 1 ] && grep -q -- '$pat' $T/bad.err" \
		"$T/bad.err"
}
bad "-sandbox maybe" "-sandbox" -sandbox maybe
bad "-sandbox on,spawn=perhaps" "spawn" -sandbox on,spawn=perhaps
bad "-sandbox on,resourcecontrol=children" "resourcecontrol" -sandbox on,resourcecontrol=children
bad "-sandbox on,frobnicate=deny" "frobnicate" -sandbox on,frobnicate=deny
bad "-runas with an unknown user" "no such user" -runas no-such-user-kvmpc
bad "-chroot to a missing directory" "not a directory" -chroot "$T/missing"

# 4. -runas and -chroot (root only)
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir "$T/root"
	start ru -runas nobody -chroot "$T/root"
	check "-runas nobody: kvmpc runs as nobody's uid" \
		'[ "$(status $pid Uid)" = "$(id -u nobody)" ]' "$T/ru.err"
	check "-chroot DIR: kvmpc's root is DIR" \
		'[ "$(readlink /proc/$pid/root)" = "$T/root" ]' "$T/ru.err"
	stop
else
	skip "-runas/-chroot: needs root and user nobody"
fi

# 5. guestfwd cmd: runs from the helper, once per connection
if command -v socat >/dev/null 2>&1; then
	TMPDIR=$T start gf -nic "user,model=virtio-net-pci,guestfwd=tcp:10.0.2.100:80-cmd:sh -c 'echo hello-\$\$'"
	helper_sock() { sock=$(ls "$T"/kvmpc-guestfwd-*/s 2>/dev/null | head -1); [ -S "$sock" ]; }
	wait_until "the guestfwd helper's socket" helper_sock
	a=$(timeout "$WAIT_SECS" socat -u "UNIX-CONNECT:$sock" - 2>/dev/null)
	b=$(timeout "$WAIT_SECS" socat -u "UNIX-CONNECT:$sock" - 2>/dev/null)
	check "guestfwd cmd: a command per connection ('$a', '$b')" \
		'case "$a" in hello-*) [ "$a" != "$b" ] && [ -n "$b" ];; *) false;; esac' "$T/gf.err"
	stop
	helper_gone() { ! ls -d "$T"/kvmpc-guestfwd-* >/dev/null 2>&1; }
	wait_until "the guestfwd helper to remove its directory" helper_gone
	check "and the helper removes its socket when kvmpc ends" \
		'! ls -d "$T"/kvmpc-guestfwd-* >/dev/null 2>&1'
else
	skip "guestfwd helper: socat missing"
fi
done_testing
