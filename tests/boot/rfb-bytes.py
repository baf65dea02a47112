# SPDX-License-Identifier: GPL-2.0-or-later
# rfb-bytes.py SOCKET ENCODING: connect to a VNC server on a unix socket
# (or tcp:PORT on 127.0.0.1) (RFB 3.8, security None, the server's pixel format), ask for exactly one
# encoding (0 Raw, 5 Hextile, 16 ZRLE) and one full-screen update, and
# print "WxH BYTES RECTS" for that FramebufferUpdate message, headers
# included.  Hextile is walked tile by tile to find its end; Raw and ZRLE
# carry their length.  Exit status 1 if a rectangle came in another
# encoding.
import socket
import struct
import sys

if sys.argv[1].startswith("tcp:"):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1][4:])), timeout=120)
else:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(120)
    s.connect(sys.argv[1])
enc = int(sys.argv[2])
count = 0


def rd(n):
    global count
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    count += n
    return b


rd(12)
s.sendall(b"RFB 003.008\n")
n = rd(1)[0]
assert 1 in rd(n)
s.sendall(b"\x01")
assert struct.unpack(">I", rd(4))[0] == 0
s.sendall(b"\x01")
w, h = struct.unpack(">HH", rd(4))
bpp = rd(16)[0] // 8
rd(struct.unpack(">I", rd(4))[0])
s.sendall(struct.pack(">BBHi", 2, 0, 1, enc))
s.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, w, h))
while True:
    count = 0
    t = rd(1)[0]
    if t == 0:
        break
    assert t == 2  # bell; anything else is unexpected here
rd(1)
nrect = struct.unpack(">H", rd(2))[0]
for _ in range(nrect):
    x, y, rw, rh, e = struct.unpack(">HHHHi", rd(12))
    if e != enc:
        sys.exit("rectangle in encoding %d" % e)
    if e == 0:
        rd(rw * rh * bpp)
    elif e == 16:
        rd(struct.unpack(">I", rd(4))[0])
    elif e == 5:
        for ty in range(0, rh, 16):
            for tx in range(0, rw, 16):
                tw, th = min(16, rw - tx), min(16, rh - ty)
                m = rd(1)[0]
                if m & 1:
                    rd(tw * th * bpp)
                    continue
                rd(bpp * (bool(m & 2) + bool(m & 4)))
                if m & 8:
                    k = rd(1)[0]
                    rd(k * (2 + (bpp if m & 16 else 0)))
print("%dx%d %d %d" % (w, h, count, nrect))
