#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -boot options as SeaBIOS shows them, under KVM (TAP), read on the debug
# console (port 0x402) and the serial console:
#   - menu=on,splash-time=4000: "Press ESC for boot menu." and a pause of
#     about 4 s before "No bootable device"; menu=off: no prompt;
#   - ESC sent with the monitor's sendkey opens "Select boot device:",
#     listing the CD-ROM;
#   - once=d with order=c: the Debian guest ISO (tests/guest/mkguest.sh)
#     boots from the CD into GRUB; after system_reset from the monitor the
#     regular order boots the disk (tests/guest/bootsect.bin: status 33).
#     (GRUB's own "reboot" would be the guest-initiated reset, but keys sent
#     with sendkey do not reach GRUB 2.06's menu, under QEMU 7.2 either);
#   - once=d again with a guest-initiated reset: a tiny El Torito image
#     writes the PIIX3 reset register 0xcf9; the disk boots next.
# Where QEMU 7.2 is installed, the prompt test runs against it too.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
G=tests/guest
need_kvm
need_tools socat
ms_now() { echo $(($(date +%s%N) / 1000000)); }

# start NAME CMD...: VMM in the background, debugcon in $T/NAME.dbg
start() {
	name=$1; shift
	: >"$T/$name.dbg"
	"$@" -chardev file,id=dbg,path="$T/$name.dbg" -device isa-debugcon,iobase=0x402,chardev=dbg \
		</dev/null >"$T/$name.out" 2>&1 &
	track $!
}
finish() { stop; echo $rc >"$T/$name.rc"; }
# until_exit: the VMM ends by itself (isa-debug-exit), status in $T/NAME.rc
until_exit() { wait_exit; echo $rc >"$T/$name.rc"; }
# timed_wait FILE TEXT: wait_for, printing the ms it took
timed_wait() {
	w0=$(ms_now)
	wait_for "$1" "$2" || return 1
	echo $(($(ms_now) - w0))
}

# prompt NAME CMD...: menu=on,splash-time=4000 with nothing to boot
prompt() {
	name=$1; shift
	start "$name" "$@" -m 128 -nodefaults -display none -boot menu=on,splash-time=4000
	wait_for "$T/$name.dbg" "Press ESC for boot menu." &&
		timed_wait "$T/$name.dbg" "No bootable device" >"$T/$name.pause"
	finish
}
prompt on $KVMPC
check "menu=on: SeaBIOS prints 'Press ESC for boot menu.'" \
	"has $T/on.dbg 'Press ESC for boot menu.'" $T/on.dbg
pause=$(cat $T/on.pause 2>/dev/null)
check "splash-time=4000: SeaBIOS waits at the prompt (${pause:-?} ms until 'No bootable device')" \
	"[ -n '$pause' ] && [ ${pause:-0} -ge 3500 ]" $T/on.dbg

start off $KVMPC -m 128 -nodefaults -display none -boot menu=off
wait_for "$T/off.dbg" "No bootable device"
finish
check "menu=off: SeaBIOS reaches 'No bootable device' without the prompt" \
	"has $T/off.dbg 'No bootable device' && ! has $T/off.dbg 'Press ESC'" $T/off.dbg

truncate -s 1M "$T/cd.iso"
start esc $KVMPC -m 128 -nodefaults -display none -cdrom "$T/cd.iso" \
	-monitor unix:"$T/esc.hmp",server=on,wait=off -boot menu=on,splash-time=60000
if wait_for "$T/esc.dbg" "Press ESC for boot menu."; then
	hmp "$T/esc.hmp" "sendkey esc" >/dev/null
	wait_for "$T/esc.dbg" "Select boot device:"
	wait_for "$T/esc.dbg" "DVD/CD"
fi
finish
check "ESC (monitor sendkey) opens SeaBIOS's boot menu listing the CD-ROM" \
	"has $T/esc.dbg 'Select boot device:' && has $T/esc.dbg '. DVD/CD'" $T/esc.dbg

# once=d: CD first, the regular order after a reset
ISO=$(sh tests/guest/mkguest.sh 2>"$T/mkguest.err" | tail -1)
if [ ! -f "$ISO" ] || [ ! -f $G/bootsect.bin ]; then
	notok "once=d: the guest ISO and $G/bootsect.bin are needed (mkguest.sh, make guests)" "$T/mkguest.err"
else
	dd if=/dev/zero of="$T/disk.img" bs=1024 count=1024 2>/dev/null
	dd if=$G/bootsect.bin of="$T/disk.img" conv=notrunc 2>/dev/null
	start once $KVMPC -m 256 -display none -serial file:"$T/once.serial" \
		-monitor unix:"$T/once.hmp",server=on,wait=off \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-drive file="$T/disk.img",format=raw,if=ide,index=0 -cdrom "$ISO" \
		-boot order=c,once=d
	grub=
	if wait_for "$T/once.dbg" "Booting from DVD/CD" &&
		wait_for "$T/once.serial" "GNU GRUB"; then
		grub=1
		hmp "$T/once.hmp" "system_reset" >/dev/null
		wait_for "$T/once.dbg" "kvmpc bootsect: ok"
		until_exit
	else
		finish
	fi
	check "once=d: the first boot is from the CD, into GRUB" "[ -n '$grub' ]" $T/once.dbg
	check "once=d: after system_reset the regular order boots the disk (status 33, got $(cat $T/once.rc))" \
		"has $T/once.dbg 'Booting from Hard Disk' && has $T/once.dbg 'kvmpc bootsect: ok drive=0x80' && [ \$(cat $T/once.rc) = 33 ]" \
		$T/once.dbg
	check "once=d: the disk is booted only after the reset" \
		"[ \"\$(tr -d '\r' <$T/once.dbg | grep -aE '^Booting from (DVD/CD|Hard Disk)' | head -n 2 | tr '\n' '|')\" = 'Booting from DVD/CD...|Booting from Hard Disk...|' ]" \
		$T/once.dbg
fi

# once=d with a guest-initiated reset: a no-emulation El Torito image
# that resets the machine through the PIIX3 reset control register 0xcf9
put() { dd of="$1" bs=2048 seek="$2" conv=notrunc 2>/dev/null; }
mkresetcd() {
	head -c $((32 * 2048)) /dev/zero >"$1"
	{ printf '\001CD001\001'; head -c 32 /dev/zero; printf 'KVMPC_RESET'; } | put "$1" 16
	{ printf '\000CD001\001EL TORITO SPECIFICATION'; head -c 41 /dev/zero; printf '\023\000\000\000'; } |
		put "$1" 17
	printf '\377CD001\001' | put "$1" 18
	{
		printf '\001'; head -c 29 /dev/zero; printf '\125\252'
		printf '\210\000\000\000\000\000\001\000\024\000\000\000'
	} | put "$1" 19
	# mov dx,0xcf9; mov al,2; out dx,al; mov al,6; out dx,al; hlt; jmp hlt
	printf '\272\371\014\260\002\356\260\006\356\364\353\375' | put "$1" 20
}
# guest_reset NAME CMD...: CD first (once=d), reset by the guest, then disk
guest_reset() {
	name=$1; shift
	start "$name" "$@" -m 128 -display none -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-drive file="$T/disk.img",format=raw,if=ide,index=0 -cdrom "$T/reset.iso" \
		-boot order=c,once=d
	wait_for "$T/$name.dbg" "kvmpc bootsect: ok"
	until_exit
}
dd if=/dev/zero of="$T/disk.img" bs=1024 count=1024 2>/dev/null
dd if=$G/bootsect.bin of="$T/disk.img" conv=notrunc 2>/dev/null
mkresetcd "$T/reset.iso"
boots() { tr -d '\r' <"$1" | grep -aE '^Booting from (DVD/CD|Hard Disk)' | tr '\n' '|'; }
guest_reset greset $KVMPC
check "once=d: CD image resets the machine (0xcf9), the disk boots next (status 33, got $(cat $T/greset.rc))" \
	"[ \"\$(boots $T/greset.dbg)\" = 'Booting from DVD/CD...|Booting from Hard Disk...|' ] && [ \$(cat $T/greset.rc) = 33 ]" \
	$T/greset.dbg

if command -v "$QEMU" >/dev/null 2>&1; then
	prompt qon $QEMU -enable-kvm -M pc
	start qoff $QEMU -enable-kvm -M pc -m 128 -nodefaults -display none -boot menu=off
	wait_for "$T/qoff.dbg" "No bootable device"
	finish
	guest_reset qreset $QEMU -enable-kvm -M pc -net none
	check "QEMU 7.2: the same once=d boots around a guest reset (status $(cat $T/qreset.rc))" \
		"[ \"\$(boots $T/qreset.dbg)\" = 'Booting from DVD/CD...|Booting from Hard Disk...|' ] && [ \$(cat $T/qreset.rc) = 33 ]" \
		$T/qreset.dbg
	check "QEMU 7.2 agrees: prompt with menu=on ($(cat $T/qon.pause 2>/dev/null) ms pause), none with menu=off" \
		"has $T/qon.dbg 'Press ESC for boot menu.' && has $T/qoff.dbg 'No bootable device' && ! has $T/qoff.dbg 'Press ESC'" \
		$T/qon.dbg
else
	skip "QEMU not installed: no reference run"
	skip "QEMU not installed: no reference run"
fi
done_testing
