#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# virtio-blk under KVM: real SeaBIOS boots the test boot sector from a
# -drive if=virtio disk (modern interface), from -device virtio-blk-pci
# with disable-modern=on (legacy interface), and with -boot order=c,strict=on
# (only bootorder entries may boot, so the virtio path must be listed);
# then the vblk payload writes, flushes and reads back sectors through the
# modern and the legacy interface and the host checks the image bytes, and
# with MSI-X on the completion interrupt must be pending in the LAPIC.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "virtio-blk boot tests need KVM"
for f in tests/guest/bootsect.bin tests/guest/vblk.elf tests/guest/reset.elf; do
	[ -f $f ] || skip_all "$f not built (make guests)"
done

mkdisk() {
	dd if=/dev/zero of="$1" bs=1M count=16 2>/dev/null
	dd if=tests/guest/bootsect.bin of="$1" conv=notrunc 2>/dev/null
}

# boot NAME ARGS...: SeaBIOS with the debug log in $T/NAME.log, exit code in $T/NAME.rc
boot() {
	name=$1
	shift
	timeout "$WAIT_SECS" $KVMPC -m 512 -nodefaults -display none -d guest_errors \
		-chardev file,id=dbg,path="$T/$name.log" -device isa-debugcon,iobase=0x402,chardev=dbg \
		-device isa-debug-exit,iobase=0xf4,iosize=4 "$@" >"$T/$name.out" 2>&1
	echo $? >"$T/$name.rc"
}

mkdisk "$T/disk.img"
boot modern -drive file="$T/disk.img",if=virtio,format=raw
L=$T/modern.log
check "SeaBIOS finds virtio-blk" "grep -aq 'found virtio-blk at 00:0' $L" $L
check "SeaBIOS uses the modern interface" "grep -aq 'using modern (1.0) virtio mode' $L" $L
check "boots from the virtio disk" "grep -aq 'Booting from Hard Disk' $L" $L
check "boot sector ran (drive 0x80)" "grep -aq 'kvmpc bootsect: ok drive=0x80' $L" $L
check "exit status 33 from the boot sector" "[ \$(cat $T/modern.rc) = 33 ]" $T/modern.out
check "no guest errors logged" "! grep -aq 'virtio' $T/modern.out" $T/modern.out

boot legacy -drive file="$T/disk.img",if=none,id=d0,format=raw \
	-device virtio-blk-pci,drive=d0,disable-modern=on
L=$T/legacy.log
check "disable-modern=on: SeaBIOS uses the legacy interface" \
	"grep -aq 'using legacy (0.9.5) virtio mode' $L" $L
check "legacy: boot sector ran" "grep -aq 'kvmpc bootsect: ok drive=0x80' $L" $L

boot strict -drive file="$T/disk.img",if=virtio,format=raw -boot order=c,strict=on
L=$T/strict.log
check "bootorder lists the virtio disk" "grep -aq 'Searching bootorder for: /pci@i0cf8/\*@2$' $L" $L
check "strict boot order still boots it" "grep -aq 'kvmpc bootsect: ok' $L" $L

# system reset with the device live (DRIVER_OK, ioeventfds in place): the
# reset payload reboots through 0xcf9 and SeaBIOS must bring it up again
log=$T/reboot.log
: >"$log"
$KVMPC -m 512 -nodefaults -display none \
	-chardev file,id=dbg,path="$log" -device isa-debugcon,iobase=0x402,chardev=dbg \
	-drive file="$T/disk.img",if=virtio,format=raw -kernel tests/guest/reset.elf \
	>"$T/reboot.out" 2>&1 &
track $!
wait_for "$log" 'using modern (1.0) virtio mode' 2
stop
check "after a system reset SeaBIOS brings virtio-blk up again" \
	"[ \$(grep -ac 'using modern (1.0) virtio mode' $log) -ge 2 ]" $log

# payload: write, flush, read back; the host checks the bytes
# pattern(seed, i) = ((i * 7 + seed) ^ (i >> 9)) & 0xff
checkbytes() {
	python3 - "$1" "$2" "$3" "$4" <<'EOF'
import sys
path, sector, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with open(path, 'rb') as f:
    f.seek(sector * 512)
    data = f.read(count * 512)
want = bytes(((i * 7 + seed) ^ (i >> 9)) & 0xff for i in range(count * 512))
sys.exit(0 if data == want else 1)
EOF
}

payload() {
	name=$1
	append=$2
	shift 2
	dd if=/dev/zero of="$T/$name.img" bs=1M count=16 2>/dev/null
	timeout "$WAIT_SECS" $KVMPC -m 512 -nodefaults -display none -serial file:"$T/$name.serial" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -d guest_errors \
		-kernel tests/guest/vblk.elf -append "$append" "$@" >"$T/$name.out" 2>&1
	echo $? >"$T/$name.rc"
}

payload pmod "s=100 n=24 seed=3" -drive file="$T/pmod.img",if=virtio,format=raw
S=$T/pmod.serial
check "payload (modern): write, flush, read back" \
	"grep -aq 'vblk: readback ok' $S && grep -aq 'vblk: flush ok' $S" $S
check "payload (modern): exit status 1 (code 0)" "[ \$(cat $T/pmod.rc) = 1 ]" $T/pmod.out
check "payload (modern): host image holds the pattern" "checkbytes $T/pmod.img 100 24 3" $S
check "payload (modern): sectors around it untouched" \
	"cmp -s -n 51200 $T/pmod.img /dev/zero" $S

payload pleg "mode=legacy s=777 n=9 seed=11" -drive file="$T/pleg.img",if=none,id=d1,format=raw \
	-device virtio-blk-pci,drive=d1
S=$T/pleg.serial
check "payload (legacy): write, flush, read back" "grep -aq 'vblk: readback ok' $S" $S
check "payload (legacy): host image holds the pattern" "checkbytes $T/pleg.img 777 9 11" $S

# MSI-X through KVM_SIGNAL_MSI: the completion leaves vector 0x51 pending in the LAPIC
payload pmsi "s=50 n=4 seed=2 msix=1" -drive file="$T/pmsi.img",if=virtio,format=raw
S=$T/pmsi.serial
check "payload (MSI-X): requests complete with MSI-X on" "grep -aq 'vblk: readback ok' $S" $S
check "payload (MSI-X): the message reached the LAPIC" "grep -aq 'vblk: msi ok' $S" $S

done_testing
