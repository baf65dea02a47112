#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Host CPU used by an idle guest: SeaBIOS halted at "No bootable device"
# with the std VGA text screen (and, with SDL=1, an SDL window under Xvfb),
# kvmpc against QEMU 7.2 in one run.  Prints CPU% over WINDOW seconds and
# the ratio kvmpc/QEMU (below 1.0 = kvmpc cheaper).
# Usage: bench/idle.sh [window_seconds]
set -u
cd "$(dirname "$0")/.."
WIN=${1:-10}
QEMU=${QEMU:-qemu-system-x86_64}
T=$(mktemp -d)
trap 'rm -rf "$T"; [ -n "${XPID:-}" ] && kill $XPID 2>/dev/null' EXIT
DISP="-display none"
if [ "${SDL:-0}" = 1 ]; then
	Xvfb :77 -screen 0 1024x768x24 >/dev/null 2>&1 &
	XPID=$!
	export DISPLAY=:77
	sleep 1
	DISP="-display sdl"
fi
ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
measure() { # NAME CMD...
	name=$1; shift
	log=$T/$name.log
	"$@" $DISP -m 256 -chardev file,id=d,path="$log" -device isa-debugcon,iobase=0x402,chardev=d \
		>/dev/null 2>&1 &
	pid=$!
	i=0
	while ! grep -q "No bootable device" "$log" 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.1; i=$((i + 1))
	done
	sleep 2
	a=$(ticks $pid)
	sleep "$WIN"
	b=$(ticks $pid)
	kill $pid; wait $pid 2>/dev/null
	hz=$(getconf CLK_TCK)
	awk -v a="$a" -v b="$b" -v hz="$hz" -v w="$WIN" 'BEGIN { printf "%.2f", (b - a) * 100 / hz / w }'
}
k=$(measure kvmpc ./kvmpc)
q=$(measure qemu "$QEMU" -enable-kvm -M pc)
r=$(awk -v k="$k" -v q="$q" 'BEGIN { if (q > 0) printf "%.2f", k / q; else print "n/a" }')
echo "idle at text screen ($DISP): kvmpc ${k}% CPU, qemu ${q}% CPU, ratio $r"
