#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# PCI hot-plug under KVM, guest side: the vblk payload (hotplug=1) boots
# with no virtio device and plays an ACPI OS's _E01 handler.  The host
# device_adds virtio-blk-pci over QMP; the payload sees GPE0 bit 1, reads
# the slot from 0xae00, maps the BAR, reads sector 1 (the host's marker),
# writes/flushes/reads back sectors; the host then device_dels it, the
# payload sees the removal request at 0xae04 and ejects through 0xae08, the
# host gets DEVICE_DELETED, adds a new drive and device in the slot, which
# the payload sees before it exits; the image holds the payload's bytes.  The
# same sequence runs under QEMU 7.2 (KVM, its own ACPI tables; the payload
# reads the registers directly).
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm
need_tools socat
[ -f tests/guest/vblk.elf ] || skip_all "tests/guest/vblk.elf not built (make guests)"
KVMPC=${KVMPC:-./kvmpc}
QEMU=${QEMU:-qemu-system-x86_64}

# run NAME CMD...: the whole sequence; results in $T/NAME.*
run() {
	name=$1; shift
	s=$T/$name
	dd if=/dev/zero of="$s.img" bs=1M count=4 2>/dev/null
	printf 'HOTPLUG-SECTOR-1' | dd of="$s.img" bs=512 seek=1 conv=notrunc 2>/dev/null
	: >"$s.serial"
	"$@" -m 128 -nodefaults -display none -serial file:"$s.serial" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-drive if=none,id=d0,format=raw,file="$s.img" \
		-kernel tests/guest/vblk.elf -append "hotplug=1 s=100 n=4 seed=7" \
		-qmp unix:"$s.qmp",server=on,wait=off >"$s.out" 2>&1 &
	track $!
	wait_for "$s.serial" "vblk: waiting for a hot-plugged device" || return 1
	qmp_open "$s.qmp" || return 1
	qmp_send '{"execute": "device_add", "arguments": {"driver": "virtio-blk-pci", "id": "hb", "drive": "d0", "addr": "6"}}'
	qmp_wait || return 1
	wait_for "$s.serial" "vblk: waiting for the removal request" || return 1
	qmp_send '{"execute": "device_del", "arguments": {"id": "hb"}}'
	qmp_wait || return 1
	wait_for "$T/qmp.out" '"device": "hb"' || return 1
	# the backend went with the device (as QEMU): a new drive, a new device
	qmp_send '{"execute": "human-monitor-command", "arguments": {"command-line": "drive_add 0 if=none,id=d1,format=raw,file='"$s.img"'"}}'
	qmp_send '{"execute": "device_add", "arguments": {"driver": "virtio-blk-pci", "id": "hb2", "drive": "d1", "addr": "6"}}'
	qmp_wait || return 1
	wait_exit
	echo "$rc" >"$s.rc"
	qmp_close
	return 0
}

for vmm in kvmpc qemu; do
	if [ $vmm = qemu ]; then
		command -v "$QEMU" >/dev/null || { skip "$vmm: $QEMU not installed"; continue; }
		set -- "$QEMU" -machine pc -accel kvm
	else
		set -- "$KVMPC"
	fi
	run $vmm "$@"
	S=$T/$vmm.serial
	check "$vmm: the payload finds the device_add'ed slot" "grep -aq 'vblk: slot 6 inserted' $S" "$S"
	check "$vmm: it reads the host's sector 1 through it" \
		"grep -aq 'vblk: sector 1: HOTPLUG-SECTOR-1' $S" "$S"
	check "$vmm: write, flush, readback through the hot-added device" \
		"grep -aq 'vblk: readback ok' $S" "$S"
	check "$vmm: device_del, the guest's eject, config space gone" \
		"grep -aq 'vblk: ejected slot 6, config space gone' $S" "$S"
	check "$vmm: DEVICE_DELETED for hb" "grep -aq '\"device\": \"hb\"' $T/qmp.out" "$T/qmp.out"
	check "$vmm: drive_add and device_add fill the slot again" \
		"grep -aq 'vblk: slot 6 filled again' $S" "$S"
	check "$vmm: the payload exits 0 (status 1)" "[ \"\$(cat $T/$vmm.rc 2>/dev/null)\" = 1 ]" "$T/$vmm.out"
	check "$vmm: the image holds the payload's sectors" \
		"[ \$(dd if=$T/$vmm.img bs=512 skip=100 count=4 2>/dev/null | od -An -tx1 | tr -d ' \n' | sed 's/0//g' | wc -c) -gt 100 ]" \
		"$T/$vmm.out"
done
done_testing
