#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian-built guest ISO (tests/guest/mkguest.sh) under real SeaBIOS:
# El Torito boot from the IDE CD-ROM and MBR boot of the same hybrid image
# from an IDE disk and from virtio-blk, all to GRUB (its banner on the
# serial console).
# Full OS boots (Linux to its init marker, a disk write checked on the
# host) run only where guest kernel code runs at hardware speed: a
# calibration (SeaBIOS POST time) decides, and a skip is reported loudly.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm
ISO=$(sh tests/guest/mkguest.sh 2>build/mkguest.err | tail -1)
if [ ! -f "$ISO" ]; then
	echo "not ok 1 - building the guest ISO from Debian packages"
	sed 's/^/#   /' build/mkguest.err
	echo "1..1"
	exit 0
fi
run() { # run OUT ARGS...: start kvmpc in the background
	out=$1; shift
	$KVMPC -nographic -m 512 "$@" </dev/null >"$out" 2>&1 &
	track $!
}
# GRUB draws through cursor-positioning escapes between characters:
# wait_for and has match the text with the escapes removed

run "$T/cd.out" -cdrom "$ISO" -boot d
if wait_for "$T/cd.out" "Welcome to GRUB"; then
	ok "CD boot: SeaBIOS boots the ISO from the ATAPI CD-ROM into GRUB"
else
	notok "CD boot into GRUB" "$T/cd.out"
fi
has "$T/cd.out" "Booting from DVD/CD" && ok "SeaBIOS says Booting from DVD/CD" ||
	notok "SeaBIOS says Booting from DVD/CD" "$T/cd.out"
stop

cp "$ISO" "$T/disk.img"
run "$T/hd.out" -drive file="$T/disk.img",format=raw,if=ide,index=0 -boot c
if wait_for "$T/hd.out" "Welcome to GRUB"; then
	ok "disk boot: the hybrid image boots from an IDE disk into GRUB"
else
	notok "disk boot into GRUB" "$T/hd.out"
fi
stop

run "$T/vd.out" -drive file="$T/disk.img",format=raw,if=virtio -boot c
if wait_for "$T/vd.out" "Welcome to GRUB"; then
	ok "virtio-blk boot: SeaBIOS boots the image from virtio-blk into GRUB"
else
	notok "virtio-blk boot into GRUB" "$T/vd.out"
fi
stop

# calibration: how long does SeaBIOS take to POST here?
start=$(date +%s%N)
$KVMPC -m 128 -nodefaults -display none -chardev file,id=d,path="$T/cal.log" \
	-device isa-debugcon,iobase=0x402,chardev=d >/dev/null 2>&1 &
track $!
cal=ok
wait_for "$T/cal.log" "No bootable device" || cal=
ms=$(( ($(date +%s%N) - start) / 1000000 ))
stop
if [ -z "$cal" ]; then
	# no calibration is no excuse to skip: report it
	notok "calibration: SeaBIOS reaches 'No bootable device' (${ms} ms)" "$T/cal.log"
elif [ "$ms" -gt 3000 ]; then
	skip "full Linux boot from CD and disk: guest kernel code is emulated here (SeaBIOS POST took ${ms} ms; hardware-speed KVM takes < 1 s): SKIPPED LOUDLY"
	skip "guest disk write checked on the host: needs hardware-speed KVM (see above)"
	skip "Linux on virtio: root disk write, wget through slirp, balloon: needs hardware-speed KVM"
else
	truncate -s 64M "$T/data.img"
	run "$T/linux.out" -cdrom "$ISO" -boot d -drive file="$T/data.img",format=raw,if=ide,index=0
	if wait_for "$T/linux.out" "KVMPC-GUEST: ready"; then
		ok "Linux guest from CD reaches its init marker (POST ${ms} ms)"
	else
		notok "Linux guest from CD reaches its init marker" "$T/linux.out"
	fi
	stop
	if dd if="$T/data.img" bs=512 skip=2048 count=1 2>/dev/null | grep -aq KVMPC-DISK-MARKER; then
		ok "the guest's disk write is on the host image"
	else
		notok "the guest's disk write is on the host image" "$T/linux.out"
	fi
	# virtio tier: kernel + initrd directly, disk/net/balloon on virtio,
	# an HTTP server on 127.0.0.1 reached only through slirp's guestfwd
	head -c 300000 /dev/urandom > "$T/file"
	want=$(sha256sum "$T/file" | cut -c1-64)
	hport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	(cd "$T" && exec python3 -m http.server --bind 127.0.0.1 "$hport" >/dev/null 2>&1) &
	hpid=$!
	bg_pids="$bg_pids $hpid"
	truncate -s 64M "$T/vdata.img"
	run "$T/virtio.out" -kernel build/guest/bzImage -initrd build/guest/initrd.gz \
		-append "console=ttyS0 kvmpc.check=disk-write,net,balloon kvmpc.host=10.0.2.100 kvmpc.port=8000" \
		-drive file="$T/vdata.img",format=raw,if=virtio -device virtio-balloon-pci \
		-nic "user,model=virtio-net-pci,restrict=on,guestfwd=tcp:10.0.2.100:8000-cmd:socat STDIO TCP:127.0.0.1:$hport"
	wait_for "$T/virtio.out" "KVMPC-GUEST: ready"
	grep -aq "check net ok $want" "$T/virtio.out" && ok "wget through slirp: checksum intact" ||
		notok "wget through slirp: checksum intact" "$T/virtio.out"
	grep -aq "KVMPC-GUEST: MemTotal" "$T/virtio.out" && ok "the guest reports its memory (balloon driver loaded)" ||
		notok "the guest reports its memory" "$T/virtio.out"
	stop
	stop $hpid
	dd if="$T/vdata.img" bs=512 skip=2048 count=1 2>/dev/null | grep -aq KVMPC-DISK-MARKER &&
		ok "the guest's virtio disk write is on the host image" ||
		notok "the guest's virtio disk write is on the host image" "$T/virtio.out"
fi
done_testing
