#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -display sdl on a private Xvfb server (with evilwm for full screen), the
# machine under -accel qtest (no KVM needed):
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
cd "$(dirname "$0")/../.." || exit 1
KVMPC=${KVMPC:-./kvmpc}
for tool in Xvfb xdotool import convert socat evilwm xwininfo; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool not installed (sh scripts/setup.sh)"
		exit 0
	fi
done
T=$(mktemp -d)
xpid=
vpid=
wpid=
trap 'kill $vpid $wpid $xpid 2>/dev/null; rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; [ -f "$2" ] && tail -n 15 "$2" | sed 's/^/#   /'; }
check() { if eval "$2"; then ok "$1"; else notok "$1" "$3"; fi; }

# a display number nobody uses
d=$((100 + $$ % 400))
while [ -e /tmp/.X$d-lock ]; do d=$((d + 1)); done
Xvfb :$d -screen 0 1024x768x24 -nolisten tcp >"$T/xvfb.log" 2>&1 &
xpid=$!
export DISPLAY=:$d
i=0
while ! xdotool getmouselocation >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 50 ]; then
		echo "1..0 # SKIP Xvfb did not start"
		exit 0
	fi
	sleep 0.1
done
# a window manager that honours full-screen requests; its own Ctrl+Alt
# bindings moved to an unused modifier
evilwm -mask1 mod3 -mask2 mod3 >"$T/wm.log" 2>&1 &
wpid=$!
sleep 0.5

# qt CMD...: send qtest commands, print the replies
qt() {
	printf '%s\n' "$@" | socat -t 2 - UNIX-CONNECT:"$T/qt.sock"
}

$KVMPC -nodefaults -vga std -display sdl -accel qtest -name sdltest -d ui \
	-qtest unix:"$T/qt.sock",server=on,wait=off \
	-qmp unix:"$T/qmp.sock",server=on,wait=off >"$T/kvmpc.out" 2>&1 &
vpid=$!
i=0
while [ ! -S "$T/qt.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wid=
i=0
while [ -z "$wid" ] && [ $i -lt 50 ]; do
	wid=$(xdotool search --name kvmpc 2>/dev/null | head -n 1)
	sleep 0.1
	i=$((i + 1))
done
check "the SDL window opens" "[ -n '$wid' ]" "$T/kvmpc.out"
title=$(xdotool getwindowname "$wid" 2>/dev/null)
check "title is 'kvmpc - sdltest' (got '$title')" "[ '$title' = 'kvmpc - sdltest' ]"

# VBE 320x200x32 via DISPI, LFB at 0xE0000000, a grey field and a few colours
qt "outw 0x1ce 0x1" "outw 0x1cf 320" "outw 0x1ce 0x2" "outw 0x1cf 200" \
	"outw 0x1ce 0x3" "outw 0x1cf 32" "outw 0x1ce 0x4" "outw 0x1cf 0x41" \
	"outb 0x3c0 0x20" "outl 0xcf8 0x80001010" "outl 0xcfc 0xe0000000" \
	"outl 0xcf8 0x80001004" "outw 0xcfc 0x2" "memset 0xe0000000 0x3e800 0x80" \
	"write 0xe0020000 16 0x0000ff0000ff000000ff0000ffffff00" >"$T/qt1.out"
sleep 1
geom=$(xdotool getwindowgeometry "$wid" 2>/dev/null)
check "the window takes the mode's size" "echo '$geom' | grep -q 'Geometry: 320x200'" "$T/kvmpc.out"

# screendump over QMP into $T/dump.ppm (normalised by convert)
dump() {
	printf '%s\n%s\n' '{"execute": "qmp_capabilities"}' \
		"{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/d0.ppm\"}}" |
		socat -t 3 - UNIX-CONNECT:"$T/qmp.sock" >"$T/qmp.out" 2>&1
	convert "$T/d0.ppm" "$T/dump.ppm" 2>/dev/null
}
# shot NAME: the X screen as $T/NAME.png; winshot NAME: the window's pixels
shot() { import -window root "$T/$1.png"; }
winshot() {
	pos=$(xdotool getwindowgeometry "$wid" 2>/dev/null |
		sed -n 's/.*Position: \([0-9]*\),\([0-9]*\).*/\1 \2/p')
	size=$(xdotool getwindowgeometry "$wid" 2>/dev/null |
		sed -n 's/.*Geometry: \([0-9]*x[0-9]*\).*/\1/p')
	set -- $pos
	shot root
	convert "$T/root.png" -crop "$size+${1:-0}+${2:-0}" +repage "$T/win.ppm"
}
# bbox NAME: where the non-black pixels of the X screen are (WxH+X+Y)
bbox() { convert "$T/$1.png" -bordercolor black -border 1 -trim -format '%w %h %X %Y' info: |
	awk '{ printf "%dx%d+%d+%d", $1, $2, $3 - 1, $4 - 1 }'; }

dump
winshot
check "window pixels equal the screendump" "cmp -s $T/win.ppm $T/dump.ppm" "$T/qmp.out"

# wait_log ERE: until kvmpc's log has a line matching it (10 s at most)
wait_log() {
	i=0
	while ! grep -Eq "$1" "$T/kvmpc.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 0.3 # the X server shows the frame
}
# wait_geom WxH: until the window has that size (10 s at most)
wait_geom() {
	i=0
	while ! xdotool getwindowgeometry "$wid" 2>/dev/null | grep -q "Geometry: $1" &&
		[ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.3
}

# idle: no frame while nothing changes; one changed row uploads that row
frames() { grep -c 'sdl: frame' "$T/kvmpc.out"; }
f1=$(frames)
sleep 2
f2=$(frames)
check "a still screen draws no frame in 2 s (~60 refresh ticks): $f1 -> $f2" \
	"[ $f1 -gt 0 ] && [ $f1 -eq $f2 ]" "$T/kvmpc.out"
qt "writel 0xe002ee00 0x00ffffff" >/dev/null # pixel (0,150)
sleep 0.5
f3=$(frames)
check "a changed pixel draws a frame ($f2 -> $f3)" "[ $f3 -gt $f2 ]" "$T/kvmpc.out"
check "and uploads only its row" "tail -n 3 $T/kvmpc.out | grep -q 'sdl: upload 320x1+0+150'" \
	"$T/kvmpc.out"

# keys: press with XTEST into the focused window, read the i8042 (set 2)
xdotool windowfocus --sync "$wid" >/dev/null 2>&1
# kbd KEYS...: type them, print the set 2 bytes that arrived
kbd() {
	[ $# -gt 0 ] && xdotool key --delay 50 "$@"
	sleep 0.5
	for _ in $(seq 24); do printf 'inb 0x64\ninb 0x60\n'; done |
		socat -t 2 - UNIX-CONNECT:"$T/qt.sock" |
		awk '/^OK/ { v = $2; if (n++ % 2 == 0) full = index("13579bdf", substr(v, length(v)))
			else if (full) printf "%s ", substr(v, length(v) - 1) }' | sed 's/ $//'
}
keycheck() { # DESC EXPECTED KEYS...
	desc=$1 want=$2
	shift 2
	got=$(kbd "$@")
	check "$desc: $want (got '$got')" "[ '$got' = '$want' ]"
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

# grab: a click grabs, the title says how to let go, Ctrl+Alt+G does
xdotool mousemove --window "$wid" 100 100 click 1
sleep 0.5
title=$(xdotool getwindowname "$wid" 2>/dev/null)
check "a click grabs: '$title'" \
	"[ '$title' = 'kvmpc - sdltest - Press Ctrl+Alt+G to release grab' ]"
got=$(kbd ctrl+alt+g)
title=$(xdotool getwindowname "$wid" 2>/dev/null)
check "Ctrl+Alt+G releases: '$title'" "[ '$title' = 'kvmpc - sdltest' ]"
check "and G does not reach the guest (got '$got')" "[ '$got' = '14 11 f0 14 f0 11' ]"

# focus loss releases held keys: hold Shift, move the focus to the root
xdotool keydown Shift_L
sleep 0.3
root=$(xwininfo -root | sed -n 's/.*Window id: \(0x[0-9a-f]*\).*/\1/p')
xdotool windowfocus "$root" 2>/dev/null
sleep 0.5
got=$(kbd)
xdotool keyup Shift_L
check "Shift held when the focus went is released (got '$got')" "[ '$got' = '12 f0 12' ]"
xdotool windowfocus --sync "$wid" >/dev/null 2>&1
sleep 0.3

# scaling: the guest picture's place on the screen, and its pixels
dump
xdotool key ctrl+alt+f
wait_geom 1024x768
wait_log 'frame .*: 1024x640 at 0,64'
geom=$(xdotool getwindowgeometry "$wid" 2>/dev/null)
check "Ctrl+Alt+F: the window covers the screen" "echo '$geom' | grep -q 'Geometry: 1024x768'"
shot fs
b=$(bbox fs)
check "full screen zooms to fit: 1024x640+0+64 (got $b)" "[ '$b' = '1024x640+0+64' ]"
kbd ctrl+alt+i >/dev/null
wait_log 'frame .*: 960x600 at 32,84'
shot int
b=$(bbox int)
check "Ctrl+Alt+I: integer scaling 3x, 960x600+32+84 (got $b)" "[ '$b' = '960x600+32+84' ]"
convert "$T/int.png" -crop 960x600+32+84 +repage "$T/int.ppm"
convert "$T/dump.ppm" -scale 300% "$T/dump3.ppm"
check "and shows the screendump's pixels tripled" "cmp -s $T/int.ppm $T/dump3.ppm"
kbd ctrl+alt+u >/dev/null
wait_log 'frame .*: 320x200 at 352,284'
shot one
b=$(bbox one)
check "Ctrl+Alt+U: 1:1, 320x200+352+284 (got $b)" "[ '$b' = '320x200+352+284' ]"
convert "$T/one.png" -crop 320x200+352+284 +repage "$T/one.ppm"
check "and shows the screendump's pixels" "cmp -s $T/one.ppm $T/dump.ppm"
kbd ctrl+alt+f >/dev/null
wait_geom 320x200
geom=$(xdotool getwindowgeometry "$wid" 2>/dev/null)
check "Ctrl+Alt+F again: a 320x200 window" "echo '$geom' | grep -q 'Geometry: 320x200'"
kbd ctrl+alt+equal >/dev/null
wait_geom 640x400
wait_log 'frame .*: 640x400 at 0,0'
geom=$(xdotool getwindowgeometry "$wid" 2>/dev/null)
check "Ctrl+Alt++: the window doubles to 640x400" "echo '$geom' | grep -q 'Geometry: 640x400'"
winshot
convert "$T/dump.ppm" -scale 200% "$T/dump2.ppm"
check "and shows the screendump's pixels doubled" "cmp -s $T/win.ppm $T/dump2.ppm"
check "kvmpc still running" "kill -0 $vpid 2>/dev/null" "$T/kvmpc.out"
kill $vpid
wait $vpid 2>/dev/null

# options: a mistake is refused; full-screen=on starts full screen
$KVMPC -nodefaults -vga std -display sdl,zoom=on -accel qtest \
	-qtest unix:"$T/qt2.sock",server=on,wait=off >"$T/bad.out" 2>&1
check "-display sdl,zoom=on is refused" "grep -q \"unknown option 'zoom'\" $T/bad.out" "$T/bad.out"
$KVMPC -nodefaults -vga std -display sdl,full-screen=on,integer-scale=on -accel qtest \
	-name fs -qtest unix:"$T/qt3.sock",server=on,wait=off >"$T/fs.out" 2>&1 &
vpid=$!
i=0
wid=
while [ -z "$wid" ] && [ $i -lt 50 ]; do
	wid=$(xdotool search --name 'kvmpc - fs' 2>/dev/null | head -n 1)
	sleep 0.1
	i=$((i + 1))
done
wait_geom 1024x768
geom=$(xdotool getwindowgeometry "$wid" 2>/dev/null)
check "-display sdl,full-screen=on opens full screen" "echo '$geom' | grep -q 'Geometry: 1024x768'" \
	"$T/fs.out"
echo "1..$n"
