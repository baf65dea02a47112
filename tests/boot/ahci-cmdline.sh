#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -device ahci command lines: what kvmpc accepts and the one-line errors it
# prints must match QEMU 7.2's (the text after "PROGRAM: "), for the bus
# names of AHCI ports (<id>.<port>, and ide.N for a controller without an
# id), a port past the six, and a port already taken.  Needs no KVM: every
# case either fails at start-up or is stopped at once (-S, QMP quit).
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null 2>&1 || skip_all "$QEMU not installed: nothing to compare with"
truncate -s 1M "$T/d.img"
# first line of stderr, program name cut, or "started, exit N" when it ran
try() { # try BINARY ARGS...
	b=$1; shift
	echo '{"execute":"qmp_capabilities"}{"execute":"quit"}' |
		timeout 20 $b -nodefaults -display none -S -machine pc -qmp stdio \
		-drive if=none,id=d0,file="$T/d.img",format=raw "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ -s "$T/err" ]; then head -n 1 "$T/err" | sed 's/^[^:]*: //'; else echo "started, exit $rc"; fi
}
same() { # same DESC ARGS...
	desc=$1; shift
	k=$(try "$KVMPC" "$@"); q=$(try "$QEMU" "$@")
	if [ "$k" = "$q" ]; then ok "$desc: $k"; else notok "$desc: kvmpc '$k', QEMU '$q'"; fi
}
same "ide-hd on ahci0.0" -device ahci,id=ahci0 -device ide-hd,drive=d0,bus=ahci0.0
same "ich9-ahci alias" -device ich9-ahci,id=ahci0 -device ide-hd,drive=d0,bus=ahci0.5
same "empty ide-cd on a port" -device ahci,id=ahci0 -device ide-cd,bus=ahci0.3
same "ide.2 is the first port of an ahci without id" -device ahci -device ide-hd,drive=d0,bus=ide.2
same "ide.8 does not exist" -device ahci -device ide-hd,drive=d0,bus=ide.8
same "no ide.2 when the ahci has an id" -device ahci,id=ahci0 -device ide-hd,drive=d0,bus=ide.2
same "port 6 does not exist" -device ahci,id=ahci0 -device ide-hd,drive=d0,bus=ahci0.6
same "a taken port" -device ahci,id=ahci0 -device ide-hd,drive=d0,bus=ahci0.0 -device ide-cd,bus=ahci0.0
same "unit=1 on a port" -device ahci,id=ahci0 -device ide-hd,drive=d0,bus=ahci0.0,unit=1
same "unit=0 taken" -device ahci,id=ahci0 -device ide-hd,drive=d0,bus=ahci0.0,unit=0 -device ide-cd,bus=ahci0.0,unit=0
done_testing
