#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the seed corpora in tests/fuzz/corpus/ (committed; rerun after a
format change).  Device seeds use the access format of
tests/fuzz/fuzz-machine.c; qcow2 seeds come from qemu-img/qemu-io."""
import os
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


# ---- device access programs (fuzz-machine.c) ----
def out(size, win, off, val):
    op = {1: 0, 2: 1, 4: 2}[size]
    return struct.pack("<BBHI", op, win, off, val & 0xffffffff)


def inp(size, win, off):
    return struct.pack("<BBBH", 3, {1: 0, 2: 1, 4: 2}[size], win, off)


def fill(off16, data):
    return struct.pack("<BHB", 4, off16, len(data)) + data


def qword(off8, val):
    return struct.pack("<BHQ", 5, off8, val)


DRAIN = b"\x06"


def ide_seeds():
    tf = 0  # window 0: 0x1f0
    ident = out(1, tf, 6, 0xa0) + out(1, tf, 7, 0xec) + inp(2, tf, 0) * 256
    put("ide", "identify", ident)
    pio = (out(1, tf, 2, 1) + out(1, tf, 3, 0) + out(1, tf, 6, 0xe0) + out(1, tf, 7, 0x20)
           + inp(2, tf, 0) * 256 + inp(1, tf, 7))
    put("ide", "read-pio", pio)
    wpio = (out(1, tf, 2, 1) + out(1, tf, 3, 5) + out(1, tf, 6, 0xe0) + out(1, tf, 7, 0x30)
            + out(2, tf, 0, 0x1234) * 256 + inp(1, tf, 7))
    put("ide", "write-pio", wpio)
    # PRD at RAM 0x10000 (DMA area offset 0): 512 bytes to 0x20000, end of table
    prd = qword(0, 0x20000 | (512 | 0x80000000) << 32)
    dma = (prd + out(4, 4, 4, 0x10000) + out(1, tf, 2, 1) + out(1, tf, 3, 0)
           + out(1, tf, 6, 0xe0) + out(1, tf, 7, 0xc8) + out(1, 4, 0, 0x09) + DRAIN
           + inp(1, 4, 2) + inp(1, tf, 7))
    put("ide", "read-dma", dma)
    cd = 2  # window 2: 0x170 (CD on the secondary master)

    def packet(cdb, nread):
        p = (out(1, cd, 6, 0xa0) + out(1, cd, 1, 0) + out(1, cd, 4, 0x00)
             + out(1, cd, 5, 0x08) + out(1, cd, 7, 0xa0))
        cdb = cdb + bytes(12 - len(cdb))
        for i in range(0, 12, 2):
            p += out(2, cd, 0, cdb[i] | cdb[i + 1] << 8)
        return p + inp(2, cd, 0) * nread + inp(1, cd, 7)
    put("ide", "atapi-inquiry", packet(bytes([0x12, 0, 0, 0, 36]), 18))
    put("ide", "atapi-read10", packet(bytes([0x28, 0, 0, 0, 0, 16, 0, 0, 1]), 1024))
    put("ide", "atapi-tur-sense", packet(b"\x00", 0) + packet(bytes([0x03, 0, 0, 0, 18]), 9))
    put("ide", "atapi-toc", packet(bytes([0x43, 0, 0, 0, 0, 0, 0, 0x03, 0x24]), 400))


def be32(v):
    return struct.unpack("<I", struct.pack(">I", v))[0]


def fw_cfg_seeds():
    sig = out(2, 0, 0, 0x0000) + inp(1, 0, 1) * 4
    put("fw_cfg", "signature", sig)
    put("fw_cfg", "file-dir", out(2, 0, 0, 0x0019) + inp(1, 0, 1) * 64)
    desc = struct.pack(">IIQ", 0x0019 << 16 | 0x08 | 0x02, 64, 0x11000)
    dma = fill(0, desc) + out(4, 1, 0, 0) + out(4, 1, 4, be32(0x10000)) + inp(1, 0, 1)
    put("fw_cfg", "dma-read-dir", dma)
    skip = struct.pack(">IIQ", 0x0019 << 16 | 0x08 | 0x04, 8, 0x11000)
    put("fw_cfg", "dma-skip", fill(0, skip) + out(4, 1, 0, 0) + out(4, 1, 4, be32(0x10000)))
    wr = struct.pack(">IIQ", 0x0020 << 16 | 0x08 | 0x10, 4, 0x11000)
    put("fw_cfg", "dma-write", fill(0, wr) + out(4, 1, 0, 0) + out(4, 1, 4, be32(0x10000)))


def vga_seeds():
    vbe = b""
    for idx, val in ((4, 0), (1, 640), (2, 480), (3, 32), (4, 0x41)):
        vbe += out(2, 1, 0, idx) + out(2, 1, 1, val)
    lfb = b"".join(out(4, 4, i * 4, 0x00ff8000 + i) for i in range(64))
    put("vga", "vbe-640x480x32", vbe + lfb)
    vbe8 = b""
    for idx, val in ((1, 320), (2, 200), (3, 8), (6, 400), (8, 3), (9, 2), (4, 0x41)):
        vbe8 += out(2, 1, 0, idx) + out(2, 1, 1, val)
    dac = out(1, 0, 0x3c8 - 0x3b0, 1) + b"".join(out(1, 0, 0x3c9 - 0x3b0, v) for v in (63, 0, 0))
    put("vga", "vbe-8bpp-virtual", vbe8 + dac + out(1, 3, 5, 1))
    text = b"".join(out(2, 3, 0x8000 + 2 * i, 0x0741 + i) for i in range(80))
    crtc = b"".join(out(1, 0, 0x3d4 - 0x3b0, r) + out(1, 0, 0x3d5 - 0x3b0, v)
                    for r, v in ((0x0c, 0), (0x0d, 0), (0x0a, 0x0d), (0x0e, 0), (0x0f, 5)))
    put("vga", "text", text + crtc)
    seq = b"".join(out(1, 0, 0x3c4 - 0x3b0, r) + out(1, 0, 0x3c5 - 0x3b0, v)
                   for r, v in ((2, 0x0f), (4, 0x06)))
    gfx = b"".join(out(1, 0, 0x3ce - 0x3b0, r) + out(1, 0, 0x3cf - 0x3b0, v)
                   for r, v in ((5, 0x40), (6, 0x05)))
    put("vga", "mode13-planar", seq + gfx + b"".join(out(1, 2, i, i) for i in range(64)))
    put("vga", "mmio-bar", b"".join(out(2, 6, 0x500 + 2 * i, v) for i, v in
                                   ((1, 800), (2, 600), (3, 16), (4, 0x41))) +
        out(1, 6, 0x400 + 0x3c0 - 0x3c0, 0x20))


def virtqueue_seeds():
    def desc(addr, length, flags, nxt):
        return struct.pack("<QIHH", addr, length, flags, nxt)

    def seed(feat, chain, req, extra=b"", num=16):
        table = b"".join(chain).ljust(16 * num, b"\0")
        avail = struct.pack("<HHH", 0, 1, 0).ljust(6 + 2 * num, b"\0")
        data = req.ljust(0x100, b"\0") + extra
        return bytes([feat, 4]) + table + avail + data
    base = 0x20000
    rd = [desc(base, 16, 1, 1), desc(base + 0x400, 512, 3, 2), desc(base + 0x800, 1, 2, 0)]
    put("virtqueue", "blk-read", seed(0, rd, struct.pack("<IIQ", 0, 0, 0)))
    wr = [desc(base, 16, 1, 1), desc(base + 0x400, 512, 1, 2), desc(base + 0x800, 1, 2, 0)]
    put("virtqueue", "blk-write", seed(0, wr, struct.pack("<IIQ", 1, 0, 3)))
    fl = [desc(base, 16, 1, 1), desc(base + 0x800, 1, 2, 0)]
    put("virtqueue", "blk-flush", seed(0, fl, struct.pack("<IIQ", 4, 0, 0)))
    gid = [desc(base, 16, 1, 1), desc(base + 0x400, 20, 3, 2), desc(base + 0x800, 1, 2, 0)]
    put("virtqueue", "blk-get-id", seed(0, gid, struct.pack("<IIQ", 8, 0, 0)))
    ind_table = (desc(base, 16, 1, 1) + desc(base + 0x400, 512, 3, 2)
                 + desc(base + 0x800, 1, 2, 0))
    ind = [desc(base + 0x100, 48, 4, 0)]
    put("virtqueue", "blk-indirect", seed(1, ind, struct.pack("<IIQ", 0, 0, 0), ind_table))
    put("virtqueue", "blk-event-idx", seed(2, rd, struct.pack("<IIQ", 0, 0, 1)))


def qmp_seeds():
    put("qmp-json", "capabilities", '{"execute": "qmp_capabilities"}\n')
    put("qmp-json", "query-block", '{ "execute": "query-block", "id": 7 }\r\n')
    put("qmp-json", "args", "{'execute':'human-monitor-command','arguments':"
        "{'command-line':'info status'}, 'id': [1, 2.5e3, -0, true, null]}")
    put("qmp-json", "escapes", '{"execute": "x\\u00e9\\ud83d\\ude00\\n\\"", "a": {"b": [[]]}}')
    put("qmp-json", "errors", '{"execute": } ] {"a" 1} \x1b {"x": tru} 1e400 "unterminated')
    put("qmp-json", "stream", '{"execute":"stop"}{"execute":"cont"}[1,{"k":{}}]')


def cmdline_seeds():
    lines = {
        "basic": ["-m", "256M", "-smp", "2,sockets=1,cores=2,threads=1", "-hda", "disk.img"],
        "drives": ["-drive", "file=a.qcow2,if=virtio,format=qcow2,cache=none,snapshot=on",
                   "-drive", "file=b.iso,media=cdrom,if=ide,index=2", "-boot",
                   "order=dc,menu=on,splash-time=100,strict=on"],
        "net": ["-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:2222-:22,restrict=on",
                "-device", "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56",
                "-nic", "user,model=virtio-net-pci,guestfwd=tcp:10.0.2.100:80-cmd:cat"],
        "chardevs": ["-chardev", "socket,id=c0,path=/tmp/x,server=on,wait=off",
                     "-serial", "chardev:c0", "-qmp", "tcp:127.0.0.1:4444,server=on,wait=off",
                     "-monitor", "stdio", "-mon", "chardev=c0,mode=control"],
        "machine": ["-machine", "pc,accel=qtest", "-cpu", "qemu64,+ssse3,-svm", "-rtc",
                    "base=2020-01-01T00:00:00,clock=vm", "-vga", "std", "-display", "none",
                    "-d", "guest_errors,unimp", "-name", "x", "-no-reboot", "-S"],
        "sandbox": ["-sandbox", "on,obsolete=deny,elevateprivileges=children,spawn=deny,"
                    "resourcecontrol=allow", "-runas", "0:0", "-device",
                    "isa-debug-exit,iobase=0xf4,iosize=4", "-kernel", "/dev/null",
                    "-append", "console=ttyS0"],
    }
    for name, args in lines.items():
        put("cmdline", name, "\n".join(args))


def qcow2_seeds():
    cmds = [
        ["qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=512", "a.qcow2", "1M"],
        ["qemu-io", "-c", "write -P 1 0 20k", "-c", "write -z 100k 10k", "a.qcow2"],
        ["qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=4k,compat=0.10",
         "b.qcow2", "2M"],
        ["qemu-io", "-c", "write -P 2 4k 8k", "b.qcow2"],
        ["qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=4k", "c.qcow2", "1M"],
        ["qemu-io", "-c", "write -c -P 3 0 4k", "-c", "write -c -P 4 4k 4k", "c.qcow2"],
        ["qemu-img", "snapshot", "-c", "s", "c.qcow2"],
        ["qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=1k,refcount_bits=1",
         "-b", "c.qcow2", "-F", "qcow2", "d.qcow2"],
        ["qemu-io", "-c", "write -P 5 0 3k", "d.qcow2"],
        ["qemu-img", "create", "-q", "-f", "qcow2", "-o",
         "cluster_size=4k,compression_type=zstd", "e.qcow2", "1M"],
        ["qemu-io", "-c", "write -c -P 6 0 4k", "-c", "write -c -P 7 8k 4k", "e.qcow2"],
    ]
    with tempfile.TemporaryDirectory() as d:
        for c in cmds:
            subprocess.run(c, cwd=d, check=True, stdout=subprocess.DEVNULL)
        for f in sorted(os.listdir(d)):
            with open(os.path.join(d, f), "rb") as src:
                put("qcow2", f, src.read())


ide_seeds()
fw_cfg_seeds()
vga_seeds()
virtqueue_seeds()
qmp_seeds()
cmdline_seeds()
qcow2_seeds()


def savevm_seeds():
    put("savevm", "baseline", b"\x00")
    put("savevm", "patch-sections", b"\x00" + b"".join(
        bytes([i, 8, 0, 4]) + b"\xff\xff\xff\x7f" for i in range(0, 40, 3)))
    put("savevm", "crc-kept", b"\x01" + bytes([1, 0, 0, 2]) + b"\x55\xaa")
    put("savevm", "header", b"\x02" + bytes([255, 8, 0, 4]) + b"\x00\x00\x00\x01")


savevm_seeds()
