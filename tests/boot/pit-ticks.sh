#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -global kvm-pit.lost_tick_policy=delay|discard with a guest that loses
# ticks (tests/guest/pitticks.c: 200 ms with interrupts off at a 1 kHz PIT,
# then a 20 ms window): under both policies the payload runs to its end
# under kvmpc and QEMU and prints the ticks it got in the window.  The
# counts are printed, not asserted: on this emulated KVM they depend on
# timing and vary from run to run under both VMMs (delay 6..48, discard
# 6..21 seen in a window where 20 ticks are due).
# That KVM takes the policy is checked in tests/boot/global.sh.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
G=tests/guest
need_kvm
[ -f $G/pitticks.elf ] || { echo "1..1"; echo "not ok 1 - $G/pitticks.elf missing (make guests)"; exit 1; }

vmms="$KVMPC"
command -v "$QEMU" >/dev/null 2>&1 && vmms="$vmms $QEMU" ||
	echo "# QEMU ($QEMU) missing: kvmpc runs alone"
for vmm in $vmms; do
	for p in delay discard; do
		out=$T/$(basename "$vmm")-$p
		timeout "$WAIT_SECS" "$vmm" -machine pc,accel=kvm -display none -nodefaults \
			-serial file:"$out.ser" -device isa-debug-exit,iobase=0xf4,iosize=4 \
			-global kvm-pit.lost_tick_policy=$p -kernel $G/pitticks.elf \
			</dev/null >"$out.err" 2>&1
		rc=$?
		line=$(grep -a 'pitticks: ' "$out.ser")
		check "$(basename "$vmm") lost_tick_policy=$p: payload ran to its end (${line:-no output})" \
			"[ $rc = 1 ] && echo '$line' | grep -q 'after=[0-9]'" "$out.err"
	done
done
done_testing
