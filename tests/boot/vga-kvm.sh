#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The std-vga LFB under KVM, where guest writes to VRAM never exit to the
# VMM: the vgalfb payload sets a VBE 320x200x32 mode through DISPI and
# paints; a first screendump is taken, then the payload paints a box and a
# pixel, and the second screendump must show them (KVM's dirty log, or
# the row compare without one).  Both dumps must equal QEMU's for the
# same payload in the same run.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
G=tests/guest
need_kvm
need_tools socat convert
# the payload is not in GUEST_PAYLOADS yet: build it on demand
[ -f $G/vgalfb.elf ] || make -s $G/vgalfb.elf >/dev/null 2>&1
if [ ! -f $G/vgalfb.elf ]; then
	echo "1..1"
	echo "not ok 1 - $G/vgalfb.elf missing (make $G/vgalfb.elf)"
	exit 1
fi
# start NAME BINARY [ARGS]: serial through fifos $T/NAME.in/.out, log $T/NAME.log
start() {
	name=$1
	bin=$2
	shift 2
	mkfifo "$T/$name.in" "$T/$name.out"
	$bin -m 128 -nodefaults -vga std -display none "$@" -kernel $G/vgalfb.elf \
		-serial pipe:"$T/$name" -qmp unix:"$T/$name.sock",server=on,wait=off \
		-device isa-debug-exit,iobase=0xf4,iosize=4 >"$T/$name.err" 2>&1 &
	track $!
	eval "${name}pid=\$!"
	cat "$T/$name.out" >"$T/$name.log" &
	bg_pids="$bg_pids $!"
}

# dump NAME VM: screendump of VM (k or q) to $T/NAME.ppm; QMP's reply in
# $T/NAME.qmp.  A screendump redraws from guest memory first, so it shows
# whatever the payload painted before it said "ready".
dump() {
	qmp "$T/$2.sock" "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/$1.ppm\"}}"
	cp "$T/qmp.out" "$T/$1.qmp"
}

pixel() {
	convert "$T/$1.ppm" -format "%[pixel:p{$2,$3}]" info: 2>/dev/null
}

start k "$KVMPC"
exec 4<>"$T/k.in" # read-write: opening never blocks
have_qemu=
if command -v "$QEMU" >/dev/null 2>&1; then
	start q "$QEMU" -enable-kvm
	exec 5<>"$T/q.in"
	have_qemu=1
fi

pid=$kpid
wait_for "$T/k.log" "vgalfb: ready1"
check "payload found the LFB and painted" "grep -aq 'vgalfb: ready1' $T/k.log" "$T/k.log"
dump k1 k
check "first screendump is 320x200" "head -c 15 $T/k1.ppm | grep -aq '^320 200'" "$T/k1.qmp"
check "pattern pixel (10,20)" "[ \"\$(pixel k1 10 20)\" = 'srgb(100,30,50)' ]" "$T/k1.qmp"
printf g >&4
wait_for "$T/k.log" "vgalfb: ready2"
dump k2 k
check "the box painted later shows" "[ \"\$(pixel k2 50 40)\" = 'srgb(255,128,0)' ]" "$T/k2.qmp"
check "the lone pixel painted later shows" "[ \"\$(pixel k2 300 190)\" = 'srgb(255,255,255)' ]" "$T/k2.qmp"
check "untouched pixels stay" "[ \"\$(pixel k2 10 20)\" = 'srgb(100,30,50)' ]" "$T/k2.qmp"

if [ -n "$have_qemu" ]; then
	pid=$qpid
	wait_for "$T/q.log" "vgalfb: ready1"
	dump q1 q
	printf g >&5
	wait_for "$T/q.log" "vgalfb: ready2"
	dump q2 q
	check "first screen identical to QEMU's" "cmp -s $T/k1.ppm $T/q1.ppm" "$T/q1.qmp"
	check "second screen identical to QEMU's" "cmp -s $T/k2.ppm $T/q2.ppm" "$T/q2.qmp"
else
	n=$((n + 1))
	echo "ok $n # SKIP $QEMU not installed"
fi
check "kvmpc still running" "alive $kpid" "$T/k.err"
done_testing
