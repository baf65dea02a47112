#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# SeaBIOS with -usb -device usb-kbd under KVM, read on the debug console
# (port 0x402):
#   - SeaBIOS finds the PIIX3 UHCI at 00:01.2 ("UHCI init on dev 00:01.2")
#     and enumerates the keyboard over its schedule ("USB keyboard
#     initialized"); with a tablet on port 1 the keyboard sits behind the
#     usb-hub that takes port 2, as in QEMU, so SeaBIOS walks the hub too;
#   - ESC sent with the monitor's sendkey goes to the usb-kbd (the most
#     recent keyboard takes the keys, as in QEMU) and SeaBIOS, reading it
#     through the UHCI, opens "Select boot device:";
#   - the same with QMP input-send-event key events and -usbdevice keyboard.
# (That the key goes to the usb-kbd and not the PS/2 keyboard, which
# SeaBIOS reads too, is shown by tests/qtest/usb-test.c's keyboard reports.)
# Where QEMU 7.2 is installed, the same steps run against it too.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm
need_tools socat

# start NAME CMD...: VMM in the background, debugcon in $T/NAME.dbg
start() {
	name=$1; shift
	: >"$T/$name.dbg"
	"$@" -m 128 -nodefaults -display none -cdrom "$T/cd.iso" \
		-boot menu=on,splash-time=60000 \
		-chardev file,id=dbg,path="$T/$name.dbg" -device isa-debugcon,iobase=0x402,chardev=dbg \
		</dev/null >"$T/$name.out" 2>&1 &
	track $!
}
truncate -s 1M "$T/cd.iso"

# menu VMM LABEL: ESC through HMP sendkey opens the boot menu
menu_hmp() {
	start "$2" $1 -usb -device usb-tablet -device usb-kbd -monitor unix:"$T/$2.hmp",server=on,wait=off
	if wait_for "$T/$2.dbg" "Press ESC for boot menu."; then
		hmp "$T/$2.hmp" "sendkey esc" >/dev/null
		wait_for "$T/$2.dbg" "Select boot device:"
	fi
	stop
	check "$2: SeaBIOS inits the UHCI at 00:01.2" "has $T/$2.dbg 'UHCI init on dev 00:01.2'" \
		"$T/$2.dbg"
	check "$2: SeaBIOS enumerates the usb-kbd behind the hub ('USB keyboard initialized')" \
		"has $T/$2.dbg 'USB keyboard initialized'" "$T/$2.dbg"
	check "$2: ESC (sendkey) on the usb-kbd opens the boot menu" \
		"has $T/$2.dbg 'Select boot device:' && has $T/$2.dbg '. DVD/CD'" "$T/$2.dbg"
}

# the same with QMP input-send-event and -usbdevice keyboard
menu_qmp() {
	start "$2" $1 -usbdevice keyboard -qmp unix:"$T/$2.qmp",server=on,wait=off
	if wait_for "$T/$2.dbg" "Press ESC for boot menu."; then
		qmp "$T/$2.qmp" '{"execute": "input-send-event", "arguments": {"events": [{"type": "key", "data": {"down": true, "key": {"type": "qcode", "data": "esc"}}}]}}' \
			'{"execute": "input-send-event", "arguments": {"events": [{"type": "key", "data": {"down": false, "key": {"type": "qcode", "data": "esc"}}}]}}' \
			>"$T/$2.qmpout"
		wait_for "$T/$2.dbg" "Select boot device:"
	fi
	stop
	check "$2: ESC (input-send-event) on -usbdevice keyboard opens the boot menu" \
		"has $T/$2.dbg 'USB keyboard initialized' && has $T/$2.dbg 'Select boot device:'" \
		"$T/$2.dbg"
}

menu_hmp "$KVMPC" kvmpc-hmp
menu_qmp "$KVMPC" kvmpc-qmp
if command -v qemu-system-x86_64 >/dev/null 2>&1; then
	menu_hmp "qemu-system-x86_64 -machine pc -accel kvm" qemu-hmp
	menu_qmp "qemu-system-x86_64 -machine pc -accel kvm" qemu-qmp
else
	skip "QEMU 7.2 not installed: no reference run"
fi
done_testing
