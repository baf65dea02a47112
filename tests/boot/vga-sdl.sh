#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -display sdl on a private Xvfb server, machine under -accel qtest (no KVM
# needed): the window follows the VBE mode size, shows exactly the pixels
# QMP screendump writes, and a key typed into it with xdotool reaches the
# i8042 (scan code set 2 'a' make 0x1c, then F0 1C).
cd "$(dirname "$0")/../.." || exit 1
KVMPC=${KVMPC:-./kvmpc}
for tool in Xvfb xdotool import convert socat; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done
T=$(mktemp -d)
xpid=
vpid=
trap 'kill $vpid $xpid 2>/dev/null; rm -rf "$T"' EXIT
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

# qt CMD...: send qtest commands, print the replies
qt() {
	printf '%s\n' "$@" | socat -t 2 - UNIX-CONNECT:"$T/qt.sock"
}

$KVMPC -nodefaults -vga std -display sdl -accel qtest \
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

# VBE 320x200x32 via DISPI, LFB at 0xE0000000, a grey field and a few colours
qt "outw 0x1ce 0x1" "outw 0x1cf 320" "outw 0x1ce 0x2" "outw 0x1cf 200" \
	"outw 0x1ce 0x3" "outw 0x1cf 32" "outw 0x1ce 0x4" "outw 0x1cf 0x41" \
	"outb 0x3c0 0x20" "outl 0xcf8 0x80001010" "outl 0xcfc 0xe0000000" \
	"outl 0xcf8 0x80001004" "outw 0xcfc 0x2" "memset 0xe0000000 0x3e800 0x80" \
	"write 0xe0020000 16 0x0000ff0000ff000000ff0000ffffff00" >"$T/qt1.out"
sleep 1
geom=$(xdotool getwindowgeometry "$wid" 2>/dev/null)
check "the window takes the mode's size" "echo '$geom' | grep -q 'Geometry: 320x200'" "$T/kvmpc.out"
pos=$(echo "$geom" | sed -n 's/.*Position: \([0-9]*\),\([0-9]*\).*/\1 \2/p')
set -- $pos
import -window root "$T/root.png"
convert "$T/root.png" -crop 320x200+${1:-0}+${2:-0} +repage "$T/win.ppm"
printf '%s\n%s\n' '{"execute": "qmp_capabilities"}' \
	"{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/dump.ppm\"}}" |
	socat -t 3 - UNIX-CONNECT:"$T/qmp.sock" >"$T/qmp.out" 2>&1
convert "$T/dump.ppm" "$T/dump2.ppm" 2>/dev/null
check "window pixels equal the screendump" "cmp -s $T/win.ppm $T/dump2.ppm" "$T/qmp.out"

xdotool windowfocus --sync "$wid" >/dev/null 2>&1
xdotool key --window "$wid" a
sleep 0.5
qt "inb 0x64" "inb 0x60" "inb 0x60" "inb 0x60" >"$T/kbd.out"
sleep 0.2
check "i8042 has a byte for the key" "sed -n 1p $T/kbd.out | grep -q 'OK 0x00.[13579bdf]'" "$T/kbd.out"
check "key 'a' arrives as set 2 make 0x1c" "sed -n 2p $T/kbd.out | grep -q 'OK 0x001c'" "$T/kbd.out"
check "and its release as F0 1C" "sed -n 3,4p $T/kbd.out | tr '\n' ' ' | grep -q 'OK 0x00f0 OK 0x001c'" "$T/kbd.out"
check "kvmpc still running" "kill -0 $vpid 2>/dev/null" "$T/kvmpc.out"
echo "1..$n"
