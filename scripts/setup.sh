#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 packages kvmpc needs to build, test and run its demo.
# Installs only what is missing; needs root (or sudo) when something is.
set -e
PKGS="gcc make pkg-config libc6-dev linux-libc-dev libglib2.0-dev libpixman-1-dev
libsdl2-dev libslirp-dev libjson-glib-dev libpng-dev zlib1g-dev seabios
qemu-system-x86 qemu-utils socat xvfb xdotool imagemagick xxd
grub-common grub-pc-bin xorriso mtools kmod cpio gvncviewer evilwm x11-utils stress-ng
clang libclang-rt-dev libzstd-dev libseccomp-dev nettle-dev
libvirt-daemon-system libvirt-clients"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
echo "setup: installing:$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q || true
$SUDO apt-get install -y -q --no-install-recommends $missing
