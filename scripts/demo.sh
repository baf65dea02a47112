#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: build the demo guest from Debian packages (tests/guest/mkguest.sh:
# Debian's kernel + busybox, memtest86+, grub-invaders on a GRUB CD) and boot
# it: in an SDL window when a desktop is there, else on this terminal.
set -e
cd "$(dirname "$0")/.."
if [ ! -e /dev/kvm ]; then
	echo "demo: /dev/kvm is missing: kvmpc needs KVM (load kvm_intel or kvm_amd)" >&2
	exit 1
fi
echo "demo: building the guest CD from Debian packages (cached in build/guest)"
iso=$(sh tests/guest/mkguest.sh)
dd if=/dev/zero of=build/guest/demo-disk.img bs=1M count=0 seek=64 2>/dev/null
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${DEMO_TERMINAL:-}" ]; then
	echo "demo: SeaBIOS, then GRUB's menu: Linux guest, memtest86+, grub-invaders"
	exec ./kvmpc -name "kvmpc demo" -m 1G -cdrom "$iso" -boot d \
		-drive file=build/guest/demo-disk.img,format=raw,if=ide,index=0
fi
echo "demo: no desktop: the guest's console is this terminal (quit: Ctrl-A x)"
exec ./kvmpc -name "kvmpc demo" -nographic -m 1G -cdrom "$iso" -boot d \
	-drive file=build/guest/demo-disk.img,format=raw,if=ide,index=0
