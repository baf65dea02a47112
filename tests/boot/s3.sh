#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ACPI S3 suspend to RAM and resume through SeaBIOS under KVM.  The s3
# payload (tests/guest/s3.c) points the FACS waking vector at a real-mode
# stub and writes SLP_TYP 1 | SLP_EN; on wakeup SeaBIOS must take its S3
# resume path (CMOS 0x0f = 0xfe, shadowed BIOS kept) into the stub, which
# prints "kvmpc s3: resumed" and exits with status 67.
#   1. woken by QMP system_wakeup: SUSPEND/WAKEUP events, query-status
#      "suspended" meanwhile, status 67;
#   2. woken by the RTC alarm the payload set with RTC_EN (rtc=1);
#   3. woken by HMP system_wakeup;
#   4. where QEMU is installed, the same payload under QEMU 7.2 resumes
#      by system_wakeup and by the RTC alarm too.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
G=tests/guest
need_kvm
need_tools socat
if [ ! -f "$G/s3.elf" ]; then
	echo "1..1"
	echo "not ok 1 - $G/s3.elf missing (run make guests)"
	exit 1
fi

# start NAME VMM-ARGS...: the payload in the background, serial in $T/NAME.out
start() {
	name=$1; shift
	: >"$T/s-$name.out"
	"$@" -display none -m 128 -nodefaults \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -serial file:"$T/s-$name.out" \
		-kernel "$G/s3.elf" $APPEND >"$T/s-$name.err" 2>&1 </dev/null &
	track $!
}

resumed() {
	wait_exit
	check "$1: resumed through the firmware's S3 path, status 67 (got $rc)" \
		"has '$T/s-$2.out' 'kvmpc s3: resumed' && [ $rc = 67 ]" "$T/s-$2.out"
}

# 1: QMP system_wakeup
APPEND=
start qmp $KVMPC -qmp unix:"$T/q.sock",server=on,wait=off
wait_for "$T/s-qmp.out" "kvmpc s3: suspending"
suspended() {
	qmp "$T/q.sock" '{"execute": "query-status"}' &&
		grep -q '"status": *"suspended"' "$T/qmp.out"
}
wait_until "query-status to say suspended" suspended
check "the guest's S3 write suspends it: query-status suspended, running false" \
	"grep -q '\"running\": *false' '$T/qmp.out'" "$T/qmp.out"
qmp "$T/q.sock" '{"execute": "system_wakeup"}'
check "system_wakeup accepted" "grep -q '\"return\": *{}' '$T/qmp.out'" "$T/qmp.out"
resumed "QMP system_wakeup" qmp

# 2: the RTC alarm (RTC_EN set by the payload)
APPEND="-append rtc=1"
start rtc $KVMPC
resumed "RTC alarm two seconds later" rtc

# 3: HMP system_wakeup
APPEND=
start hmp $KVMPC -monitor unix:"$T/h.sock",server=on,wait=off
wait_for "$T/s-hmp.out" "kvmpc s3: suspending"
hmp "$T/h.sock" "info status" >"$T/info.txt"
check "HMP info status: suspended" "grep -q 'VM status: paused (suspended)' '$T/info.txt'" \
	"$T/info.txt"
hmp "$T/h.sock" "system_wakeup" >/dev/null
resumed "HMP system_wakeup" hmp

# 4: QEMU 7.2 with the same payload
if command -v "$QEMU" >/dev/null 2>&1; then
	APPEND=
	start qemu $QEMU -enable-kvm -M pc -qmp unix:"$T/qq.sock",server=on,wait=off
	wait_for "$T/s-qemu.out" "kvmpc s3: suspending"
	qmp "$T/qq.sock" '{"execute": "system_wakeup"}'
	resumed "QEMU 7.2: system_wakeup" qemu
	APPEND="-append rtc=1"
	start qemurtc $QEMU -enable-kvm -M pc
	resumed "QEMU 7.2: the RTC alarm" qemurtc
else
	skip "QEMU not installed: no reference run"
	skip "QEMU not installed: no reference run"
fi

done_testing
