#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The command line libvirt's capability probe starts the emulator with
# (-S -no-user-config -nodefaults -nographic -machine none,accel=kvm:tcg
# -qmp unix:...,server=on,wait=off -pidfile ... -daemonize), run against
# kvmpc and QEMU 7.2 with the same checks: the starting process exits 0
# only once the QMP socket listens, the PID file names the live daemon,
# the empty machine is in prelaunch with KVM enabled and no CPU and no PCI
# bus, and quit ends it and removes the PID file.  Then the errors a tool
# sees: an uncreatable PID file, -nographic with -daemonize, and a monitor
# that cannot listen (the parent exits 1).
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "the probe asks for accel=kvm"
need_tools socat

probe() { # EMU TAG
	_e=$1 _t=$2
	rm -f "$T/$_t.sock" "$T/$_t.pid"
	"$_e" -S -no-user-config -nodefaults -nographic -machine none,accel=kvm:tcg \
		-qmp unix:"$T/$_t.sock",server=on,wait=off -pidfile "$T/$_t.pid" -daemonize \
		>"$T/$_t.out" 2>&1
	check "$_t: the starting process exits 0" '[ $? = 0 ]' "$T/$_t.out"
	check "$_t: the QMP socket listens when it has exited" 'test -S "$T/$_t.sock"'
	_p=$(cat "$T/$_t.pid" 2>/dev/null)
	check "$_t: the PID file names the running daemon ($_p)" \
		'[ -n "$_p" ] && alive "$_p" && grep -aq "$(basename "$_e")" /proc/$_p/cmdline'
	[ -n "$_p" ] && bg_pids="$bg_pids $_p"
	qmp "$T/$_t.sock" '{"execute": "query-status"}' '{"execute": "query-kvm"}' \
		'{"execute": "query-cpus-fast"}' '{"execute": "query-pci"}' \
		'{"execute": "quit"}'
	cp "$T/qmp.out" "$T/$_t.qmp"
	check "$_t: prelaunch" 'has "$T/$_t.qmp" "\"status\": \"prelaunch\""' "$T/$_t.qmp"
	check "$_t: KVM present and enabled" \
		'has "$T/$_t.qmp" "{\"return\": {\"enabled\": true, \"present\": true}}"' "$T/$_t.qmp"
	check "$_t: no CPU, no PCI bus" '[ "$(grep -c "^{\"return\": \[\]}" "$T/$_t.qmp")" = 2 ]' \
		"$T/$_t.qmp"
	wait_until "$_t daemon $_p to exit" eval "! alive $_p"
	check "$_t: quit ends the daemon and removes the PID file" '! alive "$_p" && ! test -e "$T/$_t.pid"'
}

errors() { # EMU TAG
	_e=$1 _t=$2
	"$_e" -machine none -display none -pidfile /nonexistent/dir/x.pid >"$T/$_t.e1" 2>&1
	check "$_t: uncreatable PID file: exit 1" '[ $? = 1 ] && has "$T/$_t.e1" \
		"cannot create PID file: Could not create '"'"'/nonexistent/dir/x.pid'"'"': No such file"' \
		"$T/$_t.e1"
	"$_e" -machine none -nographic -daemonize >"$T/$_t.e2" 2>&1
	check "$_t: -nographic with -daemonize refused" '[ $? = 1 ] && has "$T/$_t.e2" \
		"-nographic cannot be used with -daemonize"' "$T/$_t.e2"
	"$_e" -machine none -display none -daemonize \
		-qmp unix:/nonexistent/dir/q.sock,server=on,wait=off >"$T/$_t.e3" 2>&1
	check "$_t: a monitor that cannot listen: the parent exits 1, says why" '[ $? = 1 ] &&
		has_re "$T/$_t.e3" "/nonexistent/dir/q.sock.*: No such file or directory"' "$T/$_t.e3"
}

probe "$KVMPC" kvmpc
errors "$KVMPC" kvmpc
if command -v "$QEMU" >/dev/null; then
	probe "$QEMU" qemu
	errors "$QEMU" qemu
else
	skip "$QEMU not installed: no reference run"
fi
done_testing
