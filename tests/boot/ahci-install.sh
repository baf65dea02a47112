#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ide-install.sh over AHCI, with real SeaBIOS under KVM: -device ahci with
# the disk on ahci0.0 and a hand-built El Torito ISO on ahci0.1.  SeaBIOS's
# AHCI driver boots the image, which copies a block from the CD onto the
# disk with INT 13h extensions and verifies it, then drives the HBA itself
# (tests/boot/ahci-install.S: NCQ write and read, READ DMA EXT, ATAPI
# READ(10) by DMA).  Checks SeaBIOS's detection lines, the boot, the bytes
# in the host image, then boots that disk from AHCI with the project's boot
# sector (tests/guest/bootsect.bin) when it is built.
# KVMPC=qemu-system-x86_64 runs the same script against QEMU.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "SeaBIOS boot tests need KVM"
need_tools as ld
ACCEL=
case "$KVMPC" in *qemu*) ACCEL="-machine pc -enable-kvm" ;; esac

# put FILE LBA2048 < data: write stdin at a 2048-byte block of FILE
put() { dd of="$1" bs=2048 seek="$2" conv=notrunc 2>/dev/null; }
# zeros N: N NUL bytes
zeros() { head -c "$1" /dev/zero; }

# The boot image
as --32 -o "$T/inst.o" tests/boot/ahci-install.S &&
	ld -m elf_i386 -Ttext 0x7c00 --oformat binary -e _start -o "$T/inst.bin" "$T/inst.o"
check "boot image assembled" "[ -s $T/inst.bin ]"

# A minimal ISO 9660 + El Torito image: PVD at 16, boot record at 17,
# terminator at 18, boot catalog at 19, boot image at 20, payload at 21.
ISO=$T/install.iso
zeros $((64 * 2048)) >"$ISO"
{ printf '\001CD001\001\000'; zeros 32; printf 'KVMPC_AHCI   '; zeros 19; } | put "$ISO" 16
{ printf '\000CD001\001EL TORITO SPECIFICATION'; zeros 41; printf '\023\000\000\000'; } |
	put "$ISO" 17
printf '\377CD001\001' | put "$ISO" 18
{
	printf '\001\000\000\000'; zeros 24; printf '\000\000\125\252'     # validation entry
	printf '\210\000\000\000\000\000\004\000\024\000\000\000'          # default: 4 x 512 at LBA 20
} | put "$ISO" 19
put "$ISO" 20 <"$T/inst.bin"
yes "kvmpc install payload: 0123456789abcdef" | head -c 2048 >"$T/payload"
put "$ISO" 21 <"$T/payload"

DISK=$T/disk.img
zeros $((16 * 1024 * 1024)) >"$DISK"
LOG=$T/install.log
timeout "$WAIT_SECS" $KVMPC $ACCEL -m 128 -nodefaults -display none \
	-drive file="$DISK",format=raw,if=none,id=d0 \
	-drive file="$ISO",format=raw,media=cdrom,if=none,id=c0 \
	-device ahci,id=ahci0 -device ide-hd,drive=d0,bus=ahci0.0 \
	-device ide-cd,drive=c0,bus=ahci0.1 \
	-chardev file,id=dbg,path="$LOG" -device isa-debugcon,iobase=0x402,chardev=dbg \
	-device isa-debug-exit,iobase=0xf4,iosize=4 >"$T/install.out" 2>&1
status=$?
check "SeaBIOS found the AHCI disk" "grep -aq 'AHCI/0: .* ATA-7 Hard-Disk (16 MiBytes)' $LOG" $LOG
check "SeaBIOS found the AHCI CD-ROM" "grep -aq 'AHCI/1: .* ATAPI-4 DVD/CD' $LOG" $LOG
check "booted the El Torito image from the AHCI CD" "grep -aq 'ahci-install: booted from CD' $LOG" $LOG
check "the image wrote and verified the disk through the BIOS" "grep -aq 'disk written and verified' $LOG" $LOG
check "the guest's own AHCI commands: NCQ write/read, READ DMA EXT, ATAPI DMA" "grep -aq 'NCQ write and read, READ DMA EXT, ATAPI DMA read done' $LOG" $LOG
check "exit status 33 from isa-debug-exit" "[ $status -eq 33 ]" "$T/install.out"
dd if="$DISK" bs=512 skip=1 count=2 2>/dev/null >"$T/written"
head -c 1024 "$T/payload" >"$T/expected"
check "host image holds the BIOS-written payload at LBA 1-2" "cmp -s $T/written $T/expected"
dd if="$DISK" bs=512 skip=5 count=2 2>/dev/null >"$T/written2"
check "host image holds the NCQ-written copy at LBA 5-6" "cmp -s $T/written2 $T/expected"
check "rest of the disk untouched" \
	"[ \"\$(dd if=$DISK bs=512 skip=7 count=100 2>/dev/null | tr -d '\\000' | wc -c)\" -eq 0 ]"

# Boot the installed disk from AHCI (MBR from the project's boot sector payload)
if [ -f tests/guest/bootsect.bin ]; then
	dd if=tests/guest/bootsect.bin of="$DISK" conv=notrunc 2>/dev/null
	LOG2=$T/hd.log
	timeout "$WAIT_SECS" $KVMPC $ACCEL -m 128 -nodefaults -display none \
		-drive file="$DISK",format=raw,if=none,id=d0 \
		-device ahci,id=ahci0 -device ide-hd,drive=d0,bus=ahci0.0 \
		-chardev file,id=dbg,path="$LOG2" -device isa-debugcon,iobase=0x402,chardev=dbg \
		-device isa-debug-exit,iobase=0xf4,iosize=4 >"$T/hd.out" 2>&1
	status=$?
	check "hard disk boot from AHCI" "grep -aq 'Booting from Hard Disk' $LOG2" $LOG2
	check "boot sector ran with DL=80" "grep -aq 'kvmpc bootsect: ok.*80' $LOG2" $LOG2
	check "exit status 33 from the AHCI disk" "[ $status -eq 33 ]" "$T/hd.out"
else
	skip "tests/guest/bootsect.bin not built"
fi
done_testing
