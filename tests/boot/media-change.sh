#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# CD media change seen by the guest, under KVM: the ide payload
# (tests/guest/ide.c, mode=media) polls the IDE CD-ROM (ide1-cd0) with
# TEST UNIT READY / REQUEST SENSE / READ(10) and prints every change of
# state while the host swaps media through the monitors:
#   QMP blockdev-change-medium A -> B: NOT READY (3a), UNIT ATTENTION
#       (28), then B's bytes;
#   HMP eject: NOT READY (3a, tray open), "info block" says tray open;
#   HMP change -> C: UNIT ATTENTION (28), then C's bytes; the payload
#       exits (status 1).
# The same run under QEMU 7.2 must print the same sequence.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
G=tests/guest
need_kvm
need_tools socat
if [ ! -f $G/ide.elf ]; then
	echo "1..1"
	echo "not ok 1 - $G/ide.elf missing (run make guests)"
	exit 0
fi

for m in A B C; do
	{ printf "MEDIUM-$m 0123456789"; head -c 131072 /dev/zero; } | head -c 131072 >"$T/cd$m.iso"
done

# last_is FILE PATTERN: the last line of FILE matches PATTERN (grep BRE)
last_is() { tail -n 1 "$1" 2>/dev/null | grep -q "$2"; }
# wait_last FILE PATTERN: until the last line of FILE matches PATTERN
wait_last() { wait_until "last line /$2/ in $(basename "$1")" last_is "$@"; }

# scenario NAME CMD...: runs the whole swap sequence, leaves $T/NAME.*
scenario() {
	name=$1; shift
	s=$T/$name
	: >"$s.serial"
	"$@" -m 128 -display none -serial file:"$s.serial" \
		-monitor unix:"$s.hmp",server=on,wait=off \
		-qmp unix:"$s.qmp",server=on,wait=off \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -cdrom "$T/cdA.iso" \
		-kernel $G/ide.elf -append "mode=media until=MEDIUM-C secs=200" \
		</dev/null >"$s.log" 2>&1 &
	track $!
	: >"$s.mon"
	if wait_last "$s.serial" "data=MEDIUM-A"; then
		qmp "$s.qmp" '{"execute":"blockdev-change-medium","arguments":{"device":"ide1-cd0","filename":"'"$T/cdB.iso"'","format":"raw"}}'
		cat "$T/qmp.out" >>"$s.mon"
		if wait_last "$s.serial" "data=MEDIUM-B"; then
			hmp "$s.hmp" "eject ide1-cd0" >>"$s.mon"
			wait_last "$s.serial" "key=2 asc=3a"
			hmp "$s.hmp" "info block" >"$s.info"
			hmp "$s.hmp" "change ide1-cd0 $T/cdC.iso raw" >>"$s.mon"
		fi
	fi
	wait_exit
	echo $rc >"$s.rc"
	tr -d '\r' <"$s.serial" | sed -n 's/^media: //p' | grep -v '^polling' >"$s.seq"
}

cat >"$T/expected" <<EOF
ready data=MEDIUM-A 0123456
sense key=2 asc=3a ascq=00
sense key=6 asc=28 ascq=00
ready data=MEDIUM-B 0123456
sense key=2 asc=3a ascq=00
sense key=6 asc=28 ascq=00
ready data=MEDIUM-C 0123456
done
EOF
# the line that follows PAT in FILE
after() { grep -A1 "$2" "$1" | sed -n 2p; }

scenario kvmpc $KVMPC
K=$T/kvmpc
check "guest reads medium A's first bytes from the CD" \
	"grep -q '^ready data=MEDIUM-A' $K.seq" $K.serial
check "QMP blockdev-change-medium answers without error" \
	"grep -q '\"return\": *{}' $K.mon && ! grep -q '\"error\"' $K.mon" $K.mon
check "after the QMP change the guest sees NOT READY/3a, then UNIT ATTENTION/28, then B" \
	"[ \"\$(grep -A3 MEDIUM-A $K.seq | tail -n 3 | tr '\n' '|')\" = 'sense key=2 asc=3a ascq=00|sense key=6 asc=28 ascq=00|ready data=MEDIUM-B 0123456|' ]" \
	$K.seq
check "after HMP eject the guest sees NOT READY, medium not present (3a)" \
	"[ \"\$(after $K.seq MEDIUM-B)\" = 'sense key=2 asc=3a ascq=00' ]" $K.seq
check "HMP info block shows the tray open after eject" \
	"grep -q 'tray open' $K.info" $K.info
check "after HMP change the guest sees UNIT ATTENTION/28, then C, and exits 0 (status 1, got $(cat $K.rc))" \
	"[ \"\$(tail -n 3 $K.seq | tr '\n' '|')\" = 'sense key=6 asc=28 ascq=00|ready data=MEDIUM-C 0123456|done|' ] && [ \$(cat $K.rc) = 1 ]" \
	$K.seq
check "the whole sequence, nothing else in between" "cmp -s $T/expected $K.seq" $K.seq

if command -v "$QEMU" >/dev/null 2>&1; then
	scenario qemu $QEMU -enable-kvm -M pc -net none
	check "QEMU 7.2: the same sequence for the same swaps (status $(cat $T/qemu.rc))" \
		"cmp -s $T/expected $T/qemu.seq && [ \$(cat $T/qemu.rc) = 1 ]" $T/qemu.seq
else
	skip "QEMU not installed: no reference run"
fi
done_testing
