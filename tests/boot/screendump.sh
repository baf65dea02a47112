#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# PNG screendumps are compressed and exact.  QEMU 7.2 (TCG) runs SeaBIOS to
# "No bootable device" and takes a PPM and a PNG screendump of that text
# screen; kvmpc (-accel qtest) shows the same 720x400 pixels through a VBE
# 32 bpp mode written over qtest, and takes its own.  Checked: kvmpc's PPM
# has QEMU's pixels, its PNG decodes (python3 zlib, every filter type) to
# the PPM's pixels, and is at most twice the size of QEMU's PNG.  The sizes
# are printed as a TAP comment.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_tools python3 socat "$QEMU"

# ---- QEMU: the real SeaBIOS text screen ----
$QEMU -machine pc -accel tcg -nodefaults -vga std -display none \
	-qmp unix:"$T/qq.sock",server=on,wait=off \
	-chardev file,id=d,path="$T/bios.log" -device isa-debugcon,iobase=0x402,chardev=d \
	>"$T/qemu.out" 2>&1 &
track $!
wait_for "$T/bios.log" "No bootable device"
qmp "$T/qq.sock" '{"execute": "stop"}' \
	"{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/q.ppm\"}}" \
	"{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/q.png\", \"format\": \"png\"}}"
check "QEMU took its screendumps of SeaBIOS' screen" "[ -s $T/q.ppm ] && [ -s $T/q.png ]" \
	"$T/qmp.out"
stop

# ---- kvmpc: the same pixels in a VBE mode ----
$KVMPC -nodefaults -vga std -display none -accel qtest \
	-qtest unix:"$T/qt.sock",server=on,wait=off \
	-qmp unix:"$T/qk.sock",server=on,wait=off >"$T/kvmpc.out" 2>&1 &
track $!
qtest_open "$T/qt.sock"
python3 tests/boot/ppm-lfb.py "$T/q.ppm" >"$T/lfb.cmds"
IFS='
'
qt $(cat "$T/lfb.cmds") >"$T/qt.res"
unset IFS
check "the picture went into kvmpc's LFB" "! grep -qv '^OK' $T/qt.res" "$T/qt.out"
qmp "$T/qk.sock" \
	"{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/k.ppm\"}}" \
	"{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$T/k.png\", \"format\": \"png\"}}"
check "kvmpc's PPM has the pixels of QEMU's" "cmp -s $T/k.ppm $T/q.ppm" "$T/qmp.out"

# png_pixels PNG: the PNG's pixels as the body of a binary PPM, on stdout
cat >"$T/png.py" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, ihdr = 8, b"", None
while pos < len(d):
    n, t = struct.unpack(">I4s", d[pos:pos + 8])
    body = d[pos + 8:pos + 8 + n]
    assert struct.unpack(">I", d[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(t + body)
    if t == b"IHDR": ihdr = body
    if t == b"IDAT": idat += body
    pos += 12 + n
w, h, depth, ctype, comp, filt, lace = struct.unpack(">IIBBBBB", ihdr)
assert (depth, ctype, comp, filt, lace) == (8, 2, 0, 0, 0)
raw, bpp, stride = zlib.decompress(idat), 3, w * 3
out, prev = bytearray(), bytearray(stride)
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pr) & 255
        else: assert f == 0
    out += line
    prev = line
sys.stdout.buffer.write(b"P6\n%d %d\n255\n" % (w, h) + bytes(out))
PY
python3 "$T/png.py" "$T/k.png" >"$T/k-png.ppm" 2>"$T/png.err"
check "kvmpc's PNG decodes to the PPM's pixels" "cmp -s $T/k-png.ppm $T/k.ppm" "$T/png.err"
python3 "$T/png.py" "$T/q.png" >"$T/q-png.ppm" 2>"$T/qpng.err"
check "(the decoder reads QEMU's PNG the same)" "cmp -s $T/q-png.ppm $T/q.ppm" "$T/qpng.err"
ks=$(wc -c <"$T/k.png")
qs=$(wc -c <"$T/q.png")
echo "# PNG of SeaBIOS' 720x400 screen: kvmpc $ks bytes, QEMU $qs bytes (PPM $(wc -c <"$T/k.ppm"))"
check "kvmpc's PNG ($ks bytes) is within 2x of QEMU's ($qs bytes)" "[ $ks -le $((2 * qs)) ]"
done_testing
