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
KVMPC=${KVMPC:-./kvmpc}
QEMU=${QEMU:-qemu-system-x86_64}
G=tests/guest
if [ ! -c /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo "1..0 # SKIP no usable /dev/kvm"
	exit 0
fi
if ! command -v socat >/dev/null 2>&1; then
	echo "1..0 # SKIP socat is needed to talk to the monitors"
	exit 0
fi
if [ ! -f $G/ide.elf ]; then
	echo "1..1"
	echo "not ok 1 - $G/ide.elf missing (run make guests)"
	exit 0
fi
T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
	n=$((n + 1)); echo "not ok $n - $1"
	[ -f "$2" ] && tail -n 15 "$2" | sed 's/^/#   /'
}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1" "$3"; fi; }

for m in A B C; do
	{ printf "MEDIUM-$m 0123456789"; head -c 131072 /dev/zero; } | head -c 131072 >"$T/cd$m.iso"
done

# wait_last FILE PATTERN SECS: the last line of FILE matches PATTERN
wait_last() {
	i=0
	while [ $i -lt $(($3 * 5)) ]; do
		tail -n 1 "$1" 2>/dev/null | grep -q "$2" && return 0
		kill -0 $pid 2>/dev/null || return 1
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}
hmp() { echo "$2" | socat -t 3 - UNIX-CONNECT:"$1" 2>&1; }
qmp() {
	printf '{"execute":"qmp_capabilities"}\n%s\n' "$2" |
		socat -t 3 - UNIX-CONNECT:"$1" 2>&1
}

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
	pid=$!
	: >"$s.mon"
	if wait_last "$s.serial" "data=MEDIUM-A" 150; then
		qmp "$s.qmp" '{"execute":"blockdev-change-medium","arguments":{"device":"ide1-cd0","filename":"'"$T/cdB.iso"'","format":"raw"}}' >>"$s.mon"
		if wait_last "$s.serial" "data=MEDIUM-B" 60; then
			hmp "$s.hmp" "eject ide1-cd0" >>"$s.mon"
			wait_last "$s.serial" "key=2 asc=3a" 60
			hmp "$s.hmp" "info block" >"$s.info"
			hmp "$s.hmp" "change ide1-cd0 $T/cdC.iso raw" >>"$s.mon"
		fi
	fi
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	kill $pid 2>/dev/null
	wait $pid
	echo $? >"$s.rc"
	pid=
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
echo "1..$n"
