# SPDX-License-Identifier: GPL-2.0-or-later
# ppm-lfb.py PPM: print qtest commands that set the std VGA to a VBE 32 bpp
# mode of the binary PPM's size, map its LFB at 0xe0000000 and write the
# PPM's pixels there (x8r8g8b8), one b64write per row.  Used by the boot
# tests to show a picture taken from QEMU on kvmpc under -accel qtest.
import base64
import sys

data = open(sys.argv[1], "rb").read()
magic, dims, maxval, px = data.split(b"\n", 3)
w, h = map(int, dims.split())
out = ["outw 0x1ce 0x4", "outw 0x1cf 0x0", "outw 0x1ce 0x1", "outw 0x1cf %d" % w,
       "outw 0x1ce 0x2", "outw 0x1cf %d" % h, "outw 0x1ce 0x3", "outw 0x1cf 32",
       "outw 0x1ce 0x4", "outw 0x1cf 0x41", "outb 0x3c0 0x20",
       "outl 0xcf8 0x80001010", "outl 0xcfc 0xe0000000",
       "outl 0xcf8 0x80001004", "outw 0xcfc 0x2"]
for y in range(h):
    row = bytearray()
    for x in range(w):
        r, g, b = px[(y * w + x) * 3:(y * w + x) * 3 + 3]
        row += bytes((b, g, r, 0))
    out.append("b64write 0x%x %d %s" % (0xe0000000 + y * w * 4, len(row),
                                        base64.b64encode(row).decode()))
print("\n".join(out))
