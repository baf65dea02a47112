#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile guest against every virtio device under KVM: the storm payload
# (random port, MMIO, PCI config and, with dma=1, BAR traffic including the
# virtio BARs, MSI-X tables and doorbells; the last seed with wild=1 also
# moves BARs and flips command registers) runs with virtio-blk, virtio-net
# (slirp, restrict=on), virtio-rng and virtio-balloon present; kvmpc must
# survive every seed and let the payload finish.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm
[ -f tests/guest/storm.elf ] || skip_all "tests/guest/storm.elf not built (make guests)"

dd if=/dev/zero of="$T/disk.img" bs=1M count=16 2>/dev/null
for seed in 11 22 33; do
	wild=$([ $seed = 33 ] && echo " wild=1")
	timeout "$WAIT_SECS" $KVMPC -m 512 -nodefaults -display none -serial file:"$T/s$seed.serial" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-drive file="$T/disk.img",if=virtio,format=raw \
		-nic user,model=virtio-net-pci,restrict=on \
		-device virtio-rng-pci -device virtio-balloon-pci \
		-kernel tests/guest/storm.elf -append "seed=$seed n=5000 dma=1$wild" \
		>"$T/s$seed.out" 2>&1
	echo $? >"$T/s$seed.rc"
	check "storm seed $seed: payload finished" "grep -aq 'storm done 5000' $T/s$seed.serial" \
		$T/s$seed.serial
	check "storm seed $seed: kvmpc exited normally (status 1)" "[ \$(cat $T/s$seed.rc) = 1 ]" \
		$T/s$seed.out
done
done_testing
