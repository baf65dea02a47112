#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -display sdl with a usb-tablet on a private Xvfb server, the machine under
# -accel qtest (no KVM needed) with the test playing the UHCI driver through
# the qtest socket:
#  - the window title says the pointer is absolute (no grab needed);
#  - the pointer moved by xdotool to (x, y) on the 320x200 guest picture
#    arrives as the tablet's interrupt IN report with X = x * 0x7fff / 320,
#    Y = y * 0x7fff / 200 (QEMU's scaling), a click as button 1, without
#    the window grabbing the pointer;
#  - the window is zoomed 2x (Ctrl+Alt++): the same guest point is then
#    window point (2x, 2y) and gives the same report.
# The device is left at address 0 and polled on endpoint 1 (it answers
# there as QEMU's does); tests/qtest/usb-test.c covers enumeration.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_tools Xvfb xdotool xwininfo socat evilwm xprop

if ! start_xvfb; then
	notok "Xvfb starts" "$T/xvfb.log"
	done_testing
	exit 1
fi
# (on a loaded machine evilwm's first connection can be refused: retry)
wm_ready() { xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id'; }
for try in 1 2 3 4 5; do
	evilwm -fn fixed -mask1 mod3 -mask2 mod3 >"$T/wm.log" 2>&1 &
	track $!
	wait_until "evilwm to manage the screen" wm_ready && break
done

$KVMPC -nodefaults -vga std -display sdl -accel qtest -name usbsdl -usb -device usb-tablet \
	-qtest unix:"$T/qt.sock",server=on,wait=off >"$T/kvmpc.out" 2>&1 &
track $!
qtest_open "$T/qt.sock"
find_win() { wid=$(xdotool search --name "$1" 2>/dev/null | head -n 1); [ -n "$wid" ]; }
viewable() { xwininfo -id "$wid" 2>/dev/null | grep -q 'Map State: IsViewable'; }
wait_until "the SDL window" find_win kvmpc && wait_until "the window to be mapped" viewable
check "the SDL window opens" "[ -n '$wid' ]" "$T/kvmpc.out"

geom_is() { xdotool getwindowgeometry "$wid" 2>/dev/null | grep -q "Geometry: $1\$"; }
# VBE 320x200x32, as tests/boot/vga-sdl.sh
qt "outw 0x1ce 0x1" "outw 0x1cf 320" "outw 0x1ce 0x2" "outw 0x1cf 200" \
	"outw 0x1ce 0x3" "outw 0x1cf 32" "outw 0x1ce 0x4" "outw 0x1cf 0x41" \
	"outb 0x3c0 0x20" >/dev/null
wait_until "a 320x200 window" geom_is 320x200
check "the window takes the mode's size" "geom_is 320x200" "$T/kvmpc.out"
title_is() { [ "$(xdotool getwindowname "$wid" 2>/dev/null)" = "$1" ]; }
ABS="kvmpc - usbsdl - absolute pointer (no grab needed)"
wait_until "the absolute title" title_is "$ABS"
title=$(xdotool getwindowname "$wid" 2>/dev/null)
check "title says absolute pointer: '$title'" "[ '$title' = '$ABS' ]"

# UHCI at 00:01.2, I/O at 0xc000; port 1 reset and enabled; every frame
# list entry -> QH at 0x101000 -> the interrupt IN TD at 0x102000
fl=$(awk 'BEGIN { for (i = 0; i < 1024; i++) printf "02101000" }')
qt "outl 0xcf8 0x80000a20" "outl 0xcfc 0xc001" "outl 0xcf8 0x80000a04" "outw 0xcfc 0x5" \
	"outw 0xc010 0x200" "outw 0xc010 0x0" "outw 0xc010 0xe" \
	"write 0x100000 4096 0x$fl" "writel 0x101000 0x1" "writel 0x101004 0x1" \
	"outl 0xc008 0x100000" "outw 0xc000 0xc1" >/dev/null
qt "inw 0xc010" >"$T/port"
port=$(cat "$T/port")
check "port 1 enabled with the tablet ($port)" "[ '$port' = 'OK 0x0085' ]"

# arm: TD active, IN 8 bytes from address 0 endpoint 1
arm() {
	qt "writel 0x102000 0x1" "writel 0x102008 0x00e08069" "writel 0x10200c 0x104000" \
		"writel 0x102004 0x19800000" "writel 0x101004 0x102000" >/dev/null
}
# (qt keeps a count of replies: never call it in a subshell)
td_done() {
	qt "clock_step 1000000" "readl 0x102004" >"$T/td"
	[ $(( $(sed -n '2s/^OK //p' "$T/td") & 0x800000 )) -eq 0 ]
}
report() { qt "read 0x104000 6" >"$T/report"; r=$(sed 's/^OK 0x//' "$T/report"); }
# expected report: buttons, X and Y little endian, wheel
le16() { printf '%02x%02x' $(($1 & 255)) $(($1 >> 8)); }
want() { printf '%02x%s%s00' "$1" "$(le16 $(($2 * 32767 / 320)))" "$(le16 $(($3 * 32767 / 200)))"; }

# the window may have seen the pointer when it appeared: take that report
arm
for i in 1 2 3 4 5; do td_done && arm; done
quiet_ok=yes
for i in 1 2 3 4 5; do td_done && quiet_ok=no; done
check "no report while the pointer is still" "[ $quiet_ok = yes ]"

move_check() { # WINX WINY GUESTX GUESTY BUTTONS DESC
	arm
	xdotool mousemove --window "$wid" "$1" "$2"
	wait_until "the tablet report for $6" td_done
	report
	w=$(want "$5" "$3" "$4")
	check "$6 arrives as the tablet report $w (got $r)" "[ '$r' = '$w' ]" "$T/kvmpc.out"
}
move_check 160 100 160 100 0 "a move to the centre (160,100)"
move_check 32 150 32 150 0 "a move to (32,150)"
arm
xdotool click 1
wait_until "the click's report" td_done
report
w=$(want 1 32 150)
check "a click is button 1 at the same place ($r)" "[ '$r' = '$w' ]" "$T/kvmpc.out"
arm
wait_until "the release report" td_done
title=$(xdotool getwindowname "$wid" 2>/dev/null)
check "the click did not grab: '$title'" "[ '$title' = '$ABS' ]"

# zoomed 2x: window point (2x, 2y) is guest point (x, y)
xdotool windowfocus --sync "$wid" >/dev/null 2>&1
xdotool key ctrl+alt+plus
wait_until "a 640x400 window" geom_is 640x400
check "Ctrl+Alt++ doubles the window" "geom_is 640x400"
move_check 200 300 100 150 0 "window point (200,300) at 2x zoom"

stop "$pid"
qtest_close
done_testing
