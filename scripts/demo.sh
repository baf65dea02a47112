#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: boot the demo guest.  Today that is SeaBIOS itself on the
# terminal: it POSTs, tries its boot devices and reports "No bootable
# device".  Quit with Ctrl-A x.
set -e
cd "$(dirname "$0")/.."
if [ ! -e /dev/kvm ]; then
	echo "demo: /dev/kvm is missing: kvmpc needs KVM (load kvm_intel or kvm_amd)" >&2
	exit 1
fi
echo "demo: starting SeaBIOS on the terminal (quit with Ctrl-A x)"
exec ./kvmpc -nographic -m 512 -name demo
