#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Host CPU used by an idle guest, kvmpc against QEMU 7.2 in one run:
#  text: SeaBIOS halted at "No bootable device" on the std VGA text screen
#        (the cursor blinks);
#  vbe:  the vgalfb payload (tests/guest) in a VBE 320x200x32 mode, its
#        picture painted, vCPU halted (cli; hlt).
# With SDL=1 both VMMs show an SDL window on a private Xvfb server (the
# display refresh is what is measured then); otherwise -display none.
# Prints CPU% over WINDOW seconds and the ratio kvmpc/QEMU (below 1.0 =
# kvmpc cheaper).  The numbers are noisy on a shared host: compare ratios
# from one run.
# Usage: [SDL=1] [KVMPC=./kvmpc] [QEMU=qemu-system-x86_64] bench/idle.sh [window_seconds]
set -u
cd "$(dirname "$0")/.."
WIN=${1:-10}
KVMPC=${KVMPC:-./kvmpc}
QEMU=${QEMU:-qemu-system-x86_64}
T=$(mktemp -d)
XPID=
trap 'rm -rf "$T"; [ -n "$XPID" ] && kill $XPID 2>/dev/null' EXIT
DISP="-display none"
if [ "${SDL:-0}" = 1 ]; then
	x=$((100 + $$ % 400))
	while [ -e /tmp/.X$x-lock ]; do x=$((x + 1)); done
	Xvfb :$x -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
	XPID=$!
	export DISPLAY=:$x
	sleep 1
	DISP="-display sdl"
fi
G=tests/guest
[ -f $G/vgalfb.elf ] || make -s $G/vgalfb.elf >/dev/null 2>&1

ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
# wait_for FILE PATTERN SECONDS
wait_for() {
	i=0
	while ! grep -aq "$2" "$1" 2>/dev/null && [ $i -lt $(($3 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
# cpu PID: CPU% of PID over WIN seconds, after 2 s to settle
cpu() {
	sleep 2
	a=$(ticks $1)
	sleep "$WIN"
	b=$(ticks $1)
	hz=$(getconf CLK_TCK)
	awk -v a="$a" -v b="$b" -v hz="$hz" -v w="$WIN" 'BEGIN { printf "%.2f", (b - a) * 100 / hz / w }'
}

# text NAME CMD...: SeaBIOS at "No bootable device"
text() {
	name=$1
	shift
	log=$T/$name.log
	"$@" $DISP -m 256 -chardev file,id=d,path="$log" -device isa-debugcon,iobase=0x402,chardev=d \
		>/dev/null 2>&1 &
	pid=$!
	wait_for "$log" "No bootable device" 120
	cpu $pid
	kill $pid
	wait $pid 2>/dev/null
}

# vbe NAME CMD...: vgalfb painted its two pictures and halted
vbe() {
	name=$1
	shift
	sock=$T/$name.sock
	log=$T/$name.ser
	"$@" $DISP -m 128 -nodefaults -vga std -kernel $G/vgalfb.elf \
		-serial unix:"$sock",server=on,wait=off >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	rm -f "$T/in"
	mkfifo "$T/in"
	socat UNIX-CONNECT:"$sock" STDIO <"$T/in" >"$log" 2>/dev/null &
	spid=$!
	exec 3>"$T/in"
	wait_for "$log" "vgalfb: ready1" 120
	printf 'a' >&3
	wait_for "$log" "vgalfb: ready2" 60
	printf 'b' >&3
	if ! grep -aq "vgalfb: ready2" "$log"; then
		echo "(vgalfb did not finish: $(tr -d '\0' <"$log" | tail -n 1))" >&2
	fi
	cpu $pid
	exec 3>&-
	kill $pid $spid 2>/dev/null
	wait $pid 2>/dev/null
}

ratio() { awk -v k="$1" -v q="$2" 'BEGIN { if (q > 0) printf "%.2f", k / q; else print "n/a" }'; }

k=$(text kvmpc "$KVMPC")
q=$(text qemu "$QEMU" -enable-kvm -M pc)
echo "idle at text screen ($DISP): kvmpc ${k}% CPU, qemu ${q}% CPU, ratio $(ratio "$k" "$q")"
if [ -f $G/vgalfb.elf ] && command -v socat >/dev/null 2>&1; then
	k=$(vbe kvmpc "$KVMPC")
	q=$(vbe qemu "$QEMU" -enable-kvm -M pc)
	echo "idle in VBE 320x200x32 ($DISP): kvmpc ${k}% CPU, qemu ${q}% CPU, ratio $(ratio "$k" "$q")"
else
	echo "idle in VBE mode: skipped ($G/vgalfb.elf or socat missing)"
fi
