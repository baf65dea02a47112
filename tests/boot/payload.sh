#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Direct kernel boot and our guest payloads under KVM (TAP):
#   - hello (multiboot ELF) through SeaBIOS and our boot ROM: markers,
#     command line, module and its string, exit status (5 << 1) | 1 = 11;
#   - hello linked at 0x8000 (conventional memory) loads and runs there;
#   - storm (hostile guest) with two seeds (the second with dma=1 and more
#     devices): finishes, kvmpc exits through isa-debug-exit (status 1)
#     without a crash; a wild=1 storm (BARs rewritten) does not crash kvmpc;
#   - reset payload under -no-reboot: cf9, i8042 0xfe, port 0x92 and a
#     triple fault make kvmpc exit 0, as QEMU 7.2 does;
#   - the boot sector payload from an IDE disk (status 33);
#   - a Linux boot protocol 2.06 image: patched header, command line,
#     initrd placement (status 19);
#   - loader errors: missing file, not a kernel (QEMU's wording);
#   - where QEMU is installed, hello, the linux image and the cf9 reset
#     under QEMU give the same results (its own loaders), and our ROM run
#     by QEMU's SeaBIOS reports a missing boot file / missing fw_cfg DMA
#     and returns to the BIOS.
# Needs the guests (make guests) and ./kvmpc; run from anywhere.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
G=tests/guest
need_kvm

for f in hello.elf hello-low.elf storm.elf reset.elf bootsect.bin linux.bin module.txt; do
	if [ ! -f "$G/$f" ]; then
		echo "1..1"
		echo "not ok 1 - $G/$f missing (run make guests)"
		exit 1
	fi
done

DEV="-device isa-debug-exit,iobase=0xf4,iosize=4"

# run NAME TIMEOUT ARGS...: stdout+stderr in $T/NAME.out, status in $T/NAME.rc
# (TIMEOUT is $WAIT_SECS but where the test accepts a hang as an outcome)
run() {
	name=$1; to=$2; shift 2
	timeout "$to" "$@" </dev/null >"$T/$name.out" 2>&1
	echo $? >"$T/$name.rc"
}
rc() { cat "$T/$1.rc"; }
out_has() { grep -aqF -- "$2" "$T/$1.out"; }

# 1-6: hello through the ROM
run hello "$WAIT_SECS" $KVMPC -nographic -m 128 $DEV -kernel $G/hello.elf \
	-append "exit=5 foo=bar" -initrd "$G/module.txt arg1"
check "hello: marker printed" "out_has hello 'kvmpc payload: hello'" $T/hello.out
check "hello: command line is kernel path + -append" \
	"out_has hello 'kvmpc payload: cmdline: $G/hello.elf exit=5 foo=bar'" $T/hello.out
check "hello: boot loader name kvmpc" "out_has hello 'kvmpc payload: loader: kvmpc'" $T/hello.out
check "hello: module string is the -initrd entry" \
	"out_has hello 'kvmpc payload: module cmdline: $G/module.txt arg1'" $T/hello.out
check "hello: first module line read from guest memory" \
	"out_has hello 'kvmpc payload: module line: first module line for kvmpc'" $T/hello.out
check "hello: exit status (5 << 1) | 1 = 11 (got $(rc hello))" "[ $(rc hello) = 11 ]" $T/hello.out

# a multiboot ELF loaded in conventional memory, at 0x8000 (QEMU loads it)
run hellolow "$WAIT_SECS" $KVMPC -nographic -m 128 $DEV -kernel $G/hello-low.elf \
	-append "exit=6"
check "hello linked at 0x8000: loaded and run there, status 13 (got $(rc hellolow))" \
	"out_has hellolow 'kvmpc payload: running at 8' && out_has hellolow 'cmdline: $G/hello-low.elf exit=6' && [ $(rc hellolow) = 13 ]" \
	$T/hellolow.out

# 7-8: two modules, memory information for -m 256
run hello2 "$WAIT_SECS" $KVMPC -nographic -m 256 $DEV -kernel $G/hello.elf \
	-append "exit=0" -initrd "$G/module.txt,$G/hello.elf x y"
check "hello: two modules reported" "out_has hello2 'kvmpc payload: modules: 2'" $T/hello2.out
check "hello: mem_upper for -m 256 is 260864 KiB (256 KiB kept for SeaBIOS) and exit status 1" \
	"out_has hello2 'mem_upper=260864' && [ $(rc hello2) = 1 ]" $T/hello2.out

# 9-12: storm, two seeds; the second one also hits every PCI BAR (dma=1)
# with test devices, a virtio-blk and an IDE disk attached (snapshot=on)
dd if=/dev/zero of="$T/scratch.img" bs=1024 count=4096 2>/dev/null
EXTRA="-device pci-testdev -device pc-testdev \
	-drive file=$T/scratch.img,format=raw,if=none,id=v0,snapshot=on \
	-device virtio-blk-pci,drive=v0 \
	-drive file=$T/scratch.img,format=raw,if=ide,snapshot=on"
for seed in 1 7; do
	if [ $seed = 1 ]; then more=""; app=""; else more=$EXTRA; app=" dma=1"; fi
	run storm$seed "$WAIT_SECS" $KVMPC -nographic -m 128 $DEV $more -kernel $G/storm.elf \
		-append "seed=$seed n=2000$app"
	check "storm seed=$seed: finished (storm done 2000)" \
		"out_has storm$seed 'storm done 2000'" $T/storm$seed.out
	check "storm seed=$seed: kvmpc alive until the payload's exit (status 1, got $(rc storm$seed))" \
		"[ $(rc storm$seed) = 1 ] && ! grep -aqiE 'internal error|segmentation|assert|abort' $T/storm$seed.out" \
		$T/storm$seed.out
done

# wild storm: BARs and command registers rewritten too.  The payload may
# legitimately die (a BAR moved over its code); kvmpc must not crash:
# status 1 (done), 0 (a reset under -no-reboot) or 124 (guest hung) only.
run wild 120 $KVMPC -nographic -m 128 -no-reboot $DEV $EXTRA -kernel $G/storm.elf \
	-append "seed=3 n=3000 wild=1"
check "wild storm: kvmpc survives BAR/command rewrites (status $(rc wild), $(grep -ac 'storm done' $T/wild.out) finished)" \
	"case $(rc wild) in 0|1|124) true ;; *) false ;; esac && ! grep -aqiE 'internal error|segmentation|assert|abort' $T/wild.out" \
	$T/wild.out

# -no-reboot turns every reset into exit status 0
for how in cf9 kbd 92 triple; do
	run reset_$how "$WAIT_SECS" $KVMPC -nographic -m 64 -no-reboot $DEV \
		-kernel $G/reset.elf -append "how=$how"
	check "-no-reboot: reset via $how exits 0 (got $(rc reset_$how))" \
		"out_has reset_$how 'reset via $how' && [ $(rc reset_$how) = 0 ]" $T/reset_$how.out
done

# 17: boot sector from an IDE disk
dd if=/dev/zero of="$T/disk.img" bs=1024 count=1024 2>/dev/null
dd if=$G/bootsect.bin of="$T/disk.img" conv=notrunc 2>/dev/null
run bootsect "$WAIT_SECS" $KVMPC -nographic -m 64 $DEV \
	-drive file="$T/disk.img",format=raw,if=ide
check "boot sector payload: marker and status 33 (got $(rc bootsect))" \
	"out_has bootsect 'kvmpc bootsect: ok drive=0x80' && [ $(rc bootsect) = 33 ]" $T/bootsect.out

# 18-21: Linux boot protocol image (setup at 0x10000, kernel at 1 MiB)
run linux "$WAIT_SECS" $KVMPC -nographic -m 128 $DEV -kernel $G/linux.bin \
	-append "exit=9 root=/dev/foo" -initrd $G/module.txt
check "linux: protected-mode part reached with the setup at 0x10000" \
	"out_has linux 'kvmpc linux: hello, setup at 0x10000'" $T/linux.out
check "linux: header patched (type_of_loader 0xff, CAN_USE_HEAP, heap_end_ptr 0xfe00)" \
	"out_has linux 'type_of_loader=0xff loadflags=0x81 heap_end_ptr=0xfe00'" $T/linux.out
check "linux: cmd_line_ptr gives the -append string" \
	"out_has linux 'kvmpc linux: cmdline: exit=9 root=/dev/foo'" $T/linux.out
check "linux: initrd page aligned below initrd_addr_max, readable; status 19 (got $(rc linux))" \
	"out_has linux 'page aligned, below initrd_addr_max' && out_has linux 'kvmpc linux: initrd line: first module line for kvmpc' && [ $(rc linux) = 19 ]" \
	$T/linux.out

# loader errors
run nofile "$WAIT_SECS" $KVMPC -nographic -m 64 -kernel "$T/none.elf"
check "missing kernel: QEMU's message, status 1" \
	"out_has nofile \"could not open kernel file '$T/none.elf'\" && [ $(rc nofile) = 1 ]" $T/nofile.out
run notkernel "$WAIT_SECS" $KVMPC -nographic -m 64 -kernel $G/module.txt
check "not a kernel: clear error, status 1" \
	"out_has notkernel \"could not load kernel '$G/module.txt': not a multiboot or Linux kernel\" && [ $(rc notkernel) = 1 ]" \
	$T/notkernel.out

# QEMU agrees on the exit statuses
if command -v "$QEMU" >/dev/null 2>&1; then
	Q="$QEMU -enable-kvm -M pc -net none"
	run qhello "$WAIT_SECS" $Q -nographic -m 128 $DEV -kernel $G/hello.elf \
		-append "exit=5 foo=bar" -initrd "$G/module.txt arg1"
	check "QEMU: hello prints the same lines and exits 11 (got $(rc qhello))" \
		"out_has qhello 'kvmpc payload: module line: first module line for kvmpc' && [ $(rc qhello) = 11 ]" \
		$T/qhello.out
	run qhellolow "$WAIT_SECS" $Q -nographic -m 128 $DEV -kernel $G/hello-low.elf
	check "QEMU: hello linked at 0x8000 runs there too" \
		"out_has qhellolow 'kvmpc payload: running at 8'" $T/qhellolow.out
	run qlinux "$WAIT_SECS" $Q -nographic -m 128 $DEV -kernel $G/linux.bin \
		-append "exit=9 root=/dev/foo" -initrd $G/module.txt
	check "QEMU: the linux image sees the same command line and initrd, status 19 (got $(rc qlinux))" \
		"out_has qlinux 'kvmpc linux: cmdline: exit=9 root=/dev/foo' && out_has qlinux 'kvmpc linux: initrd line: first module line for kvmpc' && [ $(rc qlinux) = 19 ]" \
		$T/qlinux.out
	run qreset "$WAIT_SECS" $Q -nographic -m 64 -no-reboot $DEV -kernel $G/reset.elf -append "how=cf9"
	check "QEMU: -no-reboot reset via cf9 exits 0 too (got $(rc qreset))" \
		"[ $(rc qreset) = 0 ]" $T/qreset.out
	# our ROM on QEMU: it returns to the BIOS with a message on errors
	if [ -f pc-bios/kvmpc-boot.bin ]; then
		# (the BIOS goes on to the next boot device: QEMU keeps running)
		$Q -nographic -m 64 -option-rom pc-bios/kvmpc-boot.bin,bootindex=0 \
			</dev/null >"$T/qnofile.out" 2>&1 &
		track $!
		wait_for "$T/qnofile.out" 'Booting from Hard Disk'
		stop
		check "QEMU + our ROM: missing etc/kvmpc/boot reported, next device tried" \
			"out_has qnofile 'kvmpc-boot: fw_cfg file etc/kvmpc/boot not found' && out_has qnofile 'Booting from Hard Disk'" \
			$T/qnofile.out
		$Q -nographic -m 64 -global fw_cfg_io.dma_enabled=off \
			-option-rom pc-bios/kvmpc-boot.bin,bootindex=0 </dev/null >"$T/qnodma.out" 2>&1 &
		track $!
		wait_for "$T/qnodma.out" 'kvmpc-boot: no fw_cfg DMA interface'
		stop
		check "QEMU + our ROM: no fw_cfg DMA reported" \
			"out_has qnodma 'kvmpc-boot: no fw_cfg DMA interface'" $T/qnodma.out
	else
		skip "pc-bios/kvmpc-boot.bin not built"
		skip "pc-bios/kvmpc-boot.bin not built"
	fi
else
	for i in 1 2 3 4 5 6; do skip "QEMU not installed: no reference run"; done
fi

done_testing
