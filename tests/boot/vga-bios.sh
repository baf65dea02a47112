#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real SeaBIOS and its VGA BIOS (vgabios-stdvga.bin from the std-vga ROM BAR)
# under KVM with -vga std: the VGA BIOS runs, sets text mode 3, and the
# screen as taken by QMP "screendump" shows SeaBIOS' banner and "No bootable
# device." pixel-identical to QEMU's screen in the same run (the rows in
# between depend on the boot order, the cursor row on blink timing).
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "SeaBIOS boot tests need KVM"
need_tools socat convert

# line_done FILE: SeaBIOS finished the "No bootable device." line (it
# writes each character to the debug port first, then to the screen, so
# once the newline is in the log the line is on the screen)
line_done() { { tr '\n' '|' <"$1"; } 2>/dev/null | grep -qF 'No bootable device.|'; }

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

# dump NAME: screendump to $T/NAME.ppm through QMP (the reply in $T/NAME.qmp)
dump() {
	qmp "$T/$1.sock" "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/$1.ppm\"}}"
	cp "$T/qmp.out" "$T/$1.qmp"
}

# same_rows ROW: text row ROW (16 pixels high) identical on both screens
same_rows() {
	convert "$T/k.ppm" -crop 720x16+0+$(($1 * 16)) +repage "$T/k$1.ppm" &&
		convert "$T/q.ppm" -crop 720x16+0+$(($1 * 16)) +repage "$T/q$1.ppm" &&
		cmp -s "$T/k$1.ppm" "$T/q$1.ppm"
}

start k "$KVMPC"
track $!
kpid=$!
qpid=
if command -v "$QEMU" >/dev/null 2>&1; then
	start q "$QEMU" -enable-kvm
	track $!
	qpid=$!
fi

pid=$kpid
wait_until "SeaBIOS's 'No bootable device.' line" line_done "$T/k.log"
check "SeaBIOS reached No bootable device" "grep -aq 'No bootable device' $T/k.log" "$T/k.log"
check "VGA BIOS ran from the ROM BAR of 00:02.0" \
	"grep -aq 'Running option rom at c000:0003' $T/k.log" "$T/k.log"
check "VGA BIOS found DISPI" "grep -aq 'VBE DISPI: bdf 00:02.0' $T/k.log" "$T/k.log"
check "text mode console on" "grep -aq 'Turning on vga text mode console' $T/k.log" "$T/k.log"
dump k
check "screendump over QMP" "[ -s $T/k.ppm ]" "$T/k.qmp"
check "mode 3 screen is 720x400" "head -c 15 $T/k.ppm | grep -aq '^720 400'" "$T/k.qmp"

if [ -z "$qpid" ]; then
	n=$((n + 1))
	echo "ok $n # SKIP $QEMU not installed: no reference screen"
else
	pid=$qpid
	wait_until "QEMU's 'No bootable device.' line" line_done "$T/q.log"
	dump q
	check "banner row pixel-identical to QEMU" "same_rows 0" "$T/q.qmp"
	check "No bootable device row pixel-identical to QEMU" "same_rows 7" "$T/q.qmp"
fi
check "kvmpc did not crash" "alive $kpid" "$T/k.out"
done_testing
