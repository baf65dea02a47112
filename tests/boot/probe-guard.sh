#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A guest must not turn its probed-raw disk into a qcow2 image that names a
# host file as backing (the next start with the same -hda would open it and
# hand the guest that file).  Under KVM the vblk and ide payloads write a
# qcow2 header naming a secret host file into sector 0 of a disk given
# without format=: the write must fail in the guest, sector 0 on the host
# must not change, and an ordinary sector 0 write must still work.  With
# format=raw the same write goes through (the guard is what refused it).
# Without KVM: the monitor reports the format actually opened, and images
# of formats kvmpc cannot read (VMDK, VDI, ...) are refused, not read raw.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh

echo "host-secret-$$" >"$T/secret"

# sector0 IMG: the first four bytes of IMG as hex
sector0() { od -An -tx1 -N4 "$1" | tr -d ' \n'; }

# info_block ARGS...: the HMP "info block" lines of a paused kvmpc
info_block() {
	printf 'info block\nquit\n' | timeout "$WAIT_SECS" $KVMPC -S -nodefaults -display none \
		-accel qtest -qtest /dev/null -monitor stdio "$@" 2>&1
}

# attack NAME PAYLOAD APPEND DRIVE-ARGS...: run a payload against a fresh disk
attack() {
	name=$1 elf=$2 append=$3
	shift 3
	dd if=/dev/zero of="$T/$name.img" bs=1M count=16 2>/dev/null
	timeout "$WAIT_SECS" $KVMPC -m 256 -nodefaults -display none -serial file:"$T/$name.serial" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -d guest_errors \
		-kernel "$elf" -append "$append backing=$T/secret" "$@" >"$T/$name.out" 2>&1
	echo $? >"$T/$name.rc"
}

if [ ! -c /dev/kvm ] || [ ! -w /dev/kvm ]; then
	for t in "virtio-blk header write refused" "IDE header write refused" \
		"format=raw lets it through"; do
		skip "$t: no usable /dev/kvm, the payloads need KVM"
	done
elif [ ! -f tests/guest/vblk.elf ] || [ ! -f tests/guest/ide.elf ]; then
	skip "probe guard payloads: tests/guest payloads not built (make guests)"
else
	attack vblk tests/guest/vblk.elf "attack=1" -drive file="$T/vblk.img",if=virtio
	S=$T/vblk.serial
	check "virtio-blk: probing guessed raw, with QEMU's warning" \
		"grep -q 'probing guessed raw' $T/vblk.out" $T/vblk.out
	check "virtio-blk: the guest's qcow2 header write to sector 0 fails" \
		"grep -aq 'vblk: header write refused' $S" $S
	check "virtio-blk: an ordinary sector 0 write still works" \
		"grep -aq 'vblk: plain write ok' $S" $S
	check "virtio-blk: sector 0 on the host holds the ordinary write" \
		"[ \$(sector0 $T/vblk.img) = 000d1a27 ]" $S
	check "virtio-blk: the refusal is logged as a guest error" \
		"grep -q 'write to sector 0 refused' $T/vblk.out" $T/vblk.out
	check "virtio-blk: the image still opens as raw" \
		"info_block -drive file=$T/vblk.img,if=virtio | grep -q 'vblk.img (raw)'"

	attack ide tests/guest/ide.elf "mode=attack" -hda "$T/ide.img"
	S=$T/ide.serial
	check "IDE: the guest's qcow2 header write to sector 0 fails (ERR)" \
		"grep -aq 'ide: header write refused' $S" $S
	check "IDE: an ordinary sector 0 write still works" "grep -aq 'ide: plain write ok' $S" $S
	check "IDE: sector 0 on the host holds the ordinary write" \
		"[ \$(sector0 $T/ide.img) = 000d1a27 ]" $S

	attack raw tests/guest/vblk.elf "attack=1" -drive file="$T/raw.img",if=virtio,format=raw
	check "format=raw: the same header write goes through (no guard asked for)" \
		"grep -aq 'vblk: header write accepted' $T/raw.serial" $T/raw.serial
fi

# The monitor names what was opened, probed or not.
./kvmpc-img create -q -f qcow2 "$T/q.qcow2" 1M
check "query-block/info block report qcow2 for a probed qcow2 image" \
	"info_block -drive file=$T/q.qcow2,if=virtio | grep -q 'q.qcow2 (qcow2)'"
truncate -s 1M "$T/r.img"
check "and raw for a probed raw image" "info_block -drive file=$T/r.img,if=virtio | grep -q 'r.img (raw)'"

# Formats kvmpc cannot read are refused by name, not opened as raw.
for f in vmdk vdi vpc vhdx qed qcow parallels; do
	if ! qemu-img create -q -f $f "$T/t.$f" 4M 2>/dev/null; then
		skip "$f image refused: qemu-img cannot create $f"
		continue
	fi
	$KVMPC -S -nodefaults -display none -accel qtest -qtest /dev/null \
		-drive file="$T/t.$f",if=virtio >"$T/$f.out" 2>&1 </dev/null
	rc=$?
	check "kvmpc refuses a $f image (exit 1, names the format)" \
		"[ $rc = 1 ] && grep -q \"image format '$f' is not supported\" $T/$f.out" $T/$f.out
	./kvmpc-img convert -O qcow2 "$T/t.$f" "$T/o.qcow2" >"$T/$f.img.out" 2>&1
	rc=$?
	check "kvmpc-img convert refuses a $f image" \
		"[ $rc = 1 ] && grep -q \"image format '$f' is not supported\" $T/$f.img.out" $T/$f.img.out
done
./kvmpc-img info -f raw "$T/t.vmdk" >"$T/fraw.out" 2>&1
check "kvmpc-img -f raw opens a VMDK as raw when asked" "grep -q 'file format: raw' $T/fraw.out" \
	$T/fraw.out

done_testing
