#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real VNC clients against -vnc (Debian's gtk-vnc tools, package gvncviewer):
#  1. -accel qtest, a VBE 320x200x32 picture written to the LFB:
#     gvnccapture's PNG has exactly the pixels of QMP screendump;
#  1b. -vnc :N,password=on: gvnccapture (its password typed on a pty by
#     tests/boot/vnc-askpass.py) is refused before any password is set and
#     with a wrong one; after HMP set_password and after QMP
#     change-vnc-password it gets the screendump's pixels;
#  2. QEMU (TCG) runs SeaBIOS to "No bootable device"; kvmpc (-accel qtest)
#     shows that 720x400 text screen's pixels through VBE: gvnccapture
#     (which asks for ZRLE first) gets exactly the screendump, and one
#     full-screen update measured with tests/boot/rfb-bytes.py in ZRLE is
#     at most twice QEMU's for the same screen (the sizes, Hextile and Raw
#     too, are printed as TAP comments);
#  3. KVM, real SeaBIOS stopped at "No bootable device" (text mode 3,
#     720x400), machine paused with QMP stop: gvnccapture equals the
#     screendump; gvncviewer (under Xvfb) stays connected and is sent no
#     update while the paused screen stays still (-d ui logs each update),
#     and gets the cursor blink again after QMP cont.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_tools gvnccapture socat convert

# free_display: a VNC display number (port 5900+N) nobody listens on
free_display() {
	d=$((30 + $$ % 60))
	while socat -T 1 /dev/null TCP:127.0.0.1:$((5900 + d)) 2>/dev/null; do d=$((d + 1)); done
	echo $d
}
# dump SOCK OUT: screendump through QMP, normalised to binary PPM by convert
dump() {
	rm -f "$T/raw.ppm"
	qmp "$1" "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/raw.ppm\"}}"
	convert "$T/raw.ppm" "$2" 2>/dev/null
}
# capture DISPLAY OUT: gvnccapture's PNG as binary PPM
capture() {
	rm -f "$T/cap.png"
	timeout "$WAIT_SECS" gvnccapture -q 127.0.0.1:$1 "$T/cap.png" >"$T/cap.log" 2>&1
	convert "$T/cap.png" -alpha off "$2" 2>/dev/null
}

# ---- 1. a VBE picture under -accel qtest ----
d1=$(free_display)
$KVMPC -nodefaults -vga std -display none -accel qtest -vnc :$d1 \
	-qtest unix:"$T/qt.sock",server=on,wait=off \
	-qmp unix:"$T/q1.sock",server=on,wait=off >"$T/k1.out" 2>&1 &
track $!
qtest_open "$T/qt.sock"
qt "outw 0x1ce 0x1" "outw 0x1cf 320" "outw 0x1ce 0x2" "outw 0x1cf 200" \
	"outw 0x1ce 0x3" "outw 0x1cf 32" "outw 0x1ce 0x4" "outw 0x1cf 0x41" \
	"outb 0x3c0 0x20" "outl 0xcf8 0x80001010" "outl 0xcfc 0xe0000000" \
	"outl 0xcf8 0x80001004" "outw 0xcfc 0x2" "memset 0xe0000000 0x3e800 0x80" \
	"write 0xe0020000 16 0x0000ff0000ff000000ff0000ffffff00" \
	"write 0xe0030000 12 0x123456007890ab00cdef0100" >"$T/qt1.out"
qtest_close
dump "$T/q1.sock" "$T/d1.ppm"
capture $d1 "$T/c1.ppm"
check "gvnccapture gets a 320x200 picture" \
	"identify $T/c1.ppm 2>/dev/null | grep -q ' 320x200 '" "$T/cap.log"
check "with the screendump's pixels (VBE 32 bpp)" "cmp -s $T/c1.ppm $T/d1.ppm" "$T/cap.log"

# ---- 1b. VNC password authentication ----
# capture_pw PASSWORD DISPLAY OUT: capture with a password; false if refused
capture_pw() {
	rm -f "$T/cap.png"
	timeout "$WAIT_SECS" python3 tests/boot/vnc-askpass.py "$1" \
		gvnccapture 127.0.0.1:$2 "$T/cap.png" >"$T/cap.log" 2>&1 || return 1
	convert "$T/cap.png" -alpha off "$3" 2>/dev/null
}
dp=$(free_display)
$KVMPC -nodefaults -vga std -display none -accel qtest -vnc :$dp,password=on -d ui \
	-qtest unix:"$T/qtp.sock",server=on,wait=off \
	-monitor unix:"$T/mp.sock",server=on,wait=off \
	-qmp unix:"$T/qp.sock",server=on,wait=off >"$T/kp.out" 2>&1 &
track $!
kp=$pid
qtest_open "$T/qtp.sock"
qt "outw 0x1ce 0x1" "outw 0x1cf 320" "outw 0x1ce 0x2" "outw 0x1cf 200" \
	"outw 0x1ce 0x3" "outw 0x1cf 32" "outw 0x1ce 0x4" "outw 0x1cf 0x41" \
	"outb 0x3c0 0x20" "outl 0xcf8 0x80001010" "outl 0xcfc 0xe0000000" \
	"outl 0xcf8 0x80001004" "outw 0xcfc 0x2" "memset 0xe0000000 0x3e800 0x5a" \
	"write 0xe0010000 12 0x123456007890ab00cdef0100" >"$T/qtp.out"
qtest_close
dump "$T/qp.sock" "$T/dp.ppm"
check "no password set yet: gvnccapture is refused" "! capture_pw secret $dp $T/cp0.ppm" \
	"$T/cap.log"
hmp "$T/mp.sock" "set_password vnc s3cret" >"$T/hmp1.out"
check "after HMP set_password, gvnccapture with it gets the screendump's pixels" \
	"capture_pw s3cret $dp $T/cp1.ppm && cmp -s $T/cp1.ppm $T/dp.ppm" "$T/cap.log"
check "a wrong password is refused" "! capture_pw s3cre7 $dp $T/cp2.ppm" "$T/cap.log"
qmp "$T/qp.sock" '{"execute": "change-vnc-password", "arguments": {"password": "other"}}'
check "after QMP change-vnc-password the new one works" \
	"capture_pw other $dp $T/cp3.ppm && cmp -s $T/cp3.ppm $T/dp.ppm" "$T/cap.log"
check "and the old one is refused" "! capture_pw s3cret $dp $T/cp4.ppm" "$T/cap.log"
$KVMPC -nodefaults -vga std -display none -accel qtest -qtest /dev/null -vnc :$dp,tls=on \
	>"$T/bad.out" 2>&1
rc=$?
check "-vnc :N,tls=on is refused with one line (exit $rc)" \
	"[ $rc -ne 0 ] && [ \$(wc -l <$T/bad.out) -eq 1 ] && grep -q 'unknown option' $T/bad.out" \
	"$T/bad.out"
check "kvmpc logged the three refusals" \
	"[ \$(grep -c 'client refused: Authentication failed' $T/kp.out) -eq 3 ]" "$T/kp.out"
check "kvmpc still running" "alive $kp" "$T/kp.out"
stop "$kp"

# ---- 2. SeaBIOS' text screen from QEMU, shown by kvmpc under -accel qtest ----
# bytes SOCK ENC: the size of one full-screen update (rfb-bytes.py)
bytes() { python3 tests/boot/rfb-bytes.py "$1" "$2" 2>>"$T/bytes.log" | cut -d' ' -f2; }
if ! command -v "$QEMU" >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	skip "no $QEMU or python3: no SeaBIOS screen to compare"
else
	$QEMU -machine pc -accel tcg -nodefaults -vga std -display none -vnc unix:"$T/qv.sock" \
		-qmp unix:"$T/qq.sock",server=on,wait=off \
		-chardev file,id=d,path="$T/qbios.log" \
		-device isa-debugcon,iobase=0x402,chardev=d >"$T/qemu.out" 2>&1 &
	track $!
	wait_for "$T/qbios.log" "No bootable device"
	qmp "$T/qq.sock" '{"execute": "stop"}' \
		"{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/q.ppm\"}}"
	q_zrle=$(bytes "$T/qv.sock" 16)
	q_hex=$(bytes "$T/qv.sock" 5)
	q_raw=$(bytes "$T/qv.sock" 0)
	stop
	d3=$(free_display)
	$KVMPC -nodefaults -vga std -display none -accel qtest -vnc :$d3 -d ui \
		-qtest unix:"$T/qt3.sock",server=on,wait=off \
		-qmp unix:"$T/q3.sock",server=on,wait=off >"$T/k3.out" 2>&1 &
	track $!
	python3 tests/boot/ppm-lfb.py "$T/q.ppm" >"$T/lfb.cmds"
	qtest_open "$T/qt3.sock"
	IFS='
'
	qt $(cat "$T/lfb.cmds") >"$T/qt3.out"
	unset IFS
	qtest_close
	dump "$T/q3.sock" "$T/d3.ppm"
	convert "$T/q.ppm" "$T/q-norm.ppm" 2>/dev/null
	check "kvmpc shows QEMU's SeaBIOS screen (screendumps equal)" \
		"cmp -s $T/d3.ppm $T/q-norm.ppm" "$T/qt3.out"
	capture $d3 "$T/c3.ppm"
	check "gvnccapture gets the screendump's pixels of the text screen" \
		"cmp -s $T/c3.ppm $T/d3.ppm" "$T/cap.log"
	check "gvnccapture was sent ZRLE" "grep -qE 'vnc: update 720x400\+0\+0.* zrle' $T/k3.out" \
		"$T/k3.out"
	k_zrle=$(bytes tcp:$((5900 + d3)) 16)
	k_hex=$(bytes tcp:$((5900 + d3)) 5)
	k_raw=$(bytes tcp:$((5900 + d3)) 0)
	echo "# one 720x400 SeaBIOS frame, bytes: ZRLE kvmpc $k_zrle QEMU $q_zrle;" \
		"Hextile kvmpc $k_hex QEMU $q_hex; Raw kvmpc $k_raw QEMU $q_raw"
	check "ZRLE frame ($k_zrle bytes) within 2x of QEMU's ($q_zrle)" \
		"[ -n '$k_zrle' ] && [ -n '$q_zrle' ] && [ $k_zrle -le $((2 * ${q_zrle:-0})) ]" \
		"$T/bytes.log"
	check "Hextile frame ($k_hex bytes) within 2x of QEMU's ($q_hex)" \
		"[ -n '$k_hex' ] && [ -n '$q_hex' ] && [ $k_hex -le $((2 * ${q_hex:-0})) ]" \
		"$T/bytes.log"
	check "Raw frame: $k_raw bytes, as QEMU's ($q_raw)" "[ '$k_raw' = '$q_raw' ]" "$T/bytes.log"
	stop
fi

# ---- 3. SeaBIOS' text screen under KVM ----
if [ ! -c /dev/kvm ] || [ ! -w /dev/kvm ]; then
	skip "no /dev/kvm: the SeaBIOS part needs KVM"
	done_testing
	exit 0
fi
d2=$(free_display)
$KVMPC -m 128 -nodefaults -vga std -display none -vnc :$d2 -d ui \
	-qmp unix:"$T/q2.sock",server=on,wait=off \
	-chardev file,id=dbg,path="$T/bios.log" \
	-device isa-debugcon,iobase=0x402,chardev=dbg >"$T/k2.out" 2>&1 &
track $!
kpid=$pid
wait_for "$T/bios.log" "No bootable device"
check "SeaBIOS reached No bootable device" "grep -aq 'No bootable device' $T/bios.log" \
	"$T/bios.log"
qmp "$T/q2.sock" '{"execute": "stop"}'
dump "$T/q2.sock" "$T/d2.ppm"
capture $d2 "$T/c2.ppm"
check "gvnccapture gets the 720x400 text screen" \
	"identify $T/c2.ppm 2>/dev/null | grep -q ' 720x400 '" "$T/cap.log"
check "with the screendump's pixels (text mode)" "cmp -s $T/c2.ppm $T/d2.ppm" "$T/cap.log"

if ! command -v gvncviewer >/dev/null 2>&1 || ! command -v Xvfb >/dev/null 2>&1; then
	skip "gvncviewer or Xvfb missing: no live-client check"
	done_testing
	exit 0
fi
start_xvfb
pid=
gvncviewer 127.0.0.1:$d2 >"$T/viewer.log" 2>&1 &
track $!
pid=$kpid
updates() { grep -c 'vnc: update [1-9]' "$T/k2.out"; }
updates_at_least() { [ "$(updates)" -ge "$1" ]; }
updates_are() { [ "$(updates)" -eq "$1" ]; }
# the viewer's first requests get the screen; it then keeps asking for
# incremental updates, which a paused, still screen must stop answering:
# the updates must come to rest (no new one for 2 s) within the deadline
wait_until "the viewer's first updates" updates_at_least 2
u1=$(updates)
check "gvncviewer connected and got the screen ($u1 updates with pixels)" "[ $u1 -ge 2 ]" \
	"$T/k2.out"
at_rest() { u1=$(updates); quiet_for 2 updates_are "$u1"; }
wait_until "the updates to come to rest" at_rest
r=$?
u2=$(updates)
check "a paused, still text screen sends it nothing for 2 s ($u1 -> $u2)" "[ $r -eq 0 ]" \
	"$T/k2.out"
qmp "$T/q2.sock" '{"execute": "cont"}'
wait_until "an update after cont" updates_at_least $((u2 + 1))
u3=$(updates)
check "after cont the cursor blink reaches it ($u2 -> $u3)" "[ $u3 -gt $u2 ]" "$T/k2.out"
check "kvmpc still running" "alive $kpid" "$T/k2.out"
done_testing
