#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real SeaBIOS and its VGA BIOS (vgabios-stdvga.bin from the std-vga ROM BAR)
# under KVM with -vga std: the VGA BIOS runs, sets text mode 3, and the
# screen as taken by QMP "screendump" shows SeaBIOS' banner and "No bootable
# device." pixel-identical to QEMU's screen in the same run (the rows in
# between depend on the boot order, the cursor row on blink timing).
cd "$(dirname "$0")/../.." || exit 1
KVMPC=${KVMPC:-./kvmpc}
QEMU=${QEMU:-qemu-system-x86_64}
if [ ! -c /dev/kvm ]; then
	echo "1..0 # SKIP no /dev/kvm: SeaBIOS boot tests need KVM"
	exit 0
fi
for tool in socat convert; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done
T=$(mktemp -d)
trap 'kill $kpid $qpid 2>/dev/null; rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; [ -f "$2" ] && tail -n 15 "$2" | sed 's/^/#   /'; }
check() { if eval "$2"; then ok "$1"; else notok "$1" "$3"; fi; }

# wait_for FILE PATTERN SECONDS
wait_for() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		grep -aq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# start NAME BINARY [ARGS]: boot in the background, debug log in $T/NAME.log
start() {
	name=$1
	bin=$2
	shift 2
	$bin -m 128 -nodefaults -vga std -display none "$@" \
		-qmp unix:"$T/$name.sock",server=on,wait=off \
		-chardev file,id=dbg,path="$T/$name.log" \
		-device isa-debugcon,iobase=0x402,chardev=dbg >"$T/$name.out" 2>&1 &
}

# dump NAME: screendump to $T/NAME.ppm through QMP
dump() {
	printf '%s\n%s\n' '{"execute": "qmp_capabilities"}' \
		"{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/$1.ppm\"}}" |
		socat -t 5 - UNIX-CONNECT:"$T/$1.sock" >"$T/$1.qmp" 2>&1
}

# same_rows ROW: text row ROW (16 pixels high) identical on both screens
same_rows() {
	convert "$T/k.ppm" -crop 720x16+0+$(($1 * 16)) +repage "$T/k$1.ppm" &&
		convert "$T/q.ppm" -crop 720x16+0+$(($1 * 16)) +repage "$T/q$1.ppm" &&
		cmp -s "$T/k$1.ppm" "$T/q$1.ppm"
}

start k "$KVMPC"
kpid=$!
qpid=
if command -v "$QEMU" >/dev/null 2>&1; then
	start q "$QEMU" -enable-kvm
	qpid=$!
fi

wait_for "$T/k.log" "No bootable device" 120
check "SeaBIOS reached No bootable device" "grep -aq 'No bootable device' $T/k.log" "$T/k.log"
check "VGA BIOS ran from the ROM BAR of 00:02.0" \
	"grep -aq 'Running option rom at c000:0003' $T/k.log" "$T/k.log"
check "VGA BIOS found DISPI" "grep -aq 'VBE DISPI: bdf 00:02.0' $T/k.log" "$T/k.log"
check "text mode console on" "grep -aq 'Turning on vga text mode console' $T/k.log" "$T/k.log"
sleep 1
dump k
check "screendump over QMP" "[ -s $T/k.ppm ]" "$T/k.qmp"
check "mode 3 screen is 720x400" "head -c 15 $T/k.ppm | grep -aq '^720 400'" "$T/k.qmp"

if [ -z "$qpid" ]; then
	n=$((n + 1))
	echo "ok $n # SKIP $QEMU not installed: no reference screen"
else
	wait_for "$T/q.log" "No bootable device" 120
	sleep 1
	dump q
	check "banner row pixel-identical to QEMU" "same_rows 0" "$T/q.qmp"
	check "No bootable device row pixel-identical to QEMU" "same_rows 7" "$T/q.qmp"
fi
check "kvmpc did not crash" "kill -0 $kpid 2>/dev/null" "$T/k.out"
echo "1..$n"
