#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The std-vga LFB under KVM, where guest writes to VRAM never exit to the
# VMM: the vgalfb payload sets a VBE 320x200x32 mode through DISPI and
# paints; a first screendump is taken, then the payload paints a box and a
# pixel, and the second screendump must show them (KVM's dirty log, or
# the row compare without one).  Both dumps must equal QEMU's for the
# same payload in the same run.
cd "$(dirname "$0")/../.." || exit 1
KVMPC=${KVMPC:-./kvmpc}
QEMU=${QEMU:-qemu-system-x86_64}
G=tests/guest
if [ ! -c /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo "1..0 # SKIP no /dev/kvm"
	exit 0
fi
for tool in socat convert; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done
# the payload is not in GUEST_PAYLOADS yet: build it on demand
[ -f $G/vgalfb.elf ] || make -s $G/vgalfb.elf >/dev/null 2>&1
if [ ! -f $G/vgalfb.elf ]; then
	echo "1..1"
	echo "not ok 1 - $G/vgalfb.elf missing (make $G/vgalfb.elf)"
	exit 1
fi
T=$(mktemp -d)
kpid=
qpid=
trap 'kill $kpid $qpid 2>/dev/null; rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; [ -f "$2" ] && tail -n 15 "$2" | sed 's/^/#   /'; }
check() { if eval "$2"; then ok "$1"; else notok "$1" "$3"; fi; }

wait_for() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		grep -aq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# start NAME BINARY [ARGS]: serial through fifos $T/NAME.in/.out, log $T/NAME.log
start() {
	name=$1
	bin=$2
	shift 2
	mkfifo "$T/$name.in" "$T/$name.out"
	$bin -m 128 -nodefaults -vga std -display none "$@" -kernel $G/vgalfb.elf \
		-serial pipe:"$T/$name" -qmp unix:"$T/$name.sock",server=on,wait=off \
		-device isa-debug-exit,iobase=0xf4,iosize=4 >"$T/$name.err" 2>&1 &
	eval "${name}pid=\$!"
	cat "$T/$name.out" >"$T/$name.log" &
}

dump() {
	printf '%s\n%s\n' '{"execute": "qmp_capabilities"}' \
		"{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/$1.ppm\"}}" |
		socat -t 5 - UNIX-CONNECT:"$T/$2.sock" >"$T/$1.qmp" 2>&1
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

wait_for "$T/k.log" "vgalfb: ready1" 120
check "payload found the LFB and painted" "grep -aq 'vgalfb: ready1' $T/k.log" "$T/k.log"
sleep 0.5
dump k1 k
check "first screendump is 320x200" "head -c 15 $T/k1.ppm | grep -aq '^320 200'" "$T/k1.qmp"
check "pattern pixel (10,20)" "[ \"\$(pixel k1 10 20)\" = 'srgb(100,30,50)' ]" "$T/k1.qmp"
printf g >&4
wait_for "$T/k.log" "vgalfb: ready2" 60
sleep 0.5
dump k2 k
check "the box painted later shows" "[ \"\$(pixel k2 50 40)\" = 'srgb(255,128,0)' ]" "$T/k2.qmp"
check "the lone pixel painted later shows" "[ \"\$(pixel k2 300 190)\" = 'srgb(255,255,255)' ]" "$T/k2.qmp"
check "untouched pixels stay" "[ \"\$(pixel k2 10 20)\" = 'srgb(100,30,50)' ]" "$T/k2.qmp"

if [ -n "$have_qemu" ]; then
	wait_for "$T/q.log" "vgalfb: ready1" 120
	sleep 0.5
	dump q1 q
	printf g >&5
	wait_for "$T/q.log" "vgalfb: ready2" 60
	sleep 0.5
	dump q2 q
	check "first screen identical to QEMU's" "cmp -s $T/k1.ppm $T/q1.ppm" "$T/q1.qmp"
	check "second screen identical to QEMU's" "cmp -s $T/k2.ppm $T/q2.ppm" "$T/q2.qmp"
else
	n=$((n + 1))
	echo "ok $n # SKIP $QEMU not installed"
fi
check "kvmpc still running" "kill -0 $kpid 2>/dev/null" "$T/k.err"
echo "1..$n"
