#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad command lines: each gives exactly one line on stderr and exit status 1,
# before any guest runs.  Good informational options exit 0.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh

# bad DESC ARGS... : expect exit 1 and one stderr line
bad() {
	desc=$1; shift
	timeout 20 $KVMPC "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	lines=$(wc -l < "$T/err")
	if [ $rc -eq 1 ] && [ "$lines" -eq 1 ]; then
		ok "$desc: $(cat "$T/err")"
	else
		notok "$desc (exit $rc, $lines stderr lines)"
		sed 's/^/#   /' "$T/err" | head -5
	fi
}

good() {
	desc=$1; pat=$2; shift 2
	timeout 20 $KVMPC "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ $rc -eq 0 ] && grep -q "$pat" "$T/out"; then
		ok "$desc"
	else
		notok "$desc (exit $rc)"
		head -5 "$T/out" "$T/err" | sed 's/^/#   /'
	fi
}

bad "unknown option" -frobnicate
bad "missing argument" -m
bad "-m 0" -m 0
bad "-m 99T" -m 99T
bad "-m garbage" -m lots
bad "-smp 0" -smp 0
bad "-smp inconsistent" -smp 4,maxcpus=2
bad "missing BIOS" -bios /nonexistent/bios.bin
bad "bad chardev backend" -chardev frob,id=x
bad "serial to a missing chardev" -serial chardev:nothere
bad "unknown device" -device no-such-device
bad "unknown CPU model" -cpu pentium9
bad "unknown machine" -machine q35
bad "unknown -d item" -d everything
bad "-initrd without -kernel" -initrd /etc/hostname
bad "kernel that cannot be opened" -kernel /nonexistent/vmlinuz
bad "bad -boot letter" -boot order=z
bad "-display with no type (a key=value first)" -display x=y
bad "-accel with no accelerator (a key=value first)" -accel x=y
good "--help" "usage: kvmpc" --help
good "--version" "kvmpc version" --version
good "-device help lists isa-serial" 'name "isa-serial", bus ISA' -device help
good "-device help lists isa-debug-exit" 'name "isa-debug-exit", bus ISA' -device help
done_testing
