#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The options libvirt puts on every guest's command line, against kvmpc and
# QEMU 7.2: -uuid reaches query-uuid; -object secret, -audiodev none,
# -overcommit mem-lock=off and -msg timestamp=on are accepted; a -blockdev
# file node under a read-only raw node, named by -device ide-cd, is the CD
# query-block reports; and each option's bad values give QEMU's error text
# (the -msg timestamp prefix included) and exit 1.  -accel qtest for kvmpc
# and -accel tcg for QEMU: no guest code runs (-S).
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_tools socat

UUID=0499f26e-255c-4ae8-bc1d-1041a9220634
truncate -s 1M "$T/cd.iso"
run() { # TAG EMU ACCEL-OPTIONS
	rm -f "$T/$1.sock"
	# shellcheck disable=SC2086
	"$2" -machine pc $3 -S -display none -nodefaults -uuid $UUID \
		-object secret,id=sec0,data=abc,format=raw \
		-object '{"qom-type":"secret","id":"sec1","format":"base64","data":"YWJj"}' \
		-audiodev '{"id":"audio1","driver":"none"}' -overcommit mem-lock=off \
		-msg timestamp=on \
		-blockdev '{"driver":"file","filename":"'"$T/cd.iso"'","node-name":"st1","auto-read-only":true,"discard":"unmap"}' \
		-blockdev '{"node-name":"fmt1","read-only":true,"driver":"raw","file":"st1"}' \
		-device ide-cd,bus=ide.1,unit=0,drive=fmt1,id=ide0-1-0 \
		-qmp unix:"$T/$1.sock",server=on,wait=off >"$T/$1.err" 2>&1 &
	track $!
	qmp "$T/$1.sock" '{"execute": "query-uuid"}' '{"execute": "query-block"}' \
		'{"execute": "quit"}'
	check "$1: the options are accepted; query-uuid is -uuid's" \
		'has "$T/qmp.out" "{\"return\": {\"UUID\": \"$UUID\"}}"' "$T/$1.err"
	check "$1: the -blockdev chain is the CD, read-only" \
		'has_re "$T/qmp.out" "\"file\": \"$T/cd.iso\"" &&
		 has_re "$T/qmp.out" "\"ro\": true"' "$T/qmp.out"
	wait_exit
}

# bad VALUE -> the error line (after "PROGRAM: ")
errors() { # TAG EMU
	while IFS='|' read -r args want; do
		# shellcheck disable=SC2086
		"$2" -machine none -display none $args >"$T/e.out" 2>&1
		rc=$?
		check "$1: $args: exit 1, '$want'" '[ $rc = 1 ] && has "$T/e.out" "$want"' "$T/e.out"
	done <<EOF
-object foo,id=x|-object foo,id=x: Parameter 'qom-type' does not accept value 'foo'
-object secret,id=s|Either 'file' or 'data' must be provided
-object secret,id=s,file=/nonexistent/key|Unable to read /nonexistent/key: Failed to open file
-uuid xyz|-uuid xyz: failed to parse UUID string: wrong format
-audiodev pa2,id=a|-audiodev pa2,id=a: Parameter 'driver' does not accept value 'pa2'
-overcommit mem-lock=maybe|-overcommit mem-lock=maybe: Parameter 'mem-lock' expects 'on' or 'off'
-msg timestamp=x|-msg timestamp=x: Parameter 'timestamp' expects 'on' or 'off'
EOF
	"$2" -msg timestamp=on -machine none -display none -pidfile /nonexistent/x >"$T/e.out" 2>&1
	check "$1: -msg timestamp=on: errors start with the UTC time" \
		'has_re "$T/e.out" "^20[0-9-]{8}T[0-9:]{8}\.[0-9]{6}Z [a-z0-9_-]+: cannot create PID file"' \
		"$T/e.out"
}

run kvmpc "$KVMPC" "-accel qtest -qtest unix:$T/qt.sock,server=on,wait=off"
errors kvmpc "$KVMPC"
if command -v "$QEMU" >/dev/null; then
	run qemu "$QEMU" "-accel tcg"
	errors qemu "$QEMU"
else
	skip "$QEMU not installed: no reference run"
fi
done_testing
