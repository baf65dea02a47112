#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian-built guest ISO (tests/guest/mkguest.sh) under real SeaBIOS on
# AHCI, as a Windows or BSD install would start: El Torito boot from an
# ide-cd on -device ahci into GRUB, then MBR boot of the same hybrid image
# from an ide-hd on the AHCI controller into GRUB (its banner on the serial
# console).  KVMPC=qemu-system-x86_64 runs the same script against QEMU.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "SeaBIOS boot tests need KVM"
ACCEL=
case "$KVMPC" in *qemu*) ACCEL="-machine pc -enable-kvm" ;; esac
ISO=$(sh tests/guest/mkguest.sh 2>build/mkguest.err | tail -1)
if [ ! -f "$ISO" ]; then
	echo "not ok 1 - building the guest ISO from Debian packages"
	sed 's/^/#   /' build/mkguest.err
	echo "1..1"
	exit 0
fi
run() { # run OUT ARGS...: start the VMM in the background
	out=$1; shift
	$KVMPC $ACCEL -nographic -m 512 -device ahci,id=ahci0 "$@" </dev/null >"$out" 2>&1 &
	track $!
}

run "$T/cd.out" -drive if=none,id=c0,file="$ISO",format=raw,media=cdrom \
	-device ide-cd,drive=c0,bus=ahci0.2 -boot d
if wait_for "$T/cd.out" "Welcome to GRUB"; then
	ok "AHCI CD boot: SeaBIOS boots the ISO from ide-cd on ahci0.2 into GRUB"
else
	notok "AHCI CD boot into GRUB" "$T/cd.out"
fi
has "$T/cd.out" "Booting from DVD/CD" && ok "SeaBIOS says Booting from DVD/CD" ||
	notok "SeaBIOS says Booting from DVD/CD" "$T/cd.out"
stop

cp "$ISO" "$T/disk.img"
run "$T/hd.out" -drive if=none,id=d0,file="$T/disk.img",format=raw \
	-device ide-hd,drive=d0,bus=ahci0.0 -boot c
if wait_for "$T/hd.out" "Welcome to GRUB"; then
	ok "AHCI disk boot: the hybrid image boots from ide-hd on ahci0.0 into GRUB"
else
	notok "AHCI disk boot into GRUB" "$T/hd.out"
fi
has "$T/hd.out" "Booting from Hard Disk" && ok "SeaBIOS says Booting from Hard Disk" ||
	notok "SeaBIOS says Booting from Hard Disk" "$T/hd.out"
stop
done_testing
