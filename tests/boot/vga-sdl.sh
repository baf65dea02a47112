#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -display sdl on a private Xvfb server with a window manager (evilwm, which
# honours full-screen requests), the machine under -accel qtest (no KVM
# needed):
#  - the window is titled "kvmpc - NAME", follows the VBE mode size and
#    shows exactly the pixels QMP screendump writes;
#  - a still screen draws no frame (-d ui logs each one), a changed row
#    draws one and uploads only that row;
#  - keys typed with xdotool reach the i8042 as scan code set 2, extended
#    keys (arrows, right Ctrl/Alt, both Windows keys, Menu, keypad Enter,
#    Print Screen, Pause, Break, SysRq) and Ctrl+Alt+Del included;
#  - click grabs (title says how to release), Ctrl+Alt+G releases; keys
#    held when the focus goes are released;
#  - Ctrl+Alt+F full screen zooms to fit, Ctrl+Alt+I integer scaling,
#    Ctrl+Alt+U 1:1, Ctrl+Alt++ doubles the window (pixels compared);
#  - -display sdl options: a wrong one is refused, full-screen=on works.
# Full screen needs the window manager: without one, SDL's request goes
# unanswered.  evilwm needs a core font; Xvfb always has "fixed" built in
# (evilwm's default, "variable", comes only with xfonts-base), so it is
# started with -fn fixed and the test waits until it manages the screen.
# Every step waits for what it expects (window size, log line, picture on
# the X screen, bytes in the i8042) up to the one deadline of lib.sh.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_tools Xvfb xdotool xprop import convert socat evilwm xwininfo

if ! start_xvfb; then
	notok "Xvfb starts" "$T/xvfb.log"
	done_testing
	exit 1
fi
# the window manager, its own Ctrl+Alt bindings moved to an unused modifier;
# on a loaded machine its first connection can be refused ("can't open
# display"): start it again, a few times, if it ends before it manages
wm_ready() { xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id'; }
for try in 1 2 3 4 5; do
	evilwm -fn fixed -mask1 mod3 -mask2 mod3 >"$T/wm.log" 2>&1 &
	track $!
	wait_until "evilwm to manage the screen" wm_ready && break
done
check "the window manager (evilwm) runs" "wm_ready" "$T/wm.log"
pid=

$KVMPC -nodefaults -vga std -display sdl -accel qtest -name sdltest -d ui \
	-qtest unix:"$T/qt.sock",server=on,wait=off \
	-qmp unix:"$T/qmp.sock",server=on,wait=off >"$T/kvmpc.out" 2>&1 &
track $!
vpid=$pid
qtest_open "$T/qt.sock"
find_win() { wid=$(xdotool search --name "$1" 2>/dev/null | head -n 1); [ -n "$wid" ]; }
viewable() { xwininfo -id "$wid" 2>/dev/null | grep -q 'Map State: IsViewable'; }
wait_until "the SDL window" find_win kvmpc && wait_until "the window to be mapped" viewable
check "the SDL window opens" "[ -n '$wid' ]" "$T/kvmpc.out"
title=$(xdotool getwindowname "$wid" 2>/dev/null)
check "title is 'kvmpc - sdltest' (got '$title')" "[ '$title' = 'kvmpc - sdltest' ]"

geom_is() { xdotool getwindowgeometry "$wid" 2>/dev/null | grep -q "Geometry: $1\$"; }
# VBE 320x200x32 via DISPI, LFB at 0xE0000000, a grey field and a few colours
qt "outw 0x1ce 0x1" "outw 0x1cf 320" "outw 0x1ce 0x2" "outw 0x1cf 200" \
	"outw 0x1ce 0x3" "outw 0x1cf 32" "outw 0x1ce 0x4" "outw 0x1cf 0x41" \
	"outb 0x3c0 0x20" "outl 0xcf8 0x80001010" "outl 0xcfc 0xe0000000" \
	"outl 0xcf8 0x80001004" "outw 0xcfc 0x2" "memset 0xe0000000 0x3e800 0x80" \
	"write 0xe0020000 16 0x0000ff0000ff000000ff0000ffffff00" >"$T/qt1.out"
wait_until "a 320x200 window" geom_is 320x200
check "the window takes the mode's size" "geom_is 320x200" "$T/kvmpc.out"

# screendump over QMP into $T/dump.ppm (normalised by convert)
dump() {
	rm -f "$T/d0.ppm"
	qmp "$T/qmp.sock" "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/d0.ppm\"}}"
	convert "$T/d0.ppm" "$T/dump.ppm" 2>/dev/null
}
# shot NAME: the X screen as $T/NAME.png; winshot: the window's pixels
shot() { import -window root "$T/$1.png" 2>/dev/null; }
winshot() {
	_g=$(xdotool getwindowgeometry "$wid" 2>/dev/null)
	_pos=$(echo "$_g" | sed -n 's/.*Position: \([0-9]*\),\([0-9]*\).*/\1 \2/p')
	_size=$(echo "$_g" | sed -n 's/.*Geometry: \([0-9]*x[0-9]*\).*/\1/p')
	set -- $_pos
	shot root
	convert "$T/root.png" -crop "$_size+${1:-0}+${2:-0}" +repage "$T/win.ppm" 2>/dev/null
}
# win_is PPM: the window shows exactly these pixels
win_is() { winshot && cmp -s "$T/win.ppm" "$1"; }
# bbox NAME: where the non-black pixels of the X screen are (WxH+X+Y)
bbox() {
	convert "$T/$1.png" -bordercolor black -border 1 -trim -format '%w %h %X %Y' info: \
		2>/dev/null | awk '{ printf "%dx%d+%d+%d", $1, $2, $3 - 1, $4 - 1 }'
}
# screen_box NAME WANT: a fresh shot whose picture sits at WANT
screen_box() { shot "$1" && [ "$(bbox "$1")" = "$2" ]; }

dump
wait_until "the window to show the screendump" win_is "$T/dump.ppm"
check "window pixels equal the screendump" "win_is $T/dump.ppm" "$T/qmp.out"

# idle: no frame while nothing changes; one changed row uploads that row
frames() { grep -c 'sdl: frame' "$T/kvmpc.out"; }
frames_are() { [ "$(frames)" -eq "$1" ]; }
frames_above() { [ "$(frames)" -gt "$1" ]; }
f1=$(frames)
quiet_for 2 frames_are "$f1"
f2=$(frames)
check "a still screen draws no frame in 2 s (~60 refresh ticks): $f1 -> $f2" \
	"[ $f1 -gt 0 ] && [ $f1 -eq $f2 ]" "$T/kvmpc.out"
qt "writel 0xe002ee00 0x00ffffff" >/dev/null # pixel (0,150)
wait_until "a new frame" frames_above "$f2"
f3=$(frames)
check "a changed pixel draws a frame ($f2 -> $f3)" "[ $f3 -gt $f2 ]" "$T/kvmpc.out"
check "and uploads only its row" "tail -n 3 $T/kvmpc.out | grep -q 'sdl: upload 320x1+0+150'" \
	"$T/kvmpc.out"

# keys: press with XTEST into the focused window, read the i8042 (set 2)
xdotool windowfocus --sync "$wid" >/dev/null 2>&1
# kbd_drain: append the bytes waiting in the i8042 to $got
got=
kbd_drain() {
	set --
	for _ in $(seq 24); do
		set -- "$@" 'inb 0x64' 'inb 0x60'
	done
	qt "$@" >"$T/kbd.out" # not in a subshell: qt counts what it sent
	_b=$(awk '{ v = $2; if (n++ % 2 == 0) full = index("13579bdf", substr(v, length(v)))
		else if (full) printf "%s ", substr(v, length(v) - 1) }' "$T/kbd.out")
	got=$(echo "$got $_b" | xargs)
}
# kbd_until WANT: drain until $got is as long as WANT
kbd_until() { kbd_drain; [ "$(echo "$got" | wc -w)" -ge "$(echo "$1" | wc -w)" ]; }
# keys WANT KEYS...: type KEYS, collect what arrives until it is as long as WANT
keys() {
	_want=$1
	shift
	got=
	xdotool key --delay 50 "$@"
	wait_until "i8042 bytes '$_want'" kbd_until "$_want"
}
keycheck() { # DESC EXPECTED KEYS...
	_d=$1 _w=$2
	shift 2
	keys "$_w" "$@"
	check "$_d: $_w (got '$got')" "[ '$got' = '$_w' ]"
}
keycheck "key 'a' make and break" "1c f0 1c" a
keycheck "Up arrow" "e0 75 e0 f0 75" Up
# xdotool presses a right-hand modifier together with its left twin
keycheck "Right Ctrl (with xdotool's left Ctrl)" "14 e0 14 f0 14 e0 f0 14" Control_R
keycheck "Right Alt (with xdotool's left Alt)" "11 e0 11 f0 11 e0 f0 11" Alt_R
keycheck "left Windows key" "e0 1f e0 f0 1f" Super_L
keycheck "right Windows key (with the left)" "e0 1f e0 27 e0 f0 1f e0 f0 27" Super_R
keycheck "Menu key" "e0 2f e0 f0 2f" Menu
keycheck "keypad Enter" "e0 5a e0 f0 5a" KP_Enter
keycheck "Print Screen" "e0 12 e0 7c e0 f0 7c e0 f0 12" Print
keycheck "Pause (make only)" "e1 14 77 e1 f0 14 f0 77" Pause
keycheck "Ctrl+Pause is Break" "14 e0 7e f0 14 e0 f0 7e" ctrl+Pause
keycheck "Alt+Print Screen is SysRq" "11 84 f0 11 f0 84" alt+Print
# (xdotool lets the modifiers go first)
keycheck "Ctrl+Alt+Del reaches the guest" "14 11 e0 71 f0 14 f0 11 e0 f0 71" ctrl+alt+Delete

# a host hotkey: only Ctrl and Alt themselves reach the guest
CA="14 11 f0 14 f0 11"
title_is() { [ "$(xdotool getwindowname "$wid" 2>/dev/null)" = "$1" ]; }
# grab: a click grabs, the title says how to let go, Ctrl+Alt+G does
xdotool mousemove --window "$wid" 100 100 click 1
GRABBED='kvmpc - sdltest - Press Ctrl+Alt+G to release grab'
wait_until "the grab title" title_is "$GRABBED"
title=$(xdotool getwindowname "$wid" 2>/dev/null)
check "a click grabs: '$title'" "[ '$title' = '$GRABBED' ]"
keys "$CA" ctrl+alt+g
wait_until "the plain title" title_is "kvmpc - sdltest"
title=$(xdotool getwindowname "$wid" 2>/dev/null)
check "Ctrl+Alt+G releases: '$title'" "[ '$title' = 'kvmpc - sdltest' ]"
check "and G does not reach the guest (got '$got')" "[ '$got' = '$CA' ]"

# focus loss releases held keys: hold Shift, move the focus to the root
got=
xdotool keydown Shift_L
wait_until "Shift's make code" kbd_until "12"
root=$(xwininfo -root | sed -n 's/.*Window id: \(0x[0-9a-f]*\).*/\1/p')
xdotool windowfocus "$root" 2>/dev/null
wait_until "Shift's break code" kbd_until "12 f0 12"
xdotool keyup Shift_L
check "Shift held when the focus went is released (got '$got')" "[ '$got' = '12 f0 12' ]"
xdotool windowfocus --sync "$wid" >/dev/null 2>&1

# scaling: the guest picture's place on the screen, and its pixels
dump
xdotool key ctrl+alt+f
wait_until "a full-screen window" geom_is 1024x768
check "Ctrl+Alt+F: the window covers the screen" "geom_is 1024x768" "$T/wm.log"
wait_until "the zoomed picture" screen_box fs 1024x640+0+64
b=$(bbox fs)
check "full screen zooms to fit: 1024x640+0+64 (got $b)" "[ '$b' = '1024x640+0+64' ]" \
	"$T/kvmpc.out"
# the Ctrl and Alt codes of the full-screen key, then Ctrl+Alt+I
got=
wait_until "Ctrl+Alt+F's Ctrl and Alt" kbd_until "$CA"
keys "$CA" ctrl+alt+i
wait_until "the integer-scaled picture" screen_box int 960x600+32+84
b=$(bbox int)
check "Ctrl+Alt+I: integer scaling 3x, 960x600+32+84 (got $b)" "[ '$b' = '960x600+32+84' ]" \
	"$T/kvmpc.out"
convert "$T/int.png" -crop 960x600+32+84 +repage "$T/int.ppm"
convert "$T/dump.ppm" -scale 300% "$T/dump3.ppm"
check "and shows the screendump's pixels tripled" "cmp -s $T/int.ppm $T/dump3.ppm"
keys "$CA" ctrl+alt+u
wait_until "the 1:1 picture" screen_box one 320x200+352+284
b=$(bbox one)
check "Ctrl+Alt+U: 1:1, 320x200+352+284 (got $b)" "[ '$b' = '320x200+352+284' ]" \
	"$T/kvmpc.out"
convert "$T/one.png" -crop 320x200+352+284 +repage "$T/one.ppm"
check "and shows the screendump's pixels" "cmp -s $T/one.ppm $T/dump.ppm"
keys "$CA" ctrl+alt+f
wait_until "a 320x200 window again" geom_is 320x200
check "Ctrl+Alt+F again: a 320x200 window" "geom_is 320x200"
convert "$T/dump.ppm" -scale 200% "$T/dump2.ppm"
keys "$CA" ctrl+alt+equal
wait_until "a 640x400 window" geom_is 640x400
check "Ctrl+Alt++: the window doubles to 640x400" "geom_is 640x400"
wait_until "the doubled picture in the window" win_is "$T/dump2.ppm"
check "and shows the screendump's pixels doubled" "win_is $T/dump2.ppm"
check "kvmpc still running" "alive $vpid" "$T/kvmpc.out"
qtest_close
stop "$vpid"

# options: a mistake is refused; full-screen=on starts full screen
$KVMPC -nodefaults -vga std -display sdl,zoom=on -accel qtest \
	-qtest unix:"$T/qt2.sock",server=on,wait=off >"$T/bad.out" 2>&1
check "-display sdl,zoom=on is refused" "grep -q \"unknown option 'zoom'\" $T/bad.out" "$T/bad.out"
$KVMPC -nodefaults -vga std -display sdl,full-screen=on,integer-scale=on -accel qtest \
	-name fs -qtest unix:"$T/qt3.sock",server=on,wait=off >"$T/fs.out" 2>&1 &
track $!
wid=
wait_until "the full-screen window" find_win 'kvmpc - fs' &&
	wait_until "a full-screen window" geom_is 1024x768
check "-display sdl,full-screen=on opens full screen" "[ -n '$wid' ] && geom_is 1024x768" \
	"$T/fs.out"
stop
done_testing
