#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# qcow2 under KVM with real guests: SeaBIOS boots the boot sector from a
# qcow2 overlay over a compressed qcow2 base (IDE, format probed), and the
# vblk payload writes, flushes and reads back through virtio-blk into a
# qcow2 overlay; afterwards `qemu-img check` is clean and `qemu-img
# convert` shows the guest's pattern over the backing file's data.
# Prints TAP.

cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "qcow2 boot tests need KVM"
need_tools qemu-img python3
for f in tests/guest/bootsect.bin tests/guest/vblk.elf; do
	[ -f $f ] || skip_all "$f not built (make guests)"
done

# base: boot sector + a recognisable pattern, compressed with 4 KiB clusters
dd if=/dev/zero of="$T/base.raw" bs=1M count=16 2>/dev/null
dd if=tests/guest/bootsect.bin of="$T/base.raw" conv=notrunc 2>/dev/null
yes kvmpc-qcow2-base | head -c 1048576 | dd of="$T/base.raw" bs=1M seek=2 conv=notrunc \
	2>/dev/null
qemu-img convert -c -O qcow2 -o cluster_size=4k "$T/base.raw" "$T/base.qcow2"
mkdir -p "$T/ov"
qemu-img create -q -f qcow2 -b ../base.qcow2 -F qcow2 "$T/ov/boot.qcow2"

log=$T/boot.log
timeout "$WAIT_SECS" $KVMPC -m 512 -nodefaults -display none \
	-chardev file,id=dbg,path="$log" -device isa-debugcon,iobase=0x402,chardev=dbg \
	-device isa-debug-exit,iobase=0xf4,iosize=4 -drive file="$T/ov/boot.qcow2",if=ide \
	>"$T/boot.out" 2>&1
rc=$?
check "SeaBIOS boots the boot sector from a qcow2 overlay on a compressed base" \
	"grep -aq 'kvmpc bootsect: ok drive=0x80' $log" "$log"
check "exit status 33 from the boot sector (rc $rc)" "[ $rc = 33 ]" "$T/boot.out"
check "no raw-probe warning for a qcow2 image" "! grep -q 'probing guessed raw' $T/boot.out" \
	"$T/boot.out"

# vblk payload: pattern(seed, i) = ((i * 7 + seed) ^ (i >> 9)) & 0xff at sector s
qemu-img create -q -f qcow2 -o cluster_size=64k -b base.qcow2 -F qcow2 "$T/vd.qcow2"
timeout "$WAIT_SECS" $KVMPC -m 512 -nodefaults -display none -serial file:"$T/vd.serial" \
	-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel tests/guest/vblk.elf \
	-append "s=4100 n=200 seed=5" -drive file="$T/vd.qcow2",if=virtio,format=qcow2 \
	>"$T/vd.out" 2>&1
rc=$?
S=$T/vd.serial
check "vblk payload on qcow2: write, flush, read back" \
	"grep -aq 'vblk: readback ok' $S && grep -aq 'vblk: flush ok' $S" "$S"
check "vblk payload exit status 1 (code 0) (rc $rc)" "[ $rc = 1 ]" "$T/vd.out"
check "qemu-img check of the guest-written overlay is clean" \
	"qemu-img check -q $T/vd.qcow2" "$T/vd.out"
qemu-img convert -O raw "$T/vd.qcow2" "$T/vd.raw"
check "guest pattern present, backing data around it intact" "python3 - $T/vd.raw $T/base.raw <<'EOF'
import sys
got = open(sys.argv[1], 'rb').read()
base = bytearray(open(sys.argv[2], 'rb').read())
s, cnt, seed = 4100, 200, 5
base[s * 512:(s + cnt) * 512] = bytes(((i * 7 + seed) ^ (i >> 9)) & 0xff
                                      for i in range(cnt * 512))
sys.exit(0 if got == bytes(base) else 1)
EOF" "$S"

done_testing
