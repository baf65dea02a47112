#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Direct boot of Debian's real kernel (build/guest/bzImage from
# tests/guest/mkguest.sh) through SeaBIOS and our boot ROM, under KVM, with
# the serial console:
#   - the plain command line "earlyprintk=serial,ttyS0,115200 console=ttyS0":
#     the real-mode setup code prints "Probing EDD", then the 64-bit
#     decompressor prints its KASLR line (with the default 128 MiB it finds
#     no slot, as under QEMU: "Physical KASLR disabled");
#   - with "debug" and -initrd build/guest/initrd.gz: the setup code, having
#     read the command line at cmd_line_ptr, prints "early console in setup
#     code" (Linux prints it only with "debug"), then "Probing EDD".
# The same runs under QEMU 7.2 (-net none, so no iPXE) must print the same
# markers; the times from start to each marker are reported (TAP comments,
# and the ratio QEMU/kvmpc for the EDD marker: above 1 means kvmpc is
# faster).  Guest kernel code is emulated on some hosts (~1 MIPS), so the
# timeouts are generous.  The setup code writes each character to both
# the BIOS console and the UART, so with SeaBIOS's serial console the
# characters can come doubled ("PPrroobbiinngg"): markers are compared with
# repeated characters squeezed.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm
mkdir -p build
ISO=$(sh tests/guest/mkguest.sh 2>build/mkguest.err | tail -1)
K=build/guest/bzImage
RD=build/guest/initrd.gz
if [ ! -f "$ISO" ] || [ ! -f $K ] || [ ! -f $RD ]; then
	echo "not ok 1 - building the Debian guest kernel (tests/guest/mkguest.sh)"
	sed 's/^/#   /' build/mkguest.err
	echo "1..1"
	exit 0
fi
sq() { tr -d '\r' | tr -s '[:print:]'; }
ms_now() { echo $(($(date +%s%N) / 1000000)); }

APPEND="earlyprintk=serial,ttyS0,115200 console=ttyS0"
# start NAME CMD...: the VMM in the background, output in $T/NAME.out
start() {
	name=$1; shift
	t0=$(ms_now)
	"$@" </dev/null >"$T/$name.out" 2>&1 &
	track $!
}
# seen FILE TEXT: TEXT in FILE, both with repeated characters squeezed
seen() { { sq <"$1"; } 2>/dev/null | grep -aqF -- "$(printf "%s" "$2" | sq)"; }
# marker NAME TEXT: wait for TEXT; sets $T/NAME.<first word> to the ms
marker() {
	wait_until "'$2' in $1.out" seen "$T/$1.out" "$2" || return 1
	echo $(($(ms_now) - t0)) >"$T/$1.$(echo "$2" | cut -d' ' -f1)"
}
t() { cat "$T/$1.$2" 2>/dev/null || echo "-"; }

# plain: the command line of the issue
plain() { # plain NAME CMD...
	name=$1; shift
	start "$name" "$@" -nographic -kernel $K -append "$APPEND"
	marker "$name" "Probing EDD" && marker "$name" "Physical KASLR disabled"
	r=$?
	stop
	return $r
}
# debug: "debug" on the command line and the initrd
debug() {
	name=$1; shift
	start "$name" "$@" -nographic -kernel $K -initrd $RD -append "$APPEND debug"
	marker "$name" "early console in setup code" && marker "$name" "Probing EDD"
	r=$?
	stop
	return $r
}

if plain k1 $KVMPC; then
	ok "bzImage: setup code prints 'Probing EDD' on serial ($(t k1 Probing) ms)"
	ok "bzImage: the 64-bit decompressor prints its KASLR line ($(t k1 Physical) ms)"
else
	grep -q "Probing" $T/k1.out 2>/dev/null && ok "bzImage: setup code prints 'Probing EDD'" ||
		notok "bzImage: setup code prints 'Probing EDD'" $T/k1.out
	notok "bzImage: the 64-bit decompressor prints its KASLR line" $T/k1.out
fi
if sq <$T/k1.out | grep -aqF "early console"; then
	notok "without 'debug' the setup code stays quiet about its early console (as Linux)" $T/k1.out
else
	ok "without 'debug' the setup code stays quiet about its early console (as Linux)"
fi
if debug k2 $KVMPC; then
	ok "bzImage + initrd + debug: 'early console in setup code' ($(t k2 early) ms), 'Probing EDD' ($(t k2 Probing) ms)"
else
	notok "bzImage + initrd + debug: 'early console in setup code', then 'Probing EDD'" $T/k2.out
fi
grep -aq "kvmpc-boot:" $T/k2.out &&
	notok "no error from the boot ROM" $T/k2.out || ok "no error from the boot ROM"

if command -v "$QEMU" >/dev/null 2>&1; then
	Q="$QEMU -enable-kvm -M pc -net none"
	plain q1 $Q
	r1=$?
	debug q2 $Q
	r2=$?
	if [ $r1 = 0 ] && [ $r2 = 0 ]; then
		ok "QEMU 7.2 prints the same markers"
	else
		notok "QEMU 7.2 prints the same markers" $T/q1.out
	fi
	echo "# time to marker (ms)       kvmpc   qemu-7.2"
	for m in "k1 q1 Probing plain: Probing EDD" "k1 q1 Physical plain: KASLR line" \
		"k2 q2 early debug: early console" "k2 q2 Probing debug: Probing EDD"; do
		set -- $m
		a=$1; b=$2; key=$3; shift 3
		printf '# %-26s %6s %8s\n' "$*" "$(t $a $key)" "$(t $b $key)"
	done
	ratio=$(awk -v k="$(t k1 Probing)" -v q="$(t q1 Probing)" \
		'BEGIN { if (k > 0 && q > 0) printf "%.2f", q / k; else print "n/a" }')
	echo "# EDD marker: QEMU/kvmpc time ratio $ratio (above 1: kvmpc faster)"
else
	skip "QEMU not installed: no reference run"
fi
done_testing
