#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Host CPU of an idle guest with USB input devices, kvmpc against QEMU 7.2,
# alternating runs: SeaBIOS waiting at its boot menu prompt with
# -usb -device usb-tablet -device usb-kbd (the UHCI runs its 1 ms frames,
# SeaBIOS polls the keyboard), and the same machine without USB for
# reference.  Prints CPU% of each run over WINDOW seconds and the medians'
# ratio kvmpc/QEMU (below 1.0 = kvmpc cheaper).  Noisy on a shared host:
# compare ratios from one run.
# Usage: [KVMPC=./kvmpc] [QEMU=qemu-system-x86_64] bench/usb-idle.sh [pairs] [window_seconds]
set -u
cd "$(dirname "$0")/.."
PAIRS=${1:-5}
WIN=${2:-10}
KVMPC=${KVMPC:-./kvmpc}
QEMU=${QEMU:-qemu-system-x86_64}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
truncate -s 1M "$T/cd.iso"

ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
# run CMD...: CPU% over WIN s once SeaBIOS shows the prompt
run() {
	: >"$T/dbg"
	"$@" -m 128 -nodefaults -display none -cdrom "$T/cd.iso" -boot menu=on,splash-time=60000 \
		-chardev file,id=d,path="$T/dbg" -device isa-debugcon,iobase=0x402,chardev=d \
		</dev/null >/dev/null 2>&1 &
	p=$!
	i=0
	while ! grep -aq "Press ESC" "$T/dbg" 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 2
	a=$(ticks $p)
	sleep "$WIN"
	b=$(ticks $p)
	kill $p
	wait $p 2>/dev/null
	awk -v a="$a" -v b="$b" -v hz="$(getconf CLK_TCK)" -v w="$WIN" \
		'BEGIN { printf "%.2f", (b - a) * 100 / hz / w }'
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

USB="-usb -device usb-tablet -device usb-kbd"
for case in usb none; do
	args=$([ $case = usb ] && echo "$USB")
	k=; q=
	for i in $(seq 1 "$PAIRS"); do
		k="$k $(run $KVMPC $args)"
		q="$q $(run $QEMU -machine pc -accel kvm $args)"
	done
	km=$(echo $k | median)
	qm=$(echo $q | median)
	echo "SeaBIOS boot prompt, $case: kvmpc CPU% [$k ] qemu CPU% [$q ]"
	awk -v k="$km" -v q="$qm" -v c="$case" 'BEGIN { printf "  median: kvmpc %.2f%%, qemu %.2f%%, ratio %s\n", k, q, (q > 0) ? sprintf("%.2f", k / q) : "n/a" }'
done
