#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The HPET under KVM, as a guest OS meets it after SeaBIOS (TAP).  The hpet
# payload (tests/guest/hpet.c) lists the ACPI tables SeaBIOS built and
# drives the HPET by polling:
#   - default machine: SeaBIOS's RSDT has an HPET table with block ID
#     8086a201 at fed00000; capabilities, the counter (stopped, running,
#     held), a level one-shot, a level periodic comparator, the legacy route
#     on and off (KVM's PIT stopped and restarted without an error);
#   - -no-hpet and -machine hpet=off: no HPET table, the range reads 0;
#   - where QEMU is installed, QEMU 7.2 under KVM prints the same lines
#     (its own ACPI tables add a WAET, so the table list is not compared).
# Needs the guests (make guests) and ./kvmpc; run from anywhere.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
G=tests/guest
need_kvm

if [ ! -f "$G/hpet.elf" ]; then
	echo "1..1"
	echo "not ok 1 - $G/hpet.elf missing (run make guests)"
	exit 1
fi

DEV="-device isa-debug-exit,iobase=0xf4,iosize=4"

# run NAME VMM ARGS...: output in $T/NAME.out, exit status in $T/NAME.rc
run() {
	name=$1; shift
	timeout "$WAIT_SECS" "$@" -nographic -m 128 $DEV -kernel $G/hpet.elf \
		</dev/null >"$T/$name.out" 2>&1
	echo $? >"$T/$name.rc"
}
rc() { cat "$T/$1.rc"; }
out_has() { grep -aqF -- "$2" "$T/$1.out"; }
# the payload's own lines (SeaBIOS may leave text before the first), minus the table list
lines() { tr -d '\r' <"$T/$1.out" | grep -ao 'hpet: .*' | grep -av 'acpi tables'; }

run on $KVMPC
check "the ACPI RSDT lists an HPET table for block 8086a201 at fed00000" \
	"out_has on 'HPET [id=8086a201 base=fed00000]'" $T/on.out
check "capabilities 8086a201, period 10000000 fs" \
	"out_has on 'hpet: cap=8086a201 period=10000000'" $T/on.out
for what in "stopped counter stays 0" "enabled counter runs" "disabled counter holds" \
	"one-shot level comparator latches status" "one-shot fires once" \
	"periodic level comparator fires each period" "periodic comparator steps by the period" \
	"legacy route on" "timer 0 fires on the legacy route" "legacy route off"; do
	check "$what" "out_has on 'hpet: $what ok'" $T/on.out
done
check "no error from the VMM (the PIT's legacy flag went through)" \
	"! grep -aq 'kvmpc:' $T/on.out" $T/on.out
check "exit status (3 << 1) | 1 = 7 (got $(rc on))" "[ $(rc on) = 7 ]" $T/on.out

run off $KVMPC -no-hpet
check "-no-hpet: no HPET table, nothing at fed00000 (status 9, got $(rc off))" \
	"out_has off 'hpet: absent, table absent' && [ $(rc off) = 9 ]" $T/off.out
run moff $KVMPC -machine pc,hpet=off
check "-machine hpet=off: same as -no-hpet (got $(rc moff))" \
	"out_has moff 'hpet: absent, table absent' && [ $(rc moff) = 9 ]" $T/moff.out
run mon $KVMPC -no-hpet -machine hpet=on
check "-machine hpet=on after -no-hpet brings it back (got $(rc mon))" \
	"[ $(rc mon) = 7 ]" $T/mon.out

if command -v "$QEMU" >/dev/null 2>&1; then
	run qon "$QEMU" -accel kvm
	lines on >"$T/on.lines"
	lines qon >"$T/qon.lines"
	check "QEMU 7.2 under KVM prints the same lines and status (got $(rc qon))" \
		"cmp -s $T/on.lines $T/qon.lines && [ $(rc qon) = 7 ]" $T/qon.out
	run qoff "$QEMU" -accel kvm -no-hpet
	check "QEMU 7.2 with -no-hpet: the same absence (got $(rc qoff))" \
		"out_has qoff 'hpet: absent, table absent' && [ $(rc qoff) = 9 ]" $T/qoff.out
else
	skip "QEMU not installed: no reference run"
	skip "QEMU not installed: no reference run"
fi

done_testing
